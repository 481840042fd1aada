/* test_decrypt_glue.c - decryption wired into a run (decrypt_glue.c) and its XML element
 * (xml_decrypt.c), end to end through analysis_read():
 *   awakecoding-wireshark-rdp/rdp-nla-ntlm-rejected1/2.pcapng carry their TLS secrets in a
 *   Decryption Secrets Block: the verdict becomes auth_failed (nla, high) with the exact
 *   errorCode; the same captures with decryption unavailable keep the inferred verdict;
 *   samples/nla-wrong-password.pcap with --keylog samples/nla-wrong-password.keys (TLS 1.3):
 *   the FreeRDP server's close after the AUTHENTICATE, read from the decrypted close_notify.
 * The tests skip when the captures are absent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libxml/tree.h>

#include "analysis.h"
#include "capture.h"
#include "decrypt_facts.h"
#include "xml_decrypt.h"

#ifndef RDPT_SHARED_DIR
#define RDPT_SHARED_DIR "../shared"
#endif
#ifndef RDPT_SOURCE_DIR
#define RDPT_SOURCE_DIR "."
#endif
#define AWAKE RDPT_SHARED_DIR "/captures/awakecoding-wireshark-rdp/"

static void run(analysis *a, const char *path, const char *keylog_path)
{
    char err[512];
    capture_source *src = capture_open_file(path, NULL, err, sizeof err);
    assert_non_null(src);
    analysis_init(a);
    a->keylog_file = keylog_path;
    assert_true(analysis_read(a, src, path, false));
    capture_close(src);
}

/* <decryption> of a connection as text. */
static void xml_of(const connection *c, char *out, size_t outlen)
{
    xt_doc *doc = xt_doc_new();
    xt_ptr root = xt_new_node(doc, "connection");
    assert_true(xml_decrypt(root, c));
    xt_buf buf = { NULL, 0, 0, false };
    assert_true(xt_serialize(root, &buf));
    snprintf(out, outlen, "%s", buf.data);
    xt_buf_free(&buf);
    xt_doc_free(doc);
}

static void test_dsb_credssp_errors(void **state)
{
    (void)state;
    if (access(AWAKE "rdp-nla-ntlm-rejected1.pcapng", R_OK) != 0)
        skip();
    analysis a;
    static char xml[8192];
    run(&a, AWAKE "rdp-nla-ntlm-rejected1.pcapng", NULL);
    connection *c = a.first;
    assert_non_null(c);
    assert_non_null(c->decrypt);
    assert_true(c->decrypt->ready);
    assert_int_equal(c->v.phase, PHASE_NLA);
    assert_int_equal(c->v.cause, CAUSE_AUTH_FAILED);
    assert_int_equal(c->v.confidence, CONF_HIGH);
    assert_string_equal(c->v.rule, "decrypted_credssp_error");
    assert_int_equal(c->v.key.packet, 15);
    assert_non_null(strstr(c->v.detail, "SEC_E_UNSUPPORTED_FUNCTION (0x80090302)"));
    xml_of(c, xml, sizeof xml);
    assert_non_null(strstr(xml, "<decryption status=\"decrypted\""));
    assert_non_null(strstr(xml, "name=\"SEC_E_UNSUPPORTED_FUNCTION\""));
    assert_non_null(strstr(xml, "user=\"Administrator\""));
    /* The retry (connection 2) offered SSL only: refused in the clear, not decrypted. */
    assert_non_null(c->order_next);
    assert_int_equal(c->order_next->v.cause, CAUSE_HYBRID_REQUIRED_BY_SERVER);
    analysis_free(&a);

    run(&a, AWAKE "rdp-nla-ntlm-rejected2.pcapng", NULL);
    c = a.first;
    assert_int_equal(c->v.cause, CAUSE_AUTH_FAILED);
    assert_int_equal(c->v.confidence, CONF_HIGH);
    assert_non_null(strstr(c->v.detail, "STATUS_ACCOUNT_RESTRICTION (0xC000006E)"));
    assert_non_null(strstr(c->v.summary, "Protected Users"));
    analysis_free(&a);
}

/* A key log that does not match: nothing decrypts, the inferred verdict stands and the
 * report says why not. The DSB is read anyway, so use a classic pcap for this. */
static void test_unmatched_keylog(void **state)
{
    (void)state;
    char cap[512], keys[512];
    snprintf(cap, sizeof cap, "%s/samples/nla-wrong-password.pcap", RDPT_SOURCE_DIR);
    snprintf(keys, sizeof keys, "%s/samples/success-nla.keys", RDPT_SOURCE_DIR);
    if (access(cap, R_OK) != 0 || access(keys, R_OK) != 0)
        skip();
    analysis a;
    static char xml[8192];
    run(&a, cap, keys);
    connection *c = a.first;
    assert_non_null(c->decrypt);
    assert_false(c->decrypt->ready);
    assert_true(c->decrypt->unavailable);
    assert_int_equal(c->v.cause, CAUSE_AUTH_FAILED); /* inferred */
    assert_true(c->v.confidence != CONF_HIGH);
    assert_true(c->v.rule == NULL || strncmp(c->v.rule, "decrypted_", 10) != 0);
    xml_of(c, xml, sizeof xml);
    assert_non_null(strstr(xml, "status=\"unavailable\""));
    assert_non_null(strstr(xml, "no entry for client random"));
    analysis_free(&a);
}

static void test_keylog_tls13(void **state)
{
    (void)state;
    char cap[512], keys[512];
    snprintf(cap, sizeof cap, "%s/samples/nla-wrong-password.pcap", RDPT_SOURCE_DIR);
    snprintf(keys, sizeof keys, "%s/samples/nla-wrong-password.keys", RDPT_SOURCE_DIR);
    if (access(cap, R_OK) != 0)
        skip();
    analysis a;
    run(&a, cap, keys);
    unsigned n = 0;
    for (connection *c = a.first; c; c = c->order_next, n++) {
        assert_non_null(c->decrypt);
        assert_true(c->decrypt->ready);
        assert_string_equal(c->decrypt->user, "alice");
        assert_string_equal(c->decrypt->domain, "RDPTLAB");
        assert_int_equal(c->v.phase, PHASE_NLA);
        assert_int_equal(c->v.cause, CAUSE_AUTH_FAILED);
        assert_int_equal(c->v.confidence, CONF_MEDIUM); /* the FreeRDP server sends no code */
        assert_string_equal(c->v.rule, "decrypted_closed_after_auth");
    }
    assert_int_equal(n, 2);
    /* The expected key packets of samples/nla-wrong-password.expect: 19 and 39. */
    assert_int_equal(a.first->v.key.packet, 19);
    assert_int_equal(a.first->order_next->v.key.packet, 39);
    analysis_free(&a);
}

/* Without secrets nothing is allocated and the XML has no <decryption>. */
static void test_no_secrets(void **state)
{
    (void)state;
    char cap[512];
    snprintf(cap, sizeof cap, "%s/samples/success-tls.pcap", RDPT_SOURCE_DIR);
    if (access(cap, R_OK) != 0)
        skip();
    analysis a;
    static char xml[8192];
    run(&a, cap, NULL);
    assert_null(a.first->decrypt);
    assert_null(a.first->dconn);
    xml_of(a.first, xml, sizeof xml);
    assert_null(strstr(xml, "decryption"));
    analysis_free(&a);
    /* A key-log file that cannot be read is a message of the run, not a crash. */
    run(&a, cap, "/nonexistent/rdpt.keys");
    assert_true(a.n_messages >= 1);
    assert_non_null(strstr(a.messages[0].text, "/nonexistent/rdpt.keys"));
    analysis_free(&a);
}

/* Decrypted RDP reaches the RDP layer (layer_rdp_plaintext): the awakecoding
 * successes end with a Set Error Info 0xB/0xC and a Disconnect Provider
 * Ultimatum, read at the end of sessions longer than CONN_FOLLOW_PDUS
 * records. Frames as `tshark -d tcp.port==3389,tls` shows them from the
 * embedded secrets. They stay successes (0xB/0xC are normal ends). */
static void test_dsb_session_end(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        uint32_t errinfo;
        uint64_t errinfo_packet, dpum_packet, demand_packet;
    } cases[] = {
        { "rdp-restricted-admin-rejected1.pcapng", 0xB, 211, 217, 45 },
        { "rdp-nla-kerberos-auth1.pcapng", 0xB, 1167, 1177, 51 },
        { "rdp-credential-guard-accepted1.pcapng", 0xC, 2067, 2072, 46 },
        { "rdp-no-nla-accepted1.pcapng", 0xB, 1772, 1780, 33 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s%s", AWAKE, cases[i].file);
        if (access(path, R_OK) != 0)
            skip();
        analysis a;
        run(&a, path, NULL);
        connection *c = a.first;
        assert_non_null(c);
        assert_non_null(c->decrypt);
        assert_true(c->decrypt->ready);
        assert_true(c->rdp.license_done);
        assert_false(c->rdp.license_done_inferred);
        assert_int_equal(c->rdp.demand_active_ref.packet, cases[i].demand_packet);
        assert_false(c->rdp.demand_active_inferred);
        assert_true(c->rdp.has_error_info);
        assert_int_equal(c->rdp.error_info, cases[i].errinfo);
        assert_int_equal(c->rdp.error_info_ref.packet, cases[i].errinfo_packet);
        assert_true(c->rdp.has_dpum);
        assert_int_equal(c->rdp.dpum_ref.packet, cases[i].dpum_packet);
        assert_int_equal(c->rdp.redirection_ref.packet, 0);
        assert_int_equal(c->v.cause, CAUSE_SUCCESS);
        /* Read, not inferred: the success rests on the decrypted finalization
         * and names the normal Set Error Info. */
        assert_int_equal(c->v.confidence, CONF_HIGH);
        assert_int_equal(c->v.key.packet, c->rdp.session_ref.packet);
        assert_non_null(strstr(c->v.summary, "ERRINFO_"));
        analysis_free(&a);
    }
}

/* TLS 1.3 (xrdp) with a key log: the MCS, licensing and activation facts
 * come from the decrypted bytes (samples/README.md). */
static void test_keylog_rdp_sequence(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        uint64_t client_info, licensing, demand, confirm, session;
    } cases[] = {
        { "success-tls", 40, 41, 46, 48, 60 },
        { "success-nla", 41, 42, 43, 45, 54 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char cap[512], keys[512];
        snprintf(cap, sizeof cap, "%s/samples/%s.pcap", RDPT_SOURCE_DIR, cases[i].name);
        snprintf(keys, sizeof keys, "%s/samples/%s.keys", RDPT_SOURCE_DIR, cases[i].name);
        if (access(cap, R_OK) != 0)
            skip();
        analysis a;
        run(&a, cap, keys);
        const rdp_facts *f = &a.first->rdp;
        assert_true(f->seen);
        assert_true(f->has_connect_response);
        assert_int_equal(f->mcs_result, 0);
        assert_int_equal(f->client_info_ref.packet, cases[i].client_info);
        assert_int_equal(f->license_first_ref.packet, cases[i].licensing);
        assert_true(f->license_done);
        assert_int_equal(f->demand_active_ref.packet, cases[i].demand);
        assert_int_equal(f->confirm_active_ref.packet, cases[i].confirm);
        assert_int_equal(f->session_ref.packet, cases[i].session);
        assert_false(f->session_inferred);
        assert_false(f->malformed);
        assert_int_equal(a.first->v.cause, CAUSE_SUCCESS);
        analysis_free(&a);
        /* Without the key log none of it is known. */
        run(&a, cap, NULL);
        assert_false(a.first->rdp.seen);
        analysis_free(&a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dsb_credssp_errors),
        cmocka_unit_test(test_unmatched_keylog),
        cmocka_unit_test(test_keylog_tls13),
        cmocka_unit_test(test_no_secrets),
        cmocka_unit_test(test_dsb_session_end),
        cmocka_unit_test(test_keylog_rdp_sequence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

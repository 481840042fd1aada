/* test_rules_decrypted.c - the rules over decrypted facts (rules_decrypted.c) and the facts
 * recorder (decrypt_facts.c), on hand-made connections and facts, including the near misses
 * that must not fire (informational ERRINFO, no decryption, a server that did prove its key).
 * The codes are those the awakecoding captures carry (0x80090302, 0xC000006E, ERRINFO 0xB).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "conn_fixture.h"

#include "connection.h"
#include "decrypt_facts.h"
#include "rules_decrypted.h"

static connection *make_conn(void)
{
    rt_addr client = { 4, { 10, 0, 0, 5 } }, server = { 4, { 10, 0, 0, 9 } };
    return fixture_syn_conn(client, server);
}

static pkt_ref at(uint64_t n)
{
    pkt_ref r = { n, { 1700000000, (uint32_t)n * 1000 } };
    return r;
}

/* Facts as layer_decrypt.c reports them for rdp-nla-ntlm-rejected1 (frames 12-15). */
static void ntlm_exchange(decrypt_facts *f, uint32_t error_code)
{
    memset(f, 0, sizeof *f);
    pkt_ref r = at(11);
    decrypt_event ev = { .kind = DEC_EV_READY, .text = "key log (matched by client random)" };
    decrypt_facts_on_event(f, &ev, &r);
    credssp_ts_request ts;
    memset(&ts, 0, sizeof ts);
    ts.version = 6;
    ts.n_tokens = 1;
    ts.token.kind = CREDSSP_TOKEN_NTLM;
    ts.token.ntlm_type = 1;
    ev = (decrypt_event){ .kind = DEC_EV_TS_REQUEST, .dir = TLSD_CLIENT, .ts = &ts };
    r = at(12);
    decrypt_facts_on_event(f, &ev, &r);
    ts.token.ntlm_type = 2;
    ev.dir = TLSD_SERVER;
    r = at(13);
    decrypt_facts_on_event(f, &ev, &r);
    ts.token.ntlm_type = 3;
    strcpy(ts.token.ntlm_domain, "IT-HELP");
    strcpy(ts.token.ntlm_user, "Administrator");
    ts.has_pub_key_auth = true;
    ts.has_client_nonce = true;
    ev.dir = TLSD_CLIENT;
    r = at(14);
    decrypt_facts_on_event(f, &ev, &r);
    if (error_code) {
        memset(&ts, 0, sizeof ts);
        ts.version = 6;
        ts.has_error_code = true;
        ts.error_code = error_code;
        ev.dir = TLSD_SERVER;
        r = at(15);
        decrypt_facts_on_event(f, &ev, &r);
    }
}

static bool cites(const verdict *v, uint64_t packet)
{
    for (unsigned i = 0; i < v->n_evidence; i++)
        if (v->evidence[i].ref.packet == packet)
            return true;
    return false;
}

static void test_facts_recorder(void **state)
{
    (void)state;
    decrypt_facts f;
    ntlm_exchange(&f, 0x80090302);
    assert_true(f.ready);
    assert_int_equal(f.ready_ref.packet, 11);
    assert_int_equal(f.ts_requests[DIR_C2S], 2);
    assert_int_equal(f.ts_requests[DIR_S2C], 2);
    assert_int_equal(f.credssp_version[DIR_C2S], 6);
    assert_string_equal(f.first_token[DIR_C2S], "NTLM NEGOTIATE");
    assert_string_equal(f.first_token[DIR_S2C], "NTLM CHALLENGE");
    assert_int_equal(f.client_auth_ref.packet, 14);
    assert_string_equal(f.user, "Administrator");
    assert_string_equal(f.domain, "IT-HELP");
    assert_true(f.has_error_code);
    assert_int_equal(f.error_code, 0x80090302u);
    assert_int_equal(f.error_ref.packet, 15);
    assert_int_equal(f.server_pubkey_ref.packet, 0);

    /* The other events. */
    pkt_ref r = at(20);
    decrypt_event ev = { .kind = DEC_EV_ALERT, .dir = TLSD_SERVER, .level = 1, .description = 0 };
    decrypt_facts_on_event(&f, &ev, &r);
    ev.description = 40; /* only the first alert is kept */
    decrypt_facts_on_event(&f, &ev, &r);
    assert_true(f.alert[DIR_S2C]);
    assert_int_equal(f.alert_desc[DIR_S2C], 0);
    ev = (decrypt_event){ .kind = DEC_EV_EARLY_USER_AUTH, .dir = TLSD_SERVER, .value = 5 };
    decrypt_facts_on_event(&f, &ev, &r);
    assert_true(f.has_early_auth);
    assert_int_equal(f.early_auth, 5);
    ev = (decrypt_event){ .kind = DEC_EV_RDP_BYTES, .dir = TLSD_CLIENT, .len = 300 };
    decrypt_facts_on_event(&f, &ev, &r);
    assert_int_equal(f.rdp_bytes[DIR_C2S], 300);
    ev = (decrypt_event){ .kind = DEC_EV_FAILED, .dir = TLSD_SERVER, .text = "a record failed" };
    decrypt_facts_on_event(&f, &ev, &r);
    assert_true(f.failed);
    assert_int_equal(f.failed_dir, DIR_S2C);
    ev = (decrypt_event){ .kind = DEC_EV_UNAVAILABLE, .text = "no secrets" };
    decrypt_facts_on_event(&f, &ev, &r);
    assert_string_equal(f.why_not, "no secrets");
    ev = (decrypt_event){ .kind = DEC_EV_CREDSSP_MALFORMED, .dir = TLSD_SERVER };
    decrypt_facts_on_event(&f, &ev, &r);
    assert_true(f.credssp_malformed);
}

static void test_credssp_error_rule(void **state)
{
    (void)state;
    connection *c = make_conn();
    decrypt_facts f;
    verdict v;

    ntlm_exchange(&f, 0x80090302);
    memset(&v, 0, sizeof v);
    assert_true(rules_decrypted_credssp_error(&f, c, &v));
    assert_int_equal(v.phase, PHASE_NLA);
    assert_int_equal(v.cause, CAUSE_AUTH_FAILED);
    assert_int_equal(v.confidence, CONF_HIGH);
    assert_string_equal(v.detail, "CredSSP errorCode HRESULT SEC_E_UNSUPPORTED_FUNCTION (0x80090302)");
    assert_non_null(strstr(v.summary, "IT-HELP\\Administrator"));
    assert_non_null(strstr(v.summary, "NTLM"));
    assert_int_equal(v.key.packet, 15);
    assert_true(cites(&v, 14));
    assert_true(cites(&v, 15));

    ntlm_exchange(&f, 0xC000006E);
    memset(&v, 0, sizeof v);
    assert_true(rules_decrypted_credssp_error(&f, c, &v));
    assert_string_equal(v.detail, "CredSSP errorCode NTSTATUS STATUS_ACCOUNT_RESTRICTION (0xC000006E)");
    assert_non_null(strstr(v.summary, "Protected Users"));

    /* An unknown code is shown as a number. */
    ntlm_exchange(&f, 0xC0FFEE00);
    memset(&v, 0, sizeof v);
    assert_true(rules_decrypted_credssp_error(&f, c, &v));
    assert_non_null(strstr(v.detail, "0xC0FFEE00"));

    /* Near misses: no error code; facts not decrypted. */
    ntlm_exchange(&f, 0);
    memset(&v, 0, sizeof v);
    assert_false(rules_decrypted_credssp_error(&f, c, &v));
    assert_false(rules_decrypted_credssp_error(NULL, c, &v));
    ntlm_exchange(&f, 0x80090302);
    f.ready = false;
    assert_false(rules_decrypted_credssp_error(&f, c, &v));
    connection_free(c);
}

static void test_early_auth_and_negotiate(void **state)
{
    (void)state;
    connection *c = make_conn();
    decrypt_facts f;
    verdict v;
    ntlm_exchange(&f, 0);
    f.has_early_auth = true;
    f.early_auth = 5;
    f.early_auth_ref = at(30);
    memset(&v, 0, sizeof v);
    assert_true(rules_decrypted_early_auth_denied(&f, c, &v));
    assert_int_equal(v.cause, CAUSE_AUTH_FAILED);
    assert_int_equal(v.confidence, CONF_HIGH);
    assert_string_equal(v.detail, "Early User Authorization Result AUTHZ_ACCESS_DENIED (0x00000005)");
    assert_int_equal(v.key.packet, 30);
    f.early_auth = 0; /* AUTHZ_SUCCESS: nothing to say */
    assert_false(rules_decrypted_early_auth_denied(&f, c, &v));

    ntlm_exchange(&f, 0);
    assert_false(rules_decrypted_negotiate_rejected(&f, c, &v));
    f.krb_error = true;
    f.krb_error_code = 37;
    f.krb_error_ref = at(16);
    memset(&v, 0, sizeof v);
    assert_true(rules_decrypted_negotiate_rejected(&f, c, &v));
    assert_string_equal(v.detail, "CredSSP Kerberos KRB-ERROR 37");
    assert_non_null(strstr(v.summary, "KRB_AP_ERR_SKEW"));
    f.krb_error = false;
    f.spnego_reject = true;
    f.spnego_reject_ref = at(17);
    memset(&v, 0, sizeof v);
    assert_true(rules_decrypted_negotiate_rejected(&f, c, &v));
    assert_int_equal(v.key.packet, 17);
    /* An errorCode takes precedence (its own rule). */
    f.has_error_code = true;
    assert_false(rules_decrypted_negotiate_rejected(&f, c, &v));
    connection_free(c);
}

/* nla-wrong-password: the FreeRDP server answers the AUTHENTICATE with an encrypted
 * close_notify and a FIN, no errorCode. */
static void test_closed_after_auth(void **state)
{
    (void)state;
    connection *c = make_conn();
    decrypt_facts f;
    verdict v;
    ntlm_exchange(&f, 0);
    /* Without a close by the server, nothing is concluded yet. */
    memset(&v, 0, sizeof v);
    assert_false(rules_decrypted_closed_after_auth(&f, c, &v));
    pkt_ref r = at(19);
    decrypt_event ev = { .kind = DEC_EV_ALERT, .dir = TLSD_SERVER, .level = 1, .description = 0 };
    decrypt_facts_on_event(&f, &ev, &r);
    c->dir[DIR_S2C].fin = at(21);
    memset(&v, 0, sizeof v);
    assert_true(rules_decrypted_closed_after_auth(&f, c, &v));
    assert_int_equal(v.phase, PHASE_NLA);
    assert_int_equal(v.cause, CAUSE_AUTH_FAILED);
    assert_int_equal(v.confidence, CONF_MEDIUM);
    assert_int_equal(v.key.packet, 19);
    assert_true(cites(&v, 14));
    assert_true(cites(&v, 19));
    assert_true(cites(&v, 21));
    assert_non_null(strstr(v.detail, "IT-HELP\\Administrator"));
    /* The server proved its key (pubKeyAuth): authentication went through. */
    f.server_pubkey_ref = at(16);
    assert_false(rules_decrypted_closed_after_auth(&f, c, &v));
    connection_free(c);
}

static void test_set_error_info_rule(void **state)
{
    (void)state;
    connection *c = make_conn();
    decrypt_facts f;
    verdict v;
    ntlm_exchange(&f, 0);
    pkt_ref r = at(1167);
    memset(&v, 0, sizeof v);
    assert_true(rules_decrypted_set_error_info(&f, c, true, 0x7, &r, &v));
    assert_int_equal(v.cause, CAUSE_SERVER_DENIED);
    assert_int_equal(v.confidence, CONF_HIGH);
    assert_int_equal(v.phase, PHASE_ACTIVATION);
    assert_string_equal(v.detail, "Set Error Info ERRINFO_SERVER_DENIED_CONNECTION (0x00000007)");
    assert_int_equal(v.key.packet, 1167);
    memset(&v, 0, sizeof v);
    assert_true(rules_decrypted_set_error_info(&f, c, true, 0x9, &r, &v));
    assert_non_null(strstr(v.summary, "Remote Desktop Users"));
    memset(&v, 0, sizeof v);
    assert_true(rules_decrypted_set_error_info(&f, c, true, 0x102, &r, &v));
    assert_int_equal(v.cause, CAUSE_LICENSING_ERROR);
    assert_int_equal(v.phase, PHASE_LICENSING);
    /* The awakecoding successes end with 0xB / 0xC: a normal end, not a failure. */
    assert_false(rules_decrypted_set_error_info(&f, c, true, 0xB, &r, &v));
    assert_false(rules_decrypted_set_error_info(&f, c, true, 0xC, &r, &v));
    assert_false(rules_decrypted_set_error_info(&f, c, false, 0x7, &r, &v));
    f.ready = false;
    assert_false(rules_decrypted_set_error_info(&f, c, true, 0x7, &r, &v));
    connection_free(c);
}

/* The timeline events: packed from a TSRequest, described in words. */
static void test_timeline_words(void **state)
{
    (void)state;
    credssp_ts_request ts;
    memset(&ts, 0, sizeof ts);
    ts.version = 6;
    ts.n_tokens = 1;
    ts.token.kind = CREDSSP_TOKEN_NTLM;
    ts.token.ntlm_type = 3;
    ts.has_pub_key_auth = true;
    tl_event e = { EV_CREDSSP, DIR_C2S, { 14, { 0, 0 } }, decrypt_pack_ts_request(&ts), 0 };
    char buf[256];
    decrypt_facts_describe_event(&e, buf, sizeof buf);
    assert_string_equal(buf, "CredSSP TSRequest v6: NTLM AUTHENTICATE, pubKeyAuth");
    memset(&ts, 0, sizeof ts);
    ts.version = 6;
    ts.has_error_code = true;
    ts.error_code = 0xC000006E;
    e.a = decrypt_pack_ts_request(&ts);
    e.b = ts.error_code;
    decrypt_facts_describe_event(&e, buf, sizeof buf);
    assert_string_equal(buf, "CredSSP TSRequest v6, errorCode STATUS_ACCOUNT_RESTRICTION (0xC000006E)");
    ts.n_tokens = 1;
    ts.has_error_code = false;
    ts.token.kind = CREDSSP_TOKEN_KERBEROS;
    ts.token.krb = CREDSSP_KRB_AP_REQ;
    ts.token.spnego = true;
    e.a = decrypt_pack_ts_request(&ts);
    decrypt_facts_describe_event(&e, buf, sizeof buf);
    assert_string_equal(buf, "CredSSP TSRequest v6: Kerberos AP-REQ (in SPNEGO)");
    e.type = EV_EARLY_USER_AUTH;
    e.a = 5;
    decrypt_facts_describe_event(&e, buf, sizeof buf);
    assert_string_equal(buf, "Early User Authorization Result AUTHZ_ACCESS_DENIED (0x00000005)");
    e.type = EV_DECRYPTION;
    e.a = DECRYPT_STATE_UNAVAILABLE;
    decrypt_facts_describe_event(&e, buf, sizeof buf);
    assert_string_equal(buf, "TLS cannot be decrypted");
    /* Through the timeline's own describer. */
    e.a = DECRYPT_STATE_READY;
    timeline_describe(&e, buf, sizeof buf);
    assert_string_equal(buf, "TLS decrypted from here on");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_facts_recorder),
        cmocka_unit_test(test_credssp_error_rule),
        cmocka_unit_test(test_early_auth_and_negotiate),
        cmocka_unit_test(test_closed_after_auth),
        cmocka_unit_test(test_set_error_info_rule),
        cmocka_unit_test(test_timeline_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_inference.c - the issue 6 rules: inference from encrypted TLS
 * records (rules_inference.c) on hand-made connections fed through the real
 * connection code, and the Standard RDP Security rules (rules_rdp.c) on
 * hand-made facts. Each case is a story; the near-misses check what must
 * not fire (a reset at the end of a long session is not a failure; a server
 * that answered the AUTHENTICATE with a full record did not reject it).
 * Record sizes are those of real captures: ndpi/rdp_over_tls.pcap (TLS 1.2:
 * 81, 215, 633, alert 26), samples/nla-wrong-password.pcap (TLS 1.3: 110,
 * 250, 250, 179, 460, 19), ndpi/rdp.pcap (HYBRID_EX: 83, 100, EUA 28). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "analysis.h"
#include "capture.h"
#include "connection.h"
#include "diagnosis.h"
#include "mcs.h"
#include "rules_rdp.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

/* X.224 CR (awakecoding rdp-no-nla-rejected1 frame 4) with requestedProtocols patched. */
static const uint8_t CR_BASE[] = {
    0x03, 0x00, 0x00, 0x2f, 0x2a, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x43, 0x6f, 0x6f, 0x6b, 0x69,
    0x65, 0x3a, 0x20, 0x6d, 0x73, 0x74, 0x73, 0x68, 0x61, 0x73, 0x68, 0x3d, 0x41, 0x64, 0x6d, 0x69,
    0x6e, 0x69, 0x73, 0x74, 0x72, 0x0d, 0x0a, 0x01, 0x00, 0x08, 0x00, 0x0b, 0x00, 0x00, 0x00,
};
/* X.224 CC with RDP_NEG_RSP (rdp-no-tls-accepted1 frame 11), selectedProtocol patched. */
static const uint8_t CC_BASE[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00,
    0x02, 0x1f, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
};

typedef struct {
    connection *c;
    uint32_t seq[2];
    uint64_t packet;
    int64_t usec;
} story;

static void pkt(story *s, direction dir, uint8_t flags, const uint8_t *data, uint32_t len,
                int64_t after_us)
{
    decoded_packet p;
    memset(&p, 0, sizeof p);
    p.kind = DECODED_TCP;
    rt_addr a = { 4, { 10, 0, 0, 5 } }, b = { 4, { 10, 0, 0, 9 } };
    p.src = dir == DIR_C2S ? a : b;
    p.dst = dir == DIR_C2S ? b : a;
    p.tcp.sport = dir == DIR_C2S ? 50123 : 3389;
    p.tcp.dport = dir == DIR_C2S ? 3389 : 50123;
    p.ttl = dir == DIR_C2S ? 64 : 63;
    p.tcp.flags = flags;
    p.tcp.seq = s->seq[dir];
    p.tcp.ack = s->seq[dir ^ 1];
    p.tcp.window = 8192;
    p.tcp.payload = data;
    p.tcp.payload_caplen = p.tcp.payload_len = len;
    s->usec += after_us;
    pkt_ref ref = { ++s->packet, { 1700000000 + s->usec / 1000000, (uint32_t)(s->usec % 1000000) * 1000 } };
    if (!s->c)
        s->c = connection_new(1, 0, &p, dir == DIR_C2S, REASM_DEFAULT_MAX_BUFFERED);
    connection_packet(s->c, dir, &p, &ref);
    s->seq[dir] += len + ((flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);
}

/* TLS records, each "type:length", in one TCP segment. */
static void records(story *s, direction dir, const uint16_t (*recs)[2], size_t n)
{
    static uint8_t buf[16384];
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        buf[used++] = (uint8_t)recs[i][0];
        buf[used++] = 3;
        buf[used++] = 3;
        buf[used++] = (uint8_t)(recs[i][1] >> 8);
        buf[used++] = (uint8_t)recs[i][1];
        memset(buf + used, 0x5a, recs[i][1]);
        used += recs[i][1];
    }
    pkt(s, dir, TCP_ACK | TCP_PSH, buf, (uint32_t)used, 20000);
}
#define REC(s, dir, ...)                                                     \
    do {                                                                     \
        static const uint16_t r_[][2] = { __VA_ARGS__ };                     \
        records(s, dir, r_, sizeof r_ / sizeof r_[0]);                       \
    } while (0)

/* TCP handshake, X.224 selecting `proto`, TLS 1.2 handshake (or TLS 1.3's first flights). */
static void open_tls(story *s, uint32_t proto, bool tls13)
{
    memset(s, 0, sizeof *s);
    s->seq[0] = 1000;
    s->seq[1] = 5000;
    pkt(s, DIR_C2S, TCP_SYN, NULL, 0, 0);
    pkt(s, DIR_S2C, TCP_SYN | TCP_ACK, NULL, 0, 300);
    pkt(s, DIR_C2S, TCP_ACK, NULL, 0, 300);
    uint8_t cr[sizeof CR_BASE], cc[sizeof CC_BASE];
    memcpy(cr, CR_BASE, sizeof cr);
    memcpy(cc, CC_BASE, sizeof cc);
    cc[15] = (uint8_t)proto;
    pkt(s, DIR_C2S, TCP_ACK | TCP_PSH, cr, sizeof cr, 100);
    pkt(s, DIR_S2C, TCP_ACK | TCP_PSH, cc, sizeof cc, 1000);
    REC(s, DIR_C2S, { 22, 200 });
    if (tls13) {
        REC(s, DIR_S2C, { 22, 122 }, { 20, 1 }, { 23, 23 }, { 23, 720 }, { 23, 281 }, { 23, 69 });
        REC(s, DIR_C2S, { 20, 1 }, { 23, 69 });
    } else {
        REC(s, DIR_S2C, { 22, 1192 });
        REC(s, DIR_C2S, { 22, 102 }, { 20, 1 }, { 22, 40 });
        REC(s, DIR_S2C, { 20, 1 }, { 22, 40 });
    }
}

static void finish(story *s)
{
    pkt_ref last = { s->packet, { 1700000000 + s->usec / 1000000, 0 } };
    connection_finish(s->c, &last);
    diagnose_connection(s->c);
}

/* ndpi/rdp_over_tls.pcap: C 81, S 215, C 633, S alert, C 61 + 33, C RST. */
static void test_classic_rejection_tls12(void **state)
{
    (void)state;
    story s;
    open_tls(&s, 0x2, false);
    REC(&s, DIR_C2S, { 23, 81 });
    REC(&s, DIR_S2C, { 23, 215 });
    REC(&s, DIR_C2S, { 23, 633 });
    REC(&s, DIR_S2C, { 21, 26 });
    REC(&s, DIR_C2S, { 23, 61 }, { 23, 33 });
    pkt(&s, DIR_C2S, TCP_RST | TCP_ACK, NULL, 0, 1000);
    finish(&s);
    assert_int_equal(s.c->v.phase, PHASE_NLA);
    assert_int_equal(s.c->v.cause, CAUSE_AUTH_FAILED);
    assert_int_equal(s.c->v.confidence, CONF_LOW);
    assert_string_equal(s.c->v.rule, "inferred_nla_rejected");
    assert_non_null(strstr(s.c->v.detail, "inferred"));
    assert_true(s.c->v.not_examined[0] != '\0');
    connection_free(s.c);
}

/* samples/nla-wrong-password.pcap conn 1 (TLS 1.3, FreeRDP server): tickets
 * after the client's NEGOTIATE, encrypted close_notify (19) and FIN. */
static void test_classic_rejection_tls13(void **state)
{
    (void)state;
    story s;
    open_tls(&s, 0x2, true);
    REC(&s, DIR_C2S, { 23, 110 });
    REC(&s, DIR_S2C, { 23, 250 }, { 23, 250 }, { 23, 179 });
    REC(&s, DIR_C2S, { 23, 460 });
    REC(&s, DIR_S2C, { 23, 19 });
    pkt(&s, DIR_S2C, TCP_FIN | TCP_ACK, NULL, 0, 100);
    REC(&s, DIR_C2S, { 23, 19 });
    pkt(&s, DIR_S2C, TCP_RST, NULL, 0, 100);
    finish(&s);
    assert_int_equal(s.c->v.phase, PHASE_NLA);
    assert_int_equal(s.c->v.cause, CAUSE_AUTH_FAILED);
    connection_free(s.c);
}

/* Near-miss: the server answered the AUTHENTICATE with a full record (its
 * pubKeyAuth), then the client gave up (zeek/rdp-to-ssl.pcap conn 1). */
static void test_client_abandons_after_proof(void **state)
{
    (void)state;
    story s;
    open_tls(&s, 0x2, false);
    REC(&s, DIR_C2S, { 23, 80 });
    REC(&s, DIR_S2C, { 23, 336 });
    REC(&s, DIR_C2S, { 23, 928 });
    REC(&s, DIR_S2C, { 23, 336 });
    pkt(&s, DIR_C2S, TCP_FIN | TCP_ACK, NULL, 0, 3000000);
    pkt(&s, DIR_S2C, TCP_RST | TCP_ACK, NULL, 0, 100);
    finish(&s);
    assert_int_not_equal(s.c->v.cause, CAUSE_AUTH_FAILED);
    assert_int_equal(s.c->v.phase, PHASE_NLA);
    assert_int_equal(s.c->v.cause, CAUSE_CLOSED_BY_CLIENT);
    assert_string_equal(s.c->v.rule, "inferred_progress");
    connection_free(s.c);
}

/* Near-miss: a long session ended by a client reset is a success. */
static void test_reset_after_long_session(void **state)
{
    (void)state;
    story s;
    open_tls(&s, 0x2, false);
    REC(&s, DIR_C2S, { 23, 81 });
    REC(&s, DIR_S2C, { 23, 215 });
    REC(&s, DIR_C2S, { 23, 633 });
    REC(&s, DIR_S2C, { 23, 83 });
    REC(&s, DIR_C2S, { 23, 100 });
    for (int i = 0; i < 30; i++) {
        REC(&s, DIR_S2C, { 23, 1200 });
        REC(&s, DIR_C2S, { 23, 40 });
    }
    REC(&s, DIR_S2C, { 21, 26 });
    pkt(&s, DIR_C2S, TCP_RST | TCP_ACK, NULL, 0, 100);
    finish(&s);
    assert_int_equal(s.c->v.phase, PHASE_NONE);
    assert_int_equal(s.c->v.cause, CAUSE_SUCCESS);
    connection_free(s.c);
}

/* HYBRID_EX: CredSSP done, a 4-byte-sized Early User Authorization Result,
 * then the server closes: access denied, inferred. */
static void test_eua_denied(void **state)
{
    (void)state;
    story s;
    open_tls(&s, 0x8, false);
    REC(&s, DIR_C2S, { 23, 81 });
    REC(&s, DIR_S2C, { 23, 286 });
    REC(&s, DIR_C2S, { 23, 567 });
    REC(&s, DIR_S2C, { 23, 83 });
    REC(&s, DIR_C2S, { 23, 100 });
    REC(&s, DIR_S2C, { 23, 28 });
    pkt(&s, DIR_S2C, TCP_FIN | TCP_ACK, NULL, 0, 100);
    finish(&s);
    assert_int_equal(s.c->v.cause, CAUSE_AUTH_FAILED);
    assert_non_null(strstr(s.c->v.detail, "Early User Authorization"));
    connection_free(s.c);
}

/* ndpi/rdp.pcap: the same, but the capture ends after the EUA result. */
static void test_capture_ends_after_eua(void **state)
{
    (void)state;
    story s;
    open_tls(&s, 0x8, false);
    REC(&s, DIR_C2S, { 23, 81 });
    REC(&s, DIR_S2C, { 23, 286 });
    REC(&s, DIR_C2S, { 23, 567 });
    REC(&s, DIR_S2C, { 23, 83 });
    REC(&s, DIR_C2S, { 23, 100 });
    REC(&s, DIR_S2C, { 23, 28 });
    finish(&s);
    assert_int_equal(s.c->v.phase, PHASE_NLA);
    assert_int_equal(s.c->v.cause, CAUSE_CAPTURE_INCOMPLETE);
    assert_int_equal(s.c->v.confidence, CONF_LOW);
    connection_free(s.c);
}

/* Near-miss: the same shape under plain TLS (SSL) is not an NLA failure. */
static void test_ssl_is_not_nla(void **state)
{
    (void)state;
    story s;
    open_tls(&s, 0x1, false);
    REC(&s, DIR_C2S, { 23, 81 });
    REC(&s, DIR_S2C, { 23, 215 });
    REC(&s, DIR_C2S, { 23, 633 });
    REC(&s, DIR_S2C, { 21, 26 });
    pkt(&s, DIR_S2C, TCP_FIN | TCP_ACK, NULL, 0, 100);
    finish(&s);
    assert_int_not_equal(s.c->v.cause, CAUSE_AUTH_FAILED);
    /* Under SSL the 633-byte record after the server's answer is read as the
     * Client Info: the connection got to the security step. */
    assert_int_equal(s.c->v.phase, PHASE_SECURITY);
    assert_int_equal(s.c->v.cause, CAUSE_CLOSED_BY_SERVER);
    connection_free(s.c);
}

/* SSL, record sizes of awakecoding rdp-no-nla-accepted1 (frames 11-35), the
 * client closes after the Confirm Active: activation, inferred. */
static void test_ssl_progress_to_activation(void **state)
{
    (void)state;
    story s;
    open_tls(&s, 0x1, false);
    REC(&s, DIR_C2S, { 23, 486 });
    REC(&s, DIR_S2C, { 23, 150 });
    REC(&s, DIR_C2S, { 23, 36 }, { 23, 32 });
    REC(&s, DIR_S2C, { 23, 35 });
    for (int i = 0; i < 3; i++) {
        REC(&s, DIR_C2S, { 23, 36 });
        REC(&s, DIR_S2C, { 23, 39 });
    }
    REC(&s, DIR_C2S, { 23, 457 });
    REC(&s, DIR_S2C, { 23, 58 }, { 23, 496 });
    REC(&s, DIR_C2S, { 23, 635 });
    pkt(&s, DIR_C2S, TCP_FIN | TCP_ACK, NULL, 0, 100);
    finish(&s);
    assert_int_equal(s.c->v.phase, PHASE_ACTIVATION);
    assert_int_equal(s.c->v.cause, CAUSE_CLOSED_BY_CLIENT);
    assert_int_equal(s.c->v.confidence, CONF_LOW);
    /* cut before the Demand Active: licensing */
    connection_free(s.c);
    open_tls(&s, 0x1, false);
    REC(&s, DIR_C2S, { 23, 486 });
    REC(&s, DIR_S2C, { 23, 150 });
    REC(&s, DIR_C2S, { 23, 457 });
    REC(&s, DIR_S2C, { 23, 58 });
    finish(&s);
    assert_int_equal(s.c->v.phase, PHASE_LICENSING);
    assert_int_equal(s.c->v.cause, CAUSE_CAPTURE_INCOMPLETE);
    connection_free(s.c);
}

/* ---- Standard RDP Security rules on hand-made facts ---------------------- */

static connection *rdp_conn(void)
{
    connection *c = calloc(1, sizeof *c);
    timeline_init(&c->tl);
    c->dir[0].state = c->dir[1].state = STREAM_RDP;
    c->has_cc = true;
    c->rdp.seen = true;
    c->rdp.has_connect_initial = true;
    c->rdp.connect_initial_ref = (pkt_ref){ 8, { 1700000000, 0 } };
    c->rdp.cs.has_security = true;
    c->rdp.cs.encryption_methods = 0x1b;
    c->rdp.has_connect_response = true;
    c->rdp.connect_response_ref = (pkt_ref){ 10, { 1700000000, 1000 } };
    c->rdp.has_gcc_response = true;
    c->rdp.sc.has_security = true;
    c->rdp.sc.encryption_method = 0x2;
    c->rdp.sc.encryption_level = 2;
    return c;
}

static void free_conn(connection *c)
{
    timeline_free(&c->tl);
    free(c);
}

static void test_rdp_dpum_in_security(void **state)
{
    (void)state;
    connection *c = rdp_conn();
    verdict v;
    memset(&v, 0, sizeof v);
    c->rdp.sec_exchange_ref = (pkt_ref){ 33, { 1700000001, 0 } };
    c->rdp.client_info_ref = (pkt_ref){ 34, { 1700000001, 10 } };
    c->rdp.has_dpum = true;
    c->rdp.dpum_dir = DIR_S2C;
    c->rdp.dpum_reason = 3;
    c->rdp.dpum_ref = (pkt_ref){ 37, { 1700000001, 20 } };
    c->dir[DIR_S2C].fin = (pkt_ref){ 38, { 1700000001, 30 } };
    assert_true(rules_rdp_server_denied(c, &v));
    assert_int_equal(v.phase, PHASE_SECURITY);
    assert_int_equal(v.cause, CAUSE_SERVER_DENIED);
    assert_int_equal(v.key.packet, 37);
    assert_non_null(strstr(v.detail, "rn-user-requested"));
    free_conn(c);
}

/* Near-miss: the DPUM that ends a session (a logoff) is not a refusal. */
static void test_rdp_dpum_after_session(void **state)
{
    (void)state;
    connection *c = rdp_conn();
    verdict v;
    memset(&v, 0, sizeof v);
    c->rdp.license_server_pdus = 1;
    c->rdp.demand_active_ref = (pkt_ref){ 40, { 1700000002, 0 } };
    c->rdp.confirm_active_ref = (pkt_ref){ 42, { 1700000002, 0 } };
    c->rdp.session_ref = (pkt_ref){ 50, { 1700000002, 0 } };
    c->rdp.has_dpum = true;
    c->rdp.dpum_dir = DIR_S2C;
    c->rdp.dpum_ref = (pkt_ref){ 500, { 1700000030, 0 } };
    c->dir[DIR_C2S].fin = (pkt_ref){ 501, { 1700000030, 10 } };
    assert_false(rules_rdp_server_denied(c, &v));
    assert_true(rules_rdp_progress(c, &v));
    assert_int_equal(v.cause, CAUSE_SUCCESS);
    assert_int_equal(v.phase, PHASE_NONE);
    free_conn(c);
}

static void test_rdp_licensing(void **state)
{
    (void)state;
    connection *c = rdp_conn();
    verdict v;
    memset(&v, 0, sizeof v);
    /* STATUS_VALID_CLIENT only: licensing done, no licensing error */
    c->rdp.license_server_pdus = 1;
    c->rdp.license_done = true;
    c->rdp.license_last_msg = 0xff;
    assert_false(rules_rdp_licensing_error(c, &v));
    /* ERR_NO_LICENSE_SERVER with ST_TOTAL_ABORT */
    c->rdp.license_error = true;
    c->rdp.license_error_code = 0x6;
    c->rdp.license_state = 1;
    c->rdp.license_error_ref = (pkt_ref){ 36, { 1700000001, 0 } };
    assert_true(rules_rdp_licensing_error(c, &v));
    assert_int_equal(v.phase, PHASE_LICENSING);
    assert_int_equal(v.cause, CAUSE_LICENSING_ERROR);
    assert_non_null(strstr(v.detail, "ERR_NO_LICENSE_SERVER"));
    free_conn(c);
}

static void test_rdp_encryption_mismatch(void **state)
{
    (void)state;
    connection *c = rdp_conn();
    verdict v;
    memset(&v, 0, sizeof v);
    assert_false(rules_rdp_encryption_mismatch(c, &v)); /* 128-bit was offered */
    c->rdp.cs.encryption_methods = 0x0b;                  /* no FIPS */
    c->rdp.sc.encryption_method = 0x10;
    c->rdp.sc.encryption_level = 4;
    assert_true(rules_rdp_encryption_mismatch(c, &v));
    assert_int_equal(v.cause, CAUSE_ENCRYPTION_MISMATCH);
    assert_int_equal(v.phase, PHASE_MCS);
    assert_non_null(strstr(v.detail, "FIPS"));
    free_conn(c);
}

static void test_rdp_redirected(void **state)
{
    (void)state;
    connection *c = rdp_conn();
    verdict v;
    memset(&v, 0, sizeof v);
    assert_false(rules_rdp_redirected(c, &v));
    c->rdp.client_info_ref = (pkt_ref){ 34, { 1700000001, 0 } };
    c->rdp.license_server_pdus = 1;
    c->rdp.redirection_ref = (pkt_ref){ 36, { 1700000001, 500 } };
    assert_true(rules_rdp_redirected(c, &v));
    assert_int_equal(v.cause, CAUSE_REDIRECTED);
    assert_int_equal(v.phase, PHASE_LICENSING);
    assert_int_equal(v.key.packet, 36);
    free_conn(c);
}

static void test_rdp_requested_mismatch(void **state)
{
    (void)state;
    rdp_facts f;
    memset(&f, 0, sizeof f);
    assert_false(rdp_facts_requested_mismatch(&f, true, 0x3)); /* nothing known */
    f.has_gcc_response = true;
    f.sc.has_client_requested_protocols = true;
    f.sc.client_requested_protocols = 0;
    assert_false(rdp_facts_requested_mismatch(&f, false, 0));
    assert_true(rdp_facts_requested_mismatch(&f, true, 0x3)); /* SSL|HYBRID asked, RDP echoed */
}


/* ---- the whole layer (layer_rdp.c) on real captures ---------------------- */

static bool analyse_file(analysis *a, const char *path)
{
    char err[512];
    analysis_init(a);
    capture_source *src = capture_open_file(path, NULL, err, sizeof err);
    if (!src)
        return false;
    analysis_read(a, src, path, false);
    capture_close(src);
    return true;
}

/* samples/success-rdp.pcap: every milestone of the connection sequence. */
static void test_layer_success_rdp(void **state)
{
    (void)state;
    analysis a;
    assert_true(analyse_file(&a, RDPT_SOURCE_DIR "/samples/success-rdp.pcap"));
    const connection *c = a.first;
    assert_non_null(c);
    const rdp_facts *f = &c->rdp;
    assert_true(f->seen);
    assert_int_equal(f->connect_initial_ref.packet, 8);
    assert_int_equal(f->connect_response_ref.packet, 10);
    assert_string_equal(f->cs.client_name, "vm");
    assert_int_equal(f->io_channel, 1003);
    assert_int_equal(f->attach_confirm_ref.packet, 14);
    assert_int_equal(f->join_confirms, 7);
    assert_int_equal(f->sec_exchange_ref.packet, 37);
    assert_int_equal(f->client_info_ref.packet, 38);
    assert_true(f->client_info_encrypted);
    assert_int_equal(f->license_first_ref.packet, 40);
    assert_true(f->license_encrypted);
    assert_int_equal(f->demand_active_ref.packet, 42);
    assert_true(f->demand_active_inferred);
    assert_int_equal(f->confirm_active_ref.packet, 44);
    assert_true(f->session_ref.packet > 44);
    assert_false(f->malformed);
    assert_int_equal(c->v.cause, CAUSE_SUCCESS);
    assert_string_equal(c->v.rule, "rdp_progress");
    assert_non_null(timeline_first(&c->tl, EV_MCS, DIR_C2S));
    analysis_free(&a);
}

/* samples/xrdp-rdp-mac-error.pcap: DPUM (frame 37) after the Client Info,
 * which was retransmitted (frames 34, 35) - counted once. */
static void test_layer_xrdp_dpum(void **state)
{
    (void)state;
    analysis a;
    assert_true(analyse_file(&a, RDPT_SOURCE_DIR "/samples/xrdp-rdp-mac-error.pcap"));
    const connection *c = a.first;
    assert_non_null(c);
    assert_true(c->rdp.has_dpum);
    assert_int_equal(c->rdp.dpum_ref.packet, 37);
    assert_int_equal(c->rdp.dpum_dir, DIR_S2C);
    assert_int_equal(c->rdp.dpum_reason, 3);
    assert_int_equal(c->rdp.sc.encryption_level, 3);
    assert_int_equal(c->v.phase, PHASE_SECURITY);
    assert_int_equal(c->v.cause, CAUSE_SERVER_DENIED);
    assert_int_equal(c->v.key.packet, 37);
    analysis_free(&a);
}

/* ../shared RDP-003 (Windows 2000): licensing in the clear with
 * STATUS_VALID_CLIENT (frame 26) is success, not a licensing error. */
static void test_layer_rdp003_valid_client(void **state)
{
    (void)state;
    const char *path = RDPT_SHARED_DIR "/captures/suricata-verify/rdp-protocol/RDP-003.pcap";
    DIR *d = opendir(RDPT_SHARED_DIR "/captures");
    if (!d)
        skip();
    closedir(d);
    analysis a;
    assert_true(analyse_file(&a, path));
    const connection *c = a.first;
    assert_non_null(c);
    assert_true(c->rdp.license_done);
    assert_false(c->rdp.license_done_inferred);
    assert_int_equal(c->rdp.license_done_ref.packet, 26);
    assert_false(c->rdp.license_error);
    assert_int_equal(c->rdp.sc.encryption_method, 0x08);
    assert_int_equal(c->v.cause, CAUSE_SUCCESS);
    analysis_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classic_rejection_tls12),
        cmocka_unit_test(test_classic_rejection_tls13),
        cmocka_unit_test(test_client_abandons_after_proof),
        cmocka_unit_test(test_reset_after_long_session),
        cmocka_unit_test(test_eua_denied),
        cmocka_unit_test(test_capture_ends_after_eua),
        cmocka_unit_test(test_ssl_is_not_nla),
        cmocka_unit_test(test_ssl_progress_to_activation),
        cmocka_unit_test(test_rdp_dpum_in_security),
        cmocka_unit_test(test_rdp_dpum_after_session),
        cmocka_unit_test(test_rdp_licensing),
        cmocka_unit_test(test_rdp_encryption_mismatch),
        cmocka_unit_test(test_rdp_redirected),
        cmocka_unit_test(test_rdp_requested_mismatch),
        cmocka_unit_test(test_layer_success_rdp),
        cmocka_unit_test(test_layer_xrdp_dpum),
        cmocka_unit_test(test_layer_rdp003_valid_client),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_diagnosis.c - the diagnosis rules, from hand-made packet sequences fed
 * through the real connection code (connection.c -> reassembly -> X.224 ->
 * timeline -> diagnosis). Each case is one story; the near-misses check that
 * a rule does not fire where it must not. X.224 bytes are real: cut from
 * awakecoding-wireshark-rdp/rdp-no-nla-rejected1.pcapng (frames 4 and 5) and
 * rdp-no-tls-accepted1.pcapng (frame 11). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "connection.h"
#include "diagnosis.h"

#include <stdlib.h>
#include <string.h>

/* Client X.224 CR: cookie mstshash=Administr, RDP_NEG_REQ requesting SSL. */
static const uint8_t CR_SSL[] = {
    0x03, 0x00, 0x00, 0x2f, 0x2a, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x43, 0x6f, 0x6f, 0x6b, 0x69,
    0x65, 0x3a, 0x20, 0x6d, 0x73, 0x74, 0x73, 0x68, 0x61, 0x73, 0x68, 0x3d, 0x41, 0x64, 0x6d, 0x69,
    0x6e, 0x69, 0x73, 0x74, 0x72, 0x0d, 0x0a, 0x01, 0x00, 0x08, 0x00, 0x01, 0x00, 0x00, 0x00,
};
/* Server CC: RDP_NEG_FAILURE HYBRID_REQUIRED_BY_SERVER. */
static const uint8_t CC_FAIL5[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00,
    0x03, 0x00, 0x08, 0x00, 0x05, 0x00, 0x00, 0x00,
};
/* Server CC: RDP_NEG_RSP selecting PROTOCOL_RDP (frame 11), and variants. */
static const uint8_t CC_RDP[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00,
    0x02, 0x1f, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static uint8_t cc_selecting(uint32_t proto, uint8_t *out)
{
    memcpy(out, CC_RDP, sizeof CC_RDP);
    out[15] = (uint8_t)proto;
    return sizeof CC_RDP;
}

typedef struct {
    connection *c;
    uint32_t seq[2];
    uint64_t packet;
    int64_t usec;
} story;

static void story_start(story *s)
{
    memset(s, 0, sizeof *s);
    s->seq[0] = 1000;
    s->seq[1] = 5000;
}

static void pkt(story *s, direction dir, uint8_t flags, const uint8_t *data, uint32_t len,
                int64_t after_us, uint8_t ttl)
{
    decoded_packet p;
    memset(&p, 0, sizeof p);
    p.kind = DECODED_TCP;
    rt_addr a = { 4, { 10, 0, 0, 5 } }, b = { 4, { 10, 0, 0, 9 } };
    p.src = dir == DIR_C2S ? a : b;
    p.dst = dir == DIR_C2S ? b : a;
    p.tcp.sport = dir == DIR_C2S ? 50123 : 3389;
    p.tcp.dport = dir == DIR_C2S ? 3389 : 50123;
    p.ttl = ttl;
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

static void handshake(story *s)
{
    pkt(s, DIR_C2S, TCP_SYN, NULL, 0, 0, 128);
    pkt(s, DIR_S2C, TCP_SYN | TCP_ACK, NULL, 0, 1000, 63);
    pkt(s, DIR_C2S, TCP_ACK, NULL, 0, 100, 128);
}

static const verdict *finish(story *s)
{
    pkt_ref last = { s->packet, { 0, 0 } };
    connection_finish(s->c, &last);
    diagnose_connection(s->c);
    return &s->c->v;
}

static bool cites(const verdict *v, uint64_t packet)
{
    for (unsigned i = 0; i < v->n_evidence; i++)
        if (v->evidence[i].ref.packet == packet)
            return true;
    return false;
}

/* TLS records of `n` bytes each, as headers + filler. */
static void tls_records(story *s, direction dir, uint8_t type, unsigned count, uint16_t body)
{
    uint8_t *rec = calloc(1, 5u + body);
    assert_non_null(rec);
    rec[0] = type;
    rec[1] = 3;
    rec[2] = 3;
    rec[3] = (uint8_t)(body >> 8);
    rec[4] = (uint8_t)body;
    for (unsigned i = 0; i < count; i++)
        pkt(s, dir, TCP_ACK | TCP_PSH, rec, 5u + body, 2000, dir == DIR_C2S ? 128 : 63);
    free(rec);
}

static void test_no_answer_retransmitted(void **state)
{
    (void)state;
    story s;
    story_start(&s);
    pkt(&s, DIR_C2S, TCP_SYN, NULL, 0, 0, 128);
    s.seq[0]--; /* retransmissions carry the same ISN */
    pkt(&s, DIR_C2S, TCP_SYN, NULL, 0, 1000000, 128);
    s.seq[0]--;
    pkt(&s, DIR_C2S, TCP_SYN, NULL, 0, 2000000, 128);
    const verdict *v = finish(&s);
    assert_int_equal(v->phase, PHASE_TCP);
    assert_int_equal(v->cause, CAUSE_NO_ANSWER);
    assert_int_equal(v->confidence, CONF_HIGH);
    assert_true(cites(v, 1));
    assert_true(cites(v, 3));
    assert_non_null(strstr(v->detail, "3 SYNs"));
    connection_free(s.c);
}

static void test_no_answer_single_syn_is_medium(void **state)
{
    (void)state;
    story s;
    story_start(&s);
    pkt(&s, DIR_C2S, TCP_SYN, NULL, 0, 0, 128);
    const verdict *v = finish(&s);
    assert_int_equal(v->cause, CAUSE_NO_ANSWER);
    assert_int_equal(v->confidence, CONF_MEDIUM);
    connection_free(s.c);
}

static void test_refused_by_rst(void **state)
{
    (void)state;
    story s;
    story_start(&s);
    pkt(&s, DIR_C2S, TCP_SYN, NULL, 0, 0, 128);
    pkt(&s, DIR_S2C, TCP_RST | TCP_ACK, NULL, 0, 300, 64);
    const verdict *v = finish(&s);
    assert_int_equal(v->phase, PHASE_TCP);
    assert_int_equal(v->cause, CAUSE_REFUSED);
    assert_true(cites(v, 1) && cites(v, 2));
    connection_free(s.c);
}

static void test_refused_by_icmp(void **state)
{
    (void)state;
    story s;
    story_start(&s);
    pkt(&s, DIR_C2S, TCP_SYN, NULL, 0, 0, 128);
    decoded_packet icmp;
    memset(&icmp, 0, sizeof icmp);
    icmp.kind = DECODED_ICMP_UNREACH;
    icmp.src = (rt_addr){ 4, { 10, 0, 0, 1 } };
    icmp.icmp.type = 3;
    icmp.icmp.code = 13;
    pkt_ref ref = { 2, { 1700000000, 500000 } };
    connection_icmp(s.c, &icmp, &ref);
    s.packet = 2;
    const verdict *v = finish(&s);
    assert_int_equal(v->cause, CAUSE_REFUSED);
    assert_true(cites(v, 2));
    assert_non_null(strstr(v->detail, "administratively prohibited"));
    assert_non_null(strstr(v->detail, "10.0.0.1"));
    connection_free(s.c);
}

static void test_negotiation_failure(void **state)
{
    (void)state;
    story s;
    story_start(&s);
    handshake(&s);
    pkt(&s, DIR_C2S, TCP_ACK | TCP_PSH, CR_SSL, sizeof CR_SSL, 100, 128);   /* 4 */
    pkt(&s, DIR_S2C, TCP_ACK | TCP_PSH, CC_FAIL5, sizeof CC_FAIL5, 3000, 63); /* 5 */
    pkt(&s, DIR_C2S, TCP_RST | TCP_ACK, NULL, 0, 100, 128);                 /* 6 */
    const verdict *v = finish(&s);
    assert_int_equal(v->phase, PHASE_X224);
    assert_int_equal(v->cause, CAUSE_HYBRID_REQUIRED_BY_SERVER);
    assert_int_equal(v->confidence, CONF_HIGH);
    assert_true(cites(v, 4) && cites(v, 5));
    assert_string_equal(s.c->cr.cookie, "Administr");
    connection_free(s.c);
}

/* Every RDP_NEG_FAILURE code maps to its cause; an undefined one is malformed. */
static void test_every_failure_code(void **state)
{
    (void)state;
    static const verdict_cause want[8] = {
        CAUSE_MALFORMED, CAUSE_SSL_REQUIRED_BY_SERVER, CAUSE_SSL_NOT_ALLOWED_BY_SERVER,
        CAUSE_SSL_CERT_NOT_ON_SERVER, CAUSE_INCONSISTENT_FLAGS, CAUSE_HYBRID_REQUIRED_BY_SERVER,
        CAUSE_SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER, CAUSE_MALFORMED,
    };
    for (uint8_t code = 1; code <= 7; code++) {
        uint8_t cc[sizeof CC_FAIL5];
        memcpy(cc, CC_FAIL5, sizeof cc);
        cc[15] = code;
        story s;
        story_start(&s);
        handshake(&s);
        pkt(&s, DIR_C2S, TCP_ACK | TCP_PSH, CR_SSL, sizeof CR_SSL, 100, 128);
        pkt(&s, DIR_S2C, TCP_ACK | TCP_PSH, cc, sizeof cc, 3000, 63);
        const verdict *v = finish(&s);
        assert_int_equal(v->phase, PHASE_X224);
        assert_int_equal(v->cause, want[code]);
        assert_int_equal(v->key.packet, 5);
        connection_free(s.c);
    }
}

static void test_tls_closed_by_client_early(void **state)
{
    (void)state;
    story s;
    story_start(&s);
    handshake(&s);
    uint8_t cc[32];
    pkt(&s, DIR_C2S, TCP_ACK | TCP_PSH, CR_SSL, sizeof CR_SSL, 100, 128);
    pkt(&s, DIR_S2C, TCP_ACK | TCP_PSH, cc, cc_selecting(PROTOCOL_SSL, cc), 3000, 63);
    tls_records(&s, DIR_C2S, 22, 1, 200);  /* ClientHello */
    tls_records(&s, DIR_S2C, 22, 3, 900);  /* ServerHello, Certificate, Done */
    pkt(&s, DIR_C2S, TCP_FIN | TCP_ACK, NULL, 0, 5000, 128);
    const verdict *v = finish(&s);
    assert_int_equal(v->phase, PHASE_TLS);
    assert_int_equal(v->cause, CAUSE_CLOSED_BY_CLIENT);
    assert_true(v->not_examined[0] != '\0');
    assert_int_equal(s.c->dir[DIR_S2C].tls_handshake, 3);
    connection_free(s.c);
}

/* Near-miss: a client reset at the end of a long session is not a failure. */
static void test_long_session_then_client_reset_is_success(void **state)
{
    (void)state;
    story s;
    story_start(&s);
    handshake(&s);
    uint8_t cc[32];
    pkt(&s, DIR_C2S, TCP_ACK | TCP_PSH, CR_SSL, sizeof CR_SSL, 100, 128);
    pkt(&s, DIR_S2C, TCP_ACK | TCP_PSH, cc, cc_selecting(PROTOCOL_SSL, cc), 3000, 63);
    tls_records(&s, DIR_C2S, 22, 1, 200);
    tls_records(&s, DIR_S2C, 22, 3, 900);
    tls_records(&s, DIR_C2S, 20, 1, 1);
    tls_records(&s, DIR_C2S, 23, 5, 300);
    tls_records(&s, DIR_S2C, 20, 1, 1);
    tls_records(&s, DIR_S2C, 23, 40, 1400);
    pkt(&s, DIR_C2S, TCP_RST | TCP_ACK, NULL, 0, 100, 128);
    const verdict *v = finish(&s);
    assert_int_equal(v->phase, PHASE_NONE);
    assert_int_equal(v->cause, CAUSE_SUCCESS);
    assert_int_equal(v->confidence, CONF_LOW);
    assert_false(verdict_is_failure(v));
    connection_free(s.c);
}

static void test_request_unanswered_is_server_silent(void **state)
{
    (void)state;
    story s;
    story_start(&s);
    handshake(&s);
    pkt(&s, DIR_C2S, TCP_ACK | TCP_PSH, CR_SSL, sizeof CR_SSL, 100, 128);
    pkt(&s, DIR_S2C, TCP_ACK, NULL, 0, 200, 63); /* a bare ACK is no answer */
    pkt(&s, DIR_C2S, TCP_FIN | TCP_ACK, NULL, 0, 15000000, 128);
    const verdict *v = finish(&s);
    assert_int_equal(v->phase, PHASE_X224);
    assert_int_equal(v->cause, CAUSE_SERVER_SILENT);
    assert_true(cites(v, 4));
    connection_free(s.c);
}

/* Near-miss for server_silent: a quick client close is not server silence. */
static void test_request_then_server_reset(void **state)
{
    (void)state;
    story s;
    story_start(&s);
    handshake(&s);
    pkt(&s, DIR_C2S, TCP_ACK | TCP_PSH, CR_SSL, sizeof CR_SSL, 100, 128);
    pkt(&s, DIR_S2C, TCP_RST | TCP_ACK, NULL, 0, 200, 63); /* the server's own TTL: genuine */
    const verdict *v = finish(&s);
    assert_int_equal(v->phase, PHASE_X224);
    assert_int_equal(v->cause, CAUSE_RESET_BY_SERVER);
    assert_true(cites(v, 5));
    connection_free(s.c);
}

static void test_midstream_is_capture_incomplete(void **state)
{
    (void)state;
    story s;
    story_start(&s);
    tls_records(&s, DIR_C2S, 23, 3, 300);
    tls_records(&s, DIR_S2C, 23, 3, 300);
    const verdict *v = finish(&s);
    assert_int_equal(v->cause, CAUSE_CAPTURE_INCOMPLETE);
    assert_non_null(strstr(v->detail, "mid-connection"));
    /* The streams were recognised as TLS although the negotiation is missing. */
    assert_int_equal(s.c->dir[DIR_S2C].tls_appdata, 3);
    connection_free(s.c);
}

static void test_selected_protocol_not_offered(void **state)
{
    (void)state;
    story s;
    story_start(&s);
    handshake(&s);
    uint8_t cc[32];
    pkt(&s, DIR_C2S, TCP_ACK | TCP_PSH, CR_SSL, sizeof CR_SSL, 100, 128);
    pkt(&s, DIR_S2C, TCP_ACK | TCP_PSH, cc, cc_selecting(PROTOCOL_HYBRID, cc), 3000, 63);
    pkt(&s, DIR_C2S, TCP_RST | TCP_ACK, NULL, 0, 100, 128);
    const verdict *v = finish(&s);
    assert_int_equal(v->cause, CAUSE_PROTOCOL_MISMATCH);
    assert_int_equal(v->confidence, CONF_HIGH);
    connection_free(s.c);
}

/* Near-miss: the server chose Standard RDP Security and the client went on. */
static void test_rdp_selected_and_client_goes_on_is_not_mismatch(void **state)
{
    (void)state;
    story s;
    story_start(&s);
    handshake(&s);
    uint8_t cc[32];
    pkt(&s, DIR_C2S, TCP_ACK | TCP_PSH, CR_SSL, sizeof CR_SSL, 100, 128);
    pkt(&s, DIR_S2C, TCP_ACK | TCP_PSH, cc, cc_selecting(PROTOCOL_RDP, cc), 3000, 63);
    static uint8_t dt[400] = { 0x03, 0x00, 0x01, 0x90, 0x02, 0xf0, 0x80 };
    pkt(&s, DIR_C2S, TCP_ACK | TCP_PSH, dt, sizeof dt, 100, 128);
    pkt(&s, DIR_C2S, TCP_FIN | TCP_ACK, NULL, 0, 100, 128);
    const verdict *v = finish(&s);
    assert_int_not_equal(v->cause, CAUSE_PROTOCOL_MISMATCH);
    assert_int_equal(v->cause, CAUSE_CLOSED_BY_CLIENT);
    assert_int_equal(v->phase, PHASE_MCS);
    connection_free(s.c);
}

static void test_not_rdp(void **state)
{
    (void)state;
    story s;
    story_start(&s);
    handshake(&s);
    static const uint8_t ssh[] = "SSH-2.0-OpenSSH_9.2p1 Debian\r\n";
    pkt(&s, DIR_S2C, TCP_ACK | TCP_PSH, ssh, sizeof ssh - 1, 1000, 63);
    pkt(&s, DIR_C2S, TCP_ACK | TCP_PSH, CR_SSL, sizeof CR_SSL, 100, 128);
    pkt(&s, DIR_S2C, TCP_FIN | TCP_ACK, NULL, 0, 100, 63);
    const verdict *v = finish(&s);
    assert_int_equal(v->phase, PHASE_X224);
    assert_int_equal(v->cause, CAUSE_NOT_RDP);
    assert_non_null(strstr(v->detail, "SSH-2.0"));
    connection_free(s.c);
}

/* A hostile cookie reaches the model only as printable ASCII. */
static void test_hostile_cookie_is_sanitized(void **state)
{
    (void)state;
    static const char cookie[] = "Cookie: mstshash=<script>\x1b[31m\"'\r\n";
    uint8_t cr[128] = { 0x03, 0x00, 0x00, 0x00, 0x00, 0xe0, 0, 0, 0, 0, 0 };
    size_t n = 11;
    memcpy(cr + n, cookie, sizeof cookie - 1);
    n += sizeof cookie - 1;
    cr[3] = (uint8_t)n;
    cr[4] = (uint8_t)(n - 5);
    story s;
    story_start(&s);
    handshake(&s);
    pkt(&s, DIR_C2S, TCP_ACK | TCP_PSH, cr, (uint32_t)n, 100, 128);
    finish(&s);
    assert_true(s.c->has_cr);
    assert_true(s.c->cr.has_cookie);
    for (const char *p = s.c->cr.cookie; *p; p++)
        assert_true(*p >= 0x20 && *p <= 0x7e);
    assert_non_null(strstr(s.c->cr.cookie, "\\x1B"));
    connection_free(s.c);
}

static void test_rule_table_is_complete(void **state)
{
    (void)state;
    unsigned n;
    const diagnosis_rule *r = diagnosis_rules(&n);
    assert_true(n >= 10);
    for (unsigned i = 0; i < n; i++) {
        assert_non_null(r[i].name);
        assert_non_null(r[i].fn);
    }
    /* Every cause has a name, a title and a remedy. */
    for (int c = 0; c < CAUSE_COUNT; c++) {
        assert_true(strlen(verdict_cause_name((verdict_cause)c)) > 0);
        assert_true(strlen(verdict_cause_title((verdict_cause)c)) > 0);
        assert_true(strlen(verdict_cause_remedy((verdict_cause)c)) > 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_answer_retransmitted),
        cmocka_unit_test(test_no_answer_single_syn_is_medium),
        cmocka_unit_test(test_refused_by_rst),
        cmocka_unit_test(test_refused_by_icmp),
        cmocka_unit_test(test_negotiation_failure),
        cmocka_unit_test(test_every_failure_code),
        cmocka_unit_test(test_tls_closed_by_client_early),
        cmocka_unit_test(test_long_session_then_client_reset_is_success),
        cmocka_unit_test(test_request_unanswered_is_server_silent),
        cmocka_unit_test(test_request_then_server_reset),
        cmocka_unit_test(test_midstream_is_capture_incomplete),
        cmocka_unit_test(test_selected_protocol_not_offered),
        cmocka_unit_test(test_rdp_selected_and_client_goes_on_is_not_mismatch),
        cmocka_unit_test(test_not_rdp),
        cmocka_unit_test(test_hostile_cookie_is_sanitized),
        cmocka_unit_test(test_rule_table_is_complete),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

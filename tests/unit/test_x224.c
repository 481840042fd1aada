/* test_x224.c - x224_parse() and the X.224 / RDP negotiation name tables.
 *
 * The PDUs below are real: whole TPKT PDUs cut from the public captures named beside each
 * array (tshark -r FILE -Y tpkt -T fields -e frame.number -e tcp.payload). The malformed
 * variants are made from them: every truncation, LI off by one either way, wrong NEG length
 * fields, undefined codes, hostile cookies, and every single-byte mutation of each real PDU.
 * Constructed PDUs (routing token, correlation info, DT/DR/ER) say so.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tpkt.h"
#include "x224.h"

/* zeek/rdp-proprietary-encryption.pcap frame 4 (172.21.128.16:1311 -> :3389): CR, cookie
 * mstshash=FTBCO\A70, RDP_NEG_REQ requestedProtocols 0x1 (SSL). */
static const uint8_t cr_zeek_ssl[] = {
    0x03, 0x00, 0x00, 0x2f, 0x2a, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x43, 0x6f, 0x6f, 0x6b,
    0x69, 0x65, 0x3a, 0x20, 0x6d, 0x73, 0x74, 0x73, 0x68, 0x61, 0x73, 0x68, 0x3d, 0x46, 0x54,
    0x42, 0x43, 0x4f, 0x5c, 0x41, 0x37, 0x30, 0x0d, 0x0a, 0x01, 0x00, 0x08, 0x00, 0x01, 0x00,
    0x00, 0x00,
};
/* zeek/rdp-proprietary-encryption.pcap frame 5: CC, RDP_NEG_FAILURE 2 SSL_NOT_ALLOWED_BY_SERVER. */
static const uint8_t cc_zeek_failure2[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00, 0x03, 0x00, 0x08, 0x00,
    0x02, 0x00, 0x00, 0x00,
};
/* awakecoding-wireshark-rdp/rdp-no-nla-rejected1.pcapng frame 4: CR, cookie
 * mstshash=Administr, requestedProtocols 0x1 (SSL). */
static const uint8_t cr_awake_ssl[] = {
    0x03, 0x00, 0x00, 0x2f, 0x2a, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x43, 0x6f, 0x6f, 0x6b,
    0x69, 0x65, 0x3a, 0x20, 0x6d, 0x73, 0x74, 0x73, 0x68, 0x61, 0x73, 0x68, 0x3d, 0x41, 0x64,
    0x6d, 0x69, 0x6e, 0x69, 0x73, 0x74, 0x72, 0x0d, 0x0a, 0x01, 0x00, 0x08, 0x00, 0x01, 0x00,
    0x00, 0x00,
};
/* awakecoding-wireshark-rdp/rdp-no-nla-rejected1.pcapng frame 5: CC, RDP_NEG_FAILURE 5
 * HYBRID_REQUIRED_BY_SERVER. */
static const uint8_t cc_awake_failure5[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00, 0x03, 0x00, 0x08, 0x00,
    0x05, 0x00, 0x00, 0x00,
};
/* ndpi/rdp.pcap frame 4: CR without cookie, requestedProtocols 0xB (SSL|HYBRID|HYBRID_EX). */
static const uint8_t cr_ndpi_nocookie[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x08, 0x00,
    0x0b, 0x00, 0x00, 0x00,
};
/* ndpi/rdp.pcap frame 5: CC, RDP_NEG_RSP flags 0x1F, selectedProtocol 8 (HYBRID_EX). */
static const uint8_t cc_ndpi_hybrid_ex[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00, 0x02, 0x1f, 0x08, 0x00,
    0x08, 0x00, 0x00, 0x00,
};
/* suricata-verify/rdp-protocol/RDP-003.pcap frame 4: legacy CR, cookie mstshash=A70067,
 * no RDP_NEG_REQ (Windows XP client). */
static const uint8_t cr_legacy[] = {
    0x03, 0x00, 0x00, 0x24, 0x1f, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x43, 0x6f, 0x6f, 0x6b,
    0x69, 0x65, 0x3a, 0x20, 0x6d, 0x73, 0x74, 0x73, 0x68, 0x61, 0x73, 0x68, 0x3d, 0x41, 0x37,
    0x30, 0x30, 0x36, 0x37, 0x0d, 0x0a,
};
/* suricata-verify/rdp-protocol/RDP-003.pcap frame 6: legacy CC (Windows 2000 server). */
static const uint8_t cc_legacy[] = {
    0x03, 0x00, 0x00, 0x0b, 0x06, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00,
};
/* suricata-verify/rdp-protocol/RDP-003.pcap frame 7: the first 12 bytes of a DT TPDU (TPKT
 * length 412) carrying the MCS Connect-Initial (0x7f 0x65). */
static const uint8_t dt_mcs_prefix[] = {
    0x03, 0x00, 0x01, 0x9c, 0x02, 0xf0, 0x80, 0x7f, 0x65, 0x82, 0x01, 0x90,
};
/* zeek/rdp-invalid-length.pcap frame 5 (fuzzer-derived, OSS-Fuzz 57109): the whole TCP
 * payload. The TPKT says 19 bytes; its CC carries an RDP_NEG_RSP whose length field is 0 and
 * whose selectedProtocol is 0x02000001; 12 more bytes of garbage follow the TPKT. */
static const uint8_t cc_invalid_length_payload[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00, 0x02, 0x03, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x02, 0x00, 0x12, 0x32, 0x00, 0x02, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00,
    0x00,
};

typedef struct {
    const char *name;
    const uint8_t *pdu;
    size_t len;
} sample;

#define SAMPLE(a) { #a, a, sizeof a }
static const sample real_pdus[] = {
    SAMPLE(cr_zeek_ssl), SAMPLE(cc_zeek_failure2), SAMPLE(cr_awake_ssl),
    SAMPLE(cc_awake_failure5), SAMPLE(cr_ndpi_nocookie), SAMPLE(cc_ndpi_hybrid_ex),
    SAMPLE(cr_legacy), SAMPLE(cc_legacy), SAMPLE(dt_mcs_prefix),
    { "cc_invalid_length", cc_invalid_length_payload, 19 },
};

/* Parses a whole TPKT PDU's X.224 part. */
static x224_status parse_tpkt(const uint8_t *pdu, size_t len, x224_pdu *out)
{
    assert_true(len >= TPKT_HEADER_LEN);
    return x224_parse(pdu + TPKT_HEADER_LEN, len - TPKT_HEADER_LEN, out);
}

/* Builds an X.224 CR or CC (after the TPKT header) around a body, LI = 6 + body. */
static size_t build(uint8_t *buf, size_t cap, uint8_t code, const void *body, size_t body_len)
{
    assert_true(body_len + 7 <= cap && body_len + 6 <= 254);
    buf[0] = (uint8_t)(6 + body_len);
    buf[1] = code;
    buf[2] = 0x00;
    buf[3] = 0x00;
    buf[4] = code == X224_TPDU_CC ? 0x12 : 0x00;
    buf[5] = code == X224_TPDU_CC ? 0x34 : 0x00;
    buf[6] = 0x00;
    if (body_len)
        memcpy(buf + 7, body, body_len);
    return 7 + body_len;
}

/* What must hold for any input: a problem bit iff a problem sentence; MALFORMED only with a
 * problem; stored strings NUL-terminated, printable ASCII, within their arrays; offsets and
 * raw lengths within the input. */
static void check_invariants(const x224_pdu *x, x224_status st, size_t len)
{
    assert_true(st == X224_OK || st == X224_MALFORMED);
    assert_true((x->problems != 0) == (x->problem[0] != '\0'));
    assert_non_null(memchr(x->problem, '\0', sizeof x->problem));
    if (st == X224_MALFORMED)
        assert_true(x->problems != 0);
    assert_non_null(memchr(x->cookie, '\0', sizeof x->cookie));
    assert_non_null(memchr(x->routing_token, '\0', sizeof x->routing_token));
    for (const char *c = x->cookie; *c; c++)
        assert_true(*c >= 0x20 && *c <= 0x7e);
    for (const char *c = x->routing_token; *c; c++)
        assert_true(*c >= 0x20 && *c <= 0x7e);
    assert_true(x->cookie_len <= len);
    assert_true(x->routing_token_len <= len);
    assert_true(x->dt_offset <= len);
    if (!x->has_cookie)
        assert_int_equal(x->cookie_len, 0);
    if (!x->has_routing_token)
        assert_int_equal(x->routing_token_len, 0);
    assert_false(x->has_neg_rsp && x->has_neg_failure);
}

/* ---- real PDUs ---------------------------------------------------------------------- */

static void test_real_cr_cookie_ssl(void **state)
{
    (void)state;
    x224_pdu x;
    assert_int_equal(parse_tpkt(cr_zeek_ssl, sizeof cr_zeek_ssl, &x), X224_OK);
    assert_int_equal(x.tpdu, X224_TPDU_CR);
    assert_int_equal(x.li, 0x2a);
    assert_int_equal(x.dst_ref, 0);
    assert_int_equal(x.src_ref, 0);
    assert_int_equal(x.class_options, 0);
    assert_true(x.has_cookie);
    assert_string_equal(x.cookie, "FTBCO\\\\A70");   /* FTBCO\A70, backslash doubled */
    assert_int_equal(x.cookie_len, 9);
    assert_false(x.has_routing_token);
    assert_true(x.has_neg_req);
    assert_int_equal(x.neg_req_flags, 0);
    assert_int_equal(x.requested_protocols, PROTOCOL_SSL);
    assert_false(x.has_correlation_info);
    assert_false(x.has_neg_rsp);
    assert_false(x.has_neg_failure);
    assert_int_equal(x.problems, 0);
    assert_string_equal(x.problem, "");

    assert_int_equal(parse_tpkt(cr_awake_ssl, sizeof cr_awake_ssl, &x), X224_OK);
    assert_string_equal(x.cookie, "Administr");
    assert_int_equal(x.cookie_len, 9);
    assert_int_equal(x.requested_protocols, PROTOCOL_SSL);
    assert_int_equal(x.problems, 0);
}

static void test_real_cc_failures(void **state)
{
    (void)state;
    x224_pdu x;
    assert_int_equal(parse_tpkt(cc_zeek_failure2, sizeof cc_zeek_failure2, &x), X224_OK);
    assert_int_equal(x.tpdu, X224_TPDU_CC);
    assert_int_equal(x.src_ref, 0x1234);
    assert_true(x.has_neg_failure);
    assert_false(x.has_neg_rsp);
    assert_int_equal(x.failure_code, 2);
    assert_string_equal(x224_failure_code_name(x.failure_code), "SSL_NOT_ALLOWED_BY_SERVER");
    assert_int_equal(x.problems, 0);

    assert_int_equal(parse_tpkt(cc_awake_failure5, sizeof cc_awake_failure5, &x), X224_OK);
    assert_true(x.has_neg_failure);
    assert_int_equal(x.failure_code, 5);
    assert_string_equal(x224_failure_code_name(x.failure_code), "HYBRID_REQUIRED_BY_SERVER");
    assert_string_equal(x224_failure_code_text(x.failure_code),
                        "The server requires Network Level Authentication (CredSSP), which "
                        "the client did not offer.");
    assert_int_equal(x.problems, 0);
}

static void test_real_no_cookie_hybrid_ex(void **state)
{
    (void)state;
    x224_pdu x;
    assert_int_equal(parse_tpkt(cr_ndpi_nocookie, sizeof cr_ndpi_nocookie, &x), X224_OK);
    assert_false(x.has_cookie);
    assert_false(x.has_routing_token);
    assert_string_equal(x.cookie, "");
    assert_true(x.has_neg_req);
    assert_int_equal(x.requested_protocols, 0xB);
    assert_int_equal(x.problems, 0);

    assert_int_equal(parse_tpkt(cc_ndpi_hybrid_ex, sizeof cc_ndpi_hybrid_ex, &x), X224_OK);
    assert_true(x.has_neg_rsp);
    assert_int_equal(x.neg_rsp_flags, 0x1f);
    assert_int_equal(x.selected_protocol, PROTOCOL_HYBRID_EX);
    assert_string_equal(x224_protocol_name(x.selected_protocol), "PROTOCOL_HYBRID_EX");
    assert_int_equal(x.problems, 0);
}

static void test_real_legacy(void **state)
{
    (void)state;
    x224_pdu x;
    assert_int_equal(parse_tpkt(cr_legacy, sizeof cr_legacy, &x), X224_OK);
    assert_true(x.has_cookie);
    assert_string_equal(x.cookie, "A70067");
    assert_int_equal(x.cookie_len, 6);
    assert_false(x.has_neg_req);
    assert_int_equal(x.requested_protocols, 0);
    assert_int_equal(x.problems, 0);

    assert_int_equal(parse_tpkt(cc_legacy, sizeof cc_legacy, &x), X224_OK);
    assert_int_equal(x.tpdu, X224_TPDU_CC);
    assert_int_equal(x.li, 6);
    assert_false(x.has_neg_rsp);
    assert_false(x.has_neg_failure);
    assert_int_equal(x.problems, 0);
}

static void test_real_dt(void **state)
{
    (void)state;
    x224_pdu x;
    assert_int_equal(parse_tpkt(dt_mcs_prefix, sizeof dt_mcs_prefix, &x), X224_OK);
    assert_int_equal(x.tpdu, X224_TPDU_DT);
    assert_int_equal(x.li, 2);
    assert_int_equal(x.dt_offset, 3);
    /* The user data starts with the MCS Connect-Initial tag. */
    assert_int_equal(dt_mcs_prefix[TPKT_HEADER_LEN + x.dt_offset], 0x7f);
    assert_int_equal(x.problems, 0);
}

/* zeek/rdp-invalid-length.pcap: framed by the TPKT length, the CC is recorded as malformed
 * negotiation (wrong length field, a selectedProtocol that is no single protocol), not
 * rejected and not crashed on; the garbage after the TPKT is not a PDU. */
static void test_real_invalid_length(void **state)
{
    (void)state;
    frame_info fi = rdp_frame_probe(cc_invalid_length_payload, sizeof cc_invalid_length_payload, 0);
    assert_int_equal(fi.kind, FRAME_TPKT);
    assert_int_equal(fi.length, 19);

    x224_pdu x;
    assert_int_equal(parse_tpkt(cc_invalid_length_payload, fi.length, &x), X224_OK);
    assert_int_equal(x.tpdu, X224_TPDU_CC);
    assert_true(x.has_neg_rsp);
    assert_int_equal(x.neg_rsp_flags, 0x03);
    assert_int_equal(x.selected_protocol, 0x02000001);
    assert_int_equal(x.problems, X224_PROB_NEG_LENGTH | X224_PROB_MULTIPLE_SELECTED);
    assert_string_equal(x.problem, "RDP_NEG_RSP length field is 0, not 8");

    /* The bytes after the TPKT: first byte 0x00 starts no RDP framing in the X.224 phase. */
    fi = rdp_frame_probe(cc_invalid_length_payload + 19, sizeof cc_invalid_length_payload - 19, 0);
    assert_int_equal(fi.kind, FRAME_INVALID);

    /* Parsing the whole payload as one TPDU instead: LI disagrees, still no crash. */
    assert_int_equal(x224_parse(cc_invalid_length_payload + 4,
                                sizeof cc_invalid_length_payload - 4, &x), X224_OK);
    assert_true(x.problems & X224_PROB_BAD_LI);
    assert_true(x.problems & X224_PROB_TRAILING);
}

/* ---- truncation and LI ------------------------------------------------------------------ */

static void test_every_truncation(void **state)
{
    (void)state;
    for (size_t s = 0; s < sizeof real_pdus / sizeof real_pdus[0]; s++) {
        const uint8_t *p = real_pdus[s].pdu + TPKT_HEADER_LEN;
        size_t full = real_pdus[s].len - TPKT_HEADER_LEN;
        for (size_t n = 0; n < full; n++) {
            x224_pdu x;
            x224_status st = x224_parse(p, n, &x);
            check_invariants(&x, st, n);
            if (n < 2) {
                assert_int_equal(st, X224_MALFORMED);
                assert_true(x.problems & X224_PROB_TRUNCATED);
                continue;
            }
            assert_int_equal(st, X224_OK);
            if (x.tpdu == X224_TPDU_DT && n >= 3 && full > 3)
                continue;   /* dt_mcs_prefix is itself a cut of a longer DT */
            /* A cut PDU always says so: its LI announces more than is there. */
            assert_true(x.problems & X224_PROB_TRUNCATED);
            assert_true(x.problems & X224_PROB_BAD_LI);
        }
    }
}

static void test_truncation_details(void **state)
{
    (void)state;
    x224_pdu x;
    const uint8_t *cr = cr_zeek_ssl + TPKT_HEADER_LEN;   /* 43 bytes: 7 + 28 cookie + 8 */

    /* Inside the RDP_NEG_REQ: the cookie is complete, the NEG_REQ is not read. */
    assert_int_equal(x224_parse(cr, 40, &x), X224_OK);
    assert_true(x.has_cookie);
    assert_string_equal(x.cookie, "FTBCO\\\\A70");
    assert_false(x.has_neg_req);
    assert_true(x.problems & X224_PROB_NEG_TRUNCATED);
    assert_string_equal(x.problem, "length indicator 42 announces a 43-byte CR header, "
                                   "but only 40 bytes are there");

    /* Inside the cookie: stored as far as it goes, flagged unterminated. */
    assert_int_equal(x224_parse(cr, 30, &x), X224_OK);
    assert_true(x.has_cookie);
    assert_int_equal(x.cookie_len, 6);
    assert_string_equal(x.cookie, "FTBCO\\\\");
    assert_true(x.problems & X224_PROB_COOKIE_UNTERMINATED);

    /* Inside the fixed part. */
    assert_int_equal(x224_parse(cr, 5, &x), X224_OK);
    assert_int_equal(x.tpdu, X224_TPDU_CR);
    assert_true(x.problems & X224_PROB_TRUNCATED);
    assert_false(x.has_cookie);

    /* Nothing or one byte. */
    assert_int_equal(x224_parse(cr, 0, &x), X224_MALFORMED);
    assert_int_equal(x.problems, X224_PROB_TRUNCATED);
    assert_int_equal(x224_parse(cr, 1, &x), X224_MALFORMED);
    assert_string_equal(x.problem, "1 byte(s) are too few for an X.224 length indicator and code");
    assert_int_equal(x224_parse(NULL, 0, &x), X224_MALFORMED);
}

static void test_li_wrong(void **state)
{
    (void)state;
    uint8_t buf[64];
    x224_pdu x;
    size_t n = sizeof cr_zeek_ssl - TPKT_HEADER_LEN;
    memcpy(buf, cr_zeek_ssl + TPKT_HEADER_LEN, n);

    /* One too big: recorded, and everything is still read over the TPKT-framed bytes. */
    buf[0] = 43;
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_int_equal(x.problems, X224_PROB_BAD_LI | X224_PROB_TRUNCATED);
    assert_true(x.has_cookie);
    assert_true(x.has_neg_req);
    assert_int_equal(x.requested_protocols, PROTOCOL_SSL);

    /* One too small: recorded, still read. */
    buf[0] = 41;
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_int_equal(x.problems, X224_PROB_BAD_LI);
    assert_string_equal(x.problem, "length indicator 41 covers 42 bytes, but the CR has 43 "
                                   "(class 0 allows no user data here)");
    assert_true(x.has_neg_req);

    /* Way too big (255). */
    buf[0] = 255;
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_true(x.problems & X224_PROB_BAD_LI);
    assert_true(x.has_neg_req);

    /* Below the CR's own 6 header bytes: not a usable TPDU. */
    for (uint8_t li = 0; li < 6; li++) {
        buf[0] = li;
        assert_int_equal(x224_parse(buf, n, &x), X224_MALFORMED);
        assert_int_equal(x.problems, X224_PROB_BAD_LI);
        assert_int_equal(x.tpdu, X224_TPDU_CR);
    }
    assert_string_equal(x.problem,
                        "length indicator 5 is below the 6 header bytes every X.224 CR has");
    buf[0] = 6;   /* exactly the fixed part: fine apart from the body outside LI */
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_int_equal(x.problems, X224_PROB_BAD_LI);
}

/* ---- negotiation structures --------------------------------------------------------------- */

static void test_neg_length_fields(void **state)
{
    (void)state;
    uint8_t buf[64];
    x224_pdu x;

    /* RDP_NEG_REQ length 9: recorded, requestedProtocols still read. */
    size_t n = sizeof cr_ndpi_nocookie - TPKT_HEADER_LEN;
    memcpy(buf, cr_ndpi_nocookie + TPKT_HEADER_LEN, n);
    buf[9] = 9;
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_int_equal(x.problems, X224_PROB_NEG_LENGTH);
    assert_string_equal(x.problem, "RDP_NEG_REQ length field is 9, not 8");
    assert_true(x.has_neg_req);
    assert_int_equal(x.requested_protocols, 0xB);

    /* RDP_NEG_RSP length 9 (with 8 bytes there). */
    n = sizeof cc_ndpi_hybrid_ex - TPKT_HEADER_LEN;
    memcpy(buf, cc_ndpi_hybrid_ex + TPKT_HEADER_LEN, n);
    buf[9] = 9;
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_int_equal(x.problems, X224_PROB_NEG_LENGTH);
    assert_true(x.has_neg_rsp);
    assert_int_equal(x.selected_protocol, PROTOCOL_HYBRID_EX);

    /* RDP_NEG_FAILURE length written big-endian (0x0800). */
    n = sizeof cc_awake_failure5 - TPKT_HEADER_LEN;
    memcpy(buf, cc_awake_failure5 + TPKT_HEADER_LEN, n);
    buf[9] = 0x00;
    buf[10] = 0x08;
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_int_equal(x.problems, X224_PROB_NEG_LENGTH);
    assert_string_equal(x.problem, "RDP_NEG_FAILURE length field is 2048, not 8");
    assert_true(x.has_neg_failure);
    assert_int_equal(x.failure_code, 5);

    /* RDP_NEG_RSP cut to 5 bytes (LI consistent with the cut). */
    n = sizeof cc_ndpi_hybrid_ex - TPKT_HEADER_LEN - 3;
    memcpy(buf, cc_ndpi_hybrid_ex + TPKT_HEADER_LEN, n);
    buf[0] = (uint8_t)(n - 1);
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_int_equal(x.problems, X224_PROB_NEG_TRUNCATED);
    assert_string_equal(x.problem, "RDP_NEG_RSP has only 5 of its 8 bytes");
    assert_false(x.has_neg_rsp);
}

static void test_failure_code_99(void **state)
{
    (void)state;
    uint8_t buf[64];
    x224_pdu x;
    size_t n = sizeof cc_zeek_failure2 - TPKT_HEADER_LEN;
    memcpy(buf, cc_zeek_failure2 + TPKT_HEADER_LEN, n);
    buf[11] = 99;
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_true(x.has_neg_failure);
    assert_int_equal(x.failure_code, 99);
    assert_int_equal(x.problems, 0);   /* an undefined code is a fact, not a parse problem */
    assert_string_equal(x224_failure_code_name(99), "unknown");
    assert_non_null(strstr(x224_failure_code_text(99), "not defined"));
}

static void test_selected_protocol_not_single(void **state)
{
    (void)state;
    uint8_t buf[64];
    x224_pdu x;
    size_t n = sizeof cc_ndpi_hybrid_ex - TPKT_HEADER_LEN;
    static const uint32_t bad[] = { 3, 0x20, 0x0A, 0x80000000u, 0xFFFFFFFFu };
    static const uint32_t good[] = { 0, 1, 2, 4, 8, 0x10 };

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memcpy(buf, cc_ndpi_hybrid_ex + TPKT_HEADER_LEN, n);
        for (int k = 0; k < 4; k++)
            buf[11 + k] = (uint8_t)(bad[i] >> (8 * k));
        assert_int_equal(x224_parse(buf, n, &x), X224_OK);
        assert_int_equal(x.problems, X224_PROB_MULTIPLE_SELECTED);
        assert_true(x.has_neg_rsp);
        assert_int_equal(x.selected_protocol, bad[i]);
    }
    assert_string_equal(x.problem,
                        "selectedProtocol 0xFFFFFFFF is not exactly one defined protocol");
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        memcpy(buf, cc_ndpi_hybrid_ex + TPKT_HEADER_LEN, n);
        buf[11] = (uint8_t)good[i];
        assert_int_equal(x224_parse(buf, n, &x), X224_OK);
        assert_int_equal(x.problems, 0);
        assert_int_equal(x.selected_protocol, good[i]);
    }
}

static void test_unknown_requested_protocols(void **state)
{
    (void)state;
    uint8_t buf[64];
    x224_pdu x;
    size_t n = sizeof cr_ndpi_nocookie - TPKT_HEADER_LEN;
    memcpy(buf, cr_ndpi_nocookie + TPKT_HEADER_LEN, n);
    buf[11] = 0x4B;   /* SSL|HYBRID|HYBRID_EX|0x40 */
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_int_equal(x.problems, X224_PROB_UNKNOWN_PROTOCOLS);
    assert_int_equal(x.requested_protocols, 0x4B);
    buf[11] = 0x1F;   /* every defined bit incl. RDSAAD */
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_int_equal(x.problems, 0);
}

static void test_wrong_neg_type(void **state)
{
    (void)state;
    uint8_t buf[64];
    x224_pdu x;

    /* An RDP_NEG_RSP in a CR. */
    static const uint8_t rsp[8] = { 0x02, 0x00, 0x08, 0x00, 0x01, 0x00, 0x00, 0x00 };
    size_t n = build(buf, sizeof buf, X224_TPDU_CR, rsp, sizeof rsp);
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_int_equal(x.problems, X224_PROB_NEG_TYPE);
    assert_string_equal(x.problem, "unexpected RDP_NEG_RSP (type 2) in a Connection Request");
    assert_false(x.has_neg_req);

    /* An RDP_NEG_REQ in a CC. */
    static const uint8_t req[8] = { 0x01, 0x00, 0x08, 0x00, 0x03, 0x00, 0x00, 0x00 };
    n = build(buf, sizeof buf, X224_TPDU_CC, req, sizeof req);
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_int_equal(x.problems, X224_PROB_NEG_TYPE);
    assert_false(x.has_neg_rsp);
    assert_false(x.has_neg_failure);

    /* Garbage type in a CC. */
    static const uint8_t junk[8] = { 0x47, 0x00, 0x08, 0x00, 0x03, 0x00, 0x00, 0x00 };
    n = build(buf, sizeof buf, X224_TPDU_CC, junk, sizeof junk);
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_int_equal(x.problems, X224_PROB_NEG_TYPE);
    assert_non_null(strstr(x.problem, "undefined RDP_NEG type"));
}

static void test_trailing_and_class(void **state)
{
    (void)state;
    uint8_t buf[64];
    x224_pdu x;
    static const uint8_t rsp_plus[10] = { 0x02, 0x00, 0x08, 0x00, 0x02,
                                          0x00, 0x00, 0x00, 0xAA, 0xBB };
    size_t n = build(buf, sizeof buf, X224_TPDU_CC, rsp_plus, sizeof rsp_plus);
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_int_equal(x.problems, X224_PROB_TRAILING);
    assert_string_equal(x.problem, "2 bytes follow the RDP_NEG_RSP in the Connection Confirm");
    assert_int_equal(x.selected_protocol, PROTOCOL_HYBRID);

    n = sizeof cc_legacy - TPKT_HEADER_LEN;
    memcpy(buf, cc_legacy + TPKT_HEADER_LEN, n);
    buf[6] = 0x40;   /* class 4 */
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_int_equal(x.problems, X224_PROB_BAD_CLASS);
    assert_int_equal(x.class_options, 0x40);

    /* The CR's CDT nibble is ignored: 0xE5 is still a CR. */
    n = sizeof cr_ndpi_nocookie - TPKT_HEADER_LEN;
    memcpy(buf, cr_ndpi_nocookie + TPKT_HEADER_LEN, n);
    buf[1] = 0xE5;
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_int_equal(x.tpdu, X224_TPDU_CR);
    assert_int_equal(x.problems, 0);
}

/* ---- cookies and routing tokens ---------------------------------------------------------- */

static void test_cookie_without_crlf(void **state)
{
    (void)state;
    uint8_t buf[128];
    x224_pdu x;

    /* Cookie line without CR LF, followed by a valid RDP_NEG_REQ: the NEG_REQ is still read. */
    static const uint8_t body1[] = "Cookie: mstshash=eltons"
                                   "\x01\x00\x08\x00\x03\x00\x00\x00";
    size_t n = build(buf, sizeof buf, X224_TPDU_CR, body1, sizeof body1 - 1);
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_int_equal(x.problems, X224_PROB_COOKIE_UNTERMINATED);
    assert_string_equal(x.problem, "the cookie line (23 bytes) is not terminated by CR LF");
    assert_true(x.has_cookie);
    assert_string_equal(x.cookie, "eltons");
    assert_int_equal(x.cookie_len, 6);
    assert_true(x.has_neg_req);
    assert_int_equal(x.requested_protocols, 3);

    /* Only a cookie, no CR LF, nothing after: all of it is the cookie. */
    static const uint8_t body2[] = "Cookie: mstshash=eltons";
    n = build(buf, sizeof buf, X224_TPDU_CR, body2, sizeof body2 - 1);
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_int_equal(x.problems, X224_PROB_COOKIE_UNTERMINATED);
    assert_string_equal(x.cookie, "eltons");
    assert_false(x.has_neg_req);

    /* LF only. */
    static const uint8_t body3[] = "Cookie: mstshash=eltons\n";
    n = build(buf, sizeof buf, X224_TPDU_CR, body3, sizeof body3 - 1);
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_int_equal(x.problems, X224_PROB_COOKIE_UNTERMINATED);
    assert_string_equal(x.cookie, "eltons\\x0A");
    assert_int_equal(x.cookie_len, 7);

    /* Empty identifier. */
    static const uint8_t body4[] = "Cookie: mstshash=\r\n";
    n = build(buf, sizeof buf, X224_TPDU_CR, body4, sizeof body4 - 1);
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_int_equal(x.problems, 0);
    assert_true(x.has_cookie);
    assert_int_equal(x.cookie_len, 0);
    assert_string_equal(x.cookie, "");
}

static void test_hostile_cookie(void **state)
{
    (void)state;
    uint8_t buf[256];
    x224_pdu x;
    static const uint8_t body[] = "Cookie: mstshash=<script>alert(1)</script>\x1b[31m\"'\r\n"
                                  "\x01\x00\x08\x00\x01\x00\x00\x00";
    size_t n = build(buf, sizeof buf, X224_TPDU_CR, body, sizeof body - 1);
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_int_equal(x.problems, 0);
    assert_true(x.has_cookie);
    /* Control bytes escaped; markup characters are printable ASCII and are left to the
     * XML/HTML writers, which escape by construction. */
    assert_string_equal(x.cookie, "<script>alert(1)</script>\\x1B[31m\"'");
    assert_int_equal(x.cookie_len, 32);
    assert_int_equal(x.requested_protocols, PROTOCOL_SSL);

    /* A NUL and a lone CR inside the identifier. */
    static const uint8_t body2[] = "Cookie: mstshash=a\0b\rc\r\n";
    n = build(buf, sizeof buf, X224_TPDU_CR, body2, sizeof body2 - 1);
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_string_equal(x.cookie, "a\\x00b\\x0Dc");
    assert_int_equal(x.cookie_len, 5);
}

static void test_long_cookie(void **state)
{
    (void)state;
    uint8_t body[17 + 220 + 2 + 8];
    uint8_t buf[256];
    x224_pdu x;
    memcpy(body, "Cookie: mstshash=", 17);
    memset(body + 17, 'A', 220);
    memcpy(body + 17 + 220, "\r\n\x01\x00\x08\x00\x02\x00\x00\x00", 10);
    size_t n = build(buf, sizeof buf, X224_TPDU_CR, body, sizeof body);
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_int_equal(x.problems, 0);
    assert_int_equal(x.cookie_len, 220);   /* raw length kept */
    assert_int_equal(strlen(x.cookie), X224_TEXT_MAX - 1);
    assert_string_equal(x.cookie + X224_TEXT_MAX - 4, "...");
    assert_int_equal(x.requested_protocols, PROTOCOL_HYBRID);
}

/* Constructed (no public capture has one): a routing token as MS-RDPBCGR 2.2.1.1 and
 * [MSFT-SDLBTS] describe it, then an RDP_NEG_REQ announcing and carrying correlation info. */
static const uint8_t correlation_id[16] = {
    0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xf0, 0x01,
};

static size_t token_neg_corr_body(uint8_t *body, uint8_t flags, uint16_t corr_len)
{
    static const char token[] = "Cookie: msts=3640205228.15629.0000\r\n";
    size_t k = 0;
    memcpy(body, token, sizeof token - 1);
    k += sizeof token - 1;
    const uint8_t req[8] = { 0x01, flags, 0x08, 0x00, 0x0b, 0x00, 0x00, 0x00 };
    memcpy(body + k, req, 8);
    k += 8;
    const uint8_t hdr[4] = { 0x06, 0x00, (uint8_t)corr_len, (uint8_t)(corr_len >> 8) };
    memcpy(body + k, hdr, 4);
    k += 4;
    memcpy(body + k, correlation_id, 16);
    k += 16;
    memset(body + k, 0, 16);
    return k + 16;
}

static void test_routing_token_and_correlation(void **state)
{
    (void)state;
    uint8_t body[128], buf[160];
    x224_pdu x;
    size_t bl = token_neg_corr_body(body, 0x08, 36);
    size_t n = build(buf, sizeof buf, X224_TPDU_CR, body, bl);
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_int_equal(x.problems, 0);
    assert_false(x.has_cookie);
    assert_true(x.has_routing_token);
    assert_string_equal(x.routing_token, "Cookie: msts=3640205228.15629.0000");
    assert_int_equal(x.routing_token_len, 34);
    assert_true(x.has_neg_req);
    assert_int_equal(x.neg_req_flags, 0x08);
    assert_int_equal(x.requested_protocols, 0xB);
    assert_true(x.has_correlation_info);
    assert_memory_equal(x.correlation_id, correlation_id, 16);

    /* Correlation length field 35. */
    bl = token_neg_corr_body(body, 0x08, 35);
    n = build(buf, sizeof buf, X224_TPDU_CR, body, bl);
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_int_equal(x.problems, X224_PROB_NEG_LENGTH);
    assert_string_equal(x.problem, "RDP_NEG_CORRELATION_INFO length field is 35, not 36");
    assert_true(x.has_correlation_info);

    /* Correlation info without the flag. */
    bl = token_neg_corr_body(body, 0x00, 36);
    n = build(buf, sizeof buf, X224_TPDU_CR, body, bl);
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_int_equal(x.problems, X224_PROB_NEG_TYPE);
    assert_true(x.has_correlation_info);

    /* Flag without correlation info (cut after the NEG_REQ). */
    bl = token_neg_corr_body(body, 0x08, 36) - 36;
    n = build(buf, sizeof buf, X224_TPDU_CR, body, bl);
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_int_equal(x.problems, X224_PROB_NEG_TRUNCATED);
    assert_false(x.has_correlation_info);
    assert_true(x.has_neg_req);

    /* Correlation info cut to 20 bytes. */
    bl = token_neg_corr_body(body, 0x08, 36) - 16;
    n = build(buf, sizeof buf, X224_TPDU_CR, body, bl);
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_int_equal(x.problems, X224_PROB_NEG_TRUNCATED);
    assert_string_equal(x.problem, "RDP_NEG_CORRELATION_INFO has only 20 of its 36 bytes");

    /* Routing token without CR LF but with the NEG_REQ + correlation info at the end. */
    bl = token_neg_corr_body(body, 0x08, 36);
    memmove(body + 34, body + 36, bl - 36);
    n = build(buf, sizeof buf, X224_TPDU_CR, body, bl - 2);
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_int_equal(x.problems, X224_PROB_COOKIE_UNTERMINATED);
    assert_string_equal(x.routing_token, "Cookie: msts=3640205228.15629.0000");
    assert_true(x.has_correlation_info);
    assert_int_equal(x.requested_protocols, 0xB);
}

static void test_cookie_and_token(void **state)
{
    (void)state;
    uint8_t buf[160];
    x224_pdu x;
    static const uint8_t both[] = "tsv://MS Terminal Services Plugin.1.Sessions\r\n"
                                  "Cookie: mstshash=bob\r\n"
                                  "\x01\x00\x08\x00\x01\x00\x00\x00";
    size_t n = build(buf, sizeof buf, X224_TPDU_CR, both, sizeof both - 1);
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_int_equal(x.problems, X224_PROB_COOKIE_AND_TOKEN);
    assert_true(x.has_routing_token);
    assert_string_equal(x.routing_token, "tsv://MS Terminal Services Plugin.1.Sessions");
    assert_true(x.has_cookie);
    assert_string_equal(x.cookie, "bob");
    assert_true(x.has_neg_req);

    /* Two cookies, then a third text line: recorded, nothing lost, no loop. */
    static const uint8_t three[] = "Cookie: mstshash=a\r\nCookie: mstshash=b\r\nxyz\r\n";
    n = build(buf, sizeof buf, X224_TPDU_CR, three, sizeof three - 1);
    assert_int_equal(x224_parse(buf, n, &x), X224_OK);
    assert_int_equal(x.problems, X224_PROB_TRAILING);
    assert_string_equal(x.cookie, "a");
    assert_false(x.has_neg_req);
}

/* ---- DT, DR, ER, unknown TPDUs (constructed per X.224 13.5, 13.7, 13.12) ---------------- */

static void test_dt(void **state)
{
    (void)state;
    x224_pdu x;
    static const uint8_t dt[] = { 0x02, 0xf0, 0x80, 0x64, 0x00 };
    assert_int_equal(x224_parse(dt, sizeof dt, &x), X224_OK);
    assert_int_equal(x.tpdu, X224_TPDU_DT);
    assert_int_equal(x.dt_offset, 3);
    assert_int_equal(x.problems, 0);

    /* Header only, no data. */
    assert_int_equal(x224_parse(dt, 3, &x), X224_OK);
    assert_int_equal(x.dt_offset, 3);
    assert_int_equal(x.problems, 0);

    /* Cut inside the header. */
    assert_int_equal(x224_parse(dt, 2, &x), X224_OK);
    assert_int_equal(x.dt_offset, 2);
    assert_int_equal(x.problems, X224_PROB_BAD_LI | X224_PROB_TRUNCATED);

    /* LI 4: header taken as LI says, recorded. */
    static const uint8_t dt4[] = { 0x04, 0xf0, 0x80, 0x00, 0x00, 0x64 };
    assert_int_equal(x224_parse(dt4, sizeof dt4, &x), X224_OK);
    assert_int_equal(x.dt_offset, 5);
    assert_int_equal(x.problems, X224_PROB_BAD_LI);
    assert_string_equal(x.problem, "DT length indicator is 4, class 0 uses 2");

    /* LI below the DT header: unusable. */
    static const uint8_t dt1[] = { 0x01, 0xf0, 0x80, 0x64 };
    assert_int_equal(x224_parse(dt1, sizeof dt1, &x), X224_MALFORMED);
    assert_int_equal(x.problems, X224_PROB_BAD_LI);
}

static void test_dr_er(void **state)
{
    (void)state;
    x224_pdu x;
    static const uint8_t dr[] = { 0x06, 0x80, 0x00, 0x00, 0x12, 0x34, 0x01 };
    assert_int_equal(x224_parse(dr, sizeof dr, &x), X224_OK);
    assert_int_equal(x.tpdu, X224_TPDU_DR);
    assert_int_equal(x.src_ref, 0x1234);
    assert_int_equal(x.dr_reason, 1);
    assert_int_equal(x.problems, 0);
    assert_string_equal(x224_tpdu_name(x.tpdu), "DR");

    assert_int_equal(x224_parse(dr, 6, &x), X224_OK);
    assert_true(x.problems & X224_PROB_TRUNCATED);

    static const uint8_t dr_extra[] = { 0x08, 0x80, 0x00, 0x00, 0x12, 0x34, 0x01, 0xe0, 0x00 };
    assert_int_equal(x224_parse(dr_extra, sizeof dr_extra, &x), X224_OK);
    assert_int_equal(x.problems, X224_PROB_TRAILING);

    /* ER with its mandatory "invalid TPDU" parameter (0xC1, length 2, the bad header). */
    static const uint8_t er[] = { 0x08, 0x70, 0x00, 0x00, 0x02, 0xc1, 0x02, 0x06, 0x60 };
    assert_int_equal(x224_parse(er, sizeof er, &x), X224_OK);
    assert_int_equal(x.tpdu, X224_TPDU_ER);
    assert_int_equal(x.dr_reason, 2);   /* reject cause 2: invalid TPDU type */
    assert_int_equal(x.problems, 0);
}

static void test_unknown_tpdu(void **state)
{
    (void)state;
    x224_pdu x;
    for (unsigned code = 0; code < 256; code += 0x10) {
        uint8_t b[8] = { 0x06, (uint8_t)code, 0, 0, 0, 0, 0, 0 };
        x224_status st = x224_parse(b, 7, &x);
        bool class0 =
            code == 0xE0 || code == 0xD0 || code == 0x80 || code == 0xF0 || code == 0x70;
        if (class0) {
            assert_int_equal(st, X224_OK);
        } else {
            assert_int_equal(st, X224_MALFORMED);
            assert_int_equal(x.problems, X224_PROB_UNKNOWN_TPDU);
            assert_int_equal(x.tpdu, code);
        }
    }
    static const uint8_t ak[] = { 0x04, 0x61, 0x00, 0x00, 0x01 };
    assert_int_equal(x224_parse(ak, sizeof ak, &x), X224_MALFORMED);
    assert_string_equal(x.problem, "code 0x61 is not an X.224 class 0 TPDU (AK)");
    static const uint8_t junk[] = { 0x47, 0x45, 0x54, 0x20 };
    assert_int_equal(x224_parse(junk, sizeof junk, &x), X224_MALFORMED);
    assert_string_equal(x.problem, "code 0x45 is not an X.224 class 0 TPDU (undefined type)");
}

/* ---- mutations ------------------------------------------------------------------------- */

static void test_all_single_byte_mutations(void **state)
{
    (void)state;
    uint8_t buf[64];
    unsigned parsed = 0;
    for (size_t s = 0; s < sizeof real_pdus / sizeof real_pdus[0]; s++) {
        const uint8_t *p = real_pdus[s].pdu + TPKT_HEADER_LEN;
        size_t n = real_pdus[s].len - TPKT_HEADER_LEN;
        assert_true(n <= sizeof buf);
        for (size_t pos = 0; pos < n; pos++) {
            for (unsigned v = 0; v < 256; v++) {
                memcpy(buf, p, n);
                buf[pos] = (uint8_t)v;
                x224_pdu x;
                x224_status st = x224_parse(buf, n, &x);
                check_invariants(&x, st, n);
                parsed++;
            }
        }
    }
    assert_true(parsed > 40000);
}

/* Random bytes with a plausible LI and code (fixed seed, reproducible). */
static void test_random_bodies(void **state)
{
    (void)state;
    static const uint8_t codes[] = { 0xE0, 0xD0, 0x80, 0xF0, 0x70 };
    uint8_t buf[96];
    uint32_t r = 0xC0FFEEu;
    for (int i = 0; i < 100000; i++) {
        size_t n = 0;
        r ^= r << 13; r ^= r >> 17; r ^= r << 5;
        n = r % sizeof buf;
        for (size_t k = 0; k < n; k++) {
            r ^= r << 13; r ^= r >> 17; r ^= r << 5;
            /* Bias towards the bytes the parser branches on. */
            static const uint8_t hot[] = { 0x01, 0x02, 0x03, 0x06, 0x08, 0x00, '\r', '\n', 0x24 };
            buf[k] = (r & 0x100) ? hot[(r >> 9) % sizeof hot] : (uint8_t)r;
        }
        if (n >= 2) {
            buf[0] = (uint8_t)(n - 1);
            buf[1] = codes[(r >> 20) % sizeof codes];
        }
        x224_pdu x;
        check_invariants(&x, x224_parse(buf, n, &x), n);
    }
}

/* ---- name tables ------------------------------------------------------------------------- */

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(x224_tpdu_name(X224_TPDU_CR), "CR");
    assert_string_equal(x224_tpdu_name(X224_TPDU_CC), "CC");
    assert_string_equal(x224_tpdu_name(X224_TPDU_DT), "DT");
    assert_string_equal(x224_tpdu_name(X224_TPDU_ER), "ER");
    assert_string_equal(x224_tpdu_name(0xE3), "CR");
    assert_string_equal(x224_tpdu_name(0x30), "unknown");

    static const char *const names[] = {
        "unknown", "SSL_REQUIRED_BY_SERVER", "SSL_NOT_ALLOWED_BY_SERVER",
        "SSL_CERT_NOT_ON_SERVER", "INCONSISTENT_FLAGS", "HYBRID_REQUIRED_BY_SERVER",
        "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER", "unknown",
    };
    for (uint32_t c = 0; c < 8; c++) {
        assert_string_equal(x224_failure_code_name(c), names[c]);
        const char *t = x224_failure_code_text(c);
        assert_non_null(t);
        assert_true(strlen(t) > 20);
        assert_int_equal(t[strlen(t) - 1], '.');
    }
    assert_string_equal(x224_failure_code_name(0xFFFFFFFFu), "unknown");

    assert_string_equal(x224_protocol_name(PROTOCOL_RDP), "PROTOCOL_RDP");
    assert_string_equal(x224_protocol_name(PROTOCOL_SSL), "PROTOCOL_SSL");
    assert_string_equal(x224_protocol_name(PROTOCOL_HYBRID), "PROTOCOL_HYBRID");
    assert_string_equal(x224_protocol_name(PROTOCOL_RDSTLS), "PROTOCOL_RDSTLS");
    assert_string_equal(x224_protocol_name(PROTOCOL_HYBRID_EX), "PROTOCOL_HYBRID_EX");
    assert_string_equal(x224_protocol_name(PROTOCOL_RDSAAD), "PROTOCOL_RDSAAD");
    assert_string_equal(x224_protocol_name(3), "unknown");
    assert_string_equal(x224_protocol_name(0x20), "unknown");
}

static void test_protocols_str(void **state)
{
    (void)state;
    char buf[64];
    x224_protocols_str(0, buf, sizeof buf);
    assert_string_equal(buf, "RDP");
    x224_protocols_str(0xB, buf, sizeof buf);
    assert_string_equal(buf, "SSL|HYBRID|HYBRID_EX");
    x224_protocols_str(0x1, buf, sizeof buf);
    assert_string_equal(buf, "SSL");
    x224_protocols_str(0x14, buf, sizeof buf);
    assert_string_equal(buf, "RDSTLS|RDSAAD");
    x224_protocols_str(0x40, buf, sizeof buf);
    assert_string_equal(buf, "0x40");
    x224_protocols_str(0x43, buf, sizeof buf);
    assert_string_equal(buf, "SSL|HYBRID|0x40");
    x224_protocols_str(0xFFFFFFFFu, buf, sizeof buf);
    assert_string_equal(buf, "SSL|HYBRID|RDSTLS|HYBRID_EX|RDSAAD|0xFFFFFFE0");
    /* Smaller buffers than promised are still safe. */
    char small[8];
    x224_protocols_str(0xB, small, sizeof small);
    assert_string_equal(small, "SSL|HYB");
    char one[1] = { 'Z' };
    x224_protocols_str(0xB, one, 1);
    assert_int_equal(one[0], '\0');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_cr_cookie_ssl),
        cmocka_unit_test(test_real_cc_failures),
        cmocka_unit_test(test_real_no_cookie_hybrid_ex),
        cmocka_unit_test(test_real_legacy),
        cmocka_unit_test(test_real_dt),
        cmocka_unit_test(test_real_invalid_length),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_truncation_details),
        cmocka_unit_test(test_li_wrong),
        cmocka_unit_test(test_neg_length_fields),
        cmocka_unit_test(test_failure_code_99),
        cmocka_unit_test(test_selected_protocol_not_single),
        cmocka_unit_test(test_unknown_requested_protocols),
        cmocka_unit_test(test_wrong_neg_type),
        cmocka_unit_test(test_trailing_and_class),
        cmocka_unit_test(test_cookie_without_crlf),
        cmocka_unit_test(test_hostile_cookie),
        cmocka_unit_test(test_long_cookie),
        cmocka_unit_test(test_routing_token_and_correlation),
        cmocka_unit_test(test_cookie_and_token),
        cmocka_unit_test(test_dt),
        cmocka_unit_test(test_dr_er),
        cmocka_unit_test(test_unknown_tpdu),
        cmocka_unit_test(test_all_single_byte_mutations),
        cmocka_unit_test(test_random_bodies),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_protocols_str),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_tpkt.c - rdp_frame_probe(): TPKT, fast-path and TLS record boundaries, from real
 * PDU headers (cut from the public captures named beside each array) and their malformed
 * variants; NEED_MORE at every prefix length; every first byte and every two-byte prefix. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tpkt.h"

/* zeek/rdp-proprietary-encryption.pcap frame 4: X.224 CR, TPKT length 47. */
static const uint8_t cr_tpkt[] = {
    0x03, 0x00, 0x00, 0x2f, 0x2a, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x43, 0x6f, 0x6f, 0x6b,
    0x69, 0x65, 0x3a, 0x20, 0x6d, 0x73, 0x74, 0x73, 0x68, 0x61, 0x73, 0x68, 0x3d, 0x46, 0x54,
    0x42, 0x43, 0x4f, 0x5c, 0x41, 0x37, 0x30, 0x0d, 0x0a, 0x01, 0x00, 0x08, 0x00, 0x01, 0x00,
    0x00, 0x00,
};
/* suricata-verify/rdp-protocol/RDP-003.pcap frame 6: legacy X.224 CC, TPKT length 11. */
static const uint8_t cc_legacy_tpkt[] = {
    0x03, 0x00, 0x00, 0x0b, 0x06, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00,
};
/* suricata-verify/rdp-protocol/RDP-003.pcap frame 37: client fast-path input (0x90: action 0,
 * 4 events, encrypted), one-byte length 22. */
static const uint8_t fp_input_short[] = { 0x90, 0x16, 0x18, 0x86, 0xfb, 0x48 };
/* suricata-verify/rdp-protocol/RDP-003.pcap frame 111: server fast-path update, length 18. */
static const uint8_t fp_update_short[] = { 0xc0, 0x12, 0x76, 0x4b };
/* suricata-verify/rdp-protocol/RDP-003.pcap frame 139: server fast-path, two-byte length 153. */
static const uint8_t fp_update_153[] = { 0xc0, 0x80, 0x99, 0xe7, 0x53, 0x06 };
/* awakecoding-wireshark-rdp/rdp-no-tls-accepted1.pcapng frame 99: two-byte length 4254. */
static const uint8_t fp_update_4254[] = { 0xc0, 0x90, 0x9e, 0x5a, 0x2b, 0x7c };
/* ndpi/rdp.pcap frame 7: TLS 1.0 record (ClientHello), length 168. */
static const uint8_t tls_client_hello[] = { 0x16, 0x03, 0x01, 0x00, 0xa8, 0x01, 0x00, 0x00 };
/* ndpi/rdp.pcap frame 8: TLS 1.2 handshake record, length 1174. */
static const uint8_t tls_server_hello[] = { 0x16, 0x03, 0x03, 0x04, 0x96, 0x02, 0x00, 0x00 };
/* ndpi/rdp.pcap frame 11: TLS ChangeCipherSpec (type 20 = 0x14, action bits 0), length 1. */
static const uint8_t tls_ccs[] = { 0x14, 0x03, 0x03, 0x00, 0x01, 0x01 };
/* ndpi/rdp.pcap frame 13: TLS application data, length 81. */
static const uint8_t tls_appdata[] = { 0x17, 0x03, 0x03, 0x00, 0x51, 0xe0, 0x08, 0x3b };

static void assert_frame(frame_info fi, frame_kind kind, uint32_t length, uint32_t header_len)
{
    assert_int_equal(fi.kind, kind);
    assert_int_equal(fi.length, length);
    assert_int_equal(fi.header_len, header_len);
    assert_null(fi.problem);
}

static void test_real_tpkt(void **state)
{
    (void)state;
    for (int fp = 0; fp <= 1; fp++) {
        assert_frame(rdp_frame_probe(cr_tpkt, sizeof cr_tpkt, fp), FRAME_TPKT, 47, 4);
        assert_frame(rdp_frame_probe(cc_legacy_tpkt, sizeof cc_legacy_tpkt, fp), FRAME_TPKT, 11, 4);
    }
    /* Only the header is needed to know the length. */
    assert_frame(rdp_frame_probe(cr_tpkt, 4, 0), FRAME_TPKT, 47, 4);
}

static void test_tpkt_lengths_0_to_8(void **state)
{
    (void)state;
    static const char *const expect[7] = {
        "TPKT length 0 is shorter than its header",
        "TPKT length 1 is shorter than its header",
        "TPKT length 2 is shorter than its header",
        "TPKT length 3 is shorter than its header",
        "TPKT length 4 leaves no room for an X.224 TPDU (at least 7 bytes are needed)",
        "TPKT length 5 leaves no room for an X.224 TPDU (at least 7 bytes are needed)",
        "TPKT length 6 leaves no room for an X.224 TPDU (at least 7 bytes are needed)",
    };
    for (uint8_t len = 0; len <= 8; len++) {
        const uint8_t hdr[4] = { 0x03, 0x00, 0x00, len };
        frame_info fi = rdp_frame_probe(hdr, sizeof hdr, 0);
        if (len < 7) {
            assert_int_equal(fi.kind, FRAME_INVALID);
            assert_non_null(fi.problem);
            assert_string_equal(fi.problem, expect[len]);
        } else {
            assert_frame(fi, FRAME_TPKT, len, 4);
        }
    }
}

static void test_tpkt_large_and_reserved(void **state)
{
    (void)state;
    const uint8_t max[4] = { 0x03, 0x00, 0xff, 0xff };
    assert_frame(rdp_frame_probe(max, sizeof max, 1), FRAME_TPKT, 65535, 4);
    /* The high length byte matters: 0x0100 + 0x05 = 261. */
    const uint8_t mid[4] = { 0x03, 0x00, 0x01, 0x05 };
    assert_frame(rdp_frame_probe(mid, sizeof mid, 0), FRAME_TPKT, 261, 4);
    /* RFC 1006 says reserved is 0; a non-zero one changes no boundary and is accepted. */
    const uint8_t resv[4] = { 0x03, 0x7f, 0x00, 0x13 };
    assert_frame(rdp_frame_probe(resv, sizeof resv, 0), FRAME_TPKT, 19, 4);
}

static void test_fastpath_real(void **state)
{
    (void)state;
    assert_frame(rdp_frame_probe(fp_input_short, sizeof fp_input_short, 1), FRAME_FASTPATH, 22, 2);
    assert_frame(rdp_frame_probe(fp_update_short, sizeof fp_update_short, 1), FRAME_FASTPATH,
                 18, 2);
    assert_frame(rdp_frame_probe(fp_update_153, sizeof fp_update_153, 1), FRAME_FASTPATH, 153, 3);
    assert_frame(rdp_frame_probe(fp_update_4254, sizeof fp_update_4254, 1), FRAME_FASTPATH,
                 4254, 3);
}

static void test_fastpath_lengths(void **state)
{
    (void)state;
    /* One-byte form: 7 bits, 0 and 1 are shorter than the 2-byte header. */
    for (unsigned len = 0; len < 0x80; len++) {
        const uint8_t b[2] = { 0x00, (uint8_t)len };
        frame_info fi = rdp_frame_probe(b, sizeof b, 1);
        if (len < 2) {
            assert_int_equal(fi.kind, FRAME_INVALID);
            assert_non_null(fi.problem);
            assert_non_null(strstr(fi.problem, "2-byte header"));
        } else {
            assert_frame(fi, FRAME_FASTPATH, len, 2);
        }
    }
    const uint8_t one[2] = { 0x04, 0x01 };
    assert_string_equal(rdp_frame_probe(one, 2, 1).problem,
                        "fast-path length 1 is shorter than its 2-byte header");
    /* Two-byte form: 15 bits, below 3 is invalid. */
    for (unsigned len = 0; len < 6; len++) {
        const uint8_t b[3] = { 0xc0, 0x80, (uint8_t)len };
        frame_info fi = rdp_frame_probe(b, sizeof b, 1);
        if (len < 3) {
            assert_int_equal(fi.kind, FRAME_INVALID);
            assert_non_null(fi.problem);
            assert_non_null(strstr(fi.problem, "3-byte header"));
        } else {
            assert_frame(fi, FRAME_FASTPATH, len, 3);
        }
    }
    const uint8_t max[3] = { 0xc0, 0xff, 0xff };
    assert_frame(rdp_frame_probe(max, 3, 1), FRAME_FASTPATH, 0x7fff, 3);
    /* A two-byte length may encode a small value (non-minimal but legal). */
    const uint8_t small[3] = { 0x00, 0x80, 0x10 };
    assert_frame(rdp_frame_probe(small, 3, 1), FRAME_FASTPATH, 16, 3);
}

static void test_fastpath_not_allowed(void **state)
{
    (void)state;
    frame_info fi = rdp_frame_probe(fp_input_short, sizeof fp_input_short, 0);
    assert_int_equal(fi.kind, FRAME_INVALID);
    assert_string_equal(fi.problem,
                        "first byte 0x90 is neither TPKT (0x03) nor TLS, and fast-path "
                        "(action bits 0) is not allowed before the connection sequence");
    /* Action bits 1 and 2 are never fast-path. */
    const uint8_t a1[2] = { 0x01, 0x10 }, a2[2] = { 0x42, 0x10 };
    assert_int_equal(rdp_frame_probe(a1, 2, 1).kind, FRAME_INVALID);
    assert_int_equal(rdp_frame_probe(a2, 2, 1).kind, FRAME_INVALID);
}

static void test_invalid_first_byte(void **state)
{
    (void)state;
    const uint8_t http[] = "GET / HTTP/1.1\r\n";
    frame_info fi = rdp_frame_probe(http, sizeof http - 1, 1);
    assert_int_equal(fi.kind, FRAME_INVALID);
    assert_string_equal(fi.problem, "first byte 0x47 is neither TPKT (0x03) nor TLS nor fast-path");
    /* SSH banner: 'S' = 0x53. */
    const uint8_t ssh[] = "SSH-2.0-OpenSSH";
    fi = rdp_frame_probe(ssh, sizeof ssh - 1, 0);
    assert_string_equal(fi.problem, "first byte 0x53 is neither TPKT (0x03) nor TLS nor fast-path");
    const uint8_t ff[] = { 0xff, 0x00 };
    assert_string_equal(rdp_frame_probe(ff, 2, 0).problem,
                        "first byte 0xFF is neither TPKT (0x03) nor TLS nor fast-path");
    /* A TPKT version other than 3 is not TPKT. */
    const uint8_t v2[4] = { 0x02, 0x00, 0x00, 0x13 };
    assert_string_equal(rdp_frame_probe(v2, 4, 1).problem,
                        "first byte 0x02 is neither TPKT (0x03) nor TLS nor fast-path");
}

static void test_tls_real(void **state)
{
    (void)state;
    for (int fp = 0; fp <= 1; fp++) {
        assert_frame(rdp_frame_probe(tls_client_hello, sizeof tls_client_hello, fp), FRAME_TLS,
                     168 + 5, 5);
        assert_frame(rdp_frame_probe(tls_server_hello, sizeof tls_server_hello, fp), FRAME_TLS,
                     1174 + 5, 5);
        /* 0x14 has fast-path action bits 0, but a valid TLS header wins. */
        assert_frame(rdp_frame_probe(tls_ccs, sizeof tls_ccs, fp), FRAME_TLS, 6, 5);
        assert_frame(rdp_frame_probe(tls_appdata, sizeof tls_appdata, fp), FRAME_TLS, 81 + 5, 5);
    }
}

static void test_tls_headers(void **state)
{
    (void)state;
    /* Every content type 20..24 and record version 3.0..3.4 is TLS. */
    for (uint8_t type = 20; type <= 24; type++)
        for (uint8_t minor = 0; minor <= 4; minor++) {
            const uint8_t h[5] = { type, 0x03, minor, 0x00, 0x10 };
            assert_frame(rdp_frame_probe(h, 5, 0), FRAME_TLS, 16 + 5, 5);
        }
    /* Length limit 2^14 + 2048. */
    const uint8_t max[5] = { 0x17, 0x03, 0x03, 0x48, 0x00 };
    assert_frame(rdp_frame_probe(max, 5, 0), FRAME_TLS, 18432 + 5, 5);
    const uint8_t over[5] = { 0x17, 0x03, 0x03, 0x48, 0x01 };
    frame_info fi = rdp_frame_probe(over, 5, 1);
    assert_int_equal(fi.kind, FRAME_INVALID);
    assert_string_equal(fi.problem, "a TLS record header whose length exceeds 2^14 + 2048 bytes");
    const uint8_t zero[5] = { 0x17, 0x03, 0x03, 0x00, 0x00 };
    assert_frame(rdp_frame_probe(zero, 5, 0), FRAME_TLS, 5, 5);

    const uint8_t minor5[5] = { 0x16, 0x03, 0x05, 0x00, 0x10 };
    fi = rdp_frame_probe(minor5, 5, 0);
    assert_int_equal(fi.kind, FRAME_INVALID);
    assert_non_null(strstr(fi.problem, "3.0 to 3.4"));
    const uint8_t sslv2ish[5] = { 0x16, 0x02, 0x00, 0x00, 0x10 };
    fi = rdp_frame_probe(sslv2ish, 5, 0);
    assert_int_equal(fi.kind, FRAME_INVALID);
    assert_non_null(strstr(fi.problem, "major byte is not 3"));
    /* Type 25 is no TLS type and 0x19 has action bits 1: invalid. */
    const uint8_t t25[5] = { 0x19, 0x03, 0x03, 0x00, 0x10 };
    fi = rdp_frame_probe(t25, 5, 1);
    assert_int_equal(fi.kind, FRAME_INVALID);
    assert_string_equal(fi.problem, "first byte 0x19 is neither TPKT (0x03) nor TLS nor fast-path");
}

static void test_tls_like_fastpath(void **state)
{
    (void)state;
    /* 0x14 and 0x18 are TLS types and fast-path headers; when the TLS check fails and
     * fast-path is allowed, it is fast-path. */
    const uint8_t fp14[3] = { 0x14, 0x20, 0x00 };
    assert_frame(rdp_frame_probe(fp14, 3, 1), FRAME_FASTPATH, 0x20, 2);
    frame_info fi = rdp_frame_probe(fp14, 3, 0);
    assert_int_equal(fi.kind, FRAME_INVALID);
    assert_non_null(strstr(fi.problem, "major byte is not 3"));
    /* Version byte right, minor wrong: decided at 3 bytes. */
    const uint8_t fp18[3] = { 0x18, 0x03, 0x09 };
    assert_frame(rdp_frame_probe(fp18, 3, 1), FRAME_FASTPATH, 3, 2);
    /* Too long for TLS: fast-path with a 1-byte length of 3. */
    const uint8_t fp18long[5] = { 0x18, 0x03, 0x03, 0xff, 0xff };
    assert_frame(rdp_frame_probe(fp18long, 5, 1), FRAME_FASTPATH, 3, 2);
}

/* For every prefix of a header: NEED_MORE until the full answer is known, then exactly
 * the full answer; never something else in between. */
static void check_prefixes(const uint8_t *p, size_t len, int fp, size_t decided_at)
{
    frame_info full = rdp_frame_probe(p, len, fp);
    for (size_t n = 0; n <= len; n++) {
        frame_info fi = rdp_frame_probe(p, n, fp);
        if (n < decided_at) {
            assert_int_equal(fi.kind, FRAME_NEED_MORE);
        } else {
            assert_int_equal(fi.kind, full.kind);
            assert_int_equal(fi.length, full.length);
            assert_int_equal(fi.header_len, full.header_len);
        }
    }
}

static void test_need_more_every_prefix(void **state)
{
    (void)state;
    check_prefixes(cr_tpkt, sizeof cr_tpkt, 0, 4);
    check_prefixes(cr_tpkt, sizeof cr_tpkt, 1, 4);
    check_prefixes(cc_legacy_tpkt, sizeof cc_legacy_tpkt, 0, 4);
    check_prefixes(fp_input_short, sizeof fp_input_short, 1, 2);
    check_prefixes(fp_update_short, sizeof fp_update_short, 1, 2);
    check_prefixes(fp_update_153, sizeof fp_update_153, 1, 3);
    check_prefixes(fp_update_4254, sizeof fp_update_4254, 1, 3);
    check_prefixes(tls_client_hello, sizeof tls_client_hello, 0, 5);
    check_prefixes(tls_server_hello, sizeof tls_server_hello, 1, 5);
    check_prefixes(tls_ccs, sizeof tls_ccs, 1, 5);
    check_prefixes(tls_appdata, sizeof tls_appdata, 0, 5);
    /* Invalid ones are decided as soon as the deciding byte is there. */
    const uint8_t short_tpkt[4] = { 0x03, 0x00, 0x00, 0x03 };
    check_prefixes(short_tpkt, 4, 0, 4);
    const uint8_t http[4] = { 'G', 'E', 'T', ' ' };
    check_prefixes(http, 4, 1, 1);
    check_prefixes(fp_input_short, sizeof fp_input_short, 0, 1);
    const uint8_t fp14[3] = { 0x14, 0x20, 0x00 };
    check_prefixes(fp14, 3, 1, 2);
    assert_int_equal(rdp_frame_probe(NULL, 0, 1).kind, FRAME_NEED_MORE);
    assert_int_equal(rdp_frame_probe(NULL, 100, 1).kind, FRAME_NEED_MORE);
}

/* Every first byte, and every two-byte prefix: a consistent answer, a reason whenever the
 * answer is INVALID, and a length that covers the header whenever there is one. */
static void check_invariants(frame_info fi, size_t avail)
{
    switch (fi.kind) {
    case FRAME_NEED_MORE:
        assert_null(fi.problem);
        break;
    case FRAME_INVALID:
        assert_non_null(fi.problem);
        assert_true(strlen(fi.problem) > 10);
        break;
    case FRAME_TPKT:
        assert_int_equal(fi.header_len, 4);
        assert_true(fi.length >= 7);
        assert_true(avail >= 4);
        break;
    case FRAME_FASTPATH:
        assert_true(fi.header_len == 2 || fi.header_len == 3);
        assert_true(fi.length >= fi.header_len);
        assert_true(avail >= fi.header_len);
        break;
    case FRAME_TLS:
        assert_int_equal(fi.header_len, 5);
        assert_true(fi.length >= 5 && fi.length <= 18432 + 5);
        assert_true(avail >= 5);
        break;
    default:
        fail_msg("unexpected frame kind %d", (int)fi.kind);
    }
}

static void test_exhaustive_short_inputs(void **state)
{
    (void)state;
    for (int fp = 0; fp <= 1; fp++) {
        for (unsigned b0 = 0; b0 < 256; b0++) {
            const uint8_t one[1] = { (uint8_t)b0 };
            frame_info fi = rdp_frame_probe(one, 1, fp);
            check_invariants(fi, 1);
            if (fi.kind == FRAME_INVALID && (b0 & 3) != 0 && (b0 < 20 || b0 > 24)) {
                char want[80];
                snprintf(want, sizeof want,
                         "first byte 0x%02X is neither TPKT (0x03) nor TLS nor fast-path", b0);
                assert_string_equal(fi.problem, want);
            }
            for (unsigned b1 = 0; b1 < 256; b1++) {
                const uint8_t two[2] = { (uint8_t)b0, (uint8_t)b1 };
                check_invariants(rdp_frame_probe(two, 2, fp), 2);
            }
        }
    }
}

/* Pseudo-random 5-byte headers (fixed seed, so a failure is reproducible). */
static void test_random_headers(void **state)
{
    (void)state;
    uint32_t x = 0x12345678u;
    for (int i = 0; i < 200000; i++) {
        uint8_t h[5];
        for (size_t k = 0; k < sizeof h; k++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            h[k] = (uint8_t)x;
        }
        for (size_t n = 0; n <= sizeof h; n++)
            check_invariants(rdp_frame_probe(h, n, i & 1), n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_tpkt),
        cmocka_unit_test(test_tpkt_lengths_0_to_8),
        cmocka_unit_test(test_tpkt_large_and_reserved),
        cmocka_unit_test(test_fastpath_real),
        cmocka_unit_test(test_fastpath_lengths),
        cmocka_unit_test(test_fastpath_not_allowed),
        cmocka_unit_test(test_invalid_first_byte),
        cmocka_unit_test(test_tls_real),
        cmocka_unit_test(test_tls_headers),
        cmocka_unit_test(test_tls_like_fastpath),
        cmocka_unit_test(test_need_more_every_prefix),
        cmocka_unit_test(test_exhaustive_short_inputs),
        cmocka_unit_test(test_random_headers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

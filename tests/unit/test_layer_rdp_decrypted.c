/* test_layer_rdp_decrypted.c - layer_rdp_plaintext(): the RDP connection
 * sequence read from decrypted TLS bytes (Enhanced RDP Security: no security
 * header except on Client Info and licensing), with its own framing state.
 * The bytes are the decrypted TLS payloads of
 * /work/shared/captures/awakecoding-wireshark-rdp/rdp-restricted-admin-rejected1.pcapng
 * as `tshark -d tcp.port==3389,tls -x` shows them from the embedded secrets:
 * frame 44 (licensing error message STATUS_VALID_CLIENT), frame 211 (Set
 * Error Info 0xB), frame 217 (MCS Disconnect Provider Ultimatum,
 * rn-user-requested), plus hand-made variants.
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
#include "layers.h"
#include "rdp_security.h"
#include "status_names.h"

static const uint8_t frame44_license[] = {
    0x03, 0x00, 0x00, 0x22, 0x02, 0xf0, 0x80, 0x68, 0x00, 0x01, 0x03, 0xeb, 0x70, 0x14, 0x80, 0x00,
    0x00, 0x00, 0xff, 0x03, 0x10, 0x00, 0x07, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x04, 0x00,
    0x00, 0x00,
};
static const uint8_t frame211_errinfo[] = {
    0x03, 0x00, 0x00, 0x24, 0x02, 0xf0, 0x80, 0x68, 0x00, 0x01, 0x03, 0xeb, 0x30, 0x16, 0x16, 0x00,
    0x17, 0x00, 0x00, 0x00, 0xea, 0x03, 0x01, 0x00, 0x00, 0x01, 0x16, 0x00, 0x2f, 0x00, 0x00, 0x00,
    0x0b, 0x00, 0x00, 0x00,
};
static const uint8_t frame217_dpum[] = { 0x03, 0x00, 0x00, 0x09, 0x02, 0xf0, 0x80, 0x21, 0x80 };
/* Hand-made: a Demand Active share control header (10 bytes, totalLength 10,
 * pduType 0x11) in a Send Data Indication on channel 1003. */
static const uint8_t demand_active[] = {
    0x03, 0x00, 0x00, 0x18, 0x02, 0xf0, 0x80, 0x68, 0x00, 0x01, 0x03, 0xeb, 0x70, 0x0a,
    0x0a, 0x00, 0x11, 0x00, 0xea, 0x03, 0x00, 0x00, 0x00, 0x00,
};
/* Hand-made: a static virtual channel PDU (channel 1004) whose
 * CHANNEL_PDU_HEADER length (0x0401) would read as SEC_REDIRECTION_PKT |
 * SEC_EXCHANGE_PKT if taken for a security header. */
static const uint8_t vc_pdu[] = {
    0x03, 0x00, 0x00, 0x16, 0x02, 0xf0, 0x80, 0x68, 0x00, 0x01, 0x03, 0xec, 0x70, 0x08,
    0x01, 0x04, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
};

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

static void feed(connection *c, rdp_plain *st, direction dir, const uint8_t *p, size_t n,
                 uint64_t frame)
{
    pkt_ref r = at(frame);
    layer_rdp_plaintext(c, st, dir, p, n, &r);
}

static void test_sequence_from_tls(void **state)
{
    (void)state;
    connection *c = make_conn();
    rdp_plain st;
    memset(&st, 0, sizeof st);
    feed(c, &st, DIR_S2C, frame44_license, sizeof frame44_license, 44);
    feed(c, &st, DIR_S2C, demand_active, sizeof demand_active, 45);
    /* The Set Error Info split across two chunks (two TLS records). */
    feed(c, &st, DIR_S2C, frame211_errinfo, 7, 211);
    feed(c, &st, DIR_S2C, frame211_errinfo + 7, sizeof frame211_errinfo - 7, 211);
    feed(c, &st, DIR_S2C, frame217_dpum, sizeof frame217_dpum, 217);

    const rdp_facts *f = &c->rdp;
    assert_true(f->seen);
    assert_false(f->malformed);
    assert_int_equal(f->license_server_pdus, 1);
    assert_true(f->license_done);                     /* STATUS_VALID_CLIENT */
    assert_int_equal(f->license_done_ref.packet, 44);
    assert_false(f->license_error);
    assert_int_equal(f->demand_active_ref.packet, 45);
    assert_false(f->demand_active_inferred);
    assert_true(f->has_error_info);
    assert_int_equal(f->error_info, 0xB);
    assert_int_equal(f->error_info_ref.packet, 211);
    assert_true(f->has_dpum);
    assert_int_equal(f->dpum_ref.packet, 217);
    assert_int_equal(f->dpum_reason, 3);              /* rn-user-requested */
    assert_int_equal(st.dir[DIR_S2C].pdus, 4);
    /* The TLS record framing of the connection was not touched. */
    assert_int_equal(c->dir[DIR_S2C].secure_pdus, 0);
    layer_rdp_plain_free(&st);
    connection_free(c);
}

static void test_byte_by_byte(void **state)
{
    (void)state;
    connection *c = make_conn();
    rdp_plain st;
    memset(&st, 0, sizeof st);
    for (size_t i = 0; i < sizeof frame211_errinfo; i++)
        feed(c, &st, DIR_S2C, frame211_errinfo + i, 1, 300 + i);
    assert_true(c->rdp.has_error_info);
    assert_int_equal(c->rdp.error_info, 0xB);
    /* The packet that completed the PDU. */
    assert_int_equal(c->rdp.error_info_ref.packet, 300 + sizeof frame211_errinfo - 1);
    layer_rdp_plain_free(&st);
    connection_free(c);
}

static void test_virtual_channel_not_read_as_security(void **state)
{
    (void)state;
    connection *c = make_conn();
    rdp_plain st;
    memset(&st, 0, sizeof st);
    feed(c, &st, DIR_S2C, vc_pdu, sizeof vc_pdu, 60);
    feed(c, &st, DIR_C2S, vc_pdu, sizeof vc_pdu, 61);
    assert_int_equal(c->rdp.redirection_ref.packet, 0);
    assert_int_equal(c->rdp.sec_exchange_ref.packet, 0);
    assert_false(c->rdp.malformed);
    assert_int_equal(st.dir[DIR_S2C].pdus, 1);
    layer_rdp_plain_free(&st);
    connection_free(c);
}

static void test_garbage_stops_direction(void **state)
{
    (void)state;
    connection *c = make_conn();
    rdp_plain st;
    memset(&st, 0, sizeof st);
    const uint8_t junk[] = { 0x16, 0x03, 0x03, 0x00, 0x10, 0xde, 0xad };
    feed(c, &st, DIR_S2C, junk, sizeof junk, 70);
    assert_true(st.dir[DIR_S2C].stopped);
    assert_true(c->rdp.malformed);
    assert_int_equal(c->rdp.problem_ref.packet, 70);
    /* Nothing more is read in that direction; the other still works. */
    feed(c, &st, DIR_S2C, frame211_errinfo, sizeof frame211_errinfo, 71);
    assert_false(c->rdp.has_error_info);
    feed(c, &st, DIR_C2S, frame217_dpum, sizeof frame217_dpum, 72);
    assert_true(c->rdp.has_dpum);
    assert_int_equal(c->rdp.dpum_dir, DIR_C2S);
    /* Truncated TPKT lengths and a NULL state never crash. */
    const uint8_t tiny[] = { 0x03, 0x00, 0x00, 0x04 };
    feed(c, &st, DIR_C2S, tiny, sizeof tiny, 73);
    layer_rdp_plaintext(c, NULL, DIR_C2S, tiny, sizeof tiny, NULL);
    layer_rdp_plain_free(&st);
    layer_rdp_plain_free(NULL);
    connection_free(c);
}

static void test_errinfo_one_table(void **state)
{
    (void)state;
    /* rdpsec_errinfo_name reads status_names.c's table (issue 7 note 3). */
    uint32_t codes[] = { 0x0, 0x7, 0xB, 0xC, 0x102, 0x10D3, 0x1192 };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        const status_name *n = status_errinfo(codes[i]);
        assert_non_null(n);
        assert_string_equal(rdpsec_errinfo_name(codes[i]), n->name);
    }
    assert_null(status_errinfo(0x7777));
    assert_string_equal(rdpsec_errinfo_name(0x7777), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sequence_from_tls),
        cmocka_unit_test(test_byte_by_byte),
        cmocka_unit_test(test_virtual_channel_not_read_as_security),
        cmocka_unit_test(test_garbage_stops_direction),
        cmocka_unit_test(test_errinfo_one_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_ber_per.c - the bounded BER (ber.c) and PER (per.c) readers: real
 * encodings cut from samples/success-rdp.pcap (frame 8, MCS Connect
 * Initial: the BER header 7f 65 82 01 c7 and DomainParameters; the T.124
 * PER ConnectData 00 05 00 14 7c 00 01 81 58), and the extremes: lengths that
 * lie, indefinite and over-long length forms, nesting deeper than allowed,
 * values outside their constraints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ber.h"
#include "per.h"

#include <string.h>

/* success-rdp frame 8: Connect-Initial header and its first fields, cut to
 * the first DomainParameters (its length says 0x1c7 follow: only a prefix is here). */
static const uint8_t CI_PREFIX[] = {
    0x7f, 0x65, 0x82, 0x01, 0xc7, 0x04, 0x01, 0x01, 0x04, 0x01, 0x01, 0x01, 0x01, 0xff,
    0x30, 0x1a, 0x02, 0x01, 0x22, 0x02, 0x01, 0x02, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01,
    0x02, 0x01, 0x00, 0x02, 0x01, 0x01, 0x02, 0x03, 0x00, 0xff, 0xff, 0x02, 0x01, 0x02,
};

static void test_ber_application_header(void **state)
{
    (void)state;
    /* The full header claims 0x1c7 bytes, more than the prefix: refused. */
    reader r = reader_make(CI_PREFIX, sizeof CI_PREFIX);
    ber_header h;
    assert_false(ber_read_header(&r, &h));
    assert_false(r.ok);
    /* The same header with a length that fits. */
    uint8_t fixed[sizeof CI_PREFIX];
    memcpy(fixed, CI_PREFIX, sizeof fixed);
    fixed[3] = 0x00;
    fixed[4] = (uint8_t)(sizeof fixed - 5);
    r = reader_make(fixed, sizeof fixed);
    assert_true(ber_read_header(&r, &h));
    assert_int_equal(h.cls, BER_CLASS_APPLICATION);
    assert_true(h.constructed);
    assert_int_equal(h.tag, 101);
    assert_int_equal(h.length, sizeof fixed - 5);
    /* Then its fields. */
    reader os;
    bool up;
    uint32_t v;
    assert_true(ber_read_octet_string(&r, &os));
    assert_int_equal(os.len, 1);
    assert_true(ber_read_octet_string(&r, &os));
    assert_true(ber_read_boolean(&r, &up));
    assert_true(up);
    reader seq;
    assert_true(ber_expect(&r, BER_CLASS_UNIVERSAL, true, BER_TAG_SEQUENCE, &seq));
    assert_true(ber_read_integer(&seq, &v));
    assert_int_equal(v, 0x22);
    for (int i = 0; i < 5; i++)
        assert_true(ber_read_integer(&seq, &v));
    assert_true(ber_read_integer(&seq, &v));
    assert_int_equal(v, 0xffff); /* 02 03 00 ff ff */
    assert_true(ber_read_integer(&seq, &v));
    assert_int_equal(v, 2);
    assert_int_equal(reader_left(&seq), 0);
    /* A wrong tag leaves the reader where it was. */
    reader r2 = reader_make(fixed + 5, 3);
    assert_false(ber_read_integer(&r2, &v));
    assert_int_equal(reader_pos(&r2), 0);
}

static void test_ber_length_forms(void **state)
{
    (void)state;
    ber_header h;
    /* indefinite length (0x80): refused */
    const uint8_t indef[] = { 0x30, 0x80, 0x00, 0x00 };
    reader r = reader_make(indef, sizeof indef);
    assert_false(ber_read_header(&r, &h));
    /* five length bytes: refused */
    const uint8_t five[] = { 0x04, 0x85, 0x00, 0x00, 0x00, 0x00, 0x01, 0xaa };
    r = reader_make(five, sizeof five);
    assert_false(ber_read_header(&r, &h));
    /* 0x84 ffffffff: cannot fit, refused without overflow */
    const uint8_t huge[] = { 0x04, 0x84, 0xff, 0xff, 0xff, 0xff, 0x00 };
    r = reader_make(huge, sizeof huge);
    assert_false(ber_read_header(&r, &h));
    /* long form that fits */
    const uint8_t ok[] = { 0x04, 0x81, 0x02, 0xaa, 0xbb };
    r = reader_make(ok, sizeof ok);
    assert_true(ber_read_header(&r, &h));
    assert_int_equal(h.length, 2);
    /* a length byte missing */
    r = reader_make(ok, 2);
    assert_false(ber_read_header(&r, &h));
    /* high tag number longer than 4 bytes */
    const uint8_t tag[] = { 0x7f, 0x81, 0x81, 0x81, 0x81, 0x01, 0x00 };
    r = reader_make(tag, sizeof tag);
    assert_false(ber_read_header(&r, &h));
    /* INTEGER of 5 content bytes and of 0: refused */
    uint32_t v;
    const uint8_t int5[] = { 0x02, 0x05, 1, 2, 3, 4, 5 };
    r = reader_make(int5, sizeof int5);
    assert_false(ber_read_integer(&r, &v));
    const uint8_t int0[] = { 0x02, 0x00 };
    r = reader_make(int0, sizeof int0);
    assert_false(ber_read_integer(&r, &v));
}

/* depth nested SEQUENCEs around one INTEGER. */
static size_t nested(uint8_t *buf, unsigned depth)
{
    size_t len = 3;
    uint8_t inner[64];
    inner[0] = 0x02;
    inner[1] = 0x01;
    inner[2] = 0x05;
    for (unsigned i = 0; i < depth; i++) {
        memmove(inner + 2, inner, len);
        inner[0] = 0x30;
        inner[1] = (uint8_t)len;
        len += 2;
    }
    memcpy(buf, inner, len);
    return len;
}

static void test_ber_nesting_limit(void **state)
{
    (void)state;
    uint8_t buf[64];
    size_t n = nested(buf, 3);
    assert_true(ber_validate(buf, n, 3));
    assert_false(ber_validate(buf, n, 2));
    n = nested(buf, BER_MAX_DEPTH + 1);
    /* even when asked for more, the depth is capped at BER_MAX_DEPTH */
    assert_false(ber_validate(buf, n, 100));
    n = nested(buf, BER_MAX_DEPTH);
    assert_true(ber_validate(buf, n, 100));
    /* an inner length that runs past its parent */
    n = nested(buf, 3);
    buf[3] = 0x7f;
    assert_false(ber_validate(buf, n, 8));
    assert_true(ber_validate(NULL, 0, 8));
}

/* success-rdp frame 8, GCC ConnectData: choice 0, OID 0.0.20.124.0.1, length 0x158. */
static const uint8_t CONNECT_DATA[] = { 0x00, 0x05, 0x00, 0x14, 0x7c, 0x00, 0x01, 0x81, 0x58 };
static const uint8_t T124_OID[] = { 0x00, 0x14, 0x7c, 0x00, 0x01 };

static void test_per_connect_data(void **state)
{
    (void)state;
    reader r = reader_make(CONNECT_DATA, sizeof CONNECT_DATA);
    uint8_t choice;
    bool equal;
    uint16_t len;
    assert_true(per_read_u8(&r, &choice));
    assert_int_equal(choice, 0);
    assert_true(per_read_object_identifier(&r, T124_OID, sizeof T124_OID, &equal));
    assert_true(equal);
    assert_true(per_read_length(&r, &len));
    assert_int_equal(len, 0x158);
    assert_int_equal(reader_left(&r), 0);
    /* the OID compared against another one */
    r = reader_make(CONNECT_DATA + 1, 6);
    const uint8_t other[] = { 0x00, 0x14, 0x7c, 0x00, 0x02 };
    assert_true(per_read_object_identifier(&r, other, sizeof other, &equal));
    assert_false(equal);
    /* an OID longer than the data */
    const uint8_t long_oid[] = { 0x09, 0x00, 0x14 };
    r = reader_make(long_oid, sizeof long_oid);
    assert_false(per_read_object_identifier(&r, T124_OID, sizeof T124_OID, &equal));
}

static void test_per_extremes(void **state)
{
    (void)state;
    uint16_t len, v16;
    uint32_t v;
    uint8_t e;
    /* fragmented length form (0xC0..): refused */
    const uint8_t frag[] = { 0xc1, 0x00 };
    reader r = reader_make(frag, sizeof frag);
    assert_false(per_read_length(&r, &len));
    /* two-byte length cut */
    r = reader_make(CONNECT_DATA + 7, 1);
    assert_false(per_read_length(&r, &len));
    /* largest two-byte length */
    const uint8_t max[] = { 0xbf, 0xff };
    r = reader_make(max, sizeof max);
    assert_true(per_read_length(&r, &len));
    assert_int_equal(len, 0x3fff);
    /* integer16 that would overflow with its minimum */
    const uint8_t big[] = { 0xff, 0xff };
    r = reader_make(big, sizeof big);
    assert_false(per_read_integer16(&r, 1001, &v16));
    const uint8_t user[] = { 0x00, 0x08 };
    r = reader_make(user, sizeof user);
    assert_true(per_read_integer16(&r, 1001, &v16));
    assert_int_equal(v16, 1009);
    /* INTEGER with length 3: not an allowed size */
    const uint8_t int3[] = { 0x03, 1, 2, 3 };
    r = reader_make(int3, sizeof int3);
    assert_false(per_read_integer(&r, &v));
    const uint8_t int2[] = { 0x02, 0x01, 0x02 };
    r = reader_make(int2, sizeof int2);
    assert_true(per_read_integer(&r, &v));
    assert_int_equal(v, 0x102);
    /* enumerated outside its count */
    const uint8_t en[] = { 16 };
    r = reader_make(en, sizeof en);
    assert_false(per_read_enumerated(&r, 16, &e));
    r = reader_make(en, sizeof en);
    assert_true(per_read_enumerated(&r, 17, &e));
    /* octet string with a minimum: "Duca" (length byte 0 + min 4) */
    const uint8_t duca[] = { 0x00, 'D', 'u', 'c', 'a' };
    const uint8_t *p;
    r = reader_make(duca, sizeof duca);
    assert_true(per_read_octet_string(&r, 4, &p, &len));
    assert_int_equal(len, 4);
    assert_memory_equal(p, "Duca", 4);
    r = reader_make(duca, 4);
    assert_false(per_read_octet_string(&r, 4, &p, &len));
    assert_null(p);
    /* numeric string "1": length 0 + min 1, one packed byte */
    const uint8_t num[] = { 0x00, 0x10 };
    r = reader_make(num, sizeof num);
    assert_true(per_read_numeric_string(&r, 1));
    assert_int_equal(reader_left(&r), 0);
    r = reader_make(num, 1);
    assert_false(per_read_numeric_string(&r, 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ber_application_header),
        cmocka_unit_test(test_ber_length_forms),
        cmocka_unit_test(test_ber_nesting_limit),
        cmocka_unit_test(test_per_connect_data),
        cmocka_unit_test(test_per_extremes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

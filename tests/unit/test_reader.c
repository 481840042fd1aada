/* test_reader.c - the bounds-checked cursor (dissectors/reader.h) and wire_printable
 * (dissectors/wirestr.h): every accessor at and past the end, sub-readers, and the
 * sanitizing of wire strings (control bytes, backslash, truncation with "..."). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "reader.h"
#include "wirestr.h"

static const uint8_t bytes8[8] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };

static void test_make_and_left(void **state)
{
    (void)state;
    reader r = reader_make(bytes8, sizeof bytes8);
    assert_true(r.ok);
    assert_int_equal(reader_left(&r), 8);
    assert_int_equal(reader_pos(&r), 0);
    assert_ptr_equal(reader_ptr(&r), bytes8);

    /* NULL data is an empty reader, whatever length is claimed. */
    reader n = reader_make(NULL, 100);
    assert_int_equal(reader_left(&n), 0);
    uint8_t v = 0x55;
    assert_false(reader_u8(&n, &v));
    assert_int_equal(v, 0);
    assert_false(n.ok);
}

static void test_u8_at_and_past_end(void **state)
{
    (void)state;
    reader r = reader_make(bytes8, 1);
    uint8_t v;
    assert_true(reader_u8(&r, &v));
    assert_int_equal(v, 0x01);
    assert_int_equal(reader_left(&r), 0);
    assert_true(r.ok);
    v = 0xAA;
    assert_false(reader_u8(&r, &v));
    assert_int_equal(v, 0);            /* output zeroed on failure */
    assert_false(r.ok);
    assert_int_equal(reader_pos(&r), 1); /* position unchanged */
}

static void test_be16_le16(void **state)
{
    (void)state;
    uint16_t v;
    reader r = reader_make(bytes8, 2);
    assert_true(reader_be16(&r, &v));
    assert_int_equal(v, 0x0102);
    assert_false(reader_be16(&r, &v));
    assert_int_equal(v, 0);

    r = reader_make(bytes8, 2);
    assert_true(reader_le16(&r, &v));
    assert_int_equal(v, 0x0201);

    /* One byte short: fails and consumes nothing. */
    r = reader_make(bytes8, 1);
    v = 7;
    assert_false(reader_be16(&r, &v));
    assert_int_equal(v, 0);
    assert_int_equal(reader_pos(&r), 0);
    r = reader_make(bytes8, 1);
    assert_false(reader_le16(&r, &v));
    assert_false(r.ok);
}

static void test_be24_be32_le32(void **state)
{
    (void)state;
    uint32_t v;
    reader r = reader_make(bytes8, 3);
    assert_true(reader_be24(&r, &v));
    assert_int_equal(v, 0x010203);
    assert_false(reader_be24(&r, &v));
    assert_int_equal(v, 0);

    r = reader_make(bytes8, 2);
    assert_false(reader_be24(&r, &v));
    assert_int_equal(reader_pos(&r), 0);

    r = reader_make(bytes8, 4);
    assert_true(reader_be32(&r, &v));
    assert_int_equal(v, 0x01020304);
    assert_false(reader_be32(&r, &v));

    r = reader_make(bytes8, 4);
    assert_true(reader_le32(&r, &v));
    assert_int_equal(v, 0x04030201);

    r = reader_make(bytes8, 3);
    v = 9;
    assert_false(reader_le32(&r, &v));
    assert_int_equal(v, 0);
    r = reader_make(bytes8, 3);
    assert_false(reader_be32(&r, &v));
    assert_false(r.ok);

    /* High bit values do not sign-extend. */
    static const uint8_t ff[4] = { 0xFF, 0xFE, 0xFD, 0xFC };
    r = reader_make(ff, 4);
    assert_true(reader_be32(&r, &v));
    assert_int_equal(v, 0xFFFEFDFCu);
    r = reader_make(ff, 4);
    assert_true(reader_le32(&r, &v));
    assert_int_equal(v, 0xFCFDFEFFu);
}

static void test_skip_and_bytes(void **state)
{
    (void)state;
    reader r = reader_make(bytes8, 8);
    assert_true(reader_skip(&r, 8));
    assert_int_equal(reader_left(&r), 0);
    assert_true(reader_skip(&r, 0));
    assert_false(reader_skip(&r, 1));
    assert_false(r.ok);

    const uint8_t *p = bytes8;
    r = reader_make(bytes8, 8);
    assert_true(reader_bytes(&r, 3, &p));
    assert_ptr_equal(p, bytes8);
    assert_true(reader_bytes(&r, 5, &p));
    assert_ptr_equal(p, bytes8 + 3);
    assert_false(reader_bytes(&r, 1, &p));
    assert_null(p);

    /* A huge n cannot wrap the check around. */
    r = reader_make(bytes8, 8);
    reader_skip(&r, 4);
    assert_false(reader_skip(&r, SIZE_MAX));
    assert_false(reader_bytes(&r, SIZE_MAX - 2, &p));
    assert_int_equal(reader_pos(&r), 4);
}

static void test_failure_is_sticky(void **state)
{
    (void)state;
    reader r = reader_make(bytes8, 2);
    uint32_t v32;
    uint8_t v;
    assert_false(reader_be32(&r, &v32));
    /* After a failure even reads that would fit fail, so one check at the end suffices. */
    assert_false(reader_u8(&r, &v));
    assert_int_equal(v, 0);
    assert_false(reader_skip(&r, 0));
    assert_false(r.ok);
}

static void test_sub_reader(void **state)
{
    (void)state;
    reader r = reader_make(bytes8, 8);
    reader s;
    uint8_t v;
    reader_skip(&r, 2);
    assert_true(reader_sub(&r, 3, &s));
    assert_int_equal(reader_pos(&r), 5);
    assert_int_equal(reader_left(&s), 3);
    assert_true(reader_u8(&s, &v));
    assert_int_equal(v, 0x03);
    assert_true(reader_skip(&s, 2));
    /* The sub-reader ends at its own end, not the parent's. */
    assert_false(reader_u8(&s, &v));
    assert_false(s.ok);
    assert_true(r.ok);   /* the parent is unaffected */
    assert_true(reader_u8(&r, &v));
    assert_int_equal(v, 0x06);

    /* A sub-reader longer than what is left fails, and so does the parent. */
    assert_false(reader_sub(&r, 3, &s));
    assert_false(s.ok);
    assert_int_equal(reader_left(&s), 0);
    assert_false(reader_u8(&s, &v));
    assert_false(r.ok);

    /* Empty sub-reader at the very end is fine. */
    r = reader_make(bytes8, 8);
    reader_skip(&r, 8);
    assert_true(reader_sub(&r, 0, &s));
    assert_true(s.ok);
    assert_int_equal(reader_left(&s), 0);
}

static void test_wire_printable_plain(void **state)
{
    (void)state;
    char out[64];
    const uint8_t s[] = "FTBCO\\A70";
    wire_printable(s, sizeof s - 1, out, sizeof out);
    assert_string_equal(out, "FTBCO\\\\A70");   /* backslash doubled */

    wire_printable(s, 0, out, sizeof out);
    assert_string_equal(out, "");

    /* Already-escaped text (RFC 2253 from OpenSSL): the backslash stays
     * single, everything else is treated alike. */
    const uint8_t dn[] = { 'C', 'N', '=', '\\', '<', 'b', '\\', '>', 0x1B, 0xC3, 0xA9 };
    wire_printable_escaped(dn, sizeof dn, out, sizeof out);
    assert_string_equal(out, "CN=\\<b\\>\\x1B\\xC3\\xA9");
    char small[8];
    wire_printable_escaped(dn, sizeof dn, small, sizeof small);
    assert_string_equal(small, "CN=\\...");
}

static void test_wire_printable_escapes(void **state)
{
    (void)state;
    char out[128];
    const uint8_t s[] = { '<', 's', '>', 0x00, 0x0D, 0x0A, 0x1B, '[', 0x7F, 0x80, 0xFF, '"', '\'' };
    wire_printable(s, sizeof s, out, sizeof out);
    assert_string_equal(out, "<s>\\x00\\x0D\\x0A\\x1B[\\x7F\\x80\\xFF\"'");
    /* Nothing outside printable ASCII survives. */
    for (const char *c = out; *c; c++)
        assert_true(*c >= 0x20 && *c <= 0x7E);
}

static void test_wire_printable_truncation(void **state)
{
    (void)state;
    char out[8];
    const uint8_t s[] = "abcdefghij";
    wire_printable(s, 10, out, sizeof out);
    assert_string_equal(out, "abcd...");

    /* Exactly fits: no dots. */
    wire_printable(s, 7, out, sizeof out);
    assert_string_equal(out, "abcdefg");

    /* A piece that does not fit is dropped whole. */
    const uint8_t b[] = { 'a', 'b', 'c', 'd', 'e', 'f', '\\' };
    wire_printable(b, sizeof b, out, sizeof out);
    assert_string_equal(out, "abcd...");

    /* Tiny buffers: always NUL-terminated, never overrun. */
    char tiny[4];
    memset(tiny, 'Z', sizeof tiny);
    wire_printable(s, 10, tiny, sizeof tiny);
    assert_int_equal(strlen(tiny), 3);
    assert_string_equal(tiny, "abc");
    char one[1] = { 'Z' };
    wire_printable(s, 10, one, 1);
    assert_int_equal(one[0], '\0');
    char none[1] = { 'Z' };
    wire_printable(s, 10, none, 0);
    assert_int_equal(none[0], 'Z');   /* outlen 0: nothing written */
}

/* When "..." has to move back over pieces already written, it must not land inside a piece:
 * cutting the output  abc\x01  to  abc\...  (or  abc\\def  to  abc\...) leaves a lone
 * backslash, breaking the promise that every backslash in the output is either doubled or
 * starts an \xNN escape. */
static void test_wire_printable_truncation_keeps_escapes_whole(void **state)
{
    (void)state;
    char out[8];
    const uint8_t e[] = { 'a', 'b', 'c', 0x01, 0x02 };
    wire_printable(e, sizeof e, out, sizeof out);
    assert_string_equal(out, "abc...");
    const uint8_t bs[] = { 'a', 'b', 'c', '\\', 'd', 'e', 'f' };
    wire_printable(bs, sizeof bs, out, sizeof out);
    assert_string_equal(out, "abc...");
}

static void test_wire_printable_every_byte(void **state)
{
    (void)state;
    uint8_t all[256];
    char out[256 * 4 + 1];
    for (int i = 0; i < 256; i++)
        all[i] = (uint8_t)i;
    wire_printable(all, sizeof all, out, sizeof out);
    /* 95 printable bytes, one of them the backslash (2 chars), 161 escapes of 4 chars. */
    assert_int_equal(strlen(out), 94 + 2 + 161 * 4);
    for (const char *c = out; *c; c++)
        assert_true(*c >= 0x20 && *c <= 0x7E);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_make_and_left),
        cmocka_unit_test(test_u8_at_and_past_end),
        cmocka_unit_test(test_be16_le16),
        cmocka_unit_test(test_be24_be32_le32),
        cmocka_unit_test(test_skip_and_bytes),
        cmocka_unit_test(test_failure_is_sticky),
        cmocka_unit_test(test_sub_reader),
        cmocka_unit_test(test_wire_printable_plain),
        cmocka_unit_test(test_wire_printable_escapes),
        cmocka_unit_test(test_wire_printable_truncation),
        cmocka_unit_test(test_wire_printable_truncation_keeps_escapes_whole),
        cmocka_unit_test(test_wire_printable_every_byte),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

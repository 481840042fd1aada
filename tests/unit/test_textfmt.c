/* test_textfmt.c - text_fmt() gives the bytes and the return value of
 * snprintf() for every conversion the program uses, at every buffer size
 * (truncation); %f on ties, tiny, negative and random values; the hand-off
 * to vsnprintf for what it does not handle; text_addr/text_endpoint against
 * rt_addr_str/rt_endpoint_str. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "textfmt.h"

/* Both functions at every buffer size up to the whole text and beyond. */
#define SAME(...)                                                                      \
    do {                                                                               \
        char want[512], got[512];                                                      \
        int wn = snprintf(want, sizeof want, __VA_ARGS__);                             \
        int gn = text_fmt(got, sizeof got, __VA_ARGS__);                               \
        assert_int_equal(gn, wn);                                                      \
        assert_string_equal(got, want);                                                \
        for (size_t sz = 0; sz <= (size_t)wn + 2 && sz < sizeof want; sz++) {          \
            memset(want, 'W', sizeof want);                                            \
            memset(got, 'W', sizeof got);                                              \
            wn = snprintf(want, sz, __VA_ARGS__);                                      \
            gn = text_fmt(got, sz, __VA_ARGS__);                                       \
            assert_int_equal(gn, wn);                                                  \
            assert_memory_equal(got, want, sizeof want);                               \
        }                                                                              \
    } while (0)

static void test_strings_and_integers(void **state)
{
    (void)state;
    SAME("plain text, no conversion");
    SAME("%s", "");
    SAME("%s and %s", "one", "two");
    SAME("[%.5s] [%.0s] [%.*s]", "abcdefgh", "xyz", 3, "abcdef");
    SAME("[%*s] [%-*s] [%*s]", 8, "ab", 8, "cd", -6, "ef");
    SAME("[%10s] [%-10s]|", "right", "left");
    SAME("%u %u %u", 0u, 7u, 4294967295u);
    SAME("%d %d %d %d", 0, -1, 2147483647, -2147483647 - 1);
    SAME("%i %5d %-5d| %05d %05d", 42, 42, -42, 42, -42);
    SAME("%llu %lld %lld", 18446744073709551615ull, -9223372036854775807ll - 1, 12345ll);
    SAME("%lu %ld %zu %zu", 4000000000ul, -4000000000l, (size_t)0, (size_t)123456789);
    SAME("%hhu %hu %hhd %hd", (unsigned char)200, (unsigned short)60000, (signed char)-100, (short)-30000);
    SAME("%x %X %04x %04X %08x %02x %02X", 0xbeefu, 0xbeefu, 0x1u, 0xabu, 0xdeadbeefu, 0x0u, 0xfu);
    SAME("%02x:%02x:%02x:%02x:%02x:%02x", 0, 0x1b, 0x21, 0xff, 0x7, 0x80);
    SAME("%06u %02u %3u|%-3u|", 1234u, 5u, 7u, 7u);
    SAME("%c%c%c [%3c] [%-3c]", 'a', 'b', 'c', 'x', 'y');
    SAME("100%% sure, %s%%", "50");
    SAME("%s%u%s", "packet ", 12u, " done");
}

static void test_fixed(void **state)
{
    (void)state;
    static const double vals[] = {
        0.0, -0.0, 1.0, -1.0, 0.5, 1.5, 2.5, -2.5, 0.125, 0.375, 0.0625, 1.25, 1.35, 2.675,
        0.05, 0.15, 0.25, 0.35, 0.45, 0.95, 9.95, 99.95, 0.0005, 0.0015, 0.0025, 1e-9, -1e-9,
        5e-10, 1e-300, 4.9e-324, 123456.789, 1e15, 9007199254740993.0, 3.0e6, 299.9999,
        0.001, 0.002, 0.999, 1.0005, 2.0005, 60.0, 75.000001, 1e18, -1e18,
    };
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        double v = vals[i];
        SAME("%f|%.0f|%.1f|%.2f|%.3f|%.6f|%.9f", v, v, v, v, v, v, v);
        SAME("%.1f s, %.3f s, %.2f ms, %lf", v, v, v, v);
    }
    /* Pseudo-random values over many magnitudes (xorshift, fixed seed). */
    uint64_t s = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 200000; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        double v;
        switch (i % 4) {
        case 0: v = (double)(s % 100000000u) / 1e6; break;      /* seconds, microseconds */
        case 1: v = (double)(int64_t)(s % 2000000u - 1000000) / 1000.0; break;
        case 2: { uint64_t b = s & 0x43ffffffffffffffull; memcpy(&v, &b, sizeof v); break; }
        default: v = (double)(s >> 11) * 0x1p-53 * 1000.0; break;
        }
        char want[128], got[128];
        for (int prec = 0; prec <= 9; prec++) {
            int wn = snprintf(want, sizeof want, "%.*f", prec, v);
            int gn = text_fmt(got, sizeof got, "%.*f", prec, v);
            assert_int_equal(gn, wn);
            assert_string_equal(got, want);
        }
    }
}

/* What text_fmt hands to vsnprintf still comes out the same. */
static void test_fallback(void **state)
{
    (void)state;
    SAME("%+d % d %#x %e %g %p|", 5, 5, 255u, 1.5, 0.25, (void *)0);
    SAME("%10.3f|%-8.2f|%08.1f|%.12f|%.3Lf", 3.14159, 2.5, -1.25, 0.1, (long double)1.5);
    SAME("%f %f %.3f", 1.0 / 0.0, -1.0 / 0.0, 1e300);
    SAME("%.3d %.0d|%5.2u|%zd %td", 5, 0, 3u, (size_t)7, (ptrdiff_t)-3);
    SAME("%s then %s", "before", "after");
    char got[32], want[32];
    const char *null_str = NULL;
    int wn = snprintf(want, sizeof want, "<%s>", null_str);
    int gn = text_fmt(got, sizeof got, "<%s>", null_str);
    assert_int_equal(gn, wn);
    assert_string_equal(got, want);
}

static void test_addresses(void **state)
{
    (void)state;
    rt_addr a4 = { 4, { 0 } }, a6 = { 6, { 0 } }, odd = { 0, { 0 } };
    static const uint8_t quads[][4] = { { 0, 0, 0, 0 }, { 10, 0, 0, 5 }, { 255, 255, 255, 255 },
                                        { 192, 168, 100, 9 }, { 1, 22, 133, 99 } };
    static const uint8_t v6[][16] = {
        { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 },
        { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1 },
        { 0 },
    };
    for (size_t i = 0; i < sizeof quads / sizeof quads[0]; i++) {
        memcpy(a4.a, quads[i], 4);
        memcpy(odd.a, quads[i], 4);
        const rt_addr *cases[2] = { &a4, &odd };
        for (int k = 0; k < 2; k++) {
            for (size_t sz = 1; sz <= 24; sz++) {
                char want[64], got[64];
                memset(want, 'W', sizeof want);
                memset(got, 'W', sizeof got);
                rt_addr_str(cases[k], want, sz);
                text_addr(cases[k], got, sz);
                assert_memory_equal(got, want, sizeof want);
                memset(want, 'W', sizeof want);
                memset(got, 'W', sizeof got);
                rt_endpoint_str(cases[k], (uint16_t)(i * 12345u), want, sz);
                text_endpoint(cases[k], (uint16_t)(i * 12345u), got, sz);
                assert_memory_equal(got, want, sizeof want);
            }
        }
    }
    for (size_t i = 0; i < sizeof v6 / sizeof v6[0]; i++) {
        memcpy(a6.a, v6[i], 16);
        char want[64], got[64];
        rt_endpoint_str(&a6, 3389, want, sizeof want);
        text_endpoint(&a6, 3389, got, sizeof got);
        assert_string_equal(got, want);
        rt_addr_str(&a6, want, sizeof want);
        text_addr(&a6, got, sizeof got);
        assert_string_equal(got, want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strings_and_integers),
        cmocka_unit_test(test_fixed),
        cmocka_unit_test(test_fallback),
        cmocka_unit_test(test_addresses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

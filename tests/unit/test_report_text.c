/* test_report_text.c - the terminal summary, on the same hand-built analysis
 * as test_report_xml.c: one aligned line per connection between a header and
 * the count, no escape byte without colour (not even one hidden in a
 * summary), colour when asked for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_fixture.h"

/* ------------------------------------------------------------ helpers */

/* Runs report_text into a temporary file and returns what it wrote. */
static char *run(const analysis *a, bool color)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    report_text(a, f, color);
    assert_int_equal(ferror(f), 0);
    long n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Splits into lines (in place); returns the count. */
static int lines(char *buf, char **out, int max)
{
    int n = 0;
    for (char *p = buf; *p && n < max;) {
        char *nl = strchr(p, '\n');
        assert_non_null(nl);   /* every line ends with a newline */
        *nl = '\0';
        out[n++] = p;
        p = nl + 1;
    }
    return n;
}

/* ------------------------------------------------------------ tests */

static void test_text_plain(void **state)
{
    (void)state;
    analysis a;
    build_model(&a);
    /* A summary carrying a raw escape sequence must not reach the terminal. */
    snprintf(a.first->order_next->order_next->v.summary, VERDICT_TEXT, "clear\x1b[2Jscreen");
    char *out = run(&a, false);
    assert_null(strchr(out, '\x1b'));
    char *l[16];
    int n = lines(out, l, 16);
    assert_int_equal(n, 7);   /* header, five connections, count */
    assert_non_null(strstr(l[0], "CLIENT"));
    assert_string_equal(l[6], "5 connections, 4 failed");

    /* In order, each with its endpoints, phase, cause and summary. */
    assert_non_null(strstr(l[1], "10.0.0.5:50123"));
    assert_non_null(strstr(l[1], "success"));
    assert_non_null(strstr(l[1], HOSTILE_COOKIE));
    assert_non_null(strstr(l[2], "[2001:db8::5]:50200"));
    assert_non_null(strstr(l[2], "hybrid_required_by_server"));
    assert_non_null(strstr(l[3], "no_answer"));
    assert_non_null(strstr(l[3], "clear\\x1B[2Jscreen"));
    assert_non_null(strstr(l[4], "refused"));
    assert_non_null(strstr(l[5], "malformed"));
    for (int i = 1; i <= 5; i++) {
        char id[8];
        snprintf(id, sizeof id, "%d  ", i);
        assert_non_null(strstr(l[i], id));
    }

    /* Aligned: every column starts where its heading does. */
    const char *heads[] = { "CLIENT", "SERVER", "PHASE", "CAUSE", "SUMMARY" };
    const char *vals[5][5] = {
        { "10.0.0.5:50123", "10.0.0.9:3389", "none", "success", "The connection" },
        { "[2001:db8::5]:50200", "[2001:db8::9]:3389", "x224", "hybrid_required", "The server" },
        { "10.0.0.5:50124", "10.0.0.10:3389", "tcp", "no_answer", "clear" },
        { "[2001:db8::5]:50201", "[2001:db8::9]:3389", "tcp", "refused", "The server" },
        { "192.168.1.20:40000", "192.168.1.1:3389", "x224", "malformed", "The negotiation" },
    };
    for (int col = 0; col < 5; col++) {
        long at = strstr(l[0], heads[col]) - l[0];
        for (int row = 0; row < 5; row++)
            assert_int_equal(strncmp(l[row + 1] + at, vals[row][col], strlen(vals[row][col])), 0);
    }
    free(out);
    free_model(&a);
}

static void test_text_color(void **state)
{
    (void)state;
    analysis a;
    build_model(&a);
    char *out = run(&a, true);
    assert_non_null(strchr(out, '\x1b'));
    assert_non_null(strstr(out, "\x1b[31mhybrid_required_by_server\x1b[0m"));   /* red */
    assert_non_null(strstr(out, "\x1b[32msuccess\x1b[0m"));                     /* green */
    char *l[16];
    assert_int_equal(lines(out, l, 16), 7);
    free(out);
    free_model(&a);
}

static void test_text_empty(void **state)
{
    (void)state;
    analysis a;
    memset(&a, 0, sizeof a);
    char *out = run(&a, false);
    assert_string_equal(out, "0 connections, 0 failed\n");
    free(out);
}

static void test_text_one_connection(void **state)
{
    (void)state;
    analysis a;
    memset(&a, 0, sizeof a);
    connection *c = conn_new(&a, 1, 0, v4(10, 0, 0, 1), 1234, v4(10, 0, 0, 2), 1, 2);
    set_verdict(c, PHASE_NONE, CAUSE_SUCCESS, CONF_HIGH, "", "Fine.");
    char *out = run(&a, false);
    char *l[4];
    assert_int_equal(lines(out, l, 4), 3);
    assert_string_equal(l[2], "1 connection, 0 failed");
    free(out);
    free_model(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_plain),
        cmocka_unit_test(test_text_color),
        cmocka_unit_test(test_text_empty),
        cmocka_unit_test(test_text_one_connection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

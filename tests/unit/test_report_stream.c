/* test_report_stream.c - the reports written while the capture is read
 * (reports/stream.c, issue 9) say exactly what the reports of a model that
 * kept every connection say: the same XML, HTML and text, byte for byte,
 * including the retry sentences that a later connection adds to an earlier
 * one after the earlier one was written out and freed. Real lab captures:
 * mcs-close (a failure and its retry), reset-x224-server (the same, with a
 * long summary), success-tls, no-answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "analysis.h"
#include "report.h"
#include "stream_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef RDPT_SOURCE_DIR
#define RDPT_SOURCE_DIR "."
#endif

static void same_reports(const char *sample, const char *must_contain)
{
    char path[512];
    snprintf(path, sizeof path, "%s/samples/%s", RDPT_SOURCE_DIR, sample);
    analysis a1, a2;
    stream_reports kept, streamed;
    stream_run(path, true, true, &a1, &kept);
    stream_run(path, false, true, &a2, &streamed);
    analysis_free(&a1);
    analysis_free(&a2);
    assert_string_equal(kept.xml, streamed.xml);
    assert_string_equal(kept.html, streamed.html);
    assert_string_equal(kept.text, streamed.text);
    if (must_contain) {
        assert_non_null(strstr(streamed.xml, must_contain));
        assert_non_null(strstr(streamed.html, must_contain));
        assert_non_null(strstr(streamed.text, must_contain));
    }
    stream_reports_free(&kept);
    stream_reports_free(&streamed);
}

static void test_retry_sentence_reaches_a_freed_connection(void **state)
{
    (void)state;
    /* connection 1 was written before connection 2 told how the retry went */
    same_reports("mcs-close.pcap", "the client retried");
    same_reports("reset-x224-server.pcap", "which failed too (reset_by_server in phase x224).");
}

/* A redirected connection is written out before the client's follow-up to
 * the target says how it went (retries.h). */
static void test_redirection_follow_up_reaches_a_freed_connection(void **state)
{
    (void)state;
    same_reports("redirected.pcapng", "The client followed the redirection");
    same_reports("redirected.pcapng", "It follows the Server Redirection in connection 1.");
}

static void test_single_connections(void **state)
{
    (void)state;
    same_reports("success-tls.pcap", "success");
    same_reports("no-answer.pcap", "no_answer");
}

/* Connections reach the reports in the order they end, not the order they
 * started: fed 2,500 failures from the last to the first, the page still
 * has the sections of the first 1,000 by id (its limit), each row of those
 * links to its section, and no other row does. */
static void test_sections_of_the_first_connections_whatever_the_order(void **state)
{
    (void)state;
    enum { N = 2500, SHOWN = 1000 };
    char hp[64], err[256];
    snprintf(hp, sizeof hp, "/tmp/rdpt-order-%d.html", (int)getpid());
    analysis a;
    analysis_init(&a);
    report_outputs o = { NULL, hp, NULL, false };
    report_stream *s = report_stream_new(&o);
    assert_non_null(s);
    connection *c = calloc(1, sizeof *c);
    assert_non_null(c);
    c->client.family = c->server.family = 4;
    c->server_port = 3389;
    c->v.cause = CAUSE_NO_ANSWER;
    c->v.phase = PHASE_TCP;
    for (uint32_t id = N; id >= 1; id--) {
        c->id = id;
        c->client_port = (uint16_t)(10000 + id);
        snprintf(c->v.summary, sizeof c->v.summary, "no answer %u", id);
        report_stream_connection(s, &a, c);
    }
    free(c);
    assert_int_equal(report_stream_html(s, &a, err, sizeof err), 0);
    report_stream_free(s);
    analysis_free(&a);
    char *html = slurp(hp, NULL);
    unlink(hp);
    unsigned sections = 0, linked = 0;
    for (const char *p = html; (p = strstr(p, "<section class=\"conn\" id=\"conn-")) != NULL; p++) {
        unsigned id = (unsigned)strtoul(p + strlen("<section class=\"conn\" id=\"conn-"), NULL, 10);
        assert_true(id >= 1 && id <= SHOWN);
        sections++;
    }
    for (const char *p = html; (p = strstr(p, "<td class=\"num\"><a href=\"#conn-")) != NULL; p++) {
        unsigned id = (unsigned)strtoul(p + strlen("<td class=\"num\"><a href=\"#conn-"), NULL, 10);
        assert_true(id >= 1 && id <= SHOWN);
        linked++;
    }
    assert_int_equal(sections, SHOWN);
    assert_int_equal(linked, SHOWN);
    free(html);
}

/* A report path that cannot be written is said before anything is read;
 * a stream given up leaves the target as it was and no temporary file. */
static void test_open_early(void **state)
{
    (void)state;
    char err[512], dir[] = "/tmp/rdpt-early-XXXXXX", xp[128];
    report_outputs bad = { "/nonexistent-dir/r.xml", NULL, NULL, false };
    report_stream *s = report_stream_new(&bad);
    assert_non_null(s);
    assert_int_equal(report_stream_open(s, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent-dir/r.xml"));
    report_stream_free(s);

    assert_non_null(mkdtemp(dir));
    snprintf(xp, sizeof xp, "%s/r.xml", dir);
    report_outputs good = { xp, NULL, NULL, false };
    s = report_stream_new(&good);
    assert_int_equal(report_stream_open(s, err, sizeof err), 0);
    report_stream_free(s); /* never finished */
    assert_int_equal(rmdir(dir), 0); /* empty: no report, no temporary file */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retry_sentence_reaches_a_freed_connection),
        cmocka_unit_test(test_redirection_follow_up_reaches_a_freed_connection),
        cmocka_unit_test(test_single_connections),
        cmocka_unit_test(test_open_early),
        cmocka_unit_test(test_sections_of_the_first_connections_whatever_the_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

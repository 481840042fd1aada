/* stream_fixture.h - what the tests of streamed reports share
 * (test_report_stream.c, test_threads.c): the analysis callbacks that hand
 * each connection and retry sentence to a report_stream, and reading a
 * report file back. Static: every test is its own executable. */
#ifndef RDPT_TEST_STREAM_FIXTURE_H
#define RDPT_TEST_STREAM_FIXTURE_H

#include "analysis.h"
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct {
    const analysis *a;
    report_stream *s;
    bool stream;     /* write each connection as it is reported (else: kept, written after) */
} sink;

static void on_conn(void *ctx, const connection *c)
{
    sink *k = ctx;
    if (k->stream)
        report_stream_connection(k->s, k->a, c);
}

static void on_note(void *ctx, uint32_t first, const char *sentence)
{
    sink *k = ctx;
    report_stream_retry_note(k->s, first, sentence);
}

/* The whole file, NUL-terminated (caller frees); its length in *len if not NULL. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return b;
}

/* The three reports of one run, NUL-terminated (free with stream_reports_free). */
typedef struct {
    char *xml, *html, *text;
    size_t lx, lh, lt;
} stream_reports;

/* Analyses the capture at path with every report streamed as connections
 * are retired, or (keep) with every connection kept and written after the
 * capture is read; threads as analysis.h's setting. *a is left for the
 * caller to look at, then analysis_free(). */
static void stream_run(const char *path, bool keep, bool threads, analysis *a, stream_reports *r)
{
    char xp[64], hp[64], tp[64], err[512];
    snprintf(xp, sizeof xp, "/tmp/rdpt-fixture-%d.xml", (int)getpid());
    snprintf(hp, sizeof hp, "/tmp/rdpt-fixture-%d.html", (int)getpid());
    snprintf(tp, sizeof tp, "/tmp/rdpt-fixture-%d.txt", (int)getpid());
    FILE *tf = fopen(tp, "w");
    assert_non_null(tf);
    analysis_init(a);
    a->keep_connections = keep;
    a->threads = threads;
    report_outputs o = { xp, hp, tf, false };
    sink k = { a, report_stream_new(&o), !keep };
    assert_non_null(k.s);
    a->on_connection = on_conn;
    a->on_connection_ctx = &k;
    a->on_retry_note = on_note;
    capture_source *src = capture_open_file(path, NULL, err, sizeof err);
    assert_non_null(src);
    assert_true(analysis_read(a, src, path, false));
    capture_close(src);
    if (keep) {
        assert_non_null(a->first);
        for (const connection *c = a->first; c; c = c->order_next)
            report_stream_connection(k.s, a, c);
    } else {
        assert_null(a->first); /* nothing kept: every connection was freed */
    }
    assert_int_equal(report_stream_xml(k.s, a, err, sizeof err), 0);
    assert_int_equal(report_stream_html(k.s, a, err, sizeof err), 0);
    report_stream_text(k.s);
    fclose(tf);
    report_stream_free(k.s);
    r->xml = slurp(xp, &r->lx);
    r->html = slurp(hp, &r->lh);
    r->text = slurp(tp, &r->lt);
    unlink(xp);
    unlink(hp);
    unlink(tp);
}

static void stream_reports_free(stream_reports *r)
{
    free(r->xml);
    free(r->html);
    free(r->text);
}

#endif

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

#endif

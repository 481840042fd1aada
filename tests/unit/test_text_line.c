/* test_text_line.c - text_line_print() writes the bytes the printf version
 * wrote (kept here as the reference): right-aligned ids, padded cells, cells
 * longer than their column or than 71 bytes, colours, an extra sentence with
 * control characters, a summary of 2,000 bytes, malformed field lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "atomic.h"
#include "report_parts.h"
#include "textfmt.h"

#define RED "\033[31m"
#define GREEN "\033[32m"
#define RESET "\033[0m"

static void ref_cell(FILE *out, const char *s, int width, const char *colour)
{
    if (colour)
        fprintf(out, "%s%s%s", colour, s, RESET);
    else
        fputs(s, out);
    int pad = width - (int)strlen(s);
    fprintf(out, "%*s", pad > 0 ? pad : 0, "");
}

/* text_line_print as it was, with fprintf. */
static void ref_line(FILE *out, bool color, const text_widths *w, const char *fields,
                     const char *extra)
{
    const char *f[7];
    size_t fl[7];
    const char *p = fields;
    for (int i = 0; i < 7; i++) {
        const char *tab = i < 6 ? strchr(p, '\t') : NULL;
        f[i] = p;
        fl[i] = tab ? (size_t)(tab - p) : strlen(p);
        if (i < 6 && !tab)
            return;
        p = tab ? tab + 1 : p;
    }
    char cell[5][72];
    for (int i = 0; i < 5; i++)
        snprintf(cell[i], sizeof cell[i], "%.*s", (int)fl[i], f[i]);
    bool fail = fl[5] == 1 && f[5][0] == 'F';
    const char *colour = color ? (fail ? RED : GREEN) : NULL;
    fprintf(out, "%*s  ", w->id, cell[0]);
    ref_cell(out, cell[1], w->client + 2, NULL);
    ref_cell(out, cell[2], w->server + 2, NULL);
    ref_cell(out, cell[3], w->phase + 2, colour);
    ref_cell(out, cell[4], w->cause + 2, colour);
    fwrite(f[6], 1, fl[6], out);
    if (extra && extra[0]) {
        char clean[2100];
        atomic_text_clean(extra, clean, sizeof clean);
        fprintf(out, "%s%s", fl[6] ? " " : "", clean);
    }
    fputc('\n', out);
}

static void same(bool color, const text_widths *w, const char *fields, const char *extra)
{
    char *a = NULL, *b = NULL;
    size_t an = 0, bn = 0;
    FILE *fa = open_memstream(&a, &an), *fb = open_memstream(&b, &bn);
    assert_non_null(fa);
    assert_non_null(fb);
    ref_line(fa, color, w, fields, extra);
    text_line_print(fb, color, w, fields, extra);
    fclose(fa);
    fclose(fb);
    assert_int_equal(bn, an);
    assert_memory_equal(b, a, an);
    free(a);
    free(b);
}

static void test_lines(void **state)
{
    (void)state;
    text_widths w;
    text_widths_init(&w);
    const char *plain = "7\t10.0.0.1:50000\t10.0.0.2:3389\ttls\tcert_expired\tF\tThe certificate expired.";
    for (int color = 0; color < 2; color++) {
        same(color, &w, plain, NULL);
        same(color, &w, plain, "");
        same(color, &w, plain, "Retry chain: connection 3 failed.");
        same(color, &w, plain, "bad \x1b[31m and \t tab");
        same(color, &w, "1\ta\tb\tnone\tsuccess\tS\t", "after an empty summary");
        same(color, &w, "1\ta\tb\tnone\tsuccess\tS\t", NULL);
    }
    /* Wider columns, and cells longer than them. */
    w.id = 6;
    w.client = 30;
    w.server = 4;
    w.phase = 8;
    w.cause = 3;
    same(false, &w, plain, "x");
    same(true, &w, plain, "x");
    /* Cells past 71 bytes are cut there; a long summary and extra pass whole. */
    char big[6000];
    char cell[200];
    memset(cell, 'c', sizeof cell - 1);
    cell[sizeof cell - 1] = '\0';
    char summary[2001];
    memset(summary, 's', sizeof summary - 1);
    summary[sizeof summary - 1] = '\0';
    char extra[1500];
    memset(extra, 'e', sizeof extra - 1);
    extra[sizeof extra - 1] = '\0';
    snprintf(big, sizeof big, "%s\t%s\t%s\t%s\t%s\tF\t%s", cell, cell, cell, cell, cell, summary);
    same(false, &w, big, extra);
    same(true, &w, big, extra);
    w.client = 100; /* padding longer than any one run of spaces */
    same(false, &w, plain, NULL);
    /* Not our field list: nothing either way. */
    same(false, &w, "1\t2\t3", "x");
    same(false, &w, "", NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_lines) };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* text.c - the terminal summary: one aligned line per connection, then the
 * count. Every string passes atomic_text_clean() on its way out, so nothing
 * from a capture can reach the terminal as an escape sequence; the only
 * escape sequences are our own colours, and only when asked for.
 */
#include "report.h"
#include "textfmt.h"
#include "report_parts.h"

#include "atomic.h"
#include "verdict.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define TEXT_RED "\033[31m"
#define TEXT_GREEN "\033[32m"
#define TEXT_BOLD "\033[1m"
#define TEXT_RESET "\033[0m"

/* Model summaries are at most 512 bytes; cleaning may grow a byte to 4. */
#define TEXT_CLEAN_MAX 2100

static int text_max(int a, size_t b) { return (size_t)a >= b ? a : (int)b; }

/* A line is put together here and written with one fwrite: six fprintf
 * calls a line were most of printing 100,000 lines. Bytes as before. */
typedef struct {
    FILE *out;
    size_t n;
    char buf[4096];
} line_out;

static void line_flush(line_out *l)
{
    fwrite(l->buf, 1, l->n, l->out);
    l->n = 0;
}

static void line_put(line_out *l, const char *s, size_t n)
{
    while (n > 0) {
        if (l->n == sizeof l->buf)
            line_flush(l);
        size_t k = sizeof l->buf - l->n < n ? sizeof l->buf - l->n : n;
        memcpy(l->buf + l->n, s, k);
        l->n += k;
        s += k;
        n -= k;
    }
}

static void line_pad(line_out *l, int n)
{
    static const char spaces[] = "                                ";
    while (n > 0) {
        int k = n < (int)sizeof spaces - 1 ? n : (int)sizeof spaces - 1;
        line_put(l, spaces, (size_t)k);
        n -= k;
    }
}

/* s left-aligned in width columns, optionally in colour. The padding goes
 * after the reset so the columns line up whether colour is on or not. */
static void line_cell(line_out *l, const char *s, size_t len, int width, const char *colour)
{
    if (colour)
        line_put(l, colour, strlen(colour));
    line_put(l, s, len);
    if (colour)
        line_put(l, TEXT_RESET, strlen(TEXT_RESET));
    line_pad(l, width - (int)len);
}

/* One cell on its own (headers, totals, live lines). */
static void text_cell(FILE *out, const char *s, int width, const char *colour)
{
    line_out l;
    l.out = out;
    l.n = 0;
    line_cell(&l, s, strlen(s), width, colour);
    line_flush(&l);
}

void text_widths_init(text_widths *w)
{
    w->id = (int)strlen("ID");
    w->client = (int)strlen("CLIENT");
    w->server = (int)strlen("SERVER");
    w->phase = (int)strlen("PHASE");
    w->cause = (int)strlen("CAUSE");
}

size_t text_line_fields(const connection *c, text_widths *w, char *buf, size_t buflen)
{
    char id[16], client[64], server[64], summary[TEXT_CLEAN_MAX];
    text_fmt(id, sizeof id, "%" PRIu32, c->id);
    text_endpoint(&c->client, c->client_port, client, sizeof client);
    text_endpoint(&c->server, c->server_port, server, sizeof server);
    /* Cleaning turns every control character (a tab too) into \xNN: the
     * tabs below stay the only separators. */
    atomic_text_clean(c->v.summary, summary, sizeof summary);
    const char *phase = verdict_phase_name(c->v.phase), *cause = verdict_cause_name(c->v.cause);
    w->id = text_max(w->id, strlen(id));
    w->client = text_max(w->client, strlen(client));
    w->server = text_max(w->server, strlen(server));
    w->phase = text_max(w->phase, strlen(phase));
    w->cause = text_max(w->cause, strlen(cause));
    int n = text_fmt(buf, buflen, "%s\t%s\t%s\t%s\t%s\t%c\t%s", id, client, server, phase, cause,
                     verdict_is_failure(&c->v) ? 'F' : 'S', summary);
    if (n < 0)
        return 0;
    return (size_t)n < buflen ? (size_t)n : buflen - 1;
}

void text_header_print(FILE *out, bool color, const text_widths *w)
{
    const char *hdr = color ? TEXT_BOLD : NULL;
    text_cell(out, "ID", w->id + 2, hdr);
    text_cell(out, "CLIENT", w->client + 2, hdr);
    text_cell(out, "SERVER", w->server + 2, hdr);
    text_cell(out, "PHASE", w->phase + 2, hdr);
    text_cell(out, "CAUSE", w->cause + 2, hdr);
    text_cell(out, "SUMMARY", 0, hdr);
    fputc('\n', out);
}

void text_line_print(FILE *out, bool color, const text_widths *w, const char *fields,
                     const char *extra)
{
    /* The fields of text_line_fields, in order. */
    const char *f[7];
    size_t fl[7];
    const char *p = fields;
    for (int i = 0; i < 7; i++) {
        const char *tab = i < 6 ? strchr(p, '\t') : NULL;
        f[i] = p;
        fl[i] = tab ? (size_t)(tab - p) : strlen(p);
        if (i < 6 && !tab) /* not ours: print nothing rather than guess */
            return;
        p = tab ? tab + 1 : p;
    }
    size_t cell[5];
    for (int i = 0; i < 5; i++) /* as they were cut to 71 bytes */
        cell[i] = fl[i] < 71 ? fl[i] : 71;
    bool fail = fl[5] == 1 && f[5][0] == 'F';
    const char *colour = color ? (fail ? TEXT_RED : TEXT_GREEN) : NULL;
    line_out l;
    l.out = out;
    l.n = 0;
    /* Ids are right-aligned, like numbers in any table. */
    line_pad(&l, w->id - (int)cell[0]);
    line_put(&l, f[0], cell[0]);
    line_put(&l, "  ", 2);
    line_cell(&l, f[1], cell[1], w->client + 2, NULL);
    line_cell(&l, f[2], cell[2], w->server + 2, NULL);
    line_cell(&l, f[3], cell[3], w->phase + 2, colour);
    line_cell(&l, f[4], cell[4], w->cause + 2, colour);
    line_put(&l, f[6], fl[6]);
    if (extra && extra[0]) {
        char clean[TEXT_CLEAN_MAX];
        atomic_text_clean(extra, clean, sizeof clean);
        if (fl[6])
            line_put(&l, " ", 1);
        line_put(&l, clean, strlen(clean));
    }
    line_put(&l, "\n", 1);
    line_flush(&l);
}

void text_total_print(FILE *out, bool color, uint64_t n, uint64_t failed)
{
    char buf[64];
    const char *total = color ? (failed ? TEXT_RED : TEXT_GREEN) : NULL;
    text_fmt(buf, sizeof buf, "%" PRIu64 " failed", failed);
    fprintf(out, "%" PRIu64 " connection%s, ", n, n == 1 ? "" : "s");
    text_cell(out, buf, 0, n ? total : NULL);
    fputc('\n', out);
}

void report_text_connection(const connection *c, FILE *out, bool color)
{
    /* Live mode: widths are not known in advance, so fixed ones that fit
     * IPv4 endpoints and every phase and cause name. */
    bool fail = verdict_is_failure(&c->v);
    const char *colour = color ? (fail ? TEXT_RED : TEXT_GREEN) : NULL;
    char buf[64];
    fprintf(out, "%6" PRIu32 "  ", c->id);
    text_endpoint(&c->client, c->client_port, buf, sizeof buf);
    text_cell(out, buf, 23, NULL);
    text_endpoint(&c->server, c->server_port, buf, sizeof buf);
    text_cell(out, buf, 23, NULL);
    text_cell(out, verdict_phase_name(c->v.phase), 12, colour);
    text_cell(out, verdict_cause_name(c->v.cause), 28, colour);
    char summary[TEXT_CLEAN_MAX];
    atomic_text_clean(c->v.summary, summary, sizeof summary);
    fputs(summary, out);
    fputc('\n', out);
    fflush(out);
}

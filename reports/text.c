/* text.c - the terminal summary: one aligned line per connection, then the
 * count. Every string passes atomic_text_clean() on its way out, so nothing
 * from a capture can reach the terminal as an escape sequence; the only
 * escape sequences are our own colours, and only when asked for.
 */
#include "report.h"

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

typedef struct {
    int id, client, server, phase, cause;
} text_widths;

static int text_max(int a, size_t b) { return (size_t)a >= b ? a : (int)b; }

/* Prints s left-aligned in width columns, optionally in colour. The padding
 * goes after the reset so the columns line up whether colour is on or not. */
static void text_cell(FILE *out, const char *s, int width, const char *colour)
{
    if (colour)
        fprintf(out, "%s%s%s", colour, s, TEXT_RESET);
    else
        fputs(s, out);
    int pad = width - (int)strlen(s);
    fprintf(out, "%*s", pad > 0 ? pad : 0, "");
}

void report_text(const analysis *a, FILE *out, bool color)
{
    text_widths w = { (int)strlen("ID"), (int)strlen("CLIENT"), (int)strlen("SERVER"),
                      (int)strlen("PHASE"), (int)strlen("CAUSE") };
    uint64_t n = 0, failed = 0;
    char buf[64];
    for (const connection *c = a->first; c; c = c->order_next) {
        n++;
        failed += verdict_is_failure(&c->v) ? 1 : 0;
        rt_fmt(buf, sizeof buf, "%" PRIu32, c->id);
        w.id = text_max(w.id, strlen(buf));
        rt_endpoint_str(&c->client, c->client_port, buf, sizeof buf);
        w.client = text_max(w.client, strlen(buf));
        rt_endpoint_str(&c->server, c->server_port, buf, sizeof buf);
        w.server = text_max(w.server, strlen(buf));
        w.phase = text_max(w.phase, strlen(verdict_phase_name(c->v.phase)));
        w.cause = text_max(w.cause, strlen(verdict_cause_name(c->v.cause)));
    }

    if (n > 0) {
        const char *hdr = color ? TEXT_BOLD : NULL;
        text_cell(out, "ID", w.id + 2, hdr);
        text_cell(out, "CLIENT", w.client + 2, hdr);
        text_cell(out, "SERVER", w.server + 2, hdr);
        text_cell(out, "PHASE", w.phase + 2, hdr);
        text_cell(out, "CAUSE", w.cause + 2, hdr);
        text_cell(out, "SUMMARY", 0, hdr);
        fputc('\n', out);
    }

    for (const connection *c = a->first; c; c = c->order_next) {
        bool fail = verdict_is_failure(&c->v);
        const char *colour = color ? (fail ? TEXT_RED : TEXT_GREEN) : NULL;
        /* Ids are right-aligned, like numbers in any table. */
        fprintf(out, "%*" PRIu32 "  ", w.id, c->id);
        rt_endpoint_str(&c->client, c->client_port, buf, sizeof buf);
        text_cell(out, buf, w.client + 2, NULL);
        rt_endpoint_str(&c->server, c->server_port, buf, sizeof buf);
        text_cell(out, buf, w.server + 2, NULL);
        text_cell(out, verdict_phase_name(c->v.phase), w.phase + 2, colour);
        text_cell(out, verdict_cause_name(c->v.cause), w.cause + 2, colour);
        char summary[TEXT_CLEAN_MAX];
        atomic_text_clean(c->v.summary, summary, sizeof summary);
        fputs(summary, out);
        fputc('\n', out);
    }

    const char *total = color ? (failed ? TEXT_RED : TEXT_GREEN) : NULL;
    rt_fmt(buf, sizeof buf, "%" PRIu64 " failed", failed);
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
    rt_endpoint_str(&c->client, c->client_port, buf, sizeof buf);
    text_cell(out, buf, 23, NULL);
    rt_endpoint_str(&c->server, c->server_port, buf, sizeof buf);
    text_cell(out, buf, 23, NULL);
    text_cell(out, verdict_phase_name(c->v.phase), 12, colour);
    text_cell(out, verdict_cause_name(c->v.cause), 28, colour);
    char summary[TEXT_CLEAN_MAX];
    atomic_text_clean(c->v.summary, summary, sizeof summary);
    fputs(summary, out);
    fputc('\n', out);
    fflush(out);
}

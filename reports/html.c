/* html.c - the HTML report: one self-contained page (inline CSS, inline SVG,
 * no script, nothing fetched from elsewhere) that a support engineer can
 * attach to a ticket or print to PDF.
 *
 * The page is an HTML document tree built with libxml2 and serialized by
 * libxml2. Every string from the model is added as a text node or an
 * attribute value, never as markup, so a hostile cookie ("<script>"), client
 * name or file name is escaped by construction; atomic_text_clean() removes
 * control characters on top. The only markup written as text is constant:
 * the style sheet below, the page's outer tags and the links to later retries
 * (html_related_later), which hold nothing but numbers.
 */
#include "report.h"
#include "textfmt.h"
#include "report_parts.h"

#include "atomic.h"
#include "html_build.h"
#include "html_tls.h"
#include "report_rdp.h"
#include "timeline.h"
#include "verdict.h"
#include "x224.h"
#include "html_reset.h"

#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Model strings are at most 512 bytes; cleaning may grow a byte to 4. */
#define HTML_CLEAN_MAX 4096
/* A page for people, which a browser must still open: the table lists the
 * first HTML_MAX_ROWS connections (failures first) and the first
 * HTML_MAX_DETAILS of them get a detail section; the page says what it left
 * out, and the XML report has everything. */
#define HTML_MAX_ROWS 5000
#define HTML_MAX_DETAILS 1000
/* Ladder diagram: all events up to this many, else the head, the tail and
 * the verdict's key packet. */
#define LADDER_MAX_ROWS 60
#define LADDER_HEAD 40
#define LADDER_TAIL 15

/* Constant; it must never contain '<' or '&' (style content is raw text). */
static const char html_css[] =
    "body{font-family:-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;"
    "color:#222;background:#fff;max-width:1100px;margin:0 auto;padding:1.5em 2em;"
    "line-height:1.45;font-size:15px}\n"
    "h1{font-size:1.6em;margin:0 0 .2em}\n"
    "h2{font-size:1.3em;margin:1.6em 0 .5em;padding-bottom:.2em;border-bottom:1px solid #ddd}\n"
    "h3{font-size:1.05em;margin:1.2em 0 .4em;color:#333}\n"
    "p.lead{font-size:1.1em;margin:.2em 0 1em}\n"
    "table{border-collapse:collapse;margin:.4em 0 1em}\n"
    "th,td{text-align:left;vertical-align:top;padding:.3em .6em;border-bottom:1px solid #e4e4e4}\n"
    /* the text column may hold long unbroken names (flag lists, hashes) */
    "td:last-child{overflow-wrap:anywhere}\n"
    "th{background:#f4f5f7;font-weight:600}\n"
    "table.kv th{background:none;width:12em;color:#555;font-weight:normal}\n"
    "table.list{width:100%}\n"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    "tr.fail td.cause{color:#a61b1b;font-weight:600}\n"
    "tr.ok td.cause{color:#1e6b34}\n"
    "code{font-family:Consolas,'DejaVu Sans Mono',Menlo,monospace;font-size:.92em;"
    "background:#f4f5f7;padding:.1em .3em;border-radius:3px;word-break:break-all}\n"
    ".badge{display:inline-block;font-size:.75em;font-weight:600;padding:.1em .6em;"
    "border-radius:1em;margin-left:.6em;vertical-align:middle}\n"
    ".badge.fail{background:#fbe3e3;color:#8a1414}\n"
    ".badge.ok{background:#e2f3e6;color:#1e6b34}\n"
    ".verdict{border-left:4px solid #999;background:#fafafa;padding:.6em 1em;margin:.6em 0}\n"
    ".verdict.fail{border-left-color:#c0392b}\n"
    ".verdict.ok{border-left-color:#2e8b57}\n"
    ".verdict p{margin:.2em 0}\n"
    ".title{font-weight:600;font-size:1.05em}\n"
    ".muted{color:#666}\n"
    ".note{background:#fff8e1;border-left:4px solid #e0b000;padding:.4em 1em}\n"
    ".remedy{background:#eef5fb;border-left:4px solid #2b6ca3;padding:.5em 1em}\n"
    "section.conn{margin-top:2.5em}\n"
    "svg.ladder{max-width:100%;height:auto;border:1px solid #eee;background:#fff}\n"
    "svg.ladder text{font-family:inherit}\n"
    "ul.problems li{margin:.2em 0}\n"
    "footer{margin-top:3em;font-size:.85em;color:#666;border-top:1px solid #ddd;padding-top:.5em}\n"
    "td.time{white-space:nowrap}\n"
    /* Print (PDF for a ticket): each connection starts a page; long tables may break between
     * rows (header repeated), small blocks may not; a ladder taller than a page is scaled down
     * to fit one rather than cut. Colours are kept (print-color-adjust). */
    "@media print{@page{margin:12mm}"
    "body{max-width:none;padding:0;font-size:10pt;-webkit-print-color-adjust:exact;"
    "print-color-adjust:exact}"
    "a{color:inherit;text-decoration:none}"
    "h2,h3{break-after:avoid;page-break-after:avoid}"
    "table.kv,tr,svg,.verdict,.remedy,.note{break-inside:avoid;page-break-inside:avoid}"
    "thead{display:table-header-group}"
    "svg.ladder{width:auto;height:auto;max-width:100%;max-height:235mm;border:none}"
    "section.conn{break-before:page;page-break-before:always}"
    "code{background:none;padding:0}"
    "th{background:#eee}}\n";

/* ------------------------------------------------------------ formatting */

static void fmt_time(rt_time t, char *buf, size_t buflen)
{
    if (t.nsec >= 1000000000u) {   /* hostile fraction: keep it in range */
        int64_t carry = t.nsec / 1000000000u;
        t.nsec %= 1000000000u;
        if (t.sec <= INT64_MAX - carry)
            t.sec += carry;
    }
    rt_time_iso(t, buf, buflen);
}

/* 1234567 -> "1,234,567" */
static void fmt_count(uint64_t v, char *buf, size_t buflen)
{
    char digits[32];
    rt_fmt(digits, sizeof digits, "%" PRIu64, v);
    size_t n = strlen(digits), o = 0;
    for (size_t i = 0; i < n && o + 2 < buflen; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    if (buflen)
        buf[o < buflen ? o : buflen - 1] = '\0';
}

static void fmt_duration(int64_t us, char *buf, size_t buflen)
{
    if (us < 0)
        us = 0;
    if (us < 1000)
        rt_fmt(buf, buflen, "%" PRId64 " \xC2\xB5s", us);
    else if (us < 1000000)
        rt_fmt(buf, buflen, "%.1f ms", (double)us / 1e3);
    else if (us < 60 * 1000000LL)
        rt_fmt(buf, buflen, "%.2f s", (double)us / 1e6);
    else if (us < 3600 * 1000000LL)
        rt_fmt(buf, buflen, "%" PRId64 " min %" PRId64 " s", us / 60000000, us / 1000000 % 60);
    else
        rt_fmt(buf, buflen, "%" PRId64 " h %" PRId64 " min", us / INT64_C(3600000000),
               us / 60000000 % 60);
}

/* "+12.345 ms" relative to the start of the connection */
static void fmt_offset(int64_t us, char *buf, size_t buflen)
{
    if (us < 0)
        us = 0;
    if (us < 1000000)
        rt_fmt(buf, buflen, "+%.3f ms", (double)us / 1e3);
    else
        rt_fmt(buf, buflen, "+%.3f s", (double)us / 1e6);
}

static const char *confidence_words(verdict_confidence c)
{
    switch (c) {
    case CONF_HIGH: return "high: the protocol says so";
    case CONF_MEDIUM: return "medium: a strong inference from facts visible in the clear";
    default: return "low: an inference from the sizes and timing of encrypted data";
    }
}

static void conn_anchor(const connection *c, char *buf, size_t buflen)
{
    rt_fmt(buf, buflen, "conn-%" PRIu32, c->id);
}

/* ------------------------------------------------------------ summary */

static xmlNodePtr html_summary(html_writer *w, xmlNodePtr body, const analysis *a,
                               const report_totals *tot)
{
    char b1[64], b2[64], b3[64];
    xmlNodePtr sec = h_el(w, body, "section", NULL);
    h_attr(w, sec, "id", "summary");
    h_el_text(w, sec, "h2", NULL, "Capture");
    xmlNodePtr kv = h_el(w, sec, "table", "kv");

    unsigned ni = a->n_inputs < ANALYSIS_MAX_INPUTS ? a->n_inputs : ANALYSIS_MAX_INPUTS;
    xmlNodePtr td = h_kv(w, kv, ni == 1 ? "Input" : "Inputs");
    uint64_t packets = 0, relevant = 0;
    bool any_time = false;
    rt_time first = { 0, 0 }, last = { 0, 0 };
    for (unsigned i = 0; i < ni; i++) {
        const analysis_input *in = &a->inputs[i];
        xmlNodePtr p = h_el(w, td, "div", NULL);
        if (ni > 1)
            h_textf(w, p, "%u. ", i + 1);
        h_el_text(w, p, "code", NULL, in->name);
        fmt_count(in->packets, b1, sizeof b1);
        fmt_count(in->bytes, b2, sizeof b2);
        h_textf(w, p, " \xE2\x80\x94 %s%s%s, %s packets, %s bytes", in->live ? "live capture" : "file",
                in->linktype[0] ? ", " : "", in->linktype, b1, b2);
        packets += in->packets;
        relevant += in->relevant;
        if (in->packets > 0) {
            if (!any_time || rt_time_cmp(in->first, first) < 0)
                first = in->first;
            if (!any_time || rt_time_cmp(in->last, last) > 0)
                last = in->last;
            any_time = true;
        }
    }
    if (ni == 0)
        h_text(w, td, "none");
    if (any_time) {
        td = h_kv(w, kv, "Time span");
        fmt_time(first, b1, sizeof b1);
        fmt_time(last, b2, sizeof b2);
        fmt_duration(rt_time_diff_us(last, first), b3, sizeof b3);
        h_textf(w, td, "%s to %s (%s, UTC)", b1, b2, b3);
    }
    td = h_kv(w, kv, "Packets");
    fmt_count(packets, b1, sizeof b1);
    fmt_count(relevant, b2, sizeof b2);
    h_textf(w, td, "%s read, %s of them on a Remote Desktop port", b1, b2);
    td = h_kv(w, kv, "Connections");
    h_textf(w, td, "%" PRIu64 ", of which %" PRIu64 " failed", tot->connections, tot->failures);

    /* Failures by cause, most frequent first. */
    if (tot->failures > 0) {
        uint64_t count[CAUSE_COUNT] = { 0 };
        for (size_t c = 0; c < CAUSE_COUNT; c++)
            if (c != CAUSE_SUCCESS)
                count[c] = tot->by_cause[c];
        h_el_text(w, sec, "h3", NULL, "Failures by cause");
        xmlNodePtr t = h_el(w, sec, "table", NULL);
        xmlNodePtr tr = h_el(w, t, "tr", NULL);
        h_el_text(w, tr, "th", NULL, "Cause");
        h_el_text(w, tr, "th", NULL, "What it means");
        h_el_text(w, tr, "th", "num", "Connections");
        for (;;) {
            size_t best = CAUSE_COUNT;
            for (size_t c = 0; c < CAUSE_COUNT; c++)
                if (count[c] && (best == CAUSE_COUNT || count[c] > count[best]))
                    best = c;
            if (best == CAUSE_COUNT)
                break;
            tr = h_el(w, t, "tr", NULL);
            h_el_text(w, h_el(w, tr, "td", NULL), "code", NULL,
                      verdict_cause_name((verdict_cause)best));
            h_el_text(w, tr, "td", NULL, verdict_cause_title((verdict_cause)best));
            h_textf(w, h_el(w, tr, "td", "num"), "%" PRIu64, count[best]);
            count[best] = 0;
        }
    }

    /* Anything that makes the capture less than complete. */
    h_el_text(w, sec, "h3", NULL, "Capture problems");
    xmlNodePtr ul = h_el(w, sec, "ul", "problems");
    unsigned problems = 0;
    for (unsigned i = 0; i < ni; i++) {
        const analysis_input *in = &a->inputs[i];
        if (!in->opened) {
            xmlNodePtr li = h_el(w, ul, "li", NULL);
            h_textf(w, li, "%s could not be opened", in->name);
            if (in->error[0])
                h_textf(w, li, ": %s", in->error);
            problems++;
        } else if (in->read_error) {
            xmlNodePtr li = h_el(w, ul, "li", NULL);
            h_textf(w, li, "Reading %s stopped before its end", in->name);
            if (in->error[0])
                h_textf(w, li, ": %s", in->error);
            h_text(w, li, ". The packets before that point were analyzed.");
            problems++;
        }
        if (in->snaplen_cut) {
            fmt_count(in->snaplen_cut, b1, sizeof b1);
            h_textf(w, h_el(w, ul, "li", NULL),
                    "%s: %s packets were captured shorter than they were on the wire (snaplen); "
                    "capture with the full packet length (tcpdump -s 0).", in->name, b1);
            problems++;
        }
        if (in->undecodable) {
            fmt_count(in->undecodable, b1, sizeof b1);
            h_textf(w, h_el(w, ul, "li", NULL),
                    "%s: %s packets on a Remote Desktop port could not be decoded.", in->name, b1);
            problems++;
        }
        if (in->stats.valid && (in->stats.dropped || in->stats.if_dropped)) {
            fmt_count(in->stats.dropped, b1, sizeof b1);
            fmt_count(in->stats.if_dropped, b2, sizeof b2);
            h_textf(w, h_el(w, ul, "li", NULL),
                    "%s: the system dropped %s packets (and the interface %s) during the live "
                    "capture; the capture misses traffic.", in->name, b1, b2);
            problems++;
        }
    }
    uint64_t gap_conns = tot->gap_connections, gap_bytes = tot->gap_bytes, gaps = tot->gaps;
    uint64_t tl_dropped = tot->timeline_shortened;
    if (gaps) {
        fmt_count(gap_bytes, b1, sizeof b1);
        h_textf(w, h_el(w, ul, "li", NULL),
                "%" PRIu64 " connection%s lost data in the capture (%" PRIu64 " gap%s, %s bytes "
                "never captured): the capture point dropped packets.", gap_conns,
                gap_conns == 1 ? "" : "s", gaps, gaps == 1 ? "" : "s", b1);
        problems++;
    }
    if (a->connection_cap_reached) {
        fmt_count(a->connections_not_tracked, b1, sizeof b1);
        h_textf(w, h_el(w, ul, "li", NULL),
                "The limit on connections was reached: %s further connection attempts were not "
                "followed.", b1);
        problems++;
    }
    if (tl_dropped) {
        h_textf(w, h_el(w, ul, "li", NULL),
                "%" PRIu64 " connection%s had more events than are kept; their timelines are "
                "shortened (the end is always kept).", tl_dropped, tl_dropped == 1 ? "" : "s");
        problems++;
    }
    unsigned nm = a->n_messages < ANALYSIS_MAX_MESSAGES ? a->n_messages : ANALYSIS_MAX_MESSAGES;
    for (unsigned i = 0; i < nm; i++) {
        xmlNodePtr li = h_el(w, ul, "li", NULL);
        h_el_text(w, li, "strong", NULL, a->messages[i].level == MSG_ERROR ? "Error: " : "Warning: ");
        h_text(w, li, a->messages[i].text);
        problems++;
    }
    if (a->messages_dropped) {
        h_textf(w, h_el(w, ul, "li", NULL), "%u further messages were not kept.",
                a->messages_dropped);
        problems++;
    }
    if (problems == 0)
        h_el_text(w, ul, "li", NULL, "None: every packet was read and no data was missing.");
    return sec;
}

static xmlNodePtr html_table(html_writer *w, xmlNodePtr body, const analysis *a,
                             const report_totals *t, const report_row *rows, size_t n_rows)
{
    char anchor[32];
    xmlNodePtr sec = h_el(w, body, "section", NULL);
    h_attr(w, sec, "id", "connections");
    h_el_text(w, sec, "h2", NULL, "Connections");
    if (t->connections == 0) {
        h_el_text(w, sec, "p", NULL, "No Remote Desktop connection was found in the capture.");
        return sec;
    }
    h_el_text(w, sec, "p", "muted", "Failed connections first, then in the order they started.");
    xmlNodePtr tbl = h_el(w, sec, "table", "list");
    h_attr(w, tbl, "id", "connection-table");
    xmlNodePtr tr = h_el(w, h_el(w, tbl, "thead", NULL), "tr", NULL);
    const char *heads[] = { "#", "Client", "Server", "Phase", "Cause", "Confidence", "Summary" };
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        h_el_text(w, tr, "th", i == 0 ? "num" : NULL, heads[i]);
        if (i == 0 && a->n_inputs > 1)   /* the number in the Capture section's list of inputs */
            h_el_text(w, tr, "th", "num", "File");
    }
    xmlNodePtr tb = h_el(w, tbl, "tbody", NULL);
    size_t failed_listed = 0;
    for (size_t i = 0; i < n_rows; i++) {
        const report_row *r = &rows[i];
        failed_listed += r->failed;
        tr = h_el(w, tb, "tr", r->failed ? "fail" : "ok");
        h_attrf(w, tr, "data-id", "%" PRIu32, r->id);
        xmlNodePtr td = h_el(w, tr, "td", "num");
        if (r->has_detail) {
            rt_fmt(anchor, sizeof anchor, "conn-%" PRIu32, r->id);
            xmlNodePtr link = h_el(w, td, "a", NULL);
            h_attrf(w, link, "href", "#%s", anchor);
            h_textf(w, link, "%" PRIu32, r->id);
        } else {
            h_textf(w, td, "%" PRIu32, r->id);
        }
        if (a->n_inputs > 1)
            h_textf(w, h_el(w, tr, "td", "num"), "%u", r->capture_index + 1);
        h_el_text(w, tr, "td", NULL, r->client);
        h_el_text(w, tr, "td", NULL, r->server);
        h_el_text(w, tr, "td", "phase", verdict_phase_name(r->phase));
        h_el_text(w, tr, "td", "cause", verdict_cause_name(r->cause));
        h_el_text(w, tr, "td", NULL, verdict_confidence_name(r->confidence));
        h_el_text(w, tr, "td", NULL, r->summary ? r->summary : "");
    }
    if (t->connections > n_rows) {
        uint64_t failed_left = t->failures > failed_listed ? t->failures - failed_listed : 0;
        h_textf(w, h_el(w, sec, "p", "note"),
                "%" PRIu64 " further connections (%" PRIu64 " of them failed) are not listed "
                "here; the XML report describes all %" PRIu64 ".", t->connections - n_rows,
                failed_left, t->connections);
    }
    if (t->connections > HTML_MAX_DETAILS)
        h_textf(w, h_el(w, sec, "p", "note"),
                "Details follow for the first %u connections of this table only; the XML report "
                "describes all %" PRIu64 ".", HTML_MAX_DETAILS, t->connections);
    return sec;
}

/* ------------------------------------------------------------ the ladder */

enum {
    LADDER_W = 800,
    LADDER_X_TIME = 6,
    LADDER_X_CLIENT = 170,
    LADDER_X_PATH = 395,
    LADDER_X_SERVER = 620,
    LADDER_HEAD_H = 58,
    LADDER_ROW_H = 30,
};

static bool event_is_observation(event_type t)
{
    /* Facts about the capture or the stream rather than messages sent. */
    switch (t) {
    case EV_MIDSTREAM: case EV_GAP: case EV_CONFLICT: case EV_REASM_CAP:
    case EV_SNAPLEN_CUT: case EV_TUPLE_REUSE:
        return true;
    default:
        return false;
    }
}

static xmlNodePtr svg_el(html_writer *w, xmlNodePtr parent, const char *tag)
{
    return h_el(w, parent, tag, NULL);
}

static void svg_line(html_writer *w, xmlNodePtr g, int x1, int y1, int x2, int y2,
                     const char *stroke, const char *width, const char *dash)
{
    xmlNodePtr l = svg_el(w, g, "line");
    h_attrf(w, l, "x1", "%d", x1);
    h_attrf(w, l, "y1", "%d", y1);
    h_attrf(w, l, "x2", "%d", x2);
    h_attrf(w, l, "y2", "%d", y2);
    h_attr(w, l, "stroke", stroke);
    h_attr(w, l, "stroke-width", width);
    if (dash)
        h_attr(w, l, "stroke-dasharray", dash);
}

static xmlNodePtr svg_text(html_writer *w, xmlNodePtr g, int x, int y, const char *anchor,
                           const char *size, const char *fill, const char *weight,
                           const char *text)
{
    xmlNodePtr t = svg_el(w, g, "text");
    h_attrf(w, t, "x", "%d", x);
    h_attrf(w, t, "y", "%d", y);
    h_attr(w, t, "text-anchor", anchor);
    h_attr(w, t, "font-size", size);
    h_attr(w, t, "fill", fill);
    if (weight)
        h_attr(w, t, "font-weight", weight);
    h_text(w, t, text);
    return t;
}

/* The packet that decides the verdict (the rule names it; else the first
 * evidence packet): the one the ladder marks. */
static uint64_t key_packet(const verdict *v)
{
    if (v->key.packet)
        return v->key.packet;
    unsigned ne = v->n_evidence < VERDICT_MAX_EVIDENCE ? v->n_evidence : VERDICT_MAX_EVIDENCE;
    for (unsigned i = 0; i < ne; i++)
        if (v->evidence[i].ref.packet)
            return v->evidence[i].ref.packet;
    return 0;
}

/* An event the ladder leaves out without a "not drawn" row because another row already tells
 * it: "first data" when the same packet has its own message (the X.224 request, a TLS
 * record...); a bare "TLS record" or "PDU" row when the next event names what that record
 * holds (ClientHello, MCS Connect Initial, an alert...); the second direction's "security
 * starts" of the same packet. */
static bool ladder_redundant(const timeline *t, uint32_t i)
{
    const tl_event *e = &t->ev[i];
    const tl_event *next = i + 1 < t->n ? &t->ev[i + 1] : NULL;
    bool same = next && next->ref.packet == e->ref.packet && next->dir == e->dir;
    if (e->type == EV_DATA_FIRST && same)
        return true;
    if ((e->type == EV_TLS_RECORD || e->type == EV_PAYLOAD) && same &&
        (next->type == EV_TLS_HANDSHAKE || next->type == EV_TLS_ALERT || next->type == EV_MCS ||
         next->type == EV_RDP_SEC))
        return true;
    return e->type == EV_SECURE_START && i > 0 && t->ev[i - 1].type == EV_SECURE_START &&
           t->ev[i - 1].ref.packet == e->ref.packet;
}

static void html_ladder(html_writer *w, xmlNodePtr sec, const connection *c)
{
    const timeline *t = &c->tl;
    if (t->n == 0) {
        h_el_text(w, sec, "p", "muted", "No events were recorded for this connection.");
        return;
    }
    uint64_t key = key_packet(&c->v);
    /* The key packet is red when it shows a failure; on a connection that
     * succeeded it is the proof of success, drawn in green. */
    bool fail = verdict_is_failure(&c->v);
    const char *key_colour = fail ? "#c0392b" : "#2e8b57";

    /* Which events get a row: shown, hidden (counted in a "... N more events" row) or skipped
     * silently because another row already tells it (ladder_redundant). */
    enum { ROW_HIDDEN = 0, ROW_SHOWN = 1, ROW_SKIPPED = 2 };
    uint8_t *show = calloc(t->n, sizeof *show);
    if (!show) {
        w->failed = true;
        return;
    }
    /* A reset judged injected came from a device on the path: the ladder
     * draws that device between the two ends and the reset from it. */
    bool injected = c->v.cause == CAUSE_RESET_INJECTED && key;
    bool any_path = injected;
    for (uint32_t i = 0; i < t->n; i++) {
        show[i] = t->n <= LADDER_MAX_ROWS || i < LADDER_HEAD || i >= t->n - LADDER_TAIL ||
                          (key && t->ev[i].ref.packet == key)
                      ? ROW_SHOWN
                      : ROW_HIDDEN;
        if (ladder_redundant(t, i))
            show[i] = ROW_SKIPPED;
        any_path |= show[i] == ROW_SHOWN && t->ev[i].type == EV_ICMP_UNREACH &&
                    t->ev[i].dir == DIR_NONE;
    }
    unsigned rows = 0;
    uint8_t prev = ROW_SHOWN;
    for (uint32_t i = 0; i < t->n; i++) {
        if (show[i] == ROW_SKIPPED)
            continue;
        if (show[i] == ROW_SHOWN || prev == ROW_SHOWN)
            rows++;   /* an event, or the one "... N events ..." row of a hidden run */
        prev = show[i];
    }
    int height = LADDER_HEAD_H + (int)rows * LADDER_ROW_H + 14;

    xmlNodePtr svg = svg_el(w, sec, "svg");
    h_attr(w, svg, "class", "ladder");
    h_attrf(w, svg, "width", "%d", LADDER_W);
    h_attrf(w, svg, "height", "%d", height);
    h_attrf(w, svg, "viewBox", "0 0 %d %d", LADDER_W, height);
    h_attr(w, svg, "role", "img");
    h_attrf(w, svg, "aria-label", "Sequence of events of connection %" PRIu32, c->id);

    char ep[64];
    svg_text(w, svg, LADDER_X_CLIENT, 20, "middle", "14", "#222", "bold", "Client");
    text_endpoint(&c->client, c->client_port, ep, sizeof ep);
    svg_text(w, svg, LADDER_X_CLIENT, 37, "middle", "11", "#555", NULL, ep);
    svg_text(w, svg, LADDER_X_SERVER, 20, "middle", "14", "#222", "bold", "Server");
    text_endpoint(&c->server, c->server_port, ep, sizeof ep);
    svg_text(w, svg, LADDER_X_SERVER, 37, "middle", "11", "#555", NULL, ep);
    if (any_path) {
        /* The device on the path is known by the address its ICMP error came from. */
        svg_text(w, svg, LADDER_X_PATH, 20, "middle", "12", "#777", NULL,
                 injected ? "Middlebox (inferred)" : "Path");
        if (c->icmp.packet) {
            text_addr(&c->icmp_from, ep, sizeof ep);
            svg_text(w, svg, LADDER_X_PATH, 37, "middle", "11", "#777", NULL, ep);
        }
    }
    svg_text(w, svg, LADDER_X_TIME, 20, "start", "11", "#777", NULL, "time");

    int bottom = height - 8;
    svg_line(w, svg, LADDER_X_CLIENT, 44, LADDER_X_CLIENT, bottom, "#888", "1.5", NULL);
    svg_line(w, svg, LADDER_X_SERVER, 44, LADDER_X_SERVER, bottom, "#888", "1.5", NULL);
    if (any_path)
        svg_line(w, svg, LADDER_X_PATH, 44, LADDER_X_PATH, bottom, "#ccc", "1", "3 4");

    int row = 0;
    unsigned marked = 0;
    prev = ROW_SHOWN;
    for (uint32_t i = 0; i < t->n; i++) {
        int y = LADDER_HEAD_H + row * LADDER_ROW_H + 18;
        if (show[i] == ROW_SKIPPED)
            continue;
        if (show[i] == ROW_HIDDEN) {
            bool starts_run = prev == ROW_SHOWN;
            prev = ROW_HIDDEN;
            if (!starts_run)
                continue;
            uint32_t hidden = 0;
            for (uint32_t j = i; j < t->n && show[j] != ROW_SHOWN; j++)
                hidden += show[j] == ROW_HIDDEN;
            char msg[80];
            rt_fmt(msg, sizeof msg, "\xE2\x80\xA6 %" PRIu32 " more event%s not drawn \xE2\x80\xA6",
                   hidden, hidden == 1 ? "" : "s");
            svg_text(w, svg, (LADDER_X_CLIENT + LADDER_X_SERVER) / 2, y, "middle", "11", "#888",
                     NULL, msg);
            row++;
            continue;
        }
        prev = ROW_SHOWN;
        const tl_event *e = &t->ev[i];
        bool hit = key && e->ref.packet == key;
        bool obs = event_is_observation((event_type)e->type);
        /* Client events go right, server events left, an ICMP error comes
         * from the path towards the client; an event of the connection as a
         * whole (e.g. "TLS starts") is a note across both lifelines. */
        int x1, x2;
        bool note = false;
        switch (e->dir) {
        case DIR_C2S: x1 = LADDER_X_CLIENT; x2 = LADDER_X_SERVER; break;
        case DIR_S2C: x1 = LADDER_X_SERVER; x2 = LADDER_X_CLIENT; break;
        default:
            x1 = LADDER_X_PATH;
            x2 = LADDER_X_CLIENT;
            note = e->type != EV_ICMP_UNREACH;
            break;
        }
        /* The switch to TLS or Standard RDP Security is recorded once per direction at the
         * Connection Confirm; it is a state of the connection, not a message: one note. */
        if (e->type == EV_SECURE_START)
            note = true;
        /* The injected reset: from the middlebox to the end it was sent to. */
        if (injected && hit && e->type == EV_RST && e->dir != DIR_NONE) {
            x1 = LADDER_X_PATH;
            x2 = e->dir == DIR_S2C ? LADDER_X_CLIENT : LADDER_X_SERVER;
        }
        const char *colour = hit ? key_colour : obs || note ? "#999" : "#1f4e79";
        xmlNodePtr g = svg_el(w, svg, "g");
        if (hit) {
            h_attr(w, g, "class", "key");
            marked++;
        }
        if (note) {
            svg_line(w, g, LADDER_X_CLIENT, y, LADDER_X_SERVER, y, colour, "1", "2 3");
        } else {
            int head = x2 > x1 ? -8 : 8;
            svg_line(w, g, x1, y, x2 + head, y, colour, hit ? "2.5" : "1.5", obs ? "5 4" : NULL);
            xmlNodePtr poly = svg_el(w, g, "polygon");
            h_attrf(w, poly, "points", "%d,%d %d,%d %d,%d", x2, y, x2 + head, y - 4, x2 + head,
                    y + 4);
            h_attr(w, poly, "fill", colour);
        }

        char desc[200], label[240], off[32];
        timeline_describe(e, desc, sizeof desc);
        if (e->ref.packet)
            rt_fmt(label, sizeof label, "#%" PRIu64 " %s", e->ref.packet, desc);
        else
            rt_fmt(label, sizeof label, "%s", desc);
        svg_text(w, g, (LADDER_X_CLIENT + LADDER_X_SERVER) / 2, y - 6, "middle", "12",
                 hit ? key_colour : obs || note ? "#666" : "#222", hit ? "bold" : NULL, label);
        if (e->ref.packet) {
            fmt_offset(rt_time_diff_us(e->ref.ts, c->start.ts), off, sizeof off);
            svg_text(w, g, LADDER_X_TIME, y + 4, "start", "11", "#666", NULL, off);
        }
        row++;
    }
    free(show);
    if (t->dropped)
        h_textf(w, h_el(w, sec, "p", "muted"),
                "%" PRIu32 " further events were not recorded (the per-connection limit); the "
                "connection's end is always kept.", t->dropped);
    if (marked)
        h_textf(w, h_el(w, sec, "p", "muted"),
                "Packet %" PRIu64 ", the one that decides the verdict, is drawn in %s.", key,
                fail ? "red" : "green");
}

/* ------------------------------------------------------------ a connection */

static void html_evidence(html_writer *w, xmlNodePtr sec, const analysis *a, const connection *c)
{
    const verdict *v = &c->v;
    unsigned ne = v->n_evidence < VERDICT_MAX_EVIDENCE ? v->n_evidence : VERDICT_MAX_EVIDENCE;
    char tbuf[64], a1[64], a2[64];
    h_el_text(w, sec, "h3", NULL, "Evidence");
    if (ne > 0) {
        xmlNodePtr t = h_el(w, sec, "table", "list");
        xmlNodePtr tr = h_el(w, t, "tr", NULL);
        h_el_text(w, tr, "th", "num", "Packet");
        h_el_text(w, tr, "th", NULL, "Time (UTC)");
        h_el_text(w, tr, "th", NULL, "What it shows");
        for (unsigned i = 0; i < ne; i++) {
            const verdict_evidence *e = &v->evidence[i];
            tr = h_el(w, t, "tr", NULL);
            if (e->ref.packet) {
                h_textf(w, h_el(w, tr, "td", "num"), "%" PRIu64, e->ref.packet);
                fmt_time(e->ref.ts, tbuf, sizeof tbuf);
                h_el_text(w, tr, "td", "time", tbuf);
            } else {
                h_el_text(w, tr, "td", "num", "\xE2\x80\x94");
                h_el_text(w, tr, "td", "time", "");
            }
            h_el_text(w, tr, "td", NULL, e->text);
        }
    } else {
        h_el_text(w, sec, "p", "muted", "The verdict cites no packets.");
    }

    /* Wireshark display filters: the evidence packets (sorted, each once)
     * and the whole connection. */
    uint64_t pk[VERDICT_MAX_EVIDENCE];
    unsigned np = 0;
    for (unsigned i = 0; i < ne; i++) {
        uint64_t p = v->evidence[i].ref.packet;
        if (!p)
            continue;
        unsigned j = np;
        bool dup = false;
        for (unsigned k = 0; k < np; k++)
            dup |= pk[k] == p;
        if (dup)
            continue;
        while (j > 0 && pk[j - 1] > p) {
            pk[j] = pk[j - 1];
            j--;
        }
        pk[j] = p;
        np++;
    }
    xmlNodePtr ul = h_el(w, sec, "ul", NULL);
    if (np > 0) {
        char filt[VERDICT_MAX_EVIDENCE * 22 + 32];
        size_t o = 0;
        o += (size_t)snprintf(filt, sizeof filt, "frame.number in {");
        for (unsigned i = 0; i < np && o < sizeof filt; i++)
            o += (size_t)snprintf(filt + o, sizeof filt - o, "%s%" PRIu64, i ? " " : "", pk[i]);
        if (o < sizeof filt)
            snprintf(filt + o, sizeof filt - o, "}");
        xmlNodePtr li = h_el(w, ul, "li", NULL);
        h_text(w, li, "Wireshark filter for these packets: ");
        h_el_text(w, li, "code", NULL, filt);
    }
    text_addr(&c->client, a1, sizeof a1);
    text_addr(&c->server, a2, sizeof a2);
    const char *ipf = c->client.family == 6 ? "ipv6.addr" : "ip.addr";
    char cf[256];
    rt_fmt(cf, sizeof cf, "%s==%s && %s==%s && tcp.port==%u && tcp.port==%u", ipf, a1, ipf, a2,
           (unsigned)c->client_port, (unsigned)c->server_port);
    xmlNodePtr li = h_el(w, ul, "li", NULL);
    h_text(w, li, "Wireshark filter for this connection: ");
    h_el_text(w, li, "code", NULL, cf);
    if (a->n_inputs > 1 && c->capture_index < ANALYSIS_MAX_INPUTS) {
        li = h_el(w, ul, "li", NULL);
        h_text(w, li, "Packet numbers refer to ");
        h_el_text(w, li, "code", NULL, a->inputs[c->capture_index].name);
        h_text(w, li, ".");
    }
}

static void html_negotiation(html_writer *w, xmlNodePtr sec, const connection *c)
{
    if (!c->has_cr && !c->has_cc && !c->has_dr && !c->x224_malformed && !c->not_rdp)
        return;
    char buf[96], tb[64];
    h_el_text(w, sec, "h3", NULL, "Security negotiation (X.224)");
    xmlNodePtr t = h_el(w, sec, "table", "list");
    xmlNodePtr tr = h_el(w, t, "tr", NULL);
    xmlNodePtr th = h_el_text(w, tr, "th", NULL, "Client offered");
    if (c->has_cr)
        h_textf(w, th, " (packet %" PRIu64 ")", c->cr_ref.packet);
    th = h_el_text(w, tr, "th", NULL, "Server chose");
    if (c->has_cc)
        h_textf(w, th, " (packet %" PRIu64 ")", c->cc_ref.packet);
    tr = h_el(w, t, "tr", NULL);
    xmlNodePtr left = h_el(w, tr, "td", NULL), right = h_el(w, tr, "td", NULL);

    if (c->has_cr) {
        const x224_pdu *cr = &c->cr;
        xmlNodePtr p = h_el(w, left, "div", NULL);
        if (cr->has_neg_req) {
            x224_protocols_str(cr->requested_protocols, buf, sizeof buf);
            h_text(w, p, "Security protocols: ");
            h_el_text(w, p, "strong", NULL, buf);
            h_textf(w, p, " (requestedProtocols 0x%08" PRIx32 ", flags 0x%02x)",
                    cr->requested_protocols, (unsigned)cr->neg_req_flags);
        } else {
            h_text(w, p, "No negotiation request: the client can only use Standard RDP "
                         "Security.");
        }
        if (cr->has_cookie) {
            p = h_el(w, left, "div", NULL);
            h_text(w, p, "Cookie (user name hint): ");
            h_el_text(w, p, "code", "cookie", cr->cookie);
        }
        if (cr->has_routing_token) {
            p = h_el(w, left, "div", NULL);
            h_text(w, p, "Routing token: ");
            h_el_text(w, p, "code", "cookie", cr->routing_token);
        }
        if (cr->has_correlation_info) {
            char hex[33];
            for (int i = 0; i < 16; i++)
                snprintf(hex + 2 * i, 3, "%02x", cr->correlation_id[i]);
            p = h_el(w, left, "div", NULL);
            h_text(w, p, "Correlation id: ");
            h_el_text(w, p, "code", NULL, hex);
        }
        if (cr->problems && cr->problem[0])
            h_textf(w, h_el(w, left, "div", "note"), "Problem: %s", cr->problem);
        fmt_time(c->cr_ref.ts, tb, sizeof tb);
        h_el_text(w, left, "div", "muted", tb);
    } else {
        h_el_text(w, left, "div", "muted", "No Connection Request seen.");
    }

    if (c->has_cc) {
        const x224_pdu *cc = &c->cc;
        xmlNodePtr p = h_el(w, right, "div", NULL);
        if (cc->has_neg_failure) {
            h_text(w, p, "Refused: ");
            h_el_text(w, p, "strong", NULL, x224_failure_code_name(cc->failure_code));
            h_textf(w, p, " (RDP_NEG_FAILURE code %" PRIu32 ")", cc->failure_code);
            h_el_text(w, right, "div", NULL, x224_failure_code_text(cc->failure_code));
        } else if (cc->has_neg_rsp) {
            x224_protocols_str(cc->selected_protocol, buf, sizeof buf);
            h_text(w, p, "Selected: ");
            h_el_text(w, p, "strong", NULL, buf);
            h_textf(w, p, " (selectedProtocol 0x%08" PRIx32 ", flags 0x%02x)",
                    cc->selected_protocol, (unsigned)cc->neg_rsp_flags);
        } else {
            h_text(w, p, "No negotiation in the answer: an old server that only speaks Standard "
                         "RDP Security.");
        }
        if (cc->problems && cc->problem[0])
            h_textf(w, h_el(w, right, "div", "note"), "Problem: %s", cc->problem);
        fmt_time(c->cc_ref.ts, tb, sizeof tb);
        h_el_text(w, right, "div", "muted", tb);
    } else {
        h_el_text(w, right, "div", "muted", "No Connection Confirm seen.");
    }
    if (c->has_dr)
        h_textf(w, h_el(w, right, "div", NULL), "X.224 Disconnect Request in packet %" PRIu64 ".",
                c->dr_ref.packet);
    if (c->x224_malformed) {
        xmlNodePtr d = h_el(w, sec, "p", "note");
        h_textf(w, d, "Malformed data from the %s in packet %" PRIu64 ": ",
                direction_name(c->malformed_dir), c->malformed_ref.packet);
        h_text(w, d, c->malformed_text);
    }
    if (c->not_rdp) {
        xmlNodePtr d = h_el(w, sec, "p", "note");
        h_textf(w, d, "The %s's first bytes (packet %" PRIu64 ") are not Remote Desktop: ",
                direction_name(c->not_rdp_dir), c->not_rdp_ref.packet);
        h_el_text(w, d, "code", NULL, c->not_rdp_text);
    }
}

static void html_tcp(html_writer *w, xmlNodePtr sec, const connection *c)
{
    char b[2][64];
    h_el_text(w, sec, "h3", NULL, "TCP");
    xmlNodePtr t = h_el(w, sec, "table", NULL);
    xmlNodePtr tr = h_el(w, t, "tr", NULL);
    h_el_text(w, tr, "th", NULL, "");
    h_el_text(w, tr, "th", "num", "Client");
    h_el_text(w, tr, "th", "num", "Server");

    const char *dash = "\xE2\x80\x94";
    for (int row = 0; row < 11; row++) {
        const char *label = "";
        for (int i = 0; i < 2; i++) {
            const conn_dir *d = &c->dir[i];
            char *o = b[i];
            size_t ol = sizeof b[i];
            switch (row) {
            case 0: label = "Packets"; fmt_count(d->packets, o, ol); break;
            case 1: label = "Payload bytes"; fmt_count(d->payload_bytes, o, ol); break;
            case 2:
                label = "SYN / SYN-ACK sent";
                if (d->syn.packet)
                    rt_fmt(o, ol, "%u (first #%" PRIu64 ")", d->syn_count, d->syn.packet);
                else
                    rt_fmt(o, ol, "%u", d->syn_count);
                break;
            case 3:
                label = "FIN";
                if (d->fin.packet)
                    rt_fmt(o, ol, "#%" PRIu64, d->fin.packet);
                else
                    rt_fmt(o, ol, "%s", dash);
                break;
            case 4:
                label = "RST";
                if (d->rst.packet)
                    rt_fmt(o, ol, "#%" PRIu64, d->rst.packet);
                else
                    rt_fmt(o, ol, "%s", dash);
                break;
            case 5:
                label = "TTL / hop limit (lowest\xE2\x80\x93highest)";
                if (d->packets)
                    rt_fmt(o, ol, "%u (%u\xE2\x80\x93%u)", d->ttl_first, d->ttl_min, d->ttl_max);
                else
                    rt_fmt(o, ol, "%s", dash);
                break;
            case 6:
                label = "Bytes missing from the capture";
                fmt_count(d->reasm.gap_bytes, o, ol);
                rt_fmt(o + strlen(o), ol - strlen(o), " in %" PRIu32 " gap%s", d->reasm.gaps,
                       d->reasm.gaps == 1 ? "" : "s");
                break;
            case 7:
                label = "Retransmissions";
                rt_fmt(o, ol, "%" PRIu32, d->reasm.retransmissions);
                break;
            case 8:
                label = "Retransmissions with different bytes";
                rt_fmt(o, ol, "%" PRIu32, d->reasm.conflicts);
                break;
            case 9:
                label = "Out of order";
                rt_fmt(o, ol, "%" PRIu32, d->reasm.out_of_order);
                break;
            default:
                label = "Capture started mid-stream";
                rt_fmt(o, ol, "%s", d->reasm.started && !d->reasm.syn_seen ? "yes" : "no");
                break;
            }
        }
        tr = h_el(w, t, "tr", NULL);
        h_el_text(w, tr, "td", NULL, label);
        h_el_text(w, tr, "td", "num", b[0]);
        h_el_text(w, tr, "td", "num", b[1]);
    }

    if (c->icmp.packet) {
        char from[64], desc[160];
        tl_event e = { .type = EV_ICMP_UNREACH, .dir = DIR_NONE, .ref = c->icmp,
                       .a = c->icmp_type, .b = c->icmp_code };
        timeline_describe(&e, desc, sizeof desc);
        text_addr(&c->icmp_from, from, sizeof from);
        h_textf(w, h_el(w, sec, "p", "note"), "Packet %" PRIu64 ": %s, sent by %s.", c->icmp.packet,
                desc, from);
    }
    const conn_dir *cs = &c->dir[DIR_C2S], *sc = &c->dir[DIR_S2C];
    if (cs->secure_pdus || sc->secure_pdus) {
        char x[64], y[64];
        fmt_count(cs->secure_bytes, x, sizeof x);
        fmt_count(sc->secure_bytes, y, sizeof y);
        h_textf(w, h_el(w, sec, "p", NULL),
                "After the negotiation: the client sent %" PRIu64 " PDUs or records (%s bytes), "
                "the server %" PRIu64 " (%s bytes).", cs->secure_pdus, x, sc->secure_pdus, y);
    }
}

/* Marks where stream.c inserts what later connections tell about this one
 * (report_parts.h); the comment is taken out of the text. Wire strings are
 * text nodes, so the marker cannot come from the wire. */
#define HTML_SPLICE_SUMMARY "<!--rdpt:summary-->"
#define HTML_SPLICE_RELATED "<!--rdpt:related-->"

static void html_related(html_writer *w, xmlNodePtr sec, const connection *c)
{
    if (c->retry_of) {
        h_el_text(w, sec, "h3", NULL, "Related connections");
        xmlNodePtr p = h_el(w, sec, "p", NULL);
        h_text(w, p, "This connection is a retry of connection ");
        xmlNodePtr link = h_el(w, p, "a", NULL);
        h_attrf(w, link, "href", "#conn-%" PRIu32, c->retry_of);
        h_textf(w, link, "%" PRIu32, c->retry_of);
        h_text(w, p, ".");
    }
    xmlNodePtr mark = xmlNewComment(BAD_CAST "rdpt:related");
    if (!mark || !xmlAddChild(sec, mark)) {
        xmlFreeNode(mark);
        w->failed = true;
    }
}

void html_related_later(atomic_file *f, bool has_heading, const uint32_t *retries, size_t n)
{
    if (n == 0)
        return;
    char buf[160];
    if (!has_heading)
        atomic_write(f, "<h3>Related connections</h3>\n", 29);
    const char *lead = n > 1 ? "<p>The client tried again in connections "
                             : "<p>The client tried again in connection ";
    atomic_write(f, lead, strlen(lead));
    for (size_t k = 0; k < n; k++) {
        int len = snprintf(buf, sizeof buf, "%s<a href=\"#conn-%" PRIu32 "\">%" PRIu32 "</a>",
                           k ? ", " : "", retries[k], retries[k]);
        if (len > 0)
            atomic_write(f, buf, (size_t)len);
    }
    atomic_write(f, ".</p>\n", 6);
}

static xmlNodePtr html_connection(html_writer *w, xmlNodePtr body, const analysis *a,
                                  const connection *c)
{
    char anchor[32], ep1[64], ep2[64], t1[64], t2[64], dur[48];
    const verdict *v = &c->v;
    bool fail = verdict_is_failure(v);
    xmlNodePtr sec = h_el(w, body, "section", "conn");
    conn_anchor(c, anchor, sizeof anchor);
    h_attr(w, sec, "id", anchor);

    xmlNodePtr h2 = h_el(w, sec, "h2", NULL);
    text_endpoint(&c->client, c->client_port, ep1, sizeof ep1);
    text_endpoint(&c->server, c->server_port, ep2, sizeof ep2);
    h_textf(w, h2, "Connection %" PRIu32 ": %s \xE2\x86\x92 %s", c->id, ep1, ep2);
    h_el_text(w, h2, "span", fail ? "badge fail" : "badge ok", fail ? "failed" : "succeeded");

    xmlNodePtr box = h_el(w, sec, "div", fail ? "verdict fail" : "verdict ok");
    h_el_text(w, box, "p", "title", verdict_cause_title(v->cause));
    xmlNodePtr sum = h_el_text(w, box, "p", NULL, v->summary);
    xmlNodePtr mark = sum ? xmlNewComment(BAD_CAST "rdpt:summary") : NULL;
    if (!mark || !xmlAddChild(sum, mark)) {
        xmlFreeNode(mark);
        w->failed = true;
    }

    xmlNodePtr kv = h_el(w, sec, "table", "kv");
    xmlNodePtr td = h_kv(w, kv, fail ? "Failed in" : "Outcome");
    if (fail) {
        h_text(w, td, verdict_phase_title(v->phase));
        h_textf(w, td, " (%s)", verdict_phase_name(v->phase));
    } else {
        h_text(w, td, "got through every handshake into a session (none)");
    }
    td = h_kv(w, kv, "Cause");
    h_el_text(w, td, "code", NULL, verdict_cause_name(v->cause));
    if (v->detail[0])
        h_textf(w, td, " \xE2\x80\x94 %s", v->detail);
    td = h_kv(w, kv, "Confidence");
    h_text(w, td, confidence_words(v->confidence));
    td = h_kv(w, kv, "Time (UTC)");
    fmt_time(c->start.ts, t1, sizeof t1);
    fmt_time(c->end.ts, t2, sizeof t2);
    fmt_duration(rt_time_diff_us(c->end.ts, c->start.ts), dur, sizeof dur);
    h_textf(w, td, "%s to %s (%s), packets %" PRIu64 " to %" PRIu64, t1, t2, dur, c->start.packet,
            c->end.packet);
    if (!c->client_by_syn) {
        td = h_kv(w, kv, "Note");
        h_text(w, td, "No SYN was seen; the client is taken to be the end that is not on the "
                      "Remote Desktop port.");
    }
    if (v->rule) {
        td = h_kv(w, kv, "Decided by rule");
        h_el_text(w, td, "code", NULL, v->rule);
    }

    h_el_text(w, sec, "h3", NULL, "What happened");
    html_ladder(w, sec, c);
    html_evidence(w, sec, a, c);
    html_negotiation(w, sec, c);
    if (!html_tls(w->doc, sec, c)) /* the TLS handshake (html_tls.c) */
        w->failed = true;
    if (!html_rdp(w->doc, sec, c)) /* Standard RDP Security, MCS/GCC (html_rdp.c) */
        w->failed = true;
    html_tcp(w, sec, c);
    if (!html_reset_analysis(sec, c)) /* who reset the connection (html_reset.c) */
        w->failed = true;

    h_el_text(w, sec, "h3", NULL, "What to do");
    h_el_text(w, sec, "p", "remedy", verdict_cause_remedy(v->cause));
    if (v->not_examined[0]) {
        xmlNodePtr p = h_el(w, sec, "p", "note");
        h_el_text(w, p, "strong", NULL, "Not examined: ");
        h_text(w, p, v->not_examined);
    }
    html_related(w, sec, c);
    return sec;
}

/* ------------------------------------------------------------ document */

static xmlNodePtr html_head(html_writer *w, xmlNodePtr html, const analysis *a)
{
    xmlNodePtr head = h_el(w, html, "head", NULL);
    /* The http-equiv form, which libxml2 also recognises (htmlSetMetaEncoding). */
    xmlNodePtr meta = h_el(w, head, "meta", NULL);
    h_attr(w, meta, "http-equiv", "Content-Type");
    h_attr(w, meta, "content", "text/html; charset=UTF-8");
    meta = h_el(w, head, "meta", NULL);
    h_attr(w, meta, "name", "viewport");
    h_attr(w, meta, "content", "width=device-width, initial-scale=1");
    meta = h_el(w, head, "meta", NULL);
    h_attr(w, meta, "name", "generator");
    h_attr(w, meta, "content", "rdptriage");
    unsigned ni = a->n_inputs < ANALYSIS_MAX_INPUTS ? a->n_inputs : ANALYSIS_MAX_INPUTS;
    xmlNodePtr title = h_el(w, head, "title", NULL);
    h_text(w, title, "RDP triage");
    if (ni > 0)
        h_textf(w, title, ": %s%s", a->inputs[0].name, ni > 1 ? " and more" : "");
    /* The style sheet is our constant text; the serializer writes style
     * content as is, which is why it holds no '<'. */
    xmlNodePtr style = h_el(w, head, "style", NULL);
    if (style)
        xmlNodeAddContent(style, BAD_CAST html_css);
    return head;
}

/* Serializes one finished part of the page and frees it. */
static void html_emit(html_writer *w, xmlSaveCtxtPtr save, atomic_file *f, xmlNodePtr n)
{
    if (!n)
        return;
    if (!w->failed) {
        if (xmlSaveTree(save, n) < 0 || xmlSaveFlush(save) < 0)
            w->failed = true;
        else
            atomic_write(f, "\n", 1);
    }
    xmlUnlinkNode(n);
    xmlFreeNode(n);
}

/* One document and one buffer reused for every connection's section. */
struct html_parts {
    html_writer w;
    xmlNodePtr body;
    xmlBufferPtr buf;
};

html_parts *html_parts_new(void)
{
    html_parts *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->w.doc = htmlNewDocNoDtD(NULL, NULL);
    xmlNodePtr html = p->w.doc ? xmlNewDocNode(p->w.doc, NULL, BAD_CAST "html", NULL) : NULL;
    if (html)
        xmlDocSetRootElement(p->w.doc, html);
    p->body = html ? h_el(&p->w, html, "body", NULL) : NULL;
    p->buf = xmlBufferCreate();
    if (!p->body || !p->buf) {
        html_parts_free(p);
        return NULL;
    }
    return p;
}

void html_parts_free(html_parts *p)
{
    if (!p)
        return;
    if (p->buf)
        xmlBufferFree(p->buf);
    if (p->w.doc)
        xmlFreeDoc(p->w.doc);
    free(p);
}

/* Finds a marker in the serialized part, removes it and returns its offset. */
static size_t take_marker(char *text, size_t *len, const char *marker)
{
    char *m = strstr(text, marker);
    if (!m)
        return *len;
    size_t ml = strlen(marker), off = (size_t)(m - text);
    memmove(m, m + ml, *len - off - ml + 1);
    *len -= ml;
    return off;
}

const char *html_parts_connection(html_parts *p, const analysis *a, const connection *c,
                                  size_t *len, size_t splice[2])
{
    xmlBufferEmpty(p->buf);
    p->w.failed = false;
    xmlNodePtr n = html_connection(&p->w, p->body, a, c);
    xmlSaveCtxtPtr save = xmlSaveToBuffer(p->buf, "UTF-8", XML_SAVE_FORMAT | XML_SAVE_AS_HTML);
    if (!save)
        p->w.failed = true;
    else if (n && !p->w.failed && xmlSaveTree(save, n) < 0)
        p->w.failed = true;
    if (save && xmlSaveClose(save) < 0)
        p->w.failed = true;
    if (n) {
        xmlUnlinkNode(n);
        xmlFreeNode(n);
    }
    if (p->w.failed || xmlBufferAdd(p->buf, BAD_CAST "\n", 1) != 0)
        return NULL;
    char *text = (char *)xmlBufferContent(p->buf);
    *len = (size_t)xmlBufferLength(p->buf);
    splice[0] = take_marker(text, len, HTML_SPLICE_SUMMARY);
    size_t rel = take_marker(text, len, HTML_SPLICE_RELATED);
    splice[1] = rel < splice[0] ? *len : rel;
    return text;
}

size_t html_max_rows(void)
{
    return HTML_MAX_ROWS;
}

size_t html_max_details(void)
{
    return HTML_MAX_DETAILS;
}

bool html_document_write(const analysis *a, const report_totals *t, const report_row *rows,
                         size_t n_rows, atomic_file *f, report_parts_writer details, void *ctx)
{
    /* Written part by part (head, summary, table, then the sections that
     * stream.c kept), each part a libxml2 HTML tree serialized by libxml2
     * and freed before the next is built. Only the constant outer tags are
     * written here. */
    static const char prolog[] = "<!DOCTYPE html>\n<html lang=\"en\">\n";
    atomic_write(f, prolog, sizeof prolog - 1);

    html_writer w = { .doc = htmlNewDocNoDtD(NULL, NULL), .failed = false };
    xmlNodePtr html = w.doc ? xmlNewDocNode(w.doc, NULL, BAD_CAST "html", NULL) : NULL;
    xmlSaveCtxtPtr save = NULL;
    if (html) {
        xmlDocSetRootElement(w.doc, html);
        save = xmlSaveToIO(atomic_xml_write, NULL, f, "UTF-8", XML_SAVE_FORMAT | XML_SAVE_AS_HTML);
    }
    if (!save) {
        w.failed = true;
    } else {
        html_emit(&w, save, f, html_head(&w, html, a));
        atomic_write(f, "<body>\n", 7);
        /* The body element only holds each part while it is built. */
        xmlNodePtr body = h_el(&w, html, "body", NULL);

        xmlNodePtr header = h_el(&w, body, "header", NULL);
        h_el_text(&w, header, "h1", NULL, "Remote Desktop connection triage");
        xmlNodePtr lead = h_el(&w, header, "p", "lead");
        if (t->connections == 0)
            h_text(&w, lead, "No Remote Desktop connection was found.");
        else if (t->failures == 0)
            h_textf(&w, lead, "All %" PRIu64 " connection%s succeeded.", t->connections,
                    t->connections == 1 ? "" : "s");
        else
            h_textf(&w, lead, "%" PRIu64 " of %" PRIu64 " connection%s failed.", t->failures,
                    t->connections, t->connections == 1 ? "" : "s");
        html_emit(&w, save, f, header);

        html_emit(&w, save, f, html_summary(&w, body, a, t));
        html_emit(&w, save, f, html_table(&w, body, a, t, rows, n_rows));
        if (xmlSaveFlush(save) < 0)
            w.failed = true;
        if (!w.failed && !details(ctx, f))
            w.failed = true;

        xmlNodePtr footer = h_el(&w, body, "footer", NULL);
        h_text(&w, footer, "Made by rdptriage from the packets alone. Packet numbers are those "
                           "Wireshark shows for the same file; times are UTC.");
        html_emit(&w, save, f, footer);
        if (xmlSaveClose(save) < 0)
            w.failed = true;
    }
    xmlFreeDoc(w.doc);
    atomic_write(f, "</body>\n</html>\n", 16);
    return !w.failed;
}

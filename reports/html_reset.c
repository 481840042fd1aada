/* html_reset.c - "Who reset the connection": the decision of rules_reset.c
 * about the RST behind a verdict, and the facts behind it, in words (see
 * html_reset.h). Built as libxml2 nodes: every string is a text node, so
 * nothing from the model can become markup; strings pass atomic_text_clean()
 * as well. Uses the classes of html.c's style sheet (kv, note, muted).
 */
#include "html_reset.h"

#include "atomic.h"
#include "html_build.h"
#include "rst_origin.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* An element with text (NULL: none), and one with formatted text: the
 * shared helpers of html_build.h. */
static xmlNodePtr el(html_writer *w, xmlNodePtr parent, const char *tag, const char *cls,
                     const char *text)
{
    return text ? h_el_text(w, parent, tag, cls, text) : h_el(w, parent, tag, cls);
}

static xmlNodePtr elf(html_writer *w, xmlNodePtr parent, const char *tag, const char *cls,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static xmlNodePtr elf(html_writer *w, xmlNodePtr parent, const char *tag, const char *cls,
                      const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (r < 0)
        buf[0] = '\0';
    return el(w, parent, tag, cls, buf);
}

/* A row of a three-column comparison table. */
static void row(html_writer *w, xmlNodePtr t, const char *what, const char *rst, const char *sender)
{
    xmlNodePtr tr = el(w, t, "tr", NULL, NULL);
    el(w, tr, "th", NULL, what);
    el(w, tr, "td", NULL, rst);
    el(w, tr, "td", NULL, sender);
}

static const char *end_word(direction d) { return d == DIR_S2C ? "server" : "client"; }

static void us_str(int64_t us, char *buf, size_t buflen)
{
    if (us < 0)
        rt_fmt(buf, buflen, "\xE2\x80\x94");
    else if (us < 10000)
        rt_fmt(buf, buflen, "%.2f ms", (double)us / 1000.0);
    else
        rt_fmt(buf, buflen, "%.1f ms", (double)us / 1000.0);
}

static void comparison(html_writer *w, xmlNodePtr sec, const rst_origin *o, const rst_seen *r)
{
    const rst_print *f = &r->sender;
    const char *who = end_word(r->dir);
    char a[96], b[96];
    xmlNodePtr t = el(w, sec, "table", NULL, NULL);
    xmlNodePtr tr = el(w, t, "tr", NULL, NULL);
    el(w, tr, "th", NULL, "");
    elf(w, tr, "th", NULL, "The RST (packet %" PRIu64 ")", r->ref.packet);
    elf(w, tr, "th", NULL, "The %s's %s", who,
        r->sender_from_syn ? (r->dir == DIR_S2C ? "SYN-ACK" : "SYN") : "earlier packets");

    rt_fmt(a, sizeof a, "%u", r->ttl);
    rst_print_ttls_str(f, b, sizeof b);
    row(w, t, "IP TTL / hop limit", a, b[0] ? b : "\xE2\x80\x94");
    if (r->has_ip_id)
        rt_fmt(a, sizeof a, "0x%04x", r->ip_id);
    else
        rt_fmt(a, sizeof a, "\xE2\x80\x94");
    if (f->has_ip_id)
        rt_fmt(b, sizeof b, "%s (last 0x%04x)", rst_ipid_kind_name(rst_print_ipid_kind(f)),
               f->ip_id_last);
    else
        rt_fmt(b, sizeof b, "\xE2\x80\x94");
    row(w, t, "IP ID", a, b);
    if (r->has_mac)
        rst_mac_str(r->mac, a, sizeof a);
    else
        rt_fmt(a, sizeof a, "\xE2\x80\x94");
    if (f->has_mac) {
        rst_mac_str(f->mac, b, sizeof b);
        if (f->mac_varies)
            rt_fmt(b + strlen(b), sizeof b - strlen(b), " (varies)");
    } else {
        rt_fmt(b, sizeof b, "\xE2\x80\x94");
    }
    row(w, t, "Ethernet source", a, b);
    rt_fmt(a, sizeof a, "%u, options %s", r->window, r->layout[0] ? r->layout : "none");
    rt_fmt(b, sizeof b, "%u, options %s", f->window_last, f->layout[0] ? f->layout : "none");
    row(w, t, "TCP window, options", a, b);
    if (r->has_ts || f->has_ts) {
        if (r->has_ts)
            rt_fmt(a, sizeof a, "%u", r->tsval);
        else
            rt_fmt(a, sizeof a, "\xE2\x80\x94");
        if (f->has_ts)
            rt_fmt(b, sizeof b, "last %u", f->ts_last);
        else
            rt_fmt(b, sizeof b, "\xE2\x80\x94");
        row(w, t, "TCP timestamp", a, b);
    }
    rt_fmt(a, sizeof a, "%u", r->seq);
    if (r->sender_seq_known)
        rt_fmt(b, sizeof b, "next %u", r->sender_next_seq);
    else
        rt_fmt(b, sizeof b, "\xE2\x80\x94");
    row(w, t, "Sequence number", a, b);
    if (r->flags & TCP_ACK) {
        rt_fmt(a, sizeof a, "%u", r->ack);
        if (r->sender_ack_known)
            rt_fmt(b, sizeof b, "had acknowledged up to %u", r->sender_ack);
        else
            rt_fmt(b, sizeof b, "\xE2\x80\x94");
        row(w, t, "Acknowledgment", a, b);
    }
    if (r->provoked_by.packet) {
        us_str(r->delay_us, a, sizeof a);
        rt_fmt(a + strlen(a), sizeof a - strlen(a), " after packet %" PRIu64, r->provoked_by.packet);
        us_str(rst_origin_rtt_to(o, r->dir), b, sizeof b);
        rt_fmt(b + strlen(b), sizeof b - strlen(b), " round trip from the capture point");
        row(w, t, "Timing", a, b);
    }
    if (r->sent_after.packet) {
        rt_fmt(a, sizeof a, "\xE2\x80\x94");
        rt_fmt(b, sizeof b, "kept sending: %u packets, from packet %" PRIu64, r->packets_after,
               r->sent_after.packet);
        row(w, t, "After the RST", a, b);
    }
}

bool html_reset_analysis(xmlNodePtr sec, const connection *c)
{
    const rst_origin *o = &c->rst_facts;
    const rst_analysis *a = &o->result;
    if (!sec || a->from == RST_FROM_UNEXAMINED || a->rst_index < 0 ||
        a->rst_index >= RST_ORIGIN_MAX_RSTS)
        return true;
    html_writer w = { sec ? sec->doc : NULL, false };
    const rst_seen *r = &o->rst[a->rst_index];
    const char *who = end_word(a->claimed);
    el(&w, sec, "h3", NULL, "Who reset the connection");
    switch (a->from) {
    case RST_FROM_INJECTED: {
        bool cross = false;
        for (unsigned i = 0; i < a->n_reasons && i < RST_ORIGIN_MAX_REASONS; i++)
            cross |= a->reasons[i].kind == RST_REASON_CROSS_CAPTURE;
        char why[128];
        if (cross)
            rt_fmt(why, sizeof why, "the capture nearer the %s shows it", who);
        else if (a->strong >= 2)
            rt_fmt(why, sizeof why, "%u independent strong signs", a->strong);
        else
            rt_fmt(why, sizeof why, "one strong sign; two independent ones would make it high");
        elf(&w, sec, "p", NULL,
            "The RST in packet %" PRIu64 " carries the %s's address, but a device on the path "
            "sent it (%s confidence: %s).", r->ref.packet, who,
            verdict_confidence_name(a->confidence), why);
        break;
    }
    case RST_FROM_UNDECIDED:
        elf(&w, sec, "p", NULL,
            "The RST in packet %" PRIu64 " carries the server's address. From this capture point "
            "it cannot be told whether the server sent it or a device on the path that "
            "terminates TCP itself (a transparent proxy, TLS inspection, an IPS or an "
            "endpoint-security product): such a device answers with its own TCP stack from the "
            "SYN-ACK on, so all its packets look alike.", r->ref.packet);
        break;
    default:
        elf(&w, sec, "p", NULL,
            "The RST in packet %" PRIu64 " came from the %s itself: nothing in it differs from "
            "the %s's own packets%s.", r->ref.packet, who, who,
            a->supporting ? " in a way a host cannot produce (see the doubts below)" : "");
        break;
    }
    if (a->n_reasons) {
        el(&w, sec, "p", NULL,
           a->from == RST_FROM_INJECTED ? "Why it was not the sender:" : "What is unusual:");
        xmlNodePtr ul = el(&w, sec, "ul", NULL, NULL);
        for (unsigned i = 0; i < a->n_reasons && i < RST_ORIGIN_MAX_REASONS; i++) {
            const rst_reason *rr = &a->reasons[i];
            xmlNodePtr li = el(&w, ul, "li", NULL, NULL);
            el(&w, li, "strong", NULL, rr->strong ? "Strong: " : "Supporting: ");
            el(&w, li, "span", NULL, rr->text);
        }
        if (a->reasons_dropped)
            elf(&w, sec, "p", "muted", "%u more reason%s not listed.", a->reasons_dropped,
                a->reasons_dropped == 1 ? "" : "s");
    }
    if (a->consistent[0] && a->from != RST_FROM_UNDECIDED)
        elf(&w, sec, "p", NULL, "What the RST shares with the %s's packets: %s.", who,
            a->consistent);
    if (a->from == RST_FROM_UNDECIDED) {
        xmlNodePtr t = el(&w, sec, "table", "kv", NULL);
        xmlNodePtr tr = el(&w, t, "tr", NULL, NULL);
        el(&w, tr, "th", NULL, "Points to a device");
        el(&w, tr, "td", NULL, a->for_device);
        tr = el(&w, t, "tr", NULL, NULL);
        el(&w, tr, "th", NULL, "Points to the server");
        elf(&w, tr, "td", NULL, "the RST matches the server's packets in %s",
            a->consistent[0] ? a->consistent : "everything compared");
        xmlNodePtr p = el(&w, sec, "p", "note", NULL);
        el(&w, p, "strong", NULL, "To decide: ");
        char check[400];
        rules_reset_check_text(c->v.phase, check, sizeof check);
        el(&w, p, "span", NULL, check);
    }
    const rst_cross *x = &o->cross;
    if (x->matched)
        elf(&w, sec, "p", NULL,
            "Input %u holds the same connection (connection %u, %s), nearer the %s (found from "
            "%s)%s.", x->capture, x->connection,
            x->exact ? "same 4-tuple and sequence numbers" : "relayed by a device between",
            x->nearer_sender ? who : (a->claimed == DIR_S2C ? "client" : "server"), x->placed_by,
            !x->nearer_sender ? "; this capture is the nearer one and shows the RST leaving its sender"
            : x->sender_sent  ? ": there the RST is seen leaving its sender"
                              : ": there its sender never sent a RST");
    comparison(&w, sec, o, r);
    return !w.failed;
}

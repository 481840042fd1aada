/* rules_reset.c - who really reset the connection (issue 5): the refine step
 * that diagnose_connection() runs last. It reads the facts of rst_origin.c
 * (and, with several inputs, those cross_capture.c found) and decides for
 * the RST behind a reset_by_server / reset_by_client / refused verdict:
 *
 *   sender     the end named in the packet sent it: the verdict stays;
 *   injected   a device on the path forged it: cause reset_injected, same
 *              phase, each reason an evidence line; two independent strong
 *              reasons give high confidence, one gives medium;
 *   undecided  the server's reset is its only answer to the client's message
 *              and nothing tells it from a device that terminates TCP itself
 *              (a transparent proxy): reset_by_server at low confidence, with
 *              both possibilities, what points to each, and what to check.
 *
 * Strong reasons are things a host cannot do on its own connection: change
 * its TTL or Ethernet address, answer faster than the round trip, keep
 * sending after its own RST, use sequence or acknowledgment numbers outside
 * what it sent and received, jump its TCP timestamp clock, or reset both
 * ends at once. A different IP ID numbering is only supporting: a Linux
 * server's RST sent without a socket (after the socket is gone) carries IP ID
 * 0 too. A genuine reset must never be called injected, so every strong
 * reason needs clean facts (no capture gaps on the streams whose numbers it
 * compares, one stable TTL, a measurable round trip).
 */
#include "rst_origin.h"
#include "textfmt.h"
#include "rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Below this round trip, capture timestamps (microseconds, taken by the
 * capturing host's kernel) are too coarse to say "faster than possible". */
#define TIMING_MIN_RTT_US 1000
/* RSTs to both ends closer together than this come from one device. */
#define BOTH_ENDS_US 10000
/* A genuine RST's IP ID continues its sender's counter by a small step. */
#define IPID_RST_STEP 4096u
/* RFC 7323 5.4: a timestamp clock ticks at most once per millisecond;
 * allow one second of slack on top of the elapsed time. */
#define TS_SLACK_TICKS 1000

static bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static bool seq_le(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static uint32_t seq_dist(uint32_t a, uint32_t b)
{
    uint32_t d = a - b;
    return (int32_t)d < 0 ? (uint32_t)0 - d : d;
}

static const char *end_word(direction d) { return d == DIR_S2C ? "server" : "client"; }

static void add_reason(rst_analysis *a, rst_reason_kind kind, bool strong, const pkt_ref *ref,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void add_reason(rst_analysis *a, rst_reason_kind kind, bool strong, const pkt_ref *ref,
                       const char *fmt, ...)
{
    if (strong)
        a->strong++;
    else
        a->supporting++;
    if (a->n_reasons >= RST_ORIGIN_MAX_REASONS) {
        a->reasons_dropped++;
        return;
    }
    rst_reason *r = &a->reasons[a->n_reasons++];
    r->kind = kind;
    r->strong = strong;
    r->ref = ref ? *ref : (pkt_ref){ 0, { 0, 0 } };
    va_list ap;
    va_start(ap, fmt);
    int n = text_vfmt(r->text, sizeof r->text, fmt, ap);
    va_end(ap);
    if (n < 0)
        r->text[0] = '\0';
}

/* Appends "; text" (or "text") to a bounded buffer. */
static void append(char *buf, size_t buflen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t buflen, const char *fmt, ...)
{
    size_t n = strlen(buf);
    if (n + 3 >= buflen)
        return;
    if (n) {
        memcpy(buf + n, "; ", 3);
        n += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    int w = text_vfmt(buf + n, buflen - n, fmt, ap);
    va_end(ap);
    if (w < 0)
        buf[n] = '\0';
}

/* Appends ", text" (or "text"): a short list. */
static void append_word(char *buf, size_t buflen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append_word(char *buf, size_t buflen, const char *fmt, ...)
{
    size_t n = strlen(buf);
    if (n + 3 >= buflen)
        return;
    if (n) {
        memcpy(buf + n, ", ", 3);
        n += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    int w = text_vfmt(buf + n, buflen - n, fmt, ap);
    va_end(ap);
    if (w < 0)
        buf[n] = '\0';
}

/* What the packet that provoked the RST was, in words. */
static void packet_words(const connection *c, direction dir, const pkt_ref *ref, uint32_t payload,
                         char *buf, size_t buflen)
{
    const tl_event *first_tls = NULL;
    for (uint32_t i = 0; i < c->tl.n; i++) {
        const tl_event *e = &c->tl.ev[i];
        if (e->dir != dir)
            continue;
        if (e->type == EV_TLS_RECORD && !first_tls)
            first_tls = e;
        if (e->ref.packet != ref->packet)
            continue;
        switch (e->type) {
        case EV_X224_CR: text_fmt(buf, buflen, "X.224 Connection Request"); return;
        case EV_X224_CC: text_fmt(buf, buflen, "X.224 Connection Confirm"); return;
        case EV_SYN: text_fmt(buf, buflen, "SYN"); return;
        case EV_SYN_ACK: text_fmt(buf, buflen, "SYN-ACK"); return;
        case EV_TLS_RECORD:
            /* RFC 8446 5.1: content type 22 is handshake; the client's first
             * handshake record carries its ClientHello. */
            if (e == first_tls && e->b == 22 && dir == DIR_C2S)
                text_fmt(buf, buflen, "TLS ClientHello");
            else
                text_fmt(buf, buflen, "TLS record");
            return;
        default: break;
        }
    }
    if (payload)
        text_fmt(buf, buflen, "data (%u bytes)", payload);
    else
        text_fmt(buf, buflen, "ACK");
}

static void ms_str(int64_t us, char *buf, size_t buflen)
{
    if (us < 10000)
        text_fmt(buf, buflen, "%.2f ms", (double)us / 1000.0);
    else
        text_fmt(buf, buflen, "%.1f ms", (double)us / 1000.0);
}

/* TTLs are set from a few initial values (64 Linux/macOS, 128 Windows, 255
 * network devices); a packet that still carries one crossed no router. */
static bool initial_ttl(uint8_t ttl) { return ttl == 64 || ttl == 128 || ttl == 255 || ttl == 32; }

/* The initial TTL a sender most likely used: the smallest common one not
 * below the value seen. */
static int initial_guess(uint8_t ttl)
{
    if (ttl <= 32)
        return 32;
    if (ttl <= 64)
        return 64;
    if (ttl <= 128)
        return 128;
    return 255;
}

static int hops_from_initial(uint8_t ttl) { return initial_guess(ttl) - ttl; }

static bool synack_unlike_later(const rst_origin *o, char *buf, size_t buflen);

/* ---- the reasons -------------------------------------------------------- */

static void examine_fingerprint(const connection *c, const rst_seen *r, rst_analysis *a,
                                const char *who, char *consistent, size_t cl)
{
    const rst_print *f = &r->sender;
    const char *pk = r->sender_from_syn ? (r->dir == DIR_S2C ? "SYN-ACK" : "SYN") : "own packets";
    (void)c;

    /* TTL / hop limit: compared as hop counts from the nearest initial
     * value above it, so that a Windows sender (128) and a Linux device (64)
     * are told apart too. */
    if (f->n_ttls > 0 && !rst_print_has_ttl(f, r->ttl)) {
        bool stable = f->n_ttls == 1 && !f->ttls_capped;
        int rh = hops_from_initial(r->ttl), sh = hops_from_initial(f->ttls[0]);
        bool other_initial = initial_guess(r->ttl) != initial_guess(f->ttls[0]);
        /* Farther than a SYN-ACK that is all we know of the server: the
         * SYN-ACK may have come from a SYN proxy nearer than the server,
         * and the RST from the server itself. */
        bool farther_than_syn = r->sender_from_syn && rh > sh && !other_initial;
        const char *where = other_initial ? "by another TCP/IP stack"
                            : rh < sh     ? "nearer the capture point"
                                          : "farther from the capture point";
        char ttls[48];
        rst_print_ttls_str(f, ttls, sizeof ttls);
        add_reason(a, RST_REASON_TTL, stable && !farther_than_syn, &r->ref,
                   "the RST in the %s's name arrived with TTL %u, the %s's %s with TTL %s: it was "
                   "made %s (%d hop%s, against %d)", who, r->ttl, who, pk, ttls, where, rh,
                   rh == 1 ? "" : "s", sh);
    } else if (f->n_ttls > 0) {
        append(consistent, cl, "TTL %u (as its %s)", r->ttl, pk);
        append_word(a->matches, sizeof a->matches, "TTL %u", r->ttl);
    }

    /* Ethernet source. */
    if (r->has_mac && f->has_mac && !f->mac_varies) {
        if (memcmp(r->mac, f->mac, 6) != 0) {
            char m1[24], m2[24];
            rst_mac_str(r->mac, m1, sizeof m1);
            rst_mac_str(f->mac, m2, sizeof m2);
            add_reason(a, RST_REASON_MAC, true, &r->ref,
                       "the RST came from Ethernet address %s, every earlier %s packet from %s", m1,
                       who, m2);
        } else {
            append(consistent, cl, "Ethernet source");
            append_word(a->matches, sizeof a->matches, "Ethernet source");
        }
    }

    /* IP ID numbering (supporting only: see the file comment). */
    rst_ipid_kind k = rst_print_ipid_kind(f);
    if (r->has_ip_id && k == RST_IPID_INCREMENTING) {
        uint16_t step = (uint16_t)(r->ip_id - f->ip_id_last);
        if (r->ip_id == 0 || step == 0 || step > IPID_RST_STEP) {
            add_reason(a, RST_REASON_IPID, false, &r->ref,
                       "the RST has IP ID 0x%04x while the %s numbers its packets with a counter "
                       "(last 0x%04x)", r->ip_id, who, f->ip_id_last);
        } else {
            append(consistent, cl, "IP ID 0x%04x after 0x%04x", r->ip_id, f->ip_id_last);
            append_word(a->matches, sizeof a->matches, "IP ID");
        }
    } else if (r->has_ip_id && k == RST_IPID_ZERO && r->ip_id == 0) {
        append(consistent, cl, "IP ID 0 as its %s", pk);
    }

    /* TCP timestamp clock (RFC 7323 5.4). */
    if (r->has_ts && f->has_ts) {
        int64_t el = rt_time_diff_us(r->ref.ts, f->ts_last_time);
        uint64_t allowed = (uint64_t)(el > 0 ? el / 1000 : 0) + TS_SLACK_TICKS;
        uint32_t fwd = r->tsval - f->ts_last;
        if (seq_lt(r->tsval, f->ts_last) || fwd > allowed) {
            add_reason(a, RST_REASON_TS, true, &r->ref,
                       "the RST's TCP timestamp %u is off the %s's clock (its last was %u, %.1f s "
                       "before)", r->tsval, who, f->ts_last, (double)el / 1e6);
        } else {
            append(consistent, cl, "TCP timestamp clock");
            append_word(a->matches, sizeof a->matches, "TCP clock");
        }
    }
}

static void examine_numbers(const connection *c, const rst_seen *r, rst_analysis *a,
                            const char *who, char *consistent, size_t cl)
{
    const conn_dir *snd = &c->dir[r->dir], *rcv = &c->dir[r->dir ^ 1];
    /* Sequence: a host resets with a number between what the other end
     * acknowledged and its own next one (RFC 9293 3.10.7; RFC 5961 3.2). */
    if (r->sender_seq_known && r->receiver_ack_known && !snd->reasm.gaps) {
        uint32_t lo = r->receiver_ack, hi = r->sender_next_seq;
        if (seq_lt(hi, lo)) {
            uint32_t t = lo;
            lo = hi;
            hi = t;
        }
        if (seq_le(lo, r->seq) && seq_le(r->seq, hi)) {
            append(consistent, cl, "sequence number");
            append_word(a->matches, sizeof a->matches, "sequence number");
        } else {
            uint32_t d = seq_dist(r->seq, seq_lt(r->seq, lo) ? lo : hi);
            add_reason(a, RST_REASON_SEQ, true, &r->ref,
                       "the RST's sequence number %u is %u away from anything the %s used (next "
                       "%u, acknowledged by the other end up to %u)", r->seq, d, who,
                       r->sender_next_seq, r->receiver_ack);
        }
    }
    /* Acknowledgment: never behind what it acknowledged before, never
     * beyond what the other end sent. */
    if ((r->flags & TCP_ACK) && r->sender_ack_known && r->receiver_seq_known && !rcv->reasm.gaps) {
        if (seq_lt(r->ack, r->sender_ack) || seq_lt(r->receiver_next_seq, r->ack))
            add_reason(a, RST_REASON_ACK, true, &r->ref,
                       "the RST acknowledges %u, but the %s had acknowledged up to %u and the "
                       "other end had sent up to %u", r->ack, who, r->sender_ack,
                       r->receiver_next_seq);
        else
            append(consistent, cl, "acknowledgment number");
    }
}

static void examine_behaviour(const connection *c, const rst_seen *r, rst_analysis *a,
                              const char *who, char *consistent, size_t cl)
{
    const rst_origin *o = &c->rst_facts;
    /* Timing: an answer from the sender needs at least the round trip. */
    int64_t rtt = rst_origin_rtt_to(o, r->dir);
    if (r->provoked_by.packet && rtt >= TIMING_MIN_RTT_US && r->delay_us >= 0) {
        char d[32], t[32], what[48];
        ms_str(r->delay_us, d, sizeof d);
        ms_str(rtt, t, sizeof t);
        packet_words(c, (direction)(r->dir ^ 1), &r->provoked_by, r->provoked_payload, what,
                     sizeof what);
        if (r->delay_us * 2 < rtt && rtt - r->delay_us >= TIMING_MIN_RTT_US)
            add_reason(a, RST_REASON_TIMING, true, &r->ref,
                       "the RST came %s after the %s's %s (packet %llu), but the %s answers "
                       "here no sooner than %s (its round trip): it was sent from nearer", d,
                       end_word((direction)(r->dir ^ 1)), what,
                       (unsigned long long)r->provoked_by.packet, who, t);
        else
            append(consistent, cl, "timing (%s after the %s's %s, round trip %s)", d,
                   end_word((direction)(r->dir ^ 1)), what, t);
    }
    /* RSTs to both ends at once. */
    for (unsigned i = 0; i < o->n_rst && i < RST_ORIGIN_MAX_RSTS; i++) {
        const rst_seen *r2 = &o->rst[i];
        if (r2->dir == r->dir)
            continue;
        int64_t dt = rt_time_diff_us(r2->ref.ts, r->ref.ts);
        if (dt < 0)
            dt = -dt;
        if (dt <= BOTH_ENDS_US) {
            char d[32];
            ms_str(dt, d, sizeof d);
            add_reason(a, RST_REASON_BOTH_ENDS, true, &r2->ref,
                       "RSTs went to both ends within %s (packets %llu and %llu): one device "
                       "reset both sides", d, (unsigned long long)r->ref.packet,
                       (unsigned long long)r2->ref.packet);
        }
        break;
    }
    /* It kept sending after "its" reset. */
    if (r->sent_after.packet)
        add_reason(a, RST_REASON_SENT_AFTER, true, &r->sent_after,
                   "the %s kept sending after the RST in its name (%u packet%s, the first is "
                   "packet %llu): a host that resets a connection sends nothing more on it", who,
                   r->packets_after, r->packets_after == 1 ? "" : "s",
                   (unsigned long long)r->sent_after.packet);
}

/* A SYN-ACK unlike the server's later packets: a device answered the SYN. */
static bool synack_unlike_later(const rst_origin *o, char *buf, size_t buflen)
{
    const rst_end *s = &o->end[DIR_S2C];
    if (!s->syn.packets || !s->later.packets || s->syn.n_ttls == 0)
        return false;
    if (!rst_print_has_ttl(&s->later, s->syn.ttls[0])) {
        char a[48], b[48];
        rst_print_ttls_str(&s->syn, a, sizeof a);
        rst_print_ttls_str(&s->later, b, sizeof b);
        text_fmt(buf, buflen, "the SYN-ACK arrived with TTL %s, later server packets with %s", a, b);
        return true;
    }
    if (s->syn.has_mac && s->later.has_mac && memcmp(s->syn.mac, s->later.mac, 6) != 0) {
        text_fmt(buf, buflen, "the SYN-ACK came from another Ethernet address than later server "
               "packets");
        return true;
    }
    return false;
}

static void examine_cross(const connection *c, const rst_seen *r, rst_analysis *a, const char *who)
{
    const rst_cross *x = &c->rst_facts.cross;
    if (!x->matched || !x->nearer_sender || x->sender_sent)
        return; /* decided in write_confirmed(), or nothing to say */
    /* Decisive: the capture nearer the sender shows it sent no RST. Counted
     * as two strong reasons (an observation, not an inference). */
    char extra[96] = "";
    if (x->receiver_reset)
        text_fmt(extra, sizeof extra, ", and there the %s itself received a RST (packet %llu)", who,
               (unsigned long long)x->receiver_rst.packet);
    else if (x->never_got)
        text_fmt(extra, sizeof extra, ", and the packet the RST answers never reached it there");
    add_reason(a, RST_REASON_CROSS_CAPTURE, true, &r->ref,
               "the %s-side capture (input %u, connection %u, %s) shows the %s sending no RST%s",
               who, x->capture, x->connection, x->exact ? "the same TCP connection" : "relayed",
               who, extra);
    a->strong++;
    (void)r;
}

/* ---- the decision ------------------------------------------------------- */

static const char *phase_words(verdict_phase p)
{
    switch (p) {
    case PHASE_TCP: return "while connecting";
    case PHASE_X224: return "during the RDP negotiation";
    case PHASE_TLS: return "during the TLS handshake";
    case PHASE_NLA: return "during Network Level Authentication";
    case PHASE_SESSION: return "during the session";
    default: return "during the RDP connection sequence";
    }
}

static void write_injected(connection *c, const rst_seen *r, rst_analysis *a)
{
    verdict *v = &c->v;
    const char *who = end_word(r->dir);
    char addr[64];
    text_addr(r->dir == DIR_S2C ? &c->server : &c->client, addr, sizeof addr);
    a->from = RST_FROM_INJECTED;
    a->confidence = a->strong >= 2 ? CONF_HIGH : CONF_MEDIUM;
    v->cause = CAUSE_RESET_INJECTED;
    v->confidence = a->confidence;
    v->rule = "reset_origin";
    v->key = r->ref;
    /* Short words per strong reason, for the detail. */
    char kinds[200] = "", ttls[48];
    rst_print_ttls_str(&r->sender, ttls, sizeof ttls);
    for (unsigned i = 0; i < a->n_reasons; i++) {
        if (!a->reasons[i].strong)
            continue;
        switch (a->reasons[i].kind) {
        case RST_REASON_TTL: append_word(kinds, sizeof kinds, "TTL %u vs %s", r->ttl, ttls); break;
        case RST_REASON_MAC: append_word(kinds, sizeof kinds, "other Ethernet source"); break;
        case RST_REASON_TIMING: append_word(kinds, sizeof kinds, "faster than the round trip"); break;
        case RST_REASON_BOTH_ENDS: append_word(kinds, sizeof kinds, "RSTs to both ends"); break;
        case RST_REASON_SENT_AFTER: append_word(kinds, sizeof kinds, "the %s kept sending", who); break;
        case RST_REASON_SEQ: append_word(kinds, sizeof kinds, "sequence number"); break;
        case RST_REASON_ACK: append_word(kinds, sizeof kinds, "acknowledgment number"); break;
        case RST_REASON_TS: append_word(kinds, sizeof kinds, "TCP timestamp"); break;
        case RST_REASON_CROSS_CAPTURE:
            append_word(kinds, sizeof kinds, "not sent in the %s-side capture", who);
            break;
        default: break;
        }
    }
    text_fmt(v->detail, sizeof v->detail, "RST in the %s's name (%s) not sent by it: %s", who, addr,
           kinds);
    const rst_reason *first = NULL;
    for (unsigned i = 0; i < a->n_reasons && !first; i++)
        if (a->reasons[i].strong)
            first = &a->reasons[i];
    text_fmt(v->summary, sizeof v->summary,
           "The reset that ended the connection %s carries the %s's address (%s) but was sent by "
           "a device on the path (endpoint security, an IPS or a firewall): %s.%s",
           phase_words(v->phase), who, addr, first ? first->text : "",
           a->n_reasons > 1 ? " Other signs agree (see the evidence)." : "");
    for (unsigned i = 0; i < a->n_reasons; i++)
        verdict_add_evidence(v, &a->reasons[i].ref, "%s: %s",
                             a->reasons[i].strong ? "Not from the sender" : "Also unlike the sender",
                             a->reasons[i].text);
}

void rules_reset_check_text(verdict_phase phase, char *buf, size_t buflen)
{
    text_fmt(buf, buflen,
           "On the server: %sthe RDP service's logs at that time. On both machines: the "
           "endpoint-security or firewall product's log for TCP 3389 and mstsc.exe. A second "
           "capture on the server side at the same time: rdptriage -r client.pcap -r "
           "server.pcap then tells a reset the server never sent.",
           phase == PHASE_TLS ? "the System log's Schannel events 36874 and 36888, and " : "");
}

/* One thing that points to a device on the path: kept for the report and
 * cited as evidence. */
static void device_point(verdict *v, rst_analysis *a, const pkt_ref *ref, const char *text)
{
    append(a->for_device, sizeof a->for_device, "%s", text);
    verdict_add_evidence(v, ref, "Points to a device on the path: %s", text);
}

static void write_undecided(connection *c, const rst_seen *r, rst_analysis *a,
                            const pkt_ref *client_msg, uint32_t client_len)
{
    verdict *v = &c->v;
    const rst_origin *o = &c->rst_facts;
    char addr[64], what[48], d[32], s[120];
    text_addr(&c->server, addr, sizeof addr);
    packet_words(c, DIR_C2S, client_msg, client_len, what, sizeof what);
    ms_str(rt_time_diff_us(r->ref.ts, client_msg->ts), d, sizeof d);
    a->from = RST_FROM_UNDECIDED;
    a->confidence = CONF_LOW;

    /* What points to a device: each item also an evidence line. */
    char item[300];
    text_fmt(item, sizeof item, "the reset was the only answer to the client's %s (%s later)", what, d);
    device_point(v, a, client_msg, item);
    if (r->sender.n_ttls == 1 && initial_ttl(r->ttl) && rst_print_has_ttl(&r->sender, r->ttl)) {
        text_fmt(item, sizeof item,
               "every packet from %s arrives with TTL %u, an initial value: no router between, so "
               "they were made on this network segment (by a device, unless the server is on it)",
               addr, r->ttl);
        device_point(v, a, NULL, item);
    }
    if (synack_unlike_later(o, s, sizeof s))
        device_point(v, a, &o->synack, s);
    for (unsigned i = 0; i < a->n_reasons; i++)
        device_point(v, a, &a->reasons[i].ref, a->reasons[i].text);
    /* What points to the server. */
    verdict_add_evidence(v, &r->ref, "Points to the server: the RST matches its packets in %s",
                         a->consistent[0] ? a->consistent : "everything compared");
    bool tls = v->phase == PHASE_TLS;
    verdict_add_evidence(v, NULL, "To decide, on the server: %sthe RDP service's logs at that time",
                         tls ? "Schannel events 36874/36888 (System log) and " : "");
    verdict_add_evidence(v, NULL, "To decide, on both machines: the endpoint-security or firewall "
                         "product's log for TCP 3389 and mstsc.exe");
    verdict_add_evidence(v, NULL, "To decide, a second capture on the server side at the same "
                         "time: rdptriage -r client.pcap -r server.pcap then tells a reset the "
                         "server never sent");

    v->confidence = CONF_LOW;
    v->rule = "reset_origin";
    v->key = r->ref;
    text_fmt(v->detail, sizeof v->detail,
           "RST %s after the client's %s, no answer first: the server or a TCP-terminating device",
           d, what);
    text_fmt(v->summary, sizeof v->summary,
           "Reset in the server's name %s after the client's %s, before any answer. One capture "
           "point cannot tell who sent it: the server itself (the RST matches its packets: %s) "
           "or a device on the path that terminates TCP (transparent proxy, TLS inspection, IPS, "
           "endpoint security). Check %son the server, the security product's log on both "
           "machines, or capture on the server side too.",
           d, what, a->matches[0] ? a->matches : "nothing differs",
           tls ? "Schannel events 36874/36888 " : "the event logs ");
}

/* The capture nearer the claimed sender shows it sending this reset. */
static void write_confirmed(connection *c, const rst_seen *r, rst_analysis *a)
{
    verdict *v = &c->v;
    const rst_cross *x = &c->rst_facts.cross;
    const char *who = end_word(r->dir);
    char addr[64];
    text_addr(r->dir == DIR_S2C ? &c->server : &c->client, addr, sizeof addr);
    a->from = RST_FROM_SENDER;
    a->confidence = CONF_HIGH;
    v->confidence = CONF_HIGH;
    v->rule = "reset_origin";
    v->key = r->ref;
    text_fmt(v->detail, sizeof v->detail, "RST sent by the %s itself (seen at the capture point nearer it)",
           who);
    text_fmt(v->summary, sizeof v->summary,
           "The %s (%s) reset the connection %s itself: of the two captures of this connection, "
           "the one nearer the %s shows the reset leaving it, so no device on the path between "
           "them forged it. Look at the %s's logs at that time (and any security product on it).",
           who, addr, phase_words(v->phase), who, who);
    if (x->nearer_sender)
        verdict_add_evidence(v, &x->ref,
                             "The %s-side capture (input %u, connection %u) shows the %s sending "
                             "this reset (packet %llu there)", who, x->capture, x->connection, who,
                             (unsigned long long)x->ref.packet);
    else
        verdict_add_evidence(v, &r->ref,
                             "This capture is nearer the %s than input %u (found from %s) and shows "
                             "the reset leaving the %s%s", who, x->capture, x->placed_by, who,
                             x->seen_there ? "; there it arrives too" : "");
    for (unsigned i = 0; i < a->n_reasons; i++)
        verdict_add_evidence(v, &a->reasons[i].ref, "Unusual, though the %s sent it: %s", who,
                             a->reasons[i].text);
}

void rules_reset_refine(connection *c)
{
    rst_origin *o = &c->rst_facts;
    rst_analysis *a = &o->result;
    verdict *v = &c->v;
    /* Reset field by field: the texts (1.8 KiB) are read up to their NUL,
     * the reasons up to n_reasons. */
    a->from = RST_FROM_UNEXAMINED;
    a->rst_index = -1;
    a->claimed = DIR_C2S;
    a->confidence = CONF_HIGH;
    a->strong = a->supporting = 0;
    a->n_reasons = a->reasons_dropped = 0;
    a->consistent[0] = a->matches[0] = a->for_device[0] = '\0';
    direction claimed;
    if (v->cause == CAUSE_RESET_BY_SERVER ||
        (v->cause == CAUSE_REFUSED && server_dir(c)->rst.packet && !c->icmp.packet))
        claimed = DIR_S2C;
    else if (v->cause == CAUSE_RESET_BY_CLIENT)
        claimed = DIR_C2S;
    else
        return;
    int idx = -1;
    for (unsigned i = 0; i < o->n_rst && i < RST_ORIGIN_MAX_RSTS && idx < 0; i++)
        if (o->rst[i].dir == claimed)
            idx = (int)i;
    if (idx < 0)
        return;
    const rst_seen *r = &o->rst[idx];
    const char *who = end_word(claimed);
    a->rst_index = idx;
    a->claimed = claimed;
    a->from = RST_FROM_SENDER;
    a->confidence = v->confidence;

    examine_fingerprint(c, r, a, who, a->consistent, sizeof a->consistent);
    examine_numbers(c, r, a, who, a->consistent, sizeof a->consistent);
    examine_behaviour(c, r, a, who, a->consistent, sizeof a->consistent);
    examine_cross(c, r, a, who);
    /* A SYN-ACK unlike the later server packets, and a RST like that SYN-ACK:
     * the device that answered the SYN (a SYN or TCP proxy) sent the RST. */
    char s[120];
    const rst_print *sa = &o->end[DIR_S2C].syn;
    if (claimed == DIR_S2C && !r->sender_from_syn && synack_unlike_later(o, s, sizeof s) &&
        rst_print_has_ttl(sa, r->ttl) && !rst_print_has_ttl(&r->sender, r->ttl))
        add_reason(a, RST_REASON_SYNACK, false, &o->synack,
                   "the RST has the TTL of the SYN-ACK (%u), and %s: the device that answered the "
                   "SYN sent the RST too", r->ttl, s);

    const rst_cross *x = &o->cross;
    if (x->matched && x->sender_sent) {
        write_confirmed(c, r, a);
        return;
    }
    if (a->strong > 0) {
        write_injected(c, r, a);
        return;
    }
    /* The server's reset as its only answer to the client's message. */
    const conn_dir *cl = client_dir(c), *sv = server_dir(c);
    if (claimed == DIR_S2C && v->cause == CAUSE_RESET_BY_SERVER && cl->last_data.packet &&
        cl->last_data.packet < r->ref.packet && sv->last_data.packet < cl->last_data.packet) {
        const rst_end *ce = &o->end[DIR_C2S];
        uint32_t len = ce->last_data.packet == cl->last_data.packet ? ce->last_payload : 0;
        if (r->provoked_by.packet == cl->last_data.packet)
            len = r->provoked_payload;
        write_undecided(c, r, a, &cl->last_data, len);
        return;
    }
    /* The sender's own reset; doubts, if any, lower the confidence. */
    if (a->supporting > 0) {
        v->confidence = CONF_LOW;
        a->confidence = CONF_LOW;
        for (unsigned i = 0; i < a->n_reasons; i++)
            verdict_add_evidence(v, &a->reasons[i].ref, "Unlike the %s, though not proof: %s", who,
                                 a->reasons[i].text);
    } else if (a->consistent[0]) {
        verdict_add_evidence(v, &r->ref, "The RST matches the %s's own packets in %s", who,
                             a->consistent);
    }
}

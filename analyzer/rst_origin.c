/* rst_origin.c - the facts about who sent each RST of a connection (see
 * rst_origin.h). Called once per TCP packet; reads the decoded headers only
 * (the TCP options through explicit bounds checks), allocates nothing, and
 * keeps at most RST_ORIGIN_MAX_RSTS resets per connection.
 *
 * Why these facts (RFC 9293, RFC 7323, RFC 5961):
 * - A host's packets on one connection leave it with one initial TTL and
 *   cross the same routers, so they arrive with one TTL; a device on the path
 *   that forges a RST in the host's name starts its own count.
 * - A host numbers its IPv4 packets with one counter (per connection on Linux,
 *   global on Windows); a forged RST carries 0 or its own number.
 * - A host's TCP timestamps come from one clock (RFC 7323 section 5.4).
 * - A host resets with its own next sequence number (RFC 9293 3.10.7.1) and
 *   acknowledges only what it received; RFC 5961 makes off-path injectors
 *   guess, so guesses show as numbers the host would not use.
 * - A host that reset a connection sends nothing more on it.
 * - An answer cannot arrive sooner than the round trip to whoever answers.
 */
#include "rst_origin.h"
#include "textfmt.h"

#include <stdio.h>
#include <string.h>

/* IP ID steps up to this size count as "the same counter": a global
 * counter (Windows) advances with the host's other traffic too. */
#define IPID_SMALL_STEP 1024u

static bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }

void rst_origin_init(rst_origin *o)
{
    memset(o, 0, sizeof *o);
    o->rtt_server_us = -1;
    o->rtt_client_us = -1;
    o->min_answer_us[0] = o->min_answer_us[1] = -1;
    o->result.rst_index = -1;
    o->initialized = true;
}

/* The option kinds of a segment, in order, as letters; and its TSval.
 * Options are walked with explicit bounds (RFC 9293 3.1: kind, length). */
static void parse_options(const decoded_packet *p, char *layout, bool *has_ts, uint32_t *tsval)
{
    size_t n = 0;
    unsigned len = p->tcp.options_len <= sizeof p->tcp.options ? p->tcp.options_len : 0;
    const uint8_t *o = p->tcp.options;
    *has_ts = false;
    *tsval = 0;
    for (unsigned i = 0; i < len;) {
        uint8_t kind = o[i];
        char letter;
        unsigned olen;
        if (kind == 0 || kind == 1) {
            letter = kind == 0 ? 'E' : 'N';
            olen = 1;
        } else {
            if (i + 1 >= len || o[i + 1] < 2 || i + o[i + 1] > len)
                break; /* truncated or lying length: stop, keep what was read */
            olen = o[i + 1];
            switch (kind) {
            case 2: letter = 'M'; break;
            case 3: letter = 'W'; break;
            case 4: letter = 'S'; break;
            case 5: letter = 'K'; break;
            case 8:
                letter = 'T';
                if (olen == 10) {
                    *has_ts = true;
                    *tsval = (uint32_t)o[i + 2] << 24 | (uint32_t)o[i + 3] << 16 |
                             (uint32_t)o[i + 4] << 8 | o[i + 5];
                }
                break;
            default: letter = '?'; break;
            }
        }
        if (n < RST_ORIGIN_LAYOUT)
            layout[n++] = letter;
        if (kind == 0)
            break;
        i += olen;
    }
    layout[n] = '\0';
}

static void print_add_ttl(rst_print *f, uint8_t ttl)
{
    if (rst_print_has_ttl(f, ttl))
        return;
    if (f->n_ttls < RST_ORIGIN_MAX_TTLS)
        f->ttls[f->n_ttls++] = ttl;
    else
        f->ttls_capped = true;
}

static void print_learn(rst_print *f, const decoded_packet *p, const pkt_ref *ref)
{
    f->packets++;
    print_add_ttl(f, p->ttl);
    if (p->has_mac) {
        if (!f->has_mac) {
            f->has_mac = true;
            memcpy(f->mac, p->src_mac, 6);
        } else if (memcmp(f->mac, p->src_mac, 6) != 0) {
            f->mac_varies = true;
        }
    }
    if (p->has_ip_id) {
        if (f->has_ip_id) {
            uint16_t step = (uint16_t)(p->ip_id - f->ip_id_last);
            f->ip_id_steps++;
            if (step >= 1 && step <= IPID_SMALL_STEP)
                f->ip_id_small_steps++;
        }
        f->has_ip_id = true;
        f->ip_id_samples++;
        if (p->ip_id == 0)
            f->ip_id_zero++;
        f->ip_id_last = p->ip_id;
    }
    f->window_last = p->tcp.window;
    char layout[RST_ORIGIN_LAYOUT + 1];
    bool has_ts;
    uint32_t tsval;
    parse_options(p, layout, &has_ts, &tsval);
    if (f->packets == 1)
        memcpy(f->layout, layout, sizeof layout);
    if (has_ts) {
        if (f->has_ts && seq_lt(tsval, f->ts_last))
            f->ts_went_back = true;
        f->has_ts = true;
        f->ts_last = tsval;
        f->ts_last_time = ref->ts;
    }
}

static void record_rst(rst_origin *o, direction dir, const decoded_packet *p, const pkt_ref *ref)
{
    /* The first RST of each end: the one that ended the connection and,
     * for "resets to both ends", the other end's. */
    for (unsigned i = 0; i < o->n_rst && i < RST_ORIGIN_MAX_RSTS; i++) {
        if (o->rst[i].dir == dir) {
            o->rst_dropped++;
            return;
        }
    }
    if (o->n_rst >= RST_ORIGIN_MAX_RSTS) {
        o->rst_dropped++;
        return;
    }
    const rst_end *me = &o->end[dir], *peer = &o->end[dir ^ 1];
    rst_seen *r = &o->rst[o->n_rst++];
    memset(r, 0, sizeof *r);
    r->dir = dir;
    r->ref = *ref;
    r->flags = p->tcp.flags;
    r->ttl = p->ttl;
    r->has_ip_id = p->has_ip_id;
    r->ip_id = p->ip_id;
    r->window = p->tcp.window;
    parse_options(p, r->layout, &r->has_ts, &r->tsval);
    r->has_mac = p->has_mac;
    if (p->has_mac)
        memcpy(r->mac, p->src_mac, 6);
    r->seq = p->tcp.seq;
    r->ack = p->tcp.ack;
    r->sender_from_syn = me->later.packets == 0;
    r->sender = r->sender_from_syn ? me->syn : me->later;
    r->sender_seq_known = me->seq_known;
    r->sender_next_seq = me->next_seq;
    r->sender_ack_known = me->ack_known;
    r->sender_ack = me->ack_high;
    r->receiver_seq_known = peer->seq_known;
    r->receiver_next_seq = peer->next_seq;
    r->receiver_ack_known = peer->ack_known;
    r->receiver_ack = peer->ack_high;
    if (peer->last.packet) {
        r->provoked_by = peer->last;
        r->provoked_payload = peer->last_payload;
        r->delay_us = rt_time_diff_us(ref->ts, peer->last.ts);
    }
}

void rst_origin_observe(rst_origin *o, direction dir, const decoded_packet *p, const pkt_ref *ref)
{
    if (dir != DIR_C2S && dir != DIR_S2C)
        return;
    if (!o->initialized)
        rst_origin_init(o);
    rst_end *me = &o->end[dir], *peer = &o->end[dir ^ 1];
    uint8_t fl = p->tcp.flags;

    if (fl & TCP_RST) {
        record_rst(o, dir, p, ref);
        me->rst_sent = true;
        return;
    }
    if (me->rst_sent) {
        /* It keeps sending after a RST in its name. */
        for (unsigned i = 0; i < o->n_rst; i++) {
            rst_seen *r = &o->rst[i];
            if (r->dir != dir)
                continue;
            if (!r->sent_after.packet)
                r->sent_after = *ref;
            r->packets_after++;
        }
    }

    /* The handshake as seen here (RFC 9293 3.5). A retransmitted SYN
     * restarts the clock: the SYN-ACK answers the latest one. */
    bool syn = (fl & TCP_SYN) != 0;
    if (syn && !(fl & TCP_ACK) && dir == DIR_C2S && !o->synack.packet) {
        o->syn = *ref;
        o->client_isn = p->tcp.seq;
        o->has_client_isn = true;
    } else if (syn && (fl & TCP_ACK) && dir == DIR_S2C && !o->synack.packet) {
        o->synack = *ref;
        o->server_isn = p->tcp.seq;
        o->has_server_isn = true;
        if (o->syn.packet)
            o->rtt_server_us = rt_time_diff_us(ref->ts, o->syn.ts);
    } else if (!syn && (fl & TCP_ACK) && dir == DIR_C2S && o->synack.packet && !o->ack.packet) {
        o->ack = *ref;
        o->rtt_client_us = rt_time_diff_us(ref->ts, o->synack.ts);
    }

    if (!me->rst_sent)
        print_learn(syn ? &me->syn : &me->later, p, ref);

    /* The fastest acknowledgment of new data: an upper bound of the round
     * trip from here to this end (delayed ACKs only make it longer). */
    if ((fl & TCP_ACK) && peer->last_data.packet && !peer->last_data_answered &&
        peer->seq_known && !seq_lt(p->tcp.ack, peer->next_seq)) {
        int64_t d = rt_time_diff_us(ref->ts, peer->last_data.ts);
        if (d >= 0 && (o->min_answer_us[dir] < 0 || d < o->min_answer_us[dir]))
            o->min_answer_us[dir] = d;
        peer->last_data_answered = true;
    }

    uint32_t end = p->tcp.seq + p->tcp.payload_len + (syn ? 1u : 0u) + ((fl & TCP_FIN) ? 1u : 0u);
    if (!me->seq_known || seq_lt(me->next_seq, end)) {
        me->next_seq = end;
        me->seq_known = true;
    }
    if (fl & TCP_ACK) {
        if (!me->ack_known || seq_lt(me->ack_high, p->tcp.ack)) {
            me->ack_high = p->tcp.ack;
            me->ack_known = true;
        }
    }
    me->last = *ref;
    me->last_payload = p->tcp.payload_len;
    if (p->tcp.payload_len > 0) {
        me->last_data = *ref;
        me->last_data_answered = false;
    }
}

/* ---- helpers ------------------------------------------------------------ */

const char *rst_ipid_kind_name(rst_ipid_kind k)
{
    switch (k) {
    case RST_IPID_ZERO: return "zero";
    case RST_IPID_INCREMENTING: return "incrementing";
    case RST_IPID_RANDOM: return "random";
    default: return "unknown";
    }
}

rst_ipid_kind rst_print_ipid_kind(const rst_print *f)
{
    if (f->ip_id_samples == 0)
        return RST_IPID_UNKNOWN;
    if (f->ip_id_zero == f->ip_id_samples)
        return RST_IPID_ZERO;
    if (f->ip_id_steps == 0)
        return RST_IPID_UNKNOWN;
    /* Three steps in four small: one counter (a few packets of other
     * connections may interleave with a global counter). */
    if (f->ip_id_small_steps * 4 >= f->ip_id_steps * 3)
        return RST_IPID_INCREMENTING;
    return f->ip_id_steps >= 2 ? RST_IPID_RANDOM : RST_IPID_UNKNOWN;
}

bool rst_print_has_ttl(const rst_print *f, uint8_t ttl)
{
    for (unsigned i = 0; i < f->n_ttls && i < RST_ORIGIN_MAX_TTLS; i++)
        if (f->ttls[i] == ttl)
            return true;
    return false;
}

void rst_print_ttls_str(const rst_print *f, char *buf, size_t buflen)
{
    size_t n = 0;
    if (buflen == 0)
        return;
    buf[0] = '\0';
    for (unsigned i = 0; i < f->n_ttls && i < RST_ORIGIN_MAX_TTLS && n < buflen; i++) {
        int w = text_fmt(buf + n, buflen - n, "%s%u", i ? "," : "", (unsigned)f->ttls[i]);
        if (w < 0)
            break;
        n += (size_t)w;
    }
}

void rst_mac_str(const uint8_t mac[6], char *buf, size_t buflen)
{
    text_fmt(buf, buflen, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
           mac[5]);
}

static const char *const reason_names[RST_REASON_COUNT] = {
    [RST_REASON_TTL] = "ttl",
    [RST_REASON_MAC] = "mac",
    [RST_REASON_TIMING] = "timing",
    [RST_REASON_BOTH_ENDS] = "both_ends",
    [RST_REASON_SENT_AFTER] = "sent_after_rst",
    [RST_REASON_SEQ] = "seq",
    [RST_REASON_ACK] = "ack",
    [RST_REASON_TS] = "timestamp",
    [RST_REASON_IPID] = "ip_id",
    [RST_REASON_SYNACK] = "syn_ack",
    [RST_REASON_CROSS_CAPTURE] = "other_capture",
};

const char *rst_reason_kind_name(rst_reason_kind k)
{
    return (unsigned)k < RST_REASON_COUNT ? reason_names[k] : "unknown";
}

const char *rst_from_name(rst_from f)
{
    switch (f) {
    case RST_FROM_SENDER: return "sender";
    case RST_FROM_INJECTED: return "injected";
    case RST_FROM_UNDECIDED: return "undecided";
    default: return "unexamined";
    }
}

int64_t rst_origin_rtt_to(const rst_origin *o, direction end)
{
    if (end != DIR_C2S && end != DIR_S2C)
        return -1;
    int64_t hs = end == DIR_S2C ? o->rtt_server_us : o->rtt_client_us;
    int64_t ans = o->min_answer_us[end];
    if (hs < 0)
        return ans;
    if (ans < 0)
        return hs;
    return hs < ans ? hs : ans;
}

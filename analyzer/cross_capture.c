/* cross_capture.c - the same connection seen by two capture points
 * (rdptriage -r client.pcap -r server.pcap): a RST that one side shows
 * arriving and the side nearer its claimed sender never shows leaving was
 * not sent by that end.
 *
 * Matching (after every input is read):
 *   exact    same 4-tuple, and the same initial sequence numbers where both
 *            captures hold the SYN / SYN-ACK (RFC 9293 3.4: an ISN names one
 *            incarnation of a 4-tuple);
 *   relayed  a device between the capture points terminates TCP (transparent
 *            proxy) or translates addresses: the same server endpoint, the
 *            same X.224 Connection Request (requested protocols and cookie,
 *            which a relay passes on unchanged), starts within
 *            RELAY_WINDOW_US, and only one candidate.
 * Which capture is nearer the claimed sender: fewer hops from it (TTL of its
 * packets), else more hops from the other end, else the handshake timing
 * (near the server, SYN -> SYN-ACK is short and SYN-ACK -> ACK long), else
 * the order of the inputs (the first -r is taken as the client side).
 *
 * The facts found go into each connection's rst_facts.cross; the decision
 * is rules_reset.c's, run again through diagnose_connection().
 */
#include "analysis.h"
#include "textfmt.h"
#include "diagnosis.h"
#include "retries.h"
#include "rst_origin.h"
#include "rules.h"

#include <string.h>

/* Starts of a relayed pair: the relay connects on at once. */
#define RELAY_WINDOW_US (5LL * 1000000LL)
/* Starts of an exact pair without ISNs to compare. */
#define EXACT_WINDOW_US (120LL * 1000000LL)
/* Handshake legs must differ by this much to place a capture point. */
#define TIMING_MARGIN_US 500
/* Connections with a reset verdict examined at most (each scans the list). */
#define CROSS_MAX_EXAMINED 20000u

static int64_t abs64(int64_t v) { return v < 0 ? -v : v; }

static bool is_reset_verdict(const connection *c)
{
    return c->rst_facts.result.rst_index >= 0 &&
           (c->v.cause == CAUSE_RESET_BY_SERVER || c->v.cause == CAUSE_RESET_BY_CLIENT ||
            c->v.cause == CAUSE_RESET_INJECTED || c->v.cause == CAUSE_REFUSED);
}

static int hops_to(const connection *c, direction end);

static bool exact_match(const connection *a, const connection *b)
{
    if (!rt_addr_eq(&a->client, &b->client) || !rt_addr_eq(&a->server, &b->server) ||
        a->client_port != b->client_port || a->server_port != b->server_port)
        return false;
    const rst_origin *x = &a->rst_facts, *y = &b->rst_facts;
    bool isn = false;
    if (x->has_client_isn && y->has_client_isn) {
        if (x->client_isn != y->client_isn)
            return false;
        isn = true;
    }
    if (x->has_server_isn && y->has_server_isn) {
        if (x->server_isn != y->server_isn)
            return false;
        isn = true;
    }
    return isn || abs64(rt_time_diff_us(a->start.ts, b->start.ts)) <= EXACT_WINDOW_US;
}

static bool same_request(const connection *a, const connection *b)
{
    if (!a->has_cr || !b->has_cr)
        return false;
    if (a->cr.has_neg_req != b->cr.has_neg_req ||
        (a->cr.has_neg_req && a->cr.requested_protocols != b->cr.requested_protocols))
        return false;
    if (a->cr.has_cookie != b->cr.has_cookie ||
        (a->cr.has_cookie && strcmp(a->cr.cookie, b->cr.cookie) != 0))
        return false;
    return true;
}

static bool relayed_match(const connection *a, const connection *b)
{
    if (!rt_addr_eq(&a->server, &b->server) || a->server_port != b->server_port)
        return false;
    if (rt_addr_eq(&a->client, &b->client) && a->client_port == b->client_port)
        return false; /* the same tuple is for exact_match */
    return same_request(a, b) && abs64(rt_time_diff_us(a->start.ts, b->start.ts)) <= RELAY_WINDOW_US;
}

/* The connection in another input that is `a` seen from elsewhere. */
static const connection *find_match(const connection *a, const connection *first, bool *exact)
{
    const connection *relay = NULL;
    unsigned relays = 0;
    for (const connection *b = first; b; b = b->order_next) {
        if (b->capture_index == a->capture_index)
            continue;
        if (exact_match(a, b)) {
            /* The same file given twice (or two captures at one point)
             * tells nothing about who sent what. */
            if (rt_time_cmp(a->start.ts, b->start.ts) == 0 && rt_time_cmp(a->end.ts, b->end.ts) == 0 &&
                a->dir[0].packets == b->dir[0].packets && a->dir[1].packets == b->dir[1].packets &&
                hops_to(a, DIR_C2S) == hops_to(b, DIR_C2S) && hops_to(a, DIR_S2C) == hops_to(b, DIR_S2C))
                continue;
            *exact = true;
            return b;
        }
        if (relayed_match(a, b)) {
            relay = b;
            relays++;
        }
    }
    *exact = false;
    return relays == 1 ? relay : NULL;
}

/* Hops from `end` to the capture point of c, from its packets' TTL; -1 unknown. */
static int hops_to(const connection *c, direction end)
{
    const rst_end *e = &c->rst_facts.end[end];
    const rst_print *f = e->later.n_ttls ? &e->later : &e->syn;
    if (!f->n_ttls)
        return -1;
    uint8_t t = f->ttls[0];
    int initial = t <= 32 ? 32 : t <= 64 ? 64 : t <= 128 ? 128 : 255;
    return initial - t;
}

/* Is b's capture point nearer `end` than a's? */
static bool nearer(const connection *a, const connection *b, direction end, char *how, size_t hl)
{
    int ha = hops_to(a, end), hb = hops_to(b, end);
    if (ha >= 0 && hb >= 0 && ha != hb) {
        text_fmt(how, hl, "hop counts from the %s (%d here, %d there)",
               end == DIR_S2C ? "server" : "client", ha, hb);
        return hb < ha;
    }
    ha = hops_to(a, (direction)(end ^ 1));
    hb = hops_to(b, (direction)(end ^ 1));
    if (ha >= 0 && hb >= 0 && ha != hb) {
        text_fmt(how, hl, "hop counts from the %s (%d here, %d there)",
               end == DIR_S2C ? "client" : "server", ha, hb);
        return hb > ha;
    }
    const rst_origin *x = &a->rst_facts, *y = &b->rst_facts;
    if (x->rtt_server_us >= 0 && y->rtt_server_us >= 0 && x->rtt_client_us >= 0 &&
        y->rtt_client_us >= 0) {
        /* Near the server, its SYN-ACK follows the SYN at once and the
         * client's ACK comes a round trip later; near the client the other
         * way round. */
        int64_t da = x->rtt_server_us - x->rtt_client_us, db = y->rtt_server_us - y->rtt_client_us;
        if (abs64(da - db) >= TIMING_MARGIN_US) {
            text_fmt(how, hl, "handshake timing");
            return end == DIR_S2C ? db < da : db > da;
        }
    }
    text_fmt(how, hl, "input order (the first -r is taken as the client side)");
    return end == DIR_S2C ? b->capture_index > a->capture_index
                          : b->capture_index < a->capture_index;
}

/* Fills a's cross facts from b. Returns true when they are worth a new decision. */
static bool seq_before(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }

static bool cross_facts(connection *a, const connection *b, bool exact, rt_time capture_last)
{
    rst_origin *o = &a->rst_facts;
    const rst_analysis *res = &o->result;
    if (res->rst_index < 0 || res->rst_index >= RST_ORIGIN_MAX_RSTS)
        return false;
    const rst_seen *r = &o->rst[res->rst_index];
    direction e = r->dir;
    rst_cross *x = &o->cross;
    memset(x, 0, sizeof *x);
    x->matched = true;
    x->exact = exact;
    x->connection = b->id;
    x->capture = b->capture_index + 1;
    x->nearer_sender = nearer(a, b, e, x->placed_by, sizeof x->placed_by);
    const rst_origin *ob = &b->rst_facts;
    if (!x->nearer_sender) {
        /* This capture is the nearer one to the sender and shows the RST
         * leaving it; the other shows whether it arrived. */
        x->sender_sent = true;
        x->ref = r->ref;
        for (unsigned i = 0; i < ob->n_rst && i < RST_ORIGIN_MAX_RSTS && !x->seen_there; i++)
            x->seen_there = ob->rst[i].dir == e && (!exact || ob->rst[i].seq == r->seq);
        return true;
    }
    const rst_seen *sent = NULL;
    for (unsigned i = 0; i < ob->n_rst && i < RST_ORIGIN_MAX_RSTS; i++) {
        const rst_seen *rb = &ob->rst[i];
        if (rb->dir == e && (!sent || (exact && rb->seq == r->seq && sent->seq != r->seq)))
            sent = rb;
        if (rb->dir != e && !x->receiver_reset) {
            x->receiver_reset = true;
            x->receiver_rst = rb->ref;
        }
    }
    if (sent || ob->rst_dropped) {
        x->sender_sent = sent != NULL;
        x->ref = sent ? sent->ref : b->end;
        return sent != NULL;
    }
    /* No RST from it there: only meaningful if that capture saw the sender
     * at all and covers the moment of the RST: the connection ended there,
     * or that capture went on past the RST (same clock assumed), or the
     * packet that provoked the RST never reached that capture point (then
     * the sender cannot have answered it). */
    const conn_dir *bd = &b->dir[e];
    bool closed = b->dir[0].fin.packet || b->dir[1].fin.packet || b->dir[0].rst.packet ||
                  b->dir[1].rst.packet;
    bool covers = rt_time_cmp(capture_last, r->ref.ts) >= 0;
    bool never_got = false;
    const rst_end *pa = &o->end[e ^ 1], *pb = &ob->end[e ^ 1];
    if (exact && r->provoked_by.packet && r->provoked_payload > 0 && pa->seq_known)
        never_got = !pb->seq_known || seq_before(pb->next_seq, pa->next_seq);
    else if (!exact)
        never_got = b->dir[e ^ 1].payload_bytes < a->dir[e ^ 1].payload_bytes;
    if (!bd->packets || !(closed || covers || never_got)) {
        x->matched = false;
        return false;
    }
    x->never_got = never_got;
    x->ref = bd->last;
    return true;
}

unsigned cross_capture_decide(connection *first)
{
    bool several = false;
    for (const connection *c = first; c && !several; c = c->order_next)
        several = c->capture_index != first->capture_index;
    if (!several)
        return 0;
    /* Each decision reads the other capture's raw facts only (never its
     * verdict), so deciding one connection does not change another's. */
    /* How far each input goes: the last packet of its RDP connections. */
    rt_time last[ANALYSIS_MAX_INPUTS];
    memset(last, 0, sizeof last);
    for (const connection *c = first; c; c = c->order_next)
        if (c->capture_index < ANALYSIS_MAX_INPUTS && rt_time_cmp(c->end.ts, last[c->capture_index]) > 0)
            last[c->capture_index] = c->end.ts;
    unsigned changed = 0, examined = 0;
    for (connection *c = first; c && examined < CROSS_MAX_EXAMINED; c = c->order_next) {
        if (!is_reset_verdict(c))
            continue;
        examined++;
        bool exact = false;
        const connection *b = find_match(c, first, &exact);
        rt_time bl = b && b->capture_index < ANALYSIS_MAX_INPUTS ? last[b->capture_index] : c->end.ts;
        if (b && cross_facts(c, b, exact, bl)) {
            diagnose_connection(c);
            /* The new verdict keeps what retries.c said about the attempt
             * this one retries (the list is in id order: it comes first). */
            for (const connection *o = first; o && c->retry_of && o != c; o = o->order_next)
                if (o->id == c->retry_of) {
                    retries_restate(c, o);
                    break;
                }
            retries_restate_redirect(c); /* and what it says of a redirection it follows */
            changed++;
        }
    }
    return changed;
}

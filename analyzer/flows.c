/* flows.c - connection table (see flows.h). A hash over the unordered
 * 4-tuple finds the newest connection of a tuple; older ones with the same
 * tuple stay reachable only through the ordered list. */
#include "flows.h"

#include "retries.h"

#include <stdlib.h>
#include <string.h>

#define FLOWS_BUCKETS 65536u

bool flows_init(flow_table *t, uint32_t capture_index, const uint16_t *ports, unsigned n_ports,
                uint32_t max_connections, size_t max_buffered, uint32_t *next_id)
{
    memset(t, 0, sizeof *t);
    t->buckets = calloc(FLOWS_BUCKETS, sizeof *t->buckets);
    t->groups = calloc(FLOWS_BUCKETS, sizeof *t->groups);
    if (!t->buckets || !t->groups) {
        free(t->buckets);
        free(t->groups);
        t->buckets = NULL;
        t->groups = NULL;
        return false;
    }
    t->n_buckets = FLOWS_BUCKETS;
    t->capture_index = capture_index;
    t->ports = ports;
    t->n_ports = n_ports;
    t->max_connections = max_connections;
    t->max_buffered = max_buffered;
    t->next_id = next_id;
    return true;
}

bool flows_is_rdp_port(const flow_table *t, uint16_t port)
{
    for (unsigned i = 0; i < t->n_ports; i++)
        if (t->ports[i] == port)
            return true;
    return false;
}

/* FNV-1a over one endpoint. */
static uint32_t hash_endpoint(const rt_addr *a, uint16_t port)
{
    uint32_t h = 2166136261u;
    unsigned n = a->family == 6 ? 16 : 4;
    for (unsigned i = 0; i < n; i++)
        h = (h ^ a->a[i]) * 16777619u;
    h = (h ^ (port & 0xff)) * 16777619u;
    h = (h ^ (port >> 8)) * 16777619u;
    return h;
}

/* Symmetric: both directions of a connection hash alike. */
static uint32_t hash_tuple(const rt_addr *a, uint16_t ap, const rt_addr *b, uint16_t bp)
{
    uint32_t x = hash_endpoint(a, ap), y = hash_endpoint(b, bp);
    return (x ^ y) + (x < y ? x : y) * 31u;
}

/* Which direction the endpoint pair (src -> dst) is for connection c, or -1. */
static int match_dir(const connection *c, const rt_addr *src, uint16_t sp, const rt_addr *dst,
                     uint16_t dp)
{
    if (c->client_port == sp && c->server_port == dp && rt_addr_eq(&c->client, src) &&
        rt_addr_eq(&c->server, dst))
        return DIR_C2S;
    if (c->client_port == dp && c->server_port == sp && rt_addr_eq(&c->client, dst) &&
        rt_addr_eq(&c->server, src))
        return DIR_S2C;
    return -1;
}

static connection *lookup(flow_table *t, uint32_t h, const rt_addr *src, uint16_t sp,
                          const rt_addr *dst, uint16_t dp, int *dir)
{
    for (connection *c = t->buckets[h % t->n_buckets]; c; c = c->hash_next) {
        int d = match_dir(c, src, sp, dst, dp);
        if (d >= 0) {
            *dir = d;
            return c;
        }
    }
    return NULL;
}

/* The group of a connection: one client to one server port. */
static uint32_t hash_group(const connection *c)
{
    uint32_t x = hash_endpoint(&c->client, 0), y = hash_endpoint(&c->server, c->server_port);
    return x * 31u + y;
}

static bool same_group(const connection *a, const connection *b)
{
    return a->server_port == b->server_port && rt_addr_eq(&a->client, &b->client) &&
           rt_addr_eq(&a->server, &b->server);
}

static void lru_unlink(flow_table *t, connection *c)
{
    if (c->lru_list == FLOWS_LRU_NONE)
        return;
    flows_lru *l = &t->lru[c->lru_list];
    if (c->lru_prev)
        c->lru_prev->lru_next = c->lru_next;
    else
        l->head = c->lru_next;
    if (c->lru_next)
        c->lru_next->lru_prev = c->lru_prev;
    else
        l->tail = c->lru_prev;
    c->lru_prev = c->lru_next = NULL;
    c->lru_list = FLOWS_LRU_NONE;
}

static void lru_append(flow_table *t, connection *c, uint8_t which)
{
    lru_unlink(t, c);
    flows_lru *l = &t->lru[which];
    c->lru_prev = l->tail;
    if (l->tail)
        l->tail->lru_next = c;
    else
        l->head = c;
    l->tail = c;
    c->lru_list = which;
}

/* Moves c to the tail of its list: the most recently active. */
static void lru_touch(flow_table *t, connection *c)
{
    uint8_t which;
    if (c->closed)
        which = FLOWS_LRU_CLOSED;
    else if (!c->handshake_done && !c->dir[DIR_C2S].payload_bytes && !c->dir[DIR_S2C].payload_bytes)
        which = FLOWS_LRU_ATTEMPT;
    else if (c->client_by_syn && (c->dir[DIR_S2C].secure_pdus < FLOWS_SESSION_PDUS ||
                                  c->dir[DIR_C2S].secure_pdus < FLOWS_SESSION_PDUS / 2))
        which = FLOWS_LRU_SETUP; /* (joined mid-way: it may be a session, so not this) */
    else
        which = FLOWS_LRU_OPEN;
    if (c->lru_list == which && t->lru[which].tail == c)
        return;
    lru_append(t, c, which);
}

/* Packets of c's 4-tuple no longer find it (it stays due for retirement). */
static void unlink_bucket(flow_table *t, uint32_t h, connection *old)
{
    if (!old->in_table)
        return;
    connection **pp = &t->buckets[h % t->n_buckets];
    while (*pp && *pp != old)
        pp = &(*pp)->hash_next;
    if (*pp)
        *pp = old->hash_next;
    old->hash_next = NULL;
    old->in_table = false;
    t->count--;
}

static void group_unlink(flow_table *t, connection *c)
{
    if (!c->in_group)
        return;
    connection **pp = &t->groups[hash_group(c) % t->n_buckets];
    while (*pp && *pp != c)
        pp = &(*pp)->group_next;
    if (*pp)
        *pp = c->group_next;
    c->group_next = NULL;
    c->in_group = false;
}

/* Takes c out of every structure of the table and hands it over. */
static void retire_now(flow_table *t, connection *c)
{
    unlink_bucket(t, hash_tuple(&c->client, c->client_port, &c->server, c->server_port), c);
    group_unlink(t, c);
    lru_unlink(t, c);
    if (c->order_prev)
        c->order_prev->order_next = c->order_next;
    else if (t->first == c)
        t->first = c->order_next;
    if (c->order_next)
        c->order_next->order_prev = c->order_prev;
    else if (t->last == c)
        t->last = c->order_prev;
    c->order_next = c->order_prev = NULL;
    t->retire(t->retire_ctx, c);
}

/* Connections of a group scanned at most per decision: a NAT address with
 * very many sessions to one server must not make expiry quadratic. Past it,
 * a connection does not wait (a retry sentence may then be missed). */
#define GROUP_SCAN_MAX 64

/* The older connection of c's group that c must wait for, or NULL: one that
 * may still turn out to be the attempt c retries, i.e. one whose last packet
 * so far is in retries.h's window before c's first (from 30 s before to 1 s
 * after it). */
static connection *blocker(const flow_table *t, const connection *c)
{
    unsigned n = 0;
    for (connection *o = t->groups[hash_group(c) % t->n_buckets]; o && n < GROUP_SCAN_MAX;
         o = o->group_next, n++) {
        if (o->id >= c->id || !same_group(o, c))
            continue;
        int64_t gap = rt_time_diff_us(c->start.ts, o->end.ts);
        if (gap >= -1000000LL && gap <= RETRIES_WINDOW_US)
            return o;
    }
    return NULL;
}

/* An attempt that never got an answer nor data, silent since before c
 * started: the client gave up on it and moved on to c (an RDP client opens
 * its next connection once the last one failed), so it is over too. Waiting
 * for its own expiry would hold c's verdict back for a minute. */
static bool superseded(const connection *o, const connection *c)
{
    return o->lru_list == FLOWS_LRU_ATTEMPT && rt_time_cmp(o->end.ts, c->start.ts) <= 0;
}

/* A connection that is due: it goes now, after the attempts it supersedes,
 * or waits for an older one of its group. Returns true when connections
 * other than c were retired (a caller walking a list must start again). */
static bool settle(flow_table *t, connection *c)
{
    bool others = false;
    connection *o;
    while ((o = blocker(t, c)) != NULL) {
        if (!superseded(o, c)) {
            lru_append(t, c, FLOWS_LRU_HELD);
            return others;
        }
        settle(t, o); /* it may wait in turn; then so does c (next round) */
        others = true;
    }
    retire_now(t, c);
    return others;
}

/* A connection no packet will reach any more (its tuple was reused): it
 * goes now, or waits like any other connection that is due. */
static void retire_or_hold(flow_table *t, connection *c)
{
    if (t->retire)
        settle(t, c);
}

static connection *create(flow_table *t, uint32_t h, const decoded_packet *p, bool src_is_client)
{
    if (t->count >= t->max_connections) {
        t->cap_reached = true;
        t->not_tracked++;
        return NULL;
    }
    connection *c = connection_new((*t->next_id)++, t->capture_index, p, src_is_client,
                                   t->max_buffered);
    if (!c)
        return NULL;
    c->hash_next = t->buckets[h % t->n_buckets];
    t->buckets[h % t->n_buckets] = c;
    c->in_table = true;
    uint32_t g = hash_group(c) % t->n_buckets;
    c->group_next = t->groups[g];
    t->groups[g] = c;
    c->in_group = true;
    lru_touch(t, c);
    t->count++;
    c->order_prev = t->last;
    if (t->last)
        t->last->order_next = c;
    else
        t->first = c;
    t->last = c;
    return c;
}

/* A SYN starts a new connection on a known tuple when the old one is over,
 * or when it is a new attempt (another ISN) of a connection that never got
 * past its SYN. */
static bool syn_starts_new(const connection *c, const decoded_packet *p)
{
    if (c->closed)
        return true;
    const conn_dir *cl = &c->dir[DIR_C2S];
    if (!c->dir[DIR_S2C].syn.packet && cl->syn.packet && cl->reasm.syn_seen &&
        cl->reasm.base_seq != p->tcp.seq + 1u)
        return true;
    return false;
}

static connection *tcp_packet(flow_table *t, const decoded_packet *p, const pkt_ref *ref)
{
    bool sp_rdp = flows_is_rdp_port(t, p->tcp.sport), dp_rdp = flows_is_rdp_port(t, p->tcp.dport);
    if (!sp_rdp && !dp_rdp)
        return NULL;
    uint32_t h = hash_tuple(&p->src, p->tcp.sport, &p->dst, p->tcp.dport);
    int dir = -1;
    connection *c = lookup(t, h, &p->src, p->tcp.sport, &p->dst, p->tcp.dport, &dir);
    bool pure_syn = (p->tcp.flags & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN;

    if (c && pure_syn && dir == DIR_C2S && syn_starts_new(c, p)) {
        unlink_bucket(t, h, c);
        connection *n = create(t, h, p, true);
        if (n)
            timeline_add(&n->tl, EV_TUPLE_REUSE, DIR_NONE, ref, c->id, 0);
        retire_or_hold(t, c);
        c = n;
        dir = DIR_C2S;
    } else if (c && pure_syn && dir == DIR_S2C && c->closed) {
        /* The roles are reversed on a reused tuple: the SYN's sender is the client. */
        unlink_bucket(t, h, c);
        connection *old = c;
        c = create(t, h, p, true);
        retire_or_hold(t, old);
        dir = DIR_C2S;
    } else if (!c) {
        /* The client is the SYN's sender; without a SYN, the end not on an
         * RDP port (or, when both are, the destination of a SYN-ACK). */
        bool src_is_client;
        if (pure_syn)
            src_is_client = true;
        else if ((p->tcp.flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK))
            src_is_client = false;
        else if (sp_rdp != dp_rdp)
            src_is_client = dp_rdp;
        else
            src_is_client = p->tcp.sport > p->tcp.dport;
        c = create(t, h, p, src_is_client);
        dir = src_is_client ? DIR_C2S : DIR_S2C;
    }
    if (c) {
        connection_packet(c, (direction)dir, p, ref);
        lru_touch(t, c);
    }
    return c;
}

static connection *icmp_packet(flow_table *t, const decoded_packet *p, const pkt_ref *ref)
{
    /* The quoted packet is one the connection sent: its source is that end. */
    const rt_addr *s = &p->icmp.inner_src, *d = &p->icmp.inner_dst;
    uint16_t sp = p->icmp.inner_sport, dp = p->icmp.inner_dport;
    if (!flows_is_rdp_port(t, sp) && !flows_is_rdp_port(t, dp))
        return NULL;
    uint32_t h = hash_tuple(s, sp, d, dp);
    int dir = -1;
    connection *c = lookup(t, h, s, sp, d, dp, &dir);
    if (!c) {
        t->icmp_unmatched++;
        return NULL;
    }
    connection_icmp(c, p, ref);
    lru_touch(t, c);
    return c;
}

connection *flows_packet(flow_table *t, const decoded_packet *p, const pkt_ref *ref)
{
    if (p->kind == DECODED_TCP)
        return tcp_packet(t, p, ref);
    if (p->kind == DECODED_ICMP_UNREACH)
        return icmp_packet(t, p, ref);
    return NULL;
}

void flows_expire(flow_table *t, rt_time now)
{
    if (!t->retire)
        return;
    /* Each list is by last activity, oldest first: stop at the first one
     * not idle long enough. Closed ones go after a short quiet time (late
     * retransmissions and ACKs have come by then), abandoned attempts once
     * no SYN retransmission can come any more, set-ups after the peers'
     * own timeouts, sessions after long silence. */
    static const struct {
        uint8_t list;
        int64_t idle_us;
    } due[] = { { FLOWS_LRU_ATTEMPT, FLOWS_ATTEMPT_IDLE_US }, { FLOWS_LRU_SETUP, FLOWS_SETUP_IDLE_US },
                { FLOWS_LRU_OPEN, FLOWS_OPEN_IDLE_US }, { FLOWS_LRU_CLOSED, FLOWS_CLOSED_IDLE_US } };
    for (size_t i = 0; i < sizeof due / sizeof due[0]; i++) {
        connection *c = t->lru[due[i].list].head;
        while (c && rt_time_diff_us(now, c->end.ts) >= due[i].idle_us) {
            connection *next = c->lru_next;
            /* c leaves this list either way; when others went too, the
             * saved next may be gone: start again from the head. */
            c = settle(t, c) ? t->lru[due[i].list].head : next;
        }
    }
    /* The waiting ones whose older group members are gone by now. A packet
     * for one of them moves it back to its activity list (lru_touch). Each
     * is looked at once per call (one that must wait again goes to the
     * tail). */
    unsigned held = 0;
    for (connection *c = t->lru[FLOWS_LRU_HELD].head; c; c = c->lru_next)
        held++;
    while (held-- > 0 && t->lru[FLOWS_LRU_HELD].head) {
        connection *c = t->lru[FLOWS_LRU_HELD].head;
        const connection *o = blocker(t, c);
        if (o && !superseded(o, c))
            lru_append(t, c, FLOWS_LRU_HELD); /* to the tail: still waiting */
        else
            settle(t, c);
    }
}

void flows_retire_all(flow_table *t)
{
    if (!t->retire)
        return;
    while (t->first)
        retire_now(t, t->first);
}

void flows_free(flow_table *t)
{
    free(t->buckets);
    free(t->groups);
    t->buckets = NULL;
    t->groups = NULL;
    t->count = 0;
}

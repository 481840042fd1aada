/* flows.c - connection table (see flows.h). A hash over the unordered
 * 4-tuple finds the newest connection of a tuple; older ones with the same
 * tuple stay reachable only through the ordered list. */
#include "flows.h"

#include <stdlib.h>
#include <string.h>

#define FLOWS_BUCKETS 65536u

bool flows_init(flow_table *t, uint32_t capture_index, const uint16_t *ports, unsigned n_ports,
                uint32_t max_connections, size_t max_buffered, uint32_t *next_id)
{
    memset(t, 0, sizeof *t);
    t->buckets = calloc(FLOWS_BUCKETS, sizeof *t->buckets);
    if (!t->buckets)
        return false;
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

static void lru_unlink(flow_table *t, connection *c)
{
    if (c->lru_prev)
        c->lru_prev->lru_next = c->lru_next;
    else if (t->lru_head == c)
        t->lru_head = c->lru_next;
    if (c->lru_next)
        c->lru_next->lru_prev = c->lru_prev;
    else if (t->lru_tail == c)
        t->lru_tail = c->lru_prev;
    c->lru_prev = c->lru_next = NULL;
}

/* Moves c to the tail: the most recently active. */
static void lru_touch(flow_table *t, connection *c)
{
    if (t->lru_tail == c)
        return;
    lru_unlink(t, c);
    c->lru_prev = t->lru_tail;
    if (t->lru_tail)
        t->lru_tail->lru_next = c;
    else
        t->lru_head = c;
    t->lru_tail = c;
}

static void unlink_bucket(flow_table *t, uint32_t h, connection *old)
{
    connection **pp = &t->buckets[h % t->n_buckets];
    while (*pp && *pp != old)
        pp = &(*pp)->hash_next;
    if (*pp)
        *pp = old->hash_next;
    old->hash_next = NULL;
    lru_unlink(t, old);
    old->in_table = false;
    t->count--;
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
    lru_touch(t, c);
    t->count++;
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
        c = n;
        dir = DIR_C2S;
    } else if (c && pure_syn && dir == DIR_S2C && c->closed) {
        /* The roles are reversed on a reused tuple: the SYN's sender is the client. */
        unlink_bucket(t, h, c);
        c = create(t, h, p, true);
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

void flows_expire(flow_table *t, rt_time now, void (*retire)(void *ctx, connection *c), void *ctx)
{
    /* The head is the least recently active; once one is not idle long
     * enough to go, the open ones behind it are not either, but a closed one
     * behind an open one may be: walk while anything can still expire. */
    connection *c = t->lru_head;
    while (c) {
        int64_t idle = rt_time_diff_us(now, c->end.ts);
        if (idle < FLOWS_CLOSED_IDLE_US)
            break; /* everything after it is younger still */
        connection *next = c->lru_next;
        if (c->closed || idle >= FLOWS_OPEN_IDLE_US) {
            uint32_t h = hash_tuple(&c->client, c->client_port, &c->server, c->server_port);
            unlink_bucket(t, h, c);
            retire(ctx, c);
        }
        c = next;
    }
}

void flows_free(flow_table *t)
{
    free(t->buckets);
    t->buckets = NULL;
    t->count = 0;
}

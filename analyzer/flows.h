/* flows.h - the table of connections of one input: finds the connection a
 * TCP packet or an ICMP error belongs to, creates connections, decides which
 * end is the client, and starts a new connection when a 4-tuple is reused.
 *
 * Bounds: at most max_connections live in the table; a SYN beyond that is
 * counted (flows.not_tracked) and ignored, and cap_reached is set.
 */
#ifndef RDPT_FLOWS_H
#define RDPT_FLOWS_H

#include "connection.h"
#include "decode.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    connection **buckets;
    uint32_t n_buckets;
    uint32_t count;
    uint32_t max_connections;
    size_t max_buffered;
    uint32_t capture_index;
    const uint16_t *ports;
    unsigned n_ports;
    bool cap_reached;
    uint64_t not_tracked;       /* packets of connections not tracked because of the cap */
    uint64_t icmp_unmatched;    /* ICMP errors quoting no known connection */
    /* New connections, in order of first packet; the caller takes them. */
    connection *first, *last;
    /* Connections in the table by last activity, oldest first (for expiry). */
    connection *lru_head, *lru_tail;
    uint32_t *next_id;          /* shared id counter across inputs */
} flow_table;

bool flows_init(flow_table *t, uint32_t capture_index, const uint16_t *ports, unsigned n_ports,
                uint32_t max_connections, size_t max_buffered, uint32_t *next_id);
/* A decoded packet (TCP or ICMP unreachable). Returns the connection it went to, or NULL. */
connection *flows_packet(flow_table *t, const decoded_packet *p, const pkt_ref *ref);
bool flows_is_rdp_port(const flow_table *t, uint16_t port);

/* How long (capture time) a connection may be idle before it is retired
 * from the table: a closed one soon (late retransmissions and ACKs have
 * come by then), an open one only after a long silence. */
#define FLOWS_CLOSED_IDLE_US (5LL * 1000000LL)
#define FLOWS_OPEN_IDLE_US (300LL * 1000000LL)

/* Retires every connection idle past those limits at capture time `now`:
 * takes it out of the table (a later packet on its 4-tuple starts a new
 * connection) and calls retire(ctx, c). The connection stays in the
 * first/last list. Cost: O(number retired). */
void flows_expire(flow_table *t, rt_time now, void (*retire)(void *ctx, connection *c), void *ctx);
/* Empties the table (connections stay in the first/last list, owned by the caller). */
void flows_free(flow_table *t);

#endif

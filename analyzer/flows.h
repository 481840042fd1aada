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

/* A list of connections by last activity, oldest first (flows.c). */
typedef struct {
    connection *head, *tail;
} flows_lru;

enum {
    FLOWS_LRU_NONE = 0,
    FLOWS_LRU_ATTEMPT,  /* no handshake and no data yet: a connection attempt */
    FLOWS_LRU_SETUP,    /* still setting up (X.224, TLS, NLA, MCS): peers time out soon */
    FLOWS_LRU_OPEN,     /* a session, or a connection the capture joined mid-way */
    FLOWS_LRU_CLOSED,
    FLOWS_LRU_HELD,
    FLOWS_LRU_COUNT
};

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
    /* Connections not yet retired, in order of first packet (id). A retired
     * connection leaves this list: it then belongs to the retire callback. */
    connection *first, *last;
    /* By last activity, oldest first, one list per state so that expiry
     * only ever looks at connections that are due (open ones wait longer
     * than closed ones); [FLOWS_LRU_HELD]: due, but waiting for an older
     * connection of the same client to the same server (see flows_expire). */
    flows_lru lru[FLOWS_LRU_COUNT];
    /* Not-yet-retired connections chained by (client, server, server port). */
    connection **groups;
    uint32_t *next_id;          /* shared id counter across inputs */
    /* Called with each connection taken out for good (flows_expire, a reused
     * 4-tuple, flows_retire_all); it owns the connection from then on. NULL:
     * connections stay in first/last until the caller takes them. */
    void (*retire)(void *ctx, connection *c);
    void *retire_ctx;
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
/* An attempt that never got a handshake nor data: SYN retransmissions back
 * off to at most 32 s apart (Linux tcp_syn_retries 6: 1, 2, 4, 8, 16, 32 s;
 * Windows gives up after 21 s), so 75 s of silence means it was abandoned. */
#define FLOWS_ATTEMPT_IDLE_US (75LL * 1000000LL)
/* A connection still in its set-up: the peers' own timeouts there are
 * seconds (mstsc and FreeRDP give up on a silent negotiation within about
 * 30 s); the longest legitimate pause is a person answering a certificate
 * prompt. Only a session may be silent for minutes. */
#define FLOWS_SETUP_IDLE_US (120LL * 1000000LL)
/* Records or PDUs after the X.224 negotiation from the server (and half as
 * many from the client) that mean the set-up is over: TLS, NLA and MCS take
 * about a dozen together; a session's first screen alone takes more. */
#define FLOWS_SESSION_PDUS 16u

/* Retires every connection idle past those limits at capture time `now`:
 * takes it out of the table (a later packet on its 4-tuple starts a new
 * connection) and hands it to t->retire. Retries are explained by linking a
 * connection to an older failed one of the same client to the same server
 * (analysis.c), so a connection due for retirement waits while an older one
 * of that group that may still be the attempt it retries (one idle since
 * before it started) is in the table: connections of a group are retired in
 * the order they started. An unanswered attempt silent since before the
 * newer connection started is over (the client moved on): it goes then,
 * first, instead of holding the newer one back until its own expiry.
 * Cost: O(number due + number waiting). */
void flows_expire(flow_table *t, rt_time now);
/* Retires every connection not yet retired, in order of first packet (the
 * end of an input). */
void flows_retire_all(flow_table *t);
/* Empties the table (connections stay in the first/last list, owned by the caller). */
void flows_free(flow_table *t);

#endif

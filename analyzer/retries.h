/* retries.h - chains of retries: connections from one client to one server
 * that follow a failed one within seconds. mstsc and FreeRDP retry with
 * other security protocols after some failures (rdesktop #97, FreeRDP
 * #2996); this links the retry to the attempt it follows (retry_of) and says
 * so in both connections' summaries, e.g. "SSL refused, retried with
 * Standard RDP Security and succeeded".
 *
 * A Server Redirection (cause redirected: an RD Connection Broker sending the
 * client to a session host) is followed the same way: the client's next
 * connection to one of the targets within seconds is its follow-up, and
 * both summaries say so ("The client followed the redirection ... in
 * connection 2, which succeeded"). That is not a retry: retry_of stays 0.
 *
 * Linking happens as each connection is retired (analysis.c), in the order
 * flows.c guarantees within a client->server group, against a ring of the
 * most recently retired failed connections. The earlier connection may already be
 * written out and freed by then: its sentence is then handed back to the
 * caller (and spliced into the reports, report.h).
 */
#ifndef RDPT_RETRIES_H
#define RDPT_RETRIES_H

#include "connection.h"

/* Failed connections remembered, the latest retired. Between an attempt
 * and its retry, other connections retire: at a hundred connections a
 * second on a span port, a few seconds' worth of them (and the order of
 * retirement then decides what is still found). About 400 KiB. */
#define RETRIES_LOOKBACK 4096

/* Connections from one client to one server that follow a failed one within
 * this many seconds are its retries. */
#define RETRIES_WINDOW_US (30LL * 1000000LL)

/* What a later connection needs to know about an earlier one. */
typedef struct {
    uint32_t id;
    uint32_t key;               /* a hash of client, server and port: compared first */
    rt_addr client, server;
    uint16_t server_port;
    rt_time end;
    bool failed;
    verdict_cause cause;
    verdict_phase phase;
    /* The security protocols it asked for (put in words only for a retry). */
    bool has_cr, has_neg_req;
    uint32_t requested_protocols;
    /* A Server Redirection's target, not a connection: `server` is an
     * address the connection `id` redirected its client to. */
    bool redirect;
    connection *conn;           /* still in memory (kept), or NULL */
    unsigned prev_seq;          /* the record before it in its key's bucket (see below) */
} retry_record;

#define RETRIES_BUCKETS 4096u

/* The last RETRIES_LOOKBACK failed connections. The record pushed as the s-th (from
 * 1) is r[(s - 1) % RETRIES_LOOKBACK] while n - s < RETRIES_LOOKBACK; those of
 * one key bucket are chained newest first from head[key % RETRIES_BUCKETS]
 * (0: none), so a connection looks only at the records that may match it.
 * All zero is an empty ring. */
typedef struct retry_ring_s {
    retry_record r[RETRIES_LOOKBACK];
    unsigned head[RETRIES_BUCKETS];
    unsigned n;
} retry_ring;

/* c's verdict is final. Links it to the failed connection it retries, if
 * any (sets c->retry_of), or to the redirected connection whose Server
 * Redirection it follows, and appends the explanation to c's summary. The
 * sentence for the earlier connection is appended to it when it is still in
 * memory (kept_earlier: the ring was fed with keep = true); otherwise it is
 * written to fwd ("" when there is none). Then c joins the ring (keep: its
 * pointer is remembered and must stay valid while it is in the ring).
 * Returns the id of the earlier connection, or 0. */
uint32_t retries_link(retry_ring *ring, connection *c, bool keep, char *fwd, size_t fwdlen);

/* Appends the retry's own sentence again, after its verdict was decided
 * anew (cross_capture.c): `first` is the connection it retries. */
void retries_restate(connection *retry, const connection *first);

/* The same for a connection that follows a Server Redirection
 * (follows_redirect_of): its sentence again; nothing for the others. */
void retries_restate_redirect(connection *c);

#endif

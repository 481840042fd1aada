/* layers.h - inside the analyzer: the handlers connection.c gives a
 * direction's bytes to once the X.224 negotiation decided what follows, and
 * the helpers they share. One file per layer: layer_tls.c (TLS records),
 * layer_rdp.c (Standard RDP Security: TPKT and fast-path PDUs in the clear).
 *
 * A handler receives the reassembled bytes of one direction in order, each
 * chunk with the packet that carried it; it records what it finds in the
 * connection (counters, dissected facts, timeline events) and draws no
 * conclusions.
 */
#ifndef RDPT_LAYERS_H
#define RDPT_LAYERS_H

#include "connection.h"

#include <stddef.h>
#include <stdint.h>

/* How many records/PDUs after the negotiation are put in the timeline, per
 * direction: enough to see the handshakes and the first exchange; later ones
 * are only counted. */
#define CONN_TIMELINE_SECURE_EVENTS 48
/* After this many records/PDUs in both directions, nothing more is learnt
 * from the bytes: reassembly stops copying payload and only follows
 * sequence numbers (FIN, RST and gaps are still seen). */
#define CONN_FOLLOW_PDUS 256

void layer_tls_bytes(connection *c, direction dir, const uint8_t *p, size_t len,
                     const pkt_ref *ref);
void layer_rdp_bytes(connection *c, direction dir, const uint8_t *p, size_t len,
                     const pkt_ref *ref);

/* Stops payload copying once both directions have told all they can. */
void conn_maybe_stop_payload(connection *c);
/* A framing error after the negotiation: recorded once; the direction stops
 * being parsed. After a gap it is lost framing, not bad data. */
void conn_layer_malformed(connection *c, direction dir, layer_id layer, const pkt_ref *ref,
                          const char *problem);
/* After a gap: the offset in p of a plausible record/PDU header of the
 * direction's layer (st), or len when there is none. */
size_t conn_find_resync(stream_state st, const uint8_t *p, size_t len);

#endif

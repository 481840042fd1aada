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
/* The same while TLS is being decrypted (decrypt_glue_following): the
 * session's last PDUs (Set Error Info, Disconnect Provider Ultimatum) say how
 * it ended. Memory stays bounded (reassembly's window, one TPKT PDU buffer
 * per direction; fast-path bodies are skipped, not kept); the cap bounds the
 * decryption work of a long session. */
#define CONN_FOLLOW_DECRYPTED_PDUS 65536

void layer_tls_bytes(connection *c, direction dir, const uint8_t *p, size_t len,
                     const pkt_ref *ref);
void layer_rdp_bytes(connection *c, direction dir, const uint8_t *p, size_t len,
                     const pkt_ref *ref);

/* Plaintext RDP from inside TLS (the decrypted bytes after the TLS
 * handshake or CredSSP, fed by decrypt_glue.c): framed with its own state
 * per direction, dissected like layer_rdp_bytes() into c->rdp and the
 * timeline. pdu: one TPKT PDU being collected (CONN_PDU_MAX bytes,
 * allocated at the first one, freed by layer_rdp_plain_free). */
typedef struct {
    uint8_t hdr[5];
    uint8_t hdr_len;
    bool stopped;               /* framing error: nothing more is read */
    uint32_t skip;              /* bytes of a PDU not dissected (fast-path) */
    uint8_t *pdu;
    uint32_t pdu_len, pdu_need;
    uint64_t pdus;
} rdp_plain_dir;
typedef struct {
    rdp_plain_dir dir[2];       /* [DIR_C2S], [DIR_S2C] */
} rdp_plain;
void layer_rdp_plaintext(connection *c, rdp_plain *st, direction dir, const uint8_t *p,
                         size_t len, const pkt_ref *ref);
void layer_rdp_plain_free(rdp_plain *st);

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

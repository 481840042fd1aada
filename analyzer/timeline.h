/* timeline.h - what happened on one connection, in order: typed events, each
 * with its direction, packet and time, and up to two numeric facts.
 *
 * Dissectors and the TCP layer append; the diagnosis and the reports read.
 * Events are small (no strings) so a connection's timeline costs little; the
 * words come from timeline_describe(). The number of events per connection
 * is capped (TIMELINE_MAX_EVENTS); events past the cap are counted, not kept,
 * except that the cap keeps room for the last TIMELINE_RESERVED_TAIL events of
 * the ending kinds (FIN, RST, ICMP, gaps, alerts) so the end is never lost.
 */
#ifndef RDPT_TIMELINE_H
#define RDPT_TIMELINE_H

#include "common.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TIMELINE_MAX_EVENTS 256
#define TIMELINE_RESERVED_TAIL 32

typedef enum { DIR_C2S = 0, DIR_S2C = 1, DIR_NONE = 2 } direction;

typedef enum {
    /* TCP */
    EV_SYN,              /* a: 1 if a retransmission of the SYN */
    EV_SYN_ACK,          /* a: 1 if a retransmission */
    EV_HANDSHAKE_DONE,   /* the client's ACK of the SYN-ACK */
    EV_DATA_FIRST,       /* first payload of a direction; a: bytes */
    EV_FIN,
    EV_RST,              /* a: 1 if it carried ACK; b: TTL */
    EV_ICMP_UNREACH,     /* a: type, b: code; dir: the sender is on the path */
    EV_MIDSTREAM,        /* capture started mid-connection in this direction */
    EV_GAP,              /* a: bytes lost (saturated); b: low 32 bits of offset */
    EV_CONFLICT,         /* retransmission with different bytes; a: bytes */
    EV_REASM_CAP,        /* reassembly buffer cap reached */
    EV_SNAPLEN_CUT,      /* a: bytes captured, b: bytes on the wire */
    EV_TUPLE_REUSE,      /* this connection reuses a closed connection's 4-tuple */
    /* TPKT / X.224 */
    EV_X224_CR,          /* a: requestedProtocols, b: 1 if RDP_NEG_REQ present */
    EV_X224_CC,          /* a: selectedProtocol, b: 1 RDP_NEG_RSP present, 2 RDP_NEG_FAILURE present */
    EV_NEG_FAILURE,      /* a: failureCode */
    EV_X224_DR,          /* a: reason */
    EV_X224_DATA,        /* X.224 Data TPDU (MCS and above); a: bytes */
    EV_MALFORMED,        /* a: layer (layer_id), b: problem bits */
    EV_NOT_RDP,          /* the bytes are not TPKT/X.224 */
    /* after the negotiation */
    EV_SECURE_START,     /* a: layer_id the stream switched to (TLS or RDP) */
    EV_PAYLOAD,          /* a PDU after negotiation (not TLS); a: bytes, b: layer */
    EV_TLS_RECORD,       /* a TLS record header; a: record length, b: content type */
    EV_MCS,              /* an MCS PDU in the clear; a: mcs_pdu_kind, b: result/reason/channel (rdp_facts.h) */
    EV_RDP_SEC,          /* a Standard RDP Security milestone; a: rdp_milestone, b: value (rdp_facts.h) */
    EV_TLS_HANDSHAKE,    /* a TLS handshake message; a: handshake type, b: 1 if protected (tls_facts.h) */
    EV_TLS_ALERT,        /* a TLS alert; a: level << 8 | description, b: 1 if encrypted (tls_facts.h) */
    EV_DECRYPTION,       /* TLS decryption began or cannot; a: decrypt_state (decrypt_facts.h) */
    EV_CREDSSP,          /* a decrypted CredSSP TSRequest; a: packed summary, b: errorCode (decrypt_facts.h) */
    EV_EARLY_USER_AUTH,  /* the decrypted Early User Authorization Result; a: authzResult */
    EV_COUNT
} event_type;

typedef enum {
    LAYER_TCP = 0,
    LAYER_TPKT,
    LAYER_X224,
    LAYER_TLS,
    LAYER_RDP,           /* Standard RDP Security: MCS and above in the clear */
    LAYER_FASTPATH,
    LAYER_COUNT
} layer_id;

typedef struct {
    uint16_t type;       /* event_type */
    uint8_t dir;         /* direction */
    pkt_ref ref;
    uint32_t a, b;
} tl_event;

/* Events kept in the timeline itself before any is allocated: most
 * connections of a busy capture have fewer (a malloc, two reallocs and a
 * free per connection showed in the profile, issue 9). */
#define TIMELINE_INLINE_EVENTS 32

/* ev points into inline_ev or to the heap: a timeline is not copied by
 * value. All zero is an empty timeline, as is timeline_init's. */
typedef struct {
    tl_event *ev;
    uint32_t n, cap;
    uint32_t dropped;    /* events not kept because of the cap */
    tl_event inline_ev[TIMELINE_INLINE_EVENTS];
} timeline;

void timeline_init(timeline *t);
void timeline_free(timeline *t);
/* Appends; returns the event (NULL if capped or out of memory). */
tl_event *timeline_add(timeline *t, event_type type, direction dir, const pkt_ref *ref,
                       uint32_t a, uint32_t b);
/* First / last event of a type in a direction (DIR_NONE: any), or NULL. */
const tl_event *timeline_first(const timeline *t, event_type type, direction dir);
const tl_event *timeline_last(const timeline *t, event_type type, direction dir);
unsigned timeline_count(const timeline *t, event_type type, direction dir);

const char *event_type_name(event_type type);   /* "syn", "x224_cr", ... */
const char *layer_name(layer_id layer);          /* "tls", "rdp", ... */
const char *direction_name(direction dir);       /* "client", "server" (sender) */
/* One short line in words: "X.224 Connection Request (SSL|HYBRID)". */
void timeline_describe(const tl_event *e, char *buf, size_t buflen);

#endif

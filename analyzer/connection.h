/* connection.h - one TCP connection to an RDP port: its two directions, what
 * the dissectors found in them, its timeline and, once diagnosed, its
 * verdict.
 *
 * The flow table (flows.c) creates connections and feeds them packets
 * (connection_packet, connection_icmp); this file turns the packets into
 * reassembled bytes and hands those to the dissectors in protocol order
 * (TPKT -> X.224 -> then TLS or Standard RDP Security framing), recording
 * facts in the timeline. It draws no conclusions: that is diagnosis.c.
 *
 * Ownership: a connection owns its buffers, its timeline and its PDU copies;
 * connection_free() releases all of it.
 */
#ifndef RDPT_CONNECTION_H
#define RDPT_CONNECTION_H

#include "common.h"
#include "decode.h"
#include "rdp_facts.h"
#include "reassembly.h"
#include "rst_origin.h"
#include "timeline.h"
#include "verdict.h"
#include "x224.h"

#include <stdbool.h>
#include <stdint.h>

#define CONN_PDU_MAX (64u * 1024u)   /* cap on one buffered PDU (TPKT max is 65535) */
/* PDUs up to this size are collected in the connection itself: the X.224
 * negotiation of most connections never needs a buffer of its own. */
#define CONN_PDU_INLINE 256u

typedef enum {
    STREAM_X224 = 0,     /* expecting TPKT + X.224 CR/CC */
    STREAM_TLS,          /* negotiated SSL/HYBRID/HYBRID_EX/RDSTLS: TLS records */
    STREAM_RDP,          /* Standard RDP Security: TPKT/fast-path PDUs in the clear */
    STREAM_OPAQUE,       /* not followed any further (unknown, malformed, capped) */
} stream_state;

/* One direction: everything about what one end sent. */
typedef struct {
    reasm_dir reasm;
    stream_state state;
    /* Counters over all packets of this direction. */
    uint64_t packets;
    uint64_t payload_bytes;     /* bytes of TCP payload on the wire */
    pkt_ref first, last;        /* first and last packet of any kind */
    pkt_ref first_data, last_data;
    /* TCP signalling */
    pkt_ref syn, fin, rst;      /* first of each (packet 0: none) */
    unsigned syn_count;         /* SYNs (or SYN-ACKs) including retransmissions */
    bool sent_after_rst;        /* kept sending after its own RST */
    /* Network fingerprint of this end, from its first packet (issue 5 builds on it). */
    uint8_t ttl_first, ttl_min, ttl_max;
    uint16_t window_first;
    /* PDU reassembly above TCP: the bytes of the PDU being collected. */
    uint8_t *pdu;               /* pdu_inline, or the heap as it grows up to CONN_PDU_MAX
                                 * (pdu_cap bytes); NULL until needed */
    uint32_t pdu_cap;
    uint32_t pdu_len, pdu_need; /* collected, and total length once known (0: unknown) */
    uint64_t pdu_offset;        /* stream offset of the PDU's first byte */
    pkt_ref pdu_first;          /* packet that carried the PDU's first byte */
    /* PDUs or records after the negotiation */
    uint64_t secure_pdus;       /* TLS records or RDP PDUs seen */
    uint64_t secure_bytes;      /* their bytes, headers included */
    uint64_t skip;              /* bytes of the current record/PDU still to skip */
    uint8_t hdr[8];             /* a record/PDU header being collected */
    uint8_t hdr_len;
    /* TLS record counts by content type (RFC 5246 6.2.1) */
    uint32_t tls_handshake, tls_ccs, tls_alert, tls_appdata;
    pkt_ref tls_first_appdata, tls_ccs_ref, tls_first_alert;
    bool payload_stopped;       /* reassembly told to stop copying payload */
    bool gap_seen;              /* the stream lost bytes: PDU framing may be lost */
    bool resyncing;             /* after a gap: looking for the next record header */
    uint32_t resyncs;           /* times framing was found again after a gap */
    bool resync_failed;
    uint8_t pdu_inline[CONN_PDU_INLINE]; /* (so a conn_dir is not copied by value) */
} conn_dir;

typedef struct connection {
    uint32_t id;                /* from 1, in order of first packet */
    uint32_t capture_index;     /* which input (from 0) */
    rt_addr client, server;
    uint16_t client_port, server_port;
    bool client_by_syn;         /* the client was identified by its SYN */
    /* The flow table's bucket chain (flows.c), beside the addresses and
     * ports a lookup compares: one cache line per connection walked. */
    struct connection *hash_next;
    pkt_ref start, end;
    conn_dir dir[2];            /* [DIR_C2S], [DIR_S2C] */
    bool handshake_done;
    bool closed;                /* both FINs, or a RST: a new SYN starts a new connection */
    /* ICMP unreachable quoting this connection */
    pkt_ref icmp;
    uint8_t icmp_type, icmp_code;
    rt_addr icmp_from;
    /* X.224 */
    bool has_cr, has_cc, has_dr;
    x224_pdu cr, cc;
    pkt_ref cr_ref, cc_ref, dr_ref;
    bool x224_malformed;        /* a TPKT/X.224 PDU could not be parsed */
    char malformed_text[160];
    pkt_ref malformed_ref;
    direction malformed_dir;
    bool not_rdp;               /* a direction's first bytes are not TPKT */
    direction not_rdp_dir;
    pkt_ref not_rdp_ref;
    char not_rdp_text[96];      /* first bytes, sanitized */
    /* The timeline and the verdict */
    timeline tl;
    bool diagnosed;
    verdict v;
    /* Related connections (retries): id of the connection this one follows, 0 if none. */
    uint32_t retry_of;
    /* The redirected connection whose Server Redirection this one follows
     * (retries.c), 0 if none: not a retry, so not retry_of. */
    uint32_t follows_redirect_of;
    /* Who sent each RST: fingerprints, timing, sequence numbers (issue 5, rst_origin.h). */
    rst_origin rst_facts;
    /* Standard RDP Security: MCS/GCC, security exchange, licensing, activation (issue 6, rdp_facts.h). */
    rdp_facts rdp;
    /* The TLS handshake (issue 4, tls_facts.h): allocated with the first TLS record. */
    struct tls_facts *tls;
    /* Decryption with TLS secrets (issue 7, decrypt_glue.h): the decryptor and its facts,
     * allocated with the first TLS record when secrets were given; NULL otherwise. */
    struct decrypt_conn *dconn;
    struct decrypt_facts *decrypt;
    /* Back-pointers for the reassembly sinks of each direction. */
    struct conn_sink_ctx {
        struct connection *c;
        direction dir;
    } sink_ctx[2];
    /* Flow-table links (owned by flows.c; hash_next is above). */
    struct connection *order_next, *order_prev; /* by first packet (id); the analysis
                                                 * reuses order_next for the kept list */
    struct connection *group_next;  /* same client, server and port (flows.c's retry order) */
    struct connection *lru_prev, *lru_next; /* by last activity, oldest first */
    uint8_t lru_list;           /* which of flows.c's activity lists holds it */
    bool in_table;              /* packets of its 4-tuple still find it */
    bool in_group;              /* in flows.c's group chain: not yet retired */
    bool finished;              /* connection_finish() ran: buffers released */
} connection;

connection *connection_new(uint32_t id, uint32_t capture_index, const decoded_packet *first,
                           bool first_is_client, size_t max_buffered);
/* One TCP packet of this connection; dir says who sent it. */
void connection_packet(connection *c, direction dir, const decoded_packet *p, const pkt_ref *ref);
/* An ICMP destination-unreachable quoting this connection's packets. */
void connection_icmp(connection *c, const decoded_packet *p, const pkt_ref *ref);
/* The capture ended (or the connection is being retired): flush reassembly. */
void connection_finish(connection *c, const pkt_ref *last);
void connection_free(connection *c);
/* Makes d->pdu hold at least `need` bytes (at most CONN_PDU_MAX): the buffer
 * grows with the PDUs seen. False: out of memory. */
bool connection_pdu_reserve(conn_dir *d, uint32_t need);

#endif

/* reassembly.h - one direction of a TCP stream turned back into bytes.
 *
 * The caller feeds every segment of one direction (reasm_segment) and every
 * acknowledgment number the other side sends (reasm_peer_ack); the reassembler
 * hands the bytes, in order and once, to a sink, each chunk tagged with the
 * packet that carried it, and reports every anomaly to the same sink as an
 * event (retransmission, conflicting retransmission, overlap, out-of-order,
 * gap, cap reached, keep-alive, zero-window probe, mid-stream start).
 *
 * Sequence numbers are unwrapped into 64-bit stream offsets relative to the
 * first byte (ISN + 1 when a SYN was seen; else the first data segment's
 * sequence number, a "mid-stream" start), so wrap-around is invisible above.
 *
 * Bounds: out-of-order data waits in a list limited to max_buffered bytes;
 * when a new segment would exceed it, the oldest hole is declared a gap
 * (REASM_EV_CAP_REACHED then REASM_EV_GAP) and delivery resumes after it.
 * To recognise a retransmission that carries different bytes, the last
 * REASM_HISTORY bytes delivered are kept; conflicts older than that are not
 * detected.
 *
 * Gaps: data the capture never saw is declared lost (REASM_EV_GAP, offset and
 * length) when the peer acknowledges past it, when the buffer cap forces it,
 * or at reasm_flush() (end of stream or capture). Bytes after a gap are still
 * delivered; the sink learns of the gap first and must resynchronise.
 */
#ifndef RDPT_REASSEMBLY_H
#define RDPT_REASSEMBLY_H

#include "common.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REASM_HISTORY 4096
#define REASM_DEFAULT_MAX_BUFFERED (1u << 20) /* 1 MiB per direction */

typedef enum {
    REASM_EV_MIDSTREAM,         /* no SYN seen: stream starts at `offset` 0 = this seq */
    REASM_EV_OUT_OF_ORDER,      /* segment ahead of the next expected byte, buffered */
    REASM_EV_RETRANSMISSION,    /* bytes already delivered, same content */
    REASM_EV_CONFLICT,          /* retransmission or overlap with different bytes */
    REASM_EV_OVERLAP,           /* partly old, partly new bytes */
    REASM_EV_GAP,               /* bytes [offset, offset+length) never captured */
    REASM_EV_CAP_REACHED,       /* out-of-order buffer full: forced a gap */
    REASM_EV_KEEPALIVE,         /* seq = next-1, 0 or 1 byte: not data */
    REASM_EV_ZERO_WINDOW_PROBE, /* 1 byte at next while the peer advertised window 0 */
    REASM_EV_BEFORE_START,      /* data before the mid-stream start point: ignored */
    REASM_EV_FIN,               /* the FIN's position was reached: stream complete */
} reasm_event;

typedef struct {
    /* In-order bytes at stream offset `offset`. */
    void (*data)(void *ctx, const uint8_t *bytes, size_t len, uint64_t offset,
                 const pkt_ref *ref);
    /* An anomaly or milestone; offset/length as described for each event. */
    void (*event)(void *ctx, reasm_event ev, uint64_t offset, uint64_t length,
                  const pkt_ref *ref);
    void *ctx;
} reasm_sink;

typedef struct reasm_pending reasm_pending; /* private: the out-of-order store */

typedef struct {
    reasm_sink sink;
    size_t max_buffered;
    bool started;          /* base is known */
    bool syn_seen;
    bool fin_seen;
    bool fin_reached;
    bool discard_payload;  /* reasm_stop_payload(): only track sequence numbers */
    bool peer_window_zero;
    uint32_t base_seq;     /* sequence number of stream offset 0 */
    uint64_t next;         /* next expected stream offset */
    uint64_t fin_offset;
    uint64_t highest_seen; /* highest offset+len seen (flush declares gaps up to it) */
    reasm_pending *pending;/* sorted by offset, non-overlapping */
    size_t buffered;       /* bytes in pending */
    uint8_t *history;      /* private: ring of the last REASM_HISTORY delivered bytes and the lowest offset still valid (lazy) */
    /* counters, for the report */
    uint64_t delivered_bytes;
    uint64_t gap_bytes;
    uint32_t gaps, retransmissions, conflicts, overlaps, out_of_order;
    bool cap_reached;
} reasm_dir;

void reasm_init(reasm_dir *d, const reasm_sink *sink, size_t max_buffered);
/* A SYN (or SYN-ACK) from this direction: stream offset 0 is isn + 1. A
 * second SYN with the same ISN is a retransmission and changes nothing. */
void reasm_syn(reasm_dir *d, uint32_t isn, const pkt_ref *ref);
/* One segment of this direction. payload holds caplen captured bytes of a
 * segment that was seglen bytes long on the wire (caplen < seglen when the
 * snaplen cut it: the missing tail is a gap). fin: the segment carries FIN. */
void reasm_segment(reasm_dir *d, uint32_t seq, const uint8_t *payload, uint32_t caplen,
                   uint32_t seglen, bool fin, const pkt_ref *ref);
/* The other direction acknowledged `ack` (only call with the ACK flag set). */
void reasm_peer_ack(reasm_dir *d, uint32_t ack, const pkt_ref *ref);
/* The other direction advertised its receive window (raw value). */
void reasm_peer_window(reasm_dir *d, uint32_t window);
/* End of stream or capture: declares the remaining holes gaps and delivers
 * everything still buffered. */
void reasm_flush(reasm_dir *d, const pkt_ref *ref);
/* From now on only follow sequence numbers: free buffers, deliver nothing. */
void reasm_stop_payload(reasm_dir *d);
void reasm_free(reasm_dir *d);

/* Unwraps a 32-bit sequence number into the 64-bit offset nearest to `near`. */
uint64_t reasm_unwrap(uint32_t base_seq, uint32_t seq, uint64_t near);

const char *reasm_event_name(reasm_event ev);

#endif

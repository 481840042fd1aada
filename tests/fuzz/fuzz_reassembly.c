/* fuzz_reassembly.c - one direction of TCP reassembly (analyzer/reassembly.h)
 * driven by a byte-coded sequence of segments, ACKs, SYNs, window updates,
 * flushes and payload stops.
 *
 * Input: byte 0 picks the buffer cap (bits 0-2), the mode (bit 3:
 * "truthful": every segment carries the true bytes of the stream) and the
 * end (bit 4: freed without the final flush); bytes 1-4
 * are the ISN; then operations, each an opcode byte and its operands (see
 * the switch below). A missing operand reads as 0, so every input is valid.
 *
 * Besides the sanitizers (every payload is in a buffer of exactly its size),
 * it checks what reassembly.h promises:
 *   - bytes and gaps are handed on in order, each offset once: every data
 *     chunk and every GAP starts where the previous one ended, and at any
 *     time next == delivered_bytes + gap_bytes;
 *   - with truthful segments, every delivered byte is the true byte for its
 *     sequence number, whatever the order, overlap, retransmission, snaplen
 *     cut, wrap-around or cap: reassembly may lose bytes, never invent them;
 *   - out-of-order bytes held never exceed max_buffered;
 *   - FIN is reported once, at the FIN's offset;
 *   - the sink may call reasm_stop_payload() from inside a callback.
 */
#include "fuzz.h"
#include "reassembly.h"

#include <string.h>

typedef struct {
    const uint8_t *p;
    size_t n;
} input;

static uint32_t take(input *in, unsigned bytes)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < bytes; i++) {
        v <<= 8;
        if (in->n) {
            v |= *in->p++;
            in->n--;
        }
    }
    return v;
}

/* The true byte of the stream at a sequence number (any fixed mixing). */
static uint8_t truth(uint32_t seq)
{
    uint32_t x = seq * 2654435761u;
    return (uint8_t)((x >> 24) ^ seq);
}

typedef struct {
    reasm_dir *d;
    bool truthful;
    bool ordered;        /* data and gaps still checked for continuity */
    bool stop_in_callback;
    bool fin_reported;
    uint64_t expect;     /* where the next data chunk or gap must start */
} harness;

static void on_data(void *ctx, const uint8_t *bytes, size_t len, uint64_t offset,
                    const pkt_ref *ref)
{
    harness *h = ctx;
    FUZZ_CHECK(len > 0 && bytes != NULL && ref != NULL);
    if (h->ordered) {
        FUZZ_CHECK(offset == h->expect);
        h->expect = offset + len;
    }
    volatile uint8_t sum = 0;
    for (size_t i = 0; i < len; i++) {
        sum = (uint8_t)(sum + bytes[i]);
        if (h->truthful)
            FUZZ_CHECK(bytes[i] == truth(h->d->base_seq + (uint32_t)(offset + i)));
    }
    (void)sum;
    if (h->stop_in_callback) {
        h->stop_in_callback = false;
        h->ordered = false; /* from now on `next` moves without callbacks */
        reasm_stop_payload(h->d);
    }
}

static void on_event(void *ctx, reasm_event ev, uint64_t offset, uint64_t length,
                     const pkt_ref *ref)
{
    harness *h = ctx;
    FUZZ_CHECK(ref != NULL);
    FUZZ_CHECK(reasm_event_name(ev) != NULL);
    if (ev == REASM_EV_GAP) {
        FUZZ_CHECK(length > 0);
        if (h->ordered) {
            FUZZ_CHECK(offset == h->expect);
            h->expect = offset + length;
        }
    } else if (ev == REASM_EV_FIN) {
        FUZZ_CHECK(!h->fin_reported);
        FUZZ_CHECK(offset == h->d->fin_offset);
        h->fin_reported = true;
    }
}

/* Hands one segment to the reassembler, its captured bytes in a buffer of
 * exactly their size. */
static void segment(harness *h, uint32_t seq, uint32_t seglen, uint32_t caplen, bool fin,
                    bool garbage, uint8_t noise, const pkt_ref *ref)
{
    uint8_t *buf = caplen ? malloc(caplen) : NULL;
    if (caplen && !buf)
        return;
    for (uint32_t i = 0; i < caplen; i++)
        buf[i] = garbage && !h->truthful ? (uint8_t)(noise + i * 13u) : truth(seq + i);
    reasm_segment(h->d, seq, buf, caplen, seglen, fin, ref);
    free(buf);
}

static const size_t caps[8] = { 0, 1, 64, 1024, 4096, 65536, 1u << 20, 3000 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    input in = { data, size };
    uint8_t cfg = (uint8_t)take(&in, 1);
    uint32_t isn = take(&in, 4);

    reasm_dir d;
    harness h = { .d = &d, .truthful = (cfg & 8) != 0, .ordered = true };
    reasm_sink sink = { on_data, on_event, &h };
    reasm_init(&d, &sink, caps[cfg & 7]);

    uint32_t cur = isn + 1; /* the harness's idea of the next in-order byte */
    pkt_ref ref = { 1, { 1700000000, 0 } };
    unsigned ops = 0;
    while (in.n > 0 && ops++ < 4000) {
        ref.packet++;
        ref.ts.nsec = (ref.ts.nsec + 1000) % 1000000000u;
        uint8_t op = (uint8_t)take(&in, 1);
        switch (op % 13) {
        case 0: { /* a segment near the cursor */
            int16_t delta = (int16_t)take(&in, 2);
            uint32_t len = take(&in, 2) % 3000;
            uint8_t fl = (uint8_t)take(&in, 1);
            uint32_t cap = (fl & 2) ? len * (uint32_t)take(&in, 1) / 256u : len;
            uint32_t seq = cur + (uint32_t)(int32_t)delta;
            segment(&h, seq, len, cap, fl & 1, fl & 8, fl, &ref);
            if (fl & 4)
                cur = seq + len;
            break;
        }
        case 1: { /* the next in-order segment */
            uint32_t len = take(&in, 1) + 1;
            segment(&h, cur, len, len, false, false, 0, &ref);
            cur += len;
            break;
        }
        case 2: /* an ACK near the cursor */
            reasm_peer_ack(&d, cur + (uint32_t)(int32_t)(int16_t)take(&in, 2), &ref);
            break;
        case 3: /* any ACK */
            reasm_peer_ack(&d, take(&in, 4), &ref);
            break;
        case 4: { /* a SYN: the same ISN again, or another one */
            uint32_t s = (take(&in, 1) & 1) ? take(&in, 4) : isn;
            reasm_syn(&d, s, &ref);
            break;
        }
        case 5:
            reasm_peer_window(&d, (take(&in, 1) & 1) ? 0 : 65535);
            break;
        case 6:
            reasm_flush(&d, &ref);
            break;
        case 7:
            reasm_stop_payload(&d);
            h.ordered = false;
            break;
        case 8:
            h.stop_in_callback = true;
            break;
        case 9: /* far away: wrap-around and old/future sequence numbers */
            cur += take(&in, 4);
            break;
        case 10: { /* a big segment, maybe cut by the snaplen */
            uint32_t len = take(&in, 2);
            uint32_t cap = len * (uint32_t)take(&in, 1) / 255u;
            segment(&h, cur, len, cap, false, false, 0, &ref);
            cur += len;
            break;
        }
        case 11: { /* keep-alive or zero-window probe at next - 1 */
            uint32_t seq = d.base_seq + (uint32_t)d.next - 1u;
            uint32_t len = take(&in, 1) & 1;
            segment(&h, seq, len, len, false, false, 0, &ref);
            break;
        }
        case 12: { /* tiny segments ahead of the cursor, in reverse order */
            uint32_t k = take(&in, 1);
            for (uint32_t i = k; i > 0; i--)
                segment(&h, cur + i, 1, 1, false, false, 0, &ref);
            break;
        }
        }
        FUZZ_CHECK(d.next == d.delivered_bytes + d.gap_bytes);
        if (!d.discard_payload)
            FUZZ_CHECK(d.buffered <= d.max_buffered);
        if (h.ordered && d.started)
            FUZZ_CHECK(d.next == h.expect);
    }
    /* Bit 4: freed with segments still waiting (a connection dropped
     * mid-stream), else flushed first as at the end of a capture. */
    if (!(cfg & 0x10)) {
        reasm_flush(&d, &ref);
        FUZZ_CHECK(d.next == d.delivered_bytes + d.gap_bytes);
        if (h.ordered && d.started)
            FUZZ_CHECK(d.next == h.expect);
    }
    reasm_free(&d);
    return 0;
}

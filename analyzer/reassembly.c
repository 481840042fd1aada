/* reassembly.c - one direction of a TCP stream turned back into bytes (see
 * reassembly.h).
 *
 * Model. Every byte of the direction has a 64-bit stream offset. `next` is
 * the first offset not yet handed on; every offset below it is "old": it was
 * delivered, or declared lost (a gap). Data ahead of `next` waits in
 * `pending`, chunks sorted by offset whose captured byte ranges never
 * overlap. When a segment arrives, its bytes are split into old ones
 * (below `next` or already pending), which are only compared with what we
 * hold, and new ones, which are delivered at once when they start at `next`
 * and buffered otherwise. So each byte is handed on at most once, in order.
 *
 * Overlap policy: the first copy wins. Receiving stacks disagree on which
 * copy of an overlapping range they keep (Ptacek & Newsham 1998, "Insertion,
 * Evasion, and Denial of Service"; Novak & Sturges 2007, "Target-Based TCP
 * Stream Reassembly"), and a passive observer cannot know the receiver's
 * policy. Bytes already delivered cannot be taken back anyway, so keeping
 * the first copy of buffered bytes too makes the rule the same everywhere;
 * the disagreement itself is reported as REASM_EV_CONFLICT, which is what a
 * diagnosis needs.
 *
 * Events, with their (offset, length):
 *   MIDSTREAM (0, 0); BEFORE_START (0, bytes before offset 0);
 *   OUT_OF_ORDER (segment offset, segment length);
 *   RETRANSMISSION (segment offset, segment length): every byte was old and
 *     the ones we could still compare were equal;
 *   CONFLICT (first differing offset, span to the last differing byte):
 *     replaces RETRANSMISSION when a compared byte differed, follows OVERLAP
 *     when the segment also carried new bytes;
 *   OVERLAP (segment offset, number of old bytes in it): old and new bytes;
 *   GAP (offset, length); CAP_REACHED (next, bytes buffered);
 *   KEEPALIVE (next, segment length); ZERO_WINDOW_PROBE (next, 1);
 *   FIN (FIN offset, 0).
 * Counters count their events (gaps, retransmissions, conflicts, overlaps,
 * out_of_order); gap_bytes and delivered_bytes count bytes.
 *
 * Bounds: at most max_buffered bytes of payload and REASM_MAX_SEGMENTS
 * chunks are held (a flood of tiny out-of-order segments hits the second
 * cap), plus REASM_HISTORY bytes of history and two pointer arrays of at
 * most 2 * REASM_MAX_SEGMENTS slots. Lookups are binary searches, so a
 * hostile flood costs O(log n) per segment plus one pointer-array move.
 *
 * Sequence numbers are unwrapped near `next` (the receiver's own reference
 * point); highest_seen records how far the segments reached, which is what
 * reasm_flush() must account for.
 *
 * Re-entrancy: the sink may call reasm_stop_payload() on this direction from
 * inside a callback (connection.c does once the handshakes are over); it must
 * not call anything else on it. Every loop below therefore re-reads the store
 * after each callback and holds no pointer into it across one.
 */
#include "reassembly.h"

#include <stdlib.h>
#include <string.h>

/* Cap on stored chunks, whatever their size (a hostile peer can send a
 * million 1-byte segments, each its own chunk). */
#define REASM_MAX_SEGMENTS 4096u
/* An ACK further ahead than this is no evidence of lost bytes but a broken
 * or hostile packet (windows are at most 2^30 bytes: RFC 7323 section 2.3). */
#define REASM_ACK_MAX_AHEAD ((uint64_t)1 << 30)

/* A buffered range: captured bytes, or (in the tails array, len 0) the
 * position of a snaplen-cut segment's lost tail. */
typedef struct {
    uint64_t offset;
    /* Once this range is handed on, `next` must reach at least this offset:
     * the uncaptured tail of a snaplen-cut segment is lost, not late. */
    uint64_t must_reach;
    uint32_t len;          /* captured bytes (0 in the tails array) */
    pkt_ref ref;           /* the packet that carried them */
    uint8_t bytes[];       /* len bytes; absent after reasm_stop_payload() */
} reasm_chunk;

/* A sorted array of chunk pointers; the live part is [start, start+count),
 * so that taking the first one costs nothing. */
typedef struct {
    reasm_chunk **item;
    uint32_t start, count, cap;
} chunk_vec;

/* What d->pending points to (NULL when nothing waits). Sorted arrays with
 * binary search keep every operation cheap even with thousands of tiny
 * hostile segments, where a linked list would be walked for each one. */
struct reasm_pending {
    chunk_vec data;        /* captured bytes: sorted, never overlapping */
    chunk_vec tails;       /* lost tails whose segment is still ahead */
    bool cap_episode;      /* CAP_REACHED already said for this backlog */
};

/* What d->history points to. The ring alone cannot tell which of its bytes
 * are real after a gap, so the lowest valid offset travels with it. */
typedef struct {
    uint64_t lo;           /* [max(lo, next - REASM_HISTORY), next) is valid */
    uint8_t ring[REASM_HISTORY];
} reasm_history;

/* How a segment relates to what is already known. */
typedef struct {
    uint64_t old_bytes;    /* below next or already pending */
    bool conflict;         /* some compared byte differed */
    uint64_t diff_lo, diff_hi; /* first and last differing offset */
} seg_view;

static const pkt_ref no_ref;

static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }
static uint64_t max_u64(uint64_t a, uint64_t b) { return a > b ? a : b; }

static void emit(reasm_dir *d, reasm_event ev, uint64_t offset, uint64_t length,
                 const pkt_ref *ref)
{
    if (d->sink.event)
        d->sink.event(d->sink.ctx, ev, offset, length, ref);
}

/* ---- sequence numbers --------------------------------------------------- */

/* to - from as a signed distance in [-2^31, 2^31): sequence space is
 * circular and compared modulo 2^32 (RFC 9293 section 3.4). */
static int64_t seq_delta(uint32_t from, uint32_t to)
{
    uint32_t u = to - from;
    return u <= 0x7FFFFFFFu ? (int64_t)u : (int64_t)u - ((int64_t)1 << 32);
}

/* Offset of seq, nearest to `next`; negative before the stream's start. */
static int64_t seq_to_offset(const reasm_dir *d, uint32_t seq)
{
    uint32_t next_seq = d->base_seq + (uint32_t)d->next;
    return (int64_t)d->next + seq_delta(next_seq, seq);
}

/* An offset before 0 (possible only within 2^31 of the start) comes back
 * modulo 2^64, i.e. above 2^64 - 2^31: callers that can meet it compare with
 * `near` first (reasm_segment() uses a signed form of the same computation). */
uint64_t reasm_unwrap(uint32_t base_seq, uint32_t seq, uint64_t near)
{
    uint32_t near_seq = base_seq + (uint32_t)near;
    return near + (uint64_t)seq_delta(near_seq, seq);
}

/* ---- history of delivered bytes ------------------------------------------ */

/* Rings of finished directions wait here for the next connection: a busy
 * capture starts and ends thousands of connections, and a malloc + free of
 * 4 KiB per direction (fresh pages to fault in, each time) showed in the
 * profile. Bounded, and no lock: rings are taken and given back on the packet
 * path only (connection_finish() releases them before a connection is handed
 * to the side thread, side_thread.h). */
#define REASM_SPARE_RINGS 64u
static reasm_history *spare_rings[REASM_SPARE_RINGS];
static unsigned n_spare_rings;

static reasm_history *history_alloc(void)
{
    if (n_spare_rings > 0)
        return spare_rings[--n_spare_rings];
    return malloc(sizeof(reasm_history));
}

static void history_release(reasm_dir *d)
{
    reasm_history *h = (reasm_history *)(void *)d->history;
    d->history = NULL;
    if (!h)
        return;
    if (n_spare_rings < REASM_SPARE_RINGS)
        spare_rings[n_spare_rings++] = h;
    else
        free(h);
}

static reasm_history *history_of(const reasm_dir *d)
{
    /* d->history always comes from history_alloc(). */
    return (reasm_history *)(void *)d->history;
}

static void history_push(reasm_dir *d, uint64_t offset, const uint8_t *bytes, size_t len)
{
    if (!d->history) {
        reasm_history *h = history_alloc();
        if (!h)
            return; /* no history: conflicts go undetected, nothing worse */
        h->lo = offset;
        d->history = (uint8_t *)h;
    }
    reasm_history *h = history_of(d);
    if (len > REASM_HISTORY) {
        bytes += len - REASM_HISTORY;
        offset += len - REASM_HISTORY;
        len = REASM_HISTORY;
    }
    size_t pos = (size_t)(offset % REASM_HISTORY);
    size_t first = len < REASM_HISTORY - pos ? len : REASM_HISTORY - pos;
    memcpy(h->ring + pos, bytes, first);
    memcpy(h->ring, bytes + first, len - first);
}

static void note_diff(seg_view *v, uint64_t offset)
{
    if (!v->conflict) {
        v->conflict = true;
        v->diff_lo = v->diff_hi = offset;
        return;
    }
    v->diff_lo = min_u64(v->diff_lo, offset);
    v->diff_hi = max_u64(v->diff_hi, offset);
}

/* have and got both hold n bytes starting at stream offset `offset`. */
static void compare_bytes(seg_view *v, uint64_t offset, const uint8_t *have, const uint8_t *got,
                          size_t n)
{
    if (n == 0 || memcmp(have, got, n) == 0)
        return;
    for (size_t i = 0; i < n; i++)
        if (have[i] != got[i])
            note_diff(v, offset + i);
}

/* Compares got = bytes [offset, offset + n), all below next, with the part of
 * them still in the history. */
static void history_compare(const reasm_dir *d, seg_view *v, uint64_t offset, const uint8_t *got,
                            uint64_t n)
{
    const reasm_history *h = history_of(d);
    if (!h)
        return;
    uint64_t lo = h->lo;
    if (d->next > REASM_HISTORY)
        lo = max_u64(lo, d->next - REASM_HISTORY);
    uint64_t a = max_u64(offset, lo), b = offset + n;
    while (a < b) {
        size_t pos = (size_t)(a % REASM_HISTORY);
        size_t run = (size_t)min_u64(b - a, REASM_HISTORY - pos);
        compare_bytes(v, a, h->ring + pos, got + (a - offset), run);
        a += run;
    }
}

/* ---- handing on: data, gaps, FIN ------------------------------------------ */

static void check_fin(reasm_dir *d, const pkt_ref *ref)
{
    if (d->fin_seen && !d->fin_reached && d->next >= d->fin_offset) {
        d->fin_reached = true;
        emit(d, REASM_EV_FIN, d->fin_offset, 0, ref);
    }
}

/* Hands on len bytes at `next`. bytes may be NULL once payload is
 * discarded. `next` moves before the callback, so that a callback sees a
 * consistent state. */
static void deliver(reasm_dir *d, const uint8_t *bytes, size_t len, const pkt_ref *ref)
{
    if (len == 0)
        return;
    uint64_t offset = d->next;
    d->next += len;
    d->delivered_bytes += len;
    if (d->discard_payload || !bytes)
        return;
    history_push(d, offset, bytes, len);
    if (d->sink.data)
        d->sink.data(d->sink.ctx, bytes, len, offset, ref);
}

static void declare_gap(reasm_dir *d, uint64_t len, const pkt_ref *ref)
{
    if (len == 0)
        return;
    uint64_t offset = d->next;
    d->next += len;
    d->gaps++;
    d->gap_bytes += len;
    /* The bytes in the ring below the gap are no longer next to `next`. */
    if (d->history)
        history_of(d)->lo = d->next;
    emit(d, REASM_EV_GAP, offset, len, ref);
}

/* ---- the pending store ------------------------------------------------------ */

static reasm_chunk *vec_at(const chunk_vec *v, uint32_t i)
{
    return v->item[v->start + i];
}

/* Inserts c before position i; false when memory ran out. Moves the shorter
 * side of the array; the array may hold twice REASM_MAX_SEGMENTS slots so
 * that sliding to the front (taking chunks from the head while appending,
 * the usual pattern) costs one compaction per REASM_MAX_SEGMENTS inserts. */
static bool vec_insert(chunk_vec *v, uint32_t i, reasm_chunk *c)
{
    if (v->start > 0 && i < v->count - i) {
        reasm_chunk **base = v->item + v->start;
        memmove(base - 1, base, i * sizeof *base);
        v->start--;
        v->item[v->start + i] = c;
        v->count++;
        return true;
    }
    if (v->start + v->count == v->cap) {
        if (v->cap < 2 * REASM_MAX_SEGMENTS) {
            uint32_t cap = v->cap ? v->cap * 2 : 16;
            if (cap > 2 * REASM_MAX_SEGMENTS)
                cap = 2 * REASM_MAX_SEGMENTS;
            reasm_chunk **item = realloc(v->item, cap * sizeof *item);
            if (!item)
                return false;
            v->item = item;
            v->cap = cap;
        } else if (v->start > 0) {
            memmove(v->item, v->item + v->start, v->count * sizeof *v->item);
            v->start = 0;
        } else {
            return false; /* callers keep count below the cap: not reached */
        }
    }
    reasm_chunk **base = v->item + v->start;
    memmove(base + i + 1, base + i, (v->count - i) * sizeof *base);
    base[i] = c;
    v->count++;
    return true;
}

static reasm_chunk *vec_shift(chunk_vec *v)
{
    reasm_chunk *c = v->item[v->start];
    v->count--;
    v->start = v->count ? v->start + 1 : 0;
    return c;
}

/* First index whose chunk ends after `a`. In the data array ends increase
 * with offsets (no overlap); in the tails array (len 0) it is the first
 * offset above `a`, the place to insert a tail at `a`. */
static uint32_t vec_first_end_after(const chunk_vec *v, uint64_t a)
{
    uint32_t lo = 0, hi = v->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const reasm_chunk *c = vec_at(v, mid);
        if (c->offset + c->len <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static uint32_t pending_count(const reasm_dir *d)
{
    return d->pending ? d->pending->data.count + d->pending->tails.count : 0;
}

static reasm_pending *pending_get(reasm_dir *d)
{
    if (!d->pending)
        d->pending = calloc(1, sizeof *d->pending);
    return d->pending;
}

/* Once nothing waits, the store goes: pending == NULL means empty, and the
 * backlog (the cap episode) is over. */
static void pending_tidy(reasm_dir *d)
{
    reasm_pending *p = d->pending;
    if (p && p->data.count == 0 && p->tails.count == 0) {
        free(p->data.item);
        free(p->tails.item);
        free(p);
        d->pending = NULL;
    }
}

static void pending_free(reasm_dir *d)
{
    reasm_pending *p = d->pending;
    if (p) {
        for (uint32_t i = 0; i < p->data.count; i++)
            free(vec_at(&p->data, i));
        for (uint32_t i = 0; i < p->tails.count; i++)
            free(vec_at(&p->tails, i));
        p->data.count = p->tails.count = 0;
        pending_tidy(d);
    }
    d->buffered = 0;
}

/* Drops what lies at or after `limit` (data after the FIN) and, with
 * strip_bytes, releases every chunk's payload but keeps its range, so that
 * `next` still moves correctly. */
static void vec_rebuild(reasm_dir *d, chunk_vec *v, uint64_t limit, bool strip_bytes)
{
    if (v->count == 0)
        return; /* item may be NULL */
    uint32_t kept = 0;
    reasm_chunk **base = v->item + v->start;
    for (uint32_t i = 0; i < v->count; i++) {
        reasm_chunk *c = base[i];
        if (c->offset >= limit) {
            if (!d->discard_payload)
                d->buffered -= c->len;
            free(c);
            continue;
        }
        bool shrink = strip_bytes && !d->discard_payload;
        if (c->offset + c->len > limit) {
            uint32_t keep_len = (uint32_t)(limit - c->offset);
            if (!d->discard_payload)
                d->buffered -= c->len - keep_len;
            c->len = keep_len;
            shrink = true;
        }
        if (c->must_reach > limit)
            c->must_reach = limit;
        if (shrink) {
            size_t want = sizeof *c + (strip_bytes || d->discard_payload ? 0 : c->len);
            reasm_chunk *smaller = realloc(c, want); /* shrinking: failure keeps c */
            if (smaller)
                c = smaller;
        }
        base[kept++] = c;
    }
    v->count = kept;
    if (!kept)
        v->start = 0;
}

static void pending_rebuild(reasm_dir *d, uint64_t limit, bool strip_bytes)
{
    if (!d->pending)
        return;
    vec_rebuild(d, &d->pending->data, limit, strip_bytes);
    vec_rebuild(d, &d->pending->tails, limit, strip_bytes);
    pending_tidy(d);
}

/* Whether one more chunk with len payload bytes stays within both caps. */
static bool pending_fits(const reasm_dir *d, uint64_t len)
{
    if (pending_count(d) >= REASM_MAX_SEGMENTS)
        return false;
    if (d->discard_payload)
        return true;
    return d->buffered <= d->max_buffered && len <= d->max_buffered - d->buffered;
}

static reasm_chunk *chunk_new(const reasm_dir *d, uint64_t offset, const uint8_t *bytes,
                              uint32_t len, const pkt_ref *ref)
{
    bool copy = !d->discard_payload && len > 0;
    reasm_chunk *c = malloc(sizeof *c + (copy ? len : 0));
    if (!c)
        return NULL;
    *c = (reasm_chunk){ .offset = offset, .must_reach = offset + len, .len = len, .ref = *ref };
    if (copy)
        memcpy(c->bytes, bytes, len);
    return c;
}

/* A lost tail still owed: `next` must reach `until` (ref: the cut packet). */
typedef struct {
    uint64_t until;
    pkt_ref ref;
} tail_due;

static void due_add(tail_due *due, uint64_t until, const pkt_ref *ref)
{
    if (until > due->until) {
        due->until = until;
        due->ref = *ref;
    }
}

/* Makes `next` reach at least due.until (clamped to the FIN), delivering
 * pending chunks as they become contiguous and declaring each hole before
 * it a gap (tagged with due.ref); then delivers whatever else is contiguous.
 * A lost tail reached on the way extends the target, unless `defer` is
 * given: then it only goes into *defer, because the segment being taken
 * may still carry those bytes (take_new). */
static void drain(reasm_dir *d, tail_due due, const pkt_ref *ref, tail_due *defer)
{
    for (;;) {
        if (d->fin_seen && due.until > d->fin_offset)
            due.until = d->fin_offset;
        reasm_pending *p = d->pending;
        if (p && p->tails.count && vec_at(&p->tails, 0)->offset <= d->next) {
            reasm_chunk *t = vec_shift(&p->tails);
            due_add(defer ? defer : &due, t->must_reach, &t->ref);
            free(t);
            pending_tidy(d);
            continue;
        }
        reasm_chunk *h = p && p->data.count ? vec_at(&p->data, 0) : NULL;
        if (h && h->offset <= d->next) {
            /* Out of the store before the callback, which may rebuild it. */
            vec_shift(&p->data);
            if (!d->discard_payload)
                d->buffered -= h->len;
            pending_tidy(d);
            uint64_t end = h->offset + h->len;
            if (end > d->next) {
                size_t skip = (size_t)(d->next - h->offset);
                bool has_bytes = !d->discard_payload;
                deliver(d, has_bytes ? h->bytes + skip : NULL, (size_t)(end - d->next), &h->ref);
            }
            /* The rest of that packet was cut by the snaplen: lost. */
            if (h->must_reach > end)
                due_add(defer ? defer : &due, h->must_reach, &h->ref);
            free(h);
            continue;
        }
        if (d->next < due.until) {
            uint64_t hole_end = due.until;
            if (h && h->offset < hole_end)
                hole_end = h->offset;
            declare_gap(d, hole_end - d->next, &due.ref);
            continue;
        }
        break;
    }
    check_fin(d, ref);
}

/* drain() to `target` with gaps tagged `ref`. */
static void drain_to(reasm_dir *d, uint64_t target, const pkt_ref *ref, tail_due *defer)
{
    drain(d, (tail_due){ .until = target, .ref = *ref }, ref, defer);
}

/* The store is full and new bytes at `upto` (> next) need room: the first
 * hole, before the first pending chunk or before `upto`, whichever comes
 * first, is given up as a gap, and delivery resumes after it. Always moves
 * `next` forward, so callers loop safely. */
static void force_hole(reasm_dir *d, uint64_t upto, const pkt_ref *ref, tail_due *defer)
{
    if (!(d->pending && d->pending->cap_episode)) {
        d->cap_reached = true;
        emit(d, REASM_EV_CAP_REACHED, d->next, d->buffered, ref);
    }
    uint64_t hole_end = upto;
    const reasm_pending *p = d->pending;
    if (p && p->data.count && vec_at(&p->data, 0)->offset < hole_end)
        hole_end = vec_at(&p->data, 0)->offset;
    if (hole_end > d->next)
        declare_gap(d, hole_end - d->next, ref);
    drain_to(d, d->next, ref, defer);
    if (d->pending)
        d->pending->cap_episode = true;
}

/* ---- taking a segment --------------------------------------------------- */

/* How the segment's bytes [start, start + seglen), of which the first caplen
 * are in p, relate to what is old or pending. Changes nothing. */
static void classify(const reasm_dir *d, seg_view *v, uint64_t start, const uint8_t *p,
                     uint64_t caplen, uint64_t seglen)
{
    uint64_t end = start + seglen, cap_end = start + caplen;
    if (start < d->next) {
        v->old_bytes += min_u64(end, d->next) - start;
        uint64_t cmp_end = min_u64(cap_end, d->next);
        if (cmp_end > start && !d->discard_payload)
            history_compare(d, v, start, p, cmp_end - start);
    }
    uint64_t s = max_u64(start, d->next);
    const reasm_pending *pp = d->pending;
    if (s >= end || !pp)
        return;
    for (uint32_t i = vec_first_end_after(&pp->data, s); i < pp->data.count; i++) {
        const reasm_chunk *q = vec_at(&pp->data, i);
        if (q->offset >= end)
            break;
        uint64_t a = max_u64(q->offset, s), b = min_u64(q->offset + q->len, end);
        v->old_bytes += b - a;
        uint64_t cb = min_u64(b, cap_end);
        if (cb > a && !d->discard_payload)
            compare_bytes(v, a, q->bytes + (a - q->offset), p + (a - start), (size_t)(cb - a));
    }
}

/* Takes the captured bytes [a, b) (p holds them) that are neither old nor
 * pending: delivered at once from the packet when they start at `next`,
 * stored otherwise, forcing gaps when the store is full. */
static void take_new(reasm_dir *d, uint64_t a, const uint8_t *p, uint64_t b, const pkt_ref *ref,
                     tail_due *defer)
{
    while (a < b) {
        if (a < d->next) { /* old, or became old through a forced gap */
            uint64_t skip = min_u64(b, d->next) - a;
            a += skip;
            p += skip;
            continue;
        }
        const reasm_pending *pp = d->pending;
        uint32_t i = pp ? vec_first_end_after(&pp->data, a) : 0;
        const reasm_chunk *blk = pp && i < pp->data.count ? vec_at(&pp->data, i) : NULL;
        if (blk && blk->offset <= a) { /* already pending: the first copy wins */
            uint64_t skip = min_u64(b, blk->offset + blk->len) - a;
            a += skip;
            p += skip;
            continue;
        }
        uint64_t lim = (blk && blk->offset < b) ? blk->offset : b;
        uint32_t len = (uint32_t)(lim - a); /* within one segment: fits */
        if (a == d->next) {
            deliver(d, p, len, ref);
            a = lim;
            p += len;
            drain_to(d, d->next, ref, defer);
            continue;
        }
        if (!pending_fits(d, len)) {
            force_hole(d, a, ref, defer);
            continue;
        }
        reasm_chunk *c = chunk_new(d, a, p, len, ref);
        reasm_pending *store = c ? pending_get(d) : NULL;
        if (store && vec_insert(&store->data, i, c)) {
            if (!d->discard_payload)
                d->buffered += len;
        } else { /* out of memory: the hole becomes a gap at the ACK or flush */
            free(c);
            pending_tidy(d);
        }
        a = lim;
        p += len;
    }
}

/* The bytes [at, end) of a segment were not captured (snaplen) while `at` is
 * still ahead of `next`: whoever hands on the byte before `at` must then
 * also declare them lost. */
static void attach_tail(reasm_dir *d, uint64_t at, uint64_t end, const pkt_ref *ref)
{
    reasm_pending *pp = d->pending;
    if (pp) { /* the chunk holding byte at - 1 (at > next >= 0) */
        uint32_t i = vec_first_end_after(&pp->data, at - 1);
        if (i < pp->data.count && vec_at(&pp->data, i)->offset < at) {
            reasm_chunk *q = vec_at(&pp->data, i);
            q->must_reach = max_u64(q->must_reach, end);
            return;
        }
    }
    if (!pending_fits(d, 0))
        return; /* the ACK or the flush will declare it instead */
    reasm_chunk *t = chunk_new(d, at, NULL, 0, ref);
    pp = t ? pending_get(d) : NULL;
    if (!pp || !vec_insert(&pp->tails, vec_first_end_after(&pp->tails, at), t)) {
        free(t);
        pending_tidy(d);
        return;
    }
    t->must_reach = end;
}

/* ---- public ------------------------------------------------------------- */

void reasm_init(reasm_dir *d, const reasm_sink *sink, size_t max_buffered)
{
    if (!d)
        return;
    memset(d, 0, sizeof *d);
    if (sink)
        d->sink = *sink;
    /* 0 would make every out-of-order segment a gap: take it as "default". */
    d->max_buffered = max_buffered ? max_buffered : REASM_DEFAULT_MAX_BUFFERED;
}

void reasm_syn(reasm_dir *d, uint32_t isn, const pkt_ref *ref)
{
    (void)ref;
    if (!d)
        return;
    if (d->started) {
        /* A retransmitted SYN changes nothing. A SYN with another ISN before
         * anything followed the first one is a new attempt (a client may
         * retry with a fresh ISN): it defines the stream. Later, it is the
         * flow table's business (a new connection), not ours. */
        bool untouched = d->syn_seen && d->next == 0 && !d->pending && d->highest_seen == 0 &&
                         !d->fin_seen;
        if (!untouched || d->base_seq == isn + 1u)
            return;
    }
    d->started = true;
    d->syn_seen = true;
    d->base_seq = isn + 1u; /* the SYN occupies one sequence number (RFC 9293 3.4) */
    d->next = 0;
}

void reasm_segment(reasm_dir *d, uint32_t seq, const uint8_t *payload, uint32_t caplen,
                   uint32_t seglen, bool fin, const pkt_ref *ref)
{
    if (!d)
        return;
    if (!ref)
        ref = &no_ref;
    if (!payload)
        caplen = 0;
    if (caplen > seglen)
        caplen = seglen;

    if (!d->started) {
        if (seglen == 0 && !fin)
            return; /* a bare ACK cannot anchor the stream */
        d->started = true;
        d->base_seq = seq;
        d->next = 0;
        emit(d, REASM_EV_MIDSTREAM, 0, 0, ref);
    }
    int64_t off = seq_to_offset(d, seq);

    /* Keep-alive: SEG.SEQ = SND.NXT - 1 with zero or one garbage octet
     * (RFC 9293 3.8.4, RFC 1122 4.2.3.6). While the peer's window is zero,
     * one byte at next - 1 is rather a zero-window probe sent again after
     * its byte was taken: a retransmission, handled as such below. */
    if (!fin && seglen <= 1 && off + 1 == (int64_t)d->next &&
        !(seglen == 1 && d->peer_window_zero)) {
        emit(d, REASM_EV_KEEPALIVE, d->next, seglen, ref);
        return;
    }
    if (seglen == 0 && !fin)
        return; /* a bare ACK or window update */

    if (off < 0) {
        uint64_t before = min_u64((uint64_t)-off, seglen);
        emit(d, REASM_EV_BEFORE_START, 0, before, ref);
        if (off + (int64_t)seglen <= 0)
            return;
        uint32_t cut = (uint32_t)before;
        uint32_t ccut = cut < caplen ? cut : caplen;
        if (payload)
            payload += ccut;
        caplen -= ccut;
        seglen -= cut;
        off = 0;
    }
    uint64_t start = (uint64_t)off;
    uint64_t end = start + seglen;

    if (fin && !d->fin_seen) {
        /* The FIN occupies the sequence number after the data (RFC 9293
         * 3.4). The first FIN's position stands; buffered data beyond it
         * cannot be part of the stream. */
        d->fin_seen = true;
        d->fin_offset = end;
        pending_rebuild(d, end, false);
    }
    if (d->fin_seen && end > d->fin_offset) {
        if (start >= d->fin_offset)
            return; /* data after the FIN: not part of the stream */
        seglen = (uint32_t)(d->fin_offset - start);
        if (caplen > seglen)
            caplen = seglen;
        end = d->fin_offset;
    }
    if (end > d->highest_seen)
        d->highest_seen = end;
    if (seglen == 0) {
        check_fin(d, ref);
        return;
    }

    seg_view v = { 0 };
    classify(d, &v, start, payload, caplen, seglen);
    if (v.old_bytes >= seglen) {
        if (v.conflict) {
            d->conflicts++;
            emit(d, REASM_EV_CONFLICT, v.diff_lo, v.diff_hi - v.diff_lo + 1, ref);
        } else {
            d->retransmissions++;
            emit(d, REASM_EV_RETRANSMISSION, start, seglen, ref);
        }
        check_fin(d, ref);
        return;
    }
    if (v.old_bytes > 0) {
        d->overlaps++;
        emit(d, REASM_EV_OVERLAP, start, v.old_bytes, ref);
    }
    if (v.conflict) {
        d->conflicts++;
        emit(d, REASM_EV_CONFLICT, v.diff_lo, v.diff_hi - v.diff_lo + 1, ref);
    }
    if (start > d->next) {
        d->out_of_order++;
        emit(d, REASM_EV_OUT_OF_ORDER, start, seglen, ref);
    } else if (start == d->next && seglen == 1 && d->peer_window_zero) {
        /* RFC 9293 3.8.6.1: the sender probes a zero window with one byte
         * of new data. The byte is real and is delivered once. */
        emit(d, REASM_EV_ZERO_WINDOW_PROBE, start, 1, ref);
    }

    uint64_t cap_end = start + caplen;
    tail_due due = { .until = d->next, .ref = *ref };
    take_new(d, start, payload, cap_end, ref, &due);
    if (end > cap_end) {
        /* The snaplen cut the segment: the rest was sent but not captured. */
        if (d->next >= cap_end)
            due_add(&due, end, ref);
        else
            attach_tail(d, cap_end, end, ref);
    }
    drain(d, due, ref, NULL);
}

void reasm_peer_ack(reasm_dir *d, uint32_t ack, const pkt_ref *ref)
{
    if (!d || !d->started)
        return;
    if (!ref)
        ref = &no_ref;
    int64_t off = seq_to_offset(d, ack);
    if (off <= (int64_t)d->next)
        return;
    if ((uint64_t)off - d->next > REASM_ACK_MAX_AHEAD)
        return;
    /* The peer received bytes the capture never showed us: every hole
     * below the ACK is lost to us (an ACK of the FIN is clamped to it). */
    drain_to(d, (uint64_t)off, ref, NULL);
}

void reasm_peer_window(reasm_dir *d, uint32_t window)
{
    if (d)
        d->peer_window_zero = window == 0; /* zero whatever the scale */
}

void reasm_flush(reasm_dir *d, const pkt_ref *ref)
{
    if (!d || !d->started)
        return;
    if (!ref)
        ref = &no_ref;
    /* Everything seen, up to the FIN when there was one (the bytes before
     * it were sent, whether captured or not). */
    uint64_t target = d->highest_seen;
    if (d->fin_seen)
        target = max_u64(target, d->fin_offset);
    drain_to(d, target, ref, NULL);
    pending_free(d);
}

void reasm_stop_payload(reasm_dir *d)
{
    if (!d || d->discard_payload)
        return;
    pending_rebuild(d, UINT64_MAX, true);
    d->discard_payload = true;
    d->buffered = 0;
    history_release(d);
}

void reasm_free(reasm_dir *d)
{
    if (!d)
        return;
    pending_free(d);
    history_release(d);
}

static const char *const event_names[] = {
    [REASM_EV_MIDSTREAM] = "midstream",
    [REASM_EV_OUT_OF_ORDER] = "out_of_order",
    [REASM_EV_RETRANSMISSION] = "retransmission",
    [REASM_EV_CONFLICT] = "conflict",
    [REASM_EV_OVERLAP] = "overlap",
    [REASM_EV_GAP] = "gap",
    [REASM_EV_CAP_REACHED] = "cap_reached",
    [REASM_EV_KEEPALIVE] = "keepalive",
    [REASM_EV_ZERO_WINDOW_PROBE] = "zero_window_probe",
    [REASM_EV_BEFORE_START] = "before_start",
    [REASM_EV_FIN] = "fin",
};

const char *reasm_event_name(reasm_event ev)
{
    if ((unsigned)ev >= sizeof event_names / sizeof event_names[0] || !event_names[ev])
        return "unknown";
    return event_names[ev];
}

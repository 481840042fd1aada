/* packet_queue.c - reading and decoding a capture file ahead of the packet
 * path (see packet_queue.h).
 *
 * The side thread fills blocks with records and hands them over whole: one
 * lock per block, not per frame. A record is a short one (a frame that
 * cannot matter) or a packet_item followed by its TCP payload, padded to 8
 * bytes. The blocks are used round-robin: the consumer reads block `head`,
 * the filler fills the one n_full blocks after it. One block is filled at a
 * time (`filling`), mostly by the side thread; the consumer fills the next
 * one itself when none is ready and none is being filled. The consumer pokes
 * the side thread only once half the blocks are free again: a wake-up per
 * block showed as system time.
 */
#include "packet_queue.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

enum {
    PACKET_QUEUE_BLOCK = 1 << 18, /* larger frames make their block larger */
    PACKET_QUEUE_BLOCKS = 8,
};

enum { REC_SHORT, REC_ITEM };

typedef struct {
    uint32_t size;            /* of the whole record, a multiple of 8 */
    uint32_t kind;            /* REC_SHORT or REC_ITEM */
} rec_head;

typedef struct {
    rec_head h;
    uint64_t number;
    rt_time ts;
    uint32_t caplen, wirelen;
} rec_short;

typedef struct {
    rec_head h;
    packet_item item;         /* item.p.tcp.payload points just after it */
} rec_item;

typedef struct {
    uint8_t *buf;             /* malloc'd: aligned for every record type */
    size_t cap, used;
    uint64_t offset_start, offset_end; /* the file offsets as the reader began and ended it */
    capture_result end;       /* CAPTURE_FRAME: more blocks follow; else how the input ended */
} block;

struct packet_queue {
    packet_reader reader;
    wakeup *wake;             /* the side thread's (side_thread.h) */
    pthread_mutex_t mu;
    pthread_cond_t filled;    /* a block was handed over, or reading ended */
    pthread_cond_t idle;      /* a filler left packet_queue_fill */
    block blocks[PACKET_QUEUE_BLOCKS];
    unsigned head;            /* the block the consumer reads next */
    unsigned n_full;          /* blocks handed over and not yet given back */
    bool reader_done;         /* no block will be filled any more */
    bool filling;             /* a thread is in packet_queue_fill */
    atomic_bool cancel;
    /* the filler's own: a frame read that did not fit the last block */
    packet_item pending_item;
    bool pending;
    /* the consumer's own */
    block *cur;
    size_t pos;
    bool ended;
    uint64_t offset;          /* where the blocks given back end */
    packet_item scratch;      /* a short record, as an item */
};

static size_t pad8(size_t n)
{
    return (n + 7u) & ~(size_t)7u;
}

/* ---- reading and decoding one frame (either thread) ---------------------- */

static void decode_item(const packet_reader *r, const capture_frame *f, packet_item *it)
{
    it->number = f->number;
    it->ts = f->ts;
    it->caplen = f->caplen;
    it->wirelen = f->wirelen;
    it->why = NULL;
    it->skipped = !decode_may_matter(r->linktype, f->data, f->caplen, r->ports, r->n_ports);
    if (it->skipped)
        return;
    it->status = decode_packet(r->linktype, f->data, f->caplen, f->wirelen, &it->p, &it->why);
    if (it->status == DECODE_SKIP)
        it->skipped = true;
}

capture_result packet_read(const packet_reader *r, packet_item *it)
{
    capture_frame f;
    capture_result res = capture_next(r->src, &f);
    if (res == CAPTURE_FRAME)
        decode_item(r, &f, it);
    return res;
}

/* ---- filling: on the side thread, or on the consumer's when it would wait */

/* The block to fill next, or NULL: none is free, or the other thread fills
 * one (PACKET_QUEUE_FULL), or reading is over (PACKET_QUEUE_DONE, in *why). */
static block *free_block(packet_queue *q, packet_queue_fill_result *why)
{
    block *b = NULL;
    pthread_mutex_lock(&q->mu);
    if (atomic_load(&q->cancel) && !q->reader_done) {
        q->reader_done = true;
        pthread_cond_signal(&q->filled);
    }
    if (q->reader_done) {
        *why = PACKET_QUEUE_DONE;
    } else if (q->n_full == PACKET_QUEUE_BLOCKS || q->filling) {
        *why = PACKET_QUEUE_FULL; /* or the other thread fills one */
    } else {
        b = &q->blocks[(q->head + q->n_full) % PACKET_QUEUE_BLOCKS];
        q->filling = true;
    }
    pthread_mutex_unlock(&q->mu);
    return b;
}

/* Hands b over; `last`: reading is over with it. */
static void hand_over(packet_queue *q, bool last)
{
    pthread_mutex_lock(&q->mu);
    q->n_full++;
    if (last)
        q->reader_done = true;
    q->filling = false;
    pthread_cond_signal(&q->filled);
    pthread_cond_signal(&q->idle);
    pthread_mutex_unlock(&q->mu);
}

/* Room for `need` bytes in an empty block: a record larger than a block
 * gets a larger buffer. */
static bool block_fit(block *b, size_t need)
{
    if (need <= b->cap)
        return true;
    uint8_t *p = realloc(b->buf, need);
    if (!p)
        return false;
    b->buf = p;
    b->cap = need;
    return true;
}

/* The payload a decoded item carries across. */
static uint32_t payload_of(const packet_item *it)
{
    if (it->skipped || it->status != DECODE_OK || it->p.kind != DECODED_TCP || !it->p.tcp.payload)
        return 0;
    return it->p.tcp.payload_caplen;
}

/* Writes `it` (or its short form) at the end of b. */
static void put_record(block *b, const packet_item *it, uint32_t payload)
{
    uint8_t *at = b->buf + b->used;
    if (it->skipped) {
        rec_short s = { { (uint32_t)sizeof s, REC_SHORT }, it->number, it->ts, it->caplen,
                        it->wirelen };
        memcpy(at, &s, sizeof s);
        b->used += pad8(sizeof s);
        return;
    }
    rec_item *r = (rec_item *)(void *)at; /* at is 8-aligned within a malloc'd buffer */
    size_t size = pad8(sizeof *r + payload);
    r->h.size = (uint32_t)size;
    r->h.kind = REC_ITEM;
    r->item = *it;
    if (payload) {
        memcpy(at + sizeof *r, it->p.tcp.payload, payload);
        r->item.p.tcp.payload = at + sizeof *r;
    }
    b->used += size;
}

static size_t record_size(const packet_item *it, uint32_t payload)
{
    return it->skipped ? pad8(sizeof(rec_short)) : pad8(sizeof(rec_item) + payload);
}

packet_queue_fill_result packet_queue_fill(packet_queue *q)
{
    packet_queue_fill_result why;
    block *b = free_block(q, &why);
    if (!b)
        return why;
    const packet_reader *r = &q->reader;
    packet_item *it = &q->pending_item;
    capture_result res = CAPTURE_END;
    b->used = 0;
    b->offset_start = capture_file_offset(r->src);
    for (;;) {
        if (!q->pending) {
            if (atomic_load_explicit(&q->cancel, memory_order_relaxed)) {
                res = CAPTURE_END;
                break;
            }
            res = packet_read(r, it);
            if (res != CAPTURE_FRAME)
                break;
            q->pending = true;
        }
        uint32_t payload = payload_of(it);
        size_t need = record_size(it, payload);
        if (b->used + need > b->cap) {
            if (b->used > 0)
                break; /* hand this block over; `it` goes first in the next */
            if (!block_fit(b, need)) {
                /* No memory for an oversized payload: say so as a problem
                 * of that packet rather than lose the frame. */
                it->status = DECODE_MALFORMED;
                it->why = "out of memory for this packet";
                payload = 0;
            }
        }
        put_record(b, it, payload);
        q->pending = false;
    }
    b->offset_end = capture_file_offset(r->src);
    b->end = q->pending ? CAPTURE_FRAME : res;
    hand_over(q, !q->pending);
    return PACKET_QUEUE_FILLED;
}

packet_queue *packet_queue_new(const packet_reader *r, wakeup *wake)
{
    if (capture_is_live(r->src))
        return NULL;
    packet_queue *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->reader = *r;
    q->wake = wake;
    atomic_init(&q->cancel, false);
    for (unsigned i = 0; i < PACKET_QUEUE_BLOCKS; i++) {
        q->blocks[i].buf = malloc(PACKET_QUEUE_BLOCK);
        if (!q->blocks[i].buf)
            goto fail;
        q->blocks[i].cap = PACKET_QUEUE_BLOCK;
    }
    if (pthread_mutex_init(&q->mu, NULL) != 0)
        goto fail;
    if (pthread_cond_init(&q->filled, NULL) != 0)
        goto fail_mutex;
    if (pthread_cond_init(&q->idle, NULL) == 0)
        return q;
    pthread_cond_destroy(&q->filled);
fail_mutex:
    pthread_mutex_destroy(&q->mu);
fail:
    for (unsigned i = 0; i < PACKET_QUEUE_BLOCKS; i++)
        free(q->blocks[i].buf);
    free(q);
    return NULL;
}

/* ---- the consumer ---------------------------------------------------------- */

/* Gives the block just read back to the reader. */
static void give_back(packet_queue *q)
{
    q->offset = q->cur->offset_end;
    pthread_mutex_lock(&q->mu);
    q->head = (q->head + 1) % PACKET_QUEUE_BLOCKS;
    q->n_full--;
    bool poke = q->n_full <= PACKET_QUEUE_BLOCKS / 2;
    pthread_mutex_unlock(&q->mu);
    if (poke)
        wakeup_poke(q->wake);
    q->cur = NULL;
}

capture_result packet_queue_next(packet_queue *q, const packet_item **it)
{
    for (;;) {
        if (q->ended)
            return CAPTURE_END;
        if (q->cur) {
            block *b = q->cur;
            if (q->pos < b->used) {
                const uint8_t *at = b->buf + q->pos;
                rec_head h;
                memcpy(&h, at, sizeof h);
                q->pos += pad8(h.size);
                if (h.kind == REC_ITEM) {
                    *it = &((const rec_item *)(const void *)at)->item;
                } else {
                    rec_short s;
                    memcpy(&s, at, sizeof s);
                    q->scratch.number = s.number;
                    q->scratch.ts = s.ts;
                    q->scratch.caplen = s.caplen;
                    q->scratch.wirelen = s.wirelen;
                    q->scratch.skipped = true;
                    *it = &q->scratch;
                }
                return CAPTURE_FRAME;
            }
            capture_result end = b->end;
            give_back(q);
            if (end != CAPTURE_FRAME) {
                q->ended = true;
                return end;
            }
        }
        pthread_mutex_lock(&q->mu);
        while (q->n_full == 0 && !q->reader_done) {
            if (!q->filling) {
                /* The side thread is busy retiring (heavy reports): read
                 * the next block here rather than wait for it. */
                pthread_mutex_unlock(&q->mu);
                packet_queue_fill(q);
                pthread_mutex_lock(&q->mu);
                continue;
            }
            pthread_cond_wait(&q->filled, &q->mu);
        }
        if (q->n_full == 0) {
            /* Reading stopped (cancelled) before an end was handed over. */
            pthread_mutex_unlock(&q->mu);
            q->ended = true;
            return CAPTURE_END;
        }
        q->cur = &q->blocks[q->head];
        pthread_mutex_unlock(&q->mu);
        q->pos = 0;
    }
}

/* Within a block, interpolated by the records read: a close estimate
 * (records are not the file's bytes), and never going back. */
uint64_t packet_queue_offset(const packet_queue *q)
{
    const block *b = q->cur;
    if (!b || b->used == 0 || b->offset_end < b->offset_start)
        return q->offset;
    return b->offset_start + (b->offset_end - b->offset_start) * q->pos / b->used;
}

void packet_queue_stop(packet_queue *q)
{
    if (!q)
        return;
    atomic_store(&q->cancel, true);
    pthread_mutex_lock(&q->mu);
    while (q->filling)
        pthread_cond_wait(&q->idle, &q->mu);
    q->reader_done = true;
    pthread_mutex_unlock(&q->mu);
}

void packet_queue_free(packet_queue *q)
{
    if (!q)
        return;
    pthread_cond_destroy(&q->idle);
    pthread_cond_destroy(&q->filled);
    pthread_mutex_destroy(&q->mu);
    for (unsigned i = 0; i < PACKET_QUEUE_BLOCKS; i++)
        free(q->blocks[i].buf);
    free(q);
}

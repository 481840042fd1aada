/* test_reassembly.c - one TCP direction back into bytes (analyzer/reassembly.h).
 *
 * Every test drives a reassembler with crafted segments and a recording sink
 * that writes one line per callback, "data:OFFSET+LEN#PACKET" or
 * "EVENT:OFFSET+LEN#PACKET", and keeps the delivered bytes; the tests assert
 * the exact log, the exact bytes and the counters. The recorder also checks,
 * on every callback, that data and gaps continue exactly where the stream
 * stands (each byte handed on once, offsets increasing).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reassembly.h"

/* ---- recording sink ------------------------------------------------------ */

typedef struct {
    char log[8192];
    size_t loglen;
    bool log_overflow;
    bool quiet;                 /* stress tests: no log, no byte copy */
    uint8_t bytes[8192];
    size_t nbytes;
    uint64_t expect;            /* where the next data or gap must start */
    bool order_broken;
    uint64_t data_bytes, gap_bytes;
    unsigned count[REASM_EV_FIN + 1];
    uint8_t (*truth)(uint64_t offset); /* when set, delivered bytes must match */
    uint64_t mismatches;
    reasm_dir *stop_dir;        /* when set, the first data callback stops payload */
} recorder;

static void rec_line(recorder *r, const char *name, uint64_t offset, uint64_t length,
                     const pkt_ref *ref)
{
    if (r->quiet)
        return;
    size_t room = sizeof r->log - r->loglen;
    int n = snprintf(r->log + r->loglen, room, "%s%s:%llu+%llu#%llu", r->loglen ? " " : "", name,
                     (unsigned long long)offset, (unsigned long long)length,
                     (unsigned long long)(ref ? ref->packet : 0));
    if (n < 0 || (size_t)n >= room)
        r->log_overflow = true;
    else
        r->loglen += (size_t)n;
}

static void rec_data(void *ctx, const uint8_t *bytes, size_t len, uint64_t offset,
                     const pkt_ref *ref)
{
    recorder *r = ctx;
    if (offset != r->expect || len == 0 || !bytes)
        r->order_broken = true;
    r->expect = offset + len;
    r->data_bytes += len;
    if (r->truth)
        for (size_t i = 0; i < len; i++)
            if (bytes[i] != r->truth(offset + i))
                r->mismatches++;
    rec_line(r, "data", offset, len, ref);
    if (!r->quiet) {
        if (r->nbytes + len <= sizeof r->bytes) {
            memcpy(r->bytes + r->nbytes, bytes, len);
            r->nbytes += len;
        } else {
            r->log_overflow = true;
        }
    }
    if (r->stop_dir) {
        reasm_dir *d = r->stop_dir;
        r->stop_dir = NULL;
        reasm_stop_payload(d);
    }
}

static void rec_event(void *ctx, reasm_event ev, uint64_t offset, uint64_t length,
                      const pkt_ref *ref)
{
    recorder *r = ctx;
    if ((unsigned)ev <= REASM_EV_FIN)
        r->count[ev]++;
    if (ev == REASM_EV_GAP) {
        if (offset != r->expect || length == 0)
            r->order_broken = true;
        r->expect = offset + length;
        r->gap_bytes += length;
    }
    rec_line(r, reasm_event_name(ev), offset, length, ref);
}

static recorder *rec_new(void)
{
    recorder *r = calloc(1, sizeof *r);
    assert_non_null(r);
    return r;
}

static void start(reasm_dir *d, recorder *r, size_t max_buffered)
{
    reasm_sink sink = { rec_data, rec_event, r };
    reasm_init(d, &sink, max_buffered);
}

static pkt_ref pr(uint64_t packet)
{
    return (pkt_ref){ .packet = packet, .ts = { .sec = (int64_t)packet, .nsec = 0 } };
}

/* Segment helpers: `s` is the payload, packet numbers tag it. */
static void seg_ex(reasm_dir *d, uint32_t seq, const char *s, uint32_t caplen, uint32_t seglen,
                   bool fin, uint64_t packet)
{
    pkt_ref ref = pr(packet);
    reasm_segment(d, seq, (const uint8_t *)s, caplen, seglen, fin, &ref);
}

static void seg(reasm_dir *d, uint32_t seq, const char *s, uint64_t packet)
{
    uint32_t n = (uint32_t)strlen(s);
    seg_ex(d, seq, s, n, n, false, packet);
}

static void seg_fin(reasm_dir *d, uint32_t seq, const char *s, uint64_t packet)
{
    uint32_t n = (uint32_t)strlen(s);
    seg_ex(d, seq, s, n, n, true, packet);
}

static void ack(reasm_dir *d, uint32_t ackno, uint64_t packet)
{
    pkt_ref ref = pr(packet);
    reasm_peer_ack(d, ackno, &ref);
}

static void flush(reasm_dir *d, uint64_t packet)
{
    pkt_ref ref = pr(packet);
    reasm_flush(d, &ref);
}

static void syn(reasm_dir *d, uint32_t isn)
{
    pkt_ref ref = pr(1);
    reasm_syn(d, isn, &ref);
}

static void assert_log(const recorder *r, const char *expected)
{
    assert_false(r->log_overflow);
    assert_false(r->order_broken);
    assert_string_equal(r->log, expected);
}

static void assert_bytes(const recorder *r, const char *expected)
{
    assert_int_equal(r->nbytes, strlen(expected));
    assert_memory_equal(r->bytes, expected, r->nbytes);
}

#define ISN 1000u
#define S(off) ((uint32_t)(ISN + 1u + (uint32_t)(off))) /* seq of stream offset */

/* ---- in order, out of order ------------------------------------------------ */

static void test_in_order(void **state)
{
    (void)state;
    reasm_dir d;
    recorder *r = rec_new();
    start(&d, r, 0);
    assert_int_equal(d.max_buffered, REASM_DEFAULT_MAX_BUFFERED);
    syn(&d, ISN);
    assert_true(d.started);
    assert_true(d.syn_seen);
    assert_int_equal(d.base_seq, ISN + 1);
    syn(&d, ISN); /* retransmitted SYN: nothing changes */
    seg(&d, S(0), "hello", 2);
    seg(&d, S(5), " world", 3);
    assert_log(r, "data:0+5#2 data:5+6#3");
    assert_bytes(r, "hello world");
    assert_int_equal(d.next, 11);
    assert_int_equal(d.delivered_bytes, 11);
    assert_int_equal(d.gaps + d.retransmissions + d.conflicts + d.overlaps + d.out_of_order, 0);
    assert_null(d.pending);
    assert_int_equal(d.buffered, 0);
    reasm_free(&d);
    free(r);
}

static void test_syn_new_isn(void **state)
{
    (void)state;
    /* A SYN with another ISN before anything followed the first is a new
     * attempt and defines the stream; once data flowed it changes nothing. */
    reasm_dir d;
    recorder *r = rec_new();
    start(&d, r, 0);
    syn(&d, 5000);
    syn(&d, ISN);
    assert_int_equal(d.base_seq, ISN + 1);
    seg(&d, S(0), "abc", 2);
    syn(&d, 7000);
    assert_int_equal(d.base_seq, ISN + 1);
    seg(&d, S(3), "def", 3);
    assert_log(r, "data:0+3#2 data:3+3#3");
    reasm_free(&d);
    free(r);
}

static void test_out_of_order_reversed(void **state)
{
    (void)state;
    reasm_dir d;
    recorder *r = rec_new();
    start(&d, r, 0);
    syn(&d, ISN);
    seg(&d, S(10), "klmno", 2);
    seg(&d, S(5), "fghij", 3);
    assert_int_equal(d.buffered, 10);
    assert_int_equal(d.next, 0);
    seg(&d, S(0), "abcde", 4);
    assert_log(r, "out_of_order:10+5#2 out_of_order:5+5#3 "
                  "data:0+5#4 data:5+5#3 data:10+5#2");
    assert_bytes(r, "abcdefghijklmno");
    assert_int_equal(d.out_of_order, 2);
    assert_int_equal(d.buffered, 0);
    assert_null(d.pending);
    reasm_free(&d);
    free(r);
}

static uint64_t rng_state;
static uint64_t rng(void)
{
    /* xorshift64: fixed seeds make every run identical. */
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static uint8_t truth(uint64_t offset)
{
    uint64_t x = offset * 0x9E3779B97F4A7C15ull;
    return (uint8_t)(x >> 56);
}

static void test_out_of_order_shuffled(void **state)
{
    (void)state;
    enum { NSEG = 64, LEN = 16 };
    static uint8_t stream[NSEG * LEN];
    for (size_t i = 0; i < sizeof stream; i++)
        stream[i] = truth(i);
    int order[NSEG];
    for (int i = 0; i < NSEG; i++)
        order[i] = i;
    rng_state = 12345;
    for (int i = NSEG - 1; i > 0; i--) {
        int j = (int)(rng() % (uint64_t)(i + 1));
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
    }

    reasm_dir d;
    recorder *r = rec_new();
    start(&d, r, 0);
    syn(&d, ISN);

    /* The expected log, from a model: a segment at the expected position is
     * delivered with its packet, then every received one that follows it. */
    static char expected[8192];
    size_t elen = 0;
    bool have[NSEG] = { false };
    uint64_t pkt_of[NSEG] = { 0 };
    int model_next = 0;
    unsigned ooo = 0;
    for (int k = 0; k < NSEG; k++) {
        int i = order[k];
        uint64_t pkt = (uint64_t)k + 2;
        pkt_ref ref = pr(pkt);
        reasm_segment(&d, S(i * LEN), stream + i * LEN, LEN, LEN, false, &ref);
        have[i] = true;
        pkt_of[i] = pkt;
        if (i != model_next) {
            ooo++;
            elen += (size_t)snprintf(expected + elen, sizeof expected - elen,
                                     "%sout_of_order:%d+%d#%llu", elen ? " " : "", i * LEN, LEN,
                                     (unsigned long long)pkt);
            continue;
        }
        while (model_next < NSEG && have[model_next]) {
            elen += (size_t)snprintf(expected + elen, sizeof expected - elen,
                                     "%sdata:%d+%d#%llu", elen ? " " : "", model_next * LEN, LEN,
                                     (unsigned long long)pkt_of[model_next]);
            model_next++;
        }
        assert_true(elen < sizeof expected);
    }
    assert_true(ooo > 10); /* the seed really shuffles */
    assert_log(r, expected);
    assert_int_equal(r->nbytes, sizeof stream);
    assert_memory_equal(r->bytes, stream, sizeof stream);
    assert_int_equal(d.out_of_order, ooo);
    assert_int_equal(d.buffered, 0);
    assert_null(d.pending);
    reasm_free(&d);
    free(r);
}

/* ---- retransmissions, conflicts, overlaps ------------------------------------ */

static void test_retransmission_exact(void **state)
{
    (void)state;
    reasm_dir d;
    recorder *r = rec_new();
    start(&d, r, 0);
    syn(&d, ISN);
    seg(&d, S(0), "abcde", 2);
    seg(&d, S(5), "fghij", 3);
    seg(&d, S(0), "abcde", 4);
    seg(&d, S(3), "defgh", 5);
    assert_log(r, "data:0+5#2 data:5+5#3 retransmission:0+5#4 retransmission:3+5#5");
    assert_bytes(r, "abcdefghij");
    assert_int_equal(d.retransmissions, 2);
    assert_int_equal(d.conflicts, 0);
    assert_int_equal(d.next, 10);
    assert_non_null(d.history);
    reasm_free(&d);
    assert_null(d.history);
    free(r);
}

static void test_retransmission_conflict(void **state)
{
    (void)state;
    reasm_dir d;
    recorder *r = rec_new();
    start(&d, r, 0);
    syn(&d, ISN);
    seg(&d, S(0), "abcde", 2);
    seg(&d, S(5), "fghij", 3);
    /* Offsets 2 and 4 differ: the conflict spans 2..4. */
    seg(&d, S(0), "abXdY", 4);
    assert_log(r, "data:0+5#2 data:5+5#3 conflict:2+3#4");
    assert_bytes(r, "abcdefghij"); /* the first copy stands */
    assert_int_equal(d.conflicts, 1);
    assert_int_equal(d.retransmissions, 0);
    reasm_free(&d);
    free(r);
}

static void test_conflict_only_within_history(void **state)
{
    (void)state;
    /* Bytes older than REASM_HISTORY cannot be compared: a different copy of
     * them is a plain retransmission; the part still in history is compared. */
    static uint8_t big[REASM_HISTORY + 100];
    memset(big, 'a', sizeof big);
    reasm_dir d;
    recorder *r = rec_new();
    r->quiet = true;
    start(&d, r, 0);
    syn(&d, ISN);
    pkt_ref p2 = pr(2), p3 = pr(3), p4 = pr(4);
    reasm_segment(&d, S(0), big, sizeof big, sizeof big, false, &p2);
    uint8_t other[50];
    memset(other, 'b', sizeof other);
    reasm_segment(&d, S(0), other, sizeof other, sizeof other, false, &p3); /* forgotten */
    assert_int_equal(d.retransmissions, 1);
    assert_int_equal(d.conflicts, 0);
    /* [90, 140): 90..99 are beyond the history (it holds [100, 4196)). */
    reasm_segment(&d, S(90), other, sizeof other, sizeof other, false, &p4);
    assert_int_equal(d.conflicts, 1);
    assert_int_equal(r->count[REASM_EV_CONFLICT], 1);
    r->quiet = false;
    reasm_free(&d);
    free(r);
}

static void test_partial_overlap(void **state)
{
    (void)state;
    reasm_dir d;
    recorder *r = rec_new();
    start(&d, r, 0);
    syn(&d, ISN);
    seg(&d, S(0), "abcde", 2);
    seg(&d, S(3), "deFGH", 3);  /* 3..4 old and equal, 5..7 new */
    seg(&d, S(6), "xHIJ", 4);   /* 6 differs, 7 equal, 8..9 new */
    assert_log(r, "data:0+5#2 overlap:3+2#3 data:5+3#3 "
                  "overlap:6+2#4 conflict:6+1#4 data:8+2#4");
    assert_bytes(r, "abcdeFGHIJ");
    assert_int_equal(d.overlaps, 2);
    assert_int_equal(d.conflicts, 1);
    assert_int_equal(d.retransmissions, 0);
    reasm_free(&d);
    free(r);
}

static void test_overlap_buffered(void **state)
{
    (void)state;
    reasm_dir d;
    recorder *r = rec_new();
    start(&d, r, 0);
    syn(&d, ISN);
    seg(&d, S(10), "KLMNOPQRST", 2);
    /* 15..19 overlap the buffered copy, 17 differs: the buffered copy wins. */
    seg(&d, S(15), "PQrSTuvwxy", 3);
    assert_int_equal(d.buffered, 15);
    seg(&d, S(12), "MNOP", 4);  /* all buffered already, same bytes */
    seg(&d, S(0), "ABCDEFGHIJ", 5);
    assert_log(r, "out_of_order:10+10#2 overlap:15+5#3 conflict:17+1#3 out_of_order:15+10#3 "
                  "retransmission:12+4#4 data:0+10#5 data:10+10#2 data:20+5#3");
    assert_bytes(r, "ABCDEFGHIJKLMNOPQRSTuvwxy");

    /* An in-order segment spanning a buffered one, whose copy differs: the
     * buffered bytes are delivered between the segment's two new parts. */
    seg(&d, S(30), "abcde", 6);
    seg(&d, S(25), "01234abXde56", 7);
    assert_log(r, "out_of_order:10+10#2 overlap:15+5#3 conflict:17+1#3 out_of_order:15+10#3 "
                  "retransmission:12+4#4 data:0+10#5 data:10+10#2 data:20+5#3 "
                  "out_of_order:30+5#6 overlap:25+5#7 conflict:32+1#7 "
                  "data:25+5#7 data:30+5#6 data:35+2#7");
    assert_bytes(r, "ABCDEFGHIJKLMNOPQRSTuvwxy01234abcde56");
    assert_int_equal(d.overlaps, 2);
    assert_int_equal(d.conflicts, 2);
    assert_int_equal(d.retransmissions, 1);
    assert_int_equal(d.out_of_order, 3);
    assert_int_equal(d.buffered, 0);
    reasm_free(&d);
    free(r);
}

/* ---- gaps --------------------------------------------------------------------- */

static void test_gap_closed_by_ack(void **state)
{
    (void)state;
    reasm_dir d;
    recorder *r = rec_new();
    start(&d, r, 0);
    ack(&d, S(100), 2); /* nothing started yet: ignored */
    syn(&d, ISN);
    seg(&d, S(0), "0123456789", 2);
    seg(&d, S(20), "KLMNOPQRST", 3);
    seg(&d, S(40), "abcdefghij", 4);
    ack(&d, S(5), 5);                        /* behind: nothing */
    ack(&d, S(10), 5);                       /* exactly next: nothing */
    ack(&d, S(0) + (1u << 30) + 100u, 5);    /* absurdly far: ignored */
    assert_int_equal(d.gaps, 0);
    ack(&d, S(30), 6);
    assert_int_equal(d.buffered, 10);
    ack(&d, S(60), 7);
    assert_log(r, "data:0+10#2 out_of_order:20+10#3 out_of_order:40+10#4 "
                  "gap:10+10#6 data:20+10#3 gap:30+10#7 data:40+10#4 gap:50+10#7");
    assert_bytes(r, "0123456789KLMNOPQRSTabcdefghij");
    assert_int_equal(d.gaps, 3);
    assert_int_equal(d.gap_bytes, 30);
    assert_int_equal(d.next, 60);
    assert_int_equal(d.delivered_bytes, 30);
    /* Bytes in a declared gap, arriving late, are old: not delivered. */
    seg(&d, S(12), "late", 8);
    assert_int_equal(d.retransmissions, 1);
    assert_int_equal(r->data_bytes, 30);
    reasm_free(&d);
    free(r);
}

static void test_gap_at_flush(void **state)
{
    (void)state;
    reasm_dir d;
    recorder *r = rec_new();
    start(&d, r, 0);
    syn(&d, ISN);
    seg(&d, S(0), "0123456789", 2);
    seg(&d, S(20), "KLMNOPQRST", 3);
    seg(&d, S(40), "abcdefghij", 4);
    flush(&d, 9);
    assert_log(r, "data:0+10#2 out_of_order:20+10#3 out_of_order:40+10#4 "
                  "gap:10+10#9 data:20+10#3 gap:30+10#9 data:40+10#4");
    assert_null(d.pending);
    assert_int_equal(d.buffered, 0);
    assert_int_equal(d.next, 50);
    assert_int_equal(d.gaps, 2);
    assert_int_equal(d.gap_bytes, 20);
    flush(&d, 10); /* nothing left */
    assert_int_equal(d.gaps, 2);
    reasm_free(&d);
    free(r);
}

static void test_cap_reached(void **state)
{
    (void)state;
    reasm_dir d;
    recorder *r = rec_new();
    start(&d, r, 20);
    syn(&d, ISN);
    seg(&d, S(10), "aaaaaaaaaa", 2);
    seg(&d, S(30), "bbbbbbbbbb", 3);
    assert_int_equal(d.buffered, 20);
    /* No room: the first hole [0,10) is given up, [10,20) delivered, then
     * the new segment fits. */
    seg(&d, S(50), "cccccccccc", 4);
    assert_true(d.buffered <= 20);
    /* Still the same backlog: no second cap_reached, only the gap. */
    seg(&d, S(70), "dddddddddd", 5);
    assert_true(d.buffered <= 20);
    seg(&d, S(40), "eeeeeeeeee", 6);
    seg(&d, S(60), "ffffffffff", 7);
    assert_null(d.pending);
    /* A single segment larger than the cap is never buffered: the hole
     * before it is given up and it is delivered at once. */
    seg(&d, S(100), "gggggggggggggggggggggggggggggg", 8);
    assert_log(r, "out_of_order:10+10#2 out_of_order:30+10#3 "
                  "out_of_order:50+10#4 cap_reached:0+20#4 gap:0+10#4 data:10+10#2 "
                  "out_of_order:70+10#5 gap:20+10#5 data:30+10#3 "
                  "data:40+10#6 data:50+10#4 data:60+10#7 data:70+10#5 "
                  "out_of_order:100+30#8 cap_reached:80+0#8 gap:80+20#8 data:100+30#8");
    assert_true(d.cap_reached);
    assert_int_equal(r->count[REASM_EV_CAP_REACHED], 2);
    assert_int_equal(d.gaps, 3);
    assert_int_equal(d.gap_bytes, 40);
    assert_int_equal(d.buffered, 0);
    reasm_free(&d);
    free(r);
}

static void test_segment_count_cap(void **state)
{
    (void)state;
    /* A million 1-byte segments, each after a 1-byte hole: the byte cap is
     * far away, the cap on list entries (4096) is what bounds memory. */
    reasm_dir d;
    recorder *r = rec_new();
    r->quiet = true;
    start(&d, r, 64u << 20);
    syn(&d, ISN);
    uint8_t byte = 'x';
    size_t max_buffered_seen = 0;
    for (uint32_t i = 1; i <= 1000000; i++) {
        pkt_ref ref = pr(i + 1);
        reasm_segment(&d, S(2 * i), &byte, 1, 1, false, &ref);
        if (d.buffered > max_buffered_seen)
            max_buffered_seen = d.buffered;
    }
    assert_int_equal(max_buffered_seen, 4096);
    assert_true(d.cap_reached);
    assert_int_equal(r->count[REASM_EV_CAP_REACHED], 1); /* one backlog, never emptied */
    assert_int_equal(d.gaps, 1000000 - 4096);
    assert_false(r->order_broken);
    flush(&d, 2000000);
    assert_int_equal(d.gaps, 1000000);
    assert_int_equal(d.delivered_bytes, 1000000);
    assert_int_equal(r->data_bytes + r->gap_bytes, d.next);
    assert_false(r->order_broken);
    reasm_free(&d);
    free(r);
}

static void test_hostile_random_tiny(void **state)
{
    (void)state;
    /* Tiny segments at random places far ahead of a hole that never fills:
     * memory stays bounded by the entry cap, and every byte still comes out
     * once, in order. */
    reasm_dir d;
    recorder *r = rec_new();
    r->quiet = true;
    r->truth = truth;
    start(&d, r, 0);
    syn(&d, ISN);
    rng_state = 777;
    for (uint64_t i = 0; i < 200000; i++) {
        uint64_t off = d.next + 1 + rng() % 100000;
        uint8_t b[2] = { truth(off), truth(off + 1) };
        uint32_t len = 1 + (uint32_t)(rng() & 1);
        pkt_ref ref = pr(i + 2);
        reasm_segment(&d, S(off), b, len, len, false, &ref);
        assert_true(d.buffered <= 2 * 4096);
    }
    assert_true(d.cap_reached);
    flush(&d, 999999);
    assert_false(r->order_broken);
    assert_int_equal(r->mismatches, 0);
    assert_int_equal(r->data_bytes + r->gap_bytes, d.next);
    reasm_free(&d);
    free(r);
}

static void test_snaplen_cut(void **state)
{
    (void)state;
    reasm_dir d;
    recorder *r = rec_new();
    start(&d, r, 0);
    syn(&d, ISN);
    seg_ex(&d, S(0), "abcdefghij", 4, 10, false, 2);   /* in order, cut */
    seg(&d, S(10), "klm", 3);
    seg_ex(&d, S(20), "uvwxyzUVWX", 3, 10, false, 4);  /* ahead, cut */
    seg_ex(&d, S(30), NULL, 0, 5, false, 5);           /* ahead, headers only */
    seg(&d, S(13), "nopqrst", 6);
    seg(&d, S(35), "Z", 7);
    assert_log(r, "data:0+4#2 gap:4+6#2 data:10+3#3 "
                  "out_of_order:20+10#4 out_of_order:30+5#5 "
                  "data:13+7#6 data:20+3#4 gap:23+7#4 gap:30+5#5 data:35+1#7");
    assert_bytes(r, "abcdklmnopqrstuvwZ");
    assert_int_equal(d.gap_bytes, 6 + 7 + 5);
    assert_int_equal(d.next, 36);
    assert_null(d.pending);
    reasm_free(&d);
    free(r);
}

static void test_snaplen_cut_then_full_copy(void **state)
{
    (void)state;
    /* A cut segment waits; a full copy of the range then arrives in order:
     * its bytes fill the uncaptured tail, nothing is declared lost. */
    reasm_dir d;
    recorder *r = rec_new();
    start(&d, r, 0);
    syn(&d, ISN);
    seg_ex(&d, S(10), "abcdefghij", 3, 10, false, 2);
    seg(&d, S(0), "0123456789abcdefghijklmno", 3);
    assert_log(r, "out_of_order:10+10#2 overlap:0+3#3 "
                  "data:0+10#3 data:10+3#2 data:13+12#3");
    assert_bytes(r, "0123456789abcdefghijklmno");
    assert_int_equal(d.gaps, 0);
    reasm_free(&d);
    free(r);
}

/* ---- start of the stream ------------------------------------------------------ */

static void test_midstream_and_before_start(void **state)
{
    (void)state;
    reasm_dir d;
    recorder *r = rec_new();
    start(&d, r, 0);
    seg(&d, 4000, "", 1); /* a bare ACK cannot anchor the stream */
    assert_false(d.started);
    seg(&d, 5000, "hello", 2);
    assert_true(d.started);
    assert_false(d.syn_seen);
    assert_int_equal(d.base_seq, 5000);
    seg(&d, 4990, "0123456789", 3); /* wholly before the start */
    seg(&d, 4997, "xyzhe", 4);      /* 3 bytes before, 2 old ones */
    seg(&d, 5005, " world", 5);
    assert_log(r, "midstream:0+0#2 data:0+5#2 before_start:0+10#3 "
                  "before_start:0+3#4 retransmission:0+2#4 data:5+6#5");
    assert_bytes(r, "hello world");
    assert_int_equal(r->count[REASM_EV_MIDSTREAM], 1);
    reasm_free(&d);
    free(r);
}

static void test_midstream_first_segment_out_of_order(void **state)
{
    (void)state;
    /* Without a SYN the first segment seen defines offset 0 even if an
     * earlier one arrives next (it is before the start). A FIN alone can
     * also start a stream. */
    reasm_dir d;
    recorder *r = rec_new();
    start(&d, r, 0);
    seg(&d, 200, "later", 2);
    seg(&d, 195, "early", 3);
    assert_log(r, "midstream:0+0#2 data:0+5#2 before_start:0+5#3");

    reasm_dir e;
    recorder *q = rec_new();
    start(&e, q, 0);
    seg_fin(&e, 77, "", 4);
    assert_log(q, "midstream:0+0#4 fin:0+0#4");
    assert_true(e.fin_reached);
    reasm_free(&d);
    reasm_free(&e);
    free(r);
    free(q);
}

static void test_wraparound(void **state)
{
    (void)state;
    reasm_dir d;
    recorder *r = rec_new();
    start(&d, r, 0);
    syn(&d, 0xFFFFFFF0u); /* offset 0 = 0xFFFFFFF1, offset 15 = 0 */
    seg(&d, 0xFFFFFFF1u, "ABCDEFGHIJKLMNOPQRST", 2); /* crosses 2^32 */
    seg(&d, 0x19u, "0123456789", 3);                 /* offset 40 */
    seg(&d, 0x05u, "abcdefghijklmnopqrst", 4);       /* offset 20 */
    ack(&d, 0x23u, 5);                               /* offset 50 = next */
    ack(&d, 0x2Du, 6);                               /* offset 60 */
    seg(&d, 0xFFFFFFF1u, "ABCDE", 7);                /* old, before the wrap */
    assert_log(r, "data:0+20#2 out_of_order:40+10#3 data:20+20#4 data:40+10#3 "
                  "gap:50+10#6 retransmission:0+5#7");
    assert_bytes(r, "ABCDEFGHIJKLMNOPQRSTabcdefghijklmnopqrst0123456789");
    assert_int_equal(d.next, 60);
    reasm_free(&d);
    free(r);
}

static void test_offsets_beyond_4g(void **state)
{
    (void)state;
    /* A stream longer than 2^32 bytes: the ACKs move the stream on in
     * steps of 2^29 (the capture lost it all), then data arrives at an
     * offset above 2^32 whose 32-bit sequence number has wrapped twice. */
    reasm_dir d;
    recorder *r = rec_new();
    r->quiet = true;
    start(&d, r, 0);
    syn(&d, 0x80000000u);
    uint64_t off = 0;
    for (int i = 0; i < 20; i++) {
        off += (uint64_t)1 << 29;
        ack(&d, (uint32_t)(0x80000001u + off), (uint64_t)i + 2);
        assert_int_equal(d.next, off);
    }
    assert_true(d.next > ((uint64_t)1 << 33));
    r->quiet = false;
    seg(&d, (uint32_t)(0x80000001u + off), "xyz", 99);
    char want[64];
    snprintf(want, sizeof want, "data:%llu+3#99", (unsigned long long)off);
    assert_string_equal(r->log, want);
    assert_int_equal(d.gaps, 20);
    assert_false(r->order_broken);
    reasm_free(&d);
    free(r);
}

static void test_unwrap(void **state)
{
    (void)state;
    assert_int_equal(reasm_unwrap(0xFFFFFFF1u, 0x05u, 10), 20);
    assert_int_equal(reasm_unwrap(0xFFFFFFF1u, 0xFFFFFFF1u, 10), 0);
    assert_int_equal(reasm_unwrap(0, 5, 0x100000000ull), 0x100000005ull);
    assert_int_equal(reasm_unwrap(0, 0xFFFFFFFFu, 0x100000000ull), 0xFFFFFFFFull);
    assert_int_equal(reasm_unwrap(0, 0x7FFFFFFFu, 0x180000000ull), 0x17FFFFFFFull);
    assert_int_equal(reasm_unwrap(100, 300, 0x300000000ull), 0x3000000C8ull);
    /* Before offset 0: modulo 2^64. */
    assert_int_equal(reasm_unwrap(0x10u, 0x00u, 0), UINT64_MAX - 15);
}

/* ---- keep-alive, zero window ----------------------------------------------------- */

static void test_keepalive(void **state)
{
    (void)state;
    reasm_dir d;
    recorder *r = rec_new();
    start(&d, r, 0);
    syn(&d, ISN);
    seg(&d, ISN, "", 2);          /* idle before any data: SEG.SEQ = ISN */
    seg(&d, S(0), "abc", 3);
    seg(&d, S(2), "", 4);         /* next - 1, no byte */
    seg_ex(&d, S(2), "\0", 1, 1, false, 5); /* next - 1, one garbage byte */
    seg(&d, S(3), "", 6);         /* a bare ACK */
    assert_log(r, "keepalive:0+0#2 data:0+3#3 keepalive:3+0#4 keepalive:3+1#5");
    assert_bytes(r, "abc");
    assert_int_equal(d.retransmissions, 0);
    assert_int_equal(d.next, 3);
    reasm_free(&d);
    free(r);
}

static void test_zero_window_probe(void **state)
{
    (void)state;
    reasm_dir d;
    recorder *r = rec_new();
    start(&d, r, 0);
    syn(&d, ISN);
    seg(&d, S(0), "abc", 2);
    reasm_peer_window(&d, 0);
    assert_true(d.peer_window_zero);
    seg(&d, S(3), "d", 3);   /* the probe: its byte is data */
    seg(&d, S(3), "d", 4);   /* the probe again: a retransmission */
    reasm_peer_window(&d, 8192);
    assert_false(d.peer_window_zero);
    seg(&d, S(4), "efg", 5);
    seg(&d, S(7), "h", 6);   /* one byte, window open: plain data */
    assert_log(r, "data:0+3#2 zero_window_probe:3+1#3 data:3+1#3 retransmission:3+1#4 "
                  "data:4+3#5 data:7+1#6");
    assert_bytes(r, "abcdefgh");
    assert_int_equal(r->count[REASM_EV_ZERO_WINDOW_PROBE], 1);
    reasm_free(&d);
    free(r);
}

/* ---- FIN -------------------------------------------------------------------------- */

static void test_fin_after_missing_segment(void **state)
{
    (void)state;
    reasm_dir d;
    recorder *r = rec_new();
    start(&d, r, 0);
    syn(&d, ISN);
    seg(&d, S(0), "abcde", 2);
    seg_fin(&d, S(10), "klmno", 3);
    assert_true(d.fin_seen);
    assert_int_equal(d.fin_offset, 15);
    assert_false(d.fin_reached);
    seg(&d, S(5), "fghij", 4);
    assert_true(d.fin_reached);
    seg_fin(&d, S(15), "", 5);  /* FIN retransmitted: said once */
    ack(&d, S(16), 6);          /* the ACK of the FIN is no gap */
    flush(&d, 7);
    assert_log(r, "data:0+5#2 out_of_order:10+5#3 data:5+5#4 data:10+5#3 fin:15+0#4");
    assert_int_equal(d.gaps, 0);
    reasm_free(&d);
    free(r);
}

static void test_fin_hole_declared_at_flush(void **state)
{
    (void)state;
    reasm_dir d;
    recorder *r = rec_new();
    start(&d, r, 0);
    syn(&d, ISN);
    seg(&d, S(0), "abcde", 2);
    seg_fin(&d, S(10), "", 3); /* FIN at 10: bytes 5..9 were sent, never seen */
    flush(&d, 4);
    assert_log(r, "data:0+5#2 gap:5+5#4 fin:10+0#4");
    reasm_free(&d);
    free(r);
}

static void test_data_after_fin_ignored(void **state)
{
    (void)state;
    reasm_dir d;
    recorder *r = rec_new();
    start(&d, r, 0);
    syn(&d, ISN);
    seg_fin(&d, S(0), "abcde", 2);
    seg(&d, S(5), "xyz", 3);    /* after the FIN */
    seg(&d, S(3), "deXY", 4);   /* clipped at the FIN: a retransmission */
    seg(&d, S(40), "far", 5);
    ack(&d, S(30), 6);
    flush(&d, 7);
    assert_log(r, "data:0+5#2 fin:5+0#2 retransmission:3+2#4");
    assert_bytes(r, "abcde");
    assert_int_equal(d.next, 5);
    assert_null(d.pending);

    /* Data buffered beyond a FIN learnt later is dropped. */
    reasm_dir e;
    recorder *q = rec_new();
    start(&e, q, 0);
    syn(&e, ISN);
    seg(&e, S(20), "zzzzz", 2);
    seg(&e, S(8), "ab", 3);
    seg_fin(&e, S(0), "01234567", 4); /* FIN at 8 */
    assert_log(q, "out_of_order:20+5#2 out_of_order:8+2#3 data:0+8#4 fin:8+0#4");
    assert_null(e.pending);
    assert_int_equal(e.buffered, 0);
    reasm_free(&d);
    reasm_free(&e);
    free(r);
    free(q);
}

/* ---- stop payload, NULL sink, names ------------------------------------------------ */

static void test_stop_payload(void **state)
{
    (void)state;
    reasm_dir d;
    recorder *r = rec_new();
    start(&d, r, 0);
    syn(&d, ISN);
    seg(&d, S(0), "abcde", 2);
    seg(&d, S(30), "later", 3);        /* buffered with its bytes */
    assert_int_equal(d.buffered, 5);
    reasm_stop_payload(&d);
    assert_true(d.discard_payload);
    assert_null(d.history);
    assert_int_equal(d.buffered, 0);
    assert_non_null(d.pending);        /* its range is still known */
    seg(&d, S(5), "fghij", 4);         /* not delivered, but counted */
    assert_int_equal(d.next, 10);
    assert_int_equal(d.delivered_bytes, 10);
    seg(&d, S(20), "uvwxy", 5);
    assert_int_equal(d.buffered, 0);
    ack(&d, S(25), 6);
    seg(&d, S(0), "abcde", 7);
    seg(&d, S(25), "56789", 8);        /* fills up to the buffered range */
    seg_fin(&d, S(35), "", 9);
    /* Not assert_log: the recorder's continuity check cannot follow the
     * bytes that moved `next` without being delivered. */
    assert_false(r->log_overflow);
    assert_string_equal(r->log, "data:0+5#2 out_of_order:30+5#3 out_of_order:20+5#5 "
                                "gap:10+10#6 retransmission:0+5#7 fin:35+0#9");
    assert_bytes(r, "abcde");
    assert_int_equal(d.next, 35);
    assert_int_equal(d.delivered_bytes, 25);
    assert_int_equal(d.gap_bytes, 10);
    assert_int_equal(d.out_of_order, 2);
    assert_null(d.history);
    assert_null(d.pending);
    reasm_free(&d);
    free(r);
}

static void test_stop_payload_from_callback(void **state)
{
    (void)state;
    /* The sink stops the payload while the reassembler is delivering a chain
     * of buffered segments (connection.c does this once the handshakes are
     * over): the rest is not delivered, `next` still moves past it. */
    reasm_dir d;
    recorder *r = rec_new();
    start(&d, r, 0);
    syn(&d, ISN);
    seg(&d, S(10), "bbbbbbbbbb", 2);
    seg(&d, S(20), "cccccccccc", 3);
    r->stop_dir = &d;
    seg(&d, S(0), "aaaaaaaaaa", 4);
    assert_log(r, "out_of_order:10+10#2 out_of_order:20+10#3 data:0+10#4");
    assert_true(d.discard_payload);
    assert_int_equal(d.next, 30);
    assert_int_equal(d.delivered_bytes, 30);
    assert_null(d.pending);
    reasm_free(&d);
    free(r);
}

static void test_null_sink(void **state)
{
    (void)state;
    reasm_dir d;
    reasm_init(&d, NULL, 8);
    pkt_ref ref = pr(2);
    const uint8_t *b = (const uint8_t *)"abcdefghij";
    reasm_segment(&d, 100, b, 10, 10, false, &ref);   /* midstream */
    reasm_segment(&d, 120, b, 5, 5, false, &ref);     /* buffered */
    reasm_segment(&d, 130, b, 10, 10, false, &ref);   /* forces a gap */
    reasm_segment(&d, 100, b, 10, 10, false, NULL);   /* NULL ref too */
    reasm_peer_ack(&d, 145, NULL);                    /* one more gap, to 45 */
    reasm_flush(&d, NULL);
    assert_int_equal(d.gaps, 3);
    assert_int_equal(d.gap_bytes, 10 + 5 + 5);
    assert_int_equal(d.delivered_bytes, 25);
    assert_int_equal(d.retransmissions, 1);
    assert_true(d.cap_reached);
    assert_int_equal(d.next, 45);
    reasm_free(&d);
    reasm_free(&d); /* twice is harmless */
}

static void test_event_names(void **state)
{
    (void)state;
    assert_string_equal(reasm_event_name(REASM_EV_MIDSTREAM), "midstream");
    assert_string_equal(reasm_event_name(REASM_EV_OUT_OF_ORDER), "out_of_order");
    assert_string_equal(reasm_event_name(REASM_EV_RETRANSMISSION), "retransmission");
    assert_string_equal(reasm_event_name(REASM_EV_CONFLICT), "conflict");
    assert_string_equal(reasm_event_name(REASM_EV_OVERLAP), "overlap");
    assert_string_equal(reasm_event_name(REASM_EV_GAP), "gap");
    assert_string_equal(reasm_event_name(REASM_EV_CAP_REACHED), "cap_reached");
    assert_string_equal(reasm_event_name(REASM_EV_KEEPALIVE), "keepalive");
    assert_string_equal(reasm_event_name(REASM_EV_ZERO_WINDOW_PROBE), "zero_window_probe");
    assert_string_equal(reasm_event_name(REASM_EV_BEFORE_START), "before_start");
    assert_string_equal(reasm_event_name(REASM_EV_FIN), "fin");
    assert_string_equal(reasm_event_name((reasm_event)99), "unknown");
}

/* ---- stress -------------------------------------------------------------------------- */

static void stress(bool corrupt)
{
    enum { CAP = 16384 };
    static uint8_t buf[600];
    reasm_dir d;
    recorder *r = rec_new();
    r->quiet = true;
    if (!corrupt)
        r->truth = truth;
    start(&d, r, CAP);
    syn(&d, 0xFFFF0000u); /* crosses 2^32 within the first 64 KiB */
    rng_state = corrupt ? 4242 : 2024;
    for (uint64_t i = 0; i < 100000; i++) {
        pkt_ref ref = pr(i + 2);
        uint64_t pick = rng() % 100;
        if (pick < 5) {
            reasm_peer_ack(&d, (uint32_t)(0xFFFF0001u + d.next + rng() % 3000), &ref);
        } else if (pick < 7) {
            reasm_peer_window(&d, (uint32_t)(rng() % 2));
        } else {
            uint64_t lo = d.next > 3000 ? d.next - 3000 : 0;
            uint64_t off = lo + rng() % 12000;
            uint32_t len = (uint32_t)(rng() % 500);
            uint32_t cap = len;
            if (rng() % 20 == 0)
                cap = len ? (uint32_t)(rng() % len) : 0;
            for (uint32_t k = 0; k < cap; k++)
                buf[k] = truth(off + k);
            if (corrupt && cap && rng() % 10 == 0)
                buf[rng() % cap] ^= 0x5A;
            reasm_segment(&d, (uint32_t)(0xFFFF0001u + off), buf, cap, len, false, &ref);
        }
        assert_true(d.buffered <= CAP);
        if (r->order_broken)
            fail_msg("stream order broken at segment %llu", (unsigned long long)i);
    }
    assert_true(d.next > 100000);
    flush(&d, 999999);
    assert_null(d.pending);
    assert_false(r->order_broken);
    assert_int_equal(r->expect, d.next);
    assert_int_equal(r->data_bytes, d.delivered_bytes);
    assert_int_equal(r->gap_bytes, d.gap_bytes);
    assert_int_equal(r->data_bytes + r->gap_bytes, d.next);
    assert_int_equal(r->count[REASM_EV_GAP], d.gaps);
    assert_int_equal(r->count[REASM_EV_OUT_OF_ORDER], d.out_of_order);
    assert_int_equal(r->count[REASM_EV_RETRANSMISSION], d.retransmissions);
    assert_int_equal(r->count[REASM_EV_OVERLAP], d.overlaps);
    assert_int_equal(r->count[REASM_EV_CONFLICT], d.conflicts);
    assert_true(d.out_of_order > 1000 && d.retransmissions > 1000 && d.overlaps > 1000);
    if (corrupt) {
        assert_true(d.conflicts > 100);
    } else {
        assert_int_equal(d.conflicts, 0);
        assert_int_equal(r->mismatches, 0);
    }
    reasm_free(&d);
    free(r);
}

static void test_stress_clean(void **state)
{
    (void)state;
    stress(false);
}

static void test_stress_corrupt(void **state)
{
    (void)state;
    stress(true);
}

/* History rings are recycled from finished directions (reassembly.c keeps
 * a bounded stock of them): a direction that gets a used ring compares
 * retransmissions with its own bytes only, never with the bytes the ring
 * held before; more finished directions than the stock holds are freed. */
static void test_history_reuse(void **state)
{
    (void)state;
    enum { MANY = 100 };
    reasm_dir *dirs = calloc(MANY, sizeof *dirs);
    recorder *r = rec_new();
    assert_non_null(dirs);
    for (unsigned i = 0; i < MANY; i++) {
        start(&dirs[i], r, 0);
        r->expect = 0;
        syn(&dirs[i], ISN);
        seg(&dirs[i], S(0), "XXXXXXXXXXXXXXXXXXXX", 2);
        r->expect = 0; /* each direction starts at offset 0 */
    }
    for (unsigned i = 0; i < MANY; i++) {
        if (i % 2)
            reasm_stop_payload(&dirs[i]);
        reasm_free(&dirs[i]);
        assert_null(dirs[i].history);
    }
    free(dirs);
    free(r);

    /* A new direction gets a ring that held "XXX...": same offsets, other bytes. */
    reasm_dir d;
    r = rec_new();
    start(&d, r, 0);
    syn(&d, ISN);
    seg(&d, S(0), "abcdefghij", 2);
    seg(&d, S(0), "abcdefghij", 3);  /* same bytes again: a retransmission */
    seg(&d, S(0), "abcdeXghij", 4);  /* one byte differs: a conflict at offset 5 */
    seg(&d, S(10), "klmno", 5);
    assert_log(r, "data:0+10#2 retransmission:0+10#3 conflict:5+1#4 data:10+5#5");
    assert_int_equal(d.retransmissions, 1);
    assert_int_equal(d.conflicts, 1);
    assert_bytes(r, "abcdefghijklmno");
    reasm_free(&d);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_history_reuse),
        cmocka_unit_test(test_in_order),
        cmocka_unit_test(test_syn_new_isn),
        cmocka_unit_test(test_out_of_order_reversed),
        cmocka_unit_test(test_out_of_order_shuffled),
        cmocka_unit_test(test_retransmission_exact),
        cmocka_unit_test(test_retransmission_conflict),
        cmocka_unit_test(test_conflict_only_within_history),
        cmocka_unit_test(test_partial_overlap),
        cmocka_unit_test(test_overlap_buffered),
        cmocka_unit_test(test_gap_closed_by_ack),
        cmocka_unit_test(test_gap_at_flush),
        cmocka_unit_test(test_cap_reached),
        cmocka_unit_test(test_segment_count_cap),
        cmocka_unit_test(test_hostile_random_tiny),
        cmocka_unit_test(test_snaplen_cut),
        cmocka_unit_test(test_snaplen_cut_then_full_copy),
        cmocka_unit_test(test_midstream_and_before_start),
        cmocka_unit_test(test_midstream_first_segment_out_of_order),
        cmocka_unit_test(test_wraparound),
        cmocka_unit_test(test_offsets_beyond_4g),
        cmocka_unit_test(test_unwrap),
        cmocka_unit_test(test_keepalive),
        cmocka_unit_test(test_zero_window_probe),
        cmocka_unit_test(test_fin_after_missing_segment),
        cmocka_unit_test(test_fin_hole_declared_at_flush),
        cmocka_unit_test(test_data_after_fin_ignored),
        cmocka_unit_test(test_stop_payload),
        cmocka_unit_test(test_stop_payload_from_callback),
        cmocka_unit_test(test_null_sink),
        cmocka_unit_test(test_event_names),
        cmocka_unit_test(test_stress_clean),
        cmocka_unit_test(test_stress_corrupt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

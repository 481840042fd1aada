/* test_rst_origin.c - who really sent a reset (rst_origin.c, rules_reset.c,
 * cross_capture.c), from real frames fed through the real decoder and
 * connection code.
 *
 * Frames are cut byte for byte from the lab captures:
 *   NFT[]   samples/reset-x224-nft.pcap frames 1-5: SYN, SYN-ACK (TTL 63),
 *           ACK, X.224 Connection Request, and the RST an nftables rule in
 *           the router forged in the server's name (TTL 64, IP ID 0, no ACK);
 *   PROXY[] samples/reset-x224-proxy.pcap frames 1-6: a transparent proxy
 *           terminates TCP (every "server" packet TTL 64, one stack) and
 *           resets after the Connection Request.
 * Variants change single header fields (TTL, MAC, sequence number, TSval,
 * IP ID, time) to build each reason and its near-misses; checksums are not
 * checked by the decoder, as on real captures with offload.
 * The lab pairs samples/reset-*-{,server}.pcap (captured at the client and at
 * the server at once) are read as `rdptriage -r A -r B` reads them. The last
 * tests run every capture in samples/ and ../shared/captures (when present)
 * and check that no genuine reset is called injected.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "analysis.h"
#include "capture.h"
#include "connection.h"
#include "decode.h"
#include "diagnosis.h"
#include "rst_origin.h"

#include <dirent.h>
#include <pcap/dlt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef RDPT_SOURCE_DIR
#define RDPT_SOURCE_DIR "."
#endif
#ifndef RDPT_SHARED_DIR
#define RDPT_SHARED_DIR "../shared"
#endif

typedef struct {
    int64_t usec;        /* capture time, microseconds after second 1795500963 */
    const char *hex;
} frame;

/* samples/reset-x224-nft.pcap, frames 1-5 (times as captured). */
static const frame NFT[] = {
    { 680601, "c2ecf3015a0986f11d2f8c0208004500003c703c40004006b33a0a2101020a210202a8100d3d33d54c7c00000000a002faf0cd3e0000020405b40402080a5c97d651000000000103030a" },
    { 680640, "86f11d2f8c02c2ecf3015a0908004500003c000040003f0624770a2102020a2101020d3da8104feae0f733d54c7da012fe8893380000020405b40402080a20d7e4a35c97d6510103030a" },
    { 680655, "c2ecf3015a0986f11d2f8c02080045000034703d40004006b3410a2101020a210202a8100d3d33d54c7d4feae0f88010003fc05100000101080a5c97d65120d7e4a3" },
    { 680730, "c2ecf3015a0986f11d2f8c0208004500005f703e40004006b3150a2101020a210202a8100d3d33d54c7d4feae0f88018003f4adb00000101080a5c97d65120d7e4a30300002b26e00000000000436f6f6b69653a206d737473686173683d616c6963650d0a0100080001000000" },
    { 680740, "86f11d2f8c02c2ecf3015a09080045000028000040004006238b0a2102020a2101020d3da8104feae0f80000000050040000b26a0000" },
};

/* samples/reset-x224-proxy.pcap, frames 1-6 (times shifted to the same second). */
static const frame PROXY[] = {
    { 339960, "c2ecf3015a0986f11d2f8c0208004500003c37bd40004006ebb90a2101020a210202b07c0d3dd736ae2100000000a002faf04a0d0000020405b40402080a14dc93cb000000000103030a" },
    { 340063, "86f11d2f8c02c2ecf3015a0908004500003c00004000400623770a2102020a2101020d3db07ccfb791e0d736ae22a012fe88b2ab0000020405b40402080ae988489714dc93cb0103030a" },
    { 340079, "c2ecf3015a0986f11d2f8c0208004500003437be40004006ebc00a2101020a210202b07c0d3dd736ae22cfb791e18010003fdfc400000101080a14dc93cbe9884897" },
    { 340155, "c2ecf3015a0986f11d2f8c0208004500005f37bf40004006eb940a2101020a210202b07c0d3dd736ae22cfb791e18018003f6a4e00000101080a14dc93cbe98848970300002b26e00000000000436f6f6b69653a206d737473686173683d616c6963650d0a0100080001000000" },
    { 340164, "86f11d2f8c02c2ecf3015a0908004500003479b740004006a9c70a2102020a2101020d3db07ccfb791e1d736ae4d80100040df9800000101080ae988489714dc93cb" },
    { 341858, "86f11d2f8c02c2ecf3015a0908004500003479b840004006a9c60a2102020a2101020d3db07ccfb791e1d736ae4d80140040df9200000101080ae988489914dc93cb" },
};

/* Offsets in an Ethernet + IPv4 (20) + TCP frame. */
enum {
    OFF_SRC_MAC = 6,
    OFF_IP_ID = 18,
    OFF_TTL = 22,
    OFF_SEQ = 38,
    OFF_ACK = 42,
    OFF_FLAGS = 47,
    OFF_TSVAL = 58,      /* NOP NOP TS(10): TSval after 01 01 08 0a */
};

typedef struct {
    uint8_t b[512];
    size_t n;
    int64_t usec;
} raw;

static raw load(const frame *f)
{
    raw r;
    memset(&r, 0, sizeof r);
    size_t len = strlen(f->hex) / 2;
    assert_true(len <= sizeof r.b);
    for (size_t i = 0; i < len; i++) {
        unsigned v;
        assert_int_equal(sscanf(f->hex + 2 * i, "%2x", &v), 1);
        r.b[i] = (uint8_t)v;
    }
    r.n = len;
    r.usec = f->usec;
    return r;
}

static void put32(raw *r, size_t off, uint32_t v)
{
    r->b[off] = (uint8_t)(v >> 24);
    r->b[off + 1] = (uint8_t)(v >> 16);
    r->b[off + 2] = (uint8_t)(v >> 8);
    r->b[off + 3] = (uint8_t)v;
}

static uint32_t get32(const raw *r, size_t off)
{
    return (uint32_t)r->b[off] << 24 | (uint32_t)r->b[off + 1] << 16 | (uint32_t)r->b[off + 2] << 8 |
           r->b[off + 3];
}

typedef struct {
    connection *c;
    uint64_t packet;
    uint32_t capture_index;
} feed;

/* One frame through the real decoder into the connection. */
static void push(feed *fd, const raw *r)
{
    decoded_packet p;
    const char *why = NULL;
    assert_int_equal(decode_packet(DLT_EN10MB, r->b, (uint32_t)r->n, (uint32_t)r->n, &p, &why),
                     DECODE_OK);
    int64_t us = r->usec;
    pkt_ref ref = { ++fd->packet, { 1795500963 + us / 1000000, (uint32_t)(us % 1000000) * 1000 } };
    bool from_client = p.tcp.dport == 3389;
    if (!fd->c)
        fd->c = connection_new(fd->capture_index + 1, fd->capture_index, &p, from_client,
                               REASM_DEFAULT_MAX_BUFFERED);
    assert_non_null(fd->c);
    connection_packet(fd->c, from_client ? DIR_C2S : DIR_S2C, &p, &ref);
}

static void push_all(feed *fd, const frame *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        raw r = load(&f[i]);
        push(fd, &r);
    }
}

static const verdict *finish(feed *fd)
{
    pkt_ref last = { fd->packet, { 0, 0 } };
    connection_finish(fd->c, &last);
    diagnose_connection(fd->c);
    return &fd->c->v;
}

static bool has_reason(const connection *c, rst_reason_kind k, bool strong)
{
    const rst_analysis *a = &c->rst_facts.result;
    for (unsigned i = 0; i < a->n_reasons; i++)
        if (a->reasons[i].kind == k && a->reasons[i].strong == strong)
            return true;
    return false;
}

static bool evidence_has(const verdict *v, const char *needle)
{
    for (unsigned i = 0; i < v->n_evidence; i++)
        if (strstr(v->evidence[i].text, needle))
            return true;
    return false;
}

/* ---- the facts ---------------------------------------------------------- */

static void test_facts_from_nft_capture(void **state)
{
    (void)state;
    feed fd = { 0 };
    push_all(&fd, NFT, 5);
    const rst_origin *o = &fd.c->rst_facts;
    /* SYN 680601 -> SYN-ACK 680640 -> ACK 680655 */
    assert_int_equal(o->rtt_server_us, 39);
    assert_int_equal(o->rtt_client_us, 15);
    assert_true(o->has_client_isn && o->client_isn == 869616764u);
    assert_true(o->has_server_isn && o->server_isn == 1340793079u);
    /* The server's SYN-ACK: TTL 63, IP ID 0, MSS, SACK-permitted, TS, NOP, WS. */
    const rst_print *sa = &o->end[DIR_S2C].syn;
    assert_int_equal(sa->packets, 1);
    assert_int_equal(sa->n_ttls, 1);
    assert_int_equal(sa->ttls[0], 63);
    assert_string_equal(sa->layout, "MSTNW");
    assert_int_equal(rst_print_ipid_kind(sa), RST_IPID_ZERO);
    assert_int_equal(o->end[DIR_S2C].later.packets, 0);
    /* The client's later packets: a per-connection IP ID counter. */
    const rst_print *cl = &o->end[DIR_C2S].later;
    assert_int_equal(cl->packets, 2);
    assert_int_equal(rst_print_ipid_kind(cl), RST_IPID_INCREMENTING);
    assert_string_equal(cl->layout, "NNT");
    assert_true(cl->has_ts && cl->ts_last == 0x5c97d651u);
    /* The RST: TTL 64, IP ID 0, no options, no ACK, 10 us after the CR. */
    assert_int_equal(o->n_rst, 1);
    const rst_seen *r = &o->rst[0];
    assert_int_equal(r->dir, DIR_S2C);
    assert_int_equal(r->ttl, 64);
    assert_true(r->has_ip_id && r->ip_id == 0);
    assert_string_equal(r->layout, "");
    assert_false(r->flags & TCP_ACK);
    assert_true(r->sender_from_syn);
    assert_int_equal(r->provoked_by.packet, 4);
    assert_int_equal(r->provoked_payload, 43);
    assert_int_equal(r->delay_us, 10);
    assert_int_equal(r->seq, 1340793080u);
    assert_true(r->receiver_ack_known && r->receiver_ack == 1340793080u);
    assert_true(r->sender_seq_known && r->sender_next_seq == 1340793080u);
    assert_int_equal(r->sent_after.packet, 0);
    connection_free(fd.c);
}

static void test_malformed_options_are_safe(void **state)
{
    (void)state;
    rst_origin o;
    memset(&o, 0, sizeof o);
    decoded_packet p;
    memset(&p, 0, sizeof p);
    p.kind = DECODED_TCP;
    p.ttl = 64;
    p.tcp.flags = TCP_RST;
    p.tcp.options_len = 40;
    /* A lying length (200) after a valid MSS, then garbage. */
    uint8_t opts[40] = { 2, 4, 5, 0xb4, 8, 200, 1, 2, 3 };
    memcpy(p.tcp.options, opts, sizeof opts);
    pkt_ref ref = { 1, { 1, 0 } };
    rst_origin_observe(&o, DIR_S2C, &p, &ref);
    assert_int_equal(o.n_rst, 1);
    assert_string_equal(o.rst[0].layout, "M");
    assert_false(o.rst[0].has_ts);
    /* A zero length must not loop forever, and options_len beyond 40 is
     * ignored (each in a fresh connection: one RST per end is kept). */
    rst_origin o2;
    memset(&o2, 0, sizeof o2);
    memset(p.tcp.options, 0, sizeof p.tcp.options);
    p.tcp.options[0] = 3;
    p.tcp.options[1] = 0;
    rst_origin_observe(&o2, DIR_S2C, &p, &ref);
    assert_string_equal(o2.rst[0].layout, "");
    p.tcp.options_len = 200;
    rst_origin_observe(&o2, DIR_C2S, &p, &ref);
    assert_string_equal(o2.rst[1].layout, "");
    /* The first RST of each end is kept; later ones are counted. */
    assert_int_equal(o2.n_rst, 2);
    rst_origin_observe(&o2, DIR_S2C, &p, &ref);
    rst_origin_observe(&o2, DIR_C2S, &p, &ref);
    assert_int_equal(o2.n_rst, RST_ORIGIN_MAX_RSTS);
    assert_int_equal(o2.rst_dropped, 2);
    /* A bad direction is ignored. */
    rst_origin_observe(&o2, DIR_NONE, &p, &ref);
    assert_int_equal(o2.rst_dropped, 2);
    assert_int_equal(o.n_rst, 1);
}

/* ---- single capture decisions ------------------------------------------ */

static void test_nft_reset_is_injected_medium(void **state)
{
    (void)state;
    feed fd = { 0 };
    push_all(&fd, NFT, 5);
    const verdict *v = finish(&fd);
    assert_int_equal(v->phase, PHASE_X224);
    assert_int_equal(v->cause, CAUSE_RESET_INJECTED);
    assert_int_equal(v->confidence, CONF_MEDIUM);
    assert_int_equal(fd.c->rst_facts.result.from, RST_FROM_INJECTED);
    assert_true(has_reason(fd.c, RST_REASON_TTL, true));
    assert_int_equal(fd.c->rst_facts.result.strong, 1);
    assert_true(evidence_has(v, "TTL 64"));
    assert_int_equal(v->key.packet, 5);
    connection_free(fd.c);
}

static void test_proxy_reset_is_undecided_low(void **state)
{
    (void)state;
    feed fd = { 0 };
    push_all(&fd, PROXY, 6);
    const verdict *v = finish(&fd);
    const rst_analysis *a = &fd.c->rst_facts.result;
    assert_int_equal(v->phase, PHASE_X224);
    assert_int_equal(v->cause, CAUSE_RESET_BY_SERVER);
    assert_int_equal(v->confidence, CONF_LOW);
    assert_int_equal(a->from, RST_FROM_UNDECIDED);
    assert_int_equal(a->strong, 0);
    /* Both possibilities, what points to each, and what to check. */
    assert_non_null(strstr(v->summary, "cannot tell"));
    assert_non_null(strstr(v->summary, "terminates TCP"));
    assert_non_null(strstr(a->for_device, "TTL 64, an initial value"));
    assert_non_null(strstr(a->consistent, "sequence number"));
    assert_non_null(strstr(a->matches, "Ethernet source"));
    char check[400];
    rules_reset_check_text(v->phase, check, sizeof check);
    assert_non_null(strstr(check, "server side"));
    assert_null(strstr(check, "Schannel"));   /* X.224 phase: no TLS yet */
    rules_reset_check_text(PHASE_TLS, check, sizeof check);
    assert_non_null(strstr(check, "36874 and 36888"));
    assert_true(evidence_has(v, "Points to the server"));
    assert_true(evidence_has(v, "To decide"));
    connection_free(fd.c);
}

/* The proxy's frames with one field of the RST (frame 6) changed. */
static connection *proxy_with_rst(void (*change)(raw *rst), const raw *extra, size_t n_extra)
{
    feed fd = { 0 };
    push_all(&fd, PROXY, 5);
    raw r = load(&PROXY[5]);
    change(&r);
    push(&fd, &r);
    for (size_t i = 0; i < n_extra; i++)
        push(&fd, &extra[i]);
    finish(&fd);
    return fd.c;
}

static void rst_from_other_mac(raw *r) { r->b[OFF_SRC_MAC + 5] ^= 0x55; }
static void rst_far_seq(raw *r) { put32(r, OFF_SEQ, get32(r, OFF_SEQ) + 5000000u); }
static void rst_mac_and_seq(raw *r)
{
    rst_from_other_mac(r);
    rst_far_seq(r);
}
static void rst_ack_beyond(raw *r) { put32(r, OFF_ACK, get32(r, OFF_ACK) + 100000u); }
static void rst_ts_jump(raw *r) { put32(r, OFF_TSVAL, get32(r, OFF_TSVAL) + 50000000u); }
static void rst_ip_id_zero(raw *r) { r->b[OFF_IP_ID] = r->b[OFF_IP_ID + 1] = 0; }
static void rst_unchanged(raw *r) { (void)r; }

static void test_other_mac_is_strong(void **state)
{
    (void)state;
    connection *c = proxy_with_rst(rst_from_other_mac, NULL, 0);
    assert_int_equal(c->v.cause, CAUSE_RESET_INJECTED);
    assert_int_equal(c->v.confidence, CONF_MEDIUM);
    assert_true(has_reason(c, RST_REASON_MAC, true));
    connection_free(c);
}

static void test_two_strong_reasons_are_high(void **state)
{
    (void)state;
    connection *c = proxy_with_rst(rst_mac_and_seq, NULL, 0);
    assert_int_equal(c->v.cause, CAUSE_RESET_INJECTED);
    assert_int_equal(c->v.confidence, CONF_HIGH);
    assert_true(has_reason(c, RST_REASON_MAC, true));
    assert_true(has_reason(c, RST_REASON_SEQ, true));
    assert_int_equal(c->v.phase, PHASE_X224);   /* the phase is kept */
    connection_free(c);
}

static void test_ack_of_unsent_bytes_is_strong(void **state)
{
    (void)state;
    connection *c = proxy_with_rst(rst_ack_beyond, NULL, 0);
    assert_int_equal(c->v.cause, CAUSE_RESET_INJECTED);
    assert_true(has_reason(c, RST_REASON_ACK, true));
    connection_free(c);
}

static void test_timestamp_off_clock_is_strong(void **state)
{
    (void)state;
    connection *c = proxy_with_rst(rst_ts_jump, NULL, 0);
    assert_int_equal(c->v.cause, CAUSE_RESET_INJECTED);
    assert_true(has_reason(c, RST_REASON_TS, true));
    connection_free(c);
}

static void test_rst_like_a_syn_ack_unlike_the_rest(void **state)
{
    (void)state;
    /* A SYN proxy: the SYN-ACK (TTL 60) unlike the later server packets
     * (64), and the RST with the SYN-ACK's TTL. */
    feed fd = { 0 };
    raw f[6];
    for (int i = 0; i < 6; i++)
        f[i] = load(&PROXY[i]);
    f[1].b[OFF_TTL] = 60;
    f[5].b[OFF_TTL] = 60;
    for (int i = 0; i < 6; i++)
        push(&fd, &f[i]);
    const verdict *v = finish(&fd);
    assert_int_equal(v->cause, CAUSE_RESET_INJECTED);
    assert_true(has_reason(fd.c, RST_REASON_TTL, true));
    assert_true(has_reason(fd.c, RST_REASON_SYNACK, false));
    connection_free(fd.c);
}

static void test_ip_id_alone_is_only_supporting(void **state)
{
    (void)state;
    /* The proxy's IP IDs (0x79b7 then the RST's 0x79b8) continue one counter;
     * with one earlier sample the numbering is unknown, so even IP ID 0 is no
     * reason at all here; nothing strong, so never injected. */
    connection *c = proxy_with_rst(rst_ip_id_zero, NULL, 0);
    assert_int_equal(c->v.cause, CAUSE_RESET_BY_SERVER);
    assert_int_equal(c->rst_facts.result.strong, 0);
    connection_free(c);
}

static void test_sender_keeps_sending_is_strong(void **state)
{
    (void)state;
    /* The server's ACK (frame 5) again, 2 ms after "its" RST. */
    raw again = load(&PROXY[4]);
    again.usec = PROXY[5].usec + 2000;
    connection *c = proxy_with_rst(rst_unchanged, &again, 1);
    assert_int_equal(c->v.cause, CAUSE_RESET_INJECTED);
    assert_true(has_reason(c, RST_REASON_SENT_AFTER, true));
    assert_int_equal(c->rst_facts.rst[0].packets_after, 1);
    assert_int_equal(c->rst_facts.rst[0].sent_after.packet, 7);
    connection_free(c);
}

static void test_resets_to_both_ends_are_strong(void **state)
{
    (void)state;
    /* A RST in the client's name 0.3 ms after the one in the server's. */
    raw crst = load(&PROXY[2]);
    crst.b[OFF_FLAGS] = TCP_RST | TCP_ACK;
    crst.usec = PROXY[5].usec + 300;
    put32(&crst, OFF_SEQ, get32(&crst, OFF_SEQ) + 43);
    connection *c = proxy_with_rst(rst_unchanged, &crst, 1);
    assert_int_equal(c->v.cause, CAUSE_RESET_INJECTED);
    assert_true(has_reason(c, RST_REASON_BOTH_ENDS, true));
    connection_free(c);
}

static void test_faster_than_round_trip_is_strong(void **state)
{
    (void)state;
    /* The server 40 ms away (SYN-ACK 40 ms after the SYN, its ACK of the CR
     * 40 ms later), a RST 0.1 ms after the CR in its name: a device that
     * copies the server's TTL, given away by the timing alone. */
    feed fd = { 0 };
    raw f[6];
    for (int i = 0; i < 6; i++)
        f[i] = load(&PROXY[i]);
    f[1].usec = f[0].usec + 40000;
    f[2].usec = f[1].usec + 20;
    f[3].usec = f[2].usec + 50;
    f[4].usec = f[3].usec + 40000;
    f[5].usec = f[3].usec + 100;    /* before the server's own ACK */
    for (int i = 0; i < 4; i++)
        push(&fd, &f[i]);
    push(&fd, &f[5]);
    const verdict *v = finish(&fd);
    assert_int_equal(v->cause, CAUSE_RESET_INJECTED);
    assert_true(has_reason(fd.c, RST_REASON_TIMING, true));
    assert_int_equal(fd.c->rst_facts.rtt_server_us, 40000);
    connection_free(fd.c);
}

static void test_slow_enough_reset_is_not_timing(void **state)
{
    (void)state;
    /* Near miss: the same round trip, the RST 45 ms after the CR. */
    feed fd = { 0 };
    raw f[6];
    for (int i = 0; i < 6; i++)
        f[i] = load(&PROXY[i]);
    f[1].usec = f[0].usec + 40000;
    f[2].usec = f[1].usec + 20;
    f[3].usec = f[2].usec + 50;
    f[4].usec = f[3].usec + 40000;
    f[5].usec = f[3].usec + 45000;
    for (int i = 0; i < 6; i++)
        push(&fd, &f[i]);
    const verdict *v = finish(&fd);
    assert_int_equal(v->cause, CAUSE_RESET_BY_SERVER);
    assert_false(has_reason(fd.c, RST_REASON_TIMING, true));
    assert_non_null(strstr(fd.c->rst_facts.result.consistent, "round trip 40.0 ms"));
    connection_free(fd.c);
}

static void test_farther_than_syn_ack_is_not_strong(void **state)
{
    (void)state;
    /* Near miss: the RST comes from farther than the SYN-ACK (TTL 62 against
     * 63). A SYN proxy nearer than the server may have answered the SYN and
     * the server itself reset: not proof of injection. */
    feed fd = { 0 };
    push_all(&fd, NFT, 4);
    raw r = load(&NFT[4]);
    r.b[OFF_TTL] = 62;
    push(&fd, &r);
    const verdict *v = finish(&fd);
    assert_int_equal(v->cause, CAUSE_RESET_BY_SERVER);
    assert_true(has_reason(fd.c, RST_REASON_TTL, false));
    connection_free(fd.c);
}

static void test_genuine_reset_same_ttl_is_not_injected(void **state)
{
    (void)state;
    /* The nft frames with the RST given the server's TTL 63: the server's own
     * reset answering its client's request cannot be told from a device that
     * terminates TCP, so: reset_by_server, low, both possibilities. */
    feed fd = { 0 };
    push_all(&fd, NFT, 4);
    raw r = load(&NFT[4]);
    r.b[OFF_TTL] = 63;
    push(&fd, &r);
    const verdict *v = finish(&fd);
    assert_int_equal(v->cause, CAUSE_RESET_BY_SERVER);
    assert_int_equal(v->confidence, CONF_LOW);
    assert_int_equal(fd.c->rst_facts.result.from, RST_FROM_UNDECIDED);
    assert_non_null(strstr(fd.c->rst_facts.result.consistent, "TTL 63"));
    connection_free(fd.c);
}

/* ---- two capture points -------------------------------------------------- */

/* The nft connection as a capture at the server would show it: the client's
 * packets one hop farther (TTL 63), the server's SYN-ACK unrouted (64); the
 * Connection Request and the RST never arrive. With `server_rst`, the server
 * itself sends the RST (same sequence number, TTL 64) after the request. */
static connection *server_side(bool server_rst)
{
    feed fd = { .capture_index = 1 };
    raw f[5];
    for (int i = 0; i < 5; i++)
        f[i] = load(&NFT[i]);
    f[0].b[OFF_TTL] = 63;
    f[1].b[OFF_TTL] = 64;
    f[2].b[OFF_TTL] = 63;
    f[3].b[OFF_TTL] = 63;
    for (int i = 0; i < 3; i++)
        push(&fd, &f[i]);
    if (server_rst) {
        push(&fd, &f[3]);
        push(&fd, &f[4]);
    }
    finish(&fd);
    return fd.c;
}

static void test_cross_capture_decides_injected(void **state)
{
    (void)state;
    feed fd = { 0 };
    push_all(&fd, NFT, 5);
    finish(&fd);
    connection *a = fd.c, *b = server_side(false);
    a->order_next = b;
    assert_int_equal(cross_capture_decide(a), 1);
    const rst_cross *x = &a->rst_facts.cross;
    assert_true(x->matched && x->exact && x->nearer_sender);
    assert_false(x->sender_sent);
    assert_int_equal(x->capture, 2);
    assert_non_null(strstr(x->placed_by, "hop counts"));
    assert_int_equal(a->v.cause, CAUSE_RESET_INJECTED);
    assert_int_equal(a->v.confidence, CONF_HIGH);
    assert_true(has_reason(a, RST_REASON_CROSS_CAPTURE, true));
    assert_int_equal(a->v.phase, PHASE_X224);
    connection_free(a);
    connection_free(b);
}

static void test_cross_capture_confirms_server_reset(void **state)
{
    (void)state;
    /* The client side with the RST at TTL 63 (undecided alone), the server
     * side showing the server sending it: reset_by_server, high. */
    feed fd = { 0 };
    push_all(&fd, NFT, 4);
    raw r = load(&NFT[4]);
    r.b[OFF_TTL] = 63;
    push(&fd, &r);
    finish(&fd);
    assert_int_equal(fd.c->v.confidence, CONF_LOW);
    connection *a = fd.c, *b = server_side(true);
    a->order_next = b;
    cross_capture_decide(a);
    assert_true(a->rst_facts.cross.sender_sent);
    assert_int_equal(a->v.cause, CAUSE_RESET_BY_SERVER);
    assert_int_equal(a->v.confidence, CONF_HIGH);
    assert_int_equal(a->rst_facts.result.from, RST_FROM_SENDER);
    assert_true(evidence_has(&a->v, "shows the server sending this reset"));
    connection_free(a);
    connection_free(b);
}

static void test_cross_capture_same_file_twice_decides_nothing(void **state)
{
    (void)state;
    feed f1 = { 0 }, f2 = { .capture_index = 1 };
    push_all(&f1, PROXY, 6);
    push_all(&f2, PROXY, 6);
    finish(&f1);
    finish(&f2);
    f1.c->order_next = f2.c;
    assert_int_equal(cross_capture_decide(f1.c), 0);
    assert_int_equal(f1.c->v.cause, CAUSE_RESET_BY_SERVER);
    connection_free(f1.c);
    connection_free(f2.c);
}

/* ---- the lab's captures from both sides ---------------------------------- */

/* Reads each file into one analysis, as main.c does, then decides across
 * them. Returns false when a file is missing. */
static bool analyse(analysis *a, const char *const *names, unsigned n)
{
    analysis_init(a);
    for (unsigned i = 0; i < n; i++) {
        char path[1024], err[512];
        rt_fmt(path, sizeof path, "%s/samples/%s", RDPT_SOURCE_DIR, names[i]);
        capture_source *src = capture_open_file(path, NULL, err, sizeof err);
        if (!src)
            return false;
        analysis_read(a, src, path, false);
        capture_close(src);
    }
    cross_capture_decide(a->first);
    return true;
}

static void test_lab_ttl_copied_needs_the_server_side(void **state)
{
    (void)state;
    /* The router's RST copies the server's TTL: the client side alone can
     * only point at its IP ID; the server side shows no ClientHello and no
     * RST from the server. */
    analysis a;
    const char *one[] = { "reset-tls-nft-ttl63.pcap" };
    assert_true(analyse(&a, one, 1));
    assert_non_null(a.first);
    assert_int_equal(a.first->v.cause, CAUSE_RESET_BY_SERVER);
    assert_int_equal(a.first->v.confidence, CONF_LOW);
    assert_true(has_reason(a.first, RST_REASON_IPID, false));
    analysis_free(&a);

    const char *two[] = { "reset-tls-nft-ttl63.pcap", "reset-tls-nft-ttl63-server.pcap" };
    assert_true(analyse(&a, two, 2));
    const connection *c = a.first;
    assert_int_equal(c->capture_index, 0);
    assert_int_equal(c->v.phase, PHASE_TLS);
    assert_int_equal(c->v.cause, CAUSE_RESET_INJECTED);
    assert_int_equal(c->v.confidence, CONF_HIGH);
    assert_true(c->rst_facts.cross.exact && c->rst_facts.cross.never_got);
    assert_true(has_reason(c, RST_REASON_CROSS_CAPTURE, true));
    analysis_free(&a);
}

static void test_lab_genuine_reset_confirmed_by_both_sides(void **state)
{
    (void)state;
    analysis a;
    const char *two[] = { "reset-x224-server.pcap", "reset-x224-server-server.pcap" };
    assert_true(analyse(&a, two, 2));
    unsigned n = 0;
    for (const connection *c = a.first; c; c = c->order_next, n++) {
        assert_int_equal(c->v.cause, CAUSE_RESET_BY_SERVER);
        assert_int_equal(c->v.confidence, CONF_HIGH);
        assert_int_equal(c->rst_facts.result.from, RST_FROM_SENDER);
        assert_true(c->rst_facts.cross.exact);
    }
    assert_int_equal(n, 4);
    analysis_free(&a);
}

static void test_lab_proxy_decided_by_both_sides(void **state)
{
    (void)state;
    analysis a;
    const char *two[] = { "reset-tls-proxy-both.pcap", "reset-tls-proxy-both-server.pcap" };
    assert_true(analyse(&a, two, 2));
    const connection *c = a.first;
    assert_int_equal(c->v.phase, PHASE_TLS);
    assert_int_equal(c->v.cause, CAUSE_RESET_INJECTED);
    assert_int_equal(c->v.confidence, CONF_HIGH);
    assert_true(c->rst_facts.cross.matched);
    assert_false(c->rst_facts.cross.exact);        /* the proxy's own connection */
    assert_true(c->rst_facts.cross.receiver_reset); /* the server got a RST too */
    analysis_free(&a);
}

/* ---- never call a genuine reset injected --------------------------------- */

/* Runs a capture through the whole analysis; counts injected verdicts. */
static unsigned injected_in(const char *path, unsigned *connections)
{
    analysis a;
    analysis_init(&a);
    char err[512];
    capture_source *src = capture_open_file(path, NULL, err, sizeof err);
    if (!src) {
        *connections = 0;
        return 0;
    }
    analysis_read(&a, src, path, false);
    capture_close(src);
    unsigned n = 0, total = 0;
    for (const connection *c = a.first; c; c = c->order_next) {
        total++;
        n += c->v.cause == CAUSE_RESET_INJECTED;
    }
    analysis_free(&a);
    *connections = total;
    return n;
}

static bool has_suffix(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

/* How many connections the .expect beside a sample says are injected (0
 * when there is none: the server-side captures, the public captures). */
static unsigned expected_injected(const char *path)
{
    char exp[1024];
    rt_fmt(exp, sizeof exp, "%s", path);
    char *dot = strrchr(exp, '.');
    if (!dot || (size_t)(dot - exp) + sizeof ".expect" > sizeof exp)
        return 0;
    memcpy(dot, ".expect", sizeof ".expect");
    FILE *f = fopen(exp, "r");
    if (!f)
        return 0;
    char line[2048];
    unsigned n = 0;
    while (fgets(line, sizeof line, f))
        n += strncmp(line, "conn ", 5) == 0 && strstr(line, " cause=reset_injected ") != NULL;
    fclose(f);
    return n;
}

/* Every capture under dir (recursively): injected exactly where its
 * expectation says so, and nowhere else. */
static unsigned check_dir(const char *dir, unsigned depth)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    unsigned files = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        rt_fmt(path, sizeof path, "%s/%s", dir, e->d_name);
        if (has_suffix(e->d_name, ".pcap") || has_suffix(e->d_name, ".pcapng")) {
            unsigned conns = 0;
            unsigned inj = injected_in(path, &conns);
            unsigned want = expected_injected(path);
            if (inj != want) {
                closedir(d);
                fail_msg("%s: %u connection(s) called injected, the expectation says %u", path,
                         inj, want);
            }
            files++;
        } else if (depth < 3 && e->d_type == DT_DIR) {
            files += check_dir(path, depth + 1);
        }
    }
    closedir(d);
    return files;
}

static void test_samples_no_genuine_reset_injected(void **state)
{
    (void)state;
    unsigned files = check_dir(RDPT_SOURCE_DIR "/samples", 0);
    assert_true(files >= 20);
}

static void test_shared_captures_no_reset_injected(void **state)
{
    (void)state;
    DIR *d = opendir(RDPT_SHARED_DIR "/captures");
    if (!d)
        skip();
    closedir(d);
    assert_true(check_dir(RDPT_SHARED_DIR "/captures", 0) > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_facts_from_nft_capture),
        cmocka_unit_test(test_malformed_options_are_safe),
        cmocka_unit_test(test_nft_reset_is_injected_medium),
        cmocka_unit_test(test_proxy_reset_is_undecided_low),
        cmocka_unit_test(test_other_mac_is_strong),
        cmocka_unit_test(test_two_strong_reasons_are_high),
        cmocka_unit_test(test_ack_of_unsent_bytes_is_strong),
        cmocka_unit_test(test_timestamp_off_clock_is_strong),
        cmocka_unit_test(test_rst_like_a_syn_ack_unlike_the_rest),
        cmocka_unit_test(test_ip_id_alone_is_only_supporting),
        cmocka_unit_test(test_sender_keeps_sending_is_strong),
        cmocka_unit_test(test_resets_to_both_ends_are_strong),
        cmocka_unit_test(test_faster_than_round_trip_is_strong),
        cmocka_unit_test(test_slow_enough_reset_is_not_timing),
        cmocka_unit_test(test_farther_than_syn_ack_is_not_strong),
        cmocka_unit_test(test_genuine_reset_same_ttl_is_not_injected),
        cmocka_unit_test(test_cross_capture_decides_injected),
        cmocka_unit_test(test_cross_capture_confirms_server_reset),
        cmocka_unit_test(test_cross_capture_same_file_twice_decides_nothing),
        cmocka_unit_test(test_lab_ttl_copied_needs_the_server_side),
        cmocka_unit_test(test_lab_genuine_reset_confirmed_by_both_sides),
        cmocka_unit_test(test_lab_proxy_decided_by_both_sides),
        cmocka_unit_test(test_samples_no_genuine_reset_injected),
        cmocka_unit_test(test_shared_captures_no_reset_injected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_decode.c - link, IP, TCP and ICMP decoding on frames built by hand.
 *
 * Every frame under test is copied into a heap buffer of exactly its captured
 * length, so AddressSanitizer catches any read past caplen.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "decode.h"

#include <pcap/dlt.h>
#include <stdlib.h>
#include <string.h>

/* ---- frame builders ----------------------------------------------------- */

static void put16(uint8_t *b, uint16_t v)
{
    b[0] = (uint8_t)(v >> 8);
    b[1] = (uint8_t)v;
}

static void put32(uint8_t *b, uint32_t v)
{
    put16(b, (uint16_t)(v >> 16));
    put16(b + 2, (uint16_t)v);
}

typedef struct {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t window;
    const uint8_t *opts;
    size_t optlen; /* a multiple of 4 */
    size_t paylen;
} tcp_spec;

/* MSS 1460, NOP, window scale 8, SACK permitted, timestamps: 20 bytes, as a
 * Windows client SYN carries them. */
static const uint8_t SYN_OPTS[20] = { 2, 4, 0x05, 0xB4, 1, 3, 3, 8, 4, 2,
                                      8, 10, 0, 0, 0, 1, 0, 0, 0, 0 };

static const uint8_t V4_CLIENT[4] = { 10, 0, 0, 5 };
static const uint8_t V4_SERVER[4] = { 10, 0, 0, 9 };
static const uint8_t V4_ROUTER[4] = { 192, 0, 2, 1 };
static const uint8_t V6_CLIENT[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5 };
static const uint8_t V6_SERVER[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9 };

static size_t build_tcp(uint8_t *b, const tcp_spec *t)
{
    size_t hlen = 20 + t->optlen;
    put16(b, t->sport);
    put16(b + 2, t->dport);
    put32(b + 4, t->seq);
    put32(b + 8, t->ack);
    b[12] = (uint8_t)((hlen / 4) << 4);
    b[13] = t->flags;
    put16(b + 14, t->window);
    put16(b + 16, 0xDEAD); /* a wrong checksum: never verified */
    put16(b + 18, 0);
    if (t->optlen)
        memcpy(b + 20, t->opts, t->optlen);
    for (size_t i = 0; i < t->paylen; i++)
        b[hlen + i] = (uint8_t)('A' + i % 26);
    return hlen + t->paylen;
}

static size_t syn_to_3389(uint8_t *b)
{
    tcp_spec t = { 50123, 3389, 0x11223344, 0, TCP_SYN, 64240, SYN_OPTS, sizeof SYN_OPTS, 0 };
    return build_tcp(b, &t);
}

static size_t data_to_3389(uint8_t *b, size_t paylen)
{
    tcp_spec t = { 50123, 3389, 1000, 2000, TCP_ACK | TCP_PSH, 513, NULL, 0, paylen };
    return build_tcp(b, &t);
}

/* IPv4 header with optlen bytes of NOP options and the given flags+offset
 * field, then l4. */
static size_t build_ipv4_ex(uint8_t *b, uint8_t proto, const uint8_t *src, const uint8_t *dst,
                            const uint8_t *l4, size_t l4len, size_t optlen, uint16_t frag)
{
    size_t ihl = 20 + optlen;
    b[0] = (uint8_t)(0x40 | (ihl / 4));
    b[1] = 0;
    put16(b + 2, (uint16_t)(ihl + l4len));
    put16(b + 4, 0x1234);
    put16(b + 6, frag);
    b[8] = 128;
    b[9] = proto;
    put16(b + 10, 0xBEEF);
    memcpy(b + 12, src, 4);
    memcpy(b + 16, dst, 4);
    memset(b + 20, 1, optlen);
    memmove(b + ihl, l4, l4len);
    return ihl + l4len;
}

static size_t build_ipv4(uint8_t *b, uint8_t proto, const uint8_t *l4, size_t l4len)
{
    return build_ipv4_ex(b, proto, V4_CLIENT, V4_SERVER, l4, l4len, 0, 0x4000 /* DF */);
}

/* IPv6 header then l4 (which may start with extension headers). */
static size_t build_ipv6_ex(uint8_t *b, uint8_t nh, const uint8_t *src, const uint8_t *dst,
                            const uint8_t *l4, size_t l4len)
{
    put32(b, 0x60000000);
    put16(b + 4, (uint16_t)l4len);
    b[6] = nh;
    b[7] = 64;
    memcpy(b + 8, src, 16);
    memcpy(b + 24, dst, 16);
    memmove(b + 40, l4, l4len);
    return 40 + l4len;
}

static size_t build_ipv6(uint8_t *b, uint8_t nh, const uint8_t *l4, size_t l4len)
{
    return build_ipv6_ex(b, nh, V6_CLIENT, V6_SERVER, l4, l4len);
}

static const uint8_t MAC_DST[6] = { 0x00, 0x15, 0x5d, 0x01, 0x02, 0x03 };
static const uint8_t MAC_SRC[6] = { 0x00, 0x0c, 0x29, 0xaa, 0xbb, 0xcc };

/* Ethernet II with ntags tags (tpid, vid pairs) then the ethertype. */
static size_t wrap_eth(uint8_t *b, const uint16_t *tags, unsigned ntags, uint16_t type,
                       const uint8_t *inner, size_t len)
{
    size_t off = 12;
    memcpy(b, MAC_DST, 6);
    memcpy(b + 6, MAC_SRC, 6);
    for (unsigned i = 0; i < ntags; i++) {
        put16(b + off, tags[2 * i]);
        put16(b + off + 2, (uint16_t)(0x2000 | tags[2 * i + 1])); /* PCP 1 */
        off += 4;
    }
    put16(b + off, type);
    off += 2;
    memmove(b + off, inner, len);
    return off + len;
}

static size_t wrap_sll(uint8_t *b, uint16_t proto, const uint8_t *inner, size_t len)
{
    memset(b, 0, 16);
    put16(b, 0);      /* sent to us */
    put16(b + 2, 1);  /* ARPHRD_ETHER */
    put16(b + 4, 6);
    memcpy(b + 6, MAC_SRC, 6);
    put16(b + 14, proto);
    memmove(b + 16, inner, len);
    return 16 + len;
}

static size_t wrap_sll2(uint8_t *b, uint16_t proto, const uint8_t *inner, size_t len)
{
    memset(b, 0, 20);
    put16(b, proto);
    put32(b + 4, 2);  /* interface index */
    put16(b + 8, 1);  /* ARPHRD_ETHER */
    b[10] = 4;        /* outgoing */
    b[11] = 6;
    memcpy(b + 12, MAC_SRC, 6);
    memmove(b + 20, inner, len);
    return 20 + len;
}

static size_t wrap_loop(uint8_t *b, uint32_t family, bool big_endian, const uint8_t *inner,
                        size_t len)
{
    if (big_endian) {
        put32(b, family);
    } else {
        b[0] = (uint8_t)family;
        b[1] = (uint8_t)(family >> 8);
        b[2] = (uint8_t)(family >> 16);
        b[3] = (uint8_t)(family >> 24);
    }
    memmove(b + 4, inner, len);
    return 4 + len;
}

/* Decodes a copy of frame[0..caplen) in a buffer of exactly that size. */
static decode_status decode_copy(int linktype, const uint8_t *frame, size_t caplen,
                                 size_t wirelen, decoded_packet *out, const char **why)
{
    uint8_t *copy = malloc(caplen ? caplen : 1);
    assert_non_null(copy);
    if (caplen)
        memcpy(copy, frame, caplen);
    decode_status st = decode_packet(linktype, copy, (uint32_t)caplen, (uint32_t)wirelen, out, why);
    /* Payload pointers point into the frame; do not keep them past free. */
    out->tcp.payload = NULL;
    free(copy);
    return st;
}

static decode_status decode_full(int linktype, const uint8_t *frame, size_t len,
                                 decoded_packet *out)
{
    const char *why = NULL;
    decode_status st = decode_copy(linktype, frame, len, len, out, &why);
    assert_non_null(why);
    return st;
}

static bool may_matter_copy(int linktype, const uint8_t *frame, size_t caplen,
                            const uint16_t *ports, unsigned nports)
{
    uint8_t *copy = malloc(caplen ? caplen : 1);
    assert_non_null(copy);
    if (caplen)
        memcpy(copy, frame, caplen);
    bool r = decode_may_matter(linktype, copy, (uint32_t)caplen, ports, nports);
    free(copy);
    return r;
}

static const uint16_t RDP_PORTS[] = { 3389 };

static void assert_syn_fields(const decoded_packet *d)
{
    assert_int_equal(d->kind, DECODED_TCP);
    assert_int_equal(d->tcp.sport, 50123);
    assert_int_equal(d->tcp.dport, 3389);
    assert_int_equal(d->tcp.seq, 0x11223344);
    assert_int_equal(d->tcp.ack, 0);
    assert_int_equal(d->tcp.flags, TCP_SYN);
    assert_int_equal(d->tcp.window, 64240);
    assert_int_equal(d->tcp.options_len, 20);
    assert_memory_equal(d->tcp.options, SYN_OPTS, 20);
    assert_true(d->tcp.has_mss);
    assert_int_equal(d->tcp.mss, 1460);
    assert_true(d->tcp.has_wscale);
    assert_int_equal(d->tcp.wscale, 8);
    assert_true(d->tcp.has_sack_perm);
    assert_true(d->tcp.has_timestamps);
    assert_int_equal(d->tcp.payload_len, 0);
    assert_int_equal(d->tcp.payload_caplen, 0);
}

static void assert_v4_addrs(const decoded_packet *d)
{
    assert_int_equal(d->src.family, 4);
    assert_memory_equal(d->src.a, V4_CLIENT, 4);
    assert_int_equal(d->dst.family, 4);
    assert_memory_equal(d->dst.a, V4_SERVER, 4);
}

static void assert_v6_addrs(const decoded_packet *d)
{
    assert_int_equal(d->src.family, 6);
    assert_memory_equal(d->src.a, V6_CLIENT, 16);
    assert_int_equal(d->dst.family, 6);
    assert_memory_equal(d->dst.a, V6_SERVER, 16);
}

/* ---- link layers -------------------------------------------------------- */

static void test_ethernet_ipv4_syn(void **state)
{
    (void)state;
    uint8_t l4[128], ip[256], f[512];
    size_t n = syn_to_3389(l4);
    n = build_ipv4(ip, 6, l4, n);
    n = wrap_eth(f, NULL, 0, 0x0800, ip, n);
    assert_int_equal(n, 14 + 20 + 40);

    decoded_packet d;
    assert_int_equal(decode_full(DLT_EN10MB, f, n, &d), DECODE_OK);
    assert_syn_fields(&d);
    assert_v4_addrs(&d);
    assert_true(d.has_mac);
    assert_memory_equal(d.dst_mac, MAC_DST, 6);
    assert_memory_equal(d.src_mac, MAC_SRC, 6);
    assert_int_equal(d.vlan_count, 0);
    assert_int_equal(d.ttl, 128);
    assert_true(d.has_ip_id);
    assert_int_equal(d.ip_id, 0x1234);
    assert_true(d.ip_dont_fragment);
}

static void test_ethernet_padding_is_not_payload(void **state)
{
    (void)state;
    uint8_t l4[128], ip[256], f[512];
    size_t n = data_to_3389(l4, 3);
    n = build_ipv4(ip, 6, l4, n);
    n = wrap_eth(f, NULL, 0, 0x0800, ip, n);
    /* Pad to the 60-byte Ethernet minimum with a trailer. */
    memset(f + n, 0xEE, 60 - n);
    n = 60;

    decoded_packet d;
    const char *why = NULL;
    assert_int_equal(decode_packet(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, &d, &why), DECODE_OK);
    assert_int_equal(d.tcp.payload_len, 3);
    assert_int_equal(d.tcp.payload_caplen, 3);
    assert_ptr_equal(d.tcp.payload, f + 14 + 20 + 20);
    assert_memory_equal(d.tcp.payload, "ABC", 3);
    assert_int_equal(d.tcp.flags, TCP_ACK | TCP_PSH);
    assert_int_equal(d.tcp.seq, 1000);
    assert_int_equal(d.tcp.ack, 2000);
    assert_int_equal(d.tcp.window, 513);
    assert_int_equal(d.tcp.options_len, 0);
    assert_false(d.tcp.has_mss);
}

static void test_stacked_vlans(void **state)
{
    (void)state;
    uint8_t l4[128], ip[256], f[512];
    size_t n4 = build_ipv4(ip, 6, l4, syn_to_3389(l4));
    const uint16_t tags[] = { 0x88A8, 100, 0x8100, 200, 0x9100, 300, 0x8100, 4095 };

    decoded_packet d;
    size_t n = wrap_eth(f, tags, 2, 0x0800, ip, n4);
    assert_int_equal(decode_full(DLT_EN10MB, f, n, &d), DECODE_OK);
    assert_int_equal(d.vlan_count, 2);
    assert_int_equal(d.vlan_ids[0], 100);
    assert_int_equal(d.vlan_ids[1], 200);
    assert_syn_fields(&d);

    n = wrap_eth(f, tags, 4, 0x0800, ip, n4);
    assert_int_equal(decode_full(DLT_EN10MB, f, n, &d), DECODE_OK);
    assert_int_equal(d.vlan_count, DECODE_MAX_VLAN);
    assert_int_equal(d.vlan_ids[2], 300);
    assert_int_equal(d.vlan_ids[3], 4095);
    assert_v4_addrs(&d);

    /* One tag more than we record: skipped, not misread. */
    const uint16_t five[] = { 0x8100, 1, 0x8100, 2, 0x8100, 3, 0x8100, 4, 0x8100, 5 };
    n = wrap_eth(f, five, 5, 0x0800, ip, n4);
    assert_int_equal(decode_full(DLT_EN10MB, f, n, &d), DECODE_SKIP);

    /* IPv6 behind a single 802.1Q tag. */
    uint8_t ip6[256];
    size_t n6 = build_ipv6(ip6, 6, l4, syn_to_3389(l4));
    n = wrap_eth(f, tags + 2, 1, 0x86DD, ip6, n6);
    assert_int_equal(decode_full(DLT_EN10MB, f, n, &d), DECODE_OK);
    assert_int_equal(d.vlan_count, 1);
    assert_int_equal(d.vlan_ids[0], 200);
    assert_v6_addrs(&d);
}

static void test_linux_cooked(void **state)
{
    (void)state;
    uint8_t l4[128], ip[256], f[512];
    decoded_packet d;

    size_t n = wrap_sll(f, 0x0800, ip, build_ipv4(ip, 6, l4, syn_to_3389(l4)));
    assert_int_equal(decode_full(DLT_LINUX_SLL, f, n, &d), DECODE_OK);
    assert_syn_fields(&d);
    assert_v4_addrs(&d);
    assert_false(d.has_mac);

    n = wrap_sll2(f, 0x86DD, ip, build_ipv6(ip, 6, l4, syn_to_3389(l4)));
    assert_int_equal(decode_full(DLT_LINUX_SLL2, f, n, &d), DECODE_OK);
    assert_syn_fields(&d);
    assert_v6_addrs(&d);
    assert_int_equal(d.ttl, 64);
    assert_false(d.has_ip_id);

    /* A VLAN tag libpcap re-inserted after the cooked header. */
    uint8_t tagged[300];
    size_t n4 = build_ipv4(ip, 6, l4, syn_to_3389(l4));
    put16(tagged, 0x0000 | 42);
    put16(tagged + 2, 0x0800);
    memcpy(tagged + 4, ip, n4);
    n = wrap_sll(f, 0x8100, tagged, n4 + 4);
    assert_int_equal(decode_full(DLT_LINUX_SLL, f, n, &d), DECODE_OK);
    assert_int_equal(d.vlan_count, 1);
    assert_int_equal(d.vlan_ids[0], 42);
    assert_syn_fields(&d);

    /* ARP in a cooked capture. */
    n = wrap_sll(f, 0x0806, ip, 28);
    assert_int_equal(decode_full(DLT_LINUX_SLL, f, n, &d), DECODE_SKIP);
}

static void test_loopback_families(void **state)
{
    (void)state;
    uint8_t l4[128], ip4[256], ip6[256], f[512];
    size_t n4 = build_ipv4(ip4, 6, l4, syn_to_3389(l4));
    size_t n6 = build_ipv6(ip6, 6, l4, syn_to_3389(l4));
    decoded_packet d;
    const uint32_t v6_families[] = { 10, 24, 28, 30 };

    for (int lt = 0; lt < 2; lt++) {
        int linktype = lt ? DLT_LOOP : DLT_NULL;
        for (int be = 0; be < 2; be++) {
            size_t n = wrap_loop(f, 2, be, ip4, n4);
            assert_int_equal(decode_full(linktype, f, n, &d), DECODE_OK);
            assert_v4_addrs(&d);
            assert_syn_fields(&d);
            for (size_t i = 0; i < 4; i++) {
                n = wrap_loop(f, v6_families[i], be, ip6, n6);
                assert_int_equal(decode_full(linktype, f, n, &d), DECODE_OK);
                assert_v6_addrs(&d);
                assert_syn_fields(&d);
            }
            /* AF_APPLETALK-ish value: not IP. */
            n = wrap_loop(f, 7, be, ip4, n4);
            assert_int_equal(decode_full(linktype, f, n, &d), DECODE_SKIP);
        }
    }
    /* The family says IPv6 but the header is IPv4: a contradiction. */
    size_t n = wrap_loop(f, 30, false, ip4, n4);
    assert_int_equal(decode_full(DLT_NULL, f, n, &d), DECODE_MALFORMED);
}

static void test_raw_ip(void **state)
{
    (void)state;
    uint8_t l4[128], ip4[256], ip6[256];
    size_t n4 = build_ipv4(ip4, 6, l4, syn_to_3389(l4));
    size_t n6 = build_ipv6(ip6, 6, l4, syn_to_3389(l4));
    decoded_packet d;
    const int raw_types[] = { DLT_RAW, 12, 14 };

    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(decode_full(raw_types[i], ip4, n4, &d), DECODE_OK);
        assert_v4_addrs(&d);
        assert_syn_fields(&d);
        assert_false(d.has_mac);
        assert_int_equal(decode_full(raw_types[i], ip6, n6, &d), DECODE_OK);
        assert_v6_addrs(&d);
    }
    assert_int_equal(decode_full(DLT_IPV4, ip4, n4, &d), DECODE_OK);
    assert_int_equal(decode_full(DLT_IPV6, ip6, n6, &d), DECODE_OK);
    assert_int_equal(decode_full(DLT_IPV4, ip6, n6, &d), DECODE_MALFORMED);
    assert_int_equal(decode_full(DLT_IPV6, ip4, n4, &d), DECODE_MALFORMED);

    ip4[0] = 0x55; /* version 5 */
    assert_int_equal(decode_full(DLT_RAW, ip4, n4, &d), DECODE_MALFORMED);
}

static void test_unsupported_linktype(void **state)
{
    (void)state;
    uint8_t l4[128], ip[256];
    size_t n = build_ipv4(ip, 6, l4, syn_to_3389(l4));
    decoded_packet d;
    const char *why = NULL;
    assert_int_equal(decode_copy(DLT_IEEE802_11, ip, n, n, &d, &why), DECODE_UNSUPPORTED);
    assert_non_null(why);
    assert_true(strlen(why) > 0);
    assert_false(decode_may_matter(DLT_IEEE802_11, ip, (uint32_t)n, RDP_PORTS, 1));
}

/* ---- IP ----------------------------------------------------------------- */

static void test_ipv4_options_and_lengths(void **state)
{
    (void)state;
    uint8_t l4[2048], ip[2048], f[2100];
    decoded_packet d;
    const char *why;

    /* 8 bytes of IPv4 options before TCP. */
    size_t n = build_ipv4_ex(ip, 6, V4_CLIENT, V4_SERVER, l4, syn_to_3389(l4), 8, 0);
    assert_int_equal(decode_full(DLT_RAW, ip, n, &d), DECODE_OK);
    assert_syn_fields(&d);
    assert_false(d.ip_dont_fragment);

    /* Snaplen 100 on a 1000-byte segment: length from the IP header. */
    n = wrap_eth(f, NULL, 0, 0x0800, ip, build_ipv4(ip, 6, l4, data_to_3389(l4, 1000)));
    assert_int_equal(n, 14 + 20 + 20 + 1000);
    assert_int_equal(decode_copy(DLT_EN10MB, f, 100, n, &d, &why), DECODE_OK);
    assert_int_equal(d.tcp.payload_len, 1000);
    assert_int_equal(d.tcp.payload_caplen, 100 - 54);

    /* Total length 0: segmentation offload on the sending host. */
    put16(f + 14 + 2, 0);
    assert_int_equal(decode_copy(DLT_EN10MB, f, n, n, &d, &why), DECODE_OK);
    assert_int_equal(d.tcp.payload_len, 1000);
    assert_int_equal(d.tcp.payload_caplen, 1000);

    /* A total length beyond the frame on the wire is clamped to it. */
    put16(f + 14 + 2, 60000);
    assert_int_equal(decode_copy(DLT_EN10MB, f, n, n, &d, &why), DECODE_OK);
    assert_int_equal(d.tcp.payload_len, 1000);

    /* Total length shorter than IP + TCP headers: the headers do not fit. */
    put16(f + 14 + 2, 30);
    assert_int_equal(decode_copy(DLT_EN10MB, f, n, n, &d, &why), DECODE_MALFORMED);
    assert_non_null(strstr(why, "TCP"));
    put16(f + 14 + 2, 12);
    assert_int_equal(decode_copy(DLT_EN10MB, f, n, n, &d, &why), DECODE_MALFORMED);

    /* IHL below 5. */
    n = build_ipv4(ip, 6, l4, syn_to_3389(l4));
    ip[0] = 0x44;
    assert_int_equal(decode_full(DLT_RAW, ip, n, &d), DECODE_MALFORMED);
}

static void test_ipv4_fragments(void **state)
{
    (void)state;
    uint8_t l4[256], ip[256];
    decoded_packet d;

    /* First fragment with MF: what it holds is decoded. */
    size_t n = build_ipv4_ex(ip, 6, V4_CLIENT, V4_SERVER, l4, data_to_3389(l4, 16), 0, 0x2000);
    assert_int_equal(decode_full(DLT_RAW, ip, n, &d), DECODE_OK);
    assert_int_equal(d.tcp.payload_len, 16);
    assert_false(d.ip_dont_fragment);

    /* A later fragment has no TCP header. */
    n = build_ipv4_ex(ip, 6, V4_CLIENT, V4_SERVER, l4, data_to_3389(l4, 16), 0, 0x2000 | 185);
    assert_int_equal(decode_full(DLT_RAW, ip, n, &d), DECODE_SKIP);
    assert_false(may_matter_copy(DLT_RAW, ip, n, RDP_PORTS, 1));
    n = build_ipv4_ex(ip, 6, V4_CLIENT, V4_SERVER, l4, data_to_3389(l4, 16), 0, 1);
    assert_int_equal(decode_full(DLT_RAW, ip, n, &d), DECODE_SKIP);
}

/* Appends one IPv6 extension header of total length len (a multiple of 8). */
static size_t ext_header(uint8_t *b, uint8_t next, size_t len)
{
    memset(b, 0, len);
    b[0] = next;
    b[1] = (uint8_t)(len / 8 - 1);
    if (len > 2) {
        b[2] = 1; /* PadN */
        b[3] = (uint8_t)(len - 4);
    }
    return len;
}

static size_t fragment_header(uint8_t *b, uint8_t next, uint16_t offset_units, bool more)
{
    memset(b, 0, 8);
    b[0] = next;
    put16(b + 2, (uint16_t)((offset_units << 3) | (more ? 1 : 0)));
    put32(b + 4, 0xCAFE);
    return 8;
}

static void test_ipv6_extension_headers(void **state)
{
    (void)state;
    uint8_t pay[512], ip[600];
    decoded_packet d;
    const char *why;

    /* Hop-by-hop, destination options, routing, first fragment, then TCP. */
    size_t n = 0;
    n += ext_header(pay + n, 60, 8);
    n += ext_header(pay + n, 43, 16);
    n += ext_header(pay + n, 44, 24);
    n += fragment_header(pay + n, 6, 0, true);
    n += data_to_3389(pay + n, 5);
    size_t len = build_ipv6(ip, 0, pay, n);
    assert_int_equal(decode_full(DLT_RAW, ip, len, &d), DECODE_OK);
    assert_v6_addrs(&d);
    assert_int_equal(d.tcp.dport, 3389);
    assert_int_equal(d.tcp.payload_len, 5);
    assert_int_equal(d.tcp.payload_caplen, 5);
    assert_memory_equal(ip + len - 5, "ABCDE", 5);
    assert_true(may_matter_copy(DLT_RAW, ip, len, RDP_PORTS, 1));

    /* Cut inside the third extension header. */
    assert_int_equal(decode_copy(DLT_RAW, ip, 40 + 8 + 16 + 4, len, &d, &why), DECODE_TRUNCATED);
    assert_non_null(strstr(why, "extension"));

    /* A non-first fragment. */
    n = fragment_header(pay, 6, 100, false);
    n += data_to_3389(pay + n, 5);
    len = build_ipv6(ip, 44, pay, n);
    assert_int_equal(decode_full(DLT_RAW, ip, len, &d), DECODE_SKIP);

    /* A chain longer than DECODE_MAX_EXT_HEADERS. */
    n = 0;
    for (int i = 0; i < DECODE_MAX_EXT_HEADERS; i++)
        n += ext_header(pay + n, 60, 8);
    n += ext_header(pay + n, 6, 8);
    n += data_to_3389(pay + n, 0);
    len = build_ipv6(ip, 60, pay, n);
    assert_int_equal(decode_full(DLT_RAW, ip, len, &d), DECODE_SKIP);
    /* Exactly DECODE_MAX_EXT_HEADERS is fine. */
    n = 0;
    for (int i = 0; i < DECODE_MAX_EXT_HEADERS - 1; i++)
        n += ext_header(pay + n, 60, 8);
    n += ext_header(pay + n, 6, 8);
    n += data_to_3389(pay + n, 0);
    len = build_ipv6(ip, 60, pay, n);
    assert_int_equal(decode_full(DLT_RAW, ip, len, &d), DECODE_OK);

    /* An extension header claiming more than the payload length. */
    n = ext_header(pay, 6, 8);
    pay[1] = 200;
    n += data_to_3389(pay + n, 0);
    len = build_ipv6(ip, 0, pay, n);
    assert_int_equal(decode_full(DLT_RAW, ip, len, &d), DECODE_MALFORMED);

    /* UDP after extension headers. */
    n = ext_header(pay, 17, 8);
    memset(pay + n, 0, 8);
    n += 8;
    len = build_ipv6(ip, 0, pay, n);
    assert_int_equal(decode_full(DLT_RAW, ip, len, &d), DECODE_SKIP);
}

static void test_ipv6_jumbo_length(void **state)
{
    (void)state;
    uint8_t l4[256], ip[300];
    decoded_packet d;
    size_t len = build_ipv6(ip, 6, l4, data_to_3389(l4, 100));
    put16(ip + 4, 0);
    assert_int_equal(decode_full(DLT_RAW, ip, len, &d), DECODE_OK);
    assert_int_equal(d.tcp.payload_len, 100);
    assert_int_equal(d.tcp.payload_caplen, 100);

    /* Payload length shorter than the TCP header. */
    put16(ip + 4, 10);
    assert_int_equal(decode_full(DLT_RAW, ip, len, &d), DECODE_MALFORMED);
}

static void test_other_protocols(void **state)
{
    (void)state;
    uint8_t udp[64], ip[128], f[256];
    decoded_packet d;
    memset(udp, 0, sizeof udp);
    put16(udp, 3389);
    put16(udp + 2, 3389);
    put16(udp + 4, 16);
    size_t n = wrap_eth(f, NULL, 0, 0x0800, ip, build_ipv4(ip, 17, udp, 16));
    assert_int_equal(decode_full(DLT_EN10MB, f, n, &d), DECODE_SKIP);
    assert_false(may_matter_copy(DLT_EN10MB, f, n, RDP_PORTS, 1));

    n = wrap_eth(f, NULL, 0, 0x86DD, ip, build_ipv6(ip, 17, udp, 16));
    assert_int_equal(decode_full(DLT_EN10MB, f, n, &d), DECODE_SKIP);
    assert_false(may_matter_copy(DLT_EN10MB, f, n, RDP_PORTS, 1));

    /* ARP. */
    n = wrap_eth(f, NULL, 0, 0x0806, udp, 28);
    assert_int_equal(decode_full(DLT_EN10MB, f, n, &d), DECODE_SKIP);
    assert_false(may_matter_copy(DLT_EN10MB, f, n, RDP_PORTS, 1));
}

/* ---- TCP ---------------------------------------------------------------- */

static void test_tcp_options(void **state)
{
    (void)state;
    uint8_t l4[128], ip[256];
    decoded_packet d;

    /* MSS, then a window-scale option with length 0: parsing stops there,
     * the segment is still decoded. */
    const uint8_t bad_len[8] = { 2, 4, 0x05, 0x64, 3, 0, 8, 1 };
    tcp_spec t = { 50123, 3389, 7, 0, TCP_SYN, 8192, bad_len, sizeof bad_len, 0 };
    size_t n = build_ipv4(ip, 6, l4, build_tcp(l4, &t));
    assert_int_equal(decode_full(DLT_RAW, ip, n, &d), DECODE_OK);
    assert_true(d.tcp.has_mss);
    assert_int_equal(d.tcp.mss, 1380);
    assert_false(d.tcp.has_wscale);
    assert_int_equal(d.tcp.options_len, 8);

    /* An option length running past the options: ignored, segment kept. */
    const uint8_t overrun[4] = { 1, 8, 10, 0 };
    t.opts = overrun;
    t.optlen = sizeof overrun;
    n = build_ipv4(ip, 6, l4, build_tcp(l4, &t));
    assert_int_equal(decode_full(DLT_RAW, ip, n, &d), DECODE_OK);
    assert_false(d.tcp.has_timestamps);

    /* End of options list hides what follows; unknown options are skipped. */
    const uint8_t eol[8] = { 30, 4, 0, 0, 0, 3, 3, 7 };
    t.opts = eol;
    t.optlen = sizeof eol;
    n = build_ipv4(ip, 6, l4, build_tcp(l4, &t));
    assert_int_equal(decode_full(DLT_RAW, ip, n, &d), DECODE_OK);
    assert_false(d.tcp.has_wscale);
    const uint8_t unknown[8] = { 30, 4, 0, 0, 3, 3, 7, 0 };
    t.opts = unknown;
    n = build_ipv4(ip, 6, l4, build_tcp(l4, &t));
    assert_int_equal(decode_full(DLT_RAW, ip, n, &d), DECODE_OK);
    assert_true(d.tcp.has_wscale);
    assert_int_equal(d.tcp.wscale, 7);

    /* A 40-byte option area (data offset 15). */
    uint8_t forty[40];
    memset(forty, 1, sizeof forty);
    memcpy(forty + 36, (const uint8_t[]){ 4, 2, 1, 0 }, 4);
    t.opts = forty;
    t.optlen = sizeof forty;
    n = build_ipv4(ip, 6, l4, build_tcp(l4, &t));
    assert_int_equal(decode_full(DLT_RAW, ip, n, &d), DECODE_OK);
    assert_int_equal(d.tcp.options_len, 40);
    assert_true(d.tcp.has_sack_perm);

    /* Data offset below 5. */
    n = build_ipv4(ip, 6, l4, syn_to_3389(l4));
    ip[20 + 12] = 0x40;
    assert_int_equal(decode_full(DLT_RAW, ip, n, &d), DECODE_MALFORMED);
}

/* Cuts an Ethernet/VLAN/IPv4-with-options/TCP-with-options frame at every
 * length inside its headers: each cut names the header it fell in. */
static void test_snaplen_cuts_ipv4(void **state)
{
    (void)state;
    uint8_t l4[128], ip[256], f[512];
    const uint16_t tag[] = { 0x8100, 7 };
    size_t n = build_ipv4_ex(ip, 6, V4_CLIENT, V4_SERVER, l4, syn_to_3389(l4), 4, 0);
    n = wrap_eth(f, tag, 1, 0x0800, ip, n);
    /* 14 Ethernet + 4 VLAN + 24 IPv4 + 40 TCP */
    assert_int_equal(n, 82);

    for (size_t cut = 0; cut < n; cut++) {
        decoded_packet d;
        const char *why = NULL;
        decode_status st = decode_copy(DLT_EN10MB, f, cut, n, &d, &why);
        assert_int_equal(st, DECODE_TRUNCATED);
        const char *expect = cut < 14   ? "Ethernet"
                             : cut < 18 ? "VLAN"
                             : cut < 38 ? "IPv4 header"
                             : cut < 42 ? "IPv4 options"
                             : cut < 62 ? "TCP header"
                                        : "TCP options";
        if (!strstr(why, expect))
            fail_msg("cut at %zu: \"%s\" does not name \"%s\"", cut, why, expect);
        assert_non_null(strstr(why, "snaplen"));
    }
    decoded_packet d;
    assert_int_equal(decode_full(DLT_EN10MB, f, n, &d), DECODE_OK);
    assert_syn_fields(&d);
}

static void test_snaplen_cuts_other_links(void **state)
{
    (void)state;
    uint8_t l4[128], ip[256], f[512];
    size_t n6 = build_ipv6(ip, 6, l4, data_to_3389(l4, 10));
    struct {
        int linktype;
        size_t hlen;
        const char *name;
    } links[] = {
        { DLT_LINUX_SLL, 16, "cooked" },
        { DLT_LINUX_SLL2, 20, "cooked" },
        { DLT_NULL, 4, "loopback" },
        { DLT_RAW, 0, NULL },
    };
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        size_t n;
        if (links[i].linktype == DLT_LINUX_SLL)
            n = wrap_sll(f, 0x86DD, ip, n6);
        else if (links[i].linktype == DLT_LINUX_SLL2)
            n = wrap_sll2(f, 0x86DD, ip, n6);
        else if (links[i].linktype == DLT_NULL)
            n = wrap_loop(f, 10, false, ip, n6);
        else
            n = (memcpy(f, ip, n6), n6);
        size_t h = links[i].hlen;
        for (size_t cut = 0; cut < h + 60; cut++) {
            decoded_packet d;
            const char *why = NULL;
            assert_int_equal(decode_copy(links[i].linktype, f, cut, n, &d, &why),
                             DECODE_TRUNCATED);
            const char *expect = cut < h        ? links[i].name
                                 : cut < h + 40 ? (cut == 0 ? "IP header" : "IPv6 header")
                                                : "TCP header";
            if (!strstr(why, expect))
                fail_msg("linktype %d cut at %zu: \"%s\" lacks \"%s\"", links[i].linktype, cut,
                         why, expect);
        }
        /* Cut inside the payload: decoded, with the wire length kept. */
        decoded_packet d;
        const char *why;
        assert_int_equal(decode_copy(links[i].linktype, f, h + 64, n, &d, &why), DECODE_OK);
        assert_int_equal(d.tcp.payload_caplen, 4);
        assert_int_equal(d.tcp.payload_len, 10);
    }
}

/* ---- ICMP --------------------------------------------------------------- */

static void test_icmp_unreachable_v4(void **state)
{
    (void)state;
    uint8_t syn[128], quoted[256], icmp[300], ip[400], f[512];
    decoded_packet d;
    const char *why;

    /* The router returns the client's SYN header and 8 bytes of TCP. */
    size_t q = build_ipv4(quoted, 6, syn, syn_to_3389(syn));
    q = 20 + 8;
    memset(icmp, 0, 8);
    icmp[0] = 3;  /* destination unreachable */
    icmp[1] = 13; /* communication administratively prohibited */
    memcpy(icmp + 8, quoted, q);
    size_t n = build_ipv4_ex(ip, 1, V4_ROUTER, V4_CLIENT, icmp, 8 + q, 0, 0);
    n = wrap_eth(f, NULL, 0, 0x0800, ip, n);
    assert_int_equal(decode_full(DLT_EN10MB, f, n, &d), DECODE_OK);
    assert_int_equal(d.kind, DECODED_ICMP_UNREACH);
    assert_int_equal(d.icmp.type, 3);
    assert_int_equal(d.icmp.code, 13);
    assert_memory_equal(d.src.a, V4_ROUTER, 4);
    assert_memory_equal(d.dst.a, V4_CLIENT, 4);
    assert_int_equal(d.icmp.inner_src.family, 4);
    assert_memory_equal(d.icmp.inner_src.a, V4_CLIENT, 4);
    assert_memory_equal(d.icmp.inner_dst.a, V4_SERVER, 4);
    assert_int_equal(d.icmp.inner_sport, 50123);
    assert_int_equal(d.icmp.inner_dport, 3389);
    assert_true(d.icmp.has_inner_seq);
    assert_int_equal(d.icmp.inner_seq, 0x11223344);
    assert_true(may_matter_copy(DLT_EN10MB, f, n, RDP_PORTS, 1));

    /* Cut by the snaplen inside the quoted ports. */
    assert_int_equal(decode_copy(DLT_EN10MB, f, 14 + 20 + 8 + 20 + 2, n, &d, &why),
                     DECODE_TRUNCATED);
    assert_non_null(strstr(why, "quoted"));
    /* Cut inside the quoted IP header. */
    assert_int_equal(decode_copy(DLT_EN10MB, f, 14 + 20 + 8 + 10, n, &d, &why), DECODE_TRUNCATED);
    assert_non_null(strstr(why, "IP header"));
    /* Cut inside the ICMP header. */
    assert_int_equal(decode_copy(DLT_EN10MB, f, 14 + 20 + 4, n, &d, &why), DECODE_TRUNCATED);
    assert_non_null(strstr(why, "ICMP header"));

    /* A quote with only the ports (no sequence number). */
    n = build_ipv4_ex(ip, 1, V4_ROUTER, V4_CLIENT, icmp, 8 + 20 + 4, 0, 0);
    assert_int_equal(decode_full(DLT_RAW, ip, n, &d), DECODE_OK);
    assert_int_equal(d.icmp.inner_dport, 3389);
    assert_false(d.icmp.has_inner_seq);

    /* Destination unreachable quoting UDP. */
    quoted[9] = 17;
    memcpy(icmp + 8, quoted, 28);
    n = build_ipv4_ex(ip, 1, V4_ROUTER, V4_CLIENT, icmp, 8 + 28, 0, 0);
    assert_int_equal(decode_full(DLT_RAW, ip, n, &d), DECODE_SKIP);

    /* Echo request and time exceeded. */
    icmp[0] = 8;
    n = build_ipv4_ex(ip, 1, V4_ROUTER, V4_CLIENT, icmp, 8 + 28, 0, 0);
    assert_int_equal(decode_full(DLT_RAW, ip, n, &d), DECODE_SKIP);
    icmp[0] = 11;
    n = build_ipv4_ex(ip, 1, V4_ROUTER, V4_CLIENT, icmp, 8 + 28, 0, 0);
    assert_int_equal(decode_full(DLT_RAW, ip, n, &d), DECODE_SKIP);
}

static void test_icmp_unreachable_v6(void **state)
{
    (void)state;
    uint8_t syn[128], quoted[256], icmp[300], ip[400], f[512];
    decoded_packet d;

    /* ICMPv6 quotes as much of the SYN as fits: the whole of it here. */
    size_t q = build_ipv6(quoted, 6, syn, syn_to_3389(syn));
    memset(icmp, 0, 8);
    icmp[0] = 1; /* destination unreachable */
    icmp[1] = 4; /* port unreachable */
    memcpy(icmp + 8, quoted, q);
    size_t n = build_ipv6_ex(ip, 58, V6_SERVER, V6_CLIENT, icmp, 8 + q);
    n = wrap_sll(f, 0x86DD, ip, n);
    assert_int_equal(decode_full(DLT_LINUX_SLL, f, n, &d), DECODE_OK);
    assert_int_equal(d.kind, DECODED_ICMP_UNREACH);
    assert_int_equal(d.icmp.type, 1);
    assert_int_equal(d.icmp.code, 4);
    assert_memory_equal(d.src.a, V6_SERVER, 16);
    assert_int_equal(d.icmp.inner_src.family, 6);
    assert_memory_equal(d.icmp.inner_src.a, V6_CLIENT, 16);
    assert_memory_equal(d.icmp.inner_dst.a, V6_SERVER, 16);
    assert_int_equal(d.icmp.inner_sport, 50123);
    assert_int_equal(d.icmp.inner_dport, 3389);
    assert_true(d.icmp.has_inner_seq);
    assert_int_equal(d.icmp.inner_seq, 0x11223344);
    assert_true(may_matter_copy(DLT_LINUX_SLL, f, n, RDP_PORTS, 1));

    /* Quoted packet with a destination-options header before TCP. */
    uint8_t pay[128];
    size_t p = ext_header(pay, 6, 8);
    p += syn_to_3389(pay + p);
    q = build_ipv6(quoted, 60, pay, p);
    memcpy(icmp + 8, quoted, q);
    n = build_ipv6_ex(ip, 58, V6_SERVER, V6_CLIENT, icmp, 8 + q);
    assert_int_equal(decode_full(DLT_RAW, ip, n, &d), DECODE_OK);
    assert_int_equal(d.icmp.inner_dport, 3389);

    /* Echo request, and an ICMPv4 type 3 inside IPv6: not for us. */
    icmp[0] = 128;
    n = build_ipv6_ex(ip, 58, V6_SERVER, V6_CLIENT, icmp, 8 + q);
    assert_int_equal(decode_full(DLT_RAW, ip, n, &d), DECODE_SKIP);
    icmp[0] = 3;
    n = build_ipv6_ex(ip, 1, V6_SERVER, V6_CLIENT, icmp, 8 + q);
    assert_int_equal(decode_full(DLT_RAW, ip, n, &d), DECODE_SKIP);

    /* ICMPv6 quoting an IPv4 packet. */
    icmp[0] = 1;
    q = build_ipv4(quoted, 6, syn, syn_to_3389(syn));
    memcpy(icmp + 8, quoted, q);
    n = build_ipv6_ex(ip, 58, V6_SERVER, V6_CLIENT, icmp, 8 + q);
    assert_int_equal(decode_full(DLT_RAW, ip, n, &d), DECODE_SKIP);
}

/* ---- robustness and the prefilter --------------------------------------- */

static const int ALL_LINKTYPES[] = { DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL,
                                     DLT_LOOP,   DLT_RAW,       14,             DLT_IPV4,
                                     DLT_IPV6,   DLT_PPP };

static uint32_t rng_state = 0x12345678;

static uint32_t rng(void)
{
    /* xorshift32: deterministic, so a failure reproduces. */
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* Checks the prefilter against the full decode on one frame; returns the
 * decode status. */
static decode_status check_agreement(int linktype, const uint8_t *f, size_t caplen, size_t wirelen)
{
    decoded_packet d;
    const char *why = NULL;
    decode_status st = decode_copy(linktype, f, caplen, wirelen, &d, &why);
    assert_true(st >= DECODE_OK && st <= DECODE_UNSUPPORTED);
    assert_non_null(why);
    if (st != DECODE_OK) {
        assert_true(strlen(why) > 0);
        return st;
    }
    assert_true(d.kind == DECODED_TCP || d.kind == DECODED_ICMP_UNREACH);
    assert_true(d.tcp.payload_caplen <= d.tcp.payload_len);
    assert_true(d.tcp.payload_caplen <= caplen);
    assert_true(may_matter_copy(linktype, f, caplen, NULL, 0));
    if (d.kind == DECODED_ICMP_UNREACH) {
        assert_true(may_matter_copy(linktype, f, caplen, RDP_PORTS, 1));
        return st;
    }
    const uint16_t sport[] = { 1, d.tcp.sport }, dport[] = { d.tcp.dport };
    assert_true(may_matter_copy(linktype, f, caplen, sport, 2));
    assert_true(may_matter_copy(linktype, f, caplen, dport, 1));
    return st;
}

static void test_garbage_frames(void **state)
{
    (void)state;
    uint8_t f[128];
    unsigned seen[DECODE_UNSUPPORTED + 1] = { 0 };
    for (size_t li = 0; li < sizeof ALL_LINKTYPES / sizeof ALL_LINKTYPES[0]; li++) {
        for (size_t len = 0; len <= 100; len++) {
            for (int round = 0; round < 64; round++) {
                for (size_t i = 0; i < len; i++)
                    f[i] = (uint8_t)rng();
                /* Bias half the rounds towards plausible headers so the
                 * deeper layers get garbage too. */
                if (round & 1) {
                    if (ALL_LINKTYPES[li] == DLT_EN10MB && len >= 14)
                        put16(f + 12, (round & 2) ? 0x0800 : 0x86DD);
                    size_t ipoff = ALL_LINKTYPES[li] == DLT_EN10MB ? 14 : 0;
                    if (len > ipoff + 9) {
                        f[ipoff] = (round & 2) ? (uint8_t)(0x45 + (rng() % 3)) : 0x60;
                        f[ipoff + ((round & 2) ? 9 : 6)] = (round & 4) ? 6 : ((round & 2) ? 1 : 58);
                    }
                }
                seen[check_agreement(ALL_LINKTYPES[li], f, len, len)]++;
                seen[check_agreement(ALL_LINKTYPES[li], f, len, len + (rng() % 2000))]++;
            }
        }
    }
    /* The garbage reached every outcome, the deep layers included. */
    for (int st = DECODE_OK; st <= DECODE_UNSUPPORTED; st++)
        if (seen[st] == 0)
            fail_msg("no garbage frame decoded to status %d", st);
    print_message("garbage: %u ok, %u skip, %u truncated, %u malformed, %u unsupported\n", seen[0],
                  seen[1], seen[2], seen[3], seen[4]);
    /* A NULL frame with caplen 0. */
    decoded_packet d;
    assert_int_equal(decode_packet(DLT_EN10MB, NULL, 0, 0, &d, NULL), DECODE_MALFORMED);
    assert_int_equal(decode_packet(DLT_EN10MB, NULL, 0, 60, &d, NULL), DECODE_TRUNCATED);
    assert_false(decode_may_matter(DLT_EN10MB, NULL, 0, RDP_PORTS, 1));
}

/* Every frame built in this file, in full and cut at every length, agrees
 * with the prefilter; the prefilter also really filters. */
static void test_may_matter_agrees(void **state)
{
    (void)state;
    uint8_t l4[256], ip[400], pay[300], f[512], icmp[300];
    const uint16_t tags[] = { 0x88A8, 10, 0x8100, 20 };
    struct {
        int linktype;
        size_t len;
        uint8_t b[512];
    } *c = calloc(32, sizeof *c);
    assert_non_null(c);
    size_t nc = 0;

#define ADD(lt, buf, n)                                                                        \
    do {                                                                                       \
        c[nc].linktype = (lt);                                                                 \
        c[nc].len = (n);                                                                       \
        memcpy(c[nc].b, (buf), (n));                                                           \
        nc++;                                                                                  \
    } while (0)

    size_t n4 = build_ipv4(ip, 6, l4, syn_to_3389(l4));
    ADD(DLT_EN10MB, f, wrap_eth(f, NULL, 0, 0x0800, ip, n4));
    ADD(DLT_EN10MB, f, wrap_eth(f, tags, 2, 0x0800, ip, n4));
    ADD(DLT_LINUX_SLL, f, wrap_sll(f, 0x0800, ip, n4));
    ADD(DLT_LINUX_SLL2, f, wrap_sll2(f, 0x0800, ip, n4));
    ADD(DLT_NULL, f, wrap_loop(f, 2, false, ip, n4));
    ADD(DLT_LOOP, f, wrap_loop(f, 2, true, ip, n4));
    ADD(DLT_RAW, ip, n4);
    ADD(DLT_IPV4, ip, n4);
    n4 = build_ipv4_ex(ip, 6, V4_CLIENT, V4_SERVER, l4, data_to_3389(l4, 30), 12, 0);
    ADD(DLT_EN10MB, f, wrap_eth(f, tags, 1, 0x0800, ip, n4));
    size_t n6 = build_ipv6(ip, 6, l4, data_to_3389(l4, 30));
    ADD(DLT_EN10MB, f, wrap_eth(f, NULL, 0, 0x86DD, ip, n6));
    ADD(DLT_NULL, f, wrap_loop(f, 30, false, ip, n6));
    ADD(DLT_IPV6, ip, n6);
    size_t p = ext_header(pay, 44, 16);
    p += fragment_header(pay + p, 6, 0, true);
    p += syn_to_3389(pay + p);
    n6 = build_ipv6(ip, 0, pay, p);
    ADD(DLT_LINUX_SLL2, f, wrap_sll2(f, 0x86DD, ip, n6));
    /* ICMP errors. */
    memset(icmp, 0, 8);
    icmp[0] = 3;
    size_t q = build_ipv4(icmp + 8, 6, l4, syn_to_3389(l4));
    n4 = build_ipv4_ex(ip, 1, V4_ROUTER, V4_CLIENT, icmp, 8 + q, 0, 0);
    ADD(DLT_EN10MB, f, wrap_eth(f, NULL, 0, 0x0800, ip, n4));
    icmp[0] = 1;
    q = build_ipv6(icmp + 8, 6, l4, syn_to_3389(l4));
    n6 = build_ipv6_ex(ip, 58, V6_SERVER, V6_CLIENT, icmp, 8 + q);
    ADD(DLT_RAW, ip, n6);
    /* Not RDP: web traffic, in both directions. */
    tcp_spec web = { 51000, 443, 1, 1, TCP_ACK, 100, NULL, 0, 0 };
    n4 = build_ipv4(ip, 6, l4, build_tcp(l4, &web));
    ADD(DLT_EN10MB, f, wrap_eth(f, NULL, 0, 0x0800, ip, n4));
    tcp_spec web6 = { 443, 51000, 1, 1, TCP_ACK, 100, NULL, 0, 0 };
    n6 = build_ipv6(ip, 6, l4, build_tcp(l4, &web6));
    ADD(DLT_EN10MB, f, wrap_eth(f, tags, 2, 0x86DD, ip, n6));
#undef ADD

    size_t ok = 0;
    for (size_t i = 0; i < nc; i++) {
        decoded_packet d;
        assert_int_equal(decode_full(c[i].linktype, c[i].b, c[i].len, &d), DECODE_OK);
        ok++;
        bool rdp = d.kind == DECODED_ICMP_UNREACH || d.tcp.sport == 3389 || d.tcp.dport == 3389;
        /* The prefilter's answer on whole frames: exact for these. */
        assert_int_equal(may_matter_copy(c[i].linktype, c[i].b, c[i].len, RDP_PORTS, 1), rdp);
        for (size_t cut = 0; cut <= c[i].len; cut++)
            check_agreement(c[i].linktype, c[i].b, cut, c[i].len);
    }
    assert_int_equal(ok, 17);
    free(c);
}

/* The prefilter's fast path (untagged Ethernet II + IPv4) answers as the
 * general path does: the same IPv4 packets, mutated at random in their
 * headers and cut at every length, get the same answer untagged (fast path)
 * and behind one VLAN tag (general path), with and without a port list. */
static void test_may_matter_fast_path(void **state)
{
    (void)state;
    uint8_t l4[256], ip[400], plain[512], tagged[512];
    const uint16_t tag[] = { 0x8100, 7 };
    const uint16_t two_ports[] = { 443, 3389 };
    struct {
        const uint16_t *ports;
        unsigned n;
    } lists[] = { { NULL, 0 }, { RDP_PORTS, 1 }, { two_ports, 2 } };
    unsigned trues = 0, falses = 0;
    for (unsigned round = 0; round < 3000; round++) {
        size_t n4;
        switch (round % 4) {
        case 0: n4 = build_ipv4(ip, 6, l4, syn_to_3389(l4)); break;
        case 1: n4 = build_ipv4_ex(ip, 6, V4_CLIENT, V4_SERVER, l4, data_to_3389(l4, 30), 12, 0); break;
        case 2: {
            tcp_spec web = { 51000, 443, 1, 1, TCP_ACK, 100, NULL, 0, 0 };
            n4 = build_ipv4(ip, 6, l4, build_tcp(l4, &web));
            break;
        }
        default: n4 = build_ipv4(ip, 17, l4, data_to_3389(l4, 8)); break;
        }
        /* Mutate a few header bytes (version/IHL, fragment, protocol, ports). */
        static const unsigned spots[] = { 0, 6, 7, 9, 20, 21, 22, 23, 32, 33, 34, 35 };
        unsigned flips = round < 8 ? 0 : 1 + rng() % 3;
        for (unsigned k = 0; k < flips; k++)
            ip[spots[rng() % (sizeof spots / sizeof spots[0])]] = (uint8_t)rng();
        size_t np = wrap_eth(plain, NULL, 0, 0x0800, ip, n4);
        size_t nt = wrap_eth(tagged, tag, 1, 0x0800, ip, n4);
        assert_int_equal(nt, np + 4);
        for (size_t cut = 0; cut <= np; cut++) {
            for (unsigned l = 0; l < sizeof lists / sizeof lists[0]; l++) {
                bool fast = may_matter_copy(DLT_EN10MB, plain, cut, lists[l].ports, lists[l].n);
                /* Below 14 bytes the tagged frame is cut inside its Ethernet header too. */
                size_t tcut = cut < 14 ? cut : cut + 4;
                bool general = may_matter_copy(DLT_EN10MB, tagged, tcut, lists[l].ports, lists[l].n);
                assert_int_equal(fast, general);
                if (fast)
                    trues++;
                else
                    falses++;
            }
        }
    }
    /* Both answers were exercised. */
    assert_true(trues > 1000);
    assert_true(falses > 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ethernet_ipv4_syn),
        cmocka_unit_test(test_ethernet_padding_is_not_payload),
        cmocka_unit_test(test_stacked_vlans),
        cmocka_unit_test(test_linux_cooked),
        cmocka_unit_test(test_loopback_families),
        cmocka_unit_test(test_raw_ip),
        cmocka_unit_test(test_unsupported_linktype),
        cmocka_unit_test(test_ipv4_options_and_lengths),
        cmocka_unit_test(test_ipv4_fragments),
        cmocka_unit_test(test_ipv6_extension_headers),
        cmocka_unit_test(test_ipv6_jumbo_length),
        cmocka_unit_test(test_other_protocols),
        cmocka_unit_test(test_tcp_options),
        cmocka_unit_test(test_snaplen_cuts_ipv4),
        cmocka_unit_test(test_snaplen_cuts_other_links),
        cmocka_unit_test(test_icmp_unreachable_v4),
        cmocka_unit_test(test_icmp_unreachable_v6),
        cmocka_unit_test(test_garbage_frames),
        cmocka_unit_test(test_may_matter_agrees),
        cmocka_unit_test(test_may_matter_fast_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

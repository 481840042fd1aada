/* decode.c - link, IP, TCP and ICMP decoding of one captured frame (see decode.h).
 *
 * Every layer is described by a `span`: the bytes that were captured and how
 * many bytes the layer had on the wire (bounded by the enclosing length field).
 * A header that is missing from the captured bytes but present on the wire was
 * cut by the snaplen (DECODE_TRUNCATED); a header that does not even fit in
 * what the enclosing length field allows is DECODE_MALFORMED. All reads go
 * through dissectors/reader.h or an explicit span check before it.
 */
#include "decode.h"

#include "reader.h"

#include <pcap/dlt.h>
#include <string.h>

/* Bytes of one layer: `cap` of them were captured, `wire` were on the wire
 * (wire >= cap always holds). */
typedef struct {
    const uint8_t *p;
    uint32_t cap;
    uint32_t wire;
} span;

/* What the link layer tells about the frame (Ethernet family and VLAN tags). */
typedef struct {
    bool has_mac;
    uint8_t src_mac[6], dst_mac[6];
    uint8_t vlan_count;
    uint16_t vlan_ids[DECODE_MAX_VLAN];
} link_info;

/* Ethertypes (IEEE 802 numbers). */
enum {
    ETHERTYPE_IPV4 = 0x0800,
    ETHERTYPE_IPV6 = 0x86DD,
    ETHERTYPE_VLAN = 0x8100,     /* IEEE 802.1Q C-tag */
    ETHERTYPE_QINQ = 0x88A8,     /* IEEE 802.1ad S-tag */
    ETHERTYPE_QINQ_OLD = 0x9100, /* pre-standard Q-in-Q, still seen on switches */
};

/* IP protocol numbers (IANA "Assigned Internet Protocol Numbers"). */
enum {
    IPPROTO_NUM_HOPOPTS = 0,
    IPPROTO_NUM_ICMP = 1,
    IPPROTO_NUM_TCP = 6,
    IPPROTO_NUM_ROUTING = 43,
    IPPROTO_NUM_FRAGMENT = 44,
    IPPROTO_NUM_AH = 51,
    IPPROTO_NUM_ICMPV6 = 58,
    IPPROTO_NUM_DSTOPTS = 60,
};

/* Link-layer headers of the Linux "cooked" captures (pcap-linktype(7)). */
enum {
    SLL_HEADER_LEN = 16,  /* LINKTYPE_LINUX_SLL: protocol at offset 14 */
    SLL2_HEADER_LEN = 20, /* LINKTYPE_LINUX_SLL2: protocol at offset 0 */
};

static span span_make(const uint8_t *p, uint32_t cap, uint32_t wire)
{
    span s = { p, cap, wire < cap ? cap : wire };
    return s;
}

/* The rest of s after its first n bytes; the caller has checked n <= s.cap.
 * A frame may be NULL (caplen 0): NULL + 0 is undefined behaviour in C. */
static span span_after(span s, uint32_t n)
{
    span r = { s.p ? s.p + n : NULL, s.cap - n, s.wire - n };
    return r;
}

/* The first n bytes of s as a reader; the caller has checked n <= s.cap. */
static reader span_reader(span s, uint32_t n)
{
    return reader_make(s.p, n);
}

static decode_status fail(decode_status st, const char *msg, const char **why)
{
    if (why)
        *why = msg;
    return st;
}

/* Whether the first n bytes of s are there: DECODE_TRUNCATED when the snaplen
 * cut them, DECODE_MALFORMED when the layer is shorter than n on the wire. */
static decode_status span_need(span s, uint32_t n, const char *cut_msg, const char *short_msg,
                               const char **why)
{
    if (n <= s.cap)
        return DECODE_OK;
    if (n <= s.wire)
        return fail(DECODE_TRUNCATED, cut_msg, why);
    return fail(DECODE_MALFORMED, short_msg, why);
}

/* ---- link layer ------------------------------------------------------- */

/* Maps an ethertype (or the Linux cooked "protocol" field, which holds one)
 * to the IP version that follows. */
static decode_status ethertype_to_ip(uint16_t type, int *version, const char **why)
{
    if (type == ETHERTYPE_IPV4)
        *version = 4;
    else if (type == ETHERTYPE_IPV6)
        *version = 6;
    else
        return fail(DECODE_SKIP, "link-layer payload is neither IPv4 nor IPv6", why);
    return DECODE_OK;
}

static bool is_vlan_tpid(uint16_t type)
{
    return type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD;
}

/* Walks 802.1Q / 802.1ad tags starting at *off (IEEE 802.1Q-2018 9.5: TCI of
 * 16 bits whose low 12 bits are the VLAN id, then the next ethertype).
 * Updates *off and *type past the tags and records the ids. */
static decode_status skip_vlan_tags(span f, uint32_t *off, uint16_t *type, link_info *li,
                                    const char **why)
{
    while (is_vlan_tpid(*type)) {
        if (li->vlan_count == DECODE_MAX_VLAN)
            return fail(DECODE_SKIP, "more stacked VLAN tags than DECODE_MAX_VLAN", why);
        decode_status st = span_need(f, *off + 4, "frame cut by the snaplen inside a VLAN tag",
                                     "frame shorter than its VLAN tag", why);
        if (st != DECODE_OK)
            return st;
        reader r = span_reader(span_after(f, *off), 4);
        uint16_t tci;
        reader_be16(&r, &tci);
        reader_be16(&r, type);
        li->vlan_ids[li->vlan_count++] = (uint16_t)(tci & 0x0FFF);
        *off += 4;
    }
    return DECODE_OK;
}

/* BSD loopback family values for IPv6 differ by OS (Linux 10, OpenBSD/NetBSD
 * 24, FreeBSD 28, macOS 30); pcap-linktype(7) says to accept all of them. */
static int loop_family_version(uint32_t family)
{
    switch (family) {
    case 2:
        return 4;
    case 10:
    case 24:
    case 28:
    case 30:
        return 6;
    default:
        return 0;
    }
}

static bool is_raw_ip_linktype(int linktype)
{
    /* LINKTYPE_RAW (101) is DLT_RAW, which is 12 on most systems and 14 on
     * OpenBSD; both numbers appear in files. On OpenBSD, 12 is DLT_LOOP. */
    if (linktype == DLT_RAW || linktype == 14 || linktype == DLT_IPV4 || linktype == DLT_IPV6)
        return true;
#if DLT_LOOP != 12
    if (linktype == 12)
        return true;
#endif
    return false;
}

/* Finds the IP header inside a frame. On DECODE_OK, *ip is the IP layer and
 * *version is 4, 6, or 0 when only the version nibble can tell (raw IP). */
static decode_status decode_link(int linktype, span f, link_info *li, span *ip, int *version,
                                 const char **why)
{
    uint32_t off = 0;
    uint16_t type = 0;
    decode_status st;
    reader r;

    *version = 0;
    if (linktype == DLT_EN10MB) {
        /* Ethernet II: destination, source, ethertype (IEEE 802.3 clause 3). */
        st = span_need(f, 14, "frame cut by the snaplen inside the Ethernet header",
                       "frame shorter than an Ethernet header", why);
        if (st != DECODE_OK)
            return st;
        li->has_mac = true;
        memcpy(li->dst_mac, f.p, 6);
        memcpy(li->src_mac, f.p + 6, 6);
        r = span_reader(span_after(f, 12), 2);
        reader_be16(&r, &type);
        off = 14;
        st = skip_vlan_tags(f, &off, &type, li, why);
        if (st != DECODE_OK)
            return st;
        st = ethertype_to_ip(type, version, why);
    } else if (linktype == DLT_LINUX_SLL || linktype == DLT_LINUX_SLL2) {
        bool v2 = linktype == DLT_LINUX_SLL2;
        uint32_t hlen = v2 ? SLL2_HEADER_LEN : SLL_HEADER_LEN;
        st = span_need(f, hlen, "frame cut by the snaplen inside the Linux cooked header",
                       "frame shorter than a Linux cooked header", why);
        if (st != DECODE_OK)
            return st;
        r = span_reader(span_after(f, v2 ? 0 : 14), 2);
        reader_be16(&r, &type);
        off = hlen;
        /* libpcap re-inserts VLAN tags the kernel stripped after the cooked
         * header, with the protocol field set to the tag's TPID. */
        st = skip_vlan_tags(f, &off, &type, li, why);
        if (st != DECODE_OK)
            return st;
        st = ethertype_to_ip(type, version, why);
    } else if (linktype == DLT_NULL || linktype == DLT_LOOP) {
        /* 4-byte address family: host order of the writer for DLT_NULL,
         * network order for DLT_LOOP. Writers get this wrong, and the values
         * do not collide across byte orders, so accept either order. */
        st = span_need(f, 4, "frame cut by the snaplen inside the loopback header",
                       "frame shorter than a loopback header", why);
        if (st != DECODE_OK)
            return st;
        uint32_t be, le;
        r = span_reader(f, 4);
        reader_be32(&r, &be);
        r = span_reader(f, 4);
        reader_le32(&r, &le);
        *version = loop_family_version(be);
        if (*version == 0)
            *version = loop_family_version(le);
        if (*version == 0)
            return fail(DECODE_SKIP, "loopback frame of an address family other than IP", why);
        off = 4;
        st = DECODE_OK;
    } else if (is_raw_ip_linktype(linktype)) {
        if (linktype == DLT_IPV4)
            *version = 4;
        else if (linktype == DLT_IPV6)
            *version = 6;
        st = DECODE_OK;
    } else {
        return fail(DECODE_UNSUPPORTED, "link type not supported", why);
    }
    if (st != DECODE_OK)
        return st;
    *ip = span_after(f, off);
    return DECODE_OK;
}

/* ---- IP --------------------------------------------------------------- */

/* Reads the version nibble and checks it against what the link layer said. */
static decode_status ip_version(span ip, int *version, const char **why)
{
    /* With the version known, let the header decoder name what was cut. */
    if (*version != 0 && ip.cap == 0)
        return DECODE_OK;
    decode_status st = span_need(ip, 1, "frame cut by the snaplen before the IP header",
                                 "frame ends before the IP header", why);
    if (st != DECODE_OK)
        return st;
    int nibble = ip.p[0] >> 4;
    if (*version == 0) {
        if (nibble != 4 && nibble != 6)
            return fail(DECODE_MALFORMED, "raw IP frame whose version is neither 4 nor 6", why);
        *version = nibble;
    } else if (nibble != *version) {
        return fail(DECODE_MALFORMED, "IP version differs from the one the link layer announced",
                    why);
    }
    return DECODE_OK;
}

/* IPv4 header (RFC 791 3.1). On DECODE_OK, *l4 is the payload bounded by the
 * total length, and *proto the protocol. */
static decode_status decode_ipv4(span ip, decoded_packet *out, span *l4, uint8_t *proto,
                                 const char **why)
{
    decode_status st = span_need(ip, 20, "frame cut by the snaplen inside the IPv4 header",
                                 "frame shorter than an IPv4 header", why);
    if (st != DECODE_OK)
        return st;
    reader r = span_reader(ip, 20);
    uint8_t vihl, tos, ttl, p;
    uint16_t total, id, frag, csum;
    reader_u8(&r, &vihl);
    reader_u8(&r, &tos);
    reader_be16(&r, &total);
    reader_be16(&r, &id);
    reader_be16(&r, &frag);
    reader_u8(&r, &ttl);
    reader_u8(&r, &p);
    reader_be16(&r, &csum); /* never verified: offload makes it wrong in many captures */
    const uint8_t *addrs;
    reader_bytes(&r, 8, &addrs);
    (void)tos;
    (void)csum;

    uint32_t ihl = (uint32_t)(vihl & 0x0F) * 4;
    if (ihl < 20)
        return fail(DECODE_MALFORMED, "IPv4 header length below 20 bytes", why);
    st = span_need(ip, ihl, "frame cut by the snaplen inside the IPv4 options",
                   "frame shorter than its IPv4 header length", why);
    if (st != DECODE_OK)
        return st;

    uint32_t len = total;
    /* A total length of 0 is what TCP segmentation offload leaves in frames
     * captured on the sending host (the NIC fills it in later); Wireshark
     * also falls back to the frame length then. */
    if (len == 0)
        len = ip.wire;
    if (len < ihl)
        return fail(DECODE_MALFORMED, "IPv4 total length shorter than its header", why);
    /* Bytes the header claims beyond the frame on the wire never existed in
     * this frame: clamp, so that a lying length cannot invent a segment. */
    if (len > ip.wire)
        len = ip.wire;

    out->ttl = ttl;
    out->has_ip_id = true;
    out->ip_id = id;
    out->ip_dont_fragment = (frag & 0x4000) != 0;
    out->src.family = 4;
    memcpy(out->src.a, addrs, 4);
    out->dst.family = 4;
    memcpy(out->dst.a, addrs + 4, 4);

    /* Only the first fragment (offset 0) carries the TCP header; with MF set
     * we decode what it holds. RFC 791: offset in 8-byte units, low 13 bits. */
    if ((frag & 0x1FFF) != 0)
        return fail(DECODE_SKIP, "IPv4 fragment other than the first", why);

    uint32_t cap = ip.cap < len ? ip.cap : len;
    *l4 = span_make(ip.p + ihl, cap - ihl, len - ihl);
    *proto = p;
    return DECODE_OK;
}

static bool is_ipv6_extension(uint8_t nh)
{
    return nh == IPPROTO_NUM_HOPOPTS || nh == IPPROTO_NUM_ROUTING ||
           nh == IPPROTO_NUM_FRAGMENT || nh == IPPROTO_NUM_DSTOPTS || nh == IPPROTO_NUM_AH;
}

/* Skips IPv6 extension headers (RFC 8200 4.3-4.6; AH per RFC 4302 2.2, whose
 * length counts 4-byte words minus 2). On DECODE_OK, *s is the upper-layer
 * payload and *next its protocol. */
static decode_status ipv6_skip_extensions(span *s, uint8_t *next, const char **why)
{
    for (unsigned n = 0; is_ipv6_extension(*next); n++) {
        if (n == DECODE_MAX_EXT_HEADERS)
            return fail(DECODE_SKIP, "IPv6 extension header chain longer than DECODE_MAX_EXT_HEADERS",
                        why);
        decode_status st = span_need(*s, 8,
                                     "frame cut by the snaplen inside an IPv6 extension header",
                                     "IPv6 extension header beyond the payload length", why);
        if (st != DECODE_OK)
            return st;
        reader r = span_reader(*s, 8);
        uint8_t nh, hlen;
        uint16_t frag;
        reader_u8(&r, &nh);
        reader_u8(&r, &hlen);
        reader_be16(&r, &frag);
        uint32_t len;
        if (*next == IPPROTO_NUM_FRAGMENT) {
            /* RFC 8200 4.5: offset in 8-byte units in the high 13 bits. */
            if ((frag >> 3) != 0)
                return fail(DECODE_SKIP, "IPv6 fragment other than the first", why);
            len = 8;
        } else if (*next == IPPROTO_NUM_AH) {
            len = ((uint32_t)hlen + 2) * 4;
        } else {
            len = ((uint32_t)hlen + 1) * 8;
        }
        st = span_need(*s, len, "frame cut by the snaplen inside an IPv6 extension header",
                       "IPv6 extension header beyond the payload length", why);
        if (st != DECODE_OK)
            return st;
        *next = nh;
        *s = span_after(*s, len);
    }
    return DECODE_OK;
}

/* IPv6 header (RFC 8200 3). On DECODE_OK, *l4 is the upper-layer payload. */
static decode_status decode_ipv6(span ip, decoded_packet *out, span *l4, uint8_t *proto,
                                 const char **why)
{
    decode_status st = span_need(ip, 40, "frame cut by the snaplen inside the IPv6 header",
                                 "frame shorter than an IPv6 header", why);
    if (st != DECODE_OK)
        return st;
    reader r = span_reader(ip, 40);
    uint32_t vtcfl;
    uint16_t plen;
    uint8_t nh, hlim;
    const uint8_t *src, *dst;
    reader_be32(&r, &vtcfl);
    reader_be16(&r, &plen);
    reader_u8(&r, &nh);
    reader_u8(&r, &hlim);
    reader_bytes(&r, 16, &src);
    reader_bytes(&r, 16, &dst);
    (void)vtcfl;

    out->ttl = hlim;
    out->src.family = 6;
    memcpy(out->src.a, src, 16);
    out->dst.family = 6;
    memcpy(out->dst.a, dst, 16);

    span pay = span_after(ip, 40);
    /* Payload length 0: a jumbogram (RFC 2675) or segmentation offload; the
     * frame's own length is the best we have. Otherwise clamp to the wire,
     * as for IPv4. */
    if (plen != 0 && plen < pay.wire) {
        pay.wire = plen;
        if (pay.cap > plen)
            pay.cap = plen;
    }
    st = ipv6_skip_extensions(&pay, &nh, why);
    if (st != DECODE_OK)
        return st;
    *l4 = pay;
    *proto = nh;
    return DECODE_OK;
}

/* ---- TCP -------------------------------------------------------------- */

/* TCP options (RFC 9293 3.2; window scale and timestamps RFC 7323; SACK
 * permitted RFC 2018). A malformed length ends the parse: the options seen so
 * far stay valid and the segment itself is still decoded. */
static void parse_tcp_options(decoded_packet *out)
{
    reader r = reader_make(out->tcp.options, out->tcp.options_len);
    while (reader_left(&r) > 0) {
        uint8_t kind, len;
        reader_u8(&r, &kind);
        if (kind == 0) /* end of option list */
            break;
        if (kind == 1) /* no-operation */
            continue;
        if (!reader_u8(&r, &len) || len < 2 || (size_t)(len - 2) > reader_left(&r))
            break;
        reader body;
        reader_sub(&r, (size_t)(len - 2), &body);
        if (kind == 2 && len == 4) {
            out->tcp.has_mss = reader_be16(&body, &out->tcp.mss);
        } else if (kind == 3 && len == 3) {
            out->tcp.has_wscale = reader_u8(&body, &out->tcp.wscale);
        } else if (kind == 4 && len == 2) {
            out->tcp.has_sack_perm = true;
        } else if (kind == 8 && len == 10) {
            out->tcp.has_timestamps = true;
        }
    }
}

/* TCP header (RFC 9293 3.1). */
static decode_status decode_tcp(span s, decoded_packet *out, const char **why)
{
    decode_status st = span_need(s, 20, "frame cut by the snaplen inside the TCP header",
                                 "IP length too short for the TCP header", why);
    if (st != DECODE_OK)
        return st;
    reader r = span_reader(s, 20);
    uint8_t doff, flags;
    uint16_t csum, urg;
    reader_be16(&r, &out->tcp.sport);
    reader_be16(&r, &out->tcp.dport);
    reader_be32(&r, &out->tcp.seq);
    reader_be32(&r, &out->tcp.ack);
    reader_u8(&r, &doff);
    reader_u8(&r, &flags);
    reader_be16(&r, &out->tcp.window);
    reader_be16(&r, &csum); /* never verified */
    reader_be16(&r, &urg);
    (void)csum;
    (void)urg;
    out->tcp.flags = flags;

    uint32_t hlen = (uint32_t)(doff >> 4) * 4;
    if (hlen < 20)
        return fail(DECODE_MALFORMED, "TCP data offset below 5", why);
    st = span_need(s, hlen, "frame cut by the snaplen inside the TCP options",
                   "TCP header longer than the IP payload", why);
    if (st != DECODE_OK)
        return st;
    out->tcp.options_len = (uint8_t)(hlen - 20); /* at most 40 */
    memcpy(out->tcp.options, s.p + 20, out->tcp.options_len);
    parse_tcp_options(out);

    span pay = span_after(s, hlen);
    out->tcp.payload = pay.p;
    out->tcp.payload_caplen = pay.cap;
    out->tcp.payload_len = pay.wire;
    out->kind = DECODED_TCP;
    return DECODE_OK;
}

/* ---- ICMP ------------------------------------------------------------- */

/* The packet quoted by an ICMP error: its IP header and the first 8 bytes of
 * its TCP header (RFC 792 "Destination Unreachable"; RFC 4443 2.4 (c) for
 * ICMPv6, which quotes as much as fits). */
static decode_status decode_icmp_quote(span q, int version, decoded_packet *out, const char **why)
{
    static const char cut_ip[] = "frame cut by the snaplen inside the IP header quoted by ICMP";
    static const char short_ip[] = "ICMP message too short for the IP header it quotes";
    static const char cut_tcp[] = "frame cut by the snaplen inside the TCP ports quoted by ICMP";
    static const char short_tcp[] = "ICMP message too short for the TCP ports it quotes";
    decode_status st = span_need(q, 1, cut_ip, short_ip, why);
    if (st != DECODE_OK)
        return st;
    if ((q.p[0] >> 4) != version)
        return fail(DECODE_SKIP, "ICMP error quoting a packet of another IP version", why);

    span tcp;
    uint8_t proto;
    if (version == 4) {
        st = span_need(q, 20, cut_ip, short_ip, why);
        if (st != DECODE_OK)
            return st;
        reader r = span_reader(q, 20);
        uint8_t vihl;
        uint16_t frag;
        const uint8_t *addrs;
        reader_u8(&r, &vihl);
        reader_skip(&r, 5);
        reader_be16(&r, &frag);
        reader_skip(&r, 1);
        reader_u8(&r, &proto);
        reader_skip(&r, 2);
        reader_bytes(&r, 8, &addrs);
        uint32_t ihl = (uint32_t)(vihl & 0x0F) * 4;
        if (ihl < 20)
            return fail(DECODE_MALFORMED, "IPv4 header quoted by ICMP has a length below 20",
                        why);
        st = span_need(q, ihl, cut_ip, short_ip, why);
        if (st != DECODE_OK)
            return st;
        if (proto != IPPROTO_NUM_TCP || (frag & 0x1FFF) != 0)
            return fail(DECODE_SKIP, "ICMP error not quoting a TCP header", why);
        out->icmp.inner_src.family = 4;
        memcpy(out->icmp.inner_src.a, addrs, 4);
        out->icmp.inner_dst.family = 4;
        memcpy(out->icmp.inner_dst.a, addrs + 4, 4);
        tcp = span_after(q, ihl);
    } else {
        st = span_need(q, 40, cut_ip, short_ip, why);
        if (st != DECODE_OK)
            return st;
        reader r = span_reader(q, 40);
        const uint8_t *src, *dst;
        reader_skip(&r, 6);
        reader_u8(&r, &proto);
        reader_skip(&r, 1);
        reader_bytes(&r, 16, &src);
        reader_bytes(&r, 16, &dst);
        /* The quoted payload length describes the original packet, not the
         * quote: bound the walk by the ICMP message instead. */
        tcp = span_after(q, 40);
        st = ipv6_skip_extensions(&tcp, &proto, why);
        if (st != DECODE_OK)
            return st;
        if (proto != IPPROTO_NUM_TCP)
            return fail(DECODE_SKIP, "ICMPv6 error not quoting a TCP header", why);
        out->icmp.inner_src.family = 6;
        memcpy(out->icmp.inner_src.a, src, 16);
        out->icmp.inner_dst.family = 6;
        memcpy(out->icmp.inner_dst.a, dst, 16);
    }

    st = span_need(tcp, 4, cut_tcp, short_tcp, why);
    if (st != DECODE_OK)
        return st;
    reader r = span_reader(tcp, tcp.cap < 8 ? tcp.cap : 8);
    reader_be16(&r, &out->icmp.inner_sport);
    reader_be16(&r, &out->icmp.inner_dport);
    out->icmp.has_inner_seq = reader_be32(&r, &out->icmp.inner_seq);
    out->kind = DECODED_ICMP_UNREACH;
    return DECODE_OK;
}

/* ICMP type 3 (RFC 792) and ICMPv6 type 1 (RFC 4443 3.1): 4 bytes of type,
 * code and checksum, 4 unused bytes, then the quoted packet. */
static decode_status decode_icmp(span s, int version, decoded_packet *out, const char **why)
{
    decode_status st = span_need(s, 8, "frame cut by the snaplen inside the ICMP header",
                                 "ICMP message shorter than its header", why);
    if (st != DECODE_OK)
        return st;
    uint8_t type = s.p[0], code = s.p[1];
    if ((version == 4 && type != 3) || (version == 6 && type != 1))
        return fail(DECODE_SKIP, "ICMP message other than destination unreachable", why);
    out->icmp.type = type;
    out->icmp.code = code;
    return decode_icmp_quote(span_after(s, 8), version, out, why);
}

/* ---- public ----------------------------------------------------------- */

decode_status decode_packet(int linktype, const uint8_t *frame, uint32_t caplen,
                            uint32_t wirelen, decoded_packet *out, const char **why)
{
    memset(out, 0, sizeof *out);
    if (why)
        *why = "";
    if (!frame)
        caplen = 0;
    span f = span_make(frame, caplen, wirelen);

    link_info li;
    memset(&li, 0, sizeof li);
    span ip;
    int version;
    decode_status st = decode_link(linktype, f, &li, &ip, &version, why);
    out->has_mac = li.has_mac;
    memcpy(out->src_mac, li.src_mac, 6);
    memcpy(out->dst_mac, li.dst_mac, 6);
    out->vlan_count = li.vlan_count;
    memcpy(out->vlan_ids, li.vlan_ids, sizeof li.vlan_ids);
    if (st != DECODE_OK)
        return st;

    st = ip_version(ip, &version, why);
    if (st != DECODE_OK)
        return st;
    span l4;
    uint8_t proto;
    st = version == 4 ? decode_ipv4(ip, out, &l4, &proto, why)
                      : decode_ipv6(ip, out, &l4, &proto, why);
    if (st != DECODE_OK)
        return st;

    if (proto == IPPROTO_NUM_TCP)
        return decode_tcp(l4, out, why);
    if ((version == 4 && proto == IPPROTO_NUM_ICMP) || (version == 6 && proto == IPPROTO_NUM_ICMPV6))
        return decode_icmp(l4, version, out, why);
    return fail(DECODE_SKIP, "IP protocol other than TCP or ICMP", why);
}

static bool port_listed(uint16_t sport, uint16_t dport, const uint16_t *ports, unsigned nports)
{
    for (unsigned i = 0; i < nports; i++)
        if (ports[i] == sport || ports[i] == dport)
            return true;
    return false;
}

/* Reads the ports at offset off of the IP span; true when they are not
 * captured (let the full decode say what is wrong) or one is listed. */
static bool ports_at(span ip, uint32_t off, const uint16_t *ports, unsigned nports)
{
    if (off > ip.cap || ip.cap - off < 4)
        return true;
    reader r = reader_make(ip.p + off, 4);
    uint16_t sport, dport;
    reader_be16(&r, &sport);
    reader_be16(&r, &dport);
    return port_listed(sport, dport, ports, nports);
}

bool decode_may_matter(int linktype, const uint8_t *frame, uint32_t caplen,
                       const uint16_t *ports, unsigned nports)
{
    /* No list is read as "any port": a false positive costs a decode, a false
     * negative loses a connection. */
    if (!ports)
        nports = 0;
    if (!frame)
        caplen = 0;
    /* Fast path for the bulk of a span port: untagged Ethernet II carrying
     * a whole IPv4 header (IEEE 802.3 clause 3; RFC 791 3.1). The answers are
     * those of the general path below, without its bookkeeping. */
    if (linktype == DLT_EN10MB && caplen >= 14 + 20 && frame[12] == 0x08 && frame[13] == 0x00) {
        const uint8_t *v4 = frame + 14;
        uint32_t cap = caplen - 14;
        if (v4[0] >> 4 != 4)
            return false; /* decode_packet: MALFORMED */
        if (((v4[6] & 0x1F) | v4[7]) != 0)
            return false; /* non-first fragment */
        if (v4[9] == IPPROTO_NUM_ICMP)
            return true;
        if (v4[9] != IPPROTO_NUM_TCP)
            return false;
        uint32_t ihl = (uint32_t)(v4[0] & 0x0F) * 4;
        if (ihl < 20 || nports == 0 || ihl > cap || cap - ihl < 4)
            return true;
        uint16_t sport = (uint16_t)(v4[ihl] << 8 | v4[ihl + 1]);
        uint16_t dport = (uint16_t)(v4[ihl + 2] << 8 | v4[ihl + 3]);
        return port_listed(sport, dport, ports, nports);
    }
    span f = span_make(frame, caplen, caplen);
    link_info li;
    li.vlan_count = 0;
    span ip;
    int version;
    /* A link layer that does not lead to IP can never decode to DECODE_OK. */
    if (decode_link(linktype, f, &li, &ip, &version, NULL) != DECODE_OK)
        return false;
    if (ip.cap < 1)
        return true;
    int nibble = ip.p[0] >> 4;
    if (version == 0)
        version = nibble;
    if (nibble != version)
        return false; /* decode_packet: MALFORMED */

    if (version == 4) {
        if (ip.cap < 20)
            return true;
        uint32_t ihl = (uint32_t)(ip.p[0] & 0x0F) * 4;
        uint16_t frag = (uint16_t)(((ip.p[6] & 0x1F) << 8) | ip.p[7]);
        uint8_t proto = ip.p[9];
        if (frag != 0)
            return false; /* decode_packet: SKIP (non-first fragment) */
        if (proto == IPPROTO_NUM_ICMP)
            return true;
        if (proto != IPPROTO_NUM_TCP)
            return false;
        if (ihl < 20)
            return true;
        return nports == 0 || ports_at(ip, ihl, ports, nports);
    }
    if (version == 6) {
        if (ip.cap < 40)
            return true;
        uint8_t nh = ip.p[6];
        if (nh == IPPROTO_NUM_ICMPV6 || is_ipv6_extension(nh))
            return true; /* extension chains are left to the full decode */
        if (nh != IPPROTO_NUM_TCP)
            return false;
        return nports == 0 || ports_at(ip, 40, ports, nports);
    }
    return false; /* decode_packet: MALFORMED (not IP) */
}

/* decode.h - link, IP, TCP and ICMP decoding of one captured frame.
 *
 * decode_packet() reads only the captured bytes (caplen) through bounds
 * checks and fills a decoded_packet whose pointers point into the frame (valid
 * as long as the frame is). Checksums are not verified: NIC offload makes them
 * wrong in many real captures, and a wrong checksum is no reason to drop a
 * packet. IPv4 fragments other than the first, and IPv6 extension chains
 * longer than DECODE_MAX_EXT_HEADERS, are skipped.
 */
#ifndef RDPT_DECODE_H
#define RDPT_DECODE_H

#include "common.h"

#include <stdbool.h>
#include <stdint.h>

enum {
    TCP_FIN = 0x01,
    TCP_SYN = 0x02,
    TCP_RST = 0x04,
    TCP_PSH = 0x08,
    TCP_ACK = 0x10,
    TCP_URG = 0x20,
    TCP_ECE = 0x40,
    TCP_CWR = 0x80,
};

#define DECODE_MAX_VLAN 4
#define DECODE_MAX_EXT_HEADERS 8

typedef enum {
    DECODE_OK = 0,        /* a TCP segment or an ICMP error quoting TCP */
    DECODE_SKIP,          /* well-formed but of no interest (ARP, UDP, other ICMP...) */
    DECODE_TRUNCATED,     /* cut by the snaplen before the headers we need */
    DECODE_MALFORMED,     /* headers contradict themselves */
    DECODE_UNSUPPORTED,   /* link type we do not decode */
} decode_status;

typedef enum { DECODED_TCP = 1, DECODED_ICMP_UNREACH = 2 } decoded_kind;

typedef struct {
    decoded_kind kind;

    /* Link layer (Ethernet family only). */
    bool has_mac;
    uint8_t src_mac[6], dst_mac[6];
    uint8_t vlan_count;
    uint16_t vlan_ids[DECODE_MAX_VLAN];

    /* IP layer. */
    rt_addr src, dst;
    uint8_t ttl;          /* IPv4 TTL or IPv6 hop limit */
    bool has_ip_id;       /* IPv4 only */
    uint16_t ip_id;
    bool ip_dont_fragment;

    /* TCP (kind == DECODED_TCP). */
    struct {
        uint16_t sport, dport;
        uint32_t seq, ack;
        uint8_t flags;
        uint16_t window;          /* raw, unscaled */
        uint8_t options_len;      /* bytes of options captured (0..40) */
        uint8_t options[40];
        bool has_mss;
        uint16_t mss;
        bool has_wscale;
        uint8_t wscale;
        bool has_sack_perm, has_timestamps;
        const uint8_t *payload;   /* captured payload bytes */
        uint32_t payload_caplen;  /* how many payload bytes were captured */
        uint32_t payload_len;     /* segment length on the wire (from IP length) */
    } tcp;

    /* ICMP / ICMPv6 destination unreachable quoting a TCP segment
     * (kind == DECODED_ICMP_UNREACH). The quoted addresses and ports are
     * those of the original (offending) packet, e.g. the client's SYN. */
    struct {
        uint8_t type, code;
        rt_addr inner_src, inner_dst;
        uint16_t inner_sport, inner_dport;
        bool has_inner_seq;
        uint32_t inner_seq;
    } icmp;
} decoded_packet;

/* Decodes one frame of the given DLT_* link type. wirelen is the length on
 * the wire, caplen the captured length (<= wirelen). On anything other than
 * DECODE_OK, *why (if not NULL) points at a static message. */
decode_status decode_packet(int linktype, const uint8_t *frame, uint32_t caplen,
                            uint32_t wirelen, decoded_packet *out, const char **why);

/* Cheap pre-filter (no full decode): true when the frame could be TCP to or
 * from one of ports[0..nports) or an ICMP error. Used to skip most non-RDP
 * traffic in big captures before doing any work for it. False negatives are
 * not allowed; false positives are fine. */
bool decode_may_matter(int linktype, const uint8_t *frame, uint32_t caplen,
                       const uint16_t *ports, unsigned nports);

#endif

/* rst_origin.h - who really sent a reset: the facts (rst_origin.c) and the
 * decision drawn from them (rules_reset.c, cross_capture.c).
 *
 * Facts: per connection, each end's network fingerprint learnt from its
 * packets before its first RST (IP TTL or hop limit, IP ID behaviour, TCP
 * window and option layout, TCP timestamp clock, Ethernet source address),
 * kept separately for its SYN or SYN-ACK and for its later packets (a device
 * that answers the SYN itself shows up as a SYN-ACK unlike the rest); the
 * handshake round-trip times as seen at the capture point; and for the first
 * RST of each end (later ones are counted) its own fingerprint, sequence numbers, the
 * packet that provoked it and whether its supposed sender kept sending
 * afterwards. rst_origin_observe() is called once per TCP packet by
 * connection.c; it allocates nothing and draws no conclusion.
 *
 * Decision: rules_reset_refine() turns a verdict whose cause is
 * reset_by_server / reset_by_client (or refused by a RST) into
 * reset_injected when the facts support it, keeps the phase, and appends the
 * reasons as evidence; the reasons, their weight and, when one capture point
 * cannot decide, what points each way are kept in rst_origin.result for the
 * reports. cross_capture_decide() matches the same connection across several
 * inputs (-r client.pcap -r server.pcap) and decides from both sides.
 */
#ifndef RDPT_RST_ORIGIN_H
#define RDPT_RST_ORIGIN_H

#include "common.h"
#include "decode.h"
#include "timeline.h"
#include "verdict.h"

#include <stdbool.h>
#include <stdint.h>

#define RST_ORIGIN_MAX_TTLS 8      /* distinct TTL values kept per fingerprint */
#define RST_ORIGIN_MAX_RSTS 2      /* the first RST of each end is kept; more are counted */
#define RST_ORIGIN_LAYOUT 12       /* TCP option kinds kept, in order */
#define RST_ORIGIN_MAX_REASONS 6    /* reasons kept per decision; more are counted */

/* How an end numbers its IPv4 packets (IP ID). */
typedef enum {
    RST_IPID_UNKNOWN = 0,   /* IPv6, or too few packets */
    RST_IPID_ZERO,          /* always 0 (Linux with DF on a SYN-ACK or a stateless RST) */
    RST_IPID_INCREMENTING,  /* small steps: a per-connection or global counter */
    RST_IPID_RANDOM,        /* large jumps (OpenBSD, some Linux kernels per packet) */
} rst_ipid_kind;

/* What a set of packets of one end looked like. */
typedef struct {
    uint32_t packets;
    uint8_t ttls[RST_ORIGIN_MAX_TTLS];   /* distinct values, in order first seen */
    uint8_t n_ttls;
    bool ttls_capped;                     /* more distinct values than kept */
    bool has_mac, mac_varies;
    uint8_t mac[6];                       /* Ethernet source of the first packet */
    bool has_ip_id;
    uint16_t ip_id_last;
    uint32_t ip_id_samples, ip_id_zero, ip_id_small_steps, ip_id_steps;
    uint16_t window_last;                 /* raw, unscaled */
    /* TCP option kinds of the first packet, in order: M MSS, W window scale,
     * S SACK permitted, K SACK, T timestamps, N NOP, E end, ? other. */
    char layout[RST_ORIGIN_LAYOUT + 1];
    bool has_ts;                          /* RFC 7323 timestamps seen */
    uint32_t ts_last;                     /* last TSval */
    rt_time ts_last_time;
    bool ts_went_back;                    /* a TSval lower than the one before */
} rst_print;

/* One end of the connection, as seen at the capture point. */
typedef struct {
    rst_print syn;          /* its SYN (client) or SYN-ACK (server) */
    rst_print later;        /* its other packets before its first RST */
    bool seq_known;
    uint32_t next_seq;      /* highest sequence number it used, plus length, SYN, FIN */
    bool ack_known;
    uint32_t ack_high;      /* highest acknowledgment it sent */
    pkt_ref last;           /* its last packet (not a RST) */
    uint32_t last_payload;  /* payload length of that packet */
    pkt_ref last_data;      /* its last packet with payload, not yet answered */
    bool last_data_answered;
    bool rst_sent;          /* it has sent a RST (later packets do not teach its fingerprint) */
} rst_end;

/* One RST, with the state of both ends just before it. */
typedef struct {
    direction dir;              /* the end it claims to come from */
    pkt_ref ref;
    uint8_t flags, ttl;
    bool has_ip_id;
    uint16_t ip_id;
    uint16_t window;
    char layout[RST_ORIGIN_LAYOUT + 1];
    bool has_ts;
    uint32_t tsval;
    bool has_mac;
    uint8_t mac[6];
    uint32_t seq, ack;
    /* The supposed sender, from its packets before this RST. */
    rst_print sender;           /* its later packets, or its SYN(-ACK) when it sent nothing else */
    bool sender_from_syn;       /* `sender` is its SYN(-ACK) only */
    bool sender_seq_known;
    uint32_t sender_next_seq;
    bool sender_ack_known;
    uint32_t sender_ack;        /* what it had acknowledged */
    bool receiver_seq_known;
    uint32_t receiver_next_seq; /* what the other end had sent up to */
    bool receiver_ack_known;
    uint32_t receiver_ack;      /* what the other end had acknowledged of the sender */
    /* The other end's last packet before the RST: what provoked it. */
    pkt_ref provoked_by;        /* packet 0: the other end sent nothing */
    uint32_t provoked_payload;
    int64_t delay_us;           /* RST time minus provoking packet time */
    /* After the RST */
    pkt_ref sent_after;         /* first non-RST packet of the same end after it */
    uint32_t packets_after;
} rst_seen;

/* ---- the decision (rules_reset.c, cross_capture.c) ---------------------- */

typedef enum {
    RST_REASON_TTL = 0,         /* TTL / hop limit unlike the sender's */
    RST_REASON_MAC,             /* Ethernet source unlike the sender's */
    RST_REASON_TIMING,          /* faster than the round trip to the sender */
    RST_REASON_BOTH_ENDS,       /* RSTs to both ends within a short interval */
    RST_REASON_SENT_AFTER,      /* the sender kept sending after "its" RST */
    RST_REASON_SEQ,             /* sequence number the sender would not use */
    RST_REASON_ACK,             /* acknowledgment the sender would not send */
    RST_REASON_TS,              /* TCP timestamp off the sender's clock */
    RST_REASON_IPID,            /* IP ID unlike the sender's numbering */
    RST_REASON_SYNACK,          /* it matches a SYN-ACK that is unlike the later server packets */
    RST_REASON_CROSS_CAPTURE,   /* the other side's capture shows who sent it */
    RST_REASON_COUNT
} rst_reason_kind;

typedef enum {
    RST_FROM_UNEXAMINED = 0,    /* no RST decided the verdict */
    RST_FROM_SENDER,            /* the end named in the packet sent it */
    RST_FROM_INJECTED,          /* a device on the path sent it */
    RST_FROM_UNDECIDED,         /* one capture point cannot tell (see the texts) */
} rst_from;

typedef struct {
    rst_reason_kind kind;
    bool strong;                /* strong: a host cannot produce it; else supporting */
    pkt_ref ref;
    char text[176];
} rst_reason;

typedef struct {
    rst_from from;
    int rst_index;              /* the RST examined (index into rst[]), -1 none */
    direction claimed;          /* the end the RST claims to come from */
    verdict_confidence confidence;
    unsigned strong, supporting;
    rst_reason reasons[RST_ORIGIN_MAX_REASONS];
    unsigned n_reasons;
    unsigned reasons_dropped;
    /* What the RST shares with its supposed sender (consistency, for the report). */
    char consistent[200];
    char matches[96];           /* the same, in a few words: "TTL 64, IP ID, TCP clock" */
    /* When one capture point cannot decide: what points each way and what to check. */
    char for_device[300];
} rst_analysis;

/* Cross-capture facts (cross_capture.c): the same connection in another
 * input, and what that capture shows about the RST examined here. */
typedef struct {
    bool matched;
    bool exact;                 /* same 4-tuple and client ISN; else relayed (proxy, NAT) */
    uint32_t connection;        /* its connection id */
    uint32_t capture;           /* its input, from 1 */
    bool nearer_sender;         /* that capture point is nearer the RST's claimed sender */
    char placed_by[96];         /* how that was found: hop counts, handshake timing, input order */
    bool sender_sent;           /* the capture nearer the claimed sender shows it sending the RST */
    pkt_ref ref;                /* that RST, or the claimed sender's last packet there */
    bool seen_there;            /* this capture is the nearer one; the other shows the RST arriving */
    bool never_got;             /* the packet that provoked the RST never reached that capture */
    bool receiver_reset;        /* there, the claimed sender itself received a RST */
    pkt_ref receiver_rst;
} rst_cross;

typedef struct {
    bool initialized;                   /* rst_origin_init() ran (the first observe does it) */
    rst_end end[2];                     /* [DIR_C2S] client, [DIR_S2C] server */
    /* The TCP handshake as seen at the capture point. */
    pkt_ref syn, synack, ack;           /* client SYN answered, first SYN-ACK, client's ACK */
    int64_t rtt_server_us;              /* SYN -> SYN-ACK: capture point to server and back; -1 unknown */
    int64_t rtt_client_us;              /* SYN-ACK -> ACK: capture point to client and back; -1 unknown */
    int64_t min_answer_us[2];           /* fastest ACK of new data by that end; -1 none */
    uint32_t client_isn, server_isn;
    bool has_client_isn, has_server_isn;
    rst_seen rst[RST_ORIGIN_MAX_RSTS];
    uint8_t n_rst;
    uint32_t rst_dropped;               /* RSTs past the cap, counted */
    rst_cross cross;                    /* filled by cross_capture_decide() */
    rst_analysis result;                /* filled by the decision */
} rst_origin;

/* Resets the facts; the first rst_origin_observe() on a zeroed struct calls
 * it, so a calloc'ed connection needs no separate call. */
void rst_origin_init(rst_origin *o);
/* One TCP packet of the connection, sent by the end `dir`. */
void rst_origin_observe(rst_origin *o, direction dir, const decoded_packet *p, const pkt_ref *ref);

/* Helpers the decision and the reports share. */
const char *rst_ipid_kind_name(rst_ipid_kind k);          /* "zero", "incrementing", ... */
rst_ipid_kind rst_print_ipid_kind(const rst_print *f);
bool rst_print_has_ttl(const rst_print *f, uint8_t ttl);
/* "63" or "63,64" */
void rst_print_ttls_str(const rst_print *f, char *buf, size_t buflen);
/* "86:f1:1d:2f:8c:02" */
void rst_mac_str(const uint8_t mac[6], char *buf, size_t buflen);
const char *rst_reason_kind_name(rst_reason_kind k);      /* "ttl", "timing", ... */
const char *rst_from_name(rst_from f);                    /* "sender", "injected", ... */
/* The round trip from the capture point to `end` and back: the smaller of the
 * handshake leg and the fastest ACK of new data; -1 unknown. */
int64_t rst_origin_rtt_to(const rst_origin *o, direction end);

struct connection;
/* The decision for one diagnosed connection (rules_reset.c): called last by
 * diagnose_connection(), before the capture notes. */
void rules_reset_refine(struct connection *c);
/* After every input is read: matches connections across inputs and decides
 * the RSTs one side shows and the other does not (cross_capture.c).
 * `first` is the list of all connections (order_next). Returns how many
 * verdicts changed. */
unsigned cross_capture_decide(struct connection *first);
/* What to check, and on which machine, when one capture point cannot tell
 * who sent a reset in the server's name (rules_reset.c; the reports use it). */
void rules_reset_check_text(verdict_phase phase, char *buf, size_t buflen);

#endif

/* x224.h - X.224 class 0 TPDUs carried in TPKT, and the RDP negotiation
 * structures inside the Connection Request and Confirm
 * (MS-RDPBCGR 2.2.1.1 and 2.2.1.2; ITU-T X.224 13.3, 13.4, 13.5, 13.7).
 *
 * x224_parse() takes the bytes after the 4-byte TPKT header. It never reads
 * past `len`; everything odd about the PDU (a length indicator that disagrees
 * with the TPKT length, a negotiation structure with a wrong length, a cookie
 * without CR LF, several selected protocols...) is recorded in `problems` and
 * `problem` (the first one, in words) and parsing goes on as far as it can.
 * Strings from the wire are stored sanitized (wire_printable) and may be
 * truncated; the raw length is kept.
 */
#ifndef RDPT_X224_H
#define RDPT_X224_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    X224_TPDU_CR = 0xE0,
    X224_TPDU_CC = 0xD0,
    X224_TPDU_DR = 0x80,
    X224_TPDU_DT = 0xF0,
    X224_TPDU_ER = 0x70,
};

/* RDP_NEG_* structure types (MS-RDPBCGR 2.2.1.1.1, 2.2.1.1.2, 2.2.1.2.1, 2.2.1.2.2) */
enum {
    RDP_NEG_REQ = 0x01,
    RDP_NEG_RSP = 0x02,
    RDP_NEG_FAILURE = 0x03,
    RDP_NEG_CORRELATION_INFO = 0x06,
};

/* requestedProtocols / selectedProtocol bits */
enum {
    PROTOCOL_RDP = 0x00000000,
    PROTOCOL_SSL = 0x00000001,
    PROTOCOL_HYBRID = 0x00000002,
    PROTOCOL_RDSTLS = 0x00000004,
    PROTOCOL_HYBRID_EX = 0x00000008,
    PROTOCOL_RDSAAD = 0x00000010,
};

/* Problems found while parsing: a bit each. */
enum {
    X224_PROB_TRUNCATED = 1u << 0,       /* shorter than its own headers */
    X224_PROB_BAD_LI = 1u << 1,          /* length indicator disagrees with the TPKT length */
    X224_PROB_UNKNOWN_TPDU = 1u << 2,
    X224_PROB_BAD_CLASS = 1u << 3,       /* class/options not 0 */
    X224_PROB_COOKIE_UNTERMINATED = 1u << 4,
    X224_PROB_NEG_LENGTH = 1u << 5,      /* RDP_NEG_* length field is not 8 (36 for correlation) */
    X224_PROB_NEG_TYPE = 1u << 6,        /* unexpected RDP_NEG_* type for this TPDU */
    X224_PROB_NEG_TRUNCATED = 1u << 7,
    X224_PROB_MULTIPLE_SELECTED = 1u << 8, /* selectedProtocol is not exactly one value */
    X224_PROB_TRAILING = 1u << 9,        /* bytes left after the known structures */
    X224_PROB_COOKIE_AND_TOKEN = 1u << 10,
    X224_PROB_UNKNOWN_PROTOCOLS = 1u << 11, /* requestedProtocols has undefined bits */
};

#define X224_TEXT_MAX 160  /* room for a sanitized cookie or routing token */

typedef struct {
    uint8_t tpdu;             /* X224_TPDU_* (high nibble of the code byte) */
    uint8_t li;               /* length indicator */
    uint16_t dst_ref, src_ref;
    uint8_t class_options;
    /* CR: cookie "Cookie: mstshash=IDENTIFIER\r\n" or a routing token (any
     * other text line ending in CR LF, e.g. "Cookie: msts=..."). */
    bool has_cookie;          /* mstshash= form */
    char cookie[X224_TEXT_MAX];       /* the IDENTIFIER, sanitized */
    size_t cookie_len;                /* raw length of IDENTIFIER */
    bool has_routing_token;
    char routing_token[X224_TEXT_MAX];/* whole token line without CR LF, sanitized */
    size_t routing_token_len;
    /* CR: RDP_NEG_REQ */
    bool has_neg_req;
    uint8_t neg_req_flags;
    uint32_t requested_protocols;
    bool has_correlation_info;
    uint8_t correlation_id[16];
    /* CC: RDP_NEG_RSP or RDP_NEG_FAILURE; neither = legacy confirm */
    bool has_neg_rsp;
    uint8_t neg_rsp_flags;
    uint32_t selected_protocol;
    bool has_neg_failure;
    uint32_t failure_code;
    /* DR */
    uint8_t dr_reason;
    /* DT: payload after the 3-byte DT header */
    size_t dt_offset;         /* offset of the user data within the parsed bytes */
    /* what was odd */
    uint32_t problems;
    char problem[160];        /* the first problem, in words */
} x224_pdu;

typedef enum {
    X224_OK = 0,          /* parsed (maybe with problems recorded) */
    X224_MALFORMED,       /* not X.224 at all, or unusable; see problem */
} x224_status;

x224_status x224_parse(const uint8_t *p, size_t len, x224_pdu *out);

/* Names, for reports: NULL-free, "unknown" for unknown values. */
const char *x224_tpdu_name(uint8_t tpdu);
const char *x224_failure_code_name(uint32_t code);   /* "HYBRID_REQUIRED_BY_SERVER" */
const char *x224_failure_code_text(uint32_t code);   /* one sentence, plain words */
const char *x224_protocol_name(uint32_t single_bit); /* "PROTOCOL_SSL" */
/* "SSL|HYBRID|HYBRID_EX" or "RDP" for 0; buf >= 64 */
void x224_protocols_str(uint32_t protocols, char *buf, size_t buflen);

#endif

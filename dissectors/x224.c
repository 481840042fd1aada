/* x224.c - X.224 class 0 TPDUs and the RDP negotiation structures; see x224.h.
 *
 * Layout of what x224_parse() receives (the bytes after the TPKT header):
 *   LI | code | fixed part ... | variable part ...      (ITU-T X.224 13.2)
 * LI (length indicator) counts the header after itself: code + fixed + variable part.
 *
 * Decisions, with the reasons (MS-RDPBCGR is the authority for RDP's use of X.224):
 *  - CR/CC: MS-RDPBCGR 2.2.1.1 and 2.2.1.2 put the cookie / routing token and the RDP_NEG_*
 *    structures after the 7 fixed bytes and count them in LI ("The length of this field is
 *    included in the X.224 Connection Confirm Length Indicator field"); real CRs and CCs agree
 *    (rdp-proprietary-encryption.pcap: TPKT 47, LI 42). So LI + 1 must equal the bytes we are
 *    given. When it does not, BAD_LI is recorded and the structures are parsed over the bytes
 *    the TPKT length delimits: that is the length a server acts on (MS-RDPBCGR 3.3.5.3.1
 *    checks the TPKT length against the data), and it is what the reader bounds anyway.
 *  - LI smaller than the TPDU type's own fixed part (X.224 13.3.1 ... 13.12.1) contradicts the
 *    code byte; such bytes are not a usable TPDU: X224_MALFORMED. So are fewer than 2 bytes
 *    and a TPDU type that class 0 does not use (X.224 Table 8 vs. 6.5: class 0 uses only
 *    CR, CC, DR, DT, ER).
 *  - A fixed part cut short (the PDU ends inside DST-REF...) is TRUNCATED but X224_OK: the
 *    TPDU type is known, and a partial CR is still a fact about the connection.
 *  - RDP_NEG_* structures are fixed-size (8 bytes; 36 for correlation info). A wrong length
 *    *field* is recorded (NEG_LENGTH) and the value is still read when the 8 (36) bytes are
 *    there: the bytes are what the peer acted on, and the bit tells the reader not to trust
 *    them blindly. E.g. zeek/rdp-invalid-length.pcap's CC: RDP_NEG_RSP with length 0 and
 *    selectedProtocol 0x02000001 -> NEG_LENGTH | MULTIPLE_SELECTED, has_neg_rsp set.
 *  - Text before the binary structures (cookie or routing token): a structure starts with its
 *    type byte 0x01..0x06 (2.2.1.1.1, 2.2.1.1.2, 2.2.1.2.1, 2.2.1.2.2); any other first byte
 *    starts a text line. "Cookie: mstshash=" makes it the cookie; anything else (e.g.
 *    "Cookie: msts=...", "tsv://MS Terminal Services Plugin.1.x") is a routing token
 *    (FreeRDP and Zeek #4237 taught us not to require either).
 *  - A text line without CR LF runs to the end of the PDU, unless the PDU ends in a valid-
 *    looking RDP_NEG_REQ (plus correlation info): then the line stops before it, so the
 *    requested protocols, which matter most for a diagnosis, are still read.
 *  - ER: the header has no field for the reject cause, so it is stored in dr_reason
 *    (X.224 13.12.3: 0 not specified, 1 invalid parameter code, 2 invalid TPDU type,
 *    3 invalid parameter value).
 *  - dt_offset is set for DT only (0 otherwise).
 */
#include "x224.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "reader.h"
#include "wirestr.h"

#define X224_TPDU_TYPE_MASK 0xF0   /* the low nibble is CDT (CR, CC) or zero: X.224 13.3.2 */
#define X224_CRCC_FIXED_LEN 7      /* LI, code, DST-REF(2), SRC-REF(2), class/option */
#define RDP_NEG_LEN 8              /* MS-RDPBCGR 2.2.1.1.1, 2.2.1.2.1, 2.2.1.2.2 */
#define RDP_NEG_CORRELATION_LEN 36 /* MS-RDPBCGR 2.2.1.1.2 */
#define RDP_NEG_TYPE_MAX 0x06      /* RDP_NEG_* types are 0x01..0x06 */
#define NEG_REQ_CORRELATION_INFO_PRESENT 0x08 /* MS-RDPBCGR 2.2.1.1.1 flags */
#define X224_DT_LI 2               /* class 0 DT: code + EOT/TPDU-NR, X.224 13.7.1 */
#define X224_DT_EOT 0x80

static const char cookie_prefix[] = "Cookie: mstshash="; /* MS-RDPBCGR 2.2.1.1 */
#define COOKIE_PREFIX_LEN (sizeof cookie_prefix - 1)

/* X.224 Table 8 (TPDU codes) and the fixed part of each header after the LI byte. Only the
 * class 0 TPDUs (X.224 6.5 / 13.1) are parsed; the others are named for messages. */
typedef struct {
    uint8_t code;
    const char *name;
    uint8_t fixed_after_li;   /* code + fixed part; 0 = not class 0 */
} tpdu_desc;

static const tpdu_desc tpdu_table[] = {
    { X224_TPDU_CR, "CR", 6 },  /* 13.3.1: code, DST-REF, SRC-REF, class/option */
    { X224_TPDU_CC, "CC", 6 },  /* 13.4.1: same layout as CR */
    { X224_TPDU_DR, "DR", 6 },  /* 13.5.1: code, DST-REF, SRC-REF, reason */
    { X224_TPDU_DT, "DT", 2 },  /* 13.7.1: code, EOT + TPDU-NR (normal format) */
    { X224_TPDU_ER, "ER", 4 },  /* 13.12.1: code, DST-REF, reject cause */
    { 0xC0, "DC", 0 },          /* 13.6, classes 1-4 */
    { 0x10, "ED", 0 },          /* 13.8 */
    { 0x20, "EA", 0 },          /* 13.10 */
    { 0x60, "AK", 0 },          /* 13.9 */
    { 0x50, "RJ", 0 },          /* 13.11 */
};

/* MS-RDPBCGR 2.2.1.2.2 RDP_NEG_FAILURE failureCode: name and what it means, plainly. */
typedef struct {
    uint32_t code;
    const char *name;
    const char *text;
} failure_desc;

static const failure_desc failure_table[] = {
    { 0x00000001, "SSL_REQUIRED_BY_SERVER",
      "The server requires Enhanced RDP Security (TLS), but the client offered only "
      "Standard RDP Security (or only CredSSP, which this server does not support)." },
    { 0x00000002, "SSL_NOT_ALLOWED_BY_SERVER",
      "The server is configured for Standard RDP Security only and refused the TLS or "
      "CredSSP security the client asked for." },
    { 0x00000003, "SSL_CERT_NOT_ON_SERVER",
      "The server has no valid certificate, so it cannot start TLS." },
    { 0x00000004, "INCONSISTENT_FLAGS",
      "The security protocols the client requested are inconsistent with the security "
      "protocol already in effect." },
    { 0x00000005, "HYBRID_REQUIRED_BY_SERVER",
      "The server requires Network Level Authentication (CredSSP), which the client did "
      "not offer." },
    { 0x00000006, "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER",
      "The server requires TLS with client certificate authentication, which the client "
      "did not offer." },
};

/* MS-RDPBCGR 2.2.1.1.1 requestedProtocols / 2.2.1.2.1 selectedProtocol; PROTOCOL_RDSAAD
 * (0x10) from the current revision of 2.2.1.1.1 (Azure AD authentication). */
typedef struct {
    uint32_t bit;
    const char *name;
    const char *short_name;
} protocol_desc;

static const protocol_desc protocol_table[] = {
    { PROTOCOL_RDP, "PROTOCOL_RDP", "RDP" },             /* Standard RDP Security, 5.3 */
    { PROTOCOL_SSL, "PROTOCOL_SSL", "SSL" },             /* TLS, 5.4.5.1 */
    { PROTOCOL_HYBRID, "PROTOCOL_HYBRID", "HYBRID" },    /* CredSSP, 5.4.5.2 */
    { PROTOCOL_RDSTLS, "PROTOCOL_RDSTLS", "RDSTLS" },    /* RDSTLS, 5.4.5.3 */
    { PROTOCOL_HYBRID_EX, "PROTOCOL_HYBRID_EX", "HYBRID_EX" }, /* CredSSP + EUAR, 5.4.5.2 */
    { PROTOCOL_RDSAAD, "PROTOCOL_RDSAAD", "RDSAAD" },    /* RDS AAD Auth, 5.4.5.4 */
};

#define PROTOCOL_KNOWN_BITS \
    (PROTOCOL_SSL | PROTOCOL_HYBRID | PROTOCOL_RDSTLS | PROTOCOL_HYBRID_EX | PROTOCOL_RDSAAD)

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const tpdu_desc *tpdu_find(uint8_t tpdu)
{
    for (size_t i = 0; i < ARRAY_LEN(tpdu_table); i++)
        if (tpdu_table[i].code == (tpdu & X224_TPDU_TYPE_MASK))
            return &tpdu_table[i];
    return NULL;
}

const char *x224_tpdu_name(uint8_t tpdu)
{
    const tpdu_desc *d = tpdu_find(tpdu);
    return d ? d->name : "unknown";
}

static const failure_desc *failure_find(uint32_t code)
{
    for (size_t i = 0; i < ARRAY_LEN(failure_table); i++)
        if (failure_table[i].code == code)
            return &failure_table[i];
    return NULL;
}

const char *x224_failure_code_name(uint32_t code)
{
    const failure_desc *d = failure_find(code);
    return d ? d->name : "unknown";
}

const char *x224_failure_code_text(uint32_t code)
{
    const failure_desc *d = failure_find(code);
    return d ? d->text
             : "The server refused the security negotiation with a failure code that is "
               "not defined in MS-RDPBCGR.";
}

const char *x224_protocol_name(uint32_t single_bit)
{
    for (size_t i = 0; i < ARRAY_LEN(protocol_table); i++)
        if (protocol_table[i].bit == single_bit)
            return protocol_table[i].name;
    return "unknown";
}

static bool protocol_is_defined_value(uint32_t value)
{
    for (size_t i = 0; i < ARRAY_LEN(protocol_table); i++)
        if (protocol_table[i].bit == value)
            return true;
    return false;
}

/* Appends s to buf at *used, never past buflen - 1; the result stays NUL-terminated. */
static void str_append(char *buf, size_t buflen, size_t *used, const char *s)
{
    size_t n = strlen(s);
    if (*used + 1 >= buflen)
        return;
    if (n > buflen - 1 - *used)
        n = buflen - 1 - *used;
    memcpy(buf + *used, s, n);
    *used += n;
    buf[*used] = '\0';
}

void x224_protocols_str(uint32_t protocols, char *buf, size_t buflen)
{
    size_t used = 0;
    if (!buf || buflen == 0)
        return;
    buf[0] = '\0';
    if (protocols == PROTOCOL_RDP) {
        str_append(buf, buflen, &used, "RDP");
        return;
    }
    for (size_t i = 0; i < ARRAY_LEN(protocol_table); i++) {
        if (protocol_table[i].bit == 0 || !(protocols & protocol_table[i].bit))
            continue;
        if (used)
            str_append(buf, buflen, &used, "|");
        str_append(buf, buflen, &used, protocol_table[i].short_name);
    }
    uint32_t unknown = protocols & ~(uint32_t)PROTOCOL_KNOWN_BITS;
    if (unknown) {
        char hex[16];
        snprintf(hex, sizeof hex, "0x%X", (unsigned)unknown);
        if (used)
            str_append(buf, buflen, &used, "|");
        str_append(buf, buflen, &used, hex);
    }
}

/* Records a problem bit (or bits); the first problem also gets its sentence. */
static void note(x224_pdu *out, uint32_t bits, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void note(x224_pdu *out, uint32_t bits, const char *fmt, ...)
{
    bool first = out->problems == 0;
    out->problems |= bits;
    if (first) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(out->problem, sizeof out->problem, fmt, ap);
        va_end(ap);
    }
}

/* RDP_NEG_* type names for messages (MS-RDPBCGR 2.2.1.1.1, 2.2.1.1.2, 2.2.1.2.1, 2.2.1.2.2). */
static const char *const neg_type_table[RDP_NEG_TYPE_MAX + 1] = {
    [RDP_NEG_REQ] = "RDP_NEG_REQ",
    [RDP_NEG_RSP] = "RDP_NEG_RSP",
    [RDP_NEG_FAILURE] = "RDP_NEG_FAILURE",
    [RDP_NEG_CORRELATION_INFO] = "RDP_NEG_CORRELATION_INFO",
};

static const char *neg_type_name(uint8_t type)
{
    if (type <= RDP_NEG_TYPE_MAX && neg_type_table[type])
        return neg_type_table[type];
    return "an undefined RDP_NEG type";
}

/* The next byte without consuming it; false at the end. */
static bool peek_u8(const reader *r, uint8_t *v)
{
    reader copy = *r;
    return reader_u8(&copy, v);
}

static bool starts_neg_structure(uint8_t b)
{
    return b >= RDP_NEG_REQ && b <= RDP_NEG_TYPE_MAX;
}

/* True when the n bytes at q are an RDP_NEG_REQ with a correct length field, optionally
 * followed by a correct RDP_NEG_CORRELATION_INFO (the flag says which). */
static bool looks_like_neg_req(const uint8_t *q, size_t n)
{
    reader r = reader_make(q, n);
    uint8_t type, flags, ctype, cflags;
    uint16_t length, clength;
    uint32_t protocols;

    reader_u8(&r, &type);
    reader_u8(&r, &flags);
    reader_le16(&r, &length);
    reader_le32(&r, &protocols);
    if (!r.ok || type != RDP_NEG_REQ || length != RDP_NEG_LEN)
        return false;
    bool want_corr = (flags & NEG_REQ_CORRELATION_INFO_PRESENT) != 0;
    if (!want_corr)
        return reader_left(&r) == 0;
    reader_u8(&r, &ctype);
    reader_u8(&r, &cflags);
    reader_le16(&r, &clength);
    reader_skip(&r, RDP_NEG_CORRELATION_LEN - 4);
    return r.ok && reader_left(&r) == 0 && ctype == RDP_NEG_CORRELATION_INFO &&
           clength == RDP_NEG_CORRELATION_LEN;
}

/* Length of an RDP_NEG_REQ (+ correlation info) that ends the n bytes at s, or 0. */
static size_t neg_req_tail(const uint8_t *s, size_t n)
{
    const size_t with_corr = RDP_NEG_LEN + RDP_NEG_CORRELATION_LEN;
    if (n >= with_corr && looks_like_neg_req(s + (n - with_corr), with_corr))
        return with_corr;
    if (n >= RDP_NEG_LEN && looks_like_neg_req(s + (n - RDP_NEG_LEN), RDP_NEG_LEN))
        return RDP_NEG_LEN;
    return 0;
}

/* One cookie or routing-token line (MS-RDPBCGR 2.2.1.1), terminated by CR LF. */
static void parse_text_line(reader *r, x224_pdu *out)
{
    const uint8_t *s = reader_ptr(r);
    size_t n = reader_left(r);
    size_t line_len = n, consumed = n;
    bool terminated = false;

    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] == '\r' && s[i + 1] == '\n') {
            line_len = i;
            consumed = i + 2;
            terminated = true;
            break;
        }
    }
    if (!terminated) {
        line_len = n - neg_req_tail(s, n);
        consumed = line_len;
    }
    reader_skip(r, consumed);

    bool is_cookie = line_len >= COOKIE_PREFIX_LEN &&
                     memcmp(s, cookie_prefix, COOKIE_PREFIX_LEN) == 0;
    const char *what = is_cookie ? "cookie" : "routing token";
    if (!terminated)
        note(out, X224_PROB_COOKIE_UNTERMINATED,
             "the %s line (%zu bytes) is not terminated by CR LF", what, line_len);

    if (is_cookie) {
        if (out->has_cookie) {
            note(out, X224_PROB_TRAILING, "a second cookie line (%zu bytes) follows the first",
                 line_len);
            return;
        }
        if (out->has_routing_token)
            note(out, X224_PROB_COOKIE_AND_TOKEN,
                 "both a routing token and a cookie are present (MS-RDPBCGR 2.2.1.1 allows one)");
        out->has_cookie = true;
        out->cookie_len = line_len - COOKIE_PREFIX_LEN;
        wire_printable(s + COOKIE_PREFIX_LEN, out->cookie_len, out->cookie, sizeof out->cookie);
    } else {
        if (out->has_routing_token) {
            note(out, X224_PROB_TRAILING,
                 "a second routing-token line (%zu bytes) follows the first", line_len);
            return;
        }
        if (out->has_cookie)
            note(out, X224_PROB_COOKIE_AND_TOKEN,
                 "both a cookie and a routing token are present (MS-RDPBCGR 2.2.1.1 allows one)");
        out->has_routing_token = true;
        out->routing_token_len = line_len;
        wire_printable(s, line_len, out->routing_token, sizeof out->routing_token);
    }
}

/* MS-RDPBCGR 2.2.1.1.1 RDP_NEG_REQ. */
static void parse_neg_req(reader *r, x224_pdu *out)
{
    uint8_t type;
    uint16_t length;

    if (reader_left(r) < RDP_NEG_LEN) {
        note(out, X224_PROB_NEG_TRUNCATED, "RDP_NEG_REQ has only %zu of its 8 bytes",
             reader_left(r));
        reader_skip(r, reader_left(r));
        return;
    }
    reader_u8(r, &type);
    reader_u8(r, &out->neg_req_flags);
    reader_le16(r, &length);
    reader_le32(r, &out->requested_protocols);
    out->has_neg_req = true;
    if (length != RDP_NEG_LEN)
        note(out, X224_PROB_NEG_LENGTH, "RDP_NEG_REQ length field is %u, not 8", length);
    if (out->requested_protocols & ~(uint32_t)PROTOCOL_KNOWN_BITS)
        note(out, X224_PROB_UNKNOWN_PROTOCOLS,
             "requestedProtocols 0x%08X has bits that MS-RDPBCGR does not define",
             (unsigned)out->requested_protocols);
}

/* MS-RDPBCGR 2.2.1.1.2 RDP_NEG_CORRELATION_INFO. */
static void parse_correlation_info(reader *r, x224_pdu *out)
{
    uint8_t type, flags;
    uint16_t length;
    const uint8_t *id;

    if (reader_left(r) < RDP_NEG_CORRELATION_LEN) {
        note(out, X224_PROB_NEG_TRUNCATED, "RDP_NEG_CORRELATION_INFO has only %zu of its 36 bytes",
             reader_left(r));
        reader_skip(r, reader_left(r));
        return;
    }
    reader_u8(r, &type);
    reader_u8(r, &flags);
    reader_le16(r, &length);
    reader_bytes(r, sizeof out->correlation_id, &id);
    reader_skip(r, RDP_NEG_CORRELATION_LEN - 4 - sizeof out->correlation_id); /* reserved */
    memcpy(out->correlation_id, id, sizeof out->correlation_id);
    out->has_correlation_info = true;
    if (length != RDP_NEG_CORRELATION_LEN)
        note(out, X224_PROB_NEG_LENGTH, "RDP_NEG_CORRELATION_INFO length field is %u, not 36",
             length);
}

/* MS-RDPBCGR 2.2.1.1: [routingToken | cookie] [RDP_NEG_REQ [RDP_NEG_CORRELATION_INFO]]. */
static void parse_cr_body(reader *r, x224_pdu *out)
{
    uint8_t next;

    /* At most two text lines: one is allowed; a second is recorded, a third is trailing. */
    for (int lines = 0; lines < 2 && peek_u8(r, &next) && !starts_neg_structure(next); lines++)
        parse_text_line(r, out);

    if (peek_u8(r, &next) && next == RDP_NEG_REQ)
        parse_neg_req(r, out);

    bool flagged = out->has_neg_req && (out->neg_req_flags & NEG_REQ_CORRELATION_INFO_PRESENT);
    if (peek_u8(r, &next) && next == RDP_NEG_CORRELATION_INFO) {
        if (!flagged)
            note(out, X224_PROB_NEG_TYPE,
                 out->has_neg_req
                     ? "RDP_NEG_CORRELATION_INFO present, but the RDP_NEG_REQ flags lack "
                       "CORRELATION_INFO_PRESENT (0x08)"
                     : "RDP_NEG_CORRELATION_INFO present without an RDP_NEG_REQ");
        parse_correlation_info(r, out);
    } else if (flagged) {
        if (peek_u8(r, &next))
            note(out, X224_PROB_NEG_TYPE,
                 "RDP_NEG_REQ flags announce RDP_NEG_CORRELATION_INFO, but type %u follows", next);
        else
            note(out, X224_PROB_NEG_TRUNCATED,
                 "RDP_NEG_REQ flags announce RDP_NEG_CORRELATION_INFO, but the PDU ends");
        return;
    }

    if (peek_u8(r, &next)) {
        if (starts_neg_structure(next))
            note(out, X224_PROB_NEG_TYPE, "unexpected %s (type %u) in a Connection Request",
                 neg_type_name(next), next);
        else
            note(out, X224_PROB_TRAILING,
                 "%zu bytes follow the last known structure of the Connection Request",
                 reader_left(r));
    }
}

/* MS-RDPBCGR 2.2.1.2: optional RDP_NEG_RSP (2.2.1.2.1) or RDP_NEG_FAILURE (2.2.1.2.2);
 * neither means a server that predates negotiation (Standard RDP Security). */
static void parse_cc_body(reader *r, x224_pdu *out)
{
    uint8_t type, flags;
    uint16_t length;
    uint32_t value;

    if (!peek_u8(r, &type))
        return;
    if (type != RDP_NEG_RSP && type != RDP_NEG_FAILURE) {
        note(out, X224_PROB_NEG_TYPE,
             "%s (type %u) in a Connection Confirm, where only RDP_NEG_RSP or "
             "RDP_NEG_FAILURE belong", neg_type_name(type), type);
        return;
    }
    if (reader_left(r) < RDP_NEG_LEN) {
        note(out, X224_PROB_NEG_TRUNCATED, "%s has only %zu of its 8 bytes", neg_type_name(type),
             reader_left(r));
        return;
    }
    reader_u8(r, &type);
    reader_u8(r, &flags);
    reader_le16(r, &length);
    reader_le32(r, &value);
    if (length != RDP_NEG_LEN)
        note(out, X224_PROB_NEG_LENGTH, "%s length field is %u, not 8", neg_type_name(type),
             length);
    if (type == RDP_NEG_RSP) {
        out->has_neg_rsp = true;
        out->neg_rsp_flags = flags;
        out->selected_protocol = value;
        if (!protocol_is_defined_value(value))
            note(out, X224_PROB_MULTIPLE_SELECTED,
                 "selectedProtocol 0x%08X is not exactly one defined protocol", (unsigned)value);
    } else {
        out->has_neg_failure = true;
        out->failure_code = value;
    }
    if (reader_left(r) > 0)
        note(out, X224_PROB_TRAILING, "%zu bytes follow the %s in the Connection Confirm",
             reader_left(r), neg_type_name(type));
}

x224_status x224_parse(const uint8_t *p, size_t len, x224_pdu *out)
{
    reader r = reader_make(p, len);
    uint8_t li, code;

    memset(out, 0, sizeof *out);
    reader_u8(&r, &li);
    if (!reader_u8(&r, &code)) {
        note(out, X224_PROB_TRUNCATED,
             "%zu byte(s) are too few for an X.224 length indicator and code", r.len);
        return X224_MALFORMED;
    }
    out->li = li;
    out->tpdu = code & X224_TPDU_TYPE_MASK;

    const tpdu_desc *d = tpdu_find(out->tpdu);
    if (!d || d->fixed_after_li == 0) {
        note(out, X224_PROB_UNKNOWN_TPDU, "code 0x%02X is not an X.224 class 0 TPDU (%s)", code,
             d ? d->name : "undefined type");
        return X224_MALFORMED;
    }
    if (li < d->fixed_after_li) {
        note(out, X224_PROB_BAD_LI,
             "length indicator %u is below the %u header bytes every X.224 %s has", li,
             d->fixed_after_li, d->name);
        return X224_MALFORMED;
    }

    size_t header_len = (size_t)li + 1;
    if (header_len > len)
        note(out, X224_PROB_BAD_LI | X224_PROB_TRUNCATED,
             "length indicator %u announces a %zu-byte %s header, but only %zu bytes are there",
             li, header_len, d->name, len);
    else if (out->tpdu != X224_TPDU_DT && header_len < len)
        note(out, X224_PROB_BAD_LI,
             "length indicator %u covers %zu bytes, but the %s has %zu (class 0 allows no "
             "user data here)", li, header_len, d->name, len);

    uint8_t reason, eot;
    switch (out->tpdu) {
    case X224_TPDU_CR:
    case X224_TPDU_CC:
        reader_be16(&r, &out->dst_ref);
        reader_be16(&r, &out->src_ref);
        if (!reader_u8(&r, &out->class_options)) {
            note(out, X224_PROB_TRUNCATED, "the %s ends inside its 7-byte fixed part (%zu bytes)",
                 d->name, len);
            break;
        }
        /* X.224 13.3 class and option: class 0, no options; MS-RDPBCGR 3.2.5.3.1 and
         * 3.3.5.3.2 set the byte to 0. */
        if (out->class_options != 0)
            note(out, X224_PROB_BAD_CLASS, "class/options byte is 0x%02X, not 0 (class 0)",
                 out->class_options);
        if (out->tpdu == X224_TPDU_CR)
            parse_cr_body(&r, out);
        else
            parse_cc_body(&r, out);
        break;
    case X224_TPDU_DR:
        reader_be16(&r, &out->dst_ref);
        reader_be16(&r, &out->src_ref);
        if (!reader_u8(&r, &reason)) {
            note(out, X224_PROB_TRUNCATED, "the DR ends inside its 7-byte fixed part (%zu bytes)",
                 len);
            break;
        }
        out->dr_reason = reason;
        /* 13.5.3: the variable part (additional information) is not used in class 0. */
        if (reader_left(&r) > 0)
            note(out, X224_PROB_TRAILING, "%zu bytes follow the DR's fixed part",
                 reader_left(&r));
        break;
    case X224_TPDU_ER:
        reader_be16(&r, &out->dst_ref);
        if (!reader_u8(&r, &reason)) {
            note(out, X224_PROB_TRUNCATED, "the ER ends inside its 5-byte fixed part (%zu bytes)",
                 len);
            break;
        }
        out->dr_reason = reason;   /* reject cause; see the note at the top */
        /* 13.12.3: the "invalid TPDU" parameter that follows is mandatory in class 0. */
        break;
    case X224_TPDU_DT:
        /* EOT set in byte 2 for every RDP DT (no segmentation in RDP); nothing to record
         * without it, since the header has no bit for it. */
        reader_u8(&r, &eot);
        (void)eot;
        if (li != X224_DT_LI && header_len <= len)
            note(out, X224_PROB_BAD_LI, "DT length indicator is %u, class 0 uses 2", li);
        out->dt_offset = header_len <= len ? header_len : len;
        break;
    default:
        break;
    }
    return X224_OK;
}

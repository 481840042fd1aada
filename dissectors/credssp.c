/* credssp.c - see credssp.h. */
#include "credssp.h"

#include "reader.h"
#include "wirestr.h"

#include <stdio.h>
#include <string.h>

/* ---- a bounded BER reader (X.690 8.1), private to this file ------------- */

#define CBER_MAX_DEPTH 6

typedef struct {
    uint8_t cls;        /* 0x00 universal, 0x40 application, 0x80 context, 0xC0 private */
    bool constructed;
    uint32_t tag;
    size_t len;         /* content length, <= bytes left */
} cber;

/* Reads an identifier and a definite length (at most 4 length bytes, tag
 * numbers of at most 4 bytes); the content must fit in what is left. */
static bool cber_header(reader *r, cber *h)
{
    uint8_t id, b;
    if (!reader_u8(r, &id))
        return false;
    h->cls = id & 0xC0;
    h->constructed = (id & 0x20) != 0;
    h->tag = id & 0x1F;
    if (h->tag == 0x1F) {
        h->tag = 0;
        for (int i = 0;; i++) {
            if (i == 4 || !reader_u8(r, &b))
                return false;
            h->tag = (h->tag << 7) | (b & 0x7F);
            if (!(b & 0x80))
                break;
        }
    }
    if (!reader_u8(r, &b))
        return false;
    if (b < 0x80) {
        h->len = b;
    } else {
        unsigned n = b & 0x7F;
        if (n == 0 || n > 4) /* indefinite or absurd */
            return false;
        uint32_t v = 0;
        for (unsigned i = 0; i < n; i++) {
            uint8_t x;
            if (!reader_u8(r, &x))
                return false;
            v = (v << 8) | x;
        }
        h->len = v;
    }
    return reader_need(r, h->len);
}

/* The next element must be cls/tag; *content covers it. */
static bool cber_expect(reader *r, uint8_t cls, uint32_t tag, reader *content)
{
    cber h;
    if (!cber_header(r, &h) || h.cls != cls || h.tag != tag)
        return false;
    return reader_sub(r, h.len, content);
}

/* INTEGER content of 1..5 bytes as a two's-complement value, returned as
 * its low 32 bits (an HRESULT like 0x80090302 arrives as 4 bytes, negative
 * in DER, or as 5 bytes with a leading 00). */
static bool cber_integer(reader *r, uint32_t *v)
{
    reader c;
    if (!cber_expect(r, 0x00, 2, &c) || c.len == 0 || c.len > 5)
        return false;
    uint8_t b;
    reader_u8(&c, &b);
    if (c.len == 5 && b != 0x00 && b != 0xFF)
        return false;
    uint32_t x = (b & 0x80) ? 0xFFFFFF00u | b : b;
    while (reader_left(&c) > 0) {
        reader_u8(&c, &b);
        x = (x << 8) | b;
    }
    *v = x;
    return true;
}

/* ---- token classification ---------------------------------------------- */

/* DER-encoded OIDs (tag, length, value). */
static const uint8_t oid_spnego[] = { 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02 };
static const uint8_t oid_krb5[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02 };
static const uint8_t oid_krb5_ms[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02 };
static const uint8_t oid_krb5_u2u[] = { 0x06, 0x0a, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02, 0x03 };
static const uint8_t oid_ntlm[] = { 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a };

static bool starts(const uint8_t *p, size_t len, const uint8_t *pre, size_t n)
{
    return len >= n && memcmp(p, pre, n) == 0;
}

/* UTF-16LE (or OEM) name from an NTLM AUTHENTICATE field ([MS-NLMP]
 * 2.2.2.10 Domain/UserNameFields: len(2) maxlen(2) offset(4) from the
 * message start). Non-ASCII characters become '?'. */
static void ntlm_name(const uint8_t *msg, size_t len, size_t field_off, bool unicode, char *out,
                      size_t outlen)
{
    out[0] = 0;
    reader r = reader_make(msg, len);
    uint16_t flen, fmax;
    uint32_t off;
    if (!reader_skip(&r, field_off) || !reader_le16(&r, &flen) || !reader_le16(&r, &fmax) ||
        !reader_le32(&r, &off))
        return;
    (void)fmax;
    if (off > len || flen > len - off)
        return;
    uint8_t ascii[CREDSSP_NAME_TEXT];
    size_t n = 0;
    if (unicode) {
        for (size_t i = 0; i + 1 < flen && n < sizeof ascii; i += 2) {
            uint16_t ch = (uint16_t)(msg[off + i] | (msg[off + i + 1] << 8));
            ascii[n++] = ch < 0x80 ? (uint8_t)ch : '?';
        }
    } else {
        for (size_t i = 0; i < flen && n < sizeof ascii; i++)
            ascii[n++] = msg[off + i];
    }
    wire_printable(ascii, n, out, outlen);
}

static void classify_ntlm(const uint8_t *p, size_t len, credssp_token *t)
{
    reader r = reader_make(p, len);
    uint32_t type = 0, flags = 0;
    t->kind = CREDSSP_TOKEN_NTLM;
    if (!reader_skip(&r, 8) || !reader_le32(&r, &type))
        return;
    t->ntlm_type = type;
    if (type == 3) {
        /* AUTHENTICATE: NegotiateFlags at offset 60; NTLMSSP_NEGOTIATE_UNICODE 0x1. */
        reader f = reader_make(p, len);
        if (reader_skip(&f, 60) && reader_le32(&f, &flags)) {
            bool unicode = (flags & 0x1) != 0;
            ntlm_name(p, len, 28, unicode, t->ntlm_domain, sizeof t->ntlm_domain);
            ntlm_name(p, len, 36, unicode, t->ntlm_user, sizeof t->ntlm_user);
        }
    }
}

/* A KRB-ERROR (RFC 4120 5.9.1): [APPLICATION 30] SEQUENCE { ..., error-code [6] Int32 ... }. */
static void krb_error_code(reader r, credssp_token *t)
{
    reader seq, f;
    if (!cber_expect(&r, 0x00, 16, &seq))
        return;
    while (reader_left(&seq) > 0) {
        cber h;
        if (!cber_header(&seq, &h) || !reader_sub(&seq, h.len, &f))
            return;
        if (h.cls == 0x80 && h.tag == 6) {
            uint32_t v;
            if (cber_integer(&f, &v)) {
                t->has_krb_error_code = true;
                t->krb_error_code = v;
            }
            return;
        }
    }
}

/* A raw Kerberos message by its application tag (RFC 4120 5.10). */
static bool classify_krb_message(reader r, credssp_token *t)
{
    cber h;
    reader body;
    reader peek = r;
    if (!cber_header(&peek, &h) || h.cls != 0x40 || !h.constructed)
        return false;
    switch (h.tag) {
    case 14: t->krb = CREDSSP_KRB_AP_REQ; break;
    case 15: t->krb = CREDSSP_KRB_AP_REP; break;
    case 30:
        t->krb = CREDSSP_KRB_ERROR;
        if (reader_sub(&peek, h.len, &body))
            krb_error_code(body, t);
        break;
    default: t->krb = CREDSSP_KRB_OTHER; break;
    }
    t->kind = CREDSSP_TOKEN_KERBEROS;
    return true;
}

static void classify(const uint8_t *p, size_t len, credssp_token *t, int depth);

/* SPNEGO NegotiationToken (RFC 4178 4.2): negTokenInit [0] / negTokenResp [1]. */
static void classify_spnego_body(reader r, credssp_token *t, int depth)
{
    cber h;
    reader choice, seq, f;
    t->spnego = true;
    t->kind = CREDSSP_TOKEN_SPNEGO;
    if (!cber_header(&r, &h) || h.cls != 0x80 || (h.tag != 0 && h.tag != 1) ||
        !reader_sub(&r, h.len, &choice))
        return;
    t->spnego_init = h.tag == 0;
    if (!cber_expect(&choice, 0x00, 16, &seq))
        return;
    while (reader_left(&seq) > 0) {
        cber fh;
        if (!cber_header(&seq, &fh) || !reader_sub(&seq, fh.len, &f))
            return;
        if (fh.cls != 0x80)
            continue;
        if (t->spnego_init && fh.tag == 0) {
            /* mechTypes: SEQUENCE OF OID */
            reader list;
            if (!cber_expect(&f, 0x00, 16, &list))
                continue;
            while (reader_left(&list) > 0) {
                const uint8_t *oid = reader_ptr(&list);
                cber oh;
                reader tmp;
                size_t before = reader_left(&list);
                if (!cber_header(&list, &oh) || !reader_sub(&list, oh.len, &tmp))
                    break;
                size_t n = before - reader_left(&list);
                if (starts(oid, n, oid_krb5, sizeof oid_krb5) ||
                    starts(oid, n, oid_krb5_ms, sizeof oid_krb5_ms))
                    t->spnego_offers_kerberos = true;
                if (starts(oid, n, oid_ntlm, sizeof oid_ntlm))
                    t->spnego_offers_ntlm = true;
            }
        } else if (!t->spnego_init && fh.tag == 0) {
            /* negState ENUMERATED */
            reader e;
            uint8_t v;
            if (cber_expect(&f, 0x00, 10, &e) && e.len == 1 && reader_u8(&e, &v)) {
                t->has_neg_state = true;
                t->neg_state = v;
            }
        } else if (fh.tag == 2) {
            /* mechToken (init) / responseToken (resp): OCTET STRING */
            reader tok;
            if (cber_expect(&f, 0x00, 4, &tok)) {
                credssp_token inner;
                memset(&inner, 0, sizeof inner);
                classify(reader_ptr(&tok), reader_left(&tok), &inner, depth + 1);
                t->kind = inner.kind == CREDSSP_TOKEN_NONE ? CREDSSP_TOKEN_SPNEGO : inner.kind;
                t->ntlm_type = inner.ntlm_type;
                memcpy(t->ntlm_domain, inner.ntlm_domain, sizeof t->ntlm_domain);
                memcpy(t->ntlm_user, inner.ntlm_user, sizeof t->ntlm_user);
                t->krb = inner.krb;
                t->has_krb_error_code = inner.has_krb_error_code;
                t->krb_error_code = inner.krb_error_code;
            }
        }
    }
}

static void classify(const uint8_t *p, size_t len, credssp_token *t, int depth)
{
    if (depth > CBER_MAX_DEPTH || len == 0)
        return;
    if (len >= 12 && memcmp(p, "NTLMSSP\0", 8) == 0) {
        classify_ntlm(p, len, t);
        return;
    }
    reader r = reader_make(p, len);
    reader peek = r;
    cber h;
    if (!cber_header(&peek, &h)) {
        t->kind = CREDSSP_TOKEN_OTHER;
        return;
    }
    if (h.cls == 0x40 && h.tag == 0 && h.constructed) {
        /* GSS-API InitialContextToken (RFC 2743 3.1): [APPLICATION 0] { OID, token }. */
        reader body;
        reader_sub(&peek, h.len, &body);
        const uint8_t *oid = reader_ptr(&body);
        size_t left = reader_left(&body);
        if (starts(oid, left, oid_spnego, sizeof oid_spnego)) {
            reader_skip(&body, sizeof oid_spnego);
            classify_spnego_body(body, t, depth);
            return;
        }
        bool u2u = starts(oid, left, oid_krb5_u2u, sizeof oid_krb5_u2u);
        size_t oid_len = u2u ? sizeof oid_krb5_u2u
                         : starts(oid, left, oid_krb5, sizeof oid_krb5) ||
                                   starts(oid, left, oid_krb5_ms, sizeof oid_krb5_ms)
                             ? sizeof oid_krb5
                             : 0;
        if (oid_len) {
            /* RFC 4121 4.1: TOK_ID (2 bytes) then the Kerberos message;
             * 04 00 / 04 01: KRB_TGT_REQUEST / KRB_TGT_REPLY (user-to-user). */
            uint8_t id0 = 0, id1 = 0;
            reader_skip(&body, oid_len);
            t->kind = CREDSSP_TOKEN_KERBEROS;
            if (reader_u8(&body, &id0) && reader_u8(&body, &id1)) {
                if (id0 == 0x04 && id1 == 0x00)
                    t->krb = CREDSSP_KRB_TGT_REQ;
                else if (id0 == 0x04 && id1 == 0x01)
                    t->krb = CREDSSP_KRB_TGT_REP;
                else if (!classify_krb_message(body, t))
                    t->krb = CREDSSP_KRB_OTHER;
            }
            return;
        }
        t->kind = CREDSSP_TOKEN_OTHER;
        return;
    }
    if (h.cls == 0x80 && (h.tag == 0 || h.tag == 1) && h.constructed) {
        /* A bare NegotiationToken (negTokenResp is sent without the GSS header). */
        classify_spnego_body(r, t, depth);
        return;
    }
    if (classify_krb_message(r, t))
        return;
    t->kind = CREDSSP_TOKEN_OTHER;
}

void credssp_classify_token(const uint8_t *p, size_t len, credssp_token *out)
{
    memset(out, 0, sizeof *out);
    if (p)
        classify(p, len, out, 0);
}

/* ---- TSRequest --------------------------------------------------------- */

bool credssp_looks_like_ts_request(const uint8_t *p, size_t len)
{
    reader r = reader_make(p, len);
    cber h;
    if (!cber_header(&r, &h) || h.cls != 0x00 || h.tag != 16 || !h.constructed) {
        /* The content may not all be here yet: retry on the header only. */
        reader r2 = reader_make(p, len);
        uint8_t id;
        if (!reader_u8(&r2, &id) || id != 0x30)
            return false;
        uint8_t l;
        if (!reader_u8(&r2, &l))
            return false;
        if (l & 0x80) {
            if ((l & 0x7F) == 0 || (l & 0x7F) > 4 || !reader_skip(&r2, l & 0x7F))
                return false;
        }
        r = reader_make(reader_ptr(&r2), reader_left(&r2));
    }
    /* [0] { INTEGER (1 byte) 2..98 } */
    const uint8_t *q = reader_ptr(&r);
    size_t left = reader_left(&r);
    return left >= 5 && q[0] == 0xA0 && q[1] == 0x03 && q[2] == 0x02 && q[3] == 0x01 &&
           q[4] >= 2 && q[4] <= 98;
}

credssp_status credssp_pdu_length(const uint8_t *p, size_t len, size_t *total)
{
    reader r = reader_make(p, len);
    uint8_t id, l;
    if (!reader_u8(&r, &id))
        return CREDSSP_TRUNCATED;
    if (id != 0x30)
        return CREDSSP_MALFORMED;
    if (!reader_u8(&r, &l))
        return CREDSSP_TRUNCATED;
    size_t content = l;
    if (l & 0x80) {
        unsigned n = l & 0x7F;
        if (n == 0 || n > 4)
            return CREDSSP_MALFORMED;
        content = 0;
        for (unsigned i = 0; i < n; i++) {
            uint8_t b;
            if (!reader_u8(&r, &b))
                return CREDSSP_TRUNCATED;
            content = (content << 8) | b;
        }
    }
    *total = reader_pos(&r) + content;
    return CREDSSP_OK;
}

credssp_status credssp_parse_ts_request(const uint8_t *p, size_t len, credssp_ts_request *out)
{
    memset(out, 0, sizeof *out);
    size_t total;
    credssp_status st = credssp_pdu_length(p, len, &total);
    if (st != CREDSSP_OK)
        return st;
    if (total > len)
        return CREDSSP_TRUNCATED;
    if (total > UINT32_MAX)
        return CREDSSP_MALFORMED;
    reader r = reader_make(p, total), seq, f;
    if (!cber_expect(&r, 0x00, 16, &seq))
        return CREDSSP_MALFORMED;
    out->pdu_len = (uint32_t)total;
    bool have_version = false;
    int last_tag = -1;
    while (reader_left(&seq) > 0) {
        cber h;
        if (!cber_header(&seq, &h) || !reader_sub(&seq, h.len, &f))
            return CREDSSP_MALFORMED;
        /* Context tags in increasing order, each at most once ([MS-CSSP] 2.2.1). */
        if (h.cls != 0x80 || !h.constructed || (int)h.tag <= last_tag)
            return CREDSSP_MALFORMED;
        last_tag = (int)h.tag;
        reader c;
        switch (h.tag) {
        case 0:
            if (!cber_integer(&f, &out->version))
                return CREDSSP_MALFORMED;
            have_version = true;
            break;
        case 1: {
            reader list, item, tok;
            if (!cber_expect(&f, 0x00, 16, &list))
                return CREDSSP_MALFORMED;
            while (reader_left(&list) > 0) {
                if (!cber_expect(&list, 0x00, 16, &item) || !cber_expect(&item, 0x80, 0, &tok))
                    return CREDSSP_MALFORMED;
                reader oct;
                if (!cber_expect(&tok, 0x00, 4, &oct))
                    return CREDSSP_MALFORMED;
                if (out->n_tokens == 0)
                    credssp_classify_token(reader_ptr(&oct), reader_left(&oct), &out->token);
                if (out->n_tokens < CREDSSP_MAX_TOKENS)
                    out->n_tokens++;
            }
            break;
        }
        case 2:
            if (!cber_expect(&f, 0x00, 4, &c))
                return CREDSSP_MALFORMED;
            out->has_auth_info = true;
            out->auth_info_len = (uint32_t)reader_left(&c);
            break;
        case 3:
            if (!cber_expect(&f, 0x00, 4, &c))
                return CREDSSP_MALFORMED;
            out->has_pub_key_auth = true;
            break;
        case 4:
            if (!cber_integer(&f, &out->error_code))
                return CREDSSP_MALFORMED;
            out->has_error_code = true;
            break;
        case 5:
            if (!cber_expect(&f, 0x00, 4, &c))
                return CREDSSP_MALFORMED;
            out->has_client_nonce = true;
            break;
        default:
            break; /* a later version's field: skip it */
        }
    }
    return have_version ? CREDSSP_OK : CREDSSP_MALFORMED;
}

bool credssp_parse_early_user_auth(const uint8_t *p, size_t len, uint32_t *result)
{
    reader r = reader_make(p, len);
    return len == 4 && reader_le32(&r, result);
}

/* ---- names ------------------------------------------------------------- */

const char *credssp_token_kind_name(credssp_token_kind kind)
{
    switch (kind) {
    case CREDSSP_TOKEN_NONE: return "none";
    case CREDSSP_TOKEN_NTLM: return "NTLM";
    case CREDSSP_TOKEN_KERBEROS: return "Kerberos";
    case CREDSSP_TOKEN_SPNEGO: return "SPNEGO";
    case CREDSSP_TOKEN_OTHER: return "other";
    }
    return "?";
}

const char *credssp_ntlm_message_name(uint32_t type)
{
    switch (type) {
    case 1: return "NEGOTIATE";
    case 2: return "CHALLENGE";
    case 3: return "AUTHENTICATE";
    default: return NULL;
    }
}

const char *credssp_krb_kind_name(credssp_krb_kind kind)
{
    switch (kind) {
    case CREDSSP_KRB_NONE: return "none";
    case CREDSSP_KRB_AP_REQ: return "AP-REQ";
    case CREDSSP_KRB_AP_REP: return "AP-REP";
    case CREDSSP_KRB_ERROR: return "KRB-ERROR";
    case CREDSSP_KRB_TGT_REQ: return "KRB-TGT-REQUEST";
    case CREDSSP_KRB_TGT_REP: return "KRB-TGT-REPLY";
    case CREDSSP_KRB_OTHER: return "other";
    }
    return "?";
}

const char *credssp_neg_state_name(uint32_t state)
{
    switch (state) {
    case 0: return "accept-completed";
    case 1: return "accept-incomplete";
    case 2: return "reject";
    case 3: return "request-mic";
    default: return NULL;
    }
}

void credssp_token_str(const credssp_token *t, char *buf, size_t buflen)
{
    char inner[256];
    const char *ntlm = credssp_ntlm_message_name(t->ntlm_type);
    switch (t->kind) {
    case CREDSSP_TOKEN_NTLM:
        if (t->ntlm_type == 3 && (t->ntlm_user[0] || t->ntlm_domain[0]))
            snprintf(inner, sizeof inner, "NTLM AUTHENTICATE (%s\\%s)", t->ntlm_domain,
                     t->ntlm_user);
        else if (ntlm)
            snprintf(inner, sizeof inner, "NTLM %s", ntlm);
        else
            snprintf(inner, sizeof inner, "NTLM message type %u", (unsigned)t->ntlm_type);
        break;
    case CREDSSP_TOKEN_KERBEROS:
        if (t->krb == CREDSSP_KRB_ERROR && t->has_krb_error_code)
            snprintf(inner, sizeof inner, "Kerberos KRB-ERROR %u", (unsigned)t->krb_error_code);
        else
            snprintf(inner, sizeof inner, "Kerberos %s", credssp_krb_kind_name(t->krb));
        break;
    case CREDSSP_TOKEN_SPNEGO:
        snprintf(inner, sizeof inner, "SPNEGO");
        break;
    case CREDSSP_TOKEN_OTHER:
        snprintf(inner, sizeof inner, "an unrecognized token");
        break;
    case CREDSSP_TOKEN_NONE:
    default:
        snprintf(inner, sizeof inner, "no token");
        break;
    }
    if (t->spnego) {
        const char *ns = t->has_neg_state ? credssp_neg_state_name(t->neg_state) : NULL;
        snprintf(buf, buflen, "SPNEGO %s%s%s%s%s", t->spnego_init ? "negTokenInit" : "negTokenResp",
                 ns ? " " : "", ns ? ns : "", t->kind != CREDSSP_TOKEN_SPNEGO ? " carrying " : "",
                 t->kind != CREDSSP_TOKEN_SPNEGO ? inner : "");
    } else {
        snprintf(buf, buflen, "%s", inner);
    }
}

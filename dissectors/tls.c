/* tls.c - TLS handshake messages in the clear and the record layer of one
 * direction (see tls.h for the references and the bounds). */
#include "tls.h"

#include "reader.h"
#include "wirestr.h"

#include <stdlib.h>
#include <string.h>

/* RFC 8446 4.1.3: a ServerHello with this random is a HelloRetryRequest. */
static const uint8_t hrr_random[32] = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
};

/* Extension types (IANA TLS ExtensionType Values). */
enum {
    EXT_SERVER_NAME = 0,
    EXT_SUPPORTED_GROUPS = 10,
    EXT_EC_POINT_FORMATS = 11,
    EXT_SIGNATURE_ALGORITHMS = 13,
    EXT_ALPN = 16,
    EXT_EXTENDED_MASTER_SECRET = 23,
    EXT_SESSION_TICKET = 35,
    EXT_PRE_SHARED_KEY = 41,
    EXT_EARLY_DATA = 42,
    EXT_SUPPORTED_VERSIONS = 43,
    EXT_KEY_SHARE = 51,
    EXT_RENEGOTIATION_INFO = 0xFF01,
};

/* A list of 16-bit values behind a length of `lenbytes` bytes, capped. */
static bool read_u16_list(reader *r, unsigned lenbytes, uint16_t *out, unsigned max,
                          unsigned *n, bool *capped)
{
    uint16_t l16 = 0;
    uint8_t l8 = 0;
    size_t len;
    if (lenbytes == 1) {
        reader_u8(r, &l8);
        len = l8;
    } else {
        reader_be16(r, &l16);
        len = l16;
    }
    reader sub;
    if (!r->ok || len % 2 != 0 || !reader_sub(r, len, &sub))
        return false;
    *n = 0;
    while (reader_left(&sub) >= 2) {
        uint16_t v;
        reader_be16(&sub, &v);
        if (*n < max)
            out[(*n)++] = v;
        else if (capped)
            *capped = true;
    }
    return true;
}

static void alpn_value(const uint8_t *p, size_t n, char *text, size_t textlen, uint8_t *first,
                       uint8_t *last)
{
    wire_printable(p, n, text, textlen);
    *first = n ? p[0] : 0;
    *last = n ? p[n - 1] : 0;
}

static bool client_extension(tls_client_hello *ch, uint16_t type, reader *e)
{
    unsigned n = 0;
    switch (type) {
    case EXT_SERVER_NAME: {
        /* RFC 6066 3: ServerNameList; the first host_name (type 0) counts. */
        uint16_t list_len;
        reader_be16(e, &list_len);
        reader list;
        if (!reader_sub(e, list_len, &list))
            return false;
        while (reader_left(&list) >= 3) {
            uint8_t nt;
            uint16_t nl;
            const uint8_t *name;
            reader_u8(&list, &nt);
            reader_be16(&list, &nl);
            if (!reader_bytes(&list, nl, &name))
                return false;
            if (nt == 0 && !ch->has_sni) {
                ch->has_sni = true;
                wire_printable(name, nl, ch->sni, sizeof ch->sni);
            }
        }
        return list.ok;
    }
    case EXT_SUPPORTED_GROUPS:
        if (!read_u16_list(e, 2, ch->groups, TLS_MAX_GROUPS, &n, NULL))
            return false;
        ch->n_groups = (uint8_t)n;
        return true;
    case EXT_EC_POINT_FORMATS: {
        uint8_t l;
        const uint8_t *p;
        reader_u8(e, &l);
        if (!reader_bytes(e, l, &p))
            return false;
        ch->n_point_formats = 0;
        for (unsigned i = 0; i < l && ch->n_point_formats < TLS_MAX_POINT_FORMATS; i++)
            ch->point_formats[ch->n_point_formats++] = p[i];
        return true;
    }
    case EXT_SIGNATURE_ALGORITHMS:
        if (!read_u16_list(e, 2, ch->sigalgs, TLS_MAX_SIGALGS, &n, NULL))
            return false;
        ch->n_sigalgs = (uint8_t)n;
        return true;
    case EXT_ALPN: {
        /* RFC 7301 3.1: ProtocolNameList of 8-bit-length names. */
        uint16_t list_len;
        reader_be16(e, &list_len);
        reader list;
        if (!reader_sub(e, list_len, &list))
            return false;
        while (reader_left(&list) >= 1) {
            uint8_t l;
            const uint8_t *p;
            reader_u8(&list, &l);
            if (!reader_bytes(&list, l, &p))
                return false;
            if (ch->n_alpn < TLS_MAX_ALPN) {
                uint8_t f, la;
                alpn_value(p, l, ch->alpn[ch->n_alpn], TLS_ALPN_TEXT, &f, &la);
                if (ch->n_alpn == 0) {
                    ch->alpn0_first = f;
                    ch->alpn0_last = la;
                }
                ch->n_alpn++;
            }
        }
        return true;
    }
    case EXT_EXTENDED_MASTER_SECRET: ch->extended_master_secret = true; return true;
    case EXT_RENEGOTIATION_INFO: ch->renegotiation_info = true; return true;
    case EXT_SESSION_TICKET:
        ch->session_ticket = true;
        ch->session_ticket_resumption = reader_left(e) > 0;
        return true;
    case EXT_PRE_SHARED_KEY: ch->pre_shared_key = true; return true;
    case EXT_EARLY_DATA: ch->early_data = true; return true;
    case EXT_SUPPORTED_VERSIONS:
        ch->has_supported_versions = true;
        if (!read_u16_list(e, 1, ch->versions, TLS_MAX_VERSIONS, &n, NULL))
            return false;
        ch->n_versions = (uint8_t)n;
        return true;
    case EXT_KEY_SHARE: {
        /* RFC 8446 4.2.8: KeyShareEntry client_shares<0..2^16-1>. */
        uint16_t list_len;
        reader_be16(e, &list_len);
        reader list;
        if (!reader_sub(e, list_len, &list))
            return false;
        while (reader_left(&list) >= 4) {
            uint16_t g, kl;
            reader_be16(&list, &g);
            reader_be16(&list, &kl);
            if (!reader_skip(&list, kl))
                return false;
            if (ch->n_key_shares < TLS_MAX_KEY_SHARES)
                ch->key_share_groups[ch->n_key_shares++] = g;
        }
        return true;
    }
    default:
        return true;
    }
}

/* One ServerHello extension (RFC 8446 4.2); false when it is malformed. */
static bool server_extension(tls_server_hello *sh, uint16_t type, reader *e)
{
    switch (type) {
    case EXT_SUPPORTED_VERSIONS: /* RFC 8446 4.2.1: selected_version */
        if (!reader_be16(e, &sh->selected_version))
            return false;
        sh->has_supported_versions = true;
        break;
    case EXT_KEY_SHARE: /* ServerHello: one KeyShareEntry; HRR: the group only */
        if (!reader_be16(e, &sh->key_share_group))
            return false;
        sh->has_key_share = true;
        break;
    case EXT_ALPN: {
        uint16_t l16;
        uint8_t l;
        const uint8_t *p;
        reader_be16(e, &l16);
        reader_u8(e, &l);
        if (!reader_bytes(e, l, &p))
            return false;
        sh->has_alpn = true;
        alpn_value(p, l, sh->alpn, sizeof sh->alpn, &sh->alpn_first, &sh->alpn_last);
        break;
    }
    case EXT_EXTENDED_MASTER_SECRET: sh->extended_master_secret = true; break;
    case EXT_RENEGOTIATION_INFO: sh->renegotiation_info = true; break;
    case EXT_SESSION_TICKET: sh->session_ticket = true; break;
    case EXT_PRE_SHARED_KEY: sh->pre_shared_key = true; break;
    default: break;
    }
    return true;
}

/* Walks an extensions block (RFC 8446 4.2, RFC 5246 7.4.1.4): records each
 * type in list (up to TLS_MAX_EXTENSIONS, else *capped) and hands its body
 * to one(). Shared by the ClientHello and the ServerHello. */
static tls_status walk_extensions(reader *r, uint16_t *list, uint16_t *n, bool *capped,
                                  bool (*one)(void *hello, uint16_t type, reader *e), void *hello)
{
    uint16_t ext_len;
    reader_be16(r, &ext_len);
    reader exts;
    if (!reader_sub(r, ext_len, &exts))
        return TLS_TRUNCATED;
    while (reader_left(&exts) > 0) {
        uint16_t type, elen;
        reader_be16(&exts, &type);
        reader_be16(&exts, &elen);
        reader e;
        if (!reader_sub(&exts, elen, &e))
            return TLS_MALFORMED;
        if (*n < TLS_MAX_EXTENSIONS)
            list[(*n)++] = type;
        else
            *capped = true;
        if (!one(hello, type, &e))
            return TLS_MALFORMED;
    }
    return TLS_OK;
}

static bool client_extension_cb(void *hello, uint16_t type, reader *e)
{
    return client_extension(hello, type, e);
}

static bool server_extension_cb(void *hello, uint16_t type, reader *e)
{
    return server_extension(hello, type, e);
}

tls_status tls_parse_client_hello(const uint8_t *body, size_t len, tls_client_hello *ch)
{
    memset(ch, 0, sizeof *ch);
    reader r = reader_make(body, len);
    uint8_t sid_len, comp_len;
    const uint8_t *sid;
    reader_be16(&r, &ch->legacy_version);
    reader_skip(&r, 32); /* random */
    reader_u8(&r, &sid_len);
    if (!r.ok)
        return TLS_TRUNCATED;
    if (sid_len > 32)
        return TLS_MALFORMED;
    if (!reader_bytes(&r, sid_len, &sid))
        return TLS_TRUNCATED;
    memcpy(ch->session_id, sid, sid_len);
    ch->session_id_len = sid_len;
    unsigned n = 0;
    uint16_t suites_len;
    {
        reader peek = r;
        reader_be16(&peek, &suites_len);
        if (!peek.ok)
            return TLS_TRUNCATED;
        if (suites_len % 2 != 0)
            return TLS_MALFORMED;
    }
    if (!read_u16_list(&r, 2, ch->suites, TLS_MAX_SUITES, &n, &ch->suites_capped))
        return TLS_TRUNCATED;
    ch->n_suites = (uint16_t)n;
    for (unsigned i = 0; i < n; i++) {
        if (ch->suites[i] == 0x00FF)
            ch->renegotiation_info = true; /* RFC 5746 3.3 SCSV */
        if (ch->suites[i] == 0x5600)
            ch->fallback_scsv = true;
    }
    reader_u8(&r, &comp_len);
    if (!reader_skip(&r, comp_len))
        return TLS_TRUNCATED;
    ch->n_compressions = comp_len;
    if (reader_left(&r) == 0)
        return TLS_OK; /* no extensions (SSL 3.0 style) */
    return walk_extensions(&r, ch->extensions, &ch->n_extensions, &ch->extensions_capped,
                           client_extension_cb, ch);
}

tls_status tls_parse_server_hello(const uint8_t *body, size_t len, tls_server_hello *sh)
{
    memset(sh, 0, sizeof *sh);
    reader r = reader_make(body, len);
    const uint8_t *random, *sid;
    uint8_t sid_len;
    reader_be16(&r, &sh->legacy_version);
    reader_bytes(&r, 32, &random);
    reader_u8(&r, &sid_len);
    if (!r.ok)
        return TLS_TRUNCATED;
    if (sid_len > 32)
        return TLS_MALFORMED;
    if (!reader_bytes(&r, sid_len, &sid))
        return TLS_TRUNCATED;
    memcpy(sh->session_id, sid, sid_len);
    sh->session_id_len = sid_len;
    sh->hello_retry_request = memcmp(random, hrr_random, sizeof hrr_random) == 0;
    reader_be16(&r, &sh->suite);
    reader_u8(&r, &sh->compression);
    if (!r.ok)
        return TLS_TRUNCATED;
    sh->selected_version = sh->legacy_version;
    if (reader_left(&r) == 0)
        return TLS_OK;
    return walk_extensions(&r, sh->extensions, &sh->n_extensions, &sh->extensions_capped,
                           server_extension_cb, sh);
}

tls_status tls_parse_certificate(const uint8_t *body, size_t len, tls_cert_list *out)
{
    memset(out, 0, sizeof *out);
    reader r = reader_make(body, len);
    uint32_t list_len;
    reader_be24(&r, &list_len);
    reader list;
    if (!r.ok)
        return TLS_TRUNCATED;
    if (!reader_sub(&r, list_len, &list))
        return TLS_MALFORMED;
    while (reader_left(&list) > 0) {
        uint32_t cl;
        reader_be24(&list, &cl);
        size_t at = 3 + reader_pos(&list);
        if (!reader_skip(&list, cl))
            return TLS_MALFORMED;
        if (out->n_certs < TLS_MAX_CERTS) {
            out->offset[out->n_certs] = (uint32_t)at;
            out->len[out->n_certs] = cl;
            out->n_certs++;
        } else {
            out->capped = true;
        }
    }
    return TLS_OK;
}

tls_status tls_parse_server_key_exchange(const uint8_t *body, size_t len, tls_kx kx,
                                         tls_server_kx *out)
{
    memset(out, 0, sizeof *out);
    reader r = reader_make(body, len);
    if (kx == TLS_KX_ECDHE) {
        /* RFC 8422 5.4: ECParameters { curve_type; named_curve } then the point. */
        uint8_t curve_type;
        reader_u8(&r, &curve_type);
        if (!r.ok)
            return TLS_TRUNCATED;
        if (curve_type != 3) /* named_curve; explicit curves are deprecated */
            return TLS_MALFORMED;
        if (!reader_be16(&r, &out->group))
            return TLS_TRUNCATED;
        out->ecdhe = true;
        return TLS_OK;
    }
    if (kx == TLS_KX_DHE) {
        /* RFC 5246 7.4.3: ServerDHParams { dh_p<1..2^16-1>; dh_g; dh_Ys }. */
        uint16_t plen;
        const uint8_t *p;
        reader_be16(&r, &plen);
        if (!reader_bytes(&r, plen, &p))
            return TLS_TRUNCATED;
        size_t lead = 0;
        while (lead < plen && p[lead] == 0)
            lead++;
        uint32_t bits = (uint32_t)(plen - lead) * 8u;
        if (lead < plen) {
            uint8_t top = p[lead];
            while (!(top & 0x80)) {
                top = (uint8_t)(top << 1);
                bits--;
            }
        }
        out->dhe = true;
        out->dh_bits = bits;
        return TLS_OK;
    }
    return TLS_OK; /* other exchanges: nothing this analysis needs */
}

/* ---- record layer ------------------------------------------------------ */

void tls_stream_init(tls_stream *s) { memset(s, 0, sizeof *s); }

void tls_stream_free(tls_stream *s)
{
    free(s->hs);
    s->hs = NULL;
    s->hs_len = s->hs_alloc = 0;
}

void tls_stream_lost(tls_stream *s)
{
    s->in_record = false;
    s->record_left = 0;
    s->hs_len = 0;
    s->hs_skip = 0;
    s->alert_have = 0;
}

static void emit(tls_stream *s, tls_item_kind kind, tls_item_fn fn, void *ctx, tls_item *it)
{
    it->kind = kind;
    it->content_type = s->type;
    it->record_version = s->version;
    it->record_len = s->record_len;
    fn(ctx, it);
}

void tls_stream_record(tls_stream *s, const uint8_t hdr[TLS_RECORD_HEADER_LEN], tls_item_fn fn,
                       void *ctx)
{
    if (s->failed)
        return;
    s->records++;
    s->type = hdr[0];
    s->version = (uint16_t)((hdr[1] << 8) | hdr[2]);
    s->record_len = (uint32_t)((hdr[3] << 8) | hdr[4]);
    s->record_left = s->record_len;
    s->in_record = s->record_left > 0;
    s->alert_have = 0;
    tls_item it;
    memset(&it, 0, sizeof it);
    switch (s->type) {
    case TLS_CT_CHANGE_CIPHER_SPEC:
        /* RFC 5246 7.1: the sender's following records are protected. In
         * TLS 1.3 the record is only for middlebox compatibility (D.4). */
        if (!s->tls13)
            s->encrypted = true;
        emit(s, TLS_ITEM_CHANGE_CIPHER_SPEC, fn, ctx, &it);
        break;
    case TLS_CT_ALERT:
        /* TLS 1.3 protects alerts inside application_data records (5.2),
         * so an alert record there is always plaintext. */
        if (s->encrypted && !s->tls13)
            emit(s, TLS_ITEM_ENCRYPTED_ALERT, fn, ctx, &it);
        break; /* plaintext: reported once its two bytes arrived */
    case TLS_CT_HANDSHAKE:
        if (s->encrypted)
            emit(s, TLS_ITEM_ENCRYPTED_HANDSHAKE, fn, ctx, &it);
        break;
    case TLS_CT_APPLICATION_DATA:
        emit(s, TLS_ITEM_APPLICATION_DATA, fn, ctx, &it);
        break;
    default:
        emit(s, TLS_ITEM_OTHER, fn, ctx, &it);
        break;
    }
}

static void malformed(tls_stream *s, const char *problem, tls_item_fn fn, void *ctx)
{
    tls_item it;
    memset(&it, 0, sizeof it);
    it.problem = problem;
    s->failed = true;
    emit(s, TLS_ITEM_MALFORMED, fn, ctx, &it);
    tls_stream_free(s);
}

/* Takes the complete messages out of the handshake buffer. */
static void handshake_bytes(tls_stream *s, const uint8_t *p, size_t n, tls_item_fn fn, void *ctx)
{
    while (n > 0 && !s->failed) {
        if (s->hs_skip > 0) {
            size_t k = n < s->hs_skip ? n : s->hs_skip;
            s->hs_skip -= (uint32_t)k;
            p += k;
            n -= k;
            continue;
        }
        /* Header first, then the body up to its declared length. */
        uint32_t need = TLS_HS_HEADER_LEN;
        if (s->hs_len >= TLS_HS_HEADER_LEN) {
            uint32_t mlen = ((uint32_t)s->hs[1] << 16) | ((uint32_t)s->hs[2] << 8) | s->hs[3];
            need = TLS_HS_HEADER_LEN + mlen;
        }
        if (s->hs_alloc < need) {
            uint32_t want = need < 1024 ? 1024 : need;
            uint8_t *nb = realloc(s->hs, want);
            if (!nb) {
                malformed(s, "out of memory for a handshake message", fn, ctx);
                return;
            }
            s->hs = nb;
            s->hs_alloc = want;
        }
        size_t k = need - s->hs_len;
        if (k > n)
            k = n;
        memcpy(s->hs + s->hs_len, p, k);
        s->hs_len += (uint32_t)k;
        p += k;
        n -= k;
        if (s->hs_len < need)
            continue;
        if (need == TLS_HS_HEADER_LEN) {
            uint32_t mlen = ((uint32_t)s->hs[1] << 16) | ((uint32_t)s->hs[2] << 8) | s->hs[3];
            if (mlen > TLS_HS_MAX) {
                tls_item it;
                memset(&it, 0, sizeof it);
                it.hs_type = s->hs[0];
                it.body_len = mlen;
                emit(s, TLS_ITEM_HANDSHAKE_CAPPED, fn, ctx, &it);
                s->hs_skip = mlen;
                s->hs_len = 0;
                continue;
            }
            if (mlen > 0)
                continue; /* now collect the body */
        }
        tls_item it;
        memset(&it, 0, sizeof it);
        it.hs_type = s->hs[0];
        it.body = s->hs + TLS_HS_HEADER_LEN;
        it.body_len = s->hs_len - TLS_HS_HEADER_LEN;
        s->hs_len = 0;
        emit(s, TLS_ITEM_HANDSHAKE, fn, ctx, &it);
    }
}

void tls_stream_data(tls_stream *s, const uint8_t *p, size_t n, tls_item_fn fn, void *ctx)
{
    if (s->failed || !s->in_record)
        return;
    if (n > s->record_left)
        n = s->record_left;
    s->record_left -= (uint32_t)n;
    if (s->record_left == 0)
        s->in_record = false;
    switch (s->type) {
    case TLS_CT_HANDSHAKE:
        if (!s->encrypted)
            handshake_bytes(s, p, n, fn, ctx);
        break;
    case TLS_CT_ALERT:
        if (s->encrypted && !s->tls13)
            break;
        /* RFC 5246 7.2: level, description. Only the first alert of a
         * record is reported (several in one record do not occur). */
        while (n > 0 && s->alert_have < 2) {
            s->alert[s->alert_have++] = *p++;
            n--;
            if (s->alert_have == 2) {
                tls_item it;
                memset(&it, 0, sizeof it);
                it.alert_level = s->alert[0];
                it.alert_desc = s->alert[1];
                emit(s, TLS_ITEM_ALERT, fn, ctx, &it);
            }
        }
        break;
    default:
        break;
    }
}

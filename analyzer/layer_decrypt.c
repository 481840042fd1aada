/* layer_decrypt.c - see layer_decrypt.h. */
#include "layer_decrypt.h"
#include "textfmt.h"

#include "reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* RFC 8446 4.1.3: the ServerHello.random of a HelloRetryRequest. */
static const uint8_t hrr_random[32] = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
};

typedef enum { MODE_CREDSSP, MODE_RDP } app_mode;

typedef struct {
    /* the record being collected */
    bool in_record, skip_record;
    uint8_t type;
    uint16_t version;
    uint32_t want, have;
    uint8_t *rec;                 /* TLSD_MAX_RECORD bytes */
    /* plaintext handshake bytes not yet parsed into messages */
    uint8_t *hs;
    size_t hs_len;
    bool hs_failed;
    /* application data */
    app_mode mode;
    uint8_t *app;
    size_t app_len;
    bool reported_failure;
    bool lost;
} dir_state;

struct decrypt_conn {
    const keylog *keys;
    void *rsa_key;
    uint32_t proto;
    dir_state d[2];
    uint8_t client_random[32], server_random[32];
    bool have_cr, have_sh;
    uint16_t version, suite;
    bool ems, etm;
    tls_decrypt_session *s;
    bool ready, unavailable, rsa_pending;
    uint8_t *transcript;          /* handshake messages up to the ClientKeyExchange */
    size_t transcript_len;
    bool transcript_done, capped;
    bool credssp_done, early_auth_seen;
    uint64_t decrypted[2], failed[2];
    unsigned ts_requests[2];
    uint8_t *out;                 /* TLSD_MAX_RECORD plaintext */
};

decrypt_conn *decrypt_conn_new(const keylog *keys, void *rsa_key, uint32_t selected_protocol)
{
    decrypt_conn *dc = calloc(1, sizeof *dc);
    if (!dc)
        return NULL;
    dc->keys = keys;
    dc->rsa_key = rsa_key;
    dc->proto = selected_protocol;
    dc->out = malloc(TLSD_MAX_RECORD);
    bool ok = dc->out != NULL;
    for (int i = 0; i < 2 && ok; i++) {
        dc->d[i].rec = malloc(TLSD_MAX_RECORD);
        ok = dc->d[i].rec != NULL;
        dc->d[i].mode = (selected_protocol & (DECRYPT_PROTO_HYBRID | DECRYPT_PROTO_HYBRID_EX))
                            ? MODE_CREDSSP
                            : MODE_RDP;
    }
    if (!ok) {
        decrypt_conn_free(dc);
        return NULL;
    }
    return dc;
}

void decrypt_conn_free(decrypt_conn *dc)
{
    if (!dc)
        return;
    for (int i = 0; i < 2; i++) {
        free(dc->d[i].rec);
        free(dc->d[i].hs);
        free(dc->d[i].app);
    }
    free(dc->transcript);
    free(dc->out);
    tls_decrypt_free(dc->s);
    free(dc);
}

void decrypt_conn_summary(const decrypt_conn *dc, decrypt_summary *out)
{
    memset(out, 0, sizeof *out);
    if (!dc)
        return;
    out->have_client_random = dc->have_cr;
    out->have_server_hello = dc->have_sh;
    out->version = dc->version;
    out->suite = dc->suite;
    out->ready = dc->ready;
    out->unavailable = dc->unavailable;
    out->credssp_done = dc->credssp_done;
    out->capped = dc->capped;
    for (int i = 0; i < 2; i++) {
        out->decrypted[i] = dc->decrypted[i];
        out->failed[i] = dc->failed[i];
        out->ts_requests[i] = dc->ts_requests[i];
    }
}

static void emit(decrypt_event_fn fn, void *ctx, decrypt_event *ev)
{
    if (fn)
        fn(ctx, ev);
}

static void unavailable(decrypt_conn *dc, const char *why, decrypt_event_fn fn, void *ctx)
{
    if (dc->unavailable)
        return;
    dc->unavailable = true;
    decrypt_event ev = { .kind = DEC_EV_UNAVAILABLE, .text = why };
    emit(fn, ctx, &ev);
}

static void ready(decrypt_conn *dc, const char *how, decrypt_event_fn fn, void *ctx)
{
    dc->ready = true;
    decrypt_event ev = { .kind = DEC_EV_READY, .text = how };
    emit(fn, ctx, &ev);
}

/* ---- the plaintext handshake ------------------------------------------ */

static void on_server_hello(decrypt_conn *dc, const uint8_t *body, size_t len, decrypt_event_fn fn,
                            void *ctx)
{
    reader r = reader_make(body, len);
    uint16_t legacy = 0, suite = 0;
    const uint8_t *random = NULL;
    uint8_t sid_len = 0, comp = 0;
    if (!reader_be16(&r, &legacy) || !reader_bytes(&r, 32, &random) || !reader_u8(&r, &sid_len) ||
        !reader_skip(&r, sid_len) || !reader_be16(&r, &suite) || !reader_u8(&r, &comp))
        return;
    if (memcmp(random, hrr_random, 32) == 0)
        return; /* HelloRetryRequest: the real ServerHello follows */
    uint16_t version = legacy;
    bool ems = false, etm = false;
    uint16_t ext_len;
    if (reader_be16(&r, &ext_len)) {
        reader ext;
        if (reader_sub(&r, ext_len, &ext)) {
            while (reader_left(&ext) >= 4) {
                uint16_t type, elen;
                reader e;
                if (!reader_be16(&ext, &type) || !reader_be16(&ext, &elen) ||
                    !reader_sub(&ext, elen, &e))
                    break;
                if (type == 43) /* supported_versions (RFC 8446 4.2.1) */
                    reader_be16(&e, &version);
                else if (type == 23) /* extended_master_secret (RFC 7627) */
                    ems = true;
                else if (type == 22) /* encrypt_then_mac (RFC 7366) */
                    etm = true;
            }
        }
    }
    if (dc->have_sh)
        return; /* renegotiation: keep the first session */
    dc->have_sh = true;
    memcpy(dc->server_random, random, 32);
    dc->version = version;
    dc->suite = suite;
    dc->ems = ems;
    dc->etm = etm;
    char why[384];
    if (!dc->have_cr) {
        unavailable(dc, "the ClientHello was not captured, so its client random is unknown", fn, ctx);
        return;
    }
    dc->s = tls_decrypt_new(version, suite, dc->client_random, dc->server_random, why, sizeof why);
    if (!dc->s) {
        unavailable(dc, why, fn, ctx);
        return;
    }
    tls_decrypt_set_encrypt_then_mac(dc->s, etm);
    const keylog_entry *e = dc->keys ? keylog_find(dc->keys, dc->client_random) : NULL;
    if (e && tls_decrypt_use_keylog(dc->s, e) == TLSD_OK) {
        ready(dc, "key log (matched by client random)", fn, ctx);
        return;
    }
    char cr_hex[17];
    for (int i = 0; i < 8; i++)
        text_fmt(cr_hex + 2 * i, 3, "%02x", dc->client_random[i]);
    if (dc->rsa_key) {
        if (tls_decrypt_rsa_applicable(version, suite, why, sizeof why)) {
            dc->rsa_pending = true; /* at the ClientKeyExchange */
            return;
        }
        char msg[512];
        text_fmt(msg, sizeof msg, "%s%s", e ? "" : "no key-log entry for this client random; ", why);
        unavailable(dc, msg, fn, ctx);
        return;
    }
    char msg[256];
    text_fmt(msg, sizeof msg,
             "no secrets: the key log has no entry for client random %s... (and no server RSA key "
             "was given)",
             cr_hex);
    unavailable(dc, msg, fn, ctx);
}

static void on_handshake_message(decrypt_conn *dc, tlsd_dir dir, const uint8_t *msg, size_t len,
                                 decrypt_event_fn fn, void *ctx)
{
    uint8_t type = msg[0];
    const uint8_t *body = msg + 4;
    size_t blen = len - 4;
    if (!dc->transcript_done) {
        if (dc->transcript_len + len > DECRYPT_HS_MAX) {
            dc->capped = true;
            dc->transcript_done = true;
        } else {
            uint8_t *t = realloc(dc->transcript, dc->transcript_len + len);
            if (t) {
                memcpy(t + dc->transcript_len, msg, len);
                dc->transcript = t;
                dc->transcript_len += len;
            } else {
                dc->transcript_done = true;
            }
        }
    }
    if (dir == TLSD_CLIENT && type == 1 && blen >= 34 && !dc->have_cr) {
        memcpy(dc->client_random, body + 2, 32);
        dc->have_cr = true;
    } else if (dir == TLSD_SERVER && type == 2) {
        on_server_hello(dc, body, blen, fn, ctx);
    } else if (dir == TLSD_CLIENT && type == 16) {
        bool complete = !dc->transcript_done;
        dc->transcript_done = true;
        if (dc->rsa_pending && dc->s) {
            char why[384];
            dc->rsa_pending = false;
            if (dc->ems && !complete) {
                unavailable(dc, "extended master secret needs the whole handshake, which was not "
                                "captured (or was too long)", fn, ctx);
                return;
            }
            tlsd_status st = tls_decrypt_rsa_premaster(dc->s, dc->rsa_key, body, blen, dc->ems,
                                                       dc->transcript, dc->transcript_len, why,
                                                       sizeof why);
            if (st == TLSD_OK)
                ready(dc, dc->ems ? "server RSA key (extended master secret)" : "server RSA key", fn,
                      ctx);
            else
                unavailable(dc, why, fn, ctx);
        }
        free(dc->transcript);
        dc->transcript = NULL;
        dc->transcript_len = 0;
    }
}

static void handshake_bytes(decrypt_conn *dc, tlsd_dir dir, const uint8_t *p, size_t n,
                            decrypt_event_fn fn, void *ctx)
{
    dir_state *d = &dc->d[dir];
    if (d->hs_failed)
        return;
    if (d->hs_len + n > DECRYPT_HS_MAX) {
        d->hs_failed = true;
        dc->capped = true;
        return;
    }
    uint8_t *b = realloc(d->hs, d->hs_len + n ? d->hs_len + n : 1);
    if (!b) {
        d->hs_failed = true;
        return;
    }
    d->hs = b;
    memcpy(d->hs + d->hs_len, p, n);
    d->hs_len += n;
    size_t o = 0;
    while (d->hs_len - o >= 4) {
        size_t mlen = (size_t)d->hs[o + 1] << 16 | (size_t)d->hs[o + 2] << 8 | d->hs[o + 3];
        if (d->hs_len - o - 4 < mlen)
            break;
        on_handshake_message(dc, dir, d->hs + o, 4 + mlen, fn, ctx);
        o += 4 + mlen;
    }
    memmove(d->hs, d->hs + o, d->hs_len - o);
    d->hs_len -= o;
}

/* ---- application data: CredSSP, then RDP ------------------------------ */

static void to_rdp(decrypt_conn *dc, tlsd_dir dir, const uint8_t *p, size_t n, decrypt_event_fn fn,
                   void *ctx)
{
    (void)dc;
    if (n == 0)
        return;
    decrypt_event ev = { .kind = DEC_EV_RDP_BYTES, .dir = dir, .data = p, .len = n };
    emit(fn, ctx, &ev);
}

static void app_bytes(decrypt_conn *dc, tlsd_dir dir, const uint8_t *p, size_t n,
                      decrypt_event_fn fn, void *ctx)
{
    dir_state *d = &dc->d[dir];
    if (d->mode == MODE_RDP) {
        to_rdp(dc, dir, p, n, fn, ctx);
        return;
    }
    if (d->app_len + n > DECRYPT_CREDSSP_MAX) {
        /* A CredSSP message this large is not one: give up on CredSSP here. */
        dc->capped = true;
        d->mode = MODE_RDP;
        to_rdp(dc, dir, d->app, d->app_len, fn, ctx);
        d->app_len = 0;
        to_rdp(dc, dir, p, n, fn, ctx);
        return;
    }
    uint8_t *b = realloc(d->app, d->app_len + n ? d->app_len + n : 1);
    if (!b)
        return;
    d->app = b;
    memcpy(d->app + d->app_len, p, n);
    d->app_len += n;

    size_t o = 0;
    while (o < d->app_len && d->mode == MODE_CREDSSP) {
        const uint8_t *q = d->app + o;
        size_t left = d->app_len - o;
        if (q[0] == 0x30) {
            size_t total = 0;
            credssp_status st = credssp_pdu_length(q, left, &total);
            if (st == CREDSSP_TRUNCATED || (st == CREDSSP_OK && total > left))
                break; /* wait for the rest */
            credssp_ts_request ts;
            if (st == CREDSSP_OK)
                st = credssp_parse_ts_request(q, total, &ts);
            if (st != CREDSSP_OK) {
                decrypt_event ev = { .kind = DEC_EV_CREDSSP_MALFORMED, .dir = dir };
                emit(fn, ctx, &ev);
                d->mode = MODE_RDP;
                break;
            }
            dc->ts_requests[dir]++;
            decrypt_event ev = { .kind = DEC_EV_TS_REQUEST, .dir = dir, .ts = &ts };
            emit(fn, ctx, &ev);
            o += total;
            /* [MS-CSSP] 3.1.5: the client's TSCredentials (authInfo) end CredSSP. */
            if (dir == TLSD_CLIENT && ts.has_auth_info) {
                dc->credssp_done = true;
                d->mode = MODE_RDP;
            }
            continue;
        }
        if (dir == TLSD_SERVER && (dc->proto & DECRYPT_PROTO_HYBRID_EX) && !dc->early_auth_seen &&
            q[0] != 0x03) {
            /* MS-RDPBCGR 2.2.10.2: 4 bytes after CredSSP, before any RDP PDU. */
            if (left < 4)
                break;
            uint32_t v = 0;
            credssp_parse_early_user_auth(q, 4, &v);
            dc->early_auth_seen = true;
            decrypt_event ev = { .kind = DEC_EV_EARLY_USER_AUTH, .dir = dir, .value = v };
            emit(fn, ctx, &ev);
            o += 4;
            d->mode = MODE_RDP;
            break;
        }
        d->mode = MODE_RDP; /* a TPKT or anything else: the RDP stream begins */
    }
    if (d->mode == MODE_RDP) {
        to_rdp(dc, dir, d->app + o, d->app_len - o, fn, ctx);
        o = d->app_len;
    }
    memmove(d->app, d->app + o, d->app_len - o);
    d->app_len -= o;
}

/* ---- records ----------------------------------------------------------- */

static void process_record(decrypt_conn *dc, tlsd_dir dir, decrypt_event_fn fn, void *ctx)
{
    dir_state *d = &dc->d[dir];
    if (!dc->s) {
        /* No session yet: only the plaintext handshake matters. */
        if (d->type == 22)
            handshake_bytes(dc, dir, d->rec, d->have, fn, ctx);
        return;
    }
    size_t ol = 0;
    uint8_t ot = 0;
    tlsd_status st = tls_decrypt_record(dc->s, dir, d->type, d->version, d->rec, d->have, dc->out,
                                        TLSD_MAX_RECORD, &ol, &ot);
    switch (st) {
    case TLSD_PLAINTEXT:
        if (d->type == 22)
            handshake_bytes(dc, dir, dc->out, ol, fn, ctx);
        break;
    case TLSD_OK:
        dc->decrypted[dir]++;
        if (ot == 23) {
            app_bytes(dc, dir, dc->out, ol, fn, ctx);
        } else if (ot == 21 && ol >= 2) {
            decrypt_event ev = { .kind = DEC_EV_ALERT, .dir = dir, .level = dc->out[0],
                                 .description = dc->out[1] };
            emit(fn, ctx, &ev);
        }
        break;
    case TLSD_NO_KEYS:
        break; /* keys not (yet) known for this record */
    case TLSD_STOPPED:
    case TLSD_UNSUPPORTED:
    case TLSD_BAD_RECORD:
    case TLSD_AUTH_FAILED:
    case TLSD_INTERNAL:
        dc->failed[dir]++;
        if (!d->reported_failure && st != TLSD_STOPPED) {
            d->reported_failure = true;
            const char *why = st == TLSD_AUTH_FAILED
                                  ? (d->lost ? "a record failed to authenticate after bytes were "
                                               "lost from the capture"
                                             : "a record failed to authenticate: the secrets do "
                                               "not belong to this connection")
                                  : tls_decrypt_status_name(st);
            decrypt_event ev = { .kind = DEC_EV_FAILED, .dir = dir, .status = st, .text = why };
            emit(fn, ctx, &ev);
        }
        break;
    }
}

void decrypt_conn_record(decrypt_conn *dc, tlsd_dir dir, const uint8_t hdr[5], decrypt_event_fn fn,
                         void *ctx)
{
    (void)fn;
    (void)ctx;
    if (!dc || (unsigned)dir > TLSD_SERVER)
        return;
    dir_state *d = &dc->d[dir];
    d->in_record = true;
    d->type = hdr[0];
    d->version = (uint16_t)(hdr[1] << 8 | hdr[2]);
    d->want = (uint32_t)(hdr[3] << 8 | hdr[4]);
    d->have = 0;
    d->skip_record = d->want > TLSD_MAX_RECORD;
    if (d->want == 0)
        d->in_record = false; /* an empty record carries nothing to decrypt */
}

void decrypt_conn_data(decrypt_conn *dc, tlsd_dir dir, const uint8_t *p, size_t n,
                       decrypt_event_fn fn, void *ctx)
{
    if (!dc || (unsigned)dir > TLSD_SERVER)
        return;
    dir_state *d = &dc->d[dir];
    if (!d->in_record)
        return;
    size_t take = n > d->want - d->have ? d->want - d->have : n;
    if (!d->skip_record)
        memcpy(d->rec + d->have, p, take);
    d->have += (uint32_t)take;
    if (d->have < d->want)
        return;
    d->in_record = false;
    if (d->skip_record) {
        dc->failed[dir]++;
        return;
    }
    process_record(dc, dir, fn, ctx);
}

void decrypt_conn_lost(decrypt_conn *dc, tlsd_dir dir)
{
    if (!dc || (unsigned)dir > TLSD_SERVER)
        return;
    dir_state *d = &dc->d[dir];
    d->in_record = false;
    d->lost = true;
    d->hs_len = 0;
    d->app_len = 0;
    if (dc->s)
        tls_decrypt_lost(dc->s, dir);
}

/* layer_tls.c - a direction's bytes after a negotiation that selected a
 * TLS-based protocol (SSL, HYBRID, HYBRID_EX, RDSTLS, RDSAAD), or a stream
 * that simply is TLS: record headers are read (RFC 5246 6.2.1, RFC 8446 5.1),
 * counted by content type and put in the timeline (rules elsewhere use these
 * counters), and the record bodies go to the TLS dissector (tls.c), whose
 * handshake messages, alerts and protected records are recorded as facts in
 * the connection's tls_facts (tls_facts.h). No conclusions here.
 */
#include "decrypt_glue.h"
#include "textfmt.h"
#include "layers.h"
#include "recycle.h"

#include "tls_facts.h"
#include "tpkt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *ca_file_setting;

void layer_tls_set_ca_file(const char *path) { ca_file_setting = path; }

void tls_facts_free(tls_facts *f)
{
    if (!f)
        return;
    tls_stream_free(&f->stream[0]);
    tls_stream_free(&f->stream[1]);
    recycle_put(RECYCLE_TLS_FACTS, f);
}

static tls_facts *facts_of(connection *c)
{
    if (!c->tls) {
        c->tls = recycle_get(RECYCLE_TLS_FACTS, sizeof *c->tls);
        if (c->tls) {
            tls_stream_init(&c->tls->stream[0]);
            tls_stream_init(&c->tls->stream[1]);
        }
    }
    return c->tls;
}

static void record_tls(connection *c, direction dir, const uint8_t *hdr, uint32_t total,
                       const pkt_ref *ref)
{
    conn_dir *d = &c->dir[dir];
    uint8_t type = hdr[0];
    switch (type) {
    case 20:
        if (d->tls_ccs++ == 0)
            d->tls_ccs_ref = *ref;
        break;
    case 21:
        if (d->tls_alert++ == 0)
            d->tls_first_alert = *ref;
        break;
    case 22: d->tls_handshake++; break;
    case 23:
        if (d->tls_appdata++ == 0)
            d->tls_first_appdata = *ref;
        break;
    default: break;
    }
    if (d->secure_pdus < CONN_TIMELINE_SECURE_EVENTS || type == 21)
        timeline_add(&c->tl, EV_TLS_RECORD, dir, ref, total - 5, type);
}

/* ---- facts from the dissector's items ---------------------------------- */

typedef struct {
    connection *c;
    tls_facts *f;
    direction dir;
    const pkt_ref *ref;
} item_ctx;

static void note_problem(tls_facts *f, const pkt_ref *ref, const char *what)
{
    if (f->malformed)
        return;
    f->malformed = true;
    f->problem_ref = *ref;
    text_fmt(f->problem, sizeof f->problem, "%s", what);
}

static void first_ref(pkt_ref *slot, const pkt_ref *ref)
{
    if (!slot->packet)
        *slot = *ref;
}

static const char *status_word(tls_status st)
{
    return st == TLS_TRUNCATED ? "truncated" : "malformed";
}

/* The name the client asked for (RFC 6066 SNI), else the address it
 * connected to, checked against the server certificate's names. */
static void check_certificate(item_ctx *x)
{
    tls_facts *f = x->f;
    connection *c = x->c;
    if (f->ch.has_sni && f->ch.sni[0]) {
        text_fmt(f->expected_name, sizeof f->expected_name, "%s", f->ch.sni);
        f->expected_from_sni = true;
    } else {
        text_addr(&c->server, f->expected_name, sizeof f->expected_name);
    }
    f->name_matches = x509_matches_name(&f->certs[0], f->expected_name);
}

static void on_certificate(item_ctx *x, const tls_item *it)
{
    tls_facts *f = x->f;
    if (f->has_certificate)
        return;
    f->has_certificate = true;
    f->certificate_ref = *x->ref;
    tls_cert_list list;
    tls_status st = tls_parse_certificate(it->body, it->body_len, &list);
    if (st != TLS_OK) {
        note_problem(f, x->ref, st == TLS_TRUNCATED ? "Certificate message truncated"
                                                    : "Certificate message malformed");
        return;
    }
    f->n_certs = list.n_certs + (list.capped ? 1u : 0u);
    const uint8_t *ders[TLS_MAX_CERTS];
    size_t lens[TLS_MAX_CERTS];
    for (unsigned i = 0; i < list.n_certs; i++) {
        ders[i] = it->body + list.offset[i];
        lens[i] = list.len[i];
        if (i < TLS_FACTS_MAX_CERTS)
            x509_parse(ders[i], lens[i], x->ref->ts.sec, &f->certs[i]);
    }
    if (list.n_certs == 0)
        return;
    check_certificate(x);
    f->chain = x509_verify_chain(ders, lens, list.n_certs, ca_file_setting, x->ref->ts.sec,
                                 f->chain_error, sizeof f->chain_error);
}

static void on_server_hello(item_ctx *x, const tls_item *it)
{
    tls_facts *f = x->f;
    tls_server_hello sh;
    tls_status st = tls_parse_server_hello(it->body, it->body_len, &sh);
    if (st != TLS_OK) {
        char w[64];
        text_fmt(w, sizeof w, "ServerHello %s", status_word(st));
        note_problem(f, x->ref, w);
        return;
    }
    if (sh.hello_retry_request) {
        /* RFC 8446 4.1.4: the server asks for another key share; the
         * client answers with a second ClientHello. */
        f->hello_retry = true;
        first_ref(&f->hello_retry_ref, x->ref);
        /* Only TLS 1.3 has it: the CCS records that may follow are
         * compatibility no-ops (D.4), and the second ClientHello and the
         * real ServerHello are still plaintext. */
        f->stream[DIR_S2C].tls13 = f->stream[DIR_C2S].tls13 = true;
        f->hello_retry_group = sh.key_share_group;
        return;
    }
    if (f->has_server_hello)
        return;
    f->has_server_hello = true;
    f->server_hello_ref = *x->ref;
    f->sh = sh;
    f->version = sh.selected_version;
    ja_ja3s(&sh, f->ja3s_text, sizeof f->ja3s_text, f->ja3s);
    ja_ja4s(&sh, f->ja4s);
    if (f->version == TLS_VERSION_1_3) {
        /* RFC 8446 2: everything after the ServerHello is protected, in
         * application_data records; CCS records are only for middleboxes. */
        f->stream[DIR_S2C].tls13 = f->stream[DIR_C2S].tls13 = true;
        f->stream[DIR_S2C].encrypted = true;
        f->resumed = sh.pre_shared_key;
    } else {
        f->resumed = sh.session_id_len > 0 && f->has_client_hello &&
                     sh.session_id_len == f->ch.session_id_len &&
                     memcmp(sh.session_id, f->ch.session_id, sh.session_id_len) == 0;
    }
}

static void on_handshake(item_ctx *x, const tls_item *it)
{
    tls_facts *f = x->f;
    timeline_add(&x->c->tl, EV_TLS_HANDSHAKE, x->dir, x->ref, it->hs_type, 0);
    switch (it->hs_type) {
    case TLS_HS_CLIENT_HELLO: {
        if (x->dir != DIR_C2S)
            break;
        f->client_hellos++;
        if (f->has_client_hello)
            break;
        tls_status st = tls_parse_client_hello(it->body, it->body_len, &f->ch);
        if (st != TLS_OK) {
            char w[64];
            text_fmt(w, sizeof w, "ClientHello %s", status_word(st));
            note_problem(f, x->ref, w);
            /* What was read before the problem is kept: the suites and
             * versions come first and are what the verdicts need. */
        }
        f->has_client_hello = true;
        f->client_hello_ref = *x->ref;
        ja_ja3(&f->ch, f->ja3_text, sizeof f->ja3_text, f->ja3);
        ja_ja4(&f->ch, f->ja4);
        break;
    }
    case TLS_HS_SERVER_HELLO:
        if (x->dir == DIR_S2C)
            on_server_hello(x, it);
        break;
    case TLS_HS_CERTIFICATE:
        if (x->dir == DIR_S2C)
            on_certificate(x, it);
        break;
    case TLS_HS_SERVER_KEY_EXCHANGE:
        if (x->dir == DIR_S2C && !f->has_server_kx) {
            const tls_suite_info *si = tls_suite_lookup(f->sh.suite);
            f->has_server_kx = true;
            f->server_kx_ref = *x->ref;
            if (tls_parse_server_key_exchange(it->body, it->body_len, si ? si->kx : TLS_KX_UNKNOWN,
                                              &f->server_kx) != TLS_OK)
                note_problem(f, x->ref, "ServerKeyExchange malformed");
        }
        break;
    case TLS_HS_CERTIFICATE_REQUEST:
        if (x->dir == DIR_S2C && !f->cert_request) {
            f->cert_request = true;
            f->cert_request_ref = *x->ref;
        }
        break;
    case TLS_HS_SERVER_HELLO_DONE:
        if (x->dir == DIR_S2C && !f->server_hello_done) {
            f->server_hello_done = true;
            f->server_hello_done_ref = *x->ref;
        }
        break;
    case TLS_HS_CLIENT_KEY_EXCHANGE:
        if (x->dir == DIR_C2S)
            first_ref(&f->client_kx_ref, x->ref);
        break;
    case TLS_HS_NEW_SESSION_TICKET:
        if (x->dir == DIR_S2C)
            first_ref(&f->new_session_ticket_ref, x->ref);
        break;
    default:
        break;
    }
}

static void add_alert(item_ctx *x, bool encrypted, uint8_t level, uint8_t desc, uint32_t len)
{
    tls_facts *f = x->f;
    timeline_add(&x->c->tl, EV_TLS_ALERT, x->dir, x->ref,
                 encrypted ? 0 : ((uint32_t)level << 8 | desc), encrypted);
    if (!encrypted && level == TLS_ALERT_FATAL)
        f->fatal_alert = true;
    if (f->n_alerts >= TLS_FACTS_MAX_ALERTS) {
        f->alerts_dropped++;
        return;
    }
    tls_alert_fact *a = &f->alerts[f->n_alerts++];
    a->dir = x->dir;
    a->ref = *x->ref;
    a->encrypted = encrypted;
    a->level = level;
    a->description = desc;
    a->record_len = len;
}

static void on_application_data(item_ctx *x, const tls_item *it)
{
    tls_facts *f = x->f;
    direction d = x->dir;
    if (f->stream[d].tls13) {
        /* RFC 8446 2: the server's EncryptedExtensions..Finished and the
         * client's Finished travel as application_data records too. */
        if (!f->finished[DIR_C2S].packet) {
            if (d == DIR_S2C) {
                f->tls13_server_hs_records++;
                first_ref(&f->finished[DIR_S2C], x->ref);
                return;
            }
            /* A Finished is at least 32 + 1 + 16 bytes protected; a
             * shorter record is an alert sent instead of it (4.4.4, 5.2). */
            if (it->record_len <= TLS13_ALERT_RECORD_MAX) {
                if (f->alert_sized_records[d]++ == 0)
                    f->first_alert_sized[d] = *x->ref;
                return;
            }
            f->finished[DIR_C2S] = *x->ref;
            return;
        }
        if (it->record_len <= TLS13_ALERT_RECORD_MAX) {
            if (f->alert_sized_records[d]++ == 0)
                f->first_alert_sized[d] = *x->ref;
            return;
        }
    }
    if (f->app_records[d]++ == 0)
        f->first_app[d] = *x->ref;
    f->app_bytes[d] += it->record_len;
}

static void on_item(void *ctx, const tls_item *it)
{
    item_ctx *x = ctx;
    tls_facts *f = x->f;
    switch (it->kind) {
    case TLS_ITEM_HANDSHAKE: on_handshake(x, it); break;
    case TLS_ITEM_HANDSHAKE_CAPPED:
        timeline_add(&x->c->tl, EV_TLS_HANDSHAKE, x->dir, x->ref, it->hs_type, 0);
        if (it->hs_type == TLS_HS_CERTIFICATE && x->dir == DIR_S2C && !f->has_certificate) {
            f->has_certificate = true;
            f->certificate_capped = true;
            f->certificate_ref = *x->ref;
        }
        break;
    case TLS_ITEM_CHANGE_CIPHER_SPEC: first_ref(&f->ccs[x->dir], x->ref); break;
    case TLS_ITEM_ENCRYPTED_HANDSHAKE:
        if (!f->finished[x->dir].packet) {
            f->finished[x->dir] = *x->ref;
            timeline_add(&x->c->tl, EV_TLS_HANDSHAKE, x->dir, x->ref, TLS_HS_FINISHED, 1);
        }
        break;
    case TLS_ITEM_ALERT:
        add_alert(x, false, it->alert_level, it->alert_desc, it->record_len);
        break;
    case TLS_ITEM_ENCRYPTED_ALERT: add_alert(x, true, 0, 0, it->record_len); break;
    case TLS_ITEM_APPLICATION_DATA: on_application_data(x, it); break;
    case TLS_ITEM_MALFORMED: note_problem(f, x->ref, it->problem); break;
    default: break;
    }
}

/* Once a direction is protected its handshake buffer is not needed. */
static void release_buffers(tls_facts *f, direction dir)
{
    tls_stream *s = &f->stream[dir];
    if ((s->encrypted || s->tls13) && s->hs_len == 0 && s->hs)
        tls_stream_free(s);
}

void layer_tls_bytes(connection *c, direction dir, const uint8_t *p, size_t len,
                     const pkt_ref *ref)
{
    conn_dir *d = &c->dir[dir];
    tls_facts *f = facts_of(c);
    item_ctx x = { c, f, dir, ref };
    if (d->resyncing) {
        size_t at = conn_find_resync(STREAM_TLS, p, len);
        if (at == len)
            return; /* still lost: these bytes cannot be framed */
        d->resyncing = false;
        d->resyncs++;
        d->skip = 0;
        d->hdr_len = 0;
        p += at;
        len -= at;
        if (f)
            tls_stream_lost(&f->stream[dir]);
        decrypt_glue_lost(c, dir); /* issue 7: decryption beside the record layer */
    }
    /* A capture gap inside a record's body shortens what is left to skip
     * (connection.c): that record's contents are lost. */
    if (f && f->stream[dir].in_record && f->stream[dir].record_left != d->skip) {
        tls_stream_lost(&f->stream[dir]);
        decrypt_glue_lost(c, dir);
    }
    while (len > 0 && d->state == STREAM_TLS) {
        if (d->skip > 0) {
            size_t n = d->skip < len ? (size_t)d->skip : len;
            if (f)
                tls_stream_data(&f->stream[dir], p, n, on_item, &x);
            decrypt_glue_data(c, dir, p, n, ref);
            d->skip -= n;
            p += n;
            len -= n;
            continue;
        }
        /* Collect the 5-byte record header. */
        size_t n = 5u - d->hdr_len < len ? 5u - d->hdr_len : len;
        memcpy(d->hdr + d->hdr_len, p, n);
        d->hdr_len = (uint8_t)(d->hdr_len + n);
        p += n;
        len -= n;
        frame_info fi = rdp_frame_probe(d->hdr, d->hdr_len, 0);
        if (fi.kind == FRAME_NEED_MORE)
            continue;
        if (fi.kind != FRAME_TLS) {
            if (f && f->fatal_alert) {
                /* After a fatal alert TLS is over; xrdp, for one, then
                 * sends a plaintext MCS Disconnect Provider Ultimatum.
                 * Not malformed TLS: a fact of its own. */
                first_ref(&f->plaintext_after_alert[dir], ref);
                d->state = STREAM_OPAQUE;
                break;
            }
            conn_layer_malformed(c, dir, LAYER_TLS, ref,
                                 fi.kind == FRAME_INVALID ? fi.problem
                                                          : "not a TLS record where one was expected");
            break;
        }
        record_tls(c, dir, d->hdr, fi.length, ref);
        if (f)
            tls_stream_record(&f->stream[dir], d->hdr, on_item, &x);
        decrypt_glue_record(c, dir, d->hdr, ref);
        d->secure_pdus++;
        d->secure_bytes += fi.length;
        d->skip = fi.length - d->hdr_len; /* a TLS record is never shorter than its header */
        d->hdr_len = 0;
    }
    if (f)
        release_buffers(f, dir);
    conn_maybe_stop_payload(c);
}

/* ---- shared readings of the facts (tls_facts.h) ------------------------- */

bool tls_facts_client_finished(const tls_facts *f) { return f->finished[DIR_C2S].packet != 0; }

bool tls_facts_handshake_complete(const tls_facts *f)
{
    if (f->version == TLS_VERSION_1_3)
        return f->finished[DIR_C2S].packet != 0;
    return f->finished[DIR_C2S].packet != 0 && f->finished[DIR_S2C].packet != 0;
}

uint16_t tls_facts_client_max_version(const tls_facts *f)
{
    uint16_t best = 0;
    if (f->ch.has_supported_versions) {
        for (unsigned i = 0; i < f->ch.n_versions; i++)
            if (!tls_is_grease(f->ch.versions[i]) && f->ch.versions[i] > best)
                best = f->ch.versions[i];
    }
    return best ? best : f->ch.legacy_version;
}

bool tls_facts_client_offers_version(const tls_facts *f, uint16_t version)
{
    if (f->ch.has_supported_versions && f->ch.n_versions > 0) {
        for (unsigned i = 0; i < f->ch.n_versions; i++)
            if (f->ch.versions[i] == version)
                return true;
        return false;
    }
    /* RFC 5246 E.1: the client supports client_version and, as far as the
     * wire tells, anything below it. */
    return version <= f->ch.legacy_version && version >= 0x0301;
}

void tls_facts_client_versions_str(const tls_facts *f, char *buf, size_t buflen)
{
    char v[32];
    buf[0] = '\0';
    if (!f->ch.has_supported_versions || f->ch.n_versions == 0) {
        tls_version_str(f->ch.legacy_version, v, sizeof v);
        text_fmt(buf, buflen, "up to %s (no supported_versions extension)", v);
        return;
    }
    size_t n = 0;
    for (unsigned i = 0; i < f->ch.n_versions && n + 1 < buflen; i++) {
        if (tls_is_grease(f->ch.versions[i]))
            continue;
        tls_version_str(f->ch.versions[i], v, sizeof v);
        text_fmt(buf + n, buflen - n, "%s%s", n ? ", " : "", v);
        n = strlen(buf);
    }
}

bool tls_facts_client_offers_suite(const tls_facts *f, uint16_t suite)
{
    for (unsigned i = 0; i < f->ch.n_suites; i++)
        if (f->ch.suites[i] == suite)
            return true;
    return false;
}

const tls_alert_fact *tls_facts_first_fatal(const tls_facts *f, direction dir)
{
    for (unsigned i = 0; i < f->n_alerts; i++) {
        const tls_alert_fact *a = &f->alerts[i];
        if (!a->encrypted && a->level == TLS_ALERT_FATAL && (dir == DIR_NONE || a->dir == dir))
            return a;
    }
    return NULL;
}

const tls_alert_fact *tls_facts_first_encrypted_alert(const tls_facts *f, direction dir)
{
    for (unsigned i = 0; i < f->n_alerts; i++)
        if (f->alerts[i].encrypted && f->alerts[i].dir == dir)
            return &f->alerts[i];
    return NULL;
}

static void add_problem(char *buf, size_t buflen, const char *text)
{
    size_t n = strlen(buf);
    text_fmt(buf + n, buflen - n, "%s%s", n ? "; " : "", text);
}

void tls_facts_cert_problems(const tls_facts *f, char *buf, size_t buflen)
{
    buf[0] = '\0';
    if (!f->has_certificate || f->n_certs == 0 || !f->certs[0].parsed)
        return;
    const x509_info *x = &f->certs[0];
    char t[160], a[40], b[40];
    if (x->self_signed)
        add_problem(buf, buflen, "self-signed");
    if (f->chain == X509_CHAIN_FAILED) {
        text_fmt(t, sizeof t, "chain not valid against the CA file: %s", f->chain_error);
        add_problem(buf, buflen, t);
    }
    if (x->validity_known && x->expired) {
        x509_time_str(x->not_after, a, sizeof a);
        text_fmt(t, sizeof t, "expired %s", a);
        add_problem(buf, buflen, t);
    }
    if (x->validity_known && x->not_yet_valid) {
        x509_time_str(x->not_before, b, sizeof b);
        text_fmt(t, sizeof t, "not valid before %s", b);
        add_problem(buf, buflen, t);
    }
    if (f->expected_name[0] && !f->name_matches) {
        text_fmt(t, sizeof t, "name mismatch: for %s, client asked for %s%s",
               x->n_sans ? x->sans[0].value : (x->common_name[0] ? x->common_name : "(no name)"),
               f->expected_name, f->expected_from_sni ? " (SNI)" : " (address, no SNI)");
        add_problem(buf, buflen, t);
    }
    if (x->weak_key) {
        text_fmt(t, sizeof t, "weak key (%s %d bits)", x->key_type, x->key_bits);
        add_problem(buf, buflen, t);
    }
    if (x->weak_signature) {
        text_fmt(t, sizeof t, "weak signature (%s)", x->signature_algorithm);
        add_problem(buf, buflen, t);
    }
    if (x->has_eku && !x->eku_server_auth && !x->eku_rdp_auth && !x->eku_any) {
        text_fmt(t, sizeof t, "no Server Authentication EKU (%s)", x->eku_text);
        add_problem(buf, buflen, t);
    }
    if (x->has_key_usage && !(x->key_usage & (X509_KU_DIGITAL_SIGNATURE | X509_KU_KEY_ENCIPHERMENT |
                                              X509_KU_KEY_AGREEMENT)))
        add_problem(buf, buflen, "key usage forbids TLS server use");
}

void tls_facts_describe_event(const tl_event *e, char *buf, size_t buflen)
{
    if (e->type == EV_TLS_HANDSHAKE) {
        const char *n = tls_handshake_name((uint8_t)e->a);
        if (n)
            text_fmt(buf, buflen, "TLS %s%s", e->b ? "encrypted " : "", n);
        else
            text_fmt(buf, buflen, "TLS handshake message %u", e->a);
        return;
    }
    if (e->b) {
        text_fmt(buf, buflen, "TLS encrypted alert");
        return;
    }
    uint8_t level = (uint8_t)(e->a >> 8), desc = (uint8_t)e->a;
    const char *n = tls_alert_name(desc);
    text_fmt(buf, buflen, "TLS alert %s %s (%u)",
           level == 2 ? "fatal" : level == 1 ? "warning" : "level?", n ? n : "unknown", desc);
}

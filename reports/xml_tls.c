/* xml_tls.c - the <tls> element (see xml_tls.h): versions and suites
 * offered and chosen, the fingerprints, the server's certificate, key
 * exchange, alerts and who switched to protected records when. Every string
 * goes through atomic_text_clean(), and the tree escapes on output (xml_tree.h). */
#include "xml_tls.h"
#include "textfmt.h"

#include "atomic.h"
#include "xml_put.h"
#include "tls_facts.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

typedef xml_put tls_writer;

static void attr_version(tls_writer *w, xt_ptr n, const char *name, uint16_t v)
{
    char b[32];
    tls_version_str(v, b, sizeof b);
    xp_attr(w, n, name, b);
}

/* <NAME code="0x...." name="..."/> for a value with a name table. */
static xt_ptr coded(tls_writer *w, xt_ptr parent, const char *elem, uint16_t code,
                        const char *name)
{
    xt_ptr n = xp_child(w, parent, elem);
    xp_attr_hex16(w, n, "code", code);
    if (name)
        xp_attr(w, n, "name", name);
    if (tls_is_grease(code))
        xp_attr_bool(w, n, "grease", true);
    return n;
}

static void suite_elem(tls_writer *w, xt_ptr parent, uint16_t code, int common)
{
    const tls_suite_info *si = tls_suite_lookup(code);
    xt_ptr n = coded(w, parent, "suite", code, si ? si->iana : NULL);
    if (si && si->openssl)
        xp_attr(w, n, "openssl", si->openssl);
    if (si)
        xp_attr(w, n, "key_exchange", tls_kx_name(si->kx));
    if (common >= 0)
        xp_attr_bool(w, n, "chosen", common == 1);
}

static void client_hello(tls_writer *w, xt_ptr tls, const tls_facts *f)
{
    const tls_client_hello *ch = &f->ch;
    xt_ptr n = xp_child(w, tls, "client_hello");
    xp_attr_ref(w, n, "packet", "time", &f->client_hello_ref);
    attr_version(w, n, "legacy_version", ch->legacy_version);
    attr_version(w, n, "max_version", tls_facts_client_max_version(f));
    if (ch->has_sni)
        xp_attr(w, n, "sni", ch->sni);
    xp_attr_u64(w, n, "count", f->client_hellos);
    xp_attr_bool(w, n, "extended_master_secret", ch->extended_master_secret);
    xp_attr_bool(w, n, "renegotiation_info", ch->renegotiation_info);
    xp_attr_bool(w, n, "session_ticket", ch->session_ticket);
    /* A TLS 1.3 client sends a random legacy session id for middlebox
     * compatibility (RFC 8446 D.4): only below 1.3 does it ask to resume. */
    xp_attr_bool(w, n, "resumption_attempt",
              (ch->session_id_len > 0 && tls_facts_client_max_version(f) < TLS_VERSION_1_3) ||
                  ch->session_ticket_resumption || ch->pre_shared_key);
    xp_attr(w, n, "ja3", f->ja3);
    xp_attr(w, n, "ja4", f->ja4);
    if (ch->suites_capped || ch->extensions_capped)
        xp_attr_bool(w, n, "capped", true);
    for (unsigned i = 0; i < ch->n_versions; i++)
        coded(w, n, "version", ch->versions[i], tls_version_name(ch->versions[i]));
    for (unsigned i = 0; i < ch->n_suites; i++)
        suite_elem(w, n, ch->suites[i],
                   f->has_server_hello ? (ch->suites[i] == f->sh.suite ? 1 : 0) : -1);
    for (unsigned i = 0; i < ch->n_extensions; i++)
        coded(w, n, "extension", ch->extensions[i], tls_extension_name(ch->extensions[i]));
    for (unsigned i = 0; i < ch->n_groups; i++)
        coded(w, n, "group", ch->groups[i], tls_group_name(ch->groups[i]));
    for (unsigned i = 0; i < ch->n_key_shares; i++)
        coded(w, n, "key_share", ch->key_share_groups[i], tls_group_name(ch->key_share_groups[i]));
    for (unsigned i = 0; i < ch->n_sigalgs; i++)
        coded(w, n, "signature_algorithm", ch->sigalgs[i], tls_sigalg_name(ch->sigalgs[i]));
    for (unsigned i = 0; i < ch->n_alpn; i++)
        xp_text_child(w, n, "alpn", ch->alpn[i]);
    xp_text_child(w, n, "ja3_string", f->ja3_text);
}

static void server_hello(tls_writer *w, xt_ptr tls, const tls_facts *f)
{
    const tls_server_hello *sh = &f->sh;
    xt_ptr n = xp_child(w, tls, "server_hello");
    xp_attr_ref(w, n, "packet", "time", &f->server_hello_ref);
    attr_version(w, n, "legacy_version", sh->legacy_version);
    attr_version(w, n, "selected_version", sh->selected_version);
    xp_attr_bool(w, n, "extended_master_secret", sh->extended_master_secret);
    xp_attr_bool(w, n, "renegotiation_info", sh->renegotiation_info);
    if (sh->has_alpn)
        xp_attr(w, n, "alpn", sh->alpn);
    if (sh->has_key_share) {
        const char *g = tls_group_name(sh->key_share_group);
        char b[32];
        if (!g) {
            text_fmt(b, sizeof b, "0x%04x", sh->key_share_group);
            g = b;
        }
        xp_attr(w, n, "key_share", g);
    }
    xp_attr(w, n, "ja3s", f->ja3s);
    xp_attr(w, n, "ja4s", f->ja4s);
    suite_elem(w, n, sh->suite, -1);
    for (unsigned i = 0; i < sh->n_extensions; i++)
        coded(w, n, "extension", sh->extensions[i], tls_extension_name(sh->extensions[i]));
    xp_text_child(w, n, "ja3s_string", f->ja3s_text);
}

static void cert_elem(tls_writer *w, xt_ptr parent, const x509_info *x, unsigned index)
{
    xt_ptr n = xp_child(w, parent, "cert");
    xp_attr_u64(w, n, "index", index);
    xp_attr_bool(w, n, "parsed", x->parsed);
    if (!x->parsed)
        return;
    xp_attr(w, n, "subject", x->subject);
    xp_attr(w, n, "issuer", x->issuer);
    if (x->common_name[0])
        xp_attr(w, n, "common_name", x->common_name);
    if (x->validity_known) {
        char b[40];
        x509_time_str(x->not_before, b, sizeof b);
        xp_attr(w, n, "not_before", b);
        x509_time_str(x->not_after, b, sizeof b);
        xp_attr(w, n, "not_after", b);
    }
    xp_attr_bool(w, n, "expired", x->expired);
    xp_attr_bool(w, n, "not_yet_valid", x->not_yet_valid);
    xp_attr_bool(w, n, "self_signed", x->self_signed);
    xp_attr(w, n, "key_type", x->key_type);
    xp_attr_u64(w, n, "key_bits", (uint64_t)(x->key_bits > 0 ? x->key_bits : 0));
    if (x->key_curve[0])
        xp_attr(w, n, "key_curve", x->key_curve);
    xp_attr_bool(w, n, "weak_key", x->weak_key);
    xp_attr(w, n, "signature_algorithm", x->signature_algorithm);
    xp_attr_bool(w, n, "weak_signature", x->weak_signature);
    xp_attr_bool(w, n, "ca", x->is_ca);
    if (x->has_key_usage) {
        char b[8];
        text_fmt(b, sizeof b, "0x%04x", (unsigned)(x->key_usage & 0xFFFFu));
        xp_attr(w, n, "key_usage", b);
    }
    if (x->has_eku) {
        xp_attr(w, n, "extended_key_usage", x->eku_text);
        xp_attr_bool(w, n, "server_authentication", x->eku_server_auth || x->eku_any);
        xp_attr_bool(w, n, "remote_desktop_authentication", x->eku_rdp_auth);
    }
    xp_attr(w, n, "sha256", x->sha256_hex);
    for (unsigned i = 0; i < x->n_sans; i++) {
        xt_ptr s = xp_text_child(w, n, "san", x->sans[i].value);
        xp_attr(w, s, "type", x->sans[i].type == X509_SAN_IP ? "ip" : "dns");
    }
}

static void certificate(tls_writer *w, xt_ptr tls, const tls_facts *f)
{
    xt_ptr n = xp_child(w, tls, "certificate");
    xp_attr_ref(w, n, "packet", "time", &f->certificate_ref);
    xp_attr_u64(w, n, "count", f->n_certs);
    if (f->certificate_capped)
        xp_attr_bool(w, n, "capped", true);
    unsigned k = f->n_certs < TLS_FACTS_MAX_CERTS ? f->n_certs : TLS_FACTS_MAX_CERTS;
    for (unsigned i = 0; i < k; i++)
        cert_elem(w, n, &f->certs[i], i);
    if (f->expected_name[0]) {
        xt_ptr m = xp_child(w, n, "name_check");
        xp_attr(w, m, "name", f->expected_name);
        xp_attr(w, m, "from", f->expected_from_sni ? "sni" : "address");
        xp_attr_bool(w, m, "matches", f->name_matches);
    }
    xt_ptr ch = xp_child(w, n, "chain");
    xp_attr(w, ch, "status", f->chain == X509_CHAIN_OK       ? "ok"
                          : f->chain == X509_CHAIN_FAILED ? "failed"
                                                          : "not_checked");
    if (f->chain_error[0])
        xp_attr(w, ch, "error", f->chain_error);
    char problems[400];
    tls_facts_cert_problems(f, problems, sizeof problems);
    if (problems[0])
        xp_text_child(w, n, "problems", problems);
}

static void dir_ref(tls_writer *w, xt_ptr tls, const char *elem, direction d, const pkt_ref *r)
{
    if (!r->packet)
        return;
    xt_ptr n = xp_child(w, tls, elem);
    xp_attr(w, n, "from", direction_name(d));
    xp_attr_ref(w, n, "packet", "time", r);
}

static void plain_ref(tls_writer *w, xt_ptr tls, const char *elem, const pkt_ref *r)
{
    if (!r->packet)
        return;
    xt_ptr n = xp_child(w, tls, elem);
    xp_attr_ref(w, n, "packet", "time", r);
}

bool xml_tls(xt_ptr conn, const connection *c)
{
    const tls_facts *f = c->tls;
    if (!f || !conn)
        return true;
    tls_writer w = { false };
    xt_ptr n = xp_child(&w, conn, "tls");
    if (f->version)
        attr_version(&w, n, "version", f->version);
    if (f->has_server_hello) {
        const tls_suite_info *si = tls_suite_lookup(f->sh.suite);
        char b[160];
        tls_suite_str(f->sh.suite, b, sizeof b);
        xp_attr(&w, n, "suite", b);
        tls_kx kx = si ? si->kx : TLS_KX_UNKNOWN;
        xp_attr(&w, n, "key_exchange", tls_kx_name(kx));
        /* Only RSA key transport lets the server's private key decrypt a
         * capture; (EC)DHE and TLS 1.3 need the session's key log. */
        xp_attr_bool(&w, n, "rsa_key_can_decrypt", kx == TLS_KX_RSA && f->version != TLS_VERSION_1_3);
        xp_attr_bool(&w, n, "resumed", f->resumed);
    }
    xp_attr_bool(&w, n, "handshake_complete", tls_facts_handshake_complete(f));
    if (f->has_client_hello)
        client_hello(&w, n, f);
    if (f->hello_retry) {
        xt_ptr h = xp_child(&w, n, "hello_retry_request");
        xp_attr_ref(&w, h, "packet", "time", &f->hello_retry_ref);
        const char *g = tls_group_name(f->hello_retry_group);
        if (g)
            xp_attr(&w, h, "group", g);
    }
    if (f->has_server_hello)
        server_hello(&w, n, f);
    if (f->has_certificate)
        certificate(&w, n, f);
    else if (f->version == TLS_VERSION_1_3)
        xp_text_child(&w, n, "certificate_encrypted",
                   "TLS 1.3: the server's certificate travels encrypted and was not examined");
    if (f->has_server_kx) {
        xt_ptr k = xp_child(&w, n, "server_key_exchange");
        xp_attr_ref(&w, k, "packet", "time", &f->server_kx_ref);
        if (f->server_kx.ecdhe) {
            const char *g = tls_group_name(f->server_kx.group);
            xp_attr_hex16(&w, k, "group_code", f->server_kx.group);
            if (g)
                xp_attr(&w, k, "group", g);
        }
        if (f->server_kx.dhe)
            xp_attr_u64(&w, k, "dh_bits", f->server_kx.dh_bits);
    }
    plain_ref(&w, n, "certificate_request", &f->cert_request_ref);
    plain_ref(&w, n, "server_hello_done", &f->server_hello_done_ref);
    plain_ref(&w, n, "client_key_exchange", &f->client_kx_ref);
    plain_ref(&w, n, "new_session_ticket", &f->new_session_ticket_ref);
    for (int d = 0; d < 2; d++)
        dir_ref(&w, n, "change_cipher_spec", (direction)d, &f->ccs[d]);
    for (int d = 0; d < 2; d++)
        dir_ref(&w, n, "finished", (direction)d, &f->finished[d]);
    for (unsigned i = 0; i < f->n_alerts; i++) {
        const tls_alert_fact *a = &f->alerts[i];
        xt_ptr al = xp_child(&w, n, "alert");
        xp_attr(&w, al, "from", direction_name(a->dir));
        xp_attr_ref(&w, al, "packet", "time", &a->ref);
        xp_attr_bool(&w, al, "encrypted", a->encrypted);
        xp_attr_u64(&w, al, "record_length", a->record_len);
        if (!a->encrypted) {
            xp_attr(&w, al, "level", a->level == 2 ? "fatal" : a->level == 1 ? "warning" : "unknown");
            xp_attr_u64(&w, al, "description", a->description);
            const char *nm = tls_alert_name(a->description);
            if (nm)
                xp_attr(&w, al, "name", nm);
        }
    }
    if (f->alerts_dropped)
        xp_attr_u64(&w, n, "alerts_dropped", f->alerts_dropped);
    for (int d = 0; d < 2; d++) {
        if (!f->app_records[d] && !f->alert_sized_records[d])
            continue;
        xt_ptr ad = xp_child(&w, n, "application_data");
        xp_attr(&w, ad, "from", direction_name((direction)d));
        xp_attr_ref(&w, ad, "packet", "time", &f->first_app[d]);
        xp_attr_u64(&w, ad, "records", f->app_records[d]);
        xp_attr_u64(&w, ad, "bytes", f->app_bytes[d]);
        if (f->alert_sized_records[d])
            xp_attr_u64(&w, ad, "alert_sized_records", f->alert_sized_records[d]);
    }
    for (int d = 0; d < 2; d++)
        dir_ref(&w, n, "plaintext_after_alert", (direction)d, &f->plaintext_after_alert[d]);
    if (f->malformed) {
        xt_ptr p = xp_text_child(&w, n, "problem", f->problem);
        xp_attr_ref(&w, p, "packet", "time", &f->problem_ref);
    }
    return !w.failed;
}

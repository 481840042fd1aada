/* xml_tls.c - the <tls> element (see xml_tls.h): versions and suites
 * offered and chosen, the fingerprints, the server's certificate, key
 * exchange, alerts and who switched to protected records when. Every string
 * goes through atomic_text_clean(), and the tree escapes on output (xml_tree.h). */
#include "xml_tls.h"

#include "atomic.h"
#include "tls_facts.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    bool failed;
} tls_writer;

static xt_ptr child(tls_writer *w, xt_ptr parent, const char *name)
{
    if (!parent)
        return NULL;
    xt_ptr n = xt_new_child(parent, name);
    if (!n)
        w->failed = true;
    return n;
}

static xt_ptr text_child(tls_writer *w, xt_ptr parent, const char *name, const char *text)
{
    if (!parent)
        return NULL;
    char clean[1024];
    atomic_text_clean(text, clean, sizeof clean);
    xt_ptr n = xt_new_text_child(parent, name, clean);
    if (!n)
        w->failed = true;
    return n;
}

static void attr(tls_writer *w, xt_ptr n, const char *name, const char *value)
{
    if (!n || !value)
        return;
    char clean[1024];
    atomic_text_clean(value, clean, sizeof clean);
    if (!xt_new_prop(n, name, clean))
        w->failed = true;
}

static void attr_u64(tls_writer *w, xt_ptr n, const char *name, uint64_t v)
{
    char b[24];
    snprintf(b, sizeof b, "%" PRIu64, v);
    attr(w, n, name, b);
}

static void attr_hex16(tls_writer *w, xt_ptr n, const char *name, uint16_t v)
{
    char b[8];
    snprintf(b, sizeof b, "0x%04x", v);
    attr(w, n, name, b);
}

static void attr_bool(tls_writer *w, xt_ptr n, const char *name, bool v)
{
    attr(w, n, name, v ? "true" : "false");
}

static void attr_ref(tls_writer *w, xt_ptr n, const pkt_ref *ref)
{
    if (!ref->packet)
        return;
    rt_time t = ref->ts;
    if (t.nsec >= 1000000000u) {
        t.sec += t.nsec / 1000000000u;
        t.nsec %= 1000000000u;
    }
    char b[64];
    rt_time_iso(t, b, sizeof b);
    attr_u64(w, n, "packet", ref->packet);
    attr(w, n, "time", b);
}

static void attr_version(tls_writer *w, xt_ptr n, const char *name, uint16_t v)
{
    char b[32];
    tls_version_str(v, b, sizeof b);
    attr(w, n, name, b);
}

/* <NAME code="0x...." name="..."/> for a value with a name table. */
static xt_ptr coded(tls_writer *w, xt_ptr parent, const char *elem, uint16_t code,
                        const char *name)
{
    xt_ptr n = child(w, parent, elem);
    attr_hex16(w, n, "code", code);
    if (name)
        attr(w, n, "name", name);
    if (tls_is_grease(code))
        attr_bool(w, n, "grease", true);
    return n;
}

static void suite_elem(tls_writer *w, xt_ptr parent, uint16_t code, int common)
{
    const tls_suite_info *si = tls_suite_lookup(code);
    xt_ptr n = coded(w, parent, "suite", code, si ? si->iana : NULL);
    if (si && si->openssl)
        attr(w, n, "openssl", si->openssl);
    if (si)
        attr(w, n, "key_exchange", tls_kx_name(si->kx));
    if (common >= 0)
        attr_bool(w, n, "chosen", common == 1);
}

static void client_hello(tls_writer *w, xt_ptr tls, const tls_facts *f)
{
    const tls_client_hello *ch = &f->ch;
    xt_ptr n = child(w, tls, "client_hello");
    attr_ref(w, n, &f->client_hello_ref);
    attr_version(w, n, "legacy_version", ch->legacy_version);
    attr_version(w, n, "max_version", tls_facts_client_max_version(f));
    if (ch->has_sni)
        attr(w, n, "sni", ch->sni);
    attr_u64(w, n, "count", f->client_hellos);
    attr_bool(w, n, "extended_master_secret", ch->extended_master_secret);
    attr_bool(w, n, "renegotiation_info", ch->renegotiation_info);
    attr_bool(w, n, "session_ticket", ch->session_ticket);
    /* A TLS 1.3 client sends a random legacy session id for middlebox
     * compatibility (RFC 8446 D.4): only below 1.3 does it ask to resume. */
    attr_bool(w, n, "resumption_attempt",
              (ch->session_id_len > 0 && tls_facts_client_max_version(f) < TLS_VERSION_1_3) ||
                  ch->session_ticket_resumption || ch->pre_shared_key);
    attr(w, n, "ja3", f->ja3);
    attr(w, n, "ja4", f->ja4);
    if (ch->suites_capped || ch->extensions_capped)
        attr_bool(w, n, "capped", true);
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
        text_child(w, n, "alpn", ch->alpn[i]);
    text_child(w, n, "ja3_string", f->ja3_text);
}

static void server_hello(tls_writer *w, xt_ptr tls, const tls_facts *f)
{
    const tls_server_hello *sh = &f->sh;
    xt_ptr n = child(w, tls, "server_hello");
    attr_ref(w, n, &f->server_hello_ref);
    attr_version(w, n, "legacy_version", sh->legacy_version);
    attr_version(w, n, "selected_version", sh->selected_version);
    attr_bool(w, n, "extended_master_secret", sh->extended_master_secret);
    attr_bool(w, n, "renegotiation_info", sh->renegotiation_info);
    if (sh->has_alpn)
        attr(w, n, "alpn", sh->alpn);
    if (sh->has_key_share) {
        const char *g = tls_group_name(sh->key_share_group);
        char b[32];
        if (!g) {
            snprintf(b, sizeof b, "0x%04x", sh->key_share_group);
            g = b;
        }
        attr(w, n, "key_share", g);
    }
    attr(w, n, "ja3s", f->ja3s);
    attr(w, n, "ja4s", f->ja4s);
    suite_elem(w, n, sh->suite, -1);
    for (unsigned i = 0; i < sh->n_extensions; i++)
        coded(w, n, "extension", sh->extensions[i], tls_extension_name(sh->extensions[i]));
    text_child(w, n, "ja3s_string", f->ja3s_text);
}

static void cert_elem(tls_writer *w, xt_ptr parent, const x509_info *x, unsigned index)
{
    xt_ptr n = child(w, parent, "cert");
    attr_u64(w, n, "index", index);
    attr_bool(w, n, "parsed", x->parsed);
    if (!x->parsed)
        return;
    attr(w, n, "subject", x->subject);
    attr(w, n, "issuer", x->issuer);
    if (x->common_name[0])
        attr(w, n, "common_name", x->common_name);
    if (x->validity_known) {
        char b[40];
        x509_time_str(x->not_before, b, sizeof b);
        attr(w, n, "not_before", b);
        x509_time_str(x->not_after, b, sizeof b);
        attr(w, n, "not_after", b);
    }
    attr_bool(w, n, "expired", x->expired);
    attr_bool(w, n, "not_yet_valid", x->not_yet_valid);
    attr_bool(w, n, "self_signed", x->self_signed);
    attr(w, n, "key_type", x->key_type);
    attr_u64(w, n, "key_bits", (uint64_t)(x->key_bits > 0 ? x->key_bits : 0));
    if (x->key_curve[0])
        attr(w, n, "key_curve", x->key_curve);
    attr_bool(w, n, "weak_key", x->weak_key);
    attr(w, n, "signature_algorithm", x->signature_algorithm);
    attr_bool(w, n, "weak_signature", x->weak_signature);
    attr_bool(w, n, "ca", x->is_ca);
    if (x->has_key_usage) {
        char b[8];
        snprintf(b, sizeof b, "0x%04x", (unsigned)(x->key_usage & 0xFFFFu));
        attr(w, n, "key_usage", b);
    }
    if (x->has_eku) {
        attr(w, n, "extended_key_usage", x->eku_text);
        attr_bool(w, n, "server_authentication", x->eku_server_auth || x->eku_any);
        attr_bool(w, n, "remote_desktop_authentication", x->eku_rdp_auth);
    }
    attr(w, n, "sha256", x->sha256_hex);
    for (unsigned i = 0; i < x->n_sans; i++) {
        xt_ptr s = text_child(w, n, "san", x->sans[i].value);
        attr(w, s, "type", x->sans[i].type == X509_SAN_IP ? "ip" : "dns");
    }
}

static void certificate(tls_writer *w, xt_ptr tls, const tls_facts *f)
{
    xt_ptr n = child(w, tls, "certificate");
    attr_ref(w, n, &f->certificate_ref);
    attr_u64(w, n, "count", f->n_certs);
    if (f->certificate_capped)
        attr_bool(w, n, "capped", true);
    unsigned k = f->n_certs < TLS_FACTS_MAX_CERTS ? f->n_certs : TLS_FACTS_MAX_CERTS;
    for (unsigned i = 0; i < k; i++)
        cert_elem(w, n, &f->certs[i], i);
    if (f->expected_name[0]) {
        xt_ptr m = child(w, n, "name_check");
        attr(w, m, "name", f->expected_name);
        attr(w, m, "from", f->expected_from_sni ? "sni" : "address");
        attr_bool(w, m, "matches", f->name_matches);
    }
    xt_ptr ch = child(w, n, "chain");
    attr(w, ch, "status", f->chain == X509_CHAIN_OK       ? "ok"
                          : f->chain == X509_CHAIN_FAILED ? "failed"
                                                          : "not_checked");
    if (f->chain_error[0])
        attr(w, ch, "error", f->chain_error);
    char problems[400];
    tls_facts_cert_problems(f, problems, sizeof problems);
    if (problems[0])
        text_child(w, n, "problems", problems);
}

static void dir_ref(tls_writer *w, xt_ptr tls, const char *elem, direction d, const pkt_ref *r)
{
    if (!r->packet)
        return;
    xt_ptr n = child(w, tls, elem);
    attr(w, n, "from", direction_name(d));
    attr_ref(w, n, r);
}

static void plain_ref(tls_writer *w, xt_ptr tls, const char *elem, const pkt_ref *r)
{
    if (!r->packet)
        return;
    xt_ptr n = child(w, tls, elem);
    attr_ref(w, n, r);
}

bool xml_tls(xt_ptr conn, const connection *c)
{
    const tls_facts *f = c->tls;
    if (!f || !conn)
        return true;
    tls_writer w = { false };
    xt_ptr n = child(&w, conn, "tls");
    if (f->version)
        attr_version(&w, n, "version", f->version);
    if (f->has_server_hello) {
        const tls_suite_info *si = tls_suite_lookup(f->sh.suite);
        char b[160];
        tls_suite_str(f->sh.suite, b, sizeof b);
        attr(&w, n, "suite", b);
        tls_kx kx = si ? si->kx : TLS_KX_UNKNOWN;
        attr(&w, n, "key_exchange", tls_kx_name(kx));
        /* Only RSA key transport lets the server's private key decrypt a
         * capture; (EC)DHE and TLS 1.3 need the session's key log. */
        attr_bool(&w, n, "rsa_key_can_decrypt", kx == TLS_KX_RSA && f->version != TLS_VERSION_1_3);
        attr_bool(&w, n, "resumed", f->resumed);
    }
    attr_bool(&w, n, "handshake_complete", tls_facts_handshake_complete(f));
    if (f->has_client_hello)
        client_hello(&w, n, f);
    if (f->hello_retry) {
        xt_ptr h = child(&w, n, "hello_retry_request");
        attr_ref(&w, h, &f->hello_retry_ref);
        const char *g = tls_group_name(f->hello_retry_group);
        if (g)
            attr(&w, h, "group", g);
    }
    if (f->has_server_hello)
        server_hello(&w, n, f);
    if (f->has_certificate)
        certificate(&w, n, f);
    else if (f->version == TLS_VERSION_1_3)
        text_child(&w, n, "certificate_encrypted",
                   "TLS 1.3: the server's certificate travels encrypted and was not examined");
    if (f->has_server_kx) {
        xt_ptr k = child(&w, n, "server_key_exchange");
        attr_ref(&w, k, &f->server_kx_ref);
        if (f->server_kx.ecdhe) {
            const char *g = tls_group_name(f->server_kx.group);
            attr_hex16(&w, k, "group_code", f->server_kx.group);
            if (g)
                attr(&w, k, "group", g);
        }
        if (f->server_kx.dhe)
            attr_u64(&w, k, "dh_bits", f->server_kx.dh_bits);
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
        xt_ptr al = child(&w, n, "alert");
        attr(&w, al, "from", direction_name(a->dir));
        attr_ref(&w, al, &a->ref);
        attr_bool(&w, al, "encrypted", a->encrypted);
        attr_u64(&w, al, "record_length", a->record_len);
        if (!a->encrypted) {
            attr(&w, al, "level", a->level == 2 ? "fatal" : a->level == 1 ? "warning" : "unknown");
            attr_u64(&w, al, "description", a->description);
            const char *nm = tls_alert_name(a->description);
            if (nm)
                attr(&w, al, "name", nm);
        }
    }
    if (f->alerts_dropped)
        attr_u64(&w, n, "alerts_dropped", f->alerts_dropped);
    for (int d = 0; d < 2; d++) {
        if (!f->app_records[d] && !f->alert_sized_records[d])
            continue;
        xt_ptr ad = child(&w, n, "application_data");
        attr(&w, ad, "from", direction_name((direction)d));
        attr_ref(&w, ad, &f->first_app[d]);
        attr_u64(&w, ad, "records", f->app_records[d]);
        attr_u64(&w, ad, "bytes", f->app_bytes[d]);
        if (f->alert_sized_records[d])
            attr_u64(&w, ad, "alert_sized_records", f->alert_sized_records[d]);
    }
    for (int d = 0; d < 2; d++)
        dir_ref(&w, n, "plaintext_after_alert", (direction)d, &f->plaintext_after_alert[d]);
    if (f->malformed) {
        xt_ptr p = text_child(&w, n, "problem", f->problem);
        attr_ref(&w, p, &f->problem_ref);
    }
    return !w.failed;
}

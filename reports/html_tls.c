/* html_tls.c - the TLS section of the HTML report (see html_tls.h). */
#include "html_tls.h"

#include "html_build.h"

#include "atomic.h"
#include "tls_facts.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* One row of the offered/chosen table. */
static void row(html_writer *w, xmlNodePtr table, const char *what, xmlNodePtr *left,
                xmlNodePtr *right)
{
    xmlNodePtr tr = h_el(w, table, "tr", NULL);
    h_el_text(w, tr, "th", NULL, what);
    *left = h_el(w, tr, "td", NULL);
    *right = h_el(w, tr, "td", NULL);
}

static void suite_line(html_writer *w, xmlNodePtr parent, uint16_t code, bool chosen)
{
    char b[160];
    tls_suite_str(code, b, sizeof b);
    xmlNodePtr d = h_el(w, parent, "div", NULL);
    if (chosen)
        h_el_text(w, d, "strong", NULL, b);
    else
        h_text(w, d, b);
}

static const char *alert_text(const tls_alert_fact *a, char *buf, size_t buflen)
{
    if (a->encrypted) {
        snprintf(buf, buflen, "encrypted alert (%" PRIu32 " bytes)", a->record_len);
    } else {
        const char *n = tls_alert_name(a->description);
        snprintf(buf, buflen, "%s alert %s (%u)", a->level == 2 ? "fatal" : "warning",
                 n ? n : "unknown", a->description);
    }
    return buf;
}

static void offered_vs_chosen(html_writer *w, xmlNodePtr sec, const tls_facts *f)
{
    xmlNodePtr t = h_el(w, sec, "table", "list");
    xmlNodePtr tr = h_el(w, t, "tr", NULL);
    h_el(w, tr, "th", NULL);
    xmlNodePtr th = h_el_text(w, tr, "th", NULL, "Client offered");
    if (f->has_client_hello)
        h_textf(w, th, " (ClientHello, packet %" PRIu64 ")", f->client_hello_ref.packet);
    th = h_el_text(w, tr, "th", NULL, "Server chose");
    if (f->has_server_hello)
        h_textf(w, th, " (ServerHello, packet %" PRIu64 ")", f->server_hello_ref.packet);
    const tls_alert_fact *fatal = tls_facts_first_fatal(f, DIR_S2C);
    char ab[96];

    xmlNodePtr l, r;
    char b[160];
    row(w, t, "Versions", &l, &r);
    tls_facts_client_versions_str(f, b, sizeof b);
    h_text(w, l, b);
    if (f->has_server_hello) {
        tls_version_str(f->version, b, sizeof b);
        h_el_text(w, r, "strong", NULL, b);
        h_text(w, r, tls_facts_client_offers_version(f, f->version)
                       ? " \xE2\x80\x94 in common"
                       : " \xE2\x80\x94 not offered by the client");
    } else if (fatal) {
        h_textf(w, r, "none: the server answered with a %s", alert_text(fatal, ab, sizeof ab));
    } else {
        h_text(w, r, "(no ServerHello seen)");
    }

    row(w, t, "Cipher suites", &l, &r);
    unsigned real = 0;
    for (unsigned i = 0; i < f->ch.n_suites; i++) {
        uint16_t s = f->ch.suites[i];
        if (tls_is_grease(s))
            continue;
        real++;
        suite_line(w, l, s, f->has_server_hello && s == f->sh.suite);
    }
    if (f->ch.suites_capped)
        h_el_text(w, l, "div", "muted", "(more suites than the analysis keeps)");
    if (f->has_server_hello) {
        const tls_suite_info *si = tls_suite_lookup(f->sh.suite);
        suite_line(w, r, f->sh.suite, true);
        xmlNodePtr d = h_el(w, r, "div", "muted");
        h_textf(w, d, "Key exchange: %s; %s", tls_kx_name(si ? si->kx : TLS_KX_UNKNOWN),
              si && si->kx == TLS_KX_RSA && f->version != TLS_VERSION_1_3
                  ? "the server's RSA private key could decrypt this capture"
                  : "only the session's key log can decrypt this capture");
        d = h_el(w, r, "div", NULL);
        h_textf(w, d, "Intersection: %s",
              tls_facts_client_offers_suite(f, f->sh.suite)
                  ? "the chosen suite (the server's full list is not sent on the wire)"
                  : "none \xE2\x80\x94 the server chose a suite the client did not offer");
    } else if (fatal) {
        h_textf(w, r, "none of the %u: the server answered with a %s", real,
              alert_text(fatal, ab, sizeof ab));
        h_el_text(w, r, "div", NULL, "Intersection: empty (the server's own list is not sent on the wire)");
    } else {
        h_text(w, r, "(no ServerHello seen)");
    }

    row(w, t, "Extensions", &l, &r);
    if (f->ch.has_sni)
        h_textf(w, h_el(w, l, "div", NULL), "Server name (SNI): %s", f->ch.sni);
    else
        h_el_text(w, l, "div", NULL, "No server name (SNI)");
    if (f->ch.n_groups) {
        xmlNodePtr d = h_el(w, l, "div", NULL);
        h_text(w, d, "Groups: ");
        for (unsigned i = 0; i < f->ch.n_groups; i++) {
            const char *g = tls_group_name(f->ch.groups[i]);
            if (tls_is_grease(f->ch.groups[i]))
                continue;
            if (g)
                h_textf(w, d, "%s%s", i ? ", " : "", g);
            else
                h_textf(w, d, "%s0x%04x", i ? ", " : "", f->ch.groups[i]);
        }
    }
    for (unsigned i = 0; i < f->ch.n_alpn; i++)
        h_textf(w, h_el(w, l, "div", NULL), "ALPN: %s", f->ch.alpn[i]);
    h_textf(w, h_el(w, l, "div", NULL), "Extended master secret: %s; renegotiation_info: %s; session ticket: %s",
          f->ch.extended_master_secret ? "yes" : "no", f->ch.renegotiation_info ? "yes" : "no",
          f->ch.session_ticket ? (f->ch.session_ticket_resumption ? "yes, with a ticket (resumption)" : "yes") : "no");
    if (f->has_server_hello) {
        h_textf(w, h_el(w, r, "div", NULL), "Extended master secret: %s; renegotiation_info: %s%s",
              f->sh.extended_master_secret ? "yes" : "no", f->sh.renegotiation_info ? "yes" : "no",
              f->resumed ? "; session resumed" : "");
        if (f->has_server_kx && f->server_kx.ecdhe) {
            const char *g = tls_group_name(f->server_kx.group);
            h_textf(w, h_el(w, r, "div", NULL), "Key exchange group: %s", g ? g : "unknown");
        } else if (f->sh.has_key_share) {
            const char *g = tls_group_name(f->sh.key_share_group);
            h_textf(w, h_el(w, r, "div", NULL), "Key share group: %s", g ? g : "unknown");
        }
    }
    if (f->hello_retry)
        h_textf(w, h_el(w, r, "div", NULL), "HelloRetryRequest (packet %" PRIu64 ")",
              f->hello_retry_ref.packet);

    row(w, t, "Fingerprints", &l, &r);
    h_textf(w, h_el(w, l, "div", NULL), "JA3 %s", f->ja3);
    h_textf(w, h_el(w, l, "div", NULL), "JA4 %s", f->ja4);
    if (f->has_server_hello) {
        h_textf(w, h_el(w, r, "div", NULL), "JA3S %s", f->ja3s);
        h_textf(w, h_el(w, r, "div", NULL), "JA4S %s", f->ja4s);
    }
}

static void certificate(html_writer *w, xmlNodePtr sec, const tls_facts *f)
{
    if (!f->has_certificate) {
        if (f->version == TLS_VERSION_1_3)
            h_el_text(w, sec, "p", "note",
                    "TLS 1.3: the server's certificate travels encrypted and cannot be examined "
                    "from the capture.");
        return;
    }
    xmlNodePtr h = h_el_text(w, sec, "h4", NULL, "Server certificate");
    h_textf(w, h, " (packet %" PRIu64 ")", f->certificate_ref.packet);
    if (f->certificate_capped || f->n_certs == 0 || !f->certs[0].parsed) {
        h_el_text(w, sec, "p", "note", "The certificate could not be read.");
        return;
    }
    const x509_info *x = &f->certs[0];
    xmlNodePtr t = h_el(w, sec, "table", "kv");
    h_text(w, h_kv(w, t, "Subject"), x->subject);
    xmlNodePtr td = h_kv(w, t, "Issuer");
    h_text(w, td, x->issuer);
    if (x->self_signed)
        h_text(w, td, " (self-signed)");
    td = h_kv(w, t, "Names");
    for (unsigned i = 0; i < x->n_sans; i++)
        h_textf(w, td, "%s%s:%s", i ? ", " : "", x->sans[i].type == X509_SAN_IP ? "IP" : "DNS",
              x->sans[i].value);
    if (!x->n_sans)
        h_textf(w, td, "CN %s (no subjectAltName)", x->common_name);
    if (f->expected_name[0]) {
        td = h_kv(w, t, "Name check");
        h_textf(w, td, "%s %s (%s)", f->expected_name, f->name_matches ? "matches" : "does NOT match",
              f->expected_from_sni ? "the name the client sent (SNI)" : "the server address; no SNI");
    }
    if (x->validity_known) {
        char a[40], b[40];
        x509_time_str(x->not_before, a, sizeof a);
        x509_time_str(x->not_after, b, sizeof b);
        td = h_kv(w, t, "Valid");
        h_textf(w, td, "%s to %s%s", a, b,
              x->expired ? " \xE2\x80\x94 EXPIRED at the time of the capture"
                         : x->not_yet_valid ? " \xE2\x80\x94 NOT YET VALID at the time of the capture" : "");
    }
    td = h_kv(w, t, "Key");
    h_textf(w, td, "%s %d bits%s%s%s", x->key_type, x->key_bits, x->key_curve[0] ? " " : "",
          x->key_curve, x->weak_key ? " (weak)" : "");
    h_textf(w, h_kv(w, t, "Signature"), "%s%s", x->signature_algorithm,
          x->weak_signature ? " (weak)" : "");
    if (x->has_eku)
        h_text(w, h_kv(w, t, "Extended key usage"), x->eku_text);
    h_text(w, h_kv(w, t, "SHA-256"), x->sha256_hex);
    td = h_kv(w, t, "Chain");
    h_text(w, td, f->chain == X509_CHAIN_OK       ? "valid against the given CA file"
                : f->chain == X509_CHAIN_FAILED ? "NOT valid against the given CA file: "
                                                : "not validated (run with --ca-file to check it)");
    if (f->chain == X509_CHAIN_FAILED)
        h_text(w, td, f->chain_error);
    if (f->n_certs > 1)
        h_textf(w, h_kv(w, t, "Chain length"), "%u certificates sent", f->n_certs);
    char problems[400];
    tls_facts_cert_problems(f, problems, sizeof problems);
    if (problems[0]) {
        xmlNodePtr p = h_el(w, sec, "p", "note");
        h_el_text(w, p, "strong", NULL, "Certificate problems: ");
        h_text(w, p, problems);
    }
}

bool html_tls(xmlDocPtr doc, xmlNodePtr sec, const connection *c)
{
    const tls_facts *f = c->tls;
    if (!f || !sec || (!f->has_client_hello && !f->has_server_hello && !f->n_alerts))
        return true;
    html_writer w = { doc, false };
    h_el_text(&w, sec, "h3", NULL, "TLS handshake");
    if (f->has_client_hello)
        offered_vs_chosen(&w, sec, f);
    certificate(&w, sec, f);
    if (f->n_alerts) {
        h_el_text(&w, sec, "h4", NULL, "Alerts");
        xmlNodePtr ul = h_el(&w, sec, "ul", NULL);
        char ab[96];
        for (unsigned i = 0; i < f->n_alerts; i++) {
            const tls_alert_fact *a = &f->alerts[i];
            h_textf(&w, h_el(&w, ul, "li", NULL), "Packet %" PRIu64 ": %s sent %s", a->ref.packet,
                  direction_name(a->dir), alert_text(a, ab, sizeof ab));
        }
    }
    if (f->malformed)
        h_textf(&w, h_el(&w, sec, "p", "note"), "Problem at packet %" PRIu64 ": %s",
              f->problem_ref.packet, f->problem);
    return !w.failed;
}

/* rules_tls.c - verdicts of the TLS handshake, from the facts layer_tls.c
 * recorded (tls_facts.h): version_mismatch, cipher_mismatch, cert_rejected,
 * tls_alert (../shared/VERDICTS.md). The remedy of each cause is in
 * verdict.c; the summaries here name the specific change.
 *
 * Sources for the patterns: RFC 8446 6.2 / RFC 5246 7.2.2 (which alert means
 * what), FreeRDP/Remmina #684 (TLS 1.0 disabled: handshake_failure),
 * FreeRDP #7769 (no common suite), and the lab captures in samples/ (a
 * client that refuses a certificate finishes the handshake and closes
 * without an alert it can be read from: LAB-NOTES).
 */
#include "rules_tls.h"
#include "textfmt.h"

#include "rules.h"
#include "tls_facts.h"

#include <string.h>

/* RFC 5246 7.2.2 / RFC 8446 6.2 alert descriptions used below. */
enum {
    ALERT_CLOSE_NOTIFY = 0,
    ALERT_HANDSHAKE_FAILURE = 40,
    ALERT_BAD_CERTIFICATE = 42,
    ALERT_UNSUPPORTED_CERTIFICATE = 43,
    ALERT_CERTIFICATE_REVOKED = 44,
    ALERT_CERTIFICATE_EXPIRED = 45,
    ALERT_CERTIFICATE_UNKNOWN = 46,
    ALERT_UNKNOWN_CA = 48,
    ALERT_PROTOCOL_VERSION = 70,
    ALERT_INSUFFICIENT_SECURITY = 71,
};

/* A reset sooner than this after the server's Finished is not a person
 * answering a certificate prompt. */
#define FAST_RESET_S 0.005

static const char *who(direction d) { return d == DIR_S2C ? "server" : "client"; }
static const char *Who(direction d) { return d == DIR_S2C ? "Server" : "Client"; }

static void alert_words(const tls_alert_fact *a, char *buf, size_t buflen)
{
    const char *n = tls_alert_name(a->description);
    text_fmt(buf, buflen, "%s alert %s (%u)", a->level == TLS_ALERT_FATAL ? "fatal" : "warning",
           n ? n : "unknown", a->description);
}

static void evidence_client_hello(verdict *v, const tls_facts *f)
{
    char vers[128], first[96];
    tls_facts_client_versions_str(f, vers, sizeof vers);
    first[0] = '\0';
    if (f->ch.n_suites > 0)
        tls_suite_str(f->ch.suites[0], first, sizeof first);
    verdict_add_evidence(v, &f->client_hello_ref,
                         "ClientHello: versions %s; %u cipher suites (first %s)%s%s", vers,
                         f->ch.n_suites, first[0] ? first : "none",
                         f->ch.has_sni ? "; SNI " : "", f->ch.has_sni ? f->ch.sni : "");
}

static void evidence_server_hello(verdict *v, const tls_facts *f)
{
    if (!f->has_server_hello)
        return;
    char ver[32], suite[128];
    tls_version_str(f->version, ver, sizeof ver);
    tls_suite_str(f->sh.suite, suite, sizeof suite);
    verdict_add_evidence(v, &f->server_hello_ref, "ServerHello: %s, %s", ver, suite);
}

static void evidence_alert(verdict *v, const tls_alert_fact *a)
{
    char w[96];
    alert_words(a, w, sizeof w);
    verdict_add_evidence(v, &a->ref, "%s sent %s", Who(a->dir), w);
}

/* The client's suites in words, as many as fit. */
static void client_suites_str(const tls_facts *f, char *buf, size_t buflen, bool openssl_names)
{
    buf[0] = '\0';
    size_t n = 0;
    unsigned shown = 0;
    for (unsigned i = 0; i < f->ch.n_suites && n + 1 < buflen; i++) {
        uint16_t s = f->ch.suites[i];
        if (tls_is_grease(s) || s == 0x00FF || s == 0x5600)
            continue;
        const tls_suite_info *si = tls_suite_lookup(s);
        char one[96];
        if (si && openssl_names && si->openssl)
            text_fmt(one, sizeof one, "%s", si->openssl);
        else if (si)
            text_fmt(one, sizeof one, "%s", si->iana);
        else
            text_fmt(one, sizeof one, "0x%04X", s);
        text_fmt(buf + n, buflen - n, "%s%s", shown ? ", " : "", one);
        n = strlen(buf);
        shown++;
    }
}

static const tls_facts *tls_of(const connection *c)
{
    const tls_facts *f = c->tls;
    return f && f->has_client_hello ? f : NULL;
}

/* The server's version choice the client did not offer (0: none). */
static uint16_t refused_version(const tls_facts *f)
{
    if (!f->has_server_hello || tls_facts_client_offers_version(f, f->version))
        return 0;
    return f->version;
}

bool rules_tls_version_mismatch(const connection *c, verdict *v)
{
    const tls_facts *f = tls_of(c);
    if (!f)
        return false;
    const tls_alert_fact *a = tls_facts_first_fatal(f, DIR_NONE);
    bool pv_alert = a && a->description == ALERT_PROTOCOL_VERSION;
    uint16_t refused = refused_version(f);
    close_info ci = diag_first_close(c);
    /* A server that chose a version the client never offered, and a client
     * that then gave up (an alert, or a close before its Finished). */
    bool refused_close = refused && !tls_facts_client_finished(f) &&
                         (a || (ci.any && ci.dir == DIR_C2S));
    /* handshake_failure to a client offering nothing above TLS 1.1: what
     * Schannel sends when the client's versions are disabled (Remmina #684). */
    bool old_client = a && a->dir == DIR_S2C && a->description == ALERT_HANDSHAKE_FAILURE &&
                      !f->has_server_hello && tls_facts_client_max_version(f) < 0x0303;
    if (!pv_alert && !refused_close && !old_client)
        return false;

    char vers[128], sver[32] = "", aw[96] = "";
    tls_facts_client_versions_str(f, vers, sizeof vers);
    if (f->has_server_hello)
        tls_version_str(f->version, sver, sizeof sver);
    if (a)
        alert_words(a, aw, sizeof aw);
    uint16_t cmax = tls_facts_client_max_version(f);
    char cmaxs[32];
    tls_version_str(cmax, cmaxs, sizeof cmaxs);

    diag_set(v, PHASE_TLS, CAUSE_VERSION_MISMATCH, pv_alert ? CONF_HIGH : CONF_MEDIUM);
    if (refused) {
        text_fmt(v->detail, sizeof v->detail, "ClientHello offered %s; server answered %s%s%s%s",
               vers, sver, a ? "; " : "; client closed", a ? who(a->dir) : "",
               a ? " sent " : "");
        if (a) {
            size_t n = strlen(v->detail);
            text_fmt(v->detail + n, sizeof v->detail - n, "%s", aw);
        }
        text_fmt(v->summary, sizeof v->summary,
               "The server offered only %s, which the client does not accept (it offered %s); "
               "the client refused it. Enable TLS 1.2 on the server (older Windows servers need "
               "the TLS 1.2 update and the Schannel Protocols registry keys), or allow %s on the "
               "client.", sver, vers, sver);
    } else if (old_client) {
        text_fmt(v->detail, sizeof v->detail,
               "ClientHello offered at most %s; server sent %s", cmaxs, aw);
        text_fmt(v->summary, sizeof v->summary,
               "The client offers at most %s and the server refused the handshake with "
               "handshake_failure, as Windows does when the client's TLS versions are disabled "
               "on it. Enable TLS 1.2 on the client (or, less safely, the old version on the "
               "server).", cmaxs);
    } else {
        text_fmt(v->detail, sizeof v->detail, "ClientHello offered %s; %s%s%s%s sent %s", vers,
               sver[0] ? "server answered " : "", sver, sver[0] ? "; " : "", who(a->dir), aw);
        if (a->dir == DIR_S2C)
            text_fmt(v->summary, sizeof v->summary,
                   "The server accepts none of the TLS versions the client offered (%s) and "
                   "refused the handshake with protocol_version. %s",
                   vers,
                   cmax >= TLS_VERSION_1_3 || cmax < 0x0303
                       ? "Allow the client's TLS versions on the server."
                       : "The server requires a newer version (TLS 1.3 only?): allow TLS 1.2 on "
                         "the server, or TLS 1.3 on the client.");
        else
            text_fmt(v->summary, sizeof v->summary,
                   "The client refused the server's TLS version%s%s with protocol_version (it "
                   "offered %s): the server offered only an older version it no longer accepts. "
                   "Enable TLS 1.2 on the server (older Windows servers need the TLS 1.2 update "
                   "and the Schannel Protocols registry keys).",
                   sver[0] ? " " : "", sver, vers);
    }
    v->key = a ? a->ref : f->server_hello_ref;
    evidence_client_hello(v, f);
    evidence_server_hello(v, f);
    if (a)
        evidence_alert(v, a);
    if (ci.any)
        diag_evidence_close(v, &ci);
    return true;
}

bool rules_tls_cipher_mismatch(const connection *c, verdict *v)
{
    const tls_facts *f = tls_of(c);
    if (!f)
        return false;
    const tls_alert_fact *a = tls_facts_first_fatal(f, DIR_S2C);
    bool alert = a && !f->has_server_hello && (a->description == ALERT_HANDSHAKE_FAILURE ||
                                               a->description == ALERT_INSUFFICIENT_SECURITY);
    /* RFC 5246 7.4.1.3: the server must pick one of the client's suites. */
    bool not_offered = f->has_server_hello && !tls_facts_client_offers_suite(f, f->sh.suite);
    if (!alert && !not_offered)
        return false;
    char list[200], aw[96] = "", suite[128];
    client_suites_str(f, list, sizeof list, true);
    unsigned real = 0;
    for (unsigned i = 0; i < f->ch.n_suites; i++)
        real += tls_is_grease(f->ch.suites[i]) || f->ch.suites[i] == 0x00FF ? 0 : 1;
    diag_set(v, PHASE_TLS, CAUSE_CIPHER_MISMATCH, CONF_HIGH);
    if (alert) {
        alert_words(a, aw, sizeof aw);
        text_fmt(v->detail, sizeof v->detail,
               "ClientHello offered %u suites (%s); server sent %s; no suite in common", real,
               list, aw);
        text_fmt(v->summary, sizeof v->summary,
               "The server accepts none of the %u cipher suites the client offered and refused "
               "the handshake (%s) before any ServerHello; the intersection of the two lists is "
               "empty (the server's own list is not sent on the wire). Enable a suite both "
               "support: on Windows, the SSL Cipher Suite Order policy or Enable-TlsCipherSuite "
               "on the server; on the client, its allowed suites. A missing common elliptic "
               "curve or signature algorithm gives the same alert.", real, aw);
        v->key = a->ref;
    } else {
        tls_suite_str(f->sh.suite, suite, sizeof suite);
        text_fmt(v->detail, sizeof v->detail,
               "server chose %s, which the client did not offer (it offered %s)", suite, list);
        text_fmt(v->summary, sizeof v->summary,
               "The server chose cipher suite %s, which is not among the %u suites the client "
               "offered; the handshake cannot go on. Align the cipher suite configuration of "
               "the two ends.", suite, real);
        v->key = f->server_hello_ref;
    }
    evidence_client_hello(v, f);
    verdict_add_evidence(v, &f->client_hello_ref, "Client's suites: %s", list);
    if (f->has_server_hello)
        evidence_server_hello(v, f);
    else
        verdict_add_evidence(v, NULL, "Server's suites: not visible on the wire (a server sends "
                                      "only its choice); common suites: none");
    if (a)
        evidence_alert(v, a);
    close_info ci = diag_first_close(c);
    if (ci.any)
        diag_evidence_close(v, &ci);
    return true;
}

static bool certificate_alert(uint8_t d)
{
    return d == ALERT_BAD_CERTIFICATE || d == ALERT_UNSUPPORTED_CERTIFICATE ||
           d == ALERT_CERTIFICATE_REVOKED || d == ALERT_CERTIFICATE_EXPIRED ||
           d == ALERT_CERTIFICATE_UNKNOWN || d == ALERT_UNKNOWN_CA;
}

static void evidence_certificate(verdict *v, const tls_facts *f)
{
    if (!f->has_certificate)
        return;
    if (f->certificate_capped || f->n_certs == 0 || !f->certs[0].parsed) {
        verdict_add_evidence(v, &f->certificate_ref, "Server Certificate (not readable%s)",
                             f->certificate_capped ? ": longer than the analysis keeps" : "");
        return;
    }
    const x509_info *x = &f->certs[0];
    char nb[40] = "?", na[40] = "?";
    if (x->validity_known) {
        x509_time_str(x->not_before, nb, sizeof nb);
        x509_time_str(x->not_after, na, sizeof na);
    }
    verdict_add_evidence(v, &f->certificate_ref,
                         "Server Certificate: subject %s, issuer %s%s, valid %s to %s, %s %d bits",
                         x->subject, x->issuer, x->self_signed ? " (self-signed)" : "", nb, na,
                         x->key_type, x->key_bits);
}

/* The client's rejection: what it did right after the server's flight. */
static bool cert_close(const connection *c, const tls_facts *f, close_info *ci,
                       const tls_alert_fact **enc)
{
    *ci = diag_first_close(c);
    *enc = tls_facts_first_encrypted_alert(f, DIR_C2S);
    if (f->app_records[DIR_C2S] > 0)
        return false; /* the client went on: whatever ended it, not the certificate */
    const tls_alert_fact *sv_enc = tls_facts_first_encrypted_alert(f, DIR_S2C);
    if (*enc && (!sv_enc || (*enc)->ref.packet <= sv_enc->ref.packet) &&
        (!ci->any || ci->dir == DIR_C2S || (*enc)->ref.packet <= ci->ref.packet))
        return true;
    if (f->version == TLS_VERSION_1_3 && f->alert_sized_records[DIR_C2S] > 0 &&
        (!ci->any || ci->dir == DIR_C2S || f->first_alert_sized[DIR_C2S].packet <= ci->ref.packet))
        return true;
    return ci->any && ci->dir == DIR_C2S;
}

bool rules_tls_cert_rejected(const connection *c, verdict *v)
{
    const tls_facts *f = tls_of(c);
    if (!f || !f->has_server_hello)
        return false;
    char problems[400]; /* written where a verdict needs it: most connections decline */
    const tls_alert_fact *a = tls_facts_first_fatal(f, DIR_C2S);
    if (a && certificate_alert(a->description) && f->has_certificate) {
        tls_facts_cert_problems(f, problems, sizeof problems);
        char aw[96];
        alert_words(a, aw, sizeof aw);
        diag_set(v, PHASE_TLS, CAUSE_CERT_REJECTED, CONF_HIGH);
        text_fmt(v->detail, sizeof v->detail, "client sent %s; certificate: %s", aw,
               problems[0] ? problems : "no defect visible in it");
        text_fmt(v->summary, sizeof v->summary,
               "The client rejected the server's certificate with %s. %s%s Renew or replace the "
               "Remote Desktop certificate, then restart Remote Desktop Services.", aw,
               problems[0] ? "The certificate is " : "", problems);
        v->key = a->ref;
        evidence_certificate(v, f);
        evidence_alert(v, a);
        return true;
    }
    bool tls13 = f->version == TLS_VERSION_1_3;
    /* TLS 1.3: an alert-sized record instead of the client's Finished is
     * the client aborting the handshake after the server's (encrypted)
     * certificate. */
    bool tls13_aborted = tls13 && !tls_facts_client_finished(f) &&
                         f->alert_sized_records[DIR_C2S] > 0 && f->finished[DIR_S2C].packet;
    if (!tls_facts_client_finished(f) && !tls13_aborted)
        return false;
    if (!tls13 && !(f->has_certificate && (f->server_hello_done || f->finished[DIR_S2C].packet)))
        return false;
    close_info ci;
    const tls_alert_fact *enc;
    if (!cert_close(c, f, &ci, &enc))
        return false;
    char ver[32];
    tls_version_str(f->version, ver, sizeof ver);
    const char *how = enc ? "an encrypted alert record (close_notify) and " : "";
    char closing[64];
    text_fmt(closing, sizeof closing, "%s%s", how, ci.any ? (ci.rst ? "RST" : "FIN") : "nothing more");
    if (tls13) {
        diag_set(v, PHASE_TLS, CAUSE_CERT_REJECTED, CONF_LOW);
        if (tls13_aborted)
            text_fmt(v->detail, sizeof v->detail,
                   "TLS 1.3: the certificate is encrypted; instead of its Finished the client "
                   "sent one short encrypted record (an alert) and %s",
                   ci.any ? (ci.rst ? "RST" : "FIN") : "nothing more");
        else
            text_fmt(v->detail, sizeof v->detail,
                   "TLS 1.3: the certificate is encrypted; the client finished the handshake, then "
                   "sent %s%s without any application data",
                   f->alert_sized_records[DIR_C2S] ? "one short encrypted record (close_notify) and " : "",
                   ci.any ? (ci.rst ? "RST" : "FIN") : "nothing more");
        text_fmt(v->summary, sizeof v->summary,
               "The client %s the TLS 1.3 handshake and closed the connection at once "
               "without sending any data, the way a client refuses the server's certificate "
               "(untrusted, expired or wrong name). Under TLS 1.3 the certificate is encrypted, "
               "so its defect cannot be read from the capture: check the client's error, or "
               "give the analysis the TLS key log. Renew or replace the Remote Desktop "
               "certificate, or make the client trust it.",
               tls13_aborted ? "aborted" : "completed");
        v->key = f->alert_sized_records[DIR_C2S] ? f->first_alert_sized[DIR_C2S] : ci.ref;
        evidence_server_hello(v, f);
        verdict_add_evidence(v, NULL, "The certificate is encrypted under TLS 1.3 and cannot be examined without the key log");
        if (!tls13_aborted)
            verdict_add_evidence(v, &f->finished[DIR_C2S], "Client's Finished (protected)");
        if (f->alert_sized_records[DIR_C2S])
            verdict_add_evidence(v, &f->first_alert_sized[DIR_C2S],
                                 tls13_aborted ? "Client's only protected record is alert-sized"
                                               : "Client's only record after its Finished is "
                                                 "alert-sized (close_notify)");
    } else {
        tls_facts_cert_problems(f, problems, sizeof problems);
        bool visible = problems[0] != '\0';
        if (!visible && f->chain == X509_CHAIN_OK)
            return false; /* a certificate the given CAs trust, nothing wrong: not this */
        /* A bare reset within milliseconds of the server's Finished, without
         * close_notify: certificate scanners do that; a client refusing a
         * certificate closes TLS first (FreeRDP) or waits for its user. */
        const pkt_ref *sfin = &f->finished[DIR_S2C];
        bool scanner_like = !enc && ci.any && ci.rst && sfin->packet &&
                            diag_seconds_between(ci.ref, *sfin) < FAST_RESET_S;
        diag_set(v, PHASE_TLS, CAUSE_CERT_REJECTED,
                 visible && !scanner_like ? CONF_MEDIUM : CONF_LOW);
        text_fmt(v->detail, sizeof v->detail,
               "certificate %s; the client finished the %s handshake, then sent %s without any "
               "application data",
               visible ? problems : "without a visible defect (issuer not checked: no --ca-file)",
               ver, closing);
        text_fmt(v->summary, sizeof v->summary,
               "The client completed the %s handshake and closed at once without sending any "
               "data: it refused the server's certificate (%s). Renew or replace the Remote "
               "Desktop certificate and restart Remote Desktop Services, or make the client "
               "trust it.",
               ver, visible ? problems : "no visible defect; its issuer may not be trusted by "
                                         "the client: run again with --ca-file");
        if (scanner_like) {
            size_t n = strlen(v->summary);
            text_fmt(v->summary + n, sizeof v->summary - n,
                   " A reset %.2f ms after the handshake without close_notify is typical of a "
                   "certificate scanner.", diag_seconds_between(ci.ref, *sfin) * 1000.0);
        }
        v->key = enc ? enc->ref : ci.ref;
        evidence_certificate(v, f);
        verdict_add_evidence(v, &f->finished[DIR_C2S], "Client's Finished (after its ChangeCipherSpec)");
    }
    if (enc)
        verdict_add_evidence(v, &enc->ref, "Client sent an encrypted alert (%u bytes), no application data",
                             enc->record_len);
    if (ci.any)
        diag_evidence_close(v, &ci);
    return true;
}

bool rules_tls_alert(const connection *c, verdict *v)
{
    const tls_facts *f = tls_of(c);
    if (!f)
        return false;
    const tls_alert_fact *a = tls_facts_first_fatal(f, DIR_NONE);
    if (!a)
        return false;
    /* A fatal alert after application data is the end of a session, not
     * a failed handshake. */
    if (f->first_app[DIR_C2S].packet && f->first_app[DIR_C2S].packet < a->ref.packet)
        return false;
    char aw[96];
    alert_words(a, aw, sizeof aw);
    diag_set(v, PHASE_TLS, CAUSE_TLS_ALERT, CONF_HIGH);
    text_fmt(v->detail, sizeof v->detail, "%s sent %s", who(a->dir), aw);
    text_fmt(v->summary, sizeof v->summary,
           "The TLS handshake failed: the %s sent %s%s. On a Windows server, the System log "
           "has Schannel event 36888 with this alert, and often 36874 or 36871 with the reason.",
           who(a->dir), aw, f->has_server_hello ? " after the ServerHello" : " in answer to the ClientHello");
    v->key = a->ref;
    evidence_client_hello(v, f);
    evidence_server_hello(v, f);
    evidence_alert(v, a);
    close_info ci = diag_first_close(c);
    if (ci.any)
        diag_evidence_close(v, &ci);
    return true;
}

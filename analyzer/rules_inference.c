/* rules_inference.c - how far an encrypted connection (SSL, HYBRID,
 * HYBRID_EX) got, without keys: from the sizes, directions and order of its
 * TLS records after the handshake (EV_TLS_RECORD events, which layer_tls.c
 * records for the first CONN_TIMELINE_SECURE_EVENTS records of each
 * direction). Every verdict here is an inference: low confidence, the
 * reasoning in the evidence, and what was not examined said.
 *
 * The records are grouped into "flights": consecutive application-data
 * records of one side. CredSSP (MS-CSSP 3.1.5) is a ping-pong of TSRequests:
 * client NEGOTIATE, server CHALLENGE, client AUTHENTICATE with pubKeyAuth,
 * then the server either answers with its pubKeyAuth (success), or with a
 * TSRequest carrying only an errorCode, or closes (FreeRDP's server: an
 * encrypted close_notify and FIN). A TSRequest with only version and
 * errorCode is about 15 bytes, a close_notify 2: with TLS overhead (GCM 24,
 * CBC up to 48, TLS 1.3 17) such a record stays under SMALL_RECORD bytes,
 * while a pubKeyAuth answer is 80 bytes or more.
 *
 * TLS 1.3 (RFC 8446 5): the server's encrypted handshake (EncryptedExtensions
 * .. Finished) and the client's Finished travel as application-data records,
 * and the server may send NewSessionTicket records after the client's
 * Finished. They are recognised by order: a server application-data record
 * before any client one means TLS 1.3; then the client's first one is its
 * Finished and server records before the client's first real data are
 * handshake or tickets.
 */
#include "rules_rdp.h"
#include "textfmt.h"

#include "layers.h"
#include "rules.h"
#include "x224.h"

#include <string.h>

#define SMALL_RECORD 64u     /* an errorCode TSRequest, an alert, an EUA result */
#define MAX_FLIGHTS 24

#define NOT_EXAMINED_INFERRED "The TLS records after the handshake are encrypted and were not decrypted; this verdict was inferred from their number, sizes, order and from who closed the connection."

typedef struct {
    direction dir;
    unsigned records;
    uint32_t bytes, max_len;
    bool alert_only;          /* only TLS alert records (content type 21) */
    pkt_ref first, last;
} flight;

typedef struct {
    direction dir;
    uint32_t len;
    unsigned flight;          /* index of its flight */
    pkt_ref ref;
} app_record;

#define MAX_RECORDS (2 * CONN_TIMELINE_SECURE_EVENTS)

typedef struct {
    bool tls13;
    flight f[MAX_FLIGHTS];
    unsigned n;
    app_record r[MAX_RECORDS];
    unsigned nr;
} flights;

static void add_record(flights *fl, const tl_event *e, bool alert)
{
    flight *cur = fl->n ? &fl->f[fl->n - 1] : NULL;
    if (!cur || cur->dir != (direction)e->dir) {
        if (fl->n >= MAX_FLIGHTS)
            return;
        cur = &fl->f[fl->n++];
        memset(cur, 0, sizeof *cur);
        cur->dir = (direction)e->dir;
        cur->first = e->ref;
        cur->alert_only = true;
    }
    cur->records++;
    cur->bytes += e->a;
    if (e->a > cur->max_len)
        cur->max_len = e->a;
    if (!alert)
        cur->alert_only = false;
    cur->last = e->ref;
    if (!alert && fl->nr < MAX_RECORDS) {
        app_record *r = &fl->r[fl->nr++];
        r->dir = (direction)e->dir;
        r->len = e->a;
        r->flight = fl->n - 1;
        r->ref = e->ref;
    }
}

/* The application-data flights after the TLS handshake. */
static void build_flights(const connection *c, flights *fl)
{
    /* (Not a memset: only the first n flights and nr records are read.) */
    fl->tls13 = false;
    fl->n = fl->nr = 0;
    /* TLS 1.3: a server application-data record before any client one. */
    for (uint32_t i = 0; i < c->tl.n; i++) {
        const tl_event *e = &c->tl.ev[i];
        if (e->type != EV_TLS_RECORD || e->b != 23)
            continue;
        fl->tls13 = e->dir == DIR_S2C;
        break;
    }
    unsigned client_app = 0;  /* client application-data records so far */
    for (uint32_t i = 0; i < c->tl.n; i++) {
        const tl_event *e = &c->tl.ev[i];
        if (e->type != EV_TLS_RECORD)
            continue;
        bool alert = e->b == 21;
        if (e->b != 23 && !alert)
            continue; /* handshake, ChangeCipherSpec */
        if (e->dir == DIR_C2S) {
            if (fl->tls13 && client_app++ == 0)
                continue; /* the client's Finished */
            if (!fl->tls13)
                client_app++;
        } else if (fl->tls13 && client_app < 2 && !alert) {
            continue; /* encrypted handshake or session tickets */
        } else if (!fl->tls13 && client_app == 0 && !alert) {
            continue;
        }
        add_record(fl, e, alert);
    }
}

static bool small_flight(const flight *f)
{
    return f->alert_only || (f->records <= 2 && f->max_len <= SMALL_RECORD);
}

static void evidence_flights(verdict *v, const flights *fl, unsigned upto)
{
    for (unsigned i = 0; i < fl->n && i < upto && v->n_evidence < VERDICT_MAX_EVIDENCE - 3; i++) {
        const flight *f = &fl->f[i];
        verdict_add_evidence(v, &f->first, "%s: %u encrypted %s record%s, %u bytes (largest %u)",
                             f->dir == DIR_S2C ? "Server" : "Client", f->records,
                             f->alert_only ? "alert" : "application-data",
                             f->records == 1 ? "" : "s", f->bytes, f->max_len);
    }
}

static bool nla_protocol(const connection *c)
{
    return c->has_cc && c->cc.has_neg_rsp &&
           (c->cc.selected_protocol == PROTOCOL_HYBRID || c->cc.selected_protocol == PROTOCOL_HYBRID_EX);
}

/* The classic NLA rejection: client NEGOTIATE, server CHALLENGE, client
 * AUTHENTICATE, then the server answers with nothing but an errorCode-sized
 * record or an alert (or nothing), and the connection ends with no more
 * real data. HYBRID_EX adds the Early User Authorization Result: a 4-byte
 * PDU after the client's credentials; if the server then closes, the result
 * was most likely AUTHZ_ACCESS_DENIED. */
bool rules_inference_nla_rejected(const connection *c, verdict *v)
{
    if (!nla_protocol(c) || diag_reached_session(c))
        return false;
    close_info ci = diag_first_close(c);
    if (!ci.any)
        return false;
    flights fl;
    build_flights(c, &fl);
    /* C1 S1 C2 at least, all real data. */
    if (fl.n < 3 || fl.f[0].dir != DIR_C2S || fl.f[0].alert_only || fl.f[1].alert_only ||
        fl.f[2].alert_only)
        return false;
    unsigned answer = 3; /* the server's answer to the AUTHENTICATE */
    bool eua = false;
    if (fl.n > answer && c->cc.selected_protocol == PROTOCOL_HYBRID_EX &&
        !small_flight(&fl.f[answer]) && fl.n > answer + 2 && !small_flight(&fl.f[answer + 1]) &&
        small_flight(&fl.f[answer + 2]) && !fl.f[answer + 2].alert_only) {
        /* S2 pubKeyAuth, C3 credentials, S3 a 4-byte EUA result. */
        answer += 2;
        eua = true;
    }
    bool answered = fl.n > answer;
    if (answered && !small_flight(&fl.f[answer]))
        return false;
    /* After that: only small closing records from either side. */
    for (unsigned i = answer + 1; i < fl.n; i++)
        if (!small_flight(&fl.f[i]))
            return false;
    /* Without any answer, the server must be the one that closed. */
    if (!answered && ci.dir != DIR_S2C)
        return false;
    diag_set(v, PHASE_NLA, CAUSE_AUTH_FAILED, CONF_LOW);
    text_fmt(v->not_examined, sizeof v->not_examined, "%s", NOT_EXAMINED_INFERRED);
    const flight *ans = answered ? &fl.f[answer] : NULL;
    if (eua) {
        text_fmt(v->detail, sizeof v->detail,
               "inferred: Early User Authorization refused (4-byte result, then the end)");
        text_fmt(v->summary, sizeof v->summary,
               "NLA completed, but the server then sent one 4-byte-sized record (the Early User "
               "Authorization Result of HYBRID_EX) and the connection ended: the user is most "
               "likely not allowed to log on remotely (AUTHZ_ACCESS_DENIED). Inferred from "
               "encrypted record sizes.");
    } else {
        text_fmt(v->detail, sizeof v->detail,
               "inferred: CredSSP ended after the client's AUTHENTICATE (%s)",
               !ans ? "server closed without answering"
                    : ans->alert_only ? "server sent a TLS alert"
                                      : "server answered with one small record");
        text_fmt(v->summary, sizeof v->summary,
               "Network Level Authentication most likely failed (wrong password, unknown user "
               "or account restriction): after the client's CredSSP AUTHENTICATE the server %s "
               "instead of its public-key proof, and the connection ended. Inferred from "
               "encrypted record sizes.",
               !ans ? "closed" : ans->alert_only ? "sent a TLS alert" : "sent one small record");
    }
    v->key = ans ? ans->first : ci.ref;
    diag_evidence_cr(v, c);
    diag_evidence_cc(v, c);
    evidence_flights(v, &fl, answer + 1);
    verdict_add_evidence(v, NULL, "Inferred: flights 1-3 are CredSSP NEGOTIATE, CHALLENGE, "
                         "AUTHENTICATE; a server answer of at most %u bytes cannot hold the "
                         "server's pubKeyAuth%s", SMALL_RECORD, fl.tls13 ? " (TLS 1.3 handshake "
                         "and ticket records skipped)" : "");
    diag_evidence_close(v, &ci);
    return true;
}

/* Sizes that tell the RDP connection sequence apart inside TLS (measured on
 * samples/success-tls.pcap, xrdp, and awakecoding rdp-no-nla-accepted1,
 * Windows): MCS domain PDUs and licensing's valid-client message are under
 * 64 bytes, the Client Info 300 or more, the Demand Active and the client's
 * Confirm Active over 300 (capability sets). */
#define CLIENT_INFO_MIN 150u
#define ACTIVE_MIN 250u

typedef struct {
    verdict_phase phase;
    const app_record *milestone;  /* the record that put it there */
    const char *what;
} rdp_estimate;

/* From the client's first post-CredSSP record (the MCS Connect Initial):
 * mcs; its Client Info: security; any server record after that:
 * licensing; a large server record answered by a large client record:
 * activation (Demand Active / Confirm Active). */
static rdp_estimate estimate_rdp(const flights *fl, unsigned first_flight)
{
    rdp_estimate e = { PHASE_MCS, NULL, "the client's first record after the security layer "
                                        "(the MCS Connect Initial)" };
    unsigned i = 0;
    while (i < fl->nr && (fl->r[i].flight < first_flight || fl->r[i].dir != DIR_C2S))
        i++;
    if (i >= fl->nr)
        return e;
    e.milestone = &fl->r[i];
    /* the server's answer (Connect Response) */
    while (i < fl->nr && fl->r[i].dir != DIR_S2C)
        i++;
    /* the Client Info: the next large client record */
    while (i < fl->nr && !(fl->r[i].dir == DIR_C2S && fl->r[i].len >= CLIENT_INFO_MIN))
        i++;
    if (i >= fl->nr)
        return e;
    e.phase = PHASE_SECURITY;
    e.milestone = &fl->r[i];
    e.what = "a large client record after the MCS exchange (the Client Info)";
    unsigned ci = i;
    while (i < fl->nr && fl->r[i].dir != DIR_S2C)
        i++;
    if (i >= fl->nr)
        return e;
    e.phase = PHASE_LICENSING;
    e.milestone = &fl->r[i];
    e.what = "the server's first record after the Client Info (licensing)";
    for (unsigned k = ci + 1; k < fl->nr; k++) {
        if (fl->r[k].dir != DIR_S2C || fl->r[k].len < ACTIVE_MIN)
            continue;
        for (unsigned j = k + 1; j < fl->nr; j++) {
            if (fl->r[j].dir != DIR_C2S)
                continue;
            if (fl->r[j].len >= ACTIVE_MIN) {
                e.phase = PHASE_ACTIVATION;
                e.milestone = &fl->r[k];
                e.what = "a large server record answered by a large client record (Demand "
                         "Active / Confirm Active)";
                return e;
            }
            break;
        }
    }
    return e;
}

static const char *phase_words(verdict_phase ph)
{
    switch (ph) {
    case PHASE_NLA: return "during CredSSP";
    case PHASE_MCS: return "during MCS";
    case PHASE_SECURITY: return "after the Client Info";
    case PHASE_LICENSING: return "during licensing";
    case PHASE_ACTIVATION: return "during activation";
    default: return "before the session";
    }
}

/* A TLS connection past its handshake that did not reach the session: the
 * phase from the flights (CredSSP done or not), the cause from the close. */
bool rules_inference_progress(const connection *c, verdict *v)
{
    if (!diag_is_tls(c) || !c->has_cc || diag_reached_session(c))
        return false;
    flights fl;
    build_flights(c, &fl);
    if (fl.n == 0 || !diag_tls_handshake_done(c))
        return false;
    bool nla = nla_protocol(c);
    verdict_phase ph = PHASE_MCS;
    const char *why;
    unsigned rdp_from = 0; /* first flight of the RDP connection sequence */
    bool rdp_started = !nla;
    if (nla) {
        /* CredSSP is over once the server answered the AUTHENTICATE with a
         * real record and the client sent its credentials (flight 5), and,
         * for HYBRID_EX, once the client spoke after the EUA result. */
        unsigned done_at = c->cc.selected_protocol == PROTOCOL_HYBRID_EX ? 6 : 5;
        bool proof = fl.n > 3 && !small_flight(&fl.f[3]);
        if (proof && fl.n > done_at && fl.f[done_at].dir == DIR_C2S) {
            rdp_started = true;
            rdp_from = done_at;
            why = "CredSSP completed (the server answered the AUTHENTICATE with its public-key "
                  "proof and the client sent its credentials)";
        } else {
            ph = PHASE_NLA;
            why = proof ? "CredSSP got as far as the server's public-key proof"
                        : "CredSSP had started (client and server exchanged encrypted TSRequests)";
        }
    } else {
        why = "the TLS handshake completed";
    }
    rdp_estimate est = { PHASE_NLA, NULL, NULL };
    if (rdp_started) {
        est = estimate_rdp(&fl, rdp_from);
        ph = est.phase;
    }
    close_info ci = diag_first_close(c);
    text_fmt(v->not_examined, sizeof v->not_examined, "%s", NOT_EXAMINED_INFERRED);
    pkt_ref cl_last;
    if (diag_server_went_silent(c, &ci, &cl_last)) {
        pkt_ref until = ci.any ? ci.ref : c->end;
        diag_set(v, ph, CAUSE_SERVER_SILENT, CONF_LOW);
        text_fmt(v->detail, sizeof v->detail, "inferred: no answer %s for %.1f s",
               phase_words(ph), diag_seconds_between(until, cl_last));
        text_fmt(v->summary, sizeof v->summary,
               "The server stopped answering: %s, then the client's last data got no reply for "
               "%.1f s (inferred from encrypted record order).", why,
               diag_seconds_between(until, cl_last));
        v->key = cl_last;
    } else if (!ci.any) {
        diag_set(v, ph, CAUSE_CAPTURE_INCOMPLETE, CONF_LOW);
        text_fmt(v->detail, sizeof v->detail, "inferred: capture ends %s", phase_words(ph));
        text_fmt(v->summary, sizeof v->summary,
               "The capture ends before the connection's outcome: %s (inferred from encrypted "
               "record sizes and order).", why);
        v->key = c->end;
    } else {
        diag_set(v, ph, diag_close_cause(&ci), CONF_LOW);
        text_fmt(v->detail, sizeof v->detail, "inferred: %s by the %s %s",
               ci.rst ? "reset" : "closed", ci.dir == DIR_S2C ? "server" : "client",
               phase_words(ph));
        text_fmt(v->summary, sizeof v->summary,
               "The %s %s the connection before any session started: %s (inferred from "
               "encrypted record sizes and order).", ci.dir == DIR_S2C ? "server" : "client",
               ci.rst ? "reset" : "closed", why);
        v->key = ci.ref;
    }
    diag_evidence_cr(v, c);
    diag_evidence_cc(v, c);
    evidence_flights(v, &fl, 8);
    verdict_add_evidence(v, NULL, "Inferred: %s%s", why,
                         fl.tls13 ? " (TLS 1.3 handshake and ticket records skipped)" : "");
    if (est.milestone)
        verdict_add_evidence(v, &est.milestone->ref, "Inferred %s: %s, %u bytes",
                             verdict_phase_name(est.phase), est.what, est.milestone->len);
    if (ci.any)
        diag_evidence_close(v, &ci);
    else
        verdict_add_evidence(v, &c->end, "Last packet of the connection in the capture");
    return true;
}

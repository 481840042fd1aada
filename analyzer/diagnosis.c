/* diagnosis.c - the rules that turn a connection's facts into one verdict
 * (see diagnosis.h and ../shared/VERDICTS.md).
 *
 * Each rule is a small function that declines (returns false) or fills the
 * verdict: phase, cause, confidence, detail, summary, evidence. The table at
 * the end lists them most specific first: a negotiation failure code beats
 * "closed by server", which beats "capture incomplete". Rules read the
 * connection model only; no rule looks at bytes.
 *
 * What this version does not examine (TLS handshake contents, CredSSP, MCS
 * and later PDUs) is said in the verdict's not_examined, and verdicts that
 * rest on sizes and timing only carry low confidence.
 */
#include "diagnosis.h"
#include "textfmt.h"
#include "decrypt_glue.h"

#include "rdp_security.h"
#include "rules.h"
#include "rules_rdp.h"
#include "rules_tls.h"
#include "x224.h"

#include <stdio.h>
#include <string.h>

#define NOT_EXAMINED_TLS "The TLS handshake was dissected (see the TLS facts), but the encrypted data after it was not examined by this version; the phase was inferred from record counts, sizes and timing."
#define NOT_EXAMINED_RDP "The MCS, security exchange, licensing and activation PDUs were not dissected by this version; the phase was inferred from PDU counts and sizes."


/* ---- rules ------------------------------------------------------------- */

static bool rule_icmp_unreachable(const connection *c, verdict *v)
{
    if (!c->icmp.packet || server_dir(c)->syn.packet)
        return false;
    char from[64], cl[64], sv[64];
    text_addr(&c->icmp_from, from, sizeof from);
    diag_endpoints(c, cl, sizeof cl, sv, sizeof sv);
    const tl_event *e = timeline_first(&c->tl, EV_ICMP_UNREACH, DIR_NONE);
    char what[96] = "";
    if (e)
        timeline_describe(e, what, sizeof what);
    diag_set(v, PHASE_TCP, CAUSE_REFUSED, CONF_HIGH);
    v->key = c->icmp;
    text_fmt(v->detail, sizeof v->detail, "%s from %s", what, from);
    bool from_server = rt_addr_eq(&c->icmp_from, &c->server);
    text_fmt(v->summary, sizeof v->summary,
           "The connection to %s was rejected with an %s sent by %s%s; the server never answered.",
           sv, what, from, from_server ? " (the server itself)" : ", a device on the path such as a firewall");
    /* Each SYN and each ICMP answer, in order. */
    for (uint32_t i = 0; i < c->tl.n && v->n_evidence < 12; i++) {
        const tl_event *ev = &c->tl.ev[i];
        if (ev->type == EV_SYN && ev->dir == DIR_C2S)
            verdict_add_evidence(v, &ev->ref, "Client SYN to %s%s", sv, ev->a ? " (retransmission)" : "");
        else if (ev->type == EV_ICMP_UNREACH)
            verdict_add_evidence(v, &ev->ref, "%s from %s", what, from);
    }
    return true;
}

static bool rule_syn_answered_by_rst(const connection *c, verdict *v)
{
    const conn_dir *cl = client_dir(c), *sv = server_dir(c);
    if (!cl->syn.packet || sv->syn.packet || !sv->rst.packet)
        return false;
    char cls[64], svs[64];
    diag_endpoints(c, cls, sizeof cls, svs, sizeof svs);
    diag_set(v, PHASE_TCP, CAUSE_REFUSED, CONF_HIGH);
    v->key = sv->rst;
    text_fmt(v->detail, sizeof v->detail, "SYN answered by RST after %.3f s",
           diag_seconds_between(sv->rst, cl->syn));
    text_fmt(v->summary, sizeof v->summary,
           "%s answered the connection attempt with a reset: nothing accepts connections on this "
           "port, or a firewall rejects them.", svs);
    verdict_add_evidence(v, &cl->syn, "Client SYN to %s", svs);
    verdict_add_evidence(v, &sv->rst, "RST from %s (TTL %u)", svs, sv->ttl_first);
    return true;
}

static bool rule_no_answer(const connection *c, verdict *v)
{
    const conn_dir *cl = client_dir(c), *sv = server_dir(c);
    if (!cl->syn.packet || sv->packets > 0 || c->icmp.packet)
        return false;
    char cls[64], svs[64];
    diag_endpoints(c, cls, sizeof cls, svs, sizeof svs);
    double span = diag_seconds_between(cl->last, cl->syn);
    double waited = diag_seconds_between(c->end, cl->syn);
    /* One SYN and a capture that ended at once proves little. */
    verdict_confidence conf = cl->syn_count >= 2 ? CONF_HIGH : CONF_MEDIUM;
    diag_set(v, PHASE_TCP, CAUSE_NO_ANSWER, conf);
    text_fmt(v->detail, sizeof v->detail, "%u SYN%s over %.1f s, no answer", cl->syn_count,
           cl->syn_count == 1 ? "" : "s", span);
    text_fmt(v->summary, sizeof v->summary,
           "The client's connection attempt to %s got no answer at all (%u SYN%s, nothing back "
           "within %.1f s): a firewall drops the traffic, or the host is down or unreachable.",
           svs, cl->syn_count, cl->syn_count == 1 ? "" : "s", waited);
    diag_evidence_each(v, c, EV_SYN, DIR_C2S, 12);
    return true;
}

static bool rule_midstream(const connection *c, verdict *v)
{
    if (client_dir(c)->syn.packet || server_dir(c)->syn.packet || c->has_cr || c->has_cc)
        return false;
    verdict_phase ph = diag_phase_reached(c);
    diag_set(v, ph == PHASE_SESSION ? PHASE_SESSION : ph, CAUSE_CAPTURE_INCOMPLETE, CONF_HIGH);
    text_fmt(v->detail, sizeof v->detail, "capture starts mid-connection");
    const tl_event *m = timeline_first(&c->tl, EV_MIDSTREAM, DIR_NONE);
    close_info ci = diag_first_close(c);
    text_fmt(v->summary, sizeof v->summary,
           "The capture starts after this connection was set up, so its negotiation is missing; "
           "%s%s",
           ph == PHASE_SESSION ? "it was already in an active session"
                               : "it was already past the negotiation",
           ci.any ? ", and it was then closed." : ".");
    verdict_add_evidence(v, &c->start, "First packet of the connection in the capture (no SYN)");
    if (m)
        verdict_add_evidence(v, &m->ref, "Reassembly starts mid-stream");
    if (ci.any)
        diag_evidence_close(v, &ci);
    return true;
}

static const verdict_cause failure_causes[7] = {
    CAUSE_MALFORMED,
    CAUSE_SSL_REQUIRED_BY_SERVER,
    CAUSE_SSL_NOT_ALLOWED_BY_SERVER,
    CAUSE_SSL_CERT_NOT_ON_SERVER,
    CAUSE_INCONSISTENT_FLAGS,
    CAUSE_HYBRID_REQUIRED_BY_SERVER,
    CAUSE_SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER,
};

static bool rule_negotiation_failure(const connection *c, verdict *v)
{
    if (!c->has_cc || !c->cc.has_neg_failure)
        return false;
    uint32_t code = c->cc.failure_code;
    verdict_cause cause = code >= 1 && code <= 6 ? failure_causes[code] : CAUSE_MALFORMED;
    diag_set(v, PHASE_X224, cause, CONF_HIGH);
    v->key = c->cc_ref;
    text_fmt(v->detail, sizeof v->detail, "RDP_NEG_FAILURE %s (0x%08x)", x224_failure_code_name(code),
           code);
    char offered[64] = "RDP";
    if (c->has_cr && c->cr.has_neg_req)
        x224_protocols_str(c->cr.requested_protocols, offered, sizeof offered);
    text_fmt(v->summary, sizeof v->summary,
           "The server refused the client's security settings with %s: %s The client offered %s.",
           x224_failure_code_name(code), x224_failure_code_text(code), offered);
    diag_evidence_cr(v, c);
    diag_evidence_cc(v, c);
    close_info ci = diag_first_close(c);
    if (ci.any)
        diag_evidence_close(v, &ci);
    return true;
}

/* Problems that make a negotiation unusable; trailing bytes or unknown
 * protocol bits alone do not. */
#define SERIOUS_X224 (X224_PROB_TRUNCATED | X224_PROB_BAD_LI | X224_PROB_UNKNOWN_TPDU | \
                      X224_PROB_NEG_LENGTH | X224_PROB_NEG_TYPE | X224_PROB_NEG_TRUNCATED | \
                      X224_PROB_MULTIPLE_SELECTED)

static bool rule_malformed_negotiation(const connection *c, verdict *v)
{
    if (!c->x224_malformed)
        return false;
    const tl_event *e = timeline_first(&c->tl, EV_MALFORMED, DIR_NONE);
    bool unusable = !e || (e->b & SERIOUS_X224) || e->b == 0;
    if (!unusable || diag_reached_session(c))
        return false;
    diag_set(v, PHASE_X224, CAUSE_MALFORMED, CONF_HIGH);
    v->key = c->malformed_ref;
    const char *who = c->malformed_dir == DIR_S2C ? "server" : "client";
    text_fmt(v->detail, sizeof v->detail, "malformed %s negotiation: %s", who, c->malformed_text);
    text_fmt(v->summary, sizeof v->summary,
           "The %s's X.224 negotiation message is malformed (%s), so the connection cannot "
           "proceed as RDP.", who, c->malformed_text);
    diag_evidence_cr(v, c);
    verdict_add_evidence(v, &c->malformed_ref, "Malformed %s X.224 PDU: %s", who, c->malformed_text);
    close_info ci = diag_first_close(c);
    if (ci.any)
        diag_evidence_close(v, &ci);
    return true;
}

static bool rule_not_rdp(const connection *c, verdict *v)
{
    if (!c->not_rdp)
        return false;
    const char *who = c->not_rdp_dir == DIR_S2C ? "server" : "client";
    diag_set(v, PHASE_X224, CAUSE_NOT_RDP, CONF_HIGH);
    v->key = c->not_rdp_ref;
    text_fmt(v->detail, sizeof v->detail, "%s sent non-RDP bytes: %s", who, c->not_rdp_text);
    text_fmt(v->summary, sizeof v->summary,
           "The %s's first bytes are not RDP (they start \"%s\"): another service or protocol "
           "uses this port.", who, c->not_rdp_text);
    diag_evidence_cr(v, c);
    verdict_add_evidence(v, &c->not_rdp_ref, "%s's first bytes: %s",
                         c->not_rdp_dir == DIR_S2C ? "Server" : "Client", c->not_rdp_text);
    close_info ci = diag_first_close(c);
    if (ci.any)
        diag_evidence_close(v, &ci);
    return true;
}

static bool client_sent_nothing_more(const connection *c)
{
    return client_dir(c)->secure_pdus == 0 && client_dir(c)->last_data.packet <= c->cr_ref.packet;
}

static bool rule_protocol_mismatch(const connection *c, verdict *v)
{
    if (!c->has_cr || !c->has_cc || c->cc.has_neg_failure)
        return false;
    uint32_t req = c->cr.has_neg_req ? c->cr.requested_protocols : 0;
    char reqs[64], sels[64];
    x224_protocols_str(req, reqs, sizeof reqs);
    close_info ci = diag_first_close(c);
    if (c->cc.has_neg_rsp) {
        uint32_t sel = c->cc.selected_protocol;
        x224_protocols_str(sel, sels, sizeof sels);
        if (sel != PROTOCOL_RDP && !(req & sel)) {
            diag_set(v, PHASE_X224, CAUSE_PROTOCOL_MISMATCH, CONF_HIGH);
            text_fmt(v->detail, sizeof v->detail, "client offered %s, server selected %s", reqs, sels);
            text_fmt(v->summary, sizeof v->summary,
                   "The server selected %s, which the client did not offer (it offered %s).", sels,
                   reqs);
        } else if (req != 0 && client_sent_nothing_more(c) && ci.any && ci.dir == DIR_C2S) {
            /* The client closed at once instead of going on with the
             * protocol the server chose: it did not accept that choice (a
             * client that requires NLA offered TLS too, or requires TLS and
             * got Standard RDP Security). */
            diag_set(v, PHASE_X224, CAUSE_PROTOCOL_MISMATCH, CONF_MEDIUM);
            text_fmt(v->detail, sizeof v->detail,
                   "client offered %s, server selected %s, client closed at once", reqs,
                   sel == PROTOCOL_RDP ? "Standard RDP Security" : sels);
            text_fmt(v->summary, sizeof v->summary,
                   "The client asked for %s and the server chose %s; the client closed the "
                   "connection at once without going on, as a client does that requires %s.",
                   reqs, sel == PROTOCOL_RDP ? "Standard RDP Security" : sels,
                   sel == PROTOCOL_SSL && (req & (PROTOCOL_HYBRID | PROTOCOL_HYBRID_EX))
                       ? "Network Level Authentication"
                       : "a stronger security protocol");
        } else {
            return false;
        }
    } else if (c->cr.has_neg_req && req != 0 && client_sent_nothing_more(c) && ci.any &&
               ci.dir == DIR_C2S) {
        diag_set(v, PHASE_X224, CAUSE_PROTOCOL_MISMATCH, CONF_MEDIUM);
        text_fmt(v->detail, sizeof v->detail,
               "client offered %s, server answered without negotiation (legacy)", reqs);
        text_fmt(v->summary, sizeof v->summary,
               "The client asked for %s but the server answered without any negotiation (an old "
               "or non-Windows server that only knows Standard RDP Security); the client closed "
               "the connection.", reqs);
    } else {
        return false;
    }
    diag_evidence_cr(v, c);
    diag_evidence_cc(v, c);
    if (ci.any)
        diag_evidence_close(v, &ci);
    return true;
}

/* The TCP handshake completed (or at least the SYN-ACK came) but the client
 * never sent its X.224 request. */
static bool rule_no_request(const connection *c, verdict *v)
{
    if (c->has_cr || client_dir(c)->first_data.packet || !server_dir(c)->syn.packet)
        return false;
    close_info ci = diag_first_close(c);
    verdict_phase ph = c->handshake_done ? PHASE_X224 : PHASE_TCP;
    char cls[64], svs[64];
    diag_endpoints(c, cls, sizeof cls, svs, sizeof svs);
    if (!ci.any) {
        diag_set(v, ph, CAUSE_CAPTURE_INCOMPLETE, CONF_MEDIUM);
        text_fmt(v->detail, sizeof v->detail, "TCP connected, no RDP data before the capture ended");
        text_fmt(v->summary, sizeof v->summary,
               "The TCP connection to %s was set up, but the capture ends before the client sent "
               "anything.", svs);
    } else {
        diag_set(v, ph, diag_close_cause(&ci), CONF_MEDIUM);
        text_fmt(v->detail, sizeof v->detail, "%s before any RDP data",
               ci.rst ? "reset" : "closed");
        text_fmt(v->summary, sizeof v->summary,
               "The TCP connection was set up, then the %s %s it before the client sent its RDP "
               "request (a port scan, a health check, or a client that gave up).",
               ci.dir == DIR_S2C ? "server" : "client", ci.rst ? "reset" : "closed");
    }
    verdict_add_evidence(v, &client_dir(c)->syn, "Client SYN");
    verdict_add_evidence(v, &server_dir(c)->syn, "Server SYN-ACK");
    if (ci.any)
        diag_evidence_close(v, &ci);
    return true;
}

/* The client sent its Connection Request; the server never confirmed. */
static bool rule_request_unanswered(const connection *c, verdict *v)
{
    if (!c->has_cr || c->has_cc || server_dir(c)->state != STREAM_X224)
        return false;
    close_info ci = diag_first_close(c);
    pkt_ref cl_last;
    char cls[64], svs[64];
    diag_endpoints(c, cls, sizeof cls, svs, sizeof svs);
    if (diag_server_went_silent(c, &ci, &cl_last)) {
        diag_set(v, PHASE_X224, CAUSE_SERVER_SILENT, CONF_HIGH);
        pkt_ref until = ci.any ? ci.ref : c->end;
        text_fmt(v->detail, sizeof v->detail, "no X.224 Connection Confirm within %.1f s",
               diag_seconds_between(until, c->cr_ref));
        text_fmt(v->summary, sizeof v->summary,
               "%s accepted the TCP connection but never answered the client's RDP request "
               "(%.1f s without a reply)%s.", svs, diag_seconds_between(until, c->cr_ref),
               ci.any ? ", then the connection was closed" : " until the capture ended");
        diag_evidence_cr(v, c);
        if (ci.any)
            diag_evidence_close(v, &ci);
        else
            verdict_add_evidence(v, &c->end, "Last packet of the connection in the capture");
        return true;
    }
    if (!ci.any) {
        diag_set(v, PHASE_X224, CAUSE_CAPTURE_INCOMPLETE, CONF_MEDIUM);
        text_fmt(v->detail, sizeof v->detail, "capture ends right after the X.224 request");
        text_fmt(v->summary, sizeof v->summary,
               "The capture ends right after the client's RDP request, before the server could "
               "answer.");
        diag_evidence_cr(v, c);
        return true;
    }
    diag_set(v, PHASE_X224, diag_close_cause(&ci), ci.dir == DIR_S2C ? CONF_HIGH : CONF_MEDIUM);
    text_fmt(v->detail, sizeof v->detail, "%s %.3f s after the X.224 request",
           ci.rst ? "reset" : "closed", diag_seconds_between(ci.ref, c->cr_ref));
    if (ci.dir == DIR_S2C)
        text_fmt(v->summary, sizeof v->summary,
               "The connection was %s in the server's name right after the client's RDP request, "
               "without any RDP answer: the listener refused it, or a device on the path "
               "(endpoint security, IPS, firewall) did.", ci.rst ? "reset" : "closed");
    else
        text_fmt(v->summary, sizeof v->summary,
               "The client %s the connection %.3f s after its RDP request, before the server "
               "answered.", ci.rst ? "reset" : "closed", diag_seconds_between(ci.ref, c->cr_ref));
    diag_evidence_cr(v, c);
    diag_evidence_close(v, &ci);
    return true;
}

static const char *phase_words(verdict_phase ph)
{
    switch (ph) {
    case PHASE_TLS: return "during the TLS handshake";
    case PHASE_NLA: return "after the TLS handshake, during Network Level Authentication";
    case PHASE_MCS: return "after the security layer was set up, early in the RDP connection sequence";
    default: return "during the connection";
    }
}

/* The first records of each side after the negotiation, the client's
 * switch to encrypted records, and the server's last data: where a ladder
 * diagram of the connection has its milestones. */
static void evidence_secure_milestones(verdict *v, const connection *c, bool tls)
{
    const conn_dir *cl = client_dir(c), *sv = server_dir(c);
    event_type rec = tls ? EV_TLS_RECORD : EV_PAYLOAD;
    const tl_event *cf = timeline_first(&c->tl, rec, DIR_C2S);
    const tl_event *sf = timeline_first(&c->tl, rec, DIR_S2C);
    if (cf)
        verdict_add_evidence(v, &cf->ref, tls ? "Client's first TLS record (ClientHello)"
                                              : "Client's first PDU after the negotiation");
    if (sf)
        verdict_add_evidence(v, &sf->ref, tls ? "Server's first TLS record (ServerHello)"
                                              : "Server's first PDU after the negotiation");
    if (tls) {
        const pkt_ref *sw = cl->tls_ccs_ref.packet ? &cl->tls_ccs_ref : &cl->tls_first_appdata;
        if (sw->packet)
            verdict_add_evidence(v, sw, "Client switches to encrypted records (%u application "
                                 "data records in all)", cl->tls_appdata);
    }
    if (sv->last_data.packet && sv->secure_bytes > 0 && (!sf || sv->last_data.packet != sf->ref.packet))
        verdict_add_evidence(v, &sv->last_data, "Server's last data (%llu bytes after the negotiation)",
                             (unsigned long long)sv->secure_bytes);
}

/* After the negotiation: success if the session started, else who ended it. */
static bool rule_after_negotiation(const connection *c, verdict *v)
{
    const conn_dir *cl = client_dir(c), *sv = server_dir(c);
    if (!c->has_cc && cl->state == STREAM_X224 && sv->state == STREAM_X224)
        return false;
    bool tls = diag_is_tls(c);
    close_info ci = diag_first_close(c);
    text_fmt(v->not_examined, sizeof v->not_examined, "%s", tls ? NOT_EXAMINED_TLS : NOT_EXAMINED_RDP);
    diag_evidence_cr(v, c);
    diag_evidence_cc(v, c);
    evidence_secure_milestones(v, c, tls);
    const char *unit = tls ? "TLS records" : "PDUs";
    uint64_t spdus = tls ? sv->tls_appdata + sv->tls_handshake : sv->secure_pdus;
    if (tls && c->rdp.session_ref.packet && !c->rdp.session_inferred &&
        (!c->rdp.has_error_info || rdpsec_errinfo_is_benign(c->rdp.error_info))) {
        /* Decrypted: the connection finalization itself was read. */
        diag_set(v, PHASE_NONE, CAUSE_SUCCESS, CONF_HIGH);
        v->key = c->rdp.session_ref;
        text_fmt(v->detail, sizeof v->detail, "session started (decrypted: finalization complete at packet %llu)",
               (unsigned long long)c->rdp.session_ref.packet);
        text_fmt(v->summary, sizeof v->summary,
               "The connection got through the negotiation, the TLS handshake and the connection "
               "sequence into an active session (read from the decrypted data)%s%s.",
               c->rdp.has_error_info ? ", and the server ended it with " : "",
               c->rdp.has_error_info ? rdpsec_errinfo_name(c->rdp.error_info) : "");
        verdict_add_evidence(v, &c->rdp.session_ref, "Connection finalization complete (decrypted)");
        if (c->rdp.has_error_info)
            verdict_add_evidence(v, &c->rdp.error_info_ref, "Set Error Info %s (0x%x): a normal end",
                                 rdpsec_errinfo_name(c->rdp.error_info), c->rdp.error_info);
        v->not_examined[0] = '\0';
        if (ci.any)
            diag_evidence_close(v, &ci);
        return true;
    }
    if (diag_reached_session(c)) {
        diag_set(v, PHASE_NONE, CAUSE_SUCCESS, CONF_LOW);
        text_fmt(v->detail, sizeof v->detail, "session started (inferred from %llu server %s, %llu bytes)",
               (unsigned long long)spdus, unit, (unsigned long long)sv->secure_bytes);
        text_fmt(v->summary, sizeof v->summary,
               "The connection got through the negotiation%s into an active session (the server "
               "sent %llu %s, %llu KiB), %s.",
               tls ? " and the TLS handshake" : "", (unsigned long long)spdus, unit,
               (unsigned long long)(sv->secure_bytes / 1024),
               ci.any ? "and was later closed" : "still open when the capture ended");
        if (ci.any)
            diag_evidence_close(v, &ci);
        return true;
    }
    verdict_phase ph = diag_secure_phase(c);
    pkt_ref cl_last;
    if (diag_server_went_silent(c, &ci, &cl_last)) {
        pkt_ref until = ci.any ? ci.ref : c->end;
        diag_set(v, ph, CAUSE_SERVER_SILENT, CONF_MEDIUM);
        text_fmt(v->detail, sizeof v->detail, "no answer to the client's data for %.1f s",
               diag_seconds_between(until, cl_last));
        text_fmt(v->summary, sizeof v->summary,
               "The server stopped answering %s: the client's last data got no reply for %.1f s%s.",
               phase_words(ph), diag_seconds_between(until, cl_last),
               ci.any ? ", then the connection was closed" : " until the capture ended");
        verdict_add_evidence(v, &cl_last, "Client's last data, never answered");
        if (ci.any)
            diag_evidence_close(v, &ci);
        return true;
    }
    if (!ci.any) {
        diag_set(v, ph, CAUSE_CAPTURE_INCOMPLETE, CONF_MEDIUM);
        text_fmt(v->detail, sizeof v->detail, "capture ends %s", phase_words(ph));
        text_fmt(v->summary, sizeof v->summary,
               "The capture ends %s, before the connection's outcome.", phase_words(ph));
        verdict_add_evidence(v, &c->end, "Last packet of the connection in the capture");
        return true;
    }
    diag_set(v, ph, diag_close_cause(&ci), ph == PHASE_TLS ? CONF_MEDIUM : CONF_LOW);
    text_fmt(v->detail, sizeof v->detail, "%s by the %s %s", ci.rst ? "reset" : "closed",
           ci.dir == DIR_S2C ? "server" : "client", phase_words(ph));
    text_fmt(v->summary, sizeof v->summary,
           "The %s %s the connection %s (client sent %llu %s, server %llu), before any session "
           "started.", ci.dir == DIR_S2C ? "server" : "client", ci.rst ? "reset" : "closed",
           phase_words(ph), (unsigned long long)(tls ? cl->tls_appdata + cl->tls_handshake : cl->secure_pdus),
           unit, (unsigned long long)spdus);
    if (tls && sv->tls_first_alert.packet)
        verdict_add_evidence(v, &sv->tls_first_alert, "Server sent a TLS alert record");
    if (tls && cl->tls_first_alert.packet)
        verdict_add_evidence(v, &cl->tls_first_alert, "Client sent a TLS alert record");
    diag_evidence_close(v, &ci);
    return true;
}

static bool rule_fallback(const connection *c, verdict *v)
{
    close_info ci = diag_first_close(c);
    diag_set(v, diag_phase_reached(c), CAUSE_CAPTURE_INCOMPLETE, CONF_LOW);
    text_fmt(v->detail, sizeof v->detail, "not enough of the connection in the capture");
    text_fmt(v->summary, sizeof v->summary,
           "The capture holds too little of this connection to tell what happened.");
    verdict_add_evidence(v, &c->start, "First packet of the connection in the capture");
    if (ci.any)
        diag_evidence_close(v, &ci);
    return true;
}

static const diagnosis_rule rules[] = {
    { "icmp_unreachable", rule_icmp_unreachable },
    { "syn_answered_by_rst", rule_syn_answered_by_rst },
    { "no_answer", rule_no_answer },
    { "midstream", rule_midstream },
    { "negotiation_failure", rule_negotiation_failure },
    { "malformed_negotiation", rule_malformed_negotiation },
    { "not_rdp", rule_not_rdp },
    { "protocol_mismatch", rule_protocol_mismatch },
    { "decrypted_credssp_error", decrypt_glue_rule_credssp_error },   /* rules_decrypted.c */
    { "decrypted_early_auth_denied", decrypt_glue_rule_early_auth_denied },
    { "decrypted_negotiate_rejected", decrypt_glue_rule_negotiate_rejected },
    { "decrypted_set_error_info", decrypt_glue_rule_set_error_info },
    { "decrypted_closed_after_auth", decrypt_glue_rule_closed_after_auth },
    { "tls_version_mismatch", rules_tls_version_mismatch },     /* rules_tls.c */
    { "tls_cipher_mismatch", rules_tls_cipher_mismatch },
    { "tls_cert_rejected", rules_tls_cert_rejected },
    { "tls_alert", rules_tls_alert },
    { "no_request", rule_no_request },
    { "request_unanswered", rule_request_unanswered },
    { "rdp_encryption_mismatch", rules_rdp_encryption_mismatch },   /* rules_rdp.c */
    { "rdp_licensing_error", rules_rdp_licensing_error },
    { "rdp_redirected", rules_rdp_redirected },
    { "rdp_server_denied", rules_rdp_server_denied },
    { "rdp_progress", rules_rdp_progress },
    { "inferred_nla_rejected", rules_inference_nla_rejected },     /* rules_inference.c */
    { "inferred_progress", rules_inference_progress },
    { "after_negotiation", rule_after_negotiation },
    { "fallback", rule_fallback },
};

const diagnosis_rule *diagnosis_rules(unsigned *count)
{
    *count = sizeof rules / sizeof rules[0];
    return rules;
}

/* Facts that hold whatever the verdict: capture problems on this connection. */
static void add_capture_notes(const connection *c, verdict *v)
{
    uint32_t gaps = c->dir[0].reasm.gaps + c->dir[1].reasm.gaps;
    if (gaps) {
        const tl_event *g = timeline_first(&c->tl, EV_GAP, DIR_NONE);
        verdict_add_evidence(v, g ? &g->ref : NULL,
                             "The capture lost data of this connection: %u gap%s, %llu bytes",
                             gaps, gaps == 1 ? "" : "s",
                             (unsigned long long)(c->dir[0].reasm.gap_bytes + c->dir[1].reasm.gap_bytes));
    }
}

/* Evidence reads as a story in packet order; facts tied to no packet last.
 * (Insertion sort: at most VERDICT_MAX_EVIDENCE lines, stable.) */
static uint64_t evidence_key(const verdict_evidence *e)
{
    return e->ref.packet ? e->ref.packet : UINT64_MAX;
}

/* (An evidence line is 280 bytes: only the lines out of order are moved.) */
static void sort_evidence(verdict *v)
{
    for (unsigned i = 1; i < v->n_evidence; i++) {
        uint64_t k = evidence_key(&v->evidence[i]);
        if (evidence_key(&v->evidence[i - 1]) <= k)
            continue;
        verdict_evidence e = v->evidence[i];
        unsigned j = i;
        while (j > 0 && evidence_key(&v->evidence[j - 1]) > k) {
            v->evidence[j] = v->evidence[j - 1];
            j--;
        }
        v->evidence[j] = e;
    }
}

void diagnose_connection(connection *c)
{
    verdict *v = &c->v;
    verdict_reset(v);
    for (unsigned i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        if (rules[i].fn(c, v)) {
            v->rule = rules[i].name;
            break;
        }
    }
    if (!v->key.packet) {
        /* Unless the rule named it, the decisive packet of a close is the
         * first FIN/RST; otherwise the first piece of evidence. */
        close_info ci = diag_first_close(c);
        bool by_close = v->cause == CAUSE_RESET_BY_SERVER || v->cause == CAUSE_RESET_BY_CLIENT ||
                        v->cause == CAUSE_CLOSED_BY_SERVER || v->cause == CAUSE_CLOSED_BY_CLIENT;
        if (by_close && ci.any)
            v->key = ci.ref;
        for (unsigned i = 0; !v->key.packet && i < v->n_evidence; i++)
            v->key = v->evidence[i].ref;
    }
    rules_reset_refine(c); /* who really sent a reset (rules_reset.c) */
    add_capture_notes(c, v);
    sort_evidence(v);
    c->diagnosed = true;
}

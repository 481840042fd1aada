/* rules_common.c - helpers every diagnosis rule uses (see rules.h). */
#include "rules.h"
#include "textfmt.h"

#include "tls_facts.h"
#include "x224.h"

#include <string.h>

/* A server that has not answered the client's last message for this long
 * (before the client gave up or the capture ended) is "silent". Real servers
 * answer an X.224 request or a TLS flight within milliseconds. */
#define SILENT_US (2LL * 1000000LL)
/* A connection whose server sent at least this many records/PDUs and bytes
 * after the negotiation got through the handshakes into the session: the
 * connection sequence up to the Demand Active takes about ten server PDUs,
 * and the first screen updates are tens of kilobytes. */
#define SESSION_MIN_SERVER_PDUS 16
#define SESSION_MIN_SERVER_BYTES (8u * 1024u)

void diag_endpoints(const connection *c, char *cl, size_t cll, char *sv, size_t svl)
{
    text_endpoint(&c->client, c->client_port, cl, cll);
    text_endpoint(&c->server, c->server_port, sv, svl);
}

double diag_seconds_between(pkt_ref later, pkt_ref earlier)
{
    return (double)rt_time_diff_us(later.ts, earlier.ts) / 1e6;
}

void diag_set(verdict *v, verdict_phase ph, verdict_cause ca, verdict_confidence conf)
{
    v->phase = ph;
    v->cause = ca;
    v->confidence = conf;
}

close_info diag_first_close(const connection *c)
{
    close_info ci = { false, DIR_NONE, false, { 0, { 0, 0 } } };
    for (int d = 0; d < 2; d++) {
        const conn_dir *cd = &c->dir[d];
        const pkt_ref *cand[2] = { &cd->fin, &cd->rst };
        for (int k = 0; k < 2; k++) {
            if (cand[k]->packet && (!ci.any || cand[k]->packet < ci.ref.packet)) {
                ci.any = true;
                ci.dir = (direction)d;
                ci.rst = k == 1;
                ci.ref = *cand[k];
            }
        }
    }
    return ci;
}

verdict_cause diag_close_cause(const close_info *ci)
{
    if (ci->dir == DIR_S2C)
        return ci->rst ? CAUSE_RESET_BY_SERVER : CAUSE_CLOSED_BY_SERVER;
    return ci->rst ? CAUSE_RESET_BY_CLIENT : CAUSE_CLOSED_BY_CLIENT;
}

void diag_evidence_close(verdict *v, const close_info *ci)
{
    verdict_add_evidence(v, &ci->ref, "%s sent %s", ci->dir == DIR_S2C ? "Server" : "Client",
                         ci->rst ? "RST" : "FIN");
}

/* Cites every event of a kind (e.g. each SYN retransmission), up to `max`. */
void diag_evidence_each(verdict *v, const connection *c, event_type type, direction dir,
                          unsigned max)
{
    unsigned n = 0;
    for (uint32_t i = 0; i < c->tl.n && n < max; i++) {
        const tl_event *e = &c->tl.ev[i];
        if (e->type != type || (dir != DIR_NONE && e->dir != dir))
            continue;
        char what[128];
        timeline_describe(e, what, sizeof what);
        verdict_add_evidence(v, &e->ref, "%s: %s", direction_name((direction)e->dir), what);
        n++;
    }
}

void diag_evidence_cr(verdict *v, const connection *c)
{
    char p[64];
    if (!c->has_cr)
        return;
    if (c->cr.has_neg_req) {
        x224_protocols_str(c->cr.requested_protocols, p, sizeof p);
        verdict_add_evidence(v, &c->cr_ref, "Client X.224 Connection Request offers %s%s%s%s", p,
                             c->cr.has_cookie ? " (cookie mstshash=" : "",
                             c->cr.has_cookie ? c->cr.cookie : "", c->cr.has_cookie ? ")" : "");
    } else {
        verdict_add_evidence(v, &c->cr_ref,
                             "Client X.224 Connection Request without RDP negotiation (legacy)");
    }
}

void diag_evidence_cc(verdict *v, const connection *c)
{
    char p[64];
    if (!c->has_cc)
        return;
    if (c->cc.has_neg_failure)
        verdict_add_evidence(v, &c->cc_ref, "Server X.224 Connection Confirm: RDP_NEG_FAILURE %s (0x%x)",
                             x224_failure_code_name(c->cc.failure_code), c->cc.failure_code);
    else if (c->cc.has_neg_rsp) {
        x224_protocols_str(c->cc.selected_protocol, p, sizeof p);
        verdict_add_evidence(v, &c->cc_ref, "Server X.224 Connection Confirm selects %s", p);
    } else {
        verdict_add_evidence(v, &c->cc_ref,
                             "Server X.224 Connection Confirm without RDP negotiation (legacy server)");
    }
}

/* ---- how far a connection got ----------------------------------------- */

bool diag_tls_handshake_done(const connection *c)
{
    /* With the handshake dissected, its Finished messages decide (under TLS
     * 1.3 the server's encrypted handshake travels in application-data
     * records, so counting them would end the handshake too early). */
    if (c->tls && c->tls->has_server_hello && c->tls->version)
        return tls_facts_handshake_complete(c->tls);
    return client_dir(c)->tls_appdata > 0 && server_dir(c)->tls_appdata > 0;
}

bool diag_reached_session(const connection *c)
{
    const conn_dir *s = server_dir(c);
    if (s->state == STREAM_TLS || (s->state == STREAM_OPAQUE && s->tls_appdata))
        return s->tls_appdata >= SESSION_MIN_SERVER_PDUS && s->secure_bytes >= SESSION_MIN_SERVER_BYTES;
    if (s->state == STREAM_RDP || s->secure_pdus)
        return s->secure_pdus >= SESSION_MIN_SERVER_PDUS && s->secure_bytes >= SESSION_MIN_SERVER_BYTES;
    return false;
}

bool diag_is_tls(const connection *c)
{
    return client_dir(c)->state == STREAM_TLS || server_dir(c)->state == STREAM_TLS ||
           client_dir(c)->tls_handshake || server_dir(c)->tls_handshake;
}

bool diag_nla_selected(const connection *c)
{
    if (!c->has_cc || !c->cc.has_neg_rsp)
        return false;
    uint32_t s = c->cc.selected_protocol;
    return s == PROTOCOL_HYBRID || s == PROTOCOL_HYBRID_EX || s == PROTOCOL_RDSTLS ||
           s == PROTOCOL_RDSAAD;
}

/* The phase a connection that got past the negotiation was in. */
verdict_phase diag_secure_phase(const connection *c)
{
    if (diag_is_tls(c)) {
        if (!diag_tls_handshake_done(c))
            return PHASE_TLS;
        return diag_nla_selected(c) ? PHASE_NLA : PHASE_MCS;
    }
    return PHASE_MCS;
}

verdict_phase diag_phase_reached(const connection *c)
{
    if (!server_dir(c)->syn.packet && !c->has_cr && !server_dir(c)->packets)
        return PHASE_TCP;
    if (!c->has_cc && client_dir(c)->state == STREAM_X224 && server_dir(c)->state == STREAM_X224)
        return c->handshake_done || c->has_cr ? PHASE_X224 : PHASE_TCP;
    if (diag_reached_session(c))
        return PHASE_SESSION;
    return diag_secure_phase(c);
}

/* The server said nothing for SILENT_US after the client's last data, up to
 * the close (or the end of the capture). */
bool diag_server_went_silent(const connection *c, const close_info *ci, pkt_ref *client_last)
{
    const conn_dir *cl = client_dir(c), *sv = server_dir(c);
    if (!cl->last_data.packet)
        return false;
    if (sv->last_data.packet && sv->last_data.packet > cl->last_data.packet)
        return false;
    /* Anything the server sent after the client's last data (other than
     * bare ACKs) would be an answer: a FIN or RST from it is not silence. */
    if (ci->any && ci->dir == DIR_S2C && ci->ref.packet > cl->last_data.packet)
        return false;
    pkt_ref until = ci->any ? ci->ref : c->end;
    *client_last = cl->last_data;
    return rt_time_diff_us(until.ts, cl->last_data.ts) >= SILENT_US;
}


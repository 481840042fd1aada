/* rules_rdp.c - verdicts for Standard RDP Security connections, read from
 * the MCS/GCC exchange, security headers and licensing PDUs in the clear
 * (facts: rdp_facts.h, filled by layer_rdp.c).
 *
 * Phases (../shared/VERDICTS.md, MS-RDPBCGR 1.3.1.1): mcs (Connect
 * Initial/Response, Erect Domain, Attach User, Channel Join), security
 * (Security Exchange, Client Info), licensing (the server's licensing PDUs),
 * activation (the server's Demand Active, pduType 1), session (after the
 * client's Confirm Active and connection finalization).
 */
#include "rules_rdp.h"
#include "textfmt.h"

#include "decrypt_facts.h"
#include "mcs.h"
#include "rdp_security.h"
#include "rules.h"
#include "x224.h"

#include <string.h>

static bool is_rdp_security(const connection *c)
{
    return c->rdp.seen && !diag_is_tls(c);
}

verdict_phase rules_rdp_phase(const connection *c)
{
    const rdp_facts *f = &c->rdp;
    if (f->session_ref.packet)
        return PHASE_SESSION;
    if (f->demand_active_ref.packet)
        return PHASE_ACTIVATION;
    if (f->license_server_pdus > 0 || f->license_client_pdus > 0)
        return PHASE_LICENSING;
    if (f->sec_exchange_ref.packet || f->client_info_ref.packet)
        return PHASE_SECURITY;
    return PHASE_MCS;
}

static const char *phase_step(verdict_phase ph)
{
    switch (ph) {
    case PHASE_MCS: return "during the MCS connection set-up";
    case PHASE_SECURITY: return "after the client's Security Exchange / Client Info";
    case PHASE_LICENSING: return "during licensing";
    case PHASE_ACTIVATION: return "during capability exchange and connection finalization";
    case PHASE_SESSION: return "in the active session";
    default: return "during the connection";
    }
}

/* ---- evidence ------------------------------------------------------------- */

static void evidence_connect_initial(verdict *v, const rdp_facts *f)
{
    char m[48];
    if (!f->has_connect_initial)
        return;
    const gcc_client_data *cs = &f->cs;
    gcc_encryption_methods_str(cs->encryption_methods | cs->ext_encryption_methods, m, sizeof m);
    if (cs->has_core)
        verdict_add_evidence(v, &f->connect_initial_ref,
                             "Client MCS Connect Initial: client \"%s\", build %u, %s, %ux%u, "
                             "offers encryption %s", cs->client_name, cs->client_build,
                             gcc_rdp_version_name(cs->version), cs->desktop_width,
                             cs->desktop_height, cs->has_security ? m : "(no CS_SECURITY)");
    else
        verdict_add_evidence(v, &f->connect_initial_ref, "Client MCS Connect Initial");
}

static void evidence_connect_response(verdict *v, const rdp_facts *f)
{
    char m[48];
    if (!f->has_connect_response)
        return;
    const gcc_server_data *sc = &f->sc;
    if (f->mcs_result != 0) {
        verdict_add_evidence(v, &f->connect_response_ref, "Server MCS Connect Response: %s (%u)",
                             mcs_result_name(f->mcs_result), f->mcs_result);
        return;
    }
    if (!sc->has_security) {
        verdict_add_evidence(v, &f->connect_response_ref, "Server MCS Connect Response (%s)",
                             mcs_result_name(f->mcs_result));
        return;
    }
    gcc_encryption_methods_str(sc->encryption_method, m, sizeof m);
    verdict_add_evidence(v, &f->connect_response_ref,
                         "Server MCS Connect Response: encryption %s, level %s, %s%s server "
                         "certificate", m, gcc_encryption_level_name(sc->encryption_level),
                         sc->cert_temporary ? "temporary " : "", gcc_cert_type_name(sc->cert_type));
}

static void evidence_sequence(verdict *v, const connection *c)
{
    const rdp_facts *f = &c->rdp;
    evidence_connect_initial(v, f);
    evidence_connect_response(v, f);
    if (f->attach_confirm_ref.packet && f->attach_result == 0 && f->last_join_ref.packet)
        verdict_add_evidence(v, &f->last_join_ref, "Server confirmed %u channel join%s",
                             f->join_confirms, f->join_confirms == 1 ? "" : "s");
    if (f->sec_exchange_ref.packet)
        verdict_add_evidence(v, &f->sec_exchange_ref, "Client Security Exchange (encrypted client "
                             "random)");
    if (f->client_info_ref.packet)
        verdict_add_evidence(v, &f->client_info_ref, "Client Info PDU%s",
                             f->client_info_encrypted ? " (encrypted)" : "");
    if (f->license_first_ref.packet)
        verdict_add_evidence(v, &f->license_first_ref, "Server's first licensing PDU%s",
                             f->license_encrypted ? " (encrypted)" : "");
    if (f->license_done_ref.packet && !f->license_done_inferred)
        verdict_add_evidence(v, &f->license_done_ref, "Licensing done (%s)",
                             f->license_last_msg == LICENSE_ERROR_ALERT ? "STATUS_VALID_CLIENT"
                                                                        : "license issued");
    if (f->demand_active_ref.packet)
        verdict_add_evidence(v, &f->demand_active_ref, "Server Demand Active%s",
                             f->demand_active_inferred
                                 ? " (inferred: first encrypted I/O-channel PDU after licensing)"
                                 : "");
    if (f->confirm_active_ref.packet)
        verdict_add_evidence(v, &f->confirm_active_ref, "Client Confirm Active%s",
                             f->confirm_active_inferred ? " (inferred)" : "");
    if (f->session_ref.packet)
        verdict_add_evidence(v, &f->session_ref, "Connection finalization complete%s",
                             f->session_inferred ? " (inferred from the PDU exchange that "
                                                   "follows the Confirm Active)"
                                                 : " (Font Map)");
}

static void evidence_dpum(verdict *v, const rdp_facts *f)
{
    if (f->has_dpum)
        verdict_add_evidence(v, &f->dpum_ref, "%s MCS Disconnect Provider Ultimatum (%s)",
                             f->dpum_dir == DIR_S2C ? "Server" : "Client",
                             mcs_reason_name(f->dpum_reason));
}

static void evidence_end(verdict *v, const connection *c)
{
    close_info ci = diag_first_close(c);
    if (ci.any)
        diag_evidence_close(v, &ci);
}

/* The downgrade check: what the server says the client requested. */
static void note_requested_mismatch(verdict *v, const connection *c)
{
    const rdp_facts *f = &c->rdp;
    bool neg = c->has_cr && c->cr.has_neg_req;
    if (!rdp_facts_requested_mismatch(f, neg, neg ? c->cr.requested_protocols : 0))
        return;
    char sent[64], echoed[64];
    x224_protocols_str(neg ? c->cr.requested_protocols : 0, sent, sizeof sent);
    x224_protocols_str(f->sc.client_requested_protocols, echoed, sizeof echoed);
    verdict_add_evidence(v, &f->connect_response_ref,
                         "SC_CORE clientRequestedProtocols says the client asked for %s, but its "
                         "X.224 request offered %s: something between them changed the request "
                         "(a downgrade)", echoed, sent);
}

/* ---- rules ------------------------------------------------------------- */

/* No encryption method both ends support: the server selected a method the
 * client did not offer (MS-RDPBCGR 5.3.2), or said so with
 * ERRINFO_ENCRYPTION_PACKAGE_MISMATCH. */
bool rules_rdp_encryption_mismatch(const connection *c, verdict *v)
{
    if (!is_rdp_security(c))
        return false;
    const rdp_facts *f = &c->rdp;
    const gcc_client_data *cs = &f->cs;
    const gcc_server_data *sc = &f->sc;
    char offered[48], chosen[48];
    bool errinfo = f->has_error_info && f->error_info == 0x1194;
    bool not_offered = f->has_connect_initial && cs->has_security && sc->has_security &&
                       sc->encryption_method != ENCRYPTION_METHOD_NONE &&
                       !(sc->encryption_method & (cs->encryption_methods | cs->ext_encryption_methods));
    if (!errinfo && !not_offered)
        return false;
    if (f->session_ref.packet && !errinfo)
        return false; /* it worked anyway */
    gcc_encryption_methods_str(cs->encryption_methods | cs->ext_encryption_methods, offered,
                               sizeof offered);
    gcc_encryption_methods_str(sc->encryption_method, chosen, sizeof chosen);
    diag_set(v, PHASE_MCS, CAUSE_ENCRYPTION_MISMATCH, CONF_HIGH);
    if (not_offered) {
        text_fmt(v->detail, sizeof v->detail, "client offered %s, server selected %s (level %s)",
               offered, chosen, gcc_encryption_level_name(sc->encryption_level));
        text_fmt(v->summary, sizeof v->summary,
               "Standard RDP Security: the server requires encryption %s (level %s), which the "
               "client did not offer (it offered %s), so the two cannot agree on an encryption "
               "method.", chosen, gcc_encryption_level_name(sc->encryption_level), offered);
        v->key = f->connect_response_ref;
    } else {
        text_fmt(v->detail, sizeof v->detail, "Set Error Info ERRINFO_ENCRYPTION_PACKAGE_MISMATCH");
        text_fmt(v->summary, sizeof v->summary,
               "The server found no usable encryption method among those the client offered "
               "(%s) and said so with ERRINFO_ENCRYPTION_PACKAGE_MISMATCH.", offered);
        v->key = f->error_info_ref;
    }
    diag_evidence_cr(v, c);
    evidence_connect_initial(v, f);
    evidence_connect_response(v, f);
    if (errinfo)
        verdict_add_evidence(v, &f->error_info_ref, "Set Error Info 0x1194 "
                             "ERRINFO_ENCRYPTION_PACKAGE_MISMATCH");
    evidence_dpum(v, f);
    evidence_end(v, c);
    return true;
}

bool rules_rdp_licensing_error(const connection *c, verdict *v)
{
    if (!is_rdp_security(c))
        return false;
    const rdp_facts *f = &c->rdp;
    bool errinfo = f->has_error_info && f->error_info >= 0x100 && f->error_info <= 0x10A;
    if (!f->license_error && !errinfo)
        return false;
    /* A licensing complaint the session got past is not why it ended. */
    if (f->session_ref.packet && !errinfo)
        return false;
    diag_set(v, PHASE_LICENSING, CAUSE_LICENSING_ERROR, CONF_HIGH);
    if (f->license_error) {
        text_fmt(v->detail, sizeof v->detail, "LICENSE_ERROR_MESSAGE %s (0x%x), %s",
               rdpsec_license_error_name(f->license_error_code), f->license_error_code,
               rdpsec_license_state_name(f->license_state));
        text_fmt(v->summary, sizeof v->summary,
               "The server's licensing failed: it sent the licensing error %s (0x%x, state "
               "transition %s) instead of the STATUS_VALID_CLIENT message that lets a "
               "connection go on.", rdpsec_license_error_name(f->license_error_code),
               f->license_error_code, rdpsec_license_state_name(f->license_state));
        v->key = f->license_error_ref;
    } else {
        text_fmt(v->detail, sizeof v->detail, "Set Error Info %s (0x%x)",
               rdpsec_errinfo_name(f->error_info), f->error_info);
        text_fmt(v->summary, sizeof v->summary,
               "The server ended the connection with the licensing error %s (0x%x).",
               rdpsec_errinfo_name(f->error_info), f->error_info);
        v->key = f->error_info_ref;
    }
    diag_evidence_cr(v, c);
    evidence_sequence(v, c);
    if (f->license_error)
        verdict_add_evidence(v, &f->license_error_ref, "Server licensing error %s (0x%x), %s",
                             rdpsec_license_error_name(f->license_error_code),
                             f->license_error_code, rdpsec_license_state_name(f->license_state));
    if (errinfo)
        verdict_add_evidence(v, &f->error_info_ref, "Set Error Info %s (0x%x)",
                             rdpsec_errinfo_name(f->error_info), f->error_info);
    if (errinfo && f->error_infos > 1 && f->error_info_first != f->error_info)
        verdict_add_evidence(v, &f->error_info_first_ref,
                             "an earlier Set Error Info %s (0x%x); the last one decides",
                             rdpsec_errinfo_name(f->error_info_first), f->error_info_first);
    evidence_dpum(v, f);
    evidence_end(v, c);
    return true;
}

/* The server refused in MCS terms (a failed Connect Response, Attach User or
 * Channel Join; a Disconnect Provider or Reject Ultimatum before the
 * session), or with a Set Error Info in the clear that ends the connection. */
bool rules_rdp_server_denied(const connection *c, verdict *v)
{
    if (!is_rdp_security(c))
        return false;
    const rdp_facts *f = &c->rdp;
    verdict_phase reached = rules_rdp_phase(c);
    bool mcs_refused = f->has_connect_response && f->mcs_result != 0;
    bool gcc_refused = f->has_gcc_response && f->cr_gcc.result != 0;
    bool attach_refused = f->attach_confirm_ref.packet && f->attach_result != 0;
    bool join_refused = f->join_failures > 0;
    /* A session seen by its PDU volume counts too: the end of a session
     * (a logoff) carries a DPUM as well. */
    bool in_session = reached == PHASE_SESSION || diag_reached_session(c);
    bool dpum = f->has_dpum && f->dpum_dir == DIR_S2C && !in_session;
    bool reject = f->has_reject_ultimatum && f->reject_dir == DIR_S2C && !in_session;
    bool errinfo = f->has_error_info && !rdpsec_errinfo_is_benign(f->error_info);
    if (!mcs_refused && !gcc_refused && !attach_refused && !join_refused && !dpum && !reject &&
        !errinfo)
        return false;
    char sv[64], cl[64];
    diag_endpoints(c, cl, sizeof cl, sv, sizeof sv);
    verdict_phase ph = (mcs_refused || gcc_refused || attach_refused || join_refused) ? PHASE_MCS
                                                                                       : reached;
    diag_set(v, ph, CAUSE_SERVER_DENIED, CONF_HIGH);
    if (mcs_refused) {
        text_fmt(v->detail, sizeof v->detail, "MCS Connect Response %s", mcs_result_name(f->mcs_result));
        text_fmt(v->summary, sizeof v->summary,
               "%s refused the MCS connection: its Connect Response carries the result %s (%u).",
               sv, mcs_result_name(f->mcs_result), f->mcs_result);
        v->key = f->connect_response_ref;
    } else if (gcc_refused) {
        text_fmt(v->detail, sizeof v->detail, "GCC Conference Create Response %s",
               gcc_result_name(f->cr_gcc.result));
        text_fmt(v->summary, sizeof v->summary,
               "%s refused the conference: its GCC Conference Create Response carries the "
               "result %s.", sv, gcc_result_name(f->cr_gcc.result));
        v->key = f->connect_response_ref;
    } else if (attach_refused) {
        text_fmt(v->detail, sizeof v->detail, "MCS Attach User Confirm %s",
               mcs_result_name(f->attach_result));
        text_fmt(v->summary, sizeof v->summary, "%s refused the client's MCS Attach User Request "
               "(%s).", sv, mcs_result_name(f->attach_result));
        v->key = f->attach_confirm_ref;
    } else if (join_refused) {
        text_fmt(v->detail, sizeof v->detail, "MCS Channel Join Confirm %s for channel %u",
               mcs_result_name(f->failed_join_result), f->failed_join_channel);
        text_fmt(v->summary, sizeof v->summary, "%s refused to let the client join channel %u "
               "(%s).", sv, f->failed_join_channel, mcs_result_name(f->failed_join_result));
        v->key = f->failed_join_ref;
    } else if (errinfo) {
        text_fmt(v->detail, sizeof v->detail, "Set Error Info %s (0x%x)",
               rdpsec_errinfo_name(f->error_info), f->error_info);
        text_fmt(v->summary, sizeof v->summary,
               "%s ended the connection %s with Set Error Info %s (0x%x).", sv, phase_step(ph),
               rdpsec_errinfo_name(f->error_info), f->error_info);
        v->key = f->error_info_ref;
    } else {
        const pkt_ref *r = dpum ? &f->dpum_ref : &f->reject_ref;
        const char *what = dpum ? "MCS Disconnect Provider Ultimatum" : "MCS Reject Ultimatum";
        if (dpum)
            text_fmt(v->detail, sizeof v->detail, "%s (%s) %s", what,
                   mcs_reason_name(f->dpum_reason), phase_step(ph));
        else
            text_fmt(v->detail, sizeof v->detail, "%s %s", what, phase_step(ph));
        bool plain_rdp_only = !c->has_cr || !c->cr.has_neg_req ||
                              c->cr.requested_protocols == PROTOCOL_RDP;
        text_fmt(v->summary, sizeof v->summary,
               "%s ended the connection %s with an %s%s%s%s.", sv, phase_step(ph), what,
               dpum ? " (" : "", dpum ? mcs_reason_name(f->dpum_reason) : "", dpum ? ")" : "");
        if (ph == PHASE_MCS && plain_rdp_only && !f->has_connect_response) {
            size_t n = strlen(v->summary);
            text_fmt(v->summary + n, sizeof v->summary - n,
                   " It did so before answering the Connect Initial of a client that asked for "
                   "Standard RDP Security only: a server that requires TLS or NLA refuses that "
                   "way.");
        } else if (ph == PHASE_SECURITY) {
            size_t n = strlen(v->summary);
            text_fmt(v->summary + n, sizeof v->summary - n,
                   " The server rejected the client's Security Exchange or its encrypted "
                   "Client Info (wrong keys or MAC, or logon refused); the server's log says "
                   "which.");
        }
        v->key = *r;
    }
    diag_evidence_cr(v, c);
    diag_evidence_cc(v, c);
    evidence_sequence(v, c);
    if (join_refused)
        verdict_add_evidence(v, &f->failed_join_ref, "Channel Join Confirm %s for channel %u",
                             mcs_result_name(f->failed_join_result), f->failed_join_channel);
    if (errinfo)
        verdict_add_evidence(v, &f->error_info_ref, "Set Error Info %s (0x%x)",
                             rdpsec_errinfo_name(f->error_info), f->error_info);
    if (errinfo && f->error_infos > 1 && f->error_info_first != f->error_info)
        verdict_add_evidence(v, &f->error_info_first_ref,
                             "an earlier Set Error Info %s (0x%x); the last one decides",
                             rdpsec_errinfo_name(f->error_info_first), f->error_info_first);
    evidence_dpum(v, f);
    if (reject)
        verdict_add_evidence(v, &f->reject_ref, "Server MCS Reject Ultimatum");
    note_requested_mismatch(v, c);
    evidence_end(v, c);
    return true;
}

/* Appends to a NUL-terminated buffer (rt_fmt at its end). */
#define APPEND(buf, ...) text_fmt((buf) + strlen(buf), sizeof(buf) - strlen(buf), __VA_ARGS__)

/* Appends name to list unless it is empty, the target itself or already in it. */
static void add_other_name(char *list, size_t len, const char *target, const char *name)
{
    if (!name[0] || strcmp(name, target) == 0)
        return;
    for (const char *p = strstr(list, name); p; p = strstr(p + 1, name)) {
        size_t n = strlen(name);
        if ((p == list || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
            return;
    }
    text_fmt(list + strlen(list), len - strlen(list), "%s%s", list[0] ? ", " : "", name);
}

/* "10.0.0.12 (rdsh2, 10.0.0.13)": the target a client goes to and the other
 * names and addresses the packet gives for it; "" when it names none. */
static void redirection_where(const redir_packet *r, char *buf, size_t len)
{
    const char *target = redirection_target(r);
    char others[REDIR_NAME_TEXT * 3 + REDIR_ADDR_TEXT * (REDIR_ADDRS_MAX + 1) + 32] = "";
    buf[0] = '\0';
    if (!target)
        return;
    add_other_name(others, sizeof others, target, r->target_fqdn);
    add_other_name(others, sizeof others, target, r->target_net_address);
    add_other_name(others, sizeof others, target, r->target_netbios_name);
    for (uint32_t i = 0; i < r->addresses_kept; i++)
        add_other_name(others, sizeof others, target, r->addresses[i]);
    if (r->address_count > r->addresses_kept)
        APPEND(others, "%s%u more", others[0] ? ", " : "", r->address_count - r->addresses_kept);
    text_fmt(buf, len, "%s%s%s%s", target, others[0] ? " (" : "", others, others[0] ? ")" : "");
}

/* A Server Redirection PDU (MS-RDPBCGR 2.2.13) sent the client to another
 * server: an RD Connection Broker or a load-balanced farm. Read in the
 * clear or from decrypted TLS (the Enhanced Security form, 2.2.13.3.1), it
 * names the target; a Standard Security one is encrypted (2.2.13.2.1) and
 * only its presence is known. Fires for TLS connections too, since the
 * redirection can only have been seen in readable bytes. The Password
 * field is never shown, only that it was there and its length. */
bool rules_rdp_redirected(const connection *c, verdict *v)
{
    const rdp_facts *f = &c->rdp;
    if (!f->redirection_ref.packet)
        return false;
    const redir_packet *r = &f->redirection;
    bool decrypted = diag_is_tls(c) && c->decrypt && c->decrypt->ready;
    /* A broker redirects once licensing is done, instead of sending the
     * Demand Active: that is the start of activation (1.3.1.1). */
    verdict_phase ph = rules_rdp_phase(c);
    if (ph == PHASE_LICENSING && f->license_done && !f->license_error &&
        f->redirection_ref.packet >= f->license_done_ref.packet)
        ph = PHASE_ACTIVATION;
    diag_set(v, ph, CAUSE_REDIRECTED, CONF_HIGH);
    v->key = f->redirection_ref;
    char where[REDIR_NAME_TEXT * 4 + REDIR_ADDR_TEXT * (REDIR_ADDRS_MAX + 1) + 48];
    char who[2 * REDIR_NAME_TEXT + 8] = "";
    redirection_where(r, where, sizeof where);
    if (r->domain[0] && r->user_name[0])
        text_fmt(who, sizeof who, "%s\\%s", r->domain, r->user_name);
    else if (r->user_name[0])
        text_fmt(who, sizeof who, "%s", r->user_name);
    if (!f->redirection_read) {
        text_fmt(v->detail, sizeof v->detail, "Server Redirection PDU (target not decrypted)");
        text_fmt(v->summary, sizeof v->summary,
               "The server sent a Server Redirection PDU: it sent the client to another server "
               "(a connection broker or load balancer). The target is in the %s part of the "
               "PDU; look for the client's next connection in the capture.",
               f->redirection_encrypted ? "encrypted" : "unreadable");
    } else {
        if (where[0])
            text_fmt(v->detail, sizeof v->detail, "Server Redirection to %s", where);
        else if (r->load_balance_info[0])
            text_fmt(v->detail, sizeof v->detail, "Server Redirection with load-balance info \"%s\"",
                   r->load_balance_info);
        else
            text_fmt(v->detail, sizeof v->detail, "Server Redirection (no target named)");
        text_fmt(v->summary, sizeof v->summary, "The server sent a Server Redirection PDU%s: it sent "
               "the client %s%s", decrypted ? " (read from the decrypted data)" : "",
               where[0] ? "to " : "elsewhere", where);
        if (r->session_id)
            APPEND(v->summary, ", session %u", r->session_id);
        if (who[0])
            APPEND(v->summary, ", user %s", who);
        if (r->load_balance_info[0])
            APPEND(v->summary, ", load-balance info \"%s\"", r->load_balance_info);
        APPEND(v->summary, ". The client is expected to reconnect there%s.",
               r->has_password ? " with the credentials or cookie the redirection carries (not "
                                 "shown)" : "");
        if (r->redir_flags & LB_NOREDIRECT)
            APPEND(v->summary, " LB_NOREDIRECT is set: the client is told not to follow it.");
    }
    diag_evidence_cr(v, c);
    evidence_sequence(v, c);
    if (decrypted)
        verdict_add_evidence(v, &c->decrypt->ready_ref, "TLS decrypted with the %s",
                             c->decrypt->source);
    if (f->redirection_read) {
        char flags[300], pw[64] = "";
        redirection_flags_str(r->redir_flags, flags, sizeof flags);
        if (r->has_password)
            text_fmt(pw, sizeof pw, "a Password field of %u bytes (not shown), ", r->password_len);
        /* The flags last: a long list may be cut, the rest must not be. */
        verdict_add_evidence(v, &f->redirection_ref,
                             "Server Redirection PDU: SessionID %u, %s%s%sRedirFlags %s",
                             r->session_id, pw, r->problem, r->problem[0] ? "; " : "", flags);
    } else {
        verdict_add_evidence(v, &f->redirection_ref, "Server Redirection PDU%s",
                             f->redirection_encrypted ? " (encrypted)" : "");
    }
    if (f->has_error_info)
        verdict_add_evidence(v, &f->error_info_ref, "Set Error Info %s (0x%x)",
                             rdpsec_errinfo_name(f->error_info), f->error_info);
    evidence_end(v, c);
    return true;
}

/* How far the connection sequence got, and who ended it. */
bool rules_rdp_progress(const connection *c, verdict *v)
{
    if (!is_rdp_security(c))
        return false;
    const rdp_facts *f = &c->rdp;
    verdict_phase ph = rules_rdp_phase(c);
    close_info ci = diag_first_close(c);
    char m[48] = "";
    if (f->sc.has_security)
        gcc_encryption_methods_str(f->sc.encryption_method, m, sizeof m);
    if (f->encrypted_pdus[0] + f->encrypted_pdus[1] > 0)
        text_fmt(v->not_examined, sizeof v->not_examined,
               "%u encrypted PDUs (SEC_ENCRYPT) were counted, not decrypted; the milestones after "
               "the Security Exchange were placed by the order of their security headers.",
               f->encrypted_pdus[0] + f->encrypted_pdus[1]);
    if (ph == PHASE_SESSION || (!f->demand_active_ref.packet && diag_reached_session(c))) {
        bool exact = ph == PHASE_SESSION;
        diag_set(v, PHASE_NONE, CAUSE_SUCCESS, exact ? CONF_MEDIUM : CONF_LOW);
        text_fmt(v->detail, sizeof v->detail, "Standard RDP Security%s%s%s: session %s",
               m[0] ? " (" : "", m, m[0] ? ")" : "",
               exact ? "reached (activation and finalization seen)" : "inferred from the PDU volume");
        text_fmt(v->summary, sizeof v->summary,
               "The connection used Standard RDP Security%s%s and got through MCS, the security "
               "exchange, licensing and activation into a session%s.",
               m[0] ? " with encryption " : "", m,
               ci.any ? ", which was later closed" : ", still open when the capture ended");
        v->key = exact ? f->session_ref : c->start;
        diag_evidence_cr(v, c);
        evidence_sequence(v, c);
        evidence_dpum(v, f);
        note_requested_mismatch(v, c);
        evidence_end(v, c);
        return true;
    }
    pkt_ref cl_last;
    if (diag_server_went_silent(c, &ci, &cl_last)) {
        pkt_ref until = ci.any ? ci.ref : c->end;
        diag_set(v, ph, CAUSE_SERVER_SILENT, CONF_MEDIUM);
        text_fmt(v->detail, sizeof v->detail, "no answer %s for %.1f s", phase_step(ph),
               diag_seconds_between(until, cl_last));
        text_fmt(v->summary, sizeof v->summary,
               "The server stopped answering %s: the client's last PDU got no reply for %.1f s%s.",
               phase_step(ph), diag_seconds_between(until, cl_last),
               ci.any ? ", then the connection was closed" : " until the capture ended");
        v->key = cl_last;
        diag_evidence_cr(v, c);
        evidence_sequence(v, c);
        verdict_add_evidence(v, &cl_last, "Client's last data, never answered");
        evidence_end(v, c);
        return true;
    }
    if (!ci.any) {
        diag_set(v, ph, CAUSE_CAPTURE_INCOMPLETE, CONF_MEDIUM);
        text_fmt(v->detail, sizeof v->detail, "capture ends %s", phase_step(ph));
        text_fmt(v->summary, sizeof v->summary,
               "The capture ends %s of a Standard RDP Security connection, before its outcome.",
               phase_step(ph));
        diag_evidence_cr(v, c);
        evidence_sequence(v, c);
        verdict_add_evidence(v, &c->end, "Last packet of the connection in the capture");
        return true;
    }
    diag_set(v, ph, diag_close_cause(&ci), CONF_MEDIUM);
    text_fmt(v->detail, sizeof v->detail, "%s by the %s %s", ci.rst ? "reset" : "closed",
           ci.dir == DIR_S2C ? "server" : "client", phase_step(ph));
    text_fmt(v->summary, sizeof v->summary,
           "The %s %s the Standard RDP Security connection %s, before any session started.",
           ci.dir == DIR_S2C ? "server" : "client", ci.rst ? "reset" : "closed", phase_step(ph));
    diag_evidence_cr(v, c);
    evidence_sequence(v, c);
    evidence_dpum(v, f);
    note_requested_mismatch(v, c);
    evidence_end(v, c);
    return true;
}

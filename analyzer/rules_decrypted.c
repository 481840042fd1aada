/* rules_decrypted.c - see rules_decrypted.h. */
#include "rules_decrypted.h"
#include "textfmt.h"

#include "status_names.h"

#include <string.h>

/* "RDPTLAB\alice" or "" */
static void who(const decrypt_facts *f, char *buf, size_t len)
{
    if (f->user[0] && f->domain[0])
        text_fmt(buf, len, " for %s\\%s", f->domain, f->user);
    else if (f->user[0])
        text_fmt(buf, len, " for %s", f->user);
    else
        buf[0] = 0;
}

static void evidence_decryption(verdict *v, const decrypt_facts *f)
{
    verdict_add_evidence(v, &f->ready_ref, "TLS decrypted with the %s", f->source);
}

static void evidence_credssp(verdict *v, const decrypt_facts *f)
{
    if (f->first_ts_request[DIR_C2S].packet)
        verdict_add_evidence(v, &f->first_ts_request[DIR_C2S], "client CredSSP TSRequest v%u: %s",
                             (unsigned)f->credssp_version[DIR_C2S],
                             f->first_token[DIR_C2S][0] ? f->first_token[DIR_C2S] : "no token");
    if (f->first_ts_request[DIR_S2C].packet)
        verdict_add_evidence(v, &f->first_ts_request[DIR_S2C], "server CredSSP TSRequest: %s",
                             f->first_token[DIR_S2C][0] ? f->first_token[DIR_S2C] : "no token");
    if (f->client_auth_ref.packet)
        verdict_add_evidence(v, &f->client_auth_ref, "client CredSSP: %s", f->client_auth);
}

static void evidence_end(verdict *v, const connection *c, const decrypt_facts *f)
{
    for (int d = 0; d < 2; d++)
        if (f->alert[d])
            verdict_add_evidence(v, &f->alert_ref[d], "%s sent an encrypted TLS alert: level %u, "
                                 "description %u%s", d == DIR_C2S ? "client" : "server",
                                 f->alert_level[d], f->alert_desc[d],
                                 f->alert_desc[d] == 0 ? " (close_notify)" : "");
    close_info ci = diag_first_close(c);
    if (ci.any)
        diag_evidence_close(v, &ci);
}

bool rules_decrypted_credssp_error(const decrypt_facts *f, const connection *c, verdict *v)
{
    if (!f || !f->ready || !f->has_error_code)
        return false;
    const status_name *s = status_credssp_error(f->error_code);
    const char *kind = status_credssp_error_kind(f->error_code);
    char code[96], user[200];
    status_str(s, f->error_code, code, sizeof code);
    who(f, user, sizeof user);
    diag_set(v, PHASE_NLA, CAUSE_AUTH_FAILED, CONF_HIGH);
    text_fmt(v->detail, sizeof v->detail, "CredSSP errorCode %s %s", kind, code);
    text_fmt(v->summary, sizeof v->summary,
           "The server refused the NLA (CredSSP) logon%s with %s %s: %s.%s%s", user, kind, code,
           s ? s->meaning : "a code this tool has no name for", s && s->remedy ? " " : "",
           s && s->remedy ? s->remedy : "");
    v->key = f->error_ref;
    diag_evidence_cr(v, c);
    evidence_decryption(v, f);
    evidence_credssp(v, f);
    verdict_add_evidence(v, &f->error_ref, "server CredSSP TSRequest errorCode %s", code);
    evidence_end(v, c, f);
    return true;
}

bool rules_decrypted_early_auth_denied(const decrypt_facts *f, const connection *c, verdict *v)
{
    if (!f || !f->ready || !f->has_early_auth || f->early_auth == 0)
        return false;
    const status_name *s = status_early_user_auth(f->early_auth);
    char code[96], user[200];
    status_str(s, f->early_auth, code, sizeof code);
    who(f, user, sizeof user);
    diag_set(v, PHASE_NLA, CAUSE_AUTH_FAILED, CONF_HIGH);
    text_fmt(v->detail, sizeof v->detail, "Early User Authorization Result %s", code);
    text_fmt(v->summary, sizeof v->summary,
           "NLA succeeded%s, but the server's Early User Authorization Result is %s: %s.%s%s", user,
           code, s ? s->meaning : "not success", s && s->remedy ? " " : "",
           s && s->remedy ? s->remedy : "");
    v->key = f->early_auth_ref;
    diag_evidence_cr(v, c);
    evidence_decryption(v, f);
    evidence_credssp(v, f);
    verdict_add_evidence(v, &f->early_auth_ref, "Early User Authorization Result %s", code);
    evidence_end(v, c, f);
    return true;
}

bool rules_decrypted_negotiate_rejected(const decrypt_facts *f, const connection *c, verdict *v)
{
    if (!f || !f->ready || f->has_error_code || (!f->spnego_reject && !f->krb_error))
        return false;
    diag_set(v, PHASE_NLA, CAUSE_AUTH_FAILED, CONF_HIGH);
    if (f->krb_error) {
        /* RFC 4120 7.5.9 error codes; the common ones in RDP logons. */
        const char *name = f->krb_error_code == 37   ? "KRB_AP_ERR_SKEW (clock skew)"
                           : f->krb_error_code == 7  ? "KDC_ERR_S_PRINCIPAL_UNKNOWN (unknown SPN)"
                           : f->krb_error_code == 24 ? "KDC_ERR_PREAUTH_FAILED (wrong password)"
                           : f->krb_error_code == 41 ? "KRB_AP_ERR_MODIFIED (wrong service key)"
                                                     : "a Kerberos error";
        text_fmt(v->detail, sizeof v->detail, "CredSSP Kerberos KRB-ERROR %u",
               (unsigned)f->krb_error_code);
        text_fmt(v->summary, sizeof v->summary,
               "The Kerberos exchange inside NLA (CredSSP) failed with KRB-ERROR %u, %s.",
               (unsigned)f->krb_error_code, name);
        v->key = f->krb_error_ref;
    } else {
        text_fmt(v->detail, sizeof v->detail, "CredSSP SPNEGO negState reject");
        text_fmt(v->summary, sizeof v->summary,
               "The server rejected the authentication inside NLA (SPNEGO negState reject): no "
               "mechanism both sides accept, or the credentials were refused.");
        v->key = f->spnego_reject_ref;
    }
    diag_evidence_cr(v, c);
    evidence_decryption(v, f);
    evidence_credssp(v, f);
    evidence_end(v, c, f);
    return true;
}

bool rules_decrypted_closed_after_auth(const decrypt_facts *f, const connection *c, verdict *v)
{
    if (!f || !f->ready || f->has_error_code || !f->client_auth_ref.packet ||
        f->server_pubkey_ref.packet || f->client_auth_info_ref.packet)
        return false;
    close_info ci = diag_first_close(c);
    bool server_alert = f->alert[DIR_S2C] && f->alert_ref[DIR_S2C].packet >= f->client_auth_ref.packet;
    bool server_close = ci.any && ci.dir == DIR_S2C && ci.ref.packet >= f->client_auth_ref.packet;
    if (!server_alert && !server_close)
        return false;
    /* client_auth names the user already ("NTLM AUTHENTICATE (RDPTLAB\alice)"). */
    diag_set(v, PHASE_NLA, CAUSE_AUTH_FAILED, CONF_MEDIUM);
    text_fmt(v->detail, sizeof v->detail, "CredSSP: server closed after the client's %s; no errorCode",
           f->client_auth);
    text_fmt(v->summary, sizeof v->summary,
           "The server ended the connection right after the client's %s, without proving its "
           "own key (no pubKeyAuth) and without an errorCode: the credentials were refused (some "
           "servers, FreeRDP's among them, send no code).", f->client_auth);
    v->key = server_alert ? f->alert_ref[DIR_S2C] : ci.ref;
    diag_evidence_cr(v, c);
    evidence_decryption(v, f);
    evidence_credssp(v, f);
    evidence_end(v, c, f);
    return true;
}

bool rules_decrypted_set_error_info(const decrypt_facts *f, const connection *c, bool has_error_info,
                                    uint32_t error_info, const pkt_ref *error_info_ref,
                                    verdict *v)
{
    if (!f || !f->ready || !has_error_info || status_errinfo_is_informational(error_info))
        return false;
    /* A Server Redirection says more than an error code sent with it: the
     * redirected rule (rules_rdp.c, later in the table) names the target
     * and shows this code as evidence. */
    if (c->rdp.redirection_ref.packet)
        return false;
    const status_name *s = status_errinfo(error_info);
    const char *cat = status_errinfo_category(error_info);
    char code[96];
    status_str(s, error_info, code, sizeof code);
    bool licensing = strcmp(cat, "licensing") == 0;
    /* Before the session was reached the refusal belongs to the connection
     * sequence (activation); after it, to the session. */
    verdict_phase ph = licensing                 ? PHASE_LICENSING
                       : diag_reached_session(c) ? PHASE_SESSION
                                                 : PHASE_ACTIVATION;
    diag_set(v, ph, licensing ? CAUSE_LICENSING_ERROR : CAUSE_SERVER_DENIED, CONF_HIGH);
    text_fmt(v->detail, sizeof v->detail, "Set Error Info %s", code);
    text_fmt(v->summary, sizeof v->summary, "The server ended the connection with Set Error Info %s: "
           "%s.%s%s", code, s ? s->meaning : "a code this tool has no name for",
           s && s->remedy ? " " : "", s && s->remedy ? s->remedy : "");
    v->key = *error_info_ref;
    diag_evidence_cr(v, c);
    evidence_decryption(v, f);
    evidence_credssp(v, f);
    verdict_add_evidence(v, error_info_ref, "server Set Error Info PDU: %s", code);
    /* The code above is the last one (what the client shows); an earlier,
     * different one is worth seeing beside it. */
    if (c->rdp.error_infos > 1 && c->rdp.error_info_first != error_info) {
        char first[96];
        status_str(status_errinfo(c->rdp.error_info_first), c->rdp.error_info_first, first,
                   sizeof first);
        verdict_add_evidence(v, &c->rdp.error_info_first_ref,
                             "an earlier Set Error Info PDU: %s (%u in all)", first,
                             c->rdp.error_infos);
    }
    evidence_end(v, c, f);
    return true;
}

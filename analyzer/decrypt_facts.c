/* decrypt_facts.c - see decrypt_facts.h. */
#include "decrypt_facts.h"
#include "textfmt.h"

#include "status_names.h"

#include <stdio.h>
#include <string.h>

/* EV_CREDSSP a: bits 0-7 token kind, 8-15 NTLM message type or Kerberos kind,
 * 16 pubKeyAuth, 17 authInfo, 18 errorCode, 19 SPNEGO, 20-27 version. */
uint32_t decrypt_pack_ts_request(const credssp_ts_request *ts)
{
    const credssp_token *t = &ts->token;
    uint32_t sub = t->kind == CREDSSP_TOKEN_NTLM ? t->ntlm_type : (uint32_t)t->krb;
    return (uint32_t)(ts->n_tokens ? t->kind : CREDSSP_TOKEN_NONE) | (sub & 0xFF) << 8 |
           (uint32_t)ts->has_pub_key_auth << 16 | (uint32_t)ts->has_auth_info << 17 |
           (uint32_t)ts->has_error_code << 18 | (uint32_t)(ts->n_tokens && t->spnego) << 19 |
           (ts->version & 0xFF) << 20;
}

void decrypt_facts_describe_event(const tl_event *e, char *buf, size_t buflen)
{
    char code[96];
    if (e->type == EV_DECRYPTION) {
        text_fmt(buf, buflen, "%s", e->a == DECRYPT_STATE_READY         ? "TLS decrypted from here on"
                                  : e->a == DECRYPT_STATE_UNAVAILABLE ? "TLS cannot be decrypted"
                                                                      : "TLS decryption failed");
        return;
    }
    if (e->type == EV_EARLY_USER_AUTH) {
        status_str(status_early_user_auth(e->a), e->a, code, sizeof code);
        text_fmt(buf, buflen, "Early User Authorization Result %s", code);
        return;
    }
    credssp_token t;
    memset(&t, 0, sizeof t);
    t.kind = (credssp_token_kind)(e->a & 0xFF);
    if (t.kind == CREDSSP_TOKEN_NTLM)
        t.ntlm_type = (e->a >> 8) & 0xFF;
    else
        t.krb = (credssp_krb_kind)((e->a >> 8) & 0xFF);
    char tok[160] = "";
    if (t.kind != CREDSSP_TOKEN_NONE)
        credssp_token_str(&t, tok, sizeof tok);
    code[0] = 0;
    if (e->a & (1u << 18))
        status_str(status_credssp_error(e->b), e->b, code, sizeof code);
    text_fmt(buf, buflen, "CredSSP TSRequest v%u%s%s%s%s%s%s%s", (e->a >> 20) & 0xFF,
           tok[0] ? ": " : "", tok,
           (e->a & (1u << 19)) && t.kind != CREDSSP_TOKEN_SPNEGO ? " (in SPNEGO)" : "",
           (e->a & (1u << 16)) ? ", pubKeyAuth" : "", (e->a & (1u << 17)) ? ", authInfo" : "",
           code[0] ? ", errorCode " : "", code);
}

static void copy_text(char *dst, size_t cap, const char *src)
{
    text_fmt(dst, cap, "%s", src ? src : "");
}

static void on_ts_request(decrypt_facts *f, direction dir, const credssp_ts_request *ts,
                          const pkt_ref *ref)
{
    const credssp_token *t = &ts->token;
    if (f->ts_requests[dir]++ == 0) {
        f->first_ts_request[dir] = *ref;
        if (ts->n_tokens)
            credssp_token_str(t, f->first_token[dir], sizeof f->first_token[dir]);
    }
    f->credssp_version[dir] = ts->version;
    if (ts->n_tokens && dir == DIR_C2S &&
        ((t->kind == CREDSSP_TOKEN_NTLM && t->ntlm_type == 3) ||
         (t->kind == CREDSSP_TOKEN_KERBEROS && t->krb == CREDSSP_KRB_AP_REQ)) &&
        !f->client_auth_ref.packet) {
        f->client_auth_ref = *ref;
        credssp_token_str(t, f->client_auth, sizeof f->client_auth);
        copy_text(f->user, sizeof f->user, t->ntlm_user);
        copy_text(f->domain, sizeof f->domain, t->ntlm_domain);
    }
    if (ts->n_tokens && t->spnego && t->has_neg_state && t->neg_state == 2 && !f->spnego_reject) {
        f->spnego_reject = true;
        f->spnego_reject_ref = *ref;
    }
    if (ts->n_tokens && t->krb == CREDSSP_KRB_ERROR && !f->krb_error) {
        f->krb_error = true;
        f->krb_error_code = t->has_krb_error_code ? t->krb_error_code : 0;
        f->krb_error_ref = *ref;
    }
    if (dir == DIR_S2C && ts->has_pub_key_auth && !f->server_pubkey_ref.packet)
        f->server_pubkey_ref = *ref;
    if (dir == DIR_C2S && ts->has_auth_info && !f->client_auth_info_ref.packet)
        f->client_auth_info_ref = *ref;
    if (dir == DIR_S2C && ts->has_error_code && !f->has_error_code) {
        f->has_error_code = true;
        f->error_code = ts->error_code;
        f->error_ref = *ref;
    }
}

void decrypt_facts_on_event(decrypt_facts *f, const decrypt_event *ev, const pkt_ref *ref)
{
    direction dir = ev->dir == TLSD_SERVER ? DIR_S2C : DIR_C2S;
    switch (ev->kind) {
    case DEC_EV_READY:
        f->ready = true;
        f->ready_ref = *ref;
        copy_text(f->source, sizeof f->source, ev->text);
        break;
    case DEC_EV_UNAVAILABLE:
        f->unavailable = true;
        copy_text(f->why_not, sizeof f->why_not, ev->text);
        break;
    case DEC_EV_FAILED:
        if (!f->failed) {
            f->failed = true;
            f->failed_dir = dir;
            f->failed_ref = *ref;
            copy_text(f->failed_why, sizeof f->failed_why, ev->text);
        }
        break;
    case DEC_EV_ALERT:
        if (!f->alert[dir]) {
            f->alert[dir] = true;
            f->alert_level[dir] = ev->level;
            f->alert_desc[dir] = ev->description;
            f->alert_ref[dir] = *ref;
        }
        break;
    case DEC_EV_TS_REQUEST:
        if (ev->ts)
            on_ts_request(f, dir, ev->ts, ref);
        break;
    case DEC_EV_CREDSSP_MALFORMED:
        if (!f->credssp_malformed) {
            f->credssp_malformed = true;
            f->credssp_malformed_ref = *ref;
        }
        break;
    case DEC_EV_EARLY_USER_AUTH:
        if (!f->has_early_auth) {
            f->has_early_auth = true;
            f->early_auth = ev->value;
            f->early_auth_ref = *ref;
        }
        break;
    case DEC_EV_RDP_BYTES:
        f->rdp_bytes[dir] += ev->len;
        break;
    }
}

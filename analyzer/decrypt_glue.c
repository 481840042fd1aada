/* decrypt_glue.c - see decrypt_glue.h. */
#include "decrypt_glue.h"

#include "analysis.h"
#include "decrypt_facts.h"
#include "keylog.h"
#include "layers.h"
#include "layer_decrypt.h"
#include "pcapng_dsb.h"
#include "rules_decrypted.h"
#include "tls_decrypt.h"

#include <stdlib.h>
#include <string.h>

static keylog run_keys;
static bool keys_loaded, keys_any;
static void *run_rsa_key;
static bool rsa_loaded;

static bool add_dsb(void *ctx, uint32_t type, const uint8_t *data, size_t len)
{
    if (type == PCAPNG_SECRETS_TLS)
        *(size_t *)ctx += keylog_add_text(&run_keys, data, len);
    return true;
}

void decrypt_glue_prepare(analysis *a, const char *name, bool reread)
{
    char err[512];
    if (!keys_loaded) {
        keys_loaded = true;
        keylog_init(&run_keys);
        if (a->keylog_file) {
            if (keylog_load_file(&run_keys, a->keylog_file, err, sizeof err) != 0)
                analysis_message_add(a, MSG_ERROR, "%s", err);
            else if (run_keys.lines_used == 0)
                analysis_message_add(a, MSG_WARNING, "%s: no TLS secrets in this key log",
                                     a->keylog_file);
            if (run_keys.lines_bad)
                analysis_message_add(a, MSG_WARNING, "%s: %zu malformed line(s) ignored",
                                     a->keylog_file, run_keys.lines_bad);
        }
    }
    if (!rsa_loaded && a->rsa_key_file) {
        rsa_loaded = true;
        run_rsa_key = tls_decrypt_load_rsa_key(a->rsa_key_file, err, sizeof err);
        if (!run_rsa_key)
            analysis_message_add(a, MSG_ERROR, "%s", err);
    }
    if (reread) {
        size_t set = 0;
        pcapng_dsb_stats st;
        if (pcapng_dsb_read_file(name, add_dsb, &set, &st) == 0 && st.malformed)
            analysis_message_add(a, MSG_WARNING, "%s: %s (secrets after it not read)", name,
                                 st.problem);
    }
    keys_any = run_keys.count > 0 || run_rsa_key;
}

void decrypt_glue_release(void)
{
    keylog_free(&run_keys);
    tls_decrypt_free_key(run_rsa_key);
    run_rsa_key = NULL;
    keys_loaded = rsa_loaded = keys_any = false;
}

typedef struct {
    connection *c;
    const pkt_ref *ref;
} glue_ctx;

static void on_event(void *ctx, const decrypt_event *ev)
{
    glue_ctx *g = ctx;
    decrypt_facts_on_event(g->c->decrypt, ev, g->ref);
    direction dir = ev->dir == TLSD_SERVER ? DIR_S2C : DIR_C2S;
    timeline *tl = &g->c->tl;
    switch (ev->kind) {
    case DEC_EV_READY: timeline_add(tl, EV_DECRYPTION, DIR_NONE, g->ref, DECRYPT_STATE_READY, 0); break;
    case DEC_EV_UNAVAILABLE:
        timeline_add(tl, EV_DECRYPTION, DIR_NONE, g->ref, DECRYPT_STATE_UNAVAILABLE, 0);
        break;
    case DEC_EV_FAILED: timeline_add(tl, EV_DECRYPTION, dir, g->ref, DECRYPT_STATE_FAILED, 0); break;
    case DEC_EV_TS_REQUEST:
        timeline_add(tl, EV_CREDSSP, dir, g->ref, decrypt_pack_ts_request(ev->ts),
                     ev->ts->has_error_code ? ev->ts->error_code : 0);
        break;
    case DEC_EV_EARLY_USER_AUTH: timeline_add(tl, EV_EARLY_USER_AUTH, dir, g->ref, ev->value, 0); break;
    case DEC_EV_RDP_BYTES:
        /* The RDP connection sequence inside TLS: the RDP layer frames and
         * dissects it into c->rdp like cleartext RDP. */
        layer_rdp_plaintext(g->c, &g->c->decrypt->plain, dir, ev->data, ev->len, g->ref);
        break;
    default: break;
    }
}

static bool ensure(connection *c)
{
    if (c->dconn)
        return true;
    if (c->decrypt || !keys_any)
        return false; /* finished already, or nothing to decrypt with */
    uint32_t proto = c->has_cc ? c->cc.selected_protocol : 0;
    c->decrypt = calloc(1, sizeof *c->decrypt);
    c->dconn = c->decrypt ? decrypt_conn_new(&run_keys, run_rsa_key, proto) : NULL;
    if (!c->dconn) {
        free(c->decrypt);
        c->decrypt = NULL;
        return false;
    }
    return true;
}

void decrypt_glue_record(connection *c, direction dir, const uint8_t hdr[5], const pkt_ref *ref)
{
    if (!ensure(c))
        return;
    glue_ctx g = { c, ref };
    decrypt_conn_record(c->dconn, dir == DIR_S2C ? TLSD_SERVER : TLSD_CLIENT, hdr, on_event, &g);
}

void decrypt_glue_data(connection *c, direction dir, const uint8_t *p, size_t n, const pkt_ref *ref)
{
    if (!c->dconn)
        return;
    glue_ctx g = { c, ref };
    decrypt_conn_data(c->dconn, dir == DIR_S2C ? TLSD_SERVER : TLSD_CLIENT, p, n, on_event, &g);
}

void decrypt_glue_lost(connection *c, direction dir)
{
    if (c->dconn)
        decrypt_conn_lost(c->dconn, dir == DIR_S2C ? TLSD_SERVER : TLSD_CLIENT);
}

bool decrypt_glue_following(const connection *c)
{
    return c->dconn && c->decrypt && c->decrypt->ready && !c->decrypt->failed &&
           !c->decrypt->unavailable;
}

void decrypt_glue_finish(connection *c)
{
    decrypt_conn_free(c->dconn);
    c->dconn = NULL;
    if (c->decrypt)
        layer_rdp_plain_free(&c->decrypt->plain);
}

void decrypt_glue_free(connection *c)
{
    decrypt_glue_finish(c);
    free(c->decrypt);
    c->decrypt = NULL;
}

bool decrypt_glue_rule_credssp_error(const connection *c, verdict *v)
{
    return c->decrypt && rules_decrypted_credssp_error(c->decrypt, c, v);
}
bool decrypt_glue_rule_early_auth_denied(const connection *c, verdict *v)
{
    return c->decrypt && rules_decrypted_early_auth_denied(c->decrypt, c, v);
}
bool decrypt_glue_rule_negotiate_rejected(const connection *c, verdict *v)
{
    return c->decrypt && rules_decrypted_negotiate_rejected(c->decrypt, c, v);
}
bool decrypt_glue_rule_closed_after_auth(const connection *c, verdict *v)
{
    return c->decrypt && rules_decrypted_closed_after_auth(c->decrypt, c, v);
}
bool decrypt_glue_rule_set_error_info(const connection *c, verdict *v)
{
    return c->decrypt && rules_decrypted_set_error_info(c->decrypt, c, c->rdp.has_error_info,
                                                         c->rdp.error_info, &c->rdp.error_info_ref, v);
}

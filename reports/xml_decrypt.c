/* xml_decrypt.c - the <decryption> element (see xml_decrypt.h). Every string
 * goes through atomic_text_clean(), and the tree escapes on output (xml_tree.h). */
#include "xml_decrypt.h"

#include "atomic.h"
#include "xml_put.h"
#include "decrypt_facts.h"
#include "status_names.h"

#include <inttypes.h>
#include <stdio.h>

typedef xml_put dec_writer;

static void code(dec_writer *w, xt_ptr parent, const char *elem, uint32_t value,
                 const status_name *s, const char *kind, const pkt_ref *ref)
{
    xt_ptr n = xp_child(w, parent, elem);
    xp_attrf(w, n, "value", "0x%08X", (unsigned)value);
    if (kind)
        xp_attr(w, n, "kind", kind);
    if (s) {
        xp_attr(w, n, "name", s->name);
        xp_attr(w, n, "meaning", s->meaning);
        if (s->remedy)
            xp_attr(w, n, "remedy", s->remedy);
    }
    xp_attr_ref(w, n, "packet", NULL, ref);
}

bool xml_decrypt(xt_ptr conn, const connection *c)
{
    const decrypt_facts *f = c->decrypt;
    if (!f)
        return true;
    dec_writer w = { false };
    xt_ptr d = xp_child(&w, conn, "decryption");
    xp_attr(&w, d, "status", f->ready ? (f->failed ? "partial" : "decrypted")
                                   : f->unavailable ? "unavailable" : "not_reached");
    if (f->ready) {
        xp_attr(&w, d, "source", f->source);
        xp_attr_ref(&w, d, "packet", NULL, &f->ready_ref);
    }
    if (f->unavailable)
        xp_attr(&w, d, "why_not", f->why_not);
    if (f->failed) {
        xt_ptr n = xp_child(&w, d, "failure");
        xp_attr(&w, n, "from", f->failed_dir == DIR_S2C ? "server" : "client");
        xp_attr(&w, n, "text", f->failed_why);
        xp_attr_ref(&w, n, "packet", NULL, &f->failed_ref);
    }
    if (f->ts_requests[0] || f->ts_requests[1]) {
        xt_ptr n = xp_child(&w, d, "credssp");
        xp_attr_u64(&w, n, "client_ts_requests", f->ts_requests[DIR_C2S]);
        xp_attr_u64(&w, n, "server_ts_requests", f->ts_requests[DIR_S2C]);
        xp_attr_u64(&w, n, "version", f->credssp_version[DIR_C2S]);
        if (f->first_token[DIR_C2S][0])
            xp_attr(&w, n, "client_first_token", f->first_token[DIR_C2S]);
        if (f->first_token[DIR_S2C][0])
            xp_attr(&w, n, "server_first_token", f->first_token[DIR_S2C]);
        if (f->client_auth_ref.packet) {
            xp_attr(&w, n, "client_auth", f->client_auth);
            xp_attr_ref(&w, n, "client_auth_packet", NULL, &f->client_auth_ref);
        }
        if (f->user[0])
            xp_attr(&w, n, "user", f->user);
        if (f->domain[0])
            xp_attr(&w, n, "domain", f->domain);
        xp_attr_ref(&w, n, "server_pub_key_auth_packet", NULL, &f->server_pubkey_ref);
        xp_attr_ref(&w, n, "client_auth_info_packet", NULL, &f->client_auth_info_ref);
        if (f->has_error_code)
            code(&w, n, "error_code", f->error_code, status_credssp_error(f->error_code),
                 status_credssp_error_kind(f->error_code), &f->error_ref);
        if (f->krb_error) {
            xt_ptr k = xp_child(&w, n, "kerberos_error");
            xp_attr_u64(&w, k, "code", f->krb_error_code);
            xp_attr_ref(&w, k, "packet", NULL, &f->krb_error_ref);
        }
        if (f->spnego_reject) {
            xt_ptr k = xp_child(&w, n, "spnego_reject");
            xp_attr_ref(&w, k, "packet", NULL, &f->spnego_reject_ref);
        }
    }
    if (f->has_early_auth)
        code(&w, d, "early_user_authorization", f->early_auth,
             status_early_user_auth(f->early_auth), NULL, &f->early_auth_ref);
    for (int i = 0; i < 2; i++) {
        if (!f->alert[i])
            continue;
        xt_ptr n = xp_child(&w, d, "alert");
        xp_attr(&w, n, "from", i == DIR_S2C ? "server" : "client");
        xp_attr_u64(&w, n, "level", f->alert_level[i]);
        xp_attr_u64(&w, n, "description", f->alert_desc[i]);
        xp_attr_ref(&w, n, "packet", NULL, &f->alert_ref[i]);
    }
    return !w.failed;
}

/* xml_decrypt.c - the <decryption> element (see xml_decrypt.h). Every string
 * goes through atomic_text_clean(), and the tree escapes on output (xml_tree.h). */
#include "xml_decrypt.h"

#include "atomic.h"
#include "decrypt_facts.h"
#include "status_names.h"

#include <inttypes.h>
#include <stdio.h>

typedef struct {
    bool failed;
} dec_writer;

static xt_ptr child(dec_writer *w, xt_ptr parent, const char *name)
{
    if (!parent)
        return NULL;
    xt_ptr n = xt_new_child(parent, name);
    if (!n)
        w->failed = true;
    return n;
}

static void attr(dec_writer *w, xt_ptr n, const char *name, const char *value)
{
    if (!n || !value)
        return;
    char clean[1024];
    atomic_text_clean(value, clean, sizeof clean);
    if (!xt_new_prop(n, name, clean))
        w->failed = true;
}

static void attr_u64(dec_writer *w, xt_ptr n, const char *name, uint64_t v)
{
    char b[24];
    snprintf(b, sizeof b, "%" PRIu64, v);
    attr(w, n, name, b);
}

static void attr_hex32(dec_writer *w, xt_ptr n, const char *name, uint32_t v)
{
    char b[16];
    snprintf(b, sizeof b, "0x%08X", v);
    attr(w, n, name, b);
}

static void attr_packet(dec_writer *w, xt_ptr n, const char *name, const pkt_ref *r)
{
    if (r->packet)
        attr_u64(w, n, name, r->packet);
}

static void code(dec_writer *w, xt_ptr parent, const char *elem, uint32_t value,
                 const status_name *s, const char *kind, const pkt_ref *ref)
{
    xt_ptr n = child(w, parent, elem);
    attr_hex32(w, n, "value", value);
    if (kind)
        attr(w, n, "kind", kind);
    if (s) {
        attr(w, n, "name", s->name);
        attr(w, n, "meaning", s->meaning);
        if (s->remedy)
            attr(w, n, "remedy", s->remedy);
    }
    attr_packet(w, n, "packet", ref);
}

bool xml_decrypt(xt_ptr conn, const connection *c)
{
    const decrypt_facts *f = c->decrypt;
    if (!f)
        return true;
    dec_writer w = { false };
    xt_ptr d = child(&w, conn, "decryption");
    attr(&w, d, "status", f->ready ? (f->failed ? "partial" : "decrypted")
                                   : f->unavailable ? "unavailable" : "not_reached");
    if (f->ready) {
        attr(&w, d, "source", f->source);
        attr_packet(&w, d, "packet", &f->ready_ref);
    }
    if (f->unavailable)
        attr(&w, d, "why_not", f->why_not);
    if (f->failed) {
        xt_ptr n = child(&w, d, "failure");
        attr(&w, n, "from", f->failed_dir == DIR_S2C ? "server" : "client");
        attr(&w, n, "text", f->failed_why);
        attr_packet(&w, n, "packet", &f->failed_ref);
    }
    if (f->ts_requests[0] || f->ts_requests[1]) {
        xt_ptr n = child(&w, d, "credssp");
        attr_u64(&w, n, "client_ts_requests", f->ts_requests[DIR_C2S]);
        attr_u64(&w, n, "server_ts_requests", f->ts_requests[DIR_S2C]);
        attr_u64(&w, n, "version", f->credssp_version[DIR_C2S]);
        if (f->first_token[DIR_C2S][0])
            attr(&w, n, "client_first_token", f->first_token[DIR_C2S]);
        if (f->first_token[DIR_S2C][0])
            attr(&w, n, "server_first_token", f->first_token[DIR_S2C]);
        if (f->client_auth_ref.packet) {
            attr(&w, n, "client_auth", f->client_auth);
            attr_packet(&w, n, "client_auth_packet", &f->client_auth_ref);
        }
        if (f->user[0])
            attr(&w, n, "user", f->user);
        if (f->domain[0])
            attr(&w, n, "domain", f->domain);
        attr_packet(&w, n, "server_pub_key_auth_packet", &f->server_pubkey_ref);
        attr_packet(&w, n, "client_auth_info_packet", &f->client_auth_info_ref);
        if (f->has_error_code)
            code(&w, n, "error_code", f->error_code, status_credssp_error(f->error_code),
                 status_credssp_error_kind(f->error_code), &f->error_ref);
        if (f->krb_error) {
            xt_ptr k = child(&w, n, "kerberos_error");
            attr_u64(&w, k, "code", f->krb_error_code);
            attr_packet(&w, k, "packet", &f->krb_error_ref);
        }
        if (f->spnego_reject) {
            xt_ptr k = child(&w, n, "spnego_reject");
            attr_packet(&w, k, "packet", &f->spnego_reject_ref);
        }
    }
    if (f->has_early_auth)
        code(&w, d, "early_user_authorization", f->early_auth,
             status_early_user_auth(f->early_auth), NULL, &f->early_auth_ref);
    for (int i = 0; i < 2; i++) {
        if (!f->alert[i])
            continue;
        xt_ptr n = child(&w, d, "alert");
        attr(&w, n, "from", i == DIR_S2C ? "server" : "client");
        attr_u64(&w, n, "level", f->alert_level[i]);
        attr_u64(&w, n, "description", f->alert_desc[i]);
        attr_packet(&w, n, "packet", &f->alert_ref[i]);
    }
    return !w.failed;
}

/* xml_rdp.c - the <mcs> element (see report_rdp.h): what the client and
 * server said in the MCS Connect Initial / Response (GCC blocks), the
 * protocol-request downgrade check, and how far the connection sequence
 * got. Strings go through atomic_text_clean(); the tree escapes on output (xml_tree.h). */
#include "report_rdp.h"
#include "textfmt.h"

#include "atomic.h"
#include "xml_put.h"
#include "mcs.h"
#include "rdp_security.h"
#include "redirection.h"
#include "x224.h"

#include <inttypes.h>
#include <stdio.h>

typedef xml_put rdp_writer;

static void client(rdp_writer *w, xt_ptr mcs, const rdp_facts *f)
{
    const gcc_client_data *cs = &f->cs;
    xt_ptr n = xp_child(w, mcs, "client");
    char b[64];
    xp_attr_ref(w, n, "packet", NULL, &f->connect_initial_ref);
    if (cs->has_core) {
        xp_attr(w, n, "name", cs->client_name);
        xp_attr_u64(w, n, "build", cs->client_build);
        xp_attrf(w, n, "version", "0x%08x", (unsigned)cs->version);
        xp_attr(w, n, "version_name", gcc_rdp_version_name(cs->version));
        text_fmt(b, sizeof b, "%ux%u", cs->desktop_width, cs->desktop_height);
        xp_attr(w, n, "desktop", b);
        xp_attr_u64(w, n, "color_depth", cs->color_bpp);
        xp_attrf(w, n, "keyboard_layout", "0x%08x", (unsigned)cs->keyboard_layout);
        if (cs->has_early_flags)
            xp_attrf(w, n, "early_capability_flags", "0x%08x", (unsigned)cs->early_capability_flags);
        if (cs->has_server_selected_protocol)
            xp_attrf(w, n, "server_selected_protocol", "0x%08x", (unsigned)cs->server_selected_protocol);
    }
    if (cs->has_security) {
        gcc_encryption_methods_str(cs->encryption_methods | cs->ext_encryption_methods, b, sizeof b);
        xp_attr(w, n, "encryption_methods", b);
    }
    if (cs->has_cluster)
        xp_attrf(w, n, "cluster_flags", "0x%08x", (unsigned)cs->cluster_flags);
    if (cs->has_monitor)
        xp_attr_u64(w, n, "monitors", cs->monitor_count);
    if (cs->has_multitransport)
        xp_attrf(w, n, "multitransport_flags", "0x%08x", (unsigned)cs->multitransport_flags);
    if (cs->has_net) {
        xp_attr_u64(w, n, "channel_count", cs->channel_count);
        for (unsigned i = 0; i < cs->channels_kept; i++) {
            xt_ptr ch = xp_child(w, n, "channel");
            xp_attr(w, ch, "name", cs->channel_names[i]);
        }
    }
}

static void server(rdp_writer *w, xt_ptr mcs, const connection *c)
{
    const rdp_facts *f = &c->rdp;
    const gcc_server_data *sc = &f->sc;
    xt_ptr n = xp_child(w, mcs, "server");
    char b[64];
    xp_attr_ref(w, n, "packet", NULL, &f->connect_response_ref);
    xp_attr(w, n, "result", mcs_result_name(f->mcs_result));
    if (sc->has_core) {
        xp_attrf(w, n, "version", "0x%08x", (unsigned)sc->version);
        if (sc->has_client_requested_protocols) {
            bool neg = c->has_cr && c->cr.has_neg_req;
            x224_protocols_str(sc->client_requested_protocols, b, sizeof b);
            xp_attr(w, n, "client_requested_protocols", b);
            x224_protocols_str(neg ? c->cr.requested_protocols : 0, b, sizeof b);
            xp_attr(w, n, "x224_requested_protocols", b);
            xp_attr(w, n, "downgrade",
                 rdp_facts_requested_mismatch(f, neg, neg ? c->cr.requested_protocols : 0)
                     ? "true" : "false");
        }
    }
    if (sc->has_security) {
        gcc_encryption_methods_str(sc->encryption_method, b, sizeof b);
        xp_attr(w, n, "encryption_method", b);
        xp_attr(w, n, "encryption_level", gcc_encryption_level_name(sc->encryption_level));
        if (sc->cert_type) {
            xp_attr(w, n, "certificate", gcc_cert_type_name(sc->cert_type));
            xp_attr(w, n, "certificate_temporary", sc->cert_temporary ? "true" : "false");
            if (sc->cert_count)
                xp_attr_u64(w, n, "certificate_count", sc->cert_count);
            if (sc->cert_key_bits)
                xp_attr_u64(w, n, "key_bits", sc->cert_key_bits);
        }
    }
    if (sc->has_net) {
        xp_attr_u64(w, n, "io_channel", sc->io_channel);
        xp_attr_u64(w, n, "channel_count", sc->channel_count);
    }
}

/* <redirection>: the Server Redirection PDU (MS-RDPBCGR 2.2.13). Its
 * Password field is never written, only its length. */
static void redirection(rdp_writer *w, xt_ptr mcs, const rdp_facts *f)
{
    const redir_packet *r = &f->redirection;
    xt_ptr n = xp_child(w, mcs, "redirection");
    char b[300];
    xp_attr_ref(w, n, "packet", NULL, &f->redirection_ref);
    if (f->redirections > 1)
        xp_attr_u64(w, n, "count", f->redirections);
    xp_attr(w, n, "readable", f->redirection_read ? "true" : "false");
    if (f->redirection_encrypted)
        xp_attr(w, n, "encrypted", "true");
    if (!f->redirection_read)
        return;
    xp_attr(w, n, "form", r->enhanced ? "enhanced" : "standard");
    xp_attr(w, n, "status", redirection_status_name(r->status));
    xp_attr(w, n, "target", redirection_target(r));
    xp_attr_u64(w, n, "session_id", r->session_id);
    redirection_flags_str(r->redir_flags, b, sizeof b);
    xp_attr(w, n, "redir_flags", b);
    if (r->target_net_address[0])
        xp_attr(w, n, "target_net_address", r->target_net_address);
    if (r->target_fqdn[0])
        xp_attr(w, n, "target_fqdn", r->target_fqdn);
    if (r->target_netbios_name[0])
        xp_attr(w, n, "target_netbios_name", r->target_netbios_name);
    if (r->fields_read & LB_LOAD_BALANCE_INFO) {
        xp_attr(w, n, "load_balance_info", r->load_balance_info);
        xp_attr_u64(w, n, "load_balance_info_length", r->load_balance_info_len);
    }
    if (r->user_name[0])
        xp_attr(w, n, "user", r->user_name);
    if (r->domain[0])
        xp_attr(w, n, "domain", r->domain);
    if (r->has_password)
        xp_attr_u64(w, n, "password_length", r->password_len);
    if (r->tsv_url[0])
        xp_attr(w, n, "tsv_url", r->tsv_url);
    if (r->fields_read & LB_REDIRECTION_GUID)
        xp_attr_u64(w, n, "redirection_guid_length", r->guid_len);
    if (r->fields_read & LB_TARGET_CERTIFICATE)
        xp_attr_u64(w, n, "target_certificate_length", r->certificate_len);
    if (r->redir_flags & LB_TARGET_NET_ADDRESSES)
        xp_attr_u64(w, n, "address_count", r->address_count);
    if (r->problem[0])
        xp_attr(w, n, "problem", r->problem);
    for (uint32_t i = 0; i < r->addresses_kept; i++)
        xp_attr(w, xp_child(w, n, "address"), "value", r->addresses[i]);
}

static void progress(rdp_writer *w, xt_ptr mcs, const rdp_facts *f)
{
    xt_ptr n = xp_child(w, mcs, "sequence");
    xp_attr_ref(w, n, "attach_user_confirm", NULL, &f->attach_confirm_ref);
    xp_attr_u64(w, n, "channel_joins", f->join_confirms);
    xp_attr_u64(w, n, "channel_join_failures", f->join_failures);
    xp_attr_ref(w, n, "security_exchange", NULL, &f->sec_exchange_ref);
    xp_attr_ref(w, n, "client_info", NULL, &f->client_info_ref);
    xp_attr_ref(w, n, "licensing", NULL, &f->license_first_ref);
    if (f->license_done)
        xp_attr(w, n, "licensing_result", f->license_done_inferred ? "done (inferred)" : "done");
    if (f->license_error) {
        xp_attr(w, n, "licensing_result", rdpsec_license_error_name(f->license_error_code));
        xp_attr_ref(w, n, "licensing_error", NULL, &f->license_error_ref);
    }
    xp_attr_ref(w, n, "demand_active", NULL, &f->demand_active_ref);
    xp_attr_ref(w, n, "confirm_active", NULL, &f->confirm_active_ref);
    xp_attr_ref(w, n, "session", NULL, &f->session_ref);
    if (f->demand_active_ref.packet)
        xp_attr(w, n, "activation_inferred", f->demand_active_inferred ? "true" : "false");
    if (f->has_error_info) {
        xp_attr(w, n, "error_info", rdpsec_errinfo_name(f->error_info));
        xp_attr_ref(w, n, "error_info_packet", NULL, &f->error_info_ref);
    }
    if (f->has_dpum) {
        xp_attr_ref(w, n, "disconnect_provider_ultimatum", NULL, &f->dpum_ref);
        xp_attr(w, n, "dpum_from", f->dpum_dir == DIR_S2C ? "server" : "client");
        xp_attr(w, n, "dpum_reason", mcs_reason_name(f->dpum_reason));
    }
    if (f->error_infos > 1) {
        xp_attr(w, n, "error_info_first", rdpsec_errinfo_name(f->error_info_first));
        xp_attr_ref(w, n, "error_info_first_packet", NULL, &f->error_info_first_ref);
        xp_attr_u64(w, n, "error_info_count", f->error_infos);
    }
    xp_attr_u64(w, n, "encrypted_pdus", (uint64_t)f->encrypted_pdus[0] + f->encrypted_pdus[1]);
    if (f->redirection_ref.packet)
        redirection(w, mcs, f);
    if (f->malformed) {
        xt_ptr p = xp_child(w, mcs, "problem");
        xp_attr_ref(w, p, "packet", NULL, &f->problem_ref);
        xp_attr(w, p, "text", f->problem);
    }
}

bool xml_rdp(xt_ptr conn, const connection *c)
{
    const rdp_facts *f = &c->rdp;
    if (!f->seen)
        return true;
    rdp_writer w = { false };
    xt_ptr mcs = xp_child(&w, conn, "mcs");
    if (f->has_connect_initial)
        client(&w, mcs, f);
    if (f->has_connect_response)
        server(&w, mcs, c);
    progress(&w, mcs, f);
    return !w.failed;
}

/* html_rdp.c - the Standard RDP Security section of a connection in the
 * HTML report (see report_rdp.h): client name, build, desktop, channels,
 * encryption method and level, server certificate type, and the
 * clientRequestedProtocols echo against the X.224 request. Built as libxml2
 * nodes, so every string from the wire is escaped by construction. */
#include "report_rdp.h"

#include "html_build.h"

#include "atomic.h"
#include "mcs.h"
#include "rdp_security.h"
#include "redirection.h"
#include "x224.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void kvf(html_writer *w, xmlNodePtr table, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void kvf(html_writer *w, xmlNodePtr table, const char *key, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (r < 0)
        buf[0] = '\0';
    h_text(w, h_kv(w, table, key), buf);
}

/* The Server Redirection PDU (MS-RDPBCGR 2.2.13): where it sent the client.
 * The Password field is never shown, only its length. */
static void redirection_rows(html_writer *w, xmlNodePtr t, const rdp_facts *f)
{
    const redir_packet *r = &f->redirection;
    if (!f->redirection_read) {
        kvf(w, t, "Server Redirection", "at packet %" PRIu64 "%s", f->redirection_ref.packet,
            f->redirection_encrypted ? " (encrypted: target not readable)" : " (not readable)");
        return;
    }
    const char *target = redirection_target(r);
    kvf(w, t, "Server Redirection", "at packet %" PRIu64 " to %s, session %u",
        f->redirection_ref.packet, target ? target : "(no target named)", r->session_id);
    char addrs[REDIR_ADDR_TEXT * (REDIR_ADDRS_MAX + 1) + 32] = "";
    size_t used = 0;
    if (r->target_net_address[0])
        used += (size_t)snprintf(addrs, sizeof addrs, "%s", r->target_net_address);
    for (uint32_t i = 0; i < r->addresses_kept && used < sizeof addrs; i++) {
        bool seen = strcmp(r->addresses[i], r->target_net_address) == 0;
        for (uint32_t j = 0; j < i && !seen; j++)
            seen = strcmp(r->addresses[i], r->addresses[j]) == 0;
        if (seen)
            continue;
        int n = snprintf(addrs + used, sizeof addrs - used, "%s%s", used ? ", " : "",
                         r->addresses[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    if (addrs[0])
        kvf(w, t, "Redirection addresses", "%s", addrs);
    if (r->fields_read & LB_LOAD_BALANCE_INFO)
        kvf(w, t, "Load-balance info", "%s (%u bytes)", r->load_balance_info,
            r->load_balance_info_len);
    if (r->user_name[0] || r->domain[0] || r->has_password)
        kvf(w, t, "Redirection credentials", "%s%s%s%s", r->domain, r->domain[0] ? "\\" : "",
            r->user_name, r->has_password ? ", with a password or cookie (not shown)" : "");
    char flags[300];
    redirection_flags_str(r->redir_flags, flags, sizeof flags);
    kvf(w, t, "Redirection flags", "%s%s%s", flags, r->problem[0] ? "; " : "", r->problem);
}

bool html_rdp(xmlDocPtr doc, xmlNodePtr sec, const connection *c)
{
    const rdp_facts *f = &c->rdp;
    if (!f->seen || !sec)
        return true;
    html_writer w = { doc, false };
    xmlNodePtr h = h_el(&w, sec, "h3", NULL);
    h_text(&w, h, "Standard RDP Security (MCS / GCC in the clear)");
    xmlNodePtr t = h_el(&w, sec, "table", "kv");
    const gcc_client_data *cs = &f->cs;
    const gcc_server_data *sc = &f->sc;
    char m[64], a[64];
    if (f->has_connect_initial && cs->has_core) {
        kvf(&w, t, "Client", "%s, build %u, %s", cs->client_name, cs->client_build,
            gcc_rdp_version_name(cs->version));
        kvf(&w, t, "Desktop", "%ux%u, %u bits per pixel", cs->desktop_width, cs->desktop_height,
            cs->color_bpp);
    }
    if (cs->has_net) {
        char ch[512] = "";
        size_t used = 0;
        for (unsigned i = 0; i < cs->channels_kept && used < sizeof ch; i++) {
            int n = snprintf(ch + used, sizeof ch - used, "%s%s", i ? ", " : "",
                             cs->channel_names[i]);
            if (n < 0)
                break;
            used += (size_t)n;
        }
        kvf(&w, t, "Channels", "%s", cs->channels_kept ? ch : "none");
    }
    if (cs->has_security) {
        gcc_encryption_methods_str(cs->encryption_methods | cs->ext_encryption_methods, m, sizeof m);
        kvf(&w, t, "Client offers encryption", "%s", m);
    }
    if (f->has_connect_response) {
        if (f->mcs_result != 0)
            kvf(&w, t, "Server's MCS result", "%s", mcs_result_name(f->mcs_result));
        if (sc->has_security) {
            gcc_encryption_methods_str(sc->encryption_method, m, sizeof m);
            kvf(&w, t, "Server chose encryption", "%s, level %s", m,
                gcc_encryption_level_name(sc->encryption_level));
            if (sc->cert_type == GCC_CERT_X509)
                kvf(&w, t, "Server certificate", "X.509 chain of %u certificate%s%s",
                    sc->cert_count, sc->cert_count == 1 ? "" : "s",
                    sc->cert_temporary ? " (temporary)" : "");
            else if (sc->cert_type)
                kvf(&w, t, "Server certificate", "%s, %u-bit RSA key%s",
                    gcc_cert_type_name(sc->cert_type), sc->cert_key_bits,
                    sc->cert_temporary ? " (temporary)" : "");
        }
        if (sc->has_client_requested_protocols) {
            bool neg = c->has_cr && c->cr.has_neg_req;
            x224_protocols_str(sc->client_requested_protocols, m, sizeof m);
            x224_protocols_str(neg ? c->cr.requested_protocols : 0, a, sizeof a);
            bool down = rdp_facts_requested_mismatch(f, neg, neg ? c->cr.requested_protocols : 0);
            kvf(&w, t, "Requested protocols", "X.224 request: %s; the server received: %s%s", a,
                m, down ? " - DIFFERENT: the request was changed on the way (downgrade)" : " (same)");
        }
    }
    if (f->license_first_ref.packet)
        kvf(&w, t, "Licensing", "from packet %" PRIu64 "%s%s", f->license_first_ref.packet,
            f->license_error ? ", error " : (f->license_done ? ", done" : ""),
            f->license_error ? rdpsec_license_error_name(f->license_error_code) : "");
    if (f->demand_active_ref.packet)
        kvf(&w, t, "Activation", "Demand Active at packet %" PRIu64 "%s", f->demand_active_ref.packet,
            f->demand_active_inferred ? " (inferred from encrypted PDUs)" : "");
    if (f->has_dpum)
        kvf(&w, t, "Disconnect Provider Ultimatum", "from the %s at packet %" PRIu64 " (%s)",
            f->dpum_dir == DIR_S2C ? "server" : "client", f->dpum_ref.packet,
            mcs_reason_name(f->dpum_reason));
    if (f->has_error_info)
        kvf(&w, t, "Set Error Info", "%s (0x%x) at packet %" PRIu64 "%s%s%s",
            rdpsec_errinfo_name(f->error_info), f->error_info, f->error_info_ref.packet,
            f->error_infos > 1 ? "; the first of " : "",
            f->error_infos > 1 ? "several was " : "",
            f->error_infos > 1 ? rdpsec_errinfo_name(f->error_info_first) : "");
    if (f->redirection_ref.packet)
        redirection_rows(&w, t, f);
    if (f->malformed)
        kvf(&w, t, "Problem", "packet %" PRIu64 ": %s", f->problem_ref.packet, f->problem);
    return !w.failed;
}

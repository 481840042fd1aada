/* xml_reset.c - <reset_analysis>: who sent each RST of a connection (see
 * xml_reset.h and rst_origin.h). Built with libxml2's tree API, so every
 * string is escaped by construction; strings pass atomic_text_clean() too.
 * rdptriage.xsd (resetAnalysisType) describes every element and attribute
 * written here; keep the two in step.
 */
#include "xml_reset.h"

#include "atomic.h"
#include "xml_put.h"
#include "rst_origin.h"

#include <inttypes.h>
#include <string.h>

#define CLEAN_MAX 2048

typedef xml_put writer;

static xt_ptr child(writer *w, xt_ptr parent, const char *name, const char *text)
{
    return text ? xp_text_child(w, parent, name, text) : xp_child(w, parent, name);
}

static const char *dir_word(direction d) { return d == DIR_S2C ? "server" : "client"; }

static void flags_str(uint8_t f, char *buf, size_t buflen)
{
    static const char names[8] = { 'F', 'S', 'R', 'P', 'A', 'U', 'E', 'C' };
    size_t n = 0;
    for (int i = 0; i < 8 && n + 1 < buflen; i++)
        if (f & (1u << i))
            buf[n++] = names[i];
    buf[n] = '\0';
}

/* One fingerprint: what a set of packets of one end looked like. */
static void xml_print(writer *w, xt_ptr parent, direction end, const char *part,
                      const rst_print *f)
{
    if (!f->packets)
        return;
    xt_ptr n = child(w, parent, "end", NULL);
    char buf[64];
    xp_attr(w, n, "from", dir_word(end));
    xp_attr(w, n, "packets_of", part);
    xp_attr_u64(w, n, "packets", f->packets);
    rst_print_ttls_str(f, buf, sizeof buf);
    xp_attr(w, n, "ttl", buf);
    if (f->ttls_capped)
        xp_attr(w, n, "ttl_capped", "true");
    xp_attr(w, n, "ip_id", rst_ipid_kind_name(rst_print_ipid_kind(f)));
    if (f->has_ip_id)
        xp_attr_hex16(w, n, "ip_id_last", f->ip_id_last);
    if (f->has_mac) {
        rst_mac_str(f->mac, buf, sizeof buf);
        xp_attr(w, n, "mac", buf);
        if (f->mac_varies)
            xp_attr(w, n, "mac_varies", "true");
    }
    xp_attr_u64(w, n, "window", f->window_last);
    xp_attr(w, n, "options", f->layout);
    if (f->has_ts)
        xp_attr_u64(w, n, "tsval_last", f->ts_last);
}

static void xml_rst(writer *w, xt_ptr parent, const rst_seen *r)
{
    xt_ptr n = child(w, parent, "rst", NULL);
    char buf[64];
    xp_attr_ref(w, n, "packet", "time", &r->ref);
    xp_attr(w, n, "from", dir_word(r->dir));
    flags_str(r->flags, buf, sizeof buf);
    xp_attr(w, n, "flags", buf);
    xp_attr_u64(w, n, "ttl", r->ttl);
    if (r->has_ip_id)
        xp_attr_hex16(w, n, "ip_id", r->ip_id);
    if (r->has_mac) {
        rst_mac_str(r->mac, buf, sizeof buf);
        xp_attr(w, n, "mac", buf);
    }
    xp_attr_u64(w, n, "window", r->window);
    xp_attr(w, n, "options", r->layout);
    if (r->has_ts)
        xp_attr_u64(w, n, "tsval", r->tsval);
    xp_attr_u64(w, n, "seq", r->seq);
    if (r->flags & TCP_ACK)
        xp_attr_u64(w, n, "ack", r->ack);
    if (r->sender_seq_known)
        xp_attr_u64(w, n, "sender_next_seq", r->sender_next_seq);
    if (r->receiver_ack_known)
        xp_attr_u64(w, n, "receiver_ack", r->receiver_ack);
    if (r->provoked_by.packet) {
        xp_attr_ref(w, n, "provoked_by", NULL, &r->provoked_by);
        xp_attrf(w, n, "delay_us", "%" PRId64 "", (int64_t)r->delay_us);
    }
    if (r->sent_after.packet) {
        xp_attr_ref(w, n, "sender_sent_after", NULL, &r->sent_after);
        xp_attr_u64(w, n, "packets_after", r->packets_after);
    }
}

bool xml_reset_analysis(xt_ptr conn, const connection *c)
{
    const rst_origin *o = &c->rst_facts;
    if (!conn || o->n_rst == 0)
        return true;
    writer w = { false };
    const rst_analysis *a = &o->result;
    xt_ptr n = child(&w, conn, "reset_analysis", NULL);
    xp_attr(&w, n, "origin", rst_from_name(a->from));
    if (a->from != RST_FROM_UNEXAMINED && a->rst_index >= 0 && a->rst_index < RST_ORIGIN_MAX_RSTS) {
        xp_attr_ref(&w, n, "rst_packet", NULL, &o->rst[a->rst_index].ref);
        xp_attr(&w, n, "claimed_by", dir_word(a->claimed));
        xp_attr(&w, n, "confidence", verdict_confidence_name(a->confidence));
        xp_attr_u64(&w, n, "strong", a->strong);
        xp_attr_u64(&w, n, "supporting", a->supporting);
    }
    xp_attr_u64(&w, n, "resets", (uint64_t)o->n_rst + o->rst_dropped);

    xt_ptr hs = child(&w, n, "handshake", NULL);
    if (o->rtt_server_us >= 0)
        xp_attrf(&w, hs, "syn_to_synack_us", "%" PRId64 "", (int64_t)o->rtt_server_us);
    if (o->rtt_client_us >= 0)
        xp_attrf(&w, hs, "synack_to_ack_us", "%" PRId64 "", (int64_t)o->rtt_client_us);
    if (o->min_answer_us[DIR_S2C] >= 0)
        xp_attrf(&w, hs, "server_fastest_ack_us", "%" PRId64 "", (int64_t)o->min_answer_us[DIR_S2C]);
    if (o->min_answer_us[DIR_C2S] >= 0)
        xp_attrf(&w, hs, "client_fastest_ack_us", "%" PRId64 "", (int64_t)o->min_answer_us[DIR_C2S]);

    for (int d = 0; d < 2; d++) {
        xml_print(&w, n, (direction)d, d == DIR_S2C ? "syn_ack" : "syn", &o->end[d].syn);
        xml_print(&w, n, (direction)d, "later", &o->end[d].later);
    }
    for (unsigned i = 0; i < o->n_rst && i < RST_ORIGIN_MAX_RSTS; i++)
        xml_rst(&w, n, &o->rst[i]);
    for (unsigned i = 0; i < a->n_reasons && i < RST_ORIGIN_MAX_REASONS; i++) {
        const rst_reason *r = &a->reasons[i];
        xt_ptr e = child(&w, n, "reason", r->text);
        xp_attr(&w, e, "kind", rst_reason_kind_name(r->kind));
        xp_attr(&w, e, "weight", r->strong ? "strong" : "supporting");
        xp_attr_ref(&w, e, "packet", "time", &r->ref);
    }
    if (a->consistent[0])
        child(&w, n, "consistent", a->consistent);
    if (a->from == RST_FROM_UNDECIDED) {
        xt_ptr u = child(&w, n, "undecided", NULL);
        child(&w, u, "device", a->for_device);
        char check[400];
        rules_reset_check_text(c->v.phase, check, sizeof check);
        child(&w, u, "sender", a->consistent[0] ? a->consistent : "everything compared");
        child(&w, u, "check", check);
    }
    const rst_cross *x = &o->cross;
    if (x->matched) {
        xt_ptr oc = child(&w, n, "other_capture", NULL);
        xp_attr_u64(&w, oc, "capture", x->capture);
        xp_attr_u64(&w, oc, "connection", x->connection);
        xp_attr(&w, oc, "match", x->exact ? "exact" : "relayed");
        xp_attr(&w, oc, "nearer_sender", x->nearer_sender ? "true" : "false");
        xp_attr(&w, oc, "placed_by", x->placed_by);
        xp_attr(&w, oc, "sender_sent", x->sender_sent ? "true" : "false");
        if (x->nearer_sender)
            xp_attr_ref(&w, oc, "packet", NULL, &x->ref);
        else
            xp_attr(&w, oc, "seen_there", x->seen_there ? "true" : "false");
        if (x->receiver_reset)
            xp_attr_ref(&w, oc, "receiver_reset_packet", NULL, &x->receiver_rst);
    }
    return !w.failed;
}

/* xml_reset.c - <reset_analysis>: who sent each RST of a connection (see
 * xml_reset.h and rst_origin.h). Built with libxml2's tree API, so every
 * string is escaped by construction; strings pass atomic_text_clean() too.
 * rdptriage.xsd (resetAnalysisType) describes every element and attribute
 * written here; keep the two in step.
 */
#include "xml_reset.h"

#include "atomic.h"
#include "rst_origin.h"

#include <inttypes.h>
#include <string.h>

#define CLEAN_MAX 2048

typedef struct {
    bool failed;
} writer;

static xt_ptr child(writer *w, xt_ptr parent, const char *name, const char *text)
{
    if (!parent)
        return NULL;
    xt_ptr n;
    if (text) {
        char clean[CLEAN_MAX];
        atomic_text_clean(text, clean, sizeof clean);
        n = xt_new_text_child(parent, name, clean);
    } else {
        n = xt_new_child(parent, name);
    }
    if (!n)
        w->failed = true;
    return n;
}

static void attr(writer *w, xt_ptr n, const char *name, const char *value)
{
    if (!n)
        return;
    char clean[CLEAN_MAX];
    atomic_text_clean(value, clean, sizeof clean);
    if (!xt_new_prop(n, name, clean))
        w->failed = true;
}

static void attr_u64(writer *w, xt_ptr n, const char *name, uint64_t v)
{
    char buf[24];
    rt_fmt(buf, sizeof buf, "%" PRIu64, v);
    attr(w, n, name, buf);
}

static void attr_i64(writer *w, xt_ptr n, const char *name, int64_t v)
{
    char buf[24];
    rt_fmt(buf, sizeof buf, "%" PRId64, v);
    attr(w, n, name, buf);
}

static void attr_hex16(writer *w, xt_ptr n, const char *name, uint16_t v)
{
    char buf[8];
    rt_fmt(buf, sizeof buf, "0x%04x", (unsigned)v);
    attr(w, n, name, buf);
}

/* packet="N" time="..." (nothing for packet 0); the fraction is kept in
 * range as in xml.c, since a hostile capture can carry any. */
static void attr_ref(writer *w, xt_ptr n, const char *pname, const char *tname,
                     const pkt_ref *ref)
{
    if (!ref->packet)
        return;
    attr_u64(w, n, pname, ref->packet);
    if (!tname)
        return;
    rt_time t = ref->ts;
    if (t.nsec >= 1000000000u) {
        int64_t carry = t.nsec / 1000000000u;
        t.nsec %= 1000000000u;
        if (t.sec <= INT64_MAX - carry)
            t.sec += carry;
    }
    char buf[64];
    rt_time_iso(t, buf, sizeof buf);
    attr(w, n, tname, buf);
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
    attr(w, n, "from", dir_word(end));
    attr(w, n, "packets_of", part);
    attr_u64(w, n, "packets", f->packets);
    rst_print_ttls_str(f, buf, sizeof buf);
    attr(w, n, "ttl", buf);
    if (f->ttls_capped)
        attr(w, n, "ttl_capped", "true");
    attr(w, n, "ip_id", rst_ipid_kind_name(rst_print_ipid_kind(f)));
    if (f->has_ip_id)
        attr_hex16(w, n, "ip_id_last", f->ip_id_last);
    if (f->has_mac) {
        rst_mac_str(f->mac, buf, sizeof buf);
        attr(w, n, "mac", buf);
        if (f->mac_varies)
            attr(w, n, "mac_varies", "true");
    }
    attr_u64(w, n, "window", f->window_last);
    attr(w, n, "options", f->layout);
    if (f->has_ts)
        attr_u64(w, n, "tsval_last", f->ts_last);
}

static void xml_rst(writer *w, xt_ptr parent, const rst_seen *r)
{
    xt_ptr n = child(w, parent, "rst", NULL);
    char buf[64];
    attr_ref(w, n, "packet", "time", &r->ref);
    attr(w, n, "from", dir_word(r->dir));
    flags_str(r->flags, buf, sizeof buf);
    attr(w, n, "flags", buf);
    attr_u64(w, n, "ttl", r->ttl);
    if (r->has_ip_id)
        attr_hex16(w, n, "ip_id", r->ip_id);
    if (r->has_mac) {
        rst_mac_str(r->mac, buf, sizeof buf);
        attr(w, n, "mac", buf);
    }
    attr_u64(w, n, "window", r->window);
    attr(w, n, "options", r->layout);
    if (r->has_ts)
        attr_u64(w, n, "tsval", r->tsval);
    attr_u64(w, n, "seq", r->seq);
    if (r->flags & TCP_ACK)
        attr_u64(w, n, "ack", r->ack);
    if (r->sender_seq_known)
        attr_u64(w, n, "sender_next_seq", r->sender_next_seq);
    if (r->receiver_ack_known)
        attr_u64(w, n, "receiver_ack", r->receiver_ack);
    if (r->provoked_by.packet) {
        attr_ref(w, n, "provoked_by", NULL, &r->provoked_by);
        attr_i64(w, n, "delay_us", r->delay_us);
    }
    if (r->sent_after.packet) {
        attr_ref(w, n, "sender_sent_after", NULL, &r->sent_after);
        attr_u64(w, n, "packets_after", r->packets_after);
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
    attr(&w, n, "origin", rst_from_name(a->from));
    if (a->from != RST_FROM_UNEXAMINED && a->rst_index >= 0 && a->rst_index < RST_ORIGIN_MAX_RSTS) {
        attr_ref(&w, n, "rst_packet", NULL, &o->rst[a->rst_index].ref);
        attr(&w, n, "claimed_by", dir_word(a->claimed));
        attr(&w, n, "confidence", verdict_confidence_name(a->confidence));
        attr_u64(&w, n, "strong", a->strong);
        attr_u64(&w, n, "supporting", a->supporting);
    }
    attr_u64(&w, n, "resets", (uint64_t)o->n_rst + o->rst_dropped);

    xt_ptr hs = child(&w, n, "handshake", NULL);
    if (o->rtt_server_us >= 0)
        attr_i64(&w, hs, "syn_to_synack_us", o->rtt_server_us);
    if (o->rtt_client_us >= 0)
        attr_i64(&w, hs, "synack_to_ack_us", o->rtt_client_us);
    if (o->min_answer_us[DIR_S2C] >= 0)
        attr_i64(&w, hs, "server_fastest_ack_us", o->min_answer_us[DIR_S2C]);
    if (o->min_answer_us[DIR_C2S] >= 0)
        attr_i64(&w, hs, "client_fastest_ack_us", o->min_answer_us[DIR_C2S]);

    for (int d = 0; d < 2; d++) {
        xml_print(&w, n, (direction)d, d == DIR_S2C ? "syn_ack" : "syn", &o->end[d].syn);
        xml_print(&w, n, (direction)d, "later", &o->end[d].later);
    }
    for (unsigned i = 0; i < o->n_rst && i < RST_ORIGIN_MAX_RSTS; i++)
        xml_rst(&w, n, &o->rst[i]);
    for (unsigned i = 0; i < a->n_reasons && i < RST_ORIGIN_MAX_REASONS; i++) {
        const rst_reason *r = &a->reasons[i];
        xt_ptr e = child(&w, n, "reason", r->text);
        attr(&w, e, "kind", rst_reason_kind_name(r->kind));
        attr(&w, e, "weight", r->strong ? "strong" : "supporting");
        attr_ref(&w, e, "packet", "time", &r->ref);
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
        attr_u64(&w, oc, "capture", x->capture);
        attr_u64(&w, oc, "connection", x->connection);
        attr(&w, oc, "match", x->exact ? "exact" : "relayed");
        attr(&w, oc, "nearer_sender", x->nearer_sender ? "true" : "false");
        attr(&w, oc, "placed_by", x->placed_by);
        attr(&w, oc, "sender_sent", x->sender_sent ? "true" : "false");
        if (x->nearer_sender)
            attr_ref(&w, oc, "packet", NULL, &x->ref);
        else
            attr(&w, oc, "seen_there", x->seen_there ? "true" : "false");
        if (x->receiver_reset)
            attr_ref(&w, oc, "receiver_reset_packet", NULL, &x->receiver_rst);
    }
    return !w.failed;
}

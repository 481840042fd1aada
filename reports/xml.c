/* xml.c - the XML report: the contract of shared/VERDICTS.md for the fixed
 * names (rdptriage, capture, connection, verdict, summary, evidence, remedy),
 * then what each layer showed. reports/rdptriage.xsd describes every element
 * and attribute written here; keep the two in step.
 *
 * Each element is built as a tree (xml_tree.h) whose serializer escapes
 * every value, so every string is escaped by construction; the top-level
 * elements are built and written one at a time to keep memory small
 * (stream.c assembles them). Strings go through atomic_text_clean() first,
 * which keeps the output well-formed XML 1.0 even if a string that is not
 * from the model (a file name, a system message) carries control characters
 * or broken UTF-8.
 */
#include "report.h"
#include "report_parts.h"

#include "atomic.h"
#include "timeline.h"
#include "verdict.h"
#include "x224.h"
#include "xml_reset.h"
#include "xml_decrypt.h"
#include "xml_tls.h"
#include "report_rdp.h"

#include "xml_tree.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Model strings are at most 512 bytes; cleaning may grow a byte to 4. */
#define XML_CLEAN_MAX 4096

typedef struct {
    xt_doc *doc;
    bool failed;   /* a node or attribute could not be allocated */
} xml_writer;

static xt_ptr xml_child(xml_writer *w, xt_ptr parent, const char *name)
{
    if (!parent)
        return NULL;
    xt_ptr n = xt_new_child(parent, name);
    if (!n)
        w->failed = true;
    return n;
}

/* A child element whose content is text (escaped on output). */
static xt_ptr xml_text_child(xml_writer *w, xt_ptr parent, const char *name,
                                 const char *text)
{
    if (!parent)
        return NULL;
    char clean[XML_CLEAN_MAX];
    atomic_text_clean(text, clean, sizeof clean);
    xt_ptr n = xt_new_text_child(parent, name, clean);
    if (!n)
        w->failed = true;
    return n;
}

static void xml_attr(xml_writer *w, xt_ptr n, const char *name, const char *value)
{
    if (!n)
        return;
    char clean[XML_CLEAN_MAX];
    atomic_text_clean(value, clean, sizeof clean);
    /* Stored literally; the serializer escapes it. */
    if (!xt_new_prop(n, name, clean))
        w->failed = true;
}

static void xml_attr_u64(xml_writer *w, xt_ptr n, const char *name, uint64_t v)
{
    char buf[24];
    rt_fmt(buf, sizeof buf, "%" PRIu64, v);
    xml_attr(w, n, name, buf);
}

static void xml_attr_hex32(xml_writer *w, xt_ptr n, const char *name, uint32_t v)
{
    char buf[16];
    rt_fmt(buf, sizeof buf, "0x%08" PRIx32, v);
    xml_attr(w, n, name, buf);
}

static void xml_attr_hex8(xml_writer *w, xt_ptr n, const char *name, uint8_t v)
{
    char buf[8];
    rt_fmt(buf, sizeof buf, "0x%02x", (unsigned)v);
    xml_attr(w, n, name, buf);
}

static void xml_attr_bool(xml_writer *w, xt_ptr n, const char *name, bool v)
{
    xml_attr(w, n, name, v ? "true" : "false");
}

/* rt_time_iso with the nanoseconds kept in range: a hostile capture file can
 * carry any 32-bit fraction, and the schema's time pattern has six digits. */
static void xml_time_str(rt_time t, char *buf, size_t buflen)
{
    if (t.nsec >= 1000000000u) {
        int64_t carry = t.nsec / 1000000000u;
        t.nsec %= 1000000000u;
        if (t.sec <= INT64_MAX - carry)
            t.sec += carry;
    }
    rt_time_iso(t, buf, buflen);
}

static void xml_attr_time(xml_writer *w, xt_ptr n, const char *name, rt_time t)
{
    char buf[64];
    xml_time_str(t, buf, sizeof buf);
    xml_attr(w, n, name, buf);
}

/* packet="N" time="..." for a packet reference; nothing for packet 0. */
static void xml_attr_ref(xml_writer *w, xt_ptr n, const pkt_ref *ref)
{
    if (ref->packet == 0)
        return;
    xml_attr_u64(w, n, "packet", ref->packet);
    xml_attr_time(w, n, "time", ref->ts);
}

static xt_ptr xml_capture(xml_writer *w, const analysis_input *in)
{
    xt_ptr n = xt_new_node(w->doc, "capture");
    if (!n)
        w->failed = true;
    xml_attr(w, n, "source", in->name);
    xml_attr_u64(w, n, "packets", in->packets);
    if (in->packets > 0) {
        xml_attr_time(w, n, "first", in->first);
        xml_attr_time(w, n, "last", in->last);
    }
    xml_attr_u64(w, n, "bytes", in->bytes);
    if (in->linktype[0])
        xml_attr(w, n, "linktype", in->linktype);
    xml_attr_u64(w, n, "relevant", in->relevant);
    xml_attr_u64(w, n, "snaplen_cut", in->snaplen_cut);
    xml_attr_u64(w, n, "undecodable", in->undecodable);
    xml_attr_bool(w, n, "live", in->live);
    xml_attr_bool(w, n, "opened", in->opened);
    xml_attr_bool(w, n, "read_error", in->read_error);
    if (in->stats.valid) {
        xml_attr_u64(w, n, "kernel_received", in->stats.received);
        xml_attr_u64(w, n, "kernel_dropped", in->stats.dropped);
        xml_attr_u64(w, n, "interface_dropped", in->stats.if_dropped);
    }
    if (in->error[0])
        xml_text_child(w, n, "error", in->error);
    return n;
}

static void xml_verdict(xml_writer *w, xt_ptr conn, const verdict *v)
{
    xt_ptr n = xml_child(w, conn, "verdict");
    xml_attr(w, n, "phase", verdict_phase_name(v->phase));
    xml_attr(w, n, "cause", verdict_cause_name(v->cause));
    xml_attr(w, n, "confidence", verdict_confidence_name(v->confidence));
    xml_attr(w, n, "detail", v->detail);
    if (v->rule)
        xml_attr(w, n, "rule", v->rule);
    if (v->key.packet)
        xml_attr_u64(w, n, "key_packet", v->key.packet);
    xml_text_child(w, n, "summary", v->summary);
    unsigned ne = v->n_evidence < VERDICT_MAX_EVIDENCE ? v->n_evidence : VERDICT_MAX_EVIDENCE;
    for (unsigned i = 0; i < ne; i++) {
        xt_ptr e = xml_text_child(w, n, "evidence", v->evidence[i].text);
        xml_attr_ref(w, e, &v->evidence[i].ref);
    }
    xml_text_child(w, n, "remedy", verdict_cause_remedy(v->cause));
    if (v->not_examined[0])
        xml_text_child(w, n, "not_examined", v->not_examined);
}

static const char *stream_state_name(stream_state s)
{
    switch (s) {
    case STREAM_X224: return "x224";
    case STREAM_TLS: return "tls";
    case STREAM_RDP: return "rdp";
    default: return "opaque";
    }
}

static void xml_stream(xml_writer *w, xt_ptr tcp, const conn_dir *d, direction dir)
{
    xt_ptr n = xml_child(w, tcp, "stream");
    xml_attr(w, n, "from", direction_name(dir));
    xml_attr_u64(w, n, "packets", d->packets);
    xml_attr_u64(w, n, "payload_bytes", d->payload_bytes);
    xml_attr(w, n, "state", stream_state_name(d->state));
    if (d->first.packet)
        xml_attr_u64(w, n, "first_packet", d->first.packet);
    if (d->last.packet)
        xml_attr_u64(w, n, "last_packet", d->last.packet);
    if (d->packets > 0) {
        xml_attr_u64(w, n, "ttl_first", d->ttl_first);
        xml_attr_u64(w, n, "ttl_min", d->ttl_min);
        xml_attr_u64(w, n, "ttl_max", d->ttl_max);
        xml_attr_u64(w, n, "window_first", d->window_first);
    }
    if (d->sent_after_rst)
        xml_attr_bool(w, n, "sent_after_rst", true);
    if (d->fin.packet)
        xml_attr_ref(w, xml_child(w, n, "fin"), &d->fin);
    if (d->rst.packet)
        xml_attr_ref(w, xml_child(w, n, "rst"), &d->rst);

    const reasm_dir *r = &d->reasm;
    xt_ptr ra = xml_child(w, n, "reassembly");
    xml_attr_u64(w, ra, "delivered_bytes", r->delivered_bytes);
    xml_attr_u64(w, ra, "gaps", r->gaps);
    xml_attr_u64(w, ra, "gap_bytes", r->gap_bytes);
    xml_attr_u64(w, ra, "retransmissions", r->retransmissions);
    xml_attr_u64(w, ra, "conflicts", r->conflicts);
    xml_attr_u64(w, ra, "overlaps", r->overlaps);
    xml_attr_u64(w, ra, "out_of_order", r->out_of_order);
    xml_attr_bool(w, ra, "cap_reached", r->cap_reached);
    /* Mid-stream: data arrived but no SYN of this direction was seen. */
    xml_attr_bool(w, ra, "midstream", r->started && !r->syn_seen);
}

static void xml_tcp(xml_writer *w, xt_ptr conn, const connection *c)
{
    xt_ptr n = xml_child(w, conn, "tcp");
    xml_attr(w, n, "handshake", c->handshake_done ? "complete" : "incomplete");
    xml_attr_bool(w, n, "closed", c->closed);

    const conn_dir *cs = &c->dir[DIR_C2S], *sc = &c->dir[DIR_S2C];
    if (cs->syn.packet) {
        xt_ptr s = xml_child(w, n, "syn");
        xml_attr_ref(w, s, &cs->syn);
        xml_attr_u64(w, s, "count", cs->syn_count);
    }
    if (sc->syn.packet) {
        xt_ptr s = xml_child(w, n, "syn_ack");
        xml_attr_ref(w, s, &sc->syn);
        xml_attr_u64(w, s, "count", sc->syn_count);
    }
    const tl_event *ack = timeline_first(&c->tl, EV_HANDSHAKE_DONE, DIR_NONE);
    if (ack && ack->ref.packet)
        xml_attr_ref(w, xml_child(w, n, "ack"), &ack->ref);

    xml_stream(w, n, cs, DIR_C2S);
    xml_stream(w, n, sc, DIR_S2C);

    /* Who closed first and how: the earliest FIN or RST of either end. At
     * equal packet numbers (FIN+RST in one segment) the RST is what counts. */
    const pkt_ref *best = NULL;
    direction best_dir = DIR_NONE;
    bool best_rst = false;
    for (int i = 0; i < 2; i++) {
        const conn_dir *d = &c->dir[i];
        const pkt_ref *cand[2] = { &d->rst, &d->fin };
        for (int k = 0; k < 2; k++) {
            if (cand[k]->packet == 0)
                continue;
            if (!best || cand[k]->packet < best->packet) {
                best = cand[k];
                best_dir = (direction)i;
                best_rst = k == 0;
            }
        }
    }
    if (best) {
        xt_ptr cl = xml_child(w, n, "close");
        xml_attr(w, cl, "by", direction_name(best_dir));
        xml_attr(w, cl, "how", best_rst ? "rst" : "fin");
        xml_attr_ref(w, cl, best);
    }

    if (c->icmp.packet) {
        xt_ptr ic = xml_child(w, n, "icmp");
        tl_event e = { .type = EV_ICMP_UNREACH, .dir = DIR_NONE, .ref = c->icmp,
                       .a = c->icmp_type, .b = c->icmp_code };
        char text[160], from[64];
        timeline_describe(&e, text, sizeof text);
        rt_addr_str(&c->icmp_from, from, sizeof from);
        xml_attr_ref(w, ic, &c->icmp);
        xml_attr_u64(w, ic, "type", c->icmp_type);
        xml_attr_u64(w, ic, "code", c->icmp_code);
        xml_attr(w, ic, "from", from);
        if (ic && !xt_set_text(ic, text))   /* literal text, escaped on output */
            w->failed = true;
    }
}

static void xml_problem(xml_writer *w, xt_ptr parent, const x224_pdu *p)
{
    if (!p->problems)
        return;
    xml_attr_hex32(w, parent, "problems", p->problems);
    if (p->problem[0])
        xml_text_child(w, parent, "problem", p->problem);
}

static void xml_x224(xml_writer *w, xt_ptr conn, const connection *c)
{
    if (!c->has_cr && !c->has_cc && !c->has_dr && !c->x224_malformed && !c->not_rdp)
        return;
    xt_ptr n = xml_child(w, conn, "x224");
    char buf[96];

    if (c->has_cr) {
        const x224_pdu *cr = &c->cr;
        xt_ptr r = xml_child(w, n, "request");
        xml_attr_ref(w, r, &c->cr_ref);
        xml_attr(w, r, "tpdu", x224_tpdu_name(cr->tpdu));
        xml_attr_bool(w, r, "negotiation", cr->has_neg_req);
        if (cr->has_neg_req) {
            xml_attr_hex32(w, r, "requested_protocols", cr->requested_protocols);
            x224_protocols_str(cr->requested_protocols, buf, sizeof buf);
            xml_attr(w, r, "protocols", buf);
            xml_attr_hex8(w, r, "flags", cr->neg_req_flags);
        }
        if (cr->has_correlation_info) {
            char hex[33];
            for (int i = 0; i < 16; i++)
                snprintf(hex + 2 * i, 3, "%02x", cr->correlation_id[i]);
            xml_attr(w, r, "correlation_id", hex);
        }
        if (cr->has_cookie) {
            xt_ptr k = xml_text_child(w, r, "cookie", cr->cookie);
            xml_attr_u64(w, k, "length", cr->cookie_len);
        }
        if (cr->has_routing_token) {
            xt_ptr k = xml_text_child(w, r, "routing_token", cr->routing_token);
            xml_attr_u64(w, k, "length", cr->routing_token_len);
        }
        xml_problem(w, r, cr);
    }

    if (c->has_cc) {
        const x224_pdu *cc = &c->cc;
        xt_ptr r = xml_child(w, n, "confirm");
        xml_attr_ref(w, r, &c->cc_ref);
        xml_attr(w, r, "tpdu", x224_tpdu_name(cc->tpdu));
        if (cc->has_neg_failure) {
            xml_attr(w, r, "result", "failure");
            xml_attr_u64(w, r, "failure_code", cc->failure_code);
            xml_attr(w, r, "failure", x224_failure_code_name(cc->failure_code));
            xml_attr(w, r, "failure_text", x224_failure_code_text(cc->failure_code));
        } else if (cc->has_neg_rsp) {
            xml_attr(w, r, "result", "selected");
            xml_attr_hex32(w, r, "selected_protocol", cc->selected_protocol);
            x224_protocols_str(cc->selected_protocol, buf, sizeof buf);
            xml_attr(w, r, "protocol", buf);
            xml_attr_hex8(w, r, "flags", cc->neg_rsp_flags);
        } else {
            /* No RDP_NEG_RSP: a server from before the negotiation existed,
             * which speaks Standard RDP Security (MS-RDPBCGR 2.2.1.2). */
            xml_attr(w, r, "result", "legacy");
            xml_attr_bool(w, r, "legacy", true);
        }
        xml_problem(w, r, cc);
    }

    if (c->has_dr) {
        xt_ptr r = xml_child(w, n, "disconnect");
        xml_attr_ref(w, r, &c->dr_ref);
        const tl_event *e = timeline_first(&c->tl, EV_X224_DR, DIR_NONE);
        if (e)
            xml_attr_u64(w, r, "reason", e->a);
    }

    if (c->x224_malformed) {
        xt_ptr r = xml_text_child(w, n, "problem", c->malformed_text);
        xml_attr_ref(w, r, &c->malformed_ref);
        xml_attr(w, r, "from", direction_name(c->malformed_dir));
    }

    if (c->not_rdp) {
        xt_ptr r = xml_text_child(w, n, "not_rdp", c->not_rdp_text);
        xml_attr_ref(w, r, &c->not_rdp_ref);
        xml_attr(w, r, "from", direction_name(c->not_rdp_dir));
    }
}

static void xml_after_negotiation(xml_writer *w, xt_ptr conn, const connection *c)
{
    const conn_dir *cs = &c->dir[DIR_C2S], *sc = &c->dir[DIR_S2C];
    const tl_event *start = timeline_first(&c->tl, EV_SECURE_START, DIR_NONE);
    const char *layer = NULL;
    if (start)
        layer = layer_name((layer_id)start->a);
    else if (cs->state == STREAM_TLS || sc->state == STREAM_TLS)
        layer = "tls";
    else if (cs->state == STREAM_RDP || sc->state == STREAM_RDP)
        layer = "rdp";
    else if (cs->secure_pdus || sc->secure_pdus)
        layer = "unknown";
    if (!layer)
        return;
    xt_ptr n = xml_child(w, conn, "after_negotiation");
    xml_attr(w, n, "layer", layer);
    if (start)
        xml_attr_ref(w, n, &start->ref);
    xml_attr_u64(w, n, "client_pdus", cs->secure_pdus);
    xml_attr_u64(w, n, "server_pdus", sc->secure_pdus);
    xml_attr_u64(w, n, "client_bytes", cs->secure_bytes);
    xml_attr_u64(w, n, "server_bytes", sc->secure_bytes);
    if (cs->gap_seen)
        xml_attr_bool(w, n, "client_gap", true);
    if (sc->gap_seen)
        xml_attr_bool(w, n, "server_gap", true);
    if (cs->resync_failed)
        xml_attr_bool(w, n, "client_resync_failed", true);
    if (sc->resync_failed)
        xml_attr_bool(w, n, "server_resync_failed", true);
}

static void xml_timeline(xml_writer *w, xt_ptr conn, const timeline *t)
{
    xt_ptr n = xml_child(w, conn, "timeline");
    xml_attr_u64(w, n, "events", t->n);
    xml_attr_u64(w, n, "dropped", t->dropped);
    for (uint32_t i = 0; i < t->n; i++) {
        const tl_event *e = &t->ev[i];
        char text[256];
        timeline_describe(e, text, sizeof text);
        xt_ptr ev = xml_text_child(w, n, "event", text);
        xml_attr(w, ev, "type", event_type_name((event_type)e->type));
        xml_attr(w, ev, "dir", direction_name((direction)e->dir));
        xml_attr_ref(w, ev, &e->ref);
        xml_attr_u64(w, ev, "a", e->a);
        xml_attr_u64(w, ev, "b", e->b);
    }
}

static xt_ptr xml_connection(xml_writer *w, const analysis *a,
                                 const connection *c)
{
    char ep[64];
    xt_ptr n = xt_new_node(w->doc, "connection");
    if (!n)
        w->failed = true;
    xml_attr_u64(w, n, "id", c->id);
    rt_endpoint_str(&c->client, c->client_port, ep, sizeof ep);
    xml_attr(w, n, "client", ep);
    rt_endpoint_str(&c->server, c->server_port, ep, sizeof ep);
    xml_attr(w, n, "server", ep);
    xml_attr_time(w, n, "start", c->start.ts);
    xml_attr_time(w, n, "end", c->end.ts);
    /* Packet numbers count per capture file: say which one when it is not
     * obvious. Counted from 1, like the <capture> elements' positions. */
    if (a->n_inputs > 1)
        xml_attr_u64(w, n, "capture", (uint64_t)c->capture_index + 1);
    xml_attr_u64(w, n, "first_packet", c->start.packet);
    xml_attr_u64(w, n, "last_packet", c->end.packet);
    xml_attr(w, n, "client_identified_by", c->client_by_syn ? "syn" : "ports");
    if (c->retry_of)
        xml_attr_u64(w, n, "retry_of", c->retry_of);

    xml_verdict(w, n, &c->v);
    xml_tcp(w, n, c);
    xml_x224(w, n, c);
    xml_after_negotiation(w, n, c);
    if (!xml_tls(n, c)) /* <tls>: the TLS handshake (xml_tls.c) */
        w->failed = true;
    if (!xml_decrypt(n, c)) /* <decryption>: what TLS secrets revealed (xml_decrypt.c) */
        w->failed = true;
    if (!xml_rdp(n, c)) /* <mcs>: Standard RDP Security in the clear (xml_rdp.c) */
        w->failed = true;
    if (!xml_reset_analysis(n, c)) /* <reset_analysis>: who sent each RST (xml_reset.c) */
        w->failed = true;
    xml_timeline(w, n, &c->tl);
    return n;
}

/* Serializes one finished top-level element and forgets the tree. */
static void xml_emit(xml_writer *w, xt_buf *out, atomic_file *f, xt_ptr n)
{
    if (!n)
        return;
    out->len = 0;
    if (!w->failed && xt_serialize(n, out)) {
        atomic_write(f, out->data, out->len);
        atomic_write(f, "\n", 1);
    } else {
        w->failed = true;
    }
    xt_doc_reset(w->doc);
}

/* One arena and one buffer reused for every connection's element. */
struct xml_parts {
    xml_writer w;
    xt_buf buf;
};

xml_parts *xml_parts_new(void)
{
    xml_parts *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->w.doc = xt_doc_new();
    if (!p->w.doc) {
        free(p);
        return NULL;
    }
    return p;
}

void xml_parts_free(xml_parts *p)
{
    if (!p)
        return;
    xt_doc_free(p->w.doc);
    xt_buf_free(&p->buf);
    free(p);
}

const char *xml_parts_connection(xml_parts *p, const analysis *a, const connection *c,
                                 size_t *len, size_t *splice)
{
    p->w.failed = false;
    p->buf.len = 0;
    xt_ptr n = xml_connection(&p->w, a, c);
    bool ok = n && !p->w.failed && xt_serialize(n, &p->buf);
    xt_doc_reset(p->w.doc);
    if (!ok)
        return NULL;
    xt_buf *b = &p->buf;
    if (b->cap - b->len < 2) { /* room for the newline and a terminator */
        char *d = realloc(b->data, b->cap + 16);
        if (!d)
            return NULL;
        b->data = d;
        b->cap += 16;
    }
    b->data[b->len++] = '\n';
    b->data[b->len] = '\0';
    const char *text = b->data;
    *len = b->len;
    /* The verdict is the first child and its summary the first element
     * with text: the first end tag of a summary is that one (text is
     * escaped, so no '<' comes from a string). */
    const char *end = strstr(text, "</summary>");
    *splice = end ? (size_t)(end - text) : *len;
    return text;
}

void xml_escape_write(atomic_file *f, const char *text)
{
    char clean[XML_CLEAN_MAX];
    atomic_text_clean(text, clean, sizeof clean);
    const char *run = clean;
    for (const char *q = clean; *q; q++) {
        const char *rep = *q == '&' ? "&amp;" : *q == '<' ? "&lt;" : *q == '>' ? "&gt;" : NULL;
        if (rep) {
            atomic_write(f, run, (size_t)(q - run));
            atomic_write(f, rep, strlen(rep));
            run = q + 1;
        }
    }
    atomic_write(f, run, strlen(run));
}

bool xml_document_write(const analysis *a, const report_totals *t, atomic_file *f,
                        report_parts_writer connections, void *ctx)
{
    /* Only the prolog and the root's tags are written here, and they hold
     * nothing but numbers; every other element is a tree (xml_tree.h)
     * whose serializer escapes every value. */
    char head[512];
    int hl = snprintf(head, sizeof head,
                      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<rdptriage version=\"1\" connections=\"%" PRIu64 "\" failures=\"%" PRIu64 "\"",
                      t->connections, t->failures);
    if (a->connection_cap_reached)
        hl += snprintf(head + hl, sizeof head - (size_t)hl,
                       " connection_cap_reached=\"true\" connections_not_tracked=\"%" PRIu64 "\"",
                       a->connections_not_tracked);
    if (a->messages_dropped)
        hl += snprintf(head + hl, sizeof head - (size_t)hl, " messages_dropped=\"%u\"",
                       a->messages_dropped);
    snprintf(head + hl, sizeof head - (size_t)hl, ">\n");
    atomic_write(f, head, strlen(head));

    xml_writer w = { .doc = xt_doc_new(), .failed = false };
    xt_buf out = { NULL, 0, 0, false };
    if (!w.doc) {
        w.failed = true;
    } else {
        unsigned ni = a->n_inputs < ANALYSIS_MAX_INPUTS ? a->n_inputs : ANALYSIS_MAX_INPUTS;
        for (unsigned i = 0; i < ni && !w.failed; i++)
            xml_emit(&w, &out, f, xml_capture(&w, &a->inputs[i]));

        unsigned nm = a->n_messages < ANALYSIS_MAX_MESSAGES ? a->n_messages : ANALYSIS_MAX_MESSAGES;
        for (unsigned i = 0; i < nm && !w.failed; i++) {
            char clean[XML_CLEAN_MAX];
            atomic_text_clean(a->messages[i].text, clean, sizeof clean);
            xt_ptr m = xt_new_node(w.doc, "message");
            if (!m || !xt_set_text(m, clean))
                w.failed = true;
            xml_attr(&w, m, "level", a->messages[i].level == MSG_ERROR ? "error" : "warning");
            xml_emit(&w, &out, f, m);
        }
    }
    xt_doc_free(w.doc);
    xt_buf_free(&out);
    if (!w.failed && !connections(ctx, f))
        w.failed = true;
    atomic_write(f, "</rdptriage>\n", 13);
    return !w.failed;
}

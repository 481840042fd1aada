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
#include "textfmt.h"
#include "report_parts.h"

#include "atomic.h"
#include "timeline.h"
#include "verdict.h"
#include "x224.h"
#include "xml_reset.h"
#include "xml_decrypt.h"
#include "xml_tls.h"
#include "report_rdp.h"

#include "xml_put.h"
#include "xml_tree.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Model strings are at most 512 bytes; cleaning may grow a byte to 4. */
#define XML_CLEAN_MAX 4096

typedef struct {
    xml_put put;   /* the helpers' writer: failed when anything could not be allocated */
    xt_doc *doc;
} xml_writer;

static xt_ptr xml_capture(xml_writer *w, const analysis_input *in)
{
    xt_ptr n = xt_new_node(w->doc, "capture");
    if (!n)
        w->put.failed = true;
    xp_attr(&w->put, n, "source", in->name);
    xp_attr_u64(&w->put, n, "packets", in->packets);
    if (in->packets > 0) {
        xp_attr_time(&w->put, n, "first", in->first);
        xp_attr_time(&w->put, n, "last", in->last);
    }
    xp_attr_u64(&w->put, n, "bytes", in->bytes);
    if (in->linktype[0])
        xp_attr(&w->put, n, "linktype", in->linktype);
    xp_attr_u64(&w->put, n, "relevant", in->relevant);
    xp_attr_u64(&w->put, n, "snaplen_cut", in->snaplen_cut);
    xp_attr_u64(&w->put, n, "undecodable", in->undecodable);
    xp_attr_bool(&w->put, n, "live", in->live);
    xp_attr_bool(&w->put, n, "opened", in->opened);
    xp_attr_bool(&w->put, n, "read_error", in->read_error);
    if (in->stats.valid) {
        xp_attr_u64(&w->put, n, "kernel_received", in->stats.received);
        xp_attr_u64(&w->put, n, "kernel_dropped", in->stats.dropped);
        xp_attr_u64(&w->put, n, "interface_dropped", in->stats.if_dropped);
    }
    if (in->error[0])
        xp_text_child(&w->put, n, "error", in->error);
    return n;
}

static void xml_verdict(xml_writer *w, xt_ptr conn, const verdict *v)
{
    xt_ptr n = xp_child(&w->put, conn, "verdict");
    xp_attr(&w->put, n, "phase", verdict_phase_name(v->phase));
    xp_attr(&w->put, n, "cause", verdict_cause_name(v->cause));
    xp_attr(&w->put, n, "confidence", verdict_confidence_name(v->confidence));
    xp_attr(&w->put, n, "detail", v->detail);
    if (v->rule)
        xp_attr(&w->put, n, "rule", v->rule);
    if (v->key.packet)
        xp_attr_u64(&w->put, n, "key_packet", v->key.packet);
    xp_text_child(&w->put, n, "summary", v->summary);
    unsigned ne = v->n_evidence < VERDICT_MAX_EVIDENCE ? v->n_evidence : VERDICT_MAX_EVIDENCE;
    for (unsigned i = 0; i < ne; i++) {
        xt_ptr e = xp_text_child(&w->put, n, "evidence", v->evidence[i].text);
        xp_attr_ref(&w->put, e, "packet", "time", &v->evidence[i].ref);
    }
    xp_text_child(&w->put, n, "remedy", verdict_cause_remedy(v->cause));
    if (v->not_examined[0])
        xp_text_child(&w->put, n, "not_examined", v->not_examined);
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
    xt_ptr n = xp_child(&w->put, tcp, "stream");
    xp_attr(&w->put, n, "from", direction_name(dir));
    xp_attr_u64(&w->put, n, "packets", d->packets);
    xp_attr_u64(&w->put, n, "payload_bytes", d->payload_bytes);
    xp_attr(&w->put, n, "state", stream_state_name(d->state));
    if (d->first.packet)
        xp_attr_u64(&w->put, n, "first_packet", d->first.packet);
    if (d->last.packet)
        xp_attr_u64(&w->put, n, "last_packet", d->last.packet);
    if (d->packets > 0) {
        xp_attr_u64(&w->put, n, "ttl_first", d->ttl_first);
        xp_attr_u64(&w->put, n, "ttl_min", d->ttl_min);
        xp_attr_u64(&w->put, n, "ttl_max", d->ttl_max);
        xp_attr_u64(&w->put, n, "window_first", d->window_first);
    }
    if (d->sent_after_rst)
        xp_attr_bool(&w->put, n, "sent_after_rst", true);
    if (d->fin.packet)
        xp_attr_ref(&w->put, xp_child(&w->put, n, "fin"), "packet", "time", &d->fin);
    if (d->rst.packet)
        xp_attr_ref(&w->put, xp_child(&w->put, n, "rst"), "packet", "time", &d->rst);

    const reasm_dir *r = &d->reasm;
    xt_ptr ra = xp_child(&w->put, n, "reassembly");
    xp_attr_u64(&w->put, ra, "delivered_bytes", r->delivered_bytes);
    xp_attr_u64(&w->put, ra, "gaps", r->gaps);
    xp_attr_u64(&w->put, ra, "gap_bytes", r->gap_bytes);
    xp_attr_u64(&w->put, ra, "retransmissions", r->retransmissions);
    xp_attr_u64(&w->put, ra, "conflicts", r->conflicts);
    xp_attr_u64(&w->put, ra, "overlaps", r->overlaps);
    xp_attr_u64(&w->put, ra, "out_of_order", r->out_of_order);
    xp_attr_bool(&w->put, ra, "cap_reached", r->cap_reached);
    /* Mid-stream: data arrived but no SYN of this direction was seen. */
    xp_attr_bool(&w->put, ra, "midstream", r->started && !r->syn_seen);
}

static void xml_tcp(xml_writer *w, xt_ptr conn, const connection *c)
{
    xt_ptr n = xp_child(&w->put, conn, "tcp");
    xp_attr(&w->put, n, "handshake", c->handshake_done ? "complete" : "incomplete");
    xp_attr_bool(&w->put, n, "closed", c->closed);

    const conn_dir *cs = &c->dir[DIR_C2S], *sc = &c->dir[DIR_S2C];
    if (cs->syn.packet) {
        xt_ptr s = xp_child(&w->put, n, "syn");
        xp_attr_ref(&w->put, s, "packet", "time", &cs->syn);
        xp_attr_u64(&w->put, s, "count", cs->syn_count);
    }
    if (sc->syn.packet) {
        xt_ptr s = xp_child(&w->put, n, "syn_ack");
        xp_attr_ref(&w->put, s, "packet", "time", &sc->syn);
        xp_attr_u64(&w->put, s, "count", sc->syn_count);
    }
    const tl_event *ack = timeline_first(&c->tl, EV_HANDSHAKE_DONE, DIR_NONE);
    if (ack && ack->ref.packet)
        xp_attr_ref(&w->put, xp_child(&w->put, n, "ack"), "packet", "time", &ack->ref);

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
        xt_ptr cl = xp_child(&w->put, n, "close");
        xp_attr(&w->put, cl, "by", direction_name(best_dir));
        xp_attr(&w->put, cl, "how", best_rst ? "rst" : "fin");
        xp_attr_ref(&w->put, cl, "packet", "time", best);
    }

    if (c->icmp.packet) {
        xt_ptr ic = xp_child(&w->put, n, "icmp");
        tl_event e = { .type = EV_ICMP_UNREACH, .dir = DIR_NONE, .ref = c->icmp,
                       .a = c->icmp_type, .b = c->icmp_code };
        char text[160], from[64];
        timeline_describe(&e, text, sizeof text);
        text_addr(&c->icmp_from, from, sizeof from);
        xp_attr_ref(&w->put, ic, "packet", "time", &c->icmp);
        xp_attr_u64(&w->put, ic, "type", c->icmp_type);
        xp_attr_u64(&w->put, ic, "code", c->icmp_code);
        xp_attr(&w->put, ic, "from", from);
        if (ic && !xt_set_text(ic, text))   /* literal text, escaped on output */
            w->put.failed = true;
    }
}

static void xml_problem(xml_writer *w, xt_ptr parent, const x224_pdu *p)
{
    if (!p->problems)
        return;
    xp_attrf(&w->put, parent, "problems", "0x%08" PRIx32, p->problems);
    if (p->problem[0])
        xp_text_child(&w->put, parent, "problem", p->problem);
}

static void xml_x224(xml_writer *w, xt_ptr conn, const connection *c)
{
    if (!c->has_cr && !c->has_cc && !c->has_dr && !c->x224_malformed && !c->not_rdp)
        return;
    xt_ptr n = xp_child(&w->put, conn, "x224");
    char buf[96];

    if (c->has_cr) {
        const x224_pdu *cr = &c->cr;
        xt_ptr r = xp_child(&w->put, n, "request");
        xp_attr_ref(&w->put, r, "packet", "time", &c->cr_ref);
        xp_attr(&w->put, r, "tpdu", x224_tpdu_name(cr->tpdu));
        xp_attr_bool(&w->put, r, "negotiation", cr->has_neg_req);
        if (cr->has_neg_req) {
            xp_attrf(&w->put, r, "requested_protocols", "0x%08" PRIx32, cr->requested_protocols);
            x224_protocols_str(cr->requested_protocols, buf, sizeof buf);
            xp_attr(&w->put, r, "protocols", buf);
            xp_attrf(&w->put, r, "flags", "0x%02x", (unsigned)cr->neg_req_flags);
        }
        if (cr->has_correlation_info) {
            char hex[33];
            for (int i = 0; i < 16; i++)
                text_fmt(hex + 2 * i, 3, "%02x", cr->correlation_id[i]);
            xp_attr(&w->put, r, "correlation_id", hex);
        }
        if (cr->has_cookie) {
            xt_ptr k = xp_text_child(&w->put, r, "cookie", cr->cookie);
            xp_attr_u64(&w->put, k, "length", cr->cookie_len);
        }
        if (cr->has_routing_token) {
            xt_ptr k = xp_text_child(&w->put, r, "routing_token", cr->routing_token);
            xp_attr_u64(&w->put, k, "length", cr->routing_token_len);
        }
        xml_problem(w, r, cr);
    }

    if (c->has_cc) {
        const x224_pdu *cc = &c->cc;
        xt_ptr r = xp_child(&w->put, n, "confirm");
        xp_attr_ref(&w->put, r, "packet", "time", &c->cc_ref);
        xp_attr(&w->put, r, "tpdu", x224_tpdu_name(cc->tpdu));
        if (cc->has_neg_failure) {
            xp_attr(&w->put, r, "result", "failure");
            xp_attr_u64(&w->put, r, "failure_code", cc->failure_code);
            xp_attr(&w->put, r, "failure", x224_failure_code_name(cc->failure_code));
            xp_attr(&w->put, r, "failure_text", x224_failure_code_text(cc->failure_code));
        } else if (cc->has_neg_rsp) {
            xp_attr(&w->put, r, "result", "selected");
            xp_attrf(&w->put, r, "selected_protocol", "0x%08" PRIx32, cc->selected_protocol);
            x224_protocols_str(cc->selected_protocol, buf, sizeof buf);
            xp_attr(&w->put, r, "protocol", buf);
            xp_attrf(&w->put, r, "flags", "0x%02x", (unsigned)cc->neg_rsp_flags);
        } else {
            /* No RDP_NEG_RSP: a server from before the negotiation existed,
             * which speaks Standard RDP Security (MS-RDPBCGR 2.2.1.2). */
            xp_attr(&w->put, r, "result", "legacy");
            xp_attr_bool(&w->put, r, "legacy", true);
        }
        xml_problem(w, r, cc);
    }

    if (c->has_dr) {
        xt_ptr r = xp_child(&w->put, n, "disconnect");
        xp_attr_ref(&w->put, r, "packet", "time", &c->dr_ref);
        const tl_event *e = timeline_first(&c->tl, EV_X224_DR, DIR_NONE);
        if (e)
            xp_attr_u64(&w->put, r, "reason", e->a);
    }

    if (c->x224_malformed) {
        xt_ptr r = xp_text_child(&w->put, n, "problem", c->malformed_text);
        xp_attr_ref(&w->put, r, "packet", "time", &c->malformed_ref);
        xp_attr(&w->put, r, "from", direction_name(c->malformed_dir));
    }

    if (c->not_rdp) {
        xt_ptr r = xp_text_child(&w->put, n, "not_rdp", c->not_rdp_text);
        xp_attr_ref(&w->put, r, "packet", "time", &c->not_rdp_ref);
        xp_attr(&w->put, r, "from", direction_name(c->not_rdp_dir));
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
    xt_ptr n = xp_child(&w->put, conn, "after_negotiation");
    xp_attr(&w->put, n, "layer", layer);
    if (start)
        xp_attr_ref(&w->put, n, "packet", "time", &start->ref);
    xp_attr_u64(&w->put, n, "client_pdus", cs->secure_pdus);
    xp_attr_u64(&w->put, n, "server_pdus", sc->secure_pdus);
    xp_attr_u64(&w->put, n, "client_bytes", cs->secure_bytes);
    xp_attr_u64(&w->put, n, "server_bytes", sc->secure_bytes);
    if (cs->gap_seen)
        xp_attr_bool(&w->put, n, "client_gap", true);
    if (sc->gap_seen)
        xp_attr_bool(&w->put, n, "server_gap", true);
    if (cs->resync_failed)
        xp_attr_bool(&w->put, n, "client_resync_failed", true);
    if (sc->resync_failed)
        xp_attr_bool(&w->put, n, "server_resync_failed", true);
}

static void xml_timeline(xml_writer *w, xt_ptr conn, const timeline *t)
{
    xt_ptr n = xp_child(&w->put, conn, "timeline");
    xp_attr_u64(&w->put, n, "events", t->n);
    xp_attr_u64(&w->put, n, "dropped", t->dropped);
    for (uint32_t i = 0; i < t->n; i++) {
        const tl_event *e = &t->ev[i];
        char text[256];
        timeline_describe(e, text, sizeof text);
        xt_ptr ev = xp_text_child(&w->put, n, "event", text);
        xp_attr(&w->put, ev, "type", event_type_name((event_type)e->type));
        xp_attr(&w->put, ev, "dir", direction_name((direction)e->dir));
        xp_attr_ref(&w->put, ev, "packet", "time", &e->ref);
        xp_attr_u64(&w->put, ev, "a", e->a);
        xp_attr_u64(&w->put, ev, "b", e->b);
    }
}

static xt_ptr xml_connection(xml_writer *w, const analysis *a,
                                 const connection *c)
{
    char ep[64];
    xt_ptr n = xt_new_node(w->doc, "connection");
    if (!n)
        w->put.failed = true;
    xp_attr_u64(&w->put, n, "id", c->id);
    text_endpoint(&c->client, c->client_port, ep, sizeof ep);
    xp_attr(&w->put, n, "client", ep);
    text_endpoint(&c->server, c->server_port, ep, sizeof ep);
    xp_attr(&w->put, n, "server", ep);
    xp_attr_time(&w->put, n, "start", c->start.ts);
    xp_attr_time(&w->put, n, "end", c->end.ts);
    /* Packet numbers count per capture file: say which one when it is not
     * obvious. Counted from 1, like the <capture> elements' positions. */
    if (a->n_inputs > 1)
        xp_attr_u64(&w->put, n, "capture", (uint64_t)c->capture_index + 1);
    xp_attr_u64(&w->put, n, "first_packet", c->start.packet);
    xp_attr_u64(&w->put, n, "last_packet", c->end.packet);
    xp_attr(&w->put, n, "client_identified_by", c->client_by_syn ? "syn" : "ports");
    if (c->retry_of)
        xp_attr_u64(&w->put, n, "retry_of", c->retry_of);

    xml_verdict(w, n, &c->v);
    xml_tcp(w, n, c);
    xml_x224(w, n, c);
    xml_after_negotiation(w, n, c);
    if (!xml_tls(n, c)) /* <tls>: the TLS handshake (xml_tls.c) */
        w->put.failed = true;
    if (!xml_decrypt(n, c)) /* <decryption>: what TLS secrets revealed (xml_decrypt.c) */
        w->put.failed = true;
    if (!xml_rdp(n, c)) /* <mcs>: Standard RDP Security in the clear (xml_rdp.c) */
        w->put.failed = true;
    if (!xml_reset_analysis(n, c)) /* <reset_analysis>: who sent each RST (xml_reset.c) */
        w->put.failed = true;
    xml_timeline(w, n, &c->tl);
    return n;
}

/* Serializes one finished top-level element and forgets the tree. */
static void xml_emit(xml_writer *w, xt_buf *out, atomic_file *f, xt_ptr n)
{
    if (!n)
        return;
    out->len = 0;
    if (!w->put.failed && xt_serialize(n, out)) {
        atomic_write(f, out->data, out->len);
        atomic_write(f, "\n", 1);
    } else {
        w->put.failed = true;
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
    p->w.put.failed = false;
    p->buf.len = 0;
    xt_ptr n = xml_connection(&p->w, a, c);
    bool ok = n && !p->w.put.failed && xt_serialize(n, &p->buf);
    xt_doc_reset(p->w.doc);
    if (!ok)
        return NULL;
    if (!xt_buf_append(&p->buf, "\n", 1))
        return NULL;
    const char *text = p->buf.data;
    *len = p->buf.len;
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
    int hl = text_fmt(head, sizeof head,
                      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<rdptriage version=\"1\" connections=\"%" PRIu64 "\" failures=\"%" PRIu64 "\"",
                      t->connections, t->failures);
    if (a->connection_cap_reached)
        hl += text_fmt(head + hl, sizeof head - (size_t)hl,
                       " connection_cap_reached=\"true\" connections_not_tracked=\"%" PRIu64 "\"",
                       a->connections_not_tracked);
    if (a->messages_dropped)
        hl += text_fmt(head + hl, sizeof head - (size_t)hl, " messages_dropped=\"%u\"",
                       a->messages_dropped);
    text_fmt(head + hl, sizeof head - (size_t)hl, ">\n");
    atomic_write(f, head, strlen(head));

    xml_writer w = { .put = { false }, .doc = xt_doc_new() };
    xt_buf out = { NULL, 0, 0, false };
    if (!w.doc) {
        w.put.failed = true;
    } else {
        unsigned ni = a->n_inputs < ANALYSIS_MAX_INPUTS ? a->n_inputs : ANALYSIS_MAX_INPUTS;
        for (unsigned i = 0; i < ni && !w.put.failed; i++)
            xml_emit(&w, &out, f, xml_capture(&w, &a->inputs[i]));

        unsigned nm = a->n_messages < ANALYSIS_MAX_MESSAGES ? a->n_messages : ANALYSIS_MAX_MESSAGES;
        for (unsigned i = 0; i < nm && !w.put.failed; i++) {
            char clean[XML_CLEAN_MAX];
            atomic_text_clean(a->messages[i].text, clean, sizeof clean);
            xt_ptr m = xt_new_node(w.doc, "message");
            if (!m || !xt_set_text(m, clean))
                w.put.failed = true;
            xp_attr(&w.put, m, "level", a->messages[i].level == MSG_ERROR ? "error" : "warning");
            xml_emit(&w, &out, f, m);
        }
    }
    xt_doc_free(w.doc);
    xt_buf_free(&out);
    if (!w.put.failed && !connections(ctx, f))
        w.put.failed = true;
    atomic_write(f, "</rdptriage>\n", 13);
    return !w.put.failed;
}

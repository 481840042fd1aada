/* connection.c - packets of one TCP connection turned into facts: TCP
 * signalling, reassembled byte streams, and the RDP layers found in them,
 * all recorded in the connection's timeline (see connection.h).
 *
 * Per direction the bytes go through a small framer:
 *   STREAM_X224   whole TPKT PDUs are collected and parsed (X.224 CR/CC/DR/DT);
 *   STREAM_TLS    TLS record headers are read, the bodies skipped and counted;
 *   STREAM_RDP    TPKT and fast-path PDU headers are read and counted;
 *   STREAM_OPAQUE nothing more is parsed.
 * A direction leaves STREAM_X224 when the server's Connection Confirm says
 * which security protocol follows (MS-RDPBCGR 1.3.1.1), or when its bytes are
 * already TLS records (the negotiation was not captured).
 */
#include "connection.h"
#include "textfmt.h"
#include "decrypt_glue.h"

#include "layers.h"
#include "recycle.h"
#include "tls_facts.h"
#include "tpkt.h"
#include "wirestr.h"

#include <stdlib.h>
#include <string.h>

static void stream_bytes(connection *c, direction d, const uint8_t *bytes, size_t len,
                         uint64_t offset, const pkt_ref *ref);

static void sink_data(void *ctx, const uint8_t *bytes, size_t len, uint64_t offset,
                      const pkt_ref *ref)
{
    struct conn_sink_ctx *s = ctx;
    stream_bytes(s->c, s->dir, bytes, len, offset, ref);
}

static uint32_t sat32(uint64_t v) { return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v; }

static void sink_event(void *ctx, reasm_event ev, uint64_t offset, uint64_t length,
                       const pkt_ref *ref)
{
    struct conn_sink_ctx *s = ctx;
    connection *c = s->c;
    conn_dir *d = &c->dir[s->dir];
    switch (ev) {
    case REASM_EV_MIDSTREAM:
        timeline_add(&c->tl, EV_MIDSTREAM, s->dir, ref, 0, 0);
        break;
    case REASM_EV_GAP:
        d->gap_seen = true;
        timeline_add(&c->tl, EV_GAP, s->dir, ref, sat32(length), (uint32_t)offset);
        if (d->state == STREAM_TLS || d->state == STREAM_RDP) {
            /* A gap inside the body of the record being skipped costs
             * nothing; anywhere else the framing must be found again. */
            if (d->hdr_len == 0 && d->skip >= length)
                d->skip -= length;
            else
                d->resyncing = true;
        }
        break;
    case REASM_EV_CONFLICT:
        timeline_add(&c->tl, EV_CONFLICT, s->dir, ref, sat32(length), (uint32_t)offset);
        break;
    case REASM_EV_CAP_REACHED:
        timeline_add(&c->tl, EV_REASM_CAP, s->dir, ref, 0, 0);
        break;
    default:
        break; /* counted by the reassembler itself */
    }
}

static void pdu_release(conn_dir *d)
{
    if (d->pdu != d->pdu_inline)
        free(d->pdu);
    d->pdu = NULL;
    d->pdu_cap = 0;
}

connection *connection_new(uint32_t id, uint32_t capture_index, const decoded_packet *first,
                           bool first_is_client, size_t max_buffered)
{
    connection *c = recycle_get(RECYCLE_CONNECTION, sizeof *c);
    if (!c)
        return NULL;
    c->id = id;
    c->capture_index = capture_index;
    if (first_is_client) {
        c->client = first->src;
        c->server = first->dst;
        c->client_port = first->tcp.sport;
        c->server_port = first->tcp.dport;
    } else {
        c->client = first->dst;
        c->server = first->src;
        c->client_port = first->tcp.dport;
        c->server_port = first->tcp.sport;
    }
    c->client_by_syn = (first->tcp.flags & (TCP_SYN | TCP_ACK)) == TCP_SYN;
    timeline_init(&c->tl);
    for (int d = 0; d < 2; d++) {
        c->sink_ctx[d].c = c;
        c->sink_ctx[d].dir = (direction)d;
        reasm_sink sink = { sink_data, sink_event, &c->sink_ctx[d] };
        reasm_init(&c->dir[d].reasm, &sink, max_buffered);
        c->dir[d].state = STREAM_X224;
    }
    return c;
}

void connection_free(connection *c)
{
    if (!c)
        return;
    for (int d = 0; d < 2; d++) {
        reasm_free(&c->dir[d].reasm);
        pdu_release(&c->dir[d]);
    }
    tls_facts_free(c->tls);
    decrypt_glue_free(c);
    timeline_free(&c->tl);
    recycle_put(RECYCLE_CONNECTION, c);
}

/* ---- helpers shared by the layers after the negotiation (layers.h) ------ */

void conn_maybe_stop_payload(connection *c)
{
    conn_dir *a = &c->dir[DIR_C2S], *b = &c->dir[DIR_S2C];
    /* Decrypting: follow longer, to read the Set Error Info that ends a session. */
    uint64_t cap = decrypt_glue_following(c) ? CONN_FOLLOW_DECRYPTED_PDUS : CONN_FOLLOW_PDUS;
    bool a_done = a->state == STREAM_OPAQUE || a->secure_pdus >= cap;
    bool b_done = b->state == STREAM_OPAQUE || b->secure_pdus >= cap;
    if (a_done && b_done) {
        for (int d = 0; d < 2; d++) {
            if (!c->dir[d].payload_stopped) {
                reasm_stop_payload(&c->dir[d].reasm);
                c->dir[d].payload_stopped = true;
            }
        }
    }
}

void conn_layer_malformed(connection *c, direction dir, layer_id layer, const pkt_ref *ref,
                          const char *problem)
{
    conn_dir *d = &c->dir[dir];
    d->state = STREAM_OPAQUE;
    if (d->gap_seen) {
        d->resync_failed = true; /* lost bytes, not bad bytes */
        return;
    }
    timeline_add(&c->tl, EV_MALFORMED, dir, ref, layer, 0);
    if (!c->x224_malformed && !c->malformed_text[0]) {
        text_fmt(c->malformed_text, sizeof c->malformed_text, "%s", problem ? problem : "bad framing");
        c->malformed_ref = *ref;
        c->malformed_dir = dir;
    }
}

/* A record/PDU header plausible enough to restart framing at after a gap:
 * TLS records (content type, version 3.x, length) or TPKT (version 3, 0). */
static bool plausible_header(stream_state st, const uint8_t *p, size_t avail, uint32_t *total)
{
    frame_info fi = rdp_frame_probe(p, avail, 0);
    if (st == STREAM_TLS ? fi.kind != FRAME_TLS : fi.kind != FRAME_TPKT)
        return false;
    if (st == STREAM_RDP && avail >= 2 && p[1] != 0)
        return false;
    *total = fi.length;
    return true;
}

size_t conn_find_resync(stream_state st, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i + 5 <= len; i++) {
        uint32_t total, next_total;
        if (!plausible_header(st, p + i, len - i, &total))
            continue;
        if (i + total >= len)
            return i;
        if (len - (i + total) >= 5 && plausible_header(st, p + i + total, len - i - total, &next_total))
            return i;
    }
    return len;
}

/* ---- the negotiation: TPKT + X.224 ------------------------------------- */

static stream_state state_after_confirm(const x224_pdu *cc)
{
    if (cc->has_neg_failure)
        return STREAM_OPAQUE;
    if (!cc->has_neg_rsp || cc->selected_protocol == PROTOCOL_RDP)
        return STREAM_RDP;
    /* SSL, HYBRID, HYBRID_EX, RDSTLS and RDSAAD all start with a TLS
     * handshake (MS-RDPBCGR 5.4.5). */
    return STREAM_TLS;
}

static void switch_state(connection *c, direction dir, stream_state st, const pkt_ref *ref)
{
    conn_dir *d = &c->dir[dir];
    if (d->state != STREAM_X224)
        return;
    d->state = st;
    if (st == STREAM_TLS || st == STREAM_RDP)
        timeline_add(&c->tl, EV_SECURE_START, dir, ref, st == STREAM_TLS ? LAYER_TLS : LAYER_RDP,
                     0);
}

static void record_malformed_x224(connection *c, direction dir, const pkt_ref *ref,
                                  const char *problem, uint32_t bits)
{
    timeline_add(&c->tl, EV_MALFORMED, dir, ref, LAYER_X224, bits);
    if (!c->x224_malformed) {
        c->x224_malformed = true;
        text_fmt(c->malformed_text, sizeof c->malformed_text, "%s", problem);
        c->malformed_ref = *ref;
        c->malformed_dir = dir;
    }
}

static void handle_x224(connection *c, direction dir, const uint8_t *pdu, uint32_t len,
                        const pkt_ref *ref)
{
    x224_pdu x;
    if (x224_parse(pdu + TPKT_HEADER_LEN, len - TPKT_HEADER_LEN, &x) != X224_OK) {
        record_malformed_x224(c, dir, ref, x.problem, x.problems);
        c->dir[dir].state = STREAM_OPAQUE;
        return;
    }
    if (x.problems)
        record_malformed_x224(c, dir, ref, x.problem, x.problems);

    switch (x.tpdu) {
    case X224_TPDU_CR:
        if (dir == DIR_C2S && !c->has_cr) {
            c->has_cr = true;
            c->cr = x;
            c->cr_ref = *ref;
        }
        timeline_add(&c->tl, EV_X224_CR, dir, ref, x.requested_protocols, x.has_neg_req);
        break;
    case X224_TPDU_CC:
        timeline_add(&c->tl, EV_X224_CC, dir, ref, x.selected_protocol,
                     (x.has_neg_rsp ? 1u : 0u) | (x.has_neg_failure ? 2u : 0u));
        if (x.has_neg_failure)
            timeline_add(&c->tl, EV_NEG_FAILURE, dir, ref, x.failure_code, 0);
        if (dir == DIR_S2C && !c->has_cc) {
            c->has_cc = true;
            c->cc = x;
            c->cc_ref = *ref;
            stream_state st = state_after_confirm(&x);
            switch_state(c, DIR_S2C, st, ref);
            switch_state(c, DIR_C2S, st, ref);
        }
        break;
    case X224_TPDU_DR:
        if (!c->has_dr) {
            c->has_dr = true;
            c->dr_ref = *ref;
        }
        timeline_add(&c->tl, EV_X224_DR, dir, ref, x.dr_reason, 0);
        break;
    case X224_TPDU_DT:
        /* MCS before any Connection Confirm: a legacy or capture-cut stream;
         * from here on this direction is Standard RDP Security framing. */
        timeline_add(&c->tl, EV_X224_DATA, dir, ref, len, 0);
        c->dir[dir].state = STREAM_RDP;
        c->dir[dir].secure_pdus++;
        c->dir[dir].secure_bytes += len;
        break;
    default:
        break;
    }
}

/* The first bytes of a direction are not TPKT: another protocol, or lost sync. */
static void not_tpkt(connection *c, direction dir, const uint8_t *p, size_t avail,
                     const pkt_ref *ref, const char *problem)
{
    conn_dir *d = &c->dir[dir];
    d->state = STREAM_OPAQUE;
    if (d->gap_seen || timeline_first(&c->tl, EV_MIDSTREAM, dir)) {
        d->resync_failed = true;
        return;
    }
    if (!c->not_rdp) {
        c->not_rdp = true;
        c->not_rdp_dir = dir;
        c->not_rdp_ref = *ref;
        wire_printable(p, avail < 24 ? avail : 24, c->not_rdp_text, sizeof c->not_rdp_text);
    }
    timeline_add(&c->tl, EV_NOT_RDP, dir, ref, 0, 0);
    (void)problem;
}

/* Makes room for a PDU of `need` bytes (at most CONN_PDU_MAX). The buffer
 * grows with the PDUs actually seen: most connections only ever carry the
 * small X.224 PDUs (CONN_PDU_INLINE, inside the connection), and thousands
 * may be open at once (issue 9). */
bool connection_pdu_reserve(conn_dir *d, uint32_t need)
{
    if (need > CONN_PDU_MAX)
        need = CONN_PDU_MAX;
    if (d->pdu && d->pdu_cap >= need)
        return true;
    if (!d->pdu && need <= CONN_PDU_INLINE) {
        d->pdu = d->pdu_inline;
        d->pdu_cap = CONN_PDU_INLINE;
        return true;
    }
    uint32_t cap = d->pdu_cap ? d->pdu_cap : CONN_PDU_INLINE;
    while (cap < need)
        cap *= 2;
    if (cap > CONN_PDU_MAX)
        cap = CONN_PDU_MAX;
    bool inl = d->pdu == d->pdu_inline;
    uint8_t *b = realloc(inl ? NULL : d->pdu, cap);
    if (!b)
        return false;
    if (inl)
        memcpy(b, d->pdu_inline, CONN_PDU_INLINE);
    d->pdu = b;
    d->pdu_cap = cap;
    return true;
}

/* Collects whole TPKT PDUs in STREAM_X224 and hands them on. */
static size_t x224_bytes(connection *c, direction dir, const uint8_t *p, size_t len,
                         const pkt_ref *ref)
{
    conn_dir *d = &c->dir[dir];
    size_t used = 0;
    while (used < len && d->state == STREAM_X224) {
        if (d->pdu_len == 0)
            d->pdu_first = *ref;
        /* Fill the header first, then up to the PDU's length. */
        uint32_t target = d->pdu_need ? d->pdu_need : 5;
        if (!connection_pdu_reserve(d, target))
            return len; /* out of memory: drop the bytes */
        size_t n = target > d->pdu_len ? target - d->pdu_len : 0;
        if (n > len - used)
            n = len - used;
        memcpy(d->pdu + d->pdu_len, p + used, n);
        d->pdu_len += (uint32_t)n;
        used += n;
        if (!d->pdu_need) {
            frame_info fi = rdp_frame_probe(d->pdu, d->pdu_len, 0);
            if (fi.kind == FRAME_NEED_MORE)
                continue;
            if (fi.kind == FRAME_TLS) {
                /* TLS without a captured negotiation: hand the bytes on. */
                switch_state(c, dir, STREAM_TLS, &d->pdu_first);
                uint32_t have = d->pdu_len;
                d->pdu_len = 0;
                layer_tls_bytes(c, dir, d->pdu, have, &d->pdu_first);
                return used;
            }
            if (fi.kind != FRAME_TPKT || fi.length > CONN_PDU_MAX) {
                /* Show the first bytes: the collected header and what follows it. */
                uint8_t head[24];
                size_t h = d->pdu_len < sizeof head ? d->pdu_len : sizeof head;
                memcpy(head, d->pdu, h);
                size_t more = len - used < sizeof head - h ? len - used : sizeof head - h;
                memcpy(head + h, p + used, more);
                not_tpkt(c, dir, head, h + more, &d->pdu_first,
                         fi.kind == FRAME_INVALID ? fi.problem : "unexpected framing");
                d->pdu_len = 0;
                return len;
            }
            d->pdu_need = fi.length;
            if (d->pdu_len < d->pdu_need)
                continue;
        }
        if (d->pdu_len >= d->pdu_need) {
            uint32_t plen = d->pdu_need;
            d->pdu_len = 0;
            d->pdu_need = 0;
            handle_x224(c, dir, d->pdu, plen, ref);
        }
    }
    return used;
}

static void stream_bytes(connection *c, direction dir, const uint8_t *bytes, size_t len,
                         uint64_t offset, const pkt_ref *ref)
{
    conn_dir *d = &c->dir[dir];
    (void)offset;
    if (d->state == STREAM_X224) {
        size_t used = x224_bytes(c, dir, bytes, len, ref);
        bytes += used;
        len -= used;
    }
    if (len > 0 && d->state == STREAM_TLS)
        layer_tls_bytes(c, dir, bytes, len, ref);
    else if (len > 0 && d->state == STREAM_RDP)
        layer_rdp_bytes(c, dir, bytes, len, ref);
}

/* ---- TCP ----------------------------------------------------------------- */

static void note_fingerprint(conn_dir *d, const decoded_packet *p)
{
    if (d->packets == 1) {
        d->ttl_first = d->ttl_min = d->ttl_max = p->ttl;
        d->window_first = p->tcp.window;
    } else {
        if (p->ttl < d->ttl_min)
            d->ttl_min = p->ttl;
        if (p->ttl > d->ttl_max)
            d->ttl_max = p->ttl;
    }
}

void connection_packet(connection *c, direction dir, const decoded_packet *p, const pkt_ref *ref)
{
    conn_dir *d = &c->dir[dir];
    conn_dir *other = &c->dir[dir ^ 1];
    uint8_t fl = p->tcp.flags;

    if (c->start.packet == 0)
        c->start = *ref;
    c->end = *ref;
    d->packets++;
    if (d->first.packet == 0)
        d->first = *ref;
    d->last = *ref;
    note_fingerprint(d, p);
    rst_origin_observe(&c->rst_facts, dir, p, ref);
    if (d->rst.packet && !(fl & TCP_RST) && p->tcp.payload_len > 0)
        d->sent_after_rst = true;

    if (fl & TCP_SYN) {
        bool retrans = d->syn_count > 0;
        d->syn_count++;
        if (!d->syn.packet)
            d->syn = *ref;
        if (fl & TCP_ACK)
            timeline_add(&c->tl, EV_SYN_ACK, dir, ref, retrans, 0);
        else
            timeline_add(&c->tl, EV_SYN, dir, ref, retrans, 0);
        reasm_syn(&d->reasm, p->tcp.seq, ref);
    } else if (dir == DIR_C2S && (fl & TCP_ACK) && !c->handshake_done &&
               c->dir[DIR_S2C].syn.packet && !(fl & TCP_RST)) {
        c->handshake_done = true;
        timeline_add(&c->tl, EV_HANDSHAKE_DONE, dir, ref, 0, 0);
    }

    if (fl & TCP_ACK) {
        reasm_peer_window(&other->reasm, p->tcp.window);
        /* An ACK that accompanies a RST may be a guess by a middlebox: it
         * is no proof that the bytes were received. */
        if (!(fl & TCP_RST))
            reasm_peer_ack(&other->reasm, p->tcp.ack, ref);
    }

    if (p->tcp.payload_caplen < p->tcp.payload_len)
        timeline_add(&c->tl, EV_SNAPLEN_CUT, dir, ref, p->tcp.payload_caplen,
                     p->tcp.payload_len);

    if (!(fl & TCP_RST) && (p->tcp.payload_len > 0 || (fl & TCP_FIN))) {
        if (p->tcp.payload_len > 0) {
            d->payload_bytes += p->tcp.payload_len;
            if (d->first_data.packet == 0) {
                d->first_data = *ref;
                timeline_add(&c->tl, EV_DATA_FIRST, dir, ref, p->tcp.payload_len, 0);
            }
            d->last_data = *ref;
        }
        /* Data on a SYN starts after the SYN's sequence number. */
        uint32_t seq = p->tcp.seq + ((fl & TCP_SYN) ? 1u : 0u);
        reasm_segment(&d->reasm, seq, p->tcp.payload, p->tcp.payload_caplen,
                      p->tcp.payload_len, (fl & TCP_FIN) != 0, ref);
    }

    if ((fl & TCP_FIN) && !d->fin.packet) {
        d->fin = *ref;
        timeline_add(&c->tl, EV_FIN, dir, ref, 0, 0);
    }
    if (fl & TCP_RST) {
        if (!d->rst.packet)
            d->rst = *ref;
        timeline_add(&c->tl, EV_RST, dir, ref, (fl & TCP_ACK) != 0, p->ttl);
        c->closed = true;
    }
    if (c->dir[0].fin.packet && c->dir[1].fin.packet)
        c->closed = true;
}

void connection_icmp(connection *c, const decoded_packet *p, const pkt_ref *ref)
{
    if (!c->icmp.packet) {
        c->icmp = *ref;
        c->icmp_type = p->icmp.type;
        c->icmp_code = p->icmp.code;
        c->icmp_from = p->src;
    }
    c->end = *ref;
    timeline_add(&c->tl, EV_ICMP_UNREACH, DIR_NONE, ref, p->icmp.type, p->icmp.code);
}

void connection_finish(connection *c, const pkt_ref *last)
{
    if (c->finished)
        return;
    c->finished = true;
    for (int d = 0; d < 2; d++) {
        reasm_flush(&c->dir[d].reasm, last);
        /* Keep the facts, release every buffer: a finished connection
         * costs only its model. */
        reasm_stop_payload(&c->dir[d].reasm);
        c->dir[d].payload_stopped = true;
        pdu_release(&c->dir[d]);
        if (c->tls)
            tls_stream_free(&c->tls->stream[d]);
    }
    decrypt_glue_finish(c); /* the decryptor's buffers; its facts stay */
}

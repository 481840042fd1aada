/* analysis.c - one run: reads inputs frame by frame, hands the frames that
 * can matter to the flow table, and diagnoses every connection at the end of
 * its input (see analysis.h). */
#include "analysis.h"

#include "decode.h"
#include "decrypt_glue.h"
#include "diagnosis.h"
#include "flows.h"
#include "retries.h"
#include "tls_facts.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Per input, messages about single packets stop after this many; the rest
 * are counted in the summary message. */
#define MAX_PACKET_MESSAGES 10

void analysis_init(analysis *a)
{
    memset(a, 0, sizeof *a);
    a->ports[0] = 3389;
    a->n_ports = 1;
    a->max_connections = ANALYSIS_DEFAULT_MAX_CONNECTIONS;
    a->max_buffered = REASM_DEFAULT_MAX_BUFFERED;
}

bool analysis_add_port(analysis *a, uint16_t port)
{
    for (unsigned i = 0; i < a->n_ports; i++)
        if (a->ports[i] == port)
            return true;
    if (a->n_ports >= ANALYSIS_MAX_PORTS)
        return false;
    a->ports[a->n_ports++] = port;
    return true;
}

void analysis_message_add(analysis *a, message_level level, const char *fmt, ...)
{
    if (a->n_messages >= ANALYSIS_MAX_MESSAGES) {
        a->messages_dropped++;
        return;
    }
    analysis_message *m = &a->messages[a->n_messages++];
    m->level = level;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(m->text, sizeof m->text, fmt, ap);
    va_end(ap);
    if (n < 0)
        m->text[0] = '\0';
}

/* Connections from one client to one server that follow a failed one within
 * this many seconds are its retries (mstsc and FreeRDP retry with other
 * security protocols after a negotiation failure). */
#define RETRY_WINDOW_US (30LL * 1000000LL)

/* Only the most recent connections are candidates, so that linking stays
 * linear on captures with very many connections. */
#define RETRY_LOOKBACK 256

static void link_retries(connection *first)
{
    connection *recent[RETRY_LOOKBACK];
    unsigned n = 0;
    for (connection *c = first; c; c = c->order_next) {
        connection *prev = NULL;
        unsigned k = n < RETRY_LOOKBACK ? n : RETRY_LOOKBACK;
        for (unsigned i = 0; i < k && !prev; i++) {
            connection *o = recent[(n - 1 - i) % RETRY_LOOKBACK];
            if (rt_addr_eq(&o->client, &c->client) && rt_addr_eq(&o->server, &c->server) &&
                o->server_port == c->server_port && verdict_is_failure(&o->v)) {
                int64_t gap = rt_time_diff_us(c->start.ts, o->end.ts);
                if (gap >= -1000000LL && gap <= RETRY_WINDOW_US)
                    prev = o;
            }
        }
        if (prev)
            c->retry_of = prev->id;
        recent[n % RETRY_LOOKBACK] = c;
        n++;
    }
}

/* A connection leaves the flow table (flows_expire): its outcome is known,
 * so it is finished (its buffers released) and diagnosed now. */
static void retire_connection(void *ctx, connection *c)
{
    analysis *a = ctx;
    connection_finish(c, &c->end);
    diagnose_connection(c);
    if (a->on_connection)
        a->on_connection(a->on_connection_ctx, c);
}

bool analysis_read(analysis *a, capture_source *src, const char *name, bool live)
{
    if (a->n_inputs >= ANALYSIS_MAX_INPUTS) {
        analysis_message_add(a, MSG_ERROR, "%s: too many inputs (at most %d)", name,
                             ANALYSIS_MAX_INPUTS);
        return false;
    }
    unsigned idx = a->n_inputs++;
    layer_tls_set_ca_file(a->ca_file); /* chain validation of TLS certificates (tls_facts.h) */
    decrypt_glue_prepare(a, name, live); /* TLS secrets: --keylog, --rsa-key, pcapng DSBs */
    analysis_input *in = &a->inputs[idx];
    memset(in, 0, sizeof *in);
    rt_fmt(in->name, sizeof in->name, "%s", name);
    in->live = live;
    in->opened = true;
    rt_fmt(in->linktype, sizeof in->linktype, "%s", capture_linktype_name(src));

    uint32_t next_id = a->n_connections + 1;
    flow_table ft;
    if (!flows_init(&ft, idx, a->ports, a->n_ports, a->max_connections, a->max_buffered,
                    &next_id)) {
        analysis_message_add(a, MSG_ERROR, "%s: out of memory", name);
        return false;
    }
    int linktype = capture_linktype(src);
    unsigned packet_messages = 0;
    uint64_t packet_problems = 0;
    capture_frame f;
    capture_result r;
    pkt_ref last = { 0, { 0, 0 } };
    rt_time last_expiry = { 0, 0 };

    while ((r = capture_next(src, &f)) == CAPTURE_FRAME) {
        in->packets++;
        in->bytes += f.wirelen;
        if (in->packets == 1)
            in->first = f.ts;
        in->last = f.ts;
        last.packet = f.number;
        last.ts = f.ts;
        /* Once per second of capture time, retire the connections that
         * are over, so that buffers are released as the file goes on. */
        if (f.ts.sec != last_expiry.sec) {
            flows_expire(&ft, f.ts, retire_connection, a);
            last_expiry = f.ts;
        }
        if (a->progress && in->packets % ANALYSIS_PROGRESS_FRAMES == 0)
            a->progress(a->progress_ctx, capture_file_offset(src), capture_file_size(src),
                        next_id - 1);
        if (!decode_may_matter(linktype, f.data, f.caplen, a->ports, a->n_ports))
            continue;
        decoded_packet p;
        const char *why = NULL;
        decode_status st = decode_packet(linktype, f.data, f.caplen, f.wirelen, &p, &why);
        if (st == DECODE_SKIP)
            continue;
        if (st != DECODE_OK) {
            /* Only frames that may be RDP get here; say which and why. */
            packet_problems++;
            if (st == DECODE_TRUNCATED)
                in->snaplen_cut++;
            else
                in->undecodable++;
            if (packet_messages++ < MAX_PACKET_MESSAGES)
                analysis_message_add(a, MSG_WARNING, "%s: packet %llu: %s", name,
                                     (unsigned long long)f.number,
                                     why ? why : "cannot be decoded");
            continue;
        }
        pkt_ref ref = { f.number, f.ts };
        if (p.kind == DECODED_TCP && p.tcp.payload_caplen < p.tcp.payload_len &&
            (flows_is_rdp_port(&ft, p.tcp.sport) || flows_is_rdp_port(&ft, p.tcp.dport)))
            in->snaplen_cut++;
        if (flows_packet(&ft, &p, &ref))
            in->relevant++;
    }
    if (r == CAPTURE_ERROR) {
        in->read_error = true;
        rt_fmt(in->error, sizeof in->error, "%s", capture_error(src));
        analysis_message_add(a, MSG_ERROR, "%s", capture_error(src));
    }
    if (packet_messages > MAX_PACKET_MESSAGES)
        analysis_message_add(a, MSG_WARNING, "%s: %llu packets on an RDP port could not be decoded "
                             "in all (the first %d are listed)", name,
                             (unsigned long long)packet_problems, MAX_PACKET_MESSAGES);
    if (live)
        capture_get_stats(src, &in->stats);
    if (ft.cap_reached) {
        a->connection_cap_reached = true;
        a->connections_not_tracked += ft.not_tracked;
        analysis_message_add(a, MSG_WARNING, "%s: the connection table is full (%u connections): "
                             "%llu packets of further connections were not analysed", name,
                             a->max_connections, (unsigned long long)ft.not_tracked);
    }

    /* Finish and diagnose every connection still in the table. */
    for (connection *c = ft.first; c; c = c->order_next) {
        if (c->finished)
            continue;
        connection_finish(c, &last);
        diagnose_connection(c);
        if (a->on_connection)
            a->on_connection(a->on_connection_ctx, c);
    }
    link_retries(ft.first);
    retries_explain(ft.first); /* the chain in words, both ends (retries.c) */
    if (ft.first) {
        if (a->last)
            a->last->order_next = ft.first;
        else
            a->first = ft.first;
        a->last = ft.last;
    }
    a->n_connections = next_id - 1;
    flows_free(&ft);
    return true;
}

uint32_t analysis_failures(const analysis *a)
{
    uint32_t n = 0;
    for (const connection *c = a->first; c; c = c->order_next)
        n += verdict_is_failure(&c->v) ? 1 : 0;
    return n;
}

void analysis_free(analysis *a)
{
    decrypt_glue_release();
    connection *c = a->first;
    while (c) {
        connection *next = c->order_next;
        connection_free(c);
        c = next;
    }
    a->first = a->last = NULL;
}

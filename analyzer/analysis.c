/* analysis.c - one run: reads inputs frame by frame, hands the frames that
 * can matter to the flow table, and diagnoses every connection at the end of
 * its input (see analysis.h). */
#include "analysis.h"

#include "decode.h"
#include "decrypt_glue.h"
#include "diagnosis.h"
#include "flows.h"
#include "packet_queue.h"
#include "recycle.h"
#include "side_thread.h"
#include "retries.h"
#include "tls_facts.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Per input, messages about single packets stop after this many; the rest
 * are counted in the summary message. */
#define MAX_PACKET_MESSAGES 10
#define EXPIRY_SLOT_NS 62500000u /* 1/16 s: how often connections that are over retire */

void analysis_init(analysis *a)
{
    memset(a, 0, sizeof *a);
    a->ports[0] = 3389;
    a->n_ports = 1;
    a->max_connections = ANALYSIS_DEFAULT_MAX_CONNECTIONS;
    a->max_buffered = REASM_DEFAULT_MAX_BUFFERED;
    a->keep_connections = true;
    a->threads = true;
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

/* Per run: where the input being read ends, for connections still open at
 * its end, and the thread the retired connections go to (or NULL). */
typedef struct {
    analysis *a;
    bool at_end;
    pkt_ref last;
    retire_stage *stage;
} retire_ctx;

/* The second half of retiring a connection: it is diagnosed, linked to the
 * attempt it retries, reported, and then kept or freed. On the side
 * thread when there is one (side_thread.h), in retirement order. */
static void retire_work(void *ctx, connection *c)
{
    analysis *a = ctx;
    diagnose_connection(c);
    char fwd[VERDICT_TEXT];
    uint32_t first = 0;
    if (a->retries_state)
        first = retries_link(a->retries_state, c, a->keep_connections && !a->on_retry_note, fwd,
                             sizeof fwd);
    if (first && fwd[0] && a->on_retry_note)
        a->on_retry_note(a->on_connection_ctx, first, fwd);
    a->n_failures += verdict_is_failure(&c->v) ? 1 : 0;
    if (a->on_connection)
        a->on_connection(a->on_connection_ctx, c);
    if (a->keep_connections) {
        c->order_next = NULL;
        if (a->last)
            a->last->order_next = c;
        else
            a->first = c;
        a->last = c;
    } else {
        connection_free(c);
    }
}

/* A connection's outcome is known (it left the flow table, or its input
 * ended): it is finished here, on the packet path (buffers released: the
 * reassembly keeps spare buffers that are not shared between threads), and
 * the rest of the work follows. */
static void retire_connection(void *ctx, connection *c)
{
    retire_ctx *rc = ctx;
    connection_finish(c, rc->at_end ? &rc->last : &c->end);
    if (rc->stage)
        retire_stage_push(rc->stage, c);
    else
        retire_work(rc->a, c);
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
    /* TLS secrets: --keylog, --rsa-key, pcapng DSBs. The DSBs are read in a
     * pass of their own over the file (libpcap skips them), which standard
     * input cannot give. */
    bool from_stdin = capture_is_stdin(src);
    decrypt_glue_prepare(a, name, !live && !from_stdin);
    if (from_stdin && capture_is_pcapng(src) && !a->keylog_file)
        analysis_message_add(a, MSG_WARNING, "%s: the TLS secrets a pcapng file may carry "
                             "(Decryption Secrets Blocks) are not read from standard input: "
                             "give the file with -r FILE, or the secrets with --keylog", name);
    analysis_input *in = &a->inputs[idx];
    memset(in, 0, sizeof *in);
    rt_fmt(in->name, sizeof in->name, "%s", name);
    in->live = live;
    in->opened = true;
    rt_fmt(in->linktype, sizeof in->linktype, "%s", capture_linktype_name(src));

    uint32_t next_id = a->n_connections + 1;
    flow_table ft;
    if (!a->retries_state)
        a->retries_state = calloc(1, sizeof *a->retries_state);
    if (!a->retries_state || !flows_init(&ft, idx, a->ports, a->n_ports, a->max_connections,
                                         a->max_buffered, &next_id)) {
        analysis_message_add(a, MSG_ERROR, "%s: out of memory", name);
        return false;
    }
    retire_ctx rctx = { a, false, { 0, { 0, 0 } }, NULL };
    ft.retire = retire_connection;
    ft.retire_ctx = &rctx;
    int linktype = capture_linktype(src);
    /* A file is read and decoded ahead, and its connections are diagnosed
     * and reported, on the side thread beside the packet path (issue 9: a
     * second core nearly halves the time); live, everything stays on this
     * thread, which waits for packets anyway. */
    packet_reader pr = { src, linktype, a->ports, a->n_ports };
    side_thread *side = a->threads && !live ? side_thread_start(&pr, retire_work, a) : NULL;
    packet_queue *queue = side_thread_queue(side);
    rctx.stage = side_thread_stage(side);
    unsigned packet_messages = 0;
    uint64_t packet_problems = 0;
    packet_item own;
    const packet_item *it = &own;
    capture_result r;
    pkt_ref last = { 0, { 0, 0 } };
    rt_time last_expiry = { 0, 0 };

    while ((r = queue ? packet_queue_next(queue, &it) : packet_read(&pr, &own)) ==
               CAPTURE_FRAME ||
           r == CAPTURE_IDLE) {
        if (r == CAPTURE_IDLE) {
            /* A quiet link: connections that are over must still be
             * reported. Live packet times are the system's clock. */
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            rt_time now = { (int64_t)ts.tv_sec, (uint32_t)ts.tv_nsec };
            if (now.sec != last_expiry.sec && rt_time_cmp(now, last_expiry) > 0) {
                flows_expire(&ft, now);
                last_expiry = now;
            }
            continue;
        }
        in->packets++;
        in->bytes += it->wirelen;
        if (in->packets == 1)
            in->first = it->ts;
        in->last = it->ts;
        last.packet = it->number;
        last.ts = it->ts;
        /* Sixteen times per second of capture time, retire the connections
         * that are over, so that buffers are released as the file goes on.
         * Not once a second: on a busy link that retired a hundred
         * connections at once, more than the retire stage queues, and the
         * packet path waited for it. */
        if (it->ts.sec != last_expiry.sec ||
            it->ts.nsec / EXPIRY_SLOT_NS != last_expiry.nsec / EXPIRY_SLOT_NS) {
            flows_expire(&ft, it->ts);
            last_expiry = it->ts;
        }
        if (a->progress && in->packets % ANALYSIS_PROGRESS_FRAMES == 0)
            a->progress(a->progress_ctx,
                        queue ? packet_queue_offset(queue) : capture_file_offset(src),
                        capture_file_size(src), next_id - 1);
        if (it->skipped)
            continue;
        decode_status st = it->status;
        const char *why = it->why;
        const decoded_packet *p = &it->p;
        if (st != DECODE_OK) {
            /* Only frames that may be RDP get here; say which and why. */
            packet_problems++;
            if (st == DECODE_TRUNCATED)
                in->snaplen_cut++;
            else
                in->undecodable++;
            if (packet_messages++ < MAX_PACKET_MESSAGES)
                analysis_message_add(a, MSG_WARNING, "%s: packet %llu: %s", name,
                                     (unsigned long long)it->number,
                                     why ? why : "cannot be decoded");
            continue;
        }
        pkt_ref ref = { it->number, it->ts };
        if (p->kind == DECODED_TCP && p->tcp.payload_caplen < p->tcp.payload_len &&
            (flows_is_rdp_port(&ft, p->tcp.sport) || flows_is_rdp_port(&ft, p->tcp.dport)))
            in->snaplen_cut++;
        if (flows_packet(&ft, p, &ref))
            in->relevant++;
    }
    side_thread_stop_reading(side); /* src is ours again */
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

    /* Every connection still in the table ends with the input, in order. */
    rctx.at_end = true;
    rctx.last = last;
    flows_retire_all(&ft);
    side_thread_finish(side);
    a->n_connections = next_id - 1;
    flows_free(&ft);
    return true;
}

uint32_t analysis_failures(const analysis *a)
{
    if (!a->keep_connections)
        return a->n_failures;
    /* Kept connections may have been decided again since (cross_capture.c). */
    uint32_t n = 0;
    for (const connection *c = a->first; c; c = c->order_next)
        n += verdict_is_failure(&c->v) ? 1 : 0;
    return n;
}

void analysis_free(analysis *a)
{
    decrypt_glue_release();
    free(a->retries_state);
    a->retries_state = NULL;
    connection *c = a->first;
    while (c) {
        connection *next = c->order_next;
        connection_free(c);
        c = next;
    }
    a->first = a->last = NULL;
    recycle_release();
}

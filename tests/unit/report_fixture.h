/* report_fixture.h - the hand-built analysis the report tests share
 * (test_report_xml.c, test_report_html.c, test_report_text.c): several
 * connections with different verdicts, an IPv6 endpoint and a hostile cookie,
 * as the model holds them. Included by each test (static functions: every
 * test is its own executable). */
#ifndef RDPT_TEST_REPORT_FIXTURE_H
#define RDPT_TEST_REPORT_FIXTURE_H

#include "report.h"

#include <stdlib.h>
#include <string.h>

/* The cookie as the model holds it after wire_printable(): markup, quotes,
 * an ampersand and an escape byte turned into the four characters \x1B. */
#define HOSTILE_COOKIE "<script>alert(1)</script>\"'&\\x1B[31m"

/* ------------------------------------------------------------ fixture */

static pkt_ref ref_at(uint64_t packet)
{
    pkt_ref r = { packet, { 1763892000 + (int64_t)(packet / 10), (uint32_t)(packet % 10) * 100000000u } };
    return r;
}

static rt_addr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    rt_addr x;
    memset(&x, 0, sizeof x);
    x.family = 4;
    x.a[0] = a;
    x.a[1] = b;
    x.a[2] = c;
    x.a[3] = d;
    return x;
}

static rt_addr v6_doc(uint8_t last)
{
    rt_addr x;
    memset(&x, 0, sizeof x);
    x.family = 6;
    x.a[0] = 0x20;
    x.a[1] = 0x01;
    x.a[2] = 0x0d;
    x.a[3] = 0xb8;
    x.a[15] = last;
    return x;
}

static connection *conn_new(analysis *a, uint32_t id, uint32_t capture, rt_addr client,
                            uint16_t cport, rt_addr server, uint64_t first, uint64_t last)
{
    connection *c = calloc(1, sizeof *c);
    assert_non_null(c);
    c->id = id;
    c->capture_index = capture;
    c->client = client;
    c->server = server;
    c->client_port = cport;
    c->server_port = 3389;
    c->client_by_syn = true;
    c->start = ref_at(first);
    c->end = ref_at(last);
    c->diagnosed = true;
    timeline_init(&c->tl);
    if (a->last)
        a->last->order_next = c;
    else
        a->first = c;
    a->last = c;
    a->n_connections++;
    return c;
}

static void ev(connection *c, event_type t, direction d, uint64_t packet, uint32_t x, uint32_t y)
{
    pkt_ref r = ref_at(packet);
    assert_non_null(timeline_add(&c->tl, t, d, &r, x, y));
}

static void set_verdict(connection *c, verdict_phase p, verdict_cause cause, verdict_confidence conf,
                        const char *detail, const char *summary)
{
    c->v.phase = p;
    c->v.cause = cause;
    c->v.confidence = conf;
    c->v.rule = "test_rule";
    snprintf(c->v.detail, sizeof c->v.detail, "%s", detail);
    snprintf(c->v.summary, sizeof c->v.summary, "%s", summary);
}

static void tcp_open(connection *c, uint64_t syn)
{
    c->dir[DIR_C2S].syn = ref_at(syn);
    c->dir[DIR_C2S].syn_count = 1;
    c->dir[DIR_S2C].syn = ref_at(syn + 1);
    c->dir[DIR_S2C].syn_count = 1;
    c->handshake_done = true;
    ev(c, EV_SYN, DIR_C2S, syn, 0, 0);
    ev(c, EV_SYN_ACK, DIR_S2C, syn + 1, 0, 0);
    ev(c, EV_HANDSHAKE_DONE, DIR_C2S, syn + 2, 0, 0);
    for (int i = 0; i < 2; i++) {
        c->dir[i].packets = 3;
        c->dir[i].ttl_first = c->dir[i].ttl_min = c->dir[i].ttl_max = i ? 128 : 64;
        c->dir[i].window_first = 64240;
        c->dir[i].first = ref_at(syn + (uint64_t)i);
        c->dir[i].last = ref_at(syn + 5);
        c->dir[i].reasm.started = true;
        c->dir[i].reasm.syn_seen = true;
    }
}

static void build_model(analysis *a)
{
    memset(a, 0, sizeof *a);
    a->n_inputs = 2;
    snprintf(a->inputs[0].name, sizeof a->inputs[0].name, "customer & <site>.pcapng");
    snprintf(a->inputs[0].linktype, sizeof a->inputs[0].linktype, "EN10MB");
    a->inputs[0].packets = 60;
    a->inputs[0].bytes = 12345;
    a->inputs[0].relevant = 50;
    a->inputs[0].first = ref_at(1).ts;
    a->inputs[0].last = ref_at(60).ts;
    a->inputs[0].opened = true;
    /* A name that is not clean: a control byte and a byte that is not UTF-8. */
    snprintf(a->inputs[1].name, sizeof a->inputs[1].name, "bad\x01name\xff.pcap");
    a->inputs[1].packets = 17;
    a->inputs[1].bytes = 2000;
    a->inputs[1].first = ref_at(1).ts;
    a->inputs[1].last = ref_at(17).ts;
    a->inputs[1].opened = true;
    a->inputs[1].read_error = true;
    a->inputs[1].snaplen_cut = 2;
    snprintf(a->inputs[1].error, sizeof a->inputs[1].error,
             "bad.pcap: packet 18 could not be read: truncated record");
    a->inputs[1].stats.valid = true;
    a->inputs[1].stats.received = 100;
    a->inputs[1].stats.dropped = 3;
    a->n_messages = 1;
    a->messages[0].level = MSG_WARNING;
    snprintf(a->messages[0].text, sizeof a->messages[0].text, "bad.pcap: truncated & <stopped>");

    /* 1: success over TLS, hostile cookie. */
    connection *c = conn_new(a, 1, 0, v4(10, 0, 0, 5), 50123, v4(10, 0, 0, 9), 1, 20);
    tcp_open(c, 1);
    c->has_cr = c->has_cc = true;
    c->cr_ref = ref_at(4);
    c->cc_ref = ref_at(5);
    c->cr.tpdu = X224_TPDU_CR;
    c->cr.has_cookie = true;
    snprintf(c->cr.cookie, sizeof c->cr.cookie, "%s", HOSTILE_COOKIE);
    c->cr.cookie_len = 32;
    c->cr.has_neg_req = true;
    c->cr.requested_protocols = PROTOCOL_SSL | PROTOCOL_HYBRID | PROTOCOL_HYBRID_EX;
    c->cr.has_correlation_info = true;
    for (int i = 0; i < 16; i++)
        c->cr.correlation_id[i] = (uint8_t)(0xA0 + i);
    c->cc.tpdu = X224_TPDU_CC;
    c->cc.has_neg_rsp = true;
    c->cc.selected_protocol = PROTOCOL_HYBRID;
    c->cc.neg_rsp_flags = 0x1f;
    ev(c, EV_X224_CR, DIR_C2S, 4, c->cr.requested_protocols, 1);
    ev(c, EV_X224_CC, DIR_S2C, 5, PROTOCOL_HYBRID, 1);
    ev(c, EV_SECURE_START, DIR_NONE, 6, LAYER_TLS, 0);
    for (uint64_t p = 6; p < 20; p++)
        ev(c, EV_TLS_RECORD, p % 2 ? DIR_S2C : DIR_C2S, p, 100 + (uint32_t)p, 23);
    c->dir[0].state = c->dir[1].state = STREAM_TLS;
    c->dir[0].secure_pdus = 7;
    c->dir[1].secure_pdus = 7;
    c->dir[0].secure_bytes = 900;
    c->dir[1].secure_bytes = 4000;
    set_verdict(c, PHASE_NONE, CAUSE_SUCCESS, CONF_HIGH, "",
                "The connection reached the session; the client sent the cookie " HOSTILE_COOKIE ".");

    /* 2: IPv6, the server requires NLA. */
    c = conn_new(a, 2, 0, v6_doc(5), 50200, v6_doc(9), 21, 27);
    tcp_open(c, 21);
    c->has_cr = c->has_cc = true;
    c->cr_ref = ref_at(24);
    c->cc_ref = ref_at(25);
    c->cr.tpdu = X224_TPDU_CR;
    c->cr.has_neg_req = true;
    c->cr.requested_protocols = PROTOCOL_SSL;
    c->cr.has_routing_token = true;
    snprintf(c->cr.routing_token, sizeof c->cr.routing_token, "Cookie: msts=3640205228.15629.0000");
    c->cr.routing_token_len = 34;
    c->cc.tpdu = X224_TPDU_CC;
    c->cc.has_neg_failure = true;
    c->cc.failure_code = 5;
    c->dir[DIR_S2C].fin = ref_at(26);
    c->dir[DIR_C2S].fin = ref_at(27);
    c->closed = true;
    ev(c, EV_X224_CR, DIR_C2S, 24, PROTOCOL_SSL, 1);
    ev(c, EV_NEG_FAILURE, DIR_S2C, 25, 5, 0);
    ev(c, EV_FIN, DIR_S2C, 26, 0, 0);
    ev(c, EV_FIN, DIR_C2S, 27, 0, 0);
    set_verdict(c, PHASE_X224, CAUSE_HYBRID_REQUIRED_BY_SERVER, CONF_HIGH, "failureCode 5",
                "The server requires Network Level Authentication; the client offered only TLS.");
    verdict_add_evidence(&c->v, &c->cr_ref, "Client offers %s", "SSL");
    verdict_add_evidence(&c->v, &c->cc_ref, "Server answers RDP_NEG_FAILURE %s & closes",
                         "HYBRID_REQUIRED_BY_SERVER");

    /* 3: no answer, an ICMP from a router, in the second capture. */
    c = conn_new(a, 3, 1, v4(10, 0, 0, 5), 50124, v4(10, 0, 0, 10), 2, 9);
    c->dir[DIR_C2S].syn = ref_at(2);
    c->dir[DIR_C2S].syn_count = 3;
    c->dir[DIR_C2S].packets = 3;
    c->icmp = ref_at(9);
    c->icmp_type = 3;
    c->icmp_code = 13;
    c->icmp_from = v4(10, 0, 0, 1);
    ev(c, EV_SYN, DIR_C2S, 2, 0, 0);
    ev(c, EV_SYN, DIR_C2S, 5, 1, 0);
    ev(c, EV_SYN, DIR_C2S, 8, 1, 0);
    ev(c, EV_ICMP_UNREACH, DIR_NONE, 9, 3, 13);
    set_verdict(c, PHASE_TCP, CAUSE_NO_ANSWER, CONF_MEDIUM, "",
                "Nothing answered the SYN; a router said administratively prohibited.");
    verdict_add_evidence(&c->v, &c->icmp, "ICMP from 10.0.0.1");
    verdict_add_evidence(&c->v, NULL, "three SYNs in 3 s");

    /* 4: refused, a retry of 2, with a not-examined note and a gap. */
    c = conn_new(a, 4, 0, v6_doc(5), 50201, v6_doc(9), 30, 31);
    c->retry_of = 2;
    c->dir[DIR_C2S].syn = ref_at(30);
    c->dir[DIR_C2S].syn_count = 1;
    c->dir[DIR_S2C].rst = ref_at(31);
    c->dir[DIR_S2C].reasm.gaps = 1;
    c->dir[DIR_S2C].reasm.gap_bytes = 1460;
    c->closed = true;
    ev(c, EV_SYN, DIR_C2S, 30, 0, 0);
    ev(c, EV_RST, DIR_S2C, 31, 1, 128);
    set_verdict(c, PHASE_TCP, CAUSE_REFUSED, CONF_HIGH, "", "The server refused the connection.");
    snprintf(c->v.not_examined, sizeof c->v.not_examined, "TTL of the RST compared to the server's");
    verdict_add_evidence(&c->v, &c->dir[DIR_S2C].rst, "RST,ACK TTL 128");

    /* 5: malformed negotiation, mid-stream, client found by port. */
    c = conn_new(a, 5, 0, v4(192, 168, 1, 20), 40000, v4(192, 168, 1, 1), 40, 43);
    c->client_by_syn = false;
    c->dir[DIR_C2S].reasm.started = true;
    c->x224_malformed = true;
    c->malformed_dir = DIR_C2S;
    c->malformed_ref = ref_at(41);
    snprintf(c->malformed_text, sizeof c->malformed_text, "TPKT length 3 is shorter than its header");
    c->not_rdp = true;
    c->not_rdp_dir = DIR_S2C;
    c->not_rdp_ref = ref_at(42);
    snprintf(c->not_rdp_text, sizeof c->not_rdp_text, "SSH-2.0-OpenSSH_9.2\\x0D\\x0A");
    c->has_dr = true;
    c->dr_ref = ref_at(43);
    ev(c, EV_MIDSTREAM, DIR_C2S, 40, 0, 0);
    ev(c, EV_MALFORMED, DIR_C2S, 41, LAYER_TPKT, 1);
    ev(c, EV_NOT_RDP, DIR_S2C, 42, 0, 0);
    ev(c, EV_X224_DR, DIR_S2C, 43, 2, 0);
    set_verdict(c, PHASE_X224, CAUSE_MALFORMED, CONF_LOW, "bad TPKT", "The negotiation was malformed.");
    verdict_add_evidence(&c->v, &c->malformed_ref, "TPKT length 3");
}

static void free_model(analysis *a)
{
    connection *c = a->first;
    while (c) {
        connection *next = c->order_next;
        timeline_free(&c->tl);
        free(c);
        c = next;
    }
    memset(a, 0, sizeof *a);
}

#endif

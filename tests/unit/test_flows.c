/* test_flows.c - the connection table: which end is the client, reuse of a
 * 4-tuple after a close, ICMP errors finding their connection, the cap on
 * connections, IPv6, and ports that are not RDP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "flows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint16_t PORTS[] = { 3389, 3390 };
static uint64_t packet_no;

static decoded_packet tcp(const char *src, uint16_t sp, const char *dst, uint16_t dp, uint8_t flags,
                          uint32_t seq)
{
    decoded_packet p;
    memset(&p, 0, sizeof p);
    p.kind = DECODED_TCP;
    p.src.family = p.dst.family = 4;
    unsigned a, b, c, d;
    assert_int_equal(sscanf(src, "%u.%u.%u.%u", &a, &b, &c, &d), 4);
    p.src.a[0] = (uint8_t)a; p.src.a[1] = (uint8_t)b; p.src.a[2] = (uint8_t)c; p.src.a[3] = (uint8_t)d;
    assert_int_equal(sscanf(dst, "%u.%u.%u.%u", &a, &b, &c, &d), 4);
    p.dst.a[0] = (uint8_t)a; p.dst.a[1] = (uint8_t)b; p.dst.a[2] = (uint8_t)c; p.dst.a[3] = (uint8_t)d;
    p.tcp.sport = sp;
    p.tcp.dport = dp;
    p.tcp.flags = flags;
    p.tcp.seq = seq;
    p.ttl = 64;
    return p;
}

static connection *feed(flow_table *t, decoded_packet p)
{
    packet_no++;
    pkt_ref ref = { packet_no, { 1700000000, (uint32_t)packet_no * 1000 } };
    return flows_packet(t, &p, &ref);
}

static void free_all(flow_table *t)
{
    connection *c = t->first;
    while (c) {
        connection *n = c->order_next;
        connection_free(c);
        c = n;
    }
    flows_free(t);
}

static void test_client_is_syn_sender(void **state)
{
    (void)state;
    flow_table t;
    uint32_t next_id = 1;
    assert_true(flows_init(&t, 0, PORTS, 2, 100, 0, &next_id));
    connection *c = feed(&t, tcp("10.0.0.5", 50000, "10.0.0.9", 3389, TCP_SYN, 100));
    assert_non_null(c);
    connection *c2 = feed(&t, tcp("10.0.0.9", 3389, "10.0.0.5", 50000, TCP_SYN | TCP_ACK, 900));
    assert_ptr_equal(c, c2);
    assert_int_equal(c->client_port, 50000);
    assert_int_equal(c->server_port, 3389);
    assert_true(c->client_by_syn);
    assert_int_equal(c->dir[DIR_S2C].packets, 1);
    free_all(&t);
}

static void test_without_syn_client_is_side_off_the_rdp_port(void **state)
{
    (void)state;
    flow_table t;
    uint32_t next_id = 1;
    assert_true(flows_init(&t, 0, PORTS, 2, 100, 0, &next_id));
    /* First packet seen comes from the server. */
    connection *c = feed(&t, tcp("10.0.0.9", 3390, "10.0.0.5", 50001, TCP_ACK | TCP_PSH, 1));
    assert_non_null(c);
    assert_int_equal(c->server_port, 3390);
    assert_int_equal(c->client_port, 50001);
    assert_false(c->client_by_syn);
    assert_int_equal(c->dir[DIR_S2C].packets, 1);
    free_all(&t);
}

static void test_not_an_rdp_port_is_ignored(void **state)
{
    (void)state;
    flow_table t;
    uint32_t next_id = 1;
    assert_true(flows_init(&t, 0, PORTS, 2, 100, 0, &next_id));
    assert_null(feed(&t, tcp("10.0.0.5", 50000, "10.0.0.9", 443, TCP_SYN, 1)));
    assert_null(t.first);
    free_all(&t);
}

static void test_reuse_after_close_is_new_connection(void **state)
{
    (void)state;
    flow_table t;
    uint32_t next_id = 1;
    assert_true(flows_init(&t, 0, PORTS, 2, 100, 0, &next_id));
    connection *a = feed(&t, tcp("10.0.0.5", 50000, "10.0.0.9", 3389, TCP_SYN, 100));
    feed(&t, tcp("10.0.0.9", 3389, "10.0.0.5", 50000, TCP_RST | TCP_ACK, 0));
    assert_true(a->closed);
    /* Trailing packets of the old one still go to it... */
    assert_ptr_equal(feed(&t, tcp("10.0.0.5", 50000, "10.0.0.9", 3389, TCP_ACK, 101)), a);
    /* ...a new SYN starts a new connection. */
    connection *b = feed(&t, tcp("10.0.0.5", 50000, "10.0.0.9", 3389, TCP_SYN, 7000));
    assert_non_null(b);
    assert_ptr_not_equal(a, b);
    assert_int_equal(b->id, 2);
    assert_non_null(timeline_first(&b->tl, EV_TUPLE_REUSE, DIR_NONE));
    assert_ptr_equal(t.first, a);
    assert_ptr_equal(a->order_next, b);
    free_all(&t);
}

static void test_syn_retransmission_is_same_connection(void **state)
{
    (void)state;
    flow_table t;
    uint32_t next_id = 1;
    assert_true(flows_init(&t, 0, PORTS, 2, 100, 0, &next_id));
    connection *a = feed(&t, tcp("10.0.0.5", 50000, "10.0.0.9", 3389, TCP_SYN, 100));
    assert_ptr_equal(feed(&t, tcp("10.0.0.5", 50000, "10.0.0.9", 3389, TCP_SYN, 100)), a);
    assert_int_equal(a->dir[DIR_C2S].syn_count, 2);
    /* A SYN with another ISN on an unanswered tuple is a new attempt. */
    connection *b = feed(&t, tcp("10.0.0.5", 50000, "10.0.0.9", 3389, TCP_SYN, 555555));
    assert_ptr_not_equal(a, b);
    free_all(&t);
}

static void test_icmp_finds_connection_of_quoted_syn(void **state)
{
    (void)state;
    flow_table t;
    uint32_t next_id = 1;
    assert_true(flows_init(&t, 0, PORTS, 2, 100, 0, &next_id));
    decoded_packet syn = tcp("10.0.0.5", 50000, "10.0.0.9", 3389, TCP_SYN, 100);
    connection *a = feed(&t, syn);
    decoded_packet icmp;
    memset(&icmp, 0, sizeof icmp);
    icmp.kind = DECODED_ICMP_UNREACH;
    icmp.src = (rt_addr){ 4, { 10, 0, 0, 1 } };
    icmp.dst = syn.src;
    icmp.icmp.type = 3;
    icmp.icmp.code = 13;
    icmp.icmp.inner_src = syn.src;
    icmp.icmp.inner_dst = syn.dst;
    icmp.icmp.inner_sport = 50000;
    icmp.icmp.inner_dport = 3389;
    assert_ptr_equal(feed(&t, icmp), a);
    assert_int_equal(a->icmp_code, 13);
    assert_true(rt_addr_eq(&a->icmp_from, &icmp.src));
    /* An ICMP error quoting an unknown connection is counted, not attached. */
    icmp.icmp.inner_sport = 50001;
    assert_null(feed(&t, icmp));
    assert_int_equal(t.icmp_unmatched, 1);
    free_all(&t);
}

static void test_connection_cap(void **state)
{
    (void)state;
    flow_table t;
    uint32_t next_id = 1;
    assert_true(flows_init(&t, 0, PORTS, 2, 3, 0, &next_id));
    for (uint16_t i = 0; i < 10; i++)
        feed(&t, tcp("10.0.0.5", (uint16_t)(40000 + i), "10.0.0.9", 3389, TCP_SYN, 1));
    assert_int_equal(t.count, 3);
    assert_true(t.cap_reached);
    assert_int_equal(t.not_tracked, 7);
    free_all(&t);
}

static void test_ipv6_both_directions(void **state)
{
    (void)state;
    flow_table t;
    uint32_t next_id = 1;
    assert_true(flows_init(&t, 0, PORTS, 2, 100, 0, &next_id));
    decoded_packet p;
    memset(&p, 0, sizeof p);
    p.kind = DECODED_TCP;
    p.src.family = p.dst.family = 6;
    p.src.a[0] = 0x20; p.src.a[1] = 0x01; p.src.a[15] = 5;
    p.dst.a[0] = 0x20; p.dst.a[1] = 0x01; p.dst.a[15] = 9;
    p.tcp.sport = 50000;
    p.tcp.dport = 3389;
    p.tcp.flags = TCP_SYN;
    connection *a = feed(&t, p);
    decoded_packet r = p;
    r.src = p.dst;
    r.dst = p.src;
    r.tcp.sport = 3389;
    r.tcp.dport = 50000;
    r.tcp.flags = TCP_SYN | TCP_ACK;
    assert_ptr_equal(feed(&t, r), a);
    char ep[64];
    rt_endpoint_str(&a->server, a->server_port, ep, sizeof ep);
    assert_string_equal(ep, "[2001::9]:3389");
    free_all(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_client_is_syn_sender),
        cmocka_unit_test(test_without_syn_client_is_side_off_the_rdp_port),
        cmocka_unit_test(test_not_an_rdp_port_is_ignored),
        cmocka_unit_test(test_reuse_after_close_is_new_connection),
        cmocka_unit_test(test_syn_retransmission_is_same_connection),
        cmocka_unit_test(test_icmp_finds_connection_of_quoted_syn),
        cmocka_unit_test(test_connection_cap),
        cmocka_unit_test(test_ipv6_both_directions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

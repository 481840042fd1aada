/* test_flows_expiry.c - connections leave the table as soon as they are
 * over (issue 9): closed ones after a short quiet time, abandoned attempts
 * after the SYN retransmissions are done, set-ups after the peers' own
 * timeouts, sessions (or what may be one) after long silence; and
 * a connection of one client to one server never leaves before an older one
 * it may be a retry of (flows_expire). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "flows.h"

#include <stdlib.h>
#include <string.h>

static const uint16_t PORTS[] = { 3389 };

/* The retire callback records the order and frees. */
typedef struct {
    uint32_t ids[16];
    unsigned n;
} retired;

static void on_retire(void *ctx, connection *c)
{
    retired *r = ctx;
    if (r->n < 16)
        r->ids[r->n++] = c->id;
    connection_finish(c, &c->end);
    connection_free(c);
}

static decoded_packet tcp(uint8_t client_host, uint16_t sp, bool to_server, uint8_t flags,
                          uint32_t seq)
{
    decoded_packet p;
    memset(&p, 0, sizeof p);
    p.kind = DECODED_TCP;
    p.src.family = p.dst.family = 4;
    uint8_t cl[4] = { 10, 0, 0, client_host }, sv[4] = { 10, 0, 1, 1 };
    memcpy(to_server ? p.src.a : p.dst.a, cl, 4);
    memcpy(to_server ? p.dst.a : p.src.a, sv, 4);
    p.tcp.sport = to_server ? sp : 3389;
    p.tcp.dport = to_server ? 3389 : sp;
    p.tcp.flags = flags;
    p.tcp.seq = seq;
    p.tcp.ack = 1;
    p.ttl = 64;
    return p;
}

static uint64_t packet_no;
static uint32_t next_id;

/* A table whose retired connections are recorded in r (and freed). */
static void table_init(flow_table *t, retired *r)
{
    next_id = 1;
    assert_true(flows_init(t, 0, PORTS, 1, 100, 0, &next_id));
    t->retire = on_retire;
    t->retire_ctx = r;
}

static void feed(flow_table *t, decoded_packet p, int64_t sec)
{
    pkt_ref ref = { ++packet_no, { sec, 0 } };
    flows_packet(t, &p, &ref);
}

static void expire(flow_table *t, int64_t sec)
{
    rt_time now = { sec, 0 };
    flows_expire(t, now);
}

/* A full short connection: SYN, SYN-ACK, ACK, FIN both ways. */
static void closed_connection(flow_table *t, uint8_t host, uint16_t sp, int64_t sec)
{
    feed(t, tcp(host, sp, true, TCP_SYN, 100), sec);
    feed(t, tcp(host, sp, false, TCP_SYN | TCP_ACK, 500), sec);
    feed(t, tcp(host, sp, true, TCP_ACK, 101), sec);
    feed(t, tcp(host, sp, true, TCP_FIN | TCP_ACK, 101), sec);
    feed(t, tcp(host, sp, false, TCP_FIN | TCP_ACK, 501), sec);
}

static void test_closed_attempt_and_open_timeouts(void **state)
{
    (void)state;
    flow_table t;
    retired r = { { 0 }, 0 };
    table_init(&t, &r);
    closed_connection(&t, 1, 40001, 1000);                  /* id 1: closed */
    feed(&t, tcp(2, 40002, true, TCP_SYN, 7), 1000);         /* id 2: a lone SYN */
    feed(&t, tcp(3, 40003, true, TCP_SYN, 9), 1000);         /* id 3: established, quiet */
    feed(&t, tcp(3, 40003, false, TCP_SYN | TCP_ACK, 900), 1000);
    feed(&t, tcp(3, 40003, true, TCP_ACK, 10), 1000);
    decoded_packet mid = tcp(4, 40004, true, TCP_ACK | TCP_PSH, 77); /* id 4: joined mid-way */
    static const uint8_t data[4] = { 0x17, 0x03, 0x03, 0x00 };
    mid.tcp.payload = data;
    mid.tcp.payload_caplen = mid.tcp.payload_len = sizeof data;
    feed(&t, mid, 1000);

    expire(&t, 1004);
    assert_int_equal(r.n, 0);                                /* closed: not yet 5 s */
    expire(&t, 1005);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.ids[0], 1);
    expire(&t, 1074);
    assert_int_equal(r.n, 1);                                /* the SYN may still be retried */
    expire(&t, 1075);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.ids[1], 2);
    expire(&t, 1119);
    assert_int_equal(r.n, 2);                                /* set-up: 120 s of silence */
    expire(&t, 1120);
    assert_int_equal(r.n, 3);
    assert_int_equal(r.ids[2], 3);
    expire(&t, 1299);
    assert_int_equal(r.n, 3);                                /* maybe a session: 300 s */
    expire(&t, 1300);
    assert_int_equal(r.n, 4);
    assert_int_equal(r.ids[3], 4);
    assert_null(t.first);
    assert_int_equal(t.count, 0);
    flows_free(&t);
}

/* A client's SYN gets no answer; 2 s later it connects again from another
 * port and that connection completes and closes. The client gave up on the
 * first attempt: it goes with the second, first, so that the retry is
 * linked to it, without waiting for its own 75 s. */
static void test_retry_retires_the_attempt_it_supersedes(void **state)
{
    (void)state;
    flow_table t;
    retired r = { { 0 }, 0 };
    table_init(&t, &r);
    feed(&t, tcp(5, 50001, true, TCP_SYN, 1), 2000);         /* id 1 */
    closed_connection(&t, 5, 50002, 2002);                   /* id 2: same client and server */
    closed_connection(&t, 6, 50003, 2002);                   /* id 3: another client */
    expire(&t, 2006);
    assert_int_equal(r.n, 0);
    expire(&t, 2007);
    assert_int_equal(r.n, 3);
    assert_int_equal(r.ids[0], 1);                           /* in the order they started */
    assert_int_equal(r.ids[1], 2);
    assert_int_equal(r.ids[2], 3);
    assert_null(t.first);
    flows_free(&t);
}

/* An older connection that got further (established, then silent since
 * before the newer one started) may still turn out to be what the newer
 * one retries: the newer one waits for it. */
static void test_retry_waits_for_an_older_setup(void **state)
{
    (void)state;
    flow_table t;
    retired r = { { 0 }, 0 };
    table_init(&t, &r);
    feed(&t, tcp(5, 50001, true, TCP_SYN, 1), 2000);         /* id 1: established, silent */
    feed(&t, tcp(5, 50001, false, TCP_SYN | TCP_ACK, 70), 2000);
    feed(&t, tcp(5, 50001, true, TCP_ACK, 2), 2000);
    closed_connection(&t, 5, 50002, 2002);                   /* id 2: same client and server */
    closed_connection(&t, 6, 50003, 2002);                   /* id 3: another client */
    expire(&t, 2010);
    assert_int_equal(r.n, 1);                                /* only the other client's */
    assert_int_equal(r.ids[0], 3);
    assert_non_null(t.lru[FLOWS_LRU_HELD].head);
    /* A late packet of the waiting one still reaches it (it is in the table). */
    feed(&t, tcp(5, 50002, true, TCP_ACK, 102), 2011);
    assert_null(t.lru[FLOWS_LRU_HELD].head);
    expire(&t, 2017);
    assert_non_null(t.lru[FLOWS_LRU_HELD].head);             /* due again, waiting again */
    expire(&t, 2120);                                        /* the set-up's 120 s are over */
    assert_int_equal(r.n, 3);
    assert_int_equal(r.ids[1], 1);                           /* in the order they started */
    assert_int_equal(r.ids[2], 2);
    flows_free(&t);
}

/* An older connection of the group that is still busy after the newer one
 * started cannot be what it retries: no waiting. */
static void test_no_wait_for_a_busy_older_connection(void **state)
{
    (void)state;
    flow_table t;
    retired r = { { 0 }, 0 };
    table_init(&t, &r);
    feed(&t, tcp(7, 60001, true, TCP_SYN, 1), 3000);         /* id 1: a long session */
    feed(&t, tcp(7, 60001, false, TCP_SYN | TCP_ACK, 50), 3000);
    feed(&t, tcp(7, 60001, true, TCP_ACK, 2), 3000);
    closed_connection(&t, 7, 60002, 3001);                   /* id 2 */
    feed(&t, tcp(7, 60001, true, TCP_ACK, 2), 3005);         /* the session goes on */
    expire(&t, 3006);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.ids[0], 2);
    flows_retire_all(&t);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.ids[1], 1);
    flows_free(&t);
}

/* A reused 4-tuple: the old connection is over and goes at once. */
static void test_reused_tuple_retires_the_old_connection(void **state)
{
    (void)state;
    flow_table t;
    retired r = { { 0 }, 0 };
    table_init(&t, &r);
    closed_connection(&t, 8, 61000, 4000);
    feed(&t, tcp(8, 61000, true, TCP_SYN, 7000), 4001);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.ids[0], 1);
    flows_retire_all(&t);
    assert_int_equal(r.n, 2);
    flows_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_closed_attempt_and_open_timeouts),
        cmocka_unit_test(test_retry_retires_the_attempt_it_supersedes),
        cmocka_unit_test(test_retry_waits_for_an_older_setup),
        cmocka_unit_test(test_no_wait_for_a_busy_older_connection),
        cmocka_unit_test(test_reused_tuple_retires_the_old_connection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

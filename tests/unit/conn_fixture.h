/* conn_fixture.h - a connection whose client has sent its SYN, for the
 * tests that feed a layer or a rule by hand (test_redirection.c,
 * test_layer_rdp_decrypted.c, test_rules_decrypted.c). Static: every test
 * is its own executable. */
#ifndef RDPT_TEST_CONN_FIXTURE_H
#define RDPT_TEST_CONN_FIXTURE_H

#include "connection.h"

#include <string.h>

static connection *fixture_syn_conn(rt_addr client, rt_addr server)
{
    decoded_packet p;
    memset(&p, 0, sizeof p);
    p.kind = DECODED_TCP;
    p.src = client;
    p.dst = server;
    p.tcp.sport = 50123;
    p.tcp.dport = 3389;
    p.tcp.flags = TCP_SYN;
    p.tcp.seq = 1000;
    pkt_ref ref = { 1, { 1700000000, 0 } };
    connection *c = connection_new(1, 0, &p, true, REASM_DEFAULT_MAX_BUFFERED);
    assert_non_null(c);
    connection_packet(c, DIR_C2S, &p, &ref);
    return c;
}

#endif

/* test_retries.c - the retry chain linked and told in words (retries.c), on hand-made
 * connections shaped like the real chains: zeek/rdp-proprietary-encryption
 * (SSL refused, retried with Standard RDP Security, success), awakecoding
 * rdp-nla-ntlm-rejected1 (NLA failed, retried without NLA, refused) and
 * samples/mcs-close (same settings twice). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "connection.h"
#include "retries.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

static connection *conn(uint32_t id, bool neg, uint32_t requested, verdict_phase ph,
                        verdict_cause cause, int64_t start_s, int64_t end_s)
{
    connection *c = calloc(1, sizeof *c);
    c->id = id;
    c->has_cr = true;
    c->cr.has_neg_req = neg;
    c->cr.requested_protocols = requested;
    c->v.phase = ph;
    c->v.cause = cause;
    rt_fmt(c->v.summary, sizeof c->v.summary, "Base summary.");
    c->start.ts.sec = start_s;
    c->end.ts.sec = end_s;
    return c;
}

/* Retires the connections in order through one ring, kept in memory (as the
 * analysis does with keep_connections): both ends get their sentences. */
static void link_all(connection *const *list, size_t n)
{
    retry_ring *ring = calloc(1, sizeof *ring);
    assert_non_null(ring);
    char fwd[VERDICT_TEXT];
    for (size_t i = 0; i < n; i++) {
        retries_link(ring, list[i], true, fwd, sizeof fwd);
        assert_string_equal(fwd, ""); /* appended to the kept connection instead */
    }
    free(ring);
}

static void test_ssl_refused_then_rdp_success(void **state)
{
    (void)state;
    connection *a = conn(1, true, PROTOCOL_SSL, PHASE_X224, CAUSE_SSL_NOT_ALLOWED_BY_SERVER, 100, 100);
    connection *b = conn(2, true, PROTOCOL_RDP, PHASE_NONE, CAUSE_SUCCESS, 102, 125);
    link_all((connection *[]){ a, b }, 2);
    assert_int_equal(b->retry_of, 1);
    assert_non_null(strstr(a->v.summary, "Base summary. Retry chain: the server refused TLS"));
    assert_non_null(strstr(a->v.summary, "connection 2 offering Standard RDP Security, which succeeded"));
    assert_non_null(strstr(b->v.summary, "connection 1 offered SSL (without NLA)"));
    assert_non_null(strstr(b->v.summary, "Standard RDP Security instead"));
    /* the verdicts themselves are untouched */
    assert_int_equal(a->v.cause, CAUSE_SSL_NOT_ALLOWED_BY_SERVER);
    assert_int_equal(b->v.cause, CAUSE_SUCCESS);
    free(a);
    free(b);
}

static void test_nla_failed_then_refused(void **state)
{
    (void)state;
    connection *a = conn(1, true, 0xB, PHASE_NLA, CAUSE_AUTH_FAILED, 100, 103);
    connection *b = conn(2, true, PROTOCOL_SSL, PHASE_X224, CAUSE_HYBRID_REQUIRED_BY_SERVER, 103, 103);
    link_all((connection *[]){ a, b }, 2);
    assert_int_equal(b->retry_of, 1);
    assert_non_null(strstr(a->v.summary, "Network Level Authentication failed"));
    assert_non_null(strstr(a->v.summary, "which failed too (hybrid_required_by_server in phase x224)"));
    assert_non_null(strstr(b->v.summary, "(with NLA)"));
    free(a);
    free(b);
}

static void test_same_settings_and_unrelated(void **state)
{
    (void)state;
    connection *a = conn(1, false, 0, PHASE_MCS, CAUSE_SERVER_DENIED, 100, 100);
    connection *x = conn(2, true, PROTOCOL_SSL, PHASE_NONE, CAUSE_SUCCESS, 100, 200);
    x->client.a[3] = 9; /* another client: unrelated, not linked */
    connection *b = conn(3, false, 0, PHASE_MCS, CAUSE_SERVER_DENIED, 100, 100);
    link_all((connection *[]){ a, x, b }, 3);
    assert_int_equal(b->retry_of, 1);
    assert_int_equal(x->retry_of, 0);
    assert_non_null(strstr(a->v.summary, "with the same settings"));
    assert_non_null(strstr(b->v.summary, "connection 1 failed (server_denied)"));
    assert_string_equal(x->v.summary, "Base summary.");
    free(a);
    free(x);
    free(b);
}

/* A full summary is left as it is rather than overflowing. */
static void test_full_summary(void **state)
{
    (void)state;
    connection *a = conn(1, true, PROTOCOL_SSL, PHASE_X224, CAUSE_SSL_NOT_ALLOWED_BY_SERVER, 100, 100);
    connection *b = conn(2, true, PROTOCOL_RDP, PHASE_NONE, CAUSE_SUCCESS, 102, 125);
    memset(a->v.summary, 'x', sizeof a->v.summary - 1);
    a->v.summary[sizeof a->v.summary - 1] = '\0';
    link_all((connection *[]){ a, b }, 2);
    assert_int_equal(b->retry_of, 1);
    assert_int_equal(strlen(a->v.summary), sizeof a->v.summary - 1);
    assert_non_null(strstr(b->v.summary, "Retry chain"));
    free(a);
    free(b);
}

/* A verdict decided again (cross_capture.c) gets its retry sentence back,
 * and the earlier connection is not touched. */
static void test_restate_after_new_verdict(void **state)
{
    (void)state;
    connection *a = conn(1, true, PROTOCOL_SSL, PHASE_X224, CAUSE_SSL_NOT_ALLOWED_BY_SERVER, 100, 100);
    connection *b = conn(2, true, PROTOCOL_RDP, PHASE_TLS, CAUSE_RESET_INJECTED, 102, 103);
    b->retry_of = 1;
    retries_restate(b, a);
    assert_non_null(strstr(b->v.summary, "Base summary. Retry chain: connection 1 offered SSL"));
    assert_string_equal(a->v.summary, "Base summary.");
    free(a);
    free(b);
}

/* Linking as connections retire: the ring finds the failed attempt of the
 * same client to the same server within the window, and hands back the
 * sentence for the earlier one when it is no longer in memory. */
static void test_link_at_retirement(void **state)
{
    (void)state;
    retry_ring *ring = calloc(1, sizeof *ring);
    connection *a = conn(1, true, PROTOCOL_SSL, PHASE_X224, CAUSE_SSL_NOT_ALLOWED_BY_SERVER, 100, 100);
    connection *x = conn(2, true, PROTOCOL_SSL, PHASE_NONE, CAUSE_SUCCESS, 101, 150);
    x->client.a[3] = 9; /* another client */
    connection *b = conn(3, true, PROTOCOL_RDP, PHASE_NONE, CAUSE_SUCCESS, 102, 125);
    connection *late = conn(4, true, PROTOCOL_RDP, PHASE_NONE, CAUSE_SUCCESS, 200, 210);
    char fwd[VERDICT_TEXT];
    assert_int_equal(retries_link(ring, a, false, fwd, sizeof fwd), 0);
    assert_int_equal(retries_link(ring, x, false, fwd, sizeof fwd), 0);
    assert_int_equal(retries_link(ring, b, false, fwd, sizeof fwd), 1);
    assert_int_equal(b->retry_of, 1);
    assert_non_null(strstr(fwd, "the client retried 2.0 s later in connection 3"));
    assert_string_equal(a->v.summary, "Base summary."); /* not kept: not touched */
    assert_int_equal(retries_link(ring, late, false, fwd, sizeof fwd), 0); /* 100 s later */
    assert_int_equal(late->retry_of, 0);
    assert_string_equal(fwd, "");
    free(a); free(x); free(b); free(late);
    free(ring);
}

/* A failed attempt (id 1), then `others` connections of other clients to
 * the same server ending in `cause`, then the first client's retry: returns
 * what retries_link returns for the retry, and its retry_of. */
static uint32_t retry_after_others(unsigned others, verdict_cause cause, uint32_t *retry_of)
{
    retry_ring *ring = calloc(1, sizeof *ring);
    assert_non_null(ring);
    char fwd[VERDICT_TEXT];
    connection *a = conn(1, true, PROTOCOL_SSL, PHASE_X224, CAUSE_SSL_NOT_ALLOWED_BY_SERVER, 100, 100);
    a->client.family = a->server.family = 4;
    a->client.a[0] = 10;
    a->server.a[0] = 192;
    assert_int_equal(retries_link(ring, a, false, fwd, sizeof fwd), 0);
    verdict_phase phase = cause == CAUSE_SUCCESS ? PHASE_NONE : PHASE_X224;
    for (unsigned i = 0; i < others; i++) {
        connection *o = conn(2 + i, true, PROTOCOL_SSL, phase, cause, 100, 100);
        o->client = a->client;
        o->server = a->server;
        o->client.a[2] = (uint8_t)((i + 1) >> 8); /* another client each */
        o->client.a[3] = (uint8_t)(i + 1);
        assert_int_equal(retries_link(ring, o, false, fwd, sizeof fwd), 0);
        free(o);
    }
    connection *b = conn(2 + others, true, PROTOCOL_RDP, PHASE_NONE, CAUSE_SUCCESS, 101, 110);
    b->client = a->client;
    b->server = a->server;
    uint32_t linked = retries_link(ring, b, false, fwd, sizeof fwd);
    *retry_of = b->retry_of;
    free(a);
    free(b);
    free(ring);
    return linked;
}

/* The ring remembers the last RETRIES_LOOKBACK failed connections, whatever
 * their clients (each client's records are chained by key bucket): a retry
 * after fewer unrelated failures is linked, one after more is not. */
static void test_lookback(void **state)
{
    (void)state;
    uint32_t retry_of;
    assert_int_equal(retry_after_others(RETRIES_LOOKBACK - 1, CAUSE_REFUSED, &retry_of), 1);
    assert_int_equal(retry_of, 1u);
    assert_int_equal(retry_after_others(RETRIES_LOOKBACK, CAUSE_REFUSED, &retry_of), 0);
    assert_int_equal(retry_of, 0u);
}

/* Connections that succeeded take no place in the ring (none of them can
 * be retried): a retry after more of them than the ring holds is still
 * linked. */
static void test_lookback_successes(void **state)
{
    (void)state;
    uint32_t retry_of;
    assert_int_equal(retry_after_others(RETRIES_LOOKBACK + 10, CAUSE_SUCCESS, &retry_of), 1);
    assert_int_equal(retry_of, 1u);
}

/* A redirected connection (client 10.0.0.5 to a broker 10.0.0.9) whose
 * Server Redirection named 10.0.0.20 (TargetNetAddress) and fd00::20 (in
 * TargetNetAddresses, with a name that is not an address): the client's
 * connections to those addresses within 30 s follow it; one to another host,
 * or too late, or from another client does not. Not a retry (retry_of 0). */
static connection *to(uint32_t id, const char *server, uint8_t client_last, verdict_cause cause,
                      int64_t start_s)
{
    connection *c = conn(id, true, PROTOCOL_SSL, cause == CAUSE_SUCCESS ? PHASE_NONE : PHASE_TLS,
                         cause, start_s, start_s + 60);
    c->client.family = 4;
    c->client.a[0] = 10;
    c->client.a[3] = client_last;
    c->server_port = 3389;
    if (strchr(server, ':')) {
        c->server.family = 6;
        assert_int_equal(inet_pton(AF_INET6, server, c->server.a), 1);
    } else {
        c->server.family = 4;
        assert_int_equal(inet_pton(AF_INET, server, c->server.a), 1);
    }
    return c;
}

static void test_redirection_followed(void **state)
{
    (void)state;
    connection *broker = to(1, "10.0.0.9", 5, CAUSE_REDIRECTED, 100);
    broker->end.ts.sec = 101;
    broker->rdp.redirection_read = true;
    rt_fmt(broker->rdp.redirection.target_net_address, REDIR_ADDR_TEXT, "10.0.0.20");
    broker->rdp.redirection.addresses_kept = 2;
    rt_fmt(broker->rdp.redirection.addresses[0], REDIR_ADDR_TEXT, "rdsh-2.example");
    rt_fmt(broker->rdp.redirection.addresses[1], REDIR_ADDR_TEXT, "fd00::20");
    connection *other_host = to(2, "10.0.0.21", 5, CAUSE_SUCCESS, 101);
    connection *other_client = to(3, "10.0.0.20", 6, CAUSE_SUCCESS, 101);
    connection *follow = to(4, "10.0.0.20", 5, CAUSE_SUCCESS, 101);
    connection *follow6 = to(5, "fd00::20", 5, CAUSE_CERT_REJECTED, 102);
    connection *late = to(6, "10.0.0.20", 5, CAUSE_SUCCESS, 200);
    link_all((connection *[]){ broker, other_host, other_client, follow, follow6, late }, 6);
    assert_null(strstr(other_host->v.summary, "Redirection"));
    assert_null(strstr(other_client->v.summary, "Redirection"));
    assert_string_equal(follow->v.summary,
                        "Base summary. It follows the Server Redirection in connection 1.");
    assert_non_null(strstr(follow6->v.summary, "It follows the Server Redirection in connection 1."));
    assert_null(strstr(late->v.summary, "Redirection"));
    assert_non_null(strstr(broker->v.summary, "The client followed the redirection 0.0 s later in "
                                              "connection 4 to 10.0.0.20:3389, which succeeded."));
    assert_non_null(strstr(broker->v.summary, "in connection 5 to [fd00::20]:3389, which failed too "
                                              "(cert_rejected in phase tls)."));
    assert_int_equal(follow->retry_of, 0);
    assert_int_equal(follow6->retry_of, 0);
    assert_int_equal(follow->follows_redirect_of, 1);
    assert_int_equal(follow6->follows_redirect_of, 1);
    assert_int_equal(other_host->follows_redirect_of, 0);
    assert_int_equal(late->follows_redirect_of, 0);
    /* A verdict decided anew (cross_capture.c) gets its sentence back; a
     * connection that follows no redirection gets none. */
    rt_fmt(follow->v.summary, sizeof follow->v.summary, "New verdict.");
    retries_restate_redirect(follow);
    assert_string_equal(follow->v.summary,
                        "New verdict. It follows the Server Redirection in connection 1.");
    rt_fmt(late->v.summary, sizeof late->v.summary, "New verdict.");
    retries_restate_redirect(late);
    assert_string_equal(late->v.summary, "New verdict.");
    connection *all[] = { broker, other_host, other_client, follow, follow6, late };
    for (size_t i = 0; i < 6; i++)
        free(all[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ssl_refused_then_rdp_success),
        cmocka_unit_test(test_nla_failed_then_refused),
        cmocka_unit_test(test_same_settings_and_unrelated),
        cmocka_unit_test(test_full_summary),
        cmocka_unit_test(test_restate_after_new_verdict),
        cmocka_unit_test(test_link_at_retirement),
        cmocka_unit_test(test_lookback),
        cmocka_unit_test(test_lookback_successes),
        cmocka_unit_test(test_redirection_followed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

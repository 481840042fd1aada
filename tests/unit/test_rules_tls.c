/* test_rules_tls.c - the TLS diagnosis rules (analyzer/rules_tls.c) on
 * hand-made connections: each verdict, and the near-misses that must not
 * fire (a client that sent application data did not refuse the certificate;
 * a TLS 1.3 session's protected handshake is not a session; an alert after
 * data is not a failed handshake). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "rules_tls.h"
#include "tls_facts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pkt_ref at(uint64_t packet, int64_t usec)
{
    pkt_ref r = { packet, { 1700000000 + usec / 1000000, (uint32_t)(usec % 1000000) * 1000u } };
    return r;
}

static connection *conn_new(void)
{
    connection *c = calloc(1, sizeof *c);
    assert_non_null(c);
    timeline_init(&c->tl);
    c->tls = calloc(1, sizeof *c->tls);
    assert_non_null(c->tls);
    c->server.family = 4;
    c->server.a[0] = 10;
    c->server.a[3] = 9;
    tls_facts *f = c->tls;
    f->has_client_hello = true;
    f->client_hello_ref = at(8, 1000);
    f->ch.legacy_version = 0x0303;
    f->ch.has_supported_versions = true;
    f->ch.versions[0] = 0x0304;
    f->ch.versions[1] = 0x0303;
    f->ch.n_versions = 2;
    f->ch.suites[0] = 0x1301;
    f->ch.suites[1] = 0xC030;
    f->ch.n_suites = 2;
    return c;
}

static void conn_free(connection *c)
{
    tls_facts_free(c->tls);
    timeline_free(&c->tl);
    free(c);
}

static void add_alert(tls_facts *f, direction d, pkt_ref r, bool enc, uint8_t level, uint8_t desc)
{
    tls_alert_fact *a = &f->alerts[f->n_alerts++];
    a->dir = d;
    a->ref = r;
    a->encrypted = enc;
    a->level = level;
    a->description = desc;
    a->record_len = enc ? 26 : 2;
    if (!enc && level == 2)
        f->fatal_alert = true;
}

/* A TLS 1.2 handshake completed by both sides, certificate with `problem`. */
static void tls12_done(connection *c, bool expired)
{
    tls_facts *f = c->tls;
    f->has_server_hello = true;
    f->server_hello_ref = at(9, 2000);
    f->sh.suite = 0xC030;
    f->sh.selected_version = f->sh.legacy_version = 0x0303;
    f->version = 0x0303;
    f->has_certificate = true;
    f->certificate_ref = at(9, 2000);
    f->n_certs = 1;
    f->certs[0].parsed = true;
    f->certs[0].validity_known = true;
    f->certs[0].not_after = 1609459200; /* 2021-01-01 */
    f->certs[0].expired = expired;
    snprintf(f->expected_name, sizeof f->expected_name, "10.0.0.9");
    f->name_matches = true;
    f->server_hello_done = true;
    f->finished[DIR_C2S] = at(10, 3000);
    f->finished[DIR_S2C] = at(11, 4000);
}

static void test_version_alert(void **state)
{
    (void)state;
    connection *c = conn_new();
    add_alert(c->tls, DIR_S2C, at(10, 2000), false, 2, 70);
    verdict v;
    memset(&v, 0, sizeof v);
    assert_true(rules_tls_version_mismatch(c, &v));
    assert_int_equal(v.cause, CAUSE_VERSION_MISMATCH);
    assert_int_equal(v.phase, PHASE_TLS);
    assert_int_equal(v.confidence, CONF_HIGH);
    assert_non_null(strstr(v.detail, "protocol_version (70)"));
    assert_int_equal(v.key.packet, 10);
    conn_free(c);
}

static void test_version_refused_by_client(void **state)
{
    (void)state;
    connection *c = conn_new();
    tls_facts *f = c->tls;
    f->has_server_hello = true;
    f->server_hello_ref = at(9, 2000);
    f->version = f->sh.selected_version = 0x0301; /* not offered */
    c->dir[DIR_C2S].fin = at(10, 3000);
    verdict v;
    memset(&v, 0, sizeof v);
    assert_true(rules_tls_version_mismatch(c, &v));
    assert_int_equal(v.confidence, CONF_MEDIUM);
    assert_non_null(strstr(v.detail, "server answered TLS 1.0"));
    /* The same version, offered: no mismatch. */
    f->version = f->sh.selected_version = 0x0303;
    memset(&v, 0, sizeof v);
    assert_false(rules_tls_version_mismatch(c, &v));
    conn_free(c);
}

static void test_cipher_alert(void **state)
{
    (void)state;
    connection *c = conn_new();
    add_alert(c->tls, DIR_S2C, at(10, 2000), false, 2, 40);
    verdict v;
    memset(&v, 0, sizeof v);
    assert_false(rules_tls_version_mismatch(c, &v));
    assert_true(rules_tls_cipher_mismatch(c, &v));
    assert_int_equal(v.cause, CAUSE_CIPHER_MISMATCH);
    assert_int_equal(v.confidence, CONF_HIGH);
    assert_non_null(strstr(v.detail, "ECDHE-RSA-AES256-GCM-SHA384"));
    assert_non_null(strstr(v.detail, "handshake_failure (40)"));
    /* The same alert to a client that offers at most TLS 1.0 is about the
     * version (Schannel with TLS 1.0 disabled). */
    c->tls->ch.has_supported_versions = false;
    c->tls->ch.n_versions = 0;
    c->tls->ch.legacy_version = 0x0301;
    memset(&v, 0, sizeof v);
    assert_true(rules_tls_version_mismatch(c, &v));
    assert_int_equal(v.cause, CAUSE_VERSION_MISMATCH);
    conn_free(c);
}

static void test_cipher_not_offered(void **state)
{
    (void)state;
    connection *c = conn_new();
    tls12_done(c, false);
    c->tls->sh.suite = 0x002F;
    verdict v;
    memset(&v, 0, sizeof v);
    assert_true(rules_tls_cipher_mismatch(c, &v));
    assert_non_null(strstr(v.detail, "did not offer"));
    conn_free(c);
}

static void test_cert_rejected_tls12(void **state)
{
    (void)state;
    connection *c = conn_new();
    tls12_done(c, true);
    add_alert(c->tls, DIR_C2S, at(12, 5000), true, 0, 0);
    c->dir[DIR_C2S].fin = at(13, 5100);
    verdict v;
    memset(&v, 0, sizeof v);
    assert_true(rules_tls_cert_rejected(c, &v));
    assert_int_equal(v.cause, CAUSE_CERT_REJECTED);
    assert_int_equal(v.confidence, CONF_MEDIUM);
    assert_non_null(strstr(v.detail, "expired 2021-01-01"));
    assert_int_equal(v.key.packet, 12);
    /* Near-miss: the client sent application data, then closed. */
    c->tls->app_records[DIR_C2S] = 3;
    c->tls->first_app[DIR_C2S] = at(12, 4500);
    memset(&v, 0, sizeof v);
    assert_false(rules_tls_cert_rejected(c, &v));
    conn_free(c);
}

static void test_cert_rejected_needs_client_close(void **state)
{
    (void)state;
    connection *c = conn_new();
    tls12_done(c, true);
    /* The server closed first: whatever it was, not the client's refusal. */
    c->dir[DIR_S2C].fin = at(12, 5000);
    verdict v;
    memset(&v, 0, sizeof v);
    assert_false(rules_tls_cert_rejected(c, &v));
    conn_free(c);
}

static void test_cert_trusted_no_defect(void **state)
{
    (void)state;
    connection *c = conn_new();
    tls12_done(c, false);
    c->dir[DIR_C2S].fin = at(13, 5100);
    verdict v;
    memset(&v, 0, sizeof v);
    /* No defect and the issuer not checked: low confidence. */
    assert_true(rules_tls_cert_rejected(c, &v));
    assert_int_equal(v.confidence, CONF_LOW);
    /* A chain valid against --ca-file and nothing wrong: declines. */
    c->tls->chain = X509_CHAIN_OK;
    memset(&v, 0, sizeof v);
    assert_false(rules_tls_cert_rejected(c, &v));
    conn_free(c);
}

static void test_cert_client_alert(void **state)
{
    (void)state;
    connection *c = conn_new();
    tls12_done(c, false);
    c->tls->finished[DIR_C2S] = (pkt_ref){ 0, { 0, 0 } };
    add_alert(c->tls, DIR_C2S, at(10, 3000), false, 2, 48); /* unknown_ca */
    verdict v;
    memset(&v, 0, sizeof v);
    assert_true(rules_tls_cert_rejected(c, &v));
    assert_int_equal(v.confidence, CONF_HIGH);
    assert_non_null(strstr(v.detail, "unknown_ca"));
    conn_free(c);
}

static void test_tls13(void **state)
{
    (void)state;
    connection *c = conn_new();
    tls_facts *f = c->tls;
    f->has_server_hello = true;
    f->server_hello_ref = at(9, 2000);
    f->version = f->sh.selected_version = TLS_VERSION_1_3;
    f->sh.suite = 0x1301;
    f->finished[DIR_S2C] = at(9, 2000);
    f->finished[DIR_C2S] = at(10, 3000);
    f->alert_sized_records[DIR_C2S] = 1;
    f->first_alert_sized[DIR_C2S] = at(13, 5000);
    c->dir[DIR_C2S].fin = at(14, 5100);
    verdict v;
    memset(&v, 0, sizeof v);
    assert_true(rules_tls_cert_rejected(c, &v));
    assert_int_equal(v.confidence, CONF_LOW);
    assert_non_null(strstr(v.detail, "encrypted"));
    /* Near-miss: the client's first protected record after its Finished
     * is real data (an MCS Connect Initial): the session went on. */
    f->app_records[DIR_C2S] = 1;
    f->first_app[DIR_C2S] = at(13, 5000);
    memset(&v, 0, sizeof v);
    assert_false(rules_tls_cert_rejected(c, &v));
    conn_free(c);
}

static void test_tls13_aborted(void **state)
{
    (void)state;
    connection *c = conn_new();
    tls_facts *f = c->tls;
    f->has_server_hello = true;
    f->version = f->sh.selected_version = TLS_VERSION_1_3;
    f->finished[DIR_S2C] = at(9, 2000);
    /* no client Finished: an alert-sized protected record instead */
    f->alert_sized_records[DIR_C2S] = 1;
    f->first_alert_sized[DIR_C2S] = at(10, 3000);
    c->dir[DIR_C2S].rst = at(11, 3100);
    verdict v;
    memset(&v, 0, sizeof v);
    assert_true(rules_tls_cert_rejected(c, &v));
    assert_int_equal(v.confidence, CONF_LOW);
    assert_non_null(strstr(v.detail, "instead of its Finished"));
    assert_non_null(strstr(v.summary, "aborted"));
    assert_int_equal(v.key.packet, 10);
    conn_free(c);
}

static void test_other_alert(void **state)
{
    (void)state;
    connection *c = conn_new();
    add_alert(c->tls, DIR_S2C, at(10, 2000), false, 2, 50); /* decode_error */
    verdict v;
    memset(&v, 0, sizeof v);
    assert_false(rules_tls_version_mismatch(c, &v));
    assert_false(rules_tls_cipher_mismatch(c, &v));
    assert_false(rules_tls_cert_rejected(c, &v));
    assert_true(rules_tls_alert(c, &v));
    assert_int_equal(v.cause, CAUSE_TLS_ALERT);
    assert_non_null(strstr(v.detail, "decode_error (50)"));
    /* After the client's application data it is the end of a session. */
    c->tls->first_app[DIR_C2S] = at(9, 1500);
    c->tls->app_records[DIR_C2S] = 1;
    memset(&v, 0, sizeof v);
    assert_false(rules_tls_alert(c, &v));
    /* A warning-level alert is no failure. */
    c->tls->alerts[0].level = 1;
    c->tls->first_app[DIR_C2S] = (pkt_ref){ 0, { 0, 0 } };
    memset(&v, 0, sizeof v);
    assert_false(rules_tls_alert(c, &v));
    conn_free(c);
}

static void test_no_tls(void **state)
{
    (void)state;
    connection c;
    memset(&c, 0, sizeof c);
    verdict v;
    memset(&v, 0, sizeof v);
    assert_false(rules_tls_version_mismatch(&c, &v));
    assert_false(rules_tls_cipher_mismatch(&c, &v));
    assert_false(rules_tls_cert_rejected(&c, &v));
    assert_false(rules_tls_alert(&c, &v));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_alert),
        cmocka_unit_test(test_version_refused_by_client),
        cmocka_unit_test(test_cipher_alert),
        cmocka_unit_test(test_cipher_not_offered),
        cmocka_unit_test(test_cert_rejected_tls12),
        cmocka_unit_test(test_cert_rejected_needs_client_close),
        cmocka_unit_test(test_cert_trusted_no_defect),
        cmocka_unit_test(test_cert_client_alert),
        cmocka_unit_test(test_tls13),
        cmocka_unit_test(test_tls13_aborted),
        cmocka_unit_test(test_other_alert),
        cmocka_unit_test(test_no_tls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

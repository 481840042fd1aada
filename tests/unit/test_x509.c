/* test_x509.c - certificate facts (dissectors/x509.c) on the lab's real
 * server certificates, cut with
 *   tshark -r samples/NAME.pcap -d tcp.port==3389,tls -Y tls.handshake.type==11
 *          -T fields -e tls.handshake.certificate
 * plus the name check, chain validation, malformed DER, and the whole TLS
 * layer on the cert-* samples through the analysis (facts and verdicts). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "analysis.h"
#include "tls_facts.h"
#include "x509.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* samples/cert-expired.pcap: CN=10.33.2.2 issued by the lab CA, expired 2021-01-01. */
static const char expired_der[] =
    "3082036830820250a00302010202021001300d06092a864886f70d01010b0500303331163014060355040a0c0d7264707472"
    "69616765206c61623119301706035504030c10726470747269616765206c6162204341301e170d3230303130313030303030"
    "305a170d3231303130313030303030305a302c3112301006035504030c0931302e33332e322e3231163014060355040a0c0d"
    "726470747269616765206c616230820122300d06092a864886f70d01010105000382010f003082010a0282010100ba04e477"
    "cf603df7d80e110d386d0eb63e21ba5457d5403032d90a5cebf18a257f8fbf15e673dce91ed25dc75166631d9747a376e791"
    "967be46f344ff4999219394131ed078a708653b6cf0407b368ea3bab95729962fab1c7065e64bd2b8cc7ec5161a1b678d429"
    "cbf446946d4e1d0c627107106319e2d58d287ac380370aa30f9f0720b8ef6a687f5c1bf8db2768d6d1b8819cef07ac9658ce"
    "1e1c1a2de1b8a0165e0aa9a1ddafdf64a7c8d8399bf71833a8f3d6e09c3a45ebbcb7e8fb15a6bb9fab49e0b8370259d4d74b"
    "8949090bf68b0b5098c5859bf8cc7452bdb2c8e06b93527c6cbde04fc7aff92ae134088924152f3c11f8709428d8abc31f1d"
    "588b0203010001a3818c30818930090603551d1304023000300b0603551d0f0404030205a030130603551d25040c300a0608"
    "2b06010505070301301a0603551d1104133011820931302e33332e322e3287040a210202301d0603551d0e04160414e7f019"
    "adafa20d16061d96e8337eb8e5f9a5d890301f0603551d2304183016801452500471dec2d53f3710b599f14bc444be0a5d1e"
    "300d06092a864886f70d01010b050003820101005d58d345ccd639f05a2a3c27b8b478cb0b52b5f2809ca454401fac1bd249"
    "0af5cc45e65b1e7a098de931679f78421db2c78c2108614ccfc80181f6defca10c0551c9d372010bd50b0d1c94314d86145a"
    "7ecbbe53c92285b810f627055ad0aa9c169535a5f5b746399103c323b279a5a45f0a4eed45474a7ca9717d825fb7eef0e54a"
    "55c8d7c2e2063161a2b944735b645373a380721e0d406eb646e720b434631d72ce68f47bdc487fabd456f08508bf86da23f4"
    "26b7a6f8b12555796d084698b8255a5d4794c6f3a5b41588c2e311b0fbe66589e1b1ac4e2f699aef78eaedcf33b4a180bc61"
    "a3cac0b3efaeb4fa715f75f6d428fc8dad69c216b464158686c0";

/* samples/cert-wrong-name.pcap: CN and SAN rdp.other.example, lab CA, 2024-2034. */
static const char wrong_name_der[] =
    "308203723082025aa00302010202021002300d06092a864886f70d01010b0500303331163014060355040a0c0d7264707472"
    "69616765206c61623119301706035504030c10726470747269616765206c6162204341301e170d3234303130313030303030"
    "305a170d3334303130313030303030305a3034311a301806035504030c117264702e6f746865722e6578616d706c65311630"
    "14060355040a0c0d726470747269616765206c616230820122300d06092a864886f70d01010105000382010f003082010a02"
    "82010100a6133f351c12dc5666ec8ea79380af3ac90dd9c629574434b449b26e7db639455344d403f0e366658eaf60256055"
    "ffc910f5f13cfa4114dc568cf86aa9624e6cb3931c28833b110c14d5b690d894f092a6da1c56bee7faa7197c5abbb68cad58"
    "c33ade1b325f7874bec4f64267c3bf4839cd89e8f84a3953414263f1eb8e77370451496b6f6332c9b2b5de94c48c4661713f"
    "94b4b93eee7c73be6623a4624ba99a34d0bba7c0c3c40063f26526d3f97865bada65f66ca9831d2c869ccc82a4059c657e7b"
    "8bf715117b6e9cf0da8e4064da5edcbaf834fbe4bb0c0d32ee87ba6e7e732e9224a90bd903023bfaab4dd3e89cfd59bbca66"
    "62878ceec2dabbe109e70203010001a3818e30818b30090603551d1304023000300b0603551d0f0404030205a03013060355"
    "1d25040c300a06082b06010505070301301c0603551d110415301382117264702e6f746865722e6578616d706c65301d0603"
    "551d0e0416041419e1e15654bca553ddf3a71fd1d1c68419d834f1301f0603551d2304183016801452500471dec2d53f3710"
    "b599f14bc444be0a5d1e300d06092a864886f70d01010b0500038201010017b43dc56f8f0fa6e4f076180aa95f7ba480bb09"
    "24a45955b018714dceb9614c4711f295c901ae4ac7e6aa7ad755544084e292e9cc1a930f9bcfcb20f32394bbbbdc995134c7"
    "fd60a5f69bf6af27b634f12b968bfb222bfc0ef66e843e7bec3beae9fff871de9f61f9465e4fff352b2b1a70e1e81a17cedf"
    "24f8da237ee66d16e7141b267318f1aaf13a57a70179ee194aaff898f1d914d40354fda1118bf94cbb038eb674e56324c342"
    "ee6fd665a7e7948afe80e3ee4288c03aeb329b2c1b62b541d0209a9fd649067d254959cd7985f8698ddad74b4a7fd91e14d6"
    "8559984e17fee7a0e8e2ac67dc5fb1128614dfc2065c700ce57587fc15851b898c424fbb";

/* samples/cert-self-signed.pcap: self-signed CN=10.33.2.2 with SANs DNS and IP 10.33.2.2. */
static const char self_signed_der[] =
    "308203553082023da00302010202140f323144b727e38f7ecba393026e616bf1c98a65300d06092a864886f70d01010b0500"
    "302c31163014060355040a0c0d726470747269616765206c61623112301006035504030c0931302e33332e322e32301e170d"
    "3236313132343036313334365a170d3336313132313036313334365a302c31163014060355040a0c0d726470747269616765"
    "206c61623112301006035504030c0931302e33332e322e3230820122300d06092a864886f70d01010105000382010f003082"
    "010a0282010100a2e070e69f97f6c5dcf4f0fc9ad0987e247ce2d46dae2be0c618d8225545a253216542bf6ed61ad3d26902"
    "b0768dcb1923b6c90bc1c5562780d7ea5c7c8bd50c1a05e3e2fec15ac57e44cd14619b23118e6756aa204b046af63264bf3b"
    "230962c30337a8087339bac8bee8530848d83e961b689d7997eb4f802986d629c8f6732aa8e113feea1445611526aa7171db"
    "55caae6991b8f4eb228b6de89225dba66c0f7f42c209c881f1371e125533722f3341d7f6d47b4b1c8296e494d545b8fc0160"
    "a2ab60f3390f0eedb90b09a24279e7e9c04f8173fb20da4d0ce981546d19c9cf86d96f41f10cecdabc3b9f779c6f32549374"
    "c5a523dfd5dc6ff9b41574af230203010001a36f306d301d0603551d0e04160414dbb664fcc0407639f9263b4d1b2ce9bfc5"
    "483c98301f0603551d23041830168014dbb664fcc0407639f9263b4d1b2ce9bfc5483c98300f0603551d130101ff04053003"
    "0101ff301a0603551d1104133011820931302e33332e322e3287040a210202300d06092a864886f70d01010b050003820101"
    "004b6e5292246bcbe2510bd0b807b5830dada7dfa2638339246b33d9051fee8ffac8f325f1aeb61fd8dbdd65840ba7f045ce"
    "b9869de7ad0abbb51f19f77ffde26d0741fcf9e25076a30f44ec049ee09bb8770c5b96a31d5d62f7e612dc99284922465bae"
    "1296bd20c4e3bf1d57ad12561b44675d661b357502ecbdb5a22488d606141f89ff1eb18062a33ed9488762f34ece4aa75cc5"
    "e6e1299d1069aab492e38d83a572527947e02190770f2ad0977ac4baf85b90fcb1ccac4fc670643a21d1b7da56fa650cac8c"
    "9a8f47587c71be470791d3467b38227e0ee9d1780de5df17e29a7e4969d22199c33cfe73fd4a6d1596e4255c5f9990d48607"
    "b7dd4ae68bcb89";


/* The capture time of samples/cert-expired.pcap packet 10 (Unix seconds). */
#define CAPTURE_TIME 1795500937

static size_t unhex(const char *h, uint8_t **out)
{
    size_t n = strlen(h) / 2;
    uint8_t *b = malloc(n ? n : 1);
    assert_non_null(b);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(h + 2 * i, "%2x", &v);
        b[i] = (uint8_t)v;
    }
    *out = b;
    return n;
}

static void test_expired(void **state)
{
    (void)state;
    uint8_t *der;
    size_t n = unhex(expired_der, &der);
    x509_info x;
    assert_true(x509_parse(der, n, CAPTURE_TIME, &x));
    assert_true(x.parsed);
    assert_string_equal(x.common_name, "10.33.2.2");
    assert_non_null(strstr(x.subject, "CN=10.33.2.2"));
    assert_non_null(strstr(x.issuer, "rdptriage lab CA"));
    assert_true(x.validity_known);
    assert_true(x.expired);
    assert_false(x.not_yet_valid);
    char t[40];
    x509_time_str(x.not_after, t, sizeof t);
    assert_string_equal(t, "2021-01-01 00:00:00 UTC");
    assert_false(x.self_signed);
    assert_false(x.self_issued);
    assert_string_equal(x.key_type, "RSA");
    assert_int_equal(x.key_bits, 2048);
    assert_false(x.weak_key);
    assert_string_equal(x.signature_algorithm, "sha256WithRSAEncryption");
    assert_int_equal(strlen(x.sha256_hex), 95);
    /* Before its notAfter the same certificate is valid. */
    assert_true(x509_parse(der, n, 1600000000, &x));
    assert_false(x.expired);
    assert_true(x509_parse(der, n, 100, &x));
    assert_true(x.not_yet_valid);
    free(der);
}

static void test_names(void **state)
{
    (void)state;
    uint8_t *der;
    size_t n = unhex(wrong_name_der, &der);
    x509_info x;
    assert_true(x509_parse(der, n, CAPTURE_TIME, &x));
    assert_int_equal(x.n_sans, 1);
    assert_int_equal(x.sans[0].type, X509_SAN_DNS);
    assert_string_equal(x.sans[0].value, "rdp.other.example");
    assert_true(x509_matches_name(&x, "rdp.other.example"));
    assert_true(x509_matches_name(&x, "RDP.Other.Example."));
    assert_false(x509_matches_name(&x, "10.33.2.2"));
    assert_false(x509_matches_name(&x, "other.example"));
    assert_false(x509_matches_name(&x, ""));
    free(der);

    n = unhex(self_signed_der, &der);
    assert_true(x509_parse(der, n, CAPTURE_TIME, &x));
    assert_true(x.self_signed);
    assert_true(x.self_issued);
    assert_true(x509_matches_name(&x, "10.33.2.2"));
    assert_false(x509_matches_name(&x, "10.33.2.3"));
    free(der);

    /* Wildcards (RFC 6125 6.4.3) on a hand-filled record. */
    x509_info w;
    memset(&w, 0, sizeof w);
    w.parsed = true;
    w.n_sans = 1;
    w.sans[0].type = X509_SAN_DNS;
    snprintf(w.sans[0].value, sizeof w.sans[0].value, "*.corp.example");
    assert_true(x509_matches_name(&w, "rdp1.corp.example"));
    assert_false(x509_matches_name(&w, "a.b.corp.example"));
    assert_false(x509_matches_name(&w, "corp.example"));
    snprintf(w.sans[0].value, sizeof w.sans[0].value, "*.example");
    assert_false(x509_matches_name(&w, "host.example")); /* no wildcard over a public suffix-like single label */
    w.n_sans = 0;
    snprintf(w.common_name, sizeof w.common_name, "Host.Corp.Example");
    assert_true(x509_matches_name(&w, "host.corp.example"));
}

static void test_malformed(void **state)
{
    (void)state;
    uint8_t *der;
    size_t n = unhex(expired_der, &der);
    x509_info x;
    assert_false(x509_parse(der, 0, CAPTURE_TIME, &x));
    assert_false(x509_parse(NULL, 10, CAPTURE_TIME, &x));
    for (size_t cut = 1; cut < n; cut += 37)
        assert_false(x509_parse(der, cut, CAPTURE_TIME, &x));
    uint8_t junk[64];
    memset(junk, 0x30, sizeof junk);
    assert_false(x509_parse(junk, sizeof junk, CAPTURE_TIME, &x));
    assert_false(x.parsed);
    free(der);
}

static void write_pem(const char *path, const uint8_t *der, size_t n)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "-----BEGIN CERTIFICATE-----\n");
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t col = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)der[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)der[i + 1] << 8;
        if (i + 2 < n)
            v |= der[i + 2];
        char q[4] = { b64[(v >> 18) & 63], b64[(v >> 12) & 63], i + 1 < n ? b64[(v >> 6) & 63] : '=',
                      i + 2 < n ? b64[v & 63] : '=' };
        fwrite(q, 1, 4, f);
        col += 4;
        if (col == 64) {
            fputc('\n', f);
            col = 0;
        }
    }
    fprintf(f, "%s-----END CERTIFICATE-----\n", col ? "\n" : "");
    fclose(f);
}

static void test_chain(void **state)
{
    (void)state;
    uint8_t *self, *other;
    size_t ns = unhex(self_signed_der, &self), no = unhex(wrong_name_der, &other);
    const uint8_t *ders[1] = { self };
    size_t lens[1] = { ns };
    char err[160];
    assert_int_equal(x509_verify_chain(ders, lens, 1, NULL, CAPTURE_TIME, err, sizeof err),
                     X509_CHAIN_NOT_CHECKED);
    char path[] = "/tmp/rdpt-x509-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    /* Trusting the self-signed certificate itself makes it valid ... */
    write_pem(path, self, ns);
    assert_int_equal(x509_verify_chain(ders, lens, 1, path, CAPTURE_TIME, err, sizeof err),
                     X509_CHAIN_OK);
    /* ... trusting something else does not, and OpenSSL says why. */
    write_pem(path, other, no);
    assert_int_equal(x509_verify_chain(ders, lens, 1, path, CAPTURE_TIME, err, sizeof err),
                     X509_CHAIN_FAILED);
    assert_non_null(strstr(err, "self-signed"));
    unlink(path);
    assert_int_equal(x509_verify_chain(ders, lens, 1, "/nonexistent/ca.pem", CAPTURE_TIME, err,
                                       sizeof err),
                     X509_CHAIN_NOT_CHECKED);
    free(self);
    free(other);
}

/* The cache of parsed certificates (x509.c): a certificate seen again gives
 * the very facts a fresh parse gives, except the validity, which is always
 * against the time of the call; certificates that differ in one byte are
 * never confused; the oldest entries are evicted and parsed again. */
static void test_cache(void **state)
{
    (void)state;
    uint8_t *der;
    size_t n = unhex(expired_der, &der);
    x509_cache_clear();
    x509_info fresh, again;
    assert_true(x509_parse(der, n, CAPTURE_TIME, &fresh));
    assert_int_equal(x509_cache_hits(), 0);
    assert_true(x509_parse(der, n, CAPTURE_TIME, &again));
    assert_int_equal(x509_cache_hits(), 1);
    assert_memory_equal(&fresh, &again, sizeof fresh);
    assert_true(again.expired);
    /* The same cached certificate at other capture times. */
    assert_true(x509_parse(der, n, 1600000000, &again));
    assert_int_equal(x509_cache_hits(), 2);
    assert_false(again.expired);
    assert_false(again.not_yet_valid);
    assert_true(x509_parse(der, n, 100, &again));
    assert_true(again.not_yet_valid);
    assert_false(again.expired);

    /* Serial number variants (the serial's last byte is at offset 16 of
     * "3082 0368 3082 0250 a003 020102 0202 1001"): same length, one byte
     * apart; each is a miss and gets its own fingerprint. 300 of them
     * overflow the table, so the first comes back by a fresh parse. */
    assert_int_equal(der[15], 0x10);
    uint8_t first_sha[32];
    unsigned long long hits = (unsigned long long)x509_cache_hits();
    for (unsigned i = 0; i < 300; i++) {
        der[15] = (uint8_t)(0x20 + i / 256);
        der[16] = (uint8_t)(i % 256);
        assert_true(x509_parse(der, n, CAPTURE_TIME, &again));
        assert_memory_not_equal(again.sha256, fresh.sha256, 32);
        assert_string_equal(again.subject, fresh.subject);
        if (i == 0)
            memcpy(first_sha, again.sha256, 32);
    }
    assert_int_equal(x509_cache_hits(), hits);
    der[15] = 0x20;
    der[16] = 0;
    assert_true(x509_parse(der, n, CAPTURE_TIME, &again)); /* evicted: parsed again */
    assert_int_equal(x509_cache_hits(), hits);
    assert_memory_equal(again.sha256, first_sha, 32);
    der[15] = 0x21;
    der[16] = 299 % 256;
    assert_true(x509_parse(der, n, CAPTURE_TIME, &again)); /* recent: still there */
    assert_int_equal(x509_cache_hits(), hits + 1);

    /* Failures are remembered too, and stay failures. */
    uint8_t junk[64];
    memset(junk, 0x30, sizeof junk);
    assert_false(x509_parse(junk, sizeof junk, CAPTURE_TIME, &again));
    assert_false(x509_parse(junk, sizeof junk, CAPTURE_TIME, &again));
    assert_false(again.parsed);
    assert_int_equal(x509_cache_hits(), hits + 2);
    /* Larger than the cache takes: parsed (here: refused) every time. */
    size_t big_n = 20000;
    uint8_t *big = calloc(1, big_n);
    assert_non_null(big);
    assert_false(x509_parse(big, big_n, CAPTURE_TIME, &again));
    assert_false(x509_parse(big, big_n, CAPTURE_TIME, &again));
    assert_int_equal(x509_cache_hits(), hits + 2);
    free(big);

    x509_cache_clear();
    assert_int_equal(x509_cache_hits(), 0);
    der[15] = 0x10;
    der[16] = 0x01;
    assert_true(x509_parse(der, n, CAPTURE_TIME, &again));
    assert_memory_equal(&fresh, &again, sizeof fresh);
    free(der);
}

/* The CA file is read once and kept while it is unchanged: many
 * verifications give the answer of the first; a rewritten file is read
 * again. */
static void test_chain_ca_reuse(void **state)
{
    (void)state;
    uint8_t *self, *other;
    size_t ns = unhex(self_signed_der, &self), no = unhex(wrong_name_der, &other);
    const uint8_t *ders[1] = { self };
    size_t lens[1] = { ns };
    char err[160];
    char path[] = "/tmp/rdpt-x509-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    write_pem(path, self, ns);
    for (int i = 0; i < 50; i++)
        assert_int_equal(x509_verify_chain(ders, lens, 1, path, CAPTURE_TIME, err, sizeof err),
                         X509_CHAIN_OK);
    /* Expiry is checked at each call's time, not the first one's. */
    assert_int_equal(x509_verify_chain(ders, lens, 1, path, 4102444800 /* 2100 */, err, sizeof err),
                     X509_CHAIN_FAILED);
    assert_non_null(strstr(err, "expired"));
    write_pem(path, other, no);
    assert_int_equal(x509_verify_chain(ders, lens, 1, path, CAPTURE_TIME, err, sizeof err),
                     X509_CHAIN_FAILED);
    write_pem(path, self, ns);
    x509_cache_clear();
    assert_int_equal(x509_verify_chain(ders, lens, 1, path, CAPTURE_TIME, err, sizeof err),
                     X509_CHAIN_OK);
    unlink(path);
    assert_int_equal(x509_verify_chain(ders, lens, 1, path, CAPTURE_TIME, err, sizeof err),
                     X509_CHAIN_NOT_CHECKED);
    assert_non_null(strstr(err, "cannot read CA file"));
    free(self);
    free(other);
}

/* The whole TLS layer on a lab sample: the facts and the verdict. */
static connection *analyse(analysis *a, const char *name)
{
    char path[1024], err[256];
    snprintf(path, sizeof path, "%s/samples/%s.pcap", RDPT_SOURCE_DIR, name);
    analysis_init(a);
    capture_source *src = capture_open_file(path, NULL, err, sizeof err);
    assert_non_null(src);
    assert_true(analysis_read(a, src, path, false));
    capture_close(src);
    assert_non_null(a->first);
    return a->first;
}

static void test_samples(void **state)
{
    (void)state;
    analysis a;
    connection *c = analyse(&a, "cert-expired");
    assert_non_null(c->tls);
    assert_true(c->tls->has_certificate);
    assert_true(c->tls->certs[0].expired);
    assert_int_equal(c->v.cause, CAUSE_CERT_REJECTED);
    assert_int_equal(c->v.confidence, CONF_MEDIUM);
    assert_non_null(strstr(c->v.detail, "expired 2021-01-01"));
    analysis_free(&a);

    c = analyse(&a, "cert-wrong-name");
    assert_false(c->tls->name_matches);
    assert_true(c->tls->expected_from_sni);
    assert_non_null(strstr(c->v.detail, "name mismatch"));
    analysis_free(&a);

    c = analyse(&a, "cert-self-signed-tls13");
    assert_int_equal(c->tls->version, TLS_VERSION_1_3);
    assert_false(c->tls->has_certificate);
    assert_int_equal(c->v.cause, CAUSE_CERT_REJECTED);
    assert_int_equal(c->v.confidence, CONF_LOW);
    assert_non_null(strstr(c->v.detail, "encrypted"));
    analysis_free(&a);

    /* Near-miss: a TLS 1.3 session where the client sent data is a success. */
    c = analyse(&a, "success-tls");
    assert_int_equal(c->tls->version, TLS_VERSION_1_3);
    assert_true(c->tls->app_records[DIR_C2S] > 0);
    assert_int_equal(c->v.cause, CAUSE_SUCCESS);
    analysis_free(&a);

    c = analyse(&a, "tls-old-server");
    assert_int_equal(c->v.cause, CAUSE_VERSION_MISMATCH);
    assert_int_equal(c->tls->version, 0x0302);
    analysis_free(&a);

    c = analyse(&a, "tls-cipher-mismatch");
    assert_int_equal(c->v.cause, CAUSE_CIPHER_MISMATCH);
    assert_non_null(strstr(c->v.detail, "AES128-SHA"));
    analysis_free(&a);
}

/* samples/hostile-strings.pcap: a certificate whose names carry markup,
 * quotes and terminal escapes. The subject reads as RFC 2253 writes it
 * (OpenSSL's escapes, backslashes single), printable ASCII only. */
static void test_hostile_subject(void **state)
{
    (void)state;
    analysis a;
    connection *c = analyse(&a, "hostile-strings");
    while (c && !(c->tls && c->tls->has_certificate))
        c = c->order_next;
    assert_non_null(c);
    assert_true(c->tls->has_certificate);
    assert_string_equal(c->tls->certs[0].subject,
                        "CN=\\<script\\>alert(1)\\</script\\>,OU=ctl\\01\\1B[31mred\\1B[0m\\07end,"
                        "O=\\\"quoted\\\" & 'single' \\<b\\>bold\\</b\\>");
    for (const char *p = c->tls->certs[0].subject; *p; p++)
        assert_true(*p >= 0x20 && *p <= 0x7E);
    analysis_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile_subject),
        cmocka_unit_test(test_expired),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_chain),
        cmocka_unit_test(test_cache),
        cmocka_unit_test(test_chain_ca_reuse),
        cmocka_unit_test(test_samples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

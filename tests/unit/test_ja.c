/* test_ja.c - JA3/JA3S and JA4/JA4S fingerprints (dissectors/ja.c).
 * References: tshark 4.0's tls.handshake.ja3/ja3s on the lab sample below;
 * nDPI's published result for ../shared/captures/ndpi/rdp_over_tls.pcap
 * (ndpi/result/rdp_over_tls.pcap.out: JA3C 043c543b63b895881d9abfbc320cb863,
 * JA3S ae4edc6faf64d08308082ad26be60767, JA4 t12d280600_bbd4f008d9b2_f28add8e7af0);
 * FoxIO's JA4 example (technical_details/JA4.md) for the rules of the format. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "analysis.h"
#include "ja.h"
#include "tls_facts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* samples/cert-self-signed.pcap packet 8 (ClientHello record) and packet 9 (server flight). */
static const char client_hello_rec[] =
    "1603010136010001320303b911ee8ec7720b07a91f885a640557aa98ba809a186f67c0e764242ff916b074204b9ef9fe4cef"
    "53ce421a456059b8b6df1b1193d45b859ed38990d10a34667891003e130213031301c02cc030009fcca9cca8ccaac02bc02f"
    "009ec024c028006bc023c0270067c00ac0140039c009c0130033009d009c003d003c0035002f00ff010000ab0000000e000c"
    "00000931302e33332e322e32000b000403000102000a00160014001d0017001e001900180100010101020103010400230000"
    "0016000000170000000d002a0028040305030603080708080809080a080b0804080508060401050106010303030103020402"
    "05020602002b0009080304030303020301002d00020101003300260024001d002064258cbb8f0f2cbc720892da47e62b83b7"
    "7c1a3e3b1e67aae681ed7185b26827";
static const char server_flight_head[] =
    "16030300410200003d03039f692493d675e91627630bc286ae918ab6bf6d359dec7940d5fd428bcd42bd8800c030000015ff"
    "01000100000b000403000102002300000017000016030303630b00035f00035c000359308203553082023da0030201020214"
    "0f323144b727e38f7ecba393026e616bf1c98a65300d06092a864886f70d01010b0500302c31163014060355040a0c0d7264"
    "70747269616765206c61623112301006035504030c0931302e33332e322e32301e170d3236313132343036313334365a170d";


static size_t unhex(const char *h, uint8_t *out, size_t max)
{
    size_t n = strlen(h) / 2;
    assert_true(n <= max);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(h + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
    return n;
}

static void test_ja3_tshark(void **state)
{
    (void)state;
    uint8_t b[4096];
    size_t n = unhex(client_hello_rec, b, sizeof b);
    tls_client_hello ch;
    assert_int_equal(tls_parse_client_hello(b + 9, n - 9, &ch), TLS_OK);
    char str[1024], md5[JA_MD5_HEX];
    ja_ja3(&ch, str, sizeof str, md5);
    assert_string_equal(md5, "a3afc2c46ba4a7d7fbe1cfb7a3031c2f");
    assert_string_equal(str, "771,4866-4867-4865-49196-49200-159-52393-52392-52394-49195-49199-158-"
                             "49188-49192-107-49187-49191-103-49162-49172-57-49161-49171-51-157-156-"
                             "61-60-53-47-255,0-11-10-35-22-23-13-43-45-51,29-23-30-25-24-256-257-"
                             "258-259-260,0-1-2");
    char ja4[JA4_TEXT];
    ja_ja4(&ch, ja4);
    /* t, TLS 1.3 (supported_versions), SNI present, 31 suites, 10 extensions, no ALPN */
    assert_int_equal(strncmp(ja4, "t13d311000_", 11), 0);
    assert_int_equal(strlen(ja4), 36);

    n = unhex(server_flight_head, b, sizeof b);
    tls_server_hello sh;
    size_t sh_len = ((size_t)b[6] << 16) | ((size_t)b[7] << 8) | b[8];
    assert_int_equal(tls_parse_server_hello(b + 9, sh_len, &sh), TLS_OK);
    ja_ja3s(&sh, str, sizeof str, md5);
    assert_string_equal(md5, "ec74a5c51106f0419184d0dd08fb05bc");
    assert_string_equal(str, "771,49200,65281-11-35-23");
    char ja4s[JA4S_TEXT];
    ja_ja4s(&sh, ja4s);
    assert_int_equal(strncmp(ja4s, "t120400_c030_", 13), 0);
}

static void test_grease_and_alpn(void **state)
{
    (void)state;
    tls_client_hello ch;
    memset(&ch, 0, sizeof ch);
    ch.legacy_version = 0x0303;
    uint16_t suites[] = { 0x0A0A, 0x1301, 0x002F };
    memcpy(ch.suites, suites, sizeof suites);
    ch.n_suites = 3;
    uint16_t exts[] = { 0x2A2A, 0x0000, 0x0010, 0x000D, 0x002B };
    memcpy(ch.extensions, exts, sizeof exts);
    ch.n_extensions = 5;
    ch.has_supported_versions = true;
    ch.versions[0] = 0x3A3A;
    ch.versions[1] = 0x0304;
    ch.n_versions = 2;
    ch.n_alpn = 1;
    ch.alpn0_first = 'h';
    ch.alpn0_last = '2';
    ch.sigalgs[0] = 0x0403;
    ch.n_sigalgs = 1;
    char str[256], md5[JA_MD5_HEX], ja4[JA4_TEXT];
    ja_ja3(&ch, str, sizeof str, md5);
    assert_string_equal(str, "771,4865-47,0-16-13-43,,"); /* GREASE left out */
    ja_ja4(&ch, ja4);
    /* 2 suites and 4 extensions once GREASE is left out; ALPN h2 */
    assert_int_equal(strncmp(ja4, "t13d0204h2_", 11), 0);
    /* b: sha256("002f,1301")[:12]; c: sha256("000d,002b_0403")[:12] */
    assert_string_equal(ja4 + 11, "84cdcbea686c_3953dc75acc4");
    /* A non-alphanumeric ALPN byte gives hex digits; no ALPN gives 00. */
    ch.alpn0_first = 0x01;
    ja_ja4(&ch, ja4);
    assert_int_equal(strncmp(ja4 + 8, "02", 2), 0);
    ch.n_alpn = 0;
    ch.n_suites = 0;
    ch.n_extensions = 0;
    ch.n_sigalgs = 0;
    ja_ja4(&ch, ja4);
    assert_string_equal(ja4, "t13i000000_000000000000_000000000000");
}

static void test_ndpi_capture(void **state)
{
    (void)state;
    char path[1024], err[256];
    snprintf(path, sizeof path, "%s/captures/ndpi/rdp_over_tls.pcap", RDPT_SHARED_DIR);
    if (access(path, R_OK) != 0)
        skip();
    analysis a;
    analysis_init(&a);
    capture_source *src = capture_open_file(path, NULL, err, sizeof err);
    assert_non_null(src);
    assert_true(analysis_read(&a, src, path, false));
    capture_close(src);
    const connection *c = a.first;
    assert_non_null(c);
    assert_non_null(c->tls);
    assert_string_equal(c->tls->ja3, "043c543b63b895881d9abfbc320cb863");
    assert_string_equal(c->tls->ja3s, "ae4edc6faf64d08308082ad26be60767");
    /* nDPI prints 'd' although the ClientHello has no server_name (its own
     * risk list says "Missing SNI"); JA4.md says 'i' then. The hashed parts
     * agree with nDPI. */
    assert_false(c->tls->ch.has_sni);
    assert_string_equal(c->tls->ja4, "t12i280600_bbd4f008d9b2_f28add8e7af0");
    analysis_free(&a);
}

typedef struct {
    char ja3[1024], ja3_md5[JA_MD5_HEX], ja4[JA4_TEXT];
} client_prints;

static void client_fp(const tls_client_hello *ch, client_prints *p)
{
    ja_ja3(ch, p->ja3, sizeof p->ja3, p->ja3_md5);
    ja_ja4(ch, p->ja4);
}

/* Fingerprints are remembered per distinct hello (ja.c): asked again, the
 * same hello gives the same strings, also truncated; a hello that differs
 * in any field a fingerprint reads gets its own, and only the fingerprints
 * that read that field change; the table's overflow loses nothing. */
static void test_cache(void **state)
{
    (void)state;
    uint8_t b[4096];
    size_t n = unhex(client_hello_rec, b, sizeof b);
    tls_client_hello ch;
    assert_int_equal(tls_parse_client_hello(b + 9, n - 9, &ch), TLS_OK);
    client_prints ref, p;
    client_fp(&ch, &ref);
    client_fp(&ch, &p);
    assert_memory_equal(&ref, &p, sizeof ref);
    assert_string_equal(p.ja3_md5, "a3afc2c46ba4a7d7fbe1cfb7a3031c2f");
    char small[10], md5[JA_MD5_HEX];
    ja_ja3(&ch, small, sizeof small, md5);
    assert_string_equal(small, "771,4866-");
    assert_string_equal(md5, ref.ja3_md5);

    /* One field at a time: (JA3 reads it, JA4 reads it). */
    tls_client_hello v = ch;
    v.groups[0] = 0x0018;                /* JA3 only */
    client_fp(&v, &p);
    assert_string_not_equal(p.ja3_md5, ref.ja3_md5);
    assert_string_equal(p.ja4, ref.ja4);
    v = ch;
    v.sigalgs[0] = 0x0401;               /* JA4 only */
    client_fp(&v, &p);
    assert_string_equal(p.ja3_md5, ref.ja3_md5);
    assert_string_not_equal(p.ja4, ref.ja4);
    v = ch;
    v.point_formats[0] = 1;              /* JA3 only */
    client_fp(&v, &p);
    assert_string_not_equal(p.ja3, ref.ja3);
    assert_string_equal(p.ja4, ref.ja4);
    v = ch;
    v.n_alpn = 1;                        /* JA4 only */
    v.alpn0_first = 'h';
    v.alpn0_last = '2';
    client_fp(&v, &p);
    assert_string_equal(p.ja3, ref.ja3);
    assert_int_equal(strncmp(p.ja4 + 8, "h2", 2), 0);
    v.alpn0_last = '1';
    client_fp(&v, &p);
    assert_int_equal(strncmp(p.ja4 + 8, "h1", 2), 0);
    v = ch;
    v.versions[0] = 0x0303;              /* JA4 only: the best offered version is now TLS 1.2 */
    v.n_versions = 1;
    client_fp(&v, &p);
    assert_string_equal(p.ja3, ref.ja3);
    assert_int_equal(strncmp(p.ja4, "t12", 3), 0);
    v = ch;
    v.suites[1] = 0x1302;                /* both, in the same place of the list */
    client_fp(&v, &p);
    assert_string_not_equal(p.ja3_md5, ref.ja3_md5);
    assert_string_not_equal(p.ja4, ref.ja4);

    /* Far more distinct hellos than the table holds, then the first again. */
    for (unsigned i = 0; i < 200; i++) {
        v = ch;
        v.legacy_version = (uint16_t)(0x0100 + i);
        client_fp(&v, &p);
        char expect[16];
        snprintf(expect, sizeof expect, "%u,", 0x0100 + i);
        assert_int_equal(strncmp(p.ja3, expect, strlen(expect)), 0);
    }
    client_fp(&ch, &p);
    assert_memory_equal(&ref, &p, sizeof ref);

    /* Server side: the same, and the suite is in both. */
    n = unhex(server_flight_head, b, sizeof b);
    tls_server_hello sh;
    size_t sh_len = ((size_t)b[6] << 16) | ((size_t)b[7] << 8) | b[8];
    assert_int_equal(tls_parse_server_hello(b + 9, sh_len, &sh), TLS_OK);
    char s1[256], s2[256], m1[JA_MD5_HEX], m2[JA_MD5_HEX], j1[JA4S_TEXT], j2[JA4S_TEXT];
    ja_ja3s(&sh, s1, sizeof s1, m1);
    ja_ja4s(&sh, j1);
    ja_ja3s(&sh, s2, sizeof s2, m2);
    ja_ja4s(&sh, j2);
    assert_string_equal(s1, s2);
    assert_string_equal(m1, m2);
    assert_string_equal(j1, j2);
    assert_string_equal(m1, "ec74a5c51106f0419184d0dd08fb05bc");
    tls_server_hello sv = sh;
    sv.suite = 0xC02F;
    ja_ja3s(&sv, s2, sizeof s2, m2);
    ja_ja4s(&sv, j2);
    assert_string_equal(s2, "771,49199,65281-11-35-23");
    assert_string_not_equal(m1, m2);
    assert_int_equal(strncmp(j2, "t120400_c02f_", 13), 0);
    sv = sh;
    sv.has_alpn = true;                  /* JA4S only */
    sv.alpn_first = 'h';
    sv.alpn_last = '2';
    ja_ja3s(&sv, s2, sizeof s2, m2);
    ja_ja4s(&sv, j2);
    assert_string_equal(m1, m2);
    assert_int_equal(strncmp(j2, "t1204h2_c030_", 13), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ja3_tshark),
        cmocka_unit_test(test_grease_and_alpn),
        cmocka_unit_test(test_ndpi_capture),
        cmocka_unit_test(test_cache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_tls.c - the TLS dissector (dissectors/tls.c) on real handshake bytes
 * cut from the project's lab captures with
 *   tshark -r samples/NAME.pcap -Y frame.number==N -T fields -e tcp.payload
 * and on truncated and malformed variants of them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* samples/cert-self-signed.pcap packet 8: the client's ClientHello record (xfreerdp 2.11). */
static const char cert_self_signed_ch[] =
    "1603010136010001320303b911ee8ec7720b07a91f885a640557aa98ba809a186f67c0e764242ff916b074204b9ef9fe4cef"
    "53ce421a456059b8b6df1b1193d45b859ed38990d10a34667891003e130213031301c02cc030009fcca9cca8ccaac02bc02f"
    "009ec024c028006bc023c0270067c00ac0140039c009c0130033009d009c003d003c0035002f00ff010000ab0000000e000c"
    "00000931302e33332e322e32000b000403000102000a00160014001d0017001e001900180100010101020103010400230000"
    "0016000000170000000d002a0028040305030603080708080809080a080b0804080508060401050106010303030103020402"
    "05020602002b0009080304030303020301002d00020101003300260024001d002064258cbb8f0f2cbc720892da47e62b83b7"
    "7c1a3e3b1e67aae681ed7185b26827";

/* samples/cert-self-signed.pcap packet 9: ServerHello, Certificate, ServerKeyExchange,
 * ServerHelloDone in one TLS 1.2 record (xrdp 0.9.21). */
static const char cert_self_signed_flight[] =
    "16030300410200003d03039f692493d675e91627630bc286ae918ab6bf6d359dec7940d5fd428bcd42bd8800c030000015ff"
    "01000100000b000403000102002300000017000016030303630b00035f00035c000359308203553082023da0030201020214"
    "0f323144b727e38f7ecba393026e616bf1c98a65300d06092a864886f70d01010b0500302c31163014060355040a0c0d7264"
    "70747269616765206c61623112301006035504030c0931302e33332e322e32301e170d3236313132343036313334365a170d"
    "3336313132313036313334365a302c31163014060355040a0c0d726470747269616765206c61623112301006035504030c09"
    "31302e33332e322e3230820122300d06092a864886f70d01010105000382010f003082010a0282010100a2e070e69f97f6c5"
    "dcf4f0fc9ad0987e247ce2d46dae2be0c618d8225545a253216542bf6ed61ad3d26902b0768dcb1923b6c90bc1c5562780d7"
    "ea5c7c8bd50c1a05e3e2fec15ac57e44cd14619b23118e6756aa204b046af63264bf3b230962c30337a8087339bac8bee853"
    "0848d83e961b689d7997eb4f802986d629c8f6732aa8e113feea1445611526aa7171db55caae6991b8f4eb228b6de89225db"
    "a66c0f7f42c209c881f1371e125533722f3341d7f6d47b4b1c8296e494d545b8fc0160a2ab60f3390f0eedb90b09a24279e7"
    "e9c04f8173fb20da4d0ce981546d19c9cf86d96f41f10cecdabc3b9f779c6f32549374c5a523dfd5dc6ff9b41574af230203"
    "010001a36f306d301d0603551d0e04160414dbb664fcc0407639f9263b4d1b2ce9bfc5483c98301f0603551d230418301680"
    "14dbb664fcc0407639f9263b4d1b2ce9bfc5483c98300f0603551d130101ff040530030101ff301a0603551d110413301182"
    "0931302e33332e322e3287040a210202300d06092a864886f70d01010b050003820101004b6e5292246bcbe2510bd0b807b5"
    "830dada7dfa2638339246b33d9051fee8ffac8f325f1aeb61fd8dbdd65840ba7f045ceb9869de7ad0abbb51f19f77ffde26d"
    "0741fcf9e25076a30f44ec049ee09bb8770c5b96a31d5d62f7e612dc99284922465bae1296bd20c4e3bf1d57ad12561b4467"
    "5d661b357502ecbdb5a22488d606141f89ff1eb18062a33ed9488762f34ece4aa75cc5e6e1299d1069aab492e38d83a57252"
    "7947e02190770f2ad0977ac4baf85b90fcb1ccac4fc670643a21d1b7da56fa650cac8c9a8f47587c71be470791d3467b3822"
    "7e0ee9d1780de5df17e29a7e4969d22199c33cfe73fd4a6d1596e4255c5f9990d48607b7dd4ae68bcb89160303012c0c0001"
    "2803001d205d3e7a34dd5dca2f8b7a1573dad39f26444f9413e97bbf54bd5d434c1de84c69080401004dfd8e4084aced723f"
    "b6f9e7ad88699c44aaadc1c8f41cdea2247bcfd438291b80357356574ed5d3b20f1aa5412d102aed304d70f7ff4cd71c4d0f"
    "326317decb1bb1430c86fe8de7e8467fc5b94e3d27b8411e00b0618539257b528044c73fc8618bb210c8e081ddbf1afec186"
    "9ccccfa8c03897bffc3293fc101359ceb82cd15e8242db5de5205e3ab354e266659ceb9de3a0a7eadc1e41b62fed20b6a775"
    "b24b7f73b7a10574aacac3a687939a8ac3cfb488bf71a938f05316a16f659c5247262bf7b63c5dba67c42d5201fe0c3c9544"
    "9c58f44ddd78eb28d1d7cb1c3c54fc3ace7a49ec0f50e8797f5d541ba4f7ef14b97c80dba94f39e909a3a03848512a160303"
    "00040e000000";

/* samples/tls-cipher-mismatch.pcap packet 8: ClientHello offering AES128-SHA and the TLS 1.3 suites. */
static const char cipher_mismatch_ch[] =
    "1603010102010000fe0303535dd5fea56467b929145a82f31d3293bfca533803e2d4e007f61926614e57b220650168c9d144"
    "7cde04419f220be2d4b3a1c8b6e7ec25418b281b6d2f374007e4000a130213031301002f00ff010000ab0000000e000c0000"
    "0931302e33332e322e32000b000403000102000a00160014001d0017001e0019001801000101010201030104002300000016"
    "000000170000000d002a0028040305030603080708080809080a080b08040805080604010501060103030301030204020502"
    "0602002b0009080304030303020301002d00020101003300260024001d00207df71eb698a306ccbf1663f3f8560b48fcb4ee"
    "314a08e91695995cfbb57fa96c";

/* samples/cert-self-signed-tls13.pcap packet 9: ServerHello (TLS 1.3), CCS, protected records. */
static const char tls13_flight[] =
    "160303007a020000760303d21521dad360b5fd9c7248e4bcde8881b108bbe49c5d44d79545b27e3d1174d1200bfa46f50423"
    "6e5b3bb27ea61b34831a7c5c750802dcd860bfe2dba7f8b0182d130200002e002b0002030400330024001d0020742f297c5d"
    "023d89a67a97ff64d9a6e7d13c6ae5ad89f0bf12590a717bf33f331403030001011703030017c068e8678a80bc2ca8609a3a"
    "0b9c208c2ec9a1c3d8ecea1703030377114e8ab8a96200ec88c9a02bc0e81e149dd1111c85019beefa645d66663f7cc7ad67"
    "56010da6e07d2cea4cab7e7e5ff6ce61e83e0e82518c977d8c1b190599922a7dc86967ab96db21ab95374563abe7363570ed"
    "b5a2e1172fffa86a6c4d0bfefd51f8d517db769e57b32232461ae6bec252100aae2082ab72775c47c4695fe7b0a2acbbb51c"
    "997e86e238cbef26510e27380084d7087bb978cb1841244d50c832902abcdc01bf08705d91c0f0e4efa4ecded24d59fa0be2"
    "f38511c65412bb75a2435bff45e7a3efe64505ede81012641b523887099e316011c7f21e0cb17a551949373288d4e3437d17"
    "239126af50f1ba1e164fc2abe6f0b94182762382116bc611dd2f25a8f4ab30c291ae9957a744c396b6bceae2fa11f6b1779b"
    "2319b3159fc16773cc064836e92bdc2fd362bca7014738225dd67a815fa789708c5e9fc1b9797e01a8fce1bd9b5fbc4e2977"
    "9c98aeff291e89f0243c4427e4377002415df63b9a5df52c2957028097453bcf5d7fbf0af09f0685ba43fd25d854a924ad8a"
    "e43d76faf0b39199a960cc1f93f2b37bd231bc2865235ae8d9c8042e8b046596b35f35646cc003479cc513b319637cdbcc29"
    "b2fa8708a25e5a75181f12f62bb85f25d26b5043a3c665e47644baed414fb8f23c6357f7268f130d0ce528d3a9cece958f58"
    "ec9ac812bb372ce7e087fb4f3d6ace98be4d85a3cee94eb005a4db4bfbc57031d27de72ce47d670c4d9ac8d37a263dda5c16"
    "03583f707d53fdb5790123e1c374736075a7a8838d1379a1a790be285d877f7a9018b674c7c66604f1c08373f04ee43f394a"
    "3d9b23b3a8497761e240fbb2ad87db2c96623c91083c771bad85f8ae763d2270ad065b4e1e466127ae1943f5eda45dc2db3f"
    "635ece40839cdabf3c61fc7bd2a6cc8f263b3ad97d94144f2a07cca24567aed5b964f40745dd8ef8d799f0386300b7ca7508"
    "b21bc17ebdd17317e8e010ca977e448cc93df2fae380880d64dd24001ca83f0cb1e216abfba8aaaf18f340dd73e5763dcd82"
    "358e94e9d31a2e39bec9a030047739c2e47715a0ae911aa416059c7069f6bf8d32f4fcafd585a28ebf91e604064528a71f54"
    "8ab726f65906e100613f27cc5d0dee3ca91a0850f89bace89b037f3ef4aa818c653dcb7426cdb2e43bbee3ce468fbe6cc733"
    "d50cec6c33719a3a4f595bdec38dd0641cada5a0ae693b8627c0c79b36d6f4b84632b07721c894db371203f618fd1a085d1b"
    "60198f1703030119975b03e226a3d2ae902a3a41988762a77449ab49a4d3ec3e9915bc368095488aed3a1a064e7466334d00"
    "3bcb2464353b25f686f4729271def993b5baac8045325dc9f6bf1a2128d0c10ad2128632ee5d64c71f4b4a5f46c3533db3a6"
    "756739a4f6dae2860c3c2da21499a922b47eed9bd123d32a1ee3f5704948469bedbbcb412b1ea2497263f3c275c6cf413a9e"
    "54e752729b34a9bdf613f942c7fc7c9f06e499676747f3253d8f655d96e057604e3cb116d2059337356e650ac8167b7ff47e"
    "6c34cdc2c3f36e63d6a5182dff9fd4fc9387213128f576da89f0295d180e78bf972c0f9940f8733902b31247f65c3d5be590"
    "80820368d22b411c75bf6eed2457b494d6f00129b4f0cdee3d7481f6e25620e4187ddbb75c6e901703030045aec63f4e32dd"
    "2ad183e976a9753324cd7803b03f10d624ccdf58cc64c4451942efcde199d3063fae1ae3335ffc773fd7f2de6c0b737f6c4a"
    "4753233cd3c0c2ecee68e073af";


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

/* What the stream reported, for the assertions. */
typedef struct {
    unsigned handshakes, ccs, alerts, enc_alerts, enc_hs, appdata, malformed, capped;
    uint8_t hs_types[16];
    uint32_t hs_lens[16];
    tls_client_hello ch;
    tls_server_hello sh;
    tls_cert_list certs;
    tls_status ch_status, sh_status, cert_status;
    uint8_t alert_level, alert_desc;
} seen;

static void on_item(void *ctx, const tls_item *it)
{
    seen *s = ctx;
    switch (it->kind) {
    case TLS_ITEM_HANDSHAKE:
        if (s->handshakes < 16) {
            s->hs_types[s->handshakes] = it->hs_type;
            s->hs_lens[s->handshakes] = it->body_len;
        }
        s->handshakes++;
        if (it->hs_type == TLS_HS_CLIENT_HELLO)
            s->ch_status = tls_parse_client_hello(it->body, it->body_len, &s->ch);
        if (it->hs_type == TLS_HS_SERVER_HELLO)
            s->sh_status = tls_parse_server_hello(it->body, it->body_len, &s->sh);
        if (it->hs_type == TLS_HS_CERTIFICATE)
            s->cert_status = tls_parse_certificate(it->body, it->body_len, &s->certs);
        break;
    case TLS_ITEM_HANDSHAKE_CAPPED: s->capped++; break;
    case TLS_ITEM_CHANGE_CIPHER_SPEC: s->ccs++; break;
    case TLS_ITEM_ALERT:
        s->alerts++;
        s->alert_level = it->alert_level;
        s->alert_desc = it->alert_desc;
        break;
    case TLS_ITEM_ENCRYPTED_ALERT: s->enc_alerts++; break;
    case TLS_ITEM_ENCRYPTED_HANDSHAKE: s->enc_hs++; break;
    case TLS_ITEM_APPLICATION_DATA: s->appdata++; break;
    case TLS_ITEM_MALFORMED: s->malformed++; break;
    default: break;
    }
}

/* Frames records the way layer_tls.c does and feeds the stream in pieces
 * of `step` bytes, so every message crosses chunk boundaries. */
static void feed(tls_stream *st, const uint8_t *p, size_t len, size_t step, seen *s)
{
    uint8_t hdr[5];
    size_t hdr_len = 0, left = 0;
    size_t i = 0;
    while (i < len) {
        size_t n = len - i < step ? len - i : step;
        const uint8_t *q = p + i;
        i += n;
        while (n > 0) {
            if (left > 0) {
                size_t k = n < left ? n : left;
                tls_stream_data(st, q, k, on_item, s);
                left -= k;
                q += k;
                n -= k;
                continue;
            }
            hdr[hdr_len++] = *q++;
            n--;
            if (hdr_len == 5) {
                tls_stream_record(st, hdr, on_item, s);
                left = ((size_t)hdr[3] << 8) | hdr[4];
                hdr_len = 0;
            }
        }
    }
}

static void test_client_hello_real(void **state)
{
    (void)state;
    uint8_t *b;
    size_t n = unhex(cert_self_signed_ch, &b);
    for (size_t step = 1; step <= n; step = step * 3 + 1) {
        tls_stream st;
        seen s;
        memset(&s, 0, sizeof s);
        tls_stream_init(&st);
        feed(&st, b, n, step, &s);
        assert_int_equal(s.handshakes, 1);
        assert_int_equal(s.hs_types[0], TLS_HS_CLIENT_HELLO);
        assert_int_equal(s.ch_status, TLS_OK);
        /* tshark: Version 0x0303, 31 suites, SNI 10.33.2.2, supported_versions 1.3..1.0 */
        assert_int_equal(s.ch.legacy_version, 0x0303);
        assert_int_equal(s.ch.n_suites, 31);
        assert_int_equal(s.ch.suites[0], 0x1302);
        assert_true(s.ch.has_sni);
        assert_string_equal(s.ch.sni, "10.33.2.2");
        assert_true(s.ch.has_supported_versions);
        assert_int_equal(s.ch.n_versions, 4);
        assert_int_equal(s.ch.versions[0], 0x0304);
        assert_int_equal(s.ch.versions[3], 0x0301);
        assert_true(s.ch.extended_master_secret);
        assert_true(s.ch.renegotiation_info); /* the SCSV 0x00FF */
        assert_true(s.ch.session_ticket);
        assert_false(s.ch.session_ticket_resumption);
        assert_int_equal(s.ch.n_key_shares, 1);
        assert_int_equal(s.ch.key_share_groups[0], 29); /* x25519 */
        assert_int_equal(s.ch.n_groups, 10);
        assert_int_equal(s.ch.n_point_formats, 3);
        assert_true(s.ch.n_sigalgs > 0);
        tls_stream_free(&st);
    }
    free(b);
}

static void test_server_flight_real(void **state)
{
    (void)state;
    uint8_t *b;
    size_t n = unhex(cert_self_signed_flight, &b);
    for (size_t step = 1; step <= n; step = step * 5 + 3) {
        tls_stream st;
        seen s;
        memset(&s, 0, sizeof s);
        tls_stream_init(&st);
        feed(&st, b, n, step, &s);
        assert_int_equal(s.handshakes, 4);
        assert_int_equal(s.hs_types[0], TLS_HS_SERVER_HELLO);
        assert_int_equal(s.hs_types[1], TLS_HS_CERTIFICATE);
        assert_int_equal(s.hs_types[2], TLS_HS_SERVER_KEY_EXCHANGE);
        assert_int_equal(s.hs_types[3], TLS_HS_SERVER_HELLO_DONE);
        assert_int_equal(s.hs_lens[3], 0);
        assert_int_equal(s.sh_status, TLS_OK);
        assert_int_equal(s.sh.selected_version, 0x0303);
        assert_int_equal(s.sh.suite, 0xC030); /* ECDHE-RSA-AES256-GCM-SHA384 */
        assert_false(s.sh.hello_retry_request);
        assert_true(s.sh.extended_master_secret);
        assert_int_equal(s.cert_status, TLS_OK);
        assert_int_equal(s.certs.n_certs, 1);
        assert_true(s.certs.len[0] > 500);
        tls_stream_free(&st);
    }
    free(b);
}

static void test_server_key_exchange(void **state)
{
    (void)state;
    /* ECParameters: named_curve (3), x25519 (29), then a point. */
    const uint8_t ske[] = { 3, 0, 29, 32, 1, 2, 3 };
    tls_server_kx kx;
    assert_int_equal(tls_parse_server_key_exchange(ske, sizeof ske, TLS_KX_ECDHE, &kx), TLS_OK);
    assert_true(kx.ecdhe);
    assert_int_equal(kx.group, 29);
    assert_int_equal(tls_parse_server_key_exchange(ske, 2, TLS_KX_ECDHE, &kx), TLS_TRUNCATED);
    const uint8_t bad[] = { 1, 0, 29 };
    assert_int_equal(tls_parse_server_key_exchange(bad, sizeof bad, TLS_KX_ECDHE, &kx), TLS_MALFORMED);
    /* ServerDHParams with a 2048-bit prime (256 bytes, top bit set). */
    uint8_t dh[2 + 256 + 3];
    memset(dh, 0, sizeof dh);
    dh[0] = 1;
    dh[1] = 0;
    dh[2] = 0x80;
    assert_int_equal(tls_parse_server_key_exchange(dh, sizeof dh, TLS_KX_DHE, &kx), TLS_OK);
    assert_true(kx.dhe);
    assert_int_equal(kx.dh_bits, 2048);
}

static void test_cipher_mismatch_hello(void **state)
{
    (void)state;
    uint8_t *b;
    size_t n = unhex(cipher_mismatch_ch, &b);
    tls_stream st;
    seen s;
    memset(&s, 0, sizeof s);
    tls_stream_init(&st);
    feed(&st, b, n, n, &s);
    assert_int_equal(s.ch_status, TLS_OK);
    /* tshark: the three TLS 1.3 suites, AES128-SHA (0x002F) and the SCSV. */
    bool aes128 = false;
    for (unsigned i = 0; i < s.ch.n_suites; i++)
        aes128 = aes128 || s.ch.suites[i] == 0x002F;
    assert_true(aes128);
    assert_int_equal(s.ch.n_suites, 5);
    tls_stream_free(&st);
    free(b);
}

static void test_tls13_flight(void **state)
{
    (void)state;
    uint8_t *b;
    size_t n = unhex(tls13_flight, &b);
    tls_stream st;
    seen s;
    memset(&s, 0, sizeof s);
    tls_stream_init(&st);
    /* The caller (layer_tls.c) switches the stream to TLS 1.3 after the
     * ServerHello; emulate it: feed the first record, switch, feed the rest. */
    size_t first = 5 + (((size_t)b[3] << 8) | b[4]);
    feed(&st, b, first, 7, &s);
    assert_int_equal(s.sh_status, TLS_OK);
    assert_int_equal(s.sh.legacy_version, 0x0303);
    assert_int_equal(s.sh.selected_version, TLS_VERSION_1_3);
    assert_true(s.sh.has_supported_versions);
    assert_true(s.sh.has_key_share);
    st.tls13 = true;
    st.encrypted = true;
    feed(&st, b + first, n - first, 11, &s);
    assert_int_equal(s.handshakes, 1);   /* everything after is protected */
    assert_int_equal(s.ccs, 1);
    assert_int_equal(s.appdata, 4);      /* tshark: four Application Data records */
    tls_stream_free(&st);
    free(b);
}

static void test_alerts_and_ccs(void **state)
{
    (void)state;
    /* A plaintext fatal protocol_version alert (samples/tls13-only-server packet 10). */
    const uint8_t alert[] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46 };
    tls_stream st;
    seen s;
    memset(&s, 0, sizeof s);
    tls_stream_init(&st);
    feed(&st, alert, sizeof alert, 1, &s);
    assert_int_equal(s.alerts, 1);
    assert_int_equal(s.alert_level, 2);
    assert_int_equal(s.alert_desc, 70);
    /* After the sender's ChangeCipherSpec an alert record is encrypted (TLS 1.2). */
    const uint8_t ccs_then_alert[] = { 0x14, 0x03, 0x03, 0x00, 0x01, 0x01, 0x15, 0x03, 0x03,
                                       0x00, 0x04, 0xAA, 0xBB, 0xCC, 0xDD, 0x16, 0x03, 0x03,
                                       0x00, 0x02, 0x14, 0x00 };
    feed(&st, ccs_then_alert, sizeof ccs_then_alert, 3, &s);
    assert_int_equal(s.ccs, 1);
    assert_int_equal(s.alerts, 1);
    assert_int_equal(s.enc_alerts, 1);
    assert_int_equal(s.enc_hs, 1);
    assert_int_equal(s.handshakes, 0);
    tls_stream_free(&st);
}

static void test_truncated_and_malformed(void **state)
{
    (void)state;
    uint8_t *b;
    size_t n = unhex(cert_self_signed_ch, &b);
    const uint8_t *body = b + 9;          /* record header 5 + handshake header 4 */
    size_t blen = n - 9;
    tls_client_hello ch;
    /* Every truncation is reported, never read past. */
    for (size_t cut = 0; cut < blen; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1);
        memcpy(copy, body, cut);
        tls_status st = tls_parse_client_hello(copy, cut, &ch);
        assert_true(st == TLS_TRUNCATED || st == TLS_MALFORMED || st == TLS_OK);
        free(copy);
    }
    assert_int_equal(tls_parse_client_hello(body, 10, &ch), TLS_TRUNCATED);
    /* A session id longer than 32 is malformed (RFC 8446 4.1.2). */
    uint8_t *bad = malloc(blen);
    memcpy(bad, body, blen);
    bad[34] = 33;
    assert_int_equal(tls_parse_client_hello(bad, blen, &ch), TLS_MALFORMED);
    /* An odd cipher_suites length. */
    memcpy(bad, body, blen);
    size_t sid = body[34];
    bad[35 + sid + 1] |= 1;
    assert_int_equal(tls_parse_client_hello(bad, blen, &ch), TLS_MALFORMED);
    /* An extension whose length runs past the block. */
    memcpy(bad, body, blen);
    bad[blen - 1 - 0] = 0xFF;
    tls_status st = tls_parse_client_hello(bad, blen, &ch);
    assert_true(st == TLS_OK || st == TLS_MALFORMED);
    free(bad);
    /* Random bytes through every parser. */
    srand(4);
    uint8_t junk[300];
    tls_server_hello sh;
    tls_cert_list cl;
    tls_server_kx kx;
    for (int round = 0; round < 2000; round++) {
        size_t l = (size_t)(rand() % (int)sizeof junk);
        for (size_t i = 0; i < l; i++)
            junk[i] = (uint8_t)rand();
        (void)tls_parse_client_hello(junk, l, &ch);
        (void)tls_parse_server_hello(junk, l, &sh);
        assert_int_not_equal(tls_parse_certificate(junk, l, &cl), 99);
        assert_true(cl.n_certs <= TLS_MAX_CERTS);
        (void)tls_parse_server_key_exchange(junk, l, TLS_KX_DHE, &kx);
    }
    free(b);
}

static void test_handshake_cap(void **state)
{
    (void)state;
    /* A Certificate message declaring 1 MiB: reported as capped, skipped,
     * and the next message is still found. */
    tls_stream st;
    seen s;
    memset(&s, 0, sizeof s);
    tls_stream_init(&st);
    uint8_t hdr[5] = { 0x16, 0x03, 0x03, 0x00, 0x08 };
    uint8_t body[8] = { 11, 0x10, 0x00, 0x00, 0, 0, 0, 0 };
    tls_stream_record(&st, hdr, on_item, &s);
    tls_stream_data(&st, body, sizeof body, on_item, &s);
    assert_int_equal(s.capped, 1);
    /* the skipped message's remaining bytes are dropped */
    static uint8_t filler[16384];
    uint32_t left = 0x100000 - 4;
    while (left > 0) {
        uint32_t k = left < sizeof filler ? left : (uint32_t)sizeof filler;
        uint8_t h2[5] = { 0x16, 0x03, 0x03, (uint8_t)(k >> 8), (uint8_t)k };
        tls_stream_record(&st, h2, on_item, &s);
        tls_stream_data(&st, filler, k, on_item, &s);
        left -= k;
    }
    uint8_t done_hdr[5] = { 0x16, 0x03, 0x03, 0x00, 0x04 };
    uint8_t done[4] = { 14, 0, 0, 0 };
    tls_stream_record(&st, done_hdr, on_item, &s);
    tls_stream_data(&st, done, sizeof done, on_item, &s);
    assert_int_equal(s.handshakes, 1);
    assert_int_equal(s.hs_types[0], TLS_HS_SERVER_HELLO_DONE);
    assert_true(st.hs_alloc <= TLS_HS_HEADER_LEN + TLS_HS_MAX);
    tls_stream_free(&st);
}

static void test_lost_bytes(void **state)
{
    (void)state;
    uint8_t *b;
    size_t n = unhex(cert_self_signed_flight, &b);
    assert_true(n > 300);
    tls_stream st;
    seen s;
    memset(&s, 0, sizeof s);
    tls_stream_init(&st);
    feed(&st, b, 300, 300, &s);       /* part of the first record */
    tls_stream_lost(&st);              /* a capture gap */
    assert_false(st.in_record);
    assert_int_equal(st.hs_len, 0);
    assert_int_equal(s.handshakes, 1); /* only the ServerHello was complete */
    tls_stream_free(&st);
    free(b);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(tls_suite_name(0xC030), "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
    assert_string_equal(tls_suite_lookup(0xC030)->openssl, "ECDHE-RSA-AES256-GCM-SHA384");
    assert_int_equal(tls_suite_lookup(0x002F)->kx, TLS_KX_RSA);
    assert_int_equal(tls_suite_lookup(0x1301)->kx, TLS_KX_TLS13);
    assert_null(tls_suite_lookup(0x0A0A));
    char buf[128];
    tls_suite_str(0x0A0A, buf, sizeof buf);
    assert_string_equal(buf, "0x0A0A");
    assert_string_equal(tls_version_name(0x0303), "TLS 1.2");
    assert_string_equal(tls_alert_name(70), "protocol_version");
    assert_string_equal(tls_alert_name(40), "handshake_failure");
    assert_null(tls_alert_name(3));
    assert_string_equal(tls_extension_name(43), "supported_versions");
    assert_string_equal(tls_group_name(29), "x25519");
    assert_true(tls_is_grease(0x1A1A));
    assert_true(tls_is_grease(0xFAFA));
    assert_false(tls_is_grease(0x1A2A));
    assert_false(tls_is_grease(0x0303));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_client_hello_real),
        cmocka_unit_test(test_server_flight_real),
        cmocka_unit_test(test_server_key_exchange),
        cmocka_unit_test(test_cipher_mismatch_hello),
        cmocka_unit_test(test_tls13_flight),
        cmocka_unit_test(test_alerts_and_ccs),
        cmocka_unit_test(test_truncated_and_malformed),
        cmocka_unit_test(test_handshake_cap),
        cmocka_unit_test(test_lost_bytes),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

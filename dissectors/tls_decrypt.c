/* tls_decrypt.c - see tls_decrypt.h. */
#include "tls_decrypt.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECRET_MAX 64
#define MAC_KEY_MAX 48
#define KEY_MAX 32
#define IV_MAX 16
#define TAG_LEN 16

/* The suites this file can decrypt: IANA registry names and parameters
 * (RFC 5246 A.5 and C, RFC 5288/5289 (GCM), RFC 4492/8422 (ECDHE),
 * RFC 7905 (ChaCha20-Poly1305), RFC 8446 B.4 (TLS 1.3)). The PRF hash is
 * SHA-256 for every TLS 1.2 suite except those ending in _SHA384 (RFC 5246 5,
 * RFC 5289 3.2). */
static const tlsd_suite suites[] = {
    { 0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", TLSD_CIPHER_3DES_CBC, 24, 20, "SHA1", "SHA256", TLSD_KX_RSA },
    { 0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA", TLSD_CIPHER_AES_CBC, 16, 20, "SHA1", "SHA256", TLSD_KX_RSA },
    { 0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", TLSD_CIPHER_AES_CBC, 16, 20, "SHA1", "SHA256", TLSD_KX_DHE },
    { 0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", TLSD_CIPHER_AES_CBC, 32, 20, "SHA1", "SHA256", TLSD_KX_RSA },
    { 0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", TLSD_CIPHER_AES_CBC, 32, 20, "SHA1", "SHA256", TLSD_KX_DHE },
    { 0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256", TLSD_CIPHER_AES_CBC, 16, 32, "SHA256", "SHA256", TLSD_KX_RSA },
    { 0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256", TLSD_CIPHER_AES_CBC, 32, 32, "SHA256", "SHA256", TLSD_KX_RSA },
    { 0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", TLSD_CIPHER_AES_CBC, 16, 32, "SHA256", "SHA256", TLSD_KX_DHE },
    { 0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", TLSD_CIPHER_AES_CBC, 32, 32, "SHA256", "SHA256", TLSD_KX_DHE },
    { 0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256", TLSD_CIPHER_AES_GCM, 16, 0, NULL, "SHA256", TLSD_KX_RSA },
    { 0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384", TLSD_CIPHER_AES_GCM, 32, 0, NULL, "SHA384", TLSD_KX_RSA },
    { 0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", TLSD_CIPHER_AES_GCM, 16, 0, NULL, "SHA256", TLSD_KX_DHE },
    { 0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", TLSD_CIPHER_AES_GCM, 32, 0, NULL, "SHA384", TLSD_KX_DHE },
    { 0x1301, "TLS_AES_128_GCM_SHA256", TLSD_CIPHER_AES_GCM, 16, 0, NULL, "SHA256", TLSD_KX_TLS13 },
    { 0x1302, "TLS_AES_256_GCM_SHA384", TLSD_CIPHER_AES_GCM, 32, 0, NULL, "SHA384", TLSD_KX_TLS13 },
    { 0x1303, "TLS_CHACHA20_POLY1305_SHA256", TLSD_CIPHER_CHACHA20_POLY1305, 32, 0, NULL, "SHA256", TLSD_KX_TLS13 },
    { 0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", TLSD_CIPHER_AES_CBC, 16, 20, "SHA1", "SHA256", TLSD_KX_ECDHE },
    { 0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", TLSD_CIPHER_AES_CBC, 32, 20, "SHA1", "SHA256", TLSD_KX_ECDHE },
    { 0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", TLSD_CIPHER_3DES_CBC, 24, 20, "SHA1", "SHA256", TLSD_KX_ECDHE },
    { 0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", TLSD_CIPHER_AES_CBC, 16, 20, "SHA1", "SHA256", TLSD_KX_ECDHE },
    { 0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", TLSD_CIPHER_AES_CBC, 32, 20, "SHA1", "SHA256", TLSD_KX_ECDHE },
    { 0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", TLSD_CIPHER_AES_CBC, 16, 32, "SHA256", "SHA256", TLSD_KX_ECDHE },
    { 0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", TLSD_CIPHER_AES_CBC, 32, 48, "SHA384", "SHA384", TLSD_KX_ECDHE },
    { 0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", TLSD_CIPHER_AES_CBC, 16, 32, "SHA256", "SHA256", TLSD_KX_ECDHE },
    { 0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", TLSD_CIPHER_AES_CBC, 32, 48, "SHA384", "SHA384", TLSD_KX_ECDHE },
    { 0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", TLSD_CIPHER_AES_GCM, 16, 0, NULL, "SHA256", TLSD_KX_ECDHE },
    { 0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", TLSD_CIPHER_AES_GCM, 32, 0, NULL, "SHA384", TLSD_KX_ECDHE },
    { 0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", TLSD_CIPHER_AES_GCM, 16, 0, NULL, "SHA256", TLSD_KX_ECDHE },
    { 0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", TLSD_CIPHER_AES_GCM, 32, 0, NULL, "SHA384", TLSD_KX_ECDHE },
    { 0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", TLSD_CIPHER_CHACHA20_POLY1305, 32, 0, NULL, "SHA256", TLSD_KX_ECDHE },
    { 0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", TLSD_CIPHER_CHACHA20_POLY1305, 32, 0, NULL, "SHA256", TLSD_KX_ECDHE },
    { 0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", TLSD_CIPHER_CHACHA20_POLY1305, 32, 0, NULL, "SHA256", TLSD_KX_DHE },
};

const tlsd_suite *tls_decrypt_suite(uint16_t code)
{
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
        if (suites[i].code == code)
            return &suites[i];
    return NULL;
}

const char *tls_decrypt_status_name(tlsd_status st)
{
    switch (st) {
    case TLSD_OK: return "decrypted";
    case TLSD_PLAINTEXT: return "plaintext";
    case TLSD_NO_KEYS: return "no keys";
    case TLSD_UNSUPPORTED: return "unsupported";
    case TLSD_BAD_RECORD: return "bad record";
    case TLSD_AUTH_FAILED: return "authentication failed";
    case TLSD_STOPPED: return "stopped";
    case TLSD_INTERNAL: return "internal error";
    }
    return "?";
}

/* ---- derivations ------------------------------------------------------- */

bool tls_decrypt_prf(const char *md, const uint8_t *secret, size_t secret_len, const char *label,
                     const uint8_t *seed, size_t seed_len, uint8_t *out, size_t out_len)
{
    size_t label_len = strlen(label);
    uint8_t *ls = malloc(label_len + seed_len + 1);
    if (!ls)
        return false;
    memcpy(ls, label, label_len);
    if (seed_len)
        memcpy(ls + label_len, seed, seed_len);
    bool ok = false;
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "TLS1-PRF", NULL);
    EVP_KDF_CTX *kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    if (kctx) {
        OSSL_PARAM params[4];
        params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)md, 0);
        params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, (void *)secret,
                                                      secret_len);
        params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, ls,
                                                      label_len + seed_len);
        params[3] = OSSL_PARAM_construct_end();
        ok = EVP_KDF_derive(kctx, out, out_len, params) > 0;
    }
    EVP_KDF_CTX_free(kctx);
    EVP_KDF_free(kdf);
    free(ls);
    return ok;
}

bool tls_decrypt_hkdf_expand_label(const char *md, const uint8_t *secret, size_t secret_len,
                                   const char *label, const uint8_t *context, size_t context_len,
                                   uint8_t *out, size_t out_len)
{
    /* struct { uint16 length; opaque label<7..255> = "tls13 " + Label;
     *          opaque context<0..255>; } HkdfLabel;   (RFC 8446 7.1) */
    uint8_t info[2 + 1 + 255 + 1 + 255];
    size_t label_len = strlen(label);
    if (out_len > 0xFFFF || 6 + label_len > 255 || context_len > 255)
        return false;
    size_t n = 0;
    info[n++] = (uint8_t)(out_len >> 8);
    info[n++] = (uint8_t)out_len;
    info[n++] = (uint8_t)(6 + label_len);
    memcpy(info + n, "tls13 ", 6);
    n += 6;
    memcpy(info + n, label, label_len);
    n += label_len;
    info[n++] = (uint8_t)context_len;
    if (context_len)
        memcpy(info + n, context, context_len);
    n += context_len;

    bool ok = false;
    int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    if (kctx) {
        OSSL_PARAM params[5];
        params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)md, 0);
        params[1] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
        params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)secret,
                                                      secret_len);
        params[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, n);
        params[4] = OSSL_PARAM_construct_end();
        ok = EVP_KDF_derive(kctx, out, out_len, params) > 0;
    }
    EVP_KDF_CTX_free(kctx);
    EVP_KDF_free(kdf);
    return ok;
}

/* HMAC over two pieces (the pseudo-header and the content). */
static bool hmac2(const char *md, const uint8_t *key, size_t key_len, const uint8_t *a,
                  size_t alen, const uint8_t *b, size_t blen, uint8_t *out, size_t out_len)
{
    bool ok = false;
    size_t got = 0;
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *mctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    if (mctx) {
        OSSL_PARAM params[2];
        params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)md, 0);
        params[1] = OSSL_PARAM_construct_end();
        uint8_t buf[EVP_MAX_MD_SIZE];
        ok = EVP_MAC_init(mctx, key, key_len, params) > 0 && EVP_MAC_update(mctx, a, alen) > 0 &&
             (blen == 0 || EVP_MAC_update(mctx, b, blen) > 0) &&
             EVP_MAC_final(mctx, buf, &got, sizeof buf) > 0 && got >= out_len;
        if (ok)
            memcpy(out, buf, out_len);
    }
    EVP_MAC_CTX_free(mctx);
    EVP_MAC_free(mac);
    return ok;
}

/* ---- the session ------------------------------------------------------- */

typedef struct {
    bool active;          /* records of this direction are protected */
    bool stopped;
    bool have_keys;       /* key/iv (and mac_key) are set for the current epoch */
    uint8_t key[KEY_MAX];
    uint8_t iv[IV_MAX];   /* AEAD: fixed IV / salt; TLS 1.0 CBC: the chained IV */
    uint8_t mac_key[MAC_KEY_MAX];
    uint64_t seq;
    uint64_t decrypted;
    uint64_t resyncs;     /* TLS 1.2 GCM: sequence taken from the explicit nonce */
    /* TLS 1.3 */
    bool in_app;          /* after this side's Finished */
    uint8_t hs_secret[SECRET_MAX], app_secret[SECRET_MAX];
    size_t hs_len, app_len;
} dir_state;

struct tls_decrypt_session {
    uint16_t version;
    const tlsd_suite *suite;
    bool tls13;
    bool etm;
    size_t fixed_iv_len;  /* TLS <= 1.2 key block IV length */
    size_t block;         /* CBC block size */
    uint8_t client_random[TLSD_RANDOM_LEN], server_random[TLSD_RANDOM_LEN];
    dir_state d[2];
};

static const EVP_CIPHER *evp_cipher(const tlsd_suite *su)
{
    switch (su->cipher) {
    case TLSD_CIPHER_AES_GCM: return su->key_len == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm();
    case TLSD_CIPHER_AES_CBC: return su->key_len == 16 ? EVP_aes_128_cbc() : EVP_aes_256_cbc();
    case TLSD_CIPHER_3DES_CBC: return EVP_des_ede3_cbc();
    case TLSD_CIPHER_CHACHA20_POLY1305: return EVP_chacha20_poly1305();
    case TLSD_CIPHER_NONE: break;
    }
    return NULL;
}

static const char *kx_word(tlsd_kx kx)
{
    switch (kx) {
    case TLSD_KX_DHE: return "ephemeral Diffie-Hellman (DHE)";
    case TLSD_KX_ECDHE: return "ephemeral elliptic-curve Diffie-Hellman (ECDHE)";
    case TLSD_KX_TLS13: return "TLS 1.3 ephemeral (EC)DHE";
    case TLSD_KX_RSA: return "RSA key transport";
    case TLSD_KX_UNKNOWN: break;
    }
    return "an unknown key exchange";
}

bool tls_decrypt_rsa_applicable(uint16_t version, uint16_t suite, char *why, size_t whylen)
{
    const tlsd_suite *su = tls_decrypt_suite(suite);
    if (version >= 0x0304) {
        snprintf(why, whylen,
                 "TLS 1.3 always agrees on keys with ephemeral (EC)DHE (RFC 8446 2): the server's "
                 "private key only signs, so it cannot decrypt the session; a key log "
                 "(SSLKEYLOGFILE) is needed");
        return false;
    }
    if (!su) {
        snprintf(why, whylen, "cipher suite 0x%04X is not one this tool can decrypt", suite);
        return false;
    }
    if (su->kx != TLSD_KX_RSA) {
        snprintf(why, whylen,
                 "%s uses %s: the server's private key only signs the key exchange and never "
                 "sees the session keys (forward secrecy), so it cannot decrypt the session; a "
                 "key log (SSLKEYLOGFILE) is needed",
                 su->name, kx_word(su->kx));
        return false;
    }
    snprintf(why, whylen, "%s uses RSA key transport: the server's private key decrypts the "
                          "pre-master secret", su->name);
    return true;
}

tls_decrypt_session *tls_decrypt_new(uint16_t version, uint16_t suite,
                                     const uint8_t client_random[TLSD_RANDOM_LEN],
                                     const uint8_t server_random[TLSD_RANDOM_LEN], char *why,
                                     size_t whylen)
{
    const tlsd_suite *su = tls_decrypt_suite(suite);
    if (version < 0x0301 || version > 0x0304) {
        snprintf(why, whylen, "protocol version 0x%04X cannot be decrypted here (TLS 1.0 to 1.3 can)",
                 version);
        return NULL;
    }
    if (!su) {
        snprintf(why, whylen, "cipher suite 0x%04X cannot be decrypted here", suite);
        return NULL;
    }
    if ((version == 0x0304) != (su->kx == TLSD_KX_TLS13)) {
        snprintf(why, whylen, "cipher suite %s does not belong to version 0x%04X", su->name,
                 version);
        return NULL;
    }
    if (version < 0x0303 && (su->cipher == TLSD_CIPHER_AES_GCM ||
                             su->cipher == TLSD_CIPHER_CHACHA20_POLY1305 ||
                             strcmp(su->mac_md, "SHA1") != 0)) {
        /* AEAD and SHA-2 suites exist only from TLS 1.2 (RFC 5246 1.2, RFC 5288 4). */
        snprintf(why, whylen, "cipher suite %s needs TLS 1.2", su->name);
        return NULL;
    }
    tls_decrypt_session *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(why, whylen, "out of memory");
        return NULL;
    }
    s->version = version;
    s->suite = su;
    s->tls13 = version == 0x0304;
    memcpy(s->client_random, client_random, TLSD_RANDOM_LEN);
    memcpy(s->server_random, server_random, TLSD_RANDOM_LEN);
    switch (su->cipher) {
    case TLSD_CIPHER_AES_GCM: s->fixed_iv_len = 4; break;            /* RFC 5288 3 */
    case TLSD_CIPHER_CHACHA20_POLY1305: s->fixed_iv_len = 12; break; /* RFC 7905 2 */
    case TLSD_CIPHER_AES_CBC: s->block = 16; break;
    case TLSD_CIPHER_3DES_CBC: s->block = 8; break;
    case TLSD_CIPHER_NONE: break;
    }
    /* TLS 1.0 CBC takes its first IV from the key block (RFC 2246 6.3);
     * TLS 1.1+ sends it with every record (RFC 4346 6.2.3.2). */
    if (s->block && version == 0x0301)
        s->fixed_iv_len = s->block;
    return s;
}

void tls_decrypt_free(tls_decrypt_session *s)
{
    if (!s)
        return;
    OPENSSL_cleanse(s, sizeof *s);
    free(s);
}

void tls_decrypt_set_encrypt_then_mac(tls_decrypt_session *s, bool on)
{
    s->etm = on && s->block != 0;
}

static const char *prf_md(const tls_decrypt_session *s)
{
    return s->version >= 0x0303 ? s->suite->prf_md : "MD5-SHA1";
}

tlsd_status tls_decrypt_set_master_secret(tls_decrypt_session *s, const uint8_t *ms, size_t len)
{
    if (s->tls13)
        return TLSD_UNSUPPORTED;
    if (len != 48)
        return TLSD_NO_KEYS;
    const tlsd_suite *su = s->suite;
    size_t mac = su->mac_len, key = su->key_len, iv = s->fixed_iv_len;
    size_t need = 2 * (mac + key + iv);
    uint8_t block[2 * (MAC_KEY_MAX + KEY_MAX + IV_MAX)];
    uint8_t seed[2 * TLSD_RANDOM_LEN];
    /* key_block = PRF(master_secret, "key expansion", server_random +
     * client_random) (RFC 5246 6.3). */
    memcpy(seed, s->server_random, TLSD_RANDOM_LEN);
    memcpy(seed + TLSD_RANDOM_LEN, s->client_random, TLSD_RANDOM_LEN);
    if (!tls_decrypt_prf(prf_md(s), ms, len, "key expansion", seed, sizeof seed, block, need))
        return TLSD_INTERNAL;
    size_t o = 0;
    memcpy(s->d[TLSD_CLIENT].mac_key, block + o, mac);
    o += mac;
    memcpy(s->d[TLSD_SERVER].mac_key, block + o, mac);
    o += mac;
    memcpy(s->d[TLSD_CLIENT].key, block + o, key);
    o += key;
    memcpy(s->d[TLSD_SERVER].key, block + o, key);
    o += key;
    memcpy(s->d[TLSD_CLIENT].iv, block + o, iv);
    o += iv;
    memcpy(s->d[TLSD_SERVER].iv, block + o, iv);
    s->d[TLSD_CLIENT].have_keys = s->d[TLSD_SERVER].have_keys = true;
    OPENSSL_cleanse(block, sizeof block);
    return TLSD_OK;
}

/* TLS 1.3: key and IV of one direction from a traffic secret (RFC 8446 7.3). */
static bool tls13_keys(tls_decrypt_session *s, dir_state *d, const uint8_t *secret, size_t len)
{
    const char *md = s->suite->prf_md;
    if (!tls_decrypt_hkdf_expand_label(md, secret, len, "key", NULL, 0, d->key,
                                       s->suite->key_len) ||
        !tls_decrypt_hkdf_expand_label(md, secret, len, "iv", NULL, 0, d->iv, 12))
        return false;
    d->have_keys = true;
    d->seq = 0;
    return true;
}

tlsd_status tls_decrypt_set_traffic_secret(tls_decrypt_session *s, tlsd_dir dir, bool application,
                                           const uint8_t *secret, size_t len)
{
    if (!s->tls13)
        return TLSD_UNSUPPORTED;
    if ((unsigned)dir > TLSD_SERVER || len == 0 || len > SECRET_MAX)
        return TLSD_NO_KEYS;
    /* The secret is as long as the suite's hash (RFC 8446 7.1). */
    const EVP_MD *md = EVP_get_digestbyname(s->suite->prf_md);
    if (!md || (size_t)EVP_MD_get_size(md) != len)
        return TLSD_NO_KEYS;
    dir_state *d = &s->d[dir];
    if (application) {
        memcpy(d->app_secret, secret, len);
        d->app_len = len;
        if (d->in_app || d->hs_len == 0)
            return tls13_keys(s, d, secret, len) ? TLSD_OK : TLSD_INTERNAL;
    } else {
        memcpy(d->hs_secret, secret, len);
        d->hs_len = len;
        if (!d->in_app)
            return tls13_keys(s, d, secret, len) ? TLSD_OK : TLSD_INTERNAL;
    }
    return TLSD_OK;
}

tlsd_status tls_decrypt_use_keylog(tls_decrypt_session *s, const keylog_entry *e)
{
    if (!e)
        return TLSD_NO_KEYS;
    if (!s->tls13) {
        if (!keylog_entry_has_tls12(e))
            return TLSD_NO_KEYS;
        return tls_decrypt_set_master_secret(s, e->secret[KEYLOG_MASTER_SECRET],
                                             e->secret_len[KEYLOG_MASTER_SECRET]);
    }
    static const struct { keylog_label label; tlsd_dir dir; bool app; } map[] = {
        { KEYLOG_CLIENT_HANDSHAKE_TRAFFIC, TLSD_CLIENT, false },
        { KEYLOG_SERVER_HANDSHAKE_TRAFFIC, TLSD_SERVER, false },
        { KEYLOG_CLIENT_TRAFFIC_0, TLSD_CLIENT, true },
        { KEYLOG_SERVER_TRAFFIC_0, TLSD_SERVER, true },
    };
    bool any = false;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (e->secret_len[map[i].label] == 0)
            continue;
        tlsd_status st = tls_decrypt_set_traffic_secret(s, map[i].dir, map[i].app,
                                                        e->secret[map[i].label],
                                                        e->secret_len[map[i].label]);
        if (st == TLSD_INTERNAL)
            return st;
        any |= st == TLSD_OK;
    }
    return any ? TLSD_OK : TLSD_NO_KEYS;
}

/* ---- RSA key transport ------------------------------------------------- */

void *tls_decrypt_load_rsa_key(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open the private key file", path);
        return NULL;
    }
    EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    if (!k) {
        snprintf(err, errlen, "%s: not a PEM private key (or it is encrypted)", path);
        return NULL;
    }
    if (EVP_PKEY_get_base_id(k) != EVP_PKEY_RSA) {
        snprintf(err, errlen, "%s: not an RSA key; only RSA key transport can be decrypted "
                              "with a private key", path);
        EVP_PKEY_free(k);
        return NULL;
    }
    return k;
}

void tls_decrypt_free_key(void *evp_pkey)
{
    EVP_PKEY_free(evp_pkey);
}

bool tls_decrypt_key_matches_cert(void *evp_pkey, const uint8_t *der, size_t len)
{
    if (!evp_pkey || !der || len == 0 || len > 0x7FFFFFFF)
        return false;
    const uint8_t *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    if (!x)
        return false;
    EVP_PKEY *pub = X509_get0_pubkey(x);
    bool eq = pub && EVP_PKEY_eq(pub, evp_pkey) == 1;
    X509_free(x);
    return eq;
}

tlsd_status tls_decrypt_rsa_premaster(tls_decrypt_session *s, void *evp_pkey,
                                      const uint8_t *cke_body, size_t cke_len, bool ems,
                                      const uint8_t *handshake_msgs, size_t handshake_len,
                                      char *why, size_t whylen)
{
    EVP_PKEY *key = evp_pkey;
    if (!tls_decrypt_rsa_applicable(s->version, s->suite->code, why, whylen))
        return TLSD_UNSUPPORTED;
    if (!key || !cke_body) {
        snprintf(why, whylen, "no private key or no ClientKeyExchange");
        return TLSD_NO_KEYS;
    }
    /* TLS 1.0+ prefixes EncryptedPreMasterSecret with its 2-byte length
     * (RFC 5246 7.4.7.1); accept the body with or without it. */
    size_t ksize = (size_t)EVP_PKEY_get_size(key);
    const uint8_t *enc = cke_body;
    size_t enc_len = cke_len;
    if (cke_len >= 2 && (size_t)((cke_body[0] << 8) | cke_body[1]) == cke_len - 2) {
        enc += 2;
        enc_len -= 2;
    }
    if (enc_len != ksize) {
        snprintf(why, whylen,
                 "the encrypted pre-master secret is %zu bytes but the %zu-bit key needs %zu: "
                 "this key is not the server's",
                 enc_len, ksize * 8, ksize);
        return TLSD_NO_KEYS;
    }
    uint8_t pms[1024];
    size_t pms_len = sizeof pms;
    tlsd_status st = TLSD_INTERNAL;
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new(key, NULL);
    if (pctx && EVP_PKEY_decrypt_init(pctx) > 0 &&
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0) {
#ifdef OSSL_ASYM_CIPHER_PARAM_IMPLICIT_REJECTION
        /* OpenSSL >= 3.2 answers a padding error with a random-looking
         * secret (implicit rejection, against Bleichenbacher oracles). A
         * passive analyzer wants the explicit error, to say "wrong key". */
        unsigned int zero = 0;
        OSSL_PARAM p[2] = { OSSL_PARAM_construct_uint(OSSL_ASYM_CIPHER_PARAM_IMPLICIT_REJECTION,
                                                      &zero),
                            OSSL_PARAM_construct_end() };
        EVP_PKEY_CTX_set_params(pctx, p);
#endif
        if (EVP_PKEY_decrypt(pctx, pms, &pms_len, enc, enc_len) <= 0) {
            snprintf(why, whylen, "the private key does not decrypt this ClientKeyExchange "
                                  "(PKCS#1 padding error): it is not the key of this server's "
                                  "certificate");
            st = TLSD_NO_KEYS;
        } else if (pms_len != 48) {
            /* RFC 5246 7.4.7.1: client_version(2) + random(46). Under implicit
             * rejection a wrong key would give a random length, too. */
            snprintf(why, whylen, "the decrypted pre-master secret is %zu bytes, not 48: the "
                                  "key is not the server's", pms_len);
            st = TLSD_NO_KEYS;
        } else {
            st = TLSD_OK;
        }
    }
    EVP_PKEY_CTX_free(pctx);
    if (st == TLSD_INTERNAL)
        snprintf(why, whylen, "OpenSSL could not set up RSA decryption");
    if (st != TLSD_OK) {
        OPENSSL_cleanse(pms, sizeof pms);
        return st;
    }

    uint8_t ms[48];
    bool ok;
    if (ems) {
        /* RFC 7627 4: master_secret = PRF(pre_master_secret, "extended master
         * secret", session_hash), session_hash = Hash(handshake_messages)
         * with the PRF's hash (MD5||SHA-1 before TLS 1.2). */
        uint8_t hash[EVP_MAX_MD_SIZE];
        unsigned hlen = 0;
        const EVP_MD *md = EVP_get_digestbyname(prf_md(s));
        if (!handshake_msgs || !md ||
            !EVP_Digest(handshake_msgs, handshake_len, hash, &hlen, md, NULL)) {
            snprintf(why, whylen, "extended master secret needs the handshake messages");
            OPENSSL_cleanse(pms, sizeof pms);
            return TLSD_NO_KEYS;
        }
        ok = tls_decrypt_prf(prf_md(s), pms, 48, "extended master secret", hash, hlen, ms, 48);
    } else {
        uint8_t seed[2 * TLSD_RANDOM_LEN];
        memcpy(seed, s->client_random, TLSD_RANDOM_LEN);
        memcpy(seed + TLSD_RANDOM_LEN, s->server_random, TLSD_RANDOM_LEN);
        ok = tls_decrypt_prf(prf_md(s), pms, 48, "master secret", seed, sizeof seed, ms, 48);
    }
    OPENSSL_cleanse(pms, sizeof pms);
    if (!ok) {
        snprintf(why, whylen, "OpenSSL could not derive the master secret");
        return TLSD_INTERNAL;
    }
    st = tls_decrypt_set_master_secret(s, ms, 48);
    OPENSSL_cleanse(ms, sizeof ms);
    if (st == TLSD_OK)
        snprintf(why, whylen, "master secret derived from the RSA-encrypted pre-master secret");
    return st;
}

/* ---- records ----------------------------------------------------------- */

bool tls_decrypt_ready(const tls_decrypt_session *s, tlsd_dir dir)
{
    if (!s || (unsigned)dir > TLSD_SERVER)
        return false;
    return s->d[dir].have_keys && !s->d[dir].stopped;
}

void tls_decrypt_lost(tls_decrypt_session *s, tlsd_dir dir)
{
    /* TLS 1.2 AES-GCM recovers from the explicit nonce; nothing else can. */
    if (s && (unsigned)dir <= TLSD_SERVER &&
        (s->tls13 || s->suite->cipher != TLSD_CIPHER_AES_GCM))
        s->d[dir].stopped = true;
}

uint64_t tls_decrypt_count(const tls_decrypt_session *s, tlsd_dir dir)
{
    if (!s || (unsigned)dir > TLSD_SERVER)
        return 0;
    return s->d[dir].decrypted;
}

uint64_t tls_decrypt_resyncs(const tls_decrypt_session *s, tlsd_dir dir)
{
    if (!s || (unsigned)dir > TLSD_SERVER)
        return 0;
    return s->d[dir].resyncs;
}

static void put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

/* AEAD open: nonce (12 bytes), aad, ciphertext with its 16-byte tag at the
 * end; plaintext of ct_len - 16 bytes into out. */
static tlsd_status aead_open(const EVP_CIPHER *c, const uint8_t *key, const uint8_t *nonce,
                             const uint8_t *aad, size_t aad_len, const uint8_t *ct, size_t ct_len,
                             uint8_t *out)
{
    if (ct_len < TAG_LEN || ct_len - TAG_LEN > 0x7FFFFFFF)
        return TLSD_BAD_RECORD;
    size_t plen = ct_len - TAG_LEN;
    tlsd_status st = TLSD_INTERNAL;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n = 0;
    if (ctx && EVP_DecryptInit_ex(ctx, c, NULL, NULL, NULL) > 0 &&
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) > 0 &&
        EVP_DecryptInit_ex(ctx, NULL, NULL, key, nonce) > 0 &&
        EVP_DecryptUpdate(ctx, NULL, &n, aad, (int)aad_len) > 0 &&
        (plen == 0 || EVP_DecryptUpdate(ctx, out, &n, ct, (int)plen) > 0) &&
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, TAG_LEN, (void *)(ct + plen)) > 0) {
        int fin = 0;
        st = EVP_DecryptFinal_ex(ctx, out + (plen ? (size_t)n : 0), &fin) > 0 ? TLSD_OK
                                                                              : TLSD_AUTH_FAILED;
    }
    EVP_CIPHER_CTX_free(ctx);
    return st;
}

/* TLS <= 1.2 additional data / MAC pseudo-header: seq_num(8) type(1)
 * version(2) length(2) (RFC 5246 6.2.3.1 and 6.2.3.3). */
static void pseudo_header(uint8_t h[13], uint64_t seq, uint8_t type, uint16_t version, size_t len)
{
    put_be64(h, seq);
    h[8] = type;
    h[9] = (uint8_t)(version >> 8);
    h[10] = (uint8_t)version;
    h[11] = (uint8_t)(len >> 8);
    h[12] = (uint8_t)len;
}

static tlsd_status cbc_decrypt(const EVP_CIPHER *c, const uint8_t *key, const uint8_t *iv,
                               const uint8_t *in, size_t len, uint8_t *out)
{
    tlsd_status st = TLSD_INTERNAL;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n = 0, fin = 0;
    if (ctx && EVP_DecryptInit_ex(ctx, c, NULL, key, iv) > 0 &&
        EVP_CIPHER_CTX_set_padding(ctx, 0) > 0 &&
        EVP_DecryptUpdate(ctx, out, &n, in, (int)len) > 0 &&
        EVP_DecryptFinal_ex(ctx, out + n, &fin) > 0 && (size_t)(n + fin) == len)
        st = TLSD_OK;
    EVP_CIPHER_CTX_free(ctx);
    return st;
}

static tlsd_status decrypt12_cbc(tls_decrypt_session *s, dir_state *d, uint8_t type,
                                 uint16_t version, const uint8_t *body, size_t len, uint8_t *out,
                                 size_t *out_len)
{
    const tlsd_suite *su = s->suite;
    const EVP_CIPHER *c = evp_cipher(su);
    size_t bs = s->block, mac = su->mac_len;
    bool explicit_iv = s->version >= 0x0302;
    uint8_t hdr[13], want[MAC_KEY_MAX], iv[IV_MAX];

    if (s->etm) {
        /* RFC 7366 3: MAC(seq, header with the ciphertext length, IV + ciphertext). */
        if (len < mac + bs + (explicit_iv ? bs : 0) || (len - mac) % bs != 0)
            return TLSD_BAD_RECORD;
        size_t ct_len = len - mac;
        pseudo_header(hdr, d->seq, type, version, ct_len);
        if (!hmac2(su->mac_md, d->mac_key, mac, hdr, 13, body, ct_len, want, mac))
            return TLSD_INTERNAL;
        if (CRYPTO_memcmp(want, body + ct_len, mac) != 0)
            return TLSD_AUTH_FAILED;
        const uint8_t *ct = body;
        if (explicit_iv) {
            memcpy(iv, body, bs);
            ct += bs;
            ct_len -= bs;
        } else {
            memcpy(iv, d->iv, bs);
            memcpy(d->iv, ct + ct_len - bs, bs);
        }
        if (cbc_decrypt(c, d->key, iv, ct, ct_len, out) != TLSD_OK)
            return TLSD_INTERNAL;
        uint8_t pad = out[ct_len - 1];
        if ((size_t)pad + 1 > ct_len)
            return TLSD_BAD_RECORD;
        *out_len = ct_len - pad - 1;
        return TLSD_OK;
    }

    /* MAC-then-encrypt (RFC 5246 6.2.3.2): IV? + E(content + MAC + padding). */
    size_t iv_len = explicit_iv ? bs : 0;
    if (len < iv_len + bs || (len - iv_len) % bs != 0)
        return TLSD_BAD_RECORD;
    const uint8_t *ct = body + iv_len;
    size_t ct_len = len - iv_len;
    if (explicit_iv) {
        memcpy(iv, body, bs);
    } else {
        /* TLS 1.0: the IV is the last ciphertext block of the previous
         * record of this direction (RFC 2246 6.2.3.2). */
        memcpy(iv, d->iv, bs);
        memcpy(d->iv, ct + ct_len - bs, bs);
    }
    if (cbc_decrypt(c, d->key, iv, ct, ct_len, out) != TLSD_OK)
        return TLSD_INTERNAL;
    uint8_t pad = out[ct_len - 1];
    if ((size_t)pad + 1 + mac > ct_len)
        return TLSD_AUTH_FAILED;
    for (size_t i = 0; i <= pad; i++)
        if (out[ct_len - 1 - i] != pad)
            return TLSD_AUTH_FAILED; /* bad padding means wrong keys, as a bad MAC does */
    size_t content = ct_len - pad - 1 - mac;
    pseudo_header(hdr, d->seq, type, version, content);
    if (!hmac2(su->mac_md, d->mac_key, mac, hdr, 13, out, content, want, mac))
        return TLSD_INTERNAL;
    if (CRYPTO_memcmp(want, out + content, mac) != 0)
        return TLSD_AUTH_FAILED;
    *out_len = content;
    return TLSD_OK;
}

static tlsd_status decrypt12(tls_decrypt_session *s, dir_state *d, uint8_t type, uint16_t version,
                             const uint8_t *body, size_t len, uint8_t *out, size_t *out_len)
{
    const tlsd_suite *su = s->suite;
    uint8_t nonce[12], aad[13];
    switch (su->cipher) {
    case TLSD_CIPHER_AES_GCM: {
        /* GCMNonce = salt(4) + nonce_explicit(8); record = explicit + ct + tag
         * (RFC 5288 3). */
        if (len < 8 + TAG_LEN)
            return TLSD_BAD_RECORD;
        memcpy(nonce, d->iv, 4);
        memcpy(nonce + 4, body, 8);
        pseudo_header(aad, d->seq, type, version, len - 8 - TAG_LEN);
        tlsd_status st = aead_open(evp_cipher(su), d->key, nonce, aad, 13, body + 8, len - 8, out);
        if (st == TLSD_AUTH_FAILED) {
            /* SChannel and OpenSSL send the record's sequence number as the
             * explicit nonce. When our count disagrees (records lost from the
             * capture, or it began mid-connection), try the sender's: the tag
             * still authenticates the result. */
            uint64_t explicit_seq = 0;
            for (int i = 0; i < 8; i++)
                explicit_seq = (explicit_seq << 8) | body[i];
            if (explicit_seq != d->seq) {
                pseudo_header(aad, explicit_seq, type, version, len - 8 - TAG_LEN);
                st = aead_open(evp_cipher(su), d->key, nonce, aad, 13, body + 8, len - 8, out);
                if (st == TLSD_OK) {
                    d->seq = explicit_seq;
                    d->resyncs++;
                }
            }
        }
        if (st == TLSD_OK)
            *out_len = len - 8 - TAG_LEN;
        return st;
    }
    case TLSD_CIPHER_CHACHA20_POLY1305: {
        /* nonce = client/server_write_IV XOR the 64-bit sequence number,
         * left-padded (RFC 7905 2). */
        if (len < TAG_LEN)
            return TLSD_BAD_RECORD;
        uint8_t seq[12] = { 0 };
        put_be64(seq + 4, d->seq);
        for (int i = 0; i < 12; i++)
            nonce[i] = d->iv[i] ^ seq[i];
        pseudo_header(aad, d->seq, type, version, len - TAG_LEN);
        tlsd_status st = aead_open(evp_cipher(su), d->key, nonce, aad, 13, body, len, out);
        if (st == TLSD_OK)
            *out_len = len - TAG_LEN;
        return st;
    }
    case TLSD_CIPHER_AES_CBC:
    case TLSD_CIPHER_3DES_CBC:
        return decrypt12_cbc(s, d, type, version, body, len, out, out_len);
    case TLSD_CIPHER_NONE:
        break;
    }
    return TLSD_UNSUPPORTED;
}

/* TLS 1.3 record protection (RFC 8446 5.2, 5.3): nonce = iv XOR seq; the
 * additional data is the record header; the plaintext ends with the real
 * content type followed by zero padding. */
static tlsd_status decrypt13_with(tls_decrypt_session *s, const dir_state *d, uint8_t type,
                                  uint16_t version, const uint8_t *body, size_t len, uint8_t *out,
                                  size_t *out_len, uint8_t *out_type)
{
    uint8_t nonce[12], seq[12] = { 0 }, aad[5];
    if (len < TAG_LEN + 1)
        return TLSD_BAD_RECORD;
    put_be64(seq + 4, d->seq);
    for (int i = 0; i < 12; i++)
        nonce[i] = d->iv[i] ^ seq[i];
    aad[0] = type;
    aad[1] = (uint8_t)(version >> 8);
    aad[2] = (uint8_t)version;
    aad[3] = (uint8_t)(len >> 8);
    aad[4] = (uint8_t)len;
    tlsd_status st = aead_open(evp_cipher(s->suite), d->key, nonce, aad, 5, body, len, out);
    if (st != TLSD_OK)
        return st;
    size_t n = len - TAG_LEN;
    while (n > 0 && out[n - 1] == 0)
        n--;
    if (n == 0)
        return TLSD_BAD_RECORD; /* all padding: RFC 8446 5.4 unexpected_message */
    *out_type = out[n - 1];
    *out_len = n - 1;
    return TLSD_OK;
}

/* Scans decrypted handshake bytes for a message type (headers only; a
 * message split over records is found when its header is in this one). */
static bool has_handshake_type(const uint8_t *p, size_t len, uint8_t type)
{
    size_t o = 0;
    while (o + 4 <= len) {
        if (p[o] == type)
            return true;
        size_t mlen = ((size_t)p[o + 1] << 16) | ((size_t)p[o + 2] << 8) | p[o + 3];
        if (mlen > len - o - 4)
            return false;
        o += 4 + mlen;
    }
    return false;
}

static tlsd_status decrypt13(tls_decrypt_session *s, dir_state *d, uint8_t type, uint16_t version,
                             const uint8_t *body, size_t len, uint8_t *out, size_t *out_len,
                             uint8_t *out_type)
{
    tlsd_status st = TLSD_NO_KEYS;
    if (d->have_keys)
        st = decrypt13_with(s, d, type, version, body, len, out, out_len, out_type);
    if (st == TLSD_OK) {
        d->seq++;
        if (*out_type == 22) {
            const char *md = s->suite->prf_md;
            if (!d->in_app && has_handshake_type(out, *out_len, 20)) {
                /* This side's Finished: its application secret from now on
                 * (RFC 8446 7.2... 7.3). */
                d->in_app = true;
                d->have_keys = false;
                if (d->app_len && !tls13_keys(s, d, d->app_secret, d->app_len))
                    return TLSD_INTERNAL;
            } else if (d->in_app && has_handshake_type(out, *out_len, 24) && d->app_len) {
                /* KeyUpdate: application_traffic_secret_N+1 =
                 * HKDF-Expand-Label(secret_N, "traffic upd", "", Hash.length) (7.2). */
                uint8_t next[SECRET_MAX];
                if (!tls_decrypt_hkdf_expand_label(md, d->app_secret, d->app_len, "traffic upd",
                                                   NULL, 0, next, d->app_len) ||
                    !tls13_keys(s, d, next, d->app_len))
                    return TLSD_INTERNAL;
                memcpy(d->app_secret, next, d->app_len);
            }
        }
        return TLSD_OK;
    }
    if (st == TLSD_INTERNAL)
        return st;
    /* Still in the handshake epoch but it failed (or there is no handshake
     * secret): the key log may hold only the application secrets, or the
     * Finished went unseen. Try the application keys from their start. */
    if (!d->in_app && d->app_len) {
        dir_state trial = *d;
        trial.have_keys = false;
        if (!tls13_keys(s, &trial, d->app_secret, d->app_len))
            return TLSD_INTERNAL;
        tlsd_status t = decrypt13_with(s, &trial, type, version, body, len, out, out_len, out_type);
        if (t == TLSD_OK) {
            *d = trial;
            d->in_app = true;
            d->seq = 1;
            return TLSD_OK;
        }
        if (d->hs_len == 0)
            return TLSD_NO_KEYS; /* an encrypted handshake record we have no secret for */
    }
    return st;
}

tlsd_status tls_decrypt_record(tls_decrypt_session *s, tlsd_dir dir, uint8_t content_type,
                               uint16_t record_version, const uint8_t *body, size_t len,
                               uint8_t *out, size_t outcap, size_t *out_len, uint8_t *out_type)
{
    *out_len = 0;
    *out_type = content_type;
    if (!s || (unsigned)dir > TLSD_SERVER || (!body && len))
        return TLSD_BAD_RECORD;
    dir_state *d = &s->d[dir];
    bool is_protected = s->tls13 ? content_type == 23 : d->active;
    if (!is_protected) {
        if (!s->tls13 && content_type == 20) {
            /* ChangeCipherSpec: the sender's next record is protected with
             * sequence number 0 (RFC 5246 6.1, 7.1). */
            d->active = true;
            d->seq = 0;
        }
        if (outcap < len)
            return TLSD_BAD_RECORD;
        if (len)
            memcpy(out, body, len);
        *out_len = len;
        return TLSD_PLAINTEXT;
    }
    if (d->stopped)
        return TLSD_STOPPED;
    if (len > TLSD_MAX_RECORD || outcap < len)
        return TLSD_BAD_RECORD;
    tlsd_status st;
    if (s->tls13) {
        st = decrypt13(s, d, content_type, record_version, body, len, out, out_len, out_type);
        if (st == TLSD_NO_KEYS)
            d->seq++; /* keep counting; the record was this epoch's */
    } else {
        if (!d->have_keys) {
            d->seq++;
            return TLSD_NO_KEYS;
        }
        st = decrypt12(s, d, content_type, record_version, body, len, out, out_len);
        if (st == TLSD_OK)
            d->seq++;
    }
    if (st == TLSD_OK) {
        d->decrypted++;
    } else if (st == TLSD_AUTH_FAILED) {
        d->stopped = true;
        *out_len = 0;
    }
    return st;
}

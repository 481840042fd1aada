/* tls_decrypt.h - decrypting the TLS records of one captured connection
 * with its secrets (a key log, or the server's RSA private key), with
 * OpenSSL's EVP interfaces.
 *
 * Supported (anything else is refused with a reason, never guessed):
 *  - TLS 1.0, 1.1, 1.2 (RFC 2246, 4346, 5246): AES-128/256-GCM (RFC 5288,
 *    5289: 4-byte salt + 8-byte explicit nonce), AES-128/256-CBC and
 *    3DES-EDE-CBC with HMAC-SHA1/SHA256/SHA384 (the MAC is checked; TLS 1.0
 *    chains the IV across records, 1.1+ carries it explicitly; RFC 7366
 *    encrypt-then-MAC on request), ChaCha20-Poly1305 (RFC 7905 nonce).
 *    Keys: master secret -> key block with the TLS PRF (RFC 5246 5 with the
 *    suite's hash, SHA-256 unless the suite says SHA-384; RFC 2246 5
 *    MD5/SHA-1 before TLS 1.2).
 *  - TLS 1.3 (RFC 8446): TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384,
 *    TLS_CHACHA20_POLY1305_SHA256; keys from the traffic secrets with
 *    HKDF-Expand-Label (7.1, 7.3); the handshake secrets protect each side's
 *    records until that side's Finished, the application secrets after; a
 *    KeyUpdate (4.6.3) moves that side to the next secret; the inner content
 *    type is recovered and the padding removed (5.2, 5.4).
 *  - RSA key transport (TLS <= 1.2): the pre-master secret from the
 *    ClientKeyExchange with the server's private key (RFC 5246 7.4.7.1),
 *    with the extended master secret on request (RFC 7627 4).
 *
 * Use: tls_decrypt_new() once the ServerHello is known; give it secrets
 * (tls_decrypt_set_master_secret, tls_decrypt_set_traffic_secret or
 * tls_decrypt_use_keylog, or tls_decrypt_rsa_premaster); then hand it every
 * record of each direction in order with tls_decrypt_record(). Sequence
 * numbers count per direction from the first protected record; after a lost
 * record (capture gap) TLS 1.2 AES-GCM picks up again from the explicit nonce
 * (tls_decrypt_resyncs), every other cipher fails to authenticate the later
 * records of that direction, so call tls_decrypt_lost() to stop trying.
 * Nothing here reads outside the buffers it is given; a session owns its
 * OpenSSL contexts (tls_decrypt_free).
 */
#ifndef RDPT_TLS_DECRYPT_H
#define RDPT_TLS_DECRYPT_H

#include "keylog.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TLSD_RANDOM_LEN 32
#define TLSD_MAX_RECORD (16384u + 2048u)    /* TLSCiphertext.length cap (RFC 5246 6.2.3) */

typedef enum {
    TLSD_CLIENT = 0, /* records sent by the client */
    TLSD_SERVER = 1,
} tlsd_dir;

typedef enum {
    TLSD_OK = 0,            /* decrypted (or a plaintext record passed through) */
    TLSD_PLAINTEXT,         /* the record was not protected; out holds it unchanged */
    TLSD_NO_KEYS,           /* no secrets for this direction/epoch */
    TLSD_UNSUPPORTED,       /* version or cipher suite not supported here */
    TLSD_BAD_RECORD,        /* too short / too long for the cipher, bad padding */
    TLSD_AUTH_FAILED,       /* tag or MAC check failed: wrong secrets or a lost record */
    TLSD_STOPPED,           /* this direction stopped (a lost record, an earlier failure) */
    TLSD_INTERNAL,          /* OpenSSL failed */
} tlsd_status;

typedef enum {
    TLSD_CIPHER_NONE = 0,
    TLSD_CIPHER_AES_GCM,
    TLSD_CIPHER_AES_CBC,
    TLSD_CIPHER_3DES_CBC,
    TLSD_CIPHER_CHACHA20_POLY1305,
} tlsd_cipher;

typedef enum {
    TLSD_KX_UNKNOWN = 0,
    TLSD_KX_RSA,      /* RSA key transport: the server's private key decrypts it */
    TLSD_KX_DHE,      /* ephemeral: only a key log can */
    TLSD_KX_ECDHE,
    TLSD_KX_TLS13,    /* TLS 1.3: always ephemeral (RFC 8446 2) */
} tlsd_kx;

typedef struct {
    uint16_t code;
    const char *name;      /* IANA name */
    tlsd_cipher cipher;
    uint8_t key_len;       /* bytes */
    uint8_t mac_len;       /* HMAC output bytes (CBC suites); 0 for AEAD */
    const char *mac_md;    /* OpenSSL digest name of the record MAC, NULL for AEAD */
    const char *prf_md;    /* digest of the TLS 1.2 PRF / TLS 1.3 HKDF */
    tlsd_kx kx;
} tlsd_suite;

/* The decryptable suite with this code, or NULL. */
const tlsd_suite *tls_decrypt_suite(uint16_t code);
const char *tls_decrypt_status_name(tlsd_status st);

/* Whether the server's RSA private key can decrypt a session with this
 * version and suite. Returns true when it can; otherwise writes why into
 * why (e.g. "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 uses ephemeral ECDHE key
 * agreement: the server's RSA key only signs; a key log is needed"). */
bool tls_decrypt_rsa_applicable(uint16_t version, uint16_t suite, char *why, size_t whylen);

typedef struct tls_decrypt_session tls_decrypt_session;

/* A session for the negotiated version (ServerHello's selected version) and
 * suite. NULL with a reason in why when unsupported or out of memory. */
tls_decrypt_session *tls_decrypt_new(uint16_t version, uint16_t suite,
                                     const uint8_t client_random[TLSD_RANDOM_LEN],
                                     const uint8_t server_random[TLSD_RANDOM_LEN], char *why,
                                     size_t whylen);
void tls_decrypt_free(tls_decrypt_session *s);

/* RFC 7366: the connection negotiated encrypt_then_mac (CBC suites only). */
void tls_decrypt_set_encrypt_then_mac(tls_decrypt_session *s, bool on);

/* TLS <= 1.2: the 48-byte master secret (key-log CLIENT_RANDOM). */
tlsd_status tls_decrypt_set_master_secret(tls_decrypt_session *s, const uint8_t *ms, size_t len);

/* TLS 1.3 traffic secrets; application=false: the handshake traffic secret. */
tlsd_status tls_decrypt_set_traffic_secret(tls_decrypt_session *s, tlsd_dir dir, bool application,
                                           const uint8_t *secret, size_t len);

/* Whatever the key-log entry holds for this session's version. TLSD_NO_KEYS
 * when it holds nothing usable. */
tlsd_status tls_decrypt_use_keylog(tls_decrypt_session *s, const keylog_entry *e);

/* RSA key transport: decrypts the ClientKeyExchange's EncryptedPreMasterSecret
 * (the body of the message; for TLS 1.0+ it starts with a 2-byte length,
 * which is accepted with or without) with the server's private key (an
 * EVP_PKEY *, passed as void * so this header needs no OpenSSL include), and
 * derives the master secret. With ems (RFC 7627), session_hash is the hash of
 * the handshake messages up to and including the ClientKeyExchange (computed
 * here from handshake_msgs with the PRF's hash). why says what went wrong. */
tlsd_status tls_decrypt_rsa_premaster(tls_decrypt_session *s, void *evp_pkey,
                                      const uint8_t *cke_body, size_t cke_len, bool ems,
                                      const uint8_t *handshake_msgs, size_t handshake_len,
                                      char *why, size_t whylen);

/* Reads a PEM private key (RSA); NULL with a message in err. The result is an
 * EVP_PKEY * to free with tls_decrypt_free_key. */
void *tls_decrypt_load_rsa_key(const char *path, char *err, size_t errlen);
void tls_decrypt_free_key(void *evp_pkey);
/* Whether the private key belongs to this DER certificate (the server's). */
bool tls_decrypt_key_matches_cert(void *evp_pkey, const uint8_t *der, size_t len);

/* Whether this direction has keys for its next protected record. */
bool tls_decrypt_ready(const tls_decrypt_session *s, tlsd_dir dir);

/* One whole record of this direction: its header's content type and
 * version and its body. Plaintext records pass through (TLSD_PLAINTEXT):
 * before the sender's ChangeCipherSpec in TLS <= 1.2 (the CCS itself turns
 * protection on for later records), and every record that is not
 * application_data in TLS 1.3. Decrypted: out (capacity >= len) holds the
 * plaintext, *out_type its real content type (TLS 1.3 inner type).
 * TLSD_AUTH_FAILED stops the direction (every later record would fail too). */
tlsd_status tls_decrypt_record(tls_decrypt_session *s, tlsd_dir dir, uint8_t content_type,
                               uint16_t record_version, const uint8_t *body, size_t len,
                               uint8_t *out, size_t outcap, size_t *out_len, uint8_t *out_type);

/* Records of this direction were lost: stop decrypting it (except TLS 1.2
 * AES-GCM, which resynchronizes on the next record's explicit nonce). */
void tls_decrypt_lost(tls_decrypt_session *s, tlsd_dir dir);

/* Records decrypted so far in this direction. */
uint64_t tls_decrypt_count(const tls_decrypt_session *s, tlsd_dir dir);

/* TLS 1.2 AES-GCM records whose sequence number was taken from their
 * explicit nonce because the count disagreed (lost records, a capture that
 * began mid-connection): SChannel and OpenSSL send the sequence number
 * there, so decryption picks up again after a gap. */
uint64_t tls_decrypt_resyncs(const tls_decrypt_session *s, tlsd_dir dir);

/* Low-level derivations, exposed for tests against RFC vectors. */
/* TLS 1.2 PRF (RFC 5246 5) with digest md ("SHA256", "SHA384"), or the TLS
 * 1.0/1.1 PRF (RFC 2246 5) when md is "MD5-SHA1". */
bool tls_decrypt_prf(const char *md, const uint8_t *secret, size_t secret_len, const char *label,
                     const uint8_t *seed, size_t seed_len, uint8_t *out, size_t out_len);
/* HKDF-Expand-Label (RFC 8446 7.1) with digest md. */
bool tls_decrypt_hkdf_expand_label(const char *md, const uint8_t *secret, size_t secret_len,
                                   const char *label, const uint8_t *context, size_t context_len,
                                   uint8_t *out, size_t out_len);

#endif

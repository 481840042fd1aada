/* tls_names.h - the names of TLS protocol constants, for reports and
 * verdicts: cipher suites (IANA and OpenSSL names, key exchange), protocol
 * versions, alert descriptions, extension types and named groups.
 *
 * Every table lives in tls_names.c with its RFC reference; lookups never
 * fail: an unknown value gets NULL (the *_name functions) so the caller can
 * print the number instead. Returned strings are static.
 */
#ifndef RDPT_TLS_NAMES_H
#define RDPT_TLS_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How a cipher suite agrees on keys: decides whether the server's RSA
 * private key could ever decrypt a capture (only TLS_KX_RSA). */
typedef enum {
    TLS_KX_UNKNOWN = 0,
    TLS_KX_RSA,        /* RSA key transport (RFC 5246 7.4.7.1) */
    TLS_KX_DHE,        /* finite-field ephemeral Diffie-Hellman */
    TLS_KX_ECDHE,      /* elliptic-curve ephemeral Diffie-Hellman (RFC 8422) */
    TLS_KX_TLS13,      /* TLS 1.3 suite: always (EC)DHE or PSK (RFC 8446 4.1.1) */
    TLS_KX_OTHER,      /* PSK, SRP, ... */
    TLS_KX_NONE,       /* a signalling value, not a suite (SCSV) */
} tls_kx;

typedef struct {
    uint16_t code;
    const char *iana;      /* IANA registry name */
    const char *openssl;   /* OpenSSL's name, NULL when OpenSSL has none */
    tls_kx kx;
    const char *rfc;       /* where the suite is defined */
} tls_suite_info;

/* NULL when the code is not in the table. */
const tls_suite_info *tls_suite_lookup(uint16_t code);
/* "TLS_RSA_WITH_AES_128_CBC_SHA" or NULL. */
const char *tls_suite_name(uint16_t code);
/* Writes "NAME (OPENSSL-NAME)", "NAME" or "0xXXXX" into buf. */
void tls_suite_str(uint16_t code, char *buf, size_t buflen);
const char *tls_kx_name(tls_kx kx);           /* "RSA", "ECDHE", ... */

/* "TLS 1.2", "SSL 3.0", ... or NULL (RFC 8446 4.2.1, RFC 6101). */
const char *tls_version_name(uint16_t version);
/* "TLS 1.2" or "0xXXXX". */
void tls_version_str(uint16_t version, char *buf, size_t buflen);
/* "protocol_version" or NULL (RFC 8446 6, RFC 5246 7.2). */
const char *tls_alert_name(uint8_t description);
/* "server_name" or NULL (IANA TLS ExtensionType Values). */
const char *tls_extension_name(uint16_t type);
/* "x25519", "secp256r1" or NULL (IANA TLS Supported Groups, RFC 8446 4.2.7). */
const char *tls_group_name(uint16_t group);
/* "rsa_pss_rsae_sha256" or NULL (RFC 8446 4.2.3). */
const char *tls_sigalg_name(uint16_t scheme);
/* "ClientHello" or NULL (RFC 8446 4, RFC 5246 7.4). */
const char *tls_handshake_name(uint8_t type);

/* GREASE values (RFC 8701 2): 0x0A0A, 0x1A1A, ... 0xFAFA. */
bool tls_is_grease(uint16_t v);

#endif

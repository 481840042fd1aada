/* x509.h - a server certificate through OpenSSL: the facts a support
 * engineer needs to see why a client refused it (RFC 5280), and the name
 * check of RFC 6125 (with wildcards).
 *
 * Everything is copied into a fixed-size x509_info: strings are printable
 * (wirestr.h) and truncated to their buffers; lists are capped, with a flag.
 * Nothing here keeps a pointer to the caller's DER bytes: x509_parse keeps
 * a copy of the last few hundred distinct certificates with their facts (a
 * bounded cache, so a certificate seen in thousands of connections is
 * parsed once), and x509_verify_chain the CA file's certificates, read once
 * per run. Both are process-wide and unlocked: call from one thread.
 */
#ifndef RDPT_X509_H
#define RDPT_X509_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define X509_MAX_SANS 8
#define X509_NAME_TEXT 256
#define X509_SAN_TEXT 128

/* Key usage bits (RFC 5280 4.2.1.3), as OpenSSL's X509_get_key_usage gives them. */
#define X509_KU_DIGITAL_SIGNATURE 0x0080u
#define X509_KU_KEY_ENCIPHERMENT 0x0020u
#define X509_KU_KEY_AGREEMENT 0x0008u
#define X509_KU_KEY_CERT_SIGN 0x0004u

typedef enum { X509_SAN_DNS, X509_SAN_IP } x509_san_type;

typedef struct {
    x509_san_type type;
    char value[X509_SAN_TEXT];           /* "host.example" or "10.0.0.1" / "2001:db8::1" */
} x509_san;

typedef struct {
    bool parsed;                         /* false: the DER could not be parsed */
    char subject[X509_NAME_TEXT];        /* RFC 2253 style, "CN=host,O=..." */
    char issuer[X509_NAME_TEXT];
    char common_name[X509_SAN_TEXT];     /* the subject's last CN, "" if none */
    x509_san sans[X509_MAX_SANS];
    unsigned n_sans;
    bool sans_capped;
    int64_t not_before, not_after;       /* Unix seconds (UTC) */
    bool validity_known;
    bool expired, not_yet_valid;         /* against the time given to x509_parse */
    bool self_issued;                    /* issuer name == subject name */
    bool self_signed;                    /* ... and the signature verifies with its own key */
    char key_type[16];                   /* "RSA", "EC", "DSA", "ED25519", ... */
    int key_bits;
    char key_curve[64];                  /* EC: "prime256v1" */
    char signature_algorithm[64];        /* "sha256WithRSAEncryption" */
    bool weak_key;                       /* RSA/DSA < 2048 bits, EC < 224 bits */
    bool weak_signature;                 /* MD5 or SHA-1 */
    bool has_key_usage;
    uint32_t key_usage;                  /* X509_KU_* bits */
    bool has_eku;
    bool eku_server_auth;                /* 1.3.6.1.5.5.7.3.1 */
    bool eku_rdp_auth;                   /* Remote Desktop Authentication 1.3.6.1.4.1.311.54.1.2 */
    bool eku_any;                        /* anyExtendedKeyUsage 2.5.29.37.0 */
    char eku_text[160];                  /* the purposes, in words */
    bool is_ca;                          /* basicConstraints cA */
    uint8_t sha256[32];
    char sha256_hex[96];                 /* "AB:CD:..." */
} x509_info;

/* Parses one DER certificate; now: the capture's time (Unix seconds) for
 * the validity check, made on every call (expired, not_yet_valid), cache or
 * not. Returns false (info->parsed false) when it is not a certificate
 * OpenSSL can read. */
bool x509_parse(const uint8_t *der, size_t len, int64_t now, x509_info *info);

/* Frees the cache of parsed certificates and the loaded CA file (both are
 * rebuilt on demand); the number of x509_parse calls answered from the
 * cache since the last clear. */
void x509_cache_clear(void);
uint64_t x509_cache_hits(void);

/* Whether the certificate names `name` (a DNS name or an IP address in
 * text): subjectAltNames of the matching kind when there are any, else the
 * subject CN (RFC 6125 6.4.4); "*.example.com" matches one left-most label.
 * Case-insensitive; a trailing dot is ignored. */
bool x509_matches_name(const x509_info *info, const char *name);

typedef enum {
    X509_CHAIN_NOT_CHECKED = 0,          /* no CA file given */
    X509_CHAIN_OK,
    X509_CHAIN_FAILED,
} x509_chain_status;

/* Validates ders[0] (the server's certificate) with ders[1..n-1] as
 * untrusted intermediates against the CA certificates in ca_file, at time
 * `at` (Unix seconds). On failure, err says why (OpenSSL's words). Purpose
 * and name are not checked here. */
x509_chain_status x509_verify_chain(const uint8_t *const *ders, const size_t *lens, unsigned n,
                                    const char *ca_file, int64_t at, char *err, size_t errlen);

/* "2021-01-01 00:00:00 UTC" */
void x509_time_str(int64_t t, char *buf, size_t buflen);

#endif

/* layer_decrypt.h - decryption of one connection's TLS records, fed exactly
 * like the TLS record layer (tls_stream_record / tls_stream_data), so the
 * TLS layer can plug it in with a call beside each of its own:
 *
 *   decrypt_conn_record(dc, dir, hdr, fn, ctx);   where tls_stream_record is called
 *   decrypt_conn_data(dc, dir, p, n, fn, ctx);    where tls_stream_data is called
 *   decrypt_conn_lost(dc, dir);                   where tls_stream_lost is called
 *
 * It reads what it needs from the plaintext handshake itself (client and
 * server randoms, version, suite, extended_master_secret, encrypt_then_mac,
 * the RSA ClientKeyExchange and the handshake transcript for RFC 7627),
 * finds the secrets (key log by client random, else the server's RSA key),
 * decrypts the records per direction (tls_decrypt.c) and turns the
 * plaintext into events: decrypted alerts, CredSSP TSRequests (credssp.c)
 * when the X.224 negotiation selected HYBRID / HYBRID_EX, the Early User
 * Authorization Result (HYBRID_EX), and the RDP bytes that follow (TPKT
 * stream, for the same path as cleartext RDP). Facts only: no verdicts.
 *
 * Bounds: one record body is buffered (TLSD_MAX_RECORD); plaintext
 * handshake bytes and the transcript up to DECRYPT_HS_MAX; a CredSSP message
 * up to DECRYPT_CREDSSP_MAX (larger: recorded as capped, CredSSP parsing
 * stops for that direction). Events are delivered during the call that
 * completed them; pointers in an event are valid only during the callback.
 */
#ifndef RDPT_LAYER_DECRYPT_H
#define RDPT_LAYER_DECRYPT_H

#include "credssp.h"
#include "keylog.h"
#include "tls_decrypt.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DECRYPT_HS_MAX (256u * 1024u)
#define DECRYPT_CREDSSP_MAX (64u * 1024u)

typedef enum {
    DEC_EV_READY,          /* keys found: `text` says from where */
    DEC_EV_UNAVAILABLE,    /* no decryption for this connection: `text` says why */
    DEC_EV_FAILED,         /* a record of `dir` failed: `status`, `text` */
    DEC_EV_ALERT,          /* a decrypted alert: level, description */
    DEC_EV_TS_REQUEST,     /* a CredSSP TSRequest from `dir`: ts */
    DEC_EV_CREDSSP_MALFORMED, /* bytes where a TSRequest was due did not parse */
    DEC_EV_EARLY_USER_AUTH,/* the server's Early User Authorization Result: value */
    DEC_EV_RDP_BYTES,      /* plaintext RDP bytes of `dir` (TPKT stream): data, len */
} decrypt_event_kind;

typedef struct {
    decrypt_event_kind kind;
    tlsd_dir dir;
    tlsd_status status;
    const char *text;
    uint8_t level, description;
    const credssp_ts_request *ts;
    uint32_t value;
    const uint8_t *data;
    size_t len;
} decrypt_event;

typedef void (*decrypt_event_fn)(void *ctx, const decrypt_event *ev);

/* Selected security protocol of the X.224 negotiation (MS-RDPBCGR 2.2.1.2.1). */
#define DECRYPT_PROTO_SSL 0x1u
#define DECRYPT_PROTO_HYBRID 0x2u
#define DECRYPT_PROTO_HYBRID_EX 0x8u

typedef struct decrypt_conn decrypt_conn;

/* keys and rsa_key (an EVP_PKEY * from tls_decrypt_load_rsa_key) may be NULL
 * and must outlive the decrypt_conn. selected_protocol: the X.224
 * selectedProtocol (CredSSP is expected for HYBRID and HYBRID_EX). */
decrypt_conn *decrypt_conn_new(const keylog *keys, void *rsa_key, uint32_t selected_protocol);
void decrypt_conn_free(decrypt_conn *dc);

void decrypt_conn_record(decrypt_conn *dc, tlsd_dir dir, const uint8_t hdr[5], decrypt_event_fn fn,
                         void *ctx);
void decrypt_conn_data(decrypt_conn *dc, tlsd_dir dir, const uint8_t *p, size_t n,
                       decrypt_event_fn fn, void *ctx);
void decrypt_conn_lost(decrypt_conn *dc, tlsd_dir dir);

/* What happened so far. */
typedef struct {
    bool have_client_random, have_server_hello;
    uint16_t version, suite;
    bool ready;                       /* keys are set */
    bool unavailable;                 /* reported why not */
    uint64_t decrypted[2], failed[2];
    unsigned ts_requests[2];
    bool credssp_done;                /* the client sent authInfo (credentials) */
    bool capped;                      /* a bound was reached */
} decrypt_summary;

void decrypt_conn_summary(const decrypt_conn *dc, decrypt_summary *out);

#endif

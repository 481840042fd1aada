/* tls_facts.h - what the TLS handshake of one connection showed, as the
 * TLS layer (layer_tls.c) records it from the dissectors (tls.c, x509.c,
 * ja.c): the hellos, the server's certificate and key exchange, alerts,
 * who switched to encrypted records when, and how much application data
 * followed. Facts only; the rules in rules_tls.c draw the conclusions.
 *
 * A connection has one, allocated when its first TLS record arrives
 * (connection.tls; NULL otherwise) and freed by connection_free through
 * tls_facts_free. Bounded: at most TLS_FACTS_MAX_CERTS certificates and
 * TLS_FACTS_MAX_ALERTS alerts are kept (the rest are counted).
 */
#ifndef RDPT_TLS_FACTS_H
#define RDPT_TLS_FACTS_H

#include "common.h"
#include "ja.h"
#include "timeline.h"
#include "tls.h"
#include "x509.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct connection;

#define TLS_FACTS_MAX_CERTS 2         /* the server's and its issuer's; the chain check sees all */
#define TLS_FACTS_MAX_ALERTS 8
/* A TLS 1.3 record this short carries at most an alert: 2 bytes, the inner
 * content type, a 16-byte AEAD tag (RFC 8446 5.2) and a little padding. */
#define TLS13_ALERT_RECORD_MAX 24

typedef struct {
    direction dir;                  /* the sender */
    pkt_ref ref;
    bool encrypted;                 /* only its size is known */
    uint8_t level, description;     /* plaintext alerts */
    uint32_t record_len;
} tls_alert_fact;

typedef struct tls_facts {
    tls_stream stream[2];           /* record layer per direction */
    /* ClientHello (the first one; a second after a HelloRetryRequest is counted) */
    bool has_client_hello;
    unsigned client_hellos;
    pkt_ref client_hello_ref;
    tls_client_hello ch;
    char ja3[JA_MD5_HEX];
    char ja3_text[1024];
    char ja4[JA4_TEXT];
    /* ServerHello (the real one; a HelloRetryRequest is noted apart) */
    bool has_server_hello;
    pkt_ref server_hello_ref;
    tls_server_hello sh;
    bool hello_retry;
    pkt_ref hello_retry_ref;
    uint16_t hello_retry_group;
    char ja3s[JA_MD5_HEX];
    char ja3s_text[512];
    char ja4s[JA4S_TEXT];
    uint16_t version;               /* negotiated version (0: unknown) */
    bool resumed;                   /* session id echoed (<= 1.2) or PSK accepted (1.3) */
    /* The server's flight (TLS <= 1.2; under TLS 1.3 it is encrypted) */
    bool has_certificate;
    pkt_ref certificate_ref;
    bool certificate_capped;        /* the message was longer than TLS_HS_MAX */
    unsigned n_certs;               /* certificates in the message */
    x509_info certs[TLS_FACTS_MAX_CERTS];
    char expected_name[TLS_SNI_TEXT]; /* SNI, else the server address */
    bool expected_from_sni;
    bool name_matches;              /* certs[0] names expected_name */
    x509_chain_status chain;
    char chain_error[160];
    bool has_server_kx;
    pkt_ref server_kx_ref;
    tls_server_kx server_kx;
    bool cert_request;
    pkt_ref cert_request_ref;
    bool server_hello_done;
    pkt_ref server_hello_done_ref;
    pkt_ref client_kx_ref;
    pkt_ref new_session_ticket_ref;
    /* Switching to protected records, per direction (index: direction) */
    pkt_ref ccs[2];
    pkt_ref finished[2];            /* first protected handshake record (Finished);
                                       TLS 1.3 client: its first protected record */
    uint32_t tls13_server_hs_records; /* protected server records before the client's Finished */
    /* Alerts */
    tls_alert_fact alerts[TLS_FACTS_MAX_ALERTS];
    unsigned n_alerts;
    unsigned alerts_dropped;
    bool fatal_alert;               /* a plaintext fatal alert was seen */
    /* Application data after the handshake, per direction */
    uint32_t app_records[2];
    uint64_t app_bytes[2];
    pkt_ref first_app[2];
    uint32_t alert_sized_records[2]; /* TLS 1.3: protected records short enough to be alerts */
    pkt_ref first_alert_sized[2];
    /* Non-TLS bytes after a fatal alert (xrdp's plaintext MCS Disconnect Provider Ultimatum) */
    pkt_ref plaintext_after_alert[2];
    /* Problems */
    bool malformed;
    char problem[128];
    pkt_ref problem_ref;
} tls_facts;

void tls_facts_free(tls_facts *f);

/* Facts the rules and reports share. */
bool tls_facts_client_finished(const tls_facts *f);  /* the client sent its Finished */
bool tls_facts_handshake_complete(const tls_facts *f);
/* The highest version the client offered (supported_versions, else legacy). */
uint16_t tls_facts_client_max_version(const tls_facts *f);
/* Whether the client offered `version`. Without supported_versions a client
 * offers legacy_version and every lower one down to TLS 1.0. */
bool tls_facts_client_offers_version(const tls_facts *f, uint16_t version);
/* "TLS 1.3, TLS 1.2" (GREASE left out), or "up to TLS 1.2". */
void tls_facts_client_versions_str(const tls_facts *f, char *buf, size_t buflen);
bool tls_facts_client_offers_suite(const tls_facts *f, uint16_t suite);
/* The first fatal plaintext alert (or NULL); any direction when dir is DIR_NONE. */
const tls_alert_fact *tls_facts_first_fatal(const tls_facts *f, direction dir);
/* The first encrypted alert of a direction (TLS <= 1.2), or NULL. */
const tls_alert_fact *tls_facts_first_encrypted_alert(const tls_facts *f, direction dir);
/* What is wrong with the server certificate, in words ("self-signed, expired
 * 2021-01-01 ..."); "" when nothing visible. */
void tls_facts_cert_problems(const tls_facts *f, char *buf, size_t buflen);

/* The --ca-file setting for chain validation (NULL: none). */
void layer_tls_set_ca_file(const char *path);

/* Words for the TLS timeline events (EV_TLS_HANDSHAKE, EV_TLS_ALERT). */
void tls_facts_describe_event(const tl_event *e, char *buf, size_t buflen);

#endif

/* tls.h - the TLS handshake in the clear: record layer per direction, with
 * handshake messages reassembled across records (and, since the caller hands
 * record bodies over in pieces, across TCP segments), and the parsers of the
 * messages that decide an RDP connection's fate: ClientHello, ServerHello
 * (with HelloRetryRequest), Certificate (TLS <= 1.2), ServerKeyExchange,
 * CertificateRequest, ServerHelloDone, alerts.
 *
 * References: RFC 5246 (TLS 1.2) 6.2 records, 7.2 alerts, 7.4 handshake;
 * RFC 8446 (TLS 1.3) 4 handshake, 4.1.3 HelloRetryRequest, 4.2 extensions,
 * 5.1 records, 6 alerts; RFC 6066 (server_name), RFC 7301 (ALPN), RFC 7627
 * (extended_master_secret), RFC 5746 (renegotiation_info), RFC 5077
 * (session tickets), RFC 8422 (ECC).
 *
 * Bounds: lists are capped (the TLS_MAX_* below; reaching a cap sets the
 * list's *_capped flag); one handshake message is buffered up to TLS_HS_MAX
 * bytes, a longer one is reported as capped and skipped. A tls_stream owns
 * its buffer (tls_stream_free). Parsers never allocate and read only through
 * reader.h. Strings from the wire are made printable (wirestr.h).
 */
#ifndef RDPT_TLS_H
#define RDPT_TLS_H

#include "tls_names.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TLS_RECORD_HEADER_LEN 5
#define TLS_HS_HEADER_LEN 4
#define TLS_HS_MAX (64u * 1024u)       /* body of one reassembled handshake message */
#define TLS_MAX_SUITES 128
#define TLS_MAX_EXTENSIONS 48
#define TLS_MAX_GROUPS 32
#define TLS_MAX_SIGALGS 48
#define TLS_MAX_VERSIONS 16
#define TLS_MAX_POINT_FORMATS 8
#define TLS_MAX_ALPN 8
#define TLS_MAX_KEY_SHARES 8
#define TLS_MAX_CERTS 8
#define TLS_ALPN_TEXT 48
#define TLS_SNI_TEXT 256

/* Content types (RFC 5246 6.2.1) and handshake types (RFC 8446 4). */
enum {
    TLS_CT_CHANGE_CIPHER_SPEC = 20,
    TLS_CT_ALERT = 21,
    TLS_CT_HANDSHAKE = 22,
    TLS_CT_APPLICATION_DATA = 23,
};
enum {
    TLS_HS_CLIENT_HELLO = 1,
    TLS_HS_SERVER_HELLO = 2,
    TLS_HS_NEW_SESSION_TICKET = 4,
    TLS_HS_CERTIFICATE = 11,
    TLS_HS_SERVER_KEY_EXCHANGE = 12,
    TLS_HS_CERTIFICATE_REQUEST = 13,
    TLS_HS_SERVER_HELLO_DONE = 14,
    TLS_HS_CLIENT_KEY_EXCHANGE = 16,
    TLS_HS_FINISHED = 20,
};
#define TLS_VERSION_1_3 0x0304
#define TLS_ALERT_FATAL 2

typedef enum { TLS_OK = 0, TLS_TRUNCATED, TLS_MALFORMED } tls_status;

typedef struct {
    uint16_t legacy_version;             /* client_version (RFC 8446 4.1.2) */
    uint8_t session_id[32];
    uint8_t session_id_len;
    uint16_t suites[TLS_MAX_SUITES];     /* in the client's order, GREASE included */
    uint16_t n_suites;
    bool suites_capped;
    uint8_t n_compressions;
    uint16_t extensions[TLS_MAX_EXTENSIONS]; /* types in order, GREASE included */
    uint16_t n_extensions;
    bool extensions_capped;
    bool has_supported_versions;
    uint16_t versions[TLS_MAX_VERSIONS]; /* supported_versions, in order */
    uint8_t n_versions;
    uint16_t groups[TLS_MAX_GROUPS];     /* supported_groups */
    uint8_t n_groups;
    uint8_t point_formats[TLS_MAX_POINT_FORMATS];
    uint8_t n_point_formats;
    uint16_t sigalgs[TLS_MAX_SIGALGS];   /* signature_algorithms */
    uint8_t n_sigalgs;
    uint16_t key_share_groups[TLS_MAX_KEY_SHARES];
    uint8_t n_key_shares;
    bool has_sni;
    char sni[TLS_SNI_TEXT];              /* first host_name, printable */
    char alpn[TLS_MAX_ALPN][TLS_ALPN_TEXT]; /* printable */
    uint8_t n_alpn;
    uint8_t alpn0_first, alpn0_last;     /* raw first/last byte of the first ALPN value (JA4) */
    bool extended_master_secret;         /* RFC 7627 */
    bool renegotiation_info;             /* extension or TLS_EMPTY_RENEGOTIATION_INFO_SCSV */
    bool session_ticket;                 /* RFC 5077 extension present */
    bool session_ticket_resumption;      /* ... carrying a ticket: a resumption attempt */
    bool pre_shared_key;                 /* RFC 8446 4.2.11: a PSK resumption attempt */
    bool early_data;
    bool fallback_scsv;                  /* RFC 7507 */
} tls_client_hello;

typedef struct {
    uint16_t legacy_version;             /* server_version */
    uint16_t selected_version;           /* supported_versions if present, else legacy */
    uint16_t suite;
    uint8_t compression;
    bool hello_retry_request;            /* RFC 8446 4.1.3: the special random */
    uint8_t session_id[32];
    uint8_t session_id_len;
    uint16_t extensions[TLS_MAX_EXTENSIONS];
    uint16_t n_extensions;
    bool extensions_capped;
    bool has_supported_versions;
    bool has_key_share;
    uint16_t key_share_group;
    bool has_alpn;
    char alpn[TLS_ALPN_TEXT];
    uint8_t alpn_first, alpn_last;
    bool extended_master_secret;
    bool renegotiation_info;
    bool session_ticket;
    bool pre_shared_key;                 /* the server accepted a PSK (TLS 1.3 resumption) */
} tls_server_hello;

/* The certificates of a TLS <= 1.2 Certificate message (RFC 5246 7.4.2):
 * where each DER certificate lies in the message body. */
typedef struct {
    unsigned n_certs;
    bool capped;                         /* more than TLS_MAX_CERTS */
    uint32_t offset[TLS_MAX_CERTS];
    uint32_t len[TLS_MAX_CERTS];
} tls_cert_list;

/* ServerKeyExchange (RFC 8422 5.4, RFC 5246 7.4.3). */
typedef struct {
    bool ecdhe;                          /* ECParameters with a named curve */
    uint16_t group;                      /* named_curve */
    bool dhe;                            /* ServerDHParams */
    uint32_t dh_bits;                    /* size of dh_p */
} tls_server_kx;

/* Parsers of one complete handshake message body (after the 4-byte header). */
tls_status tls_parse_client_hello(const uint8_t *body, size_t len, tls_client_hello *out);
tls_status tls_parse_server_hello(const uint8_t *body, size_t len, tls_server_hello *out);
tls_status tls_parse_certificate(const uint8_t *body, size_t len, tls_cert_list *out);
/* kx: the key exchange of the selected suite (tls_suite_lookup). */
tls_status tls_parse_server_key_exchange(const uint8_t *body, size_t len, tls_kx kx,
                                         tls_server_kx *out);

/* ---- the record layer of one direction --------------------------------- */

typedef enum {
    TLS_ITEM_HANDSHAKE,            /* a complete plaintext handshake message */
    TLS_ITEM_HANDSHAKE_CAPPED,     /* a plaintext message longer than TLS_HS_MAX (skipped) */
    TLS_ITEM_CHANGE_CIPHER_SPEC,
    TLS_ITEM_ALERT,                /* a plaintext alert: level, description */
    TLS_ITEM_ENCRYPTED_ALERT,      /* an alert record after the sender's CCS (TLS <= 1.2) */
    TLS_ITEM_ENCRYPTED_HANDSHAKE,  /* a handshake record after the sender's CCS (Finished) */
    TLS_ITEM_APPLICATION_DATA,     /* an application_data record (TLS 1.3: any protected record) */
    TLS_ITEM_OTHER,                /* another content type (heartbeat, ...) */
    TLS_ITEM_MALFORMED,            /* a handshake framing error; the direction stops */
} tls_item_kind;

typedef struct {
    tls_item_kind kind;
    uint8_t content_type;
    uint16_t record_version;
    uint32_t record_len;           /* body length of the record the item came from */
    uint8_t hs_type;               /* HANDSHAKE, HANDSHAKE_CAPPED */
    const uint8_t *body;           /* HANDSHAKE: the message body, valid during the callback */
    uint32_t body_len;             /* HANDSHAKE: body length; CAPPED: declared length */
    uint8_t alert_level, alert_desc;
    const char *problem;           /* MALFORMED */
} tls_item;

typedef void (*tls_item_fn)(void *ctx, const tls_item *item);

typedef struct {
    bool encrypted;       /* this sender's records are protected (after its CCS, TLS <= 1.2) */
    bool tls13;           /* TLS 1.3 was selected: CCS is a no-op (RFC 8446 D.4); every
                             protected record is application_data; alerts are plaintext */
    bool failed;          /* a framing error: nothing more is parsed */
    bool in_record;
    uint8_t type;
    uint16_t version;
    uint32_t record_len, record_left;
    uint8_t alert[2];
    uint8_t alert_have;
    uint8_t *hs;          /* handshake bytes being collected (owned) */
    uint32_t hs_len, hs_alloc;
    uint32_t hs_skip;     /* bytes of a capped message still to drop */
    uint64_t records;
} tls_stream;

void tls_stream_init(tls_stream *s);
void tls_stream_free(tls_stream *s);
/* A record begins: its 5-byte header (validated by the caller's framer). */
void tls_stream_record(tls_stream *s, const uint8_t hdr[TLS_RECORD_HEADER_LEN], tls_item_fn fn,
                       void *ctx);
/* The next n bytes of the current record's body (never more than are left). */
void tls_stream_data(tls_stream *s, const uint8_t *p, size_t n, tls_item_fn fn, void *ctx);
/* Bytes were lost (a capture gap): drop the partial record and message. */
void tls_stream_lost(tls_stream *s);

#endif

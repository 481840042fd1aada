/* credssp.h - the CredSSP (NLA) messages inside TLS: the TSRequest
 * ([MS-CSSP] 2.2.1) and the Early User Authorization Result PDU
 * (MS-RDPBCGR 2.2.10.2, HYBRID_EX only).
 *
 * TSRequest ::= SEQUENCE {
 *   version [0] INTEGER, negoTokens [1] NegoData OPTIONAL,
 *   authInfo [2] OCTET STRING OPTIONAL, pubKeyAuth [3] OCTET STRING OPTIONAL,
 *   errorCode [4] INTEGER OPTIONAL (versions 3, 4, 6+),
 *   clientNonce [5] OCTET STRING OPTIONAL (version 5+) }
 * NegoData ::= SEQUENCE OF SEQUENCE { negoToken [0] OCTET STRING }
 *
 * The parser says what kind of token the first negoToken holds: NTLM
 * ([MS-NLMP] 2.2.1: "NTLMSSP\0" and the message type; for AUTHENTICATE the
 * domain and user names), Kerberos (RFC 4121 4.1 GSS framing, RFC 4120
 * AP-REQ/AP-REP/KRB-ERROR with its error-code, [MS-KILE] / RFC 4121 user-to-
 * user TGT request and reply), SPNEGO (RFC 4178: negTokenInit /
 * negTokenResp with negState, and the kind of token it carries).
 *
 * Everything reads through reader.h with a small bounded BER reader of this
 * file's own (definite lengths of at most 4 bytes, nesting depth capped);
 * strings from the wire are made printable (wirestr.h).
 */
#ifndef RDPT_CREDSSP_H
#define RDPT_CREDSSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CREDSSP_NAME_TEXT 96
#define CREDSSP_MAX_TOKENS 8

typedef enum {
    CREDSSP_OK = 0,
    CREDSSP_TRUNCATED,   /* the bytes end before the TSRequest does: wait for more */
    CREDSSP_MALFORMED,   /* not a TSRequest, or a field lies about its length */
} credssp_status;

typedef enum {
    CREDSSP_TOKEN_NONE = 0,
    CREDSSP_TOKEN_NTLM,
    CREDSSP_TOKEN_KERBEROS,
    CREDSSP_TOKEN_SPNEGO,
    CREDSSP_TOKEN_OTHER,
} credssp_token_kind;

/* Kerberos message kinds (RFC 4120 5.10 application tags; RFC 4121 4.1
 * TOK_IDs; the user-to-user TGT exchange of [MS-KILE] 3.2.5.8). */
typedef enum {
    CREDSSP_KRB_NONE = 0,
    CREDSSP_KRB_AP_REQ,
    CREDSSP_KRB_AP_REP,
    CREDSSP_KRB_ERROR,
    CREDSSP_KRB_TGT_REQ,
    CREDSSP_KRB_TGT_REP,
    CREDSSP_KRB_OTHER,
} credssp_krb_kind;

typedef struct {
    credssp_token_kind kind;          /* after unwrapping SPNEGO: the carried mechanism */
    bool spnego;                      /* wrapped in SPNEGO */
    bool spnego_init;                 /* negTokenInit (else negTokenResp) */
    bool has_neg_state;
    uint32_t neg_state;               /* 0 accept-completed, 1 accept-incomplete, 2 reject, 3 request-mic */
    bool spnego_offers_kerberos;      /* negTokenInit mechTypes lists Kerberos */
    bool spnego_offers_ntlm;          /* ... lists NTLM */
    uint32_t ntlm_type;               /* 1 NEGOTIATE, 2 CHALLENGE, 3 AUTHENTICATE */
    char ntlm_domain[CREDSSP_NAME_TEXT]; /* AUTHENTICATE: printable */
    char ntlm_user[CREDSSP_NAME_TEXT];
    credssp_krb_kind krb;
    bool has_krb_error_code;
    uint32_t krb_error_code;          /* KRB-ERROR error-code (RFC 4120 7.5.9) */
} credssp_token;

typedef struct {
    uint32_t version;
    unsigned n_tokens;                /* negoTokens seen (at most CREDSSP_MAX_TOKENS parsed) */
    credssp_token token;              /* the first negoToken */
    bool has_auth_info;
    uint32_t auth_info_len;
    bool has_pub_key_auth;
    bool has_error_code;
    uint32_t error_code;              /* NTSTATUS or HRESULT, as 32 bits */
    bool has_client_nonce;
    uint32_t pdu_len;                 /* bytes the TSRequest took */
} credssp_ts_request;

/* Wireshark's dissect_credssp_heur test (PROTOCOL-FACTS d.9): a SEQUENCE
 * whose first element is [0] holding an INTEGER of length 1 with value
 * 2..98. Needs the first bytes only (about 10). */
bool credssp_looks_like_ts_request(const uint8_t *p, size_t len);

/* How many bytes the TSRequest starting at p takes: CREDSSP_OK with *total
 * set once the outer SEQUENCE header is complete; CREDSSP_TRUNCATED when more
 * bytes are needed to tell; CREDSSP_MALFORMED when p is not a SEQUENCE. */
credssp_status credssp_pdu_length(const uint8_t *p, size_t len, size_t *total);

/* Parses one TSRequest at the start of p. */
credssp_status credssp_parse_ts_request(const uint8_t *p, size_t len, credssp_ts_request *out);

/* Classifies one negoToken (raw bytes of the OCTET STRING). */
void credssp_classify_token(const uint8_t *p, size_t len, credssp_token *out);

/* Early User Authorization Result PDU: exactly 4 bytes, little-endian. */
bool credssp_parse_early_user_auth(const uint8_t *p, size_t len, uint32_t *result);

const char *credssp_token_kind_name(credssp_token_kind kind);      /* "NTLM", ... */
const char *credssp_ntlm_message_name(uint32_t type);              /* "NEGOTIATE", ... or NULL */
const char *credssp_krb_kind_name(credssp_krb_kind kind);          /* "AP-REQ", ... */
const char *credssp_neg_state_name(uint32_t state);                /* "accept-completed", ... or NULL */
/* A one-line description of a token: "NTLM AUTHENTICATE (RDPTLAB\alice)",
 * "SPNEGO negTokenResp reject", "Kerberos KRB-ERROR 37", ... */
void credssp_token_str(const credssp_token *t, char *buf, size_t buflen);

#endif

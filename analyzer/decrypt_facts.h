/* decrypt_facts.h - what decrypting one connection's TLS showed, as facts
 * for the rules (rules_decrypted.c) and the reports: whether and how it
 * could be decrypted (or why not), the CredSSP exchange (who sent which
 * token, the user NTLM named, the errorCode), the Early User Authorization
 * Result, decrypted alerts. The RDP bytes after CredSSP go to the RDP layer
 * and land in rdp_facts like cleartext RDP.
 *
 * Filled by decrypt_facts_on_event() from the events of layer_decrypt.c;
 * the caller supplies the packet that completed the event. Fixed size (no
 * allocation); strings are printable (they went through wire_printable in
 * credssp.c).
 */
#ifndef RDPT_DECRYPT_FACTS_H
#define RDPT_DECRYPT_FACTS_H

#include "common.h"
#include "layer_decrypt.h"
#include "layers.h"
#include "timeline.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct decrypt_facts {
    bool ready;                     /* keys found */
    pkt_ref ready_ref;
    char source[64];                /* "key log (matched by client random)", "server RSA key" */
    bool unavailable;
    char why_not[384];              /* why this connection cannot be decrypted */
    bool failed;                    /* a record failed to decrypt */
    direction failed_dir;
    pkt_ref failed_ref;
    char failed_why[160];
    /* CredSSP ([MS-CSSP] 3.1.5) */
    unsigned ts_requests[2];
    uint32_t credssp_version[2];    /* of each side's last TSRequest */
    pkt_ref first_ts_request[2];
    char first_token[2][160];       /* each side's first negoToken, described */
    pkt_ref client_auth_ref;        /* NTLM AUTHENTICATE / Kerberos AP-REQ from the client */
    char client_auth[160];
    char user[96], domain[96];      /* from the NTLM AUTHENTICATE */
    pkt_ref server_pubkey_ref;      /* the server's pubKeyAuth: authentication succeeded */
    pkt_ref client_auth_info_ref;   /* the client's authInfo: credentials delegated, CredSSP done */
    bool has_error_code;
    uint32_t error_code;            /* the server's TSRequest errorCode (NTSTATUS / HRESULT) */
    pkt_ref error_ref;
    bool spnego_reject;             /* a negTokenResp with negState reject */
    pkt_ref spnego_reject_ref;
    bool krb_error;                 /* a Kerberos KRB-ERROR token */
    uint32_t krb_error_code;
    pkt_ref krb_error_ref;
    bool credssp_malformed;
    pkt_ref credssp_malformed_ref;
    /* Early User Authorization Result (MS-RDPBCGR 2.2.10.2) */
    bool has_early_auth;
    uint32_t early_auth;
    pkt_ref early_auth_ref;
    /* the first decrypted alert of each side */
    bool alert[2];
    uint8_t alert_level[2], alert_desc[2];
    pkt_ref alert_ref[2];
    uint64_t rdp_bytes[2];          /* plaintext RDP bytes handed on */
    /* Framing of those bytes for layer_rdp_plaintext() (not a fact: its
     * PDU buffers are freed by decrypt_glue_finish when the connection ends). */
    rdp_plain plain;
} decrypt_facts;

/* Records one event of layer_decrypt.c sent by `dir`'s side (DEC_EV_READY /
 * UNAVAILABLE carry no side). */
void decrypt_facts_on_event(decrypt_facts *f, const decrypt_event *ev, const pkt_ref *ref);

/* Timeline events (timeline.h): EV_DECRYPTION a = one of these; EV_CREDSSP
 * a = decrypt_pack_ts_request(), b = errorCode; EV_EARLY_USER_AUTH a = the
 * authzResult. */
enum { DECRYPT_STATE_READY = 0, DECRYPT_STATE_UNAVAILABLE = 1, DECRYPT_STATE_FAILED = 2 };
uint32_t decrypt_pack_ts_request(const credssp_ts_request *ts);
void decrypt_facts_describe_event(const tl_event *e, char *buf, size_t buflen);

#endif

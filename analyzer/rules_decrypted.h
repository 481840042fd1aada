/* rules_decrypted.h - the rules that read what decryption showed
 * (decrypt_facts.h): the exact answer inside TLS. They run before the rules
 * that infer from sizes and timing (a read errorCode beats a guess), and
 * decline when the connection was not decrypted.
 *
 * Each takes the connection's decrypt facts explicitly, so the rule table
 * (diagnosis.c) wraps it in one line once connection.h carries them:
 *   static bool rule_x(const connection *c, verdict *v)
 *   { return c->decrypt && rules_decrypted_x(c->decrypt, c, v); }
 * The Set Error Info rule takes the code from the RDP layer's facts the same way.
 */
#ifndef RDPT_RULES_DECRYPTED_H
#define RDPT_RULES_DECRYPTED_H

#include "decrypt_facts.h"
#include "rules.h"

/* The server's TSRequest carried an errorCode: auth_failed (nla, high), the
 * NTSTATUS / HRESULT named, with its meaning and what to do. */
bool rules_decrypted_credssp_error(const decrypt_facts *f, const connection *c, verdict *v);
/* HYBRID_EX: the Early User Authorization Result was not AUTHZ_SUCCESS. */
bool rules_decrypted_early_auth_denied(const decrypt_facts *f, const connection *c, verdict *v);
/* SPNEGO reject or a Kerberos KRB-ERROR inside CredSSP, without an errorCode. */
bool rules_decrypted_negotiate_rejected(const decrypt_facts *f, const connection *c, verdict *v);
/* The client sent its credentials' proof (NTLM AUTHENTICATE / Kerberos
 * AP-REQ), the server never proved its public key (no pubKeyAuth) and
 * closed: auth_failed (nla, medium: no code was sent, e.g. FreeRDP servers). */
bool rules_decrypted_closed_after_auth(const decrypt_facts *f, const connection *c, verdict *v);
/* A Set Error Info PDU read from decrypted RDP: server_denied (or
 * licensing_error for the licensing range) with the ERRINFO; informational
 * codes (logoff, disconnect by user or admin) are declined. */
bool rules_decrypted_set_error_info(const decrypt_facts *f, const connection *c, bool has_error_info,
                                    uint32_t error_info, const pkt_ref *error_info_ref,
                                    verdict *v);

#endif

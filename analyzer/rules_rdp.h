/* rules_rdp.h - the diagnosis rules of issue 6, listed in diagnosis.c's
 * table: Standard RDP Security in the clear (rules_rdp.c) and the inference
 * of how far an encrypted connection got (rules_inference.c). Each follows
 * diagnosis_rule_fn: declines (false) or fills the verdict.
 */
#ifndef RDPT_RULES_RDP_H
#define RDPT_RULES_RDP_H

#include "connection.h"
#include "verdict.h"

#include <stdbool.h>

/* Standard RDP Security (rules_rdp.c), most specific first. */
bool rules_rdp_encryption_mismatch(const connection *c, verdict *v);
bool rules_rdp_licensing_error(const connection *c, verdict *v);
bool rules_rdp_server_denied(const connection *c, verdict *v);
bool rules_rdp_redirected(const connection *c, verdict *v);
/* How far a Standard RDP Security connection got, and who ended it. */
bool rules_rdp_progress(const connection *c, verdict *v);
/* The last phase a Standard RDP Security connection reached (PHASE_MCS
 * when only MCS was seen; PHASE_SESSION once finalization completed). */
verdict_phase rules_rdp_phase(const connection *c);

/* Encrypted connections (TLS, CredSSP) without keys (rules_inference.c). */
bool rules_inference_nla_rejected(const connection *c, verdict *v);
bool rules_inference_progress(const connection *c, verdict *v);

#endif

/* rules_tls.h - the diagnosis rules of the TLS handshake (rules_tls.c),
 * listed in diagnosis.c's table after the X.224 rules, most specific first.
 * Each follows diagnosis_rule_fn: declines (false) or fills the verdict.
 */
#ifndef RDPT_RULES_TLS_H
#define RDPT_RULES_TLS_H

#include "connection.h"
#include "verdict.h"

#include <stdbool.h>

bool rules_tls_version_mismatch(const connection *c, verdict *v);
bool rules_tls_cipher_mismatch(const connection *c, verdict *v);
bool rules_tls_cert_rejected(const connection *c, verdict *v);
bool rules_tls_alert(const connection *c, verdict *v);

#endif

/* decrypt_glue.h - wires decryption (layer_decrypt.c) into a run: the
 * secrets of the run (--keylog, --rsa-key, the Decryption Secrets Blocks of
 * each pcapng input), one decrypt_conn per TLS connection fed beside the TLS
 * record layer, its events recorded as decrypt_facts, and the rule-table
 * wrappers of rules_decrypted.c. */
#ifndef RDPT_DECRYPT_GLUE_H
#define RDPT_DECRYPT_GLUE_H

#include "connection.h"
#include "verdict.h"

#include "analysis.h"

/* Before reading an input: loads --keylog / --rsa-key once, then the DSBs
 * of this input when it is a file that can be read again by its name
 * (`reread`: not live, not standard input). Problems become messages of the
 * run. */
void decrypt_glue_prepare(analysis *a, const char *name, bool reread);
void decrypt_glue_release(void);

void decrypt_glue_record(connection *c, direction dir, const uint8_t hdr[5], const pkt_ref *ref);
void decrypt_glue_data(connection *c, direction dir, const uint8_t *p, size_t n, const pkt_ref *ref);
void decrypt_glue_lost(connection *c, direction dir);
/* Whether this connection's TLS is being decrypted (keys found, no record
 * failed): then its bytes are worth following past CONN_FOLLOW_PDUS. */
bool decrypt_glue_following(const connection *c);
/* The connection ended: frees the decryptor, keeps its facts. */
void decrypt_glue_finish(connection *c);
/* Frees both (connection_free). */
void decrypt_glue_free(connection *c);

bool decrypt_glue_rule_credssp_error(const connection *c, verdict *v);
bool decrypt_glue_rule_early_auth_denied(const connection *c, verdict *v);
bool decrypt_glue_rule_negotiate_rejected(const connection *c, verdict *v);
bool decrypt_glue_rule_closed_after_auth(const connection *c, verdict *v);
bool decrypt_glue_rule_set_error_info(const connection *c, verdict *v);

#endif

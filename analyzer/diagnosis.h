/* diagnosis.h - from a connection's timeline and dissected facts to one
 * verdict. A table of rules, most specific first; the first that accepts
 * decides. Each rule reads the connection and never the packets.
 */
#ifndef RDPT_DIAGNOSIS_H
#define RDPT_DIAGNOSIS_H

#include "connection.h"
#include "verdict.h"

#include <stdbool.h>

typedef bool (*diagnosis_rule_fn)(const connection *c, verdict *v);

typedef struct {
    const char *name;
    diagnosis_rule_fn fn;
} diagnosis_rule;

/* Fills c->v from the rules. Always produces a verdict. */
void diagnose_connection(connection *c);
/* The rule table, for tests and documentation. */
const diagnosis_rule *diagnosis_rules(unsigned *count);

#endif

/* verdict.h - the verdict vocabulary of ../shared/VERDICTS.md: phases,
 * causes, confidence, and one verdict with its evidence.
 *
 * The tables behind the names (and the plain-words meaning and remedy of each
 * cause) live in verdict.c; reports only look them up.
 */
#ifndef RDPT_VERDICT_H
#define RDPT_VERDICT_H

#include "common.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    PHASE_TCP = 0,
    PHASE_X224,
    PHASE_TLS,
    PHASE_NLA,
    PHASE_MCS,
    PHASE_SECURITY,
    PHASE_LICENSING,
    PHASE_ACTIVATION,
    PHASE_SESSION,
    PHASE_NONE,
    PHASE_COUNT
} verdict_phase;

typedef enum {
    CAUSE_SUCCESS = 0,
    CAUSE_NO_ANSWER,
    CAUSE_REFUSED,
    CAUSE_RESET_INJECTED,
    CAUSE_RESET_BY_SERVER,
    CAUSE_RESET_BY_CLIENT,
    CAUSE_CLOSED_BY_SERVER,
    CAUSE_CLOSED_BY_CLIENT,
    CAUSE_SERVER_SILENT,
    CAUSE_SSL_REQUIRED_BY_SERVER,
    CAUSE_SSL_NOT_ALLOWED_BY_SERVER,
    CAUSE_SSL_CERT_NOT_ON_SERVER,
    CAUSE_INCONSISTENT_FLAGS,
    CAUSE_HYBRID_REQUIRED_BY_SERVER,
    CAUSE_SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER,
    CAUSE_PROTOCOL_MISMATCH,
    CAUSE_NOT_RDP,
    CAUSE_MALFORMED,             /* extension: the negotiation itself is malformed */
    CAUSE_VERSION_MISMATCH,
    CAUSE_CIPHER_MISMATCH,
    CAUSE_CERT_REJECTED,
    CAUSE_TLS_ALERT,
    CAUSE_AUTH_FAILED,
    CAUSE_ENCRYPTION_MISMATCH,
    CAUSE_SERVER_DENIED,
    CAUSE_LICENSING_ERROR,
    CAUSE_REDIRECTED,
    CAUSE_CAPTURE_INCOMPLETE,
    CAUSE_COUNT
} verdict_cause;

typedef enum { CONF_HIGH = 0, CONF_MEDIUM, CONF_LOW } verdict_confidence;

#define VERDICT_MAX_EVIDENCE 16
#define VERDICT_TEXT 512

typedef struct {
    pkt_ref ref;                 /* packet 0: a fact not tied to one packet */
    char text[256];
} verdict_evidence;

typedef struct {
    verdict_phase phase;
    verdict_cause cause;
    verdict_confidence confidence;
    char detail[256];            /* short, machine-friendly detail ("certificate expired") */
    char summary[VERDICT_TEXT];  /* one or two sentences for a ticket */
    char not_examined[256];      /* what this version did not look at, or "" */
    const char *rule;            /* name of the diagnosis rule that decided */
    pkt_ref key;                 /* the packet that decides (a rule sets it; else the first evidence) */
    verdict_evidence evidence[VERDICT_MAX_EVIDENCE];
    unsigned n_evidence;
} verdict;

const char *verdict_phase_name(verdict_phase p);        /* "tcp", ..., "none" */
const char *verdict_cause_name(verdict_cause c);        /* "no_answer", ... */
const char *verdict_confidence_name(verdict_confidence c);
/* Plain words for a person who does not know RDP internals. */
const char *verdict_cause_title(verdict_cause c);       /* "The server refused the connection" */
const char *verdict_cause_remedy(verdict_cause c);      /* what to change, on which machine */
const char *verdict_phase_title(verdict_phase p);       /* "TCP connection set-up" */
/* A cause counts as a failure unless it is success. */
int verdict_is_failure(const verdict *v);

/* An empty verdict (success, high, no text, no evidence). The text arrays
 * (5 KiB) are not cleared: they are read up to their NUL, the evidence up
 * to n_evidence. */
void verdict_reset(verdict *v);

/* Appends evidence (ignored past VERDICT_MAX_EVIDENCE). Its text is left
 * empty while verdict_set_evidence_text(false) holds. */
void verdict_add_evidence(verdict *v, const pkt_ref *ref, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Whether evidence gets its text (default: yes). Only the XML and HTML
 * reports show it; a run without them (a summary on the terminal, -q, a
 * live watch) spares formatting it. Process-wide: set it before any
 * analysis starts, never during one (connections are diagnosed on a thread
 * of their own). */
void verdict_set_evidence_text(bool on);

#endif

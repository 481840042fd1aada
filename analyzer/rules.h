/* rules.h - inside the diagnosis: what every rule file shares. The rule
 * table is in diagnosis.c; the rules live in one file per area
 * (diagnosis.c: TCP and X.224; more files as areas are added), built from
 * the helpers below (rules_common.c), which read the connection model only.
 */
#ifndef RDPT_RULES_H
#define RDPT_RULES_H

#include "connection.h"
#include "verdict.h"

#include <stdbool.h>
#include <stddef.h>

/* The first FIN or RST of the connection: who started the close, and how. */
typedef struct {
    bool any;
    direction dir;
    bool rst;
    pkt_ref ref;
} close_info;

static inline const conn_dir *client_dir(const connection *c) { return &c->dir[DIR_C2S]; }
static inline const conn_dir *server_dir(const connection *c) { return &c->dir[DIR_S2C]; }

void diag_endpoints(const connection *c, char *cl, size_t cll, char *sv, size_t svl);
double diag_seconds_between(pkt_ref later, pkt_ref earlier);
void diag_set(verdict *v, verdict_phase ph, verdict_cause ca, verdict_confidence conf);

close_info diag_first_close(const connection *c);
/* reset/closed by server/client, from who sent the first FIN or RST. */
verdict_cause diag_close_cause(const close_info *ci);

/* Evidence lines: the close, the X.224 request and confirm, every event of a kind. */
void diag_evidence_close(verdict *v, const close_info *ci);
void diag_evidence_cr(verdict *v, const connection *c);
void diag_evidence_cc(verdict *v, const connection *c);
void diag_evidence_each(verdict *v, const connection *c, event_type type, direction dir,
                        unsigned max);

/* How far a connection got. */
bool diag_is_tls(const connection *c);
bool diag_nla_selected(const connection *c);
bool diag_tls_handshake_done(const connection *c);
/* The server sent enough after the negotiation to have reached the session. */
bool diag_reached_session(const connection *c);
/* The phase of a connection past the negotiation that did not reach the session. */
verdict_phase diag_secure_phase(const connection *c);
verdict_phase diag_phase_reached(const connection *c);
/* The server said nothing for a while after the client's last data, up to
 * the close or the end of the capture; *client_last: that data. */
bool diag_server_went_silent(const connection *c, const close_info *ci, pkt_ref *client_last);

#endif

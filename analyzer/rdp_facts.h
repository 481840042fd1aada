/* rdp_facts.h - what the Standard RDP Security layer (layer_rdp.c) learnt
 * about one connection: the MCS/GCC exchange, the Security Exchange and
 * Client Info, licensing, activation, and how the server ended it.
 *
 * Embedded by value in the connection (connection.h, field `rdp`): fixed
 * size, no pointers, nothing to free. Facts only; the rules that read them
 * live in rules_rdp.c. Milestones are packet references (packet 0: not
 * seen); "inferred" flags mark milestones deduced from the order of
 * encrypted PDUs rather than read from their contents.
 */
#ifndef RDPT_RDP_FACTS_H
#define RDPT_RDP_FACTS_H

#include "common.h"
#include "gcc.h"
#include "redirection.h"
#include "timeline.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* EV_RDP_SEC events: a = one of these, b = its value. */
typedef enum {
    RDPM_SEC_EXCHANGE = 0,  /* b: encrypted client random length */
    RDPM_CLIENT_INFO,       /* b: 1 encrypted, 2 read inside TLS (decrypted), 0 in the clear */
    RDPM_LICENSE,           /* b: bMsgType, or 0x100 if encrypted */
    RDPM_LICENSE_ERROR,     /* b: dwErrorCode (STATUS_VALID_CLIENT = done) */
    RDPM_DEMAND_ACTIVE,     /* b: 1 if inferred from encrypted PDUs */
    RDPM_CONFIRM_ACTIVE,    /* b: 1 if inferred */
    RDPM_SESSION,           /* connection finalization done; b: 1 if inferred */
    RDPM_ERROR_INFO,        /* b: errorInfo */
    RDPM_REDIRECTION,
    RDPM_COUNT
} rdp_milestone;

typedef struct {
    bool seen;                      /* at least one MCS PDU was parsed */
    uint16_t io_channel;            /* I/O channel (SC_NET, default 1003) */
    /* MCS Connect Initial (client) with the GCC client blocks */
    bool has_connect_initial;
    pkt_ref connect_initial_ref;
    gcc_client_data cs;
    gcc_info ci_gcc;
    /* MCS Connect Response (server) with the GCC server blocks */
    bool has_connect_response;
    pkt_ref connect_response_ref;
    uint32_t mcs_result;            /* T.125 Result */
    bool has_gcc_response;
    gcc_server_data sc;
    gcc_info cr_gcc;
    /* Domain PDUs */
    pkt_ref erect_domain_ref, attach_request_ref, attach_confirm_ref;
    uint32_t attach_result;
    uint16_t user_id;
    uint16_t join_requests, join_confirms, join_failures;
    pkt_ref first_join_ref, last_join_ref, failed_join_ref;
    uint16_t failed_join_channel;
    uint32_t failed_join_result;
    /* Disconnect Provider Ultimatum / Reject Ultimatum: the first one */
    bool has_dpum;
    pkt_ref dpum_ref;
    direction dpum_dir;
    uint8_t dpum_reason;
    bool has_reject_ultimatum;
    pkt_ref reject_ref;
    direction reject_dir;
    /* Security Exchange and Client Info (client) */
    pkt_ref sec_exchange_ref;
    uint32_t sec_exchange_len;
    pkt_ref client_info_ref;
    bool client_info_encrypted;
    /* Licensing */
    pkt_ref license_first_ref, license_last_ref;
    unsigned license_server_pdus, license_client_pdus;
    bool license_encrypted;         /* some licensing PDU was encrypted */
    uint8_t license_last_msg;       /* last readable bMsgType from the server */
    bool license_done;              /* valid-client message, new/upgraded license, or inferred */
    bool license_done_inferred;
    pkt_ref license_done_ref;
    bool license_error;             /* an ERROR_ALERT other than STATUS_VALID_CLIENT */
    uint32_t license_error_code, license_state;
    pkt_ref license_error_ref;
    /* Activation and finalization (I/O channel) */
    pkt_ref demand_active_ref;
    bool demand_active_inferred;
    pkt_ref confirm_active_ref;
    bool confirm_active_inferred;
    uint32_t server_io_after_demand, client_io_after_confirm;
    pkt_ref fontmap_ref;
    pkt_ref session_ref;            /* finalization complete */
    bool session_inferred;
    pkt_ref fastpath_first[2];      /* per direction */
    /* Errors and redirection (in the clear, or read from decrypted TLS) */
    bool has_error_info;
    uint32_t error_info;            /* the LAST non-zero Set Error Info: what the client shows */
    pkt_ref error_info_ref;
    pkt_ref redirection_ref;
    /* Set Error Info history and the Server Redirection's contents
     * (MS-RDPBCGR 2.2.5.1.1, 2.2.13): the first non-zero errorInfo and how
     * many non-zero ones came; the first redirection from the server,
     * dissected when readable (never with its Password field, see
     * redirection.h). */
    uint32_t error_info_first;
    pkt_ref error_info_first_ref;
    uint32_t error_infos;
    uint32_t redirections;
    bool redirection_encrypted;     /* Standard Security SEC_ENCRYPT: the target is not readable */
    bool redirection_read;          /* `redirection` holds the dissected packet */
    redir_packet redirection;
    /* Counts per direction */
    uint32_t mcs_pdus[2], encrypted_pdus[2], fastpath_pdus[2], io_pdus[2];
    /* The first MCS-level problem */
    bool malformed;
    char problem[128];
    pkt_ref problem_ref;
    direction problem_dir;
} rdp_facts;

/* Words for an EV_MCS / EV_RDP_SEC event (timeline_describe calls this). */
void rdp_facts_describe_event(const tl_event *e, char *buf, size_t buflen);

/* The protocol the client asked for in its X.224 request compared with
 * what the server says it received (SC_CORE clientRequestedProtocols):
 * true when both are known and differ (a downgrade or a tampering
 * middlebox, MS-RDPBCGR 5.4.2.1). */
bool rdp_facts_requested_mismatch(const rdp_facts *f, bool has_neg_req, uint32_t requested);

#endif

/* mcs.h - T.125 MCS PDUs as RDP uses them, from the user data of an X.224
 * Data TPDU: Connect-Initial / Connect-Response (BER, APPLICATION 101/102,
 * MS-RDPBCGR 2.2.1.3, 2.2.1.4) with their GCC payload (gcc.h), and the
 * domain PDUs (PER, 2.2.1.5-2.2.1.9, 2.2.2.3): Erect Domain, Attach User
 * Request/Confirm, Channel Join Request/Confirm, Send Data
 * Request/Indication, Disconnect Provider Ultimatum.
 *
 * mcs_parse() fills one mcs_pdu (no allocation; `data` points into the
 * caller's bytes and lives as long as they do). Problems are recorded in
 * `problems`/`problem`; the PDU kind is kept whenever it could be read.
 */
#ifndef RDPT_MCS_H
#define RDPT_MCS_H

#include "gcc.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    MCS_PDU_UNKNOWN = 0,
    MCS_CONNECT_INITIAL,
    MCS_CONNECT_RESPONSE,
    MCS_ERECT_DOMAIN_REQUEST,
    MCS_DISCONNECT_PROVIDER_ULTIMATUM,
    MCS_REJECT_ULTIMATUM,
    MCS_ATTACH_USER_REQUEST,
    MCS_ATTACH_USER_CONFIRM,
    MCS_DETACH_USER_REQUEST,
    MCS_DETACH_USER_INDICATION,
    MCS_CHANNEL_JOIN_REQUEST,
    MCS_CHANNEL_JOIN_CONFIRM,
    MCS_SEND_DATA_REQUEST,
    MCS_SEND_DATA_INDICATION,
    MCS_PDU_KIND_COUNT
} mcs_pdu_kind;

/* DomainMCSPDU choices (T.125 7, PROTOCOL-FACTS d.3). */
enum {
    MCS_DOMAIN_ERECT_DOMAIN_REQUEST = 1,
    MCS_DOMAIN_DPUM = 8,
    MCS_DOMAIN_REJECT_ULTIMATUM = 9,
    MCS_DOMAIN_ATTACH_USER_REQUEST = 10,
    MCS_DOMAIN_ATTACH_USER_CONFIRM = 11,
    MCS_DOMAIN_DETACH_USER_REQUEST = 12,
    MCS_DOMAIN_DETACH_USER_INDICATION = 13,
    MCS_DOMAIN_CHANNEL_JOIN_REQUEST = 14,
    MCS_DOMAIN_CHANNEL_JOIN_CONFIRM = 15,
    MCS_DOMAIN_SEND_DATA_REQUEST = 25,
    MCS_DOMAIN_SEND_DATA_INDICATION = 26,
};

#define MCS_BASE_CHANNEL_ID 1001   /* user ids and channel ids are sent minus this (T.125) */

#define MCS_PROB_TRUNCATED 0x01
#define MCS_PROB_BER 0x02          /* the BER structure is inconsistent */
#define MCS_PROB_GCC 0x04          /* the GCC payload has a problem (see gcc.problem) */
#define MCS_PROB_UNKNOWN 0x08      /* a DomainMCSPDU choice RDP does not use */

typedef struct {
    mcs_pdu_kind kind;
    uint8_t domain_choice;     /* raw DomainMCSPDU choice */
    uint32_t result;           /* Connect-Response / Attach / Join confirm: T.125 Result */
    uint8_t reason;            /* DPUM: T.125 Reason */
    bool has_initiator;
    uint16_t initiator;        /* user id (+1001 applied) */
    uint16_t channel_id;       /* join: the channel; send data: the channel */
    uint16_t requested_channel;/* join confirm */
    bool has_channel_id;
    /* Connect-Initial / Connect-Response */
    bool has_gcc;              /* the GCC payload was found and parsed */
    gcc_info gcc;
    gcc_client_data cs;        /* Connect-Initial */
    gcc_server_data sc;        /* Connect-Response */
    /* Send Data: the user data (a security header and what follows) */
    const uint8_t *data;
    size_t data_len;
    uint32_t problems;
    char problem[96];
} mcs_pdu;

/* p/len: the X.224 Data TPDU's user data. Returns false when not even the
 * PDU kind could be read. */
bool mcs_parse(const uint8_t *p, size_t len, mcs_pdu *out);

const char *mcs_pdu_kind_name(mcs_pdu_kind kind);       /* "Attach User Confirm" */
const char *mcs_result_name(uint32_t result);            /* "rt-successful" */
const char *mcs_reason_name(uint32_t reason);            /* "rn-user-requested" */

#endif

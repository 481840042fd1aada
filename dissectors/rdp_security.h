/* rdp_security.h - what an MCS Send Data PDU of a Standard RDP Security
 * connection carries, as far as it can be read without keys: the security
 * header flags (MS-RDPBCGR 2.2.8.1.1.2.1), the Security Exchange (2.2.1.10),
 * the Client Info PDU's presence (2.2.1.11), licensing PDUs in the clear
 * (2.2.1.12, MS-RDPELE 2.2.2: preamble, LICENSE_ERROR_MESSAGE), and share
 * control / share data headers in the clear (2.2.8.1.1.1: Demand Active,
 * Confirm Active, Set Error Info).
 *
 * Anything with SEC_ENCRYPT is counted by kind and not parsed further. Pure
 * function of the bytes; no allocation.
 */
#ifndef RDPT_RDP_SECURITY_H
#define RDPT_RDP_SECURITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Security header flags (2.2.8.1.1.2.1). */
enum {
    SEC_EXCHANGE_PKT = 0x0001,
    SEC_TRANSPORT_REQ = 0x0002,
    SEC_TRANSPORT_RSP = 0x0004,
    SEC_ENCRYPT = 0x0008,
    SEC_RESET_SEQNO = 0x0010,
    SEC_IGNORE_SEQNO = 0x0020,
    SEC_INFO_PKT = 0x0040,
    SEC_LICENSE_PKT = 0x0080,
    SEC_LICENSE_ENCRYPT = 0x0200,
    SEC_REDIRECTION_PKT = 0x0400,
    SEC_SECURE_CHECKSUM = 0x0800,
    SEC_AUTODETECT_REQ = 0x1000,
    SEC_AUTODETECT_RSP = 0x2000,
    SEC_HEARTBEAT = 0x4000,
    SEC_FLAGSHI_VALID = 0x8000,
};

/* Licensing bMsgType (2.2.1.12.1.1 / MS-RDPELE 2.2.2). */
enum {
    LICENSE_REQUEST = 0x01,
    LICENSE_PLATFORM_CHALLENGE = 0x02,
    LICENSE_NEW_LICENSE = 0x03,
    LICENSE_UPGRADE_LICENSE = 0x04,
    LICENSE_INFO = 0x12,
    LICENSE_NEW_LICENSE_REQUEST = 0x13,
    LICENSE_PLATFORM_CHALLENGE_RESPONSE = 0x15,
    LICENSE_ERROR_ALERT = 0xFF,
};
#define LICENSE_STATUS_VALID_CLIENT 0x00000007u
#define LICENSE_ST_NO_TRANSITION 0x00000002u

/* Share control pduType (2.2.8.1.1.1.1) and share data pduType2. */
enum {
    PDUTYPE_DEMANDACTIVE = 0x1,
    PDUTYPE_CONFIRMACTIVE = 0x3,
    PDUTYPE_DEACTIVATEALL = 0x6,
    PDUTYPE_DATA = 0x7,
    PDUTYPE_SERVER_REDIR = 0xA,
};
enum {
    PDUTYPE2_CONTROL = 0x14,
    PDUTYPE2_SYNCHRONIZE = 0x1F,
    PDUTYPE2_FONTLIST = 0x27,
    PDUTYPE2_FONTMAP = 0x28,
    PDUTYPE2_SET_ERROR_INFO = 0x2F,
};

typedef enum {
    RDPSEC_UNKNOWN = 0,
    RDPSEC_EXCHANGE,        /* Security Exchange PDU (client random) */
    RDPSEC_CLIENT_INFO,     /* Client Info PDU (encrypted or not) */
    RDPSEC_LICENSE,         /* licensing PDU */
    RDPSEC_SHARE_CONTROL,   /* share control PDU in the clear */
    RDPSEC_ENCRYPTED,       /* other data, encrypted: unreadable */
    RDPSEC_AUTODETECT,      /* auto-detect request/response */
    RDPSEC_TRANSPORT,       /* multitransport request/response */
    RDPSEC_HEARTBEAT,
    RDPSEC_REDIRECTION,     /* Standard Security server redirection */
    RDPSEC_KIND_COUNT
} rdpsec_kind;

typedef struct {
    rdpsec_kind kind;
    bool has_header;        /* a security header was read */
    uint16_t flags, flags_hi;
    bool encrypted;         /* SEC_ENCRYPT: the body is not readable */
    uint32_t exchange_len;  /* Security Exchange: length of the encrypted client random */
    /* licensing, in the clear */
    bool license_readable;
    uint8_t license_msg;    /* bMsgType */
    uint8_t license_flags;
    bool has_license_error;
    uint32_t license_error_code, license_state_transition;
    /* share control, in the clear */
    uint16_t pdu_type;      /* low 4 bits of pduType */
    uint16_t pdu_source;
    uint8_t pdu_type2;      /* share data */
    bool has_error_info;
    uint32_t error_info;    /* Set Error Info errorInfo */
    bool truncated;
} rdpsec_pdu;

/* p/len: an MCS Send Data's user data. header_expected: the connection uses
 * an encryption level above NONE, so every PDU starts with a security
 * header; false: only the Client Info and licensing PDUs do (2.2.8.1.1.2),
 * and a share control header is tried first. fips: encrypted bodies start
 * after a 12-byte FIPS header instead of an 8-byte MAC. */
bool rdpsec_parse(const uint8_t *p, size_t len, bool header_expected, bool fips,
                  rdpsec_pdu *out);

const char *rdpsec_kind_name(rdpsec_kind kind);          /* "Security Exchange" */
const char *rdpsec_license_msg_name(uint8_t msg);        /* "LICENSE_REQUEST" */
const char *rdpsec_license_error_name(uint32_t code);    /* "STATUS_VALID_CLIENT" */
const char *rdpsec_license_state_name(uint32_t st);      /* "ST_NO_TRANSITION" */
const char *rdpsec_pdu_type_name(uint16_t type);         /* "Demand Active" */
const char *rdpsec_errinfo_name(uint32_t code);          /* "ERRINFO_SERVER_DENIED_CONNECTION" */
/* Set Error Info codes that describe a normal end, not a failure (0, 0xB, 0xC). */
bool rdpsec_errinfo_is_benign(uint32_t code);

#endif

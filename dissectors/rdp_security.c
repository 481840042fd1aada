/* rdp_security.c - security header, licensing and share headers of a
 * Standard RDP Security PDU (see rdp_security.h).
 */
#include "rdp_security.h"

#include "status_names.h"

#include "reader.h"

#include <string.h>

/* Share control header (2.2.8.1.1.1.1): totalLength, pduType (type in the
 * low 4 bits, version 1 in bits 4..15 = 0x0010), pduSource. Plausible when
 * the length fits and the version is 1. */
static bool share_control(reader *r, rdpsec_pdu *out)
{
    size_t start = reader_pos(r);
    uint16_t total, type, source;
    if (reader_left(r) < 6)
        return false;
    reader_le16(r, &total);
    reader_le16(r, &type);
    reader_le16(r, &source);
    /* totalLength 0x8000 marks a flow-control PDU (2.2.8.1.1.1.1); other
     * lengths must fit in what is left. */
    if ((type & 0xFFF0) != 0x0010 || total < 6 || total > reader_left(r) + 6 ||
        total == 0x8000) {
        r->pos = start;
        return false;
    }
    out->kind = RDPSEC_SHARE_CONTROL;
    out->pdu_type = type & 0x000F;
    out->pdu_source = source;
    if (out->pdu_type == PDUTYPE_DATA) {
        /* Share data header (2.2.8.1.1.1.2): shareId, pad, streamId,
         * uncompressedLength, pduType2, compressedType, compressedLength. */
        uint32_t share_id;
        uint8_t pad, stream, ctype;
        uint16_t ulen, clen;
        reader_le32(r, &share_id);
        reader_u8(r, &pad);
        reader_u8(r, &stream);
        reader_le16(r, &ulen);
        reader_u8(r, &out->pdu_type2);
        reader_u8(r, &ctype);
        reader_le16(r, &clen);
        if (r->ok && out->pdu_type2 == PDUTYPE2_SET_ERROR_INFO && !(ctype & 0x20))
            out->has_error_info = reader_le32(r, &out->error_info);
        if (!r->ok)
            out->truncated = true;
    }
    return true;
}

static void license(reader *r, rdpsec_pdu *out)
{
    uint16_t size;
    out->kind = RDPSEC_LICENSE;
    if (out->encrypted)
        return;
    /* Preamble (MS-RDPELE 2.2.2.x LICENSE_PREAMBLE): bMsgType, flags, wMsgSize. */
    if (!reader_u8(r, &out->license_msg) || !reader_u8(r, &out->license_flags) ||
        !reader_le16(r, &size)) {
        out->truncated = true;
        return;
    }
    out->license_readable = true;
    if (out->license_msg == LICENSE_ERROR_ALERT) {
        /* LICENSE_ERROR_MESSAGE (2.2.1.12.1.3): dwErrorCode, dwStateTransition. */
        if (reader_le32(r, &out->license_error_code) &&
            reader_le32(r, &out->license_state_transition))
            out->has_license_error = true;
        else
            out->truncated = true;
    }
}

bool rdpsec_parse(const uint8_t *p, size_t len, bool header_expected, bool fips,
                  rdpsec_pdu *out)
{
    memset(out, 0, sizeof *out);
    reader r = reader_make(p, len);
    if (!p || len == 0)
        return false;
    if (!header_expected && share_control(&r, out))
        return true;
    if (!reader_le16(&r, &out->flags) || !reader_le16(&r, &out->flags_hi)) {
        out->truncated = true;
        return false;
    }
    out->has_header = true;
    uint16_t f = out->flags;
    out->encrypted = (f & SEC_ENCRYPT) != 0;
    if (out->encrypted) {
        /* Non-FIPS: an 8-byte MAC (2.2.8.1.1.2.2); FIPS: length, version,
         * padlen and an 8-byte signature (2.2.8.1.1.2.3). Skipped, as the
         * body after them cannot be read. */
        reader_skip(&r, fips ? 12 : 8);
    }
    if (f & SEC_EXCHANGE_PKT) {
        out->kind = RDPSEC_EXCHANGE;
        if (!reader_le32(&r, &out->exchange_len))
            out->truncated = true;
        return true;
    }
    if (f & SEC_INFO_PKT) {
        out->kind = RDPSEC_CLIENT_INFO;
        return true;
    }
    if (f & SEC_LICENSE_PKT) {
        license(&r, out);
        return true;
    }
    if (f & SEC_REDIRECTION_PKT) {
        out->kind = RDPSEC_REDIRECTION;
        return true;
    }
    if (f & (SEC_AUTODETECT_REQ | SEC_AUTODETECT_RSP)) {
        out->kind = RDPSEC_AUTODETECT;
        return true;
    }
    if (f & (SEC_TRANSPORT_REQ | SEC_TRANSPORT_RSP)) {
        out->kind = RDPSEC_TRANSPORT;
        return true;
    }
    if (f & SEC_HEARTBEAT) {
        out->kind = RDPSEC_HEARTBEAT;
        return true;
    }
    if (out->encrypted) {
        out->kind = RDPSEC_ENCRYPTED;
        return true;
    }
    if (!share_control(&r, out))
        out->kind = RDPSEC_UNKNOWN;
    return true;
}

const char *rdpsec_kind_name(rdpsec_kind kind)
{
    static const char *const names[RDPSEC_KIND_COUNT] = {
        [RDPSEC_UNKNOWN] = "RDP PDU",
        [RDPSEC_EXCHANGE] = "Security Exchange",
        [RDPSEC_CLIENT_INFO] = "Client Info",
        [RDPSEC_LICENSE] = "licensing PDU",
        [RDPSEC_SHARE_CONTROL] = "share control PDU",
        [RDPSEC_ENCRYPTED] = "encrypted PDU",
        [RDPSEC_AUTODETECT] = "auto-detect PDU",
        [RDPSEC_TRANSPORT] = "multitransport PDU",
        [RDPSEC_HEARTBEAT] = "heartbeat PDU",
        [RDPSEC_REDIRECTION] = "Server Redirection",
    };
    return (unsigned)kind < RDPSEC_KIND_COUNT ? names[kind] : "RDP PDU";
}

const char *rdpsec_license_msg_name(uint8_t msg)
{
    switch (msg) {
    case LICENSE_REQUEST: return "LICENSE_REQUEST";
    case LICENSE_PLATFORM_CHALLENGE: return "PLATFORM_CHALLENGE";
    case LICENSE_NEW_LICENSE: return "NEW_LICENSE";
    case LICENSE_UPGRADE_LICENSE: return "UPGRADE_LICENSE";
    case LICENSE_INFO: return "LICENSE_INFO";
    case LICENSE_NEW_LICENSE_REQUEST: return "NEW_LICENSE_REQUEST";
    case LICENSE_PLATFORM_CHALLENGE_RESPONSE: return "PLATFORM_CHALLENGE_RESPONSE";
    case LICENSE_ERROR_ALERT: return "ERROR_ALERT";
    default: return "unknown";
    }
}

const char *rdpsec_license_error_name(uint32_t code)
{
    /* dwErrorCode (2.2.1.12.1.3, PROTOCOL-FACTS d.5). */
    switch (code) {
    case 0x1: return "ERR_INVALID_SERVER_CERTIFICATE";
    case 0x2: return "ERR_NO_LICENSE";
    case 0x3: return "ERR_INVALID_MAC";
    case 0x4: return "ERR_INVALID_SCOPE";
    case 0x6: return "ERR_NO_LICENSE_SERVER";
    case 0x7: return "STATUS_VALID_CLIENT";
    case 0x8: return "ERR_INVALID_CLIENT";
    case 0xB: return "ERR_INVALID_PRODUCTID";
    case 0xC: return "ERR_INVALID_MESSAGE_LEN";
    default: return "unknown";
    }
}

const char *rdpsec_license_state_name(uint32_t st)
{
    switch (st) {
    case 1: return "ST_TOTAL_ABORT";
    case 2: return "ST_NO_TRANSITION";
    case 3: return "ST_RESET_PHASE_TO_START";
    case 4: return "ST_RESEND_LAST_MESSAGE";
    default: return "unknown";
    }
}

const char *rdpsec_pdu_type_name(uint16_t type)
{
    switch (type) {
    case PDUTYPE_DEMANDACTIVE: return "Demand Active";
    case PDUTYPE_CONFIRMACTIVE: return "Confirm Active";
    case PDUTYPE_DEACTIVATEALL: return "Deactivate All";
    case PDUTYPE_DATA: return "Data";
    case PDUTYPE_SERVER_REDIR: return "Server Redirection";
    default: return "unknown";
    }
}

const char *rdpsec_errinfo_name(uint32_t code)
{
    /* Set Error Info errorInfo (2.2.5.1.1, PROTOCOL-FACTS d.7): one table,
     * with meanings and remedies, in status_names.c. */
    const status_name *n = status_errinfo(code);
    return n ? n->name : "unknown";
}

bool rdpsec_errinfo_is_benign(uint32_t code)
{
    return code == 0x0 || code == 0xB || code == 0xC;
}

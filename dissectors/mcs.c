/* mcs.c - T.125 MCS PDUs (see mcs.h). BER for the connect PDUs (T.125 7,
 * "Connect-Initial ::= [APPLICATION 101] IMPLICIT SEQUENCE"), ALIGNED PER
 * for the domain PDUs (T.125 7 DomainMCSPDU, as MS-RDPBCGR 2.2.1.5-2.2.1.9
 * and FreeRDP's mcs.c encode them: the choice in the top 6 bits of the first
 * byte, optional-field bits in its low 2 bits).
 */
#include "mcs.h"

#include "ber.h"
#include "per.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void problem(mcs_pdu *m, uint32_t bit, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(mcs_pdu *m, uint32_t bit, const char *fmt, ...)
{
    if (!m->problems) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(m->problem, sizeof m->problem, fmt, ap);
        va_end(ap);
    }
    m->problems |= bit;
}

/* DomainParameters ::= SEQUENCE of 8 INTEGERs: checked, not kept. */
static bool domain_parameters(reader *r)
{
    reader seq;
    if (!ber_expect(r, BER_CLASS_UNIVERSAL, true, BER_TAG_SEQUENCE, &seq))
        return false;
    for (int i = 0; i < 8; i++) {
        uint32_t v;
        if (!ber_read_integer(&seq, &v))
            return false;
    }
    return true;
}

static void connect_initial(reader *body, mcs_pdu *m)
{
    reader calling, called, ud;
    bool upward;
    if (!ber_read_octet_string(body, &calling) || !ber_read_octet_string(body, &called) ||
        !ber_read_boolean(body, &upward) || !domain_parameters(body) ||
        !domain_parameters(body) || !domain_parameters(body) ||
        !ber_read_octet_string(body, &ud)) {
        problem(m, MCS_PROB_BER, "MCS Connect-Initial fields are malformed or truncated");
        return;
    }
    m->has_gcc = gcc_parse_conference_create_request(ud.data, ud.len, &m->gcc, &m->cs);
    if (m->gcc.problems || !m->has_gcc)
        problem(m, MCS_PROB_GCC, "GCC: %s",
                m->gcc.problem[0] ? m->gcc.problem : "no client data blocks");
}

static void connect_response(reader *body, mcs_pdu *m)
{
    uint32_t connect_id;
    reader ud;
    if (!ber_read_enumerated(body, &m->result)) {
        problem(m, MCS_PROB_BER, "MCS Connect-Response result missing");
        return;
    }
    if (!ber_read_integer(body, &connect_id) || !domain_parameters(body) ||
        !ber_read_octet_string(body, &ud)) {
        /* A refusal (result != 0) may end here. */
        if (m->result == 0)
            problem(m, MCS_PROB_BER, "MCS Connect-Response fields are malformed or truncated");
        return;
    }
    m->has_gcc = gcc_parse_conference_create_response(ud.data, ud.len, &m->gcc, &m->sc);
    if (m->gcc.problems || !m->has_gcc)
        problem(m, MCS_PROB_GCC, "GCC: %s",
                m->gcc.problem[0] ? m->gcc.problem : "no server data blocks");
}

static bool connect_pdu(const uint8_t *p, size_t len, mcs_pdu *m)
{
    reader r = reader_make(p, len);
    ber_header h;
    if (!ber_read_header(&r, &h)) {
        /* Kind is still known from the identifier (0x7F 0x65 / 0x66). */
        m->kind = len >= 2 && p[1] == 0x66 ? MCS_CONNECT_RESPONSE : MCS_CONNECT_INITIAL;
        problem(m, MCS_PROB_TRUNCATED, "MCS connect PDU length runs past the data");
        return true;
    }
    if (h.cls != BER_CLASS_APPLICATION || !h.constructed || (h.tag != 101 && h.tag != 102)) {
        problem(m, MCS_PROB_BER, "BER APPLICATION %u is not an MCS connect PDU RDP uses", h.tag);
        return false;
    }
    reader body;
    reader_sub(&r, h.length, &body);
    if (h.tag == 101) {
        m->kind = MCS_CONNECT_INITIAL;
        connect_initial(&body, m);
    } else {
        m->kind = MCS_CONNECT_RESPONSE;
        connect_response(&body, m);
    }
    return true;
}

static void send_data(reader *r, mcs_pdu *m)
{
    uint8_t prio;
    uint16_t len;
    m->has_initiator = per_read_integer16(r, MCS_BASE_CHANNEL_ID, &m->initiator);
    m->has_channel_id = per_read_integer16(r, 0, &m->channel_id);
    if (!per_read_u8(r, &prio) || !per_read_length(r, &len)) {
        problem(m, MCS_PROB_TRUNCATED, "MCS Send Data header truncated");
        return;
    }
    size_t n = len;
    if (n > reader_left(r)) {
        problem(m, MCS_PROB_TRUNCATED, "MCS Send Data announces %u bytes, %zu present", len,
                reader_left(r));
        n = reader_left(r);
    }
    m->data = reader_ptr(r);
    m->data_len = n;
}

static bool domain_pdu(const uint8_t *p, size_t len, mcs_pdu *m)
{
    reader r = reader_make(p, len);
    uint8_t b0;
    if (!reader_u8(&r, &b0))
        return false;
    m->domain_choice = b0 >> 2;
    bool opt = (b0 & 0x02) != 0;
    switch (m->domain_choice) {
    case MCS_DOMAIN_ERECT_DOMAIN_REQUEST: {
        uint32_t height, interval;
        m->kind = MCS_ERECT_DOMAIN_REQUEST;
        if (!per_read_integer(&r, &height) || !per_read_integer(&r, &interval))
            problem(m, MCS_PROB_TRUNCATED, "Erect Domain Request truncated");
        break;
    }
    case MCS_DOMAIN_DPUM: {
        /* Reason (ENUMERATED, 3 bits) follows the 6-bit choice: its two
         * high bits in byte 0, its low bit at the top of byte 1
         * ("21 80" = rn-user-requested, T.125 7, MS-RDPBCGR 2.2.2.3). */
        uint8_t b1;
        m->kind = MCS_DISCONNECT_PROVIDER_ULTIMATUM;
        if (!reader_u8(&r, &b1)) {
            problem(m, MCS_PROB_TRUNCATED, "Disconnect Provider Ultimatum truncated");
            m->reason = (uint8_t)((b0 & 0x03) << 1);
            break;
        }
        m->reason = (uint8_t)(((b0 & 0x03) << 1) | (b1 >> 7));
        break;
    }
    case MCS_DOMAIN_REJECT_ULTIMATUM: m->kind = MCS_REJECT_ULTIMATUM; break;
    case MCS_DOMAIN_ATTACH_USER_REQUEST: m->kind = MCS_ATTACH_USER_REQUEST; break;
    case MCS_DOMAIN_ATTACH_USER_CONFIRM: {
        uint8_t result;
        m->kind = MCS_ATTACH_USER_CONFIRM;
        if (!per_read_enumerated(&r, 16, &result)) {
            problem(m, MCS_PROB_TRUNCATED, "Attach User Confirm truncated");
            break;
        }
        m->result = result;
        if (opt)
            m->has_initiator = per_read_integer16(&r, MCS_BASE_CHANNEL_ID, &m->initiator);
        break;
    }
    case MCS_DOMAIN_DETACH_USER_REQUEST: m->kind = MCS_DETACH_USER_REQUEST; break;
    case MCS_DOMAIN_DETACH_USER_INDICATION: m->kind = MCS_DETACH_USER_INDICATION; break;
    case MCS_DOMAIN_CHANNEL_JOIN_REQUEST:
        m->kind = MCS_CHANNEL_JOIN_REQUEST;
        m->has_initiator = per_read_integer16(&r, MCS_BASE_CHANNEL_ID, &m->initiator);
        m->has_channel_id = per_read_integer16(&r, 0, &m->channel_id);
        if (!r.ok)
            problem(m, MCS_PROB_TRUNCATED, "Channel Join Request truncated");
        break;
    case MCS_DOMAIN_CHANNEL_JOIN_CONFIRM: {
        uint8_t result;
        m->kind = MCS_CHANNEL_JOIN_CONFIRM;
        if (!per_read_enumerated(&r, 16, &result)) {
            problem(m, MCS_PROB_TRUNCATED, "Channel Join Confirm truncated");
            break;
        }
        m->result = result;
        m->has_initiator = per_read_integer16(&r, MCS_BASE_CHANNEL_ID, &m->initiator);
        per_read_integer16(&r, 0, &m->requested_channel);
        if (opt)
            m->has_channel_id = per_read_integer16(&r, 0, &m->channel_id);
        if (!r.ok)
            problem(m, MCS_PROB_TRUNCATED, "Channel Join Confirm truncated");
        break;
    }
    case MCS_DOMAIN_SEND_DATA_REQUEST:
        m->kind = MCS_SEND_DATA_REQUEST;
        send_data(&r, m);
        break;
    case MCS_DOMAIN_SEND_DATA_INDICATION:
        m->kind = MCS_SEND_DATA_INDICATION;
        send_data(&r, m);
        break;
    default:
        m->kind = MCS_PDU_UNKNOWN;
        problem(m, MCS_PROB_UNKNOWN, "DomainMCSPDU choice %u is not one RDP uses",
                m->domain_choice);
        return false;
    }
    return true;
}

bool mcs_parse(const uint8_t *p, size_t len, mcs_pdu *out)
{
    memset(out, 0, sizeof *out);
    if (!p || len == 0) {
        problem(out, MCS_PROB_TRUNCATED, "empty MCS PDU");
        return false;
    }
    /* BER connect PDUs start with the high-tag-number identifier 0x7F
     * (APPLICATION, constructed, tag >= 31); no DomainMCSPDU choice does
     * (choice 31 is not defined). */
    if (p[0] == 0x7F)
        return connect_pdu(p, len, out);
    return domain_pdu(p, len, out);
}

const char *mcs_pdu_kind_name(mcs_pdu_kind kind)
{
    static const char *const names[MCS_PDU_KIND_COUNT] = {
        [MCS_PDU_UNKNOWN] = "unknown MCS PDU",
        [MCS_CONNECT_INITIAL] = "MCS Connect Initial",
        [MCS_CONNECT_RESPONSE] = "MCS Connect Response",
        [MCS_ERECT_DOMAIN_REQUEST] = "MCS Erect Domain Request",
        [MCS_DISCONNECT_PROVIDER_ULTIMATUM] = "MCS Disconnect Provider Ultimatum",
        [MCS_REJECT_ULTIMATUM] = "MCS Reject MCS PDU Ultimatum",
        [MCS_ATTACH_USER_REQUEST] = "MCS Attach User Request",
        [MCS_ATTACH_USER_CONFIRM] = "MCS Attach User Confirm",
        [MCS_DETACH_USER_REQUEST] = "MCS Detach User Request",
        [MCS_DETACH_USER_INDICATION] = "MCS Detach User Indication",
        [MCS_CHANNEL_JOIN_REQUEST] = "MCS Channel Join Request",
        [MCS_CHANNEL_JOIN_CONFIRM] = "MCS Channel Join Confirm",
        [MCS_SEND_DATA_REQUEST] = "MCS Send Data Request",
        [MCS_SEND_DATA_INDICATION] = "MCS Send Data Indication",
    };
    return (unsigned)kind < MCS_PDU_KIND_COUNT ? names[kind] : "unknown MCS PDU";
}

const char *mcs_result_name(uint32_t result)
{
    /* T.125 Result (PROTOCOL-FACTS d.3, FreeRDP mcs.h). */
    static const char *const names[] = {
        "rt-successful", "rt-domain-merging", "rt-domain-not-hierarchical",
        "rt-no-such-channel", "rt-no-such-domain", "rt-no-such-user", "rt-not-admitted",
        "rt-other-user-id", "rt-parameters-unacceptable", "rt-token-not-available",
        "rt-token-not-possessed", "rt-too-many-channels", "rt-too-many-tokens",
        "rt-too-many-users", "rt-unspecified-failure", "rt-user-rejected",
    };
    return result < 16 ? names[result] : "unknown";
}

const char *mcs_reason_name(uint32_t reason)
{
    /* T.125 Reason (MS-RDPBCGR 2.2.2.3). */
    static const char *const names[] = { "rn-domain-disconnected", "rn-provider-initiated",
                                         "rn-token-purged", "rn-user-requested",
                                         "rn-channel-purged" };
    return reason < 5 ? names[reason] : "unknown";
}

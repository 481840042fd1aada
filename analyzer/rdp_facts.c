/* rdp_facts.c - words for the Standard RDP Security events, and the
 * downgrade check (see rdp_facts.h).
 */
#include "rdp_facts.h"
#include "textfmt.h"

#include "mcs.h"
#include "rdp_security.h"

void rdp_facts_describe_event(const tl_event *e, char *buf, size_t buflen)
{
    if (e->type == EV_MCS) {
        mcs_pdu_kind k = (mcs_pdu_kind)e->a;
        switch (k) {
        case MCS_CONNECT_RESPONSE:
            text_fmt(buf, buflen, "%s (%s)", mcs_pdu_kind_name(k), mcs_result_name(e->b));
            break;
        case MCS_ATTACH_USER_CONFIRM:
            text_fmt(buf, buflen, "%s (%s)", mcs_pdu_kind_name(k), mcs_result_name(e->b));
            break;
        case MCS_CHANNEL_JOIN_REQUEST:
            text_fmt(buf, buflen, "%s (channel %u)", mcs_pdu_kind_name(k), e->b);
            break;
        case MCS_CHANNEL_JOIN_CONFIRM:
            text_fmt(buf, buflen, "%s (channel %u, %s)", mcs_pdu_kind_name(k), e->b & 0xFFFF,
                   mcs_result_name(e->b >> 16));
            break;
        case MCS_DISCONNECT_PROVIDER_ULTIMATUM:
            text_fmt(buf, buflen, "%s (%s)", mcs_pdu_kind_name(k), mcs_reason_name(e->b));
            break;
        default: text_fmt(buf, buflen, "%s", mcs_pdu_kind_name(k)); break;
        }
        return;
    }
    switch ((rdp_milestone)e->a) {
    case RDPM_SEC_EXCHANGE:
        text_fmt(buf, buflen, "Security Exchange (encrypted client random, %u bytes)", e->b);
        break;
    case RDPM_CLIENT_INFO:
        text_fmt(buf, buflen, "Client Info PDU%s",
               e->b == 1 ? " (encrypted)" : e->b == 2 ? " (inside TLS)" : " (in the clear)");
        break;
    case RDPM_LICENSE:
        if (e->b == 0x100)
            text_fmt(buf, buflen, "licensing PDU (encrypted)");
        else
            text_fmt(buf, buflen, "licensing %s", rdpsec_license_msg_name((uint8_t)e->b));
        break;
    case RDPM_LICENSE_ERROR:
        text_fmt(buf, buflen, "licensing error message %s (0x%x)", rdpsec_license_error_name(e->b),
               e->b);
        break;
    case RDPM_DEMAND_ACTIVE:
        text_fmt(buf, buflen, "Demand Active%s", e->b ? " (inferred: first encrypted server PDU after licensing)" : "");
        break;
    case RDPM_CONFIRM_ACTIVE:
        text_fmt(buf, buflen, "Confirm Active%s", e->b ? " (inferred: first encrypted client PDU after the Demand Active)" : "");
        break;
    case RDPM_SESSION:
        text_fmt(buf, buflen, "connection finalization complete%s",
               e->b ? " (inferred from the encrypted PDUs that followed the Confirm Active)" : " (Font Map)");
        break;
    case RDPM_ERROR_INFO:
        text_fmt(buf, buflen, "Set Error Info %s (0x%x)", rdpsec_errinfo_name(e->b), e->b);
        break;
    case RDPM_REDIRECTION: text_fmt(buf, buflen, "Server Redirection PDU"); break;
    default: text_fmt(buf, buflen, "RDP security event %u", e->a); break;
    }
}

bool rdp_facts_requested_mismatch(const rdp_facts *f, bool has_neg_req, uint32_t requested)
{
    if (!f->has_gcc_response || !f->sc.has_client_requested_protocols)
        return false;
    uint32_t sent = has_neg_req ? requested : 0;
    return f->sc.client_requested_protocols != sent;
}

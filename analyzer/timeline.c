/* timeline.c - the per-connection event list (see timeline.h). */
#include "timeline.h"
#include "textfmt.h"

#include "decrypt_facts.h"
#include "rdp_facts.h"
#include "tls_facts.h"
#include "x224.h"

#include <stdlib.h>
#include <string.h>

/* The events themselves need no clearing: only the first n are read. */
void timeline_init(timeline *t)
{
    t->ev = NULL;
    t->n = t->cap = t->dropped = 0;
}

void timeline_free(timeline *t)
{
    if (t->ev != t->inline_ev)
        free(t->ev);
    timeline_init(t);
}

/* Ending events keep a reserved tail so that the close of a long connection
 * is still in its timeline after the cap stopped the ordinary ones. */
static bool event_is_ending(event_type type)
{
    switch (type) {
    case EV_FIN: case EV_RST: case EV_ICMP_UNREACH: case EV_GAP: case EV_NEG_FAILURE:
    case EV_X224_DR: case EV_MALFORMED: case EV_NOT_RDP: case EV_REASM_CAP:
        return true;
    default:
        return false;
    }
}

tl_event *timeline_add(timeline *t, event_type type, direction dir, const pkt_ref *ref,
                       uint32_t a, uint32_t b)
{
    uint32_t limit = event_is_ending(type) ? TIMELINE_MAX_EVENTS
                                           : TIMELINE_MAX_EVENTS - TIMELINE_RESERVED_TAIL;
    if (t->n >= limit) {
        t->dropped++;
        return NULL;
    }
    if (t->n == t->cap) {
        if (!t->ev) {
            t->ev = t->inline_ev;
            t->cap = TIMELINE_INLINE_EVENTS;
        } else {
            uint32_t ncap = t->cap * 2;
            if (ncap > TIMELINE_MAX_EVENTS)
                ncap = TIMELINE_MAX_EVENTS;
            bool inl = t->ev == t->inline_ev;
            tl_event *nev = realloc(inl ? NULL : t->ev, ncap * sizeof *nev);
            if (!nev) {
                t->dropped++;
                return NULL;
            }
            if (inl)
                memcpy(nev, t->inline_ev, t->n * sizeof *nev);
            t->ev = nev;
            t->cap = ncap;
        }
    }
    tl_event *e = &t->ev[t->n++];
    e->type = (uint16_t)type;
    e->dir = (uint8_t)dir;
    e->ref = ref ? *ref : (pkt_ref){ 0, { 0, 0 } };
    e->a = a;
    e->b = b;
    return e;
}

static bool matches(const tl_event *e, event_type type, direction dir)
{
    return e->type == type && (dir == DIR_NONE || e->dir == dir);
}

const tl_event *timeline_first(const timeline *t, event_type type, direction dir)
{
    for (uint32_t i = 0; i < t->n; i++)
        if (matches(&t->ev[i], type, dir))
            return &t->ev[i];
    return NULL;
}

const tl_event *timeline_last(const timeline *t, event_type type, direction dir)
{
    for (uint32_t i = t->n; i-- > 0;)
        if (matches(&t->ev[i], type, dir))
            return &t->ev[i];
    return NULL;
}

unsigned timeline_count(const timeline *t, event_type type, direction dir)
{
    unsigned n = 0;
    for (uint32_t i = 0; i < t->n; i++)
        n += matches(&t->ev[i], type, dir);
    return n;
}

static const char *const event_names[EV_COUNT] = {
    [EV_SYN] = "syn",
    [EV_SYN_ACK] = "syn_ack",
    [EV_HANDSHAKE_DONE] = "handshake_done",
    [EV_DATA_FIRST] = "data_first",
    [EV_FIN] = "fin",
    [EV_RST] = "rst",
    [EV_ICMP_UNREACH] = "icmp_unreachable",
    [EV_MIDSTREAM] = "midstream",
    [EV_GAP] = "gap",
    [EV_CONFLICT] = "conflict",
    [EV_REASM_CAP] = "reassembly_cap",
    [EV_SNAPLEN_CUT] = "snaplen_cut",
    [EV_TUPLE_REUSE] = "tuple_reuse",
    [EV_X224_CR] = "x224_cr",
    [EV_X224_CC] = "x224_cc",
    [EV_NEG_FAILURE] = "neg_failure",
    [EV_X224_DR] = "x224_dr",
    [EV_X224_DATA] = "x224_data",
    [EV_MALFORMED] = "malformed",
    [EV_NOT_RDP] = "not_rdp",
    [EV_SECURE_START] = "secure_start",
    [EV_PAYLOAD] = "payload",
    [EV_TLS_RECORD] = "tls_record",
    [EV_MCS] = "mcs",
    [EV_RDP_SEC] = "rdp_security",
    [EV_TLS_HANDSHAKE] = "tls_handshake",
    [EV_TLS_ALERT] = "tls_alert",
    [EV_DECRYPTION] = "decryption",
    [EV_CREDSSP] = "credssp",
    [EV_EARLY_USER_AUTH] = "early_user_auth",
};

const char *event_type_name(event_type type)
{
    return (unsigned)type < EV_COUNT && event_names[type] ? event_names[type] : "unknown";
}

static const char *const layer_names[LAYER_COUNT] = {
    [LAYER_TCP] = "tcp", [LAYER_TPKT] = "tpkt", [LAYER_X224] = "x224",
    [LAYER_TLS] = "tls", [LAYER_RDP] = "rdp", [LAYER_FASTPATH] = "fastpath",
};

const char *layer_name(layer_id layer)
{
    return (unsigned)layer < LAYER_COUNT ? layer_names[layer] : "unknown";
}

const char *direction_name(direction dir)
{
    switch (dir) {
    case DIR_C2S: return "client";
    case DIR_S2C: return "server";
    default: return "path";
    }
}

static const char *icmp_text(uint32_t type, uint32_t code)
{
    /* ICMPv4 type 3 codes (RFC 792, RFC 1812); ICMPv6 type 1 codes (RFC 4443). */
    static const char *const v4[16] = {
        "network unreachable", "host unreachable", "protocol unreachable",
        "port unreachable", "fragmentation needed", "source route failed",
        "destination network unknown", "destination host unknown", "source host isolated",
        "network administratively prohibited", "host administratively prohibited",
        "network unreachable for TOS", "host unreachable for TOS",
        "communication administratively prohibited", "host precedence violation",
        "precedence cutoff in effect",
    };
    static const char *const v6[8] = {
        "no route to destination", "communication administratively prohibited",
        "beyond scope of source address", "address unreachable", "port unreachable",
        "source address failed ingress/egress policy", "reject route to destination",
        "error in source routing header",
    };
    if (type == 3 && code < 16)
        return v4[code];
    if (type == 1 && code < 8)
        return v6[code];
    return "destination unreachable";
}

/* TLS ContentType (RFC 5246 6.2.1, RFC 8446 5.1). */
static const char *tls_content_type_name(uint32_t type)
{
    switch (type) {
    case 20: return "ChangeCipherSpec";
    case 21: return "Alert";
    case 22: return "Handshake";
    case 23: return "ApplicationData";
    case 24: return "Heartbeat";
    default: return "unknown";
    }
}

void timeline_describe(const tl_event *e, char *buf, size_t buflen)
{
    char p[64];
    switch ((event_type)e->type) {
    case EV_SYN: text_fmt(buf, buflen, e->a ? "SYN (retransmission)" : "SYN"); break;
    case EV_SYN_ACK: text_fmt(buf, buflen, e->a ? "SYN-ACK (retransmission)" : "SYN-ACK"); break;
    case EV_HANDSHAKE_DONE: text_fmt(buf, buflen, "ACK (TCP handshake complete)"); break;
    case EV_DATA_FIRST: text_fmt(buf, buflen, "first data (%u bytes)", e->a); break;
    case EV_FIN: text_fmt(buf, buflen, "FIN"); break;
    case EV_RST: text_fmt(buf, buflen, "RST%s (TTL %u)", e->a ? ",ACK" : "", e->b); break;
    case EV_ICMP_UNREACH:
        text_fmt(buf, buflen, "ICMP %s (type %u code %u)", icmp_text(e->a, e->b), e->a, e->b);
        break;
    case EV_MIDSTREAM: text_fmt(buf, buflen, "capture starts mid-stream (no SYN seen)"); break;
    case EV_GAP: text_fmt(buf, buflen, "%u bytes missing from the capture", e->a); break;
    case EV_CONFLICT: text_fmt(buf, buflen, "retransmission with different bytes (%u bytes)", e->a); break;
    case EV_REASM_CAP: text_fmt(buf, buflen, "reassembly buffer cap reached"); break;
    case EV_SNAPLEN_CUT: text_fmt(buf, buflen, "packet cut by the snaplen (%u of %u bytes)", e->a, e->b); break;
    case EV_TUPLE_REUSE: text_fmt(buf, buflen, "reuses the addresses and ports of an earlier connection"); break;
    case EV_X224_CR:
        if (e->b) {
            x224_protocols_str(e->a, p, sizeof p);
            text_fmt(buf, buflen, "X.224 Connection Request, offers %s", p);
        } else {
            text_fmt(buf, buflen, "X.224 Connection Request (legacy, no negotiation)");
        }
        break;
    case EV_X224_CC:
        if (e->b & 2) {
            text_fmt(buf, buflen, "X.224 Connection Confirm with RDP_NEG_FAILURE");
        } else if (e->b & 1) {
            x224_protocols_str(e->a, p, sizeof p);
            text_fmt(buf, buflen, "X.224 Connection Confirm, selects %s", p);
        } else {
            text_fmt(buf, buflen, "X.224 Connection Confirm (legacy, no negotiation)");
        }
        break;
    case EV_NEG_FAILURE:
        text_fmt(buf, buflen, "RDP_NEG_FAILURE %s", x224_failure_code_name(e->a));
        break;
    case EV_X224_DR: text_fmt(buf, buflen, "X.224 Disconnect Request (reason %u)", e->a); break;
    case EV_X224_DATA: text_fmt(buf, buflen, "X.224 Data (%u bytes)", e->a); break;
    case EV_MALFORMED: text_fmt(buf, buflen, "malformed %s data", layer_name((layer_id)e->a)); break;
    case EV_NOT_RDP: text_fmt(buf, buflen, "bytes that are not RDP (TPKT/X.224)"); break;
    case EV_SECURE_START:
        text_fmt(buf, buflen, e->a == LAYER_TLS ? "TLS starts" : "Standard RDP Security starts");
        break;
    case EV_PAYLOAD:
        text_fmt(buf, buflen, "%s %s (%u bytes)", layer_name((layer_id)e->b),
               e->b == LAYER_TLS ? "record" : "PDU", e->a);
        break;
    case EV_TLS_RECORD:
        text_fmt(buf, buflen, "TLS %s record (%u bytes)", tls_content_type_name(e->b), e->a);
        break;
    case EV_MCS:
    case EV_RDP_SEC: rdp_facts_describe_event(e, buf, buflen); break;
    case EV_TLS_HANDSHAKE:
    case EV_TLS_ALERT: tls_facts_describe_event(e, buf, buflen); break;
    case EV_DECRYPTION:
    case EV_CREDSSP:
    case EV_EARLY_USER_AUTH: decrypt_facts_describe_event(e, buf, buflen); break;
    default: text_fmt(buf, buflen, "event %u", e->type); break;
    }
}

/* layer_rdp.c - a direction's bytes after a negotiation that selected
 * Standard RDP Security (or a legacy one without negotiation): slow-path
 * TPKT PDUs and fast-path PDUs (MS-RDPBCGR 2.2.9.1.2) are framed, counted and
 * put in the timeline. Whole TPKT PDUs (at most CONN_PDU_MAX, which is the
 * TPKT maximum) are collected and dissected: X.224 Data -> MCS (mcs.c, with
 * GCC inside the connect PDUs) -> the security header and what can be read
 * of the PDU without keys (rdp_security.c). The facts go to c->rdp
 * (rdp_facts.h) and the timeline (EV_MCS, EV_RDP_SEC); fast-path bodies are
 * skipped.
 *
 * After the Security Exchange most PDUs are encrypted (SEC_ENCRYPT): their
 * security header flags and MCS channel are still in the clear, so the
 * connection sequence (MS-RDPBCGR 1.3.1.1) can be followed by the order of
 * the PDUs: licensing PDUs carry SEC_LICENSE_PKT; the server's first other
 * PDU on the I/O channel after licensing is the Demand Active, the client's
 * next one the Confirm Active, and the finalization PDUs follow. Those
 * milestones are marked as inferred.
 */
#include "layers.h"
#include "textfmt.h"

#include "mcs.h"
#include "rdp_security.h"
#include "redirection.h"
#include "tpkt.h"
#include "x224.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Default I/O channel when no SC_NET was seen (every server uses 1003:
 * MCS_GLOBAL_CHANNEL_ID, MS-RDPBCGR 2.2.1.4.4). */
#define RDP_DEFAULT_IO_CHANNEL 1003
/* Licensing PDUs put in the timeline per connection; later ones counted. */
#define RDP_LICENSE_EVENTS 8
/* Finalization (MS-RDPBCGR 2.2.1.14-2.2.1.22): after the Confirm Active the
 * client sends Synchronize, Control (cooperate), Control (request control),
 * Font List (and maybe Persistent Key List); the server Synchronize, Control
 * (cooperate), Control (granted), Font Map. */
#define RDP_FINALIZE_SERVER_PDUS 4
#define RDP_FINALIZE_CLIENT_PDUS 3
/* Set Error Info PDUs put in the timeline per connection; later ones counted. */
#define RDP_ERRINFO_EVENTS 8

static void rdp_problem(connection *c, direction dir, const pkt_ref *ref, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void rdp_problem(connection *c, direction dir, const pkt_ref *ref, const char *fmt, ...)
{
    rdp_facts *f = &c->rdp;
    if (f->malformed)
        return;
    f->malformed = true;
    f->problem_ref = *ref;
    f->problem_dir = dir;
    va_list ap;
    va_start(ap, fmt);
    text_vfmt(f->problem, sizeof f->problem, fmt, ap);
    va_end(ap);
}

static uint16_t io_channel(const rdp_facts *f)
{
    return f->io_channel ? f->io_channel : RDP_DEFAULT_IO_CHANNEL;
}

static void milestone(connection *c, direction dir, const pkt_ref *ref, rdp_milestone m,
                      uint32_t value)
{
    timeline_add(&c->tl, EV_RDP_SEC, dir, ref, m, value);
}

static void check_session(connection *c, direction dir, const pkt_ref *ref)
{
    rdp_facts *f = &c->rdp;
    if (f->session_ref.packet || !f->demand_active_ref.packet || !f->confirm_active_ref.packet)
        return;
    bool plain = f->fontmap_ref.packet != 0;
    bool counted = f->server_io_after_demand >= RDP_FINALIZE_SERVER_PDUS &&
                   f->client_io_after_confirm >= RDP_FINALIZE_CLIENT_PDUS;
    bool fastpath = f->fastpath_first[DIR_S2C].packet > f->demand_active_ref.packet;
    if (!plain && !counted && !fastpath)
        return;
    f->session_ref = plain ? f->fontmap_ref : *ref;
    f->session_inferred = !plain;
    milestone(c, dir, &f->session_ref, RDPM_SESSION, f->session_inferred);
}

static void licensing(connection *c, direction dir, const rdpsec_pdu *s, const pkt_ref *ref)
{
    rdp_facts *f = &c->rdp;
    if (dir == DIR_C2S) {
        f->license_client_pdus++;
        return;
    }
    if (f->license_server_pdus++ == 0)
        f->license_first_ref = *ref;
    f->license_last_ref = *ref;
    if (s->encrypted)
        f->license_encrypted = true;
    if (f->license_server_pdus <= RDP_LICENSE_EVENTS)
        milestone(c, dir, ref, RDPM_LICENSE, s->license_readable ? s->license_msg : 0x100);
    if (!s->license_readable)
        return;
    f->license_last_msg = s->license_msg;
    if (s->license_msg == LICENSE_NEW_LICENSE || s->license_msg == LICENSE_UPGRADE_LICENSE) {
        f->license_done = true;
        f->license_done_ref = *ref;
    }
    if (s->has_license_error) {
        milestone(c, dir, ref, RDPM_LICENSE_ERROR, s->license_error_code);
        /* STATUS_VALID_CLIENT is how a server says "no license needed,
         * go on" (MS-RDPBCGR 2.2.1.12.1.3 / PROTOCOL-FACTS d.5). */
        if (s->license_error_code == LICENSE_STATUS_VALID_CLIENT) {
            f->license_done = true;
            f->license_done_ref = *ref;
        } else if (!f->license_error) {
            f->license_error = true;
            f->license_error_code = s->license_error_code;
            f->license_state = s->license_state_transition;
            f->license_error_ref = *ref;
        }
    }
}

/* A Set Error Info PDU (MS-RDPBCGR 2.2.5.1.1). A server may send several
 * (e.g. a reason, then ERRINFO_LOGOFF_BY_USER); a client keeps the last
 * one it received and shows it when the connection ends, so the facts keep
 * the last non-zero code, and the first one beside it. */
static void error_info(connection *c, direction dir, uint32_t code, const pkt_ref *ref)
{
    rdp_facts *f = &c->rdp;
    if (code == 0)
        return;
    if (f->error_infos++ == 0) {
        f->error_info_first = code;
        f->error_info_first_ref = *ref;
    }
    f->has_error_info = true;
    f->error_info = code;
    f->error_info_ref = *ref;
    if (f->error_infos <= RDP_ERRINFO_EVENTS)
        milestone(c, dir, ref, RDPM_ERROR_INFO, code);
}

/* A Server Redirection PDU (MS-RDPBCGR 2.2.13). Only the server sends one;
 * the first is dissected when its bytes are readable: pkt points at the
 * Share Control Header of the Enhanced Security form (2.2.13.3.1) or at the
 * packet after an unencrypted security header (2.2.13.2.1); NULL when the
 * PDU is encrypted. */
static void redirection(connection *c, direction dir, const uint8_t *pkt, size_t len, bool enhanced,
                        bool encrypted, const pkt_ref *ref)
{
    rdp_facts *f = &c->rdp;
    if (dir != DIR_S2C)
        return;
    if (f->redirections++ > 0)
        return;
    f->redirection_ref = *ref;
    f->redirection_encrypted = encrypted;
    if (pkt) {
        if (enhanced)
            redirection_parse_enhanced(pkt, len, &f->redirection);
        else
            redirection_parse_packet(pkt, len, &f->redirection);
        f->redirection_read = f->redirection.status != REDIR_MALFORMED;
    }
    milestone(c, dir, ref, RDPM_REDIRECTION, f->redirection_read);
}

/* A PDU on the I/O channel that is not security/licensing: the activation
 * and session PDUs, read if in the clear, placed by order if encrypted.
 * body/body_len: the PDU after its security header, if any. */
static void io_pdu(connection *c, direction dir, const rdpsec_pdu *s, const uint8_t *body,
                   size_t body_len, const pkt_ref *ref)
{
    rdp_facts *f = &c->rdp;
    bool plain = s->kind == RDPSEC_SHARE_CONTROL;
    f->io_pdus[dir]++;
    if (plain && s->pdu_type == PDUTYPE_DATA && s->has_error_info)
        error_info(c, dir, s->error_info, ref);
    if (plain && s->pdu_type == PDUTYPE_SERVER_REDIR)
        redirection(c, dir, body, body_len, true, false, ref);
    if (dir == DIR_S2C) {
        if (!f->demand_active_ref.packet) {
            /* In the clear only a Demand Active starts activation; an
             * encrypted PDU after licensing (or after the Client Info when
             * a server skips licensing) is taken to be it. */
            bool is_demand = plain ? s->pdu_type == PDUTYPE_DEMANDACTIVE
                                   : (f->license_server_pdus > 0 || f->client_info_ref.packet);
            if (is_demand) {
                f->demand_active_ref = *ref;
                f->demand_active_inferred = !plain;
                if (!f->license_done && f->license_server_pdus > 0) {
                    f->license_done = true;
                    f->license_done_inferred = true;
                    f->license_done_ref = *ref;
                }
                milestone(c, dir, ref, RDPM_DEMAND_ACTIVE, !plain);
            }
        } else {
            f->server_io_after_demand++;
            if (plain && s->pdu_type == PDUTYPE_DATA && s->pdu_type2 == PDUTYPE2_FONTMAP &&
                !f->fontmap_ref.packet)
                f->fontmap_ref = *ref;
        }
    } else if (f->demand_active_ref.packet) {
        if (!f->confirm_active_ref.packet) {
            if (!plain || s->pdu_type == PDUTYPE_CONFIRMACTIVE) {
                f->confirm_active_ref = *ref;
                f->confirm_active_inferred = !plain;
                milestone(c, dir, ref, RDPM_CONFIRM_ACTIVE, !plain);
            }
        } else {
            f->client_io_after_confirm++;
        }
    }
    check_session(c, dir, ref);
}

/* Inside TLS (Enhanced RDP Security, MS-RDPBCGR 5.4) a PDU carries a
 * security header only when it needs its flags: the Client Info
 * (SEC_INFO_PKT, 2.2.1.11.1), licensing (SEC_LICENSE_PKT, 2.2.1.12) and the
 * message-channel PDUs (auto-detect, multitransport, heartbeat); the others
 * start with their Share Control Header (2.2.8.1.1.1.1). A Share Control
 * Header says so itself: totalLength is the PDU's length (0x8000 for a flow
 * PDU) and the high 12 bits of pduType are the version, 1. */
static bool plain_has_security_header(const uint8_t *p, size_t len)
{
    if (len < 4)
        return false;
    uint16_t first = (uint16_t)(p[0] | p[1] << 8);
    uint16_t second = (uint16_t)(p[2] | p[3] << 8);
    if ((first == len || first == 0x8000) && (second & 0xFFF0) == 0x0010)
        return false;
    return (first & (SEC_INFO_PKT | SEC_LICENSE_PKT | SEC_AUTODETECT_REQ | SEC_AUTODETECT_RSP |
                     SEC_TRANSPORT_REQ | SEC_TRANSPORT_RSP | SEC_HEARTBEAT)) != 0;
}

static void send_data(connection *c, direction dir, const mcs_pdu *m, const pkt_ref *ref,
                      bool tls)
{
    rdp_facts *f = &c->rdp;
    /* Security headers are on every PDU unless the server chose
     * ENCRYPTION_LEVEL_NONE (MS-RDPBCGR 2.2.8.1.1.2); unknown level: assume
     * them (every Windows server encrypts). */
    bool header = !f->sc.has_security || f->sc.encryption_level != ENCRYPTION_LEVEL_NONE ||
                  f->sc.encryption_method != ENCRYPTION_METHOD_NONE;
    if (tls) {
        /* Inside TLS only the I/O channel carries what is recorded here:
         * virtual channel PDUs start with a CHANNEL_PDU_HEADER (2.2.6.1.1)
         * whose length would read as security flags; the message channel
         * carries auto-detect, multitransport and heartbeat PDUs. */
        if (!m->has_channel_id || m->channel_id != io_channel(f))
            return;
        header = plain_has_security_header(m->data, m->data_len);
    }
    bool fips = f->sc.has_security && f->sc.encryption_method == ENCRYPTION_METHOD_FIPS;
    rdpsec_pdu s;
    if (!rdpsec_parse(m->data, m->data_len, header, fips, &s)) {
        rdp_problem(c, dir, ref, "%s too short for a security header", mcs_pdu_kind_name(m->kind));
        return;
    }
    if (s.encrypted)
        f->encrypted_pdus[dir]++;
    switch (s.kind) {
    case RDPSEC_EXCHANGE:
        if (dir == DIR_C2S && !f->sec_exchange_ref.packet) {
            f->sec_exchange_ref = *ref;
            f->sec_exchange_len = s.exchange_len;
            milestone(c, dir, ref, RDPM_SEC_EXCHANGE, s.exchange_len);
        }
        return;
    case RDPSEC_CLIENT_INFO:
        if (dir == DIR_C2S && !f->client_info_ref.packet) {
            f->client_info_ref = *ref;
            f->client_info_encrypted = s.encrypted;
            /* b: 1 encrypted (Standard RDP Security), 2 read inside TLS */
            milestone(c, dir, ref, RDPM_CLIENT_INFO, s.encrypted ? 1u : tls ? 2u : 0u);
        }
        return;
    case RDPSEC_LICENSE:
        licensing(c, dir, &s, ref);
        return;
    case RDPSEC_REDIRECTION:
        /* Standard Security (2.2.13.2.1): the packet follows the security
         * header; encrypted (as the spec requires) it cannot be read. */
        redirection(c, dir, s.encrypted ? NULL : m->data + 4, s.encrypted ? 0 : m->data_len - 4,
                    false, s.encrypted, ref);
        return;
    case RDPSEC_AUTODETECT:
    case RDPSEC_TRANSPORT:
    case RDPSEC_HEARTBEAT:
        return;
    default:
        break;
    }
    if (m->has_channel_id && m->channel_id == io_channel(f)) {
        /* A share control header starts the data, or follows an
         * unencrypted 4-byte security header. */
        size_t skip = s.has_header ? 4 : 0;
        io_pdu(c, dir, &s, m->data + skip, m->data_len - skip, ref);
    }
}

static void connect_initial(connection *c, const mcs_pdu *m, const pkt_ref *ref)
{
    rdp_facts *f = &c->rdp;
    if (f->has_connect_initial)
        return;
    f->has_connect_initial = true;
    f->connect_initial_ref = *ref;
    f->cs = m->cs;
    f->ci_gcc = m->gcc;
}

static void connect_response(connection *c, const mcs_pdu *m, const pkt_ref *ref)
{
    rdp_facts *f = &c->rdp;
    if (f->has_connect_response)
        return;
    f->has_connect_response = true;
    f->connect_response_ref = *ref;
    f->mcs_result = m->result;
    f->has_gcc_response = m->has_gcc;
    f->sc = m->sc;
    f->cr_gcc = m->gcc;
    if (m->sc.has_net && m->sc.io_channel)
        f->io_channel = m->sc.io_channel;
}

/* One MCS PDU (the user data of an X.224 Data TPDU). */
static void mcs_pdu_in(connection *c, direction dir, const uint8_t *p, size_t len,
                       const pkt_ref *ref, bool tls)
{
    rdp_facts *f = &c->rdp;
    mcs_pdu m;
    bool ok = mcs_parse(p, len, &m);
    if (m.problems)
        rdp_problem(c, dir, ref, "%s: %s", mcs_pdu_kind_name(m.kind), m.problem);
    if (!ok)
        return;
    f->seen = true;
    f->mcs_pdus[dir]++;
    uint32_t b = 0;
    bool event = true;
    switch (m.kind) {
    case MCS_CONNECT_INITIAL:
        if (dir == DIR_C2S)
            connect_initial(c, &m, ref);
        break;
    case MCS_CONNECT_RESPONSE:
        b = m.result;
        if (dir == DIR_S2C)
            connect_response(c, &m, ref);
        break;
    case MCS_ERECT_DOMAIN_REQUEST:
        if (!f->erect_domain_ref.packet)
            f->erect_domain_ref = *ref;
        break;
    case MCS_ATTACH_USER_REQUEST:
        if (!f->attach_request_ref.packet)
            f->attach_request_ref = *ref;
        break;
    case MCS_ATTACH_USER_CONFIRM:
        b = m.result;
        if (!f->attach_confirm_ref.packet) {
            f->attach_confirm_ref = *ref;
            f->attach_result = m.result;
            f->user_id = m.initiator;
        }
        break;
    case MCS_CHANNEL_JOIN_REQUEST:
        b = m.channel_id;
        if (f->join_requests++ == 0)
            f->first_join_ref = *ref;
        break;
    case MCS_CHANNEL_JOIN_CONFIRM:
        b = (m.result << 16) | (m.has_channel_id ? m.channel_id : m.requested_channel);
        f->join_confirms++;
        f->last_join_ref = *ref;
        if (m.result != 0 && f->join_failures++ == 0) {
            f->failed_join_ref = *ref;
            f->failed_join_channel = m.requested_channel;
            f->failed_join_result = m.result;
        }
        break;
    case MCS_DISCONNECT_PROVIDER_ULTIMATUM:
        b = m.reason;
        if (!f->has_dpum) {
            f->has_dpum = true;
            f->dpum_ref = *ref;
            f->dpum_dir = dir;
            f->dpum_reason = m.reason;
        }
        break;
    case MCS_REJECT_ULTIMATUM:
        if (!f->has_reject_ultimatum) {
            f->has_reject_ultimatum = true;
            f->reject_ref = *ref;
            f->reject_dir = dir;
        }
        break;
    case MCS_SEND_DATA_REQUEST:
    case MCS_SEND_DATA_INDICATION:
        event = false;
        send_data(c, dir, &m, ref, tls);
        break;
    default:
        break;
    }
    if (event)
        timeline_add(&c->tl, EV_MCS, dir, ref, m.kind, b);
}

/* One whole TPKT PDU: X.224 Data carries MCS; a Disconnect Request is
 * recorded like in the negotiation. */
static void tpkt_pdu(connection *c, direction dir, const uint8_t *pdu, uint32_t len,
                     const pkt_ref *ref, bool tls)
{
    x224_pdu x;
    if (len <= TPKT_HEADER_LEN)
        return;
    if (x224_parse(pdu + TPKT_HEADER_LEN, len - TPKT_HEADER_LEN, &x) != X224_OK) {
        rdp_problem(c, dir, ref, "X.224: %s", x.problem);
        return;
    }
    if (x.tpdu == X224_TPDU_DR) {
        if (!c->has_dr) {
            c->has_dr = true;
            c->dr_ref = *ref;
        }
        timeline_add(&c->tl, EV_X224_DR, dir, ref, x.dr_reason, 0);
        return;
    }
    if (x.tpdu != X224_TPDU_DT)
        return;
    size_t off = TPKT_HEADER_LEN + x.dt_offset;
    if (off < len)
        mcs_pdu_in(c, dir, pdu + off, len - off, ref, tls);
}

static void fastpath_pdu(connection *c, direction dir, const pkt_ref *ref)
{
    rdp_facts *f = &c->rdp;
    if (f->fastpath_pdus[dir]++ == 0)
        f->fastpath_first[dir] = *ref;
    check_session(c, dir, ref);
}

/* Collecting a TPKT PDU's remaining bytes into d->pdu; returns bytes used. */
static size_t collect(connection *c, direction dir, const uint8_t *p, size_t len,
                      const pkt_ref *ref)
{
    conn_dir *d = &c->dir[dir];
    size_t n = d->pdu_need - d->pdu_len;
    if (n > len)
        n = len;
    memcpy(d->pdu + d->pdu_len, p, n);
    d->pdu_len += (uint32_t)n;
    if (d->pdu_len == d->pdu_need) {
        uint32_t plen = d->pdu_need;
        d->pdu_len = 0;
        d->pdu_need = 0;
        tpkt_pdu(c, dir, d->pdu, plen, ref, false);
    }
    return n;
}

void layer_rdp_bytes(connection *c, direction dir, const uint8_t *p, size_t len,
                     const pkt_ref *ref)
{
    conn_dir *d = &c->dir[dir];
    if (d->resyncing) {
        size_t at = conn_find_resync(STREAM_RDP, p, len);
        if (at == len)
            return;
        d->resyncing = false;
        d->resyncs++;
        d->skip = 0;
        d->hdr_len = 0;
        d->pdu_len = 0;
        d->pdu_need = 0;
        p += at;
        len -= at;
    }
    while (len > 0 && d->state == STREAM_RDP) {
        if (d->pdu_need > 0) {
            size_t n = collect(c, dir, p, len, ref);
            p += n;
            len -= n;
            continue;
        }
        if (d->skip > 0) {
            size_t n = d->skip < len ? (size_t)d->skip : len;
            d->skip -= n;
            p += n;
            len -= n;
            continue;
        }
        /* Collect up to 5 header bytes: enough for TPKT (4) and fast-path (2-3). */
        size_t n = 5u - d->hdr_len < len ? 5u - d->hdr_len : len;
        memcpy(d->hdr + d->hdr_len, p, n);
        d->hdr_len = (uint8_t)(d->hdr_len + n);
        p += n;
        len -= n;
        frame_info fi = rdp_frame_probe(d->hdr, d->hdr_len, 1);
        if (fi.kind == FRAME_NEED_MORE)
            continue;
        if (fi.kind != FRAME_TPKT && fi.kind != FRAME_FASTPATH) {
            conn_layer_malformed(c, dir, LAYER_RDP, ref,
                                 fi.kind == FRAME_INVALID ? fi.problem
                                                          : "not an RDP PDU where one was expected");
            break;
        }
        if (d->secure_pdus < CONN_TIMELINE_SECURE_EVENTS)
            timeline_add(&c->tl, EV_PAYLOAD, dir, ref, fi.length,
                         fi.kind == FRAME_FASTPATH ? LAYER_FASTPATH : LAYER_RDP);
        d->secure_pdus++;
        d->secure_bytes += fi.length;
        if (fi.kind == FRAME_FASTPATH)
            fastpath_pdu(c, dir, ref);
        if (fi.length >= d->hdr_len) {
            if (fi.kind == FRAME_TPKT && fi.length <= CONN_PDU_MAX &&
                connection_pdu_reserve(d, fi.length)) {
                /* Dissect it: the header bytes start the PDU. */
                memcpy(d->pdu, d->hdr, d->hdr_len);
                d->pdu_len = d->hdr_len;
                d->pdu_need = fi.length;
                d->pdu_first = *ref;
                d->hdr_len = 0;
                if (d->pdu_len == d->pdu_need) {
                    d->pdu_len = d->pdu_need = 0;
                    tpkt_pdu(c, dir, d->pdu, fi.length, ref, false);
                }
                continue;
            }
            /* The header bytes already consumed count towards the PDU. */
            d->skip = fi.length - d->hdr_len;
            d->hdr_len = 0;
        } else {
            /* A PDU shorter than the collected header (a tiny fast-path
             * input): the remaining header bytes start the next one. */
            uint8_t left = (uint8_t)(d->hdr_len - fi.length);
            memmove(d->hdr, d->hdr + fi.length, left);
            d->hdr_len = left;
        }
    }
    conn_maybe_stop_payload(c);
}

/* Plaintext from inside TLS (decrypt_glue.c): the same PDUs as in the clear,
 * framed with their own state (st) so the TLS record framing of c->dir is
 * untouched. A framing error stops this direction (the decrypted bytes are
 * whole, so it is not a gap): it is recorded as an RDP problem, not as a
 * malformed connection, since the TLS layer itself is fine. */
void layer_rdp_plaintext(connection *c, rdp_plain *st, direction dir, const uint8_t *p,
                         size_t len, const pkt_ref *ref)
{
    if (!st || (dir != DIR_C2S && dir != DIR_S2C))
        return;
    rdp_plain_dir *d = &st->dir[dir];
    while (len > 0 && !d->stopped) {
        if (d->pdu_need > 0) {
            size_t n = d->pdu_need - d->pdu_len;
            if (n > len)
                n = len;
            memcpy(d->pdu + d->pdu_len, p, n);
            d->pdu_len += (uint32_t)n;
            p += n;
            len -= n;
            if (d->pdu_len == d->pdu_need) {
                uint32_t plen = d->pdu_need;
                d->pdu_len = d->pdu_need = 0;
                tpkt_pdu(c, dir, d->pdu, plen, ref, true);
            }
            continue;
        }
        if (d->skip > 0) {
            size_t n = d->skip < len ? (size_t)d->skip : len;
            d->skip -= (uint32_t)n;
            p += n;
            len -= n;
            continue;
        }
        size_t n = 5u - d->hdr_len < len ? 5u - d->hdr_len : len;
        memcpy(d->hdr + d->hdr_len, p, n);
        d->hdr_len = (uint8_t)(d->hdr_len + n);
        p += n;
        len -= n;
        frame_info fi = rdp_frame_probe(d->hdr, d->hdr_len, 1);
        if (fi.kind == FRAME_NEED_MORE)
            continue;
        if (fi.kind != FRAME_TPKT && fi.kind != FRAME_FASTPATH) {
            d->stopped = true;
            rdp_problem(c, dir, ref, "decrypted bytes: %s",
                        fi.kind == FRAME_INVALID ? fi.problem : "not an RDP PDU where one was expected");
            break;
        }
        d->pdus++;
        if (fi.kind == FRAME_FASTPATH)
            fastpath_pdu(c, dir, ref);
        if (fi.length >= d->hdr_len) {
            if (fi.kind == FRAME_TPKT && fi.length <= CONN_PDU_MAX &&
                (d->pdu || (d->pdu = malloc(CONN_PDU_MAX)) != NULL)) {
                memcpy(d->pdu, d->hdr, d->hdr_len);
                d->pdu_len = d->hdr_len;
                d->pdu_need = fi.length;
                d->hdr_len = 0;
                if (d->pdu_len == d->pdu_need) {
                    d->pdu_len = d->pdu_need = 0;
                    tpkt_pdu(c, dir, d->pdu, fi.length, ref, true);
                }
                continue;
            }
            d->skip = fi.length - d->hdr_len;
            d->hdr_len = 0;
        } else {
            uint8_t left = (uint8_t)(d->hdr_len - fi.length);
            memmove(d->hdr, d->hdr + fi.length, left);
            d->hdr_len = left;
        }
    }
}

void layer_rdp_plain_free(rdp_plain *st)
{
    if (!st)
        return;
    for (int i = 0; i < 2; i++) {
        free(st->dir[i].pdu);
        st->dir[i].pdu = NULL;
    }
}

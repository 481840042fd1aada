/* redirection.c - the Server Redirection Packet (see redirection.h).
 * Field order and meanings: MS-RDPBCGR 2.2.13.1; TargetNetAddresses:
 * 2.2.13.1.1 (TARGET_NET_ADDRESSES, TARGET_NET_ADDRESS); the envelopes:
 * 2.2.13.2.1 and 2.2.13.3.1.
 */
#include "redirection.h"

#include "reader.h"
#include "wirestr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void problem(redir_packet *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(redir_packet *out, const char *fmt, ...)
{
    if (out->problem[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->problem, sizeof out->problem, fmt, ap);
    va_end(ap);
}

/* Appends one piece to out (o: bytes used), keeping room for "..." like
 * wire_printable: false once the output is full (and then ended by "..."). */
static bool put_piece(char *out, size_t outlen, size_t *o, size_t *cut, const char *piece, size_t n)
{
    if (outlen > 4 && *o <= outlen - 4)
        *cut = *o;
    if (*o + n + 1 > outlen) {
        if (outlen > 4) {
            *o = *cut;
            memcpy(out + *o, "...", 3);
            *o += 3;
        }
        return false;
    }
    memcpy(out + *o, piece, n);
    *o += n;
    return true;
}

/* UTF-16LE code units (2.2.13.1: the names are null-terminated Unicode)
 * into printable ASCII in wire_printable's style: 0x20..0x7E stay (a
 * backslash doubled), other units below 0x80 become \xNN, the rest \uNNNN.
 * Ends at the first NUL, as a client reading the string would. */
static void utf16_printable(const uint8_t *b, size_t len, char *out, size_t outlen)
{
    size_t o = 0, cut = 0;
    if (outlen == 0)
        return;
    for (size_t i = 0; i + 1 < len; i += 2) {
        uint16_t u = (uint16_t)(b[i] | b[i + 1] << 8);
        char piece[8];
        size_t n;
        if (u == 0)
            break;
        if (u == '\\') {
            piece[0] = piece[1] = '\\';
            n = 2;
        } else if (u >= 0x20 && u <= 0x7E) {
            piece[0] = (char)u;
            n = 1;
        } else if (u < 0x80) {
            snprintf(piece, sizeof piece, "\\x%02X", u);
            n = 4;
        } else {
            snprintf(piece, sizeof piece, "\\u%04X", u);
            n = 6;
        }
        if (!put_piece(out, outlen, &o, &cut, piece, n))
            break;
    }
    out[o] = '\0';
}

/* One length-prefixed field: its 4-byte length, then a sub-reader over its
 * bytes. False (and a problem) when the length runs past the end. */
static bool field(reader *r, redir_packet *out, const char *name, reader *body, uint32_t *flen)
{
    uint32_t n;
    if (!reader_le32(r, &n)) {
        problem(out, "%s: no room for its length", name);
        return false;
    }
    if (flen)
        *flen = n;
    if (n > reader_left(r)) {
        problem(out, "%s length %u runs past the end (%zu bytes left)", name, n, reader_left(r));
        r->ok = false;
        return false;
    }
    reader_sub(r, n, body);
    return true;
}

/* A null-terminated UTF-16LE string field. */
static bool unicode_field(reader *r, redir_packet *out, const char *name, char *text, size_t textlen)
{
    reader body;
    uint32_t n = 0;
    if (!field(r, out, name, &body, &n))
        return false;
    if (n % 2)
        problem(out, "%s length %u is odd (UTF-16 expected)", name, n);
    else if (n >= 2 && (body.data[n - 2] | body.data[n - 1]) != 0)
        problem(out, "%s is not null-terminated", name);
    utf16_printable(body.data, n, text, textlen);
    return true;
}

/* LoadBalanceInfo: bytes, in practice an ASCII routing token ("Cookie:
 * msts=...\r\n", "tsv://MS Terminal Services Plugin.1.<collection>"); the
 * line end and NULs at its end are dropped before it is made printable. */
static bool load_balance_info(reader *r, redir_packet *out)
{
    reader body;
    if (!field(r, out, "LoadBalanceInfo", &body, &out->load_balance_info_len))
        return false;
    size_t n = body.len;
    while (n > 0 && (body.data[n - 1] == '\r' || body.data[n - 1] == '\n' || body.data[n - 1] == 0))
        n--;
    wire_printable(body.data, n, out->load_balance_info, sizeof out->load_balance_info);
    return true;
}

/* TargetNetAddresses (2.2.13.1.1): addressCount, then addressCount
 * TARGET_NET_ADDRESS (addressLength, address as null-terminated UTF-16LE),
 * all inside TargetNetAddressesLength bytes. */
static bool net_addresses(reader *r, redir_packet *out)
{
    reader body;
    if (!field(r, out, "TargetNetAddresses", &body, NULL))
        return false;
    if (!reader_le32(&body, &out->address_count)) {
        problem(out, "TargetNetAddresses: no room for addressCount");
        return true;
    }
    /* Each address takes at least its 4-byte length, so the loop ends with
     * the bytes whatever addressCount claims. */
    for (uint32_t i = 0; i < out->address_count; i++) {
        char tmp[REDIR_ADDR_TEXT];
        char *dst = out->addresses_kept < REDIR_ADDRS_MAX ? out->addresses[out->addresses_kept] : tmp;
        if (reader_left(&body) == 0) {
            problem(out, "TargetNetAddresses: %u addresses announced, %u present",
                    out->address_count, i);
            break;
        }
        if (!unicode_field(&body, out, "TARGET_NET_ADDRESS", dst, REDIR_ADDR_TEXT))
            break;
        if (out->addresses_kept < REDIR_ADDRS_MAX)
            out->addresses_kept++;
    }
    if (reader_left(&body) > 0)
        problem(out, "TargetNetAddresses: %zu bytes left after the addresses", reader_left(&body));
    return true;
}

redir_status redirection_parse_packet(const uint8_t *p, size_t len, redir_packet *out)
{
    memset(out, 0, sizeof *out);
    reader r = reader_make(p, len);
    reader_le16(&r, &out->flags);
    reader_le16(&r, &out->length);
    reader_le32(&r, &out->session_id);
    reader_le32(&r, &out->redir_flags);
    if (!r.ok) {
        problem(out, "%zu bytes: too short for a Server Redirection Packet header (12)", len);
        return out->status = REDIR_TRUNCATED;
    }
    if (out->flags != REDIR_PKT_FLAGS)
        problem(out, "Flags 0x%04X instead of SEC_REDIRECTION_PKT (0x0400)", out->flags);
    uint32_t f = out->redir_flags;
    bool ok = true;
    /* The optional fields, in the order of 2.2.13.1; a field that runs past
     * the end stops the walk (what follows it cannot be located). */
    if (ok && (f & LB_TARGET_NET_ADDRESS) &&
        (ok = unicode_field(&r, out, "TargetNetAddress", out->target_net_address,
                            sizeof out->target_net_address)))
        out->fields_read |= LB_TARGET_NET_ADDRESS;
    if (ok && (f & LB_LOAD_BALANCE_INFO) && (ok = load_balance_info(&r, out)))
        out->fields_read |= LB_LOAD_BALANCE_INFO;
    if (ok && (f & LB_USERNAME) &&
        (ok = unicode_field(&r, out, "UserName", out->user_name, sizeof out->user_name)))
        out->fields_read |= LB_USERNAME;
    if (ok && (f & LB_DOMAIN) &&
        (ok = unicode_field(&r, out, "Domain", out->domain, sizeof out->domain)))
        out->fields_read |= LB_DOMAIN;
    if (ok && (f & LB_PASSWORD)) {
        /* A password or the broker's opaque cookie: skipped unread. */
        reader body;
        out->has_password = true;
        if ((ok = field(&r, out, "Password", &body, &out->password_len)))
            out->fields_read |= LB_PASSWORD;
    }
    if (ok && (f & LB_TARGET_FQDN) &&
        (ok = unicode_field(&r, out, "TargetFQDN", out->target_fqdn, sizeof out->target_fqdn)))
        out->fields_read |= LB_TARGET_FQDN;
    if (ok && (f & LB_TARGET_NETBIOS_NAME) &&
        (ok = unicode_field(&r, out, "TargetNetBiosName", out->target_netbios_name,
                            sizeof out->target_netbios_name)))
        out->fields_read |= LB_TARGET_NETBIOS_NAME;
    if (ok && (f & LB_CLIENT_TSV_URL) &&
        (ok = unicode_field(&r, out, "TsvUrl", out->tsv_url, sizeof out->tsv_url))) {
        out->fields_read |= LB_CLIENT_TSV_URL;
    }
    if (ok && (f & LB_REDIRECTION_GUID)) {
        reader body;
        if ((ok = field(&r, out, "RedirectionGuid", &body, &out->guid_len)))
            out->fields_read |= LB_REDIRECTION_GUID;
    }
    if (ok && (f & LB_TARGET_CERTIFICATE)) {
        reader body;
        if ((ok = field(&r, out, "TargetCertificate", &body, &out->certificate_len)))
            out->fields_read |= LB_TARGET_CERTIFICATE;
    }
    if (ok && (f & LB_TARGET_NET_ADDRESSES) && (ok = net_addresses(&r, out)))
        out->fields_read |= LB_TARGET_NET_ADDRESSES;
    if (!ok)
        return out->status = REDIR_TRUNCATED;
    /* Length covers the whole packet, the optional 8-byte Pad included;
     * clients do not frame by it, so a disagreement is only noted. */
    size_t used = reader_pos(&r);
    if (out->length < used || out->length > len)
        problem(out, "Length %u disagrees with the packet (%zu bytes of fields, %zu present)",
                out->length, used, len);
    return out->status = REDIR_OK;
}

redir_status redirection_parse_enhanced(const uint8_t *p, size_t len, redir_packet *out)
{
    reader r = reader_make(p, len);
    uint16_t total, type, source, pad;
    reader_le16(&r, &total);
    reader_le16(&r, &type);
    reader_le16(&r, &source);
    reader_le16(&r, &pad);
    if (!r.ok || (type & 0xFFF0) != 0x0010 || (type & 0x000F) != REDIR_PDUTYPE_SERVER_REDIR_PKT) {
        memset(out, 0, sizeof *out);
        out->enhanced = true;
        problem(out, "not a Share Control Header of a Server Redirection PDU");
        return out->status = REDIR_MALFORMED;
    }
    /* totalLength bounds the PDU when it is plausible; the packet follows
     * pad2Octets, and a pad1Octet may end the PDU (2.2.13.3.1). */
    size_t end = total >= 8 && total <= len ? total : len;
    redir_status st = redirection_parse_packet(p + 8, end - 8, out);
    out->enhanced = true;
    if (total != len && total != 0)
        problem(out, "Share Control totalLength %u, PDU %zu bytes", total, len);
    return st;
}

const char *redirection_target(const redir_packet *r)
{
    /* The order a client tries them in (FreeRDP's default: the FQDN, the
     * address, then the NetBIOS name, each when usable). */
    if (r->target_fqdn[0])
        return r->target_fqdn;
    if (r->target_net_address[0])
        return r->target_net_address;
    if (r->target_netbios_name[0])
        return r->target_netbios_name;
    if (r->addresses_kept > 0 && r->addresses[0][0])
        return r->addresses[0];
    return NULL;
}

void redirection_flags_str(uint32_t redir_flags, char *buf, size_t buflen)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {
        { LB_TARGET_NET_ADDRESS, "LB_TARGET_NET_ADDRESS" },
        { LB_LOAD_BALANCE_INFO, "LB_LOAD_BALANCE_INFO" },
        { LB_USERNAME, "LB_USERNAME" },
        { LB_DOMAIN, "LB_DOMAIN" },
        { LB_PASSWORD, "LB_PASSWORD" },
        { LB_DONTSTOREUSERNAME, "LB_DONTSTOREUSERNAME" },
        { LB_SMARTCARD_LOGON, "LB_SMARTCARD_LOGON" },
        { LB_NOREDIRECT, "LB_NOREDIRECT" },
        { LB_TARGET_FQDN, "LB_TARGET_FQDN" },
        { LB_TARGET_NETBIOS_NAME, "LB_TARGET_NETBIOS_NAME" },
        { LB_TARGET_NET_ADDRESSES, "LB_TARGET_NET_ADDRESSES" },
        { LB_CLIENT_TSV_URL, "LB_CLIENT_TSV_URL" },
        { LB_SERVER_TSV_CAPABLE, "LB_SERVER_TSV_CAPABLE" },
        { LB_PASSWORD_IS_PK_ENCRYPTED, "LB_PASSWORD_IS_PK_ENCRYPTED" },
        { LB_REDIRECTION_GUID, "LB_REDIRECTION_GUID" },
        { LB_TARGET_CERTIFICATE, "LB_TARGET_CERTIFICATE" },
    };
    if (buflen == 0)
        return;
    buf[0] = '\0';
    size_t o = 0;
    uint32_t rest = redir_flags;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(redir_flags & names[i].bit))
            continue;
        rest &= ~names[i].bit;
        int n = snprintf(buf + o, buflen - o, "%s%s", o ? "|" : "", names[i].name);
        if (n < 0 || (size_t)n >= buflen - o)
            return;
        o += (size_t)n;
    }
    if (rest || o == 0)
        snprintf(buf + o, buflen - o, "%s0x%X", o ? "|" : "", rest);
}

const char *redirection_status_name(redir_status s)
{
    switch (s) {
    case REDIR_OK: return "ok";
    case REDIR_TRUNCATED: return "truncated";
    case REDIR_MALFORMED: return "malformed";
    default: return "?";
    }
}

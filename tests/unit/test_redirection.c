/* test_redirection.c - the Server Redirection PDU (dissectors/redirection.c),
 * its facts in the RDP layer (layer_rdp.c, cleartext and decrypted paths),
 * the redirected verdict (rules_rdp.c), and the last Set Error Info.
 *
 * No public or lab capture holds a redirection (it is RD Connection Broker
 * behaviour), so the PDUs are built here from the spec's field layout:
 * MS-RDPBCGR 2.2.13.1 (RDP_SERVER_REDIRECTION_PACKET: Flags, Length,
 * SessionID, RedirFlags, then TargetNetAddress, LoadBalanceInfo, UserName,
 * Domain, Password, TargetFQDN, TargetNetBiosName, TsvUrl, RedirectionGuid,
 * TargetCertificate, TargetNetAddresses (2.2.13.1.1), Pad), wrapped as in
 * 2.2.13.3.1 (Share Control Header pduType 0x1A, pad2Octets) or 2.2.13.2.1
 * (security header SEC_REDIRECTION_PKT), in an MCS Send Data Indication on
 * the I/O channel (2.2.13.3.1: tpktHeader, x224Data, mcsSDin). Then
 * truncated, lying-length and hostile-string variants.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conn_fixture.h"
#include <libxml/tree.h>
#include <unistd.h>

#include "analysis.h"
#include "capture.h"
#include "connection.h"
#include "decrypt_facts.h"
#include "diagnosis.h"
#include "layers.h"
#include "rdp_security.h"
#include "redirection.h"
#include "rules_decrypted.h"
#include "report_rdp.h"
#include "rules_rdp.h"

#ifndef RDPT_SOURCE_DIR
#define RDPT_SOURCE_DIR "."
#endif
#define SAMPLE RDPT_SOURCE_DIR "/samples/redirected.pcapng"

/* ---- building PDUs ------------------------------------------------------ */

typedef struct {
    uint8_t b[4096];
    size_t n;
} buf;

static void put(buf *o, const void *p, size_t n)
{
    assert_true(o->n + n <= sizeof o->b);
    memcpy(o->b + o->n, p, n);
    o->n += n;
}
static void u16(buf *o, uint16_t v)
{
    uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
    put(o, x, 2);
}
static void u32(buf *o, uint32_t v)
{
    uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    put(o, x, 4);
}
/* A length-prefixed UTF-16LE string with its terminating NUL (2.2.13.1). */
static void ustr(buf *o, const char *s)
{
    size_t n = strlen(s);
    u32(o, (uint32_t)(2 * n + 2));
    for (size_t i = 0; i <= n; i++)
        u16(o, (uint8_t)s[i]);
}
static void bytes_field(buf *o, const void *p, size_t n)
{
    u32(o, (uint32_t)n);
    put(o, p, n);
}

static const char password[] = "Sw0rdfish-Secret";   /* must never come out */
static const char lb_cookie[] = "Cookie: msts=3640205228.15629.0000\r\n";

/* The full packet: every optional field of 2.2.13.1, in its order. */
static void full_packet(buf *o)
{
    buf body = { .n = 0 };
    ustr(&body, "10.33.2.3");                                 /* TargetNetAddress */
    bytes_field(&body, lb_cookie, strlen(lb_cookie));         /* LoadBalanceInfo */
    ustr(&body, "alice");                                     /* UserName */
    ustr(&body, "RDPTLAB");                                   /* Domain */
    {                                                         /* Password, UTF-16 */
        buf pw = { .n = 0 };
        for (size_t i = 0; i <= strlen(password); i++)
            u16(&pw, (uint8_t)password[i]);
        bytes_field(&body, pw.b, pw.n);
    }
    ustr(&body, "rdsh2.lab.example");                         /* TargetFQDN */
    ustr(&body, "RDSH2");                                     /* TargetNetBiosName */
    ustr(&body, "tsv://MS Terminal Services Plugin.1.Desk");  /* TsvUrl */
    {
        uint8_t guid[16];
        memset(guid, 0x11, sizeof guid);
        bytes_field(&body, guid, sizeof guid);                /* RedirectionGuid */
        uint8_t cert[40];
        memset(cert, 0x30, sizeof cert);
        bytes_field(&body, cert, sizeof cert);                /* TargetCertificate */
    }
    {                                                         /* TargetNetAddresses */
        buf a = { .n = 0 };
        u32(&a, 2);
        ustr(&a, "10.33.2.3");
        ustr(&a, "fe80::3");
        bytes_field(&body, a.b, a.n);
    }
    uint8_t pad[8] = { 0 };
    put(&body, pad, sizeof pad);
    uint32_t flags = LB_TARGET_NET_ADDRESS | LB_LOAD_BALANCE_INFO | LB_USERNAME | LB_DOMAIN |
                     LB_PASSWORD | LB_TARGET_FQDN | LB_TARGET_NETBIOS_NAME | LB_CLIENT_TSV_URL |
                     LB_REDIRECTION_GUID | LB_TARGET_CERTIFICATE | LB_TARGET_NET_ADDRESSES;
    u16(o, REDIR_PKT_FLAGS);
    u16(o, (uint16_t)(12 + body.n));
    u32(o, 7);                                                /* SessionID */
    u32(o, flags);
    put(o, body.b, body.n);
}

/* 2.2.13.3.1: Share Control Header (totalLength, pduType 0x1A, pduSource
 * 1002), pad2Octets, the packet, pad1Octet. */
static void enhanced_pdu(buf *o, const buf *pkt)
{
    u16(o, (uint16_t)(6 + 2 + pkt->n + 1));
    u16(o, 0x0010 | REDIR_PDUTYPE_SERVER_REDIR_PKT);
    u16(o, 1002);
    u16(o, 0);
    put(o, pkt->b, pkt->n);
    uint8_t pad1 = 0;
    put(o, &pad1, 1);
}

/* TPKT + X.224 Data + MCS Send Data Indication (initiator 1002, channel
 * 1003, two-byte PER length) around user data. */
static void sdin(buf *o, const uint8_t *data, size_t n)
{
    uint16_t total = (uint16_t)(4 + 3 + 8 + n);
    uint8_t hdr[] = { 0x03, 0x00, (uint8_t)(total >> 8), (uint8_t)total,
                      0x02, 0xf0, 0x80,
                      0x68, 0x00, 0x01, 0x03, 0xeb, 0x70,
                      (uint8_t)(0x80 | (n >> 8)), (uint8_t)n };
    put(o, hdr, sizeof hdr);
    put(o, data, n);
}

static bool contains(const void *hay, size_t hn, const void *needle, size_t nn)
{
    const uint8_t *h = hay;
    for (size_t i = 0; i + nn <= hn; i++)
        if (memcmp(h + i, needle, nn) == 0)
            return true;
    return false;
}

/* The password, neither as ASCII nor as UTF-16, anywhere in the bytes. */
static void assert_no_password(const void *p, size_t n)
{
    buf pw = { .n = 0 };
    for (size_t i = 0; i < strlen(password); i++)
        u16(&pw, (uint8_t)password[i]);
    assert_false(contains(p, n, password, strlen(password)));
    assert_false(contains(p, n, "Sw0rd", 5));
    assert_false(contains(p, n, pw.b, pw.n));
}

/* ---- the dissector ------------------------------------------------------ */

static void test_full_packet(void **state)
{
    (void)state;
    buf pkt = { .n = 0 };
    full_packet(&pkt);
    redir_packet r;
    assert_int_equal(redirection_parse_packet(pkt.b, pkt.n, &r), REDIR_OK);
    assert_string_equal(r.problem, "");
    assert_int_equal(r.flags, 0x0400);
    assert_int_equal(r.length, pkt.n);
    assert_int_equal(r.session_id, 7);
    assert_string_equal(r.target_net_address, "10.33.2.3");
    /* The line end is dropped; the rest is kept as sent. */
    assert_string_equal(r.load_balance_info, "Cookie: msts=3640205228.15629.0000");
    assert_int_equal(r.load_balance_info_len, strlen(lb_cookie));
    assert_string_equal(r.user_name, "alice");
    assert_string_equal(r.domain, "RDPTLAB");
    assert_true(r.has_password);
    assert_int_equal(r.password_len, 2 * (strlen(password) + 1));
    assert_string_equal(r.target_fqdn, "rdsh2.lab.example");
    assert_string_equal(r.target_netbios_name, "RDSH2");
    assert_string_equal(r.tsv_url, "tsv://MS Terminal Services Plugin.1.Desk");
    assert_int_equal(r.guid_len, 16);
    assert_int_equal(r.certificate_len, 40);
    assert_int_equal(r.address_count, 2);
    assert_int_equal(r.addresses_kept, 2);
    assert_string_equal(r.addresses[0], "10.33.2.3");
    assert_string_equal(r.addresses[1], "fe80::3");
    assert_int_equal(r.fields_read, r.redir_flags);
    assert_string_equal(redirection_target(&r), "rdsh2.lab.example");
    assert_no_password(&r, sizeof r);
}

static void test_enhanced_form(void **state)
{
    (void)state;
    buf pkt = { .n = 0 }, pdu = { .n = 0 };
    full_packet(&pkt);
    enhanced_pdu(&pdu, &pkt);
    redir_packet r;
    assert_int_equal(redirection_parse_enhanced(pdu.b, pdu.n, &r), REDIR_OK);
    assert_true(r.enhanced);
    assert_string_equal(r.problem, "");
    assert_string_equal(r.target_fqdn, "rdsh2.lab.example");
    /* Not a Server Redirection PDU: a Demand Active header. */
    pdu.b[2] = 0x11;
    assert_int_equal(redirection_parse_enhanced(pdu.b, pdu.n, &r), REDIR_MALFORMED);
    assert_int_equal(redirection_parse_enhanced(pdu.b, 5, &r), REDIR_MALFORMED);
    assert_int_equal(redirection_parse_enhanced(NULL, 0, &r), REDIR_MALFORMED);
}

/* Only some fields: the target by address, nothing else. */
static void test_minimal_packet(void **state)
{
    (void)state;
    buf pkt = { .n = 0 };
    u16(&pkt, REDIR_PKT_FLAGS);
    u16(&pkt, 12 + 4 + 22);
    u32(&pkt, 0);
    u32(&pkt, LB_TARGET_NET_ADDRESS);
    ustr(&pkt, "192.0.2.10");
    redir_packet r;
    assert_int_equal(redirection_parse_packet(pkt.b, pkt.n, &r), REDIR_OK);
    assert_string_equal(redirection_target(&r), "192.0.2.10");
    assert_false(r.has_password);
    assert_string_equal(r.problem, "");
    /* No fields at all: no target. */
    buf none = { .n = 0 };
    u16(&none, REDIR_PKT_FLAGS);
    u16(&none, 12);
    u32(&none, 3);
    u32(&none, LB_NOREDIRECT);
    assert_int_equal(redirection_parse_packet(none.b, none.n, &r), REDIR_OK);
    assert_null(redirection_target(&r));
}

/* Every prefix of the packet: never a read past it, the fields before the
 * cut kept, the status truncated. */
static void test_every_prefix(void **state)
{
    (void)state;
    buf pkt = { .n = 0 };
    full_packet(&pkt);
    for (size_t n = 0; n < pkt.n; n++) {
        uint8_t *copy = malloc(n ? n : 1);   /* exact size: ASan sees any overread */
        assert_non_null(copy);
        memcpy(copy, pkt.b, n);
        redir_packet r;
        redir_status st = redirection_parse_packet(copy, n, &r);
        /* Only the trailing Pad (8 bytes) may be missing without harm. */
        if (n < pkt.n - 8)
            assert_int_equal(st, REDIR_TRUNCATED);
        assert_true(r.problem[0] != '\0');
        assert_true(memchr(r.target_fqdn, 0, sizeof r.target_fqdn) != NULL);
        assert_no_password(&r, sizeof r);
        if (n >= 12 + 24)
            assert_string_equal(r.target_net_address, "10.33.2.3");
        free(copy);
    }
}

/* A length field that says more than there is: the walk stops there, the
 * earlier fields stay, the problem names the field. */
static void test_lying_lengths(void **state)
{
    (void)state;
    buf pkt = { .n = 0 };
    u16(&pkt, REDIR_PKT_FLAGS);
    u16(&pkt, 200);
    u32(&pkt, 1);
    u32(&pkt, LB_TARGET_NET_ADDRESS | LB_TARGET_FQDN | LB_TARGET_NETBIOS_NAME);
    ustr(&pkt, "10.0.0.1");
    u32(&pkt, 0xFFFFFFF0u);          /* TargetFQDN length */
    ustr(&pkt, "ABC");
    redir_packet r;
    assert_int_equal(redirection_parse_packet(pkt.b, pkt.n, &r), REDIR_TRUNCATED);
    assert_string_equal(r.target_net_address, "10.0.0.1");
    assert_string_equal(r.target_fqdn, "");
    assert_string_equal(r.target_netbios_name, "");
    assert_non_null(strstr(r.problem, "TargetFQDN length 4294967280"));

    /* TargetNetAddresses claiming 2^32-1 addresses in 30 bytes. */
    buf many = { .n = 0 }, a = { .n = 0 };
    u32(&a, 0xFFFFFFFFu);
    ustr(&a, "10.0.0.2");
    ustr(&a, "10.0.0.3");
    u16(&many, REDIR_PKT_FLAGS);
    u16(&many, 0);
    u32(&many, 1);
    u32(&many, LB_TARGET_NET_ADDRESSES);
    bytes_field(&many, a.b, a.n);
    assert_int_equal(redirection_parse_packet(many.b, many.n, &r), REDIR_OK);
    assert_int_equal(r.address_count, 0xFFFFFFFFu);
    assert_int_equal(r.addresses_kept, 2);
    assert_non_null(strstr(r.problem, "addresses announced"));

    /* The packet's own Length disagreeing with the bytes, and wrong Flags. */
    buf pkt2 = { .n = 0 };
    full_packet(&pkt2);
    pkt2.b[2] = 0xFF;
    pkt2.b[3] = 0x7F;
    assert_int_equal(redirection_parse_packet(pkt2.b, pkt2.n, &r), REDIR_OK);
    assert_non_null(strstr(r.problem, "Length 32767"));
    buf pkt3 = { .n = 0 };
    full_packet(&pkt3);
    pkt3.b[1] = 0x05;                 /* Flags 0x0500 */
    assert_int_equal(redirection_parse_packet(pkt3.b, pkt3.n, &r), REDIR_OK);
    assert_non_null(strstr(r.problem, "Flags 0x0500"));
    assert_string_equal(r.target_fqdn, "rdsh2.lab.example");
}

/* Hostile strings: markup, control characters, non-ASCII, a backslash, an
 * embedded NUL, an odd length and one longer than the cap. */
static void test_hostile_strings(void **state)
{
    (void)state;
    buf pkt = { .n = 0 };
    u16(&pkt, REDIR_PKT_FLAGS);
    u16(&pkt, 0);
    u32(&pkt, 1);
    u32(&pkt, LB_TARGET_FQDN | LB_TARGET_NETBIOS_NAME | LB_USERNAME | LB_DOMAIN |
                  LB_LOAD_BALANCE_INFO);
    /* LoadBalanceInfo: an escape sequence and a 300-byte tail. */
    {
        uint8_t lb[320];
        memcpy(lb, "\x1b[31mtsv://x", 12);
        memset(lb + 12, 'A', sizeof lb - 12);
        bytes_field(&pkt, lb, sizeof lb);
    }
    /* UserName: "<script>" + U+202E + a NUL + "hidden". */
    {
        buf s = { .n = 0 };
        const char *vis = "<b>x\\y";
        for (const char *c = vis; *c; c++)
            u16(&s, (uint8_t)*c);
        u16(&s, 0x202E);
        u16(&s, 0x00E9);
        u16(&s, 0x0007);
        u16(&s, 0);
        for (const char *c = "hidden"; *c; c++)
            u16(&s, (uint8_t)*c);
        u16(&s, 0);
        bytes_field(&pkt, s.b, s.n);
    }
    /* Domain: odd length. */
    {
        uint8_t d[5] = { 'D', 0, 'M', 0, 'X' };
        bytes_field(&pkt, d, sizeof d);
    }
    /* TargetFQDN: 400 characters. */
    {
        buf s = { .n = 0 };
        for (int i = 0; i < 400; i++)
            u16(&s, (uint16_t)('a' + i % 26));
        u16(&s, 0);
        bytes_field(&pkt, s.b, s.n);
    }
    /* TargetNetBiosName: not null-terminated. */
    {
        uint8_t nb[4] = { 'N', 0, 'B', 0 };
        bytes_field(&pkt, nb, sizeof nb);
    }
    redir_packet r;
    assert_int_equal(redirection_parse_packet(pkt.b, pkt.n, &r), REDIR_OK);
    assert_string_equal(r.user_name, "<b>x\\\\y\\u202E\\u00E9\\x07");
    assert_null(strstr(r.user_name, "hidden"));
    assert_non_null(strstr(r.problem, "Domain length 5 is odd"));
    assert_string_equal(r.domain, "DM");
    assert_string_equal(r.target_netbios_name, "NB");
    size_t fl = strlen(r.target_fqdn);
    assert_true(fl < sizeof r.target_fqdn);
    assert_string_equal(r.target_fqdn + fl - 3, "...");
    assert_int_equal(strncmp(r.load_balance_info, "\\x1B[31mtsv://x", 14), 0);
    assert_string_equal(r.load_balance_info + strlen(r.load_balance_info) - 3, "...");
    assert_true(strlen(r.load_balance_info) < REDIR_LB_TEXT);
    /* Everything printable ASCII. */
    const char *fields[] = { r.user_name, r.domain, r.target_fqdn, r.target_netbios_name,
                             r.load_balance_info };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        for (const char *c = fields[i]; *c; c++)
            assert_true(*c >= 0x20 && *c <= 0x7E);
}

static void test_flags_str(void **state)
{
    (void)state;
    char b[300];
    redirection_flags_str(LB_TARGET_NET_ADDRESS | LB_PASSWORD | 0x40000000u, b, sizeof b);
    assert_string_equal(b, "LB_TARGET_NET_ADDRESS|LB_PASSWORD|0x40000000");
    redirection_flags_str(0, b, sizeof b);
    assert_string_equal(b, "0x0");
    redirection_flags_str(0xFFFFFFFFu, b, 20);
    assert_true(strlen(b) < 20);
    assert_string_equal(redirection_status_name(REDIR_TRUNCATED), "truncated");
}

/* ---- the RDP layer and the verdict ------------------------------------ */

/* The licensing error message STATUS_VALID_CLIENT as a Windows server sends
 * it inside TLS: frame 44 of rdp-restricted-admin-rejected1.pcapng in
 * /work/shared/captures/awakecoding-wireshark-rdp (decrypted with its
 * embedded secrets; the same bytes as test_layer_rdp_decrypted.c). */
static const uint8_t frame44_license[] = {
    0x03, 0x00, 0x00, 0x22, 0x02, 0xf0, 0x80, 0x68, 0x00, 0x01, 0x03, 0xeb, 0x70, 0x14, 0x80, 0x00,
    0x00, 0x00, 0xff, 0x03, 0x10, 0x00, 0x07, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x04, 0x00,
    0x00, 0x00,
};

static connection *make_conn(void)
{
    rt_addr client = { 4, { 10, 33, 1, 2 } }, server = { 4, { 10, 33, 2, 2 } };
    return fixture_syn_conn(client, server);
}

static void feed(connection *c, rdp_plain *st, direction dir, const buf *b, uint64_t frame)
{
    pkt_ref r = { frame, { 1700000000, (uint32_t)frame * 1000 } };
    layer_rdp_plaintext(c, st, dir, b->b, b->n, &r);
}

/* Set Error Info (2.2.5.1.1) in a Share Data Header, as the Enhanced
 * Security form inside TLS carries it. */
static void errinfo_pdu(buf *o, uint32_t code)
{
    buf d = { .n = 0 };
    u16(&d, 22);            /* totalLength */
    u16(&d, 0x17);          /* PDUTYPE_DATAPDU, version 1 */
    u16(&d, 1002);
    u32(&d, 0x103ea);       /* shareId */
    uint8_t x[] = { 0, 1 }; /* pad1, streamId */
    put(&d, x, 2);
    u16(&d, 8);             /* uncompressedLength */
    uint8_t y[] = { PDUTYPE2_SET_ERROR_INFO, 0 };
    put(&d, y, 2);
    u16(&d, 0);
    u32(&d, code);
    sdin(o, d.b, d.n);
}

static void test_layer_decrypted_redirection(void **state)
{
    (void)state;
    connection *c = make_conn();
    rdp_plain st;
    memset(&st, 0, sizeof st);
    buf pkt = { .n = 0 }, pdu = { .n = 0 }, wire = { .n = 0 };
    full_packet(&pkt);
    enhanced_pdu(&pdu, &pkt);
    sdin(&wire, pdu.b, pdu.n);
    /* A client PDU of the same shape is not a redirection. */
    feed(c, &st, DIR_C2S, &wire, 40);
    assert_int_equal(c->rdp.redirection_ref.packet, 0);
    feed(c, &st, DIR_S2C, &wire, 41);
    feed(c, &st, DIR_S2C, &wire, 42);       /* a second one: counted only */
    const rdp_facts *f = &c->rdp;
    assert_false(f->malformed);
    assert_int_equal(f->redirection_ref.packet, 41);
    assert_int_equal(f->redirections, 2);
    assert_true(f->redirection_read);
    assert_false(f->redirection_encrypted);
    assert_true(f->redirection.enhanced);
    assert_string_equal(f->redirection.target_fqdn, "rdsh2.lab.example");
    assert_int_equal(f->redirection.session_id, 7);
    assert_no_password(f, sizeof *f);
    layer_rdp_plain_free(&st);
    connection_free(c);
}

/* Standard RDP Security in the clear (layer_rdp_bytes): an encrypted
 * redirection (the spec's only form, 2.2.13.2.1) is only noticed; one sent
 * without SEC_ENCRYPT is read. */
static void test_layer_standard_security(void **state)
{
    (void)state;
    for (int encrypted = 0; encrypted < 2; encrypted++) {
        connection *c = make_conn();
        c->dir[DIR_S2C].state = STREAM_RDP;
        buf pkt = { .n = 0 }, data = { .n = 0 }, wire = { .n = 0 };
        full_packet(&pkt);
        u16(&data, (uint16_t)(SEC_REDIRECTION_PKT | (encrypted ? SEC_ENCRYPT : 0)));
        u16(&data, 0);
        if (encrypted) {
            uint8_t mac[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
            put(&data, mac, sizeof mac);
        }
        put(&data, pkt.b, pkt.n);
        sdin(&wire, data.b, data.n);
        pkt_ref r = { 30, { 1700000000, 30000 } };
        layer_rdp_bytes(c, DIR_S2C, wire.b, wire.n, &r);
        const rdp_facts *f = &c->rdp;
        assert_int_equal(f->redirection_ref.packet, 30);
        assert_int_equal(f->redirection_encrypted, encrypted);
        assert_int_equal(f->redirection_read, !encrypted);
        if (!encrypted) {
            assert_false(f->redirection.enhanced);
            assert_string_equal(f->redirection.target_netbios_name, "RDSH2");
        }
        verdict v;
        memset(&v, 0, sizeof v);
        assert_true(rules_rdp_redirected(c, &v));
        assert_int_equal(v.cause, CAUSE_REDIRECTED);
        assert_int_equal(v.confidence, CONF_HIGH);
        assert_int_equal(v.phase, PHASE_MCS);   /* no licensing seen */
        if (encrypted)
            assert_non_null(strstr(v.detail, "target not decrypted"));
        else
            assert_non_null(strstr(v.detail, "rdsh2.lab.example"));
        connection_free(c);
    }
}

/* The verdict names the target, the session, user\domain and the routing
 * token, never the password; a decrypted TLS connection gets it even with
 * an ERRINFO that would otherwise be server_denied. */
static void test_verdict_decrypted(void **state)
{
    (void)state;
    connection *c = make_conn();
    c->dir[DIR_C2S].state = STREAM_TLS;
    c->dir[DIR_S2C].state = STREAM_TLS;
    c->decrypt = calloc(1, sizeof *c->decrypt);
    assert_non_null(c->decrypt);
    c->decrypt->ready = true;
    c->decrypt->ready_ref = (pkt_ref){ 12, { 1700000000, 12000 } };
    snprintf(c->decrypt->source, sizeof c->decrypt->source, "key log");
    rdp_plain st;
    memset(&st, 0, sizeof st);
    buf pkt = { .n = 0 }, pdu = { .n = 0 }, wire = { .n = 0 }, ei = { .n = 0 };
    full_packet(&pkt);
    enhanced_pdu(&pdu, &pkt);
    sdin(&wire, pdu.b, pdu.n);
    errinfo_pdu(&ei, 0x7);                /* ERRINFO_SERVER_DENIED_CONNECTION */
    buf lic = { .n = 0 };
    put(&lic, frame44_license, sizeof frame44_license);
    feed(c, &st, DIR_S2C, &lic, 44);
    assert_true(c->rdp.license_done);
    feed(c, &st, DIR_S2C, &wire, 50);
    feed(c, &st, DIR_S2C, &ei, 51);
    assert_true(c->rdp.has_error_info);

    verdict v;
    memset(&v, 0, sizeof v);
    assert_false(rules_decrypted_set_error_info(c->decrypt, c, c->rdp.has_error_info,
                                                c->rdp.error_info, &c->rdp.error_info_ref, &v));
    memset(&v, 0, sizeof v);
    assert_true(rules_rdp_redirected(c, &v));
    assert_int_equal(v.cause, CAUSE_REDIRECTED);
    assert_int_equal(v.confidence, CONF_HIGH);
    assert_int_equal(v.key.packet, 50);
    assert_string_equal(v.detail,
                        "Server Redirection to rdsh2.lab.example (10.33.2.3, RDSH2, fe80::3)");
    /* Licensing was done (STATUS_VALID_CLIENT): the redirection took the
     * Demand Active's place, at the start of activation. */
    assert_int_equal(v.phase, PHASE_ACTIVATION);
    assert_non_null(strstr(v.summary, "decrypted"));
    assert_non_null(strstr(v.summary, "session 7"));
    assert_non_null(strstr(v.summary, "RDPTLAB\\alice"));
    assert_non_null(strstr(v.summary, "Cookie: msts=3640205228.15629.0000"));
    assert_non_null(strstr(v.summary, "not shown"));
    bool pw_evidence = false;
    for (unsigned i = 0; i < v.n_evidence; i++) {
        assert_no_password(v.evidence[i].text, strlen(v.evidence[i].text));
        if (strstr(v.evidence[i].text, "Password field of 34 bytes (not shown)"))
            pw_evidence = true;
    }
    assert_true(pw_evidence);
    assert_no_password(&v, sizeof v);

    /* The rule table, from the first rule past the TCP/X.224 ones (this
     * hand-made connection has no handshake): the first rule that fires is
     * the redirected one, before decrypted_set_error_info's server_denied. */
    unsigned n = 0;
    const diagnosis_rule *rules = diagnosis_rules(&n);
    unsigned i = 0;
    while (i < n && strcmp(rules[i].name, "decrypted_credssp_error") != 0)
        i++;
    assert_true(i < n);
    const char *fired = NULL;
    for (; i < n && !fired; i++) {
        memset(&v, 0, sizeof v);
        if (rules[i].fn(c, &v))
            fired = rules[i].name;
    }
    assert_non_null(fired);
    assert_string_equal(fired, "rdp_redirected");
    assert_int_equal(v.cause, CAUSE_REDIRECTED);
    layer_rdp_plain_free(&st);
    connection_free(c);
}

/* Near miss: no redirection, no verdict. */
static void test_no_redirection(void **state)
{
    (void)state;
    connection *c = make_conn();
    verdict v;
    memset(&v, 0, sizeof v);
    assert_false(rules_rdp_redirected(c, &v));
    connection_free(c);
}

/* ---- Set Error Info: the last one is what the client shows --------------- */

static void test_last_error_info(void **state)
{
    (void)state;
    connection *c = make_conn();
    rdp_plain st;
    memset(&st, 0, sizeof st);
    buf a = { .n = 0 }, zero = { .n = 0 }, b = { .n = 0 };
    errinfo_pdu(&a, 0x7);     /* ERRINFO_SERVER_DENIED_CONNECTION */
    errinfo_pdu(&zero, 0);    /* ERRINFO_NONE: not a code */
    errinfo_pdu(&b, 0xC);     /* ERRINFO_LOGOFF_BY_USER */
    feed(c, &st, DIR_S2C, &a, 60);
    feed(c, &st, DIR_S2C, &zero, 61);
    const rdp_facts *f = &c->rdp;
    assert_int_equal(f->error_infos, 1);
    assert_int_equal(f->error_info, 0x7);
    assert_int_equal(f->error_info_first, 0x7);
    feed(c, &st, DIR_S2C, &b, 62);
    assert_true(f->has_error_info);
    assert_int_equal(f->error_infos, 2);
    assert_int_equal(f->error_info, 0xC);
    assert_int_equal(f->error_info_ref.packet, 62);
    assert_int_equal(f->error_info_first, 0x7);
    assert_int_equal(f->error_info_first_ref.packet, 60);

    /* The decrypted rule reads the last one: a logoff is informational. */
    decrypt_facts d;
    memset(&d, 0, sizeof d);
    d.ready = true;
    verdict v;
    memset(&v, 0, sizeof v);
    assert_false(rules_decrypted_set_error_info(&d, c, f->has_error_info, f->error_info,
                                                &f->error_info_ref, &v));
    /* The other order: a logoff, then the refusal; the refusal decides. */
    feed(c, &st, DIR_S2C, &a, 63);
    assert_int_equal(f->error_info, 0x7);
    assert_int_equal(f->error_info_first, 0x7);
    assert_int_equal(f->error_infos, 3);
    memset(&v, 0, sizeof v);
    assert_true(rules_decrypted_set_error_info(&d, c, f->has_error_info, f->error_info,
                                               &f->error_info_ref, &v));
    assert_int_equal(v.cause, CAUSE_SERVER_DENIED);
    assert_int_equal(v.key.packet, 63);
    /* The first code is shown beside the deciding one only when it differs:
     * here the first (0x7) equals the last. */
    for (unsigned i = 0; i < v.n_evidence; i++)
        assert_null(strstr(v.evidence[i].text, "earlier Set Error Info"));
    /* Now a different last code: the earlier one appears as evidence. */
    buf other = { .n = 0 };
    errinfo_pdu(&other, 0x9);   /* ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES */
    feed(c, &st, DIR_S2C, &other, 64);
    assert_int_equal(f->error_info, 0x9);
    memset(&v, 0, sizeof v);
    assert_true(rules_decrypted_set_error_info(&d, c, f->has_error_info, f->error_info,
                                               &f->error_info_ref, &v));
    bool earlier = false;
    for (unsigned i = 0; i < v.n_evidence; i++)
        if (strstr(v.evidence[i].text, "earlier Set Error Info") && v.evidence[i].ref.packet == 60)
            earlier = true;
    assert_true(earlier);
    layer_rdp_plain_free(&st);
    connection_free(c);
}

/* ---- the lab sample ------------------------------------------------------ */

/* samples/redirected.pcapng (samples/lab/broker.py, then the real xfreerdp
 * 2.11 following the redirection to the real xrdp; the client's secrets are
 * in the file as a Decryption Secrets Block). xfreerdp's own log of what it
 * read: "flags: 0x0400, redirFlags: 0x00000A0D length: 136, sessionID:
 * 0x00000007", "TargetNetBiosName: RDSH-LAB2", "TargetNetAddresses[0]:
 * 10.33.2.3", then "connecting to peer 10.33.2.3" (samples/redirected.expect). */
static void test_lab_sample(void **state)
{
    (void)state;
    if (access(SAMPLE, R_OK) != 0)
        skip();
    char err[512];
    capture_source *src = capture_open_file(SAMPLE, NULL, err, sizeof err);
    assert_non_null(src);
    analysis a;
    analysis_init(&a);
    assert_true(analysis_read(&a, src, SAMPLE, false));
    capture_close(src);
    connection *c = a.first;
    assert_non_null(c);
    const rdp_facts *f = &c->rdp;
    /* What the client read, field by field. */
    assert_true(f->redirection_read);
    assert_int_equal(f->redirection.status, REDIR_OK);
    assert_string_equal(f->redirection.problem, "");
    assert_true(f->redirection.enhanced);
    assert_int_equal(f->redirection.flags, 0x0400);
    assert_int_equal(f->redirection.redir_flags, 0x00000A0D);
    assert_int_equal(f->redirection.length, 136);
    assert_int_equal(f->redirection.session_id, 7);
    assert_string_equal(f->redirection.target_net_address, "10.33.2.3");
    assert_string_equal(f->redirection.target_netbios_name, "RDSH-LAB2");
    assert_string_equal(f->redirection.user_name, "alice");
    assert_string_equal(f->redirection.domain, "RDPTLAB");
    assert_int_equal(f->redirection.addresses_kept, 1);
    assert_string_equal(f->redirection.addresses[0], "10.33.2.3");
    assert_false(f->redirection.has_password);
    assert_int_equal(c->v.cause, CAUSE_REDIRECTED);
    assert_int_equal(c->v.phase, PHASE_ACTIVATION);
    assert_int_equal(c->v.confidence, CONF_HIGH);
    assert_string_equal(c->v.detail, "Server Redirection to 10.33.2.3 (RDSH-LAB2)");
    assert_int_equal(c->v.key.packet, f->redirection_ref.packet);

    /* <redirection> in the XML report. */
    xt_doc *doc = xt_doc_new();
    xt_ptr root = xt_new_node(doc, "connection");
    assert_true(xml_rdp(root, c));
    xt_buf xb = { NULL, 0, 0, false };
    assert_true(xt_serialize(root, &xb));
    const char *xml = xb.data;
    assert_non_null(strstr(xml, "<redirection packet=\""));
    assert_non_null(strstr(xml, "target=\"10.33.2.3\""));
    assert_non_null(strstr(xml, "target_netbios_name=\"RDSH-LAB2\""));
    assert_non_null(strstr(xml, "<address value=\"10.33.2.3\"/>"));
    assert_null(strstr(xml, "password_length"));
    xt_buf_free(&xb);
    xt_doc_free(doc);

    /* The client then connected to the target: a session there. Each
     * summary names the other; a follow-up is not a retry. */
    connection *c2 = c->order_next;
    assert_non_null(c2);
    assert_int_equal(c2->v.cause, CAUSE_SUCCESS);
    assert_non_null(strstr(c->v.summary, "The client followed the redirection 0.0 s later in "
                                          "connection 2 to 10.33.2.3:3389, which succeeded."));
    assert_non_null(strstr(c2->v.summary, "It follows the Server Redirection in connection 1."));
    assert_int_equal(c2->retry_of, 0);
    assert_int_equal(c->retry_of, 0);
    analysis_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_packet),
        cmocka_unit_test(test_enhanced_form),
        cmocka_unit_test(test_minimal_packet),
        cmocka_unit_test(test_every_prefix),
        cmocka_unit_test(test_lying_lengths),
        cmocka_unit_test(test_hostile_strings),
        cmocka_unit_test(test_flags_str),
        cmocka_unit_test(test_layer_decrypted_redirection),
        cmocka_unit_test(test_layer_standard_security),
        cmocka_unit_test(test_verdict_decrypted),
        cmocka_unit_test(test_no_redirection),
        cmocka_unit_test(test_last_error_info),
        cmocka_unit_test(test_lab_sample),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* gcc.c - GCC Conference Create Request/Response and the RDP data blocks
 * (see gcc.h). Layouts: MS-RDPBCGR 2.2.1.3.2 (TS_UD_CS_CORE) to 2.2.1.3.9,
 * 2.2.1.4.2 (TS_UD_SC_CORE) to 2.2.1.4.5; the T.124 wrapper as FreeRDP's
 * gcc_read_conference_create_request/response read it (T.124 8.7, PER).
 */
#include "gcc.h"

#include "per.h"
#include "wirestr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* T.124 object identifier {itu-t(0) recommendation(0) t(20) t124(124) version(0) 1} */
static const uint8_t t124_02_98_oid[] = { 0x00, 0x14, 0x7C, 0x00, 0x01 };

static void problem(gcc_info *info, uint32_t bit, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(gcc_info *info, uint32_t bit, const char *fmt, ...)
{
    if (!info->problems) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(info->problem, sizeof info->problem, fmt, ap);
        va_end(ap);
    }
    info->problems |= bit;
}

/* UTF-16LE (at most `units` code units, up to the first NUL) to ASCII:
 * units above 0x7F become '?', then wire_printable() makes it safe. */
static void utf16_to_text(const uint8_t *p, size_t units, char *out, size_t outlen)
{
    uint8_t ascii[64];
    size_t n = 0;
    for (size_t i = 0; i < units && n < sizeof ascii; i++) {
        uint16_t u = (uint16_t)(p[2 * i] | (p[2 * i + 1] << 8));
        if (u == 0)
            break;
        ascii[n++] = u < 0x80 ? (uint8_t)u : (uint8_t)'?';
    }
    wire_printable(ascii, n, out, outlen);
}

/* ---- client blocks ------------------------------------------------------ */

static uint16_t bpp_of(uint16_t code)
{
    /* RNS_UD_COLOR_* (2.2.1.3.2 colorDepth / postBeta2ColorDepth). */
    switch (code) {
    case 0xCA00: return 4;
    case 0xCA01: return 8;
    case 0xCA02: return 15;
    case 0xCA03: return 16;
    case 0xCA04: return 24;
    default: return 0;
    }
}

static void client_core(reader *b, gcc_client_data *cs)
{
    const uint8_t *name;
    uint16_t sas, post_beta2 = 0, product_id, high = 0, supported = 0;
    uint32_t kbd_type, kbd_sub, kbd_fn, serial;
    cs->has_core = true;
    reader_le32(b, &cs->version);
    reader_le16(b, &cs->desktop_width);
    reader_le16(b, &cs->desktop_height);
    reader_le16(b, &cs->color_depth);
    reader_le16(b, &sas);
    reader_le32(b, &cs->keyboard_layout);
    reader_le32(b, &cs->client_build);
    if (reader_bytes(b, 32, &name))
        utf16_to_text(name, 16, cs->client_name, sizeof cs->client_name);
    reader_le32(b, &kbd_type);
    reader_le32(b, &kbd_sub);
    reader_le32(b, &kbd_fn);
    reader_skip(b, 64); /* imeFileName */
    cs->color_bpp = bpp_of(cs->color_depth);
    if (!b->ok)
        return;
    /* The optional fields: each present only if the block is long enough
     * and all before it are present (2.2.1.3.2). */
    if (reader_left(b) >= 2 && reader_le16(b, &post_beta2) && bpp_of(post_beta2))
        cs->color_bpp = bpp_of(post_beta2);
    if (reader_left(b) >= 2)
        reader_le16(b, &product_id);
    if (reader_left(b) >= 4)
        reader_le32(b, &serial);
    if (reader_left(b) >= 2 && reader_le16(b, &high) && high >= 4 && high <= 24)
        cs->color_bpp = high;
    if (reader_left(b) >= 2)
        reader_le16(b, &supported);
    if (reader_left(b) >= 2) {
        cs->has_early_flags = reader_le16(b, &cs->early_capability_flags);
        /* RNS_UD_CS_WANT_32BPP_SESSION with RNS_UD_32BPP_SUPPORT */
        if ((cs->early_capability_flags & 0x0002) && (supported & 0x0008))
            cs->color_bpp = 32;
    }
    if (reader_left(b) >= 64)
        reader_skip(b, 64); /* clientDigProductId */
    else
        return;
    if (reader_left(b) >= 1) {
        cs->has_connection_type = reader_u8(b, &cs->connection_type);
        reader_skip(b, 1); /* pad1octet */
    }
    if (reader_left(b) >= 4)
        cs->has_server_selected_protocol = reader_le32(b, &cs->server_selected_protocol);
}

static void client_net(reader *b, gcc_info *info, gcc_client_data *cs)
{
    cs->has_net = true;
    if (!reader_le32(b, &cs->channel_count))
        return;
    for (uint32_t i = 0; i < cs->channel_count; i++) {
        const uint8_t *name;
        uint32_t options;
        if (!reader_bytes(b, GCC_CHANNEL_NAME, &name) || !reader_le32(b, &options))
            return;
        if (cs->channels_kept >= GCC_MAX_CHANNELS) {
            problem(info, GCC_PROB_CHANNELS, "CS_NET announces %u channels; %u kept",
                    cs->channel_count, GCC_MAX_CHANNELS);
            continue;
        }
        size_t n = strnlen((const char *)name, GCC_CHANNEL_NAME);
        wire_printable(name, n, cs->channel_names[cs->channels_kept],
                       sizeof cs->channel_names[0]);
        cs->channel_options[cs->channels_kept] = options;
        cs->channels_kept++;
    }
}

static const char *client_block_name(uint16_t type)
{
    switch (type) {
    case GCC_CS_CORE: return "CS_CORE";
    case GCC_CS_SECURITY: return "CS_SECURITY";
    case GCC_CS_NET: return "CS_NET";
    case GCC_CS_CLUSTER: return "CS_CLUSTER";
    case GCC_CS_MONITOR: return "CS_MONITOR";
    case GCC_CS_MCS_MSGCHANNEL: return "CS_MCS_MSGCHANNEL";
    case GCC_CS_MONITOR_EX: return "CS_MONITOR_EX";
    case GCC_CS_MULTITRANSPORT: return "CS_MULTITRANSPORT";
    case GCC_SC_CORE: return "SC_CORE";
    case GCC_SC_SECURITY: return "SC_SECURITY";
    case GCC_SC_NET: return "SC_NET";
    case GCC_SC_MCS_MSGCHANNEL: return "SC_MCS_MSGCHANNEL";
    case GCC_SC_MULTITRANSPORT: return "SC_MULTITRANSPORT";
    default: return "block";
    }
}

/* The next TS_UD_HEADER and a sub-reader over the block's body. */
static bool next_block(reader *r, gcc_info *info, uint16_t *type, reader *body)
{
    uint16_t len;
    if (reader_left(r) < 4) {
        if (reader_left(r) > 0)
            problem(info, GCC_PROB_TRUNCATED, "%zu stray bytes after the data blocks",
                    reader_left(r));
        return false;
    }
    reader_le16(r, type);
    reader_le16(r, &len);
    if (len < 4 || (size_t)(len - 4) > reader_left(r)) {
        problem(info, GCC_PROB_BLOCK_LEN, "%s length %u runs past the %zu bytes left",
                client_block_name(*type), len, reader_left(r) + 4);
        r->ok = false;
        return false;
    }
    return reader_sub(r, (size_t)len - 4, body);
}

void gcc_parse_client_blocks(reader *r, gcc_info *info, gcc_client_data *cs)
{
    uint16_t type;
    reader b;
    while (next_block(r, info, &type, &b)) {
        switch (type) {
        case GCC_CS_CORE: client_core(&b, cs); break;
        case GCC_CS_SECURITY:
            cs->has_security = true;
            reader_le32(&b, &cs->encryption_methods);
            reader_le32(&b, &cs->ext_encryption_methods);
            break;
        case GCC_CS_NET: client_net(&b, info, cs); break;
        case GCC_CS_CLUSTER:
            cs->has_cluster = true;
            reader_le32(&b, &cs->cluster_flags);
            reader_le32(&b, &cs->redirected_session_id);
            break;
        case GCC_CS_MONITOR: {
            uint32_t flags;
            cs->has_monitor = true;
            reader_le32(&b, &flags);
            reader_le32(&b, &cs->monitor_count);
            break;
        }
        case GCC_CS_MCS_MSGCHANNEL: cs->has_msgchannel = true; break;
        case GCC_CS_MONITOR_EX: cs->has_monitor_ex = true; break;
        case GCC_CS_MULTITRANSPORT:
            cs->has_multitransport = true;
            reader_le32(&b, &cs->multitransport_flags);
            break;
        default: cs->unknown_blocks++; break;
        }
        if (!b.ok)
            problem(info, GCC_PROB_TRUNCATED, "%s block is shorter than its fields",
                    client_block_name(type));
    }
}

/* ---- server blocks ------------------------------------------------------ */

static void server_certificate(reader *b, gcc_server_data *sc)
{
    uint32_t ver;
    if (!reader_le32(b, &ver))
        return;
    sc->cert_type = ver & 0x7FFFFFFFu;
    sc->cert_temporary = (ver & 0x80000000u) != 0;
    if (sc->cert_type == GCC_CERT_X509) {
        /* X.509 chain (2.2.1.4.3.1.2): NumCertBlobs then the blobs. */
        reader_le32(b, &sc->cert_count);
    } else if (sc->cert_type == GCC_CERT_PROPRIETARY) {
        /* Proprietary (2.2.1.4.3.1.1): dwSigAlgId, dwKeyAlgId,
         * wPublicKeyBlobType, wPublicKeyBlobLen, then RSA_PUBLIC_KEY:
         * magic "RSA1", keylen, bitlen, ... */
        uint32_t sig, key, magic, keylen, bitlen;
        uint16_t blob_type, blob_len;
        sc->cert_count = 1;
        reader_le32(b, &sig);
        reader_le32(b, &key);
        reader_le16(b, &blob_type);
        reader_le16(b, &blob_len);
        reader_le32(b, &magic);
        reader_le32(b, &keylen);
        reader_le32(b, &bitlen);
        if (b->ok && magic == 0x31415352u && bitlen <= 16384)
            sc->cert_key_bits = bitlen;
    }
}

static void server_security(reader *b, gcc_server_data *sc)
{
    sc->has_security = true;
    reader_le32(b, &sc->encryption_method);
    reader_le32(b, &sc->encryption_level);
    if (!b->ok || reader_left(b) < 8)
        return; /* NONE/NONE: nothing more (2.2.1.4.3) */
    reader_le32(b, &sc->server_random_len);
    reader_le32(b, &sc->server_cert_len);
    if (!reader_skip(b, sc->server_random_len))
        return;
    reader cert;
    if (sc->server_cert_len > 0 && reader_sub(b, sc->server_cert_len, &cert))
        server_certificate(&cert, sc);
}

static void server_net(reader *b, gcc_info *info, gcc_server_data *sc)
{
    sc->has_net = true;
    reader_le16(b, &sc->io_channel);
    reader_le16(b, &sc->channel_count);
    for (uint32_t i = 0; i < sc->channel_count && b->ok; i++) {
        uint16_t id;
        if (!reader_le16(b, &id))
            break;
        if (sc->channels_kept >= GCC_MAX_CHANNELS) {
            problem(info, GCC_PROB_CHANNELS, "SC_NET announces %u channels; %u kept",
                    sc->channel_count, GCC_MAX_CHANNELS);
            continue;
        }
        sc->channel_ids[sc->channels_kept++] = id;
    }
}

void gcc_parse_server_blocks(reader *r, gcc_info *info, gcc_server_data *sc)
{
    uint16_t type;
    reader b;
    while (next_block(r, info, &type, &b)) {
        switch (type) {
        case GCC_SC_CORE:
            sc->has_core = true;
            reader_le32(&b, &sc->version);
            if (reader_left(&b) >= 4)
                sc->has_client_requested_protocols =
                    reader_le32(&b, &sc->client_requested_protocols);
            if (reader_left(&b) >= 4)
                sc->has_early_flags = reader_le32(&b, &sc->early_capability_flags);
            break;
        case GCC_SC_SECURITY: server_security(&b, sc); break;
        case GCC_SC_NET: server_net(&b, info, sc); break;
        case GCC_SC_MCS_MSGCHANNEL:
            sc->has_msgchannel = reader_le16(&b, &sc->msg_channel);
            break;
        case GCC_SC_MULTITRANSPORT:
            sc->has_multitransport = reader_le32(&b, &sc->multitransport_flags);
            break;
        default: sc->unknown_blocks++; break;
        }
        if (!b.ok)
            problem(info, GCC_PROB_TRUNCATED, "%s block is shorter than its fields",
                    client_block_name(type));
    }
}

/* ---- the T.124 wrappers ------------------------------------------------- */

/* ConnectData: Key (choice 0: object) with the T.124 OID, then the
 * connectPDU length. The length is read but not trusted: some servers
 * write a wrong one (Zeek #5146), so the blocks are bounded by the bytes. */
static bool connect_data(reader *r, gcc_info *info)
{
    uint8_t choice;
    uint16_t pdu_len;
    bool equal;
    if (!per_read_u8(r, &choice) || !per_read_object_identifier(r, t124_02_98_oid,
                                                                sizeof t124_02_98_oid, &equal) ||
        !per_read_length(r, &pdu_len)) {
        problem(info, GCC_PROB_TRUNCATED, "T.124 ConnectData truncated");
        return false;
    }
    if (choice != 0 || !equal)
        problem(info, GCC_PROB_HEADER, "T.124 ConnectData key is not the T.124 object identifier");
    return true;
}

static void h221_key(gcc_info *info, const uint8_t *key, uint16_t len, const char *expected)
{
    wire_printable(key, len, info->h221_key, sizeof info->h221_key);
    if (len != 4 || memcmp(key, expected, 4) != 0)
        problem(info, GCC_PROB_KEY, "H.221 key \"%s\" is not \"%s\"", info->h221_key, expected);
}

/* The userData length, then the blocks bounded by what is there. */
static void user_data(reader *r, gcc_info *info, reader *blocks)
{
    uint16_t len;
    if (!per_read_length(r, &len)) {
        problem(info, GCC_PROB_TRUNCATED, "GCC userData length missing");
        *blocks = reader_make(NULL, 0);
        return;
    }
    size_t n = len;
    if (n > reader_left(r)) {
        problem(info, GCC_PROB_TRUNCATED, "GCC userData announces %u bytes, %zu present", len,
                reader_left(r));
        n = reader_left(r);
    }
    reader_sub(r, n, blocks);
}

bool gcc_parse_conference_create_request(const uint8_t *p, size_t len, gcc_info *info,
                                         gcc_client_data *cs)
{
    memset(info, 0, sizeof *info);
    memset(cs, 0, sizeof *cs);
    reader r = reader_make(p, len);
    if (!connect_data(&r, info))
        return false;
    uint8_t choice, selection, pad, sets, udchoice;
    const uint8_t *key;
    uint16_t keylen;
    /* ConnectGCCPDU choice 0 conferenceCreateRequest; the optional-field
     * bitmap (0x08: userData present); conferenceName (NumericString, min
     * 1); padding; one UserData set: value present + h221NonStandard
     * (0xC0); the key (OCTET STRING min 4). */
    if (!per_read_u8(&r, &choice) || !per_read_u8(&r, &selection) ||
        !per_read_numeric_string(&r, 1) || !per_read_u8(&r, &pad) || !per_read_u8(&r, &sets) ||
        !per_read_u8(&r, &udchoice) || !per_read_octet_string(&r, 4, &key, &keylen)) {
        problem(info, GCC_PROB_TRUNCATED, "Conference Create Request truncated");
        return false;
    }
    if (choice != 0 || sets != 1 || (udchoice & 0xC0) != 0xC0)
        problem(info, GCC_PROB_HEADER, "unexpected Conference Create Request fields");
    h221_key(info, key, keylen, "Duca");
    reader blocks;
    user_data(&r, info, &blocks);
    gcc_parse_client_blocks(&blocks, info, cs);
    return cs->has_core || cs->has_security || cs->has_net;
}

bool gcc_parse_conference_create_response(const uint8_t *p, size_t len, gcc_info *info,
                                          gcc_server_data *sc)
{
    memset(info, 0, sizeof *info);
    memset(sc, 0, sizeof *sc);
    reader r = reader_make(p, len);
    if (!connect_data(&r, info))
        return false;
    uint8_t choice, result, sets, udchoice;
    uint32_t tag;
    const uint8_t *key;
    uint16_t keylen;
    /* ConnectGCCPDU choice 0x14 conferenceCreateResponse; nodeID
     * (UserID, min 1001); tag (INTEGER); result (ENUMERATED, T.124 has 16
     * values); one UserData set with the h221NonStandard key. */
    if (!per_read_u8(&r, &choice) || !per_read_integer16(&r, 1001, &info->node_id) ||
        !per_read_integer(&r, &tag) || !per_read_enumerated(&r, 16, &result)) {
        problem(info, GCC_PROB_TRUNCATED, "Conference Create Response truncated");
        return false;
    }
    info->result = result;
    if (!per_read_u8(&r, &sets) || !per_read_u8(&r, &udchoice) ||
        !per_read_octet_string(&r, 4, &key, &keylen)) {
        /* A refusal may carry no user data at all. */
        if (result == 0)
            problem(info, GCC_PROB_TRUNCATED, "Conference Create Response has no user data");
        return result != 0;
    }
    if (sets != 1 || (udchoice & 0xC0) != 0xC0)
        problem(info, GCC_PROB_HEADER, "unexpected Conference Create Response fields");
    h221_key(info, key, keylen, "McDn");
    reader blocks;
    user_data(&r, info, &blocks);
    gcc_parse_server_blocks(&blocks, info, sc);
    return true;
}

/* ---- names ---------------------------------------------------------------- */

const char *gcc_encryption_level_name(uint32_t level)
{
    static const char *const names[] = { "NONE", "LOW", "CLIENT_COMPATIBLE", "HIGH", "FIPS" };
    return level < 5 ? names[level] : "unknown";
}

void gcc_encryption_methods_str(uint32_t methods, char *buf, size_t buflen)
{
    static const struct { uint32_t bit; const char *name; } bits[] = {
        { ENCRYPTION_METHOD_40BIT, "40BIT" },
        { ENCRYPTION_METHOD_56BIT, "56BIT" },
        { ENCRYPTION_METHOD_128BIT, "128BIT" },
        { ENCRYPTION_METHOD_FIPS, "FIPS" },
    };
    size_t used = 0;
    if (buflen == 0)
        return;
    buf[0] = '\0';
    if (methods == 0) {
        snprintf(buf, buflen, "NONE");
        return;
    }
    uint32_t known = 0;
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
        if (!(methods & bits[i].bit))
            continue;
        known |= bits[i].bit;
        int n = snprintf(buf + used, buflen - used, "%s%s", used ? "|" : "", bits[i].name);
        if (n < 0 || (size_t)n >= buflen - used)
            return;
        used += (size_t)n;
    }
    if (methods & ~known)
        snprintf(buf + used, buflen - used, "%s0x%x", used ? "|" : "", methods & ~known);
}

const char *gcc_cert_type_name(uint32_t type)
{
    switch (type) {
    case GCC_CERT_NONE: return "none";
    case GCC_CERT_PROPRIETARY: return "proprietary";
    case GCC_CERT_X509: return "X.509";
    default: return "unknown";
    }
}

const char *gcc_rdp_version_name(uint32_t version)
{
    /* CS_CORE/SC_CORE version (2.2.1.3.2): 0x00080001 RDP 4.0,
     * 0x00080004 RDP 5.0 to 8.1, then one value per 10.x release. */
    static const char *const v10[] = { "RDP 10.0", "RDP 10.1", "RDP 10.2", "RDP 10.3",
                                       "RDP 10.4", "RDP 10.5", "RDP 10.6", "RDP 10.7",
                                       "RDP 10.8", "RDP 10.9", "RDP 10.10", "RDP 10.11",
                                       "RDP 10.12" };
    if (version == 0x00080001)
        return "RDP 4.0";
    if (version == 0x00080004)
        return "RDP 5.0-8.1";
    if (version >= 0x00080005 && version <= 0x00080011)
        return v10[version - 0x00080005];
    return "unknown";
}

const char *gcc_result_name(uint32_t result)
{
    /* T.124 ConferenceCreateResponse result (Zeek rdp consts). */
    static const char *const names[] = { "success", "userRejected", "resourcesNotAvailable",
                                         "rejectedForSymmetryBreaking",
                                         "lockedConferenceNotSupported" };
    return result < 5 ? names[result] : "unknown";
}

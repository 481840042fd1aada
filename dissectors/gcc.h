/* gcc.h - T.124 GCC Conference Create Request / Response (PER) as carried in
 * the userData of the MCS Connect-Initial / Connect-Response, and the RDP
 * client and server data blocks inside them (MS-RDPBCGR 2.2.1.3.2-2.2.1.3.9,
 * 2.2.1.4.2-2.2.1.4.5).
 *
 * The parsers fill fixed-size structures (no allocation); strings from the
 * wire (client name, channel names, H.221 key) go through wire_printable().
 * A problem (truncation, a block whose length lies) is recorded in `problems`
 * and `problem`; what was read before it is kept. At most GCC_MAX_CHANNELS
 * channels are kept; a larger count is recorded as capped.
 */
#ifndef RDPT_GCC_H
#define RDPT_GCC_H

#include "reader.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Data block types (MS-RDPBCGR 2.2.1.3.1 TS_UD_HEADER). */
enum {
    GCC_CS_CORE = 0xC001,
    GCC_CS_SECURITY = 0xC002,
    GCC_CS_NET = 0xC003,
    GCC_CS_CLUSTER = 0xC004,
    GCC_CS_MONITOR = 0xC005,
    GCC_CS_MCS_MSGCHANNEL = 0xC006,
    GCC_CS_MONITOR_EX = 0xC008,
    GCC_CS_MULTITRANSPORT = 0xC00A,
    GCC_SC_CORE = 0x0C01,
    GCC_SC_SECURITY = 0x0C02,
    GCC_SC_NET = 0x0C03,
    GCC_SC_MCS_MSGCHANNEL = 0x0C04,
    GCC_SC_MULTITRANSPORT = 0x0C08,
};

/* encryptionMethod(s) bits (2.2.1.3.3) and encryptionLevel (2.2.1.4.3). */
enum {
    ENCRYPTION_METHOD_NONE = 0x00,
    ENCRYPTION_METHOD_40BIT = 0x01,
    ENCRYPTION_METHOD_128BIT = 0x02,
    ENCRYPTION_METHOD_56BIT = 0x08,
    ENCRYPTION_METHOD_FIPS = 0x10,
};
enum {
    ENCRYPTION_LEVEL_NONE = 0,
    ENCRYPTION_LEVEL_LOW = 1,
    ENCRYPTION_LEVEL_CLIENT_COMPATIBLE = 2,
    ENCRYPTION_LEVEL_HIGH = 3,
    ENCRYPTION_LEVEL_FIPS = 4,
};

/* Server certificate dwVersion (2.2.1.4.3.1): low 31 bits, top bit temporary. */
enum { GCC_CERT_NONE = 0, GCC_CERT_PROPRIETARY = 1, GCC_CERT_X509 = 2 };

#define GCC_MAX_CHANNELS 31      /* CS_NET: at most 31 static channels (2.2.1.3.4) */
#define GCC_CHANNEL_NAME 8       /* bytes of a channel name on the wire */
#define GCC_NAME_TEXT 48         /* sanitized client name (16 UTF-16 units) */

/* Problem bits. */
#define GCC_PROB_TRUNCATED 0x01  /* a structure ran past its bytes */
#define GCC_PROB_HEADER 0x02     /* the T.124 wrapper is not what RDP sends */
#define GCC_PROB_BLOCK_LEN 0x04  /* a data block length is < 4 or past the end */
#define GCC_PROB_CHANNELS 0x08   /* more channels than kept (capped) */
#define GCC_PROB_KEY 0x10        /* H.221 key is not "Duca"/"McDn" (tolerated) */

typedef struct {
    /* CS_CORE */
    bool has_core;
    uint32_t version;                 /* 0x00080001 RDP 4.0, 0x00080004 RDP 5+, ... */
    uint16_t desktop_width, desktop_height;
    uint16_t color_depth;             /* colorDepth field (0xCA0x) */
    uint16_t color_bpp;               /* effective bits per pixel, 0: unknown */
    uint32_t keyboard_layout;
    uint32_t client_build;
    char client_name[GCC_NAME_TEXT];  /* UTF-16LE -> ASCII, sanitized */
    bool has_early_flags;
    uint16_t early_capability_flags;
    bool has_server_selected_protocol;
    uint32_t server_selected_protocol;
    bool has_connection_type;
    uint8_t connection_type;
    /* CS_SECURITY */
    bool has_security;
    uint32_t encryption_methods, ext_encryption_methods;
    /* CS_NET */
    bool has_net;
    uint32_t channel_count;           /* as announced */
    uint8_t channels_kept;
    char channel_names[GCC_MAX_CHANNELS][GCC_CHANNEL_NAME * 4 + 1];
    uint32_t channel_options[GCC_MAX_CHANNELS];
    /* CS_CLUSTER */
    bool has_cluster;
    uint32_t cluster_flags, redirected_session_id;
    /* CS_MONITOR */
    bool has_monitor;
    uint32_t monitor_count;
    /* CS_MULTITRANSPORT / CS_MCS_MSGCHANNEL / CS_MONITOR_EX */
    bool has_multitransport;
    uint32_t multitransport_flags;
    bool has_msgchannel;
    bool has_monitor_ex;
    uint32_t unknown_blocks;
} gcc_client_data;

typedef struct {
    /* SC_CORE */
    bool has_core;
    uint32_t version;
    bool has_client_requested_protocols;
    uint32_t client_requested_protocols;
    bool has_early_flags;
    uint32_t early_capability_flags;
    /* SC_SECURITY */
    bool has_security;
    uint32_t encryption_method, encryption_level;
    uint32_t server_random_len, server_cert_len;
    uint32_t cert_type;               /* GCC_CERT_* (0: none) */
    bool cert_temporary;              /* dwVersion top bit: not permanently issued */
    uint32_t cert_count;              /* X.509: certificates in the chain */
    uint32_t cert_key_bits;           /* proprietary: RSA key length in bits */
    /* SC_NET */
    bool has_net;
    uint16_t io_channel;              /* MCSChannelId */
    uint16_t channel_count;
    uint8_t channels_kept;
    uint16_t channel_ids[GCC_MAX_CHANNELS];
    /* SC_MCS_MSGCHANNEL / SC_MULTITRANSPORT */
    bool has_msgchannel;
    uint16_t msg_channel;
    bool has_multitransport;
    uint32_t multitransport_flags;
    uint32_t unknown_blocks;
} gcc_server_data;

typedef struct {
    char h221_key[24];                /* sanitized */
    uint32_t result;                  /* response: T.124 ConferenceCreateResponse result */
    uint16_t node_id;                 /* response */
    uint32_t problems;                /* GCC_PROB_* */
    char problem[96];
} gcc_info;

/* The userData OCTET STRING of an MCS Connect-Initial: the T.124
 * ConnectData wrapping a Conference Create Request with the client blocks.
 * Returns false only when nothing usable was found. */
bool gcc_parse_conference_create_request(const uint8_t *p, size_t len, gcc_info *info,
                                         gcc_client_data *cs);
/* The userData of an MCS Connect-Response: Conference Create Response. */
bool gcc_parse_conference_create_response(const uint8_t *p, size_t len, gcc_info *info,
                                          gcc_server_data *sc);
/* The data blocks alone (after the T.124 wrapper). */
void gcc_parse_client_blocks(reader *r, gcc_info *info, gcc_client_data *cs);
void gcc_parse_server_blocks(reader *r, gcc_info *info, gcc_server_data *sc);

/* Names, for reports and evidence. */
const char *gcc_encryption_level_name(uint32_t level);     /* "HIGH" */
/* "40BIT|128BIT" or "NONE"; buf >= 48. */
void gcc_encryption_methods_str(uint32_t methods, char *buf, size_t buflen);
const char *gcc_cert_type_name(uint32_t type);              /* "proprietary", "X.509" */
const char *gcc_rdp_version_name(uint32_t version);         /* "RDP 5.0-8.1" */
const char *gcc_result_name(uint32_t result);               /* T.124 result */

#endif

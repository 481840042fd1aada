/* redirection.h - the Server Redirection Packet (MS-RDPBCGR 2.2.13.1,
 * RDP_SERVER_REDIRECTION_PACKET) an RD Connection Broker or a load-balanced
 * farm sends to make the client reconnect elsewhere, in both envelopes:
 *
 *  - Standard RDP Security (2.2.13.2.1, TS_STANDARD_SECURITY_SERVER_REDIRECTION):
 *    a security header with SEC_REDIRECTION_PKT, then the packet. The spec
 *    says it is always encrypted (SEC_ENCRYPT); then only its presence is known.
 *  - Enhanced Security (2.2.13.3.1, TS_ENHANCED_SECURITY_SERVER_REDIRECTION,
 *    inside TLS): a Share Control Header with pduType
 *    PDUTYPE_SERVER_REDIR_PKT (0xA), pad2Octets, the packet, pad1Octet
 *    (optional).
 *
 * The packet: Flags (SEC_REDIRECTION_PKT), Length, SessionID, RedirFlags
 * (LB_*), then one optional field per flag, in this order: TargetNetAddress,
 * LoadBalanceInfo, UserName, Domain, Password, TargetFQDN,
 * TargetNetBiosName, TsvUrl, RedirectionGuid, TargetCertificate,
 * TargetNetAddresses (2.2.13.1.1), Pad. Each is a 4-byte length and that
 * many bytes; the names are null-terminated UTF-16LE.
 *
 * What is kept: every string made printable (printable ASCII stays, a
 * backslash is doubled, other code units become \xNN or \uNNNN; the text
 * ends at the first NUL as a client reads it) and capped by its array (a cut
 * ends with "..."). The Password field (a password or the broker's cookie)
 * is NEVER copied: only its presence and length. Certificate and GUID: only
 * their lengths. Pure function of the bytes; no allocation.
 */
#ifndef RDPT_REDIRECTION_H
#define RDPT_REDIRECTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RedirFlags (2.2.13.1). */
enum {
    LB_TARGET_NET_ADDRESS = 0x00000001,
    LB_LOAD_BALANCE_INFO = 0x00000002,
    LB_USERNAME = 0x00000004,
    LB_DOMAIN = 0x00000008,
    LB_PASSWORD = 0x00000010,
    LB_DONTSTOREUSERNAME = 0x00000020,
    LB_SMARTCARD_LOGON = 0x00000040,
    LB_NOREDIRECT = 0x00000080,
    LB_TARGET_FQDN = 0x00000100,
    LB_TARGET_NETBIOS_NAME = 0x00000200,
    LB_TARGET_NET_ADDRESSES = 0x00000800,
    LB_CLIENT_TSV_URL = 0x00001000,
    LB_SERVER_TSV_CAPABLE = 0x00002000,
    LB_PASSWORD_IS_PK_ENCRYPTED = 0x00004000,
    LB_REDIRECTION_GUID = 0x00008000,
    LB_TARGET_CERTIFICATE = 0x00010000,
};

/* The packet's own Flags field (2.2.13.1): SEC_REDIRECTION_PKT. */
#define REDIR_PKT_FLAGS 0x0400u
/* Share Control pduType of the Enhanced Security form (2.2.8.1.1.1.1). */
#define REDIR_PDUTYPE_SERVER_REDIR_PKT 0xAu

/* Caps of the printable copies (bytes, NUL included). */
#define REDIR_ADDR_TEXT 64
#define REDIR_NAME_TEXT 128
#define REDIR_LB_TEXT 160
#define REDIR_ADDRS_MAX 4        /* TargetNetAddresses kept; the rest counted */

typedef enum {
    REDIR_OK = 0,
    REDIR_TRUNCATED,   /* the bytes end inside the packet: what was read is kept */
    REDIR_MALFORMED,   /* not a redirection packet, or a field lies about its length */
} redir_status;

typedef struct {
    redir_status status;
    bool enhanced;            /* read from the Enhanced Security form */
    uint16_t flags;           /* MUST be REDIR_PKT_FLAGS */
    uint16_t length;          /* the packet's Length field */
    uint32_t session_id;
    uint32_t redir_flags;     /* LB_* */
    char target_net_address[REDIR_ADDR_TEXT];
    char load_balance_info[REDIR_LB_TEXT];
    uint32_t load_balance_info_len;
    char user_name[REDIR_NAME_TEXT];
    char domain[REDIR_NAME_TEXT];
    bool has_password;        /* LB_PASSWORD: only presence and length, never the bytes */
    uint32_t password_len;
    char target_fqdn[REDIR_NAME_TEXT];
    char target_netbios_name[REDIR_NAME_TEXT];
    char tsv_url[REDIR_NAME_TEXT];
    uint32_t tsv_url_len;
    uint32_t guid_len;        /* LB_REDIRECTION_GUID */
    uint32_t certificate_len; /* LB_TARGET_CERTIFICATE */
    uint32_t address_count;   /* TargetNetAddresses addressCount as sent */
    uint32_t addresses_kept;  /* at most REDIR_ADDRS_MAX */
    char addresses[REDIR_ADDRS_MAX][REDIR_ADDR_TEXT];
    uint32_t fields_read;     /* LB_* bits whose field was read whole */
    char problem[112];        /* the first thing wrong, "" if none */
} redir_packet;

/* The RDP_SERVER_REDIRECTION_PACKET at p (starting with its Flags field).
 * Fields are read while the bytes last; a length that runs past the end
 * makes the status REDIR_TRUNCATED with the earlier fields kept. Length
 * is not trusted for framing (clients ignore it): a Length that disagrees
 * with the bytes is recorded in problem. */
redir_status redirection_parse_packet(const uint8_t *p, size_t len, redir_packet *out);

/* The Enhanced Security form: p starts at the Share Control Header
 * (totalLength, pduType 0x1A, pduSource), then pad2Octets and the packet.
 * REDIR_MALFORMED if the header is not that of a Server Redirection PDU. */
redir_status redirection_parse_enhanced(const uint8_t *p, size_t len, redir_packet *out);

/* The target a client goes to: the FQDN, else the TargetNetAddress, else
 * the NetBIOS name, else the first of the TargetNetAddresses; NULL if none. */
const char *redirection_target(const redir_packet *r);

/* "LB_TARGET_NET_ADDRESS|LB_LOAD_BALANCE_INFO|..." (unknown bits in hex). */
void redirection_flags_str(uint32_t redir_flags, char *buf, size_t buflen);

const char *redirection_status_name(redir_status s);

#endif

/* fuzz_rdpsec.c - Standard RDP Security PDUs (dissectors/rdp_security.h):
 * the security header, Security Exchange, Client Info, licensing, share
 * control and Set Error Info, from an MCS Send Data's user data; and the
 * Server Redirection Packet (dissectors/redirection.h).
 *
 * Input: byte 0 bit 0: every PDU has a security header (an encryption level
 * above NONE); bit 1: FIPS; bit 2: the rest is a Server Redirection PDU
 * instead (bit 3: in its Enhanced Security form, from the Share Control
 * Header; else the bare RDP_SERVER_REDIRECTION_PACKET); the rest is the user
 * data.
 *
 * Besides the sanitizers, it checks what the headers promise: a kind in
 * range and a name for every kind, message type, error code, state and PDU
 * type the parser can produce; for a redirection, every string terminated
 * inside its array and printable ASCII, the address list within its cap, a
 * status in range with a name, a problem sentence whenever the status is not
 * ok, and the target (if any) one of the packet's own strings.
 */
#include "fuzz.h"
#include "rdp_security.h"
#include "redirection.h"

#include <string.h>

static void check_text(const char *s, size_t cap)
{
    const char *end = memchr(s, '\0', cap);
    FUZZ_CHECK(end != NULL);
    for (const char *c = s; c < end; c++)
        FUZZ_CHECK(*c >= 0x20 && *c <= 0x7E);
}

static void redirection(const uint8_t *p, size_t n, bool enhanced)
{
    redir_packet r;
    memset(&r, 0xA5, sizeof r);
    redir_status st = enhanced ? redirection_parse_enhanced(p, n, &r)
                               : redirection_parse_packet(p, n, &r);
    FUZZ_CHECK(st == r.status);
    FUZZ_CHECK(st == REDIR_OK || st == REDIR_TRUNCATED || st == REDIR_MALFORMED);
    FUZZ_CHECK(strcmp(redirection_status_name(st), "?") != 0);
    check_text(r.problem, sizeof r.problem);
    FUZZ_CHECK(st == REDIR_OK || r.problem[0] != '\0');
    FUZZ_CHECK(r.enhanced == enhanced);
    check_text(r.target_net_address, sizeof r.target_net_address);
    check_text(r.load_balance_info, sizeof r.load_balance_info);
    check_text(r.user_name, sizeof r.user_name);
    check_text(r.domain, sizeof r.domain);
    check_text(r.target_fqdn, sizeof r.target_fqdn);
    check_text(r.target_netbios_name, sizeof r.target_netbios_name);
    check_text(r.tsv_url, sizeof r.tsv_url);
    FUZZ_CHECK(r.addresses_kept <= REDIR_ADDRS_MAX);
    FUZZ_CHECK(r.addresses_kept <= r.address_count);
    for (uint32_t i = 0; i < r.addresses_kept; i++)
        check_text(r.addresses[i], sizeof r.addresses[i]);
    FUZZ_CHECK((r.fields_read & ~r.redir_flags) == 0);
    FUZZ_CHECK(!r.has_password || (r.redir_flags & LB_PASSWORD));
    const char *t = redirection_target(&r);
    FUZZ_CHECK(!t || t == r.target_fqdn || t == r.target_net_address ||
               t == r.target_netbios_name || t == r.addresses[0]);
    char flags[300];
    redirection_flags_str(r.redir_flags, flags, sizeof flags);
    check_text(flags, sizeof flags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t *p = size > 1 ? data + 1 : NULL;
    if (data[0] & 4) {
        redirection(p, size - 1, (data[0] & 8) != 0);
        return 0;
    }
    rdpsec_pdu pdu;
    memset(&pdu, 0xA5, sizeof pdu);
    (void)rdpsec_parse(p, size - 1, data[0] & 1, (data[0] & 2) != 0, &pdu);
    FUZZ_CHECK(pdu.kind < RDPSEC_KIND_COUNT);
    FUZZ_CHECK(rdpsec_kind_name(pdu.kind) != NULL);
    FUZZ_CHECK(rdpsec_license_msg_name(pdu.license_msg) != NULL);
    FUZZ_CHECK(rdpsec_license_error_name(pdu.license_error_code) != NULL);
    FUZZ_CHECK(rdpsec_license_state_name(pdu.license_state_transition) != NULL);
    FUZZ_CHECK(rdpsec_pdu_type_name(pdu.pdu_type) != NULL);
    FUZZ_CHECK(rdpsec_errinfo_name(pdu.error_info) != NULL);
    (void)rdpsec_errinfo_is_benign(pdu.error_info);
    return 0;
}

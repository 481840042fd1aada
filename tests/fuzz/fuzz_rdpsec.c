/* fuzz_rdpsec.c - Standard RDP Security PDUs (dissectors/rdp_security.h):
 * the security header, Security Exchange, Client Info, licensing, share
 * control and Set Error Info, from an MCS Send Data's user data.
 *
 * Input: byte 0 bit 0: every PDU has a security header (an encryption level
 * above NONE); bit 1: FIPS; the rest is the user data.
 *
 * Besides the sanitizers, it checks what rdp_security.h promises: a kind in
 * range and a name for every kind, message type, error code, state and PDU
 * type the parser can produce.
 */
#include "fuzz.h"
#include "rdp_security.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t *p = size > 1 ? data + 1 : NULL;
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

/* fuzz_mcs.c - the MCS dissector (dissectors/mcs.h) with the GCC payload of
 * Connect-Initial/Response (gcc.h) and the BER and PER readers under it.
 *
 * Input: byte 0 selects: 0 mcs_parse (the X.224 Data TPDU's user data),
 * 1 gcc_parse_conference_create_request, 2 ..._response, 3 ber_validate
 * (depth from byte 1); the rest is the PDU.
 *
 * Besides the sanitizers, it checks what mcs.h and gcc.h promise: a kind in
 * range with a name, Send Data user data inside the input, problem
 * sentences terminated (and present when a problem bit is), the sanitized
 * H.221 key terminated and printable, channel lists within their caps.
 */
#include "ber.h"
#include "fuzz.h"
#include "gcc.h"
#include "mcs.h"

#include <string.h>

static void check_text(const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    FUZZ_CHECK(n < cap);
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] <= 0x7E);
}

static void check_gcc(const gcc_info *g)
{
    check_text(g->h221_key, sizeof g->h221_key);
    FUZZ_CHECK(strnlen(g->problem, sizeof g->problem) < sizeof g->problem);
    FUZZ_CHECK(gcc_result_name(g->result) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const uint8_t *p = data + 2;
    size_t n = size - 2;
    char buf[64];
    switch (data[0] % 4) {
    case 0: {
        mcs_pdu m;
        memset(&m, 0xA5, sizeof m);
        bool ok = mcs_parse(n ? p : NULL, n, &m);
        FUZZ_CHECK(strnlen(m.problem, sizeof m.problem) < sizeof m.problem);
        if (!ok)
            break;
        FUZZ_CHECK(m.kind < MCS_PDU_KIND_COUNT);
        FUZZ_CHECK(mcs_pdu_kind_name(m.kind) != NULL);
        FUZZ_CHECK(mcs_result_name(m.result) != NULL);
        FUZZ_CHECK(mcs_reason_name(m.reason) != NULL);
        if (m.data_len > 0)
            FUZZ_CHECK(m.data >= p && m.data_len <= n && m.data - p <= (ptrdiff_t)(n - m.data_len));
        if (m.has_gcc) {
            check_gcc(&m.gcc);
            FUZZ_CHECK(m.sc.channels_kept <= GCC_MAX_CHANNELS);
            gcc_encryption_methods_str(m.sc.encryption_method, buf, sizeof buf);
            FUZZ_CHECK(strnlen(buf, sizeof buf) < sizeof buf);
            FUZZ_CHECK(gcc_encryption_level_name(m.sc.encryption_level) != NULL);
            FUZZ_CHECK(gcc_cert_type_name(m.sc.cert_type) != NULL);
            FUZZ_CHECK(gcc_rdp_version_name(m.cs.version) != NULL);
        }
        break;
    }
    case 1: {
        gcc_info g;
        gcc_client_data cs;
        memset(&g, 0xA5, sizeof g);
        memset(&cs, 0xA5, sizeof cs);
        if (gcc_parse_conference_create_request(n ? p : NULL, n, &g, &cs))
            check_gcc(&g);
        break;
    }
    case 2: {
        gcc_info g;
        gcc_server_data sc;
        memset(&g, 0xA5, sizeof g);
        memset(&sc, 0xA5, sizeof sc);
        if (gcc_parse_conference_create_response(n ? p : NULL, n, &g, &sc)) {
            check_gcc(&g);
            FUZZ_CHECK(sc.channels_kept <= GCC_MAX_CHANNELS);
        }
        break;
    }
    default:
        (void)ber_validate(n ? p : NULL, n, data[1] % (BER_MAX_DEPTH + 1));
        break;
    }
    return 0;
}

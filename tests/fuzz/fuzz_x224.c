/* fuzz_x224.c - x224_parse() (dissectors/x224.h) on hostile bytes.
 *
 * Input: the bytes after a TPKT header, as connection.c hands them over.
 * Besides the sanitizers, it checks what x224.h promises: every string in
 * the result is terminated inside its array and printable ASCII (they reach
 * XML, HTML and terminals), a problem bit always comes with its sentence,
 * the DT user-data offset stays inside the input, and the name helpers
 * answer for every value the parser can produce.
 */
#include "fuzz.h"
#include "x224.h"

#include <string.h>

static void check_text(const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    FUZZ_CHECK(n < cap);
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] <= 0x7E);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    x224_pdu x;
    /* Garbage in the output struct must not matter: x224_parse clears it. */
    memset(&x, 0xA5, sizeof x);
    x224_status st = x224_parse(size ? data : NULL, size, &x);
    FUZZ_CHECK(st == X224_OK || st == X224_MALFORMED);

    check_text(x.cookie, sizeof x.cookie);
    check_text(x.routing_token, sizeof x.routing_token);
    check_text(x.problem, sizeof x.problem);
    FUZZ_CHECK((x.problems != 0) == (x.problem[0] != '\0'));
    if (st == X224_MALFORMED)
        FUZZ_CHECK(x.problems != 0);
    FUZZ_CHECK(x.dt_offset <= size);
    if (x.has_cookie)
        FUZZ_CHECK(strlen(x.cookie) <= x.cookie_len * 4 + 3);

    char buf[64];
    FUZZ_CHECK(x224_tpdu_name(x.tpdu) != NULL);
    FUZZ_CHECK(x224_failure_code_name(x.failure_code) != NULL);
    FUZZ_CHECK(x224_failure_code_text(x.failure_code) != NULL);
    FUZZ_CHECK(x224_protocol_name(x.selected_protocol) != NULL);
    x224_protocols_str(x.requested_protocols, buf, sizeof buf);
    FUZZ_CHECK(strnlen(buf, sizeof buf) < sizeof buf);
    x224_protocols_str(x.selected_protocol, buf, sizeof buf);
    FUZZ_CHECK(strnlen(buf, sizeof buf) < sizeof buf);
    return 0;
}

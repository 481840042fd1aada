/* fuzz_tpkt.c - rdp_frame_probe() (dissectors/tpkt.h) on hostile bytes.
 *
 * Input: byte 0 bit 0 = allow_fastpath; the rest are the bytes at a PDU
 * start. Besides the sanitizers, it checks what tpkt.h promises: lengths
 * that fit their framing (TPKT >= 7 and <= 65535, TLS <= 2^14 + 2048 + 5
 * per RFC 5246 6.2.3, fast-path <= 0x7FFF per MS-RDPBCGR 2.2.9.1.2), a
 * problem sentence for every FRAME_INVALID, FRAME_NEED_MORE only while the
 * header (at most 5 bytes) is incomplete, and an answer that never changes
 * once given: connection.c probes a header as its bytes trickle in, one
 * TCP segment at a time, and must get the same answer it would get at once.
 */
#include "fuzz.h"
#include "tpkt.h"

#include <string.h>

static void check_one(const uint8_t *p, size_t n, int fp, frame_info fi)
{
    switch (fi.kind) {
    case FRAME_NEED_MORE:
        FUZZ_CHECK(n < 5);
        break;
    case FRAME_TPKT:
        FUZZ_CHECK(n >= 4 && p[0] == TPKT_VERSION);
        FUZZ_CHECK(fi.header_len == TPKT_HEADER_LEN);
        FUZZ_CHECK(fi.length >= 7 && fi.length <= 65535);
        break;
    case FRAME_FASTPATH:
        FUZZ_CHECK(fp);
        FUZZ_CHECK(fi.header_len == 2 || fi.header_len == 3);
        FUZZ_CHECK(n >= fi.header_len);
        FUZZ_CHECK(fi.length >= fi.header_len && fi.length <= 0x7FFF);
        break;
    case FRAME_TLS:
        FUZZ_CHECK(n >= 5 && fi.header_len == 5);
        FUZZ_CHECK(fi.length >= 5 && fi.length <= 16384u + 2048u + 5u);
        break;
    case FRAME_INVALID:
        FUZZ_CHECK(fi.problem != NULL && fi.problem[0] != '\0');
        break;
    default:
        FUZZ_CHECK(!"unknown frame kind");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int fp = data[0] & 1;
    const uint8_t *p = data + 1;
    size_t n = size - 1;

    frame_info all = rdp_frame_probe(p, n, fp);
    check_one(p, n, fp, all);

    /* Every prefix of up to 8 bytes, each in a buffer of exactly that size so
     * that AddressSanitizer sees any read past `avail`. */
    for (size_t k = 0; k <= n && k <= 8; k++) {
        uint8_t *copy = malloc(k ? k : 1);
        if (!copy)
            return 0;
        memcpy(copy, p, k);
        frame_info part = rdp_frame_probe(k ? copy : NULL, k, fp);
        check_one(copy, k, fp, part);
        if (part.kind != FRAME_NEED_MORE) {
            FUZZ_CHECK(part.kind == all.kind);
            FUZZ_CHECK(part.length == all.length);
            FUZZ_CHECK(part.header_len == all.header_len);
            FUZZ_CHECK((part.problem == NULL) == (all.problem == NULL));
            FUZZ_CHECK(!part.problem || strcmp(part.problem, all.problem) == 0);
        }
        free(copy);
    }
    return 0;
}

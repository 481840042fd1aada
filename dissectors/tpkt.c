/* tpkt.c - PDU boundaries in the RDP byte stream; see tpkt.h.
 *
 * Three framings can start a PDU on an RDP TCP stream:
 *   TPKT      (RFC 1006 section 6, T.123 section 8): 0x03, reserved, BE16 length incl. header.
 *   fast-path (MS-RDPBCGR 2.2.8.1.2 TS_FP_INPUT_PDU, 2.2.9.1.2 TS_FP_UPDATE_PDU): the low two
 *             bits of byte 0 (the action) are 0 (FASTPATH_INPUT_ACTION_FASTPATH); byte 1 is
 *             length1; if its top bit is set the length is 15 bits over length1 and length2
 *             (big-endian), else the 7 bits of length1. The length includes the header.
 *   TLS       (RFC 5246 section 6.2.1, RFC 8446 section 5.1): type, version, BE16 length.
 *
 * The probe only reads the bytes it needs, through the reader, and never reads past `avail`.
 * Every `problem` is a static string, so the probe allocates nothing and keeps no state.
 */
#include "tpkt.h"

#include "reader.h"

/* TLS record header (RFC 5246 6.2.1; heartbeat 24 from RFC 6520). The record-layer length
 * limit is the TLSCiphertext one, 2^14 + 2048 (RFC 5246 6.2.3); TLS 1.3 is stricter. */
#define TLS_RECORD_HEADER_LEN 5
#define TLS_TYPE_MIN 20
#define TLS_TYPE_MAX 24
#define TLS_VERSION_MAJOR 3
#define TLS_VERSION_MINOR_MAX 4
#define TLS_RECORD_MAX (16384u + 2048u)

/* The smallest TPKT that can carry an X.224 TPDU: 4-byte header + 3-byte DT (X.224 13.7). */
#define TPKT_MIN_LEN 7

/* MS-RDPBCGR 2.2.8.1.2 / 2.2.9.1.2: action is the low two bits of the first byte. */
#define FASTPATH_ACTION_MASK 0x03
#define FASTPATH_LENGTH_LONG 0x80

/* Why a TPKT length is too small, one static sentence per impossible value (0..6). */
static const char *const tpkt_short_text[TPKT_MIN_LEN] = {
    "TPKT length 0 is shorter than its header",
    "TPKT length 1 is shorter than its header",
    "TPKT length 2 is shorter than its header",
    "TPKT length 3 is shorter than its header",
    "TPKT length 4 leaves no room for an X.224 TPDU (at least 7 bytes are needed)",
    "TPKT length 5 leaves no room for an X.224 TPDU (at least 7 bytes are needed)",
    "TPKT length 6 leaves no room for an X.224 TPDU (at least 7 bytes are needed)",
};

/* Why a fast-path length is too small: [0..1] one-byte form, [2..4] two-byte form 0..2. */
static const char *const fastpath_short_text[5] = {
    "fast-path length 0 is shorter than its 2-byte header",
    "fast-path length 1 is shorter than its 2-byte header",
    "fast-path length 0 is shorter than its 3-byte header",
    "fast-path length 1 is shorter than its 3-byte header",
    "fast-path length 2 is shorter than its 3-byte header",
};

/* Why a first byte starts nothing we know, one static sentence per byte value. Bytes whose
 * low two bits are 0 (columns 0, 4, 8, C) would be fast-path, but fast-path is only legal
 * once the connection sequence has started (MS-RDPBCGR 1.3.1.1), so their sentence says so. */
#define FB_NO(h) "first byte 0x" #h " is neither TPKT (0x03) nor TLS nor fast-path"
#define FB_FP(h) "first byte 0x" #h " is neither TPKT (0x03) nor TLS, and fast-path " \
                 "(action bits 0) is not allowed before the connection sequence"
#define FB_ROW(a) \
    FB_FP(a##0), FB_NO(a##1), FB_NO(a##2), FB_NO(a##3), \
    FB_FP(a##4), FB_NO(a##5), FB_NO(a##6), FB_NO(a##7), \
    FB_FP(a##8), FB_NO(a##9), FB_NO(a##A), FB_NO(a##B), \
    FB_FP(a##C), FB_NO(a##D), FB_NO(a##E), FB_NO(a##F)
static const char *const first_byte_text[256] = {
    FB_ROW(0), FB_ROW(1), FB_ROW(2), FB_ROW(3), FB_ROW(4), FB_ROW(5), FB_ROW(6), FB_ROW(7),
    FB_ROW(8), FB_ROW(9), FB_ROW(A), FB_ROW(B), FB_ROW(C), FB_ROW(D), FB_ROW(E), FB_ROW(F),
};
#undef FB_ROW
#undef FB_FP
#undef FB_NO

typedef enum { PROBE_NO, PROBE_YES, PROBE_NEED } probe_result;

static frame_info frame_make(frame_kind kind, uint32_t length, uint32_t header_len,
                             const char *problem)
{
    frame_info fi = { kind, length, header_len, problem };
    return fi;
}

/* RFC 1006 section 6: the reserved byte "must be 0", but MS-RDPBCGR peers never send
 * anything else and a non-zero value harms no length computation, so it is accepted. */
static frame_info probe_tpkt(reader *r)
{
    uint8_t version, reserved;
    uint16_t length;

    reader_u8(r, &version);
    reader_u8(r, &reserved);
    if (!reader_be16(r, &length))
        return frame_make(FRAME_NEED_MORE, 0, 0, NULL);
    if (length < TPKT_MIN_LEN)
        return frame_make(FRAME_INVALID, 0, 0, tpkt_short_text[length]);
    return frame_make(FRAME_TPKT, length, TPKT_HEADER_LEN, NULL);
}

/* Looks at as many TLS header bytes as there are after the type byte (already read from r);
 * says NO as soon as one byte rules TLS out, so a caller never waits for bytes that cannot
 * change the answer. */
static probe_result probe_tls(reader *r, uint8_t type, frame_info *fi)
{
    uint8_t major, minor;
    uint16_t length;

    if (type < TLS_TYPE_MIN || type > TLS_TYPE_MAX)
        return PROBE_NO;
    if (!reader_u8(r, &major))
        return PROBE_NEED;
    if (major != TLS_VERSION_MAJOR) {
        fi->problem =
            "first byte is a TLS record type (20..24), but the version's major byte is not 3";
        return PROBE_NO;
    }
    if (!reader_u8(r, &minor))
        return PROBE_NEED;
    if (minor > TLS_VERSION_MINOR_MAX) {
        fi->problem = "first byte is a TLS record type (20..24), but the version is not 3.0 to 3.4";
        return PROBE_NO;
    }
    if (!reader_be16(r, &length))
        return PROBE_NEED;
    if (length > TLS_RECORD_MAX) {
        fi->problem = "a TLS record header whose length exceeds 2^14 + 2048 bytes";
        return PROBE_NO;
    }
    *fi = frame_make(FRAME_TLS, (uint32_t)length + TLS_RECORD_HEADER_LEN,
                     TLS_RECORD_HEADER_LEN, NULL);
    return PROBE_YES;
}

static frame_info probe_fastpath(reader *r)
{
    uint8_t header, length1, length2;

    reader_u8(r, &header);
    if (!reader_u8(r, &length1))
        return frame_make(FRAME_NEED_MORE, 0, 0, NULL);
    if (!(length1 & FASTPATH_LENGTH_LONG)) {
        if (length1 < 2)
            return frame_make(FRAME_INVALID, 0, 0, fastpath_short_text[length1]);
        return frame_make(FRAME_FASTPATH, length1, 2, NULL);
    }
    if (!reader_u8(r, &length2))
        return frame_make(FRAME_NEED_MORE, 0, 0, NULL);
    uint32_t length = ((uint32_t)(length1 & 0x7F) << 8) | length2;
    if (length < 3)
        return frame_make(FRAME_INVALID, 0, 0, fastpath_short_text[2 + length]);
    return frame_make(FRAME_FASTPATH, length, 3, NULL);
}

frame_info rdp_frame_probe(const uint8_t *p, size_t avail, int allow_fastpath)
{
    reader r = reader_make(p, avail);
    frame_info tls = frame_make(FRAME_INVALID, 0, 0, NULL);

    reader peek = r;
    uint8_t first;

    if (!reader_u8(&peek, &first))
        return frame_make(FRAME_NEED_MORE, 0, 0, NULL);

    /* 0x03 has action bits 3 (FASTPATH_INPUT_ACTION_X224) and is no TLS type: TPKT only. */
    if (first == TPKT_VERSION)
        return probe_tpkt(&r);

    /* TLS first: types 20 (0x14) and 24 (0x18) also have action bits 0, and a TLS header is
     * the stronger pattern (three checked fields against one). */
    probe_result tr = probe_tls(&peek, first, &tls);
    if (tr == PROBE_YES)
        return tls;
    if (tr == PROBE_NEED)
        return frame_make(FRAME_NEED_MORE, 0, 0, NULL);

    if ((first & FASTPATH_ACTION_MASK) == 0 && allow_fastpath)
        return probe_fastpath(&r);
    if (tls.problem)
        return frame_make(FRAME_INVALID, 0, 0, tls.problem);
    return frame_make(FRAME_INVALID, 0, 0, first_byte_text[first]);
}

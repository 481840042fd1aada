/* tpkt.h - framing of the RDP byte stream: TPKT (RFC 1006, T.123) and
 * fast-path (MS-RDPBCGR 2.2.9.1.2) PDU boundaries, and a cheap TLS record
 * header check used to recognise a stream that is TLS.
 *
 * rdp_frame_probe() looks at the first bytes of a stream position and says
 * how long the PDU starting there is, without copying anything.
 */
#ifndef RDPT_TPKT_H
#define RDPT_TPKT_H

#include <stddef.h>
#include <stdint.h>

#define TPKT_HEADER_LEN 4
#define TPKT_VERSION 3

typedef enum {
    FRAME_NEED_MORE = 0,  /* not enough bytes to know the length yet */
    FRAME_TPKT,           /* TPKT: version 3, reserved, 16-bit BE length incl. header */
    FRAME_FASTPATH,       /* fast-path PDU: action bits 0 */
    FRAME_TLS,            /* TLS record header (type 20..23, version 0x03xx) */
    FRAME_INVALID,        /* none of the above: not RDP framing */
} frame_kind;

typedef struct {
    frame_kind kind;
    uint32_t length;      /* whole PDU length including its header (FRAME_TPKT/FASTPATH/TLS) */
    uint32_t header_len;  /* bytes of framing header before the payload */
    const char *problem;  /* FRAME_INVALID: why (static string) */
} frame_info;

/* Probes the bytes at the start of a PDU. `allow_fastpath`: fast-path is only
 * legal after the connection sequence has started (not for the X.224 CR/CC).
 * A TPKT whose length is below 7 (header + minimal X.224) is FRAME_INVALID. */
frame_info rdp_frame_probe(const uint8_t *p, size_t avail, int allow_fastpath);

#endif

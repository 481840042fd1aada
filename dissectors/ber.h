/* ber.h - a bounded reader of the BER encoding (ITU-T X.690) as MCS uses it
 * for its Connect-Initial and Connect-Response PDUs (T.125 7, MS-RDPBCGR
 * 2.2.1.3.2 and 2.2.1.4.2).
 *
 * Everything reads through reader.h: a TLV's length is checked against the
 * bytes that are left before anything is read, so a lying length yields
 * false, never an out-of-bounds read. Only definite lengths are accepted
 * (MCS never uses the indefinite form) and lengths are capped at 4 bytes.
 * ber_validate() walks nested constructed elements with a depth limit so a
 * hostile nesting cannot recurse without end.
 */
#ifndef RDPT_BER_H
#define RDPT_BER_H

#include "reader.h"

#include <stdbool.h>
#include <stdint.h>

/* Class bits of the identifier octet (X.690 8.1.2.2). */
#define BER_CLASS_UNIVERSAL 0x00
#define BER_CLASS_APPLICATION 0x40
#define BER_CLASS_CONTEXT 0x80
#define BER_CLASS_PRIVATE 0xC0

/* Universal tags used by T.125. */
#define BER_TAG_BOOLEAN 1
#define BER_TAG_INTEGER 2
#define BER_TAG_OCTET_STRING 4
#define BER_TAG_ENUMERATED 10
#define BER_TAG_SEQUENCE 16

/* Deepest nesting ber_validate() follows; T.125 connect PDUs need 3. */
#define BER_MAX_DEPTH 8

typedef struct {
    uint8_t cls;          /* BER_CLASS_* */
    bool constructed;
    uint32_t tag;         /* tag number (high-tag-number form decoded) */
    uint32_t length;      /* content length; always <= bytes left after the header */
} ber_header;

/* Reads an identifier and a definite length; fails (false) when the length
 * runs past the reader's end, is indefinite, or takes more than 4 bytes, and
 * when a high tag number takes more than 4 bytes. */
bool ber_read_header(reader *r, ber_header *h);
/* Reads a header that must have this class/tag; *content: a sub-reader over
 * the content (the parent advances past it). */
bool ber_expect(reader *r, uint8_t cls, bool constructed, uint32_t tag, reader *content);
/* INTEGER / ENUMERATED of at most 4 content bytes, read as unsigned. */
bool ber_read_integer(reader *r, uint32_t *value);
bool ber_read_enumerated(reader *r, uint32_t *value);
bool ber_read_boolean(reader *r, bool *value);
/* OCTET STRING: *content covers its bytes. */
bool ber_read_octet_string(reader *r, reader *content);
/* Checks that the bytes form well-nested TLVs up to max_depth levels deep
 * (max_depth <= BER_MAX_DEPTH); false on any inconsistency or deeper nesting. */
bool ber_validate(const uint8_t *p, size_t len, unsigned max_depth);

#endif

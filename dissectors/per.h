/* per.h - a bounded reader of the ALIGNED PER encoding (ITU-T X.691) as
 * T.124 GCC (Conference Create Request/Response, MS-RDPBCGR 2.2.1.3.2,
 * 2.2.1.4.2) and the T.125 domain MCS PDUs (MS-RDPBCGR 2.2.1.5-2.2.1.9)
 * use it: the same small set of primitives FreeRDP's per.c offers.
 *
 * Every function reads through reader.h and returns false (the reader then
 * marks itself failed) on truncation or on a value outside its constraint.
 * Lengths are at most 15 bits (X.691 10.9.3.7: the 16K-fragmented form is
 * never used by RDP and is rejected), so no length can overflow.
 */
#ifndef RDPT_PER_H
#define RDPT_PER_H

#include "reader.h"

#include <stdbool.h>
#include <stdint.h>

/* A length determinant: one byte (< 0x80) or two (0x80 | 14 bits). */
bool per_read_length(reader *r, uint16_t *length);
/* One byte: a CHOICE index, a SEQUENCE's optional-field bitmap, or the
 * number of sets in a SET OF. */
bool per_read_u8(reader *r, uint8_t *v);
/* An unconstrained INTEGER: a length (1, 2 or 4) then the value. */
bool per_read_integer(reader *r, uint32_t *v);
/* A constrained 16-bit INTEGER: two bytes plus `min`. */
bool per_read_integer16(reader *r, uint16_t min, uint16_t *v);
/* An ENUMERATED of `count` values: one byte that must be < count. */
bool per_read_enumerated(reader *r, uint8_t count, uint8_t *v);
/* OBJECT IDENTIFIER as T.124 encodes it (a length byte then the BER
 * content); true when it equals `oid` (oid_len bytes). */
bool per_read_object_identifier(reader *r, const uint8_t *oid, size_t oid_len, bool *equal);
/* An OCTET STRING of at least `min` bytes (the length byte counts from min);
 * *out points at its bytes inside the reader. */
bool per_read_octet_string(reader *r, uint16_t min, const uint8_t **out, uint16_t *len);
/* A NumericString of at least `min` characters (4 bits each, X.691 27). */
bool per_read_numeric_string(reader *r, uint16_t min);

#endif

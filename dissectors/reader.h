/* reader.h - the one way dissectors read bytes from the wire.
 *
 * A reader is a cursor over a byte range it does not own. Every accessor
 * checks the remaining length first; on a short read it returns false, leaves
 * the output untouched (or zero) and marks the reader failed, so a dissector
 * can read a whole structure and test `ok` once at the end (as tcpdump's GET_
 * macros do). Nothing here allocates; nothing reads outside [data, data+len).
 */
#ifndef RDPT_READER_H
#define RDPT_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    const uint8_t *data;
    size_t len;
    size_t pos;
    bool ok; /* false once any read ran past the end */
} reader;

static inline reader reader_make(const uint8_t *data, size_t len)
{
    reader r = { data, data ? len : 0, 0, true };
    return r;
}

static inline size_t reader_left(const reader *r) { return r->len - r->pos; }
static inline size_t reader_pos(const reader *r) { return r->pos; }
static inline const uint8_t *reader_ptr(const reader *r) { return r->data + r->pos; }

static inline bool reader_need(reader *r, size_t n)
{
    if (!r->ok || n > r->len - r->pos) {
        r->ok = false;
        return false;
    }
    return true;
}

static inline bool reader_skip(reader *r, size_t n)
{
    if (!reader_need(r, n))
        return false;
    r->pos += n;
    return true;
}

static inline bool reader_u8(reader *r, uint8_t *v)
{
    if (!reader_need(r, 1)) { *v = 0; return false; }
    *v = r->data[r->pos++];
    return true;
}

static inline bool reader_be16(reader *r, uint16_t *v)
{
    if (!reader_need(r, 2)) { *v = 0; return false; }
    *v = (uint16_t)((r->data[r->pos] << 8) | r->data[r->pos + 1]);
    r->pos += 2;
    return true;
}

static inline bool reader_le16(reader *r, uint16_t *v)
{
    if (!reader_need(r, 2)) { *v = 0; return false; }
    *v = (uint16_t)(r->data[r->pos] | (r->data[r->pos + 1] << 8));
    r->pos += 2;
    return true;
}

static inline bool reader_be24(reader *r, uint32_t *v)
{
    if (!reader_need(r, 3)) { *v = 0; return false; }
    *v = ((uint32_t)r->data[r->pos] << 16) | ((uint32_t)r->data[r->pos + 1] << 8) |
         r->data[r->pos + 2];
    r->pos += 3;
    return true;
}

static inline bool reader_be32(reader *r, uint32_t *v)
{
    if (!reader_need(r, 4)) { *v = 0; return false; }
    const uint8_t *p = r->data + r->pos;
    *v = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
    r->pos += 4;
    return true;
}

static inline bool reader_le32(reader *r, uint32_t *v)
{
    if (!reader_need(r, 4)) { *v = 0; return false; }
    const uint8_t *p = r->data + r->pos;
    *v = ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) | ((uint32_t)p[1] << 8) | p[0];
    r->pos += 4;
    return true;
}

/* Points *out at the next n bytes (inside the reader's range) and advances. */
static inline bool reader_bytes(reader *r, size_t n, const uint8_t **out)
{
    if (!reader_need(r, n)) { *out = NULL; return false; }
    *out = r->data + r->pos;
    r->pos += n;
    return true;
}

/* A sub-reader over the next n bytes; the parent advances past them. */
static inline bool reader_sub(reader *r, size_t n, reader *sub)
{
    const uint8_t *p;
    if (!reader_bytes(r, n, &p)) { *sub = reader_make(NULL, 0); sub->ok = false; return false; }
    *sub = reader_make(p, n);
    return true;
}

#endif

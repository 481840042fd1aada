/* per.c - bounded ALIGNED PER primitives (see per.h; ITU-T X.691). */
#include "per.h"

#include <string.h>

bool per_read_length(reader *r, uint16_t *length)
{
    uint8_t b, b2;
    *length = 0;
    if (!reader_u8(r, &b))
        return false;
    if (!(b & 0x80)) {
        *length = b;
        return true;
    }
    /* 0xC0..0xFF would announce 16K fragments (X.691 10.9.3.8): not RDP. */
    if ((b & 0xC0) == 0xC0) {
        r->ok = false;
        return false;
    }
    if (!reader_u8(r, &b2))
        return false;
    *length = (uint16_t)(((b & 0x3F) << 8) | b2);
    return true;
}

bool per_read_u8(reader *r, uint8_t *v)
{
    return reader_u8(r, v);
}

bool per_read_integer(reader *r, uint32_t *v)
{
    uint16_t len;
    *v = 0;
    if (!per_read_length(r, &len))
        return false;
    if (len == 1) {
        uint8_t b;
        if (!reader_u8(r, &b))
            return false;
        *v = b;
    } else if (len == 2) {
        uint16_t w;
        if (!reader_be16(r, &w))
            return false;
        *v = w;
    } else if (len == 4) {
        if (!reader_be32(r, v))
            return false;
    } else {
        r->ok = false;
        return false;
    }
    return true;
}

bool per_read_integer16(reader *r, uint16_t min, uint16_t *v)
{
    uint16_t w;
    *v = 0;
    if (!reader_be16(r, &w))
        return false;
    if ((uint32_t)w + min > UINT16_MAX) {
        r->ok = false;
        return false;
    }
    *v = (uint16_t)(w + min);
    return true;
}

bool per_read_enumerated(reader *r, uint8_t count, uint8_t *v)
{
    if (!reader_u8(r, v))
        return false;
    if (*v >= count) {
        r->ok = false;
        return false;
    }
    return true;
}

bool per_read_object_identifier(reader *r, const uint8_t *oid, size_t oid_len, bool *equal)
{
    uint16_t len;
    const uint8_t *p;
    *equal = false;
    if (!per_read_length(r, &len) || !reader_bytes(r, len, &p))
        return false;
    *equal = len == oid_len && memcmp(p, oid, oid_len) == 0;
    return true;
}

bool per_read_octet_string(reader *r, uint16_t min, const uint8_t **out, uint16_t *len)
{
    uint16_t l;
    *out = NULL;
    *len = 0;
    if (!per_read_length(r, &l))
        return false;
    uint32_t total = (uint32_t)l + min;
    if (!reader_bytes(r, total, out))
        return false;
    *len = (uint16_t)total;
    return true;
}

bool per_read_numeric_string(reader *r, uint16_t min)
{
    uint16_t l;
    if (!per_read_length(r, &l))
        return false;
    uint32_t chars = (uint32_t)l + min;
    return reader_skip(r, (chars + 1) / 2);
}

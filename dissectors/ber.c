/* ber.c - bounded BER reading (see ber.h; ITU-T X.690 8.1). */
#include "ber.h"

bool ber_read_header(reader *r, ber_header *h)
{
    uint8_t id, b;
    h->cls = 0;
    h->constructed = false;
    h->tag = 0;
    h->length = 0;
    if (!reader_u8(r, &id))
        return false;
    h->cls = id & 0xC0;
    h->constructed = (id & 0x20) != 0;
    h->tag = id & 0x1F;
    if (h->tag == 0x1F) {
        /* High tag number form (X.690 8.1.2.4): base-128, at most 4 bytes
         * here (MCS uses APPLICATION 101/102: one byte). */
        uint32_t tag = 0;
        unsigned n = 0;
        do {
            if (!reader_u8(r, &b) || ++n > 4) {
                r->ok = false;
                return false;
            }
            tag = (tag << 7) | (b & 0x7F);
        } while (b & 0x80);
        h->tag = tag;
    }
    if (!reader_u8(r, &b))
        return false;
    if (b < 0x80) {
        h->length = b;
    } else {
        unsigned n = b & 0x7F;
        /* 0x80 is the indefinite form, not allowed in DER-like MCS; more
         * than 4 length bytes cannot describe anything that fits a TPKT. */
        if (n == 0 || n > 4) {
            r->ok = false;
            return false;
        }
        uint32_t len = 0;
        for (unsigned i = 0; i < n; i++) {
            if (!reader_u8(r, &b))
                return false;
            len = (len << 8) | b;
        }
        h->length = len;
    }
    if (h->length > reader_left(r)) {
        r->ok = false;
        return false;
    }
    return true;
}

bool ber_expect(reader *r, uint8_t cls, bool constructed, uint32_t tag, reader *content)
{
    ber_header h;
    size_t start = r->pos;
    if (!ber_read_header(r, &h))
        return false;
    if (h.cls != cls || h.constructed != constructed || h.tag != tag) {
        r->pos = start; /* let the caller try something else */
        return false;
    }
    return reader_sub(r, h.length, content);
}

static bool read_unsigned(reader *r, uint32_t tag, uint32_t *value)
{
    reader c;
    *value = 0;
    if (!ber_expect(r, BER_CLASS_UNIVERSAL, false, tag, &c))
        return false;
    if (c.len == 0 || c.len > 4)
        return false;
    uint32_t v = 0;
    uint8_t b;
    while (reader_u8(&c, &b))
        v = (v << 8) | b;
    *value = v;
    return true;
}

bool ber_read_integer(reader *r, uint32_t *value)
{
    return read_unsigned(r, BER_TAG_INTEGER, value);
}

bool ber_read_enumerated(reader *r, uint32_t *value)
{
    return read_unsigned(r, BER_TAG_ENUMERATED, value);
}

bool ber_read_boolean(reader *r, bool *value)
{
    reader c;
    uint8_t b;
    *value = false;
    if (!ber_expect(r, BER_CLASS_UNIVERSAL, false, BER_TAG_BOOLEAN, &c) || c.len != 1)
        return false;
    reader_u8(&c, &b);
    *value = b != 0;
    return true;
}

bool ber_read_octet_string(reader *r, reader *content)
{
    return ber_expect(r, BER_CLASS_UNIVERSAL, false, BER_TAG_OCTET_STRING, content);
}

static bool validate(reader *r, unsigned depth, unsigned max_depth)
{
    while (reader_left(r) > 0) {
        ber_header h;
        reader c;
        if (!ber_read_header(r, &h) || !reader_sub(r, h.length, &c))
            return false;
        if (h.constructed) {
            if (depth + 1 > max_depth)
                return false;
            if (!validate(&c, depth + 1, max_depth))
                return false;
        }
    }
    return r->ok;
}

bool ber_validate(const uint8_t *p, size_t len, unsigned max_depth)
{
    if (max_depth > BER_MAX_DEPTH)
        max_depth = BER_MAX_DEPTH;
    reader r = reader_make(p, len);
    return validate(&r, 0, max_depth);
}

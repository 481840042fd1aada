/* wirestr.c - see wirestr.h. */
#include "wirestr.h"

#include <stdbool.h>

#include <stdio.h>
#include <string.h>

static void printable(const uint8_t *bytes, size_t len, char *out, size_t outlen,
                      bool double_backslash)
{
    size_t o = 0;
    size_t cut = 0; /* last piece boundary where "..." still fits */
    if (outlen == 0)
        return;
    for (size_t i = 0; i < len; i++) {
        char piece[5];
        size_t n;
        uint8_t c = bytes[i];
        if (c == '\\' && double_backslash) {
            piece[0] = piece[1] = '\\';
            n = 2;
        } else if (c >= 0x20 && c <= 0x7e) {
            piece[0] = (char)c;
            n = 1;
        } else {
            snprintf(piece, sizeof piece, "\\x%02X", c);
            n = 4;
        }
        if (outlen > 4 && o <= outlen - 4)
            cut = o;
        if (o + n + 1 > outlen) {
            /* No room for this piece: end with "..." after the last whole
             * piece that leaves room for it (never half an escape). */
            if (outlen > 4) {
                o = cut;
                memcpy(out + o, "...", 3);
                o += 3;
            }
            break;
        }
        memcpy(out + o, piece, n);
        o += n;
    }
    out[o] = '\0';
}

void wire_printable(const uint8_t *bytes, size_t len, char *out, size_t outlen)
{
    printable(bytes, len, out, outlen, true);
}

void wire_printable_escaped(const uint8_t *bytes, size_t len, char *out, size_t outlen)
{
    printable(bytes, len, out, outlen, false);
}

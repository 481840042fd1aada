/* wirestr.h - turning bytes from the wire into strings that are safe
 * everywhere: in XML and HTML (no control characters, valid UTF-8 because it
 * is ASCII), on a terminal (no escape sequences), in a log line.
 */
#ifndef RDPT_WIRESTR_H
#define RDPT_WIRESTR_H

#include <stddef.h>
#include <stdint.h>

/* Copies len bytes into out as printable ASCII: bytes 0x20..0x7E stay (a
 * backslash is doubled), anything else becomes \xNN. Always NUL-terminates;
 * ends with "..." when out is too small. Every string that came from the wire
 * goes through here before it reaches the model. */
void wire_printable(const uint8_t *bytes, size_t len, char *out, size_t outlen);
/* The same for text that already uses the backslash as its escape
 * character (an RFC 2253 distinguished name from OpenSSL: CN=\<b\>): a
 * backslash stays single, so the text reads as the standard writes it.
 * Other bytes outside printable ASCII still become \xNN. */
void wire_printable_escaped(const uint8_t *bytes, size_t len, char *out, size_t outlen);

#endif

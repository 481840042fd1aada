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

#endif

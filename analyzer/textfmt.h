/* textfmt.h - snprintf without the C library's printf machinery, for the
 * text written once per connection (verdict evidence, summaries, reasons).
 *
 * text_fmt() and text_vfmt() give exactly what snprintf() gives (same bytes,
 * same truncation, same return value) for the conversions this program uses:
 * %s %c %d %i %u %x %X %f %%, the flags '-' and '0', a width or precision
 * (digits or '*'), and the length modifiers hh h l ll z j t. %f is rounded
 * exactly as glibc does it (to nearest, ties to even, on the exact binary
 * value). Anything else (another conversion or flag, a NULL string, a float
 * too large or with more than 9 decimals) is handed to vsnprintf() whole, so
 * the result never differs; only the speed does. tests/unit/test_textfmt.c
 * compares the two.
 *
 * text_addr() and text_endpoint() are rt_addr_str() and rt_endpoint_str()
 * (common.h) with IPv4 written by hand; IPv6 goes through them.
 */
#ifndef RDPT_TEXTFMT_H
#define RDPT_TEXTFMT_H

#include "common.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* As vsnprintf/snprintf: at most buflen - 1 characters and a NUL (when
 * buflen > 0); returns the length the whole text would have. */
int text_vfmt(char *buf, size_t buflen, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int text_fmt(char *buf, size_t buflen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "10.0.0.5" or "2001:db8::1"; as rt_addr_str(). */
void text_addr(const rt_addr *addr, char *buf, size_t buflen);
/* "10.0.0.5:50123" or "[2001:db8::1]:3389"; as rt_endpoint_str(). */
void text_endpoint(const rt_addr *addr, uint16_t port, char *buf, size_t buflen);

#endif

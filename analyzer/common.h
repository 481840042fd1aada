/* common.h - small value types shared by every stage: capture time, IP
 * address, packet reference. (Strings from the wire are sanitized by
 * wire_printable() in dissectors/wirestr.h.)
 */
#ifndef RDPT_COMMON_H
#define RDPT_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Capture timestamp, nanosecond resolution (pcapng and nanosecond pcap). */
typedef struct {
    int64_t sec;
    uint32_t nsec;
} rt_time;

int rt_time_cmp(rt_time a, rt_time b);
/* a - b in microseconds (may be negative). */
int64_t rt_time_diff_us(rt_time a, rt_time b);
/* "2026-11-23T10:00:00.000000Z": UTC, ISO 8601, microseconds. buf >= 32. */
void rt_time_iso(rt_time t, char *buf, size_t buflen);

/* An IPv4 or IPv6 address. family is 4 or 6; IPv4 uses a[0..3]. */
typedef struct {
    uint8_t family;
    uint8_t a[16];
} rt_addr;

bool rt_addr_eq(const rt_addr *x, const rt_addr *y);
/* "10.0.0.5" or "2001:db8::1". buf >= 46. */
void rt_addr_str(const rt_addr *addr, char *buf, size_t buflen);
/* "10.0.0.5:50123" or "[2001:db8::1]:3389". buf >= 56. */
void rt_endpoint_str(const rt_addr *addr, uint16_t port, char *buf, size_t buflen);

/* Where a fact was seen: the packet number as Wireshark counts it (from 1,
 * per capture file) and its timestamp. packet 0 means "not seen". */
typedef struct {
    uint64_t packet;
    rt_time ts;
} pkt_ref;

/* snprintf that always terminates and never reports truncation as an error. */
void rt_fmt(char *buf, size_t buflen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif

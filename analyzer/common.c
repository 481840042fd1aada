/* common.c - time, address and string helpers (see common.h). */
#include "common.h"

#include <stdint.h>

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int rt_time_cmp(rt_time a, rt_time b)
{
    if (a.sec != b.sec)
        return a.sec < b.sec ? -1 : 1;
    if (a.nsec != b.nsec)
        return a.nsec < b.nsec ? -1 : 1;
    return 0;
}

int64_t rt_time_diff_us(rt_time a, rt_time b)
{
    /* A corrupt record can put timestamps centuries apart (pcapng seconds
     * are 64-bit): past +-9e9 s the nanoseconds no longer fit in 64 bits, so
     * count in microseconds, saturated at +-2^62 us (146,000 years), which
     * also leaves callers room for their own arithmetic (abs, sums). */
    const int64_t lim_us = (int64_t)1 << 62;
    int64_t ds;
    if (__builtin_sub_overflow(a.sec, b.sec, &ds) || ds > lim_us / 1000000 || ds < -lim_us / 1000000)
        return a.sec > b.sec ? lim_us : -lim_us;
    if (ds > 9000000000LL || ds < -9000000000LL)
        return ds * 1000000 + ((int64_t)a.nsec - (int64_t)b.nsec) / 1000;
    int64_t ns = ds * 1000000000LL + ((int64_t)a.nsec - (int64_t)b.nsec);
    return ns / 1000;
}

void rt_time_iso(rt_time t, char *buf, size_t buflen)
{
    /* The reports format tens of times per connection, mostly within the
     * same second: the date part of the last second is kept, per thread
     * (connections are reported on a thread of their own, retire_stage.h). */
    static _Thread_local int64_t cached_sec = INT64_MIN;
    static _Thread_local char date[64];
    if (t.sec != cached_sec) {
        time_t s = (time_t)t.sec;
        struct tm tm;
        if (!gmtime_r(&s, &tm)) {
            rt_fmt(buf, buflen, "1970-01-01T00:00:00.000000Z");
            return;
        }
        /* Room for any year gmtime_r() gives (a corrupt timestamp can be in
         * the year 1,901,326,280); strftime() leaves the array undefined
         * when short. */
        if (strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
            date[0] = '\0';
        cached_sec = t.sec;
    }
    unsigned us = (unsigned)(t.nsec / 1000);
    if (us >= 1000000u) { /* a corrupt fraction: shown as it is */
        rt_fmt(buf, buflen, "%s.%06uZ", date, us);
        return;
    }
    char frac[16];
    frac[0] = '.';
    for (int i = 6; i >= 1; i--) {
        frac[i] = (char)('0' + us % 10);
        us /= 10;
    }
    frac[7] = 'Z';
    frac[8] = '\0';
    rt_fmt(buf, buflen, "%s%s", date, frac);
}

bool rt_addr_eq(const rt_addr *x, const rt_addr *y)
{
    if (x->family != y->family)
        return false;
    return memcmp(x->a, y->a, x->family == 4 ? 4 : 16) == 0;
}

void rt_addr_str(const rt_addr *addr, char *buf, size_t buflen)
{
    char tmp[INET6_ADDRSTRLEN];
    if (!inet_ntop(addr->family == 6 ? AF_INET6 : AF_INET, addr->a, tmp, sizeof tmp))
        rt_fmt(tmp, sizeof tmp, "?");
    rt_fmt(buf, buflen, "%s", tmp);
}

void rt_endpoint_str(const rt_addr *addr, uint16_t port, char *buf, size_t buflen)
{
    char a[INET6_ADDRSTRLEN];
    rt_addr_str(addr, a, sizeof a);
    if (addr->family == 6)
        rt_fmt(buf, buflen, "[%s]:%u", a, (unsigned)port);
    else
        rt_fmt(buf, buflen, "%s:%u", a, (unsigned)port);
}

void rt_fmt(char *buf, size_t buflen, const char *fmt, ...)
{
    if (buflen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, buflen, fmt, ap);
    va_end(ap);
    if (n < 0)
        buf[0] = '\0';
}

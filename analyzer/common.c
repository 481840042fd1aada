/* common.c - time, address and string helpers (see common.h). */
#include "common.h"

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
    int64_t ns = (a.sec - b.sec) * 1000000000LL + ((int64_t)a.nsec - (int64_t)b.nsec);
    return ns / 1000;
}

void rt_time_iso(rt_time t, char *buf, size_t buflen)
{
    time_t s = (time_t)t.sec;
    struct tm tm;
    if (!gmtime_r(&s, &tm)) {
        rt_fmt(buf, buflen, "1970-01-01T00:00:00.000000Z");
        return;
    }
    char date[24];
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
    rt_fmt(buf, buflen, "%s.%06uZ", date, (unsigned)(t.nsec / 1000));
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

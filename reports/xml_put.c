/* xml_put.c - see xml_put.h. */
#include "xml_put.h"

#include "atomic.h"
#include "textfmt.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Model strings are at most 512 bytes; cleaning may grow a byte to 4. */
#define XML_PUT_CLEAN_MAX 4096

/* The string to store for `in`: in itself when atomic_text_clean() would
 * copy it unchanged (printable ASCII that fits, the common case), else its
 * cleaned copy in clean[XML_PUT_CLEAN_MAX]. *len: its length. */
static const char *cleaned(const char *in, char *clean, size_t *len)
{
    const unsigned char *s = (const unsigned char *)in;
    while (*s >= 0x20 && *s <= 0x7E)
        s++;
    *len = (size_t)(s - (const unsigned char *)in);
    if (*s == '\0' && *len < XML_PUT_CLEAN_MAX)
        return in;
    atomic_text_clean(in, clean, XML_PUT_CLEAN_MAX);
    *len = strlen(clean);
    return clean;
}

xt_ptr xp_child(xml_put *w, xt_ptr parent, const char *name)
{
    if (!parent)
        return NULL;
    xt_ptr n = xt_new_child(parent, name);
    if (!n)
        w->failed = true;
    return n;
}

xt_ptr xp_text_child(xml_put *w, xt_ptr parent, const char *name, const char *text)
{
    if (!parent)
        return NULL;
    char clean[XML_PUT_CLEAN_MAX];
    size_t len;
    const char *t = cleaned(text ? text : "", clean, &len);
    xt_ptr n = xt_new_text_child_len(parent, name, t, len);
    if (!n)
        w->failed = true;
    return n;
}

void xp_attr(xml_put *w, xt_ptr n, const char *name, const char *value)
{
    if (!n || !value)
        return;
    char clean[XML_PUT_CLEAN_MAX];
    size_t len;
    const char *v = cleaned(value, clean, &len);
    if (!xt_new_prop_len(n, name, v, len))
        w->failed = true;
}

void xp_attrf(xml_put *w, xt_ptr n, const char *name, const char *fmt, ...)
{
    if (!n)
        return;
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int len = text_vfmt(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (len < 0)
        buf[0] = '\0';
    xp_attr(w, n, name, buf);
}

void xp_attr_u64(xml_put *w, xt_ptr n, const char *name, uint64_t v)
{
    if (!n)
        return;
    char buf[24], *p = buf + sizeof buf;
    *--p = '\0';
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    /* digits only: nothing to clean */
    if (!xt_new_prop_len(n, name, p, (size_t)(buf + sizeof buf - 1 - p)))
        w->failed = true;
}

void xp_attr_hex16(xml_put *w, xt_ptr n, const char *name, uint16_t v)
{
    if (!n)
        return;
    static const char hex[] = "0123456789abcdef";
    char buf[7] = { '0', 'x', hex[v >> 12], hex[(v >> 8) & 15], hex[(v >> 4) & 15], hex[v & 15],
                    '\0' };
    if (!xt_new_prop_len(n, name, buf, 6))
        w->failed = true;
}

void xp_attr_bool(xml_put *w, xt_ptr n, const char *name, bool v)
{
    xp_attr(w, n, name, v ? "true" : "false");
}

void xp_attr_time(xml_put *w, xt_ptr n, const char *name, rt_time t)
{
    if (t.nsec >= 1000000000u) {
        int64_t carry = t.nsec / 1000000000u;
        t.nsec %= 1000000000u;
        if (t.sec <= INT64_MAX - carry)
            t.sec += carry;
    }
    /* Nearly every time of a connection falls in a second already written:
     * rt_time_iso() is asked once per second for the part before the
     * fraction (checked with two fractions, so that a time it writes
     * another way is still asked each time), per thread. */
    static _Thread_local int64_t cached_sec = INT64_MIN;
    static _Thread_local bool cacheable;
    static _Thread_local char prefix[64];
    static _Thread_local size_t prefix_len;
    char buf[64];
    if (t.sec != cached_sec) {
        char hi[64];
        rt_time_iso((rt_time){ t.sec, 0 }, prefix, sizeof prefix);
        rt_time_iso((rt_time){ t.sec, 999999000u }, hi, sizeof hi);
        size_t len = strlen(prefix);
        cacheable = len >= 8 && len < sizeof prefix && strcmp(prefix + len - 8, ".000000Z") == 0 &&
                    strlen(hi) == len && memcmp(hi, prefix, len - 8) == 0 &&
                    strcmp(hi + len - 8, ".999999Z") == 0;
        prefix_len = len - 8;
        cached_sec = t.sec;
    }
    if (!cacheable) {
        rt_time_iso(t, buf, sizeof buf);
        xp_attr(w, n, name, buf);
        return;
    }
    unsigned us = t.nsec / 1000u; /* < 1000000: normalized above */
    memcpy(buf, prefix, prefix_len);
    char *p = buf + prefix_len;
    *p++ = '.';
    for (int i = 5; i >= 0; i--) {
        p[i] = (char)('0' + us % 10u);
        us /= 10u;
    }
    p += 6;
    *p++ = 'Z';
    *p = '\0';
    xp_attr(w, n, name, buf);
}

void xp_attr_ref(xml_put *w, xt_ptr n, const char *pname, const char *tname, const pkt_ref *ref)
{
    if (!ref->packet)
        return;
    xp_attr_u64(w, n, pname, ref->packet);
    if (tname)
        xp_attr_time(w, n, tname, ref->ts);
}

/* xml_put.c - see xml_put.h. */
#include "xml_put.h"

#include "atomic.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

/* Model strings are at most 512 bytes; cleaning may grow a byte to 4. */
#define XML_PUT_CLEAN_MAX 4096

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
    atomic_text_clean(text, clean, sizeof clean);
    xt_ptr n = xt_new_text_child(parent, name, clean);
    if (!n)
        w->failed = true;
    return n;
}

void xp_attr(xml_put *w, xt_ptr n, const char *name, const char *value)
{
    if (!n || !value)
        return;
    char clean[XML_PUT_CLEAN_MAX];
    atomic_text_clean(value, clean, sizeof clean);
    if (!xt_new_prop(n, name, clean))
        w->failed = true;
}

void xp_attrf(xml_put *w, xt_ptr n, const char *name, const char *fmt, ...)
{
    if (!n)
        return;
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(buf, sizeof buf, fmt, ap);
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
    if (!xt_new_prop(n, name, p)) /* digits only: nothing to clean */
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
    char buf[64];
    rt_time_iso(t, buf, sizeof buf);
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

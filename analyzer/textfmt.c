/* textfmt.c - snprintf for the conversions this program uses, written by
 * hand (see textfmt.h). glibc's vsnprintf sets up a FILE stream and a
 * locale-aware engine for every call; the analysis calls it a few dozen times
 * per connection, which was a tenth of the analysis time on a large capture
 * (issue 9). Whatever this file does not handle goes to vsnprintf. */
#include "textfmt.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

__extension__ typedef unsigned __int128 u128;

typedef struct {
    char *buf;
    size_t cap;  /* buflen */
    size_t len;  /* length of the whole text so far (may exceed cap) */
} out;

static void put_n(out *o, const char *s, size_t n)
{
    if (o->len + 1 < o->cap) {
        size_t room = o->cap - 1 - o->len;
        memcpy(o->buf + o->len, s, n < room ? n : room);
    }
    o->len += n;
}

static void put_c(out *o, char ch, size_t n)
{
    if (n == 0)
        return;
    if (o->len + 1 < o->cap) {
        size_t room = o->cap - 1 - o->len;
        memset(o->buf + o->len, ch, n < room ? n : room);
    }
    o->len += n;
}

/* Digits of v in base 10 or 16, written backwards from end (room for 20);
 * returns where they start. (The bases are constants: a division by a
 * variable base costs more than the rest of a conversion.) */
static char *digits(uint64_t v, unsigned base, bool upper, char *end)
{
    char *p = end;
    if (base == 16) {
        const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        do {
            *--p = set[v & 15u];
            v >>= 4;
        } while (v);
    } else if (v <= UINT32_MAX) {
        uint32_t w = (uint32_t)v;
        do {
            *--p = (char)('0' + w % 10u);
            w /= 10u;
        } while (w);
    } else {
        do {
            *--p = (char)('0' + v % 10u);
            v /= 10u;
        } while (v);
    }
    return p;
}

/* A converted field of n characters, padded to width. */
static void put_field(out *o, const char *sign, const char *s, size_t n, int width, bool left,
                      bool zero)
{
    size_t sl = strlen(sign);
    size_t w = width > 0 ? (size_t)width : 0;
    size_t pad = w > n + sl ? w - n - sl : 0;
    if (left) {
        put_n(o, sign, sl);
        put_n(o, s, n);
        put_c(o, ' ', pad);
    } else if (zero) {
        put_n(o, sign, sl);
        put_c(o, '0', pad);
        put_n(o, s, n);
    } else {
        put_c(o, ' ', pad);
        put_n(o, sign, sl);
        put_n(o, s, n);
    }
}

/* %.<prec>f of x, exactly as glibc rounds it (to nearest, ties to even, on
 * the exact value of the double). False: not handled here. */
static bool put_fixed(out *o, double x, int prec)
{
    static const uint64_t pow10[10] = { 1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u,
                                        10000000u, 100000000u, 1000000000u };
    if (prec < 0 || prec > 9)
        return false;
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    bool neg = (bits >> 63) != 0;
    unsigned bexp = (unsigned)((bits >> 52) & 0x7ffu);
    uint64_t m = bits & ((1ull << 52) - 1);
    if (bexp == 0x7ffu)
        return false; /* inf, nan */
    int e;
    if (bexp == 0) {
        e = -1074;
    } else {
        m |= 1ull << 52;
        e = (int)bexp - 1075;
    }
    /* x = m * 2^e; n = round(|x| * 10^prec). m < 2^53, 10^9 < 2^30. */
    uint64_t p = pow10[prec];
    u128 t = (u128)m * p, n;
    if (e >= 0) {
        if (e > 10)
            return false;
        n = t << e;
    } else {
        unsigned s = (unsigned)-e;
        if (s >= 100) {
            n = 0; /* below 2^-17 after scaling: rounds to 0 */
        } else {
            n = t >> s;
            u128 rem = t - (n << s), half = (u128)1 << (s - 1);
            if (rem > half || (rem == half && (n & 1u)))
                n++;
        }
    }
    if (n >> 64)
        return false;
    uint64_t v = (uint64_t)n, ip = v / p, fp = v % p;
    char tmp[48];
    char *end = tmp + sizeof tmp, *q = end;
    if (prec > 0) {
        for (int i = 0; i < prec; i++) {
            *--q = (char)('0' + fp % 10);
            fp /= 10;
        }
        *--q = '.';
    }
    char *d = digits(ip, 10, false, q);
    if (neg)
        put_n(o, "-", 1);
    put_n(o, d, (size_t)(end - d));
    return true;
}

enum { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_J, LEN_T, LEN_BIG_L };

int text_vfmt(char *buf, size_t buflen, const char *fmt, va_list ap_in)
{
    va_list ap, whole;
    va_copy(ap, ap_in);
    va_copy(whole, ap_in);
    out o = { buf, buflen, 0 };
    const char *f = fmt;
    while (*f) {
        if (*f != '%') {
            const char *q = strchr(f, '%');
            if (!q)
                q = f + strlen(f);
            put_n(&o, f, (size_t)(q - f));
            f = q;
            continue;
        }
        f++;
        bool left = false, zero = false;
        for (;; f++) {
            if (*f == '-')
                left = true;
            else if (*f == '0')
                zero = true;
            else
                break;
        }
        if (*f == '+' || *f == ' ' || *f == '#' || *f == '\'')
            goto fallback;
        int width = -1, prec = -1;
        if (*f == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                left = true;
                width = width == -2147483647 - 1 ? 0 : -width;
                if (width == 0)
                    goto fallback;
            }
            f++;
        } else if (*f >= '1' && *f <= '9') {
            width = 0;
            while (*f >= '0' && *f <= '9') {
                width = width * 10 + (*f++ - '0');
                if (width > 4096)
                    goto fallback;
            }
            if (*f == '$')
                goto fallback; /* positional arguments */
        }
        if (*f == '.') {
            f++;
            if (*f == '*') {
                prec = va_arg(ap, int);
                if (prec < 0)
                    prec = -1;
                f++;
            } else {
                prec = 0;
                while (*f >= '0' && *f <= '9') {
                    prec = prec * 10 + (*f++ - '0');
                    if (prec > 4096)
                        goto fallback;
                }
            }
        }
        if (left)
            zero = false;
        int lm = LEN_NONE;
        switch (*f) {
        case 'h': lm = f[1] == 'h' ? LEN_HH : LEN_H; f += lm == LEN_HH ? 2 : 1; break;
        case 'l': lm = f[1] == 'l' ? LEN_LL : LEN_L; f += lm == LEN_LL ? 2 : 1; break;
        case 'z': lm = LEN_Z; f++; break;
        case 'j': lm = LEN_J; f++; break;
        case 't': lm = LEN_T; f++; break;
        case 'L': lm = LEN_BIG_L; f++; break;
        default: break;
        }
        char conv = *f++;
        char tmp[24];
        char *end = tmp + sizeof tmp;
        switch (conv) {
        case 'd':
        case 'i': {
            if (prec >= 0 || lm == LEN_Z || lm == LEN_T || lm == LEN_BIG_L)
                goto fallback;
            long long v;
            switch (lm) {
            case LEN_HH: v = (signed char)va_arg(ap, int); break;
            case LEN_H: v = (short)va_arg(ap, int); break;
            case LEN_L: v = va_arg(ap, long); break;
            case LEN_LL: v = va_arg(ap, long long); break;
            case LEN_J: v = (long long)va_arg(ap, intmax_t); break;
            default: v = va_arg(ap, int); break;
            }
            uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
            char *d = digits(mag, 10, false, end);
            put_field(&o, v < 0 ? "-" : "", d, (size_t)(end - d), width, left, zero);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            if (prec >= 0 || lm == LEN_T || lm == LEN_BIG_L)
                goto fallback;
            uint64_t v;
            switch (lm) {
            case LEN_HH: v = (unsigned char)va_arg(ap, unsigned); break;
            case LEN_H: v = (unsigned short)va_arg(ap, unsigned); break;
            case LEN_L: v = va_arg(ap, unsigned long); break;
            case LEN_LL: v = va_arg(ap, unsigned long long); break;
            case LEN_Z: v = va_arg(ap, size_t); break;
            case LEN_J: v = (uint64_t)va_arg(ap, uintmax_t); break;
            default: v = va_arg(ap, unsigned); break;
            }
            char *d = digits(v, conv == 'u' ? 10 : 16, conv == 'X', end);
            put_field(&o, "", d, (size_t)(end - d), width, left, zero);
            break;
        }
        case 'c': {
            if (lm != LEN_NONE || zero || prec >= 0)
                goto fallback;
            char ch = (char)(unsigned char)va_arg(ap, int);
            put_field(&o, "", &ch, 1, width, left, false);
            break;
        }
        case 's': {
            if (lm != LEN_NONE || zero)
                goto fallback;
            const char *s = va_arg(ap, const char *);
            if (!s)
                goto fallback; /* "(null)", or nothing, as glibc decides */
            size_t n = prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s);
            put_field(&o, "", s, n, width, left, false);
            break;
        }
        case 'f': {
            if (width >= 0 || zero || left || (lm != LEN_NONE && lm != LEN_L))
                goto fallback;
            double x = va_arg(ap, double);
            if (!put_fixed(&o, x, prec < 0 ? 6 : prec))
                goto fallback;
            break;
        }
        case '%':
            if (width >= 0 || prec >= 0 || left || zero || lm != LEN_NONE)
                goto fallback;
            put_n(&o, "%", 1);
            break;
        default:
            goto fallback;
        }
    }
    va_end(ap);
    va_end(whole);
    if (o.cap > 0)
        o.buf[o.len < o.cap ? o.len : o.cap - 1] = '\0';
    return o.len > 2147483647u ? -1 : (int)o.len;

fallback:
    va_end(ap);
    {
        int r = vsnprintf(buf, buflen, fmt, whole);
        va_end(whole);
        return r;
    }
}

int text_fmt(char *buf, size_t buflen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = text_vfmt(buf, buflen, fmt, ap);
    va_end(ap);
    return r;
}

void text_addr(const rt_addr *addr, char *buf, size_t buflen)
{
    if (addr->family == 6) {
        rt_addr_str(addr, buf, buflen);
        return;
    }
    /* inet_ntop's "%u.%u.%u.%u" */
    char tmp[16];
    char *p = tmp;
    for (int i = 0; i < 4; i++) {
        unsigned v = addr->a[i];
        if (i)
            *p++ = '.';
        if (v >= 100)
            *p++ = (char)('0' + v / 100);
        if (v >= 10)
            *p++ = (char)('0' + v / 10 % 10);
        *p++ = (char)('0' + v % 10);
    }
    out o = { buf, buflen, 0 };
    put_n(&o, tmp, (size_t)(p - tmp));
    if (o.cap > 0)
        o.buf[o.len < o.cap ? o.len : o.cap - 1] = '\0';
}

void text_endpoint(const rt_addr *addr, uint16_t port, char *buf, size_t buflen)
{
    if (addr->family == 6) {
        rt_endpoint_str(addr, port, buf, buflen);
        return;
    }
    char a[16];
    text_addr(addr, a, sizeof a);
    text_fmt(buf, buflen, "%s:%u", a, (unsigned)port);
}

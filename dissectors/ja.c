/* ja.c - JA3/JA3S and JA4/JA4S fingerprints (see ja.h). */
#include "ja.h"

#include <openssl/evp.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A bounded string builder: appends until full, never overflows. */
typedef struct {
    char *buf;
    size_t cap, len;
} sbuf;

/* Appends an optional separator and v in decimal or as 4 lowercase hex digits. */
static void sb_num(sbuf *b, char sep, unsigned v, bool hex4)
{
    char tmp[16];
    int n = hex4 ? snprintf(tmp, sizeof tmp, "%04x", v) : snprintf(tmp, sizeof tmp, "%u", v);
    if (sep && b->len + 1 < b->cap)
        b->buf[b->len++] = sep;
    for (int i = 0; i < n && b->len + 1 < b->cap; i++)
        b->buf[b->len++] = tmp[i];
    b->buf[b->len < b->cap ? b->len : b->cap - 1] = '\0';
}

static void sb_char(sbuf *b, char c)
{
    if (b->len + 1 < b->cap) {
        b->buf[b->len++] = c;
        b->buf[b->len] = '\0';
    }
}

static void hex_digest(const EVP_MD *md, const char *data, size_t len, char *out, size_t hexchars)
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int dl = 0;
    out[0] = '\0';
    if (!EVP_Digest(data, len, d, &dl, md, NULL))
        return;
    size_t o = 0;
    for (unsigned i = 0; i < dl && o + 2 <= hexchars; i++, o += 2)
        snprintf(out + o, 3, "%02x", d[i]);
    out[o] = '\0';
}

/* Decimal values joined by '-', GREASE left out (JA3). */
static void ja3_list16(sbuf *b, const uint16_t *v, unsigned n)
{
    bool first = true;
    for (unsigned i = 0; i < n; i++) {
        if (tls_is_grease(v[i]))
            continue;
        sb_num(b, first ? 0 : '-', v[i], false);
        first = false;
    }
}

void ja_ja3(const tls_client_hello *ch, char *str, size_t strlen_max, char md5_hex[JA_MD5_HEX])
{
    char tmp[4096];
    sbuf b = { tmp, sizeof tmp, 0 };
    tmp[0] = '\0';
    sb_num(&b, 0, ch->legacy_version, false);
    sb_char(&b, ',');
    ja3_list16(&b, ch->suites, ch->n_suites);
    sb_char(&b, ',');
    ja3_list16(&b, ch->extensions, ch->n_extensions);
    sb_char(&b, ',');
    ja3_list16(&b, ch->groups, ch->n_groups);
    sb_char(&b, ',');
    for (unsigned i = 0; i < ch->n_point_formats; i++)
        sb_num(&b, i ? '-' : 0, ch->point_formats[i], false);
    hex_digest(EVP_md5(), tmp, b.len, md5_hex, 32);
    if (str && strlen_max)
        snprintf(str, strlen_max, "%s", tmp);
}

void ja_ja3s(const tls_server_hello *sh, char *str, size_t strlen_max, char md5_hex[JA_MD5_HEX])
{
    char tmp[1024];
    sbuf b = { tmp, sizeof tmp, 0 };
    tmp[0] = '\0';
    sb_num(&b, 0, sh->legacy_version, false);
    sb_num(&b, ',', sh->suite, false);
    sb_char(&b, ',');
    ja3_list16(&b, sh->extensions, sh->n_extensions);
    hex_digest(EVP_md5(), tmp, b.len, md5_hex, 32);
    if (str && strlen_max)
        snprintf(str, strlen_max, "%s", tmp);
}

/* JA4.md "TLS and DTLS Version". */
static const char *ja4_version(uint16_t v)
{
    switch (v) {
    case 0x0304: return "13";
    case 0x0303: return "12";
    case 0x0302: return "11";
    case 0x0301: return "10";
    case 0x0300: return "s3";
    case 0x0002: return "s2";
    case 0xfeff: return "d1";
    case 0xfefd: return "d2";
    case 0xfefc: return "d3";
    default: return "00";
    }
}

/* JA4.md "ALPN Extension Value": first and last character of the first
 * value; when either is not alphanumeric, the first hex digit of the first
 * byte and the last hex digit of the last byte instead; "00" without ALPN. */
static void ja4_alpn(bool has, uint8_t first, uint8_t last, char out[3])
{
    static const char hex[] = "0123456789abcdef";
    if (!has) {
        out[0] = out[1] = '0';
    } else if (isalnum(first) && isalnum(last) && first < 0x80 && last < 0x80) {
        out[0] = (char)first;
        out[1] = (char)last;
    } else {
        out[0] = hex[first >> 4];
        out[1] = hex[last & 0x0F];
    }
    out[2] = '\0';
}

static int cmp_u16(const void *a, const void *b)
{
    uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
    return (x > y) - (x < y);
}

/* 4-digit lowercase hex values joined by ',' (GREASE and `skip` left out). */
static unsigned hex_list(sbuf *b, const uint16_t *v, unsigned n, bool sort, bool skip_sni_alpn)
{
    uint16_t tmp[TLS_MAX_SUITES > TLS_MAX_EXTENSIONS ? TLS_MAX_SUITES : TLS_MAX_EXTENSIONS];
    unsigned k = 0;
    for (unsigned i = 0; i < n && k < sizeof tmp / sizeof tmp[0]; i++) {
        if (tls_is_grease(v[i]))
            continue;
        if (skip_sni_alpn && (v[i] == 0x0000 || v[i] == 0x0010))
            continue;
        tmp[k++] = v[i];
    }
    if (sort)
        qsort(tmp, k, sizeof tmp[0], cmp_u16);
    for (unsigned i = 0; i < k; i++)
        sb_num(b, i ? ',' : 0, tmp[i], true);
    return k;
}

static unsigned count_non_grease(const uint16_t *v, unsigned n)
{
    unsigned k = 0;
    for (unsigned i = 0; i < n; i++)
        k += tls_is_grease(v[i]) ? 0 : 1;
    return k > 99 ? 99 : k;
}

static void hash12(const char *s, size_t len, unsigned items, char out[13])
{
    if (items == 0) {
        memcpy(out, "000000000000", 13);
        return;
    }
    hex_digest(EVP_sha256(), s, len, out, 12);
}

void ja_ja4(const tls_client_hello *ch, char out[JA4_TEXT])
{
    uint16_t version = ch->legacy_version;
    if (ch->has_supported_versions) {
        uint16_t best = 0;
        for (unsigned i = 0; i < ch->n_versions; i++)
            if (!tls_is_grease(ch->versions[i]) && ch->versions[i] > best)
                best = ch->versions[i];
        if (best)
            version = best;
    }
    bool sni = false;
    for (unsigned i = 0; i < ch->n_extensions; i++)
        sni = sni || ch->extensions[i] == 0x0000;
    char alpn[3];
    ja4_alpn(ch->n_alpn > 0, ch->alpn0_first, ch->alpn0_last, alpn);

    char lb[1024], lc[1024];
    sbuf b = { lb, sizeof lb, 0 }, c = { lc, sizeof lc, 0 };
    lb[0] = lc[0] = '\0';
    unsigned nb = hex_list(&b, ch->suites, ch->n_suites, true, false);
    unsigned nc = hex_list(&c, ch->extensions, ch->n_extensions, true, true);
    if (ch->n_sigalgs > 0) {
        sb_char(&c, '_');
        hex_list(&c, ch->sigalgs, ch->n_sigalgs, false, false);
    }
    char hb[13], hc[13];
    hash12(lb, b.len, nb, hb);
    hash12(lc, c.len, nc, hc);
    snprintf(out, JA4_TEXT, "t%s%c%02u%02u%s_%s_%s", ja4_version(version), sni ? 'd' : 'i',
             count_non_grease(ch->suites, ch->n_suites),
             count_non_grease(ch->extensions, ch->n_extensions), alpn, hb, hc);
}

void ja_ja4s(const tls_server_hello *sh, char out[JA4S_TEXT])
{
    char alpn[3];
    ja4_alpn(sh->has_alpn, sh->alpn_first, sh->alpn_last, alpn);
    char lc[512];
    sbuf c = { lc, sizeof lc, 0 };
    lc[0] = '\0';
    unsigned nc = hex_list(&c, sh->extensions, sh->n_extensions, false, false);
    char hc[13];
    hash12(lc, c.len, nc, hc);
    snprintf(out, JA4S_TEXT, "t%s%02u%s_%04x_%s", ja4_version(sh->selected_version),
             count_non_grease(sh->extensions, sh->n_extensions), alpn, sh->suite, hc);
}

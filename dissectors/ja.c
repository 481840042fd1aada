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

/* Appends an optional separator and v in decimal or as 4 lowercase hex
 * digits. By hand, not snprintf: a fingerprint is a few hundred numbers
 * and every TLS connection has four of them. */
static void sb_num(sbuf *b, char sep, unsigned v, bool hex4)
{
    static const char hex[] = "0123456789abcdef";
    char tmp[16];
    int n = 0;
    if (hex4) {
        tmp[0] = hex[(v >> 12) & 0xF];
        tmp[1] = hex[(v >> 8) & 0xF];
        tmp[2] = hex[(v >> 4) & 0xF];
        tmp[3] = hex[v & 0xF];
        n = 4;
        if (v > 0xFFFF) /* wider than 4 digits, as %04x would print it */
            n = snprintf(tmp, sizeof tmp, "%04x", v);
    } else {
        char rev[16];
        int k = 0;
        do {
            rev[k++] = (char)('0' + v % 10);
            v /= 10;
        } while (v);
        while (k)
            tmp[n++] = rev[--k];
    }
    if (sep && b->len + 1 < b->cap)
        b->buf[b->len++] = sep;
    for (int i = 0; i < n && b->len + 1 < b->cap; i++)
        b->buf[b->len++] = tmp[i];
    b->buf[b->len < b->cap ? b->len : b->cap - 1] = '\0';
}

/* What snprintf(str, max, "%s", src) did, without parsing a format. */
static void copy_str(char *str, size_t max, const char *src, size_t len)
{
    if (!str || !max)
        return;
    size_t n = len < max - 1 ? len : max - 1;
    memcpy(str, src, n);
    str[n] = '\0';
}

static void sb_char(sbuf *b, char c)
{
    if (b->len + 1 < b->cap) {
        b->buf[b->len++] = c;
        b->buf[b->len] = '\0';
    }
}

/* The digest fetched once: EVP_md5() and EVP_sha256() make OpenSSL 3
 * look the implementation up in its provider tables (under a lock) on
 * every EVP_Digest call, which cost more than the hashing itself. */
static const EVP_MD *fetched(EVP_MD **slot, bool *tried, const char *name, const EVP_MD *fallback)
{
    if (!*tried) {
        *tried = true;
        *slot = EVP_MD_fetch(NULL, name, NULL);
    }
    return *slot ? *slot : fallback;
}

static EVP_MD *md5_md, *sha256_md;
static bool md5_tried, sha256_tried;

static void hex_digest(const EVP_MD *md, const char *data, size_t len, char *out, size_t hexchars)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int dl = 0;
    out[0] = '\0';
    if (!EVP_Digest(data, len, d, &dl, md, NULL))
        return;
    size_t o = 0;
    for (unsigned i = 0; i < dl && o + 2 <= hexchars; i++, o += 2) {
        out[o] = hex[d[i] >> 4];
        out[o + 1] = hex[d[i] & 0xF];
    }
    out[o] = '\0';
}

/* ---- fingerprints already computed ---------------------------------------
 * A busy capture holds thousands of hellos from a handful of client and
 * server builds: the same fields, the same fingerprints. Each public
 * function below first serializes the fields its fingerprint reads (with
 * their counts, and a tag saying which fingerprint) into a key; a key seen
 * before gives back the stored text and digest, compared in full, never by
 * hash alone. Bounded: JA_CACHE_ENTRIES entries, the oldest replaced. One
 * analysis runs in one thread; no lock. */
#define JA_CACHE_ENTRIES 64u
#define JA_KEY_MAX                                                                            \
    (16 + TLS_MAX_SUITES + TLS_MAX_EXTENSIONS + TLS_MAX_GROUPS + TLS_MAX_POINT_FORMATS +     \
     TLS_MAX_VERSIONS + TLS_MAX_SIGALGS)

typedef struct {
    uint16_t v[JA_KEY_MAX];
    unsigned n;
    bool overflow;                       /* never true with the caps above; then: no cache */
} ja_key;

typedef struct {
    uint64_t hash;
    uint16_t *key;                       /* NULL: free slot */
    unsigned n;
    char *text;                          /* the whole fingerprint string */
    size_t text_len;
    char digest[JA_MD5_HEX];             /* JA3/JA3S only */
} ja_entry;

static ja_entry ja_cache[JA_CACHE_ENTRIES];
static unsigned ja_oldest;

static void key_init(ja_key *k)
{
    k->n = 0;
    k->overflow = false;
}

static void key_put(ja_key *k, unsigned v)
{
    if (k->n < JA_KEY_MAX)
        k->v[k->n++] = (uint16_t)v;
    else
        k->overflow = true;
}

static void key_list(ja_key *k, const uint16_t *v, unsigned n)
{
    key_put(k, n);
    for (unsigned i = 0; i < n; i++)
        key_put(k, v[i]);
}

static uint64_t key_hash(const ja_key *k)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned i = 0; i < k->n; i++) {
        h ^= k->v[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static const ja_entry *ja_find(const ja_key *k, uint64_t h)
{
    if (k->overflow)
        return NULL;
    for (unsigned i = 0; i < JA_CACHE_ENTRIES; i++) {
        const ja_entry *e = &ja_cache[i];
        if (e->key && e->hash == h && e->n == k->n && !memcmp(e->key, k->v, k->n * sizeof k->v[0]))
            return e;
    }
    return NULL;
}

static void ja_store(const ja_key *k, uint64_t h, const char *text, size_t len,
                     const char *digest)
{
    if (k->overflow)
        return;
    uint16_t *key = malloc(k->n ? k->n * sizeof k->v[0] : 1);
    char *t = malloc(len + 1);
    if (!key || !t) {
        free(key);
        free(t);
        return;                          /* not cached: only slower */
    }
    memcpy(key, k->v, k->n * sizeof k->v[0]);
    memcpy(t, text, len);
    t[len] = '\0';
    ja_entry *e = &ja_cache[ja_oldest];
    ja_oldest = (ja_oldest + 1) % JA_CACHE_ENTRIES;
    free(e->key);
    free(e->text);
    e->hash = h;
    e->key = key;
    e->n = k->n;
    e->text = t;
    e->text_len = len;
    copy_str(e->digest, sizeof e->digest, digest ? digest : "",
             digest ? strnlen(digest, JA_MD5_HEX - 1) : 0);
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
    ja_key k;
    key_init(&k);
    key_put(&k, 3);
    key_put(&k, ch->legacy_version);
    key_list(&k, ch->suites, ch->n_suites);
    key_list(&k, ch->extensions, ch->n_extensions);
    key_list(&k, ch->groups, ch->n_groups);
    key_put(&k, ch->n_point_formats);
    for (unsigned i = 0; i < ch->n_point_formats; i++)
        key_put(&k, ch->point_formats[i]);
    uint64_t h = key_hash(&k);
    const ja_entry *e = ja_find(&k, h);
    if (e) {
        copy_str(md5_hex, JA_MD5_HEX, e->digest, strlen(e->digest));
        copy_str(str, strlen_max, e->text, e->text_len);
        return;
    }
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
    hex_digest(fetched(&md5_md, &md5_tried, "MD5", EVP_md5()), tmp, b.len, md5_hex, 32);
    copy_str(str, strlen_max, tmp, b.len);
    ja_store(&k, h, tmp, b.len, md5_hex);
}

void ja_ja3s(const tls_server_hello *sh, char *str, size_t strlen_max, char md5_hex[JA_MD5_HEX])
{
    ja_key k;
    key_init(&k);
    key_put(&k, 0x35);
    key_put(&k, sh->legacy_version);
    key_put(&k, sh->suite);
    key_list(&k, sh->extensions, sh->n_extensions);
    uint64_t h = key_hash(&k);
    const ja_entry *e = ja_find(&k, h);
    if (e) {
        copy_str(md5_hex, JA_MD5_HEX, e->digest, strlen(e->digest));
        copy_str(str, strlen_max, e->text, e->text_len);
        return;
    }
    char tmp[1024];
    sbuf b = { tmp, sizeof tmp, 0 };
    tmp[0] = '\0';
    sb_num(&b, 0, sh->legacy_version, false);
    sb_num(&b, ',', sh->suite, false);
    sb_char(&b, ',');
    ja3_list16(&b, sh->extensions, sh->n_extensions);
    hex_digest(fetched(&md5_md, &md5_tried, "MD5", EVP_md5()), tmp, b.len, md5_hex, 32);
    copy_str(str, strlen_max, tmp, b.len);
    ja_store(&k, h, tmp, b.len, md5_hex);
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
    hex_digest(fetched(&sha256_md, &sha256_tried, "SHA256", EVP_sha256()), s, len, out, 12);
}

void ja_ja4(const tls_client_hello *ch, char out[JA4_TEXT])
{
    ja_key k;
    key_init(&k);
    key_put(&k, 4);
    key_put(&k, ch->legacy_version);
    key_put(&k, ch->has_supported_versions);
    key_list(&k, ch->versions, ch->n_versions);
    key_list(&k, ch->suites, ch->n_suites);
    key_list(&k, ch->extensions, ch->n_extensions);
    key_put(&k, ch->n_alpn > 0);
    key_put(&k, ch->n_alpn > 0 ? (unsigned)ch->alpn0_first << 8 | ch->alpn0_last : 0);
    key_list(&k, ch->sigalgs, ch->n_sigalgs);
    uint64_t h = key_hash(&k);
    const ja_entry *e = ja_find(&k, h);
    if (e) {
        copy_str(out, JA4_TEXT, e->text, e->text_len);
        return;
    }
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
    ja_store(&k, h, out, strlen(out), NULL);
}

void ja_ja4s(const tls_server_hello *sh, char out[JA4S_TEXT])
{
    ja_key k;
    key_init(&k);
    key_put(&k, 0x45);
    key_put(&k, sh->selected_version);
    key_put(&k, sh->suite);
    key_put(&k, sh->has_alpn);
    key_put(&k, sh->has_alpn ? (unsigned)sh->alpn_first << 8 | sh->alpn_last : 0);
    key_list(&k, sh->extensions, sh->n_extensions);
    uint64_t h = key_hash(&k);
    const ja_entry *e = ja_find(&k, h);
    if (e) {
        copy_str(out, JA4S_TEXT, e->text, e->text_len);
        return;
    }
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
    ja_store(&k, h, out, strlen(out), NULL);
}

/* x509.c - certificate facts through OpenSSL (see x509.h). RFC 5280 for
 * the fields, RFC 6125 for the name check. */
#include "x509.h"

#include "wirestr.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

/* Remote Desktop Authentication: the EKU a Windows "Remote Desktop"
 * certificate template carries (Microsoft OID 1.3.6.1.4.1.311.54.1.2). */
#define OID_RDP_AUTH "1.3.6.1.4.1.311.54.1.2"
#define OID_SERVER_AUTH "1.3.6.1.5.5.7.3.1"
#define OID_CLIENT_AUTH "1.3.6.1.5.5.7.3.2"
#define OID_ANY_EKU "2.5.29.37.0"

static void name_text(const X509_NAME *n, char *out, size_t outlen)
{
    out[0] = '\0';
    BIO *b = BIO_new(BIO_s_mem());
    if (!b)
        return;
    /* RFC 2253 order and escaping (a backslash before , + " \ < > ; and
     * control characters as \XX), but UTF-8 kept as bytes, which
     * wire_printable_escaped then shows as \xNN; OpenSSL's backslashes stay
     * single (doubled, the name read CN=\\<b\\>). */
    if (X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
        char *data;
        long len = BIO_get_mem_data(b, &data);
        if (len > 0)
            wire_printable_escaped((const uint8_t *)data, (size_t)len, out, outlen);
    }
    BIO_free(b);
}

static void common_name(const X509_NAME *n, char *out, size_t outlen)
{
    out[0] = '\0';
    int idx = -1, last = -1;
    while ((idx = X509_NAME_get_index_by_NID(n, NID_commonName, idx)) >= 0)
        last = idx;
    if (last < 0)
        return;
    const ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, last));
    unsigned char *utf8 = NULL;
    int len = ASN1_STRING_to_UTF8(&utf8, s);
    if (len >= 0 && utf8)
        wire_printable(utf8, (size_t)len, out, outlen);
    OPENSSL_free(utf8);
}

static void read_sans(X509 *x, x509_info *info)
{
    GENERAL_NAMES *names = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    if (!names)
        return;
    for (int i = 0; i < sk_GENERAL_NAME_num(names); i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
        x509_san san;
        memset(&san, 0, sizeof san);
        if (g->type == GEN_DNS) {
            san.type = X509_SAN_DNS;
            wire_printable(ASN1_STRING_get0_data(g->d.dNSName),
                           (size_t)ASN1_STRING_length(g->d.dNSName), san.value, sizeof san.value);
        } else if (g->type == GEN_IPADD) {
            int l = ASN1_STRING_length(g->d.iPAddress);
            const unsigned char *a = ASN1_STRING_get0_data(g->d.iPAddress);
            san.type = X509_SAN_IP;
            if (l == 4)
                inet_ntop(AF_INET, a, san.value, sizeof san.value);
            else if (l == 16)
                inet_ntop(AF_INET6, a, san.value, sizeof san.value);
            else
                continue;
        } else {
            continue;
        }
        if (info->n_sans < X509_MAX_SANS)
            info->sans[info->n_sans++] = san;
        else
            info->sans_capped = true;
    }
    GENERAL_NAMES_free(names);
}

static bool asn1_time_unix(const ASN1_TIME *t, int64_t *out)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
        return false;
    *out = (int64_t)timegm(&tm);
    return true;
}

static void append(char *buf, size_t buflen, const char *s)
{
    size_t n = strlen(buf);
    if (n + 1 >= buflen)
        return;
    snprintf(buf + n, buflen - n, "%s%s", n ? ", " : "", s);
}

static void read_eku(X509 *x, x509_info *info)
{
    EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
    if (!eku)
        return;
    info->has_eku = true;
    for (int i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
        char oid[80];
        if (OBJ_obj2txt(oid, sizeof oid, sk_ASN1_OBJECT_value(eku, i), 1) <= 0)
            continue;
        if (!strcmp(oid, OID_SERVER_AUTH)) {
            info->eku_server_auth = true;
            append(info->eku_text, sizeof info->eku_text, "Server Authentication");
        } else if (!strcmp(oid, OID_RDP_AUTH)) {
            info->eku_rdp_auth = true;
            append(info->eku_text, sizeof info->eku_text, "Remote Desktop Authentication");
        } else if (!strcmp(oid, OID_ANY_EKU)) {
            info->eku_any = true;
            append(info->eku_text, sizeof info->eku_text, "Any Purpose");
        } else if (!strcmp(oid, OID_CLIENT_AUTH)) {
            append(info->eku_text, sizeof info->eku_text, "Client Authentication");
        } else {
            append(info->eku_text, sizeof info->eku_text, oid);
        }
    }
    EXTENDED_KEY_USAGE_free(eku);
}

static void read_key(X509 *x, x509_info *info)
{
    EVP_PKEY *pk = X509_get0_pubkey(x);
    if (!pk)
        return;
    info->key_bits = EVP_PKEY_get_bits(pk);
    int id = EVP_PKEY_get_base_id(pk);
    const char *t = "other";
    int weak_below = 0;
    switch (id) {
    case EVP_PKEY_RSA: t = "RSA"; weak_below = 2048; break;
    case EVP_PKEY_RSA_PSS: t = "RSA-PSS"; weak_below = 2048; break;
    case EVP_PKEY_DSA: t = "DSA"; weak_below = 2048; break;
    case EVP_PKEY_EC: t = "EC"; weak_below = 224; break;
    case EVP_PKEY_ED25519: t = "ED25519"; break;
    case EVP_PKEY_ED448: t = "ED448"; break;
    default: break;
    }
    snprintf(info->key_type, sizeof info->key_type, "%s", t);
    if (id == EVP_PKEY_EC) {
        char g[64];
        size_t gl = 0;
        if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, g, sizeof g, &gl))
            snprintf(info->key_curve, sizeof info->key_curve, "%s", g);
    }
    /* NIST SP 800-131A: RSA and DSA below 2048 bits, EC below 224. */
    info->weak_key = weak_below > 0 && info->key_bits > 0 && info->key_bits < weak_below;
}

/* Everything about the certificate that does not depend on the time it is
 * checked at: info->expired and info->not_yet_valid are left false. */
static bool parse_der(const uint8_t *der, size_t len, x509_info *info)
{
    memset(info, 0, sizeof *info);
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    if (!x)
        return false;
    info->parsed = true;
    const X509_NAME *subj = X509_get_subject_name(x), *iss = X509_get_issuer_name(x);
    name_text(subj, info->subject, sizeof info->subject);
    name_text(iss, info->issuer, sizeof info->issuer);
    common_name(subj, info->common_name, sizeof info->common_name);
    read_sans(x, info);

    info->validity_known = asn1_time_unix(X509_get0_notBefore(x), &info->not_before) &&
                           asn1_time_unix(X509_get0_notAfter(x), &info->not_after);

    info->self_issued = X509_NAME_cmp(subj, iss) == 0;
    EVP_PKEY *pk = X509_get0_pubkey(x);
    info->self_signed = info->self_issued && pk && X509_verify(x, pk) == 1;
    read_key(x, info);

    int sig_nid = X509_get_signature_nid(x);
    const char *ln = OBJ_nid2ln(sig_nid);
    snprintf(info->signature_algorithm, sizeof info->signature_algorithm, "%s",
             ln ? ln : "unknown");
    int md_nid = NID_undef, pk_nid = NID_undef;
    if (OBJ_find_sigid_algs(sig_nid, &md_nid, &pk_nid))
        info->weak_signature = md_nid == NID_md5 || md_nid == NID_sha1 || md_nid == NID_md2 ||
                               md_nid == NID_md4;

    uint32_t flags = X509_get_extension_flags(x);
    if (flags & EXFLAG_KUSAGE) {
        info->has_key_usage = true;
        info->key_usage = X509_get_key_usage(x);
    }
    info->is_ca = (flags & EXFLAG_CA) != 0;
    read_eku(x, info);

    unsigned int mdlen = 0;
    if (EVP_Digest(der, len, info->sha256, &mdlen, EVP_sha256(), NULL) && mdlen == 32) {
        size_t o = 0;
        for (unsigned i = 0; i < 32; i++)
            o += (size_t)snprintf(info->sha256_hex + o, sizeof info->sha256_hex - o, "%s%02X",
                                  i ? ":" : "", info->sha256[i]);
    }
    X509_free(x);
    return true;
}

/* ---- the parsed-certificate cache ----------------------------------------
 * A busy capture shows the same few server certificates in thousands of
 * connections; parsing each again through OpenSSL (d2i, name printing,
 * the self-signature check, the digest) was the largest CPU cost of an
 * analysis. The facts that do not depend on the capture time are kept per
 * distinct DER: a bounded table, found by a hash of the bytes plus the
 * length, confirmed by comparing the bytes (a hash collision never mixes
 * two certificates), the oldest entry evicted when full. The validity
 * against the time of each connection is computed on every call.
 * One analysis runs in one thread; the table is not locked. */
#define CACHE_ENTRIES 256u
#define CACHE_BUCKETS 512u            /* power of two, > CACHE_ENTRIES */
#define CACHE_MAX_DER 16384u          /* larger certificates are parsed every time */

typedef struct {
    uint64_t hash;
    size_t len;
    uint8_t *der;                     /* a copy; NULL: the slot is free */
    int next;                         /* the next entry in the same bucket, -1: none */
    x509_info info;                   /* expired / not_yet_valid false */
} cache_entry;

static cache_entry cache[CACHE_ENTRIES];
static int cache_bucket[CACHE_BUCKETS];
static bool cache_ready;
static unsigned cache_oldest;         /* FIFO: the slot replaced next */
static uint64_t cache_hit_count;

static void ca_cache_drop(void);

/* FNV-1a style, 64 bits, eight bytes a step: cheap next to a parse, and
 * the bytes are compared on every hit anyway, so a collision costs only a
 * comparison. */
static uint64_t der_hash(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull ^ (uint64_t)n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0x100000001b3ull;
        h ^= h >> 32;
    }
    for (; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

static void cache_init(void)
{
    if (cache_ready)
        return;
    for (unsigned i = 0; i < CACHE_BUCKETS; i++)
        cache_bucket[i] = -1;
    cache_ready = true;
}

static const cache_entry *cache_find(uint64_t h, const uint8_t *der, size_t len)
{
    for (int i = cache_bucket[h & (CACHE_BUCKETS - 1)]; i >= 0; i = cache[i].next)
        if (cache[i].hash == h && cache[i].len == len && !memcmp(cache[i].der, der, len))
            return &cache[i];
    return NULL;
}

static void cache_unlink(unsigned slot)
{
    int *link = &cache_bucket[cache[slot].hash & (CACHE_BUCKETS - 1)];
    while (*link >= 0 && *link != (int)slot)
        link = &cache[*link].next;
    if (*link == (int)slot)
        *link = cache[slot].next;
}

static void cache_store(uint64_t h, const uint8_t *der, size_t len, const x509_info *info)
{
    uint8_t *copy = malloc(len);
    if (!copy)
        return;                       /* not cached: only slower */
    memcpy(copy, der, len);
    unsigned slot = cache_oldest;
    cache_oldest = (cache_oldest + 1) % CACHE_ENTRIES;
    cache_entry *e = &cache[slot];
    if (e->der) {
        cache_unlink(slot);
        free(e->der);
    }
    e->hash = h;
    e->len = len;
    e->der = copy;
    e->info = *info;
    unsigned b = (unsigned)(h & (CACHE_BUCKETS - 1));
    e->next = cache_bucket[b];
    cache_bucket[b] = (int)slot;
}

void x509_cache_clear(void)
{
    for (unsigned i = 0; i < CACHE_ENTRIES; i++) {
        free(cache[i].der);
        cache[i].der = NULL;
    }
    cache_ready = false;
    cache_oldest = 0;
    cache_hit_count = 0;
    ca_cache_drop();
}

uint64_t x509_cache_hits(void) { return cache_hit_count; }

static void set_validity(x509_info *info, int64_t now)
{
    if (info->validity_known) {
        info->expired = now > info->not_after;
        info->not_yet_valid = now < info->not_before;
    }
}

bool x509_parse(const uint8_t *der, size_t len, int64_t now, x509_info *info)
{
    if (!der || len == 0 || len > (size_t)LONG_MAX) {
        memset(info, 0, sizeof *info);
        return false;
    }
    if (len > CACHE_MAX_DER) {
        parse_der(der, len, info);
    } else {
        cache_init();
        uint64_t h = der_hash(der, len);
        const cache_entry *e = cache_find(h, der, len);
        if (e) {
            cache_hit_count++;
            *info = e->info;
        } else {
            parse_der(der, len, info); /* a failure (parsed false) is kept too */
            cache_store(h, der, len, info);
        }
    }
    set_validity(info, now);
    return info->parsed;
}

/* Lower-cases into out without a trailing dot. */
static void norm(const char *in, char *out, size_t outlen)
{
    size_t n = 0;
    for (; in[n] && n + 1 < outlen; n++)
        out[n] = (char)tolower((unsigned char)in[n]);
    out[n] = '\0';
    if (n > 0 && out[n - 1] == '.')
        out[n - 1] = '\0';
}

/* RFC 6125 6.4.3: a wildcard only as the whole left-most label, matching
 * exactly one label, and never against an IP address. */
static bool dns_match(const char *pattern, const char *host)
{
    char p[X509_SAN_TEXT], h[X509_SAN_TEXT];
    norm(pattern, p, sizeof p);
    norm(host, h, sizeof h);
    if (!p[0] || !h[0])
        return false;
    if (p[0] == '*' && p[1] == '.') {
        const char *dot = strchr(h, '.');
        /* "*.example.com" needs at least two labels after the star. */
        if (!dot || !strchr(p + 2, '.'))
            return false;
        return strcmp(dot + 1, p + 2) == 0 && dot != h;
    }
    return strcmp(p, h) == 0;
}

static bool ip_equal(const char *a, const char *b)
{
    unsigned char x[16], y[16];
    if (inet_pton(AF_INET, a, x) == 1 && inet_pton(AF_INET, b, y) == 1)
        return memcmp(x, y, 4) == 0;
    if (inet_pton(AF_INET6, a, x) == 1 && inet_pton(AF_INET6, b, y) == 1)
        return memcmp(x, y, 16) == 0;
    return false;
}

bool x509_matches_name(const x509_info *info, const char *name)
{
    if (!info->parsed || !name || !name[0])
        return false;
    unsigned char tmp[16];
    bool is_ip = inet_pton(AF_INET, name, tmp) == 1 || inet_pton(AF_INET6, name, tmp) == 1;
    /* RDP clients (mstsc, FreeRDP's tls_match_hostname) accept the subject
     * CN as well as the subjectAltNames, and an address written as a DNS
     * name; checking the same way avoids claiming a mismatch the client
     * did not see. */
    for (unsigned i = 0; i < info->n_sans; i++) {
        const x509_san *s = &info->sans[i];
        if (s->type == X509_SAN_IP && is_ip && ip_equal(s->value, name))
            return true;
        if (s->type == X509_SAN_DNS && (is_ip ? !strcasecmp(s->value, name) : dns_match(s->value, name)))
            return true;
    }
    if (info->common_name[0]) {
        if (is_ip)
            return ip_equal(info->common_name, name) || !strcasecmp(info->common_name, name);
        return dns_match(info->common_name, name);
    }
    return false;
}

/* The --ca-file bundle, read once per run (a bundle of a few hundred CAs
 * costs milliseconds to load, which per certificate was most of the time
 * of a run with --ca-file), and read again only when another file is
 * named or the file changed (its identity, size or time). An X509_STORE
 * is shared by many verifications, as an SSL_CTX shares its own. */
static struct {
    char *path;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
    X509_STORE *store;                /* NULL: the file could not be read */
} ca_cache;

static void ca_cache_drop(void)
{
    X509_STORE_free(ca_cache.store);
    free(ca_cache.path);
    memset(&ca_cache, 0, sizeof ca_cache);
}

/* The store for ca_file, or NULL when it cannot be read. */
static X509_STORE *ca_store(const char *ca_file)
{
    struct stat st;
    if (stat(ca_file, &st) != 0) {
        ca_cache_drop();
        return NULL;
    }
    if (ca_cache.path && !strcmp(ca_cache.path, ca_file) && ca_cache.dev == st.st_dev &&
        ca_cache.ino == st.st_ino && ca_cache.size == st.st_size &&
        ca_cache.mtime.tv_sec == st.st_mtim.tv_sec && ca_cache.mtime.tv_nsec == st.st_mtim.tv_nsec)
        return ca_cache.store;
    ca_cache_drop();
    ca_cache.path = strdup(ca_file);
    if (!ca_cache.path)
        return NULL;
    ca_cache.dev = st.st_dev;
    ca_cache.ino = st.st_ino;
    ca_cache.size = st.st_size;
    ca_cache.mtime = st.st_mtim;
    X509_STORE *store = X509_STORE_new();
    if (store && X509_STORE_load_file(store, ca_file) != 1) {
        X509_STORE_free(store);
        store = NULL;
    }
    ca_cache.store = store;
    return store;
}

x509_chain_status x509_verify_chain(const uint8_t *const *ders, const size_t *lens, unsigned n,
                                    const char *ca_file, int64_t at, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!ca_file || !ca_file[0] || n == 0)
        return X509_CHAIN_NOT_CHECKED;
    x509_chain_status st = X509_CHAIN_FAILED;
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    X509 *leaf = NULL;
    X509_STORE *store = NULL;
    if (!ctx || !untrusted) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    store = ca_store(ca_file);
    if (!store) {
        snprintf(err, errlen, "cannot read CA file %s", ca_file);
        st = X509_CHAIN_NOT_CHECKED;
        goto done;
    }
    for (unsigned i = 0; i < n; i++) {
        const unsigned char *p = ders[i];
        if (lens[i] > (size_t)LONG_MAX)
            continue;
        X509 *x = d2i_X509(NULL, &p, (long)lens[i]);
        if (!x)
            continue;
        if (i == 0)
            leaf = x;
        else if (!sk_X509_push(untrusted, x))
            X509_free(x);
    }
    if (!leaf) {
        snprintf(err, errlen, "the server certificate cannot be parsed");
        goto done;
    }
    if (X509_STORE_CTX_init(ctx, store, leaf, untrusted) != 1) {
        snprintf(err, errlen, "cannot set up the verification");
        goto done;
    }
    X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), (time_t)at);
    if (X509_verify_cert(ctx) == 1) {
        st = X509_CHAIN_OK;
    } else {
        int e = X509_STORE_CTX_get_error(ctx);
        snprintf(err, errlen, "%s (%d)", X509_verify_cert_error_string(e), e);
    }
done:
    X509_free(leaf);
    sk_X509_pop_free(untrusted, X509_free);
    X509_STORE_CTX_free(ctx);
    return st;
}

void x509_time_str(int64_t t, char *buf, size_t buflen)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || strftime(buf, buflen, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
        snprintf(buf, buflen, "%lld", (long long)t);
}

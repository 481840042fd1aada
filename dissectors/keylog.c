/* keylog.c - see keylog.h. */
#include "keylog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The NSS key-log labels, in keylog_label order. */
static const char *const label_names[KEYLOG_LABEL_COUNT] = {
    [KEYLOG_MASTER_SECRET] = "CLIENT_RANDOM",
    [KEYLOG_CLIENT_EARLY_TRAFFIC] = "CLIENT_EARLY_TRAFFIC_SECRET",
    [KEYLOG_CLIENT_HANDSHAKE_TRAFFIC] = "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
    [KEYLOG_SERVER_HANDSHAKE_TRAFFIC] = "SERVER_HANDSHAKE_TRAFFIC_SECRET",
    [KEYLOG_CLIENT_TRAFFIC_0] = "CLIENT_TRAFFIC_SECRET_0",
    [KEYLOG_SERVER_TRAFFIC_0] = "SERVER_TRAFFIC_SECRET_0",
    [KEYLOG_EARLY_EXPORTER] = "EARLY_EXPORTER_SECRET",
    [KEYLOG_EXPORTER] = "EXPORTER_SECRET",
};

void keylog_init(keylog *k)
{
    memset(k, 0, sizeof *k);
}

void keylog_free(keylog *k)
{
    free(k->entries);
    memset(k, 0, sizeof *k);
}

const char *keylog_label_name(keylog_label label)
{
    if ((unsigned)label >= KEYLOG_LABEL_COUNT)
        return NULL;
    return label_names[label];
}

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes exactly hexlen hex digits into out (hexlen/2 bytes, <= outcap). */
static bool unhex(const uint8_t *hex, size_t hexlen, uint8_t *out, size_t outcap)
{
    if (hexlen % 2 != 0 || hexlen / 2 > outcap)
        return false;
    for (size_t i = 0; i < hexlen / 2; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

static keylog_entry *find_mut(keylog *k, const uint8_t *cr)
{
    for (size_t i = 0; i < k->count; i++)
        if (memcmp(k->entries[i].client_random, cr, KEYLOG_RANDOM_LEN) == 0)
            return &k->entries[i];
    return NULL;
}

const keylog_entry *keylog_find(const keylog *k, const uint8_t client_random[KEYLOG_RANDOM_LEN])
{
    return find_mut((keylog *)k, client_random);
}

static keylog_entry *entry_for(keylog *k, const uint8_t *cr)
{
    keylog_entry *e = find_mut(k, cr);
    if (e)
        return e;
    if (k->count >= KEYLOG_MAX_ENTRIES) {
        k->capped = true;
        return NULL;
    }
    if (k->count == k->alloc) {
        size_t n = k->alloc ? k->alloc * 2 : 16;
        if (n > KEYLOG_MAX_ENTRIES)
            n = KEYLOG_MAX_ENTRIES;
        keylog_entry *p = realloc(k->entries, n * sizeof *p);
        if (!p) {
            k->out_of_memory = true;
            return NULL;
        }
        k->entries = p;
        k->alloc = n;
    }
    e = &k->entries[k->count++];
    memset(e, 0, sizeof *e);
    memcpy(e->client_random, cr, KEYLOG_RANDOM_LEN);
    return e;
}

/* Splits off the next field (run of non-blank bytes) of [*p, end). */
static bool next_field(const uint8_t **p, const uint8_t *end, const uint8_t **f, size_t *flen)
{
    const uint8_t *q = *p;
    while (q < end && (*q == ' ' || *q == '\t'))
        q++;
    if (q == end)
        return false;
    *f = q;
    while (q < end && *q != ' ' && *q != '\t')
        q++;
    *flen = (size_t)(q - *f);
    *p = q;
    return true;
}

/* One line without its newline. Returns 1 when a secret was set. */
static int parse_line(keylog *k, const uint8_t *line, size_t len)
{
    if (len > 0 && line[len - 1] == '\r')
        len--;
    if (len > KEYLOG_MAX_LINE) {
        k->lines_bad++;
        return 0;
    }
    const uint8_t *p = line, *end = line + len;
    const uint8_t *f;
    size_t flen;
    if (!next_field(&p, end, &f, &flen) || f[0] == '#') {
        k->lines_ignored++;
        return 0;
    }
    int label = -1;
    for (int i = 0; i < KEYLOG_LABEL_COUNT; i++) {
        size_t n = strlen(label_names[i]);
        if (flen == n && memcmp(f, label_names[i], n) == 0) {
            label = i;
            break;
        }
    }
    if (label < 0) {
        /* "RSA", "CLIENT_TRAFFIC_SECRET_1", ...: valid lines we do not use. */
        k->lines_ignored++;
        return 0;
    }
    const uint8_t *crhex, *sechex, *extra;
    size_t crlen, seclen, extralen;
    uint8_t cr[KEYLOG_RANDOM_LEN], secret[KEYLOG_SECRET_MAX];
    if (!next_field(&p, end, &crhex, &crlen) || !next_field(&p, end, &sechex, &seclen) ||
        next_field(&p, end, &extra, &extralen) || crlen != 2 * KEYLOG_RANDOM_LEN ||
        !unhex(crhex, crlen, cr, sizeof cr) || seclen == 0 ||
        !unhex(sechex, seclen, secret, sizeof secret)) {
        k->lines_bad++;
        return 0;
    }
    /* RFC 5246 8.1: the master secret is always 48 bytes. */
    if (label == KEYLOG_MASTER_SECRET && seclen / 2 != 48) {
        k->lines_bad++;
        return 0;
    }
    keylog_entry *e = entry_for(k, cr);
    if (!e)
        return 0;
    memcpy(e->secret[label], secret, seclen / 2);
    e->secret_len[label] = (uint8_t)(seclen / 2);
    k->lines_used++;
    return 1;
}

size_t keylog_add_text(keylog *k, const uint8_t *text, size_t len)
{
    size_t set = 0;
    size_t start = 0;
    if (!text)
        return 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || text[i] == '\n') {
            if (i > start || i < len)
                set += (size_t)parse_line(k, text + start, i - start);
            start = i + 1;
        }
    }
    return set;
}

int keylog_load_file(keylog *k, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open the key-log file: %s", path, strerror(errno));
        return -1;
    }
    /* Read in bounded chunks, carrying a partial line over; a file larger than
     * KEYLOG_MAX_FILE is refused rather than read without end (a FIFO, /dev/zero). */
    size_t cap = 64 * 1024, have = 0, total = 0;
    uint8_t *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    int rc = 0;
    for (;;) {
        size_t n = fread(buf + have, 1, cap - have, f);
        total += n;
        if (total > KEYLOG_MAX_FILE) {
            snprintf(err, errlen, "%s: the key-log file is larger than %u bytes", path,
                     KEYLOG_MAX_FILE);
            rc = -1;
            break;
        }
        have += n;
        bool eof = n == 0;
        if (eof && ferror(f)) {
            snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
            rc = -1;
            break;
        }
        if (eof) {
            keylog_add_text(k, buf, have);
            break;
        }
        /* Parse every complete line; keep the partial last one. */
        size_t nl = have;
        while (nl > 0 && buf[nl - 1] != '\n')
            nl--;
        if (nl == 0) {
            if (have == cap) {
                /* A whole buffer without a newline: one over-long line. */
                k->lines_bad++;
                have = 0;
            }
            continue;
        }
        keylog_add_text(k, buf, nl - 1);
        memmove(buf, buf + nl, have - nl);
        have -= nl;
    }
    free(buf);
    fclose(f);
    return rc;
}

bool keylog_entry_has_tls12(const keylog_entry *e)
{
    return e && e->secret_len[KEYLOG_MASTER_SECRET] == 48;
}

bool keylog_entry_has_tls13(const keylog_entry *e)
{
    return e && e->secret_len[KEYLOG_CLIENT_TRAFFIC_0] > 0 &&
           e->secret_len[KEYLOG_SERVER_TRAFFIC_0] > 0;
}

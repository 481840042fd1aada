/* spool.c - report parts in an unlinked temporary file (see spool.h). Each
 * part is stored as a header (id, length, two splice points: 32-bit
 * numbers in host order; the file never leaves this process) followed by
 * its bytes; the index in memory holds only the id and the file offset. */
#define _FILE_OFFSET_BITS 64
#include "spool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    uint32_t id;
    uint64_t off;
} spool_entry;

struct spool {
    char dir[4096];             /* where the file goes ("" : $TMPDIR or /tmp) */
    FILE *f;
    uint64_t size;              /* bytes written */
    spool_entry *ix;
    size_t n, cap;
    char *buf;                  /* the part last read */
    size_t buf_cap;
    bool flushed;               /* written parts are flushed for reading */
    int error;
};

spool *spool_new(const char *near)
{
    spool *s = calloc(1, sizeof(spool));
    if (s && near && strcmp(near, "-") != 0) {
        const char *slash = strrchr(near, '/');
        if (!slash)
            snprintf(s->dir, sizeof s->dir, ".");
        else if (slash == near)
            snprintf(s->dir, sizeof s->dir, "/");
        else if ((size_t)(slash - near) < sizeof s->dir)
            snprintf(s->dir, sizeof s->dir, "%.*s", (int)(slash - near), near);
    }
    return s;
}

/* An unlinked temporary file in dir: nothing is left behind, even on a
 * crash. NULL with errno set. */
static FILE *temp_in(const char *dir)
{
    char path[4200];
    if (snprintf(path, sizeof path, "%s/.rdptriage-spool-XXXXXX", dir) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    unlink(path);
    FILE *f = fdopen(fd, "w+");
    if (!f)
        close(fd);
    return f;
}

/* Beside the report (its file system has room for the report anyway; /tmp
 * may be a small tmpfs), else in $TMPDIR or /tmp. */
static FILE *open_file(const spool *s)
{
    FILE *f = s->dir[0] ? temp_in(s->dir) : NULL;
    if (!f) {
        const char *t = getenv("TMPDIR");
        f = temp_in(t && *t ? t : "/tmp");
    }
    return f;
}

static bool fail(spool *s, int err)
{
    if (!s->error)
        s->error = err ? err : EIO;
    return false;
}

bool spool_add(spool *s, uint32_t id, const void *data, size_t len, const size_t splice[2])
{
    if (s->error)
        return false;
    if (len > UINT32_MAX || splice[0] > splice[1] || splice[1] > len)
        return fail(s, EINVAL);
    if (!s->f) {
        s->f = open_file(s);
        if (!s->f)
            return fail(s, errno);
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 1024;
        spool_entry *ix = realloc(s->ix, cap * sizeof *ix);
        if (!ix)
            return fail(s, ENOMEM);
        s->ix = ix;
        s->cap = cap;
    }
    if (s->flushed) { /* back to appending after a read */
        if (fseeko(s->f, 0, SEEK_END) != 0)
            return fail(s, errno);
        s->flushed = false;
    }
    uint32_t hdr[4] = { id, (uint32_t)len, (uint32_t)splice[0], (uint32_t)splice[1] };
    if (fwrite(hdr, sizeof hdr, 1, s->f) != 1 || (len && fwrite(data, len, 1, s->f) != 1))
        return fail(s, errno);
    s->ix[s->n].id = id;
    s->ix[s->n].off = s->size;
    s->n++;
    s->size += sizeof hdr + len;
    return true;
}

size_t spool_count(const spool *s)
{
    return s->n;
}

static int entry_cmp(const void *x, const void *y)
{
    const spool_entry *a = x, *b = y;
    if (a->id != b->id)
        return a->id < b->id ? -1 : 1;
    return a->off < b->off ? -1 : a->off > b->off; /* offsets grow with each part */
}

void spool_sort(spool *s)
{
    /* Parts arrive nearly in order (connections mostly end in the order
     * they start): check before sorting. */
    for (size_t i = 1; i < s->n; i++) {
        if (entry_cmp(&s->ix[i - 1], &s->ix[i]) > 0) {
            qsort(s->ix, s->n, sizeof *s->ix, entry_cmp);
            return;
        }
    }
}

uint32_t spool_id(const spool *s, size_t i)
{
    return i < s->n ? s->ix[i].id : 0;
}

size_t spool_find(const spool *s, uint32_t id)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->ix[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const char *spool_read(spool *s, size_t i, size_t *len, size_t splice[2])
{
    if (s->error || i >= s->n || !s->f)
        return NULL;
    if (!s->flushed) {
        if (fflush(s->f) != 0) {
            fail(s, errno);
            return NULL;
        }
        s->flushed = true;
    }
    uint32_t hdr[4];
    if (fseeko(s->f, (off_t)s->ix[i].off, SEEK_SET) != 0 || fread(hdr, sizeof hdr, 1, s->f) != 1) {
        fail(s, ferror(s->f) ? errno : EIO);
        return NULL;
    }
    if (hdr[0] != s->ix[i].id || hdr[2] > hdr[3] || hdr[3] > hdr[1]) {
        fail(s, EIO);
        return NULL;
    }
    if ((size_t)hdr[1] + 1 > s->buf_cap) {
        size_t cap = (size_t)hdr[1] + 1;
        char *b = realloc(s->buf, cap);
        if (!b) {
            fail(s, ENOMEM);
            return NULL;
        }
        s->buf = b;
        s->buf_cap = cap;
    }
    if (hdr[1] && fread(s->buf, hdr[1], 1, s->f) != 1) {
        fail(s, ferror(s->f) ? errno : EIO);
        return NULL;
    }
    s->buf[hdr[1]] = '\0';
    *len = hdr[1];
    splice[0] = hdr[2];
    splice[1] = hdr[3];
    return s->buf;
}

int spool_error(const spool *s)
{
    return s->error;
}

void spool_free(spool *s)
{
    if (!s)
        return;
    if (s->f)
        fclose(s->f);
    free(s->ix);
    free(s->buf);
    free(s);
}

/* spool.c - report parts in an unlinked temporary file (see spool.h). Each
 * part is stored as a header (id, length, two splice points: 32-bit
 * numbers in host order; the file never leaves this process) followed by
 * its bytes.
 *
 * The index (id, length, offset: 16 bytes a part) must not grow in memory
 * with the capture either (issue 9: 384,000 connections made 12 MiB of
 * index). Up to SPOOL_RUN entries stay in memory; past that, each full
 * buffer is sorted and written as a run to a second unlinked file, and
 * spool_sort() merges the runs into one sorted index on disk, read back
 * through a small cache. Parts arrive nearly in id order (connections
 * mostly end in the order they start), so lookups go forward from the last
 * one. */
#define _FILE_OFFSET_BITS 64
#include "spool.h"
#include "worker_thread.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    uint32_t id;
    uint32_t len;               /* of the part's bytes (after its header) */
    uint64_t off;
} spool_entry;

/* A part's header in the file: id, length, two splice points. */
#define SPOOL_HEADER (4 * sizeof(uint32_t))
/* Parts are appended through two buffers this big: while one is written
 * to the file by the spool's own thread, the caller fills the other. The
 * XML spool takes 900 MB for a 1 GiB capture, and writing it was a quarter
 * of the time of the thread that builds the parts, the one the whole run
 * waits for (issue 9). Parts are read back with one pread() each, header
 * and bytes together, whatever the order. */
#define SPOOL_WRITE_BUFFER (32u * 1024u)
/* The writer needs little stack (a pwrite loop). */
#define SPOOL_WRITER_STACK (64u * 1024u)
/* Index entries kept in memory before a run goes to disk (128 KiB: the
 * writer's second buffer, above, takes the other half of what was here). */
#define SPOOL_RUN 8192u
/* Entries read at once from the sorted index on disk, and per run while
 * merging. */
#define SPOOL_CACHE 4096u
#define SPOOL_CACHE_BACK 16u
#define SPOOL_MERGE 256u
/* Parts read back are mostly small (a text line is about 150 bytes) and
 * served from windows of the file read at once, not with a pread() each
 * (96,000 of them for the summary of 1 GiB). Read in id order, the parts
 * come from a few places of the file at a time: connections that end
 * quickly were written soon after they started, unanswered attempts a
 * minute later, sessions much later. So there are several windows, the
 * least recently used one replaced; each starts a little before the part
 * asked for, as neighbours also end slightly out of order. */
#define SPOOL_WINDOW (16u * 1024u)
#define SPOOL_WINDOWS 8u
#define SPOOL_WINDOW_BACK (2u * 1024u)

struct spool {
    char dir[4096];             /* where the files go ("" : $TMPDIR or /tmp) */
    FILE *f;                    /* the parts */
    uint64_t size;              /* bytes written */
    size_t n;                   /* parts in all */
    /* the index */
    spool_entry *mem;           /* the entries not yet on disk (SPOOL_RUN at most) */
    size_t n_mem;
    FILE *ix;                   /* runs on disk (one, sorted, after spool_sort), or NULL */
    uint64_t *runs;             /* where each run starts, in entries */
    size_t n_runs, runs_cap;
    size_t n_disk;              /* entries on disk */
    spool_entry *cache;         /* entries [cache_first, cache_first + cache_n) of the index */
    size_t cache_first, cache_n;
    size_t last_find;           /* where the last spool_find() landed */
    char *buf;                  /* the part last read */
    size_t buf_cap;
    struct {
        char *bytes;            /* SPOOL_WINDOW bytes of the file from off, len valid */
        uint64_t off;
        size_t len;
        uint64_t used;          /* when last read from (a counter) */
    } win[SPOOL_WINDOWS];
    uint64_t reads;
    /* Writing: `fill` takes the parts, `spare` is written by the thread
     * (`busy`) or free. Everything below `lock` is shared with it. */
    char *fill;
    size_t filled;              /* bytes in fill, to go at offset `handed` */
    uint64_t handed;            /* bytes handed to the writer (or written) */
    char *spare;
    bool started;               /* the thread runs (else written here) */
    pthread_t writer;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool busy, quit;
    size_t spare_len;
    uint64_t spare_off;
    int writer_error;
    int error;
};

spool *spool_new(const char *near)
{
    spool *s = calloc(1, sizeof(spool));
    if (!s)
        return NULL;
    if (pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s);
        return NULL;
    }
    if (pthread_cond_init(&s->cond, NULL) != 0) {
        pthread_mutex_destroy(&s->lock);
        free(s);
        return NULL;
    }
    if (near && strcmp(near, "-") != 0) {
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

static int entry_cmp(const void *x, const void *y)
{
    const spool_entry *a = x, *b = y;
    if (a->id != b->id)
        return a->id < b->id ? -1 : 1;
    return a->off < b->off ? -1 : a->off > b->off; /* offsets grow with each part */
}

/* Sorts the entries in memory; they mostly come in order: check first. */
static void sort_mem(spool *s)
{
    for (size_t i = 1; i < s->n_mem; i++) {
        if (entry_cmp(&s->mem[i - 1], &s->mem[i]) > 0) {
            qsort(s->mem, s->n_mem, sizeof *s->mem, entry_cmp);
            return;
        }
    }
}

/* Reads up to `room` bytes of f at off into dst, at least `need` (else
 * EIO: the file is shorter than the index says); *got: how many. pread: the
 * stream's own position (the end, for appending) stays. */
static bool read_at(spool *s, FILE *f, char *dst, size_t room, uint64_t off, size_t need,
                    size_t *got)
{
    int fd = fileno(f);
    *got = 0;
    while (*got < room) {
        ssize_t n = pread(fd, dst + *got, room - *got, (off_t)(off + *got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return fail(s, errno);
        if (n == 0)
            break; /* the end of the file */
        *got += (size_t)n;
    }
    return *got >= need ? true : fail(s, EIO);
}

/* Reads n entries from index position `at` of f (after a flush). */
static bool read_entries(spool *s, FILE *f, uint64_t at, spool_entry *out, size_t n)
{
    size_t want = n * sizeof *out, got;
    return read_at(s, f, (char *)out, want, at * sizeof *out, want, &got);
}

/* The entries in memory, sorted, become a run on disk. */
static bool flush_run(spool *s)
{
    if (s->n_mem == 0)
        return true;
    if (!s->ix && !(s->ix = open_file(s)))
        return fail(s, errno);
    if (s->n_runs == s->runs_cap) {
        size_t cap = s->runs_cap ? s->runs_cap * 2 : 16;
        uint64_t *r = realloc(s->runs, cap * sizeof *r);
        if (!r)
            return fail(s, ENOMEM);
        s->runs = r;
        s->runs_cap = cap;
    }
    sort_mem(s);
    if (fseeko(s->ix, (off_t)(s->n_disk * sizeof(spool_entry)), SEEK_SET) != 0 ||
        fwrite(s->mem, sizeof *s->mem, s->n_mem, s->ix) != s->n_mem)
        return fail(s, errno);
    s->runs[s->n_runs++] = s->n_disk;
    s->n_disk += s->n_mem;
    s->n_mem = 0;
    s->cache_n = 0;
    return true;
}

/* Writes len bytes at off of the parts file; 0 or an errno. */
static int write_at(int fd, const char *p, size_t len, uint64_t off)
{
    while (len > 0) {
        ssize_t n = pwrite(fd, p, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? errno : EIO;
        p += n;
        len -= (size_t)n;
        off += (uint64_t)n;
    }
    return 0;
}

/* The spool's writer: writes the spare buffer whenever it is handed over. */
static void *writer_main(void *arg)
{
    spool *s = arg;
    int fd = fileno(s->f);
    pthread_mutex_lock(&s->lock);
    for (;;) {
        while (!s->busy && !s->quit)
            pthread_cond_wait(&s->cond, &s->lock);
        if (!s->busy)
            break; /* quit, nothing left */
        const char *p = s->spare;
        size_t len = s->spare_len;
        uint64_t off = s->spare_off;
        bool skip = s->writer_error != 0;
        pthread_mutex_unlock(&s->lock);
        int e = skip ? 0 : write_at(fd, p, len, off);
        pthread_mutex_lock(&s->lock);
        if (e && !s->writer_error)
            s->writer_error = e;
        s->busy = false;
        pthread_cond_broadcast(&s->cond);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

/* Waits until the writer is idle; its error, if any, becomes the spool's. */
static bool writer_wait(spool *s)
{
    if (!s->started)
        return true;
    pthread_mutex_lock(&s->lock);
    while (s->busy)
        pthread_cond_wait(&s->cond, &s->lock);
    int e = s->writer_error;
    pthread_mutex_unlock(&s->lock);
    return e ? fail(s, e) : true;
}

/* The fill buffer is full (or must be written): hand it to the writer and
 * take the spare; without a writer (none yet, or it could not start),
 * write it here. */
static bool hand_over(spool *s)
{
    if (s->filled == 0)
        return true;
    uint64_t off = s->handed;
    s->handed += s->filled;
    if (!s->started && !s->spare) {
        s->spare = malloc(SPOOL_WRITE_BUFFER);
        pthread_attr_t attr;
        if (s->spare && pthread_attr_init(&attr) == 0) {
            (void)pthread_attr_setstacksize(&attr, SPOOL_WRITER_STACK);
            s->started = worker_thread_start(&s->writer, &attr, writer_main, s) == 0;
            pthread_attr_destroy(&attr);
        }
    }
    if (!s->started) {
        int e = write_at(fileno(s->f), s->fill, s->filled, off);
        s->filled = 0;
        return e ? fail(s, e) : true;
    }
    if (!writer_wait(s))
        return false;
    pthread_mutex_lock(&s->lock);
    char *t = s->spare;
    s->spare = s->fill;
    s->spare_len = s->filled;
    s->spare_off = off;
    s->busy = true;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
    s->fill = t;
    s->filled = 0;
    return true;
}

/* Appends bytes to the parts (s->size counts them already). */
static bool append(spool *s, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        if (s->filled == SPOOL_WRITE_BUFFER && !hand_over(s))
            return false;
        size_t n = SPOOL_WRITE_BUFFER - s->filled;
        if (n > len)
            n = len;
        memcpy(s->fill + s->filled, p, n);
        s->filled += n;
        p += n;
        len -= n;
    }
    return true;
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
    if (!s->fill && !(s->fill = malloc(SPOOL_WRITE_BUFFER)))
        return fail(s, ENOMEM);
    if (!s->mem && !(s->mem = malloc(SPOOL_RUN * sizeof *s->mem)))
        return fail(s, ENOMEM);
    if (s->n_mem == SPOOL_RUN && !flush_run(s))
        return false;
    uint32_t hdr[4] = { id, (uint32_t)len, (uint32_t)splice[0], (uint32_t)splice[1] };
    uint64_t at = s->size;
    s->size += sizeof hdr + len;
    if (!append(s, hdr, sizeof hdr) || !append(s, data, len))
        return false;
    s->mem[s->n_mem++] = (spool_entry){ id, (uint32_t)len, at };
    s->n++;
    return true;
}

size_t spool_count(const spool *s)
{
    return s->n;
}

/* One run being merged: a window of its entries. */
typedef struct {
    uint64_t next, end;         /* index positions still to read */
    spool_entry buf[SPOOL_MERGE];
    size_t at, n;
} merge_run;

static bool run_fill(spool *s, merge_run *r)
{
    if (r->at < r->n || r->next >= r->end)
        return true;
    size_t n = r->end - r->next < SPOOL_MERGE ? (size_t)(r->end - r->next) : SPOOL_MERGE;
    if (!read_entries(s, s->ix, r->next, r->buf, n))
        return false;
    r->next += n;
    r->at = 0;
    r->n = n;
    return true;
}

/* Merges the runs on disk into one sorted run, in a new file. A handful
 * of runs per gigabyte of capture: the smallest head is found by a scan. */
static bool merge_runs(spool *s)
{
    if (fflush(s->ix) != 0)
        return fail(s, errno);
    merge_run *r = calloc(s->n_runs, sizeof *r);
    FILE *out = r ? open_file(s) : NULL;
    if (!out) {
        int e = r ? errno : ENOMEM;
        free(r);
        return fail(s, e);
    }
    for (size_t k = 0; k < s->n_runs; k++) {
        r[k].next = s->runs[k];
        r[k].end = k + 1 < s->n_runs ? s->runs[k + 1] : s->n_disk;
    }
    bool ok = true;
    for (uint64_t done = 0; ok && done < s->n_disk; done++) {
        merge_run *best = NULL;
        for (size_t k = 0; k < s->n_runs && ok; k++) {
            ok = run_fill(s, &r[k]);
            if (ok && r[k].at < r[k].n &&
                (!best || entry_cmp(&r[k].buf[r[k].at], &best->buf[best->at]) < 0))
                best = &r[k];
        }
        if (!ok || !best)
            break;
        if (fwrite(&best->buf[best->at++], sizeof(spool_entry), 1, out) != 1)
            ok = fail(s, errno);
    }
    free(r);
    if (ok && fflush(out) != 0)
        ok = fail(s, errno);
    if (!ok) {
        fclose(out);
        return false;
    }
    fclose(s->ix);
    s->ix = out;
    s->runs[0] = 0;
    s->n_runs = 1;
    s->cache_n = 0;
    return true;
}

void spool_sort(spool *s)
{
    s->last_find = 0;
    if (s->error)
        return;
    if (!s->ix) {
        sort_mem(s); /* all in memory */
        return;
    }
    if (!flush_run(s))
        return;
    if (s->n_runs > 1)
        merge_runs(s);
    else if (fflush(s->ix) != 0)
        fail(s, errno);
}

/* Entry i of the index (after spool_sort), or NULL on a read error. */
static const spool_entry *entry(spool *s, size_t i)
{
    if (!s->ix)
        return &s->mem[i];
    if (i < s->cache_first || i >= s->cache_first + s->cache_n) {
        if (!s->cache && !(s->cache = malloc(SPOOL_CACHE * sizeof *s->cache))) {
            fail(s, ENOMEM);
            return NULL;
        }
        /* A few entries before i too: spool_find looks one back. */
        size_t first = i - (i < SPOOL_CACHE_BACK ? i : SPOOL_CACHE_BACK);
        size_t n = s->n_disk - first < SPOOL_CACHE ? s->n_disk - first : SPOOL_CACHE;
        s->cache_n = 0;
        if (!read_entries(s, s->ix, first, s->cache, n))
            return NULL;
        s->cache_first = first;
        s->cache_n = n;
    }
    return &s->cache[i - s->cache_first];
}

uint32_t spool_id(const spool *s, size_t i)
{
    if (i >= s->n || s->error)
        return 0;
    /* The cache is a detail of reading: id lookups may fill it. */
    const spool_entry *e = entry((spool *)(uintptr_t)s, i);
    return e ? e->id : 0;
}

size_t spool_find(const spool *s, uint32_t id)
{
    spool *w = (spool *)(uintptr_t)s; /* the cache and last_find only */
    size_t lo = 0, hi = s->n;
    if (s->error)
        return s->n;
    /* Lookups mostly go forward in id order: gallop from the last one, and
     * back from it when it is already past id (a binary search over all
     * that comes before would read the index on disk from far back, again
     * and again: 64 KiB a step, 7 GB for a 1 GiB capture's notes). */
    size_t at = w->last_find;
    if (at < s->n) {
        const spool_entry *e = entry(w, at);
        if (!e)
            return s->n;
        if (e->id < id) {
            size_t step = 1;
            lo = at + 1;
            while (lo + step - 1 < s->n) {
                const spool_entry *g = entry(w, lo + step - 1);
                if (!g)
                    return s->n;
                if (g->id >= id) {
                    hi = lo + step - 1;
                    break;
                }
                lo += step;
                step *= 2;
            }
        } else {
            size_t step = 1;
            hi = at;
            while (hi > 0) {
                size_t back = step < hi ? hi - step : 0;
                const spool_entry *g = entry(w, back);
                if (!g)
                    return s->n;
                if (g->id < id) {
                    lo = back + 1;
                    break;
                }
                hi = back;
                step *= 2;
            }
        }
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const spool_entry *e = entry(w, mid);
        if (!e)
            return s->n;
        if (e->id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    w->last_find = lo;
    return lo;
}

/* The parts added so far are in the file, for pread. */
static bool flush_parts(spool *s)
{
    if (s->filled && !hand_over(s))
        return false;
    return writer_wait(s);
}

const char *spool_read(spool *s, size_t i, size_t *len, size_t splice[2])
{
    if (s->error || i >= s->n || !s->f)
        return NULL;
    if (!flush_parts(s))
        return NULL;
    const spool_entry *e = entry(s, i);
    if (!e)
        return NULL;
    spool_entry ent = *e;
    uint32_t hdr[4];
    size_t whole = sizeof hdr + ent.len;
    if (whole + 1 > s->buf_cap) {
        char *b = realloc(s->buf, whole + 1);
        if (!b) {
            fail(s, ENOMEM);
            return NULL;
        }
        s->buf = b;
        s->buf_cap = whole + 1;
    }
    if (whole <= SPOOL_WINDOW / 4) {
        /* Bytes once written never change: a window stays valid. */
        unsigned w = 0, oldest = 0;
        for (; w < SPOOL_WINDOWS; w++) {
            if (s->win[w].len && ent.off >= s->win[w].off &&
                ent.off + whole <= s->win[w].off + s->win[w].len)
                break;
            if (s->win[w].used < s->win[oldest].used)
                oldest = w;
        }
        if (w == SPOOL_WINDOWS) {
            w = oldest;
            if (!s->win[w].bytes && !(s->win[w].bytes = malloc(SPOOL_WINDOW))) {
                fail(s, ENOMEM);
                return NULL;
            }
            s->win[w].len = 0;
            uint64_t from = ent.off > SPOOL_WINDOW_BACK ? ent.off - SPOOL_WINDOW_BACK : 0;
            size_t got = 0;
            if (!read_at(s, s->f, s->win[w].bytes, SPOOL_WINDOW, from,
                         (size_t)(ent.off - from) + whole, &got))
                return NULL;
            s->win[w].off = from;
            s->win[w].len = got;
        }
        s->win[w].used = ++s->reads;
        memcpy(s->buf, s->win[w].bytes + (ent.off - s->win[w].off), whole);
    } else {
        size_t got = 0;
        if (!read_at(s, s->f, s->buf, whole, ent.off, whole, &got))
            return NULL;
    }
    memcpy(hdr, s->buf, sizeof hdr);
    if (hdr[0] != ent.id || hdr[1] != ent.len || hdr[2] > hdr[3] || hdr[3] > hdr[1]) {
        fail(s, EIO);
        return NULL;
    }
    s->buf[whole] = '\0';
    *len = hdr[1];
    splice[0] = hdr[2];
    splice[1] = hdr[3];
    return s->buf + sizeof hdr;
}

bool spool_copy(spool *s, size_t i, atomic_file *f)
{
    if (s->error || i >= s->n || !s->f)
        return false;
    if (!flush_parts(s))
        return false;
    const spool_entry *e = entry(s, i);
    if (!e)
        return false;
    /* The bytes follow the part's header (checked by spool_read only). */
    return atomic_copy(f, fileno(s->f), e->off + SPOOL_HEADER, e->len) == 0;
}

int spool_error(const spool *s)
{
    return s->error;
}

void spool_free(spool *s)
{
    if (!s)
        return;
    if (s->started) {
        pthread_mutex_lock(&s->lock);
        s->quit = true;
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->lock);
        pthread_join(s->writer, NULL);
    }
    pthread_cond_destroy(&s->cond);
    pthread_mutex_destroy(&s->lock);
    free(s->fill);
    free(s->spare);
    if (s->f)
        fclose(s->f);
    if (s->ix)
        fclose(s->ix);
    free(s->mem);
    free(s->runs);
    free(s->cache);
    free(s->buf);
    for (unsigned w = 0; w < SPOOL_WINDOWS; w++)
        free(s->win[w].bytes);
    free(s);
}

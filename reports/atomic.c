/* atomic.c - atomic report files and the last string filter (see atomic.h). */
#define _GNU_SOURCE /* sync_file_range (Linux) */
#include "atomic.h"

#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* A temporary name keeps at most this much of the target's own name, so that
 * ".NAME.tmp-PID-N" stays below NAME_MAX (255 on every common file system). */
#define ATOMIC_BASE_KEEP 200
#define ATOMIC_TRIES 100
/* The temporary file's pages are handed to the disk every this many bytes
 * (sync_file_range, Linux), while the rest is written: atomic_commit's
 * fsync then finds little left to do instead of 900 MB (issue 9). */
#define ATOMIC_WRITEBACK (8u * 1024u * 1024u)

struct atomic_file {
    bool to_stdout;
    bool direct;               /* the target is a device or FIFO: written in place */
    int fd;
    int error;                 /* first errno of a failed write, 0 if none */
    char *buf;                 /* ATOMIC_BUFFER bytes once written to (NULL: none, or no memory) */
    size_t buffered;           /* bytes in buf not yet written */
    uint64_t written;          /* bytes written to fd */
    uint64_t handed;           /* of which handed to the disk already */
    char path[PATH_MAX];       /* the target */
    char tmp[PATH_MAX];        /* the temporary file beside it */
    char dir[PATH_MAX];        /* the directory both are in */
};

atomic_file *atomic_open(const char *path, char *err, size_t errlen)
{
    if (!path || !*path) {
        rt_fmt(err, errlen, "no output file name given");
        return NULL;
    }
    atomic_file *f = calloc(1, sizeof *f);
    if (!f) {
        rt_fmt(err, errlen, "cannot write '%s': out of memory", path);
        return NULL;
    }
    f->fd = -1;
    if (strcmp(path, "-") == 0) {
        f->to_stdout = true;
        return f;
    }
    size_t plen = strlen(path);
    if (plen >= sizeof f->path) {
        rt_fmt(err, errlen, "cannot write '%.200s...': path too long", path);
        free(f);
        return NULL;
    }
    memcpy(f->path, path, plen + 1);
    if (path[plen - 1] == '/') {
        rt_fmt(err, errlen, "cannot write '%s': it names a directory", path);
        free(f);
        return NULL;
    }
    /* A symbolic link is followed: the report replaces the file it points
     * to, never the link itself. */
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        char real[PATH_MAX];
        if (!realpath(path, real)) {
            rt_fmt(err, errlen, "cannot write '%s': %s", path, strerror(errno));
            free(f);
            return NULL;
        }
        rt_fmt(f->path, sizeof f->path, "%s", real);
        path = f->path;
        plen = strlen(path);
    }
    /* A device or a FIFO (/dev/null, /dev/stdout, a pipe) cannot be
     * replaced by renaming a file over it: write into it as it is. */
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) {
            rt_fmt(err, errlen, "cannot write '%s': it names a directory", path);
            free(f);
            return NULL;
        }
        f->fd = open(path, O_WRONLY | O_CLOEXEC);
        if (f->fd < 0) {
            rt_fmt(err, errlen, "cannot write '%s': %s", path, strerror(errno));
            free(f);
            return NULL;
        }
        f->direct = true;
        return f;
    }

    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;   /* keeps the '/' */
    if (dirlen == 0)
        rt_fmt(f->dir, sizeof f->dir, ".");
    else if (dirlen == 1)
        rt_fmt(f->dir, sizeof f->dir, "/");
    else
        rt_fmt(f->dir, sizeof f->dir, "%.*s", (int)(dirlen - 1), path);

    /* O_EXCL with our own unique name instead of mkstemp(): the file gets
     * mode 0666 minus the umask, as any file the user creates, rather than
     * mkstemp's 0600. */
    static unsigned counter;
    for (int i = 0; i < ATOMIC_TRIES; i++) {
        int n = snprintf(f->tmp, sizeof f->tmp, "%.*s.%.*s.tmp-%ld-%u", (int)dirlen, path,
                         ATOMIC_BASE_KEEP, base, (long)getpid(), counter++);
        if (n < 0 || (size_t)n >= sizeof f->tmp) {
            rt_fmt(err, errlen, "cannot write '%s': path too long", path);
            free(f);
            return NULL;
        }
        f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (f->fd >= 0)
            return f;
        if (errno != EEXIST)
            break;
    }
    rt_fmt(err, errlen, "cannot write '%s': cannot create a temporary file in '%s': %s", path,
           f->dir, strerror(errno));
    free(f);
    return NULL;
}

static int write_all(atomic_file *f, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = write(f->fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            f->error = errno;
            return -1;
        }
        p += n;
        len -= (size_t)n;
        f->written += (uint64_t)n;
    }
#ifdef SYNC_FILE_RANGE_WRITE
    /* Start writing back what is written, without waiting for it: only a
     * hint (errors are fsync's to report, in atomic_commit). */
    if (!f->direct && f->written - f->handed >= ATOMIC_WRITEBACK) {
        (void)sync_file_range(f->fd, (off_t)f->handed, (off_t)(f->written - f->handed),
                              SYNC_FILE_RANGE_WRITE);
        f->handed = f->written;
    }
#endif
    return 0;
}

static int flush_buffer(atomic_file *f)
{
    size_t n = f->buffered;
    f->buffered = 0;
    if (f->error)
        return -1;
    return n ? write_all(f, f->buf, n) : 0;
}

int atomic_write(atomic_file *f, const void *buf, size_t len)
{
    if (f->error)
        return -1;
    if (f->to_stdout) {
        if (len && fwrite(buf, 1, len, stdout) != len) {
            f->error = errno ? errno : EIO;
            return -1;
        }
        return 0;
    }
    if (!f->buf && len < ATOMIC_BUFFER)
        f->buf = malloc(ATOMIC_BUFFER); /* without it, each piece is written at once */
    if (!f->buf || len >= ATOMIC_BUFFER) {
        if (flush_buffer(f) != 0)
            return -1;
        return write_all(f, buf, len);
    }
    if (ATOMIC_BUFFER - f->buffered < len && flush_buffer(f) != 0)
        return -1;
    memcpy(f->buf + f->buffered, buf, len);
    f->buffered += len;
    return 0;
}

/* Reads len bytes of fd at off into what follows the buffered bytes. */
static int read_into(atomic_file *f, int fd, uint64_t off, char *to, size_t len)
{
    while (len > 0) {
        ssize_t n = pread(fd, to, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            f->error = n < 0 ? errno : EIO; /* EIO: the source is shorter than it said */
            return -1;
        }
        to += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

/* copy_file_range() was measured here and left out: on ext4 (Linux 6.18)
 * the kernel splices page by page, and copying a 900 MB report from its
 * spool in parts of about 10 KB took 0.75 s where pread() into this
 * buffer and write() in 256 KiB pieces took 0.3 s. */
int atomic_copy(atomic_file *f, int fd, uint64_t off, size_t len)
{
    if (f->error)
        return -1;
    if (!f->to_stdout && !f->buf)
        f->buf = malloc(ATOMIC_BUFFER);
    if (f->to_stdout || !f->buf) {
        char chunk[16384];
        while (len > 0 && !f->error) {
            size_t n = len < sizeof chunk ? len : sizeof chunk;
            if (read_into(f, fd, off, chunk, n) != 0 || atomic_write(f, chunk, n) != 0)
                return -1;
            off += n;
            len -= n;
        }
        return f->error ? -1 : 0;
    }
    /* Straight into the buffer: one copy fewer than reading and then
     * appending. */
    while (len > 0) {
        if (f->buffered == ATOMIC_BUFFER && flush_buffer(f) != 0)
            return -1;
        size_t n = ATOMIC_BUFFER - f->buffered;
        if (n > len)
            n = len;
        if (read_into(f, fd, off, f->buf + f->buffered, n) != 0)
            return -1;
        f->buffered += n;
        off += n;
        len -= n;
    }
    return 0;
}

int atomic_xml_write(void *ctx, const char *buf, int len)
{
    if (len < 0)
        return -1;
    return atomic_write(ctx, buf, (size_t)len) == 0 ? len : -1;
}

int atomic_error(atomic_file *f)
{
    flush_buffer(f);
    return f->error;
}

static void atomic_free(atomic_file *f, bool remove_tmp)
{
    if (f->fd >= 0)
        close(f->fd);
    if (remove_tmp && !f->to_stdout && !f->direct && f->tmp[0])
        unlink(f->tmp);
    free(f->buf);
    free(f);
}

int atomic_commit(atomic_file *f, char *err, size_t errlen)
{
    if (f->to_stdout) {
        int rc = 0;
        if (fflush(stdout) != 0 && !f->error)
            f->error = errno ? errno : EIO;
        if (f->error) {
            rt_fmt(err, errlen, "cannot write to standard output: %s", strerror(f->error));
            rc = -1;
        }
        free(f);
        return rc;
    }
    flush_buffer(f);
    if (f->error) {
        rt_fmt(err, errlen, "cannot write '%s': %s", f->path, strerror(f->error));
        atomic_free(f, true);
        return -1;
    }
    if (f->direct) {
        int rc = close(f->fd);
        f->fd = -1;
        if (rc != 0) {
            rt_fmt(err, errlen, "cannot write '%s': %s", f->path, strerror(errno));
            atomic_free(f, false);
            return -1;
        }
        atomic_free(f, false);
        return 0;
    }
    /* fsync before rename: otherwise a crash can leave the new name pointing
     * at an empty file on file systems that reorder metadata and data. */
    if (fsync(f->fd) != 0 && errno != EINVAL) {
        rt_fmt(err, errlen, "cannot write '%s': %s", f->path, strerror(errno));
        atomic_free(f, true);
        return -1;
    }
    int fd = f->fd;
    f->fd = -1;
    if (close(fd) != 0) {
        rt_fmt(err, errlen, "cannot write '%s': %s", f->path, strerror(errno));
        atomic_free(f, true);
        return -1;
    }
    if (rename(f->tmp, f->path) != 0) {
        rt_fmt(err, errlen, "cannot write '%s': %s", f->path, strerror(errno));
        atomic_free(f, true);
        return -1;
    }
    /* Make the rename itself durable. Some file systems cannot fsync a
     * directory; the report is complete and in place either way. */
    int dfd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    atomic_free(f, false);
    return 0;
}

void atomic_abort(atomic_file *f)
{
    if (f)
        atomic_free(f, true);
}

/* Length of the well-formed UTF-8 sequence at s that is acceptable text
 * (RFC 3629; XML 1.0 Char production minus the C1 controls), or 0. */
static size_t utf8_ok(const unsigned char *s)
{
    unsigned char c = s[0];
    uint32_t cp;
    size_t n;
    if (c >= 0xC2 && c <= 0xDF) {
        cp = c & 0x1Fu;
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        cp = c & 0x0Fu;
        n = 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
        cp = c & 0x07u;
        n = 4;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)   /* also stops at the terminating NUL */
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF)
        return 0;                     /* overlong or out of range */
    if (cp <= 0x9F)                   /* C1 controls: terminals act on them */
        return 0;
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
        return 0;                     /* not XML 1.0 characters */
    return n;
}

void atomic_text_clean(const char *in, char *out, size_t outlen)
{
    if (outlen == 0)
        return;
    size_t o = 0;
    const unsigned char *s = (const unsigned char *)(in ? in : "");
    while (*s) {
        /* The common case, a run of printable ASCII, is copied at once. */
        const unsigned char *r = s;
        while (*r >= 0x20 && *r <= 0x7E)
            r++;
        if (r > s && o + (size_t)(r - s) + 1 <= outlen) {
            memcpy(out + o, s, (size_t)(r - s));
            o += (size_t)(r - s);
            s = r;
            continue;
        }
        char piece[8];
        size_t n;
        size_t u;
        if (*s >= 0x20 && *s <= 0x7E) {
            piece[0] = (char)*s;
            n = 1;
            u = 1;
        } else if ((u = utf8_ok(s)) > 0) {
            memcpy(piece, s, u);
            n = u;
        } else {
            snprintf(piece, sizeof piece, "\\x%02X", *s);
            n = 4;
            u = 1;
        }
        if (o + n + 1 > outlen) {
            if (outlen > 4) {
                /* Never cut a UTF-8 sequence in two: back up to a lead byte. */
                if (o > outlen - 4) {
                    o = outlen - 4;
                    while (o > 0 && ((unsigned char)out[o] & 0xC0) == 0x80)
                        o--;
                }
                memcpy(out + o, "...", 3);
                o += 3;
            }
            break;
        }
        memcpy(out + o, piece, n);
        o += n;
        s += u;
    }
    out[o] = '\0';
}

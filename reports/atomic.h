/* atomic.h - the plumbing the three reports share: writing a file so that it
 * is never seen half-written, and a last filter on every string before it
 * enters a document.
 *
 * Atomic writing: atomic_open() creates a temporary file beside the target
 * (same directory, so the final rename stays on one file system and is
 * atomic, POSIX rename()), the report writes into it, and atomic_commit()
 * flushes it to disk (fsync) and renames it over the target. On any error,
 * or atomic_abort(), the temporary file is removed and the target is left as
 * it was. "-" writes to standard output instead (no temporary file).
 *
 * atomic_text_clean() is here because every report needs it and a report
 * file may only include the model and this helper: the model's strings are
 * already sanitized ASCII (wire_printable), but file names, interface names
 * and messages come from the command line and the system. The filter makes
 * any string valid in XML 1.0, HTML and on a terminal without changing a
 * string that is already clean (so "\x1B" in a sanitized cookie stays as it
 * is: nothing is escaped twice).
 */
#ifndef RDPT_ATOMIC_H
#define RDPT_ATOMIC_H

#include <stddef.h>
#include <stdint.h>

typedef struct atomic_file atomic_file;

/* Starts writing `path` ("-": standard output). Returns NULL with a message
 * naming the directory or file in err when the temporary file cannot be
 * created. */
atomic_file *atomic_open(const char *path, char *err, size_t errlen);
/* Appends bytes. Returns 0, or -1 once a write failed (the error is kept and
 * reported by atomic_commit; later writes are ignored). Bytes are collected
 * in a buffer of ATOMIC_BUFFER bytes and written when it is full, by
 * atomic_error() and by atomic_commit(): the reports are assembled from
 * thousands of small pieces, each a system call before (issue 9). */
#define ATOMIC_BUFFER (256u * 1024u)
int atomic_write(atomic_file *f, const void *buf, size_t len);
/* Same as atomic_write with the signature of libxml2's xmlOutputWriteCallback
 * (ctx is the atomic_file): returns len, or -1 on error. */
int atomic_xml_write(void *ctx, const char *buf, int len);
/* Appends len bytes of the file open as fd, from offset off (fd's own
 * position is not used), read straight into the buffer: a report
 * assembled from parts on disk (spool.h) is not copied once more on its
 * way. Returns 0, or -1 once a read or write failed: the error is kept as
 * for atomic_write (a failed read would leave the report short). */
int atomic_copy(atomic_file *f, int fd, uint64_t off, size_t len);
/* Writes what is buffered; then the errno of the first failed write, or 0. */
int atomic_error(atomic_file *f);
/* Makes the file visible under its name: flush, fsync, rename, fsync of the
 * directory. Frees f in every case. Returns 0, or -1 with a message (the
 * temporary file is then removed). */
int atomic_commit(atomic_file *f, char *err, size_t errlen);
/* Gives up: removes the temporary file and frees f. NULL is allowed. */
void atomic_abort(atomic_file *f);

/* Copies `in` into out (outlen > 0, always terminated): printable ASCII and
 * well-formed UTF-8 outside the control ranges are kept; every other byte
 * (C0 and C1 controls, DEL, malformed or overlong UTF-8, surrogates,
 * U+FFFE/U+FFFF) becomes \xNN. When out is too small the copy ends with
 * "...". in may be NULL (empty result). */
void atomic_text_clean(const char *in, char *out, size_t outlen);

#endif

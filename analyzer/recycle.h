/* recycle.h - the largest objects of a connection, passed back from the
 * side thread to the packet path for reuse.
 *
 * glibc's malloc frees a chunk under the lock of the arena it came from.
 * The packet path allocates every connection (17 KiB) and its TLS facts in
 * the main arena, and the side thread frees them there (side_thread.h): the
 * two threads met on that lock some 10,000 times per GiB of capture, each
 * time a futex sleep and a wake-up. Here a freed object goes to a list of
 * its kind instead, in batches under a lock of its own, and the next
 * allocation of that kind takes it back. The lists are bounded: past them,
 * objects go back to malloc.
 */
#ifndef RDPT_RECYCLE_H
#define RDPT_RECYCLE_H

#include <stddef.h>

typedef enum { RECYCLE_CONNECTION, RECYCLE_TLS_FACTS, RECYCLE_KINDS } recycle_kind;

/* A zeroed object of `size` bytes (always the same for a kind); NULL
 * without memory. */
void *recycle_get(recycle_kind kind, size_t size);

/* p (from recycle_get of that kind, or NULL) will not be used again. */
void recycle_put(recycle_kind kind, void *p);

/* The calling thread's own objects go to the shared lists: call it before
 * a thread that put objects ends. */
void recycle_flush(void);

/* Frees every object held, this thread's and the shared lists' (the end of
 * an analysis, no other thread using them). */
void recycle_release(void);

#endif

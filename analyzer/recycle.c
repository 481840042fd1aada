/* recycle.c - lists of freed connections and TLS facts (see recycle.h).
 *
 * Each thread keeps up to RECYCLE_LOCAL objects of a kind without a lock;
 * half of them move to or from the shared list at a time, so the lock is
 * taken once per RECYCLE_LOCAL / 2 objects. The shared list holds at most
 * RECYCLE_SHARED of a kind (about 4 MiB of connections).
 */
#include "recycle.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { RECYCLE_LOCAL = 32, RECYCLE_SHARED = 256 };

static struct {
    pthread_mutex_t mu;
    void *items[RECYCLE_SHARED];
    unsigned n;
} shared[RECYCLE_KINDS] = { { PTHREAD_MUTEX_INITIALIZER, { 0 }, 0 },
                            { PTHREAD_MUTEX_INITIALIZER, { 0 }, 0 } };

static _Thread_local struct {
    void *items[RECYCLE_LOCAL];
    unsigned n;
} local[RECYCLE_KINDS];

void *recycle_get(recycle_kind kind, size_t size)
{
    if (local[kind].n == 0) {
        pthread_mutex_lock(&shared[kind].mu);
        while (shared[kind].n > 0 && local[kind].n < RECYCLE_LOCAL / 2)
            local[kind].items[local[kind].n++] = shared[kind].items[--shared[kind].n];
        pthread_mutex_unlock(&shared[kind].mu);
    }
    if (local[kind].n == 0)
        return calloc(1, size);
    void *p = local[kind].items[--local[kind].n];
    memset(p, 0, size);
    return p;
}

/* Moves `keep` and fewer objects of this thread's `kind` to the shared
 * list, or to free() past its bound. */
static void spill(recycle_kind kind, unsigned keep)
{
    pthread_mutex_lock(&shared[kind].mu);
    while (local[kind].n > keep && shared[kind].n < RECYCLE_SHARED)
        shared[kind].items[shared[kind].n++] = local[kind].items[--local[kind].n];
    pthread_mutex_unlock(&shared[kind].mu);
    while (local[kind].n > keep)
        free(local[kind].items[--local[kind].n]);
}

void recycle_put(recycle_kind kind, void *p)
{
    if (!p)
        return;
    if (local[kind].n == RECYCLE_LOCAL)
        spill(kind, RECYCLE_LOCAL / 2);
    local[kind].items[local[kind].n++] = p;
}

void recycle_flush(void)
{
    for (int k = 0; k < RECYCLE_KINDS; k++)
        spill((recycle_kind)k, 0);
}

void recycle_release(void)
{
    for (int k = 0; k < RECYCLE_KINDS; k++) {
        while (local[k].n > 0)
            free(local[k].items[--local[k].n]);
        pthread_mutex_lock(&shared[k].mu);
        while (shared[k].n > 0)
            free(shared[k].items[--shared[k].n]);
        pthread_mutex_unlock(&shared[k].mu);
    }
}

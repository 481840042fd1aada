/* wakeup.h - how the packet path wakes the thread beside it (side_thread.h)
 * when it has made work for it: a block of the read-ahead queue given back,
 * or connections handed over to be retired.
 *
 * An event count: the sleeper notes the epoch before it looks for work, and
 * sleeps only while no poke came since. A poke costs an atomic increment;
 * the futex call only happens when the other thread really sleeps.
 */
#ifndef RDPT_WAKEUP_H
#define RDPT_WAKEUP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

typedef struct {
    atomic_ulong epoch;
    atomic_bool sleeping;
    pthread_mutex_t mu;
    pthread_cond_t cv;
} wakeup;

/* false when the mutex or the condition cannot be created. */
bool wakeup_init(wakeup *w);
void wakeup_destroy(wakeup *w);

/* The epoch to pass to wakeup_wait: take it before looking for work. */
unsigned long wakeup_epoch(wakeup *w);

/* Sleeps until a poke after `epoch` (returns at once if one came). */
void wakeup_wait(wakeup *w, unsigned long epoch);

/* There may be work: wakes the sleeper, if any. */
void wakeup_poke(wakeup *w);

#endif

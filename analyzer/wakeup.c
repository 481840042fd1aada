/* wakeup.c - the event count the side thread sleeps on (see wakeup.h).
 *
 * The sleeper sets `sleeping` and then reads the epoch; a poker bumps the
 * epoch and then reads `sleeping` (both sequentially consistent): at least
 * one of them sees the other's write, so a poke is never lost. The sleeper
 * holds the mutex from setting `sleeping` until pthread_cond_wait releases
 * it, so a poker that saw it sleeping signals only once it waits.
 */
#include "wakeup.h"

bool wakeup_init(wakeup *w)
{
    atomic_init(&w->epoch, 0);
    atomic_init(&w->sleeping, false);
    if (pthread_mutex_init(&w->mu, NULL) != 0)
        return false;
    if (pthread_cond_init(&w->cv, NULL) != 0) {
        pthread_mutex_destroy(&w->mu);
        return false;
    }
    return true;
}

void wakeup_destroy(wakeup *w)
{
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
}

unsigned long wakeup_epoch(wakeup *w)
{
    return atomic_load(&w->epoch);
}

void wakeup_wait(wakeup *w, unsigned long epoch)
{
    pthread_mutex_lock(&w->mu);
    atomic_store(&w->sleeping, true);
    while (atomic_load(&w->epoch) == epoch)
        pthread_cond_wait(&w->cv, &w->mu);
    atomic_store(&w->sleeping, false);
    pthread_mutex_unlock(&w->mu);
}

void wakeup_poke(wakeup *w)
{
    atomic_fetch_add(&w->epoch, 1);
    if (atomic_load(&w->sleeping)) {
        pthread_mutex_lock(&w->mu);
        pthread_cond_signal(&w->cv);
        pthread_mutex_unlock(&w->mu);
    }
}

/* retire_stage.c - diagnosing and reporting connections beside the packet
 * path (see retire_stage.h).
 *
 * A ring of connection pointers under one mutex. Both sides move batches:
 * the packet path gathers RETIRE_STAGE_BATCH connections before it takes the
 * lock, and pokes the side thread once half the ring is queued; the side
 * thread takes all of it. A wake-up costs a futex call and two context
 * switches: per connection, or per small batch, they were thousands a
 * second.
 */
#include "retire_stage.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

/* A finished connection keeps its model, 16 to 30 KiB: the queue holds
 * about 2 MiB at most. */
enum { RETIRE_STAGE_QUEUE = 64, RETIRE_STAGE_BATCH = 16 };

struct retire_stage {
    void (*work)(void *ctx, connection *c);
    void *ctx;
    wakeup *wake;
    pthread_mutex_t mu;
    pthread_cond_t taken;
    connection *ring[RETIRE_STAGE_QUEUE];
    unsigned head, n;   /* the oldest queued, and how many */
    bool closing;       /* no more connections will come */
    /* n, and closing as n + RETIRE_STAGE_QUEUE, as last set under mu: the
     * side thread looks without the lock first (it asks once per block it
     * reads, and the packet path took the same lock to hand over). */
    atomic_uint queued;
    /* the packet path's own */
    connection *gathered[RETIRE_STAGE_BATCH];
    unsigned n_gathered;
};

retire_stage *retire_stage_new(void (*work)(void *ctx, connection *c), void *ctx, wakeup *wake)
{
    retire_stage *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->work = work;
    s->ctx = ctx;
    s->wake = wake;
    atomic_init(&s->queued, 0);
    if (pthread_mutex_init(&s->mu, NULL) != 0) {
        free(s);
        return NULL;
    }
    if (pthread_cond_init(&s->taken, NULL) != 0) {
        pthread_mutex_destroy(&s->mu);
        free(s);
        return NULL;
    }
    return s;
}

retire_stage_run_result retire_stage_run(retire_stage *s, unsigned at_least)
{
    connection *batch[RETIRE_STAGE_QUEUE];
    if (atomic_load_explicit(&s->queued, memory_order_relaxed) < at_least)
        return RETIRE_STAGE_IDLE;
    pthread_mutex_lock(&s->mu);
    unsigned n = s->n;
    if (n == 0 || (n < at_least && !s->closing)) {
        retire_stage_run_result r = n == 0 && s->closing ? RETIRE_STAGE_DONE : RETIRE_STAGE_IDLE;
        pthread_mutex_unlock(&s->mu);
        return r;
    }
    for (unsigned i = 0; i < n; i++)
        batch[i] = s->ring[(s->head + i) % RETIRE_STAGE_QUEUE];
    s->head = (s->head + n) % RETIRE_STAGE_QUEUE;
    s->n = 0;
    atomic_store_explicit(&s->queued, s->closing ? RETIRE_STAGE_QUEUE : 0, memory_order_relaxed);
    pthread_cond_signal(&s->taken);
    pthread_mutex_unlock(&s->mu);
    for (unsigned i = 0; i < n; i++)
        s->work(s->ctx, batch[i]);
    return RETIRE_STAGE_WORKED;
}

unsigned retire_stage_urgent(void)
{
    return RETIRE_STAGE_QUEUE / 2;
}

/* Moves the gathered connections into the ring, waiting for room. */
static void hand_over(retire_stage *s)
{
    if (s->n_gathered == 0)
        return;
    pthread_mutex_lock(&s->mu);
    while (s->n + s->n_gathered > RETIRE_STAGE_QUEUE)
        pthread_cond_wait(&s->taken, &s->mu);
    for (unsigned i = 0; i < s->n_gathered; i++)
        s->ring[(s->head + s->n++) % RETIRE_STAGE_QUEUE] = s->gathered[i];
    s->n_gathered = 0;
    atomic_store_explicit(&s->queued, s->n, memory_order_relaxed);
    bool poke = s->n >= RETIRE_STAGE_QUEUE / 2;
    pthread_mutex_unlock(&s->mu);
    if (poke)
        wakeup_poke(s->wake);
}

void retire_stage_push(retire_stage *s, connection *c)
{
    s->gathered[s->n_gathered++] = c;
    if (s->n_gathered == RETIRE_STAGE_BATCH)
        hand_over(s);
}

void retire_stage_close(retire_stage *s)
{
    if (!s)
        return;
    hand_over(s);
    pthread_mutex_lock(&s->mu);
    s->closing = true;
    atomic_store_explicit(&s->queued, s->n + RETIRE_STAGE_QUEUE, memory_order_relaxed);
    pthread_mutex_unlock(&s->mu);
    wakeup_poke(s->wake);
}

void retire_stage_free(retire_stage *s)
{
    if (!s)
        return;
    pthread_cond_destroy(&s->taken);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

/* retire_stage.c - diagnosing and reporting connections on a second thread
 * (see retire_stage.h).
 *
 * A ring of connection pointers under one mutex. Both sides move batches:
 * the packet path gathers RETIRE_STAGE_BATCH connections before it takes the
 * lock, and the worker sleeps until half the ring is queued, then takes all
 * of it. A wake-up costs a futex call and two context switches: per
 * connection, or per small batch, they were thousands a second.
 */
#include "retire_stage.h"
#include "worker_thread.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

/* A finished connection keeps its model, 16 to 30 KiB: the queue holds
 * about 2 MiB at most. */
enum { RETIRE_STAGE_QUEUE = 64, RETIRE_STAGE_BATCH = 16 };

struct retire_stage {
    void (*work)(void *ctx, connection *c);
    void *ctx;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t queued, taken;
    connection *ring[RETIRE_STAGE_QUEUE];
    unsigned head, n;   /* the oldest queued, and how many */
    bool closing;       /* no more connections will come */
    /* the packet path's own */
    connection *gathered[RETIRE_STAGE_BATCH];
    unsigned n_gathered;
};

static void *worker_main(void *arg)
{
    retire_stage *s = arg;
    connection *batch[RETIRE_STAGE_QUEUE];
    for (;;) {
        pthread_mutex_lock(&s->mu);
        while (s->n < RETIRE_STAGE_QUEUE / 2 && !s->closing)
            pthread_cond_wait(&s->queued, &s->mu);
        unsigned n = s->n;
        for (unsigned i = 0; i < n; i++)
            batch[i] = s->ring[(s->head + i) % RETIRE_STAGE_QUEUE];
        s->head = (s->head + n) % RETIRE_STAGE_QUEUE;
        s->n = 0;
        bool closing = s->closing;
        pthread_cond_signal(&s->taken);
        pthread_mutex_unlock(&s->mu);
        for (unsigned i = 0; i < n; i++)
            s->work(s->ctx, batch[i]);
        if (n == 0 && closing)
            return NULL;
    }
}

retire_stage *retire_stage_start(void (*work)(void *ctx, connection *c), void *ctx)
{
    retire_stage *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->work = work;
    s->ctx = ctx;
    if (pthread_mutex_init(&s->mu, NULL) != 0) {
        free(s);
        return NULL;
    }
    if (pthread_cond_init(&s->queued, NULL) != 0)
        goto fail_mutex;
    if (pthread_cond_init(&s->taken, NULL) != 0)
        goto fail_queued;
    if (worker_thread_start(&s->thread, NULL, worker_main, s) == 0)
        return s;
    pthread_cond_destroy(&s->taken);
fail_queued:
    pthread_cond_destroy(&s->queued);
fail_mutex:
    pthread_mutex_destroy(&s->mu);
    free(s);
    return NULL;
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
    if (s->n >= RETIRE_STAGE_QUEUE / 2)
        pthread_cond_signal(&s->queued);
    pthread_mutex_unlock(&s->mu);
}

void retire_stage_push(retire_stage *s, connection *c)
{
    s->gathered[s->n_gathered++] = c;
    if (s->n_gathered == RETIRE_STAGE_BATCH)
        hand_over(s);
}

void retire_stage_finish(retire_stage *s)
{
    if (!s)
        return;
    hand_over(s);
    pthread_mutex_lock(&s->mu);
    s->closing = true;
    pthread_cond_signal(&s->queued);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    pthread_cond_destroy(&s->taken);
    pthread_cond_destroy(&s->queued);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

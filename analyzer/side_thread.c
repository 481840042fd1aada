/* side_thread.c - reading ahead and retiring behind, on one thread (see
 * side_thread.h). */
#include "side_thread.h"
#include "recycle.h"
#include "worker_thread.h"

#include <pthread.h>
#include <stdlib.h>

struct side_thread {
    wakeup wake;
    packet_queue *queue;
    retire_stage *stage;
    pthread_t thread;
};

static void *side_main(void *arg)
{
    side_thread *t = arg;
    bool reading = true;
    for (;;) {
        unsigned long epoch = wakeup_epoch(&t->wake);
        /* The packet path may soon wait for room in the stage. */
        bool worked = retire_stage_run(t->stage, retire_stage_urgent()) == RETIRE_STAGE_WORKED;
        if (reading) {
            packet_queue_fill_result f = packet_queue_fill(t->queue);
            if (f == PACKET_QUEUE_FILLED)
                continue;
            reading = f != PACKET_QUEUE_DONE;
        }
        /* No block to fill: whatever is queued for retirement. */
        retire_stage_run_result r = retire_stage_run(t->stage, 1);
        if (r == RETIRE_STAGE_DONE && !reading) {
            recycle_flush(); /* the connections it freed */
            return NULL;
        }
        if (r == RETIRE_STAGE_IDLE && !worked)
            wakeup_wait(&t->wake, epoch);
    }
}

side_thread *side_thread_start(const packet_reader *r, void (*work)(void *ctx, connection *c),
                               void *ctx)
{
    if (capture_is_live(r->src))
        return NULL;
    side_thread *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    if (!wakeup_init(&t->wake)) {
        free(t);
        return NULL;
    }
    t->queue = packet_queue_new(r, &t->wake);
    t->stage = retire_stage_new(work, ctx, &t->wake);
    /* The main thread's signal handler stops the run (capture_break, which
     * the reading sees). */
    if (t->queue && t->stage && worker_thread_start(&t->thread, NULL, side_main, t) == 0)
        return t;
    retire_stage_free(t->stage);
    packet_queue_free(t->queue);
    wakeup_destroy(&t->wake);
    free(t);
    return NULL;
}

packet_queue *side_thread_queue(side_thread *t)
{
    return t ? t->queue : NULL;
}

retire_stage *side_thread_stage(side_thread *t)
{
    return t ? t->stage : NULL;
}

void side_thread_stop_reading(side_thread *t)
{
    if (t)
        packet_queue_stop(t->queue);
}

void side_thread_finish(side_thread *t)
{
    if (!t)
        return;
    retire_stage_close(t->stage);
    pthread_join(t->thread, NULL);
    retire_stage_free(t->stage);
    packet_queue_free(t->queue);
    wakeup_destroy(&t->wake);
    free(t);
}

/* retire_stage.h - diagnosing and reporting connections beside the packet
 * path.
 *
 * Once a connection leaves the flow table and is finished (its buffers
 * released), nothing of the packet path touches it again: diagnosing it,
 * linking it to the attempt it retries, reporting it and freeing it can run
 * beside the reading of the next packets. They run on the side thread
 * (side_thread.h), in the order the connections were handed over, so every
 * report is the same as when the work is done inline.
 *
 * The queue is bounded (RETIRE_STAGE_QUEUE connections, retire_stage.c):
 * when the side thread lags, the packet path waits, so memory stays flat.
 */
#ifndef RDPT_RETIRE_STAGE_H
#define RDPT_RETIRE_STAGE_H

#include "connection.h"
#include "wakeup.h"

typedef struct retire_stage retire_stage;

/* A stage that calls work(ctx, c) for every connection handed over, when
 * the side thread runs it; the packet path pokes `wake` when there is work.
 * NULL without memory (the caller then works inline). */
retire_stage *retire_stage_new(void (*work)(void *ctx, connection *c), void *ctx, wakeup *wake);

/* On the packet path: hands c over (gathered in small batches: the side
 * thread gets it with the next few or at retire_stage_close); waits while
 * the queue is full. */
void retire_stage_push(retire_stage *s, connection *c);

/* On the packet path: no more connections will come. */
void retire_stage_close(retire_stage *s);

typedef enum {
    RETIRE_STAGE_WORKED, /* connections were worked on */
    RETIRE_STAGE_IDLE,   /* fewer than asked for are queued */
    RETIRE_STAGE_DONE,   /* closed, and every connection is worked on */
} retire_stage_run_result;

/* On the side thread: works on every queued connection, when at least
 * `at_least` are queued (or the stage is closed). */
retire_stage_run_result retire_stage_run(retire_stage *s, unsigned at_least);

/* Queued connections past which the packet path may soon wait: the side
 * thread works on them before it reads further. */
unsigned retire_stage_urgent(void);

/* Frees s, once the side thread no longer runs it. */
void retire_stage_free(retire_stage *s);

#endif

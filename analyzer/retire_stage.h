/* retire_stage.h - diagnosing and reporting connections on a second thread.
 *
 * Once a connection leaves the flow table and is finished (its buffers
 * released), nothing of the packet path touches it again: diagnosing it,
 * linking it to the attempt it retries, reporting it and freeing it can run
 * beside the reading of the next packets. They run on one thread, in the
 * order the connections were handed over, so every report is the same as
 * when the work is done inline.
 *
 * The queue is bounded (RETIRE_STAGE_QUEUE connections, retire_stage.c): when the second
 * thread lags, the packet path waits, so memory stays flat.
 */
#ifndef RDPT_RETIRE_STAGE_H
#define RDPT_RETIRE_STAGE_H

#include "connection.h"

typedef struct retire_stage retire_stage;

/* Starts the thread that calls work(ctx, c) for every connection handed
 * over. NULL when no thread can be started (the caller then works inline). */
retire_stage *retire_stage_start(void (*work)(void *ctx, connection *c), void *ctx);
/* Hands c over (gathered in small batches: the worker gets it with the next
 * few or at retire_stage_finish); waits while the queue is full. */
void retire_stage_push(retire_stage *s, connection *c);
/* Waits until every connection handed over is worked on, then stops the
 * thread and frees s. */
void retire_stage_finish(retire_stage *s);

#endif

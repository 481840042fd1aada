/* side_thread.h - the one thread beside the packet path while a file is
 * analysed: it reads and decodes the file ahead (packet_queue.h) and
 * diagnoses, reports and frees the connections the packet path retires
 * (retire_stage.h).
 *
 * One thread for both, not one each: on two cores, three busy threads took
 * turns, and the packet path waited for whichever had just lost its core.
 * Reading and retiring cost about as much together as the packet path does
 * alone (issue 9). The side thread retires first when the packet path may
 * soon wait for room, reads while a block is free, and retires otherwise.
 * With reports to build, retiring takes it longer than the packet path: the
 * packet path then reads the blocks it finds missing itself.
 */
#ifndef RDPT_SIDE_THREAD_H
#define RDPT_SIDE_THREAD_H

#include "packet_queue.h"
#include "retire_stage.h"

typedef struct side_thread side_thread;

/* Starts the thread over the file r reads, with work(ctx, c) for every
 * connection retired. NULL for a live capture, or when there is no memory or
 * no thread (the caller then does everything inline). */
side_thread *side_thread_start(const packet_reader *r, void (*work)(void *ctx, connection *c),
                               void *ctx);

packet_queue *side_thread_queue(side_thread *t);
retire_stage *side_thread_stage(side_thread *t);

/* Reading stops: the reader's capture_source is the caller's again. */
void side_thread_stop_reading(side_thread *t);

/* No more connections come: waits until every one is worked on, then stops
 * the thread and frees everything. */
void side_thread_finish(side_thread *t);

#endif

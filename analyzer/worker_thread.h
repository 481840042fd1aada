/* worker_thread.h - starting the program's helper threads (the reader of a
 * file and retirer of connections, the report spools' writers).
 *
 * SIGINT and SIGTERM must reach the main thread: its handler stops the run,
 * and a live capture waits in poll() there. A thread inherits the signal
 * mask of the thread that creates it, so every signal is blocked while a
 * helper is created, and the creator's mask is restored after.
 */
#ifndef RDPT_WORKER_THREAD_H
#define RDPT_WORKER_THREAD_H

#include <pthread.h>

/* pthread_create() with every signal blocked in the new thread. attr may be
 * NULL. Returns pthread_create()'s result (0: started). */
int worker_thread_start(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg);

#endif

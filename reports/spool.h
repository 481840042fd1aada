/* spool.h - report parts kept on disk until the report is assembled.
 *
 * A connection's part of a report (its XML element, its HTML section, its
 * line of text) is written as soon as the connection is retired, and the
 * connection is freed (issue 9: memory must not grow with the capture).
 * Connections retire in the order they end, the reports list them in the
 * order they started: the spool keeps each part in an unlinked temporary
 * file beside the report with a small index (16 bytes a part) and gives
 * them back by id.
 *
 * A part carries two splice points: offsets where text learnt later (a
 * retry's sentence for the attempt it follows, retries.h, and a link to the
 * retry) is inserted when the report is assembled; len when unused.
 */
#ifndef RDPT_SPOOL_H
#define RDPT_SPOOL_H

#include "atomic.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct spool spool;

/* A new empty spool; its file is created on the first part, in the
 * directory of `near` (the report's path; NULL or "-": $TMPDIR or /tmp).
 * NULL: out of memory. */
spool *spool_new(const char *near);
/* Appends a part for id; splice[0] <= splice[1] <= len. Returns false once
 * anything failed (out of memory, no temporary file, disk full): see
 * spool_error. */
bool spool_add(spool *s, uint32_t id, const void *data, size_t len, const size_t splice[2]);
size_t spool_count(const spool *s);
/* Orders the parts by id, parts of one id in the order they were added. */
void spool_sort(spool *s);
/* The id of part i (after spool_sort: in id order). */
uint32_t spool_id(const spool *s, size_t i);
/* The first part whose id is >= id (spool_count if none); after spool_sort. */
size_t spool_find(const spool *s, uint32_t id);
/* Reads part i: its bytes (NUL-terminated, valid until the next spool_read
 * on s), length and splice points. NULL on a read error (see spool_error). */
const char *spool_read(spool *s, size_t i, size_t *len, size_t splice[2]);
/* Appends part i's bytes, all of them, to f without a copy of them here
 * (atomic_copy reads them into f's buffer). Returns false on a failure,
 * the spool's (spool_error) or f's (atomic_error). */
bool spool_copy(spool *s, size_t i, atomic_file *f);
/* The errno of the first failure, or 0 (ENOMEM for allocation). */
int spool_error(const spool *s);
void spool_free(spool *s);

#endif

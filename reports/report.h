/* report.h - the three ways rdptriage tells what it found. Each reads the
 * analysis model (analysis.h) and nothing else.
 *
 * Files are written atomically: into a temporary file beside the target,
 * then renamed over it, so a report is never half-written. "-" means
 * standard output. Each returns 0 on success, -1 with a message in err.
 */
#ifndef RDPT_REPORT_H
#define RDPT_REPORT_H

#include "analysis.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

int report_xml(const analysis *a, const char *path, char *err, size_t errlen);
int report_html(const analysis *a, const char *path, char *err, size_t errlen);
/* Aligned one-line-per-connection summary; colour only when `color`. */
void report_text(const analysis *a, FILE *out, bool color);
/* One connection's line, as soon as its verdict is known (live mode). */
void report_text_connection(const connection *c, FILE *out, bool color);

#endif

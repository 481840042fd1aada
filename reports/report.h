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

/* The reports written while the capture is read (issue 9): each connection
 * is handed over once its verdict is final and may be freed right after;
 * its parts wait on disk (spool.h) and the documents are assembled at the
 * end, connections in the order they started. */
typedef struct report_stream report_stream;

typedef struct {
    const char *xml_path;       /* NULL: no XML report */
    const char *html_path;      /* NULL: no HTML report */
    FILE *text_out;             /* NULL: no terminal summary */
    bool color;
} report_outputs;

/* NULL: out of memory. */
report_stream *report_stream_new(const report_outputs *o);
/* Opens the report files now (as temporary files beside them), so that a
 * path that cannot be written is said before a long capture is read.
 * Optional: report_stream_xml/html open them otherwise. -1 with a message. */
int report_stream_open(report_stream *s, char *err, size_t errlen);
/* One connection whose verdict, retry link and summary are final. */
void report_stream_connection(report_stream *s, const analysis *a, const connection *c);
/* The sentence a later retry adds to connection first_id's summary
 * (analysis.h on_retry_note). */
void report_stream_retry_note(report_stream *s, uint32_t first_id, const char *sentence);
/* Writes each report asked for; -1 with a message in err when one could not
 * be written (the others are still written: call each). */
int report_stream_xml(report_stream *s, const analysis *a, char *err, size_t errlen);
int report_stream_html(report_stream *s, const analysis *a, char *err, size_t errlen);
void report_stream_text(report_stream *s);
void report_stream_free(report_stream *s);

/* The same for a model that kept its connections (analysis.keep_connections):
 * every connection of a->first at once. */
int report_xml(const analysis *a, const char *path, char *err, size_t errlen);
int report_html(const analysis *a, const char *path, char *err, size_t errlen);
/* Aligned one-line-per-connection summary; colour only when `color`. */
void report_text(const analysis *a, FILE *out, bool color);
/* One connection's line, as soon as its verdict is known (live mode). */
void report_text_connection(const connection *c, FILE *out, bool color);

#endif

/* report_parts.h - how the reports are assembled from parts (inside
 * reports/ only; report.h is the interface).
 *
 * stream.c receives each connection once its verdict is final, asks the
 * formats for that connection's part (xml.c: its <connection> element;
 * html.c: its section; text.c: its line), keeps the parts in spools
 * (spool.h) and a few numbers, and at the end has each format write its
 * document around the parts, in the order the connections started.
 */
#ifndef RDPT_REPORT_PARTS_H
#define RDPT_REPORT_PARTS_H

#include "analysis.h"
#include "atomic.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What the summaries need from all connections, counted as they come. */
typedef struct {
    uint64_t connections, failures;
    uint64_t by_cause[CAUSE_COUNT];
    uint64_t gap_connections, gaps, gap_bytes;  /* lost data in the capture */
    uint64_t timeline_shortened;                /* connections whose timeline was capped */
} report_totals;

void report_totals_add(report_totals *t, const connection *c);

/* A part is written (to the spool) by a callback: returns false on failure. */
typedef bool (*report_parts_writer)(void *ctx, atomic_file *f);

/* ---- xml.c */
typedef struct xml_parts xml_parts;
xml_parts *xml_parts_new(void);
void xml_parts_free(xml_parts *p);
/* The <connection> element of c as text (valid until the next call), with
 * the offset just before </summary>: where a retry sentence goes. */
const char *xml_parts_connection(xml_parts *p, const analysis *a, const connection *c,
                                 size_t *len, size_t *splice);
/* The document: prolog, root with the totals, inputs, messages, then
 * connections() writes every connection's part, then the end tag. */
bool xml_document_write(const analysis *a, const report_totals *t, atomic_file *f,
                        report_parts_writer connections, void *ctx);
/* Escapes text for an XML or HTML text node (&, <, >). */
void xml_escape_write(atomic_file *f, const char *text);

/* ---- html.c */
/* A row of the connections table. */
typedef struct {
    uint32_t id, capture_index;
    uint32_t retry_of;          /* its section already has a "Related connections" heading */
    verdict_phase phase;
    verdict_cause cause;
    verdict_confidence confidence;
    bool failed;
    bool has_detail;            /* a section follows for it (the row links to it) */
    char client[64], server[64];
    char *summary;              /* malloc'd, with any retry sentence */
} report_row;

typedef struct html_parts html_parts;
html_parts *html_parts_new(void);
void html_parts_free(html_parts *p);
/* The section of c as text (valid until the next call) with two offsets:
 * the end of the summary paragraph (a retry sentence) and the end of the
 * section (the links to later retries, see html_related_later). */
const char *html_parts_connection(html_parts *p, const analysis *a, const connection *c,
                                  size_t *len, size_t splice[2]);
/* The links to the retries of a connection, for the second splice point:
 * with a heading unless the section already has one (it is a retry). */
void html_related_later(atomic_file *f, bool has_heading, const uint32_t *retries, size_t n);
/* The page: head, summary, the table (rows in the table's order; `listed`
 * of `t->connections` are rows), then details() writes the sections. */
bool html_document_write(const analysis *a, const report_totals *t, const report_row *rows,
                         size_t n_rows, atomic_file *f, report_parts_writer details, void *ctx);
/* How many rows and sections the page holds at most. */
size_t html_max_rows(void);
size_t html_max_details(void);

/* ---- text.c */
typedef struct {
    int id, client, server, phase, cause;
} text_widths;
void text_widths_init(text_widths *w);
/* A line's fields, tab-separated (no field holds a tab): id, client, server,
 * phase, cause, F or S, summary. Widens w to fit. Returns the length written. */
size_t text_line_fields(const connection *c, text_widths *w, char *buf, size_t buflen);
/* Prints one line from its fields and an extra sentence (or NULL). */
void text_line_print(FILE *out, bool color, const text_widths *w, const char *fields,
                     const char *extra);
void text_header_print(FILE *out, bool color, const text_widths *w);
void text_total_print(FILE *out, bool color, uint64_t connections, uint64_t failures);

#endif

/* html_build.h - building the HTML report as a libxml2 tree: an element
 * with its class, an attribute, a text node (every string passes
 * atomic_text_clean() and becomes a text node, so whatever it holds is text),
 * a key/value table row. Allocation failures are remembered in the writer
 * (failed) instead of being checked at every call. Shared by html.c and the
 * per-layer sections (html_tls.c, html_rdp.c). The short h_ prefix is this
 * module's: these are called hundreds of times. */
#ifndef RDPT_HTML_BUILD_H
#define RDPT_HTML_BUILD_H

#include <libxml/tree.h>

#include <stdbool.h>

typedef struct {
    xmlDocPtr doc;
    bool failed;   /* something could not be allocated */
} html_writer;

xmlNodePtr h_el(html_writer *w, xmlNodePtr parent, const char *tag, const char *cls);
void h_attr(html_writer *w, xmlNodePtr n, const char *name, const char *value);
void h_attrf(html_writer *w, xmlNodePtr n, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void h_text(html_writer *w, xmlNodePtr parent, const char *text);
void h_textf(html_writer *w, xmlNodePtr parent, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
xmlNodePtr h_el_text(html_writer *w, xmlNodePtr parent, const char *tag, const char *cls,
                     const char *text);
/* A row of a key/value table: returns its value cell. */
xmlNodePtr h_kv(html_writer *w, xmlNodePtr table, const char *key);

#endif

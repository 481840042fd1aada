/* html_build.c - the node helpers every part of the HTML report builds with
 * (see html_build.h). */
#include "html_build.h"

#include "atomic.h"

#include <stdarg.h>
#include <stdio.h>

/* Room for any model string after cleaning (a byte may become four). */
#define HTML_CLEAN_MAX 4096

xmlNodePtr h_el(html_writer *w, xmlNodePtr parent, const char *tag, const char *cls)
{
    if (!parent)
        return NULL;
    xmlNodePtr n = xmlNewChild(parent, NULL, BAD_CAST tag, NULL);
    if (!n) {
        w->failed = true;
        return NULL;
    }
    if (cls && !xmlNewProp(n, BAD_CAST "class", BAD_CAST cls))
        w->failed = true;
    return n;
}

void h_attr(html_writer *w, xmlNodePtr n, const char *name, const char *value)
{
    if (!n)
        return;
    char clean[HTML_CLEAN_MAX];
    atomic_text_clean(value, clean, sizeof clean);
    if (!xmlNewProp(n, BAD_CAST name, BAD_CAST clean))
        w->failed = true;
}

void h_attrf(html_writer *w, xmlNodePtr n, const char *name, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (r < 0)
        buf[0] = '\0';
    h_attr(w, n, name, buf);
}

/* Appends text as a text node: whatever it holds, it is text. */
void h_text(html_writer *w, xmlNodePtr parent, const char *text)
{
    if (!parent || !text || !*text)
        return;
    char clean[HTML_CLEAN_MAX];
    atomic_text_clean(text, clean, sizeof clean);
    xmlNodePtr t = xmlNewDocText(w->doc, BAD_CAST clean);
    if (!t || !xmlAddChild(parent, t)) {
        xmlFreeNode(t);
        w->failed = true;
    }
}

void h_textf(html_writer *w, xmlNodePtr parent, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (r < 0)
        buf[0] = '\0';
    h_text(w, parent, buf);
}

xmlNodePtr h_el_text(html_writer *w, xmlNodePtr parent, const char *tag, const char *cls,
                            const char *text)
{
    xmlNodePtr n = h_el(w, parent, tag, cls);
    h_text(w, n, text);
    return n;
}

/* A row of a key/value table. */
xmlNodePtr h_kv(html_writer *w, xmlNodePtr table, const char *key)
{
    xmlNodePtr tr = h_el(w, table, "tr", NULL);
    h_el_text(w, tr, "th", NULL, key);
    return h_el(w, tr, "td", NULL);
}


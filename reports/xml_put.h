/* xml_put.h - the element and attribute helpers every part of the XML
 * report builds with (xml.c, xml_tls.c, xml_rdp.c, xml_reset.c,
 * xml_decrypt.c), on the arena tree of xml_tree.h.
 *
 * Every string value passes atomic_text_clean() (valid XML 1.0, nothing
 * from the wire as markup: the tree escapes on output); numbers are written
 * by our own formatting. A failed allocation is remembered in the writer
 * (failed) instead of being checked at every call, and a NULL node is
 * ignored, so a section can be built without checks and judged at the end.
 */
#ifndef RDPT_XML_PUT_H
#define RDPT_XML_PUT_H

#include "common.h"
#include "xml_tree.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    bool failed;   /* a node or attribute could not be allocated */
} xml_put;

xt_ptr xp_child(xml_put *w, xt_ptr parent, const char *name);
/* An element whose content is text (NULL: empty). */
xt_ptr xp_text_child(xml_put *w, xt_ptr parent, const char *name, const char *text);
/* A string attribute; a NULL value adds nothing. */
void xp_attr(xml_put *w, xt_ptr n, const char *name, const char *value);
/* An attribute of our own formatting (numbers, hex). */
void xp_attrf(xml_put *w, xt_ptr n, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void xp_attr_u64(xml_put *w, xt_ptr n, const char *name, uint64_t v);
/* "0x%04x": a 16-bit protocol code (cipher suites, extensions, groups). */
void xp_attr_hex16(xml_put *w, xt_ptr n, const char *name, uint16_t v);
void xp_attr_bool(xml_put *w, xt_ptr n, const char *name, bool v);
/* An ISO 8601 UTC time; a corrupt fraction of a second (a hostile capture
 * can carry any) is carried into the seconds, as the schema wants six
 * digits. */
void xp_attr_time(xml_put *w, xt_ptr n, const char *name, rt_time t);
/* pname="N" and, unless tname is NULL, tname="time" for a packet; nothing
 * for packet 0. */
void xp_attr_ref(xml_put *w, xt_ptr n, const char *pname, const char *tname, const pkt_ref *ref);

#endif

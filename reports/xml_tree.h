/* xml_tree.h - a small element tree for the XML report's connection
 * elements, built in an arena and serialized by hand (issue 9).
 *
 * Why not libxml2's tree: the report holds every fact of every connection,
 * about 10 KB of XML each; building it node by node with libxml2 (a malloc
 * per element, attribute and string) and serializing it took nine tenths
 * of a run. This tree costs one bump of a pointer per node, and the whole
 * arena is reset after each connection. It has only what the report uses:
 * elements, attributes, and elements whose content is text.
 *
 * Escaping is by construction, as with libxml2: names are our constants;
 * every value and text is escaped on output (attributes: & < > " and the
 * whitespace controls, non-ASCII as character references; text: & < > and
 * CR), byte for byte what libxml2's serializer writes for the same tree with
 * XML_SAVE_FORMAT, so the report did not change.
 */
#ifndef RDPT_XML_TREE_H
#define RDPT_XML_TREE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct xt_doc xt_doc;
typedef struct xt_node xt_node;
typedef xt_node *xt_ptr;

xt_doc *xt_doc_new(void);
void xt_doc_free(xt_doc *d);
/* Forgets every node (the arena's memory is kept for the next tree). */
void xt_doc_reset(xt_doc *d);
/* Element and attribute names are our string constants: they are kept by
 * pointer, not copied, and must outlive the tree. Values and text are
 * copied. */
/* A parentless element (the top of a tree). NULL: out of memory. */
xt_ptr xt_new_node(xt_doc *d, const char *name);
/* Appends an element to parent (NULL parent: NULL). */
xt_ptr xt_new_child(xt_ptr parent, const char *name);
/* Appends an element whose content is text. */
xt_ptr xt_new_text_child(xt_ptr parent, const char *name, const char *text);
/* Gives an element text content (it must have no children). */
bool xt_set_text(xt_ptr n, const char *text);
/* Adds an attribute. False: out of memory or no node. */
bool xt_new_prop(xt_ptr n, const char *name, const char *value);
/* The same for a value whose length is known (value[len] is its NUL). */
bool xt_new_prop_len(xt_ptr n, const char *name, const char *value, size_t len);
/* xt_new_text_child for a text whose length is known (text[len] is its NUL). */
xt_ptr xt_new_text_child_len(xt_ptr parent, const char *name, const char *text, size_t len);

/* Output: a growable byte buffer. */
typedef struct {
    char *data;
    size_t len, cap;
    bool failed;
} xt_buf;
void xt_buf_free(xt_buf *b);
/* Appends bytes, keeping the buffer NUL-terminated. False when it could not grow. */
bool xt_buf_append(xt_buf *b, const char *s, size_t n);
/* Appends n serialized at indentation level 0, as libxml2's xmlSaveTree
 * does with XML_SAVE_FORMAT; the buffer stays NUL-terminated (not counted
 * in len). Returns false when the buffer could not grow. */
bool xt_serialize(const xt_node *n, xt_buf *out);

#endif

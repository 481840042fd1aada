/* xml_tree.c - the arena element tree and its serializer (see xml_tree.h).
 * The output rules follow libxml2 2.9's xmlNodeDumpOutputInternal with
 * format on: an element without children is "<a/>"; one whose children are
 * elements gets them on their own lines, indented two spaces a level; one
 * with text content is written on one line. */
#include "xml_tree.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct xt_attr {
    const char *name, *value;
    size_t len;                 /* of value */
    bool plain;                 /* value has nothing to escape */
    struct xt_attr *next;
} xt_attr;

struct xt_node {
    xt_doc *doc;
    const char *name;
    const char *text;           /* content of a text element, else NULL */
    xt_attr *attrs, *attrs_tail;
    xt_node *children, *children_tail, *next;
};

/* Bytes the escaping loops stop at (the NUL included): 1 in attribute
 * values, 2 in text content, 3 in both. */
static const unsigned char special[256] = {
    [0] = 3, ['\n'] = 1, ['\r'] = 3, ['\t'] = 1, ['"'] = 1, ['<'] = 3, ['>'] = 3, ['&'] = 3,
    /* 0x80-0xFF: non-ASCII */
    [0x80] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/* Arena: a list of blocks; reset keeps the first block and frees the rest. */
typedef struct block {
    struct block *next;
    size_t used, size;
    max_align_t data[];
} block;

#define BLOCK_SIZE (64u * 1024u)

struct xt_doc {
    block *head;                /* current block first */
};

xt_doc *xt_doc_new(void)
{
    return calloc(1, sizeof(xt_doc));
}

static void free_blocks(block *b)
{
    while (b) {
        block *n = b->next;
        free(b);
        b = n;
    }
}

void xt_doc_free(xt_doc *d)
{
    if (!d)
        return;
    free_blocks(d->head);
    free(d);
}

void xt_doc_reset(xt_doc *d)
{
    if (!d || !d->head)
        return;
    /* Keep the newest block (the biggest need seen lately); free the rest. */
    free_blocks(d->head->next);
    d->head->next = NULL;
    d->head->used = 0;
}

static void *arena_alloc(xt_doc *d, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    block *b = d->head;
    if (!b || b->size - b->used < n) {
        size_t size = n > BLOCK_SIZE ? n : BLOCK_SIZE;
        block *nb = malloc(sizeof *nb + size);
        if (!nb)
            return NULL;
        nb->size = size;
        nb->used = 0;
        nb->next = b;
        d->head = nb;
        b = nb;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

static const char *arena_strndup(xt_doc *d, const char *s, size_t len)
{
    char *p = arena_alloc(d, len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

static const char *arena_strdup(xt_doc *d, const char *s)
{
    return arena_strndup(d, s, strlen(s));
}

xt_ptr xt_new_node(xt_doc *d, const char *name)
{
    xt_node *n = arena_alloc(d, sizeof *n);
    if (!n)
        return NULL;
    memset(n, 0, sizeof *n);
    n->doc = d;
    n->name = name; /* a constant (xml_tree.h) */
    return n;
}

xt_ptr xt_new_child(xt_ptr parent, const char *name)
{
    if (!parent)
        return NULL;
    xt_node *n = xt_new_node(parent->doc, name);
    if (!n)
        return NULL;
    if (parent->children_tail)
        parent->children_tail->next = n;
    else
        parent->children = n;
    parent->children_tail = n;
    return n;
}

xt_ptr xt_new_text_child(xt_ptr parent, const char *name, const char *text)
{
    xt_node *n = xt_new_child(parent, name);
    if (!n)
        return NULL;
    n->text = arena_strdup(n->doc, text ? text : "");
    return n->text ? n : NULL;
}

xt_ptr xt_new_text_child_len(xt_ptr parent, const char *name, const char *text, size_t len)
{
    xt_node *n = xt_new_child(parent, name);
    if (!n)
        return NULL;
    n->text = arena_strndup(n->doc, text, len);
    return n->text ? n : NULL;
}

bool xt_set_text(xt_ptr n, const char *text)
{
    if (!n)
        return false;
    n->text = arena_strdup(n->doc, text ? text : "");
    return n->text != NULL;
}

bool xt_new_prop(xt_ptr n, const char *name, const char *value)
{
    if (!value)
        value = "";
    return xt_new_prop_len(n, name, value, strlen(value));
}

bool xt_new_prop_len(xt_ptr n, const char *name, const char *value, size_t len)
{
    if (!n)
        return false;
    xt_attr *a = arena_alloc(n->doc, sizeof *a);
    if (!a)
        return false;
    a->name = name; /* a constant (xml_tree.h) */
    a->value = arena_strndup(n->doc, value, len);
    a->len = len;
    const unsigned char *v = (const unsigned char *)value;
    size_t i = 0;
    while (i < len && !(special[v[i]] & 1))
        i++;
    a->plain = i == len;
    a->next = NULL;
    if (!a->value)
        return false;
    if (n->attrs_tail)
        n->attrs_tail->next = a;
    else
        n->attrs = a;
    n->attrs_tail = a;
    return true;
}

/* ------------------------------------------------------------ output */

void xt_buf_free(xt_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

static bool reserve(xt_buf *b, size_t n)
{
    if (b->failed)
        return false;
    if (b->cap - b->len >= n)
        return true;
    size_t cap = b->cap ? b->cap : 16384;
    while (cap - b->len < n)
        cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d) {
        b->failed = true;
        return false;
    }
    b->data = d;
    b->cap = cap;
    return true;
}

static void put(xt_buf *b, const char *s, size_t n)
{
    if (n && reserve(b, n)) {
        memcpy(b->data + b->len, s, n);
        b->len += n;
    }
}

bool xt_buf_append(xt_buf *b, const char *s, size_t n)
{
    put(b, s, n);
    if (reserve(b, 1))
        b->data[b->len] = '\0';
    return !b->failed;
}

static void puts_(xt_buf *b, const char *s)
{
    put(b, s, strlen(s));
}

static void indent(xt_buf *b, unsigned level)
{
    static const char spaces[] = "                                                            ";
    size_t n = (size_t)level * 2;
    if (n > sizeof spaces - 1) /* libxml2 stops indenting deeper than this too */
        n = sizeof spaces - 1;
    put(b, spaces, n);
}

/* Decodes one UTF-8 sequence at s (well-formed: atomic_text_clean made it
 * so); returns its length, or 0 if it is not one. */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
    if (s[0] < 0xC0) {
        return 0;
    } else if (s[0] < 0xE0) {
        if ((s[1] & 0xC0) != 0x80)
            return 0;
        *cp = ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
        return 2;
    } else if (s[0] < 0xF0) {
        if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        *cp = ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        return 3;
    } else if (s[0] < 0xF8) {
        if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        *cp = ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
              ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
        return 4;
    }
    return 0;
}


/* Attribute values (libxml2's xmlBufAttrSerializeTxtContent for a document
 * without a declared encoding): non-ASCII becomes &#xH; references. */
static void attr_escaped(xt_buf *b, const char *v)
{
    const unsigned char *s = (const unsigned char *)v, *run = s;
    char ref[16];
    for (;;) {
        while (!(special[*s] & 1))
            s++;
        if (!*s)
            break;
        const char *rep = NULL;
        size_t skip = 1;
        switch (*s) {
        case '\n': rep = "&#10;"; break;
        case '\r': rep = "&#13;"; break;
        case '\t': rep = "&#9;"; break;
        case '"': rep = "&quot;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '&': rep = "&amp;"; break;
        default:
            if (*s >= 0x80) {
                uint32_t cp = 0;
                size_t n = utf8_decode(s, &cp);
                if (n) {
                    snprintf(ref, sizeof ref, "&#x%X;", (unsigned)cp);
                    skip = n;
                } else {
                    snprintf(ref, sizeof ref, "&#%d;", (int)*s);
                }
                rep = ref;
            }
        }
        if (rep) {
            put(b, (const char *)run, (size_t)(s - run));
            puts_(b, rep);
            s += skip;
            run = s;
        } else {
            s++;
        }
    }
    put(b, (const char *)run, (size_t)(s - run));
}

/* Text content (libxml2's default content escaping). */
static void text_escaped(xt_buf *b, const char *v)
{
    const char *s = v, *run = v;
    for (;; s++) {
        while (!(special[(unsigned char)*s] & 2))
            s++;
        if (!*s)
            break;
        const char *rep = *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;" : "&#13;";
        put(b, run, (size_t)(s - run));
        puts_(b, rep);
        run = s + 1;
    }
    put(b, run, (size_t)(s - run));
}

static void node_out(const xt_node *n, xt_buf *b, unsigned level)
{
    put(b, "<", 1);
    puts_(b, n->name);
    for (const xt_attr *a = n->attrs; a; a = a->next) {
        size_t nl = strlen(a->name);
        if (a->plain && reserve(b, nl + a->len + 4)) {
            /* the common case in one piece: ' name="value"' */
            char *p = b->data + b->len;
            *p++ = ' ';
            memcpy(p, a->name, nl);
            p += nl;
            *p++ = '=';
            *p++ = '"';
            memcpy(p, a->value, a->len);
            p += a->len;
            *p++ = '"';
            b->len = (size_t)(p - b->data);
            continue;
        }
        put(b, " ", 1);
        put(b, a->name, nl);
        put(b, "=\"", 2);
        attr_escaped(b, a->value);
        put(b, "\"", 1);
    }
    if (n->text) { /* mixed content is written as it is, unindented */
        put(b, ">", 1);
        text_escaped(b, n->text);
        for (const xt_node *c = n->children; c; c = c->next)
            node_out(c, b, level + 1);
    } else if (!n->children) {
        put(b, "/>", 2);
        return;
    } else {
        put(b, ">\n", 2);
        for (const xt_node *c = n->children; c; c = c->next) {
            indent(b, level + 1);
            node_out(c, b, level + 1);
            put(b, "\n", 1);
        }
        indent(b, level);
    }
    put(b, "</", 2);
    puts_(b, n->name);
    put(b, ">", 1);
}

bool xt_serialize(const xt_node *n, xt_buf *out)
{
    if (!n)
        return false;
    node_out(n, out, 0);
    if (reserve(out, 1))
        out->data[out->len] = '\0'; /* terminated, not counted */
    return !out->failed;
}

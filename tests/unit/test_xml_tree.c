/* test_xml_tree.c - the arena tree of the XML report (reports/xml_tree.c)
 * writes byte for byte what libxml2's serializer writes for the same tree
 * (xmlSaveTree, XML_SAVE_FORMAT, UTF-8): nesting and indentation, empty
 * elements, text elements (also empty), and the escaping of every character
 * that needs it in attributes and in text, UTF-8 included. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "xml_tree.h"

#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include <stdlib.h>

#include <string.h>

/* Values that need escaping, UTF-8 of 2, 3 and 4 bytes, and controls. */
static const char *const VALUES[] = {
    "plain", "", "a&b<c>d\"e'f", "tab\there\nnew\rline", "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80",
    "<script>alert(1)</script>", "&amp; already", "]]>",
};
#define N_VALUES (sizeof VALUES / sizeof VALUES[0])

static char *libxml2_text(void)
{
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST "rdptriage", NULL);
    xmlDocSetRootElement(doc, root);
    xmlNodePtr conn = xmlNewChild(root, NULL, BAD_CAST "connection", NULL);
    xmlNewProp(conn, BAD_CAST "id", BAD_CAST "7");
    xmlNodePtr inner = xmlNewChild(conn, NULL, BAD_CAST "inner", NULL);
    for (size_t i = 0; i < N_VALUES; i++) {
        xmlNodePtr e = xmlNewChild(inner, NULL, BAD_CAST "e", NULL);
        xmlNewProp(e, BAD_CAST "v", BAD_CAST VALUES[i]);
        xmlNodePtr t = xmlNewTextChild(conn, NULL, BAD_CAST "t", BAD_CAST VALUES[i]);
        xmlNewProp(t, BAD_CAST "n", BAD_CAST "1");
    }
    xmlNewChild(conn, NULL, BAD_CAST "empty", NULL);
    xmlBufferPtr buf = xmlBufferCreate();
    xmlSaveCtxtPtr save = xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_FORMAT);
    xmlSaveTree(save, conn);
    xmlSaveClose(save);
    char *out = strdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    xmlFreeDoc(doc);
    return out;
}

static char *tree_text(void)
{
    xt_doc *d = xt_doc_new();
    assert_non_null(d);
    xt_ptr conn = xt_new_node(d, "connection");
    assert_true(xt_new_prop(conn, "id", "7"));
    xt_ptr inner = xt_new_child(conn, "inner");
    for (size_t i = 0; i < N_VALUES; i++) {
        xt_ptr e = xt_new_child(inner, "e");
        assert_true(xt_new_prop(e, "v", VALUES[i]));
        xt_ptr t = xt_new_text_child(conn, "t", VALUES[i]);
        assert_true(xt_new_prop(t, "n", "1"));
    }
    assert_non_null(xt_new_child(conn, "empty"));
    xt_buf b = { NULL, 0, 0, false };
    assert_true(xt_serialize(conn, &b));
    assert_int_equal(strlen(b.data), b.len); /* terminated */
    char *out = strdup(b.data);
    xt_buf_free(&b);
    xt_doc_free(d);
    return out;
}

static void test_same_bytes_as_libxml2(void **state)
{
    (void)state;
    char *want = libxml2_text(), *got = tree_text();
    assert_string_equal(got, want);
    /* and the escaping really happened */
    assert_non_null(strstr(got, "v=\"a&amp;b&lt;c&gt;d&quot;e'f\""));
    assert_non_null(strstr(got, "&#9;here&#10;new&#13;line"));
    assert_non_null(strstr(got, "&lt;script&gt;"));
    assert_null(strstr(got, "<script>"));
    free(want);
    free(got);
}

/* The arena is reused after a reset, and big values force new blocks. */
static void test_reset_and_large_values(void **state)
{
    (void)state;
    xt_doc *d = xt_doc_new();
    static char big[200000];
    memset(big, 'x', sizeof big - 1);
    for (int round = 0; round < 3; round++) {
        xt_ptr n = xt_new_node(d, "n");
        for (int i = 0; i < 2000; i++)
            assert_true(xt_new_prop(xt_new_child(n, "c"), "k", "value"));
        assert_non_null(xt_new_text_child(n, "big", big));
        xt_buf b = { NULL, 0, 0, false };
        assert_true(xt_serialize(n, &b));
        assert_true(b.len > sizeof big);
        xt_buf_free(&b);
        xt_doc_reset(d);
    }
    assert_null(xt_new_child(NULL, "orphan"));
    assert_false(xt_new_prop(NULL, "k", "v"));
    xt_doc_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_bytes_as_libxml2),
        cmocka_unit_test(test_reset_and_large_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

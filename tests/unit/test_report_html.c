/* test_report_html.c - the HTML report: the same hand-built analysis as
 * test_report_xml.c (five connections, an IPv6 one, a hostile cookie, two
 * inputs, a message), plus hostile file and message names, is written, read
 * back with libxml2's HTML parser and checked: no script element or event
 * handler attribute anywhere, the hostile strings are text, every connection
 * is there, failures come first in the table, the ladder diagram is an
 * inline SVG that marks the key packet, and the page needs nothing from
 * elsewhere. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "report.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "report_fixture.h"

/* ------------------------------------------------------------ helpers */

/* Writes the report to a temporary file and returns its path (static). */
static const char *write_html(const analysis *a)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/rdpt-html-%ld.html", (long)getpid());
    char err[512] = "";
    int rc = report_html(a, path, err, sizeof err);
    if (rc != 0)
        print_error("report_html: %s\n", err);
    assert_int_equal(rc, 0);
    return path;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Case-insensitive substring search (strcasestr is a GNU extension). */
static bool contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (!strncasecmp(hay, needle, n))
            return true;
    return false;
}

static htmlDocPtr parse(const char *path)
{
    htmlDocPtr doc = htmlReadFile(path, "UTF-8",
                                  HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    assert_non_null(doc);
    return doc;
}

typedef struct {
    unsigned scripts, handlers, svgs, key_groups, external;
    unsigned hostile_cookie_text;     /* <code class="cookie"> holding the cookie exactly */
    unsigned hostile_name_text;       /* text nodes holding the hostile file name */
    char row_ids[64];                 /* data-id of the connection table rows, in order */
    char row_classes[64];             /* 'f' or 'o' per row */
} scan;

static bool has_class(xmlNodePtr n, const char *cls)
{
    xmlChar *v = xmlGetProp(n, BAD_CAST "class");
    bool r = v && strstr((const char *)v, cls);
    xmlFree(v);
    return r;
}

static void walk(xmlNodePtr n, scan *s, bool in_table)
{
    for (; n; n = n->next) {
        if (n->type == XML_TEXT_NODE && n->content &&
            strstr((const char *)n->content, "<script>evil</script>.pcap"))
            s->hostile_name_text++;
        if (n->type != XML_ELEMENT_NODE)
            continue;
        const char *name = (const char *)n->name;
        if (!strcasecmp(name, "script"))
            s->scripts++;
        if (!strcasecmp(name, "svg"))
            s->svgs++;
        if (!strcasecmp(name, "g") && has_class(n, "key"))
            s->key_groups++;
        if (!strcasecmp(name, "iframe") || !strcasecmp(name, "object") ||
            !strcasecmp(name, "embed") || !strcasecmp(name, "img") || !strcasecmp(name, "link"))
            s->external++;
        for (xmlAttrPtr at = n->properties; at; at = at->next) {
            if (!strncasecmp((const char *)at->name, "on", 2))
                s->handlers++;
            if (!strcasecmp((const char *)at->name, "src"))
                s->external++;
            if (!strcasecmp((const char *)at->name, "href")) {
                xmlChar *v = xmlGetProp(n, at->name);
                if (!v || v[0] != '#')   /* only links within the page */
                    s->external++;
                xmlFree(v);
            }
        }
        if (!strcasecmp(name, "code") && has_class(n, "cookie")) {
            xmlChar *t = xmlNodeGetContent(n);
            if (t && !strcmp((const char *)t, HOSTILE_COOKIE))
                s->hostile_cookie_text++;
            xmlFree(t);
        }
        bool table = in_table;
        if (!strcasecmp(name, "table")) {
            xmlChar *id = xmlGetProp(n, BAD_CAST "id");
            table = id && !strcmp((const char *)id, "connection-table");
            xmlFree(id);
        }
        if (table && !strcasecmp(name, "tr")) {
            xmlChar *id = xmlGetProp(n, BAD_CAST "data-id");
            if (id) {
                size_t l = strlen(s->row_ids);
                snprintf(s->row_ids + l, sizeof s->row_ids - l, "%s%s", l ? " " : "", (const char *)id);
                l = strlen(s->row_classes);
                snprintf(s->row_classes + l, sizeof s->row_classes - l, "%c",
                         has_class(n, "fail") ? 'f' : 'o');
            }
            xmlFree(id);
        }
        walk(n->children, s, table);
    }
}

static bool has_element_id(xmlNodePtr n, const char *id)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        xmlChar *v = xmlGetProp(n, BAD_CAST "id");
        bool hit = v && !strcmp((const char *)v, id);
        xmlFree(v);
        if (hit || has_element_id(n->children, id))
            return true;
    }
    return false;
}

/* ------------------------------------------------------------ tests */

static void test_html_hostile_strings_are_text(void **state)
{
    (void)state;
    analysis a;
    build_model(&a);
    /* Strings that did not come through wire_printable at all. */
    snprintf(a.inputs[0].name, sizeof a.inputs[0].name, "</style><script>evil</script>.pcap");
    snprintf(a.messages[0].text, sizeof a.messages[0].text,
             "<img src=x onerror=alert(1)> \" onload=\"alert(2)");
    snprintf(a.first->v.evidence[0].text, sizeof a.first->v.evidence[0].text,
             "<a href=\"http://evil.example/\">click</a>");
    a.first->v.n_evidence = 1;
    a.first->v.evidence[0].ref = ref_at(4);
    const char *path = write_html(&a);

    char *raw = slurp(path);
    /* Not even in the bytes: the parser could not be fooled either. */
    assert_false(contains_ci(raw, "<script"));
    assert_false(contains_ci(raw, "<img"));
    assert_false(contains_ci(raw, "<a href=\"http"));
    assert_non_null(strstr(raw, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_null(strchr(raw, '\x1b'));
    free(raw);

    htmlDocPtr doc = parse(path);
    scan s;
    memset(&s, 0, sizeof s);
    walk(xmlDocGetRootElement(doc), &s, false);
    assert_int_equal(s.scripts, 0);
    assert_int_equal(s.handlers, 0);
    assert_int_equal(s.external, 0);
    assert_int_equal(s.hostile_cookie_text, 1);
    assert_true(s.hostile_name_text >= 1);
    xmlFreeDoc(doc);
    unlink(path);
    free_model(&a);
}

static void test_html_connections_failures_first(void **state)
{
    (void)state;
    analysis a;
    build_model(&a);
    const char *path = write_html(&a);
    htmlDocPtr doc = parse(path);
    scan s;
    memset(&s, 0, sizeof s);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    walk(root, &s, false);
    /* Connection 1 succeeded: it comes after the four failures. */
    assert_string_equal(s.row_ids, "2 3 4 5 1");
    assert_string_equal(s.row_classes, "ffffo");
    for (int id = 1; id <= 5; id++) {
        char anchor[16];
        snprintf(anchor, sizeof anchor, "conn-%d", id);
        assert_true(has_element_id(root, anchor));
    }
    /* One ladder per connection, each marking its key packet (connection 1
     * has no evidence, so four marks). */
    assert_int_equal(s.svgs, 5);
    assert_int_equal(s.key_groups, 4);
    assert_int_equal(s.scripts, 0);
    assert_int_equal(s.handlers, 0);

    char *raw = slurp(path);
    assert_non_null(strstr(raw, "frame.number in {24 25}"));
    assert_non_null(strstr(raw, "ipv6.addr==2001:db8::5 &amp;&amp; ipv6.addr==2001:db8::9 &amp;&amp; "
                                "tcp.port==50200 &amp;&amp; tcp.port==3389"));
    assert_non_null(strstr(raw, "ip.addr==10.0.0.5 &amp;&amp; ip.addr==10.0.0.10"));
    assert_non_null(strstr(raw, verdict_cause_title(CAUSE_HYBRID_REQUIRED_BY_SERVER)));
    assert_non_null(strstr(raw, "TTL of the RST compared to the server"));   /* not examined */
    assert_non_null(strstr(raw, "href=\"#conn-2\""));                       /* retry link */
    assert_non_null(strstr(raw, "@media print"));
    assert_non_null(strstr(raw, "<!DOCTYPE html>"));
    free(raw);
    xmlFreeDoc(doc);
    unlink(path);
    free_model(&a);
}

/* A long timeline: the ladder keeps the start, the end and the key packet,
 * and says how many events it left out. */
static void test_html_long_timeline(void **state)
{
    (void)state;
    analysis a;
    memset(&a, 0, sizeof a);
    connection *c = conn_new(&a, 7, 0, v4(10, 1, 1, 1), 51000, v4(10, 1, 1, 2), 1, 400);
    tcp_open(c, 1);
    for (uint64_t p = 4; p < 200; p++)
        ev(c, EV_TLS_RECORD, p % 2 ? DIR_S2C : DIR_C2S, p, 100, 23);
    set_verdict(c, PHASE_TLS, CAUSE_CAPTURE_INCOMPLETE, CONF_LOW, "", "Cut.");
    pkt_ref key = ref_at(120);
    verdict_add_evidence(&c->v, &key, "the middle");
    const char *path = write_html(&a);
    char *raw = slurp(path);
    assert_non_null(strstr(raw, "#120 TLS "));
    assert_non_null(strstr(raw, "more events not drawn"));
    assert_null(strstr(raw, "#100 TLS "));
    assert_non_null(strstr(raw, "#199 TLS "));
    free(raw);
    htmlDocPtr doc = parse(path);
    scan s;
    memset(&s, 0, sizeof s);
    walk(xmlDocGetRootElement(doc), &s, false);
    assert_int_equal(s.key_groups, 1);
    assert_string_equal(s.row_ids, "7");
    xmlFreeDoc(doc);
    unlink(path);
    free_model(&a);
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* The ladder draws each thing once: "first data" beside the message of the same packet, a bare
 * TLS record beside the handshake message it holds, and the per-direction "TLS starts" of the
 * Connection Confirm are left out without a "not drawn" row. With several inputs, the table
 * says which file each connection is from. */
static void test_html_ladder_without_repeats(void **state)
{
    (void)state;
    analysis a;
    memset(&a, 0, sizeof a);
    a.n_inputs = 1;
    snprintf(a.inputs[0].name, sizeof a.inputs[0].name, "one.pcap");
    connection *c = conn_new(&a, 3, 0, v4(10, 1, 1, 1), 51000, v4(10, 1, 1, 2), 1, 8);
    tcp_open(c, 1);
    ev(c, EV_DATA_FIRST, DIR_C2S, 4, 19, 0);
    ev(c, EV_X224_CR, DIR_C2S, 4, 1, 1);
    ev(c, EV_DATA_FIRST, DIR_S2C, 5, 19, 0);
    ev(c, EV_X224_CC, DIR_S2C, 5, 1, 1);
    ev(c, EV_SECURE_START, DIR_C2S, 5, LAYER_TLS, 0);
    ev(c, EV_SECURE_START, DIR_S2C, 5, LAYER_TLS, 0);
    ev(c, EV_TLS_RECORD, DIR_C2S, 6, 310, 22);
    ev(c, EV_TLS_HANDSHAKE, DIR_C2S, 6, 1, 0);       /* ClientHello */
    ev(c, EV_TLS_RECORD, DIR_S2C, 7, 100, 22);       /* a record with nothing more said */
    ev(c, EV_FIN, DIR_C2S, 8, 0, 0);
    set_verdict(c, PHASE_TLS, CAUSE_CLOSED_BY_CLIENT, CONF_MEDIUM, "", "Closed.");
    const char *path = write_html(&a);
    char *raw = slurp(path);
    assert_null(strstr(raw, "not drawn"));
    assert_int_equal(count_of(raw, "TLS starts"), 1);
    assert_int_equal(count_of(raw, ">#4 "), 1);      /* the request only */
    assert_int_equal(count_of(raw, ">#5 "), 2);      /* the confirm and one "TLS starts" */
    assert_int_equal(count_of(raw, ">#6 "), 1);      /* the ClientHello only */
    assert_int_equal(count_of(raw, ">#7 "), 1);      /* the record */
    assert_null(strstr(raw, ">File</th>"));
    assert_non_null(strstr(raw, "Failed in"));
    free(raw);
    unlink(path);

    /* Two inputs: a File column numbered as in the list of inputs; a success says Outcome. */
    a.n_inputs = 2;
    snprintf(a.inputs[1].name, sizeof a.inputs[1].name, "two.pcap");
    c->capture_index = 1;
    set_verdict(c, PHASE_NONE, CAUSE_SUCCESS, CONF_MEDIUM, "", "Fine.");
    path = write_html(&a);
    raw = slurp(path);
    assert_non_null(strstr(raw, ">File</th>"));
    assert_non_null(strstr(raw, "<td class=\"num\">2</td>"));
    assert_non_null(strstr(raw, ">Outcome</th>"));
    assert_null(strstr(raw, "Failed in"));
    free(raw);
    unlink(path);
    free_model(&a);
}

static void test_html_empty_and_bad_path(void **state)
{
    (void)state;
    analysis a;
    memset(&a, 0, sizeof a);
    const char *path = write_html(&a);
    char *raw = slurp(path);
    assert_non_null(strstr(raw, "No Remote Desktop connection was found"));
    free(raw);
    unlink(path);
    char err[256] = "";
    assert_int_equal(report_html(&a, "/nonexistent-rdpt-dir/x.html", err, sizeof err), -1);
    assert_non_null(strstr(err, "x.html"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_html_hostile_strings_are_text),
        cmocka_unit_test(test_html_connections_failures_first),
        cmocka_unit_test(test_html_long_timeline),
        cmocka_unit_test(test_html_ladder_without_repeats),
        cmocka_unit_test(test_html_empty_and_bad_path),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}

/* test_report_xml.c - the XML report: a hand-built analysis (five connections
 * of different verdicts, an IPv6 one, a hostile cookie, two inputs, a
 * message) is written, read back with libxml2, validated against
 * reports/rdptriage.xsd, and its attributes and strings are checked. Also the
 * atomic writing: standard output, replacing a file, the file mode, and no
 * temporary file left behind when writing fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "report.h"

#include <dirent.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef RDPT_SOURCE_DIR
#define RDPT_SOURCE_DIR "."
#endif

#include "report_fixture.h"

/* ------------------------------------------------------------ helpers */

static char tmpdir[256];

static int setup_dir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/rdpt-xml-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static unsigned dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    unsigned n = 0;
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static int teardown_dir(void **state)
{
    (void)state;
    DIR *d = opendir(tmpdir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char p[600];
            snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
            if (rmdir(p) != 0)
                unlink(p);
        }
        closedir(d);
    }
    rmdir(tmpdir);
    return 0;
}

static xmlXPathObjectPtr xp(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    assert_non_null(ctx);
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    xmlXPathFreeContext(ctx);
    assert_non_null(o);
    return o;
}

static int xp_count(xmlDocPtr doc, const char *expr)
{
    xmlXPathObjectPtr o = xp(doc, expr);
    int n = o->nodesetval ? o->nodesetval->nodeNr : 0;
    xmlXPathFreeObject(o);
    return n;
}

/* The string value of an XPath expression (string(...)), caller frees. */
static char *xp_str(xmlDocPtr doc, const char *expr)
{
    char full[512];
    snprintf(full, sizeof full, "string(%s)", expr);
    xmlXPathObjectPtr o = xp(doc, full);
    char *s = strdup(o->stringval ? (const char *)o->stringval : "");
    xmlXPathFreeObject(o);
    return s;
}

static void assert_xp_str(xmlDocPtr doc, const char *expr, const char *want)
{
    char *got = xp_str(doc, expr);
    if (strcmp(got, want) != 0)
        print_error("%s: got '%s', want '%s'\n", expr, got, want);
    assert_string_equal(got, want);
    free(got);
}

static void assert_valid(xmlDocPtr doc)
{
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(RDPT_SOURCE_DIR "/reports/rdptriage.xsd");
    assert_non_null(pc);
    xmlSchemaPtr schema = xmlSchemaParse(pc);
    assert_non_null(schema);
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    assert_non_null(vc);
    assert_int_equal(xmlSchemaValidateDoc(vc, doc), 0);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pc);
}

static xmlDocPtr write_and_read(const analysis *a, const char *name)
{
    char path[600], err[512] = "";
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    int rc = report_xml(a, path, err, sizeof err);
    if (rc != 0)
        print_error("report_xml: %s\n", err);
    assert_int_equal(rc, 0);
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    return doc;
}

/* ------------------------------------------------------------ tests */

static void test_xml_valid_and_complete(void **state)
{
    (void)state;
    analysis a;
    build_model(&a);
    xmlDocPtr doc = write_and_read(&a, "report.xml");
    assert_valid(doc);

    assert_xp_str(doc, "/rdptriage/@version", "1");
    assert_xp_str(doc, "/rdptriage/@connections", "5");
    assert_xp_str(doc, "/rdptriage/@failures", "4");
    assert_int_equal(xp_count(doc, "/rdptriage/capture"), 2);
    assert_xp_str(doc, "/rdptriage/capture[1]/@source", "customer & <site>.pcapng");
    assert_xp_str(doc, "/rdptriage/capture[1]/@packets", "60");
    assert_xp_str(doc, "/rdptriage/capture[1]/@first", "2025-11-23T10:00:00.100000Z");
    assert_xp_str(doc, "/rdptriage/capture[1]/@linktype", "EN10MB");
    /* The unclean name arrives escaped, never as raw bytes. */
    assert_xp_str(doc, "/rdptriage/capture[2]/@source", "bad\\x01name\\xFF.pcap");
    assert_xp_str(doc, "/rdptriage/capture[2]/@read_error", "true");
    assert_xp_str(doc, "/rdptriage/capture[2]/@kernel_dropped", "3");
    assert_xp_str(doc, "/rdptriage/capture[2]/error",
                  "bad.pcap: packet 18 could not be read: truncated record");
    assert_xp_str(doc, "/rdptriage/message[@level='warning']", "bad.pcap: truncated & <stopped>");

    /* Connections in list order, with the capture index since there are two inputs. */
    assert_int_equal(xp_count(doc, "/rdptriage/connection"), 5);
    for (int i = 1; i <= 5; i++) {
        char e[64], want[8];
        snprintf(e, sizeof e, "/rdptriage/connection[%d]/@id", i);
        snprintf(want, sizeof want, "%d", i);
        assert_xp_str(doc, e, want);
    }
    assert_xp_str(doc, "/rdptriage/connection[1]/@client", "10.0.0.5:50123");
    assert_xp_str(doc, "/rdptriage/connection[1]/@server", "10.0.0.9:3389");
    assert_xp_str(doc, "/rdptriage/connection[1]/@start", "2025-11-23T10:00:00.100000Z");
    assert_xp_str(doc, "/rdptriage/connection[1]/@capture", "1");
    assert_xp_str(doc, "/rdptriage/connection[3]/@capture", "2");
    assert_xp_str(doc, "/rdptriage/connection[2]/@client", "[2001:db8::5]:50200");
    assert_xp_str(doc, "/rdptriage/connection[2]/@server", "[2001:db8::9]:3389");

    /* The verdict. */
    assert_xp_str(doc, "/rdptriage/connection[2]/verdict/@phase", "x224");
    assert_xp_str(doc, "/rdptriage/connection[2]/verdict/@cause", "hybrid_required_by_server");
    assert_xp_str(doc, "/rdptriage/connection[2]/verdict/@confidence", "high");
    assert_xp_str(doc, "/rdptriage/connection[2]/verdict/@detail", "failureCode 5");
    assert_int_equal(xp_count(doc, "/rdptriage/connection[2]/verdict/evidence"), 2);
    assert_xp_str(doc, "/rdptriage/connection[2]/verdict/evidence[2]/@packet", "25");
    assert_xp_str(doc, "/rdptriage/connection[2]/verdict/evidence[2]/@time",
                  "2025-11-23T10:00:02.500000Z");
    assert_xp_str(doc, "/rdptriage/connection[2]/verdict/evidence[2]",
                  "Server answers RDP_NEG_FAILURE HYBRID_REQUIRED_BY_SERVER & closes");
    assert_xp_str(doc, "/rdptriage/connection[2]/verdict/remedy",
                  verdict_cause_remedy(CAUSE_HYBRID_REQUIRED_BY_SERVER));
    assert_int_equal(xp_count(doc, "/rdptriage/connection[2]/verdict/not_examined"), 0);
    assert_xp_str(doc, "/rdptriage/connection[4]/verdict/not_examined",
                  "TTL of the RST compared to the server's");
    /* Evidence without a packet has neither packet nor time. */
    assert_int_equal(xp_count(doc, "/rdptriage/connection[3]/verdict/evidence[2]/@packet"), 0);
    assert_xp_str(doc, "/rdptriage/connection[5]/verdict/@cause", "malformed");
    assert_xp_str(doc, "/rdptriage/connection[1]/verdict/@phase", "none");
    assert_xp_str(doc, "/rdptriage/connection[1]/verdict/@cause", "success");

    /* The hostile cookie comes back exactly, as text, and is no element. */
    assert_xp_str(doc, "/rdptriage/connection[1]/x224/request/cookie", HOSTILE_COOKIE);
    assert_xp_str(doc, "/rdptriage/connection[1]/x224/request/cookie/@length", "32");
    assert_int_equal(xp_count(doc, "//script"), 0);
    char *summary = xp_str(doc, "/rdptriage/connection[1]/verdict/summary");
    assert_non_null(strstr(summary, HOSTILE_COOKIE));
    free(summary);

    /* X.224 details. */
    assert_xp_str(doc, "/rdptriage/connection[1]/x224/request/@requested_protocols", "0x0000000b");
    assert_xp_str(doc, "/rdptriage/connection[1]/x224/request/@correlation_id",
                  "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
    assert_xp_str(doc, "/rdptriage/connection[1]/x224/confirm/@result", "selected");
    assert_xp_str(doc, "/rdptriage/connection[1]/x224/confirm/@selected_protocol", "0x00000002");
    assert_xp_str(doc, "/rdptriage/connection[2]/x224/confirm/@result", "failure");
    assert_xp_str(doc, "/rdptriage/connection[2]/x224/confirm/@failure_code", "5");
    assert_xp_str(doc, "/rdptriage/connection[2]/x224/confirm/@failure", "HYBRID_REQUIRED_BY_SERVER");
    assert_xp_str(doc, "/rdptriage/connection[2]/x224/request/routing_token",
                  "Cookie: msts=3640205228.15629.0000");
    assert_xp_str(doc, "/rdptriage/connection[5]/x224/problem/@from", "client");
    assert_xp_str(doc, "/rdptriage/connection[5]/x224/problem", "TPKT length 3 is shorter than its header");
    assert_xp_str(doc, "/rdptriage/connection[5]/x224/not_rdp", "SSH-2.0-OpenSSH_9.2\\x0D\\x0A");
    assert_xp_str(doc, "/rdptriage/connection[5]/x224/disconnect/@reason", "2");
    assert_xp_str(doc, "/rdptriage/connection[5]/@client_identified_by", "ports");
    assert_int_equal(xp_count(doc, "/rdptriage/connection[3]/x224"), 0);

    /* TCP. */
    assert_xp_str(doc, "/rdptriage/connection[3]/tcp/syn/@count", "3");
    assert_xp_str(doc, "/rdptriage/connection[3]/tcp/icmp/@code", "13");
    assert_xp_str(doc, "/rdptriage/connection[3]/tcp/icmp/@from", "10.0.0.1");
    assert_xp_str(doc, "/rdptriage/connection[3]/tcp/@handshake", "incomplete");
    assert_xp_str(doc, "/rdptriage/connection[2]/tcp/close/@by", "server");
    assert_xp_str(doc, "/rdptriage/connection[2]/tcp/close/@how", "fin");
    assert_xp_str(doc, "/rdptriage/connection[4]/tcp/close/@how", "rst");
    assert_xp_str(doc, "/rdptriage/connection[4]/tcp/stream[@from='server']/reassembly/@gap_bytes", "1460");
    assert_xp_str(doc, "/rdptriage/connection[4]/@retry_of", "2");
    assert_xp_str(doc, "/rdptriage/connection[5]/tcp/stream[@from='client']/reassembly/@midstream", "true");

    /* After the negotiation and the timeline. */
    assert_xp_str(doc, "/rdptriage/connection[1]/after_negotiation/@layer", "tls");
    assert_xp_str(doc, "/rdptriage/connection[1]/after_negotiation/@server_bytes", "4000");
    assert_int_equal(xp_count(doc, "/rdptriage/connection[2]/after_negotiation"), 0);
    int i = 1;
    for (const connection *c = a.first; c; c = c->order_next, i++) {
        char e[96];
        snprintf(e, sizeof e, "/rdptriage/connection[%d]/timeline/event", i);
        assert_int_equal(xp_count(doc, e), (int)c->tl.n);
    }
    assert_xp_str(doc, "/rdptriage/connection[2]/timeline/event[6]/@type", "fin");
    assert_xp_str(doc, "/rdptriage/connection[3]/timeline/event[4]/@dir", "path");
    assert_xp_str(doc, "/rdptriage/connection[3]/timeline/event[2]",
                  "SYN (retransmission)");

    xmlFreeDoc(doc);
    free_model(&a);
}

/* Every name the model can produce must be in the schema: one connection per
 * cause (cycling through the phases and confidences), every event type and
 * direction in a timeline, every stream state and a layer for each possible
 * switch. Fails when someone adds a name to verdict.c or timeline.c and not
 * to reports/rdptriage.xsd. */
static void test_xml_every_name_validates(void **state)
{
    (void)state;
    analysis a;
    memset(&a, 0, sizeof a);
    for (unsigned k = 0; k < CAUSE_COUNT; k++) {
        connection *c = conn_new(&a, k + 1, 0, v4(10, 0, 0, 5), (uint16_t)(50000 + k),
                                 v4(10, 0, 0, 9), 1, 2);
        set_verdict(c, (verdict_phase)(k % PHASE_COUNT), (verdict_cause)k,
                    (verdict_confidence)(k % 3), "d", "s");
        c->dir[0].state = (stream_state)(k % 4);
        c->dir[1].state = (stream_state)((k + 1) % 4);
        if (k < LAYER_COUNT + 1)   /* one past the end: "unknown" */
            ev(c, EV_SECURE_START, DIR_NONE, 2, k, 0);
    }
    connection *c = a.first;
    for (unsigned t = 0; t <= EV_COUNT; t++)   /* EV_COUNT itself: "unknown" */
        ev(c, (event_type)t, (direction)(t % 3), t + 1, t, t);
    xmlDocPtr doc = write_and_read(&a, "names.xml");
    assert_valid(doc);
    for (unsigned k = 0; k < CAUSE_COUNT; k++) {
        char e[96];
        snprintf(e, sizeof e, "/rdptriage/connection[%u]/verdict/@cause", k + 1);
        assert_xp_str(doc, e, verdict_cause_name((verdict_cause)k));
    }
    assert_int_equal(xp_count(doc, "/rdptriage/connection[1]/timeline/event"), EV_COUNT + 2);
    xmlFreeDoc(doc);
    free_model(&a);
}

static void test_xml_empty_analysis(void **state)
{
    (void)state;
    analysis a;
    memset(&a, 0, sizeof a);
    xmlDocPtr doc = write_and_read(&a, "empty.xml");
    assert_valid(doc);
    assert_xp_str(doc, "/rdptriage/@connections", "0");
    assert_int_equal(xp_count(doc, "/rdptriage/*"), 0);
    xmlFreeDoc(doc);
}

/* A capture file can carry any timestamp; the output must stay valid. */
static void test_xml_odd_times_stay_valid(void **state)
{
    (void)state;
    analysis a;
    build_model(&a);
    a.first->start.ts.nsec = 4000000000u;        /* not a valid fraction */
    a.first->end.ts.sec = -5000000000LL;         /* long before 1970 */
    a.inputs[0].last.sec = 253402300800LL;       /* year 10000 */
    a.inputs[0].linktype[0] = '\0';
    /* UTF-8 in a file name stays; a C1 control (U+009B, a terminal's CSI)
     * and a truncated sequence do not. */
    snprintf(a.inputs[0].name, sizeof a.inputs[0].name, "r\xC3\xA9seau\xC2\x9B\xE2\x82.pcap");
    xmlDocPtr doc = write_and_read(&a, "odd.xml");
    assert_valid(doc);
    assert_xp_str(doc, "/rdptriage/capture[1]/@source", "r\xC3\xA9seau\\xC2\\x9B\\xE2\\x82.pcap");
    assert_xp_str(doc, "/rdptriage/connection[1]/@start", "2025-11-23T10:00:04.000000Z");
    xmlFreeDoc(doc);
    free_model(&a);
}

static void test_xml_replaces_file_atomically(void **state)
{
    (void)state;
    analysis a;
    memset(&a, 0, sizeof a);
    char path[600], err[256] = "";
    snprintf(path, sizeof path, "%s/replace.xml", tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("old content", f);
    fclose(f);
    mode_t old = umask(022);
    assert_int_equal(report_xml(&a, path, err, sizeof err), 0);
    umask(old);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    /* Created like any user file (0666 minus the umask), not 0600. */
    assert_int_equal(st.st_mode & 0777, 0644);
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    assert_string_equal((const char *)xmlDocGetRootElement(doc)->name, "rdptriage");
    xmlFreeDoc(doc);
    /* Only the report itself is left in the directory. */
    assert_int_equal(dir_entries(tmpdir), 1);
    unlink(path);
}

static void test_xml_missing_directory_fails_cleanly(void **state)
{
    (void)state;
    analysis a;
    memset(&a, 0, sizeof a);
    char path[700], missing[600], err[512] = "";
    snprintf(missing, sizeof missing, "%s/no-such-dir", tmpdir);
    snprintf(path, sizeof path, "%s/out.xml", missing);
    assert_int_equal(report_xml(&a, path, err, sizeof err), -1);
    assert_true(strlen(err) > 0);
    assert_non_null(strstr(err, "out.xml"));
    assert_int_equal(access(missing, F_OK), -1);
    assert_int_equal(dir_entries(tmpdir), 0);
}

/* The rename fails (the target is a directory) after the temporary file was
 * written: it must be removed, and the error reported. */
static void test_xml_failed_rename_leaves_no_temp(void **state)
{
    (void)state;
    analysis a;
    build_model(&a);
    char path[600], err[512] = "";
    snprintf(path, sizeof path, "%s/target", tmpdir);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(report_xml(&a, path, err, sizeof err), -1);
    assert_true(strlen(err) > 0);
    assert_int_equal(dir_entries(tmpdir), 1);   /* only the directory */
    assert_int_equal(dir_entries(path), 0);
    rmdir(path);
    free_model(&a);
}

static void test_xml_to_stdout(void **state)
{
    (void)state;
    analysis a;
    build_model(&a);
    char path[600], err[256] = "";
    snprintf(path, sizeof path, "%s/stdout.xml", tmpdir);
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    assert_true(saved >= 0);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(dup2(fd, STDOUT_FILENO), STDOUT_FILENO);
    close(fd);
    int rc = report_xml(&a, "-", err, sizeof err);
    fflush(stdout);
    assert_int_equal(dup2(saved, STDOUT_FILENO), STDOUT_FILENO);
    close(saved);
    assert_int_equal(rc, 0);
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    assert_valid(doc);
    assert_int_equal(xp_count(doc, "/rdptriage/connection"), 5);
    xmlFreeDoc(doc);
    unlink(path);
    free_model(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_xml_valid_and_complete, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_xml_empty_analysis, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_xml_every_name_validates, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_xml_odd_times_stay_valid, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_xml_replaces_file_atomically, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_xml_missing_directory_fails_cleanly, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_xml_failed_rename_leaves_no_temp, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_xml_to_stdout, setup_dir, teardown_dir),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}

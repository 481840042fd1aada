/* fuzz_capture.c - a whole capture file through the path the CLI takes:
 * capture_open_file, analysis_read, report_xml, report_html, report_text.
 *
 * Input: the bytes of a pcap or pcapng file. They are written to a memfd and
 * opened by its /proc/self/fd path, so libpcap reads a real file as it does
 * for `rdptriage -r`.
 *
 * The reports are written to "-" (standard output), which this target points
 * at another memfd: the atomic writer would otherwise create a temporary
 * file beside the target and rename it over it, and beside /dev/null that
 * means replacing /dev/null. What the reports write is then checked:
 *   - the XML is well-formed and valid against reports/rdptriage.xsd;
 *   - the HTML is complete (ends its document) and parses;
 *   - the plain summary holds no control character but newlines (no escape
 *     sequence from the wire can reach a terminal);
 *   - a file that cannot be opened or read to its end gets a message that
 *     names the file.
 */
#define _GNU_SOURCE /* memfd_create */
#include "analysis.h"
#include "capture.h"
#include "fuzz.h"
#include "report.h"

#include <fcntl.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef RDPT_XSD
#define RDPT_XSD ""
#endif

static int input_fd = -1;
static char input_path[64];
static int out_fd = -1;
static xmlSchemaPtr schema;
static xmlSchemaValidCtxtPtr schema_ctxt;
static char xml_error[512];

static void quiet_error(void *ctx, const char *fmt, ...) { (void)ctx; (void)fmt; }

static void keep_error(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    if (e && e->message && !xml_error[0])
        snprintf(xml_error, sizeof xml_error, "line %d: %s", e->line, e->message);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    input_fd = memfd_create("rdpt-fuzz-input", MFD_CLOEXEC);
    out_fd = memfd_create("rdpt-fuzz-report", MFD_CLOEXEC);
    if (input_fd < 0 || out_fd < 0) {
        perror("memfd_create");
        abort();
    }
    snprintf(input_path, sizeof input_path, "/proc/self/fd/%d", input_fd);
    /* Standard output becomes the report sink (libFuzzer talks on stderr). */
    fflush(stdout);
    if (dup2(out_fd, STDOUT_FILENO) < 0) {
        perror("dup2");
        abort();
    }
    xmlInitParser();
    xmlSetGenericErrorFunc(NULL, quiet_error);
    xmlSetStructuredErrorFunc(NULL, keep_error);
    const char *xsd = getenv("RDPT_XSD");
    if (!xsd || !*xsd)
        xsd = RDPT_XSD;
    if (*xsd) {
        xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(xsd);
        schema = pc ? xmlSchemaParse(pc) : NULL;
        xmlSchemaFreeParserCtxt(pc);
        schema_ctxt = schema ? xmlSchemaNewValidCtxt(schema) : NULL;
    }
    if (!schema_ctxt)
        fprintf(stderr, "fuzz_capture: no schema (%s): XML is only checked for well-formedness\n",
                *xsd ? xsd : "RDPT_XSD not set");
    return 0;
}

/* Empties the report sink before a report is written to it. */
static void sink_reset(void)
{
    fflush(stdout);
    if (ftruncate(out_fd, 0) != 0 || lseek(STDOUT_FILENO, 0, SEEK_SET) != 0)
        abort();
}

/* The report written since sink_reset(), NUL-terminated; free() it. */
static char *sink_take(size_t *len)
{
    fflush(stdout);
    struct stat st;
    if (fstat(out_fd, &st) != 0)
        abort();
    *len = (size_t)st.st_size;
    char *buf = malloc(*len + 1);
    if (!buf)
        abort();
    ssize_t got = pread(out_fd, buf, *len, 0);
    FUZZ_CHECK(got == (ssize_t)*len);
    buf[*len] = '\0';
    return buf;
}

static void check_xml(const analysis *a)
{
    char err[1024];
    sink_reset();
    FUZZ_CHECK(report_xml(a, "-", err, sizeof err) == 0);
    size_t len;
    char *doc_text = sink_take(&len);
    xml_error[0] = '\0';
    xmlDocPtr doc = xmlReadMemory(doc_text, (int)len, "report.xml", NULL, XML_PARSE_NONET);
    if (!doc) {
        fprintf(stderr, "XML report not well-formed: %s\n", xml_error);
        FUZZ_CHECK(!"XML report is well-formed");
    }
    if (schema_ctxt && xmlSchemaValidateDoc(schema_ctxt, doc) != 0) {
        fprintf(stderr, "XML report not valid against the schema: %s\n", xml_error);
        FUZZ_CHECK(!"XML report is valid against rdptriage.xsd");
    }
    xmlFreeDoc(doc);
    free(doc_text);
}

static void check_html(const analysis *a)
{
    char err[1024];
    sink_reset();
    FUZZ_CHECK(report_html(a, "-", err, sizeof err) == 0);
    size_t len;
    char *text = sink_take(&len);
    FUZZ_CHECK(strlen(text) == len); /* no NUL inside the document */
    FUZZ_CHECK(strstr(text, "</html>") != NULL);
    htmlDocPtr doc = htmlReadMemory(text, (int)len, "report.html", "UTF-8",
                                    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
    FUZZ_CHECK(doc != NULL);
    xmlFreeDoc(doc);
    free(text);
}

static void check_text(const analysis *a, bool color)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        abort();
    report_text(a, f, color);
    fclose(f);
    FUZZ_CHECK(strlen(buf) == len);
    if (!color)
        for (size_t i = 0; i < len; i++)
            FUZZ_CHECK(buf[i] == '\n' || ((unsigned char)buf[i] >= 0x20 && buf[i] != 0x7F));
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (ftruncate(input_fd, 0) != 0)
        abort();
    if (size && pwrite(input_fd, data, size, 0) != (ssize_t)size)
        abort();

    analysis a;
    analysis_init(&a);
    char err[1024] = "";
    capture_source *src = capture_open_file(input_path, NULL, err, sizeof err);
    if (!src) {
        /* What main.c does with a file it cannot open. */
        FUZZ_CHECK(strstr(err, input_path) != NULL);
        analysis_message_add(&a, MSG_ERROR, "%s", err);
        analysis_input *in = &a.inputs[a.n_inputs++];
        memset(in, 0, sizeof *in);
        rt_fmt(in->name, sizeof in->name, "%s", input_path);
        rt_fmt(in->error, sizeof in->error, "%s", err);
    } else {
        FUZZ_CHECK(analysis_read(&a, src, input_path, false));
        capture_close(src);
        const analysis_input *in = &a.inputs[a.n_inputs - 1];
        if (in->read_error)
            FUZZ_CHECK(strstr(in->error, input_path) != NULL);
    }
    /* Every connection has exactly one verdict. */
    uint32_t n = 0;
    for (const connection *c = a.first; c; c = c->order_next) {
        FUZZ_CHECK(c->diagnosed);
        n++;
    }
    FUZZ_CHECK(n == a.n_connections);

    check_xml(&a);
    check_html(&a);
    check_text(&a, false);
    check_text(&a, true);
    analysis_free(&a);
    return 0;
}

/* e2e_check.c - runs rdptriage on one capture and compares its XML report
 * with the capture's expectation file.
 *
 *   e2e_check RDPTRIAGE XSD CAPTURE EXPECT [PENDING]
 *
 * The XML must validate against the schema; there must be one connection per
 * `conn` line of EXPECT, in order, with the expected phase and cause; the
 * verdict's evidence must cite at least one packet listed in `packets=` (the
 * others are reported as notes). PENDING (optional) lists connections whose expectation needs
 * analysis that is not built yet ("NAME conn N: why"): for those a mismatch
 * is reported as pending, and a match fails (so the list stays honest).
 *
 * Exit: 0 pass, 1 fail, 77 skipped (capture absent).
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_CONN 64

typedef struct {
    int id;
    char phase[32], cause[64];
    int packets[32];
    int n_packets;
    bool pending;
    char pending_why[256];
} expectation;

static const char *basename_of(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* "phase=x" style token value, or NULL. */
static bool token(const char *line, const char *key, char *out, size_t outlen)
{
    size_t kl = strlen(key);
    for (const char *p = line; (p = strstr(p, key)) != NULL; p += kl) {
        if ((p == line || p[-1] == ' ') && p[kl] == '=') {
            const char *v = p + kl + 1;
            size_t n = strcspn(v, " \t\r\n");
            if (n >= outlen)
                n = outlen - 1;
            memcpy(out, v, n);
            out[n] = '\0';
            return true;
        }
    }
    return false;
}

static int read_expect(const char *path, expectation *ex)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return -1;
    }
    char line[2048];
    int n = 0;
    while (fgets(line, sizeof line, f) && n < MAX_CONN) {
        if (strncmp(line, "conn ", 5) != 0)
            continue;
        expectation *e = &ex[n];
        memset(e, 0, sizeof *e);
        e->id = atoi(line + 5);
        if (!token(line, "phase", e->phase, sizeof e->phase) ||
            !token(line, "cause", e->cause, sizeof e->cause)) {
            fprintf(stderr, "%s: conn line without phase= or cause=: %s", path, line);
            fclose(f);
            return -1;
        }
        char pk[256];
        if (token(line, "packets", pk, sizeof pk)) {
            for (char *s = strtok(pk, ","); s && e->n_packets < 32; s = strtok(NULL, ","))
                if (atoi(s) > 0)
                    e->packets[e->n_packets++] = atoi(s);
        }
        n++;
    }
    fclose(f);
    return n;
}

static void read_pending(const char *path, const char *sample, expectation *ex, int n)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[1024];
    size_t sl = strlen(sample);
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, sample, sl) != 0 || strncmp(line + sl, " conn ", 6) != 0)
            continue;
        int id = atoi(line + sl + 6);
        for (int i = 0; i < n; i++) {
            if (ex[i].id == id) {
                ex[i].pending = true;
                const char *why = strchr(line, ':');
                snprintf(ex[i].pending_why, sizeof ex[i].pending_why, "%s", why ? why + 1 : "");
                ex[i].pending_why[strcspn(ex[i].pending_why, "\n")] = '\0';
            }
        }
    }
    fclose(f);
}

static int run_tool(const char *tool, const char *capture, const char *xml_out)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        execl(tool, tool, "-q", "-r", capture, "--xml", xml_out, (char *)NULL);
        _exit(127);
    }
    int st;
    if (waitpid(pid, &st, 0) < 0)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool validate(xmlDocPtr doc, const char *xsd)
{
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(xsd);
    xmlSchemaPtr schema = pc ? xmlSchemaParse(pc) : NULL;
    xmlSchemaValidCtxtPtr vc = schema ? xmlSchemaNewValidCtxt(schema) : NULL;
    int rc = vc ? xmlSchemaValidateDoc(vc, doc) : -1;
    if (vc)
        xmlSchemaFreeValidCtxt(vc);
    if (schema)
        xmlSchemaFree(schema);
    if (pc)
        xmlSchemaFreeParserCtxt(pc);
    return rc == 0;
}

static bool cites_packet(xmlNodePtr verdict, int packet)
{
    for (xmlNodePtr e = verdict->children; e; e = e->next) {
        if (e->type != XML_ELEMENT_NODE || xmlStrcmp(e->name, BAD_CAST "evidence"))
            continue;
        xmlChar *p = xmlGetProp(e, BAD_CAST "packet");
        bool hit = p && atoi((const char *)p) == packet;
        xmlFree(p);
        if (hit)
            return true;
    }
    return false;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: e2e_check RDPTRIAGE XSD CAPTURE EXPECT [PENDING]\n");
        return 1;
    }
    const char *tool = argv[1], *xsd = argv[2], *capture = argv[3], *expect = argv[4];
    if (access(capture, R_OK) != 0) {
        printf("SKIP: %s is absent\n", capture);
        return 77;
    }
    expectation ex[MAX_CONN];
    int n = read_expect(expect, ex);
    if (n < 0)
        return 1;
    char sample[256];
    snprintf(sample, sizeof sample, "%s", basename_of(capture));
    char *dot = strrchr(sample, '.');
    if (dot)
        *dot = '\0';
    if (argc > 5)
        read_pending(argv[5], sample, ex, n);

    char xml_out[] = "/tmp/rdpt-e2e-XXXXXX";
    int fd = mkstemp(xml_out);
    if (fd < 0)
        return 1;
    close(fd);
    int status = run_tool(tool, capture, xml_out);
    if (status < 0 || status > 1) {
        fprintf(stderr, "FAIL %s: rdptriage exited with %d\n", sample, status);
        unlink(xml_out);
        return 1;
    }
    xmlDocPtr doc = xmlReadFile(xml_out, NULL, XML_PARSE_NONET);
    unlink(xml_out);
    if (!doc) {
        fprintf(stderr, "FAIL %s: the XML report does not parse\n", sample);
        return 1;
    }
    int failures = 0, pending = 0;
    if (!validate(doc, xsd)) {
        fprintf(stderr, "FAIL %s: the XML report does not validate against %s\n", sample, xsd);
        failures++;
    }
    int seen = 0;
    bool any_failed_conn = false;
    for (xmlNodePtr c = xmlDocGetRootElement(doc)->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || xmlStrcmp(c->name, BAD_CAST "connection"))
            continue;
        xmlNodePtr v = c->children;
        while (v && (v->type != XML_ELEMENT_NODE || xmlStrcmp(v->name, BAD_CAST "verdict")))
            v = v->next;
        if (!v) {
            fprintf(stderr, "FAIL %s: connection without verdict\n", sample);
            failures++;
            continue;
        }
        xmlChar *phase = xmlGetProp(v, BAD_CAST "phase"), *cause = xmlGetProp(v, BAD_CAST "cause");
        if (cause && xmlStrcmp(cause, BAD_CAST "success"))
            any_failed_conn = true;
        if (seen < n) {
            expectation *e = &ex[seen];
            bool match = phase && cause && !xmlStrcmp(phase, BAD_CAST e->phase) &&
                         !xmlStrcmp(cause, BAD_CAST e->cause);
            /* The evidence must cite at least one of the key packets; the
             * others are listed as notes (the lab names them generously). */
            char missing[256] = "";
            int cited = 0;
            for (int k = 0; k < e->n_packets && match; k++) {
                if (cites_packet(v, e->packets[k]))
                    cited++;
                else
                    snprintf(missing + strlen(missing), sizeof missing - strlen(missing), " %d",
                             e->packets[k]);
            }
            if (match && e->n_packets > 0 && cited == 0 && !e->pending) {
                fprintf(stderr, "FAIL %s conn %d: evidence cites none of the key packets%s\n",
                        sample, e->id, missing);
                failures++;
            } else if (missing[0]) {
                printf("note %s conn %d: key packet(s)%s not cited\n", sample, e->id, missing);
            }
            if (e->pending) {
                if (match && cited == e->n_packets) {
                    fprintf(stderr, "FAIL %s conn %d: listed as pending but now matches "
                            "(%s/%s): remove it from the pending list\n", sample, e->id, e->phase,
                            e->cause);
                    failures++;
                } else {
                    printf("PENDING %s conn %d: expected %s/%s, got %s/%s:%s\n", sample, e->id,
                           e->phase, e->cause, phase, cause, e->pending_why);
                    pending++;
                }
            } else if (!match) {
                fprintf(stderr, "FAIL %s conn %d: expected %s/%s, got %s/%s\n", sample, e->id,
                        e->phase, e->cause, phase ? (char *)phase : "?", cause ? (char *)cause : "?");
                failures++;
            } else {
                printf("ok %s conn %d: %s/%s\n", sample, e->id, e->phase, e->cause);
            }
        }
        xmlFree(phase);
        xmlFree(cause);
        seen++;
    }
    if (seen != n) {
        fprintf(stderr, "FAIL %s: %d connections in the report, %d expected\n", sample, seen, n);
        failures++;
    }
    /* The exit status must agree with the verdicts. */
    if ((status == 1) != any_failed_conn) {
        fprintf(stderr, "FAIL %s: exit status %d disagrees with the verdicts\n", sample, status);
        failures++;
    }
    xmlFreeDoc(doc);
    xmlCleanupParser();
    printf("%s: %d connections, %d failures, %d pending\n", sample, seen, failures, pending);
    return failures ? 1 : 0;
}

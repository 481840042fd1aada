/* main.c - the rdptriage command line: options -> inputs -> analysis ->
 * reports -> exit status.
 *
 * Exit status: 0 every connection succeeded (or there were none), 1 at
 * least one connection failed, 2 usage error or nothing could be read.
 */
#include "analysis.h"
#include "capture.h"
#include "report.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#define RDPTRIAGE_VERSION "0.1.0"

typedef struct {
    const char *files[ANALYSIS_MAX_INPUTS];
    unsigned n_files;
    const char *iface;
    const char *xml_out;
    const char *html_out;
    bool quiet;
    const char *drop_user;   /* -Z: run as this user once the interface is open */
    int color;               /* -1 auto, 0 never, 1 always */
    char *bpf;               /* trailing expression, joined */
} options;

static volatile sig_atomic_t stop_requested;
static capture_source *volatile current_source;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
    if (current_source)
        capture_break(current_source);
}

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: rdptriage [-r FILE]... [-i IFACE] [-p PORT]... [--xml OUT] [--html OUT]\n"
            "                 [options] [BPF expression]\n"
            "Explains why Remote Desktop (RDP) connections in a capture failed.\n\n"
            "Input:\n"
            "  -r, --read FILE        read a pcap or pcapng file (repeatable; - for standard input)\n"
            "  -i, --interface IFACE  capture live on IFACE until SIGINT/SIGTERM; each verdict\n"
            "                         is printed when its connection ends\n"
            "  -Z, --relinquish-privileges USER\n"
            "                         with -i: drop root privileges once the interface is open\n"
            "  -p, --port PORT        also treat TCP PORT as RDP (3389 always is; repeatable)\n"
            "  BPF expression         trailing words filter packets, as in tcpdump\n"
            "Output:\n"
            "  --xml OUT              write the XML report to OUT ('-' = standard output)\n"
            "  --html OUT             write the HTML report to OUT ('-' = standard output)\n"
            "  -q, --quiet            no summary on standard output\n"
            "  --color WHEN           colour the summary: auto (default), always, never\n"
            "Limits:\n"
            "  --max-connections N    connections followed at once, per input (default %u)\n"
            "  --max-buffer BYTES     out-of-order bytes buffered per direction (default %u)\n"
            "TLS:\n"
            "  --ca-file FILE         CA certificates (PEM) to validate server certificate chains\n"
            "  --keylog FILE          TLS secrets to decrypt with (NSS key log, SSLKEYLOGFILE);\n"
            "                         the Decryption Secrets Blocks of pcapng inputs are read anyway\n"
            "  --rsa-key FILE         the server's RSA private key (PEM): decrypts RSA key exchange\n"
            "Other:\n"
            "  -h, --help             this text\n"
            "  -V, --version          the version\n\n"
            "Exit status: 0 all connections succeeded, 1 at least one failed,\n"
            "2 usage error or nothing could be read.\n",
            ANALYSIS_DEFAULT_MAX_CONNECTIONS, REASM_DEFAULT_MAX_BUFFERED);
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || !*s || *end || v > max || s[0] == '-')
        return false;
    *out = v;
    return true;
}

static char *join_args(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *s = calloc(1, len);
    if (!s)
        return NULL;
    for (int i = 0; i < argc; i++) {
        if (i)
            strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

/* A report must never overwrite an input capture. */
static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) != 0 || stat(b, &sb) != 0)
        return false;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int parse_options(int argc, char **argv, options *o, analysis *a)
{
    enum { OPT_XML = 256, OPT_HTML, OPT_COLOR, OPT_MAXCONN, OPT_MAXBUF, OPT_CAFILE, OPT_KEYLOG,
           OPT_RSAKEY };
    static const struct option longopts[] = {
        { "read", required_argument, NULL, 'r' },
        { "interface", required_argument, NULL, 'i' },
        { "port", required_argument, NULL, 'p' },
        { "xml", required_argument, NULL, OPT_XML },
        { "html", required_argument, NULL, OPT_HTML },
        { "quiet", no_argument, NULL, 'q' },
        { "relinquish-privileges", required_argument, NULL, 'Z' },
        { "color", required_argument, NULL, OPT_COLOR },
        { "colour", required_argument, NULL, OPT_COLOR },
        { "max-connections", required_argument, NULL, OPT_MAXCONN },
        { "max-buffer", required_argument, NULL, OPT_MAXBUF },
        { "ca-file", required_argument, NULL, OPT_CAFILE },
        { "keylog", required_argument, NULL, OPT_KEYLOG },
        { "rsa-key", required_argument, NULL, OPT_RSAKEY },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    memset(o, 0, sizeof *o);
    o->color = -1;
    int ch;
    unsigned long v;
    /* '+': stop at the first non-option, which starts the BPF expression. */
    while ((ch = getopt_long(argc, argv, "+r:i:p:qZ:hV", longopts, NULL)) != -1) {
        switch (ch) {
        case 'r':
            if (o->n_files >= ANALYSIS_MAX_INPUTS) {
                fprintf(stderr, "rdptriage: at most %d -r files\n", ANALYSIS_MAX_INPUTS);
                return 2;
            }
            o->files[o->n_files++] = optarg;
            break;
        case 'i': o->iface = optarg; break;
        case 'p':
            if (!parse_uint(optarg, 65535, &v) || v == 0) {
                fprintf(stderr, "rdptriage: -p %s: not a TCP port (1-65535)\n", optarg);
                return 2;
            }
            if (!analysis_add_port(a, (uint16_t)v)) {
                fprintf(stderr, "rdptriage: at most %d ports\n", ANALYSIS_MAX_PORTS);
                return 2;
            }
            break;
        case OPT_XML: o->xml_out = optarg; break;
        case OPT_HTML: o->html_out = optarg; break;
        case 'q': o->quiet = true; break;
        case 'Z': o->drop_user = optarg; break;
        case OPT_COLOR:
            if (!strcmp(optarg, "auto")) o->color = -1;
            else if (!strcmp(optarg, "always")) o->color = 1;
            else if (!strcmp(optarg, "never")) o->color = 0;
            else {
                fprintf(stderr, "rdptriage: --color %s: use auto, always or never\n", optarg);
                return 2;
            }
            break;
        case OPT_MAXCONN:
            if (!parse_uint(optarg, 100000000, &v) || v == 0) {
                fprintf(stderr, "rdptriage: --max-connections %s: not a positive number\n", optarg);
                return 2;
            }
            a->max_connections = (uint32_t)v;
            break;
        case OPT_MAXBUF:
            if (!parse_uint(optarg, 1UL << 30, &v) || v < 1024) {
                fprintf(stderr, "rdptriage: --max-buffer %s: between 1024 and 1073741824\n", optarg);
                return 2;
            }
            a->max_buffered = v;
            break;
        case OPT_CAFILE: a->ca_file = optarg; break;
        case OPT_KEYLOG: a->keylog_file = optarg; break;
        case OPT_RSAKEY: a->rsa_key_file = optarg; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("rdptriage %s\n", RDPTRIAGE_VERSION); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc && !(o->bpf = join_args(argc - optind, argv + optind))) {
        fprintf(stderr, "rdptriage: out of memory\n");
        return 2;
    }
    if (o->n_files == 0 && !o->iface) {
        fprintf(stderr, "rdptriage: nothing to read: give -r FILE or -i IFACE\n");
        usage(stderr);
        return 2;
    }
    if (o->n_files > 0 && o->iface) {
        fprintf(stderr, "rdptriage: -r and -i cannot be used together\n");
        return 2;
    }
    const char *outs[2] = { o->xml_out, o->html_out };
    for (int k = 0; k < 2; k++) {
        for (unsigned i = 0; outs[k] && i < o->n_files; i++) {
            if (strcmp(outs[k], "-") != 0 && same_file(outs[k], o->files[i])) {
                fprintf(stderr, "rdptriage: refusing to write a report over the input %s\n",
                        o->files[i]);
                return 2;
            }
        }
    }
    if (o->xml_out && o->html_out && !strcmp(o->xml_out, "-") && !strcmp(o->html_out, "-")) {
        fprintf(stderr, "rdptriage: --xml and --html cannot both write to standard output\n");
        return 2;
    }
    return -1; /* go on */
}

/* The default live filter: the RDP ports and ICMP errors, so a busy
 * interface costs little. A user's expression is combined with it. */
static char *live_filter(const analysis *a, const char *user)
{
    char buf[1024];
    size_t n = 0;
    n += (size_t)snprintf(buf + n, sizeof buf - n, "(");
    for (unsigned i = 0; i < a->n_ports && n < sizeof buf; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%stcp port %u", i ? " or " : "",
                              a->ports[i]);
    if (n < sizeof buf)
        n += (size_t)snprintf(buf + n, sizeof buf - n, " or icmp or icmp6)");
    if (user && n < sizeof buf)
        n += (size_t)snprintf(buf + n, sizeof buf - n, " and (%s)", user);
    if (n >= sizeof buf)
        return NULL;
    return strdup(buf);
}

/* The progress line while reading files: on standard error, only when it is a terminal; shown
 * after half a second, then updated at most four times a second, erased when the file is done. */
typedef struct {
    unsigned file, files;
    struct timespec last;
    bool shown;
} progress_line;

static void progress_show(void *ctx, uint64_t offset, uint64_t size, uint32_t connections)
{
    progress_line *p = ctx;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t ms = (int64_t)(now.tv_sec - p->last.tv_sec) * 1000 +
                 (now.tv_nsec - p->last.tv_nsec) / 1000000;
    if (ms < (p->shown ? 250 : 500))
        return;
    p->last = now;
    p->shown = true;
    /* \r and "erase to the end of the line" (ECMA-48 EL): the line is rewritten in place. */
    fprintf(stderr, "\r\033[Krdptriage: file %u of %u: %.1f of %.1f MB (%.0f%%), %" PRIu32
            " connection%s", p->file, p->files, (double)offset / 1e6, (double)size / 1e6,
            size ? 100.0 * (double)offset / (double)size : 0.0, connections,
            connections == 1 ? "" : "s");
    fflush(stderr);
}

static void progress_erase(progress_line *p)
{
    if (p->shown)
        fputs("\r\033[K", stderr);
    p->shown = false;
}

/* As tcpdump -Z: once the interface is open, nothing needs root any more. */
static bool drop_privileges(const char *user)
{
    struct passwd *pw = getpwnam(user);
    if (!pw) {
        fprintf(stderr, "rdptriage: -Z %s: no such user\n", user);
        return false;
    }
    if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
        fprintf(stderr, "rdptriage: -Z %s: cannot change to that user: %s\n", user, strerror(errno));
        return false;
    }
    if (setuid(0) == 0) { /* must be impossible now */
        fprintf(stderr, "rdptriage: -Z %s: privileges could not be dropped\n", user);
        return false;
    }
    return true;
}

/* Each connection once its verdict is final: on the terminal at once in
 * live mode, and into the reports, which keep its parts on disk so that the
 * connection can be freed (report.h). */
typedef struct {
    const analysis *a;
    report_stream *reports;
    FILE *live_out;             /* NULL: not printed as they come */
    bool color;
} connection_sink;

static void sink_connection(void *ctx, const connection *c)
{
    const connection_sink *cs = ctx;
    if (cs->live_out)
        report_text_connection(c, cs->live_out, cs->color);
    /* Kept connections (several inputs) are reported once all are read. */
    if (!cs->a->keep_connections)
        report_stream_connection(cs->reports, cs->a, c);
}

static void sink_retry_note(void *ctx, uint32_t first_id, const char *sentence)
{
    const connection_sink *cs = ctx;
    report_stream_retry_note(cs->reports, first_id, sentence);
}

static int read_inputs(const options *o, analysis *a, unsigned *readable)
{
    char err[1024];
    *readable = 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    if (o->iface) {
        char *filter = live_filter(a, o->bpf);
        capture_source *src = capture_open_live(o->iface, filter ? filter : o->bpf, err, sizeof err);
        free(filter);
        if (!src) {
            fprintf(stderr, "rdptriage: %s\n", err);
            return 2;
        }
        if (o->drop_user && !drop_privileges(o->drop_user)) {
            capture_close(src);
            return 2;
        }
        current_source = src;
        analysis_read(a, src, o->iface, true);
        current_source = NULL;
        capture_close(src);
        *readable = 1;
        return 0;
    }
    for (unsigned i = 0; i < o->n_files && !stop_requested; i++) {
        capture_source *src = capture_open_file(o->files[i], o->bpf, err, sizeof err);
        if (!src) {
            fprintf(stderr, "rdptriage: %s\n", err);
            analysis_message_add(a, MSG_ERROR, "%s", err);
            if (a->n_inputs < ANALYSIS_MAX_INPUTS) {
                analysis_input *in = &a->inputs[a->n_inputs++];
                memset(in, 0, sizeof *in);
                rt_fmt(in->name, sizeof in->name, "%s", capture_input_name(o->files[i]));
                rt_fmt(in->error, sizeof in->error, "%s", err);
            }
            continue;
        }
        current_source = src;
        unsigned before = a->n_messages;
        progress_line pl = { .file = i + 1, .files = o->n_files };
        clock_gettime(CLOCK_MONOTONIC, &pl.last);
        a->progress = isatty(STDERR_FILENO) ? progress_show : NULL;
        a->progress_ctx = &pl;
        analysis_read(a, src, capture_input_name(o->files[i]), false);
        a->progress = NULL;
        progress_erase(&pl);
        current_source = NULL;
        capture_close(src);
        for (unsigned m = before; m < a->n_messages; m++)
            fprintf(stderr, "rdptriage: %s\n", a->messages[m].text);
        /* Readable: opened, and not failing before its first packet (a
         * valid file whose packets the filter all rejects was read). */
        const analysis_input *in = &a->inputs[a->n_inputs - 1];
        if (in->packets > 0 || !in->read_error)
            (*readable)++;
    }
    return 0;
}

int main(int argc, char **argv)
{
    analysis a;
    analysis_init(&a);
    options o;
    int rc = parse_options(argc, argv, &o, &a);
    if (rc >= 0) {
        free(o.bpf);
        return rc;
    }
    bool stdout_taken = (o.xml_out && !strcmp(o.xml_out, "-")) ||
                        (o.html_out && !strcmp(o.html_out, "-"));
    FILE *text_out = stdout_taken ? stderr : stdout;
    bool color = o.color == 1 ||
                 (o.color == -1 && isatty(fileno(text_out)) && getenv("NO_COLOR") == NULL);
    report_outputs outs = { o.xml_out, o.html_out, (!o.quiet && !o.iface) ? text_out : NULL, color };
    report_stream *reports = report_stream_new(&outs);
    char err[1024];
    if (!reports || report_stream_open(reports, err, sizeof err) != 0) {
        fprintf(stderr, "rdptriage: %s\n", reports ? err : "out of memory");
        report_stream_free(reports);
        free(o.bpf);
        return 2;
    }
    /* One input: each connection is reported and freed as soon as it is
     * over, so memory does not grow with the capture. Several inputs: the
     * same connection seen from two capture points decides who reset it
     * (cross_capture.c), so every connection is kept until all are read. */
    a.keep_connections = o.n_files > 1;
    /* A file is read on one thread and reported on another beside the
     * packet path (analysis.h): on a single core that would only add
     * switching. */
    a.threads = sysconf(_SC_NPROCESSORS_ONLN) > 1;
    /* Evidence text is shown by the XML and HTML reports only. */
    verdict_set_evidence_text(o.xml_out || o.html_out);
    connection_sink sink = { &a, reports, (o.iface && !o.quiet) ? text_out : NULL, color };
    a.on_connection = sink_connection;
    a.on_connection_ctx = &sink;
    a.on_retry_note = sink_retry_note;
    unsigned readable = 0;
    if (read_inputs(&o, &a, &readable) != 0) {
        free(o.bpf);
        report_stream_free(reports);
        analysis_free(&a);
        return 2;
    }

    if (a.keep_connections) {
        cross_capture_decide(a.first); /* one connection seen by several inputs (rst_origin.h) */
        for (const connection *c = a.first; c; c = c->order_next)
            report_stream_connection(reports, &a, c);
    }
    int status = readable == 0 ? 2 : (analysis_failures(&a) > 0 ? 1 : 0);
    if (report_stream_xml(reports, &a, err, sizeof err) != 0) {
        fprintf(stderr, "rdptriage: %s\n", err);
        status = 2;
    }
    if (report_stream_html(reports, &a, err, sizeof err) != 0) {
        fprintf(stderr, "rdptriage: %s\n", err);
        status = 2;
    }
    if (!o.quiet && o.iface) {
        /* Live: the lines were printed as connections ended; the count. */
        fprintf(text_out, "%u connection%s, %u failed\n", a.n_connections,
                a.n_connections == 1 ? "" : "s", analysis_failures(&a));
    } else {
        report_stream_text(reports);
    }
    if (readable == 0)
        fprintf(stderr, "rdptriage: nothing could be read\n");
    free(o.bpf);
    report_stream_free(reports);
    analysis_free(&a);
    return status;
}

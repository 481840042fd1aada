/* test_mutation.c - every sample capture (and every public capture in
 * RDPT_SHARED_DIR/captures, when present) mutated in many deterministic ways
 * and run through the whole path of the CLI: capture_open_file,
 * analysis_read, report_xml, report_html, report_text (issue 10).
 *
 * A sample that comes with its TLS secrets (NAME.keys) is mutated a second
 * time as a pcapng carrying them, so that the decrypted layers are reached.
 *
 * Mutations (a seeded PRNG per file, so every run of the suite does the same):
 *   - truncation at record boundaries, inside records and inside the file header;
 *   - bit flips in packet data, in record headers and in the file header;
 *   - length fields set to extremes: TPKT length, X.224 length indicator,
 *     RDP_NEG length, TLS record and handshake lengths, IPv4 total length and
 *     header length, TCP data offset, pcap/pcapng captured and original
 *     lengths, the file's link type, snaplen and version;
 *   - records duplicated, dropped, swapped, reversed and shuffled.
 *
 * What must hold for every one of them:
 *   - no crash and no sanitizer report (ASan/UBSan abort the test; a death
 *     callback names the mutation and keeps its input);
 *   - the run ends (an alarm fails the test after RUN_TIMEOUT_S seconds);
 *   - a file that cannot be opened, or is cut inside a record, gets a
 *     message that names the file;
 *   - the memory the analysis holds stays under MEM_CAP_BYTES;
 *   - every connection has its verdict; the XML report is well-formed and
 *     valid against reports/rdptriage.xsd; the HTML report is complete; the
 *     plain summary holds no control character; reports written to files
 *     leave no temporary file behind.
 *
 * The mutated captures and the reports live in memfds (no file-system
 * traffic: thousands of file creations cost more than the analyses); a
 * failing input is copied to a file in the temporary directory.
 */
#define _GNU_SOURCE /* memfd_create */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "analysis.h"
#include "capture.h"
#include "decode.h"
#include "report.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <malloc.h>
#include <pcap/dlt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RDPT_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define RDPT_ASAN 1
#endif
#ifdef RDPT_ASAN
/* From the sanitizer runtime (sanitizer/allocator_interface.h and
 * common_interface_defs.h, which gcc does not install). */
size_t __sanitizer_get_current_allocated_bytes(void);
void __sanitizer_set_death_callback(void (*callback)(void));
#endif

#ifndef RDPT_SOURCE_DIR
#define RDPT_SOURCE_DIR "."
#endif
#ifndef RDPT_SHARED_DIR
#define RDPT_SHARED_DIR "" /* CMake defines it; without it the public captures are skipped */
#endif

/* One mutated capture may not take longer than this (the slowest real one
 * takes well under a second, even under ASan at -O0). */
#define RUN_TIMEOUT_S 30
/* Heap held by one analysis of one mutated capture. The largest public
 * capture is 1.2 MB; an analysis that holds 64 MiB for it has lost its caps. */
#define MEM_CAP_BYTES (64u << 20)
/* Peak RSS of this whole test process. Under ASan it includes the shadow
 * memory and the quarantine of freed blocks (256 MiB by default). */
#ifdef RDPT_ASAN
#define PROCESS_RSS_CAP_KB (640L * 1024)
#else
#define PROCESS_RSS_CAP_KB (192L * 1024)
#endif
/* Mutations per capture of each kind, fewer for big captures (see budget()). */
#define MAX_TRUNCATIONS 16
#define MAX_FLIPS 16
#define MAX_EXTREMES 48
#define MAX_REORDERS 10

/* ---- deterministic randomness ------------------------------------------ */

static uint64_t rng_state;

static void rng_seed(const char *name)
{
    uint64_t h = 1469598103934665603ull;
    for (const char *p = name; *p; p++)
        h = (h ^ (uint8_t)*p) * 1099511628211ull;
    rng_state = h ? h : 1;
}

static uint64_t rng_next(void) /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static size_t rng_below(size_t n) { return n ? (size_t)(rng_next() % n) : 0; }

/* ---- the capture file as records ---------------------------------------- */

typedef struct {
    size_t off, len;       /* the whole record (header included) in the file */
    bool packet;           /* a pcap record, or a pcapng EPB/SPB */
    size_t data_off;       /* the frame inside the file */
    uint32_t caplen;
    size_t caplen_field;   /* offset of the captured-length field, 0 if none */
    size_t origlen_field;
    int dlt;               /* link type of the frame */
} record;

typedef struct {
    uint8_t *buf;
    size_t len;
    size_t head;           /* bytes before the first record (file header; pcapng: SHB) */
    record *recs;
    size_t n;
    bool pcapng;
    bool big_endian;       /* how the file's own fields are written */
} capfile;

static uint32_t get32(const capfile *cf, size_t off)
{
    const uint8_t *p = cf->buf + off;
    return cf->big_endian ? ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3]
                          : ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) | ((uint32_t)p[1] << 8) | p[0];
}

static void put32(const capfile *cf, uint8_t *buf, size_t off, uint32_t v)
{
    uint8_t *p = buf + off;
    if (cf->big_endian) {
        p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
    } else {
        p[3] = (uint8_t)(v >> 24); p[2] = (uint8_t)(v >> 16); p[1] = (uint8_t)(v >> 8); p[0] = (uint8_t)v;
    }
}

static uint16_t get16(const capfile *cf, size_t off)
{
    const uint8_t *p = cf->buf + off;
    return cf->big_endian ? (uint16_t)((p[0] << 8) | p[1]) : (uint16_t)((p[1] << 8) | p[0]);
}

/* A file's link type as libpcap hands it to decode_packet(). */
static int dlt_of(uint32_t linktype)
{
    return linktype == 101 ? DLT_RAW : (int)linktype;
}

static bool add_record(capfile *cf, record r)
{
    if (cf->n % 256 == 0) {
        record *more = realloc(cf->recs, (cf->n + 256) * sizeof *more);
        if (!more)
            return false;
        cf->recs = more;
    }
    cf->recs[cf->n++] = r;
    return true;
}

static void parse_pcap(capfile *cf)
{
    int dlt = dlt_of(get32(cf, 20) & 0x0FFFFFFF);
    cf->head = 24;
    size_t off = 24;
    while (off + 16 <= cf->len) {
        uint32_t caplen = get32(cf, off + 8);
        if (caplen > cf->len - off - 16)
            break;
        record r = { off, 16 + (size_t)caplen, true, off + 16, caplen, off + 8, off + 12, dlt };
        if (!add_record(cf, r))
            break;
        off += 16 + (size_t)caplen;
    }
}

static void parse_pcapng(capfile *cf)
{
    int dlts[64];
    unsigned n_if = 0;
    size_t off = 0;
    while (off + 12 <= cf->len) {
        uint32_t type = get32(cf, off);
        if (type == 0x0A0D0D0A) {
            const uint8_t *bom = cf->buf + off + 8;
            if (off + 12 > cf->len)
                break;
            cf->big_endian = bom[0] == 0x1A; /* 1A2B3C4D as written */
            n_if = 0;
        }
        uint32_t blen = get32(cf, off + 4);
        if (blen < 12 || blen % 4 || blen > cf->len - off)
            break;
        record r = { off, blen, false, 0, 0, 0, 0, DLT_EN10MB };
        if (type == 1 && blen >= 20 && n_if < 64) {
            dlts[n_if++] = dlt_of(get16(cf, off + 8));
        } else if (type == 6 && blen >= 32) {
            uint32_t ifid = get32(cf, off + 8), caplen = get32(cf, off + 20);
            if (caplen <= blen - 32) {
                r.packet = true;
                r.data_off = off + 28;
                r.caplen = caplen;
                r.caplen_field = off + 20;
                r.origlen_field = off + 24;
                r.dlt = ifid < n_if ? dlts[ifid] : DLT_EN10MB;
            }
        } else if (type == 3 && blen >= 16) {
            uint32_t orig = get32(cf, off + 8);
            r.packet = true;
            r.data_off = off + 12;
            r.caplen = orig < blen - 16 ? orig : blen - 16;
            r.origlen_field = off + 8;
            r.dlt = n_if ? dlts[0] : DLT_EN10MB;
        }
        if (off == 0)
            cf->head = blen; /* the SHB stays first */
        else if (!add_record(cf, r))
            break;
        off += blen;
    }
}

/* Takes ownership of buf (malloc'd, len bytes) and finds its records. */
static bool capfile_parse(capfile *cf, uint8_t *buf, size_t len)
{
    memset(cf, 0, sizeof *cf);
    cf->buf = buf;
    cf->len = len;
    const uint8_t *b = buf;
    if (len < 24) {
        free(buf);
        cf->buf = NULL;
        return false;
    }
    if (b[0] == 0x0A && b[1] == 0x0D && b[2] == 0x0D && b[3] == 0x0A) {
        cf->pcapng = true;
        parse_pcapng(cf);
    } else if (b[0] == 0xD4 && b[1] == 0xC3 && b[2] == 0xB2 && b[3] == 0xA1) {
        parse_pcap(cf);
    } else if (b[0] == 0x4D && b[1] == 0x3C && b[2] == 0xB2 && b[3] == 0xA1) {
        parse_pcap(cf);
    } else if (b[0] == 0xA1 && b[1] == 0xB2 && (b[2] == 0xC3 || b[2] == 0x3C)) {
        cf->big_endian = true;
        parse_pcap(cf);
    } else {
        free(buf);
        cf->buf = NULL;
        return false;
    }
    return true;
}

/* The whole file, malloc'd; NULL if it cannot be read. */
static uint8_t *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct stat st;
    uint8_t *buf = NULL;
    if (fstat(fileno(f), &st) == 0 && st.st_size > 0 && (buf = malloc((size_t)st.st_size)) != NULL)
        *len = fread(buf, 1, (size_t)st.st_size, f);
    fclose(f);
    return buf;
}

static bool capfile_load(const char *path, capfile *cf)
{
    size_t len = 0;
    uint8_t *buf = read_all(path, &len);
    memset(cf, 0, sizeof *cf);
    return buf && capfile_parse(cf, buf, len);
}

/* A little-endian microsecond pcap (or pcapng) with its TLS key log turned
 * into one pcapng with a Decryption Secrets Block (pcapng draft, section 4.7: type
 * 0x0000000A, secrets type 0x544C534B "TLSK"), as `editcap --inject-secrets`
 * writes it: rdptriage then decrypts, and the mutations reach the decrypted
 * layers (CredSSP, NTLM, the RDP PDUs) too. */
static bool with_secrets(const char *pcap_path, const char *keys_path, capfile *cf)
{
    size_t plen = 0, klen = 0;
    uint8_t *p = read_all(pcap_path, &plen);
    uint8_t *k = read_all(keys_path, &klen);
    bool ok = p && k && plen >= 24 && p[0] == 0xD4 && p[1] == 0xC3 && p[2] == 0xB2 && p[3] == 0xA1;
    /* A little-endian pcapng: the DSB goes right after its section header. */
    bool ng = p && k && plen >= 28 && !memcmp(p, "\x0A\x0D\x0D\x0A", 4) && !memcmp(p + 8, "\x4D\x3C\x2B\x1A", 4);
    uint8_t *out = ok || ng ? malloc(28 + 20 + 20 + klen + 3 + 2 * plen) : NULL;
    size_t n = 0;
    if (out && ng) {
        capfile le;
        memset(&le, 0, sizeof le);
        le.buf = p;
        uint32_t shb = get32(&le, 4);
        if (shb < 28 || shb > plen) {
            free(out);
            out = NULL;
        } else {
            memcpy(out, p, shb);
            n = shb;
            size_t kpad = (4 - klen % 4) % 4;
            put32(&le, out, n, 0x0A), n += 4;
            put32(&le, out, n, (uint32_t)(20 + klen + kpad)), n += 4;
            put32(&le, out, n, 0x544C534B), n += 4;
            put32(&le, out, n, (uint32_t)klen), n += 4;
            memcpy(out + n, k, klen);
            n += klen;
            memset(out + n, 0, kpad);
            n += kpad;
            put32(&le, out, n, (uint32_t)(20 + klen + kpad)), n += 4;
            memcpy(out + n, p + shb, plen - shb);
            n += plen - shb;
        }
    } else if (out) {
        capfile le;
        memset(&le, 0, sizeof le);
#define PUT32(v) (put32(&le, out, n, (uint32_t)(v)), n += 4)
        PUT32(0x0A0D0D0A); PUT32(28); PUT32(0x1A2B3C4D);           /* SHB */
        PUT32(1); PUT32(0xFFFFFFFF); PUT32(0xFFFFFFFF); PUT32(28);  /* v1.0, length -1 */
        uint32_t linktype = (uint32_t)p[20] | (uint32_t)p[21] << 8;
        PUT32(1); PUT32(20); PUT32(linktype); PUT32(262144); PUT32(20); /* IDB */
        size_t kpad = (4 - klen % 4) % 4;
        PUT32(0x0A); PUT32(20 + klen + kpad); PUT32(0x544C534B); PUT32(klen);
        memcpy(out + n, k, klen);
        n += klen;
        memset(out + n, 0, kpad);
        n += kpad;
        PUT32(20 + klen + kpad);
        capfile src = { .buf = p, .len = plen };
        for (size_t off = 24; off + 16 <= plen;) {
            uint32_t sec = get32(&src, off), usec = get32(&src, off + 4);
            uint32_t cap = get32(&src, off + 8), orig = get32(&src, off + 12);
            if (cap > plen - off - 16)
                break;
            uint64_t ts = (uint64_t)sec * 1000000u + usec;
            size_t pad = (4 - cap % 4) % 4;
            PUT32(6); PUT32(32 + cap + pad); PUT32(0);
            PUT32(ts >> 32); PUT32(ts & 0xFFFFFFFFu); PUT32(cap); PUT32(orig);
            memcpy(out + n, p + off + 16, cap);
            n += cap;
            memset(out + n, 0, pad);
            n += pad;
            PUT32(32 + cap + pad);
            off += 16 + (size_t)cap;
        }
#undef PUT32
    }
    free(p);
    free(k);
    return out && capfile_parse(cf, out, n);
}

static void capfile_free(capfile *cf)
{
    free(cf->buf);
    free(cf->recs);
    memset(cf, 0, sizeof *cf);
}

/* ---- one run: the path of the CLI --------------------------------------- */

static char tmpdir[64];
static int input_fd = -1;           /* memfd holding the capture being run */
static char input_path[64];         /* its /proc/self/fd path, which libpcap opens */
static char kept_path[128];         /* where a failing input is copied */
static int report_fd = -1;          /* memfd that standard output is sent to */
static char current[256];           /* the mutation being run, for messages */
static xmlSchemaPtr schema;
static xmlSchemaValidCtxtPtr schema_ctxt;
static char xml_error[512];

/* What one test saw, for its summary line. */
typedef struct {
    unsigned runs, unopenable, read_errors, connections;
    size_t max_mem;
    char max_mem_run[256];
} tally;

/* Names the mutation and keeps its input: from a death callback or a signal
 * handler, so only async-signal-safe calls. */
static void say_current(void)
{
    const char *a = "test_mutation: while running ";
    const char *b = "; its input is kept in ";
    (void)!write(STDERR_FILENO, a, strlen(a));
    (void)!write(STDERR_FILENO, current, strlen(current));
    (void)!write(STDERR_FILENO, b, strlen(b));
    (void)!write(STDERR_FILENO, kept_path, strlen(kept_path));
    (void)!write(STDERR_FILENO, "\n", 1);
    int out = open(kept_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || input_fd < 0)
        return;
    char buf[4096];
    off_t off = 0;
    ssize_t n;
    while ((n = pread(input_fd, buf, sizeof buf, off)) > 0 && write(out, buf, (size_t)n) == n)
        off += n;
    close(out);
}

/* A failed check: keep the input before cmocka unwinds the test. */
#define fail_run(...)          \
    do {                       \
        say_current();         \
        fail_msg(__VA_ARGS__); \
    } while (0)

static void on_alarm(int sig)
{
    (void)sig;
    const char *m = "test_mutation: a run did not end in time (a hang)\n";
    (void)!write(STDERR_FILENO, m, strlen(m));
    say_current();
    _exit(1);
}

static void quiet_error(void *ctx, const char *fmt, ...) { (void)ctx; (void)fmt; }

static void keep_error(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    if (e && e->message && !xml_error[0])
        snprintf(xml_error, sizeof xml_error, "line %d: %s", e->line, e->message);
}

/* Heap bytes in use now, as the allocator sees them. */
static size_t heap_in_use(void)
{
#ifdef RDPT_ASAN
    return __sanitizer_get_current_allocated_bytes();
#else
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
#endif
}

/* Runs `report` (a report to "-") with standard output sent to the report
 * memfd, and returns what it wrote (NUL-terminated; free() it). */
static char *capture_stdout(const analysis *a, int (*report)(const analysis *, const char *, char *, size_t),
                            size_t *len)
{
    char err[1024];
    fflush(stdout);
    assert_int_equal(ftruncate(report_fd, 0), 0);
    int saved = dup(STDOUT_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(report_fd, STDOUT_FILENO) >= 0);
    assert_int_equal(lseek(STDOUT_FILENO, 0, SEEK_SET), 0);
    int rc = report(a, "-", err, sizeof err);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    if (rc != 0)
        fail_run("%s: the report failed: %s", current, err);
    struct stat st;
    assert_int_equal(fstat(report_fd, &st), 0);
    *len = (size_t)st.st_size;
    char *buf = malloc(*len + 1);
    assert_non_null(buf);
    assert_int_equal(pread(report_fd, buf, *len, 0), (ssize_t)*len);
    buf[*len] = '\0';
    return buf;
}

static void check_reports(const analysis *a, bool to_files)
{
    size_t len;
    char *xml = capture_stdout(a, report_xml, &len);
    xml_error[0] = '\0';
    xmlDocPtr doc = xmlReadMemory(xml, (int)len, "report.xml", NULL, XML_PARSE_NONET);
    if (!doc)
        fail_run("%s: the XML report is not well-formed: %s", current, xml_error);
    if (schema_ctxt && xmlSchemaValidateDoc(schema_ctxt, doc) != 0)
        fail_run("%s: the XML report is not valid against rdptriage.xsd: %s", current, xml_error);
    xmlFreeDoc(doc);
    free(xml);

    char *html = capture_stdout(a, report_html, &len);
    if (strlen(html) != len || !strstr(html, "</html>"))
        fail_run("%s: the HTML report is incomplete", current);
    free(html);

    char *text = NULL;
    size_t tlen = 0;
    FILE *f = open_memstream(&text, &tlen);
    assert_non_null(f);
    report_text(a, f, false);
    fclose(f);
    for (size_t i = 0; i < tlen; i++)
        if (text[i] != '\n' && ((unsigned char)text[i] < 0x20 || text[i] == 0x7F))
            fail_run("%s: the summary holds control byte 0x%02X", current, (unsigned char)text[i]);
    free(text);

    if (to_files) {
        /* The atomic writer: both files complete, no temporary left over. */
        char xp[160], hp[160], err[1024];
        snprintf(xp, sizeof xp, "%s/report.xml", tmpdir);
        snprintf(hp, sizeof hp, "%s/report.html", tmpdir);
        if (report_xml(a, xp, err, sizeof err) != 0 || report_html(a, hp, err, sizeof err) != 0)
            fail_run("%s: writing a report file failed: %s", current, err);
        DIR *d = opendir(tmpdir);
        assert_non_null(d);
        struct dirent *e;
        while ((e = readdir(d)) != NULL)
            if (strstr(e->d_name, ".tmp-"))
                fail_run("%s: a temporary report file was left behind: %s", current, e->d_name);
        closedir(d);
        xmlDocPtr fdoc = xmlReadFile(xp, NULL, XML_PARSE_NONET);
        if (!fdoc)
            fail_run("%s: the XML report file is not well-formed", current);
        xmlFreeDoc(fdoc);
        unlink(xp);
        unlink(hp);
    }
}

/* Where a cut at `cut` bytes falls: inside the file header, inside a record
 * (a read error must then be reported), or on a record boundary. */
typedef enum { CUT_NONE, CUT_HEADER, CUT_INSIDE, CUT_BOUNDARY } cut_kind;

static void run_bytes(tally *t, const uint8_t *bytes, size_t len, cut_kind cut)
{
    assert_int_equal(ftruncate(input_fd, 0), 0);
    if (len)
        assert_int_equal(pwrite(input_fd, bytes, len, 0), (ssize_t)len);

    alarm(RUN_TIMEOUT_S);
    size_t before = heap_in_use();
    analysis a;
    analysis_init(&a);
    char err[1024] = "";
    capture_source *src = capture_open_file(input_path, NULL, err, sizeof err);
    if (!src) {
        if (!strstr(err, input_path))
            fail_run("%s: the message for an unreadable file does not name it: \"%s\"", current, err);
        if (cut == CUT_BOUNDARY || cut == CUT_INSIDE)
            fail_run("%s: a file whose header is intact could not be opened: %s", current, err);
        t->unopenable++;
        /* What main.c does with it: a message and an input with its error. */
        analysis_message_add(&a, MSG_ERROR, "%s", err);
        analysis_input *in = &a.inputs[a.n_inputs++];
        memset(in, 0, sizeof *in);
        rt_fmt(in->name, sizeof in->name, "%s", input_path);
        rt_fmt(in->error, sizeof in->error, "%s", err);
    } else {
        assert_true(analysis_read(&a, src, input_path, false));
        capture_close(src);
        const analysis_input *in = &a.inputs[a.n_inputs - 1];
        if (in->read_error) {
            t->read_errors++;
            if (!strstr(in->error, input_path))
                fail_run("%s: the read error does not name the file: \"%s\"", current, in->error);
        } else if (cut == CUT_INSIDE) {
            fail_run("%s: a file cut inside a record was read without an error", current);
        }
    }
    size_t held = heap_in_use();
    held = held > before ? held - before : 0;
    if (held > t->max_mem) {
        t->max_mem = held;
        rt_fmt(t->max_mem_run, sizeof t->max_mem_run, "%s", current);
    }
    if (held > MEM_CAP_BYTES)
        fail_run("%s: the analysis holds %zu bytes (cap %u)", current, held, MEM_CAP_BYTES);

    uint32_t n = 0;
    for (const connection *c = a.first; c; c = c->order_next) {
        if (!c->diagnosed)
            fail_run("%s: connection %u has no verdict", current, c->id);
        n++;
    }
    assert_int_equal(n, a.n_connections);
    t->connections += n;
    check_reports(&a, t->runs % 256 == 0); /* files cost an fsync each */
    analysis_free(&a);
    alarm(0);
    t->runs++;
}

/* ---- the mutations ------------------------------------------------------- */

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static uint8_t *copy_of(const capfile *cf)
{
    uint8_t *b = malloc(cf->len ? cf->len : 1);
    assert_non_null(b);
    memcpy(b, cf->buf, cf->len);
    return b;
}

static void truncations(tally *t, const capfile *cf, const char *name, unsigned count)
{
    size_t cuts[MAX_TRUNCATIONS + 8];
    unsigned n = 0;
    cuts[n++] = 0;
    cuts[n++] = cf->head > 4 ? cf->head - 4 : 1;   /* inside the file header */
    for (size_t i = 0; i < cf->n && n < 6; i++) {   /* around the first records */
        cuts[n++] = cf->recs[i].off + 5;
        if (i == 0)
            cuts[n++] = cf->recs[i].off + cf->recs[i].len; /* on a boundary */
    }
    while (n < count + 2 && cf->len > 1)
        cuts[n++] = 1 + rng_below(cf->len - 1);
    for (unsigned k = 0; k < n; k++) {
        size_t cut = cuts[k] < cf->len ? cuts[k] : cf->len - 1;
        cut_kind kind = cut < cf->head ? CUT_HEADER : CUT_NONE;
        for (size_t i = 0; i < cf->n && kind == CUT_NONE; i++) {
            const record *r = &cf->recs[i];
            /* Only classic pcap is judged: there a cut inside a record must
             * be reported by libpcap. pcapng is left to its own rules (a
             * file cut right after its section header has no interface). */
            if (cf->pcapng)
                break;
            if (cut == r->off || cut == r->off + r->len)
                kind = CUT_BOUNDARY;
            else if (cut > r->off && cut < r->off + r->len)
                kind = CUT_INSIDE;
        }
        rt_fmt(current, sizeof current, "%s truncated to %zu of %zu bytes", name, cut, cf->len);
        run_bytes(t, cf->buf, cut, kind);
    }
}

static void flips(tally *t, const capfile *cf, const char *name, unsigned count)
{
    for (unsigned k = 0; k < count; k++) {
        uint8_t *b = copy_of(cf);
        unsigned bits = 1 + (unsigned)rng_below(4);
        size_t where = 0;
        const char *region;
        if (k % 8 == 7) { /* the file or a record header */
            region = "header";
            for (unsigned i = 0; i < bits; i++) {
                if (cf->n && rng_below(2)) {
                    const record *r = &cf->recs[rng_below(cf->n)];
                    where = r->off + rng_below(r->packet && r->data_off > r->off ? r->data_off - r->off : 8);
                } else {
                    where = rng_below(cf->head);
                }
                b[where] ^= (uint8_t)(1u << rng_below(8));
            }
        } else {
            region = "packet data";
            for (unsigned i = 0; i < bits && cf->n; i++) {
                const record *r = &cf->recs[rng_below(cf->n)];
                if (!r->packet || r->caplen == 0)
                    continue;
                where = r->data_off + rng_below(r->caplen);
                b[where] ^= (uint8_t)(1u << rng_below(8));
            }
        }
        rt_fmt(current, sizeof current, "%s with %u bit(s) flipped in the %s (last at byte %zu)", name,
               bits, region, where);
        run_bytes(t, b, cf->len, CUT_NONE);
        free(b);
    }
}

/* One field of a copy set to a value: big-endian on the wire, `width` bytes. */
typedef struct {
    size_t off;
    unsigned width;        /* 1, 2, 3 or 4 (4 in the file's byte order when file_order) */
    bool file_order;
    uint32_t value;
    char what[96];
} field_edit;

static void edit_add(field_edit *list, unsigned *n, unsigned cap, size_t off, unsigned width,
                     bool file_order, uint32_t value, const char *what)
{
    if (*n >= cap)
        return;
    field_edit *e = &list[(*n)++];
    e->off = off;
    e->width = width;
    e->file_order = file_order;
    e->value = value;
    rt_fmt(e->what, sizeof e->what, "%s", what);
}

#define MAX_EDITS 1024

/* Every length field found in the captures' frames and records, each with its
 * extreme values; the caller runs a deterministic selection of them. */
static unsigned find_edits(const capfile *cf, field_edit *list)
{
    unsigned n = 0;
    static const uint32_t tpkt_len[] = { 0, 1, 4, 7, 0x7FFF, 0x8000, 0xFFFF };
    static const uint32_t tls_len[] = { 0, 1, 0x4000, 0x4800, 0x4801, 0xFFFF };
    static const uint32_t u32_len[] = { 0, 1, 0xFFFF, 0x40000, 0x7FFFFFFF, 0xFFFFFFFF };
    static const uint32_t linktypes[] = { 0, 1, 12, 101, 113, 228, 229, 276, 65535 };
    char what[96];

    if (!cf->pcapng) {
        for (size_t i = 0; i < sizeof linktypes / sizeof linktypes[0]; i++) {
            rt_fmt(what, sizeof what, "file link type %u", linktypes[i]);
            edit_add(list, &n, MAX_EDITS, 20, 4, true, linktypes[i], what);
        }
        edit_add(list, &n, MAX_EDITS, 16, 4, true, 0, "snaplen 0");
        edit_add(list, &n, MAX_EDITS, 16, 4, true, 0xFFFFFFFF, "snaplen 0xFFFFFFFF");
        edit_add(list, &n, MAX_EDITS, 4, 4, true, 0xFFFFFFFF, "version 65535.65535");
    }
    unsigned tcp_seen = 0;
    for (size_t i = 0; i < cf->n; i++) {
        const record *r = &cf->recs[i];
        if (!r->packet)
            continue;
        if (i < 4 && r->caplen_field)
            for (size_t v = 0; v < sizeof u32_len / sizeof u32_len[0]; v++) {
                rt_fmt(what, sizeof what, "record %zu captured length %u", i + 1, u32_len[v]);
                edit_add(list, &n, MAX_EDITS, r->caplen_field, 4, true, u32_len[v], what);
            }
        if (i < 4 && r->origlen_field) {
            rt_fmt(what, sizeof what, "record %zu original length 0", i + 1);
            edit_add(list, &n, MAX_EDITS, r->origlen_field, 4, true, 0, what);
            rt_fmt(what, sizeof what, "record %zu original length 0xFFFFFFFF", i + 1);
            edit_add(list, &n, MAX_EDITS, r->origlen_field, 4, true, 0xFFFFFFFF, what);
        }
        decoded_packet p;
        const uint8_t *frame = cf->buf + r->data_off;
        if (decode_packet(r->dlt, frame, r->caplen, r->caplen, &p, NULL) != DECODE_OK ||
            p.kind != DECODED_TCP)
            continue;
        size_t tcp_off = r->data_off + (size_t)(p.tcp.payload - frame) - 20 - p.tcp.options_len;
        if (tcp_seen++ < 3) {
            rt_fmt(what, sizeof what, "record %zu TCP data offset 0", i + 1);
            edit_add(list, &n, MAX_EDITS, tcp_off + 12, 1, false, 0x00, what);
            rt_fmt(what, sizeof what, "record %zu TCP data offset 15", i + 1);
            edit_add(list, &n, MAX_EDITS, tcp_off + 12, 1, false, 0xF0, what);
            if (p.src.family == 4 && tcp_off >= r->data_off + 20) {
                /* The IPv4 header right before TCP when it has no options. */
                size_t ip_off = tcp_off - 20;
                if ((cf->buf[ip_off] >> 4) == 4) {
                    static const uint32_t ip_len[] = { 0, 20, 0xFFFF };
                    for (size_t v = 0; v < 3; v++) {
                        rt_fmt(what, sizeof what, "record %zu IPv4 total length %u", i + 1, ip_len[v]);
                        edit_add(list, &n, MAX_EDITS, ip_off + 2, 2, false, ip_len[v], what);
                    }
                    rt_fmt(what, sizeof what, "record %zu IPv4 header length 0", i + 1);
                    edit_add(list, &n, MAX_EDITS, ip_off, 1, false, 0x40, what);
                    rt_fmt(what, sizeof what, "record %zu IPv4 header length 60", i + 1);
                    edit_add(list, &n, MAX_EDITS, ip_off, 1, false, 0x4F, what);
                }
            }
        }
        if (p.tcp.payload_caplen < 5)
            continue;
        size_t pay = r->data_off + (size_t)(p.tcp.payload - frame);
        const uint8_t *q = cf->buf + pay;
        uint32_t plen = p.tcp.payload_caplen;
        if (q[0] == 3 && q[1] == 0) {
            uint32_t actual = ((uint32_t)q[2] << 8) | q[3];
            for (size_t v = 0; v < sizeof tpkt_len / sizeof tpkt_len[0]; v++) {
                rt_fmt(what, sizeof what, "record %zu TPKT length %u", i + 1, tpkt_len[v]);
                edit_add(list, &n, MAX_EDITS, pay + 2, 2, false, tpkt_len[v], what);
            }
            rt_fmt(what, sizeof what, "record %zu TPKT length %u (one less)", i + 1, actual - 1);
            edit_add(list, &n, MAX_EDITS, pay + 2, 2, false, actual - 1, what);
            rt_fmt(what, sizeof what, "record %zu TPKT length %u (one more)", i + 1, actual + 1);
            edit_add(list, &n, MAX_EDITS, pay + 2, 2, false, actual + 1, what);
            static const uint32_t li[] = { 0, 1, 2, 6, 0xFF };
            for (size_t v = 0; v < 5; v++) {
                rt_fmt(what, sizeof what, "record %zu X.224 length indicator %u", i + 1, li[v]);
                edit_add(list, &n, MAX_EDITS, pay + 4, 1, false, li[v], what);
            }
            /* RDP_NEG_REQ/RSP/FAILURE: type, flags, length 8 (LE), 4 bytes,
             * at the end of a CR or CC (MS-RDPBCGR 2.2.1.1.1, 2.2.1.2.1). */
            if (actual == plen && plen >= 4 + 7 + 8 && (q[5] & 0xF0) != 0xF0) {
                const uint8_t *neg = q + plen - 8;
                if (neg[0] >= 1 && neg[0] <= 3 && neg[2] == 8 && neg[3] == 0) {
                    rt_fmt(what, sizeof what, "record %zu RDP_NEG length 0", i + 1);
                    edit_add(list, &n, MAX_EDITS, pay + plen - 6, 2, false, 0, what);
                    rt_fmt(what, sizeof what, "record %zu RDP_NEG length 0xFFFF", i + 1);
                    edit_add(list, &n, MAX_EDITS, pay + plen - 6, 2, false, 0xFFFF, what);
                }
            }
            /* A BER length in MCS Connect-Initial/Response (T.125): 0x7F65/0x7F66. */
            if (plen > 12 && (q[5] & 0xF0) == 0xF0 && q[7] == 0x7F && (q[8] == 0x65 || q[8] == 0x66)) {
                rt_fmt(what, sizeof what, "record %zu MCS BER length 0x82FFFF", i + 1);
                edit_add(list, &n, MAX_EDITS, pay + 9, 3, false, 0x82FFFF, what);
                rt_fmt(what, sizeof what, "record %zu MCS BER length 0x84 (4 bytes follow)", i + 1);
                edit_add(list, &n, MAX_EDITS, pay + 9, 1, false, 0x84, what);
            }
        } else if (q[0] >= 20 && q[0] <= 24 && q[1] == 3 && q[2] <= 4) {
            for (size_t v = 0; v < sizeof tls_len / sizeof tls_len[0]; v++) {
                rt_fmt(what, sizeof what, "record %zu TLS record length %u", i + 1, tls_len[v]);
                edit_add(list, &n, MAX_EDITS, pay + 3, 2, false, tls_len[v], what);
            }
            if (q[0] == 22 && plen >= 9) {
                rt_fmt(what, sizeof what, "record %zu TLS handshake length 0", i + 1);
                edit_add(list, &n, MAX_EDITS, pay + 6, 3, false, 0, what);
                rt_fmt(what, sizeof what, "record %zu TLS handshake length 0xFFFFFF", i + 1);
                edit_add(list, &n, MAX_EDITS, pay + 6, 3, false, 0xFFFFFF, what);
            }
        }
    }
    return n;
}

static void apply_edit(const capfile *cf, uint8_t *b, const field_edit *e)
{
    if (e->file_order && e->width == 4) {
        put32(cf, b, e->off, e->value);
        return;
    }
    for (unsigned i = 0; i < e->width; i++)
        b[e->off + i] = (uint8_t)(e->value >> (8 * (e->width - 1 - i)));
}

static void extremes(tally *t, const capfile *cf, const char *name, unsigned count)
{
    field_edit *list = calloc(MAX_EDITS, sizeof *list);
    assert_non_null(list);
    unsigned n = find_edits(cf, list);
    /* All of them when few; else an even spread with a random start. */
    unsigned runs = n < count ? n : count;
    size_t start = rng_below(n);
    for (unsigned k = 0; k < runs; k++) {
        const field_edit *e = &list[(start + (size_t)k * n / runs) % n];
        if (e->off + e->width > cf->len)
            continue;
        uint8_t *b = copy_of(cf);
        apply_edit(cf, b, e);
        rt_fmt(current, sizeof current, "%s with %s", name, e->what);
        run_bytes(t, b, cf->len, CUT_NONE);
        free(b);
    }
    free(list);
}

/* Writes the header and the records in `order` (indices, repeats allowed). */
static size_t rewrite(const capfile *cf, const size_t *order, size_t n, uint8_t *out)
{
    size_t len = cf->head;
    memcpy(out, cf->buf, cf->head);
    for (size_t i = 0; i < n; i++) {
        const record *r = &cf->recs[order[i]];
        memcpy(out + len, cf->buf + r->off, r->len);
        len += r->len;
    }
    return len;
}

static void reorders(tally *t, const capfile *cf, const char *name, unsigned count)
{
    if (cf->n < 2)
        return;
    size_t *order = malloc(2 * cf->n * sizeof *order);
    uint8_t *out = malloc(2 * cf->len);
    assert_non_null(order);
    assert_non_null(out);
    for (unsigned k = 0; k < count; k++) {
        size_t n = 0;
        const char *how;
        size_t a = rng_below(cf->n), b = rng_below(cf->n);
        switch (k % 7) {
        case 0:
            how = "every record twice";
            for (size_t i = 0; i < cf->n; i++)
                order[n++] = i, order[n++] = i;
            break;
        case 1:
            how = "one record duplicated later";
            for (size_t i = 0; i < cf->n; i++) {
                order[n++] = i;
                if (i == (a > b ? a : b))
                    order[n++] = a < b ? a : b;
            }
            break;
        case 2:
            how = "two records swapped";
            for (size_t i = 0; i < cf->n; i++)
                order[n++] = i == a ? b : i == b ? a : i;
            break;
        case 3:
            how = "records reversed";
            for (size_t i = 0; i < cf->n; i++)
                order[n++] = cf->n - 1 - i;
            break;
        case 4:
            how = "records shuffled";
            for (size_t i = 0; i < cf->n; i++)
                order[n++] = i;
            for (size_t i = cf->n - 1; i > 0; i--) {
                size_t j = rng_below(i + 1), tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
            break;
        case 5:
            how = "one record dropped";
            for (size_t i = 0; i < cf->n; i++)
                if (i != a)
                    order[n++] = i;
            break;
        default:
            how = "adjacent records swapped pairwise";
            for (size_t i = 0; i < cf->n; i++)
                order[n++] = (i ^ 1) < cf->n ? (i ^ 1) : i;
            break;
        }
        size_t len = rewrite(cf, order, n, out);
        rt_fmt(current, sizeof current, "%s with %s (records %zu, %zu)", name, how, a + 1, b + 1);
        run_bytes(t, out, len, CUT_NONE);
    }
    free(order);
    free(out);
}

/* Fewer mutations for big captures, so that the suite stays within its time:
 * the per-run cost grows with the capture's size. */
static unsigned budget(size_t len, unsigned full)
{
    size_t scale = len <= 128 * 1024 ? 1 : len / (128 * 1024) + 1;
    unsigned n = (unsigned)(full / scale);
    return n ? n : 1;
}

static void mutate(tally *t, capfile *cf, const char *name)
{
    rng_seed(name);
    truncations(t, cf, name, budget(cf->len, MAX_TRUNCATIONS));
    flips(t, cf, name, budget(cf->len, MAX_FLIPS));
    extremes(t, cf, name, budget(cf->len, MAX_EXTREMES));
    reorders(t, cf, name, budget(cf->len, MAX_REORDERS));
    capfile_free(cf);
}

static void mutate_file(tally *t, const char *path)
{
    capfile cf;
    if (!capfile_load(path, &cf)) {
        print_message("test_mutation: %s is not a pcap or pcapng file, left out\n", path);
        return;
    }
    mutate(t, &cf, base_name(path));

    /* A sample with its TLS secrets (NAME.keys beside NAME.pcap): once more,
     * decrypted. */
    char keys[1024], name[300];
    size_t plen = strlen(path);
    if (plen < 5 || strcmp(path + plen - 5, ".pcap") != 0)
        return;
    rt_fmt(keys, sizeof keys, "%.*s.keys", (int)(plen - 5), path);
    if (access(keys, R_OK) != 0)
        return;
    if (!with_secrets(path, keys, &cf)) {
        /* Only little-endian files are converted (all the lab writes). */
        print_message("test_mutation: %s is not little-endian: not combined with %s\n", path, keys);
        return;
    }
    rt_fmt(name, sizeof name, "%s with its TLS secrets (pcapng)", base_name(path));
    mutate(t, &cf, name);
}

/* ---- file lists ---------------------------------------------------------- */

typedef struct {
    char **paths;
    size_t n;
} path_list;

static bool is_capture_name(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && !strcmp(name + n - 5, ".pcap")) || (n > 7 && !strcmp(name + n - 7, ".pcapng")) ||
           (n > 4 && !strcmp(name + n - 4, ".cap"));
}

static void collect(path_list *l, const char *dir, bool recurse)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        rt_fmt(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            if (recurse)
                collect(l, path, true);
        } else if (S_ISREG(st.st_mode) && is_capture_name(e->d_name)) {
            char **more = realloc(l->paths, (l->n + 1) * sizeof *more);
            assert_non_null(more);
            l->paths = more;
            l->paths[l->n] = strdup(path);
            assert_non_null(l->paths[l->n]);
            l->n++;
        }
    }
    closedir(d);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_free(path_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->paths[i]);
    free(l->paths);
}

/* The heap held after each read shows what the analysis keeps; a transient
 * peak inside a read (PDU and reassembly buffers) shows in this process's
 * peak RSS instead, which must stay under PROCESS_RSS_CAP_KB. */
static void report_tally(const char *what, const tally *t, double secs)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    print_message("test_mutation: %s: %u runs in %.1f s, %u unopenable, %u read errors, %u connections; "
                  "most heap held after a read: %zu KiB (%s); peak RSS of this test so far: %ld KiB\n",
                  what, t->runs, secs, t->unopenable, t->read_errors, t->connections, t->max_mem / 1024,
                  t->max_mem_run, ru.ru_maxrss);
    if (ru.ru_maxrss > PROCESS_RSS_CAP_KB)
        fail_msg("the peak RSS of this test, %ld KiB, is over %ld KiB", ru.ru_maxrss, PROCESS_RSS_CAP_KB);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- tests --------------------------------------------------------------- */

static void test_samples(void **state)
{
    (void)state;
    path_list l = { NULL, 0 };
    collect(&l, RDPT_SOURCE_DIR "/samples", false);
    assert_true(l.n > 0);
    qsort(l.paths, l.n, sizeof *l.paths, cmp_str);
    tally t;
    memset(&t, 0, sizeof t);
    double t0 = now_s();
    for (size_t i = 0; i < l.n; i++)
        mutate_file(&t, l.paths[i]);
    report_tally("samples", &t, now_s() - t0);
    assert_true(t.runs > 10 * l.n);
    list_free(&l);
}

static void test_shared_captures(void **state)
{
    (void)state;
    char dir[1024];
    rt_fmt(dir, sizeof dir, "%s/captures", RDPT_SHARED_DIR);
    struct stat st;
    if (!RDPT_SHARED_DIR[0] || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        skip();
    path_list l = { NULL, 0 };
    collect(&l, dir, true);
    if (l.n == 0) {
        list_free(&l);
        skip();
    }
    qsort(l.paths, l.n, sizeof *l.paths, cmp_str);
    tally t;
    memset(&t, 0, sizeof t);
    double t0 = now_s();
    for (size_t i = 0; i < l.n; i++)
        mutate_file(&t, l.paths[i]);
    report_tally("public captures", &t, now_s() - t0);
    assert_true(t.runs >= l.n);
    list_free(&l);
}

/* Files that are no capture at all, or only the start of one. */
static void test_unreadable_files(void **state)
{
    (void)state;
    static const uint8_t pcap_header[24] = { 0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0, 0, 0, 0, 0,
                                             0,    0,    0,    0,    0xFF, 0xFF, 0, 0, 1, 0, 0, 0 };
    static const uint8_t shb_only[28] = { 0x0A, 0x0D, 0x0D, 0x0A, 28, 0, 0, 0, 0x4D, 0x3C, 0x2B, 0x1A,
                                          1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                          28, 0, 0, 0 };
    static const uint8_t huge_block[12] = { 0x0A, 0x0D, 0x0D, 0x0A, 0xF0, 0xFF, 0xFF, 0x7F,
                                            0x4D, 0x3C, 0x2B, 0x1A };
    uint8_t garbage[4096];
    rng_seed("garbage");
    for (size_t i = 0; i < sizeof garbage; i++)
        garbage[i] = (uint8_t)rng_next();
    struct {
        const char *what;
        const uint8_t *bytes;
        size_t len;
        bool opens;           /* libpcap accepts it (then: no packets) */
    } cases[] = {
        { "an empty file", (const uint8_t *)"", 0, false },
        { "a text file", (const uint8_t *)"not a capture\n", 14, false },
        { "one byte", (const uint8_t *)"\xD4", 1, false },
        { "a pcap header cut short", pcap_header, 20, false },
        { "a pcap header alone", pcap_header, sizeof pcap_header, true },
        { "a pcapng section header alone", shb_only, sizeof shb_only, true },
        { "a pcapng block claiming 2 GiB", huge_block, sizeof huge_block, false },
        { "4 KiB of random bytes", garbage, sizeof garbage, false },
    };
    tally t;
    memset(&t, 0, sizeof t);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rt_fmt(current, sizeof current, "%s", cases[i].what);
        unsigned before = t.unopenable;
        run_bytes(&t, cases[i].bytes, cases[i].len, CUT_NONE);
        if (!cases[i].opens && t.unopenable == before)
            fail_msg("%s was opened as a capture", cases[i].what);
    }
    /* A directory and a missing file: capture_open_file itself must say so. */
    char err[1024];
    assert_null(capture_open_file(tmpdir, NULL, err, sizeof err));
    assert_non_null(strstr(err, tmpdir));
    char missing[160];
    rt_fmt(missing, sizeof missing, "%s/no-such-file.pcap", tmpdir);
    assert_null(capture_open_file(missing, NULL, err, sizeof err));
    assert_non_null(strstr(err, missing));
}

static int setup(void **state)
{
    (void)state;
    const char *base = getenv("TMPDIR");
    rt_fmt(tmpdir, sizeof tmpdir, "%s/rdpt_mutation_XXXXXX", base && *base && strlen(base) < 32 ? base : "/tmp");
    if (!mkdtemp(tmpdir))
        return -1;
    input_fd = memfd_create("rdpt-mutation-input", MFD_CLOEXEC);
    report_fd = memfd_create("rdpt-mutation-report", MFD_CLOEXEC);
    if (input_fd < 0 || report_fd < 0)
        return -1;
    rt_fmt(input_path, sizeof input_path, "/proc/self/fd/%d", input_fd);
    rt_fmt(kept_path, sizeof kept_path, "%s/failing-input", tmpdir);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
#ifdef RDPT_ASAN
    __sanitizer_set_death_callback(say_current);
#endif
    xmlInitParser();
    xmlSetGenericErrorFunc(NULL, quiet_error);
    xmlSetStructuredErrorFunc(NULL, keep_error);
    const char *xsd = getenv("RDPT_XSD"); /* another schema, e.g. while it changes */
    xmlSchemaParserCtxtPtr pc =
        xmlSchemaNewParserCtxt(xsd && *xsd ? xsd : RDPT_SOURCE_DIR "/reports/rdptriage.xsd");
    schema = pc ? xmlSchemaParse(pc) : NULL;
    xmlSchemaFreeParserCtxt(pc);
    schema_ctxt = schema ? xmlSchemaNewValidCtxt(schema) : NULL;
    if (!schema_ctxt)
        print_message("test_mutation: reports/rdptriage.xsd could not be loaded: XML is only "
                      "checked for well-formedness\n");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    xmlSchemaFreeValidCtxt(schema_ctxt);
    xmlSchemaFree(schema);
    close(input_fd);
    close(report_fd);
    return rmdir(tmpdir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unreadable_files),
        cmocka_unit_test(test_samples),
        cmocka_unit_test(test_shared_captures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

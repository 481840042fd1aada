/* test_adversarial.c - captures shaped by an attacker, written at test time
 * into a temporary directory (never committed), run through the real
 * rdptriage binary, whose peak memory (ru_maxrss of the child, from wait4)
 * and run time are measured (issue 10).
 *
 *   - a million SYNs to 3389, each from its own source address, with
 *     --max-connections 2000: the run ends, the XML report and the messages
 *     say the connection cap was reached and how much was not tracked, and
 *     the peak RSS is that of 2000 SYNs alone (measured first, with no cap
 *     reached, where neither says so) within FLOOD_RSS_SLACK_KB;
 *   - TPKT, X.224 RDP_NEG, TLS record, TLS handshake and BER (MCS) length
 *     fields claiming up to gigabytes, each on its own connection;
 *   - a TLS record stream whose handshake message never completes;
 *   - a million 1-byte TCP segments of one connection, out of order (every
 *     one ahead of the missing first byte), and the same in reverse order:
 *     the reassembly caps hold, the XML says the cap was reached, and the
 *     run stays linear;
 *   - (issue 9) 5,000 and then 20,000 short RDP connections one after the
 *     other over minutes of capture time, with both reports: every one is in
 *     the XML, and the peak RSS of the second run is that of the first within
 *     FLAT_RSS_SLACK_KB (connections are reported and freed as they end; only
 *     the report index grows, by 16 bytes a connection).
 *
 * Caps (RSS_CAP_KB): 256 MiB under AddressSanitizer, whose own bookkeeping
 * (shadow memory, redzones, the quarantine of freed blocks, which the child
 * is told to keep at 16 MiB, and at none when two runs' peaks are compared)
 * is counted in the RSS; 128 MiB in a plain build.
 * The same captures run in both builds: a million SYNs takes a few seconds
 * even under ASan at -O0, so no case is made smaller for it.
 *
 * RDPT_BINARY (CMake defines it, or the environment gives it) is the
 * rdptriage to run; without it the tests are skipped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
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
#define RSS_CAP_KB (256L * 1024)
#else
#define RSS_CAP_KB (128L * 1024)
#endif
/* No case may take longer than this, whatever the build (a hang or a
 * quadratic path fails here). */
#define RUN_LIMIT_S 240

#define MILLION 1000000u
#define SYN_CAP 2000u          /* --max-connections for the flood */
/* The flood may cost at most this much more than SYN_CAP SYNs alone: the
 * SYNs the cap turns away must cost (almost) nothing. */
#define FLOOD_RSS_SLACK_KB (16L * 1024)
/* Four times the connections may cost this much more at the peak. */
#define FLAT_RSS_SLACK_KB (8L * 1024)
/* Peak RSS of SYN_CAP SYNs with no cap reached: what the tracked
 * connections of the flood cost (0 until measured). */
static long rss_tracked_only_kb;

#ifndef RDPT_BINARY
#define RDPT_BINARY ""
#endif

static char tmpdir[64];
static const char *binary;

/* ---- a pcap writer --------------------------------------------------------- */

typedef struct {
    FILE *f;
    uint32_t sec, usec;
    uint64_t packets;
} pcap_out;

static void le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

static void be16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

static void be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

static void pcap_begin(pcap_out *o, const char *path)
{
    o->f = fopen(path, "wb");
    assert_non_null(o->f);
    setvbuf(o->f, NULL, _IOFBF, 1 << 20);
    uint8_t h[24] = { 0 };
    le32(h, 0xA1B2C3D4);
    h[4] = 2;
    h[6] = 4;
    le32(h + 16, 262144);
    le32(h + 20, 1); /* Ethernet */
    assert_int_equal(fwrite(h, 1, 24, o->f), 24);
    o->sec = 1700000000;
    o->usec = 0;
    o->packets = 0;
}

static void pcap_frame(pcap_out *o, const uint8_t *frame, uint32_t len)
{
    uint8_t r[16];
    o->usec += 10;
    if (o->usec >= 1000000) {
        o->usec -= 1000000;
        o->sec++;
    }
    le32(r, o->sec);
    le32(r + 4, o->usec);
    le32(r + 8, len);
    le32(r + 12, len);
    assert_int_equal(fwrite(r, 1, 16, o->f), 16);
    assert_int_equal(fwrite(frame, 1, len, o->f), len);
    o->packets++;
}

static void pcap_end(pcap_out *o) { assert_int_equal(fclose(o->f), 0); }

/* Moves the capture clock on (the next frame comes this much later). */
static void pcap_skip(pcap_out *o, uint32_t usec)
{
    uint64_t t = (uint64_t)o->usec + usec;
    o->sec += (uint32_t)(t / 1000000u);
    o->usec = (uint32_t)(t % 1000000u);
}

enum { FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10 };

/* One TCP segment over IPv4 over Ethernet (checksums 0: rdptriage ignores
 * them, as NIC offload makes them wrong in real captures anyway). */
static void tcp_out(pcap_out *o, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
                    uint32_t seq, uint32_t ack, uint8_t flags, const uint8_t *payload, uint32_t plen)
{
    static uint8_t f[14 + 20 + 20 + 65536];
    assert_true(plen <= 65535 - 40);
    memset(f, 0, 54);
    memcpy(f, "\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xAA\xBB\x08\x00", 14);
    uint8_t *ip = f + 14, *tcp = ip + 20;
    ip[0] = 0x45;
    be16(ip + 2, 40 + plen);
    ip[8] = 64;
    ip[9] = 6;
    be32(ip + 12, src);
    be32(ip + 16, dst);
    be16(tcp, sport);
    be16(tcp + 2, dport);
    be32(tcp + 4, seq);
    be32(tcp + 8, ack);
    tcp[12] = 0x50;
    tcp[13] = flags;
    be16(tcp + 14, 64240);
    if (plen)
        memcpy(tcp + 20, payload, plen);
    pcap_frame(o, f, 54 + plen);
}

/* ---- a TCP conversation ------------------------------------------------------ */

typedef struct {
    pcap_out *o;
    uint32_t client, server;
    uint16_t cport;
    uint32_t cseq, sseq;     /* next sequence number of each end */
} convo;

static void convo_open(convo *c, pcap_out *o, uint16_t cport)
{
    c->o = o;
    c->client = 0x0A000001;  /* 10.0.0.1 */
    c->server = 0x0A000002;  /* 10.0.0.2 */
    c->cport = cport;
    c->cseq = 1000u * cport;
    c->sseq = 7000u * cport;
    tcp_out(o, c->client, c->server, cport, 3389, c->cseq++, 0, SYN, NULL, 0);
    tcp_out(o, c->server, c->client, 3389, cport, c->sseq++, c->cseq, SYN | ACK, NULL, 0);
    tcp_out(o, c->client, c->server, cport, 3389, c->cseq, c->sseq, ACK, NULL, 0);
}

/* Bytes from one end, cut into segments of at most 1460 bytes. */
static void convo_send(convo *c, bool from_client, const uint8_t *p, size_t len)
{
    while (len > 0) {
        uint32_t n = len > 1460 ? 1460 : (uint32_t)len;
        if (from_client) {
            tcp_out(c->o, c->client, c->server, c->cport, 3389, c->cseq, c->sseq, PSH | ACK, p, n);
            c->cseq += n;
        } else {
            tcp_out(c->o, c->server, c->client, 3389, c->cport, c->sseq, c->cseq, PSH | ACK, p, n);
            c->sseq += n;
        }
        p += n;
        len -= n;
    }
}

static void convo_close(convo *c)
{
    tcp_out(c->o, c->client, c->server, c->cport, 3389, c->cseq, c->sseq, FIN | ACK, NULL, 0);
    tcp_out(c->o, c->server, c->client, 3389, c->cport, c->sseq, c->cseq + 1, RST | ACK, NULL, 0);
}

/* X.224 Connection Request with RDP_NEG_REQ (MS-RDPBCGR 2.2.1.1), in TPKT;
 * neg_len is the RDP_NEG_REQ length field (8 when honest). */
static size_t x224_cr(uint8_t *b, uint32_t protocols, uint16_t neg_len)
{
    static const char cookie[] = "Cookie: mstshash=mallory\r\n";
    size_t cl = sizeof cookie - 1, len = 4 + 7 + cl + 8;
    b[0] = 3;
    b[1] = 0;
    be16(b + 2, (uint32_t)len);
    b[4] = (uint8_t)(len - 5);
    b[5] = 0xE0;
    memset(b + 6, 0, 5);
    memcpy(b + 11, cookie, cl);
    uint8_t *n = b + 11 + cl;
    n[0] = 1;
    n[1] = 0;
    n[2] = (uint8_t)neg_len;
    n[3] = (uint8_t)(neg_len >> 8);
    le32(n + 4, protocols);
    return len;
}

/* X.224 Connection Confirm with RDP_NEG_RSP (MS-RDPBCGR 2.2.1.2.1). */
static size_t x224_cc(uint8_t *b, uint32_t selected)
{
    static const uint8_t cc[19] = { 3, 0, 0, 19, 14, 0xD0, 0, 0, 0x12, 0x34, 0, 2, 0, 8, 0, 0, 0, 0, 0 };
    memcpy(b, cc, sizeof cc);
    le32(b + 15, selected);
    return sizeof cc;
}

/* ---- running rdptriage ------------------------------------------------------- */

typedef struct {
    int status;            /* exit status, or -1 */
    int signal;            /* terminating signal, or 0 */
    long maxrss_kb;
    double secs;
    char err[4096];        /* the start of its standard error */
} run_result;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void tmp_path(char *buf, size_t len, const char *name)
{
    rt_fmt(buf, len, "%s/%s", tmpdir, name);
}

/* The child's peak RSS must be its own. Linux copies a process's memory
 * accounting into a forked child (and vfork/posix_spawn share it), and keeps
 * the pre-exec high-water mark across execve, so a child forked from this
 * test, after it has read a 10 MB report, would start with this test's RSS.
 * A spawner process is therefore forked first thing in main(), while this
 * process is still small; it forks and execs rdptriage on request, and
 * reports wait4()'s rusage back through a pipe. */
typedef struct {
    int status, signal, timed_out;
    long maxrss_kb;
    double secs;
} spawn_reply;

static int spawn_req = -1, spawn_rep = -1;

static bool read_full(int fd, void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

static bool write_full(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* The spawner: each request is a length and NUL-separated strings (the
 * stderr file, the ASan quarantine in MiB, then argv); each reply a
 * spawn_reply. */
static void spawner(int req, int rep)
{
    static char buf[8192];
    for (;;) {
        uint32_t len;
        if (!read_full(req, &len, sizeof len) || len >= sizeof buf || !read_full(req, buf, len))
            _exit(0);
        buf[len] = '\0';
        char *argv[32];
        size_t n = 0;
        for (char *p = buf; p < buf + len && n < 31; p += strlen(p) + 1)
            argv[n++] = p;
        argv[n] = NULL;
        if (n < 3)
            _exit(0);
        spawn_reply r = { -1, 0, 0, 0, 0 };
        double t0 = now_s();
        pid_t pid = fork();
        if (pid == 0) {
            int out = open("/dev/null", O_WRONLY);
            int err = open(argv[0], O_WRONLY | O_CREAT | O_TRUNC, 0600);
            if (out < 0 || err < 0 || dup2(out, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0)
                _exit(127);
#ifdef RDPT_ASAN
            /* Freed blocks wait in a quarantine (256 MiB by default) to catch
             * use-after-free: ASan's memory, not rdptriage's. */
            const char *asan = getenv("ASAN_OPTIONS");
            char opts[1024];
            snprintf(opts, sizeof opts, "%s%squarantine_size_mb=%s", asan ? asan : "",
                     asan && *asan ? ":" : "", argv[1]);
            setenv("ASAN_OPTIONS", opts, 1);
#endif
            execv(argv[2], argv + 2);
            _exit(127);
        }
        int st = 0;
        struct rusage ru;
        memset(&ru, 0, sizeof ru);
        while (pid > 0) {
            pid_t w = wait4(pid, &st, WNOHANG, &ru);
            if (w == pid)
                break;
            if (w < 0 && errno != EINTR)
                break;
            if (!r.timed_out && now_s() - t0 > RUN_LIMIT_S) {
                r.timed_out = 1;
                kill(pid, SIGKILL);
            }
            usleep(10000);
        }
        r.secs = now_s() - t0;
        r.maxrss_kb = ru.ru_maxrss;
        r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        r.signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
        if (!write_full(rep, &r, sizeof r))
            _exit(0);
    }
}

static void spawner_start(void)
{
    int req[2], rep[2];
    if (pipe(req) != 0 || pipe(rep) != 0)
        return;
    pid_t pid = fork();
    if (pid == 0) {
        close(req[1]);
        close(rep[0]);
        spawner(req[0], rep[1]);
        _exit(0);
    }
    close(req[0]);
    close(rep[1]);
    if (pid < 0) {
        close(req[1]);
        close(rep[0]);
        return;
    }
    spawn_req = req[1];
    spawn_rep = rep[0];
}

/* The ASan quarantine of the runs, in MiB (see spawner). */
static const char *quarantine_mb = "16";

/* Runs rdptriage with args (NULL-terminated, without argv[0]). */
static void run(const char *const *args, run_result *res)
{
    char errpath[128];
    tmp_path(errpath, sizeof errpath, "stderr.txt");
    static char buf[8192];
    size_t len = 0;
    const char *head[3] = { errpath, quarantine_mb, binary };
    for (size_t i = 0; i < 3 + 29; i++) {
        const char *s = i < 3 ? head[i] : args[i - 3];
        if (!s)
            break;
        size_t n = strlen(s) + 1;
        assert_true(len + n < sizeof buf);
        memcpy(buf + len, s, n);
        len += n;
    }
    assert_true(spawn_req >= 0);
    uint32_t l32 = (uint32_t)len;
    assert_true(write_full(spawn_req, &l32, sizeof l32) && write_full(spawn_req, buf, len));
    spawn_reply r;
    assert_true(read_full(spawn_rep, &r, sizeof r));
    if (r.timed_out)
        fail_msg("rdptriage did not finish within %d s (a hang or a quadratic path)", RUN_LIMIT_S);
    res->secs = r.secs;
    res->maxrss_kb = r.maxrss_kb;
    res->status = r.status;
    res->signal = r.signal;
    res->err[0] = '\0';
    FILE *f = fopen(errpath, "r");
    if (f) {
        size_t got = fread(res->err, 1, sizeof res->err - 1, f);
        res->err[got] = '\0';
        fclose(f);
    }
}

static void expect_sane(const char *what, const run_result *r)
{
    print_message("test_adversarial: %s: exit %d, %.2f s, peak RSS %ld KiB (cap %ld KiB)\n", what,
                  r->status, r->secs, r->maxrss_kb, RSS_CAP_KB);
    if (r->signal)
        fail_msg("%s: rdptriage died of signal %d:\n%s", what, r->signal, r->err);
    if (r->status != 0 && r->status != 1)
        fail_msg("%s: rdptriage exited with %d:\n%s", what, r->status, r->err);
    if (r->maxrss_kb > RSS_CAP_KB)
        fail_msg("%s: peak RSS %ld KiB is over the cap of %ld KiB", what, r->maxrss_kb, RSS_CAP_KB);
    if (strstr(r->err, "Sanitizer") || strstr(r->err, "runtime error"))
        fail_msg("%s: a sanitizer spoke:\n%s", what, r->err);
}

/* The XML report, whole, NUL-terminated, checked for well-formedness. */
static char *read_xml(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long len = ftell(f);
    assert_true(len > 0);
    rewind(f);
    char *buf = malloc((size_t)len + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    buf[len] = '\0';
    fclose(f);
    xmlDocPtr doc = xmlReadMemory(buf, (int)len, "report.xml", NULL, XML_PARSE_NONET | XML_PARSE_HUGE |
                                  XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc)
        fail_msg("%s is not well-formed XML", path);
    xmlFreeDoc(doc);
    return buf;
}

/* Removes a generated file, unless RDPT_ADVERSARIAL_KEEP is set (to look
 * at the captures by hand; the directory is then left in place too). */
static void discard(const char *path)
{
    if (!getenv("RDPT_ADVERSARIAL_KEEP"))
        unlink(path);
}

static unsigned count(const char *hay, const char *needle)
{
    /* A plain scan: ASan's strstr measures the whole rest of the haystack on
     * every call, which made counting in a large report quadratic. */
    size_t nl = strlen(needle);
    unsigned n = 0;
    for (const char *p = hay; *p; p++) {
        size_t k = 0;
        while (k < nl && p[k] == needle[k])
            k++;
        if (k == nl) {
            n++;
            p += nl - 1;
        }
    }
    return n;
}

/* ---- the cases ----------------------------------------------------------------- */

/* Skips the test when there is no binary to run. */
static void require_binary(void)
{
    if (!binary || !*binary || access(binary, X_OK) != 0) {
        print_message("test_adversarial: no rdptriage binary (RDPT_BINARY): skipped\n");
        skip();
    }
}

/* nsyn SYNs to 192.168.1.1:3389, each from its own address (10.x.y.z). */
static void write_syn_flood(const char *path, uint32_t nsyn)
{
    pcap_out o;
    pcap_begin(&o, path);
    for (uint32_t i = 0; i < nsyn; i++)
        tcp_out(&o, 0x0A000000u + i + 1, 0xC0A80101u, (uint16_t)(1024 + i % 60000), 3389, i * 2654435761u,
                0, SYN, NULL, 0);
    pcap_end(&o);
}

static void test_syn_flood(void **state)
{
    (void)state;
    require_binary();
    char pcap[128], xml[128], cap[16], what[96];
    tmp_path(pcap, sizeof pcap, "syn-flood.pcap");
    tmp_path(xml, sizeof xml, "syn-flood.xml");
    write_syn_flood(pcap, MILLION);
    rt_fmt(cap, sizeof cap, "%u", SYN_CAP);
    const char *args[] = { "-q", "-r", pcap, "--max-connections", cap, "--xml", xml, NULL };
    run_result r;
    run(args, &r);
    rt_fmt(what, sizeof what, "a million SYNs, --max-connections %u", SYN_CAP);
    expect_sane(what, &r);
    assert_int_equal(r.status, 1); /* every connection failed: no answer */
    if (!strstr(r.err, "connection table is full"))
        fail_msg("the messages do not say the connection cap was reached:\n%s", r.err);
    char *doc = read_xml(xml);
    char want[128];
    assert_non_null(strstr(doc, "connection_cap_reached=\"true\""));
    rt_fmt(want, sizeof want, "connections_not_tracked=\"%u\"", MILLION - SYN_CAP);
    if (!strstr(doc, want))
        fail_msg("the XML does not say %s", want);
    rt_fmt(want, sizeof want, "connections=\"%u\"", SYN_CAP);
    assert_non_null(strstr(doc, want));
    assert_int_equal(count(doc, "<connection "), SYN_CAP);
    free(doc);
    /* The 998,000 SYNs beyond the cap cost no memory of their own. */
    if (rss_tracked_only_kb > 0 && r.maxrss_kb > rss_tracked_only_kb + FLOOD_RSS_SLACK_KB)
        fail_msg("the flood's peak RSS (%ld KiB) is more than %ld KiB over that of its %u tracked "
                 "connections alone (%ld KiB)", r.maxrss_kb, FLOOD_RSS_SLACK_KB, SYN_CAP,
                 rss_tracked_only_kb);
    discard(pcap);
    discard(xml);
}

/* n short connections, one every 10 ms from its own client port: the
 * handshake, an X.224 Connection Request offering SSL, the Confirm choosing
 * it, then FIN both ways (the client gives up before TLS). */
static void write_many_connections(const char *path, uint32_t n)
{
    static const uint8_t cr[19] = { 0x03, 0x00, 0x00, 0x13, 0x0E, 0xE0, 0x00, 0x00, 0x00, 0x00,
                                    0x00, 0x01, 0x00, 0x08, 0x00, 0x01, 0x00, 0x00, 0x00 };
    static const uint8_t cc[19] = { 0x03, 0x00, 0x00, 0x13, 0x0E, 0xD0, 0x00, 0x00, 0x12, 0x34,
                                    0x00, 0x02, 0x00, 0x08, 0x00, 0x01, 0x00, 0x00, 0x00 };
    pcap_out o;
    pcap_begin(&o, path);
    const uint32_t cl = 0x0A010002u, sv = 0x0A020002u;
    for (uint32_t i = 0; i < n; i++) {
        uint16_t sp = (uint16_t)(1024 + i % 60000);
        uint32_t cs = i * 2654435761u, ss = ~cs;
        tcp_out(&o, cl + (i / 60000), sv, sp, 3389, cs, 0, SYN, NULL, 0);
        tcp_out(&o, sv, cl + (i / 60000), 3389, sp, ss, cs + 1, SYN | ACK, NULL, 0);
        tcp_out(&o, cl + (i / 60000), sv, sp, 3389, cs + 1, ss + 1, ACK, NULL, 0);
        tcp_out(&o, cl + (i / 60000), sv, sp, 3389, cs + 1, ss + 1, ACK | PSH, cr, sizeof cr);
        tcp_out(&o, sv, cl + (i / 60000), 3389, sp, ss + 1, cs + 20, ACK | PSH, cc, sizeof cc);
        tcp_out(&o, cl + (i / 60000), sv, sp, 3389, cs + 20, ss + 20, ACK | FIN, NULL, 0);
        tcp_out(&o, sv, cl + (i / 60000), 3389, sp, ss + 20, cs + 21, ACK | FIN, NULL, 0);
        pcap_skip(&o, 10000);
    }
    pcap_end(&o);
}

/* Runs n connections with both reports; returns the peak RSS. */
static long many_connections(uint32_t n)
{
    char pcap[128], xml[128], html[128], what[96], want[64];
    tmp_path(pcap, sizeof pcap, "many.pcap");
    tmp_path(xml, sizeof xml, "many.xml");
    tmp_path(html, sizeof html, "many.html");
    write_many_connections(pcap, n);
    const char *args[] = { "-q", "-r", pcap, "--xml", xml, "--html", html, NULL };
    run_result r;
    run(args, &r);
    rt_fmt(what, sizeof what, "%u short connections over %u s", n, n / 100);
    expect_sane(what, &r);
    char *doc = read_xml(xml);
    rt_fmt(want, sizeof want, "connections=\"%u\"", n);
    if (!strstr(doc, want))
        fail_msg("the XML does not say %s", want);
    assert_int_equal(count(doc, "<connection "), n);
    free(doc);
    discard(pcap);
    discard(xml);
    discard(html);
    return r.maxrss_kb;
}

static void test_memory_flat(void **state)
{
    (void)state;
    require_binary();
    /* Without ASan's quarantine: freed blocks wait there up to its size,
     * and whether 5,000 connections free enough to fill it (since freed
     * connections are reused, recycle.c, they do not) decided the test. */
    quarantine_mb = "0";
    long small = many_connections(5000), big = many_connections(20000);
    quarantine_mb = "16";
    if (big > small + FLAT_RSS_SLACK_KB)
        fail_msg("20,000 connections peaked at %ld KiB, 5,000 at %ld KiB: memory grows with the "
                 "capture (allowed: %ld KiB more)", big, small, FLAT_RSS_SLACK_KB);
}

static void test_syn_flood_under_cap(void **state)
{
    (void)state;
    require_binary();
    char pcap[128], xml[128], cap[16], what[96];
    tmp_path(pcap, sizeof pcap, "syn-some.pcap");
    tmp_path(xml, sizeof xml, "syn-some.xml");
    write_syn_flood(pcap, SYN_CAP);
    rt_fmt(cap, sizeof cap, "%u", 2 * SYN_CAP);
    const char *args[] = { "-q", "-r", pcap, "--max-connections", cap, "--xml", xml, NULL };
    run_result r;
    run(args, &r);
    rt_fmt(what, sizeof what, "%u SYNs, --max-connections %u", SYN_CAP, 2 * SYN_CAP);
    expect_sane(what, &r);
    rss_tracked_only_kb = r.maxrss_kb;
    assert_null(strstr(r.err, "connection table is full"));
    char *doc = read_xml(xml);
    assert_null(strstr(doc, "connection_cap_reached"));
    assert_int_equal(count(doc, "<connection "), SYN_CAP);
    free(doc);
    discard(pcap);
    discard(xml);
}

/* One connection per lying length field. */
static void test_huge_lengths(void **state)
{
    (void)state;
    require_binary();
    char pcap[128], xml[128];
    tmp_path(pcap, sizeof pcap, "huge-lengths.pcap");
    tmp_path(xml, sizeof xml, "huge-lengths.xml");
    static uint8_t b[70000];
    uint8_t cc[32];
    pcap_out o;
    pcap_begin(&o, pcap);
    convo c;
    unsigned conns = 0;

    /* TPKT length 0xFFFF, and only 200 bytes follow before the FIN. */
    convo_open(&c, &o, 40001);
    memset(b, 0x41, 204);
    b[0] = 3, b[1] = 0, b[2] = 0xFF, b[3] = 0xFF;
    convo_send(&c, true, b, 204);
    convo_close(&c);
    conns++;

    /* TPKT length 0xFFFF with the 65535 bytes really sent: the largest PDU. */
    convo_open(&c, &o, 40002);
    memset(b, 0x42, 65535);
    b[0] = 3, b[1] = 0, b[2] = 0xFF, b[3] = 0xFF, b[4] = 0x02, b[5] = 0xF0, b[6] = 0x80;
    convo_send(&c, true, b, 65535);
    convo_close(&c);
    conns++;

    /* RDP_NEG_REQ whose length field says 0xFFFF. */
    convo_open(&c, &o, 40003);
    convo_send(&c, true, b, x224_cr(b, 3, 0xFFFF));
    convo_close(&c);
    conns++;

    /* TLS negotiated, then a TLS record header claiming 0xFFFF bytes (above
     * the 2^14 + 2048 of RFC 5246 6.2.3), 3000 bytes of it sent. */
    convo_open(&c, &o, 40004);
    convo_send(&c, true, b, x224_cr(b, 1, 8));
    convo_send(&c, false, cc, x224_cc(cc, 1));
    memset(b, 0x43, 3000);
    b[0] = 22, b[1] = 3, b[2] = 1, b[3] = 0xFF, b[4] = 0xFF;
    convo_send(&c, true, b, 3000);
    convo_close(&c);
    conns++;

    /* TLS negotiated, then a ClientHello whose handshake header claims
     * 0xFFFFFF bytes (RFC 8446 4), continued in 200 full records. */
    convo_open(&c, &o, 40005);
    convo_send(&c, true, b, x224_cr(b, 3, 8));
    convo_send(&c, false, cc, x224_cc(cc, 2));
    for (unsigned i = 0; i < 200; i++) {
        memset(b, 0x44, 5 + 16384);
        b[0] = 22, b[1] = 3, b[2] = 3, b[3] = 0x40, b[4] = 0x00;
        if (i == 0)
            b[5] = 1, b[6] = 0xFF, b[7] = 0xFF, b[8] = 0xFF;
        convo_send(&c, true, b, 5 + 16384);
    }
    convo_close(&c);
    conns++;

    /* Standard RDP Security, then an MCS Connect-Initial (T.125, BER) whose
     * length claims 4 GiB, and whose first field claims 2 GiB. */
    convo_open(&c, &o, 40006);
    convo_send(&c, true, b, x224_cr(b, 0, 8));
    convo_send(&c, false, cc, x224_cc(cc, 0));
    static const uint8_t mcs[] = { 3, 0, 0, 26, 2, 0xF0, 0x80, 0x7F, 0x65, 0x84, 0xFF, 0xFF, 0xFF,
                                   0xFF, 0x04, 0x84, 0x7F, 0xFF, 0xFF, 0xFF, 0x01, 0x01, 0x01, 0x01,
                                   0x01, 0x01 };
    convo_send(&c, true, mcs, sizeof mcs);
    convo_close(&c);
    conns++;

    /* The server's MCS Connect-Response (0x7F66) with a BER length of 0x84
     * and nothing after it, then a TPKT claiming 0xFFFF in its place. */
    convo_open(&c, &o, 40007);
    convo_send(&c, true, b, x224_cr(b, 0, 8));
    convo_send(&c, false, cc, x224_cc(cc, 0));
    static const uint8_t resp[] = { 3, 0, 0, 10, 2, 0xF0, 0x80, 0x7F, 0x66, 0x84,
                                    3, 0, 0xFF, 0xFF, 2, 0xF0, 0x80 };
    convo_send(&c, false, resp, sizeof resp);
    convo_close(&c);
    conns++;

    pcap_end(&o);
    const char *args[] = { "-q", "-r", pcap, "--xml", xml, NULL };
    run_result r;
    run(args, &r);
    expect_sane("length fields claiming up to 4 GiB", &r);
    char *doc = read_xml(xml);
    assert_int_equal(count(doc, "<connection "), conns);
    assert_int_equal(count(doc, "<verdict"), conns);
    free(doc);
    discard(pcap);
    discard(xml);
}

/* A TLS handshake message that claims 16 MiB and never completes: 1000 full
 * records carry 16,384,000 of its 16,777,215 bytes, then the client stops. */
static void test_tls_never_completes(void **state)
{
    (void)state;
    require_binary();
    char pcap[128], xml[128];
    tmp_path(pcap, sizeof pcap, "tls-endless.pcap");
    tmp_path(xml, sizeof xml, "tls-endless.xml");
    static uint8_t b[5 + 16384];
    uint8_t cc[32];
    pcap_out o;
    pcap_begin(&o, pcap);
    convo c;
    convo_open(&c, &o, 40100);
    convo_send(&c, true, b, x224_cr(b, 3, 8));
    convo_send(&c, false, cc, x224_cc(cc, 1));
    for (unsigned i = 0; i < 1000; i++) {
        memset(b, (int)(i & 0xFF), sizeof b);
        b[0] = 22, b[1] = 3, b[2] = 3, b[3] = 0x40, b[4] = 0x00;
        if (i == 0)
            b[5] = 1, b[6] = 0xFF, b[7] = 0xFF, b[8] = 0xFF;
        convo_send(&c, true, b, sizeof b);
    }
    pcap_end(&o);
    const char *args[] = { "-q", "-r", pcap, "--xml", xml, NULL };
    run_result r;
    run(args, &r);
    expect_sane("a TLS handshake message that never completes (16 MB sent)", &r);
    char *doc = read_xml(xml);
    assert_int_equal(count(doc, "<connection "), 1);
    free(doc);
    discard(pcap);
    discard(xml);
}

/* A million 1-byte segments of one client stream, none in order: byte 0 is
 * held back to the end, so every other byte arrives ahead of the stream. */
static void tiny_segments(bool reverse)
{
    require_binary();
    char pcap[128], xml[128];
    tmp_path(pcap, sizeof pcap, "tiny-segments.pcap");
    tmp_path(xml, sizeof xml, "tiny-segments.xml");
    pcap_out o;
    pcap_begin(&o, pcap);
    convo c;
    convo_open(&c, &o, 40200);
    uint32_t base = c.cseq;
    for (uint32_t i = 1; i < MILLION; i++) {
        uint32_t k = reverse ? MILLION - i : i;
        uint8_t byte = (uint8_t)k;
        tcp_out(&o, c.client, c.server, c.cport, 3389, base + k, c.sseq, PSH | ACK, &byte, 1);
    }
    uint8_t first = 3; /* would start a TPKT */
    tcp_out(&o, c.client, c.server, c.cport, 3389, base, c.sseq, PSH | ACK, &first, 1);
    pcap_end(&o);

    const char *args[] = { "-q", "-r", pcap, "--xml", xml, NULL };
    run_result r;
    run(args, &r);
    expect_sane(reverse ? "a million 1-byte segments, in reverse order"
                        : "a million 1-byte segments, the first one last", &r);
    char *doc = read_xml(xml);
    assert_int_equal(count(doc, "<connection "), 1);
    /* The out-of-order buffer's cap (bytes or segments) was reached, and said. */
    if (!strstr(doc, "cap_reached=\"true\""))
        fail_msg("the XML does not say the reassembly cap was reached");
    free(doc);
    discard(pcap);
    discard(xml);
}

static void test_tiny_segments_first_last(void **state)
{
    (void)state;
    tiny_segments(false);
}

static void test_tiny_segments_reverse(void **state)
{
    (void)state;
    tiny_segments(true);
}

static int setup(void **state)
{
    (void)state;
    binary = getenv("RDPT_BINARY");
    if (!binary || !*binary)
        binary = RDPT_BINARY;
    const char *base = getenv("TMPDIR");
    rt_fmt(tmpdir, sizeof tmpdir, "%s/rdpt_adversarial_XXXXXX",
           base && *base && strlen(base) < 32 ? base : "/tmp");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    /* Every file a case may leave when it fails half-way: a failed run must
     * not leave 150 MB in the temporary directory. */
    static const char *const names[] = {
        "stderr.txt",         "syn-flood.pcap",    "syn-flood.xml",     "syn-some.pcap",
        "syn-some.xml",       "huge-lengths.pcap", "huge-lengths.xml",  "tls-endless.pcap",
        "tls-endless.xml",    "tiny-segments.pcap", "tiny-segments.xml",
    };
    char p[128];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        tmp_path(p, sizeof p, names[i]);
        discard(p);
    }
    if (getenv("RDPT_ADVERSARIAL_KEEP")) {
        print_message("test_adversarial: the captures are kept in %s\n", tmpdir);
        return 0;
    }
    return rmdir(tmpdir);
}

int main(void)
{
    spawner_start(); /* first, while this process is small (see spawner()) */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_syn_flood_under_cap), /* first: the flood compares with it */
        cmocka_unit_test(test_syn_flood),
        cmocka_unit_test(test_huge_lengths),
        cmocka_unit_test(test_tls_never_completes),
        cmocka_unit_test(test_tiny_segments_first_last),
        cmocka_unit_test(test_tiny_segments_reverse),
        cmocka_unit_test(test_memory_flat),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

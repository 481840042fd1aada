/* capture.c - frames from a capture file or a live interface through libpcap
 * (see capture.h).
 *
 * Files are opened with nanosecond precision, so libpcap scales microsecond
 * pcap, nanosecond pcap and pcapng (any if_tsresol) to nanoseconds for us.
 * A BPF filter on a file is applied here with pcap_offline_filter() rather
 * than pcap_setfilter(): libpcap would silently skip non-matching records and
 * our packet numbers would no longer be Wireshark's frame numbers.
 */
#include "capture.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdatomic.h>
#include <poll.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
    CAPTURE_SNAPLEN = 262144, /* libpcap's default maximum (MAXIMUM_SNAPLEN) */
    CAPTURE_TIMEOUT_MS = 100,
    CAPTURE_ERR_LEN = PCAP_ERRBUF_SIZE + 1024,
    /* libpcap reads a file through stdio, whose buffer is the file's block
     * size (4 KiB): 50,000 read() calls for 200 MB. A larger buffer of our
     * own cuts them 128-fold; the system time of a run was a good part of
     * the whole. */
    CAPTURE_FILE_BUFFER = 512 * 1024,
};

struct capture_source {
    pcap_t *pcap;
    char *name;              /* the path or interface, as given, for messages */
    bool live;
    bool from_stdin;         /* -r -: standard input */
    bool nano;               /* ts.tv_usec holds nanoseconds */
    bool has_filter;         /* file only: filter applied by pcap_offline_filter */
    struct bpf_program filter;
    uint64_t file_size;
    char *file_buffer;       /* the stdio buffer of the file libpcap reads, freed after it */
    uint64_t number;         /* frames read so far, filtered or not */
    bool ended;              /* after CAPTURE_ERROR or the end: always CAPTURE_END */
    /* Set by capture_break(), maybe from a signal handler, and read by the
     * thread that reads the file (packet_queue.h): a lock-free atomic. */
    atomic_int stop;
    int fd;                  /* live: the descriptor to wait on, or -1 (libpcap waits) */
    char linktype_name[64];  /* libpcap's name of the DLT, or "DLT n" */
    char err[CAPTURE_ERR_LEN];
};

static capture_source *source_new(const char *name, bool live, char *err, size_t errlen)
{
    capture_source *src = calloc(1, sizeof *src);
    if (src) {
        src->name = strdup(name);
        src->fd = -1;
    }
    if (!src || !src->name) {
        free(src);
        rt_fmt(err, errlen, "%s: out of memory", name);
        return NULL;
    }
    src->live = live;
    return src;
}

/* Names the link type once, when the handle is ready: libpcap knows most
 * DLT_ values by name; the others are shown by number. */
static void name_linktype(capture_source *src)
{
    int dlt = pcap_datalink(src->pcap);
    const char *name = pcap_datalink_val_to_name(dlt);
    if (name)
        rt_fmt(src->linktype_name, sizeof src->linktype_name, "%s", name);
    else
        rt_fmt(src->linktype_name, sizeof src->linktype_name, "DLT %d", dlt);
}

static void source_free(capture_source *src)
{
    if (!src)
        return;
    if (src->has_filter)
        pcap_freecode(&src->filter);
    if (src->pcap)
        pcap_close(src->pcap); /* closes the FILE that uses file_buffer */
    free(src->file_buffer);
    free(src->name);
    free(src);
}

/* Compiles bpf for src->pcap. PCAP_NETMASK_UNKNOWN: only "ip broadcast"
 * needs the netmask, and a file has none. */
static bool compile_filter(capture_source *src, const char *bpf, char *err, size_t errlen)
{
    if (pcap_compile(src->pcap, &src->filter, bpf, 1, PCAP_NETMASK_UNKNOWN) != 0) {
        rt_fmt(err, errlen, "%s: invalid capture filter \"%s\": %s", src->name, bpf,
               pcap_geterr(src->pcap));
        return false;
    }
    src->has_filter = true;
    return true;
}

capture_source *capture_open_file(const char *path, const char *bpf, char *err, size_t errlen)
{
    if (!path || !*path) {
        rt_fmt(err, errlen, "no capture file given");
        return NULL;
    }
    /* "-" is standard input, as for tcpdump -r - (tcpdump -w - | rdptriage
     * -r -): a pipe, read once, with no size for the progress line. */
    bool is_stdin = strcmp(path, "-") == 0;
    const char *name = capture_input_name(path);
    /* stat() first: it gives plainer messages than libpcap for the usual
     * mistakes (missing file, directory, empty file), and the size. */
    struct stat st;
    if ((is_stdin ? fstat(STDIN_FILENO, &st) : stat(path, &st)) != 0) {
        rt_fmt(err, errlen, "%s: %s", name, strerror(errno));
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        rt_fmt(err, errlen, "%s: is a directory, not a capture file", name);
        return NULL;
    }
    if (S_ISREG(st.st_mode) && st.st_size == 0) {
        rt_fmt(err, errlen, "%s: not a capture file (empty file)", name);
        return NULL;
    }

    capture_source *src = source_new(name, false, err, errlen);
    if (!src)
        return NULL;
    src->file_size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    src->from_stdin = is_stdin;

    char pcap_err[PCAP_ERRBUF_SIZE];
    pcap_err[0] = '\0';
    /* The file is opened here, as pcap_open_offline would ("rb"), to give it
     * a large stdio buffer before the first read. libpcap owns the FILE once
     * pcap_fopen_offline succeeds (pcap_close closes it); on failure it
     * stays ours, as in libpcap's own pcap_open_offline. */
    FILE *fp = NULL;
    if (is_stdin) {
        int fd = dup(STDIN_FILENO); /* pcap_close closes the FILE, not our stdin */
        fp = fd < 0 ? NULL : fdopen(fd, "rb");
        if (!fp && fd >= 0)
            close(fd);
    } else {
        fp = fopen(path, "rb");
    }
    if (!fp) {
        rt_fmt(err, errlen, "%s: %s", name, strerror(errno));
        source_free(src);
        return NULL;
    }
    /* One thread at a time reads the file (the side thread, side_thread.h,
     * or the caller): stdio's own lock, an atomic operation per fread() and
     * two freads per packet once the program has threads, is not needed. */
    __fsetlocking(fp, FSETLOCKING_BYCALLER);
    src->file_buffer = malloc(CAPTURE_FILE_BUFFER);
    if (src->file_buffer && setvbuf(fp, src->file_buffer, _IOFBF, CAPTURE_FILE_BUFFER) != 0) {
        free(src->file_buffer); /* stdio keeps its own buffer */
        src->file_buffer = NULL;
    }
    src->pcap = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, pcap_err);
    if (!src->pcap) {
        fclose(fp);
        if (strstr(pcap_err, "unknown file format"))
            rt_fmt(err, errlen, "%s: not a capture file (%s)", name, pcap_err);
        else if (strncmp(pcap_err, name, strlen(name)) == 0)
            rt_fmt(err, errlen, "%s", pcap_err); /* libpcap already named the file */
        else
            rt_fmt(err, errlen, "%s: cannot be read as a capture file (%s)", name, pcap_err);
        source_free(src);
        return NULL;
    }
    src->nano = pcap_get_tstamp_precision(src->pcap) == PCAP_TSTAMP_PRECISION_NANO;
    name_linktype(src);
    if (bpf && *bpf && !compile_filter(src, bpf, err, errlen)) {
        source_free(src);
        return NULL;
    }
    return src;
}

capture_source *capture_open_live(const char *iface, const char *bpf, char *err, size_t errlen)
{
    if (!iface || !*iface) {
        rt_fmt(err, errlen, "no capture interface given");
        return NULL;
    }
    capture_source *src = source_new(iface, true, err, errlen);
    if (!src)
        return NULL;
    char pcap_err[PCAP_ERRBUF_SIZE];
    pcap_err[0] = '\0';
    src->pcap = pcap_create(iface, pcap_err);
    if (!src->pcap) {
        rt_fmt(err, errlen, "%s: cannot capture: %s", iface, pcap_err);
        source_free(src);
        return NULL;
    }
    pcap_set_snaplen(src->pcap, CAPTURE_SNAPLEN);
    pcap_set_promisc(src->pcap, 1);
    pcap_set_timeout(src->pcap, CAPTURE_TIMEOUT_MS);
    /* Deliver each packet at once: the timeline wants prompt events, and a
     * live run must stop promptly on a signal. */
    pcap_set_immediate_mode(src->pcap, 1);
    /* Not every platform offers nanoseconds; microseconds are fine then. */
    (void)pcap_set_tstamp_precision(src->pcap, PCAP_TSTAMP_PRECISION_NANO);

    int rc = pcap_activate(src->pcap);
    if (rc < 0) {
        /* For these three libpcap puts the details in pcap_geterr(). */
        if (rc == PCAP_ERROR || rc == PCAP_ERROR_NO_SUCH_DEVICE || rc == PCAP_ERROR_PERM_DENIED ||
            rc == PCAP_ERROR_PROMISC_PERM_DENIED)
            rt_fmt(err, errlen, "%s: cannot capture: %s (%s)", iface, pcap_statustostr(rc),
                   pcap_geterr(src->pcap));
        else
            rt_fmt(err, errlen, "%s: cannot capture: %s", iface, pcap_statustostr(rc));
        source_free(src);
        return NULL;
    }
    /* rc > 0 is a warning (e.g. promiscuous mode not supported): capture on. */
    src->nano = pcap_get_tstamp_precision(src->pcap) == PCAP_TSTAMP_PRECISION_NANO;
    /* We wait for packets ourselves (capture_next), so that a quiet link
     * still returns control: libpcap on Linux keeps waiting through its own
     * read timeouts when nothing arrives. */
    src->fd = pcap_get_selectable_fd(src->pcap);
    if (src->fd >= 0 && pcap_setnonblock(src->pcap, 1, pcap_err) != 0)
        src->fd = -1;
    name_linktype(src);

    if (bpf && *bpf) {
        if (!compile_filter(src, bpf, err, errlen)) {
            source_free(src);
            return NULL;
        }
        /* Live, the kernel filter is the point: it spares copying the rest.
         * Numbers of a live capture are ours to give anyway. */
        if (pcap_setfilter(src->pcap, &src->filter) != 0) {
            rt_fmt(err, errlen, "%s: cannot set capture filter \"%s\": %s", iface, bpf,
                   pcap_geterr(src->pcap));
            source_free(src);
            return NULL;
        }
    }
    return src;
}

int capture_linktype(const capture_source *src)
{
    return pcap_datalink(src->pcap);
}

const char *capture_linktype_name(const capture_source *src)
{
    return src->linktype_name;
}

uint64_t capture_file_size(const capture_source *src)
{
    return src->live ? 0 : src->file_size;
}

uint64_t capture_file_offset(const capture_source *src)
{
    if (src->live)
        return 0;
    FILE *f = pcap_file(src->pcap);
    if (!f)
        return 0;
    long off = ftell(f);
    return off < 0 ? 0 : (uint64_t)off;
}

bool capture_is_live(const capture_source *src)
{
    return src->live;
}

bool capture_is_stdin(const capture_source *src)
{
    return src->from_stdin;
}

const char *capture_input_name(const char *path)
{
    return strcmp(path, "-") == 0 ? "standard input" : path;
}

/* libpcap gives a pcapng section's version (1.0) where a pcap file has 2.4. */
bool capture_is_pcapng(const capture_source *src)
{
    return !src->live && pcap_major_version(src->pcap) == 1;
}

capture_result capture_next(capture_source *src, capture_frame *frame)
{
    for (;;) {
        if (src->ended || atomic_load_explicit(&src->stop, memory_order_relaxed))
            return CAPTURE_END;
        struct pcap_pkthdr *h;
        const u_char *data;
        int rc = pcap_next_ex(src->pcap, &h, &data);
        if (rc == 0 && src->live && src->fd >= 0) {
            /* Nothing buffered: wait for the descriptor, a while at most. */
            struct pollfd pfd = { .fd = src->fd, .events = POLLIN, .revents = 0 };
            if (poll(&pfd, 1, CAPTURE_TIMEOUT_MS) == 0)
                return CAPTURE_IDLE;
            continue; /* readable, or a signal (stop is checked first) */
        }
        if (rc == 0)
            return CAPTURE_IDLE; /* live: the timeout expired with no packet */
        if (rc == PCAP_ERROR_BREAK) {
            /* End of file, or pcap_breakloop(). */
            src->ended = true;
            return CAPTURE_END;
        }
        if (rc != 1) {
            src->ended = true;
            uint64_t n = src->number + 1;
            if (src->live)
                rt_fmt(src->err, sizeof src->err, "%s: capture failed after %llu packets: %s",
                       src->name, (unsigned long long)src->number, pcap_geterr(src->pcap));
            else
                rt_fmt(src->err, sizeof src->err,
                       "%s: packet %llu could not be read: %s; the analysis uses the %llu "
                       "packet%s before it",
                       src->name, (unsigned long long)n, pcap_geterr(src->pcap),
                       (unsigned long long)src->number, src->number == 1 ? "" : "s");
            return CAPTURE_ERROR;
        }
        src->number++;
        /* Filtered frames still count, so numbers stay Wireshark's. */
        if (!src->live && src->has_filter && pcap_offline_filter(&src->filter, h, data) == 0)
            continue;

        frame->number = src->number;
        int64_t sec = (int64_t)h->ts.tv_sec;
        uint64_t frac = (uint64_t)(h->ts.tv_usec < 0 ? 0 : h->ts.tv_usec);
        uint64_t nsec = src->nano ? frac : frac * 1000u;
        /* A corrupt record may carry a fraction of a second >= 1 s. */
        sec += (int64_t)(nsec / 1000000000u);
        frame->ts.sec = sec;
        frame->ts.nsec = (uint32_t)(nsec % 1000000000u);
        frame->caplen = h->caplen;
        /* Some writers leave the original length below the captured one:
         * the captured bytes were on the wire, so never report less. */
        frame->wirelen = h->len < h->caplen ? h->caplen : h->len;
        frame->data = data;
        return CAPTURE_FRAME;
    }
}

const char *capture_error(const capture_source *src)
{
    return src->err;
}

void capture_break(capture_source *src)
{
    if (!src)
        return;
    atomic_store(&src->stop, 1); /* lock-free: safe in a signal handler */
    pcap_breakloop(src->pcap);
}

void capture_get_stats(capture_source *src, capture_stats *st)
{
    memset(st, 0, sizeof *st);
    if (!src || !src->live)
        return;
    struct pcap_stat ps;
    if (pcap_stats(src->pcap, &ps) != 0)
        return;
    st->received = ps.ps_recv;
    st->dropped = ps.ps_drop;
    st->if_dropped = ps.ps_ifdrop;
    st->valid = true;
}

void capture_close(capture_source *src)
{
    source_free(src);
}

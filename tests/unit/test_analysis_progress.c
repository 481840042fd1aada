/* test_analysis_progress.c - the progress hook of analysis_read() (analysis.h): called every
 * ANALYSIS_PROGRESS_FRAMES frames with the file offset, the file size and the connections found
 * so far; never when no callback is set.
 *
 * The capture is written here with libpcap: three SYNs to port 3389 (three connections), then
 * UDP frames that cannot matter, enough for two progress calls.
 */
#include "analysis.h"
#include "capture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#define N_SYN 3
#define N_UDP (2 * ANALYSIS_PROGRESS_FRAMES + 100)

/* Ethernet + IPv4 (no options) + 20-byte TCP header, SYN from 10.0.0.1:sport to 10.0.0.2:3389;
 * checksums are left zero (rdptriage ignores them: NIC offload). */
static void frame_syn(uint8_t *f, uint16_t sport)
{
    static const uint8_t hdr[] = {
        0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, 0x08, 0x00,             /* Ethernet, IPv4 */
        0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, /* IPv4, TCP */
    };
    memset(f, 0, 54);
    memcpy(f, hdr, sizeof hdr);
    f[34] = (uint8_t)(sport >> 8);
    f[35] = (uint8_t)sport;
    f[36] = 3389 >> 8;
    f[37] = 3389 & 0xff;
    f[41] = 1;      /* seq 1 */
    f[46] = 0x50;   /* data offset 5 words */
    f[47] = 0x02;   /* SYN */
    f[48] = 0xff;   /* window */
}

/* Ethernet + IPv4 + UDP 10.0.0.3:53 -> 10.0.0.4:53, 4 bytes of payload. */
static void frame_udp(uint8_t *f)
{
    static const uint8_t hdr[] = {
        0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, 0x08, 0x00,
        0x45, 0, 0, 32, 0, 2, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 3, 10, 0, 0, 4,
        0, 53, 0, 53, 0, 12, 0, 0, 'd', 'a', 't', 'a',
    };
    memcpy(f, hdr, sizeof hdr);
}

static char capture_path[64];

static int write_capture(void **state)
{
    (void)state;
    snprintf(capture_path, sizeof capture_path, "/tmp/rdpt-progress-XXXXXX");
    int fd = mkstemp(capture_path);
    if (fd < 0)
        return -1;
    close(fd);
    pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
    pcap_dumper_t *d = p ? pcap_dump_open(p, capture_path) : NULL;
    if (!d)
        return -1;
    uint8_t f[64];
    struct pcap_pkthdr h = { .ts = { 1700000000, 0 } };
    for (unsigned i = 0; i < N_SYN + N_UDP; i++) {
        if (i < N_SYN) {
            frame_syn(f, (uint16_t)(40000 + i));
            h.caplen = h.len = 54;
        } else {
            frame_udp(f);
            h.caplen = h.len = 46;
        }
        h.ts.tv_usec = (suseconds_t)(i % 1000000);
        pcap_dump((u_char *)d, &h, f);
    }
    pcap_dump_close(d);
    pcap_close(p);
    return 0;
}

static int remove_capture(void **state)
{
    (void)state;
    unlink(capture_path);
    return 0;
}

typedef struct {
    unsigned calls;
    uint64_t offsets[8];
    uint64_t size;
    uint32_t connections[8];
} progress_record;

static void record_progress(void *ctx, uint64_t offset, uint64_t size, uint32_t connections)
{
    progress_record *r = ctx;
    if (r->calls < 8) {
        r->offsets[r->calls] = offset;
        r->connections[r->calls] = connections;
    }
    r->size = size;
    r->calls++;
}

static void read_with(progress_record *rec, bool hook)
{
    char err[512];
    capture_source *src = capture_open_file(capture_path, NULL, err, sizeof err);
    assert_non_null(src);
    analysis a;
    analysis_init(&a);
    if (hook) {
        a.progress = record_progress;
        a.progress_ctx = rec;
    }
    assert_true(analysis_read(&a, src, capture_path, false));
    assert_int_equal(a.inputs[0].packets, N_SYN + N_UDP);
    assert_int_equal(a.n_connections, N_SYN);
    capture_close(src);
    analysis_free(&a);
}

static void test_progress_called_every_n_frames(void **state)
{
    (void)state;
    struct stat st;
    assert_int_equal(stat(capture_path, &st), 0);
    progress_record rec = { 0 };
    read_with(&rec, true);
    /* Frames 8192 and 16384 of 16487. */
    assert_int_equal(rec.calls, (N_SYN + N_UDP) / ANALYSIS_PROGRESS_FRAMES);
    assert_int_equal(rec.size, (uint64_t)st.st_size);
    for (unsigned i = 0; i < rec.calls; i++) {
        /* The three SYNs came first: every call counts their connections. */
        assert_int_equal(rec.connections[i], N_SYN);
        assert_true(rec.offsets[i] > 24);              /* past the pcap file header */
        assert_true(rec.offsets[i] <= rec.size);
        if (i > 0)
            assert_true(rec.offsets[i] > rec.offsets[i - 1]);
    }
    /* Frame 8192 ends about halfway through the UDP frames (each 16 + 46 bytes). */
    uint64_t expect = 24 + N_SYN * (16 + 54) + (ANALYSIS_PROGRESS_FRAMES - N_SYN) * (16 + 46);
    assert_true(rec.offsets[0] >= expect);
    assert_true(rec.offsets[0] <= expect + 65536);     /* stdio buffering reads ahead */
}

static void test_no_progress_without_callback(void **state)
{
    (void)state;
    progress_record rec = { 0 };
    read_with(&rec, false);
    assert_int_equal(rec.calls, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_progress_called_every_n_frames),
        cmocka_unit_test(test_no_progress_without_callback),
    };
    return cmocka_run_group_tests(tests, write_capture, remove_capture);
}

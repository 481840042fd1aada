/* test_threads.c - a file read and decoded ahead on a thread of its own
 * (packet_queue.c), with its connections diagnosed and reported on another
 * (retire_stage.c), gives the same reports as the single thread that a live
 * capture uses: every bundled sample, byte for byte (XML, HTML, the text
 * summary and the messages), a capture cut in the middle of a record, and a
 * frame larger than a block of the reader's queue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "analysis.h"
#include "report.h"
#include "stream_fixture.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef RDPT_SOURCE_DIR
#define RDPT_SOURCE_DIR "."
#endif

/* The three reports and the messages of one run, as one string. */
static char *run(const char *path, bool threads)
{
    analysis a;
    stream_reports r;
    stream_run(path, false, threads, &a, &r);
    size_t lm = 0;
    for (unsigned i = 0; i < a.n_messages; i++)
        lm += strlen(a.messages[i].text) + 1;
    char *all = malloc(r.lx + r.lh + r.lt + lm + 64);
    assert_non_null(all);
    int n = sprintf(all, "%u connections, %u failed\n", a.n_connections, analysis_failures(&a));
    size_t at = (size_t)n;
    for (unsigned i = 0; i < a.n_messages; i++)
        at += (size_t)sprintf(all + at, "%s\n", a.messages[i].text);
    memcpy(all + at, r.xml, r.lx);
    memcpy(all + at + r.lx, r.html, r.lh);
    memcpy(all + at + r.lx + r.lh, r.text, r.lt);
    all[at + r.lx + r.lh + r.lt] = '\0';
    stream_reports_free(&r);
    analysis_free(&a);
    return all;
}

static void same_either_way(const char *path)
{
    char *one = run(path, false), *two = run(path, true);
    if (strcmp(one, two) != 0)
        fail_msg("%s: the threaded reports differ from the single-threaded ones", path);
    assert_non_null(strstr(one, "connections, "));
    free(one);
    free(two);
}

static void test_every_sample(void **state)
{
    (void)state;
    char dir[512];
    snprintf(dir, sizeof dir, "%s/samples", RDPT_SOURCE_DIR);
    DIR *d = opendir(dir);
    assert_non_null(d);
    unsigned n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *dot = strrchr(e->d_name, '.');
        if (!dot || (strcmp(dot, ".pcap") != 0 && strcmp(dot, ".pcapng") != 0))
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        same_either_way(path);
        n++;
    }
    closedir(d);
    assert_true(n >= 30); /* the bundled samples were all there */
}

/* A capture cut in the middle of a record: the frames before the cut, the
 * same read error, the same partial report. */
static void test_cut_capture(void **state)
{
    (void)state;
    char in[512], out[64];
    snprintf(in, sizeof in, "%s/samples/reset-x224-server.pcap", RDPT_SOURCE_DIR);
    snprintf(out, sizeof out, "/tmp/rdpt-threads-cut-%d.pcap", (int)getpid());
    size_t len;
    char *bytes = slurp(in, &len);
    FILE *f = fopen(out, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len - 7, f), len - 7);
    fclose(f);
    free(bytes);
    char *one = run(out, false), *two = run(out, true);
    assert_string_equal(one, two);
    assert_non_null(strstr(one, "could not be read"));
    free(one);
    free(two);
    unlink(out);
}

/* pcap record of an Ethernet/IPv4/TCP frame; total_len 0 as TCP segmentation
 * offload leaves it (the frame's length counts), payload bytes of `fill`. */
static void put_frame(FILE *f, uint32_t sec, uint8_t flags, uint32_t seq, uint32_t ack,
                      bool to_server, size_t payload, uint8_t fill)
{
    size_t len = 14 + 20 + 20 + payload;
    uint8_t *b = calloc(1, len);
    assert_non_null(b);
    b[12] = 0x08; /* IPv4 */
    uint8_t *ip = b + 14;
    ip[0] = 0x45;
    ip[8] = 64;
    ip[9] = 6;
    uint8_t cli[4] = { 10, 9, 0, 1 }, srv[4] = { 10, 9, 0, 2 };
    memcpy(ip + 12, to_server ? cli : srv, 4);
    memcpy(ip + 16, to_server ? srv : cli, 4);
    uint8_t *tcp = ip + 20;
    uint16_t sp = to_server ? 50000 : 3389, dp = to_server ? 3389 : 50000;
    tcp[0] = (uint8_t)(sp >> 8); tcp[1] = (uint8_t)sp;
    tcp[2] = (uint8_t)(dp >> 8); tcp[3] = (uint8_t)dp;
    for (int i = 0; i < 4; i++) {
        tcp[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
        tcp[8 + i] = (uint8_t)(ack >> (24 - 8 * i));
    }
    tcp[12] = 0x50;
    tcp[13] = flags;
    tcp[14] = 0xff;
    memset(tcp + 20, fill, payload);
    uint32_t rec[4] = { sec, 0, (uint32_t)len, (uint32_t)len };
    assert_int_equal(fwrite(rec, sizeof rec, 1, f), 1);
    assert_int_equal(fwrite(b, len, 1, f), 1);
    free(b);
}

/* A frame as large as libpcap allows (262,144 bytes, a TSO segment) does not
 * fit a block of the reader's queue with its record header: the block grows
 * for it. Frames before and after it come through in order. */
static void test_frame_larger_than_a_block(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "/tmp/rdpt-threads-big-%d.pcap", (int)getpid());
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    uint32_t gh[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 262144, 1 };
    assert_int_equal(fwrite(gh, sizeof gh, 1, f), 1);
    size_t big = 262144 - 54;
    put_frame(f, 100, 0x02, 1000, 0, true, 0, 0);          /* SYN */
    put_frame(f, 100, 0x12, 5000, 1001, false, 0, 0);      /* SYN-ACK */
    put_frame(f, 100, 0x10, 1001, 5001, true, 0, 0);       /* ACK */
    put_frame(f, 101, 0x18, 1001, 5001, true, big, 0x41);  /* not TPKT: 'AAAA...' */
    put_frame(f, 101, 0x10, 5001, 1001 + (uint32_t)big, false, 0, 0);
    put_frame(f, 102, 0x11, 5001, 1001 + (uint32_t)big, false, 0, 0); /* FIN */
    fclose(f);
    char *one = run(path, false), *two = run(path, true);
    assert_string_equal(one, two);
    assert_non_null(strstr(one, "1 connections, 1 failed"));
    assert_non_null(strstr(one, "not_rdp"));
    free(one);
    free(two);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_sample),
        cmocka_unit_test(test_cut_capture),
        cmocka_unit_test(test_frame_larger_than_a_block),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

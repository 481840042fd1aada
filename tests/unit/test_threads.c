/* test_threads.c - a file read and decoded ahead on a thread of its own
 * (packet_queue.c), with its connections diagnosed and reported on another
 * (retire_stage.c), gives the same reports as the single thread that a live
 * capture uses: every bundled sample, byte for byte (XML, HTML, the text
 * summary and the messages), and a capture cut in the middle of a record. */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_sample),
        cmocka_unit_test(test_cut_capture),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

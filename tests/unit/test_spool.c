/* test_spool.c - report parts on disk (reports/spool.c): given back in id
 * order whatever the order they came in, with their splice points, and
 * invalid splice points refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "spool.h"

#include <errno.h>
#include <stdio.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_parts_come_back_in_id_order(void **state)
{
    (void)state;
    spool *s = spool_new(NULL);
    assert_non_null(s);
    const uint32_t ids[] = { 3, 1, 2, 1, 5 };
    char text[32];
    for (size_t i = 0; i < 5; i++) {
        snprintf(text, sizeof text, "part %zu of id %u", i, ids[i]);
        size_t len = strlen(text), sp[2] = { 4, len };
        assert_true(spool_add(s, ids[i], text, len, sp));
    }
    assert_int_equal(spool_count(s), 5);
    spool_sort(s);
    const char *want[] = { "part 1 of id 1", "part 3 of id 1", "part 2 of id 2", "part 0 of id 3",
                           "part 4 of id 5" };
    for (size_t i = 0; i < 5; i++) {
        size_t len, sp[2];
        const char *p = spool_read(s, i, &len, sp);
        assert_non_null(p);
        assert_string_equal(p, want[i]);
        assert_int_equal(len, strlen(want[i]));
        assert_int_equal(sp[0], 4);
        assert_int_equal(sp[1], len);
    }
    assert_int_equal(spool_find(s, 2), 2);
    assert_int_equal(spool_id(s, spool_find(s, 2)), 2);
    assert_int_equal(spool_find(s, 4), 4);     /* the first id >= 4 is 5 */
    assert_int_equal(spool_find(s, 9), 5);     /* none */
    /* Appending after reading goes on at the end. */
    size_t sp[2] = { 0, 0 };
    assert_true(spool_add(s, 0, "", 0, sp));
    spool_sort(s);
    size_t len, got[2];
    assert_non_null(spool_read(s, 0, &len, got));
    assert_int_equal(len, 0);
    assert_int_equal(spool_error(s), 0);
    spool_free(s);
}

/* Past the entries an index keeps in memory (reports/spool.c: 8,192), it
 * goes to disk in sorted runs and is merged: 100,000 parts with ids a
 * little out of order, some ids twice, come back in id order, parts of one
 * id in the order they came, and lookups find the first part of an id
 * going forward and back. Appending after a sort goes on. */
static void test_many_parts_go_through_disk_runs(void **state)
{
    (void)state;
    enum { N = 100000 };
    spool *s = spool_new(NULL);
    assert_non_null(s);
    char text[64];
    size_t sp[2] = { 0, 0 };
    uint32_t count = 0;
    for (uint32_t i = 0; i < N; i++) {
        /* blocks of 7 reversed: 7 6 5 4 3 2 1, 14 13 ... ; every 10th id again */
        uint32_t id = (i / 7) * 7 + (7 - i % 7);
        int len = snprintf(text, sizeof text, "id %u first", id);
        assert_true(spool_add(s, id, text, (size_t)len, sp));
        count++;
        if (id % 10 == 0) {
            len = snprintf(text, sizeof text, "id %u second", id);
            assert_true(spool_add(s, id, text, (size_t)len, sp));
            count++;
        }
    }
    assert_int_equal(spool_count(s), count);
    spool_sort(s);
    uint32_t prev = 0;
    bool second_due = false;
    for (size_t i = 0; i < spool_count(s); i++) {
        size_t len, got[2];
        const char *p = spool_read(s, i, &len, got);
        assert_non_null(p);
        uint32_t id = spool_id(s, i);
        char want[64];
        if (second_due) {
            snprintf(want, sizeof want, "id %u second", id);
            assert_int_equal(id, prev);
            second_due = false;
        } else {
            snprintf(want, sizeof want, "id %u first", id);
            assert_true(id > prev);
            second_due = id % 10 == 0;
        }
        assert_string_equal(p, want);
        prev = id;
    }
    assert_int_equal(spool_id(s, spool_find(s, 20)), 20);
    assert_int_equal(spool_id(s, spool_find(s, 20) + 1), 20);    /* its second part */
    assert_int_equal(spool_id(s, spool_find(s, 90001)), 90001); /* forward, far */
    assert_int_equal(spool_id(s, spool_find(s, 35)), 35);       /* back */
    assert_int_equal(spool_find(s, N + 100), spool_count(s));
    for (uint32_t id = 1; id <= 5000; id++)                       /* forward, one by one */
        assert_int_equal(spool_id(s, spool_find(s, id)), id);
    /* appending after the sort, then sorting again */
    assert_true(spool_add(s, 3, "id 3 third", 10, sp));
    spool_sort(s);
    size_t k = spool_find(s, 3), len, got[2];
    assert_string_equal(spool_read(s, k, &len, got), "id 3 first");
    assert_string_equal(spool_read(s, k + 1, &len, got), "id 3 third");
    assert_int_equal(spool_count(s), count + 1);
    assert_int_equal(spool_error(s), 0);
    spool_free(s);
}

static void test_bad_splice_points_are_refused(void **state)
{
    (void)state;
    spool *s = spool_new("/nonexistent-dir/report.xml"); /* falls back to $TMPDIR or /tmp */
    size_t sp[2] = { 5, 3 };
    assert_false(spool_add(s, 1, "abcdef", 6, sp));
    assert_int_equal(spool_error(s), EINVAL);
    size_t len, got[2];
    assert_null(spool_read(s, 0, &len, got));
    spool_free(s);
    spool_free(NULL);
}

/* The file goes beside the report and leaves no name behind; a directory
 * that cannot take it falls back to $TMPDIR or /tmp. */
static void test_where_the_file_goes(void **state)
{
    (void)state;
    char dir[] = "/tmp/rdpt-spool-XXXXXX", near[128];
    assert_non_null(mkdtemp(dir));
    snprintf(near, sizeof near, "%s/report.xml", dir);
    const char *places[] = { near, "/nonexistent-dir/report.xml", "-", NULL };
    for (size_t k = 0; k < sizeof places / sizeof places[0]; k++) {
        spool *s = spool_new(places[k]);
        size_t sp[2] = { 2, 4 }, len, got[2];
        assert_true(spool_add(s, 7, "abcd", 4, sp));
        const char *p = spool_read(s, 0, &len, got);
        assert_non_null(p);
        assert_string_equal(p, "abcd");
        /* unlinked at once: the report's directory holds no spool file */
        DIR *d = opendir(dir);
        assert_non_null(d);
        struct dirent *e;
        while ((e = readdir(d)) != NULL)
            assert_null(strstr(e->d_name, "rdptriage-spool"));
        closedir(d);
        spool_free(s);
    }
    rmdir(dir);
}

/* spool_copy appends a part's bytes, unread here, to a report between
 * pieces written around it; parts larger than the spool's write buffers
 * (written by its own thread) come out whole. Lookups that go back by one
 * from the last find one part before (the retry notes' pattern). */
static void test_parts_copied_into_a_report(void **state)
{
    (void)state;
    char dir[] = "/tmp/rdpt-spool-XXXXXX", path[128], err[256];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/report.xml", dir);
    spool *s = spool_new(path);
    assert_non_null(s);
    enum { N = 300, BIG = 200000 };
    char *big = malloc(BIG), *want = malloc(N * 64 + BIG + 64), *got = malloc(N * 64 + BIG + 64);
    assert_non_null(big);
    assert_non_null(want);
    assert_non_null(got);
    for (size_t i = 0; i < BIG; i++)
        big[i] = (char)('a' + i % 23);
    size_t sp[2] = { 0, 0 };
    for (uint32_t id = N; id >= 1; id--) { /* in reverse */
        char text[64];
        if (id == N / 2) {
            size_t bsp[2] = { BIG, BIG };
            assert_true(spool_add(s, id, big, BIG, bsp));
            continue;
        }
        int len = snprintf(text, sizeof text, "<c id=\"%u\"/>", id);
        assert_true(spool_add(s, id, text, (size_t)len, sp));
    }
    spool_sort(s);
    atomic_file *f = atomic_open(path, err, sizeof err);
    assert_non_null(f);
    size_t total = 0;
    for (size_t i = 0; i < spool_count(s); i++) {
        uint32_t id = spool_id(s, i);
        assert_int_equal(id, i + 1);
        assert_int_equal(atomic_write(f, "|", 1), 0);
        want[total++] = '|';
        assert_true(spool_copy(s, i, f));
        if (id == N / 2) {
            memcpy(want + total, big, BIG);
            total += BIG;
        } else {
            total += (size_t)sprintf(want + total, "<c id=\"%u\"/>", id);
        }
    }
    assert_int_equal(atomic_commit(f, err, sizeof err), 0);
    FILE *r = fopen(path, "rb");
    assert_non_null(r);
    assert_int_equal(fread(got, 1, N * 64 + BIG + 64, r), total);
    fclose(r);
    assert_memory_equal(got, want, total);
    for (uint32_t id = N; id >= 1; id--) /* back, one by one */
        assert_int_equal(spool_id(s, spool_find(s, id)), id);
    assert_int_equal(spool_error(s), 0);
    spool_free(s);
    unlink(path);
    rmdir(dir);
    free(big);
    free(want);
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parts_come_back_in_id_order),
        cmocka_unit_test(test_many_parts_go_through_disk_runs),
        cmocka_unit_test(test_bad_splice_points_are_refused),
        cmocka_unit_test(test_where_the_file_goes),
        cmocka_unit_test(test_parts_copied_into_a_report),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

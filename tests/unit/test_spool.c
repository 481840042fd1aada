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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parts_come_back_in_id_order),
        cmocka_unit_test(test_bad_splice_points_are_refused),
        cmocka_unit_test(test_where_the_file_goes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

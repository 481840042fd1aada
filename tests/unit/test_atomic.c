/* test_atomic.c - report files are replaced atomically, but a symbolic link
 * is followed (the file it points to is replaced, the link stays) and a
 * FIFO or device is written in place, never replaced by a regular file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "atomic.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/rdpt-atomic-XXXXXX";

static void write_report(const char *path, const char *text)
{
    char err[256];
    atomic_file *f = atomic_open(path, err, sizeof err);
    assert_non_null(f);
    assert_int_equal(atomic_write(f, text, strlen(text)), 0);
    assert_int_equal(atomic_commit(f, err, sizeof err), 0);
}

static void test_symlink_is_followed(void **state)
{
    (void)state;
    char target[256], link[256], buf[64] = "";
    snprintf(target, sizeof target, "%s/report.xml", dir);
    snprintf(link, sizeof link, "%s/latest.xml", dir);
    FILE *t = fopen(target, "w");
    assert_non_null(t);
    fputs("old", t);
    fclose(t);
    assert_int_equal(symlink(target, link), 0);
    write_report(link, "new report");
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    t = fopen(target, "r");
    assert_non_null(t);
    assert_non_null(fgets(buf, sizeof buf, t));
    fclose(t);
    assert_string_equal(buf, "new report");
    unlink(link);
    unlink(target);
}

static void test_fifo_is_written_in_place(void **state)
{
    (void)state;
    char fifo[256];
    snprintf(fifo, sizeof fifo, "%s/pipe", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* The reader: exits 0 when it read exactly the report. */
        char buf[64] = "";
        int fd = open(fifo, O_RDONLY);
        ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
        _exit(n == 9 && memcmp(buf, "via fifo\n", 9) == 0 ? 0 : 1);
    }
    write_report(fifo, "via fifo\n");
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    struct stat st;
    assert_int_equal(stat(fifo, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    unlink(fifo);
}

static void test_directory_is_refused(void **state)
{
    (void)state;
    char err[256] = "";
    assert_null(atomic_open(dir, err, sizeof err));
    assert_non_null(strstr(err, "directory"));
}

/* Writes are collected in a buffer (ATOMIC_BUFFER): many small pieces, one
 * larger than the buffer and the rest come out whole and in order. */
static void test_buffered_pieces(void **state)
{
    (void)state;
    char path[256], err[256];
    snprintf(path, sizeof path, "%s/pieces.xml", dir);
    size_t big_len = ATOMIC_BUFFER + 12345, total = 0;
    char *big = malloc(big_len), *want = malloc(3 * ATOMIC_BUFFER), *got = malloc(3 * ATOMIC_BUFFER);
    assert_non_null(big);
    assert_non_null(want);
    assert_non_null(got);
    for (size_t i = 0; i < big_len; i++)
        big[i] = (char)('a' + i % 26);
    atomic_file *f = atomic_open(path, err, sizeof err);
    assert_non_null(f);
    for (int i = 0; i < 70000; i++) { /* past one buffer's worth */
        char c = (char)('0' + i % 10);
        assert_int_equal(atomic_write(f, &c, 1), 0);
        want[total++] = c;
    }
    assert_int_equal(atomic_write(f, big, big_len), 0);
    memcpy(want + total, big, big_len);
    total += big_len;
    assert_int_equal(atomic_write(f, "end\n", 4), 0);
    memcpy(want + total, "end\n", 4);
    total += 4;
    assert_int_equal(atomic_error(f), 0);
    assert_int_equal(atomic_commit(f, err, sizeof err), 0);
    FILE *r = fopen(path, "rb");
    assert_non_null(r);
    assert_int_equal(fread(got, 1, 3 * ATOMIC_BUFFER, r), total);
    fclose(r);
    assert_memory_equal(got, want, total);
    unlink(path);
    free(big);
    free(want);
    free(got);
}

/* A write that fails when the buffer is written is still reported. */
static void test_buffered_error(void **state)
{
    (void)state;
    char err[256];
    atomic_file *f = atomic_open("/dev/full", err, sizeof err);
    if (!f)
        skip();
    assert_int_equal(atomic_write(f, "lost", 4), 0); /* only buffered so far */
    assert_int_not_equal(atomic_error(f), 0);
    assert_int_equal(atomic_write(f, "more", 4), -1);
    assert_int_equal(atomic_commit(f, err, sizeof err), -1);
    assert_non_null(strstr(err, "/dev/full"));
}

/* atomic_copy appends bytes of another file, after what is buffered; a
 * copy into a full device fails as a write does, and a source shorter than
 * asked is an error too (the report would lack bytes). */
static void test_copy_from_a_file(void **state)
{
    (void)state;
    char src[256], path[256], err[256];
    snprintf(src, sizeof src, "%s/source", dir);
    snprintf(path, sizeof path, "%s/copied.xml", dir);
    size_t n = ATOMIC_BUFFER + 5000;
    char *data = malloc(n), *got = malloc(n + 16);
    assert_non_null(data);
    assert_non_null(got);
    for (size_t i = 0; i < n; i++)
        data[i] = (char)('A' + i % 26);
    int fd = open(src, O_RDWR | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, n), (ssize_t)n);
    atomic_file *f = atomic_open(path, err, sizeof err);
    assert_non_null(f);
    assert_int_equal(atomic_write(f, "<", 1), 0);
    assert_int_equal(atomic_copy(f, fd, 3, n - 3), 0);
    assert_int_equal(atomic_write(f, ">", 1), 0);
    assert_int_equal(atomic_commit(f, err, sizeof err), 0);
    FILE *r = fopen(path, "rb");
    assert_non_null(r);
    assert_int_equal(fread(got, 1, n + 16, r), n - 1);
    fclose(r);
    assert_int_equal(got[0], '<');
    assert_memory_equal(got + 1, data + 3, n - 3);
    assert_int_equal(got[n - 2], '>');
    unlink(path);

    f = atomic_open(path, err, sizeof err); /* past the source's end */
    assert_non_null(f);
    assert_int_equal(atomic_copy(f, fd, n - 10, 20), -1);
    assert_int_not_equal(atomic_error(f), 0);
    assert_int_equal(atomic_commit(f, err, sizeof err), -1);
    assert_int_equal(access(path, F_OK), -1); /* nothing left behind */

    f = atomic_open("/dev/full", err, sizeof err);
    if (f) {
        assert_int_equal(atomic_copy(f, fd, 0, n), -1);
        assert_int_equal(atomic_commit(f, err, sizeof err), -1);
        assert_non_null(strstr(err, "/dev/full"));
    }
    close(fd);
    unlink(src);
    free(data);
    free(got);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_symlink_is_followed),
        cmocka_unit_test(test_fifo_is_written_in_place),
        cmocka_unit_test(test_directory_is_refused),
        cmocka_unit_test(test_buffered_pieces),
        cmocka_unit_test(test_buffered_error),
        cmocka_unit_test(test_copy_from_a_file),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    rmdir(dir);
    return rc;
}

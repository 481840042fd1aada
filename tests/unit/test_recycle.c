/* test_recycle.c - recycle.c: an object put back comes out of the next get
 * of its kind, zeroed, on the same thread and, once that thread has
 * flushed, on another; kinds do not mix; recycle_release frees them all
 * (LeakSanitizer checks). */
#include <pthread.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "recycle.h"

enum { SIZE = 1000, MANY = 1000 };

static bool zeroed(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

static void test_same_thread(void **state)
{
    (void)state;
    unsigned char *a = recycle_get(RECYCLE_CONNECTION, SIZE);
    assert_non_null(a);
    assert_true(zeroed(a, SIZE));
    memset(a, 0xAB, SIZE);
    recycle_put(RECYCLE_CONNECTION, a);
    unsigned char *b = recycle_get(RECYCLE_CONNECTION, SIZE);
    assert_ptr_equal(a, b); /* taken back */
    assert_true(zeroed(b, SIZE));
    /* Another kind does not get it. */
    memset(b, 0xCD, SIZE);
    recycle_put(RECYCLE_CONNECTION, b);
    unsigned char *t = recycle_get(RECYCLE_TLS_FACTS, 64);
    assert_non_null(t);
    assert_ptr_not_equal(t, b);
    recycle_put(RECYCLE_TLS_FACTS, t);
    recycle_put(RECYCLE_CONNECTION, NULL); /* nothing */
    recycle_release();
}

typedef struct {
    void *objs[MANY];
} batch;

static void *put_all(void *arg)
{
    batch *b = arg;
    for (unsigned i = 0; i < MANY; i++) {
        memset(b->objs[i], 0xEE, SIZE);
        recycle_put(RECYCLE_CONNECTION, b->objs[i]);
    }
    recycle_flush();
    return NULL;
}

/* A thousand objects made here, put back on another thread (as the side
 * thread does): the next gets here reuse them, zeroed (those past the
 * lists' bounds through malloc). */
static void test_other_thread(void **state)
{
    (void)state;
    static batch b;
    for (unsigned i = 0; i < MANY; i++) {
        b.objs[i] = recycle_get(RECYCLE_CONNECTION, SIZE);
        assert_non_null(b.objs[i]);
    }
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, put_all, &b), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    unsigned reused = 0;
    void *got[MANY];
    for (unsigned i = 0; i < MANY; i++) {
        got[i] = recycle_get(RECYCLE_CONNECTION, SIZE);
        assert_non_null(got[i]);
        assert_true(zeroed(got[i], SIZE));
        for (unsigned k = 0; k < MANY; k++)
            if (got[i] == b.objs[k]) {
                reused++;
                break;
            }
    }
    assert_true(reused > 0);
    for (unsigned i = 0; i < MANY; i++)
        recycle_put(RECYCLE_CONNECTION, got[i]);
    recycle_release();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_thread),
        cmocka_unit_test(test_other_thread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_timeline.c - the timeline keeps its first TIMELINE_INLINE_EVENTS
 * events inside itself and moves to the heap past them, in order and up to
 * its cap (with the reserved tail for ending events); an all-zero timeline
 * (a calloc'd connection) works as an initialized one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "timeline.h"

#include <string.h>

static void fill_and_check(timeline *t)
{
    for (uint32_t i = 0; i < TIMELINE_MAX_EVENTS + 10; i++) {
        pkt_ref r = { i + 1, { 1700000000, i } };
        tl_event *e = timeline_add(t, EV_DATA_FIRST, DIR_C2S, &r, i, 2 * i);
        if (i < TIMELINE_MAX_EVENTS - TIMELINE_RESERVED_TAIL)
            assert_non_null(e);
        else
            assert_null(e);
        if (i + 1 == TIMELINE_INLINE_EVENTS)
            assert_ptr_equal(t->ev, t->inline_ev);
        if (i == TIMELINE_INLINE_EVENTS)
            assert_ptr_not_equal(t->ev, t->inline_ev);
    }
    uint32_t kept = TIMELINE_MAX_EVENTS - TIMELINE_RESERVED_TAIL;
    assert_int_equal(t->n, kept);
    assert_int_equal(t->dropped, TIMELINE_MAX_EVENTS + 10 - kept);
    for (uint32_t i = 0; i < kept; i++) {
        assert_int_equal(t->ev[i].ref.packet, i + 1);
        assert_int_equal(t->ev[i].a, i);
        assert_int_equal(t->ev[i].b, 2 * i);
    }
    /* The reserved tail still takes an ending event. */
    pkt_ref fin = { 9999, { 1700000001, 0 } };
    assert_non_null(timeline_add(t, EV_FIN, DIR_S2C, &fin, 0, 0));
    assert_ptr_equal(timeline_last(t, EV_FIN, DIR_NONE), &t->ev[kept]);
}

static void test_inline_then_heap(void **state)
{
    (void)state;
    timeline t;
    timeline_init(&t);
    fill_and_check(&t);
    timeline_free(&t);
    assert_null(t.ev);
    assert_int_equal(t.n, 0);
    /* reusable after free */
    fill_and_check(&t);
    timeline_free(&t);
}

static void test_zeroed_and_small(void **state)
{
    (void)state;
    timeline t;
    memset(&t, 0, sizeof t);
    assert_null(timeline_first(&t, EV_SYN, DIR_NONE));
    pkt_ref r = { 1, { 1700000000, 0 } };
    assert_non_null(timeline_add(&t, EV_SYN, DIR_C2S, &r, 0, 0));
    assert_ptr_equal(t.ev, t.inline_ev);
    assert_int_equal(timeline_count(&t, EV_SYN, DIR_C2S), 1);
    timeline_free(&t); /* nothing on the heap */
    fill_and_check(&t);
    timeline_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inline_then_heap),
        cmocka_unit_test(test_zeroed_and_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

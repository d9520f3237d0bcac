/* test_rb.c - rb.h: push order, eviction, oldest-first reads after wrapping, reset and clear. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "rb.h"

#define RB_SENTINEL -999.0 /* what *evicted holds when nothing may be written there */

static void rb_check_contents(const struct rb *r, const double *want, size_t n) {
    assert_int_equal(r->len, n);
    for (size_t i = 0; i < n; i++)
        if (rb_get(r, i) != want[i])
            fail_msg("rb_get(%zu) = %g, expected %g", i, rb_get(r, i), want[i]);
    if (n)
        assert_true(rb_newest(r) == want[n - 1]);
}

static void test_init_zero_fails(void **state) {
    struct rb r, before;
    (void)state;
    memset(&r, 0x5a, sizeof r);
    before = r;
    assert_int_equal(rb_init(&r, 0), -1);
    assert_memory_equal(&r, &before, sizeof r); /* untouched */
}

static void test_push_and_evict_order(void **state) {
    static const double full[] = {1, 2, 3};
    static const double after4[] = {2, 3, 4};
    static const double after5[] = {3, 4, 5};
    struct rb r;
    double ev = RB_SENTINEL;
    (void)state;
    assert_int_equal(rb_init(&r, 3), 0);
    assert_int_equal(r.cap, 3);
    rb_check_contents(&r, NULL, 0);
    for (int i = 1; i <= 3; i++) {
        assert_int_equal(rb_push(&r, i, &ev), 0);
        assert_true(ev == RB_SENTINEL); /* not written while there is room */
    }
    rb_check_contents(&r, full, 3);
    assert_int_equal(rb_push(&r, 4, &ev), 1);
    assert_true(ev == 1);
    rb_check_contents(&r, after4, 3);
    assert_int_equal(rb_push(&r, 5, &ev), 1);
    assert_true(ev == 2);
    rb_check_contents(&r, after5, 3);
    rb_clear(&r);
}

/* After many wraps, reads stay oldest first and each eviction is the value pushed cap ago. */
static void test_wrap_oldest_first(void **state) {
    static const double want[] = {97, 98, 99, 100};
    struct rb r;
    double ev;
    (void)state;
    assert_int_equal(rb_init(&r, 4), 0);
    for (int i = 1; i <= 100; i++) {
        int full = rb_push(&r, i, &ev);
        assert_int_equal(full, i > 4);
        if (full)
            assert_true(ev == i - 4);
        assert_true(rb_get(&r, 0) == (i > 4 ? i - 3 : 1));
        assert_true(rb_newest(&r) == i);
    }
    rb_check_contents(&r, want, 4);
    assert_int_equal(r.head, 100 % 4);
    rb_clear(&r);
}

static void test_cap_one(void **state) {
    static const double one[] = {7};
    static const double two[] = {8};
    struct rb r;
    double ev = RB_SENTINEL;
    (void)state;
    assert_int_equal(rb_init(&r, 1), 0);
    assert_int_equal(rb_push(&r, 7, &ev), 0);
    rb_check_contents(&r, one, 1);
    assert_int_equal(rb_push(&r, 8, &ev), 1);
    assert_true(ev == 7);
    rb_check_contents(&r, two, 1);
    assert_int_equal(r.head, 0);
    rb_clear(&r);
}

static void test_reset_keeps_slots(void **state) {
    static const double want[] = {10, 11};
    struct rb r;
    double *slots, ev = RB_SENTINEL;
    (void)state;
    assert_int_equal(rb_init(&r, 3), 0);
    for (int i = 0; i < 5; i++)
        rb_push(&r, i, &ev);
    slots = r.v;
    rb_reset(&r);
    assert_int_equal(r.len, 0);
    assert_int_equal(r.head, 0);
    assert_int_equal(r.cap, 3);
    assert_ptr_equal(r.v, slots);
    ev = RB_SENTINEL;
    assert_int_equal(rb_push(&r, 10, &ev), 0);
    assert_int_equal(rb_push(&r, 11, &ev), 0);
    assert_true(ev == RB_SENTINEL);
    rb_check_contents(&r, want, 2);
    rb_clear(&r);
}

static void test_clear_twice(void **state) {
    struct rb r;
    (void)state;
    assert_int_equal(rb_init(&r, 5), 0);
    rb_clear(&r);
    assert_null(r.v);
    assert_int_equal(r.cap, 0);
    assert_int_equal(r.len, 0);
    rb_clear(&r);
    assert_null(r.v);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_zero_fails),
        cmocka_unit_test(test_push_and_evict_order),
        cmocka_unit_test(test_wrap_oldest_first),
        cmocka_unit_test(test_cap_one),
        cmocka_unit_test(test_reset_keeps_slots),
        cmocka_unit_test(test_clear_twice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

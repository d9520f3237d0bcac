/* test_shed.c - shed.h: when the detector starts and stops shedding, from sequences of
 * (unread bytes, receive buffer, time) measurements. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "shed.h"

#define KIB 1024L
#define BIG_RCVBUF (4096 * KIB) /* a grown receive buffer: --shed-at is the limit */

static void test_never_with_zero(void **state) {
    struct shed s;
    (void)state;
    shed_init(&s, 0);
    for (uint64_t t = 1000; t < 5000; t += 50)
        assert_int_equal(shed_update(&s, 100 * 1024 * KIB, BIG_RCVBUF, t, NULL), SHED_SAME);
    assert_int_equal(s.shedding, 0);
    shed_init(&s, -5); /* negative: also never */
    assert_int_equal(shed_update(&s, 1 << 30, 0, 1, NULL), SHED_SAME);
    assert_int_equal(shed_update(&s, 1 << 30, 0, 1000, NULL), SHED_SAME);
}

static void test_sustained_backlog_starts_after_sustain(void **state) {
    struct shed s;
    long limit = 0;
    (void)state;
    shed_init(&s, 256 * KIB);
    assert_int_equal(shed_update(&s, 300 * KIB, BIG_RCVBUF, 1000, &limit), SHED_SAME);
    assert_int_equal(limit, 256 * KIB);
    assert_int_equal(shed_update(&s, 300 * KIB, BIG_RCVBUF, 1000 + SHED_SUSTAIN_MS - 1, NULL),
                     SHED_SAME);
    assert_int_equal(shed_update(&s, 300 * KIB, BIG_RCVBUF, 1000 + SHED_SUSTAIN_MS, NULL),
                     SHED_START);
    assert_int_equal(s.shedding, 1);
    assert_int_equal(s.resume, 32 * KIB);
    /* while shedding: SAME until every measurement for SHED_DRAIN_MS is under an eighth */
    assert_int_equal(shed_update(&s, 32 * KIB, BIG_RCVBUF, 2000, NULL), SHED_SAME);
    assert_int_equal(shed_update(&s, 32 * KIB - 1, BIG_RCVBUF, 2001, NULL), SHED_SAME);
    assert_int_equal(shed_update(&s, 0, BIG_RCVBUF, 2001 + SHED_DRAIN_MS - 1, NULL), SHED_SAME);
    /* Redis refilled the socket: it still held a backlog, the drained stretch starts again */
    assert_int_equal(shed_update(&s, 100 * KIB, BIG_RCVBUF, 2001 + SHED_DRAIN_MS - 1, NULL),
                     SHED_SAME);
    assert_int_equal(shed_update(&s, 0, BIG_RCVBUF, 2001 + SHED_DRAIN_MS, NULL), SHED_SAME);
    assert_int_equal(s.shedding, 1);
    assert_int_equal(shed_update(&s, 1 * KIB, BIG_RCVBUF, 2001 + 2 * SHED_DRAIN_MS, NULL),
                     SHED_STOP);
    assert_int_equal(s.shedding, 0);
}

static void test_burst_that_drains_is_not_shed(void **state) {
    struct shed s;
    const uint64_t half = SHED_SUSTAIN_MS / 2, t1 = 1000 + SHED_SUSTAIN_MS;
    (void)state;
    shed_init(&s, 256 * KIB);
    /* over the limit, then drained under an eighth of it before the sustain time: the clock
     * starts again at the next time over the limit */
    assert_int_equal(shed_update(&s, 1024 * KIB, BIG_RCVBUF, 1000, NULL), SHED_SAME);
    assert_int_equal(shed_update(&s, 1024 * KIB, BIG_RCVBUF, 1000 + half, NULL), SHED_SAME);
    assert_int_equal(shed_update(&s, 10 * KIB, BIG_RCVBUF, 1000 + half + 1, NULL), SHED_SAME);
    assert_int_equal(shed_update(&s, 10 * KIB, BIG_RCVBUF, t1, NULL), SHED_SAME);
    assert_int_equal(shed_update(&s, 1024 * KIB, BIG_RCVBUF, t1 + 1, NULL), SHED_SAME);
    assert_int_equal(shed_update(&s, 1024 * KIB, BIG_RCVBUF, t1 + SHED_SUSTAIN_MS, NULL),
                     SHED_SAME);
    assert_int_equal(s.shedding, 0);
    assert_int_equal(shed_update(&s, 1024 * KIB, BIG_RCVBUF, t1 + 1 + SHED_SUSTAIN_MS, NULL),
                     SHED_START);
}

static void test_swinging_backlog_is_still_behind(void **state) {
    struct shed s;
    const uint64_t q = SHED_SUSTAIN_MS / 4;
    (void)state;
    shed_init(&s, 256 * KIB);
    /* Redis refills the socket in chunks: under the limit at some measurements, never drained */
    assert_int_equal(shed_update(&s, 300 * KIB, BIG_RCVBUF, 1000, NULL), SHED_SAME);
    assert_int_equal(shed_update(&s, 40 * KIB, BIG_RCVBUF, 1000 + q, NULL), SHED_SAME);
    assert_int_equal(shed_update(&s, 200 * KIB, BIG_RCVBUF, 1000 + 2 * q, NULL), SHED_SAME);
    assert_int_equal(shed_update(&s, 33 * KIB, BIG_RCVBUF, 1000 + 3 * q, NULL), SHED_SAME);
    assert_int_equal(shed_update(&s, 33 * KIB, BIG_RCVBUF, 1000 + SHED_SUSTAIN_MS, NULL),
                     SHED_START);
    /* under the limit but not drained, from the start: not behind */
    shed_init(&s, 256 * KIB);
    assert_int_equal(shed_update(&s, 200 * KIB, BIG_RCVBUF, 1000, NULL), SHED_SAME);
    assert_int_equal(shed_update(&s, 200 * KIB, BIG_RCVBUF, 1000 + 10 * SHED_SUSTAIN_MS, NULL),
                     SHED_SAME);
    assert_int_equal(s.behind, 0);
}

static void test_small_receive_buffer_caps_limit(void **state) {
    struct shed s;
    long limit = 0;
    (void)state;
    shed_init(&s, 256 * KIB);
    /* a 128 KiB buffer can never hold 256 KiB unread: half of it is the limit */
    assert_int_equal(shed_update(&s, 70 * KIB, 128 * KIB, 10, &limit), SHED_SAME);
    assert_int_equal(limit, 64 * KIB);
    assert_int_equal(shed_update(&s, 70 * KIB, 128 * KIB, 10 + SHED_SUSTAIN_MS, NULL), SHED_START);
    assert_int_equal(s.resume, 8 * KIB);
    /* unknown buffer size: --shed-at alone */
    shed_init(&s, 256 * KIB);
    assert_int_equal(shed_update(&s, 200 * KIB, 0, 10, &limit), SHED_SAME);
    assert_int_equal(limit, 256 * KIB);
    assert_int_equal(shed_update(&s, 200 * KIB, -1, 10 + SHED_SUSTAIN_MS, NULL), SHED_SAME);
    assert_int_equal(s.shedding, 0);
    /* a buffer larger than twice --shed-at does not raise the limit */
    assert_int_equal(shed_update(&s, 300 * KIB, 100000 * KIB, 10, &limit), SHED_SAME);
    assert_int_equal(limit, 256 * KIB);
}

static void test_again_after_stop(void **state) {
    struct shed s;
    (void)state;
    shed_init(&s, 64 * KIB);
    assert_int_equal(shed_update(&s, 64 * KIB, BIG_RCVBUF, 0, NULL), SHED_SAME);
    assert_int_equal(shed_update(&s, 64 * KIB, BIG_RCVBUF, SHED_SUSTAIN_MS, NULL), SHED_START);
    assert_int_equal(shed_update(&s, 0, BIG_RCVBUF, 500, NULL), SHED_SAME);
    assert_int_equal(shed_update(&s, 0, BIG_RCVBUF, 500 + SHED_DRAIN_MS, NULL), SHED_STOP);
    /* behind again: the sustain time counts from the new first measurement */
    assert_int_equal(shed_update(&s, 64 * KIB, BIG_RCVBUF, 600, NULL), SHED_SAME);
    assert_int_equal(shed_update(&s, 64 * KIB, BIG_RCVBUF, 600 + SHED_SUSTAIN_MS - 1, NULL),
                     SHED_SAME);
    assert_int_equal(shed_update(&s, 64 * KIB, BIG_RCVBUF, 600 + SHED_SUSTAIN_MS, NULL),
                     SHED_START);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_never_with_zero),
        cmocka_unit_test(test_sustained_backlog_starts_after_sustain),
        cmocka_unit_test(test_burst_that_drains_is_not_shed),
        cmocka_unit_test(test_swinging_backlog_is_still_behind),
        cmocka_unit_test(test_small_receive_buffer_caps_limit),
        cmocka_unit_test(test_again_after_stop),
    };
    return cmocka_run_group_tests_name("shed", tests, NULL, NULL);
}

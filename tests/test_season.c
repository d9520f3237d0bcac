/* test_season.c - the daily reference: the period learnt from timestamps, the range of values
 * around the same time one day earlier, and what disables it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "season.h"

#define T0 1700000000000LL
#define FIVE_MIN 300000LL

/* Feeds n points spaced dt apart (value = i) into s, asking for the range before each. */
static void feed(struct season *s, size_t n, int64_t dt) {
    for (size_t i = 0; i < n; i++) {
        double lo, hi;
        season_observe(s, T0 + (int64_t)i * dt);
        (void)season_range(s, &lo, &hi);
        season_push(s, (double)i);
    }
}

static void test_auto_period_from_timestamps(void **state) {
    struct season s;
    double lo, hi;
    (void)state;
    assert_int_equal(season_init(&s, SEASON_AUTO), 0);
    assert_int_equal(s.period, 0);
    feed(&s, SEASON_PROBE, FIVE_MIN);
    assert_int_equal(s.period, 0); /* decided at the next timestamp */
    season_observe(&s, T0 + SEASON_PROBE * FIVE_MIN);
    assert_int_equal(s.period, 288);          /* a day of 5-minute points */
    assert_int_equal(s.span, 12);             /* an hour either side */
    assert_int_equal(s.past.cap, 288 + 12 + 1);
    assert_int_equal(season_range(&s, &lo, &hi), -1); /* not a day of history yet */
    season_clear(&s);
    season_clear(&s);
}

static void test_range_around_yesterday(void **state) {
    struct season s;
    double lo, hi;
    size_t n = 0;
    (void)state;
    assert_int_equal(season_init(&s, SEASON_AUTO), 0);
    /* values equal to their index; recording starts once the period is decided (the point after
     * the SEASON_PROBE probe points), and a range needs a day and an hour of history */
    for (; n < SEASON_PROBE + 288 + 12 + 1 + 5; n++) {
        season_observe(&s, T0 + (int64_t)n * FIVE_MIN);
        season_push(&s, (double)n);
    }
    season_observe(&s, T0 + (int64_t)n * FIVE_MIN);
    assert_int_equal(season_range(&s, &lo, &hi), 0);
    /* the point to score is n: its range is the values n-288-12 .. n-288+12 */
    assert_true(fabs(lo - (double)(n - 288 - 12)) < 1e-12);
    assert_true(fabs(hi - (double)(n - 288 + 12)) < 1e-12);
    season_clear(&s);
}

static void test_no_season(void **state) {
    struct season s;
    double lo, hi;
    (void)state;
    /* off */
    assert_int_equal(season_init(&s, 0), 0);
    feed(&s, 1000, FIVE_MIN);
    assert_int_equal(s.period, 0);
    assert_int_equal(season_range(&s, &lo, &hi), -1);
    season_clear(&s);
    /* irregular timestamps */
    assert_int_equal(season_init(&s, SEASON_AUTO), 0);
    for (size_t i = 0; i <= SEASON_PROBE; i++)
        season_observe(&s, T0 + (int64_t)(i * i) * 1000);
    assert_int_equal(s.period, 0);
    season_clear(&s);
    /* no timestamps */
    assert_int_equal(season_init(&s, SEASON_AUTO), 0);
    feed(&s, 0, 0);
    for (size_t i = 0; i <= SEASON_PROBE; i++)
        season_observe(&s, 0);
    assert_int_equal(s.period, 0);
    season_clear(&s);
    /* a spacing that does not divide a day (7 s), and one too fine (1 ms: 86.4M points) */
    assert_int_equal(season_init(&s, SEASON_AUTO), 0);
    feed(&s, SEASON_PROBE + 1, 7000);
    assert_int_equal(s.period, 0);
    season_clear(&s);
    assert_int_equal(season_init(&s, SEASON_AUTO), 0);
    feed(&s, SEASON_PROBE + 1, 1);
    assert_int_equal(s.period, 0);
    season_clear(&s);
}

static void test_fixed_period_and_bounds(void **state) {
    struct season s;
    (void)state;
    assert_int_equal(season_init(&s, 96), 0);
    assert_int_equal(s.period, 96);
    assert_int_equal(s.span, 1); /* a quarter hour of a 96-point day */
    season_clear(&s);
    assert_int_equal(season_init(&s, 1), -1);
    season_clear(&s);
    assert_int_equal(season_init(&s, SEASON_PERIOD_MAX + 1), -1);
    season_clear(&s);
    assert_int_equal(season_init(&s, SEASON_PERIOD_MAX), 0);
    assert_int_equal(s.span, SEASON_PERIOD_MAX / 96);
    season_clear(&s);
}

static void test_outside(void **state) {
    (void)state;
    assert_true(season_outside(5, 1, 3) == 2);
    assert_true(season_outside(-1, 1, 3) == -2);
    assert_true(season_outside(2, 1, 3) == 0);
    assert_true(season_outside(3, 1, 3) == 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auto_period_from_timestamps),
        cmocka_unit_test(test_range_around_yesterday),
        cmocka_unit_test(test_no_season),
        cmocka_unit_test(test_fixed_period_and_bounds),
        cmocka_unit_test(test_outside),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

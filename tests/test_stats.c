/* test_stats.c - stats.h: rolling mean and population standard deviation against a naive
 * two-pass reference, offsets, outliers leaving the window, and the edge cases. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "rng.h"
#include "stats.h"

#define STATS_TEST_N 10000      /* values per reference run */
#define STATS_TEST_REL 1e-9     /* agreement with the reference, relative */
#define STATS_TEST_LONG 150000  /* pushes in the long run, past STATS_RESYNC */

#define assert_rel(got, want, rel)                                                                 \
    do {                                                                                           \
        double rel_got_ = (got), rel_want_ = (want);                                               \
        if (!(fabs(rel_got_ - rel_want_) <= (rel) * fabs(rel_want_)))                              \
            fail_msg("%s = %.17g, expected %.17g (relative %g)", #got, rel_got_, rel_want_,        \
                     (double)(rel));                                                               \
    } while (0)

/* Two passes over v[0..n): the textbook mean and population standard deviation. */
static void stats_reference(const double *v, size_t n, double *mean, double *std) {
    double sum = 0, m2 = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    *mean = sum / (double)n;
    for (size_t i = 0; i < n; i++)
        m2 += (v[i] - *mean) * (v[i] - *mean);
    *std = n < 2 ? 0 : sqrt(m2 / (double)n);
}

enum stats_data { DATA_UNIFORM, DATA_RESPONSE, DATA_OFFSET };

static double stats_draw(struct rng *r, enum stats_data kind) {
    switch (kind) {
    case DATA_UNIFORM:
        return rng_uniform(r) * 1000.0;
    case DATA_RESPONSE:
        return 200.0 + 2.5 * rng_normal(r);
    case DATA_OFFSET:
        return 1e9 + rng_normal(r);
    }
    return 0;
}

/* Pushes STATS_TEST_N seeded values and compares with the reference after every push. */
static void stats_run_vs_reference(size_t window, enum stats_data kind, uint64_t seed,
                                   double mean_rel, double std_rel) {
    static double v[STATS_TEST_N];
    struct stats s;
    struct rng r;

    rng_seed(&r, seed);
    assert_int_equal(stats_init(&s, window), 0);
    for (size_t i = 0; i < STATS_TEST_N; i++) {
        size_t n = i + 1 < window ? i + 1 : window;
        double mean, std;
        v[i] = stats_draw(&r, kind);
        stats_push(&s, v[i]);
        stats_reference(v + i + 1 - n, n, &mean, &std);
        assert_int_equal(stats_len(&s), n);
        assert_int_equal(stats_full(&s), n == window);
        assert_rel(stats_mean(&s), mean, mean_rel);
        if (std == 0)
            assert_true(stats_stddev(&s) == 0);
        else
            assert_rel(stats_stddev(&s), std, std_rel);
    }
    stats_clear(&s);
}

static void test_reference_uniform(void **state) {
    static const size_t windows[] = {1, 2, 25, 1000};
    (void)state;
    for (size_t w = 0; w < sizeof windows / sizeof windows[0]; w++)
        stats_run_vs_reference(windows[w], DATA_UNIFORM, 1 + w, STATS_TEST_REL, STATS_TEST_REL);
}

static void test_reference_response_times(void **state) {
    static const size_t windows[] = {1, 2, 25, 1000};
    (void)state;
    for (size_t w = 0; w < sizeof windows / sizeof windows[0]; w++)
        stats_run_vs_reference(windows[w], DATA_RESPONSE, 100 + w, STATS_TEST_REL,
                               STATS_TEST_REL);
}

/* 1e9 + N(0, 1): the values themselves resolve the noise only to ulp(1e9) = 1.2e-7 of its SD, so
 * the std is held to 1e-6 relative and the mean to 1e-12. */
static void test_huge_offset(void **state) {
    static const size_t windows[] = {25, 1000};
    (void)state;
    for (size_t w = 0; w < sizeof windows / sizeof windows[0]; w++)
        stats_run_vs_reference(windows[w], DATA_OFFSET, 200 + w, 1e-12, 1e-6);
}

/* A huge value entering and leaving the window must not leave rounding debris behind. */
static void test_outlier_leaves_no_trace(void **state) {
    static const double v[] = {1, 2, 3, 4, 1e12, 1, 2, 3, 4};
    struct stats s;
    (void)state;
    assert_int_equal(stats_init(&s, 4), 0);
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        stats_push(&s, v[i]);
    assert_true(stats_mean(&s) == 2.5);
    assert_rel(stats_stddev(&s), sqrt(1.25), 1e-15);
    stats_push(&s, 5);
    assert_true(stats_mean(&s) == 3.5);
    assert_rel(stats_stddev(&s), sqrt(1.25), 1e-15);
    stats_clear(&s);
}

static void test_hand_computed(void **state) {
    struct stats s;
    (void)state;
    assert_int_equal(stats_init(&s, 3), 0);
    assert_true(stats_mean(&s) == 0); /* empty */
    assert_true(stats_stddev(&s) == 0);
    stats_push(&s, 2);
    assert_true(stats_mean(&s) == 2);
    assert_true(stats_stddev(&s) == 0); /* len < 2 */
    stats_push(&s, 4);
    assert_true(stats_mean(&s) == 3);
    assert_true(stats_stddev(&s) == 1);
    stats_push(&s, 6);
    assert_true(stats_mean(&s) == 4);
    assert_rel(stats_stddev(&s), sqrt(8.0 / 3.0), 1e-15);
    stats_push(&s, 8); /* 2 leaves */
    assert_true(stats_mean(&s) == 6);
    assert_rel(stats_stddev(&s), sqrt(8.0 / 3.0), 1e-15);
    stats_push(&s, -10);
    assert_rel(stats_mean(&s), 4.0 / 3.0, 1e-15);
    assert_rel(stats_stddev(&s), sqrt(((6 - 4.0 / 3) * (6 - 4.0 / 3) + (8 - 4.0 / 3) * (8 - 4.0 / 3) +
                                       (-10 - 4.0 / 3) * (-10 - 4.0 / 3)) /
                                      3),
               1e-14);
    stats_clear(&s);
}

static void test_constant_series(void **state) {
    struct stats s;
    (void)state;
    assert_int_equal(stats_init(&s, 25), 0);
    for (int i = 0; i < 500; i++) {
        stats_push(&s, 3.7);
        assert_true(stats_mean(&s) == 3.7);
        assert_true(stats_stddev(&s) == 0);
    }
    stats_clear(&s);
}

static void test_init_bounds(void **state) {
    struct stats s, before;
    (void)state;
    memset(&s, 0x33, sizeof s);
    before = s;
    assert_int_equal(stats_init(&s, 0), -1);
    assert_memory_equal(&s, &before, sizeof s);
    assert_int_equal(stats_init(&s, STATS_WINDOW_MAX + 1), -1);
    assert_memory_equal(&s, &before, sizeof s);
    assert_int_equal(stats_init(&s, 1), 0);
    assert_int_equal(stats_len(&s), 0);
    stats_clear(&s);
    assert_int_equal(stats_init(&s, STATS_WINDOW_MAX), 0);
    assert_int_equal(s.ring.cap, STATS_WINDOW_MAX);
    stats_clear(&s);
}

static void test_reset_and_clear(void **state) {
    struct stats s;
    (void)state;
    assert_int_equal(stats_init(&s, 3), 0);
    stats_push(&s, 100);
    stats_push(&s, 200);
    stats_reset(&s);
    assert_int_equal(stats_len(&s), 0);
    assert_true(stats_mean(&s) == 0);
    stats_push(&s, 1);
    stats_push(&s, 3);
    assert_true(stats_mean(&s) == 2);
    assert_true(stats_stddev(&s) == 1);
    stats_clear(&s);
    assert_int_equal(stats_len(&s), 0);
    assert_true(stats_mean(&s) == 0);
    stats_clear(&s); /* twice is safe */
}

/* Past STATS_RESYNC pushes the values still agree with the reference. */
static void test_long_run(void **state) {
    enum { W = 1000, CHECK_EVERY = 997 };
    static double v[STATS_TEST_LONG];
    struct stats s;
    struct rng r;
    (void)state;
    rng_seed(&r, 31337);
    assert_int_equal(stats_init(&s, W), 0);
    for (size_t i = 0; i < STATS_TEST_LONG; i++) {
        v[i] = stats_draw(&r, DATA_UNIFORM);
        stats_push(&s, v[i]);
        if (i >= W && (i % CHECK_EVERY == 0 || i == STATS_RESYNC || i == STATS_TEST_LONG - 1)) {
            double mean, std;
            stats_reference(v + i + 1 - W, W, &mean, &std);
            assert_rel(stats_mean(&s), mean, STATS_TEST_REL);
            assert_rel(stats_stddev(&s), std, STATS_TEST_REL);
        }
    }
    stats_clear(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_uniform),
        cmocka_unit_test(test_reference_response_times),
        cmocka_unit_test(test_huge_offset),
        cmocka_unit_test(test_outlier_leaves_no_trace),
        cmocka_unit_test(test_hand_computed),
        cmocka_unit_test(test_constant_series),
        cmocka_unit_test(test_init_bounds),
        cmocka_unit_test(test_reset_and_clear),
        cmocka_unit_test(test_long_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_mad.c - mad.h: rolling median, MAD, and nearest-rank quantiles of the values and of the
 * deviations against a brute-force reference (sort the window) on seeded random windows of
 * sizes 1, 2, 3, 10 and 1000, with continuous and heavily duplicated values; hand-computed odd
 * and even windows, MAD 0 on duplicates, the window sliding, empty windows and bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mad.h"
#include "rng.h"

#define MAD_TEST_WIN_MAX 1000 /* largest window of the reference runs */
#define MAD_TEST_EPS 1e-12    /* same arithmetic as the reference: equal up to rounding */

/* cmocka 1.1's assert_float_equal compares as float; these are doubles. */
#define assert_double_near(got, want, eps)                                                         \
    do {                                                                                           \
        double near_got_ = (got), near_want_ = (want);                                             \
        if (!(near_got_ == near_want_ || fabs(near_got_ - near_want_) <= (eps)))                   \
            fail_msg("%s = %.17g, expected %.17g (within %g)", #got, near_got_, near_want_,        \
                     (double)(eps));                                                               \
    } while (0)

static int mad_test_cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double mad_ref_median_sorted(const double *s, size_t n) {
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* The reference: sorts a copy of v[0..n) and answers median, MAD and quantiles from it. */
struct mad_ref {
    double sorted[MAD_TEST_WIN_MAX], dev[MAD_TEST_WIN_MAX];
    size_t n;
    double median, mad;
};

static void mad_ref_compute(struct mad_ref *r, const double *v, size_t n) {
    memcpy(r->sorted, v, n * sizeof v[0]);
    qsort(r->sorted, n, sizeof r->sorted[0], mad_test_cmp);
    r->n = n;
    r->median = mad_ref_median_sorted(r->sorted, n);
    for (size_t i = 0; i < n; i++)
        r->dev[i] = fabs(v[i] - r->median);
    qsort(r->dev, n, sizeof r->dev[0], mad_test_cmp);
    r->mad = mad_ref_median_sorted(r->dev, n);
}

/* Nearest rank in sorted s[0..n): the smallest value with at least q * n values at or below it. */
static double mad_ref_rank(const double *s, size_t n, double q) {
    double rank = ceil(q * (double)n);
    if (rank < 1)
        rank = 1;
    if (rank > (double)n)
        rank = (double)n;
    return s[(size_t)rank - 1];
}

static double mad_ref_quantile(const struct mad_ref *r, double q) {
    return mad_ref_rank(r->sorted, r->n, q);
}

static double mad_ref_dev_quantile(const struct mad_ref *r, double q) {
    return mad_ref_rank(r->dev, r->n, q);
}

enum mad_test_data { MAD_DATA_NORMAL, MAD_DATA_COARSE };

static double mad_test_draw(struct rng *g, enum mad_test_data kind) {
    if (kind == MAD_DATA_NORMAL)
        return 50.0 + 10.0 * rng_normal(g);
    return (double)(rng_next(g) % 6); /* six values: long runs of equal keys */
}

/* Pushes 3 * cap + 7 values and compares with the reference every `every` pushes. */
static void mad_run_vs_reference(size_t cap, enum mad_test_data kind, uint64_t seed,
                                 size_t every) {
    static const double qs[] = {-0.5, 0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1, 1.5};
    static const double dev_qs[] = {0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99};
    static double hist[4 * MAD_TEST_WIN_MAX];
    static struct mad_ref ref;
    size_t total = 3 * cap + 7;
    struct mad m;
    struct rng g;

    assert_true(cap <= MAD_TEST_WIN_MAX);
    rng_seed(&g, seed);
    assert_int_equal(mad_init(&m, cap), 0);
    for (size_t i = 0; i < total; i++) {
        size_t n = i + 1 < cap ? i + 1 : cap;
        hist[i] = mad_test_draw(&g, kind);
        mad_push(&m, hist[i]);
        assert_int_equal(mad_len(&m), n);
        assert_int_equal(mad_full(&m), n == cap);
        if (i % every != 0 && i + 1 != total)
            continue;
        mad_ref_compute(&ref, &hist[i + 1 - n], n);
        assert_double_near(mad_median(&m), ref.median, MAD_TEST_EPS);
        assert_double_near(mad_mad(&m), ref.mad, MAD_TEST_EPS);
        for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++)
            assert_double_near(mad_quantile(&m, qs[k]), mad_ref_quantile(&ref, qs[k]), 0);
        for (size_t k = 0; k < sizeof dev_qs / sizeof dev_qs[0]; k++)
            assert_double_near(mad_dev_quantile(&m, dev_qs[k]), mad_ref_dev_quantile(&ref, dev_qs[k]),
                               MAD_TEST_EPS);
        {
            double q = rng_uniform(&g);
            assert_double_near(mad_quantile(&m, q), mad_ref_quantile(&ref, q), 0);
            if (q > 0)
                assert_double_near(mad_dev_quantile(&m, q), mad_ref_dev_quantile(&ref, q),
                                   MAD_TEST_EPS);
        }
    }
    mad_clear(&m);
}

static void test_mad_reference_size_1(void **state) {
    (void)state;
    mad_run_vs_reference(1, MAD_DATA_NORMAL, 11, 1);
    mad_run_vs_reference(1, MAD_DATA_COARSE, 12, 1);
}

static void test_mad_reference_size_2(void **state) {
    (void)state;
    mad_run_vs_reference(2, MAD_DATA_NORMAL, 21, 1);
    mad_run_vs_reference(2, MAD_DATA_COARSE, 22, 1);
}

static void test_mad_reference_size_3(void **state) {
    (void)state;
    mad_run_vs_reference(3, MAD_DATA_NORMAL, 31, 1);
    mad_run_vs_reference(3, MAD_DATA_COARSE, 32, 1);
}

static void test_mad_reference_size_10(void **state) {
    (void)state;
    mad_run_vs_reference(10, MAD_DATA_NORMAL, 101, 1);
    mad_run_vs_reference(10, MAD_DATA_COARSE, 102, 1);
}

static void test_mad_reference_size_1000(void **state) {
    (void)state;
    mad_run_vs_reference(1000, MAD_DATA_NORMAL, 1001, 7);
    mad_run_vs_reference(1000, MAD_DATA_COARSE, 1002, 7);
}

static void test_mad_odd_and_even(void **state) {
    struct mad m;
    (void)state;

    assert_int_equal(mad_init(&m, 5), 0);
    mad_push(&m, 4);
    mad_push(&m, 1);
    mad_push(&m, 3);
    mad_push(&m, 2);
    /* even: {1,2,3,4}: median 2.5; deviations 1.5,0.5,0.5,1.5 */
    assert_double_near(mad_median(&m), 2.5, 0);
    assert_double_near(mad_mad(&m), 1.0, 0);
    mad_push(&m, 10);
    /* odd: {1,2,3,4,10}: median 3; deviations 2,1,0,1,7 */
    assert_double_near(mad_median(&m), 3.0, 0);
    assert_double_near(mad_mad(&m), 1.0, 0);
    mad_clear(&m);

    assert_int_equal(mad_init(&m, 2), 0);
    mad_push(&m, -1);
    assert_double_near(mad_median(&m), -1.0, 0);
    assert_double_near(mad_mad(&m), 0.0, 0);
    mad_push(&m, 2);
    /* {-1,2}: median 0.5; deviations 1.5,1.5 */
    assert_double_near(mad_median(&m), 0.5, 0);
    assert_double_near(mad_mad(&m), 1.5, 0);
    mad_clear(&m);
}

static void test_mad_duplicates_give_zero(void **state) {
    static const double odd[] = {7, 7, 100, 7, 7};      /* median 7; deviations 0,0,93,0,0 */
    static const double even[] = {7, 200, 7, 7, 100, 7}; /* median 7; 4 of 6 deviations 0 */
    struct mad m;
    (void)state;

    assert_int_equal(mad_init(&m, 5), 0);
    for (size_t i = 0; i < 5; i++)
        mad_push(&m, odd[i]);
    assert_double_near(mad_median(&m), 7.0, 0);
    assert_double_near(mad_mad(&m), 0.0, 0);
    mad_clear(&m);

    assert_int_equal(mad_init(&m, 6), 0);
    for (size_t i = 0; i < 6; i++)
        mad_push(&m, even[i]);
    assert_double_near(mad_median(&m), 7.0, 0);
    assert_double_near(mad_mad(&m), 0.0, 0);
    mad_reset(&m);
    for (int i = 0; i < 6; i++)
        mad_push(&m, 3.25);
    assert_double_near(mad_median(&m), 3.25, 0);
    assert_double_near(mad_mad(&m), 0.0, 0);
    mad_clear(&m);
}

static void test_mad_window_slides(void **state) {
    struct mad m;
    (void)state;

    assert_int_equal(mad_init(&m, 3), 0);
    mad_push(&m, 1);
    mad_push(&m, 2);
    assert_false(mad_full(&m));
    mad_push(&m, 3);
    assert_true(mad_full(&m));
    assert_double_near(mad_median(&m), 2.0, 0);
    assert_double_near(mad_mad(&m), 1.0, 0);
    mad_push(&m, 100); /* 1 leaves: {2,3,100}: median 3; deviations 1,0,97 */
    assert_int_equal(mad_len(&m), 3);
    assert_double_near(mad_median(&m), 3.0, 0);
    assert_double_near(mad_mad(&m), 1.0, 0);
    assert_double_near(mad_quantile(&m, 1), 100.0, 0);
    mad_push(&m, 101);
    mad_push(&m, 103); /* {100,101,103}: median 101; deviations 1,0,2 */
    assert_double_near(mad_median(&m), 101.0, 0);
    assert_double_near(mad_mad(&m), 1.0, 0);
    assert_double_near(mad_quantile(&m, 0), 100.0, 0);
    mad_push(&m, 103);
    mad_push(&m, 103);
    mad_push(&m, 103); /* the old values are all gone */
    assert_double_near(mad_median(&m), 103.0, 0);
    assert_double_near(mad_mad(&m), 0.0, 0);
    assert_double_near(mad_quantile(&m, 0), 103.0, 0);
    mad_clear(&m);
}

static void test_mad_quantile_nearest_rank(void **state) {
    static const struct {
        double q, want;
    } cases[] = {
        {-1, 10}, {0, 10},     {0.1, 10}, {0.25, 10}, {0.26, 20}, {0.5, 20},
        {0.51, 30}, {0.75, 30}, {0.76, 40}, {0.99, 40}, {1, 40},     {2, 40},
    };
    struct mad m;
    (void)state;

    assert_int_equal(mad_init(&m, 4), 0);
    mad_push(&m, 30);
    mad_push(&m, 10);
    mad_push(&m, 40);
    mad_push(&m, 20);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double got = mad_quantile(&m, cases[i].q);
        if (got != cases[i].want)
            fail_msg("q %g: got %g, expected %g", cases[i].q, got, cases[i].want);
    }
    mad_clear(&m);
}

/* {1,2,4,8,20}: median 4, sorted deviations 0,2,3,4,16. */
static void test_mad_dev_quantile_nearest_rank(void **state) {
    static const struct {
        double q, want;
    } cases[] = {
        {0.1, 0}, {0.2, 0}, {0.21, 2}, {0.4, 2}, {0.41, 3}, {0.5, 3},
        {0.6, 3}, {0.61, 4}, {0.8, 4}, {0.81, 16}, {0.99, 16},
    };
    static const double v[] = {8, 1, 20, 4, 2};
    struct mad m;
    (void)state;

    assert_int_equal(mad_init(&m, 5), 0);
    assert_double_near(mad_dev_quantile(&m, 0.5), 0, 0); /* empty */
    for (size_t i = 0; i < 5; i++)
        mad_push(&m, v[i]);
    assert_double_near(mad_mad(&m), 3, 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double got = mad_dev_quantile(&m, cases[i].q);
        if (got != cases[i].want)
            fail_msg("q %g: got %g, expected %g", cases[i].q, got, cases[i].want);
    }
    mad_clear(&m);
}

static void test_mad_empty_reset_bounds(void **state) {
    struct mad m;
    (void)state;

    assert_int_equal(mad_init(&m, 0), -1);
    assert_int_equal(mad_init(&m, 4), 0);
    assert_int_equal(mad_len(&m), 0);
    assert_false(mad_full(&m));
    assert_double_near(mad_median(&m), 0.0, 0);
    assert_double_near(mad_mad(&m), 0.0, 0);
    assert_double_near(mad_quantile(&m, 0.5), 0.0, 0);
    mad_push(&m, 5);
    mad_push(&m, 9);
    mad_reset(&m);
    assert_int_equal(mad_len(&m), 0);
    assert_double_near(mad_median(&m), 0.0, 0);
    assert_double_near(mad_mad(&m), 0.0, 0);
    /* usable again, with the whole capacity */
    for (int i = 1; i <= 6; i++)
        mad_push(&m, (double)i);
    assert_int_equal(mad_len(&m), 4);
    assert_double_near(mad_median(&m), 4.5, 0);
    assert_double_near(mad_mad(&m), 1.0, 0);
    assert_double_near(MAD_TO_SIGMA * mad_mad(&m), 1.4826, 1e-15);
    mad_clear(&m);
    mad_clear(&m); /* twice is safe */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mad_reference_size_1),
        cmocka_unit_test(test_mad_reference_size_2),
        cmocka_unit_test(test_mad_reference_size_3),
        cmocka_unit_test(test_mad_reference_size_10),
        cmocka_unit_test(test_mad_reference_size_1000),
        cmocka_unit_test(test_mad_odd_and_even),
        cmocka_unit_test(test_mad_duplicates_give_zero),
        cmocka_unit_test(test_mad_window_slides),
        cmocka_unit_test(test_mad_quantile_nearest_rank),
        cmocka_unit_test(test_mad_dev_quantile_nearest_rank),
        cmocka_unit_test(test_mad_empty_reset_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

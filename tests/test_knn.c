/* test_knn.c - the contextual detector: distances kept up to date incrementally equal the ones
 * computed from scratch; a shape never seen scores high and familiar ones do not; the daily
 * reference silences what happened yesterday at that time; degenerate spreads stay finite; the
 * AVX2 passes score exactly as the portable ones. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "knn.h"
#include "rng.h"

/* D(l) from scratch over the values v[0..n) (v[n-1] newest), lag l, pattern length L. */
static double brute(const double *v, size_t n, size_t L, size_t lag) {
    double s = 0;
    for (size_t i = 0; i < L; i++) {
        double e = v[n - 1 - i] - v[n - 1 - lag - i];
        s += e * e;
    }
    return s;
}

static void test_incremental_equals_brute(void **state) {
    static double v[3000];
    struct knn k;
    struct knn_result r;
    struct rng g;
    (void)state;
    rng_seed(&g, 5);
    assert_int_equal(knn_init(&k, 8, 100, 500), 0);
    for (size_t n = 1; n <= 1500; n++) { /* past KNN_EXACT, so both paths are exercised */
        v[n - 1] = 1e6 + 50 * rng_normal(&g);
        knn_push(&k, v[n - 1], 10, 1e-9, 0, NULL, &r);
        if (n % 97 == 0 || n == 1023 || n == 1024 || n == 1025 || n == 1500) {
            size_t valid = n >= 2 * 8 ? n - 2 * 8 + 1 : 0;
            if (valid > 100)
                valid = 100;
            for (size_t j = 0; j < valid; j++) {
                double want = brute(v, n, 8, 8 + j), got = k.d[100 - 1 - j];
                if (!(fabs(got - want) <= 1e-7 * (want + 1)))
                    fail_msg("n %zu lag %zu: incremental %.17g, brute %.17g", n, 8 + j, got,
                             want);
            }
        }
    }
    knn_clear(&k);
}

/* A repeating shape (a short sawtooth plus noise) is familiar; a bump it never had is not. */
static void test_unseen_shape(void **state) {
    struct knn k;
    struct knn_result r;
    struct rng g;
    double worst_familiar = 0, bump = 0;
    (void)state;
    rng_seed(&g, 9);
    assert_int_equal(knn_init(&k, 16, 1000, 1000), 0);
    for (size_t i = 0; i < 3000; i++) {
        double x = (double)(i % 10) + 0.2 * rng_normal(&g);
        if (i == 2500)
            x += 30; /* never seen */
        knn_push(&k, x, 200, 1e-9, 0, NULL, &r);
        if (i >= 2500 && i < 2516)
            bump = r.score > bump ? r.score : bump;
        else if (r.ready && i > 1500)
            worst_familiar = r.score > worst_familiar ? r.score : worst_familiar;
    }
    if (!(bump > 10))
        fail_msg("the unseen bump scored %g", bump);
    if (!(worst_familiar < 4))
        fail_msg("a familiar shape scored %g", worst_familiar);
    knn_clear(&k);
}

/* With yesterday's range covering the value, the score is 0 whatever the distance. */
static void test_daily_reference_silences(void **state) {
    struct knn a, b;
    struct knn_result ra, rb;
    struct rng g;
    const double range[2] = {0, 100};
    (void)state;
    rng_seed(&g, 3);
    assert_int_equal(knn_init(&a, 8, 200, 200), 0);
    assert_int_equal(knn_init(&b, 8, 200, 200), 0);
    for (size_t i = 0; i < 600; i++) {
        double x = 10 + rng_normal(&g) + (i == 550 ? 50 : 0);
        knn_push(&a, x, 50, 1e-9, 0, NULL, &ra);
        knn_push(&b, x, 50, 1e-9, 0, range, &rb);
        if (i == 550) {
            assert_true(ra.score > 4);
            assert_true(rb.ready);
            assert_true(rb.score == 0);
            assert_true(rb.distance == ra.distance); /* measured the same, just not news */
        }
    }
    knn_clear(&a);
    knn_clear(&b);
}

/* Alternating values make MAD 0; the spread falls back to the tail of the deviations and
 * every score stays finite and small. */
static void test_degenerate_spread(void **state) {
    struct knn k;
    struct knn_result r;
    (void)state;
    assert_int_equal(knn_init(&k, 16, 300, 301), 0);
    for (size_t i = 0; i < 2000; i++) {
        knn_push(&k, i % 2 ? 3 : 1, 50, 1e-9, 0, NULL, &r);
        assert_true(isfinite(r.score));
        if (r.ready && !(r.score < 1))
            fail_msg("point %zu of alternating values scored %g", i, r.score);
    }
    assert_true(k.spread > 0);
    knn_clear(&k);
}

static void test_determinism_and_bounds(void **state) {
    struct knn a, b;
    struct knn_result ra, rb;
    struct rng g;
    (void)state;
    rng_seed(&g, 1);
    assert_int_equal(knn_init(&a, 12, 400, 400), 0);
    assert_int_equal(knn_init(&b, 12, 400, 400), 0);
    for (size_t i = 0; i < 1000; i++) {
        double x = rng_normal(&g);
        knn_push(&a, x, 100, 1e-9, 0, NULL, &ra);
        knn_push(&b, x, 100, 1e-9, 0, NULL, &rb);
        assert_memory_equal(&ra, &rb, sizeof ra);
    }
    knn_clear(&a);
    knn_clear(&b);
    assert_int_equal(knn_init(&a, 1, 100, 100), -1);
    assert_int_equal(knn_init(&a, KNN_LEN_MAX + 1, 100, 100), -1);
    assert_int_equal(knn_init(&a, 8, KNN_K - 1, 100), -1);
    assert_int_equal(knn_init(&a, 8, KNN_MEMORY_MAX + 1, 100), -1);
    assert_int_equal(knn_init(&a, 8, 100, 1), -1);
    assert_int_equal(knn_init(&a, 2, KNN_K, 2), 0);
    assert_int_equal(a.cap, 2 * 2 + KNN_K);
    knn_clear(&a);
    knn_clear(&a);
}

/* The two-lane and the AVX2 passes give bit-identical scores (run where AVX2 exists). */
static void test_wide_equals_portable(void **state) {
    static struct knn_result want[6000];
    struct knn k;
    struct knn_result r;
    struct rng g;
    (void)state;
    if (!knn_set_portable(1))
        skip();
    for (int wide = 0; wide < 2; wide++) {
        knn_set_portable(!wide);
        rng_seed(&g, 11);
        assert_int_equal(knn_init(&k, 16, 1000, 1000), 0);
        for (size_t i = 0; i < 6000; i++) {
            /* a rhythm, noise, and now and then a burst */
            double x = 10 * sin((double)i / 7) + rng_normal(&g) + (i % 997 < 5 ? 40 : 0);
            knn_push(&k, x, 200, 1e-9, 0, NULL, &r);
            if (!wide)
                want[i] = r;
            else
                assert_memory_equal(&r, &want[i], sizeof r);
        }
        knn_clear(&k);
    }
    knn_set_portable(0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_incremental_equals_brute),
        cmocka_unit_test(test_unseen_shape),
        cmocka_unit_test(test_daily_reference_silences),
        cmocka_unit_test(test_degenerate_spread),
        cmocka_unit_test(test_determinism_and_bounds),
        cmocka_unit_test(test_wide_equals_portable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

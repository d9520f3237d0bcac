/* test_hst.c - hst.h: half-space trees. Init bounds (h untouched on failure), node counts and
 * counter arrays sized from trees and depth (mass conserved from root to leaves), no verdict
 * before the third window, the same seed giving identical scores, an outlier far from a tight
 * cluster scoring above the cluster's points, and the mass floor the node-size limit implies. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hst.h"
#include "rng.h"

#define HST_TEST_MEASURE_WARMUP 50 /* hst.c's HST_MEASURE_WARMUP: measures before a score */
#define HST_TEST_TREES 25
#define HST_TEST_DEPTH 8
#define HST_TEST_WINDOW 100
#define HST_TEST_OUTLIER_WINDOW 250 /* the hst default window */

/* cmocka 1.1's assert_float_equal compares as float; these are doubles. */
#define assert_double_near(got, want, eps)                                                         \
    do {                                                                                           \
        double near_got_ = (got), near_want_ = (want);                                             \
        if (!(near_got_ == near_want_ || fabs(near_got_ - near_want_) <= (eps)))                   \
            fail_msg("%s = %.17g, expected %.17g (within %g)", #got, near_got_, near_want_,        \
                     (double)(eps));                                                               \
    } while (0)

static void test_hst_init_bounds(void **state) {
    static const struct {
        unsigned trees, depth;
        size_t window;
        int rc;
    } cases[] = {
        {0, 8, 100, -1},
        {HST_TREES_MAX + 1, 8, 100, -1},
        {25, 0, 100, -1},
        {25, HST_DEPTH_MAX + 1, 100, -1},
        {25, 8, 0, -1},
        {25, 8, 1, -1},
        {25, 8, HST_WINDOW_MAX + 1, -1},
        {1, 1, 2, 0},
        {HST_TREES_MAX, HST_DEPTH_MAX, HST_WINDOW_MAX, 0},
    };
    (void)state;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct hst h, before;
        int rc;
        memset(&h, 0xab, sizeof h);
        memcpy(&before, &h, sizeof h);
        rc = hst_init(&h, cases[i].trees, cases[i].depth, cases[i].window, 1);
        if (rc != cases[i].rc)
            fail_msg("case %zu (%u trees, depth %u, window %zu): rc %d", i, cases[i].trees,
                     cases[i].depth, cases[i].window, rc);
        if (rc == 0) {
            assert_int_equal(h.trees, cases[i].trees);
            assert_int_equal(h.depth, cases[i].depth);
            assert_int_equal(h.window, cases[i].window);
            assert_int_equal(h.filled, 0);
            assert_int_equal(h.have_ref, 0);
            hst_clear(&h);
            assert_null(h.r);
            assert_null(h.l);
            hst_clear(&h); /* twice is safe */
        } else {
            assert_memory_equal(&h, &before, sizeof h); /* untouched */
        }
    }
}

/* Nodes per tree are 2^(depth+1) - 1; each tree's reference counts hold `window` points at the
 * root and the same total on the deepest level, across the whole T * nodes array. */
static void test_hst_memory_sizes(void **state) {
    static const struct {
        unsigned trees, depth;
        size_t nodes;
    } cases[] = {
        {1, 1, 3}, {2, 3, 15}, {25, 8, 511}, {7, 10, 2047}, {HST_TREES_MAX, HST_DEPTH_MAX, 8191},
    };
    (void)state;

    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct hst h;
        struct hst_result res;
        struct rng g;
        size_t window = 40;
        rng_seed(&g, c + 1);
        assert_int_equal(hst_init(&h, cases[c].trees, cases[c].depth, window, 9), 0);
        assert_int_equal(h.nodes, cases[c].nodes);
        for (size_t i = 0; i < 2 * window; i++)
            hst_push(&h, rng_uniform(&g), &res);
        assert_int_equal(h.have_ref, 2);
        assert_int_equal(h.filled, 0);
        for (unsigned t = 0; t < h.trees; t++) {
            const uint16_t *r = h.r + (size_t)t * h.nodes;
            size_t leaves = 0, first_leaf = ((size_t)1 << h.depth) - 1;
            assert_int_equal(r[0], window);
            for (size_t k = first_leaf; k < h.nodes; k++)
                leaves += r[k];
            assert_int_equal(leaves, window);
            for (size_t k = 0; k < h.nodes; k++) /* the new window starts empty */
                assert_int_equal(h.l[(size_t)t * h.nodes + k], 0);
        }
        hst_clear(&h);
    }
}

/* Window 1 learns the scaling, window 2 the masses; measures from window 3, scores once
 * HST_TEST_MEASURE_WARMUP measures are known. */
static void hst_check_ready_from(size_t window) {
    struct hst h;
    struct hst_result res;
    struct rng g;
    size_t first = 2 * window + HST_TEST_MEASURE_WARMUP;

    rng_seed(&g, 44);
    assert_int_equal(hst_init(&h, HST_TEST_TREES, HST_TEST_DEPTH, window, 3), 0);
    for (size_t i = 0; i < first + 3 * window; i++) {
        hst_push(&h, 5 + rng_normal(&g), &res);
        if (i < 2 * window) {
            assert_false(res.ready);
            assert_double_near(res.score, 0, 0);
            assert_double_near(res.measure, 0, 0);
        } else {
            assert_int_equal(res.ready, i >= first);
            assert_true(res.measure < 0); /* -log2(mean mass + 1) with mass > 0 */
        }
        assert_int_equal(h.have_ref, i + 1 < window ? 0 : i + 1 < 2 * window ? 1 : 2);
    }
    hst_clear(&h);
}

static void test_hst_no_verdict_before_third_window(void **state) {
    (void)state;
    hst_check_ready_from(HST_TEST_WINDOW);
    hst_check_ready_from(20);
}

static void test_hst_seeded_determinism(void **state) {
    struct hst a, b, c;
    struct rng g;
    int differ = 0, scored = 0;
    (void)state;

    assert_int_equal(hst_init(&a, HST_TEST_TREES, HST_TEST_DEPTH, HST_TEST_WINDOW, 12345), 0);
    assert_int_equal(hst_init(&b, HST_TEST_TREES, HST_TEST_DEPTH, HST_TEST_WINDOW, 12345), 0);
    assert_int_equal(hst_init(&c, HST_TEST_TREES, HST_TEST_DEPTH, HST_TEST_WINDOW, 54321), 0);
    rng_seed(&g, 5);
    for (int i = 0; i < 1000; i++) {
        struct hst_result ra, rb, rc;
        double x = 100 + 10 * rng_normal(&g) + (i % 97 == 0 ? 80 : 0);
        hst_push(&a, x, &ra);
        hst_push(&b, x, &rb);
        hst_push(&c, x, &rc);
        assert_int_equal(ra.ready, rb.ready);
        assert_memory_equal(&ra.score, &rb.score, sizeof ra.score); /* bit for bit */
        assert_memory_equal(&ra.measure, &rb.measure, sizeof ra.measure);
        scored += ra.ready;
        differ += ra.measure != rc.measure;
    }
    assert_memory_equal(a.r, b.r, a.trees * a.nodes * sizeof a.r[0]);
    assert_memory_equal(a.l, b.l, a.trees * a.nodes * sizeof a.l[0]);
    assert_int_equal(scored, 1000 - 2 * HST_TEST_WINDOW - HST_TEST_MEASURE_WARMUP);
    assert_true(differ > 0); /* another seed, other trees */
    hst_clear(&a);
    hst_clear(&b);
    hst_clear(&c);
}

static int hst_test_cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A tight cluster for six windows, then a point 1000 SDs away: its measure is above the
 * cluster's median, its score above the threshold-like 3, and at most 1 cluster point in 25 of
 * the last window scored as high. */
static void test_hst_outlier_scores_higher(void **state) {
    static const uint64_t seeds[] = {1, 2, 3, 77};
    static double scores[HST_TEST_OUTLIER_WINDOW], measures[HST_TEST_OUTLIER_WINDOW];
    (void)state;

    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        struct hst h;
        struct hst_result res;
        struct rng g;
        size_t m = 0, as_high = 0;

        rng_seed(&g, 1000 + s);
        assert_int_equal(hst_init(&h, HST_TEST_TREES, HST_TEST_DEPTH, HST_TEST_OUTLIER_WINDOW,
                                  seeds[s]),
                         0);
        for (int i = 0; i < 6 * HST_TEST_OUTLIER_WINDOW; i++) {
            hst_push(&h, 10 + 0.01 * rng_normal(&g), &res);
            if (i >= 5 * HST_TEST_OUTLIER_WINDOW) {
                assert_true(res.ready);
                scores[m] = res.score;
                measures[m++] = res.measure;
            }
        }
        hst_push(&h, 20, &res);
        assert_true(res.ready);
        for (size_t i = 0; i < m; i++)
            as_high += scores[i] >= res.score;
        qsort(measures, m, sizeof measures[0], hst_test_cmp);
        if (!(res.score > 3 && res.measure > measures[m / 2] && as_high <= m / 25))
            fail_msg("seed %llu: outlier score %g measure %g; cluster median measure %g, %zu "
                     "cluster points scored as high",
                     (unsigned long long)seeds[s], res.score, res.measure, measures[m / 2],
                     as_high);
        hst_clear(&h);
    }
}

/* Every tree's term is r of a node holding at least window/10 points, times 2^k >= 1: the mean
 * mass is at least window/10, so no measure exceeds -log2(window/10 + 1), not even an outlier's
 * whose path leaves the reference points at once. */
static void test_hst_mass_floor(void **state) {
    struct hst h;
    struct hst_result res;
    struct rng g;
    double ceiling = -log2((double)(HST_TEST_WINDOW / 10) + 1);
    int measured = 0;
    (void)state;

    rng_seed(&g, 8);
    assert_int_equal(hst_init(&h, 1, HST_TEST_DEPTH, HST_TEST_WINDOW, 4), 0);
    for (int i = 0; i < 5 * HST_TEST_WINDOW; i++) {
        double x = i % 50 == 49 ? 1e6 : 3 + rng_normal(&g); /* now and then far away */
        hst_push(&h, x, &res);
        if (i >= 2 * HST_TEST_WINDOW) {
            if (!(res.measure <= ceiling))
                fail_msg("point %d (x %g): measure %.17g above %.17g", i, x, res.measure,
                         ceiling);
            measured++;
        }
    }
    assert_int_equal(measured, 3 * HST_TEST_WINDOW);
    hst_clear(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hst_init_bounds),
        cmocka_unit_test(test_hst_memory_sizes),
        cmocka_unit_test(test_hst_no_verdict_before_third_window),
        cmocka_unit_test(test_hst_seeded_determinism),
        cmocka_unit_test(test_hst_outlier_scores_higher),
        cmocka_unit_test(test_hst_mass_floor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

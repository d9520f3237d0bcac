/* test_metrics.c - metrics.h: precision, recall and F1 with their zero divisions, spike size
 * buckets, point counts on a hand-made run, labelled windows (detections, false alarms, flags,
 * delay, probation) and the NAB-style score: a perfect detector scores 100, a silent one 0,
 * earlier is better, and a false alarm costs less than a missed window. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "metrics.h"

#define MT_EPS 1e-12
#define MT_ROWS 200

/* cmocka 1.1's assert_float_equal compares as float; these are doubles. */
#define assert_double_near(got, want, eps)                                                         \
    do {                                                                                           \
        double near_got_ = (got), near_want_ = (want);                                             \
        if (!(near_got_ == near_want_ || fabs(near_got_ - near_want_) <= (eps)))                   \
            fail_msg("%s = %.17g, expected %.17g (within %g)", #got, near_got_, near_want_,        \
                     (double)(eps));                                                               \
    } while (0)

/* The standard profile's sigmoid, written out: 2 / (1 + e^(5y)) - 1. */
static double mt_sigmoid(double y) { return 2.0 / (1.0 + exp(5.0 * y)) - 1.0; }

static void test_metrics_ratios(void **state) {
    (void)state;
    assert_double_near(metrics_precision(0, 0), 0, 0);
    assert_double_near(metrics_precision(0, 5), 0, 0);
    assert_double_near(metrics_precision(3, 0), 1, 0);
    assert_double_near(metrics_precision(3, 1), 0.75, 0);
    assert_double_near(metrics_recall(0, 0), 0, 0);
    assert_double_near(metrics_recall(0, 4), 0, 0);
    assert_double_near(metrics_recall(1, 3), 0.25, 0);
    assert_double_near(metrics_recall(7, 0), 1, 0);
    assert_double_near(metrics_f1(0, 0), 0, 0);
    assert_double_near(metrics_f1(0, 0.7), 0, 0);
    assert_double_near(metrics_f1(1, 1), 1, 0);
    assert_double_near(metrics_f1(0.5, 1), 2.0 / 3.0, MT_EPS);
    assert_double_near(metrics_f1(0.75, 0.25), 0.375, MT_EPS);
}

static void test_metrics_size_buckets(void **state) {
    static const struct {
        double sds;
        int bucket;
    } cases[] = {
        {-1, 0}, {0, 0}, {1.999, 0}, {2, 1}, {3.999, 1}, {4, 2}, {7.999, 2}, {8, 3}, {1e9, 3},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (metrics_size_bucket(cases[i].sds) != cases[i].bucket)
            fail_msg("%g SDs: bucket %d, expected %d", cases[i].sds,
                     metrics_size_bucket(cases[i].sds), cases[i].bucket);
}

static void test_metrics_points_add(void **state) {
    /*                               0  1  2  3  4  5  6  7  8  9 */
    static const unsigned char flag[] = {1, 0, 1, 1, 0, 0, 1, 0, 1, 0};
    static const unsigned char label[] = {1, 1, 0, 1, 1, 0, 0, 0, 1, 0};
    static const unsigned char steady[] = {1, 1, 1, 0, 1, 1, 0, 1, 1, 1};
    static const double size[] = {9, 1.5, 0, 3, 5, 0, 0, 0, 2, 0};
    struct metrics_points m;
    (void)state;

    memset(&m, 0, sizeof m);
    metrics_points_add(&m, 10, flag, label, steady, size);
    /* spikes 0,1,3,4,8: flagged 0,3,8; missed 1,4 */
    assert_int_equal(m.tp, 3);
    assert_int_equal(m.fn, 2);
    /* non-spikes 2,5,6,7,9: flagged 2,6 */
    assert_int_equal(m.fp, 2);
    /* steady non-spikes 2,5,7,9 (6 is not steady): flagged 2 */
    assert_int_equal(m.steady, 4);
    assert_int_equal(m.steady_fp, 1);
    /* sizes: 1.5 -> <2; 3, 2 -> 2-4; 5 -> 4-8; 9 -> >=8 */
    assert_int_equal(m.by_size[0], 1);
    assert_int_equal(m.by_size[1], 2);
    assert_int_equal(m.by_size[2], 1);
    assert_int_equal(m.by_size[3], 1);
    assert_int_equal(m.hit_by_size[0], 0);
    assert_int_equal(m.hit_by_size[1], 2);
    assert_int_equal(m.hit_by_size[2], 0);
    assert_int_equal(m.hit_by_size[3], 1);
    /* a second run adds up */
    metrics_points_add(&m, 10, flag, label, steady, size);
    assert_int_equal(m.tp, 6);
    assert_int_equal(m.fp, 4);
    assert_int_equal(m.fn, 4);
    assert_int_equal(m.steady, 8);
    assert_int_equal(m.hit_by_size[1], 4);
    assert_double_near(metrics_precision(m.tp, m.fp), 0.6, MT_EPS);
    assert_double_near(metrics_recall(m.tp, m.fn), 0.6, MT_EPS);
}

/* Adds one series of MT_ROWS rows with flags at the given rows. */
static void mt_windows(struct metrics_windows *m, const size_t *flags, size_t nflags,
                       const struct metrics_window *w, size_t nw, size_t probation) {
    unsigned char flag[MT_ROWS];
    memset(flag, 0, sizeof flag);
    for (size_t i = 0; i < nflags; i++)
        flag[flags[i]] = 1;
    metrics_windows_add(m, MT_ROWS, flag, w, nw, probation);
}

static const struct metrics_window mt_two[] = {{20, 29}, {60, 69}}; /* 10 rows each */

static void test_metrics_windows_counts(void **state) {
    /* 10: before any window; 25, 27: in the first (the first counts); 80: after the second */
    static const size_t flags[] = {10, 25, 27, 80};
    struct metrics_windows m;
    double raw;
    (void)state;

    memset(&m, 0, sizeof m);
    mt_windows(&m, flags, 4, mt_two, 2, 0);
    assert_int_equal(m.windows, 2);
    assert_int_equal(m.detected, 1);
    assert_int_equal(m.fp, 2);
    assert_int_equal(m.flags, 4);
    assert_double_near(m.delay_sum, 5, 0);
    /* the hit at 25 is 5 rows before the end of a 10-row window: y = -5/10; the false alarm at
     * 10 costs the full 0.11; the one at 80, 11 rows past a 10-row window, 0.11 scaled by the
     * sigmoid of 1.1; the second window is missed */
    raw = mt_sigmoid(-0.5) - 0.11 + 0.11 * mt_sigmoid(1.1) - 1;
    assert_double_near(m.nab_raw, raw, MT_EPS);
    assert_double_near(m.nab_null, -2, 0);
    assert_double_near(m.nab_perfect, 2 * mt_sigmoid(-1), MT_EPS);
    assert_double_near(metrics_nab_score(&m), 100 * (raw + 2) / (2 * mt_sigmoid(-1) + 2), 1e-9);
}

/* Relative position: the first row of a window is y = -1, its last y = -1/len. */
static void test_metrics_windows_position(void **state) {
    static const size_t first[] = {20}, last[] = {29}, both[] = {29, 60};
    struct metrics_windows m;
    (void)state;

    memset(&m, 0, sizeof m);
    mt_windows(&m, first, 1, mt_two, 1, 0);
    assert_double_near(m.nab_raw, mt_sigmoid(-1), MT_EPS);
    assert_double_near(m.delay_sum, 0, 0);
    memset(&m, 0, sizeof m);
    mt_windows(&m, last, 1, mt_two, 1, 0);
    assert_double_near(m.nab_raw, mt_sigmoid(-0.1), MT_EPS);
    assert_double_near(m.delay_sum, 9, 0);
    /* two series add up */
    memset(&m, 0, sizeof m);
    mt_windows(&m, both, 2, mt_two, 2, 0);
    mt_windows(&m, first, 1, mt_two, 2, 0);
    assert_int_equal(m.windows, 4);
    assert_int_equal(m.detected, 3);
    assert_int_equal(m.flags, 3);
    assert_int_equal(m.fp, 0);
    assert_double_near(m.delay_sum, 9, 0);
    assert_double_near(m.nab_raw, mt_sigmoid(-0.1) + 2 * mt_sigmoid(-1) - 1, MT_EPS);
}

static void test_metrics_probation(void **state) {
    /* probation 30: the window [20, 29] is not scored; [25, 40] is, from row 30 */
    static const struct metrics_window w[] = {{5, 12}, {25, 40}, {100, 109}};
    static const size_t early[] = {6, 27}, late[] = {6, 27, 35};
    struct metrics_windows m;
    (void)state;

    /* flags in probation are ignored: the scored windows are both missed */
    memset(&m, 0, sizeof m);
    mt_windows(&m, early, 2, w, 3, 30);
    assert_int_equal(m.windows, 2);
    assert_int_equal(m.detected, 0);
    assert_int_equal(m.flags, 0);
    assert_int_equal(m.fp, 0);
    assert_double_near(m.nab_raw, -2, 0);
    assert_double_near(m.nab_null, -2, 0);
    assert_double_near(metrics_nab_score(&m), 0, 0);
    /* a flag after probation in the straddling window detects it, its delay from its start */
    memset(&m, 0, sizeof m);
    mt_windows(&m, late, 3, w, 3, 30);
    assert_int_equal(m.detected, 1);
    assert_int_equal(m.flags, 1);
    assert_double_near(m.delay_sum, 10, 0);
    assert_double_near(m.nab_raw, mt_sigmoid(-6.0 / 16.0) - 1, MT_EPS);
}

/* Flags every window at its start: 100. */
static void test_metrics_perfect_scores_100(void **state) {
    static const struct metrics_window w[] = {{20, 29}, {60, 99}, {150, 150}};
    static const size_t starts[] = {20, 60, 150};
    struct metrics_windows m;
    (void)state;

    memset(&m, 0, sizeof m);
    mt_windows(&m, starts, 3, w, 3, 0);
    assert_int_equal(m.detected, 3);
    assert_int_equal(m.fp, 0);
    assert_double_near(m.nab_raw, m.nab_perfect, MT_EPS);
    assert_double_near(metrics_nab_score(&m), 100, 1e-9);
}

static void test_metrics_never_flags_scores_0(void **state) {
    struct metrics_windows m;
    (void)state;

    memset(&m, 0, sizeof m);
    mt_windows(&m, NULL, 0, mt_two, 2, 0);
    assert_int_equal(m.detected, 0);
    assert_int_equal(m.flags, 0);
    assert_double_near(m.nab_raw, -2, 0);
    assert_double_near(m.nab_raw, m.nab_null, 0);
    assert_double_near(metrics_nab_score(&m), 0, 0);
    /* no windows at all: nothing to score */
    memset(&m, 0, sizeof m);
    mt_windows(&m, NULL, 0, NULL, 0, 0);
    assert_int_equal(m.windows, 0);
    assert_double_near(metrics_nab_score(&m), 0, 0);
}

/* Ranking: perfect > perfect plus a false alarm > perfect but one window missed > silent; and a
 * hit early in its window beats one late, a false alarm right after a window costs less than
 * one far from it. */
static void test_metrics_nab_ordering(void **state) {
    static const size_t perfect[] = {20, 60}, plus_fa[] = {20, 60, 120}, missed[] = {20};
    static const size_t early[] = {21, 60}, late[] = {28, 60};
    static const size_t fa_near[] = {20, 60, 70}, fa_far[] = {20, 60, 150};
    struct metrics_windows a, b, c, d;
    (void)state;

    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    memset(&c, 0, sizeof c);
    memset(&d, 0, sizeof d);
    mt_windows(&a, perfect, 2, mt_two, 2, 0);
    mt_windows(&b, plus_fa, 3, mt_two, 2, 0);
    mt_windows(&c, missed, 1, mt_two, 2, 0);
    mt_windows(&d, NULL, 0, mt_two, 2, 0);
    assert_true(metrics_nab_score(&a) > metrics_nab_score(&b));
    assert_true(metrics_nab_score(&b) > metrics_nab_score(&c));
    assert_true(metrics_nab_score(&c) > metrics_nab_score(&d));
    /* the false alarm cost at most 0.11; the missed window its hit and 1 more */
    assert_true(a.nab_raw - b.nab_raw <= 0.11 + MT_EPS);
    assert_double_near(a.nab_raw - c.nab_raw, mt_sigmoid(-1) + 1, MT_EPS);

    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    mt_windows(&a, early, 2, mt_two, 2, 0);
    mt_windows(&b, late, 2, mt_two, 2, 0);
    assert_true(a.nab_raw > b.nab_raw);
    assert_double_near(a.delay_sum, 1, 0);
    assert_double_near(b.delay_sum, 8, 0);

    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    mt_windows(&a, fa_near, 3, mt_two, 2, 0);
    mt_windows(&b, fa_far, 3, mt_two, 2, 0);
    assert_int_equal(a.fp, 1);
    assert_int_equal(b.fp, 1);
    assert_double_near(a.nab_raw, 2 * mt_sigmoid(-1) + 0.11 * mt_sigmoid(0.1), MT_EPS);
    assert_double_near(b.nab_raw, 2 * mt_sigmoid(-1) + 0.11 * mt_sigmoid(8.1), MT_EPS);
    assert_true(a.nab_raw > b.nab_raw);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metrics_ratios),
        cmocka_unit_test(test_metrics_size_buckets),
        cmocka_unit_test(test_metrics_points_add),
        cmocka_unit_test(test_metrics_windows_counts),
        cmocka_unit_test(test_metrics_windows_position),
        cmocka_unit_test(test_metrics_probation),
        cmocka_unit_test(test_metrics_perfect_scores_100),
        cmocka_unit_test(test_metrics_never_flags_scores_0),
        cmocka_unit_test(test_metrics_nab_ordering),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

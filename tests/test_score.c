/* test_score.c - score.h: sma and ema scored by hand, warm-up lengths, the point kept out of its
 * own baseline, the std floor, severity edges, parameter checks and algorithm names. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "score.h"

#define SCORE_TEST_ERR_MAX 128

#define assert_near(got, want, eps)                                                                \
    do {                                                                                           \
        double near_got_ = (got), near_want_ = (want);                                             \
        if (!(fabs(near_got_ - near_want_) <= (eps)))                                              \
            fail_msg("%s = %.17g, expected %.17g", #got, near_got_, near_want_);                   \
    } while (0)

static void score_test_params(struct score_params *p, enum score_algo algo, size_t window,
                              size_t warmup, double threshold) {
    score_params_default(p, algo);
    p->window = window;
    p->warmup = warmup;
    p->threshold = threshold;
}

static void score_check_not_ready(const struct verdict *v) {
    assert_int_equal(v->ready, 0);
    assert_int_equal(v->anomaly, 0);
    assert_true(v->score == 0 && v->mean == 0 && v->std == 0);
    assert_int_equal(v->severity, SEV_NONE);
}

/* window 4 on 1, 2, 3, 4, then 10: mean 2.5, population SD sqrt(1.25), z = 7.5 / sqrt(1.25). */
static void test_sma_hand_computed(void **state) {
    struct score_params p;
    struct score_state st;
    struct verdict v;
    (void)state;
    score_test_params(&p, SCORE_SMA, 4, 4, 2.0);
    assert_int_equal(score_init(&st, &p), 0);
    for (int x = 1; x <= 4; x++) {
        score_push(&st, &p, x, 0, &v);
        score_check_not_ready(&v);
    }
    score_push(&st, &p, 10, 0, &v);
    assert_int_equal(v.ready, 1);
    assert_true(v.mean == 2.5); /* 10 is not in its own baseline: that would give 4.75 */
    assert_near(v.std, sqrt(1.25), 1e-15);
    assert_near(v.score, 7.5 / sqrt(1.25), 1e-12);
    assert_int_equal(v.anomaly, 1);
    assert_int_equal(v.severity, SEV_HIGH);
    /* now the baseline is 2, 3, 4, 10: mean 4.75, variance 38.75 / 4 */
    score_push(&st, &p, 4.75, 0, &v);
    assert_true(v.mean == 4.75);
    assert_near(v.std, sqrt(38.75 / 4), 1e-14);
    assert_true(v.score == 0);
    assert_int_equal(v.anomaly, 0);
    score_push(&st, &p, 3.5, 0, &v); /* baseline 3, 4, 10, 4.75 */
    assert_near(v.mean, 5.4375, 1e-14);
    assert_near(v.std, sqrt((2.4375 * 2.4375 + 1.4375 * 1.4375 + 4.5625 * 4.5625 +
                             0.6875 * 0.6875) /
                            4),
                1e-14);
    assert_near(v.score, (3.5 - 5.4375) / v.std, 1e-14);
    score_clear(&st);
}

/* With warm-up = window, exactly `window` points pass without a verdict. */
static void test_sma_no_verdict_until_window(void **state) {
    static const size_t windows[] = {2, 5, 25, 1000};
    (void)state;
    for (size_t w = 0; w < sizeof windows / sizeof windows[0]; w++) {
        struct score_params p;
        struct score_state st;
        struct verdict v;
        score_test_params(&p, SCORE_SMA, windows[w], windows[w], 2.0);
        assert_int_equal(score_init(&st, &p), 0);
        for (size_t i = 0; i < windows[w]; i++) {
            score_push(&st, &p, i % 2 ? 1e6 : -1e6, 0, &v);
            score_check_not_ready(&v);
        }
        score_push(&st, &p, 0, 0, &v);
        assert_int_equal(v.ready, 1);
        score_clear(&st);
    }
}

/* A shorter warm-up scores against a baseline that is not full yet. */
static void test_sma_short_warmup(void **state) {
    struct score_params p;
    struct score_state st;
    struct verdict v;
    (void)state;
    score_test_params(&p, SCORE_SMA, 10, 3, 2.0);
    assert_int_equal(score_init(&st, &p), 0);
    score_push(&st, &p, 1, 0, &v);
    score_push(&st, &p, 2, 0, &v);
    score_push(&st, &p, 3, 0, &v);
    score_check_not_ready(&v);
    score_push(&st, &p, 4, 0, &v);
    assert_int_equal(v.ready, 1);
    assert_true(v.mean == 2);
    assert_near(v.std, sqrt(2.0 / 3.0), 1e-15);
    assert_near(v.score, 2 / sqrt(2.0 / 3.0), 1e-14);
    assert_int_equal(v.severity, SEV_LOW);
    score_clear(&st);
}

/* A flat baseline has SD 0: the floor keeps the score finite, flags a real change and leaves the
 * same value alone. */
static void test_std_floor(void **state) {
    struct score_params p;
    struct score_state st;
    struct verdict v;
    (void)state;
    score_test_params(&p, SCORE_SMA, 4, 4, 2.0);
    assert_int_equal(score_init(&st, &p), 0);
    for (int i = 0; i < 4; i++)
        score_push(&st, &p, 100, 0, &v);
    score_push(&st, &p, 100, 0, &v);
    assert_int_equal(v.ready, 1);
    assert_true(v.score == 0);
    assert_int_equal(v.anomaly, 0);
    assert_near(v.std, 1e-4 * 100, 1e-18); /* the relative floor */
    score_push(&st, &p, 100.5, 0, &v);
    assert_true(isfinite(v.score));
    assert_near(v.score, 0.5 / 0.01, 1e-9);
    assert_int_equal(v.anomaly, 1);
    assert_int_equal(v.severity, SEV_HIGH);
    score_clear(&st);

    /* around 0 the absolute floor applies */
    assert_int_equal(score_init(&st, &p), 0);
    for (int i = 0; i < 5; i++)
        score_push(&st, &p, 0, 0, &v);
    assert_true(v.score == 0);
    assert_true(v.std == 1e-9);
    score_push(&st, &p, 1e-6, 0, &v);
    assert_near(v.score, 1000, 1e-6);
    assert_int_equal(v.anomaly, 1);
    score_clear(&st);

    /* a custom absolute floor above the relative one */
    p.min_std = 2.0;
    assert_int_equal(score_init(&st, &p), 0);
    for (int i = 0; i < 4; i++)
        score_push(&st, &p, 100, 0, &v);
    score_push(&st, &p, 103, 0, &v);
    assert_true(v.std == 2.0);
    assert_near(v.score, 1.5, 1e-15);
    assert_int_equal(v.anomaly, 0);
    score_clear(&st);
}

/* alpha 0.5, warm-up 2: mean += alpha*d, var = (1 - alpha)(var + alpha*d^2), d = x - mean. */
static void test_ema_hand_computed(void **state) {
    struct score_params p;
    struct score_state st;
    struct verdict v;
    (void)state;
    score_test_params(&p, SCORE_EMA, 25, 2, 2.0);
    p.alpha = 0.5;
    assert_int_equal(score_init(&st, &p), 0);
    score_push(&st, &p, 10, 0, &v); /* mean 10, var 0 */
    score_check_not_ready(&v);
    score_push(&st, &p, 12, 0, &v); /* d 2: mean 11, var 0.5 * (0 + 0.5 * 4) = 1 */
    score_check_not_ready(&v);
    score_push(&st, &p, 14, 0, &v); /* scored against 11, 1; then d 3: mean 12.5, var 2.75 */
    assert_int_equal(v.ready, 1);
    assert_true(v.mean == 11);
    assert_true(v.std == 1);
    assert_true(v.score == 3);
    assert_int_equal(v.anomaly, 1);
    assert_int_equal(v.severity, SEV_MEDIUM); /* 3 = 1.5 * threshold */
    score_push(&st, &p, 10, 0, &v); /* against 12.5, sqrt(2.75); then mean 11.25, var 2.9375 */
    assert_true(v.mean == 12.5);
    assert_near(v.std, sqrt(2.75), 1e-15);
    assert_near(v.score, -2.5 / sqrt(2.75), 1e-15);
    assert_int_equal(v.anomaly, 0);
    assert_int_equal(v.severity, SEV_NONE);
    score_push(&st, &p, 11.25, 0, &v);
    assert_true(v.mean == 11.25);
    assert_near(v.std, sqrt(2.9375), 1e-15);
    assert_true(v.score == 0);
    score_clear(&st);
}

static void test_ema_warmup_length(void **state) {
    struct score_params p;
    struct score_state st;
    struct verdict v;
    (void)state;
    score_params_default(&p, SCORE_EMA);
    assert_int_equal(p.warmup, 25);
    assert_int_equal(score_init(&st, &p), 0);
    for (int i = 0; i < 25; i++) {
        score_push(&st, &p, 200 + i % 3, 0, &v);
        score_check_not_ready(&v);
    }
    score_push(&st, &p, 201, 0, &v);
    assert_int_equal(v.ready, 1);
    score_clear(&st);
    /* ema's warm-up may exceed the window */
    p.warmup = 500;
    assert_int_equal(score_init(&st, &p), 0);
    for (int i = 0; i < 500; i++) {
        score_push(&st, &p, 1, 0, &v);
        assert_int_equal(v.ready, 0);
    }
    score_push(&st, &p, 1, 0, &v);
    assert_int_equal(v.ready, 1);
    score_clear(&st);
}

/* Edges are exact: t, 1.5t and 2t belong to the higher class, the value just below to the lower. */
static void test_severity_edges(void **state) {
    static const double thresholds[] = {2.0, 2.2, 3.5, 0.1, 5.0};
    (void)state;
    for (size_t i = 0; i < sizeof thresholds / sizeof thresholds[0]; i++) {
        double t = thresholds[i];
        assert_int_equal(score_severity(0, t), SEV_NONE);
        assert_int_equal(score_severity(nextafter(t, 0), t), SEV_NONE);
        assert_int_equal(score_severity(t, t), SEV_LOW);
        assert_int_equal(score_severity(nextafter(1.5 * t, 0), t), SEV_LOW);
        assert_int_equal(score_severity(1.5 * t, t), SEV_MEDIUM);
        assert_int_equal(score_severity(nextafter(2 * t, 0), t), SEV_MEDIUM);
        assert_int_equal(score_severity(2 * t, t), SEV_HIGH);
        assert_int_equal(score_severity(1e300, t), SEV_HIGH);
        assert_int_equal(score_severity(INFINITY, t), SEV_HIGH);
        assert_int_equal(score_severity(NAN, t), SEV_NONE);
    }
    assert_int_equal(score_severity(2.0, 2.0), SEV_LOW);
    assert_int_equal(score_severity(2.9999999, 2.0), SEV_LOW);
    assert_int_equal(score_severity(3.0, 2.0), SEV_MEDIUM);
    assert_int_equal(score_severity(3.9999999, 2.0), SEV_MEDIUM);
    assert_int_equal(score_severity(4.0, 2.0), SEV_HIGH);
}

struct params_bad {
    const char *what;
    void (*set)(struct score_params *p);
    const char *err; /* the whole message */
};

static void set_algo(struct score_params *p) { p->algo = SCORE_ALGO_COUNT; }
static void set_window_1(struct score_params *p) { p->window = 1; }
static void set_window_big(struct score_params *p) { p->window = SCORE_WINDOW_MAX + 1; }
static void set_warmup_0(struct score_params *p) { p->warmup = 0; }
static void set_warmup_big(struct score_params *p) { p->warmup = p->window + 1; }
static void set_threshold_0(struct score_params *p) { p->threshold = 0; }
static void set_threshold_neg(struct score_params *p) { p->threshold = -1; }
static void set_threshold_nan(struct score_params *p) { p->threshold = NAN; }
static void set_threshold_inf(struct score_params *p) { p->threshold = INFINITY; }
static void set_alpha_0(struct score_params *p) { p->alpha = 0; }
static void set_alpha_big(struct score_params *p) { p->alpha = 1.5; }
static void set_alpha_nan(struct score_params *p) { p->alpha = NAN; }
static void set_min_std_neg(struct score_params *p) { p->min_std = -1; }
static void set_min_std_nan(struct score_params *p) { p->min_std = NAN; }
static void set_min_std_inf(struct score_params *p) { p->min_std = INFINITY; }
static void set_min_std_rel_neg(struct score_params *p) { p->min_std_rel = -1e-9; }
static void set_cusum_k_neg(struct score_params *p) { p->cusum_k = -0.5; }
static void set_cusum_clip_0(struct score_params *p) { p->cusum_clip = 0; }
static void set_hst_trees_0(struct score_params *p) { p->hst_trees = 0; }
static void set_hst_depth_big(struct score_params *p) { p->hst_depth = HST_DEPTH_MAX + 1; }

static void test_params_check_bad(void **state) {
    static const struct params_bad cases[] = {
        {"algo", set_algo, "unknown algorithm"},
        {"window 1", set_window_1, "window must be 2..100000"},
        {"window max+1", set_window_big, "window must be 2..100000"},
        {"warmup 0", set_warmup_0, "warm-up must be 1..window (25)"},
        {"warmup window+1", set_warmup_big, "warm-up must be 1..window (25)"},
        {"threshold 0", set_threshold_0, "threshold must be a positive number"},
        {"threshold -1", set_threshold_neg, "threshold must be a positive number"},
        {"threshold nan", set_threshold_nan, "threshold must be a positive number"},
        {"threshold inf", set_threshold_inf, "threshold must be a positive number"},
        {"alpha 0", set_alpha_0, "alpha must be in (0, 1]"},
        {"alpha 1.5", set_alpha_big, "alpha must be in (0, 1]"},
        {"alpha nan", set_alpha_nan, "alpha must be in (0, 1]"},
        {"min_std -1", set_min_std_neg, "std floors must be finite and >= 0"},
        {"min_std nan", set_min_std_nan, "std floors must be finite and >= 0"},
        {"min_std inf", set_min_std_inf, "std floors must be finite and >= 0"},
        {"min_std_rel -1e-9", set_min_std_rel_neg, "std floors must be finite and >= 0"},
        {"cusum_k -0.5", set_cusum_k_neg, "cusum: k must be >= 0 and clip > 0"},
        {"cusum_clip 0", set_cusum_clip_0, "cusum: k must be >= 0 and clip > 0"},
        {"hst_trees 0", set_hst_trees_0, "hst: trees must be 1..64 and depth 1..12"},
        {"hst_depth max+1", set_hst_depth_big, "hst: trees must be 1..64 and depth 1..12"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct score_params p;
        struct score_state st, before;
        char err[SCORE_TEST_ERR_MAX] = "";
        score_params_default(&p, SCORE_SMA);
        cases[i].set(&p);
        if (score_params_check(&p, err, sizeof err) != -1)
            fail_msg("%s accepted", cases[i].what);
        if (strcmp(err, cases[i].err) != 0)
            fail_msg("%s: \"%s\", expected \"%s\"", cases[i].what, err, cases[i].err);
        memset(&st, 0x7e, sizeof st);
        before = st;
        assert_int_equal(score_init(&st, &p), -1);
        assert_memory_equal(&st, &before, sizeof st); /* untouched */
    }
}

static void test_params_check_good(void **state) {
    char err[SCORE_TEST_ERR_MAX];
    struct score_params p;
    (void)state;
    for (int a = 0; a < SCORE_ALGO_COUNT; a++) {
        score_params_default(&p, (enum score_algo)a);
        assert_int_equal(score_params_check(&p, err, sizeof err), 0);
    }
    score_params_default(&p, SCORE_SMA);
    assert_int_equal(p.window, 25);
    assert_int_equal(p.warmup, 25);
    assert_true(p.threshold == 2.0);
    assert_true(p.min_std == 1e-9 && p.min_std_rel == 1e-4);
    p.alpha = 1;
    p.window = SCORE_WINDOW_MIN;
    p.warmup = 1;
    p.min_std = 0;
    p.min_std_rel = 0;
    assert_int_equal(score_params_check(&p, err, sizeof err), 0);
    p.window = SCORE_WINDOW_MAX;
    p.warmup = SCORE_WINDOW_MAX;
    assert_int_equal(score_params_check(&p, err, sizeof err), 0);
    score_params_default(&p, SCORE_EMA);
    assert_true(p.threshold == 2.2);
    assert_true(p.alpha == 0.08);
    p.warmup = p.window * 10; /* ema's warm-up is not bounded by the window */
    assert_int_equal(score_params_check(&p, err, sizeof err), 0);
}

static void test_algo_names(void **state) {
    static const struct {
        enum score_algo algo;
        const char *name;
    } known[] = {{SCORE_SMA, "sma"}, {SCORE_EMA, "ema"}, {SCORE_MAD, "mad"},
                 {SCORE_CUSUM, "cusum"}, {SCORE_HST, "hst"}};
    static const char *const bad[] = {"", "SMA", "zscore", "sma ", "em", "?"};
    (void)state;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        assert_string_equal(score_algo_name(known[i].algo), known[i].name);
    for (int a = 0; a < SCORE_ALGO_COUNT; a++) { /* every name parses back to its algorithm */
        enum score_algo out = SCORE_ALGO_COUNT;
        assert_int_equal(score_algo_parse(score_algo_name((enum score_algo)a), &out), 0);
        assert_int_equal(out, a);
    }
    assert_string_equal(score_algo_name(SCORE_ALGO_COUNT), "?");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        enum score_algo out = SCORE_EMA;
        assert_int_equal(score_algo_parse(bad[i], &out), -1);
        assert_int_equal(out, SCORE_EMA);
    }
}

static void test_clear_twice(void **state) {
    struct score_params p;
    struct score_state st;
    struct verdict v;
    (void)state;
    for (int a = 0; a < SCORE_ALGO_COUNT; a++) {
        score_params_default(&p, (enum score_algo)a);
        assert_int_equal(score_init(&st, &p), 0);
        score_push(&st, &p, 1, 0, &v);
        score_clear(&st);
        score_clear(&st);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sma_hand_computed),
        cmocka_unit_test(test_sma_no_verdict_until_window),
        cmocka_unit_test(test_sma_short_warmup),
        cmocka_unit_test(test_std_floor),
        cmocka_unit_test(test_ema_hand_computed),
        cmocka_unit_test(test_ema_warmup_length),
        cmocka_unit_test(test_severity_edges),
        cmocka_unit_test(test_params_check_bad),
        cmocka_unit_test(test_params_check_good),
        cmocka_unit_test(test_algo_names),
        cmocka_unit_test(test_clear_twice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

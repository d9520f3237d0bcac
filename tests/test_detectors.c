/* test_detectors.c - every detector on hand-made series with known answers: a flat line, a
 * single spike, a step, a slow ramp, a constant with one NaN, alternating values. Each detector
 * runs through detect_push() with its own defaults, reporting every deviating point. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "detect.h"
#include "rng.h"

#define N 1600

struct run {
    unsigned char flag[N];
    size_t flags, first, last; /* first/last flagged index, N if none */
    uint64_t episodes;
    uint64_t start_index; /* of the first episode */
    uint64_t rejected;
};

/* Runs algo (its defaults, every deviating point reported; threshold > 0 replaces the default)
 * over x[0..n). */
static void run_algo_at(enum score_algo algo, double threshold, const double *x, size_t n,
                        struct run *r) {
    struct detect d;
    struct detect_conf c;
    struct point p;
    struct detect_result res;
    char err[128];

    detect_conf_default(&c, algo);
    if (threshold > 0)
        c.score.threshold = threshold;
    c.episode.report = EPISODE_REPORT_POINTS;
    c.episode.cooldown = 0;
    assert_int_equal(detect_init(&d, &c, 4, err, sizeof err), 0);
    memset(r, 0, sizeof *r);
    r->first = r->last = N;
    memset(&p, 0, sizeof p);
    strcpy(p.series, "t");
    for (size_t i = 0; i < n; i++) {
        p.value = x[i];
        detect_push(&d, &p, &res, NULL);
        if (res.ep.event == EPISODE_OPEN && d.episodes == 1)
            r->start_index = res.series->ep.start_index;
        if (res.ep.flagged) {
            r->flag[i] = 1;
            r->flags++;
            if (r->first == N)
                r->first = i;
            r->last = i;
        }
    }
    r->episodes = d.episodes;
    r->rejected = d.rejected;
    detect_clear(&d);
}

static void run_algo(enum score_algo algo, const double *x, size_t n, struct run *r) {
    run_algo_at(algo, 0, x, n, r);
}

static void noise(double *x, size_t n, double level, double sd, uint64_t seed) {
    struct rng g;
    rng_seed(&g, seed);
    for (size_t i = 0; i < n; i++)
        x[i] = level + sd * rng_normal(&g);
}

static void test_flat_line(void **state) {
    static double x[N];
    struct run r;
    (void)state;
    for (size_t i = 0; i < N; i++)
        x[i] = 100;
    for (int a = 0; a < SCORE_ALGO_COUNT; a++) {
        run_algo((enum score_algo)a, x, N, &r);
        if (r.flags)
            fail_msg("%s flags a flat line (%zu points)", score_algo_name((enum score_algo)a),
                     r.flags);
    }
}

/* A spike of 20 SD at point 1200 of gaussian noise: every point detector finds it and flags
 * nothing else; cusum is built for shifts, and its clipping keeps a lone spike from alarming. */
static void test_single_spike(void **state) {
    static double x[N];
    struct run r;
    (void)state;
    noise(x, N, 100, 1, 7);
    x[1200] += 20;
    for (int a = 0; a < SCORE_ALGO_COUNT; a++) {
        /* hst's standardised mass score is bounded (an empty region has mass 0, a finite
         * measure): at its default threshold 5 it seldom fires, so it is asked at 3 */
        run_algo_at((enum score_algo)a, a == SCORE_HST ? 3 : 0, x, N, &r);
        if (a == SCORE_CUSUM) {
            assert_int_equal(r.flag[1200], 0);
            continue;
        }
        if (!r.flag[1200])
            fail_msg("%s misses the spike", score_algo_name((enum score_algo)a));
    }
    /* the robust and contextual detectors flag nothing but the spike */
    run_algo(SCORE_RESID, x, N, &r);
    assert_int_equal(r.flags, 1);
    run_algo(SCORE_MAD, x, N, &r);
    assert_int_equal(r.flags, 1);
}

/* A step of +10 SD at point 800: found at once by the point detectors; cusum reports it as one
 * change event that begins at the step. */
static void test_step(void **state) {
    static double x[N];
    struct run r;
    (void)state;
    noise(x, N, 100, 1, 11);
    for (size_t i = 800; i < N; i++)
        x[i] += 10;
    for (int a = 0; a < SCORE_ALGO_COUNT; a++) {
        int found = 0;
        if (a == SCORE_HST)
            continue; /* hst scores sparse regions; a sustained new level is dense at once */
        run_algo((enum score_algo)a, x, N, &r);
        for (size_t i = 800; i <= 805; i++)
            found |= r.flag[i];
        if (!found)
            fail_msg("%s: no flag within 5 points of the step", score_algo_name((enum score_algo)a));
    }
    /* resid flags nothing before it */
    run_algo(SCORE_RESID, x, N, &r);
    assert_true(r.first >= 800);
    run_algo(SCORE_CUSUM, x, N, &r);
    assert_int_equal(r.episodes, 1);
    if (r.start_index < 795 || r.start_index > 801)
        fail_msg("cusum: the change starts at %llu, not at the step (800)",
                 (unsigned long long)r.start_index);
    /* resid: one episode; its local level follows the new one within a few points and the new
     * level joins the long-run range within 1% of the window, so the episode is short */
    run_algo(SCORE_RESID, x, N, &r);
    assert_int_equal(r.episodes, 1);
    if (r.last >= 850)
        fail_msg("resid: the step's episode still reports at %zu", r.last);
}

/* A slow ramp (+0.05 SD per point for 400 points) then a plateau: cusum notices the drift once;
 * resid, which compares each point with the last few, does not see a drift at all (by design). */
static void test_ramp(void **state) {
    static double x[N];
    struct run r;
    (void)state;
    noise(x, N, 100, 1, 13);
    for (size_t i = 600; i < N; i++)
        x[i] += 0.05 * (double)(i < 1000 ? i - 600 : 400);
    run_algo(SCORE_CUSUM, x, N, &r);
    assert_true(r.episodes >= 1);
    assert_true(r.first > 600 && r.first < 1000);
    run_algo(SCORE_RESID, x, N, &r);
    assert_int_equal(r.flags, 0);
}

/* A constant with one NaN in it: the NaN is refused and counted, nothing is flagged, and the
 * state is untouched (the next identical value scores 0). */
static void test_constant_with_nan(void **state) {
    static double x[N];
    struct run r;
    (void)state;
    for (size_t i = 0; i < N; i++)
        x[i] = 5;
    x[700] = NAN;
    for (int a = 0; a < SCORE_ALGO_COUNT; a++) {
        run_algo((enum score_algo)a, x, N, &r);
        assert_int_equal(r.rejected, 1);
        if (r.flags)
            fail_msg("%s flags a constant with one NaN", score_algo_name((enum score_algo)a));
    }
}

/* Alternating values 1, 3, 1, 3, ...: a regular pattern, never an anomaly. */
static void test_alternating(void **state) {
    static double x[N];
    struct run r;
    (void)state;
    for (size_t i = 0; i < N; i++)
        x[i] = i % 2 ? 3 : 1;
    for (int a = 0; a < SCORE_ALGO_COUNT; a++) {
        run_algo((enum score_algo)a, x, N, &r);
        if (r.flags)
            fail_msg("%s flags alternating values (%zu points, first at %zu)",
                     score_algo_name((enum score_algo)a), r.flags, r.first);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flat_line),         cmocka_unit_test(test_single_spike),
        cmocka_unit_test(test_step),              cmocka_unit_test(test_ramp),
        cmocka_unit_test(test_constant_with_nan), cmocka_unit_test(test_alternating),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

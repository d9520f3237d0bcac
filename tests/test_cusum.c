/* test_cusum.c - cusum.h: a hand-computed run of the two-sided sums; a +3 SD step after a flat
 * noisy baseline raises exactly one alarm whose lag reaches back to the step; a negative step
 * gives negative scores; clipping stops a lone spike alarming; no verdicts for `relearn` points
 * after an alarm; the std floor; init bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "cusum.h"
#include "rng.h"

#define CU_LEVEL 10.0        /* baseline level */
#define CU_SD 0.1            /* baseline noise */
#define CU_WINDOW 100
#define CU_WARMUP 20
#define CU_K 1.0          /* with h 8: no false alarm on the baseline, a step in a few points */
#define CU_H 8.0
#define CU_CLIP 4.0
#define CU_RELEARN 20
#define CU_FLOOR_ABS 1e-9
#define CU_FLOOR_REL 1e-4
#define CU_BASELINE_MIN 200  /* baseline points before the step (more until S+ and S- are 0) */
#define CU_AFTER 200         /* points after the step */
#define CU_TS0 1700000000000LL
#define CU_TS_STEP 1000LL

#define CU_TS(i) (CU_TS0 + (int64_t)(i) * CU_TS_STEP)

/* cmocka 1.1's assert_float_equal compares as float; these are doubles. */
#define assert_double_near(got, want, eps)                                                         \
    do {                                                                                           \
        double near_got_ = (got), near_want_ = (want);                                             \
        if (!(near_got_ == near_want_ || fabs(near_got_ - near_want_) <= (eps)))                   \
            fail_msg("%s = %.17g, expected %.17g (within %g)", #got, near_got_, near_want_,        \
                     (double)(eps));                                                               \
    } while (0)

/* Pushes x as point c->index with the test's parameters (clip and relearn given). */
static void cu_push(struct cusum *c, double x, double clip, size_t relearn,
                    struct cusum_result *out) {
    cusum_push(c, x, CU_TS(c->index), CU_K, CU_H, clip, relearn, CU_WARMUP, CU_FLOOR_ABS,
               CU_FLOOR_REL, out);
}

/* Feeds a flat noisy baseline: no alarm. Returns once at least CU_BASELINE_MIN points are in and
 * both sums are back at 0, so that whatever follows starts a sum at its own first point. */
static void cu_baseline(struct cusum *c, struct rng *g) {
    struct cusum_result r;
    while (c->index < CU_BASELINE_MIN || c->pos != 0 || c->neg != 0) {
        cu_push(c, CU_LEVEL + CU_SD * rng_normal(g), CU_CLIP, CU_RELEARN, &r);
        assert_int_equal(r.ready, c->index > CU_WARMUP);
        if (r.ready)
            assert_true(fabs(r.score) < CU_H);
        assert_true(c->index < 10 * CU_BASELINE_MIN); /* the sums do return to 0 */
    }
}

/* A step of sign * 3 SD: exactly one alarm, on the step's side, starting at the step, then
 * `relearn` points without a verdict and a baseline at the new level. */
static void cu_step(double sign, uint64_t seed) {
    struct cusum c;
    struct cusum_result r;
    struct rng g;
    uint64_t step, alarm = 0;
    int alarms = 0;
    size_t silent = 0;
    double level = CU_LEVEL + sign * 3 * CU_SD;

    rng_seed(&g, seed);
    assert_int_equal(cusum_init(&c, CU_WINDOW), 0);
    cu_baseline(&c, &g);
    step = c.index;
    for (int i = 0; i < CU_AFTER; i++) {
        uint64_t idx = c.index;
        /* the step's first point is exactly 3 SD up: the sum leaves 0 there, not later */
        cu_push(&c, level + (i ? CU_SD * rng_normal(&g) : 0), CU_CLIP, CU_RELEARN, &r);
        if (alarms && idx <= alarm + CU_RELEARN) {
            assert_false(r.ready);
            silent++;
            continue;
        }
        assert_true(r.ready);
        if (alarms) {
            /* relearned: centred on the new level */
            assert_double_near(r.mean, level, 3 * CU_SD);
        } else {
            assert_true(sign * r.score >= 0); /* the sum on the step's side leads */
            assert_int_equal(r.lag, idx - step);
            assert_int_equal(r.start_ts, CU_TS(step));
        }
        if (fabs(r.score) >= CU_H) {
            alarms++;
            alarm = idx;
            assert_true(sign * r.score >= CU_H);
            assert_int_equal(r.lag, idx - step); /* its start is the step */
            assert_int_equal(r.start_ts, CU_TS(step));
        }
    }
    assert_int_equal(alarms, 1);
    /* ~2 per point against h 8, less as the new level enters the window */
    assert_true(alarm >= step + 2 && alarm <= step + 15);
    assert_int_equal(silent, CU_RELEARN);
    cusum_clear(&c);
}

static void test_cusum_step_up_one_alarm(void **state) {
    (void)state;
    cu_step(1, 101);
    cu_step(1, 102);
    cu_step(1, 103);
}

static void test_cusum_step_down_negative(void **state) {
    (void)state;
    cu_step(-1, 201);
    cu_step(-1, 202);
    cu_step(-1, 203);
}

static void test_cusum_clip_stops_lone_spike(void **state) {
    struct cusum c, unclipped;
    struct cusum_result r, ru;
    struct rng g, gu;
    double spike = CU_LEVEL + 100 * CU_SD;
    (void)state;

    rng_seed(&g, 301);
    rng_seed(&gu, 301);
    assert_int_equal(cusum_init(&c, CU_WINDOW), 0);
    assert_int_equal(cusum_init(&unclipped, CU_WINDOW), 0);
    cu_baseline(&c, &g);
    cu_baseline(&unclipped, &gu);
    assert_int_equal(c.index, unclipped.index);

    /* clipped: the spike adds clip - k = 3 to S+ (from 0), below h */
    cu_push(&c, spike, CU_CLIP, CU_RELEARN, &r);
    assert_true(r.ready);
    assert_double_near(r.score, CU_CLIP - CU_K, 0);
    assert_int_equal(r.lag, 0);
    for (int i = 0; i < CU_AFTER; i++) {
        cu_push(&c, CU_LEVEL + CU_SD * rng_normal(&g), CU_CLIP, CU_RELEARN, &r);
        assert_true(r.ready);
        assert_true(fabs(r.score) < CU_H);
    }
    /* unclipped, the same spike alone is an alarm */
    cu_push(&unclipped, spike, 1e9, CU_RELEARN, &ru);
    assert_true(ru.ready);
    assert_true(ru.score >= CU_H);
    cusum_clear(&c);
    cusum_clear(&unclipped);
}

/* Window 4: hand-computed sums, lag and start ts. */
static void test_cusum_hand_computed(void **state) {
    static const double base[] = {1, 3, 1, 3};
    struct cusum c;
    struct cusum_result r;
    double z;
    (void)state;

    assert_int_equal(cusum_init(&c, 4), 0);
    for (size_t i = 0; i < 4; i++) {
        cusum_push(&c, base[i], CU_TS(i), 0.5, 100, 4, 0, 4, 0, 0, &r);
        assert_false(r.ready);
        assert_double_near(r.score, 0, 0);
    }
    /* {1,3,1,3}: mean 2, sd 1; x 5: z 3 */
    cusum_push(&c, 5, CU_TS(4), 0.5, 100, 4, 0, 4, 0, 0, &r);
    assert_true(r.ready);
    assert_double_near(r.mean, 2, 1e-12);
    assert_double_near(r.std, 1, 1e-12);
    assert_double_near(r.score, 2.5, 1e-12);
    assert_int_equal(r.lag, 0);
    assert_int_equal(r.start_ts, CU_TS(4));
    /* {3,1,3,5}: mean 3, sd sqrt 2; x 3: z 0; S+ 2, started one point ago */
    cusum_push(&c, 3, CU_TS(5), 0.5, 100, 4, 0, 4, 0, 0, &r);
    assert_double_near(r.mean, 3, 1e-12);
    assert_double_near(r.std, sqrt(2), 1e-12);
    assert_double_near(r.score, 2.0, 1e-12);
    assert_int_equal(r.lag, 1);
    assert_int_equal(r.start_ts, CU_TS(4));
    /* {1,3,5,3}: mean 3, sd sqrt 2; x 0: z -3/sqrt 2; S+ drops to 0, S- leads from here */
    cusum_push(&c, 0, CU_TS(6), 0.5, 100, 4, 0, 4, 0, 0, &r);
    z = -3 / sqrt(2);
    assert_double_near(c.pos, 0, 0);
    assert_double_near(r.score, -(-z - 0.5), 1e-12);
    assert_int_equal(r.lag, 0);
    assert_int_equal(r.start_ts, CU_TS(6));
    /* {3,5,3,0}: mean 2.75, population var (0.0625+5.0625+0.0625+7.5625)/4 = 3.1875;
     * x 1: z = -1.75 / sqrt(3.1875), S- grows, its start stays */
    cusum_push(&c, 1, CU_TS(7), 0.5, 100, 4, 0, 4, 0, 0, &r);
    assert_double_near(r.mean, 2.75, 1e-12);
    assert_double_near(r.std, sqrt(3.1875), 1e-12);
    assert_double_near(r.score, -((-z - 0.5) + 1.75 / sqrt(3.1875) - 0.5), 1e-12);
    assert_int_equal(r.lag, 1);
    assert_int_equal(r.start_ts, CU_TS(6));
    cusum_clear(&c);
}

static void test_cusum_std_floor(void **state) {
    struct cusum c;
    struct cusum_result r;
    (void)state;

    assert_int_equal(cusum_init(&c, 5), 0);
    for (int i = 0; i < 5; i++)
        cusum_push(&c, 10, 0, 0.5, 100, 4, 0, 5, 1e-9, 0.1, &r);
    /* a flat window: sd 0, floored to 0.1 * |mean| = 1; x 12: z 2 */
    cusum_push(&c, 12, 0, 0.5, 100, 4, 0, 5, 1e-9, 0.1, &r);
    assert_true(r.ready);
    assert_double_near(r.std, 1.0, 1e-12);
    assert_double_near(r.score, 1.5, 1e-12);
    assert_int_equal(r.start_ts, 0);
    cusum_clear(&c);

    /* the absolute floor wins when it is the larger */
    assert_int_equal(cusum_init(&c, 5), 0);
    for (int i = 0; i < 5; i++)
        cusum_push(&c, 10, 0, 0.5, 100, 4, 0, 5, 4.0, 0.1, &r);
    cusum_push(&c, 12, 0, 0.5, 100, 4, 0, 5, 4.0, 0.1, &r);
    assert_double_near(r.std, 4.0, 0);
    assert_double_near(r.score, 0, 0); /* z 0.5 - k 0.5 */
    cusum_clear(&c);
}

/* After an alarm: exactly `relearn` points without a verdict, whatever the warm-up below it. */
static void test_cusum_relearn_silence(void **state) {
    static const size_t relearns[] = {0, 1, 7, 30};
    (void)state;

    for (size_t t = 0; t < sizeof relearns / sizeof relearns[0]; t++) {
        struct cusum c;
        struct cusum_result r;
        size_t silent = 0;
        assert_int_equal(cusum_init(&c, 10), 0);
        for (int i = 0; i < 10; i++)
            cusum_push(&c, i % 2 ? 11 : 9, 0, 0.5, 5, 4, relearns[t], 1, 0, 0, &r);
        cusum_push(&c, 100, 0, 0.5, 5, 1e9, relearns[t], 1, 0, 0, &r); /* an alarm */
        assert_true(r.score >= 5);
        assert_double_near(c.pos, 0, 0);
        assert_int_equal(c.relearn_left, relearns[t]);
        for (int i = 0; i < 40; i++) {
            cusum_push(&c, 100 + (i % 2), 0, 0.5, 5, 4, relearns[t], 1, 0, 0, &r);
            if (!r.ready) {
                assert_int_equal(silent, (size_t)i); /* the silent points come first */
                silent++;
            }
        }
        assert_int_equal(silent, relearns[t]);
        cusum_clear(&c);
    }
}

static void test_cusum_init_bounds(void **state) {
    struct cusum c;
    (void)state;

    assert_int_equal(cusum_init(&c, 0), -1);
    assert_int_equal(cusum_init(&c, STATS_WINDOW_MAX + 1), -1);
    assert_int_equal(cusum_init(&c, 2), 0);
    assert_int_equal(c.index, 0);
    assert_double_near(c.pos, 0, 0);
    assert_double_near(c.neg, 0, 0);
    assert_int_equal(c.relearn_left, 0);
    cusum_clear(&c);
    cusum_clear(&c); /* twice is safe */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cusum_step_up_one_alarm),
        cmocka_unit_test(test_cusum_step_down_negative),
        cmocka_unit_test(test_cusum_clip_stops_lone_spike),
        cmocka_unit_test(test_cusum_hand_computed),
        cmocka_unit_test(test_cusum_std_floor),
        cmocka_unit_test(test_cusum_relearn_silence),
        cmocka_unit_test(test_cusum_init_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

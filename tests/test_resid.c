/* test_resid.c - resid.h: exact scores on a small hand-computed series (local 3, window 5),
 * including the cached spread of a full window and its refresh; a spike scored high and the
 * point after it not; a level shift flagged for its first local/2 + 1 points and then followed;
 * the shift sums turning a move to an unvisited level into one anomaly that points back to its
 * start, but not a return to a level visited lately; the seasonal reference forgiving a jump
 * that happens every day at that time but not the same jump off schedule; the spread floor; init
 * bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "resid.h"
#include "season.h"
#include "rng.h"

#define RS_EPS 1e-12
#define RS_NO_SHIFT 1e9 /* an alarm level the shift sums never reach */
#define RS_TS0 1700000000000LL
#define RS_TS_STEP 1000LL

#define RS_TS(i) (RS_TS0 + (int64_t)(i) * RS_TS_STEP)

/* cmocka 1.1's assert_float_equal compares as float; these are doubles. */
#define assert_double_near(got, want, eps)                                                         \
    do {                                                                                           \
        double near_got_ = (got), near_want_ = (want);                                             \
        if (!(near_got_ == near_want_ || fabs(near_got_ - near_want_) <= (eps)))                   \
            fail_msg("%s = %.17g, expected %.17g (within %g)", #got, near_got_, near_want_,        \
                     (double)(eps));                                                               \
    } while (0)

static struct resid_tuning rs_tuning(size_t warmup, double threshold, double k, double h,
                                     double floor_abs, double floor_rel) {
    struct resid_tuning t;
    t.warmup = warmup;
    t.threshold = threshold;
    t.k = k;
    t.h = h;
    t.floor_abs = floor_abs;
    t.floor_rel = floor_rel;
    return t;
}

/* local 3, window 5, warm-up 3, no shift sums, floor 0.5. The level is the median of the last 3
 * values, the residual x - level; the spread the larger of 1.4826 * MAD and the 90th percentile
 * (nearest rank) of |residual - median| / 1.6449, re-estimated every point until the window is
 * full and then only every RESID_REFRESH points. */
static void test_resid_hand_computed(void **state) {
    static const struct {
        double x;
        int ready;
        double level, centre, spread;
    } rows[] = {
        {10, 0, 0, 0, 0}, /* 0: no level yet */
        {12, 0, 0, 0, 0}, /* 1: level 10, residual 2 */
        {11, 0, 0, 0, 0}, /* 2: level 11 (of 10,12), residual 0 */
        {14, 0, 0, 0, 0}, /* 3: level 11 (of 10,12,11), residual 3 */
        /* 4: level 12 (of 12,11,14), residual -2; window {2,0,3}: median 2, deviations
         * 0,2,1: MAD 1 -> 1.4826; 90th percentile 2 -> 1.2159: spread 1.4826 */
        {10, 1, 12, 2, 1 * 1.4826},
        /* 5: level 11 (of 11,14,10), residual 2; {2,0,3,-2}: median 1, deviations 1,1,2,3:
         * MAD 1.5 -> 2.2239; 90th percentile 3 -> 1.8238: spread 2.2239 */
        {13, 1, 11, 1, 1.5 * 1.4826},
        /* 6: the window is full ({2,0,3,-2,2}): the last estimate holds */
        {12, 1, 13, 1, 1.5 * 1.4826},
        /* 7: the spike: level 12 (of 10,13,12), residual 18 */
        {30, 1, 12, 1, 1.5 * 1.4826},
        /* 8: after it: level 13 (of 13,12,30: the spike does not move the median), residual -1 */
        {12, 1, 13, 1, 1.5 * 1.4826},
    };
    struct resid r;
    struct resid_result out;
    struct resid_tuning t = rs_tuning(3, 5, 1, RS_NO_SHIFT, 0.5, 0);
    double spike = 0, after = 0;
    size_t i;
    (void)state;

    assert_int_equal(resid_init(&r, 3, 5), 0);
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        resid_push(&r, rows[i].x, RS_TS(i), &t, NULL, &out);
        assert_int_equal(out.ready, rows[i].ready);
        assert_int_equal(out.lag, 0);
        assert_int_equal(out.start_ts, 0);
        if (!rows[i].ready) {
            assert_double_near(out.score, 0, 0);
            continue;
        }
        assert_double_near(out.level, rows[i].level, 0);
        assert_double_near(out.spread, rows[i].spread, RS_EPS);
        assert_double_near(out.score, (rows[i].x - rows[i].level - rows[i].centre) / rows[i].spread,
                           RS_EPS);
        if (i == 7)
            spike = out.score;
        if (i == 8)
            after = out.score;
    }
    assert_double_near(spike, 17 / (1.5 * 1.4826), RS_EPS);
    assert_double_near(after, -2 / (1.5 * 1.4826), RS_EPS);
    assert_true(spike > 5 && fabs(after) < 1); /* the spike stands out, the next point not */

    /* 12s from here: residuals 0. Rows 9..20 still use the estimate of row 5 (ages 2..16). */
    for (; i <= 20; i++) {
        resid_push(&r, 12, RS_TS(i), &t, NULL, &out);
        assert_double_near(out.level, 12, 0);
        assert_double_near(out.score, (0 - 1) / (1.5 * 1.4826), RS_EPS);
    }
    /* row 21: the refresh. Window {0,0,0,0,0}: centre 0, spread 0, floored to 0.5 */
    resid_push(&r, 13, RS_TS(i), &t, NULL, &out);
    assert_double_near(out.level, 12, 0);
    assert_double_near(out.spread, 0.5, 0);
    assert_double_near(out.score, 2, RS_EPS);
    resid_clear(&r);
}

/* A step of 20 SDs with local 9 and the shift sums off: the first 5 points (local / 2 + 1) are
 * far off, then the median has more new points than old and the level has followed. */
static void test_resid_level_follows(void **state) {
    static const uint64_t seeds[] = {1, 2, 3};
    struct resid_tuning t = rs_tuning(50, 5, 1, RS_NO_SHIFT, 1e-9, 0);
    (void)state;

    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        struct resid r;
        struct resid_result out;
        struct rng g;
        size_t local = 9, follow = local / 2 + 1;

        rng_seed(&g, seeds[s]);
        assert_int_equal(resid_init(&r, local, 500), 0);
        for (int i = 0; i < 300; i++) {
            resid_push(&r, 100 + rng_normal(&g), 0, &t, NULL, &out);
            assert_int_equal(out.ready, i > 50); /* 50 residuals, from the 2nd point on */
            if (out.ready)
                assert_true(fabs(out.score) < 6);
        }
        for (size_t i = 0; i < 60; i++) {
            resid_push(&r, 120 + rng_normal(&g), 0, &t, NULL, &out);
            assert_true(out.ready);
            if (i < follow ? !(out.score > 10)
                           : !(fabs(out.score) < 5 && fabs(out.level - 120) < 4))
                fail_msg("seed %llu, step point %zu: score %g, level %g",
                         (unsigned long long)seeds[s], i, out.score, out.level);
        }
        resid_clear(&r);
    }
}

#define RS_WINDOW 500
#define RS_T 5.0 /* threshold */
#define RS_K 1.0
#define RS_H 8.0

/* A move to a level not seen in the window (10 SDs) with the shift sums on: it stays an anomaly
 * after the local level has followed, every shift verdict pointing back to the step, and ends
 * once the window has taken in the new level. */
static void test_resid_shift_one_anomaly(void **state) {
    static const uint64_t seeds[] = {11, 12, 13};
    struct resid_tuning t = rs_tuning(50, RS_T, RS_K, RS_H, 1e-9, 0);
    (void)state;

    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        struct resid r;
        struct resid_result out;
        struct rng g;
        uint64_t step = 2 * RS_WINDOW, last_anomaly = 0;
        size_t shift_verdicts = 0;

        rng_seed(&g, seeds[s]);
        assert_int_equal(resid_init(&r, 9, RS_WINDOW), 0);
        for (uint64_t i = 0; i < step; i++) {
            resid_push(&r, 100 + rng_normal(&g), RS_TS(i), &t, NULL, &out);
            if (i > 60 && !(fabs(out.score) < RS_T))
                fail_msg("seed %llu, baseline point %llu: score %g", (unsigned long long)seeds[s],
                         (unsigned long long)i, out.score);
        }
        for (uint64_t i = step; i < step + 300; i++) {
            resid_push(&r, 110 + rng_normal(&g), RS_TS(i), &t, NULL, &out);
            assert_true(out.ready);
            if (fabs(out.score) >= RS_T)
                last_anomaly = i;
            else if (i < step + 5)
                fail_msg("seed %llu, step point %llu: score %g", (unsigned long long)seeds[s],
                         (unsigned long long)(i - step), out.score);
            if (out.lag > 0 || out.start_ts != 0) {
                shift_verdicts++;
                assert_true(out.score >= RS_T && out.score <= 2 * RS_T);
                assert_int_equal(out.lag, i - step);
                assert_int_equal(out.start_ts, RS_TS(step));
            }
        }
        /* the local part alone would have let go after 5 points; the sums fall back below h
         * (flickering around it on the way down) once the window holds the new level */
        if (!(shift_verdicts > 0 && last_anomaly >= step + 5 && last_anomaly < step + 60))
            fail_msg("seed %llu: %zu shift verdicts, last anomaly at step + %llu",
                     (unsigned long long)seeds[s], shift_verdicts,
                     (unsigned long long)(last_anomaly - step));
        resid_clear(&r);
    }
}

/* Two load phases, 100 and 110, taking turns every 150 points: once the window holds both,
 * a switch is no new level: the shift sums stay quiet (the local part still sees each switch
 * for local/2 + 1 points). */
static void test_resid_visited_levels_no_shift(void **state) {
    struct resid_tuning t = rs_tuning(50, RS_T, RS_K, RS_H, 1e-9, 0);
    struct resid r;
    struct resid_result out;
    struct rng g;
    size_t shift_verdicts = 0, flagged = 0;
    (void)state;

    rng_seed(&g, 21);
    assert_int_equal(resid_init(&r, 9, RS_WINDOW), 0);
    for (uint64_t i = 0; i < 4000; i++) {
        double level = (i / 150) % 2 ? 110 : 100;
        resid_push(&r, level + rng_normal(&g), RS_TS(i), &t, NULL, &out);
        if (i < 2 * RS_WINDOW)
            continue;
        shift_verdicts += out.lag > 0 || out.start_ts != 0;
        flagged += fabs(out.score) >= RS_T;
        if (fabs(out.score) >= RS_T && i % 150 >= 5)
            fail_msg("point %llu (%llu into its phase): score %g", (unsigned long long)i,
                     (unsigned long long)(i % 150), out.score);
    }
    assert_int_equal(shift_verdicts, 0);
    assert_true(flagged > 0); /* the switches themselves are seen */
    resid_clear(&r);
}

#define RS_PERIOD 96      /* points per "day" */
#define RS_SPAN 2         /* points either side of the same time yesterday */
#define RS_JUMP_SLOT 48   /* 10 before this slot, 50 from it; back to 10 at slot 0 */
#define RS_ODD_SLOT 20    /* where the jump comes off schedule, on the last day */
#define RS_DAYS 8

/* A pattern with a sharp jump at the same time every day: from day 1 the jump is judged
 * against yesterday's range around that time (season.h) and scores small; the same jump at
 * another time scores high; without the daily reference every jump is a surprise. */
static void test_resid_seasonal(void **state) {
    struct resid_tuning t = rs_tuning(20, RS_T, RS_K, RS_H, 1e-9, 0);
    struct resid r, plain;
    struct resid_result out, out_plain;
    struct season season;
    struct rng g;
    double off_schedule = 0, range[2];
    (void)state;

    rng_seed(&g, 17);
    assert_int_equal(resid_init(&r, 3, RS_WINDOW), 0);
    assert_int_equal(resid_init(&plain, 3, RS_WINDOW), 0);
    assert_int_equal(season_init(&season, RS_PERIOD), 0);
    for (size_t day = 0; day < RS_DAYS; day++) {
        for (size_t slot = 0; slot < RS_PERIOD; slot++) {
            int odd = day == RS_DAYS - 1 && slot == RS_ODD_SLOT;
            double x = (slot < RS_JUMP_SLOT ? 10 : 50) + rng_normal(&g) + (odd ? 40 : 0);
            int64_t ts = RS_TS(day * RS_PERIOD + slot);
            const double *ref = season_range(&season, &range[0], &range[1]) == 0 ? range : NULL;
            resid_push(&r, x, ts, &t, ref, &out);
            resid_push(&plain, x, ts, &t, NULL, &out_plain);
            season_push(&season, x);
            if (day >= 1 && slot > season.span)
                assert_non_null(ref);
            if (slot != RS_JUMP_SLOT && !odd)
                continue;
            assert_true(out_plain.ready);
            if (!(out_plain.score > 10))
                fail_msg("day %zu slot %zu: without a daily reference the jump scored %g", day,
                         slot, out_plain.score);
            if (odd)
                off_schedule = out.score;
            else if (day >= 2 && !(fabs(out.score) < 4))
                fail_msg("day %zu: the daily jump scored %g", day, out.score);
        }
    }
    if (!(off_schedule > 10))
        fail_msg("off-schedule jump scored %g", off_schedule);
    resid_clear(&r);
    resid_clear(&plain);
    season_clear(&season);
}

/* The spread floor: the larger of floor_abs and floor_rel * |level| replaces a small spread. */
static void test_resid_floor(void **state) {
    struct resid r;
    struct resid_result out;
    struct resid_tuning rel = rs_tuning(5, 5, 1, RS_NO_SHIFT, 0.5, 0.01);
    struct resid_tuning abs = rs_tuning(5, 5, 1, RS_NO_SHIFT, 5.0, 0.01);
    (void)state;

    assert_int_equal(resid_init(&r, 1, 10), 0);
    for (int i = 0; i < 6; i++)
        resid_push(&r, 200, 0, &rel, NULL, &out);
    /* flat: residuals all 0, spread 0; floor max(0.5, 0.01 * 200) = 2; x 206: score 6 / 2 */
    resid_push(&r, 206, 0, &rel, NULL, &out);
    assert_true(out.ready);
    assert_double_near(out.level, 200, 0);
    assert_double_near(out.spread, 2, 0);
    assert_double_near(out.score, 3, RS_EPS);
    /* local 1: the level is the previous point; the absolute floor is the larger now */
    resid_push(&r, 206, 0, &abs, NULL, &out);
    assert_double_near(out.level, 206, 0);
    assert_double_near(out.spread, 5, 0);
    assert_double_near(out.score, 0, 0); /* residual 0, centre 0 (five of six residuals 0) */
    resid_clear(&r);
}

static void test_resid_init_bounds(void **state) {
    static const struct {
        size_t local, window;
        int rc;
    } cases[] = {
        {0, 100, -1},
        {RESID_LOCAL_MAX + 1, 100, -1},
        {9, 0, -1},
        {9, 1, -1},
        {1, 2, 0},
        {RESID_LOCAL_MAX, 100, 0},
        {9, 100, 0},
    };
    (void)state;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct resid r;
        int rc = resid_init(&r, cases[i].local, cases[i].window);
        if (rc != cases[i].rc)
            fail_msg("case %zu (local %zu, window %zu): rc %d", i, cases[i].local,
                     cases[i].window, rc);
        if (rc == 0)
            assert_int_equal(r.level.ring.cap, cases[i].local);
        resid_clear(&r); /* after a failure too: nothing is left to free */
        resid_clear(&r); /* twice is safe */
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resid_hand_computed),
        cmocka_unit_test(test_resid_level_follows),
        cmocka_unit_test(test_resid_shift_one_anomaly),
        cmocka_unit_test(test_resid_visited_levels_no_shift),
        cmocka_unit_test(test_resid_seasonal),
        cmocka_unit_test(test_resid_floor),
        cmocka_unit_test(test_resid_init_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_phase.c - phase.h: the default cycle's exact phase sequence, rounding, the statistics of
 * each phase over long runs, seeding, offsets, the steps parser, spikes and clamping. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "phase.h"

#define PHASE_TEST_SEED 20240601
#define PHASE_TEST_CYCLES 400 /* 240,000 points of the default 600-tick cycle */
#define PHASE_TEST_ERR_MAX 128

/* The mean of |N(0, sd)|. */
static double half_normal_mean(double sd) { return sd * sqrt(2.0 / M_PI); }

static enum phase_kind default_phase_at(uint64_t tick) {
    uint64_t t = tick % 600;
    return t < 200 ? PHASE_NORMAL : t < 300 ? PHASE_RAMP_UP : t < 500 ? PHASE_HIGH : PHASE_RAMP_DOWN;
}

static void test_default_shape(void **state) {
    struct phase_shape s;
    (void)state;
    phase_default_shape(&s);
    assert_true(s.base == 200.0 && s.noise == 2.5 && s.high_offset == 25.0);
    assert_true(s.spike_prob == 0.01 && s.spike_scale == 10.0);
    assert_int_equal(s.noise_abs, 1);
    assert_int_equal(s.decimals, 2);
    assert_int_equal(s.nsteps, 4);
    assert_int_equal(phase_cycle_ticks(&s), 600);
}

static void test_exact_phase_sequence(void **state) {
    struct phase_shape s;
    struct phase_gen g;
    (void)state;
    phase_default_shape(&s);
    phase_init(&g, &s, PHASE_TEST_SEED, 0);
    for (uint64_t t = 0; t < 3 * 600; t++) {
        struct phase_sample out;
        phase_next(&g, &out);
        if (out.phase != default_phase_at(t))
            fail_msg("tick %llu: %s, expected %s", (unsigned long long)t, phase_name(out.phase),
                     phase_name(default_phase_at(t)));
    }
}

static void test_values_rounded(void **state) {
    struct phase_shape s;
    struct phase_gen g;
    (void)state;
    phase_default_shape(&s);
    phase_init(&g, &s, PHASE_TEST_SEED, 0);
    for (int t = 0; t < 6000; t++) {
        struct phase_sample out;
        phase_next(&g, &out);
        assert_true(out.value == round(out.value * 100) / 100);
    }
    s.decimals = 0;
    phase_init(&g, &s, PHASE_TEST_SEED, 0);
    for (int t = 0; t < 600; t++) {
        struct phase_sample out;
        phase_next(&g, &out);
        assert_true(out.value == floor(out.value));
    }
}

struct phase_tally {
    double sum[PHASE_KIND_COUNT], quarter_sum[PHASE_KIND_COUNT][4];
    uint64_t n[PHASE_KIND_COUNT], quarter_n[PHASE_KIND_COUNT][4];
    double spike_sum_normal;
    uint64_t spikes, spikes_normal, points;
    double normal_min;
};

/* Runs the default shape for PHASE_TEST_CYCLES cycles, tallying non-spike values by phase and by
 * quarter of the phase. */
static void phase_tally_run(struct phase_tally *t) {
    struct phase_shape s;
    struct phase_gen g;
    memset(t, 0, sizeof *t);
    t->normal_min = INFINITY;
    phase_default_shape(&s);
    phase_init(&g, &s, PHASE_TEST_SEED, 0);
    for (uint64_t tick = 0; tick < PHASE_TEST_CYCLES * 600; tick++) {
        struct phase_sample out;
        uint32_t in_step = g.in_step;
        uint32_t ticks = s.steps[g.step].ticks;
        int q = (int)(4 * in_step / ticks);
        phase_next(&g, &out);
        t->points++;
        if (out.label) {
            t->spikes++;
            if (out.phase == PHASE_NORMAL) {
                t->spikes_normal++;
                t->spike_sum_normal += out.value;
            }
            continue;
        }
        t->sum[out.phase] += out.value;
        t->n[out.phase]++;
        t->quarter_sum[out.phase][q] += out.value;
        t->quarter_n[out.phase][q]++;
        if (out.phase == PHASE_NORMAL && out.value < t->normal_min)
            t->normal_min = out.value;
    }
}

static void test_long_run_statistics(void **state) {
    struct phase_tally t;
    double normal_mean, high_mean, spike_rate;
    (void)state;
    phase_tally_run(&t);
    normal_mean = t.sum[PHASE_NORMAL] / (double)t.n[PHASE_NORMAL];
    high_mean = t.sum[PHASE_HIGH] / (double)t.n[PHASE_HIGH];
    spike_rate = (double)t.spikes / (double)t.points;

    assert_true(fabs(normal_mean - (200.0 + half_normal_mean(2.5))) < 0.1);
    assert_true(t.normal_min >= 200.0);
    assert_true(t.normal_min < 200.05); /* |noise| gets close to 0 */
    assert_true(fabs(high_mean - (225.0 + 2 * half_normal_mean(2.5))) < 0.1);
    assert_true(fabs(spike_rate - 0.01) < 0.002);
    /* spikes add |N(0, 10)| on top of NORMAL's level: about 800 of them, SE of the mean 0.2 */
    assert_true(fabs(t.spike_sum_normal / (double)t.spikes_normal -
                     (200.0 + half_normal_mean(2.5) + half_normal_mean(10.0))) < 1.0);
}

/* RAMP_UP climbs by high_offset/4 per quarter, RAMP_DOWN descends the same way. */
static void test_ramps_by_quarter(void **state) {
    struct phase_tally t;
    double up_prev = 0, down_prev = INFINITY;
    (void)state;
    phase_tally_run(&t);
    for (int q = 0; q < 4; q++) {
        double up = t.quarter_sum[PHASE_RAMP_UP][q] / (double)t.quarter_n[PHASE_RAMP_UP][q];
        double down = t.quarter_sum[PHASE_RAMP_DOWN][q] / (double)t.quarter_n[PHASE_RAMP_DOWN][q];
        /* mean of k = in_step/100 over the quarter's 25 ticks: (25q + 12)/100 */
        double k = (25.0 * q + 12.0) / 100.0;
        assert_true(up > up_prev);
        assert_true(down < down_prev);
        assert_true(fabs(up - (200.0 + half_normal_mean(2.5) + 25.0 * k)) < 0.1);
        assert_true(fabs(down - (200.0 + half_normal_mean(2.5) + 25.0 - 25.0 * k)) < 0.1);
        up_prev = up;
        down_prev = down;
    }
}

static void test_seed_determinism(void **state) {
    struct phase_shape s;
    struct phase_gen a, b, c;
    int same_as_c = 0;
    (void)state;
    phase_default_shape(&s);
    phase_init(&a, &s, 7, 0);
    phase_init(&b, &s, 7, 0);
    phase_init(&c, &s, 8, 0);
    for (int t = 0; t < 2000; t++) {
        struct phase_sample x, y, z;
        phase_next(&a, &x);
        phase_next(&b, &y);
        phase_next(&c, &z);
        assert_true(x.value == y.value);
        assert_int_equal(x.phase, y.phase);
        assert_int_equal(x.label, y.label);
        same_as_c += x.value == z.value;
    }
    assert_true(same_as_c < 200); /* 2-decimal values coincide now and then, not often */
}

struct offset_case {
    uint64_t offset;
    size_t step;
    uint32_t in_step;
    enum phase_kind first;
    uint32_t ticks_left; /* ticks until the phase changes */
    enum phase_kind next;
};

static void test_init_offset(void **state) {
    static const struct offset_case cases[] = {
        {0, 0, 0, PHASE_NORMAL, 200, PHASE_RAMP_UP},
        {199, 0, 199, PHASE_NORMAL, 1, PHASE_RAMP_UP},
        {200, 1, 0, PHASE_RAMP_UP, 100, PHASE_HIGH},
        {250, 1, 50, PHASE_RAMP_UP, 50, PHASE_HIGH},
        {499, 2, 199, PHASE_HIGH, 1, PHASE_RAMP_DOWN},
        {599, 3, 99, PHASE_RAMP_DOWN, 1, PHASE_NORMAL},
        {600, 0, 0, PHASE_NORMAL, 200, PHASE_RAMP_UP},
        {1000000000000ULL, 2, 100, PHASE_HIGH, 100, PHASE_RAMP_DOWN}, /* 1e12 % 600 = 400 */
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct phase_shape s;
        struct phase_gen g;
        struct phase_sample out;
        phase_default_shape(&s);
        phase_init(&g, &s, 1, cases[i].offset);
        assert_int_equal(g.step, cases[i].step);
        assert_int_equal(g.in_step, cases[i].in_step);
        for (uint32_t k = 0; k < cases[i].ticks_left; k++) {
            phase_next(&g, &out);
            assert_int_equal(out.phase, cases[i].first);
        }
        phase_next(&g, &out);
        assert_int_equal(out.phase, cases[i].next);
    }
}

/* Mid-ramp the level is base + high_offset * in_step / ticks. */
static void test_ramp_level_at_offset(void **state) {
    struct phase_shape s;
    struct phase_gen g;
    struct phase_sample out;
    (void)state;
    phase_default_shape(&s);
    s.noise = 0;
    s.spike_prob = 0;
    phase_init(&g, &s, 1, 250);
    phase_next(&g, &out);
    assert_true(out.value == 212.5);
    phase_init(&g, &s, 1, 550);
    phase_next(&g, &out);
    assert_true(out.value == 212.5);
    phase_init(&g, &s, 1, 300);
    phase_next(&g, &out);
    assert_true(out.value == 225.0);
    phase_init(&g, &s, 1, 0);
    phase_next(&g, &out);
    assert_true(out.value == 200.0);
}

static void test_parse_steps_good(void **state) {
    struct phase_shape s;
    char err[PHASE_TEST_ERR_MAX];
    char text[PHASE_STEPS_MAX * 12];
    size_t n = 0;
    (void)state;
    phase_default_shape(&s);
    assert_int_equal(phase_parse_steps("HIGH:1,NORMAL:1000000000", &s, err, sizeof err), 0);
    assert_int_equal(s.nsteps, 2);
    assert_int_equal(s.steps[0].kind, PHASE_HIGH);
    assert_int_equal(s.steps[0].ticks, 1);
    assert_int_equal(s.steps[1].kind, PHASE_NORMAL);
    assert_int_equal(s.steps[1].ticks, PHASE_TICKS_MAX);
    assert_int_equal(phase_parse_steps("NORMAL:200,RAMP_UP:100,HIGH:200,RAMP_DOWN:100", &s, err,
                                       sizeof err),
                     0);
    assert_int_equal(s.nsteps, 4);
    assert_int_equal(phase_cycle_ticks(&s), 600);
    assert_int_equal(s.steps[3].kind, PHASE_RAMP_DOWN);
    for (int i = 0; i < PHASE_STEPS_MAX; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%sRAMP_UP:%d", i ? "," : "", i + 1);
    assert_int_equal(phase_parse_steps(text, &s, err, sizeof err), 0);
    assert_int_equal(s.nsteps, PHASE_STEPS_MAX);
    assert_int_equal(s.steps[PHASE_STEPS_MAX - 1].ticks, PHASE_STEPS_MAX);
}

struct steps_bad {
    const char *text;
    const char *err; /* the whole message */
};

static void test_parse_steps_bad(void **state) {
    static const struct steps_bad cases[] = {
        {"", "expected NAME:TICKS, got \"\""},
        {"NORMAL", "expected NAME:TICKS, got \"NORMAL\""},
        {"NORMAL:5,", "expected NAME:TICKS, got \"\""},
        {"NORMAL:5,,HIGH:5", "expected NAME:TICKS, got \"\""},
        {"NORMAL:5,HIGH", "expected NAME:TICKS, got \"HIGH\""},
        {"LOW:5", "unknown phase \"LOW\" (NORMAL, RAMP_UP, HIGH, RAMP_DOWN)"},
        {"normal:5", "unknown phase \"normal\" (NORMAL, RAMP_UP, HIGH, RAMP_DOWN)"},
        {":5", "unknown phase \"\" (NORMAL, RAMP_UP, HIGH, RAMP_DOWN)"},
        {"NORMAL :5", "unknown phase \"NORMAL \" (NORMAL, RAMP_UP, HIGH, RAMP_DOWN)"},
        {"NORMAL:0", "phase NORMAL: ticks must be 1..1000000000"},
        {"HIGH:1000000001", "phase HIGH: ticks must be 1..1000000000"},
        {"RAMP_UP:abc", "phase RAMP_UP: ticks must be 1..1000000000"},
        {"RAMP_DOWN:-5", "phase RAMP_DOWN: ticks must be 1..1000000000"},
        {"NORMAL:", "phase NORMAL: ticks must be 1..1000000000"},
        {"NORMAL:5:5", "phase NORMAL: ticks must be 1..1000000000"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct phase_shape s, before;
        char err[PHASE_TEST_ERR_MAX] = "";
        phase_default_shape(&s);
        before = s;
        assert_int_equal(phase_parse_steps(cases[i].text, &s, err, sizeof err), -1);
        assert_string_equal(err, cases[i].err);
        assert_memory_equal(&s, &before, sizeof s); /* untouched */
    }
}

static void test_parse_steps_too_many(void **state) {
    char text[(PHASE_STEPS_MAX + 1) * 12], err[PHASE_TEST_ERR_MAX];
    struct phase_shape s, before;
    size_t n = 0;
    (void)state;
    for (int i = 0; i <= PHASE_STEPS_MAX; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%sHIGH:1", i ? "," : "");
    phase_default_shape(&s);
    before = s;
    assert_int_equal(phase_parse_steps(text, &s, err, sizeof err), -1);
    assert_string_equal(err, "at most 32 phases");
    assert_memory_equal(&s, &before, sizeof s);
}

static void test_no_spikes(void **state) {
    struct phase_shape s;
    struct phase_gen g;
    (void)state;
    phase_default_shape(&s);
    s.spike_prob = 0;
    phase_init(&g, &s, PHASE_TEST_SEED, 0);
    for (int t = 0; t < 60000; t++) {
        struct phase_sample out;
        phase_next(&g, &out);
        assert_int_equal(out.label, 0);
        if (out.phase == PHASE_NORMAL)
            assert_true(out.value >= 200.0 && out.value < 200.0 + 6 * 2.5);
    }
}

static void test_clamping(void **state) {
    struct phase_shape s;
    struct phase_gen g;
    int at_max = 0, at_min = 0;
    (void)state;
    phase_default_shape(&s);
    s.max = 201.0;
    phase_init(&g, &s, 3, 0);
    for (int t = 0; t < 6000; t++) {
        struct phase_sample out;
        phase_next(&g, &out);
        assert_true(out.value <= 201.0);
        at_max += out.value == 201.0;
    }
    assert_true(at_max > 3000); /* every HIGH point and most others */

    phase_default_shape(&s);
    s.base = 0;
    s.noise = 1;
    s.noise_abs = 0;
    s.spike_prob = 0;
    s.min = 0;
    phase_parse_steps("NORMAL:1", &s, NULL, 0);
    phase_init(&g, &s, 3, 0);
    for (int t = 0; t < 10000; t++) {
        struct phase_sample out;
        phase_next(&g, &out);
        assert_true(out.value >= 0.0);
        at_min += out.value == 0.0;
    }
    assert_in_range(at_min, 4700, 5300); /* half of N(0, 1) is negative */
}

/* With noise_abs 0 the noise is symmetric: the mean stays at the base. */
static void test_signed_noise(void **state) {
    struct phase_shape s;
    struct phase_gen g;
    double sum = 0;
    int below = 0;
    enum { N = 40000 };
    (void)state;
    phase_default_shape(&s);
    s.base = 50;
    s.noise = 4;
    s.noise_abs = 0;
    s.spike_prob = 0;
    s.decimals = 6;
    assert_int_equal(phase_parse_steps("NORMAL:10", &s, NULL, 0), 0);
    phase_init(&g, &s, 11, 0);
    for (int t = 0; t < N; t++) {
        struct phase_sample out;
        phase_next(&g, &out);
        sum += out.value;
        below += out.value < 50;
    }
    assert_true(fabs(sum / N - 50.0) < 0.1); /* SE 0.02 */
    assert_in_range(below, N / 2 - 600, N / 2 + 600);
}

static void test_phase_names(void **state) {
    (void)state;
    assert_string_equal(phase_name(PHASE_NORMAL), "NORMAL");
    assert_string_equal(phase_name(PHASE_RAMP_UP), "RAMP_UP");
    assert_string_equal(phase_name(PHASE_HIGH), "HIGH");
    assert_string_equal(phase_name(PHASE_RAMP_DOWN), "RAMP_DOWN");
    assert_string_equal(phase_name(PHASE_KIND_COUNT), "?");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_shape),
        cmocka_unit_test(test_exact_phase_sequence),
        cmocka_unit_test(test_values_rounded),
        cmocka_unit_test(test_long_run_statistics),
        cmocka_unit_test(test_ramps_by_quarter),
        cmocka_unit_test(test_seed_determinism),
        cmocka_unit_test(test_init_offset),
        cmocka_unit_test(test_ramp_level_at_offset),
        cmocka_unit_test(test_parse_steps_good),
        cmocka_unit_test(test_parse_steps_bad),
        cmocka_unit_test(test_parse_steps_too_many),
        cmocka_unit_test(test_no_spikes),
        cmocka_unit_test(test_clamping),
        cmocka_unit_test(test_signed_noise),
        cmocka_unit_test(test_phase_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

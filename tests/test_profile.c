/* test_profile.c - profile.h: the built-in profiles' series, units, keys and shapes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "profile.h"

static void test_response_profile(void **state) {
    struct profile_series out[PROFILE_SERIES_MAX];
    struct phase_shape want;
    (void)state;
    assert_int_equal(profile_series(PROFILE_RESPONSE, out), 1);
    assert_null(out[0].name);
    assert_string_equal(out[0].unit, "");
    assert_int_equal(out[0].key, CODEC_KEY_RESPONSE_TIME);
    phase_default_shape(&want);
    assert_memory_equal(&out[0].shape, &want, sizeof want);
    /* the original's numbers */
    assert_true(out[0].shape.base == 200.0);
    assert_true(out[0].shape.noise == 2.5);
    assert_int_equal(out[0].shape.noise_abs, 1);
    assert_true(out[0].shape.high_offset == 25.0);
    assert_true(out[0].shape.spike_prob == 0.01);
    assert_true(out[0].shape.spike_scale == 10.0);
    assert_int_equal(phase_cycle_ticks(&out[0].shape), 600);
}

struct system_want {
    const char *name, *unit;
    double base, noise;
    int noise_abs;
    double high_offset, spike_prob, spike_scale, max;
    uint32_t ticks[4];
};

static void test_system_profile(void **state) {
    static const struct system_want want[] = {
        {"cpu", "%", 25, 4, 0, 45, 0.005, 25, 100, {300, 30, 120, 30}},
        {"memory", "%", 45, 0.4, 0, 30, 0.002, 5, 100, {200, 400, 50, 5}},
        {"disk", "MB/s", 8, 3, 1, 60, 0.01, 80, INFINITY, {250, 10, 40, 10}},
        {"network", "KB/s", 300, 40, 0, 900, 0.005, 600, INFINITY, {400, 50, 150, 50}},
    };
    static const enum phase_kind kinds[4] = {PHASE_NORMAL, PHASE_RAMP_UP, PHASE_HIGH,
                                             PHASE_RAMP_DOWN};
    struct profile_series out[PROFILE_SERIES_MAX];
    (void)state;
    assert_int_equal(profile_series(PROFILE_SYSTEM, out), 4);
    for (size_t i = 0; i < 4; i++) {
        const struct phase_shape *s = &out[i].shape;
        assert_string_equal(out[i].name, want[i].name);
        assert_string_equal(out[i].unit, want[i].unit);
        assert_int_equal(codec_series_valid(out[i].name, strlen(out[i].name)), 1);
        assert_true(strlen(out[i].unit) <= CODEC_UNIT_MAX);
        assert_int_equal(out[i].key, CODEC_KEY_VALUE);
        assert_true(s->base == want[i].base);
        assert_true(s->noise == want[i].noise);
        assert_int_equal(s->noise_abs, want[i].noise_abs);
        assert_true(s->high_offset == want[i].high_offset);
        assert_true(s->spike_prob == want[i].spike_prob);
        assert_true(s->spike_scale == want[i].spike_scale);
        assert_true(s->min == 0.0);
        assert_true(s->max == want[i].max);
        assert_int_equal(s->decimals, 2);
        assert_int_equal(s->nsteps, 4);
        for (size_t k = 0; k < 4; k++) {
            assert_int_equal(s->steps[k].kind, kinds[k]);
            assert_int_equal(s->steps[k].ticks, want[i].ticks[k]);
        }
    }
}

/* The host metrics stay inside their range over a few cycles: percentages in [0, 100]. */
static void test_system_values_in_range(void **state) {
    struct profile_series out[PROFILE_SERIES_MAX];
    size_t n;
    (void)state;
    n = profile_series(PROFILE_SYSTEM, out);
    for (size_t i = 0; i < n; i++) {
        struct phase_gen g;
        phase_init(&g, &out[i].shape, 17 + i, 0);
        for (uint64_t t = 0; t < 3 * phase_cycle_ticks(&out[i].shape); t++) {
            struct phase_sample v;
            phase_next(&g, &v);
            assert_true(v.value >= 0.0);
            assert_true(v.value <= out[i].shape.max);
        }
    }
}

static void test_profile_names(void **state) {
    (void)state;
    assert_string_equal(profile_name(PROFILE_RESPONSE), "response");
    assert_string_equal(profile_name(PROFILE_SYSTEM), "system");
    assert_string_equal(profile_name(PROFILE_COUNT), "?");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_response_profile),
        cmocka_unit_test(test_system_profile),
        cmocka_unit_test(test_system_values_in_range),
        cmocka_unit_test(test_profile_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_detect.c - detect.h: verdicts per series, anomalies counted by severity, the anomaly
 * record's content, independent series, and the episode layer's reporting. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "detect.h"

#define DETECT_TEST_ERR_MAX 128

#define assert_near(got, want, eps)                                                                \
    do {                                                                                           \
        double near_got_ = (got), near_want_ = (want);                                             \
        if (!(fabs(near_got_ - near_want_) <= (eps)))                                              \
            fail_msg("%s = %.17g, expected %.17g", #got, near_got_, near_want_);                   \
    } while (0)

/* sma, window and warm-up 4, threshold 2, every deviating point reported (a per-point
 * detector). */
static void detect_test_conf(struct detect_conf *c) {
    detect_conf_default(c, SCORE_SMA);
    episode_params_default(&c->episode);
    c->score.window = c->score.warmup = 4;
    c->score.threshold = 2.0;
}

static void detect_test_init(struct detect *d, const struct detect_conf *c) {
    char err[DETECT_TEST_ERR_MAX] = "";
    if (detect_init(d, c, 100, err, sizeof err) != 0)
        fail_msg("detect_init: %s", err);
}

static void detect_point(struct point *p, const char *series, double value) {
    memset(p, 0, sizeof *p);
    snprintf(p->series, sizeof p->series, "%s", series);
    p->value = value;
}

static void detect_push_value(struct detect *d, const char *series, double value,
                              struct detect_result *r, struct anomaly *a) {
    struct point p;
    detect_point(&p, series, value);
    detect_push(d, &p, r, a);
}

/* After 1, 2, 3, 4 the baseline is mean 2.5, SD sqrt(1.25): the fifth value sits z SDs away. */
static double detect_at_z(double z) { return 2.5 + z * sqrt(1.25); }

static void detect_warm(struct detect *d, const char *series) {
    struct detect_result r;
    for (int x = 1; x <= 4; x++) {
        detect_push_value(d, series, x, &r, NULL);
        assert_int_equal(r.v.ready, 0);
        assert_int_equal(r.ep.flagged, 0);
    }
}

static void test_counts_by_severity(void **state) {
    static const struct {
        const char *series;
        double z;
        enum severity sev;
    } cases[] = {
        {"calm", 1.0, SEV_NONE},
        {"low", 2.5, SEV_LOW},
        {"medium", 3.5, SEV_MEDIUM},
        {"high", 5.0, SEV_HIGH},
        {"high2", -9.0, SEV_HIGH},
    };
    struct detect_conf c;
    struct detect d;
    (void)state;
    detect_test_conf(&c);
    detect_test_init(&d, &c);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct detect_result r;
        detect_warm(&d, cases[i].series);
        detect_push_value(&d, cases[i].series, detect_at_z(cases[i].z), &r, NULL);
        assert_int_equal(r.v.ready, 1);
        assert_near(r.v.score, cases[i].z, 1e-12);
        assert_int_equal(r.v.severity, cases[i].sev);
        assert_int_equal(r.v.anomaly, cases[i].sev != SEV_NONE);
        assert_int_equal(r.ep.flagged, cases[i].sev != SEV_NONE);
        assert_non_null(r.series);
        assert_string_equal(r.series->name, cases[i].series);
        assert_int_equal(r.series->points, 5);
        assert_int_equal(r.series->anomalies, cases[i].sev != SEV_NONE);
    }
    assert_int_equal(d.points, 25);
    assert_int_equal(d.deviating, 4);
    assert_int_equal(d.flagged[SEV_NONE], 0);
    assert_int_equal(d.flagged[SEV_LOW], 1);
    assert_int_equal(d.flagged[SEV_MEDIUM], 1);
    assert_int_equal(d.flagged[SEV_HIGH], 2);
    assert_int_equal(detect_flagged_total(&d), 4);
    assert_int_equal(d.episodes, 4);
    assert_int_equal(d.table.len, 5);
    detect_clear(&d);
}

/* The anomaly message carries the point as received plus the detector's view of it. */
static void test_anomaly_record(void **state) {
    struct detect_conf c;
    struct detect d;
    struct detect_result r;
    struct anomaly a;
    struct point p;
    (void)state;
    detect_test_conf(&c);
    detect_test_init(&d, &c);
    detect_warm(&d, "web-1");
    detect_point(&p, "web-1", 10);
    p.seq = 99;
    p.ts = 1396310700000LL;
    p.label = 1;
    p.has = CODEC_HAS_SEQ | CODEC_HAS_TS | CODEC_HAS_LABEL;
    strcpy(p.phase, "HIGH");
    strcpy(p.unit, "ms");
    p.value_key = CODEC_KEY_RESPONSE_TIME;
    memset(&a, 0x55, sizeof a);
    detect_push(&d, &p, &r, &a);
    assert_int_equal(r.ep.flagged, 1);
    assert_memory_equal(&a.pt, &p, sizeof p);
    assert_string_equal(a.detector, "sma");
    assert_true(a.threshold == 2.0);
    assert_true(a.mean == 2.5);
    assert_near(a.std, sqrt(1.25), 1e-15);
    assert_true(a.score == r.v.score);
    assert_near(a.score, 7.5 / sqrt(1.25), 1e-12);
    assert_int_equal(a.severity, SEV_HIGH);

    /* a point that is not flagged leaves *a alone; a may also be NULL */
    memset(&a, 0x55, sizeof a);
    {
        struct anomaly before = a;
        detect_push_value(&d, "web-1", 4.75, &r, &a); /* the new mean: z = 0 */
        assert_int_equal(r.ep.flagged, 0);
        assert_memory_equal(&a, &before, sizeof a);
    }
    detect_push_value(&d, "web-1", 1000, &r, NULL);
    assert_int_equal(r.ep.flagged, 1);
    detect_clear(&d);
}

/* Interleaved series do not see each other's points. */
static void test_independent_series(void **state) {
    struct detect_conf c;
    struct detect d;
    struct detect_result r;
    (void)state;
    detect_test_conf(&c);
    detect_test_init(&d, &c);
    for (int x = 1; x <= 4; x++) {
        detect_push_value(&d, "x", x, &r, NULL);
        detect_push_value(&d, "y", 100.0 * x, &r, NULL);
    }
    detect_push_value(&d, "x", 2.5, &r, NULL);
    assert_true(r.v.mean == 2.5);
    assert_near(r.v.std, sqrt(1.25), 1e-15);
    assert_true(r.v.score == 0);
    detect_push_value(&d, "y", 250, &r, NULL);
    assert_true(r.v.mean == 250);
    assert_near(r.v.std, 100 * sqrt(1.25), 1e-12);
    /* a new series starts its own warm-up */
    detect_push_value(&d, "z", 1e9, &r, NULL);
    assert_int_equal(r.v.ready, 0);
    assert_int_equal(d.table.len, 3);
    detect_clear(&d);
}

/* Reporting episodes: a run of deviating points is reported when it opens and when its severity
 * rises, not for every point. */
static void test_episode_reporting(void **state) {
    struct detect_conf c;
    struct detect d;
    struct detect_result r;
    (void)state;
    detect_test_conf(&c);
    c.episode.report = EPISODE_REPORT_EPISODES;
    detect_test_init(&d, &c);
    detect_warm(&d, "s");
    detect_push_value(&d, "s", detect_at_z(2.5), &r, NULL); /* low: opens */
    assert_int_equal(r.ep.flagged, 1);
    assert_int_equal(r.ep.event, EPISODE_OPEN);
    assert_int_equal(r.v.severity, SEV_LOW);
    /* baseline 2, 3, 4, 5.2951: mean 3.5738, SD 1.2197; 6.6 is z 2.48, still low */
    detect_push_value(&d, "s", 6.6, &r, NULL);
    assert_int_equal(r.v.anomaly, 1);
    assert_int_equal(r.v.severity, SEV_LOW);
    assert_int_equal(r.ep.flagged, 0);
    detect_push_value(&d, "s", 1000, &r, NULL); /* high: an update */
    assert_int_equal(r.ep.flagged, 1);
    assert_int_equal(r.ep.event, EPISODE_UPDATE);
    assert_int_equal(d.deviating, 3);
    assert_int_equal(d.flagged[SEV_LOW], 1);
    assert_int_equal(d.flagged[SEV_HIGH], 1);
    assert_int_equal(detect_flagged_total(&d), 2);
    assert_int_equal(d.episodes, 1);
    detect_clear(&d);
}

static void test_init_refuses_bad_conf(void **state) {
    struct detect_conf c;
    struct detect d;
    char err[DETECT_TEST_ERR_MAX] = "";
    (void)state;
    detect_test_conf(&c);
    c.score.window = 1;
    assert_int_equal(detect_init(&d, &c, 10, err, sizeof err), -1);
    assert_string_equal(err, "window must be 2..100000");
    detect_clear(&d); /* safe after a failed init */
    detect_test_conf(&c);
    c.episode.end_ratio = 0;
    assert_int_equal(detect_init(&d, &c, 10, err, sizeof err), -1);
    assert_string_equal(err, "end ratio must be in (0, 1]");
    detect_clear(&d);
}

static void test_clear_twice(void **state) {
    struct detect_conf c;
    struct detect d;
    struct detect_result r;
    (void)state;
    detect_test_conf(&c);
    detect_test_init(&d, &c);
    detect_push_value(&d, "a", 1, &r, NULL);
    detect_clear(&d);
    detect_clear(&d);
    assert_int_equal(d.table.len, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_by_severity),
        cmocka_unit_test(test_anomaly_record),
        cmocka_unit_test(test_independent_series),
        cmocka_unit_test(test_episode_reporting),
        cmocka_unit_test(test_init_refuses_bad_conf),
        cmocka_unit_test(test_clear_twice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

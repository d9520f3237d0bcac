/* test_model.c - the visualizer's model: windows, per-column aggregation, the ring moving with
 * time, anomaly markers and bands, the log, counters, rates, eviction, filtering, re-bucketing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "model.h"

/* ---- helpers ---- */

static struct point pt(const char *series, double v) {
    struct point p;
    memset(&p, 0, sizeof p);
    snprintf(p.series, sizeof p.series, "%s", series);
    p.value = v;
    return p;
}

static struct point pt_seq(const char *series, double v, int64_t seq) {
    struct point p = pt(series, v);
    p.seq = seq;
    p.has |= CODEC_HAS_SEQ;
    return p;
}

static struct point pt_ts(const char *series, double v, int64_t ts) {
    struct point p = pt(series, v);
    p.ts = ts;
    p.has |= CODEC_HAS_TS;
    return p;
}

static struct anomaly an(const struct point *p, enum severity sev, double score) {
    struct anomaly a;
    memset(&a, 0, sizeof a);
    a.pt = *p;
    a.severity = sev;
    a.score = score;
    return a;
}

static void init_points(struct model *m, long points, size_t cols, size_t max_series) {
    struct model_window w = {MODEL_POINTS, points};
    char err[128];
    assert_int_equal(model_init(m, &w, cols, max_series, NULL, err, sizeof err), 0);
}

static void init_seconds(struct model *m, long secs, size_t cols) {
    struct model_window w = {MODEL_SECONDS, secs};
    char err[128];
    assert_int_equal(model_init(m, &w, cols, 8, NULL, err, sizeof err), 0);
}

static const struct model_series *series(const struct model *m, const char *name) {
    const struct model_series *s = model_find(m, name);
    assert_non_null(s);
    return s;
}

static void assert_bucket(const struct model *m, const struct model_series *s, size_t col,
                          uint64_t n, double min, double max, double last) {
    const struct model_bucket *b = model_bucket(m, s, col);
    assert_int_equal(b->n, n);
    if (n) {
        assert_float_equal(b->min, min, 1e-12);
        assert_float_equal(b->max, max, 1e-12);
        assert_float_equal(b->last, last, 1e-12);
    }
}

/* ---- windows ---- */

static void test_window_parse_good(void **state) {
    static const struct {
        const char *text;
        enum model_unit unit;
        long amount;
    } cases[] = {
        {"60", MODEL_SECONDS, 60},   {"60s", MODEL_SECONDS, 60},    {"5m", MODEL_SECONDS, 300},
        {"1h", MODEL_SECONDS, 3600}, {"24h", MODEL_SECONDS, 86400}, {"1", MODEL_SECONDS, 1},
        {"500p", MODEL_POINTS, 500}, {"10p", MODEL_POINTS, 10},     {"1000000p", MODEL_POINTS, 1000000},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct model_window w;
        char err[256];
        assert_int_equal(model_window_parse(cases[i].text, &w, err, sizeof err), 0);
        assert_int_equal(w.unit, cases[i].unit);
        assert_int_equal(w.amount, cases[i].amount);
    }
}

static void test_window_parse_bad(void **state) {
    static const char *const bad[] = {"",   "0",  "abc", "10x",  "5p", "25h", "86401", "-5",
                                      "1.5", "s", "p",   " 60", "60 ", "1000001p", "0p", "1e3"};
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct model_window w = {MODEL_POINTS, 777};
        char err[256];
        char want[300];
        assert_int_equal(model_window_parse(bad[i], &w, err, sizeof err), -1);
        assert_int_equal(w.amount, 777); /* untouched */
        snprintf(want, sizeof want,
                 "expected seconds (60, 60s, 5m, 1h; 1s..24h) or points (500p; 10p..1000000p), "
                 "got \"%s\"",
                 bad[i]);
        assert_string_equal(err, want);
    }
}

static void test_window_format(void **state) {
    static const struct {
        enum model_unit unit;
        long amount;
        const char *text;
    } cases[] = {{MODEL_SECONDS, 60, "1m"},  {MODEL_SECONDS, 90, "1m30s"},
                 {MODEL_SECONDS, 45, "45s"}, {MODEL_SECONDS, 3600, "1h"},
                 {MODEL_SECONDS, 3605, "1h5s"}, {MODEL_SECONDS, 0, "0s"},
                 {MODEL_POINTS, 500, "500 pts"}};
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct model_window w = {cases[i].unit, cases[i].amount};
        char buf[MODEL_WINDOW_TEXT_MAX];
        model_window_format(&w, buf);
        assert_string_equal(buf, cases[i].text);
    }
}

static void test_window_zoom(void **state) {
    struct model_window w = {MODEL_SECONDS, 60};
    (void)state;
    assert_int_equal(model_window_zoom(&w, -1), 1);
    assert_int_equal(w.amount, 30);
    assert_int_equal(model_window_zoom(&w, -1), 1);
    assert_int_equal(w.amount, 15);
    assert_int_equal(model_window_zoom(&w, 1), 1);
    assert_int_equal(w.amount, 30);
    w.amount = 45; /* off the ladder: to the neighbours */
    assert_int_equal(model_window_zoom(&w, 1), 1);
    assert_int_equal(w.amount, 60);
    w.amount = 45;
    assert_int_equal(model_window_zoom(&w, -1), 1);
    assert_int_equal(w.amount, 30);
    w.amount = 1;
    assert_int_equal(model_window_zoom(&w, -1), 0);
    assert_int_equal(w.amount, 1);
    w.amount = 86400;
    assert_int_equal(model_window_zoom(&w, 1), 0);
    assert_int_equal(w.amount, 86400);
    w = (struct model_window){MODEL_POINTS, 500};
    assert_int_equal(model_window_zoom(&w, -1), 1);
    assert_int_equal(w.amount, 200);
    assert_int_equal(model_window_zoom(&w, 1), 1);
    assert_int_equal(w.amount, 500);
    assert_int_equal(model_window_zoom(&w, 1), 1);
    assert_int_equal(w.amount, 1000);
}

static void test_init_errors(void **state) {
    struct model m;
    struct model_window ok = {MODEL_SECONDS, 60}, bad_s = {MODEL_SECONDS, 0},
                        bad_p = {MODEL_POINTS, 9};
    char err[256];
    (void)state;
    assert_int_equal(model_init(&m, &bad_s, 10, 8, NULL, err, sizeof err), -1);
    assert_string_equal(err, "window out of range");
    assert_int_equal(model_init(&m, &bad_p, 10, 8, NULL, err, sizeof err), -1);
    assert_int_equal(model_init(&m, &ok, 0, 8, NULL, err, sizeof err), -1);
    assert_string_equal(err, "expected 1..4096 columns, got 0");
    assert_int_equal(model_init(&m, &ok, MODEL_COLS_MAX + 1, 8, NULL, err, sizeof err), -1);
    assert_int_equal(model_init(&m, &ok, 10, 0, NULL, err, sizeof err), -1);
    assert_string_equal(err, "expected 1..256 series, got 0");
    assert_int_equal(model_init(&m, &ok, 10, MODEL_SERIES_MAX + 1, NULL, err, sizeof err), -1);
    assert_int_equal(model_init(&m, &ok, 10, 8, "web,bad name", err, sizeof err), -1);
    assert_string_equal(err,
                        "\"bad name\" is not a series name (1-64 of A-Z a-z 0-9 _ - . : / @)");
    assert_int_equal(model_init(&m, &ok, 10, 8, "web,", err, sizeof err), -1);
    assert_string_equal(err, "\"\" is not a series name (1-64 of A-Z a-z 0-9 _ - . : / @)");
    assert_int_equal(model_filter_check("web,api,db.1", err, sizeof err), 0);
}

/* ---- aggregation ---- */

static void test_points_window_aggregates_per_column(void **state) {
    struct model m;
    const struct model_series *s;
    struct model_summary sum;
    (void)state;
    init_points(&m, 100, 10, 8); /* 10 points per column */
    assert_int_equal(m.units, 100);
    for (int i = 0; i < 25; i++) {
        struct point p = pt_seq("web", (double)((i * 7) % 25), i);
        model_push_point(&m, &p, 1000);
    }
    s = series(&m, "web");
    assert_int_equal(s->points, 25);
    assert_int_equal(s->newest, 2);
    /* points 0..9: values i*7 % 25 = 0 7 14 21 3 10 17 24 6 13 */
    assert_bucket(&m, s, 7, 10, 0, 24, 13);
    /* 10..19: 20 2 9 16 23 5 12 19 1 8 */
    assert_bucket(&m, s, 8, 10, 1, 23, 8);
    /* 20..24: 15 22 4 11 18 */
    assert_bucket(&m, s, 9, 5, 4, 22, 18);
    for (size_t c = 0; c < 7; c++)
        assert_bucket(&m, s, c, 0, 0, 0, 0);
    assert_int_equal(model_bucket(&m, s, 9)->seq_lo, 20);
    assert_int_equal(model_bucket(&m, s, 9)->seq_hi, 24);
    assert_float_equal(model_bucket(&m, s, 9)->sum, 70, 1e-12);
    model_summarise(&m, s, &sum);
    assert_int_equal(sum.n, 25);
    assert_float_equal(sum.mean, 12.0, 1e-12); /* 0..24 in some order */
    assert_float_equal(sum.min, 0, 0);
    assert_float_equal(sum.max, 24, 0);
    assert_float_equal(s->last, 18, 0);
    model_clear(&m);
    model_clear(&m); /* twice is fine */
}

static void test_ring_wraps_keeping_the_newest(void **state) {
    struct model m;
    const struct model_series *s;
    (void)state;
    init_points(&m, 10, 10, 8); /* one point per column */
    for (int i = 0; i < 35; i++) {
        struct point p = pt("web", i);
        model_push_point(&m, &p, 0);
    }
    s = series(&m, "web");
    for (size_t c = 0; c < 10; c++)
        assert_bucket(&m, s, c, 1, 25.0 + (double)c, 25.0 + (double)c, 25.0 + (double)c);
    model_clear(&m);
}

static void test_seconds_window_goes_by_arrival_time(void **state) {
    struct model m;
    const struct model_series *s;
    struct point p;
    (void)state;
    init_seconds(&m, 10, 10); /* 1000 ms per column */
    assert_int_equal(m.units, 10000);
    /* the points' own ts (synthetic here) does not place them: their arrival does */
    p = pt_ts("web", 5, 1);
    model_push_point(&m, &p, 1000);
    p = pt_ts("web", 7, 99999999);
    model_push_point(&m, &p, 1999);
    p = pt("web", 1);
    model_push_point(&m, &p, 3200);
    s = series(&m, "web");
    assert_int_equal(s->newest, 3);
    assert_bucket(&m, s, 9, 1, 1, 1, 1);
    assert_bucket(&m, s, 8, 0, 0, 0, 0);
    assert_bucket(&m, s, 7, 2, 5, 7, 7);
    /* a point arriving with an earlier clock (inside the window) joins its column */
    p = pt("web", 9);
    model_push_point(&m, &p, 2500);
    assert_bucket(&m, s, 8, 1, 9, 9, 9);
    assert_int_equal(s->last_rx_ms, 2500);
    model_clear(&m);
}

static void test_fractional_columns_span_the_window_exactly(void **state) {
    struct model m;
    const struct model_series *s;
    static const struct {
        int64_t at;
        int64_t slot;
    } cases[] = {{0, 0}, {416, 0}, {417, 1}, {833, 1}, {834, 2}, {59999, 143}, {60000, 144}};
    (void)state;
    init_seconds(&m, 60, 144); /* 416.67 ms per column */
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct point p = pt("web", (double)i);
        model_push_point(&m, &p, cases[i].at);
        s = series(&m, "web");
        assert_int_equal(s->newest, cases[i].slot);
    }
    /* slots 1..144 hold [417, 60000]: exactly 60 s of data on screen */
    assert_bucket(&m, s, 0, 2, 2, 3, 3);
    assert_bucket(&m, s, 143, 1, 6, 6, 6);
    model_clear(&m);
}

static void test_tick_moves_the_right_edge_to_now(void **state) {
    struct model m;
    const struct model_series *s;
    struct point p = pt("web", 42);
    (void)state;
    init_seconds(&m, 10, 10);
    model_push_point(&m, &p, 1000);
    model_tick(&m, 0, 5500);
    s = series(&m, "web");
    assert_int_equal(s->newest, 5);
    assert_bucket(&m, s, 5, 1, 42, 42, 42); /* four columns to the left */
    assert_bucket(&m, s, 9, 0, 0, 0, 0);
    model_tick(&m, 0, 4000); /* never backwards */
    assert_int_equal(s->newest, 5);
    model_tick(&m, 0, 60000); /* idle for a whole window: nothing left on screen */
    assert_int_equal(s->newest, 60);
    for (size_t c = 0; c < 10; c++)
        assert_bucket(&m, s, c, 0, 0, 0, 0);
    model_clear(&m);
    /* a window in points does not move with time */
    init_points(&m, 100, 10, 8);
    model_push_point(&m, &p, 1000);
    model_tick(&m, 0, 99999999);
    assert_int_equal(series(&m, "web")->newest, 0);
    model_clear(&m);
}

static void test_late_and_restart(void **state) {
    struct model m;
    const struct model_series *s;
    struct point p;
    (void)state;
    init_seconds(&m, 10, 10);
    p = pt("web", 1);
    model_push_point(&m, &p, 100000); /* slot 100 */
    p = pt("web", 2);
    model_push_point(&m, &p, 103000); /* slot 103 */
    s = series(&m, "web");
    /* a jump of a whole window forward empties the ring */
    p = pt("web", 3);
    model_push_point(&m, &p, 200000);
    assert_int_equal(s->newest, 200);
    for (size_t c = 0; c < 9; c++)
        assert_bucket(&m, s, c, 0, 0, 0, 0);
    assert_bucket(&m, s, 9, 1, 3, 3, 3);
    /* out of the window, less than two windows back: late, dropped */
    p = pt("web", 4);
    model_push_point(&m, &p, 185000);
    assert_int_equal(m.c.late, 1);
    assert_int_equal(s->newest, 200);
    /* two windows or more back: the clock was set back, the series starts over */
    p = pt("web", 5);
    model_push_point(&m, &p, 180000);
    assert_int_equal(m.c.restarts, 1);
    assert_int_equal(s->newest, 180);
    assert_bucket(&m, s, 9, 1, 5, 5, 5);
    assert_bucket(&m, s, 8, 0, 0, 0, 0);
    assert_int_equal(m.c.points, 5);
    model_clear(&m);
}

static void test_unit_and_phase_follow_the_latest_point(void **state) {
    struct model m;
    struct point p = pt("cpu", 24.5);
    (void)state;
    init_points(&m, 100, 10, 8);
    snprintf(p.unit, sizeof p.unit, "%%");
    snprintf(p.phase, sizeof p.phase, "NORMAL");
    model_push_point(&m, &p, 0);
    snprintf(p.phase, sizeof p.phase, "HIGH");
    model_push_point(&m, &p, 0);
    assert_string_equal(series(&m, "cpu")->unit, "%");
    assert_string_equal(series(&m, "cpu")->phase, "HIGH");
    model_clear(&m);
}

/* ---- anomalies ---- */

/* History read at start-up fills the log only: no live counters, rates or markers. */
static void test_backfill_fills_the_log_only(void **state) {
    struct model m;
    struct point p;
    struct anomaly a;
    (void)state;
    init_points(&m, 100, 10, 8);
    p = pt_seq("web", 300, 7);
    p.ts = 1000;
    p.has |= CODEC_HAS_TS;
    a = an(&p, SEV_HIGH, 9.5);
    model_backfill_anomaly(&m, &a, 5000);
    p = pt_seq("web", 250, 8);
    a = an(&p, SEV_NONE, 4.5); /* no severity: logged as low */
    model_backfill_anomaly(&m, &a, 6000);
    assert_int_equal(m.c.backfilled, 2);
    assert_int_equal(m.c.anomalies, 0);
    assert_int_equal(m.c.by_sev[SEV_HIGH], 0);
    assert_int_equal(m.log_len, 2);
    assert_int_equal(model_log_get(&m, 0)->sev, SEV_LOW);
    assert_int_equal(model_log_get(&m, 0)->ts, 6000); /* no ts: the time it was read */
    assert_float_equal(model_log_get(&m, 1)->value, 300, 0);
    assert_int_equal(model_log_get(&m, 1)->ts, 1000);
    assert_int_equal(m.nseries, 0); /* no series made for points not on screen */
    model_clear(&m);
}

static void test_anomaly_marks_its_points_column(void **state) {
    struct model m;
    const struct model_series *s;
    const struct model_bucket *b;
    struct point p;
    struct anomaly a;
    (void)state;
    init_points(&m, 100, 10, 8);
    for (int i = 0; i < 30; i++) {
        p = pt_seq("web", 100 + i, 1000 + i);
        model_push_point(&m, &p, 0);
    }
    /* seq 1012 is in column 8 (points 10..19) */
    p = pt_seq("web", 112, 1012);
    a = an(&p, SEV_LOW, 2.1);
    a.mean = 100;
    a.std = 4;
    a.threshold = 2;
    model_push_anomaly(&m, &a, 0);
    s = series(&m, "web");
    b = model_bucket(&m, s, 8);
    assert_int_equal(b->sev, SEV_LOW);
    assert_float_equal(b->mark, 112, 0);
    assert_int_equal(b->anomalies, 1);
    assert_int_equal(b->has_band, 1);
    assert_float_equal(b->band_lo, 92, 1e-12);
    assert_float_equal(b->band_hi, 108, 1e-12);
    assert_int_equal(s->has_band, 1);
    /* a worse one takes the marker; a milder one later does not */
    p = pt_seq("web", 118, 1018);
    a = an(&p, SEV_HIGH, 5.0);
    model_push_anomaly(&m, &a, 0);
    p = pt_seq("web", 115, 1015);
    a = an(&p, SEV_MEDIUM, 3.0);
    model_push_anomaly(&m, &a, 0);
    assert_int_equal(b->sev, SEV_HIGH);
    assert_float_equal(b->mark, 118, 0);
    assert_int_equal(b->anomalies, 3);
    assert_int_equal(model_bucket(&m, s, 9)->sev, SEV_NONE);
    assert_int_equal(model_bucket(&m, s, 7)->sev, SEV_NONE);
    assert_int_equal(s->anomalies, 3);
    assert_int_equal(m.c.anomalies, 3);
    assert_int_equal(m.c.by_sev[SEV_LOW], 1);
    assert_int_equal(m.c.by_sev[SEV_MEDIUM], 1);
    assert_int_equal(m.c.by_sev[SEV_HIGH], 1);
    assert_int_equal(m.c.unmatched, 0);
    /* a seq no longer (or never) held: counted, logged, not marked */
    p = pt_seq("web", 1, 5);
    a = an(&p, SEV_HIGH, 9.0);
    model_push_anomaly(&m, &a, 0);
    assert_int_equal(m.c.unmatched, 1);
    assert_int_equal(m.log_len, 4);
    /* a series never seen */
    p = pt_seq("api", 1, 5);
    a = an(&p, SEV_NONE, 9.0);
    model_push_anomaly(&m, &a, 0);
    assert_int_equal(m.c.unmatched, 2);
    assert_int_equal(m.c.by_sev[SEV_LOW], 2); /* no severity: counted as low */
    model_clear(&m);
}

static void test_anomaly_without_seq_goes_by_arrival(void **state) {
    struct model m;
    const struct model_series *s;
    struct point p;
    struct anomaly a;
    (void)state;
    init_seconds(&m, 10, 10);
    for (int i = 0; i < 5; i++) {
        p = pt("web", i);
        model_push_point(&m, &p, 10000 + 1000 * i);
    }
    p = pt("web", 2);
    a = an(&p, SEV_MEDIUM, 3);
    model_push_anomaly(&m, &a, 12000);
    s = series(&m, "web");
    assert_int_equal(model_bucket(&m, s, 7)->sev, SEV_MEDIUM);
    /* newer than the newest column (the detector took a while): the newest column */
    p = pt("web", 4);
    a = an(&p, SEV_LOW, 2);
    model_push_anomaly(&m, &a, 99000);
    assert_int_equal(model_bucket(&m, s, 9)->sev, SEV_LOW);
    /* older than the window */
    a = an(&p, SEV_LOW, 2);
    model_push_anomaly(&m, &a, 1000);
    assert_int_equal(m.c.unmatched, 1);
    /* a column without points gets no marker */
    p = pt("web", 4);
    a = an(&p, SEV_HIGH, 2);
    model_push_point(&m, &p, 20000); /* slot 20; 15..19 empty */
    model_push_anomaly(&m, &a, 17000);
    assert_int_equal(m.c.unmatched, 2);
    model_clear(&m);
}

static void test_log_newest_first_and_bounded(void **state) {
    struct model m;
    (void)state;
    init_points(&m, 100, 10, 8);
    assert_null(model_log_get(&m, 0));
    for (int i = 0; i < MODEL_LOG_MAX + 2; i++) {
        struct point p = pt_ts("web", i, 1000 + i);
        struct anomaly a = an(&p, (enum severity)(1 + i % 3), i / 10.0);
        model_push_anomaly(&m, &a, 0);
    }
    assert_int_equal(m.log_len, MODEL_LOG_MAX);
    assert_float_equal(model_log_get(&m, 0)->value, MODEL_LOG_MAX + 1, 0);
    assert_int_equal(model_log_get(&m, 0)->ts, 1000 + MODEL_LOG_MAX + 1);
    assert_int_equal(model_log_get(&m, 0)->sev, (enum severity)(1 + (MODEL_LOG_MAX + 1) % 3));
    assert_string_equal(model_log_get(&m, 0)->series, "web");
    assert_float_equal(model_log_get(&m, 1)->value, MODEL_LOG_MAX, 0);
    assert_float_equal(model_log_get(&m, MODEL_LOG_MAX - 1)->value, 2, 0);
    assert_null(model_log_get(&m, MODEL_LOG_MAX));
    /* without ts the arrival time is logged */
    {
        struct point p = pt("web", 1);
        struct anomaly a = an(&p, SEV_LOW, 2);
        model_push_anomaly(&m, &a, 424242);
        assert_int_equal(model_log_get(&m, 0)->ts, 424242);
    }
    model_clear(&m);
}

/* ---- counters ---- */

static void test_counters_drawn_and_reset(void **state) {
    struct model m;
    size_t idx[] = {0, 1, 7};
    (void)state;
    init_points(&m, 100, 10, 8);
    for (int i = 0; i < 30; i++) {
        struct point p = pt(i % 3 ? "web" : "api", i);
        model_push_point(&m, &p, 0);
    }
    model_note_malformed(&m);
    model_note_malformed(&m);
    assert_int_equal(m.c.points, 30);
    assert_int_equal(m.c.malformed, 2);
    assert_int_equal(m.c.drawn, 0);
    model_mark_drawn(&m, idx, 1); /* only api (first seen) is on screen */
    assert_string_equal(m.series[0].name, "api");
    assert_int_equal(m.c.drawn, 10);
    model_mark_drawn(&m, idx, 3); /* index 7 does not exist: skipped */
    assert_int_equal(m.c.drawn, 30);
    model_mark_drawn(&m, idx, 2);
    assert_int_equal(m.c.drawn, 30); /* nothing new */
    {
        struct point p = pt("web", 1);
        model_push_point(&m, &p, 0);
    }
    model_mark_drawn(&m, idx, 2);
    assert_int_equal(m.c.drawn, 31);
    /* reset: zero, and what is held counts as drawn, so drawn never passes received */
    {
        struct point p = pt("web", 1);
        struct anomaly a = an(&p, SEV_HIGH, 1);
        model_push_point(&m, &p, 0);
        model_push_anomaly(&m, &a, 0);
    }
    model_reset_counters(&m);
    assert_int_equal(m.c.points, 0);
    assert_int_equal(m.c.drawn, 0);
    assert_int_equal(m.c.anomalies, 0);
    assert_int_equal(m.c.malformed, 0);
    assert_int_equal(m.c.by_sev[SEV_HIGH], 0);
    assert_int_equal(series(&m, "web")->anomalies, 0);
    model_mark_drawn(&m, idx, 2);
    assert_int_equal(m.c.drawn, 0);
    assert_int_equal(m.log_len, 1); /* the log is kept */
    model_clear(&m);
}

static void test_rates(void **state) {
    struct model m;
    (void)state;
    init_points(&m, 100, 10, 8);
    model_tick(&m, 5000, 0); /* starts a period */
    for (int i = 0; i < 50; i++) {
        struct point p = pt("web", i);
        model_push_point(&m, &p, 0);
    }
    for (int i = 0; i < 3; i++) {
        struct point p = pt("web", i);
        struct anomaly a = an(&p, SEV_LOW, 2);
        model_push_anomaly(&m, &a, 0);
    }
    model_tick(&m, 5500, 0);
    assert_float_equal(m.c.points_rate, 0, 0); /* the period is not over */
    model_tick(&m, 7000, 0);
    assert_float_equal(m.c.points_rate, 25, 1e-12);
    assert_float_equal(m.c.anomalies_rate, 1.5, 1e-12);
    model_tick(&m, 8000, 0);
    assert_float_equal(m.c.points_rate, 0, 0);
    model_tick(&m, 100, 0); /* the clock went back: a new period */
    assert_float_equal(m.c.points_rate, 0, 0);
    model_clear(&m);
}

/* ---- series ---- */

static void test_eviction_of_the_least_recently_updated(void **state) {
    struct model m;
    struct point p;
    (void)state;
    init_points(&m, 100, 10, 2);
    p = pt("a", 1);
    model_push_point(&m, &p, 0);
    p = pt("b", 2);
    model_push_point(&m, &p, 0);
    p = pt("a", 3);
    model_push_point(&m, &p, 0);
    p = pt("c", 4);
    model_push_point(&m, &p, 0);
    assert_int_equal(m.nseries, 2);
    assert_int_equal(m.c.evicted, 1);
    assert_null(model_find(&m, "b"));
    assert_string_equal(m.series[0].name, "a");
    assert_string_equal(m.series[1].name, "c"); /* b's slot */
    assert_int_equal(series(&m, "c")->points, 1);
    assert_bucket(&m, series(&m, "c"), 9, 1, 4, 4, 4);
    assert_bucket(&m, series(&m, "a"), 9, 2, 1, 3, 3);
    /* endless new names: memory stays at two series */
    for (int i = 0; i < 1000; i++) {
        char name[16];
        snprintf(name, sizeof name, "s%d", i);
        p = pt(name, i);
        model_push_point(&m, &p, 0);
    }
    assert_int_equal(m.nseries, 2);
    assert_int_equal(m.c.evicted, 1001);
    assert_non_null(model_find(&m, "s999"));
    assert_non_null(model_find(&m, "s998"));
    model_clear(&m);
}

static void test_filter_keeps_only_named_series(void **state) {
    struct model m;
    struct model_window w = {MODEL_POINTS, 100};
    struct point p;
    struct anomaly a;
    char err[128];
    (void)state;
    assert_int_equal(model_init(&m, &w, 10, 8, "web,db", err, sizeof err), 0);
    p = pt("api", 1);
    model_push_point(&m, &p, 0);
    a = an(&p, SEV_HIGH, 5);
    model_push_anomaly(&m, &a, 0);
    p = pt("db", 2);
    model_push_point(&m, &p, 0);
    p = pt("we", 2); /* a prefix is not a match */
    model_push_point(&m, &p, 0);
    assert_int_equal(m.nseries, 1);
    assert_string_equal(m.series[0].name, "db");
    assert_int_equal(m.c.points, 3);
    assert_int_equal(m.c.filtered, 3);
    assert_int_equal(m.c.anomalies, 0);
    assert_int_equal(m.log_len, 0);
    model_clear(&m);
}

/* ---- changing the view ---- */

static void test_set_view_rebuckets(void **state) {
    struct model m;
    struct model_window w;
    const struct model_series *s;
    struct point p;
    struct anomaly a;
    (void)state;
    init_points(&m, 100, 10, 8);
    for (int i = 0; i < 25; i++) {
        p = pt_seq("web", i, i);
        model_push_point(&m, &p, 0);
    }
    p = pt_seq("web", 3, 3);
    a = an(&p, SEV_MEDIUM, 3);
    model_push_anomaly(&m, &a, 0);
    /* fewer columns: 20 points each; slots 0 and 1 of 10 merge */
    w = m.win;
    assert_int_equal(model_set_view(&m, &w, 5), 0);
    assert_int_equal(m.cols, 5);
    s = series(&m, "web");
    assert_bucket(&m, s, 4, 5, 20, 24, 24);
    assert_bucket(&m, s, 3, 20, 0, 19, 19);
    assert_int_equal(model_bucket(&m, s, 3)->sev, SEV_MEDIUM);
    assert_float_equal(model_bucket(&m, s, 3)->mark, 3, 0);
    assert_int_equal(model_bucket(&m, s, 3)->seq_lo, 0);
    assert_int_equal(model_bucket(&m, s, 3)->seq_hi, 19);
    /* a shorter window: 10 per column again; old buckets keep their start, gaps between */
    w.amount = 50;
    assert_int_equal(model_set_view(&m, &w, 5), 0);
    assert_int_equal(m.units, 50);
    s = series(&m, "web");
    assert_int_equal(s->newest, 2);
    assert_bucket(&m, s, 4, 5, 20, 24, 24);
    assert_bucket(&m, s, 3, 0, 0, 0, 0);
    assert_bucket(&m, s, 2, 20, 0, 19, 19);
    /* new points continue at the new resolution */
    p = pt_seq("web", 99, 25);
    model_push_point(&m, &p, 0);
    assert_int_equal(s->newest, 2);
    assert_bucket(&m, s, 4, 6, 20, 99, 99);
    /* out of range: refused, untouched */
    w.amount = 5;
    assert_int_equal(model_set_view(&m, &w, 5), -1);
    assert_int_equal(model_set_view(&m, &m.win, 0), -1);
    assert_int_equal(m.units, 50);
    assert_int_equal(m.cols, 5);
    model_clear(&m);
}

static void test_copy_is_deep(void **state) {
    struct model m, c;
    struct point p;
    (void)state;
    init_points(&m, 100, 10, 8);
    p = pt("web", 5);
    model_push_point(&m, &p, 0);
    model_copy(&c, &m);
    p = pt("web", 50);
    for (int i = 0; i < 20; i++)
        model_push_point(&m, &p, 0);
    p = pt("api", 1);
    model_push_point(&m, &p, 0);
    assert_int_equal(c.nseries, 1);
    assert_int_equal(c.c.points, 1);
    assert_bucket(&c, series(&c, "web"), 9, 1, 5, 5, 5);
    assert_bucket(&m, series(&m, "web"), 9, 1, 50, 50, 50);
    model_clear(&m);
    assert_bucket(&c, series(&c, "web"), 9, 1, 5, 5, 5);
    model_clear(&c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_window_parse_good),
        cmocka_unit_test(test_window_parse_bad),
        cmocka_unit_test(test_window_format),
        cmocka_unit_test(test_window_zoom),
        cmocka_unit_test(test_init_errors),
        cmocka_unit_test(test_points_window_aggregates_per_column),
        cmocka_unit_test(test_ring_wraps_keeping_the_newest),
        cmocka_unit_test(test_seconds_window_goes_by_arrival_time),
        cmocka_unit_test(test_fractional_columns_span_the_window_exactly),
        cmocka_unit_test(test_tick_moves_the_right_edge_to_now),
        cmocka_unit_test(test_late_and_restart),
        cmocka_unit_test(test_unit_and_phase_follow_the_latest_point),
        cmocka_unit_test(test_backfill_fills_the_log_only),
        cmocka_unit_test(test_anomaly_marks_its_points_column),
        cmocka_unit_test(test_anomaly_without_seq_goes_by_arrival),
        cmocka_unit_test(test_log_newest_first_and_bounded),
        cmocka_unit_test(test_counters_drawn_and_reset),
        cmocka_unit_test(test_rates),
        cmocka_unit_test(test_eviction_of_the_least_recently_updated),
        cmocka_unit_test(test_filter_keeps_only_named_series),
        cmocka_unit_test(test_set_view_rebuckets),
        cmocka_unit_test(test_copy_is_deep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

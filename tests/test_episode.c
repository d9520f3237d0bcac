/* test_episode.c - episode.h: hand-made verdict sequences through the episode layer. Each run is
 * written as a trace, one character per point:
 *   '.' nothing reported   'f' flagged, no event   'O' opens (flagged)   'C' closes
 *   'U' raises severity, flagged   'u' raises severity, not flagged (an event, not a report)
 * covering min_duration, cooldown, gap, end_ratio hysteresis, severity updates, both report
 * modes, warm-up verdicts, change-point lag; then episode_encode's exact JSON, the parameter
 * checks and the name tables. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "episode.h"
#include "score.h"

#define EP_T 2.0                    /* threshold: low [2, 3), medium [3, 4), high from 4 */
#define EP_TS0 1700000000000LL      /* ts of point 0, Unix ms */
#define EP_TS_STEP 1000LL           /* ms between points */
#define EP_TRACE_MAX 64

#define EP_TS(i) (EP_TS0 + (int64_t)(i) * EP_TS_STEP)

/* cmocka 1.1's assert_float_equal compares as float; these are doubles. */
#define assert_double_near(got, want, eps)                                                         \
    do {                                                                                           \
        double near_got_ = (got), near_want_ = (want);                                             \
        if (!(near_got_ == near_want_ || fabs(near_got_ - near_want_) <= (eps)))                   \
            fail_msg("%s = %.17g, expected %.17g (within %g)", #got, near_got_, near_want_,        \
                     (double)(eps));                                                               \
    } while (0)

/* A ready verdict with the score layer's anomaly and severity rules at threshold EP_T. */
static struct verdict ep_verdict(double score) {
    struct verdict v;
    memset(&v, 0, sizeof v);
    v.ready = 1;
    v.score = score;
    v.severity = score_severity(fabs(score), EP_T);
    v.anomaly = v.severity != SEV_NONE;
    return v;
}

static char ep_char(const struct episode_out *o) {
    switch (o->event) {
    case EPISODE_OPEN:
        assert_true(o->flagged);
        return 'O';
    case EPISODE_UPDATE:
        return o->flagged ? 'U' : 'u';
    case EPISODE_CLOSE:
        assert_false(o->flagged);
        return 'C';
    case EPISODE_NONE:
        return o->flagged ? 'f' : '.';
    }
    fail_msg("unknown event %d", (int)o->event);
    return '?';
}

/* Pushes n scores (point i of the state gets ts EP_TS(i)) and checks the trace. */
static void ep_run(struct episode_state *st, const struct episode_params *p, const double *s,
                   size_t n, const char *want) {
    char trace[EP_TRACE_MAX + 1];
    assert_true(n <= EP_TRACE_MAX);
    for (size_t i = 0; i < n; i++) {
        struct verdict v = ep_verdict(s[i]);
        struct episode_out o;
        episode_push(st, p, &v, EP_T, EP_TS(st->index), &o);
        trace[i] = ep_char(&o);
    }
    trace[n] = '\0';
    assert_string_equal(trace, want);
}

#define EP_RUN(st, p, want, ...)                                                                   \
    do {                                                                                           \
        static const double ep_scores_[] = {__VA_ARGS__};                                          \
        ep_run((st), (p), ep_scores_, sizeof ep_scores_ / sizeof ep_scores_[0], (want));           \
    } while (0)

static struct episode_params ep_params(unsigned min_duration, unsigned cooldown, unsigned gap,
                                       double end_ratio, enum episode_report report) {
    struct episode_params p;
    episode_params_default(&p);
    p.min_duration = min_duration;
    p.cooldown = cooldown;
    p.gap = gap;
    p.end_ratio = end_ratio;
    p.report = report;
    return p;
}

static void ep_expect(const struct episode_state *st, uint64_t id, uint64_t start, uint64_t end,
                      uint64_t points, uint64_t deviating, enum severity sev, double peak) {
    assert_int_equal(st->id, id);
    assert_int_equal(st->start_index, start);
    assert_int_equal(st->end_index, end);
    assert_int_equal(st->start_ts, EP_TS(start));
    assert_int_equal(st->end_ts, EP_TS(end));
    assert_int_equal(st->points, points);
    assert_int_equal(st->deviating, deviating);
    assert_int_equal(st->severity, sev);
    assert_double_near(st->peak_score, peak, 0);
}

static void test_episode_min_duration(void **state) {
    struct episode_params p = ep_params(3, 0, 0, 1, EPISODE_REPORT_EPISODES);
    struct episode_state st;
    (void)state;

    episode_init(&st);
    /* a run of 2 is too short; the run of 4 opens on its third point, starting at its first */
    EP_RUN(&st, &p, "......O.C", 0, 2.5, -2.5, 0, 2.5, 2.6, 2.7, 2.5, 1.9);
    assert_false(st.open);
    assert_int_equal(st.index, 9);
    ep_expect(&st, 1, 4, 7, 4, 4, SEV_LOW, 2.7);
    /* the episode holds its whole run: peak and severity count the points before the open */
    episode_init(&st);
    EP_RUN(&st, &p, "..O.C", -9.0, 2.1, 2.2, 8.5, 0);
    ep_expect(&st, 1, 0, 3, 4, 4, SEV_HIGH, -9.0);
}

static void test_episode_report_points(void **state) {
    struct episode_params pts = ep_params(1, 0, 0, 1, EPISODE_REPORT_POINTS);
    struct episode_params eps = ep_params(1, 0, 0, 1, EPISODE_REPORT_EPISODES);
    struct episode_state st;
    (void)state;

    episode_init(&st);
    EP_RUN(&st, &pts, ".OffC.", 0, 2.5, -2.9, 2.0, 0.5, 0);
    ep_expect(&st, 1, 1, 3, 3, 3, SEV_LOW, -2.9);
    episode_init(&st);
    EP_RUN(&st, &eps, ".O..C.", 0, 2.5, -2.9, 2.0, 0.5, 0);
    ep_expect(&st, 1, 1, 3, 3, 3, SEV_LOW, -2.9);
}

static void test_episode_cooldown(void **state) {
    struct episode_params p3 = ep_params(1, 3, 0, 1, EPISODE_REPORT_EPISODES);
    struct episode_params p1 = ep_params(1, 1, 0, 1, EPISODE_REPORT_EPISODES);
    struct episode_params p0 = ep_params(1, 0, 0, 1, EPISODE_REPORT_EPISODES);
    struct episode_state st;
    (void)state;

    /* the 3 points after the close cannot open an episode of the same severity */
    episode_init(&st);
    EP_RUN(&st, &p3, "OC...O", 2.5, 0, 2.5, 2.5, 2.5, 2.5);
    ep_expect(&st, 2, 2, 5, 4, 4, SEV_LOW, 2.5);
    /* quiet points count down the cooldown too */
    episode_init(&st);
    EP_RUN(&st, &p3, "OC...O", 2.5, 0, 0, 0, 0, 2.5);
    ep_expect(&st, 2, 5, 5, 1, 1, SEV_LOW, 2.5);
    /* cooldown 1 holds back exactly one point; cooldown 0 none */
    episode_init(&st);
    EP_RUN(&st, &p1, "OC.O", 2.5, 0, 2.5, 2.5);
    episode_init(&st);
    EP_RUN(&st, &p0, "OCO", 2.5, 0, 2.5);
}

static void test_episode_cooldown_worse_opens(void **state) {
    struct episode_params p = ep_params(1, 5, 0, 1, EPISODE_REPORT_EPISODES);
    struct episode_state st;
    (void)state;

    /* low episode: a medium point opens at once in the cooldown */
    episode_init(&st);
    EP_RUN(&st, &p, "OC.O", 2.5, 0, 2.9, -3.5);
    ep_expect(&st, 2, 2, 3, 2, 2, SEV_MEDIUM, -3.5);
    /* high episode: medium and high (not above high) are held back for all 5 points */
    episode_init(&st);
    EP_RUN(&st, &p, "OC.....O", 4.5, 0, 3.5, 4.5, 9, 3.5, 4.0, 2.5);
    assert_int_equal(st.last_peak, SEV_HIGH);
    ep_expect(&st, 2, 2, 7, 6, 6, SEV_HIGH, 9);
}

static void test_episode_gap(void **state) {
    struct episode_params p = ep_params(1, 0, 2, 1, EPISODE_REPORT_POINTS);
    struct episode_state st;
    (void)state;

    episode_init(&st);
    /* two quiet points are tolerated, the third closes */
    EP_RUN(&st, &p, "O..f..C.", 2.5, 0, 1, 2.5, 0, 0, 0, 0);
    /* the episode ends at its last point above the end level; tolerated points count */
    ep_expect(&st, 1, 0, 3, 6, 2, SEV_LOW, 2.5);
    /* a gap does not bridge into a new episode: the next run opens episode 2 */
    EP_RUN(&st, &p, "O", 3.0);
    assert_int_equal(st.id, 2);
    assert_int_equal(st.start_index, 8);
}

static void test_episode_hysteresis(void **state) {
    struct episode_params half = ep_params(1, 0, 0, 0.5, EPISODE_REPORT_POINTS);
    struct episode_params none = ep_params(1, 0, 0, 1, EPISODE_REPORT_POINTS);
    struct episode_state st;
    (void)state;

    /* end level 1.0: 1.5 and exactly 1.0 keep the episode open, 0.99 closes it */
    episode_init(&st);
    EP_RUN(&st, &half, "O..f.C", 2.5, 1.5, -1.0, 2.2, -1.2, 0.99);
    ep_expect(&st, 1, 0, 4, 5, 2, SEV_LOW, 2.5);
    /* without hysteresis the first point below the threshold closes it */
    episode_init(&st);
    EP_RUN(&st, &none, "OC", 2.5, 1.5);
    ep_expect(&st, 1, 0, 0, 1, 1, SEV_LOW, 2.5);
}

static void test_episode_severity_rises(void **state) {
    struct episode_params eps = ep_params(1, 0, 0, 1, EPISODE_REPORT_EPISODES);
    struct episode_params pts = ep_params(1, 0, 0, 1, EPISODE_REPORT_POINTS);
    struct episode_state st;
    (void)state;

    /* episodes: update events when it rises (low -> medium -> high), none when it falls; only
     * the opening point is reported */
    episode_init(&st);
    EP_RUN(&st, &eps, "Ou.u..C", 2.5, -3.5, 2.5, 4.5, 3.5, -4.75, 0);
    ep_expect(&st, 1, 0, 5, 6, 6, SEV_HIGH, -4.75);
    /* points: the same updates, and every deviating point flagged */
    episode_init(&st);
    EP_RUN(&st, &pts, "OUfUffC", 2.5, -3.5, 2.5, 4.5, 3.5, -4.75, 0);
    ep_expect(&st, 1, 0, 5, 6, 6, SEV_HIGH, -4.75);
    /* a jump straight from low to high is one update */
    episode_init(&st);
    EP_RUN(&st, &eps, "Ou", 2.0, 8.0);
    assert_int_equal(st.severity, SEV_HIGH);
}

/* A warm-up verdict reports nothing and leaves runs and episodes alone; it only counts as a
 * point, so that indexes stay those of the series. */
static void test_episode_warmup_changes_nothing(void **state) {
    struct episode_params p = ep_params(2, 2, 1, 0.5, EPISODE_REPORT_POINTS);
    struct episode_state st, before;
    struct verdict warm;
    struct episode_out o;
    (void)state;

    memset(&warm, 0, sizeof warm);
    warm.anomaly = 1; /* a nonsense verdict: ready 0 must make it irrelevant */
    warm.score = 100;
    warm.severity = SEV_HIGH;
    warm.lag = 5;
    episode_init(&st);
    for (int phase = 0; phase < 3; phase++) {
        /* phase 0: fresh; 1: mid-run; 2: open */
        static const double next[] = {2.5, 2.5, 0};
        memcpy(&before, &st, sizeof st);
        before.index++;
        o.flagged = 1;
        o.event = EPISODE_CLOSE;
        episode_push(&st, &p, &warm, EP_T, EP_TS(99), &o);
        assert_false(o.flagged);
        assert_int_equal(o.event, EPISODE_NONE);
        assert_memory_equal(&st, &before, sizeof st);
        {
            struct verdict v = ep_verdict(next[phase]);
            episode_push(&st, &p, &v, EP_T, EP_TS(st.index), &o);
        }
    }
    assert_true(st.open);
    assert_int_equal(st.index, 6);
    /* the run straddled a warm-up point: it began at point 1 and opened at point 3; the quiet
     * point 5 is tolerated (gap 1) but the episode still ends at point 3 */
    ep_expect(&st, 1, 1, 3, 3, 2, SEV_LOW, 2.5);
}

static void test_episode_lag_start(void **state) {
    struct episode_params p = ep_params(1, 0, 0, 1, EPISODE_REPORT_EPISODES);
    struct episode_params p5 = ep_params(5, 0, 0, 1, EPISODE_REPORT_EPISODES);
    struct episode_state st;
    struct episode_out o;
    struct verdict v;
    (void)state;

    /* a change-point verdict at point 5 with lag 3: the episode starts at point 2 */
    episode_init(&st);
    EP_RUN(&st, &p, ".....", 0, 0, 0, 0, 0);
    v = ep_verdict(6.0);
    v.lag = 3;
    v.start_ts = 777;
    episode_push(&st, &p, &v, EP_T, EP_TS(5), &o);
    assert_int_equal(o.event, EPISODE_OPEN);
    assert_true(o.flagged);
    assert_int_equal(st.start_index, 2);
    assert_int_equal(st.start_ts, 777);
    assert_int_equal(st.end_index, 5);
    assert_int_equal(st.end_ts, EP_TS(5));
    assert_int_equal(st.points, 4);
    assert_int_equal(st.deviating, 4);

    /* a lag longer than the history starts at point 0 */
    episode_init(&st);
    EP_RUN(&st, &p, ".", 0);
    v.lag = 10;
    episode_push(&st, &p, &v, EP_T, EP_TS(1), &o);
    assert_int_equal(o.event, EPISODE_OPEN);
    assert_int_equal(st.start_index, 0);
    assert_int_equal(st.start_ts, 777);
    assert_int_equal(st.points, 11);

    /* the lag counts toward min_duration: lag 3 makes a run of 4, one more point opens */
    episode_init(&st);
    EP_RUN(&st, &p5, "....", 0, 0, 0, 0);
    v.lag = 3;
    episode_push(&st, &p5, &v, EP_T, EP_TS(4), &o);
    assert_int_equal(o.event, EPISODE_NONE);
    assert_false(o.flagged);
    v.lag = 4; /* the next verdict of the same change: its lag does not move the start */
    episode_push(&st, &p5, &v, EP_T, EP_TS(5), &o);
    assert_int_equal(o.event, EPISODE_OPEN);
    assert_int_equal(st.start_index, 1);
    assert_int_equal(st.start_ts, 777);
    assert_int_equal(st.points, 5);
}

static void test_episode_encode(void **state) {
    struct episode_state st;
    char out[CODEC_OUT_MAX];
    size_t n;
    (void)state;

    episode_init(&st);
    st.id = 3;
    st.start_ts = 1700000000000LL;
    st.end_ts = 1700000060000LL;
    st.peak_score = 4.56789;
    st.severity = SEV_HIGH;
    st.points = 12;
    st.deviating = 9;
    n = episode_encode(&st, EPISODE_OPEN, "web", "sma", out);
    assert_string_equal(out, "{\"event\":\"open\",\"series\":\"web\",\"episode\":3,"
                             "\"detector\":\"sma\",\"start_ts\":1700000000000,"
                             "\"end_ts\":1700000060000,\"peak_score\":4.5679,\"severity\":\"high\","
                             "\"points\":12,\"deviating\":9}");
    assert_int_equal(n, strlen(out));

    /* unknown ts are null; a negative peak keeps its sign */
    st.start_ts = 0;
    st.end_ts = 0;
    st.peak_score = -3.25;
    st.severity = SEV_MEDIUM;
    n = episode_encode(&st, EPISODE_CLOSE, "db.cpu", "cusum", out);
    assert_string_equal(out, "{\"event\":\"close\",\"series\":\"db.cpu\",\"episode\":3,"
                             "\"detector\":\"cusum\",\"start_ts\":null,\"end_ts\":null,"
                             "\"peak_score\":-3.2500,\"severity\":\"medium\",\"points\":12,"
                             "\"deviating\":9}");
    assert_int_equal(n, strlen(out));

    /* one ts known, one not; a non-finite peak is written as 0 */
    st.end_ts = 5;
    st.peak_score = INFINITY;
    st.severity = SEV_LOW;
    st.points = 1;
    st.deviating = 1;
    n = episode_encode(&st, EPISODE_UPDATE, "a", "hst", out);
    assert_string_equal(out, "{\"event\":\"update\",\"series\":\"a\",\"episode\":3,"
                             "\"detector\":\"hst\",\"start_ts\":null,\"end_ts\":5,"
                             "\"peak_score\":0.0000,\"severity\":\"low\",\"points\":1,"
                             "\"deviating\":1}");
    assert_int_equal(n, strlen(out));
}

/* An episode run through the layer encodes with the points' ts. */
static void test_episode_encode_after_run(void **state) {
    struct episode_params p = ep_params(2, 0, 0, 1, EPISODE_REPORT_EPISODES);
    struct episode_state st;
    char out[CODEC_OUT_MAX];
    (void)state;

    episode_init(&st);
    EP_RUN(&st, &p, ".O.C", 3.0, 3.5, 2.0, 0);
    episode_encode(&st, EPISODE_CLOSE, "web", "mad", out);
    assert_string_equal(out, "{\"event\":\"close\",\"series\":\"web\",\"episode\":1,"
                             "\"detector\":\"mad\",\"start_ts\":1700000000000,"
                             "\"end_ts\":1700000002000,\"peak_score\":3.5000,"
                             "\"severity\":\"medium\",\"points\":3,\"deviating\":3}");
}

static void test_episode_params_check(void **state) {
    static const struct {
        unsigned min_duration, cooldown, gap;
        double end_ratio;
        int report;
        const char *why; /* NULL: valid */
    } cases[] = {
        {1, 0, 0, 1, EPISODE_REPORT_POINTS, NULL},
        {EPISODE_DURATION_MAX, EPISODE_DURATION_MAX, EPISODE_DURATION_MAX, 1e-9,
         EPISODE_REPORT_EPISODES, NULL},
        {0, 0, 0, 1, EPISODE_REPORT_POINTS, "min-duration must be 1..1000000"},
        {EPISODE_DURATION_MAX + 1, 0, 0, 1, EPISODE_REPORT_POINTS,
         "min-duration must be 1..1000000"},
        {1, EPISODE_DURATION_MAX + 1, 0, 1, EPISODE_REPORT_POINTS,
         "cooldown and gap must be 0..1000000"},
        {1, 0, EPISODE_DURATION_MAX + 1, 1, EPISODE_REPORT_POINTS,
         "cooldown and gap must be 0..1000000"},
        {1, 0, 0, 0, EPISODE_REPORT_POINTS, "end ratio must be in (0, 1]"},
        {1, 0, 0, -0.5, EPISODE_REPORT_POINTS, "end ratio must be in (0, 1]"},
        {1, 0, 0, 1.0000001, EPISODE_REPORT_POINTS, "end ratio must be in (0, 1]"},
        {1, 0, 0, NAN, EPISODE_REPORT_POINTS, "end ratio must be in (0, 1]"},
        {1, 0, 0, INFINITY, EPISODE_REPORT_POINTS, "end ratio must be in (0, 1]"},
        {1, 0, 0, 1, EPISODE_REPORT_COUNT, "unknown report mode"},
        {1, 0, 0, 1, -1, "unknown report mode"},
    };
    (void)state;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct episode_params p = ep_params(cases[i].min_duration, cases[i].cooldown,
                                            cases[i].gap, cases[i].end_ratio,
                                            (enum episode_report)cases[i].report);
        char err[128] = "";
        int rc = episode_params_check(&p, err, sizeof err);
        if (rc != (cases[i].why ? -1 : 0))
            fail_msg("case %zu: rc %d, error \"%s\"", i, rc, err);
        if (cases[i].why && strcmp(err, cases[i].why) != 0)
            fail_msg("case %zu: error \"%s\", expected \"%s\"", i, err, cases[i].why);
    }
}

static void test_episode_defaults_and_names(void **state) {
    struct episode_params p;
    enum episode_report r = EPISODE_REPORT_POINTS;
    static const char *const bad[] = {"", "episode", "Points", "points ", "pointsx", "all"};
    char err[64];
    (void)state;

    episode_params_default(&p);
    assert_int_equal(p.min_duration, 1);
    assert_int_equal(p.cooldown, 0);
    assert_int_equal(p.gap, 0);
    assert_double_near(p.end_ratio, 1.0, 0);
    assert_int_equal(p.report, EPISODE_REPORT_POINTS);
    assert_int_equal(episode_params_check(&p, err, sizeof err), 0);

    assert_string_equal(episode_event_name(EPISODE_NONE), "none");
    assert_string_equal(episode_event_name(EPISODE_OPEN), "open");
    assert_string_equal(episode_event_name(EPISODE_UPDATE), "update");
    assert_string_equal(episode_event_name(EPISODE_CLOSE), "close");
    assert_string_equal(episode_event_name((enum episode_event)(EPISODE_CLOSE + 1)), "?");
    assert_string_equal(episode_report_name(EPISODE_REPORT_EPISODES), "episodes");
    assert_string_equal(episode_report_name(EPISODE_REPORT_POINTS), "points");
    assert_string_equal(episode_report_name(EPISODE_REPORT_COUNT), "?");

    assert_int_equal(episode_report_parse("episodes", &r), 0);
    assert_int_equal(r, EPISODE_REPORT_EPISODES);
    assert_int_equal(episode_report_parse("points", &r), 0);
    assert_int_equal(r, EPISODE_REPORT_POINTS);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = EPISODE_REPORT_COUNT;
        if (episode_report_parse(bad[i], &r) != -1)
            fail_msg("\"%s\" parsed", bad[i]);
        assert_int_equal(r, EPISODE_REPORT_COUNT); /* untouched */
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_episode_min_duration),
        cmocka_unit_test(test_episode_report_points),
        cmocka_unit_test(test_episode_cooldown),
        cmocka_unit_test(test_episode_cooldown_worse_opens),
        cmocka_unit_test(test_episode_gap),
        cmocka_unit_test(test_episode_hysteresis),
        cmocka_unit_test(test_episode_severity_rises),
        cmocka_unit_test(test_episode_warmup_changes_nothing),
        cmocka_unit_test(test_episode_lag_start),
        cmocka_unit_test(test_episode_encode),
        cmocka_unit_test(test_episode_encode_after_run),
        cmocka_unit_test(test_episode_params_check),
        cmocka_unit_test(test_episode_defaults_and_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

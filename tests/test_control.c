/* test_control.c - control.h: control messages parsed against a real struct detect. Good
 * messages (a series or all of them, ids as strings and numbers, get), a table of bad messages
 * with the error each must give, algorithm changes, control_apply, the settings JSON round trip
 * and the exact replies. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "control.h"

#define CTL_ERR_MAX 256
#define CTL_MAX_SERIES 100

/* cmocka 1.1's assert_float_equal compares as float; these are doubles. */
#define assert_double_near(got, want, eps)                                                         \
    do {                                                                                           \
        double near_got_ = (got), near_want_ = (want);                                             \
        if (!(near_got_ == near_want_ || fabs(near_got_ - near_want_) <= (eps)))                   \
            fail_msg("%s = %.17g, expected %.17g (within %g)", #got, near_got_, near_want_,        \
                     (double)(eps));                                                               \
    } while (0)

/* Every field of two settings, compared exactly. */
static void ctl_expect_conf(const struct detect_conf *got, const struct detect_conf *want) {
    const struct score_params *a = &got->score, *b = &want->score;
    assert_int_equal(a->algo, b->algo);
    assert_int_equal(a->window, b->window);
    assert_int_equal(a->warmup, b->warmup);
    assert_double_near(a->threshold, b->threshold, 0);
    assert_double_near(a->alpha, b->alpha, 0);
    assert_double_near(a->min_std, b->min_std, 0);
    assert_double_near(a->min_std_rel, b->min_std_rel, 0);
    assert_double_near(a->cusum_k, b->cusum_k, 0);
    assert_double_near(a->cusum_h, b->cusum_h, 0);
    assert_double_near(a->cusum_clip, b->cusum_clip, 0);
    assert_int_equal(a->cusum_relearn, b->cusum_relearn);
    assert_int_equal(a->hst_trees, b->hst_trees);
    assert_int_equal(a->hst_depth, b->hst_depth);
    assert_int_equal(a->seed, b->seed);
    assert_int_equal(a->local, b->local);
    assert_int_equal(a->memory, b->memory);
    assert_int_equal(a->season, b->season);
    assert_int_equal(got->episode.min_duration, want->episode.min_duration);
    assert_int_equal(got->episode.cooldown, want->episode.cooldown);
    assert_int_equal(got->episode.gap, want->episode.gap);
    assert_double_near(got->episode.end_ratio, want->episode.end_ratio, 0);
    assert_int_equal(got->episode.report, want->episode.report);
}

/* A detector with the sma defaults (window 25, threshold 2, reporting episodes). */
static int ctl_setup(void **state) {
    static struct detect d;
    struct detect_conf c;
    char err[CTL_ERR_MAX];
    detect_conf_default(&c, SCORE_SMA);
    if (detect_init(&d, &c, CTL_MAX_SERIES, err, sizeof err) != 0)
        return -1;
    *state = &d;
    return 0;
}

static int ctl_teardown(void **state) {
    detect_clear(*state);
    return 0;
}

/* Parses msg, which must succeed. */
static void ctl_parse_ok(const struct detect *d, const char *msg, struct control_request *req) {
    char err[CTL_ERR_MAX] = "";
    if (control_parse(msg, strlen(msg), d, req, err, sizeof err) != 0)
        fail_msg("%s: %s", msg, err);
}

static void test_control_series_target(void **state) {
    const struct detect *d = *state;
    struct control_request req;
    struct detect_conf want = d->conf;

    ctl_parse_ok(d, "{\"series\":\"web\",\"threshold\":3,\"id\":\"42\"}", &req);
    assert_false(req.all);
    assert_string_equal(req.series, "web");
    assert_string_equal(req.id, "42");
    assert_false(req.get);
    assert_int_equal(req.changed, 1);
    want.score.threshold = 3;
    ctl_expect_conf(&req.conf, &want);
}

static void test_control_all_series(void **state) {
    const struct detect *d = *state;
    struct control_request req;
    struct detect_conf want = d->conf;

    /* absent series: all */
    ctl_parse_ok(d, "{\"gap\":2}", &req);
    assert_true(req.all);
    assert_string_equal(req.series, "");
    assert_string_equal(req.id, "");
    want.episode.gap = 2;
    ctl_expect_conf(&req.conf, &want);
    /* "*": all; a warm-up equal to the window follows it */
    ctl_parse_ok(d, "{\"series\":\"*\",\"window\":50}", &req);
    assert_true(req.all);
    want = d->conf;
    want.score.window = 50;
    want.score.warmup = 50;
    ctl_expect_conf(&req.conf, &want);
}

static void test_control_ids(void **state) {
    static const struct {
        const char *msg, *id;
    } cases[] = {
        {"{\"id\":\"abc-1\",\"gap\":1}", "abc-1"},
        {"{\"id\":42,\"gap\":1}", "42"},
        {"{\"id\":0,\"gap\":1}", "0"},
        {"{\"id\":1e3,\"gap\":1}", "1000"},
        {"{\"id\":\"\",\"gap\":1}", ""},
        {"{\"gap\":1}", ""},
    };
    const struct detect *d = *state;
    (void)state;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct control_request req;
        ctl_parse_ok(d, cases[i].msg, &req);
        if (strcmp(req.id, cases[i].id) != 0)
            fail_msg("%s: id \"%s\", expected \"%s\"", cases[i].msg, req.id, cases[i].id);
    }
}

static void test_control_get(void **state) {
    struct detect *d = *state;
    struct control_request req;
    struct detect_conf web = d->conf;
    char err[CTL_ERR_MAX];

    ctl_parse_ok(d, "{\"get\":true,\"series\":\"web\",\"id\":7}", &req);
    assert_true(req.get);
    assert_int_equal(req.changed, 0);
    assert_false(req.all);
    assert_string_equal(req.id, "7");
    ctl_expect_conf(&req.conf, &d->conf);
    ctl_parse_ok(d, "{\"get\":true}", &req);
    assert_true(req.get);
    assert_true(req.all);
    /* a series with settings of its own answers with them; others with the global ones */
    web.score.threshold = 4.5;
    web.episode.cooldown = 9;
    assert_int_equal(detect_configure(d, "web", &web, err, sizeof err), 0);
    ctl_parse_ok(d, "{\"get\":true,\"series\":\"web\"}", &req);
    ctl_expect_conf(&req.conf, &web);
    ctl_parse_ok(d, "{\"get\":true,\"series\":\"db\"}", &req);
    ctl_expect_conf(&req.conf, &d->conf);
    /* a change to web starts from web's settings */
    ctl_parse_ok(d, "{\"series\":\"web\",\"gap\":3}", &req);
    web.episode.gap = 3;
    ctl_expect_conf(&req.conf, &web);
    /* get false is a plain change */
    ctl_parse_ok(d, "{\"get\":false,\"threshold\":3}", &req);
    assert_false(req.get);
    assert_int_equal(req.changed, 1);
}

static void test_control_every_field(void **state) {
    const struct detect *d = *state;
    struct control_request req;
    struct detect_conf want;

    ctl_parse_ok(d,
                 "{\"algo\":\"ema\",\"window\":40,\"warmup\":10,\"threshold\":3,\"alpha\":0.25,"
                 "\"min_std\":0.5,\"cusum_k\":1.5,\"hst_trees\":10,\"hst_depth\":6,"
                 "\"min_duration\":2,\"cooldown\":5,\"gap\":1,\"end_threshold\":1.5,"
                 "\"report\":\"points\"}",
                 &req);
    assert_int_equal(req.changed, 14);
    want = d->conf;
    score_params_default(&want.score, SCORE_EMA);
    want.score.window = 40;
    want.score.warmup = 10;
    want.score.threshold = 3;
    want.score.alpha = 0.25;
    want.score.min_std = 0.5;
    want.score.cusum_k = 1.5;
    want.score.hst_trees = 10;
    want.score.hst_depth = 6;
    want.episode.min_duration = 2;
    want.episode.cooldown = 5;
    want.episode.gap = 1;
    want.episode.end_ratio = 0.5;
    want.episode.report = EPISODE_REPORT_POINTS;
    ctl_expect_conf(&req.conf, &want);
}

/* A new algorithm starts from its own defaults; a threshold in the same message stays, before
 * or after "algo" in the text; the episode settings are not the algorithm's. */
static void test_control_algo_resets(void **state) {
    static const char *const msgs[] = {
        "{\"algo\":\"mad\",\"threshold\":4}",
        "{\"threshold\":4,\"algo\":\"mad\"}",
    };
    struct detect *d = *state;
    struct detect_conf global = d->conf, want;
    struct control_request req;
    char err[CTL_ERR_MAX];

    global.score.window = 100;
    global.score.warmup = 60;
    global.score.alpha = 0.5;
    global.episode.cooldown = 4;
    assert_int_equal(detect_configure(d, NULL, &global, err, sizeof err), 0);
    for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++) {
        ctl_parse_ok(d, msgs[i], &req);
        assert_int_equal(req.changed, 2);
        want = global;
        score_params_default(&want.score, SCORE_MAD);
        want.score.threshold = 4;
        ctl_expect_conf(&req.conf, &want);
    }
    ctl_parse_ok(d, "{\"algo\":\"cusum\"}", &req);
    want = global;
    score_params_default(&want.score, SCORE_CUSUM);
    ctl_expect_conf(&req.conf, &want);
}

/* The largest message accepted: 4096 bytes. */
static void test_control_size_limit(void **state) {
    const struct detect *d = *state;
    static char msg[CONTROL_MSG_MAX + 2];
    struct control_request req;
    char err[CTL_ERR_MAX];
    const char *head = "{\"gap\":1", *tail = "}";
    size_t n = strlen(head);

    memcpy(msg, head, n);
    memset(msg + n, ' ', CONTROL_MSG_MAX - n - 1);
    strcpy(msg + CONTROL_MSG_MAX - 1, tail);
    assert_int_equal(strlen(msg), CONTROL_MSG_MAX);
    assert_int_equal(control_parse(msg, CONTROL_MSG_MAX, d, &req, err, sizeof err), 0);
    assert_int_equal(req.conf.episode.gap, 1);
    /* one byte more is refused before parsing */
    memset(msg + n, ' ', CONTROL_MSG_MAX - n);
    strcpy(msg + CONTROL_MSG_MAX, tail);
    assert_int_equal(control_parse(msg, CONTROL_MSG_MAX + 1, d, &req, err, sizeof err), -1);
    assert_string_equal(err, "control message must be 1..4096 bytes");
}

static void test_control_bad_messages(void **state) {
    static const struct {
        const char *msg, *why, *id; /* why: a substring of the error; id: req.id after */
    } cases[] = {
        {"", "control message must be 1..4096 bytes", ""},
        {"threshold=3", "control message must be a JSON object", ""},
        {"{\"threshold\":3", "control message must be a JSON object", ""},
        {"[{\"threshold\":3}]", "control message must be a JSON object", ""},
        {"3", "control message must be a JSON object", ""},
        {"\"threshold\"", "control message must be a JSON object", ""},
        {"null", "control message must be a JSON object", ""},
        {"{\"thresh\":3}", "unknown setting \"thresh\"", ""},
        {"{\"id\":\"r1\",\"seed\":3}", "unknown setting \"seed\"", "r1"},
        {"{\"id\":true,\"gap\":1}", "id: expected a string or a number", ""},
        {"{\"series\":3,\"gap\":1}", "series: expected a string", ""},
        {"{\"series\":\"\",\"gap\":1}", "series: not a series name", ""},
        {"{\"series\":\"web server\",\"gap\":1}", "series: not a series name", ""},
        {"{\"series\":\"x0123456789012345678901234567890123456789012345678901234567890123\","
         "\"gap\":1}",
         "series: not a series name", ""},
        {"{\"get\":1}", "get: expected true or false", ""},
        {"{\"get\":\"true\"}", "get: expected true or false", ""},
        {"{\"id\":\"g\",\"get\":true,\"threshold\":3}",
         "get: a request either asks or changes, not both", "g"},
        {"{\"get\":true,\"algo\":\"mad\"}", "get: a request either asks or changes, not both", ""},
        {"{}", "nothing to change (settable: algo, window, warmup, threshold", ""},
        {"{\"series\":\"web\"}", "nothing to change", ""},
        {"{\"id\":\"n\",\"get\":false}", "nothing to change", "n"},
        {"{\"algo\":3}", "algo: expected a string", ""},
        {"{\"algo\":\"arima\"}", "algo: expected sma|ema|mad|cusum|hst|resid|knn, got \"arima\"",
         ""},
        {"{\"report\":true}", "report: expected a string", ""},
        {"{\"report\":\"all\"}", "report: expected episodes|points, got \"all\"", ""},
        {"{\"threshold\":\"3\"}", "threshold: expected a number", ""},
        {"{\"threshold\":null}", "threshold: expected a number", ""},
        {"{\"window\":[2]}", "window: expected a number", ""},
        {"{\"window\":1}", "window: expected an integer 2..100000, got 1", ""},
        {"{\"window\":100001}", "window: expected an integer 2..100000, got 100001", ""},
        {"{\"window\":30.5}", "window: expected an integer 2..100000, got 30.5", ""},
        {"{\"warmup\":0}", "warmup: expected an integer 1..100000, got 0", ""},
        {"{\"warmup\":100001}", "warmup: expected an integer 1..100000, got 100001", ""},
        {"{\"warmup\":1001}", "warm-up must be 1..window (1000)", ""},
        {"{\"window\":50,\"warmup\":51}", "warm-up must be 1..window (50)", ""},
        {"{\"threshold\":0}", "threshold: expected a number 1e-06..1e+06, got 0", ""},
        {"{\"threshold\":-2}", "threshold: expected a number 1e-06..1e+06, got -2", ""},
        {"{\"threshold\":1000001}", "threshold: expected a number 1e-06..1e+06, got 1e+06", ""},
        {"{\"threshold\":1e999}", "threshold: expected a number 1e-06..1e+06, got inf", ""},
        {"{\"alpha\":0}", "alpha: expected a number 1e-06..1, got 0", ""},
        {"{\"alpha\":1.5}", "alpha: expected a number 1e-06..1, got 1.5", ""},
        {"{\"min_std\":-0.1}", "min_std: expected a number 0..1e+12, got -0.1", ""},
        {"{\"min_std\":2e12}", "min_std: expected a number 0..1e+12, got 2e+12", ""},
        {"{\"cusum_k\":-1}", "cusum_k: expected a number 0..100, got -1", ""},
        {"{\"cusum_k\":101}", "cusum_k: expected a number 0..100, got 101", ""},
        {"{\"hst_trees\":0}", "hst_trees: expected an integer 1..64, got 0", ""},
        {"{\"hst_trees\":65}", "hst_trees: expected an integer 1..64, got 65", ""},
        {"{\"hst_trees\":2.5}", "hst_trees: expected an integer 1..64, got 2.5", ""},
        {"{\"hst_depth\":0}", "hst_depth: expected an integer 1..12, got 0", ""},
        {"{\"hst_depth\":13}", "hst_depth: expected an integer 1..12, got 13", ""},
        {"{\"min_duration\":0}", "min_duration: expected an integer 1..1e+06, got 0", ""},
        {"{\"min_duration\":2000000}", "min_duration: expected an integer 1..1e+06, got 2e+06",
         ""},
        {"{\"cooldown\":-1}", "cooldown: expected an integer 0..1e+06, got -1", ""},
        {"{\"cooldown\":1.5}", "cooldown: expected an integer 0..1e+06, got 1.5", ""},
        {"{\"cooldown\":2000000}", "cooldown: expected an integer 0..1e+06, got 2e+06", ""},
        {"{\"gap\":-1}", "gap: expected an integer 0..1e+06, got -1", ""},
        {"{\"gap\":2000000}", "gap: expected an integer 0..1e+06, got 2e+06", ""},
        {"{\"end_threshold\":0}", "end_threshold: expected a number 1e-06..1e+06, got 0", ""},
        {"{\"end_threshold\":2e6}", "end_threshold: expected a number 1e-06..1e+06, got 2e+06",
         ""},
        {"{\"end_threshold\":\"1\"}", "end_threshold: expected a number", ""},
        {"{\"end_threshold\":5.5}", "end_threshold (5.5) must not exceed threshold (5)", ""},
        {"{\"threshold\":3,\"end_threshold\":3.5}",
         "end_threshold (3.5) must not exceed threshold (3)", ""},
        /* a valid field before a bad one changes nothing either */
        {"{\"gap\":1,\"window\":0}", "window: expected an integer 2..100000, got 0", ""},
    };
    const struct detect *d = *state;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct control_request req;
        char err[CTL_ERR_MAX] = "";
        int rc = control_parse(cases[i].msg, strlen(cases[i].msg), d, &req, err, sizeof err);
        if (rc != -1)
            fail_msg("case %zu %s: accepted", i, cases[i].msg);
        if (!strstr(err, cases[i].why))
            fail_msg("case %zu %s: error \"%s\" lacks \"%s\"", i, cases[i].msg, err, cases[i].why);
        if (strcmp(req.id, cases[i].id) != 0)
            fail_msg("case %zu %s: id \"%s\", expected \"%s\"", i, cases[i].msg, req.id,
                     cases[i].id);
    }
}

static void test_control_apply(void **state) {
    static const struct {
        const char *json, *why;
    } bad[] = {
        {"[1]", "settings must be a JSON object"},
        {"{\"gap\":", "settings must be a JSON object"},
        {"{\"series\":\"web\"}", "unknown setting \"series\""},
        {"{\"get\":true}", "unknown setting \"get\""},
        {"{\"gap\":-1}", "gap: expected an integer 0..1e+06, got -1"},
        {"{\"threshold\":1,\"end_threshold\":2}", "end_threshold (2) must not exceed threshold (1)"},
    };
    static char big[CONTROL_MSG_MAX + 2];
    struct detect_conf c, before;
    char err[CTL_ERR_MAX];
    const char *good = "{\"threshold\":4,\"end_threshold\":3,\"report\":\"points\",\"cooldown\":2}";
    (void)state;

    detect_conf_default(&c, SCORE_SMA);
    assert_int_equal(control_apply(good, strlen(good), &c, err, sizeof err), 0);
    assert_double_near(c.score.threshold, 4, 0);
    assert_double_near(c.episode.end_ratio, 0.75, 0);
    assert_int_equal(c.episode.report, EPISODE_REPORT_POINTS);
    assert_int_equal(c.episode.cooldown, 2);
    assert_int_equal(c.score.window, 1000);
    /* an empty object changes nothing and is not an error here */
    memcpy(&before, &c, sizeof c);
    assert_int_equal(control_apply("{}", 2, &c, err, sizeof err), 0);
    ctl_expect_conf(&c, &before);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        if (control_apply(bad[i].json, strlen(bad[i].json), &c, err, sizeof err) != -1)
            fail_msg("%s: accepted", bad[i].json);
        if (!strstr(err, bad[i].why))
            fail_msg("%s: error \"%s\" lacks \"%s\"", bad[i].json, err, bad[i].why);
        ctl_expect_conf(&c, &before); /* untouched */
    }
    memset(big, ' ', CONTROL_MSG_MAX + 1);
    big[0] = '{';
    big[CONTROL_MSG_MAX] = '}';
    assert_int_equal(control_apply(big, CONTROL_MSG_MAX + 1, &c, err, sizeof err), -1);
    assert_string_equal(err, "settings longer than 4096 bytes");
    ctl_expect_conf(&c, &before);
}

/* What control_settings_json writes, control_apply reads back to the same settings, for every
 * algorithm, with every settable field away from its default. */
static void test_control_settings_round_trip(void **state) {
    static const double thresholds[] = {3.3, 2.2, 7, 0.1};
    static const double ratios[] = {0.7, 1, 0.3, 0.9};
    (void)state;

    for (int a = 0; a < SCORE_ALGO_COUNT; a++) {
        for (size_t t = 0; t < sizeof thresholds / sizeof thresholds[0]; t++) {
            struct detect_conf c, back;
            char buf[CONTROL_JSON_MAX], err[CTL_ERR_MAX] = "";
            size_t n;
            detect_conf_default(&c, (enum score_algo)a);
            c.score.window = 300;
            c.score.warmup = 120;
            c.score.threshold = thresholds[t];
            c.score.alpha = 0.3;
            c.score.min_std = 0.01;
            c.score.cusum_k = 0.75;
            c.score.hst_trees = 12;
            c.score.hst_depth = 5;
            c.episode.min_duration = 3;
            c.episode.cooldown = 7;
            c.episode.gap = 2;
            c.episode.end_ratio = ratios[t];
            c.episode.report = EPISODE_REPORT_POINTS;
            n = control_settings_json(&c, buf);
            assert_int_equal(n, strlen(buf));
            /* onto settings of another algorithm entirely */
            detect_conf_default(&back, (enum score_algo)((a + 1) % SCORE_ALGO_COUNT));
            if (control_apply(buf, n, &back, err, sizeof err) != 0)
                fail_msg("%s: %s", buf, err);
            ctl_expect_conf(&back, &c);
        }
    }
}

static void test_control_settings_json_exact(void **state) {
    struct detect_conf c;
    char buf[CONTROL_JSON_MAX];
    size_t n;
    (void)state;

    detect_conf_default(&c, SCORE_MAD);
    c.score.threshold = 4;
    c.episode.end_ratio = 0.5;
    c.score.alpha = 0.5;
    c.score.min_std = 0.25;
    n = control_settings_json(&c, buf);
    assert_string_equal(buf, "{\"algo\":\"mad\",\"window\":1000,\"warmup\":100,\"threshold\":4,"
                             "\"alpha\":0.5,\"min_std\":0.25,\"cusum_k\":1,\"hst_trees\":25,"
                             "\"hst_depth\":8,\"min_duration\":1,\"cooldown\":300,\"gap\":0,"
                             "\"end_threshold\":2,\"report\":\"episodes\"}");
    assert_int_equal(n, strlen(buf));
}

static void test_control_reply_json(void **state) {
    const struct detect *d = *state;
    struct control_request req;
    char buf[2 * CONTROL_JSON_MAX], err[CTL_ERR_MAX];
    size_t n;
    const char *bad = "{\"id\":\"r9\",\"series\":\"db\",\"foo\":1}";

    ctl_parse_ok(d, "{\"series\":\"web\",\"threshold\":3,\"id\":\"42\",\"report\":\"points\"}",
                 &req);
    req.conf.score.alpha = 0.5;
    req.conf.score.min_std = 0.25;
    n = control_reply_json(&req, 1, NULL, buf);
    assert_string_equal(buf, "{\"ok\":true,\"id\":\"42\",\"series\":\"web\",\"settings\":{"
                             "\"algo\":\"sma\",\"window\":1000,\"warmup\":100,\"threshold\":3,"
                             "\"alpha\":0.5,\"min_std\":0.25,\"cusum_k\":1,\"hst_trees\":25,"
                             "\"hst_depth\":8,\"min_duration\":1,\"cooldown\":300,\"gap\":0,"
                             "\"end_threshold\":3,\"report\":\"points\"}}");
    assert_int_equal(n, strlen(buf));

    /* an error: the id and series read before the failure are echoed */
    assert_int_equal(control_parse(bad, strlen(bad), d, &req, err, sizeof err), -1);
    n = control_reply_json(&req, 0, err, buf);
    assert_string_equal(buf, "{\"ok\":false,\"id\":\"r9\",\"series\":\"db\","
                             "\"error\":\"unknown setting \\\"foo\\\"\"}");
    assert_int_equal(n, strlen(buf));

    /* no id: no "id" key; all series: "*" */
    assert_int_equal(control_parse("{}", 2, d, &req, err, sizeof err), -1);
    n = control_reply_json(&req, 0, "nothing to change", buf);
    assert_string_equal(buf, "{\"ok\":false,\"series\":\"*\",\"error\":\"nothing to change\"}");
    assert_int_equal(n, strlen(buf));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_control_series_target, ctl_setup, ctl_teardown),
        cmocka_unit_test_setup_teardown(test_control_all_series, ctl_setup, ctl_teardown),
        cmocka_unit_test_setup_teardown(test_control_ids, ctl_setup, ctl_teardown),
        cmocka_unit_test_setup_teardown(test_control_get, ctl_setup, ctl_teardown),
        cmocka_unit_test_setup_teardown(test_control_every_field, ctl_setup, ctl_teardown),
        cmocka_unit_test_setup_teardown(test_control_algo_resets, ctl_setup, ctl_teardown),
        cmocka_unit_test_setup_teardown(test_control_size_limit, ctl_setup, ctl_teardown),
        cmocka_unit_test_setup_teardown(test_control_bad_messages, ctl_setup, ctl_teardown),
        cmocka_unit_test(test_control_apply),
        cmocka_unit_test(test_control_settings_round_trip),
        cmocka_unit_test(test_control_settings_json_exact),
        cmocka_unit_test_setup_teardown(test_control_reply_json, ctl_setup, ctl_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

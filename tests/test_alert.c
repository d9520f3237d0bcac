/* test_alert.c - the alert rate limiter, the payload and the environment of --alert-exec. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "alert.h"

static void test_limiter(void **state) {
    struct alert_limiter l;
    (void)state;
    alert_limiter_init(&l, 2);
    assert_int_equal(alert_limiter_take(&l, 1000), 1);
    assert_int_equal(alert_limiter_take(&l, 1001), 1);
    assert_int_equal(alert_limiter_take(&l, 1002), 0);
    assert_int_equal(alert_limiter_take(&l, 60999), 0); /* the first is 59.999 s old */
    assert_int_equal(alert_limiter_take(&l, 61000), 1); /* now 60 s: it leaves the window */
    assert_int_equal(alert_limiter_take(&l, 61000), 0);
    assert_int_equal(alert_limiter_take(&l, 61001), 1);
    assert_int_equal(alert_limiter_take(&l, 62000), 0);
    alert_limiter_clear(&l);
    alert_limiter_clear(&l);
}

static void test_limiter_never_more_than_rate_in_any_minute(void **state) {
    struct alert_limiter l;
    uint64_t sent[1000];
    size_t n = 0;
    (void)state;
    alert_limiter_init(&l, 5);
    for (uint64_t t = 0; t < 600000; t += 997)
        if (alert_limiter_take(&l, t))
            sent[n++] = t;
    assert_true(n >= 45); /* 5 a minute for 10 minutes, give or take the edges */
    for (size_t i = 5; i < n; i++)
        assert_true(sent[i] - sent[i - 5] >= ALERT_WINDOW_MS);
    alert_limiter_clear(&l);
}

static void test_payload(void **state) {
    char out[ALERT_PAYLOAD_MAX];
    const char *json = "{\"series\":\"web\",\"score\":4.2}";
    size_t n;
    (void)state;
    n = alert_payload(json, strlen(json), "open", 3, out);
    assert_string_equal(out, "{\"series\":\"web\",\"score\":4.2,\"event\":\"open\",\"episode\":3}");
    assert_int_equal(n, strlen(out));
    n = alert_payload("{}", 2, "anomaly", 0, out);
    assert_string_equal(out, "{\"event\":\"anomaly\",\"episode\":0}");
    assert_int_equal(alert_payload("[1]", 3, "open", 1, out), 0);
    assert_int_equal(alert_payload("", 0, "open", 1, out), 0);
}

static void test_env(void **state) {
    struct anomaly a;
    struct alert_env e;
    static const char *const want[] = {
        "BLIP_EVENT=open",   "BLIP_SERIES=web",       "BLIP_SEVERITY=high", "BLIP_SCORE=10.4413",
        "BLIP_VALUE=218.43", "BLIP_MEAN=201.9828",    "BLIP_STD=1.575",     "BLIP_THRESHOLD=2",
        "BLIP_DETECTOR=sma", "BLIP_TS=1767225600212", "BLIP_SEQ=106",       "BLIP_EPISODE=7",
    };
    (void)state;
    memset(&a, 0, sizeof a);
    strcpy(a.pt.series, "web");
    a.pt.value = 218.43;
    a.pt.ts = 1767225600212LL;
    a.pt.seq = 106;
    a.pt.has = CODEC_HAS_TS | CODEC_HAS_SEQ;
    strcpy(a.detector, "sma");
    a.score = 10.44127;
    a.mean = 201.9828;
    a.std = 1.575;
    a.threshold = 2;
    a.severity = SEV_HIGH;
    alert_env_build(&e, &a, "open", 7);
    assert_int_equal(e.n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < e.n; i++)
        assert_string_equal(e.vars[i], want[i]);
    assert_null(e.vars[e.n]);
    a.pt.has = 0;
    alert_env_build(&e, &a, "anomaly", 7);
    assert_string_equal(e.vars[9], "BLIP_TS=");
    assert_string_equal(e.vars[10], "BLIP_SEQ=");
    assert_string_equal(e.vars[0], "BLIP_EVENT=anomaly");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limiter),
        cmocka_unit_test(test_limiter_never_more_than_rate_in_any_minute),
        cmocka_unit_test(test_payload),
        cmocka_unit_test(test_env),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

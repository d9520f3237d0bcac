/* test_log.c - log.h's pure parts: level names both ways and the rate limiter. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "log.h"

#define LOG_TEST_T0 5000000 /* an arbitrary monotonic start, ms */

struct level_case {
    const char *text;
    int rc;
    enum log_level level;
};

static void test_level_parse(void **state) {
    static const struct level_case cases[] = {
        {"error", 0, LOG_ERROR}, {"warn", 0, LOG_WARN},   {"warning", 0, LOG_WARN},
        {"info", 0, LOG_INFO},   {"debug", 0, LOG_DEBUG}, {"", -1, 0},
        {"ERROR", -1, 0},        {"Info", -1, 0},         {"verbose", -1, 0},
        {"warn ", -1, 0},        {"deb", -1, 0},          {"debug2", -1, 0},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enum log_level out = (enum log_level)77;
        int rc = log_level_parse(cases[i].text, &out);
        if (rc != cases[i].rc)
            fail_msg("\"%s\": got %d, expected %d", cases[i].text, rc, cases[i].rc);
        assert_int_equal(out, rc == 0 ? cases[i].level : (enum log_level)77);
    }
}

static void test_level_names(void **state) {
    static const char *const names[] = {"error", "warn", "info", "debug"};
    (void)state;
    for (int l = LOG_ERROR; l <= LOG_DEBUG; l++) {
        enum log_level back;
        assert_string_equal(log_level_name((enum log_level)l), names[l]);
        assert_int_equal(log_level_parse(names[l], &back), 0);
        assert_int_equal(back, l);
    }
    assert_string_equal(log_level_name((enum log_level)(LOG_DEBUG + 1)), "?");
}

static void test_enabled_follows_level(void **state) {
    (void)state;
    log_set_level(LOG_WARN);
    assert_int_equal(log_enabled(LOG_ERROR), 1);
    assert_int_equal(log_enabled(LOG_WARN), 1);
    assert_int_equal(log_enabled(LOG_INFO), 0);
    assert_int_equal(log_enabled(LOG_DEBUG), 0);
    log_set_level(LOG_DEBUG);
    assert_int_equal(log_enabled(LOG_DEBUG), 1);
    log_set_level(LOG_INFO);
}

/* LOG_RATE_BURST lines pass in a window, the rest are counted, and the first line of the next
 * window reports how many were dropped. */
static void test_ratelimit_burst_then_report(void **state) {
    struct log_ratelimit rl = {0, 0, 0};
    uint64_t was = 999;
    (void)state;
    for (int i = 0; i < LOG_RATE_BURST; i++) {
        was = 999;
        assert_int_equal(log_ratelimit_allow(&rl, LOG_TEST_T0 + (uint64_t)i, &was), 1);
        assert_int_equal(was, 0);
    }
    for (int i = 0; i < 5; i++) {
        was = 999;
        assert_int_equal(log_ratelimit_allow(&rl, LOG_TEST_T0 + 100, &was), 0);
        assert_int_equal(was, 999); /* not written when refused */
    }
    assert_int_equal(rl.suppressed, 5);
    /* the last millisecond of the window still refuses */
    assert_int_equal(log_ratelimit_allow(&rl, LOG_TEST_T0 + LOG_RATE_WINDOW_MS - 1, &was), 0);
    assert_int_equal(rl.suppressed, 6);
    /* a new window: allowed, with the count of what was dropped */
    assert_int_equal(log_ratelimit_allow(&rl, LOG_TEST_T0 + LOG_RATE_WINDOW_MS, &was), 1);
    assert_int_equal(was, 6);
    assert_int_equal(rl.suppressed, 0);
    assert_int_equal(log_ratelimit_allow(&rl, LOG_TEST_T0 + LOG_RATE_WINDOW_MS + 1, &was), 1);
    assert_int_equal(was, 0);
    /* the new window has a full burst of its own: 2 used, LOG_RATE_BURST - 2 left */
    for (int i = 2; i < LOG_RATE_BURST; i++)
        assert_int_equal(log_ratelimit_allow(&rl, LOG_TEST_T0 + LOG_RATE_WINDOW_MS + 2, NULL), 1);
    assert_int_equal(log_ratelimit_allow(&rl, LOG_TEST_T0 + LOG_RATE_WINDOW_MS + 3, NULL), 0);
}

/* A quiet window with nothing refused reports zero; long gaps open a fresh window. */
static void test_ratelimit_gap(void **state) {
    struct log_ratelimit rl = {0, 0, 0};
    uint64_t was = 999;
    (void)state;
    for (int i = 0; i < LOG_RATE_BURST; i++)
        assert_int_equal(log_ratelimit_allow(&rl, LOG_TEST_T0, NULL), 1);
    assert_int_equal(log_ratelimit_allow(&rl, LOG_TEST_T0 + 10 * LOG_RATE_WINDOW_MS, &was), 1);
    assert_int_equal(was, 0);
    assert_int_equal(rl.used, 1);
}

/* A zero-initialised limiter works from time 0 too. */
static void test_ratelimit_time_zero(void **state) {
    struct log_ratelimit rl = {0, 0, 0};
    (void)state;
    for (int i = 0; i < LOG_RATE_BURST; i++)
        assert_int_equal(log_ratelimit_allow(&rl, 0, NULL), 1);
    assert_int_equal(log_ratelimit_allow(&rl, 0, NULL), 0);
    assert_int_equal(log_ratelimit_allow(&rl, 1, NULL), 0);
    assert_int_equal(rl.suppressed, 2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_level_parse),
        cmocka_unit_test(test_level_names),
        cmocka_unit_test(test_enabled_follows_level),
        cmocka_unit_test(test_ratelimit_burst_then_report),
        cmocka_unit_test(test_ratelimit_gap),
        cmocka_unit_test(test_ratelimit_time_zero),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

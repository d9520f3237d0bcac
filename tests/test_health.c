/* test_health.c - /health bodies and status codes, healthy and each reason for not. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "health.h"

static const struct health_conn both_up[2] = {{"subscriber", 1}, {"publisher", 1}};

static struct health detector_health(void) {
    struct health h = {"blip-detector",  "1.2.3", 12.5, both_up, 2, 1,
                       "response_times", 0,       1200, 0.25};
    return h;
}

static void test_healthy(void **state) {
    struct health h = detector_health();
    struct sbuf b;
    (void)state;
    sbuf_init(&b);
    assert_int_equal(health_json(&h, &b), 200);
    assert_string_equal(b.buf, "{\"status\":\"ok\",\"program\":\"blip-detector\",\"version\":"
                               "\"1.2.3\",\"uptime_s\":12.500,\"redis\":{\"subscriber\":\"up\","
                               "\"publisher\":\"up\"},\"subscribed\":true,\"channel\":"
                               "\"response_times\",\"points\":1200,\"last_point_age_s\":0.250}");
    sbuf_clear(&b);
}

static void test_reasons(void **state) {
    static const struct health_conn sub_down[2] = {{"subscriber", 0}, {"publisher", 0}};
    static const struct health_conn pub_down[2] = {{"subscriber", 1}, {"publisher", 0}};
    struct health h = detector_health();
    struct sbuf b;
    (void)state;
    sbuf_init(&b);
    h.conns = sub_down;
    h.subscribed = 0;
    h.last_point_age_s = NAN;
    assert_int_equal(health_json(&h, &b), 503);
    assert_string_equal(b.buf, "{\"status\":\"unavailable\",\"reason\":\"redis subscriber not "
                               "connected\",\"program\":\"blip-detector\",\"version\":\"1.2.3\","
                               "\"uptime_s\":12.500,\"redis\":{\"subscriber\":\"down\","
                               "\"publisher\":\"down\"},\"subscribed\":false,\"channel\":"
                               "\"response_times\",\"points\":1200,\"last_point_age_s\":null}");
    sbuf_reset(&b);
    h.conns = pub_down;
    assert_int_equal(health_json(&h, &b), 503);
    assert_non_null(strstr(b.buf, "\"reason\":\"redis publisher not connected\""));
    sbuf_reset(&b);
    h.conns = both_up;
    assert_int_equal(health_json(&h, &b), 503);
    assert_non_null(strstr(b.buf, "\"reason\":\"not subscribed to \\\"response_times\\\"\""));
    sbuf_reset(&b);
    h.stopping = 1;
    assert_int_equal(health_json(&h, &b), 503);
    assert_non_null(strstr(b.buf, "\"reason\":\"stopping\""));
    sbuf_clear(&b);
}

static void test_generator_shapes(void **state) {
    struct health_conn pub = {"publisher", 1};
    struct health h = {"blip-generator", "1.2.3", 1, &pub, 1, -1, NULL, 0, 7, 0.001};
    struct sbuf b;
    (void)state;
    sbuf_init(&b);
    assert_int_equal(health_json(&h, &b), 200);
    assert_string_equal(b.buf, "{\"status\":\"ok\",\"program\":\"blip-generator\",\"version\":"
                               "\"1.2.3\",\"uptime_s\":1.000,\"redis\":{\"publisher\":\"up\"},"
                               "\"points\":7,\"last_point_age_s\":0.001}");
    sbuf_reset(&b);
    h.nconns = 0; /* --stdout: no Redis at all */
    assert_int_equal(health_json(&h, &b), 200);
    assert_non_null(strstr(b.buf, "\"redis\":{},\"points\":7"));
    sbuf_clear(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_healthy),
        cmocka_unit_test(test_reasons),
        cmocka_unit_test(test_generator_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

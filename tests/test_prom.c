/* test_prom.c - sbuf (text buffer), hist (latency histogram) and prom (Prometheus text). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "hist.h"
#include "prom.h"
#include "sbuf.h"

static void test_sbuf_grows(void **state) {
    struct sbuf b;
    (void)state;
    sbuf_init(&b);
    for (int i = 0; i < 1000; i++)
        sbuf_printf(&b, "%04d,", i);
    assert_int_equal(b.len, 5000);
    assert_int_equal(strlen(b.buf), 5000);
    assert_memory_equal(b.buf + 4995, "0999,", 5);
    sbuf_reset(&b);
    assert_string_equal(b.buf, "");
    sbuf_add(&b, "ab", 2);
    sbuf_puts(&b, "cd");
    assert_string_equal(b.buf, "abcd");
    sbuf_clear(&b);
    sbuf_clear(&b);
    assert_null(b.buf);
}

static void test_sbuf_json(void **state) {
    struct sbuf b;
    (void)state;
    sbuf_init(&b);
    sbuf_json_str(&b, "a\"b\\c\nd\x01");
    sbuf_add(&b, " ", 1);
    sbuf_json_num(&b, 2.5);
    sbuf_add(&b, " ", 1);
    sbuf_json_num(&b, NAN);
    sbuf_add(&b, " ", 1);
    sbuf_json_num(&b, -INFINITY);
    sbuf_add(&b, " ", 1);
    sbuf_json_num(&b, 1e21);
    assert_string_equal(b.buf, "\"a\\\"b\\\\c\\nd\\u0001\" 2.5 null null 1e21");
    sbuf_clear(&b);
}

static void test_prom_counter_gauge(void **state) {
    struct sbuf b;
    (void)state;
    sbuf_init(&b);
    prom_counter(&b, "blip_x_total", "things\\done\nso far", 42);
    prom_gauge(&b, "blip_y", "a level", 0.25);
    assert_string_equal(b.buf, "# HELP blip_x_total things\\\\done\\nso far\n"
                               "# TYPE blip_x_total counter\n"
                               "blip_x_total 42\n"
                               "# HELP blip_y a level\n"
                               "# TYPE blip_y gauge\n"
                               "blip_y 0.25\n");
    sbuf_clear(&b);
}

static void test_prom_labels_and_values(void **state) {
    struct sbuf b;
    struct prom_label l[2] = {{"series", "we\"b\\x\ny"}, {"code", "200"}};
    (void)state;
    sbuf_init(&b);
    prom_sample(&b, "m", l, 2, 1);
    prom_sample(&b, "m", l + 1, 1, NAN);
    prom_sample(&b, "m", NULL, 0, INFINITY);
    prom_sample(&b, "m", NULL, 0, -INFINITY);
    prom_sample(&b, "m", NULL, 0, 18446744073709551616.0);
    assert_string_equal(b.buf, "m{series=\"we\\\"b\\\\x\\ny\",code=\"200\"} 1\n"
                               "m{code=\"200\"} NaN\n"
                               "m +Inf\n"
                               "m -Inf\n"
                               "m 1.8446744073709552e19\n");
    sbuf_clear(&b);
}

static void test_hist_and_prom_histogram(void **state) {
    static const uint64_t bounds[] = {1000, 5000};
    struct hist h;
    struct sbuf b;
    (void)state;
    hist_init(&h, bounds, 2);
    hist_observe(&h, 500);
    hist_observe(&h, 1000); /* on the bound: le is inclusive */
    hist_observe(&h, 3000);
    hist_observe(&h, 9000);
    assert_int_equal(h.count, 4);
    assert_int_equal(h.sum_ns, 13500);
    assert_int_equal(hist_cumulative(&h, 0), 2);
    assert_int_equal(hist_cumulative(&h, 1), 3);
    assert_int_equal(hist_cumulative(&h, 2), 4);
    sbuf_init(&b);
    prom_histogram_ns(&b, "lat_seconds", "latency", &h);
    assert_string_equal(b.buf, "# HELP lat_seconds latency\n"
                               "# TYPE lat_seconds histogram\n"
                               "lat_seconds_bucket{le=\"1e-6\"} 2\n"
                               "lat_seconds_bucket{le=\"5e-6\"} 3\n"
                               "lat_seconds_bucket{le=\"+Inf\"} 4\n"
                               "lat_seconds_sum 1.35e-5\n"
                               "lat_seconds_count 4\n");
    sbuf_clear(&b);
}

static void test_hist_latency_bounds(void **state) {
    struct hist h;
    (void)state;
    assert_int_equal(hist_latency_nbounds, 16);
    for (size_t i = 1; i < hist_latency_nbounds; i++)
        assert_true(hist_latency_bounds_ns[i] > hist_latency_bounds_ns[i - 1]);
    hist_init(&h, hist_latency_bounds_ns, hist_latency_nbounds);
    hist_observe(&h, 200000000); /* 200 ms: beyond the last bound */
    assert_int_equal(h.counts[16], 1);
    assert_int_equal(hist_cumulative(&h, 15), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sbuf_grows),
        cmocka_unit_test(test_sbuf_json),
        cmocka_unit_test(test_prom_counter_gauge),
        cmocka_unit_test(test_prom_labels_and_values),
        cmocka_unit_test(test_hist_and_prom_histogram),
        cmocka_unit_test(test_hist_latency_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_genstats.c - the generator's /metrics text, exactly. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "genstats.h"

static void test_without_redis(void **state) {
    struct genstats g;
    struct sbuf b;
    (void)state;
    memset(&g, 0, sizeof g);
    g.version = "1.2.3";
    g.uptime_s = 2.5;
    g.made = g.published = 10;
    g.series = 1;
    g.connected = -1;
    sbuf_init(&b);
    genstats_render(&g, &b);
    assert_string_equal(
        b.buf,
        "# HELP blip_build_info always 1; the program and its version\n"
        "# TYPE blip_build_info gauge\n"
        "blip_build_info{program=\"blip-generator\",version=\"1.2.3\"} 1\n"
        "# HELP blip_generator_uptime_seconds seconds since the generator started\n"
        "# TYPE blip_generator_uptime_seconds gauge\n"
        "blip_generator_uptime_seconds 2.5\n"
        "# HELP blip_generator_series series simulated\n"
        "# TYPE blip_generator_series gauge\n"
        "blip_generator_series 1\n"
        "# HELP blip_generator_points_total points made\n"
        "# TYPE blip_generator_points_total counter\n"
        "blip_generator_points_total 10\n"
        "# HELP blip_generator_published_total points acknowledged by Redis (written, with "
        "--stdout)\n"
        "# TYPE blip_generator_published_total counter\n"
        "blip_generator_published_total 10\n"
        "# HELP blip_generator_dropped_total points not sent because Redis was away or too much "
        "was in flight\n"
        "# TYPE blip_generator_dropped_total counter\n"
        "blip_generator_dropped_total 0\n"
        "# HELP blip_generator_bad_rows_total replay rows skipped as unreadable\n"
        "# TYPE blip_generator_bad_rows_total counter\n"
        "blip_generator_bad_rows_total 0\n");
    sbuf_clear(&b);
}

static void test_with_redis_and_history(void **state) {
    struct genstats g;
    struct sbuf b;
    (void)state;
    memset(&g, 0, sizeof g);
    g.version = "1.2.3";
    g.connected = 1;
    g.reconnects = 2;
    g.pending = 5;
    g.failed = 3;
    g.no_receivers = 4;
    g.history = 1;
    g.history_added = 9;
    g.history_dropped = 1;
    sbuf_init(&b);
    genstats_render(&g, &b);
    assert_non_null(strstr(b.buf, "\nblip_generator_redis_connected 1\n"));
    assert_non_null(strstr(b.buf, "\nblip_generator_redis_reconnects_total 2\n"));
    assert_non_null(strstr(b.buf, "\nblip_generator_redis_pending 5\n"));
    assert_non_null(strstr(b.buf, "\nblip_generator_publish_failed_total 3\n"));
    assert_non_null(strstr(b.buf, "\nblip_generator_no_subscribers_total 4\n"));
    assert_non_null(strstr(b.buf, "# TYPE blip_generator_history_entries_total counter\n"
                                  "blip_generator_history_entries_total{result=\"added\"} 9\n"
                                  "blip_generator_history_entries_total{result=\"failed\"} 0\n"
                                  "blip_generator_history_entries_total{result=\"dropped\"} 1\n"));
    g.history = 0;
    sbuf_reset(&b);
    genstats_render(&g, &b);
    assert_null(strstr(b.buf, "history"));
    sbuf_clear(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_without_redis),
        cmocka_unit_test(test_with_redis_and_history),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

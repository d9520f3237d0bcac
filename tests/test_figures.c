/* test_figures.c - the detector's /metrics text: exact families, labels and the per-series cap. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "figures.h"

struct fixture {
    struct detect core;
    uint64_t malformed[CODEC_ERR_COUNT];
    struct hist latency;
    struct figures f;
    struct sbuf b;
};

static void push(struct detect *d, const char *series, double v) {
    struct point p;
    struct detect_result r;
    memset(&p, 0, sizeof p);
    strcpy(p.series, series);
    p.value = v;
    detect_push(d, &p, &r, NULL);
}

static int setup(void **state) {
    static struct fixture fx;
    struct detect_conf c;
    char err[128];
    memset(&fx, 0, sizeof fx);
    detect_conf_default(&c, SCORE_SMA);
    assert_int_equal(detect_init(&fx.core, &c, 100, err, sizeof err), 0);
    push(&fx.core, "web", 1);
    push(&fx.core, "api", 2);
    push(&fx.core, "db", 3);
    push(&fx.core, "web", 4);
    fx.core.flagged[SEV_HIGH] = 2;
    fx.core.episodes = 1;
    fx.malformed[CODEC_ESYNTAX] = 5;
    hist_init(&fx.latency, hist_latency_bounds_ns, hist_latency_nbounds);
    hist_observe(&fx.latency, 1500);
    fx.f.version = "1.2.3";
    fx.f.core = &fx.core;
    fx.f.malformed = fx.malformed;
    fx.f.latency = &fx.latency;
    fx.f.uptime_s = 3;
    fx.f.last_point_age_s = NAN;
    fx.f.sub_up = 1;
    fx.f.pub_reconnects = 2;
    fx.f.published = 9;
    fx.f.dropped_full = 1;
    fx.f.pending = 4;
    fx.f.output_buffer_bytes = -1;
    fx.f.control_bad = 1;
    fx.f.history[FIGURES_STREAM_ANOMALIES].added = 2;
    fx.f.history[FIGURES_STREAM_EPISODES].dropped = 3;
    fx.f.alerts.raised = 4;
    fx.f.alerts.suppressed = 1;
    fx.f.alerts.exec_ok = 2;
    fx.f.alerts.exec_failed = 1;
    fx.f.alerts.webhook_retries = 6;
    sbuf_init(&fx.b);
    *state = &fx;
    return 0;
}

static int teardown(void **state) {
    struct fixture *fx = *state;
    sbuf_clear(&fx->b);
    detect_clear(&fx->core);
    return 0;
}

#define HAS(text) assert_non_null(strstr(fx->b.buf, text))

static void test_families(void **state) {
    static const char head[] =
        "# HELP blip_build_info always 1; the program and its version\n"
        "# TYPE blip_build_info gauge\n"
        "blip_build_info{program=\"blip-detector\",version=\"1.2.3\"} 1\n"
        "# HELP blip_detector_uptime_seconds seconds since the detector started\n"
        "# TYPE blip_detector_uptime_seconds gauge\n"
        "blip_detector_uptime_seconds 3\n"
        "# HELP blip_detector_points_total points scored\n"
        "# TYPE blip_detector_points_total counter\n"
        "blip_detector_points_total 4\n";
    struct fixture *fx = *state;
    figures_render(&fx->f, &fx->b);
    assert_memory_equal(fx->b.buf, head, strlen(head));
    HAS("# TYPE blip_detector_anomalies_total counter\n"
        "blip_detector_anomalies_total{severity=\"low\"} 0\n"
        "blip_detector_anomalies_total{severity=\"medium\"} 0\n"
        "blip_detector_anomalies_total{severity=\"high\"} 2\n");
    HAS("\nblip_detector_episodes_total 1\n");
    HAS("blip_detector_malformed_total{cause=\"size\"} 0\n"
        "blip_detector_malformed_total{cause=\"syntax\"} 5\n"
        "blip_detector_malformed_total{cause=\"type\"} 0\n"
        "blip_detector_malformed_total{cause=\"range\"} 0\n"
        "blip_detector_malformed_total{cause=\"missing\"} 0\n"
        "blip_detector_malformed_total{cause=\"series\"} 0\n");
    HAS("\nblip_detector_series 3\n");
    HAS("\nblip_detector_series_evicted_total 0\n");
    HAS("# TYPE blip_detector_processing_seconds histogram\n"
        "blip_detector_processing_seconds_bucket{le=\"1e-6\"} 0\n"
        "blip_detector_processing_seconds_bucket{le=\"2.5e-6\"} 1\n");
    HAS("blip_detector_processing_seconds_bucket{le=\"+Inf\"} 1\n"
        "blip_detector_processing_seconds_sum 1.5e-6\n"
        "blip_detector_processing_seconds_count 1\n");
    HAS("blip_detector_redis_connected{connection=\"subscriber\"} 1\n"
        "blip_detector_redis_connected{connection=\"publisher\"} 0\n");
    HAS("blip_detector_redis_reconnects_total{connection=\"subscriber\"} 0\n"
        "blip_detector_redis_reconnects_total{connection=\"publisher\"} 2\n");
    HAS("\nblip_detector_published_total 9\n");
    HAS("\nblip_detector_publish_failed_total 0\n");
    HAS("blip_detector_publish_dropped_total{reason=\"disconnected\"} 0\n"
        "blip_detector_publish_dropped_total{reason=\"backlog\"} 1\n");
    HAS("\nblip_detector_redis_pending 4\n");
    HAS("blip_detector_control_messages_total{result=\"accepted\"} 0\n"
        "blip_detector_control_messages_total{result=\"refused\"} 1\n");
    HAS("blip_detector_history_entries_total{stream=\"anomalies\",result=\"added\"} 2\n"
        "blip_detector_history_entries_total{stream=\"anomalies\",result=\"failed\"} 0\n"
        "blip_detector_history_entries_total{stream=\"anomalies\",result=\"dropped\"} 0\n"
        "blip_detector_history_entries_total{stream=\"episodes\",result=\"added\"} 0\n"
        "blip_detector_history_entries_total{stream=\"episodes\",result=\"failed\"} 0\n"
        "blip_detector_history_entries_total{stream=\"episodes\",result=\"dropped\"} 3\n");
    HAS("\nblip_detector_alerts_total 4\n");
    HAS("\nblip_detector_alerts_suppressed_total 1\n");
    HAS("blip_detector_alert_exec_total{result=\"ok\"} 2\n"
        "blip_detector_alert_exec_total{result=\"failed\"} 1\n"
        "blip_detector_alert_exec_total{result=\"timeout\"} 0\n");
    HAS("blip_detector_webhook_total{result=\"ok\"} 0\n"
        "blip_detector_webhook_total{result=\"failed\"} 0\n"
        "blip_detector_webhook_total{result=\"dropped\"} 0\n");
    HAS("\nblip_detector_webhook_retries_total 6\n");
    /* unknown figures are left out rather than written as 0 */
    assert_null(strstr(fx->b.buf, "last_point_age"));
    assert_null(strstr(fx->b.buf, "output_buffer"));
    assert_null(strstr(fx->b.buf, "series_points_total"));
    assert_null(strstr(fx->b.buf, "{series="));
}

static void test_known_lag(void **state) {
    struct fixture *fx = *state;
    fx->f.last_point_age_s = 0.5;
    fx->f.output_buffer_bytes = 40984;
    figures_render(&fx->f, &fx->b);
    HAS("# TYPE blip_detector_last_point_age_seconds gauge\n"
        "blip_detector_last_point_age_seconds 0.5\n");
    HAS("# TYPE blip_detector_redis_output_buffer_bytes gauge\n"
        "blip_detector_redis_output_buffer_bytes 40984\n");
}

static void test_per_series_capped(void **state) {
    struct fixture *fx = *state;
    fx->f.per_series = 2;
    figures_render(&fx->f, &fx->b);
    /* the two most recently seen: web (pushed last), then db */
    HAS("# TYPE blip_detector_series_points_total counter\n"
        "blip_detector_series_points_total{series=\"web\"} 2\n"
        "blip_detector_series_points_total{series=\"db\"} 1\n"
        "# HELP blip_detector_series_anomalies_total");
    HAS("blip_detector_series_anomalies_total{series=\"web\"} 0\n"
        "blip_detector_series_anomalies_total{series=\"db\"} 0\n");
    HAS("# TYPE blip_detector_series_last_value gauge\n"
        "blip_detector_series_last_value{series=\"web\"} 4\n"
        "blip_detector_series_last_value{series=\"db\"} 3\n");
    assert_null(strstr(fx->b.buf, "{series=\"api\"}"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_families, setup, teardown),
        cmocka_unit_test_setup_teardown(test_known_lag, setup, teardown),
        cmocka_unit_test_setup_teardown(test_per_series_capped, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* figures.c - see figures.h. */
#include "figures.h"

#include <math.h>
#include <stdio.h>

#include "prom.h"

static void figures_labelled(struct sbuf *b, const char *name, const char *key, const char *value,
                             double v) {
    struct prom_label l = {key, value};
    prom_sample(b, name, &l, 1, v);
}

static void figures_scoring(const struct figures *f, struct sbuf *b) {
    const struct detect *d = f->core;
    prom_counter(b, "blip_detector_points_total", "points scored", (double)d->points);
    prom_counter(b, "blip_detector_deviating_points_total",
                 "points whose |score| reached the threshold", (double)d->deviating);
    prom_family(b, "blip_detector_anomalies_total", PROM_COUNTER,
                "points reported as anomalies, by severity");
    for (int s = SEV_LOW; s < SEV_COUNT; s++)
        figures_labelled(b, "blip_detector_anomalies_total", "severity",
                         codec_severity_name((enum severity)s), (double)d->flagged[s]);
    prom_counter(b, "blip_detector_episodes_total", "episodes opened", (double)d->episodes);
    prom_family(b, "blip_detector_malformed_total", PROM_COUNTER,
                "messages refused as malformed, by cause");
    for (int e = 1; e < CODEC_ERR_COUNT; e++)
        figures_labelled(b, "blip_detector_malformed_total", "cause",
                         codec_err_name((enum codec_err)e), (double)f->malformed[e]);
    prom_counter(b, "blip_detector_shed_total",
                 "points read but not scored because the detector was behind (--shed-at)",
                 (double)f->shed);
    prom_gauge(b, "blip_detector_shedding", "1 while behind and reading without scoring",
               f->shedding ? 1 : 0);
    prom_gauge(b, "blip_detector_series", "series tracked now", (double)d->table.len);
    prom_counter(b, "blip_detector_series_evicted_total",
                 "series dropped to stay within --max-series", (double)d->table.evicted);
    prom_histogram_ns(b, "blip_detector_processing_seconds",
                      "time from a message's arrival to its verdict (decode, score, episode), "
                      "for one point in 16",
                      f->latency);
    if (!isnan(f->last_point_age_s))
        prom_gauge(b, "blip_detector_last_point_age_seconds",
                   "seconds since the last point arrived", f->last_point_age_s);
}

static void figures_redis(const struct figures *f, struct sbuf *b) {
    prom_family(b, "blip_detector_redis_connected", PROM_GAUGE,
                "1 while the Redis connection is ready");
    figures_labelled(b, "blip_detector_redis_connected", "connection", "subscriber", f->sub_up);
    figures_labelled(b, "blip_detector_redis_connected", "connection", "publisher", f->pub_up);
    prom_family(b, "blip_detector_redis_reconnects_total", PROM_COUNTER,
                "times a lost Redis connection was restored");
    figures_labelled(b, "blip_detector_redis_reconnects_total", "connection", "subscriber",
                     (double)f->sub_reconnects);
    figures_labelled(b, "blip_detector_redis_reconnects_total", "connection", "publisher",
                     (double)f->pub_reconnects);
    prom_counter(b, "blip_detector_published_total", "publishes acknowledged by Redis",
                 (double)f->published);
    prom_counter(b, "blip_detector_publish_failed_total",
                 "publishes Redis refused or lost with the connection", (double)f->publish_failed);
    prom_family(b, "blip_detector_publish_dropped_total", PROM_COUNTER,
                "publishes not sent, by reason");
    figures_labelled(b, "blip_detector_publish_dropped_total", "reason", "disconnected",
                     (double)f->dropped_down);
    figures_labelled(b, "blip_detector_publish_dropped_total", "reason", "backlog",
                     (double)f->dropped_full);
    prom_gauge(b, "blip_detector_redis_pending", "commands sent to Redis and not yet answered",
               (double)f->pending);
    if (f->output_buffer_bytes >= 0)
        prom_gauge(b, "blip_detector_redis_output_buffer_bytes",
                   "bytes Redis holds for the subscriber and has not yet delivered (its lag)",
                   (double)f->output_buffer_bytes);
    prom_family(b, "blip_detector_control_messages_total", PROM_COUNTER,
                "control messages, by result");
    figures_labelled(b, "blip_detector_control_messages_total", "result", "accepted",
                     (double)f->control_ok);
    figures_labelled(b, "blip_detector_control_messages_total", "result", "refused",
                     (double)f->control_bad);
}

static void figures_history(const struct figures *f, struct sbuf *b) {
    static const char *const streams[] = {"anomalies", "episodes"};
    const char *name = "blip_detector_history_entries_total";
    prom_family(b, name, PROM_COUNTER, "stream entries (XADD), by stream and result");
    for (int s = 0; s < FIGURES_STREAM_COUNT; s++) {
        const struct figures_history *h = &f->history[s];
        struct prom_label l[2] = {{"stream", streams[s]}, {"result", "added"}};
        prom_sample(b, name, l, 2, (double)h->added);
        l[1].value = "failed";
        prom_sample(b, name, l, 2, (double)h->failed);
        l[1].value = "dropped";
        prom_sample(b, name, l, 2, (double)h->dropped);
    }
}

static void figures_alerts(const struct figures *f, struct sbuf *b) {
    const struct figures_alerts *a = &f->alerts;
    prom_counter(b, "blip_detector_alerts_total", "alert events raised", (double)a->raised);
    prom_counter(b, "blip_detector_alerts_suppressed_total",
                 "alert events not sent because of --alert-rate", (double)a->suppressed);
    prom_family(b, "blip_detector_alert_exec_total", PROM_COUNTER,
                "--alert-exec runs, by outcome (failed: exit status not 0, killed, or no shell)");
    figures_labelled(b, "blip_detector_alert_exec_total", "result", "ok", (double)a->exec_ok);
    figures_labelled(b, "blip_detector_alert_exec_total", "result", "failed",
                     (double)a->exec_failed);
    figures_labelled(b, "blip_detector_alert_exec_total", "result", "timeout",
                     (double)a->exec_timeout);
    prom_family(b, "blip_detector_webhook_total", PROM_COUNTER,
                "--webhook deliveries, by outcome (failed: after every retry)");
    figures_labelled(b, "blip_detector_webhook_total", "result", "ok", (double)a->webhook_ok);
    figures_labelled(b, "blip_detector_webhook_total", "result", "failed",
                     (double)a->webhook_failed);
    figures_labelled(b, "blip_detector_webhook_total", "result", "dropped",
                     (double)a->webhook_dropped);
    prom_counter(b, "blip_detector_webhook_retries_total", "webhook attempts repeated",
                 (double)a->webhook_retries);
}

static void figures_per_series(const struct figures *f, struct sbuf *b) {
    static const char *const names[] = {"blip_detector_series_points_total",
                                        "blip_detector_series_anomalies_total",
                                        "blip_detector_series_last_value"};
    static const char *const helps[] = {
        "points scored, per series (the --metrics-per-series most recently seen)",
        "points reported as anomalies, per series (the --metrics-per-series most recently seen)",
        "last value, per series (the --metrics-per-series most recently seen)"};
    if (f->per_series == 0)
        return;
    for (int k = 0; k < 3; k++) {
        size_t n = 0;
        prom_family(b, names[k], k == 2 ? PROM_GAUGE : PROM_COUNTER, helps[k]);
        for (const struct series *s = f->core->table.newest; s && n < f->per_series;
             s = s->older, n++) {
            double v = k == 0 ? (double)s->points : k == 1 ? (double)s->anomalies : s->last;
            figures_labelled(b, names[k], "series", s->name, v);
        }
    }
}

void figures_render(const struct figures *f, struct sbuf *out) {
    struct prom_label info[2] = {{"program", "blip-detector"}, {"version", f->version}};
    prom_family(out, "blip_build_info", PROM_GAUGE, "always 1; the program and its version");
    prom_sample(out, "blip_build_info", info, 2, 1);
    prom_gauge(out, "blip_detector_uptime_seconds", "seconds since the detector started",
               f->uptime_s);
    figures_scoring(f, out);
    figures_redis(f, out);
    figures_history(f, out);
    figures_alerts(f, out);
    figures_per_series(f, out);
}

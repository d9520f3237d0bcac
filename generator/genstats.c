/* genstats.c - see genstats.h. */
#include "genstats.h"

#include "prom.h"

static void genstats_redis(const struct genstats *g, struct sbuf *b) {
    static const char *hist = "blip_generator_history_entries_total";
    struct prom_label l = {"result", "added"};
    prom_gauge(b, "blip_generator_redis_connected", "1 while the Redis connection is ready",
               g->connected);
    prom_counter(b, "blip_generator_redis_reconnects_total",
                 "times a lost Redis connection was restored", (double)g->reconnects);
    prom_gauge(b, "blip_generator_redis_pending", "commands sent to Redis and not yet answered",
               (double)g->pending);
    prom_counter(b, "blip_generator_publish_failed_total",
                 "publishes Redis refused or lost with the connection", (double)g->failed);
    prom_counter(b, "blip_generator_no_subscribers_total",
                 "publishes acknowledged with no subscriber listening", (double)g->no_receivers);
    if (!g->history)
        return;
    prom_family(b, hist, PROM_COUNTER, "points added to the per-series streams, by result");
    prom_sample(b, hist, &l, 1, (double)g->history_added);
    l.value = "failed";
    prom_sample(b, hist, &l, 1, (double)g->history_failed);
    l.value = "dropped";
    prom_sample(b, hist, &l, 1, (double)g->history_dropped);
}

void genstats_render(const struct genstats *g, struct sbuf *out) {
    struct prom_label info[2] = {{"program", "blip-generator"}, {"version", g->version}};
    prom_family(out, "blip_build_info", PROM_GAUGE, "always 1; the program and its version");
    prom_sample(out, "blip_build_info", info, 2, 1);
    prom_gauge(out, "blip_generator_uptime_seconds", "seconds since the generator started",
               g->uptime_s);
    prom_gauge(out, "blip_generator_series", "series simulated", (double)g->series);
    prom_counter(out, "blip_generator_points_total", "points made", (double)g->made);
    prom_counter(out, "blip_generator_published_total",
                 "points acknowledged by Redis (written, with --stdout)", (double)g->published);
    prom_counter(out, "blip_generator_dropped_total",
                 "points not sent because Redis was away or too much was in flight",
                 (double)g->dropped);
    prom_counter(out, "blip_generator_bad_rows_total", "replay rows skipped as unreadable",
                 (double)g->bad_rows);
    if (g->connected >= 0)
        genstats_redis(g, out);
}

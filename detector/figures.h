/* figures.h - the detector's figures in Prometheus text format, for GET /metrics.
 * Every family is written on every scrape (zeros included) so dashboards see stable series;
 * the only per-series families are capped by per_series (--metrics-per-series), taking the most
 * recently seen series, so the number of time series stays bounded whatever the input.
 * Pure: renders a snapshot the shell fills; no I/O, no clock. */
#ifndef BLIP_FIGURES_H
#define BLIP_FIGURES_H
#include <stddef.h>
#include <stdint.h>

#include "codec.h"
#include "detect.h"
#include "hist.h"
#include "sbuf.h"

#define FIGURES_PER_SERIES_MAX 1000 /* largest --metrics-per-series */

enum figures_stream { FIGURES_STREAM_ANOMALIES, FIGURES_STREAM_EPISODES, FIGURES_STREAM_COUNT };

struct figures_history {
    uint64_t added;   /* XADD acknowledged */
    uint64_t failed;  /* XADD answered with an error, or lost with the connection */
    uint64_t dropped; /* not sent: Redis down or too many commands in flight */
};

struct figures_alerts {
    uint64_t raised;     /* alert events (episodes opened, or anomalies with --alert-on) */
    uint64_t suppressed; /* of which over --alert-rate */
    uint64_t exec_ok, exec_failed, exec_timeout; /* --alert-exec runs by outcome */
    uint64_t webhook_ok, webhook_failed, webhook_dropped, webhook_retries;
};

struct figures {
    const char *version;
    const struct detect *core;  /* counters and the series table, borrowed */
    const uint64_t *malformed;  /* CODEC_ERR_COUNT counters by cause, borrowed */
    const struct hist *latency; /* per-point processing time (sampled), borrowed */
    double uptime_s;
    double last_point_age_s; /* NAN before the first point: the family is left out */
    int sub_up, pub_up;      /* Redis connections ready */
    uint64_t sub_reconnects, pub_reconnects;
    uint64_t published, publish_failed, dropped_down, dropped_full;
    size_t pending;              /* commands in flight on the publishing connection */
    int64_t output_buffer_bytes; /* Redis's output buffer for our subscriber; -1 unknown */
    uint64_t control_ok, control_bad;
    uint64_t shed;  /* points read but not scored while behind */
    int shedding;   /* behind now */
    struct figures_history history[FIGURES_STREAM_COUNT];
    struct figures_alerts alerts;
    size_t per_series; /* per-series families for at most this many */
};

/* Appends every detector family (blip_build_info, blip_detector_*) to out. */
void figures_render(const struct figures *f, struct sbuf *out);
#endif

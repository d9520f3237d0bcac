/* model.h - what the visualizer knows: per series, the recent past aggregated into one bucket per
 * chart column (min, max, last, sum, count, anomaly marker, detector band); the anomaly log;
 * counters and rates.
 *
 * A series' buckets form a ring of `cols` consecutive slots. Position u falls in slot
 * floor(u * cols / units), so `cols` slots span exactly the window: u is the arrival time in ms
 * for a window in seconds (a live chart's time axis; points' own ts may be synthetic or skewed),
 * or the series' own point count for a window in points. The newest slot is the right edge of
 * its chart; with a window in seconds, model_tick() moves every series' edge to the present, so
 * an idle series scrolls away. Memory is `cols` buckets per series whatever the rate: a flood
 * only grows counts. Changing the window or the width re-buckets what is held (zooming in keeps
 * the old buckets at their start times, with gaps between them, until new points fill in).
 *
 * Pure: no I/O, no clock (every time is passed in); allocates in model_init(), model_copy(),
 * model_set_view() and when a series is first seen. Allocation failure ends the program. */
#ifndef BLIP_MODEL_H
#define BLIP_MODEL_H
#include <stddef.h>
#include <stdint.h>

#include "codec.h"

#define MODEL_SERIES_MAX 256         /* largest --max-series */
#define MODEL_SERIES_DEFAULT 64      /* series held at once by default */
#define MODEL_COLS_MAX 4096          /* largest number of buckets (chart columns) per series */
#define MODEL_LOG_MAX 128            /* anomaly log entries kept, newest first */
#define MODEL_RATE_PERIOD_MS 1000    /* rates are measured over periods at least this long */
#define MODEL_FILTER_MAX 4096        /* longest --series list, bytes */
#define MODEL_WINDOW_S_MIN 1         /* window bounds in seconds */
#define MODEL_WINDOW_S_MAX 86400
#define MODEL_WINDOW_P_MIN 10        /* window bounds in points */
#define MODEL_WINDOW_P_MAX 1000000
#define MODEL_WINDOW_TEXT_MAX 24     /* model_window_format() output fits this, NUL included */
/* A point this many windows older than its series' newest slot means the clock went back (the
 * system time was set): the series starts over. Less old than that but out of the window, it is
 * late and dropped (counted). */
#define MODEL_RESTART_WINDOWS 2

enum model_unit { MODEL_SECONDS = 0, MODEL_POINTS };

struct model_window {
    enum model_unit unit;
    long amount; /* seconds MODEL_WINDOW_S_MIN..MAX, or points MODEL_WINDOW_P_MIN..MAX */
};

/* One chart column of one series. Empty when n == 0 and sev == SEV_NONE. */
struct model_bucket {
    uint64_t n;              /* points aggregated here */
    uint64_t n_drawn;        /* of n, how many have been on screen already (<= n) */
    double min, max, last;   /* of the values, when n > 0; last = latest pushed */
    double sum;              /* of the values, for the window mean */
    int64_t seq_lo, seq_hi;  /* seq range of the points, when has_seq */
    int has_seq;
    enum severity sev;       /* highest severity flagged here, SEV_NONE if none */
    uint32_t anomalies;      /* anomalies flagged here */
    double mark;             /* value of the point shown as the marker (the worst, latest) */
    double band_lo, band_hi; /* detector's mean -/+ threshold*std at the latest anomaly here;
                                valid when has_band */
    int has_band;
};

struct model_series {
    char name[CODEC_SERIES_MAX + 1];
    char unit[CODEC_UNIT_MAX + 1];   /* the latest point's unit, "" when none */
    char phase[CODEC_PHASE_MAX + 1]; /* the latest point's phase, "" when none */
    struct model_bucket *b;          /* cols buckets, owned; a ring whose newest is b[head] */
    size_t head;
    int64_t newest;                  /* slot number of b[head], when has_data */
    int has_data;
    uint64_t points;                 /* points pushed since the series was first seen */
    uint64_t anomalies;              /* anomalies for it since the counters were cleared */
    double last;                     /* latest value */
    int64_t last_rx_ms;              /* wall time (Unix ms) the latest point arrived */
    uint64_t stamp;                  /* recency, for evicting the least recently updated */
    double band_lo, band_hi;         /* latest band; valid when has_band */
    int has_band;
};

struct model_log_entry {
    int64_t ts;                        /* Unix ms: the point's ts, else its arrival */
    char series[CODEC_SERIES_MAX + 1];
    double value, score;
    enum severity sev;
};

struct model_counters {
    uint64_t points;          /* points decoded (stored or filtered out) */
    uint64_t drawn;           /* points that have been on screen in at least one frame */
    uint64_t anomalies;       /* anomaly messages decoded */
    uint64_t backfilled;      /* anomalies read from the history stream at start-up */
    uint64_t by_sev[SEV_COUNT];
    uint64_t malformed;       /* messages that did not decode, both channels */
    uint64_t filtered;        /* points and anomalies of series left out by the filter */
    uint64_t late;            /* points older than their series' window, dropped */
    uint64_t restarts;        /* series restarted because the clock went back a long way */
    uint64_t evicted;         /* series forgotten to make room for a new one */
    uint64_t unmatched;       /* anomalies whose point is not (or no longer) held */
    double points_rate;       /* points per second over the last rate period */
    double anomalies_rate;    /* anomalies per second over the last rate period */
};

struct model {
    struct model_window win;
    size_t cols;                  /* buckets per series, 1..MODEL_COLS_MAX */
    int64_t units;                /* the window in ms (seconds window) or points, >= 1 */
    size_t max_series;            /* 1..MODEL_SERIES_MAX */
    struct model_series *series;  /* max_series slots, owned; [0, nseries) in use, in the order
                                     first seen (an evicted series' slot goes to the new one) */
    size_t nseries;
    char *filter;                 /* comma-separated series names to keep, owned; NULL: all */
    struct model_log_entry log[MODEL_LOG_MAX]; /* ring, newest at log[log_head] */
    size_t log_head, log_len;
    struct model_counters c;
    uint64_t stamp;               /* bumped on every series update */
    int rate_started;             /* a rate period is running */
    uint64_t rate_t0_ms;          /* its start, monotonic ms */
    uint64_t rate_points0, rate_anomalies0; /* counters at its start */
};

/* Sets m up empty. filter: NULL or a comma-separated list of series names to keep (copied).
 * Returns 0, or -1 with the reason in err when the window, cols, max_series or a filter name is
 * out of range (m then needs no model_clear). */
int model_init(struct model *m, const struct model_window *w, size_t cols, size_t max_series,
               const char *filter, char *err, size_t errlen);
void model_clear(struct model *m); /* frees everything; safe to call twice */
/* Makes dst a deep copy of src (dst's previous contents are not freed: clear it first). */
void model_copy(struct model *dst, const struct model *src);

/* Checks a --series list: comma-separated valid series names, at most MODEL_FILTER_MAX bytes.
 * Returns 0, or -1 with the reason in err. */
int model_filter_check(const char *filter, char *err, size_t errlen);

/* Changes the window and/or the number of columns, re-bucketing what is held. Returns 0, or -1
 * (m untouched) when out of range. */
int model_set_view(struct model *m, const struct model_window *w, size_t cols);

/* Adds a decoded point that arrived at wall time now_ms (Unix ms). */
void model_push_point(struct model *m, const struct point *p, int64_t now_ms);
/* Adds a decoded anomaly that arrived at now_ms: counted, logged (at the point's ts, else
 * now_ms), and marked on its point's bucket when held: found by seq when the points carry one,
 * else by arrival time (window in seconds), else the newest bucket. */
void model_push_anomaly(struct model *m, const struct anomaly *a, int64_t now_ms);
/* Adds an anomaly read from the history stream at start-up (oldest first) to the log only: it
 * is counted in backfilled, not in the live counters, rates or chart markers. */
void model_backfill_anomaly(struct model *m, const struct anomaly *a, int64_t now_ms);
void model_note_malformed(struct model *m);

/* Updates the rates (mono_ms: monotonic ms) and, for a window in seconds, moves every series'
 * right edge to wall_ms (Unix ms). Call before each frame. */
void model_tick(struct model *m, uint64_t mono_ms, int64_t wall_ms);
/* Counts as drawn the points in the buckets of the series idx[0..n) not counted before. */
void model_mark_drawn(struct model *m, const size_t *idx, size_t n);
/* Zeroes the counters and the per-series anomaly counts; what is held counts as drawn. */
void model_reset_counters(struct model *m);

/* The series named name, or NULL. */
const struct model_series *model_find(const struct model *m, const char *name);
/* Bucket of column col (0 = oldest .. cols-1 = newest) of s. */
const struct model_bucket *model_bucket(const struct model *m, const struct model_series *s,
                                        size_t col);

struct model_summary {
    uint64_t n;           /* points held in the window */
    double mean, min, max; /* over the window; 0 when n == 0 */
};
void model_summarise(const struct model *m, const struct model_series *s,
                     struct model_summary *out);

/* Entry i of the anomaly log, 0 = newest; NULL when i >= log_len. */
const struct model_log_entry *model_log_get(const struct model *m, size_t i);

/* Parses a window: "60", "60s", "5m", "1h" (seconds) or "500p" (points). Returns 0, or -1 with
 * the reason in err (w untouched). */
int model_window_parse(const char *s, struct model_window *w, char *err, size_t errlen);
/* Writes w as "60s", "1m30s", "2h", "500 pts" into buf (MODEL_WINDOW_TEXT_MAX bytes). */
void model_window_format(const struct model_window *w, char *buf);
/* One step along 1-2-5-like ladders: dir < 0 shorter, dir > 0 longer. Returns 1 if w changed,
 * 0 at the end of the ladder. */
int model_window_zoom(struct model_window *w, int dir);
#endif

/* season.h - what a series did around the same time one day earlier.
 * The period is found from the timestamps: once SEASON_PROBE points have arrived evenly spaced
 * by dt, and dt divides a day into 2..SEASON_PERIOD_MAX points, the day is period = day / dt
 * points and "around the same time" is an hour either side (span = hour / dt, within bounds).
 * Series without timestamps, or with irregular ones, have no season. Detectors use the range of
 * values seen within the span one period ago: a value inside it happened yesterday at this hour
 * too (a nightly job whose start drifts, a morning rise) and is not, by itself, an anomaly.
 * Pure: no I/O, no clock; allocates once the period is known. */
#ifndef BLIP_SEASON_H
#define BLIP_SEASON_H
#include <stddef.h>
#include <stdint.h>

#include "rb.h"

#define SEASON_PROBE 16          /* evenly spaced timestamps that decide the period */
#define SEASON_PERIOD_MAX 20000  /* longest day in points (one point every 4.32 s) */
#define SEASON_SPAN_MAX 256      /* most points either side of the same time */
#define SEASON_DAY_MS 86400000LL
#define SEASON_SPAN_MS 3600000LL /* "around the same time": within an hour */
#define SEASON_AUTO ((size_t)-1) /* season_init: learn the period from the timestamps */

struct season {
    int enabled;       /* 0: never a season */
    size_t period;     /* points per day, 0 while unknown */
    size_t span;       /* points either side of the same time, 0..period/8 */
    struct rb past;    /* the last period + span + 1 values, once the period is known */
    int64_t probe_ts[SEASON_PROBE];
    size_t probed;     /* timestamps seen, up to SEASON_PROBE + 1 (then decided) */
};

/* period: SEASON_AUTO (from the timestamps), 0 (none), or a fixed 2..SEASON_PERIOD_MAX points
 * (with a span of period / 96, a quarter hour of a day). Returns 0, or -1 if out of range. */
int season_init(struct season *s, size_t period);
void season_clear(struct season *s); /* safe to call twice */

/* Notes the timestamp of the point about to be scored (0 if unknown). */
void season_observe(struct season *s, int64_t ts);

/* The range [*lo, *hi] of the values within span points of the same time one period before the
 * point about to be scored. Returns 0, or -1 when there is no season or not a day of history. */
int season_range(const struct season *s, double *lo, double *hi);

/* Adds the point just scored. */
void season_push(struct season *s, double x);

/* How far x lies outside [lo, hi]: x - hi above, x - lo below, 0 inside. */
static inline double season_outside(double x, double lo, double hi) {
    return x > hi ? x - hi : x < lo ? x - lo : 0;
}
#endif

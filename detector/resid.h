/* resid.h - robust residual scoring: how far a point lies from where the series just was,
 * measured in the series' own long-run residual spread.
 * level: the median of the last `local` points (it follows level shifts within local/2 points,
 * ignores single spikes); residual r = x - level; spread: 1.4826 * MAD of the last `window`
 * residuals (a long, outlier-proof estimate of the noise); score = (r - median r) / spread.
 * With a seasonal period (one day, found from the timestamps by the caller), a second residual
 * compares x with the median of the points around the same time one period earlier, scaled the
 * same way; the score is then whichever of the two is smaller in magnitude, so a rise that
 * happens every day at that hour is not an anomaly.
 * Pure: no I/O; allocates only in resid_init(). */
#ifndef BLIP_RESID_H
#define BLIP_RESID_H
#include <stddef.h>
#include <stdint.h>

#include "mad.h"
#include "rb.h"

#define RESID_LOCAL_MAX 1000
#define RESID_SEASON_SLOTS_MAX 20000 /* longest period in points (e.g. 1 day at ~4.3 s) */
#define RESID_SEASON_SPAN 2          /* points either side of the same time one period ago */

#define RESID_REFRESH 16 /* a full window's spread is re-estimated every this many points */

/* A window of residuals with its centre and spread, re-estimated every RESID_REFRESH points once
 * the window is full (every point before): over a long window they move slowly, and the
 * estimate is the costly part of a point. */
struct resid_scale {
    struct mad win;
    double centre, spread;
    unsigned age; /* points since the last estimate; RESID_REFRESH forces one */
};

struct resid {
    struct mad level;          /* last `local` values */
    struct resid_scale local;  /* last `window` local residuals */
    struct rb past;            /* seasonal: the last period + span values, or unused */
    struct resid_scale season; /* seasonal: last `window` seasonal residuals */
    size_t period;             /* points per season, 0 = none */
};

struct resid_result {
    int ready;
    double score;
    double level, spread; /* the reference level and spread behind the score */
};

/* local: 1..RESID_LOCAL_MAX; window: residuals kept; period: 0 or 2..RESID_SEASON_SLOTS_MAX.
 * Returns 0, or -1 on a bad size. */
int resid_init(struct resid *r, size_t local, size_t window, size_t period);
void resid_clear(struct resid *r);
/* Scores x, then folds it in. warmup: residuals needed before a verdict. */
void resid_push(struct resid *r, double x, size_t warmup, double floor_abs, double floor_rel,
                struct resid_result *out);
#endif

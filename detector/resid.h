/* resid.h - robust residual scoring: how far a point lies from where the series just was,
 * measured in the series' own long-run residual spread, and whether the series has moved away
 * from its long-run level and stayed there.
 * level: the median of the last `local` points (it follows level shifts within local/2 points,
 * ignores single spikes); residual r = x - level; spread: of the last `window` residuals, the
 * larger of 1.4826 * MAD and the 90th percentile of |r - median r| / 1.6449 (both sigma for
 * normal noise; the second stays above 0 for quantised series), re-estimated every
 * RESID_REFRESH points once the window is full; score = (r - median r) / spread.
 * With a daily reference from the caller (season.h: the range of values around the same time one
 * day earlier), a second residual measures how far x lies outside that range (0 inside it), in
 * the same spread; the score is then whichever of the two is smaller in magnitude, so what
 * happens every day around that hour (a nightly job whose start drifts by half an hour, a
 * morning rise) is not an anomaly.
 * New levels: how far each point lies outside the range of the last `window` values (their 1st
 * to 99th percentile), in their spread (and, with a season, only what also lies outside
 * yesterday's range), clipped to +-RESID_CLIP, feeds a two-sided CUSUM (drift k, alarm h, capped
 * at 2h so it falls back soon after). While a sum is at or above h the score is
 * threshold * S / h, with the point where the sum left zero as the start: a move to a level the
 * series has not visited lately, sustained for a few points, is one anomaly even when each point
 * alone looks ordinary; levels it keeps returning to (load phases) are not.
 * Pure: no I/O; allocates in resid_init() and as its windows fill. */
#ifndef BLIP_RESID_H
#define BLIP_RESID_H
#include <stddef.h>
#include <stdint.h>

#include "mad.h"

#define RESID_LOCAL_MAX 1000

#define RESID_REFRESH 16 /* a full window's spread is re-estimated every this many points */

/* A window of residuals with its centre and spread, re-estimated every RESID_REFRESH points once
 * the window is full (every point before): over a long window they move slowly, and the
 * estimate is the costly part of a point. */
struct resid_scale {
    struct mad win;
    double centre, spread;
    double lo, hi; /* RESID_RANGE_Q and 1 - RESID_RANGE_Q quantiles of the window */
    unsigned age;  /* points since the last estimate; RESID_REFRESH forces one */
};

#define RESID_CLIP 4.0     /* largest |z| one point adds to the shift sums */
#define RESID_RANGE_Q 0.01 /* the long-run range: quantiles RESID_RANGE_Q .. 1 - RESID_RANGE_Q */

struct resid {
    struct mad level;          /* last `local` values */
    struct resid_scale local;  /* last `window` local residuals */
    struct resid_scale values; /* last `window` values: the long-run level and spread */
    double pos, neg;           /* shift sums, 0..2h */
    uint64_t index;            /* points seen */
    uint64_t pos_start, neg_start; /* index where each sum last left zero */
    int64_t pos_ts, neg_ts;        /* and that point's ts */
};

struct resid_result {
    int ready;
    double score;
    double level, spread; /* the reference level and spread behind the score */
    uint64_t lag;         /* a shift: points since it began (0 for a point deviation) */
    int64_t start_ts;     /* and its first point's ts */
};

/* local: 1..RESID_LOCAL_MAX; window: residuals kept, >= 2. Returns 0, or -1 on a bad size. */
int resid_init(struct resid *r, size_t local, size_t window);
void resid_clear(struct resid *r);
/* Tuning of a push: warmup: residuals needed before a verdict; threshold: the caller's alarm
 * level (shift scores are expressed against it); k, h: the shift sums' drift and alarm level;
 * floors on the spread, absolute and relative to the level. */
struct resid_tuning {
    size_t warmup;
    double threshold, k, h;
    double floor_abs, floor_rel;
};

/* Scores x (ts: Unix ms, 0 if unknown), then folds it in. range: yesterday's [lo, hi] around
 * this time (season_range), or NULL. */
void resid_push(struct resid *r, double x, int64_t ts, const struct resid_tuning *t,
                const double *range, struct resid_result *out);
#endif

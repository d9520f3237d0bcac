/* resid.c - see resid.h. */
#include "resid.h"

#include <math.h>
#include <string.h>

#include "season.h"

#define RESID_TAIL_Q 0.9    /* quantile of |deviation| behind the second spread estimate */
#define RESID_TAIL_Z 1.6449 /* that quantile of |N(0, 1)|: the estimate is sigma for normal noise */

static int resid_scale_init(struct resid_scale *sc, size_t window) {
    sc->centre = sc->spread = 0;
    sc->age = RESID_REFRESH;
    return mad_init(&sc->win, window);
}

int resid_init(struct resid *r, size_t local, size_t window) {
    memset(r, 0, sizeof *r);
    if (local < 1 || local > RESID_LOCAL_MAX || window < 2)
        return -1;
    if (mad_init(&r->level, local) != 0 || resid_scale_init(&r->local, window) != 0 ||
        resid_scale_init(&r->values, window) != 0)
        goto fail;
    return 0;
fail:
    resid_clear(r);
    return -1;
}

void resid_clear(struct resid *r) {
    mad_clear(&r->level);
    mad_clear(&r->local.win);
    mad_clear(&r->values.win);
}

/* The spread of past residuals: the larger of 1.4826 * MAD and the 90th percentile of absolute
 * deviations / 1.645. Both estimate sigma for normal noise; the second stays honest when more
 * than half the residuals are exactly zero (quantised or two-level series), where MAD is 0 and
 * every change of one step would otherwise look infinite. */
static void resid_estimate(struct resid_scale *sc) {
    double a, b;
    if (sc->age < RESID_REFRESH && mad_full(&sc->win)) {
        sc->age++;
        return;
    }
    a = MAD_TO_SIGMA * mad_mad(&sc->win);
    b = mad_dev_quantile(&sc->win, RESID_TAIL_Q) / RESID_TAIL_Z;
    sc->centre = mad_median(&sc->win);
    sc->spread = a > b ? a : b;
    sc->lo = mad_quantile(&sc->win, RESID_RANGE_Q);
    sc->hi = mad_quantile(&sc->win, 1 - RESID_RANGE_Q);
    sc->age = 1;
}

/* Scores residual res against sc (needs `warmup` residuals): 1 with *z, or 0. */
static int resid_score(struct resid_scale *sc, double res, double ref, size_t warmup,
                       double floor_abs, double floor_rel, double *z, double *spread) {
    double f = floor_rel * fabs(ref);
    if (mad_len(&sc->win) < warmup)
        return 0;
    resid_estimate(sc);
    if (f < floor_abs)
        f = floor_abs;
    *spread = sc->spread < f ? f : sc->spread;
    *z = (res - sc->centre) / *spread;
    return 1;
}

static double resid_clip(double z) { return z > RESID_CLIP ? RESID_CLIP : z < -RESID_CLIP ? -RESID_CLIP : z; }

/* The shift sums take z (the long-run deviation); fills out when they are at an alarm. */
static void resid_shift(struct resid *r, double z, int64_t ts, const struct resid_tuning *t,
                        struct resid_result *out) {
    double cap = 2 * t->h;
    if (r->pos == 0) {
        r->pos_start = r->index;
        r->pos_ts = ts;
    }
    if (r->neg == 0) {
        r->neg_start = r->index;
        r->neg_ts = ts;
    }
    z = resid_clip(z);
    r->pos = fmin(cap, fmax(0, r->pos + z - t->k));
    r->neg = fmin(cap, fmax(0, r->neg - z - t->k));
    if (r->pos >= t->h && t->threshold * r->pos / t->h > fabs(out->score)) {
        out->score = t->threshold * r->pos / t->h;
        out->lag = r->index - r->pos_start;
        out->start_ts = r->pos_ts;
    } else if (r->neg >= t->h && t->threshold * r->neg / t->h > fabs(out->score)) {
        out->score = -t->threshold * r->neg / t->h;
        out->lag = r->index - r->neg_start;
        out->start_ts = r->neg_ts;
    }
}

void resid_push(struct resid *r, double x, int64_t ts, const struct resid_tuning *t,
                const double *range, struct resid_result *out) {
    int have_level = mad_len(&r->level) > 0;
    double level = mad_median(&r->level), res = x - level;
    double zl, vspread;

    memset(out, 0, sizeof *out);
    if (have_level && resid_score(&r->local, res, level, t->warmup, t->floor_abs, t->floor_rel,
                                  &out->score, &out->spread)) {
        out->ready = 1;
        out->level = level;
        if (range) {
            /* outside yesterday's range around this time, in the same spread */
            double z = season_outside(x, range[0], range[1]) / out->spread;
            if (fabs(z) < fabs(out->score))
                out->score = z;
        }
    }
    /* a new level: how far x is outside the long-run range, and (with a daily reference)
     * outside yesterday's range around this time */
    if (out->ready && resid_score(&r->values, x, r->values.centre, t->warmup, t->floor_abs,
                                  t->floor_rel, &zl, &vspread)) {
        zl = season_outside(x, r->values.lo, r->values.hi) / vspread;
        if (range) {
            double zs = season_outside(x, range[0], range[1]) / vspread;
            if (fabs(zs) < fabs(zl))
                zl = zs;
        }
        resid_shift(r, zl, ts, t, out);
    }
    if (have_level)
        mad_push(&r->local.win, res);
    mad_push(&r->values.win, x);
    mad_push(&r->level, x);
    r->index++;
}

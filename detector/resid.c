/* resid.c - see resid.h. */
#include "resid.h"

#include <math.h>
#include <string.h>

#define RESID_TAIL_Q 0.9    /* quantile of |deviation| behind the second spread estimate */
#define RESID_TAIL_Z 1.6449 /* that quantile of |N(0, 1)|: the estimate is sigma for normal noise */

static int resid_scale_init(struct resid_scale *sc, size_t window) {
    sc->centre = sc->spread = 0;
    sc->age = RESID_REFRESH;
    return mad_init(&sc->win, window);
}

int resid_init(struct resid *r, size_t local, size_t window, size_t period) {
    memset(r, 0, sizeof *r);
    if (local < 1 || local > RESID_LOCAL_MAX || window < 2 ||
        (period && (period < 2 || period > RESID_SEASON_SLOTS_MAX)))
        return -1;
    if (mad_init(&r->level, local) != 0 || resid_scale_init(&r->local, window) != 0)
        goto fail;
    if (period) {
        if (rb_init(&r->past, period + RESID_SEASON_SPAN + 1) != 0 ||
            resid_scale_init(&r->season, window) != 0)
            goto fail;
        r->period = period;
    }
    return 0;
fail:
    resid_clear(r);
    return -1;
}

void resid_clear(struct resid *r) {
    mad_clear(&r->level);
    mad_clear(&r->local.win);
    rb_clear(&r->past);
    mad_clear(&r->season.win);
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

/* The median of the values around the same time one period ago, or NAN before a full period. */
static double resid_season_ref(const struct resid *r) {
    double v[2 * RESID_SEASON_SPAN + 1];
    size_t n = 0, len = r->past.len;
    if (len < r->period + RESID_SEASON_SPAN + 1)
        return NAN;
    /* past holds the last period + span + 1 values, oldest first, the newest being the previous
     * point: the value exactly one period before the current point is at index len - period */
    for (size_t k = len - r->period - RESID_SEASON_SPAN; k <= len - r->period + RESID_SEASON_SPAN;
         k++)
        v[n++] = rb_get(&r->past, k);
    for (size_t i = 1; i < n; i++) /* insertion sort of at most 5 values */
        for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
            double t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return v[n / 2];
}

void resid_push(struct resid *r, double x, size_t warmup, double floor_abs, double floor_rel,
                struct resid_result *out) {
    int have_level = mad_len(&r->level) > 0;
    double level = mad_median(&r->level), res = x - level, evicted;

    memset(out, 0, sizeof *out);
    if (have_level &&
        resid_score(&r->local, res, level, warmup, floor_abs, floor_rel, &out->score,
                    &out->spread)) {
        out->ready = 1;
        out->level = level;
    }
    if (r->period) {
        double ref = resid_season_ref(r), z, spread;
        if (!isnan(ref)) {
            double sres = x - ref;
            if (out->ready &&
                resid_score(&r->season, sres, ref, warmup, floor_abs, floor_rel, &z, &spread) &&
                fabs(z) < fabs(out->score)) {
                out->score = z;
                out->level = ref;
                out->spread = spread;
            }
            mad_push(&r->season.win, sres);
        }
        rb_push(&r->past, x, &evicted);
    }
    if (have_level)
        mad_push(&r->local.win, res);
    mad_push(&r->level, x);
}

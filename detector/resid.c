/* resid.c - see resid.h. */
#include "resid.h"

#include <math.h>
#include <string.h>

int resid_init(struct resid *r, size_t local, size_t window, size_t period) {
    memset(r, 0, sizeof *r);
    if (local < 1 || local > RESID_LOCAL_MAX || window < 2 ||
        (period && (period < 2 || period > RESID_SEASON_SLOTS_MAX)))
        return -1;
    if (mad_init(&r->level, local) != 0 || mad_init(&r->spread, window) != 0)
        goto fail;
    if (period) {
        if (rb_init(&r->past, period + RESID_SEASON_SPAN + 1) != 0 ||
            mad_init(&r->season, window) != 0)
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
    mad_clear(&r->spread);
    rb_clear(&r->past);
    mad_clear(&r->season);
}

static double resid_floor(double spread, double centre, double floor_abs, double floor_rel) {
    double f = floor_rel * fabs(centre);
    if (f < floor_abs)
        f = floor_abs;
    return spread < f ? f : spread;
}

/* The median of the values around the same time one period ago, or NAN before a full period. */
static double resid_season_ref(const struct resid *r) {
    double v[2 * RESID_SEASON_SPAN + 1];
    size_t n = 0, len = r->past.len;
    if (len < r->period + RESID_SEASON_SPAN + 1)
        return NAN;
    /* past holds the last period + span + 1 values, oldest first; the value exactly one period
     * before the current point is at index len - period */
    for (size_t k = len - r->period - RESID_SEASON_SPAN; k <= len - r->period + RESID_SEASON_SPAN &&
                                                          k < len;
         k++)
        v[n++] = rb_get(&r->past, k);
    /* insertion sort: at most 5 values */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
            double t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return v[n / 2];
}

void resid_push(struct resid *r, double x, size_t warmup, double floor_abs, double floor_rel,
                struct resid_result *out) {
    double level = mad_median(&r->level);
    int have_level = mad_len(&r->level) > 0;
    double res = x - level;

    memset(out, 0, sizeof *out);
    if (have_level && mad_len(&r->spread) >= warmup) {
        double centre = mad_median(&r->spread);
        double spread = resid_floor(MAD_TO_SIGMA * mad_mad(&r->spread), level, floor_abs, floor_rel);
        out->ready = 1;
        out->score = (res - centre) / spread;
        out->level = level;
        out->spread = spread;
    }
    if (r->period) {
        double ref = resid_season_ref(r);
        if (!isnan(ref)) {
            double sres = x - ref;
            if (out->ready && mad_len(&r->season) >= warmup) {
                double sc = mad_median(&r->season);
                double ss = resid_floor(MAD_TO_SIGMA * mad_mad(&r->season), ref, floor_abs,
                                        floor_rel);
                double sz = (sres - sc) / ss;
                if (fabs(sz) < fabs(out->score)) {
                    out->score = sz;
                    out->level = ref;
                    out->spread = ss;
                }
            }
            mad_push(&r->season, sres);
        }
        rb_push(&r->past, x, &res); /* res is free to take the evicted value */
        res = x - level;
    }
    if (have_level)
        mad_push(&r->spread, res);
    mad_push(&r->level, x);
}

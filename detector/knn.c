/* knn.c - see knn.h. */
#include "knn.h"

#include <math.h>
#include <string.h>

#include "xalloc.h"

#define KNN_ALPHA 0.01       /* weight of a new distance in its running mean and variance */
#define KNN_REFRESH 16       /* points between re-estimates of the scale once it is full */
#define KNN_D_WARMUP 50      /* distances seen before standardised scores are given */
#define KNN_D_SD_MIN 0.1     /* floor on the distances' SD, in spreads: a perfectly regular
                              * series must change by a visible amount to score */
#define KNN_TAIL_Q 0.9       /* spread when MAD is 0: this quantile of |x - median| ... */
#define KNN_TAIL_Z 1.6449    /* ... divided by the same quantile of |N(0, 1)| */

int knn_init(struct knn *k, size_t len, size_t memory, size_t window) {
    memset(k, 0, sizeof *k);
    if (len < 2 || len > KNN_LEN_MAX || memory < KNN_K + len || memory > KNN_MEMORY_MAX ||
        window < 2)
        return -1;
    if (rb_init(&k->recent, len) != 0 || mad_init(&k->scale, window) != 0) {
        knn_clear(k);
        return -1;
    }
    k->len = len;
    k->memory = memory;
    k->patterns = xcalloc(memory * len, sizeof *k->patterns);
    k->scale_age = KNN_REFRESH;
    return 0;
}

void knn_clear(struct knn *k) {
    rb_clear(&k->recent);
    mad_clear(&k->scale);
    xfree(k->patterns);
    k->patterns = NULL;
}

static void knn_estimate(struct knn *k, double floor_abs, double floor_rel) {
    double f;
    if (k->scale_age < KNN_REFRESH && mad_full(&k->scale)) {
        k->scale_age++;
        return;
    }
    k->centre = mad_median(&k->scale);
    k->spread = MAD_TO_SIGMA * mad_mad(&k->scale);
    if (k->spread == 0) /* more than half the values equal: the tail of the deviations */
        k->spread = mad_dev_quantile(&k->scale, KNN_TAIL_Q) / KNN_TAIL_Z;
    f = floor_rel * fabs(k->centre);
    if (f < floor_abs)
        f = floor_abs;
    if (k->spread < f)
        k->spread = f;
    k->scale_age = 1;
}

/* Root-mean-square distance (raw units) from p to its KNN_K-th nearest stored pattern, skipping
 * the len - 1 newest (they overlap p). Keeps the KNN_K smallest squared distances in a tiny
 * sorted array; a pattern is abandoned as soon as it is farther than the current k-th. */
static double knn_distance(const struct knn *k, const double *p) {
    double best[KNN_K];
    size_t usable = k->stored > k->len - 1 ? k->stored - (k->len - 1) : 0;
    size_t nbest = 0;

    for (size_t j = 0; j < usable; j++) {
        /* the j-th oldest stored pattern */
        size_t slot = (k->head + k->memory - k->stored + j) % k->memory;
        const double *q = &k->patterns[slot * k->len];
        double d = 0, limit = nbest == KNN_K ? best[KNN_K - 1] : INFINITY;
        for (size_t i = 0; i < k->len && d < limit; i++) {
            double e = p[i] - q[i];
            d += e * e;
        }
        if (d >= limit)
            continue;
        {
            size_t at = nbest < KNN_K ? nbest++ : KNN_K - 1;
            while (at > 0 && best[at - 1] > d) {
                best[at] = best[at - 1];
                at--;
            }
            best[at] = d;
        }
    }
    return nbest == KNN_K ? sqrt(best[KNN_K - 1] / (double)k->len) : NAN;
}

void knn_push(struct knn *k, double x, size_t warmup, double floor_abs, double floor_rel,
              struct knn_result *out) {
    double p[KNN_LEN_MAX], evicted, d;

    memset(out, 0, sizeof *out);
    rb_push(&k->recent, x, &evicted);
    mad_push(&k->scale, x);
    if (k->recent.len < k->len)
        return;
    knn_estimate(k, floor_abs, floor_rel);
    /* patterns are stored raw: the centre cancels in a difference, and dividing by the spread
     * of now keeps old and new patterns on one scale when the spread moves */
    for (size_t i = 0; i < k->len; i++)
        p[i] = rb_get(&k->recent, i);
    d = knn_distance(k, p) / k->spread;
    if (!isnan(d)) {
        if (k->d_n >= KNN_D_WARMUP && k->stored >= warmup) {
            double sd = sqrt(k->d_var);
            if (sd < KNN_D_SD_MIN)
                sd = KNN_D_SD_MIN;
            out->ready = 1;
            out->distance = d;
            out->score = (d - k->d_mean) / sd;
            if (out->score < 0)
                out->score = 0;
        }
        if (k->d_n++ == 0) {
            k->d_mean = d;
        } else {
            double e = d - k->d_mean;
            k->d_mean += KNN_ALPHA * e;
            k->d_var = (1 - KNN_ALPHA) * (k->d_var + KNN_ALPHA * e * e);
        }
    }
    memcpy(&k->patterns[k->head * k->len], p, k->len * sizeof *p);
    k->head = (k->head + 1) % k->memory;
    if (k->stored < k->memory)
        k->stored++;
}

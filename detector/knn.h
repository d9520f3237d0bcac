/* knn.h - a contextual detector: is the shape the series just drew one it has drawn lately?
 * The last `len` values form a pattern; it is compared with the patterns that ended 1..memory
 * points before it (those overlapping it excluded, so lags len..len+memory-1). Its root-mean-
 * square distance to the KNN_K-th nearest, in units of the series' long-run robust spread,
 * measures how unseen it is (shape and level both count); that distance is standardised against
 * its own recent values, so the threshold reads like a z-score. A spike, a step, a flat line
 * where the series is usually noisy, an oscillation where it is usually calm: each makes a
 * pattern with no close neighbour. With a daily reference (season.h), a value inside yesterday's
 * range around this time scores 0: what the series did then is not news.
 * The squared distance at each lag is kept up to date as points arrive (one term in, one out),
 * so a point costs O(memory), not O(memory * len); every KNN_EXACT points the distances are
 * recomputed from the values so rounding cannot accumulate. Memory grows with the points seen,
 * up to (2 * (2 * len + memory) + memory) doubles plus the spread's window.
 * Pure: no I/O; allocates in knn_init() and as its windows fill. */
#ifndef BLIP_KNN_H
#define BLIP_KNN_H
#include <stddef.h>
#include <stdint.h>

#include "mad.h"

#define KNN_LEN_MAX 64
#define KNN_MEMORY_MAX 10000
#define KNN_K 3        /* the neighbour whose distance is the measure */
#define KNN_EXACT 1024 /* points between exact recomputations of the distances */

#define KNN_ALLOC_MIN 64 /* values and lags allocated first; both double as a series grows */

struct knn {
    size_t len, memory;
    size_t cap;          /* values kept once grown: 2 * len + memory */
    size_t hcap;         /* values allocated, KNN_ALLOC_MIN..cap; the ring wraps only at cap */
    double *hist;        /* 2 * hcap: each value at i and i + hcap, so windows read without wrap */
    size_t pos;          /* where the next value goes, 0..hcap-1 */
    uint64_t count;      /* values seen */
    size_t dcap;         /* lags tracked, KNN_K..memory */
    double *d;           /* dcap squared distances, largest lag first: d[i] is at lag
                          * len + dcap - 1 - i (partial sums for lags not yet complete) */
    unsigned since_exact;
    struct mad scale;    /* long-run values for the median and spread */
    unsigned scale_age;
    double centre, spread;
    double d_mean, d_var; /* running mean and variance of the distance measure */
    uint64_t d_n;
};

struct knn_result {
    int ready;
    double score;    /* standardised distance; high = unseen */
    double distance; /* RMS distance to the KNN_K-th neighbour, in spreads */
};

/* len: 2..KNN_LEN_MAX; memory: KNN_K..KNN_MEMORY_MAX; window: points behind the spread, >= 2.
 * Returns 0, or -1 on a bad size. */
int knn_init(struct knn *k, size_t len, size_t memory, size_t window);
void knn_clear(struct knn *k); /* safe to call twice */
/* Scores the pattern x closes, then keeps it. warmup: patterns to compare with before a verdict;
 * floors on the spread; range: yesterday's [lo, hi] around this time, or NULL. */
void knn_push(struct knn *k, double x, size_t warmup, double floor_abs, double floor_rel,
              const double *range, struct knn_result *out);
/* The passes over all lags run four doubles at a time on x86-64 processors with AVX2, else two;
 * both give the same results. portable = 1 selects the two-lane passes everywhere, 0 the widest
 * this processor has (tests compare the two). Returns 1 if AVX2 passes exist here. */
int knn_set_portable(int portable);
#endif

/* knn.h - a contextual detector: is the shape the series just drew one it has drawn before?
 * Each point closes a pattern: the last `len` values. Its root-mean-square distance to its k-th
 * nearest neighbour among the last `memory` patterns (those overlapping it excluded), in units of
 * the series' long-run robust spread, measures how unseen it is (both shape and level count); that distance is standardised against its own recent
 * values, so the threshold reads like a z-score. A spike, a flat line where the series is usually
 * noisy, or an oscillation where it is usually calm all make patterns with no close neighbour.
 * Cost per point: O(memory * len). Pure: no I/O; allocates in knn_init() and as its windows fill. */
#ifndef BLIP_KNN_H
#define BLIP_KNN_H
#include <stddef.h>
#include <stdint.h>

#include "mad.h"
#include "rb.h"

#define KNN_LEN_MAX 64
#define KNN_MEMORY_MAX 10000
#define KNN_K 3 /* the neighbour whose distance is the measure */

struct knn {
    size_t len, memory;
    struct rb recent;   /* the last len raw values */
    struct mad scale;   /* long-run values for the median and spread */
    double *patterns;   /* memory * len raw values, a ring, owned */
    size_t stored;      /* patterns held, up to memory */
    size_t head;        /* next slot to write */
    double d_mean, d_var; /* running mean and variance of the distance measure */
    uint64_t d_n;
    unsigned scale_age;
    double centre, spread;
};

struct knn_result {
    int ready;
    double score;    /* standardised distance; high = unseen */
    double distance; /* distance to the k-th neighbour, in spreads */
};

/* len: 2..KNN_LEN_MAX; memory: KNN_K + len..KNN_MEMORY_MAX; window: points behind the scale.
 * Returns 0, or -1 on a bad size. */
int knn_init(struct knn *k, size_t len, size_t memory, size_t window);
void knn_clear(struct knn *k);
/* Scores the pattern x closes, then stores it. warmup: patterns needed before a verdict. */
void knn_push(struct knn *k, double x, size_t warmup, double floor_abs, double floor_rel,
              struct knn_result *out);
#endif

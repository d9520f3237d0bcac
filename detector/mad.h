/* mad.h - rolling median and median absolute deviation over the last `cap` values.
 * A push is O(log w); the median is O(log w) and the MAD O(log^2 w) (the k-th smallest distance
 * from the median, found by bisection over the two sorted runs on either side of it).
 * Pure: no I/O; allocates in mad_init() and as the window fills. */
#ifndef BLIP_MAD_H
#define BLIP_MAD_H
#include <stddef.h>

#include "ost.h"
#include "rb.h"

#define MAD_TO_SIGMA 1.4826 /* MAD * this estimates sigma for normal data (1 / 0.6745) */

struct mad {
    struct rb ring; /* arrival order, owned */
    struct ost set; /* the same values, sorted, owned */
};

/* Returns 0, or -1 if cap is 0. */
int mad_init(struct mad *m, size_t cap);
void mad_clear(struct mad *m); /* safe to call twice */
void mad_reset(struct mad *m);
void mad_push(struct mad *m, double x); /* evicts the oldest once full */
static inline size_t mad_len(const struct mad *m) { return m->ring.len; }
static inline int mad_full(const struct mad *m) { return m->ring.len == m->ring.cap; }
double mad_median(const struct mad *m); /* 0 if empty */
/* Median of |x - median| over the window; 0 if empty. */
double mad_mad(const struct mad *m);
/* The q-quantile (0 < q < 1) of |x - median| over the window by the nearest-rank rule (MAD is
 * the 0.5 one, averaged for even n); 0 if empty. O(log^2 w). */
double mad_dev_quantile(const struct mad *m, double q);
/* The q-quantile (0..1) by the nearest-rank rule; 0 if empty. */
double mad_quantile(const struct mad *m, double q);
#endif

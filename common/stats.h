/* stats.h - rolling mean and standard deviation over the last `cap` values of a series.
 * Welford's running sums, updated for each value in and each value out, so a push is O(1); the
 * sums are recomputed from the window once per window length (at most STATS_RESYNC pushes apart,
 * amortised O(1)) and whenever a push cancels most of m2 (a large value leaving the window), so
 * rounding never accumulates.
 * Pure: no I/O, no clock; allocates only in stats_init(). */
#ifndef BLIP_STATS_H
#define BLIP_STATS_H
#include <stddef.h>

#include "rb.h"

#define STATS_WINDOW_MAX 100000 /* largest window --window accepts */
#define STATS_RESYNC 65536      /* most pushes between exact recomputations of mean and m2 */

struct stats {
    struct rb ring;  /* the window, owned */
    double mean;     /* mean of the values in the window */
    double m2;       /* sum of squared deviations from mean, >= 0 */
    size_t since_resync;
};

/* Returns 0, or -1 if cap is not in 1..STATS_WINDOW_MAX (s untouched). */
int stats_init(struct stats *s, size_t cap);
void stats_clear(struct stats *s); /* frees the window; safe to call twice */
void stats_reset(struct stats *s); /* empties the window */
/* Adds a finite x, evicting the oldest value once the window is full. */
void stats_push(struct stats *s, double x);
static inline size_t stats_len(const struct stats *s) { return s->ring.len; }
static inline int stats_full(const struct stats *s) { return s->ring.len == s->ring.cap; }
double stats_mean(const struct stats *s);   /* 0 if empty */
double stats_stddev(const struct stats *s); /* population; 0 if len < 2 */
#endif

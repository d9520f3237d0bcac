/* hist.h - a latency histogram with fixed bucket bounds, cheap enough for the hot path:
 * hist_observe is a short linear scan (latencies are small, so it stops early) and two adds.
 * Pure: no I/O, no clock, no allocation. */
#ifndef BLIP_HIST_H
#define BLIP_HIST_H
#include <stddef.h>
#include <stdint.h>

#define HIST_BUCKETS_MAX 32 /* most finite bounds a histogram has */

struct hist {
    const uint64_t *bounds_ns; /* nbounds ascending upper bounds in ns, borrowed (a static table) */
    size_t nbounds;            /* 1..HIST_BUCKETS_MAX */
    uint64_t counts[HIST_BUCKETS_MAX + 1]; /* per bucket, not cumulative; [nbounds] is +Inf */
    uint64_t count;                        /* observations */
    uint64_t sum_ns;                       /* their sum */
};

/* The bounds blip uses for per-point processing time: 1 us to 100 ms, 16 buckets. */
extern const uint64_t hist_latency_bounds_ns[];
extern const size_t hist_latency_nbounds;

/* Empties h and binds it to bounds (kept, not copied). nbounds is clamped to HIST_BUCKETS_MAX. */
void hist_init(struct hist *h, const uint64_t *bounds_ns, size_t nbounds);

/* Counts one observation of ns nanoseconds: in the first bucket whose bound is >= ns. */
static inline void hist_observe(struct hist *h, uint64_t ns) {
    size_t i = 0;
    while (i < h->nbounds && ns > h->bounds_ns[i])
        i++;
    h->counts[i]++;
    h->count++;
    h->sum_ns += ns;
}

/* Observations <= bounds_ns[i] (i < nbounds), or all of them (i == nbounds). */
uint64_t hist_cumulative(const struct hist *h, size_t i);
#endif

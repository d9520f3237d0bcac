/* hist.c - see hist.h. */
#include "hist.h"

#include <string.h>

const uint64_t hist_latency_bounds_ns[] = {
    1000,   2500,    5000,    10000,   25000,    50000,    100000,   250000,
    500000, 1000000, 2500000, 5000000, 10000000, 25000000, 50000000, 100000000,
};
const size_t hist_latency_nbounds =
    sizeof hist_latency_bounds_ns / sizeof hist_latency_bounds_ns[0];

void hist_init(struct hist *h, const uint64_t *bounds_ns, size_t nbounds) {
    memset(h, 0, sizeof *h);
    h->bounds_ns = bounds_ns;
    h->nbounds = nbounds > HIST_BUCKETS_MAX ? HIST_BUCKETS_MAX : nbounds;
}

uint64_t hist_cumulative(const struct hist *h, size_t i) {
    uint64_t n = 0;
    for (size_t k = 0; k <= i && k <= h->nbounds; k++)
        n += h->counts[k];
    return n;
}

/* stats.c - see stats.h. */
#include "stats.h"

#include <math.h>

/* A sliding push that leaves m2 below this fraction of its old value has cancelled most of it:
 * what remains is then mostly rounding, so the sums are recomputed. */
#define STATS_CANCEL (1.0 / 1024)

int stats_init(struct stats *s, size_t cap) {
    if (cap < 1 || cap > STATS_WINDOW_MAX)
        return -1;
    if (rb_init(&s->ring, cap) != 0)
        return -1;
    s->mean = s->m2 = 0;
    s->since_resync = 0;
    return 0;
}

void stats_clear(struct stats *s) {
    rb_clear(&s->ring);
    s->mean = s->m2 = 0;
}

void stats_reset(struct stats *s) {
    rb_reset(&s->ring);
    s->mean = s->m2 = 0;
    s->since_resync = 0;
}

/* Recomputes mean and m2 exactly from the window (two passes). The sum is taken relative to the
 * oldest value, so a constant window keeps its exact mean and a zero m2. */
static void stats_resync(struct stats *s) {
    size_t n = s->ring.len;
    double base = n ? rb_get(&s->ring, 0) : 0, sum = 0, m2 = 0;
    for (size_t i = 0; i < n; i++)
        sum += rb_get(&s->ring, i) - base;
    s->mean = n ? base + sum / (double)n : 0;
    for (size_t i = 0; i < n; i++) {
        double d = rb_get(&s->ring, i) - s->mean;
        m2 += d * d;
    }
    s->m2 = m2;
    s->since_resync = 0;
}

void stats_push(struct stats *s, double x) {
    double old;
    if (!rb_push(&s->ring, x, &old)) {
        /* growing: the classic Welford step */
        double n = (double)s->ring.len;
        double d = x - s->mean;
        s->mean += d / n;
        s->m2 += d * (x - s->mean);
    } else {
        /* sliding: replace old by x; mean moves by (x - old) / n */
        double n = (double)s->ring.len;
        double mean_old = s->mean, m2_old = s->m2;
        s->mean += (x - old) / n;
        s->m2 += (x - old) * (x - s->mean + old - mean_old);
        if (s->m2 < m2_old * STATS_CANCEL) {
            stats_resync(s);
            return;
        }
    }
    if (++s->since_resync >= s->ring.cap || s->since_resync >= STATS_RESYNC)
        stats_resync(s);
}

double stats_mean(const struct stats *s) { return s->ring.len ? s->mean : 0; }

double stats_stddev(const struct stats *s) {
    if (s->ring.len < 2)
        return 0;
    return sqrt(s->m2 / (double)s->ring.len);
}

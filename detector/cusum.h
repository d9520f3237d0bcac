/* cusum.h - two-sided CUSUM change-point detection on standardised values.
 * Each point is standardised against the mean and standard deviation of the `window` points
 * before it, clipped to +-clip (so a lone spike cannot raise an alarm alone), and accumulated:
 * S+ = max(0, S+ + z - k), S- = max(0, S- - z - k). The score is S+ or -S-, whichever is larger
 * in magnitude; an alarm is |score| >= h. A level shift thus gives one alarm whose start is the
 * point where the sum left zero. After an alarm the baseline is relearned from the new level
 * (`relearn` points without a verdict), so one shift is one change event.
 * Pure: no I/O; allocates in cusum_init() and as the baseline fills. */
#ifndef BLIP_CUSUM_H
#define BLIP_CUSUM_H
#include <stddef.h>
#include <stdint.h>

#include "stats.h"

struct cusum {
    struct stats base;   /* baseline window, owned */
    double pos, neg;     /* S+ and S-, >= 0 */
    uint64_t index;      /* points seen */
    uint64_t pos_start, neg_start; /* index where S+ / S- last rose from zero */
    int64_t pos_ts, neg_ts;        /* and that point's ts */
    size_t relearn_left; /* points still to learn before verdicts resume */
};

struct cusum_result {
    int ready;
    double score;       /* +S+ or -S- */
    double mean, std;   /* the baseline */
    uint64_t lag;       /* points since the current sum left zero */
    int64_t start_ts;   /* ts of that point */
};

int cusum_init(struct cusum *c, size_t window);
void cusum_clear(struct cusum *c);
/* Scores x (with its ts) and folds it in. k: allowed drift in SDs; h: alarm level; clip: largest
 * |z| one point adds; relearn: points learned after an alarm; warmup: points before the first
 * verdict; std_floor: smallest std used. */
void cusum_push(struct cusum *c, double x, int64_t ts, double k, double h, double clip,
                size_t relearn, size_t warmup, double std_floor_abs, double std_floor_rel,
                struct cusum_result *out);
#endif

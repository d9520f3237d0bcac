/* cusum.c - see cusum.h. */
#include "cusum.h"

#include <math.h>
#include <string.h>

int cusum_init(struct cusum *c, size_t window) {
    memset(c, 0, sizeof *c);
    return stats_init(&c->base, window);
}

void cusum_clear(struct cusum *c) { stats_clear(&c->base); }

static double cusum_clip(double z, double clip) { return z > clip ? clip : z < -clip ? -clip : z; }

void cusum_push(struct cusum *c, double x, int64_t ts, double k, double h, double clip,
                size_t relearn, size_t warmup, double std_floor_abs, double std_floor_rel,
                struct cusum_result *out) {
    double mean = stats_mean(&c->base), std = stats_stddev(&c->base);
    double floor = std_floor_rel * fabs(mean);

    memset(out, 0, sizeof *out);
    if (floor < std_floor_abs)
        floor = std_floor_abs;
    if (std < floor)
        std = floor;
    if (c->relearn_left > 0 || stats_len(&c->base) < warmup) {
        if (c->relearn_left > 0)
            c->relearn_left--;
    } else {
        double z = cusum_clip((x - mean) / std, clip);
        if (c->pos == 0) {
            c->pos_start = c->index;
            c->pos_ts = ts;
        }
        if (c->neg == 0) {
            c->neg_start = c->index;
            c->neg_ts = ts;
        }
        c->pos = fmax(0, c->pos + z - k);
        c->neg = fmax(0, c->neg - z - k);
        out->ready = 1;
        out->mean = mean;
        out->std = std;
        if (c->pos >= c->neg) {
            out->score = c->pos;
            out->lag = c->index - c->pos_start;
            out->start_ts = c->pos_ts;
        } else {
            out->score = -c->neg;
            out->lag = c->index - c->neg_start;
            out->start_ts = c->neg_ts;
        }
        if (fabs(out->score) >= h) {
            /* a change: relearn the level from here, starting with this point */
            stats_reset(&c->base);
            c->pos = c->neg = 0;
            c->relearn_left = relearn;
        }
    }
    stats_push(&c->base, x);
    c->index++;
}

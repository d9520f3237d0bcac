/* season.c - see season.h. */
#include "season.h"

#include <math.h>
#include <string.h>

static size_t season_span(size_t period, int64_t dt) {
    size_t span = dt > 0 ? (size_t)(SEASON_SPAN_MS / dt) : period / 96;
    if (span > period / 8)
        span = period / 8;
    return span > SEASON_SPAN_MAX ? SEASON_SPAN_MAX : span;
}

static int season_start(struct season *s, size_t period, size_t span) {
    if (rb_init(&s->past, period + span + 1) != 0)
        return -1;
    s->period = period;
    s->span = span;
    return 0;
}

int season_init(struct season *s, size_t period) {
    memset(s, 0, sizeof *s);
    if (period == 0)
        return 0;
    s->enabled = 1;
    if (period == SEASON_AUTO)
        return 0;
    if (period < 2 || period > SEASON_PERIOD_MAX)
        return -1;
    s->probed = SEASON_PROBE + 1; /* nothing to learn */
    return season_start(s, period, season_span(period, 0));
}

void season_clear(struct season *s) {
    rb_clear(&s->past);
    s->period = s->span = 0;
}

void season_observe(struct season *s, int64_t ts) {
    int64_t dt;
    if (!s->enabled || s->probed > SEASON_PROBE)
        return;
    if (s->probed < SEASON_PROBE) {
        s->probe_ts[s->probed++] = ts;
        return;
    }
    s->probed++; /* decided, whatever the outcome */
    dt = s->probe_ts[1] - s->probe_ts[0];
    for (size_t i = 2; i < SEASON_PROBE; i++)
        if (s->probe_ts[i] - s->probe_ts[i - 1] != dt)
            return; /* irregular or missing timestamps: no season */
    if (dt <= 0 || SEASON_DAY_MS % dt != 0 || SEASON_DAY_MS / dt > SEASON_PERIOD_MAX ||
        SEASON_DAY_MS / dt < 2)
        return;
    season_start(s, (size_t)(SEASON_DAY_MS / dt), season_span((size_t)(SEASON_DAY_MS / dt), dt));
}

int season_range(const struct season *s, double *lo, double *hi) {
    size_t len = s->past.len;
    if (!s->period || len < s->period + s->span + 1)
        return -1;
    /* past holds the last period + span + 1 values, oldest first, the newest being the previous
     * point: the value exactly one period before the point to score is at index len - period */
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t k = len - s->period - s->span; k <= len - s->period + s->span && k < len; k++) {
        double v = rb_get(&s->past, k);
        *lo = v < *lo ? v : *lo;
        *hi = v > *hi ? v : *hi;
    }
    return 0;
}

void season_push(struct season *s, double x) {
    double evicted;
    if (s->period)
        rb_push(&s->past, x, &evicted);
}

/* score.c - see score.h. */
#include "score.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define SCORE_SEV_MEDIUM 1.5 /* |score| / threshold from which a point is medium */
#define SCORE_SEV_HIGH 2.0   /* ... and high */

static const char *const score_names[SCORE_ALGO_COUNT] = {"sma", "ema"};

const char *score_algo_name(enum score_algo a) {
    return (unsigned)a < SCORE_ALGO_COUNT ? score_names[a] : "?";
}

int score_algo_parse(const char *s, enum score_algo *out) {
    for (int i = 0; i < SCORE_ALGO_COUNT; i++) {
        if (strcmp(s, score_names[i]) == 0) {
            *out = (enum score_algo)i;
            return 0;
        }
    }
    return -1;
}

void score_params_default(struct score_params *p, enum score_algo algo) {
    memset(p, 0, sizeof *p);
    p->algo = algo;
    p->window = 25;
    p->alpha = 0.08;
    p->threshold = algo == SCORE_EMA ? 2.2 : 2.0;
    p->min_std = 1e-9;
    p->min_std_rel = 1e-4;
}

int score_params_check(const struct score_params *p, char *err, size_t errlen) {
    if ((unsigned)p->algo >= SCORE_ALGO_COUNT)
        return snprintf(err, errlen, "unknown algorithm"), -1;
    if (p->window < SCORE_WINDOW_MIN || p->window > SCORE_WINDOW_MAX)
        return snprintf(err, errlen, "window must be %d..%d", SCORE_WINDOW_MIN, SCORE_WINDOW_MAX),
               -1;
    if (!(p->threshold > 0) || !isfinite(p->threshold))
        return snprintf(err, errlen, "threshold must be a positive number"), -1;
    if (!(p->alpha > 0 && p->alpha <= 1))
        return snprintf(err, errlen, "alpha must be in (0, 1]"), -1;
    if (!(p->min_std >= 0) || !(p->min_std_rel >= 0) || !isfinite(p->min_std) ||
        !isfinite(p->min_std_rel))
        return snprintf(err, errlen, "std floors must be finite and >= 0"), -1;
    return 0;
}

int score_init(struct score_state *st, const struct score_params *p) {
    char err[64];
    if (score_params_check(p, err, sizeof err) != 0)
        return -1;
    memset(st, 0, sizeof *st);
    if (p->algo == SCORE_SMA && stats_init(&st->win, p->window) != 0)
        return -1;
    return 0;
}

void score_clear(struct score_state *st) {
    stats_clear(&st->win);
    st->mean = st->var = 0;
    st->n = 0;
}

enum severity score_severity(double abs_score, double threshold) {
    if (!(abs_score >= threshold))
        return SEV_NONE;
    if (abs_score < SCORE_SEV_MEDIUM * threshold)
        return SEV_LOW;
    if (abs_score < SCORE_SEV_HIGH * threshold)
        return SEV_MEDIUM;
    return SEV_HIGH;
}

/* Fills the verdict for x against (mean, std), applying the std floor. */
static void score_judge(const struct score_params *p, double x, double mean, double std,
                        struct verdict *out) {
    double floor = p->min_std_rel * fabs(mean);
    if (floor < p->min_std)
        floor = p->min_std;
    if (std < floor)
        std = floor;
    out->ready = 1;
    out->mean = mean;
    out->std = std;
    out->score = std > 0 ? (x - mean) / std : 0;
    out->severity = score_severity(fabs(out->score), p->threshold);
    out->anomaly = out->severity != SEV_NONE;
}

static void score_verdict_none(struct verdict *out) {
    out->ready = 0;
    out->anomaly = 0;
    out->score = out->mean = out->std = 0;
    out->severity = SEV_NONE;
}

static void score_sma(struct score_state *st, const struct score_params *p, double x,
                      struct verdict *out) {
    if (stats_full(&st->win))
        score_judge(p, x, stats_mean(&st->win), stats_stddev(&st->win), out);
    else
        score_verdict_none(out);
    stats_push(&st->win, x);
}

/* Exponentially weighted mean and variance (West's incremental form): after each point,
 * mean += alpha*d and var = (1 - alpha) * (var + alpha*d^2), where d = x - previous mean. */
static void score_ema(struct score_state *st, const struct score_params *p, double x,
                      struct verdict *out) {
    double d;
    if (st->n >= p->window)
        score_judge(p, x, st->mean, sqrt(st->var), out);
    else
        score_verdict_none(out);
    if (st->n == 0) {
        st->mean = x;
        st->var = 0;
    } else {
        d = x - st->mean;
        st->mean += p->alpha * d;
        st->var = (1 - p->alpha) * (st->var + p->alpha * d * d);
    }
    if (st->n < p->window)
        st->n++;
}

void score_push(struct score_state *st, const struct score_params *p, double x,
                struct verdict *out) {
    switch (p->algo) {
    case SCORE_SMA:
        score_sma(st, p, x, out);
        return;
    case SCORE_EMA:
        score_ema(st, p, x, out);
        return;
    case SCORE_ALGO_COUNT:
        break;
    }
    score_verdict_none(out);
}

/* score.h - scoring one point of a series against that series' recent past.
 * Every algorithm scores the point against state built from the points before it (never including
 * the point itself), then folds the point in. No verdict is given until the warm-up is over.
 * Pure: no I/O, no clock; allocates only in score_init(). */
#ifndef BLIP_SCORE_H
#define BLIP_SCORE_H
#include <stddef.h>

#include "codec.h"
#include "stats.h"

enum score_algo { SCORE_SMA, SCORE_EMA, SCORE_ALGO_COUNT };

#define SCORE_WINDOW_MIN 2
#define SCORE_WINDOW_MAX STATS_WINDOW_MAX

struct score_params {
    enum score_algo algo;
    size_t window;      /* sma: baseline length; ema: warm-up length. SCORE_WINDOW_MIN..MAX */
    double threshold;   /* |score| >= threshold flags the point; > 0 */
    double alpha;       /* ema smoothing factor, 0 < alpha <= 1 */
    double min_std;     /* floor on the standard deviation, absolute units, >= 0 */
    double min_std_rel; /* floor on the standard deviation relative to |mean|, >= 0 */
};

/* The verdict on one point. */
struct verdict {
    int ready;              /* 0 during warm-up: no score, never an anomaly */
    int anomaly;            /* 1 if |score| >= threshold */
    double score;           /* signed: (x - mean) / std */
    double mean, std;       /* the baseline used (std after the floor) */
    enum severity severity; /* SEV_NONE unless anomaly */
};

struct score_state {
    struct stats win;   /* sma: the last `window` points */
    double mean, var;   /* ema: exponentially weighted mean and variance */
    size_t n;           /* points seen, saturating at window */
};

/* Fills p with the defaults of algo: sma window 25 threshold 2.0; ema alpha 0.08 threshold 2.2,
 * warm-up 25; std floor 1e-9 absolute and 1e-4 relative. */
void score_params_default(struct score_params *p, enum score_algo algo);

/* Checks p. Returns 0, or -1 with the reason in err. */
int score_params_check(const struct score_params *p, char *err, size_t errlen);

/* Returns 0, or -1 if p is invalid (st untouched). */
int score_init(struct score_state *st, const struct score_params *p);
void score_clear(struct score_state *st); /* frees; safe to call twice */

/* Scores finite x against the state, then adds it. */
void score_push(struct score_state *st, const struct score_params *p, double x,
                struct verdict *out);

/* Severity of a flagged point from |score| and the threshold t: low below 1.5t, medium below 2t,
 * high from 2t up. SEV_NONE below t. */
enum severity score_severity(double abs_score, double threshold);

const char *score_algo_name(enum score_algo a);
/* Parses an algorithm name. Returns 0, or -1. */
int score_algo_parse(const char *s, enum score_algo *out);
#endif

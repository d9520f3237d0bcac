/* score.h - scoring one point of a series against that series' recent past.
 * Every algorithm scores the point against state built from the points before it (never including
 * the point itself), then folds the point in. No verdict is given during the warm-up.
 *   sma    z-score against the mean and SD of the last `window` points
 *   ema    z-score against an exponentially weighted mean and variance (alpha)
 *   mad    robust z = (x - median) / (1.4826 * MAD) over the last `window` points
 *   cusum  two-sided CUSUM of standardised values: level shifts as one change event (cusum.h)
 *   hst    half-space trees: points in sparse regions of (value, change) space (hst.h)
 *   resid  robust residual from the local level, in long-run spread, seasonal (resid.h)
 *   knn    contextual: the last few points as a shape, scored by how far it is from every
 *          shape seen recently (knn.h)
 * Pure: no I/O, no clock; allocates in score_init() and as a series's windows fill. */
#ifndef BLIP_SCORE_H
#define BLIP_SCORE_H
#include <stddef.h>
#include <stdint.h>

#include "codec.h"
#include "cusum.h"
#include "hst.h"
#include "knn.h"
#include "mad.h"
#include "resid.h"
#include "season.h"
#include "stats.h"

enum score_algo {
    SCORE_SMA,
    SCORE_EMA,
    SCORE_MAD,
    SCORE_CUSUM,
    SCORE_HST,
    SCORE_RESID,
    SCORE_KNN,
    SCORE_ALGO_COUNT
};

#define SCORE_WINDOW_MIN 2
#define SCORE_WINDOW_MAX STATS_WINDOW_MAX

struct score_params {
    enum score_algo algo;
    size_t window;      /* baseline length (sma, mad, cusum), mass window (hst); 2..MAX */
    size_t warmup;      /* points before the first verdict, 1..window (ema: any) */
    double threshold;   /* |score| >= threshold flags the point; > 0 */
    double alpha;       /* ema smoothing factor, 0 < alpha <= 1 */
    double min_std;     /* floor on the standard deviation, absolute units, >= 0 */
    double min_std_rel; /* floor on the standard deviation relative to |mean|, >= 0 */
    double cusum_k;     /* cusum, resid's shift sums: drift allowed, in SDs, >= 0 */
    double cusum_h;     /* resid's shift sums: alarm level, > 0 (cusum uses threshold) */
    double cusum_clip;  /* cusum: largest |z| one point adds, > 0 */
    size_t cusum_relearn; /* cusum: points learned after a change before verdicts resume */
    unsigned hst_trees; /* hst: trees, 1..HST_TREES_MAX */
    unsigned hst_depth; /* hst: depth, 1..HST_DEPTH_MAX */
    uint64_t seed;      /* hst: shapes of the trees */
    size_t local;       /* resid: points in the local level; knn: pattern length */
    size_t memory;      /* knn: patterns compared with */
    size_t season;      /* resid, knn: daily reference: SEASON_AUTO (from the timestamps), 0 (none)
                         * or a fixed period in points */
};

/* The verdict on one point. */
struct verdict {
    int ready;              /* 0 during warm-up: no score, never an anomaly */
    int anomaly;            /* 1 if |score| >= threshold */
    double score;           /* signed: (x - centre) / spread, or the algorithm's statistic */
    double mean, std;       /* the baseline used (centre and spread after the floor) */
    enum severity severity; /* SEV_NONE unless anomaly */
    uint64_t lag;           /* cusum: points since the change began (0 otherwise) */
    int64_t start_ts;       /* cusum: ts where the change began (0 otherwise) */
};

struct score_state {
    struct stats win;  /* sma */
    double mean, var;  /* ema */
    size_t n;          /* ema: points seen, saturating at warmup */
    struct mad mad;    /* mad */
    double mad_cached; /* mad: the last MAD estimate */
    unsigned mad_age;  /* mad: points since it (a full window re-estimates every 16) */
    struct cusum cusum;
    struct hst hst;
    struct resid resid;
    struct knn knn;
    struct season season; /* resid, knn */
};

/* Fills p with the defaults of algo (see the table in README.md). */
void score_params_default(struct score_params *p, enum score_algo algo);

/* Checks p. Returns 0, or -1 with the reason in err. */
int score_params_check(const struct score_params *p, char *err, size_t errlen);

/* Returns 0, or -1 if p is invalid (st untouched). */
int score_init(struct score_state *st, const struct score_params *p);
void score_clear(struct score_state *st); /* frees; safe to call twice */

/* Scores finite x (ts: its Unix ms, 0 if unknown) against the state, then adds it. */
void score_push(struct score_state *st, const struct score_params *p, double x, int64_t ts,
                struct verdict *out);

/* Severity of a flagged point from |score| and the threshold t: low below 1.5t, medium below 2t,
 * high from 2t up. SEV_NONE below t. */
enum severity score_severity(double abs_score, double threshold);

const char *score_algo_name(enum score_algo a);
/* Parses an algorithm name. Returns 0, or -1. */
int score_algo_parse(const char *s, enum score_algo *out);
#endif

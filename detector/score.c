/* score.c - see score.h. */
#include "score.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define SCORE_SEV_MEDIUM 1.5 /* |score| / threshold from which a point is medium */
#define SCORE_SEV_HIGH 2.0   /* ... and high */
#define SCORE_MAD_TAIL_Q 0.9    /* mad: the quantile of |x - median| used when MAD is 0 */
#define SCORE_MAD_TAIL_Z 1.6449 /* that quantile of |N(0, 1)| */

static const char *const score_names[SCORE_ALGO_COUNT] = {"sma", "ema", "mad", "cusum", "hst",
                                                          "resid", "knn"};

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
    p->alpha = 0.08;
    p->min_std = 1e-9;
    p->min_std_rel = 1e-4;
    p->cusum_k = 1;
    p->cusum_h = 8;
    p->cusum_clip = 4;
    p->hst_trees = 25;
    p->hst_depth = 8;
    p->seed = 1;
    p->local = 9;
    p->season = SEASON_AUTO;
    p->memory = 1000;
    /* Each algorithm's defaults are the best of its row in `make eval` on labelled real-world
     * series (see README.md, "Choosing a detector"), not the textbook values. */
    switch (algo) {
    case SCORE_KNN:
        p->window = 1000;
        p->warmup = 200;
        p->threshold = 4;
        p->local = 16;
        break;
    case SCORE_RESID:
        p->window = 1000;
        p->warmup = 100;
        p->threshold = 5;
        break;
    case SCORE_EMA:
        p->window = 1000;
        p->warmup = 100;
        p->alpha = 0.01;
        p->threshold = 5;
        break;
    case SCORE_MAD:
        p->window = 1000;
        p->warmup = 100;
        p->threshold = 5.5;
        break;
    case SCORE_CUSUM:
        p->window = 1000;
        p->warmup = 100;
        p->threshold = 12;
        p->cusum_relearn = 50;
        break;
    case SCORE_HST:
        p->window = 250;
        p->warmup = 250;
        p->threshold = 5;
        break;
    case SCORE_SMA:
    case SCORE_ALGO_COUNT:
        p->window = 1000;
        p->warmup = 100;
        p->threshold = 5;
        break;
    }
}

int score_params_check(const struct score_params *p, char *err, size_t errlen) {
    if ((unsigned)p->algo >= SCORE_ALGO_COUNT)
        return snprintf(err, errlen, "unknown algorithm"), -1;
    if (p->window < SCORE_WINDOW_MIN || p->window > SCORE_WINDOW_MAX)
        return snprintf(err, errlen, "window must be %d..%d", SCORE_WINDOW_MIN, SCORE_WINDOW_MAX),
               -1;
    if (p->algo == SCORE_HST && p->window > HST_WINDOW_MAX)
        return snprintf(err, errlen, "hst: window must be at most %d", HST_WINDOW_MAX), -1;
    if (p->warmup < 1 || (p->algo != SCORE_EMA && p->warmup > p->window))
        return snprintf(err, errlen, "warm-up must be 1..window (%zu)", p->window), -1;
    if (!(p->threshold > 0) || !isfinite(p->threshold))
        return snprintf(err, errlen, "threshold must be a positive number"), -1;
    if (!(p->alpha > 0 && p->alpha <= 1))
        return snprintf(err, errlen, "alpha must be in (0, 1]"), -1;
    if (!(p->min_std >= 0) || !(p->min_std_rel >= 0) || !isfinite(p->min_std) ||
        !isfinite(p->min_std_rel))
        return snprintf(err, errlen, "std floors must be finite and >= 0"), -1;
    if (!(p->cusum_k >= 0) || !(p->cusum_clip > 0) || !isfinite(p->cusum_k) ||
        !isfinite(p->cusum_clip) || !(p->cusum_h > 0) || !isfinite(p->cusum_h))
        return snprintf(err, errlen, "cusum: k must be >= 0, clip and h > 0"), -1;
    if (p->hst_trees < 1 || p->hst_trees > HST_TREES_MAX || p->hst_depth < 1 ||
        p->hst_depth > HST_DEPTH_MAX)
        return snprintf(err, errlen, "hst: trees must be 1..%d and depth 1..%d", HST_TREES_MAX,
                        HST_DEPTH_MAX),
               -1;
    if (p->local < 1 || p->local > RESID_LOCAL_MAX)
        return snprintf(err, errlen, "resid: local must be 1..%d", RESID_LOCAL_MAX), -1;
    if (p->algo == SCORE_KNN && (p->local < 2 || p->local > KNN_LEN_MAX ||
                                 p->memory < KNN_K || p->memory > KNN_MEMORY_MAX))
        return snprintf(err, errlen, "knn: pattern length must be 2..%d and memory %d..%d",
                        KNN_LEN_MAX, KNN_K, KNN_MEMORY_MAX),
               -1;
    if (p->season != SEASON_AUTO && p->season != 0 &&
        (p->season < 2 || p->season > SEASON_PERIOD_MAX))
        return snprintf(err, errlen, "season must be 0 (off), auto or 2..%d points",
                        SEASON_PERIOD_MAX),
               -1;
    return 0;
}

int score_init(struct score_state *st, const struct score_params *p) {
    char err[128];
    int rc = 0;
    if (score_params_check(p, err, sizeof err) != 0)
        return -1;
    memset(st, 0, sizeof *st);
    switch (p->algo) {
    case SCORE_SMA:
        rc = stats_init(&st->win, p->window);
        break;
    case SCORE_MAD:
        rc = mad_init(&st->mad, p->window);
        break;
    case SCORE_CUSUM:
        rc = cusum_init(&st->cusum, p->window);
        break;
    case SCORE_HST:
        rc = hst_init(&st->hst, p->hst_trees, p->hst_depth, p->window, p->seed);
        break;
    case SCORE_RESID:
        rc = resid_init(&st->resid, p->local, p->window);
        if (rc == 0)
            rc = season_init(&st->season, p->season);
        break;
    case SCORE_KNN:
        rc = knn_init(&st->knn, p->local, p->memory, p->window);
        if (rc == 0)
            rc = season_init(&st->season, p->season);
        break;
    case SCORE_EMA:
    case SCORE_ALGO_COUNT:
        break;
    }
    return rc;
}

void score_clear(struct score_state *st) {
    stats_clear(&st->win);
    mad_clear(&st->mad);
    cusum_clear(&st->cusum);
    hst_clear(&st->hst);
    resid_clear(&st->resid);
    knn_clear(&st->knn);
    season_clear(&st->season);
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

static double score_floor(const struct score_params *p, double centre) {
    double floor = p->min_std_rel * fabs(centre);
    return floor < p->min_std ? p->min_std : floor;
}

/* Fills the verdict for a score already computed. */
static void score_set(const struct score_params *p, double score, double mean, double std,
                      struct verdict *out) {
    out->ready = 1;
    out->mean = mean;
    out->std = std;
    out->score = score;
    out->severity = score_severity(fabs(score), p->threshold);
    out->anomaly = out->severity != SEV_NONE;
}

/* Fills the verdict for x against (centre, spread), applying the floor to the spread. */
static void score_judge(const struct score_params *p, double x, double centre, double spread,
                        struct verdict *out) {
    double floor = score_floor(p, centre);
    if (spread < floor)
        spread = floor;
    score_set(p, spread > 0 ? (x - centre) / spread : 0, centre, spread, out);
}

static void score_sma(struct score_state *st, const struct score_params *p, double x,
                      struct verdict *out) {
    if (stats_len(&st->win) >= p->warmup)
        score_judge(p, x, stats_mean(&st->win), stats_stddev(&st->win), out);
    stats_push(&st->win, x);
}

/* Exponentially weighted mean and variance (West's incremental form): after each point,
 * mean += alpha*d and var = (1 - alpha) * (var + alpha*d^2), where d = x - previous mean. */
static void score_ema(struct score_state *st, const struct score_params *p, double x,
                      struct verdict *out) {
    double d;
    if (st->n >= p->warmup)
        score_judge(p, x, st->mean, sqrt(st->var), out);
    if (st->n == 0) {
        st->mean = x;
        st->var = 0;
    } else {
        d = x - st->mean;
        st->mean += p->alpha * d;
        st->var = (1 - p->alpha) * (st->var + p->alpha * d * d);
    }
    if (st->n < p->warmup)
        st->n++;
}

/* The median moves with every point; the MAD of a full window moves slowly and costs
 * O(log^2 w), so it is re-estimated every RESID_REFRESH points (every point while filling).
 * When more than half the window holds one value the MAD is 0 and any other value would score
 * infinitely far: the spread then falls back to the 90th percentile of |x - median| / 1.645
 * (sigma for normal data, like 1.4826 * MAD). */
static double score_mad_spread(const struct mad *m) {
    double s = mad_mad(m);
    if (s > 0)
        return s;
    return mad_dev_quantile(m, SCORE_MAD_TAIL_Q) / SCORE_MAD_TAIL_Z / MAD_TO_SIGMA;
}

static void score_mad(struct score_state *st, const struct score_params *p, double x,
                      struct verdict *out) {
    if (mad_len(&st->mad) >= p->warmup) {
        if (st->mad_age == 0 || st->mad_age >= RESID_REFRESH || !mad_full(&st->mad)) {
            st->mad_cached = score_mad_spread(&st->mad);
            st->mad_age = 0;
        }
        st->mad_age++;
        score_judge(p, x, mad_median(&st->mad), MAD_TO_SIGMA * st->mad_cached, out);
    }
    mad_push(&st->mad, x);
}

static void score_cusum(struct score_state *st, const struct score_params *p, double x,
                        int64_t ts, struct verdict *out) {
    struct cusum_result r;
    cusum_push(&st->cusum, x, ts, p->cusum_k, p->threshold, p->cusum_clip, p->cusum_relearn,
               p->warmup, p->min_std, p->min_std_rel, &r);
    if (!r.ready)
        return;
    score_set(p, r.score, r.mean, r.std, out);
    out->lag = r.lag;
    out->start_ts = r.start_ts;
}

static void score_hst(struct score_state *st, const struct score_params *p, double x,
                      struct verdict *out) {
    struct hst_result r;
    hst_push(&st->hst, x, &r);
    if (!r.ready)
        return;
    score_set(p, r.score > 0 ? r.score : 0, r.measure, 1, out);
}

/* The daily reference for the point about to be scored: [lo, hi] in range, or NULL. */
static const double *score_season(struct score_state *st, int64_t ts, double *range) {
    season_observe(&st->season, ts);
    return season_range(&st->season, &range[0], &range[1]) == 0 ? range : NULL;
}

static void score_resid(struct score_state *st, const struct score_params *p, double x,
                        int64_t ts, struct verdict *out) {
    struct resid_result r;
    struct resid_tuning t = {p->warmup, p->threshold, p->cusum_k, p->cusum_h,
                             p->min_std,  p->min_std_rel};
    double range[2];
    resid_push(&st->resid, x, ts, &t, score_season(st, ts, range), &r);
    season_push(&st->season, x);
    if (!r.ready)
        return;
    score_set(p, r.score, r.level, r.spread, out);
    out->lag = r.lag;
    out->start_ts = r.start_ts;
}

static void score_knn(struct score_state *st, const struct score_params *p, double x,
                      int64_t ts, struct verdict *out) {
    struct knn_result r;
    double range[2];
    knn_push(&st->knn, x, p->warmup, p->min_std, p->min_std_rel, score_season(st, ts, range),
             &r);
    season_push(&st->season, x);
    if (!r.ready)
        return;
    score_set(p, r.score, r.distance, 1, out);
}

void score_push(struct score_state *st, const struct score_params *p, double x, int64_t ts,
                struct verdict *out) {
    memset(out, 0, sizeof *out);
    switch (p->algo) {
    case SCORE_SMA:
        score_sma(st, p, x, out);
        return;
    case SCORE_EMA:
        score_ema(st, p, x, out);
        return;
    case SCORE_MAD:
        score_mad(st, p, x, out);
        return;
    case SCORE_CUSUM:
        score_cusum(st, p, x, ts, out);
        return;
    case SCORE_HST:
        score_hst(st, p, x, out);
        return;
    case SCORE_RESID:
        score_resid(st, p, x, ts, out);
        return;
    case SCORE_KNN:
        score_knn(st, p, x, ts, out);
        return;
    case SCORE_ALGO_COUNT:
        break;
    }
}

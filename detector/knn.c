/* knn.c - see knn.h.
 * With x(a) the value a points before the newest (x(0) the newest), the squared distance at lag
 * l is D(l) = sum over i < len of (x(i) - x(l + i))^2. When a new value arrives every index
 * shifts by one, so D(l) gains (x(0) - x(l))^2 and loses (x(len) - x(l + len))^2. */
#include "knn.h"

#include <math.h>
#include <string.h>

#include "season.h"
#include "xalloc.h"

#define KNN_ALPHA 0.01    /* weight of a new distance in its running mean and variance */
#define KNN_REFRESH 16    /* points between re-estimates of the spread once its window is full */
#define KNN_D_WARMUP 50   /* distances seen before standardised scores are given */
#define KNN_D_SD_MIN 0.1  /* floor on the distances' SD, in spreads: a perfectly regular series
                           * must change by a visible amount to score */
#define KNN_TAIL_Q 0.9    /* spread when MAD is 0: this quantile of |x - median| ... */
#define KNN_TAIL_Z 1.6449 /* ... divided by the same quantile of |N(0, 1)| */
#define KNN_BLOCK 16      /* values per block in the k-th smallest search (8 vectors of 2) */

static void knn_pick(void);

int knn_init(struct knn *k, size_t len, size_t memory, size_t window) {
    memset(k, 0, sizeof *k);
    if (len < 2 || len > KNN_LEN_MAX || memory < KNN_K || memory > KNN_MEMORY_MAX || window < 2)
        return -1;
    if (mad_init(&k->scale, window) != 0)
        return -1;
    k->len = len;
    k->memory = memory;
    k->cap = 2 * len + memory;
    k->hcap = k->cap < KNN_ALLOC_MIN ? k->cap : KNN_ALLOC_MIN;
    k->hist = xcalloc(2 * k->hcap, sizeof *k->hist);
    k->dcap = memory < KNN_ALLOC_MIN ? memory : KNN_ALLOC_MIN;
    k->d = xcalloc(k->dcap, sizeof *k->d);
    k->scale_age = KNN_REFRESH;
    knn_pick();
    return 0;
}

void knn_clear(struct knn *k) {
    mad_clear(&k->scale);
    xfree(k->hist);
    xfree(k->d);
    k->hist = k->d = NULL;
}

static void knn_estimate(struct knn *k, double floor_abs, double floor_rel) {
    double f;
    if (k->scale_age < KNN_REFRESH && mad_full(&k->scale)) {
        k->scale_age++;
        return;
    }
    k->centre = mad_median(&k->scale);
    k->spread = MAD_TO_SIGMA * mad_mad(&k->scale);
    if (k->spread == 0) /* more than half the values equal: the tail of the deviations */
        k->spread = mad_dev_quantile(&k->scale, KNN_TAIL_Q) / KNN_TAIL_Z;
    f = floor_rel * fabs(k->centre);
    if (f < floor_abs)
        f = floor_abs;
    if (k->spread < f)
        k->spread = f;
    k->scale_age = 1;
}

/* Doubles the history (up to cap) before it would wrap: until then the values sit at
 * 0..count-1, so they keep their places, and their copies move to the new upper half. */
static void knn_grow_hist(struct knn *k) {
    size_t grown = k->hcap * 2 < k->cap ? k->hcap * 2 : k->cap;
    double *h = xcalloc(2 * grown, sizeof *h);
    memcpy(h, k->hist, k->hcap * sizeof *h);
    memcpy(h + grown, k->hist, k->hcap * sizeof *h);
    xfree(k->hist);
    k->hist = h;
    k->hcap = grown;
}

/* Appends x to the history; returns the pointer to it: p[-a] is the value a points older. */
static const double *knn_append(struct knn *k, double x) {
    if (k->pos == k->hcap - 1 && k->hcap < k->cap && k->count == k->pos)
        knn_grow_hist(k);
    k->hist[k->pos] = x;
    k->hist[k->pos + k->hcap] = x;
    k->pos = k->pos + 1 == k->hcap ? 0 : k->pos + 1;
    k->count++;
    return &k->hist[(k->pos == 0 ? k->hcap : k->pos) - 1 + k->hcap];
}

/* Lags whose older pattern is complete (needs lag + len values), at most memory. */
static size_t knn_valid(const struct knn *k) {
    uint64_t room = k->count >= 2 * k->len ? k->count - 2 * k->len + 1 : 0;
    return room < k->memory ? (size_t)room : k->memory;
}

/* d[] is kept largest lag first, d[i] = D(len + dcap - 1 - i), so the steady-state update
 * reads both value windows forwards. */
static double *knn_at(const struct knn *k, size_t j) { return &k->d[k->dcap - 1 - j]; }

/* Recomputes every tracked D(l) from the values: the full sum for complete lags, the terms
 * available so far for the others (they complete as points arrive). */
static void knn_exact(struct knn *k, const double *x) {
    for (size_t j = 0; j < k->dcap; j++) {
        size_t lag = k->len + j;
        double s = 0;
        for (size_t i = 0; i < k->len && lag + i < k->count; i++) {
            double e = x[-(ptrdiff_t)i] - x[-(ptrdiff_t)(lag + i)];
            s += e * e;
        }
        *knn_at(k, j) = s;
    }
    k->since_exact = 0;
}

/* Doubles the lags tracked (up to memory) before one of them is needed, and recomputes them all:
 * rare, and it keeps the new lags' partial sums exact. */
static void knn_grow_d(struct knn *k, const double *x) {
    size_t grown = k->dcap * 2 < k->memory ? k->dcap * 2 : k->memory;
    xfree(k->d);
    k->d = xcalloc(grown, sizeof *k->d);
    k->dcap = grown;
    knn_exact(k, x);
}

/* Two doubles at a time: the width SSE2 (every x86-64) and NEON (arm64) have natively, so GCC
 * and Clang lower these vector types, comparisons included, to single instructions; wider types
 * would fall back to scalar compares and branches on machines without AVX. knn_v2u reads and
 * writes lanes at any 8-byte alignment, and may alias plain doubles. */
typedef double knn_v2 __attribute__((vector_size(2 * sizeof(double))));
typedef double knn_v2u __attribute__((vector_size(2 * sizeof(double)), aligned(8), may_alias));
typedef long long knn_m2 __attribute__((vector_size(2 * sizeof(long long))));

/* Lane-wise minimum, branch-free: a compare mask selects the bits of a or of b. */
static inline knn_v2 knn_min2(knn_v2 a, knn_v2 b) {
    knn_m2 lt = a < b;
    return (knn_v2)((lt & (knn_m2)a) | (~lt & (knn_m2)b));
}

/* The steady-state update as one forward pass: walking from the largest lag down makes both
 * value windows ascend in memory. */
static void knn_slide_all_v2(double *restrict d, const double *restrict older_in,
                             const double *restrict older_out, double in, double out, size_t M) {
    const knn_v2 vin = {in, in}, vout = {out, out};
    size_t i = 0;
    for (; i + 2 <= M; i += 2) {
        knn_v2 a = vin - *(const knn_v2u *)(older_in + i);
        knn_v2 b = vout - *(const knn_v2u *)(older_out + i);
        *(knn_v2u *)(d + i) += a * a - b * b;
    }
    for (; i < M; i++) {
        double a = in - older_in[i];
        double b = out - older_out[i];
        d[i] += a * a - b * b;
    }
}

/* The minimum of each of `blocks` whole blocks of KNN_BLOCK values, into bmin. */
static void knn_block_mins_v2(const double *d, size_t blocks, double *bmin) {
    for (size_t b = 0; b < blocks; b++) {
        const knn_v2u *v = (const knn_v2u *)(d + b * KNN_BLOCK);
        knn_v2 q = knn_min2(knn_min2(knn_min2(v[0], v[1]), knn_min2(v[2], v[3])),
                            knn_min2(knn_min2(v[4], v[5]), knn_min2(v[6], v[7])));
        bmin[b] = q[0] < q[1] ? q[0] : q[1];
    }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define KNN_WIDE 1
#else
#define KNN_WIDE 0
#endif

#if KNN_WIDE
/* The same two passes four doubles at a time, for x86-64 processors with AVX2 (chosen at run
 * time, so one binary runs everywhere). The wide types stay inside these functions: none is
 * passed between functions compiled for different targets. */
typedef double knn_v4 __attribute__((vector_size(4 * sizeof(double))));
typedef double knn_v4u __attribute__((vector_size(4 * sizeof(double)), aligned(8), may_alias));
typedef long long knn_m4 __attribute__((vector_size(4 * sizeof(long long))));
#define KNN_MIN4(a, b) ((knn_v4)((((a) < (b)) & (knn_m4)(a)) | (~((a) < (b)) & (knn_m4)(b))))

__attribute__((target("avx2"))) static void
knn_slide_all_v4(double *restrict d, const double *restrict older_in,
                 const double *restrict older_out, double in, double out, size_t M) {
    const knn_v4 vin = {in, in, in, in}, vout = {out, out, out, out};
    size_t i = 0;
    for (; i + 4 <= M; i += 4) {
        knn_v4 a = vin - *(const knn_v4u *)(older_in + i);
        knn_v4 b = vout - *(const knn_v4u *)(older_out + i);
        *(knn_v4u *)(d + i) += a * a - b * b;
    }
    for (; i < M; i++) {
        double a = in - older_in[i];
        double b = out - older_out[i];
        d[i] += a * a - b * b;
    }
}

__attribute__((target("avx2"))) static void knn_block_mins_v4(const double *d, size_t blocks,
                                                              double *bmin) {
    for (size_t b = 0; b < blocks; b++) {
        const knn_v4u *v = (const knn_v4u *)(d + b * KNN_BLOCK);
        knn_v4 v0 = v[0], v1 = v[1], v2 = v[2], v3 = v[3];
        knn_v4 p01 = KNN_MIN4(v0, v1), p23 = KNN_MIN4(v2, v3);
        knn_v4 q = KNN_MIN4(p01, p23);
        double m01 = q[0] < q[1] ? q[0] : q[1], m23 = q[2] < q[3] ? q[2] : q[3];
        bmin[b] = m01 < m23 ? m01 : m23;
    }
}
#endif

typedef void knn_slide_fn(double *restrict, const double *restrict, const double *restrict,
                          double, double, size_t);
typedef void knn_mins_fn(const double *, size_t, double *);
static knn_slide_fn *knn_slide_all = knn_slide_all_v2;
static knn_mins_fn *knn_block_mins = knn_block_mins_v2;

static int knn_picked, knn_wide_ok;

/* Points the passes at the four-lane versions (wide, where they exist) or the two-lane ones. */
static void knn_use(int wide) {
    knn_slide_all = knn_slide_all_v2;
    knn_block_mins = knn_block_mins_v2;
#if KNN_WIDE
    if (wide) {
        knn_slide_all = knn_slide_all_v4;
        knn_block_mins = knn_block_mins_v4;
    }
#else
    (void)wide;
#endif
}

/* Picks the widest passes this processor runs, once; both give the same sums and minima. */
static void knn_pick(void) {
    if (knn_picked)
        return;
    knn_picked = 1;
#if KNN_WIDE
    __builtin_cpu_init();
    knn_wide_ok = __builtin_cpu_supports("avx2") != 0;
#endif
    knn_use(knn_wide_ok);
}

int knn_set_portable(int portable) {
    knn_pick();
    knn_use(knn_wide_ok && !portable);
    return knn_wide_ok;
}

/* Brings every D(l) up to the newest value x[0], one term in and one out. */
static void knn_slide(struct knn *k, const double *x) {
    size_t L = k->len, M = k->dcap;
    double in = x[0], out = x[-(ptrdiff_t)L];
    if (M == k->memory && k->count > 2 * L + M) { /* steady state: all gain and lose a term */
        knn_slide_all(k->d, x - (L + M - 1), x - (2 * L + M - 1), in, out, M);
        return;
    }
    for (size_t j = 0; j < M; j++) {
        uint64_t lag = L + j;
        if (lag < k->count) {
            double a = in - x[-(ptrdiff_t)lag];
            *knn_at(k, j) += a * a;
        }
        if (lag + L < k->count) {
            double b = out - x[-(ptrdiff_t)(lag + L)];
            *knn_at(k, j) -= b * b;
        }
    }
}

#if KNN_K != 3
#error "knn_keep3 keeps the three smallest values: KNN_K must be 3"
#endif

/* The three smallest values seen, b[0] <= b[1] <= b[2]: v passes through a min/max network,
 * without branches (the compiler's min and max instructions), so the unpredictable order of
 * the distances costs no mispredictions. */
static inline void knn_keep3(double b[3], double v) {
    double lo = v < b[0] ? v : b[0], hi = v < b[0] ? b[0] : v;
    b[0] = lo;
    lo = hi < b[1] ? hi : b[1];
    hi = hi < b[1] ? b[1] : hi;
    b[1] = lo;
    b[2] = hi < b[2] ? hi : b[2];
}

#define KNN_CAND 64 /* candidates gathered before they are folded into the three smallest */

/* The KNN_K-th smallest of d[0..n), or NAN when n < KNN_K. The minimum of each block of
 * KNN_BLOCK values is found first (a vector pass). At least three values are at most T, the
 * third smallest block minimum, so the three smallest values are all at most T and lie in
 * blocks whose minimum is at most T: only those blocks are read again, and only their values
 * up to T (usually a handful) reach knn_keep3. Each step of knn_keep3 waits for the one before,
 * so the block minima are folded in four independent chains the processor runs side by side. */
static double knn_kth(const double *d, size_t n) {
    double best[3] = {INFINITY, INFINITY, INFINITY}, chain[4][3], cand[KNN_CAND];
    double bmin[KNN_MEMORY_MAX / KNN_BLOCK + 4], t;
    size_t blocks = (n + KNN_BLOCK - 1) / KNN_BLOCK, nc = 0;
    if (n < KNN_K)
        return NAN;
    knn_block_mins(d, n / KNN_BLOCK, bmin);
    if (n % KNN_BLOCK) { /* the last, partial block */
        size_t start = n - n % KNN_BLOCK;
        double m = d[start];
        for (size_t j = start + 1; j < n; j++)
            m = d[j] < m ? d[j] : m;
        bmin[blocks - 1] = m;
    }
    for (int c = 0; c < 4; c++)
        chain[c][0] = chain[c][1] = chain[c][2] = INFINITY;
    for (size_t b = blocks; b % 4; b++)
        bmin[b] = INFINITY; /* pads the last group of four */
    for (size_t b = 0; b < blocks; b += 4)
        for (int c = 0; c < 4; c++)
            knn_keep3(chain[c], bmin[b + (size_t)c]);
    for (int c = 1; c < 4; c++)
        for (int i = 0; i < 3; i++)
            knn_keep3(chain[0], chain[c][i]);
    t = chain[0][2]; /* infinite with fewer than three blocks: all are read */
    for (size_t b = 0; b < blocks; b++) {
        size_t end = (b + 1) * KNN_BLOCK < n ? (b + 1) * KNN_BLOCK : n;
        if (bmin[b] > t)
            continue;
        for (size_t j = b * KNN_BLOCK; j < end; j++) {
            cand[nc] = d[j];
            nc += d[j] <= t; /* kept only if at most t: no branch */
            if (nc == KNN_CAND) {
                for (size_t i = 0; i < nc; i++)
                    knn_keep3(best, cand[i]);
                nc = 0;
            }
        }
    }
    for (size_t i = 0; i < nc; i++)
        knn_keep3(best, cand[i]);
    return best[2];
}

void knn_push(struct knn *k, double x, size_t warmup, double floor_abs, double floor_rel,
              const double *range, struct knn_result *out) {
    const double *h;
    size_t valid;
    double d2, d;

    memset(out, 0, sizeof *out);
    h = knn_append(k, x);
    if (knn_valid(k) > k->dcap)
        knn_grow_d(k, h);
    else if (++k->since_exact >= KNN_EXACT)
        knn_exact(k, h);
    else
        knn_slide(k, h);
    valid = knn_valid(k);
    if (valid < KNN_K || mad_len(&k->scale) < 2) {
        mad_push(&k->scale, x);
        return;
    }
    knn_estimate(k, floor_abs, floor_rel);
    mad_push(&k->scale, x); /* after the estimate: the point is not part of its own yardstick */
    d2 = knn_kth(knn_at(k, valid - 1), valid); /* the `valid` smallest lags, last in d[] */
    d = sqrt(fmax(d2, 0) / (double)k->len) / k->spread;
    if (k->d_n >= KNN_D_WARMUP && valid >= warmup) {
        double sd = sqrt(k->d_var);
        if (sd < KNN_D_SD_MIN)
            sd = KNN_D_SD_MIN;
        out->ready = 1;
        out->distance = d;
        out->score = (d - k->d_mean) / sd;
        if (out->score < 0 || (range && season_outside(x, range[0], range[1]) == 0))
            out->score = 0;
    }
    if (k->d_n++ == 0) {
        k->d_mean = d;
    } else {
        double e = d - k->d_mean;
        k->d_mean += KNN_ALPHA * e;
        k->d_var = (1 - KNN_ALPHA) * (k->d_var + KNN_ALPHA * e * e);
    }
}

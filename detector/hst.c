/* hst.c - see hst.h. */
#include "hst.h"

#include <math.h>
#include <string.h>

#include "xalloc.h"

#define HST_SIZE_LIMIT_DIV 10   /* a node is deep enough to score with >= window/10 points */
#define HST_MEASURE_ALPHA 0.01  /* weight of a new measure in its running mean/variance */
#define HST_MEASURE_WARMUP 50   /* measures seen before standardised scores are given */

static uint64_t hst_mix(uint64_t a, uint64_t b) {
    uint64_t z = a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2));
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

int hst_init(struct hst *h, unsigned trees, unsigned depth, size_t window, uint64_t seed) {
    if (trees < 1 || trees > HST_TREES_MAX || depth < 1 || depth > HST_DEPTH_MAX ||
        window < 2 || window > HST_WINDOW_MAX)
        return -1;
    memset(h, 0, sizeof *h);
    h->trees = trees;
    h->depth = depth;
    h->nodes = ((size_t)1 << (depth + 1)) - 1;
    h->window = window;
    h->seed = seed;
    h->r = xcalloc(trees * h->nodes, sizeof *h->r);
    h->l = xcalloc(trees * h->nodes, sizeof *h->l);
    for (int q = 0; q < HST_DIMS; q++) {
        h->cur_lo[q] = INFINITY;
        h->cur_hi[q] = -INFINITY;
    }
    return 0;
}

void hst_clear(struct hst *h) {
    xfree(h->r);
    xfree(h->l);
    h->r = h->l = NULL;
}

/* The workspace of tree t in dimension q: centred on a random s in [0, 1], wide enough that
 * every scaled point of the reference window falls inside. */
static void hst_workspace(const struct hst *h, unsigned t, int q, double *lo, double *hi) {
    double s = (double)(hst_mix(h->seed, (uint64_t)t * 131 + (uint64_t)q) >> 11) * 0x1.0p-53;
    double w = 2 * fmax(s, 1 - s);
    *lo = s - w;
    *hi = s + w;
}

static void hst_scale(const struct hst *h, const double *f, double *out) {
    for (int q = 0; q < HST_DIMS; q++) {
        double span = h->ref_hi[q] - h->ref_lo[q];
        out[q] = span > 0 ? (f[q] - h->ref_lo[q]) / span : 0.5;
    }
}

/* Walks tree t with scaled point p: counts it into l along the path; returns its r-mass term. */
static double hst_walk(struct hst *h, unsigned t, const double *p, int count) {
    double lo[HST_DIMS], hi[HST_DIMS], term = 0;
    size_t node = 0, base = (size_t)t * h->nodes;
    size_t limit = h->window / HST_SIZE_LIMIT_DIV;
    int scored = 0;

    for (int q = 0; q < HST_DIMS; q++)
        hst_workspace(h, t, q, &lo[q], &hi[q]);
    for (unsigned k = 0;; k++) {
        if (count && h->l[base + node] < UINT16_MAX)
            h->l[base + node]++;
        /* the mass is that of the deepest node still holding `limit` points: the walk stops
         * scoring at the first node below it, or at the bottom */
        if (!scored) {
            if (h->r[base + node] >= limit)
                term = (double)h->r[base + node] * ldexp(1.0, (int)k);
            scored = k == h->depth || h->r[base + node] < limit;
        }
        if (k == h->depth)
            break;
        {
            int q = (int)(hst_mix(h->seed ^ 0x5bd1e995ULL, base + node) % HST_DIMS);
            double mid = (lo[q] + hi[q]) / 2;
            if (p[q] < mid) {
                hi[q] = mid;
                node = 2 * node + 1;
            } else {
                lo[q] = mid;
                node = 2 * node + 2;
            }
        }
    }
    return term;
}

static void hst_rollover(struct hst *h) {
    memcpy(h->r, h->l, h->trees * h->nodes * sizeof *h->r);
    memset(h->l, 0, h->trees * h->nodes * sizeof *h->l);
    for (int q = 0; q < HST_DIMS; q++) {
        h->ref_lo[q] = h->cur_lo[q];
        h->ref_hi[q] = h->cur_hi[q];
        h->cur_lo[q] = INFINITY;
        h->cur_hi[q] = -INFINITY;
    }
    h->filled = 0;
    if (h->have_ref < 2)
        h->have_ref++;
}

void hst_push(struct hst *h, double x, struct hst_result *out) {
    double f[HST_DIMS] = {x, h->has_prev ? x - h->prev : 0}, p[HST_DIMS], mass = 0;

    memset(out, 0, sizeof *out);
    h->prev = x;
    h->has_prev = 1;
    /* window 1 learns the scaling, window 2 the first masses; scores start in window 3 */
    if (h->have_ref >= 1) {
        hst_scale(h, f, p);
        for (unsigned t = 0; t < h->trees; t++)
            mass += hst_walk(h, t, p, 1);
    }
    if (h->have_ref >= 2) {
        out->measure = -log2(mass / h->trees + 1);
        if (h->a_n >= HST_MEASURE_WARMUP) {
            double sd = sqrt(h->a_var);
            out->ready = 1;
            out->score = sd > 1e-12 ? (out->measure - h->a_mean) / sd : 0;
        }
        /* running statistics of the measure: West's exponentially weighted update */
        if (h->a_n++ == 0) {
            h->a_mean = out->measure;
        } else {
            double d = out->measure - h->a_mean;
            h->a_mean += HST_MEASURE_ALPHA * d;
            h->a_var = (1 - HST_MEASURE_ALPHA) * (h->a_var + HST_MEASURE_ALPHA * d * d);
        }
    }
    for (int q = 0; q < HST_DIMS; q++) {
        h->cur_lo[q] = fmin(h->cur_lo[q], f[q]);
        h->cur_hi[q] = fmax(h->cur_hi[q], f[q]);
    }
    if (++h->filled >= h->window)
        hst_rollover(h);
}

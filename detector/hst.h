/* hst.h - half-space trees (Tan, Ting & Liu, 2011), the streaming relative of the isolation
 * forest, over two features of each point: its value and its change from the previous point,
 * each scaled by the range seen in the reference window.
 * T complete binary trees of depth D split the (scaled) feature space in halves at random
 * dimensions; each node counts the points that passed through it in the reference window (r) and
 * in the window being filled (l); every `window` points l becomes r. A point's mass is, summed
 * over trees, r at the deepest node on its path that still holds at least window/10 points,
 * times 2^depth: points in sparse regions have low mass. The anomaly measure -log2(mass) is
 * standardised against its own recent values, so the threshold reads like a z-score.
 * The trees' shapes come from the seed alone (hashed on demand), so a series stores only its
 * counts: 2 * T * (2^(D+1) - 1) 16-bit counters.
 * Pure: no I/O; allocates only in hst_init(). */
#ifndef BLIP_HST_H
#define BLIP_HST_H
#include <stddef.h>
#include <stdint.h>

#define HST_DIMS 2
#define HST_TREES_MAX 64
#define HST_DEPTH_MAX 12
#define HST_WINDOW_MAX 65535 /* masses are 16-bit */

struct hst {
    uint16_t *r, *l;      /* trees * nodes counters each, owned */
    unsigned trees, depth;
    size_t nodes;         /* per tree: 2^(depth+1) - 1 */
    size_t window;        /* points per mass window */
    size_t filled;        /* points in the current l window */
    int have_ref;         /* windows completed, up to 2: scaling known (1), masses known (2) */
    uint64_t seed;
    double ref_lo[HST_DIMS], ref_hi[HST_DIMS]; /* scaling from the reference window */
    double cur_lo[HST_DIMS], cur_hi[HST_DIMS]; /* ranges seen in the current window */
    double prev;          /* previous value */
    int has_prev;
    double a_mean, a_var; /* running mean and variance of the anomaly measure */
    uint64_t a_n;
};

struct hst_result {
    int ready;
    double score;    /* standardised anomaly measure; high = unusual */
    double measure;  /* -log2 of the mean mass per tree */
};

/* Returns 0, or -1 if trees, depth or window are out of range (h untouched). */
int hst_init(struct hst *h, unsigned trees, unsigned depth, size_t window, uint64_t seed);
void hst_clear(struct hst *h);
void hst_push(struct hst *h, double x, struct hst_result *out);
#endif

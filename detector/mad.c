/* mad.c - see mad.h. */
#include "mad.h"

#include <math.h>

int mad_init(struct mad *m, size_t cap) {
    if (rb_init(&m->ring, cap) != 0)
        return -1;
    if (ost_init(&m->set, cap) != 0) {
        rb_clear(&m->ring);
        return -1;
    }
    return 0;
}

void mad_clear(struct mad *m) {
    rb_clear(&m->ring);
    ost_clear(&m->set);
}

void mad_reset(struct mad *m) {
    rb_reset(&m->ring);
    ost_reset(&m->set);
}

void mad_push(struct mad *m, double x) {
    double old;
    if (rb_push(&m->ring, x, &old))
        ost_erase(&m->set, old);
    ost_insert(&m->set, x);
}

double mad_median(const struct mad *m) {
    size_t n = ost_size(&m->set);
    if (n == 0)
        return 0;
    if (n % 2)
        return ost_select(&m->set, n / 2);
    return (ost_select(&m->set, n / 2 - 1) + ost_select(&m->set, n / 2)) / 2;
}

double mad_quantile(const struct mad *m, double q) {
    size_t n = ost_size(&m->set), k;
    if (n == 0)
        return 0;
    if (q <= 0)
        return ost_select(&m->set, 0);
    if (q >= 1)
        return ost_select(&m->set, n - 1);
    k = (size_t)ceil(q * (double)n); /* nearest rank: the ceil(q * n)-th smallest, 1-based */
    return ost_select(&m->set, k < 1 ? 0 : k <= n ? k - 1 : n - 1);
}

/* Distances from med, in two ascending runs: above (keys >= med, i-th is key[r + i] - med) and
 * below (keys < med, j-th is med - key[r - 1 - j]), r = keys below med. */
struct mad_runs {
    const struct ost *set;
    double med;
    size_t r, na, nb;
};

static double mad_above(const struct mad_runs *u, size_t i) {
    return ost_select(u->set, u->r + i) - u->med;
}

static double mad_below(const struct mad_runs *u, size_t j) {
    return u->med - ost_select(u->set, u->r - 1 - j);
}

/* The k-th smallest (0-based) of the union of the two runs: bisect on how many come from
 * `above`, as in the classic k-th of two sorted arrays. */
static double mad_kth(const struct mad_runs *u, size_t k) {
    size_t lo = k + 1 > u->nb ? k + 1 - u->nb : 0;
    size_t hi = k + 1 < u->na ? k + 1 : u->na;
    while (lo <= hi) {
        size_t i = lo + (hi - lo) / 2; /* take i from above, k + 1 - i from below */
        size_t j = k + 1 - i;
        if (i > 0 && j < u->nb && mad_above(u, i - 1) > mad_below(u, j)) {
            hi = i - 1;
        } else if (j > 0 && i < u->na && mad_below(u, j - 1) > mad_above(u, i)) {
            lo = i + 1;
        } else {
            double a = i > 0 ? mad_above(u, i - 1) : -1;
            double b = j > 0 ? mad_below(u, j - 1) : -1;
            return a > b ? a : b;
        }
    }
    return 0; /* unreachable for 0 <= k < na + nb */
}

static void mad_runs_init(const struct mad *m, struct mad_runs *u) {
    size_t n = ost_size(&m->set);
    u->set = &m->set;
    u->med = mad_median(m);
    u->r = ost_rank(&m->set, u->med);
    u->nb = u->r;
    u->na = n - u->r;
}

double mad_mad(const struct mad *m) {
    struct mad_runs u;
    size_t n = ost_size(&m->set);
    if (n == 0)
        return 0;
    mad_runs_init(m, &u);
    if (n % 2)
        return mad_kth(&u, n / 2);
    return (mad_kth(&u, n / 2 - 1) + mad_kth(&u, n / 2)) / 2;
}

double mad_dev_quantile(const struct mad *m, double q) {
    struct mad_runs u;
    size_t n = ost_size(&m->set), k;
    if (n == 0)
        return 0;
    mad_runs_init(m, &u);
    k = (size_t)ceil(q * (double)n); /* nearest rank: the ceil(q * n)-th smallest, 1-based */
    return mad_kth(&u, k < 1 ? 0 : k <= n ? k - 1 : n - 1);
}

/* metrics.c - see metrics.h. */
#include "metrics.h"

#include <math.h>

#define METRICS_NAB_TP 1.0
#define METRICS_NAB_FP 0.11
#define METRICS_NAB_FN 1.0

double metrics_precision(uint64_t tp, uint64_t fp) {
    return tp + fp ? (double)tp / (double)(tp + fp) : 0;
}

double metrics_recall(uint64_t tp, uint64_t fn) {
    return tp + fn ? (double)tp / (double)(tp + fn) : 0;
}

double metrics_f1(double p, double r) { return p + r > 0 ? 2 * p * r / (p + r) : 0; }

int metrics_size_bucket(double sds) {
    if (sds < 2)
        return 0;
    if (sds < 4)
        return 1;
    if (sds < 8)
        return 2;
    return 3;
}

void metrics_points_add(struct metrics_points *m, size_t n, const unsigned char *flag,
                        const unsigned char *label, const unsigned char *steady,
                        const double *size) {
    for (size_t i = 0; i < n; i++) {
        if (label[i]) {
            int b = metrics_size_bucket(size[i]);
            m->by_size[b]++;
            if (flag[i]) {
                m->tp++;
                m->hit_by_size[b]++;
            } else {
                m->fn++;
            }
            continue;
        }
        if (flag[i])
            m->fp++;
        if (steady[i]) {
            m->steady++;
            m->steady_fp += flag[i] != 0;
        }
    }
}

static double metrics_sigmoid(double y) { return 2.0 / (1.0 + exp(5.0 * y)) - 1.0; }

void metrics_windows_add(struct metrics_windows *m, size_t n, const unsigned char *flag,
                         const struct metrics_window *w, size_t nw, size_t probation) {
    size_t k = 0; /* the first window that does not end before row i */
    int hit = 0;  /* window k already has its flag */

    for (size_t j = 0; j < nw; j++) {
        if (w[j].end < probation)
            continue;
        m->windows++;
        m->nab_null -= METRICS_NAB_FN;
        m->nab_perfect += METRICS_NAB_TP * metrics_sigmoid(-1.0);
    }
    for (size_t i = probation; i < n; i++) {
        while (k < nw && w[k].end < i) {
            if (!hit && w[k].end >= probation)
                m->nab_raw -= METRICS_NAB_FN;
            k++;
            hit = 0;
        }
        if (!flag[i])
            continue;
        m->flags++;
        if (k < nw && i >= w[k].start) {
            double len = (double)(w[k].end - w[k].start + 1);
            if (!hit) {
                hit = 1;
                m->detected++;
                m->delay_sum += (double)(i - w[k].start);
                /* y = -1 on the window's first row (what nab_perfect counts), -1/len on its last */
                m->nab_raw +=
                    METRICS_NAB_TP * metrics_sigmoid(-(double)(w[k].end - i + 1) / len);
            }
            continue;
        }
        m->fp++;
        if (k > 0) {
            const struct metrics_window *prev = &w[k - 1];
            double len = (double)(prev->end - prev->start + 1);
            m->nab_raw += METRICS_NAB_FP * metrics_sigmoid((double)(i - prev->end) / len);
        } else {
            m->nab_raw -= METRICS_NAB_FP;
        }
    }
    for (; k < nw; k++) {
        if (!(k < nw && hit) && w[k].end >= probation)
            m->nab_raw -= METRICS_NAB_FN;
        hit = 0;
    }
}

double metrics_nab_score(const struct metrics_windows *m) {
    double span = m->nab_perfect - m->nab_null;
    return span > 0 ? 100.0 * (m->nab_raw - m->nab_null) / span : 0;
}

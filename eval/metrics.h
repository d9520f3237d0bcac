/* metrics.h - scoring a detector's flags against ground truth.
 * Point labels (the generator's spikes): precision, recall, F1, recall by spike size, false
 * alarms per 1000 steady points. Labelled windows (level shifts; NAB-format corpora): windows
 * detected, false alarms outside windows, detection delay, and a NAB-style score.
 * Pure: arrays in, numbers out. */
#ifndef BLIP_METRICS_H
#define BLIP_METRICS_H
#include <stddef.h>
#include <stdint.h>

#define METRICS_SIZE_BUCKETS 4 /* spike size in noise SDs: <2, 2-4, 4-8, >=8 */

struct metrics_points {
    uint64_t tp, fp, fn;   /* flagged spikes, flagged non-spikes, missed spikes */
    uint64_t steady;       /* non-spike points in steady phases */
    uint64_t steady_fp;    /* of which flagged */
    uint64_t by_size[METRICS_SIZE_BUCKETS], hit_by_size[METRICS_SIZE_BUCKETS];
};

/* One labelled window, as row indexes [start, end] inclusive. */
struct metrics_window {
    size_t start, end;
};

struct metrics_windows {
    uint64_t windows;      /* windows scored (those after the probation period) */
    uint64_t detected;     /* windows with a flag inside */
    uint64_t fp;           /* flags outside every window, after the probation period */
    uint64_t flags;        /* flags after the probation period */
    double delay_sum;      /* rows from window start to first flag, summed over detected */
    double nab_raw;        /* NAB-style raw score (standard profile) */
    double nab_null;       /* raw score of a detector that never flags */
    double nab_perfect;    /* raw score of one that flags every window at its start */
};

/* Adds one run: flag[i], label[i] (1 = spike), steady[i] (1 = a steady phase), size[i] (the
 * spike's size in noise SDs, when label[i]). */
void metrics_points_add(struct metrics_points *m, size_t n, const unsigned char *flag,
                        const unsigned char *label, const unsigned char *steady,
                        const double *size);
double metrics_precision(uint64_t tp, uint64_t fp);
double metrics_recall(uint64_t tp, uint64_t fn);
double metrics_f1(double precision, double recall);
int metrics_size_bucket(double sds);

/* Adds one labelled series of n rows with nw windows (sorted, disjoint). Flags in the first
 * `probation` rows are ignored (NAB ignores its first 15%). NAB-style score, standard profile:
 * the first flag in a window earns 2/(1+e^(5y)) - 1 with y in [-1, 0] its relative position
 * (earlier is better); a missed window costs 1; a flag outside windows costs 0.11, scaled by
 * the same sigmoid of its distance past the previous window (the full 0.11 with none before). */
void metrics_windows_add(struct metrics_windows *m, size_t n, const unsigned char *flag,
                         const struct metrics_window *w, size_t nw, size_t probation);
/* 100 * (raw - null) / (perfect - null): 0 never flags, 100 is perfect. */
double metrics_nab_score(const struct metrics_windows *m);
#endif

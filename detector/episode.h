/* episode.h - turning per-point verdicts into episodes a person can act on.
 * A run of deviating points (|score| >= threshold) opens an episode once it has lasted
 * min_duration points; the episode stays open while |score| stays at or above the lower end
 * threshold (hysteresis), tolerating `gap` quieter points, and then closes. After a close, no new
 * episode opens for `cooldown` points unless its severity is above the last episode's peak.
 * Severity may rise within an episode (an update), never fall. A change-point verdict (lag > 0)
 * starts its run where the change began, `lag` points before it.
 * What is reported ("flagged"): with EPISODE_REPORT_EPISODES, the point that opens an episode (a
 * rise in severity is an update event, not another report); with EPISODE_REPORT_POINTS, every
 * deviating point of an open episode. Pure: no I/O, no clock, no allocation. */
#ifndef BLIP_EPISODE_H
#define BLIP_EPISODE_H
#include <stddef.h>
#include <stdint.h>

#include "codec.h"
#include "score.h"

#define EPISODE_DURATION_MAX 1000000 /* largest --min-duration, --cooldown and --gap */

enum episode_report { EPISODE_REPORT_EPISODES, EPISODE_REPORT_POINTS, EPISODE_REPORT_COUNT };

struct episode_params {
    unsigned min_duration; /* deviating points in a row before an episode opens, >= 1 */
    unsigned cooldown;     /* points after a close during which no episode opens, unless worse */
    unsigned gap;          /* points below the end threshold an open episode tolerates */
    double end_ratio;      /* end threshold = end_ratio * threshold, in (0, 1] */
    enum episode_report report;
};

enum episode_event { EPISODE_NONE, EPISODE_OPEN, EPISODE_UPDATE, EPISODE_CLOSE };

struct episode_state {
    int open;                /* an episode is open */
    uint64_t id;             /* number of the current or last episode, from 1 */
    uint64_t index;          /* points pushed so far, with a verdict or not */
    uint64_t run_start;      /* index of the first point of the current deviating run */
    int64_t run_start_ts;    /* its ts (Unix ms, 0 if unknown) */
    unsigned run;            /* deviating points in a row so far */
    double run_peak;         /* the run's signed score with the largest magnitude */
    enum severity run_severity; /* the run's highest severity */
    unsigned quiet;          /* points in a row below the end threshold while open */
    unsigned cooldown_left;  /* points of cooldown still to go */
    enum severity last_peak; /* peak severity of the last closed episode (for the cooldown) */
    /* the current (or last) episode */
    uint64_t start_index, end_index;
    int64_t start_ts, end_ts;
    double peak_score;       /* signed score with the largest magnitude */
    enum severity severity;  /* highest severity so far */
    uint64_t points;         /* points in the episode */
    uint64_t deviating;      /* of which deviating */
};

/* What one point did. */
struct episode_out {
    int flagged;              /* report this point (anomalies channel, offline anomaly = 1) */
    enum episode_event event; /* EPISODE_NONE, or the episode event this point caused */
};

/* Defaults: min_duration 1, cooldown 0, gap 0, end_ratio 1 (no hysteresis), report points: the
 * behaviour of a plain per-point detector. */
void episode_params_default(struct episode_params *p);
/* Returns 0, or -1 with the reason in err. */
int episode_params_check(const struct episode_params *p, char *err, size_t errlen);

void episode_init(struct episode_state *st);

/* Feeds one verdict (v->ready 0 during warm-up: nothing happens) with the point's ts (0 if
 * unknown) and the threshold it was judged with. */
void episode_push(struct episode_state *st, const struct episode_params *p, const struct verdict *v,
                  double threshold, int64_t ts, struct episode_out *out);

/* Writes the episode event message into out (at least CODEC_OUT_MAX bytes):
 * {"event":"open","series":"web","episode":3,"detector":"sma","start_ts":...,"end_ts":...,
 *  "peak_score":...,"severity":"high","points":12,"deviating":9}; unknown ts are null. Returns
 * the length. */
size_t episode_encode(const struct episode_state *st, enum episode_event ev, const char *series,
                      const char *detector, char *out);

const char *episode_event_name(enum episode_event e); /* "open", "update", "close" */
const char *episode_report_name(enum episode_report r); /* "episodes", "points" */
int episode_report_parse(const char *s, enum episode_report *out);
#endif

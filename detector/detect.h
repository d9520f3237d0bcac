/* detect.h - the detector's core, shared by the live loop and the offline CSV mode: a point goes
 * in, its series' state is updated, and the verdict (with the anomaly message's content when it is
 * flagged) comes out. Pure: no I/O, no clock. */
#ifndef BLIP_DETECT_H
#define BLIP_DETECT_H
#include <stdint.h>

#include "codec.h"
#include "score.h"
#include "series.h"

struct detect {
    struct score_params params; /* applied to every new series */
    struct series_table table;  /* owned */
    uint64_t points;            /* points scored */
    uint64_t anomalies[SEV_COUNT]; /* flagged points by severity (index SEV_NONE unused) */
};

/* Returns 0, or -1 with the reason in err if params are invalid. */
int detect_init(struct detect *d, const struct score_params *params, size_t max_series, char *err,
                size_t errlen);
void detect_clear(struct detect *d); /* safe to call twice */

/* Scores p (a decoded point with a finite value). Fills v; when v->anomaly, also fills *a with the
 * anomaly message (a may be NULL when the caller does not need it). */
void detect_push(struct detect *d, const struct point *p, struct verdict *v, struct anomaly *a);

uint64_t detect_anomalies_total(const struct detect *d);
#endif

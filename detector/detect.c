/* detect.c - see detect.h. */
#include "detect.h"

#include <string.h>

int detect_init(struct detect *d, const struct score_params *params, size_t max_series, char *err,
                size_t errlen) {
    memset(d, 0, sizeof *d);
    if (score_params_check(params, err, errlen) != 0)
        return -1;
    d->params = *params;
    series_table_init(&d->table, max_series);
    return 0;
}

void detect_clear(struct detect *d) { series_table_clear(&d->table); }

void detect_push(struct detect *d, const struct point *p, struct verdict *v, struct anomaly *a) {
    struct series *s = series_get(&d->table, p->series, strlen(p->series), &d->params, NULL);
    const char *name;
    size_t len;

    if (!s) { /* params were checked in detect_init, so this is unreachable; keep it harmless */
        memset(v, 0, sizeof *v);
        return;
    }
    score_push(&s->score, &d->params, p->value, v);
    s->points++;
    s->last = p->value;
    d->points++;
    if (!v->anomaly)
        return;
    s->anomalies++;
    d->anomalies[v->severity]++;
    if (!a)
        return;
    a->pt = *p;
    name = score_algo_name(d->params.algo);
    len = strlen(name);
    if (len > CODEC_DETECTOR_MAX)
        len = CODEC_DETECTOR_MAX;
    memcpy(a->detector, name, len);
    a->detector[len] = '\0';
    a->score = v->score;
    a->mean = v->mean;
    a->std = v->std;
    a->threshold = d->params.threshold;
    a->severity = v->severity;
}

uint64_t detect_anomalies_total(const struct detect *d) {
    uint64_t n = 0;
    for (int i = SEV_LOW; i < SEV_COUNT; i++)
        n += d->anomalies[i];
    return n;
}

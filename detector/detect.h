/* detect.h - the detector's core, shared by the live loop and the offline CSV mode: a point goes
 * in, its series' state is updated, and out come the verdict, what the episode layer made of it,
 * and (when the point is flagged) the anomaly message's content.
 * Settings are global, or per series when changed at run time (detect_configure); a series keeps
 * its settings across eviction. Pure: no I/O, no clock. */
#ifndef BLIP_DETECT_H
#define BLIP_DETECT_H
#include <stdint.h>

#include "codec.h"
#include "episode.h"
#include "score.h"
#include "series.h"

#define DETECT_OVERRIDES_MAX 10000 /* series with settings of their own */

/* The settings a series is scored with. */
struct detect_conf {
    struct score_params score;
    struct episode_params episode;
};

struct detect_override {
    char name[CODEC_SERIES_MAX + 1];
    struct detect_conf conf;
    struct detect_override *next;
};

struct detect {
    struct detect_conf conf;           /* global settings */
    struct detect_override *overrides; /* per-series settings, owned */
    size_t noverrides;
    struct series_table table;         /* owned */
    uint64_t points;                   /* points scored */
    uint64_t deviating;                /* points with |score| >= threshold */
    uint64_t flagged[SEV_COUNT];       /* points reported, by severity */
    uint64_t episodes;                 /* episodes opened */
    uint64_t rejected;                 /* points with a non-finite value, not scored */
};

/* What one point did. */
struct detect_result {
    struct verdict v;
    struct episode_out ep;
    const struct series *series; /* borrowed: valid until the next detect_push/configure */
};

/* Fills c with the defaults of algo: its scoring defaults (score_params_default) and the
 * episode layer's defaults for blip-detector (reporting episodes). */
void detect_conf_default(struct detect_conf *c, enum score_algo algo);

/* Returns 0, or -1 with the reason in err if conf is invalid. */
int detect_init(struct detect *d, const struct detect_conf *conf, size_t max_series, char *err,
                size_t errlen);
void detect_clear(struct detect *d); /* safe to call twice */

/* Scores p. Fills r; when r->ep.flagged and a is not NULL, fills *a with the anomaly message.
 * A non-finite value is counted in rejected and changes nothing (r->v.ready is 0). */
void detect_push(struct detect *d, const struct point *p, struct detect_result *r,
                 struct anomaly *a);

/* The settings series `name` is scored with (the global ones when it has none of its own). */
const struct detect_conf *detect_conf_of(const struct detect *d, const char *name);

/* Replaces the settings of series `name`, or with name NULL the global settings and every
 * series' own. Series whose scoring settings change restart their state (a new warm-up).
 * Returns 0, or -1 with the reason in err (nothing changed). */
int detect_configure(struct detect *d, const char *name, const struct detect_conf *conf,
                     char *err, size_t errlen);

uint64_t detect_flagged_total(const struct detect *d);
#endif

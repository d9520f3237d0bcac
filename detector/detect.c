/* detect.c - see detect.h. */
#include "detect.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "xalloc.h"

static int detect_conf_check(const struct detect_conf *c, char *err, size_t errlen) {
    if (score_params_check(&c->score, err, errlen) != 0)
        return -1;
    return episode_params_check(&c->episode, err, errlen);
}

void detect_conf_default(struct detect_conf *c, enum score_algo algo) {
    /* points of cooldown after an episode, per algorithm: from `make eval` like the scoring
     * defaults; the detectors that flag single points need it most */
    static const unsigned cooldown[SCORE_ALGO_COUNT] = {
        [SCORE_SMA] = 300, [SCORE_EMA] = 300, [SCORE_MAD] = 300,  [SCORE_CUSUM] = 100,
        [SCORE_HST] = 300, [SCORE_RESID] = 100, [SCORE_KNN] = 300,
    };
    score_params_default(&c->score, algo);
    episode_params_default(&c->episode);
    c->episode.report = EPISODE_REPORT_EPISODES;
    c->episode.cooldown = (unsigned)algo < SCORE_ALGO_COUNT ? cooldown[algo] : 0;
}

int detect_init(struct detect *d, const struct detect_conf *conf, size_t max_series, char *err,
                size_t errlen) {
    memset(d, 0, sizeof *d);
    if (detect_conf_check(conf, err, errlen) != 0)
        return -1;
    d->conf = *conf;
    series_table_init(&d->table, max_series);
    return 0;
}

void detect_clear(struct detect *d) {
    struct detect_override *o = d->overrides;
    while (o) {
        struct detect_override *next = o->next;
        xfree(o);
        o = next;
    }
    d->overrides = NULL;
    d->noverrides = 0;
    series_table_clear(&d->table);
}

static struct detect_override *detect_override_find(const struct detect *d, const char *name) {
    for (struct detect_override *o = d->overrides; o; o = o->next)
        if (strcmp(o->name, name) == 0)
            return o;
    return NULL;
}

const struct detect_conf *detect_conf_of(const struct detect *d, const char *name) {
    const struct detect_override *o = name ? detect_override_find(d, name) : NULL;
    return o ? &o->conf : &d->conf;
}

/* Points s at its settings and restarts its state if the scoring settings changed. */
static void detect_rebind(struct detect *d, struct series *s) {
    const struct detect_conf *c = detect_conf_of(d, s->name);
    int restart = memcmp(&c->score, &s->params, sizeof c->score) != 0;
    s->conf = c;
    if (restart) {
        score_clear(&s->score);
        score_init(&s->score, &c->score); /* checked in detect_configure */
        s->params = c->score;
        s->mean = s->std = NAN;
        episode_init(&s->ep);
    }
}

int detect_configure(struct detect *d, const char *name, const struct detect_conf *conf,
                     char *err, size_t errlen) {
    struct detect_override *o;

    if (detect_conf_check(conf, err, errlen) != 0)
        return -1;
    if (!name) {
        d->conf = *conf;
        for (o = d->overrides; o; o = o->next)
            o->conf = *conf;
    } else {
        o = detect_override_find(d, name);
        if (!o) {
            if (d->noverrides >= DETECT_OVERRIDES_MAX) {
                snprintf(err, errlen, "too many series with their own settings (%d)",
                         DETECT_OVERRIDES_MAX);
                return -1;
            }
            o = xcalloc(1, sizeof *o);
            snprintf(o->name, sizeof o->name, "%s", name);
            o->next = d->overrides;
            d->overrides = o;
            d->noverrides++;
        }
        o->conf = *conf;
    }
    for (struct series *s = d->table.newest; s; s = s->older)
        detect_rebind(d, s);
    return 0;
}

static struct series *detect_series(struct detect *d, const struct point *p) {
    int created = 0;
    size_t len = strlen(p->series);
    const struct detect_conf *c = d->noverrides ? detect_conf_of(d, p->series) : &d->conf;
    struct series *s = series_get(&d->table, p->series, len, &c->score, &created);
    if (s && created) {
        s->conf = c;
        s->params = c->score;
        s->mean = s->std = NAN;
        episode_init(&s->ep);
    }
    return s;
}

void detect_push(struct detect *d, const struct point *p, struct detect_result *r,
                 struct anomaly *a) {
    struct series *s = detect_series(d, p);
    int64_t ts = (p->has & CODEC_HAS_TS) ? p->ts : 0;
    const char *name;
    size_t len;

    memset(r, 0, sizeof *r);
    if (!s) /* settings are checked before they are stored, so this cannot happen */
        return;
    if (!isfinite(p->value)) {
        /* the codec and the CSV reader refuse these; a caller that did not is counted here,
         * and the series' state is left as it was */
        d->rejected++;
        r->series = s;
        return;
    }
    r->series = s;
    score_push(&s->score, &s->params, p->value, ts, &r->v);
    episode_push(&s->ep, &s->conf->episode, &r->v, s->params.threshold, ts, &r->ep);
    s->points++;
    s->last = p->value;
    if (r->v.ready) {
        s->mean = r->v.mean;
        s->std = r->v.std;
    }
    d->points++;
    if (r->v.anomaly)
        d->deviating++;
    if (r->ep.event == EPISODE_OPEN)
        d->episodes++;
    if (!r->ep.flagged)
        return;
    s->anomalies++;
    d->flagged[r->v.severity]++;
    if (!a)
        return;
    a->pt = *p;
    name = score_algo_name(s->params.algo);
    len = strlen(name);
    if (len > CODEC_DETECTOR_MAX)
        len = CODEC_DETECTOR_MAX;
    memcpy(a->detector, name, len); /* no snprintf on the hot path */
    a->detector[len] = '\0';
    a->score = r->v.score;
    a->mean = r->v.mean;
    a->std = r->v.std;
    a->threshold = s->params.threshold;
    a->severity = r->v.severity;
}

uint64_t detect_flagged_total(const struct detect *d) {
    uint64_t n = 0;
    for (int i = SEV_LOW; i < SEV_COUNT; i++)
        n += d->flagged[i];
    return n;
}

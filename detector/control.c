/* control.c - see control.h. */
#include "control.h"

#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

enum control_kind { CTL_ALGO, CTL_SIZE, CTL_DOUBLE, CTL_UINT, CTL_REPORT, CTL_END };

struct control_field {
    const char *name;
    enum control_kind kind;
    double min, max;
};

static const struct control_field control_fields[] = {
    {"algo", CTL_ALGO, 0, 0},
    {"window", CTL_SIZE, SCORE_WINDOW_MIN, SCORE_WINDOW_MAX},
    {"warmup", CTL_SIZE, 1, SCORE_WINDOW_MAX},
    {"threshold", CTL_DOUBLE, 1e-6, 1e6},
    {"alpha", CTL_DOUBLE, 1e-6, 1},
    {"min_std", CTL_DOUBLE, 0, 1e12},
    {"cusum_k", CTL_DOUBLE, 0, 100},
    {"hst_trees", CTL_UINT, 1, HST_TREES_MAX},
    {"hst_depth", CTL_UINT, 1, HST_DEPTH_MAX},
    {"min_duration", CTL_UINT, 1, EPISODE_DURATION_MAX},
    {"cooldown", CTL_UINT, 0, EPISODE_DURATION_MAX},
    {"gap", CTL_UINT, 0, EPISODE_DURATION_MAX},
    {"end_threshold", CTL_END, 1e-6, 1e6},
    {"report", CTL_REPORT, 0, 0},
};
#define CONTROL_NFIELDS (sizeof control_fields / sizeof control_fields[0])

static const struct control_field *control_field_find(const char *name) {
    for (size_t i = 0; i < CONTROL_NFIELDS; i++)
        if (strcmp(control_fields[i].name, name) == 0)
            return &control_fields[i];
    return NULL;
}

/* Stores one field's value into c. end_threshold is applied later, once threshold is known. */
static int control_set(const struct control_field *f, const cJSON *v, struct detect_conf *c,
                       double *end_threshold, char *err, size_t errlen) {
    enum score_algo algo;
    enum episode_report rep;
    double d;

    if (f->kind == CTL_ALGO || f->kind == CTL_REPORT) {
        if (!cJSON_IsString(v))
            return snprintf(err, errlen, "%s: expected a string", f->name), -1;
        if (f->kind == CTL_ALGO) {
            if (score_algo_parse(v->valuestring, &algo) != 0)
                return snprintf(err, errlen, "algo: expected sma|ema|mad|cusum|hst|resid|knn, got \"%.40s\"",
                                v->valuestring),
                       -1;
            {
                /* a new algorithm starts from that algorithm's defaults */
                struct score_params np;
                score_params_default(&np, algo);
                np.min_std = c->score.min_std;
                c->score = np;
            }
            return 0;
        }
        if (episode_report_parse(v->valuestring, &rep) != 0)
            return snprintf(err, errlen, "report: expected episodes|points, got \"%.40s\"",
                            v->valuestring),
                   -1;
        c->episode.report = rep;
        return 0;
    }
    if (!cJSON_IsNumber(v))
        return snprintf(err, errlen, "%s: expected a number", f->name), -1;
    d = v->valuedouble;
    if (!isfinite(d) || d < f->min || d > f->max ||
        (f->kind != CTL_DOUBLE && f->kind != CTL_END && d != floor(d)))
        return snprintf(err, errlen, "%s: expected %s %g..%g, got %g", f->name,
                        f->kind == CTL_DOUBLE || f->kind == CTL_END ? "a number" : "an integer",
                        f->min, f->max, d),
               -1;
    if (strcmp(f->name, "window") == 0) {
        if (c->score.warmup == c->score.window || c->score.warmup > (size_t)d)
            c->score.warmup = (size_t)d; /* a warm-up that followed the window keeps following */
        c->score.window = (size_t)d;
    } else if (strcmp(f->name, "warmup") == 0) {
        c->score.warmup = (size_t)d;
    } else if (strcmp(f->name, "threshold") == 0) {
        c->score.threshold = d;
    } else if (strcmp(f->name, "alpha") == 0) {
        c->score.alpha = d;
    } else if (strcmp(f->name, "min_std") == 0) {
        c->score.min_std = d;
    } else if (strcmp(f->name, "cusum_k") == 0) {
        c->score.cusum_k = d;
    } else if (strcmp(f->name, "hst_trees") == 0) {
        c->score.hst_trees = (unsigned)d;
    } else if (strcmp(f->name, "hst_depth") == 0) {
        c->score.hst_depth = (unsigned)d;
    } else if (strcmp(f->name, "min_duration") == 0) {
        c->episode.min_duration = (unsigned)d;
    } else if (strcmp(f->name, "cooldown") == 0) {
        c->episode.cooldown = (unsigned)d;
    } else if (strcmp(f->name, "gap") == 0) {
        c->episode.gap = (unsigned)d;
    } else {
        *end_threshold = d;
    }
    return 0;
}

/* Applies the settable fields of object o (others are errors unless `skip` names them). */
static int control_apply_object(const cJSON *o, struct detect_conf *c, const char *const *skip,
                                int *changed, char *err, size_t errlen) {
    double end_threshold = NAN;
    char why[160];
    const cJSON *v;
    struct detect_conf next = *c;
    const cJSON *algo = cJSON_GetObjectItemCaseSensitive(o, "algo");

    *changed = 0;
    /* the algorithm first: it resets the scoring settings to its defaults */
    if (algo && control_set(control_field_find("algo"), algo, &next, &end_threshold, err,
                            errlen) != 0)
        return -1;
    cJSON_ArrayForEach(v, o) {
        const struct control_field *f;
        int skipped = 0;
        for (size_t i = 0; skip && skip[i]; i++)
            if (strcmp(v->string, skip[i]) == 0)
                skipped = 1;
        if (skipped || strcmp(v->string, "algo") == 0) {
            *changed += !skipped;
            continue;
        }
        f = control_field_find(v->string);
        if (!f)
            return snprintf(err, errlen, "unknown setting \"%.40s\"", v->string), -1;
        if (control_set(f, v, &next, &end_threshold, err, errlen) != 0)
            return -1;
        (*changed)++;
    }
    /* without end_threshold the hysteresis keeps its ratio to the threshold */
    if (!isnan(end_threshold)) {
        if (end_threshold > next.score.threshold)
            return snprintf(err, errlen, "end_threshold (%g) must not exceed threshold (%g)",
                            end_threshold, next.score.threshold),
                   -1;
        next.episode.end_ratio = end_threshold / next.score.threshold;
    }
    if (score_params_check(&next.score, why, sizeof why) != 0 ||
        episode_params_check(&next.episode, why, sizeof why) != 0)
        return snprintf(err, errlen, "%s", why), -1;
    *c = next;
    return 0;
}

int control_apply(const char *json, size_t len, struct detect_conf *conf, char *err,
                  size_t errlen) {
    cJSON *o;
    int changed, rc;
    if (len > CONTROL_MSG_MAX)
        return snprintf(err, errlen, "settings longer than %d bytes", CONTROL_MSG_MAX), -1;
    o = cJSON_ParseWithLength(json, len);
    if (!o || !cJSON_IsObject(o)) {
        cJSON_Delete(o);
        return snprintf(err, errlen, "settings must be a JSON object"), -1;
    }
    rc = control_apply_object(o, conf, NULL, &changed, err, errlen);
    cJSON_Delete(o);
    return rc;
}

static int control_target(const cJSON *o, struct control_request *req, char *err,
                          size_t errlen) {
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "series");
    req->all = 1;
    if (!s)
        return 0;
    if (!cJSON_IsString(s))
        return snprintf(err, errlen, "series: expected a string"), -1;
    if (strcmp(s->valuestring, "*") == 0)
        return 0;
    if (!codec_series_valid(s->valuestring, strlen(s->valuestring)))
        return snprintf(err, errlen, "series: not a series name (1-64 of A-Z a-z 0-9 _ - . : / @)"),
               -1;
    req->all = 0;
    snprintf(req->series, sizeof req->series, "%s", s->valuestring);
    return 0;
}

int control_parse(const char *msg, size_t len, const struct detect *d, struct control_request *req,
                  char *err, size_t errlen) {
    static const char *const skip[] = {"series", "id", "get", NULL};
    const cJSON *id, *get;
    cJSON *o;
    int rc = -1;

    memset(req, 0, sizeof *req);
    req->all = 1;
    if (len == 0 || len > CONTROL_MSG_MAX)
        return snprintf(err, errlen, "control message must be 1..%d bytes", CONTROL_MSG_MAX), -1;
    o = cJSON_ParseWithLength(msg, len);
    if (!o || !cJSON_IsObject(o)) {
        snprintf(err, errlen, "control message must be a JSON object");
        goto out;
    }
    id = cJSON_GetObjectItemCaseSensitive(o, "id");
    if (id && cJSON_IsString(id))
        snprintf(req->id, sizeof req->id, "%s", id->valuestring);
    else if (id && cJSON_IsNumber(id))
        snprintf(req->id, sizeof req->id, "%.0f", id->valuedouble);
    else if (id) {
        snprintf(err, errlen, "id: expected a string or a number");
        goto out;
    }
    if (control_target(o, req, err, errlen) != 0)
        goto out;
    req->conf = *detect_conf_of(d, req->all ? NULL : req->series);
    get = cJSON_GetObjectItemCaseSensitive(o, "get");
    if (get && !cJSON_IsBool(get)) {
        snprintf(err, errlen, "get: expected true or false");
        goto out;
    }
    req->get = get && cJSON_IsTrue(get);
    if (control_apply_object(o, &req->conf, skip, &req->changed, err, errlen) != 0)
        goto out;
    if (!req->get && req->changed == 0) {
        snprintf(err, errlen, "nothing to change (settable: algo, window, warmup, threshold, "
                              "alpha, min_std, cusum_k, hst_trees, hst_depth, min_duration, "
                              "cooldown, gap, end_threshold, report)");
        goto out;
    }
    if (req->get && req->changed) {
        snprintf(err, errlen, "get: a request either asks or changes, not both");
        goto out;
    }
    rc = 0;
out:
    cJSON_Delete(o);
    return rc;
}

size_t control_settings_json(const struct detect_conf *c, char *buf) {
    int n = snprintf(buf, CONTROL_JSON_MAX,
                     "{\"algo\":\"%s\",\"window\":%zu,\"warmup\":%zu,\"threshold\":%.17g,"
                     "\"alpha\":%.17g,\"min_std\":%.17g,\"cusum_k\":%.17g,\"hst_trees\":%u,"
                     "\"hst_depth\":%u,\"min_duration\":%u,\"cooldown\":%u,\"gap\":%u,"
                     "\"end_threshold\":%.17g,\"report\":\"%s\"}",
                     score_algo_name(c->score.algo), c->score.window, c->score.warmup,
                     c->score.threshold, c->score.alpha, c->score.min_std, c->score.cusum_k,
                     c->score.hst_trees, c->score.hst_depth, c->episode.min_duration,
                     c->episode.cooldown, c->episode.gap,
                     c->episode.end_ratio * c->score.threshold,
                     episode_report_name(c->episode.report));
    return n < 0 ? 0 : (size_t)n < CONTROL_JSON_MAX ? (size_t)n : CONTROL_JSON_MAX - 1;
}

size_t control_reply_json(const struct control_request *req, int ok, const char *error,
                          char *buf) {
    cJSON *o = cJSON_CreateObject();
    char settings[CONTROL_JSON_MAX];
    char *text;
    size_t n;

    cJSON_AddBoolToObject(o, "ok", ok);
    if (req->id[0])
        cJSON_AddStringToObject(o, "id", req->id);
    cJSON_AddStringToObject(o, "series", req->all ? "*" : req->series);
    if (ok) {
        control_settings_json(&req->conf, settings);
        cJSON_AddItemToObject(o, "settings", cJSON_Parse(settings));
    } else {
        cJSON_AddStringToObject(o, "error", error);
    }
    text = cJSON_PrintUnformatted(o);
    n = text ? strlen(text) : 0;
    if (n >= 2 * CONTROL_JSON_MAX)
        n = 2 * CONTROL_JSON_MAX - 1;
    memcpy(buf, text ? text : "", n);
    buf[n] = '\0';
    cJSON_free(text);
    cJSON_Delete(o);
    return n;
}

/* blip-eval - `make eval`: how well each detector does, on data with known answers.
 * Generated series (fixed seeds): spikes (precision, recall, F1, recall by spike size, false
 * alarms per 1000 steady points, alerts per hour at 10 points/s) and level shifts (detected,
 * delay, false alarms). With --nab DIR, a NAB-format labelled corpus (DIR/labels/
 * combined_windows.json and the CSV files under DIR/data) scored with windows: windows found,
 * false alarms, event F1 and a NAB-style score. Every series goes through detect_push(), the
 * code behind the live detector and its offline CSV mode. */
#include <cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "csv.h"
#include "detect.h"
#include "metrics.h"
#include "num.h"
#include "phase.h"
#include "xalloc.h"

#define EVAL_CONFS_MAX 64
#define EVAL_SPIKE_POINTS 20000
#define EVAL_SHIFT_POINTS 30000
#define EVAL_SHIFT_WINDOW 300     /* rows after a shift in which a flag counts as found */
#define EVAL_POINTS_PER_HOUR 36000 /* at the generator's default 10 points/s */
#define EVAL_NAB_PROBATION 0.15

struct eval_conf {
    char name[64];
    struct detect_conf conf;
};

struct eval_series {
    size_t n;
    double *value;
    int64_t *ts;
    unsigned char *label, *steady, *flag;
    double *size;
    char **ts_text; /* NAB: the timestamp text, for the windows */
};

static void eval_series_alloc(struct eval_series *s, size_t n) {
    memset(s, 0, sizeof *s);
    s->n = n;
    s->value = xcalloc(n, sizeof *s->value);
    s->ts = xcalloc(n, sizeof *s->ts);
    s->label = xcalloc(n, 1);
    s->steady = xcalloc(n, 1);
    s->flag = xcalloc(n, 1);
    s->size = xcalloc(n, sizeof *s->size);
}

static void eval_series_free(struct eval_series *s) {
    xfree(s->value);
    xfree(s->ts);
    xfree(s->label);
    xfree(s->steady);
    xfree(s->flag);
    xfree(s->size);
}

/* Runs conf over the series, one fresh detector, filling s->flag. */
static void eval_run(const struct detect_conf *conf, struct eval_series *s) {
    struct detect d;
    struct point p;
    struct detect_result r;
    char err[128];

    if (detect_init(&d, conf, 1, err, sizeof err) != 0) {
        fprintf(stderr, "blip-eval: %s\n", err);
        exit(2);
    }
    memset(&p, 0, sizeof p);
    memcpy(p.series, "eval", 5);
    for (size_t i = 0; i < s->n; i++) {
        p.value = s->value[i];
        p.ts = s->ts[i];
        p.has = p.ts ? CODEC_HAS_TS : 0;
        detect_push(&d, &p, &r, NULL);
        s->flag[i] = (unsigned char)r.ep.flagged;
    }
    detect_clear(&d);
}

/* ---- generated series ---- */

static void eval_generate(struct eval_series *s, size_t n, const struct phase_shape *shape,
                          uint64_t seed) {
    struct phase_gen g;
    struct phase_sample smp;
    eval_series_alloc(s, n);
    phase_init(&g, shape, seed, 0);
    for (size_t i = 0; i < n; i++) {
        phase_next(&g, &smp);
        s->value[i] = smp.value;
        s->ts[i] = 1767225600000LL + (int64_t)i * 100;
        s->label[i] = (unsigned char)smp.label;
        s->steady[i] = smp.phase == PHASE_NORMAL || smp.phase == PHASE_HIGH;
        s->size[i] = shape->noise > 0 ? smp.spike / shape->noise : 0;
    }
}

/* The phase cycles spikes are injected into: the original's, a fast one (level changes every
 * few seconds at 10 points/s), and a steady one. */
static const char *const eval_cycles[] = {
    "NORMAL:200,RAMP_UP:100,HIGH:200,RAMP_DOWN:100",
    "NORMAL:60,RAMP_UP:20,HIGH:60,RAMP_DOWN:20",
    "NORMAL:1000",
};
#define EVAL_NCYCLES (sizeof eval_cycles / sizeof eval_cycles[0])
#define EVAL_SEEDS 3

static void eval_spikes(const struct eval_conf *confs, size_t nconf, double *best_f1,
                        size_t *best) {
    static const double noises[] = {2.5, 5.0};
    static const double scales[] = {10.0, 30.0};

    printf("\n## Spikes (generator; phase cycles: original, fast, steady; %d seeds x noise "
           "{2.5, 5} x spike-scale {10, 30}; spike-prob 0.01; %d points each)\n\n",
           EVAL_SEEDS, EVAL_SPIKE_POINTS);
    printf("| detector | precision | recall | F1 | recall <2 SD | 2-4 SD | 4-8 SD | >=8 SD | "
           "false alarms /1000 steady | alerts /hour |\n");
    printf("|---|---|---|---|---|---|---|---|---|---|\n");
    for (size_t c = 0; c < nconf; c++) {
        struct metrics_points m;
        uint64_t flags = 0, points = 0;
        double p, r, f1;
        memset(&m, 0, sizeof m);
        for (size_t cy = 0; cy < EVAL_NCYCLES; cy++) {
            for (uint64_t seed = 1; seed <= EVAL_SEEDS; seed++) {
                for (size_t a = 0; a < 2; a++) {
                    for (size_t b = 0; b < 2; b++) {
                        struct phase_shape sh;
                        struct eval_series s;
                        char err[64];
                        phase_default_shape(&sh);
                        phase_parse_steps(eval_cycles[cy], &sh, err, sizeof err);
                        sh.noise = noises[a];
                        sh.spike_scale = scales[b];
                        eval_generate(&s, EVAL_SPIKE_POINTS, &sh,
                                      cy * 10000 + seed * 100 + a * 10 + b);
                        eval_run(&confs[c].conf, &s);
                        metrics_points_add(&m, s.n, s.flag, s.label, s.steady, s.size);
                        for (size_t i = 0; i < s.n; i++)
                            flags += s.flag[i];
                        points += s.n;
                        eval_series_free(&s);
                    }
                }
            }
        }
        p = metrics_precision(m.tp, m.fp);
        r = metrics_recall(m.tp, m.fn);
        f1 = metrics_f1(p, r);
        printf("| %s | %.3f | %.3f | %.3f |", confs[c].name, p, r, f1);
        for (int k = 0; k < METRICS_SIZE_BUCKETS; k++)
            printf(" %.2f |", m.by_size[k] ? (double)m.hit_by_size[k] / (double)m.by_size[k] : 0);
        printf(" %.2f | %.1f |\n", m.steady ? 1000.0 * (double)m.steady_fp / (double)m.steady : 0,
               (double)flags * EVAL_POINTS_PER_HOUR / (double)points);
        if (f1 > *best_f1) {
            *best_f1 = f1;
            *best = c;
        }
    }
}

static void eval_shifts(const struct eval_conf *confs, size_t nconf) {
    static const double sizes[] = {3, 5, 10};

    printf("\n## Level shifts (generator, NORMAL:1500,HIGH:1500, noise 2.5, no spikes; shift of "
           "3, 5, 10 SD; 5 seeds; found = a flag within %d points)\n\n",
           EVAL_SHIFT_WINDOW);
    printf("| detector | shifts found | mean delay (points) | false alarms /1000 points |\n");
    printf("|---|---|---|---|\n");
    for (size_t c = 0; c < nconf; c++) {
        struct metrics_windows m;
        memset(&m, 0, sizeof m);
        for (uint64_t seed = 1; seed <= 5; seed++) {
            for (size_t k = 0; k < 3; k++) {
                struct phase_shape sh;
                struct eval_series s;
                struct metrics_window w[EVAL_SHIFT_POINTS / 1500];
                size_t nw = 0;
                char err[64];
                phase_default_shape(&sh);
                phase_parse_steps("NORMAL:1500,HIGH:1500", &sh, err, sizeof err);
                sh.spike_prob = 0;
                sh.high_offset = sizes[k] * sh.noise;
                eval_generate(&s, EVAL_SHIFT_POINTS, &sh, seed * 1000 + k);
                for (size_t t = 1500; t < s.n; t += 1500) {
                    w[nw].start = t;
                    w[nw].end = t + EVAL_SHIFT_WINDOW - 1;
                    nw++;
                }
                eval_run(&confs[c].conf, &s);
                metrics_windows_add(&m, s.n, s.flag, w, nw, 1500);
                eval_series_free(&s);
            }
        }
        printf("| %s | %llu/%llu | %.1f | %.2f |\n", confs[c].name,
               (unsigned long long)m.detected, (unsigned long long)m.windows,
               m.detected ? m.delay_sum / (double)m.detected : 0,
               1000.0 * (double)m.fp / (5.0 * 3 * (EVAL_SHIFT_POINTS - 1500)));
    }
}

/* ---- NAB-format corpora ---- */

static char *eval_slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = xmalloc((size_t)n + 1);
    *len = fread(buf, 1, (size_t)n, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

/* Reads a timestamp,value CSV. Returns 0, or -1. */
static int eval_read_csv(const char *path, struct eval_series *s) {
    size_t len, cap = 1024, n = 0;
    char *text = eval_slurp(path, &len), *line, *save = NULL;
    char scratch[CSV_LINE_MAX];
    if (!text)
        return -1;
    eval_series_alloc(s, cap);
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        struct csv_field f[CSV_FIELDS_MAX];
        char err[64];
        double v;
        int nf = csv_split(line, strlen(line), f, CSV_FIELDS_MAX, scratch, err, sizeof err);
        if (nf < 2 || num_parse_double(f[1].s, f[1].len, NUM_LENIENT, &v) != NUM_OK)
            continue; /* the header */
        if (n == cap) {
            struct eval_series bigger;
            eval_series_alloc(&bigger, cap * 2);
            memcpy(bigger.value, s->value, n * sizeof *s->value);
            memcpy(bigger.ts, s->ts, n * sizeof *s->ts);
            eval_series_free(s);
            *s = bigger;
            cap *= 2;
        }
        s->value[n] = v;
        if (csv_parse_time(f[0].s, f[0].len, &s->ts[n]) != 0)
            s->ts[n] = 0;
        n++;
    }
    s->n = n;
    xfree(text);
    return 0;
}

/* Maps the [start, end] timestamp windows onto row indexes. */
static size_t eval_windows(const cJSON *spans, const struct eval_series *s,
                           struct metrics_window *w, size_t max) {
    size_t nw = 0;
    const cJSON *span;
    cJSON_ArrayForEach(span, spans) {
        int64_t a, b;
        const cJSON *sa = cJSON_GetArrayItem(span, 0), *sb = cJSON_GetArrayItem(span, 1);
        size_t i = 0, j;
        if (nw >= max || !cJSON_IsString(sa) || !cJSON_IsString(sb) ||
            csv_parse_time(sa->valuestring, strlen(sa->valuestring), &a) != 0 ||
            csv_parse_time(sb->valuestring, strlen(sb->valuestring), &b) != 0)
            continue;
        while (i < s->n && s->ts[i] < a)
            i++;
        for (j = i; j + 1 < s->n && s->ts[j + 1] <= b;)
            j++;
        if (i < s->n) {
            w[nw].start = i;
            w[nw].end = j;
            nw++;
        }
    }
    return nw;
}

struct eval_nab_total {
    struct metrics_windows m;
    uint64_t files, rows;
};

static void eval_nab(const char *dir, const struct eval_conf *confs, size_t nconf,
                     double *best_score, size_t *best) {
    char path[4096];
    size_t len;
    char *text;
    cJSON *labels, *entry;
    struct eval_nab_total *tot = xcalloc(nconf, sizeof *tot);

    snprintf(path, sizeof path, "%s/labels/combined_windows.json", dir);
    text = eval_slurp(path, &len);
    if (!text) {
        fprintf(stderr, "blip-eval: --nab: cannot read %s: %s\n", path, strerror(errno));
        exit(2);
    }
    labels = cJSON_ParseWithLength(text, len);
    xfree(text);
    if (!labels) {
        fprintf(stderr, "blip-eval: --nab: %s is not JSON\n", path);
        exit(2);
    }
    cJSON_ArrayForEach(entry, labels) {
        struct eval_series s;
        struct metrics_window w[64];
        size_t nw;
        snprintf(path, sizeof path, "%s/data/%s", dir, entry->string);
        if (eval_read_csv(path, &s) != 0)
            continue; /* not in this copy of the corpus */
        nw = eval_windows(entry, &s, w, 64);
        for (size_t c = 0; c < nconf; c++) {
            eval_run(&confs[c].conf, &s);
            metrics_windows_add(&tot[c].m, s.n, s.flag, w, nw,
                                (size_t)(EVAL_NAB_PROBATION * (double)s.n));
            tot[c].files++;
            tot[c].rows += s.n;
        }
        eval_series_free(&s);
    }
    cJSON_Delete(labels);
    if (nconf == 0 || tot[0].files == 0) {
        printf("\n(no labelled series found under %s/data)\n", dir);
        xfree(tot);
        return;
    }
    printf("\n## Labelled corpus %s (%llu series, %llu points; windows from "
           "labels/combined_windows.json; the first 15%% of each series is not scored)\n\n",
           dir, (unsigned long long)tot[0].files, (unsigned long long)tot[0].rows);
    printf("| detector | windows found | false alarms | alarms in all | event precision | "
           "event recall | event F1 | NAB-style score |\n");
    printf("|---|---|---|---|---|---|---|---|\n");
    for (size_t c = 0; c < nconf; c++) {
        const struct metrics_windows *m = &tot[c].m;
        double p = metrics_precision(m->detected, m->fp);
        double r = metrics_recall(m->detected, m->windows - m->detected);
        double score = metrics_nab_score(m);
        printf("| %s | %llu/%llu | %llu | %llu | %.3f | %.3f | %.3f | %.1f |\n", confs[c].name,
               (unsigned long long)m->detected, (unsigned long long)m->windows,
               (unsigned long long)m->fp, (unsigned long long)m->flags, p, r,
               metrics_f1(p, r), score);
        if (score > *best_score) {
            *best_score = score;
            *best = c;
        }
    }
    xfree(tot);
}

/* ---- configurations ---- */

static size_t eval_default_confs(struct eval_conf *confs) {
    size_t n = 0;
    for (int a = 0; a < SCORE_ALGO_COUNT; a++) {
        snprintf(confs[n].name, sizeof confs[n].name, "%s", score_algo_name((enum score_algo)a));
        detect_conf_default(&confs[n].conf, (enum score_algo)a);
        n++;
    }
    /* the original: sma 25 / 2.0, every deviating point an alert */
    snprintf(confs[n].name, sizeof confs[n].name, "original sma");
    detect_conf_default(&confs[n].conf, SCORE_SMA);
    confs[n].conf.score.window = confs[n].conf.score.warmup = 25;
    confs[n].conf.score.threshold = 2.0;
    episode_params_default(&confs[n].conf.episode);
    n++;
    return n;
}

/* NAME=JSON settings (control message fields) on top of the sma defaults. */
static void eval_add_conf(struct eval_conf *confs, size_t *n, const char *spec) {
    const char *eq = strchr(spec, '=');
    char err[256];
    if (!eq || *n >= EVAL_CONFS_MAX) {
        fprintf(stderr, "blip-eval: --conf: expected NAME={\"algo\":...}\n");
        exit(2);
    }
    snprintf(confs[*n].name, sizeof confs[*n].name, "%.*s", (int)(eq - spec), spec);
    detect_conf_default(&confs[*n].conf, SCORE_SMA);
    if (control_apply(eq + 1, strlen(eq + 1), &confs[*n].conf, err, sizeof err) != 0) {
        fprintf(stderr, "blip-eval: --conf %s: %s\n", confs[*n].name, err);
        exit(2);
    }
    (*n)++;
}

int main(int argc, char **argv) {
    static struct eval_conf confs[EVAL_CONFS_MAX];
    size_t nconf = 0, best = 0, best_nab = 0;
    const char *nab = NULL;
    int only = 0, skip_gen = 0;
    double best_f1 = -1, best_score = -1e9;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--nab") == 0 && i + 1 < argc) {
            nab = argv[++i];
        } else if (strcmp(argv[i], "--conf") == 0 && i + 1 < argc) {
            eval_add_conf(confs, &nconf, argv[++i]);
            only = 1;
        } else if (strcmp(argv[i], "--nab-only") == 0) {
            skip_gen = 1;
        } else {
            fprintf(stderr, "usage: blip-eval [--nab DIR [--nab-only]] [--conf NAME=JSON]...\n");
            return 2;
        }
    }
    if (!only)
        nconf = eval_default_confs(confs);
    printf("# blip detection evaluation\n");
    if (!skip_gen) {
        eval_spikes(confs, nconf, &best_f1, &best);
        eval_shifts(confs, nconf);
    }
    if (nab)
        eval_nab(nab, confs, nconf, &best_score, &best_nab);
    printf("\n");
    if (!skip_gen)
        printf("best spike F1: %.3f (%s)\n", best_f1, confs[best].name);
    if (nab && best_score > -1e9)
        printf("best NAB-style score: %.1f (%s)\n", best_score, confs[best_nab].name);
    return 0;
}

/* model.c - see model.h.
 * Invariants: for a series with has_data, b[head] is slot `newest` and b[(head + cols - k) % cols]
 * is slot newest - k for 0 <= k < cols; slots between points that never came stay empty. */
#include "model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "num.h"
#include "xalloc.h"

/* floor(a / b) for b > 0, also for negative a. */
static int64_t model_floordiv(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

static int64_t model_units(const struct model_window *w) {
    return w->unit == MODEL_SECONDS ? (int64_t)w->amount * 1000 : (int64_t)w->amount;
}

/* The slot of position u (ms or point count; far below 2^63 / MODEL_COLS_MAX). */
static int64_t model_key(const struct model *m, int64_t u) {
    return model_floordiv(u * (int64_t)m->cols, m->units);
}

/* The first position of slot key, for cols slots over units. */
static int64_t model_key_start(int64_t key, size_t cols, int64_t units) {
    return -model_floordiv(-key * units, (int64_t)cols);
}

static int model_window_valid(const struct model_window *w) {
    if (w->unit == MODEL_SECONDS)
        return w->amount >= MODEL_WINDOW_S_MIN && w->amount <= MODEL_WINDOW_S_MAX;
    if (w->unit == MODEL_POINTS)
        return w->amount >= MODEL_WINDOW_P_MIN && w->amount <= MODEL_WINDOW_P_MAX;
    return 0;
}

int model_filter_check(const char *f, char *err, size_t errlen) {
    if (strlen(f) > MODEL_FILTER_MAX) {
        snprintf(err, errlen, "expected at most %d bytes of series names", MODEL_FILTER_MAX);
        return -1;
    }
    for (const char *p = f;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (!codec_series_valid(p, len)) {
            snprintf(err, errlen, "\"%.*s\" is not a series name (1-64 of A-Z a-z 0-9 _ - . : / @)",
                     (int)(len > 64 ? 64 : len), p);
            return -1;
        }
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

/* 1 if the filter leaves `name` out. */
static int model_filtered(const struct model *m, const char *name) {
    size_t nlen = strlen(name);
    if (!m->filter)
        return 0;
    for (const char *p = m->filter;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == nlen && memcmp(p, name, len) == 0)
            return 0;
        if (!comma)
            return 1;
        p = comma + 1;
    }
}

int model_init(struct model *m, const struct model_window *w, size_t cols, size_t max_series,
               const char *filter, char *err, size_t errlen) {
    if (!model_window_valid(w)) {
        snprintf(err, errlen, "window out of range");
        return -1;
    }
    if (cols < 1 || cols > MODEL_COLS_MAX) {
        snprintf(err, errlen, "expected 1..%d columns, got %zu", MODEL_COLS_MAX, cols);
        return -1;
    }
    if (max_series < 1 || max_series > MODEL_SERIES_MAX) {
        snprintf(err, errlen, "expected 1..%d series, got %zu", MODEL_SERIES_MAX, max_series);
        return -1;
    }
    if (filter && model_filter_check(filter, err, errlen) != 0)
        return -1;
    memset(m, 0, sizeof *m);
    m->win = *w;
    m->cols = cols;
    m->units = model_units(w);
    m->max_series = max_series;
    m->series = xcalloc(max_series, sizeof *m->series);
    m->filter = filter ? xstrdup(filter) : NULL;
    return 0;
}

void model_clear(struct model *m) {
    if (m->series) {
        for (size_t i = 0; i < m->nseries; i++)
            xfree(m->series[i].b);
        xfree(m->series);
    }
    xfree(m->filter);
    m->series = NULL;
    m->filter = NULL;
    m->nseries = 0;
}

void model_copy(struct model *dst, const struct model *src) {
    *dst = *src;
    dst->series = xcalloc(src->max_series, sizeof *dst->series);
    for (size_t i = 0; i < src->nseries; i++) {
        dst->series[i] = src->series[i];
        dst->series[i].b = xmalloc(src->cols * sizeof *dst->series[i].b);
        memcpy(dst->series[i].b, src->series[i].b, src->cols * sizeof *dst->series[i].b);
    }
    dst->filter = src->filter ? xstrdup(src->filter) : NULL;
}

/* ---- buckets ---- */

static void model_bucket_add(struct model_bucket *b, const struct point *p) {
    if (b->n == 0) {
        b->min = b->max = p->value;
    } else {
        b->min = p->value < b->min ? p->value : b->min;
        b->max = p->value > b->max ? p->value : b->max;
    }
    b->n++;
    b->sum += p->value;
    b->last = p->value;
    if (p->has & CODEC_HAS_SEQ) {
        if (!b->has_seq) {
            b->seq_lo = b->seq_hi = p->seq;
            b->has_seq = 1;
        } else {
            b->seq_lo = p->seq < b->seq_lo ? p->seq : b->seq_lo;
            b->seq_hi = p->seq > b->seq_hi ? p->seq : b->seq_hi;
        }
    }
}

/* Folds bucket s into d; s holds the later points. */
static void model_bucket_merge(struct model_bucket *d, const struct model_bucket *s) {
    if (s->n) {
        if (d->n == 0) {
            d->min = s->min;
            d->max = s->max;
        } else {
            d->min = s->min < d->min ? s->min : d->min;
            d->max = s->max > d->max ? s->max : d->max;
        }
        d->n += s->n;
        d->n_drawn += s->n_drawn;
        d->sum += s->sum;
        d->last = s->last;
    }
    if (s->has_seq) {
        d->seq_lo = d->has_seq && d->seq_lo < s->seq_lo ? d->seq_lo : s->seq_lo;
        d->seq_hi = d->has_seq && d->seq_hi > s->seq_hi ? d->seq_hi : s->seq_hi;
        d->has_seq = 1;
    }
    if (s->sev != SEV_NONE && s->sev >= d->sev) {
        d->sev = s->sev;
        d->mark = s->mark;
    }
    d->anomalies += s->anomalies;
    if (s->has_band) {
        d->band_lo = s->band_lo;
        d->band_hi = s->band_hi;
        d->has_band = 1;
    }
}

static int model_bucket_empty(const struct model_bucket *b) { return b->n == 0 && b->sev == SEV_NONE; }

static struct model_bucket *model_at(const struct model *m, const struct model_series *s,
                                     size_t back) {
    return &s->b[(s->head + m->cols - back) % m->cols];
}

static void model_series_restart(const struct model *m, struct model_series *s, int64_t key) {
    memset(s->b, 0, m->cols * sizeof *s->b);
    s->head = 0;
    s->newest = key;
    s->has_data = 1;
}

/* The bucket for slot `key`, moving the window forward when key is newer than the newest.
 * NULL when the slot is late (out of the window but not old enough to mean a restart). */
static struct model_bucket *model_slot(struct model *m, struct model_series *s, int64_t key) {
    int64_t cols = (int64_t)m->cols;
    if (!s->has_data) {
        model_series_restart(m, s, key);
        return &s->b[0];
    }
    if (key > s->newest) {
        int64_t d = key - s->newest;
        if (d >= cols) {
            model_series_restart(m, s, key);
            return &s->b[0];
        }
        for (int64_t i = 0; i < d; i++) {
            s->head = (s->head + 1) % m->cols;
            memset(&s->b[s->head], 0, sizeof s->b[s->head]);
        }
        s->newest = key;
        return &s->b[s->head];
    }
    if (s->newest - key >= cols) {
        if (s->newest - key < MODEL_RESTART_WINDOWS * cols)
            return NULL;
        m->c.restarts++;
        model_series_restart(m, s, key);
        return &s->b[0];
    }
    return model_at(m, s, (size_t)(s->newest - key));
}

/* ---- series ---- */

static struct model_series *model_lookup(const struct model *m, const char *name) {
    for (size_t i = 0; i < m->nseries; i++)
        if (strcmp(m->series[i].name, name) == 0)
            return &m->series[i];
    return NULL;
}

const struct model_series *model_find(const struct model *m, const char *name) {
    return model_lookup(m, name);
}

/* A slot for a new series: a free one, or the least recently updated one's (evicted). */
static struct model_series *model_series_new(struct model *m, const char *name) {
    struct model_series *s;
    struct model_bucket *b;

    if (m->nseries < m->max_series) {
        s = &m->series[m->nseries++];
        b = xcalloc(m->cols, sizeof *b);
    } else {
        s = &m->series[0];
        for (size_t i = 1; i < m->nseries; i++)
            if (m->series[i].stamp < s->stamp)
                s = &m->series[i];
        b = s->b;
        m->c.evicted++;
    }
    memset(s, 0, sizeof *s);
    s->b = b;
    memset(b, 0, m->cols * sizeof *b);
    snprintf(s->name, sizeof s->name, "%s", name);
    return s;
}

void model_push_point(struct model *m, const struct point *p, int64_t now_ms) {
    struct model_series *s;
    struct model_bucket *b;
    int64_t key;

    m->c.points++;
    if (model_filtered(m, p->series)) {
        m->c.filtered++;
        return;
    }
    s = model_lookup(m, p->series);
    if (!s)
        s = model_series_new(m, p->series);
    key = model_key(m, m->win.unit == MODEL_SECONDS ? now_ms : (int64_t)s->points);
    s->points++;
    s->stamp = ++m->stamp;
    s->last = p->value;
    s->last_rx_ms = now_ms;
    memcpy(s->unit, p->unit, sizeof s->unit);
    memcpy(s->phase, p->phase, sizeof s->phase);
    b = model_slot(m, s, key);
    if (!b) {
        m->c.late++;
        return;
    }
    model_bucket_add(b, p);
}

/* ---- anomalies ---- */

/* The bucket holding the anomaly's point: by seq when the buckets carry seqs, else by arrival
 * time (window in seconds), else the newest. NULL when it is no longer (or not yet) held. */
static struct model_bucket *model_anomaly_bucket(const struct model *m,
                                                 const struct model_series *s,
                                                 const struct anomaly *a, int64_t now_ms) {
    struct model_bucket *b;
    int any_seq = 0;

    if (!s->has_data)
        return NULL;
    if (a->pt.has & CODEC_HAS_SEQ) {
        for (size_t back = 0; back < m->cols; back++) {
            b = model_at(m, s, back);
            if (b->n && b->has_seq) {
                any_seq = 1;
                if (a->pt.seq >= b->seq_lo && a->pt.seq <= b->seq_hi)
                    return b;
            }
        }
        if (any_seq)
            return NULL;
    }
    if (m->win.unit == MODEL_SECONDS) {
        int64_t key = model_key(m, now_ms);
        if (key < s->newest) {
            if (s->newest - key >= (int64_t)m->cols)
                return NULL;
            b = model_at(m, s, (size_t)(s->newest - key));
            return b->n ? b : NULL;
        }
    }
    b = model_at(m, s, 0);
    return b->n ? b : NULL;
}

static void model_log_push(struct model *m, const struct anomaly *a, enum severity sev,
                           int64_t now_ms) {
    struct model_log_entry *e;
    m->log_head = (m->log_head + 1) % MODEL_LOG_MAX;
    if (m->log_len < MODEL_LOG_MAX)
        m->log_len++;
    e = &m->log[m->log_head];
    e->ts = (a->pt.has & CODEC_HAS_TS) ? a->pt.ts : now_ms;
    memcpy(e->series, a->pt.series, sizeof e->series);
    e->value = a->pt.value;
    e->score = a->score;
    e->sev = sev;
}

void model_backfill_anomaly(struct model *m, const struct anomaly *a, int64_t now_ms) {
    if (model_filtered(m, a->pt.series))
        return;
    m->c.backfilled++;
    model_log_push(m, a, a->severity == SEV_NONE ? SEV_LOW : a->severity, now_ms);
}

void model_push_anomaly(struct model *m, const struct anomaly *a, int64_t now_ms) {
    enum severity sev = a->severity == SEV_NONE ? SEV_LOW : a->severity;
    struct model_series *s;
    struct model_bucket *b;
    double lo = a->mean - a->threshold * a->std, hi = a->mean + a->threshold * a->std;
    int band = (a->std > 0 || a->threshold > 0 || a->mean != 0) && isfinite(lo) && isfinite(hi);

    if (model_filtered(m, a->pt.series)) {
        m->c.filtered++;
        return;
    }
    m->c.anomalies++;
    m->c.by_sev[sev]++;
    model_log_push(m, a, sev, now_ms);
    s = model_lookup(m, a->pt.series);
    b = s ? model_anomaly_bucket(m, s, a, now_ms) : NULL;
    if (s) {
        s->anomalies++;
        if (band) {
            s->band_lo = lo;
            s->band_hi = hi;
            s->has_band = 1;
        }
    }
    if (!b) {
        m->c.unmatched++;
        return;
    }
    if (sev >= b->sev) {
        b->sev = sev;
        b->mark = a->pt.value;
    }
    b->anomalies++;
    if (band) {
        b->band_lo = lo;
        b->band_hi = hi;
        b->has_band = 1;
    }
}

void model_note_malformed(struct model *m) { m->c.malformed++; }

/* ---- counters ---- */

/* Moves every series' right edge to the slot of wall_ms (window in seconds). */
static void model_advance(struct model *m, int64_t wall_ms) {
    int64_t key = model_key(m, wall_ms);
    if (m->win.unit != MODEL_SECONDS)
        return;
    for (size_t i = 0; i < m->nseries; i++)
        if (m->series[i].has_data && key > m->series[i].newest)
            model_slot(m, &m->series[i], key);
}

void model_tick(struct model *m, uint64_t mono_ms, int64_t wall_ms) {
    uint64_t dt;
    model_advance(m, wall_ms);
    if (!m->rate_started || mono_ms < m->rate_t0_ms) {
        m->rate_started = 1;
        m->rate_t0_ms = mono_ms;
        m->rate_points0 = m->c.points;
        m->rate_anomalies0 = m->c.anomalies;
        return;
    }
    dt = mono_ms - m->rate_t0_ms;
    if (dt < MODEL_RATE_PERIOD_MS)
        return;
    m->c.points_rate = (double)(m->c.points - m->rate_points0) * 1000.0 / (double)dt;
    m->c.anomalies_rate = (double)(m->c.anomalies - m->rate_anomalies0) * 1000.0 / (double)dt;
    m->rate_t0_ms = mono_ms;
    m->rate_points0 = m->c.points;
    m->rate_anomalies0 = m->c.anomalies;
}

void model_mark_drawn(struct model *m, const size_t *idx, size_t n) {
    for (size_t i = 0; i < n; i++) {
        struct model_series *s;
        if (idx[i] >= m->nseries)
            continue;
        s = &m->series[idx[i]];
        for (size_t k = 0; k < m->cols; k++) {
            struct model_bucket *b = &s->b[k];
            m->c.drawn += b->n - b->n_drawn;
            b->n_drawn = b->n;
        }
    }
}

void model_reset_counters(struct model *m) {
    double pr = m->c.points_rate, ar = m->c.anomalies_rate;
    memset(&m->c, 0, sizeof m->c);
    m->c.points_rate = pr;
    m->c.anomalies_rate = ar;
    m->rate_points0 = m->rate_anomalies0 = 0;
    for (size_t i = 0; i < m->nseries; i++) {
        m->series[i].anomalies = 0;
        for (size_t k = 0; k < m->cols; k++)
            m->series[i].b[k].n_drawn = m->series[i].b[k].n;
    }
}

/* ---- reading ---- */

const struct model_bucket *model_bucket(const struct model *m, const struct model_series *s,
                                        size_t col) {
    return model_at(m, s, m->cols - 1 - col);
}

void model_summarise(const struct model *m, const struct model_series *s,
                     struct model_summary *out) {
    double sum = 0;
    memset(out, 0, sizeof *out);
    for (size_t k = 0; k < m->cols; k++) {
        const struct model_bucket *b = &s->b[k];
        if (!b->n)
            continue;
        if (out->n == 0) {
            out->min = b->min;
            out->max = b->max;
        } else {
            out->min = b->min < out->min ? b->min : out->min;
            out->max = b->max > out->max ? b->max : out->max;
        }
        out->n += b->n;
        sum += b->sum;
    }
    out->mean = out->n ? sum / (double)out->n : 0;
}

const struct model_log_entry *model_log_get(const struct model *m, size_t i) {
    if (i >= m->log_len)
        return NULL;
    return &m->log[(m->log_head + MODEL_LOG_MAX - i) % MODEL_LOG_MAX];
}

/* ---- changing the view ---- */

int model_set_view(struct model *m, const struct model_window *w, size_t cols) {
    size_t old_cols = m->cols;
    int64_t old_units = m->units;

    if (!model_window_valid(w) || cols < 1 || cols > MODEL_COLS_MAX)
        return -1;
    m->win = *w;
    m->cols = cols;
    m->units = model_units(w);
    if (old_cols == cols && old_units == m->units)
        return 0;
    for (size_t i = 0; i < m->nseries; i++) {
        struct model_series *s = &m->series[i];
        struct model_bucket *old = s->b;
        size_t old_head = s->head;
        int64_t old_newest = s->newest;
        int had = s->has_data;

        s->b = xcalloc(cols, sizeof *s->b);
        s->head = 0;
        s->has_data = 0;
        for (size_t c = 0; had && c < old_cols; c++) {
            size_t back = old_cols - 1 - c;
            const struct model_bucket *ob = &old[(old_head + old_cols - back) % old_cols];
            int64_t start = model_key_start(old_newest - (int64_t)back, old_cols, old_units);
            struct model_bucket *nb;
            if (model_bucket_empty(ob))
                continue;
            nb = model_slot(m, s, model_key(m, start));
            if (nb)
                model_bucket_merge(nb, ob);
        }
        xfree(old);
    }
    return 0;
}

/* ---- windows ---- */

int model_window_parse(const char *s, struct model_window *w, char *err, size_t errlen) {
    size_t len = strlen(s);
    long mult = 1;
    enum model_unit unit = MODEL_SECONDS;
    int64_t n;
    long lo, hi;

    if (len > 0) {
        switch (s[len - 1]) {
        case 's': len--; break;
        case 'm': mult = 60, len--; break;
        case 'h': mult = 3600, len--; break;
        case 'p': unit = MODEL_POINTS, len--; break;
        default: break;
        }
    }
    lo = unit == MODEL_SECONDS ? MODEL_WINDOW_S_MIN : MODEL_WINDOW_P_MIN;
    hi = unit == MODEL_SECONDS ? MODEL_WINDOW_S_MAX : MODEL_WINDOW_P_MAX;
    if (len == 0 || num_parse_i64(s, len, 1, hi, &n) != 0 || n * mult < lo || n * mult > hi) {
        snprintf(err, errlen,
                 "expected seconds (60, 60s, 5m, 1h; 1s..24h) or points (500p; 10p..1000000p), "
                 "got \"%.60s\"",
                 s);
        return -1;
    }
    w->unit = unit;
    w->amount = (long)n * mult;
    return 0;
}

void model_window_format(const struct model_window *w, char *buf) {
    long a = w->amount, h = a / 3600, mi = (a % 3600) / 60, se = a % 60;
    size_t n = 0;
    if (w->unit == MODEL_POINTS) {
        snprintf(buf, MODEL_WINDOW_TEXT_MAX, "%ld pts", a);
        return;
    }
    buf[0] = '\0';
    if (h)
        n += (size_t)snprintf(buf + n, MODEL_WINDOW_TEXT_MAX - n, "%ldh", h);
    if (mi)
        n += (size_t)snprintf(buf + n, MODEL_WINDOW_TEXT_MAX - n, "%ldm", mi);
    if (se || a == 0)
        snprintf(buf + n, MODEL_WINDOW_TEXT_MAX - n, "%lds", se);
}

static const long model_ladder_s[] = {1,   2,    5,    10,   15,    30,    60,    120,  300,
                                      600, 900, 1800, 3600, 7200, 21600, 43200, 86400};
static const long model_ladder_p[] = {10,   20,    50,    100,    200,    500,    1000,  2000,
                                      5000, 10000, 20000, 50000, 100000, 200000, 500000, 1000000};

int model_window_zoom(struct model_window *w, int dir) {
    const long *l = w->unit == MODEL_SECONDS ? model_ladder_s : model_ladder_p;
    size_t n = w->unit == MODEL_SECONDS ? sizeof model_ladder_s / sizeof model_ladder_s[0]
                                        : sizeof model_ladder_p / sizeof model_ladder_p[0];
    if (dir < 0) {
        for (size_t i = n; i-- > 0;)
            if (l[i] < w->amount) {
                w->amount = l[i];
                return 1;
            }
    } else if (dir > 0) {
        for (size_t i = 0; i < n; i++)
            if (l[i] > w->amount) {
                w->amount = l[i];
                return 1;
            }
    }
    return 0;
}

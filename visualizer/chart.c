/* chart.c - see chart.h.
 * A plot is a canvas of dots: 2 x 4 per cell in braille (U+2800 + one bit per dot), 1 x 1 in
 * ASCII. Dot column c shows model column (cols - plot_dots + c), so the newest bucket is always
 * at the right edge; each column draws its bucket's min..max, stretched to meet the previous
 * column's last value so the line stays connected. Dot rows count from the bottom. */
#include "chart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "xalloc.h"

struct chart_glyphs {
    uint32_t hline, vline, tick, corner, select, band;
    uint32_t mark[SEV_COUNT];
    uint32_t tl, tr, bl, br; /* box corners */
};

static const struct chart_glyphs chart_unicode = {
    0x2500, 0x2502, 0x2524, 0x2514, 0x25B6, 0x00B7, {0, 0x2022, 0x25C6, 0x25B2},
    0x250C, 0x2510, 0x2514, 0x2518};
static const struct chart_glyphs chart_ascii = {'-', '|', '+', '+', '>', '.', {0, 'o', 'O', '@'},
                                                '+', '+', '+', '+'};

#define CHART_BRAILLE 0x2800u
/* bit of the braille dot at (x 0..1, y 0..3 from the top of the cell) */
static const uint8_t chart_braille_bit[4][2] = {{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20},
                                                {0x40, 0x80}};

static const enum chart_color chart_sev_color[SEV_COUNT] = {CHART_C_DEFAULT, CHART_C_LOW,
                                                            CHART_C_MEDIUM, CHART_C_HIGH};

/* What every drawing helper needs. */
struct chart_ctx {
    struct chart_grid *g;
    const struct chart_glyphs *gl;
    int ascii;
};

/* A plot's geometry and value scale. */
struct chart_plot {
    int x0, y0, pw, ph; /* top-left cell and size in cells */
    int dx, dy;         /* dots per cell */
    long off;           /* model column of dot column 0 (may be negative: no data there) */
    int nd;             /* dot columns */
    double lo, hi, step;
};

/* ---- the grid ---- */

void chart_grid_init(struct chart_grid *g) { memset(g, 0, sizeof *g); }

void chart_grid_resize(struct chart_grid *g, int w, int h) {
    w = w < 0 ? 0 : w > CHART_W_MAX ? CHART_W_MAX : w;
    h = h < 0 ? 0 : h > CHART_H_MAX ? CHART_H_MAX : h;
    if (w != g->w || h != g->h) {
        xfree(g->cells);
        g->cells = xcalloc((size_t)w * (size_t)h + 1, sizeof *g->cells);
        g->w = w;
        g->h = h;
    }
    for (int i = 0; i < w * h; i++)
        g->cells[i] = (struct chart_cell){' ', CHART_C_DEFAULT, 0};
}

void chart_grid_clear(struct chart_grid *g) {
    xfree(g->cells);
    memset(g, 0, sizeof *g);
}

const struct chart_cell *chart_grid_at(const struct chart_grid *g, int x, int y) {
    if (x < 0 || y < 0 || x >= g->w || y >= g->h)
        return NULL;
    return &g->cells[(size_t)y * (size_t)g->w + (size_t)x];
}

static size_t chart_utf8_put(uint32_t c, char *out) {
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xC0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

size_t chart_grid_row(const struct chart_grid *g, int y, char *buf, size_t cap) {
    size_t n = 0, keep = 0;
    char enc[4];
    if (cap == 0)
        return 0;
    for (int x = 0; y >= 0 && y < g->h && x < g->w; x++) {
        const struct chart_cell *c = chart_grid_at(g, x, y);
        size_t k = chart_utf8_put(c->ch, enc);
        if (n + k >= cap)
            break;
        memcpy(buf + n, enc, k);
        n += k;
        if (c->ch != ' ')
            keep = n;
    }
    buf[keep] = '\0';
    return keep;
}

/* ---- drawing text ---- */

static void chart_put(const struct chart_ctx *cx, int x, int y, uint32_t ch, enum chart_color col,
                      unsigned attr) {
    struct chart_cell *c;
    if (x < 0 || y < 0 || x >= cx->g->w || y >= cx->g->h)
        return;
    c = &cx->g->cells[(size_t)y * (size_t)cx->g->w + (size_t)x];
    c->ch = ch;
    c->color = (uint8_t)col;
    c->attr = (uint8_t)attr;
}

/* Decodes one UTF-8 character; malformed bytes and control characters come out as '?'. */
static uint32_t chart_utf8_next(const char **ps) {
    const unsigned char *p = (const unsigned char *)*ps;
    uint32_t c = p[0];
    int n;
    if (c < 0x80)
        n = 0;
    else if ((c & 0xE0) == 0xC0)
        c &= 0x1F, n = 1;
    else if ((c & 0xF0) == 0xE0)
        c &= 0x0F, n = 2;
    else if ((c & 0xF8) == 0xF0)
        c &= 0x07, n = 3;
    else {
        *ps += 1;
        return '?';
    }
    for (int i = 1; i <= n; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *ps += i;
            return '?';
        }
        c = (c << 6) | (p[i] & 0x3F);
    }
    *ps += n + 1;
    return c < 0x20 || (c >= 0x7F && c < 0xA0) ? '?' : c;
}

/* Writes s from column x on row y, stopping before column xmax. Returns the column after it. */
static int chart_text(const struct chart_ctx *cx, int x, int y, int xmax, const char *s,
                      enum chart_color col, unsigned attr) {
    while (*s && x < xmax) {
        uint32_t c = chart_utf8_next(&s);
        chart_put(cx, x++, y, cx->ascii && c > 0x7E ? '?' : c, col, attr);
    }
    return x;
}

static void chart_hfill(const struct chart_ctx *cx, int x0, int x1, int y, uint32_t ch,
                        enum chart_color col, unsigned attr) {
    for (int x = x0; x < x1; x++)
        chart_put(cx, x, y, ch, col, attr);
}

/* ---- numbers ---- */

size_t chart_format_value(double v, char *buf, size_t cap) {
    double a = fabs(v);
    int n;
    if (!isfinite(v))
        n = snprintf(buf, cap, "?");
    else if (a >= 1e9)
        n = snprintf(buf, cap, "%.1fG", v / 1e9);
    else if (a >= 1e6)
        n = snprintf(buf, cap, "%.1fM", v / 1e6);
    else if (a >= 1e4)
        n = snprintf(buf, cap, "%.1fk", v / 1e3);
    else if (a >= 100)
        n = snprintf(buf, cap, "%.1f", v);
    else if (a >= 1 || a == 0)
        n = snprintf(buf, cap, "%.2f", v);
    else
        n = snprintf(buf, cap, "%.3g", v);
    return n < 0 ? 0 : (size_t)n >= cap ? cap - 1 : (size_t)n;
}

/* Decimals that show multiples of step exactly (step is 1, 2 or 5 times a power of ten). */
static int chart_decimals(double step) {
    return step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
}

/* A y-axis label of at most CHART_YLABEL_W characters for tick value v, on an axis whose
 * largest magnitude is mag: plain below 10^4, then k, M, G, with the decimals the step needs. */
static void chart_tick_label(double v, double step, double mag, char *buf, size_t cap) {
    static const struct {
        double div;
        const char *suffix;
    } scale[] = {{1, ""}, {1e3, "k"}, {1e6, "M"}, {1e9, "G"}};
    size_t first = mag >= 1e9 ? 3 : mag >= 1e6 ? 2 : mag >= 1e4 ? 1 : 0;
    if (fabs(v) < step * 1e-6) {
        v = 0; /* no "-0" from rounding, and no "0k" */
        first = 0;
    }
    for (size_t k = 0; k < 4; k++) {
        size_t i = (first + k) % 4;
        int dec = chart_decimals(step / scale[i].div);
        int n = snprintf(buf, cap, "%.*f%s", dec > 3 ? 3 : dec, v / scale[i].div, scale[i].suffix);
        if (n > 0 && n <= CHART_YLABEL_W)
            return;
    }
    snprintf(buf, cap, "%.0e", v);
}

/* 1, 2 or 5 times a power of ten, at least x (> 0). */
static double chart_nice(double x) {
    double e = pow(10, floor(log10(x)));
    double f = x / e;
    return (f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10) * e;
}

/* ---- layout ---- */

static int chart_yaxis_w(int w) {
    return w >= CHART_YAXIS_W + CHART_PLOT_W_MIN ? CHART_YAXIS_W : 0;
}

size_t chart_columns(int w, int ascii) {
    long cells = (long)(w > CHART_W_MAX ? CHART_W_MAX : w) - chart_yaxis_w(w);
    long cols = (cells < 1 ? 1 : cells) * (ascii ? 1 : 2);
    return cols > MODEL_COLS_MAX ? MODEL_COLS_MAX : (size_t)cols;
}

void chart_layout(int w, int h, const struct chart_opts *o, size_t nseries,
                  struct chart_layout *l) {
    int body, fit;
    size_t sel;

    memset(l, 0, sizeof *l);
    if (w <= 0 || h <= 0)
        return;
    l->yaxis_w = chart_yaxis_w(w);
    l->header_rows = h >= CHART_FULL_H ? 2 : 1;
    l->footer_rows = h >= CHART_FOOTER_H ? 1 : 0;
    body = h - l->header_rows - l->footer_rows;
    if (o->show_log && body >= CHART_LOG_BODY_MIN) {
        l->log_rows = body / 3;
        l->log_rows = l->log_rows < CHART_LOG_ROWS_MIN   ? CHART_LOG_ROWS_MIN
                      : l->log_rows > CHART_LOG_ROWS_MAX ? CHART_LOG_ROWS_MAX
                                                         : l->log_rows;
    }
    l->chart_rows = body - l->log_rows;
    fit = l->chart_rows / (CHART_PLOT_MIN_ROWS + 2);
    fit = fit < 1 ? 1 : fit > CHART_SHOWN_MAX ? CHART_SHOWN_MAX : fit;
    l->nshown = nseries < (size_t)fit ? nseries : (size_t)fit;
    if (l->nshown == 0 || l->chart_rows <= 0) {
        l->nshown = 0;
        return;
    }
    sel = o->selected < nseries ? o->selected : nseries - 1;
    l->first = sel / l->nshown * l->nshown;
    if (l->first + l->nshown > nseries)
        l->first = nseries - l->nshown;
}

/* ---- header, footer ---- */

static const char *chart_link_name(enum chart_link k) {
    switch (k) {
    case CHART_LINK_UP: return "up";
    case CHART_LINK_DOWN: return "down, reconnecting";
    case CHART_LINK_FAILED: return "failed";
    case CHART_LINK_CONNECTING: break;
    }
    return "connecting";
}

static enum chart_color chart_link_color(enum chart_link k) {
    return k == CHART_LINK_UP ? CHART_C_GOOD : k == CHART_LINK_CONNECTING ? CHART_C_DEFAULT
                                                                          : CHART_C_BAD;
}

/* "received N (R/s)  drawn N  anomalies N (R/s)  malformed N  series N" */
static void chart_counters_text(const struct model *live, char *buf, size_t cap) {
    const struct model_counters *c = &live->c;
    snprintf(buf, cap,
             "received %llu (%.0f/s)  drawn %llu  anomalies %llu (%.1f/s)  malformed %llu  "
             "series %zu",
             (unsigned long long)c->points, c->points_rate, (unsigned long long)c->drawn,
             (unsigned long long)c->anomalies, c->anomalies_rate,
             (unsigned long long)c->malformed, live->nseries);
}

static void chart_header(const struct chart_ctx *cx, const struct model *live,
                         const struct chart_status *st, const struct chart_opts *o, int rows) {
    char buf[CHART_TEXT_MAX];
    int w = cx->g->w, x = 0;

    x = chart_text(cx, x, 0, w, " blip ", CHART_C_TITLE, CHART_A_REVERSE | CHART_A_BOLD);
    if (rows >= 2) {
        x = chart_text(cx, x + 1, 0, w, st->url, CHART_C_DEFAULT, 0);
        x = chart_text(cx, x + 1, 0, w, chart_link_name(st->link), chart_link_color(st->link),
                       CHART_A_BOLD);
        snprintf(buf, sizeof buf, "  in %s  anomalies %s", st->in, st->anomalies);
        chart_text(cx, x, 0, w, buf, CHART_C_DEFAULT, 0);
        chart_counters_text(live, buf, sizeof buf);
        chart_text(cx, 1, 1, w, buf, CHART_C_DEFAULT, 0);
    } else {
        x = chart_text(cx, x + 1, 0, w, chart_link_name(st->link), chart_link_color(st->link),
                       CHART_A_BOLD);
        snprintf(buf, sizeof buf, "  received %llu  anomalies %llu",
                 (unsigned long long)live->c.points, (unsigned long long)live->c.anomalies);
        chart_text(cx, x, 0, w, buf, CHART_C_DEFAULT, 0);
    }
    if (o->paused && w >= 8)
        chart_text(cx, w - 8, 0, w, " PAUSED ", CHART_C_TITLE, CHART_A_REVERSE | CHART_A_BOLD);
}

static void chart_footer(const struct chart_ctx *cx, const struct chart_status *st, int y) {
    static const char hints[] =
        " q quit  p pause  +/- zoom  Tab series  l log  b band  c clear  ? help";
    if (st->message && st->message[0]) {
        chart_text(cx, 1, y, cx->g->w, st->message,
                   st->link == CHART_LINK_UP ? CHART_C_DEFAULT : CHART_C_BAD, 0);
    } else {
        chart_text(cx, 0, y, cx->g->w, hints, CHART_C_AXIS, CHART_A_DIM);
    }
}

/* ---- one chart ---- */

static void chart_title(const struct chart_ctx *cx, const struct model *m,
                        const struct model_series *s, const struct chart_status *st, int selected,
                        int y) {
    struct model_summary sum;
    char last[24], mean[24], mn[24], mx[24], buf[CHART_TEXT_MAX];
    int w = cx->g->w, x;

    model_summarise(m, s, &sum);
    chart_format_value(s->last, last, sizeof last);
    chart_format_value(sum.mean, mean, sizeof mean);
    chart_format_value(sum.min, mn, sizeof mn);
    chart_format_value(sum.max, mx, sizeof mx);
    chart_put(cx, 0, y, selected ? cx->gl->select : ' ', CHART_C_TITLE, CHART_A_BOLD);
    x = chart_text(cx, 2, y, w, s->name, CHART_C_TITLE,
                   CHART_A_BOLD | (selected ? CHART_A_REVERSE : 0u));
    snprintf(buf, sizeof buf, "  last %s %s  mean %s  min %s  max %s", last,
             s->unit[0] ? s->unit : "ms", mean, mn, mx);
    x = chart_text(cx, x, y, w, buf, CHART_C_DEFAULT, 0);
    snprintf(buf, sizeof buf, "  anomalies %llu", (unsigned long long)s->anomalies);
    x = chart_text(cx, x, y, w, buf, s->anomalies ? CHART_C_HIGH : CHART_C_DEFAULT,
                   s->anomalies ? CHART_A_BOLD : 0u);
    if (s->phase[0]) {
        snprintf(buf, sizeof buf, "  %s", s->phase);
        x = chart_text(cx, x, y, w, buf, CHART_C_DEFAULT, 0);
    }
    if (st->now_ms - s->last_rx_ms >= CHART_IDLE_MS) {
        snprintf(buf, sizeof buf, "  idle %llds", (long long)((st->now_ms - s->last_rx_ms) / 1000));
        chart_text(cx, x, y, w, buf, CHART_C_BAD, 0);
    }
}

/* The bucket under dot column c, or NULL when there is none or it holds no points. */
static const struct model_bucket *chart_bucket(const struct model *m, const struct model_series *s,
                                               const struct chart_plot *p, int c) {
    long mc = p->off + c;
    const struct model_bucket *b;
    if (mc < 0 || mc >= (long)m->cols || !s->has_data)
        return NULL;
    b = model_bucket(m, s, (size_t)mc);
    return b->n ? b : NULL;
}

/* Band in force at dot column 0: the first one in view, else the series' latest. */
static int chart_band_start(const struct model *m, const struct model_series *s,
                            const struct chart_plot *p, double *lo, double *hi) {
    for (int c = 0; c < p->nd; c++) {
        long mc = p->off + c;
        const struct model_bucket *b;
        if (mc < 0 || mc >= (long)m->cols || !s->has_data)
            continue;
        b = model_bucket(m, s, (size_t)mc);
        if (b->has_band) {
            *lo = b->band_lo;
            *hi = b->band_hi;
            return 1;
        }
    }
    *lo = s->band_lo;
    *hi = s->band_hi;
    return s->has_band;
}

/* Band in force at dot column c, carried forward from the left. */
static int chart_band_at(const struct model *m, const struct model_series *s,
                         const struct chart_plot *p, int c, int have, double *lo, double *hi) {
    long mc = p->off + c;
    if (mc >= 0 && mc < (long)m->cols && s->has_data) {
        const struct model_bucket *b = model_bucket(m, s, (size_t)mc);
        if (b->has_band) {
            *lo = b->band_lo;
            *hi = b->band_hi;
            return 1;
        }
    }
    return have;
}

/* Sets p->lo, hi, step from the data (and band) in view. Returns 0 when nothing is in view. */
static int chart_scale(const struct model *m, const struct model_series *s, int show_band,
                       struct chart_plot *p) {
    double mn = 0, mx = 0, blo = 0, bhi = 0;
    int any = 0, band = show_band && chart_band_start(m, s, p, &blo, &bhi), intervals;

    for (int c = 0; c < p->nd; c++) {
        const struct model_bucket *b = chart_bucket(m, s, p, c);
        if (b) {
            mn = !any || b->min < mn ? b->min : mn;
            mx = !any || b->max > mx ? b->max : mx;
            any = 1;
        }
    }
    if (!any)
        return 0;
    for (int c = 0; show_band && c < p->nd; c++) {
        if ((band = chart_band_at(m, s, p, c, band, &blo, &bhi)) && chart_bucket(m, s, p, c)) {
            mn = blo < mn ? blo : mn;
            mx = bhi > mx ? bhi : mx;
        }
    }
    if (mx - mn <= fabs(mx) * 1e-9) {
        double pad = fabs(mx) * 0.05;
        pad = pad > 0 ? pad : 1;
        mn -= pad;
        mx += pad;
    }
    intervals = p->ph / 2;
    intervals = intervals < 2 ? 2 : intervals > CHART_TICKS_MAX ? CHART_TICKS_MAX : intervals;
    p->step = chart_nice((mx - mn) / intervals);
    p->lo = mn;
    p->hi = mx;
    return 1;
}

/* Dot row (0 = bottom) of value v. */
static int chart_dot(const struct chart_plot *p, double v) {
    int d = p->ph * p->dy;
    double f = (v - p->lo) / (p->hi - p->lo) * (d - 1);
    long r = lround(f);
    return r < 0 ? 0 : r >= d ? d - 1 : (int)r;
}

static int chart_dot_row(const struct chart_plot *p, int d) { return p->y0 + p->ph - 1 - d / p->dy; }

/* Sets dot (c, d) in colour col; in braille, cells already holding another colour are left. */
static void chart_dot_set(const struct chart_ctx *cx, const struct chart_plot *p, int c, int d,
                          enum chart_color col) {
    int x = p->x0 + c / p->dx, y = chart_dot_row(p, d);
    struct chart_cell *cell;
    if (x < 0 || y < 0 || x >= cx->g->w || y >= cx->g->h)
        return;
    cell = &cx->g->cells[(size_t)y * (size_t)cx->g->w + (size_t)x];
    if (cell->ch != ' ' && cell->color != col)
        return;
    if (cx->ascii) {
        cell->ch = col == CHART_C_BAND ? cx->gl->band : '-';
    } else {
        uint32_t bits = cell->ch >= CHART_BRAILLE && cell->ch <= CHART_BRAILLE + 0xFF
                            ? cell->ch - CHART_BRAILLE
                            : 0;
        cell->ch = CHART_BRAILLE + (bits | chart_braille_bit[p->dy - 1 - d % p->dy][c % p->dx]);
    }
    cell->color = (uint8_t)col;
    cell->attr = col == CHART_C_BAND ? CHART_A_DIM : 0;
}

/* The line: each column's min..max, stretched to one dot short of the previous last value
 * (across empty columns too, so a line re-bucketed after zooming in stays one line). */
static void chart_line(const struct chart_ctx *cx, const struct model *m,
                       const struct model_series *s, const struct chart_plot *p) {
    int prev = 0, have_prev = 0;
    for (int c = 0; c < p->nd; c++) {
        const struct model_bucket *b = chart_bucket(m, s, p, c);
        int lo, hi;
        if (!b)
            continue;
        lo = chart_dot(p, b->min);
        hi = chart_dot(p, b->max);
        if (have_prev && prev > hi + 1)
            hi = prev - 1;
        else if (have_prev && prev < lo - 1)
            lo = prev + 1;
        for (int d = lo; d <= hi; d++)
            chart_dot_set(cx, p, c, d, CHART_C_LINE);
        if (cx->ascii && hi > lo)
            for (int d = lo; d <= hi; d++)
                chart_put(cx, p->x0 + c, chart_dot_row(p, d), '|', CHART_C_LINE, 0);
        prev = chart_dot(p, b->last);
        have_prev = 1;
    }
}

/* The band's two edges, dotted (every other dot column), where the line leaves room. */
static void chart_band(const struct chart_ctx *cx, const struct model *m,
                       const struct model_series *s, const struct chart_plot *p) {
    double lo = 0, hi = 0;
    int have = chart_band_start(m, s, p, &lo, &hi);
    for (int c = 0; c < p->nd; c++) {
        have = chart_band_at(m, s, p, c, have, &lo, &hi);
        if (!have || c % 2 != 0 || !chart_bucket(m, s, p, c))
            continue;
        if (lo >= p->lo && lo <= p->hi)
            chart_dot_set(cx, p, c, chart_dot(p, lo), CHART_C_BAND);
        if (hi >= p->lo && hi <= p->hi)
            chart_dot_set(cx, p, c, chart_dot(p, hi), CHART_C_BAND);
    }
}

static void chart_markers(const struct chart_ctx *cx, const struct model *m,
                          const struct model_series *s, const struct chart_plot *p) {
    for (int c = 0; c < p->nd; c++) {
        long mc = p->off + c;
        const struct model_bucket *b;
        if (mc < 0 || mc >= (long)m->cols || !s->has_data)
            continue;
        b = model_bucket(m, s, (size_t)mc);
        if (b->sev == SEV_NONE)
            continue;
        chart_put(cx, p->x0 + c / p->dx, chart_dot_row(p, chart_dot(p, b->mark)),
                  cx->gl->mark[b->sev], chart_sev_color[b->sev], CHART_A_BOLD);
    }
}

static void chart_yaxis(const struct chart_ctx *cx, const struct chart_plot *p, int have_data) {
    char label[32];
    int ax = p->x0 - 1;
    if (ax < 0)
        return;
    for (int y = p->y0; y < p->y0 + p->ph; y++)
        chart_put(cx, ax, y, cx->gl->vline, CHART_C_AXIS, 0);
    if (!have_data)
        return;
    for (double k = floor(p->hi / p->step); k >= ceil(p->lo / p->step); k--) {
        double v = k * p->step;
        int y = chart_dot_row(p, chart_dot(p, v)), len;
        if (chart_grid_at(cx->g, ax, y) && chart_grid_at(cx->g, ax, y)->ch == cx->gl->tick)
            continue; /* two ticks on one row: the upper one keeps it */
        chart_tick_label(v, p->step, fabs(p->lo) > fabs(p->hi) ? fabs(p->lo) : fabs(p->hi),
                         label, sizeof label);
        len = (int)strlen(label);
        chart_text(cx, ax - 1 - len, y, ax - 1, label, CHART_C_AXIS, 0);
        chart_put(cx, ax, y, cx->gl->tick, CHART_C_AXIS, 0);
    }
}

/* Time axis: "└─ -60s ──── now ─" under the plot. */
static void chart_xaxis(const struct chart_ctx *cx, const struct model *m,
                        const struct chart_plot *p, int y) {
    struct model_window span = m->win;
    char text[MODEL_WINDOW_TEXT_MAX + 4], amount[MODEL_WINDOW_TEXT_MAX];
    long shown = p->nd < (long)m->cols ? p->nd : (long)m->cols;
    int64_t units = (int64_t)shown * m->units / (int64_t)m->cols;

    if (p->x0 > 0)
        chart_put(cx, p->x0 - 1, y, cx->gl->corner, CHART_C_AXIS, 0);
    chart_hfill(cx, p->x0, p->x0 + p->pw, y, cx->gl->hline, CHART_C_AXIS, 0);
    span.amount = (long)(m->win.unit == MODEL_SECONDS ? (units + 500) / 1000 : units);
    model_window_format(&span, amount);
    snprintf(text, sizeof text, " -%s ", amount);
    if (p->pw >= (int)strlen(text) + 7) {
        chart_text(cx, p->x0 + 1, y, p->x0 + p->pw, text, CHART_C_AXIS, 0);
        chart_text(cx, p->x0 + p->pw - 6, y, p->x0 + p->pw, " now ", CHART_C_AXIS, 0);
    }
}

static void chart_one(const struct chart_ctx *cx, const struct model *m,
                      const struct model_series *s, const struct chart_status *st,
                      const struct chart_opts *o, const struct chart_layout *l, int selected,
                      int y, int rows) {
    struct chart_plot p;
    int axis = rows >= 4, have;

    chart_title(cx, m, s, st, selected, y);
    memset(&p, 0, sizeof p);
    p.x0 = l->yaxis_w;
    p.y0 = y + 1;
    p.pw = cx->g->w - p.x0;
    p.ph = rows - 1 - axis;
    if (p.ph <= 0 || p.pw <= 0)
        return;
    p.dx = cx->ascii ? 1 : 2;
    p.dy = cx->ascii ? 1 : 4;
    p.nd = p.pw * p.dx;
    p.off = (long)m->cols - p.nd;
    have = chart_scale(m, s, o->show_band, &p);
    chart_yaxis(cx, &p, have);
    if (axis)
        chart_xaxis(cx, m, &p, p.y0 + p.ph);
    if (!have) {
        chart_text(cx, p.x0 + 1, p.y0 + (p.ph - 1) / 2, p.x0 + p.pw, "no points in the window",
                   CHART_C_AXIS, CHART_A_DIM);
        return;
    }
    chart_line(cx, m, s, &p);
    if (o->show_band)
        chart_band(cx, m, s, &p);
    chart_markers(cx, m, s, &p);
}

static void chart_charts(const struct chart_ctx *cx, const struct model *m,
                         const struct chart_status *st, const struct chart_opts *o,
                         const struct chart_layout *l) {
    int y = l->header_rows, base, extra;
    char buf[CHART_TEXT_MAX];
    size_t sel = o->selected < m->nseries ? o->selected : m->nseries - 1;

    if (l->nshown == 0) {
        if (l->chart_rows > 0) {
            snprintf(buf, sizeof buf, "waiting for points on \"%s\"", st->in);
            chart_text(cx, 1, y + (l->chart_rows - 1) / 2, cx->g->w, buf, CHART_C_AXIS,
                       CHART_A_DIM);
        }
        return;
    }
    base = l->chart_rows / (int)l->nshown;
    extra = l->chart_rows % (int)l->nshown;
    for (size_t i = 0; i < l->nshown; i++) {
        size_t idx = l->first + i;
        int rows = base + ((int)i < extra);
        chart_one(cx, m, &m->series[idx], st, o, l, idx == sel, y, rows);
        y += rows;
    }
}

/* ---- the anomaly log ---- */

static void chart_time_of_day(int64_t ms, char *buf, size_t cap) {
    int64_t d = ms % 86400000;
    if (d < 0)
        d += 86400000;
    snprintf(buf, cap, "%02d:%02d:%02d.%03d", (int)(d / 3600000), (int)(d / 60000 % 60),
             (int)(d / 1000 % 60), (int)(d % 1000));
}

static void chart_log(const struct chart_ctx *cx, const struct model *m,
                      const struct chart_status *st, int y0, int rows) {
    char buf[CHART_TEXT_MAX], tod[16], val[24];
    int w = cx->g->w, sw = 0;

    chart_hfill(cx, 0, w, y0, cx->gl->hline, CHART_C_AXIS, 0);
    snprintf(buf, sizeof buf, " anomalies, newest first: low %llu  medium %llu  high %llu ",
             (unsigned long long)m->c.by_sev[SEV_LOW], (unsigned long long)m->c.by_sev[SEV_MEDIUM],
             (unsigned long long)m->c.by_sev[SEV_HIGH]);
    chart_text(cx, 1, y0, w, buf, CHART_C_TITLE, CHART_A_BOLD);
    if (m->log_len == 0 && rows > 1)
        chart_text(cx, 1, y0 + 1, w, "no anomalies yet", CHART_C_AXIS, CHART_A_DIM);
    for (int i = 0; i + 1 < rows && model_log_get(m, (size_t)i); i++) {
        int len = (int)strlen(model_log_get(m, (size_t)i)->series);
        sw = len > sw ? len : sw;
    }
    sw = sw > CHART_LOG_SERIES_W ? CHART_LOG_SERIES_W : sw;
    for (int i = 0; i + 1 < rows; i++) {
        const struct model_log_entry *e = model_log_get(m, (size_t)i);
        int x;
        if (!e)
            break;
        chart_time_of_day(e->ts + st->utc_offset_ms, tod, sizeof tod);
        chart_format_value(e->value, val, sizeof val);
        snprintf(buf, sizeof buf, " %s  %-*.*s %9s  z %+7.2f  ", tod, sw, sw, e->series, val,
                 e->score);
        x = chart_text(cx, 0, y0 + 1 + i, w, buf, CHART_C_DEFAULT, 0);
        chart_text(cx, x, y0 + 1 + i, w, codec_severity_name(e->sev), chart_sev_color[e->sev],
                   CHART_A_BOLD);
    }
}

/* ---- help ---- */

static void chart_help(const struct chart_ctx *cx, const char *const *lines) {
    int n = 0, wmax = 0, bw, bh, x0, y0;
    const struct chart_glyphs *gl = cx->gl;

    for (; lines[n]; n++) {
        int len = (int)strlen(lines[n]);
        wmax = len > wmax ? len : wmax;
    }
    bw = wmax + 4;
    bh = n + 2;
    bw = bw > cx->g->w ? cx->g->w : bw;
    bh = bh > cx->g->h ? cx->g->h : bh;
    x0 = (cx->g->w - bw) / 2;
    y0 = (cx->g->h - bh) / 2;
    for (int y = y0; y < y0 + bh; y++) {
        int edge_y = y == y0 || y == y0 + bh - 1;
        chart_hfill(cx, x0, x0 + bw, y, edge_y ? gl->hline : ' ', CHART_C_AXIS, 0);
        chart_put(cx, x0, y, edge_y ? (y == y0 ? gl->tl : gl->bl) : gl->vline, CHART_C_AXIS, 0);
        chart_put(cx, x0 + bw - 1, y, edge_y ? (y == y0 ? gl->tr : gl->br) : gl->vline,
                  CHART_C_AXIS, 0);
        if (!edge_y && y - y0 - 1 < n)
            chart_text(cx, x0 + 2, y, x0 + bw - 2, lines[y - y0 - 1], CHART_C_DEFAULT,
                       y == y0 + 1 ? CHART_A_BOLD : 0u);
    }
}

void chart_render(const struct model *pic, const struct model *live, const struct chart_status *st,
                  const struct chart_opts *o, struct chart_grid *g) {
    struct chart_ctx cx = {g, o->ascii ? &chart_ascii : &chart_unicode, o->ascii};
    struct chart_layout l;

    chart_grid_resize(g, g->w, g->h);
    chart_layout(g->w, g->h, o, pic->nseries, &l);
    if (g->w <= 0 || g->h <= 0)
        return;
    chart_header(&cx, live, st, o, l.header_rows);
    chart_charts(&cx, pic, st, o, &l);
    if (l.log_rows > 0)
        chart_log(&cx, pic, st, l.header_rows + l.chart_rows, l.log_rows);
    if (l.footer_rows > 0)
        chart_footer(&cx, st, g->h - 1);
    if (o->show_help && o->help)
        chart_help(&cx, o->help);
}

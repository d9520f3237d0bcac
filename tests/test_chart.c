/* test_chart.c - the renderer: known series to known grids of cells (braille and ASCII), marker
 * columns and colours, y-axis labels, the band, the header and its counters, the log pane
 * (newest on top), the help overlay, and tiny (20x5), standard (80x24) and huge (300x100)
 * terminals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "chart.h"
#include "keys.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */

static const struct chart_status status_up = {"redis://127.0.0.1:6379", "response_times",
                                              "anomalies", CHART_LINK_UP, NULL, 0, 0};

/* ---- helpers ---- */

static struct point pt(const char *series, double v, int64_t seq) {
    struct point p;
    memset(&p, 0, sizeof p);
    snprintf(p.series, sizeof p.series, "%s", series);
    p.value = v;
    p.seq = seq;
    p.has = CODEC_HAS_SEQ;
    return p;
}

static struct point pt_ts(const char *series, double v, int64_t seq, int64_t ts) {
    struct point p = pt(series, v, seq);
    p.ts = ts;
    p.has |= CODEC_HAS_TS;
    return p;
}

static void push_anomaly(struct model *m, const struct point *p, enum severity sev, double score,
                         double mean, double std, double threshold) {
    struct anomaly a;
    memset(&a, 0, sizeof a);
    a.pt = *p;
    a.severity = sev;
    a.score = score;
    a.mean = mean;
    a.std = std;
    a.threshold = threshold;
    model_push_anomaly(m, &a, 0);
}

/* A model with a window of `points` points over `cols` columns. */
static void model_points(struct model *m, long points, size_t cols) {
    struct model_window w = {MODEL_POINTS, points};
    char err[128];
    assert_int_equal(model_init(m, &w, cols, 16, NULL, err, sizeof err), 0);
}

/* "web": the first half of the columns at 0, the second at 11, one point per column; a high
 * anomaly at column n/2 + 4 whose band is 5 +- 2 * 1. */
static void model_step(struct model *m, int w, int ascii) {
    long n = (long)chart_columns(w, ascii);
    model_points(m, n < 10 ? 10 : n, (size_t)n);
    for (long i = 0; i < n; i++) {
        struct point p = pt("web", i < n / 2 ? 0 : 11, i);
        model_push_point(m, &p, 0);
    }
    {
        struct point p = pt("web", 11, n / 2 + 4);
        push_anomaly(m, &p, SEV_HIGH, 4, 5, 1, 2);
    }
}

static void render(const struct model *m, const struct chart_opts *o, int w, int h,
                   struct chart_grid *g) {
    chart_grid_init(g);
    chart_grid_resize(g, w, h);
    chart_render(m, m, &status_up, o, g);
}

static void print_rows(const struct chart_grid *g) {
    char buf[8192];
    for (int y = 0; y < g->h; y++) {
        chart_grid_row(g, y, buf, sizeof buf);
        print_message("        \"%s\",\n", buf);
    }
}

/* Every row of g equals rows[] (UTF-8, trailing blanks dropped). */
static void assert_rows(const struct chart_grid *g, const char *const *rows, int n) {
    char buf[8192];
    assert_int_equal(g->h, n);
    for (int y = 0; y < n; y++) {
        chart_grid_row(g, y, buf, sizeof buf);
        if (strcmp(buf, rows[y]) != 0) {
            print_message("row %d differs; the grid is:\n", y);
            print_rows(g);
        }
        assert_string_equal(buf, rows[y]);
    }
}

static void row(const struct chart_grid *g, int y, char *buf, size_t cap) {
    chart_grid_row(g, y, buf, cap);
}

/* Colours of row y as one digit per cell ('.' for the default). */
static void colors(const struct chart_grid *g, int y, char *buf) {
    int x;
    for (x = 0; x < g->w; x++) {
        const struct chart_cell *c = chart_grid_at(g, x, y);
        buf[x] = c->color ? (char)('0' + c->color) : '.';
    }
    buf[x] = '\0';
}

static int find_row(const struct chart_grid *g, const char *needle) {
    char buf[8192];
    for (int y = 0; y < g->h; y++) {
        row(g, y, buf, sizeof buf);
        if (strstr(buf, needle))
            return y;
    }
    return -1;
}

/* ---- exact grids ---- */

static void test_braille_step_exact(void **state) {
    static const char *const want[] = {
        " blip  up  received 32",
        "\xe2\x96\xb6 web  last 11.00 ms  me",
        "    10 ┤        ⡏⠉▲⠉⠉⠉⠉⠉",
        "       │        ⡇",
        "     0 ┤⣀⣀⣀⣀⣀⣀⣀⣀⠇",
        "       └─ -32 pts  now ─",
    };
    struct chart_opts o = {0, 0, 0, 0, 0, 0, NULL};
    struct model m;
    struct chart_grid g;
    char c[64];
    (void)state;
    model_step(&m, 24, 0);
    render(&m, &o, 24, 6, &g);
    assert_rows(&g, want, 6);
    /* line green, marker red, axis in its colour */
    colors(&g, 2, c);
    assert_string_equal(c, "....22.2........11611111");
    colors(&g, 4, c);
    assert_string_equal(c, ".....2.2111111111.......");
    assert_int_equal(chart_grid_at(&g, 18, 2)->attr, CHART_A_BOLD); /* the marker */
    chart_grid_clear(&g);
    model_clear(&m);
}

static void test_band_drawn_where_the_line_leaves_room(void **state) {
    static const char *const want[] = {
        " blip  up  received 32",
        "\xe2\x96\xb6 web  last 11.00 ms  me",
        "    10 ┤        ⡏⠉▲⠉⠉⠉⠉⠉",
        "       │⠁⠁⠁⠁⠁⠁⠁⠁⡇⠁⠁⠁⠁⠁⠁⠁",
        "     0 ┤⣀⣀⣀⣀⣀⣀⣀⣀⠇⠁⠁⠁⠁⠁⠁⠁",
        "       └─ -32 pts  now ─",
    };
    struct chart_opts o = {0, 0, 1, 0, 0, 0, NULL};
    struct model m;
    struct chart_grid g;
    char c[64];
    (void)state;
    model_step(&m, 24, 0);
    render(&m, &o, 24, 6, &g);
    assert_rows(&g, want, 6);
    colors(&g, 3, c);
    assert_string_equal(c, ".......27777777717777777");
    assert_int_equal(chart_grid_at(&g, 9, 3)->attr, CHART_A_DIM);
    chart_grid_clear(&g);
    model_clear(&m);
}

static void test_ascii_fallback_exact(void **state) {
    static const char *const want[] = {
        " blip  up  received 16",
        "> web  last 11.00 ms  me",
        "    10 +        |---@---",
        "       |        |",
        "     0 +--------",
        "       +- -16 pts  now -",
    };
    struct chart_opts o = {1, 0, 0, 0, 0, 0, NULL};
    struct model m;
    struct chart_grid g;
    char buf[256];
    (void)state;
    model_step(&m, 24, 1);
    render(&m, &o, 24, 6, &g);
    assert_rows(&g, want, 6);
    for (int y = 0; y < 6; y++) {
        row(&g, y, buf, sizeof buf);
        for (const char *p = buf; *p; p++)
            assert_true((unsigned char)*p < 0x80);
    }
    chart_grid_clear(&g);
    model_clear(&m);
}

static void test_ascii_replaces_non_ascii_text(void **state) {
    struct chart_status st = status_up;
    struct chart_opts o = {1, 0, 0, 0, 0, 0, NULL};
    struct model m;
    struct chart_grid g;
    char buf[256];
    (void)state;
    st.in = "caf\xc3\xa9";
    model_points(&m, 10, 10);
    chart_grid_init(&g);
    chart_grid_resize(&g, 80, 12);
    chart_render(&m, &m, &st, &o, &g);
    row(&g, 0, buf, sizeof buf);
    assert_string_equal(buf, " blip  redis://127.0.0.1:6379 up  in caf?  anomalies anomalies");
    st.in = "bad\xff";
    o.ascii = 0;
    chart_render(&m, &m, &st, &o, &g);
    row(&g, 0, buf, sizeof buf);
    assert_string_equal(buf, " blip  redis://127.0.0.1:6379 up  in bad?  anomalies anomalies");
    chart_grid_clear(&g);
    model_clear(&m);
}

static void test_tiny_20x5(void **state) {
    static const char *const want[] = {
        " blip  up  received",
        "\xe2\x96\xb6 web  last 11.00 ms",
        "    10 ┤⡀⡀⡀⡀⡀⡀⡏⠉▲⠉⠉⠉",
        "     0 ┤⣀⣀⣀⣀⣀⣀⠇⠂⠂⠂⠂⠂",
        "       └────────────",
    };
    struct chart_opts o = {0, 1, 1, 0, 0, 0, keys_help};
    struct model m;
    struct chart_grid g;
    (void)state;
    model_step(&m, 20, 0);
    render(&m, &o, 20, 5, &g);
    assert_rows(&g, want, 5);
    chart_grid_clear(&g);
    model_clear(&m);
}

static void test_narrow_drops_the_y_axis(void **state) {
    struct chart_opts o = {1, 0, 0, 0, 0, 0, NULL};
    struct model m;
    struct chart_grid g;
    char buf[64];
    (void)state;
    assert_int_equal(chart_columns(19, 1), 19);
    model_step(&m, 19, 1);
    render(&m, &o, 19, 5, &g);
    row(&g, 2, buf, sizeof buf);
    assert_string_equal(buf, "         ----@-----"); /* one row up: no riser needed */
    row(&g, 3, buf, sizeof buf);
    assert_string_equal(buf, "---------");
    chart_grid_clear(&g);
    model_clear(&m);
}

/* ---- labels and markers ---- */

/* The y-axis labels of a plot of values lo..hi, top to bottom, joined with '|'. */
static void axis_labels(double lo, double hi, int h, char *out, size_t cap) {
    struct chart_opts o = {1, 0, 0, 0, 0, 0, NULL};
    struct model m;
    struct chart_grid g;
    char buf[256];
    size_t n = 0;
    model_points(&m, 32, 32);
    for (int i = 0; i < 32; i++) {
        struct point p = pt("s", lo + (hi - lo) * i / 31.0, i);
        model_push_point(&m, &p, 0);
    }
    render(&m, &o, 40, h, &g);
    out[0] = '\0';
    for (int y = 3; y <= h - 3; y++) { /* the plot rows */
        row(&g, y, buf, sizeof buf);
        buf[CHART_YLABEL_W] = '\0';
        if (buf[CHART_YLABEL_W - 1] != ' ')
            n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? "|" : "",
                                  buf + strspn(buf, " "));
    }
    chart_grid_clear(&g);
    model_clear(&m);
}

static void test_y_axis_labels(void **state) {
    static const struct {
        double lo, hi;
        int h;
        const char *labels;
    } cases[] = {
        {195, 230, 16, "230|220|210|200"},       /* 11 rows: 5 intervals of 7 -> 10 */
        {0.1, 0.9, 16, "0.8|0.6|0.4|0.2"},
        {-5, 5, 12, "5|0|-5"},
        {120000, 180000, 12, "180k|160k|140k|120k"},
        {1.2e6, 1.8e6, 12, "1.8M|1.6M|1.4M|1.2M"},
        {-2.5e9, 0, 12, "0|-1G|-2G"},
        {0.001, 0.004, 12, "0.004|0.003|0.002|0.001"},
        {9000, 9999, 12, "9500|9000"},
        {200, 200, 12, "210|200|190"}, /* flat: 5% either side */
        {0, 0, 12, "1|0|-1"},          /* flat at zero: 1 either side */
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char got[256];
        axis_labels(cases[i].lo, cases[i].hi, cases[i].h, got, sizeof got);
        if (strcmp(got, cases[i].labels) != 0)
            print_message("case %zu: %s\n", i, got);
        assert_string_equal(got, cases[i].labels);
    }
}

static void test_markers_at_their_points_columns(void **state) {
    struct chart_opts o = {0, 0, 0, 0, 0, 0, NULL};
    struct model m;
    struct model_window w = {MODEL_SECONDS, 72};
    struct chart_grid g;
    char err[64];
    static const struct {
        int idx;
        enum severity sev;
        uint32_t glyph;
        enum chart_color color;
    } marks[] = {{10, SEV_LOW, 0x2022, CHART_C_LOW},
                 {71, SEV_MEDIUM, 0x25C6, CHART_C_MEDIUM},
                 {143, SEV_HIGH, 0x25B2, CHART_C_HIGH}};
    (void)state;
    /* 80 wide: 72 plot cells, 144 columns of 500 ms */
    assert_int_equal(model_init(&m, &w, chart_columns(80, 0), 4, NULL, err, sizeof err), 0);
    for (int i = 0; i < 144; i++) {
        struct point p = pt("web", i == 10 || i == 71 || i == 143 ? 150 : 100, i);
        model_push_point(&m, &p, T0 + i * 500);
    }
    for (size_t k = 0; k < 3; k++) {
        struct point p = pt("web", 150, marks[k].idx);
        push_anomaly(&m, &p, marks[k].sev, 5, 0, 0, 0);
    }
    render(&m, &o, 80, 24, &g);
    /* one series, no log: title row 2, plot rows 3..21, axis row 22; 150 is the top row */
    for (size_t k = 0; k < 3; k++) {
        const struct chart_cell *c = chart_grid_at(&g, CHART_YAXIS_W + marks[k].idx / 2, 3);
        assert_int_equal(c->ch, marks[k].glyph);
        assert_int_equal(c->color, marks[k].color);
    }
    /* below the first marker, the riser back down to 100 (column 11, same cell) */
    assert_int_equal(chart_grid_at(&g, CHART_YAXIS_W + 5, 4)->color, CHART_C_LINE);
    assert_int_equal(chart_grid_at(&g, CHART_YAXIS_W + 6, 3)->ch, ' ');
    chart_grid_clear(&g);
    /* ASCII: one column per cell */
    o.ascii = 1;
    assert_int_equal(model_set_view(&m, &m.win, chart_columns(80, 1)), 0);
    render(&m, &o, 80, 24, &g);
    assert_int_equal(chart_grid_at(&g, CHART_YAXIS_W + 71, 3)->ch, '@'); /* 143 -> 71 */
    assert_int_equal(chart_grid_at(&g, CHART_YAXIS_W + 35, 3)->ch, 'O'); /* 71 -> 35 */
    assert_int_equal(chart_grid_at(&g, CHART_YAXIS_W + 5, 3)->ch, 'o');  /* 10 -> 5 */
    chart_grid_clear(&g);
    model_clear(&m);
}

/* ---- whole screens ---- */

/* Two series over 72 s at 500 ms per column (80 wide), three anomalies. */
static void model_two(struct model *m, int w) {
    struct model_window win = {MODEL_SECONDS, 72};
    char err[64];
    assert_int_equal(model_init(m, &win, chart_columns(w, 0), 16, NULL, err, sizeof err), 0);
    for (int i = 0; i < 144; i++) {
        struct point p = pt_ts("web", i == 100 ? 290 : 200 + i % 12, i, T0 + i * 500);
        struct point q = pt_ts("api", 100 + i / 16, i, T0 + i * 500);
        snprintf(p.phase, sizeof p.phase, "%s", i < 72 ? "NORMAL" : "HIGH");
        model_push_point(m, &p, T0 + i * 500);
        model_push_point(m, &q, T0 + i * 500);
    }
    {
        struct point p = pt_ts("web", 290, 100, T0 + 100 * 500);
        struct point q = pt_ts("api", 103, 50, T0 + 50 * 500);
        struct point r = pt_ts("web", 211, 131, T0 + 131 * 500);
        push_anomaly(m, &p, SEV_HIGH, 29.5, 205, 3, 2);
        push_anomaly(m, &q, SEV_MEDIUM, -3.25, 104, 0.3, 2);
        push_anomaly(m, &r, SEV_LOW, 2.01, 205.5, 2.7, 2);
    }
}

static void test_standard_80x24(void **state) {
    static const char *const want[] = {
        " blip  redis://127.0.0.1:6379 up  in response_times  anomalies anomalies",
        " received 288 (0/s)  drawn 0  anomalies 3 (0.0/s)  malformed 0  series 2",
        "\xe2\x96\xb6 web  last 211.0 ms  mean 206.1  min 200.0  max 290.0  anomalies 2  HIGH",
        "       │                                                  ▲",
        "       │                                                  ⣿",
        "   250 ┤                                                  ⣿",
        "       │                                                  ⣿",
        "   200 ┤⣀⠤⠤⠔⠒⠊⣆⠤⠤⠔⠒⠊⣆⠤⠤⠔⠒⠊⣆⠤⠤⠔⠒⠊⣆⠤⠤⠔⠒⠊⣆⠤⠤⠔⠒⠊⣆⠤⠤⠔⠒⠊⣆⠤⠤⠔⠒⠊⣆⠤⠻⠔⠒⠊⣆⠤⠤⠔⠒⠊⣆⠤⠤⠔⠒•⣆⠤⠤⠔⠒⠊",
        "       └─ -1m12s ───────────────────────────────────────────────────────── now ─",
        "  api  last 108.0 ms  mean 104.0  min 100.0  max 108.0  anomalies 1",
        "       │                                                        ⡤⠤⠤⠤⠤⠤⠤⠤⠋⠉⠉⠉⠉⠉⠉⠉",
        "   105 ┤                                        ⣀⣀⣀⣀⣀⣀⣀⣀⠖⠒⠒⠒⠒⠒⠒⠒⠁",
        "       │⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡖⠒⠒⠒⠒⠒⠒⠒⠁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁⡁",
        "       │                ⡤⠤⠤⠤⠤⠤⠤⠤⠋◆⠉⠉⠉⠉⠉⠉",
        "   100 ┤⣀⣀⣀⣀⣀⣀⣀⣀⠖⠒⠒⠒⠒⠒⠒⠒⠁",
        "       └─ -1m12s ───────────────────────────────────────────────────────── now ─",
        "─ anomalies, newest first: low 1  medium 1  high 1 ─────────────────────────────",
        " 00:01:05.500  web     211.0  z   +2.01  low",
        " 00:00:25.000  api     103.0  z   -3.25  medium",
        " 00:00:50.000  web     290.0  z  +29.50  high",
        "",
        "",
        "",
        " q quit  p pause  +/- zoom  Tab series  l log  b band  c clear  ? help",
    };
    struct chart_opts o = {0, 1, 1, 0, 0, 0, keys_help};
    struct model m;
    struct chart_grid g;
    (void)state;
    model_two(&m, 80);
    render(&m, &o, 80, 24, &g);
    assert_rows(&g, want, 24);
    chart_grid_clear(&g);
    model_clear(&m);
}

static void test_log_pane_colours_and_time_of_day(void **state) {
    struct chart_status st = status_up;
    struct chart_opts o = {0, 1, 1, 0, 0, 0, NULL};
    struct model m;
    struct chart_grid g;
    int y;
    char buf[256];
    (void)state;
    model_two(&m, 80);
    st.utc_offset_ms = 3600 * 1000; /* shown in local time: UTC+1 */
    chart_grid_init(&g);
    chart_grid_resize(&g, 80, 24);
    chart_render(&m, &m, &st, &o, &g);
    y = find_row(&g, "anomalies, newest first");
    assert_int_equal(y, 16);
    row(&g, y + 1, buf, sizeof buf);
    assert_string_equal(buf, " 01:01:05.500  web     211.0  z   +2.01  low");
    assert_int_equal(chart_grid_at(&g, 42, y + 1)->color, CHART_C_LOW);
    assert_int_equal(chart_grid_at(&g, 42, y + 2)->color, CHART_C_MEDIUM);
    assert_int_equal(chart_grid_at(&g, 42, y + 3)->color, CHART_C_HIGH);
    assert_int_equal(chart_grid_at(&g, 20, y + 1)->color, CHART_C_DEFAULT);
    /* log off: the charts take the room */
    o.show_log = 0;
    chart_render(&m, &m, &st, &o, &g);
    assert_int_equal(find_row(&g, "anomalies, newest first"), -1);
    assert_int_equal(find_row(&g, " api "), 13); /* 21 rows: 11 + 10 */
    chart_grid_clear(&g);
    model_clear(&m);
}

static void test_huge_300x100(void **state) {
    struct chart_opts o = {0, 1, 1, 0, 0, 4, keys_help};
    struct model m;
    struct model_window w = {MODEL_POINTS, 584};
    struct chart_grid g;
    struct chart_layout l;
    char err[64], buf[4096], name[16];
    (void)state;
    assert_int_equal(chart_columns(300, 0), 584);
    assert_int_equal(model_init(&m, &w, 584, 16, NULL, err, sizeof err), 0);
    for (int s = 0; s < 5; s++) {
        snprintf(name, sizeof name, "s%d", s);
        for (int i = 0; i < 584; i++) {
            struct point p = pt(name, (i % 100) + 10.0 * s, i);
            model_push_point(&m, &p, 0);
        }
        {
            struct point p = pt(name, 99 + 10.0 * s, 499);
            push_anomaly(&m, &p, SEV_HIGH, 3, 0, 0, 0);
        }
    }
    render(&m, &o, 300, 100, &g);
    chart_layout(300, 100, &o, m.nseries, &l);
    assert_int_equal(l.chart_rows, 85);
    assert_int_equal(l.log_rows, 12);
    assert_int_equal(l.nshown, 5);
    /* 85 rows for 5 charts: 17 each */
    for (int s = 0; s < 5; s++) {
        snprintf(name, sizeof name, " s%d ", s);
        row(&g, 2 + 17 * s, buf, sizeof buf);
        assert_non_null(strstr(buf, name));
        row(&g, 2 + 17 * s + 16, buf, sizeof buf);
        assert_non_null(strstr(buf, "└─ -584 pts ─"));
        assert_non_null(strstr(buf, "─ now ─"));
        /* point 499 is column 499 -> cell 249 + 8, on the top row (value 99 + 10s is the max) */
        assert_int_equal(chart_grid_at(&g, 8 + 249, 2 + 17 * s + 1)->ch, 0x25B2);
    }
    row(&g, 0, buf, sizeof buf);
    assert_string_equal(buf, " blip  redis://127.0.0.1:6379 up  in response_times  anomalies anomalies");
    row(&g, 87, buf, sizeof buf);
    {
        static const char title[] = "─ anomalies, newest first: low 0  medium 0  high 5 ─";
        assert_memory_equal(buf, title, strlen(title));
        for (int x = 51; x < 300; x++)
            assert_int_equal(chart_grid_at(&g, x, 87)->ch, 0x2500);
    }
    row(&g, 88, buf, sizeof buf);
    assert_string_equal(buf, " 00:00:00.000  s4     139.0  z   +3.00  high");
    row(&g, 99, buf, sizeof buf);
    assert_string_equal(buf, " q quit  p pause  +/- zoom  Tab series  l log  b band  c clear  ? help");
    /* the selected series carries the marker */
    assert_int_equal(chart_grid_at(&g, 0, 2 + 17 * 4)->ch, 0x25B6);
    assert_int_equal(chart_grid_at(&g, 0, 2)->ch, ' ');
    chart_grid_clear(&g);
    model_clear(&m);
}

static void test_header_states_paused_and_message(void **state) {
    struct chart_status st = status_up;
    struct chart_opts o = {0, 1, 1, 0, 1, 0, NULL};
    struct model m, live;
    struct chart_grid g;
    char buf[256];
    (void)state;
    model_two(&m, 80);
    model_copy(&live, &m);
    for (int i = 0; i < 5; i++) {
        struct point p = pt("web", 1, 1000 + i);
        model_push_point(&live, &p, 0);
    }
    model_note_malformed(&live);
    live.c.points_rate = 1234.4;
    live.c.anomalies_rate = 0.25;
    live.c.drawn = 280;
    st.link = CHART_LINK_DOWN;
    st.message = "warn: subscriber: lost connection to redis://127.0.0.1:6379";
    chart_grid_init(&g);
    chart_grid_resize(&g, 80, 24);
    chart_render(&m, &live, &st, &o, &g);
    row(&g, 0, buf, sizeof buf);
    assert_string_equal(buf, " blip  redis://127.0.0.1:6379 down, reconnecting  in response_times  ano PAUSED");
    assert_int_equal(chart_grid_at(&g, 30, 0)->color, CHART_C_BAD);
    assert_int_equal(chart_grid_at(&g, 75, 0)->attr, CHART_A_REVERSE | CHART_A_BOLD);
    row(&g, 1, buf, sizeof buf);
    /* counters from the live model, the picture from the frozen one */
    assert_string_equal(
        buf, " received 293 (1234/s)  drawn 280  anomalies 3 (0.2/s)  malformed 1  series 2");
    row(&g, 2, buf, sizeof buf);
    assert_string_equal(buf, "▶ web  last 211.0 ms  mean 206.1  min 200.0  max 290.0  anomalies 2  HIGH");
    row(&g, 23, buf, sizeof buf);
    assert_string_equal(buf, " warn: subscriber: lost connection to redis://127.0.0.1:6379");
    assert_int_equal(chart_grid_at(&g, 2, 23)->color, CHART_C_BAD);
    st.link = CHART_LINK_CONNECTING;
    st.message = NULL;
    o.paused = 0;
    chart_render(&m, &live, &st, &o, &g);
    row(&g, 0, buf, sizeof buf);
    assert_string_equal(buf, " blip  redis://127.0.0.1:6379 connecting  in response_times  anomalies anomalies");
    st.link = CHART_LINK_FAILED;
    chart_render(&m, &live, &st, &o, &g);
    row(&g, 0, buf, sizeof buf);
    assert_string_equal(buf, " blip  redis://127.0.0.1:6379 failed  in response_times  anomalies anomalies");
    chart_grid_clear(&g);
    model_clear(&m);
    model_clear(&live);
}

static void test_idle_series_is_marked(void **state) {
    struct chart_status st = status_up;
    struct chart_opts o = {0, 0, 1, 0, 0, 0, NULL};
    struct model m;
    struct chart_grid g;
    char buf[256];
    (void)state;
    model_two(&m, 80);
    st.now_ms = T0 + 143 * 500 + CHART_IDLE_MS + 2500;
    chart_grid_init(&g);
    chart_grid_resize(&g, 100, 24);
    chart_render(&m, &m, &st, &o, &g);
    row(&g, 2, buf, sizeof buf);
    assert_string_equal(buf, "▶ web  last 211.0 ms  mean 206.1  min 200.0  max 290.0  "
                             "anomalies 2  HIGH  idle 5s");
    chart_grid_clear(&g);
    model_clear(&m);
}

static void test_waiting_and_help_overlay(void **state) {
    struct chart_opts o = {0, 1, 1, 1, 0, 0, keys_help};
    struct model m;
    struct chart_grid g;
    char buf[256];
    int y;
    (void)state;
    model_points(&m, 100, 144);
    o.show_help = 0;
    render(&m, &o, 80, 24, &g);
    row(&g, 8, buf, sizeof buf);
    assert_string_equal(buf, " waiting for points on \"response_times\"");
    row(&g, 17, buf, sizeof buf);
    assert_string_equal(buf, " no anomalies yet");
    o.show_help = 1;
    chart_render(&m, &m, &status_up, &o, &g);
    y = find_row(&g, "blip-visualizer keys");
    assert_int_equal(y, 6);
    row(&g, y - 1, buf, sizeof buf);
    assert_non_null(strstr(buf, "┌──"));
    assert_non_null(strstr(buf, "──┐"));
    row(&g, y + 3, buf, sizeof buf);
    assert_non_null(strstr(buf, "│ p  space      pause / resume the picture (data is still counted) │"));
    row(&g, y + 12, buf, sizeof buf);
    assert_non_null(strstr(buf, "└──"));
    /* ASCII box; clipped on a small screen without overflowing */
    o.ascii = 1;
    chart_grid_resize(&g, 30, 8);
    chart_render(&m, &m, &status_up, &o, &g);
    row(&g, 0, buf, sizeof buf);
    assert_string_equal(buf, "+----------------------------+");
    row(&g, 1, buf, sizeof buf);
    assert_string_equal(buf, "| blip-visualizer keys       |");
    row(&g, 7, buf, sizeof buf);
    assert_string_equal(buf, "+----------------------------+");
    chart_grid_clear(&g);
    model_clear(&m);
}

/* ---- layout and helpers ---- */

static void test_layout(void **state) {
    static const struct {
        int w, h, log;
        size_t nseries, selected;
        int header, footer, logr, charts, yaxis;
        size_t first, nshown;
    } cases[] = {
        {80, 24, 1, 2, 0, 2, 1, 7, 14, 8, 0, 2},
        {80, 24, 0, 2, 1, 2, 1, 0, 21, 8, 0, 2},
        {80, 24, 1, 5, 4, 2, 1, 7, 14, 8, 3, 2}, /* the page holding the selection */
        {80, 24, 1, 5, 2, 2, 1, 7, 14, 8, 2, 2},
        {80, 24, 1, 5, 99, 2, 1, 7, 14, 8, 3, 2}, /* selection clamped */
        {200, 50, 1, 2, 0, 2, 1, 12, 35, 8, 0, 2},
        {300, 100, 1, 5, 0, 2, 1, 12, 85, 8, 0, 5},
        {20, 5, 1, 1, 0, 1, 0, 0, 4, 8, 0, 1},
        {19, 5, 1, 1, 0, 1, 0, 0, 4, 0, 0, 1},
        {80, 24, 1, 0, 0, 2, 1, 7, 14, 8, 0, 0},
        {80, 1, 1, 3, 0, 1, 0, 0, 0, 8, 0, 0},
        {0, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct chart_opts o = {0, cases[i].log, 1, 0, 0, cases[i].selected, NULL};
        struct chart_layout l;
        chart_layout(cases[i].w, cases[i].h, &o, cases[i].nseries, &l);
        assert_int_equal(l.header_rows, cases[i].header);
        assert_int_equal(l.footer_rows, cases[i].footer);
        assert_int_equal(l.log_rows, cases[i].logr);
        assert_int_equal(l.chart_rows, cases[i].charts);
        assert_int_equal(l.yaxis_w, cases[i].yaxis);
        assert_int_equal(l.first, cases[i].first);
        assert_int_equal(l.nshown, cases[i].nshown);
    }
}

static void test_columns(void **state) {
    (void)state;
    assert_int_equal(chart_columns(80, 0), 144);
    assert_int_equal(chart_columns(80, 1), 72);
    assert_int_equal(chart_columns(19, 0), 38);
    assert_int_equal(chart_columns(1, 1), 1);
    assert_int_equal(chart_columns(0, 0), 2);
    assert_int_equal(chart_columns(5000, 0), (CHART_W_MAX - CHART_YAXIS_W) * 2);
}

static void test_format_value(void **state) {
    static const struct {
        double v;
        const char *text;
    } cases[] = {{201.94, "201.9"}, {12.345, "12.35"}, {0, "0.00"},        {0.01234, "0.0123"},
                 {-3.5, "-3.50"},   {12345, "12.3k"}, {1500000, "1.5M"}, {2.5e9, "2.5G"},
                 {9999, "9999.0"},  {1.0 / 0.0, "?"}};
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[32];
        chart_format_value(cases[i].v, buf, sizeof buf);
        assert_string_equal(buf, cases[i].text);
    }
}

static void test_grid_rows_and_resize(void **state) {
    struct chart_grid g;
    char buf[8];
    (void)state;
    chart_grid_init(&g);
    chart_grid_resize(&g, 6, 2);
    g.cells[0].ch = 0x2800 + 0xFF; /* 3 bytes */
    g.cells[1].ch = 'a';
    g.cells[2].ch = 0x1F600; /* 4 bytes */
    assert_int_equal(chart_grid_row(&g, 0, buf, sizeof buf), 8 - 4);
    assert_string_equal(buf, "\xe2\xa3\xbf" "a"); /* the emoji does not fit: cut before it */
    assert_int_equal(chart_grid_row(&g, 1, buf, sizeof buf), 0);
    assert_string_equal(buf, "");
    assert_int_equal(chart_grid_row(&g, 5, buf, sizeof buf), 0);
    assert_null(chart_grid_at(&g, 6, 0));
    assert_null(chart_grid_at(&g, -1, 0));
    chart_grid_resize(&g, CHART_W_MAX + 5, CHART_H_MAX + 5);
    assert_int_equal(g.w, CHART_W_MAX);
    assert_int_equal(g.h, CHART_H_MAX);
    chart_grid_resize(&g, -3, 4);
    assert_int_equal(g.w, 0);
    chart_grid_clear(&g);
    chart_grid_clear(&g);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_braille_step_exact),
        cmocka_unit_test(test_band_drawn_where_the_line_leaves_room),
        cmocka_unit_test(test_ascii_fallback_exact),
        cmocka_unit_test(test_ascii_replaces_non_ascii_text),
        cmocka_unit_test(test_tiny_20x5),
        cmocka_unit_test(test_narrow_drops_the_y_axis),
        cmocka_unit_test(test_y_axis_labels),
        cmocka_unit_test(test_markers_at_their_points_columns),
        cmocka_unit_test(test_standard_80x24),
        cmocka_unit_test(test_log_pane_colours_and_time_of_day),
        cmocka_unit_test(test_huge_300x100),
        cmocka_unit_test(test_header_states_paused_and_message),
        cmocka_unit_test(test_idle_series_is_marked),
        cmocka_unit_test(test_waiting_and_help_overlay),
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_columns),
        cmocka_unit_test(test_format_value),
        cmocka_unit_test(test_grid_rows_and_resize),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

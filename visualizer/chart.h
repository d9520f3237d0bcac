/* chart.h - renders the model into a grid of cells: header, one chart per series (a braille line,
 * or plain ASCII), y-axis ticks, time span, anomaly markers, the detector's band, the anomaly
 * log, a footer and the help overlay. The grid holds Unicode code points, colour indices and
 * attributes; view.c turns it into terminal output, so this file knows nothing of curses.
 *
 * Screen layout, top to bottom: header (2 rows; 1 below CHART_FULL_H), the charts, the anomaly
 * log pane (when on and there is room), footer (1 row; none below CHART_FOOTER_H).
 * Each chart: a title row, the plot with the y-axis on its left, a time axis row.
 * Pure: no I/O, no clock; allocates only in chart_grid_resize(). */
#ifndef BLIP_CHART_H
#define BLIP_CHART_H
#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define CHART_W_MAX 1024        /* grids are clamped to this size */
#define CHART_H_MAX 512
#define CHART_YLABEL_W 6        /* y-axis label width; labels are right-aligned */
#define CHART_YAXIS_W 8         /* label, a space, the axis line */
#define CHART_PLOT_W_MIN 12     /* narrower than axis + this, the y-axis is left out */
#define CHART_PLOT_MIN_ROWS 4   /* plot rows each chart gets before another chart is fitted */
#define CHART_SHOWN_MAX 64      /* charts on one screen */
#define CHART_FULL_H 12         /* from this height the header has two rows */
#define CHART_FOOTER_H 10       /* from this height there is a footer */
#define CHART_LOG_BODY_MIN 14   /* body rows needed before the log pane is shown */
#define CHART_LOG_ROWS_MIN 4    /* log pane height bounds, title row included */
#define CHART_LOG_ROWS_MAX 12
#define CHART_IDLE_MS 3000      /* a series without points this long is marked idle */
#define CHART_TEXT_MAX 512      /* longest line of text composed for one row */
#define CHART_TICKS_MAX 10      /* y-axis intervals at most (at least 2) */
#define CHART_LOG_SERIES_W 20   /* series names in the log are cut to this width */

enum chart_color {
    CHART_C_DEFAULT = 0, /* the terminal's colours */
    CHART_C_LINE,        /* the series line */
    CHART_C_AXIS,
    CHART_C_TITLE,
    CHART_C_LOW,         /* anomaly severities */
    CHART_C_MEDIUM,
    CHART_C_HIGH,
    CHART_C_BAND,        /* the detector's mean +- threshold * std */
    CHART_C_GOOD,        /* connection up */
    CHART_C_BAD,         /* connection down, errors */
    CHART_C_COUNT
};

#define CHART_A_BOLD 0x01u
#define CHART_A_DIM 0x02u
#define CHART_A_REVERSE 0x04u

struct chart_cell {
    uint32_t ch;   /* Unicode code point, printable, one column wide; ' ' when blank */
    uint8_t color; /* enum chart_color */
    uint8_t attr;  /* CHART_A_* bits */
};

struct chart_grid {
    int w, h;                 /* 0..CHART_W_MAX, 0..CHART_H_MAX */
    struct chart_cell *cells; /* w * h, row-major, owned */
};

enum chart_link { CHART_LINK_CONNECTING = 0, CHART_LINK_UP, CHART_LINK_DOWN, CHART_LINK_FAILED };

/* What the shell knows that the model does not; every string is borrowed for the call. */
struct chart_status {
    const char *url;        /* Redis URL as shown (password redacted) */
    const char *in;         /* points channel */
    const char *anomalies;  /* anomaly channel */
    enum chart_link link;
    const char *message;    /* footer text instead of the key hints, or NULL */
    int64_t now_ms;         /* wall clock, Unix ms: tells idle series */
    int64_t utc_offset_ms;  /* added to timestamps shown as time of day */
};

struct chart_opts {
    int ascii;        /* plain ASCII instead of braille and box drawing */
    int show_log;     /* the anomaly log pane */
    int show_band;    /* the detector's band */
    int show_help;    /* the help overlay */
    int paused;       /* say so in the header */
    size_t selected;  /* index of the selected series (clamped) */
    const char *const *help; /* help overlay lines, NULL-terminated; NULL: none */
};

struct chart_layout {
    int header_rows, footer_rows, log_rows, chart_rows; /* they add up to the grid height */
    int yaxis_w;      /* CHART_YAXIS_W, or 0 when the grid is too narrow */
    size_t first;     /* series [first, first + nshown) are charted */
    size_t nshown;
};

void chart_grid_init(struct chart_grid *g);           /* empty */
void chart_grid_resize(struct chart_grid *g, int w, int h); /* clamped; all cells blank */
void chart_grid_clear(struct chart_grid *g);          /* frees; safe to call twice */
const struct chart_cell *chart_grid_at(const struct chart_grid *g, int x, int y);
/* Row y as UTF-8 without trailing blanks, NUL-terminated in buf. Returns the length; a row that
 * does not fit in cap is cut at a character boundary. */
size_t chart_grid_row(const struct chart_grid *g, int y, char *buf, size_t cap);

/* Where everything goes on a w x h grid for nseries series. */
void chart_layout(int w, int h, const struct chart_opts *o, size_t nseries,
                  struct chart_layout *l);
/* Model columns (buckets) a w-wide grid draws: plot cells, times 2 for braille. 1.. */
size_t chart_columns(int w, int ascii);

/* Draws everything into g (its size is kept). pic supplies the charts and the log; live the
 * header's counters (the same model unless the picture is paused). */
void chart_render(const struct model *pic, const struct model *live, const struct chart_status *st,
                  const struct chart_opts *o, struct chart_grid *g);

/* Compact number for titles and logs: 201.94, 12.3k, 1.5M, 0.0123. Returns the length;
 * buf holds at least 16 bytes. */
size_t chart_format_value(double v, char *buf, size_t cap);
#endif

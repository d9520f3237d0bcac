/* view.c - see view.h. The one file that includes <curses.h>: curses compares each frame with
 * the last and sends only what changed, so a frame is simply every cell of the grid. */
#include "view.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <term.h>
#include <unistd.h>
#include <wchar.h>

#include "keys.h"
#include "xalloc.h"

#define VIEW_ESC_DELAY_MS 25 /* how long a lone ESC waits to be the start of a sequence */

struct view {
    SCREEN *scr;
    int active;                  /* curses owns the terminal */
    int color;                   /* colour pairs are set up */
    short pair[CHART_C_COUNT];   /* colour pair per chart colour; 0: the terminal's own */
    char reset[VIEW_RESET_MAX];  /* see view_reset_text() */
    size_t reset_len;
};

/* Foreground per chart colour; -1 keeps the terminal's. */
static const short view_fg[CHART_C_COUNT] = {
    [CHART_C_DEFAULT] = -1, [CHART_C_LINE] = COLOR_GREEN, [CHART_C_AXIS] = -1,
    [CHART_C_TITLE] = -1,   [CHART_C_LOW] = COLOR_YELLOW, [CHART_C_MEDIUM] = COLOR_MAGENTA,
    [CHART_C_HIGH] = COLOR_RED, [CHART_C_BAND] = COLOR_CYAN, [CHART_C_GOOD] = COLOR_GREEN,
    [CHART_C_BAD] = COLOR_RED,
};

static void view_colors(struct view *v) {
    short bg = -1;
    if (!has_colors() || start_color() == ERR)
        return;
    if (use_default_colors() == ERR)
        bg = COLOR_BLACK; /* the terminal cannot keep its own colours: white on black */
    for (int c = 1; c < CHART_C_COUNT && c < COLOR_PAIRS; c++) {
        short fg = view_fg[c];
        if (fg < 0 && bg < 0)
            continue; /* pair 0: the terminal's own */
        if (init_pair((short)c, fg < 0 ? COLOR_WHITE : fg, bg) == OK)
            v->pair[c] = (short)c;
    }
    v->color = 1;
}

/* Collects the sequences endwin() would send, from terminfo, for view_reset_text(). */
static void view_collect_reset(struct view *v) {
    static const char *const caps[] = {"sgr0", "cnorm", "rmkx", "rmcup"};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        const char *s = tigetstr(caps[i]);
        size_t len;
        if (!s || s == (char *)-1)
            continue; /* the terminal has no such mode */
        len = strlen(s);
        if (v->reset_len + len >= sizeof v->reset)
            break;
        memcpy(v->reset + v->reset_len, s, len);
        v->reset_len += len;
    }
}

size_t view_reset_text(const struct view *v, char *buf, size_t cap) {
    size_t n = v->reset_len < cap ? v->reset_len : cap;
    memcpy(buf, v->reset, n);
    return n;
}

struct view *view_new(int color, char *err, size_t errlen) {
    const char *term = getenv("TERM");
    struct view *v;

    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        snprintf(err, errlen, "stdin and stdout must be a terminal");
        return NULL;
    }
    if (!term || !term[0]) {
        snprintf(err, errlen, "TERM is not set");
        return NULL;
    }
    v = xcalloc(1, sizeof *v);
    v->scr = newterm(NULL, stdout, stdin);
    if (!v->scr) {
        snprintf(err, errlen, "cannot drive a terminal of type \"%.60s\"", term);
        xfree(v);
        return NULL;
    }
    set_term(v->scr);
    v->active = 1;
    /* Each setting below only fails on a screen that does not exist; there is one. */
    cbreak();
    noecho();
    nonl();
    intrflush(stdscr, FALSE);
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    leaveok(stdscr, TRUE);
    set_escdelay(VIEW_ESC_DELAY_MS);
    curs_set(0); /* ERR on terminals that cannot hide it: nothing to do then */
    view_collect_reset(v);
    if (color)
        view_colors(v);
    return v;
}

void view_restore(struct view *v) {
    if (!v || !v->active)
        return;
    v->active = 0;
    curs_set(1);
    endwin();
    fflush(stdout);
}

void view_free(struct view *v) {
    if (!v)
        return;
    view_restore(v);
    delscreen(v->scr);
    xfree(v);
}

int view_active(const struct view *v) { return v && v->active; }

void view_size(const struct view *v, int *w, int *h) {
    (void)v;
    getmaxyx(stdscr, *h, *w);
}

int view_resize(struct view *v) {
    struct winsize ws;
    if (!v->active)
        return 0;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0)
        return 0;
    if (ws.ws_row == LINES && ws.ws_col == COLS)
        return 0;
    resizeterm(ws.ws_row, ws.ws_col);
    werase(stdscr);
    return 1;
}

static attr_t view_attr(const struct view *v, const struct chart_cell *c) {
    attr_t a = A_NORMAL;
    if (c->attr & CHART_A_BOLD)
        a |= A_BOLD;
    if (c->attr & CHART_A_DIM)
        a |= A_DIM;
    if (c->attr & CHART_A_REVERSE)
        a |= A_REVERSE;
    /* without colour, a severity still stands out */
    if (!v->color && (c->color == CHART_C_HIGH || c->color == CHART_C_BAD))
        a |= A_BOLD;
    return a;
}

void view_draw(struct view *v, const struct chart_grid *g, int full) {
    int w, h;
    if (!v->active)
        return;
    getmaxyx(stdscr, h, w);
    if (full)
        clearok(curscr, TRUE);
    for (int y = 0; y < g->h && y < h; y++) {
        for (int x = 0; x < g->w && x < w; x++) {
            const struct chart_cell *c = chart_grid_at(g, x, y);
            wchar_t wc[2] = {(wchar_t)c->ch, L'\0'};
            cchar_t cc;
            short pair = v->color ? v->pair[c->color] : 0;
            if (setcchar(&cc, wc, view_attr(v, c), pair, NULL) == OK)
                mvwadd_wch(stdscr, y, x, &cc); /* ERR only for the bottom-right cell: drawn */
        }
    }
    wnoutrefresh(stdscr);
    doupdate();
}

int view_key(struct view *v) {
    wint_t wc;
    int r;
    if (!v->active)
        return KEYS_K_NONE;
    r = wget_wch(stdscr, &wc);
    if (r == ERR)
        return KEYS_K_NONE;
    if (r != KEY_CODE_YES)
        return (int)wc;
    switch (wc) {
    case KEY_UP: return KEYS_K_UP;
    case KEY_DOWN: return KEYS_K_DOWN;
    case KEY_LEFT: return KEYS_K_LEFT;
    case KEY_RIGHT: return KEYS_K_RIGHT;
    case KEY_BTAB: return KEYS_K_BTAB;
    case KEY_RESIZE: return KEYS_K_RESIZE;
    default: return KEYS_K_OTHER;
    }
}

/* keys.h - what each key does, and the interface state it changes: paused, log pane, band, help
 * overlay, selected series, quitting. view.c turns terminal input into the key codes below
 * (characters as themselves, special keys as KEYS_K_*); main.c carries out what needs the model
 * (zoom, clearing the counters).
 * Pure: no I/O. */
#ifndef BLIP_KEYS_H
#define BLIP_KEYS_H
#include <stddef.h>

/* Special keys, above every Unicode code point. */
#define KEYS_K_NONE (-1)      /* no key waiting */
#define KEYS_K_UP 0x110001
#define KEYS_K_DOWN 0x110002
#define KEYS_K_LEFT 0x110003
#define KEYS_K_RIGHT 0x110004
#define KEYS_K_BTAB 0x110005  /* Shift-Tab */
#define KEYS_K_RESIZE 0x110006 /* the terminal changed size */
#define KEYS_K_OTHER 0x110007 /* any other function key */

#define KEYS_CTRL(c) ((c) & 0x1f)
#define KEYS_ESC 0x1b

enum keys_action {
    KEYS_NONE = 0, /* the key does nothing */
    KEYS_QUIT,
    KEYS_PAUSE,    /* freeze / unfreeze the picture */
    KEYS_ZOOM_IN,  /* shorter time window */
    KEYS_ZOOM_OUT, /* longer time window */
    KEYS_NEXT,     /* select the next series */
    KEYS_PREV,
    KEYS_LOG,      /* anomaly log pane on / off */
    KEYS_BAND,     /* detector band on / off */
    KEYS_CLEAR,    /* zero the counters */
    KEYS_HELP,     /* help overlay on / off */
    KEYS_REDRAW,   /* repaint the whole terminal */
    KEYS_RESIZE,   /* re-read the terminal size */
    KEYS_ACTION_COUNT
};

struct keys_state {
    int paused;      /* the picture is frozen (data still counted) */
    int show_log;    /* default on */
    int show_band;   /* default on */
    int show_help;
    int quit;        /* set by KEYS_QUIT; the shell then stops */
    size_t selected; /* index of the selected series, < nseries when there are any */
};

/* Help overlay text, NULL-terminated: the first line is its title. */
extern const char *const keys_help[];

void keys_init(struct keys_state *st);
/* The action for key in state st: while the help overlay is up, every key but the quit keys
 * only closes it. */
enum keys_action keys_map(const struct keys_state *st, int key);
/* Applies a to st, with nseries series on screen to choose from. Returns 1 when the picture
 * must be redrawn now, 0 when nothing visible changed. */
int keys_apply(struct keys_state *st, enum keys_action a, size_t nseries);
const char *keys_action_name(enum keys_action a); /* "quit", "pause", ... */
#endif

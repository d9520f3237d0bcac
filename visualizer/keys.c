/* keys.c - see keys.h. */
#include "keys.h"

#include <string.h>

const char *const keys_help[] = {
    "blip-visualizer keys",
    "",
    "q  Ctrl-C     quit",
    "p  space      pause / resume the picture (data is still counted)",
    "+  -          zoom the time window in / out",
    "Tab  Down  j  next series",
    "S-Tab  Up  k  previous series",
    "l             anomaly log on / off",
    "b             detector band (mean +- threshold * std) on / off",
    "c             clear the counters",
    "Ctrl-L        redraw the screen",
    "?  h          this help; any key closes it",
    NULL,
};

static const struct {
    int key;
    enum keys_action action;
} keys_table[] = {
    {'q', KEYS_QUIT},       {'Q', KEYS_QUIT},        {KEYS_CTRL('c'), KEYS_QUIT},
    {'p', KEYS_PAUSE},      {'P', KEYS_PAUSE},       {' ', KEYS_PAUSE},
    {'+', KEYS_ZOOM_IN},    {'=', KEYS_ZOOM_IN},     {'-', KEYS_ZOOM_OUT},
    {'_', KEYS_ZOOM_OUT},   {'\t', KEYS_NEXT},       {KEYS_K_DOWN, KEYS_NEXT},
    {KEYS_K_RIGHT, KEYS_NEXT}, {'j', KEYS_NEXT},     {KEYS_K_BTAB, KEYS_PREV},
    {KEYS_K_UP, KEYS_PREV}, {KEYS_K_LEFT, KEYS_PREV}, {'k', KEYS_PREV},
    {'l', KEYS_LOG},        {'L', KEYS_LOG},         {'b', KEYS_BAND},
    {'B', KEYS_BAND},       {'c', KEYS_CLEAR},       {'C', KEYS_CLEAR},
    {'?', KEYS_HELP},       {'h', KEYS_HELP},        {KEYS_CTRL('l'), KEYS_REDRAW},
    {KEYS_K_RESIZE, KEYS_RESIZE},
};

static const char *const keys_names[KEYS_ACTION_COUNT] = {
    "none", "quit", "pause", "zoom-in", "zoom-out", "next", "prev",
    "log",  "band", "clear", "help",    "redraw",   "resize",
};

void keys_init(struct keys_state *st) {
    memset(st, 0, sizeof *st);
    st->show_log = 1;
    st->show_band = 1;
}

enum keys_action keys_map(const struct keys_state *st, int key) {
    enum keys_action a = KEYS_NONE;
    for (size_t i = 0; i < sizeof keys_table / sizeof keys_table[0]; i++) {
        if (keys_table[i].key == key) {
            a = keys_table[i].action;
            break;
        }
    }
    if (st->show_help && a != KEYS_QUIT && a != KEYS_RESIZE && a != KEYS_REDRAW &&
        key != KEYS_K_NONE)
        return KEYS_HELP;
    return a;
}

int keys_apply(struct keys_state *st, enum keys_action a, size_t nseries) {
    switch (a) {
    case KEYS_QUIT: st->quit = 1; return 0;
    case KEYS_PAUSE: st->paused = !st->paused; return 1;
    case KEYS_LOG: st->show_log = !st->show_log; return 1;
    case KEYS_BAND: st->show_band = !st->show_band; return 1;
    case KEYS_HELP: st->show_help = !st->show_help; return 1;
    case KEYS_NEXT:
    case KEYS_PREV:
        if (nseries == 0)
            return 0;
        if (st->selected >= nseries)
            st->selected = nseries - 1;
        if (a == KEYS_NEXT)
            st->selected = (st->selected + 1) % nseries;
        else
            st->selected = (st->selected + nseries - 1) % nseries;
        return 1;
    case KEYS_ZOOM_IN:
    case KEYS_ZOOM_OUT:
    case KEYS_CLEAR:
    case KEYS_REDRAW:
    case KEYS_RESIZE: return 1; /* carried out by the shell, which then redraws */
    case KEYS_NONE:
    case KEYS_ACTION_COUNT: break;
    }
    return 0;
}

const char *keys_action_name(enum keys_action a) {
    return (unsigned)a < KEYS_ACTION_COUNT ? keys_names[a] : "?";
}

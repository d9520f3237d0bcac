/* view.h - the terminal: the only module that talks curses. It shows a chart grid, reads keys
 * and follows the terminal's size; everything it shows is computed elsewhere (chart.c).
 * Shell code: owns the curses screen. */
#ifndef BLIP_VIEW_H
#define BLIP_VIEW_H
#include <stddef.h>

#include "chart.h"

#define VIEW_RESET_MAX 256 /* longest text view_reset_text() gives */

struct view;

/* Takes over the terminal on stdin/stdout: alternate screen, no echo, keys one at a time
 * (Ctrl-C still raises SIGINT), no cursor. color: use colours when the terminal has them, on
 * its own default background. Returns NULL with the reason in err when stdin/stdout is not a
 * terminal or curses cannot start (the terminal is then left as it was). */
struct view *view_new(int color, char *err, size_t errlen);
/* Gives the terminal back as it was (idempotent; safe from an atexit handler) . */
void view_restore(struct view *v);
/* Restores the terminal and frees; accepts NULL. */
void view_free(struct view *v);

/* The terminal's size in cells. */
void view_size(const struct view *v, int *w, int *h);
/* Re-reads the size after SIGWINCH (from the tty) and tells curses. Returns 1 if it changed. */
int view_resize(struct view *v);
/* Shows g (drawn at the top left, clipped to the terminal). full: repaint every cell. */
void view_draw(struct view *v, const struct chart_grid *g, int full);
/* The next key waiting on stdin as a keys.h key code, or KEYS_K_NONE when there is none. */
int view_key(struct view *v);
/* 1 while the view has the terminal. */
int view_active(const struct view *v);
/* Copies into buf the terminal's own escape sequences that leave curses' modes (attributes,
 * hidden cursor, keypad mode, alternate screen): what a crash handler, which cannot call
 * curses, writes to stdout. Returns the length (0 when the terminal has none), at most
 * VIEW_RESET_MAX. */
size_t view_reset_text(const struct view *v, char *buf, size_t cap);
#endif

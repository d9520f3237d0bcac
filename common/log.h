/* log.h - one line per event on stderr: UTC time, program, level, message.
 * Only program shells log; pure modules return what happened. The program name and the level are
 * set once at start-up (the one piece of process-wide state outside main.c). */
#ifndef BLIP_LOG_H
#define BLIP_LOG_H
#include <stdint.h>

#define printflike(a, b) __attribute__((format(printf, (a), (b))))

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

#define LOG_RATE_BURST 10          /* lines a rate limiter lets through per window */
#define LOG_RATE_WINDOW_MS 10000   /* rate limiter window */

/* Sets the program name shown on every line and the most verbose level printed. */
void log_init(const char *prog, enum log_level level);
void log_set_level(enum log_level level);
int log_enabled(enum log_level level); /* 1 if lines at `level` are printed */

/* Parses "error", "warn", "info" or "debug". Returns 0, or -1 (out untouched). */
int log_level_parse(const char *s, enum log_level *out);
const char *log_level_name(enum log_level level);

void log_error(const char *fmt, ...) printflike(1, 2);
void log_warn(const char *fmt, ...) printflike(1, 2);
void log_info(const char *fmt, ...) printflike(1, 2);
void log_debug(const char *fmt, ...) printflike(1, 2);

/* Rate limiter for per-message problems: at most LOG_RATE_BURST lines per LOG_RATE_WINDOW_MS.
 * Caller-owned; zero-initialise it. */
struct log_ratelimit {
    uint64_t window_start_ms; /* monotonic ms when the current window began */
    unsigned used;            /* lines allowed in the current window */
    uint64_t suppressed;      /* lines refused since the last allowed one */
};

/* Returns 1 if a line may be printed now, 0 if it must be dropped (then counted in suppressed).
 * When it returns 1 after a refusal, *was_suppressed receives the refused count and it resets. */
int log_ratelimit_allow(struct log_ratelimit *rl, uint64_t now_ms, uint64_t *was_suppressed);
#endif

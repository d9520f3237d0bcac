/* log.c - stderr logging; see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *log_prog = "blip";
static enum log_level log_max = LOG_INFO;

static const char *const log_names[] = {"error", "warn", "info", "debug"};

void log_init(const char *prog, enum log_level level) {
    log_prog = prog;
    log_max = level;
}

void log_set_level(enum log_level level) { log_max = level; }

int log_enabled(enum log_level level) { return level <= log_max; }

int log_level_parse(const char *s, enum log_level *out) {
    for (size_t i = 0; i < sizeof log_names / sizeof log_names[0]; i++) {
        if (strcmp(s, log_names[i]) == 0) {
            *out = (enum log_level)i;
            return 0;
        }
    }
    if (strcmp(s, "warning") == 0) {
        *out = LOG_WARN;
        return 0;
    }
    return -1;
}

const char *log_level_name(enum log_level level) {
    return level <= LOG_DEBUG ? log_names[level] : "?";
}

/* Formats the whole line in memory and writes it with one write(2), so lines from concurrent
 * programs sharing a terminal or a container log never interleave. */
static void log_vline(enum log_level level, const char *fmt, va_list ap) {
    char line[2048];
    struct timespec ts;
    struct tm tm;
    size_t n;
    int r;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    n = strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%S", &tm);
    r = snprintf(line + n, sizeof line - n, ".%03ldZ %s %s: ", ts.tv_nsec / 1000000L, log_prog,
                 log_names[level]);
    if (r > 0 && (size_t)r < sizeof line - n)
        n += (size_t)r;
    r = vsnprintf(line + n, sizeof line - n, fmt, ap);
    if (r < 0)
        r = 0;
    n = (size_t)r < sizeof line - n ? n + (size_t)r : sizeof line - 1;
    if (n >= sizeof line - 1)
        n = sizeof line - 2; /* truncated: keep room for the newline */
    line[n++] = '\n';
    if (write(STDERR_FILENO, line, n) < 0) {
        /* stderr is gone: nothing left to report to */
    }
}

#define LOG_DEFINE(fn, level)                                                                      \
    void fn(const char *fmt, ...) {                                                                \
        va_list ap;                                                                                \
        if (level > log_max)                                                                       \
            return;                                                                                \
        va_start(ap, fmt);                                                                         \
        log_vline(level, fmt, ap);                                                                 \
        va_end(ap);                                                                                \
    }

LOG_DEFINE(log_error, LOG_ERROR)
LOG_DEFINE(log_warn, LOG_WARN)
LOG_DEFINE(log_info, LOG_INFO)
LOG_DEFINE(log_debug, LOG_DEBUG)

int log_ratelimit_allow(struct log_ratelimit *rl, uint64_t now_ms, uint64_t *was_suppressed) {
    /* window_start_ms 0 means "no window yet", so a window opened at time 0 starts at 1: until
     * then now_ms is below it and still inside that window */
    if (rl->window_start_ms == 0 ||
        (now_ms >= rl->window_start_ms && now_ms - rl->window_start_ms >= LOG_RATE_WINDOW_MS)) {
        rl->window_start_ms = now_ms ? now_ms : 1;
        rl->used = 0;
    }
    if (rl->used >= LOG_RATE_BURST) {
        rl->suppressed++;
        return 0;
    }
    rl->used++;
    if (was_suppressed)
        *was_suppressed = rl->suppressed;
    rl->suppressed = 0;
    return 1;
}

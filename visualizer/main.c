/* blip-visualizer - the live terminal chart: subscribes to the points channel and the anomaly
 * channel and draws every series with its anomalies, the detector's band, an anomaly log and
 * live counters. The shell around model.c (data), chart.c (drawing) and view.c (the terminal):
 * flags, one Redis subscriber connection, the libevent loop (keys, redraw timer, signals).
 * Whatever ends the program, the terminal is given back first: q, Ctrl-C, SIGTERM, SIGHUP, a
 * fatal Redis error, exit() from anywhere (atexit), or a crash or abort() (a signal handler
 * that only writes saved escape sequences and restores the saved tty settings). */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "cfg.h"
#include "chart.h"
#include "clock.h"
#include "codec.h"
#include "conn.h"
#include "keys.h"
#include "log.h"
#include "model.h"
#include "url.h"
#include "version.h"
#include "view.h"
#include "xalloc.h"

#define PROG "blip-visualizer"
#define VIS_CHANNEL_MAX 256       /* longest channel name */
#define VIS_FPS_MAX 30            /* redraws per second, at most */
#define VIS_FPS_DEFAULT 10
#define VIS_WINDOW_DEFAULT_S 60   /* seconds of history on screen */
#define VIS_MESSAGE_MS 10000      /* a log line stays in the footer this long */
#define VIS_ERRLINE_MAX 512       /* longest log line kept for the footer */
#define VIS_EMPTY_READS_MAX 100   /* stdin readable this often with no key: the terminal is gone */

struct vis_conf {
    const char *redis;
    const char *password_file;
    const char *in;
    const char *anomalies;
    const char *history_key; /* stream the anomaly log is filled from at start-up */
    int no_backfill;
    const char *series;
    const char *log_level;
    struct model_window window;
    long fps;
    long max_series;
    int ascii;
    int no_color;
};

struct vis {
    struct vis_conf conf;
    int backfill_sent; /* the history stream has been asked for (once per run) */
    struct redis_url url;
    char url_shown[URL_HOST_MAX + 64];
    int ascii, color;
    struct model live;      /* everything received */
    struct model snap;      /* the frozen picture while paused */
    struct keys_state ks;
    struct chart_grid grid;
    struct view *view;
    struct event_base *base;
    struct conn *sub;
    struct event *tick, *input, *sigint, *sigterm, *sighup, *sigwinch, *errev;
    enum chart_link link;
    int64_t utc_offset_ms;
    unsigned empty_reads;   /* stdin wake-ups in a row that brought no key */
    uint64_t unexpected;    /* replies on the subscription that are not messages */
    struct log_ratelimit rl_malformed;
    /* log lines, while stderr is the terminal, go through a pipe into the footer */
    int saved_stderr;       /* the terminal's stderr while captured, else -1 */
    int errpipe;            /* read end of the pipe, else -1 */
    char errbuf[VIS_ERRLINE_MAX];
    size_t errlen;
    char message[VIS_ERRLINE_MAX];
    uint64_t message_ms;    /* monotonic ms the message arrived */
    char fatal[VIS_ERRLINE_MAX]; /* printed after the terminal is restored */
    int stopping;
    int exit_code;
};

/* The view to give the terminal back from an atexit handler: exit() can come from a library. */
static struct view *vis_exit_view;

static void vis_atexit(void) { view_restore(vis_exit_view); }

/* What the crash handler needs to give the terminal back with async-signal-safe calls only:
 * a crash or abort() (allocation failure) bypasses both the loop and atexit. */
static struct {
    volatile sig_atomic_t armed;
    struct termios tio;            /* the terminal's settings before curses */
    char reset[VIEW_RESET_MAX];    /* sequences that leave curses' modes */
    size_t reset_len;
    int errpipe, saved_stderr;     /* captured log lines, and where they belong */
} vis_crash = {0, {0}, {0}, 0, -1, -1};

static const int vis_crash_signals[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL};

/* Restores the terminal, hands the captured log lines (the reason, often) to the real stderr,
 * then dies of the same signal. */
static void vis_crash_handler(int sig) {
    if (vis_crash.armed) {
        char buf[512];
        ssize_t n;
        vis_crash.armed = 0;
        if (write(STDOUT_FILENO, vis_crash.reset, vis_crash.reset_len) < 0 ||
            tcsetattr(STDIN_FILENO, TCSANOW, &vis_crash.tio) != 0) {
            /* nothing more can be done from here */
        }
        if (vis_crash.saved_stderr >= 0) {
            while ((n = read(vis_crash.errpipe, buf, sizeof buf)) > 0)
                if (write(vis_crash.saved_stderr, buf, (size_t)n) < 0)
                    break;
            dup2(vis_crash.saved_stderr, STDERR_FILENO);
        }
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Installs the crash handler; tio_ok: vis_crash.tio holds the settings from before curses. */
static void vis_crash_arm(const struct view *view, int tio_ok, int errpipe, int saved_stderr) {
    struct sigaction sa;
    if (!tio_ok)
        return;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = vis_crash_handler;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof vis_crash_signals / sizeof vis_crash_signals[0]; i++)
        if (sigaction(vis_crash_signals[i], &sa, NULL) != 0)
            log_warn("cannot watch for signal %d: %s", vis_crash_signals[i], strerror(errno));
    vis_crash.reset_len = view_reset_text(view, vis_crash.reset, sizeof vis_crash.reset);
    vis_crash.errpipe = errpipe;
    vis_crash.saved_stderr = saved_stderr;
    vis_crash.armed = 1;
}

/* ---- flags ---- */

static int vis_parse_window(void *conf, const char *v, char *err, size_t errlen) {
    struct vis_conf *c = conf;
    return model_window_parse(v, &c->window, err, errlen);
}

static int vis_parse_series(void *conf, const char *v, char *err, size_t errlen) {
    struct vis_conf *c = conf;
    if (model_filter_check(v, err, errlen) != 0)
        return -1;
    c->series = v;
    return 0;
}

#define O(f) offsetof(struct vis_conf, f)
static const struct cfg_opt vis_opts[] = {
    {"redis", CFG_STRING, O(redis), "REDIS_URL", "URL",
     "Redis server (default redis://127.0.0.1:6379)", 0, 4096, NULL, NULL},
    AUTH_CFG_OPT(O(password_file)),
    {"in", CFG_STRING, O(in), "BLIP_CHANNEL", "CHANNEL",
     "channel the points arrive on (default response_times)", 0, VIS_CHANNEL_MAX, NULL, NULL},
    {"anomalies", CFG_STRING, O(anomalies), "BLIP_ANOMALIES", "CHANNEL",
     "channel the detector's anomalies arrive on (default anomalies)", 0, VIS_CHANNEL_MAX, NULL,
     NULL},
    {"history-key", CFG_STRING, O(history_key), "BLIP_HISTORY_KEY", "KEY",
     "stream of past anomalies the log starts from (the detector's; default blip:anomalies)", 0,
     VIS_CHANNEL_MAX, NULL, NULL},
    {"no-backfill", CFG_BOOL, O(no_backfill), "BLIP_VIS_NO_BACKFILL", NULL,
     "start with an empty anomaly log instead of the stream's newest entries", 0, 0, NULL, NULL},
    {"series", CFG_FUNC, 0, "BLIP_VIS_SERIES", "A,B,...",
     "chart only these series (default: every series, up to --max-series)", 0, 0, NULL,
     vis_parse_series},
    {"window", CFG_FUNC, 0, "BLIP_VIS_WINDOW", "SPAN",
     "time on screen: seconds (60, 90s, 5m, 1h) or points (500p) (default 60s)", 0, 0, NULL,
     vis_parse_window},
    {"fps", CFG_INT, O(fps), "BLIP_VIS_FPS", "N", "redraws per second, 1..30 (default 10)", 1,
     VIS_FPS_MAX, NULL, NULL},
    {"max-series", CFG_INT, O(max_series), "BLIP_VIS_MAX_SERIES", "N",
     "series held at once; the least recently updated makes room (default 64)", 1,
     MODEL_SERIES_MAX, NULL, NULL},
    {"ascii", CFG_BOOL, O(ascii), "BLIP_VIS_ASCII", NULL,
     "plain ASCII instead of braille (automatic when the locale is not UTF-8)", 0, 0, NULL, NULL},
    {"no-color", CFG_BOOL, O(no_color), NULL, NULL,
     "no colours (also when NO_COLOR is set to anything)", 0, 0, NULL, NULL},
    {"log-level", CFG_STRING, O(log_level), "BLIP_LOG_LEVEL", "LEVEL",
     "error, warn, info or debug (default info); on a terminal, warnings and errors show "
     "in the footer", 0, 16, NULL, NULL},
};
#undef O
#define VIS_NOPTS (sizeof vis_opts / sizeof vis_opts[0])

static void vis_usage(void) {
    static char buf[8192];
    cfg_help(vis_opts, VIS_NOPTS, buf, sizeof buf);
    printf("usage: " PROG " [flags]\n"
           "Draws the live points of every series, with the detector's anomalies, in the\n"
           "terminal. Keys: q quit, p pause, +/- zoom, Tab next series, l log, b band,\n"
           "c clear counters, ? help.\n\n"
           "%s  --help                   this text\n  --version                print the version\n",
           buf);
}

static void vis_die_usage(const char *msg) {
    fprintf(stderr, PROG ": %s\n", msg);
    exit(2);
}

static void vis_configure(struct vis *v, int argc, char **argv, char **envp) {
    struct vis_conf *c = &v->conf;
    char err[CFG_ERR_MAX], line[CFG_ERR_MAX + 32];
    enum log_level level = LOG_INFO;
    const char *pos[1];
    size_t npos = 0;

    memset(c, 0, sizeof *c);
    c->redis = URL_DEFAULT;
    c->in = "response_times";
    c->anomalies = "anomalies";
    c->history_key = "blip:anomalies";
    c->window.unit = MODEL_SECONDS;
    c->window.amount = VIS_WINDOW_DEFAULT_S;
    c->fps = VIS_FPS_DEFAULT;
    c->max_series = MODEL_SERIES_DEFAULT;
    c->log_level = "info";
    switch (cfg_parse(vis_opts, VIS_NOPTS, c, argc, argv, envp, pos, 0, &npos, err, sizeof err)) {
    case CFG_OK:
        break;
    case CFG_HELP:
        vis_usage();
        exit(0);
    case CFG_VERSION:
        printf(PROG " " BLIP_VERSION "\n");
        exit(0);
    case CFG_ERROR:
        vis_die_usage(err);
    }
    if (log_level_parse(c->log_level, &level) != 0) {
        snprintf(line, sizeof line,
                 "--log-level: expected error, warn, info or debug, got \"%.60s\"", c->log_level);
        vis_die_usage(line);
    }
    log_init(PROG, level);
    if (url_parse(c->redis, &v->url, err, sizeof err) != 0) {
        snprintf(line, sizeof line, "--redis: %s", err);
        vis_die_usage(line);
    }
    if (auth_apply(&v->url, c->password_file, envp, err, sizeof err) != 0)
        vis_die_usage(err);
    auth_scrub_argv(argc, argv);
    if (strcmp(c->in, c->anomalies) == 0) {
        snprintf(line, sizeof line, "--anomalies: must differ from --in (both \"%.60s\")", c->in);
        vis_die_usage(line);
    }
    url_redacted(&v->url, v->url_shown, sizeof v->url_shown);
}

/* ---- log lines into the footer ---- */

/* A log line "<time> <program> <level>: <text>": warnings and errors go to the footer as
 * "<level>: <text>"; routine info lines are dropped (they would hide the key hints). */
static void vis_footer_line(struct vis *v, const char *line) {
    const char *p = strchr(line, ' ');
    p = p ? strchr(p + 1, ' ') : NULL;
    if (!p || (strncmp(p + 1, "warn:", 5) != 0 && strncmp(p + 1, "error:", 6) != 0))
        return;
    snprintf(v->message, sizeof v->message, "%s", p + 1);
    v->message_ms = clock_mono_ms();
}

/* While stderr is the terminal, curses owns it: log lines go to a pipe read by the loop. */
static void vis_errpipe_cb(evutil_socket_t fd, short what, void *arg) {
    struct vis *v = arg;
    char chunk[1024];
    ssize_t n;
    (void)what;
    while ((n = read(fd, chunk, sizeof chunk)) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            if (chunk[i] != '\n') {
                if (v->errlen + 1 < sizeof v->errbuf)
                    v->errbuf[v->errlen++] = chunk[i];
                continue;
            }
            v->errbuf[v->errlen] = '\0';
            vis_footer_line(v, v->errbuf);
            v->errlen = 0;
        }
    }
}

static int vis_capture_stderr(struct vis *v) {
    int p[2];
    v->saved_stderr = v->errpipe = -1;
    if (!isatty(STDERR_FILENO))
        return 0;
    if (pipe(p) != 0)
        return -1;
    if (fcntl(p[0], F_SETFL, O_NONBLOCK) != 0 || fcntl(p[1], F_SETFL, O_NONBLOCK) != 0 ||
        fcntl(p[0], F_SETFD, FD_CLOEXEC) != 0 ||
        (v->saved_stderr = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3)) < 0 ||
        dup2(p[1], STDERR_FILENO) < 0) {
        close(p[0]);
        close(p[1]);
        if (v->saved_stderr >= 0)
            close(v->saved_stderr);
        v->saved_stderr = -1;
        return -1;
    }
    close(p[1]);
    v->errpipe = p[0];
    v->errev = event_new(v->base, p[0], EV_READ | EV_PERSIST, vis_errpipe_cb, v);
    if (!v->errev || event_add(v->errev, NULL) != 0)
        return -1;
    return 0;
}

static void vis_release_stderr(struct vis *v) {
    if (v->errev)
        event_free(v->errev);
    v->errev = NULL;
    if (v->saved_stderr >= 0) {
        dup2(v->saved_stderr, STDERR_FILENO);
        close(v->saved_stderr);
        v->saved_stderr = -1;
    }
    if (v->errpipe >= 0)
        close(v->errpipe);
    v->errpipe = -1;
}

/* ---- drawing ---- */

static struct model *vis_picture(struct vis *v) { return v->ks.paused ? &v->snap : &v->live; }

static void vis_render(struct vis *v, int full) {
    struct model *pic = vis_picture(v);
    struct chart_opts o = {v->ascii, v->ks.show_log, v->ks.show_band, v->ks.show_help,
                           v->ks.paused, v->ks.selected, keys_help};
    struct chart_status st = {v->url_shown, v->conf.in, v->conf.anomalies, v->link, NULL,
                              clock_wall_ms(), v->utc_offset_ms};
    struct chart_layout l;
    size_t idx[CHART_SHOWN_MAX];
    int w, h;

    if (!view_active(v->view))
        return;
    if (v->message[0] &&
        (v->link == CHART_LINK_UP || v->link == CHART_LINK_CONNECTING) &&
        clock_mono_ms() - v->message_ms > VIS_MESSAGE_MS)
        v->message[0] = '\0';
    st.message = v->message[0] ? v->message : NULL;
    view_size(v->view, &w, &h);
    chart_grid_resize(&v->grid, w, h);
    chart_layout(w, h, &o, pic->nseries, &l);
    if (!v->ks.paused) {
        for (size_t i = 0; i < l.nshown; i++)
            idx[i] = l.first + i;
        model_mark_drawn(&v->live, idx, l.nshown);
    }
    chart_render(pic, &v->live, &st, &o, &v->grid);
    view_draw(v->view, &v->grid, full);
}

static void vis_set_columns(struct vis *v) {
    int w, h;
    size_t cols;
    view_size(v->view, &w, &h);
    cols = chart_columns(w, v->ascii);
    model_set_view(&v->live, &v->live.win, cols);
    if (v->ks.paused)
        model_set_view(&v->snap, &v->snap.win, cols);
}

static void vis_resize(struct vis *v) {
    view_resize(v->view);
    vis_set_columns(v);
    vis_render(v, 1);
}

static void vis_zoom(struct vis *v, int dir) {
    struct model_window w = v->live.win;
    if (!model_window_zoom(&w, dir))
        return;
    model_set_view(&v->live, &w, v->live.cols);
    if (v->ks.paused)
        model_set_view(&v->snap, &w, v->snap.cols);
}

/* ---- stopping ---- */

/* Gives the terminal back at once, then leaves the loop; main() frees the rest. */
static void vis_stop(struct vis *v) {
    if (v->stopping)
        return;
    v->stopping = 1;
    view_restore(v->view);
    event_base_loopbreak(v->base);
}

static void vis_signal_cb(evutil_socket_t sig, short what, void *arg) {
    struct vis *v = arg;
    (void)what;
    if (sig == SIGWINCH) {
        vis_resize(v);
        return;
    }
    log_info("received %s, stopping", sig == SIGINT ? "SIGINT" : sig == SIGHUP ? "SIGHUP"
                                                                              : "SIGTERM");
    vis_stop(v);
}

/* ---- keys ---- */

static void vis_action(struct vis *v, enum keys_action a, int was_paused, int *full) {
    switch (a) {
    case KEYS_QUIT:
        vis_stop(v);
        break;
    case KEYS_PAUSE:
        if (v->ks.paused && !was_paused) {
            model_copy(&v->snap, &v->live);
        } else if (!v->ks.paused && was_paused) {
            model_clear(&v->snap);
        }
        break;
    case KEYS_ZOOM_IN:
    case KEYS_ZOOM_OUT:
        vis_zoom(v, a == KEYS_ZOOM_IN ? -1 : 1);
        break;
    case KEYS_CLEAR:
        model_reset_counters(&v->live);
        if (v->ks.paused)
            model_reset_counters(&v->snap);
        break;
    case KEYS_REDRAW:
        *full = 1;
        break;
    case KEYS_RESIZE:
        view_resize(v->view);
        vis_set_columns(v);
        *full = 1;
        break;
    default:
        break;
    }
}

static void vis_input_cb(evutil_socket_t fd, short what, void *arg) {
    struct vis *v = arg;
    int key, redraw = 0, full = 0, got = 0;
    (void)fd;
    (void)what;
    while (!v->stopping && (key = view_key(v->view)) != KEYS_K_NONE) {
        enum keys_action a = keys_map(&v->ks, key);
        int was_paused = v->ks.paused;
        got = 1;
        redraw |= keys_apply(&v->ks, a, vis_picture(v)->nseries);
        vis_action(v, a, was_paused, &full);
    }
    if (v->stopping)
        return;
    v->empty_reads = got ? 0 : v->empty_reads + 1;
    if (v->empty_reads >= VIS_EMPTY_READS_MAX) {
        log_warn("the terminal is gone (stdin at end of file); stopping");
        vis_stop(v);
        return;
    }
    if (redraw)
        vis_render(v, full);
}

static void vis_tick_cb(evutil_socket_t fd, short what, void *arg) {
    struct vis *v = arg;
    (void)fd;
    (void)what;
    model_tick(&v->live, clock_mono_ms(), clock_wall_ms());
    vis_render(v, 0);
}

/* ---- Redis ---- */

static void vis_malformed(struct vis *v, const char *channel, enum codec_err e, const char *why) {
    uint64_t suppressed = 0;
    model_note_malformed(&v->live);
    if (log_ratelimit_allow(&v->rl_malformed, clock_mono_ms(), &suppressed))
        log_warn("malformed message on \"%s\" (%s: %s)%s", channel, codec_err_name(e), why,
                 suppressed ? " (similar messages suppressed)" : "");
}

static void vis_message(struct vis *v, const redisReply *ch, const redisReply *payload) {
    char why[96];
    enum codec_err e;
    int is_anomaly = ch->len == strlen(v->conf.anomalies) &&
                     memcmp(ch->str, v->conf.anomalies, ch->len) == 0;

    if (is_anomaly) {
        struct anomaly a;
        e = codec_decode_anomaly(payload->str, payload->len, &a, why, sizeof why);
        if (e == CODEC_OK)
            model_push_anomaly(&v->live, &a, clock_wall_ms());
    } else {
        struct point p;
        e = codec_decode_point(payload->str, payload->len, &p, why, sizeof why);
        if (e == CODEC_OK)
            model_push_point(&v->live, &p, clock_wall_ms());
    }
    if (e != CODEC_OK)
        vis_malformed(v, is_anomaly ? v->conf.anomalies : v->conf.in, e, why);
}

/* Called by hiredis for every reply on the subscription: confirmations, then messages. */
static void vis_on_message(redisAsyncContext *ac, void *r, void *privdata) {
    struct vis *v = privdata;
    redisReply *reply = r, *kind;
    (void)ac;

    if (!reply)
        return; /* the connection is going away; conn reconnects and we resubscribe */
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3 ||
        reply->element[0]->type != REDIS_REPLY_STRING) {
        v->unexpected++;
        return;
    }
    kind = reply->element[0];
    if (kind->len == 9 && memcmp(kind->str, "subscribe", 9) == 0) {
        log_info("subscribed to \"%.*s\"", (int)reply->element[1]->len, reply->element[1]->str);
        return;
    }
    if (kind->len != 7 || memcmp(kind->str, "message", 7) != 0 ||
        reply->element[1]->type != REDIS_REPLY_STRING ||
        reply->element[2]->type != REDIS_REPLY_STRING) {
        v->unexpected++;
        return;
    }
    vis_message(v, reply->element[1], reply->element[2]);
}

/* The reply to XREVRANGE on the history stream: newest first, each entry [id, [field, value,
 * ...]] with the anomaly message in the field "json". Fed to the log oldest first. */
static void vis_backfill_cb(struct conn *c, void *r, void *arg) {
    struct vis *v = arg;
    const redisReply *reply = r;
    size_t n = 0;
    (void)c;
    if (!reply || reply->type != REDIS_REPLY_ARRAY) {
        if (reply && reply->type == REDIS_REPLY_ERROR)
            log_warn("anomaly history %s not read: %s", v->conf.history_key, reply->str);
        return;
    }
    for (size_t i = reply->elements; i-- > 0;) {
        const redisReply *e = reply->element[i], *f;
        if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
            e->element[1]->type != REDIS_REPLY_ARRAY)
            continue;
        f = e->element[1];
        for (size_t k = 0; k + 1 < f->elements; k += 2) {
            struct anomaly a;
            char why[96];
            if (f->element[k]->type != REDIS_REPLY_STRING ||
                strcmp(f->element[k]->str, "json") != 0 ||
                f->element[k + 1]->type != REDIS_REPLY_STRING)
                continue;
            if (codec_decode_anomaly(f->element[k + 1]->str, f->element[k + 1]->len, &a, why,
                                     sizeof why) == CODEC_OK) {
                model_backfill_anomaly(&v->live, &a, clock_wall_ms());
                n++;
            }
        }
    }
    if (n)
        log_info("anomaly log started from %zu entries of %s", n, v->conf.history_key);
    vis_render(v, 0);
}

/* Once per run, before subscribing (a subscribed connection takes no other commands): the
 * newest MODEL_LOG_MAX entries of the detector's anomaly history. */
static void vis_backfill(struct vis *v, struct conn *c) {
    char count[16];
    const char *argv[6];
    size_t lens[6];
    if (v->conf.no_backfill || v->backfill_sent)
        return;
    snprintf(count, sizeof count, "%d", MODEL_LOG_MAX);
    argv[0] = "XREVRANGE";
    argv[1] = v->conf.history_key;
    argv[2] = "+";
    argv[3] = "-";
    argv[4] = "COUNT";
    argv[5] = count;
    for (int i = 0; i < 6; i++)
        lens[i] = strlen(argv[i]);
    if (conn_command(c, vis_backfill_cb, v, 6, argv, lens) == 0)
        v->backfill_sent = 1;
}

static void vis_conn_event(struct conn *c, enum conn_event ev, const char *detail, void *arg) {
    struct vis *v = arg;
    switch (ev) {
    case CONN_READY:
        v->link = CHART_LINK_UP;
        vis_backfill(v, c);
        if (redisAsyncCommand(conn_context(c), vis_on_message, v, "SUBSCRIBE %s %s", v->conf.in,
                              v->conf.anomalies) != REDIS_OK)
            log_warn("cannot send SUBSCRIBE; waiting for the connection to be renewed");
        break;
    case CONN_LOST:
        v->link = CHART_LINK_DOWN;
        break;
    case CONN_FATAL:
        v->link = CHART_LINK_FAILED;
        snprintf(v->fatal, sizeof v->fatal, "redis: %s", detail ? detail : "connection failed");
        v->exit_code = 1;
        vis_stop(v);
        break;
    case CONN_CLOSED:
        break;
    }
    vis_render(v, 0);
}

/* ---- start-up and teardown ---- */

static int64_t vis_utc_offset_ms(void) {
    time_t now = time(NULL);
    struct tm tm;
    if (!localtime_r(&now, &tm))
        return 0;
    return (int64_t)tm.tm_gmtoff * 1000;
}

static int vis_events(struct vis *v) {
    struct timeval tv = {0, (suseconds_t)(1000000 / v->conf.fps)};
    v->tick = event_new(v->base, -1, EV_PERSIST, vis_tick_cb, v);
    v->input = event_new(v->base, STDIN_FILENO, EV_READ | EV_PERSIST, vis_input_cb, v);
    v->sigint = evsignal_new(v->base, SIGINT, vis_signal_cb, v);
    v->sigterm = evsignal_new(v->base, SIGTERM, vis_signal_cb, v);
    v->sighup = evsignal_new(v->base, SIGHUP, vis_signal_cb, v);
    v->sigwinch = evsignal_new(v->base, SIGWINCH, vis_signal_cb, v);
    if (!v->tick || !v->input || !v->sigint || !v->sigterm || !v->sighup || !v->sigwinch)
        return -1;
    if (event_add(v->tick, &tv) != 0 || event_add(v->input, NULL) != 0 ||
        evsignal_add(v->sigint, NULL) != 0 || evsignal_add(v->sigterm, NULL) != 0 ||
        evsignal_add(v->sighup, NULL) != 0 || evsignal_add(v->sigwinch, NULL) != 0)
        return -1;
    return 0;
}

static void vis_free_events(struct vis *v) {
    struct event *evs[] = {v->tick, v->input, v->sigint, v->sigterm, v->sighup, v->sigwinch};
    for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++)
        if (evs[i])
            event_free(evs[i]);
}

/* Locale, colours, terminal, model: everything before the loop. Returns 0, or 1 with the
 * reason already printed. */
static int vis_start(struct vis *v) {
    char err[256];
    const char *nc = getenv("NO_COLOR");
    const char *codeset = nl_langinfo(CODESET);
    int w, h, tio_ok;

    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, PROG ": stdin and stdout must be a terminal\n");
        return 1;
    }
    v->ascii = v->conf.ascii || !codeset || strcmp(codeset, "UTF-8") != 0;
    v->color = !v->conf.no_color && !(nc && nc[0]);
    v->utc_offset_ms = vis_utc_offset_ms();
    keys_init(&v->ks);
    chart_grid_init(&v->grid);
    signal(SIGPIPE, SIG_IGN);
    v->base = event_base_new();
    if (!v->base || vis_events(v) != 0) {
        fprintf(stderr, PROG ": cannot set up the event loop\n");
        return 1;
    }
    tio_ok = tcgetattr(STDIN_FILENO, &vis_crash.tio) == 0;
    v->view = view_new(v->color, err, sizeof err);
    if (!v->view) {
        fprintf(stderr, PROG ": %s\n", err);
        return 1;
    }
    vis_exit_view = v->view;
    atexit(vis_atexit);
    if (vis_capture_stderr(v) != 0)
        log_warn("cannot capture log lines: %s", strerror(errno));
    vis_crash_arm(v->view, tio_ok, v->errpipe, v->saved_stderr);
    view_size(v->view, &w, &h);
    if (model_init(&v->live, &v->conf.window, chart_columns(w, v->ascii),
                   (size_t)v->conf.max_series, v->conf.series, err, sizeof err) != 0) {
        view_restore(v->view);
        fprintf(stderr, PROG ": %s\n", err);
        return 1;
    }
    return 0;
}

static void vis_teardown(struct vis *v) {
    vis_crash.armed = 0;
    view_free(v->view);
    vis_exit_view = NULL;
    v->view = NULL;
    vis_release_stderr(v);
    conn_free(v->sub);
    vis_free_events(v);
    if (v->base)
        event_base_free(v->base);
    model_clear(&v->live);
    model_clear(&v->snap);
    chart_grid_clear(&v->grid);
}

int main(int argc, char **argv, char **envp) {
    static struct vis v;

    setlocale(LC_CTYPE, ""); /* only LC_CTYPE: numbers are read and written in the C locale */
    vis_configure(&v, argc, argv, envp);
    v.saved_stderr = v.errpipe = -1;
    if (vis_start(&v) != 0) {
        vis_teardown(&v);
        return 1;
    }
    v.sub = conn_new(v.base, &v.url, "subscriber", vis_conn_event, &v);
    conn_start(v.sub);
    vis_render(&v, 1);
    event_base_dispatch(v.base);
    vis_teardown(&v);
    if (v.fatal[0])
        fprintf(stderr, PROG ": %s\n", v.fatal);
    return v.exit_code;
}

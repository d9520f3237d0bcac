/* blip-detector - scores every point from a Redis channel and republishes the flagged ones; or,
 * with --input, scores a CSV file offline. The shell around detect.c and offline.c: flags, the
 * libevent loop, two Redis connections (one subscribed, one publishing), stats, signals. */
#include <errno.h>
#include <event2/event.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "clock.h"
#include "codec.h"
#include "conn.h"
#include "detect.h"
#include "log.h"
#include "offline.h"
#include "url.h"
#include "version.h"
#include "xalloc.h"

#define PROG "blip-detector"
#define DET_STOP_GRACE_S 3        /* wait this long for publishes in flight when stopping */
#define DET_ANOMALY_LOG_BURST 20  /* anomaly lines per second before they are summarised */
#define DET_CHANNEL_MAX 256       /* longest channel name */

struct det_conf {
    const char *redis;
    const char *in;
    const char *out;
    const char *input;
    const char *output;
    const char *log_level;
    int algo;
    long window;     /* 0: the algorithm's default */
    double threshold; /* NAN: the algorithm's default */
    double alpha;
    double min_std;
    long max_series;
    long max_pending;
    double stats_interval;
    long exit_after; /* 0: run until stopped */
};

struct det {
    struct det_conf conf;
    struct redis_url url;
    struct detect core;
    struct event_base *base;
    struct conn *sub, *pub;
    struct event *stats, *sigint, *sigterm, *grace;
    char sev_channel[SEV_COUNT][DET_CHANNEL_MAX + 16]; /* <out>:low ... */
    uint64_t malformed[CODEC_ERR_COUNT];
    uint64_t malformed_total;
    uint64_t unexpected; /* replies on the subscription that are not messages */
    uint64_t last_points;
    uint64_t last_stats_ns;
    uint64_t anomaly_log_window_ms;
    unsigned anomaly_log_used;
    uint64_t anomaly_log_skipped;
    int closed; /* connections closed so far while stopping */
    int stopping;
    int exit_code;
    struct log_ratelimit rl_malformed;
};

static const char *const det_algos[] = {"sma", "ema", NULL};

#define O(f) offsetof(struct det_conf, f)
static const struct cfg_opt det_opts[] = {
    {"redis", CFG_STRING, O(redis), "REDIS_URL", "URL",
     "Redis server (default redis://127.0.0.1:6379)", 0, 4096, NULL, NULL},
    {"in", CFG_STRING, O(in), "BLIP_CHANNEL", "CHANNEL",
     "channel the points arrive on (default response_times)", 0, DET_CHANNEL_MAX, NULL, NULL},
    {"out", CFG_STRING, O(out), "BLIP_ANOMALIES", "CHANNEL",
     "channel for flagged points; also <CHANNEL>:low|medium|high (default anomalies)", 0,
     DET_CHANNEL_MAX, NULL, NULL},
    {"algo", CFG_CHOICE, O(algo), "BLIP_ALGO", "sma|ema",
     "scoring algorithm; a bare sma or ema argument works too (default sma)", 0, 0, det_algos,
     NULL},
    {"window", CFG_INT, O(window), "BLIP_WINDOW", "N",
     "sma: points in the baseline; ema: warm-up points (default 25)", SCORE_WINDOW_MIN,
     SCORE_WINDOW_MAX, NULL, NULL},
    {"threshold", CFG_DOUBLE, O(threshold), "BLIP_THRESHOLD", "Z",
     "flag points with |score| >= Z (default sma 2.0, ema 2.2)", 1e-6, 1e6, NULL, NULL},
    {"alpha", CFG_DOUBLE, O(alpha), "BLIP_ALPHA", "A", "ema smoothing factor (default 0.08)",
     1e-6, 1, NULL, NULL},
    {"min-std", CFG_DOUBLE, O(min_std), "BLIP_MIN_STD", "X",
     "floor on the baseline's standard deviation, in the series' units (default 1e-9)", 0, 1e12,
     NULL, NULL},
    {"max-series", CFG_INT, O(max_series), "BLIP_MAX_SERIES", "N",
     "series tracked at once; the least recently seen is evicted (default 10000)", 1,
     SERIES_MAX_LIMIT, NULL, NULL},
    {"max-pending", CFG_INT, O(max_pending), "BLIP_MAX_PENDING", "N",
     "anomaly publishes in flight before more are dropped and counted (default 100000)", 1, 1e8,
     NULL, NULL},
    {"input", CFG_STRING, O(input), NULL, "FILE|-",
     "offline: score CSV timestamp,value rows from FILE (- = stdin); no Redis", 0, 4096, NULL,
     NULL},
    {"output", CFG_STRING, O(output), NULL, "FILE|-",
     "offline: write timestamp,value,score,anomaly,severity rows here (default -)", 0, 4096, NULL,
     NULL},
    {"stats-interval", CFG_DOUBLE, O(stats_interval), "BLIP_STATS_INTERVAL", "SECONDS",
     "seconds between stats lines, 0 = none (default 10)", 0, 86400, NULL, NULL},
    {"exit-after", CFG_INT, O(exit_after), "BLIP_EXIT_AFTER", "N",
     "stop as on SIGTERM once N messages have been read, scored or malformed (default 0 = never)",
     0, 1e15, NULL, NULL},
    {"log-level", CFG_STRING, O(log_level), "BLIP_LOG_LEVEL", "LEVEL",
     "error, warn, info or debug (default info)", 0, 16, NULL, NULL},
};
#undef O
#define DET_NOPTS (sizeof det_opts / sizeof det_opts[0])

static void det_usage(void) {
    static char buf[8192];
    cfg_help(det_opts, DET_NOPTS, buf, sizeof buf);
    printf("usage: " PROG " [flags] [sma|ema]\n"
           "       " PROG " --input FILE.csv [--output FILE.csv] [flags]\n"
           "Scores every point against its series' recent past and publishes the flagged ones\n"
           "on <out> and <out>:<severity>. With --input it scores a CSV file instead.\n\n"
           "%s  --help                   this text\n  --version                print the version\n",
           buf);
}

static void det_die_usage(const char *msg) {
    fprintf(stderr, PROG ": %s\n", msg);
    exit(2);
}

static void det_stop(struct det *d);

/* ---- the hot path ---- */

static void det_log_anomaly(struct det *d, const struct anomaly *a) {
    uint64_t now = clock_mono_ms();
    if (!log_enabled(LOG_INFO))
        return;
    if (now - d->anomaly_log_window_ms >= 1000) {
        if (d->anomaly_log_skipped)
            log_info("%llu more anomalies not logged in the last second",
                     (unsigned long long)d->anomaly_log_skipped);
        d->anomaly_log_window_ms = now;
        d->anomaly_log_used = 0;
        d->anomaly_log_skipped = 0;
    }
    if (d->anomaly_log_used >= DET_ANOMALY_LOG_BURST) {
        d->anomaly_log_skipped++;
        return;
    }
    d->anomaly_log_used++;
    log_info("Anomaly detected: series=%s seq=%lld value=%.10g score=%.2f mean=%.6g std=%.4g "
             "severity=%s",
             a->pt.series, (a->pt.has & CODEC_HAS_SEQ) ? (long long)a->pt.seq : -1LL, a->pt.value,
             a->score, a->mean, a->std, codec_severity_name(a->severity));
}

static void det_publish_anomaly(struct det *d, const struct anomaly *a) {
    char buf[CODEC_OUT_MAX];
    size_t len = codec_encode_anomaly(a, buf);
    conn_publish(d->pub, d->conf.out, buf, len);
    conn_publish(d->pub, d->sev_channel[a->severity], buf, len);
    det_log_anomaly(d, a);
}

static void det_malformed(struct det *d, enum codec_err e, const char *why, const char *msg,
                          size_t len) {
    uint64_t suppressed = 0;
    d->malformed[e]++;
    d->malformed_total++;
    if (log_ratelimit_allow(&d->rl_malformed, clock_mono_ms(), &suppressed))
        log_warn("malformed message (%s: %s): %.*s%s%s", codec_err_name(e), why,
                 (int)(len > 120 ? 120 : len), msg, len > 120 ? "..." : "",
                 suppressed ? " (similar messages suppressed)" : "");
}

/* Called by hiredis for every reply on the subscription: the confirmation, then each message. */
static void det_on_message(redisAsyncContext *ac, void *r, void *privdata) {
    struct det *d = privdata;
    redisReply *reply = r;
    redisReply *kind, *payload;
    struct point p;
    struct verdict v;
    struct anomaly a;
    char why[96];
    enum codec_err e;
    (void)ac;

    if (!reply)
        return; /* the connection is going away; conn reconnects and resubscribes */
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3 ||
        reply->element[0]->type != REDIS_REPLY_STRING) {
        d->unexpected++;
        return;
    }
    kind = reply->element[0];
    if (kind->len != 7 || memcmp(kind->str, "message", 7) != 0) {
        if (kind->len == 9 && memcmp(kind->str, "subscribe", 9) == 0)
            log_info("subscribed to \"%s\"", d->conf.in);
        return;
    }
    payload = reply->element[2];
    e = codec_decode_point(payload->str, payload->len, &p, why, sizeof why);
    if (e != CODEC_OK) {
        det_malformed(d, e, why, payload->str, payload->len);
    } else {
        detect_push(&d->core, &p, &v, &a);
        if (v.anomaly)
            det_publish_anomaly(d, &a);
    }
    if (d->conf.exit_after > 0 &&
        d->core.points + d->malformed_total == (uint64_t)d->conf.exit_after) {
        log_info("read %ld messages (--exit-after), stopping", d->conf.exit_after);
        det_stop(d);
    }
}

/* ---- connections, stats, stopping ---- */

static void det_conn_event(struct conn *c, enum conn_event ev, const char *detail, void *arg) {
    struct det *d = arg;
    (void)detail;
    switch (ev) {
    case CONN_READY:
        if (c == d->sub)
            redisAsyncCommand(conn_context(c), det_on_message, d, "SUBSCRIBE %s", d->conf.in);
        break;
    case CONN_LOST:
        break;
    case CONN_FATAL:
        d->exit_code = 1;
        det_stop(d);
        event_base_loopbreak(d->base);
        break;
    case CONN_CLOSED:
        if (++d->closed == 2)
            event_del(d->grace);
        break;
    }
}

static void det_log_stats(struct det *d, const char *what) {
    uint64_t now = clock_mono_ns();
    double secs = (double)(now - d->last_stats_ns) / 1e9;
    const struct conn_counters *pc = conn_counters(d->pub);
    const struct conn_counters *sc = conn_counters(d->sub);
    double rate = secs > 0 ? (double)(d->core.points - d->last_points) / secs : 0;

    log_info("%s: points=%llu (%.0f/s) anomalies=%llu (low=%llu medium=%llu high=%llu) "
             "malformed=%llu series=%zu evicted=%llu published=%llu dropped=%llu failed=%llu "
             "reconnects=%llu",
             what, (unsigned long long)d->core.points, rate,
             (unsigned long long)detect_anomalies_total(&d->core),
             (unsigned long long)d->core.anomalies[SEV_LOW],
             (unsigned long long)d->core.anomalies[SEV_MEDIUM],
             (unsigned long long)d->core.anomalies[SEV_HIGH],
             (unsigned long long)d->malformed_total, d->core.table.len,
             (unsigned long long)d->core.table.evicted, (unsigned long long)pc->published,
             (unsigned long long)(pc->refused_down + pc->refused_full),
             (unsigned long long)pc->failed,
             (unsigned long long)(sc->reconnects + pc->reconnects));
    d->last_points = d->core.points;
    d->last_stats_ns = now;
}

static void det_stats_cb(evutil_socket_t fd, short what, void *arg) {
    (void)fd;
    (void)what;
    det_log_stats(arg, "stats");
}

static void det_grace_cb(evutil_socket_t fd, short what, void *arg) {
    struct det *d = arg;
    (void)fd;
    (void)what;
    log_warn("publishes still outstanding after %d s; closing anyway", DET_STOP_GRACE_S);
    event_base_loopbreak(d->base);
}

/* Stops listening; the loop ends once the publishes in flight are answered (or after
 * DET_STOP_GRACE_S). */
static void det_stop(struct det *d) {
    struct timeval grace = {DET_STOP_GRACE_S, 0};
    if (d->stopping)
        return;
    d->stopping = 1;
    event_del(d->stats);
    event_del(d->sigint);
    event_del(d->sigterm);
    evtimer_add(d->grace, &grace);
    conn_stop(d->sub);
    conn_stop(d->pub);
}

static void det_signal_cb(evutil_socket_t sig, short what, void *arg) {
    (void)what;
    log_info("received %s, stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
    det_stop(arg);
}

/* ---- start-up ---- */

static void det_configure(struct det *d, int argc, char **argv, char **envp,
                          struct score_params *params) {
    struct det_conf *c = &d->conf;
    const char *pos[1];
    size_t npos = 0;
    char err[CFG_ERR_MAX], line[CFG_ERR_MAX + 32];
    enum log_level level = LOG_INFO;
    enum score_algo algo;

    memset(c, 0, sizeof *c);
    c->redis = URL_DEFAULT;
    c->in = "response_times";
    c->out = "anomalies";
    c->threshold = c->alpha = c->min_std = NAN;
    c->max_series = SERIES_MAX_DEFAULT;
    c->max_pending = CONN_MAX_PENDING_DEFAULT;
    c->stats_interval = 10;
    c->log_level = "info";
    switch (cfg_parse(det_opts, DET_NOPTS, c, argc, argv, envp, pos, 1, &npos, err, sizeof err)) {
    case CFG_OK:
        break;
    case CFG_HELP:
        det_usage();
        exit(0);
    case CFG_VERSION:
        printf(PROG " " BLIP_VERSION "\n");
        exit(0);
    case CFG_ERROR:
        det_die_usage(err);
    }
    if (npos == 1) {
        if (score_algo_parse(pos[0], &algo) != 0) {
            snprintf(line, sizeof line, "unexpected argument \"%.60s\" (an algorithm: sma|ema)",
                     pos[0]);
            det_die_usage(line);
        }
        c->algo = (int)algo;
    }
    if (log_level_parse(c->log_level, &level) != 0)
        det_die_usage("--log-level: expected error, warn, info or debug");
    log_init(PROG, level);
    if (c->output && !c->input)
        det_die_usage("--output: only with --input (offline mode)");
    if (c->exit_after && c->input)
        det_die_usage("--exit-after: only without --input (live mode)");
    if (!c->input && url_parse(c->redis, &d->url, err, sizeof err) != 0) {
        snprintf(line, sizeof line, "--redis: %s", err);
        det_die_usage(line);
    }
    score_params_default(params, (enum score_algo)c->algo);
    if (c->window)
        params->window = (size_t)c->window;
    if (!isnan(c->threshold))
        params->threshold = c->threshold;
    if (!isnan(c->alpha))
        params->alpha = c->alpha;
    if (!isnan(c->min_std))
        params->min_std = c->min_std;
}

static int det_offline(struct det *d) {
    struct offline_counters oc;
    char err[256];
    FILE *in = strcmp(d->conf.input, "-") == 0 ? stdin : fopen(d->conf.input, "r");
    FILE *out;
    int rc;

    if (!in) {
        fprintf(stderr, PROG ": --input: cannot open \"%s\": %s\n", d->conf.input,
                strerror(errno));
        return 2;
    }
    out = !d->conf.output || strcmp(d->conf.output, "-") == 0 ? stdout
                                                               : fopen(d->conf.output, "w");
    if (!out) {
        fprintf(stderr, PROG ": --output: cannot open \"%s\": %s\n", d->conf.output,
                strerror(errno));
        if (in != stdin)
            fclose(in);
        return 2;
    }
    rc = offline_run(&d->core, in, out, &oc, err, sizeof err);
    if (rc != 0)
        log_error("%s", err);
    log_info("offline: rows=%llu anomalies=%llu bad_rows=%llu algo=%s",
             (unsigned long long)oc.rows, (unsigned long long)oc.anomalies,
             (unsigned long long)oc.bad_rows, score_algo_name(d->core.params.algo));
    if (in != stdin)
        fclose(in);
    if (out != stdout && fclose(out) != 0 && rc == 0) {
        log_error("closing %s: %s", d->conf.output, strerror(errno));
        rc = -1;
    }
    return rc == 0 ? 0 : 1;
}

static int det_live(struct det *d) {
    struct timeval stats_tv;

    for (int s = SEV_LOW; s < SEV_COUNT; s++)
        snprintf(d->sev_channel[s], sizeof d->sev_channel[s], "%s:%s", d->conf.out,
                 codec_severity_name((enum severity)s));
    signal(SIGPIPE, SIG_IGN);
    d->base = event_base_new();
    if (!d->base) {
        log_error("cannot create the event loop");
        return 1;
    }
    d->stats = event_new(d->base, -1, EV_PERSIST, det_stats_cb, d);
    d->grace = evtimer_new(d->base, det_grace_cb, d);
    d->sigint = evsignal_new(d->base, SIGINT, det_signal_cb, d);
    d->sigterm = evsignal_new(d->base, SIGTERM, det_signal_cb, d);
    if (!d->stats || !d->grace || !d->sigint || !d->sigterm) {
        log_error("cannot create events");
        return 1;
    }
    evsignal_add(d->sigint, NULL);
    evsignal_add(d->sigterm, NULL);
    if (d->conf.stats_interval > 0) {
        stats_tv.tv_sec = (time_t)d->conf.stats_interval;
        stats_tv.tv_usec = (suseconds_t)((d->conf.stats_interval - (double)stats_tv.tv_sec) * 1e6);
        event_add(d->stats, &stats_tv);
    }
    d->sub = conn_new(d->base, &d->url, "subscriber", det_conn_event, d);
    d->pub = conn_new(d->base, &d->url, "publisher", det_conn_event, d);
    conn_set_max_pending(d->pub, (size_t)d->conf.max_pending);
    log_info("scoring \"%s\" with %s (window %zu, threshold %g), flagged points to \"%s\"",
             d->conf.in, score_algo_name(d->core.params.algo), d->core.params.window,
             d->core.params.threshold, d->conf.out);
    conn_start(d->sub);
    conn_start(d->pub);
    d->last_stats_ns = clock_mono_ns();
    event_base_dispatch(d->base);

    det_log_stats(d, "final");
    conn_free(d->sub);
    conn_free(d->pub);
    event_free(d->stats);
    event_free(d->grace);
    event_free(d->sigint);
    event_free(d->sigterm);
    event_base_free(d->base);
    return d->exit_code;
}

int main(int argc, char **argv, char **envp) {
    static struct det d;
    struct score_params params;
    char err[CFG_ERR_MAX];
    int rc;

    det_configure(&d, argc, argv, envp, &params);
    if (detect_init(&d.core, &params, (size_t)d.conf.max_series, err, sizeof err) != 0) {
        fprintf(stderr, PROG ": %s\n", err);
        return 2;
    }
    rc = d.conf.input ? det_offline(&d) : det_live(&d);
    detect_clear(&d.core);
    return rc;
}

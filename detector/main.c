/* blip-detector - scores every point from a Redis channel and republishes the flagged ones; or,
 * with --input, scores a CSV file offline. The shell around detect.c and offline.c: flags, the
 * libevent loop, two Redis connections (one subscribed, one publishing), stats, signals; and for
 * operators: the HTTP endpoint (--http), the history streams (XADD), alerts (--alert-exec,
 * --webhook). Everything shares the one event loop; nothing here blocks it. */
#include <errno.h>
#include <event2/event.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <math.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "alert.h"
#include "api.h"
#include "auth.h"
#include "cfg.h"
#include "clock.h"
#include "codec.h"
#include "conn.h"
#include "control.h"
#include "detect.h"
#include "figures.h"
#include "health.h"
#include "hist.h"
#include "httpd.h"
#include "log.h"
#include "num.h"
#include "probe.h"
#include "offline.h"
#include "prom.h"
#include "recent.h"
#include "shed.h"
#include "spawn.h"
#include "url.h"
#include "version.h"
#include "webhook.h"
#include "xalloc.h"

#define PROG "blip-detector"
#define DET_SHED_AT_DEFAULT 4194304 /* --shed-at default: 4 MiB held in Redis (its limit: 32 MiB) */
#define DET_SHED_CHECK_EVERY 256   /* messages between backlog measurements */
#define DET_SHED_CHECK_MS 5        /* while shedding, also this often (the flood may have ended) */
#define DET_STOP_GRACE_S 3        /* wait this long for publishes in flight when stopping */
#define DET_ANOMALY_LOG_BURST 20  /* anomaly lines per second before they are summarised */
#define DET_CHANNEL_MAX 256       /* longest channel name */
#define DET_DEFAULT_ALGO "knn"    /* --algo default: see "Choosing a detector" in README.md */
#define DET_HISTORY_LEN_DEFAULT 10000 /* --history-len default: entries kept per stream */
#define DET_HISTORY_LEN_MAX 100000000
#define DET_LAG_PROBE_S 2         /* how often Redis is asked for the subscriber's output buffer */
/* Reading the monotonic clock twice per point cost 3-6% of the detector's CPU time per point
 * here (clock_gettime ~55 ns in this VM against ~1.1 us per point), so the processing-time
 * histogram samples one point in DET_LATENCY_SAMPLE (a power of two), and the age of the last
 * point is kept to DET_SEEN_TICK_MS by a timer instead of a clock read per point. */
#define DET_LATENCY_SAMPLE 16
#define DET_SEEN_TICK_MS 100
#define DET_ALERT_RATE_DEFAULT 10 /* --alert-rate default, per minute */
#define DET_ALERT_TIMEOUT_DEFAULT 10.0 /* --alert-timeout default, seconds */
#define DET_ALERT_TIMEOUT_MAX 3600
#define DET_WEBHOOK_TIMEOUT_DEFAULT 5  /* --webhook-timeout default, seconds */
#define DET_WEBHOOK_RETRIES_DEFAULT 3  /* --webhook-retries default */
#define DET_CAUSES_MAX 160        /* the malformed-by-cause part of a stats line */

struct det_conf {
    const char *redis;
    const char *password_file;
    const char *in;
    const char *out;
    const char *episodes;
    const char *control;
    const char *config_key;
    const char *input;
    const char *output;
    const char *log_level;
    const char *probe; /* --probe target, or NULL */
    int algo;
    int report;        /* -1: default */
    long window;       /* 0: the algorithm's default */
    long warmup;       /* 0: the algorithm's default */
    double threshold;  /* NAN: the algorithm's default */
    double end_threshold;
    double alpha;
    double min_std;
    double cusum_k;
    long hst_trees, hst_depth;
    long min_duration; /* -1: default */
    long cooldown;
    long gap;
    long max_series;
    long max_pending;
    double stats_interval;
    int no_persist;
    uint64_t seed;
    int has_seed;
    long exit_after; /* 0: run until stopped */
    long shed_at;    /* unread bytes on the subscription that start shedding; 0: never */
    /* operating it */
    const char *http;
    long http_max_conns;
    long http_timeout;
    long metrics_per_series;
    const char *history_key;
    const char *history_episodes_key;
    long history_len;
    int no_history;
    const char *alert_exec;
    long alert_rate;
    double alert_timeout;
    int alert_on;
    const char *webhook;
    long webhook_timeout;
    long webhook_retries;
};

struct det;

/* One history stream and what became of its XADDs. */
struct det_stream {
    struct det *d;
    const char *key;
    const char *kind; /* the second field's name: "severity" or "event" */
    struct figures_history n;
};

struct det {
    struct det_conf conf;
    struct redis_url url;
    struct detect core;
    struct event_base *base;
    struct conn *sub, *pub;
    struct event *stats, *sigint, *sigterm, *grace;
    char sev_channel[SEV_COUNT][DET_CHANNEL_MAX + 16]; /* <out>:low ... */
    char reply_channel[DET_CHANNEL_MAX + 16];          /* <control>:reply */
    int config_loaded; /* persisted settings read (or found absent): points may be scored */
    uint64_t control_ok, control_bad;
    uint64_t malformed[CODEC_ERR_COUNT];
    uint64_t malformed_total;
    uint64_t unexpected; /* replies on the subscription that are not messages */
    uint64_t shed;       /* points read but not scored while behind (--shed-at) */
    uint64_t shed_checks; /* messages since the backlog was last measured */
    uint64_t shed_check_ms; /* when it was */
    struct shed shed_state; /* behind: reading without scoring until the backlog drains */
    uint64_t last_points;
    uint64_t last_stats_ns;
    uint64_t anomaly_log_window_ms;
    unsigned anomaly_log_used;
    uint64_t anomaly_log_skipped;
    int closed; /* connections closed so far while stopping */
    int stopping;
    int exit_code;
    struct log_ratelimit rl_malformed;
    /* --http */
    struct addr http_addr;
    struct httpd *httpd;
    struct recent recent;     /* for /anomalies */
    int timing;               /* sample per-point latency (only with --http: nobody else reads it) */
    uint64_t messages;        /* points received, for sampling */
    struct hist latency;      /* one point in DET_LATENCY_SAMPLE */
    uint64_t start_ns;
    int point_seen;           /* a point arrived since the last DET_SEEN_TICK_MS tick */
    uint64_t last_point_ns;   /* monotonic time of that tick; 0 before the first point */
    struct event *seen_tick;
    int subscribed;           /* the input subscription is confirmed */
    long long sub_client_id;  /* the subscriber's CLIENT ID, -1 unknown */
    int64_t omem;             /* its output buffer in Redis, bytes; -1 unknown */
    uint64_t omem_ms;         /* monotonic ms of that answer */
    int omem_supported;       /* Redis has answered CLIENT LIST ID with a figure */
    int omem_unsupported;     /* CLIENT ID or CLIENT LIST ID refused (ACL, Redis < 6.2) */
    int omem_asking;          /* a CLIENT LIST ID is in flight */
    uint64_t omem_asked_ms;   /* when the last one was sent */
    struct event *probe;
    /* history */
    struct det_stream streams[FIGURES_STREAM_COUNT];
    char history_len_text[24];
    struct log_ratelimit rl_history;
    /* alerts */
    struct addr_url webhook_url;
    struct spawn *spawn;
    struct webhook *webhook;
    struct alert_limiter limiter;
    struct figures_alerts alerts;
    struct log_ratelimit rl_alert;
};

static const char *const det_algos[] = {"sma", "ema", "mad", "cusum", "hst", "resid", "knn", NULL};
static const char *const det_reports[] = {"episodes", "points", NULL};
static const char *const det_alert_ons[] = {"episode", "anomaly", NULL};

static int det_parse_seed(void *conf, const char *v, char *err, size_t errlen) {
    struct det_conf *c = conf;
    int64_t s;
    if (num_parse_i64(v, strlen(v), 0, INT64_MAX, &s) != 0) {
        snprintf(err, errlen, "expected an integer 0..%lld, got \"%.60s\"", (long long)INT64_MAX, v);
        return -1;
    }
    c->seed = (uint64_t)s;
    c->has_seed = 1;
    return 0;
}

#define O(f) offsetof(struct det_conf, f)
static const struct cfg_opt det_opts[] = {
    {"redis", CFG_STRING, O(redis), "REDIS_URL", "URL",
     "Redis server (default redis://127.0.0.1:6379)", 0, 4096, NULL, NULL},
    AUTH_CFG_OPT(O(password_file)),
    {"in", CFG_STRING, O(in), "BLIP_CHANNEL", "CHANNEL",
     "channel the points arrive on (default response_times)", 0, DET_CHANNEL_MAX, NULL, NULL},
    {"out", CFG_STRING, O(out), "BLIP_ANOMALIES", "CHANNEL",
     "channel for flagged points; also <CHANNEL>:low|medium|high (default anomalies)", 0,
     DET_CHANNEL_MAX, NULL, NULL},
    {"episodes", CFG_STRING, O(episodes), "BLIP_EPISODES", "CHANNEL",
     "channel for episode open/update/close events (default episodes)", 0, DET_CHANNEL_MAX, NULL,
     NULL},
    {"control", CFG_STRING, O(control), "BLIP_CONTROL", "CHANNEL",
     "channel for run-time settings; replies on <CHANNEL>:reply (default blip:control)", 0,
     DET_CHANNEL_MAX, NULL, NULL},
    {"config-key", CFG_STRING, O(config_key), "BLIP_CONFIG_KEY", "KEY",
     "Redis hash keeping run-time settings across restarts (default blip:config)", 0,
     DET_CHANNEL_MAX, NULL, NULL},
    {"no-persist", CFG_BOOL, O(no_persist), "BLIP_NO_PERSIST", NULL,
     "neither read nor write the settings hash", 0, 0, NULL, NULL},
    {"algo", CFG_CHOICE, O(algo), "BLIP_ALGO", "NAME",
     "sma, ema, mad, cusum, hst, resid or knn; a bare name works too (default " DET_DEFAULT_ALGO ")", 0, 0,
     det_algos, NULL},
    {"window", CFG_INT, O(window), "BLIP_WINDOW", "N",
     "baseline length in points (default: per algorithm, see README)", SCORE_WINDOW_MIN,
     SCORE_WINDOW_MAX, NULL, NULL},
    {"warmup", CFG_INT, O(warmup), "BLIP_WARMUP", "N",
     "points of a series before its first verdict (default: per algorithm)", 1, SCORE_WINDOW_MAX,
     NULL, NULL},
    {"threshold", CFG_DOUBLE, O(threshold), "BLIP_THRESHOLD", "Z",
     "flag points with |score| >= Z (default: per algorithm)", 1e-6, 1e6, NULL, NULL},
    {"alpha", CFG_DOUBLE, O(alpha), "BLIP_ALPHA", "A", "ema smoothing factor (default 0.08)",
     1e-6, 1, NULL, NULL},
    {"min-std", CFG_DOUBLE, O(min_std), "BLIP_MIN_STD", "X",
     "floor on the baseline's spread, in the series' units (default 1e-9)", 0, 1e12, NULL, NULL},
    {"cusum-k", CFG_DOUBLE, O(cusum_k), "BLIP_CUSUM_K", "K",
     "cusum: drift allowed per point, in SDs (default 0.5)", 0, 100, NULL, NULL},
    {"hst-trees", CFG_INT, O(hst_trees), "BLIP_HST_TREES", "N", "hst: trees (default 25)", 1,
     HST_TREES_MAX, NULL, NULL},
    {"hst-depth", CFG_INT, O(hst_depth), "BLIP_HST_DEPTH", "N", "hst: tree depth (default 8)", 1,
     HST_DEPTH_MAX, NULL, NULL},
    {"seed", CFG_FUNC, 0, "BLIP_SEED", "N", "hst: seed for the trees' shapes (default 1)", 0, 0,
     NULL, det_parse_seed},
    {"min-duration", CFG_INT, O(min_duration), "BLIP_MIN_DURATION", "N",
     "deviating points in a row before an episode opens (default 1)", 1, EPISODE_DURATION_MAX,
     NULL, NULL},
    {"cooldown", CFG_INT, O(cooldown), "BLIP_COOLDOWN", "N",
     "points after an episode during which no new one opens unless worse (default: per algo)", 0,
     EPISODE_DURATION_MAX, NULL, NULL},
    {"gap", CFG_INT, O(gap), "BLIP_GAP", "N",
     "quiet points an open episode tolerates before it closes (default 0)", 0,
     EPISODE_DURATION_MAX, NULL, NULL},
    {"end-threshold", CFG_DOUBLE, O(end_threshold), "BLIP_END_THRESHOLD", "Z",
     "an episode ends when |score| falls below Z (hysteresis; default: the threshold)", 1e-6,
     1e6, NULL, NULL},
    {"report", CFG_CHOICE, O(report), "BLIP_REPORT", "episodes|points",
     "flag each episode's first point, or every deviating point (default episodes)",
     0, 0, det_reports, NULL},
    {"max-series", CFG_INT, O(max_series), "BLIP_MAX_SERIES", "N",
     "series tracked at once; the least recently seen is evicted (default 10000)", 1,
     SERIES_MAX_LIMIT, NULL, NULL},
    {"max-pending", CFG_INT, O(max_pending), "BLIP_MAX_PENDING", "N",
     "publishes in flight before more are dropped and counted (default 100000)", 1, 1e8, NULL,
     NULL},
    {"input", CFG_STRING, O(input), NULL, "FILE|-",
     "offline: score CSV timestamp,value rows from FILE (- = stdin); no Redis", 0, 4096, NULL,
     NULL},
    {"output", CFG_STRING, O(output), NULL, "FILE|-",
     "offline: write timestamp,value,score,anomaly,severity rows here (default -)", 0, 4096, NULL,
     NULL},
    {"stats-interval", CFG_DOUBLE, O(stats_interval), "BLIP_STATS_INTERVAL", "SECONDS",
     "seconds between stats lines, 0 = none (default 10)", 0, 86400, NULL, NULL},
    {"shed-at", CFG_INT, O(shed_at), "BLIP_SHED_AT", "BYTES",
     "when Redis holds this many bytes for the subscription (CLIENT LIST ID), read without "
     "scoring (counted as shed) until it holds none, so Redis never drops the detector; without "
     "CLIENT, when half the socket's receive buffer waits unread; 0 = never (default 4194304)",
     0, 1e12, NULL, NULL},
    {"exit-after", CFG_INT, O(exit_after), "BLIP_EXIT_AFTER", "N",
     "stop as on SIGTERM once N messages have been read, scored or malformed (default 0 = never)",
     0, 1e15, NULL, NULL},
    {"probe", CFG_STRING, O(probe), NULL, "[ADDR:]PORT",
     "ask a running blip's --http /health and exit 0 if healthy, 1 if not (container probes)", 0,
     300, NULL, NULL},
    {"log-level", CFG_STRING, O(log_level), "BLIP_LOG_LEVEL", "LEVEL",
     "error, warn, info or debug (default info)", 0, 16, NULL, NULL},
    {"http", CFG_STRING, O(http), "BLIP_HTTP", "[ADDR:]PORT",
     "serve /health, /metrics, /anomalies, /series here; PORT alone = 127.0.0.1 (default off)",
     0, 300, NULL, NULL},
    {"http-max-conns", CFG_INT, O(http_max_conns), "BLIP_HTTP_MAX_CONNS", "N",
     "HTTP connections at once; more get 503 (default 64)", 1, HTTPD_MAX_CONNS_LIMIT, NULL, NULL},
    {"http-timeout", CFG_INT, O(http_timeout), "BLIP_HTTP_TIMEOUT", "SECONDS",
     "HTTP read/write/idle timeout (default 10)", 1, HTTPD_TIMEOUT_MAX_S, NULL, NULL},
    {"metrics-per-series", CFG_INT, O(metrics_per_series), "BLIP_METRICS_PER_SERIES", "N",
     "per-series metrics for the N most recently seen series (default 0 = none)", 0,
     FIGURES_PER_SERIES_MAX, NULL, NULL},
    {"history-key", CFG_STRING, O(history_key), "BLIP_HISTORY_KEY", "KEY",
     "stream every anomaly is added to (default blip:anomalies)", 0, DET_CHANNEL_MAX, NULL, NULL},
    {"history-episodes-key", CFG_STRING, O(history_episodes_key), "BLIP_HISTORY_EPISODES_KEY",
     "KEY", "stream every episode event is added to (default blip:episodes)", 0, DET_CHANNEL_MAX,
     NULL, NULL},
    {"history-len", CFG_INT, O(history_len), "BLIP_HISTORY_LEN", "N",
     "entries each stream keeps, about (MAXLEN ~; default 10000)", 1, DET_HISTORY_LEN_MAX, NULL,
     NULL},
    {"no-history", CFG_BOOL, O(no_history), "BLIP_NO_HISTORY", NULL,
     "add nothing to the history streams", 0, 0, NULL, NULL},
    {"alert-exec", CFG_STRING, O(alert_exec), "BLIP_ALERT_EXEC", "CMD",
     "run /bin/sh -c CMD per alert, the JSON on stdin, BLIP_* variables set (default off)", 0,
     4096, NULL, NULL},
    {"alert-on", CFG_CHOICE, O(alert_on), "BLIP_ALERT_ON", "episode|anomaly",
     "alert on each new episode, or on each reported anomaly (default episode)", 0, 0,
     det_alert_ons, NULL},
    {"alert-rate", CFG_INT, O(alert_rate), "BLIP_ALERT_RATE", "N",
     "alerts per minute at most; more are counted as suppressed (default 10)", 1, ALERT_RATE_MAX,
     NULL, NULL},
    {"alert-timeout", CFG_DOUBLE, O(alert_timeout), "BLIP_ALERT_TIMEOUT", "SECONDS",
     "kill an alert command still running after this (default 10)", 0.001,
     DET_ALERT_TIMEOUT_MAX, NULL, NULL},
    {"webhook", CFG_STRING, O(webhook), "BLIP_WEBHOOK", "URL",
     "POST each alert's JSON to this http:// URL (no https; default off)", 0, 2048, NULL, NULL},
    {"webhook-timeout", CFG_INT, O(webhook_timeout), "BLIP_WEBHOOK_TIMEOUT", "SECONDS",
     "time one webhook attempt may take (default 5)", 1, WEBHOOK_TIMEOUT_MAX_S, NULL, NULL},
    {"webhook-retries", CFG_INT, O(webhook_retries), "BLIP_WEBHOOK_RETRIES", "N",
     "attempts repeated after a failure, with a doubling backoff (default 3)", 0,
     WEBHOOK_RETRIES_MAX, NULL, NULL},
};
#undef O
#define DET_NOPTS (sizeof det_opts / sizeof det_opts[0])

static void det_usage(void) {
    static char buf[16384];
    cfg_help(det_opts, DET_NOPTS, buf, sizeof buf);
    printf("usage: " PROG " [flags] [sma|ema|mad|cusum|hst|resid|knn]\n"
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

/* ---- history streams ---- */

static void det_history_cb(struct conn *c, void *r, void *arg) {
    struct det_stream *st = arg;
    const redisReply *reply = r;
    uint64_t suppressed = 0;
    (void)c;
    if (reply && reply->type != REDIS_REPLY_ERROR) {
        st->n.added++;
        return;
    }
    st->n.failed++;
    if (reply && log_ratelimit_allow(&st->d->rl_history, clock_mono_ms(), &suppressed))
        log_warn("XADD %s refused: %s%s", st->key, reply->str,
                 suppressed ? " (similar messages suppressed)" : "");
}

/* XADD key MAXLEN ~ N * series S <kind> V json J on the publishing connection, unless Redis is
 * away or the commands in flight reach --max-pending (then the entry is dropped and counted). */
static void det_history_add(struct det *d, struct det_stream *st, const char *series,
                            const char *kind_value, const char *json, size_t len) {
    const char *argv[12] = {"XADD",   st->key, "MAXLEN", "~",        d->history_len_text, "*",
                            "series", series,  st->kind, kind_value, "json",              json};
    size_t lens[12];
    if (d->conf.no_history)
        return;
    if (conn_pending(d->pub) >= (size_t)d->conf.max_pending) {
        st->n.dropped++;
        return;
    }
    for (int i = 0; i < 11; i++)
        lens[i] = strlen(argv[i]);
    lens[11] = len;
    if (conn_command(d->pub, det_history_cb, st, 12, argv, lens) != 0)
        st->n.dropped++;
}

/* ---- alerts ---- */

static void det_maybe_done(struct det *d);

static void det_alert_done(enum spawn_result r, int code, void *arg) {
    struct det *d = arg;
    uint64_t suppressed = 0;
    int say;
    if (r == SPAWN_OK) {
        d->alerts.exec_ok++;
        det_maybe_done(d);
        return;
    }
    if (r == SPAWN_TIMEOUT)
        d->alerts.exec_timeout++;
    else
        d->alerts.exec_failed++;
    say = log_ratelimit_allow(&d->rl_alert, clock_mono_ms(), &suppressed);
    if (say && r == SPAWN_TIMEOUT)
        log_warn("alert command killed after %g s%s", d->conf.alert_timeout,
                 suppressed ? " (similar messages suppressed)" : "");
    else if (say && r == SPAWN_EXIT)
        log_warn("alert command failed: exit status %d%s%s", code,
                 code == 127 ? " (command not found?)" : "",
                 suppressed ? " (similar messages suppressed)" : "");
    else if (say)
        log_warn("alert command killed by signal %d%s", code,
                 suppressed ? " (similar messages suppressed)" : "");
    det_maybe_done(d);
}

static void det_webhook_end(void *arg) { det_maybe_done(arg); }

/* Raises one alert for anomaly a (its message json[0..len)), unless over --alert-rate. */
static void det_alert(struct det *d, const struct anomaly *a, const char *json, size_t len,
                      const char *event, uint64_t episode) {
    char payload[ALERT_PAYLOAD_MAX], err[128];
    struct alert_env env;
    size_t plen;
    uint64_t suppressed = 0;

    d->alerts.raised++;
    if (!alert_limiter_take(&d->limiter, clock_mono_ms())) {
        d->alerts.suppressed++;
        if (log_ratelimit_allow(&d->rl_alert, clock_mono_ms(), &suppressed))
            log_warn("alert for series %s suppressed: more than %ld a minute%s", a->pt.series,
                     d->conf.alert_rate, suppressed ? " (similar messages suppressed)" : "");
        return;
    }
    plen = alert_payload(json, len, event, episode, payload);
    if (!plen)
        return; /* the encoder always writes an object */
    if (d->spawn) {
        alert_env_build(&env, a, event, episode);
        if (spawn_run(d->spawn, env.vars, payload, plen, err, sizeof err) != 0) {
            d->alerts.exec_failed++;
            if (log_ratelimit_allow(&d->rl_alert, clock_mono_ms(), &suppressed))
                log_warn("alert command not started: %s", err);
        }
    }
    if (d->webhook)
        webhook_post(d->webhook, payload, plen);
}

/* ---- publishing ---- */

static void det_publish_anomaly(struct det *d, const struct anomaly *a, const char *buf,
                                size_t len) {
    conn_publish(d->pub, d->conf.out, buf, len);
    conn_publish(d->pub, d->sev_channel[a->severity], buf, len);
    det_history_add(d, &d->streams[FIGURES_STREAM_ANOMALIES], a->pt.series,
                    codec_severity_name(a->severity), buf, len);
    if (d->httpd)
        recent_push(&d->recent, a->pt.series,
                    (a->pt.has & CODEC_HAS_TS) ? a->pt.ts : clock_wall_ms(), buf, len);
    det_log_anomaly(d, a);
}

static void det_publish_episode(struct det *d, const struct detect_result *r) {
    char buf[CODEC_OUT_MAX];
    const struct series *s = r->series;
    size_t len = episode_encode(&s->ep, r->ep.event, s->name, score_algo_name(s->params.algo), buf);
    if (len) {
        conn_publish(d->pub, d->conf.episodes, buf, len);
        det_history_add(d, &d->streams[FIGURES_STREAM_EPISODES], s->name,
                        episode_event_name(r->ep.event), buf, len);
    }
    if (r->ep.event != EPISODE_UPDATE)
        log_debug("episode %s: %s", episode_event_name(r->ep.event), buf);
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

/* The payload of a pub/sub message reply, or NULL for anything else (the subscribe
 * confirmation, logged once, and noted in *subscribed when not NULL). */
static const redisReply *det_message_payload(struct det *d, const redisReply *reply,
                                             const char *channel, int *subscribed) {
    const redisReply *kind;
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3 ||
        reply->element[0]->type != REDIS_REPLY_STRING) {
        d->unexpected++;
        return NULL;
    }
    kind = reply->element[0];
    if (kind->len == 7 && memcmp(kind->str, "message", 7) == 0)
        return reply->element[2];
    if (kind->len == 9 && memcmp(kind->str, "subscribe", 9) == 0) {
        log_info("subscribed to \"%s\"", channel);
        if (subscribed)
            *subscribed = 1;
    }
    return NULL;
}

/* --exit-after: stops once that many messages have been read (scored, malformed or shed). */
static void det_exit_after(struct det *d) {
    if (d->conf.exit_after > 0 &&
        d->core.points + d->malformed_total + d->shed == (uint64_t)d->conf.exit_after) {
        log_info("read %ld messages (--exit-after), stopping", d->conf.exit_after);
        det_stop(d);
    }
}

static void det_ask_omem(struct det *d);

/* Overload (shed.h): every DET_SHED_CHECK_EVERY messages the unread bytes on the subscription
 * and the socket's receive buffer are measured (two system calls among hundreds of points), and
 * while they press Redis is asked what it holds for the subscriber; a detector that is behind
 * sheds, reading without scoring (each point counted as shed), until it has caught up, so Redis
 * never closes its subscription and every point is accounted for. While shedding it also
 * measures every DET_SHED_CHECK_MS, so that once a flood is over the next few points are
 * scored, not the next few hundred shed. */
static void det_check_backlog(struct det *d, int fd) {
    int waiting = 0, rcvbuf = 0;
    socklen_t len = sizeof rcvbuf;
    struct shed_obs o;
    d->shed_checks = 0;
    d->shed_check_ms = clock_mono_ms();
    if (fd < 0 || ioctl(fd, FIONREAD, &waiting) != 0)
        return;
    if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &len) != 0)
        rcvbuf = 0;
    o.waiting = waiting;
    o.rcvbuf = rcvbuf;
    o.redis_known = d->omem_supported && !d->omem_unsupported && d->sub_client_id >= 0 &&
                    conn_is_ready(d->pub);
    o.redis = d->omem;
    o.redis_ms = d->omem_ms;
    o.now_ms = d->shed_check_ms;
    if (shed_wants_redis(&d->shed_state, &o) && o.now_ms - d->omem_asked_ms >= SHED_PROBE_MS)
        det_ask_omem(d);
    switch (shed_update(&d->shed_state, &o)) {
    case SHED_START:
        if (o.redis_known)
            log_warn("falling behind: Redis holds %lld bytes for the subscription; reading "
                     "without scoring (shedding) until it holds none",
                     (long long)o.redis);
        else
            log_warn("falling behind: %d bytes unread; reading without scoring (shedding) "
                     "until under %ld for %d ms",
                     waiting, shed_socket_limit(&d->shed_state, rcvbuf) / 8, SHED_DRAIN_MS);
        break;
    case SHED_STOP:
        log_warn("caught up: scoring again (%llu points shed so far)",
                 (unsigned long long)d->shed);
        break;
    case SHED_SAME:
        break;
    }
}

/* Called by hiredis for every reply on the points subscription: the hot path. With --http the
 * time from the message's arrival to its verdict goes into the latency histogram for one point
 * in DET_LATENCY_SAMPLE. */
static void det_on_message(redisAsyncContext *ac, void *r, void *privdata) {
    struct det *d = privdata;
    const redisReply *payload;
    struct point p;
    struct detect_result res;
    struct anomaly a;
    char why[96], buf[CODEC_OUT_MAX];
    size_t len = 0;
    enum codec_err e;
    uint64_t t0 = 0;
    int sampled;

    if (!r)
        return; /* the connection is going away; conn reconnects and resubscribes */
    payload = det_message_payload(d, r, d->conf.in, &d->subscribed);
    if (!payload)
        return;
    if (d->conf.shed_at > 0 &&
        (++d->shed_checks >= DET_SHED_CHECK_EVERY ||
         (d->shed_state.shedding && clock_mono_ms() - d->shed_check_ms >= DET_SHED_CHECK_MS)))
        det_check_backlog(d, ac->c.fd);
    if (d->shed_state.shedding) {
        d->shed++;
        det_exit_after(d);
        return;
    }
    sampled = d->timing && (d->messages++ & (DET_LATENCY_SAMPLE - 1)) == 0;
    if (sampled)
        t0 = clock_mono_ns();
    e = codec_decode_point(payload->str, payload->len, &p, why, sizeof why);
    if (e != CODEC_OK) {
        det_malformed(d, e, why, payload->str, payload->len);
    } else {
        detect_push(&d->core, &p, &res, &a);
        d->point_seen = 1;
        if (sampled)
            hist_observe(&d->latency, clock_mono_ns() - t0);
        if (res.ep.flagged) {
            len = codec_encode_anomaly(&a, buf);
            det_publish_anomaly(d, &a, buf, len);
        }
        if (res.ep.event != EPISODE_NONE)
            det_publish_episode(d, &res);
        if (res.ep.flagged && (d->spawn || d->webhook) &&
            (d->conf.alert_on == ALERT_ON_ANOMALY || res.ep.event == EPISODE_OPEN))
            det_alert(d, &a, buf, len, res.ep.event == EPISODE_OPEN ? "open" : "anomaly",
                      res.series->ep.id);
    }
    det_exit_after(d);
}

/* ---- run-time settings ---- */

static void det_persist(struct det *d, const char *field, const struct detect_conf *c) {
    char json[CONTROL_JSON_MAX];
    const char *argv[4];
    size_t lens[4];
    if (d->conf.no_persist)
        return;
    argv[0] = "HSET";
    argv[1] = d->conf.config_key;
    argv[2] = field;
    argv[3] = json;
    lens[3] = control_settings_json(c, json);
    for (int i = 0; i < 3; i++)
        lens[i] = strlen(argv[i]);
    if (conn_command(d->pub, NULL, NULL, 4, argv, lens) != 0)
        log_warn("settings not saved: Redis is not connected");
}

static void det_on_control(redisAsyncContext *ac, void *r, void *privdata) {
    struct det *d = privdata;
    const redisReply *payload;
    struct control_request req;
    char err[256], reply[2 * CONTROL_JSON_MAX];
    size_t len;
    int ok;
    (void)ac;

    if (!r || !(payload = det_message_payload(d, r, d->conf.control, NULL)))
        return;
    ok = control_parse(payload->str, payload->len, &d->core, &req, err, sizeof err) == 0;
    if (ok && !req.get) {
        ok = detect_configure(&d->core, req.all ? NULL : req.series, &req.conf, err,
                              sizeof err) == 0;
        if (ok) {
            det_persist(d, req.all ? "*" : req.series, &req.conf);
            log_info("settings of %s changed by a control message", req.all ? "all series" : req.series);
        }
    }
    if (ok) {
        d->control_ok++;
    } else {
        d->control_bad++;
        log_warn("control message refused: %s", err);
    }
    len = control_reply_json(&req, ok, err, reply);
    conn_publish(d->pub, d->reply_channel, reply, len);
}

static void det_subscribe(struct det *d) {
    redisAsyncContext *ac = conn_context(d->sub);
    if (!ac || !d->config_loaded)
        return;
    redisAsyncCommand(ac, det_on_message, d, "SUBSCRIBE %s", d->conf.in);
    redisAsyncCommand(ac, det_on_control, d, "SUBSCRIBE %s", d->conf.control);
}

/* Applies the settings saved in the hash: "*" first (all series), then each series'. */
static void det_load_config(struct conn *c, void *r, void *arg) {
    struct det *d = arg;
    const redisReply *reply = r;
    char err[256];
    (void)c;
    if (d->config_loaded)
        return;
    if (!reply || reply->type != REDIS_REPLY_ARRAY) {
        log_warn("cannot read saved settings from %s: %s", d->conf.config_key,
                 reply && reply->type == REDIS_REPLY_ERROR ? reply->str : "no reply");
    } else {
        for (int pass = 0; pass < 2; pass++) {
            for (size_t i = 0; i + 1 < reply->elements; i += 2) {
                const char *field = reply->element[i]->str;
                int global = strcmp(field, "*") == 0;
                struct detect_conf conf;
                if (global != (pass == 0))
                    continue;
                conf = *detect_conf_of(&d->core, global ? NULL : field);
                if (control_apply(reply->element[i + 1]->str, reply->element[i + 1]->len, &conf,
                                  err, sizeof err) != 0 ||
                    detect_configure(&d->core, global ? NULL : field, &conf, err,
                                     sizeof err) != 0)
                    log_warn("saved settings for \"%s\" ignored: %s", field, err);
                else
                    log_info("resumed saved settings for %s", global ? "all series" : field);
            }
        }
    }
    d->config_loaded = 1;
    det_subscribe(d);
}

/* ---- how far behind the subscriber is: its output buffer in Redis ---- */

static void det_omem_refused(struct det *d, const char *what, const char *why) {
    if (!d->omem_unsupported)
        log_info("Redis refuses %s (%s): the subscriber's backlog in Redis is not known; "
                 "overload is judged from its socket alone",
                 what, why);
    d->omem_unsupported = 1;
    d->omem = -1;
}

static void det_probe_cb(struct conn *c, void *r, void *arg) {
    struct det *d = arg;
    const redisReply *reply = r;
    int64_t v;
    (void)c;
    d->omem_asking = 0;
    if (!reply)
        return;
    if (reply->type == REDIS_REPLY_ERROR) {
        det_omem_refused(d, "CLIENT LIST ID", reply->str);
        return;
    }
    if (reply->type != REDIS_REPLY_STRING && reply->type != REDIS_REPLY_STATUS)
        return;
    v = api_client_field(reply->str, reply->len, "omem");
    if (v < 0)
        return; /* no such client: the subscriber has just reconnected */
    d->omem = v;
    d->omem_ms = clock_mono_ms();
    d->omem_supported = 1;
}

/* Asks Redis, on the publishing connection, for the subscriber's line of CLIENT LIST: its
 * backlog there. One question at a time. */
static void det_ask_omem(struct det *d) {
    char id[24];
    const char *argv[4] = {"CLIENT", "LIST", "ID", id};
    size_t lens[4] = {6, 4, 2, 0};
    if (d->omem_unsupported || d->omem_asking || d->sub_client_id < 0 ||
        !conn_is_ready(d->pub) || conn_pending(d->pub) >= (size_t)d->conf.max_pending)
        return;
    lens[3] = (size_t)snprintf(id, sizeof id, "%lld", d->sub_client_id);
    if (conn_command_optional(d->pub, det_probe_cb, d, 4, argv, lens) == 0) {
        d->omem_asking = 1;
        d->omem_asked_ms = clock_mono_ms();
    }
}

static void det_client_id_cb(struct conn *c, void *r, void *arg) {
    struct det *d = arg;
    const redisReply *reply = r;
    (void)c;
    if (reply && reply->type == REDIS_REPLY_ERROR) {
        det_omem_refused(d, "CLIENT ID", reply->str);
    } else if (reply && reply->type == REDIS_REPLY_INTEGER) {
        d->sub_client_id = reply->integer;
        det_ask_omem(d); /* learns early whether Redis will tell */
    }
}

/* --http: the backlog for /metrics and /health every DET_LAG_PROBE_S. */
static void det_probe_timer_cb(evutil_socket_t fd, short what, void *arg) {
    (void)fd;
    (void)what;
    det_ask_omem(arg);
}

/* ---- connections, stats, stopping ---- */

static void det_conn_event(struct conn *c, enum conn_event ev, const char *detail, void *arg) {
    struct det *d = arg;
    const char *argv[2];
    size_t lens[2];
    (void)detail;
    switch (ev) {
    case CONN_READY:
        if (c == d->sub) {
            if ((d->httpd || d->conf.shed_at > 0) && !d->omem_unsupported) {
                /* answered before SUBSCRIBE switches the connection to pub/sub */
                argv[0] = "CLIENT";
                argv[1] = "ID";
                lens[0] = 6;
                lens[1] = 2;
                conn_command_optional(c, det_client_id_cb, d, 2, argv, lens);
            }
            det_subscribe(d);
        } else {
            det_ask_omem(d);
        }
        if (c == d->pub && !d->config_loaded) {
            if (d->conf.no_persist) {
                d->config_loaded = 1;
                det_subscribe(d);
                break;
            }
            argv[0] = "HGETALL";
            argv[1] = d->conf.config_key;
            lens[0] = 7;
            lens[1] = strlen(argv[1]);
            conn_command(c, det_load_config, d, 2, argv, lens);
        }
        break;
    case CONN_LOST:
        if (c == d->sub) {
            d->subscribed = 0;
            d->sub_client_id = -1;
            d->omem = -1;
        }
        break;
    case CONN_FATAL:
        d->exit_code = 1;
        det_stop(d);
        event_base_loopbreak(d->base);
        break;
    case CONN_CLOSED:
        if (c == d->sub)
            d->subscribed = 0;
        d->closed++;
        det_maybe_done(d);
        break;
    }
}

/* While stopping: ends the loop once both connections are closed and no alert is under way. */
static void det_maybe_done(struct det *d) {
    if (!d->stopping || d->closed < 2 || spawn_running(d->spawn) || webhook_inflight(d->webhook))
        return;
    event_del(d->grace);
    event_base_loopbreak(d->base);
}

/* The " history=... alerts=..." tail of a stats line, for the features that are on. */
static void det_stats_tail(const struct det *d, char *buf, size_t cap) {
    const struct figures_history *ha = &d->streams[FIGURES_STREAM_ANOMALIES].n;
    const struct figures_history *he = &d->streams[FIGURES_STREAM_EPISODES].n;
    int n = 0;
    buf[0] = '\0';
    if (!d->conf.no_history)
        n = snprintf(buf, cap, " history=%llu history_dropped=%llu history_failed=%llu",
                     (unsigned long long)(ha->added + he->added),
                     (unsigned long long)(ha->dropped + he->dropped),
                     (unsigned long long)(ha->failed + he->failed));
    if ((d->spawn || d->webhook) && n >= 0 && (size_t)n < cap)
        snprintf(buf + n, cap - (size_t)n,
                 " alerts=%llu alerts_suppressed=%llu alert_failures=%llu",
                 (unsigned long long)d->alerts.raised, (unsigned long long)d->alerts.suppressed,
                 (unsigned long long)(d->alerts.exec_failed + d->alerts.exec_timeout +
                                      (d->webhook ? webhook_counters(d->webhook)->failed : 0)));
}

/* " (size:1 syntax:4 ...)": the malformed messages by cause, or "" when there are none. The
 * colons keep "series=" and the other fields of the stats line unambiguous. */
static void det_malformed_causes(const struct det *d, char *buf, size_t cap) {
    size_t n = 0;
    buf[0] = '\0';
    if (!d->malformed_total)
        return;
    for (int e = CODEC_OK + 1; e < CODEC_ERR_COUNT && n < cap; e++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%s:%llu", n ? " " : " (",
                              codec_err_name((enum codec_err)e),
                              (unsigned long long)d->malformed[e]);
    if (n < cap)
        snprintf(buf + n, cap - n, ")");
}

static void det_log_stats(struct det *d, const char *what) {
    uint64_t now = clock_mono_ns();
    double secs = (double)(now - d->last_stats_ns) / 1e9;
    const struct conn_counters *pc = conn_counters(d->pub);
    const struct conn_counters *sc = conn_counters(d->sub);
    double rate = secs > 0 ? (double)(d->core.points - d->last_points) / secs : 0;
    char tail[256], causes[DET_CAUSES_MAX];

    det_stats_tail(d, tail, sizeof tail);
    det_malformed_causes(d, causes, sizeof causes);
    log_info("%s: points=%llu (%.0f/s) anomalies=%llu (low=%llu medium=%llu high=%llu) "
             "episodes=%llu deviating=%llu malformed=%llu%s shed=%llu series=%zu evicted=%llu "
             "published=%llu dropped=%llu failed=%llu reconnects=%llu control=%llu/%llu%s",
             what, (unsigned long long)d->core.points, rate,
             (unsigned long long)detect_flagged_total(&d->core),
             (unsigned long long)d->core.flagged[SEV_LOW],
             (unsigned long long)d->core.flagged[SEV_MEDIUM],
             (unsigned long long)d->core.flagged[SEV_HIGH], (unsigned long long)d->core.episodes,
             (unsigned long long)d->core.deviating, (unsigned long long)d->malformed_total, causes,
             (unsigned long long)d->shed, d->core.table.len, (unsigned long long)d->core.table.evicted,
             (unsigned long long)pc->published,
             (unsigned long long)(pc->refused_down + pc->refused_full),
             (unsigned long long)pc->failed,
             (unsigned long long)(sc->reconnects + pc->reconnects),
             (unsigned long long)d->control_ok, (unsigned long long)d->control_bad, tail);
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
    log_warn("publishes or alerts still outstanding after %d s; closing anyway",
             DET_STOP_GRACE_S);
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
    if (d->probe)
        event_del(d->probe);
    if (d->seen_tick)
        event_del(d->seen_tick);
    webhook_stop(d->webhook);
    evtimer_add(d->grace, &grace);
    conn_stop(d->sub);
    conn_stop(d->pub);
}

static void det_signal_cb(evutil_socket_t sig, short what, void *arg) {
    (void)what;
    log_info("received %s, stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
    det_stop(arg);
}

/* ---- HTTP: /health, /metrics, /anomalies, /series ---- */

static double det_age_s(uint64_t since_ns) {
    return since_ns ? (double)(clock_mono_ns() - since_ns) / 1e9 : NAN;
}

/* Notes when points were last seen, to DET_SEEN_TICK_MS. */
static void det_seen_cb(evutil_socket_t fd, short what, void *arg) {
    struct det *d = arg;
    (void)fd;
    (void)what;
    if (d->point_seen) {
        d->last_point_ns = clock_mono_ns();
        d->point_seen = 0;
    }
}

static int det_http_health(const char *query, struct sbuf *body, const char **type, void *arg) {
    struct det *d = arg;
    struct health_conn conns[2] = {{"subscriber", conn_is_ready(d->sub)},
                                   {"publisher", conn_is_ready(d->pub)}};
    struct health h = {PROG, BLIP_VERSION, det_age_s(d->start_ns), conns, 2, d->subscribed,
                       d->conf.in, d->stopping, d->core.points, det_age_s(d->last_point_ns)};
    (void)query;
    (void)type;
    return health_json(&h, body);
}

static void det_fill_figures(const struct det *d, struct figures *f) {
    const struct conn_counters *pc = conn_counters(d->pub), *sc = conn_counters(d->sub);
    memset(f, 0, sizeof *f);
    f->version = BLIP_VERSION;
    f->core = &d->core;
    f->malformed = d->malformed;
    f->latency = &d->latency;
    f->uptime_s = det_age_s(d->start_ns);
    f->last_point_age_s = det_age_s(d->last_point_ns);
    f->sub_up = conn_is_ready(d->sub);
    f->pub_up = conn_is_ready(d->pub);
    f->sub_reconnects = sc->reconnects;
    f->pub_reconnects = pc->reconnects;
    f->published = pc->published;
    f->publish_failed = pc->failed;
    f->dropped_down = pc->refused_down;
    f->dropped_full = pc->refused_full;
    f->pending = conn_pending(d->pub);
    f->output_buffer_bytes = d->omem;
    f->control_ok = d->control_ok;
    f->control_bad = d->control_bad;
    f->shed = d->shed;
    f->shedding = d->shed_state.shedding;
    for (int i = 0; i < FIGURES_STREAM_COUNT; i++)
        f->history[i] = d->streams[i].n;
    f->alerts = d->alerts;
    if (d->webhook) {
        const struct webhook_counters *w = webhook_counters(d->webhook);
        f->alerts.webhook_ok = w->ok;
        f->alerts.webhook_failed = w->failed;
        f->alerts.webhook_dropped = w->dropped;
        f->alerts.webhook_retries = w->retries;
    }
    f->per_series = (size_t)d->conf.metrics_per_series;
}

static int det_http_metrics(const char *query, struct sbuf *body, const char **type, void *arg) {
    struct det *d = arg;
    struct figures f;
    (void)query;
    det_fill_figures(d, &f);
    figures_render(&f, body);
    httpd_metrics(d->httpd, body);
    *type = PROM_CONTENT_TYPE;
    return 200;
}

static int det_http_anomalies(const char *query, struct sbuf *body, const char **type,
                              void *arg) {
    struct det *d = arg;
    struct query qb;
    struct recent_query q;
    char err[160];
    (void)type;
    if (api_anomalies_query(query, &qb, &q, err, sizeof err) != 0)
        return httpd_error(body, 400, err);
    recent_json(&d->recent, &q, body);
    return 200;
}

static int det_http_series(const char *query, struct sbuf *body, const char **type, void *arg) {
    struct det *d = arg;
    struct query qb;
    struct api_series_query q;
    char err[160];
    (void)type;
    if (api_series_query(query, &qb, &q, err, sizeof err) != 0)
        return httpd_error(body, 400, err);
    api_series_json(&d->core.table, &q, body);
    return 200;
}

static const struct httpd_route det_routes[] = {
    {"/health", det_http_health},
    {"/metrics", det_http_metrics},
    {"/anomalies", det_http_anomalies},
    {"/series", det_http_series},
};

/* ---- start-up ---- */

/* Checks the flags for operating it: addresses parse, and none is given in offline mode. */
static void det_configure_ops(struct det *d) {
    const struct det_conf *c = &d->conf;
    char err[CFG_ERR_MAX], line[CFG_ERR_MAX + 32];
    const char *live_only = c->http ? "--http" : c->alert_exec ? "--alert-exec"
                                             : c->webhook      ? "--webhook"
                                                               : NULL;
    if (c->input && live_only) {
        snprintf(line, sizeof line, "%s: only in live mode, not with --input", live_only);
        det_die_usage(line);
    }
    if (c->http && addr_parse_listen(c->http, &d->http_addr, err, sizeof err) != 0) {
        snprintf(line, sizeof line, "--http: %s", err);
        det_die_usage(line);
    }
    if (c->webhook && addr_parse_http_url(c->webhook, &d->webhook_url, err, sizeof err) != 0) {
        snprintf(line, sizeof line, "--webhook: %s", err);
        det_die_usage(line);
    }
}

static void det_configure(struct det *d, int argc, char **argv, char **envp,
                          struct detect_conf *dc) {
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
    c->episodes = "episodes";
    c->control = "blip:control";
    c->config_key = "blip:config";
    score_algo_parse(DET_DEFAULT_ALGO, &algo);
    c->algo = (int)algo;
    c->report = -1;
    c->threshold = c->end_threshold = c->alpha = c->min_std = c->cusum_k = NAN;
    c->min_duration = c->cooldown = c->gap = -1;
    c->max_series = SERIES_MAX_DEFAULT;
    c->max_pending = CONN_MAX_PENDING_DEFAULT;
    c->shed_at = DET_SHED_AT_DEFAULT;
    c->stats_interval = 10;
    c->log_level = "info";
    c->http_max_conns = HTTPD_MAX_CONNS_DEFAULT;
    c->http_timeout = HTTPD_TIMEOUT_DEFAULT_S;
    c->history_key = "blip:anomalies";
    c->history_episodes_key = "blip:episodes";
    c->history_len = DET_HISTORY_LEN_DEFAULT;
    c->alert_rate = DET_ALERT_RATE_DEFAULT;
    c->alert_timeout = DET_ALERT_TIMEOUT_DEFAULT;
    c->webhook_timeout = DET_WEBHOOK_TIMEOUT_DEFAULT;
    c->webhook_retries = DET_WEBHOOK_RETRIES_DEFAULT;
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
    if (c->probe)
        exit(probe_main(PROG, c->probe));
    if (npos == 1) {
        if (score_algo_parse(pos[0], &algo) != 0) {
            snprintf(line, sizeof line,
                     "unexpected argument \"%.60s\" (an algorithm: sma|ema|mad|cusum|hst|resid|knn)", pos[0]);
            det_die_usage(line);
        }
        c->algo = (int)algo;
    }
    if (log_level_parse(c->log_level, &level) != 0)
        det_die_usage("--log-level: expected error, warn, info or debug");
    log_init(PROG, level);
    if (c->output && !c->input)
        det_die_usage("--output: only with --input (offline mode)");
    det_configure_ops(d);
    if (c->exit_after && c->input)
        det_die_usage("--exit-after: only without --input (live mode)");
    if (!c->input && url_parse(c->redis, &d->url, err, sizeof err) != 0) {
        snprintf(line, sizeof line, "--redis: %s", err);
        det_die_usage(line);
    }
    if (!c->input && auth_apply(&d->url, c->password_file, envp, err, sizeof err) != 0)
        det_die_usage(err);
    auth_scrub_argv(argc, argv);
    detect_conf_default(dc, (enum score_algo)c->algo);
    if (c->window) {
        if (dc->score.warmup == dc->score.window || (size_t)c->window < dc->score.warmup)
            dc->score.warmup = (size_t)c->window;
        dc->score.window = (size_t)c->window;
    }
    if (c->warmup)
        dc->score.warmup = (size_t)c->warmup;
    if (!isnan(c->threshold))
        dc->score.threshold = c->threshold;
    if (!isnan(c->alpha))
        dc->score.alpha = c->alpha;
    if (!isnan(c->min_std))
        dc->score.min_std = c->min_std;
    if (!isnan(c->cusum_k))
        dc->score.cusum_k = c->cusum_k;
    if (c->hst_trees)
        dc->score.hst_trees = (unsigned)c->hst_trees;
    if (c->hst_depth)
        dc->score.hst_depth = (unsigned)c->hst_depth;
    if (c->has_seed)
        dc->score.seed = c->seed;
    if (c->min_duration >= 0)
        dc->episode.min_duration = (unsigned)c->min_duration;
    if (c->cooldown >= 0)
        dc->episode.cooldown = (unsigned)c->cooldown;
    if (c->gap >= 0)
        dc->episode.gap = (unsigned)c->gap;
    if (c->report >= 0)
        dc->episode.report = (enum episode_report)c->report;
    if (!isnan(c->end_threshold)) {
        if (c->end_threshold > dc->score.threshold) {
            snprintf(line, sizeof line, "--end-threshold: must not exceed the threshold (%g)",
                     dc->score.threshold);
            det_die_usage(line);
        }
        dc->episode.end_ratio = c->end_threshold / dc->score.threshold;
    }
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
    log_info("offline: rows=%llu anomalies=%llu episodes=%llu bad_rows=%llu algo=%s",
             (unsigned long long)oc.rows, (unsigned long long)oc.anomalies,
             (unsigned long long)d->core.episodes, (unsigned long long)oc.bad_rows,
             score_algo_name(d->core.conf.score.algo));
    if (in != stdin)
        fclose(in);
    if (out != stdout && fclose(out) != 0 && rc == 0) {
        log_error("closing %s: %s", d->conf.output, strerror(errno));
        rc = -1;
    }
    return rc == 0 ? 0 : 1;
}

/* Starts what --http, --alert-exec and --webhook ask for. Returns 0, or -1 (logged). */
static int det_start_ops(struct det *d) {
    const struct det_conf *c = &d->conf;
    struct timeval probe_tv = {DET_LAG_PROBE_S, 0};
    struct timeval seen_tv = {0, DET_SEEN_TICK_MS * 1000};
    char err[256];

    snprintf(d->history_len_text, sizeof d->history_len_text, "%ld", c->history_len);
    d->streams[FIGURES_STREAM_ANOMALIES] = (struct det_stream){d, c->history_key, "severity", {0}};
    d->streams[FIGURES_STREAM_EPISODES] =
        (struct det_stream){d, c->history_episodes_key, "event", {0}};
    d->sub_client_id = -1;
    d->omem = -1;
    hist_init(&d->latency, hist_latency_bounds_ns, hist_latency_nbounds);
    if (c->http) {
        struct httpd_limits lim = {(size_t)c->http_max_conns, (int)c->http_timeout};
        d->httpd = httpd_new(d->base, &d->http_addr, &lim, det_routes,
                             sizeof det_routes / sizeof det_routes[0], d, err, sizeof err);
        if (!d->httpd) {
            log_error("--http: %s", err);
            return -1;
        }
        recent_init(&d->recent, RECENT_CAP);
        d->timing = 1;
        d->probe = event_new(d->base, -1, EV_PERSIST, det_probe_timer_cb, d);
        d->seen_tick = event_new(d->base, -1, EV_PERSIST, det_seen_cb, d);
        if (!d->probe || !d->seen_tick || event_add(d->probe, &probe_tv) != 0 ||
            event_add(d->seen_tick, &seen_tv) != 0) {
            log_error("cannot create events");
            return -1;
        }
        log_info(strchr(d->http_addr.host, ':') ? "HTTP on http://[%s]:%d/ (health, metrics, "
                                                  "anomalies, series)"
                                                : "HTTP on http://%s:%d/ (health, metrics, "
                                                  "anomalies, series)",
                 d->http_addr.host, d->http_addr.port);
    }
    if (c->alert_exec)
        d->spawn = spawn_new(d->base, c->alert_exec, c->alert_timeout, det_alert_done, d);
    if (c->webhook)
        d->webhook = webhook_new(d->base, &d->webhook_url, PROG "/" BLIP_VERSION,
                                 (int)c->webhook_timeout, (int)c->webhook_retries,
                                 det_webhook_end, d);
    if (d->spawn || d->webhook) {
        alert_limiter_init(&d->limiter, (size_t)c->alert_rate);
        log_info("alerts on each %s, at most %ld a minute%s%s",
                 c->alert_on == ALERT_ON_EPISODE ? "new episode" : "reported anomaly",
                 c->alert_rate, d->spawn ? ", running a command" : "",
                 d->webhook ? ", posting to the webhook" : "");
    }
    return 0;
}

static void det_free_ops(struct det *d) {
    size_t killed;
    httpd_free(d->httpd);
    d->httpd = NULL;
    killed = spawn_free(d->spawn);
    if (killed)
        log_warn("%zu alert command(s) still running at exit were killed", killed);
    if (webhook_inflight(d->webhook))
        log_warn("%zu webhook deliveries still under way at exit were abandoned",
                 webhook_inflight(d->webhook));
    webhook_free(d->webhook);
    alert_limiter_clear(&d->limiter);
    recent_clear(&d->recent);
    if (d->probe)
        event_free(d->probe);
    if (d->seen_tick)
        event_free(d->seen_tick);
}

static int det_live(struct det *d) {
    struct timeval stats_tv;

    for (int s = SEV_LOW; s < SEV_COUNT; s++)
        snprintf(d->sev_channel[s], sizeof d->sev_channel[s], "%s:%s", d->conf.out,
                 codec_severity_name((enum severity)s));
    snprintf(d->reply_channel, sizeof d->reply_channel, "%s:reply", d->conf.control);
    shed_init(&d->shed_state, d->conf.shed_at);
    d->sub_client_id = -1;
    d->omem = -1;
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
    d->start_ns = clock_mono_ns();
    d->sub = conn_new(d->base, &d->url, "subscriber", det_conn_event, d);
    d->pub = conn_new(d->base, &d->url, "publisher", det_conn_event, d);
    conn_set_max_pending(d->pub, (size_t)d->conf.max_pending);
    if (det_start_ops(d) != 0) {
        d->exit_code = 1;
        goto out;
    }
    log_info("scoring \"%s\" with %s (window %zu, threshold %g, report %s), flagged points to "
             "\"%s\", episodes to \"%s\", settings on \"%s\"",
             d->conf.in, score_algo_name(d->core.conf.score.algo), d->core.conf.score.window,
             d->core.conf.score.threshold, episode_report_name(d->core.conf.episode.report),
             d->conf.out, d->conf.episodes, d->conf.control);
    conn_start(d->sub);
    conn_start(d->pub);
    d->last_stats_ns = clock_mono_ns();
    event_base_dispatch(d->base);

    /* replies still due count as failed before the final figures are printed */
    conn_close(d->sub);
    conn_close(d->pub);
    det_log_stats(d, "final");

out:
    det_free_ops(d);
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
    struct detect_conf conf;
    char err[CFG_ERR_MAX];
    int rc;

    det_configure(&d, argc, argv, envp, &conf);
    if (detect_init(&d.core, &conf, (size_t)d.conf.max_series, err, sizeof err) != 0) {
        fprintf(stderr, PROG ": %s\n", err);
        return 2;
    }
    rc = d.conf.input ? det_offline(&d) : det_live(&d);
    detect_clear(&d.core);
    return rc;
}

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

#include "auth.h"
#include "cfg.h"
#include "clock.h"
#include "codec.h"
#include "conn.h"
#include "control.h"
#include "detect.h"
#include "log.h"
#include "num.h"
#include "offline.h"
#include "url.h"
#include "version.h"
#include "xalloc.h"

#define PROG "blip-detector"
#define DET_STOP_GRACE_S 3        /* wait this long for publishes in flight when stopping */
#define DET_ANOMALY_LOG_BURST 20  /* anomaly lines per second before they are summarised */
#define DET_CHANNEL_MAX 256       /* longest channel name */
#define DET_DEFAULT_ALGO "sma"    /* --algo default */
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

static const char *const det_algos[] = {"sma", "ema", "mad", "cusum", "hst", NULL};
static const char *const det_reports[] = {"episodes", "points", NULL};

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
     "sma, ema, mad, cusum or hst; a bare name works too (default " DET_DEFAULT_ALGO ")", 0, 0,
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
     "flag each episode's first point and escalations, or every deviating point (default "
     "episodes)",
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
    {"log-level", CFG_STRING, O(log_level), "BLIP_LOG_LEVEL", "LEVEL",
     "error, warn, info or debug (default info)", 0, 16, NULL, NULL},
};
#undef O
#define DET_NOPTS (sizeof det_opts / sizeof det_opts[0])

static void det_usage(void) {
    static char buf[8192];
    cfg_help(det_opts, DET_NOPTS, buf, sizeof buf);
    printf("usage: " PROG " [flags] [sma|ema|mad|cusum|hst]\n"
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

static void det_publish_episode(struct det *d, const struct detect_result *r) {
    char buf[CODEC_OUT_MAX];
    const struct series *s = r->series;
    size_t len = episode_encode(&s->ep, r->ep.event, s->name, score_algo_name(s->params.algo), buf);
    if (len)
        conn_publish(d->pub, d->conf.episodes, buf, len);
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
 * confirmation, logged once). */
static const redisReply *det_message_payload(struct det *d, const redisReply *reply,
                                             const char *channel) {
    const redisReply *kind;
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3 ||
        reply->element[0]->type != REDIS_REPLY_STRING) {
        d->unexpected++;
        return NULL;
    }
    kind = reply->element[0];
    if (kind->len == 7 && memcmp(kind->str, "message", 7) == 0)
        return reply->element[2];
    if (kind->len == 9 && memcmp(kind->str, "subscribe", 9) == 0)
        log_info("subscribed to \"%s\"", channel);
    return NULL;
}

/* Called by hiredis for every reply on the points subscription: the hot path. */
static void det_on_message(redisAsyncContext *ac, void *r, void *privdata) {
    struct det *d = privdata;
    const redisReply *payload;
    struct point p;
    struct detect_result res;
    struct anomaly a;
    char why[96];
    enum codec_err e;
    (void)ac;

    if (!r)
        return; /* the connection is going away; conn reconnects and resubscribes */
    payload = det_message_payload(d, r, d->conf.in);
    if (!payload)
        return;
    e = codec_decode_point(payload->str, payload->len, &p, why, sizeof why);
    if (e != CODEC_OK) {
        det_malformed(d, e, why, payload->str, payload->len);
        return;
    }
    detect_push(&d->core, &p, &res, &a);
    if (res.ep.flagged)
        det_publish_anomaly(d, &a);
    if (res.ep.event != EPISODE_NONE)
        det_publish_episode(d, &res);
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

    if (!r || !(payload = det_message_payload(d, r, d->conf.control)))
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

/* ---- connections, stats, stopping ---- */

static void det_stop(struct det *d);

static void det_conn_event(struct conn *c, enum conn_event ev, const char *detail, void *arg) {
    struct det *d = arg;
    const char *argv[2];
    size_t lens[2];
    (void)detail;
    switch (ev) {
    case CONN_READY:
        if (c == d->sub) {
            det_subscribe(d);
        } else if (!d->config_loaded) {
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
    char causes[DET_CAUSES_MAX];

    det_malformed_causes(d, causes, sizeof causes);
    log_info("%s: points=%llu (%.0f/s) anomalies=%llu (low=%llu medium=%llu high=%llu) "
             "episodes=%llu deviating=%llu malformed=%llu%s series=%zu evicted=%llu "
             "published=%llu dropped=%llu failed=%llu reconnects=%llu control=%llu/%llu",
             what, (unsigned long long)d->core.points, rate,
             (unsigned long long)detect_flagged_total(&d->core),
             (unsigned long long)d->core.flagged[SEV_LOW],
             (unsigned long long)d->core.flagged[SEV_MEDIUM],
             (unsigned long long)d->core.flagged[SEV_HIGH], (unsigned long long)d->core.episodes,
             (unsigned long long)d->core.deviating, (unsigned long long)d->malformed_total, causes,
             d->core.table.len, (unsigned long long)d->core.table.evicted,
             (unsigned long long)pc->published,
             (unsigned long long)(pc->refused_down + pc->refused_full),
             (unsigned long long)pc->failed,
             (unsigned long long)(sc->reconnects + pc->reconnects),
             (unsigned long long)d->control_ok, (unsigned long long)d->control_bad);
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
            snprintf(line, sizeof line,
                     "unexpected argument \"%.60s\" (an algorithm: sma|ema|mad|cusum|hst)", pos[0]);
            det_die_usage(line);
        }
        c->algo = (int)algo;
    }
    if (log_level_parse(c->log_level, &level) != 0)
        det_die_usage("--log-level: expected error, warn, info or debug");
    log_init(PROG, level);
    if (c->output && !c->input)
        det_die_usage("--output: only with --input (offline mode)");
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

static int det_live(struct det *d) {
    struct timeval stats_tv;

    for (int s = SEV_LOW; s < SEV_COUNT; s++)
        snprintf(d->sev_channel[s], sizeof d->sev_channel[s], "%s:%s", d->conf.out,
                 codec_severity_name((enum severity)s));
    snprintf(d->reply_channel, sizeof d->reply_channel, "%s:reply", d->conf.control);
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

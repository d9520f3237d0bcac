/* blip-generator - publishes simulated (or recorded) points to a Redis channel, or prints them.
 * The shell around phase.c, profile.c and replay.c: flags, pacing, Redis, signals, counters;
 * with --http, /health and /metrics; with --history, a capped stream of points per series. */
#include <errno.h>
#include <event2/event.h>
#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "addr.h"
#include "auth.h"
#include "cfg.h"
#include "clock.h"
#include "codec.h"
#include "conn.h"
#include "genstats.h"
#include "health.h"
#include "httpd.h"
#include "log.h"
#include "num.h"
#include "probe.h"
#include "phase.h"
#include "profile.h"
#include "prom.h"
#include "replay.h"
#include "url.h"
#include "version.h"
#include "xalloc.h"

#define PROG "blip-generator"
#define GEN_SERIES_MAX 100000      /* series one generator simulates */
#define GEN_FAST_BATCH 2048        /* points per turn of the loop when --rate 0 */
#define GEN_FAST_INFLIGHT 20000    /* publishes in flight before a --rate 0 run waits */
#define GEN_MIN_PERIOD_US 1000     /* the pacing timer never fires more often than this */
#define GEN_CATCHUP_MAX_S 2        /* after a longer stall the schedule restarts */
#define GEN_STOP_GRACE_S 3         /* wait this long for replies in flight when stopping */
#define GEN_SEEDED_START_TS 1767225600000LL /* 2026-01-01T00:00:00Z: ts origin when --seed is set */
#define GEN_HISTORY_MAX 100000000  /* largest --history */
#define GEN_HISTORY_PREFIX_MAX 128 /* longest --history-prefix */

struct gen_conf {
    const char *redis;
    const char *password_file;
    const char *channel;
    const char *series;
    const char *phases;
    const char *replay;
    const char *log_level;
    const char *probe; /* --probe target, or NULL */
    double rate;
    double speed; /* NAN when not given */
    long count;
    long series_count;
    long max_pending;
    double base, noise, high_offset, spike_prob, spike_scale; /* NAN: the profile's own */
    int to_stdout;
    int profile;
    double stats_interval;
    uint64_t seed;
    int has_seed;
    int64_t start_ts;
    int has_start_ts;
    const char *http;
    long http_max_conns;
    long http_timeout;
    long history;
    const char *history_prefix;
};

enum gen_pace {
    GEN_PACE_FAST,     /* as fast as Redis acknowledges (bounded in flight) */
    GEN_PACE_RATE,     /* --rate ticks per second */
    GEN_PACE_RECORDED, /* replay: recorded time divided by --speed */
};

struct gen_series {
    char name[CODEC_SERIES_MAX + 1];
    char history_key[GEN_HISTORY_PREFIX_MAX + CODEC_SERIES_MAX + 1]; /* <prefix><name> */
    char unit[CODEC_UNIT_MAX + 1];
    enum codec_value_key key;
    struct phase_gen pg;
    int64_t seq;
};

struct gen {
    struct gen_conf conf;
    struct redis_url url;
    struct event_base *base;
    struct conn *conn;
    struct event *pump;      /* sends what is due, then waits on itself as a timer */
    struct event *stats;
    struct event *sigint, *sigterm, *grace;
    struct gen_series *series;
    size_t nseries;
    enum gen_pace pace;
    struct point next;       /* the point waiting for its turn, when has_next */
    size_t next_index;       /* its series' index in series[] */
    int has_next;
    uint64_t fetched;        /* points taken from the source so far */
    uint64_t t0_ns;          /* monotonic time the schedule starts from */
    double interval_ms;      /* simulated time between ticks */
    int64_t start_ts;
    /* replay */
    FILE *replay;
    struct replay_layout layout;
    int replay_first;
    int64_t replay_ts0;      /* first row's ts, for --speed */
    uint64_t replay_rows;
    char *line;
    size_t linecap;
    /* counters */
    uint64_t made, sent, dropped, bad_rows, last_made;
    uint64_t last_stats_ns;
    /* --http, --history */
    struct addr http_addr;
    struct httpd *httpd;
    uint64_t start_ns;
    uint64_t last_point_ns; /* when the last point was made (only kept with --http) */
    char history_len_text[24];
    uint64_t history_added, history_failed, history_dropped;
    int started;  /* the pump has run: the first connection came up (or --stdout) */
    int stopping;
    int exit_code;
    struct log_ratelimit rl;
};

static int gen_parse_seed(void *conf, const char *v, char *err, size_t errlen) {
    struct gen_conf *c = conf;
    int64_t s;
    if (num_parse_i64(v, strlen(v), 0, INT64_MAX, &s) != 0) {
        snprintf(err, errlen, "expected an integer 0..%lld, got \"%.60s\"", (long long)INT64_MAX, v);
        return -1;
    }
    c->seed = (uint64_t)s;
    c->has_seed = 1;
    return 0;
}

static int gen_parse_start_ts(void *conf, const char *v, char *err, size_t errlen) {
    struct gen_conf *c = conf;
    int64_t t;
    if (num_parse_i64(v, strlen(v), 0, 253402300799999LL, &t) != 0) {
        snprintf(err, errlen, "expected Unix milliseconds, got \"%.60s\"", v);
        return -1;
    }
    c->start_ts = t;
    c->has_start_ts = 1;
    return 0;
}

static const char *const gen_profiles[] = {"response", "system", NULL};

#define O(f) offsetof(struct gen_conf, f)
static const struct cfg_opt gen_opts[] = {
    {"redis", CFG_STRING, O(redis), "REDIS_URL", "URL",
     "Redis server (default redis://127.0.0.1:6379)", 0, 4096, NULL, NULL},
    AUTH_CFG_OPT(O(password_file)),
    {"channel", CFG_STRING, O(channel), "BLIP_CHANNEL", "NAME",
     "channel to publish points on (default response_times)", 0, 256, NULL, NULL},
    {"rate", CFG_DOUBLE, O(rate), "BLIP_RATE", "HZ",
     "ticks per second, one point per series each; 0 = as fast as possible (default 10)", 0, 1e7,
     NULL, NULL},
    {"count", CFG_INT, O(count), "BLIP_COUNT", "N",
     "stop after N points in all (default 0 = forever)", 0, 1e15, NULL, NULL},
    {"seed", CFG_FUNC, 0, "BLIP_SEED", "N",
     "random seed: the same seed gives a byte-identical stream (default: from the clock)", 0, 0,
     NULL, gen_parse_seed},
    {"series", CFG_STRING, O(series), "BLIP_SERIES", "A,B,...",
     "names of independent series, each with its own phase offset (default web)", 0, 1 << 20,
     NULL, NULL},
    {"series-count", CFG_INT, O(series_count), "BLIP_SERIES_COUNT", "N",
     "simulate N series named <first>-0 .. <first>-(N-1) instead (default 0 = off)", 0,
     GEN_SERIES_MAX, NULL, NULL},
    {"profile", CFG_CHOICE, O(profile), "BLIP_PROFILE", "response|system",
     "response: web response times (ms); system: cpu, memory, disk, network (default response)",
     0, 0, gen_profiles, NULL},
    {"phases", CFG_STRING, O(phases), "BLIP_PHASES", "LIST",
     "phase cycle (default NORMAL:200,RAMP_UP:100,HIGH:200,RAMP_DOWN:100)", 0, 4096, NULL, NULL},
    {"base", CFG_DOUBLE, O(base), "BLIP_BASE", "X", "level in NORMAL (default 200)", -1e12, 1e12,
     NULL, NULL},
    {"noise", CFG_DOUBLE, O(noise), "BLIP_NOISE", "SD", "noise standard deviation (default 2.5)",
     0, 1e12, NULL, NULL},
    {"high-offset", CFG_DOUBLE, O(high_offset), "BLIP_HIGH_OFFSET", "X",
     "level added in HIGH; ramps climb to it (default 25)", -1e12, 1e12, NULL, NULL},
    {"spike-prob", CFG_DOUBLE, O(spike_prob), "BLIP_SPIKE_PROB", "P",
     "probability that a point is a labelled spike (default 0.01)", 0, 1, NULL, NULL},
    {"spike-scale", CFG_DOUBLE, O(spike_scale), "BLIP_SPIKE_SCALE", "SD",
     "a spike adds |N(0, SD)| (default 10)", 0, 1e12, NULL, NULL},
    {"start-ts", CFG_FUNC, 0, "BLIP_START_TS", "MS",
     "ts of the first point, Unix ms (default: now; with --seed: 2026-01-01T00:00:00Z)", 0, 0,
     NULL, gen_parse_start_ts},
    {"stdout", CFG_BOOL, O(to_stdout), "BLIP_STDOUT", NULL,
     "print the JSON lines on stdout instead of publishing (no Redis)", 0, 0, NULL, NULL},
    {"replay", CFG_STRING, O(replay), "BLIP_REPLAY", "FILE.csv",
     "publish the rows of a recorded series (timestamp,value[,label]) instead of simulating", 0,
     4096, NULL, NULL},
    {"speed", CFG_DOUBLE, O(speed), "BLIP_SPEED", "X",
     "with --replay: X times the recorded pace (0 = as fast as possible; default: --rate)", 0, 1e9,
     NULL, NULL},
    {"max-pending", CFG_INT, O(max_pending), "BLIP_MAX_PENDING", "N",
     "publishes in flight before more are dropped and counted (default 100000)", 1, 1e8, NULL,
     NULL},
    {"stats-interval", CFG_DOUBLE, O(stats_interval), "BLIP_STATS_INTERVAL", "SECONDS",
     "seconds between stats lines, 0 = none (default 10)", 0, 86400, NULL, NULL},
    {"probe", CFG_STRING, O(probe), NULL, "[ADDR:]PORT",
     "ask a running blip's --http /health and exit 0 if healthy, 1 if not (container probes)", 0,
     300, NULL, NULL},
    {"log-level", CFG_STRING, O(log_level), "BLIP_LOG_LEVEL", "LEVEL",
     "error, warn, info or debug (default info)", 0, 16, NULL, NULL},
    {"http", CFG_STRING, O(http), "BLIP_HTTP", "[ADDR:]PORT",
     "serve /health and /metrics here; PORT alone = 127.0.0.1 (default off)", 0, 300, NULL, NULL},
    {"http-max-conns", CFG_INT, O(http_max_conns), "BLIP_HTTP_MAX_CONNS", "N",
     "HTTP connections at once; more get 503 (default 64)", 1, HTTPD_MAX_CONNS_LIMIT, NULL, NULL},
    {"http-timeout", CFG_INT, O(http_timeout), "BLIP_HTTP_TIMEOUT", "SECONDS",
     "HTTP read/write/idle timeout (default 10)", 1, HTTPD_TIMEOUT_MAX_S, NULL, NULL},
    {"history", CFG_INT, O(history), "BLIP_HISTORY", "N",
     "also add each point to the stream <prefix><series>, keeping about N (default 0 = off)", 0,
     GEN_HISTORY_MAX, NULL, NULL},
    {"history-prefix", CFG_STRING, O(history_prefix), "BLIP_HISTORY_PREFIX", "PREFIX",
     "prefix of the per-series point streams (default blip:points:)", 0, GEN_HISTORY_PREFIX_MAX,
     NULL, NULL},
};
#undef O
#define GEN_NOPTS (sizeof gen_opts / sizeof gen_opts[0])

static void gen_usage(void) {
    static char buf[16384];
    cfg_help(gen_opts, GEN_NOPTS, buf, sizeof buf);
    printf("usage: " PROG " [flags]\n"
           "Simulates a web server's response times in phases (NORMAL, RAMP_UP, HIGH, RAMP_DOWN)\n"
           "with noise and labelled spikes, and publishes one JSON point per series per tick.\n\n"
           "%s  --help                   this text\n  --version                print the version\n",
           buf);
}

static void gen_die_usage(const char *msg) {
    fprintf(stderr, PROG ": %s\n", msg);
    exit(2);
}

/* ---- series set-up ---- */

static void gen_apply_overrides(const struct gen_conf *c, struct phase_shape *sh, char *err,
                                size_t errlen) {
    if (!isnan(c->base))
        sh->base = c->base;
    if (!isnan(c->noise))
        sh->noise = c->noise;
    if (!isnan(c->high_offset))
        sh->high_offset = c->high_offset;
    if (!isnan(c->spike_prob))
        sh->spike_prob = c->spike_prob;
    if (!isnan(c->spike_scale))
        sh->spike_scale = c->spike_scale;
    if (c->phases && phase_parse_steps(c->phases, sh, err, errlen) != 0) {
        char line[CFG_ERR_MAX + 16];
        snprintf(line, sizeof line, "--phases: %s", err);
        gen_die_usage(line);
    }
}

/* Splits the --series list into names; exits 2 on a bad or repeated name. */
static size_t gen_series_names(const struct gen_conf *c, char (*names)[CODEC_SERIES_MAX + 1],
                               size_t max) {
    const char *p = c->series ? c->series : "web";
    size_t n = 0;
    char msg[256];

    if (c->series_count > 0) {
        for (long i = 0; i < c->series_count; i++) {
            const char *comma = strchr(p, ',');
            int len = comma ? (int)(comma - p) : (int)strlen(p);
            int w = snprintf(names[n], CODEC_SERIES_MAX + 1, "%.*s-%ld", len, p, i);
            if (w > CODEC_SERIES_MAX || !codec_series_valid(names[n], (size_t)w))
                gen_die_usage("--series-count: the first --series name is too long or invalid");
            n++;
        }
        return n;
    }
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (!codec_series_valid(p, len)) {
            snprintf(msg, sizeof msg,
                     "--series: \"%.*s\" is not a series name (1-64 of A-Z a-z 0-9 _ - . : / @)",
                     (int)(len > 64 ? 64 : len), p);
            gen_die_usage(msg);
        }
        if (n >= max)
            gen_die_usage("--series: too many series");
        memcpy(names[n], p, len);
        names[n][len] = '\0';
        for (size_t i = 0; i < n; i++) {
            if (strcmp(names[i], names[n]) == 0) {
                snprintf(msg, sizeof msg, "--series: \"%s\" is listed twice", names[n]);
                gen_die_usage(msg);
            }
        }
        n++;
        if (!comma)
            break;
        p = comma + 1;
    }
    return n;
}

static void gen_setup_series(struct gen *g) {
    struct profile_series tpl[PROFILE_SERIES_MAX];
    size_t ntpl = profile_series((enum profile_kind)g->conf.profile, tpl);
    char err[CFG_ERR_MAX];

    if (g->conf.replay) {
        g->series = xcalloc(1, sizeof *g->series);
        g->nseries = 1;
        if (g->conf.series)
            gen_series_names(&g->conf, &g->series[0].name, 1);
        else
            replay_series_name(g->conf.replay, g->series[0].name);
        g->series[0].key = CODEC_KEY_VALUE;
        return;
    }
    if (g->conf.profile == PROFILE_SYSTEM) {
        if (g->conf.series || g->conf.series_count)
            gen_die_usage("--series: the system profile has fixed series cpu,memory,disk,network");
        g->series = xcalloc(ntpl, sizeof *g->series);
        g->nseries = ntpl;
        for (size_t i = 0; i < ntpl; i++) {
            snprintf(g->series[i].name, sizeof g->series[i].name, "%s", tpl[i].name);
            snprintf(g->series[i].unit, sizeof g->series[i].unit, "%s", tpl[i].unit);
        }
    } else {
        size_t max = g->conf.series_count > 0 ? (size_t)g->conf.series_count : GEN_SERIES_MAX;
        char(*names)[CODEC_SERIES_MAX + 1] = xcalloc(max, sizeof *names);
        g->nseries = gen_series_names(&g->conf, names, max);
        g->series = xcalloc(g->nseries, sizeof *g->series);
        for (size_t i = 0; i < g->nseries; i++)
            memcpy(g->series[i].name, names[i], sizeof names[i]);
        xfree(names);
    }
    for (size_t i = 0; i < g->nseries; i++) {
        const struct profile_series *t = &tpl[ntpl == 1 ? 0 : i];
        struct phase_shape sh = t->shape;
        gen_apply_overrides(&g->conf, &sh, err, sizeof err);
        /* each series its own offset into the cycle and its own random stream */
        phase_init(&g->series[i].pg, &sh, rng_derive(g->conf.seed, i),
                   phase_cycle_ticks(&sh) * i / g->nseries);
        g->series[i].key = t->key;
    }
}

/* ---- the point source ---- */

/* Fills p with series i's next simulated point. */
static void gen_simulate(struct gen *g, size_t i, struct point *p) {
    struct gen_series *s = &g->series[i];
    struct phase_sample smp;
    phase_next(&s->pg, &smp);
    memcpy(p->series, s->name, sizeof p->series);
    memcpy(p->unit, s->unit, sizeof p->unit);
    p->value = smp.value;
    p->value_key = s->key;
    p->seq = s->seq++;
    p->ts = g->start_ts + (int64_t)llround((double)p->seq * g->interval_ms);
    p->label = smp.label;
    p->has = CODEC_HAS_SEQ | CODEC_HAS_TS | CODEC_HAS_LABEL;
    snprintf(p->phase, sizeof p->phase, "%s", phase_name(smp.phase));
}

/* Reads the next good row of the replay file into p. Returns 0, or -1 at the end of the file.
 * Bad rows are counted, logged (rate-limited) and skipped. */
static int gen_replay_next(struct gen *g, struct point *p) {
    struct replay_row row;
    char err[128];
    ssize_t len;
    while ((len = getline(&g->line, &g->linecap, g->replay)) >= 0) {
        enum replay_result r;
        if (len > 0 && g->line[len - 1] == '\n')
            len--;
        if (len == 0 || (len == 1 && g->line[0] == '\r'))
            continue;
        r = replay_parse_line(g->line, (size_t)len, g->replay_first, &g->layout, &row, err,
                              sizeof err);
        g->replay_first = 0;
        g->replay_rows++;
        if (r == REPLAY_HEADER)
            continue;
        if (r == REPLAY_BAD || (g->pace == GEN_PACE_RECORDED && !row.has_ts)) {
            g->bad_rows++;
            if (log_ratelimit_allow(&g->rl, clock_mono_ms(), NULL))
                log_warn("%s line %llu skipped: %s", g->conf.replay,
                         (unsigned long long)g->replay_rows,
                         r == REPLAY_BAD ? err : "timestamp unreadable, and --speed needs it");
            continue;
        }
        memcpy(p->series, g->series[0].name, sizeof p->series);
        p->unit[0] = p->phase[0] = '\0';
        p->value = row.value;
        p->value_key = CODEC_KEY_VALUE;
        p->seq = g->series[0].seq++;
        p->ts = row.has_ts ? row.ts : clock_wall_ms();
        p->label = row.label;
        p->has = CODEC_HAS_SEQ | CODEC_HAS_TS | (row.has_label ? CODEC_HAS_LABEL : 0);
        if (p->seq == 0)
            g->replay_ts0 = p->ts;
        return 0;
    }
    if (ferror(g->replay))
        log_error("reading %s: %s", g->conf.replay, strerror(errno));
    return -1;
}

/* Takes the next point into g->next. Returns 0, or -1 when the run is complete. */
static int gen_fetch(struct gen *g) {
    if (g->conf.count > 0 && g->fetched >= (uint64_t)g->conf.count)
        return -1;
    if (g->replay) {
        if (gen_replay_next(g, &g->next) != 0)
            return -1;
    } else {
        g->next_index = g->fetched % g->nseries;
        gen_simulate(g, g->next_index, &g->next);
    }
    g->fetched++;
    g->has_next = 1;
    return 0;
}

/* When g->next is due, on the monotonic clock. */
static uint64_t gen_due_ns(const struct gen *g) {
    double s;
    switch (g->pace) {
    case GEN_PACE_RATE:
        /* point k belongs to tick k / nseries; tick 0 is due at once */
        s = (double)((g->fetched - 1) / g->nseries) / g->conf.rate;
        break;
    case GEN_PACE_RECORDED:
        s = (double)(g->next.ts - g->replay_ts0) / 1000.0 / g->conf.speed;
        if (s < 0)
            s = 0; /* rows out of order go out at once */
        break;
    case GEN_PACE_FAST:
    default:
        return 0;
    }
    return g->t0_ns + (uint64_t)(s * 1e9);
}

/* ---- sending ---- */

static void gen_stop(struct gen *g);

static void gen_history_cb(struct conn *c, void *r, void *arg) {
    struct gen *g = arg;
    const redisReply *reply = r;
    (void)c;
    if (reply && reply->type != REDIS_REPLY_ERROR) {
        g->history_added++;
        return;
    }
    g->history_failed++;
    if (reply && log_ratelimit_allow(&g->rl, clock_mono_ms(), NULL))
        log_warn("XADD refused: %s", reply->str);
}

/* XADD <prefix><series> MAXLEN ~ N * json <point>, unless Redis is away or busy (counted). */
static void gen_history_add(struct gen *g, const struct gen_series *s, const char *json,
                            size_t len) {
    const char *argv[8] = {"XADD", s->history_key, "MAXLEN", "~", g->history_len_text, "*",
                           "json", json};
    size_t lens[8];
    for (int i = 0; i < 7; i++)
        lens[i] = strlen(argv[i]);
    lens[7] = len;
    if (conn_pending(g->conn) >= CONN_MAX_PENDING_DEFAULT ||
        conn_command(g->conn, gen_history_cb, g, 8, argv, lens) != 0)
        g->history_dropped++;
}

/* Sends one point to stdout or Redis; counts it. */
static void gen_send(struct gen *g, const struct point *p) {
    char buf[CODEC_OUT_MAX + 1];
    size_t len = codec_encode_point(p, buf);
    g->made++;
    if (g->conf.to_stdout) {
        buf[len++] = '\n';
        if (fwrite(buf, 1, len, stdout) != len) {
            log_error("cannot write to stdout: %s", strerror(errno));
            g->exit_code = 1;
            gen_stop(g);
            return;
        }
        g->sent++;
        return;
    }
    if (g->httpd)
        g->last_point_ns = clock_mono_ns();
    if (conn_publish(g->conn, g->conf.channel, buf, len) == 0)
        g->sent++;
    else
        g->dropped++;
    if (g->conf.history)
        gen_history_add(g, &g->series[g->next_index], buf, len);
}

static void gen_wait(struct gen *g, uint64_t ns) {
    struct timeval tv;
    if (g->conf.to_stdout)
        fflush(stdout);
    if (ns < GEN_MIN_PERIOD_US * 1000ULL && g->pace != GEN_PACE_FAST)
        ns = 0;
    tv.tv_sec = (time_t)(ns / 1000000000ULL);
    tv.tv_usec = (suseconds_t)(ns % 1000000000ULL / 1000);
    evtimer_add(g->pump, &tv);
}

/* Sends every point that is due (at most GEN_FAST_BATCH per turn, to let replies and signals in),
 * then waits for the next one's time, for acknowledgements, or for a connection. */
static void gen_pump_cb(evutil_socket_t fd, short what, void *arg) {
    struct gen *g = arg;
    (void)fd;
    (void)what;

    for (int n = 0; n < GEN_FAST_BATCH && !g->stopping; n++) {
        if (!g->has_next && gen_fetch(g) != 0) {
            if (g->conf.to_stdout)
                fflush(stdout);
            gen_stop(g);
            return;
        }
        if (g->pace == GEN_PACE_FAST) {
            if (!g->conf.to_stdout &&
                (!conn_is_ready(g->conn) || conn_pending(g->conn) >= GEN_FAST_INFLIGHT ||
                 conn_pending(g->conn) >= (size_t)g->conf.max_pending)) {
                gen_wait(g, GEN_MIN_PERIOD_US * 1000ULL);
                return;
            }
        } else {
            uint64_t due = gen_due_ns(g), now = clock_mono_ns();
            if (due > now) {
                gen_wait(g, due - now);
                return;
            }
            if (now - due > GEN_CATCHUP_MAX_S * 1000000000ULL) {
                log_warn("fell %.1f s behind schedule (was the process stopped?); resuming now",
                         (double)(now - due) / 1e9);
                g->t0_ns += now - due;
            }
        }
        gen_send(g, &g->next);
        g->has_next = 0;
    }
    if (!g->stopping)
        event_active(g->pump, EV_TIMEOUT, 0);
}

/* ---- stats, signals, stopping ---- */

static void gen_log_stats(struct gen *g, const char *what) {
    uint64_t now = clock_mono_ns();
    double secs = (double)(now - g->last_stats_ns) / 1e9;
    double rate = secs > 0 ? (double)(g->made - g->last_made) / secs : 0;
    if (g->conf.to_stdout) {
        log_info("%s: points=%llu (%.0f/s) bad_rows=%llu", what, (unsigned long long)g->made, rate,
                 (unsigned long long)g->bad_rows);
    } else {
        const struct conn_counters *c = conn_counters(g->conn);
        char tail[128] = "";
        if (g->conf.history)
            snprintf(tail, sizeof tail, " history=%llu history_dropped=%llu history_failed=%llu",
                     (unsigned long long)g->history_added,
                     (unsigned long long)g->history_dropped,
                     (unsigned long long)g->history_failed);
        log_info("%s: points=%llu (%.0f/s) published=%llu dropped=%llu failed=%llu "
                 "no_subscribers=%llu reconnects=%llu bad_rows=%llu%s",
                 what, (unsigned long long)g->made, rate, (unsigned long long)c->published,
                 (unsigned long long)g->dropped, (unsigned long long)c->failed,
                 (unsigned long long)c->no_receivers, (unsigned long long)c->reconnects,
                 (unsigned long long)g->bad_rows, tail);
    }
    g->last_made = g->made;
    g->last_stats_ns = now;
}

static void gen_stats_cb(evutil_socket_t fd, short what, void *arg) {
    (void)fd;
    (void)what;
    gen_log_stats(arg, "stats");
}

static void gen_grace_cb(evutil_socket_t fd, short what, void *arg) {
    struct gen *g = arg;
    (void)fd;
    (void)what;
    log_warn("replies still outstanding after %d s; closing anyway", GEN_STOP_GRACE_S);
    event_base_loopbreak(g->base);
}

/* Stops making points; the loop ends once Redis has answered every publish in flight (or after
 * GEN_STOP_GRACE_S). */
static void gen_stop(struct gen *g) {
    struct timeval grace = {GEN_STOP_GRACE_S, 0};
    if (g->stopping)
        return;
    g->stopping = 1;
    httpd_free(g->httpd); /* its listener would keep the loop going */
    g->httpd = NULL;
    event_del(g->pump);
    event_del(g->stats);
    event_del(g->sigint);
    event_del(g->sigterm);
    if (g->conn) {
        evtimer_add(g->grace, &grace);
        conn_stop(g->conn);
    }
}

static void gen_signal_cb(evutil_socket_t sig, short what, void *arg) {
    (void)what;
    log_info("received %s, stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
    gen_stop(arg);
}

static void gen_conn_event(struct conn *c, enum conn_event ev, const char *detail, void *arg) {
    struct gen *g = arg;
    (void)c;
    (void)detail;
    switch (ev) {
    case CONN_READY:
        /* the schedule starts at the first connection: nothing is due before it */
        if (!g->started) {
            g->started = 1;
            g->t0_ns = g->last_stats_ns = clock_mono_ns();
            event_active(g->pump, EV_TIMEOUT, 0);
        }
        break;
    case CONN_LOST:
        break;
    case CONN_FATAL:
        g->exit_code = 1;
        gen_stop(g);
        event_base_loopbreak(g->base);
        break;
    case CONN_CLOSED:
        event_del(g->grace);
        break;
    }
}

/* ---- HTTP: /health, /metrics ---- */

static double gen_age_s(uint64_t since_ns) {
    return since_ns ? (double)(clock_mono_ns() - since_ns) / 1e9 : NAN;
}

static int gen_http_health(const char *query, struct sbuf *body, const char **type, void *arg) {
    struct gen *g = arg;
    struct health_conn conn = {"publisher", g->conn && conn_is_ready(g->conn)};
    struct health h = {PROG,     BLIP_VERSION, gen_age_s(g->start_ns), &conn, g->conn ? 1 : 0,
                       -1,       NULL,         g->stopping,            g->made,
                       gen_age_s(g->last_point_ns)};
    (void)query;
    (void)type;
    return health_json(&h, body);
}

static int gen_http_metrics(const char *query, struct sbuf *body, const char **type, void *arg) {
    struct gen *g = arg;
    struct genstats st;
    (void)query;
    memset(&st, 0, sizeof st);
    st.version = BLIP_VERSION;
    st.uptime_s = gen_age_s(g->start_ns);
    st.made = g->made;
    st.published = g->sent;
    st.dropped = g->dropped;
    st.bad_rows = g->bad_rows;
    st.series = g->nseries;
    st.connected = -1;
    if (g->conn) {
        const struct conn_counters *c = conn_counters(g->conn);
        st.published = c->published;
        st.failed = c->failed;
        st.no_receivers = c->no_receivers;
        st.reconnects = c->reconnects;
        st.connected = conn_is_ready(g->conn);
        st.pending = conn_pending(g->conn);
    }
    st.history = g->conf.history > 0;
    st.history_added = g->history_added;
    st.history_failed = g->history_failed;
    st.history_dropped = g->history_dropped;
    genstats_render(&st, body);
    httpd_metrics(g->httpd, body);
    *type = PROM_CONTENT_TYPE;
    return 200;
}

static const struct httpd_route gen_routes[] = {
    {"/health", gen_http_health},
    {"/metrics", gen_http_metrics},
};

/* ---- start-up ---- */

/* Checks --http and --history; names the per-series streams. */
static void gen_configure_ops(struct gen *g) {
    char err[CFG_ERR_MAX], line[CFG_ERR_MAX + 16];
    if (g->conf.http && addr_parse_listen(g->conf.http, &g->http_addr, err, sizeof err) != 0) {
        snprintf(line, sizeof line, "--http: %s", err);
        gen_die_usage(line);
    }
    if (g->conf.history && g->conf.to_stdout)
        gen_die_usage("--history: needs Redis, not with --stdout");
    snprintf(g->history_len_text, sizeof g->history_len_text, "%ld", g->conf.history);
    for (size_t i = 0; i < g->nseries; i++)
        snprintf(g->series[i].history_key, sizeof g->series[i].history_key, "%s%s",
                 g->conf.history_prefix, g->series[i].name);
}

static void gen_configure(struct gen *g, int argc, char **argv, char **envp) {
    struct gen_conf *c = &g->conf;
    const char *pos[1];
    size_t npos;
    char err[CFG_ERR_MAX];
    enum log_level level = LOG_INFO;

    memset(c, 0, sizeof *c);
    c->redis = URL_DEFAULT;
    c->channel = "response_times";
    c->rate = 10;
    c->speed = NAN;
    c->base = c->noise = c->high_offset = c->spike_prob = c->spike_scale = NAN;
    c->stats_interval = 10;
    c->max_pending = CONN_MAX_PENDING_DEFAULT;
    c->log_level = "info";
    c->http_max_conns = HTTPD_MAX_CONNS_DEFAULT;
    c->http_timeout = HTTPD_TIMEOUT_DEFAULT_S;
    c->history_prefix = "blip:points:";
    switch (cfg_parse(gen_opts, GEN_NOPTS, c, argc, argv, envp, pos, 0, &npos, err, sizeof err)) {
    case CFG_OK:
        break;
    case CFG_HELP:
        gen_usage();
        exit(0);
    case CFG_VERSION:
        printf(PROG " " BLIP_VERSION "\n");
        exit(0);
    case CFG_ERROR:
        gen_die_usage(err);
    }
    if (c->probe)
        exit(probe_main(PROG, c->probe));
    if (log_level_parse(c->log_level, &level) != 0)
        gen_die_usage("--log-level: expected error, warn, info or debug");
    log_init(PROG, level);
    if (!c->to_stdout && url_parse(c->redis, &g->url, err, sizeof err) != 0) {
        char line[CFG_ERR_MAX + 16];
        snprintf(line, sizeof line, "--redis: %s", err);
        gen_die_usage(line);
    }
    if (!c->to_stdout && auth_apply(&g->url, c->password_file, envp, err, sizeof err) != 0)
        gen_die_usage(err);
    auth_scrub_argv(argc, argv);
    if (!isnan(c->speed) && !c->replay)
        gen_die_usage("--speed: only with --replay");
    if (!c->has_seed)
        c->seed = clock_mono_ns() ^ ((uint64_t)getpid() << 32) ^ (uint64_t)clock_wall_ms();
    g->start_ts = c->has_start_ts ? c->start_ts
                  : c->has_seed   ? GEN_SEEDED_START_TS
                                  : clock_wall_ms();
    g->interval_ms = c->rate > 0 ? 1000.0 / c->rate : 1.0;
    if (c->replay && !isnan(c->speed))
        g->pace = c->speed > 0 ? GEN_PACE_RECORDED : GEN_PACE_FAST;
    else
        g->pace = c->rate > 0 ? GEN_PACE_RATE : GEN_PACE_FAST;
}

static void gen_open_replay(struct gen *g) {
    char msg[512];
    if (!g->conf.replay)
        return;
    g->replay = strcmp(g->conf.replay, "-") == 0 ? stdin : fopen(g->conf.replay, "r");
    if (!g->replay) {
        snprintf(msg, sizeof msg, "--replay: cannot open \"%.300s\": %s", g->conf.replay,
                 strerror(errno));
        gen_die_usage(msg);
    }
    g->layout.label_col = -1;
    g->replay_first = 1;
}

/* Starts --http. Returns 0, or -1 (logged). */
static int gen_start_http(struct gen *g) {
    struct httpd_limits lim = {(size_t)g->conf.http_max_conns, (int)g->conf.http_timeout};
    char err[256];
    if (!g->conf.http)
        return 0;
    g->httpd = httpd_new(g->base, &g->http_addr, &lim, gen_routes,
                         sizeof gen_routes / sizeof gen_routes[0], g, err, sizeof err);
    if (!g->httpd) {
        log_error("--http: %s", err);
        return -1;
    }
    log_info(strchr(g->http_addr.host, ':') ? "HTTP on http://[%s]:%d/ (health, metrics)"
                                            : "HTTP on http://%s:%d/ (health, metrics)",
             g->http_addr.host, g->http_addr.port);
    return 0;
}

/* Connects, runs the loop until the run is complete or a signal stops it, logs the final line. */
static void gen_run(struct gen *g) {
    if (!g->conf.to_stdout) {
        g->conn = conn_new(g->base, &g->url, "publisher", gen_conn_event, g);
        conn_set_max_pending(g->conn, (size_t)g->conf.max_pending);
        conn_start(g->conn);
        log_info("publishing %zu series on \"%s\" at %s", g->nseries, g->conf.channel,
                 g->pace == GEN_PACE_FAST ? "full speed" : "a steady pace");
        if (g->conf.history)
            log_info("keeping about %ld points per series in streams \"%s<series>\"",
                     g->conf.history, g->conf.history_prefix);
    }
    g->t0_ns = g->last_stats_ns = clock_mono_ns();
    if (g->conf.to_stdout) {
        g->started = 1;
        event_active(g->pump, EV_TIMEOUT, 0);
    }
    event_base_dispatch(g->base);

    /* replies still due count as failed before the final figures are printed */
    if (g->conn)
        conn_close(g->conn);
    gen_log_stats(g, "final");
}

int main(int argc, char **argv, char **envp) {
    static struct gen g;
    struct timeval stats_tv;

    gen_configure(&g, argc, argv, envp);
    gen_open_replay(&g);
    gen_setup_series(&g);
    gen_configure_ops(&g);
    signal(SIGPIPE, SIG_IGN);
    if (g.conf.to_stdout)
        setvbuf(stdout, NULL, _IOFBF, 1 << 16);

    g.base = event_base_new();
    if (!g.base) {
        log_error("cannot create the event loop");
        return 1;
    }
    g.pump = evtimer_new(g.base, gen_pump_cb, &g);
    g.stats = event_new(g.base, -1, EV_PERSIST, gen_stats_cb, &g);
    g.grace = evtimer_new(g.base, gen_grace_cb, &g);
    g.sigint = evsignal_new(g.base, SIGINT, gen_signal_cb, &g);
    g.sigterm = evsignal_new(g.base, SIGTERM, gen_signal_cb, &g);
    if (!g.pump || !g.stats || !g.grace || !g.sigint || !g.sigterm) {
        log_error("cannot create events");
        return 1;
    }
    evsignal_add(g.sigint, NULL);
    evsignal_add(g.sigterm, NULL);
    if (g.conf.stats_interval > 0) {
        stats_tv.tv_sec = (time_t)g.conf.stats_interval;
        stats_tv.tv_usec = (suseconds_t)((g.conf.stats_interval - (double)stats_tv.tv_sec) * 1e6);
        event_add(g.stats, &stats_tv);
    }
    g.start_ns = clock_mono_ns();
    if (gen_start_http(&g) != 0)
        g.exit_code = 1;
    else
        gen_run(&g);
    httpd_free(g.httpd);
    conn_free(g.conn);
    event_free(g.pump);
    event_free(g.stats);
    event_free(g.grace);
    event_free(g.sigint);
    event_free(g.sigterm);
    event_base_free(g.base);
    if (g.replay && g.replay != stdin)
        fclose(g.replay);
    xfree(g.line);
    xfree(g.series);
    if (g.conf.to_stdout && fflush(stdout) != 0)
        return 1;
    return g.exit_code;
}

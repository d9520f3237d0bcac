/* conn.c - see conn.h.
 * States: IDLE -> CONNECTING (socket + AUTH/SELECT/PING queued) -> READY; any failure moves to
 * WAITING (a backoff timer) and back to CONNECTING. hiredis frees its context after the connect
 * or disconnect callback reports a failure, so c->ac is cleared in both; a context abandoned by
 * our own timeout is freed here, with c->ac cleared first so its callbacks are recognised as
 * stale. A fatal refusal (bad password, ACL) ends in DONE; the context it leaves behind, still
 * delivering its last replies, is kept in c->dying until its disconnect callback, so conn_close()
 * can free it if the program ends first. */
#include "conn.h"

#include <event2/event.h>
#include <hiredis/adapters/libevent.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "xalloc.h"

enum conn_state { CONN_IDLE, CONN_CONNECTING, CONN_UP, CONN_WAITING, CONN_STOPPING, CONN_DONE };

struct conn {
    struct event_base *base;
    struct redis_url url;
    char name[32];
    char shown[URL_HOST_MAX + 64]; /* redacted URL for logs */
    conn_event_fn *on_event;
    void *arg;
    redisAsyncContext *ac; /* NULL unless CONNECTING, UP or STOPPING */
    redisAsyncContext *dying; /* disconnecting after a fatal refusal, or NULL */
    enum conn_state state;
    struct event *retry;   /* backoff timer */
    struct event *timeout; /* connect timeout */
    unsigned backoff_ms;
    size_t pending;
    size_t max_pending;
    int was_up;            /* the connection has been ready at least once */
    struct conn_counters n;
    struct log_ratelimit rl;
};

static void conn_connect(struct conn *c);

static void conn_emit(struct conn *c, enum conn_event ev, const char *detail) {
    if (c->on_event)
        c->on_event(c, ev, detail, c->arg);
}

static void conn_schedule(struct conn *c) {
    struct timeval tv;
    unsigned ms = c->backoff_ms;
    /* +-20% jitter from the clock, so many clients do not retry in lockstep */
    ms = ms * 4 / 5 + (unsigned)(clock_mono_ns() % (ms * 2 / 5 + 1));
    c->state = CONN_WAITING;
    tv.tv_sec = ms / 1000;
    tv.tv_usec = (ms % 1000) * 1000;
    evtimer_add(c->retry, &tv);
    c->backoff_ms = c->backoff_ms * 2 > CONN_BACKOFF_MAX_MS ? CONN_BACKOFF_MAX_MS : c->backoff_ms * 2;
}

static void conn_log_failure(struct conn *c, const char *what, const char *why) {
    uint64_t suppressed = 0;
    if (log_ratelimit_allow(&c->rl, clock_mono_ms(), &suppressed))
        log_warn("%s: %s %s: %s; retrying in %u ms%s", c->name, what, c->shown, why, c->backoff_ms,
                 suppressed ? " (earlier messages suppressed)" : "");
}

/* Stops for good after a refusal retrying cannot mend: logs it once, closes the context unless
 * hiredis is already closing it (`gone`), and reports CONN_FATAL. */
static void conn_fatal(struct conn *c, const char *why, int gone) {
    redisAsyncContext *ac = c->ac;
    c->ac = NULL;
    c->state = CONN_DONE;
    evtimer_del(c->timeout);
    evtimer_del(c->retry);
    log_error("%s: %s: %s", c->name, c->shown, why);
    if (ac && !gone) {
        c->dying = ac; /* set first: the disconnect callback may run inside the call */
        redisAsyncDisconnect(ac);
    }
    conn_emit(c, CONN_FATAL, why);
}

/* Errors that retrying cannot mend. */
static int conn_error_is_fatal(const char *msg) {
    static const char *const fatal[] = {"NOAUTH", "WRONGPASS", "NOPERM", "ERR invalid password",
                                        "ERR AUTH", "ERR Client sent AUTH", "ERR DB index",
                                        "ERR invalid DB", "ERR SELECT"};
    for (size_t i = 0; msg && i < sizeof fatal / sizeof fatal[0]; i++)
        if (strncmp(msg, fatal[i], strlen(fatal[i])) == 0)
            return 1;
    return 0;
}

/* A command's error reply that retrying cannot mend (an ACL refusal) stops the connection.
 * Returns 1 if it did. */
static int conn_refused(struct conn *c, redisAsyncContext *ac, const redisReply *reply,
                        const char *what) {
    char why[256];
    if (!reply || reply->type != REDIS_REPLY_ERROR || !conn_error_is_fatal(reply->str) ||
        c->ac != ac || c->state != CONN_UP)
        return 0;
    snprintf(why, sizeof why, "%s refused: %s", what, reply->str);
    conn_fatal(c, why, 0);
    return 1;
}

/* Replies to AUTH, SELECT and the final PING of the handshake. privdata is the handshake step. */
static void conn_handshake_cb(redisAsyncContext *ac, void *r, void *privdata) {
    struct conn *c = ac->data;
    redisReply *reply = r;
    char why[256];

    if (!c || c->ac != ac || c->state != CONN_CONNECTING)
        return; /* stale context, or it is being torn down */
    if (!reply)
        return; /* the disconnect callback handles the loss */
    if (reply->type == REDIS_REPLY_ERROR) {
        snprintf(why, sizeof why, "%s refused: %s", (const char *)privdata, reply->str);
        if (conn_error_is_fatal(reply->str)) {
            conn_fatal(c, why, 0);
        } else {
            conn_log_failure(c, "handshake with", why);
            c->ac = NULL;
            redisAsyncDisconnect(ac);
            conn_schedule(c);
        }
        return;
    }
    if (strcmp(privdata, "PING") != 0)
        return;
    evtimer_del(c->timeout);
    c->state = CONN_UP;
    c->backoff_ms = CONN_BACKOFF_MIN_MS;
    if (c->was_up) {
        c->n.reconnects++;
        log_info("%s: reconnected to %s", c->name, c->shown);
    } else {
        log_info("%s: connected to %s", c->name, c->shown);
    }
    c->was_up = 1;
    conn_emit(c, CONN_READY, NULL);
}

static void conn_connect_cb(const redisAsyncContext *ac, int status) {
    struct conn *c = ac->data;
    if (!c || c->ac != ac)
        return;
    if (status != REDIS_OK) {
        /* hiredis frees the context after this callback */
        c->ac = NULL;
        evtimer_del(c->timeout);
        conn_log_failure(c, "cannot connect to", ac->errstr[0] ? ac->errstr : "refused");
        conn_schedule(c);
    }
}

static void conn_disconnect_cb(const redisAsyncContext *ac, int status) {
    struct conn *c = ac->data;
    int was_up;
    char why[256];
    (void)status;
    if (c && c->dying == ac)
        c->dying = NULL; /* hiredis frees it after this callback */
    if (!c || c->ac != ac)
        return;
    if (ac->err == REDIS_ERR_OTHER && conn_error_is_fatal(ac->errstr)) {
        /* hiredis closes the link on an error reply it has no callback for: a refused
         * SUBSCRIBE (NOPERM) arrives this way */
        snprintf(why, sizeof why, "SUBSCRIBE refused: %s", ac->errstr);
        conn_fatal(c, why, 1);
        return;
    }
    c->ac = NULL;
    evtimer_del(c->timeout);
    if (c->state == CONN_STOPPING) {
        c->state = CONN_DONE;
        conn_emit(c, CONN_CLOSED, NULL);
        return;
    }
    was_up = c->state == CONN_UP;
    conn_log_failure(c, was_up ? "lost connection to" : "cannot connect to",
                     ac->errstr[0] ? ac->errstr : "connection closed");
    conn_schedule(c);
    if (was_up)
        conn_emit(c, CONN_LOST, ac->errstr);
}

static void conn_timeout_cb(evutil_socket_t fd, short what, void *arg) {
    struct conn *c = arg;
    redisAsyncContext *ac = c->ac;
    (void)fd;
    (void)what;
    if (c->state != CONN_CONNECTING || !ac)
        return;
    c->ac = NULL;
    redisAsyncFree(ac); /* its callbacks see c->ac != ac and stand aside */
    conn_log_failure(c, "timed out connecting to", "no answer");
    conn_schedule(c);
}

static void conn_retry_cb(evutil_socket_t fd, short what, void *arg) {
    (void)fd;
    (void)what;
    conn_connect(arg);
}

static void conn_handshake(struct conn *c) {
    const char *argv[3];
    size_t lens[3];
    char db[16];
    int argc = 0;

    if (c->url.password[0]) {
        argv[argc++] = "AUTH";
        if (c->url.user[0])
            argv[argc++] = c->url.user;
        argv[argc++] = c->url.password;
        for (int i = 0; i < argc; i++)
            lens[i] = strlen(argv[i]);
        redisAsyncCommandArgv(c->ac, conn_handshake_cb, "AUTH", argc, argv, lens);
    }
    if (c->url.db) {
        snprintf(db, sizeof db, "%d", c->url.db);
        redisAsyncCommand(c->ac, conn_handshake_cb, "SELECT", "SELECT %s", db);
    }
    redisAsyncCommand(c->ac, conn_handshake_cb, "PING", "PING");
}

static void conn_connect(struct conn *c) {
    struct timeval tv = {CONN_CONNECT_TIMEOUT_MS / 1000, (CONN_CONNECT_TIMEOUT_MS % 1000) * 1000};
    redisAsyncContext *ac;

    if (c->state == CONN_STOPPING || c->state == CONN_DONE)
        return;
    ac = c->url.path[0] ? redisAsyncConnectUnix(c->url.path)
                        : redisAsyncConnect(c->url.host, c->url.port);
    if (!ac) {
        conn_log_failure(c, "cannot connect to", "out of memory");
        conn_schedule(c);
        return;
    }
    if (ac->err) {
        conn_log_failure(c, "cannot connect to", ac->errstr);
        redisAsyncFree(ac);
        conn_schedule(c);
        return;
    }
    ac->data = c;
    c->ac = ac;
    c->state = CONN_CONNECTING;
    redisLibeventAttach(ac, c->base);
    redisAsyncSetConnectCallback(ac, conn_connect_cb);
    redisAsyncSetDisconnectCallback(ac, conn_disconnect_cb);
    conn_handshake(c);
    evtimer_add(c->timeout, &tv);
}

struct conn *conn_new(struct event_base *base, const struct redis_url *url, const char *name,
                      conn_event_fn *on_event, void *arg) {
    struct conn *c = xcalloc(1, sizeof *c);
    c->base = base;
    c->url = *url;
    snprintf(c->name, sizeof c->name, "%s", name);
    url_redacted(url, c->shown, sizeof c->shown);
    c->on_event = on_event;
    c->arg = arg;
    c->state = CONN_IDLE;
    c->backoff_ms = CONN_BACKOFF_MIN_MS;
    c->max_pending = CONN_MAX_PENDING_DEFAULT;
    c->retry = evtimer_new(base, conn_retry_cb, c);
    c->timeout = evtimer_new(base, conn_timeout_cb, c);
    if (!c->retry || !c->timeout) {
        log_error("%s: cannot create timers", name);
        abort();
    }
    return c;
}

/* Frees ac at once; its replies still due reach their callbacks as NULL (counted failed). */
static void conn_drop(redisAsyncContext *ac) {
    ac->data = NULL; /* its connect and disconnect callbacks stand aside */
    redisAsyncFree(ac);
}

void conn_close(struct conn *c) {
    evtimer_del(c->retry);
    evtimer_del(c->timeout);
    c->state = CONN_DONE;
    if (c->ac) {
        redisAsyncContext *ac = c->ac;
        c->ac = NULL;
        conn_drop(ac);
    }
    if (c->dying) {
        redisAsyncContext *ac = c->dying;
        c->dying = NULL;
        conn_drop(ac);
    }
}

void conn_free(struct conn *c) {
    if (!c)
        return;
    conn_close(c);
    event_free(c->retry);
    event_free(c->timeout);
    xfree(c);
}

void conn_start(struct conn *c) {
    if (c->state == CONN_IDLE)
        conn_connect(c);
}

void conn_stop(struct conn *c) {
    evtimer_del(c->retry);
    evtimer_del(c->timeout);
    if (c->ac && c->state == CONN_UP) {
        c->state = CONN_STOPPING;
        redisAsyncDisconnect(c->ac);
        return;
    }
    if (c->ac) {
        redisAsyncContext *ac = c->ac;
        c->ac = NULL;
        redisAsyncFree(ac);
    }
    if (c->state != CONN_DONE) {
        c->state = CONN_DONE;
        conn_emit(c, CONN_CLOSED, NULL);
    }
}

void conn_set_max_pending(struct conn *c, size_t max_pending) { c->max_pending = max_pending; }

int conn_is_ready(const struct conn *c) { return c->state == CONN_UP; }

size_t conn_pending(const struct conn *c) { return c->pending; }

const struct conn_counters *conn_counters(const struct conn *c) { return &c->n; }

struct redisAsyncContext *conn_context(struct conn *c) {
    return c->state == CONN_UP ? c->ac : NULL;
}

static void conn_publish_cb(redisAsyncContext *ac, void *r, void *privdata) {
    struct conn *c = privdata;
    redisReply *reply = r;
    c->pending--;
    if (!reply || reply->type == REDIS_REPLY_ERROR) {
        c->n.failed++;
        if (c->ac != ac || conn_refused(c, ac, reply, "PUBLISH"))
            return; /* a context being closed: its refusal has been reported */
        if (reply && log_ratelimit_allow(&c->rl, clock_mono_ms(), NULL))
            log_warn("%s: PUBLISH refused: %s", c->name, reply->str);
        return;
    }
    c->n.published++;
    if (reply->type == REDIS_REPLY_INTEGER && reply->integer == 0)
        c->n.no_receivers++;
}

int conn_publish(struct conn *c, const char *channel, const char *msg, size_t len) {
    if (c->state != CONN_UP) {
        c->n.refused_down++;
        return -1;
    }
    if (c->pending >= c->max_pending) {
        c->n.refused_full++;
        return -1;
    }
    if (redisAsyncCommand(c->ac, conn_publish_cb, c, "PUBLISH %s %b", channel, msg, len) !=
        REDIS_OK) {
        c->n.refused_down++;
        return -1;
    }
    c->pending++;
    return 0;
}

struct conn_call {
    struct conn *c;
    conn_reply_fn *cb;
    void *arg;
    char name[16]; /* the command, for the log line of an ACL refusal */
};

static void conn_command_cb(redisAsyncContext *ac, void *reply, void *privdata) {
    struct conn_call *call = privdata;
    call->c->pending--;
    if (!conn_refused(call->c, ac, reply, call->name) && call->cb)
        call->cb(call->c, reply, call->arg);
    xfree(call);
}

int conn_command(struct conn *c, conn_reply_fn *cb, void *arg, int argc, const char **argv,
                 const size_t *argvlen) {
    struct conn_call *call;
    if (c->state != CONN_UP)
        return -1;
    call = xmalloc(sizeof *call);
    call->c = c;
    call->cb = cb;
    call->arg = arg;
    snprintf(call->name, sizeof call->name, "%.*s",
             (int)strnlen(argv[0], argvlen ? argvlen[0] : sizeof call->name - 1), argv[0]);
    if (redisAsyncCommandArgv(c->ac, conn_command_cb, call, argc, argv, argvlen) != REDIS_OK) {
        xfree(call);
        return -1;
    }
    c->pending++;
    return 0;
}

/* conn.c - see conn.h.
 * States: IDLE -> CONNECTING (socket + AUTH/SELECT/PING queued) -> READY; any failure moves to
 * WAITING (a backoff timer) and back to CONNECTING. hiredis frees its context after the connect
 * or disconnect callback reports a failure, so c->ac is cleared in both; a context abandoned by
 * our own timeout is freed here, with c->ac cleared first so its callbacks are recognised as
 * stale. A fatal refusal (bad password, ACL) ends in DONE; the context it leaves behind, still
 * delivering its last replies, is kept in c->dying until its disconnect callback, so conn_close()
 * can free it if the program ends first.
 * Replies are built from a per-connection pool of nodes (conn_node) instead of hiredis's default
 * of one calloc per reply and one malloc per string: a pub/sub message is an array of three
 * strings, eight allocations and frees per message otherwise. A node is a redisReply with room for
 * a short string and a short array, filled exactly as hiredis fills its own, so hiredis and the
 * callbacks cannot tell the difference. */
#include "conn.h"

#include <event2/event.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "xalloc.h"

#define CONN_PUBLISH_INLINE 2048 /* PUBLISH commands up to this size are formatted on the stack */
#define CONN_BULK_HEAD_MAX 24    /* "$<length>\r\n" of a bulk string, at most */

#define CONN_HIREDIS_READ 16384 /* bytes hiredis 0.14 reads at a time (redisBufferRead) */
#define CONN_READS_PER_EVENT 8   /* reads one readable event may do while data keeps coming */
#define CONN_NODE_TEXT 240  /* strings up to this many bytes live in the reply node */
#define CONN_NODE_ELEMS 4   /* arrays up to this many elements live in the reply node */
#define CONN_POOL_MAX 64    /* free reply nodes kept per connection */

/* One reply element. r comes first: hiredis and callbacks see a plain redisReply. */
struct conn_node {
    redisReply r;
    struct conn_pool *pool; /* where the node returns when freed */
    struct conn_node *next; /* in the pool's free list */
    redisReply *elem[CONN_NODE_ELEMS];
    char text[CONN_NODE_TEXT + 1];
};

struct conn_pool {
    struct conn_node *free; /* nodes ready for reuse */
    size_t nfree;           /* at most CONN_POOL_MAX */
};

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
    struct conn_pool pool;             /* reply nodes, owned */
    redisReplyObjectFunctions reply_fn; /* builds replies from pool */
};

static void conn_connect(struct conn *c);

/* ---- libevent glue: hiredis's adapters/libevent.h, with two changes ---- */

/* 1. The read event is persistent: hiredis asks for it again after every read, and the stock
 *    adapter's one-shot event costs two epoll_ctl calls each time.
 * 2. A readable event reads until the socket is drained, up to CONN_READS_PER_EVENT reads:
 *    hiredis reads CONN_HIREDIS_READ bytes at a time, and under load one event per read costs an
 *    epoll_wait and a turn of the loop per 16 KiB. hiredis calls addRead right after feeding what
 *    it read to its parser, so the parser's growth then says whether the read was full.
 * 3. Commands are written in the same turn of the loop that queued them (the write event is made
 *    active rather than watched): a connected socket is nearly always writable, and waiting for
 *    epoll to say so costs a turn of the loop and two epoll_ctl calls per batch. Only a write
 *    that could not finish waits for the socket. */
struct conn_ev {
    redisAsyncContext *ac;
    struct event *rev, *wev;
    int reading;     /* inside conn_ev_read */
    size_t unparsed; /* bytes the parser held before the current read */
    int full;        /* the current read filled hiredis's buffer: more is probably waiting */
    int writing;     /* inside conn_ev_write */
};

static void conn_ev_read(evutil_socket_t fd, short what, void *arg) {
    struct conn_ev *e = arg;
    redisAsyncContext *ac = e->ac;
    struct conn *c = ac->data;
    (void)fd;
    (void)what;

    for (int i = 0; i < CONN_READS_PER_EVENT; i++) {
        e->unparsed = ac->c.reader->len - ac->c.reader->pos;
        e->full = 0;
        e->reading = 1;
        redisAsyncHandleRead(ac);
        /* a context that went away took e with it: c->ac tells, before e is touched */
        if (!c || c->ac != ac)
            return;
        e->reading = 0;
        if (!e->full)
            return;
    }
}

static void conn_ev_write(evutil_socket_t fd, short what, void *arg) {
    struct conn_ev *e = arg;
    redisAsyncContext *ac = e->ac;
    struct conn *c = ac->data;
    (void)fd;
    (void)what;

    e->writing = 1;
    redisAsyncHandleWrite(ac);
    if (c && c->ac == ac) /* else the context, and e, are gone */
        e->writing = 0;
}

static void conn_ev_add_read(void *arg) {
    struct conn_ev *e = arg;
    const redisReader *r = e->ac->c.reader;
    if (e->reading)
        e->full = r->len - r->pos >= e->unparsed + CONN_HIREDIS_READ;
    event_add(e->rev, NULL); /* no-op while it is registered */
}

static void conn_ev_del_read(void *arg) {
    struct conn_ev *e = arg;
    event_del(e->rev);
}

static void conn_ev_add_write(void *arg) {
    struct conn_ev *e = arg;
    if (e->writing || !(e->ac->c.flags & REDIS_CONNECTED))
        event_add(e->wev, NULL); /* wait until the socket takes more, or until it connects */
    else
        event_active(e->wev, EV_WRITE, 1);
}

static void conn_ev_del_write(void *arg) {
    struct conn_ev *e = arg;
    event_del(e->wev);
}

static void conn_ev_cleanup(void *arg) {
    struct conn_ev *e = arg;
    event_free(e->rev);
    event_free(e->wev);
    xfree(e);
}

/* Attaches ac to base, as redisLibeventAttach() does. Returns 0, or -1 if events cannot be made. */
static int conn_ev_attach(redisAsyncContext *ac, struct event_base *base) {
    struct conn_ev *e = xcalloc(1, sizeof *e);

    e->ac = ac;
    e->rev = event_new(base, ac->c.fd, EV_READ | EV_PERSIST, conn_ev_read, e);
    e->wev = event_new(base, ac->c.fd, EV_WRITE, conn_ev_write, e);
    if (!e->rev || !e->wev) {
        if (e->rev)
            event_free(e->rev);
        if (e->wev)
            event_free(e->wev);
        xfree(e);
        return -1;
    }
    ac->ev.addRead = conn_ev_add_read;
    ac->ev.delRead = conn_ev_del_read;
    ac->ev.addWrite = conn_ev_add_write;
    ac->ev.delWrite = conn_ev_del_write;
    ac->ev.cleanup = conn_ev_cleanup;
    ac->ev.data = e;
    event_add(e->rev, NULL);
    event_add(e->wev, NULL);
    return 0;
}

/* ---- reply nodes: hiredis's createReplyObject() and friends, from a pool ---- */

static redisReply *conn_reply_new(const redisReadTask *task, int type) {
    struct conn_pool *pool = task->privdata;
    struct conn_node *nd = pool->free;
    redisReply *parent;

    if (nd) {
        pool->free = nd->next;
        pool->nfree--;
    } else {
        nd = xmalloc(sizeof *nd);
        nd->pool = pool;
    }
    memset(&nd->r, 0, sizeof nd->r);
    nd->r.type = type;
    if (task->parent) {
        parent = task->parent->obj;
        parent->element[task->idx] = &nd->r;
    }
    return &nd->r;
}

static void conn_reply_free(void *reply) {
    struct conn_node *nd = reply;
    struct conn_pool *pool = nd->pool;

    if (nd->r.type == REDIS_REPLY_ARRAY) {
        for (size_t i = 0; i < nd->r.elements; i++)
            if (nd->r.element[i])
                conn_reply_free(nd->r.element[i]);
        if (nd->r.element != nd->elem)
            xfree(nd->r.element);
    } else if (nd->r.str != nd->text) {
        xfree(nd->r.str);
    }
    if (pool->nfree >= CONN_POOL_MAX) {
        xfree(nd);
        return;
    }
    nd->next = pool->free;
    pool->free = nd;
    pool->nfree++;
}

static void *conn_reply_string(const redisReadTask *task, char *str, size_t len) {
    redisReply *r = conn_reply_new(task, task->type);
    struct conn_node *nd = (struct conn_node *)r;

    r->str = len <= CONN_NODE_TEXT ? nd->text : xmalloc(len + 1);
    memcpy(r->str, str, len);
    r->str[len] = '\0';
    r->len = len;
    return r;
}

static void *conn_reply_array(const redisReadTask *task, int elements) {
    redisReply *r = conn_reply_new(task, REDIS_REPLY_ARRAY);
    struct conn_node *nd = (struct conn_node *)r;

    if (elements > CONN_NODE_ELEMS) {
        r->element = xcalloc((size_t)elements, sizeof *r->element);
    } else if (elements > 0) {
        memset(nd->elem, 0, sizeof nd->elem);
        r->element = nd->elem;
    }
    r->elements = (size_t)elements;
    return r;
}

static void *conn_reply_integer(const redisReadTask *task, long long value) {
    redisReply *r = conn_reply_new(task, REDIS_REPLY_INTEGER);
    r->integer = value;
    return r;
}

static void *conn_reply_nil(const redisReadTask *task) {
    return conn_reply_new(task, REDIS_REPLY_NIL);
}

static void conn_pool_clear(struct conn_pool *pool) {
    while (pool->free) {
        struct conn_node *next = pool->free->next;
        xfree(pool->free);
        pool->free = next;
    }
    pool->nfree = 0;
}

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
    if (conn_ev_attach(ac, c->base) != 0) {
        conn_log_failure(c, "cannot connect to", "cannot create events");
        redisAsyncFree(ac);
        conn_schedule(c);
        return;
    }
    ac->data = c;
    ac->c.reader->fn = &c->reply_fn;
    ac->c.reader->privdata = &c->pool;
    c->ac = ac;
    c->state = CONN_CONNECTING;
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
    c->reply_fn.createString = conn_reply_string;
    c->reply_fn.createArray = conn_reply_array;
    c->reply_fn.createInteger = conn_reply_integer;
    c->reply_fn.createNil = conn_reply_nil;
    c->reply_fn.freeObject = conn_reply_free;
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
    conn_pool_clear(&c->pool);
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

/* Appends s[0..len) as a bulk string of the protocol: "$<len>\r\n<s>\r\n". */
static char *conn_put_bulk(char *out, const char *s, size_t len) {
    char digits[CONN_BULK_HEAD_MAX];
    size_t n = 0, left = len;
    do {
        digits[n++] = (char)('0' + left % 10);
        left /= 10;
    } while (left);
    *out++ = '$';
    while (n)
        *out++ = digits[--n];
    memcpy(out, "\r\n", 2);
    memcpy(out + 2, s, len);
    memcpy(out + 2 + len, "\r\n", 2);
    return out + len + 4;
}

/* Writes PUBLISH channel msg in the protocol's own form into out (cap bytes): the bytes hiredis's
 * "PUBLISH %s %b" would produce, without its format parsing and allocations. Returns the length,
 * or 0 if it does not fit. */
static size_t conn_format_publish(char *out, size_t cap, const char *channel, const char *msg,
                                  size_t len) {
    static const char head[] = "*3\r\n$7\r\nPUBLISH\r\n";
    size_t chlen = strlen(channel);
    char *p = out;

    if (chlen + len + sizeof head + 2 * CONN_BULK_HEAD_MAX > cap)
        return 0;
    memcpy(p, head, sizeof head - 1);
    p = conn_put_bulk(p + sizeof head - 1, channel, chlen);
    p = conn_put_bulk(p, msg, len);
    return (size_t)(p - out);
}

int conn_publish(struct conn *c, const char *channel, const char *msg, size_t len) {
    char cmd[CONN_PUBLISH_INLINE];
    size_t n;
    int rc;

    if (c->state != CONN_UP) {
        c->n.refused_down++;
        return -1;
    }
    if (c->pending >= c->max_pending) {
        c->n.refused_full++;
        return -1;
    }
    n = conn_format_publish(cmd, sizeof cmd, channel, msg, len);
    if (n)
        rc = redisAsyncFormattedCommand(c->ac, conn_publish_cb, c, cmd, n);
    else
        rc = redisAsyncCommand(c->ac, conn_publish_cb, c, "PUBLISH %s %b", channel, msg, len);
    if (rc != REDIS_OK) {
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
    int optional;  /* refusals go to cb instead of stopping the connection */
    char name[16]; /* the command, for the log line of an ACL refusal */
};

static void conn_command_cb(redisAsyncContext *ac, void *reply, void *privdata) {
    struct conn_call *call = privdata;
    call->c->pending--;
    if ((call->optional || !conn_refused(call->c, ac, reply, call->name)) && call->cb)
        call->cb(call->c, reply, call->arg);
    xfree(call);
}

static int conn_send(struct conn *c, conn_reply_fn *cb, void *arg, int optional, int argc,
                     const char **argv, const size_t *argvlen) {
    struct conn_call *call;
    if (c->state != CONN_UP)
        return -1;
    call = xmalloc(sizeof *call);
    call->c = c;
    call->cb = cb;
    call->arg = arg;
    call->optional = optional;
    snprintf(call->name, sizeof call->name, "%.*s",
             (int)strnlen(argv[0], argvlen ? argvlen[0] : sizeof call->name - 1), argv[0]);
    if (redisAsyncCommandArgv(c->ac, conn_command_cb, call, argc, argv, argvlen) != REDIS_OK) {
        xfree(call);
        return -1;
    }
    c->pending++;
    return 0;
}

int conn_command(struct conn *c, conn_reply_fn *cb, void *arg, int argc, const char **argv,
                 const size_t *argvlen) {
    return conn_send(c, cb, arg, 0, argc, argv, argvlen);
}

int conn_command_optional(struct conn *c, conn_reply_fn *cb, void *arg, int argc,
                          const char **argv, const size_t *argvlen) {
    return conn_send(c, cb, arg, 1, argc, argv, argvlen);
}

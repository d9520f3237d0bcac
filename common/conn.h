/* conn.h - one asynchronous Redis connection that stays up: it connects, authenticates, selects
 * the database, and after any loss reconnects with exponential backoff until stopped.
 * Publishes are fire-and-count: each is queued, acknowledged or counted as failed; while the
 * connection is down or CONN's in-flight bound is reached they are refused and counted, never
 * buffered without bound. Shell code: owns a socket through hiredis and timers through libevent. */
#ifndef BLIP_CONN_H
#define BLIP_CONN_H
#include <stddef.h>
#include <stdint.h>

#include "url.h"

struct event_base;
struct redisAsyncContext;
struct conn;

#define CONN_BACKOFF_MIN_MS 100      /* first retry delay */
#define CONN_BACKOFF_MAX_MS 5000     /* longest retry delay */
#define CONN_CONNECT_TIMEOUT_MS 5000 /* a connect + AUTH taking longer is abandoned and retried */
#define CONN_MAX_PENDING_DEFAULT 100000 /* publishes in flight before new ones are refused */

enum conn_event {
    CONN_READY, /* connected, authenticated, database selected: commands may be sent */
    CONN_LOST,  /* a ready connection went away; reconnecting has been scheduled */
    CONN_FATAL, /* retrying cannot help (no or bad password, ACL refusal of AUTH, SELECT, a
                 * SUBSCRIBE, a PUBLISH or a command); logged once; the connection stopped */
    CONN_CLOSED /* conn_stop() finished: every reply has arrived, the socket is closed */
};

typedef void conn_event_fn(struct conn *c, enum conn_event ev, const char *detail, void *arg);

struct conn_counters {
    uint64_t published;      /* PUBLISH acknowledged by the server */
    uint64_t failed;         /* sent, but the server answered an error or the link was lost */
    uint64_t refused_down;   /* refused: not connected */
    uint64_t refused_full;   /* refused: CONN max_pending publishes already in flight */
    uint64_t reconnects;     /* times the connection became ready again after a loss */
    uint64_t no_receivers;   /* acknowledged publishes that reached no subscriber */
};

/* Creates a connection to url (copied) named `name` in logs ("subscriber", "publisher"). `on_event`
 * is called with `arg` on every change. Nothing happens until conn_start(). Never fails. */
struct conn *conn_new(struct event_base *base, const struct redis_url *url, const char *name,
                      conn_event_fn *on_event, void *arg);
/* Closes at once: replies still due are counted as failed, so the counters are final after it.
 * Reports no event. conn_start() cannot be called again. */
void conn_close(struct conn *c);
/* conn_close(), then frees; accepts NULL. */
void conn_free(struct conn *c);

void conn_start(struct conn *c);
/* Stops reconnecting and closes after the replies in flight have arrived; then CONN_CLOSED. */
void conn_stop(struct conn *c);

void conn_set_max_pending(struct conn *c, size_t max_pending);
int conn_is_ready(const struct conn *c);
size_t conn_pending(const struct conn *c); /* commands sent and not yet answered */
const struct conn_counters *conn_counters(const struct conn *c);

/* The hiredis context while ready, else NULL. Borrowed: valid until the next CONN_LOST. Commands
 * sent on it through conn_command() are counted in conn_pending(). */
struct redisAsyncContext *conn_context(struct conn *c);

/* PUBLISH channel msg[0..len). Returns 0 if queued, -1 if refused (counted in refused_*). */
int conn_publish(struct conn *c, const char *channel, const char *msg, size_t len);

typedef void conn_reply_fn(struct conn *c, void *reply, void *arg);
/* Sends an argv command; cb (may be NULL) gets the redisReply, or NULL if the link was lost.
 * An error reply that retrying cannot mend (NOPERM) stops the connection with CONN_FATAL and
 * does not reach cb; so does one to PUBLISH. Returns 0, or -1 if not ready. */
int conn_command(struct conn *c, conn_reply_fn *cb, void *arg, int argc, const char **argv,
                 const size_t *argvlen);
/* The same for a command the program can do without: every error reply, a refusal included,
 * goes to cb, and the connection carries on. */
int conn_command_optional(struct conn *c, conn_reply_fn *cb, void *arg, int argc,
                          const char **argv, const size_t *argvlen);
#endif

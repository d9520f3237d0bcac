/* webhook.c - see webhook.h.
 * One connection per attempt, so nothing is kept between alerts. libevent 2.1 frees a connection
 * it was told to free on completion on some failure paths but not on others (a refused connect),
 * so we free each one ourselves: when its request has ended, the connection goes on a list that
 * a zero-delay event empties, outside libevent's own callbacks. */
#include "webhook.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "xalloc.h"

struct webhook_job {
    struct webhook *w;
    char *body; /* owned */
    size_t len;
    int attempt;                     /* attempts made, from 1 */
    struct evhttp_connection *evcon; /* the attempt under way, or NULL while waiting */
    struct event *timer;             /* the retry backoff */
    struct webhook_job *prev, *next;
};

struct webhook_done {
    struct evhttp_connection *evcon;
    struct webhook_done *next;
};

struct webhook {
    struct event_base *base;
    struct event *reaper;      /* frees the connections on `done` */
    struct webhook_done *done; /* connections whose request has ended */
    struct evdns_base *dns;    /* NULL when the host is a numeric address */
    int numeric;               /* the host is an IPv4 or IPv6 address: nothing to resolve */
    struct addr_url url;
    char host_header[ADDR_HOST_MAX + 16];
    char *user_agent;
    int timeout_s;
    int retries;
    webhook_idle_fn *on_end;
    void *arg;
    struct webhook_job *jobs;
    size_t inflight;
    struct webhook_counters n;
    struct log_ratelimit rl;
};

static void webhook_attempt(struct webhook_job *j);

static void webhook_end(struct webhook_job *j) {
    struct webhook *w = j->w;
    if (j->prev)
        j->prev->next = j->next;
    else
        w->jobs = j->next;
    if (j->next)
        j->next->prev = j->prev;
    event_free(j->timer);
    xfree(j->body);
    xfree(j);
    w->inflight--;
    if (w->on_end)
        w->on_end(w->arg);
}

static void webhook_retry_cb(evutil_socket_t fd, short what, void *arg) {
    (void)fd;
    (void)what;
    webhook_attempt(arg);
}

/* An attempt failed with `why`: retries after the backoff, or gives up. */
static void webhook_failed(struct webhook_job *j, const char *why) {
    struct webhook *w = j->w;
    uint64_t suppressed = 0;
    if (j->attempt <= w->retries) {
        unsigned ms = WEBHOOK_BACKOFF_MS << (j->attempt - 1);
        struct timeval tv;
        if (ms > WEBHOOK_BACKOFF_MAX_MS || j->attempt > 16)
            ms = WEBHOOK_BACKOFF_MAX_MS;
        tv.tv_sec = ms / 1000;
        tv.tv_usec = (ms % 1000) * 1000;
        w->n.retries++;
        log_debug("webhook: attempt %d failed (%s); retrying in %u ms", j->attempt, why, ms);
        evtimer_add(j->timer, &tv);
        return;
    }
    w->n.failed++;
    if (log_ratelimit_allow(&w->rl, clock_mono_ms(), &suppressed))
        log_warn("webhook: delivery to %s:%d%s failed after %d attempts: %s%s", w->url.addr.host,
                 w->url.addr.port, w->url.path, j->attempt, why,
                 suppressed ? " (similar messages suppressed)" : "");
    webhook_end(j);
}

static void webhook_reap_cb(evutil_socket_t fd, short what, void *arg) {
    struct webhook *w = arg;
    (void)fd;
    (void)what;
    while (w->done) {
        struct webhook_done *d = w->done;
        w->done = d->next;
        evhttp_connection_free(d->evcon);
        xfree(d);
    }
}

/* Hands j's connection to the reaper: it may not be freed inside its own callback. */
static void webhook_retire(struct webhook_job *j) {
    struct webhook_done *d = xmalloc(sizeof *d);
    d->evcon = j->evcon;
    d->next = j->w->done;
    j->w->done = d;
    j->evcon = NULL;
    event_active(j->w->reaper, EV_TIMEOUT, 0);
}

static void webhook_done_cb(struct evhttp_request *req, void *arg) {
    struct webhook_job *j = arg;
    int code = req ? evhttp_request_get_response_code(req) : 0;
    char why[64];

    webhook_retire(j);
    if (code >= 200 && code < 300) {
        j->w->n.ok++;
        webhook_end(j);
        return;
    }
    if (code)
        snprintf(why, sizeof why, "status %d", code);
    else
        snprintf(why, sizeof why, "no answer (connection refused, reset or timed out)");
    webhook_failed(j, why);
}

static void webhook_attempt(struct webhook_job *j) {
    struct webhook *w = j->w;
    struct evhttp_connection *evcon;
    struct evhttp_request *req;
    struct evkeyvalq *h;

    j->attempt++;
    if (!w->dns && !w->numeric) {
        webhook_failed(j, "no DNS resolver");
        return;
    }
    j->evcon = evhttp_connection_base_new(w->base, w->dns, w->url.addr.host,
                                          (ev_uint16_t)w->url.addr.port);
    req = j->evcon ? evhttp_request_new(webhook_done_cb, j) : NULL;
    if (!req) {
        if (j->evcon)
            evhttp_connection_free(j->evcon);
        j->evcon = NULL;
        webhook_failed(j, "cannot create a connection");
        return;
    }
    evhttp_connection_set_timeout(j->evcon, w->timeout_s);
    evhttp_connection_set_retries(j->evcon, 0);
    h = evhttp_request_get_output_headers(req);
    evhttp_add_header(h, "Host", w->host_header);
    evhttp_add_header(h, "Content-Type", "application/json");
    evhttp_add_header(h, "User-Agent", w->user_agent);
    evhttp_add_header(h, "Connection", "close");
    evbuffer_add(evhttp_request_get_output_buffer(req), j->body, j->len);
    evcon = j->evcon;
    if (evhttp_make_request(evcon, req, EVHTTP_REQ_POST, w->url.path) != 0 && j->evcon) {
        /* refused before any callback (which would have cleared j->evcon) */
        j->evcon = NULL;
        evhttp_connection_free(evcon);
        webhook_failed(j, "cannot send the request");
    }
}

void webhook_post(struct webhook *w, const char *body, size_t len) {
    struct webhook_job *j;
    if (w->inflight >= WEBHOOK_INFLIGHT_MAX) {
        w->n.dropped++;
        return;
    }
    j = xcalloc(1, sizeof *j);
    j->w = w;
    j->body = xmalloc(len ? len : 1);
    memcpy(j->body, body, len);
    j->len = len;
    j->timer = evtimer_new(w->base, webhook_retry_cb, j);
    if (!j->timer) {
        log_error("webhook: cannot create a timer");
        abort();
    }
    j->next = w->jobs;
    if (w->jobs)
        w->jobs->prev = j;
    w->jobs = j;
    w->inflight++;
    webhook_attempt(j);
}

static int webhook_numeric(const char *host) {
    unsigned char buf[16];
    return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

struct webhook *webhook_new(struct event_base *base, const struct addr_url *url,
                            const char *user_agent, int timeout_s, int retries,
                            webhook_idle_fn *on_end, void *arg) {
    struct webhook *w = xcalloc(1, sizeof *w);
    int v6 = strchr(url->addr.host, ':') != NULL;
    w->base = base;
    w->url = *url;
    w->user_agent = xstrdup(user_agent);
    w->timeout_s = timeout_s;
    w->retries = retries;
    w->on_end = on_end;
    w->arg = arg;
    if (url->addr.port == ADDR_HTTP_PORT)
        snprintf(w->host_header, sizeof w->host_header, v6 ? "[%s]" : "%s", url->addr.host);
    else
        snprintf(w->host_header, sizeof w->host_header, v6 ? "[%s]:%d" : "%s:%d", url->addr.host,
                 url->addr.port);
    w->reaper = event_new(base, -1, 0, webhook_reap_cb, w);
    if (!w->reaper) {
        log_error("webhook: cannot create an event");
        abort();
    }
    w->numeric = webhook_numeric(url->addr.host);
    if (!w->numeric) {
        w->dns = evdns_base_new(base, EVDNS_BASE_INITIALIZE_NAMESERVERS |
                                          EVDNS_BASE_DISABLE_WHEN_INACTIVE);
        if (!w->dns)
            log_warn("webhook: no DNS resolver (is /etc/resolv.conf readable?); deliveries to "
                     "\"%s\" will fail",
                     url->addr.host);
    }
    return w;
}

void webhook_stop(struct webhook *w) {
    struct webhook_job *j = w ? w->jobs : NULL;
    while (j) {
        struct webhook_job *next = j->next;
        if (!j->evcon) {
            w->n.failed++;
            webhook_end(j);
        }
        j = next;
    }
}

void webhook_free(struct webhook *w) {
    if (!w)
        return;
    w->on_end = NULL;
    while (w->jobs) {
        struct webhook_job *j = w->jobs;
        if (j->evcon)
            evhttp_connection_free(j->evcon); /* frees the request without calling back */
        j->evcon = NULL;
        webhook_end(j);
    }
    webhook_reap_cb(-1, 0, w);
    event_free(w->reaper);
    if (w->dns)
        evdns_base_free(w->dns, 0);
    xfree(w->user_agent);
    xfree(w);
}

size_t webhook_inflight(const struct webhook *w) { return w ? w->inflight : 0; }

const struct webhook_counters *webhook_counters(const struct webhook *w) { return &w->n; }

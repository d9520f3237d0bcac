/* httpd.c - see httpd.h.
 * Counting connections with libevent 2.1's evhttp, which has no connection hook of its own:
 * evhttp asks us for each new connection's bufferevent (evhttp_set_bevcb) and then wires it to
 * the connection it creates, with that connection as the callbacks' argument. A zero-delay event
 * reads it back (bufferevent_getcb) before any request can arrive and sets a close callback
 * (evhttp_connection_set_closecb), which evhttp calls whenever it lets an accepted connection go.
 * A reference on the bufferevent keeps it valid until then. Each connection's record holds a
 * reference on the shared counters, so a connection closed during httpd_free() still finds them. */
#include "httpd.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "prom.h"
#include "xalloc.h"

/* Status codes counted by name in blip_http_requests_total; the rest are "other". */
static const int httpd_codes[] = {200, 400, 404, 405, 503};
#define HTTPD_NCODES (sizeof httpd_codes / sizeof httpd_codes[0])

struct httpd_conn {
    struct bufferevent *bev;         /* ours until adopted */
    struct evhttp_connection *evcon; /* set once adopted */
    int over;                        /* accepted beyond the cap: its requests get 503 */
    struct httpd_shared *sh;
    struct httpd_conn *prev, *next;
};

struct httpd_shared {
    size_t refs;     /* the server's reference + one per connection */
    size_t open;     /* connections open */
    size_t admitted; /* of which within the cap */
    struct httpd_conn *head;
};

struct httpd {
    struct evhttp *http;
    const struct httpd_route *routes;
    size_t nroutes;
    void *arg;
    struct httpd_limits lim;
    struct httpd_shared *sh;
    struct sbuf body;
    uint64_t requests[HTTPD_NCODES + 1]; /* by httpd_codes[], then other */
    uint64_t refused;                    /* requests answered 503 for the connection cap */
};

static const char *httpd_reason(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 413:
        return "Payload Too Large";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Unknown";
    }
}

int httpd_error(struct sbuf *body, int status, const char *msg) {
    sbuf_puts(body, "{\"error\":");
    sbuf_json_str(body, msg);
    sbuf_puts(body, "}");
    return status;
}

static void httpd_conn_gone(struct httpd_conn *c) {
    struct httpd_shared *sh = c->sh;
    if (c->prev)
        c->prev->next = c->next;
    else
        sh->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    sh->open--;
    if (!c->over)
        sh->admitted--;
    xfree(c);
    if (--sh->refs == 0)
        xfree(sh);
}

static void httpd_close_cb(struct evhttp_connection *evcon, void *arg) {
    (void)evcon;
    httpd_conn_gone(arg);
}

/* Runs right after evhttp has built the connection around c->bev. */
static void httpd_adopt_cb(evutil_socket_t fd, short what, void *arg) {
    struct httpd_conn *c = arg;
    bufferevent_event_cb eventcb = NULL;
    void *cbarg = NULL;
    (void)fd;
    (void)what;
    bufferevent_getcb(c->bev, NULL, NULL, &eventcb, &cbarg);
    bufferevent_decref(c->bev); /* evhttp's reference remains while the connection lives */
    c->bev = NULL;
    if (!eventcb || !cbarg) {
        httpd_conn_gone(c); /* evhttp has already let it go */
        return;
    }
    c->evcon = cbarg;
    evhttp_connection_set_closecb(c->evcon, httpd_close_cb, c);
}

/* evhttp asks for a bufferevent for each connection it accepts. Returning NULL makes it create
 * its own (the connection then goes uncounted), so failures here are only logged. */
static struct bufferevent *httpd_bev_cb(struct event_base *base, void *arg) {
    struct httpd *h = arg;
    struct httpd_shared *sh = h->sh;
    struct bufferevent *bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
    struct httpd_conn *c;

    if (!bev) {
        log_warn("http: cannot create a connection buffer");
        return NULL;
    }
    c = xcalloc(1, sizeof *c);
    if (event_base_once(base, -1, EV_TIMEOUT, httpd_adopt_cb, c, NULL) != 0) {
        log_warn("http: cannot track a connection");
        xfree(c);
        return bev;
    }
    bufferevent_incref(bev);
    c->bev = bev;
    c->sh = sh;
    c->over = sh->admitted >= h->lim.max_conns;
    if (!c->over)
        sh->admitted++;
    sh->open++;
    sh->refs++;
    c->next = sh->head;
    if (sh->head)
        sh->head->prev = c;
    sh->head = c;
    return bev;
}

static const struct httpd_conn *httpd_conn_of(const struct httpd *h, struct evhttp_request *req) {
    struct evhttp_connection *evcon = evhttp_request_get_connection(req);
    for (const struct httpd_conn *c = h->sh->head; c; c = c->next)
        if (c->evcon && c->evcon == evcon)
            return c;
    return NULL;
}

static void httpd_count(struct httpd *h, int status) {
    size_t i = 0;
    while (i < HTTPD_NCODES && httpd_codes[i] != status)
        i++;
    h->requests[i]++;
}

/* Routes one request, fills h->body and returns the status. */
static int httpd_route(struct httpd *h, struct evhttp_request *req, const char **type) {
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
    const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
    struct evkeyvalq *out = evhttp_request_get_output_headers(req);
    const struct httpd_conn *c = httpd_conn_of(h, req);

    if (c && c->over) {
        h->refused++;
        evhttp_add_header(out, "Connection", "close");
        return httpd_error(&h->body, 503, "too many connections");
    }
    if (!path || !path[0])
        path = "/";
    for (size_t i = 0; i < h->nroutes; i++) {
        if (strcmp(h->routes[i].path, path) != 0)
            continue;
        if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
            evhttp_add_header(out, "Allow", "GET, HEAD");
            return httpd_error(&h->body, 405, "method not allowed: use GET");
        }
        return h->routes[i].fn(evhttp_uri_get_query(uri), &h->body, type, h->arg);
    }
    return httpd_error(&h->body, 404, "no such path");
}

static void httpd_request_cb(struct evhttp_request *req, void *arg) {
    struct httpd *h = arg;
    const char *type = HTTPD_JSON;
    struct evkeyvalq *out = evhttp_request_get_output_headers(req);
    int status;

    sbuf_reset(&h->body);
    status = httpd_route(h, req, &type);
    httpd_count(h, status);
    evhttp_add_header(out, "Content-Type", type);
    evhttp_add_header(out, "Cache-Control", "no-store");
    if (evbuffer_add(evhttp_request_get_output_buffer(req), h->body.buf, h->body.len) != 0)
        log_warn("http: out of memory for a response");
    evhttp_send_reply(req, status, httpd_reason(status), NULL);
}

struct httpd *httpd_new(struct event_base *base, const struct addr *at,
                        const struct httpd_limits *lim, const struct httpd_route *routes,
                        size_t nroutes, void *arg, char *err, size_t errlen) {
    struct httpd *h = xcalloc(1, sizeof *h);
    h->http = evhttp_new(base);
    if (!h->http) {
        snprintf(err, errlen, "cannot create the HTTP server");
        xfree(h);
        return NULL;
    }
    h->routes = routes;
    h->nroutes = nroutes;
    h->arg = arg;
    h->lim = *lim;
    h->sh = xcalloc(1, sizeof *h->sh);
    h->sh->refs = 1;
    sbuf_init(&h->body);
    evhttp_set_max_headers_size(h->http, HTTPD_MAX_HEADERS_BYTES);
    evhttp_set_max_body_size(h->http, HTTPD_MAX_BODY_BYTES);
    evhttp_set_timeout(h->http, lim->timeout_s);
    /* every method reaches us, so the answer is our 405 rather than evhttp's 501 */
    evhttp_set_allowed_methods(h->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
                                            EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
                                            EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
                                            EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
    evhttp_set_bevcb(h->http, httpd_bev_cb, h);
    evhttp_set_gencb(h->http, httpd_request_cb, h);
    errno = 0;
    if (!evhttp_bind_socket_with_handle(h->http, at->host, (ev_uint16_t)at->port)) {
        snprintf(err, errlen, "cannot listen on %s:%d: %s", at->host, at->port,
                 errno ? strerror(errno) : "cannot resolve the address");
        httpd_free(h);
        return NULL;
    }
    return h;
}

void httpd_free(struct httpd *h) {
    if (!h)
        return;
    evhttp_free(h->http);
    if (--h->sh->refs == 0)
        xfree(h->sh);
    sbuf_clear(&h->body);
    xfree(h);
}

size_t httpd_connections(const struct httpd *h) { return h->sh->open; }

void httpd_metrics(const struct httpd *h, struct sbuf *out) {
    char code[16];
    struct prom_label l = {"code", code};
    prom_family(out, "blip_http_requests_total", PROM_COUNTER,
                "HTTP requests answered by this program, by status code");
    for (size_t i = 0; i <= HTTPD_NCODES; i++) {
        if (i < HTTPD_NCODES)
            snprintf(code, sizeof code, "%d", httpd_codes[i]);
        else
            snprintf(code, sizeof code, "other");
        prom_sample(out, "blip_http_requests_total", &l, 1, (double)h->requests[i]);
    }
    prom_gauge(out, "blip_http_connections", "HTTP connections open now", (double)h->sh->open);
    prom_counter(out, "blip_http_connections_refused_total",
                 "requests answered 503 because the connection cap was reached",
                 (double)h->refused);
}

/* httpd.h - a small HTTP/1.1 server on a program's own event loop (libevent's evhttp) for
 * probes and scrapes. Handlers answer at once from memory, so a request never waits on Redis
 * and never blocks the loop.
 * - Routes are exact paths; an unknown path gets 404, a method other than GET or HEAD on a
 *   known path 405 (with Allow: GET, HEAD), each with a short JSON error {"error":"..."}.
 * - Limits: request headers up to HTTPD_MAX_HEADERS_BYTES and a body up to HTTPD_MAX_BODY_BYTES
 *   (evhttp itself answers 413 beyond them, and 400 to a request it cannot parse: those two
 *   answers are evhttp's own short HTML pages); a read/write/idle timeout; at most max_conns
 *   connections: a connection accepted beyond the cap gets 503 to its request and is closed.
 * Shell code: owns a listening socket and connections through libevent. */
#ifndef BLIP_HTTPD_H
#define BLIP_HTTPD_H
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "sbuf.h"

struct event_base;
struct httpd;

#define HTTPD_MAX_HEADERS_BYTES 8192 /* request line + headers; more gets 413 */
#define HTTPD_MAX_BODY_BYTES 1024    /* request body; more gets 413 (GET needs none) */
#define HTTPD_TIMEOUT_DEFAULT_S 10   /* --http-timeout default */
#define HTTPD_TIMEOUT_MAX_S 3600
#define HTTPD_MAX_CONNS_DEFAULT 64 /* --http-max-conns default */
#define HTTPD_MAX_CONNS_LIMIT 10000
#define HTTPD_JSON "application/json"

/* Answers one GET (or HEAD) request: appends the body to `body` (empty on entry), may set
 * *content_type (default HTTPD_JSON), and returns the status code. `query` is the raw query
 * string, NULL when there is none. */
typedef int httpd_handler_fn(const char *query, struct sbuf *body, const char **content_type,
                             void *arg);

struct httpd_route {
    const char *path; /* exact, e.g. "/health" */
    httpd_handler_fn *fn;
};

struct httpd_limits {
    size_t max_conns; /* 1..HTTPD_MAX_CONNS_LIMIT */
    int timeout_s;    /* 1..HTTPD_TIMEOUT_MAX_S */
};

/* Listens on `at` and serves `routes` (nroutes entries, kept: a static table) on base; each
 * handler gets `arg`. Returns NULL with the reason in err if the address cannot be bound. */
struct httpd *httpd_new(struct event_base *base, const struct addr *at,
                        const struct httpd_limits *lim, const struct httpd_route *routes,
                        size_t nroutes, void *arg, char *err, size_t errlen);

/* Stops listening and closes every connection; accepts NULL. */
void httpd_free(struct httpd *h);

/* Connections open now. */
size_t httpd_connections(const struct httpd *h);

/* Appends the server's own metric families (blip_http_*) in Prometheus text format. */
void httpd_metrics(const struct httpd *h, struct sbuf *out);

/* Appends {"error":"<msg>"} to body and returns status: for handlers refusing a request. */
int httpd_error(struct sbuf *body, int status, const char *msg);
#endif

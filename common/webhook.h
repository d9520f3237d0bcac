/* webhook.h - POSTing JSON to an http:// URL from the event loop (libevent's evhttp client),
 * never blocking it: host names are resolved asynchronously (evdns), each attempt has a
 * timeout, a failed attempt (no connection, timeout, a status outside 2xx) is retried after a
 * backoff that doubles from WEBHOOK_BACKOFF_MS, up to `retries` times. At most
 * WEBHOOK_INFLIGHT_MAX deliveries at once (waiting retries included): more are dropped and
 * counted. https is not supported: blip links no TLS library.
 * Shell code: owns connections, timers and a resolver through libevent. */
#ifndef BLIP_WEBHOOK_H
#define BLIP_WEBHOOK_H
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

struct event_base;
struct webhook;

#define WEBHOOK_INFLIGHT_MAX 32 /* deliveries at once */
#define WEBHOOK_BACKOFF_MS 250  /* first retry delay; doubles per retry */
#define WEBHOOK_BACKOFF_MAX_MS 10000
#define WEBHOOK_RETRIES_MAX 10    /* largest --webhook-retries */
#define WEBHOOK_TIMEOUT_MAX_S 300 /* largest --webhook-timeout */

struct webhook_counters {
    uint64_t ok;      /* deliveries answered 2xx */
    uint64_t failed;  /* deliveries that failed every attempt (or were cut short by a stop) */
    uint64_t dropped; /* deliveries refused: WEBHOOK_INFLIGHT_MAX already under way */
    uint64_t retries; /* attempts repeated */
};

/* Called whenever a delivery ends (for a caller waiting for quiet before it exits). */
typedef void webhook_idle_fn(void *arg);

/* Deliveries to url (copied) on base; `user_agent` (copied) names the sender. */
struct webhook *webhook_new(struct event_base *base, const struct addr_url *url,
                            const char *user_agent, int timeout_s, int retries,
                            webhook_idle_fn *on_end, void *arg);
/* Abandons what is under way (not counted) and frees; accepts NULL. */
void webhook_free(struct webhook *w);

/* Starts delivering body[0..len) (copied) as application/json. */
void webhook_post(struct webhook *w, const char *body, size_t len);

/* Gives up the deliveries waiting for a retry (counted as failed); attempts under way go on. */
void webhook_stop(struct webhook *w);

size_t webhook_inflight(const struct webhook *w);
const struct webhook_counters *webhook_counters(const struct webhook *w);
#endif

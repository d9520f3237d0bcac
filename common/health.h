/* health.h - the body and status of GET /health: 200 {"status":"ok",...} when the program can do
 * its work, 503 {"status":"unavailable","reason":"...",...} when not, with the first reason found
 * (stopping, then each Redis connection in order, then the subscription).
 * Pure: no I/O, no clock; the shell fills struct health. */
#ifndef BLIP_HEALTH_H
#define BLIP_HEALTH_H
#include <stddef.h>
#include <stdint.h>

#include "sbuf.h"

struct health_conn {
    const char *name; /* "subscriber", "publisher" */
    int up;           /* connected and ready */
};

struct health {
    const char *program, *version;
    double uptime_s;                 /* seconds since start */
    const struct health_conn *conns; /* nconns Redis connections, borrowed */
    size_t nconns;                   /* 0: no Redis (the generator's --stdout) */
    int subscribed;                  /* 1/0; -1 when the program subscribes to nothing */
    const char *channel;             /* what it subscribes to, when subscribed >= 0 */
    int stopping;                    /* shutting down */
    uint64_t points;                 /* points handled (scored, or made) */
    double last_point_age_s;         /* seconds since the last point; NAN before the first */
};

/* Appends the JSON body to out and returns 200 or 503:
 * {"status":"ok","program":"blip-detector","version":"0.1.0","uptime_s":12.5,
 *  "redis":{"subscriber":"up","publisher":"up"},"subscribed":true,"channel":"response_times",
 *  "points":1200,"last_point_age_s":0.1}; when unhealthy "status":"unavailable" and
 * "reason":"..." follows it. "subscribed"/"channel" are absent when subscribed is -1, "redis" is
 * {} without connections; an unknown age is null. */
int health_json(const struct health *h, struct sbuf *out);
#endif

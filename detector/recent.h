/* recent.h - the detector's most recent anomalies, in memory, for GET /anomalies.
 * A ring of RECENT_CAP fixed slots holding each anomaly message as published; the oldest is
 * overwritten. Reading it never waits on Redis (an XREVRANGE would queue behind the publishes in
 * flight and fail while Redis is away), costs no Redis round trip per request, and is bounded:
 * RECENT_CAP * CODEC_OUT_MAX bytes. The stream in Redis keeps the longer history.
 * Pure: no I/O, no clock; allocates only in recent_init(). */
#ifndef BLIP_RECENT_H
#define BLIP_RECENT_H
#include <stddef.h>
#include <stdint.h>

#include "codec.h"
#include "sbuf.h"

#define RECENT_CAP 1000          /* anomalies kept for /anomalies */
#define RECENT_LIMIT_DEFAULT 100 /* answered when ?limit= is absent */

struct recent_entry {
    char series[CODEC_SERIES_MAX + 1];
    int64_t ts; /* the point's ts, else when the detector received it (Unix ms) */
    size_t len;
    char json[CODEC_OUT_MAX]; /* the anomaly message, len bytes, not NUL-terminated */
};

struct recent {
    struct recent_entry *e; /* cap slots, owned */
    size_t cap;             /* >= 1 */
    size_t len;             /* slots used */
    size_t head;            /* slot the next push writes */
    uint64_t pushed;        /* anomalies ever pushed */
};

struct recent_query {
    const char *series; /* only this series; NULL for all */
    int64_t since;      /* only ts >= since (Unix ms); 0 for all */
    size_t limit;       /* at most this many, newest first; 1..cap */
};

void recent_init(struct recent *r, size_t cap); /* cap 0 is taken as 1 */
void recent_clear(struct recent *r);            /* frees; safe to call twice */

/* Keeps one anomaly message json[0..len) (longer than CODEC_OUT_MAX: cut, which the encoder
 * never produces). */
void recent_push(struct recent *r, const char *series, int64_t ts, const char *json, size_t len);

/* Appends {"count":N,"anomalies":[<message>,...]} with the matching anomalies, newest first. */
void recent_json(const struct recent *r, const struct recent_query *q, struct sbuf *out);
#endif

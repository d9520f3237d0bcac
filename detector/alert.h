/* alert.h - what an alert carries and how often one may go out.
 * An alert is raised for each new episode (or each reported anomaly with --alert-on anomaly);
 * its payload is the anomaly message with "event" and "episode" added, sent on the command's
 * stdin and to the webhook, and summarised in BLIP_* environment variables for the command.
 * The limiter lets at most `per_minute` alerts through in any 60 s: it keeps the times of the
 * last per_minute alerts sent and refuses one while the oldest of them is under 60 s old.
 * Pure: no I/O, no clock; allocates only in alert_limiter_init(). */
#ifndef BLIP_ALERT_H
#define BLIP_ALERT_H
#include <stddef.h>
#include <stdint.h>

#include "codec.h"

#define ALERT_RATE_MAX 10000                   /* largest --alert-rate, per minute */
#define ALERT_WINDOW_MS 60000                  /* the limiter's window */
#define ALERT_PAYLOAD_MAX (CODEC_OUT_MAX + 64) /* an alert payload fits in this many bytes */
#define ALERT_ENV_MAX 16                       /* variables alert_env_build sets */
#define ALERT_ENV_BYTES 1024                   /* their text */

enum alert_on { ALERT_ON_EPISODE, ALERT_ON_ANOMALY };

struct alert_limiter {
    uint64_t *sent_ms; /* times (ms) of the last `cap` alerts let through, oldest at head */
    size_t cap;        /* per_minute, 1..ALERT_RATE_MAX */
    size_t len, head;
};

void alert_limiter_init(struct alert_limiter *l, size_t per_minute);
void alert_limiter_clear(struct alert_limiter *l); /* frees; safe to call twice */
/* Returns 1 and records now_ms if an alert may go out now (now_ms never decreases), else 0. */
int alert_limiter_take(struct alert_limiter *l, uint64_t now_ms);

/* Writes the payload: the anomaly message json[0..len) (a JSON object) with
 * ,"event":"<event>","episode":<id> added before its closing brace, into out (at least
 * ALERT_PAYLOAD_MAX bytes), NUL-terminated. event is "open" or "anomaly". Returns the length,
 * or 0 if json is not an object. */
size_t alert_payload(const char *json, size_t len, const char *event, uint64_t episode, char *out);

struct alert_env {
    char buf[ALERT_ENV_BYTES];
    const char *vars[ALERT_ENV_MAX + 1]; /* "NAME=value" pointers into buf, NULL-terminated */
    size_t n;
};

/* Fills e with BLIP_EVENT, BLIP_SERIES, BLIP_SEVERITY, BLIP_SCORE, BLIP_VALUE, BLIP_MEAN,
 * BLIP_STD, BLIP_THRESHOLD, BLIP_DETECTOR, BLIP_TS, BLIP_SEQ (empty when the point had none)
 * and BLIP_EPISODE. */
void alert_env_build(struct alert_env *e, const struct anomaly *a, const char *event,
                     uint64_t episode);
#endif

/* alert.c - see alert.h. */
#include "alert.h"

#include <stdio.h>
#include <string.h>

#include "num.h"
#include "xalloc.h"

void alert_limiter_init(struct alert_limiter *l, size_t per_minute) {
    memset(l, 0, sizeof *l);
    l->cap = per_minute < 1 ? 1 : per_minute > ALERT_RATE_MAX ? ALERT_RATE_MAX : per_minute;
    l->sent_ms = xcalloc(l->cap, sizeof *l->sent_ms);
}

void alert_limiter_clear(struct alert_limiter *l) {
    xfree(l->sent_ms);
    memset(l, 0, sizeof *l);
}

int alert_limiter_take(struct alert_limiter *l, uint64_t now_ms) {
    if (l->len == l->cap) {
        if (now_ms - l->sent_ms[l->head] < ALERT_WINDOW_MS)
            return 0;
        l->sent_ms[l->head] = now_ms; /* the oldest leaves the window, this one takes its slot */
        l->head = (l->head + 1) % l->cap;
        return 1;
    }
    l->sent_ms[(l->head + l->len) % l->cap] = now_ms;
    l->len++;
    return 1;
}

size_t alert_payload(const char *json, size_t len, const char *event, uint64_t episode, char *out) {
    int w;
    while (len > 0 && (json[len - 1] == ' ' || json[len - 1] == '\n'))
        len--;
    if (len < 2 || json[0] != '{' || json[len - 1] != '}' || len > CODEC_OUT_MAX)
        return 0;
    memcpy(out, json, len - 1);
    w = snprintf(out + len - 1, ALERT_PAYLOAD_MAX - (len - 1),
                 "%s\"event\":\"%s\",\"episode\":%llu}", len > 2 ? "," : "", event,
                 (unsigned long long)episode);
    if (w < 0 || (size_t)w >= ALERT_PAYLOAD_MAX - (len - 1))
        return 0;
    return len - 1 + (size_t)w;
}

/* Adds NAME=value to e (silently dropped if the buffer is full: it is sized for every field). */
static void alert_env_add(struct alert_env *e, size_t *used, const char *name, const char *value) {
    int w;
    if (e->n >= ALERT_ENV_MAX)
        return;
    w = snprintf(e->buf + *used, sizeof e->buf - *used, "%s=%s", name, value);
    if (w < 0 || (size_t)w >= sizeof e->buf - *used)
        return;
    e->vars[e->n++] = e->buf + *used;
    e->vars[e->n] = NULL;
    *used += (size_t)w + 1;
}

void alert_env_build(struct alert_env *e, const struct anomaly *a, const char *event,
                     uint64_t episode) {
    char num[NUM_FMT_MAX];
    size_t used = 0;

    e->n = 0;
    e->vars[0] = NULL;
    alert_env_add(e, &used, "BLIP_EVENT", event);
    alert_env_add(e, &used, "BLIP_SERIES", a->pt.series);
    alert_env_add(e, &used, "BLIP_SEVERITY", codec_severity_name(a->severity));
    num_format_fixed(a->score, 4, num);
    alert_env_add(e, &used, "BLIP_SCORE", num);
    num_format_double(a->pt.value, num);
    alert_env_add(e, &used, "BLIP_VALUE", num);
    num_format_double(a->mean, num);
    alert_env_add(e, &used, "BLIP_MEAN", num);
    num_format_double(a->std, num);
    alert_env_add(e, &used, "BLIP_STD", num);
    num_format_double(a->threshold, num);
    alert_env_add(e, &used, "BLIP_THRESHOLD", num);
    alert_env_add(e, &used, "BLIP_DETECTOR", a->detector);
    num[0] = '\0';
    if (a->pt.has & CODEC_HAS_TS)
        num_format_i64(a->pt.ts, num);
    alert_env_add(e, &used, "BLIP_TS", num);
    num[0] = '\0';
    if (a->pt.has & CODEC_HAS_SEQ)
        num_format_i64(a->pt.seq, num);
    alert_env_add(e, &used, "BLIP_SEQ", num);
    snprintf(num, sizeof num, "%llu", (unsigned long long)episode);
    alert_env_add(e, &used, "BLIP_EPISODE", num);
}

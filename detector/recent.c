/* recent.c - see recent.h. */
#include "recent.h"

#include <stdio.h>
#include <string.h>

#include "xalloc.h"

void recent_init(struct recent *r, size_t cap) {
    memset(r, 0, sizeof *r);
    r->cap = cap ? cap : 1;
    r->e = xcalloc(r->cap, sizeof *r->e);
}

void recent_clear(struct recent *r) {
    xfree(r->e);
    memset(r, 0, sizeof *r);
}

void recent_push(struct recent *r, const char *series, int64_t ts, const char *json, size_t len) {
    struct recent_entry *e = &r->e[r->head];
    size_t slen = strnlen(series, CODEC_SERIES_MAX);
    memcpy(e->series, series, slen);
    e->series[slen] = '\0';
    e->ts = ts;
    e->len = len > CODEC_OUT_MAX ? CODEC_OUT_MAX : len;
    memcpy(e->json, json, e->len);
    r->head = (r->head + 1) % r->cap;
    if (r->len < r->cap)
        r->len++;
    r->pushed++;
}

/* The i-th newest entry if it matches q, else NULL. */
static const struct recent_entry *recent_match(const struct recent *r, const struct recent_query *q,
                                               size_t i) {
    const struct recent_entry *e = &r->e[(r->head + r->cap - 1 - i) % r->cap];
    if (q->series && strcmp(q->series, e->series) != 0)
        return NULL;
    return e->ts >= q->since ? e : NULL;
}

void recent_json(const struct recent *r, const struct recent_query *q, struct sbuf *out) {
    size_t count = 0, written = 0;

    for (size_t i = 0; i < r->len && count < q->limit; i++)
        count += recent_match(r, q, i) != NULL;
    sbuf_printf(out, "{\"count\":%zu,\"anomalies\":[", count);
    for (size_t i = 0; i < r->len && written < count; i++) {
        const struct recent_entry *e = recent_match(r, q, i);
        if (!e)
            continue;
        if (written++)
            sbuf_add(out, ",", 1);
        sbuf_add(out, e->json, e->len);
    }
    sbuf_puts(out, "]}");
}

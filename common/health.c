/* health.c - see health.h. */
#include "health.h"

#include <stdio.h>

/* The first reason the program cannot work, or NULL when it can. why holds a composed one. */
static const char *health_reason(const struct health *h, char *why, size_t cap) {
    if (h->stopping)
        return "stopping";
    for (size_t i = 0; i < h->nconns; i++) {
        if (!h->conns[i].up) {
            snprintf(why, cap, "redis %s not connected", h->conns[i].name);
            return why;
        }
    }
    if (h->subscribed == 0) {
        snprintf(why, cap, "not subscribed to \"%s\"", h->channel ? h->channel : "?");
        return why;
    }
    return NULL;
}

int health_json(const struct health *h, struct sbuf *out) {
    char why[320];
    const char *reason = health_reason(h, why, sizeof why);

    sbuf_printf(out, "{\"status\":\"%s\",", reason ? "unavailable" : "ok");
    if (reason) {
        sbuf_puts(out, "\"reason\":");
        sbuf_json_str(out, reason);
        sbuf_puts(out, ",");
    }
    sbuf_puts(out, "\"program\":");
    sbuf_json_str(out, h->program);
    sbuf_puts(out, ",\"version\":");
    sbuf_json_str(out, h->version);
    sbuf_printf(out, ",\"uptime_s\":%.3f,\"redis\":{", h->uptime_s);
    for (size_t i = 0; i < h->nconns; i++) {
        sbuf_printf(out, "%s", i ? "," : "");
        sbuf_json_str(out, h->conns[i].name);
        sbuf_printf(out, ":\"%s\"", h->conns[i].up ? "up" : "down");
    }
    sbuf_puts(out, "}");
    if (h->subscribed >= 0) {
        sbuf_printf(out, ",\"subscribed\":%s,\"channel\":", h->subscribed ? "true" : "false");
        sbuf_json_str(out, h->channel ? h->channel : "");
    }
    sbuf_printf(out, ",\"points\":%llu,\"last_point_age_s\":", (unsigned long long)h->points);
    if (h->last_point_age_s == h->last_point_age_s)
        sbuf_printf(out, "%.3f", h->last_point_age_s);
    else
        sbuf_puts(out, "null");
    sbuf_puts(out, "}");
    return reason ? 503 : 200;
}

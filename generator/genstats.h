/* genstats.h - the generator's figures in Prometheus text format, for GET /metrics.
 * Pure: renders a snapshot the shell fills; no I/O, no clock. */
#ifndef BLIP_GENSTATS_H
#define BLIP_GENSTATS_H
#include <stddef.h>
#include <stdint.h>

#include "sbuf.h"

struct genstats {
    const char *version;
    double uptime_s;
    uint64_t made;         /* points made */
    uint64_t published;    /* acknowledged by Redis (or written, with --stdout) */
    uint64_t dropped;      /* not sent: Redis down or too much in flight */
    uint64_t failed;       /* refused by Redis or lost with the connection */
    uint64_t no_receivers; /* acknowledged publishes no subscriber got */
    uint64_t reconnects;
    int connected;     /* 1/0; -1 without Redis (--stdout): Redis families left out */
    size_t pending;    /* commands in flight */
    uint64_t bad_rows; /* replay rows skipped */
    size_t series;     /* series simulated */
    int history;       /* --history is on */
    uint64_t history_added, history_failed, history_dropped;
};

/* Appends blip_build_info and every blip_generator_* family to out. */
void genstats_render(const struct genstats *g, struct sbuf *out);
#endif

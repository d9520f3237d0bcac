/* api.h - the parts of the detector's HTTP answers that compute: reading the /anomalies and
 * /series queries, writing the /series body, and reading a figure from CLIENT LIST's answer.
 * Pure: no I/O, no clock. */
#ifndef BLIP_API_H
#define BLIP_API_H
#include <stddef.h>
#include <stdint.h>

#include "query.h"
#include "recent.h"
#include "sbuf.h"
#include "series.h"

#define API_SERIES_LIMIT_DEFAULT 1000 /* series listed when ?limit= is absent */
#define API_SERIES_LIMIT_MAX 100000   /* largest ?limit= for /series */

struct api_series_query {
    const char *series; /* only this one; NULL for all */
    size_t limit;       /* at most this many, most recently seen first */
};

/* Reads /anomalies' query: series=NAME (a valid series name), since=MS (Unix ms, >= 0),
 * limit=N (1..RECENT_CAP, default RECENT_LIMIT_DEFAULT); any other parameter is refused.
 * q->series points into *qb (the caller's parsed query). Returns 0, or -1 with the reason. */
int api_anomalies_query(const char *qs, struct query *qb, struct recent_query *q, char *err,
                        size_t errlen);

/* Reads /series' query: series=NAME, limit=N (1..API_SERIES_LIMIT_MAX, default
 * API_SERIES_LIMIT_DEFAULT). Returns 0, or -1 with the reason. */
int api_series_query(const char *qs, struct query *qb, struct api_series_query *q, char *err,
                     size_t errlen);

/* Appends {"total":T,"returned":N,"series":[{"series":"web","algo":"sma","points":..,
 * "anomalies":..,"last":..,"mean":..,"std":..,"episodes":..,"episode_open":false},...]}, the
 * most recently seen first; mean and std are null during a series' warm-up. */
void api_series_json(const struct series_table *t, const struct api_series_query *q,
                     struct sbuf *out);

/* The integer after "<field>=" in one CLIENT LIST line (line[0..len)), or -1 when absent. */
int64_t api_client_field(const char *line, size_t len, const char *field);
#endif

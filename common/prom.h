/* prom.h - writing Prometheus's text exposition format (version 0.0.4): a metric family is a
 * "# HELP" and a "# TYPE" line followed by its samples, `name{label="value",...} number`.
 * Label values are escaped (backslash, double quote, newline); numbers are written exactly
 * (shortest text that reads back as the same double), NaN and infinities as Prometheus spells
 * them. Callers keep names valid ([a-zA-Z_:][a-zA-Z0-9_:]*) and each family's samples together.
 * Pure: appends to a caller's sbuf, no I/O. */
#ifndef BLIP_PROM_H
#define BLIP_PROM_H
#include <stddef.h>

#include "hist.h"
#include "sbuf.h"

#define PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

enum prom_type { PROM_COUNTER, PROM_GAUGE, PROM_HISTOGRAM };

struct prom_label {
    const char *key;   /* a label name */
    const char *value; /* any text; escaped on output */
};

/* "# HELP name help\n# TYPE name type\n" (help's backslashes and newlines escaped). */
void prom_family(struct sbuf *b, const char *name, enum prom_type type, const char *help);

/* One sample line: name, the labels in order (none when n is 0), the value. */
void prom_sample(struct sbuf *b, const char *name, const struct prom_label *labels, size_t n,
                 double value);

/* A family with a single unlabelled sample. */
void prom_counter(struct sbuf *b, const char *name, const char *help, double value);
void prom_gauge(struct sbuf *b, const char *name, const char *help, double value);

/* A whole histogram family from h, bounds and sum converted from ns to seconds: name_bucket
 * lines with cumulative counts and le="..." (then le="+Inf"), name_sum, name_count. */
void prom_histogram_ns(struct sbuf *b, const char *name, const char *help, const struct hist *h);
#endif

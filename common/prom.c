/* prom.c - see prom.h. */
#include "prom.h"

#include <math.h>

#include "num.h"

static const char *const prom_type_names[] = {"counter", "gauge", "histogram"};

/* Appends s with backslash and newline escaped, and also double quotes when `quotes`. */
static void prom_escaped(struct sbuf *b, const char *s, int quotes) {
    for (; *s; s++) {
        if (*s == '\\')
            sbuf_add(b, "\\\\", 2);
        else if (*s == '\n')
            sbuf_add(b, "\\n", 2);
        else if (*s == '"' && quotes)
            sbuf_add(b, "\\\"", 2);
        else
            sbuf_add(b, s, 1);
    }
}

static void prom_value(struct sbuf *b, double v) {
    char num[NUM_FMT_MAX];
    if (isnan(v))
        sbuf_puts(b, "NaN");
    else if (isinf(v))
        sbuf_puts(b, v > 0 ? "+Inf" : "-Inf");
    else
        sbuf_add(b, num, num_format_double(v, num));
}

void prom_family(struct sbuf *b, const char *name, enum prom_type type, const char *help) {
    sbuf_printf(b, "# HELP %s ", name);
    prom_escaped(b, help, 0);
    sbuf_printf(b, "\n# TYPE %s %s\n", name, prom_type_names[type]);
}

void prom_sample(struct sbuf *b, const char *name, const struct prom_label *labels, size_t n,
                 double value) {
    sbuf_puts(b, name);
    for (size_t i = 0; i < n; i++) {
        sbuf_printf(b, "%s%s=\"", i ? "," : "{", labels[i].key);
        prom_escaped(b, labels[i].value, 1);
        sbuf_add(b, "\"", 1);
    }
    if (n)
        sbuf_add(b, "}", 1);
    sbuf_add(b, " ", 1);
    prom_value(b, value);
    sbuf_add(b, "\n", 1);
}

void prom_counter(struct sbuf *b, const char *name, const char *help, double value) {
    prom_family(b, name, PROM_COUNTER, help);
    prom_sample(b, name, NULL, 0, value);
}

void prom_gauge(struct sbuf *b, const char *name, const char *help, double value) {
    prom_family(b, name, PROM_GAUGE, help);
    prom_sample(b, name, NULL, 0, value);
}

void prom_histogram_ns(struct sbuf *b, const char *name, const char *help, const struct hist *h) {
    uint64_t cum = 0;
    prom_family(b, name, PROM_HISTOGRAM, help);
    for (size_t i = 0; i <= h->nbounds; i++) {
        cum += h->counts[i];
        sbuf_printf(b, "%s_bucket{le=\"", name);
        if (i < h->nbounds)
            prom_value(b, (double)h->bounds_ns[i] / 1e9);
        else
            sbuf_puts(b, "+Inf");
        sbuf_printf(b, "\"} %llu\n", (unsigned long long)cum);
    }
    sbuf_printf(b, "%s_sum ", name);
    prom_value(b, (double)h->sum_ns / 1e9);
    sbuf_printf(b, "\n%s_count %llu\n", name, (unsigned long long)h->count);
}

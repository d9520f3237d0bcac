/* offline.c - see offline.h. Lines are cut out of a large read buffer and output rows are
 * assembled in a large write buffer, so a row costs a split, a number parse and a score. */
#include "offline.h"

#include <errno.h>
#include <string.h>

#include "clock.h"
#include "csv.h"
#include "log.h"
#include "num.h"
#include "xalloc.h"

#define OFFLINE_HEADER "timestamp,value,score,anomaly,severity\n"

struct offline {
    struct detect *d;
    FILE *out;
    char *obuf;
    size_t olen;
    int wrote_header;
    int first_line;
    uint64_t line_no;
    struct offline_counters *c;
    struct log_ratelimit rl;
    char scratch[CSV_LINE_MAX];
    int failed; /* a write failed */
};

static void offline_flush(struct offline *o) {
    if (o->olen && fwrite(o->obuf, 1, o->olen, o->out) != o->olen)
        o->failed = 1;
    o->olen = 0;
}

static void offline_put(struct offline *o, const char *s, size_t n) {
    if (o->olen + n > OFFLINE_IOBUF)
        offline_flush(o);
    if (n > OFFLINE_IOBUF) { /* cannot happen: fields are bounded by CSV_LINE_MAX */
        o->failed = 1;
        return;
    }
    memcpy(o->obuf + o->olen, s, n);
    o->olen += n;
}

/* Writes a field, quoted when it holds a comma, a quote or a line break. */
static void offline_put_field(struct offline *o, const char *s, size_t n) {
    if (!memchr(s, ',', n) && !memchr(s, '"', n) && !memchr(s, '\n', n) && !memchr(s, '\r', n)) {
        offline_put(o, s, n);
        return;
    }
    offline_put(o, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            offline_put(o, "\"", 1);
        offline_put(o, &s[i], 1);
    }
    offline_put(o, "\"", 1);
}

static void offline_bad(struct offline *o, const char *why) {
    uint64_t suppressed = 0;
    o->c->bad_rows++;
    if (log_ratelimit_allow(&o->rl, clock_mono_ms(), &suppressed))
        log_warn("input line %llu: %s%s", (unsigned long long)o->line_no, why,
                 suppressed ? " (similar messages suppressed)" : "");
}

static void offline_row(struct offline *o, const char *line, size_t len) {
    struct csv_field f[CSV_FIELDS_MAX];
    struct point p;
    struct detect_result r;
    char err[96], num[NUM_FMT_MAX];
    int n = csv_split(line, len, f, CSV_FIELDS_MAX, o->scratch, err, sizeof err);
    int first = o->first_line;
    enum num_err ne = NUM_ESYNTAX;

    o->first_line = 0;
    if (n >= 2)
        ne = num_parse_double(f[1].s, f[1].len, NUM_LENIENT, &p.value);
    if (first && n >= 2 && ne == NUM_ESYNTAX)
        return; /* a header */
    o->c->rows++;
    if (n < 2 || ne != NUM_OK) {
        if (n < 0)
            offline_bad(o, err);
        else if (n < 2)
            offline_bad(o, "expected timestamp,value");
        else
            offline_bad(o, ne == NUM_ERANGE ? "value is not a finite number"
                                            : "value is not a number");
        if (n >= 1)
            offline_put_field(o, f[0].s, f[0].len);
        offline_put(o, ",", 1);
        if (n >= 2)
            offline_put_field(o, f[1].s, f[1].len);
        offline_put(o, ",,0,\n", 5);
        return;
    }
    memcpy(p.series, CODEC_DEFAULT_SERIES, sizeof CODEC_DEFAULT_SERIES);
    p.has = csv_parse_time(f[0].s, f[0].len, &p.ts) == 0 ? CODEC_HAS_TS : 0;
    p.phase[0] = p.unit[0] = '\0';
    p.value_key = CODEC_KEY_VALUE;
    detect_push(o->d, &p, &r, NULL);
    offline_put_field(o, f[0].s, f[0].len);
    offline_put(o, ",", 1);
    offline_put_field(o, f[1].s, f[1].len);
    offline_put(o, ",", 1);
    if (r.v.ready)
        offline_put(o, num, num_format_fixed(r.v.score, 4, num));
    if (r.ep.flagged) {
        const char *sev = codec_severity_name(r.v.severity);
        o->c->anomalies++;
        offline_put(o, ",1,", 3);
        offline_put(o, sev, strlen(sev));
        offline_put(o, "\n", 1);
    } else {
        offline_put(o, ",0,\n", 4);
    }
}

static void offline_line(struct offline *o, const char *line, size_t len) {
    o->line_no++;
    if (len && line[len - 1] == '\r')
        len--;
    if (len == 0)
        return;
    if (len > CSV_LINE_MAX) {
        o->first_line = 0;
        o->c->rows++;
        offline_bad(o, "line too long");
        offline_put(o, ",,,0,\n", 6);
        return;
    }
    offline_row(o, line, len);
}

int offline_run(struct detect *d, FILE *in, FILE *out, struct offline_counters *c, char *err,
                size_t errlen) {
    struct offline *o = xcalloc(1, sizeof *o);
    char *ibuf = xmalloc(OFFLINE_IOBUF + CSV_LINE_MAX + 2);
    size_t have = 0, got;
    int skipping = 0; /* inside an over-long line */
    int rc = 0;

    memset(c, 0, sizeof *c);
    o->d = d;
    o->out = out;
    o->c = c;
    o->obuf = xmalloc(OFFLINE_IOBUF);
    o->first_line = 1;
    offline_put(o, OFFLINE_HEADER, sizeof OFFLINE_HEADER - 1);
    while ((got = fread(ibuf + have, 1, OFFLINE_IOBUF + CSV_LINE_MAX + 1 - have, in)) > 0 ||
           have > 0) {
        size_t end = have + got, start = 0;
        char *nl;
        while ((nl = memchr(ibuf + start, '\n', end - start)) != NULL) {
            size_t len = (size_t)(nl - (ibuf + start));
            if (skipping)
                skipping = 0;
            else
                offline_line(o, ibuf + start, len);
            start += len + 1;
        }
        have = end - start;
        memmove(ibuf, ibuf + start, have);
        if (got == 0) { /* end of input: the last line has no newline */
            if (have && !skipping)
                offline_line(o, ibuf, have);
            break;
        }
        if (have > CSV_LINE_MAX) { /* an over-long line: report it once, drop it to its end */
            if (!skipping)
                offline_line(o, ibuf, have);
            skipping = 1;
            have = 0;
        }
    }
    if (ferror(in)) {
        snprintf(err, errlen, "read error: %s", strerror(errno));
        rc = -1;
    }
    offline_flush(o);
    if (o->failed || fflush(out) != 0) {
        snprintf(err, errlen, "write error: %s", strerror(errno));
        rc = -1;
    }
    xfree(o->obuf);
    xfree(o);
    xfree(ibuf);
    return rc;
}

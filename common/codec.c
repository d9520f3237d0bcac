/* codec.c - see codec.h.
 * The decoder walks the object once: each key is matched by length and bytes against the known
 * fields, and each known value is parsed in place; anything else is skipped by codec_skip(). */
#include "codec.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "num.h"

#define CODEC_TS_MAX 253402300799999LL /* 9999-12-31T23:59:59.999Z in ms */
#define CODEC_SEQ_ABS_MAX 9007199254740992.0 /* 2^53: larger integers are not exact in JSON */

struct codec_parser {
    const char *p, *end;
    char *err;
    size_t errlen;
};

/* A string value as it sits in the input: raw bytes between the quotes, escapes not decoded. */
struct codec_str {
    const char *s;
    size_t len;
    int escaped; /* 1 if it contains a backslash */
};

static const char *const codec_err_names[CODEC_ERR_COUNT] = {
    "ok", "size", "syntax", "type", "range", "missing", "series"};
static const char *const codec_sev_names[SEV_COUNT] = {"none", "low", "medium", "high"};

const char *codec_err_name(enum codec_err e) {
    return (unsigned)e < CODEC_ERR_COUNT ? codec_err_names[e] : "unknown";
}

const char *codec_severity_name(enum severity s) {
    return (unsigned)s < SEV_COUNT ? codec_sev_names[s] : "none";
}

int codec_severity_parse(const char *s, size_t len, enum severity *out) {
    for (int i = 0; i < SEV_COUNT; i++) {
        if (strlen(codec_sev_names[i]) == len && memcmp(codec_sev_names[i], s, len) == 0) {
            *out = (enum severity)i;
            return 0;
        }
    }
    return -1;
}

/* [A-Za-z0-9_.:/@-]: a letter (either case), '-' '.' '/' '0'..'9' ':' (one run from '-' to
 * ':'), '_' or '@'. */
static int codec_series_char(unsigned char c) {
    return (unsigned)((c | 0x20) - 'a') < 26u || (unsigned)(c - '-') <= (unsigned)(':' - '-') ||
           c == '_' || c == '@';
}

int codec_series_valid(const char *s, size_t len) {
    if (len == 0 || len > CODEC_SERIES_MAX)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!codec_series_char((unsigned char)s[i]))
            return 0;
    return 1;
}

static enum codec_err codec_fail(struct codec_parser *ps, enum codec_err e, const char *why) {
    if (ps->errlen)
        snprintf(ps->err, ps->errlen, "%s", why);
    return e;
}

static void codec_ws_skip(struct codec_parser *ps) {
    while (ps->p < ps->end &&
           (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

/* Skips whitespace; inline for the usual case, compact JSON, where there is none. */
static inline void codec_ws(struct codec_parser *ps) {
    if (ps->p >= ps->end || (unsigned char)*ps->p <= ' ')
        codec_ws_skip(ps);
}

/* If c comes next, after any whitespace, skips it and returns 1; else returns 0. */
static inline int codec_accept(struct codec_parser *ps, char c) {
    if (ps->p >= ps->end || *ps->p != c) {
        codec_ws(ps);
        if (ps->p >= ps->end || *ps->p != c)
            return 0;
    }
    ps->p++;
    return 1;
}

/* Scans a JSON string starting at the opening quote. Validates escapes and rejects raw control
 * characters; leaves ps->p after the closing quote. */
static enum codec_err codec_string(struct codec_parser *ps, struct codec_str *out) {
    const char *q = ps->p + 1;
    out->escaped = 0;
    for (;;) {
        const char *stop = q;
        while (stop < ps->end && *stop != '"' && *stop != '\\' && (unsigned char)*stop >= 0x20)
            stop++;
        if (stop >= ps->end)
            return codec_fail(ps, CODEC_ESYNTAX, "unterminated string");
        if (*stop == '"') {
            out->s = ps->p + 1;
            out->len = (size_t)(stop - out->s);
            ps->p = stop + 1;
            return CODEC_OK;
        }
        if ((unsigned char)*stop < 0x20)
            return codec_fail(ps, CODEC_ESYNTAX, "control character in string");
        out->escaped = 1;
        if (stop + 1 >= ps->end)
            return codec_fail(ps, CODEC_ESYNTAX, "unterminated string");
        switch (stop[1]) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
            q = stop + 2;
            break;
        case 'u':
            if (stop + 6 > ps->end)
                return codec_fail(ps, CODEC_ESYNTAX, "bad \\u escape");
            for (int i = 2; i < 6; i++) {
                char h = stop[i];
                if (!((h >= '0' && h <= '9') || ((h | 0x20) >= 'a' && (h | 0x20) <= 'f')))
                    return codec_fail(ps, CODEC_ESYNTAX, "bad \\u escape");
            }
            q = stop + 6;
            break;
        default:
            return codec_fail(ps, CODEC_ESYNTAX, "bad escape in string");
        }
    }
}

/* Copies a string value into out (cap bytes with the NUL), decoding the simple escapes. Bytes
 * outside printable ASCII (and \u escapes) become '?'; longer values are truncated. */
static void codec_copy_text(const struct codec_str *v, char *out, size_t cap) {
    size_t n = 0;
    for (size_t i = 0; i < v->len && n + 1 < cap; i++) {
        unsigned char c = (unsigned char)v->s[i];
        if (c == '\\') {
            char e = v->s[++i];
            c = e == 'u' ? '?' : (unsigned char)e;
            if (e == 'u')
                i += 4;
            else if (e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't')
                c = '?';
        }
        out[n++] = (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? (char)c : '?';
    }
    out[n] = '\0';
}

/* Scans a number token (JSON grammar) and parses it. NaN and Infinity, which Python's json module
 * writes, are reported as range errors rather than syntax errors: that is what they are. */
static int codec_number_char(char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

static enum codec_err codec_number(struct codec_parser *ps, double *out) {
    const char *start = ps->p, *q = ps->p;
    double v;
    size_t n = num_parse_json_prefix(start, (size_t)(ps->end - start), &v);

    /* the common form, unless the token goes on (an exponent, more digits) */
    if (n && (start + n == ps->end || !codec_number_char(start[n]))) {
        *out = v;
        ps->p = start + n;
        return CODEC_OK;
    }
    while (q < ps->end && codec_number_char(*q))
        q++;
    if (q == start) {
        size_t left = (size_t)(ps->end - start);
        if ((left >= 3 && memcmp(start, "NaN", 3) == 0) ||
            (left >= 8 && memcmp(start, "Infinity", 8) == 0) ||
            (left >= 9 && memcmp(start, "-Infinity", 9) == 0))
            return codec_fail(ps, CODEC_ERANGE, "number is not finite");
        return codec_fail(ps, CODEC_ESYNTAX, "expected a value");
    }
    if (q - start == 1 && *start == '-' && (size_t)(ps->end - q) >= 8 &&
        memcmp(q, "Infinity", 8) == 0)
        return codec_fail(ps, CODEC_ERANGE, "number is not finite");
    switch (num_parse_double(start, (size_t)(q - start), NUM_JSON, out)) {
    case NUM_OK:
        ps->p = q;
        return CODEC_OK;
    case NUM_ERANGE:
        return codec_fail(ps, CODEC_ERANGE, "number out of range");
    case NUM_ESYNTAX:
        break;
    }
    return codec_fail(ps, CODEC_ESYNTAX, "malformed number");
}

static int codec_literal(struct codec_parser *ps, const char *word, size_t len) {
    if ((size_t)(ps->end - ps->p) >= len && memcmp(ps->p, word, len) == 0) {
        ps->p += len;
        return 1;
    }
    return 0;
}

/* Skips any JSON value; depth counts the enclosing containers. */
static enum codec_err codec_skip(struct codec_parser *ps, int depth) {
    struct codec_str s;
    double d;
    enum codec_err e;
    char close;

    codec_ws(ps);
    if (ps->p >= ps->end)
        return codec_fail(ps, CODEC_ESYNTAX, "expected a value");
    switch (*ps->p) {
    case '"':
        return codec_string(ps, &s);
    case 't':
        return codec_literal(ps, "true", 4) ? CODEC_OK
                                            : codec_fail(ps, CODEC_ESYNTAX, "bad literal");
    case 'f':
        return codec_literal(ps, "false", 5) ? CODEC_OK
                                             : codec_fail(ps, CODEC_ESYNTAX, "bad literal");
    case 'n':
        return codec_literal(ps, "null", 4) ? CODEC_OK
                                            : codec_fail(ps, CODEC_ESYNTAX, "bad literal");
    case '{':
    case '[':
        break;
    default:
        return codec_number(ps, &d);
    }
    if (depth >= CODEC_DEPTH_MAX)
        return codec_fail(ps, CODEC_ESYNTAX, "nesting too deep");
    close = *ps->p == '{' ? '}' : ']';
    ps->p++;
    codec_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        return CODEC_OK;
    }
    for (;;) {
        if (close == '}') {
            codec_ws(ps);
            if (ps->p >= ps->end || *ps->p != '"')
                return codec_fail(ps, CODEC_ESYNTAX, "expected a key");
            if ((e = codec_string(ps, &s)) != CODEC_OK)
                return e;
            codec_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':')
                return codec_fail(ps, CODEC_ESYNTAX, "expected ':'");
            ps->p++;
        }
        if ((e = codec_skip(ps, depth + 1)) != CODEC_OK)
            return e;
        codec_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            return CODEC_OK;
        }
        return codec_fail(ps, CODEC_ESYNTAX, "expected ',' or a closing bracket");
    }
}

enum codec_field {
    F_UNKNOWN, F_SERIES, F_SEQ, F_TS, F_VALUE, F_RESPONSE_TIME, F_PHASE, F_LABEL, F_UNIT,
    F_TIMESTAMP, F_ANOMALY, F_DETECTOR, F_SCORE, F_MEAN, F_STD, F_THRESHOLD, F_SEVERITY
};

static const struct {
    const char *name;
    size_t len;
    enum codec_field f;
} codec_fields[] = {
    /* in the order the generator writes them (see codec_key) */
    {"series", 6, F_SERIES},       {"seq", 3, F_SEQ},
    {"ts", 2, F_TS},               {"response_time", 13, F_RESPONSE_TIME},
    {"value", 5, F_VALUE},         {"phase", 5, F_PHASE},
    {"label", 5, F_LABEL},         {"unit", 4, F_UNIT},
    {"timestamp", 9, F_TIMESTAMP}, {"anomaly", 7, F_ANOMALY},
    {"detector", 8, F_DETECTOR},   {"score", 5, F_SCORE},
    {"mean", 4, F_MEAN},           {"std", 3, F_STD},
    {"threshold", 9, F_THRESHOLD}, {"severity", 8, F_SEVERITY},
};

#define CODEC_NFIELDS (sizeof codec_fields / sizeof codec_fields[0])

/* Reads the key at ps->p (its opening quote) and tells which field it names, *hint being where
 * to look first. Known names are matched against the raw bytes, starting after the previous key's
 * name since messages tend to list them in one order; a key matching none is scanned as a string
 * and names no field (an escaped key never does). Returns CODEC_OK or the string's error. */
static enum codec_err codec_key(struct codec_parser *ps, size_t *hint, int want_anomaly,
                                enum codec_field *f) {
    size_t avail = (size_t)(ps->end - ps->p) - 1;
    struct codec_str key;

    for (size_t i = 0, j = *hint; i < CODEC_NFIELDS; i++, j = j + 1 == CODEC_NFIELDS ? 0 : j + 1) {
        size_t len = codec_fields[j].len;
        if (len < avail && ps->p[1 + len] == '"' &&
            memcmp(ps->p + 1, codec_fields[j].name, len) == 0) {
            ps->p += len + 2;
            *hint = j + 1 == CODEC_NFIELDS ? 0 : j + 1;
            *f = !want_anomaly && codec_fields[j].f >= F_ANOMALY ? F_UNKNOWN : codec_fields[j].f;
            return CODEC_OK;
        }
    }
    *f = F_UNKNOWN;
    return codec_string(ps, &key);
}

/* What the decoder has seen so far beyond struct point. */
struct codec_seen {
    int value;         /* a value field was seen */
    int seq;           /* seq seen (timestamp then does not override it) */
    int64_t timestamp; /* the original format's integer timestamp, if has_timestamp */
    int has_timestamp;
};

/* A known field holds a value of the wrong kind. If that value is not even well-formed JSON
 * (a message cut short: {"series":), the message is a syntax error, not a type error. */
static enum codec_err codec_wrong_type(struct codec_parser *ps, const char *field,
                                       const char *kind) {
    struct codec_parser probe = *ps;
    char why[64];
    if (codec_skip(&probe, 1) == CODEC_ESYNTAX)
        return CODEC_ESYNTAX; /* the reason is codec_skip's */
    snprintf(why, sizeof why, "%s must be %s", field, kind);
    return codec_fail(ps, CODEC_ETYPE, why);
}

static enum codec_err codec_want_string(struct codec_parser *ps, struct codec_str *s,
                                        const char *field) {
    if (ps->p < ps->end && *ps->p == '"')
        return codec_string(ps, s);
    return codec_wrong_type(ps, field, "a string");
}

static enum codec_err codec_want_number(struct codec_parser *ps, double *d, const char *field) {
    char c = ps->p < ps->end ? *ps->p : '\0';
    if ((c >= '0' && c <= '9') || c == '-')
        return codec_number(ps, d);
    if (c == '"' || c == '{' || c == '[' || c == 't' || c == 'f' || c == 'n')
        return codec_wrong_type(ps, field, "a number");
    return codec_number(ps, d);
}

static enum codec_err codec_integral(struct codec_parser *ps, double d, const char *field,
                                     double lo, double hi, int64_t *out) {
    char why[80];
    if (!(d >= lo && d <= hi) || d != (double)(int64_t)d) { /* range first: the cast needs it */
        snprintf(why, sizeof why, "%s must be an integer in range", field);
        return codec_fail(ps, CODEC_ERANGE, why);
    }
    *out = (int64_t)d;
    return CODEC_OK;
}

/* The usual series value, a string of name characters only, read in one pass into out; returns
 * 0, or -1 (nothing consumed) for anything else, which the general path then judges. */
static int codec_series_fast(struct codec_parser *ps, char *out) {
    const char *q, *stop;
    size_t len;

    if (ps->p >= ps->end || *ps->p != '"')
        return -1;
    for (q = stop = ps->p + 1; stop < ps->end && codec_series_char((unsigned char)*stop); stop++)
        ;
    len = (size_t)(stop - q);
    if (stop >= ps->end || *stop != '"' || len == 0 || len > CODEC_SERIES_MAX)
        return -1;
    memcpy(out, q, len);
    out[len] = '\0';
    ps->p = stop + 1;
    return 0;
}

/* The usual text value, printable ASCII without escapes, copied as codec_copy_text() would
 * (truncated to cap - 1 bytes) while it is scanned; returns 0, or -1 for anything else, which the
 * general path then reads again from the start. */
static int codec_text_fast(struct codec_parser *ps, char *out, size_t cap) {
    const char *q;
    size_t n;

    if (ps->p >= ps->end || *ps->p != '"')
        return -1;
    for (q = ps->p + 1; q < ps->end && (unsigned char)*q - 0x20u < 0x5fu; q++) /* ' '..'~' */
        if (*q == '"' || *q == '\\')
            break;
    if (q >= ps->end || *q != '"')
        return -1;
    n = (size_t)(q - (ps->p + 1));
    if (n > cap - 1)
        n = cap - 1;
    memcpy(out, ps->p + 1, n);
    out[n] = '\0';
    ps->p = q + 1;
    return 0;
}

static enum codec_err codec_point_field(struct codec_parser *ps, enum codec_field f,
                                        struct point *p, struct codec_seen *seen) {
    struct codec_str s;
    double d;
    enum codec_err e;

    switch (f) {
    case F_SERIES:
        if (codec_series_fast(ps, p->series) == 0)
            return CODEC_OK;
        if ((e = codec_want_string(ps, &s, "series")) != CODEC_OK)
            return e;
        if (s.escaped || !codec_series_valid(s.s, s.len))
            return codec_fail(ps, CODEC_ESERIES,
                              "series must be 1-64 characters of A-Z a-z 0-9 _ - . : / @");
        memcpy(p->series, s.s, s.len);
        p->series[s.len] = '\0';
        return CODEC_OK;
    case F_VALUE:
    case F_RESPONSE_TIME:
        if ((e = codec_want_number(ps, &p->value, f == F_VALUE ? "value" : "response_time")))
            return e;
        p->value_key = f == F_VALUE ? CODEC_KEY_VALUE : CODEC_KEY_RESPONSE_TIME;
        seen->value = 1;
        return CODEC_OK;
    case F_SEQ:
        if ((e = codec_want_number(ps, &d, "seq")) != CODEC_OK ||
            (e = codec_integral(ps, d, "seq", -CODEC_SEQ_ABS_MAX, CODEC_SEQ_ABS_MAX, &p->seq)))
            return e;
        p->has |= CODEC_HAS_SEQ;
        seen->seq = 1;
        return CODEC_OK;
    case F_TS:
        if ((e = codec_want_number(ps, &d, "ts")) != CODEC_OK)
            return e;
        if (d < 0 || d > (double)CODEC_TS_MAX)
            return codec_fail(ps, CODEC_ERANGE, "ts must be Unix milliseconds");
        p->ts = (int64_t)d;
        p->has |= CODEC_HAS_TS;
        return CODEC_OK;
    case F_TIMESTAMP:
        /* the original's counter; other forms of timestamp are informational and skipped */
        if (ps->p < ps->end && (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))) {
            if ((e = codec_number(ps, &d)) != CODEC_OK)
                return e;
            if (d >= 0 && d <= CODEC_SEQ_ABS_MAX && d == (double)(int64_t)d) {
                seen->timestamp = (int64_t)d;
                seen->has_timestamp = 1;
            }
            return CODEC_OK;
        }
        return codec_skip(ps, 1);
    case F_LABEL:
        if (codec_literal(ps, "true", 4)) {
            p->label = 1;
        } else if (codec_literal(ps, "false", 5)) {
            p->label = 0;
        } else {
            if ((e = codec_want_number(ps, &d, "label")) != CODEC_OK)
                return e;
            if (d != 0 && d != 1)
                return codec_fail(ps, CODEC_ERANGE, "label must be 0 or 1");
            p->label = (int)d;
        }
        p->has |= CODEC_HAS_LABEL;
        return CODEC_OK;
    case F_PHASE:
    case F_UNIT:
        if (ps->p < ps->end && *ps->p == 'n' && codec_literal(ps, "null", 4))
            return CODEC_OK;
        if (codec_text_fast(ps, f == F_PHASE ? p->phase : p->unit,
                            f == F_PHASE ? sizeof p->phase : sizeof p->unit) == 0)
            return CODEC_OK;
        if ((e = codec_want_string(ps, &s, f == F_PHASE ? "phase" : "unit")) != CODEC_OK)
            return e;
        if (f == F_PHASE)
            codec_copy_text(&s, p->phase, sizeof p->phase);
        else
            codec_copy_text(&s, p->unit, sizeof p->unit);
        return CODEC_OK;
    default:
        return codec_skip(ps, 1);
    }
}

static enum codec_err codec_anomaly_field(struct codec_parser *ps, enum codec_field f,
                                          struct anomaly *a) {
    static const char *const names[] = {[F_SCORE] = "score", [F_MEAN] = "mean", [F_STD] = "std",
                                        [F_THRESHOLD] = "threshold"};
    struct codec_str s;
    double *target = f == F_SCORE ? &a->score
                     : f == F_MEAN ? &a->mean
                     : f == F_STD  ? &a->std
                                   : &a->threshold;
    enum codec_err e;

    switch (f) {
    case F_ANOMALY:
        return codec_skip(ps, 1);
    case F_DETECTOR:
        if ((e = codec_want_string(ps, &s, "detector")) != CODEC_OK)
            return e;
        codec_copy_text(&s, a->detector, sizeof a->detector);
        return CODEC_OK;
    case F_SEVERITY:
        if ((e = codec_want_string(ps, &s, "severity")) != CODEC_OK)
            return e;
        if (codec_severity_parse(s.s, s.len, &a->severity) != 0)
            return codec_fail(ps, CODEC_ERANGE, "severity must be low, medium or high");
        return CODEC_OK;
    default:
        return codec_want_number(ps, target, names[f]);
    }
}

static enum codec_err codec_decode(const char *buf, size_t len, struct point *p,
                                   struct anomaly *a, char *err, size_t errlen) {
    struct codec_parser ps = {buf, buf + len, err, errlen};
    struct codec_seen seen = {0, 0, 0, 0};
    size_t hint = 0;
    enum codec_err e;

    if (len == 0 || len > CODEC_MSG_MAX_BYTES)
        return codec_fail(&ps, CODEC_ESIZE, len ? "message too large" : "empty message");
    memcpy(p->series, CODEC_DEFAULT_SERIES, sizeof CODEC_DEFAULT_SERIES);
    p->value = 0;
    p->seq = p->ts = 0;
    p->label = 0;
    p->has = 0;
    p->phase[0] = p->unit[0] = '\0';
    p->value_key = CODEC_KEY_RESPONSE_TIME;
    codec_ws(&ps);
    if (ps.p >= ps.end || *ps.p != '{')
        return codec_fail(&ps, CODEC_ESYNTAX, "expected a JSON object");
    ps.p++;
    codec_ws(&ps);
    if (ps.p < ps.end && *ps.p == '}') {
        ps.p++;
    } else {
        for (;;) {
            enum codec_field f;
            codec_ws(&ps);
            if (ps.p >= ps.end || *ps.p != '"')
                return codec_fail(&ps, CODEC_ESYNTAX, "expected a key");
            if ((e = codec_key(&ps, &hint, a != NULL, &f)) != CODEC_OK)
                return e;
            if (!codec_accept(&ps, ':'))
                return codec_fail(&ps, CODEC_ESYNTAX, "expected ':'");
            codec_ws(&ps);
            e = f >= F_ANOMALY ? codec_anomaly_field(&ps, f, a)
                               : codec_point_field(&ps, f, p, &seen);
            if (e != CODEC_OK)
                return e;
            if (codec_accept(&ps, ','))
                continue;
            if (codec_accept(&ps, '}'))
                break;
            return codec_fail(&ps, CODEC_ESYNTAX, "expected ',' or '}'");
        }
    }
    codec_ws(&ps);
    if (ps.p != ps.end)
        return codec_fail(&ps, CODEC_ESYNTAX, "text after the JSON object");
    if (!seen.value)
        return codec_fail(&ps, CODEC_EMISSING, "no response_time or value");
    if (!seen.seq && seen.has_timestamp) {
        p->seq = seen.timestamp;
        p->has |= CODEC_HAS_SEQ;
    }
    return CODEC_OK;
}

enum codec_err codec_decode_point(const char *buf, size_t len, struct point *p, char *err,
                                  size_t errlen) {
    return codec_decode(buf, len, p, NULL, err, errlen);
}

enum codec_err codec_decode_anomaly(const char *buf, size_t len, struct anomaly *a, char *err,
                                    size_t errlen) {
    a->detector[0] = '\0';
    a->score = a->mean = a->std = a->threshold = 0;
    a->severity = SEV_NONE;
    return codec_decode(buf, len, &a->pt, a, err, errlen);
}

/* Appending into a CODEC_OUT_MAX buffer. Inputs are bounded (names by their maxima, numbers by
 * NUM_FMT_MAX), so the sum always fits; the checks only guard against a future field. */
struct codec_out {
    char *buf;
    size_t len;
};

static void codec_put(struct codec_out *o, const char *s, size_t n) {
    if (o->len + n < CODEC_OUT_MAX) {
        memcpy(o->buf + o->len, s, n);
        o->len += n;
    }
}

#define codec_put_lit(o, lit) codec_put((o), (lit), sizeof(lit) - 1)

static void codec_put_text(struct codec_out *o, const char *s) {
    codec_put(o, "\"", 1);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            codec_put(o, "\\", 1);
        codec_put(o, s, 1);
    }
    codec_put(o, "\"", 1);
}

static void codec_put_i64(struct codec_out *o, int64_t v) {
    char tmp[NUM_FMT_MAX];
    codec_put(o, tmp, num_format_i64(v, tmp));
}

static void codec_put_double(struct codec_out *o, double v) {
    char tmp[NUM_FMT_MAX];
    codec_put(o, tmp, num_format_double(v, tmp));
}

/* Ten significant digits: enough for a baseline, shorter than the round-trip form. */
static void codec_put_g10(struct codec_out *o, double v) {
    char tmp[NUM_FMT_MAX];
    codec_put(o, tmp, num_format_g10(isfinite(v) ? v : 0.0, tmp));
}

static void codec_put_point(struct codec_out *o, const struct point *p) {
    codec_put_lit(o, "{\"series\":");
    codec_put_text(o, p->series);
    if (p->has & CODEC_HAS_SEQ) {
        codec_put_lit(o, ",\"seq\":");
        codec_put_i64(o, p->seq);
    }
    if (p->has & CODEC_HAS_TS) {
        codec_put_lit(o, ",\"ts\":");
        codec_put_i64(o, p->ts);
    }
    if (p->value_key == CODEC_KEY_VALUE)
        codec_put_lit(o, ",\"value\":");
    else
        codec_put_lit(o, ",\"response_time\":");
    codec_put_double(o, p->value);
    if (p->unit[0]) {
        codec_put_lit(o, ",\"unit\":");
        codec_put_text(o, p->unit);
    }
    if (p->phase[0]) {
        codec_put_lit(o, ",\"phase\":");
        codec_put_text(o, p->phase);
    }
    if (p->has & CODEC_HAS_LABEL) {
        codec_put_lit(o, ",\"label\":");
        codec_put(o, p->label ? "1" : "0", 1);
    }
}

size_t codec_encode_point(const struct point *p, char *out) {
    struct codec_out o = {out, 0};
    codec_put_point(&o, p);
    codec_put_lit(&o, "}");
    out[o.len] = '\0';
    return o.len;
}

size_t codec_encode_anomaly(const struct anomaly *a, char *out) {
    struct codec_out o = {out, 0};
    char tmp[NUM_FMT_MAX];

    codec_put_point(&o, &a->pt);
    codec_put_lit(&o, ",\"anomaly\":true,\"detector\":");
    codec_put_text(&o, a->detector);
    codec_put_lit(&o, ",\"score\":");
    codec_put(&o, tmp, num_format_fixed(a->score, 4, tmp));
    codec_put_lit(&o, ",\"mean\":");
    codec_put_g10(&o, a->mean);
    codec_put_lit(&o, ",\"std\":");
    codec_put_g10(&o, a->std);
    codec_put_lit(&o, ",\"threshold\":");
    codec_put_double(&o, a->threshold);
    codec_put_lit(&o, ",\"severity\":");
    codec_put_text(&o, codec_severity_name(a->severity));
    codec_put_lit(&o, "}");
    out[o.len] = '\0';
    return o.len;
}

/* codec.h - the wire protocol: JSON points and anomalies (DESIGN.md, "Wire protocol").
 * Decoding is a single pass over the bytes with no allocation: the detector decodes every point it
 * receives, so this is its hot path. Unknown fields are skipped (nested values included, up to
 * CODEC_DEPTH_MAX); duplicate keys: the last one wins.
 * Pure: no I/O, no allocation, no clock. */
#ifndef BLIP_CODEC_H
#define BLIP_CODEC_H
#include <stddef.h>
#include <stdint.h>

#define CODEC_MSG_MAX_BYTES 65536 /* larger messages are refused unread (CODEC_ESIZE) */
#define CODEC_OUT_MAX 1024        /* every encoded point or anomaly fits in this many bytes */
#define CODEC_SERIES_MAX 64       /* longest series name, bytes */
#define CODEC_PHASE_MAX 32        /* longer phase names are truncated */
#define CODEC_UNIT_MAX 16         /* longer unit names are truncated */
#define CODEC_DETECTOR_MAX 16     /* longer detector names are truncated */
#define CODEC_DEPTH_MAX 32        /* deepest nesting skipped inside unknown fields */
#define CODEC_DEFAULT_SERIES "default"

enum severity { SEV_NONE = 0, SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_COUNT };

enum codec_err {
    CODEC_OK = 0,
    CODEC_ESIZE,    /* empty, or longer than CODEC_MSG_MAX_BYTES */
    CODEC_ESYNTAX,  /* not a JSON object, bad JSON, nesting too deep */
    CODEC_ETYPE,    /* a known field has the wrong type */
    CODEC_ERANGE,   /* a number is NaN/Inf/out of range for its field */
    CODEC_EMISSING, /* no response_time or value */
    CODEC_ESERIES,  /* series name empty, too long or with characters outside [A-Za-z0-9_.:/@-] */
    CODEC_ERR_COUNT
};

enum codec_value_key { CODEC_KEY_RESPONSE_TIME = 0, CODEC_KEY_VALUE };

#define CODEC_HAS_SEQ 0x01u
#define CODEC_HAS_TS 0x02u
#define CODEC_HAS_LABEL 0x04u

struct point {
    char series[CODEC_SERIES_MAX + 1]; /* NUL-terminated; CODEC_DEFAULT_SERIES when absent */
    double value;                      /* finite; ms for response times */
    int64_t seq;                       /* per-series sequence number, when CODEC_HAS_SEQ */
    int64_t ts;                        /* Unix time in ms, when CODEC_HAS_TS */
    int label;                         /* 0 or 1, when CODEC_HAS_LABEL */
    unsigned has;                      /* CODEC_HAS_* bits */
    char phase[CODEC_PHASE_MAX + 1];   /* "" when absent */
    char unit[CODEC_UNIT_MAX + 1];     /* "" when absent */
    enum codec_value_key value_key;    /* which name the value came under; encoders reuse it */
};

/* The point's fields plus the detector's verdict. */
struct anomaly {
    struct point pt;
    char detector[CODEC_DETECTOR_MAX + 1]; /* algorithm name, e.g. "sma" */
    double score;     /* signed score (z-score for sma/ema) */
    double mean, std; /* the baseline the point was scored against */
    double threshold; /* |score| at or above which a point is flagged */
    enum severity severity;
};

/* Decodes one point from buf[0..len) (need not be NUL-terminated). Returns CODEC_OK, or the cause
 * with a one-line reason in err (p then undefined). */
enum codec_err codec_decode_point(const char *buf, size_t len, struct point *p, char *err,
                                  size_t errlen);

/* Decodes an anomaly message: the point fields plus anomaly, detector, score, mean, std,
 * threshold and severity (each optional; absent numbers are 0, absent severity SEV_NONE). */
enum codec_err codec_decode_anomaly(const char *buf, size_t len, struct anomaly *a, char *err,
                                    size_t errlen);

/* Encodes p into out (at least CODEC_OUT_MAX bytes), NUL-terminated. Returns the length. */
size_t codec_encode_point(const struct point *p, char *out);

/* Encodes a as the anomaly message into out (at least CODEC_OUT_MAX bytes). Returns the length. */
size_t codec_encode_anomaly(const struct anomaly *a, char *out);

/* 1 if s[0..len) is a valid series name (see CODEC_ESERIES), else 0. */
int codec_series_valid(const char *s, size_t len);

const char *codec_err_name(enum codec_err e);      /* "syntax", "type", ... */
const char *codec_severity_name(enum severity s);  /* "none", "low", "medium", "high" */
/* Parses "low"/"medium"/"high"/"none". Returns 0, or -1. */
int codec_severity_parse(const char *s, size_t len, enum severity *out);
#endif

/* fuzz_codec.c - libFuzzer harness for the wire codec (codec.h).
 * Every input is decoded as a point and as an anomaly. Properties checked beyond "no crash, no
 * sanitizer report": a refusal names a cause and a reason; a decoded message holds only what the
 * header promises (finite value, valid series name, bounded texts); whatever decodes re-encodes
 * into a message that decodes to the same fields (the anomaly encoder rounds score, mean and std
 * on purpose, so those must be stable from the second round on); and what the codec accepts,
 * cJSON (a second, independent parser) reads as an object with the same value under the same
 * key. cJSON decodes escapes in keys and refuses lone UTF-16 surrogates where the codec does
 * neither, so inputs with a backslash skip that comparison. */
#include <cJSON.h>
#include <math.h>
#include <string.h>

#include "codec.h"
#include "fuzz.h"

#define FUZZ_ERR_MAX 128
#define FUZZ_TS_MAX 253402300799999LL   /* codec.c's largest ts */
#define FUZZ_SEQ_ABS_MAX 9007199254740992LL /* 2^53 */
#define FUZZ_CJSON_NUMBER_MAX 63 /* longest number text cJSON 1.7 parses in full */

/* A text field copied by the decoder: printable ASCII without quote or backslash. */
static int fuzz_clean_text(const char *s, size_t max) {
    size_t n = strlen(s);
    if (n > max)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f || s[i] == '"' ||
            s[i] == '\\')
            return 0;
    return 1;
}

static void fuzz_point_valid(const struct point *p) {
    FUZZ_CHECK(isfinite(p->value), "value %g", p->value);
    FUZZ_CHECK(codec_series_valid(p->series, strlen(p->series)), "series \"%s\"", p->series);
    FUZZ_CHECK(fuzz_clean_text(p->phase, CODEC_PHASE_MAX), "phase \"%s\"", p->phase);
    FUZZ_CHECK(fuzz_clean_text(p->unit, CODEC_UNIT_MAX), "unit \"%s\"", p->unit);
    FUZZ_CHECK((p->has & ~(CODEC_HAS_SEQ | CODEC_HAS_TS | CODEC_HAS_LABEL)) == 0, "has %#x",
               p->has);
    FUZZ_CHECK(!(p->has & CODEC_HAS_TS) || (p->ts >= 0 && p->ts <= FUZZ_TS_MAX), "ts %lld",
               (long long)p->ts);
    FUZZ_CHECK(!(p->has & CODEC_HAS_SEQ) || (p->seq >= -FUZZ_SEQ_ABS_MAX &&
                                             p->seq <= FUZZ_SEQ_ABS_MAX),
               "seq %lld", (long long)p->seq);
    FUZZ_CHECK(p->label == 0 || p->label == 1, "label %d", p->label);
    FUZZ_CHECK(p->value_key == CODEC_KEY_RESPONSE_TIME || p->value_key == CODEC_KEY_VALUE,
               "value_key %d", (int)p->value_key);
}

/* The fields the encoder writes, compared exactly (the value bit for bit, sign of zero too). */
static void fuzz_same_point(const struct point *a, const struct point *b, const char *wire) {
    FUZZ_CHECK(strcmp(a->series, b->series) == 0, "series %s vs %s in %s", a->series, b->series,
               wire);
    FUZZ_CHECK(memcmp(&a->value, &b->value, sizeof a->value) == 0, "value %.17g vs %.17g in %s",
               a->value, b->value, wire);
    FUZZ_CHECK(a->has == b->has, "has %#x vs %#x in %s", a->has, b->has, wire);
    FUZZ_CHECK(!(a->has & CODEC_HAS_SEQ) || a->seq == b->seq, "seq in %s", wire);
    FUZZ_CHECK(!(a->has & CODEC_HAS_TS) || a->ts == b->ts, "ts in %s", wire);
    FUZZ_CHECK(!(a->has & CODEC_HAS_LABEL) || a->label == b->label, "label in %s", wire);
    FUZZ_CHECK(strcmp(a->phase, b->phase) == 0, "phase \"%s\" vs \"%s\"", a->phase, b->phase);
    FUZZ_CHECK(strcmp(a->unit, b->unit) == 0, "unit \"%s\" vs \"%s\"", a->unit, b->unit);
    FUZZ_CHECK(a->value_key == b->value_key, "value_key in %s", wire);
}

static void fuzz_refusal(enum codec_err e, const char *err) {
    FUZZ_CHECK(e > CODEC_OK && e < CODEC_ERR_COUNT, "cause %d", (int)e);
    FUZZ_CHECK(strcmp(codec_err_name(e), "unknown") != 0, "cause %d has no name", (int)e);
    FUZZ_CHECK(err[0] != '\0' && strlen(err) < FUZZ_ERR_MAX, "reason \"%s\"", err);
}

/* 1 if buf holds a number text longer than cJSON reads correctly: it copies at most 63
 * characters of a number before calling strtod. */
static int fuzz_long_number(const char *buf, size_t len) {
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        run = strchr("0123456789.eE+-", buf[i]) && buf[i] ? run + 1 : 0;
        if (run >= FUZZ_CJSON_NUMBER_MAX)
            return 1;
    }
    return 0;
}

/* The codec's reading of buf agrees with cJSON's: an object whose last "value" or
 * "response_time" member (the one the codec keeps) is the same number. */
static void fuzz_oracle(const char *buf, size_t len, const struct point *p) {
    const cJSON *item, *last = NULL;
    cJSON *o;

    if (memchr(buf, '\\', len))
        return;
    o = cJSON_ParseWithLength(buf, len);
    FUZZ_CHECK(o && cJSON_IsObject(o), "the codec accepts what cJSON refuses: %.*s",
               (int)(len > 300 ? 300 : len), buf);
    cJSON_ArrayForEach(item, o) {
        if (strcmp(item->string, "value") == 0 || strcmp(item->string, "response_time") == 0)
            last = item;
    }
    FUZZ_CHECK(last && cJSON_IsNumber(last), "cJSON finds no numeric value: %.*s",
               (int)(len > 300 ? 300 : len), buf);
    FUZZ_CHECK(fuzz_long_number(buf, len) ||
                   memcmp(&last->valuedouble, &p->value, sizeof p->value) == 0,
               "value %.17g, cJSON reads %.17g", p->value, last->valuedouble);
    FUZZ_CHECK((p->value_key == CODEC_KEY_VALUE) == (strcmp(last->string, "value") == 0),
               "value read under another key");
    cJSON_Delete(o);
}

static void fuzz_point(const char *buf, size_t len) {
    struct point p, q;
    char err[FUZZ_ERR_MAX] = "", wire[CODEC_OUT_MAX];
    enum codec_err e = codec_decode_point(buf, len, &p, err, sizeof err);
    size_t n;

    if (e != CODEC_OK) {
        fuzz_refusal(e, err);
        return;
    }
    fuzz_point_valid(&p);
    fuzz_oracle(buf, len, &p);
    n = codec_encode_point(&p, wire);
    FUZZ_CHECK(n > 0 && n < CODEC_OUT_MAX && strlen(wire) == n, "encoded length %zu", n);
    e = codec_decode_point(wire, n, &q, err, sizeof err);
    FUZZ_CHECK(e == CODEC_OK, "re-encoded point refused (%s: %s): %s", codec_err_name(e), err,
               wire);
    fuzz_same_point(&p, &q, wire);
}

/* score is written with 4 decimals (or in full from 1e9 up), mean and std with 10 digits. */
static int fuzz_close(double a, double b, double abs_tol, double rel_tol) {
    return fabs(a - b) <= abs_tol || fabs(a - b) <= rel_tol * fabs(a);
}

static void fuzz_anomaly_round(const struct anomaly *a, struct anomaly *out, char *wire) {
    char err[FUZZ_ERR_MAX] = "";
    size_t n = codec_encode_anomaly(a, wire);
    enum codec_err e;

    FUZZ_CHECK(n > 0 && n < CODEC_OUT_MAX && strlen(wire) == n, "encoded length %zu", n);
    e = codec_decode_anomaly(wire, n, out, err, sizeof err);
    FUZZ_CHECK(e == CODEC_OK, "re-encoded anomaly refused (%s: %s): %s", codec_err_name(e), err,
               wire);
    fuzz_same_point(&a->pt, &out->pt, wire);
    FUZZ_CHECK(strcmp(a->detector, out->detector) == 0, "detector in %s", wire);
    FUZZ_CHECK(a->severity == out->severity, "severity in %s", wire);
    FUZZ_CHECK(memcmp(&a->threshold, &out->threshold, sizeof a->threshold) == 0,
               "threshold %.17g vs %.17g", a->threshold, out->threshold);
}

static void fuzz_anomaly(const char *buf, size_t len) {
    struct anomaly a, b, c;
    char err[FUZZ_ERR_MAX] = "", wire1[CODEC_OUT_MAX], wire2[CODEC_OUT_MAX];
    enum codec_err e = codec_decode_anomaly(buf, len, &a, err, sizeof err);

    if (e != CODEC_OK) {
        fuzz_refusal(e, err);
        return;
    }
    fuzz_point_valid(&a.pt);
    FUZZ_CHECK(fuzz_clean_text(a.detector, CODEC_DETECTOR_MAX), "detector \"%s\"", a.detector);
    FUZZ_CHECK(isfinite(a.score) && isfinite(a.mean) && isfinite(a.std) && isfinite(a.threshold),
               "non-finite anomaly number");
    FUZZ_CHECK((unsigned)a.severity < SEV_COUNT, "severity %d", (int)a.severity);
    fuzz_anomaly_round(&a, &b, wire1);
    FUZZ_CHECK(fuzz_close(a.score, b.score, 0.5e-4 * (1 + 1e-9), 1e-15), "score %.17g vs %.17g",
               a.score, b.score);
    FUZZ_CHECK(fuzz_close(a.mean, b.mean, 0, 1e-9) && fuzz_close(a.std, b.std, 0, 1e-9),
               "mean/std drifted in %s", wire1);
    /* from the second round on the text is a fixed point */
    fuzz_anomaly_round(&b, &c, wire2);
    FUZZ_CHECK(strcmp(wire1, wire2) == 0, "encoding not stable:\n%s\n%s", wire1, wire2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *buf = (const char *)data;
    enum severity sev;

    fuzz_point(buf, size);
    fuzz_anomaly(buf, size);
    (void)codec_series_valid(buf, size);
    if (codec_severity_parse(buf, size, &sev) == 0)
        FUZZ_CHECK((unsigned)sev < SEV_COUNT, "severity %d", (int)sev);
    return 0;
}

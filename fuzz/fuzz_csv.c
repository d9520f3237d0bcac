/* fuzz_csv.c - libFuzzer harness for the CSV reader (csv.h) and offline mode (offline.h).
 * The first two bytes pick the algorithm and a short window, so small inputs get past the
 * warm-up and every scorer sees hostile values; the rest is the CSV text. Each line goes through
 * csv_split and csv_parse_time; then the whole text goes through offline_run (fmemopen in,
 * open_memstream out). Properties: fields lie inside the line or the scratch buffer; offline
 * writes a header and exactly one five-field row per data row, in CSV that csv_split reads back,
 * with anomaly 0 or 1 and as many 1s as it counted. */
#include <string.h>

#include "csv.h"
#include "detect.h"
#include "fuzz.h"
#include "log.h"
#include "offline.h"
#include "xalloc.h"

#define FUZZ_WINDOW_SPAN 30 /* windows 2..31: short enough for small inputs to get verdicts */
#define FUZZ_ERR_MAX 128
#define FUZZ_OUT_FIELDS 5   /* timestamp,value,score,anomaly,severity */
#define FUZZ_TIME_MIN_MS (-62167219200000LL) /* 0000-01-01T00:00:00Z, the earliest date */
#define FUZZ_TIME_MAX_MS 10000000000000000LL /* csv.c's largest bare number */

static int fuzz_inside(const char *p, size_t n, const char *base, size_t cap) {
    return p >= base && p + n <= base + cap;
}

/* Splits one line and reads every field as a time; returns the field count or -1. */
static int fuzz_split(const char *line, size_t len, struct csv_field *f, char *scratch) {
    char err[FUZZ_ERR_MAX] = "";
    int n = csv_split(line, len, f, CSV_FIELDS_MAX, scratch, err, sizeof err);
    int64_t ms;

    if (n < 0) {
        FUZZ_CHECK(err[0] != '\0', "refusal without a reason");
        return -1;
    }
    FUZZ_CHECK(n >= 1 && n <= CSV_FIELDS_MAX, "%d fields", n);
    for (int i = 0; i < n; i++) {
        FUZZ_CHECK(fuzz_inside(f[i].s, f[i].len, line, len) ||
                       fuzz_inside(f[i].s, f[i].len, scratch, len),
                   "field %d outside the line and the scratch", i);
        if (csv_parse_time(f[i].s, f[i].len, &ms) == 0)
            FUZZ_CHECK(ms >= FUZZ_TIME_MIN_MS && ms <= FUZZ_TIME_MAX_MS, "time %lld",
                       (long long)ms);
    }
    return n;
}

static void fuzz_lines(const char *text, size_t size) {
    struct csv_field f[CSV_FIELDS_MAX];
    char *scratch = xmalloc(size + 1);
    size_t start = 0;

    while (start <= size) {
        const char *nl = memchr(text + start, '\n', size - start);
        size_t len = nl ? (size_t)(nl - (text + start)) : size - start;
        fuzz_split(text + start, len, f, scratch);
        start += len + 1;
    }
    xfree(scratch);
}

/* Checks offline_run's output against its counters. */
static void fuzz_check_output(const char *out, size_t len, const struct offline_counters *c) {
    struct csv_field f[CSV_FIELDS_MAX];
    char *scratch = xmalloc(len + 1);
    uint64_t rows = 0, flagged = 0;
    size_t start = 0;

    FUZZ_CHECK(c->bad_rows <= c->rows && c->anomalies <= c->rows - c->bad_rows,
               "rows=%llu bad=%llu anomalies=%llu", (unsigned long long)c->rows,
               (unsigned long long)c->bad_rows, (unsigned long long)c->anomalies);
    FUZZ_CHECK(len > 0 && out[len - 1] == '\n', "output does not end with a line end");
    while (start < len) {
        const char *nl = memchr(out + start, '\n', len - start);
        size_t n = (size_t)(nl - (out + start));
        int nf = fuzz_split(out + start, n, f, scratch);
        FUZZ_CHECK(nf == FUZZ_OUT_FIELDS, "output row %llu has %d fields: %.*s",
                   (unsigned long long)rows, nf, (int)(n > 200 ? 200 : n), out + start);
        if (rows > 0) {
            FUZZ_CHECK(f[3].len == 1 && (f[3].s[0] == '0' || f[3].s[0] == '1'), "anomaly column");
            flagged += f[3].s[0] == '1';
        }
        rows++;
        start += n + 1;
    }
    FUZZ_CHECK(rows == c->rows + 1, "%llu output lines for %llu rows", (unsigned long long)rows,
               (unsigned long long)c->rows);
    FUZZ_CHECK(flagged == c->anomalies, "%llu rows flagged, %llu counted",
               (unsigned long long)flagged, (unsigned long long)c->anomalies);
    xfree(scratch);
}

static void fuzz_offline(unsigned algo, size_t window, const char *text, size_t size) {
    struct detect d;
    struct detect_conf conf;
    struct offline_counters c;
    char err[FUZZ_ERR_MAX];
    char *out = NULL;
    size_t outlen = 0;
    FILE *in, *o;

    detect_conf_default(&conf, (enum score_algo)algo);
    conf.score.window = window;
    conf.score.warmup = window;
    if (detect_init(&d, &conf, 4, err, sizeof err) != 0) {
        detect_conf_default(&conf, (enum score_algo)algo);
        FUZZ_CHECK(detect_init(&d, &conf, 4, err, sizeof err) == 0, "defaults refused: %s", err);
    }
    /* fmemopen refuses an empty buffer; an empty file is read from /dev/null instead */
    in = size ? fmemopen((void *)text, size, "r") : fopen("/dev/null", "r");
    o = open_memstream(&out, &outlen);
    FUZZ_CHECK(in && o, "cannot open memory streams");
    FUZZ_CHECK(offline_run(&d, in, o, &c, err, sizeof err) == 0, "offline_run failed: %s", err);
    fclose(in);
    fclose(o);
    fuzz_check_output(out, outlen, &c);
    free(out);
    detect_clear(&d);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    log_init("fuzz_csv", LOG_ERROR); /* offline mode warns about every bad row */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *text = (const char *)data + 2;

    if (size < 2)
        return 0;
    size -= 2;
    fuzz_lines(text, size);
    fuzz_offline(data[0] % SCORE_ALGO_COUNT, 2 + data[1] % FUZZ_WINDOW_SPAN, text, size);
    return 0;
}

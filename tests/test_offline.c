/* test_offline.c - offline.h on in-memory streams: exact output text, headers, warm-up rows, bad
 * rows, quoting, line ends, over-long lines, row counts and I/O errors. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "log.h"
#include "offline.h"

#define OFFLINE_TEST_ERR_MAX 128
#define OFFLINE_TEST_HEADER "timestamp,value,score,anomaly,severity\n"
#define OFFLINE_TEST_ROWS 5000

/* One offline run over `len` bytes of input: its output, counters and result. */
struct orun {
    char *out; /* malloc'd by open_memstream */
    size_t outlen;
    struct offline_counters c;
    int rc;
    char err[OFFLINE_TEST_ERR_MAX];
};

/* sma, window and warm-up 3, threshold 2; report is EPISODE_REPORT_POINTS or _EPISODES. */
static void orun_exec(struct orun *o, const char *in, size_t len, enum episode_report report) {
    struct detect_conf conf;
    struct detect d;
    FILE *fin, *fout;

    detect_conf_default(&conf, SCORE_SMA);
    episode_params_default(&conf.episode);
    conf.episode.report = report;
    conf.score.window = conf.score.warmup = 3;
    conf.score.threshold = 2.0;
    assert_int_equal(detect_init(&d, &conf, 10, o->err, sizeof o->err), 0);
    fin = fmemopen((void *)in, len, "r");
    assert_non_null(fin);
    fout = open_memstream(&o->out, &o->outlen);
    assert_non_null(fout);
    strcpy(o->err, "");
    o->rc = offline_run(&d, fin, fout, &o->c, o->err, sizeof o->err);
    assert_int_equal(fclose(fout), 0);
    assert_int_equal(fclose(fin), 0);
    detect_clear(&d);
}

static void orun_text(struct orun *o, const char *in) {
    orun_exec(o, in, strlen(in), EPISODE_REPORT_POINTS);
}

static void orun_check(struct orun *o, const char *want, uint64_t rows, uint64_t bad,
                       uint64_t anomalies) {
    assert_int_equal(o->rc, 0);
    assert_string_equal(o->out, want);
    assert_int_equal(o->outlen, strlen(want));
    assert_int_equal(o->c.rows, rows);
    assert_int_equal(o->c.bad_rows, bad);
    assert_int_equal(o->c.anomalies, anomalies);
    free(o->out);
}

/* 1, 2, 3 warm up; 4 is z = 2/sqrt(2/3) = 2.4495 (low); 2 is z -1.2247 against 2, 3, 4; 10 is
 * z 8.5732 against 3, 4, 2 (high). */
static const char offline_want[] = OFFLINE_TEST_HEADER "1,1,,0,\n"
                                                       "2,2,,0,\n"
                                                       "3,3,,0,\n"
                                                       "4,4,2.4495,1,low\n"
                                                       "5,2,-1.2247,0,\n"
                                                       "6,10,8.5732,1,high\n";

static void test_exact_output_with_header(void **state) {
    struct orun o;
    (void)state;
    orun_text(&o, "timestamp,value\n1,1\n2,2\n3,3\n4,4\n5,2\n6,10\n");
    orun_check(&o, offline_want, 6, 0, 2);
}

static void test_exact_output_without_header(void **state) {
    struct orun o;
    (void)state;
    orun_text(&o, "1,1\n2,2\n3,3\n4,4\n5,2\n6,10\n");
    orun_check(&o, offline_want, 6, 0, 2);
}

/* Fields are echoed as read (trimmed, unquoted), extra columns ignored. */
static void test_fields_echoed(void **state) {
    struct orun o;
    (void)state;
    orun_text(&o, "time,value,label\n 2014-04-01 00:05:00 , 1.50 ,0\n\"t\",\"2\",1\n");
    orun_check(&o, OFFLINE_TEST_HEADER "2014-04-01 00:05:00,1.50,,0,\nt,2,,0,\n", 2, 0, 0);
}

/* A bad row gets its row (empty score, anomaly 0), is counted, and does not enter the baseline:
 * 8 is scored against 1, 2, 3. */
static void test_bad_rows(void **state) {
    struct orun o;
    (void)state;
    orun_text(&o, "1,1\n2,2\n3,3\n4,abc\n5,NaN\n6\n\"7,1\n8,4\n9,1e999\n10,\n");
    orun_check(&o,
               OFFLINE_TEST_HEADER "1,1,,0,\n2,2,,0,\n3,3,,0,\n4,abc,,0,\n5,NaN,,0,\n6,,,0,\n"
                                   ",,,0,\n8,4,2.4495,1,low\n9,1e999,,0,\n10,,,0,\n",
               10, 6, 1);
}

/* Only the first line can be a header, and only when its value is not a number at all. */
static void test_header_only_first(void **state) {
    struct orun o;
    (void)state;
    orun_text(&o, "timestamp,value\ntimestamp,value\n1,1\n");
    orun_check(&o, OFFLINE_TEST_HEADER "timestamp,value,,0,\n1,1,,0,\n", 2, 1, 0);
    orun_text(&o, "t,NaN\n1,1\n");
    orun_check(&o, OFFLINE_TEST_HEADER "t,NaN,,0,\n1,1,,0,\n", 2, 1, 0);
    orun_text(&o, "\n\r\ntimestamp,value\n1,1\n"); /* blank lines before the header */
    orun_check(&o, OFFLINE_TEST_HEADER "1,1,,0,\n", 1, 0, 0);
}

static void test_quoting(void **state) {
    struct orun o;
    (void)state;
    orun_text(&o, "\"Apr 1, 2014\",1\n\"say \"\"hi\"\"\",2\n\"x\",\"3\"\n\"a\rb\",4\n");
    orun_check(&o,
               OFFLINE_TEST_HEADER "\"Apr 1, 2014\",1,,0,\n\"say \"\"hi\"\"\",2,,0,\nx,3,,0,\n"
                                   "\"a\rb\",4,2.4495,1,low\n",
               4, 0, 1);
}

static void test_crlf_and_last_line(void **state) {
    static const char want4[] = OFFLINE_TEST_HEADER "1,1,,0,\n2,2,,0,\n3,3,,0,\n"
                                                    "4,4,2.4495,1,low\n";
    struct orun o;
    (void)state;
    orun_text(&o, "timestamp,value\r\n1,1\r\n2,2\r\n3,3\r\n4,4\r\n");
    orun_check(&o, want4, 4, 0, 1);
    orun_text(&o, "1,1\n2,2\n3,3\n4,4"); /* no newline at the end */
    orun_check(&o, want4, 4, 0, 1);
    orun_text(&o, "1,1\r\n2,2\n\n3,3\r\n\r\n4,4\r"); /* mixed, blank lines skipped */
    orun_check(&o, want4, 4, 0, 1);
}

/* Only the header line when there are no rows. */
static void test_no_rows(void **state) {
    struct orun o;
    (void)state;
    orun_text(&o, "\n");
    orun_check(&o, OFFLINE_TEST_HEADER, 0, 0, 0);
    orun_text(&o, "timestamp,value\n");
    orun_check(&o, OFFLINE_TEST_HEADER, 0, 0, 0);
}

/* "1,1\n", a line of `long_len` bytes, then the rest. */
static char *offline_long_input(size_t long_len, const char *rest, size_t *len) {
    size_t restlen = strlen(rest);
    char *in = malloc(4 + long_len + 1 + restlen + 1);
    assert_non_null(in);
    memcpy(in, "1,1\n", 4);
    memset(in + 4, 'x', long_len);
    memcpy(in + 4 + long_len - 2, ",5", 2);
    in[4 + long_len] = '\n';
    memcpy(in + 5 + long_len, rest, restlen + 1);
    *len = 5 + long_len + restlen;
    return in;
}

/* A line longer than CSV_LINE_MAX is one bad row with empty fields, whatever its length. */
static void test_long_lines(void **state) {
    static const size_t lengths[] = {CSV_LINE_MAX + 1, 70000, OFFLINE_IOBUF + 5000,
                                     3 * OFFLINE_IOBUF};
    static const char want[] = OFFLINE_TEST_HEADER "1,1,,0,\n,,,0,\n2,2,,0,\n3,3,,0,\n";
    (void)state;
    for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
        struct orun o;
        size_t len;
        char *in = offline_long_input(lengths[i], "2,2\n3,3\n", &len);
        orun_exec(&o, in, len, EPISODE_REPORT_POINTS);
        orun_check(&o, want, 4, 1, 0);
        free(in);
    }
    /* exactly CSV_LINE_MAX is read */
    {
        struct orun o;
        size_t len;
        char *in = offline_long_input(CSV_LINE_MAX, "2,2\n", &len);
        orun_exec(&o, in, len, EPISODE_REPORT_POINTS);
        assert_int_equal(o.c.rows, 3);
        assert_int_equal(o.c.bad_rows, 0);
        free(o.out);
        free(in);
    }
    /* an over-long last line without a newline */
    {
        struct orun o;
        size_t len;
        char *in = offline_long_input(80000, "", &len);
        orun_exec(&o, in, len - 1, EPISODE_REPORT_POINTS);
        orun_check(&o, OFFLINE_TEST_HEADER "1,1,,0,\n,,,0,\n", 2, 1, 0);
        free(in);
    }
}

/* Thousands of rows, every seventh bad: one output row per input row, in order. */
static void test_row_count_in_equals_out(void **state) {
    char *in = malloc(OFFLINE_TEST_ROWS * 32), *line;
    size_t n = 0, out_lines = 0;
    uint64_t bad = 0;
    struct orun o;
    (void)state;
    assert_non_null(in);
    n += (size_t)sprintf(in + n, "timestamp,value\n");
    for (int i = 0; i < OFFLINE_TEST_ROWS; i++) {
        if (i % 7 == 3) {
            n += (size_t)sprintf(in + n, "%d,oops\n", i);
            bad++;
        } else {
            n += (size_t)sprintf(in + n, "%d,%d.%d\n", i, 200 + i % 5, i % 10);
        }
    }
    orun_exec(&o, in, n, EPISODE_REPORT_POINTS);
    assert_int_equal(o.rc, 0);
    assert_int_equal(o.c.rows, OFFLINE_TEST_ROWS);
    assert_int_equal(o.c.bad_rows, bad);
    line = o.out;
    for (char *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
        if (out_lines > 0) { /* each row starts with its input timestamp */
            char ts[24];
            snprintf(ts, sizeof ts, "%zu,", out_lines - 1);
            assert_memory_equal(line, ts, strlen(ts));
        }
        out_lines++;
    }
    assert_int_equal(out_lines, 1 + OFFLINE_TEST_ROWS);
    assert_int_equal(*line, '\0');
    free(o.out);
    free(in);
}

/* anomaly is 1 exactly where the live detector publishes: in episode mode only the point that
 * opens an episode or raises its severity. */
static void test_episode_mode(void **state) {
    static const char in[] = "1,1\n2,2\n3,3\n4,4\n5,5\n6,100\n";
    struct orun o;
    (void)state;
    orun_exec(&o, in, strlen(in), EPISODE_REPORT_EPISODES);
    orun_check(&o,
               OFFLINE_TEST_HEADER "1,1,,0,\n2,2,,0,\n3,3,,0,\n4,4,2.4495,1,low\n"
                                   "5,5,2.4495,0,\n6,100,117.5755,1,high\n",
               6, 0, 2);
    orun_exec(&o, in, strlen(in), EPISODE_REPORT_POINTS);
    orun_check(&o,
               OFFLINE_TEST_HEADER "1,1,,0,\n2,2,,0,\n3,3,,0,\n4,4,2.4495,1,low\n"
                                   "5,5,2.4495,1,low\n6,100,117.5755,1,high\n",
               6, 0, 3);
}

/* Write and read failures end the run with -1 and say which. */
static void test_io_errors(void **state) {
    struct detect_conf conf;
    struct detect d;
    struct offline_counters c;
    char err[OFFLINE_TEST_ERR_MAX] = "", in_buf[] = "1,1\n2,2\n", small[8], *text = NULL;
    size_t len = 0;
    FILE *in, *out;
    (void)state;
    detect_conf_default(&conf, SCORE_SMA);
    assert_int_equal(detect_init(&d, &conf, 10, err, sizeof err), 0);

    /* output into 8 bytes: the header alone does not fit */
    in = fmemopen(in_buf, strlen(in_buf), "r");
    out = fmemopen(small, sizeof small, "w");
    assert_non_null(in);
    assert_non_null(out);
    assert_int_equal(offline_run(&d, in, out, &c, err, sizeof err), -1);
    assert_memory_equal(err, "write error: ", strlen("write error: "));
    assert_int_equal(c.rows, 2);
    fclose(in);
    fclose(out);

    /* input opened for writing only: reading fails */
    in = fmemopen(in_buf, sizeof in_buf, "w");
    out = open_memstream(&text, &len);
    assert_non_null(in);
    assert_non_null(out);
    strcpy(err, "");
    assert_int_equal(offline_run(&d, in, out, &c, err, sizeof err), -1);
    assert_memory_equal(err, "read error: ", strlen("read error: "));
    assert_int_equal(c.rows, 0);
    fclose(out);
    assert_string_equal(text, OFFLINE_TEST_HEADER);
    free(text);
    fclose(in);
    detect_clear(&d);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_output_with_header),
        cmocka_unit_test(test_exact_output_without_header),
        cmocka_unit_test(test_fields_echoed),
        cmocka_unit_test(test_bad_rows),
        cmocka_unit_test(test_header_only_first),
        cmocka_unit_test(test_quoting),
        cmocka_unit_test(test_crlf_and_last_line),
        cmocka_unit_test(test_no_rows),
        cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_row_count_in_equals_out),
        cmocka_unit_test(test_episode_mode),
        cmocka_unit_test(test_io_errors),
    };
    log_init("test_offline", LOG_ERROR); /* bad rows are logged as warnings: keep the run quiet */
    return cmocka_run_group_tests(tests, NULL, NULL);
}

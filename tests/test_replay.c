/* test_replay.c - replay.h: header detection and the label column, rows with and without
 * timestamps, refused rows with their reasons, and series names from file paths. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "csv.h"
#include "replay.h"

#define REPLAY_TEST_ERR_MAX 128

static enum replay_result replay_test_line(const char *line, int first,
                                           struct replay_layout *layout, struct replay_row *row,
                                           char *err) {
    return replay_parse_line(line, strlen(line), first, layout, row, err, REPLAY_TEST_ERR_MAX);
}

struct header_case {
    const char *line;
    int label_col;
};

static void test_headers(void **state) {
    static const struct header_case cases[] = {
        {"timestamp,value", -1},
        {"timestamp,value,label", 2},
        {"ts,value,is_anomaly", 2},
        {"a,b,c,anomaly", 3},
        {"timestamp,value,Label", -1},
        {"\"timestamp\",\"value\",\"label\"", 2},
        {"time, value , label\r", 2},
        {"timestamp,value,note,label", 3},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct replay_layout layout = {7};
        struct replay_row row;
        char err[REPLAY_TEST_ERR_MAX] = "";
        assert_int_equal(replay_test_line(cases[i].line, 1, &layout, &row, err), REPLAY_HEADER);
        if (layout.label_col != cases[i].label_col)
            fail_msg("\"%s\": label column %d, expected %d", cases[i].line, layout.label_col,
                     cases[i].label_col);
    }
}

/* A first line whose value is a number is data, and leaves the layout alone. */
static void test_first_line_data(void **state) {
    struct replay_layout layout = {-1};
    struct replay_row row;
    char err[REPLAY_TEST_ERR_MAX];
    (void)state;
    assert_int_equal(replay_test_line("2014-04-01 00:05:00,5.5", 1, &layout, &row, err),
                     REPLAY_ROW);
    assert_true(row.value == 5.5);
    assert_int_equal(row.has_ts, 1);
    assert_int_equal(row.ts, 1396310700000LL);
    assert_int_equal(row.has_label, 0);
    assert_int_equal(layout.label_col, -1);
}

struct row_case {
    const char *line;
    double value;
    int has_ts;
    int64_t ts;
    int has_label, label;
};

static void test_rows(void **state) {
    static const struct row_case cases[] = {
        {"2014-04-01 00:05:00,201.9,1", 201.9, 1, 1396310700000LL, 1, 1},
        {"2014-04-01T00:05:00Z,201.9,0", 201.9, 1, 1396310700000LL, 1, 0},
        {"1396310700,3,1", 3, 1, 1396310700000LL, 1, 1},
        {"1396310700250,-3.5,0", -3.5, 1, 1396310700250LL, 1, 0},
        {"row17,5,1", 5, 0, 0, 1, 1},
        {"\"2014-04-01 00:05:00\",\"5.5\",\"1\"", 5.5, 1, 1396310700000LL, 1, 1},
        {"2014-04-01 00:05:00,7,1.0", 7, 1, 1396310700000LL, 0, 0},
        {"2014-04-01 00:05:00,7,", 7, 1, 1396310700000LL, 0, 0},
        {"2014-04-01 00:05:00,7,yes", 7, 1, 1396310700000LL, 0, 0},
        {"2014-04-01 00:05:00,7", 7, 1, 1396310700000LL, 0, 0},
        {"x, 8 ,1\r", 8, 0, 0, 1, 1},
        {",+.5,1", 0.5, 0, 0, 1, 1},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct row_case *c = &cases[i];
        struct replay_layout layout = {2};
        struct replay_row row;
        char err[REPLAY_TEST_ERR_MAX] = "";
        enum replay_result r = replay_test_line(c->line, 0, &layout, &row, err);
        if (r != REPLAY_ROW)
            fail_msg("\"%s\": result %d (%s)", c->line, (int)r, err);
        assert_true(row.value == c->value);
        assert_int_equal(row.has_ts, c->has_ts);
        if (c->has_ts)
            assert_int_equal(row.ts, c->ts);
        assert_int_equal(row.has_label, c->has_label);
        assert_int_equal(row.label, c->label);
    }
}

/* Without a label column a third field is ignored. */
static void test_no_label_column(void **state) {
    struct replay_layout layout = {-1};
    struct replay_row row;
    char err[REPLAY_TEST_ERR_MAX];
    (void)state;
    assert_int_equal(replay_test_line("x,1,1", 0, &layout, &row, err), REPLAY_ROW);
    assert_int_equal(row.has_label, 0);
    assert_int_equal(row.label, 0);
}

struct bad_case {
    const char *line;
    int first;
    const char *err; /* the whole message */
};

static void test_bad_rows(void **state) {
    static const struct bad_case cases[] = {
        {"x,abc", 0, "value \"abc\" is not a number"},
        {"x,", 0, "value \"\" is not a number"},
        {"x,1.2.3", 0, "value \"1.2.3\" is not a number"},
        {"x,NaN", 0, "value is not a finite number"},
        {"x,NaN", 1, "value is not a finite number"},
        {"x,-inf", 0, "value is not a finite number"},
        {"x,1e999", 0, "value is not a finite number"},
        {"5", 0, "expected timestamp,value"},
        {"5", 1, "expected timestamp,value"},
        {"", 0, "expected timestamp,value"},
        {"x,\"5", 0, "unterminated quoted field"},
        {"x,\"5\"z", 0, "text after a closing quote"},
        {"x,0123456789012345678901234567890123456789abcdef", 0,
         "value \"0123456789012345678901234567890123456789\" is not a number"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct replay_layout layout = {-1};
        struct replay_row row;
        char err[REPLAY_TEST_ERR_MAX] = "";
        enum replay_result r = replay_test_line(cases[i].line, cases[i].first, &layout, &row, err);
        if (r != REPLAY_BAD)
            fail_msg("\"%s\": result %d, expected REPLAY_BAD", cases[i].line, (int)r);
        assert_string_equal(err, cases[i].err);
    }
}

static void test_line_too_long(void **state) {
    char *line = malloc(CSV_LINE_MAX + 2);
    struct replay_layout layout = {-1};
    struct replay_row row;
    char err[REPLAY_TEST_ERR_MAX] = "";
    (void)state;
    assert_non_null(line);
    memset(line, ' ', CSV_LINE_MAX + 1);
    memcpy(line, "x,5", 3);
    assert_int_equal(replay_parse_line(line, CSV_LINE_MAX, 0, &layout, &row, err, sizeof err),
                     REPLAY_ROW);
    assert_true(row.value == 5);
    assert_int_equal(replay_parse_line(line, CSV_LINE_MAX + 1, 0, &layout, &row, err, sizeof err),
                     REPLAY_BAD);
    assert_string_equal(err, "line longer than 65536 bytes");
    free(line);
}

struct name_case {
    const char *path;
    const char *name;
};

static void test_series_names(void **state) {
    static const struct name_case cases[] = {
        {"/data/ec2_cpu.csv", "ec2_cpu"},
        {"ec2_cpu.csv", "ec2_cpu"},
        {"ec2_cpu", "ec2_cpu"},
        {"dir/my file (1).csv", "my_file__1_"},
        {"/a/b.c/d", "d"},
        {"/x/.hidden", ".hidden"},
        {"/x/archive.tar.gz", "archive.tar"},
        {"/x/a@b:c-d.csv", "a@b:c-d"},
        {"/x/\xc3\xa9t\xc3\xa9.csv", "__t__"},
        {"/x/", CODEC_DEFAULT_SERIES},
        {"", CODEC_DEFAULT_SERIES},
        {"/x/.csv", ".csv"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[CODEC_SERIES_MAX + 1];
        replay_series_name(cases[i].path, out);
        assert_string_equal(out, cases[i].name);
    }
}

/* Long base names are cut to CODEC_SERIES_MAX. */
static void test_series_name_cut(void **state) {
    char path[160], out[CODEC_SERIES_MAX + 1];
    (void)state;
    snprintf(path, sizeof path, "/data/%0100d.csv", 7);
    replay_series_name(path, out);
    assert_int_equal(strlen(out), CODEC_SERIES_MAX);
    assert_memory_equal(out, path + 6, CODEC_SERIES_MAX);
    assert_int_equal(codec_series_valid(out, strlen(out)), 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_headers),
        cmocka_unit_test(test_first_line_data),
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_no_label_column),
        cmocka_unit_test(test_bad_rows),
        cmocka_unit_test(test_line_too_long),
        cmocka_unit_test(test_series_names),
        cmocka_unit_test(test_series_name_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_csv.c - csv.h: splitting records (quotes, "" escapes, trimming, CRLF, limits) and reading
 * timestamps (date-times, epoch seconds and milliseconds, impossible dates refused). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "csv.h"

#define CSV_TEST_ERR_MAX 96
#define CSV_TEST_FIELDS 4 /* fields a table case lists */

struct split_case {
    const char *line;
    size_t max;
    int n;                                /* expected count, or -1 */
    const char *fields[CSV_TEST_FIELDS]; /* when n > 0 */
    const char *why;                      /* substring of the error when n == -1 */
};

static void test_split_table(void **state) {
    static const struct split_case cases[] = {
        {"a,b,c", 3, 3, {"a", "b", "c"}, NULL},
        {" a , b ,\tc\t", 3, 3, {"a", "b", "c"}, NULL},
        {"a b,c", 3, 2, {"a b", "c"}, NULL},
        {"\"x,y\",z", 3, 2, {"x,y", "z"}, NULL},
        {"\"he said \"\"hi\"\"\",2", 3, 2, {"he said \"hi\"", "2"}, NULL},
        {"\"a\"\"\"", 3, 1, {"a\""}, NULL},
        {"\"\"", 3, 1, {""}, NULL},
        {"\"\",\"\"", 3, 2, {"", ""}, NULL},
        {"a,,c", 3, 3, {"a", "", "c"}, NULL},
        {",", 3, 2, {"", ""}, NULL},
        {"a,", 3, 2, {"a", ""}, NULL},
        {"", 3, 1, {""}, NULL},
        {"   ", 3, 1, {""}, NULL},
        {"a,b\r", 3, 2, {"a", "b"}, NULL},
        {"\"a,b\"\r", 3, 1, {"a,b"}, NULL},
        {"  \"q\"  ,x", 3, 2, {"q", "x"}, NULL},
        {"\" keep \",x", 3, 2, {" keep ", "x"}, NULL},
        {"a,b,c", 2, -1, {NULL}, "too many fields"},
        {"a,b,", 2, -1, {NULL}, "too many fields"},
        {"\"abc", 3, -1, {NULL}, "unterminated quoted field"},
        {"a,\"b", 3, -1, {NULL}, "unterminated quoted field"},
        {"\"a\"\"", 3, -1, {NULL}, "unterminated quoted field"},
        {"\"a\"b,c", 3, -1, {NULL}, "text after a closing quote"},
        {"\"a\" b", 3, -1, {NULL}, "text after a closing quote"},
        {"x,\"a\"\"b\"c", 3, -1, {NULL}, "text after a closing quote"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct split_case *c = &cases[i];
        struct csv_field f[CSV_TEST_FIELDS];
        char scratch[64], err[CSV_TEST_ERR_MAX] = "";
        int n = csv_split(c->line, strlen(c->line), f, c->max, scratch, err, sizeof err);
        if (n != c->n)
            fail_msg("\"%s\": %d fields, expected %d (%s)", c->line, n, c->n, err);
        if (n < 0) {
            if (!strstr(err, c->why))
                fail_msg("\"%s\": error \"%s\" lacks \"%s\"", c->line, err, c->why);
            continue;
        }
        for (int k = 0; k < n; k++)
            if (f[k].len != strlen(c->fields[k]) || memcmp(f[k].s, c->fields[k], f[k].len) != 0)
                fail_msg("\"%s\": field %d is \"%.*s\", expected \"%s\"", c->line, k,
                         (int)f[k].len, f[k].s, c->fields[k]);
    }
}

/* Unquoted fields point into the line; quoted ones into scratch, one after another. */
static void test_split_storage(void **state) {
    static const char line[] = "plain,\"q1\",\"q\"\"2\"";
    struct csv_field f[3];
    char scratch[sizeof line], err[CSV_TEST_ERR_MAX];
    (void)state;
    assert_int_equal(csv_split(line, strlen(line), f, 3, scratch, err, sizeof err), 3);
    assert_ptr_equal(f[0].s, line);
    assert_ptr_equal(f[1].s, scratch);
    assert_ptr_equal(f[2].s, scratch + 2);
    assert_memory_equal(f[2].s, "q\"2", 3);
}

/* CSV_FIELDS_MAX fields are read; one more is refused. */
static void test_split_fields_max(void **state) {
    char line[3 * CSV_FIELDS_MAX + 8], scratch[sizeof line], err[CSV_TEST_ERR_MAX];
    struct csv_field f[CSV_FIELDS_MAX];
    size_t n = 0;
    (void)state;
    for (int i = 0; i < CSV_FIELDS_MAX; i++)
        n += (size_t)snprintf(line + n, sizeof line - n, "%s%d", i ? "," : "", i % 10);
    assert_int_equal(csv_split(line, n, f, CSV_FIELDS_MAX, scratch, err, sizeof err),
                     CSV_FIELDS_MAX);
    assert_int_equal(f[CSV_FIELDS_MAX - 1].len, 1);
    assert_int_equal(f[CSV_FIELDS_MAX - 1].s[0], '0' + (CSV_FIELDS_MAX - 1) % 10);
    n += (size_t)snprintf(line + n, sizeof line - n, ",x");
    assert_int_equal(csv_split(line, n, f, CSV_FIELDS_MAX, scratch, err, sizeof err), -1);
    assert_string_equal(err, "too many fields");
}

struct time_case {
    const char *text;
    int rc;
    int64_t ms;
};

static void test_parse_time(void **state) {
    static const struct time_case cases[] = {
        {"2014-04-01 00:05:00", 0, 1396310700000LL},
        {"2014-04-01T00:05:00.250Z", 0, 1396310700250LL},
        {"2014-04-01T00:05:00Z", 0, 1396310700000LL},
        {"2014-04-01 00:05", 0, 1396310700000LL},
        {"2014-04-01T00:05Z", 0, 1396310700000LL},
        {"2014-04-01 00:05:00.5", 0, 1396310700500LL},
        {"2014-04-01 00:05:00.123456", 0, 1396310700123LL},
        {"1970-01-01 00:00:00", 0, 0},
        {"1969-12-31 23:59:59", 0, -1000},
        {"2000-02-29 12:00:00", 0, 951825600000LL},
        {"2024-02-29 00:00", 0, 1709164800000LL},
        {"9999-12-31T23:59:59.999Z", 0, 253402300799999LL},
        {"1396310700", 0, 1396310700000LL},
        {"1396310700000", 0, 1396310700000LL},
        {"1396310700.25", 0, 1396310700250LL},
        {"0", 0, 0},
        {"99999999999", 0, 99999999999000LL},  /* just below CSV_EPOCH_MS_MIN: seconds */
        {"100000000000", 0, 100000000000LL},   /* at it: milliseconds */
        {"2014-02-30 00:00:00", -1, 0},
        {"2014-02-29 00:00:00", -1, 0},        /* 2014 is not a leap year */
        {"1900-02-29 00:00:00", -1, 0},        /* nor is 1900 */
        {"2014-13-01 00:00:00", -1, 0},
        {"2014-00-10 00:00:00", -1, 0},
        {"2014-04-00 00:00:00", -1, 0},
        {"2014-04-31 00:00:00", -1, 0},
        {"2014-04-01 25:00:00", -1, 0},
        {"2014-04-01 24:00:00", -1, 0},
        {"2014-04-01 00:60:00", -1, 0},
        {"2014-04-01 00:05:61", -1, 0},
        {"2014-04-01 00:05:00x", -1, 0},
        {"2014-04-01 00:05:00Z ", -1, 0},
        {"2014-04-01 00:05:00.", -1, 0},
        {"2014-04-01 00:05:00+01:00", -1, 0},
        {"2014-04-01", -1, 0},
        {"2014-04-01T", -1, 0},
        {"2014-04-01 0:05", -1, 0},
        {"2014-4-01 00:05", -1, 0},
        {"2014/04/01 00:05", -1, 0},
        {"-5", -1, 0},
        {"1e17", -1, 0},
        {"", -1, 0},
        {"abc", -1, 0},
        {"nan", -1, 0},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t ms = -12345;
        int rc = csv_parse_time(cases[i].text, strlen(cases[i].text), &ms);
        if (rc != cases[i].rc)
            fail_msg("\"%s\": got %d, expected %d", cases[i].text, rc, cases[i].rc);
        assert_int_equal(ms, rc == 0 ? cases[i].ms : -12345);
    }
}

/* Only len bytes are read. */
static void test_parse_time_uses_len(void **state) {
    int64_t ms = 0;
    (void)state;
    assert_int_equal(csv_parse_time("2014-04-01 00:05:00,201.9", 19, &ms), 0);
    assert_int_equal(ms, 1396310700000LL);
    assert_int_equal(csv_parse_time("1396310700,5", 10, &ms), 0);
    assert_int_equal(ms, 1396310700000LL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_table),
        cmocka_unit_test(test_split_storage),
        cmocka_unit_test(test_split_fields_max),
        cmocka_unit_test(test_parse_time),
        cmocka_unit_test(test_parse_time_uses_len),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_query.c - query strings: decoding, and a table of malformed ones with their errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "query.h"

static void test_parse(void **state) {
    struct query q;
    char err[128];
    (void)state;
    assert_int_equal(query_parse("series=web&since=17&limit=5", &q, err, sizeof err), 0);
    assert_int_equal(q.n, 3);
    assert_string_equal(query_get(&q, "series"), "web");
    assert_string_equal(query_get(&q, "since"), "17");
    assert_string_equal(query_get(&q, "limit"), "5");
    assert_null(query_get(&q, "other"));
    assert_int_equal(query_parse("a=x%2Fy+z&&b&c=", &q, err, sizeof err), 0);
    assert_int_equal(q.n, 3);
    assert_string_equal(query_get(&q, "a"), "x/y z");
    assert_string_equal(query_get(&q, "b"), "");
    assert_string_equal(query_get(&q, "c"), "");
    assert_int_equal(query_parse(NULL, &q, err, sizeof err), 0);
    assert_int_equal(q.n, 0);
    assert_int_equal(query_parse("", &q, err, sizeof err), 0);
    assert_int_equal(q.n, 0);
    assert_int_equal(query_parse("%41=%62", &q, err, sizeof err), 0);
    assert_string_equal(query_get(&q, "A"), "b");
}

static void test_bad(void **state) {
    static const struct {
        const char *in, *err;
    } cases[] = {
        {"=x", "a parameter without a name"},
        {"a=%zz", "bad %-escape in a"},
        {"a=%4", "bad %-escape in a"},
        {"a=%", "bad %-escape in a"},
        {"%g1=1", "bad %-escape in a parameter name"},
        {"a=%00", "%00 in a"},
        {"a=1&a=2", "parameter \"a\" given twice"},
        {"a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10&k=11&l=12&m=13&n=14&o=15&p=16&q=17",
         "more than 16 parameters"},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=1", "a parameter name longer than 32 bytes"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct query q;
        char err[128] = "";
        if (query_parse(cases[i].in, &q, err, sizeof err) != -1)
            fail_msg("\"%s\" accepted", cases[i].in);
        assert_string_equal(err, cases[i].err);
    }
}

static void test_long_value(void **state) {
    char qs[QUERY_VALUE_MAX + 8], err[128];
    struct query q;
    (void)state;
    memcpy(qs, "v=", 2);
    memset(qs + 2, 'x', QUERY_VALUE_MAX);
    qs[2 + QUERY_VALUE_MAX] = '\0';
    assert_int_equal(query_parse(qs, &q, err, sizeof err), 0);
    assert_int_equal(strlen(query_get(&q, "v")), QUERY_VALUE_MAX);
    qs[2 + QUERY_VALUE_MAX] = 'x';
    qs[3 + QUERY_VALUE_MAX] = '\0';
    assert_int_equal(query_parse(qs, &q, err, sizeof err), -1);
    assert_string_equal(err, "v longer than 256 bytes");
}

static void test_check_keys(void **state) {
    static const char *const allowed[] = {"series", "limit", NULL};
    struct query q;
    char err[128];
    (void)state;
    assert_int_equal(query_parse("limit=1&series=a", &q, err, sizeof err), 0);
    assert_int_equal(query_check_keys(&q, allowed, err, sizeof err), 0);
    assert_int_equal(query_parse("limit=1&colour=red", &q, err, sizeof err), 0);
    assert_int_equal(query_check_keys(&q, allowed, err, sizeof err), -1);
    assert_string_equal(err, "unknown parameter \"colour\"");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_long_value),
        cmocka_unit_test(test_check_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

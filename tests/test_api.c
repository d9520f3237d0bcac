/* test_api.c - the detector's HTTP queries (tables of good and bad), the /series body, and
 * reading CLIENT LIST. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "api.h"
#include "score.h"

static void test_anomalies_query(void **state) {
    struct query qb;
    struct recent_query q;
    char err[160];
    (void)state;
    assert_int_equal(api_anomalies_query(NULL, &qb, &q, err, sizeof err), 0);
    assert_null(q.series);
    assert_int_equal(q.since, 0);
    assert_int_equal(q.limit, RECENT_LIMIT_DEFAULT);
    assert_int_equal(
        api_anomalies_query("series=web&since=1767225600000&limit=1000", &qb, &q, err, sizeof err),
        0);
    assert_string_equal(q.series, "web");
    assert_int_equal(q.since, 1767225600000LL);
    assert_int_equal(q.limit, 1000);
}

static void test_anomalies_query_bad(void **state) {
    static const struct {
        const char *in, *err;
    } cases[] = {
        {"limit=0", "limit: expected an integer 1..1000, got \"0\""},
        {"limit=1001", "limit: expected an integer 1..1000, got \"1001\""},
        {"limit=ten", "limit: expected an integer 1..1000, got \"ten\""},
        {"since=-5", "since: expected an integer 0..9223372036854775807, got \"-5\""},
        {"since=yesterday", "since: expected an integer 0..9223372036854775807, got \"yesterday\""},
        {"series=bad%20name", "series: \"bad name\" is not a series name"},
        {"series=", "series: \"\" is not a series name"},
        {"severity=high", "unknown parameter \"severity\""},
        {"limit=%zz", "bad %-escape in limit"},
        {"limit=1&limit=2", "parameter \"limit\" given twice"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct query qb;
        struct recent_query q;
        char err[160] = "";
        if (api_anomalies_query(cases[i].in, &qb, &q, err, sizeof err) != -1)
            fail_msg("\"%s\" accepted", cases[i].in);
        assert_string_equal(err, cases[i].err);
    }
}

static void test_series_query(void **state) {
    struct query qb;
    struct api_series_query q;
    char err[160];
    (void)state;
    assert_int_equal(api_series_query("", &qb, &q, err, sizeof err), 0);
    assert_null(q.series);
    assert_int_equal(q.limit, API_SERIES_LIMIT_DEFAULT);
    assert_int_equal(api_series_query("limit=100000&series=a.b", &qb, &q, err, sizeof err), 0);
    assert_string_equal(q.series, "a.b");
    assert_int_equal(q.limit, 100000);
    assert_int_equal(api_series_query("limit=100001", &qb, &q, err, sizeof err), -1);
    assert_string_equal(err, "limit: expected an integer 1..100000, got \"100001\"");
    assert_int_equal(api_series_query("since=1", &qb, &q, err, sizeof err), -1);
    assert_string_equal(err, "unknown parameter \"since\"");
}

static struct series *add(struct series_table *t, const char *name, uint64_t points, double last,
                          double mean, double std) {
    struct score_params p;
    struct series *s;
    score_params_default(&p, SCORE_SMA);
    s = series_get(t, name, strlen(name), &p, NULL);
    s->params = p;
    s->points = points;
    s->last = last;
    s->mean = mean;
    s->std = std;
    return s;
}

static void test_series_json(void **state) {
    struct series_table t;
    struct api_series_query all = {NULL, 10};
    struct sbuf b;
    struct series *web;
    (void)state;
    series_table_init(&t, 10);
    sbuf_init(&b);
    add(&t, "api", 3, 7, NAN, NAN);
    web = add(&t, "web", 40, 201.5, 200.25, 1.5);
    web->anomalies = 2;
    web->ep.id = 2;
    web->ep.open = 1;
    api_series_json(&t, &all, &b);
    assert_string_equal(
        b.buf, "{\"total\":2,\"returned\":2,\"series\":["
               "{\"series\":\"web\",\"algo\":\"sma\",\"points\":40,\"anomalies\":2,\"last\":201.5,"
               "\"mean\":200.25,\"std\":1.5,\"episodes\":2,\"episode_open\":true},"
               "{\"series\":\"api\",\"algo\":\"sma\",\"points\":3,\"anomalies\":0,\"last\":7,"
               "\"mean\":null,\"std\":null,\"episodes\":0,\"episode_open\":false}]}");
    {
        struct api_series_query one = {NULL, 1};
        sbuf_reset(&b);
        api_series_json(&t, &one, &b);
        assert_non_null(
            strstr(b.buf, "{\"total\":2,\"returned\":1,\"series\":[{\"series\":\"web\""));
    }
    {
        struct api_series_query q = {"api", 10};
        sbuf_reset(&b);
        api_series_json(&t, &q, &b);
        assert_non_null(
            strstr(b.buf, "{\"total\":2,\"returned\":1,\"series\":[{\"series\":\"api\""));
    }
    {
        struct api_series_query q = {"db", 10};
        sbuf_reset(&b);
        api_series_json(&t, &q, &b);
        assert_string_equal(b.buf, "{\"total\":2,\"returned\":0,\"series\":[]}");
    }
    sbuf_clear(&b);
    series_table_clear(&t);
}

static void test_client_field(void **state) {
    const char *line = "id=7 addr=127.0.0.1:5000 laddr=127.0.0.1:6379 fd=9 name= age=3 qbuf=0 "
                       "obl=0 oll=2 omem=40984 tot-mem=61466 events=r cmd=subscribe\n";
    (void)state;
    assert_int_equal(api_client_field(line, strlen(line), "omem"), 40984);
    assert_int_equal(api_client_field(line, strlen(line), "id"), 7);
    assert_int_equal(api_client_field(line, strlen(line), "oll"), 2);
    assert_int_equal(api_client_field(line, strlen(line), "mem"), -1);  /* not tot-mem */
    assert_int_equal(api_client_field(line, strlen(line), "name"), -1); /* empty */
    assert_int_equal(api_client_field(line, strlen(line), "nope"), -1);
    assert_int_equal(api_client_field("", 0, "omem"), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_anomalies_query), cmocka_unit_test(test_anomalies_query_bad),
        cmocka_unit_test(test_series_query),    cmocka_unit_test(test_series_json),
        cmocka_unit_test(test_client_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_recent.c - the ring of recent anomalies behind GET /anomalies. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "recent.h"

static void push(struct recent *r, const char *series, int64_t ts) {
    char json[64];
    int n = snprintf(json, sizeof json, "{\"series\":\"%s\",\"ts\":%lld}", series, (long long)ts);
    recent_push(r, series, ts, json, (size_t)n);
}

static void test_newest_first_and_filters(void **state) {
    struct recent r;
    struct sbuf b;
    struct recent_query all = {NULL, 0, 10};
    (void)state;
    recent_init(&r, 3);
    sbuf_init(&b);
    recent_json(&r, &all, &b);
    assert_string_equal(b.buf, "{\"count\":0,\"anomalies\":[]}");
    push(&r, "web", 100);
    push(&r, "api", 200);
    push(&r, "web", 300);
    push(&r, "web", 400); /* overwrites the oldest (web 100) */
    assert_int_equal(r.len, 3);
    assert_int_equal(r.pushed, 4);
    sbuf_reset(&b);
    recent_json(&r, &all, &b);
    assert_string_equal(b.buf, "{\"count\":3,\"anomalies\":[{\"series\":\"web\",\"ts\":400},"
                               "{\"series\":\"web\",\"ts\":300},{\"series\":\"api\",\"ts\":200}]}");
    {
        struct recent_query q = {"web", 0, 10};
        sbuf_reset(&b);
        recent_json(&r, &q, &b);
        assert_string_equal(b.buf, "{\"count\":2,\"anomalies\":[{\"series\":\"web\",\"ts\":400},"
                                   "{\"series\":\"web\",\"ts\":300}]}");
    }
    {
        struct recent_query q = {NULL, 250, 10};
        sbuf_reset(&b);
        recent_json(&r, &q, &b);
        assert_string_equal(b.buf, "{\"count\":2,\"anomalies\":[{\"series\":\"web\",\"ts\":400},"
                                   "{\"series\":\"web\",\"ts\":300}]}");
    }
    {
        struct recent_query q = {NULL, 0, 1};
        sbuf_reset(&b);
        recent_json(&r, &q, &b);
        assert_string_equal(b.buf, "{\"count\":1,\"anomalies\":[{\"series\":\"web\",\"ts\":400}]}");
    }
    {
        struct recent_query q = {"db", 0, 10};
        sbuf_reset(&b);
        recent_json(&r, &q, &b);
        assert_string_equal(b.buf, "{\"count\":0,\"anomalies\":[]}");
    }
    sbuf_clear(&b);
    recent_clear(&r);
    recent_clear(&r);
}

static void test_cut_to_slot(void **state) {
    struct recent r;
    char big[CODEC_OUT_MAX + 10];
    (void)state;
    memset(big, 'x', sizeof big);
    recent_init(&r, 0);
    assert_int_equal(r.cap, 1);
    recent_push(&r, "web", 1, big, sizeof big);
    assert_int_equal(r.e[0].len, CODEC_OUT_MAX);
    recent_clear(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_newest_first_and_filters),
        cmocka_unit_test(test_cut_to_slot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

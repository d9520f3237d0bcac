/* test_series.c - series.h: create and find, least-recently-seen eviction, growth of the hash
 * table, refusal of invalid parameters, and clearing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "series.h"

#define SERIES_TEST_MANY 10000

static struct series *series_test_get(struct series_table *t, const char *name,
                                      const struct score_params *p, int *created) {
    return series_get(t, name, strlen(name), p, created);
}

static struct series *series_test_find(const struct series_table *t, const char *name) {
    return series_find(t, name, strlen(name));
}

/* Names from newest to oldest, comma-separated, for comparing the recency list. */
static void series_order(const struct series_table *t, char *buf, size_t cap) {
    size_t n = 0;
    buf[0] = '\0';
    for (const struct series *s = t->newest; s && n < cap; s = s->older)
        n += (size_t)snprintf(buf + n, cap - n, "%s%s", n ? "," : "", s->name);
}

static void test_create_and_find(void **state) {
    struct series_table t;
    struct score_params p;
    struct series *a, *again;
    int created = -1;
    (void)state;
    score_params_default(&p, SCORE_SMA);
    series_table_init(&t, 10);
    assert_null(series_test_find(&t, "web"));
    a = series_test_get(&t, "web", &p, &created);
    assert_non_null(a);
    assert_int_equal(created, 1);
    assert_string_equal(a->name, "web");
    assert_int_equal(a->name_len, 3);
    assert_int_equal(a->points, 0);
    assert_int_equal(a->anomalies, 0);
    assert_int_equal(t.len, 1);
    assert_ptr_equal(series_test_find(&t, "web"), a);
    again = series_test_get(&t, "web", &p, &created);
    assert_ptr_equal(again, a);
    assert_int_equal(created, 0);
    assert_int_equal(t.len, 1);
    assert_null(series_test_find(&t, "we"));
    assert_null(series_test_find(&t, "web2"));
    assert_null(series_find(&t, "web", 2)); /* by length, not NUL */
    assert_non_null(series_test_get(&t, "web2", &p, NULL)); /* created may be NULL */
    assert_int_equal(t.len, 2);
    series_table_clear(&t);
}

/* max 3: the least recently seen series goes first; series_get protects a series, series_find
 * does not. */
static void test_lru_eviction(void **state) {
    struct series_table t;
    struct score_params p;
    char order[128];
    (void)state;
    score_params_default(&p, SCORE_SMA);
    series_table_init(&t, 3);
    series_test_get(&t, "a", &p, NULL);
    series_test_get(&t, "b", &p, NULL);
    series_test_get(&t, "c", &p, NULL);
    series_order(&t, order, sizeof order);
    assert_string_equal(order, "c,b,a");
    series_test_get(&t, "a", &p, NULL); /* touch a */
    series_order(&t, order, sizeof order);
    assert_string_equal(order, "a,c,b");
    assert_non_null(series_test_find(&t, "b")); /* a find does not touch */
    series_test_get(&t, "d", &p, NULL);          /* evicts b */
    assert_int_equal(t.evicted, 1);
    assert_int_equal(t.len, 3);
    assert_null(series_test_find(&t, "b"));
    series_order(&t, order, sizeof order);
    assert_string_equal(order, "d,a,c");
    series_test_get(&t, "e", &p, NULL); /* evicts c */
    assert_int_equal(t.evicted, 2);
    assert_null(series_test_find(&t, "c"));
    series_order(&t, order, sizeof order);
    assert_string_equal(order, "e,d,a");
    assert_string_equal(t.oldest->name, "a");
    assert_null(t.oldest->older);
    assert_null(t.newest->newer);
    /* an evicted series comes back fresh */
    {
        int created = 0;
        struct series *b = series_test_get(&t, "b", &p, &created);
        assert_int_equal(created, 1);
        assert_int_equal(b->points, 0);
        assert_int_equal(t.evicted, 3);
        assert_null(series_test_find(&t, "a"));
    }
    series_table_clear(&t);
}

static void test_max_zero_means_one(void **state) {
    struct series_table t;
    struct score_params p;
    (void)state;
    score_params_default(&p, SCORE_EMA);
    series_table_init(&t, 0);
    assert_int_equal(t.max, 1);
    series_test_get(&t, "x", &p, NULL);
    series_test_get(&t, "y", &p, NULL);
    assert_int_equal(t.len, 1);
    assert_int_equal(t.evicted, 1);
    assert_null(series_test_find(&t, "x"));
    assert_non_null(series_test_find(&t, "y"));
    series_table_clear(&t);
}

/* 10,000 names grow the table well past its 64 first buckets; every one stays findable. */
static void test_growth(void **state) {
    struct series_table t;
    struct score_params p;
    char name[32];
    (void)state;
    score_params_default(&p, SCORE_EMA); /* no window allocation: keeps the test light */
    series_table_init(&t, SERIES_TEST_MANY);
    assert_int_equal(t.nbuckets, 64);
    for (int i = 0; i < SERIES_TEST_MANY; i++) {
        int created = 0;
        snprintf(name, sizeof name, "host-%d.cpu", i);
        assert_non_null(series_test_get(&t, name, &p, &created));
        assert_int_equal(created, 1);
    }
    assert_int_equal(t.len, SERIES_TEST_MANY);
    assert_int_equal(t.evicted, 0);
    assert_true(t.nbuckets > SERIES_TEST_MANY); /* load factor at most 3/4 */
    assert_int_equal(t.nbuckets & (t.nbuckets - 1), 0);
    for (int i = 0; i < SERIES_TEST_MANY; i++) {
        struct series *s;
        snprintf(name, sizeof name, "host-%d.cpu", i);
        s = series_test_find(&t, name);
        if (!s)
            fail_msg("%s lost", name);
        assert_string_equal(s->name, name);
    }
    /* one more evicts the first created */
    series_test_get(&t, "one-more", &p, NULL);
    assert_int_equal(t.evicted, 1);
    assert_null(series_test_find(&t, "host-0.cpu"));
    assert_non_null(series_test_find(&t, "host-1.cpu"));
    series_table_clear(&t);
}

static void test_invalid_params(void **state) {
    struct series_table t;
    struct score_params p;
    int created = 7;
    (void)state;
    score_params_default(&p, SCORE_SMA);
    p.window = 1;
    series_table_init(&t, 3);
    assert_null(series_test_get(&t, "a", &p, &created));
    assert_int_equal(created, 0);
    assert_int_equal(t.len, 0);
    assert_null(series_test_find(&t, "a"));
    series_table_clear(&t);
}

/* Each series has its own scoring state. */
static void test_state_per_series(void **state) {
    struct series_table t;
    struct score_params p;
    struct series *a, *b;
    struct verdict v;
    (void)state;
    score_params_default(&p, SCORE_SMA);
    p.window = p.warmup = 2;
    series_table_init(&t, 3);
    a = series_test_get(&t, "a", &p, NULL);
    b = series_test_get(&t, "b", &p, NULL);
    score_push(&a->score, &p, 1, 0, &v);
    score_push(&b->score, &p, 100, 0, &v);
    score_push(&a->score, &p, 3, 0, &v);
    score_push(&b->score, &p, 300, 0, &v);
    score_push(&a->score, &p, 2, 0, &v);
    assert_true(v.mean == 2);
    score_push(&b->score, &p, 200, 0, &v);
    assert_true(v.mean == 200);
    series_table_clear(&t);
}

static void test_clear_twice(void **state) {
    struct series_table t;
    struct score_params p;
    (void)state;
    score_params_default(&p, SCORE_SMA);
    series_table_init(&t, 5);
    series_test_get(&t, "a", &p, NULL);
    series_test_get(&t, "b", &p, NULL);
    series_table_clear(&t);
    assert_int_equal(t.len, 0);
    assert_null(t.newest);
    assert_null(t.oldest);
    assert_null(t.buckets);
    series_table_clear(&t);
    assert_int_equal(t.len, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_and_find),
        cmocka_unit_test(test_lru_eviction),
        cmocka_unit_test(test_max_zero_means_one),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_invalid_params),
        cmocka_unit_test(test_state_per_series),
        cmocka_unit_test(test_clear_twice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

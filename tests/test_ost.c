/* test_ost.c - ost.h: the order-statistic set against a sorted-array reference (seeded random
 * inserts, erases, selects and ranks) in both of its forms, the sorted array (cap <= OST_SMALL)
 * and the treap; duplicates, absent keys, a full pool, reset, the invariants (sorted keys; for
 * the treap sizes, key order, heap order, no node lost from the pool), the pool growing by
 * doubling up to cap, and cap bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "ost.h"
#include "rng.h"

#define OST_TEST_OPS 60000    /* random operations against the reference: enough to fill */
#define OST_TEST_CAP (OST_SMALL + 300) /* largest pool of the random runs */
#define OST_TEST_KEYS 120     /* distinct keys drawn: plenty of duplicates */
#define OST_TEST_CHECK 250    /* full select/invariant sweep every this many operations */

/* cmocka 1.1's assert_float_equal compares as float; keys are compared as doubles. */
#define assert_double_near(got, want, eps)                                                         \
    do {                                                                                           \
        double near_got_ = (got), near_want_ = (want);                                             \
        if (!(near_got_ == near_want_ || fabs(near_got_ - near_want_) <= (eps)))                   \
            fail_msg("%s = %.17g, expected %.17g (within %g)", #got, near_got_, near_want_,        \
                     (double)(eps));                                                               \
    } while (0)

/* A multiset as a sorted array: the obvious implementation. */
struct ost_ref {
    double v[OST_TEST_CAP];
    size_t n;
};

/* Index of the first value >= x (with `le`, the first > x). */
static size_t ost_ref_bound(const struct ost_ref *r, double x, int le) {
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->v[mid] < x || (le && r->v[mid] == x))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void ost_ref_insert(struct ost_ref *r, double x) {
    size_t i = ost_ref_bound(r, x, 0);
    memmove(&r->v[i + 1], &r->v[i], (r->n - i) * sizeof r->v[0]);
    r->v[i] = x;
    r->n++;
}

static int ost_ref_erase(struct ost_ref *r, double x) {
    size_t i = ost_ref_bound(r, x, 0);
    if (i == r->n || r->v[i] != x)
        return -1;
    memmove(&r->v[i], &r->v[i + 1], (r->n - i - 1) * sizeof r->v[0]);
    r->n--;
    return 0;
}

/* Checks the subtree at i: key order within (lo, hi) bounds, sizes, heap order of priorities.
 * Returns its node count. */
static size_t ost_check_subtree(const struct ost *t, int32_t i, double lo, double hi) {
    const struct ost_node *nd;
    size_t nl, nr;
    if (!i)
        return 0;
    assert_true(i > 0 && (size_t)i <= t->alloc);
    nd = &t->n[i];
    assert_true(nd->key >= lo && nd->key <= hi);
    if (nd->l)
        assert_true(t->n[nd->l].prio <= nd->prio);
    if (nd->r)
        assert_true(t->n[nd->r].prio <= nd->prio);
    nl = ost_check_subtree(t, nd->l, lo, nd->key);
    nr = ost_check_subtree(t, nd->r, nd->key, hi);
    assert_int_equal(nd->size, 1 + nl + nr);
    return 1 + nl + nr;
}

/* The whole set: a sorted array in small mode; else the treap's invariants hold, and tree nodes
 * plus free nodes account for the pool. */
static void ost_check(const struct ost *t) {
    size_t in_tree, free_nodes = 0;
    assert_int_equal(t->small, t->cap <= OST_SMALL);
    if (t->small) {
        assert_true(t->small_len <= t->cap);
        assert_int_equal(ost_size(t), t->small_len);
        assert_true(t->small_len <= t->alloc && t->alloc <= t->cap);
        for (size_t i = 1; i < t->small_len; i++)
            assert_true(t->keys[i - 1] <= t->keys[i]);
        return;
    }
    in_tree = ost_check_subtree(t, t->root, -INFINITY, INFINITY);
    assert_int_equal(t->n[0].size, 0);
    assert_int_equal(ost_size(t), in_tree);
    assert_true(t->alloc <= t->cap);
    for (int32_t i = t->free_head; i; i = t->n[i].l) {
        assert_true(free_nodes < t->alloc);
        free_nodes++;
    }
    assert_int_equal(in_tree + free_nodes, t->alloc);
}

/* Every select and a rank at and between every held key agree with the reference. */
static void ost_check_against(const struct ost *t, const struct ost_ref *r) {
    assert_int_equal(ost_size(t), r->n);
    for (size_t k = 0; k < r->n; k++) {
        assert_true(ost_select(t, k) == r->v[k]);
        assert_int_equal(ost_rank(t, r->v[k]), ost_ref_bound(r, r->v[k], 0));
        assert_int_equal(ost_rank(t, r->v[k] + 0.25), ost_ref_bound(r, r->v[k] + 0.25, 0));
    }
    assert_int_equal(ost_rank(t, -INFINITY), 0);
    assert_int_equal(ost_rank(t, INFINITY), r->n);
}

/* Keys are halves in [-30, 30): many repeats, and x + 0.25 always falls between two keys. */
static double ost_draw_key(struct rng *g) {
    return (double)(int)(rng_next(g) % OST_TEST_KEYS) / 2.0 - 30.0;
}

/* OST_TEST_OPS random operations on a set of capacity cap, checked against the reference. */
static void ost_run_vs_reference(size_t cap, uint64_t seed) {
    static struct ost_ref ref;
    struct ost t;
    struct rng g;
    size_t refused = 0, absent = 0, erased = 0;

    assert_true(cap <= OST_TEST_CAP);
    rng_seed(&g, seed);
    ref.n = 0;
    assert_int_equal(ost_init(&t, cap), 0);
    for (int op = 0; op < OST_TEST_OPS; op++) {
        uint64_t kind = rng_next(&g) % 10;
        double x = ost_draw_key(&g);
        if (kind < 5) { /* insert: refused exactly when the reference is at cap */
            int want = ref.n == cap ? -1 : 0;
            assert_int_equal(ost_insert(&t, x), want);
            if (want == 0)
                ost_ref_insert(&ref, x);
            else
                refused++;
        } else if (kind < 8) { /* erase a held key, or fail on an absent one */
            int want = ost_ref_erase(&ref, x);
            assert_int_equal(ost_erase(&t, x), want);
            if (want == 0)
                erased++;
            else
                absent++;
        } else if (kind < 9) { /* select at a random rank */
            if (ref.n > 0) {
                size_t k = (size_t)(rng_next(&g) % ref.n);
                assert_true(ost_select(&t, k) == ref.v[k]);
            }
        } else { /* rank of a held or unheld key */
            assert_int_equal(ost_rank(&t, x), ost_ref_bound(&ref, x, 0));
            assert_int_equal(ost_rank(&t, x + 0.25), ost_ref_bound(&ref, x + 0.25, 0));
        }
        assert_int_equal(ost_size(&t), ref.n);
        if (op % OST_TEST_CHECK == 0) {
            ost_check(&t);
            ost_check_against(&t, &ref);
        }
    }
    ost_check(&t);
    ost_check_against(&t, &ref);
    /* the run visited every branch: full pool, absent keys, real erases */
    assert_true(refused > 0);
    assert_true(absent > 0);
    assert_true(erased > 0);
    ost_clear(&t);
}

static void test_ost_random_treap(void **state) {
    (void)state;
    ost_run_vs_reference(OST_TEST_CAP, 20240611);
    ost_run_vs_reference(OST_SMALL + 1, 5); /* the smallest treap */
}

static void test_ost_random_small(void **state) {
    (void)state;
    ost_run_vs_reference(OST_SMALL, 6); /* the largest sorted array */
    ost_run_vs_reference(9, 7);
}

/* The hand-made cases run on a sorted array (cap) and on a treap (cap + OST_SMALL). */
#define OST_BOTH(fn, cap)                                                                          \
    static void test_##fn(void **state) {                                                          \
        (void)state;                                                                               \
        fn(cap);                                                                                   \
        fn((cap) + OST_SMALL);                                                                     \
    }

static void ost_exact(size_t cap) {
    static const double keys[] = {5, -1, 3, 3, 10};
    static const double sorted[] = {-1, 3, 3, 5, 10};
    struct ost t;

    assert_int_equal(ost_init(&t, cap), 0);
    assert_int_equal(ost_size(&t), 0);
    assert_int_equal(ost_rank(&t, 0), 0);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        assert_int_equal(ost_insert(&t, keys[i]), 0);
    assert_int_equal(ost_size(&t), 5);
    for (size_t k = 0; k < 5; k++)
        assert_double_near(ost_select(&t, k), sorted[k], 0);
    assert_int_equal(ost_rank(&t, -100), 0);
    assert_int_equal(ost_rank(&t, -1), 0);
    assert_int_equal(ost_rank(&t, 3), 1);
    assert_int_equal(ost_rank(&t, 3.5), 3);
    assert_int_equal(ost_rank(&t, 5), 3);
    assert_int_equal(ost_rank(&t, 10), 4);
    assert_int_equal(ost_rank(&t, 100), 5);
    ost_check(&t);
    ost_clear(&t);
}
OST_BOTH(ost_exact, 8)

static void ost_duplicates(size_t cap) {
    struct ost t;

    assert_int_equal(ost_init(&t, cap), 0);
    assert_int_equal(ost_insert(&t, 1.0), 0);
    assert_int_equal(ost_insert(&t, 3.0), 0);
    for (int i = 0; i < 5; i++)
        assert_int_equal(ost_insert(&t, 2.0), 0);
    assert_int_equal(ost_size(&t), 7);
    assert_int_equal(ost_rank(&t, 2.0), 1);
    assert_int_equal(ost_rank(&t, 3.0), 6);
    for (size_t k = 1; k <= 5; k++)
        assert_double_near(ost_select(&t, k), 2.0, 0);
    /* each erase takes one copy */
    for (int left = 4; left >= 0; left--) {
        assert_int_equal(ost_erase(&t, 2.0), 0);
        assert_int_equal(ost_size(&t), (size_t)(2 + left));
        assert_int_equal(ost_rank(&t, 2.0), 1);
        assert_int_equal(ost_rank(&t, 3.0), (size_t)(1 + left));
        ost_check(&t);
    }
    assert_int_equal(ost_erase(&t, 2.0), -1);
    assert_int_equal(ost_size(&t), 2);
    assert_double_near(ost_select(&t, 0), 1.0, 0);
    assert_double_near(ost_select(&t, 1), 3.0, 0);
    ost_clear(&t);
}
OST_BOTH(ost_duplicates, 16)

static void ost_erase_absent(size_t cap) {
    struct ost t;

    assert_int_equal(ost_init(&t, cap), 0);
    assert_int_equal(ost_erase(&t, 0.0), -1);
    assert_int_equal(ost_insert(&t, 1.0), 0);
    assert_int_equal(ost_insert(&t, 3.0), 0);
    assert_int_equal(ost_erase(&t, 2.0), -1);
    assert_int_equal(ost_erase(&t, nextafter(1.0, 2.0)), -1);
    assert_int_equal(ost_erase(&t, nextafter(3.0, 2.0)), -1);
    assert_int_equal(ost_erase(&t, 0.5), -1);
    assert_int_equal(ost_erase(&t, 4.0), -1);
    /* a failed erase leaves the set as it was */
    assert_int_equal(ost_size(&t), 2);
    assert_double_near(ost_select(&t, 0), 1.0, 0);
    assert_double_near(ost_select(&t, 1), 3.0, 0);
    ost_check(&t);
    ost_clear(&t);
}
OST_BOTH(ost_erase_absent, 4)

/* Keys 1..cap fill the pool; one more is refused, the set unchanged. */
static void ost_fill(struct ost *t, size_t cap, double offset) {
    for (size_t i = 1; i <= cap; i++)
        assert_int_equal(ost_insert(t, offset + (double)i), 0);
    assert_int_equal(ost_insert(t, 0.5), -1);
    assert_int_equal(ost_size(t), cap);
    assert_double_near(ost_select(t, 0), offset + 1, 0);
    assert_double_near(ost_select(t, cap - 1), offset + (double)cap, 0);
    ost_check(t);
}

static void ost_full_pool(size_t cap) {
    struct ost t;

    assert_int_equal(ost_init(&t, cap), 0);
    ost_fill(&t, cap, 0);
    /* an erase frees a node for the next insert */
    assert_int_equal(ost_erase(&t, 2.0), 0);
    assert_int_equal(ost_insert(&t, 0.5), 0);
    assert_int_equal(ost_insert(&t, 0.25), -1);
    assert_double_near(ost_select(&t, 0), 0.5, 0);
    assert_double_near(ost_select(&t, 1), 1.0, 0);
    assert_double_near(ost_select(&t, 2), 3.0, 0);
    assert_int_equal(ost_rank(&t, 3.0), 2);
    ost_check(&t);
    ost_clear(&t);
}
OST_BOTH(ost_full_pool, 3)

static void ost_reset_keeps_pool(size_t cap) {
    struct ost t;

    assert_int_equal(ost_init(&t, cap), 0);
    ost_fill(&t, cap, 0);
    ost_reset(&t);
    assert_int_equal(ost_size(&t), 0);
    assert_int_equal(ost_rank(&t, 100), 0);
    assert_int_equal(ost_erase(&t, 1.0), -1);
    ost_check(&t);
    /* the whole pool is free again */
    ost_fill(&t, cap, 10);
    ost_clear(&t);
}
OST_BOTH(ost_reset_keeps_pool, 5)

/* Priorities come from a seeded counter: the same operations build the same tree. */
static void ost_same_shape(size_t cap) {
    struct ost a, b;
    struct rng g;

    assert_int_equal(ost_init(&a, cap), 0);
    assert_int_equal(ost_init(&b, cap), 0);
    rng_seed(&g, 7);
    for (int i = 0; i < 500; i++) {
        double x = ost_draw_key(&g);
        if (i % 3 == 2) {
            assert_int_equal(ost_erase(&a, x), ost_erase(&b, x));
        } else {
            assert_int_equal(ost_insert(&a, x), ost_insert(&b, x));
        }
    }
    assert_int_equal(a.root, b.root);
    assert_int_equal(a.free_head, b.free_head);
    assert_int_equal(a.alloc, b.alloc);
    assert_int_equal(a.small_len, b.small_len);
    if (a.small)
        assert_memory_equal(a.keys, b.keys, a.small_len * sizeof a.keys[0]);
    else
        assert_memory_equal(a.n, b.n, (a.alloc + 1) * sizeof a.n[0]);
    ost_clear(&a);
    ost_clear(&b);
}
OST_BOTH(ost_same_shape, 40)

/* The keys (sorted array) or nodes (treap) start at OST_ALLOC_MIN and double as keys arrive, up
 * to cap; reset keeps what was allocated. */
static void ost_pool_grows(size_t cap) {
    struct ost t;
    size_t held = 0, step = OST_ALLOC_MIN;

    assert_int_equal(ost_init(&t, cap), 0);
    assert_int_equal(t.alloc, OST_ALLOC_MIN);
    for (;;) {
        for (; held < step; held++) /* 7919 is prime and divides no cap here: distinct keys */
            assert_int_equal(ost_insert(&t, (double)(held * 7919 % cap)), 0);
        assert_int_equal(t.alloc, step); /* full, not grown yet */
        ost_check(&t);
        if (step == cap)
            break;
        step = step * 2 < cap ? step * 2 : cap;
    }
    assert_int_equal(ost_insert(&t, 0.5), -1);
    for (size_t k = 0; k < cap; k++) /* every key 0..cap-1 once */
        assert_double_near(ost_select(&t, k), (double)k, 0);
    ost_reset(&t);
    assert_int_equal(t.alloc, cap);
    ost_check(&t);
    ost_fill(&t, cap, 0);
    ost_clear(&t);
    assert_int_equal(t.alloc, 0);
}
OST_BOTH(ost_pool_grows, 1000)

static void test_ost_init_bounds(void **state) {
    struct ost t;
    (void)state;

    assert_int_equal(ost_init(&t, 0), -1);
    assert_int_equal(ost_init(&t, (size_t)INT32_MAX), -1);
    assert_int_equal(ost_init(&t, SIZE_MAX), -1);
    assert_int_equal(ost_init(&t, 1), 0);
    assert_int_equal(t.cap, 1);
    assert_int_equal(ost_insert(&t, -2.5), 0);
    assert_int_equal(ost_insert(&t, -2.5), -1);
    assert_double_near(ost_select(&t, 0), -2.5, 0);
    assert_int_equal(ost_erase(&t, -2.5), 0);
    assert_int_equal(ost_size(&t), 0);
    ost_clear(&t);
    assert_null(t.n);
    assert_null(t.keys);
    assert_int_equal(t.cap, 0);
    ost_clear(&t); /* twice is safe */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ost_random_treap),
        cmocka_unit_test(test_ost_random_small),
        cmocka_unit_test(test_ost_exact),
        cmocka_unit_test(test_ost_duplicates),
        cmocka_unit_test(test_ost_erase_absent),
        cmocka_unit_test(test_ost_full_pool),
        cmocka_unit_test(test_ost_reset_keeps_pool),
        cmocka_unit_test(test_ost_same_shape),
        cmocka_unit_test(test_ost_pool_grows),
        cmocka_unit_test(test_ost_init_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

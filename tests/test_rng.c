/* test_rng.c - rng.h: the published xoshiro256** / splitmix64 stream, determinism, the uniform
 * and normal distributions, and derived streams. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "rng.h"

#define RNG_TEST_SEQ 1000      /* values compared between streams */
#define RNG_TEST_DRAWS 100000  /* draws for the distribution checks */
#define RNG_TEST_STREAMS 1000  /* derived seeds checked for collisions */

/* splitmix64 from seed 0 gives the state 0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4,
 * 0x06c45d188009454f, 0xf88bb8a8724c81ec (Vigna's reference); xoshiro256** then starts as below. */
static void test_reference_stream(void **state) {
    static const uint64_t want[] = {0x99ec5f36cb75f2b4ULL, 0xbf6e1f784956452aULL,
                                    0x1a5f849d4933e6e0ULL};
    struct rng r;
    (void)state;
    rng_seed(&r, 0);
    assert_int_equal(r.s[0], 0xe220a8397b1dcdafULL);
    assert_int_equal(r.s[1], 0x6e789e6aa1b965f4ULL);
    assert_int_equal(r.s[2], 0x06c45d188009454fULL);
    assert_int_equal(r.s[3], 0xf88bb8a8724c81ecULL);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        assert_int_equal(rng_next(&r), want[i]);
    rng_seed(&r, 42);
    assert_int_equal(rng_next(&r), 0x15780b2e0c2ec716ULL);
    assert_int_equal(rng_derive(42, 1), 0x7eb3b394ac9efc29ULL);
}

static void test_same_seed_same_sequence(void **state) {
    struct rng a, b;
    (void)state;
    rng_seed(&a, 12345);
    rng_seed(&b, 12345);
    for (int i = 0; i < RNG_TEST_SEQ; i++) {
        assert_int_equal(rng_next(&a), rng_next(&b));
        assert_true(rng_uniform(&a) == rng_uniform(&b));
        assert_true(rng_normal(&a) == rng_normal(&b));
    }
    /* reseeding restarts the stream, spare normal included */
    rng_seed(&a, 12345);
    rng_normal(&a);
    rng_seed(&a, 99);
    rng_seed(&b, 99);
    assert_int_equal(a.has_spare, 0);
    assert_true(rng_normal(&a) == rng_normal(&b));
}

static void test_different_seeds_differ(void **state) {
    struct rng a, b;
    int same = 0;
    (void)state;
    rng_seed(&a, 1);
    rng_seed(&b, 2);
    for (int i = 0; i < RNG_TEST_SEQ; i++)
        same += rng_next(&a) == rng_next(&b);
    assert_int_equal(same, 0);
}

static void test_uniform_range(void **state) {
    struct rng r;
    double lo = 1, hi = 0, sum = 0;
    (void)state;
    rng_seed(&r, 777);
    for (int i = 0; i < RNG_TEST_DRAWS; i++) {
        double u = rng_uniform(&r);
        assert_true(u >= 0.0 && u < 1.0);
        lo = u < lo ? u : lo;
        hi = u > hi ? u : hi;
        sum += u;
    }
    assert_true(lo < 1e-3);
    assert_true(hi > 1 - 1e-3);
    assert_true(fabs(sum / RNG_TEST_DRAWS - 0.5) < 0.005);
}

static void test_normal_moments(void **state) {
    struct rng r;
    double sum = 0, sum2 = 0, mean, sd;
    int beyond3 = 0;
    (void)state;
    rng_seed(&r, 2024);
    for (int i = 0; i < RNG_TEST_DRAWS; i++) {
        double z = rng_normal(&r);
        assert_true(isfinite(z));
        sum += z;
        sum2 += z * z;
        beyond3 += fabs(z) > 3;
    }
    mean = sum / RNG_TEST_DRAWS;
    sd = sqrt(sum2 / RNG_TEST_DRAWS - mean * mean);
    assert_true(fabs(mean) < 0.02);
    assert_true(fabs(sd - 1.0) < 0.02);
    /* P(|Z| > 3) = 0.0027: 270 expected, a binomial SD of about 16 */
    assert_in_range(beyond3, 200, 340);
}

/* The polar method makes two values at a time: the second is handed out by the next call. */
static void test_normal_spare(void **state) {
    struct rng r;
    double first, second;
    (void)state;
    rng_seed(&r, 5);
    assert_int_equal(r.has_spare, 0);
    first = rng_normal(&r);
    assert_int_equal(r.has_spare, 1);
    second = r.spare;
    assert_true(rng_normal(&r) == second);
    assert_int_equal(r.has_spare, 0);
    assert_true(first != second);
}

static void test_derive_distinct(void **state) {
    static uint64_t seen[RNG_TEST_STREAMS];
    (void)state;
    for (uint64_t s = 0; s < RNG_TEST_STREAMS; s++) {
        seen[s] = rng_derive(42, s);
        assert_int_equal(rng_derive(42, s), seen[s]); /* deterministic */
        assert_true(seen[s] != 42);
        for (uint64_t k = 0; k < s; k++)
            assert_true(seen[k] != seen[s]);
    }
    assert_true(rng_derive(1, 2) != rng_derive(2, 1));
    assert_true(rng_derive(42, 0) != rng_derive(43, 0));
    {
        struct rng a, b;
        int same = 0;
        rng_seed(&a, rng_derive(42, 0));
        rng_seed(&b, rng_derive(42, 1));
        for (int i = 0; i < RNG_TEST_SEQ; i++)
            same += rng_next(&a) == rng_next(&b);
        assert_int_equal(same, 0);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_stream),
        cmocka_unit_test(test_same_seed_same_sequence),
        cmocka_unit_test(test_different_seeds_differ),
        cmocka_unit_test(test_uniform_range),
        cmocka_unit_test(test_normal_moments),
        cmocka_unit_test(test_normal_spare),
        cmocka_unit_test(test_derive_distinct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

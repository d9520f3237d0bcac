/* test_num.c - num.h: JSON and lenient number grammar, exactness against strtod, integer bounds,
 * shortest round-trip and fixed-point formatting. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "rng.h"

#define NUM_SENTINEL 42.0 /* what *out holds before a call that must fail */
#define NUM_RANDOM_STRINGS 20000
#define NUM_RANDOM_DOUBLES 20000

/* Bitwise equality, so -0.0 and 0.0 differ. */
#define assert_same_double(a, b)                                                                   \
    do {                                                                                           \
        double same_got_ = (a), same_want_ = (b);                                                  \
        if (memcmp(&same_got_, &same_want_, sizeof same_got_) != 0)                                \
            fail_msg("%s = %.17g, expected %.17g", #a, same_got_, same_want_);                     \
    } while (0)

struct num_case {
    const char *text;
    enum num_err err; /* expected result */
    double value;     /* expected value when NUM_OK */
};

static void num_check_table(const struct num_case *cases, size_t n, enum num_mode mode) {
    for (size_t i = 0; i < n; i++) {
        double out = NUM_SENTINEL;
        enum num_err e = num_parse_double(cases[i].text, strlen(cases[i].text), mode, &out);
        if (e != cases[i].err)
            fail_msg("\"%s\" (mode %d): got error %d, expected %d", cases[i].text, (int)mode,
                     (int)e, (int)cases[i].err);
        if (e == NUM_OK)
            assert_same_double(out, cases[i].value);
        else
            assert_same_double(out, NUM_SENTINEL); /* untouched on failure */
    }
}

static void test_json_accepts(void **state) {
    static const struct num_case cases[] = {
        {"0", NUM_OK, 0.0},          {"-0", NUM_OK, -0.0},      {"0.5", NUM_OK, 0.5},
        {"10", NUM_OK, 10.0},        {"1e5", NUM_OK, 1e5},      {"1E+5", NUM_OK, 1e5},
        {"1e-5", NUM_OK, 1e-5},      {"-0.0e0", NUM_OK, -0.0},  {"0e0", NUM_OK, 0.0},
        {"201.94", NUM_OK, 201.94},  {"-12.5", NUM_OK, -12.5},  {"0.000001", NUM_OK, 1e-6},
        {"1e-999", NUM_OK, 0.0},     {"0e99999", NUM_OK, 0.0},  {"123456789", NUM_OK, 123456789.0},
    };
    (void)state;
    num_check_table(cases, sizeof cases / sizeof cases[0], NUM_JSON);
}

static void test_json_rejects(void **state) {
    static const struct num_case cases[] = {
        {"", NUM_ESYNTAX, 0},         {"01", NUM_ESYNTAX, 0},       {"-01", NUM_ESYNTAX, 0},
        {"00", NUM_ESYNTAX, 0},       {"1.", NUM_ESYNTAX, 0},       {".5", NUM_ESYNTAX, 0},
        {"-", NUM_ESYNTAX, 0},        {"1e", NUM_ESYNTAX, 0},       {"+1", NUM_ESYNTAX, 0},
        {"1e+", NUM_ESYNTAX, 0},      {"1.e5", NUM_ESYNTAX, 0},     {"-.5", NUM_ESYNTAX, 0},
        {"NaN", NUM_ESYNTAX, 0},      {"Infinity", NUM_ESYNTAX, 0}, {"1 ", NUM_ESYNTAX, 0},
        {" 1", NUM_ESYNTAX, 0},       {"0x10", NUM_ESYNTAX, 0},     {"1.2.3", NUM_ESYNTAX, 0},
        {"--1", NUM_ESYNTAX, 0},      {"1e5.5", NUM_ESYNTAX, 0},    {"e5", NUM_ESYNTAX, 0},
        {"5.", NUM_ESYNTAX, 0},       {"007", NUM_ESYNTAX, 0},      {"inf", NUM_ESYNTAX, 0},
        {"1e999", NUM_ERANGE, 0},     {"-1e999", NUM_ERANGE, 0},
        {"1.7976931348623159e308", NUM_ERANGE, 0},
    };
    (void)state;
    num_check_table(cases, sizeof cases / sizeof cases[0], NUM_JSON);
}

static void test_lenient(void **state) {
    static const struct num_case cases[] = {
        {"+1", NUM_OK, 1.0},          {".5", NUM_OK, 0.5},          {"5.", NUM_OK, 5.0},
        {"007", NUM_OK, 7.0},         {"-.5", NUM_OK, -0.5},        {"+.5e1", NUM_OK, 5.0},
        {"-01", NUM_OK, -1.0},        {"1.e2", NUM_OK, 100.0},      {"0", NUM_OK, 0.0},
        {"nan", NUM_ERANGE, 0},       {"NaN", NUM_ERANGE, 0},       {"inf", NUM_ERANGE, 0},
        {"-inf", NUM_ERANGE, 0},      {"+Infinity", NUM_ERANGE, 0}, {"INF", NUM_ERANGE, 0},
        {"-INFINITY", NUM_ERANGE, 0}, {"1e999", NUM_ERANGE, 0},     {"-1e999", NUM_ERANGE, 0},
        {"", NUM_ESYNTAX, 0},         {"+", NUM_ESYNTAX, 0},        {"-", NUM_ESYNTAX, 0},
        {".", NUM_ESYNTAX, 0},        {"1e", NUM_ESYNTAX, 0},       {"1e+", NUM_ESYNTAX, 0},
        {"e5", NUM_ESYNTAX, 0},       {"1..2", NUM_ESYNTAX, 0},     {"0x10", NUM_ESYNTAX, 0},
        {" 1", NUM_ESYNTAX, 0},       {"1 ", NUM_ESYNTAX, 0},       {"+-1", NUM_ESYNTAX, 0},
        {"nanx", NUM_ESYNTAX, 0},     {"in", NUM_ESYNTAX, 0},       {"infinit", NUM_ESYNTAX, 0},
        {"--inf", NUM_ESYNTAX, 0},    {"abc", NUM_ESYNTAX, 0},
    };
    (void)state;
    num_check_table(cases, sizeof cases / sizeof cases[0], NUM_LENIENT);
}

/* The length is what counts, not a NUL: trailing bytes beyond len are not read. */
static void test_parse_uses_len(void **state) {
    double out = NUM_SENTINEL;
    (void)state;
    assert_int_equal(num_parse_double("12.5xyz", 4, NUM_JSON, &out), NUM_OK);
    assert_same_double(out, 12.5);
    assert_int_equal(num_parse_double("12.5xyz", 5, NUM_JSON, &out), NUM_ESYNTAX);
    assert_same_double(out, 12.5);
}

/* Each string must parse to exactly what strtod gives (ERANGE where strtod overflows). */
static void num_check_vs_strtod(const char *text) {
    double out = NUM_SENTINEL, want = strtod(text, NULL);
    enum num_err e = num_parse_double(text, strlen(text), NUM_JSON, &out);
    if (!isfinite(want)) {
        if (e != NUM_ERANGE)
            fail_msg("\"%s\": got error %d, expected NUM_ERANGE", text, (int)e);
        return;
    }
    if (e != NUM_OK)
        fail_msg("\"%s\": got error %d, expected NUM_OK", text, (int)e);
    if (memcmp(&out, &want, sizeof out) != 0)
        fail_msg("\"%s\": got %.17g, strtod gives %.17g", text, out, want);
}

static void test_edge_values_vs_strtod(void **state) {
    static const char *const texts[] = {
        "9007199254740992",        /* 2^53: fast path */
        "9007199254740993",        /* 2^53 + 1: fallback */
        "9007199254740991",        "123456789012345678", /* 18 digits, mantissa > 2^53 */
        "1234567890123456789",     "12345678901234567890123",
        "1e22",                    "1e23", /* 10^23 is not exact: fallback */
        "1e-22",                   "1e-23",
        "0.1",                     "0.2",
        "0.3",                     "201.94",
        "4.35",                    "8.2e-7",
        "1.7976931348623157e308",  "1.7976931348623158e308",
        "2.2250738585072011e-308", "2.2250738585072014e-308",
        "4.9e-324",                "2.4703282292062327e-324",
        "2.4703282292062328e-324", "1e-400",
        "0.000000000000000000000000000001", "100000000000000000000000000000",
        "3.141592653589793238462643383279", "-0.0000123456789",
        "99999999999999999999",    "0.99999999999999999999",
        "1.00000000000000011102230246251565404236316680908203125", /* halfway 1 and next */
        "1.00000000000000011102230246251565404236316680908203126",
        "7.2057594037927933e16",   "123456.789e-3",
        "9.999999999999999e22",    "1e308",
        "1e309",                   "-1e309",
    };
    (void)state;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        num_check_vs_strtod(texts[i]);
}

/* Builds a random JSON number: sign, 1..20 integer digits (no leading zero), an optional fraction
 * of 1..20 digits and an optional exponent in -340..340. */
static void num_random_text(struct rng *r, char *buf, size_t cap) {
    size_t n = 0;
    int int_digits = 1 + (int)(rng_next(r) % 20);

    if (rng_next(r) % 2)
        buf[n++] = '-';
    if (rng_next(r) % 8 == 0) {
        buf[n++] = '0';
    } else {
        buf[n++] = (char)('1' + rng_next(r) % 9);
        for (int i = 1; i < int_digits; i++)
            buf[n++] = (char)('0' + rng_next(r) % 10);
    }
    if (rng_next(r) % 2) {
        int frac = 1 + (int)(rng_next(r) % 20);
        buf[n++] = '.';
        for (int i = 0; i < frac; i++)
            buf[n++] = (char)('0' + rng_next(r) % 10);
    }
    if (rng_next(r) % 2)
        n += (size_t)snprintf(buf + n, cap - n, "e%d", (int)(rng_next(r) % 681) - 340);
    buf[n] = '\0';
}

static void test_random_strings_vs_strtod(void **state) {
    struct rng r;
    char buf[96];
    (void)state;
    rng_seed(&r, 20240601);
    for (int i = 0; i < NUM_RANDOM_STRINGS; i++) {
        num_random_text(&r, buf, sizeof buf);
        num_check_vs_strtod(buf);
    }
}

/* Short decimals (the fast path's domain) with small exponents. */
static void test_random_short_decimals_vs_strtod(void **state) {
    struct rng r;
    char buf[64];
    (void)state;
    rng_seed(&r, 7);
    for (int i = 0; i < NUM_RANDOM_STRINGS; i++) {
        uint64_t mant = rng_next(&r) % 10000000000000000ULL;
        int exp = (int)(rng_next(&r) % 45) - 22;
        snprintf(buf, sizeof buf, "%llue%d", (unsigned long long)mant, exp);
        num_check_vs_strtod(buf);
    }
}

static void test_text_max(void **state) {
    char buf[NUM_TEXT_MAX + 8];
    double out = NUM_SENTINEL;
    (void)state;

    /* "1." and zeros: exactly NUM_TEXT_MAX bytes is read, one more is refused */
    memset(buf, '0', sizeof buf);
    memcpy(buf, "1.", 2);
    assert_int_equal(num_parse_double(buf, NUM_TEXT_MAX, NUM_JSON, &out), NUM_OK);
    assert_same_double(out, 1.0);
    out = NUM_SENTINEL;
    assert_int_equal(num_parse_double(buf, NUM_TEXT_MAX + 1, NUM_JSON, &out), NUM_ERANGE);
    assert_same_double(out, NUM_SENTINEL);

    /* a zero spelled long is refused too, whichever path it would take */
    memcpy(buf, "0.", 2);
    assert_int_equal(num_parse_double(buf, NUM_TEXT_MAX, NUM_JSON, &out), NUM_OK);
    assert_same_double(out, 0.0);
    out = NUM_SENTINEL;
    assert_int_equal(num_parse_double(buf, NUM_TEXT_MAX + 1, NUM_JSON, &out), NUM_ERANGE);
    assert_same_double(out, NUM_SENTINEL);

    /* leading zeros in lenient mode: 401 bytes of "000...7" */
    memset(buf, '0', sizeof buf);
    buf[NUM_TEXT_MAX] = '7';
    assert_int_equal(num_parse_double(buf, NUM_TEXT_MAX + 1, NUM_LENIENT, &out), NUM_ERANGE);
    assert_same_double(out, NUM_SENTINEL);
    assert_int_equal(num_parse_double(buf + 1, NUM_TEXT_MAX, NUM_LENIENT, &out), NUM_OK);
    assert_same_double(out, 7.0);
}

struct i64_case {
    const char *text;
    int64_t min, max;
    int rc;
    int64_t value;
};

static void test_parse_i64(void **state) {
    static const struct i64_case cases[] = {
        {"0", INT64_MIN, INT64_MAX, 0, 0},
        {"-0", INT64_MIN, INT64_MAX, 0, 0},
        {"+5", INT64_MIN, INT64_MAX, 0, 5},
        {"-17", INT64_MIN, INT64_MAX, 0, -17},
        {"9223372036854775807", INT64_MIN, INT64_MAX, 0, INT64_MAX},
        {"-9223372036854775808", INT64_MIN, INT64_MAX, 0, INT64_MIN},
        {"9223372036854775808", INT64_MIN, INT64_MAX, -1, 0},
        {"-9223372036854775809", INT64_MIN, INT64_MAX, -1, 0},
        {"18446744073709551616", INT64_MIN, INT64_MAX, -1, 0},
        {"99999999999999999999999", INT64_MIN, INT64_MAX, -1, 0},
        {"000000000000000000000000042", INT64_MIN, INT64_MAX, 0, 42},
        {"4", 1, 4, 0, 4},
        {"1", 1, 4, 0, 1},
        {"5", 1, 4, -1, 0},
        {"0", 1, 4, -1, 0},
        {"-1", 0, 10, -1, 0},
        {"", INT64_MIN, INT64_MAX, -1, 0},
        {"-", INT64_MIN, INT64_MAX, -1, 0},
        {"+", INT64_MIN, INT64_MAX, -1, 0},
        {"12a", INT64_MIN, INT64_MAX, -1, 0},
        {" 1", INT64_MIN, INT64_MAX, -1, 0},
        {"1 ", INT64_MIN, INT64_MAX, -1, 0},
        {"1.0", INT64_MIN, INT64_MAX, -1, 0},
        {"1e3", INT64_MIN, INT64_MAX, -1, 0},
        {"--1", INT64_MIN, INT64_MAX, -1, 0},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t out = 12345;
        int rc = num_parse_i64(cases[i].text, strlen(cases[i].text), cases[i].min, cases[i].max,
                               &out);
        if (rc != cases[i].rc)
            fail_msg("\"%s\": got %d, expected %d", cases[i].text, rc, cases[i].rc);
        assert_int_equal(out, rc == 0 ? cases[i].value : 12345);
    }
}

static void num_check_round_trip(double v) {
    char buf[NUM_FMT_MAX];
    size_t n = num_format_double(v, buf);
    double back;
    assert_int_equal(n, strlen(buf));
    assert_true(n < NUM_FMT_MAX);
    back = strtod(buf, NULL);
    if (memcmp(&back, &v, sizeof v) != 0)
        fail_msg("%.17g formatted as \"%s\" reads back as %.17g", v, buf, back);
    /* and it is valid JSON that num reads back the same */
    assert_int_equal(num_parse_double(buf, n, NUM_JSON, &back), NUM_OK);
    assert_same_double(back, v);
}

static void test_format_double_round_trips(void **state) {
    struct rng r;
    (void)state;
    rng_seed(&r, 99);
    for (int i = 0; i < NUM_RANDOM_DOUBLES; i++) {
        uint64_t bits = rng_next(&r);
        double v;
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v))
            continue;
        num_check_round_trip(v);
    }
    for (int i = 0; i < NUM_RANDOM_DOUBLES; i++) /* everyday magnitudes */
        num_check_round_trip((rng_uniform(&r) - 0.5) * pow(10.0, (double)(rng_next(&r) % 20)));
    num_check_round_trip(-0.0);
    num_check_round_trip(0x1p-1074);
    num_check_round_trip(1.7976931348623157e308);
    num_check_round_trip(-2.2250738585072014e-308);
}

struct fmt_case {
    double v;
    const char *text;
};

static void test_format_double_shortest(void **state) {
    static const struct fmt_case cases[] = {
        {0.1, "0.1"},         {201.94, "201.94"},  {1e21, "1e21"},         {0.0, "0"},
        {-0.0, "-0"},         {123.0, "123"},      {-2.5, "-2.5"},         {1e-5, "1e-5"},
        {1e15, "1e15"},       {1e100, "1e100"},    {1.5e-300, "1.5e-300"}, {5e-324, "5e-324"},
        {0.3, "0.3"},         {100.0, "100"},      {123456.789, "123456.789"},
        {0.1 + 0.2, "0.30000000000000004"},        {1.0 / 3.0, "0.3333333333333333"},
        {9007199254740993.0, "9007199254740992"},  {-1e-7, "-1e-7"},
        {1.7976931348623157e308, "1.7976931348623157e308"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[NUM_FMT_MAX];
        size_t n = num_format_double(cases[i].v, buf);
        assert_string_equal(buf, cases[i].text);
        assert_int_equal(n, strlen(cases[i].text));
    }
}

static void test_format_double_nonfinite(void **state) {
    char buf[NUM_FMT_MAX];
    (void)state;
    assert_int_equal(num_format_double(NAN, buf), 1);
    assert_string_equal(buf, "0");
    assert_int_equal(num_format_double(-INFINITY, buf), 1);
    assert_string_equal(buf, "0");
}

struct fixed_case {
    double v;
    int decimals;
    const char *text;
};

static void test_format_fixed(void **state) {
    static const struct fixed_case cases[] = {
        {4.21035, 4, "4.2104"}, /* 42103.5 exactly: llround rounds half away from zero */
        {-4.21035, 4, "-4.2104"},
        {4.2103, 4, "4.2103"},
        {-0.00001, 4, "0.0000"}, /* rounds to zero: no "-0.0000" */
        {-0.00005, 4, "-0.0001"},
        {0.00005, 4, "0.0001"},
        {-0.4, 0, "0"},
        {-0.6, 0, "-1"},
        {2.5, 0, "3"},
        {-2.5, 0, "-3"},
        {1.005, 2, "1.00"}, /* 1.005 is 1.00499999999999989... */
        {0.0, 3, "0.000"},
        {-0.0, 2, "0.00"},
        {7.0, 12, "7.000000000"}, /* decimals clamped to 9 */
        {7.25, -1, "7"},          /* and to 0 */
        {3.14159, 9, "3.141590000"},
        {-1.5, 1, "-1.5"},
        {123456789.123456, 4, "123456789.1235"},
        {999999999.99995, 4, "1000000000.0000"},
        {1e9, 4, "1000000000.0000"},
        {-1234567890.5, 1, "-1234567890.5"},
        {1e20, 9, "100000000000000000000.000000000"}, /* 31 bytes: just fits */
        {1e21, 4, "1000000000000000000000.0000"},
        {1e27, 4, "1e27"}, /* too wide for NUM_FMT_MAX: the shortest exact form */
        {-1e30, 4, "-1e30"},
        {1e300, 0, "1e300"},
        {NAN, 2, "0.00"},
        {INFINITY, 4, "0.0000"},
        {-INFINITY, 0, "0"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[NUM_FMT_MAX];
        size_t n = num_format_fixed(cases[i].v, cases[i].decimals, buf);
        if (strcmp(buf, cases[i].text) != 0)
            fail_msg("%.17g with %d decimals: got \"%s\", expected \"%s\"", cases[i].v,
                     cases[i].decimals, buf, cases[i].text);
        assert_int_equal(n, strlen(cases[i].text));
        assert_true(n < NUM_FMT_MAX);
    }
}

static void test_format_i64(void **state) {
    static const struct {
        int64_t v;
        const char *text;
    } cases[] = {
        {0, "0"},
        {7, "7"},
        {-7, "-7"},
        {1396310700000, "1396310700000"},
        {INT64_MAX, "9223372036854775807"},
        {INT64_MIN, "-9223372036854775808"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[NUM_FMT_MAX];
        assert_int_equal(num_format_i64(cases[i].v, buf), strlen(cases[i].text));
        assert_string_equal(buf, cases[i].text);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_accepts),
        cmocka_unit_test(test_json_rejects),
        cmocka_unit_test(test_lenient),
        cmocka_unit_test(test_parse_uses_len),
        cmocka_unit_test(test_edge_values_vs_strtod),
        cmocka_unit_test(test_random_strings_vs_strtod),
        cmocka_unit_test(test_random_short_decimals_vs_strtod),
        cmocka_unit_test(test_text_max),
        cmocka_unit_test(test_parse_i64),
        cmocka_unit_test(test_format_double_round_trips),
        cmocka_unit_test(test_format_double_shortest),
        cmocka_unit_test(test_format_double_nonfinite),
        cmocka_unit_test(test_format_fixed),
        cmocka_unit_test(test_format_i64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_codec.c - codec.h: decoding good points (every field, the original format, unknown and
 * duplicate fields), a table of refusals with their causes, and encode -> decode round trips. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "rng.h"

#define CODEC_TEST_ERR_MAX 128
#define CODEC_TEST_ROUND_TRIPS 5000
#define CODEC_TEST_TS_MAX 253402300799999LL /* codec.c's largest ts: 9999-12-31T23:59:59.999Z */
#define CODEC_TEST_SEQ_MAX 9007199254740992LL /* 2^53 */

/* err may be NULL: then no reason is written. */
static enum codec_err codec_test_decode(const char *json, struct point *p, char *err) {
    return codec_decode_point(json, strlen(json), p, err, err ? CODEC_TEST_ERR_MAX : 0);
}

static void codec_test_decode_ok(const char *json, struct point *p) {
    char err[CODEC_TEST_ERR_MAX] = "";
    enum codec_err e = codec_test_decode(json, p, err);
    if (e != CODEC_OK)
        fail_msg("%s: %s (%s)", json, codec_err_name(e), err);
}

static void test_full_point(void **state) {
    struct point p;
    (void)state;
    codec_test_decode_ok("{\"series\":\"web-1\",\"seq\":42,\"ts\":1700000000123,"
                         "\"response_time\":201.94,\"phase\":\"NORMAL\",\"label\":1,"
                         "\"unit\":\"ms\"}",
                         &p);
    assert_string_equal(p.series, "web-1");
    assert_int_equal(p.seq, 42);
    assert_int_equal(p.ts, 1700000000123LL);
    assert_true(p.value == 201.94);
    assert_string_equal(p.phase, "NORMAL");
    assert_int_equal(p.label, 1);
    assert_string_equal(p.unit, "ms");
    assert_int_equal(p.has, CODEC_HAS_SEQ | CODEC_HAS_TS | CODEC_HAS_LABEL);
    assert_int_equal(p.value_key, CODEC_KEY_RESPONSE_TIME);
}

/* The original generator's message: its counter "timestamp" becomes seq. */
static void test_original_format(void **state) {
    struct point p;
    (void)state;
    codec_test_decode_ok("{\"response_time\":201.9,\"timestamp\":17}", &p);
    assert_true(p.value == 201.9);
    assert_int_equal(p.seq, 17);
    assert_int_equal(p.has, CODEC_HAS_SEQ);
    assert_string_equal(p.series, CODEC_DEFAULT_SERIES);
    assert_string_equal(p.phase, "");
    assert_string_equal(p.unit, "");
    assert_int_equal(p.label, 0);
    assert_int_equal(p.value_key, CODEC_KEY_RESPONSE_TIME);
}

struct seq_case {
    const char *json;
    unsigned has;
    int64_t seq;
};

/* seq wins over timestamp in either order; a timestamp that is not a non-negative integer is
 * informational only. */
static void test_timestamp_and_seq(void **state) {
    static const struct seq_case cases[] = {
        {"{\"seq\":5,\"timestamp\":17,\"value\":1}", CODEC_HAS_SEQ, 5},
        {"{\"timestamp\":17,\"seq\":5,\"value\":1}", CODEC_HAS_SEQ, 5},
        {"{\"timestamp\":\"2024-01-01T00:00:00Z\",\"value\":1}", 0, 0},
        {"{\"timestamp\":1.5,\"value\":1}", 0, 0},
        {"{\"timestamp\":-3,\"value\":1}", 0, 0},
        {"{\"timestamp\":1e300,\"value\":1}", 0, 0},
        {"{\"timestamp\":null,\"value\":1}", 0, 0},
        {"{\"timestamp\":{\"s\":1},\"value\":1}", 0, 0},
        {"{\"timestamp\":0,\"value\":1}", CODEC_HAS_SEQ, 0},
        {"{\"seq\":-5,\"value\":1}", CODEC_HAS_SEQ, -5},
        {"{\"seq\":9007199254740992,\"value\":1}", CODEC_HAS_SEQ, CODEC_TEST_SEQ_MAX},
        {"{\"seq\":-9007199254740992,\"value\":1}", CODEC_HAS_SEQ, -CODEC_TEST_SEQ_MAX},
        {"{\"seq\":1.0,\"value\":1}", CODEC_HAS_SEQ, 1},
        {"{\"seq\":1e3,\"value\":1}", CODEC_HAS_SEQ, 1000},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct point p;
        codec_test_decode_ok(cases[i].json, &p);
        assert_int_equal(p.has, cases[i].has);
        assert_int_equal(p.seq, cases[i].seq);
    }
}

static void test_value_key(void **state) {
    struct point p;
    (void)state;
    codec_test_decode_ok("{\"value\":3.5,\"unit\":\"%\"}", &p);
    assert_true(p.value == 3.5);
    assert_int_equal(p.value_key, CODEC_KEY_VALUE);
    assert_string_equal(p.unit, "%");
}

static void test_unknown_fields_skipped(void **state) {
    struct point p;
    (void)state;
    codec_test_decode_ok("{\"meta\":{\"a\":[1,2,{\"b\":null,\"c\":[[],{}]}],\"d\":\"x\\\"y\"},"
                         "\"tags\":[\"a\",\"b\"],\"flag\":true,\"off\":false,\"none\":null,"
                         "\"n\":-1.5e3,\"empty\":{},\"list\":[],\"value\":7,\"z\":[true,false]}",
                         &p);
    assert_true(p.value == 7.0);
    assert_string_equal(p.series, CODEC_DEFAULT_SERIES);
    assert_int_equal(p.has, 0);
    /* a known name written with an escape is not matched: here it leaves no value at all */
    assert_int_equal(codec_test_decode("{\"valu\\u0065\":7}", &p, NULL), CODEC_EMISSING);
}

static void test_whitespace(void **state) {
    struct point p;
    (void)state;
    codec_test_decode_ok(" \t\n{ \"value\" :\r\n 1.25 , \"series\" : \"s\" ,\"x\" : [ 1 , { } ] "
                         "}\n ",
                         &p);
    assert_true(p.value == 1.25);
    assert_string_equal(p.series, "s");
}

static void test_escapes_in_unknown_strings(void **state) {
    struct point p;
    (void)state;
    codec_test_decode_ok("{\"note\":\"a\\n\\t\\\"\\\\\\/\\b\\f\\r\\u0041\\uFFfe\",\"value\":2}",
                         &p);
    assert_true(p.value == 2.0);
    codec_test_decode_ok("{\"k\\\"ey\":\"\\\\\",\"value\":3}", &p);
    assert_true(p.value == 3.0);
}

struct label_case {
    const char *json;
    int label;
};

static void test_labels(void **state) {
    static const struct label_case cases[] = {
        {"{\"value\":1,\"label\":true}", 1},
        {"{\"value\":1,\"label\":false}", 0},
        {"{\"value\":1,\"label\":1}", 1},
        {"{\"value\":1,\"label\":0}", 0},
        {"{\"value\":1,\"label\":1.0}", 1},
        {"{\"value\":1,\"label\":-0}", 0},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct point p;
        codec_test_decode_ok(cases[i].json, &p);
        assert_int_equal(p.label, cases[i].label);
        assert_int_equal(p.has, CODEC_HAS_LABEL);
    }
}

static void test_duplicate_keys_last_wins(void **state) {
    struct point p;
    (void)state;
    codec_test_decode_ok("{\"value\":1,\"value\":2}", &p);
    assert_true(p.value == 2.0);
    codec_test_decode_ok("{\"response_time\":1,\"value\":2}", &p);
    assert_true(p.value == 2.0);
    assert_int_equal(p.value_key, CODEC_KEY_VALUE);
    codec_test_decode_ok("{\"value\":2,\"response_time\":1}", &p);
    assert_true(p.value == 1.0);
    assert_int_equal(p.value_key, CODEC_KEY_RESPONSE_TIME);
    codec_test_decode_ok("{\"series\":\"a\",\"value\":1,\"series\":\"b\"}", &p);
    assert_string_equal(p.series, "b");
    codec_test_decode_ok("{\"label\":1,\"value\":1,\"label\":0}", &p);
    assert_int_equal(p.label, 0);
    codec_test_decode_ok("{\"seq\":1,\"seq\":9,\"value\":1}", &p);
    assert_int_equal(p.seq, 9);
    codec_test_decode_ok("{\"phase\":\"HIGH\",\"phase\":\"NORMAL\",\"value\":1}", &p);
    assert_string_equal(p.phase, "NORMAL");
}

struct text_case {
    const char *json;
    const char *phase;
};

static void test_phase_text(void **state) {
    static const struct text_case cases[] = {
        {"{\"value\":1,\"phase\":\"RAMP_UP\"}", "RAMP_UP"},
        {"{\"value\":1,\"phase\":\"a\\tb\"}", "a?b"},
        {"{\"value\":1,\"phase\":\"\\u00e9t\\u00e9\"}", "?t?"},
        {"{\"value\":1,\"phase\":\"\xc3\xa9t\xc3\xa9\"}", "??t??"},
        {"{\"value\":1,\"phase\":\"say \\\"hi\\\"\"}", "say ?hi?"},
        {"{\"value\":1,\"phase\":\"a\\\\b\\/c\"}", "a?b/c"},
        {"{\"value\":1,\"phase\":\"\x7f\"}", "?"},
        {"{\"value\":1,\"phase\":\"\"}", ""},
        {"{\"value\":1,\"phase\":null}", ""},
        /* 40 bytes: cut at CODEC_PHASE_MAX */
        {"{\"value\":1,\"phase\":\"0123456789abcdefghijklmnopqrstuvwxyzABCD\"}",
         "0123456789abcdefghijklmnopqrstuv"},
        /* the cut counts output bytes, escapes included */
        {"{\"value\":1,\"phase\":\"\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041"
         "\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041"
         "\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041"
         "\\u0041\\u0041\"}",
         "????????????????????????????????"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct point p;
        codec_test_decode_ok(cases[i].json, &p);
        assert_string_equal(p.phase, cases[i].phase);
    }
}

static void test_unit_truncated(void **state) {
    struct point p;
    (void)state;
    codec_test_decode_ok("{\"value\":1,\"unit\":\"abcdefghijklmnopqrstuvwxyz\"}", &p);
    assert_string_equal(p.unit, "abcdefghijklmnop");
    assert_int_equal(strlen(p.unit), CODEC_UNIT_MAX);
    codec_test_decode_ok("{\"value\":1,\"unit\":null}", &p);
    assert_string_equal(p.unit, "");
}

static void test_series_names(void **state) {
    static const char name64[] = "0123456789012345678901234567890123456789012345678901234567890123";
    char json[160];
    struct point p;
    (void)state;
    codec_test_decode_ok("{\"series\":\"a-b_c.d:e/f@g\",\"value\":1}", &p);
    assert_string_equal(p.series, "a-b_c.d:e/f@g");
    snprintf(json, sizeof json, "{\"series\":\"%s\",\"value\":1}", name64);
    codec_test_decode_ok(json, &p);
    assert_string_equal(p.series, name64);
    assert_int_equal(codec_series_valid(name64, CODEC_SERIES_MAX), 1);
    assert_int_equal(codec_series_valid(name64, CODEC_SERIES_MAX + 1), 0); /* reads one more */
    assert_int_equal(codec_series_valid("ok", 0), 0);
    assert_int_equal(codec_series_valid("a b", 3), 0);
    assert_int_equal(codec_series_valid("a b", 1), 1);
    assert_int_equal(codec_series_valid("x\"", 2), 0);
}

/* buf need not be NUL-terminated: only len bytes are read. */
static void test_decode_uses_len(void **state) {
    static const char json[] = "{\"value\":5}garbage";
    struct point p;
    (void)state;
    assert_int_equal(codec_decode_point(json, 11, &p, NULL, 0), CODEC_OK);
    assert_true(p.value == 5.0);
    assert_int_equal(codec_decode_point(json, 12, &p, NULL, 0), CODEC_ESYNTAX);
    assert_int_equal(codec_decode_point(json, 10, &p, NULL, 0), CODEC_ESYNTAX);
}

struct bad_case {
    const char *json;
    enum codec_err err;
    const char *why; /* substring of the reason */
};

static void codec_check_bad(const char *json, size_t len, enum codec_err want, const char *why) {
    struct point p;
    struct anomaly a;
    char err[CODEC_TEST_ERR_MAX] = "";
    enum codec_err e = codec_decode_point(json, len, &p, err, sizeof err);
    if (e != want)
        fail_msg("%.100s: got %s (%s), expected %s", json, codec_err_name(e), err,
                 codec_err_name(want));
    if (!strstr(err, why))
        fail_msg("%.100s: reason \"%s\" lacks \"%s\"", json, err, why);
    /* the anomaly decoder refuses the same message the same way */
    assert_int_equal(codec_decode_anomaly(json, len, &a, err, sizeof err), want);
}

static void test_bad_table(void **state) {
    static const struct bad_case cases[] = {
        {"", CODEC_ESIZE, "empty message"},
        /* syntax */
        {"   ", CODEC_ESYNTAX, "expected a JSON object"},
        {"[1]", CODEC_ESYNTAX, "expected a JSON object"},
        {"[{\"value\":1}]", CODEC_ESYNTAX, "expected a JSON object"},
        {"1", CODEC_ESYNTAX, "expected a JSON object"},
        {"\"value\"", CODEC_ESYNTAX, "expected a JSON object"},
        {"null", CODEC_ESYNTAX, "expected a JSON object"},
        {"{\"value\":1} x", CODEC_ESYNTAX, "text after the JSON object"},
        {"{\"value\":1}}", CODEC_ESYNTAX, "text after the JSON object"},
        {"{\"value\":1}{}", CODEC_ESYNTAX, "text after the JSON object"},
        {"{\"value\":1", CODEC_ESYNTAX, "expected ',' or '}'"},
        {"{\"value\":1 \"series\":\"a\"}", CODEC_ESYNTAX, "expected ',' or '}'"},
        {"{\"series\":\"abc", CODEC_ESYNTAX, "unterminated string"},
        {"{\"note\":\"abc\\", CODEC_ESYNTAX, "unterminated string"},
        {"{\"val", CODEC_ESYNTAX, "unterminated string"},
        {"{\"note\":\"a\\x\",\"value\":1}", CODEC_ESYNTAX, "bad escape in string"},
        {"{\"note\":\"a\\'\",\"value\":1}", CODEC_ESYNTAX, "bad escape in string"},
        {"{\"note\":\"\\u12G4\",\"value\":1}", CODEC_ESYNTAX, "bad \\u escape"},
        {"{\"note\":\"\\u12\"}", CODEC_ESYNTAX, "bad \\u escape"},
        {"{\"note\":\"\\u", CODEC_ESYNTAX, "bad \\u escape"},
        {"{\"note\":\"a\nb\",\"value\":1}", CODEC_ESYNTAX, "control character in string"},
        {"{\"phase\":\"a\tb\",\"value\":1}", CODEC_ESYNTAX, "control character in string"},
        {"{\"value\" 1}", CODEC_ESYNTAX, "expected ':'"},
        {"{value:1}", CODEC_ESYNTAX, "expected a key"},
        {"{\"value\":1,}", CODEC_ESYNTAX, "expected a key"},
        {"{,\"value\":1}", CODEC_ESYNTAX, "expected a key"},
        {"{\"a\":tru,\"value\":1}", CODEC_ESYNTAX, "bad literal"},
        {"{\"a\":nul,\"value\":1}", CODEC_ESYNTAX, "bad literal"},
        {"{\"a\":fals,\"value\":1}", CODEC_ESYNTAX, "bad literal"},
        {"{\"value\":}", CODEC_ESYNTAX, "expected a value"},
        {"{\"value\":", CODEC_ESYNTAX, "expected a value"},
        {"{\"a\":}", CODEC_ESYNTAX, "expected a value"},
        {"{\"value\":-}", CODEC_ESYNTAX, "malformed number"},
        {"{\"value\":01}", CODEC_ESYNTAX, "malformed number"},
        {"{\"value\":+1}", CODEC_ESYNTAX, "malformed number"},
        {"{\"value\":1.}", CODEC_ESYNTAX, "malformed number"},
        {"{\"value\":.5}", CODEC_ESYNTAX, "malformed number"},
        {"{\"value\":1e}", CODEC_ESYNTAX, "malformed number"},
        {"{\"value\":1.2.3}", CODEC_ESYNTAX, "malformed number"},
        {"{\"x\":[1 2],\"value\":1}", CODEC_ESYNTAX, "expected ',' or a closing bracket"},
        {"{\"x\":[1,],\"value\":1}", CODEC_ESYNTAX, "expected a value"},
        {"{\"x\":{\"a\" 1},\"value\":1}", CODEC_ESYNTAX, "expected ':'"},
        {"{\"x\":{1:2},\"value\":1}", CODEC_ESYNTAX, "expected a key"},
        {"{\"x\":[1}", CODEC_ESYNTAX, "expected ',' or a closing bracket"},
        {"{\"x\":[", CODEC_ESYNTAX, "expected a value"},
        /* a known field's value cut short or malformed is a syntax error, not a type error */
        {"{\"series\":", CODEC_ESYNTAX, "expected a value"},
        {"{\"series\":}", CODEC_ESYNTAX, "expected a value"},
        {"{\"series\":tru}", CODEC_ESYNTAX, "bad literal"},
        {"{\"phase\":[1,", CODEC_ESYNTAX, "expected a value"},
        {"{\"value\":\"1", CODEC_ESYNTAX, "unterminated string"},
        {"{\"value\":[1,", CODEC_ESYNTAX, "expected a value"},
        {"{\"value\":{\"a\"}", CODEC_ESYNTAX, "expected ':'"},
        /* type */
        {"{\"series\":1e999,\"value\":1}", CODEC_ETYPE, "series must be a string"},
        {"{\"value\":\"1\"}", CODEC_ETYPE, "value must be a number"},
        {"{\"value\":null}", CODEC_ETYPE, "value must be a number"},
        {"{\"value\":true}", CODEC_ETYPE, "value must be a number"},
        {"{\"value\":false}", CODEC_ETYPE, "value must be a number"},
        {"{\"value\":{}}", CODEC_ETYPE, "value must be a number"},
        {"{\"value\":[1]}", CODEC_ETYPE, "value must be a number"},
        {"{\"response_time\":\"201\"}", CODEC_ETYPE, "response_time must be a number"},
        {"{\"series\":5,\"value\":1}", CODEC_ETYPE, "series must be a string"},
        {"{\"series\":null,\"value\":1}", CODEC_ETYPE, "series must be a string"},
        {"{\"series\":[\"a\"],\"value\":1}", CODEC_ETYPE, "series must be a string"},
        {"{\"seq\":\"1\",\"value\":1}", CODEC_ETYPE, "seq must be a number"},
        {"{\"ts\":null,\"value\":1}", CODEC_ETYPE, "ts must be a number"},
        {"{\"label\":\"1\",\"value\":1}", CODEC_ETYPE, "label must be a number"},
        {"{\"label\":null,\"value\":1}", CODEC_ETYPE, "label must be a number"},
        {"{\"phase\":5,\"value\":1}", CODEC_ETYPE, "phase must be a string"},
        {"{\"unit\":true,\"value\":1}", CODEC_ETYPE, "unit must be a string"},
        /* range */
        {"{\"value\":NaN}", CODEC_ERANGE, "number is not finite"},
        {"{\"value\":Infinity}", CODEC_ERANGE, "number is not finite"},
        {"{\"value\":-Infinity}", CODEC_ERANGE, "number is not finite"},
        {"{\"value\":1e999}", CODEC_ERANGE, "number out of range"},
        {"{\"value\":-1e999}", CODEC_ERANGE, "number out of range"},
        {"{\"other\":NaN,\"value\":1}", CODEC_ERANGE, "number is not finite"},
        {"{\"label\":2,\"value\":1}", CODEC_ERANGE, "label must be 0 or 1"},
        {"{\"label\":-1,\"value\":1}", CODEC_ERANGE, "label must be 0 or 1"},
        {"{\"label\":0.5,\"value\":1}", CODEC_ERANGE, "label must be 0 or 1"},
        {"{\"ts\":-1,\"value\":1}", CODEC_ERANGE, "ts must be Unix milliseconds"},
        {"{\"ts\":253402300800000,\"value\":1}", CODEC_ERANGE, "ts must be Unix milliseconds"},
        {"{\"ts\":1e300,\"value\":1}", CODEC_ERANGE, "ts must be Unix milliseconds"},
        {"{\"seq\":1.5,\"value\":1}", CODEC_ERANGE, "seq must be an integer in range"},
        {"{\"seq\":1e16,\"value\":1}", CODEC_ERANGE, "seq must be an integer in range"},
        {"{\"seq\":-1e300,\"value\":1}", CODEC_ERANGE, "seq must be an integer in range"},
        {"{\"seq\":1e300,\"value\":1}", CODEC_ERANGE, "seq must be an integer in range"},
        /* missing */
        {"{}", CODEC_EMISSING, "no response_time or value"},
        {"{\"series\":\"a\"}", CODEC_EMISSING, "no response_time or value"},
        {"{\"values\":1,\"Value\":2}", CODEC_EMISSING, "no response_time or value"},
        /* series */
        {"{\"series\":\"\",\"value\":1}", CODEC_ESERIES, "series must be 1-64 characters"},
        {"{\"series\":\"a b\",\"value\":1}", CODEC_ESERIES, "series must be 1-64 characters"},
        {"{\"series\":\"\xc3\xa9\",\"value\":1}", CODEC_ESERIES, "series must be 1-64"},
        {"{\"series\":\"a\\u0062\",\"value\":1}", CODEC_ESERIES, "series must be 1-64"},
        {"{\"series\":\"tab\\t\",\"value\":1}", CODEC_ESERIES, "series must be 1-64"},
        {"{\"series\":\"a,b\",\"value\":1}", CODEC_ESERIES, "series must be 1-64"},
        {"{\"series\":\"01234567890123456789012345678901234567890123456789012345678901234\","
         "\"value\":1}",
         CODEC_ESERIES, "series must be 1-64"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        codec_check_bad(cases[i].json, strlen(cases[i].json), cases[i].err, cases[i].why);
}

/* {"x":[[...]],"value":1} with `depth` nested arrays inside the object. */
static void codec_nested_arrays(char *buf, size_t cap, int depth) {
    size_t n = (size_t)snprintf(buf, cap, "{\"x\":");
    memset(buf + n, '[', (size_t)depth);
    n += (size_t)depth;
    memset(buf + n, ']', (size_t)depth);
    n += (size_t)depth;
    snprintf(buf + n, cap - n, ",\"value\":1}");
}

/* {"x":{"a":{"a":...{}}},"value":1} with `depth` nested objects inside the object. */
static void codec_nested_objects(char *buf, size_t cap, int depth) {
    size_t n = (size_t)snprintf(buf, cap, "{\"x\":");
    for (int i = 0; i < depth - 1; i++)
        n += (size_t)snprintf(buf + n, cap - n, "{\"a\":");
    n += (size_t)snprintf(buf + n, cap - n, "{}");
    memset(buf + n, '}', (size_t)(depth - 1));
    n += (size_t)(depth - 1);
    snprintf(buf + n, cap - n, ",\"value\":1}");
}

/* The object counts as the first level: CODEC_DEPTH_MAX levels in all are skipped, one more is
 * refused. */
static void test_nesting_depth(void **state) {
    char buf[1024];
    struct point p;
    (void)state;
    codec_nested_arrays(buf, sizeof buf, CODEC_DEPTH_MAX - 1);
    codec_test_decode_ok(buf, &p);
    assert_true(p.value == 1.0);
    codec_nested_arrays(buf, sizeof buf, CODEC_DEPTH_MAX);
    codec_check_bad(buf, strlen(buf), CODEC_ESYNTAX, "nesting too deep");
    codec_nested_arrays(buf, sizeof buf, 100);
    codec_check_bad(buf, strlen(buf), CODEC_ESYNTAX, "nesting too deep");
    codec_nested_objects(buf, sizeof buf, CODEC_DEPTH_MAX - 1);
    codec_test_decode_ok(buf, &p);
    assert_true(p.value == 1.0);
    codec_nested_objects(buf, sizeof buf, CODEC_DEPTH_MAX);
    codec_check_bad(buf, strlen(buf), CODEC_ESYNTAX, "nesting too deep");
}

static void test_size_limits(void **state) {
    static char big[CODEC_MSG_MAX_BYTES + 2];
    static const char head[] = "{\"value\":1,\"pad\":\"";
    struct point p;
    char err[CODEC_TEST_ERR_MAX] = "";
    size_t n;
    (void)state;
    /* exactly CODEC_MSG_MAX_BYTES: decoded */
    memcpy(big, head, sizeof head - 1);
    n = CODEC_MSG_MAX_BYTES - 2;
    memset(big + sizeof head - 1, 'x', n - (sizeof head - 1));
    memcpy(big + n, "\"}", 2);
    assert_int_equal(codec_decode_point(big, CODEC_MSG_MAX_BYTES, &p, err, sizeof err), CODEC_OK);
    assert_true(p.value == 1.0);
    /* one byte more: refused unread */
    memcpy(big + n, "x\"}", 3);
    assert_int_equal(codec_decode_point(big, CODEC_MSG_MAX_BYTES + 1, &p, err, sizeof err),
                     CODEC_ESIZE);
    assert_string_equal(err, "message too large");
    assert_int_equal(codec_decode_point("", 0, &p, err, sizeof err), CODEC_ESIZE);
    assert_string_equal(err, "empty message");
}

/* err may be NULL when errlen is 0. */
static void test_no_error_buffer(void **state) {
    struct point p;
    (void)state;
    assert_int_equal(codec_decode_point("{", 1, &p, NULL, 0), CODEC_ESYNTAX);
    assert_int_equal(codec_decode_point("{}", 2, &p, NULL, 0), CODEC_EMISSING);
}

static void codec_check_point_equal(const struct point *a, const struct point *b) {
    assert_string_equal(a->series, b->series);
    assert_memory_equal(&a->value, &b->value, sizeof a->value);
    assert_int_equal(a->has, b->has);
    if (a->has & CODEC_HAS_SEQ)
        assert_int_equal(a->seq, b->seq);
    if (a->has & CODEC_HAS_TS)
        assert_int_equal(a->ts, b->ts);
    if (a->has & CODEC_HAS_LABEL)
        assert_int_equal(a->label, b->label);
    assert_string_equal(a->phase, b->phase);
    assert_string_equal(a->unit, b->unit);
    assert_int_equal(a->value_key, b->value_key);
}

static void codec_point_fill(struct point *p, const char *series, double value) {
    memset(p, 0, sizeof *p);
    snprintf(p->series, sizeof p->series, "%s", series);
    p->value = value;
}

static void test_encode_point_exact(void **state) {
    struct point p, back;
    char out[CODEC_OUT_MAX];
    size_t n;
    (void)state;
    codec_point_fill(&p, "web-1", 201.94);
    p.seq = 42;
    p.ts = 1700000000123LL;
    p.label = 1;
    p.has = CODEC_HAS_SEQ | CODEC_HAS_TS | CODEC_HAS_LABEL;
    strcpy(p.phase, "HIGH");
    strcpy(p.unit, "ms");
    n = codec_encode_point(&p, out);
    assert_string_equal(out, "{\"series\":\"web-1\",\"seq\":42,\"ts\":1700000000123,"
                             "\"response_time\":201.94,\"unit\":\"ms\",\"phase\":\"HIGH\","
                             "\"label\":1}");
    assert_int_equal(n, strlen(out));
    codec_test_decode_ok(out, &back);
    codec_check_point_equal(&p, &back);

    codec_point_fill(&p, "cpu", 0.1);
    p.value_key = CODEC_KEY_VALUE;
    n = codec_encode_point(&p, out);
    assert_string_equal(out, "{\"series\":\"cpu\",\"value\":0.1}");
    assert_int_equal(n, strlen(out));
    codec_test_decode_ok(out, &back);
    codec_check_point_equal(&p, &back);
}

static void test_point_round_trips(void **state) {
    static const char *const phases[] = {"", "NORMAL", "RAMP_UP", "HIGH", "RAMP_DOWN"};
    static const char *const units[] = {"", "%", "MB/s", "KB/s"};
    struct rng r;
    (void)state;
    rng_seed(&r, 4242);
    for (int i = 0; i < CODEC_TEST_ROUND_TRIPS; i++) {
        struct point p, back;
        char out[CODEC_OUT_MAX], name[CODEC_SERIES_MAX + 1];
        uint64_t bits = rng_next(&r);
        double v;

        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v) || i % 2)
            v = (rng_uniform(&r) - 0.3) * 1000.0;
        snprintf(name, sizeof name, "s%d.x:y/z@w-%llu", i, (unsigned long long)(bits % 1000));
        codec_point_fill(&p, name, v);
        p.has = (unsigned)(rng_next(&r) % 8);
        p.seq = (int64_t)(rng_next(&r) % (2 * (uint64_t)CODEC_TEST_SEQ_MAX + 1)) -
                CODEC_TEST_SEQ_MAX;
        p.ts = (int64_t)(rng_next(&r) % ((uint64_t)CODEC_TEST_TS_MAX + 1));
        p.label = (int)(rng_next(&r) % 2);
        snprintf(p.phase, sizeof p.phase, "%s", phases[rng_next(&r) % 5]);
        snprintf(p.unit, sizeof p.unit, "%s", units[rng_next(&r) % 4]);
        p.value_key = rng_next(&r) % 2 ? CODEC_KEY_VALUE : CODEC_KEY_RESPONSE_TIME;
        codec_encode_point(&p, out);
        codec_test_decode_ok(out, &back);
        codec_check_point_equal(&p, &back);
    }
}

static void codec_anomaly_fill(struct anomaly *a) {
    memset(a, 0, sizeof *a);
    codec_point_fill(&a->pt, "web-1", 260.5);
    a->pt.seq = 7;
    a->pt.ts = 1396310700000LL;
    a->pt.has = CODEC_HAS_SEQ | CODEC_HAS_TS;
    strcpy(a->pt.phase, "HIGH");
    strcpy(a->detector, "sma");
    a->score = 3.25;
    a->mean = 200.5;
    a->std = 2.5;
    a->threshold = 2.0;
    a->severity = SEV_HIGH;
}

static void codec_check_anomaly_equal(const struct anomaly *a, const struct anomaly *b) {
    codec_check_point_equal(&a->pt, &b->pt);
    assert_string_equal(a->detector, b->detector);
    assert_true(a->score == b->score);
    assert_true(a->mean == b->mean);
    assert_true(a->std == b->std);
    assert_true(a->threshold == b->threshold);
    assert_int_equal(a->severity, b->severity);
}

static void test_anomaly_round_trip(void **state) {
    struct anomaly a, back;
    char out[CODEC_OUT_MAX], err[CODEC_TEST_ERR_MAX] = "";
    size_t n;
    (void)state;
    codec_anomaly_fill(&a);
    n = codec_encode_anomaly(&a, out);
    assert_string_equal(out, "{\"series\":\"web-1\",\"seq\":7,\"ts\":1396310700000,"
                             "\"response_time\":260.5,\"phase\":\"HIGH\",\"anomaly\":true,"
                             "\"detector\":\"sma\",\"score\":3.2500,\"mean\":200.5,\"std\":2.5,"
                             "\"threshold\":2,\"severity\":\"high\"}");
    assert_int_equal(n, strlen(out));
    assert_non_null(strstr(out, "\"anomaly\":true"));
    assert_non_null(strstr(out, "\"severity\":\"high\""));
    assert_int_equal(codec_decode_anomaly(out, n, &back, err, sizeof err), CODEC_OK);
    codec_check_anomaly_equal(&a, &back);

    /* the point decoder reads an anomaly message as its point */
    {
        struct point p;
        codec_test_decode_ok(out, &p);
        codec_check_point_equal(&a.pt, &p);
    }
}

/* Each severity encodes under its own name and decodes back; score keeps 4 decimals and
 * mean/std 10 significant digits. */
static void test_anomaly_severities_and_rounding(void **state) {
    (void)state;
    for (int s = SEV_LOW; s < SEV_COUNT; s++) {
        struct anomaly a, back;
        char out[CODEC_OUT_MAX], want[64];
        codec_anomaly_fill(&a);
        a.severity = (enum severity)s;
        a.score = -3.14159265;
        a.mean = 1.0 / 3.0;
        a.std = 123456.789012345;
        a.pt.value_key = CODEC_KEY_VALUE;
        codec_encode_anomaly(&a, out);
        snprintf(want, sizeof want, "\"severity\":\"%s\"}", codec_severity_name(a.severity));
        assert_non_null(strstr(out, want));
        assert_non_null(strstr(out, "\"value\":260.5,"));
        assert_non_null(strstr(out, "\"score\":-3.1416,\"mean\":0.3333333333,"
                                    "\"std\":123456.789,"));
        assert_int_equal(codec_decode_anomaly(out, strlen(out), &back, NULL, 0), CODEC_OK);
        assert_int_equal(back.severity, s);
        assert_true(back.score == -3.1416);
        assert_true(back.mean == 0.3333333333);
        assert_true(back.std == 123456.789);
    }
}

/* Absent anomaly fields decode to their zero values; bad ones are refused. */
static void test_decode_anomaly_fields(void **state) {
    static const struct bad_case bad[] = {
        {"{\"value\":1,\"severity\":\"extreme\"}", CODEC_ERANGE, "severity must be"},
        {"{\"value\":1,\"severity\":3}", CODEC_ETYPE, "severity must be a string"},
        {"{\"value\":1,\"detector\":5}", CODEC_ETYPE, "detector must be a string"},
        {"{\"value\":1,\"score\":\"x\"}", CODEC_ETYPE, "score must be a number"},
        {"{\"value\":1,\"mean\":null}", CODEC_ETYPE, "mean must be a number"},
        {"{\"value\":1,\"std\":[]}", CODEC_ETYPE, "std must be a number"},
        {"{\"value\":1,\"threshold\":NaN}", CODEC_ERANGE, "number is not finite"},
        {"{\"value\":1,\"anomaly\":tru}", CODEC_ESYNTAX, "bad literal"},
    };
    struct anomaly a;
    char err[CODEC_TEST_ERR_MAX];
    (void)state;
    assert_int_equal(codec_decode_anomaly("{\"value\":1}", 11, &a, err, sizeof err), CODEC_OK);
    assert_string_equal(a.detector, "");
    assert_true(a.score == 0 && a.mean == 0 && a.std == 0 && a.threshold == 0);
    assert_int_equal(a.severity, SEV_NONE);
    {
        static const char json[] = "{\"value\":1,\"anomaly\":{\"x\":[1]},\"severity\":\"none\","
                                   "\"detector\":\"a-very-long-detector-name\"}";
        assert_int_equal(codec_decode_anomaly(json, strlen(json), &a, err, sizeof err), CODEC_OK);
    }
    assert_int_equal(a.severity, SEV_NONE);
    assert_string_equal(a.detector, "a-very-long-dete");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        enum codec_err e = codec_decode_anomaly(bad[i].json, strlen(bad[i].json), &a, err,
                                                sizeof err);
        if (e != bad[i].err || !strstr(err, bad[i].why))
            fail_msg("%s: got %s (%s), expected %s (%s)", bad[i].json, codec_err_name(e), err,
                     codec_err_name(bad[i].err), bad[i].why);
    }
    /* a point decoder skips the anomaly fields whatever they hold */
    {
        struct point p;
        codec_test_decode_ok("{\"value\":1,\"severity\":3,\"detector\":5,\"score\":\"x\"}", &p);
    }
}

/* The largest message: every name at its maximum and made of characters that need escaping. */
static void test_encode_fits_out_max(void **state) {
    struct anomaly a, back;
    char out[CODEC_OUT_MAX + 1];
    size_t n;
    (void)state;
    memset(&a, 0, sizeof a);
    memset(a.pt.series, '@', CODEC_SERIES_MAX);
    memset(a.pt.phase, '"', CODEC_PHASE_MAX);
    memset(a.pt.unit, '\\', CODEC_UNIT_MAX);
    memset(a.detector, '"', CODEC_DETECTOR_MAX);
    a.pt.value = -2.2250738585072014e-308;
    a.pt.seq = -CODEC_TEST_SEQ_MAX;
    a.pt.ts = INT64_MIN;
    a.pt.has = CODEC_HAS_SEQ | CODEC_HAS_TS | CODEC_HAS_LABEL;
    a.score = -1e300;
    a.mean = -1.234567891e-300;
    a.std = 1.234567891e300;
    a.threshold = -1.2345678901234567e-300;
    a.severity = SEV_MEDIUM;
    n = codec_encode_anomaly(&a, out);
    assert_true(n < CODEC_OUT_MAX);
    assert_int_equal(n, strlen(out));
    assert_int_equal(out[n - 1], '}');
    /* it is well-formed: the decoder reads it (ts is outside its range) */
    assert_int_equal(codec_decode_anomaly(out, n, &back, NULL, 0), CODEC_ERANGE);
    a.pt.ts = 0;
    n = codec_encode_anomaly(&a, out);
    assert_int_equal(codec_decode_anomaly(out, n, &back, NULL, 0), CODEC_OK);
    assert_string_equal(back.pt.phase, "????????????????????????????????");
    assert_true(back.threshold == a.threshold);
    assert_true(back.score == -1e300);
}

static void test_severity_names(void **state) {
    static const char *const names[SEV_COUNT] = {"none", "low", "medium", "high"};
    (void)state;
    for (int s = 0; s < SEV_COUNT; s++) {
        enum severity out = SEV_COUNT;
        assert_string_equal(codec_severity_name((enum severity)s), names[s]);
        assert_int_equal(codec_severity_parse(names[s], strlen(names[s]), &out), 0);
        assert_int_equal(out, s);
    }
    assert_string_equal(codec_severity_name(SEV_COUNT), "none");
    {
        static const char *const bad[] = {"", "HIGH", "hig", "highx", "extreme", "lo w"};
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            enum severity out = SEV_LOW;
            assert_int_equal(codec_severity_parse(bad[i], strlen(bad[i]), &out), -1);
            assert_int_equal(out, SEV_LOW);
        }
        enum severity out = SEV_NONE;
        assert_int_equal(codec_severity_parse("highx", 4, &out), 0); /* len, not NUL */
        assert_int_equal(out, SEV_HIGH);
    }
}

static void test_err_names(void **state) {
    static const char *const names[CODEC_ERR_COUNT] = {"ok",    "size",    "syntax", "type",
                                                       "range", "missing", "series"};
    (void)state;
    for (int e = 0; e < CODEC_ERR_COUNT; e++)
        assert_string_equal(codec_err_name((enum codec_err)e), names[e]);
    assert_string_equal(codec_err_name(CODEC_ERR_COUNT), "unknown");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_point),
        cmocka_unit_test(test_original_format),
        cmocka_unit_test(test_timestamp_and_seq),
        cmocka_unit_test(test_value_key),
        cmocka_unit_test(test_unknown_fields_skipped),
        cmocka_unit_test(test_whitespace),
        cmocka_unit_test(test_escapes_in_unknown_strings),
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_duplicate_keys_last_wins),
        cmocka_unit_test(test_phase_text),
        cmocka_unit_test(test_unit_truncated),
        cmocka_unit_test(test_series_names),
        cmocka_unit_test(test_decode_uses_len),
        cmocka_unit_test(test_bad_table),
        cmocka_unit_test(test_nesting_depth),
        cmocka_unit_test(test_size_limits),
        cmocka_unit_test(test_no_error_buffer),
        cmocka_unit_test(test_encode_point_exact),
        cmocka_unit_test(test_point_round_trips),
        cmocka_unit_test(test_anomaly_round_trip),
        cmocka_unit_test(test_anomaly_severities_and_rounding),
        cmocka_unit_test(test_decode_anomaly_fields),
        cmocka_unit_test(test_encode_fits_out_max),
        cmocka_unit_test(test_severity_names),
        cmocka_unit_test(test_err_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_cfg.c - cfg.h on a local option table holding every cfg_type: precedence, both flag forms,
 * refusals with their exact messages (flag or variable named), positionals and --help text. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cfg.h"

#define TCONF_POSITIONAL_MAX 2
#define TCONF_ARGS_MAX 16

struct tconf {
    int verbose;
    long window;
    double threshold;
    const char *name;
    int algo;
    int pair; /* a*100 + b from "a:b" */
};

static const char *const tconf_algos[] = {"sma", "ema", NULL};

/* CFG_FUNC parser: "a:b" with single digits. */
static int tconf_parse_pair(void *conf, const char *value, char *err, size_t errlen) {
    struct tconf *c = conf;
    if (strlen(value) != 3 || value[1] != ':' || value[0] < '0' || value[0] > '9' ||
        value[2] < '0' || value[2] > '9') {
        snprintf(err, errlen, "expected A:B (digits), got \"%s\"", value);
        return -1;
    }
    c->pair = (value[0] - '0') * 100 + (value[2] - '0');
    return 0;
}

static const struct cfg_opt tconf_opts[] = {
    {.name = "verbose", .type = CFG_BOOL, .offset = offsetof(struct tconf, verbose),
     .env = "T_VERBOSE", .help = "say more"},
    {.name = "window", .type = CFG_INT, .offset = offsetof(struct tconf, window),
     .env = "T_WINDOW", .metavar = "N", .help = "points in the baseline", .min = 2,
     .max = 100000},
    {.name = "threshold", .type = CFG_DOUBLE, .offset = offsetof(struct tconf, threshold),
     .env = "T_THRESHOLD", .metavar = "Z", .help = "flag at |z| >= Z", .min = 0.5, .max = 10},
    {.name = "name", .type = CFG_STRING, .offset = offsetof(struct tconf, name),
     .env = "T_NAME", .metavar = "S", .help = "a short name", .max = 8},
    {.name = "algo", .type = CFG_CHOICE, .offset = offsetof(struct tconf, algo), .env = "T_ALGO",
     .metavar = "A", .help = "sma or ema", .choices = tconf_algos},
    {.name = "pair", .type = CFG_FUNC, .offset = 0, .metavar = "A:B", .help = "two digits",
     .parse = tconf_parse_pair},
};

#define TCONF_NOPTS (sizeof tconf_opts / sizeof tconf_opts[0])

static const struct tconf tconf_defaults = {0, 25, 2.0, "dflt", 0, 0};

/* One parse: argv (program name added) and envp, both NULL-terminated lists. */
struct tparse {
    struct tconf conf;
    const char *positional[TCONF_POSITIONAL_MAX];
    size_t npositional;
    char err[CFG_ERR_MAX];
    enum cfg_result rc;
};

static void tparse_run(struct tparse *t, const char *const *args, const char *const *env) {
    char *argv[TCONF_ARGS_MAX + 1];
    int argc = 0;

    argv[argc++] = (char *)"prog";
    for (size_t i = 0; args && args[i]; i++)
        argv[argc++] = (char *)args[i];
    argv[argc] = NULL;
    t->conf = tconf_defaults;
    t->npositional = 99;
    strcpy(t->err, "");
    t->rc = cfg_parse(tconf_opts, TCONF_NOPTS, &t->conf, argc, argv, (char *const *)env,
                      t->positional, TCONF_POSITIONAL_MAX, &t->npositional, t->err,
                      sizeof t->err);
}

static void test_defaults_kept(void **state) {
    static const char *const env[] = {"PATH=/bin", "HOME=/root", "NOEQUALS", NULL};
    struct tparse t;
    (void)state;
    tparse_run(&t, NULL, env);
    assert_int_equal(t.rc, CFG_OK);
    assert_int_equal(t.npositional, 0);
    assert_int_equal(t.conf.verbose, 0);
    assert_int_equal(t.conf.window, 25);
    assert_true(t.conf.threshold == 2.0);
    assert_string_equal(t.conf.name, "dflt");
    assert_int_equal(t.conf.algo, 0);
    assert_int_equal(t.conf.pair, 0);
    tparse_run(&t, NULL, NULL);
    assert_int_equal(t.rc, CFG_OK);
    assert_int_equal(t.conf.window, 25);
}

static void tconf_check_all_set(const struct tparse *t) {
    assert_int_equal(t->rc, CFG_OK);
    assert_int_equal(t->conf.verbose, 1);
    assert_int_equal(t->conf.window, 300);
    assert_true(t->conf.threshold == 3.5);
    assert_string_equal(t->conf.name, "cpu");
    assert_int_equal(t->conf.algo, 1);
    assert_int_equal(t->conf.pair, 407);
    assert_int_equal(t->npositional, 0);
}

static void test_equals_form(void **state) {
    static const char *const args[] = {"--verbose", "--window=300", "--threshold=3.5",
                                       "--name=cpu", "--algo=ema", "--pair=4:7", NULL};
    struct tparse t;
    (void)state;
    tparse_run(&t, args, NULL);
    tconf_check_all_set(&t);
}

static void test_separate_value_form(void **state) {
    static const char *const args[] = {"--window", "300", "--threshold", "3.5", "--name", "cpu",
                                       "--algo",   "ema", "--pair",      "4:7", "--verbose", NULL};
    struct tparse t;
    (void)state;
    tparse_run(&t, args, NULL);
    tconf_check_all_set(&t);
    assert_ptr_equal(t.conf.name, args[5]); /* strings are borrowed from argv */
}

static void test_env_sets_every_type(void **state) {
    static const char *const env[] = {"T_VERBOSE=yes", "T_WINDOW=300", "T_THRESHOLD=3.5",
                                      "T_NAME=cpu",    "T_ALGO=ema",   NULL};
    static const char *const args[] = {"--pair", "4:7", NULL};
    struct tparse t;
    (void)state;
    tparse_run(&t, args, env);
    tconf_check_all_set(&t);
    assert_ptr_equal(t.conf.name, env[3] + strlen("T_NAME="));
}

static void test_argv_beats_env(void **state) {
    static const char *const env[] = {"T_WINDOW=50", "T_ALGO=ema", "T_VERBOSE=1", NULL};
    static const char *const args[] = {"--window", "30", "--algo=sma", "--verbose=off", NULL};
    struct tparse t;
    (void)state;
    tparse_run(&t, args, env);
    assert_int_equal(t.rc, CFG_OK);
    assert_int_equal(t.conf.window, 30);
    assert_int_equal(t.conf.algo, 0);
    assert_int_equal(t.conf.verbose, 0);
    tparse_run(&t, NULL, env);
    assert_int_equal(t.conf.window, 50);
    assert_int_equal(t.conf.algo, 1);
    assert_int_equal(t.conf.verbose, 1);
}

static void test_last_flag_wins(void **state) {
    static const char *const args[] = {"--window", "5", "--window=7", NULL};
    struct tparse t;
    (void)state;
    tparse_run(&t, args, NULL);
    assert_int_equal(t.rc, CFG_OK);
    assert_int_equal(t.conf.window, 7);
}

static void test_empty_env_ignored(void **state) {
    static const char *const env[] = {"T_WINDOW=", "T_NAME=", "T_VERBOSE=", "T_WINDOWX=9",
                                      "X_WINDOW=9", NULL};
    struct tparse t;
    (void)state;
    tparse_run(&t, NULL, env);
    assert_int_equal(t.rc, CFG_OK);
    assert_int_equal(t.conf.window, 25);
    assert_string_equal(t.conf.name, "dflt");
    assert_int_equal(t.conf.verbose, 0);
}

struct bool_word {
    const char *word;
    int value;
};

static void test_bool_words(void **state) {
    static const struct bool_word words[] = {
        {"1", 1}, {"true", 1}, {"yes", 1}, {"on", 1}, {"0", 0}, {"false", 0}, {"no", 0}, {"off", 0},
    };
    (void)state;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        char var[32], flag[32];
        const char *env[] = {var, NULL};
        const char *args[] = {flag, NULL};
        struct tparse t;

        snprintf(var, sizeof var, "T_VERBOSE=%s", words[i].word);
        tparse_run(&t, NULL, env);
        assert_int_equal(t.rc, CFG_OK);
        assert_int_equal(t.conf.verbose, words[i].value);

        snprintf(flag, sizeof flag, "--verbose=%s", words[i].word);
        tparse_run(&t, args, NULL);
        assert_int_equal(t.rc, CFG_OK);
        assert_int_equal(t.conf.verbose, words[i].value);
    }
}

/* A bool flag takes no separate value: the next argument stays positional. */
static void test_bool_takes_no_separate_value(void **state) {
    static const char *const args[] = {"--verbose", "0", NULL};
    struct tparse t;
    (void)state;
    tparse_run(&t, args, NULL);
    assert_int_equal(t.rc, CFG_OK);
    assert_int_equal(t.conf.verbose, 1);
    assert_int_equal(t.npositional, 1);
    assert_string_equal(t.positional[0], "0");
}

struct cfg_bad {
    const char *args[4];
    const char *env[3];
    const char *err; /* the whole message */
};

static void test_bad_table(void **state) {
    static const struct cfg_bad cases[] = {
        {{"--window=abc"}, {NULL}, "--window: expected an integer 2..100000, got \"abc\""},
        {{"--window", "abc"}, {NULL}, "--window: expected an integer 2..100000, got \"abc\""},
        {{"--window=1"}, {NULL}, "--window: expected an integer 2..100000, got \"1\""},
        {{"--window=100001"}, {NULL}, "--window: expected an integer 2..100000, got \"100001\""},
        {{"--window=2.5"}, {NULL}, "--window: expected an integer 2..100000, got \"2.5\""},
        {{"--window="}, {NULL}, "--window: expected an integer 2..100000, got \"\""},
        {{"--window= 5"}, {NULL}, "--window: expected an integer 2..100000, got \" 5\""},
        {{"--threshold=0.1"}, {NULL}, "--threshold: expected a number 0.5..10, got \"0.1\""},
        {{"--threshold=10.5"}, {NULL}, "--threshold: expected a number 0.5..10, got \"10.5\""},
        {{"--threshold=nan"}, {NULL}, "--threshold: expected a number 0.5..10, got \"nan\""},
        {{"--threshold=inf"}, {NULL}, "--threshold: expected a number 0.5..10, got \"inf\""},
        {{"--threshold=1e999"}, {NULL}, "--threshold: expected a number 0.5..10, got \"1e999\""},
        {{"--threshold=x"}, {NULL}, "--threshold: expected a number 0.5..10, got \"x\""},
        {{"--name="}, {NULL}, "--name: expected a non-empty value of at most 8 bytes"},
        {{"--name=123456789"}, {NULL}, "--name: expected a non-empty value of at most 8 bytes"},
        {{"--algo=foo"}, {NULL}, "--algo: expected one of sma|ema, got \"foo\""},
        {{"--algo=SMA"}, {NULL}, "--algo: expected one of sma|ema, got \"SMA\""},
        {{"--pair=4-7"}, {NULL}, "--pair: expected A:B (digits), got \"4-7\""},
        {{"--verbose=maybe"},
         {NULL},
         "--verbose: expected 1/0, true/false, yes/no or on/off, got \"maybe\""},
        {{"--window"}, {NULL}, "--window: missing value"},
        {{"--verbose", "--name"}, {NULL}, "--name: missing value"},
        {{"--nope"}, {NULL}, "unknown flag --nope (see --help)"},
        {{"--nope=3"}, {NULL}, "unknown flag --nope (see --help)"},
        {{"--win=3"}, {NULL}, "unknown flag --win (see --help)"},
        {{"-x"}, {NULL}, "unknown flag -x (flags are long: --name; see --help)"},
        {{"-window=3"}, {NULL}, "unknown flag -window=3 (flags are long: --name; see --help)"},
        {{"a", "b", "c"}, {NULL}, "unexpected argument \"c\" (see --help)"},
        {{NULL}, {"T_WINDOW=abc"}, "T_WINDOW: expected an integer 2..100000, got \"abc\""},
        {{NULL}, {"T_THRESHOLD=99"}, "T_THRESHOLD: expected a number 0.5..10, got \"99\""},
        {{NULL}, {"T_ALGO=x"}, "T_ALGO: expected one of sma|ema, got \"x\""},
        {{NULL},
         {"T_VERBOSE=TRUE"},
         "T_VERBOSE: expected 1/0, true/false, yes/no or on/off, got \"TRUE\""},
        {{NULL}, {"T_NAME=waytoolongname"}, "T_NAME: expected a non-empty value of at most 8 bytes"},
        /* an env error stops the parse before argv is read */
        {{"--window=abc"}, {"T_ALGO=x"}, "T_ALGO: expected one of sma|ema, got \"x\""},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tparse t;
        tparse_run(&t, cases[i].args, cases[i].env);
        if (t.rc != CFG_ERROR)
            fail_msg("case %zu (%s): result %d, expected CFG_ERROR", i,
                     cases[i].args[0] ? cases[i].args[0] : cases[i].env[0], (int)t.rc);
        assert_string_equal(t.err, cases[i].err);
    }
}

/* The first error stops the parse: later flags are not applied. */
static void test_stops_at_first_error(void **state) {
    static const char *const args[] = {"--window=7", "--threshold=99", "--algo=ema", NULL};
    struct tparse t;
    (void)state;
    tparse_run(&t, args, NULL);
    assert_int_equal(t.rc, CFG_ERROR);
    assert_int_equal(t.conf.window, 7);
    assert_int_equal(t.conf.algo, 0);
}

static void test_help_and_version(void **state) {
    static const struct {
        const char *args[3];
        enum cfg_result rc;
    } cases[] = {
        {{"-h"}, CFG_HELP},
        {{"--help"}, CFG_HELP},
        {{"--window=5", "--help"}, CFG_HELP},
        {{"--version"}, CFG_VERSION},
        {{"--version", "--help"}, CFG_VERSION},
        {{"--help", "--nope"}, CFG_HELP},
        {{"--", "--help"}, CFG_OK},
        {{"--help=1"}, CFG_ERROR},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tparse t;
        tparse_run(&t, cases[i].args, NULL);
        if (t.rc != cases[i].rc)
            fail_msg("case %zu (%s): result %d, expected %d", i, cases[i].args[0], (int)t.rc,
                     (int)cases[i].rc);
    }
}

static void test_positionals(void **state) {
    static const char *const args[] = {"in.csv", "--window", "9", "-", NULL};
    struct tparse t;
    (void)state;
    tparse_run(&t, args, NULL);
    assert_int_equal(t.rc, CFG_OK);
    assert_int_equal(t.npositional, 2);
    assert_string_equal(t.positional[0], "in.csv");
    assert_string_equal(t.positional[1], "-"); /* a lone dash is an argument, not a flag */
    assert_int_equal(t.conf.window, 9);
}

static void test_double_dash_ends_flags(void **state) {
    static const char *const args[] = {"--window=9", "--", "--window=5", "-x", NULL};
    struct tparse t;
    (void)state;
    tparse_run(&t, args, NULL);
    assert_int_equal(t.rc, CFG_OK);
    assert_int_equal(t.conf.window, 9);
    assert_int_equal(t.npositional, 2);
    assert_string_equal(t.positional[0], "--window=5");
    assert_string_equal(t.positional[1], "-x");
}

static void test_no_positionals_allowed(void **state) {
    char *argv[] = {(char *)"prog", (char *)"extra", NULL};
    struct tconf conf = tconf_defaults;
    size_t n = 99;
    char err[CFG_ERR_MAX];
    (void)state;
    assert_int_equal(cfg_parse(tconf_opts, TCONF_NOPTS, &conf, 2, argv, NULL, NULL, 0, &n, err,
                               sizeof err),
                     CFG_ERROR);
    assert_string_equal(err, "unexpected argument \"extra\" (see --help)");
    assert_int_equal(n, 0);
}

static void test_help_text(void **state) {
    static const char want[] =
        "  --verbose                say more [env T_VERBOSE]\n"
        "  --window N               points in the baseline [env T_WINDOW]\n"
        "  --threshold Z            flag at |z| >= Z [env T_THRESHOLD]\n"
        "  --name S                 a short name [env T_NAME]\n"
        "  --algo A                 sma or ema [env T_ALGO]\n"
        "  --pair A:B               two digits\n";
    char buf[1024], small[40];
    (void)state;
    cfg_help(tconf_opts, TCONF_NOPTS, buf, sizeof buf);
    assert_string_equal(buf, want);
    for (size_t i = 0; i < TCONF_NOPTS; i++) {
        char flag[64];
        snprintf(flag, sizeof flag, "--%s", tconf_opts[i].name);
        assert_non_null(strstr(buf, flag));
        if (tconf_opts[i].env)
            assert_non_null(strstr(buf, tconf_opts[i].env));
    }
    cfg_help(tconf_opts, TCONF_NOPTS, small, sizeof small); /* truncated, still a string */
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_memory_equal(small, want, sizeof small - 1);
    cfg_help(tconf_opts, 0, buf, sizeof buf);
    assert_string_equal(buf, "");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_kept),
        cmocka_unit_test(test_equals_form),
        cmocka_unit_test(test_separate_value_form),
        cmocka_unit_test(test_env_sets_every_type),
        cmocka_unit_test(test_argv_beats_env),
        cmocka_unit_test(test_last_flag_wins),
        cmocka_unit_test(test_empty_env_ignored),
        cmocka_unit_test(test_bool_words),
        cmocka_unit_test(test_bool_takes_no_separate_value),
        cmocka_unit_test(test_bad_table),
        cmocka_unit_test(test_stops_at_first_error),
        cmocka_unit_test(test_help_and_version),
        cmocka_unit_test(test_positionals),
        cmocka_unit_test(test_double_dash_ends_flags),
        cmocka_unit_test(test_no_positionals_allowed),
        cmocka_unit_test(test_help_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

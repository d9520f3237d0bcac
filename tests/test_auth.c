/* test_auth.c - auth.h: password file contents (a table of accepted and refused texts), the
 * order of the password sources, and masking URL passwords in arguments. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"

#define AUTH_TEST_ERR_MAX 256

struct text_case {
    const char *text;
    size_t len;           /* 0: strlen(text) */
    const char *password; /* NULL: refused */
    const char *why;      /* the reason, when refused */
};

static void test_password_text(void **state) {
    static char longest[URL_PASSWORD_MAX + 2], too_long[URL_PASSWORD_MAX + 3];
    static const struct text_case cases[] = {
        {"secret", 0, "secret", NULL},
        {"secret\n", 0, "secret", NULL},
        {"secret\r\n", 0, "secret", NULL},
        {"with spaces and :@/ \t", 0, "with spaces and :@/ \t", NULL},
        {"\n", 0, NULL, "the password is empty"},
        {"", 0, NULL, "the password is empty"},
        {"\r\n", 0, NULL, "the password is empty"},
        {"one\ntwo\n", 0, NULL, "expected one line, found more"},
        {"one\n\n", 0, NULL, "expected one line, found more"},
        {"cr\rinside", 0, NULL, "expected one line, found more"},
        {"nul\0byte", 8, NULL, "the password contains a NUL byte"},
    };
    char out[URL_PASSWORD_MAX + 1], err[AUTH_TEST_ERR_MAX];
    (void)state;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct text_case *c = &cases[i];
        size_t len = c->len ? c->len : strlen(c->text);
        int rc = auth_password_text(c->text, len, out, sizeof out, err, sizeof err);
        if (c->password) {
            if (rc != 0)
                fail_msg("case %zu refused: %s", i, err);
            assert_string_equal(out, c->password);
        } else {
            if (rc != -1)
                fail_msg("case %zu accepted", i);
            assert_string_equal(err, c->why);
        }
    }
    memset(longest, 'x', URL_PASSWORD_MAX);
    longest[URL_PASSWORD_MAX] = '\n';
    assert_int_equal(auth_password_text(longest, URL_PASSWORD_MAX + 1, out, sizeof out, err,
                                        sizeof err), 0);
    assert_int_equal(strlen(out), URL_PASSWORD_MAX);
    memset(too_long, 'x', URL_PASSWORD_MAX + 1);
    assert_int_equal(auth_password_text(too_long, URL_PASSWORD_MAX + 1, out, sizeof out, err,
                                        sizeof err), -1);
    assert_string_equal(err, "the password is longer than 512 bytes");
}

/* Writes text to a new temporary file; returns its name (the caller unlinks and frees). */
static char *auth_test_file(const char *text) {
    char *name = strdup("/tmp/blip-test-auth.XXXXXX");
    int fd = mkstemp(name);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return name;
}

static void auth_test_url(struct redis_url *u, const char *text) {
    char err[AUTH_TEST_ERR_MAX];
    if (url_parse(text, u, err, sizeof err) != 0)
        fail_msg("%s: %s", text, err);
}

/* The file beats REDIS_PASSWORD, which beats the URL's password; the user name stays. */
static void test_sources_order(void **state) {
    char *file = auth_test_file("from-file\n");
    char *env[] = {"HOME=/root", "REDIS_PASSWORD=from-env", NULL};
    char *empty_env[] = {"REDIS_PASSWORD=", NULL};
    char err[AUTH_TEST_ERR_MAX];
    struct redis_url u;
    (void)state;

    auth_test_url(&u, "redis://blip:from-url@h:1");
    assert_int_equal(auth_apply(&u, file, env, err, sizeof err), 0);
    assert_string_equal(u.password, "from-file");
    assert_string_equal(u.user, "blip");

    auth_test_url(&u, "redis://blip:from-url@h:1");
    assert_int_equal(auth_apply(&u, NULL, env, err, sizeof err), 0);
    assert_string_equal(u.password, "from-env");

    auth_test_url(&u, "redis://blip:from-url@h:1");
    assert_int_equal(auth_apply(&u, NULL, empty_env, err, sizeof err), 0);
    assert_string_equal(u.password, "from-url"); /* an empty variable counts as unset */
    assert_int_equal(auth_apply(&u, NULL, NULL, err, sizeof err), 0);
    assert_string_equal(u.password, "from-url");

    auth_test_url(&u, "redis://blip:@h:1"); /* the user alone */
    assert_int_equal(auth_apply(&u, file, NULL, err, sizeof err), 0);
    assert_string_equal(u.user, "blip");
    assert_string_equal(u.password, "from-file");
    unlink(file);
    free(file);
}

static void test_file_errors(void **state) {
    char *empty = auth_test_file("");
    char *two = auth_test_file("pw1\npw2\n");
    char err[AUTH_TEST_ERR_MAX], want[AUTH_TEST_ERR_MAX];
    struct redis_url u;
    (void)state;

    auth_test_url(&u, "redis://:kept@h:1");
    assert_int_equal(auth_apply(&u, "/nonexistent/pw", NULL, err, sizeof err), -1);
    assert_string_equal(err, "--redis-password-file: cannot read \"/nonexistent/pw\": "
                             "No such file or directory");
    assert_int_equal(auth_apply(&u, "/", NULL, err, sizeof err), -1);
    assert_string_equal(err, "--redis-password-file: cannot read \"/\": Is a directory");
    assert_int_equal(auth_apply(&u, empty, NULL, err, sizeof err), -1);
    snprintf(want, sizeof want, "--redis-password-file: \"%s\": the password is empty", empty);
    assert_string_equal(err, want);
    assert_int_equal(auth_apply(&u, two, NULL, err, sizeof err), -1);
    assert_null(strstr(err, "pw1")); /* the reason never quotes the password */
    assert_string_equal(u.password, "kept");
    unlink(empty);
    unlink(two);
    free(empty);
    free(two);
}

struct scrub_case {
    const char *in, *out;
    size_t masked;
};

static void test_scrub(void **state) {
    static const struct scrub_case cases[] = {
        {"redis://u:pw@h:1/2", "redis://u:**@h:1/2", 2},
        {"redis://:pw@h", "redis://:**@h", 2},
        {"redis://pw@h", "redis://**@h", 2},
        {"--redis=redis://u:p@ss@h", "--redis=redis://u:****@h", 4}, /* the last '@' ends it */
        {"redis://u:@h", "redis://u:@h", 0},
        {"redis://h:1", "redis://h:1", 0},
        {"redis://h/db@x", "redis://h/db@x", 0}, /* '@' after the path is not userinfo */
        {"unix:///run/redis.sock", "unix:///run/redis.sock", 0},
        {"--window", "--window", 0},
        {"", "", 0},
        {"redis://", "redis://", 0},
        {"redis://a:b@h redis://c:d@h", "redis://a:*@h redis://c:*@h", 2},
    };
    char buf[128];
    (void)state;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(buf, sizeof buf, "%s", cases[i].in);
        assert_int_equal(auth_scrub_url(buf), cases[i].masked);
        assert_string_equal(buf, cases[i].out);
    }
}

static void test_scrub_argv(void **state) {
    char a0[] = "blip-detector", a1[] = "--redis", a2[] = "redis://u:secret@h",
         a3[] = "--window", a4[] = "5";
    char *argv[] = {a0, a1, a2, a3, a4, NULL};
    (void)state;
    auth_scrub_argv(5, argv);
    assert_string_equal(argv[2], "redis://u:******@h");
    assert_string_equal(argv[3], "--window");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_password_text),
        cmocka_unit_test(test_sources_order),
        cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_scrub),
        cmocka_unit_test(test_scrub_argv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_url.c - url.h: REDIS_URL forms accepted with every field, refusals with their reasons,
 * and the redacted form never showing a password. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "url.h"

#define URL_ERR_MAX 256
#define URL_TEXT_MAX 1200 /* room for the over-long cases built below */

struct url_good {
    const char *text;
    const char *host, *path;
    int port, db;
    const char *user, *password;
    const char *redacted; /* url_redacted() of the result */
};

static void test_good_urls(void **state) {
    static const struct url_good cases[] = {
        {"redis://localhost", "localhost", "", 6379, 0, "", "", "redis://localhost:6379"},
        {URL_DEFAULT, "127.0.0.1", "", 6379, 0, "", "", "redis://127.0.0.1:6379"},
        {"redis://127.0.0.1:6380/3", "127.0.0.1", "", 6380, 3, "", "",
         "redis://127.0.0.1:6380/3"},
        {"redis://[::1]:6380", "::1", "", 6380, 0, "", "", "redis://[::1]:6380"},
        {"redis://[::1]", "::1", "", 6379, 0, "", "", "redis://[::1]:6379"},
        {"redis://user:pass@host:1234/2", "host", "", 1234, 2, "user", "pass",
         "redis://user:***@host:1234/2"},
        {"redis://:secret@host", "host", "", 6379, 0, "", "secret", "redis://***@host:6379"},
        {"redis://secret@host", "host", "", 6379, 0, "", "secret", "redis://***@host:6379"},
        {"redis://p%40ss%3Aw0rd@host", "host", "", 6379, 0, "", "p@ss:w0rd",
         "redis://***@host:6379"},
        {"redis://al%69ce:p%2Fw%2f@h:1", "h", "", 1, 0, "alice", "p/w/", "redis://alice:***@h:1"},
        {"redis://u:p@ss@host", "host", "", 6379, 0, "u", "p@ss", "redis://u:***@host:6379"},
        {"redis://host:65535/1000000", "host", "", 65535, 1000000, "", "",
         "redis://host:65535/1000000"},
        {"redis://host/", "host", "", 6379, 0, "", "", "redis://host:6379"},
        {"redis://host/0", "host", "", 6379, 0, "", "", "redis://host:6379"},
        {"unix:///tmp/redis.sock", "", "/tmp/redis.sock", 0, 0, "", "",
         "unix:///tmp/redis.sock"},
        {"unix:///var/run/redis.sock?db=2", "", "/var/run/redis.sock", 0, 2, "", "",
         "unix:///var/run/redis.sock?db=2"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct url_good *c = &cases[i];
        struct redis_url u;
        char err[URL_ERR_MAX] = "", shown[URL_TEXT_MAX];
        if (url_parse(c->text, &u, err, sizeof err) != 0)
            fail_msg("\"%s\" refused: %s", c->text, err);
        assert_string_equal(u.host, c->host);
        assert_string_equal(u.path, c->path);
        assert_int_equal(u.port, c->port);
        assert_int_equal(u.db, c->db);
        assert_string_equal(u.user, c->user);
        assert_string_equal(u.password, c->password);
        url_redacted(&u, shown, sizeof shown);
        assert_string_equal(shown, c->redacted);
    }
}

struct url_bad {
    const char *text;
    const char *why; /* substring of the error */
};

static void url_check_bad(const char *text, const char *why) {
    struct redis_url u;
    char err[URL_ERR_MAX] = "";
    if (url_parse(text, &u, err, sizeof err) != -1)
        fail_msg("\"%.80s\" accepted", text);
    if (!strstr(err, why))
        fail_msg("\"%.80s\": error \"%s\" lacks \"%s\"", text, err, why);
}

static void test_bad_urls(void **state) {
    static const struct url_bad cases[] = {
        {"rediss://host:6380", "TLS"},
        {"http://host", "expected redis://[[user]:password@]host[:port][/db], got \"http://host\""},
        {"", "expected redis://"},
        {"redis:/host", "expected redis://"},
        {"REDIS://host", "expected redis://"},
        {"redis://", "missing host in URL"},
        {"redis://:6379", "missing host in URL"},
        {"redis://u:p@", "missing host in URL"},
        {"redis://u:p@/1", "missing host in URL"},
        {"redis://[]:6379", "missing host in URL"},
        {"redis://[::1", "unclosed '['"},
        {"redis://[::1]x", "unexpected text after ']'"},
        {"redis://host:0", "bad port in URL: expected 1..65535, got \"0\""},
        {"redis://host:70000", "bad port in URL: expected 1..65535, got \"70000\""},
        {"redis://host:65536", "got \"65536\""},
        {"redis://host:abc", "got \"abc\""},
        {"redis://host:", "got \"\""},
        {"redis://host:+80", "got \"+80\""},
        {"redis://host:-1", "got \"-1\""},
        {"redis://host:80:81", "got \"80:81\""},
        {"redis://[::1]:x", "got \"x\""},
        {"redis://host/-1", "bad database number in URL: \"-1\""},
        {"redis://host/x", "bad database number in URL: \"x\""},
        {"redis://host/1000001", "bad database number in URL: \"1000001\""},
        {"redis://host/+1", "bad database number in URL: \"+1\""},
        {"redis://host/1/2", "bad database number in URL: \"1/2\""},
        {"redis://%zz@host", "bad password in URL"},
        {"redis://p%4@host", "bad password in URL"},
        {"redis://p%@host", "bad password in URL"},
        {"redis://p%00@host", "bad password in URL"},
        {"redis://u%zz:p@host", "bad user name in URL"},
        {"unix://relative.sock", "absolute socket path"},
        {"unix://", "absolute socket path"},
        {"unix://?db=1", "absolute socket path"},
        {"unix:///tmp/r.sock?x=1", "unix URL accepts only ?db=N"},
        {"unix:///tmp/r.sock?db=x", "bad database number in URL: \"x\""},
        {"unix:///tmp/r.sock?db=-2", "bad database number in URL: \"-2\""},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        url_check_bad(cases[i].text, cases[i].why);
}

/* Host, path and password limits: the maximum is accepted, one more byte is refused. */
static void test_length_limits(void **state) {
    char text[URL_TEXT_MAX], err[URL_ERR_MAX];
    struct redis_url u;
    (void)state;

    snprintf(text, sizeof text, "redis://%0*d:1", URL_HOST_MAX, 0);
    assert_int_equal(url_parse(text, &u, err, sizeof err), 0);
    assert_int_equal(strlen(u.host), URL_HOST_MAX);
    snprintf(text, sizeof text, "redis://%0*d:1", URL_HOST_MAX + 1, 0);
    url_check_bad(text, "host name in URL is too long");

    snprintf(text, sizeof text, "unix:///%0*d", URL_HOST_MAX - 1, 0);
    assert_int_equal(url_parse(text, &u, err, sizeof err), 0);
    assert_int_equal(strlen(u.path), URL_HOST_MAX);
    snprintf(text, sizeof text, "unix:///%0*d", URL_HOST_MAX, 0);
    url_check_bad(text, "unix socket path is too long");

    snprintf(text, sizeof text, "redis://:%0*d@h", URL_PASSWORD_MAX, 0);
    assert_int_equal(url_parse(text, &u, err, sizeof err), 0);
    assert_int_equal(strlen(u.password), URL_PASSWORD_MAX);
    snprintf(text, sizeof text, "redis://:%0*d@h", URL_PASSWORD_MAX + 1, 0);
    url_check_bad(text, "bad password in URL (too long or bad %-escape)");

    snprintf(text, sizeof text, "redis://%0*d:p@h", URL_USER_MAX, 0);
    assert_int_equal(url_parse(text, &u, err, sizeof err), 0);
    assert_int_equal(strlen(u.user), URL_USER_MAX);
    snprintf(text, sizeof text, "redis://%0*d:p@h", URL_USER_MAX + 1, 0);
    url_check_bad(text, "bad user name in URL");
}

static void test_redacted_hides_password(void **state) {
    static const char *const texts[] = {
        "redis://admin:hunter2@cache:6379/4",
        "redis://:hunter2@cache",
        "redis://hunter2@[::1]:6380",
        "redis://hunter2%21@cache",
    };
    (void)state;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct redis_url u;
        char err[URL_ERR_MAX], shown[URL_TEXT_MAX];
        assert_int_equal(url_parse(texts[i], &u, err, sizeof err), 0);
        url_redacted(&u, shown, sizeof shown);
        assert_null(strstr(shown, "hunter2"));
        assert_non_null(strstr(shown, "***@"));
    }
}

/* A small buffer gets a truncated, NUL-terminated prefix. */
static void test_redacted_truncates(void **state) {
    struct redis_url u;
    char err[URL_ERR_MAX], shown[12];
    (void)state;
    assert_int_equal(url_parse("redis://:pw@longhostname:6379/9", &u, err, sizeof err), 0);
    url_redacted(&u, shown, sizeof shown);
    assert_string_equal(shown, "redis://***");
    assert_int_equal(url_parse("unix:///tmp/redis.sock?db=7", &u, err, sizeof err), 0);
    url_redacted(&u, shown, sizeof shown);
    assert_string_equal(shown, "unix:///tmp");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_urls),
        cmocka_unit_test(test_bad_urls),
        cmocka_unit_test(test_length_limits),
        cmocka_unit_test(test_redacted_hides_password),
        cmocka_unit_test(test_redacted_truncates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

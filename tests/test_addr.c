/* test_addr.c - --http listen addresses and --webhook URLs: tables of good inputs with what they
 * mean, and bad ones with the error each must produce. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "addr.h"

static void test_listen_good(void **state) {
    static const struct {
        const char *in, *host;
        int port;
    } cases[] = {
        {"8080", "127.0.0.1", 8080},
        {":9100", "127.0.0.1", 9100},
        {"0.0.0.0:80", "0.0.0.0", 80},
        {"localhost:65535", "localhost", 65535},
        {"[::1]:8080", "::1", 8080},
        {"[::]:1", "::", 1},
        {"my-host.lan:443", "my-host.lan", 443},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct addr a;
        char err[128] = "";
        assert_int_equal(addr_parse_listen(cases[i].in, &a, err, sizeof err), 0);
        assert_string_equal(a.host, cases[i].host);
        assert_int_equal(a.port, cases[i].port);
    }
}

static void test_listen_bad(void **state) {
    static const struct {
        const char *in, *err;
    } cases[] = {
        {"", "expected [HOST]:PORT, got \"\""},
        {"0", "bad port \"0\" (expected 1..65535)"},
        {"65536", "bad port \"65536\" (expected 1..65535)"},
        {"80x", "bad port \"80x\" (expected 1..65535)"},
        {"host", "expected [HOST]:PORT, got \"host\""},
        {"host:", "bad port \"\" (expected 1..65535)"},
        {":-1", "bad port \"-1\" (expected 1..65535)"},
        {"ho st:80", "bad host \"ho st\""},
        {"[::1:80", "bad IPv6 address in \"[::1:80\""},
        {"[zz]:80", "bad IPv6 address in \"[zz]:80\""},
        {"[::1]80", "expected :PORT after \"]\""},
        {"[::1]", "expected [HOST]:PORT, got \"[::1]\""},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct addr a;
        char err[128] = "";
        if (addr_parse_listen(cases[i].in, &a, err, sizeof err) != -1)
            fail_msg("\"%s\" accepted", cases[i].in);
        assert_string_equal(err, cases[i].err);
    }
}

static void test_url_good(void **state) {
    static const struct {
        const char *in, *host;
        int port;
        const char *path;
    } cases[] = {
        {"http://hooks.example/alert?x=1", "hooks.example", 80, "/alert?x=1"},
        {"http://127.0.0.1:8081", "127.0.0.1", 8081, "/"},
        {"HTTP://[::1]:9000/a/b", "::1", 9000, "/a/b"},
        {"http://h/", "h", 80, "/"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct addr_url u;
        char err[160] = "";
        assert_int_equal(addr_parse_http_url(cases[i].in, &u, err, sizeof err), 0);
        assert_string_equal(u.addr.host, cases[i].host);
        assert_int_equal(u.addr.port, cases[i].port);
        assert_string_equal(u.path, cases[i].path);
    }
}

static void test_url_bad(void **state) {
    static const struct {
        const char *in, *err;
    } cases[] = {
        {"https://x/", "https:// is not supported (blip has no TLS library); use http://, e.g. "
                       "through a local TLS-terminating relay"},
        {"ftp://x/", "expected http://HOST[:PORT][/PATH], got \"ftp://x/\""},
        {"hooks.example/x", "expected http://HOST[:PORT][/PATH], got \"hooks.example/x\""},
        {"http://", "missing host in URL"},
        {"http:///path", "missing host in URL"},
        {"http://:80/", "missing host in URL"},
        {"http://u:p@h/", "user info in the URL is not supported"},
        {"http://h/#frag", "a fragment (#...) has no meaning in a webhook URL"},
        {"http://h:0/", "bad port \"0\" (expected 1..65535)"},
        {"http://h:99999/", "bad port \"99999\" (expected 1..65535)"},
        {"http://h/a b", "the path must not contain spaces or control characters"},
        {"http://h$/", "bad host \"h$\""},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct addr_url u;
        char err[160] = "";
        if (addr_parse_http_url(cases[i].in, &u, err, sizeof err) != -1)
            fail_msg("\"%s\" accepted", cases[i].in);
        assert_string_equal(err, cases[i].err);
    }
}

static void test_url_path_too_long(void **state) {
    char url[ADDR_PATH_MAX + 32], err[160];
    struct addr_url u;
    (void)state;
    snprintf(url, sizeof url, "http://h/");
    memset(url + 9, 'a', ADDR_PATH_MAX);
    url[9 + ADDR_PATH_MAX] = '\0';
    assert_int_equal(addr_parse_http_url(url, &u, err, sizeof err), -1);
    assert_string_equal(err, "path longer than 1024 bytes");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_listen_good),       cmocka_unit_test(test_listen_bad),
        cmocka_unit_test(test_url_good),          cmocka_unit_test(test_url_bad),
        cmocka_unit_test(test_url_path_too_long),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

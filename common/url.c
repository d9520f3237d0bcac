/* url.c - see url.h. */
#include "url.h"

#include <stdio.h>
#include <string.h>

#include "num.h"

#define URL_QUOTE_MAX 128 /* a URL quoted in an error message, shortened */

static int url_hexval(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decodes s[0..len) into out (cap bytes with the NUL). Returns 0, or -1 if the result
 * does not fit, an escape is malformed, or it decodes to a NUL byte. */
static int url_decode(const char *s, size_t len, char *out, size_t cap) {
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '%') {
            int hi, lo;
            if (i + 2 >= len)
                return -1;
            hi = url_hexval(s[i + 1]);
            lo = url_hexval(s[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return -1;
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        if (n + 1 >= cap)
            return -1;
        out[n++] = c;
    }
    out[n] = '\0';
    return 0;
}

/* Parses "user:password", ":password" or "password" (the userinfo before '@'). */
/* Returns the last occurrence of c in s[0..len), or NULL. */
static const char *url_last(const char *s, size_t len, char c) {
    while (len > 0)
        if (s[--len] == c)
            return s + len;
    return NULL;
}

static int url_userinfo(const char *s, size_t len, struct redis_url *u, char *err, size_t errlen) {
    const char *colon = memchr(s, ':', len);
    const char *pw = s;
    size_t pwlen = len;

    if (colon) {
        if (url_decode(s, (size_t)(colon - s), u->user, sizeof u->user) != 0) {
            snprintf(err, errlen, "bad user name in URL");
            return -1;
        }
        pw = colon + 1;
        pwlen = len - (size_t)(colon - s) - 1;
    }
    if (url_decode(pw, pwlen, u->password, sizeof u->password) != 0) {
        snprintf(err, errlen, "bad password in URL (too long or bad %%-escape)");
        return -1;
    }
    return 0;
}

/* Parses "host", "host:port", "[v6]" or "[v6]:port". */
static int url_hostport(const char *s, size_t len, struct redis_url *u, char *err, size_t errlen) {
    const char *host = s, *port = NULL;
    size_t hostlen = len;
    int64_t p;

    if (len > 0 && s[0] == '[') {
        const char *close = memchr(s, ']', len);
        if (!close) {
            snprintf(err, errlen, "unclosed '[' in URL host");
            return -1;
        }
        host = s + 1;
        hostlen = (size_t)(close - s) - 1;
        if ((size_t)(close - s) + 1 < len) {
            if (close[1] != ':') {
                snprintf(err, errlen, "unexpected text after ']' in URL host");
                return -1;
            }
            port = close + 2;
        }
    } else {
        const char *colon = memchr(s, ':', len);
        if (colon) {
            hostlen = (size_t)(colon - s);
            port = colon + 1;
        }
    }
    if (hostlen == 0) {
        snprintf(err, errlen, "missing host in URL");
        return -1;
    }
    if (hostlen > URL_HOST_MAX) {
        snprintf(err, errlen, "host name in URL is too long");
        return -1;
    }
    memcpy(u->host, host, hostlen);
    u->host[hostlen] = '\0';
    if (port) {
        size_t plen = len - (size_t)(port - s);
        if (num_parse_i64(port, plen, 1, 65535, &p) != 0 || port[0] == '+' || port[0] == '-') {
            snprintf(err, errlen, "bad port in URL: expected 1..65535, got \"%.*s\"", (int)plen,
                     port);
            return -1;
        }
        u->port = (int)p;
    }
    return 0;
}

static int url_db(const char *s, size_t len, struct redis_url *u, char *err, size_t errlen) {
    int64_t db;
    if (len == 0)
        return 0;
    if (num_parse_i64(s, len, 0, URL_DB_MAX, &db) != 0 || s[0] == '+' || s[0] == '-') {
        snprintf(err, errlen, "bad database number in URL: \"%.*s\"", (int)len, s);
        return -1;
    }
    u->db = (int)db;
    return 0;
}

static int url_parse_unix(const char *rest, struct redis_url *u, char *err, size_t errlen) {
    const char *q = strchr(rest, '?');
    size_t plen = q ? (size_t)(q - rest) : strlen(rest);

    if (plen == 0 || rest[0] != '/') {
        snprintf(err, errlen, "unix URL needs an absolute socket path: unix:///path");
        return -1;
    }
    if (plen > URL_HOST_MAX) {
        snprintf(err, errlen, "unix socket path is too long");
        return -1;
    }
    memcpy(u->path, rest, plen);
    u->path[plen] = '\0';
    if (q) {
        if (strncmp(q, "?db=", 4) != 0) {
            snprintf(err, errlen, "unix URL accepts only ?db=N");
            return -1;
        }
        return url_db(q + 4, strlen(q + 4), u, err, errlen);
    }
    return 0;
}

/* Copies text into buf for an error message, with what stands between the scheme and the last
 * '@' (a password, perhaps) shown as three asterisks. */
static void url_quote(const char *text, char *buf, size_t cap) {
    const char *scheme = strstr(text, "://");
    const char *start = scheme ? scheme + 3 : text;
    const char *at = strrchr(start, '@');
    if (at)
        snprintf(buf, cap, "%.*s***%.80s", (int)(start - text > 16 ? 16 : start - text), text, at);
    else
        snprintf(buf, cap, "%.80s", text);
}

int url_parse(const char *text, struct redis_url *u, char *err, size_t errlen) {
    const char *rest, *at, *slash, *hp;
    size_t hplen;

    memset(u, 0, sizeof *u);
    u->port = URL_DEFAULT_PORT;
    if (strncmp(text, "rediss://", 9) == 0) {
        snprintf(err, errlen, "rediss:// (TLS) is not supported: this build's hiredis has no TLS; "
                              "use redis:// over a trusted network or a TLS tunnel");
        return -1;
    }
    if (strncmp(text, "unix://", 7) == 0) {
        u->port = 0;
        return url_parse_unix(text + 7, u, err, errlen);
    }
    if (strncmp(text, "redis://", 8) != 0) {
        char shown[URL_QUOTE_MAX];
        url_quote(text, shown, sizeof shown);
        snprintf(err, errlen, "expected redis://[[user]:password@]host[:port][/db], got \"%s\"",
                 shown);
        return -1;
    }
    rest = text + 8;
    slash = strchr(rest, '/');
    at = url_last(rest, slash ? (size_t)(slash - rest) : strlen(rest), '@');
    if (at && url_userinfo(rest, (size_t)(at - rest), u, err, errlen) != 0)
        return -1;
    hp = at ? at + 1 : rest;
    hplen = slash ? (size_t)(slash - hp) : strlen(hp);
    if (url_hostport(hp, hplen, u, err, errlen) != 0)
        return -1;
    if (slash && url_db(slash + 1, strlen(slash + 1), u, err, errlen) != 0)
        return -1;
    return 0;
}

void url_redacted(const struct redis_url *u, char *buf, size_t cap) {
    const char *v6 = strchr(u->host, ':') ? "[" : "";
    const char *v6e = *v6 ? "]" : "";
    const char *auth = u->password[0] ? "***@" : "";

    if (u->path[0]) {
        snprintf(buf, cap, "unix://%s%s", u->path, u->db ? "?db=" : "");
        if (u->db) {
            size_t n = strlen(buf);
            snprintf(buf + n, cap > n ? cap - n : 0, "%d", u->db);
        }
        return;
    }
    if (u->user[0] && u->password[0])
        snprintf(buf, cap, "redis://%s:***@%s%s%s:%d", u->user, v6, u->host, v6e, u->port);
    else
        snprintf(buf, cap, "redis://%s%s%s%s:%d", auth, v6, u->host, v6e, u->port);
    if (u->db) {
        size_t n = strlen(buf);
        snprintf(buf + n, cap > n ? cap - n : 0, "/%d", u->db);
    }
}

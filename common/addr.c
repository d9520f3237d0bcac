/* addr.c - see addr.h. */
#include "addr.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "num.h"

static int addr_port(const char *s, size_t len, int *port, char *err, size_t errlen) {
    int64_t v;
    if (num_parse_i64(s, len, 1, 65535, &v) != 0) {
        snprintf(err, errlen, "bad port \"%.*s\" (expected 1..65535)", (int)(len > 20 ? 20 : len),
                 s);
        return -1;
    }
    *port = (int)v;
    return 0;
}

/* A host name or IPv4 address: letters, digits, '.', '-', '_'. */
static int addr_name_ok(const char *s, size_t len) {
    if (len == 0 || len > ADDR_HOST_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

static int addr_v6_ok(const char *s, size_t len) {
    if (len < 2 || len > ADDR_HOST_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || (c >= '0' && c <= '9') ||
              c == ':' || c == '.'))
            return 0;
    }
    return 1;
}

/* Splits HOST:PORT or [V6]:PORT (s[0..len)); with port_required 0 a missing :PORT keeps *port.
 * An empty host keeps a->host. */
static int addr_hostport(const char *s, size_t len, struct addr *a, int port_required, char *err,
                         size_t errlen) {
    const char *colon, *host = s;
    size_t hlen;

    if (len && s[0] == '[') {
        const char *close = memchr(s, ']', len);
        if (!close || !addr_v6_ok(s + 1, (size_t)(close - s - 1))) {
            snprintf(err, errlen, "bad IPv6 address in \"%.*s\"", (int)(len > 80 ? 80 : len), s);
            return -1;
        }
        host = s + 1;
        hlen = (size_t)(close - host);
        colon = close + 1 < s + len ? close + 1 : NULL;
        if (colon && *colon != ':') {
            snprintf(err, errlen, "expected :PORT after \"]\"");
            return -1;
        }
    } else {
        colon = memchr(s, ':', len);
        hlen = colon ? (size_t)(colon - s) : len;
        if (hlen && !addr_name_ok(s, hlen)) {
            snprintf(err, errlen, "bad host \"%.*s\"", (int)(hlen > 80 ? 80 : hlen), s);
            return -1;
        }
    }
    if (!colon && port_required) {
        snprintf(err, errlen, "expected [HOST]:PORT, got \"%.*s\"", (int)(len > 80 ? 80 : len), s);
        return -1;
    }
    if (colon && addr_port(colon + 1, (size_t)(s + len - colon - 1), &a->port, err, errlen) != 0)
        return -1;
    if (hlen) {
        memcpy(a->host, host, hlen);
        a->host[hlen] = '\0';
    }
    return 0;
}

int addr_parse_listen(const char *s, struct addr *a, char *err, size_t errlen) {
    size_t len = strlen(s);
    snprintf(a->host, sizeof a->host, "%s", ADDR_LISTEN_DEFAULT);
    a->port = 0;
    if (len && s[0] >= '0' && s[0] <= '9' && !memchr(s, ':', len))
        return addr_port(s, len, &a->port, err, errlen);
    return addr_hostport(s, len, a, 1, err, errlen);
}

int addr_parse_http_url(const char *s, struct addr_url *u, char *err, size_t errlen) {
    const char *rest, *slash;
    size_t hostlen;

    memset(u, 0, sizeof *u);
    if (strncasecmp(s, "https://", 8) == 0) {
        snprintf(err, errlen,
                 "https:// is not supported (blip has no TLS library); use http://, "
                 "e.g. through a local TLS-terminating relay");
        return -1;
    }
    if (strncasecmp(s, "http://", 7) != 0) {
        snprintf(err, errlen, "expected http://HOST[:PORT][/PATH], got \"%.80s\"", s);
        return -1;
    }
    rest = s + 7;
    slash = strchr(rest, '/');
    hostlen = slash ? (size_t)(slash - rest) : strlen(rest);
    if (memchr(rest, '@', hostlen)) {
        snprintf(err, errlen, "user info in the URL is not supported");
        return -1;
    }
    if (strchr(s, '#')) {
        snprintf(err, errlen, "a fragment (#...) has no meaning in a webhook URL");
        return -1;
    }
    if (hostlen == 0) {
        snprintf(err, errlen, "missing host in URL");
        return -1;
    }
    u->addr.port = ADDR_HTTP_PORT;
    if (addr_hostport(rest, hostlen, &u->addr, 0, err, errlen) != 0)
        return -1;
    if (!u->addr.host[0]) {
        snprintf(err, errlen, "missing host in URL");
        return -1;
    }
    if (slash && strlen(slash) > ADDR_PATH_MAX) {
        snprintf(err, errlen, "path longer than %d bytes", ADDR_PATH_MAX);
        return -1;
    }
    for (const char *p = slash; p && *p; p++) {
        if ((unsigned char)*p <= ' ' || *p == 0x7f) {
            snprintf(err, errlen, "the path must not contain spaces or control characters");
            return -1;
        }
    }
    snprintf(u->path, sizeof u->path, "%s", slash ? slash : "/");
    return 0;
}

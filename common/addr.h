/* addr.h - the two network addresses an operator types: where an HTTP endpoint listens
 * (--http) and where a webhook is sent (--webhook).
 * Pure: no I/O, no name resolution, no allocation. */
#ifndef BLIP_ADDR_H
#define BLIP_ADDR_H
#include <stddef.h>

#define ADDR_HOST_MAX 255               /* longest host name or address */
#define ADDR_PATH_MAX 1024              /* longest path + query of a webhook URL */
#define ADDR_LISTEN_DEFAULT "127.0.0.1" /* host of a bare PORT or :PORT */
#define ADDR_HTTP_PORT 80               /* port of an http:// URL without one */

struct addr {
    char host[ADDR_HOST_MAX + 1]; /* name, IPv4 or IPv6 address (no brackets) */
    int port;                     /* 1..65535 */
};

struct addr_url {
    struct addr addr;
    char path[ADDR_PATH_MAX + 1]; /* path and query, starting with '/' ("/" when none) */
};

/* Parses PORT, :PORT, HOST:PORT or [IPV6]:PORT. A missing host means ADDR_LISTEN_DEFAULT
 * (loopback: exposing the endpoint further is a deliberate 0.0.0.0:PORT). Returns 0, or -1 with
 * the reason in err. */
int addr_parse_listen(const char *s, struct addr *a, char *err, size_t errlen);

/* Parses http://HOST[:PORT][/PATH[?QUERY]]. https:// is refused with a reason that says why
 * (no TLS library); so are other schemes, user info, fragments and bad ports. Returns 0, or -1
 * with the reason in err. */
int addr_parse_http_url(const char *s, struct addr_url *u, char *err, size_t errlen);
#endif

/* url.h - parsing REDIS_URL: redis://[[user]:password@]host[:port][/db] and unix:///path[?db=N].
 * Pure: no I/O, no allocation. */
#ifndef BLIP_URL_H
#define BLIP_URL_H
#include <stddef.h>

#define URL_HOST_MAX 255     /* longest host name or unix socket path */
#define URL_USER_MAX 128     /* longest ACL user name */
#define URL_PASSWORD_MAX 512 /* longest password, after percent-decoding */
#define URL_DEFAULT "redis://127.0.0.1:6379"
#define URL_DEFAULT_PORT 6379
#define URL_DB_MAX 1000000 /* largest database index accepted */

struct redis_url {
    char host[URL_HOST_MAX + 1];  /* host name or IP address (no brackets); "" for unix */
    char path[URL_HOST_MAX + 1];  /* unix socket path; "" for tcp */
    int port;                     /* 1..65535; 0 for unix */
    int db;                       /* 0..URL_DB_MAX */
    char user[URL_USER_MAX + 1];  /* "" when none (default user) */
    char password[URL_PASSWORD_MAX + 1]; /* "" when none */
};

/* Parses text into *u. Returns 0, or -1 with the reason in err (u then undefined). `rediss://`
 * is refused with a clear reason: the hiredis blip links (0.14) has no TLS. */
int url_parse(const char *text, struct redis_url *u, char *err, size_t errlen);

/* Writes the URL without its password (shown as "***") into buf, for logs and headers. */
void url_redacted(const struct redis_url *u, char *buf, size_t cap);
#endif

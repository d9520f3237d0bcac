/* query.h - parsing a URL query string (series=web&since=1767225600000&limit=10) into decoded
 * key/value pairs, strictly: a malformed or oversized query is refused with a reason, so an
 * HTTP handler can answer 400 instead of guessing.
 * Pure: no I/O, no allocation. */
#ifndef BLIP_QUERY_H
#define BLIP_QUERY_H
#include <stddef.h>

#define QUERY_PARAMS_MAX 16 /* parameters in one query */
#define QUERY_KEY_MAX 32    /* longest decoded key, bytes */
#define QUERY_VALUE_MAX 256 /* longest decoded value, bytes */

struct query_param {
    char key[QUERY_KEY_MAX + 1];
    char value[QUERY_VALUE_MAX + 1]; /* "" for a bare key ("?verbose") */
};

struct query {
    struct query_param p[QUERY_PARAMS_MAX];
    size_t n; /* parameters held */
};

/* Parses qs (NULL or "" for none): '&'-separated key[=value], %XX and '+' decoded. Empty
 * segments are skipped. Refused: an empty key, a bad %-escape, a decoded NUL, a repeated key,
 * too long a key or value, more than QUERY_PARAMS_MAX parameters. Returns 0, or -1 with the
 * reason in err. */
int query_parse(const char *qs, struct query *q, char *err, size_t errlen);

/* The value of key, or NULL when absent. Borrowed from q. */
const char *query_get(const struct query *q, const char *key);

/* Returns 0 if every key of q is in `allowed` (NULL-terminated), else -1 with the reason. */
int query_check_keys(const struct query *q, const char *const *allowed, char *err, size_t errlen);
#endif

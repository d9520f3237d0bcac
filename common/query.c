/* query.c - see query.h. */
#include "query.h"

#include <stdio.h>
#include <string.h>

static int query_hex(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes s[0..len) into out (cap bytes with the NUL). Returns 0, or -1 with the reason. */
static int query_decode(const char *s, size_t len, char *out, size_t cap, const char *what,
                        char *err, size_t errlen) {
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int hi = i + 2 < len ? query_hex(s[i + 1]) : -1;
            int lo = i + 2 < len ? query_hex(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                snprintf(err, errlen, "bad %%-escape in %s", what);
                return -1;
            }
            c = hi * 16 + lo;
            i += 2;
            if (c == 0) {
                snprintf(err, errlen, "%%00 in %s", what);
                return -1;
            }
        }
        if (n + 1 >= cap) {
            snprintf(err, errlen, "%s longer than %zu bytes", what, cap - 1);
            return -1;
        }
        out[n++] = (char)c;
    }
    out[n] = '\0';
    return 0;
}

/* Adds the segment s[0..len) ("key" or "key=value") to q. */
static int query_add(const char *s, size_t len, struct query *q, char *err, size_t errlen) {
    const char *eq = memchr(s, '=', len);
    size_t klen = eq ? (size_t)(eq - s) : len;
    struct query_param *p;

    if (klen == 0) {
        snprintf(err, errlen, "a parameter without a name");
        return -1;
    }
    if (q->n >= QUERY_PARAMS_MAX) {
        snprintf(err, errlen, "more than %d parameters", QUERY_PARAMS_MAX);
        return -1;
    }
    p = &q->p[q->n];
    if (query_decode(s, klen, p->key, sizeof p->key, "a parameter name", err, errlen) != 0)
        return -1;
    if (query_get(q, p->key)) {
        snprintf(err, errlen, "parameter \"%s\" given twice", p->key);
        return -1;
    }
    p->value[0] = '\0';
    if (eq &&
        query_decode(eq + 1, len - klen - 1, p->value, sizeof p->value, p->key, err, errlen) != 0)
        return -1;
    q->n++;
    return 0;
}

int query_parse(const char *qs, struct query *q, char *err, size_t errlen) {
    q->n = 0;
    if (!qs)
        return 0;
    while (*qs) {
        const char *amp = strchr(qs, '&');
        size_t len = amp ? (size_t)(amp - qs) : strlen(qs);
        if (len && query_add(qs, len, q, err, errlen) != 0)
            return -1;
        qs += len;
        if (*qs == '&')
            qs++;
    }
    return 0;
}

const char *query_get(const struct query *q, const char *key) {
    for (size_t i = 0; i < q->n; i++)
        if (strcmp(q->p[i].key, key) == 0)
            return q->p[i].value;
    return NULL;
}

int query_check_keys(const struct query *q, const char *const *allowed, char *err, size_t errlen) {
    for (size_t i = 0; i < q->n; i++) {
        size_t k = 0;
        while (allowed[k] && strcmp(allowed[k], q->p[i].key) != 0)
            k++;
        if (!allowed[k]) {
            snprintf(err, errlen, "unknown parameter \"%s\"", q->p[i].key);
            return -1;
        }
    }
    return 0;
}

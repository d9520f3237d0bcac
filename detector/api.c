/* api.c - see api.h. */
#include "api.h"

#include <stdio.h>
#include <string.h>

#include "num.h"
#include "score.h"

/* Parses the integer parameter `key` of qb into *out when present. */
static int api_int_param(const struct query *qb, const char *key, int64_t min, int64_t max,
                         int64_t *out, char *err, size_t errlen) {
    const char *v = query_get(qb, key);
    if (!v)
        return 0;
    if (num_parse_i64(v, strlen(v), min, max, out) != 0) {
        snprintf(err, errlen, "%s: expected an integer %lld..%lld, got \"%.40s\"", key,
                 (long long)min, (long long)max, v);
        return -1;
    }
    return 0;
}

static int api_series_param(const struct query *qb, const char **out, char *err, size_t errlen) {
    const char *v = query_get(qb, "series");
    if (v && !codec_series_valid(v, strlen(v))) {
        snprintf(err, errlen, "series: \"%.70s\" is not a series name", v);
        return -1;
    }
    *out = v;
    return 0;
}

int api_anomalies_query(const char *qs, struct query *qb, struct recent_query *q, char *err,
                        size_t errlen) {
    static const char *const keys[] = {"series", "since", "limit", NULL};
    int64_t since = 0, limit = RECENT_LIMIT_DEFAULT;

    if (query_parse(qs, qb, err, errlen) != 0 || query_check_keys(qb, keys, err, errlen) != 0 ||
        api_series_param(qb, &q->series, err, errlen) != 0 ||
        api_int_param(qb, "since", 0, INT64_MAX, &since, err, errlen) != 0 ||
        api_int_param(qb, "limit", 1, RECENT_CAP, &limit, err, errlen) != 0)
        return -1;
    q->since = since;
    q->limit = (size_t)limit;
    return 0;
}

int api_series_query(const char *qs, struct query *qb, struct api_series_query *q, char *err,
                     size_t errlen) {
    static const char *const keys[] = {"series", "limit", NULL};
    int64_t limit = API_SERIES_LIMIT_DEFAULT;

    if (query_parse(qs, qb, err, errlen) != 0 || query_check_keys(qb, keys, err, errlen) != 0 ||
        api_series_param(qb, &q->series, err, errlen) != 0 ||
        api_int_param(qb, "limit", 1, API_SERIES_LIMIT_MAX, &limit, err, errlen) != 0)
        return -1;
    q->limit = (size_t)limit;
    return 0;
}

static void api_one_series(const struct series *s, struct sbuf *out) {
    sbuf_puts(out, "{\"series\":");
    sbuf_json_str(out, s->name);
    sbuf_printf(out, ",\"algo\":\"%s\",\"points\":%llu,\"anomalies\":%llu,\"last\":",
                score_algo_name(s->params.algo), (unsigned long long)s->points,
                (unsigned long long)s->anomalies);
    sbuf_json_num(out, s->last);
    sbuf_puts(out, ",\"mean\":");
    sbuf_json_num(out, s->mean);
    sbuf_puts(out, ",\"std\":");
    sbuf_json_num(out, s->std);
    sbuf_printf(out, ",\"episodes\":%llu,\"episode_open\":%s}", (unsigned long long)s->ep.id,
                s->ep.open ? "true" : "false");
}

void api_series_json(const struct series_table *t, const struct api_series_query *q,
                     struct sbuf *out) {
    size_t n = 0, mark;
    const struct series *one = NULL;

    if (q->series) {
        one = series_find(t, q->series, strlen(q->series));
        sbuf_printf(out, "{\"total\":%zu,\"returned\":%d,\"series\":[", t->len, one ? 1 : 0);
        if (one)
            api_one_series(one, out);
        sbuf_puts(out, "]}");
        return;
    }
    n = t->len < q->limit ? t->len : q->limit;
    sbuf_printf(out, "{\"total\":%zu,\"returned\":%zu,\"series\":[", t->len, n);
    mark = 0;
    for (const struct series *s = t->newest; s && mark < n; s = s->older, mark++) {
        if (mark)
            sbuf_add(out, ",", 1);
        api_one_series(s, out);
    }
    sbuf_puts(out, "]}");
}

int64_t api_client_field(const char *line, size_t len, const char *field) {
    size_t flen = strlen(field);
    for (size_t i = 0; i + flen < len; i++) {
        size_t end;
        int64_t v;
        if ((i > 0 && line[i - 1] != ' ') || memcmp(line + i, field, flen) != 0 ||
            line[i + flen] != '=')
            continue;
        end = i + flen + 1;
        while (end < len && line[end] >= '0' && line[end] <= '9')
            end++;
        if (num_parse_i64(line + i + flen + 1, end - i - flen - 1, 0, INT64_MAX, &v) == 0)
            return v;
        return -1;
    }
    return -1;
}

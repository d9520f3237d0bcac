/* hostile.c - writes a stream of PUBLISH commands in the Redis protocol, for `redis-cli --pipe`:
 * COUNT messages on CHANNEL, a seeded mix of good points (a few busy series, an endless supply
 * of new series names, extreme but finite values) and hostile ones (bad JSON, truncated JSON,
 * deep nesting, huge numbers, NaN and Infinity, wrong types, missing values, bad series names,
 * empty messages, binary garbage, and BIG payloads of 2 MB), plus CONTROL malformed messages on
 * CONTROL_CHANNEL. Every hostile message is built so that exactly one of the codec's causes
 * applies, so the detector's counters can be checked to the message. On stderr it prints what
 * the detector must count: "points=N size=N syntax=N type=N range=N missing=N series=N
 * distinct=N control=N" (distinct: different series names among the good points).
 * Usage: hostile SEED COUNT BIG CHANNEL CONTROL CONTROL_CHANNEL */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOSTILE_BIG_BYTES (2 * 1024 * 1024) /* a "2 MB payload" */
#define HOSTILE_MSG_MAX 8192                /* every other message fits in this */
#define HOSTILE_GARBAGE_MAX 512             /* binary garbage length, bytes */
#define HOSTILE_DEPTH_MIN 40                /* nesting beyond the codec's 32 levels */
#define HOSTILE_DEPTH_MAX 600
#define HOSTILE_DIGITS_MAX 1000 /* a number with this many digits (the codec reads 400) */

enum cause { C_POINT, C_SIZE, C_SYNTAX, C_TYPE, C_RANGE, C_MISSING, C_SERIES, C_COUNT };
static const char *const cause_names[C_COUNT] = {"points", "size",    "syntax", "type",
                                                 "range",  "missing", "series"};
static const char *const busy_series[] = {"web", "api", "db", "cache", "x.extreme"};
#define HOSTILE_BUSY (sizeof busy_series / sizeof busy_series[0])

struct gen {
    uint64_t rng;
    uint64_t n[C_COUNT];
    uint64_t new_series; /* names used once */
    unsigned busy_used;  /* bit i: busy_series[i] has had a good point */
    uint64_t seq;
    char buf[HOSTILE_MSG_MAX];
};

static uint64_t rnd(struct gen *g) { /* xorshift64* */
    g->rng ^= g->rng >> 12;
    g->rng ^= g->rng << 25;
    g->rng ^= g->rng >> 27;
    return g->rng * 2685821657736338717ULL;
}

static unsigned below(struct gen *g, unsigned n) { return (unsigned)(rnd(g) % n); }

static void publish(const char *channel, const char *msg, size_t len) {
    printf("*3\r\n$7\r\nPUBLISH\r\n$%zu\r\n%s\r\n$%zu\r\n", strlen(channel), channel, len);
    fwrite(msg, 1, len, stdout);
    fputs("\r\n", stdout);
}

/* A good point on series s; returns its length. */
static size_t good(struct gen *g, const char *s, const char *value) {
    g->seq++;
    return (size_t)snprintf(g->buf, sizeof g->buf,
                            "{\"series\":\"%s\",\"seq\":%" PRIu64 ",\"ts\":%" PRIu64
                            ",\"response_time\":%s}",
                            s, g->seq, (uint64_t)1767225600000 + g->seq, value);
}

/* A good point on busy series i. */
static size_t busy(struct gen *g, unsigned i, const char *value) {
    g->busy_used |= 1u << i;
    return good(g, busy_series[i], value);
}

static size_t one_of(struct gen *g, const char *const *list, size_t n) {
    return (size_t)snprintf(g->buf, sizeof g->buf, "%s", list[below(g, (unsigned)n)]);
}

/* Fills g->buf with one message of the given cause; returns its length. */
static size_t make(struct gen *g, enum cause c) {
    static const char *const values[] = {"1e308", "-1e308", "5e-324",
                                         "-0",    "0",      "1.7976931348623157e308"};
    static const char *const types[] = {
        "{\"response_time\":\"201.3\"}", "{\"response_time\":\"NaN\"}",
        "{\"response_time\":true}",      "{\"response_time\":null}",
        "{\"response_time\":[1]}",       "{\"series\":5,\"value\":1}",
        "{\"value\":1,\"phase\":7}",     "{\"value\":{}}",
        "{\"value\":1,\"unit\":[]}"};
    static const char *const ranges[] = {
        "{\"response_time\":NaN}",       "{\"response_time\":Infinity}",
        "{\"response_time\":-Infinity}", "{\"response_time\":1e999}",
        "{\"response_time\":-1e400}",    "{\"value\":1,\"seq\":1.5}",
        "{\"value\":1,\"ts\":-1}",       "{\"value\":1,\"label\":2}",
        "{\"value\":1,\"seq\":1e300}"};
    static const char *const missing[] = {"{}", "{\"series\":\"web\"}", "{\"seq\":1,\"ts\":2}",
                                          "{\"x\":[1,{\"response_time\":1}]}"};
    static const char *const series[] = {
        "{\"series\":\"\",\"value\":1}",
        "{\"series\":\"a b\",\"value\":1}",
        "{\"series\":\"web\\u0041\",\"value\":1}",
        "{\"series\":\"semi;colon\",\"value\":1}",
        "{\"series\":\"\xc3\xa9t\xc3\xa9\",\"value\":1}",
        "{\"series\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
        "\"value\":1}"};
    char name[32];
    size_t len;

    switch (c) {
    case C_POINT:
        switch (below(g, 8)) {
        case 0: /* an endless supply of new names */
            snprintf(name, sizeof name, "new-%" PRIu64, g->new_series++);
            return good(g, name, "12.5");
        case 1: /* extreme but finite values get a series of their own */
            return busy(g, HOSTILE_BUSY - 1, values[below(g, sizeof values / sizeof values[0])]);
        default:
            snprintf(name, sizeof name, "%u.%u", 100 + below(g, 50), below(g, 10));
            return busy(g, below(g, HOSTILE_BUSY - 1), name);
        }
    case C_SIZE:
        return 0; /* the empty message; the 2 MB ones are written by big() */
    case C_SYNTAX:
        switch (below(g, 4)) {
        case 0: /* a good point cut short: the closing brace is always gone */
            len = good(g, busy_series[0], "101.5");
            return 1 + below(g, (unsigned)len - 1);
        case 1: { /* nesting deeper than the codec follows, in an unknown field */
            unsigned depth = HOSTILE_DEPTH_MIN + below(g, HOSTILE_DEPTH_MAX - HOSTILE_DEPTH_MIN);
            len = (size_t)snprintf(g->buf, sizeof g->buf, "{\"deep\":");
            memset(g->buf + len, '[', depth);
            memset(g->buf + len + depth, ']', depth);
            len += 2 * (size_t)depth;
            return len +
                   (size_t)snprintf(g->buf + len, sizeof g->buf - len, ",\"response_time\":1}");
        }
        case 2: /* binary garbage that does not start like a JSON object */
            len = 1 + below(g, HOSTILE_GARBAGE_MAX);
            for (size_t i = 0; i < len; i++)
                g->buf[i] = (char)rnd(g);
            if (g->buf[0] == '{' || g->buf[0] == ' ' || g->buf[0] == '\t' || g->buf[0] == '\n' ||
                g->buf[0] == '\r')
                g->buf[0] = '#';
            return len;
        default: {
            static const char *const bad[] = {"not json",
                                              "[1,2,3]",
                                              "{\"response_time\":1} trailing",
                                              "{\"response_time\" 1}",
                                              "{response_time:1}",
                                              "{\"value\":01}",
                                              "{\"value\":1,}",
                                              "{\"value\":.5}",
                                              "{\"value\":1,\"s\":\"\\x\"}",
                                              "\"just a string\"",
                                              "{\"value\":1}}",
                                              "null"};
            return one_of(g, bad, sizeof bad / sizeof bad[0]);
        }
        }
    case C_TYPE:
        return one_of(g, types, sizeof types / sizeof types[0]);
    case C_RANGE:
        if (below(g, 4) == 0) { /* a number longer than the codec reads */
            unsigned digits = 401 + below(g, HOSTILE_DIGITS_MAX - 401);
            len = (size_t)snprintf(g->buf, sizeof g->buf, "{\"response_time\":1");
            memset(g->buf + len, '0', digits);
            len += digits;
            return len + (size_t)snprintf(g->buf + len, sizeof g->buf - len, "}");
        }
        return one_of(g, ranges, sizeof ranges / sizeof ranges[0]);
    case C_MISSING:
        return one_of(g, missing, sizeof missing / sizeof missing[0]);
    case C_SERIES:
        return one_of(g, series, sizeof series / sizeof series[0]);
    case C_COUNT:
        break;
    }
    return 0;
}

static void big(const char *channel) {
    static char msg[HOSTILE_BIG_BYTES];
    size_t head = (size_t)snprintf(msg, sizeof msg, "{\"response_time\":1,\"pad\":\"");
    memset(msg + head, 'x', sizeof msg - head - 2);
    memcpy(msg + sizeof msg - 2, "\"}", 2);
    publish(channel, msg, sizeof msg);
}

int main(int argc, char **argv) {
    /* cumulative weights per 1000 messages: most are good, every cause is frequent */
    static const unsigned weight[C_COUNT] = {450, 10, 250, 80, 90, 40, 80};
    static const char *const control_bad[] = {"{",
                                              "[]",
                                              "{\"threshold\":0}",
                                              "{\"window\":1}",
                                              "{\"bogus\":1}",
                                              "{\"algo\":\"lstm\"}",
                                              "{\"series\":\"bad name\",\"threshold\":3}",
                                              "{}",
                                              "{\"threshold\":\"3\"}",
                                              "{\"get\":1}",
                                              "{\"end_threshold\":100}"};
    struct gen g;
    uint64_t count, nbig, ncontrol, stride, distinct;

    if (argc != 7) {
        fprintf(stderr, "usage: hostile SEED COUNT BIG CHANNEL CONTROL CONTROL_CHANNEL\n");
        return 2;
    }
    memset(&g, 0, sizeof g);
    g.rng = strtoull(argv[1], NULL, 10) * 2 + 1;
    count = strtoull(argv[2], NULL, 10);
    nbig = strtoull(argv[3], NULL, 10);
    ncontrol = strtoull(argv[5], NULL, 10);
    if (nbig > count)
        nbig = count;
    stride = count / (nbig + 1);
    for (uint64_t i = 0, bigs = 0; i < count; i++) {
        unsigned w = below(&g, 1000), c = 0, acc = weight[0];
        if (bigs < nbig && i >= (bigs + 1) * stride) { /* spread through the stream */
            big(argv[4]);
            g.n[C_SIZE]++;
            bigs++;
            continue;
        }
        while (w >= acc)
            acc += weight[++c];
        publish(argv[4], g.buf, make(&g, (enum cause)c));
        g.n[c]++;
    }
    for (uint64_t i = 0; i < ncontrol; i++) {
        size_t len = one_of(&g, control_bad, sizeof control_bad / sizeof control_bad[0]);
        publish(argv[6], g.buf, len);
    }
    if (fflush(stdout) != 0)
        return 1;
    distinct = g.new_series;
    for (unsigned i = 0; i < HOSTILE_BUSY; i++)
        distinct += (g.busy_used >> i) & 1u;
    for (int c = 0; c < C_COUNT; c++)
        fprintf(stderr, "%s=%" PRIu64 " ", cause_names[c], g.n[c]);
    fprintf(stderr, "distinct=%" PRIu64 " control=%" PRIu64 "\n", distinct, ncontrol);
    return 0;
}

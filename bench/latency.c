/* latency.c - publish -> receive latency through a subscriber that republishes (blip-detector, or
 * basesub --republish). One thread publishes RATE points per second for SECONDS on channel IN,
 * on a fixed schedule: a steady series (values 100..103) with a spike of 1000 every SPIKE-th
 * point after the first 25 (the detector's warm-up), so that with the detector's defaults (sma,
 * window 25, threshold 2) exactly the spikes are flagged. Each point carries its send time, in ns on this process's
 * monotonic clock, as its "seq"; the detector copies seq into the anomaly, basesub copies the
 * whole payload. The main thread, subscribed to OUT, takes receive time - seq for every spike
 * that comes back (of basesub's copies of every point, only the spikes count).
 *
 * usage: latency PORT IN OUT RATE SECONDS [SPIKE]
 * Prints "sent=N spikes=N received=N p50_us=X p99_us=X max_us=X" on stdout. */
#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LATENCY_SPIKE_DEFAULT 10 /* every 10th point is a spike */
#define LATENCY_SPIKE_VALUE "1000" /* a spike's response_time; the steady values are 100..103 */
#define LATENCY_WARMUP 25        /* the detector's default window: no spikes before it */
#define LATENCY_QUIET_S 1        /* after the last send, the receiver waits this long */

struct latency {
    int port;
    const char *in, *out;
    double rate, seconds;
    unsigned spike;
    uint64_t t0;        /* monotonic ns: the clock's origin for seq */
    uint64_t sent;      /* points published (publisher thread) */
    uint64_t spikes;    /* of which spikes past the warm-up */
    uint64_t *lat;      /* latencies in ns (receiver) */
    size_t n, cap;
};

static uint64_t latency_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static redisContext *latency_connect(int port) {
    redisContext *c = redisConnect("127.0.0.1", port);
    if (!c || c->err) {
        fprintf(stderr, "latency: cannot connect: %s\n", c ? c->errstr : "out of memory");
        exit(1);
    }
    return c;
}

static void *latency_publish(void *arg) {
    struct latency *l = arg;
    redisContext *c = latency_connect(l->port);
    uint64_t total = (uint64_t)(l->rate * l->seconds);
    static const char *const steady[] = {"100", "100.5", "101", "101.5", "102", "102.5", "103"};
    char msg[160];

    for (uint64_t k = 0; k < total; k++) {
        uint64_t due = l->t0 + (uint64_t)((double)k * 1e9 / l->rate);
        struct timespec ts = {(time_t)(due / 1000000000ULL), (long)(due % 1000000000ULL)};
        int spike = k >= LATENCY_WARMUP && k % l->spike == l->spike - 1;
        redisReply *r;
        int len;

        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
        len = snprintf(msg, sizeof msg, "{\"series\":\"lat\",\"seq\":%llu,\"response_time\":%s}",
                       (unsigned long long)(latency_now() - l->t0),
                       spike ? LATENCY_SPIKE_VALUE : steady[k % (sizeof steady / sizeof steady[0])]);
        r = redisCommand(c, "PUBLISH %s %b", l->in, msg, (size_t)len);
        if (!r) {
            fprintf(stderr, "latency: PUBLISH: %s\n", c->errstr);
            exit(1);
        }
        freeReplyObject(r);
        l->sent++;
        l->spikes += spike;
    }
    redisFree(c);
    return NULL;
}

static int latency_cmp(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Takes receive time - send time for a spike: the detector passes on only those, and of what
 * basesub republishes (every point) the same points are kept, so both are measured alike. */
static void latency_record(struct latency *l, const redisReply *payload, uint64_t now) {
    const char *s = strstr(payload->str, "\"seq\":");
    uint64_t sent_at;
    if (!s || !strstr(payload->str, "\"response_time\":" LATENCY_SPIKE_VALUE))
        return;
    sent_at = strtoull(s + 6, NULL, 10) + l->t0;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4096;
        l->lat = realloc(l->lat, l->cap * sizeof *l->lat);
        if (!l->lat)
            exit(1);
    }
    l->lat[l->n++] = now - sent_at;
}

int main(int argc, char **argv) {
    static struct latency l;
    struct timeval quiet = {LATENCY_QUIET_S, 0};
    redisContext *sub;
    redisReply *r;
    pthread_t pub;
    double us = 1e-3;

    if (argc < 6 || argc > 7) {
        fprintf(stderr, "usage: latency PORT IN OUT RATE SECONDS [SPIKE]\n");
        return 2;
    }
    l.port = atoi(argv[1]);
    l.in = argv[2];
    l.out = argv[3];
    l.rate = atof(argv[4]);
    l.seconds = atof(argv[5]);
    l.spike = argc == 7 ? (unsigned)atoi(argv[6]) : LATENCY_SPIKE_DEFAULT;
    if (l.port <= 0 || !(l.rate > 0) || !(l.seconds > 0) || l.spike < 2)
        return 2;
    sub = latency_connect(l.port);
    r = redisCommand(sub, "SUBSCRIBE %s", l.out);
    if (!r)
        return 1;
    freeReplyObject(r);
    redisSetTimeout(sub, quiet);
    l.t0 = latency_now();
    if (pthread_create(&pub, NULL, latency_publish, &l) != 0)
        return 1;
    /* a second without messages ends the run (the publisher stops after SECONDS) */
    while (redisGetReply(sub, (void **)&r) == REDIS_OK) {
        uint64_t now = latency_now();
        if (r->type == REDIS_REPLY_ARRAY && r->elements == 3 &&
            r->element[2]->type == REDIS_REPLY_STRING)
            latency_record(&l, r->element[2], now);
        freeReplyObject(r);
    }
    pthread_join(pub, NULL);
    redisFree(sub);
    if (l.n == 0) {
        fprintf(stderr, "latency: nothing received on %s\n", l.out);
        return 1;
    }
    qsort(l.lat, l.n, sizeof *l.lat, latency_cmp);
    printf("sent=%llu spikes=%llu received=%zu p50_us=%.1f p99_us=%.1f max_us=%.1f\n",
           (unsigned long long)l.sent, (unsigned long long)l.spikes, l.n,
           (double)l.lat[l.n / 2] * us, (double)l.lat[(l.n * 99 + 99) / 100 - 1] * us,
           (double)l.lat[l.n - 1] * us);
    free(l.lat);
    return 0;
}

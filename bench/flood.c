/* flood.c - a pipelined PUBLISH flood for filling subscribers' backlogs: the payloads are read
 * once from a file (one message per line, e.g. `blip-generator --stdout` output) and turned into
 * ready-made PUBLISH commands in one buffer; then COUNT of them (cycling through the file) go out
 * in contiguous slices of BATCH commands, with at most WINDOW unanswered.
 *
 * usage: flood [--count N] [--window W] PORT CHANNEL FILE
 * Prints "published=N seconds=S rate=R" on stdout; exits 1 on any error reply or I/O error. */
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FLOOD_WINDOW_DEFAULT 4096 /* commands sent and not yet answered */
#define FLOOD_LINE_MAX 65536      /* longest message line, bytes */

struct flood {
    char *cmds;    /* every PUBLISH command, back to back */
    size_t *start; /* start[i]: offset of command i; start[n] = total length */
    size_t n;      /* commands (= non-empty lines of the file) */
};

static void flood_die(const char *what, const char *why) {
    fprintf(stderr, "flood: %s: %s\n", what, why);
    exit(1);
}

static void *flood_alloc(void *p, size_t n) {
    p = realloc(p, n);
    if (!p)
        flood_die("realloc", "out of memory");
    return p;
}

/* Reads FILE and formats one PUBLISH command per non-empty line. */
static void flood_load(struct flood *f, const char *channel, const char *path) {
    static char line[FLOOD_LINE_MAX + 2];
    size_t cap = 1 << 20, len = 0, ncap = 1024, chlen = strlen(channel);
    FILE *in = fopen(path, "r");

    if (!in)
        flood_die(path, "cannot open");
    f->cmds = flood_alloc(NULL, cap);
    f->start = flood_alloc(NULL, ncap * sizeof *f->start);
    while (fgets(line, sizeof line, in)) {
        size_t ll = strcspn(line, "\r\n");
        if (ll == 0)
            continue;
        if (len + ll + chlen + 64 > cap)
            f->cmds = flood_alloc(f->cmds, cap = cap * 2 + ll);
        if (f->n + 2 > ncap)
            f->start = flood_alloc(f->start, (ncap *= 2) * sizeof *f->start);
        f->start[f->n++] = len;
        len += (size_t)sprintf(f->cmds + len, "*3\r\n$7\r\nPUBLISH\r\n$%zu\r\n%s\r\n$%zu\r\n",
                               chlen, channel, ll);
        memcpy(f->cmds + len, line, ll);
        memcpy(f->cmds + len + ll, "\r\n", 2);
        len += ll + 2;
    }
    fclose(in);
    if (f->n == 0)
        flood_die(path, "no messages");
    f->start[f->n] = len;
}

static double flood_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Queues commands [*next, *next + k) of the endless cycle, as few contiguous slices as possible. */
static void flood_queue(redisContext *c, const struct flood *f, size_t *next, size_t k) {
    while (k > 0) {
        size_t i = *next % f->n, m = f->n - i < k ? f->n - i : k;
        if (redisAppendFormattedCommand(c, f->cmds + f->start[i],
                                        f->start[i + m] - f->start[i]) != REDIS_OK)
            flood_die("append", c->errstr);
        *next += m;
        k -= m;
    }
}

static void flood_ack(redisContext *c) {
    redisReply *r;
    if (redisGetReply(c, (void **)&r) != REDIS_OK)
        flood_die("reply", c->errstr);
    if (r->type != REDIS_REPLY_INTEGER)
        flood_die("PUBLISH", r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply");
    freeReplyObject(r);
}

int main(int argc, char **argv) {
    struct flood f = {NULL, NULL, 0};
    unsigned long long count = 0;
    size_t window = FLOOD_WINDOW_DEFAULT, sent = 0, acked = 0;
    redisContext *c;
    double t0, secs;
    int i = 1, done;

    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        if (strcmp(argv[i], "--count") == 0)
            count = strtoull(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--window") == 0)
            window = strtoull(argv[i + 1], NULL, 10);
        else
            break;
    }
    if (argc - i != 3 || window < 2) {
        fprintf(stderr, "usage: flood [--count N] [--window W] PORT CHANNEL FILE\n");
        return 2;
    }
    flood_load(&f, argv[i + 1], argv[i + 2]);
    if (count == 0)
        count = f.n;
    c = redisConnect("127.0.0.1", atoi(argv[i]));
    if (!c || c->err)
        flood_die("connect", c ? c->errstr : "out of memory");
    t0 = flood_now();
    while (acked < count) {
        /* top the window up, send it all, then read half a window of replies */
        size_t k = count - sent < window - (sent - acked) ? count - sent : window - (sent - acked);
        flood_queue(c, &f, &sent, k);
        do {
            if (redisBufferWrite(c, &done) != REDIS_OK)
                flood_die("write", c->errstr);
        } while (!done);
        for (size_t stop = acked + window / 2; acked < stop && acked < sent; acked++)
            flood_ack(c);
    }
    secs = flood_now() - t0;
    printf("published=%llu seconds=%.3f rate=%.0f\n", count, secs, (double)count / secs);
    redisFree(c);
    free(f.cmds);
    free(f.start);
    return 0;
}

/* basesub.c - the baselines blip-detector is measured against: a minimal hiredis + libevent
 * subscriber that receives every message on a channel and either discards it (the throughput
 * floor: what receiving alone costs) or, with --republish, publishes its payload unchanged on
 * another channel over a second connection (the latency floor: receive + publish, no scoring).
 * No decoding, no state, no reconnection: anything unexpected ends it with status 1.
 *
 * usage: basesub [--republish CHANNEL] [--count N] PORT CHANNEL
 * With --count it disconnects after the N-th message and exits 0. On exit it prints
 * "messages=N" on stdout. */
#include <event2/event.h>
#include <hiredis/adapters/libevent.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct basesub {
    redisAsyncContext *sub, *pub; /* pub only with --republish */
    const char *out;              /* republish channel, or NULL */
    unsigned long long count;     /* stop after this many messages; 0 = never */
    unsigned long long messages;  /* messages received */
    int failed;
};

static void basesub_usage(void) {
    fprintf(stderr, "usage: basesub [--republish CHANNEL] [--count N] PORT CHANNEL\n");
    exit(2);
}

static void basesub_on_message(redisAsyncContext *ac, void *r, void *privdata) {
    struct basesub *b = privdata;
    redisReply *reply = r, *payload;
    (void)ac;

    if (!reply)
        return;
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3 ||
        reply->element[0]->type != REDIS_REPLY_STRING ||
        strcmp(reply->element[0]->str, "message") != 0)
        return; /* the subscription's confirmation */
    payload = reply->element[2];
    if (b->out)
        redisAsyncCommand(b->pub, NULL, NULL, "PUBLISH %s %b", b->out, payload->str,
                          payload->len);
    if (++b->messages == b->count) {
        redisAsyncDisconnect(b->sub);
        if (b->pub)
            redisAsyncDisconnect(b->pub);
    }
}

static void basesub_on_disconnect(const redisAsyncContext *ac, int status) {
    struct basesub *b = ac->data;
    if (status != REDIS_OK) {
        fprintf(stderr, "basesub: %s\n", ac->errstr);
        b->failed = 1;
    }
}

static redisAsyncContext *basesub_connect(struct basesub *b, struct event_base *base, int port) {
    redisAsyncContext *ac = redisAsyncConnect("127.0.0.1", port);
    if (!ac || ac->err) {
        fprintf(stderr, "basesub: cannot connect to port %d: %s\n", port,
                ac ? ac->errstr : "out of memory");
        exit(1);
    }
    ac->data = b;
    redisLibeventAttach(ac, base);
    redisAsyncSetDisconnectCallback(ac, basesub_on_disconnect);
    return ac;
}

int main(int argc, char **argv) {
    static struct basesub b;
    struct event_base *base;
    int i = 1, port;

    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        if (strcmp(argv[i], "--republish") == 0)
            b.out = argv[i + 1];
        else if (strcmp(argv[i], "--count") == 0)
            b.count = strtoull(argv[i + 1], NULL, 10);
        else
            basesub_usage();
    }
    if (argc - i != 2 || (port = atoi(argv[i])) <= 0)
        basesub_usage();
    base = event_base_new();
    if (!base)
        return 1;
    b.sub = basesub_connect(&b, base, port);
    if (b.out)
        b.pub = basesub_connect(&b, base, port);
    redisAsyncCommand(b.sub, basesub_on_message, &b, "SUBSCRIBE %s", argv[i + 1]);
    event_base_dispatch(base);
    printf("messages=%llu\n", b.messages);
    event_base_free(base);
    return b.failed;
}

/* shed.c - see shed.h. */
#include "shed.h"

void shed_init(struct shed *s, long at) {
    s->at = at > 0 ? at : 0;
    s->shedding = 0;
    s->since = 0;
    s->drained = 0;
    s->drained_since = 0;
}

long shed_socket_limit(const struct shed *s, long rcvbuf) {
    return rcvbuf > 0 && rcvbuf / 2 < s->at ? rcvbuf / 2 : s->at;
}

int shed_wants_redis(const struct shed *s, const struct shed_obs *o) {
    return s->at > 0 && o->redis_known &&
           (s->shedding || o->waiting >= shed_socket_limit(s, o->rcvbuf));
}

static enum shed_change shed_start(struct shed *s, uint64_t now_ms) {
    s->shedding = 1;
    s->since = now_ms;
    s->drained = 0;
    return SHED_START;
}

static enum shed_change shed_stop(struct shed *s) {
    s->shedding = 0;
    s->drained = 0;
    return SHED_STOP;
}

enum shed_change shed_update(struct shed *s, const struct shed_obs *o) {
    long lim = shed_socket_limit(s, o->rcvbuf);
    int fresh = o->redis_known && o->redis >= 0 && o->now_ms >= o->redis_ms &&
                o->now_ms - o->redis_ms <= SHED_FRESH_MS;

    if (s->at == 0)
        return SHED_SAME;
    if (o->redis_known) {
        if (!s->shedding)
            return fresh && o->redis >= s->at ? shed_start(s, o->now_ms) : SHED_SAME;
        /* scoring again needs an answer given after shedding started */
        if (fresh && o->redis_ms >= s->since && o->redis == 0 && o->waiting < lim / 8)
            return shed_stop(s);
        return SHED_SAME;
    }
    if (!s->shedding)
        return o->waiting >= lim ? shed_start(s, o->now_ms) : SHED_SAME;
    if (o->waiting >= lim / 8) {
        s->drained = 0;
        return SHED_SAME;
    }
    if (!s->drained) {
        s->drained = 1;
        s->drained_since = o->now_ms;
        return SHED_SAME;
    }
    return o->now_ms - s->drained_since >= SHED_DRAIN_MS ? shed_stop(s) : SHED_SAME;
}

/* shed.c - see shed.h. */
#include "shed.h"

void shed_init(struct shed *s, long at) {
    s->at = at > 0 ? at : 0;
    s->resume = 0;
    s->since = 0;
    s->behind = 0;
    s->drained = 0;
    s->shedding = 0;
}

/* Starts a stretch (*flag set, since = now) or reports whether the one under way has lasted
 * `ms`. */
static int shed_lasted(struct shed *s, int *flag, uint64_t now_ms, uint64_t ms) {
    if (!*flag) {
        *flag = 1;
        s->since = now_ms;
        return ms == 0;
    }
    return now_ms - s->since >= ms;
}

enum shed_change shed_update(struct shed *s, long waiting, long rcvbuf, uint64_t now_ms,
                             long *limit) {
    long lim = s->at;
    if (rcvbuf > 0 && rcvbuf / 2 < lim)
        lim = rcvbuf / 2;
    if (limit)
        *limit = lim;
    if (s->at == 0)
        return SHED_SAME;
    if (s->shedding) {
        if (waiting >= s->resume) {
            s->drained = 0;
            return SHED_SAME;
        }
        if (!shed_lasted(s, &s->drained, now_ms, SHED_DRAIN_MS))
            return SHED_SAME;
        s->shedding = 0;
        s->drained = 0;
        return SHED_STOP;
    }
    if (s->behind && waiting < lim / 8) {
        s->behind = 0; /* drained: it was a burst */
        return SHED_SAME;
    }
    if (!s->behind && waiting < lim)
        return SHED_SAME;
    if (!shed_lasted(s, &s->behind, now_ms, SHED_SUSTAIN_MS))
        return SHED_SAME;
    s->shedding = 1;
    s->behind = 0;
    s->resume = lim / 8;
    return SHED_START;
}

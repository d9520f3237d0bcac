/* shed.h - when the detector stops scoring to keep its subscription (--shed-at).
 * Redis closes a subscriber whose output buffer passes 32 MB (or 8 MB for 60 s), so a detector
 * that cannot score as fast as points arrive must read without scoring for a while: it sheds,
 * counting each point it skips. Two measurements say how far behind it is:
 *   - the bytes waiting unread in its socket (FIONREAD), every few hundred messages: cheap,
 *     but a backlog held in Redis shows there only as a socket that keeps refilling;
 *   - the backlog Redis holds for it (the `omem` of CLIENT LIST ID, asked on the publishing
 *     connection), exact, asked for only while the socket is under pressure, at most every
 *     SHED_PROBE_MS.
 * With Redis's figure: the detector sheds once Redis holds --shed-at bytes for it (a burst Redis
 * can hold is scored late, not skipped), and scores again once Redis holds nothing and the
 * socket is under an eighth of its limit. Without it (CLIENT refused by an ACL, Redis before
 * 6.2): it sheds as soon as the socket holds its limit, --shed-at or half the receive buffer if
 * that is less (a reader slow from the start never lets the kernel grow the buffer), and scores
 * again once every measurement for SHED_DRAIN_MS has been under an eighth of it (Redis refills
 * the socket within a millisecond while it still holds a backlog).
 * Pure: the caller measures, asks Redis and keeps the clock. */
#ifndef BLIP_SHED_H
#define BLIP_SHED_H
#include <stdint.h>

#define SHED_PROBE_MS 5   /* at most this often, ask Redis for the backlog */
#define SHED_FRESH_MS 50  /* Redis's figure counts for this long after its answer */
#define SHED_DRAIN_MS 20  /* without Redis's figure: drained this long before scoring again */

struct shed {
    long at;         /* --shed-at, bytes; 0: never shed */
    int shedding;
    uint64_t since;  /* ms: when shedding started */
    int drained;     /* without Redis's figure, shedding: drained since drained_since */
    uint64_t drained_since;
};

/* One look at the backlog. */
struct shed_obs {
    long waiting;      /* bytes unread in the socket */
    long rcvbuf;       /* the socket's receive buffer, bytes; 0 or less: unknown */
    int redis_known;   /* Redis answers CLIENT LIST ID for this subscriber */
    long redis;        /* with redis_known: bytes Redis held for it at redis_ms; -1: none yet */
    uint64_t redis_ms;
    uint64_t now_ms;   /* any monotonic clock */
};

enum shed_change { SHED_SAME, SHED_START, SHED_STOP };

void shed_init(struct shed *s, long at);

/* The socket's limit: --shed-at, or half the receive buffer if that is less. */
long shed_socket_limit(const struct shed *s, long rcvbuf);

/* Whether Redis should be asked now (the caller also keeps one question at a time and
 * SHED_PROBE_MS between them): the socket is at its limit, or the detector is shedding. */
int shed_wants_redis(const struct shed *s, const struct shed_obs *o);

/* Applies one look. Returns whether shedding started or stopped. */
enum shed_change shed_update(struct shed *s, const struct shed_obs *o);
#endif

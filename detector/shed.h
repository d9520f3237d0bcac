/* shed.h - when the detector stops scoring to keep its subscription (--shed-at).
 * Redis closes a subscriber whose output buffer passes 32 MB (or 8 MB for 60 s), so a detector
 * that cannot score as fast as points arrive must read without scoring for a while. What it can
 * see is the bytes waiting unread in its socket (FIONREAD), measured every few hundred messages;
 * a backlog held in Redis shows only as a socket that keeps refilling. So:
 *   - the limit is --shed-at, or half the socket's receive buffer when that is less (a reader
 *     slow from the start never lets the kernel grow the buffer);
 *   - the detector is behind from a measurement at or above the limit until one under an eighth
 *     of it (in between the backlog swings with every read and every write from Redis, so a dip
 *     under the limit says nothing); it sheds once it has been behind for SHED_SUSTAIN_MS: a
 *     burst that Redis can hold is scored late, not skipped;
 *   - it scores again once every measurement for SHED_DRAIN_MS has been under an eighth of the
 *     limit: Redis refills the socket within a millisecond while it still holds a backlog, so
 *     one low measurement is not enough.
 * Pure: the caller measures and keeps the clock. */
#ifndef BLIP_SHED_H
#define BLIP_SHED_H
#include <stdint.h>

#define SHED_SUSTAIN_MS 25 /* behind this long before shedding */
#define SHED_DRAIN_MS 20    /* drained this long before scoring again */

struct shed {
    long at;               /* --shed-at, bytes; 0: never shed */
    long resume;           /* an eighth of the limit when shedding started */
    uint64_t since;        /* ms: start of the current behind (or, shedding, drained) stretch */
    int behind;            /* not shedding: behind since `since` */
    int drained;           /* shedding: drained since `since` */
    int shedding;
};

enum shed_change { SHED_SAME, SHED_START, SHED_STOP };

void shed_init(struct shed *s, long at);

/* One measurement: `waiting` bytes unread, a receive buffer of `rcvbuf` bytes (0 or less:
 * unknown), at `now_ms` (any monotonic clock). Returns whether shedding started or stopped;
 * *limit (if not NULL) gets the limit in force. */
enum shed_change shed_update(struct shed *s, long waiting, long rcvbuf, uint64_t now_ms,
                             long *limit);
#endif

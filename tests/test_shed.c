/* test_shed.c - shed.h: when the detector starts and stops shedding, from sequences of looks at
 * its backlog (unread bytes, receive buffer, what Redis holds for it, time), with and without
 * Redis's figure. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "shed.h"

#define KIB 1024L
#define MIB (1024 * KIB)
#define BIG_RCVBUF (4 * MIB) /* a grown receive buffer */
#define AT (4 * MIB)         /* --shed-at */

/* A look without Redis's figure. */
static struct shed_obs sock(long waiting, long rcvbuf, uint64_t now) {
    struct shed_obs o = {waiting, rcvbuf, 0, -1, 0, now};
    return o;
}

/* A look with Redis's figure `redis`, answered at `redis_ms`. */
static struct shed_obs both(long waiting, long rcvbuf, long redis, uint64_t redis_ms,
                            uint64_t now) {
    struct shed_obs o = {waiting, rcvbuf, 1, redis, redis_ms, now};
    return o;
}

static enum shed_change look(struct shed *s, struct shed_obs o) { return shed_update(s, &o); }

static void test_never_with_zero(void **state) {
    struct shed s;
    struct shed_obs o = sock(100 * MIB, BIG_RCVBUF, 1000);
    (void)state;
    shed_init(&s, 0);
    for (uint64_t t = 1000; t < 5000; t += 50) {
        assert_int_equal(look(&s, sock(100 * MIB, BIG_RCVBUF, t)), SHED_SAME);
        assert_int_equal(look(&s, both(100 * MIB, BIG_RCVBUF, 30 * MIB, t, t)), SHED_SAME);
    }
    assert_int_equal(s.shedding, 0);
    assert_false(shed_wants_redis(&s, &o));
    shed_init(&s, -5); /* negative: also never */
    assert_int_equal(look(&s, sock(1 << 30, 0, 1)), SHED_SAME);
}

static void test_socket_limit(void **state) {
    struct shed s;
    (void)state;
    shed_init(&s, AT);
    assert_int_equal(shed_socket_limit(&s, 128 * KIB), 64 * KIB); /* half a small buffer */
    assert_int_equal(shed_socket_limit(&s, 0), AT);                /* unknown: --shed-at */
    assert_int_equal(shed_socket_limit(&s, -1), AT);
    assert_int_equal(shed_socket_limit(&s, 100 * MIB), AT); /* never above --shed-at */
}

static void test_redis_figure_starts_and_stops(void **state) {
    struct shed s;
    struct shed_obs o;
    (void)state;
    shed_init(&s, AT);
    /* the socket is full, but Redis holds less than --shed-at: a burst, scored late */
    assert_int_equal(look(&s, both(100 * KIB, 128 * KIB, AT - 1, 1000, 1001)), SHED_SAME);
    o = both(100 * KIB, 128 * KIB, AT - 1, 1000, 1001);
    assert_true(shed_wants_redis(&s, &o)); /* socket at its limit: ask */
    o = both(10 * KIB, 128 * KIB, AT - 1, 1000, 1001);
    assert_false(shed_wants_redis(&s, &o)); /* no pressure: do not ask */
    /* Redis holds --shed-at: shed */
    assert_int_equal(look(&s, both(100 * KIB, 128 * KIB, AT, 1010, 1011)), SHED_START);
    o = both(1 * KIB, 128 * KIB, AT, 1010, 1012);
    assert_true(shed_wants_redis(&s, &o)); /* shedding: keep asking */
    /* an answer from before the start does not stop it, nor does an empty socket alone */
    assert_int_equal(look(&s, both(0, 128 * KIB, 0, 1009, 1012)), SHED_SAME);
    assert_int_equal(look(&s, both(0, 128 * KIB, 1 * MIB, 1020, 1021)), SHED_SAME);
    /* Redis holds nothing but the socket is still over an eighth of its limit */
    assert_int_equal(look(&s, both(9 * KIB, 128 * KIB, 0, 1030, 1031)), SHED_SAME);
    assert_int_equal(look(&s, both(7 * KIB, 128 * KIB, 0, 1040, 1041)), SHED_STOP);
    assert_int_equal(s.shedding, 0);
}

static void test_stale_redis_figure_is_ignored(void **state) {
    struct shed s;
    (void)state;
    shed_init(&s, AT);
    /* a large figure from long ago does not start shedding */
    assert_int_equal(look(&s, both(100 * KIB, 128 * KIB, 10 * MIB, 1000, 1000 + SHED_FRESH_MS + 1)),
                     SHED_SAME);
    assert_int_equal(look(&s, both(100 * KIB, 128 * KIB, 10 * MIB, 1000, 1000 + SHED_FRESH_MS)),
                     SHED_START);
    /* no figure yet (-1): nothing to go on, wait for the answer */
    shed_init(&s, AT);
    assert_int_equal(look(&s, both(100 * MIB, 128 * KIB, -1, 0, 5)), SHED_SAME);
    /* shedding: a zero figure gone stale does not stop it */
    assert_int_equal(look(&s, both(0, 128 * KIB, AT, 100, 100)), SHED_START);
    assert_int_equal(look(&s, both(0, 128 * KIB, 0, 101, 101 + SHED_FRESH_MS + 1)), SHED_SAME);
    assert_int_equal(look(&s, both(0, 128 * KIB, 0, 200, 200)), SHED_STOP);
}

static void test_socket_only_starts_at_limit(void **state) {
    struct shed s;
    (void)state;
    shed_init(&s, AT);
    /* a 128 KiB buffer can never hold 4 MiB unread: half of it is the limit */
    assert_int_equal(look(&s, sock(64 * KIB - 1, 128 * KIB, 10)), SHED_SAME);
    assert_int_equal(look(&s, sock(64 * KIB, 128 * KIB, 11)), SHED_START);
    /* unknown buffer: --shed-at */
    shed_init(&s, AT);
    assert_int_equal(look(&s, sock(3 * MIB, 0, 10)), SHED_SAME);
    assert_int_equal(look(&s, sock(AT, 0, 11)), SHED_START);
}

static void test_socket_only_stops_after_drain(void **state) {
    struct shed s;
    (void)state;
    shed_init(&s, AT);
    assert_int_equal(look(&s, sock(64 * KIB, 128 * KIB, 1000)), SHED_START);
    /* every look for SHED_DRAIN_MS under an eighth (8 KiB) */
    assert_int_equal(look(&s, sock(8 * KIB, 128 * KIB, 1001)), SHED_SAME);
    assert_int_equal(look(&s, sock(8 * KIB - 1, 128 * KIB, 1002)), SHED_SAME);
    assert_int_equal(look(&s, sock(0, 128 * KIB, 1002 + SHED_DRAIN_MS - 1)), SHED_SAME);
    /* Redis refilled the socket: it still held a backlog, the drained stretch starts again */
    assert_int_equal(look(&s, sock(60 * KIB, 128 * KIB, 1002 + SHED_DRAIN_MS - 1)), SHED_SAME);
    assert_int_equal(look(&s, sock(0, 128 * KIB, 1002 + SHED_DRAIN_MS)), SHED_SAME);
    assert_int_equal(s.shedding, 1);
    assert_int_equal(look(&s, sock(1 * KIB, 128 * KIB, 1002 + 2 * SHED_DRAIN_MS)), SHED_STOP);
    assert_int_equal(s.shedding, 0);
    /* and again */
    assert_int_equal(look(&s, sock(64 * KIB, 128 * KIB, 2000)), SHED_START);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_never_with_zero),
        cmocka_unit_test(test_socket_limit),
        cmocka_unit_test(test_redis_figure_starts_and_stops),
        cmocka_unit_test(test_stale_redis_figure_is_ignored),
        cmocka_unit_test(test_socket_only_starts_at_limit),
        cmocka_unit_test(test_socket_only_stops_after_drain),
    };
    return cmocka_run_group_tests_name("shed", tests, NULL, NULL);
}

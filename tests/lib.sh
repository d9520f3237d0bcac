# tests/lib.sh - helpers for the integration tests, sourced by tests/integration/*.sh.
# Every server and program a test starts is recorded and stopped by PID when the test exits.
# Conditions are polled with a deadline (wait_for), never waited for with a bare sleep.
set -u

BLIP_BIN=${BLIP_BIN:-$(cd "$(dirname "$0")/../../bin" && pwd)}
TEST_NAME=$(basename "$0" .sh)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/blip-$TEST_NAME.XXXXXX")
PIDS=""
N=0
FAILS=0

cleanup() {
    for p in $PIDS; do kill -TERM "$p" 2>/dev/null; done
    for p in $PIDS; do
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null
    done
    if [ "$FAILS" -eq 0 ] && [ -z "${KEEP:-}" ]; then rm -rf "$WORK"; else echo "# kept $WORK"; fi
}
trap cleanup EXIT

track() { PIDS="$PIDS $1"; }

ok() { N=$((N + 1)); echo "ok $N - $*"; }
not_ok() { N=$((N + 1)); FAILS=$((FAILS + 1)); echo "not ok $N - $*"; }

# check "description" command...: passes when the command succeeds.
check() {
    desc=$1
    shift
    if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# check_eq "description" expected actual
check_eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (expected '$2', got '$3')"; fi
}

# wait_for SECONDS command...: polls every 50 ms until the command succeeds; 1 on timeout.
wait_for() {
    limit=$1
    shift
    end=$(($(date +%s%N) / 1000000 + limit * 1000))
    while ! "$@" 2>/dev/null; do
        [ "$(($(date +%s%N) / 1000000))" -ge "$end" ] && return 1
        sleep 0.05
    done
    return 0
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_redis [redis-server args...]: a private redis-server on a free loopback port.
# Sets REDIS_PORT, REDIS_PID, REDIS_URL. Keeps the port across restart_redis. A port that looked
# free but could not be bound (taken meanwhile, or held by an outgoing connection) is replaced by
# another, unless the port is being kept.
start_redis() {
    REDIS_ARGS="$*"
    for _ in 1 2 3 4 5; do
        kept=${REDIS_PORT:-}
        if [ -z "$kept" ]; then
            for _ in 1 2 3 4 5 6 7 8 9 10; do
                p=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 30000))
                if port_free "$p"; then REDIS_PORT=$p; break; fi
            done
        fi
        redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
            --protected-mode no "$@" >>"$WORK/redis.log" 2>&1 &
        REDIS_PID=$!
        track "$REDIS_PID"
        REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
        export REDIS_URL
        wait_for 10 redis_up_or_gone
        rping && return 0
        kill -0 "$REDIS_PID" 2>/dev/null && break # running but not answering
        [ -n "$kept" ] && break
        REDIS_PORT="" # it could not bind: try another port
    done
    echo "# redis-server did not start"
    cat "$WORK/redis.log"
    return 1
}

redis_up_or_gone() { rping || ! kill -0 "$REDIS_PID" 2>/dev/null; }

stop_redis() {
    kill -TERM "$REDIS_PID" 2>/dev/null
    wait "$REDIS_PID" 2>/dev/null
    return 0
}

restart_redis() { stop_redis; start_redis $REDIS_ARGS; }

# rcli args...: redis-cli against the private server (auth from REDIS_CLI_AUTH when set).
rcli() { redis-cli -p "$REDIS_PORT" ${REDIS_CLI_AUTH:-} "$@" 2>/dev/null; }
rping() { [ "$(rcli ping)" = "PONG" ]; }

# subscribe CHANNEL FILE: a redis-cli subscriber writing to FILE; returns once subscribed.
subscribe() {
    redis-cli -p "$REDIS_PORT" ${REDIS_CLI_AUTH:-} subscribe "$1" >"$2" 2>&1 &
    track $!
    wait_for 10 grep -q '^subscribe$' "$2"
}

# numsub CHANNEL: subscribers of CHANNEL right now.
numsub() { rcli pubsub numsub "$1" | sed -n 2p; }

# wait_subscribed CHANNEL [N]: until CHANNEL has at least N (default 1) subscribers.
wait_subscribed() { wait_for 10 sh -c "[ \"\$(redis-cli -p $REDIS_PORT ${REDIS_CLI_AUTH:-} pubsub numsub $1 | sed -n 2p)\" -ge ${2:-1} ]"; }

# count_lines PATTERN FILE
count_lines() { grep -c -- "$1" "$2" 2>/dev/null || true; }

# stat_of FIELD LOGFILE: the value of FIELD=N in the last "final:" (or else "stats:") line.
stat_of() {
    line=$(grep ' final: ' "$2" | tail -n 1)
    [ -n "$line" ] || line=$(grep ' stats: ' "$2" | tail -n 1)
    printf '%s\n' "$line" | tr ' ' '\n' | sed -n "s/^$1=\([0-9]*\).*/\1/p" | head -n 1
}

# stop_pid PID: SIGTERM, then waits for the exit (the PID must be this shell's child); sets
# STOP_RC to the exit status, 124 if it had not ended within 10 s.
stop_pid() {
    kill -TERM "$1" 2>/dev/null
    if exits_within 10 "$1"; then
        wait "$1"
        STOP_RC=$?
    else
        STOP_RC=124
    fi
}

# exits_within SECONDS PID: 0 if the process has ended within the time.
exits_within() { wait_for "$1" sh -c "! kill -0 $2 2>/dev/null"; }

finish() {
    echo "# $TEST_NAME: $N checks, $FAILS failed"
    [ "$FAILS" -eq 0 ]
}

#!/bin/bash
# bench/run.sh - `make bench`: blip's figures, each beside a baseline measured in the same run on
# the same private redis-server (loopback, free port, no persistence), printed as a ratio, with
# the machine and the date; at the end a Markdown table for the README.
#
#   drain    subscriber stopped (SIGSTOP) while `flood` fills its backlog with N points, then
#            resumed: the time until it has read all N (blip-detector --exit-after N, basesub
#            --count N). Redis keeps the whole backlog: client-output-buffer-limit pubsub 0 0 0,
#            for this section only. The points are blip-generator's; a third pair runs the
#            detector with --threshold 1e6, so that nothing is flagged: scoring without the
#            anomaly publishes.
#   live     the same subscribers during a 1,000,000-point pipelined flood with Redis's default
#            pubsub output limits. Never disconnected = it read every point, Redis logged no
#            output-buffer-limit closure and the detector no reconnection. CLIENT LIST is sampled
#            every 50 ms: peak backlog = the largest omem Redis held for it.
#   latency  publish -> anomaly through blip-detector vs publish -> republish through basesub
#            --republish, at 1,000 and 10,000 points/s (bench/latency.c): every 10th point is a
#            spike the detector must flag, and both are timed on those points; rounds alternate
#            between the two subscribers.
#   memory   RSS of blip-detector with 1 and 10,000 series, and with more series than
#            --max-series, beside basesub's after the same 10,000 points.
#   offline  blip-detector --input on a 1,000,000-row CSV vs bench/csvread (read + strtod only).
#   generator blip-generator --rate 0 vs redis-benchmark running the same PUBLISH, one client,
#            pipelined by 2048 (the generator's batch).
#   visualizer (only when bin/blip-visualizer exists) its CPU share at 100,000 points/s with the
#            chart on screen in a private tmux server, beside basesub's.
#
# Environment: BUILD, BIN (as in the Makefile), BENCH_RUNS (drain repetitions, median taken;
# default 5), BENCH_POINTS (drain backlog; default 1000000), BENCH_ONLY="drain live ..." runs only
# those sections, KEEP=1 keeps the work directory.
set -u
BUILD=${BUILD:-build}
BIN=${BIN:-bin}
TOOLS=$BUILD/bench
RUNS=${BENCH_RUNS:-5}
N_DRAIN=${BENCH_POINTS:-1000000}
N_LIVE=1000000
N_OFFLINE=1000000
N_GEN=1000000
GEN_PIPELINE=2048 # GEN_FAST_BATCH in generator/main.c
LIVE_RUNS=2      # floods per subscriber and series count
LIVE_GRACE_S=10  # after the flood, a subscriber still short of points was disconnected
LAT_ROUNDS=3 # latency runs per subscriber and rate, alternating
SERIES_MANY=10000
DET=$BIN/blip-detector
WORK=$(mktemp -d "${TMPDIR:-/tmp}/blip-bench.XXXXXX")
PIDS=""
ROWS=""
FAILS=0

# ---- processes: every one started here is tracked and stopped by PID ----

cleanup() {
    tmux -L "blip-bench-$$" kill-server 2>/dev/null # the visualizer's, if it ran
    for p in $PIDS; do kill -CONT "$p" 2>/dev/null; kill -TERM "$p" 2>/dev/null; done
    for p in $PIDS; do
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null
    done
    if [ -z "${KEEP:-}" ]; then rm -rf "$WORK"; else echo "kept $WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

track() { PIDS="$PIDS $1"; }
untrack() { PIDS=$(printf '%s\n' $PIDS | grep -vx "$1" | tr '\n' ' '); }

# stop PID: SIGTERM, then waits for it (it must be this shell's child).
stop() {
    kill -CONT "$1" 2>/dev/null
    kill -TERM "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    untrack "$1"
}

# wait_for SECONDS command...: polls every 20 ms until the command succeeds; 1 on timeout.
wait_for() {
    local end=$(($(date +%s%N) / 1000000 + $1 * 1000))
    shift
    while ! "$@" 2>/dev/null; do
        [ "$(($(date +%s%N) / 1000000))" -ge "$end" ] && return 1
        sleep 0.02
    done
}

now_ns() { date +%s%N; }
rcli() { redis-cli -p "$PORT" "$@" 2>/dev/null; }
numsub() { rcli pubsub numsub "$1" | sed -n 2p; }
subscribed() { [ "$(numsub "$1")" = "${2:-1}" ]; }
rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }
# stat_of FIELD LOG: FIELD=N from the last stats or final line of a blip log.
stat_of() {
    grep -E ' (stats|final): ' "$2" | tail -n 1 | tr ' ' '\n' | sed -n "s/^$1=\([0-9]*\).*/\1/p" | head -n 1
}
fail() {
    FAILS=$((FAILS + 1))
    echo "  FAILED: $*"
}

# ---- numbers ----

calc() { awk "BEGIN { printf \"%s\", $1 }"; }
# rate COUNT NS -> per second, integer
rate() { awk -v n="$1" -v ns="$2" 'BEGIN { printf "%.0f", (ns > 0 ? n * 1e9 / ns : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
# human 1234567 -> 1.23M; 12345 -> 12.3k
human() {
    awk -v v="$1" 'BEGIN {
        if (v >= 1e6) printf "%.2fM", v / 1e6; else if (v >= 1e4) printf "%.1fk", v / 1e3;
        else printf "%.0f", v }'
}
# grouped 10000 -> 10,000
grouped() { printf '%s' "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
mb() { awk -v kb="$1" 'BEGIN { printf "%.2f MB", kb / 1024 }'; }
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# row MEASURE BLIP BASELINE RATIO TARGET: one line of the final Markdown table.
row() { ROWS="$ROWS| $1 | $2 | $3 | $4 | $5 |"$'\n'; }

# line LABEL BLIP BASELINE RATIO [NOTE]: one figure as printed while running.
line() { printf '  %-34s %-24s %-34s %-7s %s\n' "$1" "$2" "$3" "$4" "${5:-}"; }

# ---- set-up ----

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_redis() {
    PORT=""
    for _ in $(seq 20); do
        # under the kernel's ephemeral range, where outgoing connections take their ports
        hi=$(($(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768) - 1))
        [ "$hi" -gt 11000 ] || hi=32767
        p=$((10000 + $(od -An -N2 -tu2 /dev/urandom) % (hi - 10000 + 1)))
        if port_free "$p"; then PORT=$p; break; fi
    done
    [ -n "$PORT" ] || { echo "no free port" >&2; exit 1; }
    redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --protected-mode no \
        >"$WORK/redis.log" 2>&1 &
    REDIS_PID=$!
    track $REDIS_PID
    wait_for 10 sh -c "[ \"\$(redis-cli -p $PORT ping 2>/dev/null)\" = PONG ]" ||
        { echo "redis-server did not start:" >&2; cat "$WORK/redis.log" >&2; exit 1; }
    REDIS_URL=redis://127.0.0.1:$PORT
    DEFAULT_LIMITS=$(rcli config get client-output-buffer-limit | sed -n 2p)
}

machine() {
    local cpu
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
    MACHINE="$(nproc) cores, ${cpu:-unknown CPU}, Linux $(uname -r)"
    SOFTWARE="redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p'), hiredis $(pkg-config --modversion hiredis 2>/dev/null), libevent $(pkg-config --modversion libevent 2>/dev/null | sed 's/-stable//')"
    DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
    echo "blip benchmarks, $DATE"
    echo "machine:  $MACHINE"
    echo "software: $SOFTWARE; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# Payload files: what blip-generator publishes, for 1 series and for many.
make_inputs() {
    "$BIN/blip-generator" --stdout --rate 0 --seed 1 --count 200000 --stats-interval 0 \
        --log-level warn >"$WORK/one.jsonl"
    "$BIN/blip-generator" --stdout --rate 0 --seed 1 --count 200000 --series-count $SERIES_MANY \
        --stats-interval 0 --log-level warn >"$WORK/many.jsonl"
    "$BIN/blip-generator" --stdout --rate 0 --seed 2 --count $((2 * SERIES_MANY)) \
        --series-count $((2 * SERIES_MANY)) --stats-interval 0 --log-level warn >"$WORK/more.jsonl"
    PAYLOAD_BYTES=$(awk '{ n += length($0) } END { printf "%.0f", n / NR }' "$WORK/one.jsonl")
}

inputs_of() { [ "$1" = 1 ] && echo "$WORK/one.jsonl" || echo "$WORK/many.jsonl"; }

# start_sub KIND COUNT LOG [detector flags]: starts basesub (KIND null) or blip-detector (KIND
# det) reading COUNT messages from response_times, and waits until it is subscribed. Sets SUB.
start_sub() {
    local kind=$1 count=$2 log=$3
    shift 3
    if [ "$kind" = null ]; then
        "$TOOLS/basesub" --count "$count" "$PORT" response_times >"$log" 2>&1 &
    else
        "$DET" --redis "$REDIS_URL" --exit-after "$count" --stats-interval 0 "$@" 2>"$log" &
    fi
    SUB=$!
    track $SUB
    wait_for 10 subscribed response_times || fail "$kind did not subscribe"
}

# read_count KIND LOG: messages the subscriber says it read.
read_count() {
    if [ "$1" = null ]; then
        sed -n 's/^messages=//p' "$2"
    else
        echo $(($(stat_of points "$2") + $(stat_of shed "$2") + $(stat_of malformed "$2")))
    fi
}

# ---- drain ----

# drain_once KIND SERIES [detector flags]: sets DRAIN_NS, the time from SIGCONT to the
# subscriber's exit, and FLAGGED, the points the detector flagged.
drain_once() {
    local kind=$1 series=$2 log=$WORK/drain.$1.log t0 t1 got
    shift 2
    start_sub "$kind" "$N_DRAIN" "$log" "$@"
    kill -STOP $SUB
    "$TOOLS/flood" --count "$N_DRAIN" "$PORT" response_times "$(inputs_of "$series")" >/dev/null ||
        fail "flood"
    t0=$(now_ns)
    kill -CONT $SUB
    wait $SUB
    t1=$(now_ns)
    untrack $SUB
    got=$(read_count "$kind" "$log")
    [ "$got" = "$N_DRAIN" ] || fail "drain: $kind read ${got:-nothing} of $N_DRAIN"
    DRAIN_NS=$((t1 - t0))
    FLAGGED=$([ "$kind" = det ] && stat_of anomalies "$log")
}

# drain_pair LABEL SERIES TARGET [detector flags]: RUNS alternating drains of basesub and
# blip-detector; prints and records the medians. Shedding is off (--shed-at 0): every point is
# scored, so this times the detector's own speed.
drain_pair() {
    local label=$1 series=$2 target=$3 null="" det="" nr dr r
    shift 3
    for _ in $(seq "$RUNS"); do
        drain_once null "$series"
        null="$null $DRAIN_NS"
        drain_once det "$series" --shed-at 0 "$@"
        det="$det $DRAIN_NS"
    done
    nr=$(rate "$N_DRAIN" "$(median $null)")
    dr=$(rate "$N_DRAIN" "$(median $det)")
    r=$(ratio "$dr" "$nr")
    line "$label" "$(human "$dr") points/s" "null subscriber $(human "$nr") points/s" "${r}x" \
        "($(awk -v f="${FLAGGED:-0}" -v n="$N_DRAIN" 'BEGIN { printf "%.1f", 100 * f / n }')% flagged; target $target)"
    row "$label (points/s)" "$(human "$dr")" "$(human "$nr") (null subscriber)" "${r}x" "$target"
}

bench_drain() {
    echo
    echo "drain: subscriber stopped while $(grouped $N_DRAIN) points queue up, then timed until it has read and scored them (median of $RUNS)"
    rcli config set client-output-buffer-limit "pubsub 0 0 0" >/dev/null
    drain_pair "drain, 1 series, knn (default)" 1 ">= 0.80x"
    drain_pair "drain, $(grouped $SERIES_MANY) series, knn (default)" $SERIES_MANY ">= 0.80x"
    drain_pair "drain, 1 series, resid" 1 "(diagnostic)" --algo resid
    drain_pair "drain, 1 series, sma" 1 "(diagnostic)" --algo sma
    # the same stream with nothing flagged: the pipeline alone, without anomaly publishes
    drain_pair "drain, 1 series, sma, nothing flagged" 1 "(diagnostic)" --algo sma --threshold 1e6
    rcli config set client-output-buffer-limit "$DEFAULT_LIMITS" >/dev/null
}

# ---- live ----

# sample_clients FILE STOPFILE: CLIENT LIST of the pubsub clients every 50 ms, each followed by a
# "--" line, until STOPFILE goes; one redis-cli for all, so sampling costs little CPU.
sample_clients() {
    while [ -e "$2" ]; do
        printf 'CLIENT LIST TYPE pubsub\nECHO --\n'
        sleep 0.05
    done | redis-cli -p "$PORT" >>"$1" 2>/dev/null
}

# exited PID: the process is gone or a zombie (a child that has ended but is not reaped yet).
exited() { [ ! -e "/proc/$1" ] || [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = Z ]; }

# live_once KIND SERIES: one flood with the subscriber running. Sets LIVE_NS (flood start to
# the subscriber's last point), LIVE_OMEM (the largest omem sampled, bytes) and LIVE_OK (1 if it
# read every point, Redis logged no output-buffer closure and the detector did not reconnect).
live_once() {
    local log=$WORK/live.$1.log samples=$WORK/live.$1.clients stop=$WORK/live.stop t0 t1 got
    local kind=$1 series=$2
    shift 2
    local sampler limit_hits
    : >"$samples"
    limit_hits=$(grep -c 'output buffer limits' "$WORK/redis.log")
    start_sub "$kind" "$N_LIVE" "$log" "$@"
    touch "$stop"
    sample_clients "$samples" "$stop" &
    sampler=$!
    track $sampler
    t0=$(now_ns)
    "$TOOLS/flood" --count "$N_LIVE" "$PORT" response_times "$(inputs_of "$series")" \
        >"$WORK/live.flood" || fail "flood"
    # a subscriber that was disconnected never gets them all
    wait_for $LIVE_GRACE_S exited $SUB || kill -TERM $SUB
    wait $SUB
    t1=$(now_ns)
    rm -f "$stop"
    wait $sampler 2>/dev/null
    untrack $SUB
    untrack $sampler
    got=$(read_count "$kind" "$log")
    LIVE_SHED=$([ "$kind" = det ] && stat_of shed "$log")
    LIVE_NS=$((t1 - t0))
    LIVE_OMEM=$(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^omem=/) { v = substr($i, 6) + 0
        if (v > m) m = v } } END { print m + 0 }' "$samples")
    LIVE_OK=1
    if [ "$got" != "$N_LIVE" ] ||
        [ "$(grep -c 'output buffer limits' "$WORK/redis.log")" != "$limit_hits" ] ||
        { [ "$kind" = det ] && [ "$(stat_of reconnects "$log")" != 0 ]; }; then
        LIVE_OK=0
    fi
}

# live_kind KIND SERIES [detector flags]: LIVE_RUNS floods; sets LIVE_RATE (median over the runs
# it survived, or empty), LIVE_PEAK (largest omem, bytes), LIVE_LOST (runs it was disconnected
# in) and LIVE_SHED_MAX (the most points it shed in one run).
live_kind() {
    local ns="" peak=0
    LIVE_LOST=0
    LIVE_SHED_MAX=0
    for _ in $(seq $LIVE_RUNS); do
        live_once "$@"
        [ $LIVE_OMEM -gt $peak ] && peak=$LIVE_OMEM
        [ "${LIVE_SHED:-0}" -gt $LIVE_SHED_MAX ] && LIVE_SHED_MAX=$LIVE_SHED
        if [ $LIVE_OK = 1 ]; then ns="$ns $LIVE_NS"; else LIVE_LOST=$((LIVE_LOST + 1)); fi
    done
    LIVE_PEAK=$peak
    LIVE_RATE=$([ -n "$ns" ] && rate "$N_LIVE" "$(median $ns)")
}

# live_text: "<rate> points/s, peak <MB>, never disconnected" for live_kind's results, with the
# share it shed (read without scoring) to keep up.
live_text() {
    local rate=${LIVE_RATE:+$(human "$LIVE_RATE") points/s, } shed=""
    if [ "${LIVE_SHED_MAX:-0}" -gt 0 ]; then
        shed=", $(awk -v s="$LIVE_SHED_MAX" -v n="$N_LIVE" 'BEGIN { printf "%.0f", 100 * s / n }')% shed"
    fi
    if [ $LIVE_LOST = 0 ]; then
        echo "${rate}peak $(mb $((LIVE_PEAK / 1024)))${shed}, never disconnected"
    else
        echo "${rate}peak $(mb $((LIVE_PEAK / 1024))), DISCONNECTED in $LIVE_LOST of $LIVE_RUNS"
    fi
}

bench_live() {
    local s nr dr r ntext dtext label algo
    echo
    echo "live: subscriber running during a $(grouped $N_LIVE)-point pipelined flood, Redis's default output limits ($LIVE_RUNS floods each)"
    for s in "1 knn" "$SERIES_MANY knn" "1 sma"; do
        algo=${s#* }
        s=${s% *}
        live_kind null $s
        nr=$LIVE_RATE
        ntext=$(live_text)
        live_kind det $s --algo $algo
        dr=$LIVE_RATE
        dtext=$(live_text)
        label="live, $(grouped $s) series, $algo"
        [ $algo = knn ] && label="$label (default)"
        [ $LIVE_LOST = 0 ] || fail "$label: the detector was disconnected in $LIVE_LOST of $LIVE_RUNS floods"
        r=$([ -n "$dr" ] && [ -n "$nr" ] && echo "$(ratio "$dr" "$nr")x" || echo "-")
        printf '  %-34s %s\n  %-34s %s\n  %-34s %s\n' "$label" "blip-detector: $dtext" "" \
            "null subscriber: $ntext" "" "ratio $r"
        row "$label" "$dtext" "$ntext (null subscriber)" "$r" "never disconnected"
    done
}

# ---- latency ----

field() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
ms3() { awk -v us="$1" 'BEGIN { printf "%.3f", us / 1000 }'; }
largest() { printf '%s\n' "$@" | sort -n | tail -n 1; }

# latency_round KIND RATE SECONDS: one bench/latency run through a fresh blip-detector (KIND det)
# or basesub --republish (KIND rep); appends its p50, p99 and max (us) to LAT_P50[KIND] etc.
latency_round() {
    local pid out channel=bench:echo
    if [ "$1" = det ]; then
        # the original's SMA reports every spike of the probe (a spike every 10th point is a
        # pattern the default knn learns, and its cooldown would hide most): the latency of the
        # pipeline, not an algorithm's opinion
        "$DET" --redis "$REDIS_URL" --stats-interval 0 --algo sma --window 25 --threshold 2 \
            --cooldown 0 2>>"$WORK/lat.det.log" &
        channel=anomalies
    else
        "$TOOLS/basesub" --republish bench:echo "$PORT" response_times >/dev/null 2>&1 &
    fi
    pid=$!
    track $pid
    wait_for 10 subscribed response_times || fail "$1 did not subscribe"
    out=$("$TOOLS/latency" "$PORT" response_times "$channel" "$2" "$3") || fail "latency at $2/s through $1"
    stop $pid
    if [ "$1" = det ] && [ "$(field received "$out")" != "$(field spikes "$out")" ]; then
        fail "latency: the detector flagged $(field received "$out") of $(field spikes "$out") spikes"
    fi
    LAT_P50[$1]+=" $(field p50_us "$out")"
    LAT_P99[$1]+=" $(field p99_us "$out")"
    LAT_MAX[$1]+=" $(field max_us "$out")"
    LAT_N[$1]=$((${LAT_N[$1]:-0} + $(field received "$out")))
}

# "p50 / p99 / max" in ms over KIND's rounds: medians of p50 and p99, the largest max.
latency_summary() {
    echo "$(ms3 "$(median ${LAT_P50[$1]})") / $(ms3 "$(median ${LAT_P99[$1]})") / $(ms3 "$(largest ${LAT_MAX[$1]})")"
}

bench_latency() {
    local rt secs label r
    echo
    echo "latency: publish -> anomaly (blip-detector) vs publish -> republish (basesub --republish);"
    echo "         ms p50 / p99 / max; $LAT_ROUNDS alternating rounds each, medians of p50 and p99"
    for rt in 1000 10000; do
        secs=$([ $rt = 1000 ] && echo 5 || echo 2)
        declare -A LAT_P50=() LAT_P99=() LAT_MAX=() LAT_N=()
        for _ in $(seq $LAT_ROUNDS); do
            latency_round det $rt $secs
            latency_round rep $rt $secs
        done
        r=$(ratio "$(median ${LAT_P99[det]})" "$(median ${LAT_P99[rep]})")
        label="latency at $(grouped $rt) points/s"
        line "$label" "$(latency_summary det)" "republisher $(latency_summary rep)" "${r}x" \
            "(p99; target <= 1.00x; over the same ${LAT_N[det]} / ${LAT_N[rep]} spikes)"
        row "$label, ms p50 / p99 / max" "$(latency_summary det)" \
            "$(latency_summary rep) (republisher)" "${r}x (p99)" "p99 <= 1.00x"
    done
}

# ---- memory ----

# det_rss FILE COUNT [flags]: sets RSS_KB, the RSS of a detector that has scored COUNT points from
# FILE, and TRACKED and EVICTED, its series counts. No shedding: every point is scored (the
# floods here are small enough for Redis to hold).
det_rss() {
    local file=$1 count=$2 log=$WORK/mem.det.log pid
    shift 2
    "$DET" --redis "$REDIS_URL" --stats-interval 0.05 --log-level info --shed-at 0 "$@" 2>"$log" &
    pid=$!
    track $pid
    wait_for 10 subscribed response_times || fail "detector did not subscribe"
    "$TOOLS/flood" --count "$count" "$PORT" response_times "$file" >/dev/null
    wait_for 30 sh -c "grep ' stats: ' $log | tail -n 1 | grep -q ' points=$count '" ||
        fail "memory: the detector did not score $count points"
    RSS_KB=$(rss_kb $pid)
    EVICTED=$(stat_of evicted "$log")
    TRACKED=$(stat_of series "$log")
    stop $pid
}

bench_memory() {
    local base one many more bound per pid
    echo
    echo "memory: resident set size after scoring"
    "$TOOLS/basesub" "$PORT" response_times >/dev/null 2>&1 &
    pid=$!
    track $pid
    wait_for 10 subscribed response_times || fail "basesub did not subscribe"
    "$TOOLS/flood" --count 10000 "$PORT" response_times "$WORK/one.jsonl" >/dev/null
    base=$(rss_kb $pid)
    stop $pid
    det_rss "$WORK/one.jsonl" 10000
    one=$RSS_KB
    det_rss "$WORK/many.jsonl" $((10 * SERIES_MANY))
    many=$RSS_KB
    [ "$TRACKED" = $SERIES_MANY ] || fail "memory: $SERIES_MANY series sent, $TRACKED tracked"
    det_rss "$WORK/more.jsonl" $((2 * SERIES_MANY))
    more=$RSS_KB
    local more_evicted=$EVICTED more_tracked=$TRACKED
    det_rss "$WORK/many.jsonl" $((10 * SERIES_MANY)) --max-series 1000
    bound=$RSS_KB
    local bound_evicted=$EVICTED
    per=$(awk -v a="$many" -v b="$one" -v n=$SERIES_MANY 'BEGIN { printf "%.0f", (a - b) * 1024 / (n - 1) }')
    line "RSS, 1 series" "$(mb "$one")" "null subscriber $(mb "$base")" "$(ratio "$one" "$base")x" \
        "(target < 4 MB)"
    line "RSS, $(grouped $SERIES_MANY) series" "$(mb "$many") ($per B/series)" "1 series $(mb "$one")" \
        "$(ratio "$many" "$one")x"
    line "RSS, $(grouped $((2 * SERIES_MANY))) series, max 10k" "$(mb "$more") (evicted $more_evicted)" \
        "$(grouped $SERIES_MANY) series $(mb "$many")" "$(ratio "$more" "$many")x" "(bounded by --max-series)"
    line "RSS, $(grouped $SERIES_MANY) series, max 1000" "$(mb "$bound") (evicted $bound_evicted)" \
        "1 series $(mb "$one")" "$(ratio "$bound" "$one")x"
    row "RSS, 1 series" "$(mb "$one")" "$(mb "$base") (null subscriber)" "$(ratio "$one" "$base")x" "< 4 MB"
    row "RSS, $(grouped $SERIES_MANY) series" "$(mb "$many"); $per B/series" "$(mb "$one") (1 series)" \
        "$(ratio "$many" "$one")x" ""
    row "RSS, $(grouped $((2 * SERIES_MANY))) series, --max-series 10000" "$(mb "$more"); evicted $more_evicted" \
        "$(mb "$many") ($(grouped $SERIES_MANY) series)" "$(ratio "$more" "$many")x" "bounded"
    row "RSS, $(grouped $SERIES_MANY) series, --max-series 1000" "$(mb "$bound"); evicted $bound_evicted" \
        "$(mb "$one") (1 series)" "$(ratio "$bound" "$one")x" "bounded"
    [ "$more_evicted" = $SERIES_MANY ] && [ "$more_tracked" = $SERIES_MANY ] ||
        fail "memory: expected $SERIES_MANY series and $SERIES_MANY evictions, got $more_tracked and $more_evicted"
}

# ---- offline ----

bench_offline() {
    local csv=$WORK/offline.csv det="" base="" t0 dr br
    echo
    echo "offline: $(grouped $N_OFFLINE)-row CSV, median of $RUNS"
    awk -v n=$N_OFFLINE 'BEGIN { srand(1); print "timestamp,value"
        for (i = 0; i < n; i++)
            printf "%.0f,%.2f\n", 1767225600000 + i * 100, 200 + 5 * rand() + (i % 97 == 0 ? 80 : 0) }' >"$csv"
    for _ in $(seq "$RUNS"); do
        t0=$(now_ns)
        "$DET" --input "$csv" --output /dev/null --log-level warn || fail "offline run"
        det="$det $(($(now_ns) - t0))"
        t0=$(now_ns)
        "$TOOLS/csvread" "$csv" >/dev/null || fail "csvread"
        base="$base $(($(now_ns) - t0))"
    done
    dr=$(rate $N_OFFLINE "$(median $det)")
    br=$(rate $N_OFFLINE "$(median $base)")
    line "offline" "$(human "$dr") rows/s" "read + strtod only $(human "$br") rows/s" \
        "$(ratio "$dr" "$br")x" "(target > 1.00M rows/s)"
    row "offline CSV (rows/s)" "$(human "$dr")" "$(human "$br") (read + strtod only)" \
        "$(ratio "$dr" "$br")x" "> 1M rows/s"
}

# ---- generator ----

bench_generator() {
    local t0 gr br payload
    echo
    echo "generator: $(grouped $N_GEN) points published, no subscriber"
    t0=$(now_ns)
    "$BIN/blip-generator" --redis "$REDIS_URL" --rate 0 --count $N_GEN --seed 1 \
        --stats-interval 0 --log-level warn || fail "generator run"
    gr=$(rate $N_GEN $(($(now_ns) - t0)))
    payload=$(head -n 1 "$WORK/one.jsonl")
    br=$(redis-benchmark -p "$PORT" -n $N_GEN -c 1 -P $GEN_PIPELINE -q publish bench:gen "$payload" |
        tr '\r' '\n' | sed -n 's/.*: \([0-9.]*\) requests per second.*/\1/p' | tail -n 1)
    br=${br%.*}
    line "generator" "$(human "$gr") points/s" "redis-benchmark PUBLISH -P $GEN_PIPELINE $(human "${br:-0}")/s" \
        "$(ratio "$gr" "${br:-0}")x" "(payload ~$PAYLOAD_BYTES B)"
    row "generator (points/s)" "$(human "$gr")" "$(human "${br:-0}") (redis-benchmark PUBLISH, -c 1 -P $GEN_PIPELINE)" \
        "$(ratio "$gr" "${br:-0}")x" ""
}

# ---- visualizer (hook) ----
# Runs only when bin/blip-visualizer exists: its CPU share (of one core) while the chart is on
# screen in a private tmux server and the generator publishes 100,000 points/s, beside basesub's
# at the same rate.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }

bench_visualizer() {
    local sock=blip-bench-$$ vpid bpid gen a0 a1 b0 b1 secs=5 hz
    [ -x "$BIN/blip-visualizer" ] || return 0
    command -v tmux >/dev/null || return 0
    echo
    echo "visualizer: CPU share at 100k points/s, chart on screen (tmux)"
    hz=$(getconf CLK_TCK)
    tmux -L "$sock" -f /dev/null new-session -d -x 120 -y 40 \
        "exec env REDIS_URL=$REDIS_URL $(cd "$BIN" && pwd)/blip-visualizer"
    vpid=$(tmux -L "$sock" list-panes -F '#{pane_pid}' | head -n 1)
    "$TOOLS/basesub" "$PORT" response_times >/dev/null 2>&1 &
    bpid=$!
    track $bpid
    wait_for 10 subscribed response_times 2 || fail "visualizer did not subscribe"
    "$BIN/blip-generator" --redis "$REDIS_URL" --rate 100000 --stats-interval 0 --log-level warn &
    gen=$!
    track $gen
    sleep 1 # let the chart fill before measuring
    a0=$(cpu_ticks "$vpid")
    b0=$(cpu_ticks $bpid)
    sleep $secs
    a1=$(cpu_ticks "$vpid")
    b1=$(cpu_ticks $bpid)
    stop $gen
    stop $bpid
    tmux -L "$sock" kill-server 2>/dev/null
    a1=$(calc "($a1 - $a0) * 100 / $hz / $secs")
    b1=$(calc "($b1 - $b0) * 100 / $hz / $secs")
    line "visualizer CPU at 100k points/s" "$a1%" "null subscriber $b1%" "$(ratio "$a1" "$b1")x"
    row "visualizer CPU at 100k points/s" "$a1%" "$b1% (null subscriber)" "$(ratio "$a1" "$b1")x" ""
}

# ---- main ----

for f in "$DET" "$BIN/blip-generator" "$TOOLS/basesub" "$TOOLS/flood" "$TOOLS/latency" \
    "$TOOLS/csvread"; do
    [ -x "$f" ] || { echo "missing $f: run make bench" >&2; exit 1; }
done
START=$(now_ns)
machine
start_redis
make_inputs
echo "figure                               blip                     baseline (same run)                ratio"
for section in drain live latency memory offline generator visualizer; do
    case " ${BENCH_ONLY:-$section} " in *" $section "*) "bench_$section" ;; esac
done
echo
echo "Markdown for README.md:"
echo
echo "Measured $DATE on $MACHINE; $SOFTWARE. Reproduce with \`make bench\`."
echo
echo "| measure | blip | baseline (same run) | ratio | target |"
echo "|---|---|---|---|---|"
printf '%s' "$ROWS"
echo
echo "bench: $(( ($(now_ns) - START) / 1000000000 )) s, $FAILS failure(s)"
[ "$FAILS" -eq 0 ]

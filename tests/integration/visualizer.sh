#!/bin/bash
# blip-visualizer in a real terminal: a private tmux server (tmux -L blip-$$) runs it against a
# private redis-server fed by blip-generator and blip-detector, at 80x24, 200x50 and while being
# resized; capture-pane reads the screen, send-keys types. Every wait polls the screen with a
# deadline. Also: SIGTERM, Ctrl-C and a fatal Redis error give the terminal back; Redis going
# away and coming back; malformed messages; ASCII and colour choices; a flood; bad flags.
. "$(dirname "$0")/../lib.sh"

VIS="$BLIP_BIN/blip-visualizer"
SOCK="blip-$$"
export TMUX_TMPDIR="$WORK" # the server's socket goes away with $WORK
unset TMUX                 # a private server even when the suite runs inside tmux
TM() { tmux -L "$SOCK" -f /dev/null "$@"; }
export LC_ALL=C.UTF-8 # for grep on braille; the panes get their locale explicitly

stop_all() {
    tmux -L "$SOCK" kill-server 2>/dev/null
    cleanup
}
trap stop_all EXIT

if ! command -v tmux >/dev/null 2>&1; then
    not_ok "tmux is installed (make deps installs it)"
    finish
    exit 1
fi

# ---- helpers ----

# run_pane NAME WxH ENV... -- ARGS...: a new tmux session NAME whose shell prints a marker, runs
# the visualizer (stderr to $WORK/NAME.err) and then prints its exit status.
run_pane() {
    name=$1 size=$2
    shift 2
    envs=""
    while [ "$1" != "--" ]; do envs="$envs $1"; shift; done
    shift
    cmd="printf 'shell-before-vis\n'; env LANG=C.UTF-8 LC_ALL= $envs $VIS $* 2>$WORK/$name.err; echo vis-exit=\$?; exec cat"
    TM new-session -d -s "$name" -x "${size%x*}" -y "${size#*x}" "$cmd"
}
# the same, with stderr left on the terminal
run_pane_tty_stderr() {
    name=$1 size=$2
    shift 2
    TM new-session -d -s "$name" -x "${size%x*}" -y "${size#*x}" \
        "env LANG=C.UTF-8 LC_ALL= $VIS $*; echo vis-exit=\$?; exec cat"
}

screen() { TM capture-pane -p -t "$1"; }
has() { screen "$1" | grep -q -- "$2"; }
has_fixed() { screen "$1" | grep -qF -- "$2"; }
hasnt() { ! screen "$1" | grep -qF -- "$2"; }
# header_num PANE WORD: the number after WORD in the header's counter row
header_num() { screen "$1" | sed -n "2s/.* $2 \([0-9][0-9]*\).*/\1/p"; }
grows() { # grows PANE WORD N: the counter passes N
    v=$(header_num "$1" "$2")
    [ -n "$v" ] && [ "$v" -gt "$3" ]
}
alt_off() { [ "$(TM display -p -t "$1" '#{alternate_on}')" = "0" ]; }
exited() { has_fixed "$1" "vis-exit=${2:-0}"; }
# the visualizer's PID: the child of the pane's shell
vis_pid() { ps -o pid= --ppid "$(TM display -p -t "$1" '#{pane_pid}')" | head -n 1 | tr -d ' '; }
braille_count() { screen "$1" | grep -oP '[\x{2801}-\x{28FF}]' | wc -l; }
# rows 3.. of the screen (the charts and the log; not the counters)
picture() { screen "$1" | sed -n '3,$p'; }
quit_pane() {
    TM send-keys -t "$1" q
    wait_for 5 exited "$1" 0
}
row() { screen "$1" | sed -n "$2p"; }            # row PANE N (1-based)
row_has() { row "$1" "$2" | grep -q -- "$3"; }   # row_has PANE N REGEX
lastrow_has() { screen "$1" | tail -n 1 | grep -q -- "$2"; }
has_all() { # has_all PANE REGEX...: every regex matches some row
    p=$1
    shift
    for re in "$@"; do has "$p" "$re" || return 1; done
}
braille_over() { [ "$(braille_count "$1")" -gt "$2" ]; }
no_braille() { ! screen "$1" | grep -qP '[\x{2801}-\x{28FF}]'; }
# neither braille nor box drawing nor any other non-ASCII character
all_ascii() { ! screen "$1" | grep -qP '[^\x{0}-\x{7F}]'; }
colored() { TM capture-pane -p -e -t "$1" | grep -q $'\e\[3[1-7]m'; }
picture_is() { [ "$(picture "$1")" = "$2" ]; }
still_running() { ! has_fixed "$1" vis-exit; }
# echoes PANE: typing into the pane's `cat` shows the line twice only when the terminal echoes
# again (its settings were restored)
echoes() {
    TM send-keys -t "$1" "typed-$1" Enter
    wait_for 5 eval "[ \$(screen $1 | grep -c '^typed-$1\$') -eq 2 ]"
}

# ---- the pipeline ----

start_redis || exit 1
PORT=$REDIS_PORT
"$BLIP_BIN/blip-detector" $SMA_ORIGINAL --window 20 --threshold 50 --stats-interval 0 2>"$WORK/det.log" &
track $!
check "detector subscribed" wait_subscribed response_times
"$BLIP_BIN/blip-generator" --rate 25 --series web,api --spike-prob 0 --seed 3 \
    --stats-interval 0 2>"$WORK/gen.log" &
GEN=$!
track $GEN

# ---- 80x24 ----

run_pane a 80x24 -- --fps 20
check "80x24: header shows the Redis URL and the link is up" \
    wait_for 10 has_fixed a "redis://127.0.0.1:$PORT up"
check "80x24: subscribed to the points channel" wait_subscribed response_times 2
check "80x24: subscribed to the anomaly channel" wait_subscribed anomalies 1
check "80x24: shows both series, web selected" wait_for 10 has_all a '^▶ web  last' '^  api  last'
check "80x24: a braille chart is drawn" wait_for 10 braille_over a 10
check "80x24: y-axis ticks and the time span" has_all a '^ *[0-9][0-9.]* ┤' '└─ -1m ─.* now ─'
check "80x24: the generator's phase is shown" has a '^▶ web .*  \(NORMAL\|RAMP_UP\|HIGH\|RAMP_DOWN\)$'
check "80x24: log pane, empty" has_all a '^─ anomalies, newest first: low 0  medium 0  high 0 ─' 'no anomalies yet'
check "80x24: key hints in the footer" has_fixed a " q quit  p pause  +/- zoom  Tab series"
check_eq "80x24: no anomalies before the spike" "0" "$(header_num a anomalies)"
r0=$(header_num a received)
check "80x24: received counter grows" wait_for 10 grows a received "$r0"
check "80x24: drawn counter follows" wait_for 10 grows a drawn 0
# the detector flags nothing until a series has --window (20) points of baseline
check "80x24: enough points for the detector's baseline" wait_for 20 grows a received 100

now_ms=$(($(date +%s%N) / 1000000))
rcli publish response_times "{\"series\":\"web\",\"seq\":999999,\"ts\":$now_ms,\"response_time\":100000}" >/dev/null
check "80x24: a non-zero anomaly count after a spike" wait_for 10 grows a anomalies 0
log_top_is() { screen "$1" | grep -A1 -- "^─ anomalies, newest first" | tail -n 1 | grep -q -- "$2"; }
check "80x24: the spike is in the log pane, newest on top" wait_for 5 log_top_is a ' web  *100.0k  z  *+[0-9.]*  high$'
check "80x24: the log counts it as high" has a '^─ anomalies, newest first: low 0  medium 0  high 1 ─'
check "80x24: the spike's series counts it" has a '^▶ web .* max 100.0k .*anomalies 1'
check "80x24: a high-severity marker on the chart" has_fixed a "▲"
check "80x24: the y-axis rescaled to the spike" has a '^ *[0-9.]*k ┤'
check_eq "80x24: nothing malformed" "0" "$(header_num a malformed)"

# p: the picture freezes, the counters do not
TM send-keys -t a p
check "p: paused indicator" wait_for 5 row_has a 1 ' PAUSED$'
frozen=$(picture a)
r1=$(header_num a received)
check "p: data still received and counted while paused" wait_for 10 grows a received $((r1 + 25))
check_eq "p: the picture stays frozen" "$frozen" "$(picture a)"
TM send-keys -t a p
check "p again: running" wait_for 5 hasnt a "PAUSED"
check "p again: the picture moves on" wait_for 5 eval '! picture_is a "$frozen"'

# + and -: the time window
TM send-keys -t a +
check "+: the window shrinks to 30s" wait_for 5 has a '└─ -30s ─'
TM send-keys -t a - -
check "- -: the window grows to 2m" wait_for 5 has a '└─ -2m ─'
TM send-keys -t a +
check "+: back to 1m" wait_for 5 has a '└─ -1m ─'

# Tab: the next series
TM send-keys -t a Tab
check "Tab: api selected" wait_for 5 has a '^▶ api  last'
check "Tab: web no longer selected" has a '^  web  last'
TM send-keys -t a Tab
check "Tab again: back to web" wait_for 5 has a '^▶ web  last'

# l: the log pane
TM send-keys -t a l
check "l: log pane hidden" wait_for 5 hasnt a "anomalies, newest first"
TM send-keys -t a l
check "l again: log pane shown" wait_for 5 has_fixed a "anomalies, newest first"

# c: counters cleared
TM send-keys -t a c
check "c: counters cleared" wait_for 5 row_has a 2 ' anomalies 0 (.* malformed 0 '
check "c: the series' anomaly count too" has a '^▶ web .*anomalies 0'
check "c: the log keeps its entries" has a ' web  *100.0k  z .*high$'

# ?: help
TM send-keys -t a '?'
check "?: help overlay" wait_for 5 has_fixed a "│ blip-visualizer keys"
check "?: help lists the keys" has_fixed a "Tab  Down  j  next series"
TM send-keys -t a x
check "any key closes the help" wait_for 5 hasnt a "blip-visualizer keys"
check "the help's key did not act" hasnt a "PAUSED"

# b: the band toggles without harm
TM send-keys -t a b b
check "b: still running" wait_for 2 row_has a 1 '^ blip  redis://'

# resizing
TM resize-window -t a -x 120 -y 40
check "resize to 120x40: redrawn at the new width" wait_for 5 has a '└─ -1m ─\{80,\}.* now ─'
TM resize-window -t a -x 20 -y 5
check "resize to 20x5: still drawing" wait_for 5 row_has a 1 '^ blip  up  received$'
check "resize to 20x5: a chart fits" has_all a '^▶ web' ' ┤' '└─ -1m  now ─$'
TM resize-window -t a -x 80 -y 24
check "resize back to 80x24" wait_for 5 has a '└─ -1m ─.* now ─'
check "resizing did not crash it" still_running a

# q: quits within a bounded time and gives the terminal back
TM send-keys -t a q
check "q: exits 0 within 5 s" wait_for 5 exited a 0
check "q: the alternate screen is left" alt_off a
check "q: the shell's screen is back" has_fixed a "shell-before-vis"
check "q: the chart is gone" hasnt a "received"
check "q: the terminal echoes typing again" echoes a
check "q: no warnings or errors logged" eval "! grep -v ' info: ' $WORK/a.err | grep -q ."

# ---- 200x50 ----

run_pane b 200x50 -- --window 500p
check "200x50: both series" wait_for 10 has_all b '^▶ web  last' '^  api  last'
check "200x50: the chart spans the width" wait_for 5 has b '└─ -500 pts ─\{170,\}.* now ─'
check "200x50: a braille chart" wait_for 10 braille_over b 10
check "200x50: the log pane" has b '^─ anomalies, newest first: low 0  medium 0  high 0 ─\{100,\}'
check "200x50: the spike from before is in the log, read from the detector's history" \
    wait_for 10 has b ' web  *100.0k  z  *+[0-9.]*  high$'
check_eq "200x50: and not counted as a live anomaly" "0" "$(header_num b anomalies)"
now_ms=$(($(date +%s%N) / 1000000))
rcli publish response_times "{\"series\":\"api\",\"ts\":$now_ms,\"response_time\":90000}" >/dev/null
check "200x50: a spike shows in the log" wait_for 10 log_top_is b ' api  *90.0k  z .*high$'
check "200x50: and in the header" row_has b 2 ' anomalies 1 ('
check "200x50: and on the chart" has_fixed b "▲"
check "200x50: q exits 0" quit_pane b
check "200x50: terminal restored" alt_off b

# ---- signals and errors give the terminal back ----

run_pane c 80x24 --
check "SIGTERM: running" wait_for 10 has_fixed c "redis://127.0.0.1:$PORT up"
pid=$(vis_pid c)
check "SIGTERM: found the visualizer's pid" test -n "$pid"
kill -TERM "$pid" 2>/dev/null
check "SIGTERM: exits 0" wait_for 5 exited c 0
check "SIGTERM: alternate screen left" alt_off c
check "SIGTERM: the shell's screen is back" has_fixed c "shell-before-vis"

run_pane d 80x24 --
check "Ctrl-C: running" wait_for 10 has_fixed d "redis://127.0.0.1:$PORT up"
TM send-keys -t d C-c
check "Ctrl-C: exits 0" wait_for 5 exited d 0
check "Ctrl-C: alternate screen left" alt_off d

for sig in ABRT SEGV; do
    pane=crash-$sig
    run_pane "$pane" 80x24 --
    check "SIG$sig (a crash): running" wait_for 10 has_fixed "$pane" "redis://127.0.0.1:$PORT up"
    kill -"$sig" "$(vis_pid "$pane")"
    code=$((128 + $(kill -l "$sig")))
    check "SIG$sig: dies of the signal ($code)" wait_for 5 exited "$pane" "$code"
    check "SIG$sig: alternate screen left" alt_off "$pane"
    check "SIG$sig: the terminal echoes typing again" echoes "$pane"
done

run_pane e 80x24 -- --redis "redis://:not-the-password@127.0.0.1:$PORT"
check "fatal Redis error (AUTH refused): exits 1" wait_for 10 exited e 1
check "fatal Redis error: alternate screen left" alt_off e
check "fatal Redis error: one line says why" grep -q '^blip-visualizer: redis: AUTH refused' "$WORK/e.err"
# the password from REDIS_PASSWORD and from a file replaces the URL's (this Redis has none, so
# sending one at all is refused)
run_pane e2 80x24 REDIS_PASSWORD=from-the-environment --
check "REDIS_PASSWORD is sent: exits 1" wait_for 10 exited e2 1
check "REDIS_PASSWORD: one line says why" grep -q '^blip-visualizer: redis: AUTH refused' "$WORK/e2.err"
printf 'from-a-file\n' >"$WORK/vis.pw"
run_pane e3 80x24 REDIS_PASSWORD=ignored -- --redis-password-file "$WORK/vis.pw"
check "--redis-password-file is sent: exits 1" wait_for 10 exited e3 1
check "--redis-password-file: one line says why" grep -q '^blip-visualizer: redis: AUTH refused' "$WORK/e3.err"
check "the password is in no message" sh -c "! grep -q 'from-a-file\|from-the-environment' $WORK/e2.err $WORK/e3.err"

# When newterm() fails, ncurses keeps the "pre-screen" it allocated (libtinfo's new_prescr) and
# there is no screen to delscreen(): a leak in the library that LeakSanitizer would report on
# this one failure path (the normal paths free everything).
printf 'leak:new_prescr\n' >"$WORK/lsan.supp"
TM new-session -d -s f -x 80 -y 24 "env TERM=no-such-terminal LANG=C.UTF-8 LSAN_OPTIONS=suppressions=$WORK/lsan.supp:print_suppressions=0 $VIS 2>$WORK/f.err; echo vis-exit=\$?; exec cat"
check "unknown TERM: exits 1" wait_for 10 exited f 1
check_eq "unknown TERM: one line" 'blip-visualizer: cannot drive a terminal of type "no-such-terminal"' "$(cat "$WORK/f.err")"

out=$("$VIS" </dev/null 2>&1 >/dev/null)
rc=$?
check_eq "not a terminal: exits 1 with one line" "1|blip-visualizer: stdin and stdout must be a terminal" "$rc|$out"

# ---- Redis goes away and comes back; malformed messages ----

run_pane g 80x24 --
check "restart: running" wait_for 10 has_fixed g "redis://127.0.0.1:$PORT up"
rcli publish response_times 'this is not json' >/dev/null
rcli publish anomalies '{"series":"web","response_time":"x"}' >/dev/null
check "malformed messages are counted, on both channels" wait_for 5 row_has g 2 ' malformed 2 '
check "malformed messages are logged" wait_for 5 grep -q 'malformed message on "response_times" (syntax' "$WORK/g.err"
stop_redis
check "Redis gone: the header says so" wait_for 10 has_fixed g "redis://127.0.0.1:$PORT down, reconnecting"
start_redis
check "Redis back: the header says up" wait_for 20 has_fixed g "redis://127.0.0.1:$PORT up"
check "Redis back: resubscribed" wait_subscribed response_times 2
r2=$(header_num g received)
check "Redis back: points flow again" wait_for 20 grows g received $((r2 + 25))
check "Redis back: reconnect logged" grep -q 'subscriber: reconnected' "$WORK/g.err"
check "restart: q exits 0" quit_pane g

# log lines with stderr on the terminal go to the footer, not over the picture
run_pane_tty_stderr h 80x24
check "stderr on the tty: running" wait_for 10 has_fixed h "redis://127.0.0.1:$PORT up"
check "stderr on the tty: info lines stay out of the footer" lastrow_has h '^ q quit  p pause'
rcli publish response_times '{"series":"web"}' >/dev/null
check "stderr on the tty: the log line is in the footer" wait_for 5 lastrow_has h '^ warn: malformed message on "response_times" (missing'
check "stderr on the tty: the header is intact" row_has h 1 '^ blip  redis://'
check "stderr on the tty: the chart is intact" has h '└─ -1m ─.* now ─'
check "stderr on the tty: q exits 0" quit_pane h

# ---- the anomaly log starts from the detector's history stream ----

rcli XADD vis:history '*' json '{"series":"old","seq":5,"ts":1767225600000,"response_time":999,"anomaly":true,"detector":"knn","score":9.5,"mean":200,"std":2,"threshold":4,"severity":"high"}' >/dev/null
rcli XADD vis:history '*' json '{"series":"old","seq":6,"ts":1767225601000,"response_time":555,"anomaly":true,"detector":"knn","score":5.25,"mean":200,"std":2,"threshold":4,"severity":"low"}' >/dev/null
run_pane bk 80x24 -- --history-key vis:history --series old
backfill_top() { screen bk | grep -A1 -- '^─ anomalies, newest first' | tail -n 1 | grep -q 'old  *555.0  z  *+5.25  low$'; }
check "backfill: the log starts from the stream, newest on top" wait_for 10 backfill_top
check "backfill: the older entry follows" has bk 'old  *999.0  z  *+9.50  high$'
check_eq "backfill: history is not counted as live anomalies" "0" "$(header_num bk anomalies)"
check "backfill: q exits 0" quit_pane bk
run_pane bn 80x24 -- --history-key vis:history --series old --no-backfill
check "--no-backfill: the log starts empty" wait_for 10 has bn 'no anomalies yet'
check "--no-backfill: q exits 0" quit_pane bn

# ---- ASCII, colours, filters ----

TM new-session -d -s i -x 80 -y 24 "env LANG=C LC_ALL=C $VIS 2>$WORK/i.err; echo vis-exit=\$?; exec cat"
check "non-UTF-8 locale: ASCII axes" wait_for 10 has_all i '^ *[0-9][0-9.]* +' '^       |' '+- -1m ---*.* now -'
check "non-UTF-8 locale: the line in ASCII" has i '^ *[0-9.]* [+|].*[-|]'
check "non-UTF-8 locale: nothing but ASCII on screen" all_ascii i
check "non-UTF-8 locale: q exits 0" quit_pane i

run_pane j 80x24 -- --ascii
check "--ascii: ASCII chart in a UTF-8 locale" wait_for 10 has j '+- -1m ---*.* now -'
check "--ascii: no braille" no_braille j
check "colours by default" colored j
check "--ascii: q exits 0" quit_pane j

run_pane k 80x24 -- --no-color
check "--no-color: running" wait_for 10 has_fixed k "redis://127.0.0.1:$PORT up"
check "--no-color: no colour in the output" eval '! colored k'
check "--no-color: q exits 0" quit_pane k

run_pane l 80x24 NO_COLOR=1 --
check "NO_COLOR: running" wait_for 10 has_fixed l "redis://127.0.0.1:$PORT up"
check "NO_COLOR: no colour in the output" eval '! colored l'
check "NO_COLOR: q exits 0" quit_pane l

run_pane m 80x24 BLIP_VIS_SERIES=api BLIP_VIS_WINDOW=10s -- --max-series 1 --window 30s
check "--series via BLIP_VIS_SERIES: only api is charted" wait_for 10 has m '^▶ api  last'
check "--series: web is left out" hasnt m " web "
check "--max-series 1: one series held" row_has m 2 ' series 1$'
check "--window beats BLIP_VIS_WINDOW" has m '└─ -30s ─'
check "--series: q exits 0" quit_pane m

# ---- valgrind: the normal quit path is clean ----

if grep -qa __asan_init "$VIS"; then
    ok "valgrind run # skip: this build uses AddressSanitizer"
elif ! command -v valgrind >/dev/null 2>&1; then
    not_ok "valgrind is installed (make deps installs it)"
else
    TM new-session -d -s v -x 80 -y 24 "env LANG=C.UTF-8 valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect $VIS 2>$WORK/v.err; echo vis-exit=\$?; exec cat"
    check "valgrind: running" wait_for 60 has_fixed v "redis://127.0.0.1:$PORT up"
    check "valgrind: drawing" wait_for 30 has v '^▶ web  last'
    for k in p + Tab l '?' x c - b p; do TM send-keys -t v "$k"; done
    TM resize-window -t v -x 100 -y 30
    check "valgrind: still running after keys and a resize" wait_for 20 has v '└─ -1m ─\{60,\}'
    TM send-keys -t v q
    if wait_for 60 exited v 0; then
        ok "valgrind: q exits 0 with no errors and no leaks"
    else
        not_ok "valgrind: q exits 0 with no errors and no leaks"
        grep -v ' info: ' "$WORK/v.err" | sed 's/^/# /' | head -40
    fi
fi

# ---- a flood: aggregated per column, nothing lost ----

kill -TERM "$GEN" 2>/dev/null
wait "$GEN" 2>/dev/null
run_pane n 80x24 -- --window 10s
check "flood: running" wait_for 10 has_fixed n "redis://127.0.0.1:$PORT up"
wait_subscribed response_times 2
TM send-keys -t n c
check "flood: counters cleared" wait_for 5 row_has n 2 ' received 0 '
FLOOD=100000
"$BLIP_BIN/blip-generator" --rate 0 --count $FLOOD --series web --spike-prob 0 --seed 5 \
    --stats-interval 0 2>"$WORK/flood.log"
check "flood: every point received, none lost" wait_for 60 row_has n 2 " received $FLOOD ("
drawn=$(header_num n drawn)
check "flood: drawn is counted and at most received (drawn $drawn)" test "${drawn:-0}" -gt 0 -a "${drawn:-0}" -le $FLOOD
check "flood: still connected" has_fixed n "redis://127.0.0.1:$PORT up"
pid=$(vis_pid n)
rss=$(ps -o rss= -p "$pid" | tr -d ' ')
check "flood: memory stays bounded (RSS $rss kB)" test "${rss:-999999}" -lt 262144
check "flood: q exits 0" quit_pane n

# ---- bad flags: exit 2 with one line ----

bad() { # bad "description" "expected stderr" [ENV=VALUE...] -- args...
    desc=$1 want=$2
    shift 2
    envs=()
    while [ "$1" != "--" ]; do envs+=("$1"); shift; done
    shift
    got=$(env "${envs[@]}" "$VIS" "$@" 2>&1 >/dev/null </dev/null)
    rc=$?
    check_eq "bad flag: $desc" "2|$want" "$rc|$got"
}
bad "--fps 0" 'blip-visualizer: --fps: expected an integer 1..30, got "0"' -- --fps 0
bad "--fps 31" 'blip-visualizer: --fps: expected an integer 1..30, got "31"' -- --fps 31
bad "--fps abc" 'blip-visualizer: --fps: expected an integer 1..30, got "abc"' -- --fps abc
bad "--fps without a value" 'blip-visualizer: --fps: missing value' -- --fps
bad "--window 0" 'blip-visualizer: --window: expected seconds (60, 60s, 5m, 1h; 1s..24h) or points (500p; 10p..1000000p), got "0"' -- --window 0
bad "--window 5p" 'blip-visualizer: --window: expected seconds (60, 60s, 5m, 1h; 1s..24h) or points (500p; 10p..1000000p), got "5p"' -- --window 5p
bad "--window 2d" 'blip-visualizer: --window: expected seconds (60, 60s, 5m, 1h; 1s..24h) or points (500p; 10p..1000000p), got "2d"' -- --window=2d
bad "--max-series 0" 'blip-visualizer: --max-series: expected an integer 1..256, got "0"' -- --max-series 0
bad "--max-series 257" 'blip-visualizer: --max-series: expected an integer 1..256, got "257"' -- --max-series 257
bad "--redis http://x" 'blip-visualizer: --redis: expected redis://[[user]:password@]host[:port][/db], got "http://x"' -- --redis http://x
bad "--in empty" 'blip-visualizer: --in: expected a non-empty value of at most 256 bytes' -- --in ''
bad "--anomalies empty" 'blip-visualizer: --anomalies: expected a non-empty value of at most 256 bytes' -- --anomalies=
bad "--anomalies same as --in" 'blip-visualizer: --anomalies: must differ from --in (both "x")' -- --in x --anomalies x
bad "--series with a space" 'blip-visualizer: --series: "a b" is not a series name (1-64 of A-Z a-z 0-9 _ - . : / @)' -- --series 'web,a b'
bad "--series empty" 'blip-visualizer: --series: "" is not a series name (1-64 of A-Z a-z 0-9 _ - . : / @)' -- --series ''
bad "--ascii=maybe" 'blip-visualizer: --ascii: expected 1/0, true/false, yes/no or on/off, got "maybe"' -- --ascii=maybe
bad "--no-color=2" 'blip-visualizer: --no-color: expected 1/0, true/false, yes/no or on/off, got "2"' -- --no-color=2
bad "--log-level loud" 'blip-visualizer: --log-level: expected error, warn, info or debug, got "loud"' -- --log-level loud
bad "--history-key empty" 'blip-visualizer: --history-key: expected a non-empty value of at most 256 bytes' -- --history-key=
bad "--no-backfill=sometimes" 'blip-visualizer: --no-backfill: expected 1/0, true/false, yes/no or on/off, got "sometimes"' -- --no-backfill=sometimes
bad "--redis-password-file missing" 'blip-visualizer: --redis-password-file: cannot read "/nonexistent/pw": No such file or directory' -- --redis-password-file /nonexistent/pw
bad "--redis-password-file without a value" 'blip-visualizer: --redis-password-file: missing value' -- --redis-password-file
bad "unknown flag" 'blip-visualizer: unknown flag --colour (see --help)' -- --colour
bad "short flag" 'blip-visualizer: unknown flag -x (flags are long: --name; see --help)' -- -x
bad "an argument" 'blip-visualizer: unexpected argument "extra" (see --help)' -- extra
bad "BLIP_VIS_FPS=99" 'blip-visualizer: BLIP_VIS_FPS: expected an integer 1..30, got "99"' BLIP_VIS_FPS=99 --
bad "BLIP_VIS_WINDOW=soon" 'blip-visualizer: BLIP_VIS_WINDOW: expected seconds (60, 60s, 5m, 1h; 1s..24h) or points (500p; 10p..1000000p), got "soon"' BLIP_VIS_WINDOW=soon --
bad "BLIP_VIS_SERIES=a b" 'blip-visualizer: BLIP_VIS_SERIES: "a b" is not a series name (1-64 of A-Z a-z 0-9 _ - . : / @)' 'BLIP_VIS_SERIES=a b' --
bad "BLIP_VIS_MAX_SERIES=0" 'blip-visualizer: BLIP_VIS_MAX_SERIES: expected an integer 1..256, got "0"' BLIP_VIS_MAX_SERIES=0 --
bad "BLIP_VIS_ASCII=perhaps" 'blip-visualizer: BLIP_VIS_ASCII: expected 1/0, true/false, yes/no or on/off, got "perhaps"' BLIP_VIS_ASCII=perhaps --
bad "REDIS_URL=nonsense" 'blip-visualizer: --redis: expected redis://[[user]:password@]host[:port][/db], got "nonsense"' REDIS_URL=nonsense --
bad "BLIP_CHANNEL = BLIP_ANOMALIES" 'blip-visualizer: --anomalies: must differ from --in (both "same")' BLIP_CHANNEL=same BLIP_ANOMALIES=same --
bad "REDIS_PASSWORD on two lines" 'blip-visualizer: REDIS_PASSWORD: expected one line, found more' REDIS_PASSWORD=$'a\nb' --
bad "BLIP_LOG_LEVEL=loud" 'blip-visualizer: --log-level: expected error, warn, info or debug, got "loud"' BLIP_LOG_LEVEL=loud --
help=$("$VIS" --help)
check_eq "--help exits 0" 0 $?
for f in redis redis-password-file in anomalies series window fps max-series ascii no-color log-level help version; do
    case "$help" in *"--$f"*) ok "--help lists --$f" ;; *) not_ok "--help lists --$f" ;; esac
done
check_eq "--version" "blip-visualizer $(sed -n 's/.*BLIP_VERSION "\(.*\)".*/\1/p' common/version.h)" "$("$VIS" --version)"

finish

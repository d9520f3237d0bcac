#!/bin/bash
# Overload: a flood faster than the default detector can score. Redis keeps its default limit
# for subscribers (32 MB, or 8 MB for 60 s); the detector sheds (reads without scoring) rather
# than fall behind, stays subscribed, and accounts for every point: scored + shed = published.
. "$(dirname "$0")/../lib.sh"

start_redis || exit 1
COUNT=400000
"$BLIP_BIN/blip-detector" --stats-interval 0.5 --exit-after $COUNT 2>"$WORK/det.log" &
DET=$!
track $DET
check "detector subscribed" wait_subscribed response_times
"$BLIP_BIN/blip-generator" --rate 0 --count $COUNT --series-count 50 --series s \
    --stats-interval 0 2>"$WORK/gen.log"
check_eq "generator published all $COUNT points" $COUNT "$(stat_of published "$WORK/gen.log")"
check "the detector reads every point and stops (--exit-after)" exits_within 60 $DET
wait $DET
check_eq "detector exit status" 0 $?
points=$(stat_of points "$WORK/det.log")
shed=$(stat_of shed "$WORK/det.log")
check_eq "scored + shed = published" $COUNT $((points + shed))
check "it fell behind and said so" grep -q 'falling behind: .*reading without scoring' "$WORK/det.log"
check "some points were shed ($shed)" [ "${shed:-0}" -gt 0 ]
check "the rest were scored ($points)" [ "${points:-0}" -gt 0 ]
check "Redis never dropped it" sh -c "! grep -q 'lost connection' $WORK/det.log"
check_eq "no reconnects" 0 "$(stat_of reconnects "$WORK/det.log")"
check "Redis closed no client for its output buffer (its log)" \
    sh -c "! grep -q 'overcoming of output buffer limits' $WORK/redis.log"

# one series, slow from the first point: the kernel never grows the socket's receive buffer, so
# the backlog piles up in Redis unless shedding starts at half that buffer
"$BLIP_BIN/blip-detector" --stats-interval 0 --exit-after $COUNT 2>"$WORK/det1.log" &
DET=$!
track $DET
wait_subscribed response_times
"$BLIP_BIN/blip-generator" --rate 0 --count $COUNT --stats-interval 0 2>/dev/null
check "one series: the detector reads every point" exits_within 60 $DET
points=$(stat_of points "$WORK/det1.log")
shed=$(stat_of shed "$WORK/det1.log")
check_eq "one series: scored + shed = published" $COUNT $((points + shed))
check_eq "one series: no reconnects" 0 "$(stat_of reconnects "$WORK/det1.log")"
check "one series: Redis closed no client for its output buffer" \
    sh -c "! grep -q 'overcoming of output buffer limits' $WORK/redis.log"

# shedding off: scored one by one, same accounting (a slower flood it can follow)
"$BLIP_BIN/blip-detector" --shed-at 0 --stats-interval 0.5 --exit-after 20000 2>"$WORK/det2.log" &
DET=$!
track $DET
wait_subscribed response_times
"$BLIP_BIN/blip-generator" --rate 4000 --count 20000 --stats-interval 0 2>/dev/null
check "--shed-at 0: every point scored" exits_within 30 $DET
check_eq "--shed-at 0: none shed" 0 "$(stat_of shed "$WORK/det2.log")"
check_eq "--shed-at 0: points" 20000 "$(stat_of points "$WORK/det2.log")"
finish

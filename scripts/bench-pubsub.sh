#!/usr/bin/env bash
# Pub/Sub throughput, mini-redis vs real redis-server, alternating rounds:
# 1. redis-benchmark PUBLISH with 50 clients while one subscriber (redis-cli)
#    listens on the channel: median rps of each and the ratio;
# 2. fan-out (scripts/fanout.mjs): one publisher, SUBS subscribers, MSGS
#    messages: deliveries per second of each and the ratio.
# Servers pinned to CPU 1, clients to CPU 0, as the shared bench script does.
# Env: ROUNDS=3 N=200000 SUBS=1000 MSGS=100. Needs `npm run build` first.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
N=${N:-200000}
SUBS=${SUBS:-1000}
MSGS=${MSGS:-100}
RPORT=7291
MPORT=7292
WORK=$(mktemp -d /tmp/bench-pubsub.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || true
wait_ping() { for _ in $(seq 200); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.05; done; return 1; }

taskset -c 1 redis-server --port $RPORT --save '' --appendonly no --dir "$WORK" --logfile '' --maxclients 20000 >/dev/null &
pids+=($!)
taskset -c 1 env MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=8 bin/mini-redis-server.js \
  --port $MPORT --dir "$WORK" --save '' --maxclients 20000 >/dev/null 2>&1 &
pids+=($!)
wait_ping $RPORT; wait_ping $MPORT

publish_rps() { # port -> rps
  redis-cli -p "$1" subscribe bench-ch >/dev/null &
  local sp=$!
  sleep 0.2
  local out
  out=$(taskset -c 0 redis-benchmark -p "$1" -n "$N" -c 50 -q --csv publish bench-ch hello-world-message 2>/dev/null | tail -1)
  kill $sp 2>/dev/null || true
  wait $sp 2>/dev/null || true
  echo "$out" | awk -F'","' '{ gsub(/"/, "", $2); print $2 }'
}
fanout_rate() { # port -> deliveries/s
  taskset -c 0 node scripts/fanout.mjs "$1" "$SUBS" "$MSGS" | sed 's/.*"perSec":\([0-9]*\).*/\1/'
}

pr=(); pm=(); fr=(); fm=()
for r in $(seq "$ROUNDS"); do
  if [ $((r % 2)) -eq 1 ]; then order="R M"; else order="M R"; fi
  for who in $order; do
    if [ "$who" = R ]; then pr+=("$(publish_rps $RPORT)"); fr+=("$(fanout_rate $RPORT)")
    else pm+=("$(publish_rps $MPORT)"); fm+=("$(fanout_rate $MPORT)"); fi
  done
  echo "round $r: publish redis ${pr[-1]} mini ${pm[-1]} | fan-out redis ${fr[-1]} mini ${fm[-1]} deliveries/s"
done
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
mpr=$(median "${pr[@]}"); mpm=$(median "${pm[@]}"); mfr=$(median "${fr[@]}"); mfm=$(median "${fm[@]}")
echo "PUBLISH -c 50 with a subscriber: redis $mpr rps, mini-redis $mpm rps, ratio $(awk -v a="$mpm" -v b="$mpr" 'BEGIN { printf "%.3f", a / b }')"
echo "fan-out $SUBS subscribers x $MSGS messages: redis $mfr/s, mini-redis $mfm/s, ratio $(awk -v a="$mfm" -v b="$mfr" 'BEGIN { printf "%.3f", a / b }')"

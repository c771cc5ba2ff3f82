#!/usr/bin/env bash
# Resident memory after N small keys (default 1,000,000), real redis-server vs
# mini-redis, loaded identically: LOAD=pipe (default) sends SET key:<n> <n>
# with `redis-cli --pipe`; LOAD=bench runs `redis-benchmark -t set -r N`
# (random keys key:000000xxxxxx, value "xxx"; about 0.95 N distinct keys).
# Prints each server's RSS and the ratio mini-redis/Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
RPORT=${RPORT:-7211}
MPORT=${MPORT:-7212}
WORK=$(mktemp -d /tmp/mem-vs-redis.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++) { k = "key:" i; v = i; printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, length(v), v } }' > "$WORK/load.resp"

redis-server --port "$RPORT" --save '' --appendonly no --dir "$WORK" --logfile '' >/dev/null &
pids+=($!)
env MALLOC_MMAP_THRESHOLD_=131072 node ${NODE_FLAGS:---max-semi-space-size=8} bin/mini-redis-server.js --port "$MPORT" --dir "$WORK" --save '' >/dev/null &
pids+=($!)
for p in "$RPORT" "$MPORT"; do
  until redis-cli -p "$p" PING >/dev/null 2>&1; do sleep 0.1; done
done
rss() { awk '/VmRSS/ { print $2 }' "/proc/$1/status"; }
r0=$(rss "${pids[0]}"); m0=$(rss "${pids[1]}")
for p in "$RPORT" "$MPORT"; do
  if [ "${LOAD:-pipe}" = bench ]; then
    redis-benchmark -p "$p" -t set -n $((N * 3)) -r "$N" -P 16 -q >/dev/null 2>&1
  else
    redis-cli -p "$p" --pipe < "$WORK/load.resp" | tail -1
  fi
done
sleep 1
r1=$(rss "${pids[0]}"); m1=$(rss "${pids[1]}")
echo "keys: redis $(redis-cli -p "$RPORT" DBSIZE)  mini-redis $(redis-cli -p "$MPORT" DBSIZE)"
echo "RSS before (KiB): redis $r0  mini-redis $m0"
echo "RSS after  (KiB): redis $r1  mini-redis $m1"
awk -v r="$r1" -v m="$m1" 'BEGIN { printf "RSS ratio mini-redis/redis after %s keys: %.2f\n", '"$N"', m / r }'

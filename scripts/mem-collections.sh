#!/usr/bin/env bash
# Resident memory of one collection of N elements (default 1,000,000) in real
# redis-server and in mini-redis, loaded identically with `redis-cli --pipe`:
# a list (RPUSH), a hash (HSET field:<i> <i>), a set (SADD member:<i>) and a
# sorted set (ZADD <i> member:<i>), each in a fresh pair of servers, 1,000
# elements per command. Prints RSS before and after for both, and the ratio
# of what the data added (after - before) and of the totals.
# Env: N TYPES="list hash set zset" RPORT MPORT. Needs `npm run build` first.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
TYPES=${TYPES:-list hash set zset}
RPORT=${RPORT:-7231}
MPORT=${MPORT:-7232}
WORK=$(mktemp -d /tmp/mem-coll.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; pids=(); }
trap 'cleanup; rm -rf "$WORK"' EXIT

rss() { awk '/VmRSS/ { print $2 }' "/proc/$1/status"; }
wait_ping() { for _ in $(seq 100); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }

gen() { # type -> RESP commands on stdout
  awk -v n="$N" -v t="$1" 'BEGIN {
    per = 1000
    for (i = 0; i < n; i += per) {
      m = (n - i < per) ? n - i : per
      if (t == "list") { argc = 2 + m; printf "*%d\r\n$5\r\nRPUSH\r\n$1\r\nk\r\n", argc }
      if (t == "set")  { argc = 2 + m; printf "*%d\r\n$4\r\nSADD\r\n$1\r\nk\r\n", argc }
      if (t == "hash") { argc = 2 + 2 * m; printf "*%d\r\n$4\r\nHSET\r\n$1\r\nk\r\n", argc }
      if (t == "zset") { argc = 2 + 2 * m; printf "*%d\r\n$4\r\nZADD\r\n$1\r\nk\r\n", argc }
      for (j = i; j < i + m; j++) {
        v = "member:" j; s = "" j
        if (t == "list" || t == "set") printf "$%d\r\n%s\r\n", length(v), v
        if (t == "hash") printf "$%d\r\n%s\r\n$%d\r\n%s\r\n", length(v), v, length(s), s
        if (t == "zset") printf "$%d\r\n%s\r\n$%d\r\n%s\r\n", length(s), s, length(v), v
      }
    }
  }'
}

for t in $TYPES; do
  gen "$t" > "$WORK/$t.resp"
  redis-server --port "$RPORT" --save '' --appendonly no --dir "$WORK" --logfile '' >/dev/null &
  rp=$!; pids+=("$rp")
  env MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=8 bin/mini-redis-server.js \
    --port "$MPORT" --dir "$WORK" --save '' >/dev/null 2>&1 &
  mp=$!; pids+=("$mp")
  wait_ping "$RPORT"; wait_ping "$MPORT"
  rb=$(rss "$rp"); mb=$(rss "$mp")
  redis-cli -p "$RPORT" --pipe < "$WORK/$t.resp" >/dev/null
  redis-cli -p "$MPORT" --pipe < "$WORK/$t.resp" >/dev/null
  sleep 2
  rc=$(redis-cli -p "$RPORT" type k); mc=$(redis-cli -p "$MPORT" type k)
  ra=$(rss "$rp"); ma=$(rss "$mp")
  printf '%-5s %s/%s  redis %7d -> %7d KiB   mini-redis %7d -> %7d KiB   added x%.2f   total x%.2f\n' \
    "$t" "$rc" "$mc" "$rb" "$ra" "$mb" "$ma" "$(echo "($ma - $mb) / ($ra - $rb)" | bc -l)" "$(echo "$ma / $ra" | bc -l)"
  cleanup
done

#!/usr/bin/env bash
# Does memory come back after a FLUSHALL or after deleting one big value?
# Real redis-server vs mini-redis, loaded identically and measured side by side.
#
#   MODE=flush (default): N values of SIZE bytes (600 x 1 MiB), then FLUSHALL.
#   MODE=del:             the same N values plus one value of BIG bytes
#                         (default 256 MiB), then DEL of that one key only.
#   MODE=both:            flush, then del, each with fresh servers.
#
# Prints each server's RSS (VmRSS, KiB) before loading, after loading, right
# after the FLUSHALL/DEL, and at each point of WAITS (seconds after it;
# default "1 5 15", the issue's measurement is WAITS="1 15 60"), plus
# mini-redis's INFO used_memory at the same points (taken after the RSS so
# that the INFO call does not disturb the RSS reading).
# Nothing else talks to the servers between the points, so they are idle.
#
# Env: N SIZE BIG WAITS MODE RPORT MPORT NODE_FLAGS NO_REDIS=1 (skip Redis)
# MLOG=file (mini-redis output, default /dev/null). Needs `npm run build` first.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-600}
SIZE=${SIZE:-1048576}
BIG=${BIG:-268435456}
WAITS=${WAITS:-1 5 15}
MODE=${MODE:-flush}
RPORT=${RPORT:-7221}
MPORT=${MPORT:-7222}
NODE_FLAGS=${NODE_FLAGS:---max-semi-space-size=8}
WORK=$(mktemp -d /tmp/mem-flush.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; pids=(); }
trap 'cleanup; rm -rf "$WORK"' EXIT

# Loader: one connection, one SET at a time (as redis-cli -x would), each
# value distinct random-looking bytes so that nothing can be shared.
cat > "$WORK/load.mjs" <<'EOF'
import net from 'node:net';
import { randomFillSync } from 'node:crypto';
const [port, n, size, big] = process.argv.slice(2).map(Number);
const sock = net.connect(port, '127.0.0.1');
await new Promise((r) => sock.once('connect', r));
let pending = null, acc = '';
sock.on('data', (d) => {
  acc += d.toString('latin1');
  const i = acc.indexOf('\r\n');
  if (i >= 0) { const line = acc.slice(0, i); acc = acc.slice(i + 2); pending(line); }
});
const call = (parts) => new Promise((resolve, reject) => {
  pending = (line) => (line[0] === '-' ? reject(new Error(line)) : resolve(line));
  const bufs = [Buffer.from(`*${parts.length}\r\n`)];
  for (const p of parts) {
    const b = typeof p === 'string' ? Buffer.from(p) : p;
    bufs.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  for (const b of bufs) sock.write(b);
});
const v = randomFillSync(Buffer.allocUnsafe(size));
for (let i = 0; i < n; i++) {
  v.writeUInt32LE(i, 0);
  await call(['SET', `key:${i}`, v]);
}
if (big > 0) await call(['SET', 'big', randomFillSync(Buffer.allocUnsafe(big))]);
sock.end();
EOF

rss() { awk '/VmRSS/ { print $2 }' "/proc/$1/status"; }
used() { redis-cli -p "$MPORT" INFO memory | tr -d '\r' | awk -F: '$1 == "used_memory" { print $2 }'; }

run() { # $1 = flush | del
  local mode=$1 big=0 op
  [ "$mode" = del ] && big=$BIG
  [ "$mode" = del ] && op="DEL big" || op=FLUSHALL
  local rpid=0 mpid
  if [ -z "${NO_REDIS:-}" ]; then
    redis-server --port "$RPORT" --save '' --appendonly no --dir "$WORK" --logfile '' >/dev/null &
    rpid=$!; pids+=($rpid)
  fi
  # shellcheck disable=SC2086
  env MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-131072} node $NODE_FLAGS bin/mini-redis-server.js --port "$MPORT" --dir "$WORK" --save '' >"${MLOG:-/dev/null}" 2>&1 &
  mpid=$!; pids+=($mpid)
  local ports=("$MPORT"); [ "$rpid" != 0 ] && ports+=("$RPORT")
  for p in "${ports[@]}"; do until redis-cli -p "$p" PING >/dev/null 2>&1; do sleep 0.1; done; done
  local r m
  line() { # label
    if [ "$rpid" != 0 ]; then r=$(rss "$rpid"); else r=-; fi
    m=$(rss "$mpid")
    printf '%-22s redis %8s KiB   mini-redis %8s KiB   used_memory %s\n' "$1" "$r" "$m" "$(used)"
  }
  local extra=""; [ "$big" != 0 ] && extra=" + $big B"
  echo "== $mode: $N x $SIZE B$extra, then $op  (node $NODE_FLAGS)"
  line "before load"
  for p in "${ports[@]}"; do node "$WORK/load.mjs" "$p" "$N" "$SIZE" "$big"; done
  sleep 0.5
  line "after load"
  for p in "${ports[@]}"; do redis-cli -p "$p" $op >/dev/null; done
  local t0 now
  t0=$(date +%s.%N)
  line "right after $op"
  for w in $WAITS; do
    now=$(date +%s.%N)
    sleep "$(awk -v a="$t0" -v b="$now" -v w="$w" 'BEGIN { d = a + w - b; print (d > 0 ? d : 0) }')"
    line "${w}s after $op"
  done
  cleanup
  sleep 0.3
}

case "$MODE" in
  flush) run flush ;;
  del) run del ;;
  both) run flush; run del ;;
  *) echo "MODE must be flush, del or both" >&2; exit 2 ;;
esac

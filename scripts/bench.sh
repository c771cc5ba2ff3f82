#!/usr/bin/env bash
# npm run bench: mini-redis vs real redis-server under redis-benchmark, side by
# side, using the shared script (ratios candidate/Redis). Pass -q for a quick run;
# TESTS="p1 p16 c1 d1024 coll" and ROUNDS=N are passed through.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH=${BENCH_SCRIPT:-../shared/tools/bench-vs-redis.sh}
if [ ! -x "$BENCH" ]; then
  echo "bench-vs-redis.sh not found at $BENCH (set BENCH_SCRIPT)" >&2
  exit 1
fi
DATA=$(mktemp -d /tmp/mini-redis-bench.XXXXXX)
trap 'rm -rf "$DATA"' EXIT
exec "$BENCH" "$@" "env MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=8 $(pwd)/bin/mini-redis-server.js --port %PORT% --dir $DATA --save ''"

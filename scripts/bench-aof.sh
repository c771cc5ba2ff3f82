#!/usr/bin/env bash
# Throughput with the append-only file on (appendfsync everysec by default),
# mini-redis vs real redis-server with the same settings, through the shared
# bench script: redis-server is wrapped so that its persistence flags come
# after the script's own (`--appendonly no`), and mini-redis gets the same.
# Env: FSYNC=everysec|always|no, and the shared script's (TESTS, ROUNDS ...).
set -euo pipefail
cd "$(dirname "$0")/.."
FSYNC=${FSYNC:-everysec}
BENCH=${BENCH_SCRIPT:-../shared/tools/bench-vs-redis.sh}
DATA=$(mktemp -d /tmp/mini-redis-bench-aof.XXXXXX)
trap 'rm -rf "$DATA"' EXIT
cat > "$DATA/redis-server-aof" <<WRAP
#!/usr/bin/env bash
exec redis-server "\$@" --appendonly yes --appendfsync $FSYNC
WRAP
chmod +x "$DATA/redis-server-aof"
mkdir -p "$DATA/ours"
REDIS_SERVER="$DATA/redis-server-aof" exec "$BENCH" "$@" \
  "env MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=8 $(pwd)/bin/mini-redis-server.js --port %PORT% --dir $DATA/ours --save '' --appendonly yes --appendfsync $FSYNC"

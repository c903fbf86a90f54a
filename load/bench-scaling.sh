#!/usr/bin/env bash
# Scaling figure: req/s of the mixed scenario (reads + answers with Idempotency-Keys, load/mixed.lua)
# through nginx in front of 1, 2 and 3 nodes of a local cluster (bin/local-cluster), each count on a
# fresh cluster (its own PostgreSQL, Redis, simulator), the same wrk load for each.
#
#   load/bench-scaling.sh                        # NODES="1 2 3", 60 s per count after 15 s warm-up
#   NODES="1 2" DURATION=10 WARMUP=3 load/bench-scaling.sh    # a quick check
#
# Settings: NODES, DURATION, WARMUP (seconds), CONNECTIONS (wrk, default 64), THREADS (wrk, 2),
# STUDENTS (default 200), READ_RATIO (0.7), LEARNGRID_LOCAL_BASE_PORT (default 28300). Any
# LEARNGRID_LOCAL_* setting of bin/local-cluster applies (say LEARNGRID_LOCAL_PG_POOL_SIZE).
# Prints one RESULT line per node count, the machine's cores, and the CPU the nodes, PostgreSQL,
# nginx and wrk used during each run (from /proc, in cores), so a reader can tell whether the
# machine or learngrid was the limit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
NODES=${NODES:-1 2 3}
DURATION=${DURATION:-60}
WARMUP=${WARMUP:-15}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
STUDENTS=${STUDENTS:-200}
READ_RATIO=${READ_RATIO:-0.7}
export LEARNGRID_LOCAL_BASE_PORT=${LEARNGRID_LOCAL_BASE_PORT:-28300}
URL=http://127.0.0.1:$LEARNGRID_LOCAL_BASE_PORT
WORK=$(mktemp -d /tmp/learngrid-scaling.XXXXXX)
export LEARNGRID_LOCAL_DIR=""
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

cleanup() { [ -n "$LEARNGRID_LOCAL_DIR" ] && bin/local-cluster stop >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

# pids WHAT: the processes of this run's nodes, its PostgreSQL, nginx (master and workers), wrk.
pids() {
  case $1 in
    nodes) pgrep -f "$LEARNGRID_LOCAL_DIR/node.env" || true ;;
    postgres) pgrep -f "$LEARNGRID_LOCAL_DIR/data/pg" || true
              for p in $(pgrep -f "$LEARNGRID_LOCAL_DIR/data/pg" || true); do pgrep -P "$p" || true; done ;;
    nginx) m=$(cat "$LEARNGRID_LOCAL_DIR/nginx/nginx.pid" 2>/dev/null || true)
           [ -n "$m" ] && { echo "$m"; pgrep -P "$m" || true; } ;;
    wrk) pgrep -f "mixed.lua" || true ;;
  esac
}
# cpu_ticks WHAT: summed utime+stime (clock ticks) of those processes.
cpu_ticks() {
  local total=0 pid
  for pid in $(pids "$1" | sort -u); do
    [ -r /proc/$pid/stat ] || continue
    total=$((total + $(awk '{print $14 + $15}' /proc/$pid/stat 2>/dev/null || echo 0)))
  done
  echo $total
}
HZ=$(getconf CLK_TCK)
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"

for n in $NODES; do
  LEARNGRID_LOCAL_DIR="$WORK/cluster-$n"
  echo "== $n node(s)"
  bin/local-cluster start "$n" >"$WORK/start-$n.log" 2>&1 || { cat "$WORK/start-$n.log"; exit 1; }
  python3 load/mixed.py --setup-only --url "$URL" --out "$WORK/setup-$n" --students "$STUDENTS" 2>/dev/null
  [ "$WARMUP" -gt 0 ] && wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s load/mixed.lua "$URL" \
    -- "$WORK/setup-$n" "$READ_RATIO" "warm$n$$" >/dev/null
  declare -A before=()
  for what in nodes postgres nginx; do before[$what]=$(cpu_ticks "$what"); done
  # wrk's own CPU: sampled from /proc just before it ends (a process's ticks vanish with it).
  ( sleep $((DURATION - 1)); cpu_ticks wrk > "$WORK/wrk-ticks-$n" ) &
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s -s load/mixed.lua "$URL" \
    -- "$WORK/setup-$n" "$READ_RATIO" "run$n$$" | grep '^BENCH')
  cpu=""
  wait
  for what in nodes postgres nginx wrk; do
    if [ "$what" = wrk ]; then used=$(cat "$WORK/wrk-ticks-$n"); else used=$(( $(cpu_ticks "$what") - before[$what] )); fi
    cpu+=" cpu_$what=$(awk -v t="$used" -v hz="$HZ" -v d="$DURATION" 'BEGIN {printf "%.2f", t / hz / d}')"
  done
  echo "RESULT nodes=$n ${out#BENCH }$cpu"
  bin/local-cluster stop >/dev/null 2>&1
  LEARNGRID_LOCAL_DIR=""
done

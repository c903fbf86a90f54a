#!/usr/bin/env bash
# Benchmark: the cache hit ratio under a mixed read plan on one dev node (see load/README.md).
#
#   load/bench-mixed-read.sh                        # 30 s at 64 connections, 2 wrk threads
#   DURATION=5 WARMUP=0 COURSES=5 STUDENTS=10 load/bench-mixed-read.sh   # a quick check
#
# Starts `learngrid.jar dev` like bench-course-read.sh (rate limits off), creates COURSES courses
# with one 5-question assignment each and STUDENTS students enrolled in every course, then runs
# wrk with mixed-read.lua: each request is one student's, chosen at random, and is
#   40 % GET /api/v1/courses/{id}         (kind course)
#   25 % GET /api/v1/assignments/{id}     (kinds assignment, enrollment)
#   15 % GET /api/v1/me                   (kind profile)
#   10 % GET /api/v1/me/progress          (kind progress; every aggregation retires these entries)
#   10 % POST /api/v1/assignments/{id}/answers (a write: progress changes)
# and prints, per cache kind and overall, the hit ratio during the measured run from
# learngrid_cache_requests_total (a hit at the near or the Redis level over all lookups), plus
# wrk's figures and one RESULT line. The node is always stopped.
#
# Settings (environment): DURATION (30), WARMUP (10), CONNECTIONS (64), THREADS (2), COURSES (20),
# STUDENTS (50), NEAR_CACHE (on|off), READY_TIMEOUT (180), LEARNGRID_JAR, BENCH_JAVA_OPTS, KEEP_DATA.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=load/lib.sh
. "$HERE/lib.sh"
LUA="$HERE/mixed-read.lua"

DURATION="${DURATION:-30}"
WARMUP="${WARMUP:-10}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
COURSES="${COURSES:-20}"
STUDENTS="${STUDENTS:-50}"
near_cache_entries

require_whole_numbers DURATION WARMUP CONNECTIONS THREADS READY_TIMEOUT COURSES STUDENTS
(( DURATION > 0 && CONNECTIONS > 0 && THREADS > 0 && COURSES > 0 && STUDENTS > 0 )) \
  || die "DURATION, CONNECTIONS, THREADS, COURSES and STUDENTS must be positive"
(( CONNECTIONS >= THREADS )) || die "CONNECTIONS ($CONNECTIONS) must be >= THREADS ($THREADS) for wrk"
command -v curl >/dev/null || die "curl is required"
command -v python3 >/dev/null || die "python3 is required (to read the API's JSON replies)"

find_java
ensure_jar
apt_install wrk wrk
pick_node_ports
make_work_dir learngrid-bench
always_clean_up
print_machine

# --- start the node ------------------------------------------------------------------------------
section "starting the dev node"
echo "http $BASE, postgres :$PG_PORT, redis :$REDIS_PORT, ai simulator :$AI_PORT"
echo "data $DATA, log $NODE_LOG, access log and rate limits off, near cache $NEAR_CACHE, JVM options: ${BENCH_JAVA_OPTS:-(none)}"
start_node bench-mixed-read LEARNGRID_NEAR_CACHE_MAX_ENTRIES="$NEAR_ENTRIES"
wait_until_ready

# --- courses, assignments, students -------------------------------------------------------------
section "test data: $COURSES courses with one assignment each, $STUDENTS students enrolled in every course"
build_mixed_read_plan "$COURSES" "$STUDENTS"
echo "$(wc -l <"$PLAN") (student, course) pairs in $PLAN"


if (( WARMUP > 0 )); then
  section "warm-up: wrk -t$THREADS -c$CONNECTIONS -d${WARMUP}s (only its summary is shown)"
  PLAN="$PLAN" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$LUA" "$BASE" | only_warmup_summary
fi

section "measured run: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency, mixed plan"
kind_counts >"$WORK/cache-before.txt"
WRK_OUT="$WORK/wrk.txt"
PLAN="$PLAN" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$LUA" "$BASE" >"$WRK_OUT"
kind_counts >"$WORK/cache-after.txt"
grep -v '^BENCH' "$WRK_OUT"

section "cache hit ratio during the run, per kind (a hit at the near or the Redis level / all lookups)"
RATIO="$(hit_ratios "$WORK/cache-before.txt" "$WORK/cache-after.txt")"
echo "  overall: $RATIO"

BENCH="$(grep '^BENCH' "$WRK_OUT" || true)"
[[ -n $BENCH ]] || die "wrk printed no summary (see $WRK_OUT)"
field() { bench_value "$BENCH" "$1"; }
section "result"
echo "RESULT mixed-read near-cache=$NEAR_CACHE c=$CONNECTIONS t=$THREADS d=${DURATION}s courses=$COURSES students=$STUDENTS:" \
  "$(field rps) req/s, p50 $(ms "$(field p50_us)"), p99 $(ms "$(field p99_us)"), non-2xx $(field non2xx)," \
  "cache hit ratio $RATIO"

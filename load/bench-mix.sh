#!/usr/bin/env bash
# Benchmark: do reads and writes slow each other? (see load/README.md)
#
#   load/bench-mix.sh                                  # each part alone, then the mix, 20 s each
#   DURATION=5 WARMUP=2 COURSES=5 STUDENTS=10 load/bench-mix.sh   # a quick check
#
# Starts `learngrid.jar dev` like bench-mixed-read.sh (LIMITS, default off), builds the mixed read
# plan (COURSES × STUDENTS, every student enrolled in every course), then in one run measures with
# wrk (mixed-read.lua) each kind of MIX alone at CONNECTIONS connections, and then MIX itself
# (default 35 % course reads, 35 % assignment reads, 20 % progress reads, 10 % answer submissions).
# What the parts predict for the mix is their weighted harmonic mean, 1 / Σ (weight / req/s alone):
# the throughput if each request cost what it costs alone. The RESULT line gives the mix's req/s
# over that prediction; the goal is at least GOAL_PCT (85) %. The node is always stopped.
#
# Settings (environment): MIX, DURATION (20), WARMUP (5, before each run), CONNECTIONS (64),
# THREADS (2), COURSES (20), STUDENTS (50), GOAL_PCT (85), LIMITS (off|on), NEAR_CACHE,
# READY_TIMEOUT, LEARNGRID_JAR, BENCH_JAVA_OPTS, KEEP_DATA.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=load/lib.sh
. "$HERE/lib.sh"
LUA="$HERE/mixed-read.lua"

MIX="${MIX:-course:35,assignment:35,progress:20,answer:10}"
DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-5}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
COURSES="${COURSES:-20}"
STUDENTS="${STUDENTS:-50}"
GOAL_PCT="${GOAL_PCT:-85}"
near_cache_entries

require_whole_numbers DURATION WARMUP CONNECTIONS THREADS COURSES STUDENTS GOAL_PCT READY_TIMEOUT
(( DURATION > 0 && CONNECTIONS >= THREADS && THREADS > 0 )) || die "DURATION must be positive, CONNECTIONS >= THREADS > 0"
[[ $MIX =~ ^[a-z]+:[0-9]+(,[a-z]+:[0-9]+)*$ ]] || die "MIX must look like course:35,assignment:35 (got $MIX)"
command -v curl >/dev/null || die "curl is required"
command -v python3 >/dev/null || die "python3 is required (to read the API's JSON replies)"

find_java
ensure_jar
apt_install wrk wrk
pick_node_ports
make_work_dir learngrid-bench
always_clean_up
print_machine

section "starting the dev node"
echo "http $BASE, rate limits ${LIMITS:-off}, near cache $NEAR_CACHE, JVM options: ${BENCH_JAVA_OPTS:-(none)}"
start_node bench-mix LEARNGRID_NEAR_CACHE_MAX_ENTRIES="$NEAR_ENTRIES"
wait_until_ready

section "test data: $COURSES courses with one assignment each, $STUDENTS students enrolled in every course"
build_mixed_read_plan "$COURSES" "$STUDENTS"

run() {  # run NAME MIX: warm-up, then the measured run; appends "NAME rps p99_us non2xx" to RUNS
  local name=$1 mix=$2 out="$WORK/wrk-$1.txt" bench
  if (( WARMUP > 0 )); then
    PLAN="$PLAN" MIX="$mix" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$LUA" "$BASE" >/dev/null
  fi
  PLAN="$PLAN" MIX="$mix" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$LUA" "$BASE" >"$out"
  bench="$(grep '^BENCH' "$out" || true)"
  [[ -n $bench ]] || die "wrk printed no summary for $name (see $out)"
  printf '%-12s %10.1f req/s  p99 %s  non-2xx %s  socket errors %s\n' "$name" "$(bench_value "$bench" rps)" \
    "$(ms "$(bench_value "$bench" p99_us)")" "$(bench_value "$bench" non2xx)" "$(socket_errors "$bench")"
  echo "$name $(bench_value "$bench" rps) $(bench_value "$bench" p99_us) $(( $(bench_value "$bench" non2xx) + $(socket_errors "$bench") ))" >>"$RUNS"
}

RUNS="$WORK/runs.txt"
: >"$RUNS"
section "each part alone, then the mix ($MIX): wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s each"
IFS=, read -ra PARTS <<<"$MIX"
# The JIT's warm-up for every path first, so the first part measured is not the coldest.
if (( WARMUP > 0 )); then
  PLAN="$PLAN" MIX="$MIX" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$(( 3 * WARMUP ))s" -s "$LUA" "$BASE" >/dev/null
fi
for part in "${PARTS[@]}"; do
  run "${part%%:*}" "${part%%:*}:1"
done
kind_counts >"$WORK/cache-before.txt"
run mix "$MIX"
kind_counts >"$WORK/cache-after.txt"
echo "cache hit ratio during the mix, per kind (a hit at the near or the Redis level / all lookups):"
echo "  overall: $(hit_ratios "$WORK/cache-before.txt" "$WORK/cache-after.txt")"

section "result"
# The prediction: Σ weights / Σ (weight / req/s alone).
RESULT="$(awk -v mix="$MIX" -v goal="$GOAL_PCT" '
  BEGIN { n = split(mix, parts, ","); for (i = 1; i <= n; i++) { split(parts[i], kv, ":"); w[kv[1]] = kv[2]; total += kv[2] } }
  { rps[$1] = $2; errors += $4 }
  END {
    for (k in w) { if (rps[k] <= 0) { print "FAIL: no throughput for " k; exit } cost += w[k] / rps[k] }
    predicted = total / cost
    pct = 100 * rps["mix"] / predicted
    printf "mix %.0f req/s, the parts predict %.0f req/s: %.1f %% (goal >= %d %%), errors %d: %s\n",
      rps["mix"], predicted, pct, goal, errors, (pct >= goal && errors == 0) ? "PASS" : "FAIL" }' "$RUNS")"
echo "RESULT mix c=$CONNECTIONS d=${DURATION}s limits=${LIMITS:-off} near-cache=$NEAR_CACHE $MIX: $RESULT"

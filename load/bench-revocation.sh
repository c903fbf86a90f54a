#!/usr/bin/env bash
# Benchmark: what the access-token revocation check costs on the cached read GET /api/v1/courses/{id}
# (one dev node), with the check on and off (LEARNGRID_REVOCATION_CHECKS), alternating in one run.
#
#   load/bench-revocation.sh                       # 2 rounds of on/off, 20 s each at 64 connections
#   ROUNDS=3 DURATION=10 load/bench-revocation.sh
#
# Each measurement starts `learngrid.jar dev` afresh on the same data dir (the switch is read at
# start), logs in as the demo teacher, revokes REVOKED other sessions of it (logouts: the denylist
# is not empty), creates a course, reads it once (the miss that fills Redis), warms up with wrk,
# then measures with wrk; then stops the node. Order per round: on, off. Prints each run's RESULT
# line and, at the end, the median req/s and p99 of each mode and the difference.
#
# Settings (environment): DURATION (20), WARMUP (5), CONNECTIONS (64), THREADS (2), ROUNDS (2),
# REVOKED (20), and those of lib.sh (READY_TIMEOUT, LEARNGRID_JAR, BENCH_JAVA_OPTS, KEEP_DATA).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=load/lib.sh
. "$HERE/lib.sh"
LUA="$HERE/course-read.lua"

DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-5}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
ROUNDS="${ROUNDS:-2}"
REVOKED="${REVOKED:-20}"
require_whole_numbers DURATION WARMUP CONNECTIONS THREADS ROUNDS REVOKED READY_TIMEOUT
(( DURATION > 0 && CONNECTIONS >= THREADS && THREADS > 0 && ROUNDS > 0 )) || die "bad DURATION/CONNECTIONS/THREADS/ROUNDS"
command -v curl >/dev/null || die "curl is required"

find_java
ensure_jar
apt_install wrk wrk
pick_node_ports
make_work_dir learngrid-bench-revocation
always_clean_up
print_machine

RESULTS="$WORK/results.tsv"   # mode rps p50_us p99_us errors
: >"$RESULTS"

measure() {  # measure MODE (on|off): one node start, one measured wrk run, one RESULT line
  local mode=$1
  section "round $round, revocation checks $mode: starting the dev node"
  NODE_LOG="$WORK/node-$round-$mode.log"
  start_node bench-revocation LEARNGRID_REVOCATION_CHECKS="$mode" LEARNGRID_BCRYPT_COST=4
  wait_until_ready
  local token i
  for ((i = 0; i < REVOKED; i++)); do
    token="$(login teacher@learngrid.dev demo-password)"
    curl -sf --max-time 10 -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d '{"refreshToken":"none"}' "$BASE/api/v1/auth/logout" || die "logout failed"
  done
  TOKEN="$(login teacher@learngrid.dev demo-password)"
  [[ -n $TOKEN ]] || die "login as teacher@learngrid.dev failed"
  local course
  course="$(curl -sf --max-time 10 -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"title":"Benchmark course","subject":"load","description":"Created by load/bench-revocation.sh"}' \
    "$BASE/api/v1/courses" | json_field id)"
  [[ -n $course ]] || die "creating a course failed"
  local url="$BASE/api/v1/courses/$course" auth="Authorization: Bearer $TOKEN"
  curl -sf -o /dev/null --max-time 10 -H "$auth" "$url" || die "GET $url failed"
  sleep 0.5   # the cache fill after a miss is asynchronous
  if (( WARMUP > 0 )); then
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -H "$auth" -s "$LUA" "$url" | only_warmup_summary
  fi
  echo "load before: $(uptime)"
  local out="$WORK/wrk-$round-$mode.txt"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "$auth" -s "$LUA" "$url" >"$out"
  echo "load after:  $(uptime)"
  grep -v '^BENCH' "$out"
  local bench errors
  bench="$(grep '^BENCH' "$out")" || die "wrk printed no summary (see $out)"
  errors=$(( $(bench_value "$bench" non2xx) + $(socket_errors "$bench") ))
  warn_if_incomplete "$bench"
  printf '%s\t%s\t%s\t%s\t%s\n' "$mode" "$(bench_value "$bench" rps)" "$(bench_value "$bench" p50_us)" \
    "$(bench_value "$bench" p99_us)" "$errors" >>"$RESULTS"
  echo "RESULT revocation-checks=$mode round=$round c=$CONNECTIONS t=$THREADS d=${DURATION}s:" \
    "$(bench_value "$bench" rps) req/s, p50 $(ms "$(bench_value "$bench" p50_us)"), p99 $(ms "$(bench_value "$bench" p99_us)")," \
    "errors $errors"
  stop_node
}

for ((round = 1; round <= ROUNDS; round++)); do
  measure on
  measure off
done

section "summary (median of $ROUNDS runs per mode)"
awk -F'\t' '
  function median(a, n,   i, j, t) {
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { n[$1]++; rps[$1, n[$1]] = $2; p99[$1, n[$1]] = $4; err[$1] += $5 }
  END {
    for (m in n) { for (i = 1; i <= n[m]; i++) { r[i] = rps[m, i]; q[i] = p99[m, i] }
      mr[m] = median(r, n[m]); mq[m] = median(q, n[m]) }
    printf "checks on:  %.0f req/s, p99 %.2f ms, errors %d\n", mr["on"], mq["on"] / 1000, err["on"]
    printf "checks off: %.0f req/s, p99 %.2f ms, errors %d\n", mr["off"], mq["off"] / 1000, err["off"]
    if (mr["off"] > 0) printf "RESULT revocation check cost: %+.1f%% req/s (on vs off)\n", 100 * (mr["on"] - mr["off"]) / mr["off"]
  }' "$RESULTS"

#!/usr/bin/env bash
# Benchmark: the exam start. STUDENTS students log in within one burst (load/login-storm.py,
# CONCURRENCY at once) while wrk reads a cached course at CONNECTIONS connections, on one dev node
# with production defaults for sign-in: bcrypt cost 10, the password-hashing pool (one thread per
# core, LEARNGRID_PASSWORD_HASH_MAX_WAIT_MS 3 s), rate limits on (budgets too high to refuse).
# Prints the logins' RESULT (logins/s, login p50/p99, 503s and whether they carried Retry-After)
# and wrk's course reads over the storm's window.
#
#   load/bench-login-storm.sh                       # 1,000 students, 200 at once, 64 readers
#   STUDENTS=300 load/bench-login-storm.sh
#
# Settings (environment): STUDENTS (1000), CONCURRENCY (200), CONNECTIONS (64), THREADS (2),
# READ_SECONDS (wrk's run around the storm, 20), LEARNGRID_JAR, BENCH_JAVA_OPTS, READY_TIMEOUT.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=load/lib.sh
. "$HERE/lib.sh"
LUA="$HERE/course-read.lua"
STUDENTS="${STUDENTS:-1000}"
CONCURRENCY="${CONCURRENCY:-200}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
READ_SECONDS="${READ_SECONDS:-20}"
LIMITS=on
require_whole_numbers STUDENTS CONCURRENCY CONNECTIONS THREADS READ_SECONDS READY_TIMEOUT

find_java
ensure_jar
apt_install wrk wrk
pick_node_ports
make_work_dir learngrid-bench
always_clean_up
print_machine

section "starting the dev node (bcrypt cost 10, rate limits on)"
start_node bench-login-storm LEARNGRID_BCRYPT_COST=10
wait_until_ready

section "registering $STUDENTS students"
python3 "$HERE/login-storm.py" --url "$BASE" --students "$STUDENTS" --setup-only

TOKEN="$(login teacher@learngrid.dev demo-password)"
[[ -n $TOKEN ]] || die "login as teacher@learngrid.dev failed"
COURSE_ID="$(curl -sf --max-time 10 -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"title":"Exam","subject":"load","description":"load/bench-login-storm.sh"}' "$BASE/api/v1/courses" | json_field id)"
URL="$BASE/api/v1/courses/$COURSE_ID"
curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" "$URL"
wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -H "Authorization: Bearer $TOKEN" -s "$LUA" "$URL" | only_warmup_summary

section "the storm: wrk reads for ${READ_SECONDS}s, the logins start 3 s in"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${READ_SECONDS}s" --latency -H "Authorization: Bearer $TOKEN" -s "$LUA" "$URL" \
  >"$WORK/wrk.txt" 2>&1 &
WRK_PID=$!
sleep 3
python3 "$HERE/login-storm.py" --url "$BASE" --students "$STUDENTS" --concurrency "$CONCURRENCY" --storm-only \
  | tee "$WORK/storm.txt"
wait $WRK_PID
grep -v '^BENCH' "$WORK/wrk.txt"
BENCH="$(grep '^BENCH' "$WORK/wrk.txt" || true)"
[[ -n $BENCH ]] || die "wrk printed no summary"
section "result"
echo "RESULT course reads during the storm: $(bench_value "$BENCH" rps) req/s, p50 $(ms "$(bench_value "$BENCH" p50_us)")," \
  "p99 $(ms "$(bench_value "$BENCH" p99_us)"), non-2xx $(bench_value "$BENCH" non2xx)"

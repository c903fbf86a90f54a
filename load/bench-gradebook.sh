#!/usr/bin/env bash
# Benchmark: the class gradebook (GET /api/v1/courses/{id}/gradebook) of a STUDENTS × ASSIGNMENTS
# course, pages of LIMIT students, read by wrk at CONNECTIONS connections (one dev node).
#
#   load/bench-gradebook.sh                     # 500 students × 20 assignments, pages of 100, c=16, 30 s
#   STUDENTS=2000 LIMIT=50 load/bench-gradebook.sh
#
# Starts `learngrid.jar dev` on free loopback ports with a fresh temp data dir, logs in as the demo
# teacher and creates the course over HTTP. Then SQL (psql) writes the rest as the aggregator would
# leave it: the students and their enrollments, ASSIGNMENTS assignments of QUESTIONS questions each,
# and one question_scores row per student and question (every question answered, about two thirds
# correct, some late) — the gradebook reads only those aggregates, and folding that many answers
# through HTTP would only lengthen the set-up. wrk then walks the pages (load/gradebook.lua).
# Prints the machine, the size of one page and the RESULT line (pages/s, p50, p99).
#
# Settings (environment): STUDENTS (500), ASSIGNMENTS (20), QUESTIONS (10), LIMIT (100),
# CONNECTIONS (16), THREADS (2), DURATION (30), WARMUP (5), and those of lib.sh.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=load/lib.sh
. "$HERE/lib.sh"

STUDENTS="${STUDENTS:-500}"
ASSIGNMENTS="${ASSIGNMENTS:-20}"
QUESTIONS="${QUESTIONS:-10}"
LIMIT="${LIMIT:-100}"
CONNECTIONS="${CONNECTIONS:-16}"
THREADS="${THREADS:-2}"
DURATION="${DURATION:-30}"
WARMUP="${WARMUP:-5}"
require_whole_numbers STUDENTS ASSIGNMENTS QUESTIONS LIMIT CONNECTIONS THREADS DURATION WARMUP READY_TIMEOUT
(( STUDENTS > 0 && ASSIGNMENTS > 0 && QUESTIONS > 0 && DURATION > 0 && CONNECTIONS >= THREADS && THREADS > 0 )) \
  || die "bad STUDENTS/ASSIGNMENTS/QUESTIONS/DURATION/CONNECTIONS/THREADS"
(( LIMIT >= 1 && LIMIT <= 100 )) || die "LIMIT must be 1..100"
command -v curl >/dev/null || die "curl is required"

find_java
ensure_jar
apt_install wrk wrk
apt_install psql postgresql-client
pick_node_ports
make_work_dir learngrid-bench-gradebook
PG_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
always_clean_up
print_machine "$WORK"

sql() { psql "$PG_URL" -X -q -A -t -v ON_ERROR_STOP=1 -c "$@"; }

section "starting the dev node"
start_node bench-gradebook
wait_until_ready

section "setup: $STUDENTS students × $ASSIGNMENTS assignments of $QUESTIONS questions, every question answered"
TOKEN="$(login teacher@learngrid.dev demo-password)"
[[ -n $TOKEN ]] || die "login as teacher@learngrid.dev failed"
COURSE_ID="$(curl -sf --max-time 10 -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"title":"Gradebook benchmark","subject":"load","description":"Created by load/bench-gradebook.sh"}' \
  "$BASE/api/v1/courses" | json_field id)"
[[ -n $COURSE_ID ]] || die "creating a course failed"
sql "
  INSERT INTO users (email, password_hash, display_name, role)
  SELECT 'gradebook-' || g || '@load.learngrid', 'not-a-hash', 'Gradebook Student ' || g, 'student'
  FROM generate_series(1, $STUDENTS) g;
  INSERT INTO enrollments (course_id, student_id)
  SELECT '$COURSE_ID', id FROM users WHERE email LIKE 'gradebook-%@load.learngrid';
  INSERT INTO assignments (course_id, title, question_count, max_points, due_at, created_at)
  SELECT '$COURSE_ID', 'Assignment ' || g, $QUESTIONS, $QUESTIONS * 2, now() - interval '1 day' * ($ASSIGNMENTS - g),
         now() - interval '1 minute' * ($ASSIGNMENTS - g)
  FROM generate_series(1, $ASSIGNMENTS) g;
  INSERT INTO questions (assignment_id, position, prompt, kind, answer, points)
  SELECT a.id, p, 'Question ' || p, 'number', '7'::jsonb, 2
  FROM assignments a, generate_series(0, $QUESTIONS - 1) p WHERE a.course_id = '$COURSE_ID';
  INSERT INTO question_scores (student_id, question_id, assignment_id, course_id, attempts, correct, best_points, last_event_at)
  SELECT e.student_id, q.id, a.id, a.course_id, 1 + (hashtext(q.id::text || e.student_id::text) & 3),
         (hashtext(e.student_id::text || q.id::text) % 3) <> 0,
         CASE WHEN (hashtext(e.student_id::text || q.id::text) % 3) <> 0 THEN 2 ELSE 0 END,
         a.due_at - interval '1 hour' + interval '2 hours' * ((hashtext(e.student_id::text) & 7) = 0)::int
  FROM enrollments e JOIN assignments a ON a.course_id = e.course_id JOIN questions q ON q.assignment_id = a.id
  WHERE e.course_id = '$COURSE_ID';
  ANALYZE users; ANALYZE enrollments; ANALYZE assignments; ANALYZE questions; ANALYZE question_scores;"
echo "course $COURSE_ID: $(sql "SELECT count(*) FROM enrollments WHERE course_id = '$COURSE_ID'") students," \
  "$(sql "SELECT count(*) FROM question_scores WHERE course_id = '$COURSE_ID'") question scores"

GRADEBOOK="/api/v1/courses/$COURSE_ID/gradebook?limit=$LIMIT"
AUTH="Authorization: Bearer $TOKEN"
PAGE="$WORK/page.json"
curl -sf --max-time 10 -H "$AUTH" -o "$PAGE" "$BASE$GRADEBOOK" || die "GET $GRADEBOOK failed"
echo "first page: $(wc -c <"$PAGE") bytes, $(grep -o '"studentId"' "$PAGE" | wc -l) students"
PAGES=0
cursor=""
while :; do
  curl -sf --max-time 10 -H "$AUTH" -o "$PAGE" "$BASE$GRADEBOOK${cursor:+&cursor=$cursor}" || die "walking the pages failed"
  PAGES=$((PAGES + 1))
  cursor="$(grep -o '"nextCursor":"[^"]*"' "$PAGE" | cut -d'"' -f4 || true)"
  [[ -n $cursor ]] || break
done
echo "pages of $LIMIT: $PAGES"

if (( WARMUP > 0 )); then
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -H "$AUTH" -s "$HERE/gradebook.lua" "$BASE" -- "$GRADEBOOK" \
    | only_warmup_summary
fi
section "measured: $DURATION s at $CONNECTIONS connections"
echo "load before: $(uptime)"
OUT="$WORK/wrk.txt"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "$AUTH" -s "$HERE/gradebook.lua" "$BASE" -- "$GRADEBOOK" >"$OUT"
echo "load after:  $(uptime)"
grep -v '^BENCH' "$OUT"
BENCH="$(grep '^BENCH' "$OUT")" || die "wrk printed no summary (see $OUT)"
warn_if_incomplete "$BENCH"
ERRORS=$(( $(bench_value "$BENCH" non2xx) + $(socket_errors "$BENCH") ))
echo "RESULT gradebook students=$STUDENTS assignments=$ASSIGNMENTS limit=$LIMIT c=$CONNECTIONS d=${DURATION}s:" \
  "$(bench_value "$BENCH" rps) pages/s, p50 $(ms "$(bench_value "$BENCH" p50_us)"), p99 $(ms "$(bench_value "$BENCH" p99_us)")," \
  "errors $ERRORS"

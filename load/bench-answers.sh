#!/usr/bin/env bash
# Benchmark: durable answer submissions (POST /api/v1/assignments/{id}/answers, group commit, fsync
# on) at 64 and 256 connections, then GET /api/v1/me/progress, on one dev node (see load/README.md).
#
#   load/bench-answers.sh                               # 30 s per run, 500 students
#   CONNECTIONS="64 128 256" DURATION=60 load/bench-answers.sh
#
# Starts `learngrid.jar dev` on free loopback ports with a fresh temp data dir, the access log and
# rate limits off, in a cluster of its own. Registers and logs in STUDENTS students over HTTP,
# creates a course over HTTP and (until the assignment and enrollment routes exist on this branch)
# one 20-question assignment and the enrollments with SQL (psql). Then, for each connection
# count, wrk posts answers with the students' tokens (each request a new answer of a random
# student, right or wrong at random); the script counts what PostgreSQL stored and waits for the
# aggregator to fold it. Last, wrk reads /me/progress. Prints the machine, load average, CPU split
# (node, PostgreSQL, wrk, others), group-commit batch sizes, aggregator lag, and RESULT lines.
#
# Settings (environment):
#   DURATION              seconds per measured run (default 30)
#   WARMUP                warm-up seconds before the first run (default 15; 0 skips it)
#   CONNECTIONS           wrk connection counts for the answer runs (default "64 256")
#   PROGRESS_CONNECTIONS  wrk connections for the progress run (default 64; 0 skips it)
#   THREADS               wrk threads (default 2)
#   STUDENTS              enrolled students whose tokens the runs use (default 500)
#   IDEMPOTENCY_KEYS=1    send a unique Idempotency-Key with every answer (default 0)
#   READY_TIMEOUT         seconds to wait for /health/ready (default 180)
#   LEARNGRID_JAR         the jar (default verticles/target/learngrid.jar, built if missing)
#   BENCH_JAVA_OPTS       extra JVM options for the node (default none)
#   KEEP_DATA=1           keep the node's temp data dir after the run
# Any LEARNGRID_* variable set in the environment (say LEARNGRID_PG_POOL_SIZE) reaches the node.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=load/lib.sh
. "$HERE/lib.sh"

DURATION="${DURATION:-30}"
WARMUP="${WARMUP:-15}"
CONNECTIONS="${CONNECTIONS:-64 256}"
PROGRESS_CONNECTIONS="${PROGRESS_CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
STUDENTS="${STUDENTS:-500}"
IDEMPOTENCY_KEYS="${IDEMPOTENCY_KEYS:-0}"

require_whole_numbers DURATION WARMUP PROGRESS_CONNECTIONS THREADS STUDENTS READY_TIMEOUT
for c in $CONNECTIONS; do
  [[ $c =~ ^[0-9]+$ ]] && (( c >= THREADS )) || die "CONNECTIONS must be whole numbers >= THREADS ($THREADS), not '$c'"
done
(( DURATION > 0 && THREADS > 0 && STUDENTS > 0 )) || die "DURATION, THREADS and STUDENTS must be positive"
[[ $IDEMPOTENCY_KEYS == 0 || $IDEMPOTENCY_KEYS == 1 ]] || die "IDEMPOTENCY_KEYS must be 0 or 1"
command -v curl >/dev/null || die "curl is required"

find_java
ensure_jar
apt_install wrk wrk
apt_install psql postgresql-client
pick_node_ports
make_work_dir learngrid-bench-answers
PG_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
always_clean_up

# --- helpers -------------------------------------------------------------------------------------
sql() {  # sql STATEMENT...: runs in the node's PostgreSQL, prints unaligned rows
  psql "$PG_URL" -X -q -A -t -v ON_ERROR_STOP=1 -c "$@"
}

metric() {  # metric NAME: the sum of every sample of a Prometheus metric on /metrics (0 when absent)
  curl -sf --max-time 10 "$BASE/metrics" | awk -v m="$1" '
    $1 == m || index($1, m "{") == 1 { s += $NF } END { printf "%.0f\n", s }'
}

slow_commits() {  # group-commit statements that took longer than 100 ms, from the histogram on /metrics
  curl -sf --max-time 10 "$BASE/metrics" | awk '
    /^learngrid_answer_batch_duration_seconds_count/ { total = $NF }
    /^learngrid_answer_batch_duration_seconds_bucket/ && /le="0.1"/ { fast = $NF }
    END { printf "%.0f\n", total - fast }'
}

# PostgreSQL is detached from the node by pg_ctl: its postmaster and backends are counted apart.
pg_pid() { head -n 1 "$DATA/pg/postmaster.pid" 2>/dev/null || echo 0; }

print_machine "$WORK"   # the disk matters: every answer waits for a WAL flush

# --- start the node ------------------------------------------------------------------------------
section "starting the dev node"
echo "http $BASE, postgres :$PG_PORT, redis :$REDIS_PORT, ai simulator :$AI_PORT"
echo "data $DATA, log $NODE_LOG, access log off, rate limits ${LIMITS:-off}, JVM options: ${BENCH_JAVA_OPTS:-(none)}"
print_node_env
# bcrypt cost 4, so that creating STUDENTS students is quick.
start_node bench-answers LEARNGRID_BCRYPT_COST="${LEARNGRID_BCRYPT_COST:-4}"
wait_until_ready
sql "SHOW fsync" | sed 's/^/postgres fsync: /'
sql "SHOW synchronous_commit" | sed 's/^/postgres synchronous_commit: /'

# --- students, a course, an assignment --------------------------------------------------------------
section "setup: $STUDENTS students (register + login over HTTP), a course, a 20-question assignment, enrollments"
TEACHER="$(login teacher@learngrid.dev demo-password)"
[[ -n $TEACHER ]] || die "login as teacher@learngrid.dev failed"
COURSE_ID="$(curl -sf --max-time 10 -H "Authorization: Bearer $TEACHER" -H 'Content-Type: application/json' \
  -d '{"title":"Answers benchmark","subject":"load","description":"Created by load/bench-answers.sh"}' \
  "$BASE/api/v1/courses" | json_field id)"
[[ -n $COURSE_ID ]] || die "creating a course failed"

make_student() {  # make_student N: registers bench-student-N and prints its access token
  local email="bench-student-$1@load.learngrid" body
  body="{\"email\":\"$email\",\"password\":\"bench-password\",\"displayName\":\"Bench Student $1\"}"
  curl -sf --max-time 30 -o /dev/null -H 'Content-Type: application/json' -d "$body" "$BASE/api/v1/auth/register" || return 1
  # The reply has no final newline, so sed would not end the token's line either.
  { curl -sf --max-time 30 -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"bench-password\"}" "$BASE/api/v1/auth/login"; echo; } | json_field accessToken
}
export -f make_student json_field
export BASE
TOKENS="$WORK/tokens.txt"
seq 1 "$STUDENTS" | xargs -P 8 -I{} bash -c 'make_student {}' >"$TOKENS" || die "creating students failed"
[[ $(grep -c . "$TOKENS") -eq $STUDENTS ]] || die "expected $STUDENTS tokens, got $(grep -c . "$TOKENS")"

# The assignment and enrollment routes are not on this branch yet: SQL stands in for them.
ASSIGNMENT_ID="$(sql "INSERT INTO assignments (course_id, title, question_count, max_points)
                      VALUES ('$COURSE_ID', 'Benchmark assignment', 20, 50) RETURNING id")"
QUESTIONS="$WORK/questions.txt"
sql "INSERT INTO questions (assignment_id, position, prompt, kind, answer, points)
     SELECT '$ASSIGNMENT_ID', g, 'Question ' || g, (ARRAY['choice', 'text', 'number', 'number'])[g % 4 + 1],
            (ARRAY['\"A\"', '\"cell\"', '7', '0.5'])[g % 4 + 1]::jsonb, g % 4 + 1
     FROM generate_series(0, 19) g
     RETURNING id || E'\t' || (ARRAY['\"A\"', '\" CELL \"', '7', '\"0.5\"'])[position % 4 + 1]
                  || E'\t' || (ARRAY['\"B\"', '\"nucleus\"', '8', '\"0.6\"'])[position % 4 + 1]" >"$QUESTIONS"
ENROLLED="$(sql "WITH e AS (INSERT INTO enrollments (course_id, student_id)
                 SELECT '$COURSE_ID', id FROM users WHERE email LIKE 'bench-student-%@load.learngrid'
                 RETURNING 1) SELECT count(*) FROM e")"
echo "course $COURSE_ID, assignment $ASSIGNMENT_ID ($(wc -l <"$QUESTIONS") questions), $ENROLLED students enrolled"
ANSWERS_PATH="/api/v1/assignments/$ASSIGNMENT_ID/answers"
probe="$(curl -s --max-time 10 -H "Authorization: Bearer $(head -n 1 "$TOKENS")" -H 'Content-Type: application/json' \
  -d "{\"questionId\":\"$(head -n 1 "$QUESTIONS" | cut -f1)\",\"answer\":\"A\"}" "$BASE$ANSWERS_PATH")"
echo "one answer by curl: $probe"
[[ $probe == *'"correct":true'* ]] || die "the probe answer was not accepted as correct"

# --- runs ----------------------------------------------------------------------------------------
RESULTS=()

# run_wrk LABEL CONNECTIONS LUA ARGS...: one measured wrk run with load, CPU and lag sampling;
# sets OUT (wrk's output file) and CPU_LINE.
run_wrk() {
  local label=$1 conns=$2 lua=$3
  shift 3
  OUT="$WORK/wrk-$label-c$conns.txt"
  local samples="$WORK/samples-$label-c$conns.txt"
  echo "load before: $(uptime)"
  # Every 2 s: load average, answer events waiting for the aggregator, and the age of the oldest.
  ( while sleep 2; do
      echo "  $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" \
        "$(sql "SELECT 'pending ' || count(*) || ', oldest ' || coalesce(round(extract(epoch FROM now() - min(submitted_at))::numeric, 2), 0) || ' s' FROM pending_events" 2>/dev/null || echo '?')"
    done ) >"$samples" &
  SAMPLER_PID=$!
  local busy0 total0 busy1 total1 node0 node1 pg0 pg1
  read -r busy0 total0 < <(cpu_machine)
  node0="$(cpu_proc "$NODE_PID")"; pg0="$(cpu_proc "$(pg_pid)")"
  TIMEFORMAT='%R %U %S'
  { time wrk -t"$THREADS" -c"$conns" -d"${DURATION}s" --latency -s "$lua" "$BASE" -- "$@" >"$OUT" 2>"$OUT.err"; } 2>"$OUT.time"
  read -r busy1 total1 < <(cpu_machine)
  node1="$(cpu_proc "$NODE_PID")"; pg1="$(cpu_proc "$(pg_pid)")"
  stop_sampler
  grep -v '^BENCH' "$OUT"
  cat "$OUT.err" >&2
  echo "load after:  $(uptime)"
  echo "every 2 s during the run (load 1/5/15 min; answer events not yet aggregated):"
  cat "$samples"
  MAX_LAG="$(grep -o 'oldest [0-9.]*' "$samples" | awk '{ if ($2 > m) m = $2 } END { printf "%.2f", m + 0 }')"
  local real user sys
  read -r real user sys < <(tail -n 1 "$OUT.time")
  CPU_LINE="$(cpu_split $((busy1 - busy0)) $((total1 - total0)) $((node1 - node0)) $((pg1 - pg0)) "$real" "$user" "$sys")"
  echo "cpu during the run (cores of $(nproc)): $CPU_LINE"
}

bench_field() { bench_value "$(grep '^BENCH' "$OUT")" "$1"; }
summary() {  # summary: sets SUMMARY ("p50, p99, errors" of the last run) and ERRORS
  local bench socket non2xx
  bench="$(grep '^BENCH' "$OUT")"
  socket="$(socket_errors "$bench")"
  non2xx="$(bench_field non2xx)"
  ERRORS=$((non2xx + socket))
  warn_if_incomplete "$bench" >&2
  SUMMARY="p50 $(ms "$(bench_field p50_us)"), p99 $(ms "$(bench_field p99_us)"), errors $ERRORS (non-2xx $non2xx, socket $socket)"
}

if (( WARMUP > 0 )); then
  section "warm-up: wrk -t$THREADS -c64 -d${WARMUP}s POST answers (JIT, connections, caches; only its summary is shown)"
  wrk -t"$THREADS" -c64 -d"${WARMUP}s" -s "$HERE/answers.lua" "$BASE" -- "$TOKENS" "$QUESTIONS" "$ANSWERS_PATH" \
    "$IDEMPOTENCY_KEYS" warmup | only_warmup_summary
fi

run=0
for conns in $CONNECTIONS; do
  section "measured run: wrk -t$THREADS -c$conns -d${DURATION}s POST $ANSWERS_PATH (Idempotency-Key: $( ((IDEMPOTENCY_KEYS)) && echo yes || echo no))"
  stored0="$(sql "SELECT count(*) FROM answer_events")"
  slow0="$(slow_commits)"
  sub0="$(metric learngrid_answers_submitted_total)"; bsum0="$(metric learngrid_answer_batch_size_sum)"
  bcnt0="$(metric learngrid_answer_batch_size_count)"
  run=$((run + 1))
  run_wrk answers "$conns" "$HERE/answers.lua" "$TOKENS" "$QUESTIONS" "$ANSWERS_PATH" "$IDEMPOTENCY_KEYS" "run$run"
  summary
  line="$SUMMARY"
  stored1="$(sql "SELECT count(*) FROM answer_events")"
  slow1="$(slow_commits)"
  sub1="$(metric learngrid_answers_submitted_total)"; bsum1="$(metric learngrid_answer_batch_size_sum)"
  bcnt1="$(metric learngrid_answer_batch_size_count)"
  requests="$(bench_field requests)"
  drain_start=$SECONDS
  until [[ "$(sql "SELECT count(*) FROM pending_events")" == 0 ]] || (( SECONDS - drain_start > 120 )); do sleep 0.2; done
  drained=$((SECONDS - drain_start))
  stored=$((stored1 - stored0))
  batches=$((bcnt1 - bcnt0))
  avg_batch="$(awk -v s=$((bsum1 - bsum0)) -v c=$batches 'BEGIN { printf "%.1f", (c > 0 ? s / c : 0) }')"
  stored_rate="$(awk -v n=$stored -v d="$(bench_field duration_us)" 'BEGIN { printf "%.1f", n / (d / 1e6) }')"
  commit_max="$(curl -sf --max-time 10 "$BASE/metrics" | awk '/^learngrid_answer_batch_duration_seconds_max/ { printf "%.0f", $NF * 1000 }')"
  echo "wrk counted $requests answers; PostgreSQL stored $stored events (+$((sub1 - sub0)) on learngrid_answers_submitted_total)" \
    "in $batches batches, $avg_batch answers per commit on average, $((slow1 - slow0)) commits slower than 100 ms," \
    "slowest of the last 2 min ${commit_max} ms;" \
    "the aggregator had folded everything $drained s after the run"
  (( stored >= requests - ERRORS )) || echo "WARNING: fewer stored events ($stored) than answers wrk counted ($requests)"
  RESULTS+=("RESULT answers c=$conns t=$THREADS d=${DURATION}s: $(bench_field rps) 202/s ($stored_rate stored/s), $line, $avg_batch answers/commit (slowest ${commit_max} ms), aggregator lag max ${MAX_LAG} s (drained ${drained} s after), cpu: $CPU_LINE, load avg $(cut -d' ' -f1 /proc/loadavg) (1 min) after")
done

if (( PROGRESS_CONNECTIONS > 0 )); then
  section "measured run: wrk -t$THREADS -c$PROGRESS_CONNECTIONS -d${DURATION}s GET /api/v1/me/progress"
  total="$(sql "SELECT count(*) FROM question_scores")"
  echo "question_scores rows: $total; one reply: $(curl -s --max-time 10 -H "Authorization: Bearer $(head -n 1 "$TOKENS")" "$BASE/api/v1/me/progress")"
  run_wrk progress "$PROGRESS_CONNECTIONS" "$HERE/progress.lua" "$TOKENS"
  summary
  line="$SUMMARY"
  RESULTS+=("RESULT progress c=$PROGRESS_CONNECTIONS t=$THREADS d=${DURATION}s: $(bench_field rps) req/s, $line, cpu: $CPU_LINE, load avg $(cut -d' ' -f1 /proc/loadavg) (1 min) after")
fi

section "result"
printf '%s\n' "${RESULTS[@]}"

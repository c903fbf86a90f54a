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
ROOT="$(cd "$HERE/.." && pwd)"

DURATION="${DURATION:-30}"
WARMUP="${WARMUP:-15}"
CONNECTIONS="${CONNECTIONS:-64 256}"
PROGRESS_CONNECTIONS="${PROGRESS_CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
STUDENTS="${STUDENTS:-500}"
IDEMPOTENCY_KEYS="${IDEMPOTENCY_KEYS:-0}"
READY_TIMEOUT="${READY_TIMEOUT:-180}"
JAR="${LEARNGRID_JAR:-$ROOT/verticles/target/learngrid.jar}"
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:-}"
KEEP_DATA="${KEEP_DATA:-0}"

die() { echo "bench: $*" >&2; exit 1; }
section() { printf '\n== %s\n' "$*"; }

for v in DURATION WARMUP PROGRESS_CONNECTIONS THREADS STUDENTS READY_TIMEOUT; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number, not '${!v}'"
done
for c in $CONNECTIONS; do
  [[ $c =~ ^[0-9]+$ ]] && (( c >= THREADS )) || die "CONNECTIONS must be whole numbers >= THREADS ($THREADS), not '$c'"
done
(( DURATION > 0 && THREADS > 0 && STUDENTS > 0 )) || die "DURATION, THREADS and STUDENTS must be positive"
[[ $IDEMPOTENCY_KEYS == 0 || $IDEMPOTENCY_KEYS == 1 ]] || die "IDEMPOTENCY_KEYS must be 0 or 1"
command -v curl >/dev/null || die "curl is required"

# --- tools: a JDK >= 21, the jar, wrk, psql --------------------------------------------------------
JAVA_HOME="$(. "$ROOT/.mvn/jdk.sh" >&2; echo "${JAVA_HOME:-}")" || die "no JDK >= 21 found"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

if [[ ! -f $JAR ]]; then
  echo "bench: $JAR is missing; building it (./mvnw -q -B package -DskipTests) ..." >&2
  (cd "$ROOT" && ./mvnw -q -B package -DskipTests) || die "build failed"
  [[ -f $JAR ]] || die "the build did not produce $JAR"
elif [[ -z ${LEARNGRID_JAR:-} ]] && [[ -n "$(find "$ROOT/pom.xml" "$ROOT/verticles/pom.xml" "$ROOT/verticles/src/main" \
          -newer "$JAR" -type f 2>/dev/null | head -n 1)" ]]; then
  echo "bench: warning: sources are newer than $JAR; benchmarking the existing jar (delete it to rebuild)" >&2
fi

apt_install() {  # apt_install COMMAND PACKAGE
  command -v "$1" >/dev/null && return 0
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "bench: installing $2 (apt-get) ..." >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2"; } >&2 || die "could not install $2"
  else
    die "$1 is not installed (Debian/Ubuntu: sudo apt-get install -y $2)"
  fi
}
apt_install wrk wrk
apt_install psql postgresql-client

# --- free loopback ports, a temp data dir --------------------------------------------------------
# Below the kernel's ephemeral range, so wrk's client sockets never take one before the node binds.
port_busy() {
  if command -v ss >/dev/null; then
    [[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}
PICKED_PORTS=" "
pick_port() {  # sets PORT
  local i p
  for ((i = 0; i < 500; i++)); do
    p=$((20000 + RANDOM % 12000))
    [[ $PICKED_PORTS == *" $p "* ]] && continue
    if ! port_busy "$p"; then
      PICKED_PORTS+="$p "
      PORT=$p
      return 0
    fi
  done
  die "no free port found"
}
pick_port; HTTP_PORT=$PORT
pick_port; PG_PORT=$PORT
pick_port; REDIS_PORT=$PORT
pick_port; AI_PORT=$PORT

WORK="$(mktemp -d "${TMPDIR:-/tmp}/learngrid-bench-answers.XXXXXX")"
DATA="$WORK/data"
NODE_LOG="$WORK/node.log"
BASE="http://127.0.0.1:$HTTP_PORT"
PG_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
NODE_PID=""
SAMPLER_PID=""

# --- always stop the node ------------------------------------------------------------------------
stop_node() {
  [[ -n $NODE_PID ]] || return 0
  if kill -0 "$NODE_PID" 2>/dev/null; then
    section "stopping the node (pid $NODE_PID, SIGTERM: its shutdown hook stops PostgreSQL and Redis)"
    kill -TERM "$NODE_PID" 2>/dev/null || true
    local i
    for ((i = 0; i < 120; i++)); do   # up to 60 s
      kill -0 "$NODE_PID" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$NODE_PID" 2>/dev/null; then
      echo "node did not stop within 60 s: SIGKILL, then stopping its PostgreSQL and Redis directly"
      kill -KILL "$NODE_PID" 2>/dev/null || true
      wait "$NODE_PID" 2>/dev/null || true
      if [[ -x $DATA/pg-bin/bin/pg_ctl && -f $DATA/pg/postmaster.pid ]]; then
        local unshare=()
        [[ $(id -u) -eq 0 ]] && unshare=(unshare --user)
        ${unshare[@]+"${unshare[@]}"} "$DATA/pg-bin/bin/pg_ctl" -D "$DATA/pg" -m immediate -w stop >/dev/null 2>&1 || true
      fi
      local pid
      for pid in $(ss -Hltnp "sport = :$REDIS_PORT" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); do
        kill -TERM "$pid" 2>/dev/null || true
      done
    fi
  fi
  local rc=0
  wait "$NODE_PID" 2>/dev/null || rc=$?
  echo "node exited with status $rc$( ((rc == 143)) && echo ' (128+SIGTERM: the JVM'"'"'s normal exit on SIGTERM)')"
  NODE_PID=""
}

scan_logs() {
  [[ -f $NODE_LOG ]] || return 0
  [[ -f $DATA/pg.log ]] && cp "$DATA/pg.log" "$WORK/postgres.log"
  section "node log: WARNING/SEVERE lines ($NODE_LOG)"
  grep -E ' (WARNING|SEVERE) |Exception|OutOfMemory' "$NODE_LOG" | sort | uniq -c | sort -rn | head -n 40 || echo "(none)"
  if [[ -f $WORK/postgres.log ]]; then
    section "PostgreSQL log: WARNING/ERROR/FATAL lines ($WORK/postgres.log)"
    grep -E '(WARNING|ERROR|FATAL|PANIC):' "$WORK/postgres.log" | head -n 20 || echo "(none)"
  fi
}

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  if [[ -n $SAMPLER_PID ]]; then
    kill "$SAMPLER_PID" 2>/dev/null
    wait "$SAMPLER_PID" 2>/dev/null
  fi
  stop_node
  scan_logs
  if [[ $KEEP_DATA == 1 ]]; then
    echo "kept: $WORK"
  else
    rm -rf "$DATA"
    echo "logs kept in $WORK (data dir removed; KEEP_DATA=1 keeps it)"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- helpers -------------------------------------------------------------------------------------
json_field() {  # json_field NAME < flat JSON: the string value of "NAME"
  sed -n "s/.*\"$1\" *: *\"\\([^\"]*\\)\".*/\\1/p" | head -n 1
}

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

# CPU in clock ticks: the whole machine (busy, total), and one process with its direct children.
cpu_machine() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat; }
cpu_proc() {
  local pid total=0 f
  for pid in "$1" $(cat "/proc/$1/task/"*/children 2>/dev/null); do
    f="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
    f="${f##*) }"   # drop "pid (comm) "; field 14 (utime) is word 12 of the rest
    set -- $f
    total=$((total + ${12} + ${13}))
  done
  echo "$total"
}
# PostgreSQL is detached from the node by pg_ctl: its postmaster and backends are counted apart.
pg_pid() { head -n 1 "$DATA/pg/postmaster.pid" 2>/dev/null || echo 0; }

# --- the machine -----------------------------------------------------------------------------------
section "machine"
echo "date:     $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "cpus:     $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "memory:   $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
echo "kernel:   $(uname -srm)"
echo "disk:     $(df -h "$WORK" | awk 'NR == 2 { print $1 " (" $2 ", mounted on " $6 ")" }')"
echo "java:     $("$JAVA" -version 2>&1 | tr '\n' ' ' | sed 's/ *$//')"
echo "wrk:      $( (wrk -v 2>&1 || true) | head -n 1)"
echo "commit:   $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$( [[ -n "$(git -C "$ROOT" status --porcelain -- verticles pom.xml 2>/dev/null)" ]] && echo ' (+ uncommitted changes)')"
echo "jar:      $JAR ($(date -u -r "$JAR" +%Y-%m-%dT%H:%M:%SZ))"
echo "load:     $(uptime)"
echo "busiest processes (ps %CPU = average over each process's lifetime):"
{ ps -eo pid,pcpu,etime,comm --sort=-pcpu | head -n 6 | sed 's/^/  /'; } || true

# --- start the node ------------------------------------------------------------------------------
section "starting the dev node"
mkdir -p "$DATA"
echo "http $BASE, postgres :$PG_PORT, redis :$REDIS_PORT, ai simulator :$AI_PORT"
echo "data $DATA, log $NODE_LOG, access log and rate limits off, JVM options: ${BENCH_JAVA_OPTS:-(none)}"
echo "node settings from the environment: $(env | grep -o '^LEARNGRID_[A-Z_]*=[^ ]*' | grep -v -e JAR -e SECRET -e PASSWORD | tr '\n' ' ')"
SETSID=()
command -v setsid >/dev/null && SETSID=(setsid)
# A cluster name of its own, so the node never joins another dev node on this machine.
# shellcheck disable=SC2086  # BENCH_JAVA_OPTS is a list of options
${SETSID[@]+"${SETSID[@]}"} env LEARNGRID_HTTP_HOST=127.0.0.1 \
    LEARNGRID_HTTP_PORT="$HTTP_PORT" \
    LEARNGRID_DEV_PG_PORT="$PG_PORT" \
    LEARNGRID_DEV_REDIS_PORT="$REDIS_PORT" \
    LEARNGRID_DEV_AI_PORT="$AI_PORT" \
    LEARNGRID_DATA_DIR="$DATA" \
    LEARNGRID_ACCESS_LOG=off \
    LEARNGRID_RATE_LIMITS=off \
    LEARNGRID_CLUSTER_NAME="bench-answers-$$" \
    LEARNGRID_ACCESS_TOKEN_SECONDS=86400 \
    LEARNGRID_BCRYPT_COST="${LEARNGRID_BCRYPT_COST:-4}" \
    "$JAVA" $BENCH_JAVA_OPTS -jar "$JAR" dev >"$NODE_LOG" 2>&1 &
NODE_PID=$!

started=$SECONDS
until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/health/ready" 2>/dev/null)" == 200 ]]; do
  if ! kill -0 "$NODE_PID" 2>/dev/null; then
    tail -n 30 "$NODE_LOG" >&2
    die "the node exited during start (log above)"
  fi
  if (( SECONDS - started >= READY_TIMEOUT )); then
    tail -n 30 "$NODE_LOG" >&2
    die "the node was not ready within ${READY_TIMEOUT}s (log above)"
  fi
  sleep 0.5
done
echo "ready after $((SECONDS - started)) s: $(curl -s --max-time 5 "$BASE/health/ready")"
sql "SHOW fsync" | sed 's/^/postgres fsync: /'
sql "SHOW synchronous_commit" | sed 's/^/postgres synchronous_commit: /'

# --- students, a course, an assignment --------------------------------------------------------------
section "setup: $STUDENTS students (register + login over HTTP), a course, a 20-question assignment, enrollments"
TEACHER="$(curl -sf --max-time 10 -H 'Content-Type: application/json' \
  -d '{"email":"teacher@learngrid.dev","password":"demo-password"}' "$BASE/api/v1/auth/login" | json_field accessToken)"
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
  kill "$SAMPLER_PID" 2>/dev/null || true
  wait "$SAMPLER_PID" 2>/dev/null || true
  SAMPLER_PID=""
  grep -v '^BENCH' "$OUT"
  cat "$OUT.err" >&2
  echo "load after:  $(uptime)"
  echo "every 2 s during the run (load 1/5/15 min; answer events not yet aggregated):"
  cat "$samples"
  MAX_LAG="$(grep -o 'oldest [0-9.]*' "$samples" | awk '{ if ($2 > m) m = $2 } END { printf "%.2f", m + 0 }')"
  local real user sys
  read -r real user sys < <(tail -n 1 "$OUT.time")
  CPU_LINE="$(awk -v b=$((busy1 - busy0)) -v t=$((total1 - total0)) -v n=$((node1 - node0)) -v p=$((pg1 - pg0)) \
      -v hz="$(getconf CLK_TCK)" -v wu="$user" -v ws="$sys" -v real="$real" -v cpus="$(nproc)" 'BEGIN {
    if (t <= 0 || real <= 0) exit
    machine = b / t * cpus; node = n / hz / real; pg = p / hz / real; w = (wu + ws) / real
    other = machine - node - pg - w; if (other < 0) other = 0
    printf "machine busy %.2f = node %.2f + postgres %.2f + wrk %.2f + others %.2f", machine, node, pg, w, other }')"
  echo "cpu during the run (cores of $(nproc)): $CPU_LINE"
}

bench_field() { sed -n "s/.* $1=\\([^ ]*\\).*/\\1/p" <<<" $(grep '^BENCH' "$OUT")"; }
ms() { awk -v us="$1" 'BEGIN { printf "%.2f ms", us / 1000 }'; }
summary() {  # summary: sets SUMMARY ("p50, p99, errors" of the last run) and ERRORS
  local socket non2xx
  socket=$(( $(bench_field connect) + $(bench_field read) + $(bench_field write) + $(bench_field timeout) ))
  non2xx="$(bench_field non2xx)"
  ERRORS=$((non2xx + socket))
  local ran
  ran="$(awk -v us="$(bench_field duration_us)" 'BEGIN { printf "%.1f", us / 1e6 }')"
  if awk -v r="$ran" -v d="$DURATION" 'BEGIN { exit !(r < 0.9 * d) }'; then
    echo "INCOMPLETE: wrk ran ${ran}s of ${DURATION}s (interrupted); do not record this result" >&2
  fi
  SUMMARY="p50 $(ms "$(bench_field p50_us)"), p99 $(ms "$(bench_field p99_us)"), errors $ERRORS (non-2xx $non2xx, socket $socket)"
}

if (( WARMUP > 0 )); then
  section "warm-up: wrk -t$THREADS -c64 -d${WARMUP}s POST answers (JIT, connections, caches; only its summary is shown)"
  wrk -t"$THREADS" -c64 -d"${WARMUP}s" -s "$HERE/answers.lua" "$BASE" -- "$TOKENS" "$QUESTIONS" "$ANSWERS_PATH" \
    "$IDEMPOTENCY_KEYS" warmup | { grep '^BENCH' || true; } | sed 's/^BENCH/warm-up:/'
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

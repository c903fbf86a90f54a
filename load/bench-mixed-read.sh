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
ROOT="$(cd "$HERE/.." && pwd)"
LUA="$HERE/mixed-read.lua"

DURATION="${DURATION:-30}"
WARMUP="${WARMUP:-10}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
COURSES="${COURSES:-20}"
STUDENTS="${STUDENTS:-50}"
READY_TIMEOUT="${READY_TIMEOUT:-180}"
JAR="${LEARNGRID_JAR:-$ROOT/verticles/target/learngrid.jar}"
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:-}"
KEEP_DATA="${KEEP_DATA:-0}"
NEAR_CACHE="${NEAR_CACHE:-on}"
case $NEAR_CACHE in
  on) NEAR_ENTRIES=10000 ;;
  off) NEAR_ENTRIES=0 ;;
  *) echo "bench: NEAR_CACHE must be on or off, not '$NEAR_CACHE'" >&2; exit 1 ;;
esac

die() { echo "bench: $*" >&2; exit 1; }
section() { printf '\n== %s\n' "$*"; }

for v in DURATION WARMUP CONNECTIONS THREADS READY_TIMEOUT COURSES STUDENTS; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number, not '${!v}'"
done
(( DURATION > 0 && CONNECTIONS > 0 && THREADS > 0 && COURSES > 0 && STUDENTS > 0 )) \
  || die "DURATION, CONNECTIONS, THREADS, COURSES and STUDENTS must be positive"
(( CONNECTIONS >= THREADS )) || die "CONNECTIONS ($CONNECTIONS) must be >= THREADS ($THREADS) for wrk"
command -v curl >/dev/null || die "curl is required"
command -v python3 >/dev/null || die "python3 is required (to read the API's JSON replies)"
json() { python3 -c "import sys,json; print(json.load(sys.stdin)$1)"; }

# --- tools: a JDK >= 21 (the same choice as ./mvnw and ./learngrid), the jar, wrk -------------
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

if ! command -v wrk >/dev/null; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "bench: installing wrk (apt-get) ..." >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; } >&2 \
      || die "could not install wrk"
  else
    die "wrk is not installed (Debian/Ubuntu: sudo apt-get install -y wrk)"
  fi
fi

# --- free loopback ports, a temp data dir --------------------------------------------------------
# Ports below the kernel's ephemeral range (usually 32768+), so wrk's own client sockets never
# take one between our check and the node's bind.
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

WORK="$(mktemp -d "${TMPDIR:-/tmp}/learngrid-bench.XXXXXX")"
DATA="$WORK/data"
NODE_LOG="$WORK/node.log"
BASE="http://127.0.0.1:$HTTP_PORT"
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

# --- the machine -----------------------------------------------------------------------------------
section "machine"
echo "date:     $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "cpus:     $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "memory:   $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
echo "kernel:   $(uname -srm)"
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
echo "data $DATA, log $NODE_LOG, access log and rate limits off, near cache $NEAR_CACHE, JVM options: ${BENCH_JAVA_OPTS:-(none)}"
# The node gets a session of its own (setsid), so a Ctrl-C on this script's terminal reaches wrk
# and this script but not the node's redis-server child: the EXIT trap stops the node in order.
SETSID=()
command -v setsid >/dev/null && SETSID=(setsid)
# shellcheck disable=SC2086  # BENCH_JAVA_OPTS is a list of options
${SETSID[@]+"${SETSID[@]}"} env LEARNGRID_HTTP_HOST=127.0.0.1 \
    LEARNGRID_HTTP_PORT="$HTTP_PORT" \
    LEARNGRID_DEV_PG_PORT="$PG_PORT" \
    LEARNGRID_DEV_REDIS_PORT="$REDIS_PORT" \
    LEARNGRID_DEV_AI_PORT="$AI_PORT" \
    LEARNGRID_DATA_DIR="$DATA" \
    LEARNGRID_ACCESS_LOG=off \
    LEARNGRID_RATE_LIMITS=off \
    LEARNGRID_CLUSTER_NAME="bench-mixed-read-$$" \
    LEARNGRID_NEAR_CACHE_MAX_ENTRIES="$NEAR_ENTRIES" \
    LEARNGRID_ACCESS_TOKEN_SECONDS=86400 \
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

# --- courses, assignments, students -------------------------------------------------------------
section "test data: $COURSES courses with one assignment each, $STUDENTS students enrolled in every course"
api() {  # api METHOD PATH TOKEN [BODY]: the reply body; fails on a non-2xx status
  curl -sf --max-time 10 -X "$1" -H "Authorization: Bearer $3" -H 'Content-Type: application/json' \
    ${4:+-d "$4"} "$BASE$2"
}
TEACHER="$(curl -sf --max-time 10 -H 'Content-Type: application/json' \
  -d '{"email":"teacher@learngrid.dev","password":"demo-password"}' "$BASE/api/v1/auth/login" | json_field accessToken)"
[[ -n $TEACHER ]] || die "login as teacher@learngrid.dev failed"
QUESTIONS='[{"prompt":"1+1?","kind":"number","answer":2,"points":1},{"prompt":"2+2?","kind":"number","answer":4,"points":1},{"prompt":"3+3?","kind":"number","answer":6,"points":1},{"prompt":"Capital of France?","kind":"text","answer":"Paris","points":1},{"prompt":"Pick a","kind":"choice","choices":["a","b"],"answer":"a","points":1}]'
declare -a COURSE_IDS ASSIGNMENT_IDS QUESTION_IDS
for ((c = 0; c < COURSES; c++)); do
  id="$(api POST /api/v1/courses "$TEACHER" "{\"title\":\"Mixed $c\",\"subject\":\"load\",\"description\":\"bench-mixed-read.sh\"}" \
    | json '["id"]')" || die "creating course $c failed"
  reply="$(api POST "/api/v1/courses/$id/assignments" "$TEACHER" "{\"title\":\"Quiz $c\",\"questions\":$QUESTIONS}")" \
    || die "creating the assignment of course $c failed"
  COURSE_IDS+=("$id")
  ASSIGNMENT_IDS+=("$(json '["id"]' <<<"$reply")")
  QUESTION_IDS+=("$(json '["questions"][0]["id"]' <<<"$reply")")
done
PLAN="$WORK/plan.txt"   # one line per (student, course): token course assignment question
: >"$PLAN"
for ((s = 0; s < STUDENTS; s++)); do
  email="mixed-$s-$$@load.learngrid"
  curl -sf --max-time 10 -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"load-password\",\"displayName\":\"Load $s\"}" "$BASE/api/v1/auth/register" \
    || die "registering student $s failed"
  token="$(curl -sf --max-time 10 -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"load-password\"}" "$BASE/api/v1/auth/login" | json_field accessToken)"
  sid="$(api GET /api/v1/me "$token" | json '["id"]')"
  for ((c = 0; c < COURSES; c++)); do
    api POST "/api/v1/courses/${COURSE_IDS[c]}/enrollments" "$TEACHER" "{\"studentId\":\"$sid\"}" >/dev/null \
      || die "enrolling student $s failed"
    echo "$token ${COURSE_IDS[c]} ${ASSIGNMENT_IDS[c]} ${QUESTION_IDS[c]}" >>"$PLAN"
  done
done
echo "$(wc -l <"$PLAN") (student, course) pairs in $PLAN"

kind_counts() {  # lines "kind hit lookup" from learngrid_cache_requests_total (hits at any level; lookups end at a hit or at Redis)
  curl -sf --max-time 10 "$BASE/metrics" | awk '
    /^learngrid_cache_requests_total\{/ {
      k = $0; sub(/.*kind="/, "", k); sub(/".*/, "", k)
      r = $0; sub(/.*result="/, "", r); sub(/".*/, "", r)
      l = $0; sub(/.*level="/, "", l); sub(/".*/, "", l)
      if (r == "hit") { hit[k] += $NF; all[k] += $NF } else if (l == "redis") all[k] += $NF }
    END { for (k in all) printf "%s %d %d\n", k, hit[k], all[k] }' | sort
}

if (( WARMUP > 0 )); then
  section "warm-up: wrk -t$THREADS -c$CONNECTIONS -d${WARMUP}s (only its summary is shown)"
  PLAN="$PLAN" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$LUA" "$BASE" | { grep '^BENCH' || true; } | sed 's/^BENCH/warm-up:/'
fi

section "measured run: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency, mixed plan"
kind_counts >"$WORK/cache-before.txt"
WRK_OUT="$WORK/wrk.txt"
PLAN="$PLAN" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$LUA" "$BASE" >"$WRK_OUT"
kind_counts >"$WORK/cache-after.txt"
grep -v '^BENCH' "$WRK_OUT"

section "cache hit ratio during the run, per kind (a hit at the near or the Redis level / all lookups)"
RATIO="$(join -a 2 -e 0 -o 0,1.2,1.3,2.2,2.3 "$WORK/cache-before.txt" "$WORK/cache-after.txt" | awk '
  { h = $4 - $2; n = $5 - $3; H += h; N += n
    if (n > 0) printf "  %-12s %9d hits / %9d lookups = %6.2f%%\n", $1, h, n, 100 * h / n > "/dev/stderr" }
  END { if (N > 0) printf "%.2f%%", 100 * H / N; else print "n/a" }')"
echo "  overall: $RATIO"

BENCH="$(grep '^BENCH' "$WRK_OUT" || true)"
[[ -n $BENCH ]] || die "wrk printed no summary (see $WRK_OUT)"
field() { sed -n "s/.* $1=\\([^ ]*\\).*/\\1/p" <<<" $BENCH"; }
ms() { awk -v us="$1" 'BEGIN { printf "%.2f ms", us / 1000 }'; }
section "result"
echo "RESULT mixed-read near-cache=$NEAR_CACHE c=$CONNECTIONS t=$THREADS d=${DURATION}s courses=$COURSES students=$STUDENTS:" \
  "$(field rps) req/s, p50 $(ms "$(field p50_us)"), p99 $(ms "$(field p99_us)"), non-2xx $(field non2xx)," \
  "cache hit ratio $RATIO"

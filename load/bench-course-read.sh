#!/usr/bin/env bash
# Benchmark: the cached read GET /api/v1/courses/{id} on one dev node (see load/README.md).
#
#   load/bench-course-read.sh                      # 30 s at 64 connections, 2 wrk threads
#   DURATION=60 CONNECTIONS=128 load/bench-course-read.sh
#   NEAR_CACHE=off load/bench-course-read.sh       # every read goes to Redis (no near cache)
#
# Starts `learngrid.jar dev` on free loopback ports with a fresh temp data dir and the access log
# off, logs in as the demo teacher, creates one course, reads it once (the miss that fills Redis),
# warms up with wrk, then measures with wrk. Prints the machine, the load average around the run,
# wrk's output, the cache counters from /metrics, and one RESULT line. The node is always stopped.
#
# Settings (environment):
#   DURATION       measured run in seconds (default 30)
#   WARMUP         warm-up run in seconds (default 10; 0 skips it)
#   CONNECTIONS    wrk connections (default 64)
#   THREADS        wrk threads (default 2)
#   NEAR_CACHE     on (default) or off: the node's in-process near cache in front of Redis
#                  (off sets LEARNGRID_NEAR_CACHE_MAX_ENTRIES=0)
#   READY_TIMEOUT  seconds to wait for /health/ready (default 180)
#   LEARNGRID_JAR  the jar to run (default verticles/target/learngrid.jar, built if missing)
#   BENCH_JAVA_OPTS  extra JVM options for the node (default none)
#   KEEP_DATA=1    keep the node's temp data dir (PostgreSQL, Redis) after the run
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
LUA="$HERE/course-read.lua"

DURATION="${DURATION:-30}"
WARMUP="${WARMUP:-10}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
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

for v in DURATION WARMUP CONNECTIONS THREADS READY_TIMEOUT; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number of seconds/connections/threads, not '${!v}'"
done
(( DURATION > 0 && CONNECTIONS > 0 && THREADS > 0 )) || die "DURATION, CONNECTIONS and THREADS must be positive"
(( CONNECTIONS >= THREADS )) || die "CONNECTIONS ($CONNECTIONS) must be >= THREADS ($THREADS) for wrk"
command -v curl >/dev/null || die "curl is required"

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

cache_counts() {  # hit miss error of learngrid_cache_requests_total{kind="course"}, over both levels:
  # a hit at either level is a hit; a near miss goes on to Redis, so only Redis misses and errors count.
  curl -sf --max-time 10 "$BASE/metrics" | awk '
    /^learngrid_cache_requests_total\{/ && /kind="course"/ {
      r = $0; sub(/.*result="/, "", r); sub(/".*/, "", r)
      l = $0; sub(/.*level="/, "", l); sub(/".*/, "", l)
      if (r == "hit" || l == "redis") v[r] += $NF }
    END { printf "%d %d %d\n", v["hit"], v["miss"], v["error"] }'
}

show_counts() {  # show_counts LABEL hit miss error
  printf '%-28s hit=%d miss=%d error=%d\n' "$1" "$2" "$3" "$4"
}

# CPU accounting over the measured run, in clock ticks: whole machine (busy, total) and the node
# (java plus its children, i.e. redis-server; PostgreSQL is detached by pg_ctl but idle on hits).
cpu_machine() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat; }
cpu_proc() {  # utime+stime of a pid and its direct children
  local pid total=0 f
  for pid in "$1" $(cat "/proc/$1/task/"*/children 2>/dev/null); do
    f="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
    f="${f##*) }"   # drop "pid (comm) "; field 14 (utime) is word 12 of the rest
    set -- $f
    total=$((total + ${12} + ${13}))
  done
  echo "$total"
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
    LEARNGRID_CLUSTER_NAME="bench-course-read-$$" \
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

# --- a user and a course ----------------------------------------------------------------------------
TOKEN="$(curl -sf --max-time 10 -H 'Content-Type: application/json' \
  -d '{"email":"teacher@learngrid.dev","password":"demo-password"}' "$BASE/api/v1/auth/login" | json_field accessToken)"
[[ -n $TOKEN ]] || die "login as teacher@learngrid.dev failed"
COURSE_ID="$(curl -sf --max-time 10 -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"title":"Benchmark course","subject":"load","description":"Created by load/bench-course-read.sh"}' \
  "$BASE/api/v1/courses" | json_field id)"
[[ -n $COURSE_ID ]] || die "creating a course failed"
URL="$BASE/api/v1/courses/$COURSE_ID"
AUTH="Authorization: Bearer $TOKEN"

read -r h0 m0 e0 < <(cache_counts)
first="$(curl -s -o /dev/null -w '%{http_code} %{size_download}' --max-time 10 -H "$AUTH" "$URL")"
sleep 0.5   # the cache fill after a miss is asynchronous
second="$(curl -s -o /dev/null -w '%{http_code} %{size_download}' --max-time 10 -H "$AUTH" "$URL")"
read -r h1 m1 e1 < <(cache_counts)
echo "course $COURSE_ID: first read $first (status, bytes), second read $second;" \
  "cache counters moved hit +$((h1 - h0)) miss +$((m1 - m0)) error +$((e1 - e0))"
[[ $first == 200\ * && $second == 200\ * ]] || die "GET $URL did not answer 200"

# --- warm-up -------------------------------------------------------------------------------------
if (( WARMUP > 0 )); then
  section "warm-up: wrk -t$THREADS -c$CONNECTIONS -d${WARMUP}s (JIT, connections, cache; only its summary is shown)"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -H "$AUTH" -s "$LUA" "$URL" | { grep '^BENCH' || true; } | sed 's/^BENCH/warm-up:/'
fi

# --- measured run --------------------------------------------------------------------------------
section "measured run: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency GET /api/v1/courses/{id}"
read -r hb mb eb < <(cache_counts)
show_counts "cache before the run:" "$hb" "$mb" "$eb"
LOAD_BEFORE="$(uptime)"
echo "load before: $LOAD_BEFORE"
( while sleep 5; do echo "  $(date -u +%H:%M:%S) $(cut -d' ' -f1-3 /proc/loadavg)"; done ) >"$WORK/loadavg.txt" &
SAMPLER_PID=$!
read -r busy0 total0 < <(cpu_machine)
node0="$(cpu_proc "$NODE_PID")"
WRK_OUT="$WORK/wrk.txt"
TIMEFORMAT='%R %U %S'
{ time wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "$AUTH" -s "$LUA" "$URL" >"$WRK_OUT" 2>"$WORK/wrk.err"; } 2>"$WORK/wrk-time.txt"
read -r busy1 total1 < <(cpu_machine)
node1="$(cpu_proc "$NODE_PID")"
kill "$SAMPLER_PID" 2>/dev/null || true
wait "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=""
LOAD_AFTER="$(uptime)"
read -r ha ma ea < <(cache_counts)

grep -v '^BENCH' "$WRK_OUT"
echo "load after:  $LOAD_AFTER"
echo "load average every 5 s during the run (1/5/15 min):"
cat "$WORK/loadavg.txt"

# CPU split over the run, in cores (of $(nproc)).
cat "$WORK/wrk.err" >&2
read -r wrk_real wrk_user wrk_sys < <(tail -n 1 "$WORK/wrk-time.txt")
ticks="$(getconf CLK_TCK)"
awk -v b=$((busy1 - busy0)) -v t=$((total1 - total0)) -v n=$((node1 - node0)) -v hz="$ticks" \
    -v wu="$wrk_user" -v ws="$wrk_sys" -v real="$wrk_real" -v cpus="$(nproc)" 'BEGIN {
  if (t <= 0 || real <= 0) exit
  machine = b / t * cpus; node = n / hz / real; w = (wu + ws) / real; other = machine - node - w
  if (other < 0) other = 0
  printf "cpu during the run (cores of %d): machine busy %.2f = node %.2f + wrk %.2f + others %.2f\n",
    cpus, machine, node, w, other }'

show_counts "cache after the run:" "$ha" "$ma" "$ea"
dh=$((ha - hb)); dm=$((ma - mb)); de=$((ea - eb))
RATIO="$(awk -v h=$dh -v m=$dm -v e=$de 'BEGIN { t = h + m + e; if (t > 0) printf "%.2f%%", 100 * h / t; else print "n/a" }')"
show_counts "cache during the run:" "$dh" "$dm" "$de"
echo "hit ratio during the run: $RATIO"

# --- one-line summary ----------------------------------------------------------------------------
BENCH="$(grep '^BENCH' "$WRK_OUT" || true)"
[[ -n $BENCH ]] || die "wrk printed no summary (see $WRK_OUT)"
field() { sed -n "s/.* $1=\\([^ ]*\\).*/\\1/p" <<<" $BENCH"; }
ms() { awk -v us="$1" 'BEGIN { printf "%.2f ms", us / 1000 }'; }
socket=$(( $(field connect) + $(field read) + $(field write) + $(field timeout) ))
non2xx="$(field non2xx)"
ran_s="$(awk -v us="$(field duration_us)" 'BEGIN { printf "%.1f", us / 1e6 }')"
section "result"
if awk -v r="$ran_s" -v d="$DURATION" 'BEGIN { exit !(r < 0.9 * d) }'; then
  echo "INCOMPLETE: wrk ran ${ran_s}s of ${DURATION}s (interrupted); do not record this result"
fi
echo "RESULT course-read near-cache=$NEAR_CACHE c=$CONNECTIONS t=$THREADS d=${DURATION}s: $(field rps) req/s," \
  "p50 $(ms "$(field p50_us)"), p99 $(ms "$(field p99_us)"), errors $((non2xx + socket))" \
  "(non-2xx $non2xx, socket $socket), cache hit ratio $RATIO, load avg $(cut -d' ' -f1 /proc/loadavg) (1 min) after"

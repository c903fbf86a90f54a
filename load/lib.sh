# shellcheck shell=bash
# What the single-node benchmarks in load/ share: settings, tools, free ports, a dev node that is
# started on them and always stopped, the machine report, and the parsing of wrk's BENCH line.
# Sourced, not run: each bench-*.sh sets `set -euo pipefail`, then `. "$HERE/lib.sh"`.
#
# Settings every script reads (environment): READY_TIMEOUT (180), LEARNGRID_JAR, BENCH_JAVA_OPTS,
# KEEP_DATA (0). Any other LEARNGRID_* variable in the environment reaches the node unchanged.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
READY_TIMEOUT="${READY_TIMEOUT:-180}"
JAR="${LEARNGRID_JAR:-$ROOT/verticles/target/learngrid.jar}"
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:-}"
KEEP_DATA="${KEEP_DATA:-0}"
NODE_PID=""
SAMPLER_PID=""
HELPER_PIDS=()   # other processes a script started (a standalone simulator): stopped after the node

die() { echo "bench: $*" >&2; exit 1; }
section() { printf '\n== %s\n' "$*"; }

require_whole_numbers() {  # require_whole_numbers NAME...: each named variable holds digits only
  local v
  for v in "$@"; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number, not '${!v}'"
  done
}

# shellcheck disable=SC2034  # NEAR_ENTRIES is for the calling script
near_cache_entries() {  # NEAR_CACHE (on|off, default on) -> NEAR_ENTRIES for LEARNGRID_NEAR_CACHE_MAX_ENTRIES
  NEAR_CACHE="${NEAR_CACHE:-on}"
  case $NEAR_CACHE in
    on) NEAR_ENTRIES=10000 ;;
    off) NEAR_ENTRIES=0 ;;   # every read goes to Redis through the cache role
    *) die "NEAR_CACHE must be on or off, not '$NEAR_CACHE'" ;;
  esac
}

# --- tools -----------------------------------------------------------------------------------------
find_java() {  # sets JAVA: a JDK >= 21, the same choice as ./mvnw and ./learngrid make
  JAVA_HOME="$(. "$ROOT/.mvn/jdk.sh" >&2; echo "${JAVA_HOME:-}")" || die "no JDK >= 21 found"
  JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
}

# Builds the jar when it is missing. A stale jar is only warned about: rebuilding it here would
# benchmark whatever the working tree holds at that moment.
ensure_jar() {
  if [[ ! -f $JAR ]]; then
    echo "bench: $JAR is missing; building it (./mvnw -q -B package -DskipTests) ..." >&2
    (cd "$ROOT" && ./mvnw -q -B package -DskipTests) || die "build failed"
    [[ -f $JAR ]] || die "the build did not produce $JAR"
  elif [[ -z ${LEARNGRID_JAR:-} ]] && [[ -n "$(find "$ROOT/pom.xml" "$ROOT/verticles/pom.xml" "$ROOT/verticles/src/main" \
            -newer "$JAR" -type f 2>/dev/null | head -n 1)" ]]; then
    echo "bench: warning: sources are newer than $JAR; benchmarking the existing jar (delete it to rebuild)" >&2
  fi
}

apt_install() {  # apt_install COMMAND PACKAGE: installs PACKAGE when COMMAND is missing and we are root
  command -v "$1" >/dev/null && return 0
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "bench: installing $2 (apt-get) ..." >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2"; } >&2 || die "could not install $2"
  else
    die "$1 is not installed (Debian/Ubuntu: sudo apt-get install -y $2)"
  fi
}

# --- free loopback ports, a temp dir ---------------------------------------------------------------
port_busy() {
  if command -v ss >/dev/null; then
    [[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

PICKED_PORTS=" "
pick_port() {  # sets PORT: a free port not picked before
  # Below the kernel's ephemeral range (usually 32768+), so wrk's own client sockets never take
  # one between our check and the node's bind.
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

pick_node_ports() {  # sets HTTP_PORT, PG_PORT, REDIS_PORT, AI_PORT, SMTP_PORT and BASE, the node's URL
  pick_port; HTTP_PORT=$PORT
  pick_port; PG_PORT=$PORT
  pick_port; REDIS_PORT=$PORT
  pick_port; AI_PORT=$PORT
  pick_port; SMTP_PORT=$PORT
  BASE="http://127.0.0.1:$HTTP_PORT"
}

make_work_dir() {  # make_work_dir NAME: sets WORK (/tmp/NAME.XXXXXX, kept), DATA (its data dir), NODE_LOG
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")"
  DATA="$WORK/data"
  NODE_LOG="$WORK/node.log"
}

# --- the machine -----------------------------------------------------------------------------------
# shellcheck disable=SC2120  # DIR is optional
print_machine() {  # print_machine [DIR]: what a reader needs to judge a figure; DIR adds its disk
  section "machine"
  echo "date:     $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpus:     $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory:   $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "kernel:   $(uname -srm)"
  if [[ -n ${1:-} ]]; then
    echo "disk:     $(df -h "$1" | awk 'NR == 2 { print $1 " (" $2 ", mounted on " $6 ")" }')"
  fi
  echo "java:     $("$JAVA" -version 2>&1 | tr '\n' ' ' | sed 's/ *$//')"
  if command -v wrk >/dev/null; then
    echo "wrk:      $( (wrk -v 2>&1 || true) | head -n 1)"
  fi
  echo "commit:   $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$( [[ -n "$(git -C "$ROOT" status --porcelain -- verticles pom.xml 2>/dev/null)" ]] && echo ' (+ uncommitted changes)')"
  echo "jar:      $JAR ($(date -u -r "$JAR" +%Y-%m-%dT%H:%M:%SZ))"
  echo "load:     $(uptime)"
  echo "busiest processes (ps %CPU = average over each process's lifetime):"
  { ps -eo pid,pcpu,etime,comm --sort=-pcpu | head -n 6 | sed 's/^/  /'; } || true
}

print_node_env() {  # the LEARNGRID_* settings this shell passes on to the node (no secrets)
  echo "node settings from the environment: $(env | grep -o '^LEARNGRID_[A-Z_]*=[^ ]*' | grep -v -e JAR -e SECRET -e PASSWORD -e KEY | tr '\n' ' ')"
}

# --- the node --------------------------------------------------------------------------------------
# start_node NAME [VAR=VALUE...]: `learngrid.jar dev` in the background on the picked ports, with
# NODE_PREFIX (if set) before the java command (e.g. `taskset -c 0`), and
# DATA as its data dir, the access log off, rate limits off (LIMITS=on: on, with budgets too high
# to refuse, so that their cost is measured, not their refusals), and a cluster name of its own (so it
# never joins another dev node on this machine); VAR=VALUE adds or overrides node settings.
# Sets NODE_PID.
start_node() {
  local name=$1
  shift
  mkdir -p "$DATA"
  # A session of its own (setsid), so a Ctrl-C on this script's terminal reaches wrk and this
  # script but not the node's redis-server child: the EXIT trap stops the node in order.
  local setsid=()
  command -v setsid >/dev/null && setsid=(setsid)
  # shellcheck disable=SC2086  # BENCH_JAVA_OPTS is a list of options
  ${setsid[@]+"${setsid[@]}"} env LEARNGRID_HTTP_HOST=127.0.0.1 \
      LEARNGRID_HTTP_PORT="$HTTP_PORT" \
      LEARNGRID_DEV_PG_PORT="$PG_PORT" \
      LEARNGRID_DEV_REDIS_PORT="$REDIS_PORT" \
      LEARNGRID_DEV_AI_PORT="$AI_PORT" \
      LEARNGRID_DEV_SMTP_PORT="$SMTP_PORT" \
      LEARNGRID_DATA_DIR="$DATA" \
      LEARNGRID_ACCESS_LOG=off \
      LEARNGRID_RATE_LIMITS="${LIMITS:-off}" \
      LEARNGRID_RATE_LIMIT_USER_PER_MINUTE=1000000 \
      LEARNGRID_RATE_LIMIT_IP_PER_MINUTE=1000000 \
      LEARNGRID_RATE_LIMIT_CLASS_ACTION_PER_MINUTE=1000000 \
      LEARNGRID_CLUSTER_NAME="$name-$$" \
      LEARNGRID_ACCESS_TOKEN_SECONDS=86400 \
      "$@" \
      ${NODE_PREFIX:-} "$JAVA" $BENCH_JAVA_OPTS -jar "$JAR" dev >"$NODE_LOG" 2>&1 &
  NODE_PID=$!
}

wait_until_ready() {  # waits for /health/ready to answer 200, at most READY_TIMEOUT s; prints how long
  local started=$SECONDS
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
}

stop_node() {  # SIGTERM, and after 60 s SIGKILL; then whatever of its PostgreSQL and Redis is left
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
    fi
  fi
  local rc=0
  wait "$NODE_PID" 2>/dev/null || rc=$?
  echo "node exited with status $rc$( ((rc == 143)) && echo ' (128+SIGTERM: the JVM'"'"'s normal exit on SIGTERM)')"
  NODE_PID=""
  stop_orphans
}

# A killed node's PostgreSQL (detached by pg_ctl) and Redis outlive it, and so can those of a node
# stopped while it was still starting them. After a clean stop there is nothing left to stop.
stop_orphans() {
  if [[ -x $DATA/pg-bin/bin/pg_ctl && -f $DATA/pg/postmaster.pid ]]; then
    local unshare=()
    [[ $(id -u) -eq 0 ]] && unshare=(unshare --user)   # PostgreSQL refuses to run as root
    ${unshare[@]+"${unshare[@]}"} "$DATA/pg-bin/bin/pg_ctl" -D "$DATA/pg" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  local pid
  for pid in $(ss -Hltnp "sport = :$REDIS_PORT" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); do
    kill -TERM "$pid" 2>/dev/null || true
  done
}

scan_logs() {  # the node's WARN/ERROR lines and PostgreSQL's WARNING/ERROR/FATAL lines: none in a clean run
  [[ -f $NODE_LOG ]] || return 0
  [[ -f $DATA/pg.log ]] && cp "$DATA/pg.log" "$WORK/postgres.log"
  section "node log: WARN/ERROR lines ($NODE_LOG)"
  grep -E ' (WARN|ERROR) |Exception|OutOfMemory' "$NODE_LOG" | sort | uniq -c | sort -rn | head -n 40 || echo "(none)"
  if [[ -f $WORK/postgres.log ]]; then
    section "PostgreSQL log: WARNING/ERROR/FATAL lines ($WORK/postgres.log)"
    grep -E '(WARNING|ERROR|FATAL|PANIC):' "$WORK/postgres.log" | head -n 20 || echo "(none)"
  fi
}

stop_sampler() {  # stops the background sampler started as SAMPLER_PID, if any
  [[ -n $SAMPLER_PID ]] || return 0
  kill "$SAMPLER_PID" 2>/dev/null || true
  wait "$SAMPLER_PID" 2>/dev/null || true
  SAMPLER_PID=""
}

cleanup() {  # the EXIT trap: however the script ends, the node stops and its logs are shown
  local rc=$?
  set +e
  trap - EXIT INT TERM
  stop_sampler
  stop_node
  local pid
  for pid in ${HELPER_PIDS[@]+"${HELPER_PIDS[@]}"}; do
    kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  scan_logs
  if [[ $KEEP_DATA == 1 ]]; then
    echo "kept: $WORK"
  else
    rm -rf "$DATA"
    echo "logs kept in $WORK (data dir removed; KEEP_DATA=1 keeps it)"
  fi
  exit "$rc"
}

always_clean_up() {  # call once WORK exists, before the node starts
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# --- API helpers -----------------------------------------------------------------------------------
json_field() {  # json_field NAME < flat JSON: the string value of "NAME"
  sed -n "s/.*\"$1\" *: *\"\\([^\"]*\\)\".*/\\1/p" | head -n 1
}

login() {  # login EMAIL PASSWORD: prints the access token (nothing when the login fails)
  curl -sf --max-time 10 -H 'Content-Type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"$2\"}" "$BASE/api/v1/auth/login" | json_field accessToken
}

# --- CPU accounting, in clock ticks ----------------------------------------------------------------
cpu_machine() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat; }  # busy total

cpu_proc() {  # cpu_proc PID: utime+stime of a process and its direct children (the node: java + redis-server)
  local pid total=0 f
  for pid in "$1" $(cat "/proc/$1/task/"*/children 2>/dev/null); do
    f="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
    f="${f##*) }"   # drop "pid (comm) "; field 14 (utime) is word 12 of the rest
    # shellcheck disable=SC2086  # the words of /proc/PID/stat
    set -- $f
    total=$((total + ${12} + ${13}))
  done
  echo "$total"
}

# --- wrk's summary: the BENCH line the load/*.lua scripts print ---------------------------------------
only_warmup_summary() {  # filter: wrk's output -> its BENCH line as "warm-up: ..."
  { grep '^BENCH' || true; } | sed 's/^BENCH/warm-up:/'
}

bench_value() {  # bench_value LINE NAME: the value of NAME=... in a BENCH line
  sed -n "s/.* $2=\\([^ ]*\\).*/\\1/p" <<<" $1"
}

socket_errors() {  # socket_errors LINE: wrk's connect + read + write + timeout errors
  echo $(( $(bench_value "$1" connect) + $(bench_value "$1" read) + $(bench_value "$1" write) + $(bench_value "$1" timeout) ))
}

ms() { awk -v us="$1" 'BEGIN { printf "%.2f ms", us / 1000 }'; }  # ms MICROSECONDS

warn_if_incomplete() {  # warn_if_incomplete LINE: wrk stopped well before DURATION (it was interrupted)
  local ran
  ran="$(awk -v us="$(bench_value "$1" duration_us)" 'BEGIN { printf "%.1f", us / 1e6 }')"
  if awk -v r="$ran" -v d="$DURATION" 'BEGIN { exit !(r < 0.9 * d) }'; then
    echo "INCOMPLETE: wrk ran ${ran}s of ${DURATION}s (interrupted); do not record this result"
  fi
}

# cpu_split TICKS_BUSY TICKS_TOTAL TICKS_NODE TICKS_PG REAL USER SYS: how the cores were shared over a
# wrk run, from the tick deltas of cpu_machine and cpu_proc and bash's `time` of wrk (REAL USER SYS,
# seconds): "machine busy M = node N [+ postgres P] + wrk W + others O" (TICKS_PG "-" leaves
# PostgreSQL out). Prints nothing when the run took no time. "others" is everyone else on the
# machine: well above 0 means the figure is not the node's alone.
cpu_split() {
  awk -v b="$1" -v t="$2" -v n="$3" -v p="$4" -v real="$5" -v wu="$6" -v ws="$7" \
      -v hz="$(getconf CLK_TCK)" -v cpus="$(nproc)" 'BEGIN {
    if (t <= 0 || real <= 0) exit
    machine = b / t * cpus; node = n / hz / real; w = (wu + ws) / real
    pg = (p == "-") ? 0 : p / hz / real
    other = machine - node - pg - w; if (other < 0) other = 0
    printf "machine busy %.2f = node %.2f", machine, node
    if (p != "-") printf " + postgres %.2f", pg
    printf " + wrk %.2f + others %.2f", w, other }'
}

# --- the mixed read plan (bench-mixed-read.sh, bench-connections.sh, soak.sh) ---------------------
json() { python3 -c "import sys,json; print(json.load(sys.stdin)$1)"; }  # json '["id"]' < a JSON reply
api() {  # api METHOD PATH TOKEN [BODY]: the reply body; fails on a non-2xx status
  curl -sf --max-time 10 -X "$1" -H "Authorization: Bearer $3" -H 'Content-Type: application/json' \
    ${4:+-d "$4"} "$BASE$2"
}

kind_counts() {  # lines "kind hit lookup" from learngrid_cache_requests_total (hits at any level; lookups end at a hit or at Redis)
  curl -sf --max-time 10 "$BASE/metrics" | awk '
    /^learngrid_cache_requests_total\{/ {
      k = $0; sub(/.*kind="/, "", k); sub(/".*/, "", k)
      r = $0; sub(/.*result="/, "", r); sub(/".*/, "", r)
      l = $0; sub(/.*level="/, "", l); sub(/".*/, "", l)
      if (r == "hit") { hit[k] += $NF; all[k] += $NF } else if (l == "redis") all[k] += $NF }
    END { for (k in all) printf "%s %d %d\n", k, hit[k], all[k] }' | sort
}

# hit_ratios BEFORE AFTER: per kind and overall, the hit ratio between two kind_counts files
# (per-kind lines on stderr, the overall ratio on stdout)
hit_ratios() {
  join -a 2 -e 0 -o 0,1.2,1.3,2.2,2.3 "$1" "$2" | awk '
    { h = $4 - $2; n = $5 - $3; H += h; N += n
      if (n > 0) printf "  %-12s %9d hits / %9d lookups = %6.2f%%\n", $1, h, n, 100 * h / n > "/dev/stderr" }
    END { if (N > 0) printf "%.2f%%", 100 * H / N; else print "n/a" }'
}

# build_mixed_read_plan COURSES STUDENTS: as the demo teacher, COURSES courses with one 5-question
# assignment each and STUDENTS students enrolled in every course; sets PLAN, the file of
# load/mixed-read.lua (one line per (student, course): token course assignment question).
build_mixed_read_plan() {
  local courses=$1 students=$2 c s id reply email token sid
  TEACHER="$(login teacher@learngrid.dev demo-password)"
  [[ -n $TEACHER ]] || die "login as teacher@learngrid.dev failed"
  QUESTIONS='[{"prompt":"1+1?","kind":"number","answer":2,"points":1},{"prompt":"2+2?","kind":"number","answer":4,"points":1},{"prompt":"3+3?","kind":"number","answer":6,"points":1},{"prompt":"Capital of France?","kind":"text","answer":"Paris","points":1},{"prompt":"Pick a","kind":"choice","choices":["a","b"],"answer":"a","points":1}]'
  declare -a COURSE_IDS ASSIGNMENT_IDS QUESTION_IDS
  for ((c = 0; c < courses; c++)); do
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
  for ((s = 0; s < students; s++)); do
    email="mixed-$s-$$@load.learngrid"
    curl -sf --max-time 10 -o /dev/null -H 'Content-Type: application/json' \
      -d "{\"email\":\"$email\",\"password\":\"load-password\",\"displayName\":\"Load $s\"}" "$BASE/api/v1/auth/register" \
      || die "registering student $s failed"
    token="$(login "$email" load-password)"
    sid="$(api GET /api/v1/me "$token" | json '["id"]')"
    for ((c = 0; c < courses; c++)); do
      api POST "/api/v1/courses/${COURSE_IDS[c]}/enrollments" "$TEACHER" "{\"studentId\":\"$sid\"}" >/dev/null \
        || die "enrolling student $s failed"
      echo "$token ${COURSE_IDS[c]} ${ASSIGNMENT_IDS[c]} ${QUESTION_IDS[c]}" >>"$PLAN"
    done
  done
}

# --- the node's memory and sockets (bench-connections.sh, soak.sh) ---------------------------------
node_java_pid() {  # the java process of NODE_PID (setsid and env exec into it; else its child)
  local pid
  for pid in "$NODE_PID" $(cat "/proc/$NODE_PID/task/"*/children 2>/dev/null); do
    [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == java ]] && { echo "$pid"; return 0; }
  done
  die "no java process under pid $NODE_PID"
}

node_memory() {  # node_memory JAVA_PID: "RSS heap-after-GC" in KiB (a full GC first, by jcmd)
  local jcmd="${JAVA%java}jcmd" heap
  "$jcmd" "$1" GC.run >/dev/null || die "jcmd $1 GC.run failed"
  # GC.heap_info's first line: "... total 123456K, used 23456K [...]" (G1 and the others alike).
  heap="$("$jcmd" "$1" GC.heap_info | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); print v; exit } }')"
  echo "$(awk '/^VmRSS:/ { print $2 }' "/proc/$1/status") ${heap:-0}"
}

open_sockets() {  # open_sockets PID: the sockets a process holds
  find "/proc/$1/fd" -lname 'socket:*' 2>/dev/null | wc -l
}

#!/usr/bin/env bash
# Load scenario: JOBS teachers start an AI question generation at the same moment
# (POST /api/v1/ai/questions), with the AI simulator at a realistic 5-15 s per generation; every
# job must succeed, on its first attempt, within LIMIT seconds of the first submission (the seed's
# "50 concurrent AI generations complete in < 30 s with no timeouts"). See load/README.md.
#
#   load/bench-ai-jobs.sh                       # 50 jobs, 5-15 s each, limit 30 s
#   JOBS=5 FIRST_TOKEN_MS=500 TOKEN_MS=5 load/bench-ai-jobs.sh   # a quick check of the script
#
# Starts `learngrid.jar dev` on free loopback ports with a fresh temp data dir, the access log and
# rate limits off, in a cluster of its own; its simulator waits FIRST_TOKEN_MS, then TOKEN_MS per
# token. A job asks for 1..20 questions (job i: 1 + (i-1) % 20), about 11 tokens each, so with the
# defaults a generation takes from ~5 s (1 question) to ~15 s (20 questions). Each job has its own
# topic, so no response cache or single-flight can merge them. Creates JOBS teachers (admin API),
# submits one job per teacher, all at once, and polls the jobs until every one has finished.
# Prints the machine, per-job timings (server side: createdAt -> finishedAt), and a RESULT line.
#
# Settings (environment):
#   JOBS             concurrent generations (default 50)
#   LIMIT            seconds within which all must succeed (default 30)
#   FIRST_TOKEN_MS   simulator time to first token (default 4500)
#   TOKEN_MS         simulator time per token (default 45)
#   READY_TIMEOUT    seconds to wait for /health/ready (default 180)
#   LEARNGRID_JAR    the jar (default verticles/target/learngrid.jar, built if missing)
#   BENCH_JAVA_OPTS  extra JVM options for the node (default none)
#   KEEP_DATA=1      keep the node's temp data dir after the run
# Any LEARNGRID_* variable set in the environment (say LEARNGRID_AI_JOBS_CONCURRENCY) reaches the node.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"

JOBS="${JOBS:-50}"
LIMIT="${LIMIT:-30}"
FIRST_TOKEN_MS="${FIRST_TOKEN_MS:-4500}"
TOKEN_MS="${TOKEN_MS:-45}"
READY_TIMEOUT="${READY_TIMEOUT:-180}"
JAR="${LEARNGRID_JAR:-$ROOT/verticles/target/learngrid.jar}"
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:-}"
KEEP_DATA="${KEEP_DATA:-0}"

die() { echo "bench: $*" >&2; exit 1; }
section() { printf '\n== %s\n' "$*"; }

for v in JOBS LIMIT FIRST_TOKEN_MS TOKEN_MS READY_TIMEOUT; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number, not '${!v}'"
done
(( JOBS > 0 && LIMIT > 0 )) || die "JOBS and LIMIT must be positive"
command -v curl >/dev/null || die "curl is required"

# --- tools: a JDK >= 21, the jar, jq -------------------------------------------------------------
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

if ! command -v jq >/dev/null; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "bench: installing jq (apt-get) ..." >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq; } >&2 || die "could not install jq"
  else
    die "jq is not installed (Debian/Ubuntu: sudo apt-get install -y jq)"
  fi
fi

# --- free loopback ports, a temp data dir --------------------------------------------------------
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

WORK="$(mktemp -d "${TMPDIR:-/tmp}/learngrid-bench-ai-jobs.XXXXXX")"
DATA="$WORK/data"
NODE_LOG="$WORK/node.log"
BASE="http://127.0.0.1:$HTTP_PORT"
NODE_PID=""

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
      echo "node did not stop within 60 s: SIGKILL"
      kill -KILL "$NODE_PID" 2>/dev/null || true
    fi
  fi
  wait "$NODE_PID" 2>/dev/null || true
  NODE_PID=""
}

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  stop_node
  if [[ -f $NODE_LOG ]]; then
    section "node log: WARNING/SEVERE lines ($NODE_LOG)"
    grep -E ' (WARNING|SEVERE) |Exception|OutOfMemory' "$NODE_LOG" | sort | uniq -c | sort -rn | head -n 30 || echo "(none)"
  fi
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

now_ms() { date +%s%3N; }
iso_ms() { date -u -d "$1" +%s%3N; }

# --- the machine -----------------------------------------------------------------------------------
section "machine"
echo "date:     $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "cpus:     $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "memory:   $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
echo "java:     $("$JAVA" -version 2>&1 | tr '\n' ' ' | sed 's/ *$//')"
echo "commit:   $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$( [[ -n "$(git -C "$ROOT" status --porcelain -- verticles pom.xml 2>/dev/null)" ]] && echo ' (+ uncommitted changes)')"
echo "jar:      $JAR ($(date -u -r "$JAR" +%Y-%m-%dT%H:%M:%SZ))"
echo "load:     $(uptime)"

# --- start the node ------------------------------------------------------------------------------
section "starting the dev node"
mkdir -p "$DATA"
echo "http $BASE, postgres :$PG_PORT, redis :$REDIS_PORT, ai simulator :$AI_PORT (first token ${FIRST_TOKEN_MS} ms, ${TOKEN_MS} ms/token)"
echo "node settings from the environment: $(env | grep -o '^LEARNGRID_[A-Z_]*=[^ ]*' | grep -v -e JAR -e SECRET -e PASSWORD -e KEY | tr '\n' ' ')"
SETSID=()
command -v setsid >/dev/null && SETSID=(setsid)
# shellcheck disable=SC2086  # BENCH_JAVA_OPTS is a list of options
${SETSID[@]+"${SETSID[@]}"} env LEARNGRID_HTTP_HOST=127.0.0.1 \
    LEARNGRID_HTTP_PORT="$HTTP_PORT" \
    LEARNGRID_DEV_PG_PORT="$PG_PORT" \
    LEARNGRID_DEV_REDIS_PORT="$REDIS_PORT" \
    LEARNGRID_DEV_AI_PORT="$AI_PORT" \
    LEARNGRID_SIM_FIRST_TOKEN_MS="$FIRST_TOKEN_MS" \
    LEARNGRID_SIM_TOKEN_MS="$TOKEN_MS" \
    LEARNGRID_DATA_DIR="$DATA" \
    LEARNGRID_ACCESS_LOG=off \
    LEARNGRID_RATE_LIMITS=off \
    LEARNGRID_CLUSTER_NAME="bench-ai-jobs-$$" \
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
echo "ready after $((SECONDS - started)) s"

# --- teachers ------------------------------------------------------------------------------------
section "setup: $JOBS teachers (created by the admin, logged in)"
ADMIN="$(curl -sf --max-time 10 -H 'Content-Type: application/json' \
  -d '{"email":"admin@learngrid.dev","password":"admin-password"}' "$BASE/api/v1/auth/login" | jq -r .accessToken)"
[[ -n $ADMIN && $ADMIN != null ]] || die "login as admin@learngrid.dev failed"
make_teacher() {  # make_teacher N: creates bench-teacher-N and prints its access token
  local email="bench-teacher-$1-$RUN@load.learngrid"
  curl -sf --max-time 30 -o /dev/null -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"bench-password\",\"displayName\":\"Bench Teacher $1\",\"role\":\"teacher\"}" \
    "$BASE/api/v1/admin/users" || return 1
  curl -sf --max-time 30 -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"bench-password\"}" "$BASE/api/v1/auth/login" | jq -r .accessToken
}
RUN="$$-$RANDOM"
export -f make_teacher
export BASE ADMIN RUN
TOKENS="$WORK/tokens.txt"
seq 1 "$JOBS" | xargs -P 8 -I{} bash -c 'make_teacher {}' >"$TOKENS" || die "creating teachers failed"
[[ $(grep -c . "$TOKENS") -eq $JOBS ]] || die "expected $JOBS tokens, got $(grep -c . "$TOKENS")"

# --- all jobs at once ----------------------------------------------------------------------------
section "submitting $JOBS question jobs at once"
submit() {  # submit N TOKEN: prints "N status post_seconds jobId"
  local count=$(( 1 + ($1 - 1) % 20 )) out
  out="$(curl -s --max-time 30 -w '\n%{http_code} %{time_total}' -H "Authorization: Bearer $2" \
    -H 'Content-Type: application/json' \
    -d "{\"topic\":\"load run $RUN job $1: the water cycle\",\"count\":$count,\"difficulty\":\"medium\"}" \
    "$BASE/api/v1/ai/questions")"
  echo "$1 $(tail -n 1 <<<"$out") $(head -n 1 <<<"$out" | jq -r '.jobId // "-"' 2>/dev/null || echo -)"
}
export -f submit
SUBMITTED="$WORK/submitted.txt"
first_submit=$(now_ms)
paste -d' ' <(seq 1 "$JOBS") "$TOKENS" | xargs -P "$JOBS" -L 1 bash -c 'submit "$0" "$1"' >"$SUBMITTED"
echo "all POSTs answered in $(( $(now_ms) - first_submit )) ms"
accepted=$(awk '$2 == 202' "$SUBMITTED" | wc -l)
echo "202 Accepted: $accepted of $JOBS; slowest POST: $(awk '{ if ($3 > m) m = $3 } END { printf "%.0f ms", m * 1000 }' "$SUBMITTED")"
awk '$2 != 202 { print "  job " $1 ": HTTP " $2 }' "$SUBMITTED"

# --- wait for every job ---------------------------------------------------------------------------
section "waiting for the jobs (polling every 0.5 s, at most $((LIMIT * 3)) s)"
declare -A TOKEN_OF
i=0
while read -r token; do i=$((i + 1)); TOKEN_OF[$i]=$token; done <"$TOKENS"
FINISHED="$WORK/finished.txt"
: >"$FINISHED"
declare -A DONE
deadline=$(( $(now_ms) + LIMIT * 3000 ))
while :; do
  pending=0
  while read -r n status _ job; do
    [[ $status == 202 && -z ${DONE[$n]:-} ]] || continue
    reply="$(curl -s --max-time 10 -H "Authorization: Bearer ${TOKEN_OF[$n]}" "$BASE/api/v1/jobs/$job")"
    state="$(jq -r .status <<<"$reply" 2>/dev/null || echo '?')"
    if [[ $state == succeeded || $state == failed ]]; then
      DONE[$n]=1
      created="$(iso_ms "$(jq -r .createdAt <<<"$reply")")"
      finished="$(iso_ms "$(jq -r .finishedAt <<<"$reply")")"
      echo "$n $state $(( finished - created )) $(( finished - first_submit )) $(jq -r .attempts <<<"$reply") $(jq -r '.result.questions | length' <<<"$reply") $(jq -r '.error // "-"' <<<"$reply")" >>"$FINISHED"
    else
      pending=$((pending + 1))
    fi
  done <"$SUBMITTED"
  (( pending == 0 )) && break
  if (( $(now_ms) > deadline )); then
    echo "$pending job(s) still unfinished after $((LIMIT * 3)) s"
    break
  fi
  sleep 0.5
done

section "jobs (job, status, createdAt->finishedAt ms, first submit->finishedAt ms, attempts, questions, error)"
sort -n "$FINISHED" | awk '{ printf "  %3d %-9s %6d %6d %d %2s %s\n", $1, $2, $3, $4, $5, $6, substr($0, index($0, $7)) }'
succeeded=$(awk '$2 == "succeeded"' "$FINISHED" | wc -l)
first_try=$(awk '$2 == "succeeded" && $5 == 1' "$FINISHED" | wc -l)
failed=$(awk '$2 == "failed"' "$FINISHED" | wc -l)
wall=$(awk '{ if ($4 > m) m = $4 } END { print m + 0 }' "$FINISHED")
job_min=$(awk 'NR == 1 || $3 < m { m = $3 } END { print m + 0 }' "$FINISHED")
job_max=$(awk '{ if ($3 > m) m = $3 } END { print m + 0 }' "$FINISHED")
echo
echo "metrics: $(curl -sf --max-time 10 "$BASE/metrics" | grep -E '^learngrid_ai_jobs_(total|queued)' | tr '\n' ' ')"

verdict=PASS
(( succeeded == JOBS && first_try == JOBS && failed == 0 && wall < LIMIT * 1000 )) || verdict=FAIL
echo
echo "RESULT ai-jobs: $JOBS concurrent generations (simulator ${FIRST_TOKEN_MS} ms + ${TOKEN_MS} ms/token, each job ${job_min}-${job_max} ms):" \
  "$succeeded succeeded ($first_try on the first attempt), $failed failed, all finished $wall ms after the first submission" \
  "(limit ${LIMIT}000 ms): $verdict"
[[ $verdict == PASS ]]

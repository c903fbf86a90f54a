#!/usr/bin/env bash
# Benchmark: AI proxy overhead of streamed chats on one dev node (see load/README.md).
#
#   load/bench-ai-stream.sh                           # 500 connections, 60 s per run
#   DURATION=10 CONNECTIONS=20 load/bench-ai-stream.sh  # a quick check
#
# Starts `learngrid.jar dev` (embedded PostgreSQL, Redis and AI simulator) on free loopback ports,
# logs in as the demo student, then runs wrk twice with the same load and the same simulator timing:
# straight at the simulator (MODE=direct) and through learngrid (MODE=proxy: JWT, budget check, cache
# lookup, event bus, SSE relay with credits, usage row). Every request has a prompt of its own, so
# the cache never answers. Overhead = client-seen latency through the proxy minus the simulator's
# own latency; the RESULT line gives it at p50 and p99, and also against the configured timing.
#
# Settings (environment):
#   DURATION        each measured run in seconds (default 60)
#   WARMUP          warm-up through the proxy in seconds (default 15; 0 skips it)
#   CONNECTIONS     concurrent streams (default 500)
#   THREADS         wrk threads (default 2)
#   FIRST_TOKEN_MS  simulator time to first token (default 200)
#   TOKEN_MS        simulator time between tokens (default 20)
#   TOKENS          tokens per answer (default 40): a stream lasts FIRST_TOKEN_MS + TOKENS*TOKEN_MS
#   READY_TIMEOUT   seconds to wait for /health/ready (default 180)
#   LEARNGRID_JAR   the jar (default verticles/target/learngrid.jar, built if missing)
#   BENCH_JAVA_OPTS extra JVM options for the node
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
LUA="$HERE/ai-stream.lua"
DURATION="${DURATION:-60}"
WARMUP="${WARMUP:-15}"
CONNECTIONS="${CONNECTIONS:-500}"
THREADS="${THREADS:-2}"
FIRST_TOKEN_MS="${FIRST_TOKEN_MS:-200}"
TOKEN_MS="${TOKEN_MS:-20}"
TOKENS="${TOKENS:-40}"
READY_TIMEOUT="${READY_TIMEOUT:-180}"
JAR="${LEARNGRID_JAR:-$ROOT/verticles/target/learngrid.jar}"
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:-}"

die() { echo "bench: $*" >&2; exit 1; }
section() { printf '\n== %s\n' "$*"; }
for v in DURATION WARMUP CONNECTIONS THREADS FIRST_TOKEN_MS TOKEN_MS TOKENS READY_TIMEOUT; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number, not '${!v}'"
done
(( DURATION > 0 && CONNECTIONS >= THREADS && THREADS > 0 && TOKENS > 0 )) || die "check DURATION/CONNECTIONS/THREADS/TOKENS"
command -v curl >/dev/null || die "curl is required"
command -v wrk >/dev/null || die "wrk is not installed (Debian/Ubuntu: sudo apt-get install -y wrk)"

JAVA_HOME="$(. "$ROOT/.mvn/jdk.sh" >&2; echo "${JAVA_HOME:-}")" || die "no JDK >= 21 found"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if [[ ! -f $JAR ]]; then
  echo "bench: building $JAR ..." >&2
  (cd "$ROOT" && ./mvnw -q -B package -DskipTests) || die "build failed"
fi

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PICKED=" "
pick_port() {
  local p i
  for ((i = 0; i < 500; i++)); do
    p=$((20000 + RANDOM % 12000))
    [[ $PICKED == *" $p "* ]] && continue
    port_busy "$p" || { PICKED+="$p "; echo "$p"; return 0; }
  done
  die "no free port"
}
HTTP_PORT=$(pick_port); PICKED+="$HTTP_PORT "
PG_PORT=$(pick_port); PICKED+="$PG_PORT "
REDIS_PORT=$(pick_port); PICKED+="$REDIS_PORT "
AI_PORT=$(pick_port)
WORK="$(mktemp -d "${TMPDIR:-/tmp}/learngrid-bench-ai.XXXXXX")"
BASE="http://127.0.0.1:$HTTP_PORT"
SIM="http://127.0.0.1:$AI_PORT"
NODE_PID=""

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  if [[ -n $NODE_PID ]] && kill -0 "$NODE_PID" 2>/dev/null; then
    kill -TERM "$NODE_PID"
    for ((i = 0; i < 120; i++)); do kill -0 "$NODE_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$NODE_PID" 2>/dev/null
    wait "$NODE_PID" 2>/dev/null
  fi
  section "node log: WARNING/SEVERE lines ($WORK/node.log)"
  grep -E ' (WARNING|SEVERE) |Exception' "$WORK/node.log" 2>/dev/null | cut -c1-200 | sort | uniq -c | sort -rn | head -20 || true
  rm -rf "$WORK/data"
  echo "logs kept in $WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

section "machine"
echo "date: $(date -u +%FT%TZ)  cpus: $(nproc)  load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')  wrk: $( (wrk -v 2>&1 || true) | head -n 1)"

section "starting the dev node (simulator: first token ${FIRST_TOKEN_MS} ms, ${TOKENS} tokens every ${TOKEN_MS} ms)"
SETSID=(); command -v setsid >/dev/null && SETSID=(setsid)
# Budgets stay on (a check per request) with a limit no run reaches; rate limits off, as in every load test.
# One upstream socket per concurrent stream (HTTP/1.1): with the default pool of 50, 450 streams would
# queue for a socket and the run would measure the queue, not the proxy.
# shellcheck disable=SC2086
${SETSID[@]+"${SETSID[@]}"} env LEARNGRID_HTTP_HOST=127.0.0.1 LEARNGRID_HTTP_PORT="$HTTP_PORT" \
    LEARNGRID_DEV_PG_PORT="$PG_PORT" LEARNGRID_DEV_REDIS_PORT="$REDIS_PORT" LEARNGRID_DEV_AI_PORT="$AI_PORT" \
    LEARNGRID_DATA_DIR="$WORK/data" LEARNGRID_ACCESS_LOG=off LEARNGRID_ACCESS_TOKEN_SECONDS=86400 \
    LEARNGRID_RATE_LIMITS=off LEARNGRID_AI_USER_DAILY_TOKENS=1000000000000 LEARNGRID_AI_POOL_SIZE="$((CONNECTIONS + 16))" \
    LEARNGRID_SIM_FIRST_TOKEN_MS="$FIRST_TOKEN_MS" LEARNGRID_SIM_TOKEN_MS="$TOKEN_MS" LEARNGRID_SIM_MAX_TOKENS="$TOKENS" \
    "$JAVA" $BENCH_JAVA_OPTS -jar "$JAR" dev >"$WORK/node.log" 2>&1 &
NODE_PID=$!
started=$SECONDS
until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/health/ready")" == 200 ]]; do
  kill -0 "$NODE_PID" 2>/dev/null || { tail -n 30 "$WORK/node.log" >&2; die "the node exited during start"; }
  (( SECONDS - started < READY_TIMEOUT )) || die "the node was not ready within ${READY_TIMEOUT}s"
  sleep 0.5
done
TOKEN="$(curl -sf --max-time 10 -H 'Content-Type: application/json' \
  -d '{"email":"student@learngrid.dev","password":"demo-password"}' "$BASE/api/v1/auth/login" \
  | sed -n 's/.*"accessToken" *: *"\([^"]*\)".*/\1/p')"
[[ -n $TOKEN ]] || die "login as student@learngrid.dev failed"
check="$(curl -sN --max-time 30 -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"messages":[{"role":"user","content":"check"}],"stream":true}' "$BASE/api/v1/ai/chat" | tail -c 200)"
[[ $check == *'"done":true'* ]] || die "a streamed chat did not end with done: $check"

run() {  # run MODE URL SECONDS -> BENCH line
  MODE="$1" TOKEN="$TOKEN" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${3}s" --timeout 60s --latency -s "$LUA" "$2" \
    >"$WORK/wrk-$1.txt" 2>&1 || true
  grep '^BENCH' "$WORK/wrk-$1.txt" || die "wrk printed no summary ($WORK/wrk-$1.txt)"
}
if (( WARMUP > 0 )); then
  section "warm-up through the proxy (${WARMUP}s)"
  run proxy "$BASE" "$WARMUP" | sed 's/^BENCH/warm-up:/'
fi
section "direct: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s at the simulator"
DIRECT="$(run direct "$SIM" "$DURATION")"; echo "$DIRECT"
section "proxy: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s at POST /api/v1/ai/chat (stream)"
PROXY="$(run proxy "$BASE" "$DURATION")"; echo "$PROXY"
grep -v '^BENCH' "$WORK/wrk-proxy.txt" | sed -n '/Latency Distribution/,/requests in/p'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
curl -s --max-time 10 "$BASE/metrics" | grep -E '^learngrid_ai_requests_total' | sed 's/^/  /' || true

field() { sed -n "s/.* $2=\\([^ ]*\\).*/\\1/p" <<<" $1"; }
ms() { awk -v us="$1" 'BEGIN { printf "%.2f ms", us / 1000 }'; }
configured=$(( (FIRST_TOKEN_MS + TOKENS * TOKEN_MS) * 1000 ))
errors=$(( $(field "$PROXY" non2xx) + $(field "$PROXY" connect) + $(field "$PROXY" read) + $(field "$PROXY" timeout) ))
section "result"
echo "RESULT ai-stream c=$CONNECTIONS d=${DURATION}s stream=${FIRST_TOKEN_MS}+${TOKENS}x${TOKEN_MS} ms:" \
  "proxy $(field "$PROXY" rps) streams/s p50 $(ms "$(field "$PROXY" p50_us)") p99 $(ms "$(field "$PROXY" p99_us)");" \
  "direct p50 $(ms "$(field "$DIRECT" p50_us)") p99 $(ms "$(field "$DIRECT" p99_us)");" \
  "overhead p50 $(ms $(( $(field "$PROXY" p50_us) - $(field "$DIRECT" p50_us) )))" \
  "p99 $(ms $(( $(field "$PROXY" p99_us) - $(field "$DIRECT" p99_us) )))" \
  "(p99 vs configured $(ms $(( $(field "$PROXY" p99_us) - configured ))));" \
  "proxy errors $errors"

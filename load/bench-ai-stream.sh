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
#   KEEP_DATA=1     keep the node's temp data dir after the run
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=load/lib.sh
. "$HERE/lib.sh"
LUA="$HERE/ai-stream.lua"
DURATION="${DURATION:-60}"
WARMUP="${WARMUP:-15}"
CONNECTIONS="${CONNECTIONS:-500}"
THREADS="${THREADS:-2}"
FIRST_TOKEN_MS="${FIRST_TOKEN_MS:-200}"
TOKEN_MS="${TOKEN_MS:-20}"
TOKENS="${TOKENS:-40}"

require_whole_numbers DURATION WARMUP CONNECTIONS THREADS FIRST_TOKEN_MS TOKEN_MS TOKENS READY_TIMEOUT
(( DURATION > 0 && CONNECTIONS >= THREADS && THREADS > 0 && TOKENS > 0 )) || die "check DURATION/CONNECTIONS/THREADS/TOKENS"
command -v curl >/dev/null || die "curl is required"

find_java
ensure_jar
apt_install wrk wrk
pick_node_ports
make_work_dir learngrid-bench-ai
SIM="http://127.0.0.1:$AI_PORT"
always_clean_up
print_machine

section "starting the dev node (simulator: first token ${FIRST_TOKEN_MS} ms, ${TOKENS} tokens every ${TOKEN_MS} ms)"
# Budgets stay on (a check per request) with a limit no run reaches; rate limits off, as in every load test.
# One upstream socket per concurrent stream (HTTP/1.1): with the default pool of 50, 450 streams would
# queue for a socket and the run would measure the queue, not the proxy.
start_node bench-ai-stream \
  LEARNGRID_AI_USER_DAILY_TOKENS=1000000000000 LEARNGRID_AI_POOL_SIZE="$((CONNECTIONS + 16))" \
  LEARNGRID_SIM_FIRST_TOKEN_MS="$FIRST_TOKEN_MS" LEARNGRID_SIM_TOKEN_MS="$TOKEN_MS" LEARNGRID_SIM_MAX_TOKENS="$TOKENS"
wait_until_ready
TOKEN="$(login student@learngrid.dev demo-password)"
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

configured=$(( (FIRST_TOKEN_MS + TOKENS * TOKEN_MS) * 1000 ))
errors=$(( $(bench_value "$PROXY" non2xx) + $(socket_errors "$PROXY") ))
section "result"
echo "RESULT ai-stream c=$CONNECTIONS d=${DURATION}s stream=${FIRST_TOKEN_MS}+${TOKENS}x${TOKEN_MS} ms:" \
  "proxy $(bench_value "$PROXY" rps) streams/s p50 $(ms "$(bench_value "$PROXY" p50_us)") p99 $(ms "$(bench_value "$PROXY" p99_us)");" \
  "direct p50 $(ms "$(bench_value "$DIRECT" p50_us)") p99 $(ms "$(bench_value "$DIRECT" p99_us)");" \
  "overhead p50 $(ms $(( $(bench_value "$PROXY" p50_us) - $(bench_value "$DIRECT" p50_us) )))" \
  "p99 $(ms $(( $(bench_value "$PROXY" p99_us) - $(bench_value "$DIRECT" p99_us) )))" \
  "(p99 vs configured $(ms $(( $(bench_value "$PROXY" p99_us) - configured ))));" \
  "proxy errors $errors"

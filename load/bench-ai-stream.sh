#!/usr/bin/env bash
# Benchmark: AI proxy overhead of streamed chats on one node (see load/README.md).
#
#   load/bench-ai-stream.sh                                   # 500 streams, 60 s per run
#   PIN=1 CONNECTIONS="100 250 500" load/bench-ai-stream.sh    # the node on a core of its own, three loads
#   DURATION=10 WARMUP=5 CONNECTIONS=20 load/bench-ai-stream.sh # a quick check
#
# Starts the AI simulator as a process of its own (`learngrid.jar simulator`), then a dev node
# (embedded PostgreSQL and Redis) that uses it as its upstream, logs in as the demo student, and for
# each number of connections runs wrk twice with the same load: straight at the simulator
# (MODE=direct) and through learngrid (MODE=proxy: JWT, budget check, cache lookup, event bus, SSE
# relay with credits, usage row). Every request has a prompt of its own, so the cache never answers.
# Overhead = client-seen latency through the proxy minus the simulator's own latency; the RESULT line
# gives it at p50 and p99, and also against the configured timing (the simulator sends each token at
# a fixed time from the start of its stream, so its own latency is the configured one unless it
# falls behind).
#
# Settings (environment):
#   CONNECTIONS     concurrent streams, one number or a list run in turn (default 500)
#   DURATION        each measured run in seconds (default 60)
#   WARMUP          warm-up through the proxy in seconds before the first run (default 30; 0 skips it)
#   THREADS         wrk threads (default 2)
#   FIRST_TOKEN_MS  simulator time to first token (default 200)
#   TOKEN_MS        simulator time between tokens (default 20)
#   TOKENS          tokens per answer (default 40): a stream lasts FIRST_TOKEN_MS + (TOKENS-1)*TOKEN_MS
#   PIN             1: the node alone on NODE_CPUS (default 0), the simulator, wrk and the node's
#                   PostgreSQL and Redis on LOAD_CPUS (default the other CPUs), as when clients and
#                   the upstream are other machines (needs 2+ CPUs; taskset lists, e.g. NODE_CPUS=0-3)
#   READY_TIMEOUT   seconds to wait for /health/ready (default 180)
#   LEARNGRID_JAR   the jar (default verticles/target/learngrid.jar, built if missing)
#   BENCH_JAVA_OPTS extra JVM options for the node
#   KEEP_DATA=1     keep the node's temp data dir after the run
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=load/lib.sh
. "$HERE/lib.sh"
LUA="$HERE/ai-stream.lua"
CONNECTIONS="${CONNECTIONS:-500}"
DURATION="${DURATION:-60}"
WARMUP="${WARMUP:-30}"
THREADS="${THREADS:-2}"
FIRST_TOKEN_MS="${FIRST_TOKEN_MS:-200}"
TOKEN_MS="${TOKEN_MS:-20}"
TOKENS="${TOKENS:-40}"
PIN="${PIN:-0}"

require_whole_numbers DURATION WARMUP THREADS FIRST_TOKEN_MS TOKEN_MS TOKENS READY_TIMEOUT PIN
for c in $CONNECTIONS; do
  [[ $c =~ ^[0-9]+$ ]] && (( c >= THREADS )) || die "CONNECTIONS must be whole numbers >= THREADS, not '$c'"
done
(( DURATION > 0 && THREADS > 0 && TOKENS > 0 )) || die "check DURATION/THREADS/TOKENS"
command -v curl >/dev/null || die "curl is required"
MAX_CONNECTIONS=$(tr ' ' '\n' <<<"$CONNECTIONS" | sort -n | tail -n 1)

LOAD_PREFIX=()
if (( PIN == 1 )); then
  (( $(nproc) >= 2 )) || die "PIN=1 needs at least 2 CPUs"
  command -v taskset >/dev/null || die "PIN=1 needs taskset (util-linux)"
  NODE_CPUS="${NODE_CPUS:-0}"
  LOAD_CPUS="${LOAD_CPUS:-1-$(( $(nproc) - 1 ))}"
  NODE_PREFIX="taskset -c $NODE_CPUS"
  LOAD_PREFIX=(taskset -c "$LOAD_CPUS")
fi

find_java
ensure_jar
apt_install wrk wrk
pick_node_ports
make_work_dir learngrid-bench-ai
SIM="http://127.0.0.1:$AI_PORT"
always_clean_up
print_machine

section "starting the AI simulator (first token ${FIRST_TOKEN_MS} ms, ${TOKENS} tokens every ${TOKEN_MS} ms)"
${LOAD_PREFIX[@]+"${LOAD_PREFIX[@]}"} env LEARNGRID_SIM_HOST=127.0.0.1 LEARNGRID_SIM_PORT="$AI_PORT" \
    LEARNGRID_SIM_FIRST_TOKEN_MS="$FIRST_TOKEN_MS" LEARNGRID_SIM_TOKEN_MS="$TOKEN_MS" LEARNGRID_SIM_MAX_TOKENS="$TOKENS" \
    "$JAVA" -jar "$JAR" simulator >"$WORK/simulator.log" 2>&1 &
SIM_PID=$!
HELPER_PIDS+=("$SIM_PID")
for _ in $(seq 1 120); do
  curl -sf --max-time 2 "$SIM/sim/stats" >/dev/null 2>&1 && break
  kill -0 "$SIM_PID" 2>/dev/null || { cat "$WORK/simulator.log" >&2; die "the simulator exited"; }
  sleep 0.5
done
curl -sf --max-time 2 "$SIM/sim/stats" >/dev/null || die "the simulator did not answer on $SIM"

section "starting the dev node${NODE_PREFIX:+ ($NODE_PREFIX)}"
# Budgets stay on (a check per request) with a limit no run reaches; rate limits off, as in every load test.
# One upstream socket per concurrent stream (HTTP/1.1): with the default pool of 50, the other streams
# would queue for a socket and the run would measure the queue, not the proxy.
start_node bench-ai-stream \
  LEARNGRID_AI_URL="$SIM" LEARNGRID_AI_USER_DAILY_TOKENS=1000000000000 \
  LEARNGRID_AI_POOL_SIZE="$((MAX_CONNECTIONS + 16))"
wait_until_ready
TOKEN="$(login student@learngrid.dev demo-password)"
[[ -n $TOKEN ]] || die "login as student@learngrid.dev failed"
check="$(curl -sN --max-time 30 -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"messages":[{"role":"user","content":"check"}],"stream":true}' "$BASE/api/v1/ai/chat" | tail -c 200)"
[[ $check == *'"done":true'* ]] || die "a streamed chat did not end with done: $check"
if (( PIN == 1 )); then
  # The node's PostgreSQL and Redis started on the node's CPU; in a deployment they are other
  # machines, so they join the simulator and wrk (with the PostgreSQL backends forked so far).
  for pid in $(ss -Hltnp "( sport = :$PG_PORT or sport = :$REDIS_PORT )" | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); do
    for p in "$pid" $(pgrep -P "$pid"); do
      taskset -a -p -c "$LOAD_CPUS" "$p" >/dev/null 2>&1 || true
    done
  done
fi

# Each connection starts after a random part of one stream's length (ai-stream.lua), as independent
# users would: with every stream starting at once, tokens would arrive in waves of CONNECTIONS.
SPREAD_MS=$(( FIRST_TOKEN_MS + (TOKENS - 1) * TOKEN_MS ))
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
relay_buckets() {  # the node's learngrid_ai_stream_relay_seconds buckets: "le count" lines
  curl -s --max-time 10 "$BASE/metrics" | sed -n 's/^learngrid_ai_stream_relay_seconds_bucket{le="\([^"]*\)"} \(.*\)$/\1 \2/p'
}
relay_quantiles() {  # relay_quantiles BEFORE AFTER: p50 and p99 of the tokens relayed in between
  join <(sort -k1,1 <<<"$1") <(sort -k1,1 <<<"$2") | awk '$1 != "+Inf" { print $1, $3 - $2 }' | sort -g \
    | awk '{ le[NR] = $1; c[NR] = $2 } END {
        n = c[NR]; if (n == 0) { print "relay: no tokens"; exit }
        for (i = 1; i <= NR && c[i] < 0.5 * n; i++); p50 = le[i]
        for (i = 1; i <= NR && c[i] < 0.99 * n; i++); p99 = le[i]
        printf "relay p50 <= %.2f ms p99 <= %.2f ms (%d tokens)", p50 * 1000, p99 * 1000, n }'
}
run() {  # run MODE URL SECONDS CONNECTIONS -> BENCH line, then "node_cpu=<cores>"
  local before after started
  before=$(cpu_ticks "$NODE_PID") started=$(date +%s%N)
  MODE="$1" TOKEN="$TOKEN" CONNECTIONS="$4" THREADS="$THREADS" SPREAD_MS="$SPREAD_MS" \
    ${LOAD_PREFIX[@]+"${LOAD_PREFIX[@]}"} wrk -t"$THREADS" -c"$4" -d"${3}s" --timeout 60s \
    --latency -s "$LUA" "$2" >"$WORK/wrk-$1-$4.txt" 2>&1 || true
  after=$(cpu_ticks "$NODE_PID")
  grep '^BENCH' "$WORK/wrk-$1-$4.txt" || die "wrk printed no summary ($WORK/wrk-$1-$4.txt)"
  awk -v t=$(( after - before )) -v hz="$(getconf CLK_TCK)" -v ns=$(( $(date +%s%N) - started )) \
    'BEGIN { printf "node_cpu=%.2f\n", t / hz / (ns / 1e9) }'
}
if (( WARMUP > 0 )); then
  # The JIT needs a while at full load, longer on one CPU: the first runs are otherwise slower.
  section "warm-up through the proxy (${WARMUP}s at $MAX_CONNECTIONS connections)"
  run proxy "$BASE" "$WARMUP" "$MAX_CONNECTIONS" | sed 's/^/warm-up: /'
fi

configured=$(( (FIRST_TOKEN_MS + (TOKENS - 1) * TOKEN_MS) * 1000 ))
results=()
for c in $CONNECTIONS; do
  section "direct: wrk -t$THREADS -c$c -d${DURATION}s at the simulator"
  DIRECT="$(run direct "$SIM" "$DURATION" "$c")"; echo "$DIRECT"
  section "proxy: wrk -t$THREADS -c$c -d${DURATION}s at POST /api/v1/ai/chat (stream)"
  before="$(relay_buckets)"
  PROXY="$(run proxy "$BASE" "$DURATION" "$c")"; echo "$PROXY"
  RELAY="$(relay_quantiles "$before" "$(relay_buckets)")"; echo "$RELAY"
  grep -v '^BENCH' "$WORK/wrk-proxy-$c.txt" | sed -n '/Latency Distribution/,/requests in/p'
  errors=$(( $(bench_value "$PROXY" non2xx) + $(socket_errors "$PROXY") ))
  results+=("RESULT ai-stream c=$c d=${DURATION}s stream=${FIRST_TOKEN_MS}+${TOKENS}x${TOKEN_MS} ms pin=${PIN}${NODE_CPUS:+ node-cpus=$NODE_CPUS}:\
 proxy $(bench_value "$PROXY" rps) streams/s p50 $(ms "$(bench_value "$PROXY" p50_us)") p99 $(ms "$(bench_value "$PROXY" p99_us)");\
 direct p50 $(ms "$(bench_value "$DIRECT" p50_us)") p99 $(ms "$(bench_value "$DIRECT" p99_us)");\
 overhead p50 $(ms $(( $(bench_value "$PROXY" p50_us) - $(bench_value "$DIRECT" p50_us) )))\
 p99 $(ms $(( $(bench_value "$PROXY" p99_us) - $(bench_value "$DIRECT" p99_us) )))\
 (vs configured: p50 $(ms $(( $(bench_value "$PROXY" p50_us) - configured ))) p99 $(ms $(( $(bench_value "$PROXY" p99_us) - configured ))));\
 $RELAY; node cpu $(sed -n 's/^node_cpu=//p' <<<"$PROXY") cores; proxy errors $errors")
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
curl -s --max-time 10 "$BASE/metrics" | grep -E '^learngrid_ai_requests_total' | sed 's/^/  /' || true
section "result"
printf '%s\n' "${results[@]}"

#!/usr/bin/env bash
# Benchmark: the AI gateway's proxy overhead on whole (non-streamed) chats at fixed rates, one node
# (issue 15): (latency through learngrid's POST /api/v1/ai/chat) − (latency straight at the
# simulator), both measured in the same run at the same rate, with budgets (user and global),
# reply-cache lookups (every prompt new: a miss each) and usage recording on. Then, unless
# STREAMS is empty, the streaming overhead at STREAMS concurrent streams (load/bench-ai-stream.sh).
#
#   load/bench-ai-overhead.sh                         # 100, 500, 1000 RPS, 30 s each; streams 100 250
#   RATES="100" DURATION=10 STREAMS= load/bench-ai-overhead.sh   # a quick check
#   PIN=1 load/bench-ai-overhead.sh                   # the node alone on NODE_CPUS (default 0)
#
# The simulator runs as a process of its own (`learngrid.jar simulator`, StandaloneSimulator),
# answering each chat after SIM_MS ms. The load is open-loop (load/AiOverhead.java: a request due
# every 1/RATE s whatever the others do; latency counted from when it was due). Per rate: direct,
# then proxy. RESULT lines give p50/p99 of both and their difference, and learngrid's own
# X-Learngrid-Overhead-Ms where its replies carry it.
#
# Only meaningful on a quiet machine: the script prints the load average before each run; with
# other work on the cores the difference measures that work, not the gateway.
#
# Settings (environment): RATES ("100 500 1000"), DURATION (30), WARMUP (20, at the highest rate,
# through the proxy), SIM_MS (5), STREAMS ("100 250"), STREAM_DURATION (30), PIN (0), NODE_CPUS,
# LOAD_CPUS, and those of lib.sh.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=load/lib.sh
. "$HERE/lib.sh"

RATES="${RATES:-100 500 1000}"
DURATION="${DURATION:-30}"
WARMUP="${WARMUP:-20}"
SIM_MS="${SIM_MS:-5}"
STREAMS="${STREAMS-100 250}"
STREAM_DURATION="${STREAM_DURATION:-30}"
PIN="${PIN:-0}"
require_whole_numbers DURATION WARMUP SIM_MS STREAM_DURATION PIN READY_TIMEOUT
for r in $RATES; do
  [[ $r =~ ^[0-9]+$ ]] && (( r > 0 )) || die "RATES must be whole numbers > 0, not '$r'"
done
MAX_RATE=$(tr ' ' '\n' <<<"$RATES" | sort -n | tail -n 1)
command -v curl >/dev/null || die "curl is required"

LOAD_PREFIX=()
if (( PIN == 1 )); then
  (( $(nproc) >= 2 )) || die "PIN=1 needs at least 2 CPUs"
  NODE_CPUS="${NODE_CPUS:-0}"
  LOAD_CPUS="${LOAD_CPUS:-1-$(( $(nproc) - 1 ))}"
  NODE_PREFIX="taskset -c $NODE_CPUS"
  LOAD_PREFIX=(taskset -c "$LOAD_CPUS")
fi

find_java
ensure_jar
pick_node_ports
make_work_dir learngrid-bench-ai-overhead
SIM="http://127.0.0.1:$AI_PORT"
always_clean_up
print_machine

section "starting the AI simulator (a whole reply after $SIM_MS ms)"
${LOAD_PREFIX[@]+"${LOAD_PREFIX[@]}"} env LEARNGRID_SIM_HOST=127.0.0.1 LEARNGRID_SIM_PORT="$AI_PORT" \
    LEARNGRID_SIM_FIRST_TOKEN_MS="$SIM_MS" LEARNGRID_SIM_TOKEN_MS=0 \
    "$JAVA" -jar "$JAR" simulator >"$WORK/simulator.log" 2>&1 &
HELPER_PIDS+=("$!")
for _ in $(seq 1 120); do
  curl -sf --max-time 2 "$SIM/sim/stats" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -sf --max-time 2 "$SIM/sim/stats" >/dev/null || die "the simulator did not answer on $SIM"

section "starting the dev node${NODE_PREFIX:+ ($NODE_PREFIX)}"
# Budgets on with limits no run reaches (each request checks and counts them); the reply cache on
# (the default TTL): every prompt is new, so each request looks up and misses; usage rows recorded.
start_node bench-ai-overhead \
  LEARNGRID_AI_URL="$SIM" LEARNGRID_AI_USER_DAILY_TOKENS=1000000000000 \
  LEARNGRID_AI_GLOBAL_DAILY_TOKENS=1000000000000 LEARNGRID_AI_POOL_SIZE=200
wait_until_ready
TOKEN="$(login student@learngrid.dev demo-password)"
[[ -n $TOKEN ]] || die "login as student@learngrid.dev failed"

gen() {  # gen MODE URL RATE SECONDS -> the BENCH line
  ${LOAD_PREFIX[@]+"${LOAD_PREFIX[@]}"} "$JAVA" "$HERE/AiOverhead.java" "$1" "$2" "$3" "$4" "$TOKEN" \
    | grep '^BENCH' || die "the load generator printed no summary"
}
if (( WARMUP > 0 )); then
  section "warm-up through the proxy (${WARMUP}s at $MAX_RATE RPS)"
  gen proxy "$BASE" "$MAX_RATE" "$WARMUP" | sed 's/^BENCH/warm-up:/'
fi
RESULTS=()
for r in $RATES; do
  section "$r RPS for ${DURATION}s: direct, then through learngrid (load: $(cut -d' ' -f1-3 /proc/loadavg))"
  DIRECT="$(gen direct "$SIM" "$r" "$DURATION")"; echo "direct: $DIRECT"
  PROXY="$(gen proxy "$BASE" "$r" "$DURATION")"; echo "proxy:  $PROXY"
  gw50="$(bench_value "$PROXY" gw_p50_us)"; gw99="$(bench_value "$PROXY" gw_p99_us)"
  RESULTS+=("RESULT ai-overhead rate=$r d=${DURATION}s sim=${SIM_MS}ms pin=$PIN: proxy p50 $(ms "$(bench_value "$PROXY" p50_us)") p99 $(ms "$(bench_value "$PROXY" p99_us)"); direct p50 $(ms "$(bench_value "$DIRECT" p50_us)") p99 $(ms "$(bench_value "$DIRECT" p99_us)"); overhead p50 $(ms $(( $(bench_value "$PROXY" p50_us) - $(bench_value "$DIRECT" p50_us) ))) p99 $(ms $(( $(bench_value "$PROXY" p99_us) - $(bench_value "$DIRECT" p99_us) )))$( (( gw50 >= 0 )) && echo "; X-Learngrid-Overhead-Ms p50 $(ms "$gw50") p99 $(ms "$gw99")"); errors $(( $(bench_value "$PROXY" non2xx) + $(bench_value "$PROXY" timeout) )); late sends direct $(bench_value "$DIRECT" late) proxy $(bench_value "$PROXY" late)")
done
curl -s --max-time 10 "$BASE/metrics" | grep -E '^learngrid_ai_(requests_total|usage_dropped_total)' | sed 's/^/  /' || true
section "results"
printf '%s\n' "${RESULTS[@]}"

if [[ -n $STREAMS ]]; then
  section "streaming overhead at $STREAMS streams (load/bench-ai-stream.sh)"
  stop_node
  CONNECTIONS="$STREAMS" DURATION="$STREAM_DURATION" WARMUP=10 PIN="$PIN" "$HERE/bench-ai-stream.sh" | grep '^RESULT' || true
fi

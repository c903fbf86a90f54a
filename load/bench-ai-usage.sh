#!/usr/bin/env bash
# Benchmark: GET /api/v1/admin/ai/usage with ROWS (10 million) raw usage rows present (one dev node).
#
#   load/bench-ai-usage.sh                      # 10M rows over 90 days, 1,000 users, 4 models
#   ROWS=1000000 DURATION=10 load/bench-ai-usage.sh
#
# Starts `learngrid.jar dev` on free loopback ports with a fresh temp data dir. SQL (psql,
# generate_series) then writes ROWS rows into ai_usage, spread over the last DAYS days, USERS users
# and MODELS models, and their roll-ups (ai_usage_daily_models, _daily_users, _weekly_users,
# _monthly_users) as the
# persistence role keeps them (the same GROUP BYs as the V55 migration's back-fill): recording 10 million requests through the
# gateway would take hours and measure the gateway, not the report. wrk then reads the report as the
# demo admin, one run per groupBy (user, model, day), each cycling over the ranges "today", the last
# 7, 30 and DAYS days, at each of CONNECTIONS connections. Prints the machine, the table sizes, the query
# plan of the heaviest query (groupBy=user over DAYS days) and one RESULT line per groupBy.
# Goal (issue 15): p99 < 50 ms.
#
# Settings (environment): ROWS (10000000), DAYS (90), USERS (1000), MODELS (4), CONNECTIONS ("1 4": each in turn),
# THREADS (2), DURATION (20), WARMUP (3), and those of lib.sh.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=load/lib.sh
. "$HERE/lib.sh"

ROWS="${ROWS:-10000000}"
DAYS="${DAYS:-90}"
USERS="${USERS:-1000}"
MODELS="${MODELS:-4}"
CONNECTIONS="${CONNECTIONS:-1 4}"
THREADS="${THREADS:-2}"
DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-3}"
require_whole_numbers ROWS DAYS USERS MODELS THREADS DURATION WARMUP READY_TIMEOUT
for c in $CONNECTIONS; do
  [[ $c =~ ^[0-9]+$ ]] && (( c > 0 )) || die "CONNECTIONS must be whole numbers > 0, not '$c'"
done
MAX_CONNECTIONS=$(tr ' ' '\n' <<<"$CONNECTIONS" | sort -n | tail -n 1)
(( ROWS > 0 && DAYS >= 1 && DAYS <= 366 && USERS > 0 && MODELS > 0 && DURATION > 0 && THREADS > 0 )) \
  || die "bad ROWS/DAYS (1..366)/USERS/MODELS/DURATION/THREADS"
command -v curl >/dev/null || die "curl is required"

find_java
ensure_jar
apt_install wrk wrk
apt_install psql postgresql-client
pick_node_ports
make_work_dir learngrid-bench-ai-usage
PG_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
always_clean_up
print_machine "$WORK"

sql() { psql "$PG_URL" -X -q -A -t -v ON_ERROR_STOP=1 -c "$@"; }

section "starting the dev node"
start_node bench-ai-usage
wait_until_ready

section "setup: $ROWS usage rows over $DAYS days, $USERS users, $MODELS models, and their roll-up"
started=$SECONDS
# Users and models are drawn from the row number by multiplicative hashing, so that neither follows
# the time order; about 1 in 20 rows is a cache hit (0 tokens), as the gateway records them.
sql "
  SET synchronous_commit = off;
  INSERT INTO ai_usage (user_id, model, upstream, purpose, prompt_tokens, completion_tokens, cost, latency_ms,
                        cached, streamed, created_at)
  SELECT md5('bench-user-' || ((g * 7919) % $USERS))::uuid,
         'bench-model-' || ((g * 104729) % $MODELS),
         CASE WHEN g % 20 = 0 THEN NULL ELSE 'default' END,
         'chat',
         CASE WHEN g % 20 = 0 THEN 0 ELSE 20 + g % 400 END,
         CASE WHEN g % 20 = 0 THEN 0 ELSE 50 + (g * 31) % 700 END,
         CASE WHEN g % 20 = 0 THEN 0 ELSE ((20 + g % 400) * 0.00015 + (50 + (g * 31) % 700) * 0.0006) / 1000 END,
         200 + g % 3000,
         g % 20 = 0,
         g % 3 = 0,
         now() - make_interval(secs => (g * 86400 * $DAYS / $ROWS)::double precision)
  FROM generate_series(1::bigint, $ROWS) g;"
echo "raw rows written in $((SECONDS - started)) s"
started=$SECONDS
sql "
  TRUNCATE ai_usage_daily_models, ai_usage_daily_users, ai_usage_weekly_users, ai_usage_monthly_users;
  INSERT INTO ai_usage_daily_models
  SELECT (created_at AT TIME ZONE 'UTC')::date, model, count(*), sum(prompt_tokens), sum(completion_tokens), sum(cost)
  FROM ai_usage GROUP BY 1, 2;
  INSERT INTO ai_usage_daily_users
  SELECT (created_at AT TIME ZONE 'UTC')::date, user_id, count(*), sum(prompt_tokens), sum(completion_tokens), sum(cost)
  FROM ai_usage GROUP BY 1, 2;
  INSERT INTO ai_usage_weekly_users
  SELECT date_trunc('week', day)::date, user_id, sum(requests), sum(prompt_tokens), sum(completion_tokens), sum(cost)
  FROM ai_usage_daily_users GROUP BY 1, 2;
  INSERT INTO ai_usage_monthly_users
  SELECT date_trunc('month', day)::date, user_id, sum(requests), sum(prompt_tokens), sum(completion_tokens), sum(cost)
  FROM ai_usage_daily_users GROUP BY 1, 2;"
sql "VACUUM ANALYZE ai_usage_daily_models, ai_usage_daily_users, ai_usage_weekly_users, ai_usage_monthly_users"
sql "ANALYZE ai_usage"
echo "roll-up written in $((SECONDS - started)) s"
echo "ai_usage: $(sql "SELECT count(*) FROM ai_usage") rows, $(sql "SELECT pg_size_pretty(pg_total_relation_size('ai_usage'))");" \
  "roll-ups: $(sql "SELECT string_agg(t || ' ' || n || ' rows', ', ') FROM (VALUES ('daily models', (SELECT count(*) FROM ai_usage_daily_models)), ('daily users', (SELECT count(*) FROM ai_usage_daily_users)), ('weekly users', (SELECT count(*) FROM ai_usage_weekly_users)), ('monthly users', (SELECT count(*) FROM ai_usage_monthly_users))) v(t, n)")"

TOKEN="$(login admin@learngrid.dev admin-password)"
[[ -n $TOKEN ]] || die "login as admin@learngrid.dev failed"
AUTH="Authorization: Bearer $TOKEN"
TODAY="$(date -u +%F)"
range() { echo "from=$(date -u -d "$TODAY - $(($1 - 1)) days" +%F)&to=$TODAY"; }
RANGES=("$(range 1)" "$(range 7)" "$(range 30)" "$(range "$DAYS")")
for group in user model day; do
  reply="$(curl -sf --max-time 10 -H "$AUTH" "$BASE/api/v1/admin/ai/usage?${RANGES[3]}&groupBy=$group")" \
    || die "GET /api/v1/admin/ai/usage?groupBy=$group failed"
  echo "groupBy=$group over $DAYS days: $(grep -o '"key"' <<<"$reply" | wc -l) items, ${#reply} bytes"
done
section "plan: groupBy=user over $DAYS days (EXPLAIN ANALYZE, with the bounds the node computes)"
F="$(date -u -d "$TODAY - $((DAYS - 1)) days" +%F)"
END="$(date -u -d "$TODAY + 1 day" +%F)"
first_of_next() { local d=$1; [[ $(date -u -d "$d" +%d) == 01 ]] && echo "$d" || date -u -d "$(date -u -d "$d" +%Y-%m-01) + 1 month" +%F; }
monday_on_or_after() { date -u -d "$1 + $(( (8 - $(date -u -d "$1" +%u)) % 7 )) days" +%F; }
monday_on_or_before() { date -u -d "$1 - $(( $(date -u -d "$1" +%u) - 1 )) days" +%F; }
weeks() { local a b; a="$(monday_on_or_after "$1")"; b="$(monday_on_or_before "$2")"; [[ $a < $b ]] && echo "$a $b" || echo "$2 $2"; }
M1="$(first_of_next "$F")"; M2="$(date -u -d "$END" +%Y-%m-01)"
[[ $M1 < $M2 ]] || { M1="$END"; M2="$END"; }
read -r H1 H2 <<<"$(weeks "$F" "$M1")"
read -r T1 T2 <<<"$(weeks "$M2" "$END")"
sql "EXPLAIN (ANALYZE, BUFFERS) SELECT user_id::text AS key, sum(requests), sum(prompt_tokens), sum(completion_tokens), sum(cost) FROM (
       SELECT user_id, requests, prompt_tokens, completion_tokens, cost FROM ai_usage_monthly_users
       WHERE month >= '$M1' AND month < '$M2'
       UNION ALL
       SELECT user_id, requests, prompt_tokens, completion_tokens, cost FROM ai_usage_weekly_users
       WHERE week >= '$H1' AND week < '$H2' OR week >= '$T1' AND week < '$T2'
       UNION ALL
       SELECT user_id, requests, prompt_tokens, completion_tokens, cost FROM ai_usage_daily_users
       WHERE day >= '$F' AND day < '$H1' OR day >= '$H2' AND day < '$M1' OR day >= '$M2' AND day < '$T1'
         OR day >= '$T2' AND day <= '$TODAY') u
     GROUP BY user_id ORDER BY sum(cost) DESC, sum(prompt_tokens) + sum(completion_tokens) DESC, user_id"

RESULTS=()
for group in user model day; do
  args=()
  for r in "${RANGES[@]}"; do args+=("$r&groupBy=$group"); done
  if (( WARMUP > 0 )); then
    wrk -t"$THREADS" -c"$MAX_CONNECTIONS" -d"${WARMUP}s" -H "$AUTH" -s "$HERE/ai-usage.lua" "$BASE" -- "${args[@]}" \
      | only_warmup_summary
  fi
  for c in $CONNECTIONS; do
    t=$(( THREADS < c ? THREADS : c ))
    section "measured: groupBy=$group, $DURATION s at $c connections (ranges 1, 7, 30, $DAYS days in turn)"
    echo "load before: $(uptime)"
    OUT="$WORK/wrk-$group-$c.txt"
    wrk -t"$t" -c"$c" -d"${DURATION}s" --latency -H "$AUTH" -s "$HERE/ai-usage.lua" "$BASE" -- "${args[@]}" >"$OUT"
    echo "load after:  $(uptime)"
    grep -v '^BENCH' "$OUT"
    BENCH="$(grep '^BENCH' "$OUT")" || die "wrk printed no summary (see $OUT)"
    warn_if_incomplete "$BENCH"
    ERRORS=$(( $(bench_value "$BENCH" non2xx) + $(socket_errors "$BENCH") ))
    RESULTS+=("RESULT ai-usage rows=$ROWS days=$DAYS users=$USERS models=$MODELS groupBy=$group c=$c d=${DURATION}s: $(bench_value "$BENCH" rps) req/s, p50 $(ms "$(bench_value "$BENCH" p50_us)"), p99 $(ms "$(bench_value "$BENCH" p99_us)"), errors $ERRORS")
  done
done
section "results"
printf '%s\n' "${RESULTS[@]}"

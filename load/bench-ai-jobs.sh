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
# shellcheck source=load/lib.sh
. "$HERE/lib.sh"

JOBS="${JOBS:-50}"
LIMIT="${LIMIT:-30}"
FIRST_TOKEN_MS="${FIRST_TOKEN_MS:-4500}"
TOKEN_MS="${TOKEN_MS:-45}"

require_whole_numbers JOBS LIMIT FIRST_TOKEN_MS TOKEN_MS READY_TIMEOUT
(( JOBS > 0 && LIMIT > 0 )) || die "JOBS and LIMIT must be positive"
command -v curl >/dev/null || die "curl is required"

find_java
ensure_jar
apt_install jq jq
pick_node_ports
make_work_dir learngrid-bench-ai-jobs
always_clean_up

now_ms() { date +%s%3N; }
iso_ms() { date -u -d "$1" +%s%3N; }

print_machine

# --- start the node ------------------------------------------------------------------------------
section "starting the dev node"
echo "http $BASE, postgres :$PG_PORT, redis :$REDIS_PORT, ai simulator :$AI_PORT (first token ${FIRST_TOKEN_MS} ms, ${TOKEN_MS} ms/token)"
print_node_env
start_node bench-ai-jobs \
  LEARNGRID_SIM_FIRST_TOKEN_MS="$FIRST_TOKEN_MS" \
  LEARNGRID_SIM_TOKEN_MS="$TOKEN_MS" \
  LEARNGRID_BCRYPT_COST="${LEARNGRID_BCRYPT_COST:-4}"
wait_until_ready

# --- teachers ------------------------------------------------------------------------------------
section "setup: $JOBS teachers (created by the admin, logged in)"
ADMIN="$(login admin@learngrid.dev admin-password)"
[[ -n $ADMIN ]] || die "login as admin@learngrid.dev failed"
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
echo "metrics: $(curl -sf --max-time 10 "$BASE/metrics" | grep -E '^learngrid_jobs_(total|queued)' | tr '\n' ' ')"

verdict=PASS
(( succeeded == JOBS && first_try == JOBS && failed == 0 && wall < LIMIT * 1000 )) || verdict=FAIL
echo
echo "RESULT ai-jobs: $JOBS concurrent generations (simulator ${FIRST_TOKEN_MS} ms + ${TOKEN_MS} ms/token, each job ${job_min}-${job_max} ms):" \
  "$succeeded succeeded ($first_try on the first attempt), $failed failed, all finished $wall ms after the first submission" \
  "(limit ${LIMIT}000 ms): $verdict"
[[ $verdict == PASS ]]

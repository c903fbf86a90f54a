#!/usr/bin/env bash
# The README's first command, as a newcomer uses it: a dev node, the curl walk-through, a second
# http-only node that joins it, a bad setting that fails fast, and a clean stop.
set -euo pipefail
cd "$(dirname "$0")/.."
. ./.mvn/jdk.sh
JAVA="$JAVA_HOME/bin/java"
JAR=verticles/target/learngrid.jar
WORK=$(mktemp -d)
PORT1=18080 PORT2=18081
export LEARNGRID_CLUSTER_NAME="ci-$$"
DEV_PID="" EDGE_PID=""
# Relative, like the README's default ./.learngrid: paths with "./" in them must work too.
DATA="./.learngrid-smoke-$$"

cleanup() {
  for pid in $EDGE_PID $DEV_PID; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $EDGE_PID $DEV_PID; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
fail() { echo "SMOKE FAILED: $*" >&2; echo "--- dev node log"; tail -50 "$WORK/dev.log" || true; echo "--- edge node log"; tail -30 "$WORK/edge.log" 2>/dev/null || true; exit 1; }
json() { python3 -c "import sys,json; print(json.load(sys.stdin)$1)"; }
wait_ready() {
  for _ in $(seq 1 240); do
    if curl -fs "http://127.0.0.1:$1/health/ready" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  fail "node on port $1 not ready within 120 s"
}

echo "== bad configuration fails fast, naming the key"
set +e
LEARNGRID_HTTP_PORT=eighty "$JAVA" -jar "$JAR" run > "$WORK/bad.out" 2>&1
code=$?
set -e
[ "$code" = 2 ] || fail "expected exit 2 for a bad port, got $code"
grep -q "configuration error: LEARNGRID_HTTP_PORT" "$WORK/bad.out" || fail "no line naming LEARNGRID_HTTP_PORT: $(cat "$WORK/bad.out")"

echo "== ./learngrid dev"
LEARNGRID_DATA_DIR="$DATA" LEARNGRID_HTTP_PORT=$PORT1 LEARNGRID_DEV_PG_PORT=15432 LEARNGRID_DEV_REDIS_PORT=16379 \
  LEARNGRID_DEV_AI_PORT=18089 ./learngrid dev > "$WORK/dev.log" 2>&1 &
DEV_PID=$!
wait_ready $PORT1
# Readiness comes first; the demo data and then the banner follow it.
for _ in $(seq 1 120); do
  grep -q "learngrid dev node is ready" "$WORK/dev.log" && break
  sleep 0.5
done
grep -q "learngrid dev node is ready" "$WORK/dev.log" || fail "no banner within 60 s of readiness"
B=http://127.0.0.1:$PORT1

# The web app from the jar: / redirects to it, and its page names its script under a versioned path.
[ "$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' $B/)" = "302 $B/app/" ] || fail "/ does not redirect to /app/"
curl -fs $B/app/ > "$WORK/app.html" || fail "GET /app/"
SCRIPT=$(grep -o '/app/assets/[0-9a-f]*/app.js' "$WORK/app.html") || fail "no app.js in /app/"
curl -fs -o /dev/null $B$SCRIPT || fail "GET $SCRIPT"

code=$(curl -s -o "$WORK/reg.json" -w '%{http_code}' $B/api/v1/auth/register -H 'Content-Type: application/json' \
  -d '{"email":"newcomer@example.com","password":"newcomer-password","displayName":"Newcomer"}')
[ "$code" = 201 ] || fail "register: $code $(cat "$WORK/reg.json")"
curl -fs $B/api/v1/auth/login -H 'Content-Type: application/json' \
  -d '{"email":"newcomer@example.com","password":"newcomer-password"}' | json '["accessToken"]' >/dev/null || fail "login"
TEACHER=$(curl -fs $B/api/v1/auth/login -H 'Content-Type: application/json' \
  -d '{"email":"teacher@learngrid.dev","password":"demo-password"}' | json '["accessToken"]')
COURSE=$(curl -fs $B/api/v1/courses -H "Authorization: Bearer $TEACHER" -H 'Content-Type: application/json' \
  -d '{"title":"Smoke test","subject":"ci","description":"made by .ci/smoke-dev.sh"}' | json '["id"]')
curl -fs $B/api/v1/courses/$COURSE -H "Authorization: Bearer $TEACHER" >/dev/null || fail "first read"
# The first read stored the course before it answered, so the second is a hit.
curl -fs $B/api/v1/courses/$COURSE -H "Authorization: Bearer $TEACHER" >/dev/null || fail "second read"
# To a file first: under pipefail, a grep -q that stops early makes curl fail writing the rest of
# the 100 KB page, and the pipeline with it.
curl -fs $B/metrics > "$WORK/metrics.txt" || fail "metrics"
grep -Eq 'learngrid_cache_requests_total\{kind="course",level="near",result="hit"\} [1-9]' "$WORK/metrics.txt" \
  || fail "no cache hit in /metrics: $(grep '^learngrid_cache_requests_total{kind="course"' "$WORK/metrics.txt")"
curl -fs $B/api/v1/ai/chat -H "Authorization: Bearer $TEACHER" -H 'Content-Type: application/json' \
  -d '{"messages":[{"role":"user","content":"Explain fractions"}]}' | json '["message"]["content"]' >/dev/null || fail "ai chat"
JOB=$(curl -fs $B/api/v1/ai/questions -H "Authorization: Bearer $TEACHER" -H 'Content-Type: application/json' \
  -d '{"topic":"fractions","count":5,"difficulty":"easy"}' | json '["jobId"]') || fail "ai question job"
status=""
for _ in $(seq 1 150); do   # the job runs in the background: at most 30 s
  status=$(curl -fs $B/api/v1/jobs/$JOB -H "Authorization: Bearer $TEACHER" | json '["status"]') || fail "reading the job"
  if [ "$status" = succeeded ] || [ "$status" = failed ]; then break; fi
  sleep 0.2
done
[ "$status" = succeeded ] || fail "ai question job ended as '$status'"
curl -fs $B/api/v1/jobs/$JOB -H "Authorization: Bearer $TEACHER" | json '["result"]["questions"][4]["prompt"]' >/dev/null \
  || fail "ai question job has no 5 questions"
curl -fs $B/health/ready | grep -q '"postgres":"UP"' || fail "readiness"
echo "dev node OK"

echo "== a second node with --cluster --roles http joins the first"
LEARNGRID_HTTP_PORT=$PORT2 LEARNGRID_JWT_SECRET=$(cat "$DATA/jwt-secret") \
  "$JAVA" -jar "$JAR" run --cluster --roles http > "$WORK/edge.log" 2>&1 &
EDGE_PID=$!
wait_ready $PORT2
curl -fs http://127.0.0.1:$PORT2/api/v1/courses/$COURSE -H "Authorization: Bearer $TEACHER" | grep -q '"Smoke test"' \
  || fail "the http-only node does not serve the course"
ADMIN=$(curl -fs $B/api/v1/auth/login -H 'Content-Type: application/json' \
  -d '{"email":"admin@learngrid.dev","password":"admin-password"}' | json '["accessToken"]')
NODES=$(curl -fs http://127.0.0.1:$PORT2/api/v1/admin/cluster -H "Authorization: Bearer $ADMIN" | json '["nodes"]')
echo "$NODES" | python3 -c "
import sys, ast
nodes = ast.literal_eval(sys.stdin.read())
roles = sorted(tuple(n['roles']) for n in nodes)
assert roles == [('http',), ('http', 'persistence', 'cache', 'ai')], roles
" || fail "cluster view: $NODES"
echo "second node OK"

echo "== SIGTERM stops both nodes and the dev services"
kill -TERM $EDGE_PID; wait $EDGE_PID || true; EDGE_PID=""
kill -TERM $DEV_PID; wait $DEV_PID || true; DEV_PID=""
if pgrep -f "${DATA#./}/pg" >/dev/null || pgrep -f "redis-server.*:16379" >/dev/null; then
  fail "PostgreSQL or Redis still running after the dev node stopped"
fi
rm -rf "$WORK" "$DATA"
echo "smoke-dev: every check passed"

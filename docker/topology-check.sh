#!/usr/bin/env bash
# The compose topology without Docker: three clustered nodes named node1..node3 and nginx with the
# real learngrid.conf, in a private network and mount namespace (root, `unshare`), where /etc/hosts
# names the nodes like compose's DNS does. It checks what compose.yaml relies on:
# cluster-config/compose.xml forms one cluster from the service names, LEARNGRID_CLUSTER_HOST /
# _PUBLIC_HOST = the name carries the event bus between nodes, nginx spreads requests over all
# three, and a node stopped with SIGTERM leaves the cluster while nginx keeps answering.
#
#   docker/topology-check.sh        (needs root, nginx, curl, python3, a JDK 21+, verticles/target/learngrid.jar)
#
# Differences from compose, all forced by sharing one network namespace: the nodes get 127.0.0.11-13
# instead of a container each, so HTTP binds the node's name (LEARNGRID_HTTP_HOST) and Hazelcast binds
# only its own address (-Dhazelcast.socket.bind.any=false -Dhazelcast.local.localAddress); node1 is a
# `dev` node that also provides PostgreSQL, Redis and the AI simulator; nginx listens on 127.0.0.1.
set -euo pipefail

if [ "${LEARNGRID_TOPOLOGY_INSIDE:-}" != 1 ]; then
  [ "$(id -u)" -eq 0 ] || { echo "topology-check.sh: needs root (unshare -mn)" >&2; exit 2; }
  exec env LEARNGRID_TOPOLOGY_INSIDE=1 unshare -mn --propagation private "$0" "$@"
fi

repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
chmod 755 "$work"
pids=()
cleanup() {
  [ -f "$work/nginx/nginx.pid" ] && kill -QUIT "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 30); do kill -0 "$p" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$p" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL  $*" >&2
  for log in "$work"/node*.log; do [ -f "$log" ] && { echo "--- $log" >&2; grep -E " (WARN|ERROR) " "$log" | tail -n 5 >&2; }; done
  exit 1
}
pass() { echo "ok    $*"; }

ip link set lo up
printf '127.0.0.1 localhost\n127.0.0.11 node1\n127.0.0.12 node2\n127.0.0.13 node3\n' >"$work/hosts"
mount --bind "$work/hosts" /etc/hosts

. "$repo/.mvn/jdk.sh"
# A copy: rebuilding the jar under a running JVM breaks its class loading.
cp "$repo/verticles/target/learngrid.jar" "$work/learngrid.jar"

start() { # name address command env...
  env LEARNGRID_CLUSTER_CONFIG="$repo/cluster-config/compose.xml" LEARNGRID_CLUSTER_NAME=learngrid-compose \
    LEARNGRID_HTTP_HOST="$1" LEARNGRID_CLUSTER_HOST="$1" LEARNGRID_CLUSTER_PUBLIC_HOST="$1" \
    LEARNGRID_LOGIN_MAX_FAILURES_PER_IP=10000 LEARNGRID_SIM_FIRST_TOKEN_MS=5 LEARNGRID_SIM_TOKEN_MS=1 \
    JAVA_TOOL_OPTIONS="-Dhazelcast.socket.bind.any=false -Dhazelcast.local.localAddress=$2" "${@:4}" \
    "$JAVA_HOME/bin/java" -jar "$work/learngrid.jar" "$3" --cluster >"$work/$1.log" 2>&1 &
  pids+=($!)
}
wait_ready() {
  for _ in $(seq 180); do curl -sf "http://$1:8080/health/ready" >/dev/null && return 0; sleep 1; done
  fail "$1 did not become ready"
}
login() {
  curl -s "$base/api/v1/auth/login" -H 'Content-Type: application/json' -d "{\"email\":\"$1\",\"password\":\"$2\"}" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])'
}
cluster() {
  curl -s "$base/api/v1/admin/cluster" -H "Authorization: Bearer $admin" \
    | python3 -c 'import json,sys; print(" ".join(sorted(n["httpAddress"] + ("" if n["ready"] else "(unready)") for n in json.load(sys.stdin)["nodes"])))'
}

start node1 127.0.0.11 dev LEARNGRID_DATA_DIR="$work/data"
wait_ready node1
services=(LEARNGRID_PG_URL=postgresql://postgres@127.0.0.1:54329/postgres LEARNGRID_REDIS_URL=redis://127.0.0.1:63790
          LEARNGRID_AI_URL=http://127.0.0.1:8089 "LEARNGRID_JWT_SECRET=$(cat "$work/data/jwt-secret")"
          LEARNGRID_ADMIN_EMAIL=admin@learngrid.dev LEARNGRID_ADMIN_PASSWORD=admin-password)
start node2 127.0.0.12 run "${services[@]}"
start node3 127.0.0.13 run "${services[@]}"
wait_ready node2
wait_ready node3
pass "three nodes ready, joined by cluster-config/compose.xml"

mkdir -p "$work/nginx/conf" "$work/nginx/logs" "$work/nginx/tmp"
chmod 755 "$work/nginx"
chmod 1777 "$work/nginx/tmp"
cp "$repo/docker/nginx/test-wrapper.conf" "$work/nginx/conf/nginx.conf"
: >"$work/nginx/conf/extra.test.conf"
sed -e 's/listen 8080;/listen 127.0.0.1:8080;/' \
  "$repo/docker/nginx/learngrid.conf" >"$work/nginx/conf/learngrid.test.conf"
sed -e 's#/var/log/nginx/access.log#logs/access.log#' \
  "$repo/docker/nginx/learngrid-server.conf" >"$work/nginx/conf/learngrid-server.conf"
nginx -p "$work/nginx/" -c conf/nginx.conf -e "$work/nginx/logs/error.log"
base=http://127.0.0.1:8080

admin="$(login admin@learngrid.dev admin-password)" || fail "admin login through nginx"
members="$(cluster)"
[ "$members" = "node1:8080 node2:8080 node3:8080" ] || fail "GET /api/v1/admin/cluster: $members"
pass "GET /api/v1/admin/cluster through nginx: $members"

teacher="$(login teacher@learngrid.dev demo-password)" || fail "teacher login through nginx"
course="$(curl -s "$base/api/v1/courses" -H "Authorization: Bearer $teacher" -H 'Content-Type: application/json' \
  -d '{"title":"topology","subject":"ops"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')" \
  || fail "POST /api/v1/courses through nginx"
for i in $(seq 30); do
  status=$(curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/courses/$course" -H "Authorization: Bearer $teacher")
  [ "$status" = 200 ] || fail "GET /api/v1/courses/{id} #$i: $status"
done
spread="$(grep -o 'upstream=127.0.0.1[123]:8080' "$work/nginx/logs/access.log" | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')"
[ "$(grep -o 'upstream=127.0.0.1[123]:8080' "$work/nginx/logs/access.log" | sort -u | wc -l)" = 3 ] || fail "nginx used: $spread"
pass "30 GETs through nginx: all 200, spread $spread"

remote=0
for node in node1 node2 node3; do
  n=$(curl -s "http://$node:8080/metrics" | awk '/^vertx_eventbus_received_total/ && /side="remote"/ { s += $2 } END { print s + 0 }')
  remote=$(python3 -c "print(int($remote + $n))")
done
[ "$remote" -gt 0 ] || fail "no event-bus message crossed between nodes"
pass "event bus between nodes: $remote messages received from other nodes"

status=$(curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/ai/chat" -H "Authorization: Bearer $teacher" \
  -H 'Content-Type: application/json' -d '{"messages":[{"role":"user","content":"hi"}]}')
[ "$status" = 200 ] || fail "POST /api/v1/ai/chat through nginx: $status"
pass "POST /api/v1/ai/chat through nginx: 200"

kill -TERM "${pids[1]}"
code=0
wait "${pids[1]}" || code=$?
grep -q "INFO Main stopped" "$work/node2.log" || fail "node2 did not stop cleanly (exit $code)"
sleep 2
members="$(cluster)"
[ "$members" = "node1:8080 node3:8080" ] || fail "after node2 stopped: $members"
for i in $(seq 12); do
  status=$(curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/courses/$course" -H "Authorization: Bearer $teacher")
  [ "$status" = 200 ] || fail "GET #$i after node2 stopped: $status"
done
pass "node2 stopped by SIGTERM (exit $code): the cluster is $members, 12 GETs through nginx all 200"
echo "topology check: every check passed"

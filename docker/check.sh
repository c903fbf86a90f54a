#!/usr/bin/env bash
# Offline checks of docker/: no Docker engine, no network, no running node. Each check prints one
# line (ok / FAIL with its output); the script exits 1 when any check fails or a tool is missing.
#
#   docker/check.sh            run every check
#   docker/check.sh --install  install the tools first (root or sudo): the Debian packages nginx,
#                              openssl (for bin/tls-selfsigned), prometheus (for promtool),
#                              prometheus-alertmanager (for amtool), prometheus-blackbox-exporter
#                              (their services are stopped and disabled) and docker-compose (the Python v1, which validates a
#                              file without an engine), and the npm packages dclint and
#                              dockerfile-utils into $LEARNGRID_CHECK_TOOLS (default
#                              ~/.cache/learngrid-check)
#
# What is checked:
#   Dockerfile        dockerfile-utils lint; every COPY source exists in the build context
#   compose.yaml      docker-compose config with .env.example (interpolation, structure, depends_on);
#                     the secrets are required (an empty env file fails); the compose-spec JSON schema
#                     (dclint, style rules off); every nodeN service is a Hazelcast member, an nginx
#                     upstream server and a Prometheus target
#   nginx             nginx -t on learngrid.conf inside nginx/test-wrapper.conf, and on it with
#                     tls.conf and a certificate that bin/tls-selfsigned generates
#   Prometheus        promtool check config, check rules, test rules (alerts.test.yml)
#   Alertmanager      alertmanager.yml rendered by its render.sh with dummy values: amtool
#                     check-config, and where critical and warning alerts are routed
#   blackbox          blackbox_exporter --config.check on blackbox/blackbox.yml
#   Grafana           JSON of every dashboard, datasource uids, PromQL of every panel (promtool)
#   metrics           every metric name used by alerts and dashboards is listed in docs/operations.md
# Live counterparts (no Docker either): docker/nginx/smoke.sh (nginx in front of a running node) and
# docker/topology-check.sh (the three-node topology in a network namespace, as root).
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
tools="${LEARNGRID_CHECK_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/learngrid-check}"
DCLINT_VERSION=3.1.0
DOCKERFILE_UTILS_VERSION=0.16.3
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

install_tools() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    nginx openssl prometheus prometheus-alertmanager prometheus-blackbox-exporter docker-compose >/dev/null
  # The packages may start their services where an init system runs: the checks need none.
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    $sudo systemctl disable --now prometheus prometheus-alertmanager prometheus-blackbox-exporter nginx >/dev/null 2>&1 || true
  fi
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --silent \
    "dclint@$DCLINT_VERSION" "dockerfile-utils@$DOCKERFILE_UTILS_VERSION"
}

if [ "${1:-}" = "--install" ]; then
  install_tools || { echo "check.sh: installing the tools failed" >&2; exit 1; }
elif [ $# -gt 0 ]; then
  echo "usage: $0 [--install]" >&2
  exit 2
fi

failures=0
# check NAME COMMAND...: runs COMMAND, prints ok or FAIL and the command's output.
check() {
  local name="$1"
  shift
  if "$@" >"$work/out" 2>&1; then
    echo "ok    $name"
  else
    echo "FAIL  $name"
    sed 's/^/      /' "$work/out"
    failures=$((failures + 1))
  fi
}

need() {
  if command -v "$1" >/dev/null 2>&1 || [ -x "$1" ]; then
    return 0
  fi
  echo "FAIL  tool missing: $1 (run docker/check.sh --install)"
  failures=$((failures + 1))
  return 1
}

# --- Dockerfile ---------------------------------------------------------------------------------
dockerfile_sources_exist() {
  # The sources of every COPY that does not copy from a stage, relative to the context (the repo).
  local missing=0
  while read -r src; do
    if [ ! -e "$repo/$src" ]; then
      echo "COPY source not in the build context: $src"
      missing=1
    fi
  done < <(grep -E '^COPY ' "$here/Dockerfile" | grep -v -- '--from=' | awk '{ for (i = 2; i < NF; i++) if ($i !~ /^--/) print $i }')
  return $missing
}

if need "$tools/node_modules/.bin/dockerfile-utils"; then
  check "Dockerfile: dockerfile-utils lint" "$tools/node_modules/.bin/dockerfile-utils" lint "$here/Dockerfile"
fi
check "Dockerfile: every COPY source is in the build context" dockerfile_sources_exist

# --- compose.yaml -------------------------------------------------------------------------------
# docker-compose v1 predates the top-level `name:` of the compose spec; it checks everything else.
sed '/^name: /d' "$here/compose.yaml" >"$work/compose-v1.yaml"
compose_v1() {
  docker-compose -f "$work/compose-v1.yaml" --project-directory "$here" "$@"
}
secrets_required() {
  : >"$work/empty.env"
  if compose_v1 --env-file "$work/empty.env" config -q 2>"$work/secrets.err"; then
    echo "compose.yaml accepted an empty env file: a secret has a default"
    return 1
  fi
  grep -q "docker/.env" "$work/secrets.err" || { cat "$work/secrets.err"; return 1; }
}
nodes_everywhere() {
  local nodes node bad=0
  nodes="$(compose_v1 --env-file "$here/.env.example" config --services | grep -E '^node[0-9]+$' | sort)"
  [ -n "$nodes" ] || { echo "no nodeN service in compose.yaml"; return 1; }
  for node in $nodes; do
    grep -q "<member>$node:5701</member>" "$repo/cluster-config/compose.xml" \
      || { echo "$node is not a member in cluster-config/compose.xml"; bad=1; }
    grep -q "server $node:8080 " "$here/nginx/learngrid.conf" \
      || { echo "$node is not an upstream server in nginx/learngrid.conf"; bad=1; }
    grep -q -- "- $node:8080" "$here/prometheus/prometheus.yml" \
      || { echo "$node is not a target in prometheus/prometheus.yml"; bad=1; }
  done
  local count
  count="$(echo "$nodes" | wc -l)"
  [ "$(grep -c '<member>node' "$repo/cluster-config/compose.xml")" -eq "$count" ] \
    || { echo "cluster-config/compose.xml lists members that compose.yaml does not run"; bad=1; }
  [ "$(grep -cE '^\s*server node[0-9]+:8080' "$here/nginx/learngrid.conf")" -eq "$count" ] \
    || { echo "nginx/learngrid.conf lists servers that compose.yaml does not run"; bad=1; }
  return $bad
}

if need docker-compose; then
  check "compose.yaml: docker-compose config with .env.example" compose_v1 --env-file "$here/.env.example" config -q
  check "compose.yaml: secrets have no defaults (empty env file refused)" secrets_required
  check "compose.yaml: every node is a Hazelcast member, nginx server and Prometheus target" nodes_everywhere
fi
if need "$tools/node_modules/.bin/dclint"; then
  # Style rules (key order, quoting) are taste; the schema and the other rules are not. nginx's
  # port is published on every interface on purpose: it is the entry point.
  check "compose.yaml: compose-spec schema and lint (dclint)" "$tools/node_modules/.bin/dclint" "$here/compose.yaml" \
    --quiet --color false \
    --disable-rule service-keys-order --disable-rule services-alphabetical-order \
    --disable-rule top-level-properties-order --disable-rule service-dependencies-alphabetical-order \
    --disable-rule require-quotes-in-ports --disable-rule no-unbound-port-interfaces
fi

# --- nginx ----------------------------------------------------------------------------------------
# nginx_prefix NAME: a prefix with the test wrapper and learngrid.conf, learngrid-server.conf as
# nginx reads them there (node names as loopback addresses, which must resolve; logs in the prefix).
nginx_prefix() {
  local prefix="$work/$1"
  mkdir -p "$prefix/conf" "$prefix/logs" "$prefix/tmp"
  cp "$here/nginx/test-wrapper.conf" "$prefix/conf/nginx.conf"
  : >"$prefix/conf/extra.test.conf"
  sed -e 's/server node\([0-9]*\):8080/server 127.0.0.1:1808\1/' \
      "$here/nginx/learngrid.conf" >"$prefix/conf/learngrid.test.conf"
  sed -e 's#access_log /var/log/nginx/access.log#access_log logs/access.log#' \
      "$here/nginx/learngrid-server.conf" >"$prefix/conf/learngrid-server.conf"
}
nginx_syntax() {
  nginx_prefix nginx
  nginx -t -p "$work/nginx/" -c conf/nginx.conf -e "$work/nginx/logs/error.log"
}
# The TLS servers as compose runs them, with a pair from bin/tls-selfsigned where the certificate
# files are mounted. nginx -t loads the certificate and key (a mismatch fails), and reports the
# stapling of a certificate without an OCSP responder as a warning, not an error.
nginx_tls_syntax() {
  nginx_prefix nginx-tls
  local prefix="$work/nginx-tls"
  bash "$repo/bin/tls-selfsigned" "$prefix/tls" >/dev/null || return 1
  sed -e "s#/etc/nginx/tls/#$prefix/tls/#" \
      -e 's#access_log /var/log/nginx/access.log#access_log logs/access.log#' \
      "$here/nginx/tls.conf" >"$prefix/conf/extra.test.conf"
  nginx -t -p "$prefix/" -c conf/nginx.conf -e "$prefix/logs/error.log"
}
if need nginx; then
  check "nginx: nginx -t (learngrid.conf in test-wrapper.conf)" nginx_syntax
  if need openssl; then
    check "nginx: nginx -t of tls.conf with a certificate from bin/tls-selfsigned" nginx_tls_syntax
  fi
fi

# --- Prometheus -----------------------------------------------------------------------------------
if need promtool; then
  check "prometheus: promtool check config" promtool check config "$here/prometheus/prometheus.yml"
  check "prometheus: promtool check rules" promtool check rules "$here/prometheus/alerts.yml"
  check "prometheus: promtool test rules (alerts.test.yml)" \
    bash -c 'cd "$1" && promtool test rules alerts.test.yml' _ "$here/prometheus"
fi

# --- Alertmanager ---------------------------------------------------------------------------------
alertmanager_render() {
  env ALERTMANAGER_SMTP_SMARTHOST=smtp.example.org:587 ALERTMANAGER_SMTP_FROM=alerts@example.org \
    ALERTMANAGER_SMTP_USERNAME=alerts ALERTMANAGER_SMTP_PASSWORD="it's-a-secret" \
    ALERTMANAGER_EMAIL_TO=ops@example.org ALERTMANAGER_PAGE_WEBHOOK_URL=https://pager.example.org/hook \
    RENDER_ONLY=1 RENDER_TEMPLATE="$here/alertmanager/alertmanager.yml" RENDER_OUT="$work/alertmanager.yml" \
    sh "$here/alertmanager/render.sh"
}
# route RECEIVERS LABEL=VALUE...: the receivers an alert with these labels goes to, in order.
alertmanager_route() {
  local receivers="$1"
  shift
  amtool config routes test --config.file="$work/alertmanager.yml" --verify.receivers="$receivers" "$@"
}
if need amtool; then
  check "alertmanager: render.sh fills in alertmanager.yml" alertmanager_render
  check "alertmanager: amtool check-config" amtool check-config "$work/alertmanager.yml"
  check "alertmanager: critical pages and mails, warning and info only mail" bash -c '
    set -e
    '"$(declare -f alertmanager_route)"'
    work="$1"
    alertmanager_route page,email severity=critical alertname=LearngridNodeDown service=learngrid
    alertmanager_route email severity=warning alertname=LearngridHighErrorRate service=learngrid
    alertmanager_route email severity=info alertname=LearngridLatencyHistogramMissing service=learngrid' _ "$work"
fi

# --- blackbox_exporter ----------------------------------------------------------------------------
if need prometheus-blackbox-exporter; then
  check "blackbox: blackbox.yml" prometheus-blackbox-exporter --config.check --config.file="$here/blackbox/blackbox.yml"
fi

# --- Grafana --------------------------------------------------------------------------------------
grafana_dashboards() {
  python3 - "$here/grafana" "$work/dashboard-rules.yml" <<'PY'
import json, pathlib, re, sys
root, rules_out = pathlib.Path(sys.argv[1]), sys.argv[2]
uids = set(re.findall(r"^\s*uid:\s*(\S+)", (root / "provisioning/datasources/prometheus.yaml").read_text(), re.M))
problems, exprs = [], []
dashboards = sorted((root / "dashboards").glob("*.json"))
if not dashboards:
    problems.append("no dashboard in grafana/dashboards")
for path in dashboards:
    try:
        board = json.loads(path.read_text())
    except ValueError as e:
        problems.append(f"{path.name}: not JSON: {e}")
        continue
    ids = [p.get("id") for p in board.get("panels", [])]
    if len(ids) != len(set(ids)):
        problems.append(f"{path.name}: panel ids repeat")
    for panel in board.get("panels", []):
        for thing in [panel] + panel.get("targets", []):
            ds = thing.get("datasource")
            if isinstance(ds, dict) and ds.get("type") == "prometheus" and ds.get("uid") not in uids:
                problems.append(f"{path.name}: panel '{panel.get('title')}' uses datasource uid {ds.get('uid')}, provisioned: {sorted(uids)}")
        for target in panel.get("targets", []):
            # Grafana's variables, replaced by what they stand for, so that promtool can parse the query.
            expr = (target["expr"].replace("$__rate_interval", "1m").replace("$__interval", "15s")
                    .replace('=~"$instance"', '=~".*"'))
            exprs.append((path.name, panel.get("title"), expr))
with open(rules_out, "w") as out:
    out.write("groups:\n  - name: dashboard-queries\n    rules:\n")
    for i, (_, _, expr) in enumerate(exprs):
        out.write(f"      - record: dashboard:query{i}\n        expr: {json.dumps(expr)}\n")
print(f"{len(dashboards)} dashboard(s), {len(exprs)} queries")
for p in dict.fromkeys(problems):
    print(p)
sys.exit(1 if problems else 0)
PY
}
if need python3; then
  check "grafana: dashboards are JSON with provisioned datasource uids" grafana_dashboards
  if command -v promtool >/dev/null; then
    check "grafana: every dashboard query is valid PromQL (promtool)" promtool check rules "$work/dashboard-rules.yml"
  fi
fi

# --- metrics --------------------------------------------------------------------------------------
metrics_documented() {
  local names name bad=0
  names="$(grep -ohE '\b(vertx|learngrid|jvm|process|pg|redis|node|container|probe)_[a-z0-9_]+' "$here/prometheus/alerts.yml" "$here/grafana/dashboards/"*.json \
    | sed -E 's/_(bucket|sum|count|max)$//' | sort -u)"
  for name in $names; do
    grep -q "\`$name" "$repo/docs/operations.md" || { echo "$name is used but not listed in docs/operations.md#metrics"; bad=1; }
  done
  return $bad
}
check "metrics: every metric used by alerts and dashboards is listed in docs/operations.md" metrics_documented

echo
if [ "$failures" -gt 0 ]; then
  echo "docker/check.sh: $failures check(s) failed"
  exit 1
fi
echo "docker/check.sh: every check passed"

#!/bin/sh
# Entrypoint of compose.yaml's alertmanager: renders /etc/alertmanager/alertmanager.tmpl.yml (this
# directory's alertmanager.yml) with the ALERTMANAGER_* variables of the environment into
# /alertmanager/alertmanager.yml, then runs Alertmanager with the container's arguments.
# Alertmanager itself reads no environment variables in its configuration. docker/check.sh runs it
# with RENDER_ONLY=1 and its own paths.
#
# Each value lands inside a single-quoted YAML string, where only the quote needs escaping (doubled);
# a variable that is unset stops the start, rather than mailing from an empty address.
set -eu
template="${RENDER_TEMPLATE:-/etc/alertmanager/alertmanager.tmpl.yml}"
out="${RENDER_OUT:-/alertmanager/alertmanager.yml}"

awk -v q="'" '
  {
    line = $0
    result = ""
    while (match(line, /\$\{ALERTMANAGER_[A-Z_]+\}/)) {
      name = substr(line, RSTART + 2, RLENGTH - 3)
      if (!(name in ENVIRON)) {
        print "render.sh: " name " is not set" > "/dev/stderr"
        exit 1
      }
      value = ENVIRON[name]
      gsub(q, q q, value)
      result = result substr(line, 1, RSTART - 1) value
      line = substr(line, RSTART + RLENGTH)
    }
    print result line
  }
' "$template" >"$out.tmp"
mv "$out.tmp" "$out"

[ "${RENDER_ONLY:-0}" = 1 ] && exit 0
exec /bin/alertmanager "$@"

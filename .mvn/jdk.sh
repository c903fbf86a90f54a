# Sourced by ./mvnw and ./learngrid: learngrid needs a JDK 21 or newer. When JAVA_HOME (or the
# java on PATH) is older, use the newest JDK >= 21 found in the usual install places.
learngrid_java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
}
learngrid_pick_jdk() {
  current="${JAVA_HOME:+$JAVA_HOME/bin/java}"
  [ -n "$current" ] || current="$(command -v java 2>/dev/null)"
  if [ -n "$current" ] && [ "$(learngrid_java_major "$current")" -ge 21 ] 2>/dev/null; then
    return 0
  fi
  best="" best_major=0
  for home in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$home/bin/javac" ] || continue
    major="$(learngrid_java_major "$home/bin/java")"
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best="$home" best_major="$major"
    fi
  done
  if [ -n "$best" ]; then
    export JAVA_HOME="$best"
  else
    echo "learngrid needs a JDK 21 or newer: install one or set JAVA_HOME to it." >&2
    exit 1
  fi
}
learngrid_pick_jdk

# Sourced by ./mvnw, ./learngrid and bin/local-cluster: learngrid needs a JDK 21 or newer. When
# JAVA_HOME (or the java on PATH) is older, use the newest JDK >= 21 found in the usual install places.
# Sets LEARNGRID_JVM_FLAGS: what every JVM of ours gets on that JDK (see learngrid_jvm_flags).
learngrid_java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
}
learngrid_pick_jdk() {
  current="${JAVA_HOME:+$JAVA_HOME/bin/java}"
  [ -n "$current" ] || current="$(command -v java 2>/dev/null)"
  if [ -n "$current" ] && [ "$(learngrid_java_major "$current")" -ge 21 ] 2>/dev/null; then
    learngrid_jvm_flags "$(learngrid_java_major "$current")"
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
    learngrid_jvm_flags "$best_major"
  else
    echo "learngrid needs a JDK 21 or newer: install one or set JAVA_HOME to it." >&2
    exit 1
  fi
}
# JDK 24 and newer print a "terminally deprecated method in sun.misc.Unsafe" warning block when
# Hazelcast (and Maven's own Guice) first touch sun.misc.Unsafe. They use it on purpose, for speed;
# allowing it (JDK 23+, JEP 471) keeps that speed and the start-up quiet. Older JDKs reject the flag.
learngrid_jvm_flags() {
  LEARNGRID_JVM_FLAGS=""
  if [ "$1" -ge 23 ] 2>/dev/null; then
    LEARNGRID_JVM_FLAGS="--sun-misc-unsafe-memory-access=allow"
    case " ${MAVEN_OPTS:-} " in
      *" $LEARNGRID_JVM_FLAGS "*) ;;
      *) export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }$LEARNGRID_JVM_FLAGS" ;;
    esac
  fi
}
learngrid_pick_jdk

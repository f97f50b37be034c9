#!/usr/bin/env bash
# Sourced by ./switchboard and .ci/run: exports JAVA_HOME pointing at a JDK >= 21, or stops with a clear message.
# Order: JAVA_HOME if it is new enough, then the java on PATH, then JDKs under /usr/lib/jvm and /opt.

switchboard_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

switchboard_find_jdk() {
  local candidates=() home major best="" best_major=0
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for home in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/*; do
    [ -d "$home" ] && candidates+=("$home")
  done
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || continue
    major=$(switchboard_java_major "$home")
    [ -n "$major" ] || continue
    # The first candidate that is new enough wins, so an explicit JAVA_HOME >= 21 is respected.
    if [ "$major" -ge 21 ] 2>/dev/null; then
      best="$home"; best_major="$major"; break
    fi
  done
  if [ -z "$best" ]; then
    echo "Switchboard needs a JDK 21 or newer, and none was found (looked at JAVA_HOME, PATH, /usr/lib/jvm, /opt)." >&2
    echo "Install one (e.g. apt-get install openjdk-21-jdk-headless) or set JAVA_HOME to it." >&2
    return 1
  fi
  export JAVA_HOME="$best"
  export PATH="$JAVA_HOME/bin:$PATH"
  echo "Using JDK $best_major at $JAVA_HOME" >&2
}

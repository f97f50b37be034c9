#!/usr/bin/env bash
# Stats-streams benchmark (design.md targets), against a reference measured in the same run:
#   full topology throughput, exactly_once_v2      >= 0.9 x a minimal keyed-count Kafka Streams app, same topic
#   outcome to queryable under load                p99 <= 500 ms
# Loads N synthetic outcomes into a KRaft broker running in its own process, then runs both apps from the start
# of the topic, alternating, in one JVM. Usage: bench/stats/run.sh [outcomes (default 1000000)] [rounds (default 3)]
# BENCH_JVM_OPTS adds options to the benchmark JVM (a JFR recording, say); STATS_VERSIONS (default 200) spreads the
# outcomes over that many versions, STATS_SKEW (e.g. 0.9) sends that share of them to one version (one partition),
# STATS_TASK_IDLE_MS sets Kafka Streams' max.task.idle.ms for both apps (unset: its default, as the app runs).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
count="${1:-1000000}"
rounds="${2:-3}"
. "$here/../lib.sh"
if ! ls "$root"/stats-streams/target/classes/dev/switchboard/stats/daily/DailyStatsTopology.class "$root"/launcher/target/lib >/dev/null 2>&1; then
  (cd "$root" && mvn -B -ntp -q -DskipTests install)
fi

bench_work stats

(cd "$root" && mvn -B -ntp -q -pl stats-streams dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null)

# bench LABEL ROOT CLASSES: one benchmark run on a broker of its own, with ROOT's StatsBench.java and CLASSES first on
# the class path (another build's classes, for a before-and-after comparison).
bench() {
  local label=$1 dir=$2 classes=$3 kafka ctl
  kafka=$(free_port); ctl=$(free_port)
  : > "$work/broker.out"
  start_broker "$kafka" "$ctl" "$work/data-$label"
  echo "[$label] Loading $count outcomes, then the minimal app, the full topology and the latency run (a few minutes)..."
  "$JAVA_HOME/bin/java" -Xmx1g ${BENCH_JVM_OPTS:-} -Dbench.versions="${STATS_VERSIONS:-200}" -Dbench.skew="${STATS_SKEW:-0}" \
    ${STATS_TASK_IDLE_MS:+-Dbench.taskIdleMs="$STATS_TASK_IDLE_MS"} \
    -Dlogback.configurationFile="$here/logback.xml" \
    -cp "$classes:$(cat "$work/cp.txt")" "$dir/bench/stats/StatsBench.java" \
    "127.0.0.1:$kafka" "$count" "$work/state-$label" "$rounds" | tee "$work/$label.md"
  kill "$broker_pid" && wait "$broker_pid" 2>/dev/null || true
}

# BASELINE_ROOT: a checkout of an earlier commit, built (bench/baseline.sh makes one), benchmarked first in the same
# run: its classes ahead of this build's on the class path, with its own StatsBench.java.
if [ -n "${BASELINE_ROOT:-}" ]; then
  bench before "$BASELINE_ROOT" "$BASELINE_ROOT/stats-streams/target/classes:$BASELINE_ROOT/common/target/classes:$BASELINE_ROOT/schemas/target/classes"
fi
bench after "$root" "$root/stats-streams/target/classes"
{
  if [ -n "${BASELINE_ROOT:-}" ]; then
    echo "# Before and after, one run: $BASELINE_ROOT, then this build"
    echo
    echo "| build | throughput ratio to the minimal app (median of the rounds) |"
    echo "| --- | --- |"
    for label in before after; do
      echo "| $label | $(awk -F'|' '/throughput ratio, median/ {gsub(/ /,"",$3); print $3}' "$work/$label.md") |"
    done
    echo
    echo "## Before"; cat "$work/before.md"; echo; echo "## After"
  fi
  cat "$work/after.md"
} > "$report"
echo "Report: $report"

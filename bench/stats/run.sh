#!/usr/bin/env bash
# Stats-streams benchmark (design.md targets), against a reference measured in the same run:
#   full topology throughput, exactly_once_v2      >= 0.7 x a minimal keyed-count Kafka Streams app, same topic
#   outcome to queryable under load                p99 <= 1 s
# Loads N synthetic outcomes into a KRaft broker running in its own process, then runs both apps from the start
# of the topic, alternating, in one JVM. Usage: bench/stats/run.sh [outcomes (default 1000000)] [rounds (default 3)]
# BENCH_JVM_OPTS adds options to the benchmark JVM (a JFR recording, say).
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

kafka=$(free_port); ctl=$(free_port)
start_broker "$kafka" "$ctl"

(cd "$root" && mvn -B -ntp -q -pl stats-streams dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null)
echo "Loading $count outcomes, then the minimal app, the full topology and the latency run (a few minutes)..."
"$JAVA_HOME/bin/java" -Xmx1g ${BENCH_JVM_OPTS:-} -Dlogback.configurationFile="$here/logback.xml" \
  -cp "$root/stats-streams/target/classes:$(cat "$work/cp.txt")" "$here/StatsBench.java" \
  "127.0.0.1:$kafka" "$count" "$work/state" "$rounds" | tee "$report"
echo "Report: $report"

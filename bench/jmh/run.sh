#!/usr/bin/env bash
# The router's micro-benchmarks (JMH): lookup and selection against the number of providers, rollouts and
# experiments (LookupBenchmark, 10 to 10,000 providers), and the request body's parse and rewrite with the bytes
# each request allocates (RequestBodyBenchmark, JMH's gc profiler). Writes the tables to bench/results/jmh-*.md.
# Usage: bench/jmh/run.sh [JMH arguments, e.g. LookupBenchmark -p providers=10,10000]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$root/bin/find-jdk.sh"
switchboard_find_jdk
(cd "$root" && mvn -B -ntp -q ${MVN_OFFLINE:-} -DskipTests install -pl bench/jmh -am)
results="$root/bench/results"; mkdir -p "$results"
report="$results/jmh-$(date -u +%Y%m%dT%H%M%SZ).md"
out="$(mktemp /tmp/switchboard-jmh.XXXXXX)"
"$JAVA_HOME/bin/java" -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" org.openjdk.jmh.Main \
  -prof gc -rf text -rff "$out" "${@:-LookupBenchmark|RequestBodyBenchmark}"
{
  echo "# Router micro-benchmarks, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "Machine: $(nproc) cores; JDK $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1); commit $(git -C "$root" rev-parse --short HEAD)."
  echo "Score: nanoseconds per operation; gc.alloc.rate.norm: bytes allocated per operation."
  echo
  echo '```'
  grep -v -E 'gc\.(count|time|alloc\.rate) ' "$out" || cat "$out"
  echo '```'
} > "$report"
cat "$report"
echo "Report: $report"

#!/usr/bin/env bash
# What an idle router costs its machine and the broker: its threads, its connections to the broker, how often its
# threads are switched in (voluntary and involuntary context switches, a wake-up each, per second), its CPU and the
# broker's CPU while it idles, beside the broker idling alone. With BASELINE_JAR (another build's exec jar, see
# bench/baseline.sh) that router is measured first, the same way, on the same broker.
# Usage: bench/router/idle.sh [seconds per measure (default 30)]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seconds="${1:-30}"
. "$here/../lib.sh"
if ! ls "$root"/routing-service/target/routing-service-*-exec.jar "$root"/launcher/target/lib >/dev/null 2>&1; then
  (cd "$root" && mvn -B -ntp -q -DskipTests install)
fi
bench_work router-idle
kafka=$(free_port); ctl=$(free_port); upstream=$(free_port) # nothing listens upstream: no request is made
start_broker "$kafka" "$ctl"
cat > "$work/providers.yml" <<YAML
switchboard:
  routing:
    providers:
      - category: LLM
        name: Idle
        versions:
          - {version: v1, type: openai, model_name: idle-v1, url: "http://127.0.0.1:$upstream", weight: 90, is_default: true}
          - {version: v2, type: openai, model_name: idle-v2, url: "http://127.0.0.1:$upstream", weight: 10}
YAML

tick_ms=$((1000 / $(getconf CLK_TCK)))
switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {s += $2} END {print s + 0}'; }
per_second() { awk -v d="$1" -v s="$seconds" 'BEGIN {printf "%.0f", d / s}'; }

# measure LABEL [PID]: a row of the report, over $seconds of idling (the broker alone when no PID).
measure() {
  local label=$1 pid=${2:-} s0 s1 t0 t1 b0 b1 threads="-" connections="-" switches_s="-" cpu="-"
  b0=$(cpu_ticks "$kafka_pid")
  if [ -n "$pid" ]; then s0=$(switches "$pid"); t0=$(cpu_ticks "$pid"); fi
  sleep "$seconds"
  b1=$(cpu_ticks "$kafka_pid")
  if [ -n "$pid" ]; then
    s1=$(switches "$pid"); t1=$(cpu_ticks "$pid")
    threads=$(awk '/^Threads/ {print $2}' "/proc/$pid/status")
    connections=$(ss -Htnp state established "( dport = :$kafka )" | grep -c "pid=$pid," || true)
    switches_s=$(per_second $((s1 - s0)))
    cpu=$(per_second $(((t1 - t0) * tick_ms)))
  fi
  echo "| $label | $threads | $connections | $switches_s | $cpu | $(per_second $(((b1 - b0) * tick_ms))) |" | tee -a "$work/rows.md"
}

router_idle() { # LABEL JAR
  local port; port=$(free_port)
  start_router "$port" "$kafka" "$work/providers.yml" "$2"
  sleep 15 # past start-up: the views caught up, the JIT quiet
  measure "$1" "$router_pid"
  kill "$router_pid"; wait "$router_pid" 2>/dev/null || true
}

echo "Idling for $seconds s per measure..."
measure "broker alone"
if [ -n "${BASELINE_JAR:-}" ]; then
  router_idle "router, $(basename "$(dirname "$(dirname "$(dirname "$BASELINE_JAR")")")")" "$BASELINE_JAR"
fi
router_idle "router, this build ($(git -C "$root" rev-parse --short HEAD))" "$(ls "$root"/routing-service/target/routing-service-*-exec.jar | head -n 1)"
{
  echo "# An idle router, $(date -u +%Y-%m-%dT%H:%MZ), $seconds s a measure"
  echo
  echo "| what idles | threads | connections to the broker | context switches/s | CPU ms/s | the broker's CPU ms/s |"
  echo "| --- | --- | --- | --- | --- | --- |"
  cat "$work/rows.md"
} > "$report"
echo "Report: $report"

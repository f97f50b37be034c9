#!/usr/bin/env bash
# Shadow mode benchmark (issue 6): the baseline's latency with every request mirrored to a shadow candidate,
# against the same without mirroring, in the same run. The baseline is nginx answering at once; the candidate is
# nginx answering after 300 ms, so shadow calls are always in flight while the baseline is measured. Rounds
# alternate off and on (4 connections each, SHADOW_BENCH_CONNECTIONS: below what saturates the 2 cores, where any extra work shows as latency), and the medians of their p50 and p99 are compared.
# Needs nginx, libnginx-mod-http-echo and wrk. Usage: bench/shadow/run.sh [seconds per round (15)] [rounds (3)]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
duration="${1:-15}"
rounds="${2:-3}"
conns="${SHADOW_BENCH_CONNECTIONS:-4}"
. "$here/../lib.sh"
bench_require_http_tools
if ! ls "$root"/routing-service/target/routing-service-*-exec.jar "$root"/launcher/target/lib >/dev/null 2>&1; then
  (cd "$root" && mvn -B -ntp -q -DskipTests install)
fi

bench_work shadow

baseline=$(free_port); candidate=$(free_port); router=$(free_port); kafka=$(free_port); ctl=$(free_port)
answer='{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"bench","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?"},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":9,"total_tokens":18}}'
cat > "$work/nginx.conf" <<NGINX
load_module $echo_module;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 20000; }
http {
  access_log off;
  keepalive_requests 10000;
  server { listen 127.0.0.1:$baseline; location / { default_type application/json; return 200 '$answer'; } }
  server { listen 127.0.0.1:$candidate; location / { default_type application/json; echo_read_request_body; echo_sleep 0.3; echo '$answer'; } }
}
NGINX
nginx -c "$work/nginx.conf"

start_broker "$kafka" "$ctl"

cat > "$work/providers.yml" <<YAML
switchboard:
  routing:
    providers:
      - category: LLM
        name: Shadow
        versions:
          - {version: v1, type: openai, model_name: baseline, url: "http://127.0.0.1:$baseline", weight: 100, is_default: true}
          - {version: v2, type: openai, model_name: candidate, url: "http://127.0.0.1:$candidate", weight: 0}
YAML
start_router "$router" "$kafka" "$work/providers.yml"

shadow() { # on|off
  local body='{"enabled": false}'
  [ "$1" = on ] && body='{"candidate": "v2", "percentage": 100}'
  curl -sf -X PUT -H "Authorization: Bearer bench-admin" -H 'Content-Type: application/json' -d "$body" \
    "http://127.0.0.1:$router/api/system-configs/provider/LLM/Shadow/shadow" > /dev/null
}
wrk_run() { wrk -t2 -c"$conns" -d"$2s" --latency -s "$here/post.lua" "http://127.0.0.1:$router/v1/chat/completions" > "$work/$1.txt" 2>&1; }
metric() { curl -s "http://127.0.0.1:$router/actuator/prometheus" | awk -v m="$1" 'index($0, m) == 1 {s+=$NF} END {printf "%d", s}'; }

echo "Warming up 60s (shadow on, then off)..."
shadow on; wrk_run warm-on 30
shadow off; wrk_run warm-off 30
for round in $(seq 1 "$rounds"); do
  shadow off; wrk_run "off-$round" "$duration"
  shadow on; wrk_run "on-$round" "$duration"
  echo "  round $round: p50 off $(pct_of "off-$round" 50%) ms / on $(pct_of "on-$round" 50%) ms, p99 off $(pct_of "off-$round" 99%) ms / on $(pct_of "on-$round" 99%) ms"
done
shadow off
p50_off=$(for r in $(seq 1 "$rounds"); do pct_of "off-$r" 50%; done | median)
p50_on=$(for r in $(seq 1 "$rounds"); do pct_of "on-$r" 50%; done | median)
p99_off=$(for r in $(seq 1 "$rounds"); do pct_of "off-$r" 99%; done | median)
p99_on=$(for r in $(seq 1 "$rounds"); do pct_of "on-$r" 99%; done | median)
errs_on=$(for r in $(seq 1 "$rounds"); do errors "on-$r"; done | paste -sd+ | bc)
comparisons=$(metric 'switchboard_events_accepted_total{topic="switchboard.shadow-comparisons"')
{
  echo "# Shadow mode benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "Baseline answers at once; the shadow candidate after 300 ms. wrk: 2 threads, $conns connections, ${duration}s per round, $rounds rounds alternating off and on; medians of the rounds."
  echo
  echo "| baseline latency | shadow off | shadow on (100%) | on / off |"
  echo "| --- | --- | --- | --- |"
  echo "| p50 (ms) | $p50_off | $p50_on | $(awk -v a="$p50_on" -v b="$p50_off" 'BEGIN {printf "%.2f", a/b}') |"
  echo "| p99 (ms) | $p99_off | $p99_on | $(awk -v a="$p99_on" -v b="$p99_off" 'BEGIN {printf "%.2f", a/b}') |"
  echo "| throughput (req/s) | $(for r in $(seq 1 "$rounds"); do rps "off-$r"; done | median) | $(for r in $(seq 1 "$rounds"); do rps "on-$r"; done | median) | |"
  echo
  echo "Client errors with shadow on: $errs_on. Shadow comparisons recorded: $comparisons."
} | tee "$report"
echo "Report: $report"

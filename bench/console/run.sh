#!/usr/bin/env bash
# Console benchmark (issue 15): with 50 providers of 5 versions each and client traffic on all of them, how fast the
# providers view's data answers (GET /api/console/providers: the routing table, health, and every version's last
# 5 minutes gathered from stats-streams) against the cheapest admin answer in the same run (GET
# /api/console/session, the same token check and nothing else), and how soon the page is usable in Debian's
# headless Chromium. Broker, stats-streams, prober and router are real processes; nginx answers as every upstream.
# Needs nginx, libnginx-mod-http-echo, wrk, chromium and chromium-driver.
# Usage: bench/console/run.sh [seconds per measurement (30)] [page loads (10)]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
duration="${1:-30}"
loads="${2:-10}"
. "$here/../lib.sh"
bench_require_http_tools
for tool in chromium chromedriver; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install -y chromium chromium-driver" >&2; exit 2; }
done
if ! ls "$root"/routing-service/target/routing-service-*-exec.jar "$root"/stats-streams/target/stats-streams-*-exec.jar \
      "$root"/health-prober/target/health-prober-*-exec.jar "$root"/launcher/target/lib >/dev/null 2>&1; then
  (cd "$root" && mvn -B -ntp -q -DskipTests install)
fi

bench_work console
upstream=$(free_port); router=$(free_port); stats=$(free_port); prober=$(free_port); kafka=$(free_port)
ctl=$(free_port); chromedriver_port=$(free_port)
answer='{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"bench","choices":[{"index":0,"message":{"role":"assistant","content":"Hello!"},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}'
cat > "$work/nginx.conf" <<NGINX
load_module $echo_module;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  server { listen 127.0.0.1:$upstream; location / { default_type application/json; return 200 '$answer'; } }
}
NGINX
nginx -c "$work/nginx.conf"
start_broker "$kafka" "$ctl"

service() { # NAME PORT ARGS...: a Switchboard service's jar with the benchmark's secrets
  local name=$1 port=$2; shift 2
  KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$kafka SWITCHBOARD_ADMIN_TOKEN=bench-admin SWITCHBOARD_CLIENT_KEYS=bench-key \
    SWITCHBOARD_STATE_DIR="$work/stats-state" \
    "$JAVA_HOME/bin/java" -Xmx512m -jar "$(ls "$root/$name"/target/$name-*-exec.jar | head -n 1)" \
    --server.port="$port" "$@" > "$work/$name.log" 2>&1 &
  pids+=($!)
  until curl -sf "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null; do
    sleep 1; kill -0 "${pids[-1]}" || { tail -50 "$work/$name.log"; exit 1; }
  done
}
service stats-streams "$stats"
service health-prober "$prober" --switchboard.prober.interval=10s --switchboard.prober.stats-url="http://127.0.0.1:$stats"

{
  echo "switchboard:"
  echo "  routing:"
  echo "    stats-url: http://127.0.0.1:$stats"
  echo "    prober-url: http://127.0.0.1:$prober"
  echo "    providers:"
  for p in $(seq -w 1 50); do
    echo "      - category: LLM"
    echo "        name: P$p"
    echo "        versions:"
    for v in 1 2 3 4 5; do
      default=false; [ "$v" = 1 ] && default=true
      echo "          - {version: v$v, type: openai, model_name: m$v, url: \"http://127.0.0.1:$upstream\", weight: 20, is_default: $default}"
    done
  done
} > "$work/providers.yml"
start_router "$router" "$kafka" "$work/providers.yml"

echo "Client traffic on all 250 versions for the whole run; warming up 60 s..."
wrk -t1 -c4 -d$((duration * 3 + 120 + loads * 5))s -s "$here/traffic.lua" "http://127.0.0.1:$router/v1/chat/completions" \
  > "$work/traffic.txt" 2>&1 &
pids+=($!)
admin_get() { # NAME PATH SECONDS
  wrk -t1 -c2 -d"$3s" --latency -s "$here/get.lua" "http://127.0.0.1:$router$2" > "$work/$1.txt" 2>&1
}
admin_get warm-providers "/api/console/providers?minutes=5" 40
admin_get warm-session "/api/console/session" 20
versions=$(curl -s -H "Authorization: Bearer bench-admin" "http://127.0.0.1:$router/api/console/providers?minutes=5" \
  | python3 -c 'import json,sys; d=json.load(sys.stdin)["data"]; print(sum(1 for p in d["providers"] for v in p["versions"] if v.get("traffic",{}).get("requests",0)>0), d["stats"]["available"])')
echo "  versions with traffic in the view: $versions"

admin_get session "/api/console/session" "$duration"
admin_get providers "/api/console/providers?minutes=5" "$duration"
p95() { awk '/^P95_MS/ {print $2}' "$work/$1.txt"; }
non2xx() { awk '/^NON2XX/ {print $2}' "$work/$1.txt"; }
body_kb=$(curl -s -H "Authorization: Bearer bench-admin" "http://127.0.0.1:$router/api/console/providers?minutes=5" | wc -c)

chromedriver --port="$chromedriver_port" > "$work/chromedriver.log" 2>&1 &
pids+=($!)
until curl -sf "http://127.0.0.1:$chromedriver_port/status" >/dev/null; do sleep 0.2; done
python3 "$here/page.py" "http://127.0.0.1:$router" "$chromedriver_port" 50 "$loads" > "$work/page.txt"
usable_median=$(awk '/^USABLE_MS/ {print $2}' "$work/page.txt" | median)
data_median=$(awk '/^USABLE_MS/ {print $6}' "$work/page.txt" | median)
usable_max=$(awk '/^USABLE_MS/ {print $2}' "$work/page.txt" | sort -g | tail -1)
dom_median=$(awk '/^USABLE_MS/ {print $4}' "$work/page.txt" | median)
traffic_rps=$(curl -s -H "Authorization: Bearer bench-admin" "http://127.0.0.1:$router/api/console/providers?minutes=1" \
  | python3 -c 'import json,sys; d=json.load(sys.stdin)["data"]; print(round(sum(v.get("traffic",{}).get("requests_per_second",0) for p in d["providers"] for v in p["versions"])))')

ratio=$(awk -v a="$(p95 providers)" -v b="$(p95 session)" 'BEGIN {printf "%.1f", a / b}')
verdict() { awk -v v="$1" -v t="$2" 'BEGIN {print (v <= t ? "met" : "not met")}'; }
{
  echo "# Console benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "50 providers x 5 versions, every version with client traffic (wrk, 4 connections, $traffic_rps req/s through the router"
  echo "for the whole run), stats-streams, prober and a KRaft broker in their own processes. Admin calls: wrk, 2 connections,"
  echo "${duration}s each. Page: Debian's headless Chromium, $loads loads after one that fills the cache."
  echo
  echo "| measure | value | reference in the same run | target | status |"
  echo "| --- | --- | --- | --- | --- |"
  echo "| providers view data (\`/api/console/providers\`, $((body_kb / 1024)) KB), p50 / p95 / p99 | $(pct_of providers 50%) / $(p95 providers) / $(pct_of providers 99%) ms | session check p95 $(p95 session) ms (x$ratio) | p95 <= 200 ms | $(verdict "$(p95 providers)" 200) |"
  echo "| providers view usable (every panel and row shown), median / worst | $usable_median / $usable_max ms | DOMContentLoaded median $dom_median ms, data in median $data_median ms | < 1000 ms | $(verdict "$usable_max" 1000) |"
  echo "| answers other than 200 | $(non2xx providers) providers, $(non2xx session) session | | 0 | |"
} | tee "$report"
echo "Report: $report"

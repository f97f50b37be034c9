#!/usr/bin/env bash
# Router benchmark, measured against nginx and the Portkey gateway in the same run (issue 21's targets):
#   throughput, non-streaming, 64 connections     router >= 0.7 x nginx as a plain reverse proxy, >= 20 x Portkey
#   added latency at 1 connection                  router p50 - direct p50 <= 0.3 ms, p99 - direct p99 <= 1 ms,
#                                                  and the router's own overhead histogram beside it
#   5,000 concurrent requests, 2 s upstream         0 errors, p99 no worse than nginx's
#   failover at 1 connection                       every request's first attempt refused (or answered 503 at once)
#                                                  and failed over: p99 <= the healthy provider's + 5 ms
# The upstream is nginx itself serving a static chat completion (and, for the slow case, answering after 2 s
# with the echo module). The router runs with outcome events on, a real KRaft broker in its own process, and a
# two-version weighted provider. Needs Debian's nginx, libnginx-mod-http-echo and wrk:
#   apt-get install -y nginx libnginx-mod-http-echo wrk
# Usage: bench/router/run.sh [duration-seconds (default 20)] [throughput rounds (default 3)]
# Environment: BENCH_PARTS (default "throughput floor latency slow portkey failover"; also "clients": the lean client
#              for plain answers against Reactor Netty's) picks the parts to measure; "floor" adds a pass-through
#              proxy made of the router's own HTTP parts and nothing else (bench/jmh's PassThroughProxy), in
#              alternating rounds with nginx: as far as the router could go with those parts on this machine (with
#              "latency", also its latency at 1 connection beside a direct call); "portkey" adds the Portkey gateway
#              (@portkey-ai/gateway from npm, PORTKEY_VERSION, installed once under bench/.portkey) load-balancing the
#              same two upstreams 90/10, in alternating rounds with the router and at 1 connection;
#              ROUTER_JVM_OPTS adds JVM options to the router (a profiler, a GC log);
#              BASELINE_JAR, another build's routing-service exec jar (an earlier commit's, see bench/baseline.sh), adds
#              a part: nginx, that router and this one in alternating rounds, each router's ratio to nginx;
#              BASELINE_JVM_OPTS starts that router with other JVM options than ROUTER_JVM_OPTS (BASELINE_JAR may
#              then be this build's own jar, to measure a JVM option against the same code).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
duration="${1:-20}"
rounds="${2:-3}"
parts=" ${BENCH_PARTS:-throughput floor latency slow portkey failover} "
wants() { [[ "$parts" == *" $1 "* ]]; }
. "$here/../lib.sh"
bench_require_http_tools
if ! ls "$root"/routing-service/target/routing-service-*-exec.jar "$root"/launcher/target/lib >/dev/null 2>&1; then
  (cd "$root" && mvn -B -ntp -q -DskipTests install)
fi
if wants floor && [ ! -f "$root/bench/jmh/target/classpath.txt" ]; then
  (cd "$root" && mvn -B -ntp -q -DskipTests install -pl bench/jmh -am)
fi
ulimit -n 65536 || true

bench_work router

v1=$(free_port); v2=$(free_port); slow=$(free_port); proxy=$(free_port); slow_proxy=$(free_port)
refusing=$(free_port); failing=$(free_port) # nothing listens on the first; the second answers 503 at once
router=$(free_port); kafka=$(free_port); ctl=$(free_port)
quiet_proxy=$(free_port) # nginx without its access log, a second reference for throughput
answer='{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"bench","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?"},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":9,"total_tokens":18}}'

cat > "$work/nginx.conf" <<NGINX
load_module $echo_module;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 20000; multi_accept on; }
http {
  # nginx as shipped logs every request (its combined format, a write a line), as the router writes its request log
  # line a request by default: each proxy does what it does out of the box. The quiet proxy below has no log.
  access_log $work/nginx-access.log combined;
  keepalive_requests 10000;
  upstream static { server 127.0.0.1:$v1; keepalive 128; }
  upstream slow { server 127.0.0.1:$slow; keepalive 5000; }
  server { listen 127.0.0.1:$v1; access_log off; location / { default_type application/json; return 200 '$answer'; } }
  server { listen 127.0.0.1:$v2; access_log off; location / { default_type application/json; return 200 '$answer'; } }
  server { listen 127.0.0.1:$failing; access_log off; location / { default_type application/json; return 503 '{"error":{"message":"overloaded","type":"server_error"}}'; } }
  # The slow upstream stands in for a provider that holds thousands of calls: a burst of 5,000 new connections
  # must not overflow its accept queue (SYN retries would add seconds that are nobody's latency but its own).
  server { listen 127.0.0.1:$slow backlog=8192; access_log off; location / { default_type application/json; echo_read_request_body; echo_sleep 2; echo '$answer'; } }
  server { listen 127.0.0.1:$proxy;
           location / { proxy_pass http://static; proxy_http_version 1.1; proxy_set_header Connection ""; } }
  server { listen 127.0.0.1:$quiet_proxy; access_log off;
           location / { proxy_pass http://static; proxy_http_version 1.1; proxy_set_header Connection ""; } }
  server { listen 127.0.0.1:$slow_proxy backlog=8192;
           location / { proxy_pass http://slow; proxy_http_version 1.1; proxy_set_header Connection ""; } }
}
NGINX
nginx -c "$work/nginx.conf"

start_broker "$kafka" "$ctl"

cat > "$work/providers.yml" <<YAML
switchboard:
  routing:
    providers:
      - category: LLM
        name: Bench
        versions:
          - {version: v1, type: openai, model_name: bench-v1, url: "http://127.0.0.1:$v1", weight: 90, is_default: true}
          - {version: v2, type: openai, model_name: bench-v2, url: "http://127.0.0.1:$v2", weight: 10}
      - category: LLM
        name: Slow
        versions:
          - {version: v1, type: openai, model_name: slow, url: "http://127.0.0.1:$slow", weight: 100, is_default: true}
      - category: LLM
        name: Trial
        versions:
          - {version: a, type: openai, model_name: trial-a, url: "http://127.0.0.1:$v1", weight: 50, is_default: true}
          - {version: b, type: openai, model_name: trial-b, url: "http://127.0.0.1:$v2", weight: 50}
YAML
start_router "$router" "$kafka" "$work/providers.yml"
after_pid=$router_pid

# What production has on the request path: a sticky rollout of v2 at 10% on the benchmark's provider (no judge runs
# here, so it stays at its first step), an experiment running on another provider, and the prober probing.
admin() { curl -sf -X "$1" -H 'Authorization: Bearer bench-admin' -H 'Content-Type: application/json' \
  "http://127.0.0.1:$router$2" ${3:+-d "$3"} > /dev/null || { echo "admin $1 $2 failed" >&2; exit 1; }; }
admin POST /api/rollouts '{"provider": "LLM/Bench", "candidate": "v2", "baseline": "v1", "steps": [{"percentage": 10, "minimum_duration_seconds": 86400}]}'
admin POST /api/experiments '{"experiment_name": "bench-trial", "provider": "LLM/Trial", "model_a": "a", "model_b": "b", "traffic_split": {"model_a": 0.5, "model_b": 0.5}, "success_metric": "success_rate", "duration_days": 1}'
prober=$(free_port)
KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$kafka SWITCHBOARD_ADMIN_TOKEN=bench-admin \
  "$JAVA_HOME/bin/java" -Xmx256m -jar "$(ls "$root"/health-prober/target/health-prober-*-exec.jar | head -n 1)" \
  --server.port="$prober" --switchboard.prober.interval=10s > "$work/prober.log" 2>&1 &
pids+=($!)

wrk_run() { # name url script (under bench/router, or an absolute path) connections seconds extra...
  local name=$1 url=$2 script=$3 conns=$4 secs=$5; shift 5
  [[ "$script" == /* ]] || script="$here/$script"
  wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$script" "$@" "$url" > "$work/$name.txt" 2>&1
}

# wrk_one NAME URL SCRIPT: a latency run at 1 connection (one thread) for the run's duration, into $work/NAME.txt.
wrk_one() {
  local name=$1 url=$2 script=$3
  [[ "$script" == /* ]] || script="$here/$script"
  wrk -t1 -c1 -d"${duration}s" --latency -s "$script" "$url" > "$work/$name.txt"
}

# The Portkey gateway, another LLM gateway, in front of the same two static upstreams, weighted as the router's
# provider is (90/10), its load balancing given in the x-portkey-config header of every request.
portkey=
if wants portkey; then
  portkey_version="${PORTKEY_VERSION:-1.15.2}"
  portkey_home="$root/bench/.portkey/$portkey_version"
  if [ ! -f "$portkey_home/node_modules/@portkey-ai/gateway/build/start-server.js" ]; then
    command -v npm >/dev/null || { echo "The portkey part needs Node.js and npm (apt-get install nodejs npm)" >&2; exit 1; }
    echo "Installing @portkey-ai/gateway@$portkey_version from npm into $portkey_home..."
    npm install --prefix "$portkey_home" --no-audit --no-fund "@portkey-ai/gateway@$portkey_version" > "$work/npm.log" 2>&1
  fi
  portkey=$(free_port)
  NODE_ENV=production node "$portkey_home/node_modules/@portkey-ai/gateway/build/start-server.js" --port="$portkey" \
    --headless > "$work/portkey.log" 2>&1 &
  pids+=($!)
  config='{"strategy":{"mode":"loadbalance"},"targets":[{"provider":"openai","api_key":"bench","custom_host":"http://127.0.0.1:'$v1'/v1","weight":0.9},{"provider":"openai","api_key":"bench","custom_host":"http://127.0.0.1:'$v2'/v1","weight":0.1}]}'
  cat > "$work/post-portkey.lua" <<LUA
-- The router's benchmark request, sent through Portkey with its load-balancing config.
wrk.method = "POST"
wrk.body = '{"model":"bench","messages":[{"role":"user","content":"Say hello"}]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["x-portkey-config"] = '$config'
LUA
  for _ in $(seq 1 60); do
    curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' -H "x-portkey-config: $config" \
      -d '{"model":"bench","messages":[{"role":"user","content":"hi"}]}' "http://127.0.0.1:$portkey/v1/chat/completions" && break
    sleep 1 # Portkey starting
  done
fi

echo "Warming up (JIT, connection pools): 120s on the router, which needs that long on 2 cores..."
# The slow upstream's warm-up first: the thousand calls it holds leave garbage and idle connections behind, which
# the 64-connection warm-up after it outlasts rather than the first measured round.
wrk_run warm-router-slow "http://127.0.0.1:$router/v1/chat/completions" post-slow.lua 1000 10 --timeout 10s
wrk_run warm-nginx-slow "http://127.0.0.1:$slow_proxy/v1/chat/completions" post-slow.lua 1000 10 --timeout 10s
wrk_run warm-router "http://127.0.0.1:$router/v1/chat/completions" post.lua 64 120
wrk_run warm-nginx "http://127.0.0.1:$proxy/v1/chat/completions" post.lua 64 5
if [ -n "$portkey" ]; then
  wrk_run warm-portkey "http://127.0.0.1:$portkey/v1/chat/completions" "$work/post-portkey.lua" 64 30
fi

# cpu_per_request PID TICKS_BEFORE WRK_RUN: microseconds of the process's CPU (user + system) per request of the run.
cpu_per_request() {
  awk -v t="$(( $(cpu_ticks "$1") - $2 ))" -v hz="$(getconf CLK_TCK)" \
    -v n="$(awk '/requests in/ {print $1}' "$work/$3.txt")" 'BEGIN {printf "%.1f\n", 1e6 * t / hz / n}'
}

# round_ratios MEASURED REFERENCE: each round's measured / reference throughput, a line a round.
round_ratios() {
  local round
  for round in $(seq 1 "$rounds"); do
    awk -v m="$(rps "$1-$round")" -v r="$(rps "$2-$round")" 'BEGIN {printf "%.3f\n", m/r}'
  done
}
# median_rps NAME: the median of NAME's rounds' throughput.
median_rps() { local round; for round in $(seq 1 "$rounds"); do rps "$1-$round"; done | median; }

# Alternating rounds, each nginx then the router, and the median of the rounds' ratios: on a shared machine the
# speed drifts over minutes, and a ratio of two runs made seconds apart drifts much less than either figure.
# alternate REFERENCE REF_PORT MEASURED PORT RATIOS_FILE: $rounds alternating 64-connection rounds, the reference
# first, writing each round's measured / reference ratio; then ratio, ref_rps and measured_rps hold the medians.
# A second reference (SECOND and its PORT) runs after the first in each round; ratios_second and second_rps then hold
# the measured side's ratio to it and its median.
alternate() { # ... [the reference's wrk script, default post.lua] [the measured side's pid: its CPU per request] [SECOND PORT]
  local ref=$1 ref_port=$2 measured=$3 port=$4 ratios=$5 ref_script=${6:-post.lua} pid=${7:-} second=${8:-} \
    second_port=${9:-} round ticks broker_ticks
  for round in $(seq 1 "$rounds"); do
    wrk_run "$ref-$round" "http://127.0.0.1:$ref_port/v1/chat/completions" "$ref_script" 64 "$duration"
    [ -z "$second" ] || wrk_run "$second-$round" "http://127.0.0.1:$second_port/v1/chat/completions" "$ref_script" 64 "$duration"
    [ -z "$pid" ] || { ticks=$(cpu_ticks "$pid"); broker_ticks=$(cpu_ticks "$kafka_pid"); }
    wrk_run "$measured-$round" "http://127.0.0.1:$port/v1/chat/completions" post.lua 64 "$duration"
    if [ -n "$pid" ]; then
      cpu_per_request "$pid" "$ticks" "$measured-$round" >> "$work/$measured-cpu.txt"
      # The broker's too: it shares the 2 cores, and taking outcome events is work nginx's requests never cause.
      cpu_per_request "$kafka_pid" "$broker_ticks" "$measured-$round" >> "$work/$measured-broker-cpu.txt"
    fi
    echo "  round $round: $ref $(rps "$ref-$round") req/s, $measured $(rps "$measured-$round") req/s"
  done
  round_ratios "$measured" "$ref" > "$work/$ratios"
  ratio=$(median < "$work/$ratios" | xargs printf "%.2f")
  ref_rps=$(median_rps "$ref")
  measured_rps=$(median_rps "$measured")
  if [ -n "$second" ]; then
    round_ratios "$measured" "$second" > "$work/second-$ratios"
    ratio_second=$(median < "$work/second-$ratios" | xargs printf "%.2f")
    second_rps=$(median_rps "$second")
  fi
}

tput_ratio=-; nginx_rps=-; router_rps=-; quiet_ratio=-; quiet_rps=-
if wants throughput; then
  echo "Throughput at 64 connections: $rounds rounds of ${duration}s each, alternating nginx, nginx without its access log, the router..."
  alternate tput-nginx "$proxy" tput-router "$router" ratios.txt post.lua "$after_pid" tput-nginx-quiet "$quiet_proxy"
  tput_ratio=$ratio; nginx_rps=$ref_rps; router_rps=$measured_rps; quiet_ratio=$ratio_second; quiet_rps=$second_rps
fi

# The floor: Reactor Netty's server and the router's lean upstream client relaying every request as it came, nothing
# else, against nginx in alternating rounds of their own; the router's throughput over the floor's is what its own
# work (keys, routing, the body, events, the request log, metrics) costs.
floor_ratio=-; floor_nginx_rps=-; floor_rps=-; floor_cpu=-
if wants floor; then
  floor=$(free_port)
  "$JAVA_HOME/bin/java" -Xms1g -Xmx1g -cp "$root/bench/jmh/target/classes:$(cat "$root/bench/jmh/target/classpath.txt")" \
    dev.switchboard.routing.proxy.PassThroughProxy "$floor" "http://127.0.0.1:$v1/v1/chat/completions" > "$work/floor.log" 2>&1 &
  floor_pid=$!
  pids+=($floor_pid)
  until grep -q "listening" "$work/floor.log" 2>/dev/null; do sleep 1; kill -0 "$floor_pid" || { cat "$work/floor.log"; exit 1; }; done
  echo "The floor (a pass-through proxy of the router's HTTP parts) against nginx: warming it for 60s, then $rounds rounds..."
  wrk_run warm-floor "http://127.0.0.1:$floor/v1/chat/completions" post.lua 64 60
  alternate floor-nginx "$proxy" floor "$floor" floor-ratios.txt post.lua "$floor_pid"
  floor_ratio=$ratio; floor_nginx_rps=$ref_rps; floor_rps=$measured_rps
  floor_cpu=$(median < "$work/floor-cpu.txt")
  if wants latency; then
    # The floor at 1 connection, beside a direct call made the same minute: what the HTTP parts alone add at p50 and
    # p99 on this machine, doing none of the router's work; the reference for the router's added latency below.
    wrk_one lat-floor-direct "http://127.0.0.1:$v1/v1/chat/completions" post.lua
    wrk_one lat-floor "http://127.0.0.1:$floor/v1/chat/completions" post.lua
  fi
  kill "$floor_pid" 2>/dev/null || true
fi

# The router against Portkey, in alternating rounds of their own.
portkey_ratio=-; portkey_rps=-; router_vs_portkey_rps=-
if [ -n "$portkey" ]; then
  echo "Throughput at 64 connections against Portkey: $rounds rounds of ${duration}s each, alternating..."
  alternate tput-portkey "$portkey" tput-router-pk "$router" portkey-ratios.txt "$work/post-portkey.lua"
  portkey_ratio=$ratio; portkey_rps=$ref_rps; router_vs_portkey_rps=$measured_rps
fi

# One client or two: plain answers through the lean client (the router above) against Reactor Netty's, which streams
# use (a second router with plain-answer-client: reactor), in alternating rounds. Opt in: BENCH_PARTS=clients.
clients_ratio=-; lean_rps=-; reactor_rps=-
if wants clients; then
  reactor_router=$(free_port)
  { cat "$work/providers.yml"; echo "    plain-answer-client: reactor"; } > "$work/providers-reactor.yml"
  start_router "$reactor_router" "$kafka" "$work/providers-reactor.yml"
  echo "Plain answers: the lean client against Reactor Netty's, warming the second router for 120s first..."
  wrk_run warm-reactor "http://127.0.0.1:$reactor_router/v1/chat/completions" post.lua 64 120
  alternate client-lean "$router" client-reactor "$reactor_router" client-ratios.txt
  clients_ratio=$ratio; lean_rps=$ref_rps; reactor_rps=$measured_rps
fi

# Before and after a change, in one run: an earlier build's router (BASELINE_JAR) beside this one, both against
# nginx in three-way alternating rounds, so the two ratios are measured minutes apart at most.
before_ratio=-; after_ratio=-; before_rps=-; after_rps=-; before_cpu=-; after_cpu=-
if [ -n "${BASELINE_JAR:-}" ]; then
  before_router=$(free_port)
  ROUTER_JVM_OPTS="${BASELINE_JVM_OPTS:-${ROUTER_JVM_OPTS:-}}" \
    start_router "$before_router" "$kafka" "$work/providers.yml" "$BASELINE_JAR"
  before_pid=$router_pid
  echo "Before and after: warming the baseline router ($BASELINE_JAR) for 120s first..."
  wrk_run warm-before "http://127.0.0.1:$before_router/v1/chat/completions" post.lua 64 120
  for round in $(seq 1 "$rounds"); do
    # nginx first, then the two routers, in turn first: whichever runs last in a round runs on a warmer machine.
    wrk_run "ba-nginx-$round" "http://127.0.0.1:$proxy/v1/chat/completions" post.lua 64 "$duration"
    if (( round % 2 )); then order="before after"; else order="after before"; fi
    for side in $order; do
      if [ "$side" = before ]; then port=$before_router; pid=$before_pid; else port=$router; pid=$after_pid; fi
      # The router's CPU per request as well: throughput on a shared 2-core machine swings with whatever ran just
      # before (the broker still taking the last run's outcome events), the CPU a request costs much less.
      ticks=$(cpu_ticks "$pid")
      wrk_run "ba-$side-$round" "http://127.0.0.1:$port/v1/chat/completions" post.lua 64 "$duration"
      cpu_per_request "$pid" "$ticks" "ba-$side-$round" >> "$work/ba-$side-cpu.txt"
    done
    echo "  round $round: nginx $(rps "ba-nginx-$round"), before $(rps "ba-before-$round"), after $(rps "ba-after-$round") req/s"
  done
  for side in before after; do
    round_ratios "ba-$side" ba-nginx > "$work/ba-$side-ratios.txt"
  done
  before_ratio=$(median < "$work/ba-before-ratios.txt" | xargs printf "%.2f")
  after_ratio=$(median < "$work/ba-after-ratios.txt" | xargs printf "%.2f")
  before_rps=$(median_rps ba-before)
  after_rps=$(median_rps ba-after)
  before_cpu=$(median < "$work/ba-before-cpu.txt"); after_cpu=$(median < "$work/ba-after-cpu.txt")
fi

# The router's allocation counter (jvm_gc_memory_allocated_bytes_total) moves only when a collection ends, by the
# young generation it found: read as it stands, a 20 s run's figure is off by up to an eden (a few KB a request).
# A collection just before each scrape makes it count exactly the bytes allocated in between.
# (overhead.py sums the counter; here it is enough to see its lines change.)
settled_scrape() { # FILE: a scrape of the router's metrics taken right after a collection has been counted
  local counted
  counted=$(curl -s "http://127.0.0.1:$router/actuator/prometheus" | grep '^jvm_gc_memory_allocated_bytes_total' || true)
  "$JAVA_HOME/bin/jcmd" "$after_pid" GC.run > /dev/null
  for _ in $(seq 1 50); do # Micrometer counts the collection on the JVM's notification thread, just after it
    curl -s "http://127.0.0.1:$router/actuator/prometheus" > "$1"
    [ "$(grep '^jvm_gc_memory_allocated_bytes_total' "$1")" != "$counted" ] && return
    sleep 0.1
  done
  echo "the router's allocation counter did not move after a collection; its figure will be off" >&2
}

if wants latency; then
echo "Latency at 1 connection, ${duration}s each..."
wrk_one lat-direct "http://127.0.0.1:$v1/v1/chat/completions" post.lua
wrk_one lat-nginx "http://127.0.0.1:$proxy/v1/chat/completions" post.lua
if [ -n "$portkey" ]; then
  wrk_one lat-portkey "http://127.0.0.1:$portkey/v1/chat/completions" "$work/post-portkey.lua"
fi
settled_scrape "$work/overhead-before.txt"
wrk_one lat-router "http://127.0.0.1:$router/v1/chat/completions" post.lua
settled_scrape "$work/overhead-after.txt"
# The router's own figure for the same requests: its overhead histogram over the run (bucket upper bounds).
read -r overhead50 overhead99 overhead_requests allocated_per_request < <(python3 "$here/overhead.py" "$work/overhead-before.txt" "$work/overhead-after.txt")
fi

if wants slow; then
echo "5,000 concurrent requests against a 2-second upstream, 30s each: direct, nginx, the router..."
# Direct: what wrk and the upstream alone reach on this machine, the floor under both proxies' figures.
wrk_run slow-direct "http://127.0.0.1:$slow/v1/chat/completions" post-slow.lua 5000 30 --timeout 10s
wrk_run slow-nginx "http://127.0.0.1:$slow_proxy/v1/chat/completions" post-slow.lua 5000 30 --timeout 10s
wrk_run slow-router "http://127.0.0.1:$router/v1/chat/completions" post-slow.lua 5000 30 --timeout 10s
fi

# Failover: a provider whose weighted version refuses connections (nothing listens) and one whose weighted version
# answers 503 at once, each with a healthy default of weight 0, so that every request's first attempt fails and is
# failed over; beside a provider with the healthy version alone, all at 1 connection on a router of their own that
# lets every request fail over (retry budget ratio 1) and ejects nothing (outlier detection off), with probing
# stopped, since the prober and the outlier detector would otherwise take the broken versions out of traffic within
# seconds and no request would fail over at all. That is the worst case: the cost of one failed attempt each.
failover_attempts=-
if wants failover; then
  echo "Failover at 1 connection, ${duration}s each: a healthy provider, one refusing connections, one answering 503..."
  curl -sf -X PUT -H 'Authorization: Bearer bench-admin' -H 'Content-Type: application/json' \
    "http://127.0.0.1:$prober/api/health-check/config" -d '{"enabled": false}' > /dev/null
  version() { # name version url weight default
    admin POST /api/system-configs/provider '{"category": "LLM", "name": "'$1'", "version": "'$2'", "type": "openai", "model_name": "bench", "url": "'$3'", "weight": '$4', "is_active": true, "is_default": '$5'}'
  }
  version Healthy h1 "http://127.0.0.1:$v1" 100 true
  version Refusing ok "http://127.0.0.1:$v1" 0 true
  version Refusing down "http://127.0.0.1:$refusing" 100 false
  version Failing ok "http://127.0.0.1:$v1" 0 true
  version Failing down "http://127.0.0.1:$failing" 100 false
  failover_router=$(free_port)
  ROUTER_ARGS="--switchboard.routing.retry-budget.ratio=1 --switchboard.routing.retry-budget.capacity=10000 --switchboard.routing.outliers.consecutive-failures=2000000000" \
    start_router "$failover_router" "$kafka" "$work/providers.yml"
  for provider in Healthy Refusing Failing; do
    sed "s/\"model\":\"Bench\"/\"model\":\"$provider\"/" "$here/post.lua" > "$work/post-$provider.lua"
    until curl -sf -o /dev/null -H 'Authorization: Bearer bench-key' -H 'Content-Type: application/json' \
      -d '{"model":"'$provider'","messages":[{"role":"user","content":"hi"}]}' "http://127.0.0.1:$failover_router/v1/chat/completions"; do sleep 1; done
    wrk_run "warm-failover-$provider" "http://127.0.0.1:$failover_router/v1/chat/completions" "$work/post-$provider.lua" 16 30
  done
  failover_attempts=$(for provider in Refusing Failing; do
    curl -s -D - -o /dev/null -H 'Authorization: Bearer bench-key' -H 'Content-Type: application/json' \
      -d '{"model":"'$provider'","messages":[{"role":"user","content":"hi"}]}' "http://127.0.0.1:$failover_router/v1/chat/completions" \
      | awk -v p="$provider" 'tolower($1) == "x-switchboard-attempts:" {gsub(/\r/, ""); printf "%s %s attempts; ", p, $2}'
  done)
  for provider in Healthy Refusing Failing; do
    wrk_one "failover-$provider" "http://127.0.0.1:$failover_router/v1/chat/completions" "$work/post-$provider.lua"
  done
fi

metrics=$(curl -s "http://127.0.0.1:$router/actuator/prometheus")
delivered=$(echo "$metrics" | awk '/^switchboard_events_delivered_total/ {s+=$2} END {print s+0}')
dropped=$(echo "$metrics" | awk '/^switchboard_events_dropped_total/ {s+=$2} END {print s+0}')

# A part not measured reads as "-" and is not judged.
pct() { [ -f "$work/$1.txt" ] && pct_of "$@" || echo -; }
requests() { [ -f "$work/$1.txt" ] && awk '/requests in/ {print $1}' "$work/$1.txt" || echo -; }
difference() { [ "$1" = - ] || [ "$2" = - ] && echo - || awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a-b}'; }
added50=$(difference "$(pct lat-router 50%)" "$(pct lat-direct 50%)")
added99=$(difference "$(pct lat-router 99%)" "$(pct lat-direct 99%)")
slow_p99=$(pct slow-router 99%)
nginx_slow_p99=$(pct slow-nginx 99%)
refused_added99=$(difference "$(pct failover-Refusing 99%)" "$(pct failover-Healthy 99%)")
failing_added99=$(difference "$(pct failover-Failing 99%)" "$(pct failover-Healthy 99%)")
verdict() { [ "$1" = - ] && echo "not measured" || awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN { ok = (op == ">=" ? v >= t : v <= t); print (ok ? "met" : "MISSED") }'; }
slow_errors=$( [ -f "$work/slow-router.txt" ] && errors slow-router || echo -)
nginx_slow_errors=$( [ -f "$work/slow-nginx.txt" ] && errors slow-nginx || echo -)

{
  echo "# Router benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "Machine: $(nproc) cores; JDK $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1); $(nginx -v 2>&1); wrk; broker in its own process; outcome events on."
  echo "Commit: $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- . 2>/dev/null || echo ' with changes')."
  echo "Provider: 2 versions weighted 90/10 in front of nginx static answers, a sticky rollout of v2 at 10% on it, an experiment running on another provider, the prober probing. Each wrk run: 2 threads, ${duration}s after warm-up."
  echo "Throughput: $rounds alternating rounds (nginx, nginx without its access log, then the router); the ratio is the median of the rounds' ratios."
  echo
  echo "| measure | nginx (reverse proxy, its access log on as shipped) | router | target | result |"
  echo "| --- | --- | --- | --- | --- |"
  echo "| throughput, 64 connections (req/s, median of $rounds rounds) | $nginx_rps | $router_rps | router >= 0.7 x nginx | median ratio $tput_ratio ($(paste -sd' ' "$work/ratios.txt" 2>/dev/null)): $(verdict "$tput_ratio" 0.7 '>=') |"
  echo "| throughput against nginx without its access log (req/s, median of $rounds rounds, run beside the above) | $quiet_rps | $router_rps | - | median ratio $quiet_ratio ($(paste -sd' ' "$work/second-ratios.txt" 2>/dev/null)) |"
  echo "| the floor: Reactor Netty's server and the router's lean client relaying as it came, nothing else (req/s, median of $rounds rounds; CPU per request $floor_cpu µs) | $floor_nginx_rps | floor $floor_rps | - | floor / nginx $floor_ratio ($(paste -sd' ' "$work/floor-ratios.txt" 2>/dev/null)); router / floor $( [ "$floor_rps" = - ] || [ "$router_rps" = - ] && echo - || awk -v r="$router_rps" -v f="$floor_rps" 'BEGIN {printf "%.2f", r/f}') |"
  echo "| the router's CPU per request in those rounds (microseconds, user + system, all its threads) | - | $( [ -f "$work/tput-router-cpu.txt" ] && median < "$work/tput-router-cpu.txt" || echo -) ($(paste -sd' ' "$work/tput-router-cpu.txt" 2>/dev/null)) | - | - |"
  echo "| the broker's CPU per router request in those rounds, taking the outcome events (microseconds) | - | $( [ -f "$work/tput-router-broker-cpu.txt" ] && median < "$work/tput-router-broker-cpu.txt" || echo -) ($(paste -sd' ' "$work/tput-router-broker-cpu.txt" 2>/dev/null)) | - | - |"
  echo "| latency p50, 1 connection (ms); direct $(pct lat-direct 50%) | $(pct lat-nginx 50%) | $(pct lat-router 50%) | added <= 0.3 ms | added $added50: $(verdict "$added50" 0.3 '<=') |"
  echo "| latency p99, 1 connection (ms); direct $(pct lat-direct 99%) | $(pct lat-nginx 99%) | $(pct lat-router 99%) | added <= 1 ms | added $added99: $(verdict "$added99" 1 '<=') |"
  echo "| the floor at 1 connection, p50 / p99 (ms), beside a direct call made the same minute | direct $(pct lat-floor-direct 50%) / $(pct lat-floor-direct 99%) | floor $(pct lat-floor 50%) / $(pct lat-floor 99%) | - | the floor's added p50 / p99: $(difference "$(pct lat-floor 50%)" "$(pct lat-floor-direct 50%)") / $(difference "$(pct lat-floor 99%)" "$(pct lat-floor-direct 99%)") |"
  echo "| the router's own overhead histogram over the 1-connection run, p50 / p99 (ms, bucket upper bounds; ${overhead_requests:--} requests) | - | ${overhead50:--} / ${overhead99:--} | beside the added latency above | - |"
  echo "| the router's allocation per request over the 1-connection run (bytes, all its threads) | - | ${allocated_per_request:--} | half of the ~24 KB measured before (issue 21) | $( [ -z "${allocated_per_request:-}" ] && echo "not measured" || verdict "$allocated_per_request" 12000 '<=') |"
  echo "| 5,000 concurrent, 2 s upstream: p99 (ms); direct $(pct slow-direct 99%) | $nginx_slow_p99 | $slow_p99 | <= nginx's | $( [ "$nginx_slow_p99" = - ] && echo "not measured" || verdict "$slow_p99" "$nginx_slow_p99" '<=') |"
  echo "| 5,000 concurrent: errors / requests | $nginx_slow_errors / $(requests slow-nginx) | $slow_errors / $(requests slow-router) | 0 errors | $(verdict "$slow_errors" 0 '<=') |"
  echo "| before and after: ${BASELINE_JAR:-no baseline} vs this build, each / nginx (req/s, median of $rounds three-way rounds) | - | before $before_rps, after $after_rps | after within noise of before, or better | before $before_ratio ($(paste -sd' ' "$work/ba-before-ratios.txt" 2>/dev/null)), after $after_ratio ($(paste -sd' ' "$work/ba-after-ratios.txt" 2>/dev/null)) |"
  echo "| before and after: the router's CPU per request (microseconds, user + system, median of $rounds rounds) | - | before $before_cpu, after $after_cpu | after within noise of before, or less | before ($(paste -sd' ' "$work/ba-before-cpu.txt" 2>/dev/null)), after ($(paste -sd' ' "$work/ba-after-cpu.txt" 2>/dev/null)) |"
  echo "| against Portkey $([ -n "$portkey" ] && echo "$portkey_version"): throughput, 64 connections (req/s, median of $rounds rounds) | Portkey $portkey_rps | $router_vs_portkey_rps | router >= 20 x Portkey | median ratio $portkey_ratio ($(paste -sd' ' "$work/portkey-ratios.txt" 2>/dev/null)): $(verdict "$portkey_ratio" 20 '>=') |"
  echo "| against Portkey: latency p50 / p99, 1 connection (ms) | Portkey $(pct lat-portkey 50%) / $(pct lat-portkey 99%) | $(pct lat-router 50%) / $(pct lat-router 99%) | - | added over direct: Portkey $(difference "$(pct lat-portkey 50%)" "$(pct lat-direct 50%)") / $(difference "$(pct lat-portkey 99%)" "$(pct lat-direct 99%)"), router $added50 / $added99 |"
  echo "| failover, 1 connection: p50 / p99 (ms) of a healthy provider; of one whose weighted version refuses connections; of one whose weighted version answers 503 ($failover_attempts) | - | healthy $(pct failover-Healthy 50%) / $(pct failover-Healthy 99%); refusing $(pct failover-Refusing 50%) / $(pct failover-Refusing 99%); 503 $(pct failover-Failing 50%) / $(pct failover-Failing 99%) | added p99 < 5 ms | refusing +$refused_added99: $(verdict "$refused_added99" 5 '<='); 503 +$failing_added99: $(verdict "$failing_added99" 5 '<=') |"
  echo "| plain answers, 64 connections: lean client vs Reactor Netty's (req/s, median of $rounds rounds) | lean $lean_rps | reactor $reactor_rps | two clients only if the lean one is faster | reactor / lean $clients_ratio ($(paste -sd' ' "$work/client-ratios.txt" 2>/dev/null)) |"
  echo
  echo "Outcome events delivered to Kafka: $delivered; dropped: $dropped."
  echo
  for run in $(for round in $(seq 1 "$rounds"); do echo "tput-nginx-$round tput-nginx-quiet-$round tput-router-$round floor-nginx-$round floor-$round tput-portkey-$round tput-router-pk-$round client-lean-$round client-reactor-$round ba-nginx-$round ba-before-$round ba-after-$round"; done) lat-floor-direct lat-floor lat-direct lat-nginx lat-router lat-portkey slow-direct slow-nginx slow-router failover-Healthy failover-Refusing failover-Failing; do
    [ -f "$work/$run.txt" ] || continue
    echo "<details><summary>wrk output: $run</summary>"; echo; echo '```'; cat "$work/$run.txt"; echo '```'; echo "</details>"; echo
  done
} > "$report"
sed -n '1,15p' "$report"
echo "Full report: $report"

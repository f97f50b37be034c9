# Shared by the benchmark scripts under bench/ (sourced, not run): the JDK, a work folder and its clean-up, free
# ports, the KRaft broker and the router as child processes, and reading wrk's output.
# Expects $root (the checkout) to be set by the script that sources it.

. "$root/bin/find-jdk.sh"
switchboard_find_jdk

# The tools the HTTP benchmarks drive: nginx with its echo module (upstreams that answer late) and wrk.
bench_require_http_tools() {
  for tool in nginx wrk; do
    command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install -y nginx libnginx-mod-http-echo wrk" >&2; exit 2; }
  done
  echo_module=/usr/lib/nginx/modules/ngx_http_echo_module.so
  [ -f "$echo_module" ] || { echo "nginx echo module missing: apt-get install -y libnginx-mod-http-echo" >&2; exit 2; }
}

# bench_work NAME: a fresh $work folder, the $report file under bench/results, and the clean-up of every child
# process in $pids (and of nginx, if the script started one in $work) when the script exits.
bench_work() {
  work="$(mktemp -d "/tmp/switchboard-$1-bench.XXXXXX")"
  results="$root/bench/results"; mkdir -p "$results"
  report="$results/$1-$(date -u +%Y%m%dT%H%M%SZ).md"
  pids=()
  trap bench_cleanup EXIT
}

bench_cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# start_broker KAFKA_PORT CONTROLLER_PORT: the launcher's single-node KRaft broker, with Switchboard's topics,
# in its own process; returns once it is ready.
start_broker() { # port controller-port [data directory, default $work/data]
  SWITCHBOARD_DATA_DIR="${3:-$work/data}" KAFKA_PORT=$1 KAFKA_CONTROLLER_PORT=$2 \
    "$JAVA_HOME/bin/java" -Dswitchboard.home="$root" \
    -cp "$root/launcher/target/lib/*:$(ls "$root"/launcher/target/launcher-*.jar | head -n 1)" \
    dev.switchboard.launcher.LocalBroker > "$work/broker.out" 2>&1 &
  broker_pid=$!
  pids+=($broker_pid)
  until grep -q "Kafka is ready" "$work/broker.out" 2>/dev/null; do sleep 1; kill -0 "$broker_pid" || { cat "$work/broker.out"; exit 1; }; done
  # The launcher runs Kafka itself as a child process: that one's CPU is the broker's.
  kafka_pid=$(pgrep -P "$broker_pid" java | head -n 1 || true)
  kafka_pid=${kafka_pid:-$broker_pid}
}

# start_router PORT KAFKA_PORT PROVIDERS_YAML: the router's jar with the benchmark's keys (and ROUTER_JVM_OPTS, and
# ROUTER_ARGS: more of its settings); returns once it answers.
start_router() { # port kafka-port providers.yml [exec jar, default this checkout's]
  local jar="${4:-$(ls "$root"/routing-service/target/routing-service-*-exec.jar | head -n 1)}"
  KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$2 SWITCHBOARD_ADMIN_TOKEN=bench-admin SWITCHBOARD_CLIENT_KEYS=bench-key \
    "$JAVA_HOME/bin/java" -Xms1g -Xmx1g ${ROUTER_JVM_OPTS:-} -jar "$jar" \
    --server.port=$1 --spring.config.additional-location="file:$3" \
    --switchboard.routing.outcome-buffer=100000 ${ROUTER_ARGS:-} > "$work/router-$1.log" 2>&1 &
  local pid=$!
  pids+=($pid)
  router_pid=$pid
  until curl -sf "http://127.0.0.1:$1/actuator/health/readiness" >/dev/null; do sleep 1; kill -0 "$pid" || { tail -50 "$work/router-$1.log"; exit 1; }; done
}

# cpu_ticks PID: the CPU time a process has used so far (user + system), in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# Reading wrk's output in $work/NAME.txt.
rps() { awk '/Requests\/sec/ {print $2}' "$work/$1.txt"; }
pct_of() { # NAME percentile -> milliseconds
  awk -v p="$2" '$1 == p {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; print v}' "$work/$1.txt"
}
errors() { awk '/Socket errors/ {gsub(/,/,""); s=$4+$6+$8+$10} /Non-2xx/ {n=$5} END {print s+n+0}' "$work/$1.txt"; }
median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }

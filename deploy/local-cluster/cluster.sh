#!/usr/bin/env bash
# modehop local cluster: every part of the distributed deployment as its own process on loopback, started
# from the same MODEHOP_* settings compose and the Helm chart give their containers (deploy/README.md).
#
#   deploy/local-cluster/cluster.sh up        build what is missing, start everything, provision the topics
#   deploy/local-cluster/cluster.sh status    one line per process: alive or not, pid, port
#   deploy/local-cluster/cluster.sh down      SIGTERM to every process (SIGKILL after a grace), nothing left
#   deploy/local-cluster/cluster.sh start|stop|kill NAME   one process (kill = SIGKILL), e.g. broker-2, streams-1;
#                                             `start streams-3` / `start scorer-3` adds an instance beyond the
#                                             counts (own state dir and ports, same settings), `stop` removes it
#   deploy/local-cluster/cluster.sh env NAME  the environment NAME is started with (also before `up`)
#
# Settings (environment of `up`; written to $MODEHOP_CLUSTER_DIR/cluster.env and reused by later commands):
#   MODEHOP_CLUSTER_DIR        state: data, logs, pids (default deploy/local-cluster/run)
#   MODEHOP_CLUSTER_PORT_BASE  first port of the block of 80 it uses (default 19000; "auto": a free block below the ephemeral port range)
#   MODEHOP_CLUSTER_ENGINE     streams (2 Kafka Streams instances, default) or flink (the job on the session
#                              cluster at parallelism 2); both engines write the same topics, so one at a time
#   MODEHOP_CLUSTER_JAVA       java for the modehop services, Kafka and Flink (default: java on PATH, 17+)
#   MODEHOP_CLUSTER_JAVA21     java 21+ for the Apicurio Registry (default: $MODEHOP_JAVA21_HOME or /usr/lib/jvm)
#   MODEHOP_CLUSTER_SCORERS, MODEHOP_CLUSTER_STREAMS   instance counts (default 2 and 2)
# Any other MODEHOP_* variable set when `up` runs (MODEHOP_RULES_FILE, MODEHOP_TOPIC_PREFIX, ...) reaches
# every service, as compose's shared environment does.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/deploy/local-cluster"
DIR="${MODEHOP_CLUSTER_DIR:-$HERE/run}"
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
ENV_FILE="$DIR/cluster.env"

say() { echo "cluster: $*"; }
fail() { echo -e "cluster: error: $*" >&2; exit 2; }

# ---- settings, fixed at `up` and reused by every later command ------------------------------------
# A block outside the kernel's ephemeral range: a port free now inside it can be taken by any outgoing connection
# (a Kafka client's) before the process meant for it binds (a TaskManager once lost its data port that way).
free_block() {
  local used base p ok low high from span
  used="$(ss -Htln 2>/dev/null | awk '{print $4}' | sed 's/.*://' | sort -u)"
  read -r low high < /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || { low=32768; high=60999; }
  if [ "$low" -ge 12000 ]; then from=10000; span=$(( low - 10000 - 81 )); else from=$(( high + 1 )); span=$(( 65535 - high - 81 )); fi
  [ "$span" -gt 0 ] || fail "no room for a block of 80 ports outside the ephemeral range $low-$high"
  for _ in $(seq 1 50); do
    base=$(( from + (RANDOM * 32768 + RANDOM) % span ))
    ok=1
    for p in $(seq "$base" $((base + 80))); do
      if grep -qx "$p" <<<"$used"; then ok=0; break; fi
    done
    if [ "$ok" = 1 ]; then echo "$base"; return; fi
  done
  fail "no free block of 80 ports found"
}

find_java21() {
  if [ -n "${MODEHOP_CLUSTER_JAVA21:-}" ]; then echo "$MODEHOP_CLUSTER_JAVA21"; return; fi
  if [ -n "${MODEHOP_JAVA21_HOME:-}" ] && [ -x "$MODEHOP_JAVA21_HOME/bin/java" ]; then echo "$MODEHOP_JAVA21_HOME/bin/java"; return; fi
  local j
  for j in $(ls -d /usr/lib/jvm/* 2>/dev/null | grep -E -- '-(2[1-9]|[3-9][0-9])([-.]|$)' | sort -r); do
    if [ -x "$j/bin/java" ]; then echo "$j/bin/java"; return; fi
  done
  echo ""
}

write_settings() {
  local base="${MODEHOP_CLUSTER_PORT_BASE:-19000}"
  if [ "$base" = auto ]; then base="$(free_block)"; fi
  {
    echo "BASE=$base"
    echo "ENGINE=${MODEHOP_CLUSTER_ENGINE:-streams}"
    echo "JAVA=${MODEHOP_CLUSTER_JAVA:-java}"
    echo "JAVA21=$(find_java21)"
    echo "SCORERS=${MODEHOP_CLUSTER_SCORERS:-2}"
    echo "STREAMS=${MODEHOP_CLUSTER_STREAMS:-2}"
    # The caller's MODEHOP_* settings for every service (quoted for `source`).
    env | grep -E '^MODEHOP_' | grep -vE '^MODEHOP_(CLUSTER_|JAVA21_HOME)' | while IFS='=' read -r k v; do
      printf 'SHARED_%s=%q\n' "$k" "$v"
    done || true
  } >"$ENV_FILE"
}

load_settings() {
  [ -f "$ENV_FILE" ] || fail "no cluster in $DIR (run 'up' first)"
  # shellcheck disable=SC1090
  source "$ENV_FILE"
  JAR="$ROOT/launcher/target/modehop.jar"
  FLINK_JAR="$(ls "$ROOT"/stream-jobs/flink/target/modehop-flink-*-job.jar 2>/dev/null | head -n 1 || true)"
  APICURIO_HOME="${MODEHOP_CLUSTER_APICURIO_HOME:-$HERE/target/apicurio}"
  FLINK_LIB="${MODEHOP_CLUSTER_FLINK_LIB:-$HERE/target/flink-lib}"
  broker_port() { echo $((BASE + $1)); }
  controller_port() { echo $((BASE + 10 + $1)); }
  REGISTRY_PORT=$((BASE + 20))
  DASHBOARD_PORT=$((BASE + 30))
  FLINK_REST_PORT=$((BASE + 70))
  BOOTSTRAP="127.0.0.1:$(broker_port 1),127.0.0.1:$(broker_port 2),127.0.0.1:$(broker_port 3)"
  REGISTRY="http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7"
}

# Instances of $1 (streams, scorer) started with `start` beyond the count $2: those with a pid file.
added() {
  ls "$DIR/pids" 2>/dev/null | grep -E "^$1-[0-9]+\$" | awk -F- -v n="$2" '$2 > n' | sort -t- -k2 -n || true
}

# The names of every process of this cluster, in start order.
names() {
  echo broker-1 broker-2 broker-3 registry
  if [ "$ENGINE" = flink ]; then echo jobmanager taskmanager; else seq -f 'streams-%g' 1 "$STREAMS"; added streams "$STREAMS"; fi
  seq -f 'scorer-%g' 1 "$SCORERS"
  added scorer "$SCORERS"
  echo dashboard
}

# streams-N and scorer-N take ports BASE+40+N, BASE+50+N, BASE+60+N: N from 1 to 9 fits the block.
check_instance() {
  case "$1" in
    streams-*|scorer-*) [[ "$(index_of "$1")" =~ ^[1-9]$ ]] || fail "$1: instances are numbered 1 to 9" ;;
  esac
}

index_of() { echo "${1##*-}"; }
health_port() {
  case "$1" in
    dashboard) echo $((BASE + 31)) ;;
    streams-*) echo $((BASE + 40 + $(index_of "$1"))) ;;
    scorer-*) echo $((BASE + 60 + $(index_of "$1"))) ;;
    *) echo "" ;;
  esac
}
main_port() {
  case "$1" in
    broker-*) broker_port "$(index_of "$1")" ;;
    registry) echo "$REGISTRY_PORT" ;;
    jobmanager) echo "$FLINK_REST_PORT" ;;
    taskmanager) echo $((BASE + 73)) ;;
    dashboard) echo "$DASHBOARD_PORT" ;;
    *) health_port "$1" ;;
  esac
}

# ---- what each modehop service is started with: the keys of compose's x-modehop-env plus its own ----
service_env() {
  local name="$1" v
  # Shared first, so a service's own keys win (compose's `<<: *modehop-env` then the service's keys).
  for v in $(compgen -v SHARED_MODEHOP_ || true); do echo "${v#SHARED_}=${!v}"; done
  echo "MODEHOP_BOOTSTRAP_SERVERS=$BOOTSTRAP"
  echo "MODEHOP_REGISTRY_URL=$REGISTRY"
  if [ -n "$(health_port "$name")" ]; then echo "MODEHOP_HEALTH_PORT=$(health_port "$name")"; fi
  case "$name" in
    streams-*)
      local i; i="$(index_of "$name")"
      echo "MODEHOP_SERVICE_NAME=streams"
      echo "MODEHOP_GROUP_ID=modehop-streams"
      echo "MODEHOP_GROUP_INSTANCE_ID=$name"
      echo "MODEHOP_STREAMS_STATE_DIR=$DIR/$name/state"
      echo "MODEHOP_STREAMS_APPLICATION_SERVER=127.0.0.1:$((BASE + 50 + i))"
      echo "MODEHOP_STREAMS_QUERY_HOST=127.0.0.1"
      echo "MODEHOP_STREAMS_QUERY_PORT=$((BASE + 50 + i))"
      echo "MODEHOP_KAFKA_REPLICATION_FACTOR=3"
      ;;
    scorer-*)
      echo "MODEHOP_SERVICE_NAME=scorer"
      echo "MODEHOP_GROUP_ID=modehop-scorer"
      echo "MODEHOP_GROUP_INSTANCE_ID=$name"
      echo "MODEHOP_DEVICE=${SHARED_MODEHOP_DEVICE:-cpu}"
      ;;
    dashboard)
      echo "MODEHOP_SERVICE_NAME=dashboard"
      echo "MODEHOP_GROUP_ID=modehop-dashboard"
      echo "MODEHOP_DASHBOARD_PORT=$DASHBOARD_PORT"
      echo "MODEHOP_DASHBOARD_HOST=127.0.0.1"
      echo "MODEHOP_DASHBOARD_STREAMS_URL=http://127.0.0.1:$((BASE + 51))"
      ;;
    topics-init)
      echo "MODEHOP_SERVICE_NAME=topics-init"
      ;;
  esac
}

# ---- processes ------------------------------------------------------------------------------------
pid_of() { cat "$DIR/pids/$1" 2>/dev/null || true; }
alive() { local p; p="$(pid_of "$1")"; [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

# Starts "$@" as process $name in a session of its own (a terminal's ^C or the caller's death does not
# reach it), output appended to logs/$name.log; the pid is the JVM's.
launch() {
  local name="$1"; shift
  mkdir -p "$DIR/pids" "$DIR/logs"
  echo "=== $(date -u +%FT%TZ) start $name" >>"$DIR/logs/$name.log"
  setsid "$@" >>"$DIR/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$DIR/pids/$name"
}

JVM_SMALL=(-XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -XX:TieredStopAtLevel=1)
AVRO_PACKAGES=-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.modehop.events
# What Flink's own scripts pass on Java 17 (env.java.opts.all of its default configuration): its serializers
# and translators reflect into these packages.
FLINK_OPENS=(--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED)

broker_config() {
  local i="$1" d="$DIR/broker-$1" voters=""
  local j; for j in 1 2 3; do voters="$voters${voters:+,}$j@127.0.0.1:$(controller_port "$j")"; done
  mkdir -p "$d" "$DIR/logs"
  cat >"$d/server.properties" <<EOF
# broker-$i of the modehop local cluster (written by cluster.sh)
process.roles=broker,controller
node.id=$i
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$(broker_port "$i"),CONTROLLER://127.0.0.1:$(controller_port "$i")
advertised.listeners=PLAINTEXT://127.0.0.1:$(broker_port "$i")
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$d/log
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
transaction.state.log.num.partitions=6
share.coordinator.state.topic.replication.factor=3
share.coordinator.state.topic.min.isr=2
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
num.network.threads=2
num.io.threads=2
background.threads=2
log.cleaner.dedupe.buffer.size=2097152
EOF
  if [ ! -f "$d/log/meta.properties" ]; then
    "$JAVA" -Xmx128m -cp "$JAR" kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$d/server.properties" \
      >>"$DIR/logs/broker-$i.log" 2>&1 || fail "formatting broker-$i failed (see $DIR/logs/broker-$i.log)"
  fi
}

flink_config() {
  local d="$DIR/flink"
  mkdir -p "$d/conf" "$d/checkpoints"
  cat >"$d/conf/config.yaml" <<EOF
# The modehop local cluster's Flink session cluster (written by cluster.sh)
jobmanager.rpc.address: 127.0.0.1
jobmanager.rpc.port: $((BASE + 71))
jobmanager.bind-host: 127.0.0.1
jobmanager.memory.process.size: 640m
blob.server.port: $((BASE + 72))
rest.address: 127.0.0.1
rest.bind-address: 127.0.0.1
rest.port: $FLINK_REST_PORT
taskmanager.host: 127.0.0.1
taskmanager.bind-host: 127.0.0.1
taskmanager.rpc.port: $((BASE + 73))
taskmanager.data.port: $((BASE + 74))
taskmanager.numberOfTaskSlots: 2
# Started without Flink's scripts, the TaskManager needs its resources spelled out (the scripts compute them);
# its JVM gets -Xmx = framework + task heap, -XX:MaxDirectMemorySize = the off-heap parts + network.
taskmanager.cpu.cores: 2
taskmanager.memory.framework.heap.size: 64m
taskmanager.memory.task.heap.size: 320m
taskmanager.memory.framework.off-heap.size: 64m
taskmanager.memory.task.off-heap.size: 32m
taskmanager.memory.network.min: 32m
taskmanager.memory.network.max: 32m
taskmanager.memory.managed.size: 32m
taskmanager.memory.jvm-metaspace.size: 160m
taskmanager.memory.jvm-overhead.min: 64m
taskmanager.memory.jvm-overhead.max: 64m
parallelism.default: 2
execution.checkpointing.interval: 2s
state.checkpoints.dir: file://$d/checkpoints
restart-strategy.type: fixed-delay
restart-strategy.fixed-delay.attempts: 1000
restart-strategy.fixed-delay.delay: 2s
heartbeat.timeout: 10000
heartbeat.interval: 2000
web.upload.dir: $d/upload
io.tmp.dirs: $d/tmp
EOF
  mkdir -p "$d/upload" "$d/tmp"
  cat >"$d/conf/log4j2.properties" <<EOF
# Flink's own log to the process's output (logs/jobmanager.log, logs/taskmanager.log)
rootLogger.level = INFO
rootLogger.appenderRef.console.ref = console
appender.console.name = console
appender.console.type = Console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %-5p %c{1} - %m%n
logger.kafka.name = org.apache.kafka
logger.kafka.level = WARN
logger.pekko.name = org.apache.pekko
logger.pekko.level = WARN
EOF
}

start_one() {
  local name="$1"
  if alive "$name"; then say "$name already running (pid $(pid_of "$name"))"; return; fi
  local env_args=()
  mapfile -t env_args < <(service_env "$name")
  case "$name" in
    broker-*)
      broker_config "$(index_of "$name")"
      launch "$name" "$JAVA" -Xmx384m "${JVM_SMALL[@]}" -Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info -cp "$JAR" kafka.Kafka "$DIR/$name/server.properties" ;;
    registry)
      [ -n "$JAVA21" ] || fail "the Apicurio Registry needs Java 21+: set MODEHOP_CLUSTER_JAVA21"
      launch registry "$JAVA21" -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dquarkus.http.port="$REGISTRY_PORT" \
        -Dquarkus.http.host=127.0.0.1 -Dapicurio.storage.kind=sql -Dapicurio.storage.sql.kind=h2 \
        -jar "$APICURIO_HOME/quarkus-run.jar" ;;
    jobmanager)
      flink_config
      launch jobmanager env FLINK_CONF_DIR="$DIR/flink/conf" "$JAVA" -Xmx448m "${JVM_SMALL[@]}" "${FLINK_OPENS[@]}" "$AVRO_PACKAGES" \
        -Dlog4j.configurationFile="$DIR/flink/conf/log4j2.properties" -cp "$FLINK_LIB/*" \
        org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir "$DIR/flink/conf" ;;
    taskmanager)
      flink_config
      TM_BEFORE="$(taskmanager_ids)"
      launch taskmanager env FLINK_CONF_DIR="$DIR/flink/conf" "$JAVA" -Xmx384m -XX:MaxDirectMemorySize=128m "${FLINK_OPENS[@]}" "$AVRO_PACKAGES" \
        -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -Dlog4j.configurationFile="$DIR/flink/conf/log4j2.properties" \
        -cp "$FLINK_LIB/*" \
        org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$DIR/flink/conf" ;;
    streams-*)
      mkdir -p "$DIR/$name/state"
      launch "$name" env "${env_args[@]}" "$JAVA" -Xmx384m "${JVM_SMALL[@]}" "$AVRO_PACKAGES" -jar "$JAR" streams ;;
    scorer-*)
      launch "$name" env "${env_args[@]}" "$JAVA" -Xmx768m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError "$AVRO_PACKAGES" \
        -jar "$JAR" scorer ;;
    dashboard)
      launch dashboard env "${env_args[@]}" "$JAVA" -Xmx256m "${JVM_SMALL[@]}" "$AVRO_PACKAGES" -jar "$JAR" dashboard ;;
    *) fail "no process named '$name' (one of: $(names | tr '\n' ' '))" ;;
  esac
  say "started $name (pid $(pid_of "$name"))"
}

# The resource ids of the TaskManagers the JobManager lists (each start of one gets a new id), one a line.
taskmanager_ids() {
  curl -fsS "http://127.0.0.1:$FLINK_REST_PORT/taskmanagers" 2>/dev/null | grep -oE '"id":"[^"]+"' | cut -d'"' -f4 || true
}

# Waits until $1's readiness holds: a broker's "started" line, the registry's API, a service's /health/ready.
await_ready() {
  local name="$1" timeout="${2:-180}" deadline=$((SECONDS + ${2:-180})) hp
  while [ $SECONDS -lt $deadline ]; do
    alive "$name" || fail "$name exited before it was ready:\n$(tail -n 30 "$DIR/logs/$name.log")"
    case "$name" in
      broker-*)
        # The line must come after this start's marker (the log is appended to across restarts).
        awk '/^=== /{f=0} /Kafka Server started/{f=1} END{exit !f}' "$DIR/logs/$name.log" && return 0 ;;
      registry)
        curl -fsS -o /dev/null "$REGISTRY/subjects" 2>/dev/null && return 0 ;;
      jobmanager)
        curl -fsS -o /dev/null "http://127.0.0.1:$FLINK_REST_PORT/overview" 2>/dev/null && return 0 ;;
      taskmanager)
        # A killed TaskManager stays listed until its heartbeat times out: ready is a TaskManager id the
        # JobManager did not list before this start.
        local id
        for id in $(taskmanager_ids); do grep -qxF "$id" <<<"${TM_BEFORE:-}" || return 0; done ;;
      *)
        hp="$(health_port "$name")"
        curl -fsS -o /dev/null "http://127.0.0.1:$hp/health/ready" 2>/dev/null && return 0 ;;
    esac
    sleep 0.5
  done
  fail "$name not ready after ${timeout} s (see $DIR/logs/$name.log)"
}

build_missing() {
  if [ ! -f "$JAR" ]; then
    say "building the launcher (mvn -pl launcher -am package)"
    (cd "$ROOT" && mvn -B -q -pl launcher -am package -DskipTests) || fail "building the launcher failed"
  fi
  local need_apicurio=0 need_flink=0
  if [ ! -f "$APICURIO_HOME/quarkus-run.jar" ]; then need_apicurio=1; fi
  if [ "$ENGINE" = flink ] && [ ! -d "$FLINK_LIB" ]; then need_flink=1; fi
  if [ $need_apicurio = 1 ] || [ $need_flink = 1 ]; then
    say "fetching the Apicurio Registry and the Flink runtime from Maven Central (mvn -f deploy/local-cluster/pom.xml)"
    (cd "$ROOT" && mvn -B -q -f deploy/local-cluster/pom.xml package) || fail "fetching the cluster's servers failed"
  fi
  if [ "$ENGINE" = flink ] && [ -z "$FLINK_JAR" ]; then
    say "building the Flink job jar (mvn -pl stream-jobs/flink -am -Pjob-jar package)"
    (cd "$ROOT" && mvn -B -q -pl stream-jobs/flink -am -Pjob-jar package -DskipTests) || fail "building the job jar failed"
    FLINK_JAR="$(ls "$ROOT"/stream-jobs/flink/target/modehop-flink-*-job.jar | head -n 1)"
  fi
}

topics_create() {
  local env_args=()
  mapfile -t env_args < <(service_env topics-init)
  echo "=== $(date -u +%FT%TZ) topics create" >>"$DIR/logs/topics-init.log"
  env "${env_args[@]}" "$JAVA" -Xmx256m "${JVM_SMALL[@]}" -jar "$JAR" topics create --file "$ROOT/deploy/topics.yaml" \
    >>"$DIR/logs/topics-init.log" 2>&1 || fail "topics create failed:\n$(tail -n 30 "$DIR/logs/topics-init.log")"
}

# Uploads the job jar to the session cluster and runs it (REST: /jars/upload, /jars/:id/run), with the
# same --bootstrap/--registry/--topic-prefix compose's flink-job passes.
submit_flink_job() {
  local rest="http://127.0.0.1:$FLINK_REST_PORT" upload id run args
  upload="$(curl -fsS -X POST -H 'Expect:' -F "jarfile=@$FLINK_JAR" "$rest/jars/upload")" || fail "uploading the job jar failed"
  id="$(sed -E 's/.*"filename":"[^"]*\/([^"\/]+)".*/\1/' <<<"$upload")"
  args=(--bootstrap "$BOOTSTRAP" --registry "$REGISTRY")
  if [ -n "${SHARED_MODEHOP_TOPIC_PREFIX:-}" ]; then args+=(--topic-prefix "$SHARED_MODEHOP_TOPIC_PREFIX"); fi
  if [ -n "${SHARED_MODEHOP_RULES_FILE:-}" ]; then args+=(--rules "$SHARED_MODEHOP_RULES_FILE"); fi
  if [ -n "${SHARED_MODEHOP_STABILITY_CHECKPOINTS:-}" ]; then args+=(--stability-checkpoints "$SHARED_MODEHOP_STABILITY_CHECKPOINTS"); fi
  local list="" a
  for a in "${args[@]}"; do list="$list${list:+,}\"$a\""; done
  run="$(curl -sS -X POST -H 'Content-Type: application/json' \
    -d "{\"programArgsList\":[$list],\"parallelism\":2}" "$rest/jars/$id/run")" || fail "running the job failed"
  [[ "$run" == *'"jobid"'* ]] || fail "running the job failed: $run"
  sed -E 's/.*"jobid":"([^"]+)".*/\1/' <<<"$run" >"$DIR/flink/job-id"
  say "flink job $(cat "$DIR/flink/job-id") submitted (parallelism 2) through $rest"
}

up() {
  write_settings
  load_settings
  build_missing
  local t0=$SECONDS
  [ -f "$DIR/cluster-id" ] || "$JAVA" -Xmx64m -cp "$JAR" kafka.tools.StorageTool random-uuid | tail -n 1 >"$DIR/cluster-id"
  CLUSTER_ID="$(cat "$DIR/cluster-id")"
  local n
  for n in broker-1 broker-2 broker-3 registry; do start_one "$n"; done
  for n in broker-1 broker-2 broker-3 registry; do await_ready "$n"; done
  topics_create
  say "topics provisioned from deploy/topics.yaml"
  for n in $(names); do case "$n" in broker-*|registry) ;; *) start_one "$n" ;; esac; done
  for n in $(names); do case "$n" in broker-*|registry) ;; *) await_ready "$n" ;; esac; done
  if [ "$ENGINE" = flink ]; then submit_flink_job; fi
  say "up in $((SECONDS - t0)) s: Kafka $BOOTSTRAP, registry $REGISTRY, dashboard http://127.0.0.1:$DASHBOARD_PORT"
  if [ "$ENGINE" = flink ]; then say "Flink web UI http://127.0.0.1:$FLINK_REST_PORT"; fi
}

stop_one() {
  local name="$1" grace="${2:-30}" p
  p="$(pid_of "$name")"
  if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
    kill -TERM "$p" 2>/dev/null || true
    local deadline=$((SECONDS + grace))
    while kill -0 "$p" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    if kill -0 "$p" 2>/dev/null; then
      kill -KILL "$p" 2>/dev/null || true
      # SIGKILL is delivered at once but the process takes a moment to go: down is done when it is gone.
      deadline=$((SECONDS + 10))
      while kill -0 "$p" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
      if kill -0 "$p" 2>/dev/null; then say "$name (pid $p) still alive 10 s after SIGKILL"; return 1; fi
      say "$name did not stop in ${grace} s: killed"
    fi
    say "stopped $name"
  fi
  rm -f "$DIR/pids/$name"
}

kill_one() {
  local name="$1" p
  p="$(pid_of "$name")"
  if [ -z "$p" ] || ! kill -0 "$p" 2>/dev/null; then fail "$name is not running"; fi
  kill -KILL "$p"
  while kill -0 "$p" 2>/dev/null; do sleep 0.05; done
  rm -f "$DIR/pids/$name"
  say "killed $name (pid $p, SIGKILL)"
}

down() {
  load_settings
  local n all stopping=() left=0
  # Reverse start order: clients first, so none spins against a broker that is gone.
  all="$(names | tr ' ' '\n' | tac)"
  for n in $all; do case "$n" in broker-*) ;; *) stop_one "$n" 30 || left=1 ;; esac; done
  # The brokers together: stopped one by one, the last would wait for a quorum that is gone. Together, the one
  # that is the active controller can still be left alone waiting for its quorum; after 30 s it is killed.
  for n in broker-1 broker-2 broker-3; do stop_one "$n" 30 & stopping+=("$!"); done
  for n in "${stopping[@]}"; do wait "$n" || left=1; done
  # Whatever else has a pid file here (a process of another engine setting).
  for n in $(ls "$DIR/pids" 2>/dev/null); do stop_one "$n" 30 || left=1; done
  if [ "$left" -ne 0 ]; then fail "some processes did not go (their pid files are kept): $(ls "$DIR/pids" | tr '\n' ' ')"; fi
  say "down"
}

status() {
  load_settings
  local n
  for n in $(names); do
    if alive "$n"; then printf '%-12s up    pid %-8s port %s\n' "$n" "$(pid_of "$n")" "$(main_port "$n")"
    else printf '%-12s down\n' "$n"; fi
  done
}

# One function, called on the last line: bash has read the whole file before anything runs, so a script edited
# while a cluster command runs cannot make it execute half a line.
main() {
  local cmd="${1:-}"
  case "$cmd" in
    up) up ;;
    down) down ;;
    status) status ;;
    start) load_settings; check_instance "${2:?name}"; CLUSTER_ID="$(cat "$DIR/cluster-id")"; start_one "$2"; await_ready "$2" ;;
    stop) load_settings; stop_one "${2:?name}" 30 || fail "$2 did not go (its pid file is kept)" ;;
    kill) load_settings; kill_one "${2:?name}" ;;
    env) if [ ! -f "$ENV_FILE" ]; then write_settings; fi; load_settings; service_env "${2:?name}" ;;
    *) echo "usage: $0 up|down|status|start NAME|stop NAME|kill NAME|env NAME" >&2; exit 2 ;;
  esac
}

main "$@"; exit $?

# shellcheck shell=bash disable=SC2034 # settings for the scripts that source this file
# Shared settings and helpers of the dev cloud scripts: paths, ports,
# credentials, and starting/stopping the processes that `up` owns.

DEVCLOUD_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${KSTACK_DEVCLOUD_DIR:-/tmp/kstack-devcloud}
HOSTS=${KSTACK_DEVCLOUD_HOSTS:-3}
DELAY_MS=${KSTACK_DEVCLOUD_DELAY_MS:-50}
REGION=RegionOne
SLOW_REGION=slow
HOST_IP=127.0.0.1

# Passwords of a throwaway cloud on loopback; written to clouds.yaml anyway.
ADMIN_PASSWORD=devcloud-admin
DEMO_PASSWORD=devcloud-demo
SERVICE_PASSWORD=devcloud-service
DB_PASSWORD=devcloud-db
RABBIT_PASSWORD=devcloud-rabbit

# name:port of every API, in the order `up` starts them.
API_PORTS=(keystone:5000 glance:9292 placement:8778 nova:8774 neutron:9696 cinder:8776 octavia:9876)
# The delaying proxy of the `slow` region listens on port + SLOW_OFFSET.
SLOW_OFFSET=10000
RABBIT_PORT=5672
RABBIT_DIST_PORT=25672
EPMD_PORT=4369

ETC=$STATE/etc
LOG=$STATE/log
RUN=$STATE/run
DATA=$STATE/data
DB_SOCKET=$RUN/mysqld.sock

# Debian's python3 and OpenStack tools, whatever else is first on PATH.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
PY=/usr/bin/python3
export PYTHONPATH="$DEVCLOUD_SRC/python${PYTHONPATH:+:$PYTHONPATH}"
# Debian's Python packages are compiled already; keep the state dir free of caches.
export PYTHONDONTWRITEBYTECODE=1

log() { printf 'devcloud: %s\n' "$*" >&2; }
die() {
  log "$*"
  exit 1
}

api_port() {
  local entry
  for entry in "${API_PORTS[@]}"; do
    if [ "${entry%%:*}" = "$1" ]; then
      echo "${entry##*:}"
      return 0
    fi
  done
  return 1
}

db_url() { echo "mysql+pymysql://openstack:$DB_PASSWORD@localhost/$1?unix_socket=$DB_SOCKET&charset=utf8"; }
rabbit_url() { echo "rabbit://openstack:$RABBIT_PASSWORD@$HOST_IP:$RABBIT_PORT/"; }

pid_file() { echo "$RUN/$1.pid"; }

# Start time of a PID in clock ticks since boot (stays the same across exec).
proc_start() { awk '{ sub(/^.*\) /, ""); print $20 }' "/proc/$1/stat" 2>/dev/null; }

# Prints the PID of a process `up` started and that still runs, or fails.
# The start time recorded with the PID must still match, so a reused PID is
# never mistaken for ours.
running_pid() {
  local f pid started
  f=$(pid_file "$1")
  [ -f "$f" ] || return 1
  read -r pid started <"$f" || return 1
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
  [ "$(proc_start "$pid")" = "$started" ] || return 1
  echo "$pid"
}

# start NAME COMMAND...: runs COMMAND detached in a session of its own,
# output appended to $LOG/NAME.log, and records its PID. No-op when NAME
# already runs.
start() {
  local name=$1
  shift
  if running_pid "$name" >/dev/null; then
    return 0
  fi
  # The background child is no process group leader, so setsid execs in it.
  setsid "$@" </dev/null >>"$LOG/$name.log" 2>&1 &
  local pid=$!
  echo "$pid $(proc_start "$pid")" >"$(pid_file "$name")"
}

# stop NAME: TERM, wait up to 20 s, then KILL; only the recorded PID (and
# the children in its own session, which belong to it).
stop() {
  local name=$1 pid i
  if ! pid=$(running_pid "$name"); then
    rm -f "$(pid_file "$name")"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 100); do
    [ -d "/proc/$pid" ] || break
    sleep 0.2
    : "$i"
  done
  if [ -d "/proc/$pid" ]; then
    log "$name ($pid) did not stop on TERM; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  # uwsgi workers and service children live in the session the service led.
  local child
  for child in $(pgrep -s "$pid" 2>/dev/null || true); do
    kill -KILL "$child" 2>/dev/null || true
  done
  rm -f "$(pid_file "$name")"
}

# Every process name `up` may start, in start order (stop goes in reverse).
all_names() {
  local i
  echo mysqld epmd rabbitmq keystone glance placement nova-api nova-conductor nova-scheduler
  for i in $(seq 1 "$HOSTS"); do echo "nova-compute-$i"; done
  echo neutron cinder-api cinder-scheduler cinder-volume octavia-api octavia-worker slowproxy
}

# Names with a PID file, whatever HOSTS says now (a cloud started with more hosts).
recorded_names() {
  local f
  for f in "$RUN"/*.pid; do
    [ -e "$f" ] || continue
    basename "$f" .pid
  done
}

fail_with_log() {
  local name=$1
  shift
  log "FAILED: $name: $*"
  if [ -f "$LOG/$name.log" ]; then
    log "last lines of $LOG/$name.log:"
    tail -n 30 "$LOG/$name.log" >&2
  fi
  exit 1
}

# wait_http NAME URL SECONDS: until URL answers any HTTP status.
wait_http() {
  local name=$1 url=$2 secs=$3 t0
  t0=$(date +%s)
  while true; do
    if curl -s -o /dev/null -m 5 "$url"; then return 0; fi
    if ! running_pid "$name" >/dev/null; then fail_with_log "$name" "process exited"; fi
    if [ $(($(date +%s) - t0)) -ge "$secs" ]; then fail_with_log "$name" "$url did not answer in ${secs}s"; fi
    sleep 0.5
  done
}

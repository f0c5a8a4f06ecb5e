# shellcheck shell=bash
# The steps of `up`: infrastructure, Keystone, database schemas, the other
# services, readiness, and the demo project's resources.

# Runs a one-off command (migration, setup), output to $LOG/setup.log;
# on failure shows that log and names the step.
run_step() {
  local what=$1
  shift
  log "$what"
  if ! "$@" >>"$LOG/setup-$what.log" 2>&1; then
    log "FAILED: $what; last lines of $LOG/setup-$what.log:"
    tail -n 30 "$LOG/setup-$what.log" >&2
    exit 1
  fi
}

done_marker() { [ -f "$STATE/done/$1" ]; }
mark_done() { touch "$STATE/done/$1"; }

# The environment of RabbitMQ and rabbitmqctl: own node, cookie, data,
# config; every listener on loopback; schedulers that sleep when idle.
rabbit_env() {
  RABBIT_ENV=(
    HOME="$DATA/rabbit-home" RABBITMQ_NODENAME=devcloud@localhost
    RABBITMQ_NODE_IP_ADDRESS="$HOST_IP" RABBITMQ_NODE_PORT="$RABBIT_PORT"
    RABBITMQ_DIST_PORT="$RABBIT_DIST_PORT" ERL_EPMD_ADDRESS="$HOST_IP" ERL_EPMD_PORT="$EPMD_PORT"
    RABBITMQ_MNESIA_BASE="$DATA/rabbit" RABBITMQ_LOG_BASE="$LOG/rabbitmq"
    RABBITMQ_CONFIG_FILE="$ETC/rabbitmq/rabbitmq"
    RABBITMQ_ENABLED_PLUGINS_FILE="$ETC/rabbitmq/enabled_plugins"
    RABBITMQ_CONF_ENV_FILE="$ETC/rabbitmq/rabbitmq-env.conf"
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1} +sbwt none +sbwtdcpu none +sbwtdio none +S 1:1"
  )
}
rabbitmqctl_() {
  rabbit_env
  env "${RABBIT_ENV[@]}" /usr/lib/rabbitmq/bin/rabbitmqctl "$@"
}

start_infra() {
  # MariaDB: Unix socket only, no TCP listener at all.
  if [ ! -d "$DATA/mysql/mysql" ]; then
    run_step mariadb-install-db mariadb-install-db --no-defaults --user=root \
      --datadir="$DATA/mysql" --auth-root-authentication-method=socket --skip-test-db
  fi
  start mysqld /usr/sbin/mariadbd --no-defaults --user=root --datadir="$DATA/mysql" \
    --socket="$DB_SOCKET" --skip-networking --pid-file="$RUN/mariadbd.own.pid" \
    --log-error="$LOG/mysqld.log" --skip-name-resolve --performance-schema=OFF \
    --innodb-buffer-pool-size=128M --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 \
    --sync-binlog=0 --max-connections=1000 --character-set-server=utf8mb4 \
    --collation-server=utf8mb4_general_ci

  # RabbitMQ with its own epmd, both on loopback, no plugins.
  mkdir -p "$ETC/rabbitmq" "$DATA/rabbit-home" "$LOG/rabbitmq"
  echo '[].' >"$ETC/rabbitmq/enabled_plugins"
  : >"$ETC/rabbitmq/rabbitmq-env.conf"
  printf 'listeners.tcp.default = %s:%s\nloopback_users = none\nlog.console = true\nlog.file = false\n' \
    "$HOST_IP" "$RABBIT_PORT" >"$ETC/rabbitmq/rabbitmq.conf"
  start epmd /usr/bin/epmd -address "$HOST_IP" -port "$EPMD_PORT"
  rabbit_env
  start rabbitmq env "${RABBIT_ENV[@]}" /usr/lib/rabbitmq/bin/rabbitmq-server

  local i
  for i in $(seq 1 120); do
    if mysqladmin --no-defaults -S "$DB_SOCKET" -u root ping >/dev/null 2>&1; then break; fi
    running_pid mysqld >/dev/null || fail_with_log mysqld "process exited"
    sleep 0.5
    [ "$i" -lt 120 ] || fail_with_log mysqld "no answer on $DB_SOCKET in 60s"
  done
  if ! done_marker databases; then
    local sql="" db
    for db in keystone glance placement nova nova_api nova_cell0 neutron cinder octavia; do
      sql+="CREATE DATABASE IF NOT EXISTS $db CHARACTER SET utf8mb4;"
    done
    sql+="CREATE USER IF NOT EXISTS 'openstack'@'localhost' IDENTIFIED BY '$DB_PASSWORD';"
    sql+="GRANT ALL PRIVILEGES ON *.* TO 'openstack'@'localhost';"
    mariadb --no-defaults -S "$DB_SOCKET" -u root -e "$sql" || fail_with_log mysqld "creating databases"
    mark_done databases
  fi

  # The node registers with epmd a few seconds after it starts.
  for i in $(seq 1 120); do
    if rabbitmqctl_ -q await_startup --timeout 120 >>"$LOG/setup-rabbitmq.log" 2>&1; then break; fi
    running_pid rabbitmq >/dev/null || fail_with_log rabbitmq "process exited"
    [ "$i" -lt 120 ] || fail_with_log rabbitmq "did not start in 120s"
    sleep 1
  done
  if ! done_marker rabbit-user; then
    rabbitmqctl_ -q add_user openstack "$RABBIT_PASSWORD" >/dev/null 2>&1 ||
      rabbitmqctl_ -q change_password openstack "$RABBIT_PASSWORD" >/dev/null
    rabbitmqctl_ -q set_permissions openstack '.*' '.*' '.*' >/dev/null
    mark_done rabbit-user
  fi
}

start_keystone() {
  local conf=$ETC/keystone/keystone.conf
  mkdir -p "$STATE/keystone"
  if ! done_marker keystone-db; then
    run_step keystone-db-sync keystone-manage --config-file "$conf" db_sync
    run_step keystone-fernet keystone-manage --config-file "$conf" fernet_setup \
      --keystone-user root --keystone-group root
    run_step keystone-credential keystone-manage --config-file "$conf" credential_setup \
      --keystone-user root --keystone-group root
    run_step keystone-bootstrap keystone-manage --config-file "$conf" bootstrap \
      --bootstrap-password "$ADMIN_PASSWORD" --bootstrap-username admin \
      --bootstrap-project-name admin --bootstrap-role-name admin \
      --bootstrap-service-name keystone --bootstrap-region-id "$REGION" \
      --bootstrap-admin-url "http://$HOST_IP:5000/v3" \
      --bootstrap-public-url "http://$HOST_IP:5000/v3" \
      --bootstrap-internal-url "http://$HOST_IP:5000/v3"
    mark_done keystone-db
  fi
  start keystone uwsgi --ini "$ETC/keystone/uwsgi.ini"
}

# Schema migrations run two at a time (two cores) while Keystone starts.
sync_databases() {
  local pids=() names=() n
  sync_one() {
    local name=$1
    shift
    done_marker "db-$name" && return 0
    (run_step "db-$name" "$@" && mark_done "db-$name") &
    pids+=($!)
    names+=("$name")
    if [ ${#pids[@]} -ge 2 ]; then
      wait "${pids[0]}" || exit 1
      pids=("${pids[@]:1}")
      names=("${names[@]:1}")
    fi
  }
  sync_one glance glance-manage --config-file "$ETC/glance/glance-api.conf" db_sync
  sync_one placement placement-manage --config-file "$ETC/placement/placement.conf" db sync
  sync_one nova nova_db_sync
  sync_one neutron neutron-db-manage --config-file "$ETC/neutron/neutron.conf" upgrade heads
  sync_one cinder cinder-manage --config-file "$ETC/cinder/cinder-api.conf" db sync
  sync_one octavia octavia-db-manage --config-file "$ETC/octavia/octavia-api.conf" upgrade head
  for n in "${pids[@]}"; do wait "$n" || exit 1; done

  wait_http keystone "http://$HOST_IP:5000/v3" 120
  if ! done_marker keystone-catalog; then
    run_step keystone-catalog setup_py keystone
    mark_done keystone-catalog
  fi
}

nova_db_sync() {
  local conf=$ETC/nova/nova-conductor.conf
  nova-manage --config-file "$conf" api_db sync
  nova-manage --config-file "$conf" cell_v2 map_cell0 --database_connection "$(db_url nova_cell0)"
  nova-manage --config-file "$conf" cell_v2 list_cells | grep -q ' cell1 ' ||
    nova-manage --config-file "$conf" cell_v2 create_cell --name cell1 \
      --database_connection "$(db_url nova)" --transport-url "$(rabbit_url)"
  nova-manage --config-file "$conf" db sync
}

setup_py() {
  env STATE="$STATE" HOST_IP="$HOST_IP" REGION="$REGION" SLOW_REGION="$SLOW_REGION" \
    SLOW_OFFSET="$SLOW_OFFSET" ADMIN_PASSWORD="$ADMIN_PASSWORD" DEMO_PASSWORD="$DEMO_PASSWORD" \
    SERVICE_PASSWORD="$SERVICE_PASSWORD" "$PY" -m kstack_devcloud.setup_cloud "$@"
}

# Service users and their OpenStack processes, after Keystone knows them.
start_services() {
  mkdir -p "$STATE/glance/images" "$STATE/glance/staging" "$STATE/glance/tasks" \
    "$STATE/nova" "$STATE/neutron" "$STATE/cinder" "$STATE/lock/nova" "$STATE/octavia"
  octavia_certs
  start glance uwsgi --ini "$ETC/glance/uwsgi.ini"
  start placement uwsgi --ini "$ETC/placement/uwsgi.ini"
  start nova-api uwsgi --ini "$ETC/nova-api/uwsgi.ini"
  start nova-conductor nova-conductor --config-file "$ETC/nova/nova-conductor.conf"
  start nova-scheduler nova-scheduler --config-file "$ETC/nova/nova-scheduler.conf"
  start neutron neutron-server --config-file "$ETC/neutron/neutron.conf"
  start cinder-api uwsgi --ini "$ETC/cinder-api/uwsgi.ini"
  start cinder-scheduler cinder-scheduler --config-file "$ETC/cinder/cinder-scheduler.conf"
  start cinder-volume cinder-volume --config-file "$ETC/cinder/cinder-volume.conf"
  start octavia-api uwsgi --ini "$ETC/octavia-api/uwsgi.ini"
  start octavia-worker octavia-worker --config-file "$ETC/octavia/octavia-worker.conf"
  local i
  for i in $(seq 1 "$HOSTS"); do
    # The nova-compute package would bring libvirt and QEMU; python3-nova
    # has the service itself.
    start "nova-compute-$i" "$PY" -c 'import sys; from nova.cmd.compute import main; sys.exit(main())' \
      --config-file "$ETC/nova/nova-compute-$i.conf"
  done
}

# A CA and a client certificate for Octavia's worker (it checks them at
# start even though no amphora will ever present one).
octavia_certs() {
  local d=$STATE/octavia
  [ -f "$d/client.pem" ] && return 0
  (
    cd "$d"
    openssl req -x509 -newkey rsa:2048 -days 3650 -subj "/CN=devcloud-octavia-ca" \
      -keyout ca.key -out ca.pem -passout "pass:$OCTAVIA_CA_PASSPHRASE" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=devcloud-octavia-client" \
      -keyout client.key -out client.csr 2>/dev/null
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -passin "pass:$OCTAVIA_CA_PASSPHRASE" \
      -CAcreateserial -days 3650 -out client.crt 2>/dev/null
    cat client.crt client.key >client.pem
    chmod 600 ca.key client.key client.pem
  ) || die "octavia certificates"
}

wait_services() {
  wait_http glance "http://$HOST_IP:9292/" 120
  wait_http placement "http://$HOST_IP:8778/" 120
  wait_http nova-api "http://$HOST_IP:8774/" 120
  wait_http neutron "http://$HOST_IP:9696/" 120
  wait_http cinder-api "http://$HOST_IP:8776/" 120
  wait_http octavia-api "http://$HOST_IP:9876/" 120
  # Every fake host registered as a compute service and mapped into the cell.
  local t_start i
  t_start=$(date +%s)
  while true; do
    local n
    n=$(mariadb --no-defaults -S "$DB_SOCKET" -u root -N -e \
      "SELECT COUNT(*) FROM nova.compute_nodes WHERE deleted=0" 2>/dev/null || echo 0)
    [ "$n" -ge "$HOSTS" ] && break
    for i in $(seq 1 "$HOSTS"); do
      running_pid "nova-compute-$i" >/dev/null || fail_with_log "nova-compute-$i" "process exited"
    done
    running_pid nova-conductor >/dev/null || fail_with_log nova-conductor "process exited"
    if [ $(($(date +%s) - t_start)) -ge 180 ]; then
      fail_with_log nova-compute-1 "only $n of $HOSTS fake hosts registered in 180s"
    fi
    sleep 1
  done
  nova-manage --config-file "$ETC/nova/nova-conductor.conf" cell_v2 discover_hosts >>"$LOG/setup-discover-hosts.log" 2>&1 ||
    fail_with_log nova-conductor "cell_v2 discover_hosts failed"
  for n in neutron nova-scheduler cinder-scheduler cinder-volume octavia-worker; do
    running_pid "$n" >/dev/null || fail_with_log "$n" "process exited"
  done
  wait_volume_backend
}

# Cinder's scheduler asks the volume service for its capabilities once, when
# it starts; when both start together the question or the answer can go out
# before the other listens, and no volume is scheduled until the volume
# service's next periodic report (periodic_interval). Started again after
# the volume service listens, the scheduler's question is answered.
wait_volume_backend() {
  setup_py volume-backend 20 >>"$LOG/setup-volume-backend.log" 2>&1 && return 0
  log "cinder-scheduler knows no volume backend yet; starting it again"
  stop cinder-scheduler
  start cinder-scheduler cinder-scheduler --config-file "$ETC/cinder/cinder-scheduler.conf"
  setup_py volume-backend 120 >>"$LOG/setup-volume-backend.log" 2>&1 ||
    fail_with_log cinder-scheduler "no volume backend pool known after a restart"
}

setup_resources() {
  if ! done_marker resources; then
    run_step resources setup_py resources
    mark_done resources
  fi
}

write_client_files() {
  local slow_port=$((5000 + SLOW_OFFSET))
  cat >"$STATE/clouds.yaml.tmp" <<YAML
# The kstack dev cloud on 127.0.0.1 (throwaway credentials).
clouds:
  devcloud:
    auth:
      auth_url: http://$HOST_IP:5000/v3
      username: demo
      password: $DEMO_PASSWORD
      project_name: demo
      user_domain_name: Default
      project_domain_name: Default
    region_name: $REGION
    interface: public
    identity_api_version: 3
  devcloud-admin:
    auth:
      auth_url: http://$HOST_IP:5000/v3
      username: admin
      password: $ADMIN_PASSWORD
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: $REGION
    interface: public
    identity_api_version: 3
  devcloud-slow:
    auth:
      auth_url: http://$HOST_IP:$slow_port/v3
      username: demo
      password: $DEMO_PASSWORD
      project_name: demo
      user_domain_name: Default
      project_domain_name: Default
    region_name: $SLOW_REGION
    interface: public
    identity_api_version: 3
YAML
  mv "$STATE/clouds.yaml.tmp" "$STATE/clouds.yaml"
  cat >"$STATE/openrc" <<RC
# The kstack dev cloud's demo user: . $STATE/openrc
export OS_AUTH_URL=http://$HOST_IP:5000/v3
export OS_USERNAME=demo
export OS_PASSWORD=$DEMO_PASSWORD
export OS_PROJECT_NAME=demo
export OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_DOMAIN_NAME=Default
export OS_REGION_NAME=$REGION
export OS_INTERFACE=public
export OS_IDENTITY_API_VERSION=3
RC
  sed -e "s/=demo$/=admin/" -e "s/=$DEMO_PASSWORD\$/=$ADMIN_PASSWORD/" \
    -e "s/demo user/admin user/" "$STATE/openrc" >"$STATE/openrc-admin"
}

start_slowproxy() {
  local pairs=() entry port
  for entry in "${API_PORTS[@]}"; do
    port=${entry##*:}
    pairs+=("$((port + SLOW_OFFSET)):$port")
  done
  start slowproxy "$PY" -m kstack_devcloud.slowproxy "$DELAY_MS" "${pairs[@]}"
  wait_http slowproxy "http://$HOST_IP:$((5000 + SLOW_OFFSET))/v3" 30
}

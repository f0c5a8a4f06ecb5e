# shellcheck shell=bash
# Writes every service's configuration under $ETC from the templates in
# devcloud/etc (placeholders ${NAME}, filled with envsubst).

# Variables the templates may use; nothing else in them is touched.
# shellcheck disable=SC2016 # a list of names for envsubst, not expansions
TEMPLATE_VARS='${STATE} ${ETC} ${LOG} ${LOG_FILE} ${HOST_IP} ${REGION} ${RABBIT_URL}
${KEYSTONE_URL} ${SERVICE_USER} ${SERVICE_PASSWORD} ${NOVA_HOST}
${DB_KEYSTONE} ${DB_GLANCE} ${DB_PLACEMENT} ${DB_NOVA} ${DB_NOVA_API} ${DB_NEUTRON}
${DB_CINDER} ${DB_OCTAVIA} ${OCTAVIA_CA_PASSPHRASE} ${OCTAVIA_CERT_PASSPHRASE}
${PORT} ${NAME} ${PROCESSES} ${THREADS} ${WSGI_FILE} ${PYARGV} ${PYTHONPATH} ${ENV_LINES}'

# render OUT TEMPLATE... : concatenates the templates, filled in, into OUT.
render() {
  local out=$1 t
  shift
  mkdir -p "$(dirname "$out")"
  for t in "$@"; do
    envsubst "$TEMPLATE_VARS" <"$DEVCLOUD_SRC/etc/$t"
    echo
  done >"$out.tmp"
  mv "$out.tmp" "$out"
}

# service_conf NAME SERVICE_USER OUT TEMPLATE: the service's own template,
# then messaging/policy and token validation shared by all.
service_conf() {
  local name=$1 user=$2 out=$3 tmpl=$4
  LOG_FILE=${LOG_FILE:-$LOG/$name.log} SERVICE_USER=$user \
    render "$out" "$tmpl" common-service.conf.in keystone-auth.conf.in
}

# uwsgi_ini NAME PORT WSGI_FILE PYARGV ENV...: the uwsgi ini of one API.
uwsgi_ini() {
  local name=$1 port=$2 wsgi=$3 pyargv=$4
  shift 4
  local lines="" e
  for e in "$@"; do lines+="env = $e"$'\n'; done
  NAME=$name PORT=$port WSGI_FILE=$wsgi PROCESSES=${PROCESSES:-1} THREADS=${THREADS:-4} PYARGV=$pyargv ENV_LINES=$lines \
    render "$ETC/$name/uwsgi.ini" uwsgi.ini.in
}

render_all() {
  export STATE ETC LOG HOST_IP REGION SERVICE_PASSWORD
  export RABBIT_URL KEYSTONE_URL DB_KEYSTONE DB_GLANCE DB_PLACEMENT DB_NOVA DB_NOVA_API
  export DB_NEUTRON DB_CINDER DB_OCTAVIA OCTAVIA_CA_PASSPHRASE OCTAVIA_CERT_PASSPHRASE
  RABBIT_URL=$(rabbit_url)
  KEYSTONE_URL=http://$HOST_IP:5000/v3
  DB_KEYSTONE=$(db_url keystone)
  DB_GLANCE=$(db_url glance)
  DB_PLACEMENT=$(db_url placement)
  DB_NOVA=$(db_url nova)
  DB_NOVA_API=$(db_url nova_api)
  DB_NEUTRON=$(db_url neutron)
  DB_CINDER=$(db_url cinder)
  DB_OCTAVIA=$(db_url octavia)
  OCTAVIA_CA_PASSPHRASE=devcloud-octavia-ca
  OCTAVIA_CERT_PASSPHRASE=devcloud-insecure-key-32-bytes00

  mkdir -p "$ETC/empty-policy.d"

  render "$ETC/keystone/keystone.conf" keystone.conf.in
  uwsgi_ini keystone 5000 /usr/bin/keystone-wsgi-public "" \
    "OS_KEYSTONE_CONFIG_DIR=$ETC/keystone"

  service_conf glance glance "$ETC/glance/glance-api.conf" glance-api.conf.in
  cp /etc/glance/glance-api-paste.ini "$ETC/glance/"
  uwsgi_ini glance 9292 /usr/bin/glance-wsgi-api "" "OS_GLANCE_CONFIG_DIR=$ETC/glance"

  service_conf placement placement "$ETC/placement/placement.conf" placement.conf.in
  uwsgi_ini placement 8778 /usr/bin/placement-api "" "OS_PLACEMENT_CONFIG_DIR=$ETC/placement"

  local i
  NOVA_HOST=devcloud LOG_FILE=$LOG/nova-api.log \
    service_conf nova-api nova "$ETC/nova/nova.conf" nova.conf.in
  cp /etc/nova/api-paste.ini "$ETC/nova/"
  # Nova's API runs eventlet code (scatter-gather over cells) that deadlocks
  # with more than one thread per process ("cannot switch to a different
  # thread"); two single-threaded processes instead.
  PROCESSES=2 THREADS=1 uwsgi_ini nova-api 8774 /usr/bin/nova-api-wsgi "" "OS_NOVA_CONFIG_DIR=$ETC/nova"
  for i in conductor scheduler; do
    NOVA_HOST=devcloud LOG_FILE=$LOG/nova-$i.log \
      service_conf "nova-$i" nova "$ETC/nova/nova-$i.conf" nova.conf.in
  done
  for i in $(seq 1 "$HOSTS"); do
    NOVA_HOST=fake-host-$i LOG_FILE=$LOG/nova-compute-$i.log \
      service_conf "nova-compute-$i" nova "$ETC/nova/nova-compute-$i.conf" nova.conf.in
  done

  service_conf neutron neutron "$ETC/neutron/neutron.conf" neutron.conf.in

  local c
  for c in api scheduler volume; do
    LOG_FILE=$LOG/cinder-$c.log service_conf "cinder-$c" cinder "$ETC/cinder/cinder-$c.conf" cinder.conf.in
  done
  uwsgi_ini cinder-api 8776 /usr/bin/cinder-wsgi "--config-file $ETC/cinder/cinder-api.conf"

  for c in api worker; do
    LOG_FILE=$LOG/octavia-$c.log service_conf "octavia-$c" octavia "$ETC/octavia/octavia-$c.conf" octavia.conf.in
  done
  uwsgi_ini octavia-api 9876 /usr/bin/octavia-wsgi "--config-file $ETC/octavia/octavia-api.conf"
}

#!/usr/bin/env bash
# The baseline for apply_bench: the reference HA cluster (3 masters, 3 workers, a bastion, the API load
# balancer) made with the plain openstack CLI the way a user's script would do it, one command after
# another, waiting for ACTIVE / available, then deleted again. The same resources kstack creates:
# keypair, network, subnet, router with its gateway and interface port, security groups and their
# ingress rules (Neutron adds the egress ones itself), server groups, a port per node, data volumes,
# servers booted with their volume (--block-device), floating IPs, the load balancer with listener,
# pool, members and health monitor.
#
#   bench/openstack_cli_baseline.sh [NAME]
#
# NAME prefixes every resource (default: clibase<pid>). The cloud is `devcloud` (KSTACK_BASELINE_CLOUD
# overrides; OS_CLIENT_CONFIG_FILE says where clouds.yaml is). Prints the create and delete times and a
# last line `baseline create_s=... delete_s=... calls=...` for apply_bench. Whatever was created is
# deleted, also when a step fails or the script is interrupted.
set -euo pipefail

name=${1:-clibase$$}
cloud=${KSTACK_BASELINE_CLOUD:-devcloud}
work=$(mktemp -d)

cidr=10.0.0.0/16
gateway=10.0.0.1
pool_start=10.0.128.0
pool_end=10.0.255.254
pool_cidr=10.0.128.0/17 # where the load balancer's own addresses come from
vip=10.0.0.5
bastion_ip=10.0.0.6
master_ips=(10.0.0.11 10.0.0.12 10.0.0.13)
worker_ips=(10.0.0.100 10.0.0.101 10.0.0.102)

# Ids of what exists, for the clean-up.
keypair="" network="" subnet="" router="" router_port="" gateway_set="" lb=""
security_groups=() server_groups=() ports=() volumes=() servers=() floating_ips=()

os() {
  echo "$1" >>"$work/calls" # also from inside $(...)
  openstack --os-cloud "$cloud" --os-compute-api-version 2.64 "$@"
}
calls() { wc -l <"$work/calls" 2>/dev/null || echo 0; }
# The id of what a create made (the last line: --wait writes its progress before it).
os_id() { os "$@" -f value -c id | tail -n 1; }

now() { echo "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

wait_volume() {
  local id=$1 status deadline=$((SECONDS + 300))
  while true; do
    status=$(os volume show "$id" -f value -c status)
    case "$status" in
      available) return 0 ;;
      error*) echo "volume $id: $status" >&2 && return 1 ;;
    esac
    [ "$SECONDS" -lt "$deadline" ] || { echo "volume $id: still $status" >&2 && return 1; }
    sleep 1
  done
}

# Everything this script made, in reverse order. Runs on every exit; errors are reported and skipped so
# that the rest still goes.
clean_up() {
  local failed=0
  try() { "$@" >/dev/null || { echo "clean-up: failed: $*" >&2 && failed=1 && return 1; }; }
  if [ "${1:-}" = lookup ]; then
    # A create that failed half-way (server create --wait) made something whose id we never saw.
    mapfile -t servers < <(os server list --name "^$name-" -f value -c ID || true)
    mapfile -t volumes < <(os volume list -f value -c ID -c Name | awk -v p="$name-" 'index($2, p) == 1 { print $1 }' || true)
    mapfile -t ports < <(os port list -f value -c ID -c Name | awk -v p="$name-" 'index($2, p) == 1 { print $1 }' || true)
    lb=$(os loadbalancer list --name "$name-api" -f value -c id || true)
  fi
  [ ${#servers[@]} -eq 0 ] || try os server delete --wait "${servers[@]}" && servers=()
  [ ${#floating_ips[@]} -eq 0 ] || try os floating ip delete "${floating_ips[@]}" && floating_ips=()
  [ -z "$lb" ] || try os loadbalancer delete --cascade --wait "$lb" && lb=""
  if [ ${#volumes[@]} -gt 0 ]; then
    # Detached a moment after the server went.
    local attempt
    for attempt in 1 2 3 4 5; do
      os volume delete "${volumes[@]}" >/dev/null 2>&1 && volumes=() && break
      [ "$attempt" -lt 5 ] || { echo "clean-up: failed: volume delete ${volumes[*]}" >&2 && failed=1; }
      sleep 2
    done
  fi
  local node_ports=()
  for p in "${ports[@]}"; do [ "$p" = "$router_port" ] || node_ports+=("$p"); done
  [ ${#node_ports[@]} -eq 0 ] || try os port delete "${node_ports[@]}" && ports=("$router_port")
  if [ -n "$router" ]; then
    [ -z "$router_port" ] || try os router remove port "$router" "$router_port" && ports=()
    [ -z "$gateway_set" ] || try os router unset --external-gateway "$router" && gateway_set=""
    try os router delete "$router" && router="" && router_port=""
  elif [ -n "$router_port" ]; then
    try os port delete "$router_port" && router_port=""
  fi
  [ ${#security_groups[@]} -eq 0 ] || try os security group delete "${security_groups[@]}" && security_groups=()
  [ ${#server_groups[@]} -eq 0 ] || try os server group delete "${server_groups[@]}" && server_groups=()
  [ -z "$subnet" ] || try os subnet delete "$subnet" && subnet=""
  [ -z "$network" ] || try os network delete "$network" && network=""
  [ -z "$keypair" ] || try os keypair delete "$keypair" && keypair=""
  return "$failed"
}

on_exit() {
  local status=$?
  trap - EXIT INT TERM
  if [ "$status" -ne 0 ]; then
    echo "baseline failed (exit $status): deleting what it made" >&2
    clean_up lookup || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

echo "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDwYl2vUhz2gyWKccZq3w4c8eUgTZVz14tA3vELP6U1I baseline@kstack" >"$work/key.pub"
printf '#cloud-config\nhostname: %s\n' "$name" >"$work/user-data"

start=$(now)
keypair=$name
os keypair create --public-key "$work/key.pub" "$keypair" >/dev/null
network=$(os_id network create "$name-net")
subnet=$(os_id subnet create --network "$network" --subnet-range "$cidr" --gateway "$gateway" \
  --allocation-pool "start=$pool_start,end=$pool_end" --dns-nameserver 1.1.1.1 --dns-nameserver 9.9.9.9 "$name-subnet")
router=$(os_id router create "$name-router")
os router set --external-gateway floating "$router"
gateway_set=1
router_port=$(os_id port create --network "$network" --fixed-ip "subnet=$subnet,ip-address=$gateway" \
  "$name-router-subnet")
ports+=("$router_port")
os router add port "$router" "$router_port"

declare -A sg
for group in bastion masters workers nodes; do
  sg[$group]=$(os_id security group create --description kstack "$name-$group")
  security_groups+=("${sg[$group]}")
done
rule() { os security group rule create "$@" >/dev/null; }
rule --protocol tcp --dst-port 22:22 --remote-ip 0.0.0.0/0 "${sg[bastion]}"
rule --protocol tcp --dst-port 6443:6443 --remote-ip "$pool_cidr" "${sg[masters]}"
rule --protocol tcp --dst-port 6443:6443 --remote-group "${sg[workers]}" "${sg[masters]}"
rule --protocol tcp --dst-port 6443:6443 --remote-ip 0.0.0.0/0 "${sg[masters]}"
rule --protocol tcp --dst-port 2379:2380 --remote-group "${sg[masters]}" "${sg[masters]}"
rule --protocol tcp --dst-port 10250:10250 --remote-group "${sg[masters]}" "${sg[masters]}"
rule --protocol tcp --dst-port 10250:10250 --remote-group "${sg[masters]}" "${sg[workers]}"
rule --protocol tcp --dst-port 30000:32767 --remote-ip "$cidr" "${sg[workers]}"
rule --protocol udp --dst-port 30000:32767 --remote-ip "$cidr" "${sg[workers]}"
rule --protocol udp --dst-port 8472:8472 --remote-group "${sg[nodes]}" "${sg[nodes]}"
rule --protocol icmp --remote-group "${sg[nodes]}" "${sg[nodes]}"
rule --protocol tcp --dst-port 22:22 --remote-group "${sg[bastion]}" "${sg[nodes]}"

masters_group=$(os_id server group create --policy anti-affinity "$name-masters")
server_groups+=("$masters_group")
workers_group=$(os_id server group create --policy soft-anti-affinity "$name-workers")
server_groups+=("$workers_group")

# node name, role, address, security groups, volume GB
nodes=("$name-bastion bastion $bastion_ip bastion 0")
for i in 1 2 3; do nodes+=("$name-master-$i master ${master_ips[$((i - 1))]} masters,nodes 25"); done
for i in 1 2 3; do nodes+=("$name-worker-$i worker ${worker_ips[$((i - 1))]} workers,nodes 50"); done
declare -A port_of
for n in "${nodes[@]}"; do
  read -r node _ ip groups _ <<<"$n"
  sg_args=()
  for g in ${groups//,/ }; do sg_args+=(--security-group "${sg[$g]}"); done
  port_of[$node]=$(os_id port create --network "$network" --fixed-ip "subnet=$subnet,ip-address=$ip" \
    "${sg_args[@]}" "$node")
  ports+=("${port_of[$node]}")
done

lb=$(os_id loadbalancer create --name "$name-api" --vip-subnet-id "$subnet" --vip-address "$vip" \
  --provider amphora --wait)
listener=$(os_id loadbalancer listener create --name "$name-api" --protocol TCP --protocol-port 6443 --wait "$lb")
pool=$(os_id loadbalancer pool create --name "$name-api" --listener "$listener" --protocol TCP \
  --lb-algorithm ROUND_ROBIN --wait)
for ip in "${master_ips[@]}"; do
  os loadbalancer member create --address "$ip" --protocol-port 6443 --subnet-id "$subnet" --wait "$pool" >/dev/null
done
os loadbalancer healthmonitor create --type TCP --delay 5 --timeout 5 --max-retries 3 --wait "$pool" >/dev/null
vip_port=$(os loadbalancer show "$lb" -f value -c vip_port_id)
floating_ips+=("$(os_id floating ip create --port "$vip_port" --description "$name-api" floating)")
floating_ips+=("$(os_id floating ip create --port "${port_of[$name-bastion]}" --description "$name-bastion" floating)")

declare -A volume_of
for n in "${nodes[@]}"; do
  read -r node _ _ _ gb <<<"$n"
  [ "$gb" -gt 0 ] || continue
  volume_of[$node]=$(os_id volume create --size "$gb" "$node-data")
  volumes+=("${volume_of[$node]}")
  wait_volume "${volume_of[$node]}"
done

for n in "${nodes[@]}"; do
  read -r node role _ _ gb <<<"$n"
  case "$role" in
    bastion) flavor=m1.small group_args=() ;;
    master) flavor=m1.master group_args=(--hint "group=$masters_group") ;;
    worker) flavor=m1.worker group_args=(--hint "group=$workers_group") ;;
  esac
  volume_args=()
  [ "$gb" -eq 0 ] || volume_args=(--block-device \
    "uuid=${volume_of[$node]},source_type=volume,destination_type=volume,boot_index=-1")
  servers+=("$(os_id server create --flavor "$flavor" --image ubuntu-22.04 --nic "port-id=${port_of[$node]}" \
    --key-name "$keypair" --user-data "$work/user-data" "${group_args[@]}" "${volume_args[@]}" --wait "$node")")
done
create_s=$(since "$start")
create_calls=$(calls)
echo "baseline create: ${create_s} s, $create_calls openstack commands"

start=$(now)
clean_up
delete_s=$(since "$start")
echo "baseline delete: ${delete_s} s, $(($(calls) - create_calls)) openstack commands"
echo "baseline create_s=$create_s delete_s=$delete_s calls=$(calls)"

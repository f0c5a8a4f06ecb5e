#!/usr/bin/python3
"""The lab: boots, on this machine, every server the dev cloud holds for a kstack cluster.

Each server becomes a systemd-nspawn container ("node") booted from a Debian root filesystem with
systemd and cloud-init, in a network namespace of its own at its port's fixed IP and MAC, seeded
(NoCloud) with exactly the user-data and metadata Nova stores for it. Its Cinder data volume is a
loop device at the /dev/disk/by-id path a virtio disk of that volume would have. The lab also plays
what the dev cloud cannot run: the router (floating IPs as NAT, DHCP like Neutron's dnsmasq, the
metadata service on 169.254.169.254 as Neutron proxies it), the
Octavia amphora (HAProxy on the VIP, configured from the Octavia API) and the operator's laptop (a
"client" namespace on the external network). Every address lives in namespaces the lab creates;
nothing is routed to the machine's own network.

    lab.py net CLUSTER       the networks, mirror, client, load balancers and floating IPs of CLUSTER
    lab.py up CLUSTER        that, and boot every server the cloud holds for it (again: what is new)
    lab.py stop-node NAME    power a node off (its disks stay)
    lab.py start-node NAME   power it on again
    lab.py reboot-node NAME  off, then on, on the same disks
    lab.py exec NAME -- CMD  run CMD inside a node
    lab.py client -- CMD     run CMD in the client namespace (the dev cloud's APIs answer there too)
    lab.py down              stop everything the lab started and remove what it made
    lab.py status            what runs
    lab.py leftovers CLUSTER what the dev cloud still holds of CLUSTER (exit 1 when anything)
"""

import base64
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import openstack

LAB = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("KSTACK_LAB_CACHE", "/var/cache/kstack-lab"))
STATE = Path(os.environ.get("KSTACK_LAB_STATE", "/var/lib/kstack-lab"))
CLOUD = os.environ.get("KSTACK_LAB_ADMIN_CLOUD", "devcloud-admin")

ROUTER_NS = "kslab-router"
MIRROR_NS = "kslab-mirror"
CLIENT_NS = "kslab-client"
# On the external network, outside the dev cloud's floating IP pool (.10-.250).
MIRROR_IP = "203.0.113.2"
CLIENT_IP = "203.0.113.3"
EXTERNAL_PREFIX = 24
MIRROR_REGISTRY_PORT = 5000
MIRROR_BINARIES_PORT = 8080
# The dev cloud's APIs, which the client namespace and every node reach at the same 127.0.0.1 URLs as the
# host: the catalog's endpoints work there as they are (the cloud controller manager runs on the masters'
# host network).
DEVCLOUD_PORTS = [5000, 8774, 8776, 8778, 9292, 9696, 9876]


def log(message):
    print(f"[lab {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(*args, check=True, capture=False, ns=None, **kwargs):
    cmd = [str(a) for a in args]
    if ns:
        cmd = ["ip", "netns", "exec", ns] + cmd
    result = subprocess.run(cmd, check=False, text=True,
                            stdout=subprocess.PIPE if capture else None,
                            stderr=subprocess.PIPE if capture else None, **kwargs)
    if check and result.returncode != 0:
        detail = (result.stderr or "").strip() if capture else ""
        raise RuntimeError(f"{' '.join(cmd)} exited {result.returncode}: {detail}")
    return result


class State:
    """What the lab has made, kept on disk so that `down` removes exactly that, by PID and by name."""

    def __init__(self):
        STATE.mkdir(parents=True, exist_ok=True)
        self.path = STATE / "state.json"
        self.data = json.loads(self.path.read_text()) if self.path.exists() else {}
        for key in ("namespaces", "processes", "nodes", "loadbalancers", "floating_ips"):
            self.data.setdefault(key, {} if key in ("processes", "nodes", "loadbalancers", "floating_ips") else [])

    def save(self):
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, indent=2, sort_keys=True))
        tmp.replace(self.path)

    def add_namespace(self, name):
        if name not in self.data["namespaces"]:
            self.data["namespaces"].append(name)
            self.save()

    def add_process(self, name, pid):
        self.data["processes"][name] = pid
        self.save()


def netns_exists(name):
    return Path(f"/run/netns/{name}").exists()


def make_netns(state, name):
    if not netns_exists(name):
        run("ip", "netns", "add", name)
    state.add_namespace(name)
    run("ip", "-n", name, "link", "set", "lo", "up")


def short(text, length=8):
    import hashlib
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except (ProcessLookupError, TypeError):
        return False


def spawn(state, name, cmd, logfile, ns=None, env=None):
    """Starts a long-running process of the lab's, recorded by PID."""
    pid = state.data["processes"].get(name)
    if pid and alive(pid):
        return pid
    full = (["ip", "netns", "exec", ns] if ns else []) + [str(c) for c in cmd]
    with open(logfile, "ab") as out:
        proc = subprocess.Popen(full, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, env=env)
    state.add_process(name, proc.pid)
    return proc.pid


def stop_process(state, name, timeout=30):
    pid = state.data["processes"].pop(name, None)
    state.save()
    if not pid or not alive(pid):
        return
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.time() + timeout
    while time.time() < deadline and alive(pid):
        time.sleep(0.2)
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
    if alive(pid):
        os.killpg(pid, signal.SIGKILL)


# ---------------------------------------------------------------------------------------------
# The cloud, as an admin sees it.

class Cloud:
    """The dev cloud's view of one cluster: its servers with their ports and volumes, its subnet,
    router, load balancers and floating IPs."""

    def __init__(self, cluster):
        self.cluster = cluster
        self.conn = openstack.connect(cloud=CLOUD)
        prefix = f"{cluster}-"
        self.servers = [s for s in self.conn.compute.servers(all_projects=True, details=True)
                        if s.name.startswith(prefix)]
        self.ports = [p for p in self.conn.network.ports() if p.name.startswith(prefix)]
        self.subnets = [s for s in self.conn.network.subnets() if s.name.startswith(prefix)]
        self.routers = [r for r in self.conn.network.routers() if r.name.startswith(prefix)]
        self.floating_ips = list(self.conn.network.ips())
        self.volumes = [v for v in self.conn.block_storage.volumes(all_projects=True, details=True)
                        if v.name.startswith(prefix)]
        # The API's load balancer, and those the cloud controller manager made for LoadBalancer Services.
        self.loadbalancers = [lb for lb in self.conn.load_balancer.load_balancers()
                              if lb.name.startswith(prefix) or lb.name.startswith(f"kube_service_{cluster}_")]

    def user_data(self, server):
        # Nova shows user-data to admins from microversion 2.3.
        response = self.conn.compute.get(f"/servers/{server.id}", microversion="2.3")
        response.raise_for_status()
        encoded = response.json()["server"].get("OS-EXT-SRV-ATTR:user_data")
        return base64.b64decode(encoded) if encoded else b""

    def public_key(self, server):
        if not server.key_name:
            return None
        for kp in self.conn.compute.keypairs(user_id=server.user_id):
            if kp.name == server.key_name:
                return kp.public_key
        return None

    def server_port(self, server):
        for port in self.ports:
            if port.device_id == server.id:
                return port
        for port in self.ports:
            if port.name == f"{server.name}-port" or port.name == server.name:
                return port
        raise RuntimeError(f"no port found for server {server.name}")

    def server_volumes(self, server):
        return [v for v in self.volumes if any(a.get("server_id") == server.id for a in (v.attachments or []))]

    def subnet(self):
        if not self.subnets:
            raise RuntimeError(f"the cloud holds no subnet of cluster {self.cluster}")
        return self.subnets[0]

    def router_gateway_ip(self):
        for router in self.routers:
            info = router.external_gateway_info or {}
            for fixed in info.get("external_fixed_ips") or []:
                return fixed["ip_address"]
        raise RuntimeError(f"the router of cluster {self.cluster} has no external gateway address")

    def lb_config(self, lb):
        """The listeners, pools, members and health monitors of one load balancer, as Octavia says."""
        lbapi = self.conn.load_balancer
        listeners = []
        for listener in lbapi.listeners():
            if lb.id not in [owner.get("id") for owner in listener.load_balancers or []]:
                continue
            pool = lbapi.get_pool(listener.default_pool_id) if listener.default_pool_id else None
            members = list(lbapi.members(pool.id)) if pool else []
            monitor = lbapi.get_health_monitor(pool.health_monitor_id) if pool and pool.health_monitor_id else None
            listeners.append({
                "port": listener.protocol_port,
                "protocol": listener.protocol,
                "allowed_cidrs": list(listener.allowed_cidrs or []),
                "timeout_client_data": listener.timeout_client_data,
                "timeout_member_data": listener.timeout_member_data,
                "lb_algorithm": pool.lb_algorithm if pool else "ROUND_ROBIN",
                "members": [{"address": m.address, "port": m.protocol_port, "monitor_address": m.monitor_address,
                             "monitor_port": m.monitor_port} for m in members],
                "monitor": None if monitor is None else {
                    "type": monitor.type, "delay": monitor.delay, "timeout": monitor.timeout,
                    "max_retries": monitor.max_retries, "url_path": monitor.url_path,
                    "expected_codes": monitor.expected_codes,
                },
            })
        return listeners


# ---------------------------------------------------------------------------------------------
# The router: the tenant and external networks, DHCP, floating IPs.

def ensure_router(state, cloud):
    subnet = cloud.subnet()
    prefix = subnet.cidr.split("/")[1]
    gateway_ip = cloud.router_gateway_ip()
    make_netns(state, ROUTER_NS)
    links = run("ip", "-n", ROUTER_NS, "-o", "link", capture=True).stdout
    if "br-tenant" not in links:
        for bridge in ("br-tenant", "br-ext"):
            run("ip", "-n", ROUTER_NS, "link", "add", bridge, "type", "bridge")
            run("ip", "-n", ROUTER_NS, "link", "set", bridge, "up")
        run("ip", "-n", ROUTER_NS, "addr", "add", f"{subnet.gateway_ip}/{prefix}", "dev", "br-tenant")
        run("ip", "-n", ROUTER_NS, "addr", "add", f"{gateway_ip}/{EXTERNAL_PREFIX}", "dev", "br-ext")
        run("sysctl", "-qw", "net.ipv4.ip_forward=1", ns=ROUTER_NS)
        # The tenant network is plain L2: bridged frames do not pass the router's iptables.
        for key in ("bridge-nf-call-iptables", "bridge-nf-call-ip6tables"):
            path = f"net.bridge.{key}=0"
            run("sysctl", "-qw", path, ns=ROUTER_NS, check=False)
        # What leaves the tenant network without a floating IP leaves as the router's gateway address.
        run("iptables", "-w", "-t", "nat", "-A", "POSTROUTING", "-s", subnet.cidr, "-o", "br-ext",
            "-j", "SNAT", "--to-source", gateway_ip, ns=ROUTER_NS)
    state.data["subnet"] = {"cidr": subnet.cidr, "gateway": subnet.gateway_ip,
                            "dns": list(subnet.dns_nameservers or []), "router_gateway": gateway_ip}
    state.save()
    ensure_dhcp(state, cloud)
    ensure_metadata(state, cloud)


def ensure_dhcp(state, cloud):
    """dnsmasq on the tenant network, as Neutron's DHCP agent runs it: one fixed address per port MAC."""
    subnet = state.data["subnet"]
    hosts = STATE / "dhcp-hosts"
    lines = []
    for server in cloud.servers:
        port = cloud.server_port(server)
        lines.append(f"{port.mac_address},{port.fixed_ips[0]['ip_address']},{server.name}")
    hosts.write_text("\n".join(sorted(lines)) + "\n")
    pid = state.data["processes"].get("dnsmasq")
    if pid and alive(pid):
        os.kill(pid, signal.SIGHUP)  # rereads the hosts file
        return
    # Leases of an earlier run may hold this run's addresses for other MACs.
    (STATE / "dhcp.leases").unlink(missing_ok=True)
    network, prefix = subnet["cidr"].split("/")
    mask = socket.inet_ntoa((0xFFFFFFFF << (32 - int(prefix)) & 0xFFFFFFFF).to_bytes(4, "big"))
    cmd = ["dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--port=0", "--interface=br-tenant",
           "--bind-interfaces", f"--dhcp-range={network},static,{mask},infinite", f"--dhcp-hostsfile={hosts}",
           f"--dhcp-leasefile={STATE / 'dhcp.leases'}", f"--dhcp-option=3,{subnet['gateway']}",
           "--dhcp-authoritative", "--log-dhcp", "--log-facility=-"]
    if subnet["dns"]:
        cmd.append("--dhcp-option=6," + ",".join(subnet["dns"]))
    spawn(state, "dnsmasq", cmd, STATE / "dnsmasq.log", ns=ROUTER_NS)


METADATA_IP = "169.254.169.254"


def ensure_metadata(state, cloud):
    """Nova's metadata service where Neutron puts it: on 169.254.169.254 in the router's namespace,
    answering each server, known by its fixed address, with its own user-data and metadata."""
    table = {}
    for server in cloud.servers:
        port = cloud.server_port(server)
        table[port.fixed_ips[0]["ip_address"]] = {
            "user_data": base64.b64encode(cloud.user_data(server)).decode(),
            "meta_data": {"uuid": server.id, "name": server.name, "hostname": server.name}}
    path = STATE / "metadata.json"
    path.write_text(json.dumps(table))
    os.chmod(path, 0o600)
    addresses = run("ip", "-n", ROUTER_NS, "-o", "addr", "show", "dev", "lo", capture=True).stdout
    if f"{METADATA_IP}/32" not in addresses:
        run("ip", "-n", ROUTER_NS, "addr", "add", f"{METADATA_IP}/32", "dev", "lo")
    pid = state.data["processes"].get("metadata")
    if pid and alive(pid):
        return  # it rereads the table at every request
    spawn(state, "metadata", ["/usr/bin/python3", __file__, "_metadata"], STATE / "metadata.log", ns=ROUTER_NS)


def serve_metadata():
    """Runs in the router's namespace: the metadata service's two paths that matter here."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            entry = json.loads((STATE / "metadata.json").read_text()).get(self.client_address[0])
            body = None
            if entry and self.path == "/openstack/latest/user_data":
                body = base64.b64decode(entry["user_data"])
            elif entry and self.path == "/openstack/latest/meta_data.json":
                body = json.dumps(entry["meta_data"]).encode()
            self.send_response(200 if body is not None else 404)
            self.end_headers()
            self.wfile.write(body or b"")

    ThreadingHTTPServer((METADATA_IP, 80), Handler).serve_forever()


def attach(state, ns, address_cidr, bridge, gateway=None, mac=None, ifname="eth0"):
    """A veth from `bridge` in the router namespace into `ns`, with an address and a default route."""
    host_side = "v" + short(ns, 12)
    if run("ip", "-n", ROUTER_NS, "link", "show", host_side, check=False, capture=True).returncode != 0:
        run("ip", "-n", ROUTER_NS, "link", "add", host_side, "type", "veth", "peer", "name", ifname, "netns", ns)
        run("ip", "-n", ROUTER_NS, "link", "set", host_side, "master", bridge, "up")
        if mac:
            run("ip", "-n", ns, "link", "set", ifname, "address", mac)
        if address_cidr:
            run("ip", "-n", ns, "addr", "add", address_cidr, "dev", ifname)
        run("ip", "-n", ns, "link", "set", ifname, "up")
        if gateway:
            run("ip", "-n", ns, "route", "add", "default", "via", gateway)


def ensure_floating_ips(state, cloud):
    """Each floating IP bound to a port: the router answers for it and NATs it to the fixed address."""
    ports = {p.id: p for p in cloud.conn.network.ports()}
    want = {}
    for fip in cloud.floating_ips:
        if fip.port_id and fip.port_id in ports and fip.fixed_ip_address:
            want[fip.floating_ip_address] = fip.fixed_ip_address
    have = state.data["floating_ips"]
    for address, fixed in have.items():
        if want.get(address) != fixed:
            nat_rules(address, fixed, "-D")
            run("ip", "-n", ROUTER_NS, "addr", "del", f"{address}/32", "dev", "br-ext", check=False)
    for address, fixed in want.items():
        if have.get(address) == fixed:
            continue
        run("ip", "-n", ROUTER_NS, "addr", "add", f"{address}/32", "dev", "br-ext", check=False)
        nat_rules(address, fixed, "-I")
        log(f"floating IP {address} -> {fixed}")
    state.data["floating_ips"] = want
    state.save()


def nat_rules(floating, fixed, action):
    run("iptables", "-w", "-t", "nat", action, "PREROUTING", "-d", floating, "-j", "DNAT",
        "--to-destination", fixed, ns=ROUTER_NS, check=action != "-D")
    run("iptables", "-w", "-t", "nat", action, "POSTROUTING", "-s", fixed, "-o", "br-ext", "-j", "SNAT",
        "--to-source", floating, ns=ROUTER_NS, check=action != "-D")
    # A node reaching a floating IP of the tenant network: hairpin through the router.
    run("iptables", "-w", "-t", "nat", action, "OUTPUT", "-d", floating, "-j", "DNAT",
        "--to-destination", fixed, ns=ROUTER_NS, check=action != "-D")


# ---------------------------------------------------------------------------------------------
# The mirror: the registry and the binaries, on the external network.

def ensure_mirror(state):
    make_netns(state, MIRROR_NS)
    attach(state, MIRROR_NS, f"{MIRROR_IP}/{EXTERNAL_PREFIX}", "br-ext",
           gateway=state.data["subnet"]["router_gateway"])
    registry_dir = CACHE / "registry"
    registry_dir.mkdir(parents=True, exist_ok=True)
    config = STATE / "registry.yml"
    config.write_text(f"""version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: {registry_dir}
  delete:
    enabled: false
http:
  addr: {MIRROR_IP}:{MIRROR_REGISTRY_PORT}
""")
    spawn(state, "registry", ["docker-registry", "serve", config], STATE / "registry.log", ns=MIRROR_NS)
    spawn(state, "binaries", ["/usr/bin/python3", "-m", "http.server", "--bind", MIRROR_IP,
                              "--directory", CACHE / "mirror", str(MIRROR_BINARIES_PORT)],
          STATE / "binaries.log", ns=MIRROR_NS)
    wait_tcp(MIRROR_NS, MIRROR_IP, MIRROR_REGISTRY_PORT)
    wait_tcp(MIRROR_NS, MIRROR_IP, MIRROR_BINARIES_PORT)


def wait_tcp(ns, host, port, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        probe = run("bash", "-c", f"exec 3<>/dev/tcp/{host}/{port}", ns=ns, check=False, capture=True)
        if probe.returncode == 0:
            return
        time.sleep(0.5)
    raise RuntimeError(f"nothing answers on {host}:{port} in {ns} after {timeout} s")


# ---------------------------------------------------------------------------------------------
# The client: the operator's laptop on the external network.

libc = ctypes.CDLL("libc.so.6", use_errno=True)
CLONE_NEWNET = 0x40000000


def setns(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns {path}")
    finally:
        os.close(fd)


def forward_devcloud(ns):
    """Runs in its own process: listens on 127.0.0.1 in namespace `ns` and forwards each connection to
    the same port on the host's 127.0.0.1, where the dev cloud answers. Counts the HTTP requests sent
    through it, by port, in STATE/requests-<ns>.json (rewritten every 5 s)."""
    host_ns = "/proc/self/ns/net"
    host_fd = os.open(host_ns, os.O_RDONLY)
    setns(f"/run/netns/{ns}")
    listeners = []
    for port in DEVCLOUD_PORTS:
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        s.listen(64)
        listeners.append((s, port))
    if libc.setns(host_fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns back")

    counts = {str(port): 0 for port in DEVCLOUD_PORTS}
    lock = threading.Lock()

    def pipe(a, b, port=None):
        try:
            while True:
                data = a.recv(65536)
                if not data:
                    break
                if port is not None:
                    # Request lines end in " HTTP/1.1"; no JSON body carries that with a CRLF.
                    with lock:
                        counts[str(port)] += data.count(b" HTTP/1.1\r\n")
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def serve(listener, port):
        while True:
            conn, _ = listener.accept()
            try:
                upstream = socket.create_connection(("127.0.0.1", port))
            except OSError:
                conn.close()
                continue
            threading.Thread(target=pipe, args=(conn, upstream, port), daemon=True).start()
            threading.Thread(target=pipe, args=(upstream, conn), daemon=True).start()

    for listener, port in listeners:
        threading.Thread(target=serve, args=(listener, port), daemon=True).start()
    report = STATE / f"requests-{ns}.json"
    while True:
        with lock:
            text = json.dumps(counts)
        report.with_suffix(".tmp").write_text(text)
        report.with_suffix(".tmp").rename(report)
        time.sleep(5)


def ensure_client(state):
    make_netns(state, CLIENT_NS)
    attach(state, CLIENT_NS, f"{CLIENT_IP}/{EXTERNAL_PREFIX}", "br-ext")
    spawn(state, "client-forwarder", ["/usr/bin/python3", __file__, "_forward", CLIENT_NS],
          STATE / "forwarder.log")


# ---------------------------------------------------------------------------------------------
# Load balancers: the amphora's part, played by HAProxy on the VIP.

def haproxy_config(listeners):
    lines = ["global", "  maxconn 4096", "defaults", "  mode tcp", "  timeout connect 5s",
             "  log global"]
    for index, listener in enumerate(listeners):
        client_ms = listener["timeout_client_data"] or 50000
        member_ms = listener["timeout_member_data"] or 50000
        lines += [f"frontend f{index}", f"  bind :{listener['port']}", f"  timeout client {client_ms}ms",
                  f"  default_backend b{index}"]
        cidrs = [c for c in listener["allowed_cidrs"] if c]
        if cidrs:
            lines += [f"  acl allowed src {' '.join(cidrs)}", "  tcp-request connection reject if !allowed"]
        algorithm = {"ROUND_ROBIN": "roundrobin", "LEAST_CONNECTIONS": "leastconn",
                     "SOURCE_IP": "source"}.get(listener["lb_algorithm"], "roundrobin")
        lines += [f"backend b{index}", f"  balance {algorithm}", f"  timeout server {member_ms}ms"]
        monitor = listener["monitor"]
        check = ""
        if monitor:
            check = f" check inter {monitor['delay']}s fall {monitor['max_retries']} rise {monitor['max_retries']}"
            if monitor["type"] in ("HTTP", "HTTPS"):
                codes = (monitor["expected_codes"] or "200").replace(",", " ")
                lines += [f"  option httpchk GET {monitor['url_path'] or '/'}",
                          f"  http-check expect status {codes.split()[0]}"]
                if monitor["type"] == "HTTPS":
                    check += " check-ssl verify none"
            lines += [f"  timeout check {monitor['timeout']}s"]
        for m, member in enumerate(listener["members"]):
            # A member's monitor_address and monitor_port, where Octavia has them, are what the amphora
            # checks (the cloud controller manager points them at a Service's healthCheckNodePort).
            where = ""
            if check and member.get("monitor_address"):
                where += f" addr {member['monitor_address']}"
            if check and member.get("monitor_port"):
                where += f" port {member['monitor_port']}"
            lines.append(f"  server m{m} {member['address']}:{member['port']}{check}{where}")
    return "\n".join(lines) + "\n"


def ensure_loadbalancers(state, cloud):
    subnet = state.data["subnet"]
    prefix = subnet["cidr"].split("/")[1]
    current = set()
    for lb in cloud.loadbalancers:
        current.add(lb.id)
        ns = f"kslab-lb-{lb.id[:8]}"
        make_netns(state, ns)
        attach(state, ns, f"{lb.vip_address}/{prefix}", "br-tenant", gateway=subnet["gateway"])
        config = STATE / f"haproxy-{lb.id}.cfg"
        text = haproxy_config(cloud.lb_config(lb))
        changed = not config.exists() or config.read_text() != text
        config.write_text(text)
        name = f"haproxy-{lb.id}"
        if changed:
            stop_process(state, name, timeout=5)
        spawn(state, name, ["haproxy", "-W", "-db", "-f", config], STATE / f"{name}.log", ns=ns)
        state.data["loadbalancers"][lb.id] = {"name": lb.name, "vip": lb.vip_address, "namespace": ns}
        log(f"load balancer {lb.name}: HAProxy on {lb.vip_address}")
    for lb_id in list(state.data["loadbalancers"]):
        if lb_id not in current:
            stop_process(state, f"haproxy-{lb_id}")
            remove_netns(state, state.data["loadbalancers"].pop(lb_id)["namespace"])
    state.save()


# ---------------------------------------------------------------------------------------------
# Nodes.

def node_dir(name):
    return STATE / "nodes" / name


def prepare_node(state, cloud, server):
    """The node's disks and seed: an overlay over the cached image, loop devices for its volumes."""
    directory = node_dir(server.name)
    root = directory / "root"
    info = state.data["nodes"].get(server.name)
    if info and info.get("server_id") != server.id:
        raise RuntimeError(f"node {server.name} belongs to server {info['server_id']}, the cloud now holds "
                           f"{server.id}: run `lab.py remove-node {server.name}` first")
    if not info:
        for sub in ("upper", "work", "root"):
            (directory / sub).mkdir(parents=True, exist_ok=True)
        info = {"server_id": server.id, "volumes": {}, "booted": 0}
        state.data["nodes"][server.name] = info
    if not os.path.ismount(root):
        lower = CACHE / "images" / "node" / "rootfs"
        run("mount", "-t", "overlay", "overlay", "-o",
            f"lowerdir={lower},upperdir={directory / 'upper'},workdir={directory / 'work'}", root)
    info["mounted"] = True
    # The NoCloud seed: exactly what Nova stores for the server.
    seed = root / "var/lib/cloud/seed/nocloud"
    seed.mkdir(parents=True, exist_ok=True)
    (seed / "user-data").write_bytes(cloud.user_data(server))
    os.chmod(seed / "user-data", 0o600)
    meta = [f"instance-id: {server.id}", f"local-hostname: {server.name}"]
    key = cloud.public_key(server)
    if key:
        meta += ["public-keys:", f"  - {json.dumps(key.strip())}"]
    (seed / "meta-data").write_text("\n".join(meta) + "\n")
    # Data volumes: a sparse file each, as a loop device.
    for volume in cloud.server_volumes(server):
        entry = info["volumes"].get(volume.id)
        image = directory / f"volume-{volume.id}.img"
        if not image.exists():
            with open(image, "wb") as f:
                f.truncate(volume.size * 1024 ** 3)
        device = entry and entry.get("loop")
        if not device or not loop_backs(device, image):
            device = run("losetup", "--find", "--show", image, capture=True).stdout.strip()
        info["volumes"][volume.id] = {"loop": device, "image": str(image), "size_gb": volume.size}
    state.save()
    return info


def loop_backs(device, image):
    result = run("losetup", "--noheadings", "--output", "BACK-FILE", device, check=False, capture=True)
    return result.returncode == 0 and result.stdout.strip() == str(image)


def boot_node(state, cloud, server):
    info = prepare_node(state, cloud, server)
    name = server.name
    process = f"node-{name}"
    pid = state.data["processes"].get(process)
    if pid and alive(pid):
        return
    ns = f"kslab-n-{short(name, 10)}"
    make_netns(state, ns)
    port = cloud.server_port(server)
    attach(state, ns, None, "br-tenant", mac=port.mac_address)
    info["namespace"] = ns
    info["ip"] = port.fixed_ips[0]["ip_address"]
    # The dev cloud's APIs on the node's 127.0.0.1, before the node boots (its add-ons call them).
    spawn(state, f"forwarder-{name}", ["/usr/bin/python3", __file__, "_forward", ns],
          STATE / f"forwarder-{name}.log")
    # --console=read-only: /dev/console is a pty whose output nspawn copies into console.log, as a VM's
    # serial console reaches Nova's console log (with --console=pipe the node has no /dev/console, and
    # what its units write there is lost).
    cmd = ["systemd-nspawn", "--quiet", "--boot", "--register=no", "--keep-unit",
           f"--directory={node_dir(name) / 'root'}", f"--machine={name}", f"--network-namespace-path=/run/netns/{ns}",
           "--capability=all", "--system-call-filter=@keyring bpf", "--bind=/dev/kmsg", "--console=read-only"]
    for volume_id, volume in info["volumes"].items():
        loop = volume["loop"]
        # What udev makes of a virtio disk whose serial is the volume id (the first 20 characters).
        cmd += [f"--bind={loop}", f"--bind={loop}:/dev/disk/by-id/virtio-{volume_id[:20]}"]
    env = dict(os.environ)
    info["booted"] = info.get("booted", 0) + 1
    info["boot_started"] = time.time()
    state.save()
    spawn(state, process, cmd, node_dir(name) / "console.log", env=env)
    open_cgroups(state, name)
    log(f"node {name}: booting at {info['ip']} (boot {info['booted']})")


CGROUP_V1_CONTROLLERS = ("cpu", "cpuacct", "cpuset", "memory", "pids", "blkio", "devices", "freezer")


def open_cgroups(state, name, timeout=60):
    """A VM's /proc/sys and cgroups are its own to write: the node writes its sysctls, and the kubelet and
    containerd their cgroups, as they would there. systemd-nspawn mounts /proc/sys and the cgroup v1
    controllers read-only in a container; the lab makes those mounts writable (a bind remount of the
    container's own mount: its cgroup namespace still confines it to its subtree). /sys stays read-only,
    as systemd expects in a container (with it writable, systemd-networkd waits for a udev that never
    sees the container's devices)."""
    deadline = time.time() + timeout
    while True:
        try:
            pid = node_pid(state, name)
            # Once the container's init has been executed, nspawn has made every mount.
            if Path(f"/proc/{pid}/comm").read_text().strip() == "systemd":
                break
            raise RuntimeError("init not started yet")
        except (RuntimeError, OSError):
            if time.time() > deadline:
                raise
            time.sleep(0.2)
    for path in ["/proc/sys"] + [f"/sys/fs/cgroup/{c}" for c in CGROUP_V1_CONTROLLERS]:
        for _ in range(50):
            mounted = run("nsenter", "-t", pid, "-m", "--", "mountpoint", "-q", path, check=False)
            if mounted.returncode == 0:
                break
            time.sleep(0.1)
        run("nsenter", "-t", pid, "-m", "--", "mount", "-o", "remount,bind,rw", path)


def node_pid(state, name):
    """The PID of the node's init (systemd), for nsenter."""
    pid = state.data["processes"].get(f"node-{name}")
    if not pid or not alive(pid):
        raise RuntimeError(f"node {name} is not running")
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    if not children:
        raise RuntimeError(f"node {name} has no init yet")
    return int(children[0])


def node_exec(state, name, cmd, **kwargs):
    pid = node_pid(state, name)
    return subprocess.run(["nsenter", "-t", str(pid), "-m", "-u", "-i", "-n", "-p", "-C", "--"] + cmd, **kwargs)


def end_node(state, name, signal_it, timeout, verb):
    """Ends node `name`: `signal_it(pid)` asks, then nspawn gets `timeout` seconds to exit before its
    process group is killed."""
    process = f"node-{name}"
    pid = state.data["processes"].get(process)
    if pid and alive(pid):
        signal_it(pid)
        deadline = time.time() + timeout
        while time.time() < deadline and alive(pid):
            time.sleep(0.2)
        if alive(pid):
            os.killpg(pid, signal.SIGKILL)
    state.data["processes"].pop(process, None)
    state.save()
    log(f"node {name}: {verb}")


def stop_node(state, name):
    # systemd-nspawn turns SIGTERM into an orderly shutdown of the node's systemd.
    end_node(state, name, lambda pid: os.kill(pid, signal.SIGTERM), 120, "stopped")


def power_off(state, name):
    """What Nova does to a server it deletes: the node stops at once, without a shutdown. SIGKILL to the
    node's init ends every process of its PID namespace; nspawn then exits."""
    def kill_init(_pid):
        try:
            os.kill(node_pid(state, name), signal.SIGKILL)
        except (RuntimeError, ProcessLookupError):
            pass
    end_node(state, name, kill_init, 30, "powered off")


def release_node(state, name):
    """The node of a server that is gone: powered off, its disks and namespace removed."""
    info = state.data["nodes"].get(name)
    if not info:
        return
    power_off(state, name)
    stop_process(state, f"forwarder-{name}", timeout=5)
    for volume in info.get("volumes", {}).values():
        if loop_backs(volume["loop"], volume["image"]):
            run("losetup", "--detach", volume["loop"], check=False)
    root = node_dir(name) / "root"
    if os.path.ismount(root):
        run("umount", "--recursive", root, check=False)
    if info.get("namespace"):
        remove_netns(state, info["namespace"])


def remove_netns(state, ns):
    if netns_exists(ns):
        # The veth's other end in the router namespace goes with it.
        run("ip", "netns", "del", ns, check=False)
    if ns in state.data["namespaces"]:
        state.data["namespaces"].remove(ns)
    state.save()


# ---------------------------------------------------------------------------------------------
# Commands.

# Kernel-wide settings a node's sysctls write through its writable /proc/sys, as on a VM of its own;
# the lab puts the machine's values back at `down`.
GLOBAL_SYSCTLS = ("vm.overcommit_memory", "vm.panic_on_oom", "kernel.panic", "kernel.panic_on_oops",
                  "kernel.keys.root_maxkeys", "kernel.keys.root_maxbytes", "fs.inotify.max_user_instances",
                  "fs.inotify.max_user_watches")


def remember_sysctls(state):
    if "sysctls" not in state.data:
        state.data["sysctls"] = {k: run("sysctl", "-n", k, capture=True).stdout.strip() for k in GLOBAL_SYSCTLS}
        state.save()


def restore_sysctls(state):
    for key, value in state.data.get("sysctls", {}).items():
        run("sysctl", "-qw", f"{key}={value}", check=False)


def cmd_net(cluster):
    """The networks, the mirror, the client, the load balancers and the floating IPs."""
    state = State()
    remember_sysctls(state)
    cloud = Cloud(cluster)
    if not cloud.servers:
        raise RuntimeError(f"the dev cloud holds no servers of cluster {cluster}: run kstack apply first")
    state.data["cluster"] = cluster
    ensure_router(state, cloud)
    ensure_mirror(state)
    ensure_client(state)
    ensure_loadbalancers(state, cloud)
    ensure_floating_ips(state, cloud)
    return state, cloud


def cmd_up(cluster):
    state, cloud = cmd_net(cluster)
    names = {s.name for s in cloud.servers}
    for name in list(state.data["nodes"]):
        if name not in names:
            log(f"node {name}: its server is gone; removing it")
            release_node(state, name)
            state.data["nodes"].pop(name)
            state.save()
    for server in sorted(cloud.servers, key=lambda s: s.name):
        boot_node(state, cloud, server)


def cmd_down():
    state = State()
    for name in list(state.data["nodes"]):
        release_node(state, name)
    for name in list(state.data["processes"]):
        stop_process(state, name)
    for ns in list(state.data["namespaces"]):
        remove_netns(state, ns)
    restore_sysctls(state)
    import shutil
    shutil.rmtree(STATE / "nodes", ignore_errors=True)
    (STATE / "dhcp.leases").unlink(missing_ok=True)
    state.data = {}
    state.path.unlink(missing_ok=True)
    log("lab down: no node, namespace, mount or loop device of the lab's is left")


def cmd_status():
    state = State()
    for name, info in sorted(state.data["nodes"].items()):
        pid = state.data["processes"].get(f"node-{name}")
        print(f"{name:28} {info.get('ip', ''):15} {'running' if pid and alive(pid) else 'stopped'}")
    for lb in state.data["loadbalancers"].values():
        print(f"{lb['name']:28} {lb['vip']:15} haproxy")


def cmd_leftovers(cluster):
    """After a destroy: servers, ports, subnets, routers, volumes (the data volumes and the volumes of
    PersistentVolumes), load balancers (the API's and the Services') and floating IPs of the cluster."""
    cloud = Cloud(cluster)
    lb_vips = {lb.vip_port_id for lb in cloud.loadbalancers}
    csi = [v for v in cloud.conn.block_storage.volumes(all_projects=True, details=True)
           if (v.metadata or {}).get("cinder.csi.openstack.org/cluster") == cluster]
    left = [f"server {s.name}" for s in cloud.servers] + [f"port {p.name}" for p in cloud.ports] + \
        [f"subnet {s.name}" for s in cloud.subnets] + [f"router {r.name}" for r in cloud.routers] + \
        [f"volume {v.name}" for v in cloud.volumes + csi] + [f"load balancer {lb.name}" for lb in cloud.loadbalancers] + \
        [f"floating IP {f.floating_ip_address} ({f.description})" for f in cloud.floating_ips
         if f.description.startswith(f"{cluster}-") or (f.port_id and f.port_id in lb_vips)
         or f.description.endswith(f" from cluster {cluster}")]
    for item in left:
        print(item)
    return 1 if left else 0


def main(argv):
    if not argv:
        print(__doc__)
        return 2
    command, args = argv[0], argv[1:]
    if command == "_forward":
        forward_devcloud(args[0])
        return 0
    if command == "_metadata":
        serve_metadata()
        return 0
    if command in ("up", "boot"):
        cmd_up(args[0])
    elif command == "net":
        cmd_net(args[0])
    elif command == "down":
        cmd_down()
    elif command == "status":
        cmd_status()
    elif command == "leftovers":
        return cmd_leftovers(args[0])
    elif command == "stop-node":
        stop_node(State(), args[0])
    elif command in ("start-node", "reboot-node"):
        state = State()
        cloud = Cloud(state.data["cluster"])
        server = next((s for s in cloud.servers if s.name == args[0]), None)
        if server is None:
            raise RuntimeError(f"the cloud holds no server {args[0]}")
        if command == "reboot-node":
            stop_node(state, args[0])
        boot_node(state, cloud, server)
    elif command == "exec":
        rest = args[2:] if len(args) > 1 and args[1] == "--" else args[1:]
        return node_exec(State(), args[0], rest).returncode
    elif command == "client":
        rest = args[1:] if args and args[0] == "--" else args
        return subprocess.run(["ip", "netns", "exec", CLIENT_NS] + rest).returncode
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except RuntimeError as error:
        log(f"error: {error}")
        sys.exit(1)

#!/usr/bin/python3
"""The lab's end-to-end test: kstack applies a cluster on the dev cloud, the lab boots its servers
from their own user-data, and the checks a user would make are made from the client namespace (the
operator's laptop) and the nodes. Prints one line per check, the time-to-Ready of each phase, and
"N passed, N failed"; exits non-zero on any failure.

    e2e.py TOPOLOGY WORKDIR [--boot-only]   TOPOLOGY: single, non-ha or ha; --boot-only: up to every
                                            node booted and registered with the API
"""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import yaml

LAB = Path(__file__).resolve().parent
ROOT = LAB.parent
CACHE = Path(os.environ.get("KSTACK_LAB_CACHE", "/var/cache/kstack-lab"))
KSTACK = Path(os.environ.get("KSTACK", ROOT / "build/src/cli/kstack"))
KUBECTL = CACHE / "bin/kubernetes-1.34.4/kubectl"
MIRROR = "203.0.113.2"
LABPY = [sys.executable, str(LAB / "lab.py")]

passed = 0
failed = 0
phases = {}
figures = {}  # other measurements, printed after the phases
T0 = time.time()


def log(message):
    print(f"[e2e {time.strftime('%H:%M:%S')} +{time.time() - T0:6.1f}s] {message}", flush=True)


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}", flush=True)
    else:
        failed += 1
        print(f"FAIL {name}{': ' + detail if detail else ''}", flush=True)
    return ok


def run(cmd, check_rc=True, timeout=900, **kwargs):
    result = subprocess.run([str(c) for c in cmd], text=True, capture_output=True, timeout=timeout, **kwargs)
    if check_rc and result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def mark(phase):
    if phase not in phases:
        phases[phase] = time.time() - T0
        log(f"phase reached: {phase} at {phases[phase]:.1f} s")


class Cluster:
    """One cluster of the test: its spec, and the ways of reaching it."""

    def __init__(self, topology, workdir):
        self.topology = topology
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.name = {"single": "lab-single", "non-ha": "lab-nonha", "ha": "lab-ha"}[topology]
        self.spec = self.workdir / "cluster.yaml"
        self.kubeconfig = self.workdir / "kubeconfig"

    def kstack(self, *args, client=False, check_rc=True, timeout=1800):
        cmd = [KSTACK, *args]
        if client:
            cmd = LABPY + ["client", "--"] + cmd
        return run(cmd, check_rc=check_rc, timeout=timeout)

    # The node kubectl runs on when the API has no floating IP (single, non-ha): what a user does then too.
    via_node = None

    def kubectl(self, *args, check_rc=True, timeout=120, stdin=None):
        """kubectl with the cluster's admin credentials; `stdin` is what `-f -` reads (a file of this
        machine's is not in the node kubectl may run on)."""
        if self.via_node:
            return run(LABPY + ["exec", self.via_node, "--", "kubectl", "--kubeconfig", "/etc/kubernetes/admin.conf",
                                "--request-timeout=20s", *args], check_rc=check_rc, timeout=timeout, input=stdin)
        return run(LABPY + ["client", "--", KUBECTL, "--kubeconfig", self.kubeconfig, "--request-timeout=20s", *args],
                   check_rc=check_rc, timeout=timeout, input=stdin)

    def node(self, name, *cmd, check_rc=False, timeout=60):
        return run(LABPY + ["exec", name, "--", *cmd], check_rc=check_rc, timeout=timeout)

    def write_spec(self, workers=None):
        key = self.workdir / "id_ed25519"
        if not key.exists():
            run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "kstack-lab", "-f", key])
        text = run([KSTACK, "init", "--topology", self.topology, "--name", self.name]).stdout
        spec = yaml.safe_load(text)
        spec["cloud"] = "devcloud"
        spec["ssh_public_key_file"] = str(key) + ".pub"
        if workers is not None:
            spec["node_pools"]["workers"]["count"] = workers
        # The differences from a production spec: the mirrors; Cinder CSI (two of its sidecars are
        # modules the Go module proxy refuses, docs/lab.md; the cloud controller manager runs, against the
        # dev cloud); the ingress controller (Traefik: the NGINX Ingress Controller's module is one the Go module
        # proxy refuses, docs/lab.md); and the kernel: the nodes are containers sharing this machine's
        # (which also withholds CAP_SYS_RESOURCE from everything it runs, so no node could lower an
        # oom_score_adj: runc would fail every pod sandbox at -998).
        spec["kubernetes"]["shared_kernel"] = True
        spec["mirrors"] = {"binaries": f"http://{MIRROR}:8080", "images": f"http://{MIRROR}:5000",
                           "checksums": str(CACHE / "mirror/SHA256SUMS")}
        spec["addons"].update({"cloud_provider": True, "cinder_csi": False, "default_storage_class": False,
                               "ingress": "traefik"})
        self.spec.write_text(yaml.safe_dump(spec, sort_keys=False))


# ---------------------------------------------------------------------------------------------

def prepare_mirror(cluster):
    """The binary mirror and its checksums come from an offline render of the spec without them."""
    spec = yaml.safe_load(cluster.spec.read_text())
    checksums = spec["mirrors"].pop("checksums")
    bare = cluster.workdir / "bare.yaml"
    bare.write_text(yaml.safe_dump(spec, sort_keys=False))
    out = cluster.workdir / "render"
    run([KSTACK, "render", "-f", bare, "-o", out])
    run([LAB / "build-mirror.sh", out, f"http://{MIRROR}:8080"])
    assert Path(checksums).exists()
    return out


def wait_for(what, probe, timeout, interval=5):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            last = probe()
            if last:
                return last
        except Exception as error:  # a probe that cannot answer yet
            last = error
        time.sleep(interval)
    raise TimeoutError(f"{what}: not within {timeout} s (last: {last})")


def nodes_ready(cluster):
    out = cluster.kubectl("get", "nodes", "-o", "json", check_rc=False)
    if out.returncode != 0:
        return None
    items = json.loads(out.stdout)["items"]
    ready = {n["metadata"]["name"]: any(c["type"] == "Ready" and c["status"] == "True"
                                       for c in n["status"]["conditions"]) for n in items}
    return ready


def servers(cluster):
    status = run(LABPY + ["status"]).stdout.split("\n")
    return [line.split()[0] for line in status if line.startswith(cluster.name + "-") and "haproxy" not in line]


def test_up(cluster, expected_nodes):
    """apply → boot → every node Ready, with the phases' times."""
    rendered = prepare_mirror(cluster)
    global T0
    T0 = time.time()
    cluster.kstack("apply", "-f", cluster.spec, "--yes", "--plain")
    mark("apply done (cloud resources)")
    run(LABPY + ["net", cluster.name])
    run(["ip", "netns", "exec", "kslab-mirror", LAB / "build-images.sh", rendered, f"{MIRROR}:5000"], timeout=1800)
    mark("images in the registry")
    run(LABPY + ["boot", cluster.name])
    mark("nodes booting")
    names = [n for n in servers(cluster) if "bastion" not in n]
    first = names[0]

    def console_has(text):
        return all(text in (Path("/var/lib/kstack-lab/nodes") / n / "console.log").read_text(errors="replace")
                   for n in names)

    wait_for("every node's bootstrap started", lambda: console_has("kstack: bootstrapping"), 600)
    mark("node boot (bootstrap started on every node)")
    wait_for("binaries installed on every node",
             lambda: all("installed kubelet" in cluster.node(n, "journalctl", "-u", "kstack-bootstrap",
                                                             "--no-pager").stdout for n in names), 900)
    mark("binaries installed")
    masters = [n for n in names if "master" in n]
    wait_for("etcd healthy", lambda: etcd_health(cluster, masters[0]), 900)
    mark("etcd healthy")
    cluster.kubeconfig.write_text(cluster.kstack("kubeconfig", "-f", cluster.spec, "--stdout", client=True).stdout)
    server = yaml.safe_load(cluster.kubeconfig.read_text())["clusters"][0]["cluster"]["server"]
    if server.startswith("https://10."):
        cluster.via_node = masters[0]
        log(f"the API ({server}) is inside the cluster network: kubectl runs on {masters[0]}")
    wait_for("API ready", lambda: cluster.kubectl("get", "--raw", "/readyz", check_rc=False).returncode == 0, 900)
    mark("API ready" + ("" if cluster.via_node else " (from the client, through the API's floating IP)"))
    registered = wait_for("every node registered", lambda: (lambda r: r if r and len(r) == expected_nodes else None)(
        nodes_ready(cluster)), 600)
    mark("every node registered with the API")
    check(f"boot: all {expected_nodes} node(s) booted from their own user-data and registered", bool(registered),
          str(registered))
    check_boot_steps(cluster, names)
    if BOOT_ONLY:
        return names
    wait_for("add-ons available", lambda: addons_available(cluster), 1200)
    mark("add-ons available")
    ready = wait_for("all nodes Ready", lambda: (lambda r: r if r and len(r) == expected_nodes and all(r.values())
                                                   else None)(nodes_ready(cluster)), 1200)
    mark("all nodes Ready")
    check(f"all {expected_nodes} nodes Ready", len(ready) == expected_nodes and all(ready.values()), str(ready))
    return names


def check_boot_steps(cluster, names):
    """What kstack's user-data did on each node, read back from the node itself."""
    for name in names:
        journal = cluster.node(name, "journalctl", "-u", "kstack-bootstrap", "-b", "--no-pager", "-o", "cat").stdout
        check(f"boot {name}: kstack's bootstrap unit ran to its end", "bootstrapped" in journal, journal[-1500:])
        check(f"boot {name}: binaries from the mirror, verified against its checksums",
              "installed kubelet, kubectl, containerd, runc, CNI plugins and crictl" in journal, journal[-1500:])
        mounted = cluster.node(name, "findmnt", "-no", "SOURCE,FSTYPE", "/var/lib/containerd").stdout.strip()
        check(f"boot {name}: the data volume formatted by kstack's script and mounted for containerd",
              "ext4" in mounted and "formatting empty volume" in journal, mounted)
        link = cluster.node(name, "readlink", "/var/lib/kubelet/pki/kubelet-client-current.pem").stdout.strip()
        check(f"boot {name}: the kubelet's client certificate behind the -current symlink",
              link.startswith("kubelet-client-"), link)
        units = cluster.node(name, "systemctl", "is-active", "containerd", "kubelet").stdout.split()
        check(f"boot {name}: containerd and the kubelet active", units == ["active", "active"], str(units))


def etcd_members(cluster, master):
    """`etcdctl endpoint health --cluster` through the etcd container of a master: one entry a member."""
    out = cluster.node(master, "sh", "-c",
                       "crictl exec $(crictl ps -q --name etcd | head -1) etcdctl --endpoints=https://127.0.0.1:2379 "
                       "--cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt "
                       "--key=/etc/kubernetes/pki/etcd/healthcheck-client.key endpoint health --cluster -w json")
    return json.loads(out.stdout) if out.stdout.strip().startswith("[") else []


def etcd_health(cluster, master):
    members = etcd_members(cluster, master)
    return members if members and all(m.get("health") for m in members) else None


def addons_available(cluster):
    out = cluster.kubectl("get", "deployments,daemonsets", "-A", "-o", "json", check_rc=False)
    if out.returncode != 0:
        return None
    items = json.loads(out.stdout)["items"]
    if not items:
        return None
    for item in items:
        status = item.get("status", {})
        if item["kind"] == "Deployment":
            if status.get("availableReplicas", 0) < item["spec"].get("replicas", 1):
                return None
        elif status.get("numberAvailable", 0) < status.get("desiredNumberScheduled", 1):
            return None
    return [f"{i['kind']}/{i['metadata']['name']}" for i in items]


def test_etcd(cluster, masters):
    health = etcd_health(cluster, masters[0])
    check(f"etcd: {len(masters)} healthy member(s) over TLS", health is not None and len(health) == len(masters),
          str(health))


def test_addons(cluster):
    available = addons_available(cluster)
    check("add-ons: every Deployment and DaemonSet available", bool(available), str(available))
    for name in ("coredns", "kube-flannel", "kube-proxy", "traefik"):
        check(f"add-on {name} present", any(name in a for a in (available or [])), str(available))
    pods = json.loads(cluster.kubectl("get", "pods", "-A", "-o", "json").stdout)["items"]
    crashing = [p["metadata"]["name"] for p in pods for s in p["status"].get("containerStatuses", [])
                if (s.get("state", {}).get("waiting") or {}).get("reason") == "CrashLoopBackOff"]
    check("no pod in CrashLoopBackOff", not crashing, str(crashing))


def test_networking(cluster, workers):
    manifest = f"""
apiVersion: apps/v1
kind: Deployment
metadata: {{name: echo, namespace: default}}
spec:
  replicas: {max(2, len(workers))}
  selector: {{matchLabels: {{app: echo}}}}
  template:
    metadata: {{labels: {{app: echo}}}}
    spec:
      topologySpreadConstraints:
        - {{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule,
            labelSelector: {{matchLabels: {{app: echo}}}}}}
      containers:
        - name: echo
          image: {MIRROR}:5000/coredns/coredns:v1.12.1
          args: ["-conf", "/dev/null", "-dns.port", "5353"]
          ports: [{{containerPort: 5353, protocol: TCP}}]
---
apiVersion: v1
kind: Service
metadata: {{name: echo, namespace: default}}
spec:
  type: NodePort
  selector: {{app: echo}}
  ports: [{{port: 53, targetPort: 5353, protocol: TCP}}]
"""
    (cluster.workdir / "echo.yaml").write_text(manifest)
    cluster.kubectl("apply", "-f", "-", stdin=manifest)
    cluster.kubectl("rollout", "status", "deployment/echo", "--timeout=300s", timeout=330)
    pods = json.loads(cluster.kubectl("get", "pods", "-l", "app=echo", "-o", "json").stdout)["items"]
    placed = {p["spec"]["nodeName"]: p["status"]["podIP"] for p in pods}
    log(f"echo pods: {placed}")
    # DNS from a pod: the kubernetes Service's name.
    # kube-proxy's image is the one the lab builds on a Debian base, which has getent.
    # The answer is read from the pod's log once it has ended: `kubectl run -i` can attach after a command
    # this short has printed, and lose its output. CoreDNS can have just become ready: three tries, each
    # one's output kept for the report.
    tries = []
    for attempt in range(3):
        cluster.kubectl("delete", "pod", "dns-probe", "--ignore-not-found", "--wait=true", check_rc=False)
        cluster.kubectl("run", "dns-probe", "--restart=Never", f"--image={MIRROR}:5000/kube-proxy:v1.34.4",
                        "--command", "--", "getent", "hosts", "kubernetes.default.svc.cluster.local",
                        check_rc=False)
        cluster.kubectl("wait", "pod/dns-probe", "--for=jsonpath={.status.phase}=Succeeded", "--timeout=120s",
                        check_rc=False, timeout=150)
        dns = cluster.kubectl("logs", "dns-probe", check_rc=False)
        tries.append(f"try {attempt + 1}: {dns.stdout.strip()} {dns.stderr.strip()}")
        if "10.96.0.1" in dns.stdout:
            break
        time.sleep(5)
    cluster.kubectl("delete", "pod", "dns-probe", "--ignore-not-found", check_rc=False)
    check("a pod resolves kubernetes.default", "10.96.0.1" in dns.stdout, "\n".join(tries))
    nodes = list(placed)
    if len(nodes) >= 2:
        # From the host network of one node to the pod on another: flannel's VXLAN between nodes.
        a, b = nodes[0], nodes[1]
        reach = cluster.node(a, "bash", "-c", f"exec 3<>/dev/tcp/{placed[b]}/5353 && echo connected")
        check(f"node {a} reaches the pod on {b} over VXLAN", "connected" in reach.stdout, reach.stderr)
    svc = json.loads(cluster.kubectl("get", "service", "echo", "-o", "json").stdout)
    cluster_ip = svc["spec"]["clusterIP"]
    node_port = svc["spec"]["ports"][0]["nodePort"]
    first = nodes[0]
    reach = cluster.node(first, "bash", "-c", f"exec 3<>/dev/tcp/{cluster_ip}/53 && echo connected")
    check("a ClusterIP Service reaches its pods", "connected" in reach.stdout, reach.stderr)
    ip = run(LABPY + ["exec", first, "--", "hostname", "-I"]).stdout.split()[0]
    reach = cluster.node(first, "bash", "-c", f"exec 3<>/dev/tcp/{ip}/{node_port} && echo connected")
    check("a NodePort reaches its pods", "connected" in reach.stdout, reach.stderr)


def test_ingress(cluster):
    """An Ingress routes a host name to a Service through the ingress controller, reached from the
    client namespace at the floating IP of the load balancer the cloud controller manager made for the
    controller's LoadBalancer Service (the lab's HAProxy plays its amphora)."""
    # The backend: CoreDNS's health endpoint, an HTTP server that answers "OK" on /health.
    manifest = f"""
apiVersion: v1
kind: ConfigMap
metadata: {{name: web, namespace: default}}
data:
  Corefile: |
    .:5353 {{
        health :8080
    }}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: default}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
        - name: web
          image: {MIRROR}:5000/coredns/coredns:v1.12.1
          args: ["-conf", "/etc/web/Corefile"]
          ports: [{{containerPort: 8080}}]
          volumeMounts: [{{name: conf, mountPath: /etc/web}}]
      volumes: [{{name: conf, configMap: {{name: web}}}}]
---
apiVersion: v1
kind: Service
metadata: {{name: web, namespace: default}}
spec:
  selector: {{app: web}}
  ports: [{{port: 80, targetPort: 8080}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {{name: web, namespace: default}}
spec:
  rules:
    - host: web.lab.example
      http:
        paths:
          - {{path: /, pathType: Prefix, backend: {{service: {{name: web, port: {{number: 80}}}}}}}}
"""
    cluster.kubectl("apply", "-f", "-", stdin=manifest)
    cluster.kubectl("rollout", "status", "deployment/web", "--timeout=300s", timeout=330)
    ingress = json.loads(cluster.kubectl("get", "ingress", "web", "-o", "json").stdout)
    check("the Ingress gets the default IngressClass", ingress["spec"].get("ingressClassName") == "traefik",
          str(ingress["spec"]))
    ip = wait_for("the ingress controller's external IP", lambda: external_ip(cluster, "traefik", "traefik"), 300)
    run(LABPY + ["net", cluster.name])  # the lab's amphora for the new load balancer, and its floating IP

    def get(host):
        out = run(LABPY + ["client", "--", "curl", "-s", "-m", "5", "-o", "/dev/stdout", "-w", " %{http_code}",
                           "-H", f"Host: {host}", f"http://{ip}/health"], check_rc=False)
        return out.stdout.strip()

    try:
        answer = wait_for("the Ingress routes", lambda: (lambda a: a if a.endswith(" 200") else None)(
            get("web.lab.example")), 180)
    except TimeoutError as error:
        answer = str(error)
    check(f"an Ingress routes web.lab.example to its Service (from the client, through {ip})",
          answer == "OK 200", answer)
    other = get("other.lab.example")
    check("a host name no Ingress names is not routed", other.endswith(" 404"), other)


def external_ip(cluster, namespace, service):
    out = cluster.kubectl("-n", namespace, "get", "service", service, "-o", "json", check_rc=False)
    if out.returncode != 0:
        return None
    ingress = json.loads(out.stdout)["status"].get("loadBalancer", {}).get("ingress") or []
    return ingress[0].get("ip") if ingress else None


def octavia(cluster):
    """The dev cloud's load balancers of the cluster's Services, as its admin sees them."""
    import openstack
    conn = openstack.connect(cloud="devcloud-admin")
    return {lb.name: lb for lb in conn.load_balancer.load_balancers()
            if lb.name.startswith(f"kube_service_{cluster.name}_")}


def test_cloud_provider(cluster, names):
    """openstack-cloud-controller-manager against the dev cloud: it initialises every node from Nova,
    and a LoadBalancer Service gets an Octavia load balancer with a floating IP that serves it, which
    goes with the Service."""
    import openstack
    conn = openstack.connect(cloud="devcloud-admin")
    servers = {s.name: s for s in conn.compute.servers(all_projects=True, details=True) if s.name in names}
    nodes = {n["metadata"]["name"]: n for n in json.loads(cluster.kubectl("get", "nodes", "-o", "json").stdout)["items"]}
    for name in names:
        node, server = nodes.get(name), servers.get(name)
        if node is None or server is None:
            check(f"cloud provider: node {name} and its server", False, f"node {node is not None}, server {server is not None}")
            continue
        check(f"cloud provider: {name}'s providerID is openstack:///<its server's id>",
              node["spec"].get("providerID") == f"openstack:///{server.id}", str(node["spec"].get("providerID")))
        taints = [t["key"] for t in node["spec"].get("taints", [])]
        check(f"cloud provider: {name} initialised (no uninitialized taint)",
              "node.cloudprovider.kubernetes.io/uninitialized" not in taints, str(taints))
        nova = sorted(a["addr"] for net in (server.addresses or {}).values() for a in net)
        internal = sorted(a["address"] for a in node["status"].get("addresses", []) if a["type"] == "InternalIP")
        check(f"cloud provider: {name}'s InternalIP is its Nova address", bool(internal) and internal == nova[:len(internal)]
              and set(internal) <= set(nova), f"node {internal}, Nova {nova}")
        labels = node["metadata"].get("labels", {})
        zone = server.availability_zone
        check(f"cloud provider: {name} carries Nova's zone and region labels",
              labels.get("topology.kubernetes.io/zone") == zone and bool(labels.get("topology.kubernetes.io/region"))
              and bool(labels.get("node.kubernetes.io/instance-type")),
              f"{ {k: v for k, v in labels.items() if 'topology' in k or 'instance-type' in k} } vs zone {zone}")
    # A Service of its own, timed from its creation to its external IP.
    manifest = """
apiVersion: v1
kind: Service
metadata: {name: web-lb, namespace: default}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
"""
    began = time.time()
    cluster.kubectl("apply", "-f", "-", stdin=manifest)
    try:
        ip = wait_for("the Service's external IP", lambda: external_ip(cluster, "default", "web-lb"), 300, interval=1)
    except TimeoutError as error:
        check("cloud provider: a LoadBalancer Service gets an external IP", False, str(error))
        return
    took = time.time() - began
    figures["LoadBalancer Service: creation to external IP, seconds"] = round(took, 1)
    lbs = octavia(cluster)
    mine = lbs.get(f"kube_service_{cluster.name}_default_web-lb")
    check(f"cloud provider: a LoadBalancer Service gets an Octavia load balancer and external IP {ip} "
          f"in {took:.1f} s", mine is not None and mine.provisioning_status == "ACTIVE", str(list(lbs)))
    if mine is not None and any("worker" in n for n in names):
        members = {m.address for pool in conn.load_balancer.pools(loadbalancer_id=mine.id)
                   for m in conn.load_balancer.members(pool.id)}
        master_ips = {a["addr"] for n, s in servers.items() if "master" in n
                      for net in (s.addresses or {}).values() for a in net}
        check("cloud provider: the load balancer's members are the workers, no master",
              bool(members) and not members & master_ips, f"members {sorted(members)}, masters {sorted(master_ips)}")
    fip = [f for f in conn.network.ips(floating_ip_address=ip)]
    check("cloud provider: the external IP is a floating IP on the load balancer's VIP port",
          len(fip) == 1 and mine is not None and fip[0].port_id == mine.vip_port_id, str(fip))
    run(LABPY + ["net", cluster.name])
    try:
        answer = wait_for("the Service answers at its floating IP", lambda: (lambda a: a if a.endswith(" 200") else None)(
            run(LABPY + ["client", "--", "curl", "-s", "-m", "5", "-w", " %{http_code}", f"http://{ip}/health"],
                check_rc=False).stdout.strip()), 120, interval=2)
    except TimeoutError as error:
        answer = str(error)
    check(f"cloud provider: from the client, {ip}:80 reaches the Service's pods", answer == "OK 200", answer)
    cluster.kubectl("delete", "service", "web-lb", "--wait=true", timeout=180)
    try:
        wait_for("the Service's load balancer deleted",
                 lambda: f"kube_service_{cluster.name}_default_web-lb" not in octavia(cluster), 180, interval=2)
        gone = not [f for f in conn.network.ips(floating_ip_address=ip)]
        check("cloud provider: deleting the Service deletes its load balancer and floating IP", gone, ip)
    except TimeoutError as error:
        check("cloud provider: deleting the Service deletes its load balancer and floating IP", False, str(error))
    run(LABPY + ["net", cluster.name])
    api_calls_at_rest(names)


# The dev cloud's services by port, as the lab's forwarders count the requests sent through them.
SERVICE_PORTS = {"5000": "keystone", "8774": "nova", "8776": "cinder", "8778": "placement", "9292": "glance",
                 "9696": "neutron", "9876": "octavia"}


def api_calls_at_rest(names):
    """The OpenStack API requests the cluster's nodes (the cloud controller manager, at rest: no Service
    changing) make in one minute, counted by the lab's forwarder on each node."""
    state = json.loads(Path(os.environ.get("KSTACK_LAB_STATE", "/var/lib/kstack-lab"), "state.json").read_text())
    files = [Path(os.environ.get("KSTACK_LAB_STATE", "/var/lib/kstack-lab")) /
             f"requests-{state['nodes'][n]['namespace']}.json" for n in names if n in state["nodes"]]

    def counts():
        total = {}
        for f in files:
            for port, n in json.loads(f.read_text()).items():
                total[port] = total.get(port, 0) + n
        return total

    time.sleep(6)  # past the forwarders' last report of the Service's changes
    before = counts()
    time.sleep(60)
    after = counts()
    per_service = {SERVICE_PORTS.get(p, p): after[p] - before.get(p, 0) for p in after if after[p] - before.get(p, 0)}
    total = sum(per_service.values())
    figures["cloud controller manager at rest: OpenStack API requests a minute"] = total
    log(f"OpenStack API requests in one minute at rest, by service: {per_service or 'none'}; since the nodes "
        f"booted: { {SERVICE_PORTS.get(p, p): n for p, n in after.items() if n} }")
    figures["OpenStack API requests from the nodes since they booted"] = {SERVICE_PORTS.get(p, p): n
                                                                          for p, n in after.items() if n}
    check(f"cloud provider: at rest, {total} OpenStack API request(s) a minute from the cluster's nodes "
          f"({per_service or 'none'})", files != [] and total < 120, str(per_service))


def pod_output(cluster, name, spec, command, timeout=180):
    """Runs a pod of the lab's Debian-based image to its end: its phase and its logs."""
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
           "spec": {"restartPolicy": "Never", **spec,
                    "containers": [{"name": "probe", "image": f"{MIRROR}:5000/kube-proxy:v1.34.4",
                                    "command": command}]}}
    cluster.kubectl("apply", "-f", "-", stdin=json.dumps(pod))

    def ended():
        phase = cluster.kubectl("get", "pod", name, "-o", "jsonpath={.status.phase}", check_rc=False).stdout.strip()
        return phase if phase in ("Succeeded", "Failed") else None

    try:
        phase = wait_for(f"pod {name} to end", ended, timeout, interval=2)
        return phase, cluster.kubectl("logs", name, check_rc=False).stdout
    finally:
        cluster.kubectl("delete", "pod", name, "--wait=false", check_rc=False)


def test_metadata(cluster, node):
    """The metadata service serves a node's user-data (a master's holds the cluster's keys): the host's
    root processes may read it, pods may not, on the pod network or on the host network."""
    url = "http://169.254.169.254/openstack/latest/user_data"
    host = cluster.node(node, "curl", "-s", "-m", "5", "-o", "/dev/null", "-w", "%{http_code}", url)
    check(f"metadata: root on {node}'s host reads its user-data", host.stdout.strip() == "200",
          host.stdout + host.stderr)
    probe = ("echo probe-ran && exec 3<>/dev/tcp/169.254.169.254/80 && "
             "printf 'GET /openstack/latest/user_data HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3")
    for name, spec in (("pod network", {}), ("host network", {"hostNetwork": True})):
        spec.update({"nodeName": node, "tolerations": [{"operator": "Exists"}]})
        pod = f"metadata-{'host' if spec.get('hostNetwork') else 'pod'}"
        try:
            phase, logs = pod_output(cluster, pod, spec, ["timeout", "10", "bash", "-c", probe])
        except TimeoutError as error:
            phase, logs = "unknown", str(error)
        # The pod must have run (its marker printed) for its failure to reach the service to count.
        refused = phase == "Failed" and "probe-ran" in logs and " 200 " not in logs
        check(f"metadata: a pod on the {name} of {node} cannot reach the metadata service", refused,
              f"{phase}: {logs[-300:]}")
    files = cluster.node(node, "bash", "-c", "stat -L -c '%a %U %n' /var/lib/cloud/instance/user-data.txt* "
                         "/var/lib/cloud/instance/cloud-config.txt 2>/dev/null")
    modes = [line.split()[:2] for line in files.stdout.splitlines()]
    check("metadata: cloud-init's copies of the user-data are root's alone",
          bool(modes) and all(m == ["600", "root"] for m in modes), files.stdout + files.stderr)


# The single-node run has kstack issue the kubelets' client certificates for this many minutes
# (KSTACK_TEST_KUBELET_CERT_MINUTES), to see the kubelet rotate its own within the run.
CERT_MINUTES = 6


def test_rotation(cluster, node):
    """The kubelet renews its client certificate (the controller manager approves and signs the
    request) and keeps the API past the expiry of the one kstack issued."""
    pki = "/var/lib/kubelet/pki"
    first_expiry = T0 + CERT_MINUTES * 60
    wait = first_expiry + 45 - time.time()
    if wait > 0:
        log(f"waiting {wait:.0f} s, until past the expiry of the client certificate kstack issued")
        time.sleep(wait)
    link = cluster.node(node, "readlink", f"{pki}/kubelet-client-current.pem").stdout.strip()
    check("rotation: -current points at a certificate the kubelet wrote (dated)",
          os.path.basename(link).startswith("kubelet-client-20"), link)
    not_after = cluster.node(node, "python3", "-c", "import ssl, sys; print(ssl.cert_time_to_seconds("
                             "ssl._ssl._test_decode_cert(sys.argv[1])['notAfter']))",
                             f"{pki}/kubelet-client-current.pem").stdout.strip()
    check("rotation: the certificate in use outlives the one kstack issued",
          not_after.isdigit() and int(not_after) > first_expiry + 3600, not_after)
    csrs = json.loads(cluster.kubectl("get", "csr", "-o", "json").stdout)["items"]
    issued = [c["metadata"]["name"] for c in csrs if c["spec"].get("username") == f"system:node:{node}"
              and c.get("status", {}).get("certificate")
              and any(x["type"] == "Approved" for x in c["status"].get("conditions", []))]
    check(f"rotation: the controller manager approved and signed {node}'s request", bool(issued), str(csrs)[-300:])
    ready = nodes_ready(cluster)
    check("rotation: every node is Ready past the first certificate's expiry",
          bool(ready) and all(ready.values()), str(ready))


def test_kstack_commands(cluster, expected_nodes):
    status = cluster.kstack("status", "-f", cluster.spec, client=True, check_rc=False)
    if cluster.via_node:
        # No floating IP on the API: status says how to ask from a node instead.
        check("kstack status lists the cluster and says how to reach its private API", status.returncode == 0 and
              "kstack ssh" in status.stdout + status.stderr, status.stdout[-2000:] + status.stderr[-1000:])
        return
    check("kstack status shows every node Ready (from the client)", status.returncode == 0 and
          status.stdout.count("Ready") >= expected_nodes and "NotReady" not in status.stdout,
          status.stdout[-2000:] + status.stderr[-1000:])
    got = cluster.kubectl("get", "nodes", check_rc=False)
    check("kstack kubeconfig + kubectl get nodes from the client", got.returncode == 0 and
          got.stdout.count(" Ready") >= expected_nodes, got.stdout + got.stderr)


def test_ha(cluster, masters):
    """Stop master-1's node: the API answers through the load balancer, etcd keeps quorum, a new
    Deployment schedules; started again, master-1 rejoins Ready."""
    first = masters[0]
    run(LABPY + ["stop-node", first])
    answered = wait_for("the API through the load balancer with master-1 down",
                        lambda: cluster.kubectl("get", "--raw", "/readyz", check_rc=False).returncode == 0, 180)
    check("HA: the API answers with master-1 down", bool(answered))
    health = wait_for("etcd quorum", lambda: (lambda h: h if h else None)(etcd_quorum(cluster, masters[1])), 180)
    check("HA: etcd keeps quorum (2 of 3 healthy)", health is not None, str(health))
    cluster.kubectl("create", "deployment", "after-failover", f"--image={MIRROR}:5000/pause:3.10.1")
    rolled = cluster.kubectl("rollout", "status", "deployment/after-failover", "--timeout=300s", check_rc=False,
                             timeout=330)
    check("HA: a new Deployment schedules with master-1 down", rolled.returncode == 0, rolled.stderr)
    run(LABPY + ["start-node", first])
    ready = wait_for("master-1 Ready again", lambda: (nodes_ready(cluster) or {}).get(first), 900)
    check("HA: master-1 rejoins Ready", bool(ready))


def etcd_quorum(cluster, master):
    healthy = [m for m in etcd_members(cluster, master) if m.get("health")]
    return healthy if len(healthy) >= 2 else None


def test_reboot(cluster, worker):
    """Restart a worker's node on the same disks: Ready again, its data volume not reformatted, the add-ons
    not applied again."""
    applied_before = cluster.kubectl("-n", "kube-system", "get", "configmap", "kstack-addons", "-o",
                                     "jsonpath={.metadata.resourceVersion}", check_rc=False).stdout
    uuid_before = cluster.node(worker, "sh", "-c", "findmnt -no UUID /var/lib/containerd").stdout.strip()
    run(LABPY + ["reboot-node", worker])
    wait_for("the worker NotReady or back", lambda: True, 5)
    time.sleep(20)
    ready = wait_for("the rebooted worker Ready", lambda: (nodes_ready(cluster) or {}).get(worker), 900)
    check("reboot: the worker comes back Ready", bool(ready))
    uuid_after = wait_for("the data volume mounted again", lambda: cluster.node(
        worker, "sh", "-c", "findmnt -no UUID /var/lib/containerd").stdout.strip(), 300)
    check("reboot: the data volume is mounted, not reformatted (same filesystem UUID)",
          uuid_before and uuid_after == uuid_before, f"{uuid_before} -> {uuid_after}")
    formats = cluster.node(worker, "sh", "-c", "journalctl -u kstack-bootstrap --no-pager | grep -c 'formatting empty'")
    check("reboot: the volume was formatted once, at first boot", formats.stdout.strip() == "1", formats.stdout)
    applied_after = cluster.kubectl("-n", "kube-system", "get", "configmap", "kstack-addons", "-o",
                                    "jsonpath={.metadata.resourceVersion}", check_rc=False).stdout
    check("reboot: the add-ons are not applied again", applied_before and applied_before == applied_after,
          f"{applied_before} -> {applied_after}")


def test_scale(cluster, expected):
    """workers 2 → 3 with apply: the new node joins Ready."""
    cluster.write_spec(workers=3)
    cluster.kstack("apply", "-f", cluster.spec, "--yes", "--plain")
    run(LABPY + ["up", cluster.name])
    ready = wait_for("the new worker Ready", lambda: (lambda r: r if r and len(r) == expected + 1 and all(r.values())
                                                     else None)(nodes_ready(cluster)), 1200)
    check(f"scale: {expected + 1} nodes Ready after adding a worker", bool(ready), str(ready))


BOOT_ONLY = "--boot-only" in sys.argv


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    topology, workdir = args[0], args[1]
    cluster = Cluster(topology, workdir)
    if topology == "single":
        os.environ["KSTACK_TEST_KUBELET_CERT_MINUTES"] = str(CERT_MINUTES)
    # The reference HA cluster: 3 masters and 2 workers (the scale test takes the workers to 3).
    expected = {"single": 1, "non-ha": 3, "ha": 5}[topology]
    cluster.write_spec(workers=2 if topology == "ha" else None)
    try:
        names = test_up(cluster, expected)
        if BOOT_ONLY:
            raise StopIteration
        masters = [n for n in names if "master" in n]
        workers = [n for n in names if "worker" in n]
        test_etcd(cluster, masters)
        test_addons(cluster)
        test_networking(cluster, workers or masters)
        test_ingress(cluster)
        test_cloud_provider(cluster, names)
        test_metadata(cluster, masters[0])
        test_kstack_commands(cluster, expected)
        if topology == "single":
            test_rotation(cluster, masters[0])
        if topology == "ha":
            test_ha(cluster, masters)
            test_reboot(cluster, workers[0])
            test_scale(cluster, expected)
    except StopIteration:
        pass
    except Exception as error:  # the run stops; what failed is reported
        check("the cluster came up", False, str(error))
    finally:
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(f"\ntime-to-Ready of {topology} (seconds from the start of apply):")
        for phase, seconds in phases.items():
            print(f"  {seconds:7.1f}  {phase}")
        print(f"  peak RSS of one child process: {peak / 1024:.0f} MiB")
        for name, value in figures.items():
            print(f"  {name}: {value}")
        (cluster.workdir / "phases.json").write_text(json.dumps(phases, indent=2))
        (cluster.workdir / "figures.json").write_text(json.dumps(figures, indent=2))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Creates what the dev cloud's users expect, through the real APIs.

  keystone  services, endpoints (regions RegionOne and slow), service users,
            the demo project and user, roles
  resources flavors, the image, the external network, default quotas
  quota small|reset  the demo project's quotas for pre-flight tests
  volume-backend SECONDS  waits until Cinder's scheduler knows a backend pool;
            exit 1 if it does not within SECONDS

Idempotent: every step looks for what it would create first. Settings come
from the environment that devcloud/up exports.
"""

import os
import sys
import time

import openstack

ENV = os.environ
HOST = ENV.get("HOST_IP", "127.0.0.1")
REGION = ENV.get("REGION", "RegionOne")
SLOW_REGION = ENV.get("SLOW_REGION", "slow")
SLOW_OFFSET = int(ENV.get("SLOW_OFFSET", "10000"))

# service name, type, port, path after the port.
SERVICES = [
    ("keystone", "identity", 5000, "/v3"),
    ("glance", "image", 9292, ""),
    ("placement", "placement", 8778, ""),
    ("nova", "compute", 8774, "/v2.1"),
    ("neutron", "network", 9696, ""),
    ("cinderv3", "volumev3", 8776, "/v3/%(project_id)s"),
    ("octavia", "load-balancer", 9876, ""),
]
SERVICE_USERS = ["glance", "placement", "nova", "neutron", "cinder", "octavia"]
OCTAVIA_ROLES = [
    "load-balancer_observer", "load-balancer_global_observer",
    "load-balancer_member", "load-balancer_quota_admin", "load-balancer_admin",
]

FLAVORS = [
    # name, vCPUs, RAM MiB, disk GiB
    ("m1.small", 1, 2048, 20),
    ("m1.master", 3, 4096, 40),
    ("m1.worker", 6, 16384, 40),
]
IMAGE_NAME = "ubuntu-22.04"

# Enough for a 50-worker HA cluster with room to spare.
BIG_QUOTAS = {
    "compute": dict(instances=200, cores=2000, ram=4096000, key_pairs=100,
                    server_groups=50, server_group_members=200),
    "volume": dict(volumes=500, gigabytes=100000, snapshots=500),
    "network": dict(network=100, subnet=100, port=1000, router=20,
                    floatingip=100, security_group=100,
                    security_group_rule=1000),
    "load_balancer": dict(load_balancer=50, listener=-1, pool=-1, member=-1,
                          health_monitor=-1),
}
# Small enough that a three-master, two-worker cluster does not fit.
SMALL_QUOTAS = {
    "compute": dict(instances=3, cores=8, ram=16384, key_pairs=100,
                    server_groups=2, server_group_members=2),
    "volume": dict(volumes=2, gigabytes=60, snapshots=10),
    "network": dict(network=2, subnet=2, port=4, router=1, floatingip=1,
                    security_group=3, security_group_rule=10),
    "load_balancer": dict(load_balancer=0, listener=-1, pool=-1, member=-1,
                          health_monitor=-1),
}


def log(msg):
    print(f"setup: {msg}", flush=True)


def admin():
    return openstack.connect(
        auth_url=f"http://{HOST}:5000/v3", project_name="admin",
        username="admin", password=ENV["ADMIN_PASSWORD"],
        user_domain_name="Default", project_domain_name="Default",
        region_name=REGION, identity_api_version="3")


def ensure_role(idc, name):
    return idc.find_role(name) or idc.create_role(name=name)


def grant(idc, project, user, role):
    if not idc.validate_user_has_project_role(project, user, role):
        idc.assign_project_role_to_user(project, user, role)


def ensure_user(idc, name, password, project):
    user = idc.find_user(name, domain_id="default")
    if user is None:
        user = idc.create_user(name=name, password=password,
                               domain_id="default",
                               default_project_id=project.id)
    return user


def setup_keystone(conn):
    idc = conn.identity
    for region in (REGION, SLOW_REGION):
        if idc.find_region(region) is None:
            idc.create_region(id=region)
    service_project = idc.find_project("service", domain_id="default") or \
        idc.create_project(name="service", domain_id="default")
    demo = idc.find_project("demo", domain_id="default") or \
        idc.create_project(name="demo", domain_id="default")
    roles = {n: ensure_role(idc, n)
             for n in ["admin", "member", "reader", "service"] + OCTAVIA_ROLES}
    admin_user = idc.find_user("admin", domain_id="default")
    grant(idc, demo, admin_user, roles["admin"])
    for name in SERVICE_USERS:
        user = ensure_user(idc, name, ENV["SERVICE_PASSWORD"], service_project)
        grant(idc, service_project, user, roles["admin"])
        grant(idc, service_project, user, roles["service"])
    demo_user = ensure_user(idc, "demo", ENV["DEMO_PASSWORD"], demo)
    for role in ("member", "reader", "load-balancer_member"):
        grant(idc, demo, demo_user, roles[role])

    existing = {}
    for ep in idc.endpoints():
        existing[(ep.service_id, ep.region_id, ep.interface)] = ep
    for name, stype, port, path in SERVICES:
        service = next((s for s in idc.services() if s.type == stype), None)
        if service is None:
            service = idc.create_service(name=name, type=stype, enabled=True)
        for region, offset in ((REGION, 0), (SLOW_REGION, SLOW_OFFSET)):
            url = f"http://{HOST}:{port + offset}{path}"
            for interface in ("public", "internal", "admin"):
                ep = existing.get((service.id, region, interface))
                if ep is None:
                    idc.create_endpoint(service_id=service.id, region_id=region,
                                        interface=interface, url=url)
                elif ep.url != url:
                    idc.update_endpoint(ep, url=url)
    log("keystone: services, endpoints, users, roles")


def set_quotas(conn, project, quotas):
    conn.set_compute_quotas(project.id, **quotas["compute"])
    conn.set_volume_quotas(project.id, **quotas["volume"])
    conn.set_network_quotas(project.id, **quotas["network"])
    # Octavia's quota API is not in the SDK's cloud layer of this release.
    lb = quotas["load_balancer"]
    resp = conn.load_balancer.put(
        f"/quotas/{project.id}", json={"quota": lb})
    if resp.status_code >= 300:
        raise RuntimeError(f"octavia quota: {resp.status_code} {resp.text}")


def setup_resources(conn):
    for name, vcpus, ram, disk in FLAVORS:
        if conn.compute.find_flavor(name) is None:
            conn.compute.create_flavor(name=name, vcpus=vcpus, ram=ram,
                                       disk=disk, is_public=True)
    if conn.image.find_image(IMAGE_NAME) is None:
        path = os.path.join(ENV["STATE"], "data", f"{IMAGE_NAME}.raw")
        with open(path, "wb") as f:
            f.truncate(1 << 20)
        conn.create_image(IMAGE_NAME, filename=path, disk_format="raw",
                          container_format="bare", visibility="public",
                          wait=True, meta={"os_distro": "ubuntu",
                                           "os_version": "22.04"})
    net = conn.network.find_network("floating")
    if net is None:
        net = conn.network.create_network(
            name="floating", is_router_external=True, is_shared=False,
            provider_network_type="flat",
            provider_physical_network="external")
    if not list(conn.network.subnets(network_id=net.id)):
        # TEST-NET-3: documentation addresses, never routed anywhere. They
        # only exist in Neutron's database.
        conn.network.create_subnet(
            name="floating-subnet", network_id=net.id, ip_version=4,
            cidr="203.0.113.0/24", gateway_ip="203.0.113.1",
            enable_dhcp=False,
            allocation_pools=[{"start": "203.0.113.10",
                               "end": "203.0.113.250"}])
    demo = conn.identity.find_project("demo", domain_id="default")
    set_quotas(conn, demo, BIG_QUOTAS)
    log("resources: flavors, image, network floating, quotas")


def wait_volume_backend(conn, seconds):
    """Cinder's scheduler schedules no volume before the volume service has
    sent it its capabilities; it asks for them once, at its start."""
    deadline = time.monotonic() + seconds
    while True:
        if any(True for _ in conn.block_storage.backend_pools()):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(1)


def main(argv):
    conn = admin()
    if argv[1:] == ["keystone"]:
        setup_keystone(conn)
    elif argv[1:] == ["resources"]:
        setup_resources(conn)
    elif len(argv) == 3 and argv[1] == "quota" and argv[2] in ("small", "reset"):
        demo = conn.identity.find_project("demo", domain_id="default")
        set_quotas(conn, demo, SMALL_QUOTAS if argv[2] == "small" else BIG_QUOTAS)
        log(f"quota: demo project set to {argv[2]}")
    elif len(argv) == 3 and argv[1] == "volume-backend" and argv[2].isdigit():
        if not wait_volume_backend(conn, int(argv[2])):
            log(f"volume-backend: the scheduler knows no pool after {argv[2]}s")
            return 1
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

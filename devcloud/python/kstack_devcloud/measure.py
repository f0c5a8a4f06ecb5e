"""Prints the dev cloud's figures: the median latency of a token-authenticated
GET on each service (in the region given, default RegionOne), and, with
--idle SECONDS, the CPU the cloud's processes use while nobody calls them.

Usage: python3 -m kstack_devcloud.measure [--region R] [--count N] [--idle S] [PID...]
"""

import argparse
import json
import os
import statistics
import time
import urllib.request

# One cheap, always-valid GET per service type.
PATHS = {
    "identity": "/auth/projects",
    "compute": "/servers",
    "network": "/v2.0/networks",
    "image": "/v2/images",
    "volumev3": "/volumes",
    # Placement's lists are admin-only; its root document is the cheapest
    # GET a member may make.
    "placement": "/",
    "load-balancer": "/v2/lbaas/loadbalancers",
}


def token_and_catalog(auth_url):
    body = {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": "demo", "domain": {"name": "Default"},
            "password": os.environ.get("DEMO_PASSWORD", "devcloud-demo")}}},
        "scope": {"project": {"name": "demo", "domain": {"name": "Default"}}}}}
    req = urllib.request.Request(
        auth_url + "/auth/tokens", data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.headers["X-Subject-Token"], json.load(resp)["token"]["catalog"]


def get_ms(url, token):
    req = urllib.request.Request(url, headers={"X-Auth-Token": token})
    t0 = time.perf_counter()
    with urllib.request.urlopen(req, timeout=30) as resp:
        resp.read()
    return (time.perf_counter() - t0) * 1000.0


def cpu_ticks(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--auth-url", default="http://127.0.0.1:5000/v3")
    ap.add_argument("--region", default="RegionOne")
    ap.add_argument("--count", type=int, default=21)
    ap.add_argument("--idle", type=float, default=0)
    ap.add_argument("pids", nargs="*", type=int)
    args = ap.parse_args()

    if args.idle > 0:
        hz = os.sysconf("SC_CLK_TCK")
        before = cpu_ticks(args.pids)
        time.sleep(args.idle)
        used = (cpu_ticks(args.pids) - before) / hz
        print(f"idle CPU over {args.idle:.0f}s: {100.0 * used / args.idle:.1f}% of one core")
        return 0

    token, catalog = token_and_catalog(args.auth_url)
    print(f"median of {args.count} token-authenticated GETs, region {args.region}:")
    for service in sorted(catalog, key=lambda s: s["type"]):
        path = PATHS.get(service["type"])
        urls = [e["url"] for e in service["endpoints"]
                if e["interface"] == "public" and e["region_id"] == args.region]
        if path is None or not urls:
            continue
        url = urls[0].rstrip("/") + path
        try:
            get_ms(url, token)  # warm-up
            samples = [get_ms(url, token) for _ in range(args.count)]
        except OSError as e:
            print(f"  {service['type']:<14} failed: {e}  {url}")
            continue
        print(f"  {service['type']:<14} {statistics.median(samples):7.1f} ms  {url}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

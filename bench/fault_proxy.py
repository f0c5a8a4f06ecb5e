"""An HTTP proxy between kstack and the dev cloud's APIs that misbehaves on purpose.

It listens on 127.0.0.1, one port per API (the API's port + OFFSET), and forwards each request to the
API on 127.0.0.1. Keystone's catalog and every other body that names an API's address are rewritten to
name the proxy instead, so a client that starts at the proxy's Keystone stays behind the proxy.

A fraction RATE of the requests is faulted. Whether a request is, and how, follows from the seed, the
method, the request's path with ids taken out, and how often that method and path came before: the same
seed gives the same faults to the same sequence of requests. The faults:
  500, 502, 503  that status, without forwarding the request
  429            Too Many Requests with Retry-After: 1, without forwarding
  reset          forwarded; the connection is reset after half of the response
  slow           forwarded; the response is held SLOW seconds (beyond the client's timeout)
  lost           forwarded; the connection is closed with no response (the request took effect)
  token          401, and the request's token is expired from then on
--error-status server:NAME / loadbalancer:NAME shows the first resource of that kind and name in ERROR
(a server with a fault) once the cloud has settled it, as a create that failed would. --storm SECONDS answers
every request with 429 (Retry-After: 1) for SECONDS, from the request after --storm-from N requests.

On SIGTERM, or whenever --stats FILE is given after each request, it writes its counts as JSON:
requests, faults by kind, and retries by kind (a request that repeats the method and path of a faulted
one within a minute).

Usage: python3 fault_proxy.py --seed N --rate 0.05 --offset 20000 --ports 5000,8774,... [options]
"""

import argparse
import hashlib
import os
import http.client
import http.server
import json
import re
import signal
import socket
import socketserver
import struct
import sys
import threading
import time

HOST = "127.0.0.1"
KINDS = ["500", "502", "503", "429", "reset", "slow", "lost", "token"]
ID = re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")
HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "proxy-connection"}


class Faults:
    """The proxy's decisions and counts, shared by every connection."""

    def __init__(self, args):
        self.seed = args.seed
        self.rate = args.rate
        self.kinds = args.kinds.split(",") if args.kinds else KINDS
        self.slow = args.slow
        self.storm = args.storm
        self.storm_from = args.storm_from
        self.storm_began = None
        self.error_status = {}
        for item in args.error_status or []:
            kind, _, name = item.partition(":")
            self.error_status[(kind, name)] = None  # the id it applies to, once seen
        self.lock = threading.Lock()
        self.seen = {}
        self.recent = {}
        self.expired = set()
        self.first_request = None
        self.counts = {"requests": 0, "faults": {k: 0 for k in KINDS}, "retries": {k: 0 for k in KINDS},
                       "storm_requests": 0, "error_status": 0}
        self.stats_file = args.stats

    def decide(self, method, path, token):
        """The fault for this request, or None; counts the request."""
        shape = ID.sub("{id}", path)
        now = time.monotonic()
        with self.lock:
            self.counts["requests"] += 1
            if self.first_request is None:
                self.first_request = now
            previous = self.recent.pop((method, path), None)
            if previous and now - previous[1] < 60:
                self.counts["retries"][previous[0]] += 1
            if self.storm and self.counts["requests"] > self.storm_from and self.storm_began is None:
                self.storm_began = now
            if self.storm_began is not None and now - self.storm_began < self.storm:
                self.counts["storm_requests"] += 1
                return "storm"
            if token and token in self.expired:
                return "expired"
            n = self.seen.get((method, shape), 0)
            self.seen[(method, shape)] = n + 1
            digest = hashlib.sha256(f"{self.seed}|{method}|{shape}|{n}".encode()).digest()
            draw = struct.unpack(">I", digest[:4])[0] / 2**32
            if draw >= self.rate:
                return None
            kind = self.kinds[struct.unpack(">I", digest[4:8])[0] % len(self.kinds)]
            if kind == "token" and not token:
                kind = "503"
            if kind == "token":
                self.expired.add(token)
            self.counts["faults"][kind] += 1
            self.recent[(method, path)] = (kind, now)
            return kind

    def rewrite_status(self, path, body):
        """A list or show of servers or load balancers with the chosen one in ERROR."""
        if not self.error_status or not body:
            return body
        kind = "server" if "/servers" in path else "loadbalancer" if "/loadbalancers" in path else None
        if kind is None:
            return body
        try:
            doc = json.loads(body)
        except ValueError:
            return body
        items = []
        for key in ("servers", "server", "loadbalancers", "loadbalancer"):
            value = doc.get(key) if isinstance(doc, dict) else None
            if isinstance(value, list):
                items += value
            elif isinstance(value, dict):
                items.append(value)
        changed = False
        with self.lock:
            for item in items:
                name = item.get("name")
                if (kind, name) not in self.error_status:
                    continue
                # A create ends in ERROR where it would have ended well: once the cloud has settled it.
                settled = item.get("status") in ("ACTIVE", "ERROR") if kind == "server" else \
                    item.get("provisioning_status") in ("ACTIVE", "ERROR")
                if not settled:
                    continue
                chosen = self.error_status[(kind, name)]
                if chosen is None:
                    self.error_status[(kind, name)] = chosen = item.get("id")
                if item.get("id") != chosen:
                    continue
                if kind == "server":
                    item["status"] = "ERROR"
                    item["fault"] = {"code": 500, "message": "injected by the fault proxy: No valid host was found"}
                else:
                    item["provisioning_status"] = "ERROR"
                self.counts["error_status"] += 1
                changed = True
        return json.dumps(doc).encode() if changed else body

    def write_stats(self):
        if not self.stats_file:
            return
        with self.lock:
            tmp = self.stats_file + ".tmp"
            with open(tmp, "w") as out:
                out.write(json.dumps(self.counts, indent=1, sort_keys=True))
            os.replace(tmp, self.stats_file)


def make_handler(target, faults, rewrites):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # quiet
            pass

        def _body(self):
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else None

        def _reply(self, status, body, headers=()):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _error(self, status, message, extra=()):
            body = json.dumps({"error": {"code": status, "message": message}}).encode()
            self._reply(status, body, [("Content-Type", "application/json"),
                                       ("X-Openstack-Request-Id", f"req-fault-{time.monotonic_ns()}"), *extra])

        def _forward(self, body):
            conn = http.client.HTTPConnection(HOST, target, timeout=300)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
            headers["Host"] = f"{HOST}:{target}"
            conn.request(self.command, self.path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            conn.close()
            for old, new in rewrites:
                data = data.replace(old, new)
            data = faults.rewrite_status(self.path, data)
            out_headers = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_HEADERS]
            return response.status, out_headers, data

        def _reset(self):
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True

        def _handle(self):
            body = self._body()
            token = self.headers.get("X-Auth-Token")
            kind = faults.decide(self.command, self.path, token)
            try:
                if kind in ("500", "502", "503"):
                    self._error(int(kind), "injected by the fault proxy")
                elif kind in ("429", "storm"):
                    self._error(429, "injected by the fault proxy: rate limited", [("Retry-After", "1")])
                elif kind in ("token", "expired"):
                    self._error(401, "The request you have made requires authentication.")
                elif kind == "lost":
                    self._forward(body)
                    self._reset()
                elif kind == "reset":
                    status, headers, data = self._forward(body)
                    self.send_response(status)
                    for name, value in headers:
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data[: len(data) // 2])
                    self._reset()
                else:
                    status, headers, data = self._forward(body)
                    if kind == "slow":
                        time.sleep(faults.slow)
                    self._reply(status, data, headers)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True
            faults.write_stats()

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle

    return Handler


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate", type=float, default=0.05)
    parser.add_argument("--offset", type=int, default=20000)
    parser.add_argument("--ports", required=True, help="the APIs' ports on 127.0.0.1, comma-separated")
    parser.add_argument("--kinds", default="", help="the faults to draw from (default: all)")
    parser.add_argument("--slow", type=float, default=12.0, help="seconds a slow response is held")
    parser.add_argument("--storm", type=float, default=0.0, help="seconds of 429 for every request")
    parser.add_argument("--storm-from", type=int, default=0, help="the storm begins after this many requests")
    parser.add_argument("--error-status", action="append", help="server:NAME or loadbalancer:NAME")
    parser.add_argument("--stats", default="")
    args = parser.parse_args()
    faults = Faults(args)
    ports = [int(p) for p in args.ports.split(",")]
    rewrites = []
    for port in ports:
        for host in (HOST, "localhost"):
            rewrites.append((f"//{host}:{port}".encode(), f"//{HOST}:{port + args.offset}".encode()))
    servers = []
    for port in ports:
        server = Server((HOST, port + args.offset), make_handler(port, faults, rewrites))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)

    def stop(*_):
        faults.write_stats()
        for server in servers:
            server.shutdown()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"fault proxy: seed {args.seed}, rate {args.rate}, ports {ports} + {args.offset}", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()

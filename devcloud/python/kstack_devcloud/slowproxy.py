"""A TCP proxy that adds a fixed delay to every API call.

Each listen port forwards to one API on 127.0.0.1. Data from the client is
held back for the configured delay before it is passed on (in order), so
every request pays the delay once, like a round trip over a slower network;
answers pass through untouched. Only loopback is used, and nothing outside
the proxy's own connections is slowed.

Usage: python3 -m kstack_devcloud.slowproxy DELAY_MS LISTEN:TARGET...
"""

import asyncio
import sys
import time

HOST = "127.0.0.1"


async def _pipe_delayed(reader, writer, delay):
    queue = asyncio.Queue()

    async def read():
        while True:
            data = await reader.read(65536)
            await queue.put((time.monotonic() + delay, data))
            if not data:
                return

    async def write():
        while True:
            due, data = await queue.get()
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                if writer.can_write_eof():
                    writer.write_eof()
                return
            writer.write(data)
            await writer.drain()

    await asyncio.gather(read(), write())


async def _pipe(reader, writer):
    while True:
        data = await reader.read(65536)
        if not data:
            if writer.can_write_eof():
                writer.write_eof()
            return
        writer.write(data)
        await writer.drain()


def _handler(target, delay):
    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection(HOST, target)
        except OSError:
            client_writer.close()
            return
        try:
            await asyncio.gather(
                _pipe_delayed(client_reader, server_writer, delay),
                _pipe(server_reader, client_writer),
            )
        except (ConnectionError, OSError):
            pass
        finally:
            server_writer.close()
            client_writer.close()

    return handle


async def _main(delay, pairs):
    servers = []
    for listen, target in pairs:
        servers.append(await asyncio.start_server(_handler(target, delay), HOST, listen))
    await asyncio.gather(*(s.serve_forever() for s in servers))


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    delay = float(argv[1]) / 1000.0
    pairs = []
    for arg in argv[2:]:
        listen, target = arg.split(":")
        pairs.append((int(listen), int(target)))
    print(f"slowproxy: {delay * 1000:.0f} ms on {len(pairs)} ports", flush=True)
    asyncio.run(_main(delay, pairs))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

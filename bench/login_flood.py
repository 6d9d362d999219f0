"""A distributed flood of wrong-password sign-ins (``POST /console/login``), run as its own process.

``python bench/login_flood.py --port N --clients 16 --username NAME --ready FILE --out FILE`` floods until SIGTERM:
every client sends its next wrong-password sign-in as soon as the previous answer arrived. The worst case for the
defences in ``shared/sign_in.py``: each attempt comes from an address of its own (``X-Forwarded-For``, which the
server trusts from 127.0.0.1, its proxy) and almost every one names an account of its own, so neither the
per-client quota nor the per-name lock answers it without hashing; every 16th attempt names the real account,
which the lock soon refuses. On SIGTERM it writes the answers by status and their latencies as JSON. With
``--sign-in-check`` it first signs in once with the right password (``STADTSTIMME_BENCH_PASSWORD``), which must
answer 303: only before the first flood of a run, since the flood then locks the name.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import signal
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from httpclient import Connection, HttpError, post_form
from loadgen import percentile

LOGIN_PATH = "/console/login"
REAL_NAME_EVERY = 16  # every 16th attempt names the real account; the others a name of their own


def attempt_address(client: int, n: int) -> str:
    """Attempt ``n`` of flooding client ``client`` (< 16) comes from an address of its own in 172.16.0.0/12:
    65,536 addresses per client before one repeats, far more than a run's hashed failures."""
    return f"172.{16 + client}.{n >> 8 & 255}.{n & 255}"


def login_request(port: int, username: str, password: str, address: str) -> bytes:
    """The console's sign-in form as a browser on the console's own origin posts it, through the proxy."""
    body = urlencode({"username": username, "password": password}).encode()
    headers = b"Origin: http://127.0.0.1:%d\r\nX-Forwarded-For: %s\r\n" % (port, address.encode())
    return post_form(port, LOGIN_PATH, body, headers)


async def sign_in_check(port: int, username: str, password: str) -> int:
    """One sign-in with the right password from an address no flooding client uses: 303 proves the account
    exists and that the flood's requests (origin, form, forwarded address) reach the password check."""
    conn = Connection(port, timeout=30)
    try:
        status, _ = await conn.request(login_request(port, username, password, "192.0.2.1"))
    finally:
        conn.close()
    return status


async def flood(port: int, clients: int, username: str, ready: Path, stop: asyncio.Event) -> dict[str, Any]:
    latencies: dict[str, list[float]] = collections.defaultdict(list)
    conns = [Connection(port, timeout=30) for _ in range(clients)]
    await asyncio.gather(*(c.connect() for c in conns))

    async def client(k: int, conn: Connection) -> None:
        n = 0
        while not stop.is_set():
            name = username if n % REAL_NAME_EVERY == k % REAL_NAME_EVERY else f"flood-{k}-{n}"
            raw = login_request(port, name, f"wrong-password-{n}", attempt_address(k, n))
            n += 1
            t0 = time.perf_counter()
            try:
                status, _ = await conn.request(raw)
            except HttpError as exc:
                latencies[type(exc).__name__].append(time.perf_counter() - t0)
                await asyncio.sleep(0.01)  # a refused connection must not turn into a busy loop
                continue
            latencies[str(status)].append(time.perf_counter() - t0)

    started = time.perf_counter()
    await asyncio.to_thread(ready.write_text, "flooding\n")
    tasks = [asyncio.create_task(client(k, c)) for k, c in enumerate(conns)]
    await stop.wait()
    elapsed = time.perf_counter() - started
    for t in tasks:
        t.cancel()  # attempts still in flight are not counted
    await asyncio.gather(*tasks, return_exceptions=True)
    for c in conns:
        c.close()
    by_status = {s: sorted(v) for s, v in latencies.items()}
    return {
        "clients": clients,
        "elapsed_s": elapsed,
        "statuses": {s: len(v) for s, v in by_status.items()},
        **{f"p{q}_ms": {s: (percentile(v, q) or 0.0) * 1000 for s, v in by_status.items()} for q in (50, 99)},
    }


async def main(args: argparse.Namespace) -> dict[str, Any]:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    checked: dict[str, Any] = {}
    if args.sign_in_check:
        password = os.environ["STADTSTIMME_BENCH_PASSWORD"]
        checked["sign_in_check"] = await sign_in_check(args.port, args.username, password)
    return checked | await flood(args.port, args.clients, args.username, Path(args.ready), stop)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--clients", type=int, default=16, help="concurrent flooding clients (at most 16)")
    p.add_argument("--username", required=True, help="the real account; every 16th attempt names it")
    p.add_argument("--sign-in-check", action="store_true", help="first sign in with the right password")
    p.add_argument("--ready", required=True, help="file written when the flood has started")
    p.add_argument("--out", required=True, help="file the JSON result is written to")
    args = p.parse_args(argv)
    if not 0 < args.clients <= 16:
        p.error("--clients must be 1 to 16 (one 172.16.0.0/12 block of addresses each)")
    return args


if __name__ == "__main__":
    import uvloop

    arguments = parse_args()
    Path(arguments.out).write_text(json.dumps(uvloop.run(main(arguments))) + "\n")

"""Load generator for ``POST /api/v1/feedback``, run as its own process: ``python bench/loadgen.py --port N``.

Three phases against one server, one JSON result on stdout:

1. warm-up: closed loop, not counted;
2. peak: ``--connections`` keep-alive connections, each sending its next request as soon as the previous
   answer arrived (closed loop), until ``--duration`` seconds or ``--max-requests`` requests;
3. paced: open loop at ``--paced-rate`` requests/s (default: ``--paced-fraction`` of this run's peak rate of
   accepted requests) for ``--paced-duration`` seconds. Request *i* is due at ``start + i / rate`` whether or
   not earlier ones were answered: the next free connection sends it then, or as soon as one is free. Its
   latency is measured from the due time, so waiting for a free connection counts (no coordinated omission).

Every request carries a fresh UUID ``event_id``; a request counts as accepted only if the answer is 202 and
echoes its event id. ``--watch name=pid`` reports the CPU use of those processes during peak and paced phase,
``--loop-of pid`` how much that server's event loop thread ran and waited for a CPU during the paced phase.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from httpclient import Connection, HttpError, feedback_request

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
ACCEPTED_IDS: list[bytes] = []  # event ids answered 202, for the check that each one reached the topic


def stat_fields(pid: int) -> list[bytes]:
    """The fields of ``/proc/PID/stat`` after the command name (index 1 is the parent's pid)."""
    with open(f"/proc/{pid}/stat", "rb") as f:
        return f.read().rsplit(b")", 1)[1].split()


def cpu_seconds(pid: int, ended_children: bool = False) -> float:
    """User plus system CPU time of a process (all its threads) from /proc; with ``ended_children``, also that of
    its children that ended and were waited for."""
    fields = stat_fields(pid)
    return sum(int(f) for f in fields[11 : 15 if ended_children else 13]) / CLOCK_TICKS


def percentile(sorted_values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile of already sorted values (None if empty)."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * q // 100))  # ceil(n * q / 100)
    return sorted_values[int(rank) - 1]


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: collections.Counter[str] = field(default_factory=collections.Counter)
    ok: int = 0
    errors: int = 0
    sent: int = 0

    def record(self, status: int, body: bytes, event_id: bytes, latency: float) -> None:
        self.statuses[str(status)] += 1
        if status == 202 and event_id in body:
            self.ok += 1
            ACCEPTED_IDS.append(event_id)
            self.latencies.append(latency)
        else:
            self.errors += 1

    def failed(self, exc: Exception) -> None:
        self.statuses[type(exc).__name__] += 1
        self.errors += 1

    def summary(self, elapsed: float) -> dict[str, Any]:
        lat = sorted(self.latencies)
        ms = {f"p{q}_ms": (v * 1000 if (v := percentile(lat, q)) is not None else None) for q in (50, 90, 99)}
        return {
            "sent": self.sent,
            "ok": self.ok,
            "errors": self.errors,
            "statuses": dict(self.statuses),
            "elapsed_s": elapsed,
            "ok_per_s": self.ok / elapsed if elapsed > 0 else 0.0,
            **ms,
            "max_ms": lat[-1] * 1000 if lat else None,
        }


async def closed_loop(conns: list[Connection], port: int, duration: float, max_requests: int) -> dict[str, Any]:
    tally = Tally()
    deadline = time.perf_counter() + duration

    async def worker(conn: Connection) -> None:
        while tally.sent < max_requests and time.perf_counter() < deadline:
            tally.sent += 1
            event_id, raw = feedback_request(port, tally.sent)
            t0 = time.perf_counter()
            try:
                status, body = await conn.request(raw)
            except HttpError as exc:
                tally.failed(exc)
                await asyncio.sleep(0.01)  # a refused connection must not turn into a busy loop
                continue
            tally.record(status, body, event_id, time.perf_counter() - t0)

    started = time.perf_counter()
    await asyncio.gather(*(worker(c) for c in conns))
    return tally.summary(time.perf_counter() - started)


async def open_loop(conns: list[Connection], port: int, rate: float, duration: float) -> dict[str, Any]:
    tally = Tally()
    total = max(1, int(rate * duration))
    start = time.perf_counter() + 0.01

    async def worker(conn: Connection) -> None:
        # Each connection takes the next due request when it is free; if none was free at the due time, the
        # request goes out late but its latency still counts from the due time.
        while tally.sent < total:
            n = tally.sent
            tally.sent += 1
            due = start + n / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            event_id, raw = feedback_request(port, n)
            try:
                status, body = await conn.request(raw)
            except HttpError as exc:
                tally.failed(exc)
                continue
            tally.record(status, body, event_id, time.perf_counter() - due)

    await asyncio.gather(*(worker(c) for c in conns))
    elapsed = time.perf_counter() - start
    result = tally.summary(elapsed)
    result["target_per_s"] = rate
    return result


class CpuMeter:
    """CPU time of the watched processes and of this one over a phase, as a share of one core."""

    def __init__(self, watch: Sequence[str]) -> None:
        self.pids = {name: int(pid) for name, pid in (w.split("=", 1) for w in watch)} | {"loadgen": os.getpid()}

    def start(self) -> None:
        self.t0 = time.perf_counter()
        self.before = {name: cpu_seconds(pid) for name, pid in self.pids.items()}

    def shares(self) -> dict[str, float]:
        wall = time.perf_counter() - self.t0
        return {name: (cpu_seconds(pid) - self.before[name]) / wall for name, pid in self.pids.items()}


def _schedstat(pid: int, tid: int) -> tuple[float, float]:
    """Seconds a thread ran on a CPU and seconds it was ready to run but waited for one (``/proc/…/schedstat``)."""
    with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
        run_ns, wait_ns, _ = f.read().split()
    return int(run_ns) / 1e9, int(wait_ns) / 1e9


def _preempted(pid: int) -> int:
    """How often a process's main thread was taken off a CPU while it still had work to do."""
    with open(f"/proc/{pid}/task/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("nonvoluntary_ctxt_switches"))


def machine_busy() -> float:
    """CPU seconds all cores together spent neither idle nor waiting for I/O, since boot."""
    with open("/proc/stat") as f:
        ticks = [int(v) for v in f.readline().split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / CLOCK_TICKS


class LoopMeter:
    """A uvicorn server's event loop (its main thread) against all its other threads over a phase, in cores:
    how much the loop ran, and how long it was ready to run but had no CPU. Other threads include those that
    exited meanwhile (argon2 starts threads for its lanes in every hash)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def start(self) -> None:
        self.t0 = time.perf_counter()
        self.loop0 = _schedstat(self.pid, self.pid)
        self.all0 = cpu_seconds(self.pid)
        self.machine0 = machine_busy()
        self.preempted0 = _preempted(self.pid)

    def shares(self) -> dict[str, float]:
        wall = time.perf_counter() - self.t0
        run, wait = (now - then for now, then in zip(_schedstat(self.pid, self.pid), self.loop0, strict=True))
        return {
            "loop_running": run / wall,
            "loop_waiting_for_cpu": wait / wall,
            "other_threads": max(0.0, cpu_seconds(self.pid) - self.all0 - run) / wall,
            "machine_busy": (machine_busy() - self.machine0) / wall,
            "loop_preempted_per_s": (_preempted(self.pid) - self.preempted0) / wall,
        }


async def main(args: argparse.Namespace) -> dict[str, Any]:
    conns = [Connection(args.port) for _ in range(args.connections)]
    await asyncio.gather(*(c.connect() for c in conns))
    out: dict[str, Any] = {"connections": args.connections}
    meter = CpuMeter(args.watch)
    loop_meter = LoopMeter(args.loop_of) if args.loop_of else None
    if args.warmup > 0:
        out["warmup"] = await closed_loop(conns, args.port, args.warmup, args.max_requests)
    rate = args.paced_rate
    if args.duration > 0:
        meter.start()
        out["peak"] = peak = await closed_loop(conns, args.port, args.duration, args.max_requests)
        peak["cpu_share"] = meter.shares()  # 1.0 = one core busy
        rate = rate or peak["ok_per_s"] * args.paced_fraction
    if args.paced_duration > 0 and rate:
        meter.start()
        if loop_meter:
            loop_meter.start()
        out["paced"] = paced = await open_loop(conns, args.port, rate, args.paced_duration)
        paced["cpu_share"] = meter.shares()
        if loop_meter:
            paced["server_threads"] = loop_meter.shares()
    for c in conns:
        c.close()
    return out


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--warmup", type=float, default=2.0, help="seconds, closed loop, not counted")
    p.add_argument("--duration", type=float, default=10.0, help="seconds of the peak phase (0: none)")
    p.add_argument("--max-requests", type=int, default=300_000, help="cap on requests of the peak phase")
    p.add_argument("--paced-duration", type=float, default=10.0)
    p.add_argument("--paced-fraction", type=float, default=0.5, help="of this run's peak, unless --paced-rate")
    p.add_argument("--paced-rate", type=float, help="requests per second of the paced phase")
    p.add_argument("--watch", action="append", default=[], help="name=pid whose CPU use to report")
    p.add_argument("--loop-of", type=int, help="pid of a server whose event loop thread to watch in the paced phase")
    p.add_argument("--out", help="write the JSON result here instead of stdout")
    p.add_argument("--accepted-ids", help="write the event id of every 202 here, one per line")
    return p.parse_args(argv)


if __name__ == "__main__":
    import uvloop  # a dependency of the project already; lowers the client's own overhead

    arguments = parse_args()
    result = json.dumps(uvloop.run(main(arguments)))
    if arguments.accepted_ids:
        Path(arguments.accepted_ids).write_bytes(b"".join(i + b"\n" for i in ACCEPTED_IDS))
    if arguments.out:
        Path(arguments.out).write_text(result + "\n")
    else:
        sys.stdout.write(result + "\n")

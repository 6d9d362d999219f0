"""``make bench``: Stadtstimme's performance against baselines measured in the same run, as one table.

Starts Apache Kafka (KRaft, from its Maven Central jars; ``--broker tansu`` for Tansu) and embedded PostgreSQL
under var/bench/, prepares a database (migrate, demo city, topics) and measures

1. ingest: accepted feedback per second and latency of ``POST /api/v1/feedback`` (the real service, 202 only
   after Kafka's acks=all) against a no-op FastAPI endpoint taking the same body;
2. pipeline: records per second from the feedback topic into the read models (the real projector) against a
   plain consumer that reads and discards the same records; the read models are verified afterwards;
3. freshness: time from a feedback's 202 to its visibility in the metrics API, against the time until a plain
   consumer sees it in Kafka.

Method and caveats: bench/README.md. ``--quick`` runs every phase briefly (a smoke test; figures meaningless).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import signal
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from freshness import VISIBLE_TIMEOUT_S, FreshnessResult, measure_freshness
from loadgen import percentile
from pipeline import PipelineResult, run_pipeline, topic_event_ids
from procs import Supervisor
from redaction import GROWTH, GROWTH_TARGET, TARGET_S, run_redaction_bench
from report import Row, ms, per_s, ratio, table

from shared.settings import Settings
from stadtstimme.cli import DEMO_CITY
from stadtstimme.infra import REPO, EmbeddedPostgres, KafkaBroker, TansuBroker, create_database, free_port

BENCH = Path(__file__).resolve().parent
VAR = REPO / "var" / "bench"
LOGS = VAR / "logs"
DB_NAME = "bench"
T0 = time.monotonic()
LOAD_AT_START = os.getloadavg()[0]

# Targets (see README): ingest at least as fast as a no-op FastAPI endpoint, p99 under 50 ms at half the peak
# rate, projection at 10,000 events/s or more, 95 % of feedback visible to staff within a second.
INGEST_RATIO_TARGET = 1.0
INGEST_P99_TARGET_S = 0.050
PIPELINE_TARGET_PER_S = 10_000
FRESHNESS_P95_TARGET_S = 1.0


@dataclass(frozen=True)
class Profile:
    first_warmup_s: float  # before the first peak round of each side: the broker's JIT, the servers' caches
    warmup_s: float
    peak_s: float
    paced_s: float
    max_requests: int
    connections: int
    pipeline_records: int
    fresh_rate: float
    fresh_s: float
    rounds: int


FULL = Profile(15.0, 5.0, 10.0, 10.0, 300_000, 64, 100_000, 20.0, 10.0, rounds=2)
QUICK = Profile(0.5, 0.5, 2.0, 2.0, 20_000, 64, 5_000, 20.0, 2.0, rounds=1)


def say(message: str) -> None:
    print(f"[bench {time.monotonic() - T0:6.1f}s] {message}", file=sys.stderr, flush=True)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


# --- infrastructure ----------------------------------------------------------------------------------------


def start_infrastructure(sup: Supervisor, kind: str, run_id: str) -> tuple[Any, EmbeddedPostgres]:
    """The broker (in a thread: the JVM takes a while) and PostgreSQL, both stopped by ``sup.close()``."""
    broker: KafkaBroker | TansuBroker
    if kind == "kafka":
        kafka = KafkaBroker(workdir=VAR / f"kafka-{run_id}", cache=REPO / "var" / "cache" / "kafka")

        def remove_kafka() -> None:
            kafka.stop()
            if (kafka.workdir / "broker.log").exists():
                shutil.copy(kafka.workdir / "broker.log", LOGS / "kafka.log")
            shutil.rmtree(kafka.workdir, ignore_errors=True)

        sup.on_close("kafka", remove_kafka)
        broker = kafka
    else:
        broker = TansuBroker(log_path=LOGS / "tansu.log")
        sup.on_close("tansu", broker.stop)
    say(f"starting {'Apache Kafka (KRaft, from jars)' if kind == 'kafka' else 'Tansu'} and PostgreSQL")
    pool = ThreadPoolExecutor(1)
    try:
        started = pool.submit(broker.start)
        pg = EmbeddedPostgres(VAR / "pg").start()
        sup.on_close("postgres", lambda: pg._server.cleanup())
        started.result()
    finally:
        pool.shutdown(wait=False)  # on Ctrl-C, stopping the broker in sup.close() ends the thread
    say(f"broker at {broker.bootstrap}, PostgreSQL at {pg.uri}")
    return broker, pg


def prepare(sup: Supervisor, settings: Settings, prefixes: list[str]) -> None:
    """Database schema, demo city and topics, through the operator's command line as in production."""
    sup.run_cli("migrate", ["migrate"], settings)
    sup.run_cli("demo", ["demo"], settings)
    for prefix in prefixes:
        sup.run_cli(
            f"topics-{prefix.strip('.')}",
            ["topics", "create"],
            settings.model_copy(update={"topic_prefix": prefix}),
        )
    say("database migrated, demo city loaded, topics created")


# --- 1. ingest ---------------------------------------------------------------------------------------------


def load(sup: Supervisor, name: str, port: int, options: dict[str, Any], watch: dict[str, int]) -> dict[str, Any]:
    """Run the load generator once in its own process and return its JSON result."""
    out = LOGS / f"loadgen-{name}.json"
    out.unlink(missing_ok=True)
    argv = [sys.executable, str(BENCH / "loadgen.py"), f"--port={port}", f"--out={out}"]
    argv.append(f"--accepted-ids={out.with_suffix('.ids')}")
    argv += [f"--{k}={v}" for k, v in options.items()] + [f"--watch={k}={v}" for k, v in watch.items()]
    proc = sup.start(f"loadgen-{name}", argv)
    code = proc.wait(options.get("warmup", 0) + options.get("duration", 0) + options.get("paced-duration", 0) + 120)
    if code != 0 or not out.exists():
        raise RuntimeError(f"load generator against {name} failed ({code})\n{sup.tail(f'loadgen-{name}')}")
    result: dict[str, Any] = json.loads(out.read_text())
    if "peak" in result:
        say(f"{name}: {result['peak']['ok_per_s']:,.0f}/s accepted ({result['peak']['errors']} failed)")
    if "paced" in result:
        paced = result["paced"]
        say(
            f"{name}: at {paced['target_per_s']:,.0f}/s p50 {paced['p50_ms'] or 0:.1f} ms, "
            f"p99 {paced['p99_ms'] or 0:.1f} ms ({paced['errors']} failed)"
        )
    return result


def phase_ingest(sup: Supervisor, settings: Settings, broker: Any, profile: Profile) -> dict[str, Any]:
    """Both servers up side by side and loaded in turns (A B, then B A, …), so drift on the machine hits both:
    first the peak rounds, then the paced rounds at half of each side's best peak."""
    noop_port = free_port()
    noop = sup.start("noop-fastapi", [sys.executable, str(BENCH / "noop_app.py"), "--port", str(noop_port)])
    service_settings = settings.model_copy(update={"http_port": free_port()})
    service = sup.stadtstimme("ingest", ["serve", "--services", "ingest"], service_settings)
    sup.wait_http("noop-fastapi", noop, f"http://127.0.0.1:{noop_port}/healthz")
    sup.wait_http("ingest", service, f"http://127.0.0.1:{service_settings.http_port}/readyz")
    targets = {
        "baseline": (noop_port, {"server": noop.pid}),
        "measured": (service_settings.http_port, {"server": service.pid, "broker": broker.proc.pid}),
    }
    common = {"connections": profile.connections, "max-requests": profile.max_requests}
    runs: dict[str, list[dict[str, Any]]] = {"baseline": [], "measured": []}

    def rounds(kind: str, options: dict[str, dict[str, Any]]) -> list[list[dict[str, Any]]]:
        done: dict[str, list[dict[str, Any]]] = {"baseline": [], "measured": []}
        for n in range(profile.rounds):
            for side in ("baseline", "measured") if n % 2 == 0 else ("measured", "baseline"):
                port, watch = targets[side]
                extra = {"warmup": profile.first_warmup_s} if n == 0 and kind == "peak" else {}
                result = load(sup, f"{side}-{kind}-{n + 1}", port, common | options[side] | extra, watch)
                done[side].append(result)
                runs[side].append(result)
        return [done["baseline"], done["measured"]]

    say(f"ingest: {profile.rounds} peak round(s) per side, {profile.connections} connections")
    peak_options = {"warmup": profile.warmup_s, "duration": profile.peak_s, "paced-duration": 0}
    peaks = rounds("peak", {"baseline": peak_options, "measured": peak_options})
    # The best round of each side: interference from other work on the machine only ever slows down.
    best = [max((r["peak"] for r in side), key=lambda p: p["ok_per_s"]) for side in peaks]
    say(f"ingest: {profile.rounds} paced round(s) per side at half of the best peak")
    paced_options = [
        {"warmup": 0, "duration": 0, "paced-duration": profile.paced_s, "paced-rate": b["ok_per_s"] / 2} for b in best
    ]
    paced = rounds("paced", {"baseline": paced_options[0], "measured": paced_options[1]})
    sup.stop(noop)
    sup.stop(service)  # flushes the producer; every 202 must now be in the topic
    accepted = {i for f in LOGS.glob("loadgen-measured-*.ids") for i in f.read_text().split()}
    in_topic = set(asyncio.run(topic_event_ids(service_settings)))
    phases = ("warmup", "peak", "paced")
    sides = ("baseline", "measured")
    return {
        **{
            side: {
                "peak": best[i],
                "paced": min((r["paced"] for r in paced[i]), key=lambda p: p["p99_ms"] or float("inf")),
                "peaks": [r["peak"] for r in peaks[i]],
                "paced_rounds": [r["paced"] for r in paced[i]],
            }
            for i, side in enumerate(sides)
        },
        "failed": {side: sum(x.get(p, {}).get("errors", 0) for x in runs[side] for p in phases) for side in sides},
        "accepted": sum(x.get(p, {}).get("ok", 0) for x in runs["measured"] for p in phases),
        "accepted_ids": len(accepted),
        "in_kafka": len(accepted & in_topic),
    }


# --- 3. freshness ------------------------------------------------------------------------------------------


def phase_freshness(sup: Supervisor, settings: Settings, profile: Profile) -> FreshnessResult:
    fresh = settings.model_copy(update={"http_port": free_port()})
    projector = sup.stadtstimme("projector", ["worker", "projector"], fresh)
    web = sup.stadtstimme("ingest-analytics", ["serve", "--services", "ingest,analytics"], fresh)
    sup.wait_http("ingest-analytics", web, f"http://127.0.0.1:{fresh.http_port}/readyz")
    if projector.poll() is not None:
        raise RuntimeError(f"projector exited with {projector.returncode}\n{sup.tail('projector')}")
    say(f"freshness: {profile.fresh_rate:.0f} events/s for {profile.fresh_s:.0f} s, each to its own page")
    result = asyncio.run(measure_freshness(fresh, fresh.http_port, profile.fresh_rate, profile.fresh_s, say))
    if projector.poll() is not None:
        raise RuntimeError(f"projector died during the measurement\n{sup.tail('projector')}")
    sup.stop(web)
    sup.stop(projector)
    return result


# --- the table ---------------------------------------------------------------------------------------------


def _s(value_ms: float | None) -> float | None:
    return None if value_ms is None else value_ms / 1000


def _ingest_rows(ingest: dict[str, Any], profile: Profile) -> list[Row]:
    base, meas = ingest["baseline"], ingest["measured"]
    b_rate, m_rate = base["peak"]["ok_per_s"], meas["peak"]["ok_per_s"]
    b_paced, m_paced = base.get("paced", {}), meas.get("paced", {})
    failed = [ingest["failed"]["baseline"], ingest["failed"]["measured"]]
    speedup = m_rate / b_rate if b_rate else 0.0
    m_p99 = _s(m_paced.get("p99_ms"))
    found = f"{ingest['in_kafka']:,} of {ingest['accepted']:,}"
    return [
        Row("ingest", f"accepted events/s, {profile.connections} connections", per_s(b_rate), per_s(m_rate),
            f"{speedup:.2f}x", f">= {INGEST_RATIO_TARGET:.2f}x", speedup >= INGEST_RATIO_TARGET),
        Row("ingest", "p50 latency at half peak", ms(_s(b_paced.get("p50_ms"))),
            ms(_s(m_paced.get("p50_ms"))), ratio(m_paced.get("p50_ms"), b_paced.get("p50_ms"))),
        Row("ingest", "p99 latency at half peak", ms(_s(b_paced.get("p99_ms"))), ms(m_p99),
            ratio(m_paced.get("p99_ms"), b_paced.get("p99_ms")), f"< {INGEST_P99_TARGET_S * 1000:.0f} ms",
            m_p99 is not None and m_p99 < INGEST_P99_TARGET_S),
        Row("ingest", "failed requests (not 202)", str(failed[0]), str(failed[1]), "-", "0",
            failed == [0, 0]),
        Row("ingest", "202s found in the topic", "-", found, "-", "all",
            ingest["in_kafka"] == ingest["accepted_ids"] == ingest["accepted"] > 0),
    ]  # fmt: skip


def _pipeline_rows(pipe: PipelineResult) -> list[Row]:
    return [
        Row("pipeline", "records/s topic -> read model", per_s(pipe.baseline_per_s),
            per_s(pipe.projector_per_s), ratio(pipe.projector_per_s, pipe.baseline_per_s),
            f">= {PIPELINE_TARGET_PER_S:,}/s", pipe.projector_per_s >= PIPELINE_TARGET_PER_S),
        Row("pipeline", "read model = distinct events", "-", pipe.verify_detail if pipe.verified else "WRONG",
            "-", "exact", pipe.verified),
    ]  # fmt: skip


def _redaction_rows(results: list[dict[str, Any]]) -> list[Row]:
    """Three rows of ``bench/redaction.py`` (which prints every input): the realistic text, the slowest hostile
    input and the worst growth at GROWTH times the size."""
    realistic = next(r for r in results if r["name"].startswith("realistic"))
    hostile = [r for r in results if r is not realistic]
    slowest = max(hostile, key=lambda r: r["measured_s"])
    steepest = max(results, key=lambda r: r["growth"])
    target = f"<= {TARGET_S * 1000:.0f} ms"
    return [
        Row("redaction", "10 KB German feedback, vs one \\d+ pass", ms(realistic["baseline_s"]),
            ms(realistic["measured_s"]), ratio(realistic["measured_s"], realistic["baseline_s"]), target,
            realistic["met"]),
        Row("redaction", f"slowest of {len(hostile)} hostile 10 KB inputs: {slowest['name']}",
            ms(slowest["baseline_s"]), ms(slowest["measured_s"]), ratio(slowest["measured_s"], slowest["baseline_s"]),
            target, all(r["met"] for r in hostile)),
        Row("redaction", f"time at {GROWTH}x the input, worst: {steepest['name']}", ms(steepest["measured_s"]),
            ms(steepest["measured_grown_s"]), f"{steepest['growth']:.1f}x", f"< {GROWTH_TARGET:.0f}x (linear)",
            all(r["growth_met"] for r in results)),
    ]  # fmt: skip


def _freshness_rows(fresh: FreshnessResult) -> list[Row]:
    api, kafka = sorted(fresh.visible), sorted(fresh.broker)
    a50, a95, k50, k95 = (percentile(v, q) for v in (api, kafka) for q in (50, 95))
    lost = fresh.invisible + fresh.errors
    return [
        Row("freshness", "p50 202 -> visible", ms(k50), ms(a50), ratio(a50, k50)),
        Row("freshness", "p95 202 -> visible", ms(k95), ms(a95), ratio(a95, k95),
            f"< {FRESHNESS_P95_TARGET_S:.0f} s", a95 is not None and a95 < FRESHNESS_P95_TARGET_S),
        Row("freshness", f"not visible within {VISIBLE_TIMEOUT_S:.0f} s", "-", f"{lost} of {fresh.sent}", "-",
            "0", lost == 0),
    ]  # fmt: skip


def notes(kind: str, ingest: dict[str, Any], pipe: PipelineResult, fresh: FreshnessResult, p: Profile) -> str:
    def cpu(side: str, phase: str) -> str:
        return ", ".join(f"{k} {v:.2f}" for k, v in ingest[side][phase].get("cpu_share", {}).items())

    def peaks(side: str) -> str:
        return ", ".join(f"{r['ok_per_s']:,.0f}/s" for r in ingest[side]["peaks"])

    def p99s(side: str) -> str:
        return ", ".join(ms(_s(r["p99_ms"])) for r in ingest[side]["paced_rounds"])

    rates = [ingest[side].get("paced", {}).get("target_per_s", 0) for side in ("baseline", "measured")]
    polls = sorted(fresh.poll_latency)
    broker = "Apache Kafka 4.1 (KRaft, 1 node)" if kind == "kafka" else "Tansu (in memory)"
    return "\n".join(
        [
            f"broker: {broker}; {os.cpu_count()} cores, load average {LOAD_AT_START:.2f} at start "
            f"(other work on the machine skews every figure); loopback; load generator in its own process",
            "baselines: ingest = no-op FastAPI endpoint (same body, same uvicorn settings); "
            "pipeline = plain aiokafka consumer discarding the same records; "
            "freshness = plain consumer tailing the topic",
            f"ingest: {p.first_warmup_s:g} s warm-up before the first round of each side, {p.warmup_s:g} s before "
            f"later ones + {p.peak_s:g} s closed-loop peak, then {p.paced_s:g} s open loop "
            f"at half of each server's own best peak ({rates[0]:,.0f}/s and {rates[1]:,.0f}/s)",
            f"all {p.rounds} interleaved round(s), best reported: peaks: baseline {peaks('baseline')}, service "
            f"{peaks('measured')}; p99 at half peak: baseline {p99s('baseline')}, service {p99s('measured')}",
            f"CPU in cores at the best peak: baseline {cpu('baseline', 'peak')}; service {cpu('measured', 'peak')}",
            f"CPU in cores at half peak: baseline {cpu('baseline', 'paced')}; service {cpu('measured', 'paced')}",
            f"pipeline: {pipe.records:,} records ({pipe.distinct:,} distinct, 1 % duplicates) produced in "
            f"{pipe.prefill_s:.1f} s; read by the plain consumer in {pipe.baseline_s:.2f} s, "
            f"by the projector in {pipe.projector_s:.2f} s",
            f"freshness: {fresh.acked} events acknowledged at {p.fresh_rate:g}/s; metrics API polled "
            f"{len(polls):,} times (every 20 ms per pending group of 10 pages), answer p50 "
            f"{ms(percentile(polls, 50))}, p95 {ms(percentile(polls, 95))}",
        ]
    )


# --- main --------------------------------------------------------------------------------------------------


def run(args: argparse.Namespace, sup: Supervisor) -> int:
    profile = QUICK if args.quick else FULL
    overrides = {"connections": args.connections, "pipeline_records": args.pipeline_records, "rounds": args.rounds}
    profile = Profile(**(asdict(profile) | {k: v for k, v in overrides.items() if v}))
    run_id = uuid.uuid4().hex[:8]
    broker, pg = start_infrastructure(sup, args.broker, run_id)
    asyncio.run(create_database(pg.uri, DB_NAME, drop=True))
    prefixes = {phase: f"bench-{run_id}-{phase}." for phase in ("ingest", "pipeline", "freshness")}
    settings = Settings(
        kafka_bootstrap_servers=broker.bootstrap,
        kafka_idempotence="off" if args.broker == "tansu" else "auto",
        database_url=pg.uri_for(DB_NAME),
        topic_prefix=prefixes["ingest"],
        topic_partitions=6,
        metrics_token=secrets.token_urlsafe(18),
        # The peak phase is a flood by design (thousands per second): the breaker would rightly stop it.
        flood_per_minute=1_000_000_000,
    )
    prepare(sup, settings, list(prefixes.values()))

    ingest = phase_ingest(sup, settings, broker, profile)
    pipe_settings = settings.model_copy(update={"topic_prefix": prefixes["pipeline"]})
    pipe = asyncio.run(run_pipeline(pipe_settings, profile.pipeline_records, DEMO_CITY, say))
    fresh = phase_freshness(sup, settings.model_copy(update={"topic_prefix": prefixes["freshness"]}), profile)

    say("redaction: 10 KB inputs, realistic and hostile")
    redaction = run_redaction_bench()
    result_rows = (
        _ingest_rows(ingest, profile) + _pipeline_rows(pipe) + _freshness_rows(fresh) + _redaction_rows(redaction)
    )
    elapsed = time.monotonic() - T0
    print()
    print(f"Stadtstimme benchmark ({'quick smoke run, figures not meaningful' if args.quick else 'full run'})")
    print(table(result_rows))
    print()
    print(notes(args.broker, ingest, pipe, fresh, profile))
    print(f"total run time: {elapsed:.0f} s; logs and raw results: {VAR.relative_to(REPO)}/", flush=True)
    (VAR / "last-result.json").write_text(
        json.dumps(
            {
                "broker": args.broker,
                "quick": args.quick,
                "profile": asdict(profile),
                "ingest": ingest,
                "pipeline": asdict(pipe),
                "freshness": asdict(fresh),
                "redaction": redaction,
                "seconds": elapsed,
            },
            indent=1,
            default=str,
        )
    )
    correctness = [r for r in result_rows if r.met is False and r.target in ("0", "all", "exact")]
    return 1 if correctness else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--broker", choices=("kafka", "tansu"), default="kafka")
    parser.add_argument("--quick", action="store_true", help="short phases: a smoke run, not a measurement")
    parser.add_argument("--connections", type=int, help="concurrent connections of the ingest peak phase")
    parser.add_argument("--pipeline-records", type=int, help="records pre-filled for the pipeline phase")
    parser.add_argument("--rounds", type=int, help="interleaved ingest rounds per side (best one reported)")
    args = parser.parse_args(argv)

    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in the background
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    LOGS.mkdir(parents=True, exist_ok=True)
    for old in LOGS.iterdir():  # logs, raw results and accepted ids of the previous run
        if old.is_file():
            old.unlink()
    sup = Supervisor(LOGS)
    try:
        return run(args, sup)
    except KeyboardInterrupt:
        say("interrupted; stopping everything")
        return 130
    except Exception as exc:
        say(f"failed: {exc}")
        raise
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
        sup.close()
        say("all processes stopped")


if __name__ == "__main__":
    sys.exit(main())

"""The Land-scale phase, and the staff reads in it: the console's and the API's read pages at scale.

A database of its own on the benchmark's PostgreSQL is migrated, given the demo city grown to 40 units and 2,000
pages (``stadtstimme org apply``, as events) and an administrator. ``scale`` generated feedback records go onto
its feedback topic and ``stadtstimme replay`` projects them (``bench/pipeline.py``, with the pipeline's figures);
then a survey with 200,000 answers goes in through the survey projector's store functions. Then one
``stadtstimme serve --services ingest,analytics,hackathon`` (as deployed) answers; the administrator signs in
through the console's form (the metrics API takes the configured metrics token). Every read is requested a few
times to warm the caches, then ``repeat`` times in a row; p50 and p95 of the whole answer (body read to its end)
are reported. The CSV downloads are also checked for being streamed (no Content-Length: sent in chunks while the
server reads) and the server's peak resident memory (VmHWM) is printed before and after them.

Standalone (own var dir, own Tansu and PostgreSQL): ``python bench/reads.py --scale 1000000 [--reuse]``.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from generate import DUPLICATE_SHARE, SURVEY_ANSWERS, fill_survey, org_yaml
from loadgen import percentile
from pipeline import postgres_cpu, run_pipeline
from procs import Supervisor
from report import Row, ms

from shared.orgmodel import OrgModel, parse_org_yaml
from shared.settings import Settings
from stadtstimme.cli import DEMO_CITY
from stadtstimme.infra import REPO, EmbeddedPostgres, TansuBroker, create_database, free_port

DB_NAME = "bench_reads"
USER = "bench-reads-admin"
TARGET_S = 0.100
REPEAT = 30
WARMUP = 3
# The default: the largest scale whose whole ``make bench`` fits 15 minutes on the 2-core development machine
# (bench/README.md, "The minutes and the default scale"); the 10 million: ``--scale 10000000``.
SCALE = 4_000_000
QUICK_SCALE = 20_000


def distinct_events(scale: int) -> int:
    """The events (``feedback_event`` rows) of ``scale`` records: the rest are producer retries."""
    return max(1, round(scale * (1 - DUPLICATE_SHARE)))


@dataclass
class Read:
    name: str
    path: str
    token: bool = False  # the metrics token instead of the console session
    csv: bool = False  # a download: checked for being streamed
    grows: bool = True  # its size grows with the events (must be streamed), not only with units and months
    times: list[float] = field(default_factory=list)
    status: int = 0
    size: int = 0
    streamed: bool | None = None

    def p(self, q: float) -> float | None:
        return percentile(sorted(self.times), q)


def reads_for(prefix_url: str, unit: str, site: str, survey_id: str, today: date) -> list[Read]:
    year = today.year - 1
    metrics = f"from={(today - timedelta(days=30)).isoformat()}T00:00:00Z"
    return [
        Read("overview 7 days", "/console/?days=7"),
        Read("overview 30 days", "/console/?days=30"),
        Read("overview 90 days", "/console/?days=90"),
        Read("unit page (30 days, page ranking)", f"/console/units/{unit}?days=30"),
        Read("unit page (90 days)", f"/console/units/{unit}?days=90"),
        Read("inbox (open)", "/console/inbox"),
        Read("inbox: full-text search", "/console/inbox?q=Formular+kaputt&status=alle"),
        Read("inbox: all statuses", "/console/inbox?status=alle"),
        Read("inbox: unit", f"/console/inbox?unit={unit}&status=alle"),
        Read("inbox: site", f"/console/inbox?site={site}&status=alle"),
        Read("inbox: URL prefix", f"/console/inbox?prefix={prefix_url}&status=alle"),
        Read("inbox: category", "/console/inbox?category=accessibility_barrier&status=alle"),
        Read("inbox: tag", "/console/inbox?tag=termin&status=alle"),
        Read("inbox: assignee me", "/console/inbox?assignee=me&status=alle"),
        Read(
            "inbox: date range",
            f"/console/inbox?from={today - timedelta(days=60)}&to={today - timedelta(days=30)}&status=alle",
        ),
        Read("inbox: suspected", "/console/inbox?view=suspected&status=alle"),
        Read("inbox: page 50", "/console/inbox?status=alle&page=50"),
        Read("inbox CSV (10,000 rows)", "/console/inbox.csv?status=alle", csv=True),
        Read(
            "open data CSV, a year",
            f"/api/v1/metrics/open-data/satisfaction.csv?from={year}-01&to={year}-12",
            csv=True,
            grows=False,  # a row per unit and month
        ),
        Read("survey results page (200,000)", f"/console/surveys/{survey_id}"),
        Read("survey results API", f"/api/v1/staff/surveys/{survey_id}/results"),
        Read("metrics API /pages", f"/api/v1/metrics/pages?{metrics}", token=True),
        Read("metrics API /org-units", f"/api/v1/metrics/org-units?{metrics}", token=True),
        Read("metrics API /services", f"/api/v1/metrics/services?{metrics}", token=True),
    ]


def peak_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


async def _filled(database_url: str) -> int:
    try:
        conn = await asyncpg.connect(database_url)
    except (OSError, asyncpg.PostgresError):
        return -1
    try:
        return int(await conn.fetchval("SELECT count(*) FROM feedback_event"))
    except asyncpg.PostgresError:
        return -1
    finally:
        await conn.close()


def prepare(
    sup: Supervisor, admin_uri: str, database_url: str, settings: Settings, var: Path
) -> tuple[OrgModel, str]:  # fmt: skip
    """An empty database of its own: schema, topics, the demo city grown to 40 units and 2,000 pages (``stadtstimme
    org apply``: as events) and an administrator; returns the org model and the administrator's password."""
    asyncio.run(create_database(admin_uri, DB_NAME, drop=True))
    sup.run_cli("reads-migrate", ["migrate"], settings)
    sup.run_cli("reads-topics", ["topics", "create"], settings)
    org_file = var / "reads-org.yaml"
    org_file.write_text(org_yaml(DEMO_CITY), encoding="utf-8")
    sup.run_cli("reads-org", ["org", "apply", str(org_file)], settings)
    password = secrets.token_urlsafe(18)
    add = ["staff", "add", USER, "--role", "administrator", "--password-stdin"]
    sup.run_cli("reads-staff-add", add, settings, stdin=f"{password}\n".encode())
    (var / "reads-admin.password").write_text(password)
    return parse_org_yaml(org_file.read_text())[1], password


async def finish(database_url: str, model: OrgModel) -> dict[str, Any]:
    """After the replay: the survey with 200,000 answers, then ``VACUUM ANALYZE`` (what autovacuum would have done
    on a live database: visibility map and statistics); counts and times."""
    started = time.perf_counter()
    await fill_survey(database_url, model)
    survey_s = time.perf_counter() - started
    conn = await asyncpg.connect(database_url)
    try:
        started = time.perf_counter()
        await conn.execute("VACUUM ANALYZE")
        vacuum_s = time.perf_counter() - started
        counts = dict(
            await conn.fetchrow(
                """SELECT (SELECT count(*) FROM feedback_event) AS events,
                          (SELECT count(*) FROM feedback_event WHERE comment IS NOT NULL) AS comments,
                          (SELECT count(*) FROM comment_item) AS inbox_items,
                          (SELECT count(*) FROM survey_response WHERE counted) AS survey_responses"""
            )
        )
    finally:
        await conn.close()
    return counts | {"survey_s": survey_s, "vacuum_s": vacuum_s}


async def _choices(database_url: str) -> tuple[str, str, str, str]:
    """The busiest unit and site of the last 30 days, a URL prefix with many comments, and today in the city."""
    conn = await asyncpg.connect(database_url)
    try:
        unit = await conn.fetchval(
            """SELECT org_unit_id FROM org_unit_satisfaction WHERE granularity = 'day'
               AND bucket_start > now() - interval '30 days' GROUP BY 1 ORDER BY sum(responses) DESC LIMIT 1"""
        )
        site, url = await conn.fetchrow(
            "SELECT site_id, page_url FROM comment_item GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1"
        )
        prefix = url.rsplit("/", 1)[0]
        return unit, site, prefix, DB_NAME
    finally:
        await conn.close()


def measure(
    sup: Supervisor, settings: Settings, database_url: str, password: str, say: Callable[[str], None],
    repeat: int = REPEAT,
) -> dict[str, Any]:  # fmt: skip
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    web_settings = settings.model_copy(update={"http_port": port, "public_base_url": base})
    web = sup.stadtstimme("reads-web", ["serve", "--services", "ingest,analytics,hackathon"], web_settings)
    sup.wait_http("reads-web", web, f"{base}/readyz")
    unit, site, prefix, _ = asyncio.run(_choices(database_url))
    from generate import SURVEY_ID

    today = datetime.now(UTC).date()
    reads = reads_for(prefix, unit, site, SURVEY_ID, today)
    token = {"Authorization": f"Bearer {settings.metrics_token.get_secret_value()}"}
    rss: dict[str, int] = {}
    with httpx.Client(base_url=base, timeout=120) as client:
        answer = client.post("/console/login", data={"username": USER, "password": password},
                             headers={"Origin": base})  # fmt: skip
        if answer.status_code != 303:
            raise RuntimeError(f"reads: sign-in answered {answer.status_code}\n{sup.tail('reads-web')}")
        say(f"reads: {len(reads)} reads, {WARMUP} warm-up requests and {repeat} measured each")
        rss["after start"] = peak_rss_kb(web.pid)
        for read in sorted(reads, key=lambda r: r.csv):  # the CSV downloads last: peak memory before and after
            if read.csv and "before CSV" not in rss:
                rss["before CSV"] = peak_rss_kb(web.pid)
            headers = token if read.token else {}
            for n in range(WARMUP + repeat):
                started = time.perf_counter()
                with client.stream("GET", read.path, headers=headers) as response:
                    size = sum(len(chunk) for chunk in response.iter_raw())
                elapsed = time.perf_counter() - started
                if n >= WARMUP:
                    read.times.append(elapsed)
                read.status, read.size = response.status_code, size
                if read.csv:
                    read.streamed = "content-length" not in response.headers
            say(f"reads: {read.name}: {read.status}, {read.size:,} bytes, p50 {ms(read.p(50))}, "
                f"p95 {ms(read.p(95))}")  # fmt: skip
        rss["after CSV"] = peak_rss_kb(web.pid)
    sup.stop(web)
    return {"reads": reads, "peak_rss_kb": rss, "unit": unit, "site": site, "prefix": prefix}


def rows(result: dict[str, Any], scale: int) -> list[Row]:
    out = []
    for r in result["reads"]:
        p50, p95 = r.p(50), r.p(95)
        ok = r.status == 200 and p95 is not None and p95 < TARGET_S
        out.append(Row("reads", f"{r.name}: p50 / p95 (HTTP {r.status})", "-", f"{ms(p50)} / {ms(p95)}", "-",
                       f"p95 < {TARGET_S * 1000:.0f} ms", ok))  # fmt: skip
    csvs = [r for r in result["reads"] if r.csv and r.grows]
    rss = result["peak_rss_kb"]
    out.append(Row("reads", "CSV downloads streamed", "-", ", ".join(f"{r.name}: {'yes' if r.streamed else 'no'}"
                   for r in csvs), "-", "streamed", all(r.streamed for r in csvs)))  # fmt: skip
    out.append(Row("reads", "server peak RSS before -> after the CSVs", f"{rss['before CSV'] / 1024:,.0f} MB",
                   f"{rss['after CSV'] / 1024:,.0f} MB", "-", "bounded", None))  # fmt: skip
    return out


def reads_json(result: dict[str, Any]) -> dict[str, Any]:
    """The phase's result for ``last-result.json``."""
    reads = [{"name": r.name, "path": r.path, "status": r.status, "streamed": r.streamed, "times": r.times}
             for r in result["reads"]]  # fmt: skip
    return {k: v for k, v in result.items() if k not in ("reads", "pipeline")} | {"reads": reads}


def phase_reads(
    sup: Supervisor, pg: EmbeddedPostgres, settings: Settings, scale: int, var: Path, say: Callable[[str], None],
    reuse: bool = False, repeat: int = REPEAT,
) -> dict[str, Any]:  # fmt: skip
    """The Land-scale phase for ``bench/run.py``: a database of its own on the benchmark's PostgreSQL and broker,
    filled by generating ``scale`` records onto its feedback topic and replaying them (``bench/pipeline.py``: the
    pipeline's figures), then the survey, then the staff reads measured on it. With ``reuse``, a database filled
    at that scale before is kept (no pipeline figures then): new migrations are applied to it and timed."""
    database_url = pg.uri_for(DB_NAME)
    settings = settings.model_copy(update={"database_url": database_url})
    password_file = var / "reads-admin.password"
    if reuse and password_file.exists() and asyncio.run(_filled(database_url)) == distinct_events(scale):
        started = time.perf_counter()
        sup.run_cli("reads-migrate", ["migrate"], settings, timeout=3600)
        migrate_s = time.perf_counter() - started
        say(f"reads: reusing {DB_NAME} at scale {scale:,}; new migrations took {migrate_s:.1f} s")
        result = measure(sup, settings, database_url, password_file.read_text().strip(), say, repeat)
        return result | {"generated": {"reused": True, "migrate_s": migrate_s}, "scale": scale, "pipeline": None}
    model, password = prepare(sup, pg.uri, database_url, settings, var)
    pipe = asyncio.run(run_pipeline(settings, model, scale, say, postgres_cpu(pg)))
    say(f"reads: survey with {SURVEY_ANSWERS:,} answers, then VACUUM ANALYZE")
    figures = asyncio.run(finish(database_url, model))
    say(f"reads: {figures['events']:,} events, {figures['comments']:,} comments, {figures['inbox_items']:,} inbox "
        f"items; survey {figures['survey_s']:.0f} s, VACUUM ANALYZE {figures['vacuum_s']:.0f} s")  # fmt: skip
    result = measure(sup, settings, database_url, password, say, repeat)
    return result | {"generated": figures, "scale": scale, "pipeline": pipe}


def main(argv: list[str] | None = None) -> int:
    from report import table

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=SCALE, help="feedback events generated")
    parser.add_argument("--var", default="var/bench-reads", help="directory of PostgreSQL, Tansu and the logs")
    parser.add_argument("--reuse", action="store_true", help="keep a database already filled at this scale")
    parser.add_argument("--repeat", type=int, default=REPEAT)
    args = parser.parse_args(argv)
    var = REPO / args.var
    logs = var / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()

    def say(message: str) -> None:
        print(f"[reads {time.monotonic() - t0:6.1f}s] {message}", file=sys.stderr, flush=True)

    sup = Supervisor(logs)
    try:
        broker = TansuBroker(log_path=logs / "tansu.log")
        sup.on_close("tansu", broker.stop)
        broker.start()
        pg = EmbeddedPostgres(var / "pg").start()
        sup.on_close("postgres", lambda: pg._server.cleanup())
        settings = Settings(
            kafka_bootstrap_servers=broker.bootstrap, kafka_idempotence="off", database_url=pg.uri_for(DB_NAME),
            topic_prefix="bench-reads.", topic_partitions=6, metrics_token=secrets.token_urlsafe(18),
        )  # fmt: skip
        result = phase_reads(sup, pg, settings, args.scale, var, say, args.reuse, args.repeat)
        print(table(rows(result, args.scale)))
        if result["pipeline"] is not None:
            pipe = result["pipeline"]
            print(f"replay of {pipe.records:,} records: {pipe.replay_s:.1f} s; the projector "
                  f"{pipe.projector_per_s:,.0f}/s, a plain consumer {pipe.baseline_per_s:,.0f}/s; read models: "
                  f"{pipe.replay_detail}")  # fmt: skip
        rss = result["peak_rss_kb"]
        print(f"peak RSS (VmHWM) of the server: {', '.join(f'{k} {v / 1024:,.0f} MB' for k, v in rss.items())}")
    finally:
        sup.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

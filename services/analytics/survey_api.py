"""Staff API of surveys: define and publish (administrators), change status, read results as JSON or CSV.

Authentication and scoping through ``shared.access`` (a console session, or an API token with the scope):
``surveys.read`` reads (free-text answers included, so every read of results is audited), ``surveys.status``
moves a survey of one's own unit (another unit's survey answers 404), ``surveys.define`` (administrators) defines
surveys, whose targeting may reach any unit's pages. A state-changing request with a session must come from our
own pages (CSRF). Every change and every export is in the audit log.
"""

from __future__ import annotations

from typing import Annotated, Any

import asyncpg
import orjson
from aiokafka.errors import KafkaError
from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict

from services.analytics import survey_store, surveys
from shared.access import StaffAccess, check_units
from shared.auth import Account, audit
from shared.contracts.surveys import Status, SurveyDefinition
from shared.downloads import csv_download
from shared.kafka import LazyProducer
from shared.refusal import Refusal, not_found
from shared.settings import Settings

PREFIX = "/api/v1/staff/surveys"
CSV: dict[int | str, dict[str, Any]] = {
    200: {"description": "The results as CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}
}
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


def build_survey_router(
    settings: Settings, pool: asyncpg.Pool, producer: LazyProducer, access: StaffAccess
) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["surveys"])

    async def visible_survey(account: Account, survey_id: str) -> dict[str, Any]:
        async with pool.acquire() as conn:
            found = await survey_store.list_surveys(conn, survey_id=survey_id)
        if not found:
            raise not_found()
        check_units(account, "surveys.read", found[0]["org_unit"])
        return found[0]

    @router.get("")
    async def list_all(request: Request) -> Response:
        """Surveys the caller may see, with status, current version and counted responses per version."""
        account = await access.require(request, "surveys.read")
        units = account.units_visible()
        async with pool.acquire() as conn:
            items = await survey_store.list_surveys(conn, sorted(units) if units is not None else None)
        return _json({"items": items})

    @router.get("/{survey_id}")
    async def show(request: Request, survey_id: str) -> Response:
        """One survey: its state and the definition of its current version."""
        account = await access.require(request, "surveys.read")
        item = await visible_survey(account, survey_id)
        async with pool.acquire() as conn:
            state = await survey_store.load_state(conn, survey_id)
        assert state is not None
        return _json(item | {"definition": state.definition.model_dump(mode="json")})

    async def run(
        account: Account, survey_id: str, definition: SurveyDefinition | None, status: str | None
    ) -> Response:
        """The command, checked against the survey's unit as it is and as it will be (``surveys.execute``)."""
        try:
            events = await surveys.execute(
                pool, await producer.get(), settings, survey_id, definition, status, account.username, account
            )
        except (KafkaError, OSError, TimeoutError) as exc:
            # Nothing was written to the read model (the transaction rolled back); the command can be repeated.
            raise Refusal("problem.unavailable.title", 503, slug="service-unavailable",
                          headers={"Retry-After": "5"}) from exc  # fmt: skip
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
        """Create or change a survey (``surveys.define``: administrators; targeting may reach any unit's pages).
        A changed definition publishes a new version (published versions never change; results stay with the
        version answered); the same definition again publishes nothing."""
        account = await access.require(request, "surveys.define")
        if command.definition.id != survey_id:
            raise Refusal("problem.survey_id.title", 422, field="definition.id")
        return await run(account, survey_id, command.definition, command.status)

    @router.post("/{survey_id}/status")
    async def change_status(request: Request, survey_id: str, command: Annotated[StatusCommand, Body()]) -> Response:
        """Move a survey through its lifecycle: draft → active ⇄ paused → closed (``surveys.status``: the
        survey's unit's staff and administrators)."""
        account = await access.require(request, "surveys.status")
        return await run(account, survey_id, None, command.status)

    async def result_of(request: Request, survey_id: str, version: int | None) -> tuple[Account, dict[str, Any]]:
        """The results, free-text answers included: reading them is audited, for the JSON as for the CSV."""
        account = await access.require(request, "surveys.read")
        item = await visible_survey(account, survey_id)
        async with pool.acquire() as conn:
            chosen = version or item["current_version"]
            answered = await survey_store.version_definition(conn, survey_id, chosen)
            if answered is None:
                raise not_found()
            check_units(account, "surveys.read", answered.org_unit)  # the answers belong to the version's unit
            result = await surveys.results(conn, survey_id, chosen, settings.timezone)
            if result is None:
                raise not_found()
            await audit(conn, account.username, "view_survey_answers", survey_id, version=result["version"], via="api")
        return account, result

    @router.get("/{survey_id}/results")
    async def results(request: Request, survey_id: str, version: Version = None) -> Response:
        """Results of one version: responses, completion rate, dismissals and answers per day, and per question
        the distribution, mean (rating, NPS scale), NPS, and the redacted free-text answers (newest 1000)."""
        _, result = await result_of(request, survey_id, version)
        return _json(result)

    @router.get("/{survey_id}/results.csv", response_class=Response, responses=CSV)
    async def results_csv(request: Request, survey_id: str, version: Version = None) -> Response:
        """The results as CSV for spreadsheets (semicolons, decimal commas, formula injection neutralised)."""
        account, result = await result_of(request, survey_id, version)
        async with pool.acquire() as conn:
            definition = await survey_store.version_definition(conn, survey_id, result["version"])
            await audit(conn, account.username, "export", f"survey-results:{survey_id}:v{result['version']}")
        assert definition is not None
        filename = f"umfrage-{survey_id}-v{result['version']}.csv"
        return csv_download(surveys.results_csv(result, definition), filename)

    return router

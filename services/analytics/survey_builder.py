"""The survey builder of the staff console: create, edit, copy and preview surveys, and export one as YAML.

A server-rendered form that works without JavaScript: questions and options are added, removed and moved by
submit buttons (``survey_form.apply_step``), and every post carries the whole form back. Saving runs the same
command as the staff API and ``stadtstimme surveys apply`` (``surveys.execute``: the domain's ``plan`` under the
survey's lock, Kafka first, then the read model; a changed definition is a new version), checked with
``surveys.define``; moving a survey through its lifecycle stays on the survey's page (``surveys.status``). The
preview shows the real widget in a sandboxed frame (``survey_preview``) and publishes nothing. The YAML export is
the file ``stadtstimme surveys apply`` reads: applied to the survey as it is, it changes nothing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import asyncpg
from aiokafka.errors import KafkaError
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.analytics import survey_form, survey_store, surveys
from services.analytics.survey_domain import InvalidCommand, SurveyState
from services.analytics.survey_form import FormErrors, SurveyDraft
from services.analytics.survey_preview import PATH as PREVIEW_PATH
from services.analytics.survey_preview import create_preview
from shared.access import check_units
from shared.auth import Account, audit
from shared.console_ui import ConsoleUI, read_form
from shared.contracts.surveys import QUESTION_TYPES
from shared.downloads import YAML, download
from shared.kafka import LazyProducer
from shared.messages import text
from shared.orgmodel import fetch_org_model
from shared.settings import Settings

FORM_LIMIT = 256 * 1024  # as shared.limits allows for /console/surveys: 20 questions of 20 options, long texts
STEPS = ("add_question", "remove_question", "up", "down", "add_option", "remove_option")


def add_survey_builder_routes(
    router: APIRouter, ui: ConsoleUI, settings: Settings, pool: asyncpg.Pool, producer: LazyProducer
) -> None:
    """Routes below ``/console/surveys``; added before ``/surveys/{survey_id}`` so that ``neu`` is this form."""

    async def org_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """(unit id, name) and (site id, name) for the form's lists, by name."""
        async with pool.acquire() as conn:
            model = await fetch_org_model(conn)
        units = sorted(((u.id, u.name) for u in model.units.values()), key=lambda u: u[1])
        sites = sorted(((s.id, s.name) for s in model.sites.values()), key=lambda s: s[1])
        return units, sites

    async def load(account: Account, survey_id: str) -> SurveyState | None:
        """The survey as it is; another unit's survey is None like one that does not exist."""
        async with pool.acquire() as conn:
            state = await survey_store.load_state(conn, survey_id[:64])
        if state is not None:
            check_units(account, "surveys.define", state.definition.org_unit)
        return state

    async def form_page(
        account: Account,
        draft: SurveyDraft,
        state: SurveyState | None,
        *,
        copy_of: str | None = None,
        status: int = 200,
        errors: dict[str, str] | None = None,
        general: list[str] | None = None,
        notice: str | None = None,
        focus: str | None = None,
        preview: dict[str, str] | None = None,
        base_version: str | None = None,
    ) -> HTMLResponse:
        units, sites = await org_choices()
        if state is not None:
            heading = text("console.survey_form.title.edit", title=state.definition.title.de)
            action = f"{ui.prefix}/surveys/{quote(state.survey_id)}/bearbeiten"
            back = f"{ui.prefix}/surveys/{quote(state.survey_id)}"
            next_version = state.current_version + 1
            if state.status == "draft":
                save_hint = text("console.survey_form.save_hint.draft", version=next_version)
            else:
                status_name = text(f"console.surveys.state.{state.status}")
                save_hint = text("console.survey_form.save_hint.live", status=status_name, version=next_version)
        else:
            heading = (
                text("console.survey_form.title.copy", title=copy_of)
                if copy_of
                else text("console.survey_form.title.new")
            )
            action, back = f"{ui.prefix}/surveys/neu", f"{ui.prefix}/surveys"
            save_hint = text("console.survey_form.save_hint.new")
        errors = errors or {}
        summary = survey_form.summary(errors)
        return ui.page(
            "console_survey_form.html",
            status,
            frame_src="'self'" if preview else None,
            account=account,
            heading=heading,
            action=action,
            back=back,
            draft=draft,
            editing=state is not None,
            closed=state is not None and state.status == "closed",
            base_version=base_version or (str(state.current_version) if state else ""),
            units=units,
            sites=sites,
            types=QUESTION_TYPES,
            choice_types=survey_form.CHOICE_TYPES,
            errors=errors,
            summary=summary,
            general=general or [],
            notice=notice,
            focus=focus,
            preview=preview,
            save_hint=save_hint,
            timezone=settings.timezone,
        )

    async def handle(request: Request, account: Account, state: SurveyState | None) -> Response:
        form = await read_form(request, limit=FORM_LIMIT)
        _, sites = await org_choices()
        draft = survey_form.draft_from_form(form, [s for s, _ in sites])
        base_version = form.get("base_version", "")[:12]
        if state is not None:
            draft.survey_id = state.survey_id  # the id of a saved survey never changes
        action = form.get("action", "preview")[:40]
        if action.split(":")[0] in STEPS:
            draft, focus, notice = survey_form.apply_step(draft, action, form.get("new_type", ""))
            return await form_page(account, draft, state, notice=notice or None, focus=focus,
                                   base_version=base_version)  # fmt: skip
        try:
            definition, draft = survey_form.definition(draft, ui.tz)
            async with pool.acquire() as conn:
                model = await fetch_org_model(conn)
            problems = survey_form.org_errors(surveys.org_problems(definition, model.units, model.sites))
            if problems:
                raise FormErrors(survey_form.ordered(problems, draft))
        except FormErrors as exc:
            return await form_page(account, draft, state, status=422, errors=exc.fields, general=exc.general,
                                   base_version=base_version)  # fmt: skip
        next_version = state.current_version + 1 if state is not None else 1
        if action in ("preview", "preview_en"):
            token = await create_preview(pool, definition, next_version)
            lang = "en" if action == "preview_en" else "de"
            preview = {
                "src": f"{ui.prefix}{PREVIEW_PATH}/{token}/?lang={lang}",
                "title": text("console.survey_form.preview.frame",
                              language=text(f"console.survey_form.preview.language.{lang}")),
            }  # fmt: skip
            return await form_page(account, draft, state, preview=preview, focus="preview-heading",
                                   base_version=base_version)  # fmt: skip
        return await save(account, draft, definition, state, base_version)

    async def save(
        account: Account, draft: SurveyDraft, definition: Any, state: SurveyState | None, base_version: str
    ) -> Response:
        survey_id = definition.id
        async with pool.acquire() as conn:
            now = await survey_store.load_state(conn, survey_id)
        if state is None and now is not None:
            errors = {"survey_id": text("console.survey_form.error.taken")}
            return await form_page(account, draft, None, status=409, errors=errors)
        if state is not None and now is not None and str(now.current_version) != base_version:
            general = [text("console.survey_form.error.changed_meanwhile", version=now.current_version)]
            return await form_page(account, draft, state, status=409, general=general, base_version=base_version)
        try:
            events = await surveys.execute(pool, await producer.get(), settings, survey_id, definition, None,
                                           account.username, account)  # fmt: skip
        except InvalidCommand as exc:
            return await form_page(account, draft, state, status=409, general=[exc.reason("de")],
                                   base_version=base_version)  # fmt: skip
        except (KafkaError, OSError, TimeoutError):
            general = [text("console.surveys.error.unavailable")]
            return await form_page(account, draft, state, status=503, general=general, base_version=base_version)
        async with pool.acquire() as conn:
            if events:
                await audit(conn, account.username, "survey_changed", survey_id,
                            events=[e.event_type.name for e in events], via="console")  # fmt: skip
            saved = await survey_store.load_state(conn, survey_id)
        version = saved.current_version if saved is not None and events else 0
        return RedirectResponse(f"{ui.prefix}/surveys/{quote(survey_id)}?saved={version}", status_code=303)

    @router.get("/surveys/neu")
    async def new_survey(request: Request) -> Response:
        account = await ui.require(request, "surveys.define")
        return await form_page(account, SurveyDraft(), None)

    @router.post("/surveys/neu")
    async def post_new_survey(request: Request) -> Response:
        account = await ui.require(request, "surveys.define")
        return await handle(request, account, None)

    @router.get("/surveys/{survey_id}/bearbeiten")
    async def edit_survey(survey_id: str, request: Request) -> Response:
        account = await ui.require(request, "surveys.define")
        state = await load(account, survey_id)
        if state is None:
            return ui.not_found(account)
        return await form_page(account, survey_form.draft_from_definition(state.definition, ui.tz), state)

    @router.post("/surveys/{survey_id}/bearbeiten")
    async def post_edit_survey(survey_id: str, request: Request) -> Response:
        account = await ui.require(request, "surveys.define")
        state = await load(account, survey_id)
        if state is None:
            return ui.not_found(account)
        return await handle(request, account, state)

    @router.get("/surveys/{survey_id}/kopie")
    async def copy_survey(survey_id: str, request: Request) -> Response:
        """A new survey's form, filled in from this one (saved under a new id, as a draft)."""
        account = await ui.require(request, "surveys.define")
        state = await load(account, survey_id)
        if state is None:
            return ui.not_found(account)
        async with pool.acquire() as conn:
            taken = await survey_store.survey_ids(conn)
        draft = survey_form.copy_of(survey_form.draft_from_definition(state.definition, ui.tz), taken)
        return await form_page(account, draft, None, copy_of=state.definition.title.de)

    @router.get("/surveys/{survey_id}/definition.yaml")
    async def export_survey(survey_id: str, request: Request) -> Response:
        """The survey's current definition and status as the YAML file ``stadtstimme surveys apply`` reads."""
        account = await ui.require(request, "surveys.read")
        async with pool.acquire() as conn:
            state = await survey_store.load_state(conn, survey_id[:64])
            if state is None:
                return ui.not_found(account)
            check_units(account, "surveys.read", state.definition.org_unit)
            await audit(conn, account.username, "export", f"survey-definition:{state.survey_id}",
                        version=state.current_version)  # fmt: skip
        return download(surveys.spec_yaml(state.definition, state.status), f"umfrage-{state.survey_id}.yaml", YAML)

"""The role matrix as the staff dependency enforces it, cell by cell, over real HTTP: one account of each role signs
in, and for every permission one route that needs it is called. A role without the permission is refused (403);
a role with it gets past the check (whatever the route then answers: a page, a 404 for an object that does not
exist, a 422 for a form it did not fill in). The documents' matrix is checked against ``PERMISSIONS`` in
tests/unit/test_security_doc.py; this checks that ``PERMISSIONS`` is what the routes ask for."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from shared.auth import PERMISSIONS, ROLES
from tests.integration.conftest import once
from tests.integration.system import System
from tests.integration.test_console import add_staff, sign_in
from tests.integration.test_surveys import SURVEY, definition

pytestmark = once("the role matrix")

NOWHERE = str(uuid.uuid4())  # an object that does not exist: past the check, a route answers 404
# One route per permission: (method, path, JSON body or form). State-changing requests carry our Origin.
ROUTES: dict[str, tuple[str, str, dict[str, Any] | None]] = {
    "figures.read": ("GET", "/api/v1/metrics/org-units", None),
    "comments.read": ("GET", "/console/inbox", None),
    "comments.triage": ("POST", f"/console/inbox/{NOWHERE}/status", {"status": "done"}),
    "surveys.read": ("GET", "/api/v1/staff/surveys", None),
    "surveys.status": ("POST", f"/api/v1/staff/surveys/{SURVEY}/status", {"status": "paused"}),
    # A valid definition for another id: past the check the route refuses the mismatch (422), before it a 403.
    "surveys.define": ("PUT", "/api/v1/staff/surveys/not-this-one", {"definition": definition()}),
    "notifications.read": ("GET", "/console/notifications", None),
    "notifications.retry": ("POST", f"/console/notifications/{NOWHERE}/retry", {}),
    "hackathons.read": ("GET", "/console/hackathons", None),
    "hackathons.challenge": ("GET", f"/console/hackathons/{NOWHERE}/challenges/neu", None),
    "hackathons.judge": ("GET", f"/console/hackathons/{NOWHERE}/bewertung/{NOWHERE}", None),
    "hackathons.run": ("GET", "/console/hackathons/neu", None),
    "retention.read": ("GET", "/console/datenschutz", None),
    "budgets.read": ("GET", "/console/budgets", None),
    # An empty form: past the check the route refuses it (422), before it a 403.
    "budgets.manage": ("POST", "/console/budgets/budget", {}),
    "pageviews.import": ("GET", "/console/seitenaufrufe", None),
    "org.manage": ("GET", "/console/organisation", None),
    "reports.read": ("GET", "/console/berichte", None),
    "measures.read": ("GET", "/console/massnahmen", None),
    "measures.manage": ("GET", "/console/massnahmen/neu", None),
    "accounts.manage": ("GET", "/console/konten", None),
    "audit.read": ("GET", "/console/protokoll", None),
    "sdg.read": ("GET", "/console/sdg", None),
    "barriers.answer": ("GET", "/console/barrieren", None),
}


async def call(client: httpx.AsyncClient, system: System, permission: str) -> int:
    method, path, body = ROUTES[permission]
    if method == "GET":
        return (await client.get(path)).status_code
    origin = {"Origin": system.base_url}
    if path.startswith("/console/"):
        return (await client.request(method, path, data=body, headers=origin)).status_code
    return (await client.request(method, path, json=body, headers=origin)).status_code


async def test_every_cell_of_the_role_matrix_is_enforced_by_the_staff_check(system: System) -> None:
    assert sorted(ROUTES) == sorted(PERMISSIONS), "a route for every permission"
    wrong = []
    for role in ROLES:
        username = f"matrix-{role.replace('_', '-')}"
        add_staff(system, username, role, *(("abfallwirtschaft",) if role == "unit_staff" else ()))
        client = await sign_in(system, username)
        for permission, granted in PERMISSIONS.items():
            status = await call(client, system, permission)
            allowed = status not in (401, 403)
            if allowed != (role in granted) or status >= 500:
                wrong.append(f"{role} × {permission}: {status}")
        await client.aclose()
    assert not wrong, "cells the routes do not enforce as PERMISSIONS says:\n" + "\n".join(wrong)

"""The one staff check's pure parts: the role matrix per cell, a token's scopes, the object's unit as it is and as
it will be, the same-origin rule, and refusals rendered for APIs."""

from __future__ import annotations

import uuid

import orjson
import pytest
from starlette.requests import Request

from shared.access import check_units, same_origin, token_as_account
from shared.auth import PERMISSIONS, ROLES, TOKEN_SCOPES, Account
from shared.problems import refusal_response
from shared.refusal import Refusal
from shared.sign_in import clean_username, lock_for

ADMIN = Account(uuid.uuid4(), "a", "A", "administrator", ())
ANALYST = Account(uuid.uuid4(), "b", "B", "analyst", ())
ABFALL = Account(uuid.uuid4(), "c", "C", "unit_staff", ("abfallwirtschaft",))
BY_ROLE = {"administrator": ADMIN, "analyst": ANALYST, "unit_staff": ABFALL,
           "organiser": Account(uuid.uuid4(), "d", "D", "organiser", ()),
           "pr_team": Account(uuid.uuid4(), "e", "E", "pr_team", ()),
           "accessibility_officer": Account(uuid.uuid4(), "f", "F", "accessibility_officer", ())}  # fmt: skip


@pytest.mark.parametrize("permission", list(PERMISSIONS))
@pytest.mark.parametrize("role", ROLES)
def test_each_cell_of_the_role_matrix(role: str, permission: str) -> None:
    account = BY_ROLE[role]
    assert account.may(permission) == (role in PERMISSIONS[permission])
    # Unit staff hold a permission on their own units' objects only; the others on every unit's.
    assert account.may_act_on(permission, "abfallwirtschaft") == account.may(permission)
    assert account.may_act_on(permission, "buergeramt") == (account.may(permission) and role != "unit_staff")


def test_a_token_has_its_scopes_on_every_unit_and_nothing_else() -> None:
    token = token_as_account(uuid.uuid4(), "portal", ["figures.read"])
    assert token.is_token and token.username == "token:portal"
    assert [p for p in PERMISSIONS if token.may(p)] == ["figures.read"]
    assert token.units_visible() is None and token.may_act_on("figures.read", "buergeramt")
    assert "hackathons.judge" not in TOKEN_SCOPES
    assert "barriers.answer" not in TOKEN_SCOPES  # reporters' addresses: the officer's team, in person


def refused(call: object) -> tuple[int, str | None]:
    with pytest.raises(Refusal) as caught:
        call()  # type: ignore[operator]
    return caught.value.status, caught.value.field


def test_the_object_is_checked_as_it_is_and_as_it_will_be() -> None:
    check_units(ABFALL, "hackathons.challenge", "abfallwirtschaft", "abfallwirtschaft")
    check_units(ABFALL, "hackathons.challenge", None, "abfallwirtschaft")  # a new object of the own unit
    # Another unit's object, even when "moving" it to the own unit: the existing owner decides (finding 1).
    assert refused(lambda: check_units(ABFALL, "hackathons.challenge", "buergeramt", "abfallwirtschaft")) == (
        404,
        None,
    )
    assert refused(lambda: check_units(ABFALL, "hackathons.challenge", "buergeramt", "abfallwirtschaft",
                                       hidden=False)) == (403, "org_unit")  # fmt: skip
    # The own object moved to another unit.
    assert refused(lambda: check_units(ABFALL, "hackathons.challenge", "abfallwirtschaft", "buergeramt")) == (
        403,
        "org_unit",
    )
    # Analysts see every unit's object but change none.
    assert refused(lambda: check_units(ANALYST, "surveys.status", "buergeramt")) == (403, "org_unit")
    check_units(ANALYST, "surveys.read", "buergeramt")
    check_units(ADMIN, "surveys.define", "buergeramt", "abfallwirtschaft")


def request(headers: dict[str, str], scheme: str = "http", host: str = "127.0.0.1:8080") -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in ({"host": host} | headers).items()]
    return Request({"type": "http", "method": "POST", "path": "/", "headers": raw, "scheme": scheme,
                    "server": ("127.0.0.1", 8080), "query_string": b""})  # fmt: skip


def test_the_same_origin_rule() -> None:
    public = "https://feedback.musterstadt.de"
    assert same_origin(request({"origin": public}), public)
    assert same_origin(request({"origin": "http://127.0.0.1:8080"}), public)  # the origin the request was made to
    # Behind the trusted proxy, uvicorn puts the forwarded scheme into the request (finding 5).
    assert same_origin(request({"origin": "https://127.0.0.1:8080"}, scheme="https"), "http://x")
    assert not same_origin(request({"origin": "https://evil.example"}), public)
    assert not same_origin(request({"origin": "null"}), public)
    assert same_origin(request({"sec-fetch-site": "same-origin"}), public)
    assert not same_origin(request({"sec-fetch-site": "cross-site"}), public)
    assert not same_origin(request({}), public)  # neither header: refused


def test_a_refusal_renders_as_a_problem_in_the_readers_language() -> None:
    response = refusal_response(Refusal("problem.not_your_unit.title", 403, field="org_unit"), "en")
    body = orjson.loads(response.body)
    assert response.status_code == 403 and response.media_type == "application/problem+json"
    assert body["type"] == "/problems/not-your-unit" and body["title"].startswith("This does not belong")
    assert body["errors"] == [{"pointer": "/org_unit", "field": "org_unit", "detail": body["title"]}]


def test_sign_in_names_and_the_lock() -> None:
    assert clean_username("  Demo-Admin ") == "demo-admin"
    assert clean_username("a\x00") is None and clean_username("") is None and clean_username("x" * 201) is None
    assert [lock_for(n) for n in (1, 4)] == [None, None]
    assert [lock_for(n).total_seconds() for n in (5, 6, 7, 20)] == [60, 120, 240, 900]  # type: ignore[union-attr]

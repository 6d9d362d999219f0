"""The administration's pure rules (``shared.accounts``): nobody locks the city out of its console, unit staff keep
known units, invitations and passwords are checked at their fields."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from shared.accounts import Change, StaffAccount, check_change, check_invitation, check_password, clean_units
from shared.auth import Account
from shared.refusal import Refusal

ME = Account(uuid.uuid4(), "anna", "Anna", "administrator", ())


def staff(role: str = "administrator", units: tuple[str, ...] = (), disabled: bool = False,
          id: uuid.UUID | None = None) -> StaffAccount:  # fmt: skip
    return StaffAccount(id or uuid.uuid4(), "bert", "Bert", role, units, None, "local", disabled,
                        datetime.now(UTC), None, None)  # fmt: skip


def refusal(call: object) -> tuple[str, str | None, int]:
    with pytest.raises(Refusal) as caught:
        call()  # type: ignore[operator]
    return caught.value.key.rsplit(".", 1)[1], caught.value.field, caught.value.status


def test_the_last_enabled_administrator_stays_one() -> None:
    other = staff()
    for change in (Change("analyst", (), True), Change("administrator", (), False)):
        assert refusal(lambda c=change: check_change(ME, other, c, enabled_administrators=1)) == (
            "last_admin", None, 409)  # fmt: skip
        check_change(ME, other, change, enabled_administrators=2)  # another administrator remains
    # A disabled administrator is not the last one standing: enabling or demoting it locks nobody out.
    check_change(ME, staff(disabled=True), Change("analyst", (), False), enabled_administrators=1)


def test_nobody_changes_their_own_account_but_an_unchanged_form_is_no_change() -> None:
    mine = staff(id=ME.id)
    assert refusal(lambda: check_change(ME, mine, Change("administrator", (), False), 5))[0] == "self"
    assert refusal(lambda: check_change(ME, mine, Change("analyst", (), True), 5))[0] == "self"
    check_change(ME, mine, Change("administrator", (), True), 5)


def test_unit_staff_need_known_units_and_the_other_roles_keep_none() -> None:
    known = ["abfallwirtschaft", "baeder"]
    assert clean_units("unit_staff", ["baeder", "abfallwirtschaft", "baeder"], known) == ("abfallwirtschaft", "baeder")
    assert clean_units("analyst", ["baeder"], known) == ()
    assert refusal(lambda: clean_units("unit_staff", [], known)) == ("units_needed", "units", 422)
    assert refusal(lambda: clean_units("unit_staff", ["rathaus"], known)) == ("unknown_units", "units", 422)
    assert refusal(lambda: clean_units("root", [], known)) == ("role", "role", 422)


def test_an_invitation_is_checked_at_its_fields() -> None:
    assert check_invitation(" Carla.Berg ", "", " Carla.Berg@Musterstadt.DE ") == (
        "carla.berg", "carla.berg", "carla.berg@musterstadt.de")  # fmt: skip
    assert refusal(lambda: check_invitation("carla berg", "", "c@musterstadt.de"))[:2] == ("username", "username")
    assert refusal(lambda: check_invitation("", "", "c@musterstadt.de"))[:2] == ("username", "username")
    for address in ("carla", "carla@", "@musterstadt.de", "carla@musterstadt", "a b@musterstadt.de"):
        assert refusal(lambda a=address: check_invitation("carla", "", a))[:2] == ("email", "email"), address


def test_a_password_is_long_enough_and_typed_twice_alike() -> None:
    check_password("Korrekt-Pferd-Batterie", "Korrekt-Pferd-Batterie")
    assert refusal(lambda: check_password("kurz", "kurz"))[:2] == ("password_short", "password")
    assert refusal(lambda: check_password("x" * 1025, "x" * 1025))[:2] == ("password_long", "password")
    assert refusal(lambda: check_password("Korrekt-Pferd-Batterie", "Korrekt-Pferd"))[:2] == (
        "password_repeat", "password-repeat")  # fmt: skip

"""The one way to refuse a request: ``Refusal`` names its reason by a key of the message catalogue, an HTTP status
and optionally the form field it belongs to.

Domains raise it (or a subclass that derives the key from their own rule names); the HTTP layer renders it, for
APIs as an RFC 9457 problem (``shared.problems.refusal_response``: title in German or English by
``Accept-Language``), for console pages as the German message at the field it names. Pure: no web framework here,
so domain code can raise it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import asyncpg
from aiokafka.errors import KafkaError

from shared.messages import text


class Refusal(Exception):
    """A refused request or command. ``key``: the catalogue key of the reason; ``values``: what the text names;
    ``field``: the input it belongs to (a JSON field of an API body, or a form field id in the console);
    ``slug``: the problem type (``/problems/<slug>``), by default derived from the key."""

    def __init__(
        self,
        key: str,
        status: int = 403,
        *,
        field: str | None = None,
        slug: str | None = None,
        headers: Mapping[str, str] | None = None,
        **values: Any,
    ) -> None:
        super().__init__(key)
        self.key, self.status, self.field, self.values = key, status, field, values
        self.headers = dict(headers or {})
        self._slug = slug

    @property
    def slug(self) -> str:
        if self._slug:
            return self._slug
        name = self.key.removeprefix("problem.").removesuffix(".title")
        return name.replace(".", "-").replace("_", "-")

    def reason(self, lang: str = "de") -> str:
        """The reason in ``lang`` (German by default, as console pages show it)."""
        return text(self.key, lang, **self.values)


def unauthorized() -> Refusal:
    """No valid sign-in or token."""
    return Refusal(
        "problem.unauthorized.title",
        401,
        slug="unauthorized",
        headers={"WWW-Authenticate": 'Bearer realm="stadtstimme"'},
    )


def forbidden(key: str = "problem.forbidden.title", field: str | None = None) -> Refusal:
    """Signed in, but not allowed to do this (``key``: a more precise reason)."""
    return Refusal(key, 403, field=field, slug="forbidden")


def not_found() -> Refusal:
    """Unknown, or another unit's: both look the same, so scoping reveals nothing."""
    return Refusal("problem.not_found.title", 404, slug="not-found")


# What "not now" looks like from the code: the broker or the database away or too slow. A request that meets one
# is refused with 503 and Retry-After (``unavailable``), never a 500: nothing was accepted, and retrying is safe.
UNAVAILABLE: tuple[type[Exception], ...] = (
    TimeoutError,
    ConnectionError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.OperatorInterventionError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,  # a pooled connection cut in the middle of an operation ("cannot switch to state")
    KafkaError,
)


def unavailable(retry_after_s: int = 5) -> Refusal:
    """The broker or the database is away (``UNAVAILABLE``): 503, try again after ``retry_after_s``."""
    return Refusal("problem.unavailable.title", 503, slug="service-unavailable",
                   headers={"Retry-After": str(retry_after_s)})  # fmt: skip


def cross_site() -> Refusal:
    """A state-changing request with a session cookie that does not come from our own pages (CSRF)."""
    return Refusal("problem.cross_site.title", 403, slug="cross-site")

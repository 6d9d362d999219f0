"""``notifier.yaml``: the receivers (channels) and the routing tree, validated with errors by file and line.

::

    accessibility_officer: barrierefreiheit     # receiver of every barrier report (in addition to the unit's)
    receivers:
      - name: pr-team
        channel: {type: email, to: [presse@musterstadt.de]}
      - name: abfall-webhook
        include_text: true                      # the citizen's comment in the message (default: facts and link)
        channel: {type: webhook, url: "https://…", secret_env: ABFALL_WEBHOOK_SECRET}
    route:
      receiver: pr-team
      group_by: [type, unit]
      routes:
        - {name: abfall, matchers: ["unit = abfallwirtschaft"], receiver: abfall-webhook}
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from services.notifier.channels import Channel
from services.notifier.routing import Delivery, Policy, Route, route
from shared.yamlconfig import load_document

_NAME = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"


class ReceiverSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(pattern=_NAME)]
    include_text: bool = Field(False, description="Send citizens' comments along (default: facts and a link).")
    max_per_hour: int = Field(60, ge=1, le=10_000, description="Messages per hour at most; more wait, none is lost.")
    channel: Annotated[Channel, Field(discriminator="type")]


class NotifierConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    accessibility_officer: str
    receivers: tuple[ReceiverSpec, ...] = Field(min_length=1)
    route: Route

    @field_validator("accessibility_officer")
    @classmethod
    def _officer(cls, value: str, info: ValidationInfo) -> str:
        known = (info.context or {}).get("receivers")
        if known is not None and value not in known:
            raise ValueError(f"unknown receiver {value!r}; receivers are {', '.join(sorted(known))}")
        return value

    @model_validator(mode="after")
    def _unique(self) -> Self:
        names = [r.name for r in self.receivers]
        doubles = sorted({n for n in names if names.count(n) > 1})
        if doubles:
            raise ValueError(f"receiver names must be unique: {', '.join(doubles)}")
        if self.route.receiver is None:
            raise ValueError("route: the root route needs a receiver")
        if self.route.matchers:
            raise ValueError("route: the root route takes everything (no matchers)")
        return self

    def receiver(self, name: str) -> ReceiverSpec | None:
        return next((r for r in self.receivers if r.name == name), None)

    def deliveries(self, labels: dict[str, str]) -> list[Delivery]:
        """Where a notification goes: by the routing tree, and every barrier report also to the accessibility
        officer (first), whatever the tree says; one delivery per receiver."""
        found = route(self.route, labels)
        if labels.get("type") != "accessibility.barrier" or self.route.receiver is None:
            return found
        policy = (
            Policy(receiver=self.route.receiver).under(self.route).under(Route(receiver=self.accessibility_officer))
        )
        why = ("type = accessibility.barrier: the accessibility officer hears of every barrier",)
        officer = Delivery(self.accessibility_officer, "accessibility_officer", policy, why)
        return [officer, *(d for d in found if d.receiver != self.accessibility_officer)]


class _Names(BaseModel):
    model_config = ConfigDict(extra="ignore")
    receivers: list[dict[str, Any]] = []


def load_config(text: str, source: str = "notifier.yaml") -> NotifierConfig:
    """Validate a notifier configuration; raises ``shared.yamlconfig.ConfigErrors`` (every problem, by line)."""
    names = {str(r.get("name")) for r in load_document(text, _Names, source).receivers if isinstance(r, dict)}
    return load_document(text, NotifierConfig, source, context={"receivers": names})


def load_config_file(path: Path) -> NotifierConfig:
    return load_config(path.read_text(encoding="utf-8"), str(path))


def env_names(config: NotifierConfig) -> list[str]:
    """Environment variables the receivers need (secrets are never in the file)."""
    found = []
    for r in config.receivers:
        for key in ("secret_env", "token_env"):
            value = getattr(r.channel, key, None)
            if value and re.fullmatch(r"[A-Z_][A-Z0-9_]*", value):
                found.append(value)
    return found

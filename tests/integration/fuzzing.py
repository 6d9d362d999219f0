"""Schemathesis run as one caller (anonymous, a console session, a bearer token) over every operation of an OpenAPI
document, collecting each distinct failure instead of stopping at the first; used by ``test_api_fuzz.py``.

Each operation gets what Schemathesis's pytest integration gives it (the schema's examples, the coverage phase's
boundary and negative cases, then ``max_examples`` Hypothesis cases in positive and negative mode), from the test
builder behind that integration (``create_test``: not public API, hence the exact pin in constraints.txt), with a
seed derived from ``seed`` and the operation and Hypothesis derandomized: the same requests in the same order on
every run. Failures are not raised into Hypothesis, so nothing is shrunk (a live system changes between attempts)
and every case runs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import schemathesis
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.generation import derive_operation_seed
from schemathesis.generation.hypothesis.builder import HypothesisTestConfig, HypothesisTestMode, create_test

CHECKS = (
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
)
MODES = [HypothesisTestMode.EXAMPLES, HypothesisTestMode.COVERAGE, HypothesisTestMode.FUZZING]
REQUEST_TIMEOUT_S = 30
BODY_CHARS = 240


@dataclass(frozen=True)
class Identity:
    """Who calls: extra headers (a bearer token; a browser's Origin with a session) and cookies (the session)."""

    name: str
    headers: Mapping[str, str] = field(default_factory=dict)
    cookies: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Finding:
    """One kind of failure: an operation, a check's verdict and a status, with the first request that showed it."""

    operation: str
    check: str
    status: int | None
    message: str
    request: str
    response: str
    identities: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return (
            f"{self.operation} | {self.check} | status {self.status} | as {', '.join(self.identities)}\n"
            f"    {self.message or '-'}\n    request:  {self.request}\n    response: {self.response}"
        )


@dataclass
class Tally:
    """What one identity's run exercised."""

    cases: Counter[str] = field(default_factory=Counter)  # responses per operation
    ok_cases: Counter[str] = field(default_factory=Counter)  # 2xx responses per operation
    statuses: Counter[int] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)  # operations Schemathesis could not generate for


def config(seed: int, max_examples: int) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "seed": seed,
            "suppress-health-check": ["all"],
            "generation": {"mode": "all", "max-examples": max_examples, "deterministic": True, "database": "none"},
        }
    )


def _one_line(text: str, limit: int = BODY_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fuzz(
    openapi: dict[str, Any],
    base_url: str,
    identity: Identity,
    findings: dict[tuple[str, str, int | None], Finding],
    *,
    seed: int,
    max_examples: int,
) -> Tally:
    """Every operation of ``openapi`` as ``identity``; adds to ``findings`` (keyed by operation, check, status)."""
    # A fresh schema per identity: the coverage phase remembers what it generated for a schema.
    schema = schemathesis.openapi.from_dict(openapi, config=config(seed, max_examples))
    schema.config.update(base_url=base_url)
    tally = Tally()
    with requests.Session() as session:
        for result in schema.get_all_operations():
            if not isinstance(result, Ok):
                tally.errors.append(f"an operation Schemathesis cannot read: {_one_line(str(result.err()))}")
                continue
            operation = result.ok()
            exercise = _exercise(operation.label, identity, session, tally, findings)
            test = create_test(
                operation=operation,
                test_func=exercise,
                config=HypothesisTestConfig(
                    project=schema.config,
                    modes=MODES,
                    # The same cases locally and in CI (Hypothesis loads its own "ci" profile where CI is set).
                    settings=schema.config.get_hypothesis_settings(
                        operation=operation, phase="fuzzing", apply_ci_profile=False
                    ),
                    apply_ci_profile=False,
                    seed=derive_operation_seed(seed, operation.label),
                ),
            )
            try:
                test()
            except Exception as exc:  # Hypothesis or Schemathesis could not generate for this operation
                failed = f"{operation.label} as {identity.name}: {type(exc).__name__}: {_one_line(str(exc))}"
                tally.errors.append(failed)
    return tally


def _exercise(
    label: str,
    identity: Identity,
    session: requests.Session,
    tally: Tally,
    findings: dict[tuple[str, str, int | None], Finding],
) -> Callable[[schemathesis.Case], None]:
    headers = dict(identity.headers)

    def exercise(case: schemathesis.Case) -> None:
        session.cookies.clear()  # only the identity's own cookies, never one a response set
        try:
            response = case.call(session=session, headers=headers, cookies=dict(identity.cookies),
                                 timeout=REQUEST_TIMEOUT_S)  # fmt: skip
        except requests.RequestException as exc:
            curl = case.as_curl_command(headers=headers)
            _add(findings, label, "No response", None, _one_line(str(exc)), curl, "", identity.name)
            return
        tally.cases[label] += 1
        tally.statuses[response.status_code] += 1
        if 200 <= response.status_code < 300:
            tally.ok_cases[label] += 1
        try:
            case.validate_response(response, checks=list(CHECKS), headers=headers)
        except FailureGroup as group:
            body = _one_line(response.content.decode("utf-8", "replace"))
            curl = case.as_curl_command(headers=headers)
            for failure in group.exceptions:
                message = _one_line(failure.message or "", 400)
                _add(findings, label, failure.title, response.status_code, message, curl, body, identity.name)

    return exercise


def _add(
    findings: dict[tuple[str, str, int | None], Finding],
    label: str,
    check: str,
    status: int | None,
    message: str,
    request: str,
    response: str,
    identity: str,
) -> None:
    finding = findings.setdefault(
        (label, check, status), Finding(label, check, status, message, request, f"{status} {response}")
    )
    if identity not in finding.identities:
        finding.identities.append(identity)


_EXCEPTION = re.compile(r"^[A-Za-z_][\w.]*(?:Error|Exception|Group)\b.*")
_FRAME = re.compile(r'File "(?P<path>[^"]+)", line (?P<line>\d+), in (?P<function>\S+)')


def _ours(path: str, repo: Path) -> bool:
    return path.startswith(str(repo)) and "site-packages" not in path


def server_exceptions(log: Path, repo: Path) -> list[str]:
    """Distinct unhandled exceptions in a web server log, each with the project frame that raised it."""
    if not log.exists():
        return []
    text = log.read_text(encoding="utf-8", errors="replace")
    seen: Counter[str] = Counter()
    for block in text.split("Exception in ASGI application")[1:]:
        lines = block.splitlines()
        frames = [m for m in map(_FRAME.search, lines) if m and _ours(m["path"], repo)]
        exceptions = [line for line in lines if _EXCEPTION.match(line)]  # the last one is what the request met
        exception = exceptions[-1] if exceptions else "?"
        where = "?"
        if frames:
            where = f"{Path(frames[-1]['path']).relative_to(repo)}:{frames[-1]['line']} in {frames[-1]['function']}"
        seen[f"{where}: {_one_line(exception, 200)}"] += 1
    return [f"{n}× {what}" for what, n in seen.most_common()]


def report(findings: Sequence[Finding]) -> str:
    return "\n".join(f.describe() for f in sorted(findings, key=lambda f: (f.operation, f.check, f.status or 0)))

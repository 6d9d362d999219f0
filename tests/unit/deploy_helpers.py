"""What the deployment tests share: the code a deployment description is checked against.

``test_compose.py`` (docker-compose.yml) and ``test_kubernetes.py`` (deploy/kubernetes/) read their files
statically and check them against the same facts: the real ``stadtstimme`` command tree (a renamed command or
option breaks both), ``shared.settings.Settings`` (every ``STADTSTIMME_*`` variable must be a field), the one
Dockerfile (entrypoint, default environment) and the Caddyfile's routes.
"""

from __future__ import annotations

import ast
import fnmatch
import itertools
import json
import re
import shlex
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import typer
from pydantic import SecretStr

from shared.settings import Settings
from stadtstimme.cli import app as cli_app

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "Dockerfile"
CADDYFILE = REPO / "deploy" / "caddy" / "Caddyfile"
EMBEDDED = REPO / "stadtstimme" / "embedded.py"
# Processes `stadtstimme run` starts that a deployment does not: the development mail catcher (a deployment has the
# city's mail relay instead).
DEVELOPMENT_ONLY = {"mailcatcher"}
PREFIX = "STADTSTIMME_"
SETTINGS_VARS = {PREFIX + name.upper(): name for name in Settings.model_fields}
# Settings that are secrets by their type; the database URL holds the database password.
SECRET_VARS = {
    PREFIX + name.upper() for name, info in Settings.model_fields.items() if info.annotation is SecretStr
} | {f"{PREFIX}DATABASE_URL"}
# Public paths and the HTTP service (as in `stadtstimme serve --services`) that must answer them.
PUBLIC_ROUTES = {
    "/api/v1/feedback": "ingest",
    "/api/v1/metrics/pages": "analytics",
    "/api/v1/metrics/org-units": "analytics",
    "/readyz/ingest": "ingest",
    "/readyz/analytics": "analytics",
    "/readyz/hackathon": "hackathon",
    "/api/v1/surveys": "ingest",
    "/api/v1/survey-responses": "ingest",
    "/console/inbox": "analytics",
    "/api/v1/staff/notifications": "analytics",
    "/hackathons/musterstadt-2026": "hackathon",
    "/api/v1/hackathons/musterstadt-2026/participants": "hackathon",
    "/console/hackathons": "hackathon",
    "/feedback/loeschen": "ingest",
    "/api/v1/feedback/erasure": "ingest",
    "/api/v1/staff/surveys/x/results": "analytics",
}


# ---------------------------------------------------------------- the image


@dataclass
class Dockerfile:
    path: Path
    instructions: list[tuple[str, str]]
    env: dict[str, str] = field(default_factory=dict)

    def all(self, keyword: str) -> list[str]:
        return [arg for kw, arg in self.instructions if kw == keyword]

    def exec_form(self, keyword: str) -> list[str]:
        found = self.all(keyword)
        if not found:
            return []
        try:
            parsed = json.loads(found[-1])
        except json.JSONDecodeError:
            pytest.fail(f"{self.path.name}: {keyword} must use the exec (JSON) form, got {found[-1]!r}")
        return [str(v) for v in parsed]


@cache
def dockerfile(path: Path = DOCKERFILE) -> Dockerfile:
    assert path.is_file(), f"Dockerfile {path} does not exist"
    logical: list[str] = []
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    instructions = [(ln.split(None, 1)[0].upper(), ln.split(None, 1)[1] if " " in ln else "") for ln in logical]
    result = Dockerfile(path, instructions)
    for arg in result.all("ENV"):
        words = shlex.split(arg)
        if words and "=" not in words[0]:  # legacy form: ENV KEY value
            result.env[words[0]] = " ".join(words[1:])
        else:
            result.env.update(w.split("=", 1) for w in words)
    return result


def image_http_port(env: dict[str, Any]) -> int:
    """The port ``stadtstimme serve`` binds with ``env`` on top of the image's environment."""
    image_env = dockerfile().env
    value = env.get(
        f"{PREFIX}HTTP_PORT", image_env.get(f"{PREFIX}HTTP_PORT", Settings.model_fields["http_port"].default)
    )
    return int(value)


# ---------------------------------------------------------------- the command line


class CommandError(Exception):
    pass


@cache
def cli() -> Any:
    """The real command tree (Typer ships its own Click, so it is walked by duck typing)."""
    command = typer.main.get_command(cli_app)
    assert hasattr(command, "list_commands"), "stadtstimme.cli.app must be a command group"
    return command


def parse_cli(args: list[str]) -> tuple[list[str], dict[str, Any]]:
    """Resolve ``args`` against the real CLI: the command path and the parsed parameters of its leaf."""
    group = cli()
    ctx = group.context_class(group, info_name="stadtstimme")
    path: list[str] = []
    rest = list(args)
    while True:
        where = " ".join(["stadtstimme", *path])
        if not rest or rest[0].startswith("-"):
            raise CommandError(f"`{where}` needs a subcommand, got {rest}")
        name, rest = rest[0], rest[1:]
        command = group.get_command(ctx, name)
        if command is None:
            known = ", ".join(group.list_commands(ctx))
            raise CommandError(f"no command `{name}` in `{where}` (known: {known})")
        path.append(name)
        if hasattr(command, "list_commands"):
            group, ctx = command, command.context_class(command, info_name=name, parent=ctx)
            continue
        try:
            leaf = command.make_context(name, rest, parent=ctx)
        except Exception as exc:  # Click's UsageError, BadParameter, NoSuchOption, Exit (--help)
            message = exc.format_message() if hasattr(exc, "format_message") else repr(exc)
            raise CommandError(f"`{where} {name}`: {message}") from exc
        return path, dict(leaf.params)


@dataclass
class ServiceRun:
    command: list[str]
    params: dict[str, Any]

    @property
    def http_services(self) -> set[str]:
        if self.command != ["serve"]:
            return set()
        return {s.strip() for s in str(self.params["services"]).split(",") if s.strip()}

    @property
    def name(self) -> str:
        """What runs, in words: ``serve ingest``, ``worker projector``, ``notifier run``, ``topics create``."""
        if self.command == ["serve"]:
            return "serve " + ",".join(sorted(self.http_services))
        if self.command == ["worker"]:
            return f"worker {self.params['name']}"
        return " ".join(self.command)


def resolve(full: list[str], where: str) -> ServiceRun:
    """``full`` (entrypoint and command together) as a run of the real CLI; fails the test with ``where`` if not."""
    assert full and Path(full[0]).name == "stadtstimme", f"{where} must run the `stadtstimme` CLI, runs {full}"
    try:
        path, params = parse_cli(full[1:])
    except CommandError as exc:
        pytest.fail(f"{where}: `{shlex.join(full)}` is not a valid stadtstimme command: {exc}")
    return ServiceRun(path, params)


def embedded_processes() -> set[str]:
    """What ``stadtstimme run`` (``make run``) starts, as ``ServiceRun.name``: every process the system consists of.

    Read from ``stadtstimme/embedded.py``'s ``spawn(...)`` calls, so a process added there must be deployed too.
    Arguments that are not literals (paths, ports) end the command where they start; option values are dropped.
    """
    found: set[str] = set()
    for node in ast.walk(ast.parse(EMBEDDED.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "spawn"):
            continue
        words: list[str] = []
        for arg in node.args:
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                break
            words.append(arg.value)
        if "--services" in words:  # serve --services a,b,c: the one option that says what runs
            path = ["serve", "--services", words[words.index("--services") + 1]]
        else:
            path = list(itertools.takewhile(lambda w: not w.startswith("-"), words))
        run = resolve(["stadtstimme", *path], f"stadtstimme/embedded.py spawn{tuple(words)}")
        found.add(run.name)
    assert found, "found no spawn(...) calls in stadtstimme/embedded.py"
    return found


def deployed_processes() -> set[str]:
    """The processes a deployment must run: everything ``make run`` starts but the development tools, each HTTP
    service on its own (``serve ingest``, ...)."""
    needed: set[str] = set()
    for name in embedded_processes():
        if name.startswith("serve "):
            needed |= {f"serve {s}" for s in name.removeprefix("serve ").split(",")}
        elif name.split()[0] not in DEVELOPMENT_ONLY:
            needed.add(name)
    return needed


# ---------------------------------------------------------------- the Caddyfile


@dataclass
class Handle:
    matcher: str | None  # a path pattern; None for the catch-all `handle`
    upstreams: list[str]
    max_body: str | None = None  # `request_body { max_size … }`
    rewrite: str | None = None  # `rewrite * /path`


@dataclass
class Caddyfile:
    path: Path
    text: str
    handles: list[Handle]
    upstreams: list[str]

    def route(self, path: str) -> Handle | None:
        """The `handle` block Caddy picks for ``path``: the most specific matching path, or the catch-all."""
        matching = [h for h in self.handles if h.matcher and fnmatch.fnmatchcase(path, h.matcher)]
        if matching:
            return max(matching, key=lambda h: len(h.matcher or ""))
        return next((h for h in self.handles if h.matcher is None), None)


def parse_caddyfile(path: Path = CADDYFILE) -> Caddyfile:
    text = path.read_text(encoding="utf-8")
    stack: list[Handle | None] = []
    handles: list[Handle] = []
    upstreams: list[str] = []
    for raw in text.splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not line:
            continue
        if line == "}":
            assert stack, f"{path}: unbalanced `}}`"
            stack.pop()
            continue
        words = line.removesuffix("{").split()
        if not words:  # the global options block
            stack.append(None)
            continue
        block = next((h for h in reversed(stack) if h is not None), None)
        if words[0] == "max_size" and block is not None:
            block.max_body = words[1]
        if words[0] == "rewrite" and block is not None:
            block.rewrite = words[-1]
        if words[0] == "reverse_proxy":
            targets = [w for w in words[1:] if not w.startswith("/") and w != "*"]
            upstreams += targets
            if block is not None:
                block.upstreams += targets
        if line.endswith("{"):
            if words[0] == "handle":
                handle = Handle(words[1] if len(words) > 1 else None, [])
                handles.append(handle)
                stack.append(handle)
            else:
                stack.append(None)
    assert not stack, f"{path}: unclosed `{{`"
    return Caddyfile(path, text, handles, upstreams)

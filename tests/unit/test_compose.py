"""Keeps the deployment description honest: docker-compose.yml, Dockerfile and deploy/caddy/Caddyfile.

Nothing here needs Docker. The files are read statically and checked against the code they describe: the
``stadtstimme`` CLI (a renamed command or option breaks the test), ``shared.settings.Settings`` (every
``STADTSTIMME_*`` variable must be a field and its value must validate), the HTTP services ``serve`` can
mount, and the files and services the compose file refers to.
"""

from __future__ import annotations

import ipaddress
import re
import shlex
import tomllib
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from shared.settings import Settings
from stadtstimme.app import HTTP_SERVICES
from tests.unit.deploy_helpers import (
    PREFIX,
    PUBLIC_ROUTES,
    REPO,
    SETTINGS_VARS,
    Caddyfile,
    ServiceRun,
    deployed_processes,
    dockerfile,
    image_http_port,
    parse_caddyfile,
    resolve,
)

COMPOSE_FILE = REPO / "docker-compose.yml"
ENV_EXAMPLE = REPO / "deploy" / "env.example"
KRAFT_REQUIRED = (
    "CLUSTER_ID",
    "KAFKA_NODE_ID",
    "KAFKA_CONTROLLER_QUORUM_VOTERS",
    "KAFKA_CONTROLLER_LISTENER_NAMES",
    "KAFKA_LISTENERS",
    "KAFKA_ADVERTISED_LISTENERS",
    "KAFKA_LOG_DIRS",
)
DEPENDS_CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}
# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error} and $NAME; $$ is a literal $.
INTERPOLATION = re.compile(
    r"\$(?:\{(?P<braced>[A-Za-z_]\w*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}|(?P<bare>[A-Za-z_]\w*))"
)


# ---------------------------------------------------------------- loading


@cache
def compose() -> dict[str, Any]:
    assert COMPOSE_FILE.is_file(), f"{COMPOSE_FILE.name} is missing"
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{COMPOSE_FILE.name} must be a mapping, got {type(data).__name__}"
    assert isinstance(data.get("services"), dict) and data["services"], (
        f"{COMPOSE_FILE.name} must have a non-empty `services` mapping"
    )
    return data


def services() -> dict[str, dict[str, Any]]:
    return compose()["services"]


def built_services() -> dict[str, dict[str, Any]]:
    """Services whose image is built from this repository."""
    return {name: svc for name, svc in services().items() if "build" in svc}


def build_paths(svc: dict[str, Any]) -> tuple[Path, Path]:
    """The build context and the Dockerfile of a service built from this repository."""
    build = svc["build"]
    spec = {"context": build} if isinstance(build, str) else build
    ctx = (REPO / spec.get("context", ".")).resolve()
    return ctx, (ctx / spec.get("dockerfile", "Dockerfile")).resolve()


def environment(svc: dict[str, Any]) -> dict[str, str]:
    env = svc.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): v for k, v in env.items()}


def interpolate(value: Any, placeholder: str = "placeholder") -> Any:
    """The value compose uses with no variable set: defaults win, required ones become ``placeholder``."""
    if not isinstance(value, str):
        return value

    def sub(m: re.Match[str]) -> str:
        op, arg = m.group("op"), m.group("arg")
        if op in (":-", "-"):
            return interpolate(arg, placeholder)
        if op in (":?", "?"):
            return placeholder
        return ""

    parts = value.split("$$")
    return "$".join(INTERPOLATION.sub(sub, part) for part in parts)


def variables(value: Any) -> Iterator[tuple[str, str | None]]:
    """Every (variable, operator) interpolated anywhere inside a compose value."""
    if isinstance(value, dict):
        for v in value.values():
            yield from variables(v)
    elif isinstance(value, list):
        for v in value:
            yield from variables(v)
    elif isinstance(value, str):
        for part in value.split("$$"):
            for m in INTERPOLATION.finditer(part):
                yield (m.group("braced") or m.group("bare")), m.group("op")
                if m.group("arg"):
                    yield from variables(m.group("arg"))


def argv(value: Any) -> list[str]:
    if value is None:
        return []
    return shlex.split(value) if isinstance(value, str) else [str(v) for v in value]


def run_of(name: str) -> ServiceRun:
    svc = built_services()[name]
    image = dockerfile(build_paths(svc)[1])
    entrypoint = argv(svc["entrypoint"]) if "entrypoint" in svc else image.exec_form("ENTRYPOINT")
    command = argv(svc["command"]) if "command" in svc else image.exec_form("CMD")
    assert "command" in svc, f"service {name!r} has no `command`: say which stadtstimme command it runs"
    return resolve([*entrypoint, *command], f"service {name!r}")


def http_port(name: str) -> int:
    env = {k: interpolate(v) for k, v in environment(built_services()[name]).items()}
    return image_http_port(env)


def bind_mounts(svc: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(source, target) of every bind mount; named volumes are skipped."""
    for volume in svc.get("volumes") or []:
        if isinstance(volume, dict):
            if volume.get("type") == "bind":
                yield str(volume["source"]), str(volume["target"])
            continue
        source, _, rest = str(volume).partition(":")
        if source.startswith((".", "/", "~")):
            yield source, rest.split(":", 1)[0]


def named_volumes(svc: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for volume in svc.get("volumes") or []:
        if isinstance(volume, dict):
            if volume.get("type", "volume") == "volume" and volume.get("source"):
                yield str(volume["source"]), str(volume["target"])
            continue
        source, _, rest = str(volume).partition(":")
        if rest and not source.startswith((".", "/", "~")):
            yield source, rest.split(":", 1)[0]


def depends_on(svc: dict[str, Any]) -> dict[str, str]:
    deps = svc.get("depends_on") or {}
    if isinstance(deps, list):
        return dict.fromkeys(deps, "service_started")
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


# ---------------------------------------------------------------- Caddyfile


def proxy() -> tuple[str, Caddyfile]:
    found = [
        (n, s) for n, s in services().items() if str(s.get("image", "")).split(":")[0] in ("caddy", "library/caddy")
    ]
    assert len(found) == 1, f"expected exactly one Caddy reverse proxy service, found {[n for n, _ in found]}"
    name, svc = found[0]
    sources = [src for src, target in bind_mounts(svc) if target == "/etc/caddy/Caddyfile"]
    assert sources, f"service {name!r} must bind-mount its Caddyfile to /etc/caddy/Caddyfile"
    caddyfile = (REPO / sources[0]).resolve()
    assert caddyfile.is_file(), f"service {name!r} mounts {sources[0]}, which does not exist"
    return name, parse_caddyfile(caddyfile)


# ---------------------------------------------------------------- tests: structure and files


def test_compose_is_a_mapping_with_services() -> None:
    compose()


def test_build_context_and_dockerfile_exist() -> None:
    assert built_services(), "no service is built from this repository"
    for name, svc in built_services().items():
        ctx, file = build_paths(svc)
        assert ctx.is_dir(), f"service {name!r}: build context {ctx} does not exist"
        assert file.is_file(), f"service {name!r}: Dockerfile {file} does not exist"
        assert ctx == REPO, f"service {name!r}: build context must be the repository root, is {ctx}"


def test_dockerfile_builds_the_package_as_non_root() -> None:
    files = {build_paths(svc)[1] for svc in built_services().values()}
    assert len(files) == 1, f"all Python services must share one Dockerfile, found {sorted(map(str, files))}"
    image = dockerfile(files.pop())
    assert image.all("FROM")[-1].split()[0] == "python:3.11-slim", (
        f"the final stage must be python:3.11-slim: {image.all('FROM')}"
    )
    users = image.all("USER")
    assert users and users[-1].split(":")[0] not in ("root", "0"), f"the image must run as a non-root user: {users}"
    assert any("pip install -c constraints.txt ." in run for run in image.all("RUN")), (
        "the Dockerfile must install with `pip install -c constraints.txt .` (exact versions, transitive too)"
    )
    assert image.exec_form("ENTRYPOINT") == ["stadtstimme"], "the entrypoint must be the `stadtstimme` console script"


def test_dockerfile_copies_everything_the_package_needs() -> None:
    image = dockerfile(REPO / "Dockerfile")
    sources: set[str] = set()
    for arg in image.all("COPY"):
        if "--from=" in arg:
            continue  # from an earlier build stage, not from the repository
        words = [w for w in shlex.split(arg) if not w.startswith("--")]
        for source in words[:-1]:
            sources.add(source.rstrip("/"))
            assert (REPO / source).exists(), f"Dockerfile copies {source!r}, which does not exist in the repository"
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    needed = {"pyproject.toml", "constraints.txt"}
    readme = project["project"].get("readme")
    if isinstance(readme, str):
        needed.add(readme)
    needed |= {p.rstrip("*") for p in project["tool"]["setuptools"]["packages"]["find"]["include"]}
    missing = needed - sources
    assert not missing, f"Dockerfile does not copy {sorted(missing)}, which `pip install .` needs"


def test_the_image_serves_the_widget_built_in_its_own_stage() -> None:
    image = dockerfile(REPO / "Dockerfile")
    assert any(arg.startswith("node:") and arg.endswith(" AS widget") for arg in image.all("FROM"))
    assert "npm ci --ignore-scripts --no-audit --no-fund" in image.all("RUN")
    copied = [arg.split() for arg in image.all("COPY") if arg.startswith("--from=widget ")]
    assert copied and copied[0][-1].startswith(image.env["STADTSTIMME_WIDGET_DIST"]), (
        "the built widget must be copied where STADTSTIMME_WIDGET_DIST points"
    )


def test_referenced_files_exist() -> None:
    for name, svc in services().items():
        for source, target in bind_mounts(svc):
            path = Path(source).expanduser() if source.startswith("~") else REPO / source
            assert path.exists(), f"service {name!r} bind-mounts {source} (to {target}), which does not exist"
        env_files = svc.get("env_file") or []
        for entry in [env_files] if isinstance(env_files, str | dict) else env_files:
            file = entry["path"] if isinstance(entry, dict) else entry
            required = entry.get("required", True) if isinstance(entry, dict) else True
            assert not required or (REPO / file).is_file(), f"service {name!r}: env_file {file} does not exist"


def test_named_volumes_are_declared() -> None:
    declared = set(compose().get("volumes") or {})
    for name, svc in services().items():
        for volume, target in named_volumes(svc):
            assert volume in declared, (
                f"service {name!r} mounts volume {volume!r} at {target}, not declared in `volumes`"
            )


def test_depends_on_targets_exist_with_valid_conditions() -> None:
    for name, svc in services().items():
        for target, condition in depends_on(svc).items():
            assert target in services(), f"service {name!r} depends on {target!r}, which is not a service"
            assert condition in DEPENDS_CONDITIONS, f"service {name!r}: unknown condition {condition!r} for {target!r}"
            if condition == "service_healthy":
                assert "healthcheck" in services()[target], (
                    f"service {name!r} waits for {target!r} to be healthy, but {target!r} has no healthcheck"
                )
            if services()[target].get("profiles") and not svc.get("profiles"):
                pytest.fail(f"service {name!r} (always started) depends on {target!r}, which only runs in a profile")


# ---------------------------------------------------------------- tests: the services


def test_every_built_service_runs_a_real_cli_command() -> None:
    runs = {name: run_of(name) for name in built_services()}
    commands = {" ".join(run.command) for run in runs.values()}
    for expected in ("migrate", "topics create", "serve", "worker"):
        assert expected in commands, f"no service runs `stadtstimme {expected}` (services run: {sorted(commands)})"
    for name, run in runs.items():
        unknown = run.http_services - set(HTTP_SERVICES)
        assert not unknown, f"service {name!r} serves unknown HTTP services {sorted(unknown)} (known: {HTTP_SERVICES})"
    workers = {run.params.get("name") for run in runs.values() if run.command == ["worker"]}
    assert "projector" in workers, f"no service runs `stadtstimme worker projector` (workers: {sorted(workers)})"
    served = set().union(*(run.http_services for run in runs.values()))
    assert served == set(HTTP_SERVICES), f"HTTP services {sorted(set(HTTP_SERVICES) - served)} are not deployed"
    running = {run.name for run in runs.values() if not run.http_services} | {f"serve {s}" for s in served}
    missing = sorted(deployed_processes() - running)
    assert not missing, f"`stadtstimme run` starts {missing}, which no compose service runs"


def test_stadtstimme_variables_are_settings_fields() -> None:
    used = {var for var, _ in variables(compose()) if var.startswith(PREFIX)}
    for svc in services().values():
        used |= {key for key in environment(svc) if key.startswith(PREFIX)}
    used |= {key for key in dockerfile(REPO / "Dockerfile").env if key.startswith(PREFIX)}
    unknown = sorted(used - set(SETTINGS_VARS))
    assert not unknown, f"{unknown} are not fields of shared.settings.Settings (known: {sorted(SETTINGS_VARS)})"


def test_built_services_are_configured_only_through_valid_settings() -> None:
    image_env = dockerfile(REPO / "Dockerfile").env
    for name, svc in built_services().items():
        env = environment(svc)
        foreign = sorted(key for key in env if not key.startswith(PREFIX))
        assert not foreign, f"service {name!r} sets {foreign}: configure Stadtstimme only via STADTSTIMME_* variables"
        values = {SETTINGS_VARS[k]: interpolate(v) for k, v in {**image_env, **env}.items() if k in SETTINGS_VARS}
        for key, value in values.items():
            assert isinstance(value, str | int | float) and not isinstance(value, bool), (
                f"service {name!r}: {PREFIX}{key.upper()} is {value!r} ({type(value).__name__}): quote it"
            )
        try:
            Settings(**values)
        except ValueError as exc:
            pytest.fail(f"service {name!r}: its STADTSTIMME_* values are not valid settings:\n{exc}")


def test_settings_point_at_services_that_exist() -> None:
    for name, svc in built_services().items():
        env = {k: interpolate(v) for k, v in environment(svc).items()}
        for server in env.get(f"{PREFIX}KAFKA_BOOTSTRAP_SERVERS", "").split(","):
            host = server.strip().rpartition(":")[0]
            if host:
                assert host in services(), f"service {name!r}: Kafka bootstrap host {host!r} is not a service"
        url = env.get(f"{PREFIX}DATABASE_URL")
        if url:
            host = urlsplit(url).hostname
            assert host in services(), f"service {name!r}: database host {host!r} is not a service"


def test_secrets_are_never_hard_coded() -> None:
    for name, svc in services().items():
        for key, value in environment(svc).items():
            if re.search(r"TOKEN|PASSWORD|SECRET", key):
                # Required (${VAR:?why}), or optional with nothing as its default (${VAR:-}: e.g. a mail relay
                # that needs no login); never a value written here.
                assert isinstance(value, str) and re.fullmatch(r"\$\{\w+(:?\?[^}]*|:-)\}", value), (
                    f"service {name!r}: {key} must come from the environment as ${{VAR:?why}} or ${{VAR:-}}, "
                    f"not {value!r}"
                )
        url = interpolate(environment(svc).get(f"{PREFIX}DATABASE_URL", ""), placeholder="FROM-ENV")
        password = urlsplit(url).password
        assert password in (None, "FROM-ENV"), f"service {name!r}: the database password in the URL is hard-coded"


def test_analytics_gets_the_metrics_token() -> None:
    for name in built_services():
        if "analytics" in run_of(name).http_services:
            assert f"{PREFIX}METRICS_TOKEN" in environment(services()[name]), (
                f"service {name!r} serves analytics without {PREFIX}METRICS_TOKEN: its API would refuse all"
            )


def test_the_notifier_runs_with_a_valid_routing_file() -> None:
    from services.notifier.config import env_names, load_config_file

    notifiers = [name for name in built_services() if run_of(name).name == "notifier run"]
    assert len(notifiers) == 1, f"expected one service running `stadtstimme notifier run`, found {notifiers}"
    name = notifiers[0]
    config = run_of(name).params.get("config")
    assert config, f"service {name!r}: pass the routing as `notifier run --config FILE`"
    sources = [src for src, target in bind_mounts(services()[name]) if target == str(config)]
    assert sources, f"service {name!r}: --config {config} is not a file mounted into the container"
    routing = load_config_file(REPO / sources[0])  # raises with file, line and column
    env = environment(services()[name])
    missing = sorted(set(env_names(routing)) - set(env))
    assert not missing, f"service {name!r}: receivers in {sources[0]} need {missing}, which it does not set"


def test_the_scaling_the_comments_show_works() -> None:
    """`docker compose up --scale NAME=N`, as the file's comments show it, names stream workers (consumer groups
    share their partitions), which a second instance can join: no fixed container name, no host port."""
    scaled = re.findall(r"--scale\s+([\w-]+)=(\d+)", COMPOSE_FILE.read_text(encoding="utf-8"))
    assert any(name == "projector" for name, _ in scaled), "show how to scale the projector (--scale projector=N)"
    for name, count in scaled:
        assert name in built_services(), f"--scale {name}={count}: no such service"
        run = run_of(name)
        assert run.command == ["worker"] or run.name == "notifier run", f"--scale {name}: {run.name} is no worker"
        svc = services()[name]
        assert "container_name" not in svc and not svc.get("ports"), f"service {name!r} cannot run twice"


def test_everything_that_sends_mail_has_the_mail_relay() -> None:
    """The notifier's e-mail receivers and the hackathon's registration links both go through the city's relay."""
    for name in built_services():
        run = run_of(name)
        if run.name == "notifier run" or "hackathon" in run.http_services:
            env = environment(services()[name])
            assert env.get(f"{PREFIX}SMTP_HOST"), f"service {name!r} sends e-mail but has no {PREFIX}SMTP_HOST"
            password = env.get(f"{PREFIX}SMTP_PASSWORD")
            assert password is not None, f"service {name!r}: pass {PREFIX}SMTP_PASSWORD (empty without a login)"


def test_http_services_have_a_healthcheck_on_their_port() -> None:
    for name in built_services():
        if run_of(name).http_services:
            check = services()[name].get("healthcheck")
            assert check, f"HTTP service {name!r} has no healthcheck"
            assert f":{http_port(name)}/" in " ".join(argv(check.get("test"))), (
                f"HTTP service {name!r}: healthcheck must probe port {http_port(name)}: {check.get('test')}"
            )


def test_environment_example_lists_every_variable() -> None:
    assert ENV_EXAMPLE.is_file(), f"{ENV_EXAMPLE.relative_to(REPO)} is missing"
    documented = set(re.findall(r"^#?\s*([A-Za-z_]\w*)=", ENV_EXAMPLE.read_text(encoding="utf-8"), re.MULTILINE))
    used = {var for var, _ in variables(compose())}
    missing = sorted(used - documented)
    assert not missing, f"{ENV_EXAMPLE.relative_to(REPO)} does not mention {missing}, which docker-compose.yml uses"


def test_kafka_is_official_image_in_kraft_mode() -> None:
    kafka = {n: s for n, s in services().items() if str(s.get("image", "")).startswith("apache/kafka:")}
    assert len(kafka) == 1, f"expected one service with the official apache/kafka image, found {sorted(kafka)}"
    name, svc = next(iter(kafka.items()))
    tag = svc["image"].split(":", 1)[1]
    assert tag and tag != "latest", f"pin the Kafka image version, got {svc['image']!r}"
    env = {k: str(v) for k, v in environment(svc).items()}
    roles = {r.strip() for r in env.get("KAFKA_PROCESS_ROLES", "").split(",")}
    assert roles == {"broker", "controller"}, f"{name}: KAFKA_PROCESS_ROLES must be broker,controller (KRaft combined)"
    for key in KRAFT_REQUIRED:
        assert env.get(key), f"{name}: {key} is required for KRaft mode"
    assert not any("ZOOKEEPER" in key for key in env), f"{name}: KRaft mode has no ZooKeeper"
    controller = env["KAFKA_CONTROLLER_LISTENER_NAMES"]
    assert f"{controller}://" in env["KAFKA_LISTENERS"], f"{name}: no {controller} listener in KAFKA_LISTENERS"
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"].startswith(f"{env['KAFKA_NODE_ID']}@"), (
        f"{name}: the node itself must be the quorum voter"
    )
    assert f"://{name}:" in env["KAFKA_ADVERTISED_LISTENERS"], (
        f"{name}: advertise the service name {name!r}, so other containers can reach the broker"
    )
    assert env["KAFKA_LOG_DIRS"] in {target for _, target in named_volumes(svc)}, (
        f"{name}: KAFKA_LOG_DIRS {env['KAFKA_LOG_DIRS']} must be on a volume"
    )
    assert "healthcheck" in svc, f"{name}: Kafka needs a healthcheck"


def test_postgres_has_volume_and_healthcheck() -> None:
    pg = {n: s for n, s in services().items() if str(s.get("image", "")).split(":")[0] == "postgres"}
    assert len(pg) == 1, f"expected one postgres service, found {sorted(pg)}"
    name, svc = next(iter(pg.items()))
    assert list(named_volumes(svc)), f"{name}: PostgreSQL data must be on a volume"
    assert "healthcheck" in svc, f"{name}: PostgreSQL needs a healthcheck"


# ---------------------------------------------------------------- tests: the reverse proxy


def test_caddyfile_names_the_http_services_of_compose() -> None:
    _, caddy = proxy()
    http = sorted(n for n in built_services() if run_of(n).http_services)
    for name in http:
        assert re.search(rf"\b{re.escape(name)}:\d+", caddy.text), f"{caddy.path.name} never mentions service {name!r}"


def test_proxy_upstreams_are_http_services_on_their_port() -> None:
    name, caddy = proxy()
    assert caddy.upstreams, f"{caddy.path.name} has no reverse_proxy"
    for upstream in caddy.upstreams:
        host, _, port = upstream.removeprefix("http://").rpartition(":")
        assert host in services(), f"{caddy.path.name}: upstream {upstream!r} is not a compose service"
        assert host in built_services() and run_of(host).http_services, (
            f"{caddy.path.name}: upstream {upstream!r} is not a service running `stadtstimme serve`"
        )
        assert int(port) == http_port(host), f"{caddy.path.name}: {host} listens on {http_port(host)}, not {port}"
        assert host in depends_on(services()[name]), f"proxy {name!r} should depend on its upstream {host!r}"


@pytest.mark.parametrize(("path", "http_service"), PUBLIC_ROUTES.items())
def test_proxy_routes_public_paths_to_the_right_service(path: str, http_service: str) -> None:
    _, caddy = proxy()
    handle = caddy.route(path)
    assert handle and handle.upstreams, f"{caddy.path.name} does not proxy {path} to any service"
    for upstream in handle.upstreams:
        host = upstream.removeprefix("http://").rpartition(":")[0]
        assert host in built_services() and http_service in run_of(host).http_services, (
            f"{caddy.path.name} sends {path} to {host!r}, which does not serve {http_service!r}"
        )


def test_proxy_environment_covers_caddyfile_placeholders() -> None:
    name, caddy = proxy()
    env = environment(services()[name])
    for var in re.findall(r"\{\$(\w+)\}", caddy.text):  # placeholders without a default
        assert var in env, f"{caddy.path.name} needs {var}, which service {name!r} does not set"


def test_services_trust_forwarded_headers_from_the_proxy_only() -> None:
    """Finding 5 of the penetration test: behind the proxy every citizen had the proxy's address (one rate-limit
    bucket for all) and the console refused every POST over https (the scheme the proxy forwarded was ignored).
    Each HTTP service trusts exactly the proxy's fixed address, which lies in the network's fixed subnet."""
    proxy_address = services()["proxy"]["networks"]["default"]["ipv4_address"]
    subnet = compose()["networks"]["default"]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address(proxy_address) in ipaddress.ip_network(subnet)
    for name in built_services():
        if run_of(name).http_services:
            trusted = environment(services()[name]).get(f"{PREFIX}FORWARDED_ALLOW_IPS")
            assert trusted == proxy_address, f"service {name!r} trusts forwarded headers from {trusted!r}"


def _bytes(size: str) -> int:
    number, unit = re.fullmatch(r"(\d+)(KB|MB)?", size).groups()  # type: ignore[union-attr]
    return int(number) * {"KB": 1024, "MB": 1024 * 1024, None: 1}[unit]


def test_the_proxy_limits_every_body_it_forwards_as_the_services_do() -> None:
    """Finding 4: request bodies were read whole before any size check, and the proxy set no limit for the console.
    Every route the proxy forwards sets a body limit no larger than the one the service applies
    (``shared.limits``), so an oversized body stops at the proxy; and the proxy limits header size."""
    from shared.limits import HEADER_LIMIT, body_limit

    _, caddy = proxy()
    for handle in caddy.handles:
        if not handle.upstreams or handle.matcher is None:
            continue
        path = handle.matcher.rstrip("*")
        assert handle.max_body is not None, f"{caddy.path}: `handle {handle.matcher}` sets no request_body max_size"
        assert _bytes(handle.max_body) <= body_limit(path.rstrip("/") or "/"), (
            f"`handle {handle.matcher}` allows {handle.max_body}, more than the service takes"
        )
    header = re.search(r"max_header_size\s+(\S+)", caddy.text)
    assert header and _bytes(header.group(1)) <= HEADER_LIMIT, "the proxy sets no max_header_size within the limit"

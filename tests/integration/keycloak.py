"""A real Keycloak for the integration tests: ``org.keycloak:keycloak-quarkus-dist`` from Maven Central, run with
``kc.sh start-dev`` on a JDK 21+ and set up through its admin REST API.

The distribution is downloaded once into ``var/cache/keycloak/`` (checked against Maven Central's SHA-512, written
as ``*.partial`` and renamed when complete) and unpacked once (into a temporary directory, renamed when complete).
Keycloak keeps its database in memory (``--db=dev-mem``), so every start begins with an empty master realm; the
first start of an unpacked distribution also runs the Quarkus build (about a minute), later starts reuse it.

Keycloak derives the issuer from the host a request names: everything here, and the console, talks to it as
``http://127.0.0.1:<port>``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import signal
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from stadtstimme.infra import REPO, die_with_parent, free_port

KEYCLOAK_VERSION = "26.7.3"
CACHE = REPO / "var" / "cache" / "keycloak"
MAVEN = "https://repo1.maven.org/maven2/org/keycloak/keycloak-quarkus-dist"
JVM_DIRS = Path("/usr/lib/jvm")
ADMIN, ADMIN_PASSWORD = "admin", "admin-im-test"
REALM = "musterstadt"
CLIENT_ID = "stadtstimme"
UNIT_GROUP = "stadtstimme-unit-abfallwirtschaft"
ANALYST_GROUP = "stadtstimme-analyst"


# --- Java ---------------------------------------------------------------------------------------------------------


def java_version(home: Path) -> tuple[int, ...] | None:
    """The version a JDK's ``release`` file names, e.g. (21, 0, 5); None when it is no JDK with a ``bin/java``."""
    try:
        release = (home / "release").read_text(errors="replace")
    except OSError:
        return None
    found = re.search(r'^JAVA_VERSION="([0-9][0-9._]*)', release, re.MULTILINE)
    if found is None or not (home / "bin" / "java").is_file():
        return None
    parts = tuple(int(p) for p in re.split(r"[._]", found.group(1)) if p.isdigit())
    return parts[1:] if parts[:1] == (1,) else parts  # "1.8.0_402" is Java 8


def _dotted(version: tuple[int, ...]) -> str:
    return ".".join(map(str, version))


def find_java21(jvm_dirs: Path = JVM_DIRS) -> tuple[Path | None, str]:
    """(JAVA_HOME of a JDK 21+, how it was found) - or (None, why there is none).
    ``$STADTSTIMME_JAVA21_HOME`` first, then the highest JDK 21+ under ``/usr/lib/jvm``."""
    chosen = os.environ.get("STADTSTIMME_JAVA21_HOME")
    if chosen:
        version = java_version(Path(chosen))
        if version is None or version[0] < 21:
            what = "no JDK" if version is None else f"Java {_dotted(version)}"
            return None, f"Keycloak needs Java 21+: STADTSTIMME_JAVA21_HOME={chosen} is {what}"
        return Path(chosen), f"Java {_dotted(version)} from STADTSTIMME_JAVA21_HOME"
    jdks = [(v, home) for home in sorted(jvm_dirs.glob("*")) if (v := java_version(home)) and v[0] >= 21]
    if not jdks:
        return None, f"Keycloak needs Java 21+: no JDK 21+ under {jvm_dirs} and STADTSTIMME_JAVA21_HOME is not set"
    highest, home = max(jdks)
    return home, f"Java {_dotted(highest)} under {jvm_dirs}"


# --- the distribution -------------------------------------------------------------------------------------------


def keycloak_dist(cache: Path = CACHE, version: str = KEYCLOAK_VERSION) -> Path:
    """The unpacked Keycloak distribution in ``cache``, downloaded and unpacked on first use."""
    home = cache / f"keycloak-{version}"
    if (home / "bin" / "kc.sh").is_file():
        return home
    cache.mkdir(parents=True, exist_ok=True)
    name = f"keycloak-quarkus-dist-{version}.tar.gz"
    tarball = cache / name
    if not tarball.is_file():
        url = f"{MAVEN}/{version}/{name}"
        partial = cache / f"{name}.partial"
        digest = hashlib.sha512()
        with httpx.Client(follow_redirects=True, timeout=60) as client:
            expected = client.get(f"{url}.sha512").raise_for_status().text.split()[0].lower()
            with client.stream("GET", url) as answer, open(partial, "wb") as out:
                answer.raise_for_status()
                for chunk in answer.iter_bytes(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
        if digest.hexdigest() != expected:
            partial.unlink()
            raise RuntimeError(f"{url}: SHA-512 {digest.hexdigest()} is not Maven Central's {expected}")
        partial.rename(tarball)
    unpacking = Path(tempfile.mkdtemp(prefix="unpacking-", dir=cache))
    try:
        with tarfile.open(tarball) as tar:
            tar.extractall(unpacking, filter="data")
        (unpacking / f"keycloak-{version}").rename(home)
    finally:
        shutil.rmtree(unpacking, ignore_errors=True)
    tarball.unlink()  # the unpacked distribution is the cache
    return home


# --- the server ---------------------------------------------------------------------------------------------------


class KeycloakNotReady(RuntimeError):
    pass


@dataclass
class Keycloak:
    """``kc.sh start-dev`` in its own process group, on ``127.0.0.1:<port>``; output to ``log_path``."""

    home: Path
    java_home: Path
    log_path: Path
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def issuer(self, realm: str) -> str:
        return f"{self.base_url}/realms/{realm}"

    def start(self, timeout: float = 240) -> Keycloak:
        self.port = self.port or free_port()
        env = dict(
            os.environ,
            JAVA_HOME=str(self.java_home),
            KC_BOOTSTRAP_ADMIN_USERNAME=ADMIN,
            KC_BOOTSTRAP_ADMIN_PASSWORD=ADMIN_PASSWORD,
        )
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as out:
            self.proc = subprocess.Popen(
                [str(self.home / "bin" / "kc.sh"), "start-dev", "--db=dev-mem", "--http-host=127.0.0.1",
                 f"--http-port={self.port}", "--hostname-strict=false"],
                env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                # Its own process group (kc.sh runs java as a child, twice after a rebuild): stopped as a whole.
                start_new_session=True, preexec_fn=die_with_parent,
            )  # fmt: skip
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, timeout: float) -> None:
        url = f"{self.issuer('master')}/.well-known/openid-configuration"
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise KeycloakNotReady(f"Keycloak exited with {self.proc.returncode}:\n{self.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url, timeout=2).status_code == 200:
                    return
            time.sleep(0.5)
        raise KeycloakNotReady(f"{url} not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM to the whole process group, SIGKILL if it is still there after ``timeout`` seconds."""
        proc = self.proc
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # also a java child that outlived kc.sh
        proc.wait()


# --- the realm ----------------------------------------------------------------------------------------------------


@dataclass
class Realm:
    issuer: str
    client_secret: str
    redirect_uri: str
    passwords: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, str] = field(default_factory=dict)


class KeycloakAdmin:
    """The admin REST API as the bootstrap administrator of the master realm."""

    def __init__(self, keycloak: Keycloak) -> None:
        self.client = httpx.Client(base_url=keycloak.base_url, timeout=60)
        token = self.client.post(
            "/realms/master/protocol/openid-connect/token",
            data={"grant_type": "password", "client_id": "admin-cli", "username": ADMIN, "password": ADMIN_PASSWORD},
        )
        token.raise_for_status()
        self.client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"

    def close(self) -> None:
        self.client.close()

    def create(self, path: str, representation: dict[str, Any]) -> str:
        """POST a new object; its id (from the Location header)."""
        answer = self.client.post(f"/admin/realms{path}", json=representation)
        assert answer.status_code == 201, f"POST {path}: {answer.status_code} {answer.text}"
        return answer.headers["location"].rstrip("/").rsplit("/", 1)[-1]

    def get(self, path: str, **params: Any) -> Any:
        answer = self.client.get(f"/admin/realms{path}", params=params)
        answer.raise_for_status()
        return answer.json()

    def put(self, path: str, representation: dict[str, Any] | None = None) -> None:
        answer = self.client.put(f"/admin/realms{path}", json=representation)
        assert answer.status_code in (200, 204), f"PUT {path}: {answer.status_code} {answer.text}"


def create_realm(keycloak: Keycloak, redirect_uri: str) -> Realm:
    """Realm ``musterstadt``: the confidential client ``stadtstimme`` (code flow, PKCE S256 required) with the
    group memberships in a ``groups`` claim of the ID token, and the people ``anna`` (unit staff of
    Abfallwirtschaft), ``pr`` (analyst) and ``nobody`` (no Stadtstimme group)."""
    realm = Realm(
        issuer=keycloak.issuer(REALM),
        client_secret=f"geheim-{os.urandom(8).hex()}",
        redirect_uri=redirect_uri,
        passwords={name: f"{name}-Passwort-1" for name in ("anna", "pr", "nobody")},
    )
    admin = KeycloakAdmin(keycloak)
    try:
        admin.create("", {"realm": REALM, "enabled": True, "displayName": "Musterstadt"})
        admin.create(f"/{REALM}/clients", {
            "clientId": CLIENT_ID,
            "name": "Stadtstimme",
            "protocol": "openid-connect",
            "publicClient": False,
            "clientAuthenticatorType": "client-secret",
            "secret": realm.client_secret,
            "standardFlowEnabled": True,
            "implicitFlowEnabled": False,
            "directAccessGrantsEnabled": False,
            "serviceAccountsEnabled": False,
            "redirectUris": [redirect_uri],
            "webOrigins": [],
            "attributes": {
                "pkce.code.challenge.method": "S256",
                # Signing out of the console ends the Keycloak session too and comes back to the sign-in page.
                "post.logout.redirect.uris": redirect_uri.removesuffix("/oidc/callback"),
            },
            "protocolMappers": [{
                "name": "groups",
                "protocol": "openid-connect",
                "protocolMapper": "oidc-group-membership-mapper",
                "config": {
                    "claim.name": "groups",
                    "full.path": "true",  # "/stadtstimme-analyst": the console strips the leading "/"
                    "id.token.claim": "true",
                    "access.token.claim": "false",
                    "userinfo.token.claim": "false",
                    "introspection.token.claim": "false",
                },
            }],
        })  # fmt: skip
        # Keycloak's user profile wants usernames of 3 characters or more; the press office's account is "pr".
        profile = admin.get(f"/{REALM}/users/profile")
        username = next(a for a in profile["attributes"] if a["name"] == "username")
        username["validations"]["length"]["min"] = 2
        admin.put(f"/{REALM}/users/profile", profile)
        groups = {name: admin.create(f"/{REALM}/groups", {"name": name}) for name in (UNIT_GROUP, ANALYST_GROUP)}
        people = {
            "anna": ("Anna", "Abfall", UNIT_GROUP),
            "pr": ("Paula", "Presse", ANALYST_GROUP),
            "nobody": ("Norbert", "Niemand", None),
        }
        for username, (first, last, group) in people.items():
            user_id = admin.create(f"/{REALM}/users", {
                "username": username,
                "enabled": True,
                "email": f"{username}@musterstadt.example",
                "emailVerified": True,
                "firstName": first,
                "lastName": last,
                "requiredActions": [],
                "credentials": [{"type": "password", "value": realm.passwords[username], "temporary": False}],
            })  # fmt: skip
            if group is not None:
                admin.put(f"/{REALM}/users/{user_id}/groups/{groups[group]}")
            realm.user_ids[username] = user_id
        client = admin.get(f"/{REALM}/clients", clientId=CLIENT_ID)[0]
        assert client["attributes"]["pkce.code.challenge.method"] == "S256", client["attributes"]
        assert [g["name"] for g in admin.get(f"/{REALM}/users/{realm.user_ids['anna']}/groups")] == [UNIT_GROUP]
    finally:
        admin.close()
    return realm

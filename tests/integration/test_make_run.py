"""`make run`'s supervisor (``stadtstimme run``): the demo city comes up on Tansu and embedded PostgreSQL,
a POST shows up in the metrics API, and a restart (Tansu forgets everything) loses no accepted feedback."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from shared.orgmodel import load_org_yaml
from shared.shredding import NewKeys
from stadtstimme.demo_feedback import demo_events
from stadtstimme.demo_pageviews import demo_plans
from stadtstimme.infra import REPO, free_port
from tests.conftest import VAR
from tests.integration.system import CLI

pytestmark = pytest.mark.skipif(
    os.environ.get("STADTSTIMME_TEST_BROKER", "kafka") != "tansu",
    reason="`stadtstimme run` brings its own Tansu; tested once, in the Tansu run of the suite",
)


class Supervisor:
    def __init__(self, var: Path, port: int, kafka_port: int) -> None:
        self.var, self.port, self.kafka_port = var, port, kafka_port
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = var.parent / f"{var.name}.log"

    def start(self) -> str:
        env = {k: v for k, v in os.environ.items() if not k.startswith("STADTSTIMME_")}
        self.offset = self.log.stat().st_size if self.log.exists() else 0
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                [*CLI, "run", "--var", str(self.var), "--port", str(self.port), "--kafka-port", str(self.kafka_port)],
                env=env, stdout=out, stderr=subprocess.STDOUT, cwd=REPO, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()
            if "Musterstadt is up." in self.output():
                return (self.var / "metrics-token").read_text().strip()
            time.sleep(0.2)
        raise TimeoutError(self.log.read_text())

    def output(self) -> str:
        """What the current run printed so far."""
        return self.log.read_bytes()[self.offset :].decode()

    def interrupt(self) -> int:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGINT)  # what Ctrl-C does: SIGINT to the terminal's process group
        return self.proc.wait(60)

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def supervisor() -> Iterator[Supervisor]:
    VAR.mkdir(parents=True, exist_ok=True)
    var = VAR / f"run-{uuid.uuid4().hex[:8]}"
    s = Supervisor(var, free_port(), free_port())
    yield s
    s.kill()
    shutil.rmtree(var, ignore_errors=True)


def visible_responses(base: str, token: str, page: str) -> int:
    response = httpx.get(
        f"{base}/api/v1/metrics/pages",
        params={"url_prefix": page, "granularity": "hour"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return sum(item["totals"]["responses"] for item in response.json()["items"])


def post_and_wait(base: str, token: str, page: str, expected: int) -> float:
    body = {"event_id": str(uuid.uuid4()), "site": "baeder", "page_url": page, "helpful": True}
    started = time.monotonic()
    assert httpx.post(f"{base}/api/v1/feedback", json=body).status_code == 202
    while visible_responses(base, token, page) < expected:
        assert time.monotonic() - started < 15, "feedback never reached the metrics API"
        time.sleep(0.02)
    return time.monotonic() - started


def test_demo_city_comes_up_and_survives_a_restart(supervisor: Supervisor) -> None:
    base, page = f"http://127.0.0.1:{supervisor.port}", "https://www.baeder-musterstadt.de/freibad"
    token = supervisor.start()
    units = httpx.get(f"{base}/api/v1/metrics/org-units", headers={"Authorization": f"Bearer {token}"})
    assert units.status_code == 200
    demo = httpx.get(f"{base}/demo/abfall/abfuhrkalender")  # the demo city's page with the widget
    assert demo.status_code == 200 and "/widget/v1/stadtstimme-" in demo.text and "Abfuhrkalender" in demo.text
    assert httpx.get(f"{base}/widget/v1/stadtstimme.js").status_code == 200
    assert f"{base}/demo/" in supervisor.output()  # printed for the new user
    (hackathon,) = httpx.get(f"{base}/api/v1/hackathons").json()["items"]  # the demo hackathon, open to register
    assert hackathon["phase"] == "anmeldung_offen" and hackathon["title"].startswith("Musterstadt hackt")
    challenges = httpx.get(f"{base}/api/v1/hackathons/{hackathon['id']}").json()["challenges"]
    assert len(challenges) == 3 and challenges[0]["evidence"][0]["satisfaction"]["responses"] > 0
    password = re.search(r"user demo-admin, password (\S+)", supervisor.output())
    assert password, "make run prints the demo administrator's sign-in"
    login = httpx.post(f"{base}/console/login", data={"username": "demo-admin", "password": password[1]},
                       headers={"Origin": base})  # fmt: skip
    assert login.status_code == 303 and login.headers["location"] == "/console/"
    # The notifier mails the Abfallwirtschaft's team about a new comment; the local mail catcher shows it.
    inbox = re.search(r"E-mail \(test inbox\)\s+(http://127.0.0.1:\d+/)", supervisor.output())
    assert inbox, "make run prints the test inbox"
    comment = {"event_id": str(uuid.uuid4()), "site": "abfall", "page_url": "https://abfall.musterstadt.de/sperrmuell",
               "rating": 2, "comment": "Termin nicht buchbar", "elapsed_ms": 20_000}  # fmt: skip
    assert httpx.post(f"{base}/api/v1/feedback", json=comment).status_code == 202
    started = time.monotonic()
    # Only this comment: the demo feedback published before the notifier started never notifies.
    while "Neuer Kommentar für Abfallwirtschaftsbetrieb Musterstadt" not in httpx.get(inbox[1]).text:
        assert time.monotonic() - started < 60, "no notification mail in the test inbox"
        time.sleep(0.5)
    print(f"comment to notification mail: {time.monotonic() - started:.1f} s (group wait 10 s)")
    demo = visible_responses(base, token, page)  # the demo city's feedback of the last days, if any
    seconds = post_and_wait(base, token, page, expected=demo + 1)
    print(f"POST to visible in the metrics API: {seconds * 1000:.0f} ms")
    # A burst of accepted feedback, then Ctrl-C at once: the projector must drain the in-memory broker first.
    with httpx.Client(base_url=base) as client:
        for i in range(50):
            body = {"event_id": str(uuid.uuid4()), "site": "baeder", "page_url": page, "rating": 4}
            citizen = {"X-Forwarded-For": f"192.0.2.{i}"}  # 50 citizens: none reaches the per-client limit
            assert client.post("/api/v1/feedback", json=body, headers=citizen).status_code == 202
        # The demo city's survey is live on its page; one citizen answers its first question.
        (survey,) = client.get("/api/v1/surveys", params={"site": "portal"}).json()["surveys"]
        assert survey["id"] == "buergeramt-terminvergabe"
        answer = {"event_id": str(uuid.uuid4()), "response_id": str(uuid.uuid4()), "survey_id": survey["id"],
                  "version": survey["version"], "site": "portal", "answers": {"zufriedenheit": 4},
                  "page_url": "https://www.musterstadt.de/buergeramt/termine"}  # fmt: skip
        assert client.post("/api/v1/survey-responses", json=answer).status_code == 202
    assert supervisor.interrupt() == 0
    assert "stopped." in supervisor.output() and "warning" not in supervisor.output()

    assert supervisor.start() == token  # the token is kept under var/
    # The demo feedback, 52 feedback events (one a comment), the survey's two lifecycle events and the one answer,
    # the demo hackathon's six events (created, two phases, three challenges), and the demo page views (a day a site)
    model = load_org_yaml(REPO / "stadtstimme" / "musterstadt.yaml")[1]
    archived = len(demo_events(model, date.today(), "UTC", NewKeys("feedback")))
    archived += sum(len(p.days) for p in demo_plans(model, date.today()))
    assert f"refilled the empty broker with {archived + 55 + 6} archived events" in supervisor.output()
    assert visible_responses(base, token, page) == demo + 51
    # The printed metrics token reads figures only; the survey's answers are read signed in as the demo administrator.
    password = (supervisor.var / "console-password").read_text().strip()
    with httpx.Client(base_url=base, timeout=30) as staff:
        signed_in = staff.post("/console/login", data={"username": "demo-admin", "password": password},
                               headers={"Origin": base})  # fmt: skip
        assert signed_in.status_code == 303, signed_in.text
        results = staff.get(f"/api/v1/staff/surveys/{survey['id']}/results").json()
        views = staff.get("/console/seitenaufrufe").text  # the demo's page views, the contact rate's base
        assert views.count("Demodaten") == 5 and "Noch keine Seitenaufrufe" not in views
    forbidden = httpx.get(
        f"{base}/api/v1/staff/surveys/{survey['id']}/results", headers={"Authorization": f"Bearer {token}"}
    )
    assert forbidden.status_code == 403
    assert results["responses"] == 1 and results["questions"][0]["distribution"][3]["count"] == 1
    post_and_wait(base, token, page, expected=demo + 52)
    assert supervisor.interrupt() == 0

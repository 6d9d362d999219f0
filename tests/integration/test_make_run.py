"""`make run`'s supervisor (``stadtstimme run``): the demo city comes up on Tansu and embedded PostgreSQL with real
figures on every console page, a POST shows up in the metrics API, and a restart (Tansu forgets everything) loses
no accepted feedback and adds no demo data twice."""

from __future__ import annotations

import html
import os
import re
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from services.analytics.reports_page import last_month
from services.analytics.surveys import SurveySpec
from shared.contracts.surveys import SurveyDefinition
from shared.formats import euro
from shared.orgmodel import load_org_yaml
from shared.shredding import NewKeys
from shared.yamlconfig import load_documents
from stadtstimme import demo_budgets, demo_measures, demo_past_hackathon
from stadtstimme.demo_feedback import demo_events
from stadtstimme.demo_pageviews import demo_plans
from stadtstimme.demo_surveys import closed_survey, demo_answers
from stadtstimme.embedded import DEMO_SURVEYS
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


def page_text(staff: httpx.Client, path: str) -> str:
    """A console page as its reader sees it: the text without tags, entities or runs of white space."""
    response = staff.get(path)
    assert response.status_code == 200, (path, response.status_code)
    words = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", "", response.text, flags=re.S))
    return re.sub(r"\s+", " ", html.unescape(words))


def figure(text: str, pattern: str) -> int:
    """The whole number after ``pattern`` (German thousands separators allowed)."""
    found = re.search(pattern + r" (\d[\d.]*)", text)
    assert found, pattern
    return int(found[1].replace(".", ""))


def demo_surveys() -> list[tuple[SurveyDefinition, list[dict[str, Any]]]]:
    """Every demo survey with the answers of its demo responses (a response counts if it has any)."""
    live = [spec.definition() for spec, _ in load_documents(DEMO_SURVEYS.read_text(encoding="utf-8"), SurveySpec)]
    return [(d, [a.answers for a in demo_answers(d)]) for d in (*live, closed_survey())]


def assert_console_shows_the_demo(staff: httpx.Client, year: int) -> None:
    """What a new user finds on every page of the console after `make run`: figures, not empty states. ``year``:
    last year, that of the finished demo hackathon."""
    assert figure(page_text(staff, "/console/"), "Alle sichtbaren Organisationseinheiten") > 100
    assert figure(page_text(staff, "/console/units/buergeramt"), "Kennzahlen im Zeitraum Rückmeldungen") > 10
    inbox = page_text(staff, "/console/inbox")
    waiting = re.search(r"Eingang \((\d+) offen\)", inbox)
    assert waiting and int(waiting[1]) > 10 and "Verdacht auf Spam (2)" in inbox
    themes = page_text(staff, "/console/themes")
    assert figure(themes, "Grundlage:") > 10 and "abfallkalender lädt" in themes

    # The surveys: the live one and the closed one, each with its answers, its reach and redacted free text.
    listed = page_text(staff, "/console/surveys")
    shown = {}
    for definition, answers in demo_surveys():
        counted = sum(1 for a in answers if a)
        assert figure(listed, re.escape(definition.title.de) + r" \D+ 1") == counted > 50  # version 1, its count
        shown[definition.id] = page_text(staff, f"/console/surveys/{definition.id}")
        assert figure(shown[definition.id], r"Antworten \(gezählt\)") == counted
        assert figure(shown[definition.id], r"Seitenaufrufe der Zielseiten \(Webanalyse\)") > 1000
    live, closed = shown["buergeramt-terminvergabe"], shown[closed_survey().id]
    assert "[E-Mail entfernt]" in live and "[Telefonnummer entfernt]" in live and "@example" not in live
    assert "Status beendet" in closed and "Mehrfachauswahl" in closed and "[Adresse entfernt]" in closed

    # Last year's hackathon: its results with the prizes, its ledger within the budget; the measure's budgets.
    listed = page_text(staff, "/console/hackathons")
    assert f"Musterstadt hackt {year} {year} Ergebnisse veröffentlicht" in listed
    assert f"Musterstadt hackt {year + 1} {year + 1} Anmeldung offen" in listed
    past = page_text(staff, f"/console/hackathons/{demo_past_hackathon.hackathon_id(year)}")
    prizes = sum(prize[2] for prize in demo_past_hackathon.PRIZES)
    expenses = sum(expense[3] for expense in demo_past_hackathon.EXPENSES)
    for place, title, cents, _ in demo_past_hackathon.PRIZES:
        assert f"{title} {demo_past_hackathon.TEAMS[place].submission['title']} {euro(cents)}" in past
    left = 1_000_000 - expenses - prizes
    assert f"Ausgaben {euro(expenses)} Preise vergeben {euro(prizes)} Übrig {euro(left)}" in past and left >= 0
    ledger = page_text(staff, f"/console/budgets/hackathons/{year}")
    for name in ("Veranstaltungsort", "Verpflegung", "Material"):
        assert re.search(name + r" [1-9][\d.]*,\d\d €", ledger), name
    assert f"Gesamt {euro(expenses + prizes)}" in ledger
    measure = euro(demo_budgets.MEASURE_YEARS * demo_budgets.YEARLY_CENTS)
    assert page_text(staff, "/console/budgets").count(f"Summe {measure}") == 2  # 50,000 EUR each programme
    assert " Storno " in page_text(staff, f"/console/budgets/feedback/{year + 1}")

    # The measure that implements last year's winning solution: its effect in the console, on the public page
    # /wirkung, and on the hackathon's results page (through analytics' published view).
    assert "Ergebnis: deutlich besser" in page_text(staff, f"/console/massnahmen/{demo_measures.MEASURE_ID}")
    public = page_text(staff, "/wirkung")
    assert "Wartezeit im Bürgeramt auf der Terminseite" in public and "Ergebnis: deutlich besser" in public
    results = page_text(staff, f"/hackathons/{demo_past_hackathon.hackathon_id(year)}")
    assert "Umgesetzt Wartezeit im Bürgeramt auf der Terminseite" in results and "Wirkung: deutlich besser" in results

    # Last month's report of the Bürgeramt: feedback, page views (the contact rate) and the survey's answers.
    month = last_month(datetime.now(ZoneInfo("Europe/Berlin")))
    report = page_text(staff, f"/console/berichte/buergeramt/{month}")
    views = re.search(r"Termin vereinbaren https://\S+ (\d+) \d+ % [\d,]+ ([\d.]+) [\d,]+ ", report)
    assert figure(report, "Monat Veränderung zum Vormonat Rückmeldungen") > 10 and views, report
    assert int(views[2].replace(".", "")) > 1000
    assert "Kurze Umfrage zur Online-Terminvergabe" in report.split("Umfragen", 1)[1]
    views_page = page_text(staff, "/console/seitenaufrufe")  # the demo's page views, the contact rate's base
    demo_city = load_org_yaml(REPO / "stadtstimme" / "musterstadt.yaml")[1]  # a page-view import per site
    assert views_page.count("Demodaten") == len(demo_city.sites) and "Noch keine Seitenaufrufe" not in views_page
    org = page_text(staff, "/console/organisation")
    assert "8 Organisationseinheiten" in org and f"{len(demo_city.sites)} Websites" in org
    assert f"{len(demo_city.pages)} Seiten" in org
    accounts = page_text(staff, "/console/konten")
    assert f"{1 + len(demo_past_hackathon.STAFF)} Konten" in accounts and "jury-becker" in accounts
    log = page_text(staff, "/console/protokoll")
    assert "make run" in log and "Konto angelegt" in log and "Seitenaufrufe importiert" in log


def test_demo_city_comes_up_and_survives_a_restart(supervisor: Supervisor) -> None:
    base, page = f"http://127.0.0.1:{supervisor.port}", "https://www.baeder-musterstadt.de/freibad"
    started = time.monotonic()
    token = supervisor.start()
    print(f"make run up in {time.monotonic() - started:.1f} s (a new installation)")
    units = httpx.get(f"{base}/api/v1/metrics/org-units", headers={"Authorization": f"Bearer {token}"})
    assert units.status_code == 200
    demo = httpx.get(f"{base}/demo/abfall/abfuhrkalender")  # the demo city's page with the widget
    assert demo.status_code == 200 and "/widget/v1/stadtstimme-" in demo.text and "Abfuhrkalender" in demo.text
    assert httpx.get(f"{base}/widget/v1/stadtstimme.js").status_code == 200
    assert f"{base}/demo/" in supervisor.output()  # printed for the new user
    # This year's demo hackathon, open to register, and last year's with its results.
    listed = {h["phase"]: h for h in httpx.get(f"{base}/api/v1/hackathons").json()["items"]}
    hackathon, past = listed["anmeldung_offen"], listed["ergebnisse_veroeffentlicht"]
    assert hackathon["title"].startswith("Musterstadt hackt") and past["year"] == hackathon["year"] - 1
    challenges = httpx.get(f"{base}/api/v1/hackathons/{hackathon['id']}").json()["challenges"]
    assert len(challenges) == 3 and challenges[0]["evidence"][0]["satisfaction"]["responses"] > 0
    ranking = httpx.get(f"{base}/api/v1/hackathons/{past['id']}").json()["results"]["ranking"]
    assert [r["rank"] for r in ranking] == [1, 2, 3, 4] and all(r["awards"] for r in ranking)
    password = re.search(r"user demo-admin, password (\S+)", supervisor.output())
    assert password, "make run prints the demo administrator's sign-in"
    with httpx.Client(base_url=base, timeout=30) as staff:
        login = staff.post("/console/login", data={"username": "demo-admin", "password": password[1]},
                           headers={"Origin": base})  # fmt: skip
        assert login.status_code == 303 and login.headers["location"] == "/console/"
        assert_console_shows_the_demo(staff, past["year"])
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
    # the demo hackathon's six events (created, two phases, three challenges), the demo page views (a day a site),
    # the org model (an event per unit, site and page), the demo surveys' answers (a part each) and the closed
    # survey's three lifecycle events, last year's hackathon with its expenses, the measure's budgets, and the demo
    # measure with its feedback: each once, though `make run` started twice.
    model = load_org_yaml(REPO / "stadtstimme" / "musterstadt.yaml")[1]
    archived = len(demo_events(model, date.today(), "UTC", NewKeys("feedback")))
    archived += sum(len(p.days) for p in demo_plans(model, date.today()))
    archived += len(model.units) + len(model.sites) + len(model.pages)
    archived += sum(len(answers) for _, answers in demo_surveys()) + 3
    archived += demo_past_hackathon.event_count() + len(demo_past_hackathon.EXPENSES) + demo_budgets.event_count()
    archived += demo_measures.event_count(date.today())
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
        assert views.count("Demodaten") == len(model.sites) and "Noch keine Seitenaufrufe" not in views
    forbidden = httpx.get(
        f"{base}/api/v1/staff/surveys/{survey['id']}/results", headers={"Authorization": f"Bearer {token}"}
    )
    assert forbidden.status_code == 403
    demo_answers_given = next(answers for d, answers in demo_surveys() if d.id == survey["id"])
    fours = sum(1 for a in demo_answers_given if a.get("zufriedenheit") == 4)
    assert results["responses"] == sum(1 for a in demo_answers_given if a) + 1
    assert results["questions"][0]["distribution"][3]["count"] == fours + 1
    post_and_wait(base, token, page, expected=demo + 52)
    assert supervisor.interrupt() == 0

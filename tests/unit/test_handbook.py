"""docs/handbuch.md, the handbook for the PR team and the organisers, stays in step with the code: every picture it
shows is in docs/handbuch/ and is one the browser test (tests/integration/test_handbook.py) takes, every picture
there is shown, each with a description (alt text); its table of who may do what is the role matrix of
``shared.auth.PERMISSIONS`` and each role is explained; and the pictures stay small enough to keep in the
repository."""

from __future__ import annotations

import re

from shared.auth import PERMISSIONS, ROLES
from shared.messages import text as message
from stadtstimme.infra import REPO

HANDBOOK = REPO / "docs" / "handbuch.md"
PICTURES = REPO / "docs" / "handbuch"
BROWSER_TEST = REPO / "tests" / "integration" / "test_handbook.py"
IMAGE = re.compile(r"!\[([^\]]*)\]\(handbuch/([^)]+)\)")
MAX_BYTES = 3_000_000

# The handbook's rows, in the words of the console, and the permission each one is.
TASKS = {
    "Übersicht und Dashboards lesen": "figures.read",
    "Kommentare und Themen lesen": "comments.read",
    "Kommentare bearbeiten": "comments.triage",
    "Umfragen und ihre Ergebnisse lesen": "surveys.read",
    "Umfragen veröffentlichen, pausieren, beenden": "surveys.status",
    "Umfragen anlegen, bearbeiten, kopieren": "surveys.define",
    "Benachrichtigungen lesen": "notifications.read",
    "Benachrichtigungen erneut senden": "notifications.retry",
    "Hackathons ansehen": "hackathons.read",
    "Challenges stellen und überarbeiten": "hackathons.challenge",
    "In einer Jury bewerten (wer eingeladen ist)": "hackathons.judge",
    "Hackathons leiten: anlegen, Phasen, Jury, Preise, Hackathon-Budget, Kassenbuch": "hackathons.run",
    "Aufbewahrung und Löschung ansehen": "retention.read",
    "Budgets der Maßnahme lesen": "budgets.read",
    "Budgets eintragen und Ausgaben buchen": "budgets.manage",
    "Seitenaufrufe importieren": "pageviews.import",
    "Organisation bearbeiten": "org.manage",
    "Monatsberichte lesen": "reports.read",
    "Maßnahmen und ihre Wirkung ansehen": "measures.read",
    "Maßnahmen erfassen, ändern und veröffentlichen": "measures.manage",
    "Konten und API-Schlüssel verwalten": "accounts.manage",
    "Protokoll lesen": "audit.read",
    "SDG-Übermittlungen an die NFK einsehen": "sdg.read",
    "Barrieremeldungen mit Kontaktadresse sehen und beantworten": "barriers.answer",
}


def text() -> str:
    return HANDBOOK.read_text(encoding="utf-8")


def test_every_picture_shown_exists_is_taken_by_the_browser_test_and_described() -> None:
    shown = IMAGE.findall(text())
    names = [name for _, name in shown]
    assert shown and len(names) == len(set(names)), "each picture once"
    assert all(alt.strip() for alt, _ in shown), "every picture needs a description (alt text)"
    missing = [n for n in names if not (PICTURES / n).is_file()]
    assert not missing, f"shown but not in docs/handbuch/: {missing}"
    taken = {f"{n}.png" for n in re.findall(r'picture\(\s*page,\s*"([0-9a-z-]+)"', BROWSER_TEST.read_text())}
    assert set(names) == taken, (
        f"shown, not taken: {sorted(set(names) - taken)}; taken, not shown: {sorted(taken - set(names))}"
    )


def test_every_picture_in_the_folder_is_shown_and_all_are_small() -> None:
    files = {p.name for p in PICTURES.iterdir()}
    shown = {name for _, name in IMAGE.findall(text())}
    assert files == shown, f"not shown in the handbook: {sorted(files - shown)}"
    assert all(name.endswith(".png") for name in files)
    size = sum(p.stat().st_size for p in PICTURES.iterdir())
    assert size < MAX_BYTES, f"docs/handbuch/ holds {size} bytes"


def test_the_table_of_who_may_do_what_is_the_role_matrix() -> None:
    block = re.search(r"<!-- rollen:start -->\n(.*?)<!-- rollen:end -->", text(), re.S)
    assert block, "docs/handbuch.md has no rollen block"
    lines = block.group(1).strip().splitlines()
    first, *columns = (c.strip() for c in lines[0].strip("|").split("|"))
    assert first == "Aufgabe" and len(columns) == len(ROLES)
    for role, column in zip(ROLES, columns, strict=True):  # the roles as the console names them, in their order
        assert message(f"console.accounts.roles.{role}").startswith(column), (role, column)
    rows = {}
    for line in lines[2:]:
        task, *cells = (c.strip() for c in line.strip("|").split("|"))
        rows[task] = tuple(cells)
    assert list(rows) == list(TASKS), "the rows are the permissions, in the order of shared.auth.PERMISSIONS"
    assert list(TASKS.values()) == list(PERMISSIONS)
    for task, permission in TASKS.items():
        expected = tuple("ja" if role in PERMISSIONS[permission] else "–" for role in ROLES)
        assert rows[task] == expected, f"{task} ({permission})"


def test_every_role_is_explained_in_words() -> None:
    """Section 1 explains each role under the name the console gives it (a new role needs its paragraph too)."""
    section = re.search(r"^## 1\. (.*?)^## 2\. ", text(), re.S | re.M)
    assert section, "docs/handbuch.md has no section 1"
    missing = [role for role in ROLES if f"- **{message(f'console.accounts.roles.{role}')}**" not in section.group(1)]
    assert not missing, f"roles without their paragraph in section 1: {missing}"


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_link_within_the_handbook_reaches_a_heading() -> None:
    anchors = {slug(h) for h in re.findall(r"^#{2,4} (.+)$", text(), re.M)}
    links = set(re.findall(r"\]\(#([^)]+)\)", text()))
    assert links and links <= anchors, f"no such heading: {sorted(links - anchors)}"


def test_every_document_the_handbook_links_exists() -> None:
    documents = set(re.findall(r"\]\(([^)#:]+\.md)\)", text()))
    assert documents and all((HANDBOOK.parent / d).is_file() for d in documents), documents

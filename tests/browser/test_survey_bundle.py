"""The survey bundle: its size budget, how the main bundle names it, how the server delivers it, its texts."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from pathlib import Path

import pytest

from services.ingest.widget import DIST
from tests.browser.conftest import REPO, require
from tests.browser.test_widget_bundle import MESSAGES, client

SURVEY_BUDGET = 8 * 1024  # gzipped bytes loaded when a survey appears


@pytest.fixture
def survey_bundle() -> bytes:
    path = DIST / "survey.js"
    require(path.is_file(), "widget/dist/survey.js is not built: run `make install`")
    return path.read_bytes()


def digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:16]


def test_survey_bundle_is_within_its_gzip_budget(survey_bundle: bytes) -> None:
    assert len(gzip.compress(survey_bundle, compresslevel=9)) <= SURVEY_BUDGET


def test_main_bundle_names_the_survey_bundle_by_content_and_integrity(survey_bundle: bytes) -> None:
    main = (DIST / "stadtstimme.js").read_text(encoding="utf-8")
    assert f'"survey-{digest(survey_bundle)}.js"' in main
    assert '"sha384-' + base64.b64encode(hashlib.sha384(survey_bundle).digest()).decode() + '"' in main
    # The build writes the content-addressed copy too (for static hosting), and no stale one.
    assert sorted(p.name for p in DIST.glob("survey-*.js")) == [f"survey-{digest(survey_bundle)}.js"]
    assert (DIST / f"survey-{digest(survey_bundle)}.js").read_bytes() == survey_bundle


def test_main_bundle_carries_no_survey_texts() -> None:
    main = (DIST / "stadtstimme.js").read_text(encoding="utf-8")
    messages = json.loads(MESSAGES.read_text(encoding="utf-8"))
    own = {t["de"] for k, t in messages.items() if not k.startswith("widget.survey.")}  # e.g. "Absenden"
    survey_texts = [t["de"] for k, t in messages.items() if k.startswith("widget.survey.") and t["de"] not in own]
    assert survey_texts and not [t for t in survey_texts if json.dumps(t, ensure_ascii=False)[1:-1] in main]


def test_survey_bundle_is_served_like_the_main_one(survey_bundle: bytes) -> None:
    c = client()
    current = c.get("/widget/v1/survey.js", headers={"Accept-Encoding": "gzip"})
    assert current.status_code == 200 and current.content == survey_bundle
    headers = current.headers
    assert headers["content-encoding"] == "gzip"
    assert headers["content-type"] == "text/javascript; charset=utf-8"
    assert headers["cache-control"] == "public, max-age=3600"
    assert headers["access-control-allow-origin"] == "*"
    assert headers["cross-origin-resource-policy"] == "cross-origin"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["vary"] == "Accept-Encoding"
    assert c.get("/widget/v1/survey.js", headers={"If-None-Match": headers["etag"]}).status_code == 304

    pinned = c.get(f"/widget/v1/survey-{digest(survey_bundle)}.js")
    assert pinned.status_code == 200 and pinned.content == survey_bundle
    assert pinned.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert pinned.headers["access-control-allow-origin"] == "*"
    assert c.get("/widget/v1/survey-0123456789abcdef.js").status_code == 404
    # Each name is its own bundle's.
    assert c.get(f"/widget/v1/stadtstimme-{digest(survey_bundle)}.js").status_code == 404


def test_without_a_survey_build_its_urls_answer_503_problem(tmp_path: Path) -> None:
    (tmp_path / "stadtstimme.js").write_bytes(b"/* main only */")
    c = client(tmp_path)
    for url in ("/widget/v1/survey.js", "/widget/v1/survey-0123456789abcdef.js"):
        response = c.get(url)
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert "make install" in response.json()["title"]
    assert "survey" not in c.get("/widget/v1/manifest.json").json()  # the manifest names what there is


def test_a_rebuilt_survey_bundle_is_picked_up(tmp_path: Path) -> None:
    (tmp_path / "stadtstimme.js").write_bytes(b"/* main */")
    c = client(tmp_path)
    (tmp_path / "survey.js").write_bytes(b"/* one */")
    first = c.get("/widget/v1/manifest.json").json()["survey"]["script"]
    (tmp_path / "survey.js").write_bytes(b"/* two, longer */")
    second = c.get("/widget/v1/manifest.json").json()["survey"]["script"]
    assert first != second and c.get(second).content == b"/* two, longer */"
    assert c.get(first).status_code == 404


def test_survey_texts_are_in_the_one_catalogue() -> None:
    messages = json.loads(MESSAGES.read_text(encoding="utf-8"))
    for key in ("next", "submit", "skip", "close", "dont_show_again", "progress", "required", "thanks", "announce",
                "nps.low", "nps.high", "error.final"):  # fmt: skip
        assert f"widget.survey.{key}" in messages, key
    assert messages["widget.survey.progress"]["de"] == "Frage {n} von {total}"
    assert messages["widget.survey.dont_show_again"]["de"] == "Nicht mehr anzeigen"
    assert (REPO / "widget" / "src" / "survey.js").is_file()

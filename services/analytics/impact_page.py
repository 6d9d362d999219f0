"""The public page ``/wirkung`` ("Sie haben es gesagt – wir haben gehandelt"): the measures staff published, newest
first, with satisfaction before and after each went live and where it came from; a filter by unit; an Atom feed;
and the same as open data (CSV and JSON, dl-de/by-2-0, as ``opendata``).

No sign-in, no JavaScript, no cookie; German, or English with ``?lang=en`` (else the browser's Accept-Language).
Only staff-written texts and aggregate figures are shown, never a citizen's words; windows with fewer than five
responses show "< 5" and no share or mean."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

import asyncpg
import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.analytics import measures
from services.analytics.domain import SMALL_NUMBER
from services.analytics.measure_domain import Effect, published
from services.analytics.measure_store import StoredMeasure
from services.analytics.measure_view import day, description, effect_view, origin_lines, title
from services.analytics.opendata import LICENCE
from shared import formats
from shared.downloads import JSON, csv_download, download
from shared.messages import LANGUAGES, pick_language, text
from shared.settings import Settings
from shared.spreadsheet import to_csv
from shared.templates import render_page, template_environment

PATH = "/wirkung"
CSP = "default-src 'none'; style-src 'nonce-{nonce}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
_TEMPLATES = template_environment(Path(__file__).parent / "templates")
ATOM = "http://www.w3.org/2005/Atom"
PUBLIC = {"X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=300"}  # the same for everyone


def language(request: Request) -> str:
    given = request.query_params.get("lang")
    return given if given in LANGUAGES else pick_language(request.headers.get("accept-language"))


def item(stored: StoredMeasure, found: Effect, unit_name: str, lang: str) -> dict[str, Any]:
    """One measure as the page and the feed show it."""
    m = stored.measure
    return {
        "anchor": f"m-{m.measure_id}",
        "title": title(m, lang),
        "description": description(m, lang),
        "unit": unit_name,
        "live_on": day(m.live_on, lang),
        "effect": effect_view(found, lang),
        "origins": origin_lines(m, found, lang),
        "hackathon": m.hackathon_id,
    }


def open_data_row(stored: StoredMeasure, found: Effect, unit_name: str) -> dict[str, Any]:
    m = stored.measure
    return {
        "measure_id": str(m.measure_id),
        "org_unit": m.org_unit,
        "org_unit_name": unit_name,
        "title_de": m.title_de,
        "title_en": m.title_en or None,
        "description_de": m.description_de,
        "description_en": m.description_en or None,
        "theme": m.theme or None,
        "live_on": m.live_on.isoformat(),
        "pages": list(m.pages),
        "site": m.site,
        "path_prefix": m.path_prefix,
        "hackathon_id": m.hackathon_id,
        "challenge_id": m.challenge_id,
        "submission_id": None if m.submission_id is None else str(m.submission_id),
        "published_at": stored.published_at,
        **published(found),
    }


def _pct(value: float | None) -> str:
    return formats.spreadsheet(None if value is None else value * 100, 2)


def as_csv(rows: list[dict[str, Any]]) -> str:
    """German spreadsheet CSV (semicolons, decimal commas, neutralised), "< 5" for withheld windows."""
    header = ["Maßnahme", "Organisationseinheit", "Titel", "Online seit", "Tage je Zeitraum", "Rückmeldungen vorher",
              "Anteil hilfreich vorher (%)", "95-%-KI von", "95-%-KI bis", "Mittlere Bewertung vorher",
              "95-%-KI von", "95-%-KI bis", "Rückmeldungen nachher", "Anteil hilfreich nachher (%)", "95-%-KI von",
              "95-%-KI bis", "Mittlere Bewertung nachher", "95-%-KI von", "95-%-KI bis",
              "Differenz Anteil hilfreich (Prozentpunkte)", "95-%-KI von", "95-%-KI bis", "Ergebnis"]  # fmt: skip
    lines = [header]
    for r in rows:
        cells = [r["measure_id"], r["org_unit"], r["title_de"], r["live_on"], str(r["window_days"])]
        for side in ("before", "after"):
            w = r[side]
            share_ci, mean_ci = w["helpful_share_ci95"] or [None, None], w["rating_mean_ci95"] or [None, None]
            cells += [f"< {SMALL_NUMBER}" if w["suppressed"] else str(w["responses"]), _pct(w["helpful_share"]),
                      _pct(share_ci[0]), _pct(share_ci[1]), formats.spreadsheet(w["rating_mean"], 2),
                      formats.spreadsheet(mean_ci[0], 2), formats.spreadsheet(mean_ci[1], 2)]  # fmt: skip
        d_ci = r["helpful_share_difference_ci95"] or [None, None]
        cells += [_pct(r["helpful_share_difference"]), _pct(d_ci[0]), _pct(d_ci[1]),
                  text(f"measures.verdict.{r['verdict']}", "de")]  # fmt: skip
        lines.append(cells)
    return to_csv(lines)  # the byte order mark comes with the download (shared.downloads.csv_download)


def atom(entries: list[tuple[StoredMeasure, dict[str, Any]]], base_url: str, lang: str) -> bytes:
    """An Atom 1.0 feed of the published measures (RFC 4287); text only, no markup."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": lang})
    page = f"{base_url}{PATH}?{urlencode({'lang': lang})}"
    ET.SubElement(feed, f"{{{ATOM}}}id").text = f"{base_url}{PATH}"
    ET.SubElement(feed, f"{{{ATOM}}}title").text = text("impact.title", lang)
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": page})
    own = f"{base_url}{PATH}/feed.atom?{urlencode({'lang': lang})}"
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "type": "application/atom+xml", "href": own})
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "Stadtstimme"
    times = [s.published_at or s.saved_at for s, _ in entries]
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = max(times, default=datetime(2000, 1, 1, tzinfo=UTC)).isoformat()
    for stored, shown in entries:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"urn:uuid:{stored.measure.measure_id}"
        ET.SubElement(entry, f"{{{ATOM}}}title").text = shown["title"]
        updated = max(stored.saved_at, stored.published_at or stored.saved_at)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = updated.isoformat()
        ET.SubElement(entry, f"{{{ATOM}}}published").text = (stored.published_at or stored.saved_at).isoformat()
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html",
                                                  "href": f"{page}#{shown['anchor']}"})  # fmt: skip
        e = shown["effect"]
        summary = [shown["description"], f"{text('impact.verdict', lang)}: {e['verdict_text']}", *shown["origins"]]
        ET.SubElement(entry, f"{{{ATOM}}}summary", {"type": "text"}).text = "\n".join(summary)
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body


def build_impact_router(settings: Settings, pool: asyncpg.Pool) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    base_url = settings.public_base_url.rstrip("/")
    frame = {"X-Frame-Options": "DENY"}

    async def unit_names() -> dict[str, str]:
        async with pool.acquire() as conn:
            return {r["id"]: r["name"] for r in await conn.fetch("SELECT id, name FROM org_unit")}

    @router.get(PATH)
    async def impact(request: Request) -> Response:
        lang = language(request)
        everything = await measures.published_effects(pool, settings)
        names = await unit_names()
        units = sorted({s.measure.org_unit for s, _ in everything}, key=lambda u: (names.get(u) or u).casefold())
        chosen = request.query_params.get("einheit", "")[:64]
        shown = [item(s, e, names.get(s.measure.org_unit, ""), lang) for s, e in everything
                 if not chosen or s.measure.org_unit == chosen]  # fmt: skip
        other = "en" if lang == "de" else "de"
        switch = f"{PATH}?{urlencode({'lang': other} | ({'einheit': chosen} if chosen else {}))}"
        return render_page(_TEMPLATES, "impact.html", csp=CSP, headers=frame, lang=lang,
                           t=lambda key, **v: text(key, lang, **v), items=shown, chosen=chosen,
                           units=[(u, names.get(u, u)) for u in units], switch=switch, other=other,
                           feed=f"{PATH}/feed.atom?lang={lang}", small=SMALL_NUMBER)  # fmt: skip

    @router.get(f"{PATH}/feed.atom")
    async def feed(request: Request) -> Response:
        lang = language(request)
        names = await unit_names()
        entries = [(s, item(s, e, names.get(s.measure.org_unit, ""), lang))
                   for s, e in await measures.published_effects(pool, settings)]  # fmt: skip
        return Response(atom(entries, base_url, lang), media_type="application/atom+xml; charset=utf-8",
                        headers=PUBLIC)  # fmt: skip

    @router.get(f"{PATH}/massnahmen.{{fmt}}")
    async def open_data(fmt: str, request: Request) -> Response:
        if fmt not in ("csv", "json"):
            return Response(status_code=404)
        names = await unit_names()
        rows = [open_data_row(s, e, names.get(s.measure.org_unit, "")) for s, e in
                await measures.published_effects(pool, settings)]  # fmt: skip
        if fmt == "csv":
            return csv_download(as_csv(rows), "massnahmen.csv")
        document = {
            "title": "Maßnahmen der Stadt und ihre Wirkung auf die Zufriedenheit mit ihren Webseiten",
            "description": (
                "Veröffentlichte Maßnahmen mit Rückmeldungen über das Feedback-Widget vor und nach dem Start, in zwei "
                "gleich langen Zeiträumen: Anzahl, Anteil 'hilfreich' mit Wilson-95-%-Intervall, mittlere Bewertung "
                "(1–5) mit t-95-%-Intervall, Differenz der Anteile mit Newcombe-Intervall und Ergebnis. Zeiträume mit "
                f"weniger als {SMALL_NUMBER} Rückmeldungen ohne Zahlen."
            ),
            "licence": LICENCE,
            "generated_at": datetime.now(UTC),
            "items": rows,
        }
        return download(orjson.dumps(document), "massnahmen.json", JSON)

    return router

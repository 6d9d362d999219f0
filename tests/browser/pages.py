"""City pages for the browser tests (normal, hostile, strict CSP) and helpers to drive and inspect the widget."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from services.ingest.surveys import LiveSurvey, delivery
from shared.contracts.surveys import SurveyDefinition
from tests.browser.conftest import AXE, CITY, PAGE, WCAG_TAGS, FakeFeedback, WidgetServer

# The page's address as a citizen has it: with a query and a fragment, which must never be sent.
PAGE_WITH_QUERY = PAGE + "?strasse=Hauptstra%C3%9Fe&hausnummer=12#termine"
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

# Global CSS as aggressive as a careless or hostile stylesheet gets, including rules aimed at the widget's host.
HOSTILE_CSS = """
* { all: unset; display: inline; font-size: 4px !important; line-height: 0 !important; color: #f0f !important;
    letter-spacing: 3px !important; }
button { display: none !important; }
input, select, textarea { visibility: hidden !important; width: 0 !important; height: 0 !important; }
div, p { position: static !important; margin: 100px !important; z-index: -1 !important; }
:focus, :focus-visible { outline: none !important; }
[data-stadtstimme-host], [data-stadtstimme-feedback] { display: none !important; opacity: 0 !important; }
"""

# Replaces common built-ins with functions that throw. `__hostile.restore()` puts the originals back (for axe,
# which runs in the page's realm), `__hostile.break()` breaks them again; polluting Object.prototype too.
HOSTILE_JS = """
(function () {
  var broken = function () { throw new Error("broken by the hostile page"); };
  var targets = [
    [Array.prototype, "map"], [Array.prototype, "forEach"], [Array.prototype, "includes"],
    [Array.prototype, "filter"], [Array.prototype, "indexOf"], [Array.prototype, "join"], [Array.prototype, "push"],
    [Array.prototype, "some"], [Array.prototype, "reduce"], [Array.prototype, "slice"],
    [JSON, "stringify"], [JSON, "parse"], [Object, "assign"], [Object, "keys"], [Object, "entries"],
    [Function.prototype, "bind"], [Function.prototype, "call"], [Function.prototype, "apply"],
    [Element.prototype, "addEventListener"], [EventTarget.prototype, "addEventListener"],
    [String.prototype, "trim"], [String.prototype, "replace"], [String.prototype, "split"],
    [String.prototype, "toLowerCase"], [String.prototype, "slice"]
  ];
  var saved = [];
  for (var i = 0; i < targets.length; i++) saved[i] = targets[i][0][targets[i][1]];
  window.__hostile = {
    break: function () {
      for (var i = 0; i < targets.length; i++) targets[i][0][targets[i][1]] = broken;
      Object.prototype.polluted = "yes";
      Object.prototype.credentials = "include";
      Object.prototype.keepalive = true;
      Object.prototype.delegatesFocus = true;
      Object.prototype.nothing = null;
    },
    restore: function () {
      for (var i = 0; i < targets.length; i++) targets[i][0][targets[i][1]] = saved[i];
      delete Object.prototype.polluted;
      delete Object.prototype.credentials;
      delete Object.prototype.keepalive;
      delete Object.prototype.delegatesFocus;
      delete Object.prototype.nothing;
    }
  };
})();
"""

# Collects CSP violations from the first moment on (an init script is not subject to the page's CSP).
CSP_RECORDER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp[window.__csp.length] = e.violatedDirective + " " + e.blockedURI;
}, true);
"""

AXE_RUN = """
async (scope, tags) => {
  const context = scope ? { include: [[scope]] } : document;
  const result = await axe.run(context, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => String(n.target)) }));
}
"""

FOCUSED = """
() => {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  if (!a) return null;
  return { tag: a.tagName.toLowerCase(), id: a.id, text: (a.textContent || "").trim(),
           label: a.getAttribute("aria-label") || "", type: a.getAttribute("type") || "" };
}
"""


def city_html(
    server: WidgetServer,
    *,
    lang: str = "de",
    attrs: str = "",
    head: str = "",
    body_end: str = "",
    inline: bool = False,
    nonce: str | None = None,
) -> str:
    """An accessible page of the Abfallwirtschaftsbetrieb embedding the widget with the one-line tag."""
    n = f' nonce="{nonce}"' if nonce else ""
    container = '<section aria-label="Rückmeldung"><div data-stadtstimme-feedback></div></section>' if inline else ""
    return f"""<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Abfuhrkalender – Abfallwirtschaftsbetrieb Musterstadt</title>
{head}
<script src="{server.script}" data-site="abfall" {attrs} defer{n}></script>
</head>
<body>
<header><a href="{CITY}/">Abfallwirtschaftsbetrieb Musterstadt</a></header>
<main>
<h1>Abfuhrkalender</h1>
<p>Wann wird Ihre Tonne geleert? Hier finden Sie alle Termine für Ihre Straße.</p>
<p><a href="{CITY}/sperrmuell">Sperrmüll anmelden</a></p>
{container}
</main>
<footer><a href="{CITY}/impressum">Impressum</a></footer>
{body_end}
</body>
</html>"""


def hostile_html(server: WidgetServer, *, when: str = "before", inline: bool = False) -> str:
    """The city page with HOSTILE_CSS and HOSTILE_JS, breaking built-ins before or after the widget runs."""
    breaker = (
        "<script>__hostile.break();</script>"
        if when == "before"
        else '<script>document.addEventListener("DOMContentLoaded", function () { __hostile.break(); });</script>'
    )
    head = f"<style>{HOSTILE_CSS}</style><script>{HOSTILE_JS}</script>{breaker}"
    return city_html(server, head=head, inline=inline)


@dataclass
class CityPage:
    """An open city page with everything the tests watch: requests, console errors, uncaught exceptions."""

    page: Any
    cdp: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def js(self, function: str, *args: Any) -> Any:
        """Calls a JavaScript function in the page with JSON arguments and returns its (awaited) JSON result.

        Through the DevTools protocol rather than page.evaluate: Playwright's helper script in the page's realm
        needs the very built-ins the hostile pages break, the protocol needs none of them.
        """
        expression = f"({function})(...{json.dumps(args)})"
        reply = self.cdp.send(
            "Runtime.evaluate", {"expression": expression, "awaitPromise": True, "returnByValue": True}
        )
        if "exceptionDetails" in reply:
            raise AssertionError(f"JavaScript failed: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def widget_requests(self, server: WidgetServer) -> list[str]:
        return [u for u in self.requests if u.startswith(server.url)]

    def focused(self) -> dict[str, str]:
        """The element with keyboard focus, inside the widget's shadow root too."""
        result: dict[str, str] | None = self.js(FOCUSED)
        assert result is not None, "nothing has focus"
        return result

    def axe(self, scope: str | None = None) -> list[dict[str, Any]]:
        """Serious and critical WCAG 2.0–2.2 A/AA violations (axe must have been added to the context)."""
        result: list[dict[str, Any]] = self.js(AXE_RUN, scope, WCAG_TAGS)
        return result


def open_city(
    context: Any,
    html: str,
    *,
    url: str = PAGE_WITH_QUERY,
    headers: dict[str, str] | None = None,
    axe: bool = False,
    csp_recorder: bool = False,
) -> CityPage:
    """Serves ``html`` at the city's own origin (Playwright fulfils it) and opens it."""
    if axe:
        context.add_init_script(path=str(AXE))
    if csp_recorder:
        context.add_init_script(CSP_RECORDER)

    def fulfil(route: Any) -> None:
        route.fulfill(status=200, headers={"Content-Type": "text/html; charset=utf-8", **(headers or {})}, body=html)

    context.route(f"{CITY}/**", fulfil)
    return watched(context, url)


def open_page(context: Any, url: str, *, axe: bool = False) -> CityPage:
    """Opens a page of Stadtstimme itself (the form, the erasure page), watched like a city page."""
    if axe:
        context.add_init_script(path=str(AXE))
    return watched(context, url)


def watched(context: Any, url: str) -> CityPage:
    """A new page of the context, its requests, console errors and uncaught exceptions recorded, at ``url``."""
    page = context.new_page()
    city = CityPage(page, context.new_cdp_session(page))
    page.on("request", lambda r: city.requests.append(r.url))
    page.on("console", lambda m: city.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: city.errors.append(f"uncaught: {e}"))
    page.goto(url)
    return city


# ---- The widget's controls, found the way a person (or a screen reader) finds them ----


def launcher(page: Any, name: str = "Feedback zu dieser Seite") -> Any:
    return page.get_by_role("button", name=name, exact=True)


def button(page: Any, name: str) -> Any:
    return page.get_by_role("button", name=name, exact=True)


def answer_yes_then_follow_up(page: Any, *, comment: str = "", suggestion: str = "") -> None:
    """Step 1 "Ja", then step 2 with rating 2, the category "Barriere melden" and the given texts; sends."""
    button(page, "Ja").click()
    page.get_by_role("radio", name="2 – schlecht").check()
    page.get_by_label("Worum geht es?").select_option("accessibility_barrier")
    if comment:
        page.get_by_label("Ihr Kommentar").fill(comment)
    if suggestion:
        page.get_by_label("Ihr Verbesserungsvorschlag").fill(suggestion)
    button(page, "Absenden").click()
    page.get_by_text("Vielen Dank für Ihre Rückmeldung!").wait_for()


# ---- On-site surveys ----

SURVEY_ID = "buergeramt-termine"
SURVEY_TITLE = "Ihre Meinung zur Terminvergabe"
SURVEY_TITLE_EN = "Your opinion on booking appointments"
ALL_TYPES = [
    {"id": "zufrieden", "type": "rating", "required": True,
     "text": {"de": "Wie zufrieden waren Sie mit der Terminvergabe?", "en": "How satisfied were you?"}},
    {"id": "gefunden", "type": "yes_no", "text": {"de": "Haben Sie einen passenden Termin gefunden?"}},
    {"id": "empfehlen", "type": "nps", "text": {"de": "Wie wahrscheinlich empfehlen Sie die Online-Terminvergabe?"}},
    {"id": "kanal", "type": "single", "text": {"de": "Wie haben Sie gebucht?"},
     "options": [{"id": "online", "label": {"de": "Online"}}, {"id": "telefon", "label": {"de": "Telefon"}},
                 {"id": "vor-ort", "label": {"de": "Vor Ort"}}]},
    {"id": "themen", "type": "multiple", "text": {"de": "Worum ging es?"},
     "options": [{"id": "ausweis", "label": {"de": "Personalausweis"}}, {"id": "meldung", "label": {"de": "Ummeldung"}},
                 {"id": "fuehrerschein", "label": {"de": "Führerschein"}}]},
    {"id": "anmerkung", "type": "text", "max_chars": 500, "text": {"de": "Möchten Sie uns noch etwas sagen?"}},
]  # fmt: skip


def survey(
    survey_id: str = SURVEY_ID,
    *,
    version: int = 2,
    questions: list[dict[str, Any]] | None = None,
    title: str = SURVEY_TITLE,
    thanks: str | None = None,
    **targeting: Any,
) -> dict[str, Any]:
    """One survey as the server delivers it to the widget: a real ``SurveyDefinition`` through the real
    ``delivery()``. Targeting defaults: every page of the site, always, at once (delay 0)."""
    definition = SurveyDefinition.model_validate(
        {
            "id": survey_id,
            "org_unit": "abfall",
            "title": {"de": title, "en": SURVEY_TITLE_EN},
            "intro": {"de": "Drei Minuten, anonym.", "en": "Three minutes, anonymous."},
            "thanks": {"de": thanks} if thanks else None,
            "questions": questions or [{"id": "hilfreich", "type": "yes_no", "text": {"de": "Hat alles geklappt?"}}],
            "targeting": {"sites": ["abfall"], "trigger": {"kind": "delay", "delay_s": 0}, **targeting},
        }
    )
    live = LiveSurvey(survey_id, "active", version, {version: definition}, responses=0)
    document: dict[str, Any] = json.loads(json.dumps(delivery(live), default=str))
    return document


def survey_region(page: Any, title: str = SURVEY_TITLE) -> Any:
    """The survey panel, found as assistive technology finds it: a region named by its title."""
    return page.get_by_role("region", name=title, exact=True)


SURVEY_DECIDED = """
() => {
  // The definitions arrived a moment ago (the widget decides within a task of that): a survey or none.
  const entries = performance.getEntriesByType("resource");
  for (let i = 0; i < entries.length; i++) {
    if (entries[i].name.indexOf("/api/v1/surveys?") > 0) return performance.now() - entries[i].responseEnd > 200;
  }
  return false;
}
"""

SURVEY_SCRIPTS = """() => document.querySelectorAll('script[src*="/widget/v1/survey-"]').length"""


def survey_decided(city: CityPage) -> int:
    """Waits until the widget has had the site's survey definitions and decided; how many survey bundles it
    injected (0 or 1)."""
    city.page.wait_for_function(SURVEY_DECIDED, polling=20)
    count: int = city.js(SURVEY_SCRIPTS)
    return count


def wait_for_parts(page: Any, fake_answers: FakeFeedback, count: int, timeout_s: float = 10) -> None:
    """Waits until the fake survey-responses endpoint got ``count`` requests (parts are sent asynchronously)."""
    deadline = time.monotonic() + timeout_s
    while len(fake_answers.requests()) < count:
        assert time.monotonic() < deadline, f"{count} parts expected, got {len(fake_answers.requests())}"
        page.wait_for_timeout(50)  # (Playwright handles routes and events only while it is called)


# Every interactive element's box inside a widget's shadow root (``host``), and whether its panel (``panel``), an
# element in it or the page scrolls sideways. Visually hidden parts (honeypot, screen-reader text) are skipped.
MEASURE = """
(host, panelSelector) => {
  // No Array/String methods: on the hostile page they are broken while this runs.
  const root = document.querySelector(host).shadowRoot;
  const panel = root.querySelector(panelSelector);
  const boxes = [];
  for (const e of root.querySelectorAll("button, input:not([name=website]), select, textarea")) {
    const r = e.getBoundingClientRect();
    if (r.width || r.height) boxes[boxes.length] = {name: e.textContent || e.id || e.value, x: r.x, right: r.right,
                                                    width: r.width, height: r.height};
  }
  const overflowing = [];
  for (const e of root.querySelectorAll("*:not(.hp, .hp *, .sr)")) {
    if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== "visible") {
      overflowing[overflowing.length] = e.className || e.tagName;
    }
  }
  return {boxes, panelScrolls: panel.scrollWidth > panel.clientWidth, overflowing, viewport: innerWidth,
          pageScrolls: document.documentElement.scrollWidth > innerWidth};
}
"""

/*
 * Stadtstimme citizen feedback widget, v1 (see widget/README.md).
 *
 *   <script src="https://feedback.example/widget/v1/stadtstimme.js" data-site="abfall" defer></script>
 *   <div data-stadtstimme-feedback></div>   (optional: inline in the page flow instead of a floating button)
 *
 * Plain JavaScript, no framework, rendered into an open Shadow DOM. Loaded before the citizen interacts: this
 * one file and one request for the site's document, its survey definitions and SDG pages (the same URL for every
 * page and visitor; see init() below), nothing else (no cookie, nothing stored). The second bundle (survey.js) is
 * loaded only when needed: a survey is shown, the barrier form opened, a deletion code shown, a proof of work
 * asked for. It follows client-side route changes (History API): see moved() below.
 *
 * Hostile host pages. A city page may carry scripts that replace built-ins with broken versions, before or
 * after this script runs. The defence, in order of strength:
 *  1. Never use what is commonly patched: no Array.prototype methods (index loops instead), no JSON.stringify
 *     or JSON.parse (own encoder, Response.prototype.json), no Object.assign/keys, no
 *     Function.prototype.bind/call/apply (closures and a Reflect.apply taken at load), no addEventListener on
 *     our own elements (`on…` handler properties; the page's window and survey buttons get the one taken at
 *     load), no String.prototype methods after load. Objects whose keys are enumerated or read by the browser
 *     (request bodies, fetch options) have a null prototype, so polluting Object.prototype changes nothing.
 *  2. Whatever must be called after load (fetch, timers, Date.now, crypto, focus, setAttribute, createElement,
 *     append, querySelectorAll, encodeURIComponent) is taken once when the script runs (common.js), so replacing
 *     it later changes nothing. The page's address is read from location, which a page can't patch.
 *  3. The whole feedback DOM is built at load, so later patches to createElement/append/attachShadow don't
 *     matter (the survey's script tag, built later, uses the functions taken at load).
 * What it can't do: if DOM or platform functions themselves (document.createElement, attachShadow, fetch,
 * Promise, crypto) are already broken when this script runs, there is no clean copy left in this realm; the
 * widget then fails without touching the page (the no-JavaScript form stays available).
 */
// widget.* texts of shared/widget_messages.json (not widget.survey.*), keyed by their data-text-<name> name
// ("widget.error.final" -> "error-final") in an object without prototype: see build.mjs.
import M from "catalogue:main";
import CSS from "./widget.css";
import {
  APPEND,
  BODY,
  CLEAR_TIMEOUT,
  D,
  DATE_PARSE,
  F,
  FOCUS,
  LISTEN,
  NOW,
  QUERY_ALL,
  R,
  RANDOM,
  SET_ATTRIBUTE,
  SET_TIMEOUT,
  W,
  backoff,
  h,
  json,
  post,
  refused,
  since,
  uuid,
} from "./common.js"; // the built-ins, taken now, and helpers shared with the survey bundle

// Must be read now: document.currentScript is only set while this script runs (always, for a classic script in
// the document; inside a shadow root it is null, and the widget stays off).
const SCRIPT = D.currentScript;

const E = encodeURIComponent; // taken now, used after load too
const CATEGORIES = ["content", "technical", "accessibility_barrier", "service", "other"];

/** Whether the whole path matches a pattern of the survey's targeting: "*" is any run of characters, "/" too.
 * Greedy, backtracking to the last star only: at most path × pattern steps, never exponential. */
const glob = (p, s) => {
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (j < s.length) {
    if (p[i] == "*") {
      star = i++;
      mark = j;
    } else if (i < p.length && p[i] == s[j]) {
      i++;
      j++;
    } else if (star < 0) return false;
    else {
      i = star + 1;
      j = ++mark;
    }
  }
  while (p[i] == "*") i++;
  return i == p.length;
};
const any = (patterns, path) => {
  for (let i = 0; i < patterns.length; i++) if (glob(patterns[i], path)) return true;
};

/**
 * On-site surveys (widget/README.md): the site's definitions arrive with the site's document (init below: one
 * cacheable document, the same for everyone: the request names the site only, no page, no visitor); the targeting
 * is evaluated here on the path of the page now shown. At most one survey per page view (a client-side route
 * change is a new one: an earlier view's trigger then does nothing): the first in the document's order that
 * targets this path, is inside its time window, wasn't dismissed for this tab and wins its draw
 * (sampling_percent, per page view; a button trigger skips the draw: the citizen asked for it, and needs its
 * button on the page). Its trigger then loads the survey code, a second bundle; nothing else is loaded, stored or
 * sent here. Any failure: no survey, silently.
 */
let views = 0; // page views so far
const surveys = (list, path, lazy) => {
  const view = ++views;
  try {
    const now = NOW();
    for (let i = 0; i < list.length; i++) {
      const s = list[i];
      const t = s.targeting;
      const g = t.trigger;
      const kind = g.kind;
      const buttons = R(QUERY_ALL, D, ['[data-stadtstimme-survey="' + s.id + '"]']);
      let dismissed;
      try {
        dismissed = W.sessionStorage["stadtstimme.survey." + s.id]; // read only; written on "Nicht mehr anzeigen"
      } catch (_) {}
      if (
        any(t.include, path) &&
        !any(t.exclude, path) &&
        !(DATE_PARSE(t.starts_at) > now) && // null: no bound (NaN compares false)
        !(DATE_PARSE(t.ends_at) <= now) &&
        !dismissed &&
        (kind == "button" ? buttons.length : RANDOM() * 100 < t.sampling_percent)
      ) {
        let due; // delay_s passed
        let wanted = kind == "delay";
        let done;
        const go = () => {
          if (due && wanted && !done && view == views) {
            done = 1;
            lazy("data-survey", s.id, "data-version", s.version);
          }
        };
        const check = () => {
          const e = D.documentElement;
          if (kind == "scroll" && (W.scrollY + W.innerHeight) * 100 >= e.scrollHeight * g.scroll_percent) wanted = 1;
          go();
        };
        const ask = () => {
          wanted = 1; // a click during delay_s opens it once delay_s is over
          go();
        };
        if (kind == "scroll") R(LISTEN, W, ["scroll", check]); // after a route change: a check that does nothing
        for (let j = 0; j < buttons.length; j++) R(LISTEN, buttons[j], ["click", ask]);
        SET_TIMEOUT(() => {
          due = 1;
          check(); // the scroll position as it is by then counts too
        }, g.delay_s * 1000);
        return;
      }
    }
  } catch (_) {}
};

const init = () => {
  if (!SCRIPT) return;
  const attr = (name) => SCRIPT.getAttribute("data-" + name);
  const site = attr("site");
  const container = D.querySelector("[data-stadtstimme-feedback]");
  if (!site || (container && container.shadowRoot) || D.querySelector("[data-stadtstimme-host]")) return;

  // German unless the script tag or the page says English.
  const wanted = attr("lang");
  const lang = wanted == "de" || wanted == "en" ? wanted : /^en\b/i.test(D.documentElement.lang) ? "en" : "de";

  // Texts: the catalogue in the page's language, each overridable with data-text-<name> on the script tag,
  // where <name> is the catalogue key without "widget." and with dots as hyphens (widget.error.final ->
  // data-text-error-final; build.mjs names M's keys so). Overrides are set as text, never parsed as HTML.
  // M has no prototype: what a page added to Object.prototype is not among its keys.
  const T = { __proto__: null };
  for (const name in M) T[name] = attr("text-" + name) || M[name][lang] || M[name].de;

  // The API lives next to the script (/widget/v1/… -> /api/v1/feedback), also behind a path prefix.
  const api = new URL("../../api/v1/feedback", SCRIPT.src).href;
  // Only origin and path of the page: no query, no fragment (they may hold personal data). The page is the one
  // the citizen sees now: a single-page application changes it with the History API (see moved() below), so it
  // is read from location (unforgeable: a page can't patch it), unless data-page-url fixes it.
  const at = attr("page-url") ? new URL(attr("page-url"), location) : location;
  const here = () => at.origin + at.pathname;
  let page = here();

  const floating = !container;
  const host = container || h("div", ["data-stadtstimme-host", ""]);
  const root = host.attachShadow({ __proto__: null, mode: "open" }); // open: for axe and tests; nothing secret inside
  try {
    // Constructable stylesheet: not an inline <style>, so a strict CSP without 'unsafe-inline' allows it.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } catch (_) {
    // Older browsers: a <style> carrying our script's nonce, accepted by a nonce-based style-src.
    const style = h("style", [], CSS);
    style.nonce = SCRIPT.nonce;
    root.append(style);
  }

  // ---- DOM, all built now (see the header comment) ----
  const button = (text, cls) => h("button", ["type", "button", "class", cls || ""], text);
  const question = h("p", ["class", "q", "id", "q", "tabindex", "-1"], T.question);
  const yes = button(T.yes);
  const no = button(T.no);
  const choices = h("div", ["class", "yn", "role", "group", "aria-labelledby", "q"], yes, no);
  // When sending has failed for good, or without JavaScript: the same feedback as a plain form, served by
  // Stadtstimme. "Barriere melden" links there too, and opens the report's form (in the lazily loaded bundle).
  const formBase = new URL("../../feedback/form?site=" + E(site) + "&page=", SCRIPT.src).href;
  const formUrl = () => formBase + E(page) + "&lang=" + lang; // of the page now shown
  const barrier = h("a", ["href", formUrl(), "class", "bl"], T["category-accessibility_barrier"]);
  const step1 = h("div", ["class", "v"], question, choices, barrier);

  const more = h("p", ["id", "m", "tabindex", "-1"], T.more);
  const ratings = h("div", ["class", "r"]);
  const radios = [];
  for (let i = 1; i < 6; i++) {
    radios[i] = h("input", ["type", "radio", "name", "r", "value", i]);
    ratings.append(h("label", [], radios[i], T["rating-" + i]));
  }
  const category = h("select", ["id", "k"], h("option", ["value", ""], T["category-none"]));
  for (let i = 0; i < 5; i++) category.append(h("option", ["value", CATEGORIES[i]], T["category-" + CATEGORIES[i]]));
  const textarea = (id) => h("textarea", ["id", id, "maxlength", "2000", "aria-describedby", "h"]);
  const comment = textarea("c");
  const suggestion = textarea("s");
  const labelled = (id, text, field) => h("div", [], h("label", ["for", id, "class", "lb"], text), field);
  // Honeypot: a real text input for bots; hidden from sight, keyboard (tabindex -1) and screen readers.
  const honeypot = h("input", ["type", "text", "name", "website", "id", "w", "tabindex", "-1", "autocomplete", "off"]);
  const submit = button(T.submit, "pr");
  const step2 = h(
    "div",
    ["class", "v", "hidden", ""],
    more,
    h("fieldset", [], h("legend", [], T.rating), ratings),
    labelled("k", T.category, category),
    labelled("c", T.comment, comment),
    labelled("s", T.suggestion, suggestion),
    h("p", ["class", "h", "id", "h"], T.privacy),
    h("div", ["class", "hp", "aria-hidden", "true"], h("label", ["for", "w"], T.honeypot), honeypot),
    submit,
  );
  const thanks = h("p", ["class", "q", "tabindex", "-1", "hidden", ""], T.thanks);
  // Live regions exist from the start (a region inserted together with its text is often not announced).
  // A part with free text is answered with its deletion code: shown in the status region (announced politely),
  // selectable in one go, with a link to the page that erases the text with it (no JavaScript, on our host),
  // both put there by the lazily loaded bundle (see attempt()): only needed once a text was sent.
  const status = h("p", ["role", "status", "class", "h"]);
  const alert = h("p", ["role", "alert", "class", "e"]);
  const retry = h("button", ["type", "button", "hidden", ""], T.retry);

  const form = h("a", ["href", formUrl(), "hidden", ""], T.form);
  // On an SDG page, after the first answer: the invitation to the EU's common feedback tool (the site's document).
  const sdgLink = h("a", ["hidden", ""]);
  const panel = h("div", ["class", "p v", "id", "p"], step1, step2, thanks, sdgLink, status, alert, retry, form);
  const wrapper = h("div", ["class", floating ? "f" : "", "lang", lang], panel);
  let launcher;

  // ---- Behaviour ----
  const focus = (e) => R(FOCUS, e, []);
  let current = question; // what gets focus when the panel opens: the current step's heading
  let shown = NOW(); // when the current step became visible (time trap, judged by the server)
  let responseId; // the first part's event_id; set once the citizen answered step 1
  let job; // the send in progress: {b: JSON body, n: retries so far, d: what to do once accepted}
  let busy;
  let timer;

  const goTo = (step, target, quiet) => {
    step1.hidden = step2.hidden = thanks.hidden = true;
    step.hidden = false;
    shown = NOW();
    current = target;
    if (!panel.hidden && !quiet) focus(target); // never steal focus into a closed panel
  };

  const attempt = async () => {
    if (busy || !job) return;
    CLEAR_TIMEOUT(timer);
    busy = 1;
    retry.hidden = true;
    alert.textContent = "";
    status.textContent = T.sending;
    const j = job;
    const { c, r, d } = await post(api, j, pow);
    if (j != job) return; // the citizen moved on to another page meanwhile: that page has a fresh response
    busy = 0;
    status.textContent = "";
    if (c > 199 && c < 300) {
      const done = job.d;
      job = 0;
      done();
      // After the step's focus moved: the code is announced after the step's text. Handed over as properties of
      // the bundle's tag, not as attributes: the code is not written into the page.
      if (d) lazy("data-code", 1, "data-code", 1).c = [status, d];
    } else if (refused(c)) {
      job = 0; // the server said no for good: retrying the same body can't help
      alert.textContent = T["error-rejected"];
      form.hidden = false;
    } else {
      retry.hidden = false;
      const wait = backoff(job, r);
      if (wait) {
        timer = SET_TIMEOUT(attempt, wait);
        alert.textContent = T["error-retrying"];
      } else {
        alert.textContent = T["error-final"];
        form.hidden = false;
      }
    }
  };

  // Every part is sent until accepted with the same body, so the same event_id: the server deduplicates.
  const send = (body, done) => {
    job = { b: json(body), n: 0, d: done };
    attempt();
  };

  const answer = (helpful) => {
    moved();
    if (responseId) return;
    responseId = uuid();
    const body = {
      __proto__: null,
      event_id: responseId,
      response_id: responseId,
      site,
      page_url: page,
      helpful,
      language: lang,
      elapsed_ms: since(shown),
    };
    send(body, () => {
      goTo(step2, more);
      sdgLink.hidden = !sdg;
    });
  };
  yes.onclick = () => answer(true);
  no.onclick = () => answer(false);

  const filled = (field) => {
    const v = field.value;
    for (let i = 0; i < v.length; i++) if (v[i] > " ") return v;
  };
  submit.onclick = () => {
    if (moved()) return;
    if (job) return attempt(); // still sending: try again now, with the body already on its way
    let rating;
    for (let i = 1; i < 6; i++) if (radios[i].checked) rating = i;
    const body = {
      __proto__: null,
      event_id: uuid(),
      response_id: responseId,
      site,
      page_url: page,
      rating,
      comment: filled(comment),
      suggestion: filled(suggestion),
      category: category.value || null,
      language: lang,
      elapsed_ms: since(shown),
      website: honeypot.value,
    };
    const thank = () => goTo(thanks, thanks);
    // Nothing filled in: nothing to send, just thank them.
    rating || body.comment || body.suggestion || body.category ? send(body, thank) : thank();
  };
  retry.onclick = attempt;

  if (floating) {
    const close = h("button", ["type", "button", "class", "x", "aria-label", T.close], "×");
    const attributes = ["type", "button", "class", "l", "aria-expanded", "false", "aria-controls", "p"];
    launcher = h("button", attributes, T.launcher);
    panel.prepend(h("div", ["class", "hd"], h("p", ["class", "t", "id", "t"], T.launcher), close));
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-labelledby", "t");
    panel.hidden = true;
    wrapper.prepend(launcher);
    const open = (yes) => {
      moved(); // opened right after a route change: the new page's question, not the old page's step
      panel.hidden = !yes;
      R(SET_ATTRIBUTE, launcher, ["aria-expanded", yes ? "true" : "false"]);
      if (yes) {
        if (!responseId) shown = NOW(); // the question is visible from now on
        focus(current);
      } else focus(launcher);
    };
    launcher.onclick = () => open(panel.hidden);
    close.onclick = () => open(false);
    wrapper.onkeydown = (e) => {
      if (e.key == "Escape" && !panel.hidden) open(false);
    };
  } else {
    // Inline: the question counts as visible once it is scrolled into view.
    try {
      const seen = new IntersectionObserver((entries) => {
        if (entries[0].isIntersecting && !responseId) {
          shown = NOW();
          seen.disconnect();
        }
      });
      seen.observe(host);
    } catch (_) {}
  }
  // The lazily loaded bundle (SURVEY_FILE, "survey-<sha256 prefix>.js", and SURVEY_INTEGRITY: put here by
  // build.mjs), content-addressed and with its integrity (a page pinning this script with SRI gets it pinned too),
  // told on its script tag what it needs: a survey (data-survey, data-version) or the barrier report's form.
  const lazy = (name, value, name2, value2) => {
    const script = h("script", [
      "src", new URL(SURVEY_FILE, SCRIPT.src).href, "integrity", SURVEY_INTEGRITY, "crossorigin", "anonymous",
      "referrerpolicy", "no-referrer", "data-site", site, "data-lang", lang, "data-page-url", page, name, value,
      name2, value2,
    ]); // prettier-ignore
    script.nonce = SCRIPT.nonce;
    R(APPEND, D.body, [script]);
    return script;
  };
  // Proof of work, asked for by the server under attack only (common.js post()): solved by the lazily loaded
  // bundle, which puts the solution (a promise) on its tag; no solution if it can't be loaded.
  const pow = (url) =>
    new Promise((ok) => {
      const script = lazy("data-pow", url, "data-pow", url);
      script.onload = script.onerror = () => ok(script.pow);
    });
  // Returning false keeps the link from navigating (to the no-JavaScript form); the bundle shows one form at a
  // time (a second click focuses the open one).
  barrier.onclick = () => {
    lazy("data-barrier", 1, "data-barrier", 1);
    return false;
  };
  root.append(wrapper);
  if (floating) D.body.append(host);

  // The site's document (services/ingest/surveys.py): its surveys, and its SDG pages as [pattern, SDG?] pairs
  // (sections, shortest first, then exact pages: the last match decides), with the SDG question, the
  // invitation's text and the common feedback tool's address. Decided here, for the page now shown: the server
  // never learns which page is viewed.
  let doc = {};
  let sdg; // the invitation's address, on an SDG page; the link is shown once the first answer was taken
  const view = () => {
    let s = doc.sdg;
    let on;
    try {
      for (let i = 0; i < s.paths.length; i++) if (glob(s.paths[i][0], at.pathname)) on = s.paths[i][1];
    } catch (_) {}
    question.textContent = on ? s.question[lang] : T.question;
    sdg = on && s.url;
    if (sdg) {
      sdgLink.href = sdg;
      sdgLink.textContent = s.link[lang];
    }
    if (doc.surveys) surveys(doc.surveys, at.pathname, lazy);
  };
  // A client-side route change (History API: pushState, replaceState, popstate; not a change of the fragment
  // only) is a new page view: checked twice a second and before each of the citizen's steps (a timer, not a
  // wrapped history.pushState: nothing of the page is patched, and nothing the page patches is relied on). The
  // new page gets a fresh response (what was half filled in is dropped; a part still being sent for the old page
  // is not retried), its own form links, SDG question and survey.
  const moved = () => {
    if (here() == page) return;
    page = here();
    job = busy = responseId = 0; // a retry still due finds no job
    comment.value = suggestion.value = category.value = honeypot.value = alert.textContent = status.textContent = "";
    for (let i = 1; i < 6; i++) radios[i].checked = false;
    retry.hidden = form.hidden = sdgLink.hidden = true; // the code's link goes with its bundle (survey.js)
    barrier.href = form.href = formUrl();
    goTo(step1, question, 1); // focus stays where it is: the citizen followed a link of the page
    view();
    return 1;
  };
  const watch = () => {
    moved();
    SET_TIMEOUT(watch, 500);
  };
  watch();
  if (attr("surveys") != "off") {
    (async () => {
      try {
        const url = new URL("../../api/v1/surveys?site=" + E(site), SCRIPT.src).href;
        doc = await R(BODY, await F(url, { __proto__: null, credentials: "omit", referrerPolicy: "no-referrer" }), []);
        view();
      } catch (_) {}
    })();
  }
};

// A deferred script runs after parsing; an async or injected one may run earlier.
D.readyState == "loading" ? D.addEventListener("DOMContentLoaded", init) : init();

/*
 * Stadtstimme citizen feedback widget, v1 (see widget/README.md).
 *
 *   <script src="https://feedback.example/widget/v1/stadtstimme.js" data-site="abfall" defer></script>
 *   <div data-stadtstimme-feedback></div>   (optional: inline in the page flow instead of a floating button)
 *
 * Plain JavaScript, no framework, rendered into an open Shadow DOM. Loaded before the citizen interacts: this
 * one file, nothing else (no request, no cookie, no storage of any kind).
 *
 * Hostile host pages. A city page may carry scripts that replace built-ins with broken versions, before or
 * after this script runs. The defence, in order of strength:
 *  1. Never use what is commonly patched: no Array.prototype methods (index loops instead), no JSON.stringify
 *     (own encoder below), no Object.assign/keys, no Function.prototype.bind/call/apply (closures and a
 *     Reflect.apply taken at load), no addEventListener (`on…` handler properties of our own elements), no
 *     String.prototype methods after load. Objects whose keys are enumerated or read by the browser (request
 *     bodies, fetch options) have a null prototype, so polluting Object.prototype changes nothing.
 *  2. Whatever must be called after load (fetch, timers, Date.now, crypto, focus, setAttribute) is taken once
 *     when the script runs, so replacing it later changes nothing.
 *  3. The whole DOM is built at load, so later patches to createElement/append/attachShadow don't matter.
 * What it can't do: if DOM or platform functions themselves (document.createElement, attachShadow, fetch,
 * Promise, crypto) are already broken when this script runs, there is no clean copy left in this realm; the
 * widget then fails without touching the page (the no-JavaScript form stays available).
 */
import M from "../../shared/widget_messages.json"; // the citizen texts, shared with the server's form
import CSS from "./widget.css";

const W = window;
const D = document;
const R = Reflect.apply;
const F = W.fetch;
const SET_TIMEOUT = W.setTimeout;
const CLEAR_TIMEOUT = W.clearTimeout;
const NOW = Date.now;
const C = W.crypto;
const RANDOM_UUID = C.randomUUID; // only in secure contexts (https, localhost)
const RANDOM_VALUES = C.getRandomValues;
// Proof of work, only when the operator switched it on under attack (services/ingest/pow.py): SHA-256 of
// salt + number, tried until it matches the server's challenge. crypto.subtle exists in secure contexts only.
const SUBTLE = C.subtle;
const DIGEST = SUBTLE && SUBTLE.digest;
const ENCODE = TextEncoder.prototype.encode;
const ENCODER = new TextEncoder();
const PARSE = JSON.parse;
const BTOA = W.btoa;
const TEXT = Response.prototype.text;
const FOCUS = HTMLElement.prototype.focus;
const SET_ATTRIBUTE = Element.prototype.setAttribute;
// Must be read now: document.currentScript is only set while this script runs.
const SCRIPT = D.currentScript || D.querySelector('script[src*="/widget/v1/stadtstimme"]');

const CATEGORIES = ["content", "technical", "accessibility_barrier", "service", "other"];
const HEX = "0123456789abcdef";
const RETRIES = 5; // automatic retries after 2, 4, 8, 16, 32 s: about a minute in total

/** h("button", ["type", "button"], "Ja", child…): an element; attributes as a flat list, children nodes/text. */
const h = (tag, attributes, ...children) => {
  const e = D.createElement(tag);
  for (let i = 0; i < attributes.length; i += 2) e.setAttribute(attributes[i], attributes[i + 1]);
  for (let i = 0; i < children.length; i++) e.append(children[i]);
  return e;
};

/** A JSON string literal. Control characters other than \n, \r, \t are dropped (never wanted in feedback). */
const str = (s) => {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c == '"' || c == "\\") out += "\\" + c;
    else if (c >= " ") out += c;
    else out += c == "\n" ? "\\n" : c == "\r" ? "\\r" : c == "\t" ? "\\t" : "";
  }
  return out + '"';
};

/** A flat object of strings, numbers and booleans as JSON; null/undefined values are left out. */
const json = (o) => {
  let out = "";
  for (const k in o) {
    const v = o[k];
    if (v != null) out += (out ? "," : "{") + str(k) + ":" + (typeof v == "string" ? str(v) : v);
  }
  return out + "}";
};

/** A random (version 4) UUID: crypto.randomUUID where available, else built from getRandomValues. */
const uuid = () => {
  if (RANDOM_UUID) return R(RANDOM_UUID, C, []);
  const b = new Uint8Array(16);
  R(RANDOM_VALUES, C, [b]);
  b[6] = (b[6] & 15) | 64;
  b[8] = (b[8] & 63) | 128;
  let s = "";
  for (let i = 0; i < 16; i++) {
    s += (i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "") + HEX[b[i] >> 4] + HEX[b[i] & 15];
  }
  return s;
};

/** Solve a proof-of-work challenge (ALTCHA format); the base64 solution, or undefined if none is found. */
const solve = async (url) => {
  const response = await F(url, { __proto__: null, credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer" });
  const c = R(PARSE, JSON, [await R(TEXT, response, [])]);
  for (let n = 0; n <= c.maxnumber; n++) {
    const hash = new Uint8Array(await R(DIGEST, SUBTLE, ["SHA-256", R(ENCODE, ENCODER, [c.salt + n])]));
    let hex = "";
    for (let i = 0; i < 32; i++) hex += HEX[hash[i] >> 4] + HEX[hash[i] & 15];
    if (hex == c.challenge) {
      const { algorithm, challenge, salt, signature } = c;
      return R(BTOA, W, [json({ __proto__: null, algorithm, challenge, number: n, salt, signature })]);
    }
  }
};

const since = (t) => {
  const d = NOW() - t;
  return d > 0 ? d : 0; // the wall clock may step back; the server wants ms >= 0
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

  // Texts: the catalogue in the page's language, each overridable with data-text-<key> on the script tag,
  // where <key> is the catalogue key without "widget." and with dots as hyphens (widget.error.final ->
  // data-text-error-final). Overrides are set as text, never parsed as HTML.
  const T = { __proto__: null };
  for (const key in M) {
    if (key[6] != ".") continue; // not "widget.…": something a page added to Object.prototype
    let name = "";
    for (let i = 7; i < key.length; i++) name += key[i] == "." ? "-" : key[i];
    T[name] = attr("text-" + name) || M[key][lang] || M[key].de;
  }

  // The API lives next to the script (/widget/v1/… -> /api/v1/feedback), also behind a path prefix.
  const api = new URL("../../api/v1/feedback", SCRIPT.src).href;
  // Only origin and path of the page: no query, no fragment (they may hold personal data).
  const pageUrl = new URL(attr("page-url") || location.href, location.href);
  const page = pageUrl.origin + pageUrl.pathname;

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
  const step1 = h("div", ["class", "v"], question, choices);

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
  const status = h("p", ["role", "status", "class", "h"]);
  const alert = h("p", ["role", "alert", "class", "e"]);
  const retry = h("button", ["type", "button", "hidden", ""], T.retry);

  // When sending has failed for good: the same feedback as a plain form, served by Stadtstimme (no JavaScript).
  const query = "?site=" + encodeURIComponent(site) + "&page=" + encodeURIComponent(page) + "&lang=" + lang;
  const form = h("a", ["href", new URL("../../feedback/form" + query, SCRIPT.src).href, "hidden", ""], T.form);
  const panel = h("div", ["class", "p v", "id", "p"], step1, step2, thanks, status, alert, retry, form);
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

  const goTo = (step, target) => {
    step1.hidden = step2.hidden = thanks.hidden = true;
    step.hidden = false;
    shown = NOW();
    current = target;
    if (!panel.hidden) focus(target); // never steal focus into a closed panel
  };

  const attempt = async () => {
    if (busy || !job) return;
    CLEAR_TIMEOUT(timer);
    busy = 1;
    retry.hidden = true;
    alert.textContent = "";
    status.textContent = T.sending;
    let code = 0;
    let retryAfter;
    let challenge;
    try {
      const response = await F(api, {
        __proto__: null,
        method: "POST",
        headers: { __proto__: null, "Content-Type": "application/json" },
        body: job.b,
        credentials: "omit",
        mode: "cors",
        cache: "no-store",
        referrerPolicy: "no-referrer", // the page URL is sent in the body, without query: no full Referer
      });
      code = response.status;
      retryAfter = response.headers.get("Retry-After") * 1000;
      challenge = response.headers.get("Stadtstimme-Challenge");
    } catch (_) {
      // network error, CORS failure, offline: retried like a 503
    }
    if (code == 403 && challenge && DIGEST && !job.p) {
      // Under attack the operator asks every browser for a little work first: do it once, then send again.
      job.p = 1;
      try {
        const solution = await solve(new URL(challenge, api).href);
        if (solution) {
          let b = "";
          for (let i = 0; i < job.b.length - 1; i++) b += job.b[i]; // the body without its closing brace
          job.b = b + ',"altcha":' + str(solution) + "}";
          busy = 0;
          return attempt();
        }
      } catch (_) {
        // no challenge to be had: shown like any refusal below
      }
    }
    busy = 0;
    status.textContent = "";
    if (code > 199 && code < 300) {
      const done = job.d;
      job = 0;
      done();
    } else if (code > 399 && code < 500 && code != 408 && code != 429) {
      job = 0; // the server said no for good: retrying the same body can't help
      alert.textContent = T["error-rejected"];
      form.hidden = false;
    } else {
      retry.hidden = false;
      if (job.n < RETRIES) {
        let wait = 2000 << job.n++;
        if (retryAfter > wait && retryAfter <= 60000) wait = retryAfter;
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
    send(body, () => goTo(step2, more));
  };
  yes.onclick = () => answer(true);
  no.onclick = () => answer(false);

  const filled = (field) => {
    const v = field.value;
    for (let i = 0; i < v.length; i++) if (v[i] > " ") return v;
  };
  submit.onclick = () => {
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
  root.append(wrapper);
  if (floating) D.body.append(host);
};

// A deferred script runs after parsing; an async or injected one may run earlier.
D.readyState == "loading" ? D.addEventListener("DOMContentLoaded", init) : init();

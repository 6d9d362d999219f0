/*
 * Stadtstimme on-site survey, v1 (see widget/README.md, "Surveys").
 *
 * Never embedded by a page: stadtstimme.js injects this script (content-addressed, with its integrity and the
 * page's nonce) once it has chosen a survey for this page view and its trigger fired, and says on the tag what
 * this needs: data-site, data-lang, data-page-url (origin + path), data-survey and data-version. With
 * data-barrier instead, the citizen followed "Barriere melden": this bundle then shows that form (barrier.js),
 * in the same kind of panel, and nothing of a survey. With data-code, it shows the feedback widget's deletion
 * code (in the widget's status region, handed over as the tag's property `c`); with data-pow, it solves the
 * proof of work at that address for the widget (the solution, a promise, as the tag's property `pow`): code the
 * main bundle leaves out to stay within its budget. What it shows goes when the page's path changes (a
 * single-page application's route change). Otherwise this script
 * fetches the site's survey definitions again (the same URL: from the HTTP cache) and shows that survey; if it
 * is gone (another version, ended), nothing happens.
 *
 * A floating panel bottom left, not modal, that doesn't take focus when it appears (a polite live region, in
 * the DOM before the panel, announces it); one question at a time with native controls. Each answered question
 * is sent at once as its own part, in order, one request at a time, each retried with the same body (so the
 * same event_id) like the feedback widget's; closing before the end sends one dismissal. Nothing is stored,
 * except on "Nicht mehr anzeigen": sessionStorage["stadtstimme.survey.<id>"] = "1", which stadtstimme.js reads.
 *
 * Hostile host pages: the rules of stadtstimme.js (see its header comment), with the built-ins taken when THIS
 * script runs (common.js is copied into each bundle). Since the DOM is built after the definitions arrive,
 * every DOM function used from then on was taken at load, too (h() in common.js, ATTACH, REMOVE below).
 */
import M from "catalogue:survey"; // widget.survey.*, widget.barrier.* and a few shared texts (see build.mjs)
import { report } from "./barrier.js";
import CSS from "./survey.css";
import {
  APPEND,
  BODY,
  D,
  F,
  FOCUS,
  LISTEN,
  NOW,
  QUERY_ALL,
  R,
  SET_ATTRIBUTE,
  SET_TIMEOUT,
  W,
  backoff,
  h,
  json,
  post,
  refused,
  since,
  solve,
  uuid,
} from "./common.js";

const SCRIPT = D.currentScript; // only set while this script runs
const ATTACH = Element.prototype.attachShadow;
const REMOVE = Element.prototype.remove;
const AFTER = Element.prototype.after;
const ADD = Node.prototype.appendChild; // for the shadow root, which is no Element
const SHEET = CSSStyleSheet;
const REPLACE = SHEET.prototype.replaceSync;
const U = URL;
const ENCODE_COMPONENT = encodeURIComponent;

/** Whitespace as the server strips it (Unicode White_Space): what is left of a text answer counts. */
const blank = (c) =>
  c <= " " ||
  c == "\x85" ||
  c == "\xa0" ||
  c == "\u1680" ||
  (c >= "\u2000" && c <= "\u200a") ||
  c == "\u2028" ||
  c == "\u2029" ||
  c == "\u202f" ||
  c == "\u205f" ||
  c == "\u3000";

/** The text without leading and trailing whitespace; undefined when nothing is left (a skipped question). */
const trim = (v) => {
  let a = 0;
  let b = v.length;
  while (a < b && blank(v[a])) a++;
  while (b > a && blank(v[b - 1])) b--;
  let out = "";
  for (let i = a; i < b; i++) out += v[i];
  return out || undefined;
};

/** "Frage {n} von {total}" with the values filled in (no String.prototype.replace: a page may have broken it). */
const fill = (text, values) => {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    if (text[i] == "{") {
      let name = "";
      while (++i < text.length && text[i] != "}") name += text[i];
      out += values[name];
    } else out += text[i];
  }
  return out;
};

const run = async () => {
  const attr = (name) => SCRIPT.getAttribute("data-" + name);
  // Proof of work for stadtstimme.js, whose bundle leaves that code out: the solution (a promise) on our tag.
  if (attr("pow")) return (SCRIPT.pow = solve(attr("pow")));
  const site = attr("site");
  const lang = attr("lang") == "en" ? "en" : "de";
  const page = attr("page-url");
  const id = attr("survey");
  const version = +attr("version");
  const t = (key) => M[key][lang];
  const pick = (texts) => texts && (texts[lang] || texts.de); // a survey's own text: German where English is missing
  // Next to this script (…/widget/v1/survey-….js -> …/api/v1/…), as for the feedback widget.
  const api = new U("../../api/v1/survey-responses", SCRIPT.src).href;
  const definitions = new U("../../api/v1/surveys?site=" + ENCODE_COMPONENT(site), SCRIPT.src).href;
  const erasure = new U("../../feedback/loeschen?lang=" + lang, SCRIPT.src).href; // erases a text by its code
  const focus = (e) => R(FOCUS, e, []);
  // What this bundle shows belongs to the page view it was loaded for: a client-side route change (the path
  // changes; see stadtstimme.js) removes it. A part already being sent goes on (for the page it was about).
  const path = location.pathname;
  let gone; // the page view is over: the page's survey button no longer opens this survey
  const leave = (e) => {
    const watch = () => {
      if (location.pathname == path) return SET_TIMEOUT(watch, 500);
      gone = 1;
      R(REMOVE, e, []);
    };
    watch();
  };
  if (attr("code")) {
    // The feedback widget's deletion code (see stadtstimme.js attempt()): in its status region, then the link.
    const given = SCRIPT.c; // [the region, the code]
    const link = h("a", ["href", erasure], t("erase"));
    R(APPEND, given[0], [t("code") + " ", h("strong", ["class", "c"], given[1])]);
    R(AFTER, given[0], [link]);
    return leave(link);
  }

  // The host, its styles and the live region exist before the panel: a region inserted together with its text
  // is often not announced.
  const host = h("div", ["data-stadtstimme-survey-host", ""]);
  const root = R(ATTACH, host, [{ __proto__: null, mode: "open" }]); // open: for axe and tests; nothing secret
  try {
    // Constructable stylesheet: not an inline <style>, so a strict CSP without 'unsafe-inline' allows it.
    const sheet = new SHEET();
    R(REPLACE, sheet, [CSS]);
    root.adoptedStyleSheets = [sheet];
  } catch (_) {
    // Older browsers: a <style> carrying the nonce stadtstimme.js gave this script.
    const style = h("style", [], CSS);
    style.nonce = SCRIPT.nonce;
    R(ADD, root, [style]);
  }
  const live = h("p", ["class", "sr", "role", "status"]);
  const wrapper = h("div", ["lang", lang], live);
  R(ADD, root, [wrapper]);
  if (attr("barrier")) {
    R(SET_ATTRIBUTE, host, ["data-stadtstimme-barrier-host", ""]); // stadtstimme.js opens one at a time
    R(APPEND, D.body, [host]);
    leave(host);
    return report(SCRIPT, t, trim, host, wrapper, (e) => R(REMOVE, e, []), erasure);
  }
  R(APPEND, D.body, [host]);
  leave(host);

  // ---- Sending: the parts in order, one request at a time; the citizen goes on meanwhile ----
  const queue = [];
  let head = 0;
  let busy;
  let status; // the open panel's status line: only a final failure is shown
  const pump = async () => {
    if (busy || head == queue.length) return;
    busy = 1;
    const job = queue[head];
    const { c, r, d } = await post(api, job, solve);
    if (d) job.k(d); // accepted, with free text: its deletion code
    let wait = 0;
    if ((c < 200 || c > 299) && (refused(c) || !(wait = backoff(job, r))) && status) {
      status.textContent = t("error.final"); // refused, or retried often enough: this part is lost
    }
    if (!wait) head++; // accepted or given up: on to the next part
    SET_TIMEOUT(() => {
      busy = 0;
      pump();
    }, wait);
  };
  const send = (keep, body) => {
    queue[queue.length] = { __proto__: null, b: json(body), n: 0, k: keep };
    pump();
  };

  const response = await F(definitions, { __proto__: null, credentials: "omit", referrerPolicy: "no-referrer" });
  const list = (await R(BODY, response, [])).surveys;
  let s;
  for (let i = 0; i < list.length; i++) if (list[i].id == id && list[i].version == version) s = list[i];
  if (!s) return R(REMOVE, host, []); // gone since stadtstimme.js chose it: nothing to show
  const questions = s.questions;
  const count = questions.length;
  const onRequest = s.targeting.trigger.kind == "button"; // the citizen pressed the page's survey button
  let shut; // closes the open panel; undefined while none is open

  const open = () => {
    const responseId = uuid(); // one per survey shown: links its parts
    let index = 0;
    let shown = NOW(); // when the current question appeared (time trap, judged by the server)
    let finished;
    let ended;
    const opener = onRequest && D.activeElement; // focus goes back there when the panel closes from inside

    const honeypot = h("input", ["type", "text", "name", "website", "id", "w", "tabindex", "-1", "autocomplete", "off"]);
    // A part with free text is answered with the response's deletion code, a new one for each such part (it
    // replaces the one before): the latest is shown in a status region, there (empty) from the start, so it is
    // announced politely; selectable in one go, with a link to the page that erases the text with it.
    const code = h("strong", ["class", "c"]);
    const kept = h("p", ["role", "status"]);
    const erase = h("a", ["href", erasure, "hidden", ""], t("erase"));
    const keep = (d) => {
      code.textContent = d;
      kept.textContent = t("code") + " ";
      R(APPEND, kept, [code]);
      erase.hidden = false;
    };
    const part = (answers, dismissed) =>
      send(keep, {
        __proto__: null,
        event_id: uuid(),
        response_id: responseId,
        survey_id: s.id,
        version: s.version,
        site,
        page_url: page,
        answers,
        dismissed,
        language: lang,
        elapsed_ms: since(shown),
        website: honeypot.value,
      });

    // ---- One view per question, all built now; one shown at a time ----
    const views = [];
    const reads = []; // reads[i](): the answer to question i in its wire type, or undefined (none)
    for (let i = 0; i < count; i++) {
      const q = questions[i];
      const type = q.type;
      const label = pick(q.text) + (q.required ? " " + t("required_marker") : "");
      const hint = "h" + i;
      if (type == "text") {
        const area = h("textarea", ["id", "q" + i, "maxlength", q.max_chars, "aria-describedby", "e " + hint]);
        views[i] = h(
          "div",
          [],
          h("label", ["for", "q" + i, "class", "lb"], label),
          area,
          h("p", ["class", "h", "id", hint], t("privacy")),
        );
        reads[i] = () => trim(area.value);
      } else {
        const inputs = [];
        const values = [];
        const many = type == "multiple";
        const box = h("div", ["class", type == "nps" || type == "yes_no" ? "o r" : "o"]);
        const choice = (value, text) => {
          const input = h("input", ["type", many ? "checkbox" : "radio", "name", "q" + i, "value", value]);
          values[inputs.length] = value;
          inputs[inputs.length] = input;
          R(APPEND, box, [h("label", [], input, text)]);
        };
        if (type == "yes_no") {
          choice(true, t("yes"));
          choice(false, t("no"));
        } else if (type == "rating") for (let v = 1; v < 6; v++) choice(v, t("rating." + v));
        else if (type == "nps") for (let v = 0; v < 11; v++) choice(v, "" + v);
        else for (let j = 0; j < q.options.length; j++) choice(q.options[j].id, pick(q.options[j].label));
        const ends = type == "nps" ? h("p", ["class", "h ends", "id", hint], h("span", [], t("nps.low")), " ", h("span", [], t("nps.high"))) : ""; // prettier-ignore
        views[i] = h("fieldset", ["aria-describedby", ends ? "e " + hint : "e"], h("legend", [], label), box, ends);
        reads[i] = () => {
          let v;
          for (let j = 0; j < inputs.length; j++) {
            if (!inputs[j].checked) continue;
            if (!many) v = values[j];
            else (v = v || [])[v.length] = values[j];
          }
          return v;
        };
      }
    }

    const title = h("p", ["class", "t", "id", "t", "tabindex", "-1"], pick(s.title));
    const close = h("button", ["type", "button", "class", "x", "aria-label", t("close")], "×");
    const progress = h("p", ["class", "n", "tabindex", "-1"]);
    const error = h("p", ["class", "e", "id", "e", "role", "alert"]);
    const next = h("button", ["type", "button", "class", "pr"]);
    const skip = h("button", ["type", "button"], t("skip"));
    const form = h("div", ["class", "v"], s.intro ? h("p", [], pick(s.intro)) : "", progress);
    R(APPEND, form, views);
    R(APPEND, form, [
      error,
      h("div", ["class", "hp", "aria-hidden", "true"], h("label", ["for", "w"], t("honeypot")), honeypot),
      h("div", ["class", "a"], next, skip),
    ]);
    const thanks = h("p", ["class", "t", "tabindex", "-1", "hidden", ""], pick(s.thanks) || t("thanks"));
    // "Nicht mehr anzeigen" makes no sense for a survey that only appears on request.
    const never = s.targeting.allow_dont_show_again && !onRequest;
    const dontShow = never ? h("button", ["type", "button", "class", "k"], t("dont_show_again")) : "";
    status = h("p", ["class", "e", "role", "status"]);
    const panel = h(
      "div",
      ["class", "p", "role", "region", "aria-labelledby", "t"],
      h("div", ["class", "hd"], title, close),
      form,
      thanks,
      kept,
      erase,
      status,
      dontShow,
    );

    // ---- Behaviour ----
    const show = () => {
      for (let i = 0; i < count; i++) views[i].hidden = i != index;
      progress.textContent = fill(t("progress"), { __proto__: null, n: index + 1, total: count });
      next.textContent = t(index < count - 1 ? "next" : "submit");
      skip.hidden = questions[index].required;
      error.textContent = "";
      shown = NOW();
    };
    const advance = () => {
      if (++index < count) {
        show();
        focus(progress); // the citizen is interacting: on to the next question
      } else {
        finished = 1;
        form.hidden = true;
        thanks.hidden = false;
        focus(thanks);
      }
    };
    next.onclick = () => {
      const q = questions[index];
      const value = reads[index]();
      if (value == null) {
        if (q.required) {
          error.textContent = t("required"); // focus stays on the button; the group points here (describedby)
          return;
        }
      } else part({ __proto__: null, [q.id]: value }); // at once: partial responses count
      advance();
    };
    skip.onclick = advance;

    shut = () => {
      if (!finished && !ended) part({ __proto__: null }, true); // closed before the end: one dismissal
      ended = 1;
      const inside = D.activeElement == host;
      R(REMOVE, panel, []);
      live.textContent = "";
      shut = status = undefined;
      if (inside && opener) focus(opener);
    };
    close.onclick = () => shut();
    if (dontShow) {
      dontShow.onclick = () => {
        try {
          W.sessionStorage["stadtstimme.survey." + s.id] = "1"; // the only thing ever stored, and only now
        } catch (_) {}
        shut();
      };
    }
    wrapper.onkeydown = (e) => {
      if (e.key == "Escape" && shut) shut();
    };

    show();
    R(APPEND, wrapper, [panel]);
    if (onRequest) focus(title);
    else {
      // Appearing on its own, it takes no focus: the live region says it is there.
      SET_TIMEOUT(() => {
        if (shut) live.textContent = t("announce") + " " + pick(s.title);
      }, 100);
    }
  };

  open();
  if (onRequest) {
    // The page's survey button opens it again after it was closed (a new response).
    const buttons = R(QUERY_ALL, D, ['[data-stadtstimme-survey="' + s.id + '"]']);
    for (let i = 0; i < buttons.length; i++) {
      R(LISTEN, buttons[i], [
        "click",
        () => {
          if (!shut && !gone) open();
        },
      ]);
    }
  }
};

// Any failure: no survey, nothing else happens (and no error reaches the page).
(async () => {
  try {
    await run();
  } catch (_) {}
})();

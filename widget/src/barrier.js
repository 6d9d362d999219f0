/*
 * "Barriere melden": the barrier report's form, carried by the lazily loaded bundle (survey.js runs this instead
 * of a survey when its script tag says data-barrier). stadtstimme.js injects that tag when the citizen follows its
 * "Barriere melden" link, with data-site, data-lang and data-page-url, as for a survey.
 *
 * A panel bottom left like a survey's, not modal, focused on its title when it opens (the citizen asked for it);
 * Escape or the close button removes it and focus goes back to the link. A description (required), and for an
 * answer an e-mail address with an explicit consent in plain language (what is stored, for what, how long, that
 * it can be erased); each refusal is announced in an alert region the field points to (aria-describedby,
 * aria-invalid), and focus moves to the field. One part is sent (category accessibility_barrier, no rating or
 * helpful answer: it is not counted in satisfaction figures), retried with the same body like every part; the
 * deletion code comes back as for a comment. Nothing is stored in the browser. The hostile-page rules of
 * stadtstimme.js hold (built-ins taken at load: common.js and survey.js).
 */
import {
  APPEND,
  D,
  FOCUS,
  NOW,
  QUERY_ALL,
  R,
  SET_ATTRIBUTE,
  SET_TIMEOUT,
  backoff,
  h,
  json,
  post,
  refused,
  since,
  solve,
  uuid,
} from "./common.js";

const FIND = DocumentFragment.prototype.querySelector; // in the feedback widget's shadow root: the link
const U = URL;

/** Whether ``v`` looks like an e-mail address (one @, a dot after it, no spaces): the server checks it again. */
const address = (v) => {
  let at = -1;
  let dot = 0;
  for (let i = 0; i < v.length; i++) {
    if (v[i] <= " ") return false;
    if (v[i] == "@") {
      if (at >= 0) return false;
      at = i;
    } else if (v[i] == "." && at >= 0 && i > at + 1 && i < v.length - 1) dot = 1;
  }
  return at > 0 && dot;
};

/**
 * Show the form. ``script``: the injected tag; ``t``: the bundle's texts by key; ``trim``: the survey's
 * whitespace rule; ``host``, ``wrapper``: the shadow host in the page and the element the panel goes into;
 * ``remove(e)``: takes an element out; ``erasure``: the page that erases a text by its code.
 */
export const report = (script, t, trim, host, wrapper, remove, erasure) => {
  const attr = (name) => script.getAttribute("data-" + name);
  const site = attr("site");
  const lang = attr("lang") == "en" ? "en" : "de";
  const page = attr("page-url");
  const api = new U("../../api/v1/feedback", script.src).href;
  const focus = (e) => R(FOCUS, e, []);
  const id = uuid();
  let shown = NOW();

  const title = h("p", ["class", "t", "id", "t", "tabindex", "-1"], t("barrier.title"));
  const close = h("button", ["type", "button", "class", "x", "aria-label", t("barrier.close")], "×");
  const error = h("p", ["class", "e", "id", "e", "role", "alert"]);
  const description = h("textarea", [
    "id", "d", "maxlength", "2000", "required", "", "aria-required", "true", "aria-describedby", "e dh",
  ]); // prettier-ignore
  const email = h("input", [
    "type", "email", "id", "m", "maxlength", "254", "autocomplete", "email", "aria-describedby", "e",
  ]); // prettier-ignore
  const consent = h("input", ["type", "checkbox", "id", "k", "aria-describedby", "e"]);
  const honeypot = h("input", ["type", "text", "name", "website", "id", "w", "tabindex", "-1", "autocomplete", "off"]);
  const send = h("button", ["type", "button", "class", "pr"], t("barrier.send"));
  const status = h("p", ["role", "status", "class", "h"]);
  const code = h("strong", ["class", "c"]);
  const erase = h("a", ["href", erasure, "hidden", ""], t("erase"));
  const form = h(
    "div",
    ["class", "v"],
    h("p", [], t("barrier.intro")),
    h("div", [], h("label", ["for", "d", "class", "lb"], t("barrier.description")), description,
      h("p", ["class", "h", "id", "dh"], t("privacy"))),
    h("div", [], h("label", ["for", "m", "class", "lb"], t("barrier.email")), email),
    h("label", ["class", "ck", "for", "k"], consent, h("span", [], t("barrier.consent"))),
    error,
    h("div", ["class", "hp", "aria-hidden", "true"], h("label", ["for", "w"], t("honeypot")), honeypot),
    send,
  ); // prettier-ignore
  const thanks = h("p", ["class", "t", "tabindex", "-1", "hidden", ""], t("barrier.thanks"));
  const panel = h(
    "div",
    ["class", "p", "role", "region", "aria-labelledby", "t"],
    h("div", ["class", "hd"], title, close),
    form,
    thanks,
    status,
    erase,
  );

  // ---- Behaviour ----
  const fields = [description, email, consent];
  const refuse = (field, key) => {
    for (let i = 0; i < 3; i++) R(SET_ATTRIBUTE, fields[i], ["aria-invalid", fields[i] == field ? "true" : "false"]);
    error.textContent = key ? t(key) : "";
    if (field) focus(field);
  };
  let job;
  let busy;
  const attempt = async () => {
    if (busy || !job) return;
    busy = 1;
    status.textContent = t("sending");
    const { c, r, d } = await post(api, job, solve);
    busy = 0;
    status.textContent = "";
    if (c > 199 && c < 300) {
      job = 0;
      form.hidden = true;
      thanks.hidden = false;
      focus(thanks);
      if (d) {
        code.textContent = d;
        R(APPEND, status, [t("code") + " ", code]);
        erase.hidden = false;
      }
      return;
    }
    const wait = refused(c) ? 0 : backoff(job, r);
    if (wait) SET_TIMEOUT(attempt, wait);
    else {
      job = 0;
      error.textContent = t("barrier.error.final");
    }
  };
  send.onclick = () => {
    if (job) return attempt(); // still sending: try again now with the same body
    const text = trim(description.value);
    const to = trim(email.value);
    if (!text) return refuse(description, "barrier.error.description");
    if (to && !address(to)) return refuse(email, "barrier.error.email");
    if (to && !consent.checked) return refuse(consent, "barrier.error.consent");
    refuse();
    job = {
      __proto__: null,
      b: json({
        __proto__: null,
        event_id: id,
        response_id: id,
        site,
        page_url: page,
        category: "accessibility_barrier",
        comment: text,
        contact_email: to,
        contact_consent: to ? true : undefined,
        language: lang,
        elapsed_ms: since(shown),
        website: honeypot.value,
      }),
      n: 0,
    };
    attempt();
  };

  const shut = () => {
    remove(host);
    // Back to the link that opened the form (in the feedback widget's open shadow root).
    try {
      const widget = R(QUERY_ALL, D, ["[data-stadtstimme-host],[data-stadtstimme-feedback]"])[0];
      focus(R(FIND, widget.shadowRoot, [".bl"]));
    } catch (_) {}
  };
  close.onclick = shut;
  wrapper.onkeydown = (e) => {
    if (e.key == "Escape") shut();
  };
  R(APPEND, wrapper, [panel]);
  shown = NOW();
  focus(title);
};

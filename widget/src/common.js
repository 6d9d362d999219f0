/*
 * Helpers shared by the feedback widget (stadtstimme.js) and the survey bundle (survey.js).
 *
 * esbuild copies this module into each bundle, so every constant below is taken when THAT bundle runs: the
 * survey bundle, loaded later, captures the built-ins as they are at its own load. The hostile-page rules of
 * stadtstimme.js hold here too: no Array/String prototype methods, no JSON.stringify, no bind/call/apply, no
 * addEventListener on our own elements, null-prototype objects wherever keys are enumerated or read by the
 * browser, and every function needed later is taken now.
 */

export const W = window;
export const D = document;
export const R = Reflect.apply;
export const F = W.fetch;
export const SET_TIMEOUT = W.setTimeout;
export const CLEAR_TIMEOUT = W.clearTimeout;
export const NOW = Date.now;
export const DATE_PARSE = Date.parse;
export const RANDOM = Math.random;
export const IS_ARRAY = Array.isArray;
const C = W.crypto;
const RANDOM_VALUES = C.getRandomValues;
// Proof of work, only when the operator switched it on under attack (services/ingest/pow.py): SHA-256 of
// salt + number, tried until it matches the server's challenge. crypto.subtle exists in secure contexts only.
const SUBTLE = C.subtle;
const DIGEST = SUBTLE && SUBTLE.digest;
const ENCODE = TextEncoder.prototype.encode;
const ENCODER = new TextEncoder();
const BTOA = W.btoa;
// A response's JSON, parsed by the browser itself: JSON.parse is among what pages break.
export const BODY = Response.prototype.json;
export const FOCUS = HTMLElement.prototype.focus;
export const SET_ATTRIBUTE = Element.prototype.setAttribute;
export const APPEND = Element.prototype.append;
// For the page's own window and elements (scroll, the survey button): handler properties would replace the
// page's handlers. Only used where the page's objects are concerned, never for our own elements.
export const LISTEN = EventTarget.prototype.addEventListener;
const CREATE = Document.prototype.createElement;
export const QUERY_ALL = Document.prototype.querySelectorAll;

const HEX = "0123456789abcdef";
const RETRIES = 5; // automatic retries after 2, 4, 8, 16, 32 s: about a minute in total

/** h("button", ["type", "button"], "Ja", child…): an element; attributes as a flat list, children nodes/text. */
export const h = (tag, attributes, ...children) => {
  const e = R(CREATE, D, [tag]);
  for (let i = 0; i < attributes.length; i += 2) R(SET_ATTRIBUTE, e, [attributes[i], attributes[i + 1]]);
  R(APPEND, e, children);
  return e;
};

/** A JSON string literal. Control characters other than \n, \r, \t are dropped (never wanted in feedback). */
export const str = (s) => {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c == '"' || c == "\\") out += "\\" + c;
    else if (c >= " ") out += c;
    else out += c == "\n" ? "\\n" : c == "\r" ? "\\r" : c == "\t" ? "\\t" : "";
  }
  return out + '"';
};

/** JSON of strings, numbers, booleans, arrays and (null-prototype) objects; null/undefined members are left out. */
export const json = (v) => {
  if (typeof v == "string") return str(v);
  if (typeof v != "object") return "" + v;
  let out = "";
  if (IS_ARRAY(v)) {
    for (let i = 0; i < v.length; i++) out += (i ? "," : "") + json(v[i]);
    return "[" + out + "]";
  }
  for (const k in v) if (v[k] != null) out += (out ? "," : "") + str(k) + ":" + json(v[k]);
  return "{" + out + "}";
};

/** A random (version 4) UUID, built from getRandomValues (crypto.randomUUID is missing on plain-http pages: one
 * way for all is smaller). */
export const uuid = () => {
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

/** Solve a proof-of-work challenge (ALTCHA format); the base64 solution, or undefined if none is found. Not in
 * the main bundle: stadtstimme.js has the lazily loaded bundle solve it (see `pow` there). */
export const solve = async (url) => {
  const response = await F(url, { __proto__: null, credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer" });
  const c = await R(BODY, response, []);
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

/**
 * One try at sending a job's JSON body (job.b) to api. Under attack the operator asks every browser for a little
 * work first (403 + Stadtstimme-Challenge): that is done once per job (``work``: solve() above, or what stands
 * for it), then the same body is sent again with the solution in "altcha". Resolves to {c: HTTP status (0: network or CORS error), r: Retry-After in ms,
 * d: the deletion code of an accepted part with free text, else undefined}.
 */
export const post = async (api, job, work) => {
  let c = 0;
  let r;
  let d;
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
    c = response.status;
    r = response.headers.get("Retry-After") * 1000;
    challenge = response.headers.get("Stadtstimme-Challenge");
    if (c > 199 && c < 300) d = (await R(BODY, response, [])).deletion_code;
  } catch (_) {
    // network error, CORS failure, offline: retried like a 503 (an accepted part's unreadable body: no code)
  }
  if (c == 403 && challenge && DIGEST && !job.p) {
    job.p = 1;
    try {
      const solution = await work(new URL(challenge, api).href);
      if (solution) {
        let b = "";
        for (let i = 0; i < job.b.length - 1; i++) b += job.b[i]; // the body without its closing brace
        job.b = b + ',"altcha":' + str(solution) + "}";
        return post(api, job, work);
      }
    } catch (_) {
      // no challenge to be had: a refusal like any other
    }
  }
  return { c, r, d }; // own properties all three: what a page added to Object.prototype is not read
};

/** A final refusal: a 4xx other than 408 and 429. Retrying the same body can't help. */
export const refused = (code) => code > 399 && code < 500 && code != 408 && code != 429;

/** Milliseconds until the job's next automatic retry (2, 4, 8, 16, 32 s; a longer Retry-After up to 60 s
 * wins), or 0 when it has been retried often enough. */
export const backoff = (job, retryAfter) => {
  if (job.n >= RETRIES) return 0;
  const wait = 2000 << job.n++;
  return retryAfter > wait && retryAfter <= 60000 ? retryAfter : wait;
};

export const since = (t) => {
  const d = NOW() - t;
  return d > 0 ? d : 0; // the wall clock may step back; the server wants ms >= 0
};

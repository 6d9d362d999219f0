// Builds the two bundles of the widget, each one minified classic script (IIFE) with its CSS and texts inlined:
//  - dist/survey.js, also as dist/survey-<sha256 prefix>.js: the on-site survey, loaded only when one is shown,
//    and the barrier report's form (src/barrier.js), loaded only when a citizen follows "Barriere melden";
//  - dist/stadtstimme.js: the feedback widget, which knows the survey bundle's content-addressed name and its
//    integrity (esbuild `define`), so the survey bundle is built first.
// Fails when a bundle's gzipped size exceeds its budget. The main budget is everything a citizen's browser
// loads before they interact; the survey budget what it loads when a survey appears.
import { build, transform } from "esbuild";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
const MESSAGES = join(here, "..", "shared", "widget_messages.json");
const BUDGET = 6144; // bytes, gzipped: dist/stadtstimme.js
const SURVEY_BUDGET = 8192; // bytes, gzipped: dist/survey.js
const DIGEST_CHARS = 16; // hex characters of the SHA-256 in the content-addressed name (services/ingest/widget.py)

// `import CSS from "./widget.css"` yields the stylesheet minified, as a string (adopted at run time).
const cssAsText = {
  name: "css-as-text",
  setup(b) {
    b.onLoad({ filter: /\.css$/ }, async (args) => {
      const { code } = await transform(readFileSync(args.path, "utf8"), { loader: "css", minify: true });
      return { contents: code.trim(), loader: "text" };
    });
  },
};

// `import M from "catalogue:main"`: the texts of shared/widget_messages.json each bundle needs, so the one
// catalogue (shared with the server) grows without growing the main bundle.
//  - main: every "widget.…" key except "widget.survey.…", "widget.barrier.…", "widget.sdg.…" (delivered with
//    the site's document by the server: services/ingest/surveys.py) and the deletion code's two texts (shown by
//    the lazily loaded bundle), keyed by its name in
//    data-text-<name> (without "widget.", dots as hyphens: "widget.error.final" -> "error-final"), in an object
//    without prototype, so the widget's for…in sees these texts only, never what a page added to
//    Object.prototype;
//  - survey: "widget.survey.…" plus the few texts it shares (yes, no, rating.N, honeypot, privacy, code, erase),
//    keys without "widget." and "survey." ("widget.survey.nps.low" -> "nps.low", "widget.yes" -> "yes"); and
//    the barrier report's form, which this bundle also carries (barrier.js): "widget.barrier.…" as "barrier.…",
//    and "sending".
const SURVEY_KEY = /^widget\.(survey\.|barrier\.|yes$|no$|rating\.\d$|honeypot$|privacy$|code$|erase$|sending$)/;
const LAZY = /^widget\.(survey\.|barrier\.|sdg\.|code$|erase$)/; // texts the main bundle does without
const catalogue = {
  name: "catalogue",
  setup(b) {
    b.onResolve({ filter: /^catalogue:/ }, (args) => ({ path: args.path.slice(10), namespace: "catalogue" }));
    b.onLoad({ filter: /.*/, namespace: "catalogue" }, (args) => {
      const texts = {};
      for (const [key, value] of Object.entries(JSON.parse(readFileSync(MESSAGES, "utf8")))) {
        const name = key.slice(7).replaceAll(".", "-"); // "widget.error.final" -> "error-final"
        if (args.path == "main" && !LAZY.test(key)) texts[name] = value;
        if (args.path == "survey" && SURVEY_KEY.test(key)) texts[key.replace(/^widget\.(survey\.)?/, "")] = value;
      }
      if (args.path == "survey") return { contents: JSON.stringify(texts), loader: "json", watchFiles: [MESSAGES] };
      const contents = "export default { __proto__: null, " + JSON.stringify(texts).slice(1); // "{ __proto__: null, …}"
      return { contents, loader: "js", watchFiles: [MESSAGES] };
    });
  },
};

const bundle = async (entry, define = {}) => {
  const result = await build({
    entryPoints: [join(here, "src", entry)],
    bundle: true,
    minify: true,
    format: "iife", // a classic script: document.currentScript works, no module loading
    target: ["es2020", "chrome90", "firefox90", "safari15"],
    charset: "utf8",
    legalComments: "none",
    plugins: [cssAsText, catalogue],
    define,
    write: false,
    logLevel: "warning",
  });
  return Buffer.from(result.outputFiles[0].contents);
};

const report = (name, code, budget) => {
  const gzipped = gzipSync(code, { level: 9 }).length;
  console.log(`widget: dist/${name} ${code.length} bytes, ${gzipped} bytes gzipped (budget ${budget})`);
  if (gzipped > budget) {
    console.error(`widget: dist/${name} over budget by ${gzipped - budget} bytes gzipped`);
    process.exit(1);
  }
};

mkdirSync(dist, { recursive: true });

const survey = await bundle("survey.js");
report("survey.js", survey, SURVEY_BUDGET);
const surveyFile = `survey-${createHash("sha256").update(survey).digest("hex").slice(0, DIGEST_CHARS)}.js`;
for (const old of readdirSync(dist)) if (/^survey-[0-9a-f]+\.js$/.test(old)) rmSync(join(dist, old));
writeFileSync(join(dist, "survey.js"), survey);
writeFileSync(join(dist, surveyFile), survey);

const main = await bundle("stadtstimme.js", {
  SURVEY_FILE: JSON.stringify(surveyFile),
  SURVEY_INTEGRITY: JSON.stringify("sha384-" + createHash("sha384").update(survey).digest("base64")),
});
writeFileSync(join(dist, "stadtstimme.js"), main);
report("stadtstimme.js", main, BUDGET);

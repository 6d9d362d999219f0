// Builds dist/stadtstimme.js: one minified classic script (IIFE) with the CSS and the text catalogue inlined.
// Fails when the gzipped size exceeds the budget: everything a citizen's browser loads before they interact.
import { build, transform } from "esbuild";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const outfile = join(here, "dist", "stadtstimme.js");
const BUDGET = 6144; // bytes, gzipped

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

mkdirSync(dirname(outfile), { recursive: true });
await build({
  entryPoints: [join(here, "src", "stadtstimme.js")],
  bundle: true,
  minify: true,
  format: "iife", // a classic script: document.currentScript works, no module loading
  target: ["es2020", "chrome90", "firefox90", "safari15"],
  charset: "utf8",
  legalComments: "none",
  plugins: [cssAsText],
  outfile,
  logLevel: "warning",
});

const code = readFileSync(outfile);
const gzipped = gzipSync(code, { level: 9 }).length;
console.log(`widget: dist/stadtstimme.js ${code.length} bytes, ${gzipped} bytes gzipped (budget ${BUDGET})`);
if (gzipped > BUDGET) {
  console.error(`widget: over budget by ${gzipped - BUDGET} bytes gzipped`);
  process.exit(1);
}

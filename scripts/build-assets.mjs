// Builds the portal's front-end assets into static/govuk/ (generated, git-ignored):
//   - portal.css: static/scss/portal.scss compiled with Sass (GOV.UK Frontend + our styles)
//   - govuk-frontend.min.js (+ its source map): GOV.UK Frontend's ES module bundle
//   - assets/: GOV.UK Frontend's images and manifest (not its fonts: we use system fonts)
//
// Run with `npm run build` after `npm ci`. The output directory is recreated each time, so the
// build is repeatable from a clean clone.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const out = join(root, "static", "govuk");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// CSS. No source map: Django's manifest storage would try to resolve its reference.
const css = sass.compile(join(root, "static", "scss", "portal.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter(root)],
  // GOV.UK Frontend still supports old browsers and says so through Sass deprecation
  // warnings that are not ours to fix; our own code is still checked.
  quietDeps: true,
});
writeFileSync(join(out, "portal.css"), css.css + "\n");

// JavaScript: the ES module bundle and its map (the bundle ends with a sourceMappingURL comment,
// which Django's ManifestStaticFilesStorage resolves during collectstatic).
for (const name of ["govuk-frontend.min.js", "govuk-frontend.min.js.map"]) {
  cpSync(join(govuk, name), join(out, name));
}

// Images and manifest; the GDS Transport fonts are only licensed for GOV.UK services.
const assets = join(govuk, "assets");
cpSync(assets, join(out, "assets"), {
  recursive: true,
  filter: (source) => !relative(assets, source).split(sep).includes("fonts"),
});

console.log(`Built ${relative(root, out)}/ (portal.css ${css.css.length} bytes)`);

// The benches' figures in docs/: the lines between `<!-- make NAME -->` and `<!-- /make NAME -->`
// in a page are replaced by what the bench measured.
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "../helpers.js";

export function writeDocBlock(page: string, name: string, lines: string[]): void {
  const doc = path.join(ROOT, page);
  const text = fs.readFileSync(doc, "utf8");
  const begin = `<!-- make ${name} -->`, end = `<!-- /make ${name} -->`;
  const i = text.indexOf(begin), j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`${page} has no ${begin} ... ${end} block`);
  fs.writeFileSync(doc, text.slice(0, i + begin.length) + "\n" + lines.join("\n") + "\n" + text.slice(j));
  console.log(`${page}: the ${name} table written`);
}

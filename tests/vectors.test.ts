// Our copies of the shared conformance vectors must equal ../shared/vectors when it is there
// (as in CI), so that an update of the shared vectors cannot go unnoticed.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ROOT, VECTORS } from "./helpers.js";

const shared = path.resolve(ROOT, "../shared/vectors");

test("tests/vectors holds the shared conformance vectors unchanged", { skip: !fs.existsSync(shared) && "no ../shared/vectors beside this checkout" }, () => {
  const names = fs.readdirSync(shared);
  assert.ok(names.length >= 6);
  for (const name of names) {
    assert.ok(fs.existsSync(path.join(VECTORS, name)), `${name} missing from tests/vectors`);
    assert.ok(fs.readFileSync(path.join(VECTORS, name)).equals(fs.readFileSync(path.join(shared, name))), `${name} differs from ../shared/vectors`);
  }
});

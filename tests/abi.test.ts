// The ABI table (abi/abi.json) and its generated copies: every committed copy is what
// scripts/gen-abi.mjs writes from the table now.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { ROOT } from "./helpers.js";
import { CODE_MESSAGES, CODE_NAMES, ERR_METRICS_MALFORMED, KEY_PAIRS, RESULT_NAMES } from "../bindings/abi.js";
import { METRICS_ERRORS } from "../bindings/metrics.js";

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

test("the generated ABI files are committed as the generator writes them from abi/abi.json", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "opaygo-abi-"));
  try {
    const run = spawnSync(process.execPath, [path.join(ROOT, "scripts/gen-abi.mjs"), "--out", out], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    const files = filesUnder(out).sort();
    assert.deepEqual(files, ["assembly/abi.ts", "assembly/metrics/names.ts", "assembly/server/names.ts", "bindings/abi.ts", "bindings/c/opaygo_abi.h"]);
    for (const f of files) {
      const fresh = fs.readFileSync(path.join(out, f), "utf8");
      assert.match(fresh.split("\n")[0], /Generated from abi\/abi\.json by scripts\/gen-abi\.mjs: do not edit/, f);
      assert.equal(fs.readFileSync(path.join(ROOT, f), "utf8"), fresh, `${f} differs from the table: run node scripts/gen-abi.mjs and commit`);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test("the generator refuses a bad command line", () => {
  const run = spawnSync(process.execPath, [path.join(ROOT, "scripts/gen-abi.mjs"), "--outt", "x"], { encoding: "utf8" });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /usage/);
});

test("one name per code, and the reserved -35 is not advertised", () => {
  const names = Object.values(CODE_NAMES);
  assert.equal(new Set(names).size, names.length);
  assert.equal(CODE_NAMES[-31], "ERR_METRICS_MALFORMED");
  assert.equal(ERR_METRICS_MALFORMED, -31);
  assert.equal(CODE_NAMES[-35], undefined);
  assert.equal(METRICS_ERRORS[-35], undefined);
  assert.equal(METRICS_ERRORS, CODE_MESSAGES);
  assert.equal(RESULT_NAMES[12], "BLOCKED");
  // simple -> condensed: the first pair wins (data_collection_timestamp is dtc, dct is read too)
  assert.equal(KEY_PAIRS.find(([, s]) => s === "data_collection_timestamp")?.[0], "dtc");
});

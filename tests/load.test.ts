// The load, replay and crash tests (tests/load-suite.ts) on the embedded default: a SQLite file.
import { after } from "node:test";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadTests } from "./load-suite.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opaygo-load-test-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

loadTests("SQLite", async (name) => ({ db: path.join(dir, `${name}.sqlite`), log: path.join(dir, `${name}.sqlite.log`) }));

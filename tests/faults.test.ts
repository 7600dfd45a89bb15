// The malformed, oversized and slow body tests (tests/faults-suite.ts) on a SQLite file.
import { after } from "node:test";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openStore, Store } from "../host-sim/store.js";
import { faultTests } from "./faults-suite.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opaygo-faults-test-"));
let store: Store | null = null;
after(async () => {
  await store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

faultTests("SQLite", async () => (store = await openStore(path.join(dir, "f.sqlite"))));

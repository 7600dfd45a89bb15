// What an operator trusts the reference server with (tests/fleet-suite.ts) on a SQLite file.
import { after } from "node:test";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openStore, Store } from "../host-sim/store.js";
import { fleetTests } from "./fleet-suite.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opaygo-fleet-test-"));
let store: Store | null = null;
after(async () => {
  await store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

fleetTests("SQLite", async () => (store = await openStore(path.join(dir, "fleet.sqlite"))));

// What an operator trusts the reference server with (tests/fleet-suite.ts) on a SQLite file, and
// the migration of a database of the first schema (tests/migration-suite.ts).
import { after } from "node:test";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openStore, Store } from "../host-sim/store.js";
import { fleetTests } from "./fleet-suite.js";
import { SCHEMA_V1, migrationTests } from "./migration-suite.js";
import { createRequire } from "node:module";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opaygo-fleet-test-"));
let store: Store | null = null;
after(async () => {
  await store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

fleetTests("SQLite", async () => (store = await openStore(path.join(dir, "fleet.sqlite"))));

migrationTests("SQLite", async () => {
  const file = path.join(dir, "v1.sqlite");
  const Database = createRequire(import.meta.url)("better-sqlite3");
  const db = new Database(file);
  db.exec(SCHEMA_V1);
  db.close();
  return openStore(file);
});

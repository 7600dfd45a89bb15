// --csv-dir (host-sim/csv-dir.ts): each accepted request's points, as stored, in
// DIR/<serial>/<YYYY-MM-DD>.csv; headers with units, a new header when the format changes, a
// serial that is no safe file name encoded, files only appended to, exact values, and the
// recovery of a request committed but not written (or written but not marked) when a server starts.
// The SIGKILL test with --csv-dir is in tests/load-suite.ts (SQLite and PostgreSQL).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ReferenceServer } from "../host-sim/server.js";
import { Store, openStore } from "../host-sim/store.js";
import { CsvDirectory, serialDirName } from "../host-sim/csv-dir.js";
import { exchange, postJson, route } from "../host-sim/http.js";
import { Float, MetricsEncoder, type DataFormat, type MetricRow } from "../bindings/metrics.js";
import { checkCsvDir } from "./load-fleet.js";
import { OPERATOR, OPERATOR_TOKEN, parseCsv } from "./helpers.js";

const KEY = "bc41ec9530f6dac86b1a29ab82edc5fb";
const MIDNIGHT = 1767225600; // 2026-01-01T00:00:00Z
let dir: string, csvDir: string, db: string, store: Store, server: ReferenceServer, base: string;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "opaygo-csv-dir-test-"));
  csvDir = path.join(dir, "csv");
  db = path.join(dir, "s.sqlite");
  store = await openStore(db);
  server = new ReferenceServer({ store, clock: () => MIDNIGHT + 86400, operatorToken: OPERATOR_TOKEN, csv: new CsvDirectory(csvDir) });
  base = await server.listen(0);
});
after(async () => {
  await server.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function upload(serial: string, format: DataFormat, ts: number, data: MetricRow, rows: MetricRow[], firstRowAt?: number): Promise<void> {
  const e = new MetricsEncoder({ serialNumber: serial, key: KEY, authMethod: "ra", dataFormat: format, module: "full" });
  e.setTimestamp(ts);
  if (firstRowAt !== undefined) e.setCollectionTimestamp(firstRowAt);
  e.setData(data);
  for (const r of rows) e.addHistoricalRow(r);
  const r = await exchange(route(base, "/dd"), "POST", Buffer.from(e.condensed()), "application/json");
  assert.equal(r.status, 201, r.body.toString());
}

const read = (serial: string, day: string) => fs.readFileSync(path.join(csvDir, serialDirName(serial), `${day}.csv`), "utf8");

test("a serial that is not a safe file name is encoded, never used as a path", () => {
  assert.equal(serialDirName("SHS-0001_a.b"), "SHS-0001_a.b");
  assert.equal(serialDirName("../etc/passwd"), "%2E.%2Fetc%2Fpasswd");
  assert.equal(serialDirName("."), "%2E");
  assert.equal(serialDirName("a b%c"), "a%20b%25c");
  assert.equal(serialDirName("é"), "%C3%A9");
  for (const s of ["../etc/passwd", ".", "..", "a b%c", "é", "x\\y:z"]) assert.equal(decodeURIComponent(serialDirName(s)), s);
});

test("rows by UTC day, a header with the format's names and units, a new header when the format changes, exact values, files only appended to", async () => {
  const format = { data_order: ["token_count"], historical_data_order: ["battery_v", "energy"], historical_data_interval: 600, variables: { battery_v: { unit: "V" }, energy: { unit: "Wh" } } };
  const id = (await postJson(route(base, "/data_format"), format, OPERATOR)).id;
  const serial = "../SHS 1/é";
  await postJson(route(base, "/devices"), { serial, key: KEY }, OPERATOR);
  // rows every 10 minutes from 23:40: 2 before midnight, 3 after: two files
  await upload(serial, { ...format, id }, MIDNIGHT + 1200, { token_count: 1 }, [
    { battery_v: new Float(12.5), energy: 2n ** 63n - 1n }, { battery_v: new Float(1e30), energy: 7 }, { battery_v: new Float(12.75), energy: 8 },
    { battery_v: new Float(13.0), energy: 9 }, { battery_v: new Float(13.25), energy: 10 },
  ], MIDNIGHT - 1200);
  assert.deepEqual(fs.readdirSync(csvDir), [serialDirName(serial)]);
  assert.deepEqual(fs.readdirSync(path.join(csvDir, serialDirName(serial))).sort(), ["2025-12-31.csv", "2026-01-01.csv"]);
  const before = parseCsv(read(serial, "2025-12-31"));
  assert.deepEqual(before[0], ["time_utc", "timestamp", "kind", "token_count", "battery_v [V]", "energy [Wh]", "request_id"]);
  assert.deepEqual(before.slice(1).map((r) => r.slice(0, 6)), [
    ["2025-12-31T23:40:00Z", String(MIDNIGHT - 1200), "hd", "", "12.5", "9223372036854775807"],
    ["2025-12-31T23:50:00Z", String(MIDNIGHT - 600), "hd", "", "1e+30", "7"],
  ]);
  const firstDay = read(serial, "2026-01-01");

  // the device's format changes (one more variable): a new header line, then the rows
  const format2 = { ...format, historical_data_order: ["battery_v", "energy", "temp"], variables: { ...format.variables, temp: { unit: "°C" } } };
  const id2 = (await postJson(route(base, "/data_format"), format2, OPERATOR)).id;
  await upload(serial, { ...format2, id: id2 }, MIDNIGHT + 1800, { token_count: 1 }, [{ battery_v: new Float(13.5), energy: 11, temp: new Float(21.5) }]);
  const after = read(serial, "2026-01-01");
  assert.ok(after.startsWith(firstDay), "the file was only appended to");
  const lines = parseCsv(after.slice(firstDay.length));
  assert.deepEqual(lines[0], ["time_utc", "timestamp", "kind", "token_count", "battery_v [V]", "energy [Wh]", "temp [°C]", "request_id"]);
  assert.equal(lines.length, 3, "a header, the status point and the row");
  // the same format again: no new header
  const size = after.length;
  await upload(serial, { ...format2, id: id2 }, MIDNIGHT + 2400, { token_count: 1 }, [{ battery_v: new Float(13.5), energy: 12, temp: new Float(21.0) }]);
  assert.equal(parseCsv(read(serial, "2026-01-01").slice(size))[0][0], "2026-01-01T00:40:00Z");
  assert.equal(await checkCsvDir(db, csvDir), (await store.stats()).points);
});

test("a server that starts writes what a stopped one committed and did not write, and never writes a request twice", async () => {
  const format = { data_order: ["token_count"], historical_data_order: ["v"], historical_data_interval: 60 };
  const id = (await postJson(route(base, "/data_format"), format, OPERATOR)).id;
  await postJson(route(base, "/devices"), { serial: "RECOVER1", key: KEY }, OPERATOR);
  await upload("RECOVER1", { ...format, id }, MIDNIGHT + 5000, { token_count: 1 }, [{ v: 1 }, { v: 2 }]);
  const written = read("RECOVER1", "2026-01-01");
  // written but its mark not cleared (a crash between the two): nothing is written again
  await store.run("UPDATE requests SET csv_pending = 1");
  assert.equal(await store.csvRecover(new CsvDirectory(csvDir)), 4);
  assert.equal(read("RECOVER1", "2026-01-01"), written);
  // committed but not written (a crash right after the commit): written once the server starts
  fs.rmSync(path.join(csvDir, serialDirName("RECOVER1")), { recursive: true });
  await store.run("UPDATE requests SET csv_pending = 1 WHERE id = (SELECT MAX(id) FROM requests)");
  assert.equal(await store.csvRecover(new CsvDirectory(csvDir)), 1);
  assert.equal(read("RECOVER1", "2026-01-01"), written);
  // a power loss cut the last row: the torn line goes, the request's missing rows are written
  const file = path.join(csvDir, serialDirName("RECOVER1"), "2026-01-01.csv");
  fs.truncateSync(file, written.length - 5);
  await store.run("UPDATE requests SET csv_pending = 1 WHERE id = (SELECT MAX(id) FROM requests)");
  assert.equal(await store.csvRecover(new CsvDirectory(csvDir)), 1);
  assert.equal(read("RECOVER1", "2026-01-01"), written);
  assert.equal(await store.count("SELECT COUNT(*) AS n FROM requests WHERE csv_pending = 1"), 0);
  assert.equal(await checkCsvDir(db, csvDir), (await store.stats()).points);
});

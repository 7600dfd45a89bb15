// A database of the first schema (before payments had references and the points table kept one
// row per device, kind and time) is migrated when a server opens it: nothing is lost, what the
// first schema knew is carried over (credited payments and their tokens, the credit they bought,
// every auth method kept for its devices), and two samples at one time are then both stored. On
// SQLite (tests/fleet.test.ts) and PostgreSQL (tests/postgres.test.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Store, SCHEMA_VERSION } from "../host-sim/store.js";

// The first schema as it shipped (SQLite's types; PostgreSQL's: every INTEGER a BIGINT, BIGSERIAL keys).
export const SCHEMA_V1 = `
CREATE TABLE devices (
  id INTEGER PRIMARY KEY, serial TEXT NOT NULL UNIQUE, key TEXT NOT NULL, starting_code INTEGER NOT NULL,
  token_count INTEGER NOT NULL, last_ts INTEGER, last_rc INTEGER, settings TEXT);
CREATE TABLE formats (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE tokens (
  id INTEGER PRIMARY KEY, device_id INTEGER NOT NULL REFERENCES devices(id), count INTEGER NOT NULL,
  token TEXT NOT NULL, days INTEGER NOT NULL, created_at INTEGER NOT NULL, first_sent_at INTEGER, confirmed_at INTEGER,
  UNIQUE(device_id, count));
CREATE TABLE payments (
  id INTEGER PRIMARY KEY, device_id INTEGER NOT NULL REFERENCES devices(id), at INTEGER NOT NULL,
  days INTEGER NOT NULL, token_id INTEGER REFERENCES tokens(id));
CREATE INDEX payments_due ON payments(device_id, token_id, at);
CREATE TABLE requests (
  id INTEGER PRIMARY KEY, device_id INTEGER NOT NULL REFERENCES devices(id), received_at INTEGER NOT NULL,
  ts INTEGER, rc INTEGER, body_kind TEXT NOT NULL, body_bytes INTEGER NOT NULL, format_id INTEGER, answer BLOB);
CREATE TABLE points (
  id INTEGER PRIMARY KEY, device_id INTEGER NOT NULL REFERENCES devices(id), request_id INTEGER NOT NULL REFERENCES requests(id),
  ts INTEGER NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL, UNIQUE(device_id, kind, ts));
CREATE INDEX points_ts ON points(ts);
INSERT INTO devices (id, serial, key, starting_code, token_count, last_ts, last_rc, settings) VALUES (1, 'OLD1', 'bc41ec9530f6dac86b1a29ab82edc5fb', 42, 4, 1700007200, NULL, NULL);
INSERT INTO tokens (id, device_id, count, token, days, created_at, first_sent_at, confirmed_at) VALUES
  (1, 1, 2, '111111111', 3, 1700000000, 1700000000, 1700003600), (2, 1, 4, '222222222', 2, 1700100000, NULL, NULL);
INSERT INTO payments (id, device_id, at, days, token_id) VALUES (1, 1, 1700000000, 3, 1), (2, 1, 1700100000, 2, 2), (3, 1, 1800000000, 7, NULL);
INSERT INTO requests (id, device_id, received_at, ts, rc, body_kind, body_bytes, format_id, answer) VALUES (1, 1, 1700007205, 1700007200, NULL, 'json', 120, NULL, NULL);
INSERT INTO points (id, device_id, request_id, ts, kind, data) VALUES (1, 1, 1, 1700007200, 'hd', '{"v":18446744073709551616}'), (2, 1, 1, 1700007200, 'd', '{"tc":2}');
`;

/** The migration test; `openV1` makes a database of the first schema and returns a store opened on it. */
export function migrationTests(engine: string, openV1: () => Promise<Store>): void {
  test(`a database of the first schema is migrated when opened (${engine}): nothing lost, payments and credit carried over`, async () => {
    const store = await openV1();
    try {
      assert.equal((await store.get<{ value: string }>("SELECT value FROM meta WHERE name = 'schema_version'"))!.value, String(SCHEMA_VERSION));
      const dev = (await store.device("OLD1"))!;
      assert.equal(dev.starting_code, 42);
      assert.equal(dev.auth_methods, "sa,ta,ca,da,ra", "a device of the first schema keeps every method");
      // 3 days from 1700000000, then 2 days from 1700100000 (within the first credit): one run
      assert.equal(dev.credit_until, 1700000000 + 5 * 86400);
      assert.equal(dev.last_received_at, 1700007205);
      const payments = await store.all<{ id: number; credited_at: number | null; days_credited: number | null }>("SELECT id, credited_at, days_credited FROM payments ORDER BY id");
      assert.deepEqual(payments, [{ id: 1, credited_at: 1700000000, days_credited: 3 }, { id: 2, credited_at: 1700100000, days_credited: 2 }, { id: 3, credited_at: null, days_credited: null }]);
      assert.deepEqual(await store.all("SELECT count, payment_id, type FROM tokens ORDER BY count"), [{ count: 2, payment_id: 1, type: "ADD_TIME" }, { count: 4, payment_id: 2, type: "ADD_TIME" }]);
      const points = await store.points({ serial: "OLD1" });
      assert.deepEqual(points.map((p) => [p.kind, p.ts, p.data]), [["d", 1700007200, '{"tc":2}'], ["hd", 1700007200, '{"v":18446744073709551616}']]);
      // a second sample at the same time, with other values, is stored too now
      await store.run("INSERT INTO points (device_id, request_id, ts, kind, data, digest) VALUES (1, 1, 1700007200, 'hd', '{\"v\":1}', 'x')");
      assert.equal((await store.points({ serial: "OLD1" })).length, 3);
    } finally {
      await store.close();
    }
  });
}

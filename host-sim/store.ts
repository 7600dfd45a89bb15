// The reference server's storage: SQLite (better-sqlite3) in WAL mode. Every accepted request is
// one transaction, committed before the answer is sent, so a crash loses nothing acknowledged.
import { createRequire } from "node:module";
import type Database from "better-sqlite3";
import { OpaygoError } from "../bindings/wasm.js";

// better-sqlite3 is an optional peer dependency of the package: only `opaygo server` and
// `opaygo sim` need it, so the codec installs with no native module.
function openDatabase(path: string): Database.Database {
  let driver: typeof Database;
  try {
    driver = createRequire(import.meta.url)("better-sqlite3") as typeof Database;
  } catch {
    throw new OpaygoError("the reference server and the simulator store data in SQLite: install its driver with `npm install better-sqlite3`");
  }
  return new driver(path);
}

export interface DeviceRow {
  id: number;
  serial: string;
  key: string;
  starting_code: number;
  token_count: number;
  last_ts: number | null;
  last_rc: number | null;
  settings: string | null;
}

export interface Payment {
  at: number; // unix time the customer pays
  days: number;
}

export interface PointRow {
  serial: string;
  ts: number;
  kind: "d" | "hd";
  data: string;
  request_id: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS devices (
  id INTEGER PRIMARY KEY, serial TEXT NOT NULL UNIQUE, key TEXT NOT NULL, starting_code INTEGER NOT NULL,
  token_count INTEGER NOT NULL, last_ts INTEGER, last_rc INTEGER, settings TEXT);
CREATE TABLE IF NOT EXISTS formats (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS payments (
  id INTEGER PRIMARY KEY, device_id INTEGER NOT NULL REFERENCES devices(id), at INTEGER NOT NULL,
  days INTEGER NOT NULL, token_id INTEGER REFERENCES tokens(id));
CREATE INDEX IF NOT EXISTS payments_due ON payments(device_id, token_id, at);
CREATE TABLE IF NOT EXISTS tokens (
  id INTEGER PRIMARY KEY, device_id INTEGER NOT NULL REFERENCES devices(id), count INTEGER NOT NULL,
  token TEXT NOT NULL, days INTEGER NOT NULL, created_at INTEGER NOT NULL, first_sent_at INTEGER, confirmed_at INTEGER,
  UNIQUE(device_id, count));
CREATE TABLE IF NOT EXISTS requests (
  id INTEGER PRIMARY KEY, device_id INTEGER NOT NULL REFERENCES devices(id), received_at INTEGER NOT NULL,
  ts INTEGER, rc INTEGER, body_kind TEXT NOT NULL, body_bytes INTEGER NOT NULL, format_id INTEGER, answer TEXT);
CREATE TABLE IF NOT EXISTS points (
  id INTEGER PRIMARY KEY, device_id INTEGER NOT NULL REFERENCES devices(id), request_id INTEGER NOT NULL REFERENCES requests(id),
  ts INTEGER NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL, UNIQUE(device_id, kind, ts));
CREATE INDEX IF NOT EXISTS points_ts ON points(ts);
`;

export class Store {
  readonly db: Database.Database;

  constructor(readonly path: string, o: { synchronous?: "full" | "normal" } = {}) {
    this.db = openDatabase(path);
    this.db.pragma("journal_mode = WAL");
    // NORMAL in WAL mode: a committed transaction survives a crash of the process; FULL also
    // survives losing power, at the cost of an fsync per request.
    this.db.pragma(`synchronous = ${o.synchronous === "full" ? "FULL" : "NORMAL"}`);
    this.db.pragma("foreign_keys = ON");
    this.db.exec(SCHEMA);
  }

  close(): void {
    this.db.close();
  }

  transaction<T>(f: () => T): T {
    return this.db.transaction(f)();
  }

  upsertDevice(d: { serial: string; key: string; startingCode: number; count: number; settings?: Record<string, unknown> | null; payments?: Payment[] }): number {
    return this.transaction(() => {
      const existing = this.device(d.serial);
      let id: number;
      if (existing) {
        this.db.prepare("UPDATE devices SET key = ?, starting_code = ?, settings = ? WHERE id = ?")
          .run(d.key, d.startingCode, d.settings ? JSON.stringify(d.settings) : null, existing.id);
        id = existing.id;
      } else {
        id = Number(this.db.prepare("INSERT INTO devices (serial, key, starting_code, token_count, settings) VALUES (?, ?, ?, ?, ?)")
          .run(d.serial, d.key, d.startingCode, d.count, d.settings ? JSON.stringify(d.settings) : null).lastInsertRowid);
      }
      const add = this.db.prepare("INSERT INTO payments (device_id, at, days) VALUES (?, ?, ?)");
      for (const p of d.payments ?? []) add.run(id, p.at, p.days);
      return id;
    });
  }

  /** Adds devices that are all new, in one transaction: if any serial is already stored, adds
   *  none and returns those serials. */
  addNewDevices(devices: { serial: string; key: string; startingCode: number; count: number }[]): { added: number; existing: string[] } {
    return this.transaction(() => {
      const existing = devices.filter((d) => this.device(d.serial)).map((d) => d.serial);
      if (existing.length > 0) return { added: 0, existing };
      const add = this.db.prepare("INSERT INTO devices (serial, key, starting_code, token_count) VALUES (?, ?, ?, ?)");
      for (const d of devices) add.run(d.serial, d.key, d.startingCode, d.count);
      return { added: devices.length, existing };
    });
  }

  device(serial: string): DeviceRow | undefined {
    return this.db.prepare("SELECT * FROM devices WHERE serial = ?").get(serial) as DeviceRow | undefined;
  }

  addFormat(body: string): number {
    return Number(this.db.prepare("INSERT INTO formats (body) VALUES (?)").run(body).lastInsertRowid);
  }

  format(id: number): string | undefined {
    return (this.db.prepare("SELECT body FROM formats WHERE id = ?").get(id) as { body: string } | undefined)?.body;
  }

  duePayments(deviceId: number, now: number): { id: number; at: number; days: number }[] {
    return this.db.prepare("SELECT id, at, days FROM payments WHERE device_id = ? AND token_id IS NULL AND at <= ? ORDER BY at, id")
      .all(deviceId, now) as { id: number; at: number; days: number }[];
  }

  count(sql: string, ...args: unknown[]): number {
    return (this.db.prepare(sql).get(...args) as { n: number }).n;
  }

  stats(): { devices: number; requests: number; points: number; samples: number; tokens: number; confirmed: number } {
    return {
      devices: this.count("SELECT COUNT(*) AS n FROM devices"),
      requests: this.count("SELECT COUNT(*) AS n FROM requests"),
      points: this.count("SELECT COUNT(*) AS n FROM points"),
      samples: this.count("SELECT COUNT(*) AS n FROM points WHERE kind = 'hd'"),
      tokens: this.count("SELECT COUNT(*) AS n FROM tokens"),
      confirmed: this.count("SELECT COUNT(*) AS n FROM tokens WHERE confirmed_at IS NOT NULL"),
    };
  }

  points(o: { from?: number; to?: number; serial?: string } = {}): PointRow[] {
    return this.db.prepare(
      `SELECT d.serial, p.ts, p.kind, p.data, p.request_id FROM points p JOIN devices d ON d.id = p.device_id
       WHERE p.ts >= ? AND p.ts < ? AND (? IS NULL OR d.serial = ?) ORDER BY d.serial, p.ts, p.kind`,
    ).all(o.from ?? 0, o.to ?? 2 ** 53, o.serial ?? null, o.serial ?? null) as PointRow[];
  }
}

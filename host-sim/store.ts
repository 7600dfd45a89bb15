// The reference server's storage, behind one interface (Store) on two engines:
//   - SQLite (better-sqlite3) in WAL mode, the embedded default: one file, one server process;
//   - PostgreSQL (pg), selected by a postgres:// URL: several server processes share one database.
// Every accepted request is one transaction, committed before the answer is sent, so a crash loses
// nothing acknowledged. The SQL is written once, in the dialect both engines accept (`?`
// placeholders, RETURNING, ON CONFLICT); the PostgreSQL store numbers the placeholders, or, for
// the two statements of an upload (see Store.upload), writes the values into the text itself.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import type Database from "better-sqlite3";
import type pg from "pg";
import { OpaygoError } from "../bindings/wasm.js";
import type { CsvDirectory, CsvPoint } from "./csv-dir.js";

const require = createRequire(import.meta.url);

// better-sqlite3 and pg are optional peer dependencies of the package: only `opaygo server` and
// `opaygo sim` need one of them, so the codec installs with no database driver.
function loadDriver<T>(name: string, what: string): T {
  try {
    return require(name) as T;
  } catch {
    throw new OpaygoError(`${what}: install its driver with \`npm install ${name}\``);
  }
}

/** The auth methods a device may sign with when its record does not say: every method but `sa`,
 *  which signs the serial number only (anyone who knows the serial could upload in its name). */
export const DEFAULT_AUTH_METHODS = ["ta", "ca", "da", "ra"] as const;
export const ALL_AUTH_METHODS = ["sa", "ta", "ca", "da", "ra"] as const;

export interface DeviceRow {
  id: number;
  serial: string;
  key: string;
  starting_code: number;
  /** the count of the last token generated for it (its count when provisioned, before any) */
  token_count: number;
  /** replay state: the last accepted timestamp and request count */
  last_ts: number | null;
  last_rc: number | null;
  /** settings to send with the next answer (JSON), then cleared */
  settings: string | null;
  /** allowed auth methods, comma-separated */
  auth_methods: string;
  /** the server's model of the device's credit: unix time it ends (0: never credited) */
  credit_until: number;
  created_at: number;
  /** the server's clock when its last upload was accepted */
  last_received_at: number | null;
  /** 1 once a DISABLE_PAYG token was issued: the credit no longer ends */
  payg_disabled: number;
}

export interface PaymentRow {
  id: number;
  device_id: number;
  reference: string | null;
  /** when the payment counts (a scheduled payment falls due then) */
  at: number;
  /** days of credit paid for (0 for a payment up to a time) */
  days: number;
  /** credit paid up to this unix time (null: a payment of days) */
  until: number | null;
  /** 1: paid off, a DISABLE_PAYG token */
  disable_payg: number;
  created_at: number;
  credited_at: number | null;
  days_credited: number | null;
}

export interface TokenRow {
  id: number;
  payment_id: number | null;
  count: number;
  token: string;
  days: number;
  created_at: number;
  first_sent_at: number | null;
  confirmed_at: number | null;
}

export interface PointRow {
  id: number;
  device_id: number;
  serial: string;
  ts: number;
  kind: "d" | "hd";
  data: string;
  request_id: number;
}

export interface StoreStats {
  devices: number;
  requests: number;
  points: number;
  samples: number;
  tokens: number;
  confirmed: number;
  payments: number;
  refusals: number;
}

/** A new point: `data` is the JSON object of its values, as it is stored and given back. */
export interface NewPoint {
  ts: number;
  kind: "d" | "hd";
  data: string;
}

/** The part of a device's state an upload reads, under the device's lock (device undefined: no
 *  device has the serial, and the rest is empty). */
export interface UploadRead {
  device: DeviceRow | undefined;
  /** the body of the data format the request names (null: none named, or not registered) */
  format: string | null;
  /** payments due at the request's time, not credited yet, oldest first */
  due: PaymentRow[];
  /** tokens the device has not confirmed, by count */
  unconfirmed: TokenRow[];
}

/** Everything an accepted upload writes, in one transaction. */
export interface UploadWrite {
  request: {
    receivedAt: number; ts: number | null; rc: number | null; auth: string; bodyKind: string; bodyBytes: number; upBytes: number;
    downBytes: number; formatId: number | null; answer: Buffer;
  };
  points: NewPoint[];
  credit: Credit;
  /** tokens of count <= this are confirmed by the device (null: it did not say) */
  confirmedUpTo: number | null;
  /** tokens of count > this are in the answer (their first_sent_at is set if unset) */
  sentAbove: number;
  at: number;
  clearSettings: boolean;
}

/** Payments turned into tokens, and the device's counters after them. */
export interface Credit {
  tokens: { paymentId: number | null; type: "ADD_TIME" | "DISABLE_PAYG"; count: number; token: string; days: number; createdAt: number }[];
  payments: { id: number; creditedAt: number; daysCredited: number }[];
  tokenCount: number;
  creditUntil: number;
  paygDisabled: boolean;
}

/** What to store of a new device. */
export interface NewDevice {
  serial: string;
  key: string;
  startingCode: number;
  count: number;
  authMethods: readonly string[];
  settings?: string | null;
}

/** A device's fields that POST /devices with "replace" may change; absent ones are kept. */
export type DeviceChanges = Partial<{ key: string; starting_code: number; token_count: number; settings: string | null; auth_methods: string }>;

/** A refusal of a device's request, counted per device and reason (the operator's view of its problems). */
export type RefusalReason = "auth_method" | "bad_signature" | "unsigned" | "replay" | "clock_skew" | "no_timestamp_or_count" | "malformed" | "too_large";

/** Statements on a store or inside one of its transactions. Integers come back as numbers. */
export interface Sql {
  all<T>(sql: string, ...args: unknown[]): Promise<T[]>;
  get<T>(sql: string, ...args: unknown[]): Promise<T | undefined>;
  run(sql: string, ...args: unknown[]): Promise<void>;
}

export interface Transaction extends Sql {
  /** The device's row, locked until the transaction ends: two requests of one device, even on two
   *  server processes, read and update its state one after the other. */
  lockDevice(serial: string): Promise<DeviceRow | undefined>;
}

/** The schema's version; a database of an older version is migrated when it is opened. */
export const SCHEMA_VERSION = 2;

// SQLite's types; PostgreSQL's come from them (postgresSchema).
const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS devices (
  id INTEGER PRIMARY KEY, serial TEXT NOT NULL UNIQUE, key TEXT NOT NULL, starting_code INTEGER NOT NULL,
  token_count INTEGER NOT NULL, last_ts INTEGER, last_rc INTEGER, settings TEXT,
  auth_methods TEXT NOT NULL DEFAULT 'ta,ca,da,ra', credit_until INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL DEFAULT 0,
  last_received_at INTEGER, payg_disabled INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS formats (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS payments (
  id INTEGER PRIMARY KEY, device_id INTEGER NOT NULL REFERENCES devices(id), at INTEGER NOT NULL, days INTEGER NOT NULL,
  reference TEXT, until INTEGER, disable_payg INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL DEFAULT 0, credited_at INTEGER, days_credited INTEGER);
CREATE UNIQUE INDEX IF NOT EXISTS payments_reference ON payments(reference);
CREATE INDEX IF NOT EXISTS payments_pending ON payments(device_id, credited_at, at);
CREATE TABLE IF NOT EXISTS tokens (
  id INTEGER PRIMARY KEY, device_id INTEGER NOT NULL REFERENCES devices(id), count INTEGER NOT NULL,
  token TEXT NOT NULL, days INTEGER NOT NULL, created_at INTEGER NOT NULL, first_sent_at INTEGER, confirmed_at INTEGER,
  payment_id INTEGER REFERENCES payments(id), type TEXT NOT NULL DEFAULT 'ADD_TIME', UNIQUE(device_id, count));
CREATE TABLE IF NOT EXISTS requests (
  id INTEGER PRIMARY KEY, device_id INTEGER NOT NULL REFERENCES devices(id), received_at INTEGER NOT NULL,
  ts INTEGER, rc INTEGER, body_kind TEXT NOT NULL, body_bytes INTEGER NOT NULL, format_id INTEGER, answer BLOB,
  auth TEXT, up_bytes INTEGER, down_bytes INTEGER, csv_pending INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS requests_device ON requests(device_id, received_at);
CREATE INDEX IF NOT EXISTS requests_csv_pending ON requests(id) WHERE csv_pending = 1;
CREATE TABLE IF NOT EXISTS points (
  id INTEGER PRIMARY KEY, device_id INTEGER NOT NULL REFERENCES devices(id), request_id INTEGER NOT NULL REFERENCES requests(id),
  ts INTEGER NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL, digest TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS points_sample ON points(device_id, kind, ts, digest);
CREATE INDEX IF NOT EXISTS points_ts ON points(ts);
CREATE INDEX IF NOT EXISTS points_request ON points(request_id);
CREATE INDEX IF NOT EXISTS points_device_ts ON points(device_id, ts);
CREATE TABLE IF NOT EXISTS refusals (
  device_id INTEGER NOT NULL REFERENCES devices(id), reason TEXT NOT NULL, count INTEGER NOT NULL, last_at INTEGER NOT NULL,
  PRIMARY KEY (device_id, reason));
CREATE TABLE IF NOT EXISTS device_usage (
  device_id INTEGER NOT NULL REFERENCES devices(id), month TEXT NOT NULL, requests INTEGER NOT NULL, up_bytes INTEGER NOT NULL,
  down_bytes INTEGER NOT NULL, billed_kb INTEGER NOT NULL, PRIMARY KEY (device_id, month));
CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY, at INTEGER NOT NULL, action TEXT NOT NULL, device_id INTEGER REFERENCES devices(id), detail TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS audit_device ON audit(device_id, id);
`;

// Unix seconds reach 2^32, past PostgreSQL's INTEGER: every integer is a BIGINT there.
const postgresSchema = () => SCHEMA.replace(/INTEGER PRIMARY KEY/g, "BIGSERIAL PRIMARY KEY").replace(/INTEGER/g, "BIGINT").replace(/BLOB/g, "BYTEA");

// From version 1 (before payments had references and the points table refused a second row at
// one timestamp): the new columns, v1's payments credited through payments.token_id carried over
// (the column stays, unused), credit_until from the tokens, every device keeping every auth method
// (it may sign with sa today), and the points table without its one-row-per-timestamp key.
const MIGRATE_V1 = `
ALTER TABLE devices ADD COLUMN auth_methods TEXT NOT NULL DEFAULT 'sa,ta,ca,da,ra';
ALTER TABLE devices ADD COLUMN credit_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE devices ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE devices ADD COLUMN last_received_at INTEGER;
ALTER TABLE devices ADD COLUMN payg_disabled INTEGER NOT NULL DEFAULT 0;
UPDATE devices SET last_received_at = (SELECT MAX(r.received_at) FROM requests r WHERE r.device_id = devices.id);
ALTER TABLE tokens ADD COLUMN type TEXT NOT NULL DEFAULT 'ADD_TIME';
ALTER TABLE payments ADD COLUMN reference TEXT;
ALTER TABLE payments ADD COLUMN until INTEGER;
ALTER TABLE payments ADD COLUMN disable_payg INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN credited_at INTEGER;
ALTER TABLE payments ADD COLUMN days_credited INTEGER;
ALTER TABLE tokens ADD COLUMN payment_id INTEGER REFERENCES payments(id);
ALTER TABLE requests ADD COLUMN auth TEXT;
ALTER TABLE requests ADD COLUMN up_bytes INTEGER;
ALTER TABLE requests ADD COLUMN down_bytes INTEGER;
ALTER TABLE requests ADD COLUMN csv_pending INTEGER NOT NULL DEFAULT 0;
DROP INDEX IF EXISTS payments_due;
UPDATE payments SET credited_at = (SELECT t.created_at FROM tokens t WHERE t.id = payments.token_id), days_credited = days WHERE token_id IS NOT NULL;
UPDATE tokens SET payment_id = (SELECT p.id FROM payments p WHERE p.token_id = tokens.id);
ALTER TABLE points ADD COLUMN digest TEXT NOT NULL DEFAULT '';
UPDATE points SET digest = md5(data);
`;

/** The key two points of a device share when they are the same sample: kind, time and values. */
export const pointDigest = (data: string) => crypto.createHash("md5").update(data, "utf8").digest("hex");

const DAY = 86400;

/** The UTC month of a unix time, "YYYY-MM" (data use is counted per month). */
export const monthOf = (t: number) => new Date(t * 1000).toISOString().slice(0, 7);

/** The server's credit model after `days` more of credit at `at`: ADD_TIME counts from the end of
 *  the credit, or from `at` when it has run out. */
export const creditAfter = (until: number, at: number, days: number) => Math.max(until, at) + days * DAY;

export abstract class Store implements Sql {
  abstract readonly engine: "sqlite" | "postgres";
  abstract all<T>(sql: string, ...args: unknown[]): Promise<T[]>;
  abstract run(sql: string, ...args: unknown[]): Promise<void>;
  /** Runs f in one transaction: committed if f resolves, rolled back if it throws (the error passes on). */
  abstract transaction<T>(f: (tx: Transaction) => Promise<T>): Promise<T>;
  /**
   * One accepted upload, as one transaction on the device's lock: `decide` gets what the upload
   * needs to read and returns what to write (or throws: nothing is written). On PostgreSQL that is
   * two round trips to the database: the reads (and BEGIN), then the writes (and COMMIT).
   * With a CSV directory the request's stored points are then appended to its files (csvFlush).
   * Returns the request's id and the number of points stored (a point already stored, the same
   * sample resent, is not stored twice).
   */
  abstract upload(serial: string, formatId: number | null, at: number, decide: (r: UploadRead) => UploadWrite, csv?: CsvDirectory | null): Promise<{ requestId: number; stored: number }>;
  /**
   * Appends a committed request's stored points to the CSV directory under its device's lock, if
   * its csv_pending mark is still set, then clears the mark (two round trips on PostgreSQL).
   * `recovering`: written by an earlier server process perhaps (see CsvDirectory.write).
   */
  abstract csvFlush(requestId: number, csv: CsvDirectory, recovering: boolean): Promise<void>;

  /** Writes every request whose points a stopped server did not get to write; their count. */
  async csvRecover(csv: CsvDirectory): Promise<number> {
    const pending = await this.all<{ id: number }>("SELECT id FROM requests WHERE csv_pending = 1 ORDER BY id");
    for (const r of pending) await this.csvFlush(r.id, csv, true);
    return pending.length;
  }
  abstract close(): Promise<void>;

  async get<T>(sql: string, ...args: unknown[]): Promise<T | undefined> {
    return (await this.all<T>(sql, ...args))[0];
  }

  /** Adds a device and its scheduled payments; undefined (nothing stored) when the serial exists. */
  addDevice(d: NewDevice, payments: { at: number; days: number }[], now: number): Promise<number | undefined> {
    return this.transaction(async (tx) => {
      const row = await tx.get<{ id: number }>(
        `INSERT INTO devices (serial, key, starting_code, token_count, settings, auth_methods, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (serial) DO NOTHING RETURNING id`,
        d.serial, d.key, d.startingCode, d.count, d.settings ?? null, d.authMethods.join(","), now);
      if (!row) return undefined;
      for (const p of payments) await tx.run("INSERT INTO payments (device_id, at, days, created_at) VALUES (?, ?, ?, ?)", row.id, p.at, p.days, now);
      await audit(tx, now, "device.create", row.id, { serial: d.serial, starting_code: d.startingCode, count: d.count, auth_methods: d.authMethods, payments: payments.length });
      return row.id;
    });
  }

  /** Changes the given fields of a device (the rest is kept); false when there is no such device. */
  updateDevice(serial: string, changes: DeviceChanges, now: number, action: string, detail: object): Promise<boolean> {
    return this.transaction(async (tx) => {
      const dev = await tx.lockDevice(serial);
      if (!dev) return false;
      const names = Object.keys(changes) as (keyof DeviceChanges)[];
      if (names.length > 0) {
        await tx.run(`UPDATE devices SET ${names.map((n) => `${n} = ?`).join(", ")} WHERE id = ?`, ...names.map((n) => changes[n]), dev.id);
      }
      await audit(tx, now, action, dev.id, detail);
      return true;
    });
  }

  /** Adds devices that are all new, in one transaction: if any serial is already stored, adds
   *  none and returns those serials. */
  addNewDevices(devices: NewDevice[], now: number): Promise<{ added: number; existing: string[] }> {
    return this.transaction(async (tx) => {
      const existing: string[] = [];
      for (const d of devices) if (await tx.get("SELECT id FROM devices WHERE serial = ?", d.serial)) existing.push(d.serial);
      if (existing.length > 0) return { added: 0, existing };
      for (const d of devices) {
        await tx.run("INSERT INTO devices (serial, key, starting_code, token_count, auth_methods, created_at) VALUES (?, ?, ?, ?, ?, ?)",
          d.serial, d.key, d.startingCode, d.count, d.authMethods.join(","), now);
      }
      await audit(tx, now, "devices.provision", null, { devices: devices.length });
      return { added: devices.length, existing };
    });
  }

  device(serial: string): Promise<DeviceRow | undefined> {
    return this.get<DeviceRow>("SELECT * FROM devices WHERE serial = ?", serial);
  }

  async addFormat(body: string): Promise<number> {
    return (await this.get<{ id: number }>("INSERT INTO formats (body) VALUES (?) RETURNING id", body))!.id;
  }

  async count(sql: string, ...args: unknown[]): Promise<number> {
    return (await this.get<{ n: number }>(sql, ...args))!.n;
  }

  /** Counts a refused request against its device (the device's state is not touched). */
  async refused(deviceId: number, reason: RefusalReason, at: number): Promise<void> {
    await this.run(
      `INSERT INTO refusals (device_id, reason, count, last_at) VALUES (?, ?, 1, ?)
       ON CONFLICT (device_id, reason) DO UPDATE SET count = refusals.count + 1, last_at = excluded.last_at`, deviceId, reason, at);
  }

  async stats(): Promise<StoreStats> {
    const s = await this.get<StoreStats>(
      `SELECT (SELECT COUNT(*) FROM devices) AS devices, (SELECT COUNT(*) FROM requests) AS requests, (SELECT COUNT(*) FROM points) AS points,
              (SELECT COUNT(*) FROM points WHERE kind = 'hd') AS samples, (SELECT COUNT(*) FROM tokens) AS tokens,
              (SELECT COUNT(*) FROM tokens WHERE confirmed_at IS NOT NULL) AS confirmed, (SELECT COUNT(*) FROM payments) AS payments,
              (SELECT COALESCE(SUM(count), 0) FROM refusals) AS refusals`);
    return { ...s! };
  }

  points(o: { from?: number; to?: number; serial?: string } = {}): Promise<PointRow[]> {
    return this.all<PointRow>(
      `SELECT p.id, p.device_id, d.serial, p.ts, p.kind, p.data, p.request_id FROM points p JOIN devices d ON d.id = p.device_id
       WHERE p.ts >= ? AND p.ts < ? AND (CAST(? AS TEXT) IS NULL OR d.serial = ?) ORDER BY d.serial, p.ts, p.kind, p.id`,
      o.from ?? 0, o.to ?? 2 ** 53, o.serial ?? null, o.serial ?? null);
  }

  /**
   * Stored points in pages of at most `limit` rows, after `after` (the last row of the previous
   * page, null for the first): by request (the points of one request together, requests in the
   * order they were stored) or by time (device by device, each in time order).
   */
  pointsPage(o: { from?: number; to?: number; serial?: string }, order: "request" | "time", after: PointRow | null, limit: number): Promise<PointRow[]> {
    const [key, next] = order === "request"
      ? ["p.request_id, p.id", "(p.request_id > ? OR (p.request_id = ? AND p.id > ?))"]
      : ["p.device_id, p.ts, p.id", "(p.device_id > ? OR (p.device_id = ? AND (p.ts > ? OR (p.ts = ? AND p.id > ?))))"];
    const a = after === null ? [] : order === "request" ? [after.request_id, after.request_id, after.id] : [after.device_id, after.device_id, after.ts, after.ts, after.id];
    return this.all<PointRow>(
      `SELECT p.id, p.device_id, p.request_id, p.ts, p.kind, p.data, d.serial FROM points p JOIN devices d ON d.id = p.device_id
       WHERE p.ts >= ? AND p.ts < ? AND (CAST(? AS TEXT) IS NULL OR d.serial = ?)${after === null ? "" : " AND " + next}
       ORDER BY ${key} LIMIT ?`,
      o.from ?? 0, o.to ?? 2 ** 53, o.serial ?? null, o.serial ?? null, ...a, limit);
  }
}

async function audit(tx: Sql, at: number, action: string, deviceId: number | null, detail: object): Promise<void> {
  await tx.run("INSERT INTO audit (at, action, device_id, detail) VALUES (?, ?, ?, ?)", at, action, deviceId, JSON.stringify(detail));
}

/** Writes an audit line in a transaction of the caller's (operator changes: payments, replay resets). */
export { audit };

// The reads of an upload (Store.upload), in the dialect both engines take.
const UPLOAD_READS = {
  device: "SELECT * FROM devices WHERE serial = ?",
  format: "SELECT body FROM formats WHERE id = ?",
  due: `SELECT p.* FROM payments p JOIN devices d ON d.id = p.device_id
        WHERE d.serial = ? AND p.credited_at IS NULL AND p.at <= ? ORDER BY p.at, p.id`,
  unconfirmed: `SELECT t.id, t.payment_id, t.count, t.token, t.days, t.created_at, t.first_sent_at, t.confirmed_at
                FROM tokens t JOIN devices d ON d.id = t.device_id WHERE d.serial = ? AND t.confirmed_at IS NULL ORDER BY t.count`,
};

// What a CSV directory needs of a committed request (Store.csvFlush).
const CSV_READS = {
  request: `SELECT r.csv_pending, d.serial, f.body AS format FROM requests r JOIN devices d ON d.id = r.device_id
            LEFT JOIN formats f ON f.id = r.format_id WHERE r.id = ?`,
  points: "SELECT ts, kind, data FROM points WHERE request_id = ? ORDER BY id",
  done: "UPDATE requests SET csv_pending = 0 WHERE id = ?",
};

// The writes of an accepted upload, as statements with their arguments: the request first (its
// id goes to its points), the rest after the points.
function uploadStatements(dev: DeviceRow, w: UploadWrite, csv: boolean): [string, unknown[]][] {
  const r = w.request;
  const out: [string, unknown[]][] = [[
    "INSERT INTO requests (device_id, received_at, ts, rc, auth, body_kind, body_bytes, up_bytes, down_bytes, format_id, answer, csv_pending) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [dev.id, r.receivedAt, r.ts, r.rc, r.auth, r.bodyKind, r.bodyBytes, r.upBytes, r.downBytes, r.formatId, r.answer, csv ? 1 : 0],
  ]];
  creditStatements(dev.id, w.credit, out);
  out.push([
    "UPDATE devices SET last_ts = COALESCE(?, last_ts), last_rc = COALESCE(?, last_rc), last_received_at = ?" + (w.clearSettings ? ", settings = NULL" : "") + " WHERE id = ?",
    [r.ts, r.rc, r.receivedAt, dev.id],
  ]);
  // the device's data use this month (UTC, the server's clock), billed per session in whole KB as 2G is
  out.push([
    `INSERT INTO device_usage (device_id, month, requests, up_bytes, down_bytes, billed_kb) VALUES (?, ?, 1, ?, ?, ?)
     ON CONFLICT (device_id, month) DO UPDATE SET requests = device_usage.requests + 1, up_bytes = device_usage.up_bytes + excluded.up_bytes,
     down_bytes = device_usage.down_bytes + excluded.down_bytes, billed_kb = device_usage.billed_kb + excluded.billed_kb`,
    [dev.id, monthOf(r.receivedAt), r.upBytes, r.downBytes, Math.ceil((r.upBytes + r.downBytes) / 1024)],
  ]);
  if (w.confirmedUpTo !== null) {
    out.push(["UPDATE tokens SET confirmed_at = ? WHERE device_id = ? AND count <= ? AND confirmed_at IS NULL", [w.at, dev.id, w.confirmedUpTo]]);
  }
  out.push(["UPDATE tokens SET first_sent_at = ? WHERE device_id = ? AND count > ? AND first_sent_at IS NULL AND confirmed_at IS NULL", [w.at, dev.id, w.sentAbove]]);
  return out;
}

/** The statements that store a Credit (tokens, the payments they came from, the device's counters). */
export function creditStatements(deviceId: number, c: Credit, out: [string, unknown[]][]): void {
  for (const t of c.tokens) {
    out.push(["INSERT INTO tokens (device_id, payment_id, type, count, token, days, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", [deviceId, t.paymentId, t.type, t.count, t.token, t.days, t.createdAt]]);
  }
  for (const p of c.payments) out.push(["UPDATE payments SET credited_at = ?, days_credited = ? WHERE id = ?", [p.creditedAt, p.daysCredited, p.id]]);
  out.push(["UPDATE devices SET token_count = ?, credit_until = ?, payg_disabled = ? WHERE id = ?", [c.tokenCount, c.creditUntil, c.paygDisabled ? 1 : 0, deviceId]]);
}

const POINT_INSERT = "INSERT INTO points (device_id, request_id, ts, kind, data, digest) VALUES ";

class SqliteStore extends Store implements Sql {
  readonly engine = "sqlite";
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  // One connection for the whole process: a transaction's statements and everything else run one
  // after the other, so no request reads another's uncommitted rows.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string, o: { synchronous?: "full" | "normal" }) {
    super();
    const driver = loadDriver<typeof Database>("better-sqlite3", "the reference server and the simulator store data in SQLite");
    const dir = pathDir(path);
    if (!fs.existsSync(dir)) throw new OpaygoError(`cannot open the SQLite database ${path}: the directory ${dir} does not exist`);
    try {
      this.db = new driver(path);
      this.db.pragma("journal_mode = WAL");
    } catch (e) {
      throw new OpaygoError(`cannot open the SQLite database ${path}: ${sqliteProblem(e)}`);
    }
    // NORMAL in WAL mode: a committed transaction survives a crash of the process; FULL also
    // survives losing power, at the cost of an fsync per request.
    this.db.pragma(`synchronous = ${o.synchronous === "full" ? "FULL" : "NORMAL"}`);
    this.db.pragma("foreign_keys = ON");
    this.db.function("md5", { deterministic: true }, (s: unknown) => pointDigest(String(s)));
    const version = this.schemaVersion();
    if (version > SCHEMA_VERSION) throw new OpaygoError(`the database ${path} has schema version ${version}, newer than this server's ${SCHEMA_VERSION}: upgrade opaygo-wasm`);
    this.db.transaction(() => {
      if (version === 1) {
        this.db.exec(MIGRATE_V1);
        this.rebuildPointsV1();
      }
      this.db.exec(SCHEMA);
      this.db.prepare("INSERT INTO meta (name, value) VALUES ('schema_version', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value").run(String(SCHEMA_VERSION));
      if (version === 1) this.db.exec(CREDIT_UNTIL_FROM_TOKENS);
    })();
  }

  // 0: an empty database; 1: tables without a meta table (the first schema).
  private schemaVersion(): number {
    const has = (t: string) => this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t) !== undefined;
    if (has("meta")) return Number((this.db.prepare("SELECT value FROM meta WHERE name = 'schema_version'").get() as { value: string } | undefined)?.value ?? 0);
    return has("devices") ? 1 : 0;
  }

  // SQLite cannot drop v1's UNIQUE (device_id, kind, ts) constraint: the table is copied.
  private rebuildPointsV1(): void {
    this.db.exec(`
      CREATE TABLE points_v2 (
        id INTEGER PRIMARY KEY, device_id INTEGER NOT NULL REFERENCES devices(id), request_id INTEGER NOT NULL REFERENCES requests(id),
        ts INTEGER NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL, digest TEXT NOT NULL);
      INSERT INTO points_v2 SELECT id, device_id, request_id, ts, kind, data, digest FROM points;
      DROP TABLE points;
      ALTER TABLE points_v2 RENAME TO points;`);
  }

  private statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      if (this.statements.size > 200) this.statements.clear();
      this.statements.set(sql, s);
    }
    return s;
  }

  private exclusive<T>(f: () => Promise<T> | T): Promise<T> {
    const run = this.queue.then(f, f);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private allNow<T>(sql: string, args: unknown[]): T[] {
    const s = this.statement(sql);
    return (s.reader ? s.all(...args) : (s.run(...args), [])) as T[];
  }

  all<T>(sql: string, ...args: unknown[]): Promise<T[]> {
    return this.exclusive(() => this.allNow<T>(sql, args));
  }

  async run(sql: string, ...args: unknown[]): Promise<void> {
    await this.all(sql, ...args);
  }

  transaction<T>(f: (tx: Transaction) => Promise<T>): Promise<T> {
    const tx: Transaction = {
      all: async <R>(sql: string, ...args: unknown[]) => this.allNow<R>(sql, args),
      get: async <R>(sql: string, ...args: unknown[]) => this.allNow<R>(sql, args)[0],
      run: async (sql: string, ...args: unknown[]) => void this.allNow(sql, args),
      // the whole store is held by this transaction already
      lockDevice: async (serial: string) => this.allNow<DeviceRow>(UPLOAD_READS.device, [serial])[0],
    };
    return this.exclusive(async () => {
      this.db.exec("BEGIN IMMEDIATE");
      try {
        const result = await f(tx);
        this.db.exec("COMMIT");
        return result;
      } catch (e) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw e;
      }
    });
  }

  upload(serial: string, formatId: number | null, at: number, decide: (r: UploadRead) => UploadWrite, csv: CsvDirectory | null = null): Promise<{ requestId: number; stored: number }> {
    return this.exclusive(() => {
      this.db.exec("BEGIN IMMEDIATE");
      try {
        const device = this.allNow<DeviceRow>(UPLOAD_READS.device, [serial])[0];
        const w = decide({
          device,
          format: formatId === null ? null : this.allNow<{ body: string }>(UPLOAD_READS.format, [formatId])[0]?.body ?? null,
          due: this.allNow<PaymentRow>(UPLOAD_READS.due, [serial, at]),
          unconfirmed: this.allNow<TokenRow>(UPLOAD_READS.unconfirmed, [serial]),
        });
        const [first, ...rest] = uploadStatements(device!, w, csv !== null);
        const requestId = Number(this.statement(first[0]).run(...first[1]).lastInsertRowid);
        const point = this.statement(POINT_INSERT + "(?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
        let stored = 0;
        for (const p of w.points) stored += point.run(device!.id, requestId, p.ts, p.kind, p.data, pointDigest(p.data)).changes;
        for (const [sql, args] of rest) this.statement(sql).run(...args);
        this.db.exec("COMMIT");
        if (csv) this.csvFlushNow(requestId, csv, false);
        return { requestId, stored };
      } catch (e) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw e;
      }
    });
  }

  // (the process runs one store operation at a time: the lock is that)
  private csvFlushNow(requestId: number, csv: CsvDirectory, recovering: boolean): void {
    const r = this.allNow<{ csv_pending: number; serial: string; format: string | null }>(CSV_READS.request, [requestId])[0];
    if (!r || r.csv_pending !== 1) return;
    csv.write(requestId, r.serial, r.format, this.allNow<CsvPoint>(CSV_READS.points, [requestId]), recovering);
    this.allNow(CSV_READS.done, [requestId]);
  }

  csvFlush(requestId: number, csv: CsvDirectory, recovering: boolean): Promise<void> {
    return this.exclusive(() => this.csvFlushNow(requestId, csv, recovering));
  }

  async close(): Promise<void> {
    await this.exclusive(() => this.db.close());
  }
}

// credit_until of migrated devices, from their tokens in count order (creditAfter, in SQL).
const CREDIT_UNTIL_FROM_TOKENS = `
WITH RECURSIVE t AS (
  SELECT device_id, count, created_at, days, ROW_NUMBER() OVER (PARTITION BY device_id ORDER BY count) AS n FROM tokens),
c AS (
  SELECT device_id, n, MAX(0, created_at) + days * 86400 AS until FROM t WHERE n = 1
  UNION ALL
  SELECT t.device_id, t.n, MAX(c.until, t.created_at) + t.days * 86400 FROM c JOIN t ON t.device_id = c.device_id AND t.n = c.n + 1)
UPDATE devices SET credit_until = COALESCE((SELECT until FROM c WHERE c.device_id = devices.id ORDER BY n DESC LIMIT 1), 0);`;

const pathDir = (p: string) => path.dirname(path.resolve(p));

function sqliteProblem(e: unknown): string {
  const code = (e as { code?: string }).code ?? "";
  if (code === "SQLITE_NOTADB") return "the file is not a SQLite database";
  if (code === "SQLITE_CANTOPEN") return "it cannot be opened (a directory, or no permission)";
  if (code === "SQLITE_READONLY") return "it is read-only";
  return (e as Error).message;
}

// `?` placeholders as PostgreSQL's $1, $2, ... (no statement here has a ? inside a string).
const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

class PostgresStore extends Store {
  readonly engine = "postgres";
  /** round trips to the database since the store opened (make bench-server reports them per upload) */
  roundTrips = 0;

  private constructor(private readonly pool: pg.Pool, private readonly escape: (s: string) => string) {
    super();
  }

  static async open(url: string, password?: string): Promise<PostgresStore> {
    const driver = loadDriver<typeof pg>("pg", "a postgres:// database needs the PostgreSQL driver");
    // BIGINT (and COUNT) as numbers: every integer here is below 2^53.
    const types = { getTypeParser: (oid: number, format?: string) => (oid === driver.types.builtins.INT8 ? Number : driver.types.getTypeParser(oid, format as "text")) };
    // a password given apart goes over the URL's (pg lets the URL's fields win over the options)
    const target = password === undefined ? { connectionString: url } : { ...require("pg-connection-string").parse(url), password };
    const pool = new driver.Pool({ ...target, types: types as pg.CustomTypesConfig, max: 10 });
    // a connection that breaks while idle (the database restarting) is dropped, not fatal
    pool.on("error", () => undefined);
    const store = new PostgresStore(pool, driver.escapeLiteral);
    try {
      // Several processes may start at once on an empty database: one creates (or migrates) the tables.
      await store.transaction(async (tx) => {
        await tx.run("SELECT pg_advisory_xact_lock(7340001)");
        const tables = await tx.all<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()");
        const has = (t: string) => tables.some((x) => x.name === t);
        const version = has("meta")
          ? Number((await tx.get<{ value: string }>("SELECT value FROM meta WHERE name = 'schema_version'"))?.value ?? 0)
          : has("devices") ? 1 : 0;
        if (version > SCHEMA_VERSION) throw new OpaygoError(`schema version ${version} is newer than this server's ${SCHEMA_VERSION}: upgrade opaygo-wasm`);
        if (version === 1) {
          for (const s of statements(MIGRATE_V1.replace(/INTEGER/g, "BIGINT"))) await tx.run(s);
          await tx.run("ALTER TABLE points DROP CONSTRAINT IF EXISTS points_device_id_kind_ts_key");
        }
        for (const s of statements(postgresSchema())) await tx.run(s);
        await tx.run("INSERT INTO meta (name, value) VALUES ('schema_version', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value", String(SCHEMA_VERSION));
        if (version === 1) await tx.run(CREDIT_UNTIL_FROM_TOKENS.replace(/MAX\(/g, "GREATEST("));
      });
    } catch (e) {
      await pool.end();
      throw new OpaygoError(`cannot open the PostgreSQL database ${redactUrl(url)}: ${postgresProblem(e)}`);
    }
    return store;
  }

  async all<T>(sql: string, ...args: unknown[]): Promise<T[]> {
    this.roundTrips++;
    return (await this.pool.query(numbered(sql), args)).rows as T[];
  }

  async run(sql: string, ...args: unknown[]): Promise<void> {
    await this.all(sql, ...args);
  }

  async transaction<T>(f: (tx: Transaction) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const all = async <R>(sql: string, ...args: unknown[]) => {
      this.roundTrips++;
      return (await client.query(numbered(sql), args)).rows as R[];
    };
    const tx: Transaction = {
      all,
      get: async <R>(sql: string, ...args: unknown[]) => (await all<R>(sql, ...args))[0],
      run: async (sql: string, ...args: unknown[]) => void (await all(sql, ...args)),
      lockDevice: async (serial: string) => (await all<DeviceRow>(UPLOAD_READS.device + " FOR UPDATE", serial))[0],
    };
    return this.within(client, async () => {
      await all("BEGIN");
      const result = await f(tx);
      await all("COMMIT");
      return result;
    });
  }

  // Runs f on a client of the pool: on an error, rolls back (a client whose rollback fails is dropped).
  private async within<T>(client: pg.PoolClient, f: () => Promise<T>): Promise<T> {
    let broken = false;
    try {
      return await f();
    } catch (e) {
      this.roundTrips++;
      await client.query("ROLLBACK").catch(() => (broken = true));
      throw e;
    } finally {
      client.release(broken);
    }
  }

  // A value written into the statement's text (the simple query protocol takes several
  // statements in one round trip, but no parameters): integers, text (pg's escapeLiteral), bytes.
  private literal(v: unknown): string {
    if (v === null || v === undefined) return "NULL";
    if (typeof v === "number" && Number.isSafeInteger(v)) return String(v);
    if (typeof v === "bigint") return v.toString();
    if (typeof v === "string") return this.escape(v);
    if (Buffer.isBuffer(v)) return `'\\x${v.toString("hex")}'::bytea`;
    throw new Error(`no SQL literal for ${typeof v} ${String(v)}`);
  }

  private inline(sql: string, args: unknown[]): string {
    let i = 0;
    return sql.replace(/\?/g, () => this.literal(args[i++]));
  }

  async upload(serial: string, formatId: number | null, at: number, decide: (r: UploadRead) => UploadWrite, csv: CsvDirectory | null = null): Promise<{ requestId: number; stored: number }> {
    const client = await this.pool.connect();
    const result = await this.within(client, async () => {
      // Round trip 1: BEGIN and every read, the device's row locked.
      const reads = [
        this.inline(UPLOAD_READS.device + " FOR UPDATE", [serial]),
        this.inline(UPLOAD_READS.format, [formatId]),
        this.inline(UPLOAD_READS.due, [serial, at]),
        this.inline(UPLOAD_READS.unconfirmed, [serial]),
      ];
      this.roundTrips++;
      const results = (await client.query(["BEGIN", ...reads].join(";\n"))) as unknown as pg.QueryResult[];
      const device = results[1].rows[0] as DeviceRow | undefined;
      const w = decide({
        device, format: (results[2].rows[0] as { body: string } | undefined)?.body ?? null,
        due: results[3].rows as PaymentRow[], unconfirmed: results[4].rows as TokenRow[],
      });
      // Round trip 2: every write and COMMIT. The points in one statement; a sample already stored is skipped.
      const [first, ...rest] = uploadStatements(device!, w, csv !== null);
      const text = [this.inline(first[0], first[1]), "SELECT currval(pg_get_serial_sequence('requests', 'id')) AS id"];
      const count = "SELECT 0 AS stored";
      if (w.points.length > 0) {
        const rows = w.points.map((p) => `(${this.literal(device!.id)}, currval(pg_get_serial_sequence('requests', 'id')), ${p.ts}, ${this.literal(p.kind)}, ${this.literal(p.data)}, '${pointDigest(p.data)}')`);
        text.push(`WITH stored AS (${POINT_INSERT}${rows.join(",")} ON CONFLICT DO NOTHING RETURNING 1) SELECT COUNT(*) AS stored FROM stored`);
      } else text.push(count);
      for (const [sql, args] of rest) text.push(this.inline(sql, args));
      text.push("COMMIT");
      this.roundTrips++;
      const written = (await client.query(text.join(";\n"))) as unknown as pg.QueryResult[];
      return { requestId: Number((written[1].rows[0] as { id: number }).id), stored: Number((written[2].rows[0] as { stored: number | string }).stored) };
    });
    if (csv) await this.csvFlush(result.requestId, csv, false);
    return result;
  }

  async csvFlush(requestId: number, csv: CsvDirectory, recovering: boolean): Promise<void> {
    const client = await this.pool.connect();
    await this.within(client, async () => {
      // Round trip 1: BEGIN, the device's lock (one process writes a device's files at a time), what to write.
      this.roundTrips++;
      const reads = (await client.query([
        "BEGIN",
        this.inline("SELECT 1 FROM devices WHERE id = (SELECT device_id FROM requests WHERE id = ?) FOR UPDATE", [requestId]),
        this.inline(CSV_READS.request, [requestId]),
        this.inline(CSV_READS.points, [requestId]),
      ].join(";\n"))) as unknown as pg.QueryResult[];
      const r = reads[2].rows[0] as { csv_pending: number; serial: string; format: string | null } | undefined;
      if (r && r.csv_pending === 1) csv.write(requestId, r.serial, r.format, reads[3].rows as CsvPoint[], recovering);
      // Round trip 2: the mark cleared, COMMIT.
      this.roundTrips++;
      await client.query(this.inline(CSV_READS.done, [requestId]) + ";\nCOMMIT");
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

const statements = (sql: string) => sql.split(";").map((s) => s.trim()).filter(Boolean);

function postgresProblem(e: unknown): string {
  const m = (e as Error).message ?? String(e);
  if (/SASL|client password must be a string|password authentication/.test(m)) {
    return /password authentication failed/.test(m)
      ? "the server refused the password"
      : "the server asks for a password: set PGPASSWORD, or give --db-password-file (a password in the URL is visible in the process list)";
  }
  if ((e as NodeJS.ErrnoException).code === "ECONNREFUSED" || (e as NodeJS.ErrnoException).code === "ENOENT") return `no PostgreSQL server answers there (${(e as NodeJS.ErrnoException).code})`;
  return m;
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:@/]*):[^@/]*@/, "$1:***@");
}

export const isPostgresUrl = (db: string) => /^postgres(ql)?:\/\//.test(db);

/** A store on `db`: a postgres:// or postgresql:// URL (its password from the URL, `password`, or
 *  PGPASSWORD), or else the path of a SQLite file. */
export async function openStore(db: string, o: { synchronous?: "full" | "normal"; password?: string } = {}): Promise<Store> {
  return isPostgresUrl(db) ? PostgresStore.open(db, o.password) : new SqliteStore(db, o);
}

/** Round trips to PostgreSQL so far (0 for SQLite, which has none: it runs in the process). */
export const roundTrips = (s: Store) => (s instanceof PostgresStore ? s.roundTrips : 0);

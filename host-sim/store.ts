// The reference server's storage, behind one interface (Store) on two engines:
//   - SQLite (better-sqlite3) in WAL mode, the embedded default: one file, one server process;
//   - PostgreSQL (pg), selected by a postgres:// URL: several server processes share one database.
// Every accepted request is one transaction, committed before the answer is sent, so a crash loses
// nothing acknowledged. The SQL is written once, in the dialect both engines accept (`?`
// placeholders, RETURNING, ON CONFLICT); the PostgreSQL store numbers the placeholders.
import { createRequire } from "node:module";
import type Database from "better-sqlite3";
import type pg from "pg";
import { OpaygoError } from "../bindings/wasm.js";

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

export interface StoreStats {
  devices: number;
  requests: number;
  points: number;
  samples: number;
  tokens: number;
  confirmed: number;
}

/** Statements on a store or inside one of its transactions. Integers come back as numbers. */
export interface Sql {
  all<T>(sql: string, ...args: unknown[]): Promise<T[]>;
  get<T>(sql: string, ...args: unknown[]): Promise<T | undefined>;
  run(sql: string, ...args: unknown[]): Promise<void>;
}

export interface Transaction extends Sql {
  /** The device's row, locked until the transaction ends: two requests of one device, even on two
   *  server processes, read and update its last ts / rc and token count one after the other. */
  lockDevice(serial: string): Promise<DeviceRow | undefined>;
}

// SQLite's types; PostgreSQL's come from them (postgresSchema).
const SCHEMA = `
CREATE TABLE IF NOT EXISTS devices (
  id INTEGER PRIMARY KEY, serial TEXT NOT NULL UNIQUE, key TEXT NOT NULL, starting_code INTEGER NOT NULL,
  token_count INTEGER NOT NULL, last_ts INTEGER, last_rc INTEGER, settings TEXT);
CREATE TABLE IF NOT EXISTS formats (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
  id INTEGER PRIMARY KEY, device_id INTEGER NOT NULL REFERENCES devices(id), count INTEGER NOT NULL,
  token TEXT NOT NULL, days INTEGER NOT NULL, created_at INTEGER NOT NULL, first_sent_at INTEGER, confirmed_at INTEGER,
  UNIQUE(device_id, count));
CREATE TABLE IF NOT EXISTS payments (
  id INTEGER PRIMARY KEY, device_id INTEGER NOT NULL REFERENCES devices(id), at INTEGER NOT NULL,
  days INTEGER NOT NULL, token_id INTEGER REFERENCES tokens(id));
CREATE INDEX IF NOT EXISTS payments_due ON payments(device_id, token_id, at);
CREATE TABLE IF NOT EXISTS requests (
  id INTEGER PRIMARY KEY, device_id INTEGER NOT NULL REFERENCES devices(id), received_at INTEGER NOT NULL,
  ts INTEGER, rc INTEGER, body_kind TEXT NOT NULL, body_bytes INTEGER NOT NULL, format_id INTEGER, answer BLOB);
CREATE TABLE IF NOT EXISTS points (
  id INTEGER PRIMARY KEY, device_id INTEGER NOT NULL REFERENCES devices(id), request_id INTEGER NOT NULL REFERENCES requests(id),
  ts INTEGER NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL, UNIQUE(device_id, kind, ts));
CREATE INDEX IF NOT EXISTS points_ts ON points(ts);
`;

// Unix seconds reach 2^32, past PostgreSQL's INTEGER: every integer is a BIGINT there.
const postgresSchema = () => SCHEMA.replace(/INTEGER PRIMARY KEY/g, "BIGSERIAL PRIMARY KEY").replace(/INTEGER/g, "BIGINT").replace(/BLOB/g, "BYTEA");

export abstract class Store implements Sql {
  abstract readonly engine: "sqlite" | "postgres";
  abstract all<T>(sql: string, ...args: unknown[]): Promise<T[]>;
  abstract run(sql: string, ...args: unknown[]): Promise<void>;
  /** Runs f in one transaction: committed if f resolves, rolled back if it throws (the error passes on). */
  abstract transaction<T>(f: (tx: Transaction) => Promise<T>): Promise<T>;
  abstract close(): Promise<void>;

  async get<T>(sql: string, ...args: unknown[]): Promise<T | undefined> {
    return (await this.all<T>(sql, ...args))[0];
  }

  upsertDevice(d: { serial: string; key: string; startingCode: number; count: number; settings?: Record<string, unknown> | null; payments?: Payment[] }): Promise<number> {
    return this.transaction(async (tx) => {
      const { id } = (await tx.get<{ id: number }>(
        `INSERT INTO devices (serial, key, starting_code, token_count, settings) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (serial) DO UPDATE SET key = excluded.key, starting_code = excluded.starting_code, settings = excluded.settings RETURNING id`,
        d.serial, d.key, d.startingCode, d.count, d.settings ? JSON.stringify(d.settings) : null))!;
      for (const p of d.payments ?? []) await tx.run("INSERT INTO payments (device_id, at, days) VALUES (?, ?, ?)", id, p.at, p.days);
      return id;
    });
  }

  /** Adds devices that are all new, in one transaction: if any serial is already stored, adds
   *  none and returns those serials. */
  addNewDevices(devices: { serial: string; key: string; startingCode: number; count: number }[]): Promise<{ added: number; existing: string[] }> {
    return this.transaction(async (tx) => {
      const existing: string[] = [];
      for (const d of devices) if (await tx.get("SELECT id FROM devices WHERE serial = ?", d.serial)) existing.push(d.serial);
      if (existing.length > 0) return { added: 0, existing };
      for (const d of devices) {
        await tx.run("INSERT INTO devices (serial, key, starting_code, token_count) VALUES (?, ?, ?, ?)", d.serial, d.key, d.startingCode, d.count);
      }
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

  async stats(): Promise<StoreStats> {
    const s = await this.get<StoreStats>(
      `SELECT (SELECT COUNT(*) FROM devices) AS devices, (SELECT COUNT(*) FROM requests) AS requests, (SELECT COUNT(*) FROM points) AS points,
              (SELECT COUNT(*) FROM points WHERE kind = 'hd') AS samples, (SELECT COUNT(*) FROM tokens) AS tokens,
              (SELECT COUNT(*) FROM tokens WHERE confirmed_at IS NOT NULL) AS confirmed`);
    return { ...s! };
  }

  points(o: { from?: number; to?: number; serial?: string } = {}): Promise<PointRow[]> {
    return this.all<PointRow>(
      `SELECT d.serial, p.ts, p.kind, p.data, p.request_id FROM points p JOIN devices d ON d.id = p.device_id
       WHERE p.ts >= ? AND p.ts < ? AND (CAST(? AS TEXT) IS NULL OR d.serial = ?) ORDER BY d.serial, p.ts, p.kind`,
      o.from ?? 0, o.to ?? 2 ** 53, o.serial ?? null, o.serial ?? null);
  }
}

class SqliteStore extends Store implements Sql {
  readonly engine = "sqlite";
  private readonly db: Database.Database;
  // One connection for the whole process: a transaction's statements and everything else run one
  // after the other, so no request reads another's uncommitted rows.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string, o: { synchronous?: "full" | "normal" }) {
    super();
    const driver = loadDriver<typeof Database>("better-sqlite3", "the reference server and the simulator store data in SQLite");
    this.db = new driver(path);
    this.db.pragma("journal_mode = WAL");
    // NORMAL in WAL mode: a committed transaction survives a crash of the process; FULL also
    // survives losing power, at the cost of an fsync per request.
    this.db.pragma(`synchronous = ${o.synchronous === "full" ? "FULL" : "NORMAL"}`);
    this.db.pragma("foreign_keys = ON");
    this.db.exec(SCHEMA);
  }

  private exclusive<T>(f: () => Promise<T> | T): Promise<T> {
    const run = this.queue.then(f, f);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private allNow<T>(sql: string, args: unknown[]): T[] {
    const s = this.db.prepare(sql);
    return (s.reader ? s.all(...args) : (s.run(...args), [])) as T[];
  }

  all<T>(sql: string, ...args: unknown[]): Promise<T[]> {
    return this.exclusive(() => this.allNow<T>(sql, args));
  }

  async run(sql: string, ...args: unknown[]): Promise<void> {
    await this.all(sql, ...args);
  }

  transaction<T>(f: (tx: Transaction) => Promise<T>): Promise<T> {
    const all = async <R>(sql: string, ...args: unknown[]) => this.allNow<R>(sql, args);
    const tx: Transaction = {
      all,
      get: async <R>(sql: string, ...args: unknown[]) => this.allNow<R>(sql, args)[0],
      run: async (sql: string, ...args: unknown[]) => void this.allNow(sql, args),
      // the whole store is held by this transaction already
      lockDevice: async (serial: string) => this.allNow<DeviceRow>("SELECT * FROM devices WHERE serial = ?", [serial])[0],
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

  async close(): Promise<void> {
    await this.exclusive(() => this.db.close());
  }
}

// `?` placeholders as PostgreSQL's $1, $2, ... (no statement here has a ? inside a string).
const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

class PostgresStore extends Store {
  readonly engine = "postgres";

  private constructor(private readonly pool: pg.Pool) {
    super();
  }

  static async open(url: string): Promise<PostgresStore> {
    const driver = loadDriver<typeof pg>("pg", "a postgres:// database needs the PostgreSQL driver");
    // BIGINT (and COUNT) as numbers: every integer here is below 2^53.
    const types = { getTypeParser: (oid: number, format?: string) => (oid === driver.types.builtins.INT8 ? Number : driver.types.getTypeParser(oid, format as "text")) };
    const pool = new driver.Pool({ connectionString: url, types: types as pg.CustomTypesConfig, max: 10 });
    // a connection that breaks while idle (the database restarting) is dropped, not fatal
    pool.on("error", () => undefined);
    const store = new PostgresStore(pool);
    try {
      // Several processes may start at once on an empty database: one creates the tables.
      await store.transaction(async (tx) => {
        await tx.run("SELECT pg_advisory_xact_lock(7340001)");
        for (const statement of postgresSchema().split(";").map((s) => s.trim()).filter(Boolean)) await tx.run(statement);
      });
    } catch (e) {
      await pool.end();
      throw new OpaygoError(`cannot open the PostgreSQL database ${redactUrl(url)}: ${(e as Error).message}`);
    }
    return store;
  }

  async all<T>(sql: string, ...args: unknown[]): Promise<T[]> {
    return (await this.pool.query(numbered(sql), args)).rows as T[];
  }

  async run(sql: string, ...args: unknown[]): Promise<void> {
    await this.pool.query(numbered(sql), args);
  }

  async transaction<T>(f: (tx: Transaction) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const all = async <R>(sql: string, ...args: unknown[]) => (await client.query(numbered(sql), args)).rows as R[];
    const tx: Transaction = {
      all,
      get: async <R>(sql: string, ...args: unknown[]) => (await all<R>(sql, ...args))[0],
      run: async (sql: string, ...args: unknown[]) => void (await client.query(numbered(sql), args)),
      lockDevice: async (serial: string) => (await all<DeviceRow>("SELECT * FROM devices WHERE serial = ? FOR UPDATE", serial))[0],
    };
    let broken = false;
    try {
      await client.query("BEGIN");
      const result = await f(tx);
      await client.query("COMMIT");
      return result;
    } catch (e) {
      await client.query("ROLLBACK").catch(() => (broken = true));
      throw e;
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:@/]*):[^@/]*@/, "$1:***@");
}

export const isPostgresUrl = (db: string) => /^postgres(ql)?:\/\//.test(db);

/** A store on `db`: a postgres:// or postgresql:// URL, or else the path of a SQLite file. */
export async function openStore(db: string, o: { synchronous?: "full" | "normal" } = {}): Promise<Store> {
  return isPostgresUrl(db) ? PostgresStore.open(db) : new SqliteStore(db, o);
}

// The reference server on PostgreSQL (a throwaway server from tests/pg-cluster.ts, on a unix
// socket): the load, replay, crash, body and fleet tests of the SQLite store, then several `opaygo server`
// processes sharing one database:
//  - 4 processes, every device's requests spread over them round-robin: all stored, point by point;
//  - 50 copies of one request sent at once over the 4: one 201, one stored copy, one token issued;
//  - one of 4 SIGKILLed mid-load: nothing any of them acknowledged is lost, and the devices' resent
//    rows are stored once;
//  - a database that cannot be opened: a clear message and exit 2.
import { test, after, describe } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { postJson, route } from "../host-sim/http.js";
import { openStore, Store } from "../host-sim/store.js";
import { ChildServer, SimDevice, Sent, T0, checkDb, exactlyOneAccepted, killAllChildren, post } from "./load-fleet.js";
import { fleetOf, loadTests } from "./load-suite.js";
import { faultTests } from "./faults-suite.js";
import { fleetTests } from "./fleet-suite.js";
import { SCHEMA_V1, migrationTests } from "./migration-suite.js";
import { PgCluster } from "./pg-cluster.js";
import pg from "pg";
import { OPERATOR, opaygo } from "./helpers.js";

const cluster = PgCluster.start();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opaygo-postgres-test-"));
const stores: Store[] = [];
after(async () => {
  await killAllChildren();
  for (const s of stores) await s.close();
  cluster.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function newDatabase(name: string): Promise<{ db: string; log: string }> {
  return { db: await cluster.createDatabase(name), log: path.join(dir, `${name}.log`) };
}

loadTests("PostgreSQL", newDatabase, "postgres");

faultTests("PostgreSQL", async () => {
  const s = await openStore((await newDatabase("faults")).db);
  stores.push(s);
  return s;
});

fleetTests("PostgreSQL", async () => {
  const s = await openStore((await newDatabase("fleet")).db);
  stores.push(s);
  return s;
});

migrationTests("PostgreSQL", async () => {
  const db = await cluster.createDatabase("v1");
  const client = new pg.Client({ connectionString: db });
  await client.connect();
  try {
    await client.query(SCHEMA_V1.replace(/INTEGER PRIMARY KEY/g, "BIGSERIAL PRIMARY KEY").replace(/INTEGER/g, "BIGINT").replace(/BLOB/g, "BYTEA"));
    for (const t of ["devices", "tokens", "payments", "requests", "points"]) await client.query(`SELECT setval(pg_get_serial_sequence('${t}', 'id'), (SELECT MAX(id) FROM ${t}))`);
  } finally {
    await client.end();
  }
  return openStore(db);
});

/** `n` servers on one database, each on its own port 0. */
async function servers(db: string, n: number, name: string): Promise<ChildServer[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => ChildServer.start(db, [], path.join(dir, `${name}-${i}.log`))));
}

describe("several server processes on one PostgreSQL database", () => {
  test("4 processes, each device's requests spread round-robin over them: every request stored once, point by point", async () => {
    const DEVICES = 40;
    const UPLOADS = 8;
    const { db } = await newDatabase("roundrobin");
    const procs = await servers(db, 4, "roundrobin");
    try {
      const devices = await fleetOf(procs[1].url, DEVICES, "RR");
      const sent: Sent[] = [];
      await Promise.all(devices.map(async (d, i) => {
        for (let k = 0; k < UPLOADS; k++) {
          const o = d.next();
          sent.push(o.sent);
          const r = await post(procs[(i + k) % procs.length].url, o);
          o.sent.status = r.status;
          assert.equal(r.status, 201, `${d.serial}: ${r.body.toString()}`);
          d.answered(r);
        }
      }));
      for (const p of procs) assert.equal(await p.stop(), 0);
      const c = await checkDb(db, sent, { allRequests: true });
      assert.equal(c.requests, DEVICES * UPLOADS);
      assert.equal(c.points, DEVICES * UPLOADS * 4);
    } finally {
      await Promise.all(procs.map((p) => p.kill()));
    }
  });

  test("50 copies of one request sent at once over 4 processes: exactly one 201, one stored copy, its token issued once", async () => {
    const { db } = await newDatabase("copies");
    const procs = await servers(db, 4, "copies");
    try {
      const [d] = await fleetOf(procs[0].url, 1, "COPY", ["cbor"]);
      // a payment: its token goes out with the one accepted request
      await postJson(route(procs[2].url, `/devices/${d.serial}/payments`), { reference: "copies-1", days: 30 }, OPERATOR);
      const o = d.next();
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => post(procs[i % procs.length].url, o)));
      o.sent.status = 201;
      d.answered(exactlyOneAccepted(answers));
      for (const p of procs) assert.equal(await p.stop(), 0);
      const c = await checkDb(db, [o.sent], { allRequests: true });
      assert.equal(c.requests, 1);
      const store = await openStore(db);
      try {
        assert.deepEqual(await store.all("SELECT count, days FROM tokens"), [{ count: 2, days: 30 }], "one token, issued once");
        assert.equal((await store.device(d.serial))!.token_count, 2);
      } finally {
        await store.close();
      }
    } finally {
      await Promise.all(procs.map((p) => p.kill()));
    }
  });

  test("one of 4 processes SIGKILLed mid-load: nothing acknowledged is lost; the devices resend to the others and every row is stored once", async (t) => {
    const DEVICES = 40;
    const KILL_AFTER = 80; // answers 201 before the kill
    const CAP = 12; // uploads per device (bounds the loop)
    const { db } = await newDatabase("sigkill");
    const procs = await servers(db, 4, "sigkill");
    try {
      const devices = await fleetOf(procs[0].url, DEVICES, "KILL", ["condensed", "cbor"]);
      const sent: Sent[] = [];
      const killed = new Set<ChildServer>();
      const alive = () => procs.filter((p) => !killed.has(p));
      let acked = 0;
      let noAnswer = 0;
      let inFlight = 0;
      let inFlightAtKill = -1;
      const upload = async (d: SimDevice, target: ChildServer): Promise<boolean> => {
        const o = d.next();
        sent.push(o.sent);
        inFlight++;
        try {
          const r = await post(target.url, o);
          o.sent.status = r.status;
          assert.equal(r.status, 201, `${d.serial}: ${r.body.toString()}`);
          d.answered(r);
          return true;
        } catch (e) {
          if (!killed.has(target)) throw e;
          o.sent.status = "error"; // its server died: stored or not, the device resends the rows next time
          noAnswer++;
          return false;
        } finally {
          inFlight--;
        }
      };
      await Promise.all(devices.map(async (d, i) => {
        for (let k = 0; k < CAP; k++) {
          const live = alive();
          if (await upload(d, live[(i + k) % live.length]) && ++acked === KILL_AFTER) {
            inFlightAtKill = inFlight;
            killed.add(procs[0]);
            procs[0].proc.kill("SIGKILL");
          }
        }
        // the last upload goes to a live server, so every device ends with nothing pending
        if (d.pendingRows > 0) assert.ok(await upload(d, alive()[i % alive().length]), `${d.serial}: last upload`);
      }));
      assert.ok(inFlightAtKill > 0, "uploads were in flight when the server was killed");
      assert.ok(killed.has(procs[0]) && (await procs[0].exited).signal === "SIGKILL");
      for (const p of procs.slice(1)) assert.equal(await p.stop(), 0);
      for (const d of devices) assert.equal(d.pendingRows, 0);
      const c = await checkDb(db, sent, { allRows: true });
      const answered = sent.filter((s) => s.status === 201).length;
      t.diagnostic(`sigkill: ${sent.length} requests sent, ${answered} answered 201, ${noAnswer} without an answer (${c.storedWithoutAnswer} of them stored), ${inFlightAtKill} in flight at the kill; ${c.requests} requests and ${c.points} points stored`);
    } finally {
      await Promise.all(procs.map((p) => p.kill()));
    }
  });

  test("a database password from PGPASSWORD or --db-password-file, never needed in the URL; none or a wrong one: one clear line, exit 2", async () => {
    await cluster.addPasswordRole("opaygo_pw", "s3cret-Pass");
    const db = await cluster.createDatabase("pw");
    const client = new (await import("pg")).default.Client({ connectionString: db });
    await client.connect();
    await client.query("GRANT ALL ON SCHEMA public TO opaygo_pw");
    await client.end();
    const url = db.replace("postgres://postgres@", "postgres://opaygo_pw@");
    const passwordFile = path.join(dir, "db-password");
    fs.writeFileSync(passwordFile, "s3cret-Pass\n", { mode: 0o600 });
    for (const [args, env, message] of [
      [[], {}, /cannot open the PostgreSQL database .*: the server asks for a password: set PGPASSWORD, or give --db-password-file/],
      [[], { PGPASSWORD: "wrong" }, /cannot open the PostgreSQL database .*: the server refused the password/],
    ] as const) {
      const r = opaygo(["server", "export", "--db", url, ...args], undefined, env);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    }
    for (const [args, env] of [[["--db-password-file", passwordFile], {}], [[], { PGPASSWORD: "s3cret-Pass" }]] as const) {
      const r = opaygo(["server", "export", "--db", url, ...args], undefined, env);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, "serial_number,timestamp,kind\n");
    }
  });

  test("a PostgreSQL database that cannot be opened: a clear message and exit 2, nothing listening", () => {
    const missing = cluster.url("no_such_database");
    for (const args of [["server", "run", "--db", missing, "--port", "0"], ["server", "export", "--db", missing]]) {
      const r = opaygo(args);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /cannot open the PostgreSQL database .*no_such_database.*does not exist/);
      assert.doesNotMatch(r.stdout, /listening/);
    }
  });
});

// The reference server facing a network: the operator bearer token on every operator route,
// devices that cannot be re-keyed or credited without it, /health, HTTPS, the request log, bulk
// provisioning from CSV (`opaygo server provision`), the `opaygo server run` options, and a
// graceful shutdown on SIGTERM that lets a request in progress finish.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { OPERATOR_ROUTES, ReferenceServer } from "../host-sim/server.js";
import { Store, openStore } from "../host-sim/store.js";
import { DeviceCodec, DataFormat } from "../host-sim/codec.js";
import { exchange, postJson, route } from "../host-sim/http.js";
import { startingCodeOf } from "../bindings/token.js";
import { CLI, OPERATOR, OPERATOR_TOKEN, storedCounts } from "./helpers.js";

const KEY = "a29ab82edc5fbbc41ec9530f6dac86b1";
const OTHER_KEY = "00112233445566778899aabbccddeeff";
const SERIAL = "OPS0001";
const T0 = 1736121600;
const FORMAT: DataFormat = { data_order: ["token_count"], historical_data_interval: 120, historical_data_order: ["battery_voltage"] };

let dir: string, store: Store, server: ReferenceServer, base: string, formatId: number;
const logLines: string[] = [];

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "opaygo-server-ops-"));
  store = await openStore(path.join(dir, "s.sqlite"));
  server = new ReferenceServer({ store, basePath: "/m", clock: () => T0 + 99999, operatorToken: OPERATOR_TOKEN, log: (l) => logLines.push(l) });
  base = await server.listen(0);
  formatId = (await postJson(route(base, "/data_format"), FORMAT, OPERATOR)).id;
  await postJson(route(base, "/devices"), { serial: SERIAL, key: KEY, count: 1, payments: [{ at: T0, days: 3 }] }, OPERATOR);
  await postJson(route(base, "/devices"), { serial: "ROUTES1", key: OTHER_KEY }, OPERATOR);
});
after(async () => {
  for (const c of children) c.proc.kill("SIGKILL");
  await server.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** One request with any Authorization header (or none), plain HTTP or HTTPS with a trusted CA. */
function call(url: URL, method: string, o: { authorization?: string; body?: string; ca?: Buffer } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = {};
    if (o.authorization !== undefined) headers.Authorization = o.authorization;
    if (o.body !== undefined) Object.assign(headers, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(o.body) });
    const target = { hostname: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, agent: false };
    const req = url.protocol === "https:" ? https.request({ ...target, ca: o.ca }) : http.request(target);
    req.on("error", reject);
    req.on("response", (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.end(o.body);
  });
}

function device(serial: string, format: number, encoding: "condensed" | "cbor"): DeviceCodec {
  return new DeviceCodec({
    serial, key: KEY, startingCode: startingCodeOf(KEY), count: 1, format: { ...FORMAT, id: format }, auth: "ra", encoding, floatVariables: ["battery_voltage"],
  });
}

// A valid request on every operator route; each must be listed in OPERATOR_ROUTES and vice versa.
let made = 0; // a new serial or payment reference for each call
const VALID: Record<string, { path: string; body?: () => string; status: number }> = {
  "POST /devices": { path: "/devices", body: () => JSON.stringify({ serial: `NEW${++made}`, key: OTHER_KEY }), status: 201 },
  "GET /devices/{serial}": { path: "/devices/ROUTES1", status: 200 },
  "POST /devices/{serial}/payments": { path: "/devices/ROUTES1/payments", body: () => JSON.stringify({ reference: `VALID-${++made}`, days: 1 }), status: 201 },
  "POST /devices/{serial}/reset-replay": { path: "/devices/ROUTES1/reset-replay", body: () => JSON.stringify({ timestamp: null, request_count: null }), status: 200 },
  "GET /devices/{serial}/series": { path: "/devices/ROUTES1/series", status: 200 },
  "GET /devices/{serial}/history": { path: "/devices/ROUTES1/history", status: 200 },
  "GET /fleet": { path: "/fleet", status: 200 },
  "GET /dashboard": { path: "/dashboard", status: 200 },
  "GET /dashboard/devices/{serial}": { path: "/dashboard/devices/ROUTES1", status: 200 },
  "POST /logout": { path: "/logout", body: () => "", status: 303 },
  "POST /data_format": { path: "/data_format", body: () => JSON.stringify(FORMAT), status: 201 },
  "GET /dd": { path: "/dd?from_datetime=2025-01-01&to_datetime=2025-01-02", status: 200 },
  "GET /device_data": { path: "/device_data?from_datetime=2025-01-01&to_datetime=2025-01-02", status: 200 },
  "GET /export.csv": { path: "/export.csv", status: 200 },
  "GET /stats": { path: "/stats", status: 200 },
};

const WRONG: [string, string | undefined][] = [
  ["no Authorization header", undefined],
  ["an empty bearer token", "Bearer "],
  ["a token of the same length, last character changed", `Bearer ${OPERATOR_TOKEN.slice(0, -1)}g`],
  ["a prefix of the token", `Bearer ${OPERATOR_TOKEN.slice(0, 10)}`],
  ["the token and one more character", `Bearer ${OPERATOR_TOKEN}0`],
  ["the token in another scheme", `Basic ${OPERATOR_TOKEN}`],
  ["the token without a scheme", OPERATOR_TOKEN],
];

test("every operator route: 401 with WWW-Authenticate: Bearer without the token or with a wrong one (a page without any: the login page), nothing stored; 2xx with it", async () => {
  assert.deepEqual(Object.keys(VALID).sort(), [...OPERATOR_ROUTES].sort(), "the table covers every operator route");
  for (const [r, v] of Object.entries(VALID)) {
    const method = r.split(" ")[0];
    for (const [what, authorization] of WRONG) {
      const before = (await storedCounts(store));
      const res = await call(route(base, v.path), method, { authorization, body: v.body?.() });
      if (authorization === undefined && r.startsWith("GET /dashboard")) {
        // a page: a browser without a session goes to the login page
        assert.deepEqual([res.status, res.headers.location], [303, "/m/login"], `${r} with ${what}`);
        continue;
      }
      assert.equal(res.status, 401, `${r} with ${what}: ${res.body}`);
      assert.match(String(res.headers["www-authenticate"]), /^Bearer realm="opaygo operator"/, `${r} with ${what}`);
      assert.equal(typeof JSON.parse(res.body).error, "string");
      assert.doesNotMatch(res.body, new RegExp(OPERATOR_TOKEN.slice(0, 10)), "the answer never echoes a token");
      assert.deepEqual((await storedCounts(store)), before, `${r} with ${what}: nothing stored`);
    }
    const ok = await call(route(base, v.path), method, { authorization: `Bearer ${OPERATOR_TOKEN}`, body: v.body?.() });
    assert.equal(ok.status, v.status, `${r} with the token: ${ok.body}`);
    // the scheme is case-insensitive (RFC 9110)
    const lower = await call(route(base, v.path), method, { authorization: `bearer ${OPERATOR_TOKEN}`, body: v.body?.() });
    assert.equal(lower.status, v.status, `${r} with "bearer": ${lower.body}`);
  }
});

test("a device cannot be re-keyed or given credit without the token; its own uploads go on as before", async () => {
  const before = (await store.device(SERIAL))!;
  const payments = await store.count("SELECT COUNT(*) AS n FROM payments");
  for (const [, authorization] of WRONG) {
    const res = await call(route(base, "/devices"), "POST", {
      authorization, body: JSON.stringify({ serial: SERIAL, key: OTHER_KEY, starting_code: 1, payments: [{ at: T0, days: 995 }], settings: { base_url: "http://evil" } }),
    });
    assert.equal(res.status, 401);
  }
  assert.deepEqual(await store.device(SERIAL), before, "key, starting code and settings unchanged");
  assert.equal(await store.count("SELECT COUNT(*) AS n FROM payments"), payments, "no payment added");

  const dev = device(SERIAL, formatId, "condensed");
  dev.record(T0 + 3600, { battery_voltage: 12 });
  dev.setStatus({ token_count: dev.tokenCount() });
  const req = dev.encodeRequest(T0 + 3600);
  const r = await exchange(route(base, "/dd"), "POST", req.body, req.contentType); // no operator token: a device route
  assert.equal(r.status, 201, r.body.toString());
  const a = dev.applyAnswer(r.body, r.contentType, T0 + 3600);
  assert.equal(a.signatureOk, true);
  assert.deepEqual(a.tokens.map((t) => t.result), ["ACCEPTED"], "only the paid 3 days");
  assert.equal(dev.secondsLeft(T0 + 3600), 3 * 86400);
});

test("without an operator token the operator routes answer 403 (even with a bearer token); device routes and /health work", async () => {
  const d = fs.mkdtempSync(path.join(dir, "none-"));
  const s = await openStore(path.join(d, "n.sqlite"));
  const srv = new ReferenceServer({ store: s });
  try {
    const b = await srv.listen(0);
    for (const [r, v] of Object.entries(VALID)) {
      for (const authorization of [undefined, `Bearer ${OPERATOR_TOKEN}`]) {
        const res = await call(route(b, v.path), r.split(" ")[0], { authorization, body: v.body?.() });
        assert.equal(res.status, 403, `${r}: ${res.body}`);
        assert.match(JSON.parse(res.body).error, /operator routes are disabled/);
      }
    }
    assert.equal((await s.stats()).devices, 0);
    const dd = await exchange(route(b, "/dd"), "POST", Buffer.from('{"sn":"X","df":1,"d":[1]}'), "application/json");
    assert.equal(dd.status, 404, "the device route still answers (unknown device)");
    assert.equal((await exchange(route(b, "/health"), "GET", null, null)).status, 200);
  } finally {
    await srv.close();
    await s.close();
  }
});

test("GET /health: 200 {status: ok} without a token, nothing else in it; other methods 405", async () => {
  const r = await call(route(base, "/health"), "GET");
  assert.equal(r.status, 200);
  assert.deepEqual(JSON.parse(r.body), { status: "ok" });
  assert.equal((await call(route(base, "/health"), "POST", { body: "{}" })).status, 405);
});

test("one JSON log line per request: method, path without the query, status, bytes, ms, remote; never a key, token or header", async () => {
  const start = logLines.length;
  const requests: [string, string, string | undefined, string | undefined][] = [
    ["GET", `/dd?from_datetime=2025-01-01&to_datetime=2025-01-02&serial_number=${SERIAL}`, `Bearer ${OPERATOR_TOKEN}`, undefined],
    ["GET", "/stats", `Bearer ${OPERATOR_TOKEN}x`, undefined],
    ["POST", "/devices", `Bearer ${OPERATOR_TOKEN}`, JSON.stringify({ serial: "LOGGED1", key: OTHER_KEY })],
    ["GET", "/nowhere?token=" + OPERATOR_TOKEN, undefined, undefined],
  ];
  const answers: { body: string }[] = [];
  for (const [method, p, authorization, body] of requests) answers.push(await call(route(base, p), method, { authorization, body }));
  await until(() => logLines.length >= start + requests.length);
  const lines = logLines.slice(start);
  assert.equal(lines.length, requests.length);
  const entries = lines.map((l) => JSON.parse(l));
  assert.deepEqual(entries.map((e) => [e.method, e.path, e.status]), [["GET", "/m/dd", 200], ["GET", "/m/stats", 401], ["POST", "/m/devices", 201], ["GET", "/m/nowhere", 404]]);
  entries.forEach((e, i) => {
    assert.deepEqual(Object.keys(e).sort(), ["bytes", "method", "ms", "path", "remote", "status", "time"]);
    assert.equal(e.bytes, Buffer.byteLength(answers[i].body));
    assert.equal(e.remote, "127.0.0.1");
    assert.equal(typeof e.ms, "number");
  });
  const all = logLines.join("\n");
  for (const secret of [OPERATOR_TOKEN, KEY, OTHER_KEY, "Bearer", "serial_number", SERIAL]) assert.ok(!all.includes(secret), `the log holds ${secret}`);
});

/** Waits for something another party does (a log line written, bytes from a server); a 30 s guard against hanging. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 3000 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(done(), "the awaited event never came");
}

// ---------------------------------------------------------------- TLS

function selfSignedCert(d: string): { cert: string; key: string; certPem: Buffer } {
  const cert = path.join(d, "cert.pem"), key = path.join(d, "key.pem");
  const r = spawnSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
    "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,IP:127.0.0.2,DNS:localhost"], { encoding: "utf8" });
  assert.equal(r.status, 0, `openssl is required (scripts/install-deps.sh): ${r.error ?? r.stderr}`);
  return { cert, key, certPem: fs.readFileSync(cert) };
}

test("HTTPS: a device uploads and verifies the answer over TLS; an untrusted client is refused, plain HTTP gets no answer; the session cookie is Secure", async () => {
  const d = fs.mkdtempSync(path.join(dir, "tls-"));
  const { cert, key, certPem } = selfSignedCert(d);
  const s = await openStore(path.join(d, "t.sqlite"));
  const srv = new ReferenceServer({ store: s, operatorToken: OPERATOR_TOKEN, tls: { cert: fs.readFileSync(cert), key: fs.readFileSync(key) }, clock: () => T0 });
  try {
    const b = await srv.listen(0);
    assert.match(b, /^https:\/\/127\.0\.0\.1:\d+$/);
    const tls = { ...OPERATOR, ca: certPem };
    const f = (await postJson(route(b, "/data_format"), FORMAT, tls)).id;
    await postJson(route(b, "/devices"), { serial: "TLS1", key: KEY, payments: [{ at: T0, days: 2 }] }, tls);
    const dev = device("TLS1", f, "cbor");
    dev.record(T0, { battery_voltage: 12.5 });
    dev.setStatus({ token_count: 1 });
    const req = dev.encodeRequest(T0);
    const r = await exchange(route(b, "/dd"), "POST", req.body, req.contentType, { ca: certPem });
    assert.equal(r.status, 201, r.body.toString());
    assert.equal(dev.applyAnswer(r.body, r.contentType, T0).signatureOk, true);
    assert.equal(dev.secondsLeft(T0), 2 * 86400);
    await assert.rejects(exchange(route(b, "/health"), "GET", null, null), /self[- ]signed/, "the system CAs do not trust the test certificate");
    const plain = await exchange(new URL(b.replace("https:", "http:") + "/health"), "GET", null, null).catch((e: Error) => e);
    assert.ok(plain instanceof Error || plain.status === 400, "no plain-HTTP answer on the TLS port");
    // the dashboard's session cookie is Secure under TLS (tests/dashboard.test.ts checks the rest)
    const login = await exchange(route(b, "/login"), "POST", Buffer.from(`token=${OPERATOR_TOKEN}`), "application/x-www-form-urlencoded", { ca: certPem });
    assert.equal(login.status, 303);
    assert.match(String(login.headers["set-cookie"]), /^opaygo_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict; Secure$/);
  } finally {
    await srv.close();
    await s.close();
  }
});

// ---------------------------------------------------------------- the CLI

const children = new Set<Child>();

/** `opaygo ...` as a child process, its output kept, with a way to wait for a line of it. */
class Child {
  out = "";
  err = "";
  readonly exited: Promise<number | null>;
  private waiters: (() => void)[] = [];
  constructor(readonly proc: ChildProcess) {
    children.add(this);
    const seen = () => this.waiters.forEach((w) => w());
    proc.stdout!.on("data", (d) => { this.out += d; seen(); });
    proc.stderr!.on("data", (d) => { this.err += d; seen(); });
    this.exited = new Promise((resolve) => proc.once("exit", (code) => { children.delete(this); seen(); resolve(code); }));
  }
  static start(args: string[], env: Record<string, string> = {}): Child {
    return new Child(spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } }));
  }
  /** the first match of `re` in stdout; fails if the process exits (or 30 s pass) first */
  waitFor(re: RegExp): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${re} in 30 s; stdout: ${this.out} stderr: ${this.err}`)), 30000);
      const check = () => {
        const m = re.exec(this.out);
        if (m) { clearTimeout(timer); resolve(m); } else if (this.proc.exitCode !== null) { clearTimeout(timer); reject(new Error(`exited ${this.proc.exitCode} before ${re}: ${this.err}`)); }
      };
      this.waiters.push(check);
      check();
    });
  }
}

function cli(args: string[], o: { env?: Record<string, string>; input?: string } = {}) {
  const env = { ...process.env, ...o.env };
  if (!o.env || !("OPAYGO_OPERATOR_TOKEN" in o.env)) delete env.OPAYGO_OPERATOR_TOKEN;
  return spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env, input: o.input, timeout: 60_000 });
}

test("opaygo server provision: a good CSV (header, CRLF, BOM, optional count) adds every device; devices then upload", async () => {
  const db = path.join(dir, "prov.sqlite");
  const csv = path.join(dir, "good.csv");
  fs.writeFileSync(csv, `\uFEFFserial,key,starting_code,count\r\nSHS1,${KEY.toUpperCase()},123456789,5\r\n\r\nSHS2, ${OTHER_KEY} ,0\r\nSHS3,${KEY},999999999,65535\r\n`);
  const r = cli(["server", "provision", "--db", db, csv]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, "provisioned 3 devices\n");
  const s = await openStore(db);
  try {
    assert.deepEqual((await Promise.all(["SHS1", "SHS2", "SHS3"].map((n) => s.device(n)))).map((d) => [d!.key, d!.starting_code, d!.token_count]),
      [[KEY, 123456789, 5], [OTHER_KEY, 0, 1], [KEY, 999999999, 65535]]);
  } finally {
    await s.close();
  }
  const again = cli(["server", "provision", "--db", db, "-"], { input: `NEW1,${KEY},1\nSHS2,${KEY},1\n` });
  assert.equal(again.status, 2);
  assert.match(again.stderr, /nothing provisioned; 1 bad line:\n-:2: device SHS2 is already provisioned/);
  const s2 = await openStore(db);
  try {
    assert.equal(await s2.device("NEW1"), undefined, "all or nothing");
    assert.equal((await s2.device("SHS2"))!.key, OTHER_KEY, "an existing device keeps its key");
  } finally {
    await s2.close();
  }
});

test("opaygo server provision: a bad CSV gets every bad line number, exit 2, and nothing stored", async () => {
  const db = path.join(dir, "bad.sqlite");
  const csv = path.join(dir, "bad.csv");
  fs.writeFileSync(csv, [
    "serial,key,starting_code", `OK1,${KEY},1`, `BADKEY,${KEY.slice(1)},1`, `BADCODE,${KEY},1234567890`, `FEW,${KEY}`, `OK1,${KEY},2`,
    `BIGCOUNT,${KEY},1,65536`, `"Q",${KEY},1`, `NEG,${KEY},-1`, `OK2,${KEY},3`, `MANY,${KEY},1,1,1`,
  ].join("\n"));
  const r = cli(["server", "provision", "--db", db, csv]);
  assert.equal(r.status, 2);
  const lines = r.stderr.trim().split("\n");
  assert.match(lines[0], /nothing provisioned; 8 bad lines/);
  assert.deepEqual(lines.slice(1).map((l) => Number(l.split(":")[1])), [3, 4, 5, 6, 7, 8, 9, 11]);
  assert.match(r.stderr, /:3: key must be 32 hexadecimal digits/);
  assert.match(r.stderr, /:6: serial OK1 is also on line 2/);
  const s = await openStore(db);
  try {
    assert.equal((await s.stats()).devices, 0, "not even the good lines");
  } finally {
    await s.close();
  }
  for (const [input, message] of [["", /no devices in -/], ["serial,key,starting_code\n", /no devices in -/]] as const) {
    const e = cli(["server", "provision", "--db", db, "-"], { input });
    assert.equal(e.status, 2);
    assert.match(e.stderr, message);
  }
  const missing = cli(["server", "provision", "--db", db, path.join(dir, "nope.csv")]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read .*nope\.csv: ENOENT/);
});

test("opaygo server run refuses, with exit 2: a network address without a token, a weak or twice-given token, a token as an argument, half a TLS pair, a short JWT key", () => {
  const db = path.join(dir, "refused.sqlite");
  const tokenFile = path.join(dir, "token");
  fs.writeFileSync(tokenFile, OPERATOR_TOKEN + "\n", { mode: 0o600 });
  const shortKey = path.join(dir, "short-jwt-key");
  fs.writeFileSync(shortKey, "31 bytes of key, one too few...\n", { mode: 0o600 });
  const cases: [string[], Record<string, string> | undefined, RegExp][] = [
    [["--host", "0.0.0.0"], undefined, /--host 0\.0\.0\.0 is not a loopback address: give an operator token/],
    [["--host", "::"], { OPAYGO_OPERATOR_TOKEN: "" }, /not a loopback address/],
    [[], { OPAYGO_OPERATOR_TOKEN: "short" }, /operator token \(OPAYGO_OPERATOR_TOKEN\) must be 16 to 1024 characters/],
    [[], { OPAYGO_OPERATOR_TOKEN: "has a space in it, long enough" }, /must be 16 to 1024 characters/],
    [["--operator-token-file", tokenFile], { OPAYGO_OPERATOR_TOKEN: OPERATOR_TOKEN }, /not both/],
    [["--operator-token-file", path.join(dir, "missing-token")], undefined, /cannot read the operator token file .*ENOENT/],
    [["--operator-token", OPERATOR_TOKEN], undefined, /unknown option '--operator-token'/],
    [["--tls-cert", tokenFile], undefined, /--tls-cert and --tls-key go together/],
    [["--tls-cert", tokenFile, "--tls-key", tokenFile], undefined, /cannot serve HTTPS/],
    [["--log", path.join(dir, "l"), "--quiet"], undefined, /cannot both/],
    [["--format-jwt-key-file", shortKey], undefined, /JWT key in .* must be at least 32 bytes/],
    [["--format-jwt-key-file", path.join(dir, "missing-key")], undefined, /cannot read the JWT key file .*ENOENT/],
  ];
  for (const [args, env, message] of cases) {
    const r = cli(["server", "run", "--db", db, "--port", "0", ...args], { env });
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stdout} ${r.stderr}`);
    assert.match(r.stderr, message, args.join(" "));
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.ok(!r.stderr.includes(OPERATOR_TOKEN), "no token in error messages");
  }
});

test("opaygo server run: a database that cannot be used is one clear line and exit 2, never a stack", () => {
  const notDb = path.join(dir, "not-a-database.sqlite");
  fs.writeFileSync(notDb, "this is a text file, not SQLite ".repeat(200));
  const cases: [string[], RegExp][] = [
    [["--db", path.join(dir, "no-such-dir", "fleet.sqlite")], /cannot open the SQLite database .*fleet\.sqlite: the directory .*no-such-dir does not exist/],
    [["--db", notDb], /cannot open the SQLite database .*not-a-database\.sqlite: the file is not a SQLite database/],
    [["--db", dir], /cannot open the SQLite database .*: it cannot be opened \(a directory, or no permission\)/],
    [["--db", path.join(dir, "x.sqlite"), "--db-password-file", path.join(dir, "token")], /--db-password-file is for a postgres:\/\/ database/],
    [["--db", "postgres://u@localhost/db", "--db-password-file", path.join(dir, "missing-password")], /cannot read the database password file .*ENOENT/],
  ];
  for (const [args, message] of cases) {
    const r = cli(["server", "run", "--port", "0", ...args]);
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stdout} ${r.stderr}`);
    assert.match(r.stderr, message, args.join(" "));
    assert.equal(r.stderr.trim().split("\n").length, 1, `one line: ${r.stderr}`);
  }
});

test("opaygo server run --host --tls-cert --tls-key --operator-token-file --log: HTTPS on that address; health, operator route, `opaygo sim --server` with the token, SIGTERM exits 0", async () => {
  const d = fs.mkdtempSync(path.join(dir, "cli-tls-"));
  const { cert, key, certPem } = selfSignedCert(d);
  const tokenFile = path.join(d, "token");
  fs.writeFileSync(tokenFile, OPERATOR_TOKEN + "\n", { mode: 0o600 });
  const log = path.join(d, "requests.log");
  const c = Child.start(["server", "run", "--db", path.join(d, "c.sqlite"), "--port", "0", "--host", "127.0.0.2", "--tls-cert", cert, "--tls-key", key,
    "--operator-token-file", tokenFile, "--log", log]);
  const url = (await c.waitFor(/listening on (\S+)\n/))[1];
  assert.match(url, /^https:\/\/127\.0\.0\.2:\d+$/);
  assert.deepEqual(JSON.parse((await exchange(route(url, "/health"), "GET", null, null, { ca: certPem })).body.toString()), { status: "ok" });
  assert.equal((await exchange(route(url, "/stats"), "GET", null, null, { ca: certPem })).status, 401);
  assert.equal((await exchange(route(url, "/stats"), "GET", null, null, { ca: certPem, ...OPERATOR })).status, 200);
  // `opaygo sim --server` against it: the operator token from the environment, the CA from Node's
  const sim = ["sim", "--devices", "2", "--days", "1", "--upload-every", "21600", "--server", url, "--json"];
  const untrusted = cli(sim, { env: { OPAYGO_OPERATOR_TOKEN: OPERATOR_TOKEN } });
  assert.equal(untrusted.status, 2);
  assert.match(untrusted.stderr, /^opaygo: self-signed certificate \(the server's certificate is not trusted: .*NODE_EXTRA_CA_CERTS=/);
  const noToken = cli(sim, { env: { NODE_EXTRA_CA_CERTS: cert } });
  assert.equal(noToken.status, 2);
  assert.match(noToken.stderr, /HTTP 401 .*Authorization: Bearer/);
  const run = cli(sim, { env: { NODE_EXTRA_CA_CERTS: cert, OPAYGO_OPERATOR_TOKEN: OPERATOR_TOKEN } });
  assert.equal(run.status, 0, run.stderr);
  const j = JSON.parse(run.stdout);
  assert.ok(j.requests > 0 && j.accepted === j.requests && j.db_rows > 0, run.stdout);
  c.proc.kill("SIGTERM");
  assert.equal(await c.exited, 0, c.err);
  const entries = fs.readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  // (the untrusting client's aborted TLS connection is logged without a path)
  assert.deepEqual(entries.filter((e) => e.path !== null).slice(0, 4).map((e) => [e.path, e.status]), [["/health", 200], ["/stats", 401], ["/stats", 200], ["/data_format", 401]]);
  assert.equal(entries.filter((e) => e.path === "/dd" && e.status === 201).length, j.requests);
  assert.ok(!fs.readFileSync(log, "utf8").includes(OPERATOR_TOKEN));
  assert.equal(c.err, "", "the log went to the file");
});

test("graceful shutdown: on SIGTERM no new connection is accepted, the upload in progress is answered and stored, the process exits 0", async () => {
  const d = fs.mkdtempSync(path.join(dir, "cli-stop-"));
  const db = path.join(d, "g.sqlite");
  const prov = cli(["server", "provision", "--db", db, "-"], { input: `GRACE1,${KEY},${startingCodeOf(KEY)}\n` });
  assert.equal(prov.status, 0, prov.stderr);
  const c = Child.start(["server", "run", "--db", db, "--port", "0"], { OPAYGO_OPERATOR_TOKEN: OPERATOR_TOKEN });
  const url = new URL((await c.waitFor(/listening on (\S+)\n/))[1]);
  const f = (await postJson(route(url.href, "/data_format"), FORMAT, OPERATOR)).id;
  const dev = device("GRACE1", f, "condensed");
  dev.record(T0, { battery_voltage: 12.5 });
  dev.setStatus({ token_count: 1 });
  const req = dev.encodeRequest(T0);

  // The request's headers, then (once the server has taken the request: 100 Continue) SIGTERM, then its body.
  const socket = net.connect(Number(url.port), "127.0.0.1");
  let got = "";
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  socket.on("data", (b) => (got += b.toString("latin1")));
  socket.write(`POST /dd HTTP/1.1\r\nHost: x\r\nContent-Type: ${req.contentType}\r\nContent-Length: ${req.body.length}\r\nExpect: 100-continue\r\n\r\n`);
  await until(() => got.includes("100 Continue"));
  c.proc.kill("SIGTERM");
  await c.waitFor(/SIGTERM: stopping/);
  const refused = await new Promise<string>((resolve) => {
    const s = net.connect(Number(url.port), "127.0.0.1", () => { s.destroy(); resolve("connected"); });
    s.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "error"));
  });
  assert.match(refused, /ECONNREFUSED|ECONNRESET/, "no new connections once stopping");
  socket.write(req.body);
  await closed;
  assert.match(got, /HTTP\/1\.1 201 Created\r\n/);
  assert.match(got, /\r\nConnection: close\r\n/i);
  const answer = Buffer.from(got.slice(got.indexOf("\r\n\r\n", got.indexOf("201 Created")) + 4), "latin1");
  assert.equal(dev.applyAnswer(answer, "application/json", T0).signatureOk, true);
  assert.equal(await c.exited, 0, c.err);
  assert.match(c.out, /stopped\n$/);
  const s = await openStore(db);
  try {
    assert.equal((await s.stats()).requests, 1, "the request answered during the shutdown is stored");
  } finally {
    await s.close();
  }
  // the request log on stderr: one line per request, no token, no key
  const entries = c.err.trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(entries.map((e) => [e.method, e.path, e.status]), [["POST", "/data_format", 201], ["POST", "/dd", 201]]);
  assert.ok(!c.err.includes(OPERATOR_TOKEN) && !c.err.includes(KEY));
});

test("shutdown timeout: a request that never finishes arriving is dropped once --shutdown-timeout passes, and the process still exits 0", async () => {
  const d = fs.mkdtempSync(path.join(dir, "cli-stuck-"));
  const c = Child.start(["server", "run", "--db", path.join(d, "s.sqlite"), "--port", "0", "--shutdown-timeout", "200", "--quiet"], { OPAYGO_OPERATOR_TOKEN: OPERATOR_TOKEN });
  const url = new URL((await c.waitFor(/listening on (\S+)\n/))[1]);
  const socket = net.connect(Number(url.port), "127.0.0.1");
  let got = "";
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  socket.on("error", () => {});
  socket.on("data", (b) => (got += b.toString("latin1")));
  socket.write("POST /dd HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n{");
  await until(() => got.includes("100 Continue"));
  c.proc.kill("SIGTERM");
  await closed;
  assert.doesNotMatch(got, /HTTP\/1\.1 [2-5]\d\d/, "dropped without an answer");
  assert.equal(await c.exited, 0, c.err);
  assert.match(c.out, /stopped\n$/);
  assert.equal(c.err, "");
});

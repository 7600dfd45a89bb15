// Malformed, oversized and slow bodies against the reference server (host-sim/server.ts, limit
// 8 KiB, request timeout 1 s here), over raw sockets on 127.0.0.1: an oversized Content-Length is
// refused with 413 before any of the body is sent; a chunked body is cut off at the limit and the
// connection closed while the client would still be sending; slow headers, a body that stops and
// a body that drips get 408 and a closed connection; garbage bodies get 400. After each, nothing is
// stored and the server still answers. Run on SQLite (tests/faults.test.ts) and on PostgreSQL
// (tests/postgres.test.ts).
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { ReferenceServer } from "../host-sim/server.js";
import { Store } from "../host-sim/store.js";
import { Prng } from "../host-sim/prng.js";
import { exchange, postJson, route } from "../host-sim/http.js";
import { FORMAT, SimDevice } from "./load-fleet.js";
import { OPERATOR, OPERATOR_TOKEN, storedCounts, withSeed } from "./helpers.js";

const LIMIT = 8192;
const TIMEOUT_MS = 1000;

/** The body tests on the store openStore() gives (a new, empty one); closing it is the caller's. */
export function faultTests(engine: string, openTestStore: () => Promise<Store>): void {
describe(`bodies on ${engine}`, () => {
let store: Store, server: ReferenceServer, base: string, port: number, device: SimDevice;
const sockets = new Set<net.Socket>();

before(async () => {
  store = await openTestStore();
  server = new ReferenceServer({ store, maxBody: LIMIT, requestTimeoutMs: TIMEOUT_MS, operatorToken: OPERATOR_TOKEN });
  base = await server.listen(0, "127.0.0.1");
  port = Number(new URL(base).port);
  const formatId = (await postJson(route(base, "/data_format"), FORMAT, OPERATOR)).id as number;
  device = new SimDevice("FAULT0001", formatId, "condensed", 0);
  await device.provision(base);
});
after(async () => {
  for (const s of sockets) s.destroy();
  await server.close();
});

interface Raw {
  text: string;
  /** body bytes the client had written when the server closed the connection */
  written: number;
  /** whether the client had finished its request when the connection closed */
  finished: boolean;
}

/**
 * One connection: writes `head`, then `body` chunks from next() (null: the request is complete;
 * undefined: stop sending but keep the socket open), each after `gapMs` and when the socket
 * drains, until the server closes the connection or `safetyMs` passes (then it fails).
 */
function raw(head: string, next: () => Buffer | null | undefined = () => null, gapMs = 0, safetyMs = 15000): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1");
    sockets.add(s);
    let text = "";
    let written = 0;
    let finished = false;
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const safety = setTimeout(() => { s.destroy(); reject(new Error(`the server kept the connection open ${safetyMs} ms`)); }, safetyMs);
    const pump = () => {
      if (stopped || s.destroyed || finished) return;
      const c = next();
      if (c === undefined) return; // stall
      if (c === null) {
        finished = true;
        return;
      }
      written += c.length;
      const more = s.write(c);
      const again = () => { timer = setTimeout(pump, gapMs); };
      if (more) again();
      else s.once("drain", again);
    };
    s.on("connect", () => { s.write(head); pump(); });
    s.on("data", (d) => (text += d.toString("latin1")));
    s.on("error", () => {}); // EPIPE / ECONNRESET once the server closes: expected here
    s.on("close", () => {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(safety);
      sockets.delete(s);
      resolve({ text, written, finished });
    });
  });
}

async function storedNothing<T>(f: () => Promise<T>): Promise<T> {
  const before = await storedCounts(store);
  const r = await f();
  assert.deepEqual(await storedCounts(store), before, "nothing stored");
  const ok = await exchange(route(base, "/stats"), "GET", null, null, OPERATOR);
  assert.equal(ok.status, 200, "the server still answers");
  return r;
}

test("oversized Content-Length: 413 before any of the body is sent, connection closed", async () => {
  for (const size of [LIMIT + 1, 100_000_000, 2 ** 53]) {
    const r = await storedNothing(() => raw(`POST /dd HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`, () => undefined));
    assert.match(r.text, /^HTTP\/1.1 413 /, r.text);
    assert.match(r.text, /Connection: close/i);
    assert.equal(r.written, 0, "no body byte was sent");
  }
  // exactly the limit is read (and then refused as malformed, not as too large)
  const r = await storedNothing(() => raw(`POST /dd HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${LIMIT}\r\nConnection: close\r\n\r\n`,
    (() => { let sent = false; return () => (sent ? null : ((sent = true), Buffer.alloc(LIMIT, 0x20))); })()));
  assert.match(r.text, /^HTTP\/1.1 400 /, r.text);
});

test("chunked body: cut off at the limit with 413 and the connection closed while the client still sends", async (t) => {
  const chunk = Buffer.from(`1000\r\n${"x".repeat(0x1000)}\r\n`);
  let chunks = 0;
  const CAP = 16384; // 64 MiB of body: far more than the socket buffers hold
  const r = await storedNothing(() => raw("POST /dd HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
    () => (chunks++ < CAP ? chunk : null)));
  assert.match(r.text, /^HTTP\/1.1 413 /, r.text);
  assert.match(r.text, /larger than 8192 bytes/);
  assert.equal(r.finished, false, "the server closed the connection before the body's end");
  assert.ok(chunks < CAP, `closed after ${chunks} chunks`);
  t.diagnostic(`chunked: the client had written ${r.written} body bytes (into socket buffers) when the server closed the connection`);
});

test("slow and never-ending requests: 408 within the request timeout, connection closed, server unharmed", async () => {
  // headers that never end
  const h = await storedNothing(() => raw("POST /dd HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n", () => undefined));
  assert.match(h.text, /^HTTP\/1.1 408 /, JSON.stringify(h.text));
  // a body that stops after 10 of its 1000 bytes
  let sent = false;
  const b = await storedNothing(() => raw("POST /dd HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n",
    () => (sent ? undefined : ((sent = true), Buffer.from('{"sn":"FAU')))));
  assert.match(b.text, /^HTTP\/1.1 408 /, JSON.stringify(b.text));
  // a body dripping one byte every 100 ms: it would take 100 s
  let drips = 0;
  const d = await storedNothing(() => raw("POST /dd HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n",
    () => (drips++ < 1000 ? Buffer.from(" ") : null), 100));
  assert.match(d.text, /^HTTP\/1.1 408 /, JSON.stringify(d.text));
  assert.equal(d.finished, false);
  assert.ok(drips < 1000);
  // a connection opened and left silent
  const idle = await storedNothing(() => raw("", () => undefined));
  assert.ok(idle.text === "" || /^HTTP\/1.1 408 /.test(idle.text), JSON.stringify(idle.text));
  // and a real request still goes through
  const o = device.next();
  const ok = await exchange(route(base, "/dd"), "POST", o.body, o.contentType);
  assert.equal(ok.status, 201, ok.body.toString());
  device.answered(ok);
});

test("garbage bodies: 400 for random bytes, every truncation of a real request, and broken framing", () => withSeed(7, async (seed) => {
  const rng = new Prng(seed);
  const o = device.next();
  let n = 0;
  await storedNothing(async () => {
    for (let i = 0; i < 60; i++) {
      const len = rng.int(0, 2000);
      const body = Buffer.alloc(len);
      for (let j = 0; j < len; j++) body[j] = rng.int(0, 255);
      const type = i % 2 ? "application/cbor" : "application/json";
      const r = await exchange(route(base, "/dd"), "POST", body, type);
      assert.equal(r.status, 400, `${type} ${body.toString("hex").slice(0, 40)}: ${r.body.toString()}`);
      assert.equal(typeof JSON.parse(r.body.toString()).error, "string");
      n++;
    }
    for (let cut = 0; cut < o.body.length; cut += 3) {
      const r = await exchange(route(base, "/dd"), "POST", o.body.subarray(0, cut), o.contentType);
      assert.equal(r.status, 400, `cut at ${cut}: ${r.body.toString()}`);
      n++;
    }
  });
  // broken HTTP framing: the parser refuses it with 400 and closes
  for (const head of [
    "POST /dd HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    "POST /dd HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
    "POST /dd HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
    "\x00\x01\x02garbage\r\n\r\n",
  ]) {
    const r = await storedNothing(() => raw(head, () => undefined));
    assert.match(r.text, /^HTTP\/1.1 400 /, JSON.stringify(head));
    n++;
  }
  // the untouched request is still accepted afterwards
  const ok = await exchange(route(base, "/dd"), "POST", o.body, o.contentType);
  assert.equal(ok.status, 201, ok.body.toString());
  device.answered(ok);
  assert.ok(n > 100);
}));
});
}

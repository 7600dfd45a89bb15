// GET /openapi.json (host-sim/openapi.ts) is true to the server: it is valid OpenAPI 3.1 (the
// official schema, through @seriousme/openapi-schema-validator), it names exactly the routes the
// server has (ROUTES), and every route, called with a good request and with each kind of bad one,
// answers with a status the document lists and a body its schema for that status accepts (ajv,
// JSON Schema 2020-12: OpenAPI 3.1's dialect).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import { ReferenceServer, ROUTES, routesOf } from "../host-sim/server.js";
import { Store, openStore } from "../host-sim/store.js";
import { DeviceCodec, DataFormat } from "../host-sim/codec.js";
import { exchange, route } from "../host-sim/http.js";
import { startingCodeOf } from "../bindings/token.js";
import { OPERATOR, OPERATOR_TOKEN, ROOT } from "./helpers.js";
import { apiMarkdown, defaultDocument } from "./tools/api-doc.js";

const KEY = "a29ab82edc5fbbc41ec9530f6dac86b1";
const T0 = 1767225600;
const FORMAT: DataFormat = { data_order: ["token_count"], historical_data_interval: 120, historical_data_order: ["v"] };

let dir: string, store: Store, server: ReferenceServer, base: string, doc: any;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "opaygo-openapi-test-"));
  store = await openStore(path.join(dir, "s.sqlite"));
  server = new ReferenceServer({ store, basePath: "/api", clock: () => T0, maxBody: 65536, operatorToken: OPERATOR_TOKEN });
  base = await server.listen(0);
  const r = await exchange(route(base, "/openapi.json"), "GET", null, null);
  assert.equal(r.status, 200);
  doc = JSON.parse(r.body.toString());
});
after(async () => {
  await server.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("GET /openapi.json is valid OpenAPI 3.1", async () => {
  const v = await new Validator().validate(doc);
  assert.ok(v.valid, JSON.stringify(v.errors, null, 1));
  assert.equal(doc.openapi, "3.1.0");
  assert.deepEqual(doc.servers, [{ url: "/api" }]);
});

test("the document names exactly the server's routes", () => {
  const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops as object).map((m) => `${m.toUpperCase()} ${p}`));
  assert.deepEqual(documented.sort(), ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  for (const r of ROUTES) {
    const op = doc.paths[r.path][r.method.toLowerCase()];
    assert.equal(op.security.length > 0, r.access === "operator" || r.access === "page", `${r.method} ${r.path}: security says who may call it`);
  }
});

test("every route answers with a documented status and a body its schema accepts", async () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ ...doc, $id: "https://opaygo.invalid/openapi.json" });
  const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
  const seen = new Set<string>();

  async function call(method: "GET" | "POST", p: string, body?: unknown, o: { type?: string; token?: boolean; raw?: Buffer; cookie?: string } = {}) {
    const data = o.raw ?? (body === undefined ? null : Buffer.from(JSON.stringify(body)));
    const r = await exchange(route(base, p), method, data, data ? o.type ?? "application/json" : null, { ...(o.token === false ? {} : OPERATOR), headers: o.cookie ? { Cookie: o.cookie } : {} });
    const bare = p.split("?")[0];
    const t = routesOf(bare).map((x) => ({ r: x.route })).find((x) => x.r.method === method);
    assert.ok(t, `${method} ${bare} is a route`);
    const responses = doc.paths[t.r.path][method.toLowerCase()].responses;
    assert.ok(responses[r.status], `${method} ${t.r.path} answered ${r.status}, which the document does not list: ${r.body}`);
    seen.add(`${method} ${t.r.path}`);
    if (r.body.length === 0) return r; // a redirect
    const type = r.contentType.split(";")[0];
    const content = responses[r.status].content?.[type];
    assert.ok(content, `${method} ${t.r.path} ${r.status}: ${type} is not documented`);
    if (type === "application/json") {
      const validate = ajv.getSchema(`https://opaygo.invalid/openapi.json#/${pointer("paths", t.r.path, method.toLowerCase(), "responses", String(r.status), "content", type, "schema")}`)!;
      const value = JSON.parse(r.body.toString());
      assert.ok(validate(value), `${method} ${t.r.path} ${r.status}: ${JSON.stringify(validate.errors)} in ${r.body.toString().slice(0, 400)}`);
    }
    seen.add(`${method} ${t.r.path}`);
    return r;
  }

  // operator routes: success and the errors they document
  const formatId = JSON.parse((await call("POST", "/data_format", FORMAT)).body.toString()).id;
  await call("POST", "/data_format", {});
  await call("POST", "/data_format", FORMAT, { token: false });
  await call("POST", "/data_format", undefined, { raw: Buffer.from("x"), type: "text/plain" });
  await call("POST", "/devices", { serial: "API0001", key: KEY, payments: [{ at: T0 + 60, days: 2 }], settings: { a: 1 } });
  await call("POST", "/devices", { serial: "API0001", key: KEY });
  await call("POST", "/devices", { serial: "API0001", auth_methods: ["ra"], replace: true });
  await call("POST", "/devices", { serial: "API0002", nickname: "x" });
  await call("POST", "/devices/API0001/payments", { reference: "r-1", days: 3 });
  await call("POST", "/devices/API0001/payments", { reference: "r-1", days: 3 });
  await call("POST", "/devices/API0001/payments", { reference: "r-1", days: 4 });
  await call("POST", "/devices/API0001/payments", { reference: "r-2", until: T0 + 30 * 86400 });
  await call("POST", "/devices/API0001/payments", { reference: "r-3" });
  await call("POST", "/devices/NOPE/payments", { reference: "r-4", days: 1 });
  await call("GET", "/devices/API0001");
  await call("GET", "/devices/NOPE");
  await call("POST", "/devices/API0001/reset-replay", { timestamp: T0 - 10, request_count: null, reason: "test" });
  await call("POST", "/devices/API0001/reset-replay", {});
  await call("POST", "/devices/NOPE/reset-replay", { timestamp: 1 });

  // the device route: accepted with an answer, and each refusal
  const dev = new DeviceCodec({ serial: "API0001", key: KEY, startingCode: startingCodeOf(KEY), count: 1, format: { ...FORMAT, id: formatId }, auth: "ra", encoding: "condensed", floatVariables: [] });
  dev.record(T0, { v: 1 });
  dev.setStatus({ token_count: 1 });
  const req = dev.encodeRequest(T0);
  await call("POST", "/dd", undefined, { raw: req.body, token: false });
  await call("POST", "/device_data", undefined, { raw: req.body, token: false }); // replay
  await call("POST", "/dd", undefined, { raw: Buffer.from("{"), token: false });
  await call("POST", "/dd", undefined, { raw: Buffer.from('{"sn":"NOPE","d":[1]}'), token: false });
  await call("POST", "/dd", undefined, { raw: Buffer.from("{}"), type: "text/plain", token: false });
  await call("POST", "/dd", undefined, { raw: Buffer.alloc(70000, 0x20), token: false });
  const future = new DeviceCodec({ serial: "API0001", key: KEY, startingCode: startingCodeOf(KEY), count: 1, format: { ...FORMAT, id: formatId }, auth: "ra", encoding: "condensed", floatVariables: [] });
  future.record(T0 + 400 * 86400, { v: 2 });
  await call("POST", "/dd", undefined, { raw: future.encodeRequest(T0 + 400 * 86400).body, token: false }); // clock skew

  // reading routes
  await call("GET", "/dd?from_datetime=2025-01-01&to_datetime=2027-01-01");
  await call("GET", "/device_data?from_datetime=2025-01-01&to_datetime=2027-01-01&serial_number=API0001");
  await call("GET", "/dd?from_datetime=yesterday&to_datetime=2027-01-01");
  await call("GET", "/dd", undefined, { token: false });
  await call("GET", "/export.csv?serial_number=API0001");
  await call("GET", "/export.csv?from_datetime=x");
  await call("GET", "/stats");
  await call("GET", "/stats", undefined, { token: false });
  await call("GET", "/health", undefined, { token: false });
  await call("GET", "/openapi.json", undefined, { token: false });

  // the dashboard: pages, a session, its data routes
  await call("GET", "/", undefined, { token: false });
  await call("GET", "/login", undefined, { token: false });
  await call("POST", "/login", undefined, { raw: Buffer.from("token=wrong"), type: "application/x-www-form-urlencoded", token: false });
  await call("POST", "/login", undefined, { raw: Buffer.from("{}"), token: false });
  const signedIn = await call("POST", "/login", undefined, { raw: Buffer.from(`token=${OPERATOR_TOKEN}`), type: "application/x-www-form-urlencoded", token: false });
  const cookie = String(signedIn.headers["set-cookie"]).split(";")[0];
  await call("GET", "/dashboard", undefined, { token: false });
  await call("GET", "/dashboard", undefined, { token: false, cookie });
  await call("GET", "/dashboard/devices/API0001", undefined, { token: false, cookie });
  await call("GET", "/ui/dashboard.js", undefined, { token: false });
  await call("GET", "/ui/vendor/uPlot.js", undefined, { token: false });
  await call("GET", "/ui/nope.js", undefined, { token: false });
  await call("GET", "/fleet?sort=data&order=desc&filter=active&limit=10", undefined, { token: false, cookie });
  await call("GET", "/fleet?sort=price");
  await call("GET", "/devices/API0001/series?from=0", undefined, { token: false, cookie });
  await call("GET", "/devices/API0001/series?from=x");
  await call("GET", "/devices/NOPE/series");
  await call("GET", "/devices/API0001/history");
  await call("GET", "/devices/NOPE/history");
  await call("POST", "/logout", undefined, { token: false, cookie });
  await call("POST", "/logout", undefined, { token: false });

  assert.deepEqual([...seen].sort(), ROUTES.map((r) => `${r.method} ${r.path}`).sort(), "every route was called");
});

test("docs/api.md is the document's page", () => {
  assert.equal(fs.readFileSync(path.join(ROOT, "docs/api.md"), "utf8"), apiMarkdown(defaultDocument()), "docs/api.md is out of date: run make api-doc");
});

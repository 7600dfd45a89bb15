// The dashboard in headless Chromium (tests/browser.ts), on a reference server that a simulated
// fleet (opaygo sim's devices) has uploaded to: the login page (the token in a form, never in a
// URL; the session cookie HttpOnly and SameSite=Strict), the fleet overview (every device, sorted
// and filtered by the server), a device's page (its charts carry the stored points: compared with
// GET /dd), a new upload appearing on both without a reload, and logout. Screenshots of each page
// go to build/screenshots/ (docs/dashboard-fleet.png and docs/dashboard-device.png are copies of
// dashboard-fleet.png and dashboard-device-top.png). Under TLS the cookie is Secure (tests/server-ops.test.ts).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { ReferenceServer } from "../host-sim/server.js";
import { Store, openStore } from "../host-sim/store.js";
import { runSim, SimResult } from "../host-sim/sim.js";
import { DeviceCodec } from "../host-sim/codec.js";
import { exchange, postJson, route } from "../host-sim/http.js";
import { startingCodeOf } from "../bindings/token.js";
import { JsonValue, parseOrdered } from "../bindings/metrics-json.js";
import { Browser, TIMEOUT_MS, launchBrowser } from "./browser.js";
import { OPERATOR, OPERATOR_TOKEN } from "./helpers.js";

const START = 1736121600; // the sim's default start, 2025-01-06
const DAYS = 2;
const END = START + DAYS * 86400;
const KEY = "bc41ec9530f6dac86b1a29ab82edc5fb";

let dir: string, store: Store, server: ReferenceServer, base: string, browser: Browser, sim: SimResult;
// The server's clock: the end of the simulated days (the devices' times are all before it).
let now = END;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "opaygo-dashboard-test-"));
  store = await openStore(path.join(dir, "d.sqlite"));
  server = new ReferenceServer({ store, basePath: "/fleetsrv", clock: () => now, operatorToken: OPERATOR_TOKEN });
  base = await server.listen(0);
  sim = await runSim({ devices: 6, days: DAYS, interval: 120, uploadEvery: 3600, encoding: "condensed", auth: "ra", seed: 3, server: base, operatorToken: OPERATOR_TOKEN, start: START });
  assert.equal(sim.accepted, sim.requests);
  browser = await launchBrowser();
}, { timeout: 300_000 });

after(async () => {
  await browser?.close();
  await server.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const ready = (page: Page) => page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: TIMEOUT_MS });
const tableSerials = (page: Page) => page.$$eval("table.fleet tbody tr", (rows) => rows.map((r) => (r as HTMLElement).dataset.serial!));

test("login: the page takes the token in a form; a session cookie, HttpOnly and SameSite=Strict; the token never in a URL", async () => {
  const page = await browser.open(`${base}/dashboard`);
  assert.match(page.url(), /\/fleetsrv\/login$/, "without a session the dashboard sends the browser to the login page");
  await page.fill("input[name=token]", "not the token at all");
  await Promise.all([page.waitForURL(/\/login$/), page.click("button[type=submit]")]);
  assert.match(await page.textContent(".error") ?? "", /Wrong operator token/);
  assert.deepEqual(browser.errors.map((e) => e.replace(/\d{3} \(.*\)/, "")), ["console: Failed to load resource: the server responded with a status of "], "the refused login's 401");
  browser.errors.length = 0;
  await browser.screenshot(page, "dashboard-login");
  await page.fill("input[name=token]", OPERATOR_TOKEN);
  await Promise.all([page.waitForURL(/\/dashboard$/), page.click("button[type=submit]")]);
  const [cookie] = await browser.context.cookies(base);
  assert.equal(cookie.name, "opaygo_session");
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, "Strict");
  assert.equal(cookie.secure, false, "plain HTTP here (the TLS test checks Secure)");
  assert.ok(browser.requests.every((u) => !u.includes(OPERATOR_TOKEN)), "no URL carries the token");
  assert.ok(browser.requests.every((u) => u.startsWith(new URL(base).origin)), "nothing from another origin (no CDN)");
  assert.deepEqual(browser.errors, []);
});

test("fleet overview: every device, its credit, data use and problems; sorted and filtered by the server", async () => {
  const page = await browser.open(`${base}/dashboard`);
  await ready(page);
  const api = JSON.parse((await exchange(route(base, "/fleet"), "GET", null, null, OPERATOR)).body.toString());
  assert.equal(api.total, sim.options.devices);
  assert.deepEqual(await tableSerials(page), api.rows.map((r: { serial: string }) => r.serial));
  const first = api.rows[0];
  const row = await page.$eval(`tr[data-serial="${first.serial}"]`, (tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent!.trim()));
  assert.match(row[4], new RegExp(`^${first.month_billed_kb} / 750 KB$`));
  await browser.screenshot(page, "dashboard-fleet");

  // sort by data use, largest first (two clicks on the header), as the server sorts it
  await page.click("th[data-sort=data]");
  await page.waitForFunction(() => location.search.includes("sort=data"));
  await page.click("th[data-sort=data]");
  await page.waitForFunction(() => location.search.includes("order=desc") && document.querySelector("th[data-sort=data]")!.textContent!.includes("▼"));
  const sorted = JSON.parse((await exchange(route(base, "/fleet?sort=data&order=desc"), "GET", null, null, OPERATOR)).body.toString());
  await page.waitForFunction((want) => [...document.querySelectorAll("table.fleet tbody tr")].map((r) => (r as HTMLElement).dataset.serial).join() === want,
    sorted.rows.map((r: { serial: string }) => r.serial).join(), { timeout: TIMEOUT_MS });
  // a filter on the serial
  await page.fill("input[type=search]", first.serial.slice(-3));
  await page.waitForFunction((s) => [...document.querySelectorAll("table.fleet tbody tr")].every((r) => (r as HTMLElement).dataset.serial!.includes(s)), first.serial.slice(-3));
  assert.ok((await tableSerials(page)).includes(first.serial));
  assert.deepEqual(browser.errors, []);
});

test("a device's page: each variable of its format charted with the stored points (as GET /dd gives them), units, lock periods, tokens and requests", async () => {
  const serial = (JSON.parse((await exchange(route(base, "/fleet"), "GET", null, null, OPERATOR)).body.toString()).rows[0].serial) as string;
  const page = await browser.open(`${base}/dashboard`);
  await ready(page);
  await Promise.all([page.waitForURL(/\/dashboard\/devices\//), page.click(`tr[data-serial="${serial}"] a`)]);
  await ready(page);
  // what the charts draw, against GET /dd (the stored values, scale factors applied)
  const dd = parseOrdered((await exchange(route(base, `/dd?from_datetime=2020-01-01&to_datetime=2030-01-01&serial_number=${serial}`), "GET", null, null, OPERATOR)).body.toString()) as Map<string, JsonValue>[];
  const stored = new Map<string, [number, number][]>();
  for (const r of dd) {
    for (const h of r.get("historical_data") as Map<string, JsonValue>[]) {
      for (const [k, v] of h) if (k !== "timestamp" && typeof v === "object" && v !== null && "value" in v) {
        stored.set(k, [...(stored.get(k) ?? []), [Number(h.get("timestamp")), (v as { value: number }).value]]);
      } else if (k !== "timestamp" && typeof v === "number") stored.set(k, [...(stored.get(k) ?? []), [Number(h.get("timestamp")), v]]);
    }
  }
  const drawn = await page.evaluate(() => (window as unknown as { opaygoCharts: { root: HTMLElement; spec: { x: number[]; lines: { values: (number | null)[] }[]; title: string } }[] }).opaygoCharts
    .filter((c) => c.root.dataset.variable).map((c) => ({ name: c.root.dataset.variable!, title: c.spec.title, points: c.spec.x.map((t, i) => [t, c.spec.lines[0].values[i]]) })));
  assert.ok(drawn.length >= 5, `a chart per variable: ${drawn.map((d) => d.name)}`);
  for (const d of drawn) {
    const want = (stored.get(d.name) ?? []).sort((a, b) => a[0] - b[0]);
    assert.ok(want.length > 0, d.name);
    assert.deepEqual(d.points.filter(([, v]) => v !== null), want, `${d.name}: the chart's points are the stored ones`);
  }
  const titles = drawn.map((d) => d.title).join("\n");
  assert.match(titles, /battery_voltage.*scale_factor 0\.01 applied/);
  const tokens = await page.$$eval("div.tokens tbody tr", (rows) => rows.length);
  assert.ok(tokens > 0, "the token history");
  assert.ok(await page.$$eval("div.requests tbody tr", (rows) => rows.length) > 0, "the requests with their sizes");
  await browser.screenshot(page, "dashboard-device");
  await browser.screenshot(page, "dashboard-device-top", false); // (docs/dashboard-device.png)
  assert.deepEqual(browser.errors, []);
});

test("live: a new upload appears on the overview and on the device's page without a reload", async () => {
  // a new device, provisioned and uploading while both pages are open
  const serial = "LIVE-0001";
  const format = JSON.parse((await exchange(route(base, "/fleet"), "GET", null, null, OPERATOR)).body.toString());
  assert.ok(format.total > 0);
  await postJson(route(base, "/devices"), { serial, key: KEY, auth_methods: ["ra"] }, OPERATOR);
  const formatId = (await postJson(route(base, "/data_format"), { data_order: ["token_count"], historical_data_interval: 120, historical_data_order: ["battery_voltage"], variables: { battery_voltage: { unit: "V" } } }, OPERATOR)).id;
  const dev = new DeviceCodec({ serial, key: KEY, startingCode: startingCodeOf(KEY), count: 1, format: { data_order: ["token_count"], historical_data_interval: 120, historical_data_order: ["battery_voltage"], id: formatId }, auth: "ra", encoding: "condensed", floatVariables: ["battery_voltage"] });
  const upload = async (t: number) => {
    dev.record(t, { battery_voltage: 12 + (t % 100) / 100 });
    dev.setStatus({ token_count: dev.tokenCount() });
    const req = dev.encodeRequest(t);
    const r = await exchange(route(base, "/dd"), "POST", req.body, req.contentType);
    assert.equal(r.status, 201, r.body.toString());
    dev.applyAnswer(r.body, r.contentType, t);
  };
  const fleet = await browser.open(`${base}/dashboard?q=LIVE`);
  await ready(fleet);
  await upload(END - 600);
  await fleet.waitForFunction(() => [...document.querySelectorAll("table.fleet tbody tr td:nth-child(2)")].some((td) => td.textContent !== "never"), null, { timeout: TIMEOUT_MS });
  await browser.screenshot(fleet, "dashboard-live-fleet");

  const device = await browser.open(`${base}/dashboard/devices/${serial}`);
  await ready(device);
  const before = Number(await device.evaluate(() => document.getElementById("app")!.dataset.samples));
  await upload(END - 480);
  await device.waitForFunction((n) => Number(document.getElementById("app")!.dataset.samples) > n, before, { timeout: TIMEOUT_MS });
  await browser.screenshot(device, "dashboard-live-device");
  assert.deepEqual(browser.errors, []);
});

test("logout ends the session: the dashboard sends the browser to the login page again; data routes refuse the old cookie", async () => {
  const page = await browser.open(`${base}/dashboard`);
  await ready(page);
  const [cookie] = await browser.context.cookies(base);
  await Promise.all([page.waitForURL(/\/login$/), page.click("header form button")]);
  await page.goto(`${base}/dashboard`);
  assert.match(page.url(), /\/login$/);
  const r = await exchange(route(base, "/fleet"), "GET", null, null, { headers: { Cookie: `${cookie.name}=${cookie.value}` } });
  assert.equal(r.status, 401);
});

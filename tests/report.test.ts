// The simulator's HTML report, opened from disk in headless Chromium (tests/browser.ts) with
// nothing else reachable: every device named in the picker and in its charts' legends in one
// colour, the charts carry the points the simulation produced (their data, and the device's
// colour on the canvas where each point is drawn), the budget line and the shaded lock periods
// are on the canvas, the picker and the zoom work. Screenshots: build/screenshots/report-*.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import { runSim, SimResult, BUDGET_KB, MONTH_DAYS } from "../host-sim/sim.js";
import { writeReport, monthKb } from "../host-sim/report.js";
import { launchBrowser, Browser, TIMEOUT_MS } from "./browser.js";
import { opaygo } from "./helpers.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opaygo-report-"));
const file = path.join(dir, "report.html");
let sim: SimResult;
let browser: Browser;
let page: Page;

// 20 devices over 12 days with uploads every 6 hours: the fleet size the report must stay readable
// at, with real lock periods (seed 2: 8 locks), in a few seconds of simulation.
before(async () => {
  sim = await runSim({ devices: 20, days: 12, interval: 1800, uploadEvery: 21600, encoding: "condensed", auth: "ra", seed: 2 });
  assert.equal(sim.accepted, sim.requests);
  assert.ok(sim.locks > 0, "the run has lock periods to mark");
  await writeReport(file, sim);
  browser = await launchBrowser();
  page = await browser.open(pathToFileURL(file).href, { width: 1280, height: 900 });
  await page.waitForSelector("body[data-ready=true]", { timeout: TIMEOUT_MS });
}, { timeout: 600_000 });

after(async () => {
  await browser?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** What the page drew: per chart its device, title, data, legend and shaded periods. */
interface Drawn { serial: string; title: string; stroke: string; labels: string[]; data: number[][]; shade: { from: number; to: number }[] }
const drawn = () => page.evaluate(() => (globalThis as any).opaygoCharts.map((c: any) => ({
  serial: c.root.closest("section").dataset.serial,
  title: c.spec.title,
  stroke: c.plot.series[1].stroke(),
  labels: [...c.root.querySelectorAll(".u-legend .u-label")].map((e: Element) => e.textContent),
  data: c.plot.data.map((a: ArrayLike<number>) => Array.from(a)),
  shade: c.spec.shade?.periods ?? [],
})) as Drawn[]);

test("self-contained: opens from disk, requests nothing but the file, no script errors; uPlot's licence is in it", () => {
  assert.deepEqual(browser.errors, []);
  assert.deepEqual(browser.requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:")), []);
  const html = fs.readFileSync(file, "utf8");
  assert.doesNotMatch(html, /<(script|link|img)[^>]+(src|href)=/, "no external script, style or image");
  assert.match(html, /Permission is hereby granted, free of charge/);
});

test("every device is named in the picker and in its card, in its own colour, and in each of its charts' legends", async () => {
  const serials = sim.devices.map((d) => d.serial);
  const picker = await page.$$eval("#picker .choice", (ls) => ls.map((l) => ({ text: l.textContent, color: getComputedStyle(l.querySelector("i")!).backgroundColor })));
  assert.deepEqual(picker.map((p) => p.text), serials);
  assert.equal(new Set(picker.map((p) => p.color)).size, serials.length, "one colour per device");
  const cards = await page.$$eval("section.device h3", (hs) => hs.map((h) => h.firstChild!.nextSibling!.textContent));
  assert.deepEqual(cards, serials);
  const charts = await drawn();
  assert.equal(charts.length, 3 * serials.length);
  const rgb = await page.evaluate((colors) => colors.map((c) => { const x = document.createElement("canvas").getContext("2d")!; x.fillStyle = c; return x.fillStyle; }),
    charts.map((c) => c.stroke));
  const swatchHex = picker.map((p) => "#" + p.color.match(/\d+/g)!.slice(0, 3).map((n) => Number(n).toString(16).padStart(2, "0")).join(""));
  charts.forEach((c, i) => {
    const k = serials.indexOf(c.serial);
    assert.ok(k >= 0, c.serial);
    assert.equal(c.labels[1], c.serial, `${c.title} legend names ${c.serial}`);
    assert.equal(rgb[i], swatchHex[k], `${c.serial}'s ${c.title} is drawn in its picker colour`);
  });
});

test("the charts carry the simulated points: credit (lock periods shaded), KB billed this month with the budget, battery", async () => {
  const charts = await drawn();
  for (const d of sim.devices) {
    const [credit, data, battery] = charts.filter((c) => c.serial === d.serial);
    const t = d.series.map((p) => p.t);
    assert.ok(t.length >= 40, `${d.serial}: ${t.length} points`);
    for (const c of [credit, data, battery]) assert.deepEqual(c.data[0], t, `${d.serial} ${c.title}: times`);
    credit.data[1].forEach((v, i) => assert.ok(Math.abs(v - d.series[i].credit) <= 5e-5, `${d.serial} credit at ${i}: ${v} vs ${d.series[i].credit}`));
    assert.deepEqual(data.data[1], d.series.map((p) => p.kb), `${d.serial}: KB billed (the run is shorter than a month)`);
    assert.equal(data.data[1].at(-1), d.sessionKb, `${d.serial}: the chart ends at the device's billed total`);
    assert.deepEqual(data.labels[2], `budget ${BUDGET_KB} KB a month`);
    assert.deepEqual(data.data[2], t.map(() => BUDGET_KB));
    assert.deepEqual(battery.data[1], d.series.map((p) => p.v));
    const end = sim.options.start! + sim.options.days * 86400;
    assert.deepEqual(credit.shade, d.lockPeriods.map((p) => ({ from: p.from, to: p.to ?? end })), `${d.serial}: lock periods`);
    // every device starts locked until its first token; each lock after that is one more period
    assert.equal(d.lockPeriods.length, d.stats.locks + 1, `${d.serial}: lock periods`);
    assert.equal(d.lockPeriods.filter((p) => p.to !== null).length, d.stats.unlocks, `${d.serial}: unlocks`);
    d.series.forEach((p) => {
      if (d.lockPeriods.some((q) => q.from < p.t && p.t < (q.to ?? Infinity))) assert.equal(p.credit, 0, `${d.serial} at ${p.t}: credit while locked`);
    });
  }
});

test("the canvas shows it: each line's colour where its points are, the budget line, grey where the device was locked", async () => {
  const report = await page.evaluate(() => {
    const near = (ctx: CanvasRenderingContext2D, x: number, y: number, r: number) => {
      const img = ctx.getImageData(Math.round(x) - r, Math.round(y) - r, 2 * r + 1, 2 * r + 1).data;
      const px: number[][] = [];
      // the canvas is transparent where nothing is drawn: composite over the page's white
      for (let i = 0; i < img.length; i += 4) px.push([0, 1, 2].map((k) => (img[i + k] * img[i + 3]) / 255 + 255 - img[i + 3]));
      return px;
    };
    const lum = ([r, g, b]: number[]) => (r + g + b) / 3;
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1];
    // the median brightness down a column of the plot: a line or grid line crossing it does not move it
    const column = (ctx: CanvasRenderingContext2D, x: number, top: number, bottom: number) =>
      median(Array.from({ length: Math.floor(bottom - top) }, (_, k) => lum(near(ctx, x, top + k, 0)[0])));
    const out: { serial: string; title: string; missing: number; points: number; budget: number; inside: number; outside: number }[] = [];
    for (const c of (globalThis as any).opaygoCharts) {
      const u = c.plot, ctx: CanvasRenderingContext2D = u.ctx;
      const probe = document.createElement("canvas").getContext("2d")!;
      probe.fillStyle = u.series[1].stroke();
      const want = (probe.fillStyle as string).match(/[0-9a-f]{2}/g)!.map((h: string) => parseInt(h, 16));
      let missing = 0;
      const xs: number[] = u.data[0], ys: number[] = u.data[1];
      for (let i = 0; i < xs.length; i++) {
        const ok = near(ctx, u.valToPos(xs[i], "x", true), u.valToPos(ys[i], "y", true), 2)
          .some((p) => Math.hypot(p[0] - want[0], p[1] - want[1], p[2] - want[2]) < 60);
        if (!ok) missing++;
      }
      let budget = 0, inside = -1, outside = -1;
      if (c.spec.limit) {
        const y = u.valToPos(c.spec.limit.value, "y", true);
        for (let x = u.bbox.left; x < u.bbox.left + u.bbox.width; x += 3) if (near(ctx, x, y, 1).some(([r, g, b]) => r > 150 && g < 110 && b < 110)) budget++;
      }
      if (c.spec.shade) {
        const p = c.spec.shade.periods.reduce((a: any, b: any) => (b.to - b.from > a.to - a.from ? b : a));
        const top = u.bbox.top + 2, bottom = u.bbox.top + u.bbox.height - 8;
        inside = column(ctx, u.valToPos((p.from + p.to) / 2, "x", true), top, bottom);
        const free = xs.findIndex((x: number) => c.spec.shade.periods.every((q: any) => x < q.from - 7200 || x > q.to + 7200));
        outside = column(ctx, u.valToPos(xs[free], "x", true) + 3, top, bottom);
      }
      out.push({ serial: c.root.closest("section").dataset.serial, title: c.spec.title, missing, points: xs.length, budget, inside, outside });
    }
    return out;
  });
  for (const r of report) {
    assert.equal(r.missing, 0, `${r.serial} ${r.title}: ${r.missing} of ${r.points} points not drawn in the device's colour`);
    if (r.title.startsWith("Data billed")) assert.ok(r.budget > 50, `${r.serial}: budget line drawn across the chart (${r.budget} red samples)`);
    if (r.title === "Credit left") assert.ok(r.inside < r.outside - 15, `${r.serial}: lock period shaded (${r.inside} inside, ${r.outside} outside)`);
  }
  await browser.screenshot(page, "report-fleet");
});

test("the picker shows one device, the zoom buttons zoom every chart to the last day", async () => {
  const one = sim.devices[3].serial;
  await page.click("button[data-show=none]");
  await page.check(`#picker input[value="${one}"]`);
  const visible = await page.$$eval("section.device", (s) => s.filter((e) => !(e as HTMLElement).hidden).map((e) => (e as HTMLElement).dataset.serial));
  assert.deepEqual(visible, [one]);
  await page.click("button[data-days='1']");
  const end = sim.options.start! + sim.options.days * 86400;
  await page.waitForFunction((min) => (globalThis as any).opaygoCharts.every((c: any) => c.plot.scales.x.min === min), end - 86400, { timeout: TIMEOUT_MS });
  await browser.screenshot(page, "report-one-device");
  await page.click("button[data-show=all]");
  assert.equal(await page.$$eval("section.device", (s) => s.filter((e) => !(e as HTMLElement).hidden).length), sim.devices.length);
  assert.deepEqual(browser.errors, []);
});

test("live pages: setPoints draws new points, refuses lines of the wrong length; removeChart takes a chart away", async () => {
  // the last device's battery chart, through the module the page loaded (the import map's ./charts.js)
  const r = await page.evaluate(`(async () => {
    const m = await import("./charts.js");
    const c = m.charts[m.charts.length - 1];
    const x = [...c.spec.x, c.spec.x[c.spec.x.length - 1] + 3600], v = [...c.spec.lines[0].values, 11.5];
    m.setPoints(c, x, [v]);
    const drawn = [c.plot.data[0].length, c.plot.data[1][c.plot.data[1].length - 1]];
    let refused = "";
    try { m.setPoints(c, x, [v.slice(1)]); } catch (e) { refused = e.message; }
    const before = m.charts.length;
    m.removeChart(c);
    return { points: x.length, drawn, refused, before, after: m.charts.length, onPage: document.contains(c.root) };
  })()`) as { points: number; drawn: number[]; refused: string; before: number; after: number; onPage: boolean };
  assert.deepEqual(r.drawn, [r.points, 11.5]);
  assert.match(r.refused, /expected 1 value lists of \d+ values each/);
  assert.deepEqual([r.before - r.after, r.onPage], [1, false]);
  assert.deepEqual(browser.errors, []);
});

test("KB billed restarts every billing month (30 days; a session at the end of a month is in it)", () => {
  const day = 86400, start = 1_000_000;
  const series = [1, 10, 29.9, 30, 31, 59, 60.5].map((d, i) => ({ t: start + d * day, kb: 10 * (i + 1) }));
  assert.equal(MONTH_DAYS, 30);
  assert.deepEqual(monthKb(series, start), [10, 20, 30, 40, 10, 20, 10]);
});

test("opaygo sim --report writes the report and names it on its last line; a report in a missing folder is refused before the run", () => {
  const out = path.join(dir, "cli-report.html");
  const run = opaygo(["sim", "--devices", "2", "--days", "1", "--upload-every", "21600", "--report", out]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trimEnd().split("\n").at(-1), `report: ${out}`);
  assert.match(fs.readFileSync(out, "utf8"), /id="sim-data"/);
  const bad = opaygo(["sim", "--devices", "2", "--days", "1", "--report", path.join(dir, "no-such-folder", "r.html")]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /no-such-folder/);
  assert.equal(bad.stdout, "");
});

// `opaygo sim --report FILE.html`: one self-contained page that opens from disk with no network.
// A device picker names every device in its colour; a card per device charts its credit left
// (lock periods shaded), the KB billed this month against the monthly budget (a line) and its
// battery voltage, drawn by the package's chart module (ui/charts.ts over uPlot) with both
// inlined; a table gives the run's figures and the bytes per request of each encoding, each
// measured over real HTTP.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runSim, SimResult, MONTH_DAYS } from "./sim.js";
import { ENCODINGS, Encoding } from "./codec.js";
import type { SimDevice } from "./device.js";
import type { ReportData, ReportDevice } from "../ui/report-data.js";

/** build/ui: the compiled page modules and vendor/ (uPlot), beside build/js in the package too */
export const UI_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../ui");

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

export interface EncodingBytes { encoding: Encoding; up: number; down: number; body_up: number; body_down: number }

/** Bytes per request of every encoding: the run's own, and a short real run for each other one. */
export async function measureEncodings(r: SimResult): Promise<EncodingBytes[]> {
  const out: EncodingBytes[] = [];
  for (const encoding of ENCODINGS) {
    const run = encoding === r.options.encoding ? r : await runSim({ ...r.options, devices: 2, days: 1, encoding, db: undefined, server: undefined });
    out.push({ encoding, ...run.per_request });
  }
  return out;
}

/** KB billed since the start of each billing month, from the running total. Month k is
 *  (start + k MONTH_DAYS days, start + (k + 1) MONTH_DAYS days]: the run's first month ends with its last sample. */
export function monthKb(series: { t: number; kb: number }[], start: number): number[] {
  let month = 0, before = 0, last = 0;
  return series.map(({ t, kb }) => {
    const m = Math.max(0, Math.ceil((t - start) / (MONTH_DAYS * 86400)) - 1);
    if (m !== month) { month = m; before = last; }
    last = kb;
    return kb - before;
  });
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

function deviceData(d: SimDevice, start: number, end: number): ReportDevice {
  return {
    serial: d.serial,
    t: d.series.map((p) => p.t),
    credit: d.series.map((p) => round(p.credit, 4)),
    kb: monthKb(d.series, start),
    volts: d.series.map((p) => p.v),
    locked: d.lockPeriods.map((p) => [p.from, p.to ?? end]),
    tokens: d.stats.tokensApplied,
    locks: d.stats.locks,
    requests: d.stats.requests,
  };
}

export function reportData(r: SimResult): ReportData {
  const start = r.options.start ?? 0;
  const end = start + r.options.days * 86400;
  return { start, end, budgetKb: r.budget_kb, periodDays: MONTH_DAYS, devices: r.devices.map((d) => deviceData(d, start, end)) };
}

function ui(file: string): string {
  const at = path.join(UI_DIR, file);
  if (!fs.existsSync(at)) throw new Error(`${at} is missing: the package's page modules are built by \`make build\``);
  return fs.readFileSync(at, "utf8");
}
const moduleUrl = (js: string) => `data:text/javascript;base64,${Buffer.from(js).toString("base64")}`;
// JSON inside <script>: nothing in it may close the element
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, "\\u003c");

function encodingTable(rows: EncodingBytes[]): string {
  const max = Math.max(1, ...rows.map((e) => e.up));
  return `<table class="encodings"><tr><th>encoding</th><th>up, on the wire</th><th>up, body</th><th>down, on the wire</th><th>down, body</th><th></th></tr>
${rows.map((e) => `<tr><td>${e.encoding}</td><td>${e.up} B</td><td>${e.body_up} B</td><td>${e.down} B</td><td>${e.body_down} B</td><td class="bar"><div style="width:${Math.round((100 * e.up) / max)}%"></div></td></tr>`).join("\n")}</table>`;
}

export function renderReport(r: SimResult, encodings: EncodingBytes[]): string {
  const o = r.options;
  const facts: [string, string | number][] = [
    ["devices x days", `${o.devices} x ${o.days}`], ["sampling / upload", `${o.interval} s / ${o.uploadEvery} s`],
    ["encoding / auth", `${o.encoding} / ${o.auth}`], ["seed", o.seed], ["requests", r.requests],
    ["accepted / rejected", `${r.accepted} / ${r.rejected}`], ["bytes up / down per request (wire)", `${r.per_request.up} / ${r.per_request.down}`],
    ["monthly data per device", `${r.monthly_kb_per_device} KB (${r.monthly_billed_kb_per_device} KB billed per whole-KB session), budget ${r.budget_kb} KB`],
    ["tokens delivered / applied", `${r.tokens_delivered} / ${r.tokens_applied}`], ["lock / unlock events", `${r.locks} / ${r.unlocks}`],
    ["samples taken / stored", `${r.samples_taken} / ${r.samples_stored ?? "?"}`], ["data points stored", r.db_rows ?? "?"],
  ];
  // The page's modules come from data: URLs through an import map: "./charts.js", as ui/report.js
  // imports it, resolves against the page's own URL, which the map's key does too.
  const imports = { uplot: moduleUrl(ui("vendor/uPlot.js")), "./charts.js": moduleUrl(ui("charts.js")) };
  const title = `opaygo sim: ${o.devices} solar home systems, ${o.days} days, seed ${o.seed}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<!-- The page inlines uPlot (https://github.com/leeoniya/uPlot), under its licence:
${ui("vendor/uPlot.LICENSE").replace(/--/g, "- -").trim()}
-->
<style>${ui("vendor/uPlot.min.css")}
${ui("charts.css")}
${ui("report.css")}</style>
<script type="importmap">${scriptJson({ imports })}</script>
</head><body>
<h1>${esc(title)}</h1>
<table class="facts">${facts.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(String(v))}</td></tr>`).join("")}</table>
<h2>Devices</h2>
<noscript><p>The charts need JavaScript.</p></noscript>
<div id="picker"><button data-show="all">show all</button><button data-show="none">show none</button>
 zoom: <button data-days="0">whole run</button><button data-days="7">last 7 days</button><button data-days="1">last day</button>
 <span class="hint">(or drag across a chart; double click to zoom out)</span>
<div class="choices"></div></div>
<div id="devices"></div>
<h2>Bytes per request by encoding (mean)</h2>
${encodingTable(encodings)}
<script type="application/json" id="sim-data">${scriptJson(reportData(r))}</script>
<script type="module">${ui("report.js")}</script>
</body></html>
`;
}

export async function writeReport(file: string, r: SimResult): Promise<void> {
  const html = renderReport(r, await measureEncodings(r));
  fs.writeFileSync(file, html);
}

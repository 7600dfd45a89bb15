// `opaygo sim --report FILE.html`: one self-contained page (inline SVG, no scripts, no fetches)
// with battery voltage and credit per device over time and the bytes per request of each
// encoding, each measured over real HTTP.
import fs from "node:fs";
import { runSim, SimResult } from "./sim.js";
import { ENCODINGS, Encoding } from "./codec.js";

export const CHART = { width: 1000, height: 300, top: 40 }; // the tests look for the charts there

interface Series { name: string; color: string; points: [number, number][] }

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
const color = (i: number, n: number) => `hsl(${Math.round((360 * i) / Math.max(1, n))}, 75%, 42%)`;

function niceTicks(lo: number, hi: number, n = 5): number[] {
  const span = hi - lo || 1;
  const step0 = span / n;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? step0;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 && out.length < 20; v += step) out.push(Math.round(v * 1e6) / 1e6);
  return out;
}

function lineChart(id: string, title: string, yLabel: string, series: Series[], xLabel: string): string {
  const { width: W, height: H } = CHART;
  const m = { l: 60, r: 20, t: 30, b: 40 };
  const all = series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]), ys = all.map((p) => p[1]);
  const x0 = Math.min(...xs, 0), x1 = Math.max(...xs, 1);
  let y0 = Math.min(...ys), y1 = Math.max(...ys);
  if (!Number.isFinite(y0)) { y0 = 0; y1 = 1; }
  if (y1 - y0 < 1e-9) { y0 -= 1; y1 += 1; }
  const pad = (y1 - y0) * 0.05;
  y0 -= pad; y1 += pad;
  const X = (x: number) => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const Y = (y: number) => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
  const grid = niceTicks(y0, y1).map((v) => `<line x1="${m.l}" x2="${W - m.r}" y1="${Y(v).toFixed(1)}" y2="${Y(v).toFixed(1)}" stroke="#e4e4e4"/><text x="${m.l - 6}" y="${(Y(v) + 4).toFixed(1)}" text-anchor="end">${v}</text>`).join("");
  const xt = niceTicks(x0, x1).map((v) => `<text x="${X(v).toFixed(1)}" y="${H - m.b + 16}" text-anchor="middle">${v}</text>`).join("");
  const lines = series.map((s) => `<polyline fill="none" stroke="${s.color}" stroke-width="1.4" points="${s.points.map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(" ")}"><title>${esc(s.name)}</title></polyline>`).join("");
  return `<svg id="${id}" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">
<text x="${m.l}" y="18" font-size="14" font-weight="bold">${esc(title)}</text>
${grid}${xt}
<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${H - m.b}" stroke="#444"/><line x1="${m.l}" x2="${W - m.r}" y1="${H - m.b}" y2="${H - m.b}" stroke="#444"/>
<text x="${W / 2}" y="${H - 6}" text-anchor="middle">${esc(xLabel)}</text><text x="14" y="${H / 2}" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">${esc(yLabel)}</text>
${lines}</svg>`;
}

export interface EncodingBytes { encoding: Encoding; up: number; down: number; body_up: number; body_down: number }

function barChart(id: string, rows: EncodingBytes[]): string {
  const { width: W, height: H } = CHART;
  const m = { l: 60, r: 20, t: 30, b: 40 };
  const max = Math.max(...rows.map((r) => r.up), 1) * 1.1;
  const Y = (v: number) => H - m.b - (v / max) * (H - m.t - m.b);
  const groupW = (W - m.l - m.r) / rows.length;
  const parts = [
    { key: "up", label: "up, on the wire", color: "hsl(210, 80%, 45%)" },
    { key: "body_up", label: "up, body", color: "hsl(190, 70%, 60%)" },
    { key: "down", label: "down, on the wire", color: "hsl(20, 85%, 50%)" },
    { key: "body_down", label: "down, body", color: "hsl(40, 90%, 60%)" },
  ] as const;
  const barW = (groupW * 0.8) / parts.length;
  let bars = "";
  rows.forEach((r, i) => {
    parts.forEach((p, k) => {
      const v = r[p.key];
      const x = m.l + i * groupW + groupW * 0.1 + k * barW;
      bars += `<rect x="${x.toFixed(1)}" y="${Y(v).toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(H - m.b - Y(v)).toFixed(1)}" fill="${p.color}"><title>${r.encoding} ${p.label}: ${v} B</title></rect>`;
      bars += `<text x="${(x + barW / 2).toFixed(1)}" y="${(Y(v) - 3).toFixed(1)}" text-anchor="middle" font-size="10">${Math.round(v)}</text>`;
    });
    bars += `<text x="${(m.l + i * groupW + groupW / 2).toFixed(1)}" y="${H - m.b + 16}" text-anchor="middle">${r.encoding}</text>`;
  });
  const legend = parts.map((p, k) => `<rect x="${W - 545 + k * 132}" y="8" width="10" height="10" fill="${p.color}"/><text x="${W - 531 + k * 132}" y="17">${p.label}</text>`).join("");
  const grid = niceTicks(0, max).map((v) => `<line x1="${m.l}" x2="${W - m.r}" y1="${Y(v).toFixed(1)}" y2="${Y(v).toFixed(1)}" stroke="#e4e4e4"/><text x="${m.l - 6}" y="${(Y(v) + 4).toFixed(1)}" text-anchor="end">${v}</text>`).join("");
  return `<svg id="${id}" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">
<text x="${m.l}" y="18" font-size="14" font-weight="bold">Bytes per request by encoding (mean)</text>${legend}
${grid}<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${H - m.b}" stroke="#444"/><line x1="${m.l}" x2="${W - m.r}" y1="${H - m.b}" y2="${H - m.b}" stroke="#444"/>
${bars}</svg>`;
}

/** Bytes per request of every encoding: the run's own, and a short real run for each other one. */
export async function measureEncodings(r: SimResult): Promise<EncodingBytes[]> {
  const out: EncodingBytes[] = [];
  for (const encoding of ENCODINGS) {
    const run = encoding === r.options.encoding ? r : await runSim({ ...r.options, devices: 2, days: 1, encoding, db: undefined, server: undefined });
    out.push({ encoding, ...run.per_request });
  }
  return out;
}

export function renderReport(r: SimResult, encodings: EncodingBytes[]): string {
  const n = r.devices.length;
  const start = r.options.start ?? 0;
  const day = (t: number) => Math.round(((t - start) / 86400) * 1000) / 1000;
  const volts: Series[] = r.devices.map((d, i) => ({ name: d.serial, color: color(i, n), points: d.series.map((p) => [day(p.t), p.v]) }));
  const credit: Series[] = r.devices.map((d, i) => ({ name: d.serial, color: color(i, n), points: d.series.map((p) => [day(p.t), Math.round(p.credit * 100) / 100]) }));
  const o = r.options;
  const facts: [string, string | number][] = [
    ["devices x days", `${o.devices} x ${o.days}`], ["sampling / upload", `${o.interval} s / ${o.uploadEvery} s`],
    ["encoding / auth", `${o.encoding} / ${o.auth}`], ["seed", o.seed], ["requests", r.requests],
    ["accepted / rejected", `${r.accepted} / ${r.rejected}`], ["bytes up / down per request (wire)", `${r.per_request.up} / ${r.per_request.down}`],
    ["monthly data per device", `${r.monthly_kb_per_device} KB (${r.monthly_billed_kb_per_device} KB billed per whole-KB session), budget ${r.budget_kb} KB`],
    ["tokens delivered / applied", `${r.tokens_delivered} / ${r.tokens_applied}`], ["lock / unlock events", `${r.locks} / ${r.unlocks}`],
    ["samples taken / stored", `${r.samples_taken} / ${r.samples_stored ?? "?"}`], ["data points stored", r.db_rows ?? "?"],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>opaygo sim report</title>
<style>body{margin:0;font-family:sans-serif;background:#fff;color:#222}h1{height:${CHART.top}px;margin:0;padding:0 12px;font-size:18px;line-height:${CHART.top}px}
svg{display:block}table{border-collapse:collapse;margin:12px}td{border:1px solid #ccc;padding:3px 8px;font-size:13px}</style></head>
<body><h1>opaygo sim: ${o.devices} solar home systems, ${o.days} days, seed ${o.seed}</h1>
${lineChart("battery", "Battery voltage per device (at each upload)", "volts", volts, "day")}
${lineChart("credit", "PAYG credit per device (days left, opaygo-device.wasm)", "days", credit, "day")}
${barChart("bytes", encodings)}
<table>${facts.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(String(v))}</td></tr>`).join("")}</table>
</body></html>
`;
}

export async function writeReport(file: string, r: SimResult): Promise<void> {
  const html = renderReport(r, await measureEncodings(r));
  fs.writeFileSync(file, html);
}

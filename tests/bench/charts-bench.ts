// make bench-charts: the chart library the pages use (uPlot) against Chart.js, the most used
// alternative: the size of what a page loads, and the time to draw 20 series x 10,000 points in
// Debian's headless Chromium (tests/browser.ts), one run each, each in a fresh page. Chart.js is
// fetched from the npm registry for the run only (npm pack, pinned). Writes build/bench-charts.json
// and docs/charts.md. Not a test: nothing is compared with a threshold.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { spawnSync } from "node:child_process";
import { launchBrowser } from "../browser.js";
import { ROOT } from "../helpers.js";

const CHARTJS = "chart.js@4.6.2";
const SERIES = 20, POINTS = 10_000;
const uplotVersion: string = JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules/uplot/package.json"), "utf8")).version;

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: 300_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr}${r.error ?? ""}`);
  return r.stdout;
}

interface Library { name: string; files: string[]; js: string; css: string; draw: string }

// Each page script builds the same data (seeded), then draws it and stores the milliseconds from
// the constructor call to the library's own "drawn" callback in window.drawnMs.
const DATA = `
  let seed = 7; const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const xs = Float64Array.from({ length: ${POINTS} }, (_, i) => 1736121600 + 60 * i);
  const ys = Array.from({ length: ${SERIES} }, (_, s) => { let v = 12 + s / 10; return Float64Array.from(xs, () => (v += rnd() - 0.5)); });
  const colors = ys.map((_, s) => "hsl(" + Math.round(360 * s / ${SERIES}) + ", 80%, 40%)");
  const el = document.getElementById("chart");`;

function libraries(dir: string): Library[] {
  const uplot = path.join(ROOT, "node_modules/uplot/dist");
  run("npm", ["pack", CHARTJS, "--silent", "--pack-destination", dir], dir);
  const tgz = fs.readdirSync(dir).find((f) => f.endsWith(".tgz"))!;
  run("tar", ["xzf", tgz, "package/dist/chart.umd.min.js", "package/LICENSE.md"], dir);
  const chartjs = path.join(dir, "package/dist/chart.umd.min.js");
  return [
    {
      name: `uPlot ${uplotVersion}`, files: [path.join(uplot, "uPlot.iife.min.js"), path.join(uplot, "uPlot.min.css")],
      js: fs.readFileSync(path.join(uplot, "uPlot.iife.min.js"), "utf8"), css: fs.readFileSync(path.join(uplot, "uPlot.min.css"), "utf8"),
      draw: `${DATA}
        const t0 = performance.now();
        new uPlot({ width: 1200, height: 500, series: [{}, ...colors.map((c, s) => ({ label: "s" + s, stroke: c, width: 1 }))],
          hooks: { draw: [() => { window.drawnMs = performance.now() - t0; }] } }, [xs, ...ys], el);`,
    },
    ...[false, true].map((decimate) => ({
      name: `Chart.js ${CHARTJS.split("@")[1]}${decimate ? ", decimation plugin (min-max)" : ""}`, files: [chartjs], js: fs.readFileSync(chartjs, "utf8"), css: "",
      draw: `${DATA}
        const canvas = document.createElement("canvas"); canvas.width = 1200; canvas.height = 500; el.append(canvas);
        const t0 = performance.now();
        new Chart(canvas, { type: "line",
          data: { datasets: ys.map((y, s) => ({ label: "s" + s, borderColor: colors[s], borderWidth: 1, pointRadius: 0,
            data: Array.from(xs, (x, i) => ({ x, y: y[i] })) })) },
          options: { animation: false, responsive: false, parsing: false, normalized: true, spanGaps: true,
            scales: { x: { type: "linear" } }, plugins: { decimation: { enabled: ${decimate}, algorithm: "min-max" } } },
          plugins: [{ id: "drawn", afterRender: () => { window.drawnMs ??= performance.now() - t0; } }] });`,
    })),
  ];
}

type Row = { library: string; bytes: number; gzip: number; draw_ms: number };
function verdict(u: Row, others: Row[]): string {
  const smaller = others.every((o) => o.gzip > u.gzip), faster = others.every((o) => o.draw_ms > u.draw_ms);
  const name = u.library.split(" ")[0];
  if (smaller && faster) {
    return `${name} is the pages' chart library (\`ui/charts.ts\`, shipped in the package as \`build/ui/vendor/\`):
made for time series, it is both the smaller to inline into a self-contained report and the faster
to draw thousands of points, drawing all of them, and it has no dependencies.`;
  }
  return `${name} is the pages' chart library, but this run did not find it ${smaller ? "" : "the smaller"}${!smaller && !faster ? " nor " : ""}${faster ? "" : "the faster"}: look again.`;
}

const kb = (n: number) => Math.round(n / 102.4) / 10;

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opaygo-bench-charts-"));
  const browser = await launchBrowser();
  try {
    const rows = [];
    let chromium = "";
    for (const lib of libraries(dir)) {
      const code = lib.js + "\n" + lib.css;
      const html = path.join(dir, "page.html");
      fs.writeFileSync(html, `<!doctype html><meta charset="utf-8"><style>${lib.css}</style><div id="chart" style="width:1200px;height:500px"></div>
<script>${lib.js}</script><script>${lib.draw}</script>`);
      const page = await browser.open(`file://${html}`, { width: 1280, height: 600 });
      await page.waitForFunction(() => typeof (window as { drawnMs?: number }).drawnMs === "number", null, { timeout: 120_000 });
      const ms = await page.evaluate(() => (window as unknown as { drawnMs: number }).drawnMs);
      chromium = await page.evaluate(() => navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? "");
      await browser.screenshot(page, `bench-charts-${rows.length}`);
      await page.close();
      rows.push({ library: lib.name, bytes: Buffer.byteLength(code), gzip: zlib.gzipSync(code, { level: 9 }).length, draw_ms: Math.round(ms) });
    }
    if (browser.errors.length > 0) throw new Error(`script errors: ${browser.errors.join("; ")}`);
    const result = { series: SERIES, points: POINTS, chromium, rows };
    fs.mkdirSync(path.join(ROOT, "build"), { recursive: true });
    fs.writeFileSync(path.join(ROOT, "build/bench-charts.json"), JSON.stringify(result, null, 1) + "\n");
    fs.writeFileSync(path.join(ROOT, "docs/charts.md"), page(result));
    console.table(rows);
    console.log("docs/charts.md written");
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function page(r: { series: number; points: number; chromium: string; rows: Row[] }): string {
  const [u, ...others] = r.rows;
  const ratio = (a: number, b: number) => (a / b).toFixed(1);
  return `# The chart library

Written by \`make bench-charts\` (tests/bench/charts-bench.ts): what a page loads, and the time from
the constructor call to the library's own "drawn" callback for ${r.series} series x ${r.points.toLocaleString("en")}
points (${(r.series * r.points).toLocaleString("en")} in all) on a 1200 x 500 chart, in Debian's headless Chromium
(${r.chromium}, software rendering), one run each in a fresh page. Wall times on this shared machine move by 2x:
read the ratios.

| library | JS + CSS | gzip -9 | draw ${r.series} x ${r.points.toLocaleString("en")} |
| --- | ---: | ---: | ---: |
${r.rows.map((x) => `| ${x.library} | ${kb(x.bytes)} KB | ${kb(x.gzip)} KB | ${x.draw_ms} ms |`).join("\n")}

${others.map((o) => `${o.library}: ${ratio(o.gzip, u.gzip)}x the bytes (gzip) of ${u.library}, ${ratio(o.draw_ms, u.draw_ms)}x its draw time.`).join("\n")}

${verdict(u, others)}
`;
}

await main();

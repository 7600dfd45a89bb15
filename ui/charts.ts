// Time-series charts for this package's pages (the simulator's report, the server's dashboard),
// drawn by uPlot: a title, one line per series in its own colour, a legend naming each line with
// its value under the cursor, an optional limit drawn as a dashed line (a monthly data budget),
// optional shaded time ranges (lock periods), drag to zoom and double click to zoom out. Charts of
// one group share their zoom and cursor. Times are unix seconds, shown in UTC.
//
// `make build` puts this module, charts.css and uPlot (vendor/uPlot.js, an ES module, with its CSS
// and licence) in build/ui/. A page serving that folder at /ui/ loads uPlot by its bare name
// through an import map:
//   <link rel="stylesheet" href="/ui/vendor/uPlot.min.css"><link rel="stylesheet" href="/ui/charts.css">
//   <script type="importmap">{"imports": {"uplot": "/ui/vendor/uPlot.js"}}</script>
//   <script type="module">import { timeChart, deviceColors } from "/ui/charts.js"; ...</script>
// A live page gives a chart new points with setPoints and takes it away with removeChart (a chart
// only dropped from the DOM stays in `charts` and in its zoom group).
import uPlot from "uplot";

export interface Line {
  label: string;
  color: string;
  values: (number | null)[];
}

export interface Period {
  from: number;
  to: number;
}

export interface ChartSpec {
  title: string;
  /** unix seconds, ascending; one per value of every line */
  x: number[];
  lines: Line[];
  /** the y axis' unit, also after each value in the legend */
  unit: string;
  /** decimals of the values in the legend */
  digits?: number;
  /** a level drawn as a dashed line across the chart, named in the legend (e.g. a budget) */
  limit?: { value: number; label: string };
  /** time ranges shaded behind the lines, named in the title (e.g. "locked") */
  shade?: { label: string; periods: Period[] };
  /** the time range shown when not zoomed in, even where there is no point yet (e.g. the whole run) */
  span?: Period;
  /** the y axis starts at zero (quantities that cannot be negative) */
  fromZero?: boolean;
  height?: number;
  /** charts of one group zoom together and share the cursor */
  group?: string;
}

export interface Chart {
  spec: ChartSpec;
  plot: uPlot;
  root: HTMLElement;
  /** follows the parent's width */
  resize: ResizeObserver;
}

export const LIMIT_COLOR = "#d62728";
export const SHADE_COLOR = "rgba(120, 120, 120, 0.22)";

/** Every chart this module drew on the page, in order (zoom groups use it; so do the page tests). */
export const charts: Chart[] = [];
(globalThis as { opaygoCharts?: Chart[] }).opaygoCharts = charts;

/** n colours, one per device, as far apart as n allows: hues around the wheel, two lightnesses. */
export function deviceColors(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const hue = Math.round((360 * i) / Math.max(1, n) + 200) % 360;
    const light = n > 10 && i % 2 === 1 ? 32 : 44;
    return `hsl(${hue}, 80%, ${light}%)`;
  });
}

/** set while one chart's zoom is copied to the rest of its group */
let zooming = false;

const utc = (t: number) => uPlot.tzDate(new Date(t * 1e3), "Etc/UTC");

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Draws a chart at the end of parent, as wide as parent. */
export function timeChart(parent: HTMLElement, spec: ChartSpec): Chart {
  const root = el("div", "oc-chart");
  const title = el("div", "oc-title", spec.title);
  if (spec.shade) {
    const key = el("span", "oc-key");
    const swatch = el("i", "");
    swatch.style.background = SHADE_COLOR;
    key.append(swatch, spec.shade.label);
    title.append(" ", key);
  }
  root.append(title);
  parent.append(root);

  const digits = spec.digits ?? 2;
  const show = (v: number | null) => (v == null ? "–" : `${v.toFixed(digits)} ${spec.unit}`);
  const series: uPlot.Series[] = [{ label: "time (UTC)", value: "{YYYY}-{MM}-{DD} {HH}:{mm}" }];
  for (const line of spec.lines) series.push({ label: line.label, stroke: line.color, width: 1.5, value: (_u, v) => show(v), points: { show: false } });
  if (spec.limit) {
    const { value, label } = spec.limit;
    series.push({ label, stroke: LIMIT_COLOR, width: 1.5, dash: [6, 4], value: () => show(value), points: { show: false } });
  }

  const shadePeriods = (u: uPlot) => {
    if (!spec.shade) return;
    const { left, top, width, height } = u.bbox;
    const ctx = u.ctx;
    ctx.save();
    ctx.fillStyle = SHADE_COLOR;
    for (const p of spec.shade.periods) {
      const x0 = Math.max(left, u.valToPos(p.from, "x", true));
      const x1 = Math.min(left + width, u.valToPos(p.to, "x", true));
      if (x1 > x0) ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
    }
    ctx.restore();
  };
  const followZoom = (u: uPlot, key: string) => {
    if (key !== "x" || !spec.group || zooming) return;
    const { min, max } = u.scales.x;
    if (min == null || max == null) return;
    zooming = true;
    try {
      for (const c of charts) if (c.plot !== u && c.spec.group === spec.group) c.plot.setScale("x", { min, max });
    } finally {
      zooming = false;
    }
  };

  const opts: uPlot.Options = {
    width: Math.max(200, parent.clientWidth),
    height: spec.height ?? 180,
    tzDate: utc,
    series,
    scales: {
      x: { time: true, range: (_u, min, max) => showAll(spec, min, max) },
      y: spec.fromZero ? { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] } : {},
    },
    axes: [{}, { label: spec.unit, size: 56 }],
    cursor: { drag: { x: true, y: false }, ...(spec.group ? { sync: { key: spec.group } } : {}) },
    legend: { live: true },
    hooks: {
      drawClear: [shadePeriods],
      setScale: [followZoom],
    },
  };
  const plot = new uPlot(opts, chartData(spec), root);
  const resize = new ResizeObserver(() => {
    const width = Math.max(200, parent.clientWidth);
    if (width !== plot.width && parent.clientWidth > 0) plot.setSize({ width, height: plot.height });
  });
  resize.observe(parent);
  const chart = { spec, plot, root, resize };
  charts.push(chart);
  return chart;
}

function chartData(spec: ChartSpec): uPlot.AlignedData {
  const data: (number | null)[][] = [spec.x, ...spec.lines.map((l) => l.values)];
  if (spec.limit) data.push(spec.x.map(() => spec.limit!.value));
  return data as uPlot.AlignedData;
}

/** Replaces a chart's points: its times and each line's values, in the order of its lines. */
export function setPoints(chart: Chart, x: number[], values: (number | null)[][]): void {
  if (values.length !== chart.spec.lines.length || values.some((v) => v.length !== x.length)) {
    throw new Error(`setPoints: expected ${chart.spec.lines.length} value lists of ${x.length} values each`);
  }
  chart.spec.x = x;
  chart.spec.lines.forEach((line, i) => (line.values = values[i]));
  chart.plot.setData(chartData(chart.spec));
}

/** Takes a chart off the page (and out of its zoom group). */
export function removeChart(chart: Chart): void {
  chart.resize.disconnect();
  chart.plot.destroy();
  chart.root.remove();
  const at = charts.indexOf(chart);
  if (at >= 0) charts.splice(at, 1);
}

// [min, max] as asked, or the whole span when asked for every point (zoomed out)
function showAll(spec: ChartSpec, min: number | null, max: number | null): uPlot.Range.MinMax {
  const first = spec.x[0], last = spec.x[spec.x.length - 1];
  if (!spec.span) return [min, max];
  if (min == null || max == null || (min <= first && max >= last)) return [Math.min(min ?? Infinity, spec.span.from), Math.max(max ?? -Infinity, spec.span.to)];
  return [min, max];
}

/** Zooms every chart of a group to [from, to] (unix seconds). */
export function zoomTo(group: string, from: number, to: number): void {
  const first = charts.find((c) => c.spec.group === group);
  first?.plot.setScale("x", { min: from, max: to });
}

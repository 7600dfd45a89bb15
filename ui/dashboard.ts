// The reference server's dashboard (host-sim/pages.ts serves the shell, host-sim/dashboard.ts the
// data): the fleet overview (sorted, filtered and paged by the server) and one device's page (each
// variable of its data format over time, its credit with the lock periods shaded, its data use
// against the monthly budget, its tokens, payments and requests). Both poll the server every few
// seconds for new uploads, so they follow a live fleet without a reload.
import { timeChart, setPoints, removeChart, zoomTo, type Chart, type Period } from "./charts.js";

const app = document.getElementById("app")!;
const base = app.dataset.base ?? "";
const live = document.getElementById("live")!;
/** How often a page asks for what is new (ms). */
const POLL_MS = 5000;
const DAY = 86400;

class SignedOut extends Error {}

async function get<T>(path: string): Promise<T> {
  const r = await fetch(base + path, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (r.status === 401) {
    location.href = `${base}/login`;
    throw new SignedOut();
  }
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

function tag<K extends keyof HTMLElementTagNameMap>(name: K, attrs: Record<string, string> = {}, ...children: (Node | string | null)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) if (c !== null) e.append(c);
  return e;
}

const iso = (t: number | null) => (t === null ? "–" : new Date(t * 1000).toISOString().replace(".000Z", "Z").replace("T", " "));
function ago(t: number | null, now: number): string {
  if (t === null) return "never";
  const s = Math.max(0, now - t);
  return s < 120 ? `${s} s ago` : s < 7200 ? `${Math.round(s / 60)} min ago` : s < 2 * DAY ? `${Math.round(s / 3600)} h ago` : `${Math.round(s / DAY)} days ago`;
}
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const devicePath = (serial: string) => `/dashboard/devices/${encodeURIComponent(serial)}`;

function setLive(text: string): void {
  live.textContent = text;
}

function poll(every: number, f: () => Promise<void>): void {
  const tick = async () => {
    try {
      await f();
    } catch (e) {
      if (e instanceof SignedOut) return;
      setLive(`not updated: ${(e as Error).message}`);
    }
    setTimeout(tick, every);
  };
  setTimeout(tick, every);
}

// ---- the fleet -----------------------------------------------------------------------------------

interface FleetRow {
  serial: string; last_upload: number | null; last_timestamp: number | null; credit_until: number; seconds_left: number | null; active: boolean;
  payg_disabled: boolean; tokens_pending: number; month_requests: number; month_bytes: number; month_billed_kb: number;
  auth_methods: string[]; last_auth: string | null; refusals: Record<string, number>;
}
interface FleetAnswer { now: number; total: number; month: string; budget_kb: number; latest_request: number; rows: FleetRow[] }

const COLUMNS: { key: string; label: string; sort: string | null }[] = [
  { key: "serial", label: "Device", sort: "serial" },
  { key: "last_upload", label: "Last upload", sort: "last_upload" },
  { key: "credit", label: "Credit", sort: "credit" },
  { key: "tokens", label: "Tokens pending", sort: "tokens" },
  { key: "data", label: "Data this month", sort: "data" },
  { key: "auth", label: "Auth", sort: null },
  { key: "problems", label: "Problems", sort: "problems" },
];
const FILTERS: [string, string][] = [["all", "all devices"], ["active", "with credit"], ["locked", "locked"], ["payg_disabled", "PAYG disabled"],
  ["problems", "with problems"], ["over_budget", "over the data budget"], ["never_uploaded", "never uploaded"]];

function fleetPage(): void {
  const state = new URLSearchParams(location.search);
  const param = (k: string, d: string) => state.get(k) ?? d;
  const search = tag("input", { type: "search", placeholder: "serial", "aria-label": "search serials", value: param("q", "") });
  const filter = tag("select", { "aria-label": "filter" }, ...FILTERS.map(([v, label]) => tag("option", { value: v }, label)));
  filter.value = param("filter", "all");
  const summary = tag("span", { class: "summary" });
  const prev = tag("button", { type: "button" }, "‹ previous");
  const next = tag("button", { type: "button" }, "next ›");
  const table = tag("table", { class: "fleet" });
  app.append(tag("h1", {}, "Fleet"), tag("div", { class: "controls" }, search, filter, summary, prev, next), table);
  let latest = -1;
  let firstLatest = -1;

  const query = () => {
    const q = new URLSearchParams({ q: param("q", ""), filter: param("filter", "all"), sort: param("sort", "serial"), order: param("order", "asc"), offset: param("offset", "0"), limit: "50" });
    return `/fleet?${q}`;
  };
  const go = (changes: Record<string, string>) => {
    for (const [k, v] of Object.entries(changes)) state.set(k, v);
    history.replaceState(null, "", `${location.pathname}?${state}`);
    void load();
  };
  search.addEventListener("input", () => go({ q: search.value, offset: "0" }));
  filter.addEventListener("change", () => go({ filter: filter.value, offset: "0" }));
  prev.onclick = () => go({ offset: String(Math.max(0, Number(param("offset", "0")) - 50)) });
  next.onclick = () => go({ offset: String(Number(param("offset", "0")) + 50) });

  const render = (f: FleetAnswer) => {
    const now = f.now; // the server's clock: a simulated fleet runs on its own
    const sort = param("sort", "serial"), order = param("order", "asc");
    const head = tag("tr", {}, ...COLUMNS.map((c) => {
      const th = tag("th", c.sort ? { "data-sort": c.sort, class: "sortable" } : {}, c.label, c.sort === sort ? (order === "asc" ? " ▲" : " ▼") : "");
      if (c.sort) th.onclick = () => go({ sort: c.sort!, order: c.sort === sort && order === "asc" ? "desc" : "asc", offset: "0" });
      return th;
    }));
    const rows = f.rows.map((r) => {
      const credit = r.payg_disabled ? tag("span", { class: "ok" }, "PAYG disabled")
        : r.active ? tag("span", { class: "ok" }, `${(r.seconds_left! / DAY).toFixed(1)} days`) : tag("span", { class: "bad" }, "locked");
      const share = Math.min(100, (100 * r.month_billed_kb) / f.budget_kb);
      const data = tag("div", { class: "use", title: `${r.month_requests} uploads, ${r.month_bytes} bytes on the wire` },
        tag("div", { class: r.month_billed_kb > f.budget_kb ? "fill over" : "fill", style: `width:${share}%` }), `${r.month_billed_kb} / ${f.budget_kb} KB`);
      const problems = Object.entries(r.refusals).map(([k, n]) => `${k.replace(/_/g, " ")} ${n}`).join(", ");
      return tag("tr", { "data-serial": r.serial },
        tag("td", {}, tag("a", { href: base + devicePath(r.serial) }, r.serial)),
        tag("td", { title: iso(r.last_upload) }, ago(r.last_upload, now)),
        tag("td", {}, credit),
        tag("td", { class: "num" }, String(r.tokens_pending)),
        tag("td", {}, data),
        tag("td", { title: `allowed: ${r.auth_methods.join(" ")}` }, r.last_auth ?? "–"),
        tag("td", { class: problems ? "bad" : "" }, problems || "–"));
    });
    table.replaceChildren(tag("thead", {}, head), tag("tbody", {}, ...rows));
    const offset = Number(param("offset", "0"));
    summary.textContent = f.total === 0 ? "no device" : `${offset + 1}–${offset + f.rows.length} of ${f.total} devices; data use in ${f.month}`;
    prev.disabled = offset === 0;
    next.disabled = offset + f.rows.length >= f.total;
  };

  const load = async () => {
    const f = await get<FleetAnswer>(query());
    if (firstLatest < 0) firstLatest = f.latest_request;
    latest = f.latest_request;
    render(f);
    app.dataset.latest = String(latest);
    setLive(`live: updated ${new Date().toISOString().slice(11, 19)} UTC${latest > firstLatest ? `, ${latest - firstLatest} uploads since this page opened` : ""}`);
    document.body.dataset.ready = "true";
  };
  void load().catch((e) => { if (!(e instanceof SignedOut)) setLive(String(e)); });
  poll(POLL_MS, load);
}

// ---- one device ----------------------------------------------------------------------------------

interface Series {
  variables: { name: string; unit: string; scale_factor: number }[];
  x: number[];
  columns: Record<string, (number | null)[]>;
  truncated: boolean;
  status: { timestamp: number; values: Record<string, unknown> } | null;
}
interface History {
  created_at: number;
  tokens: { type: string; count: number; token: string; days: number; created_at: number; first_sent_at: number | null; confirmed_at: number | null; reference: string | null }[];
  payments: { reference: string | null; at: number; days: number; until: number | null; disable_payg: number; credited_at: number | null; days_credited: number | null }[];
  credit: { from: number; to: number | null }[];
  requests: { id: number; received_at: number; ts: number | null; rc: number | null; auth: string | null; body_kind: string; body_bytes: number; up_bytes: number | null; down_bytes: number | null; rows: number }[];
  usage: { month: string; requests: number; up_bytes: number; down_bytes: number; billed_kb: number }[];
}
interface DeviceRecord { credit: { until: number | null; seconds_left: number | null; active: boolean; payg_disabled: boolean }; auth_methods: string[]; replay: { timestamp: number | null; request_count: number | null } }

const GROUP = "device";
const COLORS = ["hsl(210, 80%, 40%)", "hsl(20, 85%, 45%)", "hsl(140, 60%, 32%)", "hsl(280, 55%, 45%)", "hsl(350, 70%, 45%)", "hsl(45, 90%, 38%)"];

/** The periods without credit between `from` and `to`, from the periods the credit ran. */
function lockedPeriods(credit: History["credit"], from: number, to: number): Period[] {
  const out: Period[] = [];
  let t = from;
  for (const c of credit) {
    if (c.from > t) out.push({ from: t, to: Math.min(c.from, to) });
    t = Math.max(t, c.to ?? Infinity);
  }
  if (t < to) out.push({ from: t, to });
  return out.filter((p) => p.to > p.from);
}

/** Days of credit left at each time (the server's model). */
function creditAt(credit: History["credit"], t: number): number {
  for (const c of credit) if (t >= c.from && (c.to === null || t < c.to)) return c.to === null ? NaN : (c.to - t) / DAY;
  return 0;
}

function devicePage(serial: string): void {
  const head = tag("div", { class: "facts" });
  const zoom = tag("div", { class: "zoom" }, "Show ", ...[["1 h", 3600], ["6 h", 6 * 3600], ["1 day", DAY], ["7 days", 7 * DAY], ["30 days", 30 * DAY], ["all", 0]].map(([label, span]) => {
    const b = tag("button", { type: "button", "data-span": String(span) }, String(label));
    b.onclick = () => zoomLast(Number(span));
    return b;
  }));
  const chartsBox = tag("section", { class: "charts" });
  const tables = tag("section", { class: "tables" });
  app.append(tag("h1", {}, tag("a", { href: `${base}/dashboard` }, "Fleet"), " / ", serial), head, zoom, chartsBox, tables);

  let series: Series | null = null;
  let hist: History | null = null;
  const variableCharts = new Map<string, Chart>();
  let extent = { from: 0, to: 0 };
  const zoomLast = (span: number) => zoomTo(GROUP, span > 0 ? Math.max(extent.from, extent.to - span) : extent.from, extent.to);

  let drawn: Chart[] = [];
  const drawCharts = () => {
    drawn.forEach(removeChart); // (a redraw: the old charts leave their zoom group too)
    variableCharts.clear();
    const s = series!, h = hist!;
    const now = Math.floor(Date.now() / 1000);
    extent = { from: Math.min(s.x[0] ?? h.created_at, h.created_at), to: Math.max(s.x[s.x.length - 1] ?? now, h.requests.length ? h.requests[h.requests.length - 1].received_at : 0) };
    const locked = lockedPeriods(h.credit, extent.from, extent.to);
    const shade = { label: "locked (no credit)", periods: locked };
    // credit left, at every sample and at every change of the credit
    const times = [...new Set([...s.x, ...h.credit.flatMap((c) => [c.from, c.to ?? c.from]), extent.from, extent.to])].filter((t) => t >= extent.from && t <= extent.to).sort((a, b) => a - b);
    const chart = (spec: Parameters<typeof timeChart>[1]) => {
      const c = timeChart(chartsBox, spec);
      drawn.push(c);
      return c;
    };
    drawn = [];
    chart({ title: "Credit left (the server's model)", unit: "days", x: times, lines: [{ label: serial, color: COLORS[0], values: times.map((t) => creditAt(h.credit, t)) }], fromZero: true, group: GROUP, shade, height: 150 });
    s.variables.forEach((v, i) => {
      const title = `${v.name}${v.unit ? ` [${v.unit}]` : ""}${v.scale_factor !== 1 ? ` (sent ×${1 / v.scale_factor}, scale_factor ${v.scale_factor} applied)` : ""}`;
      const c = chart({ title, unit: v.unit, x: s.x, lines: [{ label: v.name, color: COLORS[(i + 1) % COLORS.length], values: s.columns[v.name] }], group: GROUP, shade, height: 160 });
      c.root.dataset.variable = v.name;
      variableCharts.set(v.name, c);
    });
    // the data billed this month, request by request, against the budget
    const month = new Date(now * 1000).toISOString().slice(0, 7);
    const reqs = h.requests.filter((r) => new Date(r.received_at * 1000).toISOString().slice(0, 7) === month);
    let sum = 0;
    const billed = reqs.map((r) => (sum += Math.ceil(((r.up_bytes ?? 0) + (r.down_bytes ?? 0)) / 1024)));
    if (reqs.length > 0) {
      chart({
        title: `Data billed in ${month} (each upload rounded up to a whole KB; by the server's clock)`, unit: "KB", digits: 0, fromZero: true, height: 150,
        x: reqs.map((r) => r.received_at), lines: [{ label: "KB billed", color: COLORS[1], values: billed }], limit: { value: budgetKb, label: `budget ${budgetKb} KB a month` },
      });
    }
  };

  const drawTables = () => {
    const h = hist!;
    const table = (title: string, headers: string[], rows: (string | number | null)[][], cls: string) =>
      tag("div", { class: cls }, tag("h2", {}, title), tag("table", {}, tag("thead", {}, tag("tr", {}, ...headers.map((x) => tag("th", {}, x)))),
        tag("tbody", {}, ...rows.map((r) => tag("tr", {}, ...r.map((c) => tag("td", {}, c === null ? "–" : String(c))))))));
    tables.replaceChildren(
      table("Tokens", ["count", "type", "token", "days", "made", "first sent", "confirmed", "payment"], h.tokens.map((t) =>
        [t.count, t.type, t.token, t.type === "DISABLE_PAYG" ? null : t.days, iso(t.created_at), iso(t.first_sent_at), iso(t.confirmed_at), t.reference]), "tokens"),
      table("Payments", ["reference", "at", "paid", "credited"], h.payments.map((p) =>
        [p.reference, iso(p.at), p.disable_payg ? "paid off (PAYG disabled)" : p.until !== null ? `until ${iso(p.until)}` : `${p.days} days`, p.credited_at === null ? "scheduled" : `${iso(p.credited_at)}: ${p.days_credited ?? 0} days`]), "payments"),
      table(`Requests (latest ${h.requests.length})`, ["received", "ts", "auth", "body", "up", "down", "rows"], h.requests.slice().reverse().map((r) =>
        [iso(r.received_at), r.ts, r.auth, `${r.body_bytes} B ${r.body_kind}`, r.up_bytes === null ? null : kb(r.up_bytes), r.down_bytes === null ? null : kb(r.down_bytes), r.rows]), "requests"),
      table("Data use by month", ["month", "uploads", "up", "down", "billed"], h.usage.map((u) => [u.month, u.requests, kb(u.up_bytes), kb(u.down_bytes), `${u.billed_kb} KB`]), "usage"),
    );
  };

  let budgetKb = 750;
  const load = async () => {
    const enc = encodeURIComponent(serial);
    const [s, h, d, f] = await Promise.all([get<Series>(`/devices/${enc}/series`), get<History>(`/devices/${enc}/history`), get<DeviceRecord>(`/devices/${enc}`), get<FleetAnswer>("/fleet?limit=1")]);
    series = s; hist = h; budgetKb = f.budget_kb;
    const credit = d.credit.payg_disabled ? "PAYG disabled (paid off)" : d.credit.active ? `${(d.credit.seconds_left! / DAY).toFixed(1)} days of credit` : "locked";
    head.replaceChildren(tag("span", {}, credit), tag("span", {}, `auth: ${d.auth_methods.join(" ")}`), tag("span", {}, `last ts ${d.replay.timestamp ?? "–"}`),
      tag("span", {}, `${s.x.length} samples${s.truncated ? " (the latest; the range holds more)" : ""}`),
      ...(s.status ? [tag("span", {}, `status at ${iso(s.status.timestamp)}: ${Object.entries(s.status.values).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(", ")}`)] : []));
    drawCharts();
    drawTables();
    app.dataset.samples = String(s.x.length);
    setLive(`live: updated ${new Date().toISOString().slice(11, 19)} UTC`);
    document.body.dataset.ready = "true";
  };
  // New samples since the last one shown are added to the charts; a new request redraws the rest.
  const refresh = async () => {
    const enc = encodeURIComponent(serial);
    const lastId = (r: History["requests"]) => (r.length ? r[r.length - 1].id : 0);
    const lastRequest = lastId(hist!.requests);
    const h = await get<History>(`/devices/${enc}/history`);
    if (lastId(h.requests) === lastRequest) return setLive(`live: checked ${new Date().toISOString().slice(11, 19)} UTC`);
    const since = series!.x.length > 0 ? series!.x[series!.x.length - 1] + 1 : 0;
    const more = await get<Series>(`/devices/${enc}/series?from=${since}`);
    hist = h;
    if (more.variables.some((v) => !variableCharts.has(v.name))) {
      await load();
      return;
    }
    const s = series!;
    s.x.push(...more.x);
    for (const v of s.variables) s.columns[v.name].push(...(more.columns[v.name] ?? more.x.map(() => null)));
    for (const [name, c] of variableCharts) setPoints(c, s.x, [s.columns[name]]);
    drawTables();
    app.dataset.samples = String(s.x.length);
    setLive(`live: ${more.x.length} new samples at ${new Date().toISOString().slice(11, 19)} UTC`);
  };
  void load().catch((e) => { if (!(e instanceof SignedOut)) setLive(String(e)); });
  poll(POLL_MS, refresh);
}

if (app.dataset.page === "device") devicePage(app.dataset.serial!);
else fleetPage();

// The operator's dashboard on the reference server: browser sessions, and the data its pages read
// (each also an operator route for scripts, with the bearer token).
//
// Sessions: POST /login with the operator token (a form field, never in a URL) sets a random
// session id in an HttpOnly, SameSite=Strict cookie (Secure under TLS); the database keeps only its
// SHA-256, so every server process on one PostgreSQL database knows it, and POST /logout ends it.
// The pages (ui/dashboard.ts) poll these routes for what is new (every few seconds): that works
// with any number of server processes, where server-sent events would only see their own process.
import crypto from "node:crypto";
import { Store, monthOf } from "./store.js";
import { HttpError } from "./http-error.js";
import { JsonValue, parseOrdered } from "../bindings/metrics-json.js";

export const SESSION_COOKIE = "opaygo_session";
/** A session lasts this long from the login (seconds). */
export const SESSION_SECONDS = 12 * 3600;

const hashOf = (id: string) => crypto.createHash("sha256").update(id, "utf8").digest("hex");

/** A new session's id (to put in the cookie); the store keeps its hash. Expired ones are dropped. */
export async function createSession(store: Store, now: number): Promise<string> {
  const id = crypto.randomBytes(32).toString("base64url");
  await store.run("DELETE FROM sessions WHERE expires_at <= ?", now);
  await store.run("INSERT INTO sessions (id, created_at, expires_at) VALUES (?, ?, ?)", hashOf(id), now, now + SESSION_SECONDS);
  return id;
}

export async function sessionValid(store: Store, id: string, now: number): Promise<boolean> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return false;
  return (await store.get("SELECT 1 AS ok FROM sessions WHERE id = ? AND expires_at > ?", hashOf(id), now)) !== undefined;
}

export async function endSession(store: Store, id: string): Promise<void> {
  await store.run("DELETE FROM sessions WHERE id = ?", hashOf(id));
}

/** The session id in a request's Cookie header, or null. */
export function sessionCookie(header: string | undefined): string | null {
  for (const part of (header ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === SESSION_COOKIE) return value.join("=");
  }
  return null;
}

// ---- the fleet overview (GET /fleet) -------------------------------------------------------------

export const FLEET_SORTS = ["serial", "last_upload", "credit", "data", "tokens", "problems"] as const;
export const FLEET_FILTERS = ["all", "active", "locked", "payg_disabled", "problems", "over_budget", "never_uploaded"] as const;
export type FleetSort = (typeof FLEET_SORTS)[number];
export type FleetFilter = (typeof FLEET_FILTERS)[number];

export interface FleetQuery {
  /** part of a serial, case-insensitive */
  search: string;
  filter: FleetFilter;
  sort: FleetSort;
  descending: boolean;
  offset: number;
  limit: number;
}

export interface FleetRow {
  serial: string;
  last_upload: number | null;
  last_timestamp: number | null;
  credit_until: number;
  seconds_left: number | null;
  active: boolean;
  payg_disabled: boolean;
  tokens_pending: number;
  month_requests: number;
  month_bytes: number;
  month_billed_kb: number;
  auth_methods: string[];
  last_auth: string | null;
  refusals: Record<string, number>;
}

const SORT_SQL: Record<FleetSort, string> = {
  serial: "d.serial",
  last_upload: "COALESCE(d.last_received_at, -1)",
  credit: "CASE WHEN d.payg_disabled = 1 THEN 9007199254740991 ELSE d.credit_until END",
  data: "COALESCE(u.billed_kb, 0)",
  tokens: "tokens_pending",
  problems: "refused",
};

/**
 * One page of the fleet, sorted and filtered in the database (never the whole fleet in one
 * answer), with the total that matches: each device's last upload, credit (the server's model),
 * pending tokens, data used this month (UTC, by the server's clock; billed per request in whole
 * KB, as a 2G session is) against the budget, auth methods and refused requests by reason.
 */
export async function fleetPage(store: Store, q: FleetQuery, now: number, budgetKb: number): Promise<{ now: number; total: number; rows: FleetRow[]; month: string; budget_kb: number; latest_request: number }> {
  const month = monthOf(now);
  const where: string[] = [];
  const args: unknown[] = [];
  if (q.search) {
    where.push("LOWER(d.serial) LIKE ? ESCAPE '\\'");
    args.push(`%${q.search.toLowerCase().replace(/[\\%_]/g, (c) => "\\" + c)}%`);
  }
  const filters: Record<FleetFilter, string | null> = {
    all: null,
    active: "(d.payg_disabled = 1 OR d.credit_until > ?)",
    locked: "(d.payg_disabled = 0 AND d.credit_until <= ?)",
    payg_disabled: "d.payg_disabled = 1",
    problems: "EXISTS (SELECT 1 FROM refusals f WHERE f.device_id = d.id)",
    over_budget: "COALESCE(u.billed_kb, 0) > ?",
    never_uploaded: "d.last_received_at IS NULL",
  };
  const f = filters[q.filter];
  if (f) {
    where.push(f);
    if (q.filter === "active" || q.filter === "locked") args.push(now);
    if (q.filter === "over_budget") args.push(budgetKb);
  }
  const from = `FROM devices d LEFT JOIN device_usage u ON u.device_id = d.id AND u.month = ?${where.length ? " WHERE " + where.join(" AND ") : ""}`;
  const total = (await store.get<{ n: number }>(`SELECT COUNT(*) AS n ${from}`, month, ...args))!.n;
  const rows = await store.all<{
    id: number; serial: string; last_received_at: number | null; last_ts: number | null; credit_until: number; payg_disabled: number; auth_methods: string;
    tokens_pending: number; refused: number; requests: number | null; bytes: number | null; billed_kb: number | null; last_auth: string | null;
  }>(
    `SELECT d.id, d.serial, d.last_received_at, d.last_ts, d.credit_until, d.payg_disabled, d.auth_methods,
            (SELECT COUNT(*) FROM tokens t WHERE t.device_id = d.id AND t.confirmed_at IS NULL) AS tokens_pending,
            (SELECT COALESCE(SUM(f.count), 0) FROM refusals f WHERE f.device_id = d.id) AS refused,
            u.requests, u.up_bytes + u.down_bytes AS bytes, u.billed_kb,
            (SELECT r.auth FROM requests r WHERE r.device_id = d.id ORDER BY r.id DESC LIMIT 1) AS last_auth
     ${from} ORDER BY ${SORT_SQL[q.sort]} ${q.descending ? "DESC" : "ASC"}, d.serial ${q.descending ? "DESC" : "ASC"} LIMIT ? OFFSET ?`,
    month, ...args, q.limit, q.offset);
  const reasons = rows.length === 0 ? [] : await store.all<{ device_id: number; reason: string; count: number }>(
    `SELECT device_id, reason, count FROM refusals WHERE device_id IN (${rows.map(() => "?").join(", ")})`, ...rows.map((r) => r.id));
  const latest = (await store.get<{ id: number | null }>("SELECT MAX(id) AS id FROM requests"))!.id ?? 0;
  return {
    now, total, month, budget_kb: budgetKb, latest_request: latest,
    rows: rows.map((r) => ({
      serial: r.serial, last_upload: r.last_received_at, last_timestamp: r.last_ts, credit_until: r.credit_until,
      seconds_left: r.payg_disabled ? null : Math.max(0, r.credit_until - now), active: r.payg_disabled === 1 || r.credit_until > now,
      payg_disabled: r.payg_disabled === 1, tokens_pending: Number(r.tokens_pending), month_requests: r.requests ?? 0, month_bytes: r.bytes ?? 0,
      month_billed_kb: r.billed_kb ?? 0, auth_methods: r.auth_methods.split(","), last_auth: r.last_auth,
      refusals: Object.fromEntries(reasons.filter((x) => x.device_id === r.id).map((x) => [x.reason, x.count])),
    })),
  };
}

/** A fleet query from GET /fleet's parameters: q, filter, sort, order (asc, desc), offset, limit (1..500). */
export function fleetQuery(url: URL): FleetQuery {
  const p = url.searchParams;
  const pick = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const v = p.get(name) ?? fallback;
    if (!(allowed as readonly string[]).includes(v)) throw new HttpError(400, `${name} must be one of ${allowed.join(", ")}`);
    return v as T;
  };
  const int = (name: string, min: number, max: number, fallback: number) => {
    const v = p.get(name);
    if (v === null) return fallback;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new HttpError(400, `${name} must be an integer from ${min} to ${max}`);
    return Number(v);
  };
  const search = p.get("q") ?? "";
  if (search.length > 64) throw new HttpError(400, "q must be at most 64 characters");
  return {
    search, filter: pick("filter", FLEET_FILTERS, "all"), sort: pick("sort", FLEET_SORTS, "serial"), descending: pick("order", ["asc", "desc"], "asc") === "desc",
    offset: int("offset", 0, 1e9, 0), limit: int("limit", 1, 500, 50),
  };
}

// ---- one device (GET /devices/{serial}/series, /devices/{serial}/history) ------------------------

export interface Variable {
  name: string;
  /** the data format's unit, "" when it gives none */
  unit: string;
  /** the format's scale_factor (the stored values are scaled already), 1 when none */
  scale_factor: number;
}

/** Most points one series answer holds; a longer range gives the latest ones and says so. */
export const SERIES_LIMIT = 100_000;

/**
 * The device's historical samples in [from, to) as columns for charts: times, and one column per
 * variable of its data format (names, units, scale factors), null where a sample has none; numbers
 * only (text, lists and booleans are left to GET /dd); the latest status data; truncated when the
 * range holds more than SERIES_LIMIT samples (the latest ones are given).
 */
export async function deviceSeries(store: Store, serial: string, from: number, to: number): Promise<object> {
  const dev = await store.get<{ id: number }>("SELECT id FROM devices WHERE serial = ?", serial);
  if (!dev) throw new HttpError(404, `unknown device ${serial}`);
  const points = await store.all<{ ts: number; data: string }>(
    "SELECT ts, data FROM points WHERE device_id = ? AND kind = 'hd' AND ts >= ? AND ts < ? ORDER BY ts DESC, id DESC LIMIT ?", dev.id, from, to, SERIES_LIMIT + 1);
  const truncated = points.length > SERIES_LIMIT;
  if (truncated) points.pop();
  points.reverse();
  const status = await store.get<{ ts: number; data: string }>("SELECT ts, data FROM points WHERE device_id = ? AND kind = 'd' ORDER BY ts DESC, id DESC LIMIT 1", dev.id);
  const formatText = (await store.get<{ body: string }>(
    "SELECT f.body FROM requests r JOIN formats f ON f.id = r.format_id WHERE r.device_id = ? ORDER BY r.id DESC LIMIT 1", dev.id))?.body;
  const format = formatText ? (JSON.parse(formatText) as { historical_data_order?: string[]; variables?: Record<string, { unit?: string; scale_factor?: number }> }) : {};
  const values = points.map((p) => parseOrdered(p.data) as Map<string, JsonValue>);
  const names: string[] = [...(format.historical_data_order ?? [])];
  for (const v of values) for (const k of v.keys()) if (!names.includes(k)) names.push(k);
  const number = (v: JsonValue | undefined) => (typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : v && typeof v === "object" && "value" in v && typeof v.value === "number" ? v.value : null);
  const columns: Record<string, (number | null)[]> = {};
  const numeric = names.filter((n) => values.some((v) => number(v.get(n)) !== null));
  for (const n of numeric) columns[n] = values.map((v) => number(v.get(n)));
  return {
    serial, from, to, truncated,
    variables: numeric.map((name): Variable => ({ name, unit: format.variables?.[name]?.unit ?? "", scale_factor: format.variables?.[name]?.scale_factor ?? 1 })),
    x: points.map((p) => p.ts), columns,
    status: status ? { timestamp: status.ts, values: JSON.parse(status.data) } : null,
  };
}

/**
 * The device's tokens and payments, the periods its credit ran (the server's model: each ADD_TIME
 * token adds its days from the end of the credit, or from its time when the credit had run out; a
 * DISABLE_PAYG token opens a period that does not end), its latest requests (time, sizes on the
 * wire, rows) and its data use by month.
 */
export async function deviceHistory(store: Store, serial: string): Promise<object> {
  const dev = await store.get<{ id: number; created_at: number }>("SELECT id, created_at FROM devices WHERE serial = ?", serial);
  if (!dev) throw new HttpError(404, `unknown device ${serial}`);
  const [tokens, payments, requests, usage] = await Promise.all([
    store.all<{ type: string; count: number; token: string; days: number; created_at: number; first_sent_at: number | null; confirmed_at: number | null; reference: string | null }>(
      `SELECT t.type, t.count, t.token, t.days, t.created_at, t.first_sent_at, t.confirmed_at, p.reference FROM tokens t
       LEFT JOIN payments p ON p.id = t.payment_id WHERE t.device_id = ? ORDER BY t.count`, dev.id),
    store.all("SELECT reference, at, days, until, disable_payg, created_at, credited_at, days_credited FROM payments WHERE device_id = ? ORDER BY id", dev.id),
    store.all<{ id: number }>(
      `SELECT r.id, r.received_at, r.ts, r.rc, r.auth, r.body_kind, r.body_bytes, r.up_bytes, r.down_bytes,
              (SELECT COUNT(*) FROM points p WHERE p.request_id = r.id AND p.kind = 'hd') AS rows
       FROM requests r WHERE r.device_id = ? ORDER BY r.id DESC LIMIT 500`, dev.id),
    store.all("SELECT month, requests, up_bytes, down_bytes, billed_kb FROM device_usage WHERE device_id = ? ORDER BY month", dev.id),
  ]);
  const credit: { from: number; to: number | null }[] = [];
  let until = 0;
  for (const t of tokens) {
    if (t.type === "DISABLE_PAYG") {
      credit.push({ from: t.created_at, to: null });
      break;
    }
    const start = Math.max(until, t.created_at);
    until = start + t.days * 86400;
    const last = credit[credit.length - 1];
    if (last && last.to !== null && last.to >= t.created_at) last.to = until;
    else credit.push({ from: start, to: until });
  }
  return { serial, created_at: dev.created_at, tokens, payments, credit, requests: requests.reverse(), usage };
}

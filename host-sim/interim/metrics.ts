// Interim (until bindings/metrics.ts lands): OpenPAYGO Metrics requests and responses as the
// reference library writes and checks them (see shared SPEC-NOTES §3).
import { siphashHex } from "./siphash.js";
import { Float, JObj, JVal, JsonError, dump, isInt, isObj, num, pyStr, truthy } from "./jsonval.js";

export type AuthMethod = "sa" | "ta" | "ca" | "da" | "ra";
export const AUTH_METHODS: AuthMethod[] = ["sa", "ta", "ca", "da", "ra"];

const CONDENSED: Record<string, string> = {
  serial_number: "sn", timestamp: "ts", auth: "a", request_count: "rc", data_collection_timestamp: "dtc",
  data_format_id: "df", data_format: "dfo", data: "d", historical_data: "hd", accessories: "acc",
  token_list: "tkl", active_until_timestamp: "auts", active_seconds_left: "asl", settings: "st", extra_data: "ed",
  token_count: "tc", active_until_timestamp_requested: "autsr", active_seconds_left_requested: "aslr",
};
const SIMPLE: Record<string, string> = Object.fromEntries(Object.entries(CONDENSED).map(([k, v]) => [v, k]));
SIMPLE.dct = "data_collection_timestamp"; // the spec's spelling; the reference writes dtc

export function toSimpleKeys(m: JObj): JObj {
  const out: JObj = new Map();
  for (const [k, v] of m) out.set(SIMPLE[k] ?? k, v);
  return out;
}
export function toCondensedKeys(m: JObj): JObj {
  const out: JObj = new Map();
  for (const [k, v] of m) out.set(CONDENSED[k] ?? k, v);
  return out;
}

export function hash(key: Uint8Array, text: string): string {
  return siphashHex(key, Buffer.from(text, "utf8"));
}

// Request signature over a simple-keyed request (values as sent: lists when condensed).
export function requestSignature(method: AuthMethod, key: Uint8Array, r: JObj): string {
  const sn = r.get("serial_number");
  if (typeof sn !== "string") throw new JsonError("serial_number must be a string");
  const ts = r.get("timestamp"), rc = r.get("request_count");
  const d = r.get("data"), hd = r.get("historical_data");
  let h: string;
  if (method === "sa") h = hash(key, sn);
  else if (method === "ta") {
    if (!truthy(ts)) throw new JsonError("timestamp auth needs a timestamp");
    h = hash(key, sn + pyStr(ts!));
  } else if (method === "ca") {
    if (!truthy(rc)) throw new JsonError("counter auth needs a request count");
    h = hash(key, sn + pyStr(rc!));
  } else if (method === "da") {
    let p = sn;
    if (truthy(ts)) p += pyStr(ts!);
    if (truthy(rc)) p += pyStr(rc!);
    if (truthy(d)) p += dump(d!);
    if (truthy(hd)) p += dump(hd!);
    h = hash(key, p);
  } else if (method === "ra") {
    h = hash(key, sn);
    if (truthy(ts)) h = hash(key, h + pyStr(ts!));
    if (truthy(rc)) h = hash(key, h + pyStr(rc!));
    h = hash(key, h + dump(d === undefined ? [] : d));
    if (hd !== undefined) {
      if (!Array.isArray(hd)) throw new JsonError("historical_data must be a list for recursive auth");
      for (const row of hd) h = hash(key, h + dump(row));
    }
  } else throw new JsonError(`unknown auth method ${method}`);
  return method + h;
}

export interface RequestParts {
  serial: string;
  format: DataFormat;
  timestamp?: number;
  requestCount?: number;
  data: JObj; // by variable name
  rows: JObj[]; // by variable name
  auth: AuthMethod | null;
  key: Uint8Array;
  condensed: boolean;
}

export interface DataFormat {
  id?: number;
  data_order?: string[];
  historical_data_order?: string[];
  historical_data_interval?: number;
  [k: string]: unknown;
}

function trimNulls(a: JVal[]): JVal[] {
  while (a.length > 0 && a[a.length - 1] === null) a.pop();
  return a;
}

function toList(m: JObj, order: string[], what: string): JVal[] {
  for (const k of m.keys()) if (!order.includes(k)) throw new JsonError(`${what} variable ${k} is not in the data format`);
  return trimNulls(order.map((k) => (m.has(k) ? m.get(k)! : null)));
}

export function formatValue(f: DataFormat): JObj {
  const m: JObj = new Map();
  for (const [k, v] of Object.entries(f)) m.set(k, plainToJ(v));
  return m;
}

// Plain JS to JVal: non-integral numbers become floats.
export function plainToJ(v: unknown): JVal {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") return Number.isInteger(v) ? v : new Float(v);
  if (v instanceof Float) return v;
  if (Array.isArray(v)) return v.map(plainToJ);
  if (typeof v === "object") return new Map(Object.entries(v as object).map(([k, x]) => [k, plainToJ(x)]));
  throw new JsonError(`cannot send ${typeof v}`);
}

// Builds the request object in the reference key order, signed. Returns it with condensed or
// simple keys as asked.
export function buildRequest(p: RequestParts): JObj {
  const r: JObj = new Map([["serial_number", p.serial]]);
  if (p.format.id !== undefined) r.set("data_format_id", p.format.id);
  else r.set("data_format", formatValue(p.format));
  if (p.timestamp !== undefined) r.set("timestamp", p.timestamp);
  if (p.requestCount !== undefined) r.set("request_count", p.requestCount);
  if (p.condensed) {
    r.set("data", toList(p.data, p.format.data_order ?? [], "data"));
    r.set("historical_data", p.rows.map((row) => toList(row, p.format.historical_data_order ?? [], "historical data")));
  } else {
    r.set("data", p.data);
    r.set("historical_data", p.rows);
  }
  if (p.auth) r.set("auth", requestSignature(p.auth, p.key, r));
  return p.condensed ? toCondensedKeys(r) : r;
}

export interface Expanded {
  serial: string;
  timestamp: number | null;
  requestCount: number | null;
  data: JObj;
  rows: JObj[]; // each with a "timestamp"
}

// Expansion (condensed -> simple) of a simple-keyed request. Throws JsonError when the
// payload does not fit its format.
export function expand(r: JObj, format: DataFormat | null, receivedAt: number): Expanded {
  const sn = r.get("serial_number");
  const dOrder = format?.data_order ?? [];
  const hOrder = format?.historical_data_order ?? [];
  const d = r.get("data") ?? new Map();
  let data: JObj;
  if (!truthy(d)) data = new Map();
  else if (Array.isArray(d)) {
    if (d.length > dOrder.length) throw new JsonError("data has more values than the format's data_order");
    data = new Map(dOrder.map((k, i) => [SIMPLE[k] ?? k, i < d.length ? (d as JVal[])[i] : null]));
  } else if (isObj(d)) data = d; // an object stays as sent
  else throw new JsonError("data must be a list or an object");
  const hd = r.get("historical_data") ?? [];
  if (!Array.isArray(hd) && !(isObj(hd) && hd.size === 0)) throw new JsonError("historical_data must be a list");
  const rows: JObj[] = [];
  for (const step of Array.isArray(hd) ? hd : []) {
    const row: JObj = new Map();
    if (Array.isArray(step)) {
      if (step.length > hOrder.length) throw new JsonError("a historical data row has more values than the format's historical_data_order");
      step.forEach((v, i) => row.set(hOrder[i], v));
    } else if (isObj(step)) {
      for (const [k, v] of step) row.set(/^\d+$/.test(k) && Number(k) < hOrder.length ? hOrder[Number(k)] : k, v);
    } else throw new JsonError("a historical data row must be a list or an object");
    rows.push(row);
  }
  const tsOf = (v: JVal | undefined): number | null => {
    const n = num(v ?? null);
    if (n === null || !Number.isFinite(n)) return null;
    return Math.trunc(n);
  };
  const ts = r.get("timestamp");
  let t = tsOf(r.get("data_collection_timestamp")) ?? (truthy(ts) ? tsOf(ts) : null) ?? receivedAt;
  const interval = tsOf(format?.historical_data_interval as JVal) ?? 0;
  rows.forEach((row, i) => {
    const rel = row.get("relative_time");
    if (rel !== undefined && rel !== null) {
      const n = tsOf(rel);
      if (n === null) throw new JsonError("relative_time must be a number");
      t += n;
      row.delete("relative_time");
      row.set("timestamp", t);
    } else if (truthy(row.get("timestamp"))) {
      const n = tsOf(row.get("timestamp"));
      if (n === null) throw new JsonError("timestamp must be a number");
      t = n;
    } else {
      if (i !== 0) {
        if (!interval) throw new JsonError("rows without time need a historical_data_interval");
        t += interval;
      }
      row.set("timestamp", t);
    }
  });
  const intOrNull = (v: JVal | undefined) => (isInt(v) ? Number(v) : null);
  return { serial: String(sn), timestamp: intOrNull(ts), requestCount: intOrNull(r.get("request_count")), data, rows };
}

export interface Answer {
  token_list?: string[];
  active_until_timestamp?: number;
  active_seconds_left?: number;
  settings?: JObj;
  extra_data?: JObj;
}

// The response signature: sn + ts? + rc? + auts? + asl? + json(tkl)? + json(st)? + json(ed)?.
export function responseSignature(key: Uint8Array, serial: string, ts: JVal | undefined, rc: JVal | undefined, a: JObj): string {
  let p = serial;
  for (const v of [ts, rc, a.get("auts"), a.get("asl")]) if (truthy(v)) p += pyStr(v!);
  for (const k of ["tkl", "st", "ed"]) if (truthy(a.get(k))) p += dump(a.get(k)!);
  return "da" + hash(key, p);
}

// The condensed answer object, `a` last.
export function buildAnswer(key: Uint8Array, serial: string, ts: JVal | undefined, rc: JVal | undefined, ans: Answer, sign: boolean): JObj {
  const a: JObj = new Map();
  if (ans.token_list?.length) a.set("tkl", ans.token_list);
  if (ans.settings?.size) a.set("st", ans.settings);
  if (ans.extra_data?.size) a.set("ed", ans.extra_data);
  if (ans.active_until_timestamp !== undefined) a.set("auts", ans.active_until_timestamp);
  if (ans.active_seconds_left !== undefined) a.set("asl", ans.active_seconds_left);
  if (sign && a.size > 0) a.set("a", responseSignature(key, serial, ts, rc, a));
  return a;
}

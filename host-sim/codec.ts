// The one place where the sim calls a codec. Devices and the reference server go through this
// module only, and it is a thin adapter over the product's bindings:
//  - device side: each DeviceCodec is one opaygo-device.wasm instance (bindings/device.ts) that
//    also runs the Metrics encoder (bindings/metrics.ts MetricsEncoder with {device}): it encodes
//    the requests, keeps the historical rows in the module's ring until an answer acknowledges
//    them (rows recorded after a send are the ring's secondary store), and applies the answers
//    (signature, tokens, time, settings) on the same instance that holds the credit.
//  - server side: each upload is loaded into opaygo.wasm once (readRequest: a LoadedRequest of
//    bindings/server.ts), then verified with replay protection, expanded and answered from that
//    load; token generation on opaygo.wasm (bindings/token.ts).
import { Device, type Entry } from "../bindings/device.js";
import {
  Float, MetricsEncoder, parseLossless, stringifyLossless, AUTH_METHODS, type AuthMethod, type Verification, type DataFormat, type JsonValue,
  type MetricRow, type MetricValue,
} from "../bindings/metrics.js";
import { LoadedRequest, canonicalBody, canonicalJson, type RequestMemberName } from "../bindings/server.js";
import { generateToken, startingCodeOf } from "../bindings/token.js";
import { OpaygoError } from "../bindings/wasm.js";
import { ERR_METRICS_FULL, ERR_METRICS_SHAPE, ERR_METRICS_SIGNATURE, ERR_METRICS_TOO_LARGE } from "../bindings/abi.js";

export type { AuthMethod, DataFormat };
export { AUTH_METHODS };
export type Encoding = "simple" | "condensed" | "cbor";
export const ENCODINGS: Encoding[] = ["simple", "condensed", "cbor"];
export type BodyKind = "json" | "cbor";
export type Scalar = number | boolean | string | null;

/** A payload the codec refuses: the server answers 400 with this message, or 413 when tooLarge. */
export class CodecError extends Error {
  constructor(message: string, readonly code?: number) {
    super(message);
  }
  /** the request is well-formed but needs more memory than the server module may take
   *  (SERVER_MEMORY_LIMIT): 413, not 400 */
  get tooLarge(): boolean {
    return this.code === ERR_METRICS_TOO_LARGE;
  }
}

function wrap<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof OpaygoError) throw new CodecError(err.message, err.code);
    if (err instanceof CodecError) throw err;
    // parseLossless / stringifyLossless (plain Error): only reached on text the module already accepted
    throw new CodecError(err instanceof Error ? err.message : String(err));
  }
}

type JObject = { [key: string]: JsonValue };
const isObject = (v: JsonValue | undefined): v is JObject =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Float);
const isInt = (v: JsonValue | undefined): v is number | bigint =>
  (typeof v === "number" && Number.isInteger(v)) || typeof v === "bigint";

// ---------------------------------------------------------------- device side

export interface DeviceCodecOptions {
  serial: string;
  key: string;
  startingCode: number;
  count: number;
  /** with its server id; historical_data_interval > 0 (the ring sends its rows oldest first) */
  format: DataFormat;
  auth: AuthMethod;
  encoding: Encoding;
  /** historical variables sent as floats (12.0 stays 12.0) */
  floatVariables: readonly string[];
  /** variables sent as integers = round(value / scale_factor); the format declares the same
   *  `variables.<name>.scale_factor` so that the server scales them back */
  scaled?: Readonly<Record<string, number>>;
  /** the firmware module: "device" (default) or "lean" (integer readings, condensed JSON, ra:
   *  docs/profiles.md) */
  module?: SimModule;
}

export type SimModule = "device" | "lean";
export const SIM_MODULES: SimModule[] = ["device", "lean"];

export interface AppliedToken extends Entry {
  token: string;
}

export interface AppliedAnswer {
  tokens: AppliedToken[];
  settings: Record<string, unknown> | null;
  activeUntil: number | null;
  /** false: the answer's signature was missing or wrong and the module refused it (nothing changed) */
  signatureOk: boolean | null;
}


export class DeviceCodec {
  private readonly credit: Device; // its own opaygo-device.wasm instance
  private readonly enc: MetricsEncoder; // on the same instance
  private readonly interval: number;
  private newest: number | null = null;
  private largestRow = 0; // ring bytes of the largest row recorded
  private dtcSet = false; // the module sends dtc (until its init) once it was set

  constructor(readonly o: DeviceCodecOptions) {
    this.credit = new Device({ key: o.key, startingCode: o.startingCode, count: o.count, module: o.module });
    this.enc = new MetricsEncoder({ serialNumber: o.serial, authMethod: o.auth, dataFormat: o.format, device: this.credit });
    this.interval = o.format.historical_data_interval ?? 0;
    if (!(this.interval > 0)) throw new CodecError("the device's data format needs a positive historical_data_interval (rows go oldest first)");
  }

  private value(name: string, v: Scalar): MetricValue {
    if (typeof v !== "number") return v;
    const sf = this.o.scaled?.[name];
    if (sf !== undefined) return Math.round(v / sf);
    return this.o.floatVariables.includes(name) || !Number.isInteger(v) ? new Float(v) : v;
  }

  private row(values: Record<string, Scalar>): MetricRow {
    const row: MetricRow = {};
    for (const [k, v] of Object.entries(values)) row[k] = this.value(k, v);
    return row;
  }

  /** A reading taken at t: a historical row in the module's ring (which drops and counts the
   *  oldest rows when it is full). Rows are taken every historical_data_interval seconds. */
  record(t: number, values: Record<string, Scalar>): void {
    if (this.newest !== null && this.enc.ring().rows > 0 && t !== this.newest + this.interval) {
      throw new CodecError(`rows are taken every ${this.interval} s: ${t} does not follow ${this.newest}`);
    }
    const before = this.enc.ring();
    wrap(() => this.enc.addHistoricalRow(this.row(values)));
    const after = this.enc.ring();
    if (after.dropped === before.dropped) this.largestRow = Math.max(this.largestRow, after.bytes - before.bytes);
    this.newest = t;
  }

  setStatus(values: Record<string, Scalar>): void {
    wrap(() => this.enc.setData(this.row(values)));
  }

  /** rows waiting for an answer (sent or not) */
  pendingRows(): number {
    return this.enc.ring().rows;
  }
  /** rows the ring dropped because it was full (counted by the module) */
  get dropped(): number {
    return this.enc.ring().dropped;
  }
  /** the module's output buffer: the largest request it can make */
  get capacity(): number {
    return this.enc.wasm.exports.metrics_out_capacity();
  }

  /**
   * The request for everything not yet answered: every row in the ring, oldest first, ts = the
   * newest row's time (so ts only grows: a retry after a lost answer carries newer rows or a
   * newer time and is never a replay), and the oldest row's time as data_collection_timestamp
   * (`dtc`, set in the module after ts, so written right after it). With one row or none dtc
   * would be ts: it is left out until a request has more rows; from then on the module sends it
   * with every request, so it is kept right (= ts).
   * Throws CodecError code -20 when the rows do not fit one request (see fits()): nothing is
   * dropped, the rows stay in the ring.
   */
  encodeRequest(now: number): { body: Buffer; contentType: string; rows: number } {
    const rows = this.enc.ring().rows;
    const ts = rows > 0 && this.newest !== null ? this.newest : now;
    const body = wrap(() => {
      this.enc.setTimestamp(ts);
      if (rows > 1 || this.dtcSet) {
        this.enc.setCollectionTimestamp(rows > 1 ? ts - (rows - 1) * this.interval : ts);
        this.dtcSet = true;
      }
      return Buffer.from(this.o.encoding === "cbor" ? this.enc.cbor() : this.enc.encode(this.o.encoding === "simple" ? "simple" : "condensed"));
    });
    if (body.length > this.capacity) throw new CodecError(`request of ${body.length} bytes exceeds the ${this.capacity}-byte output buffer`, ERR_METRICS_FULL);
    return { body, contentType: this.o.encoding === "cbor" ? "application/cbor" : "application/json", rows };
  }

  /** Whether `more` rows like the average so far still fit in the ring (without dropping) and,
   *  with the rows and the status already there, in one request. An encoding attempt (harmless: the ring and the answer state only follow the
   *  last encoding, which the next upload redoes). */
  fits(more = 1): boolean {
    const ring = this.enc.ring();
    const rows = ring.rows;
    // the ring: a row that does not fit drops the oldest (rows vary: 0.0 takes 9 bytes, 12.5 three)
    if (rows > 0 && ring.bytes + more * this.largestRow > ring.capacity) return false;
    try {
      const n = this.encodeRequest(this.newest ?? 0).body.length;
      return rows === 0 || n + Math.ceil((more * n) / rows) <= this.capacity;
    } catch (err) {
      if (err instanceof CodecError && err.code === ERR_METRICS_FULL) return false;
      throw err;
    }
  }

  /** The server's answer to the last request, applied by the module: verified, tokens entered,
   *  the rows that request carried released. An answer the module refuses changes nothing. */
  applyAnswer(body: Buffer, _contentType: string, now: number): AppliedAnswer {
    let r;
    try {
      r = this.enc.applyAnswer(body, now);
    } catch (err) {
      if (err instanceof OpaygoError && err.code === ERR_METRICS_SIGNATURE) return { tokens: [], settings: null, activeUntil: null, signatureOk: false };
      return wrap(() => { throw err; });
    }
    return {
      tokens: r.tokens.map((t) => ({ token: t.token, result: t.result, type: t.type, value: t.value })),
      settings: r.signed && r.settings ? (toPlain(r.settings) as Record<string, unknown>) : null,
      activeUntil: r.signed && r.time?.kind === "active_until_timestamp" ? r.time.value : null,
      signatureOk: r.signed ? true : null,
    };
  }

  isActive(now: number): boolean {
    return this.credit.isActive(now);
  }
  secondsLeft(now: number): number {
    return this.credit.secondsLeft(now);
  }
  tokenCount(): number {
    return this.credit.count();
  }
  /** the 32-byte credit state the firmware keeps in flash */
  saveState(): Uint8Array {
    return this.credit.save();
  }
}

function toPlain(v: JsonValue): unknown {
  if (v instanceof Float) return v.value;
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (Array.isArray(v)) return v.map(toPlain);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toPlain(x)]));
  return v;
}

function toJson(v: unknown): JsonValue {
  if (v === null || typeof v === "boolean" || typeof v === "string" || typeof v === "bigint") return v;
  if (typeof v === "number") return Number.isInteger(v) ? v : new Float(v);
  if (Array.isArray(v)) return v.map(toJson);
  if (typeof v === "object") return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, toJson(x)]));
  throw new CodecError(`no JSON form for ${typeof v}`);
}

// ---------------------------------------------------------------- server side

export function bodyKind(contentType: string | undefined): BodyKind | null {
  const t = (contentType ?? "").split(";")[0].trim().toLowerCase();
  if (t === "application/json" || t === "json") return "json";
  if (t === "application/cbor" || t === "cbor") return "cbor";
  return null;
}

/** A JSON or CBOR body (up to 16 KiB) as a JSON value (opaygo.wasm parses it; canonical text in between). */
export function decodeBody(body: Buffer, kind: BodyKind): JsonValue {
  return wrap(() => {
    let text: string;
    try {
      text = canonicalBody({ body, cbor: kind === "cbor" });
    } catch (err) {
      if (!(err instanceof OpaygoError) || err.code === undefined) throw err; // too long for the byte layer
      throw new OpaygoError(`body: ${kind === "cbor" ? "not CBOR with a JSON form" : "invalid JSON"} (error ${err.code})`, err.code);
    }
    return parseLossless(text);
  });
}

export interface IncomingRequest {
  serial: string;
  formatId: number | null;
  inlineFormat: DataFormat | null;
  /** the auth string as sent (`a`), and the method it names (null: unsigned, or none of them) */
  auth: string | null;
  authMethod: AuthMethod | null;
  timestamp: number | null;
  requestCount: number | null;
  /** the body as received */
  body: Buffer;
  kind: BodyKind;
  /** the request as loaded into opaygo.wasm: verifyAuth, expandRequest and encodeAnswer use it */
  loaded: LoadedRequest;
}

const TIME_LIMIT = 0xffffffff;

// A member that must be a non-negative integer (within 2^53) when present and not null.
function optionalCounter(r: LoadedRequest, m: RequestMemberName, name: string): number | null {
  const kind = r.kind(m);
  if (kind === "absent" || kind === "null") return null;
  const v = r.int(m);
  if (v === null || v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw new CodecError(`${name} must be a non-negative integer`);
  return Number(v);
}

/** Loads a device request (JSON or CBOR) into opaygo.wasm, once, and checks its structure. A body
 *  that is well-formed but too large for the server module throws a CodecError with tooLarge. */
export function readRequest(body: Buffer, kind: BodyKind): IncomingRequest {
  let r: LoadedRequest;
  try {
    r = LoadedRequest.load({ body, cbor: kind === "cbor" });
  } catch (err) {
    // the module's "a field has the wrong type" at load: the body is not an object
    if (err instanceof OpaygoError && err.code === ERR_METRICS_SHAPE) throw new CodecError("the request must be an object", err.code);
    return wrap(() => { throw err; });
  }
  const serial = r.serialNumber;
  if (serial === null || serial.length === 0 || serial.length > 64) throw new CodecError("serial_number must be a string of 1 to 64 characters");
  const df = r.kind("df"), dfo = r.kind("dfo"), a = r.kind("a");
  if (df !== "absent" && dfo !== "absent") throw new CodecError("data_format and data_format_id cannot both be given");
  const formatId = df === "absent" ? null : r.int("df");
  if (formatId !== null ? formatId < 0n || formatId > BigInt(Number.MAX_SAFE_INTEGER) : df !== "absent") throw new CodecError("data_format_id must be a non-negative integer");
  if (a !== "absent" && a !== "string") throw new CodecError("auth must be a string");
  if (r.kind("d") === "absent" && r.kind("hd") === "absent") throw new CodecError("a request needs data or historical_data");
  const timestamp = optionalCounter(r, "ts", "timestamp");
  if (timestamp !== null && timestamp > TIME_LIMIT) throw new CodecError("timestamp out of range");
  return {
    serial,
    formatId: formatId === null ? null : Number(formatId),
    inlineFormat: dfo === "absent" ? null : readFormat(wrap(() => parseLossless(r.text("dfo")!))),
    auth: a === "string" ? (JSON.parse(r.text("a")!) as string) : null,
    authMethod: r.authMethod,
    timestamp,
    requestCount: optionalCounter(r, "rc", "request_count"),
    body,
    kind,
    loaded: r,
  };
}

/** A data format object (POST /data_format or an inline `dfo`), checked. */
export function readFormat(v: JsonValue): DataFormat {
  if (!isObject(v)) throw new CodecError("a data format must be an object");
  const f = v as DataFormat;
  for (const k of ["data_order", "historical_data_order"] as const) {
    const order = f[k] as JsonValue | undefined;
    if (order === undefined) continue;
    if (!Array.isArray(order) || order.length > 256 || !order.every((x) => typeof x === "string" && x.length > 0 && !/^\d+$/.test(x))) {
      throw new CodecError(`${k} must be a list of variable names (not integers)`);
    }
  }
  const i = f.historical_data_interval as JsonValue | undefined;
  if (i !== undefined && (!isInt(i) || Math.abs(Number(i)) > 86400 * 366)) throw new CodecError("historical_data_interval must be whole seconds");
  if (f.variables !== undefined) {
    if (!isObject(f.variables)) throw new CodecError("variables must be an object");
    for (const [name, d] of Object.entries(f.variables)) {
      if (!isObject(d)) throw new CodecError(`variables.${name} must be an object`);
      if (d.scale_factor !== undefined && scaleOf(d.scale_factor) === null) throw new CodecError(`variables.${name}.scale_factor must be a positive number`);
      for (const [field, allowed] of VARIABLE_ENUMS) {
        if (d[field] !== undefined && !allowed.includes(d[field] as string)) throw new CodecError(`variables.${name}.${field} must be one of ${allowed.join(", ")}`);
      }
      for (const field of ["name", "unit", "description"]) {
        if (d[field] !== undefined && typeof d[field] !== "string") throw new CodecError(`variables.${name}.${field} must be a string`);
      }
    }
  }
  return f;
}

// The Variable Type Object's enumerations (the specification's, plus gps: a [lon, lat] pair).
const VARIABLE_ENUMS: [string, readonly string[]][] = [
  ["type", ["text", "integer", "float", "bool", "gps"]],
  ["aggregation_method", ["average", "latest", "sum", "min", "max"]],
];

function scaleOf(v: JsonValue): number | null {
  const x = v instanceof Float ? v.value : typeof v === "number" ? v : null;
  return x !== null && Number.isFinite(x) && x > 0 ? x : null;
}

/** The format as stored (canonical JSON, floats kept as floats). */
export function formatText(f: DataFormat): string {
  return wrap(() => canonicalJson(stringifyLossless(f as JsonValue)));
}
export function parseFormatText(text: string): DataFormat {
  return parseLossless(text) as DataFormat;
}

export type Verdict = { ok: true } | { ok: false; kind: Exclude<Verification, "valid">; reason: string };

/** Signature (as the reference computes it) and replay protection against the device's last
 *  accepted ts / rc, on opaygo.wasm. */
export function verifyAuth(req: IncomingRequest, keyHex: string, lastTs: number | null, lastRc: number | null): Verdict {
  const v = wrap(() => req.loaded.verify({ key: keyHex, lastTimestamp: lastTs ?? 0, lastRequestCount: lastRc ?? 0 }));
  switch (v.result) {
    case "valid": return { ok: true };
    case "unsigned": return { ok: false, kind: v.result, reason: "the request is not signed" };
    case "bad_signature": return { ok: false, kind: v.result, reason: "bad signature" };
    case "no_timestamp_or_count": return { ok: false, kind: v.result, reason: "a signed request needs a timestamp or a request count" };
    case "replay": return {
      ok: false, kind: v.result,
      reason: req.timestamp !== null && lastTs !== null && req.timestamp <= lastTs
        ? `replay: timestamp ${req.timestamp} is not after ${lastTs}` : `replay: request count ${req.requestCount} is not above ${lastRc}`,
    };
  }
}

export interface ExpandedPoint {
  timestamp: number;
  /** JSON of the variables (no timestamp) */
  json: string;
  values: Record<string, unknown>;
}

// A number x scale_factor. Integer x integer factor stays an integer (while exact); otherwise a
// float, exact for decimal factors (0.01: v / 100 is the double nearest v/100, the same as the
// decimal text the device measured). Anything else (text, bool, null, lists, objects) is not a
// number and is kept as sent.
function scaleNumber(v: JsonValue, sf: number): JsonValue {
  const x = v instanceof Float ? v.value : isInt(v) ? Number(v) : null;
  if (x === null) return v;
  if (isInt(v) && Number.isInteger(sf) && Number.isSafeInteger(x * sf)) return x * sf;
  const inv = 1 / sf;
  const n = Math.round(inv);
  return new Float(n >= 1 && Math.abs(inv - n) < 1e-9 ? x / n : x * sf);
}

interface Scale { factor: number; gps: boolean }

// The stored value of a variable with a scale factor: a number scaled; a gps variable's [lon, lat]
// pair scaled coordinate by coordinate (integer micro-degrees with scale_factor 0.000001).
function applyScale(v: JsonValue, s: Scale): JsonValue {
  if (s.gps && Array.isArray(v) && v.length === 2) return v.map((c) => scaleNumber(c, s.factor));
  return scaleNumber(v, s.factor);
}

// The scale factors applied to an object's canonical JSON (the module's text: no spaces, no
// duplicate names), member by member: only a scaled member's value is parsed and printed again,
// the other members' text is kept as it is.
function scaleMembers(json: string, scales: Map<string, Scale>): string {
  let out = "";
  let copied = 0;
  for (let i = 1; json[i] === '"'; ) {
    const keyEnd = valueEnd(json, i);
    const raw = json.slice(i + 1, keyEnd - 1);
    const key = raw.includes("\\") ? (JSON.parse(json.slice(i, keyEnd)) as string) : raw;
    const start = keyEnd + 1;
    const end = valueEnd(json, start);
    const s = scales.get(key);
    if (s) {
      out += json.slice(copied, start) + stringifyLossless(applyScale(parseLossless(json.slice(start, end)), s));
      copied = end;
    }
    i = end + 1;
  }
  return copied === 0 ? json : out + json.slice(copied);
}

// Where the JSON value that starts at i ends (one past it), in canonical text.
function valueEnd(json: string, i: number): number {
  let depth = 0;
  for (let j = i; j < json.length; j++) {
    const c = json[j];
    if (c === '"') {
      for (j++; json[j] !== '"'; j++) if (json[j] === "\\") j++;
      if (depth === 0) return j + 1;
    } else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") {
      if (depth === 0) return j;
      if (--depth === 0) return j + 1;
    } else if (c === "," && depth === 0) return j;
  }
  throw new CodecError("a row is not canonical JSON");
}

// A point whose variables' JSON is known; its values are read from it only when asked.
class Point implements ExpandedPoint {
  constructor(readonly timestamp: number, readonly json: string) {}
  get values(): Record<string, unknown> { return toPlain(parseLossless(this.json)) as Record<string, unknown>; }
}
const pointOf = (timestamp: number, json: string): ExpandedPoint => new Point(timestamp, json);

const TIMESTAMP_KEY = '"timestamp":';

// The time of a row as the server stores it: whole seconds from 0 to 2^32 - 1.
function rowTime(t: number): number {
  if (!(t >= 0 && t <= TIME_LIMIT)) throw new CodecError("a row's timestamp is out of range");
  return Math.trunc(t);
}

/** Condensed -> simple with times filled (opaygo.wasm), then scale factors applied. The status
 *  `data` becomes a point at the request's time. A row's JSON is cut from the module's canonical
 *  text (the digits as the device sent them), without its timestamp; rows are parsed only to
 *  apply a scale factor. */
export function expandRequest(req: IncomingRequest, format: DataFormat | null, receivedAt: number): { data: ExpandedPoint | null; rows: ExpandedPoint[]; tokenCount: number | null; wantsTime: boolean; wantsSecondsLeft: boolean } {
  const x = wrap(() => req.loaded.expandIndexed({ dataFormat: format ? stringifyLossless(format as JsonValue) : null, receivedAt }));
  const text = x.text;
  const f = format ?? req.inlineFormat;
  const scales = new Map<string, Scale>();
  if (f && isObject(f.variables)) {
    for (const [name, d] of Object.entries(f.variables)) {
      const sf = isObject(d) && d.scale_factor !== undefined ? scaleOf(d.scale_factor) : null;
      if (sf !== null && sf !== 1) scales.set(name, { factor: sf, gps: isObject(d) && d.type === "gps" });
    }
  }
  const scaled = (json: string) => (scales.size > 0 ? wrap(() => scaleMembers(json, scales)) : json);
  const rows: ExpandedPoint[] = [];
  for (let i = 0; i < x.rows.length; i += 4) {
    const s = x.rows[i], a = x.rows[i + 1], b = x.rows[i + 2], e = x.rows[i + 3];
    if (text[s] !== "{") throw new CodecError("a historical row is not an object");
    if (b === 0) throw new CodecError("a row's timestamp is out of range");
    const t = rowTime(Number(text.slice(a + TIMESTAMP_KEY.length, b)));
    // the row without its timestamp member and one comma beside it
    rows.push(pointOf(t, scaled(text[b] === "," ? text.slice(s, a) + text.slice(b + 1, e) : text.slice(s, text[a - 1] === "," ? a - 1 : a) + text.slice(b, e))));
  }
  const dataText = text.slice(x.data[0], x.data[1]);
  const data = wrap(() => parseLossless(dataText));
  const d = isObject(data) ? data : {};
  const tc = d.token_count ?? d.tc;
  const requested = (v: JsonValue | undefined) => v !== undefined && v !== null && v !== false && v !== 0 && v !== "";
  return {
    data: Object.keys(d).length > 0 ? pointOf(req.timestamp ?? receivedAt, scaled(dataText)) : null,
    rows,
    tokenCount: isInt(tc) ? Number(tc) : null,
    wantsTime: requested(d.active_until_timestamp_requested ?? d.autsr),
    wantsSecondsLeft: requested(d.active_seconds_left_requested ?? d.aslr),
  };
}

export interface ServerAnswer {
  tokens: string[];
  settings: Record<string, unknown> | null;
  activeUntil: number | null;
  /** active_seconds_left; never sent with activeUntil (the device module refuses an answer with both) */
  secondsLeft?: number | null;
}

/**
 * The signed condensed answer (opaygo.wasm), always JSON: the device module reads JSON answers
 * only, so a CBOR request gets a JSON answer too (the body is a few dozen bytes of ASCII).
 */
export function encodeAnswer(keyHex: string, req: IncomingRequest, ans: ServerAnswer): { body: Buffer; contentType: string } {
  const answer: Record<string, JsonValue> = {};
  if (ans.tokens.length > 0) answer.tkl = ans.tokens;
  if (ans.settings) answer.st = toJson(ans.settings);
  if (ans.activeUntil !== null) answer.auts = ans.activeUntil;
  else if (ans.secondsLeft !== undefined && ans.secondsLeft !== null) answer.asl = ans.secondsLeft;
  const text = wrap(() => req.loaded.answer({ key: keyHex, answer }));
  return { body: Buffer.from(text, "latin1"), contentType: "application/json" };
}

// ---------------------------------------------------------------- tokens (opaygo.wasm)

export function keyStartingCode(keyHex: string): number {
  return startingCodeOf(keyHex);
}

/** An ADD_TIME token for `days` of credit after the server's last count. */
export function addTimeToken(keyHex: string, startingCode: number, count: number, days: number): { token: string; count: number } {
  return generateToken({ key: keyHex, startingCode, count, type: "ADD_TIME", value: days });
}

/** A DISABLE_PAYG token (the device is paid off) after the server's last count. */
export function disablePaygToken(keyHex: string, startingCode: number, count: number): { token: string; count: number } {
  return generateToken({ key: keyHex, startingCode, count, type: "DISABLE_PAYG" });
}

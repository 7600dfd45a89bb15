// The one place where the sim calls a codec. Devices and the reference server go through this
// module only, so moving to other codec bindings is a change here and nowhere else.
//
// Token credit runs on opaygo-device.wasm (bindings/device.ts, one instance per device) and token
// generation on opaygo.wasm (bindings/token.ts). The Metrics side (request encoding, signatures,
// expansion, answers, CBOR) is host-sim/interim/* for now: bindings/metrics.ts is being written on
// the metrics branch; when it lands, these functions call it instead.
import { Device, type Entry } from "../bindings/device.js";
import { generateToken, startingCodeOf } from "../bindings/token.js";
import { parseKey } from "../bindings/wasm.js";
import { Float, JObj, JVal, JsonError, dump, isInt, isObj, num, parse, toPlain, truthy } from "./interim/jsonval.js";
import { decodeCbor, encodeCbor } from "./interim/cbor.js";
import {
  AUTH_METHODS, AuthMethod, DataFormat, buildAnswer, buildRequest, expand, requestSignature, responseSignature, toSimpleKeys,
} from "./interim/metrics.js";

export type { AuthMethod, DataFormat };
export { AUTH_METHODS };
export type Encoding = "simple" | "condensed" | "cbor";
export const ENCODINGS: Encoding[] = ["simple", "condensed", "cbor"];
export type BodyKind = "json" | "cbor";
export type Scalar = number | boolean | string | null;

/** A payload the codec refuses: the server answers 400 with this message. */
export class CodecError extends Error {}

function wrap<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof JsonError) throw new CodecError(err.message);
    throw err;
  }
}

// Device values: integers stay integers, other numbers are floats (the sensors' 2-decimal
// readings, including 0.0).
function deviceValue(v: Scalar, float: boolean): JVal {
  if (typeof v === "number") return float || !Number.isInteger(v) ? new Float(v) : v;
  return v;
}

// ---------------------------------------------------------------- device side

export interface DeviceCodecOptions {
  serial: string;
  key: string;
  startingCode: number;
  count: number;
  format: DataFormat; // with its server id
  auth: AuthMethod;
  encoding: Encoding;
  /** rows kept before the oldest is dropped (the device's flash ring) */
  capacityRows: number;
  /** historical variables sent as floats */
  floatVariables: readonly string[];
}

export interface AppliedToken extends Entry {
  token: string;
}

export interface AppliedAnswer {
  tokens: AppliedToken[];
  settings: Record<string, unknown> | null;
  activeUntil: number | null;
  /** null: the answer carried no signature */
  signatureOk: boolean | null;
}

export class DeviceCodec {
  private readonly credit: Device; // its own opaygo-device.wasm instance
  private readonly key: Uint8Array;
  private main: JObj[] = [];
  private secondary: JObj[] | null = null; // rows recorded since the last send (async flow)
  private newest = 0;
  private status: JObj = new Map();
  private requestCount = 0;
  private lastSentTs: JVal | undefined;
  dropped = 0;

  constructor(readonly o: DeviceCodecOptions) {
    this.key = parseKey(o.key);
    this.credit = new Device({ key: o.key, startingCode: o.startingCode, count: o.count });
  }

  record(t: number, values: Record<string, Scalar>): void {
    const row: JObj = new Map();
    for (const [k, v] of Object.entries(values)) row.set(k, deviceValue(v, this.o.floatVariables.includes(k)));
    this.main.push(row);
    this.secondary?.push(row);
    if (this.main.length > this.o.capacityRows) {
      this.main.shift();
      this.dropped++;
    }
    this.newest = t;
  }

  setStatus(values: Record<string, Scalar>): void {
    this.status = new Map(Object.entries(values).map(([k, v]) => [k, deviceValue(v, false)]));
  }

  pendingRows(): number {
    return this.main.length;
  }

  /**
   * The request for everything not yet answered: rows newest first (the format's interval is
   * negative), ts = the newest row's time, so ts only grows and a retry is never a replay.
   */
  encodeRequest(now: number): { body: Buffer; contentType: string; rows: number } {
    this.secondary = []; // asked again: what was recorded since the last send is in main too
    const ts = this.main.length > 0 ? this.newest : now;
    const condensed = this.o.encoding !== "simple";
    const req = buildRequest({
      serial: this.o.serial, format: this.o.format, timestamp: ts, data: this.status,
      rows: [...this.main].reverse(), auth: this.o.auth, key: this.key, condensed,
    });
    this.requestCount++;
    this.lastSentTs = ts;
    const body = this.o.encoding === "cbor" ? encodeCbor(req) : Buffer.from(dump(req), "latin1");
    return { body, contentType: this.o.encoding === "cbor" ? "application/cbor" : "application/json", rows: this.main.length };
  }

  /** The server's answer to the last request: verified, tokens entered, stores rotated. */
  applyAnswer(body: Buffer, contentType: string, now: number): AppliedAnswer {
    const value = wrap(() => decodeBody(body, bodyKind(contentType) ?? "json"));
    if (!isObj(value)) throw new CodecError("the answer is not an object");
    const a = value.get("a") ?? value.get("auth");
    let signatureOk: boolean | null = null;
    if (typeof a === "string") {
      const answer = condensedAnswer(value);
      signatureOk = responseSignature(this.key, this.o.serial, this.lastSentTs, undefined, answer) === a;
    }
    // Only tokens are safe without a signature: they carry their own.
    const trusted = signatureOk === true;
    const tkl = value.get("tkl") ?? value.get("token_list");
    const tokens: AppliedToken[] = [];
    if (Array.isArray(tkl)) {
      for (const t of tkl) {
        const text = typeof t === "string" ? t : isInt(t) ? String(t).padStart(9, "0") : null;
        if (text === null) continue;
        tokens.push({ token: text, ...this.credit.enterToken(text, now) });
      }
    }
    const st = value.get("st") ?? value.get("settings");
    const auts = value.get("auts") ?? value.get("active_until_timestamp");
    this.main = this.secondary ?? [];
    this.secondary = null;
    return {
      tokens,
      settings: trusted && isObj(st) ? (toPlain(st) as Record<string, unknown>) : null,
      activeUntil: trusted && isInt(auts) ? Number(auts) : null,
      signatureOk,
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

function condensedAnswer(v: JObj): JObj {
  const names: Record<string, string> = { token_list: "tkl", settings: "st", extra_data: "ed", active_until_timestamp: "auts", active_seconds_left: "asl" };
  const m: JObj = new Map();
  for (const [k, x] of v) m.set(names[k] ?? k, x);
  return m;
}

// ---------------------------------------------------------------- server side

export function bodyKind(contentType: string | undefined): BodyKind | null {
  const t = (contentType ?? "").split(";")[0].trim().toLowerCase();
  if (t === "application/json" || t === "json") return "json";
  if (t === "application/cbor" || t === "cbor") return "cbor";
  return null;
}

export function decodeBody(body: Buffer, kind: BodyKind): JVal {
  return wrap(() => {
    if (kind === "cbor") return decodeCbor(body);
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(body);
    } catch {
      throw new JsonError("the body is not UTF-8");
    }
    return parse(text);
  });
}

export interface IncomingRequest {
  serial: string;
  formatId: number | null;
  inlineFormat: DataFormat | null;
  auth: string | null;
  timestamp: number | null;
  requestCount: number | null;
  /** the request with simple top-level keys, values as sent */
  raw: JObj;
}

const TIME_LIMIT = 0xffffffff;

function optionalCounter(v: JVal | undefined, name: string): number | null {
  if (v === undefined || v === null) return null;
  if (!isInt(v) || Number(v) < 0 || Number(v) > Number.MAX_SAFE_INTEGER) throw new CodecError(`${name} must be a non-negative integer`);
  return Number(v);
}

/** Structure checks of a decoded device request. */
export function readRequest(v: JVal): IncomingRequest {
  if (!isObj(v)) throw new CodecError("the request must be an object");
  const raw = toSimpleKeys(v);
  const serial = raw.get("serial_number");
  if (typeof serial !== "string" || serial.length === 0 || serial.length > 64) throw new CodecError("serial_number must be a string of 1 to 64 characters");
  const df = raw.get("data_format_id");
  const dfo = raw.get("data_format");
  if (df !== undefined && dfo !== undefined) throw new CodecError("data_format and data_format_id cannot both be given");
  if (df !== undefined && (!isInt(df) || Number(df) < 0)) throw new CodecError("data_format_id must be a non-negative integer");
  const a = raw.get("auth");
  if (a !== undefined && typeof a !== "string") throw new CodecError("auth must be a string");
  if (raw.get("data") === undefined && raw.get("historical_data") === undefined) throw new CodecError("a request needs data or historical_data");
  const timestamp = optionalCounter(raw.get("timestamp"), "timestamp");
  if (timestamp !== null && timestamp > TIME_LIMIT) throw new CodecError("timestamp out of range");
  return {
    serial,
    formatId: df === undefined ? null : Number(df),
    inlineFormat: dfo === undefined ? null : readFormat(dfo),
    auth: (a as string | undefined) ?? null,
    timestamp,
    requestCount: optionalCounter(raw.get("request_count"), "request_count"),
    raw,
  };
}

/** A data format object (POST /data_format or an inline `dfo`), checked. */
export function readFormat(v: JVal): DataFormat {
  if (!isObj(v)) throw new CodecError("a data format must be an object");
  const f = toPlain(v) as DataFormat;
  for (const k of ["data_order", "historical_data_order"] as const) {
    const order = f[k];
    if (order === undefined) continue;
    if (!Array.isArray(order) || order.length > 256 || !order.every((x) => typeof x === "string" && x.length > 0 && !/^\d+$/.test(x))) {
      throw new CodecError(`${k} must be a list of variable names (not integers)`);
    }
  }
  const i = f.historical_data_interval;
  if (i !== undefined && (typeof i !== "number" || !Number.isInteger(i) || Math.abs(i) > 86400 * 366)) {
    throw new CodecError("historical_data_interval must be whole seconds");
  }
  return f;
}

export function formatText(f: DataFormat): string {
  return JSON.stringify(f);
}

export function verifyAuth(req: IncomingRequest, keyHex: string): boolean {
  if (!req.auth) return false;
  const method = req.auth.slice(0, 2) as AuthMethod;
  if (!AUTH_METHODS.includes(method)) return false;
  try {
    return requestSignature(method, parseKey(keyHex), req.raw) === req.auth;
  } catch {
    return false; // e.g. ta without a timestamp
  }
}

export interface ExpandedPoint {
  timestamp: number;
  /** canonical JSON of the variables (no timestamp) */
  json: string;
  values: Record<string, unknown>;
}

/** Condensed -> simple, times filled. The status `data` becomes a point at the request's time. */
export function expandRequest(req: IncomingRequest, format: DataFormat | null, receivedAt: number): { data: ExpandedPoint | null; rows: ExpandedPoint[]; tokenCount: number | null; wantsTime: boolean } {
  return wrap(() => {
    const e = expand(req.raw, format, receivedAt);
    const point = (m: JObj, t: number): ExpandedPoint => {
      const rest: JObj = new Map([...m].filter(([k]) => k !== "timestamp"));
      return { timestamp: t, json: dump(rest), values: toPlain(rest) as Record<string, unknown> };
    };
    const rows = e.rows.map((r) => {
      const t = num(r.get("timestamp") ?? null);
      if (t === null || t < 0 || t > TIME_LIMIT) throw new JsonError("a row's timestamp is out of range");
      return point(r, Math.trunc(t));
    });
    const tc = e.data.get("token_count") ?? e.data.get("tc");
    const wants = truthy(e.data.get("active_until_timestamp_requested") ?? e.data.get("autsr"));
    return {
      data: e.data.size > 0 ? point(e.data, req.timestamp ?? receivedAt) : null,
      rows,
      tokenCount: isInt(tc) ? Number(tc) : null,
      wantsTime: wants,
    };
  });
}

export interface ServerAnswer {
  tokens: string[];
  settings: Record<string, unknown> | null;
  activeUntil: number | null;
}

/** The signed condensed answer, in the request's body kind. `{}` when there is nothing to say. */
export function encodeAnswer(keyHex: string, req: IncomingRequest, ans: ServerAnswer, kind: BodyKind): Buffer {
  const settings = ans.settings ? (toJ(ans.settings) as JObj) : undefined;
  const a = buildAnswer(parseKey(keyHex), req.serial, req.raw.get("timestamp"), req.raw.get("request_count"), {
    token_list: ans.tokens, settings, active_until_timestamp: ans.activeUntil ?? undefined,
  }, true);
  return kind === "cbor" ? encodeCbor(a) : Buffer.from(dump(a), "latin1");
}

function toJ(v: unknown): JVal {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") return Number.isInteger(v) ? v : new Float(v);
  if (Array.isArray(v)) return v.map(toJ);
  return new Map(Object.entries(v as object).map(([k, x]) => [k, toJ(x)]));
}

// ---------------------------------------------------------------- tokens (opaygo.wasm)

export function keyStartingCode(keyHex: string): number {
  return startingCodeOf(keyHex);
}

/** An ADD_TIME token for `days` of credit after the server's last count. */
export function addTimeToken(keyHex: string, startingCode: number, count: number, days: number): { token: string; count: number } {
  return generateToken({ key: keyHex, startingCode, count, type: "ADD_TIME", value: days });
}

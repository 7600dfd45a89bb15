// OpenPAYGO Metrics over the wasm modules.
//  - MetricsEncoder: the device side (request encoder + historical ring) on its own module
//    instance, by default opaygo-device.wasm (what firmware links; 1 KiB output buffer).
//  - The server side (server.ts, re-exported here): a request loaded once on opaygo.wasm, then
//    verified, expanded and answered (LoadedRequest; verifyRequest, expandRequest, buildAnswer).
// Values: a JS number is an integer when Number.isInteger, else a float; wrap integral floats
// in Float (new Float(684) is sent as 684.0); bigint for integers beyond 2^53.
// Objects (rows, data formats, answers) may be given as JSON text, as Maps (parseOrdered) or as
// plain objects; only the first two keep the member order of integer-like keys ("53" before "10"),
// which the simple form and signatures depend on.
import { Float, JsonMap, JsonValue, parseLossless, parseOrdered, stringifyLossless, truthy } from "./metrics-json.js";
import { Engine, instantiate } from "./engine.js";
import { ModuleInstance, ModuleKind, OpaygoError, f64Bits } from "./wasm.js";
import { describe, int64, metricsError, text, utf8, wellFormed } from "./convert.js";
import {
  ADD_TIME, ANSWER_FORMAT_ID, ANSWER_OBJECT_EXTRA_DATA, ANSWER_OBJECT_SETTINGS, ANSWER_SETTINGS, ANSWER_SIGNED, ANSWER_TIME_NONE,
  ANSWER_TIME_UNTIL, COUNTER_SYNC, METRICS_AUTH, METRICS_CONDENSED, METRICS_DATA_ORDER, METRICS_HISTORICAL_DATA_ORDER,
  METRICS_ROW_CURRENT, METRICS_ROW_HISTORICAL, METRICS_ROW_NONE, METRICS_SIMPLE, RESULT_NAMES, SET_TIME,
} from "./abi.js";
import type { Device } from "./device.js";

export { Float, parseLossless, parseOrdered, stringifyLossless, rawMember } from "./metrics-json.js";
export { METRICS_ERRORS, metricsError } from "./convert.js";
export type { JsonMap, JsonValue } from "./metrics-json.js";

export type AuthMethod = Exclude<keyof typeof METRICS_AUTH, "none">;
/** The auth methods a request can be signed with. */
export const AUTH_METHODS = Object.keys(METRICS_AUTH).filter((m): m is AuthMethod => m !== "none");
export type MetricValue = null | boolean | number | bigint | string | Float | MetricValue[];
/** A row of named values: a Map (kept in its order) or a plain object (setData and addHistoricalRow
 *  also take JSON text of an object, read in order). */
export type MetricRow = Map<string, MetricValue> | Record<string, MetricValue>;
export interface DataFormat {
  id?: number;
  data_order?: string[];
  historical_data_order?: string[];
  historical_data_interval?: number;
  [other: string]: JsonValue | undefined;
}

// An object given as JSON text, Map or plain object, as an ordered Map.
function asMap<T>(v: string | Map<string, T> | Record<string, T>, what: string): Map<string, T> {
  if (typeof v === "string") {
    let parsed: JsonValue;
    try { parsed = parseOrdered(v); } catch (err) { throw new OpaygoError(`${what}: ${(err as Error).message}`); }
    if (!(parsed instanceof Map)) throw new OpaygoError(`${what} must be a JSON object`);
    return parsed as unknown as Map<string, T>;
  }
  if (v instanceof Map) return v;
  if (v === null || typeof v !== "object" || Array.isArray(v) || v instanceof Float) throw new OpaygoError(`${what} must be an object (name: value), not ${describe(v)}`);
  return new Map(Object.entries(v));
}

export interface EncoderOptions {
  serialNumber: string;
  /** 32 hex characters; required with an auth method */
  key?: string;
  authMethod?: AuthMethod | null;
  /** as an object, a Map (parseOrdered) or JSON text; sent as `df` when its id is a non-zero
   *  integer, else whole as `dfo` */
  dataFormat?: DataFormat | JsonMap | string | null;
  /** which module to run on: "device" (default, the firmware's buffers), "seed" or "lean" (the
   *  device's buffers, that profile's features: docs/profiles.md) or "full" (16 KiB output) */
  module?: MetricsModuleKind;
  /** the WebAssembly engine: "node" (default) or "wasm3" (ignored with `device`, which has its own) */
  engine?: Engine;
  /** run on this device's module instance, so that answers credit it (its key is used; `module` is ignored) */
  device?: Device;
}

export type AnswerTokenResult = "ACCEPTED" | "ALREADY_USED" | "INVALID";

/** What a server answer did to the device (see applyAnswer). */
export interface AnswerResult {
  /** the token list in order, each as entered by the token engine */
  tokens: { token: string; result: AnswerTokenResult; type: string | null; value: number | null }[];
  /** active_until_timestamp / active_seconds_left as received (whole seconds, saturated to u32) */
  time: { kind: "active_until_timestamp" | "active_seconds_left"; value: number } | null;
  /** the settings / extra data objects as sent (float-vs-int preserved, see Float) */
  settings: { [key: string]: JsonValue } | null;
  extraData: { [key: string]: JsonValue } | null;
  /** settings.base_url, settings.data_format_id (the encoder now uses it) */
  baseUrl: string | null;
  dataFormatId: number | null;
  /** whether the answer carried a (valid) signature */
  signed: boolean;
}

export type RequestForm = "condensed" | "simple";

/** The modules with the Metrics encoder (opaygo-token.wasm has none). */
export type MetricsModuleKind = Exclude<ModuleKind, "token">;
const hasMetrics = (w: ModuleInstance): w is ModuleInstance<MetricsModuleKind> => w.kind !== "token";

export class MetricsEncoder {
  readonly wasm: ModuleInstance<MetricsModuleKind>;

  constructor(o: EncoderOptions) {
    const wasm: ModuleInstance = o.device ? o.device.wasm : instantiate(o.module ?? "device", o.engine);
    if (!hasMetrics(wasm)) throw new OpaygoError(`the ${wasm.kind} module has no Metrics encoder (use device or full)`);
    this.wasm = wasm;
    const x = this.wasm.exports;
    if (o.authMethod && !AUTH_METHODS.includes(o.authMethod)) throw new OpaygoError(`unknown auth method ${o.authMethod}`);
    if (o.authMethod && !o.key && !o.device) throw new OpaygoError("a key is required to sign requests");
    if (o.key && o.device) throw new OpaygoError("give either key or device (whose key is used), not both");
    if (o.key) this.wasm.setKey(o.key);
    if (typeof o.serialNumber !== "string") throw new OpaygoError(`the serial number must be a string, not ${describe(o.serialNumber)}`);
    this.check(x.metrics_init(this.io(wellFormed(o.serialNumber, "serial number")), o.authMethod ? METRICS_AUTH[o.authMethod] : METRICS_AUTH.none), "serial number");
    if (o.dataFormat) {
      const f = asMap<JsonValue>(o.dataFormat as string | JsonMap, "data format");
      // the reference's truth values: an id 0 (or null) sends the format whole
      const interval = truthy(f.get("historical_data_interval"));
      const id = f.get("id");
      if (truthy(id)) this.check(x.metrics_format_id(int64(id, "data format id"), interval), "data format id");
      else this.check(x.metrics_format_object(this.io(stringifyLossless(f)), interval), "data format");
      for (const [list, key] of [[METRICS_DATA_ORDER, "data_order"], [METRICS_HISTORICAL_DATA_ORDER, "historical_data_order"]] as const) {
        const names = f.get(key) ?? [];
        if (!Array.isArray(names)) throw new OpaygoError(`${key} must be a list of names, not ${describe(names)}`);
        for (const name of names) {
          if (typeof name !== "string") throw new OpaygoError(`${key}: a variable name must be a string, not ${describe(name)}`);
          this.check(x.metrics_format_name(list, this.io(wellFormed(name, "variable name"))), `variable name ${name}`);
        }
      }
    }
  }

  private check(code: number, what: string): number {
    if (code < 0) throw metricsError(code, what);
    return code;
  }

  // Writes text (or two texts back to back) to the io buffer; returns the first's byte length.
  private io(text: string, second?: string): number {
    const a = utf8.encode(wellFormed(text, "text"));
    const b = second === undefined ? new Uint8Array(0) : utf8.encode(wellFormed(second, "text"));
    const cap = this.wasm.exports.metrics_io_capacity();
    if (a.length + b.length > cap) throw new OpaygoError(`text of ${a.length + b.length} bytes exceeds the ${cap}-byte io buffer`);
    const at = this.wasm.exports.metrics_io_buffer();
    const mem = this.wasm.bytes();
    mem.set(a, at);
    mem.set(b, at + a.length);
    return a.length;
  }

  /** Integers only (a JS integer or bigint within 64 bits): anything else throws, nothing is converted. */
  setTimestamp(ts: number | bigint): void { this.wasm.exports.metrics_timestamp(int64(ts, "timestamp")); }
  setRequestCount(rc: number | bigint): void { this.wasm.exports.metrics_request_count(int64(rc, "request count")); }
  /** data_collection_timestamp (`dtc` condensed): where the server starts the historical rows'
   *  times (else at ts). Sent in the order set among ts / rc / dtc, until the next init; not
   *  covered by any signature (the reference signs sn, ts, rc, d, hd only). */
  setCollectionTimestamp(ts: number | bigint): void { this.wasm.exports.metrics_collection_timestamp(int64(ts, "data collection timestamp")); }

  /** The current data `d` (replaces the previous one): an object, a Map or JSON text of an object. */
  setData(data: MetricRow | string): void { this.row(METRICS_ROW_CURRENT, asMap(data, "data")); }
  /** Appends a historical row to the ring (the oldest rows are dropped when it is full). A row is
   *  an object of named values (a Map, a plain object or JSON text); a list is refused. */
  addHistoricalRow(row: MetricRow | string): void { this.row(METRICS_ROW_HISTORICAL, asMap(row, "historical row")); }

  private row(which: number, row: Map<string, MetricValue>): void {
    const x = this.wasm.exports;
    this.check(x.metrics_row_begin(which), "row");
    try {
      for (const [name, value] of row) this.put(name, value, false);
    } catch (err) {
      x.metrics_row_begin(METRICS_ROW_NONE); // abandoned: the data and the ring stay as they were
      throw err;
    }
    this.check(x.metrics_row_end(), "row");
  }

  private put(name: string, v: MetricValue, inArray: boolean): void {
    const x = this.wasm.exports;
    const what = `value of ${name}`;
    wellFormed(name, "variable name");
    if (typeof v === "string") wellFormed(v, what);
    if (Array.isArray(v)) {
      if (inArray) throw new OpaygoError(`${what}: arrays inside arrays are not supported`);
      this.check(x.metrics_array_begin(this.io(name)), what);
      for (const e of v) this.put(name, e, true);
      this.check(x.metrics_array_end(), what);
      return;
    }
    if (typeof v === "string") {
      const n = inArray ? 0 : this.io(name, v);
      if (inArray) this.io(v);
      this.check(x.metrics_put_string(n, utf8.encode(v).length), what);
      return;
    }
    const n = inArray ? 0 : this.io(name);
    if (v === null) this.check(x.metrics_put_null(n), what);
    else if (typeof v === "boolean") this.check(x.metrics_put_bool(n, v), what);
    else if (typeof v === "bigint") {
      if (v < -(2n ** 63n) || v >= 2n ** 63n) throw new OpaygoError(`${what}: integers are limited to 64 bits`);
      this.check(x.metrics_put_int(n, v), what);
    } else if (v instanceof Float) this.check(x.metrics_put_float(n, f64Bits(v.value)), what);
    else if (typeof v === "number") {
      if (Number.isInteger(v) && !Object.is(v, -0)) this.check(x.metrics_put_int(n, BigInt(v)), what);
      else this.check(x.metrics_put_float(n, f64Bits(v)), what);
    } else throw new OpaygoError(`${what}: objects are not metric values`);
  }

  /** Encodes the request; JSON text as UTF-8 (ASCII) bytes, or CBOR. */
  encode(form: RequestForm = "condensed", encoding: "json" | "cbor" = "json"): Uint8Array {
    const x = this.wasm.exports;
    const n = this.check(x.metrics_encode(form === "condensed" ? METRICS_CONDENSED : METRICS_SIMPLE, encoding === "cbor"), `${form} request`);
    return this.wasm.read(x.metrics_out_buffer(), n);
  }

  condensed(): string { return Buffer.from(this.encode("condensed")).toString("latin1"); }
  simple(): string { return Buffer.from(this.encode("simple")).toString("latin1"); }
  cbor(): Uint8Array { return this.encode("condensed", "cbor"); }

  /**
   * Applies a server answer (JSON text or bytes, condensed or simple keys) at device time `now`
   * (seconds; Unix time when the device uses active_until_timestamp). Checked in full first: a
   * malformed or oversized answer, one for another serial number, or one whose signature is
   * missing or wrong throws, and nothing changes (credit state, ring, data format id).
   * Signature rule: `a` (data auth over sn, the last request's ts / rc, auts, asl, tkl, st, ed) is
   * required when the answer carries auts or asl (even 0) or non-empty settings or extra data, and
   * is verified whenever present; a tokens-only answer may be unsigned (tokens protect
   * themselves). Then: tokens entered in order (no keypad waiting period), the time replaces the
   * credit like a SET_TIME token (auts: absolute; asl: now + seconds), settings.data_format_id is
   * adopted, and the historical rows carried by the last request are released from the ring.
   * Tokens sent as JSON numbers lose leading zeros; servers should send strings (the reference does).
   */
  applyAnswer(body: string | Uint8Array, now: number): AnswerResult {
    const x = this.wasm.exports;
    const bytes = text(body);
    if (!Number.isInteger(now) || now < 0 || now > 0xffffffff) throw new OpaygoError("time must be whole seconds from 0 to 2^32-1");
    this.wasm.write(x.metrics_out_buffer(), bytes, x.metrics_out_capacity(), "answer");
    const flags = this.check(x.metrics_answer_apply(bytes.length, now), "answer");
    const obj = (which: number) => {
      const at = x.metrics_answer_object_offset(which);
      if (at < 0) return null;
      const raw = Buffer.from(this.wasm.read(x.metrics_out_buffer() + at, x.metrics_answer_object_length(which))).toString("utf8");
      return parseLossless(raw) as { [key: string]: JsonValue };
    };
    const tkl = parseLossless(Buffer.from(bytes).toString("utf8")) as { [key: string]: JsonValue };
    const list = (tkl.tkl ?? tkl.token_list ?? []) as JsonValue[];
    const tokens: AnswerResult["tokens"] = [];
    for (let i = 0; i < x.metrics_answer_tokens(); i++) {
      const code = x.metrics_answer_token_result(i);
      const accepted = code >= ADD_TIME && code <= COUNTER_SYNC;
      tokens.push({
        token: String(list[i]),
        result: accepted ? "ACCEPTED" : (RESULT_NAMES[code] as AnswerTokenResult),
        type: accepted ? RESULT_NAMES[code] : null,
        value: code === ADD_TIME || code === SET_TIME ? x.metrics_answer_token_value(i) >>> 0 : null,
      });
    }
    const kind = x.metrics_answer_time_kind();
    const baseUrlLength = flags & ANSWER_SETTINGS ? x.metrics_answer_string(ANSWER_OBJECT_SETTINGS, this.io("base_url")) : -1;
    const baseUrl = baseUrlLength >= 0 ? Buffer.from(this.wasm.read(x.metrics_io_buffer(), baseUrlLength)).toString("utf8") : null;
    return {
      tokens,
      time: kind === ANSWER_TIME_NONE ? null : { kind: kind === ANSWER_TIME_UNTIL ? "active_until_timestamp" : "active_seconds_left", value: x.metrics_answer_time() >>> 0 },
      settings: obj(ANSWER_OBJECT_SETTINGS),
      extraData: obj(ANSWER_OBJECT_EXTRA_DATA),
      baseUrl,
      dataFormatId: flags & ANSWER_FORMAT_ID ? Number(x.metrics_answer_format_id()) : null,
      signed: (flags & ANSWER_SIGNED) !== 0,
    };
  }

  /**
   * Adds a connected accessory's own request (a JSON object with its serial number, format and
   * auth, as the accessory made it, e.g. with its own MetricsEncoder). It is kept in the ring like a
   * historical row and goes out in `acc` (`accessories`), after ts / rc and before `d`, until an
   * answer acknowledges it. Not covered by this device's auth (the reference signs sn, ts, rc, d and
   * hd only): the accessory signs its own. The server side keeps it as sent (no expansion).
   * A request with a key twice in one object (at any depth) is refused (-28): servers refuse
   * duplicate keys, so it would get every later request refused.
   */
  addAccessory(request: string | Uint8Array): void {
    const x = this.wasm.exports;
    const bytes = text(request);
    this.wasm.write(x.metrics_out_buffer(), bytes, x.metrics_out_capacity(), "accessory request");
    this.check(x.metrics_accessory_add(bytes.length), "accessory request");
  }

  /** Historical rows and accessory requests in the ring, entries (rows and accessories) carried by the
   *  last request, entries dropped by overflow, bytes used / capacity. */
  ring(): { rows: number; accessories: number; sentRows: number; dropped: number; bytes: number; capacity: number } {
    const x = this.wasm.exports;
    return {
      rows: x.metrics_ring_rows(), accessories: x.metrics_ring_accessories(), sentRows: x.metrics_ring_sent_rows(), dropped: x.metrics_ring_dropped() >>> 0,
      bytes: x.metrics_ring_bytes(), capacity: x.metrics_ring_capacity(),
    };
  }
}

// The server side (opaygo.wasm) lives in server.ts; its functions are also exported from here.
export { LoadedRequest, loadRequest, verifyRequest, expandRequest, buildAnswer, canonicalRequest, canonicalJson, canonicalBody } from "./server.js";
export type { RequestInput, RequestMemberName, ValueKind, Verification, VerifyOptions, VerifyParams, VerifyResult, ExpandOptions, ExpandParams,
  AnswerOptions, AnswerParams } from "./server.js";

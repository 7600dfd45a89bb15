// The server side of OpenPAYGO Metrics on opaygo.wasm, for a platform: a device's request is
// loaded once (loadRequest: a LoadedRequest), then verified (signature and replay), expanded to the
// simple form and answered (the signed answer) from that one load; its serial number, ts, rc, auth
// method and data format id are read from it. verifyRequest, expandRequest, buildAnswer and
// canonicalRequest do one of these each, from a load of their own.
//
// Memory. One opaygo.wasm instance serves every request, one loaded at a time: a LoadedRequest
// whose request another load replaced loads its body again when next used (`loads` counts them).
// The module's memory grows for large requests (up to SERVER_MEMORY_LIMIT, beyond which a request
// is refused with ERR_METRICS_TOO_LARGE) and never shrinks: after a request that took more than
// RECLAIM_BYTES, the next load starts a fresh instance and the old one is left to the GC.
import { JsonMap, JsonValue, stringifyLossless } from "./metrics-json.js";
import { OpaygoError, WasmInstance } from "./wasm.js";
import { describe, int64, metricsError, text } from "./convert.js";
import { METRICS_AUTH_LABELS, REQUEST_MEMBER, REQUEST_MEMBER_LABELS, VALUE_INT, VALUE_KIND_LABELS, VERIFY_LABELS, VERIFY_VALID } from "./abi.js";
import type { AuthMethod, DataFormat } from "./metrics.js";

/** The most memory the server module takes for one request: its body, canonical form and
 *  expansion (assembly/memory.ts SERVER_MEMORY_PAGES). */
export const SERVER_MEMORY_LIMIT = 64 << 20;
/** A module whose memory grew past this for a large request is replaced at the next load. */
export const RECLAIM_BYTES = 8 << 20;

interface ServerModule { wasm: WasmInstance<"full">; owner: LoadedRequest | null }
let shared: ServerModule | null = null;

function serverModule(fresh: boolean): ServerModule {
  if (!shared || (fresh && shared.wasm.exports.memory.buffer.byteLength > RECLAIM_BYTES)) shared = { wasm: new WasmInstance("full"), owner: null };
  return shared;
}

/** The server module's linear memory now, in bytes (0 before its first use). */
export function serverMemoryBytes(): number {
  return shared ? shared.wasm.exports.memory.buffer.byteLength : 0;
}

// n bytes of the module's memory at `at` as text (canonical JSON is ASCII).
const text8 = (w: WasmInstance<"full">, at: number, n: number) => Buffer.from(w.exports.memory.buffer, at, n).toString("latin1");

// Writes JSON text to json_in_buffer() (data formats, answer objects; 16 KiB).
function jsonInput(w: WasmInstance<"full">, s: string, what: string): number {
  const data = text(s);
  w.write(w.exports.json_in_buffer(), data, w.exports.json_buffer_capacity(), what);
  return data.length;
}

export interface RequestInput {
  /** the body as received: JSON text or bytes, or CBOR bytes with cbor: true */
  body: string | Uint8Array;
  cbor?: boolean;
}

/** A member of a request, by its condensed name (the simple one is read alike; dtc also stands for dct). */
export type RequestMemberName = keyof typeof REQUEST_MEMBER;
/** The JSON type of a request member: "int" is an integer within 64 bits, "number" any other number. */
export type ValueKind = (typeof VALUE_KIND_LABELS)[number];
export type Verification = (typeof VERIFY_LABELS)[number];

export interface VerifyParams {
  key: string;
  /** last accepted timestamp / request count of this device (omit or 0: none) */
  lastTimestamp?: number | bigint;
  lastRequestCount?: number | bigint;
}

export interface VerifyResult {
  result: Verification;
  valid: boolean;
  /** the request's ts / rc as integers (null when absent, 0 or not an integer): store them when valid */
  timestamp: bigint | null;
  requestCount: bigint | null;
}

export interface ExpandParams {
  /** the registered data format (JSON text, Map or object); default, or null or {} as the
   *  reference takes them: the request's own `dfo` */
  dataFormat?: string | DataFormat | JsonMap | null;
  /** reception time (s), used when the request has no timestamp; default: now. A fraction is
   *  rounded to the microsecond as the reference's datetime does (1700000000.9999995 is 1700000001). */
  receivedAt?: number;
}

export interface AnswerParams {
  /** signs the answer (`a`, data auth) when given */
  key?: string | null;
  /** answer members in the order to write: token_list, settings, extra_data,
   *  active_until_timestamp, active_seconds_left (simple or condensed names), as JSON text, Map or object */
  answer: string | JsonMap | Record<string, JsonValue>;
}

/** An expansion (canonical JSON text) and its index: offsets in the text. */
export interface Expansion {
  text: string;
  /** `data`'s value: start and end */
  data: [number, number];
  /** four numbers a historical row: its start, its "timestamp" member's start (its key) and end
   *  (after its value; both 0 when the row has none), its end */
  rows: Uint32Array;
}

export interface VerifyOptions extends RequestInput, VerifyParams {}
export interface ExpandOptions extends RequestInput, ExpandParams {}
export interface AnswerOptions extends RequestInput, AnswerParams {}

/** A request loaded into the server module: read it, verify it, expand it and answer it. */
export class LoadedRequest {
  /** the canonical JSON's length (what signatures cover) */
  readonly canonicalLength: number;
  // each member's JSON type and, for an integer within 64 bits, its value (REQUEST_MEMBER order);
  // its text when read
  private readonly kinds: ValueKind[] = [];
  private readonly ints: (bigint | null)[] = [];
  private readonly texts = new Map<RequestMemberName, string | null>();
  /** the method `a` names; null when the request is unsigned or `a` names none of them */
  readonly authMethod: AuthMethod | null;
  private loadCount = 0;

  private constructor(private readonly body: Uint8Array, private readonly cbor: boolean) {
    const s = serverModule(true);
    this.canonicalLength = this.loadInto(s);
    const x = s.wasm.exports;
    for (let m = 0; m < REQUEST_MEMBER_LABELS.length; m++) {
      const kind = x.metrics_server_member_kind(m);
      this.kinds.push(VALUE_KIND_LABELS[kind]);
      this.ints.push(kind === VALUE_INT ? x.metrics_server_member_int(m) : null);
    }
    const method = METRICS_AUTH_LABELS[x.metrics_server_auth_method()];
    this.authMethod = method === "none" ? null : method;
  }

  /** Loads a request body (JSON, or CBOR with cbor: true). Throws OpaygoError with the module's code:
   *  a body that is not a JSON object, a member under two names, ERR_METRICS_TOO_LARGE past
   *  SERVER_MEMORY_LIMIT. */
  static load(req: RequestInput): LoadedRequest {
    return new LoadedRequest(text(req.body), !!req.cbor);
  }

  private loadInto(s: ServerModule): number {
    const x = s.wasm.exports;
    s.owner = null;
    const at = x.metrics_server_body_buffer(this.body.length);
    if (at < 0) throw metricsError(at, "request");
    s.wasm.bytes().set(this.body, at);
    const n = x.metrics_server_load(this.body.length, this.cbor);
    if (n < 0) throw metricsError(n, "request");
    s.owner = this;
    this.loadCount++;
    return n;
  }

  // The module with this request loaded (loaded again when another request took its place).
  private module(): WasmInstance<"full"> {
    const s = serverModule(false);
    if (s.owner !== this) this.loadInto(s);
    return s.wasm;
  }

  /** How many times the body went into the module (1 unless other requests were loaded in between). */
  get loads(): number { return this.loadCount; }

  /** The canonical JSON (Python's json.dumps(json.loads(body)) with compact separators). */
  get canonical(): string {
    const w = this.module();
    return text8(w, w.exports.metrics_server_request_buffer(), this.canonicalLength);
  }

  /** A member's JSON type ("absent" when the request has none). */
  kind(m: RequestMemberName): ValueKind { return this.kinds[REQUEST_MEMBER[m]]; }
  /** A member's value when it is an integer within 64 bits, else null. */
  int(m: RequestMemberName): bigint | null { return this.ints[REQUEST_MEMBER[m]]; }
  /** A member's canonical JSON text (null when absent). */
  text(m: RequestMemberName): string | null {
    let t = this.texts.get(m);
    if (t === undefined) {
      const w = this.module();
      const x = w.exports;
      const at = x.metrics_server_member_offset(REQUEST_MEMBER[m]);
      t = at < 0 ? null : text8(w, x.metrics_server_request_buffer() + at, x.metrics_server_member_length(REQUEST_MEMBER[m]));
      this.texts.set(m, t);
    }
    return t;
  }

  /** The serial number when it is a string. */
  get serialNumber(): string | null { return this.kind("sn") === "string" ? (JSON.parse(this.text("sn")!) as string) : null; }
  /** ts, rc and df when integers within 64 bits. */
  get timestamp(): bigint | null { return this.int("ts"); }
  get requestCount(): bigint | null { return this.int("rc"); }
  get formatId(): bigint | null { return this.int("df"); }

  /** Verifies the signature exactly as the reference does, plus replay protection. */
  verify(o: VerifyParams): VerifyResult {
    const last = int64(o.lastTimestamp ?? 0, "last timestamp"), lastCount = int64(o.lastRequestCount ?? 0, "last request count");
    const w = this.module();
    w.setKey(o.key);
    const r = w.exports.metrics_server_verify(last, lastCount);
    if (r < 0) throw metricsError(r, "verification");
    const nonZero = (v: bigint | null) => (v === 0n ? null : v);
    return { result: VERIFY_LABELS[r], valid: r === VERIFY_VALID, timestamp: nonZero(this.timestamp), requestCount: nonZero(this.requestCount) };
  }

  /** The simple form with the historical rows' timestamps filled in: canonical JSON text. */
  expand(o: ExpandParams = {}): string {
    return this.expandIndexed(o).text;
  }

  /** The expansion and where its parts are in it (what a server stores, without reading the text). */
  expandIndexed(o: ExpandParams = {}): Expansion {
    const receivedAt = o.receivedAt ?? Date.now() / 1000;
    if (typeof receivedAt !== "number" || !Number.isFinite(receivedAt)) throw new OpaygoError(`the reception time must be a number of seconds, not ${describe(receivedAt)}`);
    const f = o.dataFormat == null ? "" : typeof o.dataFormat === "string" ? o.dataFormat : stringifyLossless(o.dataFormat as JsonMap);
    const w = this.module();
    const x = w.exports;
    const fr = x.metrics_server_format(jsonInput(w, f, "data format"));
    if (fr < 0) throw metricsError(fr, "data format");
    const n = x.metrics_server_expand(receivedAt);
    if (n < 0) throw metricsError(n, "expansion");
    const index = x.metrics_server_index_buffer();
    const words = new Uint32Array(x.memory.buffer, index, 3);
    return {
      text: text8(w, x.metrics_server_out_buffer(), n),
      data: [words[0], words[1]],
      rows: new Uint32Array(x.memory.buffer.slice(index + 12, index + 12 + 16 * words[2])),
    };
  }

  /** The answer payload (condensed keys, canonical JSON, `a` last when signed). */
  answer(o: AnswerParams): string {
    const a = typeof o.answer === "string" ? o.answer : stringifyLossless(o.answer as JsonValue);
    const w = this.module();
    if (o.key) w.setKey(o.key);
    const n = w.exports.metrics_server_answer(jsonInput(w, a, "answer"), !!o.key);
    if (n < 0) throw metricsError(n, "answer");
    return text8(w, w.exports.metrics_server_out_buffer(), n);
  }
}

/** Loads a request into the server module once; verify, expand and answer it from the result. */
export function loadRequest(req: RequestInput): LoadedRequest {
  return LoadedRequest.load(req);
}

/** Loads a request; returns its canonical JSON (what signatures cover). */
export function canonicalRequest(req: RequestInput): string {
  return loadRequest(req).canonical;
}

/** Verifies a request's auth exactly as the reference does, plus replay protection. */
export function verifyRequest(o: VerifyOptions): VerifyResult {
  return loadRequest(o).verify(o);
}

/** Expands a request to the simple form with historical timestamps filled: canonical JSON text. */
export function expandRequest(o: ExpandOptions): string {
  return loadRequest(o).expand(o);
}

/** Builds the answer payload (condensed keys, canonical JSON, `a` last when signed). */
export function buildAnswer(o: AnswerOptions): string {
  return loadRequest(o).answer(o);
}

/** Canonical JSON (Python json.dumps with compact separators) of a JSON text. */
export function canonicalJson(json: string): string {
  return canonicalBody({ body: json });
}

/** Canonical JSON of a body of up to 16 KiB, JSON or CBOR (the byte layer; no request loaded). */
export function canonicalBody(req: RequestInput): string {
  const w = serverModule(false).wasm;
  const x = w.exports;
  const data = text(req.body);
  w.write(x.json_in_buffer(), data, x.json_buffer_capacity(), req.cbor ? "CBOR body" : "JSON text");
  const n = req.cbor ? x.cbor_to_json(data.length) : x.json_canonicalize(data.length);
  if (n < 0) throw metricsError(n, req.cbor ? "CBOR" : "JSON");
  return text8(w, x.json_out_buffer(), n);
}

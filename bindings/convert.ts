// Values crossing into the modules, for the Metrics bindings (metrics.ts, server.ts): integers as
// i64, text as UTF-8, the modules' error codes as OpaygoErrors with their messages.
import { JsonValue, stringifyLossless } from "./metrics-json.js";
import { OpaygoError } from "./wasm.js";
import { CODE_MESSAGES } from "./abi.js";

/** The message of each code the module returns (all of them: token, device, metrics, JSON/CBOR). */
export const METRICS_ERRORS: Readonly<Record<number, string>> = CODE_MESSAGES;

export function metricsError(code: number, what: string): OpaygoError {
  return new OpaygoError(`${what}: ${METRICS_ERRORS[code] ?? `error ${code}`}`, code);
}

export const utf8 = new TextEncoder();

export const describe = (v: unknown): string => {
  try { return stringifyLossless(v as JsonValue); } catch { return String(v); }
};

// An integer the module can carry (i64): a JS integer or a bigint. 7.0 (Float), "7", true and
// integers beyond 64 bits are refused, not converted.
export function int64(v: unknown, what: string): bigint {
  const n = typeof v === "bigint" ? v : typeof v === "number" && Number.isInteger(v) ? BigInt(v) : null;
  if (n === null) throw new OpaygoError(`${what} must be an integer, not ${describe(v)}`);
  if (n < -(2n ** 63n) || n >= 2n ** 63n) throw new OpaygoError(`${what} ${n} is out of range (64-bit signed integers)`);
  return n;
}

// A lone surrogate (a JS string can hold one) has no UTF-8 form: TextEncoder would turn it into U+FFFD.
export function wellFormed(s: string, what: string): string {
  const lone = /\p{Cs}/u.exec(s);
  if (lone) throw new OpaygoError(`${what}: a lone surrogate (U+${lone[0].charCodeAt(0).toString(16).toUpperCase()}) has no UTF-8 form`);
  return s;
}
// JSON text (or bytes) as UTF-8 bytes for the module.
export const text = (s: string | Uint8Array) => (typeof s === "string" ? utf8.encode(wellFormed(s, "JSON text")) : s);

// OpenPAYGO Token generation and stateless decoding.
import { OpaygoError, WasmInstance } from "./wasm.js";
import {
  ADD_TIME, SET_TIME, DISABLE_PAYG, COUNTER_SYNC, CODE_MESSAGES, RESULT_NAMES, TOKEN_EXTENDED, TOKEN_RESTRICTED,
} from "./abi.js";

export { RESULT_NAMES } from "./abi.js";

export const TOKEN_TYPES = ["ADD_TIME", "SET_TIME", "DISABLE_PAYG", "COUNTER_SYNC"] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];
export type DecodeResult = TokenType | "INVALID" | "ALREADY_USED";

const TYPE_CODES: Record<TokenType, number> = { ADD_TIME, SET_TIME, DISABLE_PAYG, COUNTER_SYNC };
const MAX_COUNT = 0xffff;

export interface GenerateOptions {
  key: string;
  count: number;
  type: TokenType;
  value?: number | null;
  startingCode?: number | null;
  valueDivider?: number;
  extended?: boolean;
  restricted?: boolean;
}

export interface DecodeOptions {
  key: string;
  count: number;
  token: string;
  usedCounts?: number;
  startingCode?: number | null;
  valueDivider?: number;
  restricted?: boolean;
}

export interface Decoded {
  type: DecodeResult;
  /** value / divider for ADD_TIME and SET_TIME; null otherwise */
  value: number | null;
  /** the token's own count (as in the C API's opaygo_decoded_t.count); null when refused */
  count: number | null;
  /** the device's highest count after this token (unchanged when refused) */
  maxCount: number;
  /** used-counts mask after this token */
  usedCounts: number;
}

let shared: WasmInstance<"full"> | undefined;
function full(): WasmInstance<"full"> {
  return (shared ??= new WasmInstance("full"));
}

// Python's round(): halves go to the even neighbour.
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

function checkInteger(name: string, value: unknown, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > max) {
    throw new OpaygoError(`${name} must be an integer from 0 to ${max}`);
  }
  return value;
}

function checkDivider(divider: number | undefined): number {
  const d = divider ?? 1;
  if (typeof d !== "number" || !Number.isFinite(d) || d <= 0) throw new OpaygoError("value divider must be a positive number");
  return d;
}

export function startingCodeOf(key: string): number {
  const m = full();
  m.setKey(key);
  return m.exports.token_starting_code() >>> 0;
}

export function generateToken(o: GenerateOptions): { count: number; token: string } {
  if (!(TOKEN_TYPES as readonly string[]).includes(o.type)) {
    throw new OpaygoError(`token type must be one of ${TOKEN_TYPES.join(", ")}`);
  }
  const count = checkInteger("count", o.count, 0x7ffffff0);
  const startingCode = o.startingCode == null ? 0 : checkInteger("starting code", o.startingCode, 999999999);
  let raw = 0;
  if (o.type === "ADD_TIME" || o.type === "SET_TIME") {
    if (typeof o.value !== "number" || !Number.isFinite(o.value)) throw new OpaygoError(`${o.type} needs a numeric value`);
    raw = roundHalfEven(o.value * checkDivider(o.valueDivider));
    const max = o.extended ? 999999 : 995;
    if (raw < 0 || raw > max) throw new OpaygoError(`value ${o.value} becomes ${raw} in the token; it must be 0..${max}`);
  } else if (o.value != null && o.value !== 0) {
    throw new OpaygoError(`${o.type} tokens carry no value`);
  }
  const m = full();
  m.setKey(o.key);
  const flags = (o.extended ? TOKEN_EXTENDED : 0) | (o.restricted ? TOKEN_RESTRICTED : 0);
  const n = m.exports.token_generate(startingCode, count, TYPE_CODES[o.type], raw, flags);
  if (n < 0) throw new OpaygoError(CODE_MESSAGES[n] ?? `generation failed (${n})`, n);
  return { count: m.exports.token_generated_count() >>> 0, token: m.text(n) };
}

export function decodeToken(o: DecodeOptions): Decoded {
  const count = checkInteger("count", o.count, MAX_COUNT);
  const usedCounts = checkInteger("used counts", o.usedCounts ?? 0, 0xffff);
  const startingCode = o.startingCode == null ? 0 : checkInteger("starting code", o.startingCode, 999999999);
  const divider = checkDivider(o.valueDivider);
  if (typeof o.token !== "string") throw new OpaygoError("token must be a string of digits");
  const m = full();
  m.setKey(o.key);
  const e = m.exports;
  const length = m.setText(o.token);
  const code = e.token_decode(startingCode, count, usedCounts, length, !!o.restricted);
  const type = RESULT_NAMES[code] as DecodeResult;
  const accepted = code >= ADD_TIME && code <= COUNTER_SYNC;
  return {
    type,
    value: code === ADD_TIME || code === SET_TIME ? (e.token_result_value() >>> 0) / divider : null,
    count: accepted ? e.token_result_count() >>> 0 : null,
    maxCount: accepted ? e.token_result_max_count() >>> 0 : count,
    usedCounts: accepted ? e.token_result_used_counts() & 0xffff : usedCounts,
  };
}

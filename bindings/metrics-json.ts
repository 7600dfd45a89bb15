// JSON text <-> JS values without losing what OpenPAYGO signatures depend on: a float literal
// stays a float (684.0 is a Float, 684 a number), and integers beyond 2^53 stay exact (bigint).
// Only used to carry values to the wasm module, which re-serializes them canonically itself.
// JS objects put integer-like keys first and treat "__proto__" apart: parseOrdered reads objects
// as Maps, which keep both the order and every key.

/** A float that must be written as a float even when it is integral (684.0). */
export class Float {
  constructor(readonly value: number) {}
}

/** A JSON object read by parseOrdered: its members in the order given, every key kept. */
export type JsonMap = Map<string, JsonValue>;

export type JsonValue = null | boolean | number | bigint | string | Float | JsonValue[] | JsonMap | { [key: string]: JsonValue };

/** JSON text to values; objects become plain JS objects. Every key is kept (`__proto__` too), but
 *  JS puts integer-like keys ("10", "53") first: use parseOrdered where member order matters. */
export function parseLossless(text: string): JsonValue {
  return parse(text, false);
}

/** JSON text to values, objects as Maps: members in the order given, every key kept. */
export function parseOrdered(text: string): JsonValue {
  return parse(text, true);
}

function parse(text: string, ordered: boolean): JsonValue {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`invalid JSON at offset ${i}: ${what}`);
  };
  const ws = () => {
    while (i < text.length && " \t\r\n".includes(text[i])) i++;
  };
  const value = (): JsonValue => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const members = new Map<string, JsonValue>();
      ws();
      if (text[i] !== "}") for (;;) {
        ws();
        if (text[i] !== '"') fail("expected a key");
        const k = string();
        ws();
        if (text[i++] !== ":") fail("expected ':'");
        if (members.has(k)) fail(`duplicate key ${JSON.stringify(k)}`);
        members.set(k, value());
        ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "}") break;
        fail("expected ',' or '}'");
      }
      i++;
      if (ordered) return members;
      // defineProperty: an assignment to "__proto__" would set the prototype instead
      const obj: { [key: string]: JsonValue } = {};
      for (const [k, v] of members) Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true });
      return obj;
    }
    if (c === "[") {
      i++;
      const arr: JsonValue[] = [];
      ws();
      if (text[i] === "]") { i++; return arr; }
      for (;;) {
        arr.push(value());
        ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "]") { i++; return arr; }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return string();
    for (const [word, v] of [["true", true], ["false", false], ["null", null]] as const) {
      if (text.startsWith(word, i)) { i += word.length; return v; }
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 1100));
    if (!m) fail("unexpected character");
    i += m![0].length;
    if (m![2] !== undefined || m![3] !== undefined) return new Float(Number(m![0]));
    const n = Number(m![0]);
    return Number.isSafeInteger(n) ? n : BigInt(m![0]);
  };
  const string = (): string => {
    const start = i;
    i++;
    for (; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
    if (i >= text.length) fail("unterminated string");
    i++;
    return JSON.parse(text.slice(start, i));
  };
  const v = value();
  ws();
  if (i !== text.length) fail("trailing characters");
  return v;
}

/** JSON text for a lossless value, as Python's json.dumps writes it (canonical JSON's numbers):
 *  integers of any size in full, floats as Python's repr (1.5, 100.0, 1e-05, 1e+16). */
export function stringifyLossless(v: JsonValue): string {
  if (v instanceof Float) return pythonFloat(v.value);
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") {
    if (Number.isInteger(v) && !Object.is(v, -0)) return Number.isSafeInteger(v) ? String(v) : BigInt(v).toString();
    return pythonFloat(v);
  }
  if (v === null || typeof v === "boolean" || typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return "[" + v.map(stringifyLossless).join(",") + "]";
  return "{" + [...members(v)].map(([k, x]) => JSON.stringify(k) + ":" + stringifyLossless(x)).join(",") + "}";
}

/** A double as Python's repr writes it: the shortest digits that read back to it, in exponent
 *  form below 1e-4 and from 1e16 (two exponent digits at least), else with a decimal point. */
export function pythonFloat(x: number): string {
  if (!Number.isFinite(x)) throw new Error("NaN and Infinity have no JSON form");
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const abs = Math.abs(x);
  if (abs >= 1e-4 && abs < 1e16) {
    // the range where JavaScript's shortest digits are written the same way, less a ".0"
    const s = String(x);
    return s.includes(".") ? s : s + ".0";
  }
  const sign = x < 0 ? "-" : "";
  const [mantissa, exponent] = Math.abs(x).toExponential().split("e"); // shortest round-trip digits
  const digits = mantissa.replace(".", "");
  const e = Number(exponent);
  if (e < -4 || e >= 16) {
    return `${sign}${digits[0]}${digits.length > 1 ? "." + digits.slice(1) : ""}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  if (e < 0) return `${sign}0.${"0".repeat(-e - 1)}${digits}`;
  return `${sign}${digits.slice(0, e + 1).padEnd(e + 1, "0")}.${digits.slice(e + 1) || "0"}`;
}

/** The members of an object value: a Map's in its order, a plain object's own enumerable ones. */
function members<T>(o: Map<string, T> | { [key: string]: T }): Iterable<[string, T]> {
  return o instanceof Map ? o.entries() : Object.entries(o);
}

/** Python's truth value of a JSON value (0, 0.0, "", [], {} and null are false). */
export function truthy(v: JsonValue | undefined): boolean {
  if (v === undefined || v === null) return false;
  if (v instanceof Float) return v.value !== 0;
  if (v instanceof Map) return v.size > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === "object") return Object.keys(v).length > 0;
  return Boolean(v);
}

// ---- raw spans: reading JSON text without parsing its values ------------------------------------

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** The end of the (valid) JSON value that starts at i: strings to their closing quote, arrays
 *  and objects by depth, other values to the next comma, bracket or space. */
export function valueEnd(text: string, i: number): number {
  let depth = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
      if (depth === 0) return i + 1;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      if (depth === 0) return i;
      if (--depth === 0) return i + 1;
    } else if (depth === 0 && (c === 0x2c || isSpace(c))) return i;
  }
  return i;
}

/** The members of the (valid) JSON object text at i: the raw key (with its quotes) and the value's
 *  span, each, and where the member starts. */
export function* rawEntries(text: string, i = 0): Generator<{ key: string; start: number; valueStart: number; valueEnd: number }> {
  i = skipSpace(text, i);
  if (text[i] !== "{") return;
  i = skipSpace(text, i + 1);
  while (text[i] === '"') {
    const start = i;
    const keyEnd = valueEnd(text, i);
    const valueStart = skipSpace(text, skipSpace(text, keyEnd) + 1);
    const end = valueEnd(text, valueStart);
    yield { key: text.slice(start, keyEnd), start, valueStart, valueEnd: end };
    i = skipSpace(text, end);
    if (text[i] !== ",") return;
    i = skipSpace(text, i + 1);
  }
}

/** The elements of the (valid) JSON array text at i, as spans [start, end). */
export function* rawElements(text: string, i = 0): Generator<[number, number]> {
  i = skipSpace(text, i);
  if (text[i] !== "[") return;
  i = skipSpace(text, i + 1);
  while (i < text.length && text[i] !== "]") {
    const end = valueEnd(text, i);
    yield [i, end];
    i = skipSpace(text, end);
    if (text[i] !== ",") return;
    i = skipSpace(text, i + 1);
  }
}

/** The raw text of a top-level member of a JSON object text (for exact comparisons). */
export function rawMember(text: string, key: string): string | undefined {
  for (const m of rawEntries(text)) if (JSON.parse(m.key) === key) return text.slice(m.valueStart, m.valueEnd);
  return undefined;
}

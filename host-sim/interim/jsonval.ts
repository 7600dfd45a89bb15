// Interim (until bindings/metrics.ts lands): JSON values that keep what a Python peer sees.
// Floats stay floats (`100.0` is not `100`), big integers stay exact, objects keep key order
// (JS objects would move "7" before "a"), and dump() writes Python's
// json.dumps(separators=(",", ":")) byte for byte, which is what every signature is computed over.

export class Float {
  constructor(readonly value: number) {}
}
export type JVal = null | boolean | string | number | bigint | Float | JVal[] | JObj;
export type JObj = Map<string, JVal>;

export class JsonError extends Error {}

export const MAX_DEPTH = 64;

export function isObj(v: unknown): v is JObj {
  return v instanceof Map;
}

export function obj(entries: [string, JVal][] = []): JObj {
  return new Map(entries);
}

export function num(v: JVal | undefined): number | null {
  if (typeof v === "number") return v;
  if (v instanceof Float) return v.value;
  if (typeof v === "bigint") return Number(v);
  return null;
}

export function isInt(v: JVal | undefined): v is number | bigint {
  return typeof v === "number" || typeof v === "bigint";
}

// Python truthiness, as the reference tests `if data.get(...)`.
export function truthy(v: JVal | undefined): boolean {
  if (v === undefined || v === null || v === false) return false;
  if (typeof v === "number") return v !== 0;
  if (typeof v === "bigint") return v !== 0n;
  if (v instanceof Float) return v.value !== 0;
  if (typeof v === "string" || Array.isArray(v)) return v.length > 0;
  if (isObj(v)) return v.size > 0;
  return true;
}

// Python str() of a scalar (used for ts / rc / auts / asl in signatures).
export function pyStr(v: JVal): string {
  if (v instanceof Float) return pyFloat(v.value);
  if (typeof v === "boolean") return v ? "True" : "False";
  if (v === null) return "None";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "bigint") return v.toString();
  return dump(v);
}

export function pyFloat(x: number): string {
  if (!Number.isFinite(x)) throw new JsonError("NaN and Infinity have no JSON form");
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, expText] = x.toExponential().split("e");
  const exp = Number(expText);
  const digits = mantissa.replace("-", "").replace(".", "");
  const sign = x < 0 ? "-" : "";
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  if (exp >= 0) {
    if (digits.length <= exp + 1) return `${sign}${digits}${"0".repeat(exp + 1 - digits.length)}.0`;
    return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
}

function dumpString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += "\\\\";
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c === 0x08) out += "\\b";
    else if (c === 0x0c) out += "\\f";
    else if (c < 0x20 || c > 0x7e) out += "\\u" + c.toString(16).padStart(4, "0");
    else out += s[i];
  }
  return out + '"';
}

export function dump(v: JVal, depth = 0): string {
  if (depth > MAX_DEPTH) throw new JsonError("nested too deeply");
  if (v === null) return "null";
  if (v === true) return "true";
  if (v === false) return "false";
  if (typeof v === "string") return dumpString(v);
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) throw new JsonError(`integer ${v} out of range`);
    return String(v);
  }
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Float) return pyFloat(v.value);
  if (Array.isArray(v)) return "[" + v.map((x) => dump(x, depth + 1)).join(",") + "]";
  let out = "{";
  let first = true;
  for (const [k, x] of v) {
    out += (first ? "" : ",") + dumpString(k) + ":" + dump(x, depth + 1);
    first = false;
  }
  return out + "}";
}

// Strict RFC 8259 parser into JVal. Throws JsonError with a position on anything else.
export function parse(text: string): JVal {
  let i = 0;
  const fail = (what: string): never => {
    throw new JsonError(`invalid JSON at offset ${i}: ${what}`);
  };
  const ws = () => {
    while (i < text.length && (text[i] === " " || text[i] === "\n" || text[i] === "\r" || text[i] === "\t")) i++;
  };
  const value = (depth: number): JVal => {
    if (depth > MAX_DEPTH) fail("nested too deeply");
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const m: JObj = new Map();
      ws();
      if (text[i] === "}") { i++; return m; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail("expected a key string");
        const k = string();
        ws();
        if (text[i] !== ":") fail("expected ':'");
        i++;
        m.set(k, value(depth + 1));
        ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "}") { i++; return m; }
        fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      i++;
      const a: JVal[] = [];
      ws();
      if (text[i] === "]") { i++; return a; }
      for (;;) {
        a.push(value(depth + 1));
        ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "]") { i++; return a; }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return string();
    if (text.startsWith("true", i)) { i += 4; return true; }
    if (text.startsWith("false", i)) { i += 5; return false; }
    if (text.startsWith("null", i)) { i += 4; return null; }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) return fail("unexpected character");
    i += m[0].length;
    if (m[2] !== undefined || m[3] !== undefined) {
      const f = Number(m[0]);
      if (!Number.isFinite(f)) fail("number out of range");
      return new Float(f);
    }
    const n = Number(m[0]);
    return Number.isSafeInteger(n) ? (Object.is(n, -0) ? 0 : n) : BigInt(m[0]);
  };
  const string = (): string => {
    i++;
    let out = "";
    for (;;) {
      if (i >= text.length) fail("unterminated string");
      const c = text.charCodeAt(i);
      if (c === 0x22) { i++; return out; }
      if (c < 0x20) fail("control character in string");
      if (c !== 0x5c) { out += text[i++]; continue; }
      const e = text[i + 1];
      const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
      if (e in simple) { out += simple[e]; i += 2; continue; }
      if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      fail("bad escape");
    }
  };
  const v = value(0);
  ws();
  if (i !== text.length) fail("trailing characters");
  return v;
}

// Plain JS view (for storage and reports): floats become numbers, maps objects.
export function toPlain(v: JVal): unknown {
  if (v instanceof Float) return v.value;
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (Array.isArray(v)) return v.map(toPlain);
  if (isObj(v)) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v) o[k] = toPlain(x);
    return o;
  }
  return v;
}

// Interim (until bindings/metrics.ts lands): the CBOR subset a Metrics payload needs (RFC 8949):
// integers, text, arrays, maps with text keys, false/true/null, half/single/double floats.
// Floats are written in the shortest width that keeps the value exactly.
import { Float, JObj, JVal, JsonError, MAX_DEPTH } from "./jsonval.js";

export function encodeCbor(v: JVal): Buffer {
  const out: number[] = [];
  const head = (major: number, n: number | bigint) => {
    const b = BigInt(n);
    if (b < 24n) out.push((major << 5) | Number(b));
    else if (b < 0x100n) out.push((major << 5) | 24, Number(b));
    else if (b < 0x10000n) out.push((major << 5) | 25, Number(b >> 8n), Number(b & 0xffn));
    else if (b < 0x100000000n) { out.push((major << 5) | 26); for (let s = 24n; s >= 0n; s -= 8n) out.push(Number((b >> s) & 0xffn)); }
    else if (b < 0x10000000000000000n) { out.push((major << 5) | 27); for (let s = 56n; s >= 0n; s -= 8n) out.push(Number((b >> s) & 0xffn)); }
    else throw new JsonError("integer too large for CBOR");
  };
  const put = (x: JVal, depth: number) => {
    if (depth > MAX_DEPTH) throw new JsonError("nested too deeply");
    if (x === false) out.push(0xf4);
    else if (x === true) out.push(0xf5);
    else if (x === null) out.push(0xf6);
    else if (typeof x === "number" || typeof x === "bigint") {
      const b = BigInt(x);
      if (b >= 0n) head(0, b); else head(1, -1n - b);
    } else if (typeof x === "string") {
      const bytes = Buffer.from(x, "utf8");
      head(3, bytes.length);
      for (const c of bytes) out.push(c);
    } else if (x instanceof Float) putFloat(x.value);
    else if (Array.isArray(x)) { head(4, x.length); for (const e of x) put(e, depth + 1); }
    else { head(5, x.size); for (const [k, e] of x) { put(k, depth + 1); put(e, depth + 1); } }
  };
  const putFloat = (f: number) => {
    if (!Number.isFinite(f)) throw new JsonError("NaN and Infinity are not sent");
    const h = toHalf(f);
    if (h !== null) { out.push(0xf9, h >> 8, h & 0xff); return; }
    const buf = Buffer.alloc(8);
    if (Math.fround(f) === f) { buf.writeFloatBE(f); out.push(0xfa, ...buf.subarray(0, 4)); }
    else { buf.writeDoubleBE(f); out.push(0xfb, ...buf); }
  };
  put(v, 0);
  return Buffer.from(out);
}

// The IEEE half-precision bits of f when f is exactly representable, else null.
function toHalf(f: number): number | null {
  if (f === 0) return Object.is(f, -0) ? 0x8000 : 0;
  const sign = f < 0 ? 0x8000 : 0;
  const a = Math.abs(f);
  const e = Math.floor(Math.log2(a));
  if (e > 15 || e < -24) return null;
  if (e < -14) { // subnormal: a = m * 2^-24
    const m = a * 2 ** 24;
    return Number.isInteger(m) ? sign | m : null;
  }
  const m = (a / 2 ** e - 1) * 1024;
  if (!Number.isInteger(m) || m < 0 || m > 1023) return null;
  return sign | ((e + 15) << 10) | m;
}

function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return m ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

export function decodeCbor(buf: Uint8Array): JVal {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.length);
  let i = 0;
  const fail = (what: string): never => { throw new JsonError(`invalid CBOR at offset ${i}: ${what}`); };
  const need = (n: number) => { if (i + n > b.length) fail("truncated"); };
  const arg = (info: number): bigint => {
    if (info < 24) return BigInt(info);
    const width = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : fail("indefinite lengths are not supported");
    need(width as number);
    let v = 0n;
    for (let k = 0; k < (width as number); k++) v = (v << 8n) | BigInt(b[i++]);
    return v;
  };
  const int = (v: bigint): number | bigint => (v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
  // every element takes at least one byte, so a count above the bytes left is a lie
  const length = (v: bigint): number => (v > BigInt(b.length - i) ? fail("length past the end") : Number(v));
  const item = (depth: number): JVal => {
    if (depth > MAX_DEPTH) fail("nested too deeply");
    need(1);
    const ib = b[i++];
    const major = ib >> 5, info = ib & 0x1f;
    if (major === 7) {
      if (info === 20) return false;
      if (info === 21) return true;
      if (info === 22) return null;
      let f: number;
      if (info === 25) { need(2); f = fromHalf(b.readUInt16BE(i)); i += 2; }
      else if (info === 26) { need(4); f = b.readFloatBE(i); i += 4; }
      else if (info === 27) { need(8); f = b.readDoubleBE(i); i += 8; }
      else return fail("unsupported simple value");
      if (!Number.isFinite(f)) fail("NaN and Infinity have no JSON form");
      return new Float(f);
    }
    const v = arg(info);
    if (major === 0) return int(v);
    if (major === 1) return int(-1n - v);
    if (major === 3) {
      const n = length(v);
      need(n);
      const s = new TextDecoder("utf-8", { fatal: true });
      let text: string;
      try { text = s.decode(b.subarray(i, i + n)); } catch { return fail("text is not UTF-8"); }
      i += n;
      return text;
    }
    if (major === 4) {
      const n = length(v);
      const a: JVal[] = [];
      for (let k = 0; k < n; k++) a.push(item(depth + 1));
      return a;
    }
    if (major === 5) {
      const n = length(v);
      const m: JObj = new Map();
      for (let k = 0; k < n; k++) {
        const key = item(depth + 1);
        if (typeof key !== "string") fail("map keys must be text");
        m.set(key as string, item(depth + 1));
      }
      return m;
    }
    return fail(major === 2 ? "byte strings are not supported" : "tags are not supported");
  };
  const v = item(0);
  if (i !== b.length) fail("trailing bytes");
  return v;
}

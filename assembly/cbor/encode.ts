// CBOR encoding primitives with RFC 8949 §4.1 preferred serialization: shortest argument heads,
// definite lengths only, floats in the shortest of f16 / f32 / f64 that holds the value exactly
// (-0.0 as f16). Each writes one item (or, for arrays and maps, the head: the caller writes the
// n elements / n key-value pairs after it) at out and returns the bytes written, or ERR_JSON_SPACE;
// cborFloat refuses NaN and ±Inf (ERR_JSON_NOT_FINITE: no JSON form).
//   cborHead(major, arg: u64, out, cap)   major 0..7 with argument arg
//   cborUint(v: u64, ...)  cborInt(v: i64, ...)  cborNegative(n: u64, ...) = the integer -1-n
//   cborFloat(v: f64, ...)  cborArray(n: u32, ...)  cborMap(n: u32, ...)
//   cborBool(b, ...)  cborNull(...)
import { ERR_JSON_NOT_FINITE, ERR_JSON_SPACE } from "../abi";

function putBE(out: usize, v: u64, bytes: i32): void {
  for (let i = 0; i < bytes; i++) store<u8>(out + <usize>i, <u8>(v >> (<u64>(8 * (bytes - 1 - i)))));
}

export function cborHead(major: u32, arg: u64, out: usize, cap: i32): i32 {
  let ib = (major & 7) << 5;
  let bytes = arg < 24 ? 0 : arg < 0x100 ? 1 : arg < 0x10000 ? 2 : arg < 0x100000000 ? 4 : 8;
  if (cap < bytes + 1) return ERR_JSON_SPACE;
  store<u8>(out, <u8>(ib | (bytes == 0 ? <u32>arg : bytes == 1 ? 24 : bytes == 2 ? 25 : bytes == 4 ? 26 : 27)));
  putBE(out + 1, arg, bytes);
  return bytes + 1;
}

export function cborUint(v: u64, out: usize, cap: i32): i32 { return cborHead(0, v, out, cap); }
export function cborNegative(n: u64, out: usize, cap: i32): i32 { return cborHead(1, n, out, cap); }
export function cborInt(v: i64, out: usize, cap: i32): i32 {
  return v < 0 ? cborHead(1, <u64>(-1 - v), out, cap) : cborHead(0, <u64>v, out, cap);
}
export function cborArray(n: u32, out: usize, cap: i32): i32 { return cborHead(4, n, out, cap); }
export function cborMap(n: u32, out: usize, cap: i32): i32 { return cborHead(5, n, out, cap); }
export function cborBool(b: bool, out: usize, cap: i32): i32 { return cborHead(7, b ? 21 : 20, out, cap); }
export function cborNull(out: usize, cap: i32): i32 { return cborHead(7, 22, out, cap); }

// The half-precision bits of v when v is exactly representable as f16, else -1.
export function toHalf(v: f64): i32 {
  let bits = reinterpret<u64>(v);
  let sign = <i32>(bits >> 48) & 0x8000;
  let be = <i32>(bits >> 52) & 0x7ff;
  let f = bits & 0xfffffffffffff;
  if (be == 0) return f == 0 ? sign : -1;
  let e = be - 1023;
  if (e > 15 || e < -24) return -1;
  if (e >= -14) return (f & 0x3ffffffffff) == 0 ? sign | ((e + 15) << 10) | <i32>(f >> 42) : -1;
  let m = f | (<u64>1 << 52);
  let shift = <u64>(28 - e);
  return (m & ((<u64>1 << shift) - 1)) == 0 ? sign | <i32>(m >> shift) : -1;
}

export function cborFloat(v: f64, out: usize, cap: i32): i32 {
  if (v - v != 0) return ERR_JSON_NOT_FINITE;
  let h = toHalf(v);
  let bytes: i32;
  let bits: u64;
  if (h >= 0) { bytes = 2; bits = <u64>h; }
  else if (<f64><f32>v == v) { bytes = 4; bits = <u64>reinterpret<u32>(<f32>v); }
  else { bytes = 8; bits = reinterpret<u64>(v); }
  if (cap < bytes + 1) return ERR_JSON_SPACE;
  store<u8>(out, <u8>(bytes == 2 ? 0xf9 : bytes == 4 ? 0xfa : 0xfb));
  putBE(out + 1, bits, bytes);
  return bytes + 1;
}

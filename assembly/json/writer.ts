// The CBOR decoder's output cursor (its JSON text; json/out.ts is the payload writer's).
// When not writing (validation only) it just counts. Running out of room sets a flag instead of
// failing at once, so the callers check wFull() once at the end.
import { ERR_JSON_NOT_FINITE } from "../abi";
import { escapeCodePoint } from "./string";
import { formatF64, formatInteger } from "../decimal";
import { NUM_TEXT } from "../memory";

let base: usize = 0;
let capacity: i32 = 0;
let length: i32 = 0;
let writing: bool = false;
let full: bool = false;

export function wBegin(out: usize, cap: i32, write: bool): void {
  base = out;
  capacity = cap;
  length = 0;
  writing = write;
  full = false;
}
export function wLen(): i32 { return length; }
export function wFull(): bool { return full; }
export function wWriting(): bool { return writing && !full; }

export function wByte(b: u32): void {
  if (writing) {
    if (length >= capacity) full = true;
    else store<u8>(base + <usize>length, <u8>b);
  }
  length++;
}

export function wBytes(src: usize, n: i32): void {
  for (let i = 0; i < n; i++) wByte(<u32>load<u8>(src + <usize>i));
}

export function wCodePoint(cp: u32): void {
  wBytes(NUM_TEXT, escapeCodePoint(cp, NUM_TEXT));
}

// Returns 0 or ERR_JSON_NOT_FINITE.
export function wFloat(v: f64): i32 {
  let n = formatF64(reinterpret<u64>(v));
  if (n < 0) return ERR_JSON_NOT_FINITE;
  wBytes(NUM_TEXT, n);
  return 0;
}

export function wBase(): usize { return base; }

// Decimal of v, with a '-' in front when neg.
export function wUint(v: u64, neg: bool): void {
  wBytes(NUM_TEXT, formatInteger(v, neg));
}

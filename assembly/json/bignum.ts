// Unsigned big integers for exact float formatting and parsing: little-endian u32 words after a
// u32 word count, in static slots. Sized for the worst case of parsing (an 801-digit decimal
// against a halfway point scaled by 10^1125 and 2^1076: under 3800 bits). An operation that would
// pass the capacity sets bnOverflow instead of writing out of bounds.
// The slots (BN_WORDS words each) are JSON_BN_POOL (memory.ts).
import { JSON_BN_WORDS as BN_WORDS, JSON_BN_POOL as POOL } from "../memory";

const BN_BYTES: usize = 4 + 4 * <usize>BN_WORDS;
export const BN0: usize = POOL;
export const BN1: usize = POOL + BN_BYTES;
export const BN2: usize = POOL + 2 * BN_BYTES;
export const BN3: usize = POOL + 3 * BN_BYTES;
export const BN4: usize = POOL + 4 * BN_BYTES;

export let bnOverflow: bool = false;

@inline function size(a: usize): i32 { return load<i32>(a); }
@inline function word(a: usize, i: i32): u32 { return load<u32>(a + 4 + (<usize>i << 2)); }
@inline function setWord(a: usize, i: i32, v: u32): void { store<u32>(a + 4 + (<usize>i << 2), v); }

function trim(a: usize, n: i32): void {
  while (n > 0 && word(a, n - 1) == 0) n--;
  store<i32>(a, n);
}

export function bnSet(a: usize, v: u64): void {
  setWord(a, 0, <u32>v);
  setWord(a, 1, <u32>(v >> 32));
  trim(a, 2);
}

export function bnCopy(dst: usize, src: usize): void {
  let n = size(src);
  for (let i = 0; i < n; i++) setWord(dst, i, word(src, i));
  store<i32>(dst, n);
}

// a = a * m + add
export function bnMulAdd(a: usize, m: u32, add: u32): void {
  let n = size(a);
  let carry = <u64>add;
  for (let i = 0; i < n; i++) {
    let t = <u64>word(a, i) * m + carry;
    setWord(a, i, <u32>t);
    carry = t >> 32;
  }
  if (carry != 0) {
    if (n >= BN_WORDS) { bnOverflow = true; return; }
    setWord(a, n++, <u32>carry);
  }
  store<i32>(a, n);
}

export function bnShl(a: usize, bits: i32): void {
  let n = size(a);
  if (n == 0 || bits <= 0) return;
  let ws = bits >>> 5;
  let b = <u32>(bits & 31);
  if (n + ws + 1 > BN_WORDS) { bnOverflow = true; return; }
  if (b == 0) {
    for (let i = n - 1; i >= 0; i--) setWord(a, i + ws, word(a, i));
    n += ws;
  } else {
    setWord(a, n + ws, word(a, n - 1) >> (32 - b));
    for (let i = n - 1; i > 0; i--) setWord(a, i + ws, (word(a, i) << b) | (word(a, i - 1) >> (32 - b)));
    setWord(a, ws, word(a, 0) << b);
    n += ws + 1;
  }
  for (let i = 0; i < ws; i++) setWord(a, i, 0);
  trim(a, n);
}

// a *= 10^k as 5^k (13 at a time: 5^13 < 2^32) then 2^k.
export function bnMulPow10(a: usize, k: i32): void {
  let p = k;
  while (p > 0) {
    let m: u32 = 1;
    for (let i = 0; i < 13 && p > 0; i++, p--) m *= 5;
    bnMulAdd(a, m, 0);
  }
  bnShl(a, k);
}

export function bnCmp(a: usize, b: usize): i32 {
  let n = size(a);
  let m = size(b);
  if (n != m) return n > m ? 1 : -1;
  for (let i = n - 1; i >= 0; i--) {
    let x = word(a, i);
    let y = word(b, i);
    if (x != y) return x > y ? 1 : -1;
  }
  return 0;
}

// a -= b; requires a >= b.
export function bnSub(a: usize, b: usize): void {
  let n = size(a);
  let m = size(b);
  let borrow: u64 = 0;
  for (let i = 0; i < n; i++) {
    let t = <u64>word(a, i) - (i < m ? <u64>word(b, i) : 0) - borrow;
    setWord(a, i, <u32>t);
    borrow = (t >> 32) & 1;
  }
  trim(a, n);
}

// d = a + b (d may be a or b).
export function bnAdd(d: usize, a: usize, b: usize): void {
  let n = size(a);
  let m = size(b);
  let top = n > m ? n : m;
  let carry: u64 = 0;
  for (let i = 0; i < top; i++) {
    let t = (i < n ? <u64>word(a, i) : 0) + (i < m ? <u64>word(b, i) : 0) + carry;
    setWord(d, i, <u32>t);
    carry = t >> 32;
  }
  if (carry != 0) {
    if (top >= BN_WORDS) { bnOverflow = true; store<i32>(d, top); return; }
    setWord(d, top++, 1);
  }
  store<i32>(d, top);
}

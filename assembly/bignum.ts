// Fixed-size unsigned big integers for exact float <-> decimal conversion (decimal.ts). Each
// number is LIMBS little-endian u32 words at a static address; nothing is allocated. Sized per
// build: 1280 bits hold every intermediate of shortest-digit printing and of correctly rounded
// parsing of up to 40 significant digits (the device); 4096 bits, of up to 801 (the full build's
// JSON numbers, 800 digits and a sticky one: a 801-digit decimal against a halfway point scaled
// by 10^1131 and 2^1076 stays under 3,840 bits).
export const LIMBS: i32 = OPAYGO_FULL ? 128 : 40;
export const BN_SIZE: i32 = LIMBS * 4;

// The full build works on the low `words` limbs only, from bnUse(n) on: every number the printer
// and a parse of at most 40 digits make fits in SMALL_LIMBS (as on the device), and the work
// then stays that of the device's numbers.
export const SMALL_LIMBS: i32 = 40;
let words: i32 = LIMBS;
export function bnUse(n: i32): void { if (OPAYGO_FULL) words = n; }
@inline function used(): i32 { return OPAYGO_FULL ? words : LIMBS; }

export function bnZero(a: usize): void {
  for (let i = 0; i < used(); i++) store<u32>(a + (<usize>i << 2), 0);
}

export function bnSetU64(a: usize, v: u64): void {
  bnZero(a);
  store<u32>(a, <u32>v);
  store<u32>(a, <u32>(v >> 32), 4);
}

// a <<= n bits (bits shifted past the top are lost; callers stay within range).
export function bnShl(a: usize, n: i32): void {
  if (n <= 0) return;
  let words = n >> 5;
  let bits = n & 31;
  for (let i = used() - 1; i >= 0; i--) {
    let src = i - words;
    let hi: u32 = src >= 0 ? load<u32>(a + (<usize>src << 2)) : 0;
    let lo: u32 = src - 1 >= 0 ? load<u32>(a + (<usize>(src - 1) << 2)) : 0;
    let v = bits == 0 ? hi : (hi << bits) | (lo >> (32 - bits));
    store<u32>(a + (<usize>i << 2), v);
  }
}

// a = a * m + add
export function bnMulSmall(a: usize, m: u32, add: u32 = 0): void {
  let carry: u64 = add;
  for (let i = 0; i < used(); i++) {
    let p = <u64>load<u32>(a + (<usize>i << 2)) * <u64>m + carry;
    store<u32>(a + (<usize>i << 2), <u32>p);
    carry = p >> 32;
  }
}

export function bnMulPow10(a: usize, n: i32): void {
  while (n >= 9) { bnMulSmall(a, 1000000000); n -= 9; }
  let m: u32 = 1;
  while (n-- > 0) m *= 10;
  if (m != 1) bnMulSmall(a, m);
}

// Sign of a + (b << shift) - s, shift 0 or 1, without a temporary: one pass with a signed carry
// (bits shifted past the top are lost, as in bnShl).
export function bnCmpSum(a: usize, b: usize, shift: i32, s: usize): i32 {
  let carry: i64 = 0;
  let nonzero = false;
  let prev: u32 = 0;
  for (let i = 0; i < used(); i++) {
    let w = load<u32>(b + (<usize>i << 2));
    let bw = shift == 0 ? w : (w << 1) | (prev >> 31);
    prev = w;
    let d = <i64>load<u32>(a + (<usize>i << 2)) + <i64>bw - <i64>load<u32>(s + (<usize>i << 2)) + carry;
    if (<u32>d != 0) nonzero = true;
    carry = d >> 32;
  }
  if (carry != 0) return carry < 0 ? -1 : 1;
  return nonzero ? 1 : 0;
}

// a -= b, requires a >= b
export function bnSub(a: usize, b: usize): void {
  let borrow: i64 = 0;
  for (let i = 0; i < used(); i++) {
    let d = <i64>load<u32>(a + (<usize>i << 2)) - <i64>load<u32>(b + (<usize>i << 2)) - borrow;
    borrow = d < 0 ? 1 : 0;
    store<u32>(a + (<usize>i << 2), <u32>(d + (borrow << 32)));
  }
}

export function bnCmp(a: usize, b: usize): i32 {
  for (let i = used() - 1; i >= 0; i--) {
    let x = load<u32>(a + (<usize>i << 2));
    let y = load<u32>(b + (<usize>i << 2));
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

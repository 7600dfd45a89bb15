// Compact storage of data rows (the current `d` and each historical row) and the variable
// names of the data format. A row is a sequence of entries in the order the host put them:
//   [var u8][tag u8][payload]      var = index in the format's order,
//   [255][n u8][name: n bytes][tag][payload]   for a variable that is not in the order.
// Payloads: INT zigzag LEB128; DEC a float that is m / 10^k exactly (zigzag LEB128 m, u8 k);
// F64 8 bytes; STR LEB128 length + UTF-8; ARR u8 count + elements (tag + payload, flat).
// A profile without floats (OPAYGO_FLOATS=0) never stores DEC or F64, one without the simple form
// (OPAYGO_SIMPLE=0) never an inline name: their code is left out.
import { formatF64 } from "../decimal";
import { utf8Valid } from "../utf8";
import { ROWS } from "./state";
import { NAMES0, NAMES1, NAMES_CAPACITY, NUM_TEXT, STAGE_ROW, ROW_CAPACITY } from "../memory";
import { wBool, wDecimal, wFloat, wInt, wNull, wString, wArrayOpen, wArrayClose, wComma } from "../json/out";
import { FLOATS_BUILT, SIMPLE_BUILT } from "../profile";

export const T_NULL: u8 = 0;
export const T_FALSE: u8 = 1;
export const T_TRUE: u8 = 2;
export const T_INT: u8 = 3;
export const T_DEC: u8 = 4;
export const T_F64: u8 = 5;
export const T_STR: u8 = 6;
export const T_ARR: u8 = 7;
export const INLINE_NAME: u8 = 255;

// ---- names of the data format ------------------------------------------------------------
// Two lists (0: data_order, 1: historical_data_order), each [n u8][bytes]... in its own area.


export function namesReset(): void {
  let s = ROWS;
  s.namesUsed0 = 0;
  s.namesUsed1 = 0;
  s.nameCount0 = 0;
  s.nameCount1 = 0;
}
export function nameCount(list: i32): i32 { return list == 0 ? ROWS.nameCount0 : ROWS.nameCount1; }

// Returns false when the table is full or the name too long.
export function nameAdd(list: i32, ptr: usize, len: i32): bool {
  if (len < 0 || len > 254) return false;
  let s = ROWS;
  let used = <i32>(list == 0 ? s.namesUsed0 : s.namesUsed1);
  if (used + 1 + len > NAMES_CAPACITY || nameCount(list) >= 254) return false;
  let area = list == 0 ? NAMES0 : NAMES1;
  store<u8>(area + used, len);
  for (let i = 0; i < len; i++) store<u8>(area + used + 1 + i, load<u8>(ptr + <usize>i));
  used += 1 + len;
  if (list == 0) { s.namesUsed0 = <u16>used; s.nameCount0++; } else { s.namesUsed1 = <u16>used; s.nameCount1++; }
  return true;
}

// Address of the length byte of name number idx of a list (0 if none).
export function nameAt(list: i32, idx: i32): usize {
  let area = list == 0 ? NAMES0 : NAMES1;
  let p = area;
  if (idx < 0 || idx >= nameCount(list)) return 0;
  for (let i = 0; i < idx; i++) p += 1 + <usize>load<u8>(p);
  return p;
}

export function nameIndex(list: i32, ptr: usize, len: i32): i32 {
  let n = nameCount(list);
  let p = list == 0 ? NAMES0 : NAMES1;
  for (let i = 0; i < n; i++) {
    let l = <i32>load<u8>(p);
    if (l == len) {
      let same = true;
      for (let j = 0; j < len; j++) if (load<u8>(p + 1 + j) != load<u8>(ptr + <usize>j)) { same = false; break; }
      if (same) return i;
    }
    p += 1 + <usize>l;
  }
  return -1;
}

// ---- writing entries ------------------------------------------------------------------------

// The row being built, in STAGE_ROW: a write past its capacity is counted, not stored, and the
// entry that made it is taken back (rowTruncate) before the call returns.
export function rowStart(): void { ROWS.rowLen = 0; }
export function rowLength(): i32 { return ROWS.rowLen; }
export function rowOverflowed(): bool { return <i32>ROWS.rowLen > ROW_CAPACITY; }
export function rowTruncate(len: i32): void { ROWS.rowLen = <u16>len; }

export function putByte(b: u32): void {
  let n = <i32>ROWS.rowLen;
  if (n < ROW_CAPACITY) store<u8>(STAGE_ROW + <usize>n, b);
  ROWS.rowLen = <u16>(n + 1);
}

function putVarint(v: u64): void {
  while (v >= 0x80) { putByte(<u32>(v & 0x7f) | 0x80); v >>= 7; }
  putByte(<u32>v);
}

@inline function zigzag(v: i64): u64 { return <u64>((v << 1) ^ (v >> 63)); }

export function putIntValue(v: i64): void { putByte(T_INT); putVarint(zigzag(v)); }

// A finite double given by its bits: as DEC (the digits of its repr and their decimals, 3 bytes
// for a typical reading instead of 9) when that repr is plain with at most 15 digits: the double
// is then the one nearest to those digits, which the writer rebuilds exactly.
export function putFloatValue(bits: u64): void {
  let n = formatF64(bits);
  let neg = n > 0 && load<u8>(NUM_TEXT) == 0x2d;
  let m: i64 = 0;
  let k = 0;
  // -0.0 stays F64 (m = 0 has no sign).
  let ok = n > 0 && !(neg && (bits << 1) == 0);
  let afterPoint = false;
  let digits = 0;
  for (let i = neg ? 1 : 0; ok && i < n; i++) {
    let c = load<u8>(NUM_TEXT + i);
    if (c == 0x2e) { afterPoint = true; continue; }
    if (c < 0x30 || c > 0x39 || ++digits > 15) { ok = false; break; }
    m = m * 10 + <i64>(c - 0x30);
    if (afterPoint) k++;
  }
  while (ok && k > 0 && m % 10 == 0) { m /= 10; k--; }
  if (ok) {
    putByte(T_DEC);
    putVarint(zigzag(neg ? -m : m));
    putByte(<u32>k);
    return;
  }
  putByte(T_F64);
  for (let i = 0; i < 8; i++) putByte(<u32>(bits >> (<u64>i << 3)) & 0xff);
}

export function putStringValue(ptr: usize, len: i32): bool {
  if (!utf8Valid(ptr, len)) return false;
  putByte(T_STR);
  putVarint(<u64>len);
  for (let i = 0; i < len; i++) putByte(load<u8>(ptr + <usize>i));
  return true;
}

// ---- reading entries ------------------------------------------------------------------------

function readVarint(p: usize, end: usize): u64 {
  let v: u64 = 0;
  let s: u64 = 0;
  while (p < end && s < 64) {
    let b = load<u8>(p++);
    v |= <u64>(b & 0x7f) << s;
    if ((b & 0x80) == 0) break;
    s += 7;
  }
  return v;
}

function varintEnd(p: usize, end: usize): usize {
  while (p < end && (load<u8>(p) & 0x80) != 0) p++;
  return p < end ? p + 1 : end;
}

@inline function unzigzag(u: u64): i64 { return <i64>(u >> 1) ^ -<i64>(u & 1); }

// End of the value (tag + payload) at p.
export function valueEnd(p: usize, end: usize): usize {
  if (p >= end) return end;
  let tag = load<u8>(p++);
  if (tag == T_INT) return varintEnd(p, end);
  if (FLOATS_BUILT && tag == T_DEC) return varintEnd(p, end) + 1;
  if (FLOATS_BUILT && tag == T_F64) return p + 8;
  if (tag == T_STR) { let n = readVarint(p, end); return varintEnd(p, end) + <usize>n; }
  if (tag == T_ARR) {
    let n = <i32>load<u8>(p++);
    for (let i = 0; i < n; i++) p = valueEnd(p, end);
    return p;
  }
  return p;
}

// Position of the value of an entry at p (skipping its variable reference).
export function entryValue(p: usize): usize {
  if (SIMPLE_BUILT && load<u8>(p) == INLINE_NAME) return p + 2 + <usize>load<u8>(p + 1);
  return p + 1;
}

export function entryEnd(p: usize, end: usize): usize { return valueEnd(entryValue(p), end); }

// Python truthiness of a stored value.
export function valueTruthy(p: usize, end: usize): bool {
  let tag = load<u8>(p);
  if (tag == T_NULL || tag == T_FALSE) return false;
  if (tag == T_INT) return readVarint(p + 1, end) != 0;
  if (FLOATS_BUILT && tag == T_DEC) return readVarint(p + 1, end) != 0;
  if (FLOATS_BUILT && tag == T_F64) return (load<u64>(p + 1) << 1) != 0;
  if (tag == T_STR || tag == T_ARR) return load<u8>(p + 1) != 0;
  return true;
}

export function valueIsNull(p: usize): bool { return load<u8>(p) == T_NULL; }

export function writeStoredValue(p: usize, end: usize): void {
  let tag = load<u8>(p++);
  if (tag == T_NULL) wNull();
  else if (tag == T_FALSE) wBool(false);
  else if (tag == T_TRUE) wBool(true);
  else if (tag == T_INT) wInt(unzigzag(readVarint(p, end)));
  else if (FLOATS_BUILT && tag == T_DEC) {
    let m = unzigzag(readVarint(p, end));
    wDecimal(<u64>(m < 0 ? -m : m), <i32>load<u8>(varintEnd(p, end)), m < 0);
  } else if (FLOATS_BUILT && tag == T_F64) wFloat(load<u64>(p));
  else if (tag == T_STR) {
    let n = <i32>readVarint(p, end);
    wString(varintEnd(p, end), n);
  } else if (tag == T_ARR) {
    let n = <i32>load<u8>(p++);
    wArrayOpen(n);
    for (let i = 0; i < n; i++) {
      if (i > 0) wComma();
      writeStoredValue(p, end);
      p = valueEnd(p, end);
    }
    wArrayClose();
  }
}

// Index of the variable of the entry at p (-1 for an inline name).
export function entryVar(p: usize): i32 {
  let v = load<u8>(p);
  return SIMPLE_BUILT && v == INLINE_NAME ? -1 : <i32>v;
}

// Finds the entry for variable idx in a row; returns its address or 0.
export function findEntry(row: usize, len: i32, idx: i32): usize {
  let end = row + <usize>len;
  for (let p = row; p < end; p = entryEnd(p, end)) if (entryVar(p) == idx) return p;
  return 0;
}

// The row's entry whose name (from `list` or inline) equals the bytes, or 0. Without the simple
// form every entry is in the format: the name's first index in the list finds it (a name the list
// holds twice is always put under its first).
export function findNamed(row: usize, len: i32, list: i32, name: usize, nameLen: i32): usize {
  if (!SIMPLE_BUILT) {
    let idx = nameIndex(list, name, nameLen);
    return idx < 0 ? 0 : findEntry(row, len, idx);
  }
  let end = row + <usize>len;
  for (let p = row; p < end; p = entryEnd(p, end)) {
    let np: usize;
    let nl: i32;
    if (load<u8>(p) == INLINE_NAME) { np = p + 2; nl = load<u8>(p + 1); }
    else { let a = nameAt(list, load<u8>(p)); if (a == 0) continue; np = a + 1; nl = load<u8>(a); }
    if (nl != nameLen) continue;
    let same = true;
    for (let j = 0; j < nl; j++) if (load<u8>(np + <usize>j) != load<u8>(name + <usize>j)) { same = false; break; }
    if (same) return p;
  }
  return 0;
}

export function entryCount(row: usize, len: i32): i32 {
  let end = row + <usize>len;
  let n = 0;
  for (let p = row; p < end; p = entryEnd(p, end)) n++;
  return n;
}

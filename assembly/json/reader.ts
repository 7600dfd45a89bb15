// JSON reader over a byte buffer, without allocation: a recursive-descent parser (depth limited to
// MAX_DEPTH) that validates and re-emits canonical JSON, and navigation over a (src, pos, end) text.
//
// Canonical JSON is Python's json.dumps(json.loads(text), separators=(",", ":")):
//   canonicalize(src, len, out, cap): i32            the whole text (whitespace around it allowed)
//   canonicalizeValue(src, pos, end, out, cap): i32  the one value at pos (leading whitespace skipped);
//                                                    canonicalEnd() is where it ended in src
// Both return the bytes written or a negative ERR_JSON_*: SYNTAX (unexpected byte, trailing data,
// bare/leading-zero numbers, BOM), TRUNCATED, UTF8, CONTROL (raw < 0x20 in a string), ESCAPE,
// NOT_FINITE (NaN / Infinity / -Infinity literals, numbers overflowing to infinity), DEPTH,
// NUMBER_LIMIT (integers over MAX_INT_DIGITS digits, Python's own limit), DUPLICATE_KEY, SPACE.
// Integers keep their digits ("-0" becomes "0"); floats are parsed and re-formatted; strings are
// decoded and re-escaped (lone surrogates from escapes are kept, as Python keeps them).
// Duplicate keys are refused: Python keeps the last value at the first key's position, which a
// single streaming pass cannot reproduce without buffering the object.
//
// Navigation (pos and results are byte offsets into src; end is the text's length). These do not
// validate: run canonicalize or jsonValueEnd over the text first. They never read past end.
//   jsonValueEnd(src, pos, end): i32       validates the value at pos; its end (after leading whitespace)
//   jsonKind(src, pos, end): i32           JSON_NULL .. JSON_OBJECT of the value at pos
//   jsonFirst(src, pos, end): i32          first element of the array / first key of the object at pos,
//                                          ERR_JSON_END if empty, ERR_JSON_TYPE if not a container
//   jsonNext(src, pos, end): i32           the element (or key) after the one at pos, or ERR_JSON_END
//   jsonMemberValue(src, keyPos, end): i32 the value of the member whose key is at keyPos
//   jsonFindKey(src, pos, end, key, keyLen): i32  value of key (raw UTF-8 bytes) in the object at pos,
//                                          or ERR_JSON_NOT_FOUND / ERR_JSON_TYPE
//   jsonStringEquals(src, pos, end, key, keyLen): bool
//   jsonStringDecode(src, pos, end, out, cap): i32  the string at pos as UTF-8 (lone surrogates as
//                                          3-byte WTF-8); bytes written or an error
//   jsonNumber(src, pos, end): i32         parseNumber of the number at pos (numberInt()/numberFloat())
import { ERR_JSON_CONTROL, ERR_JSON_DEPTH, ERR_JSON_DUPLICATE_KEY, ERR_JSON_END, ERR_JSON_ESCAPE, ERR_JSON_NOT_FINITE, ERR_JSON_NOT_FOUND, ERR_JSON_SPACE, ERR_JSON_SYNTAX, ERR_JSON_TRUNCATED, ERR_JSON_TYPE, ERR_JSON_UTF8 } from "../abi";
import { MAX_DEPTH } from "./limits";
import { NUM_FLOAT, numberEnd, numberFloat, parseNumber } from "./number";
import { utf8Next, utf8Size } from "./string";
import { wBegin, wByte, wBytes, wCodePoint, wFloat, wFull, wLen } from "./writer";

export const JSON_NULL: i32 = 1;
export const JSON_FALSE: i32 = 2;
export const JSON_TRUE: i32 = 3;
export const JSON_INT: i32 = 4;
export const JSON_FLOAT: i32 = 5;
export const JSON_STRING: i32 = 6;
export const JSON_ARRAY: i32 = 7;
export const JSON_OBJECT: i32 = 8;

// "true" "false" "null" "NaN" "Infinity" at offsets 0, 4, 9, 13, 16
const WORDS: usize = memory.data<u8>([0x74, 0x72, 0x75, 0x65, 0x66, 0x61, 0x6c, 0x73, 0x65, 0x6e, 0x75, 0x6c, 0x6c,
  0x4e, 0x61, 0x4e, 0x49, 0x6e, 0x66, 0x69, 0x6e, 0x69, 0x74, 0x79]);

let S: usize = 0;
let N: i32 = 0;
let lastEnd: i32 = 0;
export function canonicalEnd(): i32 { return lastEnd; }

@inline function at(p: i32): u32 { return <u32>load<u8>(S + <usize>p); }

function ws(p: i32): i32 {
  while (p < N) {
    let c = at(p);
    if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
    p++;
  }
  return p;
}

// Matches WORDS[w..w+n) at p: the position after it, or TRUNCATED / SYNTAX.
function word(p: i32, w: i32, n: i32): i32 {
  for (let i = 0; i < n; i++) {
    if (p + i >= N) return ERR_JSON_TRUNCATED;
    if (at(p + i) != <u32>load<u8>(WORDS + <usize>(w + i))) return ERR_JSON_SYNTAX;
  }
  return p + n;
}

function hex4(p: i32): i32 {
  let v = 0;
  for (let i = 0; i < 4; i++) {
    if (p + i >= N) return ERR_JSON_TRUNCATED;
    let c = at(p + i);
    let d: u32;
    if (c - 48 < 10) d = c - 48;
    else if ((c | 0x20) - 97 < 6) d = (c | 0x20) - 87;
    else return ERR_JSON_ESCAPE;
    v = (v << 4) | <i32>d;
  }
  return v;
}

// Next code point of the string content at p (an escaped surrogate pair is combined): the code point
// with its end in cpEnd, STRING_DONE at the closing quote (cpEnd after it), or an error.
const STRING_DONE: i32 = -1;
let cpEnd: i32 = 0;
function nextCp(p: i32): i32 {
  if (p >= N) return ERR_JSON_TRUNCATED;
  let c = at(p);
  if (c == 0x22) { cpEnd = p + 1; return STRING_DONE; }
  if (c < 0x20) return ERR_JSON_CONTROL;
  if (c >= 0x80) {
    let cp = utf8Next(S, p, N);
    let need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
    if (cp == ERR_JSON_UTF8 && N - p < need && c >= 0xc2 && c <= 0xf4) {
      // A sequence cut by the end of input is truncation when what is there is a valid prefix.
      let ok = true;
      for (let i = p + 1; i < N; i++) if ((at(i) & 0xc0) != 0x80) ok = false;
      if (ok) return ERR_JSON_TRUNCATED;
    }
    cpEnd = p + utf8Size();
    return cp;
  }
  if (c != 0x5c) { cpEnd = p + 1; return <i32>c; }
  if (p + 1 >= N) return ERR_JSON_TRUNCATED;
  let e = at(p + 1);
  cpEnd = p + 2;
  if (e == 0x22 || e == 0x5c || e == 0x2f) return <i32>e;
  if (e == 0x62) return 0x08;
  if (e == 0x66) return 0x0c;
  if (e == 0x6e) return 0x0a;
  if (e == 0x72) return 0x0d;
  if (e == 0x74) return 0x09;
  if (e != 0x75) return ERR_JSON_ESCAPE;
  let u = hex4(p + 2);
  if (u < 0) return u;
  cpEnd = p + 6;
  if (u >= 0xd800 && u < 0xdc00 && p + 7 < N && at(p + 6) == 0x5c && at(p + 7) == 0x75) {
    let lo = hex4(p + 8);
    if (lo >= 0xdc00 && lo < 0xe000) {
      cpEnd = p + 12;
      return 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
    }
  }
  return u;
}

function parseString(p: i32): i32 {
  wByte(0x22);
  p++;
  while (true) {
    let cp = nextCp(p);
    if (cp == STRING_DONE) break;
    if (cp < 0) return cp;
    wCodePoint(<u32>cp);
    p = cpEnd;
  }
  wByte(0x22);
  return cpEnd;
}

function parseNum(p: i32): i32 {
  let q = numberEnd(S, p, N);
  if (q < 0) {
    if (p + 1 >= N) return ERR_JSON_TRUNCATED;
    return at(p + 1) == 0x49 && word(p + 1, 16, 8) > 0 ? ERR_JSON_NOT_FINITE : ERR_JSON_SYNTAX;
  }
  let k = parseNumber(S + <usize>p, q - p);
  if (k < 0) return k;
  if (k == NUM_FLOAT) {
    let e = wFloat(numberFloat());
    if (e < 0) return e;
  } else if (q - p == 2 && at(p) == 0x2d && at(p + 1) == 0x30) {
    wByte(0x30);
  } else {
    wBytes(S + <usize>p, q - p);
  }
  return q;
}

function parseValue(p: i32, depth: i32): i32 {
  if (p >= N) return ERR_JSON_TRUNCATED;
  let c = at(p);
  if (c == 0x22) return parseString(p);
  if (c == 0x2d || c - 48 < 10) return parseNum(p);
  if (c == 0x7b || c == 0x5b) {
    if (depth >= MAX_DEPTH) return ERR_JSON_DEPTH;
    return c == 0x7b ? parseObject(p, depth + 1) : parseArray(p, depth + 1);
  }
  let w = 0, n = 0;
  if (c == 0x74) { w = 0; n = 4; }
  else if (c == 0x66) { w = 4; n = 5; }
  else if (c == 0x6e) { w = 9; n = 4; }
  else if (c == 0x4e) return word(p, 13, 3) > 0 ? ERR_JSON_NOT_FINITE : word(p, 13, 3);
  else if (c == 0x49) return word(p, 16, 8) > 0 ? ERR_JSON_NOT_FINITE : word(p, 16, 8);
  else return ERR_JSON_SYNTAX;
  let q = word(p, w, n);
  if (q > 0) wBytes(WORDS + <usize>w, n);
  return q;
}

function parseArray(p: i32, depth: i32): i32 {
  wByte(0x5b);
  p = ws(p + 1);
  if (p < N && at(p) == 0x5d) { wByte(0x5d); return p + 1; }
  while (true) {
    p = parseValue(p, depth);
    if (p < 0) return p;
    p = ws(p);
    if (p >= N) return ERR_JSON_TRUNCATED;
    let c = at(p);
    wByte(c);
    if (c == 0x5d) return p + 1;
    if (c != 0x2c) return ERR_JSON_SYNTAX;
    p = ws(p + 1);
  }
}

function parseObject(p0: i32, depth: i32): i32 {
  wByte(0x7b);
  let p = ws(p0 + 1);
  if (p < N && at(p) == 0x7d) { wByte(0x7d); return p + 1; }
  while (true) {
    if (p >= N) return ERR_JSON_TRUNCATED;
    if (at(p) != 0x22) return ERR_JSON_SYNTAX;
    let key = p;
    p = parseString(p);
    if (p < 0) return p;
    if (keyBefore(p0, key)) return ERR_JSON_DUPLICATE_KEY;
    p = ws(p);
    if (p >= N) return ERR_JSON_TRUNCATED;
    if (at(p) != 0x3a) return ERR_JSON_SYNTAX;
    wByte(0x3a);
    p = parseValue(ws(p + 1), depth);
    if (p < 0) return p;
    p = ws(p);
    if (p >= N) return ERR_JSON_TRUNCATED;
    let c = at(p);
    wByte(c);
    if (c == 0x7d) return p + 1;
    if (c != 0x2c) return ERR_JSON_SYNTAX;
    p = ws(p + 1);
  }
}

// Whether the (already validated) object at obj has a key equal to the one at key before it.
function keyBefore(obj: i32, key: i32): bool {
  let q = ws(obj + 1);
  while (q < key) {
    if (stringsEqual(q, key)) return true;
    q = jsonNextAt(q);
    if (q < 0) return false;
  }
  return false;
}

function stringsEqual(a: i32, b: i32): bool {
  a++; b++;
  while (true) {
    let x = nextCp(a);
    a = cpEnd;
    let y = nextCp(b);
    b = cpEnd;
    if (x != y || x < 0) return x == y && x == STRING_DONE;
  }
}

// ---- lenient skipping over validated text ----------------------------------------------

function stringEnd(p: i32): i32 {
  let i = p + 1;
  while (i < N) {
    let c = at(i);
    if (c == 0x5c) i += 2;
    else if (c == 0x22) return i + 1;
    else i++;
  }
  return ERR_JSON_TRUNCATED;
}

function skipValue(p: i32): i32 {
  let depth = 0;
  while (p < N) {
    let c = at(p);
    if (c == 0x22) {
      p = stringEnd(p);
      if (p < 0) return p;
      if (depth == 0) return p;
      continue;
    }
    if (c == 0x5b || c == 0x7b) depth++;
    else if (c == 0x5d || c == 0x7d) {
      if (depth == 0) return p;
      if (--depth == 0) return p + 1;
    } else if (depth == 0 && (c == 0x2c || c == 0x3a || c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09)) return p;
    p++;
  }
  return depth == 0 ? p : ERR_JSON_TRUNCATED;
}

// From an element (or key) at p to the next one, or ERR_JSON_END.
function jsonNextAt(p: i32): i32 {
  p = ws(p);
  if (p >= N) return ERR_JSON_TRUNCATED;
  if (at(p) == 0x22) {
    p = stringEnd(p);
    if (p < 0) return p;
    let q = ws(p);
    if (q < N && at(q) == 0x3a) p = skipValue(ws(q + 1));
  } else p = skipValue(p);
  if (p < 0) return p;
  p = ws(p);
  if (p >= N) return ERR_JSON_TRUNCATED;
  let c = at(p);
  if (c == 0x2c) return ws(p + 1);
  if (c == 0x5d || c == 0x7d) return ERR_JSON_END;
  return ERR_JSON_SYNTAX;
}

@inline function begin(src: usize, end: i32): void {
  S = src;
  N = end;
}

// ---- entry points ----------------------------------------------------------------------

export function canonicalizeValue(src: usize, pos: i32, end: i32, out: usize, cap: i32): i32 {
  begin(src, end);
  wBegin(out, cap, true);
  let p = parseValue(ws(pos), 0);
  if (p < 0) return p;
  lastEnd = p;
  return wFull() ? ERR_JSON_SPACE : wLen();
}

export function canonicalize(src: usize, len: i32, out: usize, cap: i32): i32 {
  let n = canonicalizeValue(src, 0, len, out, cap);
  if (n >= 0 && ws(lastEnd) != len) return ERR_JSON_SYNTAX;
  return n;
}

export function jsonValueEnd(src: usize, pos: i32, end: i32): i32 {
  begin(src, end);
  wBegin(0, 0, false);
  return parseValue(ws(pos), 0);
}

export function jsonKind(src: usize, pos: i32, end: i32): i32 {
  begin(src, end);
  let p = ws(pos);
  if (p >= N) return ERR_JSON_TRUNCATED;
  let c = at(p);
  if (c == 0x7b) return JSON_OBJECT;
  if (c == 0x5b) return JSON_ARRAY;
  if (c == 0x22) return JSON_STRING;
  if (c == 0x74) return JSON_TRUE;
  if (c == 0x66) return JSON_FALSE;
  if (c == 0x6e) return JSON_NULL;
  let q = numberEnd(S, p, N);
  if (q < 0) return ERR_JSON_SYNTAX;
  for (let i = p; i < q; i++) if (at(i) == 0x2e || (at(i) | 0x20) == 0x65) return JSON_FLOAT;
  return JSON_INT;
}

export function jsonFirst(src: usize, pos: i32, end: i32): i32 {
  begin(src, end);
  let p = ws(pos);
  if (p >= N) return ERR_JSON_TRUNCATED;
  let c = at(p);
  if (c != 0x5b && c != 0x7b) return ERR_JSON_TYPE;
  p = ws(p + 1);
  if (p >= N) return ERR_JSON_TRUNCATED;
  c = at(p);
  return c == 0x5d || c == 0x7d ? ERR_JSON_END : p;
}

export function jsonNext(src: usize, pos: i32, end: i32): i32 {
  begin(src, end);
  return jsonNextAt(pos);
}

export function jsonMemberValue(src: usize, keyPos: i32, end: i32): i32 {
  begin(src, end);
  let p = ws(keyPos);
  if (p >= N || at(p) != 0x22) return ERR_JSON_TYPE;
  p = ws(stringEnd(p));
  if (p < 0) return ERR_JSON_TRUNCATED;
  if (p >= N || at(p) != 0x3a) return ERR_JSON_SYNTAX;
  return ws(p + 1);
}

export function jsonStringEquals(src: usize, pos: i32, end: i32, key: usize, keyLen: i32): bool {
  begin(src, end);
  let p = ws(pos);
  if (p >= N || at(p) != 0x22) return false;
  p++;
  let k = 0;
  while (true) {
    let x = nextCp(p);
    if (x == STRING_DONE) return k == keyLen;
    if (x < 0 || k >= keyLen) return false;
    p = cpEnd;
    let y = utf8Next(key, k, keyLen);
    if (y != x) return false;
    k += utf8Size();
  }
}

export function jsonFindKey(src: usize, pos: i32, end: i32, key: usize, keyLen: i32): i32 {
  begin(src, end);
  let p = ws(pos);
  if (p >= N || at(p) != 0x7b) return ERR_JSON_TYPE;
  p = jsonFirst(src, p, end);
  while (p >= 0) {
    if (jsonStringEquals(src, p, end, key, keyLen)) return jsonMemberValue(src, p, end);
    p = jsonNext(src, p, end);
  }
  return p == ERR_JSON_END ? ERR_JSON_NOT_FOUND : p;
}

export function jsonStringDecode(src: usize, pos: i32, end: i32, out: usize, cap: i32): i32 {
  begin(src, end);
  let p = ws(pos);
  if (p >= N || at(p) != 0x22) return ERR_JSON_TYPE;
  p++;
  let n = 0;
  while (true) {
    let cp = nextCp(p);
    if (cp == STRING_DONE) return n;
    if (cp < 0) return cp;
    p = cpEnd;
    let size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (cap - n < size) return ERR_JSON_SPACE;
    let o = out + <usize>n;
    if (size == 1) store<u8>(o, <u8>cp);
    else {
      let lead: i32 = size == 2 ? 0xc0 : size == 3 ? 0xe0 : 0xf0;
      store<u8>(o, <u8>(lead | (cp >> (6 * (size - 1)))));
      for (let i = 1; i < size; i++) store<u8>(o + <usize>i, <u8>(0x80 | ((cp >> (6 * (size - 1 - i))) & 0x3f)));
    }
    n += size;
  }
}

export function jsonNumber(src: usize, pos: i32, end: i32): i32 {
  begin(src, end);
  let p = ws(pos);
  let q = numberEnd(S, p, N);
  if (q < 0) return ERR_JSON_TYPE;
  return parseNumber(S + <usize>p, q - p);
}

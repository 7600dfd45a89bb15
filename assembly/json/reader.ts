// JSON reader over a byte buffer, without allocation: a recursive-descent parser (depth limited to
// MAX_DEPTH) that validates and re-emits canonical JSON.
//
// Canonical JSON is Python's json.dumps(json.loads(text), separators=(",", ":")):
//   canonicalize(src, len, out, cap): i32   the whole text (whitespace around it allowed)
// It returns the bytes written or a negative ERR_JSON_*: SYNTAX (unexpected byte, trailing data,
// bare/leading-zero numbers, BOM), TRUNCATED, UTF8, CONTROL (raw < 0x20 in a string), ESCAPE,
// NOT_FINITE (NaN / Infinity / -Infinity literals, numbers overflowing to infinity), DEPTH,
// NUMBER_LIMIT (integers over MAX_INT_DIGITS digits, Python's own limit), DUPLICATE_KEY, SPACE.
// Integers keep their digits ("-0" becomes "0"); floats are parsed and re-formatted; strings are
// decoded and re-escaped (lone surrogates from escapes are kept, as Python keeps them).
// Duplicate keys are refused: Python keeps the last value at the first key's position, which a
// single streaming pass cannot reproduce without buffering the object.
import { ERR_JSON_CONTROL, ERR_JSON_DEPTH, ERR_JSON_DUPLICATE_KEY, ERR_JSON_END, ERR_JSON_ESCAPE, ERR_JSON_NOT_FINITE, ERR_JSON_SPACE, ERR_JSON_SYNTAX, ERR_JSON_TRUNCATED, ERR_JSON_UTF8 } from "../abi";
import { MAX_DEPTH } from "./limits";
import { NUM_FLOAT, numberEnd, numberFloat, parseNumber } from "./number";
import { lastCodePoint, utf8Sequence } from "../utf8";
import { wBegin, wByte, wBytes, wCodePoint, wFloat, wFull, wLen } from "./writer";

// "true" "false" "null" "NaN" "Infinity" at offsets 0, 4, 9, 13, 16
const WORDS: usize = memory.data<u8>([0x74, 0x72, 0x75, 0x65, 0x66, 0x61, 0x6c, 0x73, 0x65, 0x6e, 0x75, 0x6c, 0x6c,
  0x4e, 0x61, 0x4e, 0x49, 0x6e, 0x66, 0x69, 0x6e, 0x69, 0x74, 0x79]);

let S: usize = 0;
let N: i32 = 0;

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
    let size = utf8Sequence(S + <usize>p, N - p);
    if (size == 0) {
      let need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      if (N - p < need && c >= 0xc2 && c <= 0xf4) {
        // A sequence cut by the end of input is truncation when what is there is a valid prefix.
        let ok = true;
        for (let i = p + 1; i < N; i++) if ((at(i) & 0xc0) != 0x80) ok = false;
        if (ok) return ERR_JSON_TRUNCATED;
      }
      return ERR_JSON_UTF8;
    }
    cpEnd = p + size;
    return <i32>lastCodePoint;
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

// ---- entry points ----------------------------------------------------------------------

export function canonicalize(src: usize, len: i32, out: usize, cap: i32): i32 {
  S = src;
  N = len;
  wBegin(out, cap, true);
  let p = parseValue(ws(0), 0);
  if (p < 0) return p;
  if (ws(p) != len) return ERR_JSON_SYNTAX;
  return wFull() ? ERR_JSON_SPACE : wLen();
}

// In the valid JSON text src[0..end): from the element (or key) at pos to the next one, ERR_JSON_END
// after the last.
export function jsonNext(src: usize, pos: i32, end: i32): i32 {
  S = src;
  N = end;
  return jsonNextAt(pos);
}

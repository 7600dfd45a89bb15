// Reading canonical JSON: what the server keeps and reads is Python's compact json.dumps, made and
// validated by the byte layer (the request, the host's data format, the answer object): no
// whitespace, strings with their escapes, numbers in their shortest form. So a value's end is
// found from its bytes alone, with nothing decoded or parsed, and a member name, being ASCII
// without escapes, is its bytes between quotes.
import { NUM_FLOAT, parseNumber, parsedFloatBits } from "../json/number";

// The end of the value at p (before end).
export function skip(p: usize, end: usize): usize {
  let c = load<u8>(p);
  if (c == 0x22) return stringEnd(p + 1, end);
  if (c != 0x7b && c != 0x5b) {
    while (p < end) {
      c = load<u8>(p);
      if (c == 0x2c || c == 0x5d || c == 0x7d) break;
      p++;
    }
    return p;
  }
  let depth = 0;
  while (p < end) {
    c = load<u8>(p++);
    if (c == 0x22) p = stringEnd(p, end);
    else if (c == 0x7b || c == 0x5b) depth++;
    else if (c == 0x7d || c == 0x5d) { if (--depth == 0) break; }
  }
  return p;
}

// After the closing quote of the string whose content starts at p.
function stringEnd(p: usize, end: usize): usize {
  while (p < end) {
    let c = load<u8>(p);
    if (c == 0x22) return p + 1;
    p += c == 0x5c ? 2 : 1;
  }
  return end;
}

// The next element or member after the value ending at p: past its comma; at the closing bracket
// when it was the last.
@inline export function next(p: usize): usize { return load<u8>(p) == 0x2c ? p + 1 : p; }

// Whether the value at p closes its container (] or }) rather than being a value.
@inline export function closes(p: usize, end: usize): bool {
  return p >= end || load<u8>(p) == 0x5d || load<u8>(p) == 0x7d;
}

// Whether the string at k (a key) is the name [length u8][ASCII] at name.
export function isName(k: usize, end: usize, name: usize): bool {
  let n = <usize>load<u8>(name);
  if (k + n + 2 > end || load<u8>(k) != 0x22 || load<u8>(k + n + 1) != 0x22) return false;
  for (let i: usize = 0; i < n; i++) if (load<u8>(k + 1 + i) != load<u8>(name + 1 + i)) return false;
  return true;
}

// The value of member `name` ([length u8][ASCII]) of the object at obj, or 0.
export function objectMember(obj: usize, end: usize, name: usize): usize {
  if (obj == 0 || load<u8>(obj) != 0x7b) return 0;
  let q = obj + 1;
  while (!closes(q, end)) {
    let v = skip(q, end) + 1;
    if (isName(q, end, name)) return v;
    q = next(skip(v, end));
  }
  return 0;
}

// Python's truth value of the value at p (0: absent, false).
export function truthy(p: usize, end: usize): bool {
  if (p == 0) return false;
  let c = load<u8>(p);
  if (c == 0x6e || c == 0x66) return false; // null, false
  if (c == 0x74) return true;
  if (c == 0x22 || c == 0x5b || c == 0x7b) return load<u8>(p + 1) != (c == 0x22 ? 0x22 : c + 2); // "", [], {}
  let n = <i32>(skip(p, end) - p);
  if (parseNumber(p, n) == NUM_FLOAT) return reinterpret<f64>(parsedFloatBits) != 0;
  return !(n == 1 && c == 0x30);
}

// The number of elements of the array at p (-1: not an array).
export function arrayLength(p: usize, end: usize): i32 {
  if (p == 0 || load<u8>(p) != 0x5b) return -1;
  let n = 0;
  let q = p + 1;
  while (!closes(q, end)) { n++; q = next(skip(q, end)); }
  return n;
}

// Element i of the array at p, or 0.
export function element(p: usize, end: usize, i: i32): usize {
  if (p == 0 || load<u8>(p) != 0x5b) return 0;
  let q = p + 1;
  while (!closes(q, end)) {
    if (i-- == 0) return q;
    q = next(skip(q, end));
  }
  return 0;
}

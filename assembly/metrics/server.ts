// Server side (full build): a received request (JSON or CBOR) is first turned into its canonical
// JSON (Python's json.dumps(json.loads(body))), so every signed part is an exact span of it.
// Then: auth verification as the reference library does it, replay protection, expansion to the
// simple form with timestamps filled, and signed answers.
import { JSON_IN, JSON_OUT, JSON_IO_CAPACITY, REQUEST_CAPACITY, SERVER_REQUEST as REQUEST, SERVER_FORMAT_CAPACITY as FORMAT_CAPACITY,
  SERVER_FORMAT as FORMAT, NUM_TEXT } from "../memory";
import { cborToJson } from "../cbor/decode";
import { hashStart, hashOnly, hashEnd, outBegin, outLength, outOverflow, outError, jsonByte, wLiteral, wColon, wComma, OUT_JSON } from "../json/out";
import { NUM_FLOAT, formatU64Hex, formatI64, parseNumber, parsedFloatBits, parsedInt, parsedIntFits, scanNumber } from "../json/number";

// The server (full build only) computes with the parsed double itself.
@inline function parsedFloat(): f64 { return reinterpret<f64>(parsedFloatBits); }
import { PYTHON, UNIQUE_KEYS, canonicalize, findMember, isSurrogate, skipValue, skipWs, stringChar, strCodePoint, stringEquals } from "../json/value";
import { ERR_METRICS_ARGUMENT, ERR_METRICS_DUPLICATE, ERR_METRICS_FULL, ERR_METRICS_SHAPE, ERR_JSON_DUPLICATE_KEY,
  VERIFY_VALID, VERIFY_BAD_SIGNATURE, VERIFY_UNSIGNED, VERIFY_REPLAY, VERIFY_NO_TS_OR_RC } from "../abi";
import { NAME_PAIRS } from "./name-pairs";
import { utf8Encode } from "../utf8";

// Canonical request (up to 12 KiB) and the host's data format: REQUEST and FORMAT.
let requestLen: i32 = 0;
let formatLen: i32 = 0;


// The request body (len bytes in json_in_buffer()), JSON or CBOR. Returns the canonical length.
// It is made in json_out_buffer() and kept only once accepted: a refused body leaves the request
// loaded before it (a host that goes on after the error still sees that one, not a mix).
export function serverLoad(len: i32, cbor: bool): i32 {
  if (len < 0 || len > JSON_IO_CAPACITY) return ERR_METRICS_ARGUMENT;
  let n = cbor ? cborToJson(JSON_IN, len, JSON_OUT, REQUEST_CAPACITY) : canonicalize(JSON_IN, len, JSON_OUT, REQUEST_CAPACITY);
  if (n < 0) return n;
  if (load<u8>(JSON_OUT) != 0x7b) return ERR_METRICS_SHAPE;
  memory.copy(REQUEST, JSON_OUT, <usize>n);
  requestLen = n;
  if (nameTwice()) { requestLen = 0; return ERR_METRICS_DUPLICATE; }
  return n;
}

// Whether the loaded request holds one member under two of its names (d and data, a and auth...;
// dtc, dct and data_collection_timestamp): the reference keeps the last one it reads, every reader
// of ours the first, so the signature could cover one value and the expansion carry the other.
function nameTwice(): bool {
  let tab = changetype<usize>(NAME_PAIRS);
  let n = NAME_PAIRS.length;
  let i = 0;
  while (i < n) {
    let s = i;
    while (i < n && load<u16>(tab + (<usize>i << 1)) != 0x20) i++;
    let s2 = i + 1;
    let e2 = s2;
    while (e2 < n && load<u16>(tab + (<usize>e2 << 1)) != 0x20) e2++;
    let names = <i32>hasKey(tab, s, i) + <i32>hasKey(tab, s2, e2);
    if (i - s == 3 && load<u16>(tab + (<usize>s << 1)) == 0x64 && load<u16>(tab + (<usize>(s + 1) << 1)) == 0x74) {
      names += <i32>(findMember(REQUEST, reqEnd(), "dct") != 0); // dtc: the spec's name too
    }
    if (names > 1) return true;
    i = e2 + 1;
  }
  return false;
}

// Whether a top-level key of the request is the table word (s, e).
function hasKey(tab: usize, s: i32, e: i32): bool {
  let end = reqEnd();
  let q = REQUEST + 1;
  while (q < end && load<u8>(q) == 0x22) {
    let k = valueEnd(q, end);
    if (wordEquals(q, k, tab, s, e)) return true;
    q = valueEnd(k + 1, end);
    if (load<u8>(q) == 0x2c) q++;
  }
  return false;
}

export function requestBuffer(): usize { return REQUEST; }

// The host's data format (len bytes of JSON in json_in_buffer()); len 0 forgets it. Made in
// json_out_buffer() like a request: a refused format leaves the one before it.
export function serverFormat(len: i32): i32 {
  if (len == 0) { formatLen = 0; return 0; }
  if (len < 0 || len > JSON_IO_CAPACITY) return ERR_METRICS_ARGUMENT;
  let n = canonicalize(JSON_IN, len, JSON_OUT, FORMAT_CAPACITY);
  if (n < 0) return n;
  memory.copy(FORMAT, JSON_OUT, <usize>n);
  formatLen = n;
  return n;
}

@inline function reqEnd(): usize { return REQUEST + <usize>requestLen; }

function member(condensed: string, simple: string): usize {
  let p = findMember(REQUEST, reqEnd(), simple);
  return p != 0 ? p : findMember(REQUEST, reqEnd(), condensed);
}

// The end of the value at p. What the server reads is canonical JSON that the byte layer loaded
// within the same MAX_DEPTH, so skipValue does not fail here.
function valueEnd(p: usize, end: usize): usize {
  let q = skipValue(p, end, 0);
  return q < 0 ? p : <usize>q;
}

// Python truthiness of the canonical value at p.
function truthy(p: usize, end: usize): bool {
  if (p == 0) return false;
  let c = load<u8>(p);
  let e = valueEnd(p, end);
  let n = <i32>(e - p);
  if (c == 0x6e || c == 0x66) return false;
  if (c == 0x74) return true;
  if (c == 0x22 || c == 0x5b || c == 0x7b) return n > 2;
  if (parseNumber(p, n) == NUM_FLOAT) return parsedFloat() != 0;
  return !(n == 1 && c == 0x30);
}

function utf8Hash(c: u32): void {
  hashOnly(NUM_TEXT, utf8Encode(c, NUM_TEXT));
}

// Feeds str(value) (Python) to the hash: numbers as written, strings decoded, booleans as
// True / False. Other kinds have no reproducible str() here: false.
function hashStr(p: usize, end: usize): bool {
  let c = load<u8>(p);
  let e = valueEnd(p, end);
  if (c == 0x22) {
    let q = p + 1;
    while (true) {
      let r = stringChar(q, e);
      if (r <= 0) break;
      if (isSurrogate(strCodePoint)) return false; // Python cannot encode it to UTF-8 either
      utf8Hash(strCodePoint);
      q = <usize>r;
    }
    return true;
  }
  if (c == 0x74) { hashLiteral("True"); return true; }
  if (c == 0x66) { hashLiteral("False"); return true; }
  if (c == 0x2d || (c >= 0x30 && c <= 0x39)) { hashOnly(p, <i32>(e - p)); return true; }
  return false;
}

function hashLiteral(s: string): void {
  for (let i = 0; i < s.length; i++) utf8Hash(s.charCodeAt(i));
}

function hashSpan(p: usize, end: usize): void { hashOnly(p, <i32>(valueEnd(p, end) - p)); }

function hashHex(h: u64): void { hashOnly(NUM_TEXT, formatU64Hex(h)); }

// Numeric comparison a <= last (last: i64, 0 = none, as the reference's falsy check).
function notAbove(p: usize, end: usize, last: i64): bool {
  if (last == 0 || !truthy(p, end)) return false;
  let n = <i32>(valueEnd(p, end) - p);
  let kind = parseNumber(p, n);
  if (kind == NUM_FLOAT) return parsedFloat() <= <f64>last;
  if (kind > 0) return parsedIntFits ? parsedInt <= last : load<u8>(p) == 0x2d;
  return true; // not a number: refuse
}

// Verifies the loaded request with the key in key_buffer(). lastTs / lastRc: the last accepted
// values (0: none). Returns one of VERIFY_*.
export function serverVerify(lastTs: i64, lastRc: i64): i32 {
  if (requestLen == 0) return ERR_METRICS_ARGUMENT;
  let end = reqEnd();
  let a = member("a", "auth");
  if (a == 0) return VERIFY_UNSIGNED;
  // present but empty ("", null, 0...): the reference calls that invalid, not unsigned
  if (!truthy(a, end)) return VERIFY_BAD_SIGNATURE;
  if (load<u8>(a) != 0x22) return VERIFY_BAD_SIGNATURE;
  let aEnd = valueEnd(a, end);
  let sn = member("sn", "serial_number");
  if (sn == 0 || load<u8>(sn) != 0x22) return VERIFY_BAD_SIGNATURE;
  let ts = member("ts", "timestamp");
  let rc = member("rc", "request_count");
  let d = member("d", "data");
  let hd = member("hd", "historical_data");
  let m0 = <u32>load<u8>(a + 1);
  let m1 = <u32>load<u8>(a + 2);
  let h: u64 = 0;
  hashStart();
  hashStr(sn, end);
  if (m0 == 0x73 && m1 == 0x61) { // sa
    h = hashEnd();
  } else if ((m0 == 0x74 || m0 == 0x63) && m1 == 0x61) { // ta, ca
    let v = m0 == 0x74 ? ts : rc;
    if (!truthy(v, end) || !hashStr(v, end)) return VERIFY_BAD_SIGNATURE;
    h = hashEnd();
  } else if (m0 == 0x64 && m1 == 0x61) { // da
    if (truthy(ts, end) && !hashStr(ts, end)) return VERIFY_BAD_SIGNATURE;
    if (truthy(rc, end) && !hashStr(rc, end)) return VERIFY_BAD_SIGNATURE;
    if (truthy(d, end)) hashSpan(d, end);
    if (truthy(hd, end)) hashSpan(hd, end);
    h = hashEnd();
  } else if (m0 == 0x72 && m1 == 0x61) { // ra
    h = hashEnd();
    if (truthy(ts, end)) { hashStart(); hashHex(h); if (!hashStr(ts, end)) return VERIFY_BAD_SIGNATURE; h = hashEnd(); }
    if (truthy(rc, end)) { hashStart(); hashHex(h); if (!hashStr(rc, end)) return VERIFY_BAD_SIGNATURE; h = hashEnd(); }
    hashStart();
    hashHex(h);
    if (d == 0) hashLiteral("[]"); else hashSpan(d, end);
    h = hashEnd();
    if (hd != 0) {
      let c = load<u8>(hd);
      if (c != 0x5b && c != 0x7b) return VERIFY_BAD_SIGNATURE;
      let hdEnd = valueEnd(hd, end);
      let p = skipWs(hd + 1, hdEnd);
      while (p < hdEnd && load<u8>(p) != 0x5d && load<u8>(p) != 0x7d) {
        let e = valueEnd(p, hdEnd);
        hashStart();
        hashHex(h);
        hashOnly(p, <i32>(e - p)); // a row, or a key of an object (Python iterates its keys)
        h = hashEnd();
        if (c == 0x7b) e = valueEnd(e + 1, hdEnd); // skip the member's value
        p = e < hdEnd && load<u8>(e) == 0x2c ? e + 1 : e;
      }
    }
  } else {
    return VERIFY_BAD_SIGNATURE;
  }
  // compare "xx" + hex with the auth string's content in constant time: a fixed 16 rounds (the
  // longest u64 hex) XOR every byte into one difference, the length difference included, with
  // no early exit on the content or on the expected length (the hex is not zero-padded, so its
  // length would tell the leading zero digits). The received string is read only within its
  // length (known to its sender); the request is canonical JSON, so its bytes are its characters.
  let n = formatU64Hex(h);
  let got = <i32>(aEnd - a) - 4;
  let diff: u32 = <u32>(got != n);
  for (let i = 0; i < 16; i++) {
    let r: u32 = 0;
    if (i < got) r = <u32>load<u8>(a + 3 + <usize>i);
    diff |= r ^ select<u32>(<u32>load<u8>(NUM_TEXT + <usize>i), 0, i < n);
  }
  if (diff != 0) return VERIFY_BAD_SIGNATURE;
  if (rc != 0 && notAbove(rc, end, lastRc)) return VERIFY_REPLAY;
  if (ts != 0 && notAbove(ts, end, lastTs)) return VERIFY_REPLAY;
  if (!truthy(rc, end) && !truthy(ts, end)) return VERIFY_NO_TS_OR_RC;
  return VERIFY_VALID;
}



// i64 value of a request's ts / rc (0 when absent or not an integer), for the host to store.
export function serverRequestNumber(which: i32): i64 {
  if (requestLen == 0) return 0;
  let p = which == 0 ? member("ts", "timestamp") : member("rc", "request_count");
  if (p == 0) return 0;
  let n = scanNumber(p, <i32>(reqEnd() - p));
  if (n == 0 || parseNumber(p, n) == NUM_FLOAT || !parsedIntFits) return 0;
  return parsedInt;
}

// ---- output helpers ----------------------------------------------------------------------------

function copySpan(p: usize, e: usize): void { for (let q = p; q < e; q++) jsonByte(load<u8>(q)); }

// Writes the JSON string at p (a canonical key) translated through the name table
// (toSimple: condensed -> simple, else simple -> condensed).
function writeMappedKey(p: usize, end: usize, toSimple: bool): void {
  let e = valueEnd(p, end);
  let tab = changetype<usize>(NAME_PAIRS);
  let n = NAME_PAIRS.length;
  let i = 0;
  let word = 0;
  while (i < n) {
    let s = i;
    while (i < n && load<u16>(tab + (<usize>i << 1)) != 0x20) i++;
    // word (s, i): even words are condensed, odd ones simple
    let isFrom = ((word & 1) == 0) == toSimple;
    if (isFrom && wordEquals(p, e, tab, s, i)) {
      // the partner word
      let ps: i32, pe: i32;
      if (toSimple) { ps = i + 1; pe = ps; while (pe < n && load<u16>(tab + (<usize>pe << 1)) != 0x20) pe++; }
      else { pe = s - 1; ps = pe; while (ps > 0 && load<u16>(tab + (<usize>(ps - 1) << 1)) != 0x20) ps--; }
      jsonByte(0x22);
      for (let k = ps; k < pe; k++) jsonByte(load<u16>(tab + (<usize>k << 1)));
      jsonByte(0x22);
      return;
    }
    i++;
    word++;
  }
  copySpan(p, e);
}

function wordEquals(p: usize, e: usize, tab: usize, s: i32, t: i32): bool {
  if (<i32>(e - p) != t - s + 2) return false;
  for (let k = s; k < t; k++) if (<u32>load<u8>(p + 1 + <usize>(k - s)) != <u32>load<u16>(tab + (<usize>k << 1))) return false;
  return true;
}

// ---- expansion ---------------------------------------------------------------------------------

// Element idx of the array at p (0 if none).
function element(p: usize, end: usize, idx: i32): usize {
  if (p == 0 || load<u8>(p) != 0x5b) return 0;
  let e = valueEnd(p, end);
  let q = p + 1;
  let i = 0;
  while (q < e && load<u8>(q) != 0x5d) {
    if (i == idx) return q;
    q = valueEnd(q, e);
    if (load<u8>(q) == 0x2c) q++;
    i++;
  }
  return 0;
}

function arrayLength(p: usize, end: usize): i32 {
  if (p == 0 || load<u8>(p) != 0x5b) return -1;
  let n = 0;
  while (element(p, end, n) != 0) n++;
  return n;
}

function formatMember(key: string): usize {
  if (formatLen > 0) return findMember(FORMAT, FORMAT + <usize>formatLen, key);
  let f = member("dfo", "data_format");
  if (f == 0) return 0;
  return findMember(f, valueEnd(f, reqEnd()), key);
}
function formatEnd(): usize { return formatLen > 0 ? FORMAT + <usize>formatLen : reqEnd(); }

function expandData(d: usize, end: usize): i32 {
  if (!truthy(d, end)) { jsonByte(0x7b); jsonByte(0x7d); return 0; }
  if (load<u8>(d) != 0x5b) { copySpan(d, valueEnd(d, end)); return 0; }
  let order = formatMember("data_order");
  let fend = formatEnd();
  let count = arrayLength(order, fend);
  if (count <= 0) return ERR_METRICS_SHAPE;
  if (arrayLength(d, end) > count) return ERR_METRICS_SHAPE;
  jsonByte(0x7b);
  for (let i = 0; i < count; i++) {
    if (i > 0) wComma();
    let name = element(order, fend, i);
    if (load<u8>(name) != 0x22) return ERR_METRICS_SHAPE;
    writeMappedKey(name, fend, true);
    wColon();
    let v = element(d, end, i);
    if (v == 0) { jsonByte(0x6e); jsonByte(0x75); jsonByte(0x6c); jsonByte(0x6c); }
    else copySpan(v, valueEnd(v, end));
  }
  jsonByte(0x7d);
  return 0;
}

// Number value (f64) at p, truncated like Python's int(); NaN when not a number.
// Math.trunc of a finite double without libm: from 2^52 up every double is an integer; below, the
// i64 conversion is in range. The sign bit is kept (trunc(-0.5) is -0.0).
function truncF64(x: f64): f64 {
  let bits = reinterpret<u64>(x);
  let mag = reinterpret<f64>(bits & 0x7fffffffffffffff);
  if (!(mag < 4503599627370496.0)) return x;
  return reinterpret<f64>(reinterpret<u64>(<f64><i64>mag) | (bits & 0x8000000000000000));
}

function intOf(p: usize, end: usize): f64 {
  if (p == 0) return NaN;
  let c = load<u8>(p);
  if (c == 0x74) return 1;
  if (c == 0x66) return 0;
  let n = scanNumber(p, <i32>(end - p));
  if (n == 0) return NaN;
  let k = parseNumber(p, n);
  if (k == NUM_FLOAT) return truncF64(parsedFloat());
  if (k > 0 && parsedIntFits) return <f64>parsedInt;
  return NaN;
}

function writeTime(t: f64): i32 {
  if (!(t > -9.2e18 && t < 9.2e18)) return ERR_METRICS_SHAPE;
  let n = formatI64(<i64>t);
  for (let i = 0; i < n; i++) jsonByte(load<u8>(NUM_TEXT + <usize>i));
  return 0;
}

const NAME_TIMESTAMP = "timestamp";
const NAME_RELATIVE = "relative_time";

// Member key at k of a row (object row: the key span; list row: the order's name) is named?
function rowKeyIs(k: usize, end: usize, name: string): bool { return stringEquals(k, end, name); }

let lastTime: f64 = 0;

// Writes one historical row as an object with its timestamp filled in.
function expandRow(row: usize, end: usize, idx: i32, order: usize, fend: usize, interval: usize): i32 {
  let isList = load<u8>(row) == 0x5b;
  if (!isList && load<u8>(row) != 0x7b) return ERR_METRICS_SHAPE;
  let orderLen = arrayLength(order, fend);
  if (isList && (orderLen < 0 || arrayLength(row, end) > orderLen)) return ERR_METRICS_SHAPE;
  let rowEnd = valueEnd(row, end);
  // Pass 1: find relative_time and timestamp among the mapped members.
  let rel: usize = 0;
  let tsv: usize = 0;
  for (let pass = 0; pass < 2; pass++) {
    let setTs = false;
    let newTime: f64 = 0;
    if (pass == 1) {
      if (rel != 0 && load<u8>(rel) != 0x6e) {
        let r = intOf(rel, rowEnd);
        if (isNaN(r)) return ERR_METRICS_SHAPE;
        lastTime += r;
        setTs = true;
      } else if (tsv != 0 && truthy(tsv, rowEnd)) {
        let n = scanNumber(tsv, <i32>(rowEnd - tsv));
        if (n == 0) return ERR_METRICS_SHAPE;
        let k = parseNumber(tsv, n);
        lastTime = k == NUM_FLOAT ? parsedFloat() : <f64>parsedInt;
      } else {
        if (idx != 0) {
          let step = intOf(interval, fend);
          if (isNaN(step)) return ERR_METRICS_SHAPE;
          lastTime += step;
        }
        setTs = true;
      }
      newTime = lastTime;
      jsonByte(0x7b);
    }
    let first = true;
    let wroteTs = false;
    let i = 0;
    let q = row + 1;
    while (q < rowEnd && load<u8>(q) != (isList ? 0x5d : 0x7d)) {
      let key: usize;
      let keyEnd: usize;
      let v: usize;
      if (isList) { key = element(order, fend, i); keyEnd = fend; v = q; }
      else {
        key = q;
        keyEnd = rowEnd;
        v = valueEnd(q, rowEnd) + 1;
        // digit keys below the order's length name a variable of the order
        let ke = valueEnd(q, rowEnd);
        let digits = ke - q >= 3;
        let num = 0;
        for (let z = q + 1; z < ke - 1; z++) { let c = load<u8>(z); if (c < 0x30 || c > 0x39 || num > 100000) { digits = false; break; } num = num * 10 + (c - 0x30); }
        if (digits) {
          if (orderLen < 0) return ERR_METRICS_SHAPE;
          if (num < orderLen) { key = element(order, fend, num); keyEnd = fend; }
        }
      }
      if (load<u8>(key) != 0x22) return ERR_METRICS_SHAPE;
      let ve = valueEnd(v, rowEnd);
      if (pass == 0) {
        if (rowKeyIs(key, keyEnd, NAME_RELATIVE)) rel = v;
        else if (rowKeyIs(key, keyEnd, NAME_TIMESTAMP)) tsv = v;
      } else if (!(setTs && rel != 0 && load<u8>(rel) != 0x6e && rowKeyIs(key, keyEnd, NAME_RELATIVE))) {
        if (!first) wComma();
        first = false;
        copySpan(key, valueEnd(key, keyEnd));
        wColon();
        if (setTs && rowKeyIs(key, keyEnd, NAME_TIMESTAMP)) { wroteTs = true; let r = writeTime(newTime); if (r < 0) return r; }
        else copySpan(v, ve);
      }
      q = ve;
      if (load<u8>(q) == 0x2c) q++;
      i++;
    }
    if (pass == 1) {
      if (setTs && !wroteTs) {
        if (!first) wComma();
        wLiteral(NAME_TIMESTAMP);
        wColon();
        let r = writeTime(newTime);
        if (r < 0) return r;
      }
      jsonByte(0x7d);
    }
  }
  return 0;
}

// Writes the simple form of the loaded request to json_out_buffer(). receivedAt: the time used
// when the request has no timestamp. Returns the length or an error.
export function serverExpand(receivedAt: i64): i32 {
  if (requestLen == 0) return ERR_METRICS_ARGUMENT;
  let end = reqEnd();
  outBegin(JSON_OUT, JSON_IO_CAPACITY, OUT_JSON);
  let ts = member("ts", "timestamp");
  lastTime = truthy(ts, end) ? intOfExact(ts, end) : <f64>receivedAt;
  let dct = member("dtc", "data_collection_timestamp");
  if (dct == 0) dct = findMember(REQUEST, end, "dct");
  if (dct != 0) lastTime = intOfExact(dct, end);
  if (isNaN(lastTime)) return ERR_METRICS_SHAPE;
  jsonByte(0x7b);
  let sawData = false;
  let sawHd = false;
  let first = true;
  let q = REQUEST + 1;
  while (q < end && load<u8>(q) != 0x7d) {
    let v = valueEnd(q, end) + 1;
    let ve = valueEnd(v, end);
    let isAuth = stringEquals(q, end, "a") || stringEquals(q, end, "auth");
    if (!isAuth) {
      if (!first) wComma();
      first = false;
      writeMappedKey(q, end, true);
      wColon();
      if (stringEquals(q, end, "d") || stringEquals(q, end, "data")) {
        sawData = true;
        let r = expandData(v, end);
        if (r < 0) return r;
      } else if (stringEquals(q, end, "hd") || stringEquals(q, end, "historical_data")) {
        sawHd = true;
        let r = expandHistory(v, end);
        if (r < 0) return r;
      } else copySpan(v, ve);
    }
    q = ve;
    if (load<u8>(q) == 0x2c) q++;
  }
  if (!sawData) { if (!first) wComma(); first = false; wLiteral("data"); wColon(); jsonByte(0x7b); jsonByte(0x7d); }
  if (!sawHd) { if (!first) wComma(); wLiteral("historical_data"); wColon(); jsonByte(0x5b); jsonByte(0x5d); }
  jsonByte(0x7d);
  if (outError() != 0) return outError();
  if (outOverflow()) return ERR_METRICS_FULL;
  // Mapping can name one key twice (an order naming a variable twice, a row with both "0" and the
  // name it maps to, a request with both "d" and "data"): no JSON object may hold that, so refuse.
  if (skipValue(JSON_OUT, JSON_OUT + <usize>outLength(), 0, UNIQUE_KEYS | PYTHON) == ERR_JSON_DUPLICATE_KEY) return ERR_METRICS_SHAPE;
  return outLength();
}

function intOfExact(p: usize, end: usize): f64 {
  let n = scanNumber(p, <i32>(end - p));
  if (n == 0) return NaN;
  let k = parseNumber(p, n);
  if (k == NUM_FLOAT) return parsedFloat();
  return k > 0 && parsedIntFits ? <f64>parsedInt : NaN;
}

function expandHistory(hd: usize, end: usize): i32 {
  if (!truthy(hd, end)) { jsonByte(0x5b); jsonByte(0x5d); return 0; }
  if (load<u8>(hd) != 0x5b) return ERR_METRICS_SHAPE;
  let order = formatMember("historical_data_order");
  let interval = formatMember("historical_data_interval");
  let fend = formatEnd();
  jsonByte(0x5b);
  let hdEnd = valueEnd(hd, end);
  let q = hd + 1;
  let idx = 0;
  while (q < hdEnd && load<u8>(q) != 0x5d) {
    if (idx > 0) wComma();
    let r = expandRow(q, hdEnd, idx, order, fend, interval);
    if (r < 0) return r;
    q = valueEnd(q, hdEnd);
    if (load<u8>(q) == 0x2c) q++;
    idx++;
  }
  jsonByte(0x5d);
  return 0;
}

// ---- answers -----------------------------------------------------------------------------------

// Builds the answer to the loaded request from the object in json_in_buffer() (len bytes; keys
// in simple or condensed form, in the order to write). Signed ("a" last) when sign is set, with
// the key in key_buffer(). Writes json_out_buffer(); returns the length or an error.
export function serverAnswer(len: i32, sign: bool): i32 {
  if (requestLen == 0 || len < 0 || len > JSON_IO_CAPACITY) return ERR_METRICS_ARGUMENT;
  // The canonical answer object goes in the unused tail of json_in_buffer(), after the input.
  let canonAt = JSON_IN + <usize>len;
  let cap = JSON_IO_CAPACITY - len;
  let n = canonicalize(JSON_IN, len, canonAt, cap);
  if (n < 0) return n;
  let end = canonAt + <usize>n;
  if (load<u8>(canonAt) != 0x7b) return ERR_METRICS_SHAPE;
  outBegin(JSON_OUT, JSON_IO_CAPACITY, OUT_JSON);
  jsonByte(0x7b);
  let first = true;
  let q = canonAt + 1;
  while (q < end && load<u8>(q) != 0x7d) {
    let v = valueEnd(q, end) + 1;
    let ve = valueEnd(v, end);
    if (!first) wComma();
    first = false;
    writeMappedKey(q, end, false);
    wColon();
    copySpan(v, ve);
    q = ve;
    if (load<u8>(q) == 0x2c) q++;
  }
  if (sign) {
    let rend = reqEnd();
    hashStart();
    let sn = member("sn", "serial_number");
    if (sn == 0 || !hashStr(sn, rend)) { hashEnd(); return ERR_METRICS_SHAPE; }
    let ts = member("ts", "timestamp");
    let rc = member("rc", "request_count");
    if (truthy(ts, rend) && !hashStr(ts, rend)) { hashEnd(); return ERR_METRICS_SHAPE; }
    if (truthy(rc, rend) && !hashStr(rc, rend)) { hashEnd(); return ERR_METRICS_SHAPE; }
    // parts in the reference's order, from the canonical answer
    let ok = answerPart(canonAt, end, "active_until_timestamp", "auts", true) &&
      answerPart(canonAt, end, "active_seconds_left", "asl", true) &&
      answerPart(canonAt, end, "token_list", "tkl", false) &&
      answerPart(canonAt, end, "settings", "st", false) &&
      answerPart(canonAt, end, "extra_data", "ed", false);
    let h = hashEnd();
    if (!ok) return ERR_METRICS_SHAPE;
    if (!first) wComma();
    wLiteral("a");
    wColon();
    jsonByte(0x22); jsonByte(0x64); jsonByte(0x61);
    let hn = formatU64Hex(h);
    for (let i = 0; i < hn; i++) jsonByte(load<u8>(NUM_TEXT + <usize>i));
    jsonByte(0x22);
  }
  jsonByte(0x7d);
  if (outOverflow()) return ERR_METRICS_FULL;
  return outLength();
}

function answerPart(obj: usize, end: usize, simple: string, condensed: string, asStr: bool): bool {
  let p = findMember(obj, end, simple);
  if (p == 0) p = findMember(obj, end, condensed);
  if (!truthy(p, end)) return true;
  if (asStr) return hashStr(p, end);
  hashSpan(p, end);
  return true;
}

// Expansion of the loaded request to the simple form, as the reference's get_simple_metrics(): the
// keys in their simple names, `auth` left out, a list `data` made an object by the format's
// data_order, historical rows made objects by its historical_data_order, with their times filled.
// Written to the server's free memory, which grows as the expansion needs: first its index, so that
// a host stores the rows without reading the text (indexBuffer()), then the text (outBuffer()).
// Each row is read in two passes: where its time comes from, then written.
import { NUM_TEXT } from "../memory";
import { ERR_METRICS_ARGUMENT, ERR_METRICS_SHAPE, ERR_METRICS_TOO_LARGE, REQUEST_MEMBER_A, REQUEST_MEMBER_D, REQUEST_MEMBER_DFO,
  REQUEST_MEMBER_DTC, REQUEST_MEMBER_HD, REQUEST_MEMBER_TS } from "../abi";
import { reach } from "./region";
import { OUT_GROWS, OUT_JSON, jsonByte, jsonBytes, outBase, outBegin, outError, outLength, outOverflow, wColon, wComma } from "../json/out";
import { NUM_FLOAT, formatI64, parseNumber, parsedFloatBits, parsedInt, parsedIntFits } from "../json/number";
import { FEW_KEYS, distinctStrings, keyBefore } from "../json/value";
import { SERVER, formatEnd, indexStart, member, requestEnd, requestStart, textStart } from "./state";
import { arrayLength, closes, isName, next, objectMember, skip, truthy } from "./canonical";
import { keyMember, memberName, writeKey, writeName } from "./members";
import { DATA_ORDER, HISTORICAL_DATA_INTERVAL, HISTORICAL_DATA_ORDER, RELATIVE_TIME } from "./names";

// The index: u32 offsets in the text: `data`'s value, start and end; the number of historical
// rows; for each, its start, its "timestamp" member's start (its key) and end (after its value;
// both 0 when the row has none) and its end. Its size is known at load (SERVER.rows).
@inline function indexSet(word: u32, v: i32): void { store<u32>(indexStart() + (<usize>word << 2), <u32>v); }
@inline function rowSet(row: i32, word: u32, v: i32): void { indexSet(3 + (<u32>row << 2) + word, v); }

// receivedAt: the time the reference takes when the request has no timestamp (its now()).
// Returns the text's length or an error.
export function expand(receivedAt: f64): i32 {
  if (SERVER.requestLen == 0) return ERR_METRICS_ARGUMENT;
  let end = requestEnd();
  if (!reach(textStart())) return ERR_METRICS_TOO_LARGE;
  indexSet(2, <i32>SERVER.rows);
  outBegin(textStart(), OUT_GROWS, OUT_JSON);
  // the first row's time: dtc (or dct), else ts, else the reception time
  let ts = member(REQUEST_MEMBER_TS);
  let dtc = member(REQUEST_MEMBER_DTC);
  let ok = dtc != 0 ? timeOf(dtc, end) : truthy(ts, end) ? timeOf(ts, end) : timeOfFloat(receivedAt);
  if (!ok) return ERR_METRICS_SHAPE;
  jsonByte(0x7b);
  let sawData = false, sawRows = false;
  let first = true;
  let q = requestStart() + 1;
  while (!closes(q, end)) {
    let v = skip(q, end) + 1;
    let m = keyMember(q, end);
    let ve: isize;
    if (m == REQUEST_MEMBER_A) ve = <isize>skip(v, end);
    else {
      if (!first) wComma();
      first = false;
      writeKey(q, end, true);
      wColon();
      if (m == REQUEST_MEMBER_D) { sawData = true; ve = expandData(v, end); }
      else if (m == REQUEST_MEMBER_HD) { sawRows = true; ve = expandHistory(v, end); }
      else { ve = <isize>skip(v, end); jsonBytes(v, <i32>(<usize>ve - v)); }
      if (ve < 0) return <i32>ve;
    }
    q = next(<usize>ve);
  }
  // the reference sets both: an absent one is added at the end
  if (!sawData) {
    if (!first) wComma();
    first = false;
    writeName(memberName(REQUEST_MEMBER_D, true));
    wColon();
    indexSet(0, outLength());
    jsonByte(0x7b); jsonByte(0x7d);
    indexSet(1, outLength());
  }
  if (!sawRows) { if (!first) wComma(); writeName(memberName(REQUEST_MEMBER_HD, true)); wColon(); jsonByte(0x5b); jsonByte(0x5d); }
  jsonByte(0x7d);
  if (outError() != 0) return outError();
  if (outOverflow()) return ERR_METRICS_TOO_LARGE;
  return outLength();
}

// ---- the data format: the host's, else the request's own dfo -------------------------------

// The end of the format's text (bounds every read of the format and of the request).
@inline function formatLimit(): usize { return formatEnd(); }

function formatMember(name: usize): usize {
  if (SERVER.formatLen > 0) return objectMember(requestEnd(), formatEnd(), name);
  return objectMember(member(REQUEST_MEMBER_DFO), requestEnd(), name);
}

// ---- time, as the reference's datetime keeps it ----------------------------------------------
// Whole seconds and microseconds (0..999999): per-call scratch.
let seconds: i64 = 0;
let micros: i32 = 0;
const TIME_RANGE: f64 = 9.2e18;

// Math.trunc without libm (the C build links none): from 2^52 up every double is an integer;
// below, the i64 conversion is in range.
function truncate(x: f64): f64 {
  return Math.abs(x) < 4503599627370496.0 ? <f64><i64>x : x;
}

// x (|x| < 2^52) to the nearest integer, ties to even (CPython's _PyTime_ROUND_HALF_EVEN).
function roundHalfEven(x: f64): f64 {
  let r = truncate(x);
  let d = x - r;
  let odd = (<i64>r & 1) != 0;
  if (d > 0.5 || (d == 0.5 && odd)) return r + 1;
  if (d < -0.5 || (d == -0.5 && odd)) return r - 1;
  return r;
}

// datetime.fromtimestamp(x): the fraction rounded to the microsecond, half to even, then made
// non-negative (1700000000.9999995 is 1700000001 s and 0 us). False out of range.
function timeOfFloat(x: f64): bool {
  if (!(x > -TIME_RANGE && x < TIME_RANGE)) return false;
  let whole = truncate(x);
  seconds = <i64>whole;
  micros = <i32>roundHalfEven((x - whole) * 1e6);
  if (micros >= 1000000) { micros -= 1000000; seconds++; }
  else if (micros < 0) { micros += 1000000; seconds--; }
  return true;
}

// datetime.fromtimestamp of the value at p: an integer, a float or a boolean (True is 1).
function timeOf(p: usize, end: usize): bool {
  let c = load<u8>(p);
  if (c == 0x74 || c == 0x66) { seconds = <i64>(c == 0x74); micros = 0; return true; }
  if (c != 0x2d && (c < 0x30 || c > 0x39)) return false;
  let kind = parseNumber(p, <i32>(skip(p, end) - p));
  if (kind == NUM_FLOAT) return timeOfFloat(reinterpret<f64>(parsedFloatBits));
  if (kind <= 0 || !parsedIntFits) return false;
  seconds = parsedInt;
  micros = 0;
  return true;
}

// + timedelta(seconds=int(value)) for the value at p (an integer, a float truncated, a boolean).
function addSeconds(p: usize, end: usize): bool {
  if (p == 0) return false;
  let c = load<u8>(p);
  let s: i64;
  if (c == 0x74 || c == 0x66) s = <i64>(c == 0x74);
  else {
    if (c != 0x2d && (c < 0x30 || c > 0x39)) return false;
    let kind = parseNumber(p, <i32>(skip(p, end) - p));
    if (kind == NUM_FLOAT) {
      let x = reinterpret<f64>(parsedFloatBits);
      if (!(x > -TIME_RANGE && x < TIME_RANGE)) return false;
      s = <i64>x;
    } else if (kind > 0 && parsedIntFits) s = parsedInt;
    else return false;
  }
  let sum = <f64>seconds + <f64>s;
  if (!(sum > -TIME_RANGE && sum < TIME_RANGE)) return false;
  seconds += s;
  return true;
}

// int(datetime.timestamp()): the seconds plus the microseconds as a float, truncated.
function writeTime(): bool {
  let t = truncate(<f64>seconds + <f64>micros / 1e6);
  if (!(t > -TIME_RANGE && t < TIME_RANGE)) return false;
  jsonBytes(NUM_TEXT, formatI64(<i64>t));
  return true;
}

// ---- data ------------------------------------------------------------------------------------

// A list `d` becomes an object of every data_order name (translated to its simple name), a value
// missing at the end null; more values than names is an error. Other `d` stay as sent ({} when
// falsy). Returns the end of d in the request, or an error.
function expandData(d: usize, end: usize): isize {
  let dEnd = skip(d, end);
  indexSet(0, outLength());
  if (!truthy(d, end)) { jsonByte(0x7b); jsonByte(0x7d); }
  else if (load<u8>(d) != 0x5b) jsonBytes(d, <i32>(dEnd - d));
  else {
    let lim = formatLimit();
    let order = formatMember(DATA_ORDER);
    if (arrayLength(order, lim) <= 0) return ERR_METRICS_SHAPE;
    let at = outLength();
    jsonByte(0x7b);
    let v = d + 1;
    let name = order + 1;
    while (!closes(name, lim)) {
      if (load<u8>(name) != 0x22) return ERR_METRICS_SHAPE;
      if (name != order + 1) wComma();
      writeKey(name, lim, true);
      wColon();
      if (closes(v, dEnd)) { jsonByte(0x6e); jsonByte(0x75); jsonByte(0x6c); jsonByte(0x6c); }
      else {
        let ve = skip(v, dEnd);
        jsonBytes(v, <i32>(ve - v));
        v = next(ve);
      }
      name = next(skip(name, lim));
    }
    if (!closes(v, dEnd)) return ERR_METRICS_SHAPE;
    jsonByte(0x7d);
    let r = keysOnce(at);
    if (r < 0) return r;
  }
  indexSet(1, outLength());
  return <isize>dEnd;
}

// ---- historical data -------------------------------------------------------------------------

// Per expansion: the historical order, its length (-1: not a list), whether its names are all
// different, where relative_time and timestamp are in it (-1: not), the interval, the simple name
// of timestamp, and the last order element a row's digit key looked up (rows number them in order).
let order: usize = 0;
let orderLength: i32 = 0;
let orderDistinct = true;
let relativeAt: i32 = -1;
let timestampAt: i32 = -1;
let interval: usize = 0;
let tsName: usize = 0;
let lookedUp: i32 = 0;
let lookedUpAt: usize = 0;

// Returns the end of hd in the request, or an error.
function expandHistory(hd: usize, end: usize): isize {
  if (!truthy(hd, end)) { jsonByte(0x5b); jsonByte(0x5d); return <isize>skip(hd, end); }
  if (load<u8>(hd) != 0x5b) return ERR_METRICS_SHAPE;
  let lim = formatLimit();
  order = formatMember(HISTORICAL_DATA_ORDER);
  orderLength = arrayLength(order, lim);
  orderDistinct = true;
  if (orderLength > 1) {
    let u = distinctStrings(order, lim, orderLength, (outBase() + <usize>outLength() + 3) & ~3);
    if (u < 0) return ERR_METRICS_TOO_LARGE;
    orderDistinct = u == 1;
  }
  tsName = memberName(REQUEST_MEMBER_TS, true);
  relativeAt = -1;
  timestampAt = -1;
  let name = order + 1;
  for (let i = 0; i < orderLength; i++) {
    if (relativeAt < 0 && isName(name, lim, RELATIVE_TIME)) relativeAt = i;
    if (timestampAt < 0 && isName(name, lim, tsName)) timestampAt = i;
    name = next(skip(name, lim));
  }
  lookedUp = -1;
  interval = formatMember(HISTORICAL_DATA_INTERVAL);
  jsonByte(0x5b);
  let q = hd + 1;
  let idx = 0;
  while (!closes(q, end)) {
    if (idx > 0) wComma();
    let r = expandRow(q, idx, end);
    if (r < 0) return r;
    if (outOverflow()) return ERR_METRICS_TOO_LARGE; // past the memory limit: no use reading on
    q = next(<usize>r);
    idx++;
  }
  jsonByte(0x5d);
  return <isize>(q + 1);
}

// Element i of the historical order (from the last one looked up when i is not before it), or 0.
function orderElement(i: i32, lim: usize): usize {
  if (lookedUp < 0 || i < lookedUp) { lookedUp = 0; lookedUpAt = order + 1; }
  while (lookedUp < i && !closes(lookedUpAt, lim)) { lookedUpAt = next(skip(lookedUpAt, lim)); lookedUp++; }
  return closes(lookedUpAt, lim) ? 0 : lookedUpAt;
}

// The number a digit key at k names ("3": 3), or -1 (not all digits; past 100000 counts as big).
function digitKey(k: usize, lim: usize): i32 {
  let e = skip(k, lim) - 1;
  if (e - k < 2) return -1;
  let n = 0;
  for (let z = k + 1; z < e; z++) {
    let c = <i32>load<u8>(z);
    if (c < 0x30 || c > 0x39) return -1;
    if (n <= 100000) n = n * 10 + c - 0x30;
  }
  return n;
}

// Writes historical row idx (at row) as an object, its time filled in, and its index entry.
// A list row takes its names from the order; an object row's digit keys below the order's
// length are mapped to the order's names. The row's time: relative_time (not null) adds to the
// running time and becomes timestamp; a truthy timestamp sets the running time and stays as
// sent; otherwise the running time goes on by the interval (not for the first row) and is
// written as timestamp, where the row had one or last. Returns the row's end, or an error.
function expandRow(row: usize, idx: i32, end: usize): isize {
  let lim = formatLimit();
  let isList = load<u8>(row) == 0x5b;
  if (!isList && load<u8>(row) != 0x7b) return ERR_METRICS_SHAPE;
  // pass 1: the row's end, and its relative_time and timestamp values
  let rel: usize = 0;
  let tsv: usize = 0;
  let mapped = false;
  let i = 0;
  let q = row + 1;
  while (!closes(q, end)) {
    if (isList) {
      if (i == orderLength) return ERR_METRICS_SHAPE; // more values than names
      if (i == relativeAt) rel = q;
      else if (i == timestampAt) tsv = q;
      q = next(skip(q, end));
    } else {
      let key = rowKey(q, lim);
      if (key == 0) return ERR_METRICS_SHAPE;
      if (key != q) mapped = true;
      let v = skip(q, end) + 1;
      if (isName(key, lim, RELATIVE_TIME)) rel = v;
      else if (isName(key, lim, tsName)) tsv = v;
      q = next(skip(v, end));
    }
    i++;
  }
  if (isList && orderLength < 0) return ERR_METRICS_SHAPE;
  let rowEnd = q + 1;
  // the row's time
  let setTs = false;
  let relSet = rel != 0 && load<u8>(rel) != 0x6e;
  if (relSet) {
    if (!addSeconds(rel, rowEnd)) return ERR_METRICS_SHAPE;
    setTs = true;
  } else if (tsv != 0 && truthy(tsv, rowEnd)) {
    if (!timeOf(tsv, rowEnd)) return ERR_METRICS_SHAPE;
  } else {
    if (idx != 0 && !addSeconds(interval, lim)) return ERR_METRICS_SHAPE;
    setTs = true;
  }
  // pass 2: written
  let at = outLength();
  rowSet(idx, 0, at);
  rowSet(idx, 1, 0);
  rowSet(idx, 2, 0);
  jsonByte(0x7b);
  let first = true;
  let wroteTs = false;
  let name = order + 1;
  i = 0;
  q = row + 1;
  while (!closes(q, rowEnd)) {
    let key: usize, keyEnd: usize, v: usize;
    let isRel: bool, isTs: bool;
    if (isList) {
      key = name;
      if (load<u8>(key) != 0x22) return ERR_METRICS_SHAPE;
      keyEnd = skip(key, lim);
      name = next(keyEnd);
      v = q;
      isRel = i == relativeAt;
      isTs = i == timestampAt;
    } else {
      key = rowKey(q, lim);
      keyEnd = skip(key, lim);
      v = skip(q, rowEnd) + 1;
      isRel = isName(key, lim, RELATIVE_TIME);
      isTs = !isRel && isName(key, lim, tsName);
    }
    let ve = skip(v, rowEnd);
    if (!(relSet && isRel)) {
      if (!first) wComma();
      first = false;
      let memberAt = outLength();
      jsonBytes(key, <i32>(keyEnd - key));
      wColon();
      if (setTs && isTs) {
        if (!writeTime()) return ERR_METRICS_SHAPE;
        wroteTs = true;
      } else jsonBytes(v, <i32>(ve - v));
      if (isTs) { rowSet(idx, 1, memberAt); rowSet(idx, 2, outLength()); }
    }
    q = next(ve);
    i++;
  }
  if (setTs && !wroteTs) {
    if (!first) wComma();
    rowSet(idx, 1, outLength());
    writeName(tsName);
    wColon();
    if (!writeTime()) return ERR_METRICS_SHAPE;
    rowSet(idx, 2, outLength());
  }
  jsonByte(0x7d);
  rowSet(idx, 3, outLength());
  // a key twice: the order names a variable twice, or a digit key maps to a key the row has
  if ((isList && !orderDistinct) || mapped) {
    let r = keysOnce(at);
    if (r < 0) return r;
  }
  return <isize>rowEnd;
}

// The key of an object row's member at k: the order's name for a digit key below the order's
// length, else k itself; 0 when it is not a string (a digit key without an order).
function rowKey(k: usize, lim: usize): usize {
  let n = digitKey(k, lim);
  if (n < 0) return k;
  if (orderLength < 0) return 0;
  if (n >= orderLength) return k;
  let e = orderElement(n, lim);
  return load<u8>(e) == 0x22 ? e : 0;
}

// 0 when the object just written at output offset `at` holds no key twice (mapping names can name
// one key twice: no JSON object may hold that), else ERR_METRICS_SHAPE (or TOO_LARGE: no memory
// for the check).
function keysOnce(at: i32): i32 {
  if (outOverflow()) return 0; // refused as too large at the end
  let obj = outBase() + <usize>at;
  let end = outBase() + <usize>outLength();
  let count = 0;
  let q = obj + 1;
  while (!closes(q, end)) {
    if (count < FEW_KEYS && keyBefore(obj, q, end)) return ERR_METRICS_SHAPE;
    count++;
    q = next(skip(skip(q, end) + 1, end));
  }
  if (count <= FEW_KEYS) return 0;
  let u = distinctStrings(obj, end, count, (end + 3) & ~3);
  return u == 1 ? 0 : u == 0 ? ERR_METRICS_SHAPE : ERR_METRICS_TOO_LARGE;
}

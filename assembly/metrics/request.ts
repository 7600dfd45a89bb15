// The device's request encoder: configuration (serial, data format, ts / rc, auth method),
// the rows the host puts values into, and the writer of condensed or simple requests in JSON
// or CBOR with the auth computed while writing (key order and auth methods: docs/codec.md,
// "Metrics codec").
import { REQUEST, RequestState } from "./state"; // first: its areas lie first in memory
import { REQUEST_STATE, IO, IO_CAPACITY, OUT, OUT_CAPACITY, FORMAT, FORMAT_CAPACITY, DATA_ROW, STAGE_ROW, SERIAL, SERIAL_CAPACITY, NUM_TEXT } from "../memory";
import { hashStart, hashOnly, hashEnd, hashPause, hashResume, outBegin, outError, outLength, outOverflow, wMapOpen, wMapClose,
  wArrayOpen, wArrayClose, wComma, wColon, wLiteralBytes, wNull, wString, wInt, OUT_JSON, OUT_CBOR } from "../json/out";
import { formatI64, formatU64Hex } from "../json/number";
import { bitsFinite } from "../decimal";
import { utf8Sequence } from "../utf8";
import { T_ARR, T_FALSE, T_NULL, T_TRUE, INLINE_NAME, nameAdd, nameAt, nameCount, nameIndex, namesReset, putByte, putFloatValue,
  putIntValue, putStringValue, rowStart, rowLength, rowOverflowed, rowTruncate, entryEnd, entryValue, entryVar, findEntry, findNamed,
  valueIsNull, valueTruthy, writeStoredValue, entryCount } from "./rows";
import { ringAccessories, ringAppend, ringFirst, ringEnd, ringIsAccessory, ringNext, ringRowLength, ringRows, ringMarkSent } from "./ring";
import { writeValue, skipValue, skipWs, findMemberKey, clearSawSurrogate, sawSurrogate, UNIQUE_KEYS } from "../json/value";
import { KEYS, K_SN, K_DF, K_DFO, K_TS, K_RC, K_DTC, K_ACC, K_D, K_HD, K_A, K_AUTH_PREFIX, keyAt, keySimple } from "./keys";
import { ERR_METRICS_ARGUMENT, ERR_METRICS_SHAPE, ERR_METRICS_UTF8, ERR_METRICS_DUPLICATE, ERR_METRICS_FULL, ERR_METRICS_NEEDS_COUNT, ERR_METRICS_NEEDS_TIMESTAMP, ERR_METRICS_NO_FORMAT, ERR_METRICS_NOT_FINITE, ERR_METRICS_STORAGE_FULL, ERR_METRICS_STATE, ERR_METRICS_UNKNOWN_VARIABLE, ERR_METRICS_MALFORMED,
  ERR_METRICS_NOT_BUILT, METRICS_AUTH_NONE, METRICS_AUTH_SA, METRICS_AUTH_TA, METRICS_AUTH_CA, METRICS_AUTH_DA, METRICS_AUTH_RA, METRICS_CONDENSED,
  METRICS_SIMPLE } from "../abi";
import { ACCESSORIES_BUILT, CBOR_BUILT, FLOATS_BUILT, FORMAT_OBJECT_BUILT, JSON_BUILT, SIMPLE_BUILT, authBuilt } from "../profile";

// Buffers (memory.ts): sized per build (OPAYGO_FULL, from asconfig.json): the device keeps small
// static buffers; the full build (server side, CLI) shares the byte layer's 16 KiB buffers and
// takes rows, strings and serial numbers as long as its one 64 KiB page allows (README, Limits).
// The inline data format's text: in the full build a buffer of its own (the byte layer also
// writes json_out_buffer()); in the device build the end of the output buffer.

if (offsetof<RequestState>("serialLen") != 8 || offsetof<RequestState>("ts") != 16) ERROR("requestInit's wide stores");

export function outBuffer(): usize { return OUT; }
// What payloads, answers and accessory requests may use of the output buffer: all of it when the
// format has a buffer of its own (FORMAT, full build), else what the kept format leaves.
export function outCapacity(): i32 { return FORMAT != 0 ? OUT_CAPACITY : OUT_CAPACITY - <i32>REQUEST.formatJsonLen; }
function formatAt(): usize { return FORMAT != 0 ? FORMAT : OUT + <usize>(OUT_CAPACITY - <i32>REQUEST.formatJsonLen); }

// Stored rows name their variables by index in the format's name table, so the table (reset by
// init and by a new format) must not change under them: clear the ring first. Init also drops
// the current data and the row being built; a new format keeps them, so it waits for them too
// (an index left without its name was written as "" in a simple payload, once per entry).
function ringInUse(): bool {
  return ringRows() > 0;
}
function formatInUse(): bool {
  return ringRows() > 0 || REQUEST.dataLen > 0 || REQUEST.building != 0;
}

export function requestInit(serialLength: i32, method: i32): i32 {
  if (ringInUse()) return ERR_METRICS_STATE;
  if (serialLength < 0 || serialLength > SERIAL_CAPACITY || serialLength > IO_CAPACITY) return ERR_METRICS_ARGUMENT;
  if (method < METRICS_AUTH_NONE || method > METRICS_AUTH_RA) return ERR_METRICS_ARGUMENT;
  if (!authBuilt(method)) return ERR_METRICS_NOT_BUILT;
  // checked in place before the copy: a refused serial leaves the stored one as it was
  if (!utf8Valid(IO, serialLength)) return ERR_METRICS_UTF8;
  for (let i = 0; i < serialLength; i++) store<u8>(SERIAL + i, load<u8>(IO + i));
  // The whole state but the format id and ts / rc / dtc (unsent until set again) in wide stores:
  // the eight byte fields (all 0 but the auth method) in one, the four u16 (0 but the serial's
  // length) in another, then sentTs and sentRc.
  store<u64>(REQUEST_STATE, <u64>method << (offsetof<RequestState>("authMethod") << 3));
  store<u64>(REQUEST_STATE + offsetof<RequestState>("serialLen"), <u64>serialLength);
  let s = REQUEST;
  s.sentTs = 0;
  s.sentRc = 0;
  namesReset();
  return 0;
}

export function serialBytes(): usize { return SERIAL; }
export function serialLength(): i32 { return REQUEST.serialLen; }
export function sentTimestamp(): i64 { return REQUEST.sentTs; }
export function sentRequestCount(): i64 { return REQUEST.sentRc; }

// A server's settings moved the device to another data format id (same variable orders).
export function switchFormatId(id: i64): void {
  let s = REQUEST;
  s.formatKind = 1;
  s.formatJsonLen = 0;
  s.formatId = id;
}

// Data format by id (with the names of its orders added by requestFormatName).
export function requestFormatId(id: i64, interval: bool): i32 {
  if (formatInUse()) return ERR_METRICS_STATE;
  switchFormatId(id);
  REQUEST.hasInterval = interval;
  namesReset();
  return 0;
}

// The inline data format sits at depth 1 of the request: {"dfo":{...}}.
const FORMAT_DEPTH: i32 = 1;

// Data format inline: its JSON text (len bytes in IO), canonicalized and kept.
export function requestFormatObject(len: i32, interval: bool): i32 {
  if (!FORMAT_OBJECT_BUILT) return ERR_METRICS_NOT_BUILT;
  if (formatInUse()) return ERR_METRICS_STATE;
  if (len < 0 || len > IO_CAPACITY) return ERR_METRICS_ARGUMENT;
  // The canonical text is written at the start of the output buffer (clear of a format kept at
  // its end) and copied to its place only once accepted: a refused format leaves the old one.
  let at = OUT;
  // a key twice, or nesting the server cannot walk, would get every request carrying the format
  // refused by the server
  let v = skipValue(IO, IO + <usize>len, FORMAT_DEPTH, UNIQUE_KEYS);
  if (v < 0) return <i32>v;
  outBegin(at, FORMAT_CAPACITY < OUT_CAPACITY / 2 ? FORMAT_CAPACITY : OUT_CAPACITY / 2, OUT_JSON);
  let r = writeValue(IO, IO + <usize>len, FORMAT_DEPTH);
  if (r < 0) return <i32>r;
  if (outOverflow()) return ERR_METRICS_STORAGE_FULL;
  if (outError() != 0) return outError();
  let n = outLength();
  let s = REQUEST;
  s.formatJsonLen = <u16>n;
  let to = formatAt();
  for (let i = 0; i < n; i++) store<u8>(to + <usize>i, load<u8>(at + <usize>i));
  s.formatKind = 2;
  s.hasInterval = interval;
  namesReset();
  return 0;
}

// Adds the next variable name (len bytes in IO) to data_order (list 0) or historical_data_order (1).
export function requestFormatName(list: i32, len: i32): i32 {
  if (list < 0 || list > 1 || len < 0 || len > IO_CAPACITY) return ERR_METRICS_ARGUMENT;
  return nameAdd(list, IO, len) ? 0 : ERR_METRICS_STORAGE_FULL;
}

export function requestTimestamp(v: i64): void {
  let s = REQUEST;
  if (s.tsPlace == 0) s.tsPlace = ++s.placesTaken;
  s.ts = v;
}
export function requestCount(v: i64): void {
  let s = REQUEST;
  if (s.rcPlace == 0) s.rcPlace = ++s.placesTaken;
  s.rc = v;
}
// data_collection_timestamp (`dtc`): where the server starts the rows' times. Not signed by any
// auth method (the reference signs sn, ts, rc, d, hd only).
export function requestCollectionTimestamp(v: i64): void {
  let s = REQUEST;
  if (s.dtcPlace == 0) s.dtcPlace = ++s.placesTaken;
  s.dtc = v;
}

// ---- rows ------------------------------------------------------------------------------------

// which: 1 the current data, 2 a new historical row. Both are built in the stage area, so a row
// that is abandoned or overflows leaves the current data as it was (it was built in place, and
// its old length then covered the new row's bytes and the old row's tail).
// which 0 abandons the row being built (the host's way out after a refused value).
export function rowBegin(which: i32): i32 {
  if (<u32>which > 2) return ERR_METRICS_ARGUMENT;
  let s = REQUEST;
  s.building = <u8>which;
  s.arrayCountAt = 0;
  rowStart();
  return 0;
}

export function rowEnd(): i32 {
  let s = REQUEST;
  let which = s.building;
  if (which == 0 || s.arrayCountAt != 0) return ERR_METRICS_STATE;
  let n = rowLength();
  if (which == 1) {
    for (let i = 0; i < n; i++) store<u8>(DATA_ROW + <usize>i, load<u8>(STAGE_ROW + <usize>i));
    s.dataLen = <u16>n;
  } else if (!ringAppend(STAGE_ROW, n)) return ERR_METRICS_STORAGE_FULL; // the row stays open
  s.building = 0;
  return 0;
}

// Starts an entry named by the first nameLen bytes of IO (inside an array: an element). Returns
// the row's length before it (the entry's start, for putDone) or an error.
// putDone() ends it: an entry that overflows the row is taken back and refused, so the row stays
// as it was (the bytes past its end are not part of it).
function entryStart(nameLen: i32): i32 {
  let s = REQUEST;
  if (s.building == 0) return ERR_METRICS_STATE;
  let from = rowLength();
  if (s.arrayCountAt != 0) return load<u8>(s.arrayCountAt) == 255 ? ERR_METRICS_STORAGE_FULL : from;
  if (nameLen < 0 || nameLen > 254 || nameLen > IO_CAPACITY) return ERR_METRICS_ARGUMENT;
  let list = s.building == 1 ? 0 : 1;
  let row = STAGE_ROW;
  if (findNamed(row, from, list, IO, nameLen) != 0) return ERR_METRICS_DUPLICATE;
  let idx = nameIndex(list, IO, nameLen);
  if (idx >= 0) putByte(<u32>idx);
  // a variable outside the format: only the simple form can send it
  else if (!SIMPLE_BUILT) return ERR_METRICS_UNKNOWN_VARIABLE;
  else {
    putByte(INLINE_NAME);
    putByte(<u32>nameLen);
    for (let i = 0; i < nameLen; i++) putByte(load<u8>(IO + i));
  }
  return from;
}

function putDone(from: i32): i32 {
  if (rowOverflowed()) {
    rowTruncate(from);
    return ERR_METRICS_STORAGE_FULL;
  }
  let count = <usize>REQUEST.arrayCountAt;
  if (count != 0) store<u8>(count, load<u8>(count) + 1);
  return 0;
}

export function putInt(nameLen: i32, v: i64): i32 {
  let from = entryStart(nameLen);
  if (from < 0) return from;
  putIntValue(v);
  return putDone(from);
}
// v: a double's IEEE 754 bits.
export function putFloat(nameLen: i32, v: u64): i32 {
  if (!FLOATS_BUILT) return ERR_METRICS_NOT_BUILT;
  if (!bitsFinite(v)) return ERR_METRICS_NOT_FINITE;
  let from = entryStart(nameLen);
  if (from < 0) return from;
  putFloatValue(v);
  return putDone(from);
}
export function putBool(nameLen: i32, v: bool): i32 {
  let from = entryStart(nameLen);
  if (from < 0) return from;
  putByte(v ? T_TRUE : T_FALSE);
  return putDone(from);
}
export function putNull(nameLen: i32): i32 {
  let from = entryStart(nameLen);
  if (from < 0) return from;
  putByte(T_NULL);
  return putDone(from);
}
// The string's UTF-8 bytes follow the name in IO.
export function putString(nameLen: i32, valueLen: i32): i32 {
  let inArray = REQUEST.arrayCountAt != 0;
  let at = inArray ? 0 : nameLen;
  // (no at + valueLen: a huge valueLen would overflow i32 and pass)
  if (at < 0 || at > IO_CAPACITY || valueLen < 0 || valueLen > IO_CAPACITY - at) return ERR_METRICS_ARGUMENT;
  // validate before the entry starts, so a bad string leaves the row as it was
  if (!utf8Valid(IO + <usize>at, valueLen)) return ERR_METRICS_UTF8;
  let from = entryStart(nameLen);
  if (from < 0) return from;
  putStringValue(IO + <usize>at, valueLen);
  return putDone(from);
}

function utf8Valid(p: usize, n: i32): bool {
  for (let i = 0; i < n;) {
    let k = utf8Sequence(p + <usize>i, n - i);
    if (k == 0) return false;
    i += k;
  }
  return true;
}

// A small flat array (a GPS pair...): arrayBegin, then put* calls for the elements, arrayEnd.
export function arrayBegin(nameLen: i32): i32 {
  if (REQUEST.arrayCountAt != 0) return ERR_METRICS_STATE;
  let from = entryStart(nameLen);
  if (from < 0) return from;
  putByte(T_ARR);
  putByte(0); // the count, patched as elements arrive
  let r = putDone(from);
  if (r != 0) return r;
  REQUEST.arrayCountAt = <u16>(STAGE_ROW + <usize>(rowLength() - 1));
  return 0;
}
export function arrayEnd(): i32 {
  let s = REQUEST;
  if (s.arrayCountAt == 0) return ERR_METRICS_STATE;
  s.arrayCountAt = 0;
  return 0;
}

// ---- accessories ----------------------------------------------------------------------------

// An accessory request sits at depth 2 of ours: {"acc":[{...}]}.
const ACCESSORY_DEPTH: i32 = 2;

// Adds an accessory's request (len bytes of JSON in the output buffer: an object with its own
// serial number, format and auth, made by the accessory) to the ring; it goes out in `acc` of
// the following requests until an answer acknowledges it.
export function accessoryAdd(len: i32): i32 {
  if (!ACCESSORIES_BUILT) return ERR_METRICS_NOT_BUILT;
  if (len < 0 || len > outCapacity()) return ERR_METRICS_ARGUMENT;
  let end = OUT + <usize>len;
  let p = skipWs(OUT, end);
  // duplicate keys refused: the server would refuse every request carrying this one; so are lone
  // surrogates, which no UTF-8 (CBOR) request could carry
  clearSawSurrogate();
  let after = skipValue(p, end, ACCESSORY_DEPTH, UNIQUE_KEYS);
  if (after < 0) return <i32>after;
  if (sawSurrogate) return ERR_METRICS_UTF8;
  if (skipWs(<usize>after, end) != end) return ERR_METRICS_MALFORMED;
  if (load<u8>(p) != 0x7b) return ERR_METRICS_SHAPE;
  let sn = findMemberKey(p, end, KEYS + K_SN);
  if (sn == 0) sn = findMemberKey(p, end, keySimple(K_SN));
  if (sn == 0 || load<u8>(sn) != 0x22) return ERR_METRICS_SHAPE;
  return ringAppend(p, <i32>(<usize>after - p), true) ? 0 : ERR_METRICS_STORAGE_FULL;
}

// ---- encoding ----------------------------------------------------------------------------------

function hasInline(row: usize, len: i32): bool {
  let end = row + <usize>len;
  for (let p = row; p < end; p = entryEnd(p, end)) if (entryVar(p) < 0) return true;
  return false;
}

// Number of condensed elements: up to the last non-null value.
function condensedLength(row: usize, len: i32): i32 {
  let end = row + <usize>len;
  let n = 0;
  for (let p = row; p < end; p = entryEnd(p, end)) {
    let v = entryVar(p);
    if (v >= 0 && v + 1 > n && !valueIsNull(entryValue(p))) n = v + 1;
  }
  return n;
}

function writeKey(k: i32, form: i32): void {
  wLiteralBytes(keyAt(k, SIMPLE_BUILT && form != METRICS_CONDENSED));
  wColon();
}

function writeRow(row: usize, len: i32, list: i32, form: i32): void {
  let end = row + <usize>len;
  if (!SIMPLE_BUILT || form == METRICS_CONDENSED) {
    let n = condensedLength(row, len);
    wArrayOpen(n);
    for (let i = 0; i < n; i++) {
      if (i > 0) wComma();
      let e = findEntry(row, len, i);
      if (e == 0) wNull();
      else writeStoredValue(entryValue(e), end);
    }
    wArrayClose();
    return;
  }
  wMapOpen(entryCount(row, len));
  let first = true;
  for (let p = row; p < end; p = entryEnd(p, end)) {
    if (!first) wComma();
    first = false;
    if (load<u8>(p) == INLINE_NAME) wString(p + 2, load<u8>(p + 1));
    else { let a = nameAt(list, load<u8>(p)); wString(a + 1, load<u8>(a)); }
    wColon();
    writeStoredValue(entryValue(p), end);
  }
  wMapClose();
}

function hexHash(h: u64): void {
  hashOnly(NUM_TEXT, formatU64Hex(h));
}

function decimal(v: i64): void {
  hashOnly(NUM_TEXT, formatI64(v));
}

// @ts-ignore: decorator
@inline function authIs(method: i32): bool { return authBuilt(method) && REQUEST.authMethod == method; }

function timestampRowsOk(): bool {
  // "timestamp" as a 9-byte name, compared against each row's entries
  let name = keySimple(K_TS) + 1;
  for (let i = 0; i < 9; i++) store<u8>(NUM_TEXT + i, load<u8>(name + <usize>i));
  for (let p = ringFirst(); p < ringEnd(); p = ringNext(p)) {
    if (ringIsAccessory(p)) continue;
    let row = p + 2;
    let len = ringRowLength(p);
    let e = findNamed(row, len, 1, NUM_TEXT, 9);
    if (e == 0 || !valueTruthy(entryValue(e), row + <usize>len)) return false;
  }
  return true;
}

// Writes the request to the output buffer. Returns its length or an error; on error the
// output is not a usable payload and the ring is untouched.
export function encodeRequest(form: i32, cbor: bool): i32 {
  if (form != METRICS_CONDENSED && form != METRICS_SIMPLE) return ERR_METRICS_ARGUMENT;
  if ((form == METRICS_SIMPLE && !SIMPLE_BUILT) || (cbor ? !CBOR_BUILT : !JSON_BUILT)) return ERR_METRICS_NOT_BUILT;
  // constants from here on where the profile leaves a choice out
  if (!SIMPLE_BUILT) form = METRICS_CONDENSED;
  cbor = cbor && CBOR_BUILT;
  let ta = authIs(METRICS_AUTH_TA);
  let ca = authIs(METRICS_AUTH_CA);
  let da = authIs(METRICS_AUTH_DA);
  let ra = authIs(METRICS_AUTH_RA);
  let s = REQUEST;
  if (s.building != 0) return ERR_METRICS_STATE;
  let formatKind = s.formatKind;
  let dataLen = <i32>s.dataLen;
  let authMethod = <i32>s.authMethod;
  let ts = s.ts;
  let rc = s.rc;
  let rows = ringRows();
  if (form == METRICS_CONDENSED) {
    if (formatKind == 0) return ERR_METRICS_NO_FORMAT;
    // (without the simple form no row holds a variable outside the format)
    if (SIMPLE_BUILT && hasInline(DATA_ROW, dataLen)) return ERR_METRICS_UNKNOWN_VARIABLE;
    if (SIMPLE_BUILT) for (let p = ringFirst(); p < ringEnd(); p = ringNext(p)) if (!ringIsAccessory(p) && hasInline(p + 2, ringRowLength(p))) return ERR_METRICS_UNKNOWN_VARIABLE;
    // the reference needs a historical_data_order as soon as there are rows, even empty ones
    if (rows > 0 && nameCount(1) == 0) return ERR_METRICS_NO_FORMAT;
  }
  if (rows > 0) {
    if (formatKind == 0) return ERR_METRICS_NO_FORMAT;
    if (!s.hasInterval && !timestampRowsOk()) return ERR_METRICS_NEEDS_TIMESTAMP;
  }
  let tsTruthy = s.tsPlace != 0 && ts != 0;
  let rcTruthy = s.rcPlace != 0 && rc != 0;
  if (ta && !tsTruthy) return ERR_METRICS_NEEDS_TIMESTAMP;
  if (ca && !rcTruthy) return ERR_METRICS_NEEDS_COUNT;

  outBegin(OUT, outCapacity(), cbor ? OUT_CBOR : OUT_JSON);
  let accs = ACCESSORIES_BUILT ? ringAccessories() : 0;
  let keys = 3 + (formatKind != 0 ? 1 : 0) + <i32>s.placesTaken + (authMethod != METRICS_AUTH_NONE ? 1 : 0) + (accs > 0 ? 1 : 0);
  wMapOpen(keys);
  writeKey(K_SN, form);
  wString(SERIAL, s.serialLen);
  if (formatKind == 1) { wComma(); writeKey(K_DF, form); wInt(s.formatId); }
  else if (FORMAT_OBJECT_BUILT && formatKind == 2) {
    wComma();
    writeKey(K_DFO, form);
    // CBOR has no form for an integer beyond 64 bits in the format (JSON copies its digits)
    let r = writeValue(formatAt(), formatAt() + <usize>s.formatJsonLen, FORMAT_DEPTH);
    if (r < 0) return <i32>r;
  }
  for (let i = 1; i <= <i32>s.placesTaken; i++) {
    if (i == s.tsPlace) { wComma(); writeKey(K_TS, form); wInt(ts); }
    else if (i == s.rcPlace) { wComma(); writeKey(K_RC, form); wInt(rc); }
    else if (i == s.dtcPlace) { wComma(); writeKey(K_DTC, form); wInt(s.dtc); }
  }

  // Auth: what is signed before `d` (sa / ta / ca are complete here).
  let dataTruthy = form == METRICS_CONDENSED ? condensedLength(DATA_ROW, dataLen) > 0 : dataLen > 0;
  let h: u64 = 0;
  if (authMethod != METRICS_AUTH_NONE) {
    hashStart();
    hashOnly(SERIAL, s.serialLen);
    if (ta) decimal(ts);
    if (ca) decimal(rc);
    if (da) {
      if (tsTruthy) decimal(ts);
      if (rcTruthy) decimal(rc);
      hashPause();
    } else {
      h = hashEnd();
    }
    if (ra) {
      if (tsTruthy) { hashStart(); hexHash(h); decimal(ts); h = hashEnd(); }
      if (rcTruthy) { hashStart(); hexHash(h); decimal(rc); h = hashEnd(); }
    }
  }
  // Accessories' own requests, as their devices made them: not covered by this request's auth
  // (the reference signs only sn, ts, rc, d, hd); each carries its own.
  if (accs > 0) {
    wComma();
    writeKey(K_ACC, form);
    wArrayOpen(accs);
    let first = true;
    for (let p = ringFirst(); p < ringEnd(); p = ringNext(p)) {
      if (!ringIsAccessory(p)) continue;
      if (!first) wComma();
      first = false;
      let r = writeValue(p + 2, p + 2 + <usize>ringRowLength(p), ACCESSORY_DEPTH);
      if (r < 0) return <i32>r;
    }
    wArrayClose();
  }
  wComma();
  writeKey(K_D, form);
  if (da && dataTruthy) hashResume();
  if (ra) { hashStart(); hexHash(h); }
  writeRow(DATA_ROW, dataLen, 0, form);
  if (ra) h = hashEnd();
  if (da) hashPause();

  wComma();
  writeKey(K_HD, form);
  if (rows == 0 && form == METRICS_SIMPLE) { wMapOpen(0); wMapClose(); }
  else {
    if (da && rows > 0) hashResume();
    wArrayOpen(rows);
    let first = true;
    for (let p = ringFirst(); p < ringEnd(); p = ringNext(p)) {
      if (ringIsAccessory(p)) continue;
      if (!first) wComma();
      first = false;
      if (ra) { hashStart(); hexHash(h); }
      writeRow(p + 2, ringRowLength(p), 1, form);
      if (ra) h = hashEnd();
    }
    wArrayClose();
  }
  if (da) h = hashEnd();

  if (authMethod != METRICS_AUTH_NONE) {
    wComma();
    writeKey(K_A, form);
    // method prefix + unpadded lowercase hex, as one string
    let prefix = KEYS + <usize>(K_AUTH_PREFIX + ((authMethod - 1) << 1));
    let n = formatU64Hex(h);
    for (let i = n - 1; i >= 0; i--) store<u8>(NUM_TEXT + 2 + i, load<u8>(NUM_TEXT + i));
    store<u8>(NUM_TEXT, load<u8>(prefix));
    store<u8>(NUM_TEXT + 1, load<u8>(prefix + 1));
    wString(NUM_TEXT, n + 2);
  }
  wMapClose();
  if (outError() != 0) return outError();
  if (outOverflow()) return ERR_METRICS_FULL;
  ringMarkSent();
  s.sentTs = tsTruthy ? ts : 0;
  s.sentRc = rcTruthy ? rc : 0;
  return outLength();
}

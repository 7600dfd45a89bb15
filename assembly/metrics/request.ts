// The device's request encoder: configuration (serial, data format, ts / rc, auth method),
// the rows the host puts values into, and the writer of condensed or simple requests in JSON
// or CBOR with the auth computed while writing (key order and auth methods: docs/codec.md,
// "Metrics codec").
import { IO, IO_CAPACITY, OUT, OUT_CAPACITY, FORMAT, FORMAT_CAPACITY, DATA_ROW, STAGE_ROW, SERIAL, SERIAL_CAPACITY, NULL_VALUE, NUM_TEXT } from "../memory";
import { hashStart, hashOnly, hashEnd, hashPause, hashResume, outBegin, outError, outLength, outOverflow, wMapOpen, wMapClose,
  wArrayOpen, wArrayClose, wComma, wColon, wLiteralBytes, wString, wInt, OUT_JSON, OUT_CBOR } from "./out";
import { formatI64, formatU64Hex } from "./num";
import { bitsFinite } from "../decimal";
import { utf8Sequence } from "../utf8";
import { T_ARR, T_FALSE, T_NULL, T_TRUE, INLINE_NAME, nameAdd, nameAt, nameCount, nameIndex, namesReset, putByte, putFloatValue,
  putIntValue, putStringValue, rowStart, rowLength, rowOverflowed, rowTruncate, entryEnd, entryValue, entryVar, findEntry, findNamed,
  valueIsNull, valueTruthy, writeStoredValue, entryCount } from "./rows";
import { ringAccessories, ringAppend, ringFirst, ringEnd, ringIsAccessory, ringNext, ringRowLength, ringRows, ringMarkSent } from "./ring";
import { writeValue, skipValue, skipWs, findMemberKey, clearSawSurrogate, sawSurrogate, UNIQUE_KEYS } from "./jsonval";
import { KEYS, K_SN, K_DF, K_DFO, K_TS, K_RC, K_DTC, K_ACC, K_D, K_HD, K_A, K_AUTH_PREFIX, keyAt, keySimple } from "./keys";
import { ERR_METRICS_ARGUMENT, ERR_METRICS_SHAPE, ERR_METRICS_UTF8, ERR_METRICS_DUPLICATE, ERR_METRICS_FULL, ERR_METRICS_NEEDS_COUNT, ERR_METRICS_NEEDS_TIMESTAMP, ERR_METRICS_NO_FORMAT, ERR_METRICS_NOT_FINITE, ERR_METRICS_STORAGE_FULL, ERR_METRICS_STATE, ERR_METRICS_UNKNOWN_VARIABLE, ERR_METRICS_MALFORMED,
  ERR_METRICS_NOT_BUILT, METRICS_AUTH_NONE, METRICS_AUTH_SA, METRICS_AUTH_TA, METRICS_AUTH_CA, METRICS_AUTH_DA, METRICS_AUTH_RA, METRICS_CONDENSED,
  METRICS_SIMPLE } from "../abi";
import { ACCESSORIES_BUILT, CBOR_BUILT, FORMAT_OBJECT_BUILT, JSON_BUILT, SIMPLE_BUILT, authBuilt } from "../profile";

// Buffers (memory.ts): sized per build (OPAYGO_FULL, from asconfig.json): the device keeps small
// static buffers; the full build (server side, CLI) shares the byte layer's 16 KiB buffers and
// takes rows, strings and serial numbers as long as its one 64 KiB page allows (README, Limits).
// The inline data format's text: in the full build a buffer of its own (the byte layer also
// writes json_out_buffer()); in the device build the end of the output buffer.
let formatJsonLen: i32 = 0;

export function outBuffer(): usize { return OUT; }
// What payloads, answers and accessory requests may use of the output buffer: all of it when the
// format has a buffer of its own (FORMAT, full build), else what the kept format leaves.
export function outCapacity(): i32 { return FORMAT != 0 ? OUT_CAPACITY : OUT_CAPACITY - formatJsonLen; }
function formatAt(): usize { return FORMAT != 0 ? FORMAT : OUT + <usize>(OUT_CAPACITY - formatJsonLen); }

let serialLen: i32 = 0;
let formatKind: i32 = 0; // 0 none, 1 id, 2 inline object
let formatId: i64 = 0;
let hasInterval = false;
// ts, rc and dtc go out in the order they were first set (the reference's request_dict keeps
// insertion order): each one's place, 1..3, 0 while unset.
let tsPlace = 0;
let rcPlace = 0;
let dtcPlace = 0;
let placesTaken = 0;
let ts: i64 = 0;
let rc: i64 = 0;
let dtc: i64 = 0;
let authMethod: i32 = METRICS_AUTH_NONE;
let dataLen: i32 = 0;
// ts / rc of the last encoded request, 0 when absent or 0: what the answer's signature covers.
let sentTs: i64 = 0;
let sentRc: i64 = 0;

// Row being built: 0 none, 1 data, 2 historical; inside an array, the count's address.
let building: i32 = 0;
let arrayCountAt: usize = 0;

// Stored rows name their variables by index in the format's name table, so the table (reset by
// init and by a new format) must not change under them: clear the ring first. Init also drops
// the current data and the row being built; a new format keeps them, so it waits for them too
// (an index left without its name was written as "" in a simple payload, once per entry).
function ringInUse(): bool {
  return ringRows() > 0;
}
function formatInUse(): bool {
  return ringRows() > 0 || dataLen > 0 || building != 0;
}

export function requestInit(serialLength: i32, method: i32): i32 {
  if (ringInUse()) return ERR_METRICS_STATE;
  if (serialLength < 0 || serialLength > SERIAL_CAPACITY || serialLength > IO_CAPACITY) return ERR_METRICS_ARGUMENT;
  if (method < METRICS_AUTH_NONE || method > METRICS_AUTH_RA) return ERR_METRICS_ARGUMENT;
  if (!authBuilt(method)) return ERR_METRICS_NOT_BUILT;
  // checked in place before the copy: a refused serial leaves the stored one as it was
  if (!utf8Valid(IO, serialLength)) return ERR_METRICS_UTF8;
  for (let i = 0; i < serialLength; i++) store<u8>(SERIAL + i, load<u8>(IO + i));
  serialLen = serialLength;
  authMethod = method;
  formatKind = 0;
  formatJsonLen = 0;
  hasInterval = false;
  tsPlace = rcPlace = dtcPlace = placesTaken = 0;
  dataLen = 0;
  sentTs = sentRc = 0;
  building = 0;
  namesReset();
  return 0;
}

export function serialBytes(): usize { return SERIAL; }
export function serialLength(): i32 { return serialLen; }
export function sentTimestamp(): i64 { return sentTs; }
export function sentRequestCount(): i64 { return sentRc; }

// A server's settings moved the device to another data format id (same variable orders).
export function switchFormatId(id: i64): void {
  formatKind = 1;
  formatJsonLen = 0;
  formatId = id;
}

// Data format by id (with the names of its orders added by requestFormatName).
export function requestFormatId(id: i64, interval: bool): i32 {
  if (formatInUse()) return ERR_METRICS_STATE;
  formatKind = 1;
  formatJsonLen = 0;
  formatId = id;
  hasInterval = interval;
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
  formatJsonLen = outLength();
  let to = formatAt();
  for (let i = 0; i < formatJsonLen; i++) store<u8>(to + <usize>i, load<u8>(at + <usize>i));
  formatKind = 2;
  hasInterval = interval;
  namesReset();
  return 0;
}

// Adds the next variable name (len bytes in IO) to data_order (list 0) or historical_data_order (1).
export function requestFormatName(list: i32, len: i32): i32 {
  if (list < 0 || list > 1 || len < 0 || len > IO_CAPACITY) return ERR_METRICS_ARGUMENT;
  return nameAdd(list, IO, len) ? 0 : ERR_METRICS_STORAGE_FULL;
}

export function requestTimestamp(v: i64): void {
  if (tsPlace == 0) tsPlace = ++placesTaken;
  ts = v;
}
export function requestCount(v: i64): void {
  if (rcPlace == 0) rcPlace = ++placesTaken;
  rc = v;
}
// data_collection_timestamp (`dtc`): where the server starts the rows' times. Not signed by any
// auth method (the reference signs sn, ts, rc, d, hd only).
export function requestCollectionTimestamp(v: i64): void {
  if (dtcPlace == 0) dtcPlace = ++placesTaken;
  dtc = v;
}

// ---- rows ------------------------------------------------------------------------------------

// which: 1 the current data, 2 a new historical row. Both are built in the stage area, so a row
// that is abandoned or overflows leaves the current data as it was (it was built in place, and
// its old length then covered the new row's bytes and the old row's tail).
// which 0 abandons the row being built (the host's way out after a refused value).
export function rowBegin(which: i32): i32 {
  if (<u32>which > 2) return ERR_METRICS_ARGUMENT;
  building = which;
  arrayCountAt = 0;
  rowStart();
  return 0;
}

export function rowEnd(): i32 {
  if (building == 0 || arrayCountAt != 0) return ERR_METRICS_STATE;
  let which = building;
  building = 0;
  let n = rowLength();
  if (which == 1) {
    for (let i = 0; i < n; i++) store<u8>(DATA_ROW + <usize>i, load<u8>(STAGE_ROW + <usize>i));
    dataLen = n;
    return 0;
  }
  return ringAppend(STAGE_ROW, n) ? 0 : ERR_METRICS_STORAGE_FULL;
}

// Starts an entry named by the first nameLen bytes of IO (inside an array: an element).
// putDone() ends it: an entry that overflows the row is taken back and refused, so the row stays
// as it was (the bytes past its end are not part of it).
let entryFrom: i32 = 0;
function entryStart(nameLen: i32): i32 {
  if (building == 0) return ERR_METRICS_STATE;
  entryFrom = rowLength();
  if (arrayCountAt != 0) return load<u8>(arrayCountAt) == 255 ? ERR_METRICS_STORAGE_FULL : 0;
  if (nameLen < 0 || nameLen > 254 || nameLen > IO_CAPACITY) return ERR_METRICS_ARGUMENT;
  let list = building == 1 ? 0 : 1;
  let row = STAGE_ROW;
  if (findNamed(row, rowLength(), list, IO, nameLen) != 0) return ERR_METRICS_DUPLICATE;
  let idx = nameIndex(list, IO, nameLen);
  if (idx >= 0) putByte(<u32>idx);
  // a variable outside the format: only the simple form can send it
  else if (!SIMPLE_BUILT) return ERR_METRICS_UNKNOWN_VARIABLE;
  else {
    putByte(INLINE_NAME);
    putByte(<u32>nameLen);
    for (let i = 0; i < nameLen; i++) putByte(load<u8>(IO + i));
  }
  return 0;
}

function putDone(): i32 {
  if (rowOverflowed()) {
    rowTruncate(entryFrom);
    return ERR_METRICS_STORAGE_FULL;
  }
  if (arrayCountAt != 0) store<u8>(arrayCountAt, load<u8>(arrayCountAt) + 1);
  return 0;
}

export function putInt(nameLen: i32, v: i64): i32 {
  let r = entryStart(nameLen);
  if (r != 0) return r;
  putIntValue(v);
  return putDone();
}
// v: a double's IEEE 754 bits.
export function putFloat(nameLen: i32, v: u64): i32 {
  if (!bitsFinite(v)) return ERR_METRICS_NOT_FINITE;
  let r = entryStart(nameLen);
  if (r != 0) return r;
  putFloatValue(v);
  return putDone();
}
export function putBool(nameLen: i32, v: bool): i32 {
  let r = entryStart(nameLen);
  if (r != 0) return r;
  putByte(v ? T_TRUE : T_FALSE);
  return putDone();
}
export function putNull(nameLen: i32): i32 {
  let r = entryStart(nameLen);
  if (r != 0) return r;
  putByte(T_NULL);
  return putDone();
}
// The string's UTF-8 bytes follow the name in IO.
export function putString(nameLen: i32, valueLen: i32): i32 {
  let inArray = arrayCountAt != 0;
  let at = inArray ? 0 : nameLen;
  // (no at + valueLen: a huge valueLen would overflow i32 and pass)
  if (at < 0 || at > IO_CAPACITY || valueLen < 0 || valueLen > IO_CAPACITY - at) return ERR_METRICS_ARGUMENT;
  // validate before the entry starts, so a bad string leaves the row as it was
  if (!utf8Valid(IO + <usize>at, valueLen)) return ERR_METRICS_UTF8;
  let r = entryStart(nameLen);
  if (r != 0) return r;
  putStringValue(IO + <usize>at, valueLen);
  return putDone();
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
  if (arrayCountAt != 0) return ERR_METRICS_STATE;
  let r = entryStart(nameLen);
  if (r != 0) return r;
  putByte(T_ARR);
  putByte(0); // the count, patched as elements arrive
  r = putDone();
  if (r != 0) return r;
  arrayCountAt = STAGE_ROW + <usize>(rowLength() - 1);
  return 0;
}
export function arrayEnd(): i32 {
  if (arrayCountAt == 0) return ERR_METRICS_STATE;
  arrayCountAt = 0;
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
      if (e == 0) writeStoredNull();
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

function writeStoredNull(): void { writeStoredValue(NULL_VALUE, NULL_VALUE + 1); }

function hexHash(h: u64): void {
  hashOnly(NUM_TEXT, formatU64Hex(h));
}

function decimal(v: i64): void {
  hashOnly(NUM_TEXT, formatI64(v));
}

// @ts-ignore: decorator
@inline function authIs(method: i32): bool { return authBuilt(method) && authMethod == method; }

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
  if (building != 0) return ERR_METRICS_STATE;
  let rows = ringRows();
  if (form == METRICS_CONDENSED) {
    if (formatKind == 0) return ERR_METRICS_NO_FORMAT;
    if (hasInline(DATA_ROW, dataLen)) return ERR_METRICS_UNKNOWN_VARIABLE;
    for (let p = ringFirst(); p < ringEnd(); p = ringNext(p)) if (!ringIsAccessory(p) && hasInline(p + 2, ringRowLength(p))) return ERR_METRICS_UNKNOWN_VARIABLE;
    // the reference needs a historical_data_order as soon as there are rows, even empty ones
    if (rows > 0 && nameCount(1) == 0) return ERR_METRICS_NO_FORMAT;
  }
  if (rows > 0) {
    if (formatKind == 0) return ERR_METRICS_NO_FORMAT;
    if (!hasInterval && !timestampRowsOk()) return ERR_METRICS_NEEDS_TIMESTAMP;
  }
  let tsTruthy = tsPlace != 0 && ts != 0;
  let rcTruthy = rcPlace != 0 && rc != 0;
  if (ta && !tsTruthy) return ERR_METRICS_NEEDS_TIMESTAMP;
  if (ca && !rcTruthy) return ERR_METRICS_NEEDS_COUNT;

  outBegin(OUT, outCapacity(), cbor ? OUT_CBOR : OUT_JSON);
  let accs = ACCESSORIES_BUILT ? ringAccessories() : 0;
  let keys = 3 + (formatKind != 0 ? 1 : 0) + placesTaken + (authMethod != METRICS_AUTH_NONE ? 1 : 0) + (accs > 0 ? 1 : 0);
  wMapOpen(keys);
  writeKey(K_SN, form);
  wString(SERIAL, serialLen);
  if (formatKind == 1) { wComma(); writeKey(K_DF, form); wInt(formatId); }
  else if (formatKind == 2) {
    wComma();
    writeKey(K_DFO, form);
    // CBOR has no form for an integer beyond 64 bits in the format (JSON copies its digits)
    let r = writeValue(formatAt(), formatAt() + <usize>formatJsonLen, FORMAT_DEPTH);
    if (r < 0) return <i32>r;
  }
  for (let i = 1; i <= placesTaken; i++) {
    if (i == tsPlace) { wComma(); writeKey(K_TS, form); wInt(ts); }
    else if (i == rcPlace) { wComma(); writeKey(K_RC, form); wInt(rc); }
    else if (i == dtcPlace) { wComma(); writeKey(K_DTC, form); wInt(dtc); }
  }

  // Auth: what is signed before `d` (sa / ta / ca are complete here).
  let dataTruthy = form == METRICS_CONDENSED ? condensedLength(DATA_ROW, dataLen) > 0 : dataLen > 0;
  let h: u64 = 0;
  if (authMethod != METRICS_AUTH_NONE) {
    hashStart();
    hashOnly(SERIAL, serialLen);
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
  sentTs = tsTruthy ? ts : 0;
  sentRc = rcTruthy ? rc : 0;
  return outLength();
}

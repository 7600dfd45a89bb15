// Device side of a server answer (JSON, condensed or simple key names): checked in full first,
// applied only when everything is acceptable, so a refused answer changes nothing.
//
// Signature rule. The spec lets a server leave an answer that only carries tokens unsigned (tokens
// protect themselves) but requires the data auth `a` when the device has a secret key and the
// answer sets the credit (auts / asl) or settings; the reference signs every answer it makes when
// it has the key, extra data included. This module always has a key (the token engine needs it),
// so: `a` is required as soon as auts or asl is present (even 0) or st / ed is non-empty, and an
// `a` that is present is always verified. The signed text is the reference's:
// sn + str(ts)? + str(rc)? + str(auts)? + str(asl)? + json(tkl)? + json(st)? + json(ed)?, each
// part only when truthy, ts / rc those of the last encoded request. A zero auts / asl is not part
// of the signed text (the reference's truthiness rule), so it can be added to any signed answer
// to this request; it can only take credit away, never give it.
//
// Application order: tokens in list order (network entry: no keypad waiting period), then the
// time (auts: the device's clock is Unix time; asl: now + seconds, for clocks that are not),
// which replaces the credit like a SET_TIME token; st.data_format_id switches the encoder to
// that format id; then the historical rows the last request carried are released.
//
// A profile without floats (OPAYGO_FLOATS=0) refuses an answer holding a number with a fraction or
// an exponent anywhere (ERR_METRICS_NOT_BUILT, from the first reading of it): it could neither
// take its value nor write its canonical form for the signature.
import { ANSWER } from "./state";
import { TEXT, TEXT_CAPACITY, ANSWER_RESULTS, MAX_ANSWER_TOKENS, ANSWER_MEMBERS, ANSWER_MEMBER_SLOTS, IO, IO_CAPACITY, NUM_TEXT } from "../memory";
import { deviceApplyNetworkToken, deviceSetActiveUntil } from "../device";
import { decodedValueRaw } from "../token";
import { hashStart, hashOnly, hashEnd, outBegin, outError, OUT_JSON } from "../json/out";
import { NUM_FLOAT, formatI64, formatU64Hex, parseNumber, parsedFloatBits, parsedInt, parsedIntFits } from "../json/number";
import { bitsZero } from "../decimal";
import { utf8Encode, utf8Length } from "../utf8";
import { isSurrogate, skipValue, skipWs, stringChar, strCodePoint, stringEqualsBytes, stringEqualsSecret, writeValue, findMemberKey } from "../json/value";
import { K_DF, keySimple } from "./keys";
import { ANSWER_KEYS, ANSWER_KEY_COUNT } from "./names";
import { outBuffer, outCapacity, serialBytes, serialLength, sentRequestCount, sentTimestamp, switchFormatId } from "./request";
import { ringAcknowledge } from "./ring";
import { ERR_METRICS_ARGUMENT, ERR_METRICS_FULL, ERR_METRICS_MALFORMED, ERR_METRICS_SERIAL, ERR_METRICS_SHAPE, ERR_METRICS_SIGNATURE, ERR_METRICS_TOKEN,
  ANSWER_TOKENS, ANSWER_TIME, ANSWER_SETTINGS, ANSWER_EXTRA_DATA, ANSWER_SIGNED, ANSWER_FORMAT_ID, ANSWER_TIME_NONE, ANSWER_TIME_UNTIL,
  ANSWER_TIME_SECONDS_LEFT, ERR_METRICS_NOT_BUILT } from "../abi";
import { ANSWER_OBJECTS_BUILT, FLOATS_BUILT } from "../profile";

// Per token of the last applied answer, in ANSWER_RESULTS: (result type << 24) | value (a token
// value is below 10^6 < 2^24, a result type below 2^8).
const RESULT_TYPE_SHIFT: u32 = 24;


// Members of the answer being checked, in ANSWER_MEMBERS: one address per slot of ANSWER_KEYS
// (0: absent or null).
const TKL = 0, AUTS = 1, ASL = 2, ST = 3, ED = 4, A = 5, SN = 6;
if (ANSWER_KEY_COUNT > ANSWER_MEMBER_SLOTS) ERROR("ANSWER_MEMBERS has a slot per answer key");
@inline function member(slot: i32): usize { return load<u32>(ANSWER_MEMBERS + (<usize>slot << 2)); }

@inline function isNull(p: usize): bool { return load<u8>(p) == 0x6e; }

// Records the member at v under its key; false for a key seen twice.
function note(k: usize, end: usize, v: usize): bool {
  let val: usize = isNull(v) ? 1 : v; // 1: present but null (counts for duplicates, then treated as absent)
  let t = ANSWER_KEYS; // slots: tkl auts asl st ed a sn (abi/abi.json)
  for (let slot = 0; slot < ANSWER_KEY_COUNT; slot++) {
    let n0 = <i32>load<u8>(t);
    let n1 = <i32>load<u8>(t + 1 + <usize>n0);
    let hit = stringEqualsBytes(k, end, t + 1, n0) || stringEqualsBytes(k, end, t + 2 + <usize>n0, n1);
    t += 2 + <usize>(n0 + n1);
    if (!hit) continue;
    let old = member(slot);
    store<u32>(ANSWER_MEMBERS + (<usize>slot << 2), val);
    return old == 0;
  }
  return true;
}

@inline function present(p: usize): usize { return p == 1 ? 0 : p; }

// Copies token i of the list (a string of digits and spaces, or a non-negative integer) to
// TEXT; returns its length, or ERR_METRICS_TOKEN when it cannot be token text.
function tokenText(p: usize, end: usize): i32 {
  let c = load<u8>(p);
  if (c == 0x22) {
    let n = 0;
    let q = p + 1;
    while (true) {
      let r = stringChar(q, end);
      if (r < 0) return ERR_METRICS_TOKEN;
      if (r == 0) break;
      let cp = strCodePoint;
      if (cp != 0x20 && (cp < 0x30 || cp > 0x39)) return ERR_METRICS_TOKEN;
      if (n >= TEXT_CAPACITY) return ERR_METRICS_TOKEN;
      store<u8>(TEXT + <usize>n, cp);
      n++;
      q = <usize>r;
    }
    return n > 0 ? n : ERR_METRICS_TOKEN;
  }
  if (c == 0x2d || c < 0x30 || c > 0x39) return ERR_METRICS_TOKEN;
  let e = skipValue(p, end, 1);
  if (e < 0 || parseNumber(p, <i32>(<usize>e - p)) != 1 || !parsedIntFits) return ERR_METRICS_TOKEN;
  let n = formatI64(parsedInt);
  for (let i = 0; i < n; i++) store<u8>(TEXT + <usize>i, load<u8>(NUM_TEXT + <usize>i));
  return n;
}

// Walks the token list: with apply, enters each token; else only checks them. Returns the
// number of tokens or an error.
function tokens(now: u32, end: usize, apply: bool): i32 {
  let p = present(member(TKL));
  if (p == 0) return 0;
  if (load<u8>(p) != 0x5b) return ERR_METRICS_SHAPE;
  let n = 0;
  p = skipWs(p + 1, end);
  while (load<u8>(p) != 0x5d) {
    if (n >= MAX_ANSWER_TOKENS) return ERR_METRICS_SHAPE;
    let len = tokenText(p, end);
    if (len < 0) return len;
    if (apply) {
      let r = deviceApplyNetworkToken(now, TEXT, len);
      store<u32>(ANSWER_RESULTS + (<usize>n << 2), (<u32>r << RESULT_TYPE_SHIFT) | (r <= 2 ? decodedValueRaw() : 0));
    }
    n++;
    p = skipWs(<usize>skipValue(p, end, 1), end);
    if (load<u8>(p) == 0x2c) p = skipWs(p + 1, end);
  }
  return n;
}

// auts / asl as a u32 (saturating above 2^32 - 1); -1 when not a non-negative number.
function timeOf(p: usize, end: usize): i64 {
  let e = skipValue(p, end, 1);
  if (e < 0) return -1;
  let c = load<u8>(p);
  if (c != 0x2d && (c < 0x30 || c > 0x39)) return -1;
  let kind = parseNumber(p, <i32>(<usize>e - p));
  if (FLOATS_BUILT && kind == NUM_FLOAT) {
    // floor of a non-negative double, saturated to u32, from its bits (-0.0 counts as 0)
    let bits = parsedFloatBits;
    if (bitsZero(bits)) return 0;
    if ((bits >> 63) != 0) return -1;
    let e = <i32>(bits >> 52) - 1023;
    if (e < 0) return 0;
    if (e >= 32) return 0xffffffff;
    return <i64>(((bits & 0xfffffffffffff) | (<u64>1 << 52)) >> (52 - e));
  }
  if (kind != 1) return -1;
  if (!parsedIntFits) return c == 0x2d ? -1 : 0xffffffff;
  if (parsedInt < 0) return -1;
  return parsedInt > 0xffffffff ? 0xffffffff : parsedInt;
}

// Python truthiness of a member (numbers, and non-empty lists / objects).
function truthy(p: usize, end: usize): bool {
  p = present(p);
  if (p == 0) return false;
  let c = load<u8>(p);
  if (c == 0x5b || c == 0x7b) return load<u8>(skipWs(p + 1, end)) != c + 2;
  let e = skipValue(p, end, 1);
  let kind = parseNumber(p, <i32>(<usize>e - p));
  if (FLOATS_BUILT && kind == NUM_FLOAT) return !bitsZero(parsedFloatBits);
  return !(parsedIntFits && parsedInt == 0);
}

function hashPart(p: usize, end: usize): void {
  if (truthy(p, end)) writeValue(p, end, 1);
}

function hashDecimal(v: i64): void {
  if (v != 0) hashOnly(NUM_TEXT, formatI64(v));
}

function signatureValid(end: usize): bool {
  let a = present(member(A));
  // canonical JSON goes to the hash only: an output of capacity 0
  outBegin(0, 0, OUT_JSON);
  hashStart();
  hashOnly(serialBytes(), serialLength());
  hashDecimal(sentTimestamp());
  hashDecimal(sentRequestCount());
  hashPart(member(AUTS), end);
  hashPart(member(ASL), end);
  hashPart(member(TKL), end);
  hashPart(member(ST), end);
  hashPart(member(ED), end);
  let h = hashEnd();
  if (outError() != 0) return false;
  let n = formatU64Hex(h);
  for (let i = n - 1; i >= 0; i--) store<u8>(NUM_TEXT + 2 + <usize>i, load<u8>(NUM_TEXT + <usize>i));
  store<u8>(NUM_TEXT, 0x64);
  store<u8>(NUM_TEXT + 1, 0x61);
  return stringEqualsSecret(a, end, NUM_TEXT, n + 2); // constant time in the signature's content
}

// The answer body is len bytes at the start of the output buffer (outBuffer()). now: the
// device's clock. Returns a bitmask of ANSWER_* or an error; on error nothing has changed.
export function applyAnswer(len: i32, now: u32): i32 {
  if (len < 0 || len > outCapacity()) return ERR_METRICS_ARGUMENT;
  let start = outBuffer();
  let end = start + <usize>len;
  let p = skipWs(start, end);
  let after = skipValue(p, end, 0);
  if (after < 0) return <i32>after;
  if (load<u8>(p) != 0x7b || skipWs(<usize>after, end) != end) return ERR_METRICS_MALFORMED;
  for (let slot = 0; slot < ANSWER_KEY_COUNT; slot++) store<u32>(ANSWER_MEMBERS + (<usize>slot << 2), 0);
  let q = skipWs(p + 1, end);
  while (load<u8>(q) == 0x22) {
    let k = q;
    q = skipWs(<usize>skipValue(q, end, 1), end) + 1; // past ':'
    let v = skipWs(q, end);
    if (!note(k, end, v)) return ERR_METRICS_SHAPE;
    q = skipWs(<usize>skipValue(v, end, 1), end);
    if (load<u8>(q) == 0x2c) q = skipWs(q + 1, end);
  }

  // shapes
  let sn = present(member(SN));
  if (sn != 0) {
    if (load<u8>(sn) != 0x22) return ERR_METRICS_SHAPE;
    if (!stringEqualsBytes(sn, end, serialBytes(), serialLength())) return ERR_METRICS_SERIAL;
  }
  let a = present(member(A));
  if (a != 0 && load<u8>(a) != 0x22) return ERR_METRICS_SHAPE;
  let st = present(member(ST));
  let ed = present(member(ED));
  if ((st != 0 && load<u8>(st) != 0x7b) || (ed != 0 && load<u8>(ed) != 0x7b)) return ERR_METRICS_SHAPE;
  let auts = present(member(AUTS));
  let asl = present(member(ASL));
  if (auts != 0 && asl != 0) return ERR_METRICS_SHAPE;
  let t: i64 = 0;
  if (auts != 0 || asl != 0) {
    t = timeOf(auts != 0 ? auts : asl, end);
    if (t < 0) return ERR_METRICS_SHAPE;
  }
  let fid: usize = st != 0 ? findMemberKey(st, end, keySimple(K_DF)) : 0;
  let newFormatId: i64 = 0;
  if (fid != 0) {
    let e = skipValue(fid, end, 1);
    if (parseNumber(fid, <i32>(<usize>e - fid)) != 1 || !parsedIntFits || parsedInt < 0) return ERR_METRICS_SHAPE;
    newFormatId = parsedInt;
  }
  let n = tokens(0, end, false);
  if (n < 0) return n;

  // signature
  let needed = auts != 0 || asl != 0 || truthy(member(ST), end) || truthy(member(ED), end);
  if (a == 0 && needed) return ERR_METRICS_SIGNATURE;
  if (a != 0 && !signatureValid(end)) return ERR_METRICS_SIGNATURE;

  // apply
  tokens(now, end, true);
  let timeKind = auts != 0 ? ANSWER_TIME_UNTIL : asl != 0 ? ANSWER_TIME_SECONDS_LEFT : ANSWER_TIME_NONE;
  if (timeKind == ANSWER_TIME_UNTIL) deviceSetActiveUntil(<u32>t);
  else if (timeKind == ANSWER_TIME_SECONDS_LEFT) {
    let until = <u64>now + <u64>t;
    deviceSetActiveUntil(until > 0xffffffff ? 0xffffffff : <u32>until);
  }
  if (fid != 0) switchFormatId(newFormatId);
  ringAcknowledge();
  let s = ANSWER;
  s.formatId = fid != 0 ? newFormatId + 1 : 0;
  s.time = <u32>t;
  s.stAt = <u16>st;
  s.edAt = <u16>ed;
  s.end = <u16>end;
  s.tokenCount = <u8>n;
  s.timeKind = <u8>timeKind;
  return (n > 0 ? ANSWER_TOKENS : 0) | (timeKind != ANSWER_TIME_NONE ? ANSWER_TIME : 0) | (st != 0 ? ANSWER_SETTINGS : 0) |
    (ed != 0 ? ANSWER_EXTRA_DATA : 0) | (a != 0 ? ANSWER_SIGNED : 0) | (fid != 0 ? ANSWER_FORMAT_ID : 0);
}

// ---- results of the last applied answer (they point into the output buffer) ----------------

export function answerTokenCount(): i32 { return ANSWER.tokenCount; }
export function answerTokenResult(i: i32): i32 {
  return i >= 0 && i < <i32>ANSWER.tokenCount ? <i32>(load<u32>(ANSWER_RESULTS + (<usize>i << 2)) >> RESULT_TYPE_SHIFT) : -1;
}
export function answerTokenValue(i: i32): u32 {
  return i >= 0 && i < <i32>ANSWER.tokenCount ? load<u32>(ANSWER_RESULTS + (<usize>i << 2)) & ((1 << RESULT_TYPE_SHIFT) - 1) : 0;
}
export function answerTimeKind(): i32 { return ANSWER.timeKind; }
export function answerTime(): u32 { return ANSWER.time; }
export function answerFormatId(): i64 { return ANSWER.formatId - 1; }

// which 0: settings, 1: extra data: the object's address, 0 when absent.
function objectAt(which: i32): usize { return which == 0 ? ANSWER.stAt : which == 1 ? ANSWER.edAt : 0; }

// Offset of the object's JSON text in the output buffer, or -1.
export function answerObjectOffset(which: i32): i32 {
  if (!ANSWER_OBJECTS_BUILT) return ERR_METRICS_NOT_BUILT;
  let p = objectAt(which);
  return p == 0 ? -1 : <i32>(p - outBuffer());
}
export function answerObjectLength(which: i32): i32 {
  if (!ANSWER_OBJECTS_BUILT) return ERR_METRICS_NOT_BUILT;
  let p = objectAt(which);
  if (p == 0) return -1;
  let e = skipValue(p, ANSWER.end, 1);
  return e < 0 ? -1 : <i32>(<usize>e - p);
}

// The string member of the settings (which 0) or extra data (1) named by the nameLen bytes in
// the io buffer (e.g. base_url), decoded to UTF-8 into the io buffer. Returns its length, -1 when
// absent, ERR_METRICS_SHAPE when it is not a string, ERR_METRICS_FULL when it does not fit the io buffer.
export function answerString(which: i32, nameLen: i32): i32 {
  if (!ANSWER_OBJECTS_BUILT) return ERR_METRICS_NOT_BUILT;
  let p = objectAt(which);
  if (p == 0 || nameLen < 0 || nameLen > IO_CAPACITY) return -1;
  let end = <usize>ANSWER.end;
  let q = skipWs(p + 1, end);
  while (q < end && load<u8>(q) == 0x22) {
    let k = q;
    let ke = skipValue(q, end, 1);
    if (ke < 0) return -1;
    let v = skipWs(skipWs(<usize>ke, end) + 1, end);
    if (stringEqualsBytes(k, end, IO, nameLen)) return decodeString(v, end);
    let ve = skipValue(v, end, 1);
    if (ve < 0) return -1;
    q = skipWs(<usize>ve, end);
    if (q < end && load<u8>(q) == 0x2c) q = skipWs(q + 1, end);
  }
  return -1;
}

function decodeString(p: usize, end: usize): i32 {
  if (p >= end || load<u8>(p) != 0x22) return ERR_METRICS_SHAPE;
  let n = 0;
  p++;
  while (true) {
    let r = stringChar(p, end);
    if (r < 0) return ERR_METRICS_SHAPE;
    if (r == 0) return n;
    let c = strCodePoint;
    if (isSurrogate(c)) return ERR_METRICS_SHAPE; // no UTF-8 text for the host
    if (n + utf8Length(c) > IO_CAPACITY) return ERR_METRICS_FULL;
    n += utf8Encode(c, IO + <usize>n);
    p = <usize>r;
  }
}

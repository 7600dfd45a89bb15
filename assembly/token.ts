// OpenPAYGO Token: chain hashing, generation and decoding (standard 9-digit, extended
// 12-digit, restricted 1-4 keypads). Device state is the C reference's: the highest count seen
// and a 16-bit mask of which of the 16 counts below it were used.
import { hashOfKey, keyWord0, keyWord1 } from "./key";
import { GENERATED_COUNT, TOKEN_RESULT } from "./memory";
import { chainA, chainB, chainC, chainD, sipLink } from "./siphash";
import {
  ADD_TIME, SET_TIME, DISABLE_PAYG, COUNTER_SYNC, INVALID, ALREADY_USED, TOKEN_EXTENDED, TOKEN_RESTRICTED,
  ERR_TOKEN_TYPE, ERR_VALUE_RANGE, ERR_STARTING_CODE, ERR_COUNT_RANGE, ERR_OUTPUT_SPACE,
} from "./abi";

export const PAYG_DISABLE_VALUE: u32 = 998;
export const COUNTER_SYNC_VALUE: u32 = 999;
const MAX_STANDARD_VALUE: u32 = 995;
const MAX_EXTENDED_VALUE: u32 = 999999;
const MAX_TOKEN_JUMP: u32 = 64;
const MAX_TOKEN_JUMP_COUNTER_SYNC: u32 = 100;
const UNUSED_OLDER_WINDOW: u32 = 16;
export const MAX_COUNT: u32 = 0xffff;

// The results of the last decode, in TOKEN_RESULT (memory.ts).
@unmanaged
export class TokenResult {
  maxCount: u32; // the state after the decode
  usedCounts: u32;
  value: u32; // the raw value
  count: u32; // the token's own count
  extended: bool; // the last token parsed had the extended length
}
@inline function result(): TokenResult { return changetype<TokenResult>(TOKEN_RESULT); }
// Sets the results: the state (maxCount, usedCounts) and the token's (value, count).
@inline function setResult(maxCount: u32, usedCounts: u32, value: u32, count: u32): void {
  store<u64>(TOKEN_RESULT, <u64>maxCount | <u64>usedCounts << 32);
  store<u64>(TOKEN_RESULT, <u64>value | <u64>count << 32, 8);
}

// ---- chain ----------------------------------------------------------------------------

// Two rotates and two masks: an interpreter runs 5 instructions where the shift form takes 9.
@inline function bswap32(x: u32): u32 {
  return (rotl<u32>(x, 8) & 0x00ff00ff) | (rotr<u32>(x, 8) & 0xff00ff00);
}

@inline function hashToStandard(h: u64): u32 {
  let t = (<u32>(h >> 32) ^ <u32>h) >> 2;
  return t > 999999999 ? t - 73741825 : t;
}

@inline function hashToExtended(h: u64): u64 {
  let t = h >> 24;
  return t > 999999999999 ? t - 99511627777 : t;
}

// One link of the chain: the 8 bytes hashed are be32(code) twice (standard) or be64(code)
// (extended), which as a little-endian word is a byte swap. The chain key words (siphash.ts) come
// in as locals.
@inline function nextCode(code: u64, extended: bool, ka: u64, kb: u64, kc: u64, kd: u64): u64 {
  let w = <u64>bswap32(<u32>code);
  // An extended code is below 10^12 < 2^40: the byte swap of its high word is that one byte
  // moved up, so both messages are w << 32 and one more word.
  let h = sipLink(ka, kb, kc, kd, (w << 32) | (extended ? (code >> 32) << 24 : w));
  return extended ? hashToExtended(h) : <u64>hashToStandard(h);
}

export function startingCodeFromKey(): u32 {
  return hashToStandard(hashOfKey());
}

// x % m for the token moduli m = 1000 or 1000000 without a division: a multiply by the rounded-up
// reciprocal, exact for every u32 x (all 2^32 were checked when this was written; the as-pect spec
// checks the edges and a million values). A Cortex-M0+ has no divide instruction, and libgcc's
// would be about 270 bytes of the decoder.
@inline export function modToken(x: u32, m: u32): u32 {
  let q = m == 1000 ? <u32>((<u64>x * 0x10624dd3) >> 38) : <u32>((<u64>x * 0x431bde83) >> 50);
  return x - q * m;
}

// x % m for x < 2^40 (every token number and extended code is) with 32-bit arithmetic only
// (a 64-bit division would pull about 500 bytes of libgcc into the decoder). 2^32 % m is 296
// or 967296; x = hi * 2^32 + lo with hi < 2^8, so nothing below overflows 32 bits.
@inline function mod40(x: u64, m: u32): u32 {
  let twoTo32ModM: u32 = m == 1000000 ? 967296 : 296;
  return modToken(<u32>(x >> 32) * twoTo32ModM + modToken(<u32>x, m), m);
}

// ---- values and counts ----------------------------------------------------------------

function isSetLike(type: i32): bool {
  return type == SET_TIME || type == DISABLE_PAYG || type == COUNTER_SYNC;
}

// Next count of the right parity: odd for SET_TIME / DISABLE_PAYG / COUNTER_SYNC, even for ADD_TIME.
export function nextCount(count: u32, type: i32): u32 {
  let odd = (count & 1) != 0;
  return isSetLike(type) == odd ? count + 2 : count + 1;
}

// ---- generation -----------------------------------------------------------------------

export function generatedCount(): u32 { return load<u32>(GENERATED_COUNT); }

// Writes the token's digits to out and returns how many, or a negative ERR_*.
// value is the raw value placed in the token (already multiplied by any divider).
export function generate(startingCode: u32, count: u32, type: i32, value: u32, flags: i32, out: usize, outCapacity: i32): i32 {
  let extended = (flags & TOKEN_EXTENDED) != 0;
  let restricted = (flags & TOKEN_RESTRICTED) != 0;
  if (type == DISABLE_PAYG) value = PAYG_DISABLE_VALUE;
  else if (type == COUNTER_SYNC) value = COUNTER_SYNC_VALUE;
  else if (type != ADD_TIME && type != SET_TIME) return ERR_TOKEN_TYPE;
  else if (value > (extended ? MAX_EXTENDED_VALUE : MAX_STANDARD_VALUE)) return ERR_VALUE_RANGE;
  if (startingCode == 0) startingCode = startingCodeFromKey();
  if (startingCode > 999999999) return ERR_STARTING_CODE;
  if (count > 0x7ffffff0) return ERR_COUNT_RANGE;
  let newCount = nextCount(count, type);
  let digits = extended ? (restricted ? 20 : 12) : (restricted ? 15 : 9);
  if (outCapacity < digits) return ERR_OUTPUT_SPACE;
  let modulus: u32 = extended ? 1000000 : 1000;
  let base = <u64>(startingCode % modulus + value) % modulus;
  let code: u64 = <u64>(startingCode - startingCode % modulus) + base;
  let k0 = keyWord0(), k1 = keyWord1();
  let ka = chainA(k0, k1), kb = chainB(k0, k1), kc = chainC(k0), kd = chainD(k1);
  for (let i: u32 = 0; i < newCount; i++) code = nextCode(code, extended, ka, kb, kc, kd);
  let number = code - code % <u64>modulus + base;
  if (restricted) {
    // Each 2 bits, most significant first, become one digit 1..4.
    for (let i = digits - 1; i >= 0; i--) {
      store<u8>(out + <usize>i, 0x31 + <u32>(number & 3));
      number >>= 2;
    }
  } else {
    for (let i = digits - 1; i >= 0; i--) {
      store<u8>(out + <usize>i, 0x30 + <u32>(number % 10));
      number /= 10;
    }
  }
  store<u32>(GENERATED_COUNT, newCount);
  return digits;
}

// ---- decoding -------------------------------------------------------------------------

export function decodedValueRaw(): u32 { return result().value; }
export function decodedCount(): u32 { return result().count; }
export function resultMaxCount(): u32 { return result().maxCount; }
export function resultUsedCounts(): u32 { return result().usedCounts; }
// Whether the last token parsed had the extended length (valid only after a successful decode).
export function decodedExtended(): bool { return result().extended; }

// Bit i of usedCounts is count maxCount - 1 - i. The max count itself and odd counts at or
// below it are always used; counts older than the window are treated as used.
function isUsed(count: u32, maxCount: u32, usedCounts: u32): bool {
  if (count > maxCount) return false;
  if (count == maxCount || (count & 1) != 0) return true;
  let rel = maxCount - 1 - count;
  if (rel >= UNUSED_OLDER_WINDOW) return true;
  return ((usedCounts >> rel) & 1) != 0;
}

function countIsValid(count: u32, maxCount: u32, type: i32, isSync: bool, usedCounts: u32): bool {
  if (isSync) return count + MAX_TOKEN_JUMP > maxCount;
  if (count > maxCount) return true;
  return type == ADD_TIME && count + UNUSED_OLDER_WINDOW > maxCount && !isUsed(count, maxCount, usedCounts);
}

// The used-counts mask after count is used (the max count becomes the larger of the two).
function markUsed(count: u32, maxCount: u32, usedCounts: u32, marksWholeWindow: bool): u32 {
  if (marksWholeWindow) return 0xffff;
  if (count > maxCount) {
    let shift = count - maxCount;
    let mask = shift >= UNUSED_OLDER_WINDOW ? 0 : (usedCounts << shift) & 0xffff;
    // The old max count was used; it now sits shift - 1 below the new one.
    if (shift - 1 < UNUSED_OLDER_WINDOW) mask |= 1 << (shift - 1);
    return mask;
  }
  return usedCounts | (1 << (maxCount - 1 - count));
}

// Parses keypad text: digits, spaces ignored; anything else makes the token INVALID.
// Returns the token's number (below 2^40) | its digit count << 40, or 0 when the text is not a
// token (no digits).
const DIGITS_SHIFT: u64 = 40;
function parseToken(text: usize, len: i32, restricted: bool): u64 {
  let number: u64 = 0;
  let digits = 0;
  for (let i = 0; i < len; i++) {
    let c = <u32>load<u8>(text + <usize>i);
    if (c == 0x20) continue;
    if (restricted) {
      if (c < 0x31 || c > 0x34) return 0;
      number = (number << 2) | <u64>(c - 0x31);
    } else {
      if (c < 0x30 || c > 0x39) return 0;
      number = number * 10 + <u64>(c - 0x30);
    }
    if (++digits > (restricted ? 20 : 12)) return 0;
  }
  return number | (<u64>digits << DIGITS_SHIFT);
}

// Decodes a token against the state (maxCount, usedCounts). Returns the token type, INVALID or
// ALREADY_USED; on success the new state is in resultMaxCount()/resultUsedCounts(), the raw
// value in decodedValueRaw() and the token's own count in decodedCount(). Cost: one hash per
// count from 0 to maxCount + 64 (+100 for COUNTER_SYNC).
export function decode(startingCode: u32, maxCount: u32, usedCounts: u32, text: usize, len: i32, restricted: bool): i32 {
  // usedCounts is read back from the results where it is needed: a local live across the chain
  // loop would cost the loop a register
  setResult(maxCount, usedCounts & 0xffff, 0, 0);
  if (startingCode == 0) startingCode = startingCodeFromKey();
  if (startingCode > 999999999 || maxCount > MAX_COUNT) return INVALID;
  let parsed = parseToken(text, len, restricted);
  if (parsed == 0) return INVALID;
  let token = parsed & ((<u64>1 << DIGITS_SHIFT) - 1);
  let extended = <u32>(parsed >> DIGITS_SHIFT) > (restricted ? <u32>15 : 9);
  result().extended = extended;
  let modulus: u64 = extended ? 1000000 : 1000;
  let tokenBase = extended ? mod40(token, 1000000) : modToken(<u32>token, 1000);
  let startBase = extended ? modToken(startingCode, 1000000) : modToken(startingCode, 1000);
  let value = tokenBase >= startBase ? tokenBase - startBase : tokenBase + <u32>modulus - startBase;
  // Extended tokens carry 998 and 999 as ordinary values.
  let isSync = !extended && value == COUNTER_SYNC_VALUE;
  let isDisable = !extended && value == PAYG_DISABLE_VALUE;
  let lastTry = maxCount + (isSync ? MAX_TOKEN_JUMP_COUNTER_SYNC : MAX_TOKEN_JUMP);
  if (lastTry > MAX_COUNT) lastTry = MAX_COUNT;
  if (!extended && token > 999999999) return INVALID;
  let tokenHigh = token - <u64>tokenBase;
  let code: u64 = <u64>(startingCode - startBase) + <u64>tokenBase;
  let k0 = keyWord0(), k1 = keyWord1();
  let ka = chainA(k0, k1), kb = chainB(k0, k1), kc = chainC(k0), kd = chainD(k1);
  let seenOlder = false;
  let matchCount: i64 = -1;
  let matchType = INVALID;
  for (let count: u32 = 0; count <= lastTry; count++) {
    // code's top digits are the token's (tokenHigh is a multiple of the modulus)
    if (code - tokenHigh < modulus) {
      let type = (count & 1) == 0 ? ADD_TIME : isSync ? COUNTER_SYNC : isDisable ? DISABLE_PAYG : SET_TIME;
      if (countIsValid(count, maxCount, type, isSync, resultUsedCounts())) { matchCount = count; matchType = type; break; }
      seenOlder = true;
    }
    code = nextCode(code, extended, ka, kb, kc, kd);
  }
  if (matchCount < 0) return seenOlder ? ALREADY_USED : INVALID;
  let count = <u32>matchCount;
  // A standard 998 or 999 marks the whole window even on an even count, as openpaygo 0.6.3 does
  // (the oldest published C decoder marks only its own count): the official procedure's U3
  // disables PAYG with an even-count 998 and then expects the older add token to be refused.
  setResult(count > maxCount ? count : maxCount, markUsed(count, maxCount, resultUsedCounts(), matchType != ADD_TIME || isSync || isDisable),
    value, count);
  return matchType;
}

// Verification of the loaded request: its signature computed as the reference library does, then
// replay protection against the device's last accepted ts / rc.
import { NUM_TEXT } from "../memory";
import { hashEnd, hashOnly, hashStart } from "../json/out";
import { NUM_FLOAT, formatU64Hex, parseNumber, parsedFloatBits, parsedInt, parsedIntFits } from "../json/number";
import { ERR_METRICS_ARGUMENT, METRICS_AUTH_CA, METRICS_AUTH_DA, METRICS_AUTH_RA, METRICS_AUTH_SA, METRICS_AUTH_TA,
  REQUEST_MEMBER_A, REQUEST_MEMBER_D, REQUEST_MEMBER_HD, REQUEST_MEMBER_RC, REQUEST_MEMBER_SN, REQUEST_MEMBER_TS,
  VERIFY_BAD_SIGNATURE, VERIFY_NO_TS_OR_RC, VERIFY_REPLAY, VERIFY_UNSIGNED, VERIFY_VALID } from "../abi";
import { SERVER, member, requestEnd } from "./state";
import { closes, next, skip, truthy } from "./canonical";
import { hashEmptyList, hashHex, hashSpan, hashStr } from "./hash";

// With the key in key_buffer(). lastTs / lastRc: the last accepted values (0: none). Returns one of
// VERIFY_*.
export function verify(lastTs: i64, lastRc: i64): i32 {
  if (SERVER.requestLen == 0) return ERR_METRICS_ARGUMENT;
  let end = requestEnd();
  let a = member(REQUEST_MEMBER_A);
  if (a == 0) return VERIFY_UNSIGNED;
  // present but empty ("", null, 0...): the reference calls that invalid, not unsigned
  if (!truthy(a, end) || load<u8>(a) != 0x22) return VERIFY_BAD_SIGNATURE;
  let sn = member(REQUEST_MEMBER_SN);
  if (sn == 0 || load<u8>(sn) != 0x22) return VERIFY_BAD_SIGNATURE;
  let ts = member(REQUEST_MEMBER_TS);
  let rc = member(REQUEST_MEMBER_RC);
  let method = SERVER.authMethod;
  let h: u64 = 0;
  hashStart();
  hashStr(sn, end);
  if (method == METRICS_AUTH_SA) {
    h = hashEnd();
  } else if (method == METRICS_AUTH_TA || method == METRICS_AUTH_CA) {
    let v = method == METRICS_AUTH_TA ? ts : rc;
    if (!truthy(v, end) || !hashStr(v, end)) return VERIFY_BAD_SIGNATURE;
    h = hashEnd();
  } else if (method == METRICS_AUTH_DA) {
    if (truthy(ts, end) && !hashStr(ts, end)) return VERIFY_BAD_SIGNATURE;
    if (truthy(rc, end) && !hashStr(rc, end)) return VERIFY_BAD_SIGNATURE;
    let d = member(REQUEST_MEMBER_D), hd = member(REQUEST_MEMBER_HD);
    if (truthy(d, end)) hashSpan(d, end);
    if (truthy(hd, end)) hashSpan(hd, end);
    h = hashEnd();
  } else if (method == METRICS_AUTH_RA) {
    if (!recursiveHash(ts, rc, end)) return VERIFY_BAD_SIGNATURE;
    h = chainHash;
  } else {
    return VERIFY_BAD_SIGNATURE;
  }
  if (!sameHex(a, h)) return VERIFY_BAD_SIGNATURE;
  if (rc != 0 && notAbove(rc, end, lastRc)) return VERIFY_REPLAY;
  if (ts != 0 && notAbove(ts, end, lastTs)) return VERIFY_REPLAY;
  if (!truthy(rc, end) && !truthy(ts, end)) return VERIFY_NO_TS_OR_RC;
  return VERIFY_VALID;
}

let chainHash: u64 = 0; // recursiveHash's result (per-call scratch)

// `ra`: a chain of hashes over sn (already in the hash), ts, rc, d and each row of hd, into
// chainHash; false when a part has no str() to hash.
function recursiveHash(ts: usize, rc: usize, end: usize): bool {
  let h = hashEnd();
  if (truthy(ts, end)) { hashStart(); hashHex(h); if (!hashStr(ts, end)) return false; h = hashEnd(); }
  if (truthy(rc, end)) { hashStart(); hashHex(h); if (!hashStr(rc, end)) return false; h = hashEnd(); }
  let d = member(REQUEST_MEMBER_D), hd = member(REQUEST_MEMBER_HD);
  hashStart();
  hashHex(h);
  if (d == 0) hashEmptyList(); else hashSpan(d, end);
  h = hashEnd();
  if (hd != 0) {
    let c = load<u8>(hd);
    if (c != 0x5b && c != 0x7b) return false;
    let hdEnd = skip(hd, end);
    let p = hd + 1;
    while (!closes(p, hdEnd)) {
      let e = skip(p, hdEnd);
      hashStart();
      hashHex(h);
      hashOnly(p, <i32>(e - p)); // a row, or a key of an object (Python iterates its keys)
      h = hashEnd();
      if (c == 0x7b) e = skip(e + 1, hdEnd); // the member's value
      p = next(e);
    }
  }
  chainHash = h;
  return true;
}

// Compares "xx" + hex with the auth string at a in constant time: a fixed 16 rounds (the longest
// u64 hex) XOR every byte into one difference, the length difference included, with no early exit
// on the content or on the expected length (the hex is not zero-padded, so its length would tell
// the leading zero digits). The received string is read only within its length (known to its
// sender); the request is canonical JSON, so its bytes are its characters.
function sameHex(a: usize, h: u64): bool {
  let n = formatU64Hex(h);
  let got = <i32>(skip(a, requestEnd()) - a) - 4;
  let diff: u32 = <u32>(got != n);
  for (let i = 0; i < 16; i++) {
    let r: u32 = 0;
    if (i < got) r = <u32>load<u8>(a + 3 + <usize>i);
    diff |= r ^ select<u32>(<u32>load<u8>(NUM_TEXT + <usize>i), 0, i < n);
  }
  return diff == 0;
}

// Whether the number at p is not above last (0: none, as the reference's falsy check); a truthy
// value that is not a number is refused too.
function notAbove(p: usize, end: usize, last: i64): bool {
  if (last == 0 || !truthy(p, end)) return false;
  let kind = parseNumber(p, <i32>(skip(p, end) - p));
  if (kind == NUM_FLOAT) return reinterpret<f64>(parsedFloatBits) <= <f64>last;
  if (kind > 0) return parsedIntFits ? parsedInt <= last : load<u8>(p) == 0x2d;
  return true;
}

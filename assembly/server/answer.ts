// The answer to the loaded request: the host's answer object with its keys condensed, signed as
// the reference signs it (`a`, data auth, last) when asked.
import { JSON_IN, JSON_IO_CAPACITY, NUM_TEXT } from "../memory";
import { ERR_JSON_SPACE, ERR_METRICS_ARGUMENT, ERR_METRICS_SHAPE, ERR_METRICS_TOO_LARGE, METRICS_AUTH_DA, REQUEST_MEMBER_A, REQUEST_MEMBER_RC,
  REQUEST_MEMBER_SN, REQUEST_MEMBER_TS } from "../abi";
import { OUT_GROWS, OUT_JSON, hashEnd, hashStart, jsonByte, jsonBytes, outBegin, outLength, outOverflow, wColon, wComma } from "../json/out";
import { formatU64Hex } from "../json/number";
import { canonicalize } from "../json/value";
import { SERVER, member, requestEnd, textStart } from "./state";
import { reach } from "./region";
import { closes, next, skip, truthy } from "./canonical";
import { keyMember, memberName, writeKey, writeName } from "./members";
import { hashSpan, hashStr } from "./hash";
import { AUTH_PREFIXES, MEMBER_ASL, MEMBER_AUTS, MEMBER_ED, MEMBER_ST, MEMBER_TKL } from "./names";

// The answer's members the signature covers, in the reference's order: str() of the first two,
// json.dumps() of the rest.
const SIGNED: usize = memory.data<u8>([<u8>MEMBER_AUTS, <u8>MEMBER_ASL, <u8>MEMBER_TKL, <u8>MEMBER_ST, <u8>MEMBER_ED]);
const SIGNED_AS_STR = 2;

// The answer object is len bytes of JSON in json_in_buffer() (keys simple or condensed, in the
// order to write). Signed when sign is set, with the key in key_buffer(). Returns the length.
export function answer(len: i32, sign: bool): i32 {
  if (SERVER.requestLen == 0 || len < 0 || len > JSON_IO_CAPACITY) return ERR_METRICS_ARGUMENT;
  // the canonical answer object goes in the unused tail of json_in_buffer(), after the input
  let obj = JSON_IN + <usize>len;
  let n = canonicalize(JSON_IN, len, obj, JSON_IO_CAPACITY - len);
  if (n < 0) return n == ERR_JSON_SPACE ? ERR_METRICS_ARGUMENT : n;
  let end = obj + <usize>n;
  if (load<u8>(obj) != 0x7b) return ERR_METRICS_SHAPE;
  if (!reach(textStart())) return ERR_METRICS_TOO_LARGE;
  outBegin(textStart(), OUT_GROWS, OUT_JSON);
  jsonByte(0x7b);
  let seen: u32 = 0;
  let q = obj + 1;
  while (!closes(q, end)) {
    let v = skip(q, end) + 1;
    let ve = skip(v, end);
    // one member under both its names would be one key twice once condensed
    let m = keyMember(q, end);
    if (m >= 0) {
      if ((seen & (1 << m)) != 0) return ERR_METRICS_SHAPE;
      seen |= 1 << m;
    }
    if (q != obj + 1) wComma();
    writeKey(q, end, false);
    wColon();
    jsonBytes(v, <i32>(ve - v));
    q = next(ve);
  }
  if (sign) {
    let signed = signature(obj, end);
    let h = hashEnd();
    if (!signed) return ERR_METRICS_SHAPE;
    if (q != obj + 1) wComma();
    writeName(memberName(REQUEST_MEMBER_A, false));
    wColon();
    jsonByte(0x22);
    jsonBytes(AUTH_PREFIXES + 2 * (METRICS_AUTH_DA - 1), 2);
    jsonBytes(NUM_TEXT, formatU64Hex(h));
    jsonByte(0x22);
  }
  jsonByte(0x7d);
  if (outOverflow()) return ERR_METRICS_TOO_LARGE;
  return outLength();
}

// Hashes sn, the request's ts and rc (when truthy), then the answer's signed members present and
// truthy; false when one has no str(). The caller ends the hash.
function signature(obj: usize, end: usize): bool {
  let rend = requestEnd();
  hashStart();
  let sn = member(REQUEST_MEMBER_SN);
  if (sn == 0 || !hashStr(sn, rend)) return false;
  let ts = member(REQUEST_MEMBER_TS), rc = member(REQUEST_MEMBER_RC);
  if (truthy(ts, rend) && !hashStr(ts, rend)) return false;
  if (truthy(rc, rend) && !hashStr(rc, rend)) return false;
  for (let i = 0; i < 5; i++) {
    let p = answerMember(obj, end, <i32>load<u8>(SIGNED + <usize>i));
    if (!truthy(p, end)) continue;
    if (i < SIGNED_AS_STR) { if (!hashStr(p, end)) return false; }
    else hashSpan(p, end);
  }
  return true;
}

// The value of the answer's member m (under either of its names), or 0.
function answerMember(obj: usize, end: usize, m: i32): usize {
  let q = obj + 1;
  while (!closes(q, end)) {
    let v = skip(q, end) + 1;
    if (keyMember(q, end) == m) return v;
    q = next(skip(v, end));
  }
  return 0;
}

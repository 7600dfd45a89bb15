// The Metrics member names, from the generated table (names.ts, from abi/abi.json): which member a
// request key names, and the key translation of expansions (condensed -> simple) and answers
// (simple -> condensed), the first pair naming a key winning, as the reference's dictionaries do.
import { PAIRS, PAIRS_LENGTH } from "./names";
import { isName, skip } from "./canonical";
import { jsonByte, jsonBytes } from "../json/out";

// A pair is the offset of its entry in PAIRS: [member][condensed][simple].
@inline function condensedOf(pair: i32): usize { return PAIRS + <usize>pair + 1; }
@inline function simpleOf(pair: i32): usize { let c = condensedOf(pair); return c + 1 + <usize>load<u8>(c); }
@inline function nextPair(pair: i32): i32 { let s = simpleOf(pair); return <i32>(s + 1 + <usize>load<u8>(s) - PAIRS); }

// The member (REQUEST_MEMBER, then the answer's and data's members) the key at k names, under
// either of its names; -1 when none.
export function keyMember(k: usize, end: usize): i32 {
  for (let pair = 0; pair < PAIRS_LENGTH; pair = nextPair(pair)) {
    if (isName(k, end, condensedOf(pair)) || isName(k, end, simpleOf(pair))) return <i32>load<u8>(PAIRS + <usize>pair);
  }
  return -1;
}

// Member m's name ([length u8][ASCII]) in its first pair: simple or condensed.
export function memberName(m: i32, simple: bool): usize {
  let pair = 0;
  while (<i32>load<u8>(PAIRS + <usize>pair) != m) pair = nextPair(pair);
  return simple ? simpleOf(pair) : condensedOf(pair);
}

// Writes a name ([length u8][ASCII]) as a JSON string.
export function writeName(name: usize): void {
  jsonByte(0x22);
  jsonBytes(name + 1, <i32>load<u8>(name));
  jsonByte(0x22);
}

// Writes the key at k (a canonical JSON string) translated: toSimple, a condensed name becomes its
// simple one; else a simple name becomes its condensed one. Any other key is written as it is.
export function writeKey(k: usize, end: usize, toSimple: bool): void {
  for (let pair = 0; pair < PAIRS_LENGTH; pair = nextPair(pair)) {
    if (isName(k, end, toSimple ? condensedOf(pair) : simpleOf(pair))) {
      writeName(toSimple ? simpleOf(pair) : condensedOf(pair));
      return;
    }
  }
  jsonBytes(k, <i32>(skip(k, end) - k));
}

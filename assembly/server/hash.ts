// The parts of a signature as the reference builds them: str(value) for sn, ts, rc, auts and asl,
// json.dumps(value) (the canonical text itself) for d, hd, rows, tkl, st and ed, and the previous
// hash's hex in `ra`. The SipHash is the writer's (json/out.ts), with the key in key_buffer().
import { NUM_TEXT } from "../memory";
import { hashOnly } from "../json/out";
import { formatU64Hex } from "../json/number";
import { isSurrogate, stringChar, strCodePoint } from "../json/value";
import { utf8Encode } from "../utf8";
import { skip } from "./canonical";

// Python's str(True), str(False) and the empty list's json.dumps: "True" "False" "[]".
const WORDS: usize = memory.data<u8>([0x54, 0x72, 0x75, 0x65, 0x46, 0x61, 0x6c, 0x73, 0x65, 0x5b, 0x5d]);
export function hashEmptyList(): void { hashOnly(WORDS + 9, 2); }

// Feeds str(value) to the hash: numbers as written, strings decoded (UTF-8), booleans as True /
// False. Other kinds have no str() reproduced here: false.
export function hashStr(p: usize, end: usize): bool {
  let c = load<u8>(p);
  if (c == 0x22) {
    let e = skip(p, end);
    let q = p + 1;
    while (true) {
      let b = load<u8>(q);
      if (b != 0x5c && b != 0x22) { hashOnly(q, 1); q++; continue; } // ASCII as it is
      let r = stringChar(q, e);
      if (r <= 0) break;
      if (isSurrogate(strCodePoint)) return false; // Python cannot encode it to UTF-8 either
      hashOnly(NUM_TEXT, utf8Encode(strCodePoint, NUM_TEXT));
      q = <usize>r;
    }
    return true;
  }
  if (c == 0x74) { hashOnly(WORDS, 4); return true; }
  if (c == 0x66) { hashOnly(WORDS + 4, 5); return true; }
  if (c == 0x2d || (c >= 0x30 && c <= 0x39)) { hashSpan(p, end); return true; }
  return false;
}

// json.dumps(value): its canonical text.
export function hashSpan(p: usize, end: usize): void { hashOnly(p, <i32>(skip(p, end) - p)); }

// The hex of a previous hash (`ra`'s chain).
export function hashHex(h: u64): void { hashOnly(NUM_TEXT, formatU64Hex(h)); }

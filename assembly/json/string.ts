// JSON string literals exactly as Python's json.dumps writes them (ensure_ascii=True), for the byte
// layer and the payload writer (json/out.ts):
// `\"` `\\` `\n` `\r` `\t` `\b` `\f`; every other char outside 0x20..0x7e as \u00xx; non-ASCII as
// \uxxxx (lowercase hex); astral chars as a surrogate pair. Input is strict UTF-8.
//
//   formatString(src, len, out, cap): i32      quoted literal; bytes written or ERR_JSON_UTF8 / ERR_JSON_SPACE
//   escapeCodePoint(cp, out): i32              one code point (0..0x10ffff, lone surrogates too) escaped; bytes
import { ERR_JSON_SPACE, ERR_JSON_UTF8 } from "../abi";
import { lastCodePoint, utf8Sequence } from "../utf8";
import { NUM_TEXT } from "../memory";

@inline function shortEscape(cp: u32): u32 {
  if (cp == 0x22) return 0x22;
  if (cp == 0x5c) return 0x5c;
  if (cp == 0x0a) return 0x6e; // n
  if (cp == 0x0d) return 0x72; // r
  if (cp == 0x09) return 0x74; // t
  if (cp == 0x08) return 0x62; // b
  if (cp == 0x0c) return 0x66; // f
  return 0;
}

function putU(out: usize, u: u32): void {
  store<u8>(out, 0x5c);
  store<u8>(out, 0x75, 1);
  for (let i = 0; i < 4; i++) {
    let d = (u >> (<u32>(12 - 4 * i))) & 15;
    store<u8>(out + <usize>(2 + i), d < 10 ? 48 + d : 87 + d);
  }
}

// Writes cp (0..0x10ffff, lone surrogates too) escaped at out, which has room for 12 bytes;
// returns the length.
export function escapeCodePoint(cp: u32, out: usize): i32 {
  let s = shortEscape(cp);
  if (s != 0) {
    store<u8>(out, 0x5c);
    store<u8>(out, <u8>s, 1);
    return 2;
  }
  if (cp >= 0x20 && cp < 0x7f) {
    store<u8>(out, <u8>cp);
    return 1;
  }
  if (cp < 0x10000) {
    putU(out, cp);
    return 6;
  }
  let c = cp - 0x10000;
  putU(out, 0xd800 | (c >> 10));
  putU(out + 6, 0xdc00 | (c & 0x3ff));
  return 12;
}

export function formatString(src: usize, len: i32, out: usize, cap: i32): i32 {
  if (cap < 1) return ERR_JSON_SPACE;
  store<u8>(out, 0x22);
  let n = 1;
  let pos = 0;
  while (pos < len) {
    let size = utf8Sequence(src + <usize>pos, len - pos);
    if (size == 0) return ERR_JSON_UTF8;
    pos += size;
    let k = escapeCodePoint(lastCodePoint, NUM_TEXT);
    if (cap - n < k) return ERR_JSON_SPACE;
    for (let i = 0; i < k; i++) store<u8>(out + <usize>(n + i), load<u8>(NUM_TEXT + <usize>i));
    n += k;
  }
  if (cap - n < 1) return ERR_JSON_SPACE;
  store<u8>(out + <usize>n, 0x22);
  return n + 1;
}

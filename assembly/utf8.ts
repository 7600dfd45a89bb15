// UTF-8 for every layer: strict decoding (no overlong forms, no surrogates, nothing past U+10FFFF,
// no sequence cut short) and encoding.

// Length in bytes of the valid UTF-8 sequence at p (n bytes left), with its code point in
// lastCodePoint; 0 when invalid.
export let lastCodePoint: u32 = 0;
export function utf8Sequence(p: usize, n: i32): i32 {
  if (n <= 0) return 0;
  let b0 = <u32>load<u8>(p);
  if (b0 < 0x80) { lastCodePoint = b0; return 1; }
  let len = 0;
  let cp: u32 = 0;
  let min: u32 = 0;
  if ((b0 & 0xe0) == 0xc0) { len = 2; cp = b0 & 0x1f; min = 0x80; }
  else if ((b0 & 0xf0) == 0xe0) { len = 3; cp = b0 & 0x0f; min = 0x800; }
  else if ((b0 & 0xf8) == 0xf0) { len = 4; cp = b0 & 0x07; min = 0x10000; }
  else return 0;
  if (len > n) return 0;
  for (let i = 1; i < len; i++) {
    let b = <u32>load<u8>(p + <usize>i);
    if ((b & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  lastCodePoint = cp;
  return len;
}

// Whether the len bytes at p are valid UTF-8.
export function utf8Valid(p: usize, len: i32): bool {
  for (let i = 0; i < len;) {
    let n = utf8Sequence(p + <usize>i, len - i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// Bytes of code point c in UTF-8 (a lone surrogate, which JSON escapes can carry: 3, as WTF-8).
export function utf8Length(c: u32): i32 { return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4; }

// Writes c at out (utf8Length(c) bytes); returns that length.
export function utf8Encode(c: u32, out: usize): i32 {
  let n = utf8Length(c);
  if (n == 1) { store<u8>(out, c); return 1; }
  store<u8>(out, (n == 2 ? 0xc0 : n == 3 ? 0xe0 : 0xf0) | (c >> (6 * (n - 1))));
  for (let i = 1; i < n; i++) store<u8>(out + <usize>i, 0x80 | ((c >> (6 * (n - 1 - i))) & 0x3f));
  return n;
}

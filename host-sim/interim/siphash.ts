// Interim (until bindings/metrics.ts lands): SipHash-2-4 on 32-bit halves (no BigInt: the sim
// hashes a few hundred thousand short strings). Returns lowercase hex, not zero-padded, as
// Python's "{:x}".format(hash).

// s holds v0..v3 as [hi, lo] pairs: s[0],s[1] = v0; s[2],s[3] = v1; ...
function add(s: Uint32Array, a: number, b: number): void {
  const lo = (s[a + 1] + s[b + 1]) >>> 0;
  const carry = lo < s[a + 1] ? 1 : 0;
  s[a] = (s[a] + s[b] + carry) >>> 0;
  s[a + 1] = lo;
}
function rotl(s: Uint32Array, a: number, n: number): void {
  let hi = s[a], lo = s[a + 1];
  if (n >= 32) { const t = hi; hi = lo; lo = t; n -= 32; }
  if (n === 0) { s[a] = hi; s[a + 1] = lo; return; }
  s[a] = ((hi << n) | (lo >>> (32 - n))) >>> 0;
  s[a + 1] = ((lo << n) | (hi >>> (32 - n))) >>> 0;
}
function xor(s: Uint32Array, a: number, b: number): void {
  s[a] ^= s[b];
  s[a + 1] ^= s[b + 1];
}
function round(s: Uint32Array): void {
  add(s, 0, 2); rotl(s, 2, 13); xor(s, 2, 0); rotl(s, 0, 32);
  add(s, 4, 6); rotl(s, 6, 16); xor(s, 6, 4);
  add(s, 0, 6); rotl(s, 6, 21); xor(s, 6, 0);
  add(s, 4, 2); rotl(s, 2, 17); xor(s, 2, 4); rotl(s, 4, 32);
}
const le32 = (b: Uint8Array, i: number) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;

export function siphashHex(key: Uint8Array, msg: Uint8Array): string {
  const k0hi = le32(key, 4), k0lo = le32(key, 0), k1hi = le32(key, 12), k1lo = le32(key, 8);
  const s = new Uint32Array([
    (k0hi ^ 0x736f6d65) >>> 0, (k0lo ^ 0x70736575) >>> 0,
    (k1hi ^ 0x646f7261) >>> 0, (k1lo ^ 0x6e646f6d) >>> 0,
    (k0hi ^ 0x6c796765) >>> 0, (k0lo ^ 0x6e657261) >>> 0,
    (k1hi ^ 0x74656462) >>> 0, (k1lo ^ 0x79746573) >>> 0,
  ]);
  const n = msg.length;
  const last = new Uint8Array(8);
  const full = n - (n % 8);
  last.set(msg.subarray(full));
  last[7] = n & 0xff;
  for (let i = 0; i <= full; i += 8) {
    const block = i < full ? msg : last;
    const at = i < full ? i : 0;
    const mhi = le32(block, at + 4), mlo = le32(block, at);
    s[6] ^= mhi; s[7] ^= mlo;
    round(s); round(s);
    s[0] ^= mhi; s[1] ^= mlo;
  }
  s[5] ^= 0xff;
  round(s); round(s); round(s); round(s);
  const hi = (s[0] ^ s[2] ^ s[4] ^ s[6]) >>> 0;
  const lo = (s[1] ^ s[3] ^ s[5] ^ s[7]) >>> 0;
  return hi === 0 ? lo.toString(16) : hi.toString(16) + lo.toString(16).padStart(8, "0");
}

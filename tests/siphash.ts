// SipHash-2-4 in TypeScript (32-bit halves), for tests that sign requests too large for the
// device's encoder: an implementation of its own, checked against the reference's signatures
// (tests/metrics-server.test.ts), so that the module's verification is compared with it.

type U64 = [number, number]; // [hi, lo], unsigned 32-bit each

const add = (a: U64, b: U64): U64 => {
  const lo = (a[1] + b[1]) >>> 0;
  return [(a[0] + b[0] + (lo < a[1] ? 1 : 0)) >>> 0, lo];
};
const xor = (a: U64, b: U64): U64 => [(a[0] ^ b[0]) >>> 0, (a[1] ^ b[1]) >>> 0];
const rotl = (a: U64, n: number): U64 => {
  if (n === 32) return [a[1], a[0]];
  if (n > 32) return rotl([a[1], a[0]], n - 32);
  return [((a[0] << n) | (a[1] >>> (32 - n))) >>> 0, ((a[1] << n) | (a[0] >>> (32 - n))) >>> 0];
};
const word = (b: Uint8Array, i: number): U64 => [
  (b[i + 4] | (b[i + 5] << 8) | (b[i + 6] << 16) | (b[i + 7] << 24)) >>> 0,
  (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0,
];

/** SipHash-2-4 of data with a 16-byte key, as lowercase hex without leading zeros (the reference's
 *  "{:x}".format(hash)). */
export function sipHashHex(key: Uint8Array, data: Uint8Array): string {
  const k0 = word(key, 0), k1 = word(key, 8);
  let v0 = xor(k0, [0x736f6d65, 0x70736575]), v1 = xor(k1, [0x646f7261, 0x6e646f6d]);
  let v2 = xor(k0, [0x6c796765, 0x6e657261]), v3 = xor(k1, [0x74656462, 0x79746573]);
  const round = () => {
    v0 = add(v0, v1); v1 = rotl(v1, 13); v1 = xor(v1, v0); v0 = rotl(v0, 32);
    v2 = add(v2, v3); v3 = rotl(v3, 16); v3 = xor(v3, v2);
    v0 = add(v0, v3); v3 = rotl(v3, 21); v3 = xor(v3, v0);
    v2 = add(v2, v1); v1 = rotl(v1, 17); v1 = xor(v1, v2); v2 = rotl(v2, 32);
  };
  const n = data.length;
  const last = new Uint8Array(8);
  const whole = n - (n % 8);
  last.set(data.subarray(whole));
  last[7] = n & 0xff;
  for (let i = 0; i <= whole; i += 8) {
    const m = i < whole ? word(data, i) : word(last, 0);
    v3 = xor(v3, m);
    round(); round();
    v0 = xor(v0, m);
  }
  v2 = xor(v2, [0, 0xff]);
  round(); round(); round(); round();
  const h = xor(xor(v0, v1), xor(v2, v3));
  return h[0] !== 0 ? h[0].toString(16) + h[1].toString(16).padStart(8, "0") : h[1].toString(16);
}

const utf8 = new TextEncoder();

/** The `ra` signature of a request: a chain over sn, ts and rc (when truthy), json(d) and each
 *  row's canonical JSON text. */
export function recursiveAuth(keyHex: string, sn: string, ts: number | null, rc: number | null, d: string, rows: readonly string[]): string {
  const key = Buffer.from(keyHex, "hex");
  let h = sipHashHex(key, utf8.encode(sn));
  for (const v of [ts, rc]) if (v) h = sipHashHex(key, utf8.encode(h + String(v)));
  h = sipHashHex(key, utf8.encode(h + d));
  for (const row of rows) h = sipHashHex(key, utf8.encode(h + row));
  return "ra" + h;
}

// SipHash-2-4 in TypeScript (each 64-bit word as two 32-bit halves), for tests that sign requests
// too large for the device's encoder: an implementation of its own, checked against the
// reference's signature of the seed scenario (tests/metrics-server.test.ts), so that the module's
// verification is compared with it.

// the state: v0..v3, high and low halves
const v = new Uint32Array(8);

// v[a] += v[b] (64-bit)
function add(a: number, b: number): void {
  const lo = (v[a + 1] + v[b + 1]) >>> 0;
  v[a] = v[a] + v[b] + (lo < v[a + 1] ? 1 : 0);
  v[a + 1] = lo;
}
// v[a] = rotl(v[a], n) ^ v[b] (0 < n < 32)
function rotXor(a: number, n: number, b: number): void {
  const hi = v[a], lo = v[a + 1];
  v[a] = ((hi << n) | (lo >>> (32 - n))) ^ v[b];
  v[a + 1] = ((lo << n) | (hi >>> (32 - n))) ^ v[b + 1];
}
// v[a] = rotl(v[a], 32)
function swap(a: number): void {
  const hi = v[a];
  v[a] = v[a + 1];
  v[a + 1] = hi;
}
function round(): void {
  add(0, 2); rotXor(2, 13, 0); swap(0);
  add(4, 6); rotXor(6, 16, 4);
  add(0, 6); rotXor(6, 21, 0);
  add(4, 2); rotXor(2, 17, 4); swap(4);
}
function compress(hi: number, lo: number): void {
  v[6] ^= hi; v[7] ^= lo;
  round(); round();
  v[0] ^= hi; v[1] ^= lo;
}
const le32 = (b: Uint8Array, i: number) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;

/** SipHash-2-4 of data with a 16-byte key, as lowercase hex without leading zeros (the reference's
 *  "{:x}".format(hash)). */
export function sipHashHex(key: Uint8Array, data: Uint8Array): string {
  const k0h = le32(key, 4), k0l = le32(key, 0), k1h = le32(key, 12), k1l = le32(key, 8);
  v[0] = k0h ^ 0x736f6d65; v[1] = k0l ^ 0x70736575; v[2] = k1h ^ 0x646f7261; v[3] = k1l ^ 0x6e646f6d;
  v[4] = k0h ^ 0x6c796765; v[5] = k0l ^ 0x6e657261; v[6] = k1h ^ 0x74656462; v[7] = k1l ^ 0x79746573;
  const n = data.length, whole = n - (n % 8);
  for (let i = 0; i < whole; i += 8) compress(le32(data, i + 4), le32(data, i));
  const last = new Uint8Array(8);
  last.set(data.subarray(whole));
  last[7] = n & 0xff;
  compress(le32(last, 4), le32(last, 0));
  v[5] ^= 0xff;
  round(); round(); round(); round();
  const hi = (v[0] ^ v[2] ^ v[4] ^ v[6]) >>> 0, lo = (v[1] ^ v[3] ^ v[5] ^ v[7]) >>> 0;
  return hi !== 0 ? hi.toString(16) + lo.toString(16).padStart(8, "0") : lo.toString(16);
}

const utf8 = new TextEncoder();

/** The `ra` signature of a request: a chain over sn, ts and rc (when truthy), json(d) and each
 *  row's canonical JSON text. */
export function recursiveAuth(keyHex: string, sn: string, ts: number | null, rc: number | null, d: string, rows: readonly string[]): string {
  const key = Buffer.from(keyHex, "hex");
  let h = sipHashHex(key, utf8.encode(sn));
  for (const x of [ts, rc]) if (x) h = sipHashHex(key, utf8.encode(h + String(x)));
  h = sipHashHex(key, utf8.encode(h + d));
  for (const row of rows) h = sipHashHex(key, utf8.encode(h + row));
  return "ra" + h;
}

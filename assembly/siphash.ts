// SipHash-2-4 (Aumasson & Bernstein), 64-bit output, over bytes in linear memory.
// Entry points: a streaming hasher kept in a caller-owned static block (the metrics encoder
// feeds it as it writes); sip8(), the one-block hash that the token chain calls millions of
// times, kept free of loops over memory; sipWords() for short messages of whole words.

@inline function rotl(x: u64, b: u64): u64 {
  return (x << b) | (x >> (64 - b));
}

// State of one streaming hash. Never allocated: place it on static memory with
// changetype<SipHasher>(memory.data(SIPHASHER_SIZE)).
@unmanaged
export class SipHasher {
  v0: u64;
  v1: u64;
  v2: u64;
  v3: u64;
  pending: u64; // bytes not yet compressed, little-endian
  pendingBytes: u32;
  total: u32;
}
export const SIPHASHER_SIZE: i32 = 48;

let v0: u64 = 0;
let v1: u64 = 0;
let v2: u64 = 0;
let v3: u64 = 0;

// The streaming hasher's round, compress and finish are real functions, not inlined: one copy of
// the round serves every caller. A 64-bit round is about 200 bytes of Thumb code on a Cortex-M0+,
// and inlining it into each of the 8 places a hash needs it made the token decoder alone over
// 6 KiB there.
function sipRound(): void {
  v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);
  v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;
  v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;
  v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);
}

function compress(m: u64): void {
  v3 ^= m;
  sipRound();
  sipRound();
  v0 ^= m;
}

function finish(): u64 {
  v2 ^= 0xff;
  sipRound();
  sipRound();
  sipRound();
  sipRound();
  return v0 ^ v1 ^ v2 ^ v3;
}

@inline function start(k0: u64, k1: u64): void {
  v0 = k0 ^ 0x736f6d6570736575;
  v1 = k1 ^ 0x646f72616e646f6d;
  v2 = k0 ^ 0x6c7967656e657261;
  v3 = k1 ^ 0x7465646279746573;
}

// SipHash of a message of whole 8-byte words with the state in locals only, so that compilers
// keep it in registers: word 0 is m0, words 1.. are read at ptr + 8, ptr + 16... (words >= 1).
// Each pass is two rounds; the message, length and padding words go in at pass boundaries only,
// so the loop body has no per-round branches.
@inline function sipPasses(k0: u64, k1: u64, m0: u64, ptr: usize, words: i32): u64 {
  let a = k0 ^ 0x736f6d6570736575;
  let b = k1 ^ 0x646f72616e646f6d;
  let c = k0 ^ 0x6c7967656e657261;
  let d = k1 ^ 0x7465646279746573;
  let blocks = words + 1; // the message words, then the length block
  let m = m0;
  d ^= m;
  // blocks compression passes, then two finalization passes
  for (let i = 1; i <= blocks + 2; i++) {
    a += b; b = rotl(b, 13); b ^= a; a = rotl(a, 32);
    c += d; d = rotl(d, 16); d ^= c;
    a += d; d = rotl(d, 21); d ^= a;
    c += b; b = rotl(b, 17); b ^= c; c = rotl(c, 32);
    a += b; b = rotl(b, 13); b ^= a; a = rotl(a, 32);
    c += d; d = rotl(d, 16); d ^= c;
    a += d; d = rotl(d, 21); d ^= a;
    c += b; b = rotl(b, 17); b ^= c; c = rotl(c, 32);
    if (i < blocks) {
      a ^= m;
      m = i < words ? load<u64>(ptr + (<usize>i << 3)) : <u64>(words << 3) << 56;
      d ^= m;
    } else if (i == blocks) {
      a ^= m;
      c ^= 0xff;
    }
  }
  return a ^ b ^ c ^ d;
}

// One shared copy, for the token build (shrinkLevel 2).
function sipLocal(k0: u64, k1: u64, m0: u64, ptr: usize, words: i32): u64 {
  return sipPasses(k0, k1, m0, ptr, words);
}

// Hash of exactly 8 bytes given as the little-endian word m: one link of the token chain.
// Builds for speed (shrinkLevel <= 1: device, full) get their own copy, specialised to one word,
// whose four passes the C compiler unrolls (190 instead of 215 x86-64 instructions per chain
// step); the token build has one hash loop for the chain, the key and the state blob (300 bytes
// less Cortex-M0+ text).
export function sip8(k0: u64, k1: u64, m: u64): u64 {
  if (ASC_SHRINK_LEVEL > 1) return sipLocal(k0, k1, m, 0, 1);
  return sipPasses(k0, k1, m, 0, 1);
}

// Hash of a message of words >= 1 whole 8-byte words (little-endian, at ptr) without a
// streaming state in memory (key hash, state blob MAC): on the streaming hasher's round where
// that is linked anyway, on sipLocal in the token build.
export function sipWords(k0: u64, k1: u64, ptr: usize, words: i32): u64 {
  if (ASC_SHRINK_LEVEL > 1) return sipLocal(k0, k1, load<u64>(ptr), ptr, words);
  start(k0, k1);
  for (let i = 0; i < words; i++) compress(load<u64>(ptr + (<usize>i << 3)));
  compress(<u64>(words << 3) << 56);
  return finish();
}

export function sipReset(s: SipHasher, k0: u64, k1: u64): void {
  start(k0, k1);
  s.v0 = v0; s.v1 = v1; s.v2 = v2; s.v3 = v3;
  s.pending = 0;
  s.pendingBytes = 0;
  s.total = 0;
}

export function sipWriteByte(s: SipHasher, b: u32): void {
  s.pending |= <u64>(b & 0xff) << (<u64>s.pendingBytes << 3);
  s.total++;
  if (++s.pendingBytes == 8) {
    v0 = s.v0; v1 = s.v1; v2 = s.v2; v3 = s.v3;
    compress(s.pending);
    s.v0 = v0; s.v1 = v1; s.v2 = v2; s.v3 = v3;
    s.pending = 0;
    s.pendingBytes = 0;
  }
}

export function sipWrite(s: SipHasher, ptr: usize, len: i32): void {
  for (let i = 0; i < len; i++) sipWriteByte(s, load<u8>(ptr + <usize>i));
}

export function sipFinish(s: SipHasher): u64 {
  v0 = s.v0; v1 = s.v1; v2 = s.v2; v3 = s.v3;
  compress(s.pending | (<u64>(s.total & 0xff) << 56));
  return finish();
}

// Key words from 16 raw key bytes (little-endian, as SipHash defines them).
export function keyWord0(key: usize): u64 { return load<u64>(key); }
export function keyWord1(key: usize): u64 { return load<u64>(key, 8); }

// SipHash-2-4 (Aumasson & Bernstein), 64-bit output, over bytes in linear memory.
// Entry points: a streaming hasher kept in a caller-owned static block (the metrics encoder
// feeds it as it writes); sipLink(), the one-word hash that the token chain runs millions of
// times, with no memory access; sipWords() for short messages of whole words.

// State of one streaming hash. Never allocated: placed on a static area of SIPHASHER_SIZE bytes
// (memory.ts).
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
  v0 += v1; v1 = rotl<u64>(v1, 13); v1 ^= v0; v0 = rotl<u64>(v0, 32);
  v2 += v3; v3 = rotl<u64>(v3, 16); v3 ^= v2;
  v0 += v3; v3 = rotl<u64>(v3, 21); v3 ^= v0;
  v2 += v1; v1 = rotl<u64>(v1, 17); v1 ^= v2; v2 = rotl<u64>(v2, 32);
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

// The token chain hashes one word at a time under one key, so the part of the state that depends
// on the key alone (the initial words and the first round's a/b half) is the same at every step:
// the chain computes these four words once, into locals, and each link starts from them.
@inline export function chainA(k0: u64, k1: u64): u64 {
  return rotl<u64>((k0 ^ 0x736f6d6570736575) + (k1 ^ 0x646f72616e646f6d), 32);
}
@inline export function chainB(k0: u64, k1: u64): u64 {
  let b = k1 ^ 0x646f72616e646f6d;
  return rotl<u64>(b, 13) ^ ((k0 ^ 0x736f6d6570736575) + b);
}
@inline export function chainC(k0: u64): u64 { return k0 ^ 0x6c7967656e657261; }
@inline export function chainD(k1: u64): u64 { return k1 ^ 0x7465646279746573; }

// SipHash-2-4 of the one 8-byte little-endian word m: one link of the token chain, from the key
// words above. Straight-line (no loop, no branch, no memory), so that an interpreter runs nothing
// but the 8 rounds and a C compiler keeps the state in registers.
@inline function sip8Chained(a: u64, b: u64, c: u64, d: u64, m: u64): u64 {
  d ^= m;
  // two rounds on m (the first one's a/b half is in a and b already)
  c += d; d = rotl<u64>(d, 16); d ^= c;
  a += d; d = rotl<u64>(d, 21); d ^= a; c += b; b = rotl<u64>(b, 17); b ^= c; c = rotl<u64>(c, 32);
  a += b; b = rotl<u64>(b, 13); b ^= a; a = rotl<u64>(a, 32); c += d; d = rotl<u64>(d, 16); d ^= c;
  a += d; d = rotl<u64>(d, 21); d ^= a; c += b; b = rotl<u64>(b, 17); b ^= c; c = rotl<u64>(c, 32);
  a ^= m;
  // two on the length block (8 bytes), four to finish
  d ^= 0x0800000000000000;
  a += b; b = rotl<u64>(b, 13); b ^= a; a = rotl<u64>(a, 32); c += d; d = rotl<u64>(d, 16); d ^= c;
  a += d; d = rotl<u64>(d, 21); d ^= a; c += b; b = rotl<u64>(b, 17); b ^= c; c = rotl<u64>(c, 32);
  a += b; b = rotl<u64>(b, 13); b ^= a; a = rotl<u64>(a, 32); c += d; d = rotl<u64>(d, 16); d ^= c;
  a += d; d = rotl<u64>(d, 21); d ^= a; c += b; b = rotl<u64>(b, 17); b ^= c; c = rotl<u64>(c, 32);
  a ^= 0x0800000000000000;
  c ^= 0xff;
  a += b; b = rotl<u64>(b, 13); b ^= a; a = rotl<u64>(a, 32); c += d; d = rotl<u64>(d, 16); d ^= c;
  a += d; d = rotl<u64>(d, 21); d ^= a; c += b; b = rotl<u64>(b, 17); b ^= c; c = rotl<u64>(c, 32);
  a += b; b = rotl<u64>(b, 13); b ^= a; a = rotl<u64>(a, 32); c += d; d = rotl<u64>(d, 16); d ^= c;
  a += d; d = rotl<u64>(d, 21); d ^= a; c += b; b = rotl<u64>(b, 17); b ^= c; c = rotl<u64>(c, 32);
  a += b; b = rotl<u64>(b, 13); b ^= a; a = rotl<u64>(a, 32); c += d; d = rotl<u64>(d, 16); d ^= c;
  a += d; d = rotl<u64>(d, 21); d ^= a; c += b; b = rotl<u64>(b, 17); b ^= c; c = rotl<u64>(c, 32);
  a += b; b = rotl<u64>(b, 13); b ^= a; a = rotl<u64>(a, 32); c += d; d = rotl<u64>(d, 16); d ^= c;
  a += d; d = rotl<u64>(d, 21); d ^= a; c += b; b = rotl<u64>(b, 17); b ^= c; c = rotl<u64>(c, 32);
  return a ^ b ^ c ^ d;
}

// SipHash-2-4 of the one word m under the key (k0, k1).
@inline export function sip8(k0: u64, k1: u64, m: u64): u64 {
  return sip8Chained(chainA(k0, k1), chainB(k0, k1), chainC(k0), chainD(k1), m);
}

// The token chain's hash of one word, from the chain key words: the straight-line rounds,
// inlined, in builds for speed (the .wasm modules: what an interpreter runs fastest); in builds
// for size (shrinkLevel 2: the C libraries, where eight inlined rounds of 64-bit Thumb code cost a
// Cortex-M0+ about 1.2 KB more) a call to a loop of four passes of two rounds, which a C compiler
// unrolls where it optimises for speed (x86-64 -O2) and keeps where it optimises for size (-Os).
// That loop starts from the initial state, whose c and d are the chain's.
@inline export function sipLink(a: u64, b: u64, c: u64, d: u64, m: u64): u64 {
  if (ASC_SHRINK_LEVEL > 1) return sip8Passes(c, d, m);
  return sip8Chained(a, b, c, d, m);
}

// c and d: the initial state's (chainC, chainD); a and b follow from them.
function sip8Passes(c: u64, d: u64, m: u64): u64 {
  let a = c ^ (0x736f6d6570736575 ^ 0x6c7967656e657261);
  let b = d ^ (0x646f72616e646f6d ^ 0x7465646279746573);
  // Pass p takes block p: m, the length block (8 bytes), then zero for the two finishing passes;
  // into d before its two rounds, into a after them.
  let block = m;
  for (let p = 0; p < 4; p++) {
    d ^= block;
    a += b; b = rotl<u64>(b, 13); b ^= a; a = rotl<u64>(a, 32); c += d; d = rotl<u64>(d, 16); d ^= c;
    a += d; d = rotl<u64>(d, 21); d ^= a; c += b; b = rotl<u64>(b, 17); b ^= c; c = rotl<u64>(c, 32);
    a += b; b = rotl<u64>(b, 13); b ^= a; a = rotl<u64>(a, 32); c += d; d = rotl<u64>(d, 16); d ^= c;
    a += d; d = rotl<u64>(d, 21); d ^= a; c += b; b = rotl<u64>(b, 17); b ^= c; c = rotl<u64>(c, 32);
    a ^= block;
    if (p == 1) c ^= 0xff;
    block = p == 0 ? 0x0800000000000000 : 0;
  }
  return a ^ b ^ c ^ d;
}

// Hash of a message of words >= 1 whole 8-byte words (little-endian, at ptr) without a
// streaming state in memory (key hash, state blob MAC).
export function sipWords(k0: u64, k1: u64, ptr: usize, words: i32): u64 {
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

// len bytes at ptr: whole 8-byte words compressed as they are read (the server hashes kilobytes).
export function sipWrite(s: SipHasher, ptr: usize, len: i32): void {
  let i = 0;
  for (; i < len && s.pendingBytes != 0; i++) sipWriteByte(s, load<u8>(ptr + <usize>i));
  let words = (len - i) >> 3;
  if (words > 0) {
    v0 = s.v0; v1 = s.v1; v2 = s.v2; v3 = s.v3;
    for (let w = 0; w < words; w++, i += 8) compress(load<u64>(ptr + <usize>i));
    s.v0 = v0; s.v1 = v1; s.v2 = v2; s.v3 = v3;
    s.total += <u32>words << 3;
  }
  for (; i < len; i++) sipWriteByte(s, load<u8>(ptr + <usize>i));
}

export function sipFinish(s: SipHasher): u64 {
  v0 = s.v0; v1 = s.v1; v2 = s.v2; v3 = s.v3;
  compress(s.pending | (<u64>(s.total & 0xff) << 56));
  return finish();
}

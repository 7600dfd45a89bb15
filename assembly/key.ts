// The device's 16-byte secret key. The host writes the raw bytes to key_buffer() and calls
// key_changed(); the words are cached so hot loops do not reload them from memory.
import { keyWord0, keyWord1, sip8, sipWords, sipFinish, sipReset, sipWrite, SipHasher, SIPHASHER_SIZE } from "./siphash";

export const KEY: usize = memory.data(16, 8);
export let K0: u64 = 0;
export let K1: u64 = 0;

// Inlined: a call here costs the token decode path 28 instructions under wasm-opt -Oz.
@inline export function loadKey(): void {
  K0 = keyWord0(KEY);
  K1 = keyWord1(KEY);
}

const scratch = changetype<SipHasher>(memory.data(SIPHASHER_SIZE, 8));

export function hashBytes(ptr: usize, len: i32): u64 {
  sipReset(scratch, K0, K1);
  sipWrite(scratch, ptr, len);
  return sipFinish(scratch);
}

// SipHash of the key's own 16 bytes, keyed by itself: the root of the starting code.
export function hashOfKey(): u64 {
  return sipWords(K0, K1, KEY, 2);
}

// Hash of `words` 8-byte words at ptr: hashBytes(ptr, 8 * words) without the streaming state.
export function hashWords(ptr: usize, words: i32): u64 {
  return sipWords(K0, K1, ptr, words);
}

export function hash8(m: u64): u64 {
  return sip8(K0, K1, m);
}

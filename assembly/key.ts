// The device's 16-byte secret key. The host writes the raw bytes to key_buffer(); every entry point
// that hashes calls loadKey() first, and the words are cached so hot loops do not reload them.
import { keyWord0, keyWord1, sipWords } from "./siphash";

export const KEY: usize = memory.data(16, 8);
export let K0: u64 = 0;
export let K1: u64 = 0;

// Inlined: a call here costs the token decode path 28 instructions under wasm-opt -Oz.
@inline export function loadKey(): void {
  K0 = keyWord0(KEY);
  K1 = keyWord1(KEY);
}

// SipHash of the key's own 16 bytes, keyed by itself: the root of the starting code.
export function hashOfKey(): u64 {
  return sipWords(K0, K1, KEY, 2);
}

// SipHash of `words` 8-byte words at ptr, without a streaming state in memory.
export function hashWords(ptr: usize, words: i32): u64 {
  return sipWords(K0, K1, ptr, words);
}

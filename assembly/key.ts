// The device's 16-byte secret key, in KEY (memory.ts): the host writes the raw bytes to
// key_buffer(). Each hash reads the two key words from there; the token chain keeps them in locals.
import { KEY } from "./memory";
import { sipWords } from "./siphash";

// The key words: its 16 bytes as two little-endian words, as SipHash defines them.
@inline export function keyWord0(): u64 { return load<u64>(KEY); }
@inline export function keyWord1(): u64 { return load<u64>(KEY, 8); }

// SipHash of the key's own 16 bytes, keyed by itself: the root of the starting code.
export function hashOfKey(): u64 {
  return sipWords(keyWord0(), keyWord1(), KEY, 2);
}

// SipHash of `words` 8-byte words at ptr, without a streaming state in memory.
export function hashWords(ptr: usize, words: i32): u64 {
  return sipWords(keyWord0(), keyWord1(), ptr, words);
}

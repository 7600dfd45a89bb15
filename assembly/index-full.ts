// Exports of opaygo.wasm: everything in the device build, plus what a server needs.
export * from "./index-device";
import { loadKey } from "./key";
import { TEXT, TEXT_CAPACITY } from "./io";
import * as token from "./token";

// Writes the token's digits to text_buffer() and returns their number, or a negative error.
// value is the raw value (already multiplied by any divider); startingCode 0 derives it.
export function token_generate(startingCode: u32, count: u32, type: i32, value: u32, flags: i32): i32 {
  loadKey();
  return token.generate(startingCode, count, type, value, flags, TEXT, TEXT_CAPACITY);
}
export function token_generated_count(): u32 { return token.generatedCount(); }

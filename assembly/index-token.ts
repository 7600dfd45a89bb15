// Exports of opaygo-token.wasm: the token engine and the device's credit state, for firmware that
// takes tokens from a keypad only. Every function takes and returns numbers; bytes travel through
// the static buffers whose addresses the *_buffer() functions return. opaygo-device.wasm and
// opaygo.wasm export all of this too.
import { KEY, STATE_BLOB, TEXT, TEXT_CAPACITY } from "./memory";
import * as token from "./token";
import { INVALID } from "./abi";
import * as device from "./device";

export function key_buffer(): usize { return KEY; }
export function text_buffer(): usize { return TEXT; }
export function text_capacity(): i32 { return TEXT_CAPACITY; }
export function state_buffer(): usize { return STATE_BLOB; }

// Stateless decode: key in key_buffer(), token text in text_buffer(). Returns the token type,
// 10 INVALID or 11 ALREADY_USED; token_result_*() give the rest.
export function token_decode(startingCode: u32, maxCount: u32, usedCounts: u32, textLength: i32, restricted: bool): i32 {
  if (textLength < 0 || textLength > TEXT_CAPACITY) return INVALID;
  return token.decode(startingCode, maxCount, usedCounts, TEXT, textLength, restricted);
}
export function token_result_value(): u32 { return token.decodedValueRaw(); }
export function token_result_count(): u32 { return token.decodedCount(); }
export function token_result_max_count(): u32 { return token.resultMaxCount(); }
export function token_result_used_counts(): u32 { return token.resultUsedCounts(); }
export function token_starting_code(): u32 { return token.startingCodeFromKey(); }

// Device: key in key_buffer() before device_init. flags: 1 restricted keypad, 2 no waiting period.
export function device_init(startingCode: u32, count: u32, flags: i32, secondsPerUnit: u32): i32 {
  return device.deviceInit(startingCode, count, flags, secondsPerUnit);
}
export function device_enter_token(now: u32, textLength: i32): i32 {
  // An impossible length enters as an empty (invalid) token.
  if (textLength < 0 || textLength > TEXT_CAPACITY) textLength = 0;
  return device.deviceEnterToken(now, TEXT, textLength);
}
export function device_is_active(now: u32): bool { return device.deviceIsActive(now); }
export function device_seconds_left(now: u32): u32 { return device.deviceSecondsLeft(now); }
export function device_payg_disabled(): bool { return device.devicePaygDisabled(); }
export function device_active_until(): u32 { return device.deviceActiveUntil(); }
export function device_count(): u32 { return device.deviceMaxCount(); }
export function device_used_counts(): u32 { return device.deviceUsedCounts(); }
export function device_last_value(): u32 { return device.deviceLastValue(); }
export function device_invalid_streak(): u32 { return device.deviceInvalidStreak(); }
export function device_blocked_until(): u32 { return device.deviceBlockedUntil(); }
export function device_save(): i32 { return device.deviceSave(); }
export function device_load(): i32 { return device.deviceLoad(); }

// End of the module's static memory: every byte the module ever touches lies below it (there is no
// heap and no shadow stack), so a host may provide just this many bytes of linear memory. The full
// build takes its whole first page: the server's region follows the static areas (and grows past
// the page for large requests: memory.ts).
export function memory_used(): usize { return OPAYGO_FULL ? 65536 : __heap_base; }

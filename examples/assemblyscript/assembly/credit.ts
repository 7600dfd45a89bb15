// A firmware module of your own that embeds the opaygo token engine and the device's credit state
// (package.json "ascMain": the exports of opaygo-device.wasm, as AssemblyScript functions).
import { key_buffer, text_buffer, text_capacity, device_init, device_enter_token, device_seconds_left } from "opaygo-wasm";

const NO_WAITING_PERIOD: i32 = 2;

/** Sets up a device with its 16-byte secret key and starting code, at count 1. */
export function provision(key: StaticArray<u8>, startingCode: u32): i32 {
  for (let i = 0; i < 16; i++) store<u8>(key_buffer() + <usize>i, key[i]);
  return device_init(startingCode, 1, NO_WAITING_PERIOD, 86400);
}

/** What the keypad typed: returns 1..4 (the token type), 10 invalid or 11 already used. */
export function enterKeypad(now: u32, digits: string): i32 {
  let n = digits.length;
  if (n > text_capacity()) n = 0; // too long: an empty, invalid entry
  for (let i = 0; i < n; i++) store<u8>(text_buffer() + <usize>i, <u8>digits.charCodeAt(i));
  return device_enter_token(now, n);
}

export function creditSeconds(now: u32): u32 {
  return device_seconds_left(now);
}

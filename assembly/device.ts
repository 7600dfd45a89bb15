// Device credit state: what a PAYGO device keeps between keypad entries and reboots.
// Time is whatever seconds clock the host has (u32); the module never reads a clock itself.
import {
  ADD_TIME, SET_TIME, DISABLE_PAYG, COUNTER_SYNC, INVALID, ALREADY_USED, BLOCKED, DEVICE_RESTRICTED, DEVICE_NO_WAITING_PERIOD,
  ERR_STATE_MAGIC, ERR_STATE_VERSION, ERR_STATE_CHECKSUM, ERR_STATE_FIELDS, ERR_DEVICE_CONFIG,
} from "./abi";
import {
  PAYG_DISABLE_VALUE, COUNTER_SYNC_VALUE, decode, decodedExtended, decodedValueRaw, resultMaxCount, resultUsedCounts,
} from "./token";
import { hashWords, loadKey } from "./key";

// After n consecutive invalid tokens, entry is refused for 2^n minutes; n stops growing here,
// so the longest wait is 2^10 minutes (about 17 hours).
export const MAX_WAIT_EXPONENT: u32 = 10;

export const STATE_BLOB_SIZE: i32 = 32;
const STATE_VERSION: u8 = 1;

export const STATE_BLOB: usize = memory.data(STATE_BLOB_SIZE, 8);

// Configuration (provisioned, not saved in the blob).
let startingCode: u32 = 0;
let flags: i32 = 0;
let unitSeconds: u32 = 86400;

// State (saved in the blob).
let maxCount: u32 = 0;
let usedCounts: u32 = 0;
let activeUntil: u32 = 0;
let blockedUntil: u32 = 0;
let invalidStreak: u32 = 0; // 0..MAX_WAIT_EXPONENT
let paygDisabled: bool = false;
// Not in the blob: the raw value of the last accepted token (device_last_value()), 0 after
// device_init; device_load leaves it as it was.
let lastValue: u32 = 0;

// Key must already be in KEY. startingCode 0: derive it from the key.
export function deviceInit(code: u32, count: u32, deviceFlags: i32, secondsPerUnit: u32): i32 {
  if (code > 999999999 || count > 0xffff || secondsPerUnit == 0) return ERR_DEVICE_CONFIG;
  loadKey();
  startingCode = code;
  flags = deviceFlags;
  unitSeconds = secondsPerUnit;
  maxCount = count;
  usedCounts = 0;
  activeUntil = 0;
  blockedUntil = 0;
  invalidStreak = 0;
  paygDisabled = false;
  lastValue = 0;
  return 0;
}

@inline function saturatingAdd(base: u32, units: u32): u32 {
  let sum = <u64>base + <u64>units * <u64>unitSeconds;
  return sum > 0xffffffff ? 0xffffffff : <u32>sum;
}

function waitSeconds(streak: u32): u32 {
  let n = streak < MAX_WAIT_EXPONENT ? streak : MAX_WAIT_EXPONENT;
  return <u32>60 << n;
}

// Enters keypad text (len bytes at text). Returns the type the device acted on (see deviceDecode),
// INVALID, ALREADY_USED or BLOCKED (in a waiting period). The state changes only on acceptance,
// or on an invalid entry (the waiting period).
export function deviceEnterToken(now: u32, text: usize, len: i32): i32 {
  let waiting = (flags & DEVICE_NO_WAITING_PERIOD) == 0;
  if (waiting && invalidStreak > 0) {
    // A clock that went backwards must not stretch the wait beyond its nominal length.
    let wait = waitSeconds(invalidStreak);
    if (blockedUntil > now && blockedUntil - now > wait) blockedUntil = now + wait;
    if (now < blockedUntil) return BLOCKED;
  }
  let type = deviceDecode(text, len);
  if (type == INVALID) {
    if (invalidStreak < MAX_WAIT_EXPONENT) invalidStreak++;
    let until = <u64>now + <u64>waitSeconds(invalidStreak);
    blockedUntil = until > 0xffffffff ? 0xffffffff : <u32>until;
    return type;
  }
  if (type == ALREADY_USED) return type;
  invalidStreak = 0;
  blockedUntil = 0;
  accept(now, type);
  return type;
}

// A token that arrived over the network (a server answer's token list): decoded and applied
// like keypad entry, but it neither counts toward nor is blocked by the keypad waiting period
// (the answer that carried it was already checked, and a bad one must not lock the keypad).
export function deviceApplyNetworkToken(now: u32, text: usize, len: i32): i32 {
  let type = deviceDecode(text, len);
  if (type != INVALID && type != ALREADY_USED) accept(now, type);
  return type;
}

// Decodes against the device's state and returns what the token does to this device. The
// stateless decoder (like openpaygo's) calls an even-count token ADD_TIME whatever its value; the
// device follows the official test procedure and the C reference device logic instead: on a
// standard token, 998 disables PAYG and 999 only syncs the counter, whatever the count's parity.
// Extended tokens carry 998 and 999 as ordinary values.
function deviceDecode(text: usize, len: i32): i32 {
  let type = decode(startingCode, maxCount, usedCounts, text, len, (flags & DEVICE_RESTRICTED) != 0);
  if (type != ADD_TIME || decodedExtended()) return type;
  let value = decodedValueRaw();
  return value == PAYG_DISABLE_VALUE ? DISABLE_PAYG : value == COUNTER_SYNC_VALUE ? COUNTER_SYNC : ADD_TIME;
}

function accept(now: u32, type: i32): void {
  maxCount = resultMaxCount();
  usedCounts = resultUsedCounts();
  let value = decodedValueRaw();
  lastValue = value;
  if (type == ADD_TIME) {
    activeUntil = saturatingAdd(activeUntil > now ? activeUntil : now, value);
  } else if (type == SET_TIME) {
    activeUntil = saturatingAdd(now, value);
    paygDisabled = false;
  } else if (type == DISABLE_PAYG) {
    paygDisabled = true;
  }
}

// Credit set by a server answer (active_until_timestamp, or now + active_seconds_left): it
// replaces the credit like a SET_TIME token, and so also ends a PAYG-disabled state.
export function deviceSetActiveUntil(until: u32): void {
  activeUntil = until;
  paygDisabled = false;
}

export function deviceIsActive(now: u32): bool { return paygDisabled || now < activeUntil; }
export function deviceSecondsLeft(now: u32): u32 { return activeUntil > now ? activeUntil - now : 0; }
export function devicePaygDisabled(): bool { return paygDisabled; }
export function deviceActiveUntil(): u32 { return activeUntil; }
export function deviceMaxCount(): u32 { return maxCount; }
export function deviceUsedCounts(): u32 { return usedCounts; }
export function deviceLastValue(): u32 { return lastValue; }
export function deviceInvalidStreak(): u32 { return invalidStreak; }
export function deviceBlockedUntil(): u32 { return blockedUntil; }

// ---- state blob: 32 bytes, little-endian ------------------------------------------------
//  0 'O' 'P'   2 version   3 flags (bit 0: PAYG disabled)   4 max count u16   6 used counts u16
//  8 active until u32   12 blocked until u32   16 invalid streak u32 (0..MAX_WAIT_EXPONENT)
// 20 starting code u32 (binds the blob to this device)   24 SipHash of bytes 0..23 with the key

function blobMac(): u64 {
  return hashWords(STATE_BLOB, 3);
}

export function deviceSave(): i32 {
  store<u8>(STATE_BLOB, 0x4f);
  store<u8>(STATE_BLOB, 0x50, 1);
  store<u8>(STATE_BLOB, STATE_VERSION, 2);
  store<u8>(STATE_BLOB, paygDisabled ? 1 : 0, 3);
  store<u16>(STATE_BLOB, <u16>maxCount, 4);
  store<u16>(STATE_BLOB, <u16>usedCounts, 6);
  store<u32>(STATE_BLOB, activeUntil, 8);
  store<u32>(STATE_BLOB, blockedUntil, 12);
  store<u32>(STATE_BLOB, invalidStreak, 16);
  store<u32>(STATE_BLOB, startingCode, 20);
  store<u64>(STATE_BLOB, blobMac(), 24);
  return STATE_BLOB_SIZE;
}

// Loads the blob in STATE_BLOB. Anything corrupt, foreign or from another version is refused
// and the current state is left exactly as it was.
export function deviceLoad(): i32 {
  if (load<u8>(STATE_BLOB) != 0x4f || load<u8>(STATE_BLOB, 1) != 0x50) return ERR_STATE_MAGIC;
  if (load<u8>(STATE_BLOB, 2) != STATE_VERSION) return ERR_STATE_VERSION;
  if (load<u64>(STATE_BLOB, 24) != blobMac()) return ERR_STATE_CHECKSUM;
  let blobFlags = load<u8>(STATE_BLOB, 3);
  let streak = load<u32>(STATE_BLOB, 16);
  if (blobFlags > 1 || streak > MAX_WAIT_EXPONENT || load<u32>(STATE_BLOB, 20) != startingCode) return ERR_STATE_FIELDS;
  paygDisabled = blobFlags == 1;
  maxCount = load<u16>(STATE_BLOB, 4);
  usedCounts = load<u16>(STATE_BLOB, 6);
  activeUntil = load<u32>(STATE_BLOB, 8);
  blockedUntil = load<u32>(STATE_BLOB, 12);
  invalidStreak = streak;
  return 0;
}

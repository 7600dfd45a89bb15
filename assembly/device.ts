// Device credit state: what a PAYGO device keeps between keypad entries and reboots.
// Time is whatever seconds clock the host has (u32); the module never reads a clock itself.
import {
  ADD_TIME, SET_TIME, DISABLE_PAYG, COUNTER_SYNC, INVALID, ALREADY_USED, BLOCKED, DEVICE_RESTRICTED, DEVICE_NO_WAITING_PERIOD,
  ERR_STATE_MAGIC, ERR_STATE_VERSION, ERR_STATE_CHECKSUM, ERR_STATE_FIELDS, ERR_DEVICE_CONFIG,
} from "./abi";
import {
  PAYG_DISABLE_VALUE, COUNTER_SYNC_VALUE, decode, decodedExtended, decodedValueRaw, resultMaxCount, resultUsedCounts,
} from "./token";
import { hashWords } from "./key";
import { DEVICE_STATE, STATE_BLOB, STATE_BLOB_SIZE } from "./memory";

// After n consecutive invalid tokens, entry is refused for 2^n minutes; n stops growing here,
// so the longest wait is 2^10 minutes (about 17 hours).
export const MAX_WAIT_EXPONENT: u32 = 10;

const STATE_VERSION: u32 = 1;
// The blob's first three bytes, 'O' 'P' version, as the low bytes of a little-endian word.
const BLOB_HEADER: u64 = 0x4f | 0x50 << 8 | STATE_VERSION << 16;
const BLOB_HEADER_MASK: u64 = 0xffffff;

// The device's whole state, in DEVICE_STATE (memory.ts). Its first 24 bytes are the state blob's
// (below) but for the blob's three header bytes, zero here: device_save copies them out and
// device_load, once the blob is checked, copies them back.
@unmanaged
export class DeviceState {
  header: u16; // zero; the blob's 'O' 'P' there
  version: u8; // zero; the blob's version there
  paygDisabled: bool;
  maxCount: u16;
  usedCounts: u16;
  activeUntil: u32;
  blockedUntil: u32;
  invalidStreak: u32;
  startingCode: u32; // binds the blob to this device
  // Configuration (provisioned, not saved in the blob) and the last accepted value.
  unitSeconds: u32; // 0 before device_init: a day (the state is zero-initialised memory)
  flags: i32;
  lastValue: u32;
}
const SAVED_WORDS: i32 = 3;
// Read through this constant pointer, each field is one load at a fixed address.
@inline function st(): DeviceState { return changetype<DeviceState>(DEVICE_STATE); }

// Key must already be in KEY. startingCode 0: derive it from the key.
export function deviceInit(code: u32, count: u32, deviceFlags: i32, secondsPerUnit: u32): i32 {
  if (code > 999999999 || count > 0xffff || secondsPerUnit == 0) return ERR_DEVICE_CONFIG;
  // header, PAYG not disabled, count, no used counts; no credit, not blocked; no streak, code
  store<u64>(DEVICE_STATE, <u64>count << 32);
  store<u64>(DEVICE_STATE, 0, 8);
  store<u64>(DEVICE_STATE, <u64>code << 32, 16);
  let s = st();
  s.unitSeconds = secondsPerUnit;
  s.flags = deviceFlags;
  s.lastValue = 0;
  return 0;
}

@inline function saturatingAdd(base: u32, units: u32): u32 {
  let unit = st().unitSeconds;
  let sum = <u64>base + <u64>units * <u64>(unit != 0 ? unit : 86400);
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
  let s = st();
  let waiting = (s.flags & DEVICE_NO_WAITING_PERIOD) == 0;
  let streak = s.invalidStreak;
  if (waiting && streak > 0) {
    // A clock that went backwards must not stretch the wait beyond its nominal length.
    let wait = waitSeconds(streak);
    let blockedUntil = s.blockedUntil;
    if (blockedUntil > now && blockedUntil - now > wait) s.blockedUntil = blockedUntil = now + wait;
    if (now < blockedUntil) return BLOCKED;
  }
  let type = deviceDecode(text, len);
  if (type == INVALID) {
    if (streak < MAX_WAIT_EXPONENT) s.invalidStreak = ++streak;
    let until = <u64>now + <u64>waitSeconds(streak);
    s.blockedUntil = until > 0xffffffff ? 0xffffffff : <u32>until;
    return type;
  }
  if (type == ALREADY_USED) return type;
  s.invalidStreak = 0;
  s.blockedUntil = 0;
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
  let s = st();
  let type = decode(s.startingCode, s.maxCount, s.usedCounts, text, len, (s.flags & DEVICE_RESTRICTED) != 0);
  if (type != ADD_TIME || decodedExtended()) return type;
  let value = decodedValueRaw();
  return value == PAYG_DISABLE_VALUE ? DISABLE_PAYG : value == COUNTER_SYNC_VALUE ? COUNTER_SYNC : ADD_TIME;
}

function accept(now: u32, type: i32): void {
  let s = st();
  s.maxCount = <u16>resultMaxCount();
  s.usedCounts = <u16>resultUsedCounts();
  let value = decodedValueRaw();
  s.lastValue = value;
  if (type == ADD_TIME) {
    let activeUntil = s.activeUntil;
    s.activeUntil = saturatingAdd(activeUntil > now ? activeUntil : now, value);
  } else if (type == SET_TIME) {
    s.activeUntil = saturatingAdd(now, value);
    s.paygDisabled = false;
  } else if (type == DISABLE_PAYG) {
    s.paygDisabled = true;
  }
}

// Credit set by a server answer (active_until_timestamp, or now + active_seconds_left): it
// replaces the credit like a SET_TIME token, and so also ends a PAYG-disabled state.
export function deviceSetActiveUntil(until: u32): void {
  st().activeUntil = until;
  st().paygDisabled = false;
}

export function deviceIsActive(now: u32): bool { return st().paygDisabled || now < st().activeUntil; }
export function deviceSecondsLeft(now: u32): u32 { let until = st().activeUntil; return until > now ? until - now : 0; }
export function devicePaygDisabled(): bool { return st().paygDisabled; }
export function deviceActiveUntil(): u32 { return st().activeUntil; }
export function deviceMaxCount(): u32 { return st().maxCount; }
export function deviceUsedCounts(): u32 { return st().usedCounts; }
export function deviceLastValue(): u32 { return st().lastValue; }
export function deviceInvalidStreak(): u32 { return st().invalidStreak; }
export function deviceBlockedUntil(): u32 { return st().blockedUntil; }

// ---- state blob: 32 bytes, little-endian ------------------------------------------------
//  0 'O' 'P'   2 version   3 flags (bit 0: PAYG disabled)   4 max count u16   6 used counts u16
//  8 active until u32   12 blocked until u32   16 invalid streak u32 (0..MAX_WAIT_EXPONENT)
// 20 starting code u32 (binds the blob to this device)   24 SipHash of bytes 0..23 with the key

function blobMac(): u64 {
  return hashWords(STATE_BLOB, SAVED_WORDS);
}

export function deviceSave(): i32 {
  for (let i = 0; i < SAVED_WORDS; i++) store<u64>(STATE_BLOB + (<usize>i << 3), load<u64>(DEVICE_STATE + (<usize>i << 3)));
  store<u64>(STATE_BLOB, load<u64>(STATE_BLOB) | BLOB_HEADER);
  store<u64>(STATE_BLOB, blobMac(), 24);
  return STATE_BLOB_SIZE;
}

// Loads the blob in STATE_BLOB. Anything corrupt, foreign or from another version is refused
// and the current state is left exactly as it was.
export function deviceLoad(): i32 {
  let head = load<u64>(STATE_BLOB);
  if (<u16>head != <u16>BLOB_HEADER) return ERR_STATE_MAGIC;
  if ((head & BLOB_HEADER_MASK) != BLOB_HEADER) return ERR_STATE_VERSION;
  if (load<u64>(STATE_BLOB, 24) != blobMac()) return ERR_STATE_CHECKSUM;
  if (load<u8>(STATE_BLOB, 3) > 1 || load<u32>(STATE_BLOB, 16) > MAX_WAIT_EXPONENT ||
      load<u32>(STATE_BLOB, 20) != st().startingCode) return ERR_STATE_FIELDS;
  store<u64>(DEVICE_STATE, head & ~BLOB_HEADER_MASK);
  store<u64>(DEVICE_STATE, load<u64>(STATE_BLOB, 8), 8);
  store<u64>(DEVICE_STATE, load<u64>(STATE_BLOB, 16), 16);
  return 0;
}

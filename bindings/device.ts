// A PAYGO device's credit state on opaygo-device.wasm (or the keypad-only opaygo-token.wasm):
// keypad entry, credit, waiting period, and the 32-byte state blob the firmware saves to flash.
import { ModuleInstance, OpaygoError } from "./wasm.js";
import { Engine, instantiate } from "./engine.js";
import {
  ADD_TIME, SET_TIME, COUNTER_SYNC, CODE_MESSAGES, DEVICE_NO_WAITING_PERIOD, DEVICE_RESTRICTED, OK, RESULT_NAMES,
  ERR_STORE_IO, ERR_STORE_NOT_LOADED,
} from "./abi.js";

export interface DeviceOptions {
  key: string;
  startingCode?: number | null;
  count?: number;
  restricted?: boolean;
  /** waiting period of 2^n minutes after n invalid tokens; on unless false */
  waitingPeriod?: boolean;
  /** seconds of credit per token value unit; 86400 (days) by default */
  secondsPerUnit?: number;
  /** the module to run on: "device" (default), "token" (the keypad-only firmware build), or a
   *  profile of the device with fewer Metrics features, "seed" or "lean" (docs/profiles.md) */
  module?: FirmwareModuleKind;
  /** the WebAssembly engine: "node" (default) or "wasm3", the interpreter built for WASI */
  engine?: Engine;
}

export type EntryResult = "ACCEPTED" | "ALREADY_USED" | "INVALID" | "BLOCKED";

export interface Entry {
  result: EntryResult;
  /** the accepted token's type */
  type: string | null;
  value: number | null;
}

/** The firmware builds: every module but the full one. */
export type FirmwareModuleKind = "token" | "device" | "seed" | "lean";

export class Device {
  readonly wasm: ModuleInstance<FirmwareModuleKind>;

  constructor(o: DeviceOptions) {
    this.wasm = instantiate(o.module ?? "device", o.engine);
    this.wasm.setKey(o.key);
    const flags = (o.restricted ? DEVICE_RESTRICTED : 0) | (o.waitingPeriod === false ? DEVICE_NO_WAITING_PERIOD : 0);
    const rc = this.wasm.exports.device_init(o.startingCode ?? 0, o.count ?? 0, flags, o.secondsPerUnit ?? 86400);
    if (rc !== OK) throw new OpaygoError(CODE_MESSAGES[rc] ?? `device configuration refused (${rc})`, rc);
  }

  enterToken(text: string, now: number): Entry {
    let length: number;
    try {
      length = this.wasm.setText(text);
    } catch {
      length = -1; // too long for a keypad: entered as an invalid token
    }
    const code = this.wasm.exports.device_enter_token(checkTime(now), length);
    if (code >= ADD_TIME && code <= COUNTER_SYNC) {
      const value = code <= SET_TIME ? this.wasm.exports.device_last_value() >>> 0 : null;
      return { result: "ACCEPTED", type: RESULT_NAMES[code], value };
    }
    return { result: RESULT_NAMES[code] as EntryResult, type: null, value: null };
  }

  isActive(now: number): boolean {
    return this.wasm.exports.device_is_active(checkTime(now)) !== 0;
  }

  paygDisabled(): boolean {
    return this.wasm.exports.device_payg_disabled() !== 0;
  }

  secondsLeft(now: number): number {
    return this.wasm.exports.device_seconds_left(checkTime(now)) >>> 0;
  }

  /** seconds left / 86400; null while PAYG is disabled */
  daysRemaining(now: number): number | null {
    return this.paygDisabled() ? null : this.secondsLeft(now) / 86400;
  }

  count(): number {
    return this.wasm.exports.device_count() >>> 0;
  }

  usedCounts(): number {
    return this.wasm.exports.device_used_counts() & 0xffff;
  }

  save(): Uint8Array {
    const n = this.wasm.exports.device_save();
    return this.wasm.read(this.wasm.exports.state_buffer(), n);
  }

  /** Restores a saved blob; a corrupt or foreign blob throws and leaves the state as it was. */
  load(blob: Uint8Array): void {
    if (blob.length !== 32) throw new OpaygoError(`a state blob is 32 bytes, not ${blob.length}`);
    this.wasm.write(this.wasm.exports.state_buffer(), blob, 32, "state blob");
    const rc = this.wasm.exports.device_load();
    if (rc !== OK) throw new OpaygoError(CODE_MESSAGES[rc] ?? `state blob refused (${rc})`, rc);
  }
}

/**
 * Flash access for a {@link StateStore}: read, write and (for flash that needs it) erase bytes at
 * an address the functions understand. Each throws when the flash fails.
 */
export interface Flash {
  read(address: number, length: number): Uint8Array;
  write(address: number, data: Uint8Array): void;
  /** erases the erase unit(s) holding address..address+length-1 to 0xFF; absent for memory written in place */
  erase?(address: number, length: number): void;
}

/** Bytes of one slot of a {@link StateStore}. */
export const STORE_SLOT_SIZE = 48;
const SLOT_MAGIC = 0x0173504f; // 'O' 'P' 's', format version 1
const SLOT_BLOB = 8;
const SLOT_CRC = 44;

/**
 * The device state in two flash slots, so that a power cut while saving never leaves the device
 * blank: a save writes the slot that does not hold the current state, a load takes the newest slot
 * whose CRC and state blob verify. The same slot format as the C API's opaygo_store_t
 * (bindings/c/opaygo.c): 48 bytes, little-endian: magic, sequence number, the 32-byte blob, zero,
 * CRC-32 of the 44 bytes before it.
 */
export class StateStore {
  private seq = 0;
  private nextSlot = 0;
  private loaded = false;

  /** slots: the two slot addresses, each in an erase unit of its own */
  constructor(readonly flash: Flash, readonly slots: readonly [number, number]) {}

  /**
   * Loads the newest slot that verifies into the device (after its configuration: the blob is
   * bound to its key and starting code). false when none does (a new device, or both slots
   * corrupt): the device keeps its state.
   */
  load(device: Device): boolean {
    const slots = this.slots.map((at) => this.io(() => this.flash.read(at, STORE_SLOT_SIZE), at));
    const valid = slots.map((s) => s.length === STORE_SLOT_SIZE && view(s).getUint32(0, true) === SLOT_MAGIC &&
      view(s).getUint32(SLOT_CRC, true) === crc32(s.subarray(0, SLOT_CRC)));
    const seqOf = (i: number) => view(slots[i]).getUint32(4, true);
    const newest = valid[1] && (!valid[0] || ((seqOf(1) - seqOf(0)) | 0) > 0) ? 1 : 0;
    this.loaded = true;
    for (const i of [newest, newest ^ 1]) {
      if (!valid[i]) continue;
      try {
        device.load(slots[i].subarray(SLOT_BLOB, SLOT_BLOB + 32));
      } catch (e) {
        if (e instanceof OpaygoError) continue;
        throw e;
      }
      this.seq = seqOf(i);
      this.nextSlot = i ^ 1;
      return true;
    }
    this.seq = 0;
    this.nextSlot = 0;
    return false;
  }

  /** Saves the device state into the other slot: erase, write, read back (nothing when unchanged). */
  save(device: Device): void {
    if (!this.loaded) throw new OpaygoError(CODE_MESSAGES[ERR_STORE_NOT_LOADED], ERR_STORE_NOT_LOADED);
    const blob = device.save();
    // The state as the current slot holds it already (a token refused while blocked, say): no write.
    if (this.seq !== 0 && equal(this.tryRead(this.slots[this.nextSlot ^ 1]), slotBytes(this.seq, blob))) return;
    const seq = (this.seq + 1) >>> 0;
    const next = slotBytes(seq, blob);
    const at = this.slots[this.nextSlot];
    this.io(() => {
      this.flash.erase?.(at, STORE_SLOT_SIZE);
      this.flash.write(at, next);
      if (!equal(this.flash.read(at, STORE_SLOT_SIZE), next)) throw new Error("read back other bytes than written");
    }, at);
    this.seq = seq;
    this.nextSlot ^= 1;
  }

  private tryRead(at: number): Uint8Array | null {
    try {
      return this.flash.read(at, STORE_SLOT_SIZE);
    } catch {
      return null;
    }
  }

  private io<T>(f: () => T, at: number): T {
    try {
      return f();
    } catch (e) {
      throw new OpaygoError(`${CODE_MESSAGES[ERR_STORE_IO]} (slot at ${at}: ${e instanceof Error ? e.message : String(e)})`, ERR_STORE_IO);
    }
  }
}

function slotBytes(seq: number, blob: Uint8Array): Uint8Array {
  const slot = new Uint8Array(STORE_SLOT_SIZE);
  const v = view(slot);
  v.setUint32(0, SLOT_MAGIC, true);
  v.setUint32(4, seq, true);
  slot.set(blob, SLOT_BLOB);
  v.setUint32(SLOT_CRC, crc32(slot.subarray(0, SLOT_CRC)), true);
  return slot;
}

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const equal = (a: Uint8Array | null, b: Uint8Array) => a !== null && a.length === b.length && a.every((x, i) => x === b[i]);

/** CRC-32 (IEEE 802.3, reflected), as the C store computes it. */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function checkTime(now: number): number {
  if (!Number.isInteger(now) || now < 0 || now > 0xffffffff) throw new OpaygoError("time must be whole seconds from 0 to 2^32-1");
  return now;
}

// A PAYGO device's credit state on opaygo-device.wasm (or the keypad-only opaygo-token.wasm):
// keypad entry, credit, waiting period, and the 32-byte state blob the firmware saves to flash.
import { ModuleInstance, OpaygoError } from "./wasm.js";
import { Engine, instantiate } from "./engine.js";
import {
  ADD_TIME, SET_TIME, COUNTER_SYNC, CODE_MESSAGES, DEVICE_NO_WAITING_PERIOD, DEVICE_RESTRICTED, OK, RESULT_NAMES,
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

function checkTime(now: number): number {
  if (!Number.isInteger(now) || now < 0 || now > 0xffffffff) throw new OpaygoError("time must be whole seconds from 0 to 2^32-1");
  return now;
}

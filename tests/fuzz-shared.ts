// Shared by tests/properties.test.ts and tests/robustness.test.ts: a seeded PRNG and raw access
// to a device module instance (what a firmware sees: the exports, not the friendly bindings).
import { WasmInstance, parseKey } from "../bindings/wasm.js";

// mulberry32: small, seeded, reproducible.
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
export const randInt = (r: () => number, n: number): number => Math.floor(r() * n);
export const randomDigits = (r: () => number, n: number): string => Array.from({ length: n }, () => String(randInt(r, 10))).join("");
export const randomHexKey = (r: () => number): string => Array.from({ length: 32 }, () => "0123456789abcdef"[randInt(r, 16)]).join("");

export const ACCEPTED = [1, 2, 3, 4];
export const INVALID = 10, ALREADY_USED = 11, BLOCKED = 12;

/** A device module instance driven through its raw exports. */
export class RawDevice {
  readonly w = new WasmInstance("device");
  readonly x = this.w.exports;
  constructor(key: string, startingCode: number, count: number, flags: number) {
    this.w.bytes().set(parseKey(key), this.x.key_buffer());
    const rc = this.x.device_init(startingCode, count, flags, 86400);
    if (rc !== 0) throw new Error(`device_init ${rc}`);
  }
  enter(text: string, now: number): number {
    const data = Buffer.from(text, "latin1");
    this.w.bytes().set(data.subarray(0, 64), this.x.text_buffer());
    return this.x.device_enter_token(now >>> 0, data.length);
  }
  count(): number { return this.x.device_count() >>> 0; }
  /** The saved blob, hex (device_save writes state_buffer()). */
  blob(): string {
    if (this.x.device_save() !== 32) throw new Error("device_save");
    return Buffer.from(this.w.read(this.x.state_buffer(), 32)).toString("hex");
  }
  /** The metrics ring counters. */
  ring(): number[] {
    return [this.x.metrics_ring_rows(), this.x.metrics_ring_sent_rows(), this.x.metrics_ring_dropped() >>> 0, this.x.metrics_ring_bytes()];
  }
}

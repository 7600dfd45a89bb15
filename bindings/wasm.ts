// Loads one of the modules and gives typed access to its exports and memory.
// Every instance has its own 64 KiB memory: a simulated device is one instance.
import fs from "node:fs";
import { instantiateSync } from "@assemblyscript/loader";
import type { instantiate as tokenModule } from "./asc/opaygo-token.js";
import type { instantiate as deviceModule } from "./asc/opaygo-device.js";
import type { instantiate as fullModule } from "./asc/opaygo.js";

// token: keypad tokens only; device: tokens and the metrics device side; seed and lean: the device
// module built with the seed or lean profile's Metrics features (docs/profiles.md); full: everything.
export type ModuleKind = "token" | "device" | "seed" | "lean" | "full";

const files: Record<ModuleKind, URL> = {
  token: new URL("../../opaygo-token.wasm", import.meta.url),
  device: new URL("../../opaygo-device.wasm", import.meta.url),
  seed: new URL("../../opaygo-seed.wasm", import.meta.url),
  lean: new URL("../../opaygo-lean.wasm", import.meta.url),
  full: new URL("../../opaygo.wasm", import.meta.url),
};
const compiled = new Map<ModuleKind, WebAssembly.Module>();
const moduleFiles = new Map<ModuleKind, Buffer>();

/** The bytes of one of the modules (read once). */
export function moduleBytes(kind: ModuleKind): Uint8Array {
  let bytes = moduleFiles.get(kind);
  if (!bytes) {
    bytes = fs.readFileSync(files[kind]);
    moduleFiles.set(kind, bytes);
  }
  return bytes;
}

export class OpaygoError extends Error {
  constructor(message: string, readonly code?: number) {
    super(message);
    this.name = "OpaygoError";
  }
}

// The exports as asc declares them (make wasm: bindings/asc/), called directly as WebAssembly
// exports: the parameters as declared (a bool takes a boolean, an i64 a bigint), and a bool result
// as the 0 or 1 the module returns (asc's declarations describe its JS glue, which makes it a boolean).
type Declared<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;
type Raw<T> = { [K in keyof T as K extends "memory" ? never : K]: T[K] extends (...args: infer A) => infer R
  ? (...args: A) => R extends boolean ? number : R : never };
export type TokenExports = Raw<Declared<typeof tokenModule>>;
export type DeviceExports = Raw<Declared<typeof deviceModule>>;
export type FullExports = Raw<Declared<typeof fullModule>>;
interface ExportsByKind { token: TokenExports; device: DeviceExports; seed: DeviceExports; lean: DeviceExports; full: FullExports }
/** The exported functions of a module kind (of a union of kinds: the ones they all have). */
export type ModuleExports<K extends ModuleKind = ModuleKind> = ExportsByKind[K];

export type WasmExports<K extends ModuleKind = ModuleKind> = ModuleExports<K> & { memory: WebAssembly.Memory };

/** One instance of a module on some engine: its exports and a view of its linear memory. */
export abstract class ModuleInstance<K extends ModuleKind = ModuleKind> {
  abstract readonly kind: K;
  abstract readonly exports: ModuleExports<K>;

  /** The whole linear memory: a live view, valid until the next call into the module (ask again after one). */
  abstract bytes(): Uint8Array;

  write(ptr: number, data: Uint8Array, capacity: number, what: string): void {
    if (data.length > capacity) throw new OpaygoError(`${what} is ${data.length} bytes; the limit is ${capacity}`);
    this.bytes().set(data, ptr);
  }

  read(ptr: number, length: number): Uint8Array {
    return this.bytes().slice(ptr, ptr + length);
  }

  setKey(hex: string): void {
    const at = this.exports.key_buffer();
    this.bytes().set(parseKey(hex), at);
  }

  // Writes text to the token text buffer and returns its byte length.
  setText(text: string): number {
    const data = Buffer.from(text, "utf8");
    this.write(this.exports.text_buffer(), data, this.exports.text_capacity(), "token text");
    return data.length;
  }

  text(length: number): string {
    return Buffer.from(this.read(this.exports.text_buffer(), length)).toString("latin1");
  }
}

/** The module on Node's own WebAssembly engine. */
export class WasmInstance<K extends ModuleKind = ModuleKind> extends ModuleInstance<K> {
  readonly exports: WasmExports<K>;

  constructor(readonly kind: K) {
    super();
    let module = compiled.get(kind);
    if (!module) {
      module = new WebAssembly.Module(new Uint8Array(moduleBytes(kind)));
      compiled.set(kind, module);
    }
    this.exports = instantiateSync(module, {}).exports as unknown as WasmExports<K>;
  }

  bytes(): Uint8Array {
    return new Uint8Array(this.exports.memory.buffer);
  }
}

/** A double's IEEE 754 bit pattern, as the modules take floats (`metrics_put_float`): they have
 * no float instruction. */
export function f64Bits(v: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v, true);
  return view.getBigInt64(0, true);
}

export function parseKey(hex: string): Uint8Array {
  if (typeof hex !== "string" || !/^[0-9a-fA-F]{32}$/.test(hex)) {
    throw new OpaygoError("the secret key must be 32 hexadecimal characters (16 bytes)");
  }
  return Uint8Array.from(Buffer.from(hex, "hex"));
}

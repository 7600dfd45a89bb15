// A module on the wasm3 interpreter instead of Node's engine: wasm3 itself, built for WASI
// (make wasm3-wasi: build/wasm3-wasi/wasm3.wasm, from bindings/wasm3/glue.c), runs under node:wasi
// and hosts the module. Its exports and memory behave as WasmInstance's do: i32 results as signed
// numbers, i64 as bigints, a trap throws WebAssembly.RuntimeError.
import fs from "node:fs";
import { createRequire } from "node:module";
import { ModuleExports, ModuleInstance, ModuleKind, OpaygoError, moduleBytes } from "./wasm.js";

const wasm3File = new URL("../../wasm3-wasi/wasm3.wasm", import.meta.url);
let wasm3Module: WebAssembly.Module | undefined;
// node:wasi is loaded on first use only: importing it prints Node's ExperimentalWarning, which
// every user of the package (and every CLI command) would otherwise see.
let wasiClass: typeof import("node:wasi").WASI | undefined;

// The module's value stack inside wasm3, as pywasm3 gives it in tests/interp/run_vectors.py.
const STACK_BYTES = 64 * 1024;
const W3_ERR_TRAP = -7;
const enum ValueType { I32 = 1, I64 = 2, F32 = 3, F64 = 4 }

interface Glue {
  memory: WebAssembly.Memory;
  w3_module_buffer(n: number): number;
  w3_load(n: number, stackBytes: number): number;
  w3_name_buffer(): number;
  w3_name_capacity(): number;
  w3_find(): number;
  w3_arg_count(h: number): number;
  w3_arg_type(h: number, i: number): number;
  w3_result_count(h: number): number;
  w3_result_type(h: number, i: number): number;
  w3_slots(): number;
  w3_call(h: number, argc: number): number;
  w3_error(): number;
  w3_memory(): number;
  w3_memory_size(): number;
}

function compiledWasm3(): WebAssembly.Module {
  if (!wasm3Module) {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(wasm3File);
    } catch {
      throw new OpaygoError(`the wasm3 engine is not built: run make wasm3-wasi (${wasm3File.pathname} is missing)`);
    }
    wasm3Module = new WebAssembly.Module(new Uint8Array(bytes));
  }
  return wasm3Module;
}

export class Wasm3Instance<K extends ModuleKind = ModuleKind> extends ModuleInstance<K> {
  readonly exports: ModuleExports<K>;
  private readonly glue: Glue;

  /** bytes: the module to host; by default kind's own .wasm file */
  constructor(readonly kind: K, bytes: Uint8Array = moduleBytes(kind)) {
    super();
    // One WASI reactor per instance: no arguments, environment or files; it never writes to stdout.
    wasiClass ??= (createRequire(import.meta.url)("node:wasi") as typeof import("node:wasi")).WASI;
    const wasi = new wasiClass({ version: "preview1", args: [], env: {}, returnOnExit: true });
    const instance = new WebAssembly.Instance(compiledWasm3(), wasi.getImportObject() as WebAssembly.Imports);
    wasi.initialize(instance);
    this.glue = instance.exports as unknown as Glue;
    const at = this.glue.w3_module_buffer(bytes.length);
    if (at === 0) throw new OpaygoError(`wasm3: cannot take a module of ${bytes.length} bytes`);
    new Uint8Array(this.glue.memory.buffer, at, bytes.length).set(bytes);
    this.check(this.glue.w3_load(bytes.length, STACK_BYTES));
    this.exports = this.exportsProxy();
  }

  bytes(): Uint8Array {
    return new Uint8Array(this.glue.memory.buffer, this.glue.w3_memory(), this.glue.w3_memory_size());
  }

  private errorText(): string {
    const mem = new Uint8Array(this.glue.memory.buffer);
    const at = this.glue.w3_error();
    return Buffer.from(mem.subarray(at, mem.indexOf(0, at))).toString("utf8");
  }

  private check(rc: number): void {
    if (rc === 0) return;
    if (rc === W3_ERR_TRAP) throw new WebAssembly.RuntimeError(`wasm3: ${this.errorText()}`);
    throw new OpaygoError(`wasm3: ${this.errorText()}`, rc);
  }

  // Exported functions looked up by name on first use; a name the module does not export is undefined.
  private exportsProxy(): ModuleExports<K> {
    const functions = new Map<string, ((...args: unknown[]) => unknown) | undefined>();
    return new Proxy({} as ModuleExports<K>, {
      get: (_, name) => {
        if (typeof name !== "string") return undefined;
        if (!functions.has(name)) functions.set(name, this.lookup(name));
        return functions.get(name);
      },
    });
  }

  private lookup(name: string): ((...args: unknown[]) => unknown) | undefined {
    const g = this.glue;
    const encoded = Buffer.from(name, "utf8");
    if (encoded.length >= g.w3_name_capacity() || encoded.includes(0)) return undefined;
    const at = g.w3_name_buffer();
    const mem = new Uint8Array(g.memory.buffer);
    mem.set(encoded, at);
    mem[at + encoded.length] = 0;
    const h = g.w3_find();
    if (h < 0) return undefined;
    const args = Array.from({ length: g.w3_arg_count(h) }, (_, i) => g.w3_arg_type(h, i) as ValueType);
    const results = Array.from({ length: g.w3_result_count(h) }, (_, i) => g.w3_result_type(h, i) as ValueType);
    return (...given: unknown[]) => {
      // Converted as the JS API converts arguments of exports: missing ones are undefined (0).
      const converted = args.map((t, i) => convert(t, given[i]));
      let slots = new DataView(g.memory.buffer, g.w3_slots(), 8 * 16);
      converted.forEach((v, i) => put(slots, i, args[i], v));
      this.check(g.w3_call(h, args.length));
      slots = new DataView(g.memory.buffer, g.w3_slots(), 8 * 16);
      const out = results.map((t, i) => take(slots, i, t));
      return out.length === 0 ? undefined : out.length === 1 ? out[0] : out;
    };
  }
}

function convert(type: ValueType, v: unknown): number | bigint {
  if (type === ValueType.I64) {
    // As the JS API's ToBigInt64: numbers, undefined and null are refused, not converted.
    if (typeof v === "number" || v == null) throw new TypeError(`Cannot convert ${v} to a BigInt`);
    return BigInt.asIntN(64, BigInt(v as any));
  }
  if (typeof v === "bigint") throw new TypeError("Cannot convert a BigInt value to a number");
  return type === ValueType.I32 ? Number(v) | 0 : Number(v);
}

function put(slots: DataView, i: number, type: ValueType, v: number | bigint): void {
  slots.setBigUint64(8 * i, 0n, true);
  if (type === ValueType.I32) slots.setInt32(8 * i, v as number, true);
  else if (type === ValueType.I64) slots.setBigInt64(8 * i, v as bigint, true);
  else if (type === ValueType.F32) slots.setFloat32(8 * i, v as number, true);
  else slots.setFloat64(8 * i, v as number, true);
}

function take(slots: DataView, i: number, type: ValueType): number | bigint {
  if (type === ValueType.I32) return slots.getInt32(8 * i, true);
  if (type === ValueType.I64) return slots.getBigInt64(8 * i, true);
  if (type === ValueType.F32) return slots.getFloat32(8 * i, true);
  return slots.getFloat64(8 * i, true);
}

// Which WebAssembly engine runs a module: Node's own (the default) or the wasm3 interpreter.
import { ModuleInstance, ModuleKind, OpaygoError, WasmInstance } from "./wasm.js";
import { Wasm3Instance } from "./wasm3.js";

export const ENGINES = ["node", "wasm3"] as const;
export type Engine = (typeof ENGINES)[number];

export function instantiate<K extends ModuleKind>(kind: K, engine: Engine = "node"): ModuleInstance<K> {
  if (engine === "node") return new WasmInstance(kind);
  if (engine === "wasm3") return new Wasm3Instance(kind);
  throw new OpaygoError(`engine must be one of ${ENGINES.join(", ")}, not ${JSON.stringify(engine)}`);
}

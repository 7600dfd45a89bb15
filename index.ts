// The AssemblyScript library: `import { ... } from "opaygo-wasm"` in a firmware team's own module
// (asc resolves a package to its top-level index.ts; package.json "ascMain" names it for newer asc)
// gives the token engine, the credit state and the Metrics device side as the functions
// opaygo-device.wasm exports (docs/codec.md, "Using the modules"); the module links only what it
// calls. One build-time option sizes the Metrics buffers: compile with `--use OPAYGO_FULL=0` (the
// device's: 4 KiB of memory) or `--use OPAYGO_FULL=1` (the server side's long strings and rows).
export * from "./assembly/index-device";

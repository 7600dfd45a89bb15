// The AssemblyScript library: `import { ... } from "opaygo-wasm"` in a firmware team's own module
// (asc resolves a package to its top-level index.ts; package.json "ascMain" names it for newer asc)
// gives the token engine, the credit state and the Metrics device side as the functions
// opaygo-device.wasm exports (README "Using the modules"); the module links only what it calls.
export * from "./assembly/index-device";

export { OpaygoError, WasmInstance, parseKey } from "./wasm.js";
export type { ModuleKind } from "./wasm.js";
export { generateToken, decodeToken, startingCodeOf, roundHalfEven, TOKEN_TYPES } from "./token.js";
export type { TokenType, DecodeResult, Decoded, GenerateOptions, DecodeOptions } from "./token.js";
export { Device } from "./device.js";
export type { DeviceOptions, Entry, EntryResult } from "./device.js";

// The package's main entry point: tokens, the device, the Metrics device encoder and answer parser,
// and the server side. Each also has an entry of its own (opaygo-wasm/token, /device, /metrics, /server).
export { OpaygoError, ModuleInstance, WasmInstance, parseKey } from "./wasm.js";
export type { ModuleKind, ModuleExports, TokenExports, DeviceExports, FullExports } from "./wasm.js";
export { Wasm3Instance } from "./wasm3.js";
export { ENGINES, instantiate } from "./engine.js";
export type { Engine } from "./engine.js";
export { generateToken, decodeToken, startingCodeOf, roundHalfEven, TOKEN_TYPES } from "./token.js";
export type { TokenType, DecodeResult, Decoded, GenerateOptions, DecodeOptions } from "./token.js";
export { Device, StateStore, STORE_SLOT_SIZE } from "./device.js";
export type { DeviceOptions, Entry, EntryResult, Flash } from "./device.js";
export { MetricsEncoder, Float, parseLossless, parseOrdered, stringifyLossless, rawMember, METRICS_ERRORS } from "./metrics.js";
export type { AuthMethod, MetricsModuleKind, MetricValue, MetricRow, DataFormat, EncoderOptions, AnswerResult, AnswerTokenResult, RequestForm, JsonMap, JsonValue } from "./metrics.js";
export * from "./server.js";

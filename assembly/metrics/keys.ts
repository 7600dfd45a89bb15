// The request's member names: the byte table and its K_* offsets are generated (names.ts, from
// abi/abi.json); these read a pair.
import { KEYS } from "./names";
export { KEYS, K_SN, K_DF, K_DFO, K_TS, K_RC, K_ACC, K_D, K_HD, K_A, K_AUTH_PREFIX, K_DTC } from "./names";

// Length and address of name `which` (0 condensed, 1 simple) of the pair at offset k.
export function keySimple(k: i32): usize { return KEYS + <usize>k + 1 + <usize>load<u8>(KEYS + <usize>k); }
export function keyAt(k: i32, simple: bool): usize { return simple ? keySimple(k) : KEYS + <usize>k; }

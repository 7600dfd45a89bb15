// Reading the request's member names (this file is written by hand). The byte table KEYS and its
// K_* offsets are generated in names.ts (from abi/abi.json): at each K_* offset but K_AUTH_PREFIX
// lies a pair, the condensed name then the simple one, each as [length u8][ASCII bytes].
import { KEYS } from "./names";
export { KEYS, K_SN, K_DF, K_DFO, K_TS, K_RC, K_ACC, K_D, K_HD, K_A, K_AUTH_PREFIX, K_DTC } from "./names";

// The simple name of the pair at offset k (the address of its length byte).
export function keySimple(k: i32): usize { return KEYS + <usize>k + 1 + <usize>load<u8>(KEYS + <usize>k); }
// Its simple name when simple, else its condensed name.
export function keyAt(k: i32, simple: bool): usize { return simple ? keySimple(k) : KEYS + <usize>k; }

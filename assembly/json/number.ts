// JSON numbers as Python writes and reads them (the byte layer's json_format_float,
// json_parse_number).
//
//   formatFloat(v, out, cap): i32   repr(float): shortest round-trip digits (the closest such to v,
//                                   ties to an even last digit), exponent form when the decimal exponent
//                                   is < -4 or >= 16 ("1e-05", "1.5e+16"), else plain with a decimal
//                                   ("100.0", "-0.0"). Bytes written (at most 24), or ERR_JSON_NOT_FINITE
//                                   (NaN, ±Inf) / ERR_JSON_SPACE.
//   parseJsonNumber(ptr, len): i32  the whole of ptr[0..len) as one JSON number literal. Returns
//                                   NUM_INT (an integer within i64), NUM_BIG_INT (an integer outside i64:
//                                   valid, use the text), NUM_FLOAT (correctly rounded double in
//                                   numberFloat()), or ERR_JSON_SYNTAX / ERR_JSON_NOT_FINITE (overflows to
//                                   infinity) / ERR_JSON_NUMBER_LIMIT (integer over MAX_INT_DIGITS digits).
//                                   As in Python, a literal with '.', 'e' or 'E' is a float.
//
// Both directions are the ones every build uses: decimal.ts's printer, metrics/num.ts's parser (in
// its PYTHON reading); this file gives them the byte layer's error codes.
import { ERR_JSON_NOT_FINITE, ERR_JSON_SPACE, ERR_JSON_SYNTAX, ERR_NUMBER_RANGE, ERR_NUMBER_SYNTAX } from "../abi";
import { formatF64 } from "../decimal";
import { NUM_INT, parseNumber, parsedFloatBits, parsedIntFits } from "../metrics/num";
import { NUM_TEXT } from "../memory";

export const NUM_BIG_INT: i32 = 3;

export function formatFloat(v: f64, out: usize, cap: i32): i32 {
  let n = formatF64(reinterpret<u64>(v));
  if (n < 0) return ERR_JSON_NOT_FINITE;
  if (n > cap) return ERR_JSON_SPACE;
  for (let i = 0; i < n; i++) store<u8>(out + <usize>i, load<u8>(NUM_TEXT + <usize>i));
  return n;
}

export function parseJsonNumber(ptr: usize, len: i32): i32 {
  let k = parseNumber(ptr, len, true);
  if (k == ERR_NUMBER_SYNTAX) return ERR_JSON_SYNTAX;
  if (k == ERR_NUMBER_RANGE) return ERR_JSON_NOT_FINITE;
  return k == NUM_INT && !parsedIntFits ? NUM_BIG_INT : k;
}

export function numberFloat(): f64 { return reinterpret<f64>(parsedFloatBits); }

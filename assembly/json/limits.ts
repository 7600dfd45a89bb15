// Limits of every reader of nested values: the JSON reader (json/value.ts: the byte layer's
// json_canonicalize, and the metrics layer's requests, answers, data formats, accessory requests)
// and the CBOR decoder of the byte layer.

// Nesting limit of arrays/objects, one per build: a value at depth MAX_DEPTH + 1 is refused
// (ERR_JSON_DEPTH to the byte layer, ERR_METRICS_TOO_DEEP to the metrics layer). The full
// build reads 32 levels, so whatever its byte layer loads the metrics layer can walk; the device
// build, which has no byte layer, stops at 16, for the stack of a small interpreter (every level is
// a recursive call). Python itself allows ~1000 through its recursion limit.
export const MAX_DEPTH: i32 = OPAYGO_FULL ? 32 : 16;
// Python 3.11's int_max_str_digits: json.loads refuses longer integer literals; so do we.
export const MAX_INT_DIGITS: i32 = 4300;

// Limits of the JSON reader and the CBOR decoder.

// Nesting limit of arrays/objects for both the JSON reader and the CBOR decoder: a value at depth
// MAX_DEPTH + 1 is refused with ERR_JSON_DEPTH (Python itself allows ~1000 through its recursion limit).
export const MAX_DEPTH: i32 = 32;
// Python 3.11's int_max_str_digits: json.loads refuses longer integer literals; so do we.
export const MAX_INT_DIGITS: i32 = 4300;

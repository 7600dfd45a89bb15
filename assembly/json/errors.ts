// Error codes of the byte layer (assembly/json, assembly/cbor): negative i32, range -60..-89
// (the metrics layer's assembly/metrics/errors.ts uses -20..-41).
// The token engine uses -1..-5, device state -10..-14.
export const ERR_JSON_SPACE: i32 = -60;         // output buffer too small
export const ERR_JSON_NOT_FINITE: i32 = -61;    // NaN/Infinity value or literal, or a number that overflows to infinity
export const ERR_JSON_SYNTAX: i32 = -62;        // not JSON: unexpected byte, trailing data, bad number form
export const ERR_JSON_TRUNCATED: i32 = -63;     // input ended inside a value (or was empty)
export const ERR_JSON_UTF8: i32 = -64;          // invalid UTF-8: overlong, surrogate, > U+10FFFF, truncated, stray byte
export const ERR_JSON_CONTROL: i32 = -65;       // raw control character (< 0x20) inside a string
export const ERR_JSON_ESCAPE: i32 = -66;        // bad backslash escape in a string
export const ERR_JSON_DEPTH: i32 = -67;         // nesting deeper than MAX_DEPTH
export const ERR_JSON_DUPLICATE_KEY: i32 = -68; // the same key twice in one object (see reader.ts)
export const ERR_JSON_NUMBER_LIMIT: i32 = -69;  // integer literal longer than MAX_INT_DIGITS digits
export const ERR_JSON_END: i32 = -70;           // navigation: no (more) element in this array/object
export const ERR_JSON_NOT_FOUND: i32 = -71;     // navigation: key not in the object
export const ERR_JSON_TYPE: i32 = -72;          // navigation: the value is not of the kind asked for

export const ERR_CBOR_TRUNCATED: i32 = -80;     // CBOR input ended inside an item
export const ERR_CBOR_UNSUPPORTED: i32 = -81;   // byte string, tag, undefined, or other simple value: no JSON form
export const ERR_CBOR_KEY: i32 = -82;           // map key that is not a text string
export const ERR_CBOR_SYNTAX: i32 = -83;        // reserved additional info, stray break, bad chunk, trailing bytes

// Nesting limit of arrays/objects for both the JSON reader and the CBOR decoder: a value at depth
// MAX_DEPTH + 1 is refused with ERR_JSON_DEPTH (Python itself allows ~1000 through its recursion limit).
export const MAX_DEPTH: i32 = 32;
// Python 3.11's int_max_str_digits: json.loads refuses longer integer literals; so do we.
export const MAX_INT_DIGITS: i32 = 4300;

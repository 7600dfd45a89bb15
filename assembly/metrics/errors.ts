// Error codes of the metrics exports (negative i32). Names and messages: bindings/metrics.ts.
// -40 and -41 are the number parser's (num.ts).
export const ERR_FULL: i32 = -20;              // output buffer too small: nothing usable was written
export const ERR_UNKNOWN_VARIABLE: i32 = -21;  // a variable not in the data format's order
export const ERR_NO_FORMAT: i32 = -22;         // condensed form without a data format
export const ERR_NEEDS_TIMESTAMP: i32 = -23;   // 'ta' without a timestamp, or a row without one and no interval
export const ERR_NEEDS_COUNT: i32 = -24;       // 'ca' without a request count
export const ERR_BAD_UTF8: i32 = -25;
export const ERR_NOT_FINITE: i32 = -26;        // NaN or infinity has no JSON form
export const ERR_ROW_FULL: i32 = -27;          // the row (or name/format table) storage is full
export const ERR_DUPLICATE: i32 = -28;         // the same variable twice in one row, a key twice in one object (accessory request, data format), or a request member under two names (d and data)
export const ERR_ARGUMENT: i32 = -29;          // a length, method or form out of range
export const ERR_STATE: i32 = -30;             // call out of order (value outside a row, array not closed)
export const ERR_JSON: i32 = -31;              // malformed JSON or CBOR
export const ERR_TOO_DEEP: i32 = -32;          // nesting beyond the reader's limit
export const ERR_SERIAL: i32 = -33;            // answer for another serial number
export const ERR_SIGNATURE: i32 = -34;         // signature missing or wrong
export const ERR_REPLAY: i32 = -35;            // ts / rc not above the last accepted one
export const ERR_SHAPE: i32 = -36;             // a field of the wrong type or an unknown shape
export const ERR_TOKEN: i32 = -37;             // a token of the answer is not token text (digits)

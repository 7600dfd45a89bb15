// Generated from abi/abi.json by scripts/gen-abi.mjs: do not edit (change the table, then run node scripts/gen-abi.mjs).
// Result and error codes (i32; negative: errors) and the enums of the exports.

export const OK: i32 = 0; // success
export const ADD_TIME: i32 = 1; // token accepted: adds time
export const SET_TIME: i32 = 2; // token accepted: sets the time
export const DISABLE_PAYG: i32 = 3; // token accepted: PAYG disabled
export const COUNTER_SYNC: i32 = 4; // token accepted: counter synchronised
export const INVALID: i32 = 10; // invalid token
export const ALREADY_USED: i32 = 11; // token already used
export const BLOCKED: i32 = 12; // device in its waiting period after invalid entries
export const ERR_TOKEN_TYPE: i32 = -1; // unknown token type
export const ERR_VALUE_RANGE: i32 = -2; // value out of range (0..995 for standard tokens, 0..999999 for extended tokens)
export const ERR_STARTING_CODE: i32 = -3; // starting code must be 0..999999999
export const ERR_COUNT_RANGE: i32 = -4; // count out of range
export const ERR_OUTPUT_SPACE: i32 = -5; // no room for the token text
export const ERR_STATE_MAGIC: i32 = -10; // not a state blob (bad magic)
export const ERR_STATE_VERSION: i32 = -11; // state blob of another version
export const ERR_STATE_CHECKSUM: i32 = -12; // state blob checksum mismatch (corrupt, or from another device's key)
export const ERR_STATE_FIELDS: i32 = -13; // state blob fields out of range or bound to another starting code
export const ERR_DEVICE_CONFIG: i32 = -14; // device configuration out of range (starting code 0..999999999, count 0..65535, seconds per unit > 0)
export const ERR_METRICS_FULL: i32 = -20; // the payload does not fit in the output buffer
export const ERR_METRICS_UNKNOWN_VARIABLE: i32 = -21; // a variable is not in the data format's order (condensed form)
export const ERR_METRICS_NO_FORMAT: i32 = -22; // a data format is required (condensed form, or historical data)
export const ERR_METRICS_NEEDS_TIMESTAMP: i32 = -23; // a timestamp is required ('ta' auth, or historical rows without historical_data_interval)
export const ERR_METRICS_NEEDS_COUNT: i32 = -24; // a request count is required ('ca' auth)
export const ERR_METRICS_UTF8: i32 = -25; // invalid UTF-8 text
export const ERR_METRICS_NOT_FINITE: i32 = -26; // NaN and Infinity have no JSON form
export const ERR_METRICS_STORAGE_FULL: i32 = -27; // row, name table or data format storage is full
export const ERR_METRICS_DUPLICATE: i32 = -28; // the same variable twice in one row, the same key twice in one object of an accessory request or data format, or a request member under two names (d and data, a and auth...)
export const ERR_METRICS_ARGUMENT: i32 = -29; // argument out of range (a length, method, list or form)
export const ERR_METRICS_STATE: i32 = -30; // call out of order (a value outside a row, an array not closed...)
export const ERR_METRICS_MALFORMED: i32 = -31; // malformed JSON or CBOR
export const ERR_METRICS_TOO_DEEP: i32 = -32; // nesting too deep
export const ERR_METRICS_SERIAL: i32 = -33; // the answer is for another serial number
export const ERR_METRICS_SIGNATURE: i32 = -34; // signature missing or wrong
export const ERR_METRICS_SHAPE: i32 = -36; // a field has the wrong type
export const ERR_METRICS_TOKEN: i32 = -37; // a token of the answer is not token text (digits and spaces, or a non-negative integer)
export const ERR_METRICS_NOT_BUILT: i32 = -38; // this Metrics feature is not in this build (its profile: docs/profiles.md)
export const ERR_METRICS_TOO_LARGE: i32 = -39; // the request needs more memory than the server side may take (SERVER_MEMORY_LIMIT: 64 MiB for the request, its canonical form and its expansion)
export const ERR_NUMBER_SYNTAX: i32 = -40; // malformed number
export const ERR_NUMBER_RANGE: i32 = -41; // number out of range (overflows, or more than 40 significant digits)
export const ERR_JSON_SPACE: i32 = -60; // output buffer too small
export const ERR_JSON_NOT_FINITE: i32 = -61; // NaN or Infinity (or a number overflowing to infinity) has no JSON form
export const ERR_JSON_SYNTAX: i32 = -62; // not JSON (syntax error)
export const ERR_JSON_TRUNCATED: i32 = -63; // JSON input ended inside a value
export const ERR_JSON_UTF8: i32 = -64; // invalid UTF-8
export const ERR_JSON_CONTROL: i32 = -65; // raw control character inside a JSON string
export const ERR_JSON_ESCAPE: i32 = -66; // bad escape in a JSON string
export const ERR_JSON_DEPTH: i32 = -67; // JSON nesting too deep (more than 32 levels)
export const ERR_JSON_DUPLICATE_KEY: i32 = -68; // the same key twice in one JSON object
export const ERR_JSON_NUMBER_LIMIT: i32 = -69; // integer literal too long (more than 4300 digits)
export const ERR_JSON_END: i32 = -70; // no such element
export const ERR_CBOR_TRUNCATED: i32 = -80; // CBOR input ended inside an item
export const ERR_CBOR_UNSUPPORTED: i32 = -81; // CBOR item with no JSON form (byte string, tag, undefined...)
export const ERR_CBOR_KEY: i32 = -82; // CBOR map key that is not a text string
export const ERR_CBOR_SYNTAX: i32 = -83; // malformed CBOR
// -72 reserved (was ERR_JSON_TYPE): never returned since the byte layer's navigation API (its only user) was removed. Not to be reused.
// -35 reserved (was ERR_METRICS_REPLAY): never returned: replays are a verification result (VERIFY_REPLAY), not an error. Not to be reused; C keeps OPAYGO_ERR_METRICS_REPLAY as a deprecated alias until the next release.

// flags of token_generate (bitmask)
export const TOKEN_EXTENDED: i32 = 1; // 12 digits, values 0..999999
export const TOKEN_RESTRICTED: i32 = 2; // digits 1-4 only (15 or 20 of them)

// flags of device_init (bitmask)
export const DEVICE_RESTRICTED: i32 = 1; // keypad with keys 1-4
export const DEVICE_NO_WAITING_PERIOD: i32 = 2; // no 2^n-minute lockout after invalid tokens

// auth methods of metrics_init
export const METRICS_AUTH_NONE: i32 = 0; // unsigned
export const METRICS_AUTH_SA: i32 = 1; // simple auth: serial number
export const METRICS_AUTH_TA: i32 = 2; // timestamp auth
export const METRICS_AUTH_CA: i32 = 3; // counter (request count) auth
export const METRICS_AUTH_DA: i32 = 4; // data auth
export const METRICS_AUTH_RA: i32 = 5; // recursive data auth

// what metrics_features returns: the build profile's Metrics features (bitmask; auth method m is bit 8 + m)
export const FEATURE_JSON: i32 = 1; // JSON requests
export const FEATURE_CBOR: i32 = 2; // CBOR requests
export const FEATURE_SIMPLE: i32 = 4; // the simple form, and variables outside the data format
export const FEATURE_ACCESSORIES: i32 = 8; // accessories' requests (acc)
export const FEATURE_FORMAT_OBJECT: i32 = 16; // the data format sent inline (dfo)
export const FEATURE_ANSWER_OBJECTS: i32 = 32; // the answer's settings and extra data read by the host
export const FEATURE_FLOATS: i32 = 64; // readings as doubles, and numbers with a fraction or exponent in answers
export const FEATURE_AUTH_SHIFT: i32 = 8; // auth method m is built when bit (FEATURE_AUTH_SHIFT + m) is set

// lists of metrics_format_name
export const METRICS_DATA_ORDER: i32 = 0;
export const METRICS_HISTORICAL_DATA_ORDER: i32 = 1;

// rows of metrics_row_begin
export const METRICS_ROW_NONE: i32 = 0; // abandons the row being built (after a refused value)
export const METRICS_ROW_CURRENT: i32 = 1; // the current data `d` (replaces the previous one)
export const METRICS_ROW_HISTORICAL: i32 = 2; // a historical row, appended to the ring at row_end

// forms of metrics_encode
export const METRICS_CONDENSED: i32 = 0;
export const METRICS_SIMPLE: i32 = 1;

// what metrics_answer_apply found in the answer (bitmask)
export const ANSWER_TOKENS: i32 = 1;
export const ANSWER_TIME: i32 = 2;
export const ANSWER_SETTINGS: i32 = 4;
export const ANSWER_EXTRA_DATA: i32 = 8;
export const ANSWER_SIGNED: i32 = 16;
export const ANSWER_FORMAT_ID: i32 = 32;

// kinds of metrics_answer_time_kind
export const ANSWER_TIME_NONE: i32 = 0;
export const ANSWER_TIME_UNTIL: i32 = 1;
export const ANSWER_TIME_SECONDS_LEFT: i32 = 2;

// objects of metrics_answer_object / metrics_answer_string
export const ANSWER_OBJECT_SETTINGS: i32 = 0;
export const ANSWER_OBJECT_EXTRA_DATA: i32 = 1;

// results of metrics_server_verify
export const VERIFY_BAD_SIGNATURE: i32 = 0;
export const VERIFY_VALID: i32 = 1;
export const VERIFY_UNSIGNED: i32 = 2;
export const VERIFY_REPLAY: i32 = 3; // ts / rc not above the last accepted one
export const VERIFY_NO_TS_OR_RC: i32 = 4; // signed, but neither ts nor rc: no replay protection

// members of a loaded request (metrics_server_member_*): the index of the member's simple name among the distinct simple names of the key pairs
export const REQUEST_MEMBER_SN: i32 = 0;
export const REQUEST_MEMBER_TS: i32 = 1;
export const REQUEST_MEMBER_A: i32 = 2;
export const REQUEST_MEMBER_RC: i32 = 3;
export const REQUEST_MEMBER_DTC: i32 = 4; // dtc, dct or data_collection_timestamp
export const REQUEST_MEMBER_DF: i32 = 5;
export const REQUEST_MEMBER_DFO: i32 = 6;
export const REQUEST_MEMBER_D: i32 = 7;
export const REQUEST_MEMBER_HD: i32 = 8;
export const REQUEST_MEMBER_ACC: i32 = 9;

// JSON types of metrics_server_member_kind
export const VALUE_ABSENT: i32 = 0;
export const VALUE_NULL: i32 = 1;
export const VALUE_BOOL: i32 = 2;
export const VALUE_INT: i32 = 3; // an integer within i64 (metrics_server_member_int)
export const VALUE_NUMBER: i32 = 4; // a float, or an integer beyond i64
export const VALUE_STRING: i32 = 5;
export const VALUE_ARRAY: i32 = 6;
export const VALUE_OBJECT: i32 = 7;

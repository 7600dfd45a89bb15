/* Generated from abi/abi.json by scripts/gen-abi.mjs: do not edit (change the table, then run node scripts/gen-abi.mjs). */
/* Result and error codes, and the enums of the API (included by opaygo.h). Codes: positive
 * results, negative errors; -1..-99 come from the module, -100 and below from the C layer (the
 * state store's also from the TypeScript bindings). */
#ifndef OPAYGO_ABI_H
#define OPAYGO_ABI_H

#define OPAYGO_OK 0 /* success */
#define OPAYGO_ADD_TIME 1 /* token accepted: adds time */
#define OPAYGO_SET_TIME 2 /* token accepted: sets the time */
#define OPAYGO_DISABLE_PAYG 3 /* token accepted: PAYG disabled */
#define OPAYGO_COUNTER_SYNC 4 /* token accepted: counter synchronised */
#define OPAYGO_INVALID 10 /* invalid token */
#define OPAYGO_ALREADY_USED 11 /* token already used */
#define OPAYGO_BLOCKED 12 /* device in its waiting period after invalid entries */
#define OPAYGO_ERR_TOKEN_TYPE (-1) /* unknown token type */
#define OPAYGO_ERR_VALUE_RANGE (-2) /* value out of range (0..995 for standard tokens, 0..999999 for extended tokens) */
#define OPAYGO_ERR_STARTING_CODE (-3) /* starting code must be 0..999999999 */
#define OPAYGO_ERR_COUNT_RANGE (-4) /* count out of range */
#define OPAYGO_ERR_OUTPUT_SPACE (-5) /* no room for the token text */
#define OPAYGO_ERR_STATE_MAGIC (-10) /* not a state blob (bad magic) */
#define OPAYGO_ERR_STATE_VERSION (-11) /* state blob of another version */
#define OPAYGO_ERR_STATE_CHECKSUM (-12) /* state blob checksum mismatch (corrupt, or from another device's key) */
#define OPAYGO_ERR_STATE_FIELDS (-13) /* state blob fields out of range or bound to another starting code */
#define OPAYGO_ERR_DEVICE_CONFIG (-14) /* device configuration out of range (starting code 0..999999999, count 0..65535, seconds per unit > 0) */
#define OPAYGO_ERR_METRICS_FULL (-20) /* the payload does not fit in the output buffer */
#define OPAYGO_ERR_METRICS_UNKNOWN_VARIABLE (-21) /* a variable is not in the data format's order (condensed form) */
#define OPAYGO_ERR_METRICS_NO_FORMAT (-22) /* a data format is required (condensed form, or historical data) */
#define OPAYGO_ERR_METRICS_NEEDS_TIMESTAMP (-23) /* a timestamp is required ('ta' auth, or historical rows without historical_data_interval) */
#define OPAYGO_ERR_METRICS_NEEDS_COUNT (-24) /* a request count is required ('ca' auth) */
#define OPAYGO_ERR_METRICS_UTF8 (-25) /* invalid UTF-8 text */
#define OPAYGO_ERR_METRICS_NOT_FINITE (-26) /* NaN and Infinity have no JSON form */
#define OPAYGO_ERR_METRICS_STORAGE_FULL (-27) /* row, name table or data format storage is full */
#define OPAYGO_ERR_METRICS_DUPLICATE (-28) /* the same variable twice in one row, the same key twice in one object of an accessory request or data format, or a request member under two names (d and data, a and auth...) */
#define OPAYGO_ERR_METRICS_ARGUMENT (-29) /* argument out of range (a length, method, list or form) */
#define OPAYGO_ERR_METRICS_STATE (-30) /* call out of order (a value outside a row, an array not closed...) */
#define OPAYGO_ERR_METRICS_MALFORMED (-31) /* malformed JSON or CBOR */
#define OPAYGO_ERR_METRICS_TOO_DEEP (-32) /* nesting too deep */
#define OPAYGO_ERR_METRICS_SERIAL (-33) /* the answer is for another serial number */
#define OPAYGO_ERR_METRICS_SIGNATURE (-34) /* signature missing or wrong */
#define OPAYGO_ERR_METRICS_SHAPE (-36) /* a field has the wrong type */
#define OPAYGO_ERR_METRICS_TOKEN (-37) /* a token of the answer is not token text (digits and spaces, or a non-negative integer) */
#define OPAYGO_ERR_METRICS_NOT_BUILT (-38) /* this Metrics feature is not in this build (its profile: docs/profiles.md) */
#define OPAYGO_ERR_METRICS_TOO_LARGE (-39) /* the request needs more memory than the server side may take (SERVER_MEMORY_LIMIT: 64 MiB for the request, its canonical form and its expansion) */
#define OPAYGO_ERR_NUMBER_SYNTAX (-40) /* malformed number */
#define OPAYGO_ERR_NUMBER_RANGE (-41) /* number out of range (overflows, or more than 40 significant digits) */
#define OPAYGO_ERR_JSON_SPACE (-60) /* output buffer too small */
#define OPAYGO_ERR_JSON_NOT_FINITE (-61) /* NaN or Infinity (or a number overflowing to infinity) has no JSON form */
#define OPAYGO_ERR_JSON_SYNTAX (-62) /* not JSON (syntax error) */
#define OPAYGO_ERR_JSON_TRUNCATED (-63) /* JSON input ended inside a value */
#define OPAYGO_ERR_JSON_UTF8 (-64) /* invalid UTF-8 */
#define OPAYGO_ERR_JSON_CONTROL (-65) /* raw control character inside a JSON string */
#define OPAYGO_ERR_JSON_ESCAPE (-66) /* bad escape in a JSON string */
#define OPAYGO_ERR_JSON_DEPTH (-67) /* JSON nesting too deep (more than 32 levels) */
#define OPAYGO_ERR_JSON_DUPLICATE_KEY (-68) /* the same key twice in one JSON object */
#define OPAYGO_ERR_JSON_NUMBER_LIMIT (-69) /* integer literal too long (more than 4300 digits) */
#define OPAYGO_ERR_JSON_END (-70) /* no such element */
#define OPAYGO_ERR_JSON_NOT_FOUND (-71) /* no such string member in the answer's settings or extra data (opaygo_metrics_answer_string) */
#define OPAYGO_ERR_CBOR_TRUNCATED (-80) /* CBOR input ended inside an item */
#define OPAYGO_ERR_CBOR_UNSUPPORTED (-81) /* CBOR item with no JSON form (byte string, tag, undefined...) */
#define OPAYGO_ERR_CBOR_KEY (-82) /* CBOR map key that is not a text string */
#define OPAYGO_ERR_CBOR_SYNTAX (-83) /* malformed CBOR */
#define OPAYGO_ERR_NOT_INITIALIZED (-100) /* opaygo_init() not called or failed */
#define OPAYGO_ERR_MEMORY_SIZE (-101) /* memory block smaller than opaygo_memory_required() */
#define OPAYGO_ERR_ARGUMENT (-102) /* NULL pointer, text too long for its buffer, bad hex key */
#define OPAYGO_ERR_MODULE (-103) /* the interpreter refused the module (an opcode it was not built for, or a malformed module) */
#define OPAYGO_ERR_STORE_EMPTY (-104) /* no slot of the state store holds a state that verifies (a new device, or both slots corrupt) */
#define OPAYGO_ERR_STORE_IO (-105) /* the state store's flash access failed, or read back other bytes than written */
#define OPAYGO_ERR_STORE_NOT_LOADED (-106) /* state store saved before it was loaded (load it once at boot, after device init) */
/* Deprecated: never returned (-72 stays reserved; abi/abi.json); removed in the next release. */
#define OPAYGO_ERR_JSON_TYPE (-72)
/* Deprecated: never returned (-35 stays reserved; abi/abi.json); removed in the next release. */
#define OPAYGO_ERR_METRICS_REPLAY (-35)

/* flags of token_generate (bitmask) */
#define OPAYGO_TOKEN_EXTENDED 1u /* 12 digits, values 0..999999 */
#define OPAYGO_TOKEN_RESTRICTED 2u /* digits 1-4 only (15 or 20 of them) */

/* flags of device_init (bitmask) */
#define OPAYGO_DEVICE_RESTRICTED 1u /* keypad with keys 1-4 */
#define OPAYGO_DEVICE_NO_WAITING_PERIOD 2u /* no 2^n-minute lockout after invalid tokens */

/* auth methods of metrics_init */
#define OPAYGO_METRICS_AUTH_NONE 0 /* unsigned */
#define OPAYGO_METRICS_AUTH_SA 1 /* simple auth: serial number */
#define OPAYGO_METRICS_AUTH_TA 2 /* timestamp auth */
#define OPAYGO_METRICS_AUTH_CA 3 /* counter (request count) auth */
#define OPAYGO_METRICS_AUTH_DA 4 /* data auth */
#define OPAYGO_METRICS_AUTH_RA 5 /* recursive data auth */

/* what metrics_features returns: the build profile's Metrics features (bitmask; auth method m is bit 8 + m) */
#define OPAYGO_FEATURE_JSON 1u /* JSON requests */
#define OPAYGO_FEATURE_CBOR 2u /* CBOR requests */
#define OPAYGO_FEATURE_SIMPLE 4u /* the simple form, and variables outside the data format */
#define OPAYGO_FEATURE_ACCESSORIES 8u /* accessories' requests (acc) */
#define OPAYGO_FEATURE_FORMAT_OBJECT 16u /* the data format sent inline (dfo) */
#define OPAYGO_FEATURE_ANSWER_OBJECTS 32u /* the answer's settings and extra data read by the host */
#define OPAYGO_FEATURE_FLOATS 64u /* readings as doubles, and numbers with a fraction or exponent in answers */
#define OPAYGO_FEATURE_AUTH_SHIFT 8u /* auth method m is built when bit (FEATURE_AUTH_SHIFT + m) is set */

/* lists of metrics_format_name */
#define OPAYGO_METRICS_DATA_ORDER 0
#define OPAYGO_METRICS_HISTORICAL_DATA_ORDER 1

/* rows of metrics_row_begin */
#define OPAYGO_METRICS_ROW_NONE 0 /* abandons the row being built (after a refused value) */
#define OPAYGO_METRICS_ROW_CURRENT 1 /* the current data `d` (replaces the previous one) */
#define OPAYGO_METRICS_ROW_HISTORICAL 2 /* a historical row, appended to the ring at row_end */

/* forms of metrics_encode */
#define OPAYGO_METRICS_CONDENSED 0
#define OPAYGO_METRICS_SIMPLE 1

/* what metrics_answer_apply found in the answer (bitmask) */
#define OPAYGO_ANSWER_TOKENS 1
#define OPAYGO_ANSWER_TIME 2
#define OPAYGO_ANSWER_SETTINGS 4
#define OPAYGO_ANSWER_EXTRA_DATA 8
#define OPAYGO_ANSWER_SIGNED 16
#define OPAYGO_ANSWER_FORMAT_ID 32

/* kinds of metrics_answer_time_kind */
#define OPAYGO_ANSWER_TIME_NONE 0
#define OPAYGO_ANSWER_TIME_UNTIL 1
#define OPAYGO_ANSWER_TIME_SECONDS_LEFT 2

/* objects of metrics_answer_object / metrics_answer_string */
#define OPAYGO_ANSWER_OBJECT_SETTINGS 0
#define OPAYGO_ANSWER_OBJECT_EXTRA_DATA 1

/* results of metrics_server_verify */
#define OPAYGO_VERIFY_BAD_SIGNATURE 0
#define OPAYGO_VERIFY_VALID 1
#define OPAYGO_VERIFY_UNSIGNED 2
#define OPAYGO_VERIFY_REPLAY 3 /* ts / rc not above the last accepted one */
#define OPAYGO_VERIFY_NO_TS_OR_RC 4 /* signed, but neither ts nor rc: no replay protection */

/* members of a loaded request (metrics_server_member_*): the index of the member's simple name among the distinct simple names of the key pairs */
#define OPAYGO_REQUEST_MEMBER_SN 0
#define OPAYGO_REQUEST_MEMBER_TS 1
#define OPAYGO_REQUEST_MEMBER_A 2
#define OPAYGO_REQUEST_MEMBER_RC 3
#define OPAYGO_REQUEST_MEMBER_DTC 4 /* dtc, dct or data_collection_timestamp */
#define OPAYGO_REQUEST_MEMBER_DF 5
#define OPAYGO_REQUEST_MEMBER_DFO 6
#define OPAYGO_REQUEST_MEMBER_D 7
#define OPAYGO_REQUEST_MEMBER_HD 8
#define OPAYGO_REQUEST_MEMBER_ACC 9

/* JSON types of metrics_server_member_kind */
#define OPAYGO_VALUE_ABSENT 0
#define OPAYGO_VALUE_NULL 1
#define OPAYGO_VALUE_BOOL 2
#define OPAYGO_VALUE_INT 3 /* an integer within i64 (metrics_server_member_int) */
#define OPAYGO_VALUE_NUMBER 4 /* a float, or an integer beyond i64 */
#define OPAYGO_VALUE_STRING 5
#define OPAYGO_VALUE_ARRAY 6
#define OPAYGO_VALUE_OBJECT 7

/* The codes each build can return, smallest build first, for opaygo_strerror (opaygo.c). */
#define OPAYGO_CODES_TOKEN(X) \
  X(OPAYGO_OK) \
  X(OPAYGO_ADD_TIME) \
  X(OPAYGO_SET_TIME) \
  X(OPAYGO_DISABLE_PAYG) \
  X(OPAYGO_COUNTER_SYNC) \
  X(OPAYGO_INVALID) \
  X(OPAYGO_ALREADY_USED) \
  X(OPAYGO_BLOCKED) \
  X(OPAYGO_ERR_OUTPUT_SPACE) \
  X(OPAYGO_ERR_STATE_MAGIC) \
  X(OPAYGO_ERR_STATE_VERSION) \
  X(OPAYGO_ERR_STATE_CHECKSUM) \
  X(OPAYGO_ERR_STATE_FIELDS) \
  X(OPAYGO_ERR_DEVICE_CONFIG) \
  X(OPAYGO_ERR_NOT_INITIALIZED) \
  X(OPAYGO_ERR_MEMORY_SIZE) \
  X(OPAYGO_ERR_ARGUMENT) \
  X(OPAYGO_ERR_MODULE) \
  X(OPAYGO_ERR_STORE_EMPTY) \
  X(OPAYGO_ERR_STORE_IO) \
  X(OPAYGO_ERR_STORE_NOT_LOADED)
#define OPAYGO_CODES_DEVICE(X) \
  X(OPAYGO_ERR_METRICS_FULL) \
  X(OPAYGO_ERR_METRICS_UNKNOWN_VARIABLE) \
  X(OPAYGO_ERR_METRICS_NO_FORMAT) \
  X(OPAYGO_ERR_METRICS_NEEDS_TIMESTAMP) \
  X(OPAYGO_ERR_METRICS_NEEDS_COUNT) \
  X(OPAYGO_ERR_METRICS_UTF8) \
  X(OPAYGO_ERR_METRICS_NOT_FINITE) \
  X(OPAYGO_ERR_METRICS_STORAGE_FULL) \
  X(OPAYGO_ERR_METRICS_DUPLICATE) \
  X(OPAYGO_ERR_METRICS_ARGUMENT) \
  X(OPAYGO_ERR_METRICS_STATE) \
  X(OPAYGO_ERR_METRICS_MALFORMED) \
  X(OPAYGO_ERR_METRICS_TOO_DEEP) \
  X(OPAYGO_ERR_METRICS_SERIAL) \
  X(OPAYGO_ERR_METRICS_SIGNATURE) \
  X(OPAYGO_ERR_METRICS_SHAPE) \
  X(OPAYGO_ERR_METRICS_TOKEN) \
  X(OPAYGO_ERR_METRICS_NOT_BUILT) \
  X(OPAYGO_ERR_NUMBER_SYNTAX) \
  X(OPAYGO_ERR_NUMBER_RANGE) \
  X(OPAYGO_ERR_JSON_NOT_FOUND)
#define OPAYGO_CODES_FULL(X) \
  X(OPAYGO_ERR_TOKEN_TYPE) \
  X(OPAYGO_ERR_VALUE_RANGE) \
  X(OPAYGO_ERR_STARTING_CODE) \
  X(OPAYGO_ERR_COUNT_RANGE) \
  X(OPAYGO_ERR_METRICS_TOO_LARGE) \
  X(OPAYGO_ERR_JSON_SPACE) \
  X(OPAYGO_ERR_JSON_NOT_FINITE) \
  X(OPAYGO_ERR_JSON_SYNTAX) \
  X(OPAYGO_ERR_JSON_TRUNCATED) \
  X(OPAYGO_ERR_JSON_UTF8) \
  X(OPAYGO_ERR_JSON_CONTROL) \
  X(OPAYGO_ERR_JSON_ESCAPE) \
  X(OPAYGO_ERR_JSON_DEPTH) \
  X(OPAYGO_ERR_JSON_DUPLICATE_KEY) \
  X(OPAYGO_ERR_JSON_NUMBER_LIMIT) \
  X(OPAYGO_ERR_JSON_END) \
  X(OPAYGO_ERR_CBOR_TRUNCATED) \
  X(OPAYGO_ERR_CBOR_UNSUPPORTED) \
  X(OPAYGO_ERR_CBOR_KEY) \
  X(OPAYGO_ERR_CBOR_SYNTAX)

#endif

// Generated from abi/abi.json by scripts/gen-abi.mjs: do not edit (change the table, then run node scripts/gen-abi.mjs).
// Result and error codes, their names and messages, the enums of the exports, and the
// Metrics member names.

export const OK = 0;
export const ADD_TIME = 1;
export const SET_TIME = 2;
export const DISABLE_PAYG = 3;
export const COUNTER_SYNC = 4;
export const INVALID = 10;
export const ALREADY_USED = 11;
export const BLOCKED = 12;
export const ERR_TOKEN_TYPE = -1;
export const ERR_VALUE_RANGE = -2;
export const ERR_STARTING_CODE = -3;
export const ERR_COUNT_RANGE = -4;
export const ERR_OUTPUT_SPACE = -5;
export const ERR_STATE_MAGIC = -10;
export const ERR_STATE_VERSION = -11;
export const ERR_STATE_CHECKSUM = -12;
export const ERR_STATE_FIELDS = -13;
export const ERR_DEVICE_CONFIG = -14;
export const ERR_METRICS_FULL = -20;
export const ERR_METRICS_UNKNOWN_VARIABLE = -21;
export const ERR_METRICS_NO_FORMAT = -22;
export const ERR_METRICS_NEEDS_TIMESTAMP = -23;
export const ERR_METRICS_NEEDS_COUNT = -24;
export const ERR_METRICS_UTF8 = -25;
export const ERR_METRICS_NOT_FINITE = -26;
export const ERR_METRICS_STORAGE_FULL = -27;
export const ERR_METRICS_DUPLICATE = -28;
export const ERR_METRICS_ARGUMENT = -29;
export const ERR_METRICS_STATE = -30;
export const ERR_METRICS_MALFORMED = -31;
export const ERR_METRICS_TOO_DEEP = -32;
export const ERR_METRICS_SERIAL = -33;
export const ERR_METRICS_SIGNATURE = -34;
export const ERR_METRICS_SHAPE = -36;
export const ERR_METRICS_TOKEN = -37;
export const ERR_METRICS_NOT_BUILT = -38;
export const ERR_METRICS_TOO_LARGE = -39;
export const ERR_NUMBER_SYNTAX = -40;
export const ERR_NUMBER_RANGE = -41;
export const ERR_JSON_SPACE = -60;
export const ERR_JSON_NOT_FINITE = -61;
export const ERR_JSON_SYNTAX = -62;
export const ERR_JSON_TRUNCATED = -63;
export const ERR_JSON_UTF8 = -64;
export const ERR_JSON_CONTROL = -65;
export const ERR_JSON_ESCAPE = -66;
export const ERR_JSON_DEPTH = -67;
export const ERR_JSON_DUPLICATE_KEY = -68;
export const ERR_JSON_NUMBER_LIMIT = -69;
export const ERR_JSON_END = -70;
export const ERR_JSON_NOT_FOUND = -71;
export const ERR_CBOR_TRUNCATED = -80;
export const ERR_CBOR_UNSUPPORTED = -81;
export const ERR_CBOR_KEY = -82;
export const ERR_CBOR_SYNTAX = -83;
export const ERR_NOT_INITIALIZED = -100;
export const ERR_MEMORY_SIZE = -101;
export const ERR_ARGUMENT = -102;
export const ERR_MODULE = -103;
export const ERR_STORE_EMPTY = -104;
export const ERR_STORE_IO = -105;
export const ERR_STORE_NOT_LOADED = -106;

/** Canonical name of each code (the C API's without its OPAYGO_ prefix). */
export const CODE_NAMES: Readonly<Record<number, string>> = {
  [0]: "OK",
  [1]: "ADD_TIME",
  [2]: "SET_TIME",
  [3]: "DISABLE_PAYG",
  [4]: "COUNTER_SYNC",
  [10]: "INVALID",
  [11]: "ALREADY_USED",
  [12]: "BLOCKED",
  [-1]: "ERR_TOKEN_TYPE",
  [-2]: "ERR_VALUE_RANGE",
  [-3]: "ERR_STARTING_CODE",
  [-4]: "ERR_COUNT_RANGE",
  [-5]: "ERR_OUTPUT_SPACE",
  [-10]: "ERR_STATE_MAGIC",
  [-11]: "ERR_STATE_VERSION",
  [-12]: "ERR_STATE_CHECKSUM",
  [-13]: "ERR_STATE_FIELDS",
  [-14]: "ERR_DEVICE_CONFIG",
  [-20]: "ERR_METRICS_FULL",
  [-21]: "ERR_METRICS_UNKNOWN_VARIABLE",
  [-22]: "ERR_METRICS_NO_FORMAT",
  [-23]: "ERR_METRICS_NEEDS_TIMESTAMP",
  [-24]: "ERR_METRICS_NEEDS_COUNT",
  [-25]: "ERR_METRICS_UTF8",
  [-26]: "ERR_METRICS_NOT_FINITE",
  [-27]: "ERR_METRICS_STORAGE_FULL",
  [-28]: "ERR_METRICS_DUPLICATE",
  [-29]: "ERR_METRICS_ARGUMENT",
  [-30]: "ERR_METRICS_STATE",
  [-31]: "ERR_METRICS_MALFORMED",
  [-32]: "ERR_METRICS_TOO_DEEP",
  [-33]: "ERR_METRICS_SERIAL",
  [-34]: "ERR_METRICS_SIGNATURE",
  [-36]: "ERR_METRICS_SHAPE",
  [-37]: "ERR_METRICS_TOKEN",
  [-38]: "ERR_METRICS_NOT_BUILT",
  [-39]: "ERR_METRICS_TOO_LARGE",
  [-40]: "ERR_NUMBER_SYNTAX",
  [-41]: "ERR_NUMBER_RANGE",
  [-60]: "ERR_JSON_SPACE",
  [-61]: "ERR_JSON_NOT_FINITE",
  [-62]: "ERR_JSON_SYNTAX",
  [-63]: "ERR_JSON_TRUNCATED",
  [-64]: "ERR_JSON_UTF8",
  [-65]: "ERR_JSON_CONTROL",
  [-66]: "ERR_JSON_ESCAPE",
  [-67]: "ERR_JSON_DEPTH",
  [-68]: "ERR_JSON_DUPLICATE_KEY",
  [-69]: "ERR_JSON_NUMBER_LIMIT",
  [-70]: "ERR_JSON_END",
  [-71]: "ERR_JSON_NOT_FOUND",
  [-80]: "ERR_CBOR_TRUNCATED",
  [-81]: "ERR_CBOR_UNSUPPORTED",
  [-82]: "ERR_CBOR_KEY",
  [-83]: "ERR_CBOR_SYNTAX",
  [-100]: "ERR_NOT_INITIALIZED",
  [-101]: "ERR_MEMORY_SIZE",
  [-102]: "ERR_ARGUMENT",
  [-103]: "ERR_MODULE",
  [-104]: "ERR_STORE_EMPTY",
  [-105]: "ERR_STORE_IO",
  [-106]: "ERR_STORE_NOT_LOADED",
};
/** Name of each result (positive code): the token types, INVALID, ALREADY_USED, BLOCKED. */
export const RESULT_NAMES: Readonly<Record<number, string>> = {
  [1]: "ADD_TIME",
  [2]: "SET_TIME",
  [3]: "DISABLE_PAYG",
  [4]: "COUNTER_SYNC",
  [10]: "INVALID",
  [11]: "ALREADY_USED",
  [12]: "BLOCKED",
};
/** One-line message of each code the module or these bindings (the state store) can return. */
export const CODE_MESSAGES: Readonly<Record<number, string>> = {
  [0]: "success",
  [1]: "token accepted: adds time",
  [2]: "token accepted: sets the time",
  [3]: "token accepted: PAYG disabled",
  [4]: "token accepted: counter synchronised",
  [10]: "invalid token",
  [11]: "token already used",
  [12]: "device in its waiting period after invalid entries",
  [-1]: "unknown token type",
  [-2]: "value out of range (0..995 for standard tokens, 0..999999 for extended tokens)",
  [-3]: "starting code must be 0..999999999",
  [-4]: "count out of range",
  [-5]: "no room for the token text",
  [-10]: "not a state blob (bad magic)",
  [-11]: "state blob of another version",
  [-12]: "state blob checksum mismatch (corrupt, or from another device's key)",
  [-13]: "state blob fields out of range or bound to another starting code",
  [-14]: "device configuration out of range (starting code 0..999999999, count 0..65535, seconds per unit > 0)",
  [-20]: "the payload does not fit in the output buffer",
  [-21]: "a variable is not in the data format's order (condensed form)",
  [-22]: "a data format is required (condensed form, or historical data)",
  [-23]: "a timestamp is required ('ta' auth, or historical rows without historical_data_interval)",
  [-24]: "a request count is required ('ca' auth)",
  [-25]: "invalid UTF-8 text",
  [-26]: "NaN and Infinity have no JSON form",
  [-27]: "row, name table or data format storage is full",
  [-28]: "the same variable twice in one row, the same key twice in one object of an accessory request or data format, or a request member under two names (d and data, a and auth...)",
  [-29]: "argument out of range (a length, method, list or form)",
  [-30]: "call out of order (a value outside a row, an array not closed...)",
  [-31]: "malformed JSON or CBOR",
  [-32]: "nesting too deep",
  [-33]: "the answer is for another serial number",
  [-34]: "signature missing or wrong",
  [-36]: "a field has the wrong type",
  [-37]: "a token of the answer is not token text (digits and spaces, or a non-negative integer)",
  [-38]: "this Metrics feature is not in this build (its profile: docs/profiles.md)",
  [-39]: "the request needs more memory than the server side may take (SERVER_MEMORY_LIMIT: 64 MiB for the request, its canonical form and its expansion)",
  [-40]: "malformed number",
  [-41]: "number out of range (overflows, or more than 40 significant digits)",
  [-60]: "output buffer too small",
  [-61]: "NaN or Infinity (or a number overflowing to infinity) has no JSON form",
  [-62]: "not JSON (syntax error)",
  [-63]: "JSON input ended inside a value",
  [-64]: "invalid UTF-8",
  [-65]: "raw control character inside a JSON string",
  [-66]: "bad escape in a JSON string",
  [-67]: "JSON nesting too deep (more than 32 levels)",
  [-68]: "the same key twice in one JSON object",
  [-69]: "integer literal too long (more than 4300 digits)",
  [-70]: "no such element",
  [-80]: "CBOR input ended inside an item",
  [-81]: "CBOR item with no JSON form (byte string, tag, undefined...)",
  [-82]: "CBOR map key that is not a text string",
  [-83]: "malformed CBOR",
  [-104]: "no slot of the state store holds a state that verifies (a new device, or both slots corrupt)",
  [-105]: "the state store's flash access failed, or read back other bytes than written",
  [-106]: "state store saved before it was loaded (load it once at boot, after device init)",
};

// flags of token_generate (bitmask)
export const TOKEN_EXTENDED = 1;
export const TOKEN_RESTRICTED = 2;
export const TOKEN_FLAGS = { extended: 1, restricted: 2 } as const;

// flags of device_init (bitmask)
export const DEVICE_RESTRICTED = 1;
export const DEVICE_NO_WAITING_PERIOD = 2;
export const DEVICE_FLAGS = { restricted: 1, noWaitingPeriod: 2 } as const;

// auth methods of metrics_init
export const METRICS_AUTH_NONE = 0;
export const METRICS_AUTH_SA = 1;
export const METRICS_AUTH_TA = 2;
export const METRICS_AUTH_CA = 3;
export const METRICS_AUTH_DA = 4;
export const METRICS_AUTH_RA = 5;
export const METRICS_AUTH = { none: 0, sa: 1, ta: 2, ca: 3, da: 4, ra: 5 } as const;
/** The labels by value. */
export const METRICS_AUTH_LABELS = ["none", "sa", "ta", "ca", "da", "ra"] as const;

// what metrics_features returns: the build profile's Metrics features (bitmask; auth method m is bit 8 + m)
export const FEATURE_JSON = 1;
export const FEATURE_CBOR = 2;
export const FEATURE_SIMPLE = 4;
export const FEATURE_ACCESSORIES = 8;
export const FEATURE_FORMAT_OBJECT = 16;
export const FEATURE_ANSWER_OBJECTS = 32;
export const FEATURE_FLOATS = 64;
export const FEATURE_AUTH_SHIFT = 8;
export const METRICS_FEATURES = { json: 1, cbor: 2, simple: 4, accessories: 8, formatObject: 16, answerObjects: 32, floats: 64, authShift: 8 } as const;

// lists of metrics_format_name
export const METRICS_DATA_ORDER = 0;
export const METRICS_HISTORICAL_DATA_ORDER = 1;
export const METRICS_LIST = { data_order: 0, historical_data_order: 1 } as const;
/** The labels by value. */
export const METRICS_LIST_LABELS = ["data_order", "historical_data_order"] as const;

// rows of metrics_row_begin
export const METRICS_ROW_NONE = 0;
export const METRICS_ROW_CURRENT = 1;
export const METRICS_ROW_HISTORICAL = 2;
export const METRICS_ROW = { none: 0, current: 1, historical: 2 } as const;
/** The labels by value. */
export const METRICS_ROW_LABELS = ["none", "current", "historical"] as const;

// forms of metrics_encode
export const METRICS_CONDENSED = 0;
export const METRICS_SIMPLE = 1;
export const METRICS_FORM = { condensed: 0, simple: 1 } as const;
/** The labels by value. */
export const METRICS_FORM_LABELS = ["condensed", "simple"] as const;

// what metrics_answer_apply found in the answer (bitmask)
export const ANSWER_TOKENS = 1;
export const ANSWER_TIME = 2;
export const ANSWER_SETTINGS = 4;
export const ANSWER_EXTRA_DATA = 8;
export const ANSWER_SIGNED = 16;
export const ANSWER_FORMAT_ID = 32;
export const ANSWER_FLAGS = { tokens: 1, time: 2, settings: 4, extraData: 8, signed: 16, formatId: 32 } as const;

// kinds of metrics_answer_time_kind
export const ANSWER_TIME_NONE = 0;
export const ANSWER_TIME_UNTIL = 1;
export const ANSWER_TIME_SECONDS_LEFT = 2;
export const ANSWER_TIME_KIND = { none: 0, active_until_timestamp: 1, active_seconds_left: 2 } as const;
/** The labels by value. */
export const ANSWER_TIME_KIND_LABELS = ["none", "active_until_timestamp", "active_seconds_left"] as const;

// objects of metrics_answer_object / metrics_answer_string
export const ANSWER_OBJECT_SETTINGS = 0;
export const ANSWER_OBJECT_EXTRA_DATA = 1;
export const ANSWER_OBJECT = { settings: 0, extra_data: 1 } as const;
/** The labels by value. */
export const ANSWER_OBJECT_LABELS = ["settings", "extra_data"] as const;

// results of metrics_server_verify
export const VERIFY_BAD_SIGNATURE = 0;
export const VERIFY_VALID = 1;
export const VERIFY_UNSIGNED = 2;
export const VERIFY_REPLAY = 3;
export const VERIFY_NO_TS_OR_RC = 4;
export const VERIFY = { bad_signature: 0, valid: 1, unsigned: 2, replay: 3, no_timestamp_or_count: 4 } as const;
/** The labels by value. */
export const VERIFY_LABELS = ["bad_signature", "valid", "unsigned", "replay", "no_timestamp_or_count"] as const;

// members of a loaded request (metrics_server_member_*): the index of the member's simple name among the distinct simple names of the key pairs
export const REQUEST_MEMBER_SN = 0;
export const REQUEST_MEMBER_TS = 1;
export const REQUEST_MEMBER_A = 2;
export const REQUEST_MEMBER_RC = 3;
export const REQUEST_MEMBER_DTC = 4;
export const REQUEST_MEMBER_DF = 5;
export const REQUEST_MEMBER_DFO = 6;
export const REQUEST_MEMBER_D = 7;
export const REQUEST_MEMBER_HD = 8;
export const REQUEST_MEMBER_ACC = 9;
export const REQUEST_MEMBER = { sn: 0, ts: 1, a: 2, rc: 3, dtc: 4, df: 5, dfo: 6, d: 7, hd: 8, acc: 9 } as const;
/** The labels by value. */
export const REQUEST_MEMBER_LABELS = ["sn", "ts", "a", "rc", "dtc", "df", "dfo", "d", "hd", "acc"] as const;

// JSON types of metrics_server_member_kind
export const VALUE_ABSENT = 0;
export const VALUE_NULL = 1;
export const VALUE_BOOL = 2;
export const VALUE_INT = 3;
export const VALUE_NUMBER = 4;
export const VALUE_STRING = 5;
export const VALUE_ARRAY = 6;
export const VALUE_OBJECT = 7;
export const VALUE_KIND = { absent: 0, null: 1, bool: 2, int: 3, number: 4, string: 5, array: 6, object: 7 } as const;
/** The labels by value. */
export const VALUE_KIND_LABELS = ["absent", "null", "bool", "int", "number", "string", "array", "object"] as const;

/** Metrics member names [condensed, simple], in the reference's order. */
export const KEY_PAIRS: readonly (readonly [string, string])[] = [
  ["sn", "serial_number"],
  ["ts", "timestamp"],
  ["a", "auth"],
  ["rc", "request_count"],
  ["dtc", "data_collection_timestamp"],
  ["dct", "data_collection_timestamp"],
  ["df", "data_format_id"],
  ["dfo", "data_format"],
  ["d", "data"],
  ["hd", "historical_data"],
  ["acc", "accessories"],
  ["tkl", "token_list"],
  ["auts", "active_until_timestamp"],
  ["asl", "active_seconds_left"],
  ["st", "settings"],
  ["ed", "extra_data"],
  ["tc", "token_count"],
  ["autsr", "active_until_timestamp_requested"],
  ["aslr", "active_seconds_left_requested"],
];

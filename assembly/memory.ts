// The module's memory map: every writable static area, with its size in each build. There is no
// heap and no stack in linear memory, so these areas (and the read-only tables listed at the end)
// are all the memory a module uses: memory_used() = __heap_base = their sum, alignment included.
//
// Builds (asconfig.json): token (keypad tokens), device (tokens and Metrics, OPAYGO_FULL=0) and
// full (server side and byte layer, OPAYGO_FULL=1). Each area is @lazy: it takes memory only in a
// build that uses it (the token build has no Metrics area, a firmware module built from index.ts
// only the areas of what it calls), at the address of its first use. The hosts find the buffers
// they write or read through the *_buffer() exports, never by a fixed address. Sizes below are in
// bytes per build; make size prints each build's total (the device's goal: 4 KiB + the blob).
import { SIPHASHER_SIZE } from "./siphash";
import { DeviceState } from "./device";
import { TokenResult } from "./token";
import { BN_SIZE } from "./bignum";
import { FLOATS_BUILT } from "./profile";

// ---- every build ----------------------------------------------------------------- token  device  full
// The key (key_buffer()).                                                               16      16     16
@lazy export const KEY: usize = memory.data(16, 8);
// Token text in, generated token text out (text_buffer()).                              64      64     64
export const TEXT_CAPACITY: i32 = 64;
@lazy export const TEXT: usize = memory.data(TEXT_CAPACITY, 1);
// device_save's blob out, device_load's blob in (state_buffer()).                       32      32     32
export const STATE_BLOB_SIZE: i32 = 32;
@lazy export const STATE_BLOB: usize = memory.data(STATE_BLOB_SIZE, 4);
// The device's configuration and credit state (device.ts).                              36      36     36
@lazy export const DEVICE_STATE: usize = memory.data(offsetof<DeviceState>(), 4);
// The results of the last token decode (token.ts).                                       17      17     17
@lazy export const TOKEN_RESULT: usize = memory.data(offsetof<TokenResult>(), 4);
// The last generated token's count (token_generated_count()).                              -       -      4
@lazy export const GENERATED_COUNT: usize = memory.data(4, 4);

// The byte layer's buffers (full build, below): also the full build's Metrics I/O buffers.
export const JSON_IO_CAPACITY: i32 = 16384;

// ---- Metrics, device side (request.ts, rows.ts, answer.ts) ------------------------------- device  full
// The Metrics state between calls (metrics/state.ts, which checks these sizes): the encoder,
// the name lists' and row's lengths, the ring's counts, the last answer.   64 + 8 + 12 + 20 = 104 (both)
// The rest of the Metrics code keeps only per-call scratch in globals (the writer's cursor in
// out.ts, the number or string being read or printed in json/value.ts, json/number.ts, decimal.ts): set by
// a call before it reads it, never read by a later call.
export const REQUEST_STATE_SIZE: i32 = 64;
export const ROWS_STATE_SIZE: i32 = 8;
export const RING_STATE_SIZE: i32 = 12;
export const ANSWER_STATE_SIZE: i32 = 20;
@lazy export const ROWS_STATE: usize = memory.data(ROWS_STATE_SIZE, 2);
@lazy export const RING_STATE: usize = memory.data(RING_STATE_SIZE, 4);
@lazy export const ANSWER_STATE: usize = memory.data(ANSWER_STATE_SIZE, 4); // (no padding before REQUEST)
@lazy export const REQUEST_STATE: usize = memory.data(REQUEST_STATE_SIZE, 8);
// Host I/O: names, string values, format text (metrics_io_buffer()); full: JSON_IN.             256     -
export const IO_CAPACITY: i32 = OPAYGO_FULL ? JSON_IO_CAPACITY : 256;
@lazy export const IO: usize = OPAYGO_FULL ? JSON_IN : memory.data(IO_CAPACITY, 8);
// Payloads, answers, accessory requests (metrics_out_buffer()); full: JSON_OUT.               1,024     -
export const OUT_CAPACITY: i32 = OPAYGO_FULL ? JSON_IO_CAPACITY : 1024;
@lazy export const OUT: usize = OPAYGO_FULL ? JSON_OUT : memory.data(OUT_CAPACITY, 8);
// The ring of historical rows and accessory requests.                                     1,024  6,144
export const RING_CAPACITY: i32 = OPAYGO_FULL ? 6144 : 1024;
@lazy export const RING: usize = memory.data(RING_CAPACITY, 8);
// The inline data format's text (device: the end of the output buffer).                       -  1,024
export const FORMAT_CAPACITY: i32 = OPAYGO_FULL ? 1024 : 256;
@lazy export const FORMAT: usize = OPAYGO_FULL ? memory.data(FORMAT_CAPACITY, 8) : 0;
// The current data row, and the row being built.                                        2 x 128 2 x 1,280
export const ROW_CAPACITY: i32 = OPAYGO_FULL ? 1280 : 128;
@lazy export const DATA_ROW: usize = memory.data(ROW_CAPACITY, 8);
@lazy export const STAGE_ROW: usize = memory.data(ROW_CAPACITY, 8);
// The serial number.                                                                         48    256
export const SERIAL_CAPACITY: i32 = OPAYGO_FULL ? 256 : 48;
@lazy export const SERIAL: usize = memory.data(SERIAL_CAPACITY, 8);
// The format's two name lists (data_order, historical_data_order).                      2 x 160 2 x 1,024
export const NAMES_CAPACITY: i32 = OPAYGO_FULL ? 1024 : 160;
@lazy export const NAMES0: usize = memory.data(NAMES_CAPACITY, 8);
@lazy export const NAMES1: usize = memory.data(NAMES_CAPACITY, 8);
// Per token of the last applied answer: (result type << 24) | value, u32.                     64     64
export const MAX_ANSWER_TOKENS: i32 = 16;
@lazy export const ANSWER_RESULTS: usize = memory.data(MAX_ANSWER_TOKENS * 4, 4);
// Two areas of metrics_encode and metrics_answer_apply only, which never read IO: in the device
// build they lie in IO (the host writes IO just before the call that reads it, and reads
// metrics_answer_string's text just after it; the full build's IO is the byte layer's input).
// The streaming SipHash of the request or answer being signed (out.ts).                    in IO     48
@lazy export const SIGN_HASH: usize = OPAYGO_FULL ? memory.data(SIPHASHER_SIZE, 8) : IO;
// The members of the answer being checked: an address per answer key (answer.ts).         in IO     28
export const ANSWER_MEMBER_SLOTS: i32 = 7;
@lazy export const ANSWER_MEMBERS: usize = OPAYGO_FULL ? memory.data(ANSWER_MEMBER_SLOTS * 4, 4) : IO + <usize>SIPHASHER_SIZE;
// The text of one value at a time (decimal.ts): a number, or for the byte layer's writer one
// character escaped for JSON (never while a number's text is in use). The longest is a double's
// repr with an exponent, "-1.2345678901234567e-308"; an integer takes at most 21.           24     24
export const NUM_TEXT_CAPACITY: i32 = 24;
@lazy export const NUM_TEXT: usize = memory.data(NUM_TEXT_CAPACITY, 8);
// Significant digits a parser hands to nearestDouble (decimal.ts; bignum.ts is sized for them):
// the metrics layer takes 40, the full build's byte layer 800 and a sticky one.   40    801
export const DIGITS_CAPACITY: i32 = OPAYGO_FULL ? 801 : 40;
@lazy export const DIGITS: usize = memory.data(DIGITS_CAPACITY, 8);
// The shortest-digit printer's and exact parser's big numbers r, s, m- (decimal.ts).    3 x 160 3 x 512
@lazy export const BN_R: usize = memory.data(BN_SIZE, 8);
@lazy export const BN_S: usize = memory.data(BN_SIZE, 8);
@lazy export const BN_M: usize = memory.data(BN_SIZE, 8);
// The character the metrics writer is writing, escaped or in UTF-8 (out.ts; a string being
// written may lie in NUM_TEXT): 12 bytes at the start of BN_M, which only the shortest-digit
// printer uses, and it writes no character; a profile without floats has no BN_M.  in BN_M  in BN_M
export const CHAR_BYTES_SIZE: i32 = 12;
@lazy export const CHAR_BYTES: usize = FLOATS_BUILT ? BN_M : memory.data(CHAR_BYTES_SIZE, 4);

// ---- full build only: the byte layer and the server (json/, cbor/, server/) --------------------- full
// Byte-layer input and output (json_in_buffer(), json_out_buffer()); the server's data format
// and answer object in.                                                                      2 x 16,384
@lazy export const JSON_IN: usize = OPAYGO_FULL ? memory.data(JSON_IO_CAPACITY, 8) : 0;
@lazy export const JSON_OUT: usize = OPAYGO_FULL ? memory.data(JSON_IO_CAPACITY, 8) : 0;
// The loaded request's lengths, members, auth method and rows (server/state.ts, which checks it). 56
export const SERVER_STATE_SIZE: i32 = 56;
@lazy export const SERVER_STATE: usize = OPAYGO_FULL ? memory.data(SERVER_STATE_SIZE, 4) : 0;
// The server's region: from the end of the static areas (__heap_base) to the end of linear memory,
// which the server grows by 64 KiB pages as a request needs, up to SERVER_MEMORY_PAGES (the
// module's declared maximum, asconfig.json; tests/wasm.test.ts checks they agree). It holds the
// canonical request, the host's data format, and after them the body being loaded or the
// expansion / answer being written (server/region.ts). The full build's memory_used() is the
// whole first page: static areas, then the region's first part.
export const SERVER_MEMORY_PAGES: i32 = 1024;

// ---- read-only tables (initialised data, kept next to the code that reads them) -------- device  full
// metrics/names.ts KEYS (170) and ANSWER_KEYS (115), generated from abi/abi.json;                298    309
// json/value.ts WORDS "truefalsenull" (13; full: and "NaNInfinity", 24).
// full only: cbor/decode.ts WORDS (13), cbor/decode.ts TWO_POW_64.

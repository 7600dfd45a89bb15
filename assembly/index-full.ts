// Exports of opaygo.wasm: everything in the device build, plus what a server needs.
export * from "./index-device";
import { TEXT, TEXT_CAPACITY } from "./memory";
import * as token from "./token";

// Writes the token's digits to text_buffer() and returns their number, or a negative error.
// value is the raw value (already multiplied by any divider); startingCode 0 derives it.
export function token_generate(startingCode: u32, count: u32, type: i32, value: u32, flags: i32): i32 {
  return token.generate(startingCode, count, type, value, flags, TEXT, TEXT_CAPACITY);
}
export function token_generated_count(): u32 { return token.generatedCount(); }

// ---- byte layer: JSON and CBOR over json_in_buffer() / json_out_buffer() ----------------
import { JSON_IN, JSON_OUT, JSON_IO_CAPACITY } from "./memory";
import { formatFloat, numberFloat, parseJsonNumber } from "./json/number";
import { formatString } from "./json/string";
import { canonicalize } from "./json/value";
import { cborToJson } from "./cbor/decode";
import { OUT_CBOR, outBegin, outLength, cborFloat, cborInt } from "./json/out";
import { ERR_JSON_NOT_FINITE, ERR_JSON_SPACE } from "./abi";

export function json_in_buffer(): usize { return JSON_IN; }
export function json_out_buffer(): usize { return JSON_OUT; }
export function json_buffer_capacity(): i32 { return JSON_IO_CAPACITY; }

@inline function inputOk(len: i32): bool { return len >= 0 && len <= JSON_IO_CAPACITY; }

// Each writes its result to json_out_buffer() and returns its length, or a negative error.
export function json_format_float(v: f64): i32 { return formatFloat(v, JSON_OUT, JSON_IO_CAPACITY); }
export function json_format_string(len: i32): i32 {
  return inputOk(len) ? formatString(JSON_IN, len, JSON_OUT, JSON_IO_CAPACITY) : ERR_JSON_SPACE;
}
export function json_canonicalize(len: i32): i32 {
  return inputOk(len) ? canonicalize(JSON_IN, len, JSON_OUT, JSON_IO_CAPACITY) : ERR_JSON_SPACE;
}
export function cbor_to_json(len: i32): i32 {
  return inputOk(len) ? cborToJson(JSON_IN, len, JSON_OUT, JSON_IO_CAPACITY) : ERR_JSON_SPACE;
}
// One CBOR item (the shortest exact float width; NaN and infinities refused) through the metrics
// writer, which never runs short here: an item takes at most 9 bytes.
export function cbor_encode_float(v: f64): i32 {
  if (v - v != 0) return ERR_JSON_NOT_FINITE;
  outBegin(JSON_OUT, JSON_IO_CAPACITY, OUT_CBOR);
  cborFloat(reinterpret<u64>(v));
  return outLength();
}
export function cbor_encode_int(v: i64): i32 {
  outBegin(JSON_OUT, JSON_IO_CAPACITY, OUT_CBOR);
  cborInt(v);
  return outLength();
}

// The number in json_in_buffer(): NUM_INT 1, NUM_FLOAT 2 (its value: json_number_float), NUM_BIG_INT 3
// (an integer outside i64), or an error.
export function json_parse_number(len: i32): i32 {
  return inputOk(len) ? parseJsonNumber(JSON_IN, len) : ERR_JSON_SPACE;
}
export function json_number_float(): f64 { return numberFloat(); }

// OpenPAYGO Metrics, device side: in the full build, names and strings go through
// json_in_buffer() and requests are written to json_out_buffer() (metrics_io_buffer() and
// metrics_out_buffer() return them; sizes in assembly/metrics/request.ts).

// ---- OpenPAYGO Metrics, server side: the body goes to json_in_buffer(), results come back
// in json_out_buffer(). See assembly/metrics/server.ts.
import * as mserver from "./metrics/server";
// Loads a request body (JSON, or CBOR when cbor); returns its canonical JSON length.
export function metrics_server_load(length: i32, cbor: bool): i32 { return mserver.serverLoad(length, cbor); }
export function metrics_server_request_buffer(): usize { return mserver.requestBuffer(); }
// The host's data format as JSON in json_in_buffer() (0: use the request's own).
export function metrics_server_format(length: i32): i32 { return mserver.serverFormat(length); }
// 1 valid, 0 bad signature, 2 unsigned, 3 replay, 4 neither ts nor rc; key in key_buffer().
export function metrics_server_verify(lastTimestamp: i64, lastRequestCount: i64): i32 { return mserver.serverVerify(lastTimestamp, lastRequestCount); }
// The request's ts (which 0) or rc (1) as an integer, 0 when absent.
export function metrics_server_request_number(which: i32): i64 { return mserver.serverRequestNumber(which); }
export function metrics_server_expand(receivedAt: i64): i32 { return mserver.serverExpand(receivedAt); }
export function metrics_server_answer(length: i32, sign: bool): i32 { return mserver.serverAnswer(length, sign); }

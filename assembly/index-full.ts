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

// ---- OpenPAYGO Metrics, server side (assembly/server/): one request loaded at a time; verify,
// expand and answer it. The body goes to metrics_server_body_buffer(length); data formats and
// answer objects to json_in_buffer(); expansions and answers come back at metrics_server_out_buffer(),
// an expansion's index at metrics_server_index_buffer().
import { answer } from "./server/answer";
import { expand } from "./server/expand";
import { authMethod, bodyBuffer, indexBuffer, loadFormat, loadRequest, memberInt, memberKind, memberLength, memberOffset, outBuffer,
  requestBuffer } from "./server/load";
import { verify } from "./server/verify";
// Room for a body of length bytes (the server's memory grows for it): its address, or an error
// (ERR_METRICS_TOO_LARGE past the server's memory limit).
export function metrics_server_body_buffer(length: i32): i32 { return bodyBuffer(length); }
// Loads the body (JSON, or CBOR when cbor); returns its canonical JSON's length (at
// metrics_server_request_buffer()).
export function metrics_server_load(length: i32, cbor: bool): i32 { return loadRequest(length, cbor); }
export function metrics_server_request_buffer(): usize { return requestBuffer(); }
// A member of the loaded request (REQUEST_MEMBER): its JSON type (VALUE_*), its value when an
// integer within i64, its text's offset in the request buffer (-1: absent) and length.
export function metrics_server_member_kind(member: i32): i32 { return memberKind(member); }
export function metrics_server_member_int(member: i32): i64 { return memberInt(member); }
export function metrics_server_member_offset(member: i32): i32 { return memberOffset(member); }
export function metrics_server_member_length(member: i32): i32 { return memberLength(member); }
// The auth method `a` names (METRICS_AUTH), 0 when unsigned or none of them.
export function metrics_server_auth_method(): i32 { return authMethod(); }
// The host's data format as JSON in json_in_buffer() (0, or a falsy format: the request's own).
export function metrics_server_format(length: i32): i32 { return loadFormat(length); }
// VERIFY_*; key in key_buffer().
export function metrics_server_verify(lastTimestamp: i64, lastRequestCount: i64): i32 { return verify(lastTimestamp, lastRequestCount); }
// receivedAt: seconds (a float: the reference rounds it to the microsecond).
export function metrics_server_expand(receivedAt: f64): i32 { return expand(receivedAt); }
export function metrics_server_answer(length: i32, sign: bool): i32 { return answer(length, sign); }
export function metrics_server_out_buffer(): usize { return outBuffer(); }
// The last expansion's index (u32 offsets in its text): `data`'s value start and end; the number
// of historical rows; per row its start, its "timestamp" member's start and end (0, 0: none), its
// end. So a host stores rows without reading the text.
export function metrics_server_index_buffer(): usize { return indexBuffer(); }

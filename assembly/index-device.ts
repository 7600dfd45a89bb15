// Exports of opaygo-device.wasm: what a device needs: everything in the token build, plus the
// OpenPAYGO Metrics device side.
export * from "./index-token";

// ---- OpenPAYGO Metrics, device side: request encoder and historical ring ----
// Names, string values and format text go through metrics_io_buffer(); payloads come out of
// metrics_out_buffer(). Errors are negative codes (abi/abi.json).
import * as mreq from "./metrics/request";
import * as mring from "./metrics/ring";
import { FEATURES } from "./profile";
// The build profile's Metrics features (FEATURE_* bits): a feature left out returns
// ERR_METRICS_NOT_BUILT (docs/profiles.md).
export function metrics_features(): i32 { return FEATURES; }
import { IO, IO_CAPACITY } from "./memory";
export function metrics_io_buffer(): usize { return IO; }
export function metrics_io_capacity(): i32 { return IO_CAPACITY; }
export function metrics_out_buffer(): usize { return mreq.outBuffer(); }
export function metrics_out_capacity(): i32 { return mreq.outCapacity(); }
// Serial number (serialLength bytes in the io buffer) and auth method 0 none, 1 sa, 2 ta, 3 ca,
// 4 da, 5 ra; the key must be in key_buffer(). Forgets the format, ts / rc / dtc and current data.
export function metrics_init(serialLength: i32, authMethod: i32): i32 { return mreq.requestInit(serialLength, authMethod); }
export function metrics_format_id(id: i64, hasInterval: bool): i32 { return mreq.requestFormatId(id, hasInterval); }
export function metrics_format_object(jsonLength: i32, hasInterval: bool): i32 { return mreq.requestFormatObject(jsonLength, hasInterval); }
// list 0: data_order, 1: historical_data_order; call once per name, in order.
export function metrics_format_name(list: i32, nameLength: i32): i32 { return mreq.requestFormatName(list, nameLength); }
export function metrics_timestamp(ts: i64): void { mreq.requestTimestamp(ts); }
export function metrics_request_count(rc: i64): void { mreq.requestCount(rc); }
// data_collection_timestamp (`dtc`): the time of the first historical row, when ts is not it.
export function metrics_collection_timestamp(ts: i64): void { mreq.requestCollectionTimestamp(ts); }
// which: 1 the current data (replaces it), 2 a historical row (appended to the ring at row_end),
// 0 none: abandons the row being built. A refused value leaves the row as it was before it.
export function metrics_row_begin(which: i32): i32 { return mreq.rowBegin(which); }
export function metrics_row_end(): i32 { return mreq.rowEnd(); }
export function metrics_put_int(nameLength: i32, v: i64): i32 { return mreq.putInt(nameLength, v); }
// A double as its IEEE 754 bit pattern (no float crosses the boundary: the module has no float
// instruction, so an interpreter needs no float support).
export function metrics_put_float(nameLength: i32, bits: i64): i32 { return mreq.putFloat(nameLength, <u64>bits); }
export function metrics_put_bool(nameLength: i32, v: bool): i32 { return mreq.putBool(nameLength, v); }
export function metrics_put_null(nameLength: i32): i32 { return mreq.putNull(nameLength); }
export function metrics_put_string(nameLength: i32, valueLength: i32): i32 { return mreq.putString(nameLength, valueLength); }
export function metrics_array_begin(nameLength: i32): i32 { return mreq.arrayBegin(nameLength); }
export function metrics_array_end(): i32 { return mreq.arrayEnd(); }
// form 0 condensed, 1 simple; cbor: CBOR instead of JSON. Returns the payload length.
export function metrics_encode(form: i32, cbor: bool): i32 { return mreq.encodeRequest(form, cbor); }
export function metrics_ring_rows(): i32 { return mring.ringRows(); }
// Entries (rows and accessory requests) the last request carried that are still in the ring.
export function metrics_ring_sent_rows(): i32 { return mring.ringSentEntries(); }
export function metrics_ring_dropped(): u32 { return mring.ringDropped(); }
export function metrics_ring_bytes(): i32 { return mring.ringBytes(); }
export function metrics_ring_capacity(): i32 { return mring.ringCapacity(); }
export function metrics_ring_clear(): void { mring.ringClear(); }
export function metrics_ring_accessories(): i32 { return mring.ringAccessories(); }
// An accessory's own request (JSON object, len bytes in metrics_out_buffer()), kept in the ring
// and sent in `acc` (before `d`) until an answer acknowledges it.
export function metrics_accessory_add(length: i32): i32 { return mreq.accessoryAdd(length); }

// ---- OpenPAYGO Metrics, device side: the server's answer ----
// The host writes the answer body (JSON) to metrics_out_buffer() and calls metrics_answer_apply
// (see assembly/metrics/answer.ts for the signature rule and the order of application). Returns a
// bitmask (1 tokens, 2 time, 4 settings, 8 extra data, 16 signed, 32 data format id) or an error;
// a refused answer changes nothing. The getters describe the last applied answer.
import * as mans from "./metrics/answer";
export function metrics_answer_apply(length: i32, now: u32): i32 { return mans.applyAnswer(length, now); }
export function metrics_answer_tokens(): i32 { return mans.answerTokenCount(); }
// Token i's result: its type (1 ADD_TIME, 2 SET_TIME, 3 DISABLE_PAYG, 4 COUNTER_SYNC), 10 INVALID or 11 ALREADY_USED.
export function metrics_answer_token_result(i: i32): i32 { return mans.answerTokenResult(i); }
export function metrics_answer_token_value(i: i32): u32 { return mans.answerTokenValue(i); }
// 0 none, 1 active_until_timestamp, 2 active_seconds_left; the value as received (u32, saturated).
export function metrics_answer_time_kind(): i32 { return mans.answerTimeKind(); }
export function metrics_answer_time(): u32 { return mans.answerTime(); }
// settings.data_format_id (now used by the encoder), -1 when the answer had none.
export function metrics_answer_format_id(): i64 { return mans.answerFormatId(); }
// which 0 settings, 1 extra data: the object's JSON text in metrics_out_buffer() (-1: none).
export function metrics_answer_object_offset(which: i32): i32 { return mans.answerObjectOffset(which); }
export function metrics_answer_object_length(which: i32): i32 { return mans.answerObjectLength(which); }
// A string member of it (name in metrics_io_buffer(), e.g. base_url), decoded into the io buffer.
export function metrics_answer_string(which: i32, nameLength: i32): i32 { return mans.answerString(which, nameLength); }

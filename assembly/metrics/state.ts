// The Metrics state that lasts between calls, one struct per module, each in an area of the
// memory map (memory.ts): the encoder's configuration and the row being built (request.ts), the
// name lists' and the row's lengths (rows.ts), the ring's counts (ring.ts), the last applied
// answer's details (answer.ts). Zeroed memory is each one's state before its first call.
// Addresses are kept as u16: the module has one 64 KiB page. The token build has none of them:
// memory.ts gives their sizes as numbers, checked here, and does not import this file.
import { REQUEST_STATE, REQUEST_STATE_SIZE, ROWS_STATE, ROWS_STATE_SIZE, RING_STATE, RING_STATE_SIZE, ANSWER_STATE,
  ANSWER_STATE_SIZE } from "../memory";

// The encoder's configuration and the row being built, in REQUEST_STATE.
@unmanaged
export class RequestState {
  // (the small fields first: they are the most used, and addresses below 64 are one byte shorter
  // in a wasm instruction)
  building: u8; // row being built: 0 none, 1 data, 2 historical
  formatKind: u8; // 0 none, 1 id, 2 inline object
  hasInterval: bool;
  authMethod: u8;
  // ts, rc and dtc go out in the order they were first set (the reference's request_dict keeps
  // insertion order): each one's place, 1..3, 0 while unset.
  tsPlace: u8;
  rcPlace: u8;
  dtcPlace: u8;
  placesTaken: u8;
  serialLen: u16;
  formatJsonLen: u16; // the inline format's text
  dataLen: u16; // the current data row
  arrayCountAt: u16; // inside an array of the row being built: its count's address, else 0
  ts: i64;
  rc: i64;
  formatId: i64;
  dtc: i64;
  // ts / rc of the last encoded request, 0 when absent or 0: what the answer's signature covers.
  sentTs: i64;
  sentRc: i64;
}

// The name lists' and the row being built's lengths, in ROWS_STATE.
@unmanaged
export class RowsState {
  namesUsed0: u16; // bytes
  namesUsed1: u16;
  // The row being built (STAGE_ROW): past ROW_CAPACITY when a write did not fit (rowOverflowed).
  // (tests/refusal-state.test.ts reads it at offset 4.)
  rowLen: u16;
  nameCount0: u8;
  nameCount1: u8;
}

// The ring's counts, in RING_STATE.
@unmanaged
export class RingState {
  dropped: u32;
  used: u16; // bytes
  rows: u16; // historical rows
  accessories: u16; // accessory requests
  sentEntries: u16;
}

// The details of the last applied answer, in ANSWER_STATE; stAt, edAt (0 when absent) and end
// are addresses in the output buffer.
@unmanaged
export class AnswerState {
  formatId: i64; // st.data_format_id + 1, 0 when absent (zeroed memory: none before any answer)
  time: u32;
  stAt: u16;
  edAt: u16;
  end: u16;
  tokenCount: u8;
  timeKind: u8;
}

// Each read through one of these constant pointers is a load at a fixed address. Declared at the
// top level, they place the four areas first in a device build's memory (low addresses are
// shorter code in wasm and in Thumb).
// (the most used first: addresses below 64 are one byte shorter in a wasm instruction)
export const ROWS = changetype<RowsState>(ROWS_STATE);
export const RING_COUNTS = changetype<RingState>(RING_STATE);
export const ANSWER = changetype<AnswerState>(ANSWER_STATE);
export const REQUEST = changetype<RequestState>(REQUEST_STATE);
if (offsetof<RequestState>() != <usize>REQUEST_STATE_SIZE || offsetof<RowsState>() != <usize>ROWS_STATE_SIZE ||
  offsetof<RingState>() != <usize>RING_STATE_SIZE || offsetof<AnswerState>() != <usize>ANSWER_STATE_SIZE) ERROR("memory.ts: the Metrics state sizes");

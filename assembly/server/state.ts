// The loaded request: one struct in SERVER_STATE (memory.ts), all the server keeps between calls.
// The request itself, its canonical JSON, lies at the start of the server's region; the host's
// data format right after it; the rest of the region is free: for the next body, or for an
// expansion's index (its size is the request's: 12 + 16 bytes a historical row) and text, or an
// answer's text. Member positions are offsets from the region's start (0: absent; the request opens
// with '{', so no value lies at 0). Zeroed memory is the state before the first load: nothing loaded.
import { SERVER_STATE, SERVER_STATE_SIZE } from "../memory";
import { REQUEST_MEMBER_ACC, REQUEST_MEMBER_SN } from "../abi";
import { regionStart } from "./region";

@unmanaged
export class ServerState {
  requestLen: u32; // 0: no request loaded
  formatLen: u32; // 0: none (expansion reads the request's own dfo)
  authMethod: u32; // METRICS_AUTH value named by `a`'s first two characters; 0 when none of them
  rows: u32; // historical rows (elements of a list hd)
  // each request member's value, in REQUEST_MEMBER order
  sn: u32;
  ts: u32;
  a: u32;
  rc: u32;
  dtc: u32; // dtc, dct or data_collection_timestamp
  df: u32;
  dfo: u32;
  d: u32;
  hd: u32;
  acc: u32;
}

export const SERVER = changetype<ServerState>(SERVER_STATE);
export const MEMBERS_AT = offsetof<ServerState>("sn");
const MEMBERS = SERVER_STATE + MEMBERS_AT;
if (offsetof<ServerState>() != <usize>SERVER_STATE_SIZE || offsetof<ServerState>("acc") - offsetof<ServerState>("sn") != <usize>(REQUEST_MEMBER_ACC - REQUEST_MEMBER_SN) * 4) {
  ERROR("server/state.ts: ServerState's size or member order");
}

// The value of request member m (REQUEST_MEMBER), or 0 when the request has none.
export function member(m: i32): usize {
  let o = load<u32>(MEMBERS + (<usize>m << 2));
  return o == 0 ? 0 : regionStart() + <usize>o;
}

@inline export function requestStart(): usize { return regionStart(); }
@inline export function requestEnd(): usize { return regionStart() + <usize>SERVER.requestLen; }
@inline export function formatEnd(): usize { return requestEnd() + <usize>SERVER.formatLen; }
// The free part: where a body is loaded, or an expansion's index lies, then its text or an
// answer's (4-aligned, for the index).
@inline export function freeStart(): usize { return (formatEnd() + 3) & ~3; }
@inline export function indexStart(): usize { return freeStart(); }
@inline export function textStart(): usize { return freeStart() + 12 + (<usize>SERVER.rows << 4); }

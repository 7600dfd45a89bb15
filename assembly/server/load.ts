// Loading: the request body (JSON or CBOR) becomes its canonical JSON (Python's
// json.dumps(json.loads(body)), so that every signed part is an exact span of it), kept at the
// start of the server's region with the position of each of its members; then the host's data
// format, after it. What the host reads of the loaded request (its members' kinds, integers and
// spans) comes from here.
import { JSON_IN, JSON_IO_CAPACITY, SERVER_MEMORY_PAGES, SERVER_STATE } from "../memory";
import { cborToJson } from "../cbor/decode";
import { canonicalize, useKeyTable } from "../json/value";
import { OUT_GROWS } from "../json/out";
import { NUM_FLOAT, parseNumber, parsedInt, parsedIntFits } from "../json/number";
import { ERR_JSON_SPACE, ERR_METRICS_ARGUMENT, ERR_METRICS_DUPLICATE, ERR_METRICS_SHAPE, ERR_METRICS_TOO_LARGE,
  REQUEST_MEMBER_ACC, REQUEST_MEMBER_HD, REQUEST_MEMBER_SN, VALUE_ABSENT, VALUE_ARRAY, VALUE_BOOL, VALUE_INT, VALUE_NULL,
  VALUE_NUMBER, VALUE_OBJECT, VALUE_STRING } from "../abi";
import { reach, regionStart, roomFrom } from "./region";
import { MEMBERS_AT, SERVER, ServerState, freeStart, indexStart, member, requestEnd, requestStart, textStart } from "./state";
import { closes, next, skip, truthy } from "./canonical";
import { keyMember } from "./members";
import { AUTH_PREFIXES } from "./names";

const REGION_LIMIT: usize = <usize>SERVER_MEMORY_PAGES << 16;

// Room for a body of len bytes where load reads it: its address, or an error (TOO_LARGE past the
// server's memory limit).
export function bodyBuffer(len: i32): i32 {
  if (len < 0) return ERR_METRICS_ARGUMENT;
  let at = freeStart();
  if (<usize>len > REGION_LIMIT - at || !reach(at + <usize>len)) return ERR_METRICS_TOO_LARGE;
  return <i32>at;
}

// Loads the body of len bytes at bodyBuffer(len), JSON or CBOR. Returns the canonical length.
// The canonical JSON is made after the body, checked, and only then moved over the request loaded
// before, so a refused body leaves that request loaded (a host that goes on after the error
// still sees it, not a mix). The host's data format is forgotten.
export function loadRequest(len: i32, cbor: bool): i32 {
  let body = freeStart();
  if (len < 0 || len > roomFrom(body)) return ERR_METRICS_ARGUMENT;
  let canon = body + <usize>len;
  // a JSON body is read (its objects' keys checked) before its canonical form is written where
  // the table is; the CBOR decoder places its own, past what it wrote
  useKeyTable(cbor ? 0 : (canon + 3) & ~3);
  let n = cbor ? cborToJson(body, len, canon, OUT_GROWS) : canonicalize(body, len, canon, OUT_GROWS);
  useKeyTable(0);
  if (n == ERR_JSON_SPACE) return ERR_METRICS_TOO_LARGE;
  if (n < 0) return n;
  if (load<u8>(canon) != 0x7b) return ERR_METRICS_SHAPE;
  // what the request holds is read into a struct past its canonical form, kept once it is accepted
  let read = (canon + <usize>n + 7) & ~7;
  if (!reach(read + offsetof<ServerState>())) return ERR_METRICS_TOO_LARGE;
  if (!readMembers(canon, canon + <usize>n, changetype<ServerState>(read))) return ERR_METRICS_DUPLICATE;
  memory.copy(requestStart(), canon, <usize>n);
  memory.copy(SERVER_STATE, read, offsetof<ServerState>());
  SERVER.requestLen = <u32>n;
  SERVER.formatLen = 0;
  return n;
}

// Reads the top-level members of the request at obj into s: where each request member's value
// is (offsets from obj), the auth method, the historical rows. False when one member is there
// under two of its names (d and data, a and auth; dtc, dct and data_collection_timestamp...): the
// reference keeps the last one it reads, every reader of ours the first, so the signature could
// cover one value and the expansion carry the other.
function readMembers(obj: usize, end: usize, s: ServerState): bool {
  memory.fill(changetype<usize>(s), 0, offsetof<ServerState>());
  let seen: u32 = 0;
  let q = obj + 1;
  while (!closes(q, end)) {
    let m = keyMember(q, end);
    let v = skip(q, end) + 1;
    let ve: usize;
    if (m == REQUEST_MEMBER_HD && load<u8>(v) == 0x5b) {
      ve = v + 1;
      while (!closes(ve, end)) { s.rows++; ve = next(skip(ve, end)); }
      ve++;
    } else ve = skip(v, end);
    if (m >= 0) {
      if ((seen & (1 << m)) != 0) return false;
      seen |= 1 << m;
      if (m <= REQUEST_MEMBER_ACC) store<u32>(changetype<usize>(s) + MEMBERS_AT + (<usize>m << 2), <u32>(v - obj));
    }
    q = next(ve);
  }
  let a = s.a;
  s.authMethod = a != 0 ? authMethodOf(obj + <usize>a) : 0;
  return true;
}

// The method named by the first two characters of the auth string at a (the reference's
// auth_string[:2]); 0 when none of them.
function authMethodOf(a: usize): u32 {
  if (load<u8>(a) != 0x22) return 0;
  let c0 = load<u8>(a + 1), c1 = load<u8>(a + 2);
  for (let i: u32 = 0; i < 5; i++) {
    if (c0 == load<u8>(AUTH_PREFIXES + 2 * i) && c1 == load<u8>(AUTH_PREFIXES + 2 * i + 1)) return i + 1;
  }
  return 0;
}

// The host's data format (len bytes of JSON in json_in_buffer()), canonical, after the request;
// len 0 forgets it. A falsy format (null, {}) is none: the reference then expands with the
// request's own dfo. Made in the free space like a request: a refused format leaves the one
// before it. Returns the canonical length (0: none).
export function loadFormat(len: i32): i32 {
  if (len == 0) { SERVER.formatLen = 0; return 0; }
  if (len < 0 || len > JSON_IO_CAPACITY) return ERR_METRICS_ARGUMENT;
  let at = freeStart();
  let n = canonicalize(JSON_IN, len, at, OUT_GROWS);
  if (n == ERR_JSON_SPACE) return ERR_METRICS_TOO_LARGE;
  if (n < 0) return n;
  if (!truthy(at, at + <usize>n)) n = 0;
  memory.copy(requestEnd(), at, <usize>n);
  SERVER.formatLen = <u32>n;
  return n;
}

// ---- what the host reads: member m (REQUEST_MEMBER) of the loaded request ----------------------

function memberValue(m: i32): usize {
  return m >= REQUEST_MEMBER_SN && m <= REQUEST_MEMBER_ACC ? member(m) : 0;
}

// Its JSON type (VALUE_*).
export function memberKind(m: i32): i32 {
  let p = memberValue(m);
  if (p == 0) return VALUE_ABSENT;
  let c = load<u8>(p);
  if (c == 0x6e) return VALUE_NULL;
  if (c == 0x74 || c == 0x66) return VALUE_BOOL;
  if (c == 0x22) return VALUE_STRING;
  if (c == 0x5b) return VALUE_ARRAY;
  if (c == 0x7b) return VALUE_OBJECT;
  return parseNumber(p, <i32>(skip(p, requestEnd()) - p)) != NUM_FLOAT && parsedIntFits ? VALUE_INT : VALUE_NUMBER;
}

// Its value when an integer within i64, else 0.
export function memberInt(m: i32): i64 {
  return memberKind(m) == VALUE_INT ? parsedInt : 0;
}

// Its canonical JSON text: offset in the request buffer (-1: absent) and length.
export function memberOffset(m: i32): i32 {
  let p = memberValue(m);
  return p == 0 ? -1 : <i32>(p - requestStart());
}
export function memberLength(m: i32): i32 {
  let p = memberValue(m);
  return p == 0 ? 0 : <i32>(skip(p, requestEnd()) - p);
}

export function authMethod(): i32 { return <i32>SERVER.authMethod; }
export function requestBuffer(): usize { return regionStart(); }
// Where expansions and answers are written, and an expansion's index (state.ts).
export function outBuffer(): usize { return textStart(); }
export function indexBuffer(): usize { return indexStart(); }

// Historical rows kept until a server answer acknowledges them (the asynchronous flow of
// OpenPAYGO Metrics). Rows are stored oldest first, contiguous, each as [len u16][row bytes].
// The first `sentRows` rows went out in the last request; rows after them were recorded
// since (the secondary store). A new request sends them all; an acknowledged answer releases
// exactly the rows that were sent. When a new row does not fit, the oldest rows are dropped
// and counted.
let ringPtr: usize = 0;
let ringCap: i32 = 0;
let ringUsed: i32 = 0;
let rows: i32 = 0;
let sentRows: i32 = 0;
let dropped: u32 = 0;

export function ringUse(ptr: usize, cap: i32): void {
  ringPtr = ptr;
  ringCap = cap;
  ringClear();
}

export function ringClear(): void { ringUsed = 0; rows = 0; sentRows = 0; dropped = 0; }
export function ringRows(): i32 { return rows; }
export function ringSentRows(): i32 { return sentRows; }
export function ringDropped(): u32 { return dropped; }
export function ringBytes(): i32 { return ringUsed; }
export function ringCapacity(): i32 { return ringCap; }
export function ringFirst(): usize { return ringPtr; }
export function ringEnd(): usize { return ringPtr + <usize>ringUsed; }
// Row at p: its bytes start at p + 2; the next row is at ringNext(p).
export function ringRowLength(p: usize): i32 { return <i32>load<u16>(p); }
export function ringNext(p: usize): usize { return p + 2 + <usize>load<u16>(p); }

// Removes the n oldest rows.
function dropFront(n: i32): void {
  let p = ringPtr;
  for (let i = 0; i < n; i++) p = ringNext(p);
  let cut = <i32>(p - ringPtr);
  for (let i = cut; i < ringUsed; i++) store<u8>(ringPtr + <usize>(i - cut), load<u8>(ringPtr + <usize>i));
  ringUsed -= cut;
  rows -= n;
}

// Appends len bytes at src. false when a single row is larger than the whole ring.
export function ringAppend(src: usize, len: i32): bool {
  if (len + 2 > ringCap || len > 0xffff) return false;
  while (ringUsed + 2 + len > ringCap) {
    dropFront(1);
    dropped++;
    if (sentRows > 0) sentRows--;
  }
  let p = ringPtr + <usize>ringUsed;
  store<u16>(p, <u16>len);
  for (let i = 0; i < len; i++) store<u8>(p + 2 + <usize>i, load<u8>(src + <usize>i));
  ringUsed += 2 + len;
  rows++;
  return true;
}

export function ringMarkSent(): void { sentRows = rows; }

// An answer arrived for the last request: release what it carried.
export function ringAcknowledge(): void {
  dropFront(sentRows);
  sentRows = 0;
}

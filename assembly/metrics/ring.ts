// Historical rows kept until a server answer acknowledges them (the asynchronous flow of
// OpenPAYGO Metrics). Entries are stored oldest first, contiguous, each as [len u16][bytes]; bit
// 15 of len marks an accessory's request (its JSON text) instead of a historical row, so that
// accessory data follows the same keep-until-answered rule. The first `sentEntries` entries went
// out in the last request; entries after them were recorded since (the secondary store). A new
// request sends them all; an acknowledged answer releases exactly the entries that were sent.
// When a new entry does not fit, the oldest entries are dropped and counted.
import { RING, RING_CAPACITY } from "../memory";

const ACCESSORY_BIT: u32 = 0x8000;
export const MAX_ENTRY: i32 = 0x7fff;

let ringUsed: i32 = 0;
let entries: i32 = 0;
let accessories: i32 = 0;
let sentEntries: i32 = 0;
let dropped: u32 = 0;

export function ringClear(): void { ringUsed = 0; entries = 0; accessories = 0; sentEntries = 0; dropped = 0; }
// Historical rows in the ring.
export function ringRows(): i32 { return entries - accessories; }
export function ringAccessories(): i32 { return accessories; }
// Entries of the last request still in the ring, historical rows and accessory requests alike
// (metrics_ring_sent_rows keeps its name): what an answer will release; 0 once one has.
export function ringSentEntries(): i32 { return sentEntries; }
export function ringDropped(): u32 { return dropped; }
export function ringBytes(): i32 { return ringUsed; }
export function ringCapacity(): i32 { return RING_CAPACITY; }
export function ringFirst(): usize { return RING; }
export function ringEnd(): usize { return RING + <usize>ringUsed; }
// Entry at p: its bytes start at p + 2; the next entry is at ringNext(p).
export function ringRowLength(p: usize): i32 { return <i32>(load<u16>(p) & ~ACCESSORY_BIT); }
export function ringIsAccessory(p: usize): bool { return (load<u16>(p) & ACCESSORY_BIT) != 0; }
export function ringNext(p: usize): usize { return p + 2 + <usize>ringRowLength(p); }

// Removes the n oldest entries.
function dropFront(n: i32): void {
  let p = RING;
  for (let i = 0; i < n; i++) {
    if (ringIsAccessory(p)) accessories--;
    p = ringNext(p);
  }
  let cut = <i32>(p - RING);
  for (let i = cut; i < ringUsed; i++) store<u8>(RING + <usize>(i - cut), load<u8>(RING + <usize>i));
  ringUsed -= cut;
  entries -= n;
}

// Appends len bytes at src (an accessory's request when accessory is set). false when the
// entry is larger than the whole ring.
export function ringAppend(src: usize, len: i32, accessory: bool = false): bool {
  if (len < 0 || len + 2 > RING_CAPACITY || len > MAX_ENTRY) return false;
  while (ringUsed + 2 + len > RING_CAPACITY) {
    dropFront(1);
    dropped++;
    if (sentEntries > 0) sentEntries--;
  }
  let p = RING + <usize>ringUsed;
  store<u16>(p, <u32>len | (accessory ? ACCESSORY_BIT : 0));
  for (let i = 0; i < len; i++) store<u8>(p + 2 + <usize>i, load<u8>(src + <usize>i));
  ringUsed += 2 + len;
  entries++;
  if (accessory) accessories++;
  return true;
}

export function ringMarkSent(): void { sentEntries = entries; }

// An answer arrived for the last request: release what it carried.
export function ringAcknowledge(): void {
  dropFront(sentEntries);
  sentEntries = 0;
}

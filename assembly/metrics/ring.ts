// Historical rows kept until a server answer acknowledges them (the asynchronous flow of
// OpenPAYGO Metrics). Entries are stored oldest first, contiguous, each as [len u16][bytes]; bit
// 15 of len marks an accessory's request (its JSON text) instead of a historical row, so that
// accessory data follows the same keep-until-answered rule. The first `sentEntries` entries went
// out in the last request; entries after them were recorded since (the secondary store). A new
// request sends them all; an acknowledged answer releases exactly the entries that were sent.
// When a new entry does not fit, the oldest entries are dropped and counted.
import { RING, RING_CAPACITY, RING_STATE } from "../memory";
import { RING_COUNTS } from "./state";
import { ACCESSORIES_BUILT } from "../profile";

const ACCESSORY_BIT: u32 = 0x8000;
export const MAX_ENTRY: i32 = 0x7fff;


export function ringClear(): void {
  // the whole RingState, 12 bytes
  store<u64>(RING_STATE, 0);
  store<u32>(RING_STATE, 0, 8);
}
// Historical rows in the ring.
export function ringRows(): i32 { return RING_COUNTS.rows; }
export function ringAccessories(): i32 { return RING_COUNTS.accessories; }
// Entries of the last request still in the ring, historical rows and accessory requests alike
// (metrics_ring_sent_rows keeps its name): what an answer will release; 0 once one has.
export function ringSentEntries(): i32 { return RING_COUNTS.sentEntries; }
export function ringDropped(): u32 { return RING_COUNTS.dropped; }
export function ringBytes(): i32 { return RING_COUNTS.used; }
export function ringCapacity(): i32 { return RING_CAPACITY; }
export function ringFirst(): usize { return RING; }
export function ringEnd(): usize { return RING + <usize>RING_COUNTS.used; }
// Entry at p: its bytes start at p + 2; the next entry is at ringNext(p).
export function ringRowLength(p: usize): i32 { return <i32>(load<u16>(p) & ~ACCESSORY_BIT); }
// (a profile without accessories never stores one)
export function ringIsAccessory(p: usize): bool { return ACCESSORIES_BUILT && (load<u16>(p) & ACCESSORY_BIT) != 0; }
export function ringNext(p: usize): usize { return p + 2 + <usize>ringRowLength(p); }

// Removes the n oldest entries.
function dropFront(n: i32): void {
  let s = RING_COUNTS;
  let p = RING;
  let accessories = 0;
  for (let i = 0; i < n; i++) {
    if (ringIsAccessory(p)) accessories++;
    p = ringNext(p);
  }
  let cut = <i32>(p - RING);
  let used = <i32>s.used;
  for (let i = cut; i < used; i++) store<u8>(RING + <usize>(i - cut), load<u8>(RING + <usize>i));
  s.used = <u16>(used - cut);
  s.rows -= <u16>(n - accessories);
  s.accessories -= <u16>accessories;
}

// Appends len bytes at src (an accessory's request when accessory is set). false when the
// entry is larger than the whole ring.
export function ringAppend(src: usize, len: i32, accessory: bool = false): bool {
  if (len < 0 || len + 2 > RING_CAPACITY || len > MAX_ENTRY) return false;
  let s = RING_COUNTS;
  while (<i32>s.used + 2 + len > RING_CAPACITY) {
    dropFront(1);
    s.dropped++;
    if (s.sentEntries > 0) s.sentEntries--;
  }
  let p = RING + <usize>s.used;
  store<u16>(p, <u32>len | (accessory ? ACCESSORY_BIT : 0));
  for (let i = 0; i < len; i++) store<u8>(p + 2 + <usize>i, load<u8>(src + <usize>i));
  s.used += <u16>(2 + len);
  if (accessory) s.accessories++;
  else s.rows++;
  return true;
}

export function ringMarkSent(): void { RING_COUNTS.sentEntries = RING_COUNTS.rows + RING_COUNTS.accessories; }

// An answer arrived for the last request: release what it carried.
export function ringAcknowledge(): void {
  dropFront(RING_COUNTS.sentEntries);
  RING_COUNTS.sentEntries = 0;
}

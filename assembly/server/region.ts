// The server's region (full build; memory.ts): from the end of the static areas to the end of
// linear memory, which grows as a request needs, up to SERVER_MEMORY_PAGES. The module's only
// memory.grow is here. Growth doubles the memory (at least to what is needed), so that a request
// written byte by byte grows it a few times, not once a page; where doubling is refused (the C
// runtime grows only within the block the host gave), it grows exactly to what is needed.
import { SERVER_MEMORY_PAGES } from "../memory";

// Where the region starts: the end of the static areas (AssemblyScript aligns it to 16).
@inline export function regionStart(): usize { return __heap_base; }

// The end of linear memory now.
@inline function memoryEnd(): usize { return <usize>memory.size() << 16; }

// Whether memory reaches `end` (exclusive), growing it when needed; false past the limit or when
// the engine refuses.
export function reach(end: usize): bool {
  let have = memory.size();
  if (end <= <usize>have << 16) return true;
  let need = <i32>((end + 0xffff) >> 16);
  if (end > <usize>SERVER_MEMORY_PAGES << 16) return false;
  let want = max(need, min(have * 2, SERVER_MEMORY_PAGES));
  while (memory.grow(want - have) < 0) {
    if (want == need) return false;
    want = need;
  }
  return true;
}

// The bytes from p to the end of memory now (p within it).
export function roomFrom(p: usize): i32 { return <i32>(memoryEnd() - p); }

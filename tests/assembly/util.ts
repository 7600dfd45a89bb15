// Test helpers: managed strings in, bytes in static buffers for the code under test, strings out.
export const IN: usize = memory.data(8192, 8);
export const OUT: usize = memory.data(8192, 8);
export const OUT_CAP: i32 = 8192;

export function put(s: string): i32 {
  const b = String.UTF8.encode(s);
  const n = b.byteLength;
  memory.copy(IN, changetype<usize>(b), <usize>n);
  return n;
}

export function putBytes(hex: string): i32 {
  const n = hex.length >> 1;
  for (let i = 0; i < n; i++) store<u8>(IN + <usize>i, <u8>I32.parseInt(hex.substr(i * 2, 2), 16));
  return n;
}

export function text(n: i32): string {
  return n < 0 ? "error " + n.toString() : String.UTF8.decodeUnsafe(OUT, <usize>n);
}

export function textAt(ptr: usize, n: i32): string {
  return String.UTF8.decodeUnsafe(ptr, <usize>n);
}

export function hex(n: i32): string {
  if (n < 0) return "error " + n.toString();
  let s = "";
  for (let i = 0; i < n; i++) {
    const b = load<u8>(OUT + <usize>i);
    s += (b < 16 ? "0" : "") + b.toString(16);
  }
  return s;
}

// Static I/O buffers of opaygo.wasm (the full build) for the byte layer and the metrics layer on
// top of it: the host writes input to JSON_IN, results come back in JSON_OUT. Both fit in the one
// 64 KiB page with everything else. Only the full build has them (OPAYGO_FULL): the device build
// defines its own, smaller buffers (assembly/metrics/request.ts).
export const JSON_IO_CAPACITY: i32 = 16384;
export const JSON_IN: usize = OPAYGO_FULL ? memory.data(JSON_IO_CAPACITY, 8) : 0;
export const JSON_OUT: usize = OPAYGO_FULL ? memory.data(JSON_IO_CAPACITY, 8) : 0;

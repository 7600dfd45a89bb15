// The small text buffer that token entry and generation share with the host.
export const TEXT_CAPACITY: i32 = 64;
export const TEXT: usize = memory.data(TEXT_CAPACITY, 8);

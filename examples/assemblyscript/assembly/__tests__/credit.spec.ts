import { provision, enterKeypad, creditSeconds } from "../credit";

// The key and starting code of the official test procedure; 588224011 is its ADD_TIME 1 day at count 2.
const KEY: StaticArray<u8> = [0xbc, 0x41, 0xec, 0x95, 0x30, 0xf6, 0xda, 0xc8, 0x6b, 0x1a, 0x29, 0xab, 0x82, 0xed, 0xc5, 0xfb];

describe("a keypad device built on opaygo-wasm", () => {
  it("takes a valid token once and refuses a made-up one", () => {
    expect(provision(KEY, 516959010)).toBe(0);
    expect(creditSeconds(1000)).toBe(0);
    expect(enterKeypad(1000, "588224011")).toBe(1); // ADD_TIME
    expect(creditSeconds(1000)).toBe(86400);
    expect(enterKeypad(2000, "588224011")).toBe(11); // already used
    expect(enterKeypad(2000, "123456789")).toBe(10); // invalid
    expect(creditSeconds(1000)).toBe(86400);
  });
});

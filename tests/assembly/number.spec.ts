import { formatInteger } from "../../assembly/decimal";
import { NUM_TEXT } from "../../assembly/memory";
import { formatFloat, parseNumber, numberEnd, numberFloat, NUM_INT, NUM_FLOAT, NUM_BIG_INT } from "../../assembly/json/number";
import { ERR_JSON_NOT_FINITE, ERR_JSON_SPACE, ERR_JSON_SYNTAX, ERR_JSON_NUMBER_LIMIT } from "../../assembly/abi";
import { IN, OUT, OUT_CAP, put, text, textAt } from "./util";

function ff(v: f64): string { return text(formatFloat(v, OUT, OUT_CAP)); }

describe("formatFloat", () => {
  it("writes Python repr", () => {
    expect(ff(0.0)).toBe("0.0");
    expect(ff(-0.0)).toBe("-0.0");
    expect(ff(100.0)).toBe("100.0");
    expect(ff(0.1)).toBe("0.1");
    expect(ff(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(ff(1e-5)).toBe("1e-05");
    expect(ff(0.0001)).toBe("0.0001");
    expect(ff(2.5e-7)).toBe("2.5e-07");
    expect(ff(1e16)).toBe("1e+16");
    expect(ff(1.5e16)).toBe("1.5e+16");
    expect(ff(1234500000000000.0)).toBe("1234500000000000.0");
    expect(ff(5e-324)).toBe("5e-324");
    expect(ff(1.7976931348623157e308)).toBe("1.7976931348623157e+308");
    expect(ff(-123.456)).toBe("-123.456");
    expect(ff(1e100)).toBe("1e+100");
  });
  it("refuses NaN and infinities", () => {
    expect(formatFloat(NaN, OUT, OUT_CAP)).toBe(ERR_JSON_NOT_FINITE);
    expect(formatFloat(Infinity, OUT, OUT_CAP)).toBe(ERR_JSON_NOT_FINITE);
    expect(formatFloat(-Infinity, OUT, OUT_CAP)).toBe(ERR_JSON_NOT_FINITE);
  });
  it("writes nothing past cap", () => {
    store<u8>(OUT + 4, 0x7a);
    expect(formatFloat(0.125, OUT, 4)).toBe(ERR_JSON_SPACE);
    expect(load<u8>(OUT + 4)).toBe(0x7a);
    expect(formatFloat(0.125, OUT, 5)).toBe(5);
  });
});

function int(u: u64, neg: bool): string { return textAt(NUM_TEXT, formatInteger(u, neg)); }

describe("formatInteger (assembly/decimal.ts)", () => {
  it("writes decimal over the whole range of both signs", () => {
    expect(int(0, false)).toBe("0");
    expect(int(42, true)).toBe("-42");
    expect(int(u64.MAX_VALUE, false)).toBe("18446744073709551615");
    expect(int(u64.MAX_VALUE, true)).toBe("-18446744073709551615");
    expect(int(<u64>1 << 63, true)).toBe("-9223372036854775808");
  });
});

describe("parseNumber", () => {
  it("tells ints from floats like Python", () => {
    expect(parseNumber(IN, put("12"))).toBe(NUM_INT);
    expect(parseNumber(IN, put("-9223372036854775808"))).toBe(NUM_INT);
    expect(parseNumber(IN, put("9223372036854775808"))).toBe(NUM_BIG_INT);
    expect(parseNumber(IN, put("9223372036854775807"))).toBe(NUM_INT);
    expect(parseNumber(IN, put("-9223372036854775809"))).toBe(NUM_BIG_INT);
    expect(parseNumber(IN, put("99999999999999999999"))).toBe(NUM_BIG_INT);
    expect(parseNumber(IN, put("-0"))).toBe(NUM_INT);
    expect(parseNumber(IN, put("1E2"))).toBe(NUM_FLOAT);
    expect(numberFloat()).toBe(100.0);
    expect(parseNumber(IN, put("-0.0"))).toBe(NUM_FLOAT);
    expect(1.0 / numberFloat()).toBe(-Infinity);
  });
  it("rounds correctly at the edges", () => {
    expect(parseNumber(IN, put("2.4703282292062328e-324"))).toBe(NUM_FLOAT);
    expect(numberFloat()).toBe(5e-324);
    expect(parseNumber(IN, put("2.4703282292062327e-324"))).toBe(NUM_FLOAT);
    expect(numberFloat()).toBe(0.0);
    expect(parseNumber(IN, put("9007199254740993.0"))).toBe(NUM_FLOAT);
    expect(numberFloat()).toBe(9007199254740992.0);
    expect(parseNumber(IN, put("1.7976931348623158e308"))).toBe(NUM_FLOAT);
    expect(numberFloat()).toBe(1.7976931348623157e308);
    expect(parseNumber(IN, put("1.7976931348623159e308"))).toBe(ERR_JSON_NOT_FINITE);
  });
  it("refuses what is not one JSON number", () => {
    expect(parseNumber(IN, put(""))).toBe(ERR_JSON_SYNTAX);
    expect(parseNumber(IN, put("01"))).toBe(ERR_JSON_SYNTAX);
    expect(parseNumber(IN, put("1."))).toBe(ERR_JSON_SYNTAX);
    expect(parseNumber(IN, put("+1"))).toBe(ERR_JSON_SYNTAX);
    expect(parseNumber(IN, put("1e"))).toBe(ERR_JSON_SYNTAX);
    expect(parseNumber(IN, put("1 "))).toBe(ERR_JSON_SYNTAX);
    expect(parseNumber(IN, put("1".repeat(4301)))).toBe(ERR_JSON_NUMBER_LIMIT);
    expect(parseNumber(IN, put("1".repeat(4300)))).toBe(NUM_BIG_INT);
  });
  it("numberEnd stops where Python's scanner does", () => {
    expect(numberEnd(IN, 0, put("1.e5"))).toBe(1);
    expect(numberEnd(IN, 0, put("-12.5e+3,"))).toBe(8);
    expect(numberEnd(IN, 0, put("1e+"))).toBe(1);
    expect(numberEnd(IN, 0, put("-x"))).toBe(ERR_JSON_SYNTAX);
  });
});

import { OUT_CBOR, outBegin, outLength, outOverflow, cborHead, cborInt, cborFloat, wMapOpen, wArrayOpen, wLiteral, wFloat, wInt, wNull } from "../../assembly/json/out";
import { cborToJson } from "../../assembly/cbor/decode";
import { ERR_JSON_SPACE, ERR_JSON_UTF8, ERR_CBOR_SYNTAX, ERR_CBOR_KEY, ERR_JSON_DUPLICATE_KEY } from "../../assembly/abi";
import { IN, OUT, OUT_CAP, putBytes, hex, text } from "./util";

// The CBOR writer (json/out.ts in CBOR mode) into OUT: the bytes as hex.
function head(major: u32, v: u64): string { outBegin(OUT, OUT_CAP, OUT_CBOR); cborHead(major, v); return hex(outLength()); }
function int(v: i64): string { outBegin(OUT, OUT_CAP, OUT_CBOR); cborInt(v); return hex(outLength()); }
function fl(v: f64): string { outBegin(OUT, OUT_CAP, OUT_CBOR); cborFloat(reinterpret<u64>(v)); return hex(outLength()); }

describe("CBOR encoding", () => {
  it("writes shortest heads", () => {
    expect(head(0, 23)).toBe("17");
    expect(head(0, 24)).toBe("1818");
    expect(head(0, 256)).toBe("190100");
    expect(head(0, 65536)).toBe("1a00010000");
    expect(head(0, u64.MAX_VALUE)).toBe("1bffffffffffffffff");
    expect(int(-1)).toBe("20");
    expect(int(i64.MIN_VALUE)).toBe("3b7fffffffffffffff");
    expect(int(i64.MAX_VALUE)).toBe("1b7fffffffffffffff");
    expect(head(1, u64.MAX_VALUE)).toBe("3bffffffffffffffff");
    expect(head(4, 3)).toBe("83");
    expect(head(5, 1000)).toBe("b903e8");
    expect(head(6, 1)).toBe("c1");
  });
  it("stops at the capacity and says so", () => {
    outBegin(OUT, 2, OUT_CBOR);
    store<u8>(OUT + 2, 0x7a);
    cborHead(0, 256);
    expect(outOverflow()).toBe(true);
    expect(load<u8>(OUT + 2)).toBe(0x7a);
  });
  it("writes floats in the shortest exact width", () => {
    expect(fl(0.0)).toBe("f90000");
    expect(fl(-0.0)).toBe("f98000");
    expect(fl(1.5)).toBe("f93e00");
    expect(fl(684.0)).toBe("f96158");
    expect(fl(65504.0)).toBe("f97bff");
    expect(fl(65505.0)).toBe("fa477fe100");
    expect(fl(5.960464477539063e-8)).toBe("f90001");
    expect(fl(1.0 / 3.0)).toBe("fb3fd5555555555555");
    expect(fl(0.1)).toBe("fb3fb999999999999a");
    expect(fl(<f64><f32>0.1)).toBe("fa3dcccccd");
    expect(fl(1e-40)).toBe("fb37a16c262777579c");
  });
});

describe("CBOR to canonical JSON", () => {
  it("prints what a device signs", () => {
    outBegin(IN, 64, OUT_CBOR);
    wMapOpen(2);
    wLiteral("d");
    wArrayOpen(3);
    wFloat(reinterpret<u64>(23.5));
    wInt(-7);
    wNull();
    wLiteral("hd");
    wFloat(reinterpret<u64>(0.1));
    expect(text(cborToJson(IN, outLength(), OUT, OUT_CAP))).toBe("{\"d\":[23.5,-7,null],\"hd\":0.1}");
    expect(text(cborToJson(IN, putBytes("82f961581902ac"), OUT, OUT_CAP))).toBe("[684.0,684]");
    expect(text(cborToJson(IN, putBytes("3bffffffffffffffff"), OUT, OUT_CAP))).toBe("-18446744073709551616");
    expect(text(cborToJson(IN, putBytes("bf6161f5617a9f7f62c3a9ff20ffff"), OUT, OUT_CAP))).toBe("{\"a\":true,\"z\":[\"\\u00e9\",-1]}");
  });
  it("refuses what has no JSON form", () => {
    expect(cborToJson(IN, putBytes("a10101"), OUT, OUT_CAP)).toBe(ERR_CBOR_KEY);
    expect(cborToJson(IN, putBytes("62c0af"), OUT, OUT_CAP)).toBe(ERR_JSON_UTF8);
    expect(cborToJson(IN, putBytes("a2616101616102"), OUT, OUT_CAP)).toBe(ERR_JSON_DUPLICATE_KEY);
    expect(cborToJson(IN, putBytes("0000"), OUT, OUT_CAP)).toBe(ERR_CBOR_SYNTAX);
    expect(cborToJson(IN, putBytes("83010203"), OUT, 6)).toBe(ERR_JSON_SPACE);
  });
});

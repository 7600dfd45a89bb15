import { cborHead, cborUint, cborInt, cborNegative, cborFloat, cborArray, cborMap, cborBool, cborNull, toHalf } from "../../assembly/cbor/encode";
import { cborToJson } from "../../assembly/cbor/decode";
import { ERR_JSON_NOT_FINITE, ERR_JSON_SPACE, ERR_JSON_UTF8, ERR_CBOR_SYNTAX, ERR_CBOR_KEY, ERR_JSON_DUPLICATE_KEY } from "../../assembly/abi";
import { IN, OUT, OUT_CAP, putBytes, hex, text } from "./util";

const KEYS: usize = memory.data<u8>([0x64, 0x68, 0x64]); // "d", "hd"

// A text string item (head and bytes) at out.
function textItem(src: usize, len: i32, out: usize): i32 {
  const h = cborHead(3, <u64>len, out, 64);
  memory.copy(out + <usize>h, src, <usize>len);
  return h + len;
}

function fl(v: f64): string { return hex(cborFloat(v, OUT, OUT_CAP)); }

describe("CBOR encoding", () => {
  it("writes shortest heads", () => {
    expect(hex(cborUint(23, OUT, OUT_CAP))).toBe("17");
    expect(hex(cborUint(24, OUT, OUT_CAP))).toBe("1818");
    expect(hex(cborUint(256, OUT, OUT_CAP))).toBe("190100");
    expect(hex(cborUint(65536, OUT, OUT_CAP))).toBe("1a00010000");
    expect(hex(cborUint(u64.MAX_VALUE, OUT, OUT_CAP))).toBe("1bffffffffffffffff");
    expect(hex(cborInt(-1, OUT, OUT_CAP))).toBe("20");
    expect(hex(cborInt(i64.MIN_VALUE, OUT, OUT_CAP))).toBe("3b7fffffffffffffff");
    expect(hex(cborNegative(u64.MAX_VALUE, OUT, OUT_CAP))).toBe("3bffffffffffffffff");
    expect(hex(cborArray(3, OUT, OUT_CAP))).toBe("83");
    expect(hex(cborMap(1000, OUT, OUT_CAP))).toBe("b903e8");
    expect(hex(cborBool(true, OUT, OUT_CAP))).toBe("f5");
    expect(hex(cborNull(OUT, OUT_CAP))).toBe("f6");
    expect(hex(cborHead(6, 1, OUT, OUT_CAP))).toBe("c1");
    expect(cborUint(256, OUT, 2)).toBe(ERR_JSON_SPACE);
  });
  it("writes floats in the shortest exact width", () => {
    expect(fl(0.0)).toBe("f90000");
    expect(fl(-0.0)).toBe("f98000");
    expect(fl(1.5)).toBe("f93e00");
    expect(fl(684.0)).toBe("f96158");
    expect(fl(65504.0)).toBe("f97bff");
    expect(fl(65505.0)).toBe("fa477fe100");
    expect(fl(5.960464477539063e-8)).toBe("f90001");
    expect(fl(0.1)).toBe("fb3fb999999999999a");
    expect(fl(<f64><f32>0.1)).toBe("fa3dcccccd");
    expect(fl(1e-40)).toBe("fb37a16c262777579c");
    expect(cborFloat(NaN, OUT, OUT_CAP)).toBe(ERR_JSON_NOT_FINITE);
    expect(cborFloat(Infinity, OUT, OUT_CAP)).toBe(ERR_JSON_NOT_FINITE);
    expect(toHalf(1.0 / 3.0)).toBe(-1);
  });
});

describe("CBOR to canonical JSON", () => {
  it("prints what a device signs", () => {
    let n = cborMap(2, IN, 64);
    n += textItem(KEYS, 1, IN + <usize>n);
    n += cborArray(3, IN + <usize>n, 64);
    n += cborFloat(23.5, IN + <usize>n, 64);
    n += cborInt(-7, IN + <usize>n, 64);
    n += cborNull(IN + <usize>n, 64);
    n += textItem(KEYS + 1, 2, IN + <usize>n);
    n += cborFloat(0.1, IN + <usize>n, 64);
    expect(text(cborToJson(IN, n, OUT, OUT_CAP))).toBe("{\"d\":[23.5,-7,null],\"hd\":0.1}");
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

import { canonicalize, keyBefore, skipValue, PYTHON } from "../../assembly/json/value";
import { ERR_JSON_DEPTH, ERR_JSON_DUPLICATE_KEY, ERR_JSON_ESCAPE, ERR_JSON_SYNTAX, ERR_JSON_NOT_FINITE, ERR_JSON_NUMBER_LIMIT, ERR_JSON_SPACE,
  ERR_JSON_TRUNCATED, ERR_METRICS_MALFORMED, ERR_NUMBER_RANGE } from "../../assembly/abi";
import { IN, OUT, OUT_CAP, put, text } from "./util";

function canon(s: string): string { return text(canonicalize(IN, put(s), OUT, OUT_CAP)); }

describe("canonicalize", () => {
  it("re-dumps like Python", () => {
    expect(canon(" { \"a\" : [1, -0, 1E2, 1.10, 12.0, \"\\u00E9\\/\"], \"b\":null } ")).toBe("{\"a\":[1,0,100.0,1.1,12.0,\"\\u00e9/\"],\"b\":null}");
    expect(canon("\"\\ud83d\\ude00 \\udc00\"")).toBe("\"\\ud83d\\ude00 \\udc00\"");
    expect(canon("123456789012345678901234567890")).toBe("123456789012345678901234567890");
  });
  it("reads numbers with Python's limits, not the metrics layer's", () => {
    // 63 significant digits (the metrics reader takes 40), rounded as a whole: just above 0.1's double
    // (0.1000000000000000055511151231257827021181583404541015625) and below the midpoint after it
    expect(canon("[0.100000000000000005551115123125782702118158340454101562500000001]")).toBe("[0.1]");
    expect(canon("[0.100000000000000012490009027033011079765856266021728515625000001]")).toBe("[0.10000000000000002]");
    expect(canon("1" + "0".repeat(60) + "1e-61")).toBe("1.0");
    expect(canonicalize(IN, put("1".repeat(4301)), OUT, OUT_CAP)).toBe(ERR_JSON_NUMBER_LIMIT);
    expect(canonicalize(IN, put("[1e400]"), OUT, OUT_CAP)).toBe(ERR_JSON_NOT_FINITE);
    // Python's scanner reads the longest number ("1." as 1) and refuses it before the "." after it
    expect(canonicalize(IN, put("[" + "1".repeat(4301) + ".]"), OUT, OUT_CAP)).toBe(ERR_JSON_NUMBER_LIMIT);
    expect(canonicalize(IN, put("[1" + "0".repeat(400) + ".0e]"), OUT, OUT_CAP)).toBe(ERR_JSON_NOT_FINITE);
    expect(canonicalize(IN, put("[1.0e]"), OUT, OUT_CAP)).toBe(ERR_JSON_SYNTAX);
  });
  it("refuses what Python would not dump as JSON", () => {
    expect(canonicalize(IN, put("{\"a\":1,\"\\u0061\":2}"), OUT, OUT_CAP)).toBe(ERR_JSON_DUPLICATE_KEY);
    expect(canonicalize(IN, put("[NaN]"), OUT, OUT_CAP)).toBe(ERR_JSON_NOT_FINITE);
    expect(canonicalize(IN, put("-Infinity"), OUT, OUT_CAP)).toBe(ERR_JSON_NOT_FINITE);
    expect(canonicalize(IN, put("[1] 2"), OUT, OUT_CAP)).toBe(ERR_JSON_SYNTAX);
    expect(canonicalize(IN, put("[1,]"), OUT, OUT_CAP)).toBe(ERR_JSON_SYNTAX);
    expect(canonicalize(IN, put("[tru"), OUT, OUT_CAP)).toBe(ERR_JSON_TRUNCATED);
    expect(canonicalize(IN, put("\"\\u12"), OUT, OUT_CAP)).toBe(ERR_JSON_TRUNCATED);
    expect(canonicalize(IN, put("\"\\u12x4\""), OUT, OUT_CAP)).toBe(ERR_JSON_ESCAPE);
    expect(canonicalize(IN, put("[".repeat(33) + "]".repeat(33)), OUT, OUT_CAP)).toBe(ERR_JSON_DEPTH);
    expect(canonicalize(IN, put("[1, 2]"), OUT, 4)).toBe(ERR_JSON_SPACE);
  });
});

describe("skipValue's errors", () => {
  it("are the metrics layer's without PYTHON, the byte layer's with it", () => {
    let n = put("[tru");
    expect(skipValue(IN, IN + <usize>n, 0)).toBe(ERR_METRICS_MALFORMED);
    expect(skipValue(IN, IN + <usize>n, 0, PYTHON)).toBe(ERR_JSON_TRUNCATED);
    n = put("[1.00000000000000000000000000000000000000001]");
    expect(skipValue(IN, IN + <usize>n, 0)).toBe(ERR_NUMBER_RANGE);
    expect(skipValue(IN, IN + <usize>n, 0, PYTHON)).toBe(<isize>(IN + <usize>n));
  });
});

describe("keyBefore", () => {
  it("finds a key among the members before it, at the object's own level only", () => {
    const n = put("{\"k\":\"v\",\"n\":[1,{\"k\":[]}],\"k\":null}");
    const end = IN + <usize>n;
    expect(keyBefore(IN, IN + 9, end)).toBe(false);
    expect(keyBefore(IN, IN + 26, end)).toBe(true);
    expect(keyBefore(IN + 16, IN + 17, end)).toBe(false);
  });
});

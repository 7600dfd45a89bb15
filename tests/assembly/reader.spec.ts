import { canonicalize, jsonNext } from "../../assembly/json/reader";
import { ERR_JSON_DEPTH, ERR_JSON_DUPLICATE_KEY, ERR_JSON_END, ERR_JSON_SYNTAX, ERR_JSON_NOT_FINITE, ERR_JSON_SPACE } from "../../assembly/abi";
import { IN, OUT, OUT_CAP, put, text } from "./util";

function canon(s: string): string { return text(canonicalize(IN, put(s), OUT, OUT_CAP)); }

describe("canonicalize", () => {
  it("re-dumps like Python", () => {
    expect(canon(" { \"a\" : [1, -0, 1E2, 1.10, 12.0, \"\\u00E9\\/\"], \"b\":null } ")).toBe("{\"a\":[1,0,100.0,1.1,12.0,\"\\u00e9/\"],\"b\":null}");
    expect(canon("\"\\ud83d\\ude00 \\udc00\"")).toBe("\"\\ud83d\\ude00 \\udc00\"");
    expect(canon("123456789012345678901234567890")).toBe("123456789012345678901234567890");
  });
  it("refuses what Python would not dump as JSON", () => {
    expect(canonicalize(IN, put("{\"a\":1,\"\\u0061\":2}"), OUT, OUT_CAP)).toBe(ERR_JSON_DUPLICATE_KEY);
    expect(canonicalize(IN, put("[NaN]"), OUT, OUT_CAP)).toBe(ERR_JSON_NOT_FINITE);
    expect(canonicalize(IN, put("[1] 2"), OUT, OUT_CAP)).toBe(ERR_JSON_SYNTAX);
    expect(canonicalize(IN, put("[".repeat(33) + "]".repeat(33)), OUT, OUT_CAP)).toBe(ERR_JSON_DEPTH);
    expect(canonicalize(IN, put("[1, 2]"), OUT, 4)).toBe(ERR_JSON_SPACE);
  });
});

describe("jsonNext", () => {
  it("steps over members and elements of valid text", () => {
    const n = put("{\"k\":\"v\",\"n\":[1,{\"x\":[]}],\"z\":null}");
    expect(jsonNext(IN, 1, n)).toBe(9);
    expect(jsonNext(IN, 9, n)).toBe(26);
    expect(jsonNext(IN, 26, n)).toBe(ERR_JSON_END);
    expect(jsonNext(IN, 14, n)).toBe(16);
    expect(jsonNext(IN, 16, n)).toBe(ERR_JSON_END);
  });
});

import { canonicalize, canonicalizeValue, canonicalEnd, jsonValueEnd, jsonKind, jsonFirst, jsonNext, jsonMemberValue,
  jsonFindKey, jsonStringEquals, jsonStringDecode, jsonNumber, JSON_OBJECT, JSON_ARRAY, JSON_STRING, JSON_INT, JSON_FLOAT,
  JSON_NULL, JSON_TRUE } from "../../assembly/json/reader";
import { numberInt, numberFloat, NUM_INT, NUM_FLOAT } from "../../assembly/json/number";
import { ERR_JSON_DEPTH, ERR_JSON_DUPLICATE_KEY, ERR_JSON_END, ERR_JSON_NOT_FOUND, ERR_JSON_TYPE, ERR_JSON_SYNTAX, ERR_JSON_NOT_FINITE, ERR_JSON_SPACE } from "../../assembly/abi";
import { IN, OUT, OUT_CAP, put, text, textAt } from "./util";

const KEY: usize = memory.data(64);
function key(s: string): i32 {
  const b = String.UTF8.encode(s);
  memory.copy(KEY, changetype<usize>(b), <usize>b.byteLength);
  return b.byteLength;
}
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
  it("canonicalizes one value inside a text", () => {
    const n = put("{\"d\": [1.50, 2], \"hd\": [[3]]}");
    const v = jsonFindKey(IN, 0, n, KEY, key("d"));
    expect(text(canonicalizeValue(IN, v, n, OUT, OUT_CAP))).toBe("[1.5,2]");
    expect(textAt(IN + <usize>canonicalEnd(), 1)).toBe(",");
  });
});

describe("navigation", () => {
  it("walks arrays and objects", () => {
    const n = put(" [ 10 , {\"k\": \"v\", \"n\" : [ ] } , \"s\" ] ");
    expect(jsonValueEnd(IN, 0, n)).toBe(n - 1);
    expect(jsonKind(IN, 0, n)).toBe(JSON_ARRAY);
    let p = jsonFirst(IN, 0, n);
    expect(jsonKind(IN, p, n)).toBe(JSON_INT);
    expect(jsonNumber(IN, p, n)).toBe(NUM_INT);
    expect(numberInt()).toBe(10);
    p = jsonNext(IN, p, n);
    expect(jsonKind(IN, p, n)).toBe(JSON_OBJECT);
    let k = jsonFirst(IN, p, n);
    expect(jsonStringEquals(IN, k, n, KEY, key("k"))).toBe(true);
    expect(jsonKind(IN, jsonMemberValue(IN, k, n), n)).toBe(JSON_STRING);
    k = jsonNext(IN, k, n);
    expect(jsonStringEquals(IN, k, n, KEY, key("n"))).toBe(true);
    const empty = jsonMemberValue(IN, k, n);
    expect(jsonFirst(IN, empty, n)).toBe(ERR_JSON_END);
    expect(jsonNext(IN, k, n)).toBe(ERR_JSON_END);
    p = jsonNext(IN, p, n);
    expect(jsonKind(IN, p, n)).toBe(JSON_STRING);
    expect(jsonNext(IN, p, n)).toBe(ERR_JSON_END);
  });
  it("finds keys by their decoded text", () => {
    const n = put("{\"sn\":\"X1\",\"\\u00e9t\\u00E9\":1.5,\"a\":null,\"t\":true}");
    const v = jsonFindKey(IN, 0, n, KEY, key("été"));
    expect(jsonKind(IN, v, n)).toBe(JSON_FLOAT);
    expect(jsonNumber(IN, v, n)).toBe(NUM_FLOAT);
    expect(numberFloat()).toBe(1.5);
    expect(jsonKind(IN, jsonFindKey(IN, 0, n, KEY, key("a")), n)).toBe(JSON_NULL);
    expect(jsonKind(IN, jsonFindKey(IN, 0, n, KEY, key("t")), n)).toBe(JSON_TRUE);
    expect(jsonFindKey(IN, 0, n, KEY, key("s"))).toBe(ERR_JSON_NOT_FOUND);
    expect(jsonFindKey(IN, 0, 2, KEY, key("sn"))).toBeLessThan(0);
    const sn = jsonFindKey(IN, 0, n, KEY, key("sn"));
    expect(jsonFindKey(IN, sn, n, KEY, key("sn"))).toBe(ERR_JSON_TYPE);
  });
  it("decodes strings to UTF-8", () => {
    const n = put("\"a\\u00e9\\ud83d\\ude00\\n\\ud800\"");
    const m = jsonStringDecode(IN, 0, n, OUT, OUT_CAP);
    expect(m).toBe(1 + 2 + 4 + 1 + 3);
    expect(load<u8>(OUT + 8)).toBe(0xed); // lone surrogate as WTF-8
    expect(jsonStringDecode(IN, 0, n, OUT, 5)).toBe(ERR_JSON_SPACE);
  });
  it("never reads past end on bad input", () => {
    const n = put("{\"a\":[1,2");
    expect(jsonValueEnd(IN, 0, n)).toBeLessThan(0);
    expect(jsonFindKey(IN, 0, n, KEY, key("b"))).toBeLessThan(0);
    const v = jsonFindKey(IN, 0, n, KEY, key("a"));
    expect(jsonNext(IN, jsonFirst(IN, v, n), n)).toBe(8);
    expect(jsonNext(IN, 8, n)).toBeLessThan(0);
  });
});

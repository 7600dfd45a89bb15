import { skipValue, UNIQUE_KEYS } from "../../assembly/json/value";
import { MAX_DEPTH } from "../../assembly/json/limits";
import { ERR_METRICS_DUPLICATE, ERR_METRICS_MALFORMED, ERR_METRICS_TOO_DEEP } from "../../assembly/abi";
import { IN, put } from "./util";

// skipValue over s from IN: the end offset, or the error.
function skip(s: string, uniqueKeys: bool): i32 {
  const n = put(s);
  const r = skipValue(IN, IN + <usize>n, 0, uniqueKeys ? UNIQUE_KEYS : 0);
  return r < 0 ? <i32>r : <i32>(<usize>r - IN);
}

describe("skipValue with uniqueKeys (metrics_accessory_add)", () => {
  it("refuses a key twice in one object, at any depth", () => {
    expect(skip('{"sn":"A","sn":"B"}', true)).toBe(ERR_METRICS_DUPLICATE);
    expect(skip('{"a":1, "b":2 ,"c":3,\n"b" : 4}', true)).toBe(ERR_METRICS_DUPLICATE);
    expect(skip('{"sn":"A","d":{"x":1,"x":2}}', true)).toBe(ERR_METRICS_DUPLICATE);
    expect(skip('[0,[{"y":[{}]},{"x":{"v":{},"w":1,"v":[]}}]]', true)).toBe(ERR_METRICS_DUPLICATE);
    expect(skip('{"":1,"":2}', true)).toBe(ERR_METRICS_DUPLICATE);
  });
  it("compares keys by their decoded text", () => {
    expect(skip('{"sn":"A","s\\u006e":"B"}', true)).toBe(ERR_METRICS_DUPLICATE);
    expect(skip('{"\\u0073\\u006E":"A","sn":"B"}', true)).toBe(ERR_METRICS_DUPLICATE);
    expect(skip('{"é":1,"\\u00e9":2}', true)).toBe(ERR_METRICS_DUPLICATE);
    expect(skip('{"\\ud83d\\ude00":1,"😀":2}', true)).toBe(ERR_METRICS_DUPLICATE);
    expect(skip('{"a\\/b\\n":1,"a/b\\u000a":2}', true)).toBe(ERR_METRICS_DUPLICATE);
  });
  it("accepts the same key in sibling objects, at other depths, and keys that only share a prefix", () => {
    let s = '{"x":{"x":1},"y":[{"x":2},{"x":{"x":3}}],"z":{"x":4}}';
    expect(skip(s, true)).toBe(s.length);
    s = '{"sn":1,"s":2,"snn":3,"n":4,"S":5,"sn\\u0000":6,"":7,"\\"":8,"é":9,"e\\u0301":10,"😀":11,"😁":12}';
    expect(skip(s, true)).toBe(String.UTF8.byteLength(s));
    expect(skip('{}', true)).toBe(2);
    expect(skip(' { "a" : { } , "b" : [ ] } ', true)).toBe(26);
  });
  it("leaves duplicates alone without uniqueKeys (answers, formats)", () => {
    expect(skip('{"sn":"A","sn":"B"}', false)).toBe(19);
  });
  it("still reports malformed text and nesting first where it comes first", () => {
    expect(skip('{"a":1,"b":,"a":2}', true)).toBe(ERR_METRICS_MALFORMED);
    expect(skip('{"a":1,"a":2,"b":}', true)).toBe(ERR_METRICS_DUPLICATE);
    expect(skip('{"a":' + "[".repeat(MAX_DEPTH) + "]".repeat(MAX_DEPTH) + "}", true)).toBe(ERR_METRICS_TOO_DEEP);
  });
  it("handles many members and deep nesting with many members per level", () => {
    // 120 distinct keys, then the first one again
    let s = "{";
    for (let i = 0; i < 120; i++) s += '"k' + i.toString() + '":' + i.toString() + ",";
    expect(skip(s + '"k119":0}', true)).toBe(ERR_METRICS_DUPLICATE);
    s += '"k120":0}';
    expect(skip(s, true)).toBe(s.length);
    // 14 levels, each object's nested member first and 10 more after it: the re-scans skip the
    // nested value without checking it again (no blow-up with depth)
    let t = "1";
    for (let d = 0; d < 14; d++) {
      let o = '{"n":' + t;
      for (let i = 0; i < 10; i++) o += ',"m' + i.toString() + '":0';
      t = o + "}";
    }
    expect(skip(t, true)).toBe(t.length);
  });
});

describe("lone surrogate escapes (read as Python's json reads them)", () => {
  it("are skipped over like any character, and compared as keys by their code point", () => {
    let s = '{"a":"\\udc00","\\ud800":1,"b":["x\\udbffy","\\ud83d\\ude00"]}';
    expect(skip(s, true)).toBe(s.length);
    expect(skip('{"\\ud800":1,"\\uD800":2}', true)).toBe(ERR_METRICS_DUPLICATE);
    s = '{"\\ud800":1,"\\ud800\\udc00":2,"\\udc00":3}';
    expect(skip(s, true)).toBe(s.length);
  });
  it("still refuse what is not an escape", () => {
    expect(skip('"\\ud80"', false)).toBe(ERR_METRICS_MALFORMED);
    expect(skip('"\\ud800\\u12"', false)).toBe(ERR_METRICS_MALFORMED);
  });
});

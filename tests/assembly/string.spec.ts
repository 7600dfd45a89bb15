import { formatString, escapeCodePoint } from "../../assembly/json/string";
import { lastCodePoint, utf8Encode, utf8Length, utf8Sequence, utf8Valid } from "../../assembly/utf8";
import { ERR_JSON_SPACE, ERR_JSON_UTF8 } from "../../assembly/abi";
import { IN, OUT, OUT_CAP, hex, put, putBytes, text } from "./util";

const BAD = ["80", "c080", "c1bf", "e08080", "eda080", "edbfbf", "f08f8080", "f4908080", "f5808080", "e282", "f09f98", "ff"];

describe("formatString", () => {
  it("escapes like json.dumps with ensure_ascii", () => {
    expect(text(formatString(IN, put("a\"b\\c/"), OUT, OUT_CAP))).toBe("\"a\\\"b\\\\c/\"");
    expect(text(formatString(IN, put("\n\r\t\b\f\x00\x1f\x7f"), OUT, OUT_CAP))).toBe("\"\\n\\r\\t\\b\\f\\u0000\\u001f\\u007f\"");
    expect(text(formatString(IN, put("é€😀"), OUT, OUT_CAP))).toBe("\"\\u00e9\\u20ac\\ud83d\\ude00\"");
    expect(text(formatString(IN, 0, OUT, OUT_CAP))).toBe("\"\"");
  });
  it("refuses invalid UTF-8", () => {
    expect(formatString(IN, putBytes("c080"), OUT, OUT_CAP)).toBe(ERR_JSON_UTF8);
    expect(formatString(IN, putBytes("eda080"), OUT, OUT_CAP)).toBe(ERR_JSON_UTF8);
    expect(formatString(IN, putBytes("f4908080"), OUT, OUT_CAP)).toBe(ERR_JSON_UTF8);
    expect(formatString(IN, putBytes("e282"), OUT, OUT_CAP)).toBe(ERR_JSON_UTF8);
    expect(formatString(IN, putBytes("80"), OUT, OUT_CAP)).toBe(ERR_JSON_UTF8);
  });
  it("refuses what does not fit", () => {
    expect(formatString(IN, put("é"), OUT, 7)).toBe(ERR_JSON_SPACE);
    expect(formatString(IN, put("é"), OUT, 8)).toBe(8);
  });
});

describe("UTF-8 (assembly/utf8.ts)", () => {
  it("decodes code points", () => {
    let n = put("x€");
    expect(utf8Sequence(IN + 1, n - 1)).toBe(3);
    expect(lastCodePoint).toBe(0x20ac);
    expect(utf8Sequence(IN + 4, 0)).toBe(0);
    expect(utf8Valid(IN, n)).toBe(true);
  });
  it("refuses overlong forms, surrogates, code points past U+10FFFF and cut sequences", () => {
    for (let i = 0; i < BAD.length; i++) {
      const n = putBytes(BAD[i]);
      expect(utf8Sequence(IN, n)).toBe(0);
      expect(utf8Valid(IN, n)).toBe(false);
    }
  });
  it("encodes code points, a lone surrogate as WTF-8", () => {
    expect(hex(utf8Encode(0x41, OUT))).toBe("41");
    expect(hex(utf8Encode(0xe9, OUT))).toBe("c3a9");
    expect(hex(utf8Encode(0x20ac, OUT))).toBe("e282ac");
    expect(hex(utf8Encode(0x1f600, OUT))).toBe("f09f9880");
    expect(hex(utf8Encode(0xd800, OUT))).toBe("eda080");
    expect(utf8Length(0x7f)).toBe(1);
    expect(utf8Length(0x800)).toBe(3);
    expect(utf8Length(0x10ffff)).toBe(4);
  });
});

describe("escapeCodePoint", () => {
  it("escapes one code point", () => {
    expect(text(escapeCodePoint(0x1f600, OUT))).toBe("\\ud83d\\ude00");
    expect(text(escapeCodePoint(0xd800, OUT))).toBe("\\ud800");
    expect(text(escapeCodePoint(0x7f, OUT))).toBe("\\u007f");
    expect(text(escapeCodePoint(0x0c, OUT))).toBe("\\f");
    expect(text(escapeCodePoint(0x2f, OUT))).toBe("/");
  });
});

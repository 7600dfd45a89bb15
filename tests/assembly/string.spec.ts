import { formatString, utf8Next, utf8Size, escapeCodePoint } from "../../assembly/json/string";
import { ERR_JSON_SPACE, ERR_JSON_UTF8 } from "../../assembly/abi";
import { IN, OUT, OUT_CAP, put, putBytes, text } from "./util";

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

describe("utf8Next / escapeCodePoint", () => {
  it("decodes code points", () => {
    let n = put("x€");
    expect(utf8Next(IN, 1, n)).toBe(0x20ac);
    expect(utf8Size()).toBe(3);
    expect(utf8Next(IN, 3, n)).toBe(ERR_JSON_UTF8);
  });
  it("escapes one code point", () => {
    expect(text(escapeCodePoint(0x1f600, OUT, OUT_CAP))).toBe("\\ud83d\\ude00");
    expect(text(escapeCodePoint(0xd800, OUT, OUT_CAP))).toBe("\\ud800");
    expect(escapeCodePoint(0x1f600, OUT, 11)).toBe(ERR_JSON_SPACE);
  });
});

#!/usr/bin/env python3
"""Vectors for the byte layer (assembly/json, assembly/cbor), from Python's own json module and cbor2.

Every expectation is what Python does: repr(float) for formatting, float(text) for parsing,
json.dumps(json.loads(text), separators=(",", ":")) for canonical JSON, the same over
cbor2.loads(data) for CBOR. CBOR float/int encoding follows RFC 8949 preferred serialization
(cbor_preferred: the shortest head; the shortest of half, single and double that holds the value
exactly), not a peer: cbor2 5.6.5's C encoder writes 65504.0 as a single float. Where cbor2 writes
other bytes, the line records them as "cbor2" (a peer's quirk, not an expectation).
Where our layer refuses what Python accepts (duplicate keys, nesting over 32, NaN/Infinity, a BOM),
the line records the error name we must return instead.

One JSON object per line:
  {"kind":"format","bits":"<hex of the double>","out":"<repr>"}
  {"kind":"parse","text":"<number literal>","bits":"<hex>"} or "error":"NOT_FINITE"
  {"kind":"string","hex":"<utf-8 bytes>","out":"<json.dumps>"} or "error":"UTF8"
  {"kind":"canonical","text":"...", or "hex":"<bytes>","out":"..."} or "error":"<name>"
  {"kind":"cbor","hex":"<cbor>","out":"<canonical json>"} or "error":"<name>"
  {"kind":"cbor_encode","bits":"<hex double>" or "int":"<decimal>","hex":"<cbor>"[,"cbor2":"<its bytes>"]}

Usage: make_json_vectors.py [--seed N] [--scale F] [--out FILE | --stdout]
The committed tests/vectors/json_canonical.jsonl is --seed 1 --scale 1.
"""
import argparse
import decimal
import json
import math
import random
import struct
import sys

try:
    import cbor2
except ImportError:  # the live check runs without cbor2; the committed file needs it
    cbor2 = None


def bits_of(x):
    return struct.pack(">d", x).hex()


def from_bits(b):
    return struct.unpack(">d", struct.pack(">Q", b))[0]


def dumps(v):
    return json.dumps(v, separators=(",", ":"))


def random_double(rnd):
    while True:
        x = any_double(rnd)
        if math.isfinite(x):
            return x


def any_double(rnd):
    kind = rnd.randrange(12)
    if kind == 0:  # any bit pattern
        while True:
            x = from_bits(rnd.getrandbits(64))
            if math.isfinite(x):
                return x
    if kind == 1:  # subnormal
        return from_bits(rnd.getrandbits(52) | (rnd.getrandbits(1) << 63))
    if kind == 2:
        return rnd.choice([-1, 1]) * 10.0 ** rnd.randint(-323, 308)
    if kind == 3:
        return rnd.choice([-1, 1]) * 2.0 ** rnd.randint(-1074, 1023)
    if kind == 4:  # few decimals, as sensors report
        return round(rnd.uniform(-1e5, 1e5), rnd.randint(0, 4))
    if kind == 5:  # near the plain/exponent switch points
        return rnd.choice([1e-5, 1e-4, 1e15, 1e16, 1e17]) * rnd.uniform(0.5, 20)
    if kind == 6:
        return float(rnd.randint(-2 ** 60, 2 ** 60))
    if kind == 7:  # neighbours of round values
        x = rnd.choice([0.1, 0.2, 0.3, 1.0, 100.0, 1e16, 1e-5, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308])
        return math.nextafter(x, rnd.choice([0.0, math.inf]))
    if kind == 8:
        return rnd.random() * 10.0 ** rnd.randint(-30, 30)
    if kind == 9:  # powers of two just above/below (asymmetric rounding intervals)
        x = 2.0 ** rnd.randint(-1022, 1023)
        return rnd.choice([x, math.nextafter(x, 0.0), math.nextafter(x, math.inf)])
    if kind == 10:
        return float(rnd.randint(0, 10 ** 6)) / 10 ** rnd.randint(0, 8)
    return rnd.choice([0.0, -0.0, 0.1 + 0.2, 1e22, 1e23, 9007199254740993.0, 123456789012345678.0, 5e-324,
                       1.7976931348623157e308, 2.5e-07, 1.5e16, 1234500000000000.0, 0.0001])


def exact_decimal(x):
    return decimal.Decimal(x)  # exact: every double is a finite decimal


def number_text(rnd, x):
    """Some JSON spelling of a number near x (a double), to be parsed."""
    kind = rnd.randrange(8)
    if kind == 0:
        return repr(x)
    if kind == 1:  # exact halfway point to the next double, written in full or cut at 17..40 digits
        y = math.nextafter(x, math.inf)
        if not math.isfinite(y):
            return repr(x)
        mid = (exact_decimal(x) + exact_decimal(y)) / 2
        s = format(mid, "e")
        if rnd.random() < 0.5:
            mant, exp = s.split("e")
            digits = mant.replace(".", "").replace("-", "")
            n = rnd.randint(17, 40)
            digits = digits[:n]
            if rnd.random() < 0.3:
                digits = digits + "0" * rnd.randint(1, 5) + "1"
            s = ("-" if x < 0 else "") + digits[0] + "." + (digits[1:] or "0") + "e" + exp
        return s.replace("E", "e")
    if kind == 2:  # 17-40 random digits around x
        n = rnd.randint(17, 40)
        s = format(exact_decimal(x), ".%de" % (n - 1))
        return s
    if kind == 3:  # plain decimal with many digits
        return format(exact_decimal(x), "f")[:rnd.randint(20, 400 if rnd.random() < 0.1 else 60)].rstrip(".") or "0"
    if kind == 4:
        return rnd.choice(["1E2", "1e+2", "1.10", "12.0", "0.0", "-0.0", "1e-400", "-1e-400", "1e308", "1.8e308",
                           "1e309", "2.4703282292062327e-324", "2.4703282292062328e-324", "4.9406564584124654e-324",
                           "1.7976931348623158e308", "1.7976931348623159e308", "2.2250738585072011e-308",
                           "2.2250738585072012e-308", "9007199254740993.0", "9007199254740992.5", "0e0", "0E-0",
                           "1e00000000000000000000000000001", "1" + "0" * 400 + "e-400", "0." + "0" * 500 + "1e500",
                           "123456789012345678901234567890e-20"])
    if kind == 5:
        return "%de%d" % (rnd.randint(1, 10 ** rnd.randint(1, 25)), rnd.randint(-340, 310))
    if kind == 6:  # exact value of the double in full
        return format(exact_decimal(x), "f") if abs(x) > 1e-30 or x == 0 else format(exact_decimal(x), "e")
    return "%.*e" % (rnd.randint(0, 25), x)


def random_string(rnd, n=None):
    if n is None:
        n = rnd.randint(0, 20)
    out = []
    for _ in range(n):
        k = rnd.randrange(10)
        if k < 3:
            out.append(chr(rnd.randint(0x20, 0x7e)))
        elif k == 3:
            out.append(chr(rnd.randint(0, 0x1f)))
        elif k == 4:
            out.append(rnd.choice('"\\/\b\f\n\r\t\x7f'))
        elif k == 5:
            out.append(chr(rnd.randint(0x80, 0x7ff)))
        elif k == 6:
            c = rnd.randint(0x800, 0xfffd)
            out.append(chr(c if not 0xd800 <= c <= 0xdfff else 0xe000))
        elif k == 7:
            out.append(chr(rnd.randint(0x10000, 0x10ffff)))
        else:
            out.append(rnd.choice("aé€😀\U0010ffff\u2028\ufeff"))
    return "".join(out)


BAD_UTF8 = [b"\x80", b"\xc0\x80", b"\xc1\xbf", b"\xe0\x80\x80", b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xf0\x80\x80\x80",
            b"\xf4\x90\x80\x80", b"\xf5\x80\x80\x80", b"\xff", b"\xc3", b"\xe2\x82", b"\xf0\x9f\x98", b"\xc3\x28",
            b"\xe2\x28\xa1", b"\xf8\x88\x80\x80\x80"]


def spell_string(rnd, s):
    """A JSON string literal for s, escaped in random (valid) ways."""
    out = ['"']
    for ch in s:
        c = ord(ch)
        r = rnd.random()
        if ch == '"' or ch == "\\" or c < 0x20 or r < 0.2:
            if ch in "\b\f\n\r\t\"\\/" and rnd.random() < 0.5:
                out.append({"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", '"': '\\"',
                            "\\": "\\\\", "/": "\\/"}[ch])
            elif c >= 0x10000:
                c -= 0x10000
                hi, lo = 0xD800 + (c >> 10), 0xDC00 + (c & 0x3FF)
                out.append(("\\u%04x\\u%04X" if rnd.random() < 0.5 else "\\u%04X\\u%04x") % (hi, lo))
            else:
                out.append(("\\u%04x" if rnd.random() < 0.5 else "\\u%04X") % c)
        else:
            out.append(ch)
    if rnd.random() < 0.05:  # a lone surrogate from an escape, which Python keeps
        out.append("\\u%04x" % rnd.randint(0xD800, 0xDFFF))
    out.append('"')
    return "".join(out)


def ws(rnd):
    return "".join(rnd.choice(" \t\n\r") for _ in range(rnd.choice([0, 0, 0, 1, 2])))


def random_text(rnd, depth=0, budget=None):
    """A random JSON text (valid, unique keys) with varied spelling."""
    k = rnd.randrange(10 if depth < 4 else 6)
    if k == 0:
        return rnd.choice(["true", "false", "null"])
    if k == 1:
        n = rnd.choice([0, 1, 7, -7, 10, -10, 42, 2 ** 63 - 1, -2 ** 63, 2 ** 64, -2 ** 64 - 1, 10 ** 40, rnd.randint(-10 ** 30, 10 ** 30)])
        return rnd.choice([str(n), "-0"]) if n == 0 else str(n)
    if k in (2, 3):
        return number_text(rnd, random_double(rnd))
    if k in (4, 5):
        return spell_string(rnd, random_string(rnd, rnd.randint(0, 8)))
    if k in (6, 7):
        items = [random_text(rnd, depth + 1) for _ in range(rnd.randint(0, 5))]
        return "[" + ws(rnd) + ("," + ws(rnd)).join(i + ws(rnd) for i in items) + "]"
    keys = []
    for _ in range(rnd.randint(0, 5)):
        key = random_string(rnd, rnd.randint(0, 4))
        if key not in keys:
            keys.append(key)
    members = [spell_string(rnd, key) + ws(rnd) + ":" + ws(rnd) + random_text(rnd, depth + 1) + ws(rnd) for key in keys]
    return "{" + ws(rnd) + ("," + ws(rnd)).join(members) + "}"


def canonical_line(text, error=None):
    line = {"kind": "canonical"}
    if isinstance(text, bytes):
        try:
            line["text"] = text.decode("utf-8")
        except UnicodeDecodeError:
            line["hex"] = text.hex()
    else:
        line["text"] = text
    if error:
        line["error"] = error
        return line
    raw = text if isinstance(text, bytes) else text.encode("utf-8")
    v = json.loads(raw.decode("utf-8"))
    out = dumps(v)
    if "NaN" in out or "Infinity" in out:
        line["error"] = "NOT_FINITE"
    else:
        line["out"] = out
    return line


def canonical_errors(rnd):
    nest = lambda n: "[" * n + "]" * n
    yield canonical_line(nest(32))
    yield canonical_line(nest(33), "DEPTH")
    yield canonical_line('{"a":' * 32 + "1" + "}" * 32)
    yield canonical_line('{"a":' * 33 + "1" + "}" * 33, "DEPTH")
    for t, e in [('{"a":1,"a":2}', "DUPLICATE_KEY"), ('{"a":1,"\\u0061":2}', "DUPLICATE_KEY"),
                 ('{"\\ud83d\\ude00":1,"😀":2}', "DUPLICATE_KEY"), ('[{"x":{"y":1,"y":1}}]', "DUPLICATE_KEY"),
                 ("NaN", "NOT_FINITE"), ("[Infinity]", "NOT_FINITE"), ("-Infinity", "NOT_FINITE"),
                 ("1e400", "NOT_FINITE"), ("[-1e309]", "NOT_FINITE"), ("1.7976931348623159e308", "NOT_FINITE"),
                 ("", "TRUNCATED"), (" ", "TRUNCATED"), ("[1,", "TRUNCATED"), ('{"a"', "TRUNCATED"), ('"abc', "TRUNCATED"),
                 ("tru", "TRUNCATED"), ("[1]]", "SYNTAX"), ("[1,]", "SYNTAX"), ('{"a":1,}', "SYNTAX"), ("01", "SYNTAX"),
                 ("1.", "SYNTAX"), (".5", "SYNTAX"), ("+1", "SYNTAX"), ("1e", "SYNTAX"), ("--1", "SYNTAX"),
                 ("[1 2]", "SYNTAX"), ("{1:2}", "SYNTAX"), ("nul", "TRUNCATED"), ("True", "SYNTAX"), ("\ufeff1", "SYNTAX"),
                 ('"\\x"', "ESCAPE"), ('"\\u12"', "ESCAPE"), ('"\\u12G4"', "ESCAPE"), ('"a\nb"', "CONTROL"),
                 ('"\x00"', "CONTROL"), ('"\x1f"', "CONTROL"), ("1" * 4301, "NUMBER_LIMIT"), ("[1] x", "SYNTAX"),
                 ("\x0b1", "SYNTAX"), ("1\x00", "SYNTAX")]:
        yield canonical_line(t, e)
    yield canonical_line("1" * 4300)
    yield canonical_line("-" + "9" * 4300)
    for b in BAD_UTF8:
        yield canonical_line(b'["' + b + b'"]', "UTF8" if b not in (b"\xc3", b"\xe2\x82", b"\xf0\x9f\x98") else "UTF8")
        yield canonical_line(b'"ab' + b, "TRUNCATED" if b in (b"\xc3", b"\xe2\x82", b"\xf0\x9f\x98") else "UTF8")


def cbor_head(major, n):
    if n < 24:
        return bytes([major << 5 | n])
    for ai, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | ai]) + n.to_bytes(size, "big")
    raise ValueError(n)


def cbor_preferred(x):
    """RFC 8949 section 4.2.2: integers with the shortest head; floats in the shortest of half,
    single and double precision that represents the value exactly."""
    if isinstance(x, int):
        return cbor_head(0, x) if x >= 0 else cbor_head(1, -1 - x)
    for head, fmt in ((b"\xf9", ">e"), (b"\xfa", ">f")):
        try:
            packed = struct.pack(fmt, x)
        except OverflowError:
            continue
        if struct.unpack(fmt, packed)[0] == x:
            return head + packed
    return b"\xfb" + struct.pack(">d", x)


def cbor_encode_line(x):
    key = {"bits": bits_of(x)} if isinstance(x, float) else {"int": str(x)}
    line = {"kind": "cbor_encode", **key, "hex": cbor_preferred(x).hex()}
    peer = cbor2.dumps(x, canonical=True).hex()
    if peer != line["hex"]:
        line["cbor2"] = peer
    return line


def random_value(rnd, depth=0):
    k = rnd.randrange(9 if depth < 4 else 6)
    if k == 0:
        return rnd.choice([True, False, None])
    if k == 1:
        return rnd.choice([0, 1, 23, 24, 255, 256, 65535, 65536, 2 ** 32, 2 ** 64 - 1, -1, -24, -25, -2 ** 64,
                           rnd.randint(-2 ** 64, 2 ** 64 - 1), rnd.randint(-1000, 1000)])
    if k in (2, 3):
        return rnd.choice([random_double(rnd), 684.0, 0.5, -0.0, 65504.0, 1.0 / 3, 5.960464477539063e-08,
                           float(rnd.randint(-2048, 2048)), rnd.randint(-100, 100) / 4])
    if k in (4, 5):
        return random_string(rnd)
    if k in (6, 7):
        return [random_value(rnd, depth + 1) for _ in range(rnd.randint(0, 5))]
    return {random_string(rnd, rnd.randint(0, 4)): random_value(rnd, depth + 1) for _ in range(rnd.randint(0, 5))}


def cbor_variant(rnd, v):
    """CBOR of v; half the time with indefinite lengths, chunked text and non-preferred float widths."""
    if not rnd.random() < 0.5:
        return cbor2.dumps(v, canonical=rnd.random() < 0.5)
    if isinstance(v, list):
        body = b"".join(cbor_variant(rnd, x) for x in v)
        return (b"\x9f" + body + b"\xff") if rnd.random() < 0.5 else cbor_head(4, len(v)) + body
    if isinstance(v, dict):
        body = b"".join(cbor_variant(rnd, k) + cbor_variant(rnd, x) for k, x in v.items())
        return (b"\xbf" + body + b"\xff") if rnd.random() < 0.5 else cbor_head(5, len(v)) + body
    if isinstance(v, str) and rnd.random() < 0.5:
        cut = rnd.randint(0, len(v))
        chunks = [v[:cut], v[cut:]]
        return b"\x7f" + b"".join(cbor2.dumps(c) for c in chunks) + b"\xff"
    if isinstance(v, float):
        return rnd.choice([b"\xfb" + struct.pack(">d", v), cbor2.dumps(v, canonical=True)])
    return cbor2.dumps(v)


def cbor_line(data, rnd=None, error=None):
    line = {"kind": "cbor", "hex": data.hex()}
    if error:
        line["error"] = error
    else:
        out = dumps(cbor2.loads(data))
        line["out"] = out
    return line


def cbor_errors():
    for h, e in [("", "CBOR_TRUNCATED"), ("18", "CBOR_TRUNCATED"), ("1a0000", "CBOR_TRUNCATED"), ("62616", "CBOR_TRUNCATED"),
                 ("826161", "CBOR_TRUNCATED"), ("9f01", "CBOR_TRUNCATED"), ("4161", "CBOR_UNSUPPORTED"),
                 ("c11a514b67b0", "CBOR_UNSUPPORTED"), ("c249010000000000000000", "CBOR_UNSUPPORTED"), ("f7", "CBOR_UNSUPPORTED"),
                 ("f0", "CBOR_UNSUPPORTED"), ("f820", "CBOR_UNSUPPORTED"), ("f810", "CBOR_SYNTAX"), ("ff", "CBOR_SYNTAX"),
                 ("1c", "CBOR_SYNTAX"), ("5f", "CBOR_UNSUPPORTED"), ("7f01ff", "CBOR_SYNTAX"), ("7f7f6161ffff", "CBOR_SYNTAX"),
                 ("0101", "CBOR_SYNTAX"), ("a10101", "CBOR_KEY"), ("a1f601", "CBOR_KEY"), ("bf6161ff", "CBOR_SYNTAX"),
                 ("a2616101616102", "DUPLICATE_KEY"), ("f97c00", "NOT_FINITE"), ("f97e00", "NOT_FINITE"),
                 ("fa7f800000", "NOT_FINITE"), ("fbfff0000000000000", "NOT_FINITE"), ("fb7ff8000000000000", "NOT_FINITE"),
                 ("61ff", "UTF8"), ("62c328", "UTF8"), ("63eda080", "UTF8"), ("3f", "CBOR_SYNTAX"),
                 ("81" * 33 + "01", "DEPTH"), ("81" * 32 + "01", None), ("9f" * 32 + "ff" * 32, None), ("9f" * 33 + "ff" * 33, "DEPTH")]:
        data = bytes.fromhex(h) if len(h) % 2 == 0 else bytes.fromhex(h[:-1])
        yield cbor_line(data, error=e)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--out", default="tests/vectors/json_canonical.jsonl")
    ap.add_argument("--stdout", action="store_true")
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    decimal.getcontext().prec = 2000
    n = lambda k: max(1, int(k * args.scale))
    lines = []
    for _ in range(n(3500)):
        x = random_double(rnd)
        lines.append({"kind": "format", "bits": bits_of(x), "out": repr(x)})
    for _ in range(n(2500)):
        t = number_text(rnd, random_double(rnd))
        if not any(c in t for c in ".eE"):
            t += "e0"  # a float literal, as json reads it
        v = float(t)
        line = {"kind": "parse", "text": t}
        if math.isfinite(v):
            line["bits"] = bits_of(v)
        else:
            line["error"] = "NOT_FINITE"
        lines.append(line)
    for _ in range(n(800)):
        s = random_string(rnd)
        lines.append({"kind": "string", "hex": s.encode("utf-8").hex(), "out": json.dumps(s)})
    for b in BAD_UTF8:
        lines.append({"kind": "string", "hex": (b"ok" + b).hex(), "error": "UTF8"})
    for _ in range(n(600)):
        lines.append(canonical_line(ws(rnd) + random_text(rnd) + ws(rnd)))
    lines.extend(canonical_errors(rnd))
    if cbor2 is not None:
        for _ in range(n(500)):
            lines.append(cbor_line(cbor_variant(rnd, random_value(rnd))))
        lines.extend(cbor_errors())
        for _ in range(n(600)):
            x = random_value(rnd) if rnd.random() < 0.2 else random_double(rnd)
            if isinstance(x, float) or (isinstance(x, int) and not isinstance(x, bool) and -2 ** 63 <= x < 2 ** 63):
                lines.append(cbor_encode_line(x))
    text = "".join(json.dumps(line, separators=(",", ":")) + "\n" for line in lines)
    if args.stdout:
        sys.stdout.write(text)
    else:
        with open(args.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()

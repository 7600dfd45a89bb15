#!/usr/bin/env python3
"""Seed corpora for the fuzz targets, from the conformance vectors (tests/vectors/*.jsonl).
Usage: make_corpus.py OUTDIR. Writes OUTDIR/<target>/<n> files in each target's input layout
(see the comment at the top of tests/fuzz/fuzz_<target>.c)."""
import json, os, struct, sys

import cbor2

VEC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "vectors")
out_dir = sys.argv[1]
counts = {}


def emit(target, data):
    d = os.path.join(out_dir, target)
    os.makedirs(d, exist_ok=True)
    n = counts.get(target, 0)
    counts[target] = n + 1
    with open(os.path.join(d, "seed-%04d" % n), "wb") as f:
        f.write(data)


def lines(name):
    with open(os.path.join(VEC, name)) as f:
        return [json.loads(l) for l in f if l.strip()]


# ---- token: key[16] starting_code:u32 count:u16 flags:u8 now:u32, entries [advance:u8] text '\n'
def token_seed(key, sc, count, flags, texts):
    b = bytes.fromhex(key) + struct.pack("<IHBI", sc or 0, count & 0xFFFF, flags, 1000)
    return b + b"".join(b"\x00" + t.encode() + b"\n" for t in texts)


for v in lines("tokens_reference.jsonl") + lines("tokens_random.jsonl"):
    flags = 1 if v["restricted_digit_set"] else 0
    emit("token", token_seed(v["key"], v["starting_code"], v["count"], flags, [v["token"], v["token"]]))
for v in lines("device_procedure.jsonl") + lines("device_procedure_official.jsonl"):
    texts = [s["token"] for s in v["steps"] if "token" in s]
    for i in range(0, len(texts), 8):
        emit("token", token_seed(v["key"], v["starting_code"], v["count"], 2, texts[i:i + 8]))
        emit("token", token_seed(v["key"], v["starting_code"], v["count"], 0, texts[i:i + 8]))

# ---- state: mode:u8 now:u32 blob[32] tokens: xor with zero (the valid blob), single bit flips
for mode in (0, 1, 3):
    for bit in (-1, 0, 17, 40, 130, 200, 255):
        blob = bytearray(32)
        if bit >= 0:
            blob[bit // 8] ^= 1 << (bit % 8)
        emit("state", struct.pack("<BI", mode, 5000) + bytes(blob) + b"123456789")
emit("state", struct.pack("<BI", 0, 0) + b"OP\x01" + bytes(29))


# ---- request: a program of export calls (see fuzz_request.c)
def ln(n):
    return bytes([n]) if n < 0xFB else b"\xfc" + struct.pack("<I", n)


def fill(bs):
    assert len(bs) <= 255
    return bytes([len(bs)]) + bs


def put_value(name, value):
    nb = name.encode()
    if isinstance(value, bool):
        return b"\x0a" + fill(nb) + ln(len(nb)) + bytes([int(value)])
    if value is None:
        return b"\x0b" + fill(nb) + ln(len(nb))
    if isinstance(value, int) and -2**63 <= value < 2**63:
        return b"\x08" + fill(nb) + ln(len(nb)) + struct.pack("<q", value)
    if isinstance(value, float):
        return b"\x09" + fill(nb) + ln(len(nb)) + struct.pack("<d", value)
    if isinstance(value, list):
        return (b"\x0d" + fill(nb) + ln(len(nb)) + b"".join(put_value("", x) for x in value) + b"\x0e")
    vb = (value if isinstance(value, str) else json.dumps(value)).encode()
    return b"\x0c" + fill(nb + vb) + ln(len(nb)) + ln(len(vb))


def accessory(text):
    """op 17 (a byte that is 16 mod 17, from 0x80): an accessory request, then the encode's form and CBOR flag."""
    return b"\x87" + struct.pack("<H", len(text)) + text + b"\x00\x00"


# accessory requests: other vectors' condensed payloads, and ones with a key twice
ACCESSORIES = [v["condensed"].encode() for v in lines("metrics_requests.jsonl") if 0 < len(v.get("condensed") or "") < 600][::8]
ACCESSORIES += [b'{"sn":"A","sn":"B"}', b'{"sn":"A","d":{"x":1,"x":2}}', b'{"sn":"A","s\\u006e":"B"}',
                b'{"sn":"A","d":{"x":1},"hd":[{"x":2},{"x":{"x":3}}]}']

AUTH = {None: 0, "sa": 1, "ta": 2, "ca": 3, "da": 4, "ra": 5}
for i, v in enumerate(lines("metrics_requests.jsonl")):
    p = b"\x00" + fill(v["serial_number"].encode()) + ln(len(v["serial_number"].encode())) + bytes([AUTH[v["auth_method"]]])
    fmt = v.get("data_format")
    if fmt:
        interval = int("historical_data_interval" in fmt)
        if "id" in fmt:
            p += b"\x01" + struct.pack("<qB", fmt["id"], interval)
        else:
            text = json.dumps(fmt, separators=(",", ":")).encode()
            if len(text) > 255:
                continue
            p += b"\x02" + fill(text) + ln(len(text)) + bytes([interval])
        for lst, key in ((0, "data_order"), (1, "historical_data_order")):
            for name in fmt.get(key, []):
                p += b"\x03" + fill(name.encode()) + bytes([lst]) + ln(len(name.encode()))
    if v.get("timestamp") is not None:
        p += b"\x04" + struct.pack("<q", v["timestamp"])
    if v.get("request_count") is not None:
        p += b"\x05" + struct.pack("<q", v["request_count"])
    rows = v.get("historical_data") or []
    for row in rows if isinstance(rows, list) else []:
        p += b"\x06\x02" + b"".join(put_value(k, x) for k, x in row.items()) + b"\x07"
    if v.get("data"):
        p += b"\x06\x01" + b"".join(put_value(k, x) for k, x in v["data"].items()) + b"\x07"
    for form, cb in ((0, 0), (1, 0), (0, 1), (1, 1)):
        p += b"\x0f" + bytes([form, cb])
    emit("request", p)
    if i % 4 == 0:
        emit("request", p + accessory(ACCESSORIES[(i // 4) % len(ACCESSORIES)]))


# ---- server: flags:u8 key[16] last_ts last_rc received_at:u64 format_len answer_len:u16 fmt ans body
def server_seed(flags, key, body, fmt=b"", ans=b"", received_at=0, last=(0, 0)):
    return (bytes([flags]) + bytes.fromhex(key) + struct.pack("<QQQHH", last[0] & 2**64 - 1, last[1] & 2**64 - 1,
                                                             received_at & 2**64 - 1, len(fmt), len(ans)) + fmt + ans + body)


for v in lines("metrics_expand.jsonl"):
    body = v["payload"].encode()
    fmt = json.dumps(v["data_format"], separators=(",", ":")).encode() if v.get("data_format") else b""
    emit("server", server_seed(2 if fmt else 0, v["key"], body, fmt, received_at=v.get("received_at") or 0))
    emit("server", server_seed(3 if fmt else 1, v["key"], cbor2.dumps(json.loads(body)), fmt, received_at=v.get("received_at") or 0))
for v in lines("metrics_responses.jsonl"):
    ans = json.dumps(v["answer"], separators=(",", ":")).encode()
    emit("server", server_seed(4, v["key"], v["request"].encode(), b"", ans))

# ---- json / cbor: request payloads, canonical-JSON vectors, and their CBOR forms
for v in lines("metrics_requests.jsonl"):
    for text in (v.get("simple"), v.get("condensed")):
        if text:
            emit("json", text.encode())
            emit("cbor", cbor2.dumps(json.loads(text)))
for i, v in enumerate(lines("json_canonical.jsonl")):
    if v["kind"] in ("canonical", "parse") and "text" in v and i % 8 == 0:
        emit("json", v["text"].encode())
    elif v["kind"] == "cbor" and "hex" in v and i % 4 == 0:
        emit("cbor", bytes.fromhex(v["hex"]))

# request_full takes the same programs as request
src = os.path.join(out_dir, "request")
for name in sorted(os.listdir(src)):
    with open(os.path.join(src, name), "rb") as f:
        emit("request_full", f.read())
print("seeds:", ", ".join("%s %d" % kv for kv in sorted(counts.items())))

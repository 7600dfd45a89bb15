"""The metrics vectors as flat lists of API calls with their expected results, shared by the C
harness (tests/c/gen_vectors.py writes them as C arrays) and the interpreters
(tests/interp/run_vectors.py runs them on the exports). Floats stay floats: Python's json keeps
684.0 (float) apart from 684 (int), and so do these ops (PUT_FLOAT vs PUT_INT).

An op is a dict: op (name below), and as the op needs: name (bytes), text (bytes), i (int),
f (float), flag (0/1), expect (EXPECT_*), want (int), out (expected bytes). A vector is
(where, ops, full_only, refuse): full_only vectors need the server side (opaygo.wasm);
refuse vectors pass when some call returns a negative code (the reference raised an error) and
fail when every call succeeds. for_features() adapts a vector to a build profile."""
import json
import os

OPS = ["KEY", "INIT", "FORMAT_ID", "FORMAT_OBJECT", "FORMAT_NAME", "TIMESTAMP", "REQUEST_COUNT",
       "ROW_BEGIN", "ROW_END", "PUT_INT", "PUT_FLOAT", "PUT_BOOL", "PUT_NULL", "PUT_STRING",
       "ARRAY_BEGIN", "ARRAY_END", "ENCODE", "CBOR_CHECK", "RING_ROWS", "ANSWER_APPLY", "ANSWER_TOKENS",
       "SERVER_LOAD", "SERVER_VERIFY", "SERVER_EXPAND", "SERVER_ANSWER"]
# EXPECT_OK: result >= 0. EXPECT_OUT: the output is `out` byte for byte (ENCODE on the device
# build: or OPAYGO_ERR_METRICS_FULL exactly when `out` is longer than the output capacity).
# EXPECT_VALUE: result == want. EXPECT_NOT_VALID: a verification result other than valid / unsigned.
EXPECTS = ["EXPECT_OK", "EXPECT_OUT", "EXPECT_VALUE", "EXPECT_NOT_VALID"]
# Codes and enums by their canonical names (the C API's without OPAYGO_), from abi/abi.json.
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "abi", "abi.json")) as _f:
    _abi = json.load(_f)
ABI = {c["name"]: c["value"] for c in _abi["codes"]}
ABI.update({m["name"]: m["value"] for e in _abi["enums"] for m in e["members"]})
AUTH = {(None if m["label"] == "none" else m["label"]): m["value"]
        for e in _abi["enums"] if e["name"] == "METRICS_AUTH" for m in e["members"]}
CONDENSED, SIMPLE = ABI["METRICS_CONDENSED"], ABI["METRICS_SIMPLE"]
ROW_CURRENT, ROW_HISTORICAL = ABI["METRICS_ROW_CURRENT"], ABI["METRICS_ROW_HISTORICAL"]
VERIFY_VALID, VERIFY_UNSIGNED = ABI["VERIFY_VALID"], ABI["VERIFY_UNSIGNED"]
ANSWER_TOKENS, ANSWER_SIGNED = ABI["ANSWER_TOKENS"], ABI["ANSWER_SIGNED"]
SEED_NOW = 1611583100  # device time when the seed scenario's answer arrives


def op(kind, **kw):
    d = {"op": kind, "name": b"", "text": b"", "i": 0, "f": 0.0, "flag": 0, "expect": "EXPECT_OK", "want": 0, "out": b""}
    d.update(kw)
    return d


def compact(v):
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False).encode()


def put_value(ops, name, v, in_array=False):
    n = b"" if in_array else name.encode()
    if isinstance(v, list):
        assert not in_array, "arrays inside arrays"
        ops.append(op("ARRAY_BEGIN", name=n))
        for e in v:
            put_value(ops, name, e, True)
        ops.append(op("ARRAY_END"))
    elif v is None:
        ops.append(op("PUT_NULL", name=n))
    elif isinstance(v, bool):  # before int: bool is an int in Python
        ops.append(op("PUT_BOOL", name=n, i=int(v)))
    elif isinstance(v, int):
        assert -(1 << 63) <= v < (1 << 63), "64-bit integers only"
        ops.append(op("PUT_INT", name=n, i=v))
    elif isinstance(v, float):
        ops.append(op("PUT_FLOAT", name=n, f=v))
    elif isinstance(v, str):
        ops.append(op("PUT_STRING", name=n, text=v.encode()))
    else:
        raise ValueError(f"not a metric value: {v!r}")


def request_ops(v):
    """The device's calls for a request line (what bindings/metrics.ts MetricsEncoder does)."""
    ops = [op("KEY", text=bytes.fromhex(v["key"])),
           op("INIT", name=v["serial_number"].encode(), i=AUTH[v["auth_method"]])]
    f = v.get("data_format")
    if f:
        interval = 1 if f.get("historical_data_interval") else 0
        if f.get("id"):
            ops.append(op("FORMAT_ID", i=f["id"], flag=interval))
        else:
            ops.append(op("FORMAT_OBJECT", text=compact(f), flag=interval))
        for lst, key in ((0, "data_order"), (1, "historical_data_order")):
            for name in f.get(key) or []:
                ops.append(op("FORMAT_NAME", i=lst, name=name.encode()))
    if v.get("timestamp") is not None:
        ops.append(op("TIMESTAMP", i=v["timestamp"]))
    if v.get("request_count") is not None:
        ops.append(op("REQUEST_COUNT", i=v["request_count"]))
    for which, rows in ((ROW_CURRENT, [v["data"]]), (ROW_HISTORICAL, v["historical_data"])):
        for row in rows:
            ops.append(op("ROW_BEGIN", i=which))
            for name, value in row.items():
                put_value(ops, name, value)
            ops.append(op("ROW_END"))
    return ops


FEATURE = {m["name"]: m["value"] for e in _abi["enums"] if e["name"] == "METRICS_FEATURES" for m in e["members"]}
ALL_FEATURES = None  # every feature: the vectors as they are
# what metrics_features() returns for a build with every feature
FEATURE_MASK = sum(v for n, v in FEATURE.items() if n != "FEATURE_AUTH_SHIFT") | (0x3f << FEATURE["FEATURE_AUTH_SHIFT"])


def profile_features(target):
    """The FEATURE_* bits of an asconfig.json target, from its --use flags (assembly/profile.ts:
    every flag defaults to the feature being in)."""
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "asconfig.json")) as fh:
        use = dict(u.split("=", 1) for u in json.load(fh)["targets"][target]["use"])
    flag = lambda name: int(use.get(name, "1"), 0) != 0  # noqa: E731
    bits = {"OPAYGO_JSON": "FEATURE_JSON", "OPAYGO_CBOR": "FEATURE_CBOR", "OPAYGO_SIMPLE": "FEATURE_SIMPLE",
            "OPAYGO_ACCESSORIES": "FEATURE_ACCESSORIES", "OPAYGO_FORMAT_OBJECT": "FEATURE_FORMAT_OBJECT",
            "OPAYGO_ANSWER_OBJECTS": "FEATURE_ANSWER_OBJECTS", "OPAYGO_FLOATS": "FEATURE_FLOATS"}
    features = sum(FEATURE[f] for u, f in bits.items() if flag(u))
    return features | ((int(use.get("OPAYGO_AUTH", "0x3f"), 0) & 0x3f) << FEATURE["FEATURE_AUTH_SHIFT"])


def for_features(ops, refuse, features):
    """The ops as a build with these FEATURE_* bits (metrics_features()) runs them: the first call
    that needs a feature the build left out must return ERR_METRICS_NOT_BUILT (a variable outside
    the data format, without the simple form: ERR_METRICS_UNKNOWN_VARIABLE when it is put; a float
    put, or an answer holding a number with a fraction or an exponent, without floats), and the
    vector ends there; a simple ENCODE is refused and the vector goes on. None: the vector
    cannot say anything on this build (a refuse vector that reaches a feature left out: the
    reference's refusal may lie past it)."""
    if features is ALL_FEATURES:
        return ops
    out, names, row_list, in_array = [], ([], []), 0, False

    def stop(o, code):
        if refuse:
            return None
        out.append(dict(o, expect="EXPECT_VALUE", want=ABI[code]))
        return out
    for o in ops:
        k = o["op"]
        if k == "INIT" and not features & (1 << (FEATURE["FEATURE_AUTH_SHIFT"] + o["i"])):
            return stop(o, "ERR_METRICS_NOT_BUILT")
        if k == "FORMAT_OBJECT" and not features & FEATURE["FEATURE_FORMAT_OBJECT"]:
            return stop(o, "ERR_METRICS_NOT_BUILT")
        if k == "FORMAT_NAME":
            names[o["i"]].append(o["name"])
        if k == "ROW_BEGIN":
            row_list = 0 if o["i"] == ROW_CURRENT else 1
        if (k.startswith("PUT_") or k == "ARRAY_BEGIN") and not in_array and not features & FEATURE["FEATURE_SIMPLE"] \
                and o["name"] not in names[row_list]:
            return stop(o, "ERR_METRICS_UNKNOWN_VARIABLE")
        if k in ("ARRAY_BEGIN", "ARRAY_END"):
            in_array = k == "ARRAY_BEGIN"
        if not features & FEATURE["FEATURE_FLOATS"] and (k == "PUT_FLOAT" or k == "ANSWER_APPLY" and has_float(o["text"])):
            return stop(o, "ERR_METRICS_NOT_BUILT")
        if k == "ENCODE" and o["i"] == SIMPLE and not features & FEATURE["FEATURE_SIMPLE"]:
            if refuse:
                continue  # refused for want of the feature: says nothing of the reference's refusal
            out.append(dict(o, expect="EXPECT_VALUE", want=ABI["ERR_METRICS_NOT_BUILT"]))
            continue
        out.append(o)
    return out


def has_float(text):
    """Whether JSON text holds a number that Python reads as a float."""
    found = []
    json.loads(text, parse_float=lambda s: found.append(s) or 0.0)
    return bool(found)


def request_vectors(vector_dir, name):
    out = []
    with open(os.path.join(vector_dir, name)) as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            v = json.loads(line)
            where = f"{name}:{n}"
            ops = request_ops(v)
            if "error" in v:
                ops += [op("ENCODE", i=CONDENSED), op("ENCODE", i=SIMPLE)]
                out.append((where, ops, False, True))
                continue
            ops += [op("ENCODE", i=CONDENSED, expect="EXPECT_OUT", out=v["condensed"].encode()),
                    op("ENCODE", i=SIMPLE, expect="EXPECT_OUT", out=v["simple"].encode())]
            out.append((where, ops, False, False))
            # CBOR carries the same values: loaded by the server it is the condensed payload.
            out.append((where + " cbor", request_ops(v) + [op("CBOR_CHECK", expect="EXPECT_OUT", out=v["condensed"].encode())], True, False))
    return out


def vectors(vector_dir):
    # the requests, and those with a format by id as the lean profile makes them (ra, integer
    # readings: tests/peers/make_profile_vectors.py)
    out = request_vectors(vector_dir, "metrics_requests.jsonl") + request_vectors(vector_dir, "metrics_requests_int.jsonl")
    with open(os.path.join(vector_dir, "metrics_responses.jsonl")) as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            v = json.loads(line)
            ops = [op("KEY", text=bytes.fromhex(v["key"])),
                   op("SERVER_LOAD", text=v["request"].encode()),
                   op("SERVER_ANSWER", text=compact(v["answer"]), flag=1, expect="EXPECT_OUT", out=v["payload"].encode())]
            out.append((f"metrics_responses.jsonl:{n}", ops, True, False))
    with open(os.path.join(vector_dir, "metrics_expand.jsonl")) as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            v = json.loads(line)
            fmt = b"" if v["data_format"] is None else compact(v["data_format"])
            want = json.dumps(v["simple_metrics"], separators=(",", ":")).encode()  # canonical: Python's
            verify = ({None: op("SERVER_VERIFY", expect="EXPECT_VALUE", want=VERIFY_UNSIGNED),
                       True: op("SERVER_VERIFY", expect="EXPECT_VALUE", want=VERIFY_VALID),
                       False: op("SERVER_VERIFY", expect="EXPECT_NOT_VALID")})[v["auth_valid"]]
            ops = [op("KEY", text=bytes.fromhex(v["key"])),
                   op("SERVER_LOAD", text=v["payload"].encode()),
                   op("SERVER_EXPAND", text=fmt, i=v["received_at"], expect="EXPECT_OUT", out=want),
                   verify]
            out.append((f"metrics_expand.jsonl:{n}", ops, True, False))
    # the seed scenario, and the same with integer readings (x100: make_int_scenario.py)
    for name in ("seed_scenario.json", "seed_scenario_int.json"):
        with open(os.path.join(vector_dir, name)) as fh:
            v = json.load(fh)
        cond, simple, answer = v["condensed"].encode(), v["simple"].encode(), v["answer"].encode()
        ops = request_ops(v) + [op("RING_ROWS", expect="EXPECT_VALUE", want=len(v["historical_data"])),
                                op("ENCODE", i=CONDENSED, expect="EXPECT_OUT", out=cond),
                                op("ENCODE", i=SIMPLE, expect="EXPECT_OUT", out=simple),
                                # the server's answer, signed: one token; it acknowledges the rows sent
                                op("ANSWER_APPLY", text=answer, i=SEED_NOW, expect="EXPECT_VALUE",
                                   want=ANSWER_TOKENS | ANSWER_SIGNED),
                                op("ANSWER_TOKENS", expect="EXPECT_VALUE", want=1),
                                op("RING_ROWS", expect="EXPECT_VALUE", want=0)]
        out.append((f"{name} device", ops, False, False))
        ops = [op("KEY", text=bytes.fromhex(v["key"])), op("SERVER_LOAD", text=cond),
               op("SERVER_VERIFY", expect="EXPECT_VALUE", want=VERIFY_VALID),
               op("SERVER_ANSWER", text=compact({"token_list": json.loads(answer)["tkl"]}), flag=1, expect="EXPECT_OUT", out=answer)]
        out.append((f"{name} server", ops, True, False))
    return out

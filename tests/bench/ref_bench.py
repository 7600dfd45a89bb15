"""Reference side of `make bench`: the OpenPAYGO reference library (openpaygo from PyPI) on the
bench inputs.
  ref_bench.py metrics [--quick]   the bench's metrics cases (built here, one source for all
                                   engines) and the reference's condensed / simple / answer bytes
  ref_bench.py decode              stdin: {"key","starting_code","repeat","cases":[{"count","token"}]}
                                   -> each case's reference result (type: openpaygo's TokenType code,
                                   1 ADD_TIME ... 10 INVALID) and median seconds per decode
Prints one JSON document on stdout."""
import copy
import json
import os
import statistics
import sys
import time

import openpaygo
from openpaygo.metrics_request import MetricsRequestHandler
from openpaygo.metrics_response import MetricsResponseHandler
from openpaygo.token_decode import OpenPAYGOTokenDecoder

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = os.path.join(HERE, "..", "vectors", "seed_scenario.json")
if not os.path.exists(SEED):
    SEED = os.path.join(HERE, "..", "..", "..", "shared", "vectors", "seed_scenario.json")
SCALE = 100  # scale_factor integers: value x 100, rounded


def scaled(row):
    return {k: (round(v * SCALE) if isinstance(v, float) else v) for k, v in row.items()}


def cases():
    seed = json.load(open(SEED))
    base = {"serial_number": seed["serial_number"], "key": seed["key"]}
    seed_case = dict(base, auth_method=seed["auth_method"], timestamp=seed["timestamp"], request_count=None,
                     data_format=seed["data_format"], data=seed["data"], historical_data=seed["historical_data"],
                     tokens=["703181784"])
    # A simple device: one status update, no history, counter auth (ca).
    simple_format = {"id": 7, "data_order": ["token_count", "battery_voltage", "tampered"]}
    simple_case = dict(base, auth_method="ca", timestamp=None, request_count=1, data_format=simple_format,
                       data={"token_count": 13, "battery_voltage": 13.22, "tampered": False}, historical_data=[],
                       tokens=["703181784"])
    out = []
    for name, c in (("seed", seed_case), ("simple-device", simple_case)):
        out.append(dict(c, name=name, numbers="float"))
        s = copy.deepcopy(c)
        s.update(name=name, numbers="int_x100", data=scaled(c["data"]),
                 historical_data=[scaled(r) for r in c["historical_data"]])
        out.append(s)
    return out


def reference_bytes(c):
    def handler():
        h = MetricsRequestHandler(c["serial_number"], data_format=copy.deepcopy(c["data_format"]),
                                  secret_key=c["key"], auth_method=c["auth_method"])
        if c["timestamp"]:
            h.set_timestamp(c["timestamp"])
        if c["request_count"]:
            h.set_request_count(c["request_count"])
        h.set_data(copy.deepcopy(c["data"]))
        if c["historical_data"]:
            h.set_historical_data(copy.deepcopy(c["historical_data"]))
        return h
    condensed = handler().get_condensed_request_payload()
    simple = handler().get_simple_request_payload()
    r = MetricsResponseHandler(condensed, data_format=copy.deepcopy(c["data_format"]), secret_key=c["key"])
    r.add_tokens_to_answer(list(c["tokens"]))
    return {"condensed": condensed, "simple": simple, "answer": r.get_answer_payload()}


def decode(spec):
    key, sc, repeat = spec["key"], spec.get("starting_code"), spec["repeat"]
    out = []
    for case in spec["cases"]:
        def once():
            return OpenPAYGOTokenDecoder.decode_token(case["token"], key, case["count"], used_counts=None,
                                                      starting_code=sc)
        value, kind, count, _ = once()
        times = []
        reps = max(1, repeat if case["count"] < 5000 else repeat // 2)
        for _ in range(reps):
            t = time.perf_counter()
            once()
            times.append(time.perf_counter() - t)
        out.append({"count": case["count"], "token": case["token"], "type": kind,
                    "value": value, "token_count": count, "seconds": statistics.median(times), "runs": reps})
    return out


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "metrics"
    version = getattr(openpaygo, "__version__", None)
    if version is None:
        from importlib.metadata import version as v
        version = v("openpaygo")
    if mode == "metrics":
        cs = cases()
        print(json.dumps({"openpaygo": version, "cases": [dict(c, ref=reference_bytes(c)) for c in cs]}))
    elif mode == "decode":
        print(json.dumps({"openpaygo": version, "decode": decode(json.load(sys.stdin))}))
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()

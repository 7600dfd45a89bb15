"""Writes the vectors of the profiles with fewer Metrics features (docs/profiles.md) through the
reference library openpaygo 0.6.3:
  tests/vectors/seed_scenario_int.json   the seed scenario (seed_scenario.json) as a device that
      sends integer readings sends it: each reading x100 as an integer (what the fleet simulator
      does, with scale_factor 0.01 in the data format); its condensed and simple payloads and the
      reference's signed answer carrying the same token
  tests/vectors/metrics_requests_int.jsonl   every request of metrics_requests.jsonl whose data
      format goes by id as the lean profile makes it: signed with `ra` (its one auth method), each
      float x100 as an integer (saturated to 64 bits); condensed and simple payloads, or the
      reference's error
Usage: python3 tests/peers/make_profile_vectors.py [DIR]   (DIR: write there, default tests/vectors)"""
import json
import os
import sys

from openpaygo import MetricsRequestHandler, MetricsResponseHandler

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(HERE, "..", "vectors")


def payloads(v):
    """The reference's condensed and simple payloads of a request line (timestamp set first)."""
    def make(form):
        h = MetricsRequestHandler(v["serial_number"], data_format=v["data_format"], secret_key=v["key"],
                                  auth_method=v["auth_method"])
        if v.get("timestamp") is not None:
            h.set_timestamp(v["timestamp"])
        if v.get("request_count") is not None:
            h.set_request_count(v["request_count"])
        h.set_data(v["data"])
        if v["historical_data"]:
            h.set_historical_data(v["historical_data"])
        return h.get_condensed_request_payload() if form == "condensed" else h.get_simple_request_payload()
    return make("condensed"), make("simple")


def int_scenario():
    with open(os.path.join(VECTORS, "seed_scenario.json")) as f:
        seed = json.load(f)
    v = {k: seed[k] for k in ("serial_number", "key", "auth_method", "timestamp", "data_format", "data")}
    # the readings have 2 decimals: x100 is an exact integer once rounded
    v["historical_data"] = [{k: round(x * 100) for k, x in row.items()} for row in seed["historical_data"]]
    v["condensed"], v["simple"] = payloads(v)
    # the seed scenario's token back, in an answer the reference signs for this request
    h = MetricsResponseHandler(v["condensed"], secret_key=v["key"])
    h.add_tokens_to_answer(json.loads(seed["answer"])["tkl"])
    v["answer"] = h.get_answer_payload()
    v["bytes"] = {k: len(v[k].encode()) for k in ("condensed", "simple", "answer")}
    return v


def x100(v):
    if isinstance(v, float):
        return max(-(1 << 63), min((1 << 63) - 1, round(v * 100)))
    if isinstance(v, list):
        return [x100(x) for x in v]
    if isinstance(v, dict):
        return {k: x100(x) for k, x in v.items()}
    return v


def int_requests():
    out = []
    with open(os.path.join(VECTORS, "metrics_requests.jsonl")) as f:
        for line in f:
            if not line.strip():
                continue
            v = json.loads(line)
            if not (v.get("data_format") or {}).get("id"):
                continue
            v = {k: x for k, x in v.items() if k not in ("condensed", "simple", "error")}
            v["auth_method"] = "ra"
            v["data"] = x100(v["data"])
            v["historical_data"] = x100(v["historical_data"])
            try:
                v["condensed"], v["simple"] = payloads(v)
            except Exception as e:  # the reference refuses this input
                v["error"] = f"{type(e).__name__}: {e}"
            out.append(v)
    return out


def main():
    where = sys.argv[1] if len(sys.argv) > 1 else VECTORS
    with open(os.path.join(where, "seed_scenario_int.json"), "w") as f:
        json.dump(int_scenario(), f, indent=1)
        f.write("\n")
    with open(os.path.join(where, "metrics_requests_int.jsonl"), "w") as f:
        for v in int_requests():
            f.write(json.dumps(v, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()

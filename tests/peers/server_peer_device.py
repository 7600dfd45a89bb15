"""A second kind of device: the reference library `openpaygo` (PyPI) writes OpenPAYGO Metrics
requests to our reference server over HTTP and checks its answers (signature, tokens).

Usage: python3 metrics_peer.py CONFIG_JSON  (base, serial, key, starting_code, data_format, t0)
Prints one JSON object: what it sent (so the caller can compare the database) and what came back.
"""
import json
import sys
import urllib.error
import urllib.request

from openpaygo import MetricsRequestHandler, OpenPAYGOTokenDecoder
from openpaygo.metrics_shared import OpenPAYGOMetricsShared


def post(url, body):
    req = urllib.request.Request(url, data=body.encode("utf-8"), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=15) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


def main():
    cfg = json.loads(sys.argv[1])
    base, serial, key, fmt, t0 = cfg["base"], cfg["serial"], cfg["key"], cfg["data_format"], cfg["t0"]
    interval = fmt["historical_data_interval"]
    count = 1
    used_counts = None
    out = {"exchanges": [], "sent_rows": [], "tokens": []}
    # One request per auth method, each an hour after the last; counter auth without a timestamp.
    plan = [("ra", "condensed"), ("da", "condensed"), ("ta", "simple"), ("ca", "condensed")]
    for i, (method, form) in enumerate(plan):
        now = t0 + (i + 1) * 3600
        h = MetricsRequestHandler(serial, data_format=fmt, secret_key=key, auth_method=method)
        if method == "ca":
            h.set_request_count(i + 1)
        else:
            h.set_timestamp(now)
        h.set_data({"token_count": count, "tampered": False})
        rows = [{"battery_voltage": round(12.0 + i / 10 + k / 100, 2), "panel_voltage": 18.25} for k in range(3)]
        h.set_historical_data(rows)
        payload = h.get_condensed_request_payload() if form == "condensed" else h.get_simple_request_payload()
        status, text = post(base + "/dd", payload)
        entry = {"method": method, "form": form, "status": status, "answer": text}
        if status == 201:
            # rows go newest first from the request's time (the format's interval is negative)
            start = now if method != "ca" else None
            out["sent_rows"].append({"start": start, "interval": interval, "rows": rows})
            answer = json.loads(text)
            simple = OpenPAYGOMetricsShared.convert_dict_keys_to_simple(answer)
            signature = simple.pop("auth", None)
            if signature is not None:
                expected = OpenPAYGOMetricsShared.generate_response_signature_from_data(
                    simple, key, serial,
                    timestamp=None if method == "ca" else now,
                    request_count=(i + 1) if method == "ca" else None)
                entry["signature_ok"] = expected == signature
            for token in simple.get("token_list", []):
                value, token_type, new_count, used_counts = OpenPAYGOTokenDecoder.decode_token(
                    str(token), key, count, used_counts=used_counts, starting_code=cfg["starting_code"])
                out["tokens"].append({"token": str(token), "value": value, "type": str(token_type), "count": new_count})
                if new_count is not None:
                    count = new_count
        out["exchanges"].append(entry)
        if i == 0:
            # the same bytes again are a replay, and a changed row breaks the signature
            out["replay_status"] = post(base + "/dd", payload)[0]
            out["tampered_status"] = post(base + "/dd", payload.replace("18.25", "18.26", 1))[0]
    print(json.dumps(out))


if __name__ == "__main__":
    main()

"""wasm3 (pywasm3) side of `make bench`: token decode and metrics request encoding on
build/opaygo-device.wasm, timed with time.perf_counter (median of repeated batches).
stdin: {"wasm": PATH, "repeat": R, "key": HEX, "decode": [{"count","token","n"}],
        "encode": [{"name", "script": PATH, "n"}]}
stdout: {"decode": [{"result","seconds"}], "encode": [{"bytes","hex","seconds"}], "call_overhead_seconds"}
The scripts are the bench driver's (tests/bench/bench_driver.c): one operation a line."""
import json
import statistics
import struct
import sys
import time

import wasm3

AUTH = {"sa": 1, "ta": 2, "ca": 3, "da": 4, "ra": 5}


class Module:
    def __init__(self, path):
        env = wasm3.Environment()
        self.rt = env.new_runtime(64 * 1024)
        self.rt.load(env.parse_module(open(path, "rb").read()))
        self.f = {}

    def __getattr__(self, name):
        f = self.f.get(name)
        if f is None:
            f = self.f[name] = self.rt.find_function(name)
        return f

    def mem(self):
        return self.rt.get_memory(0)


def median_time(fn, n, repeat):
    fn(1)  # warm up
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn(n)
        times.append((time.perf_counter() - t) / n)
    return statistics.median(times)


def parse_script(path):
    ops = []
    for line in open(path):
        line = line.rstrip("\n")
        if line:
            ops.append(line.split("\t"))
    return ops


def compile_ops(m, ops):
    """Turns the script into a list of closures over the module's exports."""
    io_at = m.metrics_io_buffer()

    def io(a, b=b""):
        mem = m.mem()
        mem[io_at:io_at + len(a) + len(b)] = a + b
        return len(a)

    out = []
    for op in ops:
        k = op[0]
        if k == "key":
            key = bytes.fromhex(op[1])
            at = m.key_buffer()
            out.append(lambda key=key, at=at: m.mem().__setitem__(slice(at, at + 16), key))
        elif k == "init":
            out.append(lambda a=op[1].encode(), v=int(op[2]): m.metrics_init(io(a), v))
        elif k == "fmtid":
            out.append(lambda a=int(op[1]), b=int(op[2]): m.metrics_format_id(a, b))
        elif k == "name":
            out.append(lambda l=int(op[1]), a=op[2].encode(): m.metrics_format_name(l, io(a)))
        elif k == "ts":
            out.append(lambda v=int(op[1]): m.metrics_timestamp(v))
        elif k == "rc":
            out.append(lambda v=int(op[1]): m.metrics_request_count(v))
        elif k == "begin":
            out.append(lambda v=int(op[1]): m.metrics_row_begin(v))
        elif k == "int":
            out.append(lambda a=op[1].encode(), v=int(op[2]): m.metrics_put_int(io(a), v))
        elif k == "float":
            bits = struct.unpack("<q", struct.pack("<d", float(op[2])))[0]  # the module takes the bit pattern
            out.append(lambda a=op[1].encode(), v=bits: m.metrics_put_float(io(a), v))
        elif k == "bool":
            out.append(lambda a=op[1].encode(), v=int(op[2]): m.metrics_put_bool(io(a), v))
        elif k == "null":
            out.append(lambda a=op[1].encode(): m.metrics_put_null(io(a)))
        elif k == "str":
            s = (op[2] if len(op) > 2 else "").encode()
            out.append(lambda a=op[1].encode(), s=s: m.metrics_put_string(io(a, s), len(s)))
        elif k == "end":
            out.append(lambda: m.metrics_row_end())
        elif k == "clear":
            out.append(lambda: m.metrics_ring_clear())
        elif k == "encode":
            out.append(lambda a=int(op[1]), b=int(op[2]): m.metrics_encode(a, b))
        else:
            raise ValueError(f"bad script line {op}")
    return out


def main():
    spec = json.load(sys.stdin)
    m = Module(spec["wasm"])
    repeat = spec["repeat"]
    res = {"decode": [], "encode": []}
    # pywasm3's own cost of one call from Python (a trivial export), for the reader
    res["call_overhead_seconds"] = median_time(lambda n: [m.text_capacity() for _ in range(n)], 2000, repeat)
    key = bytes.fromhex(spec["key"])
    kb = m.key_buffer()
    m.mem()[kb:kb + 16] = key
    sc = m.token_starting_code() & 0xFFFFFFFF
    tb = m.text_buffer()
    for case in spec["decode"]:
        tok = case["token"].encode()
        m.mem()[tb:tb + len(tok)] = tok
        last = case["count"]
        decode = m.token_decode
        result = decode(sc, last, 0, len(tok), 0)

        def batch(n):
            for _ in range(n):
                decode(sc, last, 0, len(tok), 0)
        res["decode"].append({"result": result, "seconds": median_time(batch, case["n"], repeat)})
    for case in spec["encode"]:
        ops = compile_ops(m, parse_script(case["script"]))
        last = [0]

        def batch(n):
            for _ in range(n):
                for f in ops:
                    r = f()
                    if r is not None and r < 0:
                        raise RuntimeError(f"{case['name']}: operation failed: {r}")
                last[0] = r
        secs = median_time(batch, case["n"], repeat)
        n = last[0]
        at = m.metrics_out_buffer()
        res["encode"].append({"bytes": n, "hex": bytes(m.mem()[at:at + n]).hex(), "seconds": secs,
                              "calls": len(ops)})
    print(json.dumps(res))


if __name__ == "__main__":
    main()

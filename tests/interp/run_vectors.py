"""Runs the token vectors, the device procedure and the metrics vectors (the call lists of
tests/c/metrics_ops.py, as the C harness runs them) on a real WebAssembly interpreter, talking to
the .wasm only through its exports and its linear memory, as a device would.
Engines: wasm3 (pywasm3, in process) and wasmi (tests/interp/wasmi-driver, over a pipe).
Usage: python3 tests/interp/run_vectors.py ENGINE FILE.wasm... ; ends with "N passed, M failed"."""
import json
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(HERE, "..", "vectors")
sys.path.insert(0, os.path.join(HERE, "..", "c"))
import metrics_ops  # noqa: E402


def f64_bits(v):
    """A double's IEEE 754 bits as a signed 64-bit integer: metrics_put_float takes floats so."""
    return struct.unpack("<q", struct.pack("<d", float(v)))[0]


ABI = metrics_ops.ABI  # codes and enums by their canonical names (abi/abi.json)
ERR_METRICS_FULL = ABI["ERR_METRICS_FULL"]
VERIFY_VALID, VERIFY_UNSIGNED = ABI["VERIFY_VALID"], ABI["VERIFY_UNSIGNED"]
TYPES = {t: ABI[t] for t in ("ADD_TIME", "SET_TIME", "DISABLE_PAYG", "COUNTER_SYNC")}
SPECIAL_VALUE = {"DISABLE_PAYG": 998, "COUNTER_SYNC": 999}
RESULTS = {r: ABI[r] for r in ("INVALID", "ALREADY_USED", "BLOCKED")}
NO_WAITING_PERIOD = ABI["DEVICE_NO_WAITING_PERIOD"]
T0 = 1700000000


class Trap(Exception):
    pass


class Wasm3:
    def __init__(self, path):
        import wasm3
        env = wasm3.Environment()
        self.rt = env.new_runtime(64 * 1024)
        self.rt.load(env.parse_module(open(path, "rb").read()))
        self.funcs = {}

    def has(self, name):
        try:
            self.rt.find_function(name)
            return True
        except RuntimeError:
            return False

    def call(self, name, *args):
        f = self.funcs.get(name) or self.funcs.setdefault(name, self.rt.find_function(name))
        try:
            r = f(*args)
            return 0 if r is None else r & 0xFFFFFFFF  # void results: 0
        except RuntimeError as e:
            raise Trap(f"{name}: {e}")

    def write(self, addr, data):
        mem = self.rt.get_memory(0)
        mem[addr:addr + len(data)] = data

    def read(self, addr, n):
        return bytes(self.rt.get_memory(0)[addr:addr + n])

    def close(self):
        pass


class Wasmi:
    DRIVER = os.environ.get("OPAYGO_WASMI_DRIVER") or os.path.join(
        HERE, "..", "..", "build", "wasmi-driver", "release", "opaygo-wasmi-driver")

    def __init__(self, path):
        self.p = subprocess.Popen([self.DRIVER, path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        answer = self.p.stdout.readline().strip()
        if not answer:
            raise Trap(f"driver died on: {line}")
        if answer.startswith("error "):
            raise Trap(answer[6:])
        return answer

    def has(self, name):
        try:
            self.ask(f"call {name}")  # wrong arity: an error, but not "no export"
            return True
        except Trap as e:
            return "no export" not in str(e)

    def call(self, name, *args):
        answer = self.ask(" ".join(["call", name] + [repr(a) if isinstance(a, float) else str(a) for a in args]))
        return 0 if answer == "void" else int(answer)  # void results: 0

    def write(self, addr, data):
        if data:
            self.ask(f"write {addr} {data.hex()}")

    def read(self, addr, n):
        return bytes.fromhex(self.ask(f"read {addr} {n}"))

    def close(self):
        self.p.stdin.close()
        self.p.wait()


ENGINES = {"wasm3": Wasm3, "wasmi": Wasmi}


def signed(r):
    return r - (1 << 32) if r >= 1 << 31 else r


class Suite:
    def __init__(self, engine, path):
        self.engine, self.path = engine, path
        self.m = ENGINES[engine](path)
        self.name = f"{engine} {os.path.basename(path)}"
        self.full = self.m.has("token_generate")
        self.metrics = self.m.has("metrics_init")  # not in opaygo-token.wasm
        # the build profile's Metrics features (the seed profile leaves some out)
        self.features = self.m.call("metrics_features") & 0xffffffff if self.metrics else 0
        if self.full or self.features == metrics_ops.FEATURE_MASK:
            self.features = metrics_ops.ALL_FEATURES
        self.passed = self.failed = 0

    def check(self, name, fn, *args):
        try:
            why = fn(*args)
        except Trap as e:
            why = f"trapped: {e}"
        if why:
            self.failed += 1
            print(f"FAIL [{self.name}] {name}: {why}")
        else:
            self.passed += 1

    def set_key(self, key_hex):
        self.m.write(self.m.call("key_buffer"), bytes.fromhex(key_hex))

    def put_text(self, text):
        data = text.encode("latin-1")
        self.m.write(self.m.call("text_buffer"), data)
        return len(data)

    # ---- token vectors ----
    def generate(self, v):
        self.set_key(v["key"])
        flags = (1 if v["extended_token"] else 0) | (2 if v["restricted_digit_set"] else 0)
        value = v["value_raw"] or 0
        n = self.m.call("token_generate", v["starting_code"] or 0, v["count"], TYPES[v["token_type"]], value, flags)
        if n > 0x7FFFFFFF:
            return f"error {n - (1 << 32)}"
        token = self.m.read(self.m.call("text_buffer"), n).decode()
        count = self.m.call("token_generated_count")
        if (token, count) != (v["token"], v["new_count"]):
            return f"generated {token} count {count}, want {v['token']} {v['new_count']}"

    def decode(self, v):
        self.set_key(v["key"])
        n = self.put_text(v["token"])
        want_type = TYPES[v["token_type"]]
        if v["extended_token"] and v["token_type"] in SPECIAL_VALUE:
            want_type = TYPES["SET_TIME"]  # 998 / 999 are ordinary values in extended tokens
        want = (want_type, v["value_raw"] if v["value_raw"] is not None else SPECIAL_VALUE[v["token_type"]], v["new_count"])
        t = self.m.call("token_decode", v["starting_code"] or 0, v["count"], 0, n, 1 if v["restricted_digit_set"] else 0)
        got = (t, self.m.call("token_result_value"), self.m.call("token_result_count"))
        if got != want:
            return f"decode {v['token']}: {got}, want {want}"

    # ---- device ----
    def snapshot(self):
        return [self.m.call(f) for f in ("device_active_until", "device_count", "device_used_counts",
                                         "device_invalid_streak", "device_blocked_until", "device_payg_disabled")]

    def scenario(self, sc):
        flags = 0 if sc["waiting_period"] else NO_WAITING_PERIOD
        self.set_key(sc["key"])
        rc = self.m.call("device_init", sc["starting_code"], sc["count"], flags, 86400)
        if rc:
            return f"device_init {rc}"
        now = T0
        for i, s in enumerate(sc["steps"], 1):
            if "advance" in s:
                now += s["advance"]
                continue
            e = s["expect"]
            r = self.m.call("device_enter_token", now, self.put_text(s["token"]))
            ok = TYPES["ADD_TIME"] <= r <= TYPES["COUNTER_SYNC"] if e["result"] == "ACCEPTED" else r == RESULTS[e["result"]]
            disabled = self.m.call("device_payg_disabled") == 1
            days = None if disabled else self.m.call("device_seconds_left", now) / 86400
            count = self.m.call("device_count")
            if not ok or days != e["days_remaining"] or count != e["count"]:
                return f"step {i} {s['token']}: result {r} days {days} count {count}, want {e}"
            before = self.snapshot()
            if self.m.call("device_save") != 32:
                return f"step {i}: save"
            blob = self.m.read(self.m.call("state_buffer"), 32)
            self.m.call("device_init", sc["starting_code"], sc["count"], flags, 86400)
            self.m.write(self.m.call("state_buffer"), blob)
            rc = self.m.call("device_load")
            if rc or self.snapshot() != before:
                return f"step {i}: state differs after save/load ({rc})"

    def bad_input(self):
        self.set_key("a29ab82edc5fbbc41ec9530f6dac86b1")
        self.m.call("device_init", 284712936, 1, NO_WAITING_PERIOD, 86400)
        for text in ["", " ", "abc", "12345678a", "-12345678", "1234567890123", "99999999999999999999",
                     "999999999999", "000000000", "1 2 3 4 5 6 7 8 9", "\xff\xfe\x01", "9" * 64]:
            n = self.put_text(text)
            for restricted in (0, 1):
                r = self.m.call("token_decode", 284712936, 1, 0, n, restricted)
                if r not in (10, 11):
                    return f"decode {text!r}: {r}"
            r = self.m.call("device_enter_token", T0, n)
            if r not in (10, 11):
                return f"enter {text!r}: {r}"
        # Lengths the text buffer cannot hold, counts past the limit, an impossible starting code.
        cap = self.m.call("text_capacity")
        for length in (cap + 1, 0x7FFFFFFF, 0xFFFFFFFF):
            if self.m.call("token_decode", 0, 0, 0, length, 0) != 10:
                return f"length {length} not refused"
            if self.m.call("device_enter_token", T0, length) != 10:
                return f"length {length} entered"
        n = self.put_text("000000000")
        for code, count in ((0xFFFFFFFF, 1), (1000000000, 1), (284712936, 0x10000), (284712936, 0xFFFFFFFF)):
            if self.m.call("token_decode", code, count, 0xFFFFFFFF, n, 0) != 10:
                return f"starting code {code} count {count} not refused"
        if self.full:
            for args in ((0, 1, 7, 1, 0), (0, 1, 1, 996, 0), (0, 1, 1, 1000000, 1), (1000000000, 1, 1, 1, 0),
                         (0, 0xFFFFFFFF, 1, 1, 0), (0, 1, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF)):
                if self.m.call("token_generate", *args) < 0x80000000:
                    return f"token_generate{args} not refused"

    def blob_refusals(self):
        self.set_key("a29ab82edc5fbbc41ec9530f6dac86b1")
        self.m.call("device_init", 284712936, 1, 0, 86400)
        self.m.call("device_enter_token", T0, self.put_text("123456789"))
        self.m.call("device_save")
        addr = self.m.call("state_buffer")
        blob = self.m.read(addr, 32)
        for i in range(32):
            bad = bytearray(blob)
            bad[i] ^= 0x01 << (i % 8)
            self.m.write(addr, bytes(bad))
            if self.m.call("device_load") < 0x80000000:
                return f"blob with byte {i} changed was loaded"
        self.m.write(addr, blob)
        if self.m.call("device_load") != 0:
            return "good blob refused"

    # ---- metrics: the call lists of tests/c/metrics_ops.py on the raw exports ----
    def io(self, a, b=b""):
        self.m.write(self.m.call("metrics_io_buffer"), a + b)
        return len(a)

    def metrics_call(self, o):
        """Performs one op; returns (result as a signed i32, output bytes or None)."""
        m, k = self.m, o["op"]
        c = lambda name, *args: signed(m.call(name, *args))
        if k == "KEY":
            m.write(m.call("key_buffer"), o["text"])
            return 0, None
        if k == "INIT":
            return c("metrics_init", self.io(o["name"]), o["i"]), None
        if k == "FORMAT_ID":
            return c("metrics_format_id", o["i"], o["flag"]), None
        if k == "FORMAT_OBJECT":
            return c("metrics_format_object", self.io(o["text"]), o["flag"]), None
        if k == "FORMAT_NAME":
            return c("metrics_format_name", o["i"], self.io(o["name"])), None
        if k in ("TIMESTAMP", "REQUEST_COUNT"):
            m.call("metrics_timestamp" if k == "TIMESTAMP" else "metrics_request_count", o["i"])
            return 0, None
        if k == "ROW_BEGIN":
            return c("metrics_row_begin", o["i"]), None
        if k in ("ROW_END", "ARRAY_END"):
            return c("metrics_" + k.lower()), None
        if k == "PUT_INT":
            return c("metrics_put_int", self.io(o["name"]), o["i"]), None
        if k == "PUT_FLOAT":
            return c("metrics_put_float", self.io(o["name"]), f64_bits(o["f"])), None
        if k == "PUT_BOOL":
            return c("metrics_put_bool", self.io(o["name"]), o["i"]), None
        if k == "PUT_NULL":
            return c("metrics_put_null", self.io(o["name"])), None
        if k == "PUT_STRING":
            return c("metrics_put_string", self.io(o["name"], o["text"]), len(o["text"])), None
        if k == "ARRAY_BEGIN":
            return c("metrics_array_begin", self.io(o["name"])), None
        if k == "ENCODE":
            n = c("metrics_encode", o["i"], 0)
            return n, (m.read(m.call("metrics_out_buffer"), n) if n >= 0 else None)
        if k == "RING_ROWS":
            return c("metrics_ring_rows"), None
        if k == "ANSWER_APPLY":
            m.write(m.call("metrics_out_buffer"), o["text"])
            return c("metrics_answer_apply", len(o["text"]), o["i"]), None
        if k == "ANSWER_TOKENS":
            return c("metrics_answer_tokens"), None
        if k == "CBOR_CHECK":
            n = c("metrics_encode", 0, 1)
            if n < 0:
                return n, None
            body = m.read(m.call("metrics_out_buffer"), n)
            m.write(m.call("metrics_server_body_buffer", len(body)), body)
            n = c("metrics_server_load", n, 1)
            return n, (m.read(m.call("metrics_server_request_buffer"), n) if n >= 0 else None)
        if k == "SERVER_LOAD":
            m.write(m.call("metrics_server_body_buffer", len(o["text"])), o["text"])
            return c("metrics_server_load", len(o["text"]), 0), None
        if k == "SERVER_VERIFY":
            return c("metrics_server_verify", 0, 0), None
        if k in ("SERVER_EXPAND", "SERVER_ANSWER"):
            m.write(m.call("json_in_buffer"), o["text"])
            if k == "SERVER_EXPAND":
                r = c("metrics_server_format", len(o["text"]))
                n = r if r < 0 else c("metrics_server_expand", float(o["i"]))
            else:
                n = c("metrics_server_answer", len(o["text"]), o["flag"])
            return n, (m.read(m.call("metrics_server_out_buffer"), n) if n >= 0 else None)
        raise ValueError(f"unknown op {k}")

    def run_metrics(self, ops, refuse):
        # Each vector is a new device (or server): a fresh instance, as in the C harness.
        self.m.close()
        self.m = ENGINES[self.engine](self.path)
        for i, o in enumerate(ops):
            r, out = self.metrics_call(o)
            if refuse:
                if r < 0:
                    return None  # refused, as the reference refuses it
                continue
            e = o["expect"]
            if e == "EXPECT_OK" and r < 0:
                return f"call {i} {o['op']}: error {r}"
            if e == "EXPECT_VALUE" and r != o["want"]:
                return f"call {i} {o['op']}: {r}, want {o['want']}"
            if e == "EXPECT_NOT_VALID" and (r < 0 or r in (VERIFY_VALID, VERIFY_UNSIGNED)):
                return f"call {i} {o['op']}: verification {r}, want a signature that does not verify"
            if e == "EXPECT_OUT":
                if not self.full and o["op"] == "ENCODE" and len(o["out"]) > self.m.call("metrics_out_capacity"):
                    if r != ERR_METRICS_FULL:
                        return f"call {i}: {r} for a {len(o['out'])}-byte payload, want {ERR_METRICS_FULL}"
                    self.refused_full += 1
                    continue
                if out != o["out"]:
                    return f"call {i} {o['op']}: {r} {out[:80] if out else out!r}..., want {o['out'][:80]!r}..."
                self.compared += 1
        if refuse:
            return "accepted, the reference refuses it"

    def run(self):
        tokens = []
        for f in ("tokens_reference.jsonl", "tokens_random.jsonl"):
            with open(os.path.join(VECTORS, f)) as fh:
                tokens += [(f"{f}:{i}", json.loads(l)) for i, l in enumerate(fh, 1) if l.strip()]
        for where, v in tokens:
            if self.full:
                self.check(f"generate {where}", self.generate, v)
            self.check(f"decode {where}", self.decode, v)
        for f in ("device_procedure.jsonl", "device_procedure_official.jsonl"):
            with open(os.path.join(VECTORS, f)) as fh:
                for i, line in enumerate(fh, 1):
                    sc = json.loads(line)
                    self.check(f"{f}:{i} {sc['name']}", self.scenario, sc)
        self.compared = self.refused_full = 0
        for where, ops, full_only, refuse in metrics_ops.vectors(VECTORS) if self.metrics else ():
            if full_only and not self.full:
                continue
            ops = metrics_ops.for_features(ops, refuse, self.features)
            if ops is None:
                continue
            self.check(f"metrics {where}", self.run_metrics, ops, refuse)
        if self.metrics:
            print(f"[{self.name}] metrics: {self.compared} payloads compared byte for byte, "
                  f"{self.refused_full} refused as too big for the output buffer")
        else:
            print(f"[{self.name}] metrics: none (token build)")
        self.check("bad input never traps, is refused", self.bad_input)
        self.check("state blob refusals", self.blob_refusals)
        self.m.close()
        print(f"[{self.name}] {self.passed} passed, {self.failed} failed")
        return self.passed, self.failed


def main():
    engine, *files = sys.argv[1:]
    passed = failed = 0
    for path in files:
        p, f = Suite(engine, path).run()
        passed += p
        failed += f
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())

"""Runs the token vectors and the device procedure on a real WebAssembly interpreter, talking to
the .wasm only through its exports and its linear memory, as a device would.
Engines: wasm3 (pywasm3, in process) and wasmi (tests/interp/wasmi-driver, over a pipe).
Usage: python3 tests/interp/run_vectors.py ENGINE FILE.wasm... ; ends with "N passed, M failed"."""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(HERE, "..", "vectors")
TYPES = {"ADD_TIME": 1, "SET_TIME": 2, "DISABLE_PAYG": 3, "COUNTER_SYNC": 4}
SPECIAL_VALUE = {"DISABLE_PAYG": 998, "COUNTER_SYNC": 999}
RESULTS = {"INVALID": 10, "ALREADY_USED": 11, "BLOCKED": 12}
NO_WAITING_PERIOD = 2
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
            return f(*args) & 0xFFFFFFFF
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
        return int(self.ask(" ".join(["call", name] + [str(a) for a in args])))

    def write(self, addr, data):
        if data:
            self.ask(f"write {addr} {data.hex()}")

    def read(self, addr, n):
        return bytes.fromhex(self.ask(f"read {addr} {n}"))

    def close(self):
        self.p.stdin.close()
        self.p.wait()


ENGINES = {"wasm3": Wasm3, "wasmi": Wasmi}


class Suite:
    def __init__(self, engine, path):
        self.m = ENGINES[engine](path)
        self.name = f"{engine} {os.path.basename(path)}"
        self.full = self.m.has("token_generate")
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
            ok = 1 <= r <= 4 if e["result"] == "ACCEPTED" else r == RESULTS[e["result"]]
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

    def run(self):
        tokens = []
        for f in ("tokens_reference.jsonl", "tokens_random.jsonl"):
            with open(os.path.join(VECTORS, f)) as fh:
                tokens += [(f"{f}:{i}", json.loads(l)) for i, l in enumerate(fh, 1) if l.strip()]
        for where, v in tokens:
            if self.full:
                self.check(f"generate {where}", self.generate, v)
            self.check(f"decode {where}", self.decode, v)
        with open(os.path.join(VECTORS, "device_procedure.jsonl")) as fh:
            for i, line in enumerate(fh, 1):
                sc = json.loads(line)
                self.check(f"device_procedure.jsonl:{i} {sc['name']}", self.scenario, sc)
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

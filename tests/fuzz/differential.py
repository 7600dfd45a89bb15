"""The fuzz corpora through every backend: each libFuzzer target built as a plain program
(tests/fuzz/replay_main.c) over the wasm2c build and over each interpreter on x86-64, every input
of the target's corpora replayed through each, and each backend's line per input (the hash of every
export's result in call order, the hash of the linear memory at the end) compared with the wasm2c
build's. A memory cap, a trap or an opcode an interpreter handles differently shows up as a
different line, an abort or a missing line.
Corpora: the seeds (build/fuzz/seeds/, from the vectors), the committed regressions
(tests/fuzz/regressions/) and the corpora the fuzzing left (build/fuzz/run-corpus/ from
make test-fuzz, build/fuzz/corpus/ from make fuzz) where present.
Prints one line per target x backend and "N passed, M failed".
Usage: python3 tests/fuzz/differential.py DIFF_DIR BACKEND... -- TARGET..."""
import glob
import os
import re
import subprocess
import sys

CHUNK = 400


def corpus(target):
    dirs = [f"build/fuzz/seeds/{target}", f"tests/fuzz/regressions/{target}", f"build/fuzz/run-corpus/{target}",
            f"build/fuzz/corpus/{target}"]
    files, seen = [], set()
    for d in dirs:
        for f in sorted(glob.glob(os.path.join(d, "*"))):
            name = os.path.basename(f)
            if os.path.isfile(f) and name not in seen:
                seen.add(name)
                files.append(f)
    return files


def replay(binary, files):
    """Lines per input name, and an error text (None when every input ran)."""
    lines = {}
    for i in range(0, len(files), CHUNK):
        p = subprocess.run([binary] + files[i:i + CHUNK], capture_output=True, text=True, timeout=1200)
        for m in re.finditer(r"^(\S+) ([0-9a-f]{16} [0-9a-f]{16})$", p.stdout, re.M):
            lines[m.group(1)] = m.group(2)
        if p.returncode != 0:
            return lines, f"exit {p.returncode} after {len(lines)} of {len(files)} inputs: {p.stderr.strip()[-300:]}"
    return lines, None


def main():
    split = sys.argv.index("--")
    diff_dir, backends, targets = sys.argv[1], sys.argv[2:split], sys.argv[split + 1:]
    passed = failed = 0
    for target in targets:
        files = corpus(target)
        reference, error = replay(os.path.join(diff_dir, "wasm2c", "fuzz_" + target), files)
        if error:
            print(f"FAIL {target} wasm2c: {error}")
            failed += 1
            continue
        for backend in backends:
            lines, error = replay(os.path.join(diff_dir, backend, "fuzz_" + target), files)
            differ = [n for n in reference if lines.get(n) != reference[n]]
            if error or differ:
                print(f"FAIL {target} {backend}: {error or ''} {len(differ)} of {len(files)} inputs differ from wasm2c"
                      + (f" (first: {differ[0]})" if differ else ""))
                failed += 1
            else:
                print(f"{target:13} {backend:8} {len(files):6} inputs, the same results and memory as wasm2c")
                passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

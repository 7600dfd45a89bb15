"""The heap refusal test of wasm3 on the microcontroller: runs a harness image (tests/mcu/interp_main.c)
with wasm3's fixed heap cut to each budget ("heap=N": load, a fresh instance, one token decoded).
Every run must end cleanly: "runs", or the load refused with an error code. A crash (a fault
loops until the timeout) or any other end is a failure. The smallest heap that runs is found by
bisection; the budgets below it must all be refused and the image's own heap must run.
Usage: python3 tests/mcu/heap_refusal.py IMAGE.elf HEAP_BYTES BUDGET... -- QEMU COMMAND...
Prints one line per budget, the smallest heap that runs, and "N passed, M failed"."""
import re
import subprocess
import sys


def run(qemu, image, budget):
    """'runs', 'refused' or a failure text."""
    try:
        p = subprocess.run(qemu + ["-kernel", image, "-append", f"heap={budget}"], capture_output=True,
                           text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return f"heap {budget}: crashed (no end before the timeout)", "crash"
    line = re.search(r"^heap \d+: .*$", p.stdout, re.M)
    text = line.group(0) if line else f"heap {budget}: no result line (exit {p.returncode})"
    if p.returncode == 0 and text.endswith(": runs"):
        return text, "runs"
    if p.returncode == 0 and ": load refused: OPAYGO_ERR_MEMORY_SIZE" in text:
        return text, "refused"
    return text, "fail"


def main():
    split = sys.argv.index("--")
    image, heap = sys.argv[1], int(sys.argv[2])
    budgets, qemu = [int(b) for b in sys.argv[3:split] if int(b) < heap], sys.argv[split + 1:]
    passed = failed = 0

    def judge(ok, text):
        nonlocal passed, failed
        print(("" if ok else "FAIL ") + text)
        passed, failed = passed + ok, failed + (not ok)

    # Smallest heap that runs: refused below, runs from there on (16-byte steps: wasm3's alignment).
    lo, hi = 0, heap
    text, kind = run(qemu, image, hi)
    judge(kind == "runs", text + " (the image's own heap)")
    while hi - lo > 16 and kind == "runs":
        mid = (lo + hi) // 2 // 16 * 16
        _, k = run(qemu, image, mid)
        if k == "runs":
            hi = mid
        elif k == "refused":
            lo = mid
        else:
            judge(False, f"heap {mid}: {k}")
            break
    smallest = hi
    for budget in budgets:
        text, kind = run(qemu, image, budget)
        judge(kind == ("runs" if budget >= smallest else "refused"), text)
    print(f"heap refusal: smallest heap that runs {smallest} bytes of the image's {heap}")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
